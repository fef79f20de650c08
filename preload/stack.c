/* stack.c: call stacks for events, across the C/Go boundary (see stack.h).
 *
 * C frames: on a thread without Go, libunwind (local-only, .eh_frame). On a Go thread, the
 * cached shape unwinder of unwind.c, with libgcc's _Unwind_Backtrace as the fallback for
 * any stack it cannot follow (both below); the tracer's own frames on top (the capture, the
 * reporter, the hook) are stepped over on frame pointers, which this library keeps. As soon
 * as a frame's pc lies in the Go text of the executable (Go code has no .eh_frame) the walk
 * continues on Go's frame pointers ([bp] = caller's bp, [bp+8] = return pc), which Go keeps
 * on amd64.
 *
 * Stack switches. Go code runs either on a goroutine stack (curg) or on the thread's system
 * stack (g0). runtime.systemstack and runtime.asmcgocall save the goroutine's sp/bp in
 * curg.sched (gosave_systemstack_switch) and jump to g0. When the walk follows a frame
 * pointer from g0 into the goroutine stack it checks that save: if the switching function
 * had no frame of its own (Go 1.19/1.20: sched.bp != sched.sp), the return pc into its caller
 * is only at *(sched.sp) and is added, else the chain already holds it (1.21+ push BP).
 *
 * Safety. Every word read lies inside the g0 or curg stack bounds recorded in the runtime's
 * g structs (goroutine stacks are fully mapped; g0 reads stay above the current sp) and
 * frame pointers must grow within one stack, so a corrupt chain ends the walk instead of
 * faulting. g comes from the executable's TLS slot (%fs:off, off decoded from the runtime's
 * own code). Offsets of g and m fields were read off the runtime's assembly, Go 1.19-1.23
 * amd64 (docs/go-runtime.md). No locks, no allocation: async-signal-safe. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <dlfcn.h>
#include <libunwind.h>

#include "preload/config.h"
#include "preload/gosyms.h"
#include "preload/guard.h"
#include "preload/stack.h"
#include "preload/unwind.h"

/* ---- the Go runtime's structures (amd64, Go 1.19-1.23) ----------------------------- */

#define GM_G_STACK_LO 0x00  /* g.stack.lo */
#define GM_G_STACK_HI 0x08  /* g.stack.hi */
#define GM_G_M 0x30         /* g.m */
#define GM_G_SCHED_SP 0x38  /* g.sched.sp */
#define GM_G_SCHED_BP 0x68  /* g.sched.bp */
#define GM_M_G0 0x00        /* m.g0 */
#define GM_M_GSIGNAL 0x50   /* m.gsignal */
#define GM_M_CURG 0xc0      /* m.curg */

/* Offset of the g slot from %fs; decoded once from runtime.systemstack by
 * gm_stack_tls_offset() (-8 unless the executable has C TLS of its own). */
static long gm_stack_g_off = -8;
static int gm_stack_g_off_known; /* 1 once decoded; written by the first walker, same value */

static void gm_stack_tls_offset(void)
{
	uintptr_t lo, hi;
	if (gm_gosyms_func("runtime.systemstack", &lo, &hi) == 0) {
		/* mov %fs:disp32, %r64: 64 48 8b <modrm 04|0c|..> 25 disp32 */
		const uint8_t *p = (const uint8_t *)lo;
		for (uintptr_t i = 0; i + 9 <= hi - lo && i < 48; i++) {
			if (p[i] == 0x64 && (p[i + 1] & 0xf8) == 0x48 && p[i + 2] == 0x8b &&
			    (p[i + 3] & 0xc7) == 0x04 && p[i + 4] == 0x25) {
				int32_t d;
				memcpy(&d, p + i + 5, 4);
				gm_stack_g_off = d;
				break;
			}
		}
	}
	__atomic_store_n(&gm_stack_g_off_known, 1, __ATOMIC_RELEASE);
}

