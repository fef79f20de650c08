/* goheap.h: where the Go heap and the page allocator's chunk bitmaps live in this process.
 *
 * The mmap hooks report every mapping the runtime makes (gm_goheap_note_mmap); this module
 * keeps, lock-free, the committed heap chunks and the 1 MiB blocks that hold the runtime's
 * per-chunk bitmaps (pallocData), and the sampler reads page states from them.
 * See docs/go-heap.md for the runtime facts this relies on (Go 1.19-1.27, amd64), and for the
 * self-check that turns the page states off on a runtime that does not match them. */
#ifndef GM_GOHEAP_H
#define GM_GOHEAP_H
#include <stddef.h>
#include <stdint.h>

/* Called by the mmap hook after every successful mmap (any thread, possibly inside the
 * Go runtime's system stack): lock-free, allocation-free, cheap when not a Go mapping. */
void gm_goheap_note_mmap(uintptr_t addr, size_t len, int prot, int flags, uintptr_t ret);

struct gm_goheap_totals {
	int64_t mapped;   /* bytes of committed heap chunks */
	int64_t inuse;    /* bytes of allocated pages */
	int64_t free;     /* bytes of free pages not yet released (scavenger retention) */
	int64_t released; /* bytes of free pages released to the OS */
	int64_t resident; /* bytes of chunk pages resident per mincore() */
	uint8_t source;   /* enum gm_goheap_source */
};

/* Read the page states; emit gomemtrace:go_chunks for sample `seq` when emit_chunks is set;
 * fill totals (all -1 and GM_GOHEAP_NONE when no bitmap is known). Context `ctx` (enum
 * gm_sample_kind) selects the scratch buffers: the sampler thread, the exit sample (which may
 * run in a signal handler at the same time as the sampler thread), a requested sample; each
 * context is single-threaded.
 * Allocation-free, lock-free and async-signal-safe (syscalls: getpid, process_vm_readv,
 * mincore). */
#define GM_GOHEAP_CONTEXTS 3 /* sampling contexts: 0 the sampler thread, 1 the exit, 2 a requested sample */
void gm_goheap_sample(uint64_t seq, int emit_chunks, int ctx, struct gm_goheap_totals *totals);

/* The self-check (goheap.c): called by the Go trap with a madvise(MADV_DONTNEED or MADV_FREE)
 * of the runtime, before the call is made (the runtime's thread, in a signal handler:
 * async-signal-safe, lock-free; syscalls getpid, process_vm_readv). Counts the release as
 * matching the bitmaps or not; after one that does not, gm_goheap_sample gives
 * GM_GOHEAP_UNTRUSTED and no figures. */
void gm_goheap_check_release(uintptr_t addr, size_t len);
/* Copy n bytes at our own address src into dst without ever faulting (process_vm_readv on
 * ourselves, else mincore-checked reads); 0 on success. Async-signal-safe. */
int gm_goheap_read_self(void *dst, uintptr_t src, size_t n);
/* Releases checked that matched, that did not, and the address of the first that did not (0). */
void gm_goheap_check_counts(uint32_t *ok, uint32_t *bad, uint64_t *first_bad);

/* ---- chunk math (exposed for the unit tests) ------------------------------------------- */
/* One chunk's page counts from its 128-byte pallocData (pallocBits[8], scavenged[8]). */
struct gm_goheap_chunk {
	uint16_t inuse;    /* popcount(pallocBits & ~scavenged) */
	uint16_t released; /* popcount(scavenged) */
	uint16_t free;     /* 512 - inuse - released */
};
void gm_goheap_chunk_count(const uint64_t pd[16], struct gm_goheap_chunk *c);
/* Chunk index of an address: (addr - arenaBaseOffset) >> 22 (mod 2^64). */
static inline uint64_t gm_goheap_chunk_index(uintptr_t addr)
{
	return ((uint64_t)addr - 0xffff800000000000ULL) >> 22;
}
#endif
