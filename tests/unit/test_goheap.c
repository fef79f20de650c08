/* test_goheap.c: finding the Go page allocator's chunk bitmaps from a replay of the runtime's
 * mmap sequence (real mappings, so that the reads and mincore() are real), the popcount and
 * chunk math, and that a wrong or vanished block never faults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "gomemtrace/schema.h"
#include "preload/goheap.h"

/* ---- the go_chunks events the module emits ---- */
extern void (*gm_goheap_test_emit)(uint64_t seq, uint64_t base, const uint16_t *inuse,
				   const uint16_t *released, const uint16_t *resident, uint32_t n);
static struct {
	int n_events;                                  /* events seen */
	uint64_t seq, base;                            /* of the first event */
	uint32_t count;                                /* of the first event */
	uint16_t inuse[64], released[64], resident[64]; /* of the first event */
} gm_t_ev;

static void gm_t_emit(uint64_t seq, uint64_t base, const uint16_t *inuse,
		      const uint16_t *released, const uint16_t *resident, uint32_t n)
{
	if (gm_t_ev.n_events++ == 0) {
		gm_t_ev.seq = seq, gm_t_ev.base = base, gm_t_ev.count = n;
		memcpy(gm_t_ev.inuse, inuse, n * 2);
		memcpy(gm_t_ev.released, released, n * 2);
		memcpy(gm_t_ev.resident, resident, n * 2);
	}
}

/* ---- helpers ---- */
#define MIB (1ULL << 20)
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_ANONYMOUS | MAP_PRIVATE)

/* Set bits [lo, hi) of a 512-bit map. */
static void gm_t_bits(uint64_t *m, unsigned lo, unsigned hi)
{
	for (unsigned i = lo; i < hi; i++)
		m[i / 64] |= 1ULL << (i % 64);
}

/* A 4 MiB-aligned RW heap of n chunks committed the runtime's way (PROT_NONE reservation,
 * then mmap FIXED RW), reported to the module. */
static uintptr_t gm_t_commit(unsigned n)
{
	size_t len = n * GM_GO_CHUNK_BYTES;
	char *r = mmap(NULL, len + GM_GO_CHUNK_BYTES, PROT_NONE, ANON, -1, 0);
	assert_true(r != MAP_FAILED);
	uintptr_t v = ((uintptr_t)r + GM_GO_CHUNK_BYTES - 1) & ~(uintptr_t)(GM_GO_CHUNK_BYTES - 1);
	void *c = mmap((void *)v, len, RW, ANON | MAP_FIXED, -1, 0);
	assert_true(c == (void *)v);
	gm_goheap_note_mmap(v, len, RW, ANON | MAP_FIXED, v);
	return v;
}

/* The sysAlloc of a block (or any mmap of len on this thread), reported to the module. */
static uint64_t *gm_t_alloc(size_t len)
{
	void *b = mmap(NULL, len, RW, ANON, -1, 0);
	assert_true(b != MAP_FAILED);
	gm_goheap_note_mmap(0, len, RW, ANON, (uintptr_t)b);
	return b;
}

/* ---- tests ---- */
static void test_chunk_index(void **state)
{
	(void)state;
	/* the first arena hint, 0xc000000000: ci 0x2030000, l1 0x1018, l2 0 */
	assert_int_equal(gm_goheap_chunk_index(0xc000000000ULL), 0x2030000);
	assert_int_equal(gm_goheap_chunk_index(0xc000000000ULL) >> 13, 0x1018);
	assert_int_equal(gm_goheap_chunk_index(0xc000400000ULL) & 8191, 1);
}

static void test_chunk_count(void **state)
{
	(void)state;
	uint64_t pd[16] = { 0 };
	struct gm_goheap_chunk c;
	gm_goheap_chunk_count(pd, &c);
	assert_int_equal(c.inuse, 0);
	assert_int_equal(c.released, 0);
	assert_int_equal(c.free, 512);
	gm_t_bits(pd, 0, 100);      /* allocated */
	gm_t_bits(pd + 8, 200, 512); /* scavenged */
	gm_goheap_chunk_count(pd, &c);
	assert_int_equal(c.inuse, 100);
	assert_int_equal(c.released, 312);
	assert_int_equal(c.free, 100);
	/* Go 1.26's heap-base padding: allocated and scavenged, counted released, not in use */
	gm_t_bits(pd + 8, 0, 40);
	gm_goheap_chunk_count(pd, &c);
	assert_int_equal(c.inuse, 60);
	assert_int_equal(c.released, 352);
	assert_int_equal(c.free, 100);
	memset(pd, 0, sizeof pd);
	memset(pd, 0xff, 8 * sizeof pd[0]);
	gm_goheap_chunk_count(pd, &c);
	assert_int_equal(c.inuse, 512);
	assert_int_equal(c.released, 0);
	assert_int_equal(c.free, 0);
}

