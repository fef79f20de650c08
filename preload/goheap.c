/* goheap.c: the Go heap's page states, read from the runtime's own page-allocator bitmaps.
 *
 * How the bitmaps are found (Go 1.19-1.23, amd64, cgo: the runtime's mmaps go through libc
 * and so through our mmap hook). (*mheap).grow commits heap memory with
 *   mmap(v, n, PROT_READ|PROT_WRITE, MAP_ANON|MAP_FIXED|MAP_PRIVATE)   (sysMap; v, n 4 MiB multiples)
 * and then, on the same thread with the heap lock held, (*pageAlloc).grow maps summary and
 * scavenge-index pieces (MAP_FIXED) and, for each L1 index of the new chunks that has no block
 * yet, the block of 8192 pallocData entries with
 *   mmap(NULL, 1 MiB, PROT_READ|PROT_WRITE, MAP_ANON|MAP_PRIVATE)         (sysAlloc)
 * So: a 4 MiB-aligned RW fixed commit marks its chunks committed and, when its L1 has no
 * block, leaves a per-thread "pending" note; the next 1 MiB anonymous RW mmap on that thread
 * is the block. The runtime never frees these blocks nor decommits arenas.
 * pallocData per chunk (mpallocbits.go, identical in 1.19-1.23): pallocBits [8]uint64 (1 =
 * page allocated), then scavenged [8]uint64 (1 = released); 128 bytes; block[l2] for chunk
 * ci = (addr - arenaBaseOffset) >> 22, l1 = ci >> 13, l2 = ci & 8191.
 *
 * Reading is racy by design (statistics). It never faults: the bitmaps are copied with
 * process_vm_readv on ourselves (fails with EFAULT instead of SIGSEGV if the block were ever
 * gone); if the kernel refuses that call, mincore() first checks the block is mapped. */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "gomemtrace/schema.h"
#include "preload/goheap.h"

#ifndef GM_GOHEAP_TESTING
#include "gomemtrace/tp.h"
#define GM_GOHEAP_EMIT_ENABLED() lttng_ust_tracepoint_enabled(gomemtrace, go_chunks)
#define GM_GOHEAP_EMIT(seq, base, inuse, rel, res, n)                                        \
	lttng_ust_do_tracepoint(gomemtrace, go_chunks, seq, base, inuse, rel, res, n)
#else
/* The unit tests see the go_chunks events through this hook. */
void (*gm_goheap_test_emit)(uint64_t seq, uint64_t base, const uint16_t *inuse,
			    const uint16_t *released, const uint16_t *resident, uint32_t n);
#define GM_GOHEAP_EMIT_ENABLED() (gm_goheap_test_emit != NULL)
#define GM_GOHEAP_EMIT(seq, base, inuse, rel, res, n)                                        \
	gm_goheap_test_emit(seq, base, inuse, rel, res, n)
#endif

/* ---- geometry ------------------------------------------------------------------------- */
#define GM_L2_BITS 13                          /* pallocChunksL2Bits on amd64 */
#define GM_L2_N (1u << GM_L2_BITS)             /* chunks per block */
#define GM_PD_BYTES 128                        /* sizeof(pallocData) */
#define GM_BLOCK_BYTES (GM_L2_N * GM_PD_BYTES) /* 1 MiB */
#define GM_SLOTS 64                            /* distinct L1 indexes tracked (32 GiB each) */
#define GM_PEND_MMAPS 32                       /* mmaps on a thread a pending note survives */
#define GM_BATCH 64                            /* chunks per read / per go_chunks event */
#define GM_OS_PAGE 4096

/* ---- state ---------------------------------------------------------------------------- */

/* One L1 index of the Go heap's address space (32 GiB). */
struct gm_goheap_slot {
	_Atomic uint32_t l1p1;                /* l1 + 1; 0 = free slot; claimed by CAS (any thread) */
	_Atomic uintptr_t block;              /* the 1 MiB pallocData block; 0 until seen (any thread, CAS) */
	_Atomic uint64_t committed[GM_L2_N / 64]; /* bit l2: chunk committed (any thread, atomic OR) */
};
static struct gm_goheap_slot gm_goheap_slots[GM_SLOTS];

