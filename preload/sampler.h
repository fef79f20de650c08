/* sampler.h: the sampler thread (RSS and its parts, cgroup, glibc, Go page states). */
#ifndef GM_SAMPLER_H
#define GM_SAMPLER_H
/* Start the thread (all signals blocked, guard held); no-op if the interval is 0. */
void gm_sampler_start(void);
/* Take the final sample now (exit: C destructor or the Go runtime's exit_group, possibly from
 * a signal handler); runs at most once; async-signal-safe. */
void gm_sampler_final(void);
#endif
