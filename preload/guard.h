/* guard.h: the per-thread nesting guard of the hooks.
 *
 * A hook reports a call only at nesting depth 1: calls made while the tracer itself runs
 * (stack capture, the ring buffer, the sampler, dlsym) pass straight to libc unreported.
 * The counter is initial-exec TLS, so touching it never calls __tls_get_addr (which may
 * malloc). Threads that must never be reported (the sampler, lttng-ust's listeners) hold
 * the guard for their whole life with gm_guard_hold_forever(). */
#ifndef GM_GUARD_H
#define GM_GUARD_H
#include <stdbool.h>

/* Nesting depth of gomemtrace code on this thread; owner: this thread only. */
extern __thread int gm_guard_depth __attribute__((tls_model("initial-exec")));
/* 1 once this thread has called lttng_ust_init_thread(); owner: this thread only. */
extern __thread int gm_guard_thread_ready __attribute__((tls_model("initial-exec")));

/* Enter a hook; true if this call is the program's own (depth becomes 1) and may be reported. */
static inline bool gm_guard_enter(void) { return ++gm_guard_depth == 1; }
static inline void gm_guard_leave(void) { --gm_guard_depth; }
/* Mark the calling thread as the tracer's own: nothing it does is ever reported. */
static inline void gm_guard_hold_forever(void) { gm_guard_depth = 1 << 20; }
/* First reported event on a thread: make lttng-ust's TLS ready so that a signal handler
 * on this thread can later emit without allocating. */
void gm_guard_thread_init(void);
static inline void gm_guard_thread_check(void)
{
	if (__builtin_expect(!gm_guard_thread_ready, 0))
		gm_guard_thread_init();
}
#endif