/* A commit whose L1 had no block yet, on this thread; owner: this thread only. */
static __thread uintptr_t gm_goheap_pend_lo __attribute__((tls_model("initial-exec")));
static __thread uintptr_t gm_goheap_pend_hi __attribute__((tls_model("initial-exec")));
static __thread uint32_t gm_goheap_pend_left __attribute__((tls_model("initial-exec")));

/* process_vm_readv on ourselves refused by the kernel (seccomp, ENOSYS): any thread. */
#ifndef GM_GOHEAP_TESTING
static
#endif
_Atomic int gm_goheap_no_vmread;

/* ---- discovery (mmap hook; any thread) ------------------------------------------------- */

/* The slot of L1 index `l1`, claimed if `claim`; NULL if absent / table full. */
static struct gm_goheap_slot *gm_goheap_slot(uint32_t l1, int claim)
{
	for (int i = 0; i < GM_SLOTS; i++) {
		struct gm_goheap_slot *s = &gm_goheap_slots[i];
		uint32_t v = atomic_load_explicit(&s->l1p1, memory_order_acquire);
		if (v == l1 + 1)
			return s;
		if (v == 0) {
			if (!claim)
				return NULL;
			uint32_t expect = 0;
			if (atomic_compare_exchange_strong(&s->l1p1, &expect, l1 + 1))
				return s;
			if (expect == l1 + 1)
				return s;
		}
	}
	return NULL;
}

/* The first L1 slot in the pending range that still lacks its block, or NULL. */
static struct gm_goheap_slot *gm_goheap_pending_slot(void)
{
	uint64_t lo = gm_goheap_chunk_index(gm_goheap_pend_lo) >> GM_L2_BITS;
	uint64_t hi = gm_goheap_chunk_index(gm_goheap_pend_hi - 1) >> GM_L2_BITS;
	for (uint64_t l1 = lo; l1 <= hi; l1++) {
		struct gm_goheap_slot *s = gm_goheap_slot((uint32_t)l1, 0);
		if (s && !atomic_load_explicit(&s->block, memory_order_relaxed))
			return s;
	}
	return NULL;
}

void gm_goheap_note_mmap(uintptr_t addr, size_t len, int prot, int flags, uintptr_t ret)
{
	(void)addr;
	const int want = MAP_ANONYMOUS | MAP_PRIVATE;
	if ((flags & (want | MAP_SHARED)) != want || prot != (PROT_READ | PROT_WRITE))
		return;
	if (flags & MAP_FIXED) {
		/* sysMap: a heap commit (4 MiB chunks). Summary/index pieces are never 4 MiB multiples
		 * in practice (8 bytes per chunk). */
		if (((ret | len) & (GM_GO_CHUNK_BYTES - 1)) || !len || ret >= (1ULL << 47))
			return;
		int lacking = 0;
		for (uintptr_t a = ret; a < ret + len; a += GM_GO_CHUNK_BYTES) {
			uint64_t ci = gm_goheap_chunk_index(a);
			struct gm_goheap_slot *s = gm_goheap_slot((uint32_t)(ci >> GM_L2_BITS), 1);
			if (!s)
				continue; /* more than GM_SLOTS distinct 32 GiB regions: ignored */
			uint32_t l2 = ci & (GM_L2_N - 1);
			atomic_fetch_or_explicit(&s->committed[l2 / 64], 1ULL << (l2 % 64),
						 memory_order_release);
			if (!atomic_load_explicit(&s->block, memory_order_relaxed))
				lacking = 1;
		}
		if (lacking) {
			gm_goheap_pend_lo = ret;
			gm_goheap_pend_hi = ret + len;
			gm_goheap_pend_left = GM_PEND_MMAPS;
		}
		return;
	}
	if (!gm_goheap_pend_left)
		return;
	gm_goheap_pend_left--;
	if (len != GM_BLOCK_BYTES)
		return;
	/* sysAlloc of the pallocData block, right after the commit on this thread. */
	struct gm_goheap_slot *s = gm_goheap_pending_slot();
	if (s) {
		uintptr_t expect = 0;
		atomic_compare_exchange_strong(&s->block, &expect, ret);
	}
	if (!gm_goheap_pending_slot())
		gm_goheap_pend_left = 0;
}

