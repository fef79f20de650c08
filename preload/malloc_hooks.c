/* malloc_hooks.c: interposition of the malloc family.
 *
 * The discipline, in one screen:
 *  - The real functions come from dlsym(RTLD_NEXT). dlsym itself calls calloc, so until they
 *    are resolved every allocation is served from a static bump buffer (gm_boot_*); free()
 *    ignores pointers into it and realloc() moves them out.
 *  - gm_guard_enter() (initial-exec TLS) lets only depth-1 calls report: what the tracer,
 *    lttng-ust or libunwind allocate while reporting passes through unreported.
 *  - A stack is computed only when the event is enabled; errno is saved around reporting,
 *    so the program sees exactly what libc returned.
 * No locks, no syscalls, no allocation of our own on the path. */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gomemtrace/schema.h"
#include "gomemtrace/tp.h"
#include "preload/config.h"
#include "preload/export.h"
#include "preload/guard.h"
#include "preload/sampling.h"
#include "preload/stack.h"

/* ---- the real functions --------------------------------------------------------------- */

/* Written once by gm_malloc_resolve() (any thread; racing writers store the same values). */
static struct {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
} gm_real;

/* 1 while this thread is inside dlsym: its allocations go to the bootstrap buffer. */
static __thread int gm_resolving __attribute__((tls_model("initial-exec")));

/* ---- bootstrap allocator ---------------------------------------------------------------- */

#define GM_BOOT_SIZE (64 * 1024)
static char gm_boot_buf[GM_BOOT_SIZE] __attribute__((aligned(64))); /* never freed */
static atomic_size_t gm_boot_used;                                  /* bump offset, any thread */

static void *gm_boot_alloc(size_t align, size_t size)
{
	if (align < 16)
		align = 16;
	size_t old = atomic_load(&gm_boot_used), start, end;
	do {
		start = (old + sizeof(size_t) + align - 1) & ~(align - 1);
		end = start + size;
		if (end > GM_BOOT_SIZE || end < start)
			abort(); /* dlsym needs a few hundred bytes; this cannot happen */
	} while (!atomic_compare_exchange_weak(&gm_boot_used, &old, end));
	memcpy(gm_boot_buf + start - sizeof(size_t), &size, sizeof size); /* size for realloc */
	return gm_boot_buf + start;
}

static inline int gm_boot_owns(const void *p)
{
	return (const char *)p >= gm_boot_buf && (const char *)p < gm_boot_buf + GM_BOOT_SIZE;
}

static void gm_malloc_resolve(void)
{
	gm_resolving = 1;
	gm_real.calloc = gm_dlsym(RTLD_NEXT, "calloc");
	gm_real.realloc = gm_dlsym(RTLD_NEXT, "realloc");
	gm_real.reallocarray = gm_dlsym(RTLD_NEXT, "reallocarray");
	gm_real.posix_memalign = gm_dlsym(RTLD_NEXT, "posix_memalign");
	gm_real.aligned_alloc = gm_dlsym(RTLD_NEXT, "aligned_alloc");
	gm_real.memalign = gm_dlsym(RTLD_NEXT, "memalign");
	gm_real.valloc = gm_dlsym(RTLD_NEXT, "valloc");
	gm_real.pvalloc = gm_dlsym(RTLD_NEXT, "pvalloc");
	gm_real.free = gm_dlsym(RTLD_NEXT, "free");
	void *m = gm_dlsym(RTLD_NEXT, "malloc");
	__atomic_store_n(&gm_real.malloc, (void *(*)(size_t))m, __ATOMIC_RELEASE); /* last: "done" */
	gm_resolving = 0;
}

/* True when the real functions are usable; false while resolving (use the bootstrap). */
static inline int gm_ready(void)
{
	if (GM_LIKELY(__atomic_load_n(&gm_real.malloc, __ATOMIC_ACQUIRE) != NULL))
		return 1;
	if (gm_resolving)
		return 0;
	gm_malloc_resolve();
	return gm_real.malloc != NULL;
}

__attribute__((constructor(101))) static void gm_malloc_init(void)
{
	gm_ready();
}

/* ---- reporting ------------------------------------------------------------------------- */

/* Emit `event` with a stack when it is enabled and `record` (evaluated only then) holds;
 * `...` are the event's fields before origin. */
