/* export.h: symbol visibility for libgomemtrace.so.
 * The library is built with -fvisibility=hidden; only the interposed libc functions are exported. */
#ifndef GM_EXPORT_H
#define GM_EXPORT_H
#define GM_EXPORT __attribute__((visibility("default")))
#define GM_LIKELY(x) __builtin_expect(!!(x), 1)
#define GM_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* glibc declares dlsym "leaf", which is false for an interposer: gcc may then move stores
 * across the call. This alias of the same symbol carries no such attribute; every hook
 * resolves the real libc function through it. */
extern void *gm_dlsym(void *handle, const char *name) __asm__("dlsym");
#endif
