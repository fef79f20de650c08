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
 *  - A recorded malloc/calloc/free goes into this thread's batch (batch.c) when it can, else
 *    out as an event of its own.
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
#include "preload/batch.h"
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
/* A hook has three speeds. Event disabled (no session): one load and a branch, then a tail
 * call to libc — nothing else runs, not even the guard. Enabled but the call not sampled: the
 * guard, libc, a per-thread countdown (malloc side) or a 64 KiB filter probe (free side).
 * Recorded: a cold out-of-line gm_report_* function computes the stack and writes the event,
 * so the two fast paths carry no stack buffer and no spills. */

/* Is `event` recorded at all right now? */
#define GM_ON(event) (lttng_ust_tracepoint_enabled(gomemtrace, event) && gm_config.trace_malloc)

/* Record a call from a gm_report_* function called by a hook whose return address is `caller`:
 * take the stack (when stack_wanted; the walk drops this function's frame and the hook's),
 * then, unless `batched` (an expression that may use the stack gm_st[0..gm_d)) put it in this
 * thread's batch, write `event`; `...` are its fields before origin. errno is kept as libc
 * left it. */
#define GM_EMIT_OR_BATCH(batched, event, caller, stack_wanted, ...)                        \
	do {                                                                               \
		int gm_saved = errno;                                                      \
		uint64_t gm_st[GM_STACK_DEPTH_MAX];                                        \
		uint32_t gm_d = 0;                                                         \
		gm_guard_thread_check();                                                   \
		if (stack_wanted)                                                          \
			gm_d = gm_stack_capture(gm_st, gm_config.stack_depth, 1);          \
		if (!(batched))                                                            \
			lttng_ust_do_tracepoint(gomemtrace, event, __VA_ARGS__,            \
						GM_ORIGIN_LIBC, gm_st, gm_d);              \
		errno = gm_saved;                                                          \
	} while (0)
/* The same for calls that are never batched. */
#define GM_EMIT(event, caller, stack_wanted, ...) \
	GM_EMIT_OR_BATCH(false, event, caller, stack_wanted, __VA_ARGS__)

/* Shared opening of gm_report_* for an allocation of `size` bytes at p: not the program's
 * call, or sampled but the set is full -> nothing to record. */
static inline bool gm_report_wanted(const void *caller, void *p)
{
	if (!gm_guard_reportable(caller))
		return false;
	return !gm_sampling_active || !p || gm_sampling_remember((uintptr_t)p);
}

/* The out-of-line reporters. noinline keeps the hooks' fast paths small; each is called (never
 * tail-called: the hooks do work after it) so the frame count gm_stack_capture skips holds. */
#define GM_COLD __attribute__((noinline, cold))

GM_COLD static void gm_report_alloc_size(int which, size_t size, void *p, int err, const void *caller)
{
	if (!gm_report_wanted(caller, p))
		return;
	if (which == 0)
		GM_EMIT_OR_BATCH(p && gm_batch_add(GM_BATCH_MALLOC, (uintptr_t)p, size, gm_st, gm_d, true),
				 malloc, caller, 1, size, (uintptr_t)p, err);
	else if (which == 1)
		GM_EMIT(valloc, caller, 1, size, (uintptr_t)p, err);
	else
		GM_EMIT(pvalloc, caller, 1, size, (uintptr_t)p, err);
}

GM_COLD static void gm_report_calloc(size_t nmemb, size_t size, void *p, int err, const void *caller)
{
	if (gm_report_wanted(caller, p))
		GM_EMIT_OR_BATCH(p && gm_batch_add(GM_BATCH_CALLOC, (uintptr_t)p, nmemb * size, gm_st,
						   gm_d, true),
				 calloc, caller, 1, nmemb, size, (uintptr_t)p, err);
}

GM_COLD static void gm_report_alloc_align(int which, size_t align, size_t size, void *p, int err,
					  const void *caller)
{
	if (!gm_report_wanted(caller, p))
		return;
	if (which == 0)
		GM_EMIT(posix_memalign, caller, 1, align, size, (uintptr_t)p, err);
	else if (which == 1)
		GM_EMIT(aligned_alloc, caller, 1, align, size, (uintptr_t)p, err);
	else
		GM_EMIT(memalign, caller, 1, align, size, (uintptr_t)p, err);
}

