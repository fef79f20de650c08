/* gostats.c: the Go runtime's own heap statistics, read at each sample: how much of the heap's
 * in-use spans live (and not yet swept) objects fill, the rest being span fragmentation
 * (runtime/metrics' /memory/classes/heap/objects and .../unused). runtime.memstats (a data
 * symbol: absent from a stripped binary, then nothing is read) begins with heapStats, a
 * consistentHeapStats whose first field is stats [3]heapStatsDelta; a heapStatsDelta is words:
 * committed, released, inHeap, inStacks, inWorkBufs, inPtrScalarBits (up to Go 1.24 only),
 * tinyAllocCount, largeAlloc, largeAllocCount, smallAllocCount[68], largeFree, largeFreeCount,
 * smallFreeCount[68] (docs/go-runtime.md, "Heap statistics"). The three are summed, as the
 * runtime's own unsafeRead does; objects = largeAlloc - largeFree + the small classes'
 * (allocs - frees) x their size, the runtime's inObjects. Every read goes through
 * gm_goheap_read_self (never faults); the reader checks the figures against the page bitmaps'. */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "preload/goheap.h"
#include "preload/gostats.h"
#include "preload/gosyms.h"

#define GM_GOSTATS_CLASSES 68 /* _NumSizeClasses / gc.NumSizeClasses, Go 1.19-1.27 */
#define GM_GOSTATS_WORDS(head) ((head) + 3 + GM_GOSTATS_CLASSES + 2 + GM_GOSTATS_CLASSES)

/* class_to_size (internal/runtime/gc.SizeClassToSize from Go 1.25), the same in 1.19-1.27;
 * checked against the binary's own table when it has the symbol. */
static const uint16_t gm_gostats_size[GM_GOSTATS_CLASSES] = {
	0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
	352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048,
	2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768,
};

/* Written once by gm_gostats_init (constructor); read-only after. */
static uintptr_t gm_gostats_addr; /* &runtime.memstats, 0: not read */
static unsigned gm_gostats_head;  /* words before tinyAllocCount: 6 up to Go 1.24, 5 from 1.25 */

/* The words of the three deltas, per sampling context (its owner only). */
static uint64_t gm_gostats_buf[GM_GOHEAP_CONTEXTS][3 * GM_GOSTATS_WORDS(6)];

void gm_gostats_init(void)
{
	int minor = gm_gosyms_minor();
	if (minor < 19)
		return;
	unsigned head = minor <= 24 ? 6 : 5;
	uint64_t size = 0;
	uintptr_t a = gm_gosyms_data("runtime.memstats", &size);
	if (!a || (size && size < 3 * GM_GOSTATS_WORDS(head) * 8))
		return;
	/* the binary's size classes, when it says where they are, must be ours */
	uintptr_t t = gm_gosyms_data(minor <= 24 ? "runtime.class_to_size" : "internal/runtime/gc.SizeClassToSize", NULL);
	uint16_t sz[GM_GOSTATS_CLASSES];
	if (t && (gm_goheap_read_self(sz, t, sizeof sz) != 0 || memcmp(sz, gm_gostats_size, sizeof sz) != 0))
		return;
	gm_gostats_head = head;
	gm_gostats_addr = a;
}

int gm_gostats_read(int ctx, struct gm_gostats *out)
{
	out->objects = out->in_heap = -1;
	if (!gm_gostats_addr)
		return -1;
	unsigned w = GM_GOSTATS_WORDS(gm_gostats_head), h = gm_gostats_head;
	uint64_t *b = gm_gostats_buf[ctx >= 0 && ctx < GM_GOHEAP_CONTEXTS ? ctx : 0];
	if (gm_goheap_read_self(b, gm_gostats_addr, 3 * w * 8) != 0)
		return -1;
	int64_t in_heap = 0, objects = 0;
	for (unsigned d = 0; d < 3; d++) {
		const uint64_t *x = b + d * w;
		in_heap += (int64_t)x[2];
		objects += (int64_t)(x[h + 1] - x[h + 3 + GM_GOSTATS_CLASSES]); /* largeAlloc - largeFree */
		for (unsigned c = 1; c < GM_GOSTATS_CLASSES; c++)
			objects += (int64_t)(x[h + 3 + c] - x[h + 3 + GM_GOSTATS_CLASSES + 2 + c]) * gm_gostats_size[c];
	}
	if (in_heap < 0 || objects < 0 || objects > in_heap + (1 << 20) || in_heap > ((int64_t)1 << 46))
		return -1; /* not what the runtime's counters can add up to */
	out->objects = objects, out->in_heap = in_heap;
	return 0;
}
