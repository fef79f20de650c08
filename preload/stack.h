/* stack.h: call stacks for events, across the C/Go boundary.
 *
 * C frames are unwound from .eh_frame (libunwind on plain C threads; on Go threads the cached
 * shapes of unwind.c, libgcc as their fallback); on reaching the Go runtime's text the walk
 * continues on Go frame pointers, hopping from the system stack (g0) back to the goroutine
 * at systemstack/asmcgocall, so a C.malloc shows main.caller -> main._Cfunc_x -> C -> malloc.
 * Both functions are async-signal-safe, lock-free and allocation-free; every read of Go
 * memory is bounds-checked against the stack it should lie in. */
#ifndef GM_STACK_H
#define GM_STACK_H
#include <stdint.h>

/* Constructor-time set-up (libunwind's cache policy). */
void gm_stack_init(void);

/* From a hook: fill out[] with at most max return addresses, innermost first, starting at
 * the caller of the hooked libc function (skip = frames of gomemtrace itself to drop).
 * Returns the depth. */
uint32_t gm_stack_capture(uint64_t *out, uint32_t max, uint32_t skip);

/* From a signal context stopped in Go code: pc is the interrupted instruction (a raw syscall
 * site of a frameless runtime function), sp/bp its registers. out[0] = pc. */
uint32_t gm_stack_capture_go(uint64_t *out, uint32_t max, uintptr_t pc, uintptr_t sp, uintptr_t bp);
#endif
