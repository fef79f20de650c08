/* sample_now.h: what a traced program may call in libgomemtrace.so.
 *
 * gomemtrace_sample_now() takes a sample of the process now (kind GM_SAMPLE_REQUESTED): the
 * Go heap's page states first, then RSS and its parts, cgroup memory and mallinfo2. A program
 * calls it at a moment it wants a figure of (after a load test's phase, right after it read
 * runtime/metrics) and `gomemtrace report` shows the last one as the checkpoint. It is looked
 * up at run time, so the program runs unchanged without the tracer:
 *
 *     int (*f)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "gomemtrace_sample_now");
 *     if (f) f();
 *
 * Returns 0 when a sample was written, 1 when nothing records (no session), -1 when not now
 * (another requested sample in progress, the process exiting). Any thread; not from a signal
 * handler (it calls mallinfo2). */
#ifndef GOMEMTRACE_SAMPLE_NOW_H
#define GOMEMTRACE_SAMPLE_NOW_H
int gomemtrace_sample_now(void);
#endif
