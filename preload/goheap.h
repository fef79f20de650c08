/* goheap.h: where the Go heap and the page allocator's chunk bitmaps live in this process.
 *
 * The mmap hooks report every mapping the runtime makes (gm_goheap_note_mmap); this module
 * keeps, lock-free, the committed heap ranges and the 1 MiB blocks that hold the runtime's
 * per-chunk bitmaps (pallocData), and the sampler reads page states from them. */
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

/* Sampler thread only: read the page states; emit gomemtrace:go_chunks for sample `seq` when
 * emit_chunks is set; fill totals. */
void gm_goheap_sample(uint64_t seq, int emit_chunks, struct gm_goheap_totals *totals);
#endif