#define GM_REPORT_IF(event, record, stack_wanted, ...)                                           \
	do {                                                                                     \
		if (lttng_ust_tracepoint_enabled(gomemtrace, event) && gm_config.trace_malloc && \
		    gm_guard_reportable(__builtin_return_address(0)) && (record)) {               \
			int gm_saved = errno;                                                    \
			uint64_t gm_st[GM_STACK_DEPTH_MAX];                                      \
			uint32_t gm_d = 0;                                                       \
			gm_guard_thread_check();                                                 \
			if (stack_wanted)                                                        \
				gm_d = gm_stack_capture(gm_st, gm_config.stack_depth, 0);        \
			lttng_ust_do_tracepoint(gomemtrace, event, __VA_ARGS__, GM_ORIGIN_LIBC,  \
						gm_st, gm_d);                                    \
			errno = gm_saved;                                                        \
		}                                                                                \
	} while (0)

/* An allocation of `size` bytes at p (NULL if it failed): recorded if sampled (sampling.h). */
#define GM_REPORT(event, p, size, ...) \
	GM_REPORT_IF(event, gm_sampling_alloc((uintptr_t)(p), (size)), 1, __VA_ARGS__)

/* errno of a failed allocation, as libc left it (saved before the tracer ran) */
#define GM_ERR(p) ((p) ? 0 : gm_saved)

/* ---- the hooks ------------------------------------------------------------------------- */

GM_EXPORT void *malloc(size_t size)
{
	if (GM_UNLIKELY(!gm_ready()))
		return gm_boot_alloc(16, size);
	if (!gm_guard_enter()) {
		gm_guard_leave();
		return gm_real.malloc(size);
	}
	void *p = gm_real.malloc(size);
	GM_REPORT(malloc, p, size, size, (uintptr_t)p, GM_ERR(p));
	gm_guard_leave();
	return p;
}

GM_EXPORT void free(void *ptr)
{
	if (GM_UNLIKELY(!ptr || gm_boot_owns(ptr)))
		return;
	if (GM_UNLIKELY(!gm_ready()))
		return; /* cannot happen: ptr came from the bootstrap buffer */
	if (!gm_guard_enter()) {
		gm_guard_leave();
		gm_real.free(ptr);
		return;
	}
	/* Recorded before the real free: once freed, another thread may get the same address
	 * back from malloc, and its event must come after this one. */
	GM_REPORT_IF(free, gm_sampling_free((uintptr_t)ptr), gm_config.free_stacks, (uintptr_t)ptr);
	gm_real.free(ptr);
	gm_guard_leave();
}

GM_EXPORT void *calloc(size_t nmemb, size_t size)
{
	if (GM_UNLIKELY(!gm_ready())) {
		size_t n;
		if (__builtin_mul_overflow(nmemb, size, &n)) {
			errno = ENOMEM;
			return NULL;
		}
		return gm_boot_alloc(16, n); /* static storage is zeroed */
	}
	if (!gm_guard_enter()) {
		gm_guard_leave();
		return gm_real.calloc(nmemb, size);
	}
	void *p = gm_real.calloc(nmemb, size);
	GM_REPORT(calloc, p, nmemb * size, nmemb, size, (uintptr_t)p, GM_ERR(p));
	gm_guard_leave();
	return p;
}

/* Is realloc (array = 0) or reallocarray (1) being recorded? */
static inline int gm_realloc_on(int array, const void *caller)
{
	return gm_config.trace_malloc &&
	       (array ? lttng_ust_tracepoint_enabled(gomemtrace, reallocarray)
		      : lttng_ust_tracepoint_enabled(gomemtrace, realloc)) &&
	       gm_guard_reportable(caller);
}

/* After realloc/reallocarray(ptr, nmemb, size) = p. `on`: the event is recorded and the caller
 * is the program; `old_rec`: ptr was recorded (always in full mode, when on). Sampling turns one call into what the reader must see: the new block if it is
 * sampled (with in_ptr only if the old one was recorded), else a free of a recorded old block. */
static inline __attribute__((always_inline)) /* inlined: the stack skips no extra frame */
void gm_realloc_report(void *ptr, size_t nmemb, size_t size, void *p, int on, int old_rec, int err,
		       int array)
{
	if (!on)
		return;
	uintptr_t in = old_rec ? (uintptr_t)ptr : 0;
	if (!p && (nmemb && size)) { /* failed: the old block stays */
		if (ptr && old_rec && gm_sampling_active)
			gm_sampling_remember((uintptr_t)ptr);
		if (!old_rec)
			return;
	} else if (p && !gm_sampling_alloc((uintptr_t)p, nmemb * size)) {
		if (ptr && old_rec) /* only the old block's end is news */
			GM_REPORT_IF(free, 1, gm_config.free_stacks, (uintptr_t)ptr);
		return;
	} else if (!p && !old_rec) {
		return; /* realloc(unrecorded, 0): nothing the reader knows */
	}
	if (array)
		GM_REPORT_IF(reallocarray, 1, 1, in, nmemb, size, (uintptr_t)p, err);
	else
		GM_REPORT_IF(realloc, 1, 1, in, 1, size, (uintptr_t)p, err);
}