/* free(ptr), before the real free: once freed, another thread may get the same address back
 * from malloc, and its event must come after this one. */
GM_COLD static void gm_report_free(void *ptr, const void *caller)
{
	if (gm_guard_reportable(caller) && gm_sampling_free((uintptr_t)ptr)) {
		uint8_t freer = (uint8_t)gm_stack_go_freer();
		GM_EMIT_OR_BATCH(gm_batch_add(GM_BATCH_FREE, (uintptr_t)ptr, freer, gm_st, gm_d,
					      gm_config.free_stacks),
				 free, caller, gm_config.free_stacks, (uintptr_t)ptr, freer);
	}
}

/* After realloc/reallocarray(ptr, nmemb, size) = p, when the event is on and the caller is the
 * program; `old_rec`: ptr was recorded (always in full mode). Sampling turns one call into
 * what the reader must see: the new block if it is sampled (with in_ptr only if the old one
 * was recorded), else a free of a recorded old block. */
GM_COLD static void gm_report_realloc(void *ptr, size_t nmemb, size_t size, void *p, int old_rec,
				      int err, int array, const void *caller)
{
	uintptr_t in = old_rec ? (uintptr_t)ptr : 0;
	if (!p && (nmemb && size)) { /* failed: the old block stays */
		if (ptr && old_rec && gm_sampling_active)
			gm_sampling_remember((uintptr_t)ptr);
		if (!old_rec)
			return;
	} else if (p && !(gm_sampling_alloc_hit(nmemb * size) &&
			  (!gm_sampling_active || gm_sampling_remember((uintptr_t)p)))) {
		if (ptr && old_rec) /* only the old block's end is news */
			GM_EMIT(free, caller, gm_config.free_stacks, (uintptr_t)ptr, (uint8_t)GM_FREER_OTHER);
		return;
	} else if (!p && !old_rec) {
		return; /* realloc(unrecorded, 0): nothing the reader knows */
	}
	if (array)
		GM_EMIT(reallocarray, caller, 1, in, nmemb, size, (uintptr_t)p, err);
	else
		GM_EMIT(realloc, caller, 1, in, 1, size, (uintptr_t)p, err);
}

/* errno of a failed allocation, as libc left it (nothing ran in between) */
#define GM_ERR(p) ((p) ? 0 : errno)

/* ---- the hooks ------------------------------------------------------------------------- */

/* The body of an allocating hook: `call` is the real call producing `p` of `size` bytes,
 * `report` the reporter call for a recorded one. An allocation sampling skips (nearly all of
 * them) runs without the guard: a countdown, the real call, and a NULL check (failures are
 * always recorded). Calls made by the tracer itself (depth > 0) pass straight through. */
#define GM_ALLOC_BODY(event, call, size, report)                   \
	do {                                                       \
		if (GM_LIKELY(!GM_ON(event)) || gm_guard_depth)    \
			return call;                               \
		void *p;                                           \
		if (GM_LIKELY(gm_sampling_skip(size))) {           \
			p = call;                                  \
			if (GM_LIKELY(p != NULL))                  \
				return p;                          \
			gm_guard_enter();                          \
			report;                                    \
			gm_guard_leave();                          \
			return p;                                  \
		}                                                  \
		gm_guard_enter();                                  \
		p = call;                                          \
		if (GM_UNLIKELY(gm_sampling_decide(size) || !p))   \
			report;                                    \
		gm_guard_leave();                                  \
		return p;                                          \
	} while (0)

GM_EXPORT void *malloc(size_t size)
{
	if (GM_UNLIKELY(!gm_ready()))
		return gm_boot_alloc(16, size);
	GM_ALLOC_BODY(malloc, gm_real.malloc(size), size,
		      gm_report_alloc_size(0, size, p, GM_ERR(p), __builtin_return_address(0)));
}

