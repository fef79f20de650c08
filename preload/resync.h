/* resync.h: what the tracer does about sessions that begin after the process: it says when
 * the process's beginning is in the trace (gomemtrace:start), and when a session that asks
 * for it (gomemtrace:resync enabled: gomemtrace attach) begins, it writes again what a reader
 * of a session started late needs (docs/events.md, "Sessions started late"). */
#ifndef GM_RESYNC_H
#define GM_RESYNC_H
#include <stdint.h>

/* CLOCK_MONOTONIC ns when the tracer started in this process (exec, or fork in a child);
 * set by gm_resync_init() and the fork child handler, read by proc_info. */
extern uint64_t gm_resync_start_ns;

/* From the constructor (before the probes are registered): note the start time. */
void gm_resync_init(void);
/* Before this process's first proc_info: gomemtrace:start, once, if the process's beginning
 * was seen by a session (the probes' constructor time, or a fork while it was enabled). */
void gm_resync_start_event(void);
/* Period of the periodic resync of a batching process, ms. */
#define GM_RESYNC_PERIOD_MS 1000

/* The sampler thread, at every tick (`tick_ms` apart): if gomemtrace:resync became enabled
 * since the last tick, forget the written stacks, write proc_info and gomemtrace:resync
 * (periodic 0), and return 1 (the caller then takes a sample); else 0. Every
 * GM_RESYNC_PERIOD_MS a batching process forgets its stacks, and if the event is on writes
 * proc_info and gomemtrace:resync (periodic 1): a snapshot of a ring buffer in overwrite mode
 * has a point from where every record's stack is in it. */
int gm_resync_check(uint32_t tick_ms);
#endif
