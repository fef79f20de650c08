/* export.h: symbol visibility for libgomemtrace.so.
 * The library is built with -fvisibility=hidden; only the interposed libc functions are exported. */
#ifndef GM_EXPORT_H
#define GM_EXPORT_H
#define GM_EXPORT __attribute__((visibility("default")))
#define GM_LIKELY(x) __builtin_expect(!!(x), 1)
#define GM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#endif