#ifdef GM_STACK_TESTING
/* Unit tests (tests/unit/test_stack.c) lay out g, m and stacks in plain memory. */
uintptr_t gm_stack_test_g;
static inline uintptr_t gm_stack_load_g(void) { return gm_stack_test_g; }
#else
static inline uintptr_t gm_stack_load_g(void)
{
	uintptr_t g;
	__asm__ volatile("movq %%fs:(%1), %0" : "=r"(g) : "r"(gm_stack_g_off));
	return g;
}
#endif

/* ---- bounded reads ------------------------------------------------------------------- */

/* A stack the walk may read: [lo, hi). */
struct gm_stack_range {
	uintptr_t lo; /* lowest readable address */
	uintptr_t hi; /* one past the highest */
};

static inline bool gm_stack_in(const struct gm_stack_range *r, uintptr_t a, uintptr_t n)
{
	return a >= r->lo && a + n <= r->hi && a + n > a && (a & 7) == 0;
}

static inline uintptr_t gm_stack_word(uintptr_t a) { return *(const uintptr_t *)a; }

/* Everything the Go part of a walk knows about the thread. */
struct gm_stack_goctx {
	struct gm_stack_range g0;   /* system stack of this M (reads only above the start sp) */
	struct gm_stack_range curg; /* the goroutine's stack, if any */
	uintptr_t sched_sp;         /* curg.sched.sp at the time of the walk (0: none) */
	uintptr_t sched_bp;         /* curg.sched.bp */
	bool have_curg;             /* curg known and distinct from g0 */
};

/* Read the runtime's view of this thread. sp: the walk's starting sp (g0 reads stay above). */
static bool gm_stack_goctx(struct gm_stack_goctx *c, uintptr_t sp)
{
	memset(c, 0, sizeof *c);
	if (__builtin_expect(!__atomic_load_n(&gm_stack_g_off_known, __ATOMIC_ACQUIRE), 0))
		gm_stack_tls_offset();
	uintptr_t g = gm_stack_load_g();
	if (!g || (g & 7))
		return false;
	uintptr_t m = gm_stack_word(g + GM_G_M);
	if (!m || (m & 7))
		return false;
	uintptr_t g0 = gm_stack_word(m + GM_M_G0);
	uintptr_t curg = gm_stack_word(m + GM_M_CURG);
	if (g0 && !(g0 & 7)) {
		c->g0.lo = gm_stack_word(g0 + GM_G_STACK_LO);
		c->g0.hi = gm_stack_word(g0 + GM_G_STACK_HI);
		if (sp > c->g0.lo && sp < c->g0.hi)
			c->g0.lo = sp; /* never below the live part of the system stack */
	}
	if (curg && !(curg & 7) && curg != g0) {
		c->curg.lo = gm_stack_word(curg + GM_G_STACK_LO);
		c->curg.hi = gm_stack_word(curg + GM_G_STACK_HI);
		c->sched_sp = gm_stack_word(curg + GM_G_SCHED_SP);
		c->sched_bp = gm_stack_word(curg + GM_G_SCHED_BP);
		c->have_curg = c->curg.lo < c->curg.hi;
	}
	return true;
}

/* ---- the Go frame-pointer walk ------------------------------------------------------------ */

/* Append the Go frames above (pc's frame, bp). `leaf_sp`: nonzero when pc is a frameless
 * function stopped at a syscall, whose return pc is at [leaf_sp]. Returns frames written. */
