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
#include <stddef.h>
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

/* ---- the runtime's g and m layout (amd64) ------------------------------------------
 * Decoded at start-up from the runtime's own instructions (runtime.asmcgocall, the
 * gosave_systemstack_switch it calls, runtime.cgocallback), else taken from a per-version
 * table (docs/go-runtime.md); checked again at every g0 -> goroutine hop. */

/* Byte offsets of the fields the walk reads. */
struct gm_stack_layout {
	uint32_t g_stack_lo; /* g.stack.lo */
	uint32_t g_stack_hi; /* g.stack.hi */
	uint32_t g_m;        /* g.m */
	uint32_t g_sched_sp; /* g.sched.sp */
	uint32_t g_sched_bp; /* g.sched.bp */
	uint32_t m_g0;       /* m.g0 */
	uint32_t m_gsignal;  /* m.gsignal */
	uint32_t m_curg;     /* m.curg */
};

/* What the decoders found in the code; -1 (0 for tls) where they found nothing. */
struct gm_stack_decoded {
	int64_t tls;           /* %fs offset of g (asmcgocall's load of g from %fs), 0: none */
	int32_t g_m;           /* asmcgocall: mov g_m(%rdi),%r8 */
	int32_t m_gsignal;     /* asmcgocall: mov m_gsignal(%r8),%rsi; cmp %rsi,%rdi */
	int32_t m_g0;          /* asmcgocall: mov m_g0(%r8),%rsi; cmp %rsi,%rdi */
	int32_t g_stack_hi;    /* asmcgocall, after the switch: mov g_stack_hi(%rdi),%rdi */
	int32_t call_off;      /* asmcgocall: offset of its call to gosave_systemstack_switch */
	int32_t g_sched_pc;    /* gosave: lea pc(%rip),%r9; mov %r9,sched_pc(%r14) */
	int32_t g_sched_sp;    /* gosave: lea 8(%rsp),%r9; mov %r9,sched_sp(%r14) */
	int32_t g_sched_bp;    /* gosave: mov %rbp,sched_bp(%r14) */
	int32_t m_curg;        /* cgocallback: mov m_curg(%rbx),%rsi, then curg.sched.sp/pc */
	int32_t cb_sched_sp;   /* cgocallback: mov sched_sp(%rsi),%rdi */
	int32_t cb_sched_pc;   /* cgocallback: mov sched_pc(%rsi),%rbx; mov %rbx,-8(%rdi) */
};

/* Reset d to "nothing found". */
void gm_stack_decoded_init(struct gm_stack_decoded *d);
/* Decoders of the three functions' code [p, p+n). Each returns 0 when it found all its fields. */
int gm_stack_decode_asmcgocall(const uint8_t *p, size_t n, struct gm_stack_decoded *d);
int gm_stack_decode_gosave(const uint8_t *p, size_t n, struct gm_stack_decoded *d);
int gm_stack_decode_cgocallback(const uint8_t *p, size_t n, struct gm_stack_decoded *d);
/* A complete, self-consistent layout from d (both views of g.sched.sp/pc agree, offsets
 * 8-aligned and plausible). 0 or -1. */
int gm_stack_layout_from_decoded(const struct gm_stack_decoded *d, struct gm_stack_layout *out);
/* The table row for Go 1.minor (1.19-1.26 verified); -1 for a version not in the table. */
int gm_stack_layout_for_minor(int minor, struct gm_stack_layout *out);

/* How the layout in use was obtained (proc_info.stack_layout says it in words). */
enum gm_stack_layout_src {
	GM_STACK_LAYOUT_NONE = 0,    /* not decoded, version not in the table: no hop at all */
	GM_STACK_LAYOUT_DECODED = 1, /* decoded from the runtime's code */
	GM_STACK_LAYOUT_TABLE = 2,   /* the table row of the executable's Go version */
};
/* One line on the layout in use, e.g. "decoded: g.m 0x30 g.sched.sp 0x38 ...". */
const char *gm_stack_layout_desc(void);
/* Who is freeing (enum gm_freer): the calling thread runs C code called by the Go finalizer
 * goroutine (runtime.runfinq / runFinalizers) or a cleanup goroutine (runtime.runCleanups), found in that
 * goroutine's frame chain (validated like a stack hop; at most 64 frames), else other. */
int gm_stack_go_freer(void);
/* Hops from g0 to the goroutine refused because the runtime's state did not validate (the
 * walk then ends at the switch), and the reason of the first ("" if none). Async-signal-safe. */
uint64_t gm_stack_hop_failures(void);
const char *gm_stack_hop_reason(void);
#endif