/* realloc of a bootstrap block: move it into the real heap (never reported). */
static void *gm_boot_realloc(void *ptr, size_t size)
{
	size_t old;
	memcpy(&old, (char *)ptr - sizeof old, sizeof old);
	void *p = gm_ready() ? gm_real.malloc(size) : gm_boot_alloc(16, size);
	if (p)
		memcpy(p, ptr, old < size ? old : size);
	return p;
}

GM_EXPORT void *realloc(void *ptr, size_t size)
{
	if (GM_UNLIKELY(gm_boot_owns(ptr) || !gm_ready()))
		return ptr && gm_boot_owns(ptr) ? gm_boot_realloc(ptr, size) : gm_boot_alloc(16, size);
	if (!gm_guard_enter()) {
		gm_guard_leave();
		return gm_real.realloc(ptr, size);
	}
	/* sampling: was the old block recorded? (forgotten now, remembered again on failure) */
	int on = gm_realloc_on(0, __builtin_return_address(0));
	int old_rec = on && (!ptr || gm_sampling_free((uintptr_t)ptr));
	void *p = gm_real.realloc(ptr, size);
	gm_realloc_report(ptr, 1, size, p, on, old_rec, p || !size ? 0 : errno, 0);
	gm_guard_leave();
	return p;
}

GM_EXPORT void *reallocarray(void *ptr, size_t nmemb, size_t size)
{
	size_t n;
	if (GM_UNLIKELY(gm_boot_owns(ptr) || !gm_ready())) {
		if (__builtin_mul_overflow(nmemb, size, &n)) {
			errno = ENOMEM;
			return NULL;
		}
		return realloc(ptr, n);
	}
	if (!gm_guard_enter()) {
		gm_guard_leave();
		return gm_real.reallocarray(ptr, nmemb, size);
	}
	int on = gm_realloc_on(1, __builtin_return_address(0));
	int old_rec = on && (!ptr || gm_sampling_free((uintptr_t)ptr));
	void *p = gm_real.reallocarray(ptr, nmemb, size);
	gm_realloc_report(ptr, nmemb, size, p, on, old_rec, p || !(nmemb && size) ? 0 : errno, 1);
	gm_guard_leave();
	return p;
}

GM_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	if (GM_UNLIKELY(!gm_ready())) {
		*out = gm_boot_alloc(align, size);
		return 0;
	}
	if (!gm_guard_enter()) {
		gm_guard_leave();
		return gm_real.posix_memalign(out, align, size);
	}
	int r = gm_real.posix_memalign(out, align, size);
	GM_REPORT(posix_memalign, r ? NULL : *out, size, align, size, r ? 0 : (uintptr_t)*out, r);
	gm_guard_leave();
	return r;
}

/* aligned_alloc, memalign: (align, size) -> ptr */
#define GM_ALIGN_HOOK(name)                                                          \
	GM_EXPORT void *name(size_t align, size_t size)                              \
	{                                                                            \
		if (GM_UNLIKELY(!gm_ready()))                                        \
			return gm_boot_alloc(align, size);                           \
		if (!gm_guard_enter()) {                                             \
			gm_guard_leave();                                            \
			return gm_real.name(align, size);                            \
		}                                                                    \
		void *p = gm_real.name(align, size);                                 \
		GM_REPORT(name, p, size, align, size, (uintptr_t)p, GM_ERR(p));      \
		gm_guard_leave();                                                    \
		return p;                                                            \
	}
GM_ALIGN_HOOK(aligned_alloc)
GM_ALIGN_HOOK(memalign)

/* valloc, pvalloc: (size) -> page-aligned ptr */
#define GM_PAGE_HOOK(name)                                                           \
	GM_EXPORT void *name(size_t size)                                            \
	{                                                                            \
		if (GM_UNLIKELY(!gm_ready()))                                        \
			return gm_boot_alloc(4096, size);                            \
		if (!gm_guard_enter()) {                                             \
			gm_guard_leave();                                            \
			return gm_real.name(size);                                   \
		}                                                                    \
		void *p = gm_real.name(size);                                        \
		GM_REPORT(name, p, size, size, (uintptr_t)p, GM_ERR(p));             \
		gm_guard_leave();                                                    \
		return p;                                                            \
	}
GM_PAGE_HOOK(valloc)
GM_PAGE_HOOK(pvalloc)