static void test_nothing_found(void **state)
{
	(void)state;
	struct gm_goheap_totals t;
	gm_t_ev.n_events = 0;
	gm_goheap_sample(0, 1, 0, &t);
	assert_int_equal(t.source, GM_GOHEAP_NONE);
	assert_int_equal(t.mapped, -1);
	assert_int_equal(t.inuse, -1);
	assert_int_equal(gm_t_ev.n_events, 0);
}

/* The runtime's sequence: commit, summary pieces (FIXED, small), another sysAlloc (not
 * 1 MiB), then the 1 MiB block; bitmaps as the runtime writes them. */
static uintptr_t gm_t_heap;    /* test_discovery_and_states' heap, for test_self_check */
static void test_discovery_and_states(void **state)
{
	(void)state;
	uintptr_t v = gm_t_commit(3);
	uint64_t *summ = gm_t_alloc(64 << 10); /* stands for a FIXED summary piece: ignored */
	gm_goheap_note_mmap((uintptr_t)summ, 4096, RW, ANON | MAP_FIXED, (uintptr_t)summ);
	uint64_t *block = gm_t_alloc(MIB);
	uint64_t ci = gm_goheap_chunk_index(v);
	uint64_t *pd = block + (ci & 8191) * 16;
	gm_t_heap = v;
	/* chunk 0: 100 allocated, 10 of them scavenged too (Go 1.26 heap-base padding: released,
	 * not in use), 302 more released, 100 free */
	gm_t_bits(pd, 0, 100);
	gm_t_bits(pd + 8, 90, 100);
	gm_t_bits(pd + 8, 200, 512);
	/* chunk 1: all allocated, first 10 pages (80 KiB) resident */
	memset(pd + 16, 0xff, 64);
	memset((void *)(v + GM_GO_CHUNK_BYTES), 1, 10 * GM_GO_PAGE_SIZE);
	/* chunk 2: all released (as after grow) */
	memset(pd + 32 + 8, 0xff, 64);

	struct gm_goheap_totals t;
	gm_t_ev.n_events = 0;
	gm_goheap_sample(7, 1, 0, &t);
	assert_int_equal(t.source, GM_GOHEAP_BITMAP);
	assert_int_equal(t.mapped, 3 * GM_GO_CHUNK_BYTES);
	assert_int_equal(t.inuse, (90 + 512) * GM_GO_PAGE_SIZE);
	assert_int_equal(t.released, (322 + 512) * GM_GO_PAGE_SIZE);
	assert_int_equal(t.free, 100 * GM_GO_PAGE_SIZE);
	assert_int_equal(t.resident, 10 * GM_GO_PAGE_SIZE);
	assert_int_equal(gm_t_ev.n_events, 1);
	assert_int_equal(gm_t_ev.seq, 7);
	assert_int_equal(gm_t_ev.base, v);
	assert_int_equal(gm_t_ev.count, 3);
	assert_int_equal(gm_t_ev.inuse[0], 90);
	assert_int_equal(gm_t_ev.released[0], 322);
	assert_int_equal(gm_t_ev.inuse[1], 512);
	assert_int_equal(gm_t_ev.resident[1], 10);
	assert_int_equal(gm_t_ev.resident[0], 0);
	assert_int_equal(gm_t_ev.released[2], 512);

	/* growth in the same 32 GiB region needs no new block: a later 1 MiB mmap is not one */
	uintptr_t v2 = gm_t_commit(1);
	if ((gm_goheap_chunk_index(v2) >> 13) == (ci >> 13)) {
		uint64_t *other = gm_t_alloc(MIB);
		memset(other, 0xff, MIB);
		gm_goheap_sample(8, 0, 0, &t);
		assert_int_equal(t.mapped, 4 * GM_GO_CHUNK_BYTES);
		assert_int_equal(t.inuse, (90 + 512) * GM_GO_PAGE_SIZE); /* new chunk: all zero */
	}
	/* without emit_chunks: no events */
	gm_t_ev.n_events = 0;
	gm_goheap_sample(9, 0, 1, &t);
	assert_int_equal(gm_t_ev.n_events, 0);
}

/* A commit whose block does not follow within a few mmaps on the thread stays unattributed,
 * and a 1 MiB mmap with no commit before it is nobody's block. */
static void test_no_false_block(void **state)
{
	(void)state;
	struct gm_goheap_totals before, after;
	gm_goheap_sample(10, 0, 0, &before);
	uintptr_t fake = 0x500000000000ULL; /* a region of its own; never mapped */
	gm_goheap_note_mmap(fake, GM_GO_CHUNK_BYTES, RW, ANON | MAP_FIXED, fake);
	for (int i = 0; i < 40; i++)
		gm_goheap_note_mmap(0, 8192, RW, ANON, 0x10000);
	uint64_t *late = gm_t_alloc(MIB);
	memset(late, 0xff, MIB);
	uint64_t *lone = gm_t_alloc(MIB);
	memset(lone, 0xff, MIB);
	gm_goheap_sample(11, 0, 0, &after);
	assert_int_equal(after.mapped, before.mapped);
	assert_int_equal(after.inuse, before.inuse);
}