static uint32_t gm_stack_walk_go(uint64_t *out, uint32_t max, uintptr_t pc, uintptr_t sp,
				 uintptr_t bp, uintptr_t leaf_sp)
{
	uint32_t n = 0;
	struct gm_stack_goctx c;
	if (!max)
		return 0;
	out[n++] = pc;
	if (!gm_stack_goctx(&c, sp))
		return n;
	const struct gm_stack_range *cur = NULL;
	if (gm_stack_in(&c.g0, sp, 8))
		cur = &c.g0;
	else if (c.have_curg && gm_stack_in(&c.curg, sp, 8))
		cur = &c.curg;
	if (!cur)
		return n;
	if (leaf_sp && n < max && gm_stack_in(cur, leaf_sp, 8)) {
		uintptr_t ret = gm_stack_word(leaf_sp);
		if (!gm_gosyms_in_go_text(ret))
			return n;
		out[n++] = ret;
	}
	uintptr_t last = 0; /* frame pointers grow within one stack */
	while (n < max) {
		if (cur == &c.g0 && c.have_curg && gm_stack_in(&c.curg, bp, 16)) {
			/* Leaving the system stack for the goroutine's: a frameless switch (Go 1.19,
			 * 1.20) hid its caller's pc at *(sched.sp). */
			if (bp == c.sched_bp && c.sched_sp != c.sched_bp &&
			    gm_stack_in(&c.curg, c.sched_sp, 8)) {
				uintptr_t ret = gm_stack_word(c.sched_sp);
				if (gm_gosyms_in_go_text(ret))
					out[n++] = ret;
				if (n >= max)
					break;
			}
			cur = &c.curg;
			last = 0;
		}
		if (!gm_stack_in(cur, bp, 16) || bp <= last)
			break;
		uintptr_t ret = gm_stack_word(bp + 8);
		if (!gm_gosyms_in_go_text(ret))
			break; /* goexit/mstart reached, or back in C (a callback): done */
		out[n++] = ret;
		last = bp;
		bp = gm_stack_word(bp);
	}
	return n;
}

/* ---- entry points -------------------------------------------------------------------------- */

/* ---- C frames on Go threads: libgcc's unwinder ------------------------------------------
 * On a thread that runs Go code the C part of a stack is short (C function, cgo wrapper) and
 * ends in Go text, which has no .eh_frame. libunwind's fast path (unw_backtrace) gives up on
 * such a frame and redoes the whole walk on its slow path, whose cache locks and blocks signals
 * (sigprocmask) at every step: measured at several times the cost of the event. libgcc's
 * _Unwind_Backtrace finds FDEs through glibc's lock-free _dl_find_object (GCC 12, glibc
 * 2.35+), hands us each frame's registers, and stops where we say. It is looked up with dlsym
 * in libgcc_s.so.1 (libunwind.so exports a _Unwind_Backtrace of its own). */
struct gm_uw_ctx;
typedef int (*gm_uw_trace_fn)(struct gm_uw_ctx *, void *);
/* Written once by gm_stack_init() (constructor); read-only after. */
static struct {
	int (*backtrace)(gm_uw_trace_fn, void *);   /* _Unwind_Backtrace */
	uintptr_t (*get_ip)(struct gm_uw_ctx *);     /* _Unwind_GetIP */
	uintptr_t (*get_gr)(struct gm_uw_ctx *, int); /* _Unwind_GetGR */
	uintptr_t (*get_cfa)(struct gm_uw_ctx *);    /* _Unwind_GetCFA */
} gm_uw;

#define GM_UW_STOP 4 /* _URC_NORMAL_STOP */
#define GM_UW_DWARF_RBP 6

/* State of one walk through _Unwind_Backtrace. */
struct gm_uw_walk {
	uint64_t *out;   /* frames, innermost first */
	uint32_t max;    /* room in out */
	uint32_t n;      /* frames written */
	uint32_t skip;   /* frames still to drop (the tracer's own) */
	uintptr_t go_pc; /* the first pc in Go text, or 0 */
	uintptr_t go_sp; /* its sp (CFA) */
	uintptr_t go_bp; /* its rbp */
};

static int gm_uw_frame(struct gm_uw_ctx *ctx, void *arg)
{
	struct gm_uw_walk *w = arg;
	uintptr_t ip = gm_uw.get_ip(ctx);
	if (!ip)
		return GM_UW_STOP;
	if (w->skip) {
		w->skip--;
		return 0;
	}
	if (gm_gosyms_in_go_text(ip)) {
		w->go_pc = ip;
		w->go_sp = gm_uw.get_cfa(ctx);
		w->go_bp = gm_uw.get_gr(ctx, GM_UW_DWARF_RBP);
		return GM_UW_STOP;
	}
	w->out[w->n++] = ip;
	return w->n < w->max ? 0 : GM_UW_STOP;
}

