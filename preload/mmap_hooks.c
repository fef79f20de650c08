/* mmap_hooks.c: interposition of libc's mmap, mmap64, munmap, mremap, madvise and mprotect.
 *
 * In a cgo binary the Go runtime maps its heap through libc (x_cgo_mmap), so these hooks see
 * every runtime mmap/munmap; the runtime's madvise is a raw syscall and is caught by the Go
 * trap instead (gotrap.c). Until dlsym has answered, calls go straight to the kernel.
 * Every successful mmap is shown to goheap.c, which finds the Go heap's bitmaps in them. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gomemtrace/schema.h"
#include "gomemtrace/tp.h"
#include "preload/config.h"
#include "preload/export.h"
#include "preload/goheap.h"
#include "preload/sampler.h"
#include "preload/guard.h"
#include "preload/stack.h"

/* Resolved lazily by the first call of each hook (racing threads store the same value). */
static struct {
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	int (*munmap)(void *, size_t);
	void *(*mremap)(void *, size_t, size_t, int, ...);
	int (*madvise)(void *, size_t, int);
	int (*mprotect)(void *, size_t, int);
} gm_mreal;

/* The real function, or NULL while dlsym is not usable yet (then the caller uses syscall). */
#define GM_MREAL(name)                                                                   \
	(GM_LIKELY(gm_mreal.name) ? gm_mreal.name                                        \
				  : (gm_guard_depth ? NULL                               \
						    : (gm_guard_depth++,                   \
						       gm_mreal.name = gm_dlsym(RTLD_NEXT, #name), \
						       gm_guard_depth--, gm_mreal.name)))

/* Report `event` if enabled and the call is the program's own; errno is preserved. */
#define GM_MREPORT(family, event, ...)                                                    \
	do {                                                                              \
		if (lttng_ust_tracepoint_enabled(gomemtrace, event) && gm_config.family && \
		    gm_guard_reportable(__builtin_return_address(0))) {                       \
			int gm_saved = errno;                                             \
			uint64_t gm_st[GM_STACK_DEPTH_MAX];                               \
			gm_guard_thread_check();                                          \
			uint32_t gm_d = gm_stack_capture(gm_st, gm_config.stack_depth, 0); \
			lttng_ust_do_tracepoint(gomemtrace, event, __VA_ARGS__,           \
						GM_ORIGIN_LIBC, gm_st, gm_d);             \
			errno = gm_saved;                                                 \
		}                                                                         \
	} while (0)

__attribute__((constructor(101))) static void gm_mmap_resolve(void)
{
	(void)GM_MREAL(mmap);
	(void)GM_MREAL(munmap);
	(void)GM_MREAL(mremap);
	(void)GM_MREAL(madvise);
	(void)GM_MREAL(mprotect);
}

GM_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *(*real)(void *, size_t, int, int, int, off_t) = GM_MREAL(mmap);
	int report = gm_guard_enter();
	void *r;
	if (real) {
		r = real(addr, len, prot, flags, fd, off);
	} else {
		long k = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
		r = (void *)k; /* syscall() already set errno and returned -1 == MAP_FAILED */
	}
	int err = r == MAP_FAILED ? errno : 0;
	if (r != MAP_FAILED) {
		gm_goheap_note_mmap((uintptr_t)addr, len, prot, flags, (uintptr_t)r);
		if ((flags & MAP_ANONYMOUS) && (prot & (PROT_READ | PROT_WRITE)))
			gm_sampler_note_moved(len, report); /* memory that may become resident */
	}
	if (report) {
		struct gm_tp_mmap a = { (uintptr_t)addr, len, prot, flags, fd, off, (uintptr_t)r, err };
		GM_MREPORT(trace_mmap, mmap, &a);
	}
	gm_guard_leave();
	return r;
}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-attributes"
GM_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));
#pragma GCC diagnostic pop

GM_EXPORT int munmap(void *addr, size_t len)
{
	int (*real)(void *, size_t) = GM_MREAL(munmap);
	int report = gm_guard_enter();
	int r = real ? real(addr, len) : (int)syscall(SYS_munmap, addr, len);
	if (r == 0)
		gm_sampler_note_moved(len, report);
	if (report)
		GM_MREPORT(trace_mmap, munmap, (uintptr_t)addr, len, r, r ? errno : 0);
	gm_guard_leave();
	return r;
}

GM_EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	void *new_addr = NULL;
	if (flags & MREMAP_FIXED) {
		va_list ap;
		va_start(ap, flags);
		new_addr = va_arg(ap, void *);
		va_end(ap);
	}
	void *(*real)(void *, size_t, size_t, int, ...) = GM_MREAL(mremap);
	int report = gm_guard_enter();
	void *r = real ? real(old, old_len, new_len, flags, new_addr)
		       : (void *)syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
	if (r != MAP_FAILED)
		gm_sampler_note_moved(new_len > old_len ? new_len - old_len : old_len - new_len, report);
	if (report)
		GM_MREPORT(trace_mmap, mremap, (uintptr_t)old, old_len, new_len, flags,
			   (uintptr_t)new_addr, (uintptr_t)r, r == MAP_FAILED ? errno : 0);
	gm_guard_leave();
	return r;
}

GM_EXPORT int madvise(void *addr, size_t len, int advice)
{
	int (*real)(void *, size_t, int) = GM_MREAL(madvise);
	int report = gm_guard_enter();
	int r = real ? real(addr, len, advice) : (int)syscall(SYS_madvise, addr, len, advice);
	if (r == 0 && (advice == MADV_DONTNEED || advice == MADV_FREE))
		gm_sampler_note_moved(len, report);
	if (report)
		GM_MREPORT(trace_madvise, madvise, (uintptr_t)addr, len, advice, r, r ? errno : 0);
	gm_guard_leave();
	return r;
}

GM_EXPORT int mprotect(void *addr, size_t len, int prot)
{
	int (*real)(void *, size_t, int) = GM_MREAL(mprotect);
	int report = gm_guard_enter();
	int r = real ? real(addr, len, prot) : (int)syscall(SYS_mprotect, addr, len, prot);
	if (report)
		GM_MREPORT(trace_mmap, mprotect, (uintptr_t)addr, len, prot, r, r ? errno : 0);
	gm_guard_leave();
	return r;
}
