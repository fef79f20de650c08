/* sampling.h: production mode — which C allocations are recorded (GOMEMTRACE_SAMPLE_BYTES).
 *
 * Poisson sampling by bytes, as Go's MemProfileRate and tcmalloc do: each thread counts down
 * a byte budget drawn from an exponential distribution with mean sample_bytes; the allocation
 * that crosses zero is recorded. An allocation of s bytes is thus recorded with probability
 * 1 - exp(-s / sample_bytes), which the reader inverts to unbiased estimates. Allocations of
 * sample_big bytes or more, failures, and every mmap are always recorded.
 * A free is recorded only for a block whose allocation was: a lock-free set of the live
 * sampled blocks decides (gm_sampling_remember / gm_sampling_forget).
 * With sample_bytes = 0 everything is recorded and none of this runs.
 * All of it is lock-free and allocation-free; call it only when the event is enabled. */
#ifndef GM_SAMPLING_H
#define GM_SAMPLING_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "preload/config.h"
#include "preload/export.h"

/* true when sampling (sample_bytes != 0); written once by gm_sampling_init(). */
extern bool gm_sampling_active;
/* Bytes this thread may still allocate before the next sampled allocation; owner: the thread.
 * 0 until the thread's first allocation (gm_sampling_draw then starts a budget). */
extern __thread int64_t gm_sampling_left __attribute__((tls_model("initial-exec")));

/* Constructor-time: map the set of sampled blocks (when sampling). */
void gm_sampling_init(void);
/* Slow path of gm_sampling_take: draw the next interval; true if this allocation is sampled. */
bool gm_sampling_draw(size_t size);
/* Add a sampled block to the set; false if the set is full (then do not record it). */
bool gm_sampling_remember(uintptr_t p);
/* Remove p from the set; true if it was a sampled block (then record its free). */
bool gm_sampling_forget(uintptr_t p);
/* Sampled allocations not recorded because the set was full (for proc_info). */
uint64_t gm_sampling_dropped(void);
/* Bytes of the sampled-block set resident in RAM (mincore; 0 when there is none). */
uint64_t gm_sampling_resident(void);
/* Bytes of [addr, addr + len) resident in RAM, whole pages (mincore; 0 on error). */
uint64_t gm_resident(const void *addr, size_t len);

/* Counting filter in front of the set: one saturating 8-bit counter per hash of a block
 * address, the number of live sampled blocks with that hash (255: sticky, always "maybe").
 * 64 KiB, so the free path probes a cache-resident byte instead of the 16 MiB set. Any thread
 * updates it with CAS (only when a sampled block is added or removed); read relaxed. */
#define GM_SAMPLING_FILTER_BITS 16
extern _Atomic uint8_t gm_sampling_filter[1u << GM_SAMPLING_FILTER_BITS];

static inline size_t gm_sampling_filter_hash(uintptr_t p)
{
	return (size_t)(((uint64_t)p >> 4) * 0xff51afd7ed558ccdULL >> (64 - GM_SAMPLING_FILTER_BITS));
}

/* Before the real call: is an allocation of `size` bytes certainly not sampled? Counts it
 * against this thread's budget; when false, gm_sampling_decide() must follow (same call). */
static inline bool gm_sampling_skip(size_t size)
{
	if (!gm_sampling_active || size >= gm_config.sample_big)
		return false;
	gm_sampling_left -= (int64_t)size;
	return GM_LIKELY(gm_sampling_left > 0);
}

/* After gm_sampling_skip(size) said false: is the allocation recorded? */
static inline bool gm_sampling_decide(size_t size)
{
	return !gm_sampling_active || size >= gm_config.sample_big || gm_sampling_draw(size);
}

/* Is an allocation of `size` bytes to be recorded? Counts it against this thread's budget.
 * Always true when not sampling and for allocations of sample_big bytes or more. The caller
 * then remembers the block (gm_sampling_remember) before recording it. */
static inline bool gm_sampling_alloc_hit(size_t size)
{
	return !gm_sampling_skip(size) && gm_sampling_decide(size);
}

/* Might p be a sampled block? false: certainly not (its free is not recorded). */
static inline bool gm_sampling_free_maybe(uintptr_t p)
{
	return !gm_sampling_active ||
	       __atomic_load_n(&gm_sampling_filter[gm_sampling_filter_hash(p)], __ATOMIC_RELAXED) != 0;
}

/* Is the free of p to be recorded? Forgets p. */
static inline bool gm_sampling_free(uintptr_t p)
{
	return !gm_sampling_active || (gm_sampling_free_maybe(p) && gm_sampling_forget(p));
}
#endif