void gm_stack_init(void)
{
	/* libunwind's default global cache takes a lock and blocks signals (two sigprocmask
	 * syscalls) at every step; the per-thread cache does neither. */
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
	if (!gm_gosyms_text_hi)
		return; /* not Go: libunwind's fast path serves every thread */
	void *h = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h)
		return;
	gm_uw.get_ip = (uintptr_t (*)(struct gm_uw_ctx *))dlsym(h, "_Unwind_GetIP");
	gm_uw.get_gr = (uintptr_t (*)(struct gm_uw_ctx *, int))dlsym(h, "_Unwind_GetGR");
	gm_uw.get_cfa = (uintptr_t (*)(struct gm_uw_ctx *))dlsym(h, "_Unwind_GetCFA");
	void *bt = dlsym(h, "_Unwind_Backtrace");
	if (gm_uw.get_ip && gm_uw.get_gr && gm_uw.get_cfa)
		gm_uw.backtrace = (int (*)(gm_uw_trace_fn, void *))bt;
}

/* ---- C frames on Go threads: the cached unwinder ----------------------------------------
 * The same walk as gm_uw_frame() drives through libgcc, on unwind.c's cached frame shapes:
 * frame by frame from f (this thread's registers in gm_stack_capture), drop `skip`, stop at
 * the first pc in Go text and go on with gm_stack_walk_go from its sp/bp. Every stack word
 * read lies in `r` (the live part of g0). Returns the frames written, or -1 when a frame has
 * no usable shape (no FDE, DWARF expressions, signal frame...) or a read would leave `r`:
 * then the caller redoes the whole walk with libgcc, so the result is always libgcc's.
 * A frame's shape is looked up before the frame is counted, as libgcc reads a frame's FDE
 * before handing it to the callback. */
static int gm_stack_walk_c(uint64_t *out, uint32_t max, uint32_t skip, struct gm_unwind_frame f,
			   bool first, const struct gm_stack_range *r)
{
	uint32_t n = 0; /* first: f.ip is a pc, not a return address */
	for (;;) {
		if (!f.ip)
			return (int)n;
		if (!skip && gm_gosyms_in_go_text(f.ip))
			return (int)(n + gm_stack_walk_go(out + n, max - n, f.ip, f.sp, f.bp, 0));
		struct gm_unwind_shape s;
		gm_unwind_shape_at(first ? f.ip : f.ip - 1, &s);
		if (s.kind != GM_UNWIND_FRAME && s.kind != GM_UNWIND_OUTERMOST)
			return -1;
		if (skip) {
			skip--;
		} else {
			out[n++] = f.ip;
			if (n >= max)
				return (int)n;
		}
		if (s.kind == GM_UNWIND_OUTERMOST)
			return (int)n;
		if (!gm_unwind_apply(&s, &f, r->lo, r->hi))
			return -1;
		first = false;
	}
}

/* Step over `levels` frames of our own from frame pointer bp (this library is built with
 * -fno-omit-frame-pointer: [bp] = the caller's bp, [bp+8] = the return address) instead of
 * looking up their CFI: out gets the frame the last one returns into. Every return address
 * but the last must lie in our code and every bp in r, growing; else false (the caller walks
 * on CFI from its own frame instead). */
static bool gm_stack_skip_own(struct gm_unwind_frame *out, uintptr_t bp, uint32_t levels,
			      const struct gm_stack_range *r)
{
	uintptr_t last = 0;
	for (uint32_t k = 0; k < levels; k++) {
		if (!gm_stack_in(r, bp, 16) || bp <= last)
			return false;
		uintptr_t ret = gm_stack_word(bp + 8), next = gm_stack_word(bp);
		if (k + 1 < levels && !gm_guard_in_tracer(ret))
			return false;
		if (k + 1 == levels) {
			out->ip = ret, out->sp = bp + 16, out->bp = next;
			return true;
		}
		last = bp;
		bp = next;
	}
	return false;
}