/* A block that vanished (or was never one) is skipped, never faults. */
static void test_vanished_block(void **state)
{
	(void)state;
	struct gm_goheap_totals before, after;
	gm_goheap_sample(12, 0, 0, &before);
	uintptr_t fake = 0x580000000000ULL; /* never mapped: mincore finds nothing */
	gm_goheap_note_mmap(fake, 2 * GM_GO_CHUNK_BYTES, RW, ANON | MAP_FIXED, fake);
	uint64_t *block = gm_t_alloc(MIB);
	assert_int_equal(munmap(block, MIB), 0);
	gm_goheap_sample(13, 1, 0, &after);
	assert_int_equal(after.mapped, before.mapped);
	assert_int_equal(after.inuse, before.inuse);
}

/* The same without process_vm_readv (a kernel or seccomp filter refusing it): mincore()
 * guards the direct reads. */
extern _Atomic int gm_goheap_no_vmread;
static void test_fallback_reads(void **state)
{
	gm_goheap_no_vmread = 1;
	struct gm_goheap_totals t;
	gm_goheap_sample(14, 0, 0, &t);
	assert_int_equal(t.source, GM_GOHEAP_BITMAP);
	assert_int_equal(t.inuse, (90 + 512) * GM_GO_PAGE_SIZE);
	test_vanished_block(state);
	gm_goheap_no_vmread = 0;
}

/* The self-check at the runtime's page releases: pages being released read allocated and not
 * scavenged; one that does not turns the page states off (GM_GOHEAP_UNTRUSTED, no events). */
static void test_self_check(void **state)
{
	(void)state;
	uint32_t ok, bad;
	uint64_t first;
	uintptr_t v = gm_t_heap;
	gm_goheap_check_counts(&ok, &bad, &first);
	assert_int_equal(ok, 0), assert_int_equal(bad, 0), assert_int_equal(first, 0);
	gm_goheap_check_release(v, 10 * GM_GO_PAGE_SIZE);                /* pages 0-9: allocated */
	gm_goheap_check_release(v + 50 * GM_GO_PAGE_SIZE, 40 * GM_GO_PAGE_SIZE); /* 50-89 */
	gm_goheap_check_release(0x1000, 8192);                 /* not a known chunk: not checked */
	gm_goheap_check_release(v + 3 * GM_GO_CHUNK_BYTES, 8192); /* not committed: not checked */
	gm_goheap_check_counts(&ok, &bad, &first);
	assert_int_equal(ok, 2), assert_int_equal(bad, 0);
	struct gm_goheap_totals t;
	gm_t_ev.n_events = 0;
	gm_goheap_sample(20, 1, 0, &t);
	assert_int_equal(t.source, GM_GOHEAP_BITMAP);
	assert_true(gm_t_ev.n_events > 0);
	/* a page both allocated and scavenged (90-99) is no page the scavenger is releasing */
	gm_goheap_check_release(v + 85 * GM_GO_PAGE_SIZE, 10 * GM_GO_PAGE_SIZE);
	gm_goheap_check_counts(&ok, &bad, &first);
	assert_int_equal(ok, 2), assert_int_equal(bad, 1), assert_int_equal(first, v + 85 * GM_GO_PAGE_SIZE);
	/* a range that leaves its chunk: another chunk geometry */
	gm_goheap_check_release(v + GM_GO_CHUNK_BYTES - 8192, 2 * 8192);
	gm_goheap_check_counts(&ok, &bad, &first);
	assert_int_equal(bad, 2), assert_int_equal(first, v + 85 * GM_GO_PAGE_SIZE);
	gm_t_ev.n_events = 0;
	gm_goheap_sample(21, 1, 0, &t);
	assert_int_equal(t.source, GM_GOHEAP_UNTRUSTED);
	assert_int_equal(t.mapped, -1), assert_int_equal(t.inuse, -1), assert_int_equal(t.free, -1);
	assert_int_equal(t.released, -1), assert_int_equal(t.resident, -1);
	assert_int_equal(gm_t_ev.n_events, 0);
}

int main(void)
{
	gm_goheap_test_emit = gm_t_emit;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunk_index),
		cmocka_unit_test(test_chunk_count),
		cmocka_unit_test(test_nothing_found),
		cmocka_unit_test(test_discovery_and_states),
		cmocka_unit_test(test_no_false_block),
		cmocka_unit_test(test_vanished_block),
		cmocka_unit_test(test_fallback_reads),
		cmocka_unit_test(test_self_check), /* last: it turns the page states off */
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