/* ---- chunk math ------------------------------------------------------------------------ */

/* A page both allocated and scavenged is one the runtime never handed out: Go 1.26's randomized
 * heap base (markRandomPaddingPages, 0-4 MiB at the start of the first arena) marks its padding
 * so, and counts it released (mheap.grow adds the whole growth to heapStats.released). Every
 * other allocation clears the scavenged bits it takes (allocRange), so in 1.19-1.25 the two
 * never meet. Hence: in use = allocated and not scavenged; released = scavenged. */
void gm_goheap_chunk_count(const uint64_t pd[16], struct gm_goheap_chunk *c)
{
	unsigned inuse = 0, rel = 0;
	for (int i = 0; i < 8; i++) {
		inuse += (unsigned)__builtin_popcountll(pd[i] & ~pd[8 + i]);
		rel += (unsigned)__builtin_popcountll(pd[8 + i]);
	}
	c->inuse = (uint16_t)inuse;
	c->released = (uint16_t)rel;
	c->free = (uint16_t)(GM_GO_CHUNK_PAGES - inuse - rel);
}

/* ---- reading (sampler thread, final sample) --------------------------------------------- */

/* Scratch of one reading context (enum gm_sample_kind: the sampler thread, the exit sample, a
 * requested sample); owner: that context. */
struct gm_goheap_scratch {
	uint64_t pd[GM_BATCH * 16];                              /* pallocData copies */
	unsigned char vec[GM_BATCH * (GM_GO_CHUNK_BYTES / GM_OS_PAGE)]; /* mincore() output */
	uint16_t inuse[GM_BATCH], released[GM_BATCH], resident[GM_BATCH]; /* go_chunks arrays */
};
static struct gm_goheap_scratch gm_goheap_scratch[GM_GOHEAP_CONTEXTS];

/* Copy n bytes at our own address src into dst without ever faulting; 0 on success. */
static int gm_goheap_read(pid_t pid, void *dst, uintptr_t src, size_t n)
{
	if (!atomic_load_explicit(&gm_goheap_no_vmread, memory_order_relaxed)) {
		struct iovec l = { dst, n }, r = { (void *)src, n };
		ssize_t got = process_vm_readv(pid, &l, 1, &r, 1, 0);
		if (got == (ssize_t)n)
			return 0;
		if (got >= 0 || errno == EFAULT)
			return -1;
		atomic_store_explicit(&gm_goheap_no_vmread, 1, memory_order_relaxed);
	}
	/* Fallback: the pages must be mapped (mincore fails with ENOMEM otherwise). */
	unsigned char v[8];
	uintptr_t lo = src & ~(uintptr_t)(GM_OS_PAGE - 1);
	uintptr_t hi = (src + n + GM_OS_PAGE - 1) & ~(uintptr_t)(GM_OS_PAGE - 1);
	for (uintptr_t p = lo; p < hi; p += 8 * GM_OS_PAGE) {
		size_t len = hi - p < 8 * GM_OS_PAGE ? hi - p : 8 * GM_OS_PAGE;
		if (mincore((void *)p, len, v))
			return -1;
	}
	const volatile unsigned char *s = (const volatile unsigned char *)src;
	unsigned char *d = dst;
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
	return 0;
}

int gm_goheap_read_self(void *dst, uintptr_t src, size_t n)
{
	return gm_goheap_read((pid_t)syscall(SYS_getpid), dst, src, n);
}