/* A thread on which Go code may run (a g in the executable's TLS slot). */
static inline bool gm_stack_on_go_thread(void)
{
	if (!gm_gosyms_text_hi)
		return false; /* not a Go executable: the TLS slot is not Go's */
	if (__builtin_expect(!__atomic_load_n(&gm_stack_g_off_known, __ATOMIC_ACQUIRE), 0))
		gm_stack_tls_offset();
	return gm_stack_load_g() != 0;
}

__attribute__((noinline)) uint32_t gm_stack_capture(uint64_t *out, uint32_t max, uint32_t skip)
{
	skip += 1; /* this function's caller is the hook itself */
	if (!max)
		return 0;
	if (!gm_stack_on_go_thread()) {
		/* Pure C: libunwind's fast path (per-IP frame cache, no register state needed). */
		void *buf[GM_STACK_DEPTH_MAX + 8];
		uint32_t want = max + skip + 1 < GM_STACK_DEPTH_MAX + 8 ? max + skip + 1
									 : GM_STACK_DEPTH_MAX + 8;
		int got = unw_backtrace(buf, (int)want);
		uint32_t n = 0;
		for (int i = (int)skip + 1; i < got && n < max; i++)
			out[n++] = (uintptr_t)buf[i];
		return n;
	}
	/* A Go thread: C frames until the Go text, then Go's frame pointers. The C frames run
	 * on g0, between our sp and g0's top: the cached unwinder reads only there. */
	struct gm_unwind_frame f;
	GM_UNWIND_HERE(f);
	struct gm_stack_goctx c;
	if (gm_stack_goctx(&c, f.sp) && gm_stack_in(&c.g0, f.sp, 8)) {
		/* our frames (this one, then `skip`) on frame pointers, the program's on CFI */
		struct gm_unwind_frame g;
		int n = -1;
		if (gm_stack_skip_own(&g, f.bp, skip + 1, &c.g0))
			n = gm_stack_walk_c(out, max, 0, g, false, &c.g0);
		if (n < 0)
			n = gm_stack_walk_c(out, max, skip + 1, f, true, &c.g0);
		if (n >= 0)
			return (uint32_t)n;
	}
	/* Fallback: libgcc's unwinder (or libunwind's slow path without libgcc_s). */
	if (gm_uw.backtrace) {
		struct gm_uw_walk w = { .out = out, .max = max, .skip = skip + 1 };
		gm_uw.backtrace(gm_uw_frame, &w);
		if (w.go_pc && w.n < max)
			w.n += gm_stack_walk_go(out + w.n, max - w.n, w.go_pc, w.go_sp, w.go_bp, 0);
		return w.n;
	}
	unw_context_t uc;
	unw_cursor_t cur;
	uint32_t n = 0;
	if (unw_getcontext(&uc) != 0 || unw_init_local(&cur, &uc) != 0)
		return 0;
	while (n < max && unw_step(&cur) > 0) {
		unw_word_t ip;
		if (unw_get_reg(&cur, UNW_REG_IP, &ip) != 0 || !ip)
			break;
		if (skip) {
			skip--;
			continue;
		}
		if (gm_gosyms_in_go_text(ip)) {
			unw_word_t sp = 0, bp = 0;
			unw_get_reg(&cur, UNW_X86_64_RSP, &sp);
			unw_get_reg(&cur, UNW_X86_64_RBP, &bp);
			return n + gm_stack_walk_go(out + n, max - n, ip, sp, bp, 0);
		}
		out[n++] = ip;
	}
	return n;
}

uint32_t gm_stack_capture_go(uint64_t *out, uint32_t max, uintptr_t pc, uintptr_t sp, uintptr_t bp)
{
	return gm_stack_walk_go(out, max, pc, sp, bp, sp);
}
