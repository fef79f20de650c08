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
#include <stdint.h>

/* Nesting depth of gomemtrace code on this thread; owner: this thread only. */
extern __thread int gm_guard_depth __attribute__((tls_model("initial-exec")));
/* 1 once this thread has called lttng_ust_init_thread(); owner: this thread only. */
extern __thread int gm_guard_thread_ready __attribute__((tls_model("initial-exec")));

/* Code ranges of the tracer's own libraries (liblttng-ust*, libunwind, libgomemtrace): an
 * allocation whose immediate caller lies there is the tracer's, never the program's
 * (lttng-ust allocates under its own locks; reporting it would walk the stack through
 * dl_iterate_phdr and could deadlock against its listener thread). Written once by the
 * constructor; read by any thread. */
struct gm_guard_range {
	uintptr_t lo; /* first byte of an executable segment */
	uintptr_t hi; /* one past its last byte */
};
#define GM_GUARD_RANGES 16
extern struct gm_guard_range gm_guard_ranges[GM_GUARD_RANGES];
extern int gm_guard_nranges;
/* 1 once the library's destructor ran (the process is exiting): nothing more is reported.
 * Written by that destructor; read by any thread. */
extern int gm_guard_exiting;

/* Does address a lie in the tracer's own code (gm_guard_ranges)? */
static inline bool gm_guard_in_tracer(uintptr_t a)
{
	for (int i = 0; i < gm_guard_nranges; i++)
		if (a >= gm_guard_ranges[i].lo && a < gm_guard_ranges[i].hi)
			return true;
	return false;
}

/* May a call whose return address is `caller` be reported? */
static inline bool gm_guard_reportable(const void *caller)
{
	if (__builtin_expect(__atomic_load_n(&gm_guard_exiting, __ATOMIC_RELAXED), 0))
		return false;
	return !gm_guard_in_tracer((uintptr_t)caller);
}

/* Enter a hook; true if this call is the program's own (depth becomes 1) and may be reported. */
static inline bool gm_guard_enter(void) { return ++gm_guard_depth == 1; }
static inline void gm_guard_leave(void) { --gm_guard_depth; }
/* Mark the calling thread as the tracer's own: nothing it does is ever reported. */
static inline void gm_guard_hold_forever(void) { gm_guard_depth = 1 << 20; }
/* Before a reported event: on a thread's first, make lttng-ust's TLS ready so that a signal
 * handler on this thread can later emit without allocating; in a process's first (once
 * proc_info is enabled), emit proc_info, which the reader needs before the first allocation. */
void gm_guard_thread_init(void);
/* 1 once gomemtrace:proc_info reached the ring buffer in this process (reset in a forked
 * child); any thread reads it, gm_guard_proc_info() sets it. */
extern int gm_guard_proc_info_done;
void gm_guard_proc_info(void);
static inline void gm_guard_thread_check(void)
{
	if (__builtin_expect(!gm_guard_thread_ready, 0))
		gm_guard_thread_init();
	if (__builtin_expect(!__atomic_load_n(&gm_guard_proc_info_done, __ATOMIC_RELAXED), 0))
		gm_guard_proc_info();
}
#endif
