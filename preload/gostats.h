/* gostats.h: the Go runtime's own heap statistics (gostats.c). */
#ifndef GM_GOSTATS_H
#define GM_GOSTATS_H
#include <stdint.h>

/* What one read gives, bytes; -1 unknown. */
struct gm_gostats {
	int64_t objects; /* in live (and not yet swept) objects: runtime/metrics /memory/classes/heap/objects */
	int64_t in_heap; /* in in-use heap spans (objects + unused): the runtime's inHeap */
};

/* Find runtime.memstats (after gm_gosyms_init); nothing is read without it. */
void gm_gostats_init(void);
/* Read them now (sampling context ctx, as gm_goheap_sample's). 0, or -1 (out all -1).
 * Async-signal-safe, allocation-free. */
int gm_gostats_read(int ctx, struct gm_gostats *out);
#endif
