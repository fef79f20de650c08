/* thread_hooks.c: pthread_create, to keep lttng-ust's own threads out of the trace.
 *
 * liblttng-ust starts its listener threads from its constructor; what they allocate (ring
 * buffers, the session daemon protocol) is the tracer's memory, not the program's. A thread
 * created from inside liblttng-ust* holds the nesting guard for its whole life. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "preload/export.h"
#include "preload/guard.h"

/* What the trampoline needs; allocated by the creator, freed by the new thread. */
struct gm_thread_start {
	void *(*fn)(void *); /* the real start routine */
	void *arg;           /* its argument */
};

static void *gm_thread_trampoline(void *p)
{
	struct gm_thread_start s = *(struct gm_thread_start *)p;
	gm_guard_hold_forever();
	free(p);
	return s.fn(s.arg);
}

/* True if `caller` lies in one of lttng-ust's libraries. */
static int gm_thread_from_lttng(const void *caller)
{
	Dl_info info;
	if (!dladdr(caller, &info) || !info.dli_fname)
		return 0;
	const char *base = strrchr(info.dli_fname, '/');
	base = base ? base + 1 : info.dli_fname;
	return !strncmp(base, "liblttng-ust", 12);
}

GM_EXPORT int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *),
			     void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	if (GM_UNLIKELY(!real)) {
		gm_guard_depth++;
		real = gm_dlsym(RTLD_NEXT, "pthread_create");
		gm_guard_depth--;
	}
	const void *caller = __builtin_return_address(0);
	gm_guard_depth++;
	struct gm_thread_start *s = NULL;
	if (gm_thread_from_lttng(caller) && (s = malloc(sizeof *s))) {
		s->fn = fn;
		s->arg = arg;
	}
	gm_guard_depth--;
	if (!s)
		return real(t, attr, fn, arg);
	int r = real(t, attr, gm_thread_trampoline, s);
	if (r) {
		gm_guard_depth++;
		free(s);
		gm_guard_depth--;
	}
	return r;
}