GM_EXPORT void free(void *ptr)
{
	if (GM_UNLIKELY(!ptr || gm_boot_owns(ptr)))
		return;
	if (GM_UNLIKELY(!gm_ready()))
		return; /* cannot happen: ptr came from the bootstrap buffer */
	if (GM_LIKELY(!GM_ON(free)) || !gm_sampling_free_maybe((uintptr_t)ptr))
		return gm_real.free(ptr);
	if (!gm_guard_enter()) {
		gm_guard_leave();
		gm_real.free(ptr);
		return;
	}
	gm_report_free(ptr, __builtin_return_address(0));
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
	GM_ALLOC_BODY(calloc, gm_real.calloc(nmemb, size), nmemb * size,
		      gm_report_calloc(nmemb, size, p, GM_ERR(p), __builtin_return_address(0)));
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

/* The body of realloc (array 0) and reallocarray (1): `call` is the real call. Sampling: was
 * the old block recorded? (forgotten now, remembered again if the call fails) */
#define GM_REALLOC_BODY(event, call, array)                                                      \
	do {                                                                                     \
		if (GM_LIKELY(!GM_ON(event)))                                                    \
			return call;                                                             \
		if (!gm_guard_enter()) {                                                         \
			gm_guard_leave();                                                        \
			return call;                                                             \
		}                                                                                \
		const void *caller = __builtin_return_address(0);                                \
		if (!gm_guard_reportable(caller)) {                                              \
			void *q = call;                                                          \
			gm_guard_leave();                                                        \
			return q;                                                                \
		}                                                                                \
		int old_rec = !ptr || gm_sampling_free((uintptr_t)ptr);                          \
		void *p = call;                                                                  \
		int err = p || !(nmemb && size) ? 0 : errno;                                     \
		gm_report_realloc(ptr, nmemb, size, p, old_rec, err, array, caller);             \
		gm_guard_leave();                                                                \
		return p;                                                                        \
	} while (0)

GM_EXPORT void *realloc(void *ptr, size_t size)
{
	if (GM_UNLIKELY(gm_boot_owns(ptr) || !gm_ready()))
		return ptr && gm_boot_owns(ptr) ? gm_boot_realloc(ptr, size) : gm_boot_alloc(16, size);
	const size_t nmemb = 1;
	GM_REALLOC_BODY(realloc, gm_real.realloc(ptr, size), 0);
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
	GM_REALLOC_BODY(reallocarray, gm_real.reallocarray(ptr, nmemb, size), 1);
}

GM_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	if (GM_UNLIKELY(!gm_ready())) {
		*out = gm_boot_alloc(align, size);
		return 0;
	}
	if (GM_LIKELY(!GM_ON(posix_memalign)) || gm_guard_depth)
		return gm_real.posix_memalign(out, align, size);
	gm_guard_enter();
	int r = gm_real.posix_memalign(out, align, size);
	void *p = r ? NULL : *out;
	if (GM_UNLIKELY(gm_sampling_alloc_hit(size) || !p))
		gm_report_alloc_align(0, align, size, p, r, __builtin_return_address(0));
	gm_guard_leave();
	return r;
}

/* aligned_alloc, memalign: (align, size) -> ptr; which: gm_report_alloc_align's selector */
#define GM_ALIGN_HOOK(name, which)                                                                \
	GM_EXPORT void *name(size_t align, size_t size)                                           \
	{                                                                                         \
		if (GM_UNLIKELY(!gm_ready()))                                                     \
			return gm_boot_alloc(align, size);                                        \
		GM_ALLOC_BODY(name, gm_real.name(align, size), size,                              \
			      gm_report_alloc_align(which, align, size, p, GM_ERR(p),             \
						    __builtin_return_address(0)));                \
	}
GM_ALIGN_HOOK(aligned_alloc, 1)
GM_ALIGN_HOOK(memalign, 2)

/* valloc, pvalloc: (size) -> page-aligned ptr; which: gm_report_alloc_size's selector */
#define GM_PAGE_HOOK(name, which)                                                                 \
	GM_EXPORT void *name(size_t size)                                                         \
	{                                                                                         \
		if (GM_UNLIKELY(!gm_ready()))                                                     \
			return gm_boot_alloc(4096, size);                                         \
		GM_ALLOC_BODY(name, gm_real.name(size), size,                                     \
			      gm_report_alloc_size(which, size, p, GM_ERR(p),                     \
						   __builtin_return_address(0)));                 \
	}
GM_PAGE_HOOK(valloc, 1)
GM_PAGE_HOOK(pvalloc, 2)