/* ---- self-check (the Go trap, on the thread releasing pages) ------------------------------
 * What the reading relies on (chunk geometry, pallocData's layout, the block found by
 * discovery) is checked against the runtime at every page release of its scavenger: in every
 * version (mgcscavenge.go, scavengeOne, 1.19-1.27) the scavenger first marks the pages it is
 * about to release allocated and keeps them unscavenged (allocRange) until after sysUnused's
 * madvise returns, and sysUnused has no other caller. So, while the trapped madvise is held,
 * each page of its range must read allocated and not scavenged, inside one chunk. A release
 * that does not is a runtime whose layout is not the one this file reads: the page states are
 * then withheld (GM_GOHEAP_UNTRUSTED) for the rest of the run. */
static _Atomic uint32_t gm_goheap_checks_ok;  /* releases that matched the bitmaps (any thread) */
static _Atomic uint32_t gm_goheap_checks_bad; /* releases that did not (any thread) */
static _Atomic uintptr_t gm_goheap_bad_addr;  /* the first one that did not (CAS from 0) */

static void gm_goheap_check_failed(uintptr_t addr)
{
	uintptr_t expect = 0;
	atomic_compare_exchange_strong(&gm_goheap_bad_addr, &expect, addr ? addr : 1);
	atomic_fetch_add_explicit(&gm_goheap_checks_bad, 1, memory_order_release);
}

void gm_goheap_check_release(uintptr_t addr, size_t len)
{
	if (!len)
		return;
	uint64_t ci = gm_goheap_chunk_index(addr);
	struct gm_goheap_slot *s = gm_goheap_slot((uint32_t)(ci >> GM_L2_BITS), 0);
	uint32_t l2 = (uint32_t)(ci & (GM_L2_N - 1));
	uintptr_t block = s ? atomic_load_explicit(&s->block, memory_order_acquire) : 0;
	if (!block || !((atomic_load_explicit(&s->committed[l2 / 64], memory_order_acquire) >> (l2 % 64)) & 1))
		return; /* not a chunk whose bitmap is read: nothing to check */
	uintptr_t off = addr & (GM_GO_CHUNK_BYTES - 1);
	if (off % GM_GO_PAGE_SIZE || len % GM_GO_PAGE_SIZE || off + len > GM_GO_CHUNK_BYTES) {
		gm_goheap_check_failed(addr); /* not whole pages of one chunk: other geometry */
		return;
	}
	uint64_t pd[16];
	if (gm_goheap_read((pid_t)syscall(SYS_getpid), pd, block + (uintptr_t)l2 * GM_PD_BYTES, sizeof pd))
		return;
	for (size_t pg = off / GM_GO_PAGE_SIZE, end = pg + len / GM_GO_PAGE_SIZE; pg < end; pg++) {
		uint64_t bit = 1ULL << (pg % 64);
		if (!(pd[pg / 64] & bit) || (pd[8 + pg / 64] & bit)) {
			gm_goheap_check_failed(addr);
			return;
		}
	}
	atomic_fetch_add_explicit(&gm_goheap_checks_ok, 1, memory_order_relaxed);
}

void gm_goheap_check_counts(uint32_t *ok, uint32_t *bad, uint64_t *first_bad)
{
	*ok = atomic_load_explicit(&gm_goheap_checks_ok, memory_order_relaxed);
	*bad = atomic_load_explicit(&gm_goheap_checks_bad, memory_order_acquire);
	*first_bad = atomic_load_explicit(&gm_goheap_bad_addr, memory_order_relaxed);
}

/* Read, count and report chunks [l2, l2+n) of slot s (n <= GM_BATCH, all committed). */
static void gm_goheap_batch(struct gm_goheap_scratch *x, pid_t pid, uint64_t seq, int emit,
			    uint32_t l1, uintptr_t block, uint32_t l2, uint32_t n,
			    struct gm_goheap_totals *t)
{
	uint64_t ci0 = ((uint64_t)l1 << GM_L2_BITS) | l2;
	uintptr_t base = (uintptr_t)((ci0 << 22) + GM_GO_ARENA_BASE_OFFSET);
	if (gm_goheap_read(pid, x->pd, block + (uintptr_t)l2 * GM_PD_BYTES, (size_t)n * GM_PD_BYTES))
		return;
	int have_vec = mincore((void *)base, (size_t)n * GM_GO_CHUNK_BYTES, x->vec) == 0;
	for (uint32_t i = 0; i < n; i++) {
		struct gm_goheap_chunk c;
		gm_goheap_chunk_count(&x->pd[i * 16], &c);
		unsigned res4k = 0;
		if (have_vec) {
			const unsigned char *v = &x->vec[(size_t)i * (GM_GO_CHUNK_BYTES / GM_OS_PAGE)];
			for (size_t k = 0; k < GM_GO_CHUNK_BYTES / GM_OS_PAGE; k++)
				res4k += v[k] & 1;
		}
		x->inuse[i] = c.inuse;
		x->released[i] = c.released;
		x->resident[i] = (uint16_t)((res4k + 1) / 2);
		t->mapped += (int64_t)GM_GO_CHUNK_BYTES;
		t->inuse += (int64_t)c.inuse * (int64_t)GM_GO_PAGE_SIZE;
		t->released += (int64_t)c.released * (int64_t)GM_GO_PAGE_SIZE;
		t->free += (int64_t)c.free * (int64_t)GM_GO_PAGE_SIZE;
		t->resident += (int64_t)res4k * GM_OS_PAGE;
	}
	if (emit)
		GM_GOHEAP_EMIT(seq, (uint64_t)base, x->inuse, x->released, x->resident, n);
}

/* No figures: all -1, from `source` (GM_GOHEAP_NONE or GM_GOHEAP_UNTRUSTED). */
static void gm_goheap_unknown(struct gm_goheap_totals *t, uint8_t source)
{
	t->source = source;
	t->mapped = t->inuse = t->free = t->released = t->resident = -1;
}

void gm_goheap_sample(uint64_t seq, int emit_chunks, int ctx, struct gm_goheap_totals *t)
{
	struct gm_goheap_scratch *x = &gm_goheap_scratch[ctx >= 0 && ctx < GM_GOHEAP_CONTEXTS ? ctx : 0];
	pid_t pid = (pid_t)syscall(SYS_getpid);
	int emit = emit_chunks && GM_GOHEAP_EMIT_ENABLED();
	memset(t, 0, sizeof *t);
	t->source = GM_GOHEAP_NONE;
	if (atomic_load_explicit(&gm_goheap_checks_bad, memory_order_acquire)) {
		gm_goheap_unknown(t, GM_GOHEAP_UNTRUSTED); /* the self-check failed: no figures */
		return;
	}
	for (int i = 0; i < GM_SLOTS; i++) {
		struct gm_goheap_slot *s = &gm_goheap_slots[i];
		uint32_t l1p1 = atomic_load_explicit(&s->l1p1, memory_order_acquire);
		if (!l1p1)
			break; /* slots are claimed in order */
		uintptr_t block = atomic_load_explicit(&s->block, memory_order_acquire);
		if (!block)
			continue;
		t->source = GM_GOHEAP_BITMAP;
		/* runs of committed chunks, cut into batches */
		uint32_t run = 0, start = 0;
		for (uint32_t l2 = 0; l2 <= GM_L2_N; l2++) {
			int on = l2 < GM_L2_N &&
				 ((atomic_load_explicit(&s->committed[l2 / 64], memory_order_acquire) >>
				   (l2 % 64)) & 1);
			if (on) {
				if (!run)
					start = l2;
				run++;
			}
			if ((!on && run) || run == GM_BATCH) {
				gm_goheap_batch(x, pid, seq, emit, l1p1 - 1, block, start, run, t);
				run = 0;
			}
		}
	}
	if (t->source == GM_GOHEAP_NONE)
		gm_goheap_unknown(t, GM_GOHEAP_NONE);
	else if (atomic_load_explicit(&gm_goheap_checks_bad, memory_order_acquire))
		gm_goheap_unknown(t, GM_GOHEAP_UNTRUSTED); /* failed while reading: withhold this one too */
}
