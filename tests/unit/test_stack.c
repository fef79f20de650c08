/* test_stack.c: the Go frame-pointer walk of preload/stack.c on synthetic stacks laid out
 * as the Go runtime lays them out (g, m, g0 and goroutine stacks, curg.sched), for both
 * shapes of stack switch: frameless systemstack/asmcgocall (Go 1.19, 1.20) and framed
 * (Go 1.21+), in the g/m layouts of Go 1.19-1.24 and of Go 1.25+ (gobuf lost `ret`), plus
 * corrupt chains that must end the walk without faulting, and hops that must be refused
 * (curg.m not this m, sched.sp/bp not matching, a layout that does not fit the memory, no
 * trusted layout at all: curg never read). The layout decoders run on instruction bytes of
 * Go 1.24 and 1.26 (PIE) and on runtime.asmcgocall, gosave_systemstack_switch and
 * runtime.cgocallback of the Go test programs of every Go of GM_GO_VERSIONS (built at test
 * time, tests/data/gosyms/build.sh), where they must give the table's offsets. The real walk
 * is exercised end to end by tests/e2e/stack_*.sh on real Go programs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "preload/gosyms.h"
#include "preload/guard.h"
#include "preload/stack.h"
#include "tests/unit/test_gosyms_fixtures.h"

extern uintptr_t gm_stack_test_g;
void gm_stack_test_set_layout(const struct gm_stack_layout *lay, int hop_ok);
void gm_stack_test_set_switch(uintptr_t lo, uintptr_t hi);

/* ---- a fake Go executable: text is [0x400000, 0x500000) --------------------------------- */
uintptr_t gm_gosyms_text_lo = 0x400000, gm_gosyms_text_hi = 0x500000;
int gm_gosyms_func(const char *name, uintptr_t *entry, uintptr_t *end) { return -1; }
int gm_gosyms_minor(void) { return 0; }
/* guard.c's table of the tracer's own code (stack.c steps over those frames on rbp): empty */
struct gm_guard_range gm_guard_ranges[GM_GUARD_RANGES];
int gm_guard_nranges;

#define PC(n) ((uintptr_t)0x400000 + 0x100 * (n))
/* PC(4) is a return address into the switch function (systemstack / asmcgocall) */
#define SWITCH_LO PC(4)
#define SWITCH_HI PC(5)
#define NOT_GO ((uintptr_t)0x7f0000001000)

/* ---- a fake thread: g0, curg, m, two stacks ---------------------------------------- */
static uintptr_t g0_stack[512], g_stack[512];
static uint8_t g0[256] __attribute__((aligned(8))), curg[256] __attribute__((aligned(8)));
static uint8_t m[256] __attribute__((aligned(8)));
static struct gm_stack_layout L; /* the layout the memory is laid out in */

static void put(void *base, size_t off, uintptr_t v) { memcpy((uint8_t *)base + off, &v, 8); }
static uintptr_t A(uintptr_t *stack, int i) { return (uintptr_t)&stack[i]; }

/* Frame at stack[i]: [bp] = next bp, [bp+8] = return pc */
static uintptr_t frame(uintptr_t *stack, int i, uintptr_t next_bp, uintptr_t ret)
{
	stack[i] = next_bp;
	stack[i + 1] = ret;
	return A(stack, i);
}

/* Lay the thread out for Go 1.minor; the walker uses the same layout. */
static void thread_setup_go(int minor)
{
	assert_int_equal(gm_stack_layout_for_minor(minor, &L), 0);
	gm_stack_test_set_layout(&L, 1);
	gm_stack_test_set_switch(SWITCH_LO, SWITCH_HI);
	memset(g0_stack, 0, sizeof g0_stack);
	memset(g_stack, 0, sizeof g_stack);
	memset(g0, 0, sizeof g0);
	memset(curg, 0, sizeof curg);
	memset(m, 0, sizeof m);
	put(g0, L.g_stack_lo, A(g0_stack, 0));
	put(g0, L.g_stack_hi, A(g0_stack, 512));
	put(g0, L.g_m, (uintptr_t)m);
	put(curg, L.g_stack_lo, A(g_stack, 0));
	put(curg, L.g_stack_hi, A(g_stack, 512));
	put(curg, L.g_m, (uintptr_t)m);
	put(m, L.m_g0, (uintptr_t)g0);
	put(m, L.m_curg, (uintptr_t)curg);
	gm_stack_test_g = (uintptr_t)g0; /* we are on the system stack */
}

static void thread_setup(void) { thread_setup_go(23); }

/* The Go versions whose layouts the walk tests run with: one of each table row. */
static const int gm_t_minors[] = { 19, 25 };

/* Go 1.19: the scavenger's madvise. runtime.madvise (leaf, PC 1) was called by sysUnused
 * (PC 2) <- scavengeOne (PC 3), on g0 via systemstack (frameless, PC 4) from
 * scavenge (PC 5) <- bgscavenge (PC 6), on the goroutine stack. */
static void test_frameless_switch(void **state)
{
	for (size_t v = 0; v < 2; v++) {
	thread_setup_go(gm_t_minors[v]);
	uintptr_t g_f6 = frame(g_stack, 300, 0, NOT_GO);       /* bgscavenge's frame: caller not Go */
	uintptr_t g_f5 = frame(g_stack, 200, g_f6, PC(6));     /* scavenge's frame */
	g_stack[150] = PC(5);                                  /* systemstack's return into scavenge */
	put(curg, L.g_sched_sp, A(g_stack, 150));              /* sched.sp */
	put(curg, L.g_sched_bp, g_f5);                         /* sched.bp = scavenge's bp */
	uintptr_t s_f3 = frame(g0_stack, 400, g_f5, PC(4));    /* scavengeOne: ret into systemstack */
	uintptr_t s_f2 = frame(g0_stack, 300, s_f3, PC(3));    /* sysUnused */
	g0_stack[100] = PC(2);                                 /* madvise's return address at [sp] */
	uint64_t out[16];
	uint32_t n = gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), s_f2);
	uint64_t want[] = { PC(1), PC(2), PC(3), PC(4), PC(5), PC(6) };
	assert_int_equal(n, 6);
	assert_memory_equal(out, want, sizeof want);
	assert_int_equal(gm_stack_hop_failures(), 0);
	}
}

/* Lay out the framed switch of test_framed_switch; the bp to start the walk from. */
static uintptr_t framed_layout(void)
{
	uintptr_t g_f6 = frame(g_stack, 300, 0, NOT_GO);
	uintptr_t g_f5 = frame(g_stack, 200, g_f6, PC(6));
	uintptr_t g_ss = frame(g_stack, 150, g_f5, PC(5));     /* systemstack's own frame */
	put(curg, L.g_sched_sp, g_ss);
	put(curg, L.g_sched_bp, g_ss);
	uintptr_t s_f3 = frame(g0_stack, 400, g_ss, PC(4));
	uintptr_t s_f2 = frame(g0_stack, 300, s_f3, PC(3));
	g0_stack[100] = PC(2);
	return s_f2;
}

/* Go 1.21+: systemstack pushes BP, so the chain crosses by itself; sched.sp == sched.bp. */
static void test_framed_switch(void **state)
{
	for (size_t v = 0; v < 2; v++) {
	thread_setup_go(gm_t_minors[v]);
	uintptr_t g_f6 = frame(g_stack, 300, 0, NOT_GO);
	uintptr_t g_f5 = frame(g_stack, 200, g_f6, PC(6));
	uintptr_t g_ss = frame(g_stack, 150, g_f5, PC(5));     /* systemstack's own frame */
	put(curg, L.g_sched_sp, g_ss);
	put(curg, L.g_sched_bp, g_ss);
	uintptr_t s_f3 = frame(g0_stack, 400, g_ss, PC(4));
	uintptr_t s_f2 = frame(g0_stack, 300, s_f3, PC(3));
	g0_stack[100] = PC(2);
	uint64_t out[16];
	uint32_t n = gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), s_f2);
	uint64_t want[] = { PC(1), PC(2), PC(3), PC(4), PC(5), PC(6) };
	assert_int_equal(n, 6);
	assert_memory_equal(out, want, sizeof want);
	assert_int_equal(gm_stack_hop_failures(), 0);
	assert_string_equal(gm_stack_hop_reason(), "");
	}
}

/* The walk stops at the switch (PC 1-4 only), and counts one refused hop for `reason`. */
static void assert_refused(uintptr_t bp, const char *reason)
{
	uint64_t out[16];
	uint64_t before = gm_stack_hop_failures();
	uint32_t n = gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), bp);
	uint64_t want[] = { PC(1), PC(2), PC(3), PC(4) };
	assert_int_equal(n, 4);
	assert_memory_equal(out, want, sizeof want);
	assert_int_equal(gm_stack_hop_failures(), before + 1);
	assert_non_null(strstr(gm_stack_hop_reason(), reason));
}

/* Hops whose runtime state does not validate end the stack at the switch, counted. */
static void test_hop_refused(void **state)
{
	for (size_t v = 0; v < 2; v++) {
		uintptr_t bp;
		/* curg.m is another m */
		thread_setup_go(gm_t_minors[v]);
		bp = framed_layout();
		put(curg, L.g_m, (uintptr_t)g0);
		assert_refused(bp, "curg.m is not");
		/* m.curg empty: a goroutine switched to g0 but none is recorded */
		thread_setup_go(gm_t_minors[v]);
		bp = framed_layout();
		put(m, L.m_curg, 0);
		assert_refused(bp, "m.curg is empty");
		/* the chain leaves g0 somewhere else than curg.sched.bp */
		thread_setup_go(gm_t_minors[v]);
		bp = framed_layout();
		put(curg, L.g_sched_bp, A(g_stack, 152));
		assert_refused(bp, "sched.bp");
		/* sched.sp outside curg's stack */
		thread_setup_go(gm_t_minors[v]);
		bp = framed_layout();
		put(curg, L.g_sched_sp, A(g0_stack, 40));
		assert_refused(bp, "sched.sp");
		/* curg's stack bounds upside down */
		thread_setup_go(gm_t_minors[v]);
		bp = framed_layout();
		put(curg, L.g_stack_lo, A(g_stack, 512));
		put(curg, L.g_stack_hi, A(g_stack, 0));
		assert_refused(bp, "stack bounds");
	}
}

/* The memory is Go 1.25's but the walker believes Go 1.24's offsets (the bug this guards
 * against): m+0xc0 is m.caughtsig (0), and the stack ends at the switch, with a reason,
 * rather than continuing on garbage; and the other way round (1.24 memory, 1.25 offsets:
 * m+0xb8 is not curg). */
static void test_hop_wrong_layout(void **state)
{
	struct gm_stack_layout l24, l25;
	assert_int_equal(gm_stack_layout_for_minor(24, &l24), 0);
	assert_int_equal(gm_stack_layout_for_minor(25, &l25), 0);
	thread_setup_go(25);
	uintptr_t bp = framed_layout();
	gm_stack_test_set_layout(&l24, 1);
	assert_refused(bp, "m.curg is empty");
	thread_setup_go(24);
	bp = framed_layout();
	put(m, l25.m_curg, (uintptr_t)m); /* some other pointer where 1.25 has curg */
	put(m, l25.g_m, 0);
	gm_stack_test_set_layout(&l25, 1);
	uint64_t out[16];
	uint32_t n = gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), bp);
	assert_int_equal(n, 4); /* ... m.g_m (0x30) != m: refused */
	assert_int_equal(gm_stack_hop_failures(), 1);
}

/* The chain leaving g0 anywhere but at a switch (above mstart, whose g0 bounds end near its
 * frame) ends the walk: no hop, even into curg's stack, and no refusal counted. Without the
 * switch functions' addresses, a bp inside curg's stack is the sign of a switch. */
static void test_leave_g0_not_at_switch(void **state)
{
	for (size_t v = 0; v < 2; v++) {
		thread_setup_go(gm_t_minors[v]);
		uintptr_t g_f6 = frame(g_stack, 300, 0, NOT_GO);
		uintptr_t g_f5 = frame(g_stack, 200, g_f6, PC(6));
		put(curg, L.g_sched_sp, g_f5);
		put(curg, L.g_sched_bp, g_f5);
		uintptr_t s_f3 = frame(g0_stack, 400, g_f5, PC(7)); /* returns into mstart, not a switch */
		uintptr_t s_f2 = frame(g0_stack, 300, s_f3, PC(3));
		g0_stack[100] = PC(2);
		uint64_t out[16];
		assert_int_equal(gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), s_f2), 4);
		assert_int_equal(gm_stack_hop_failures(), 0);
		/* beyond g0's top, nowhere near curg: the same */
		g0_stack[400] = A(g0_stack, 512) + 64;
		assert_int_equal(gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), s_f2), 4);
		assert_int_equal(gm_stack_hop_failures(), 0);
		/* switch addresses unknown: a bp in curg's stack hops (the framed shape) */
		thread_setup_go(gm_t_minors[v]);
		uintptr_t bp = framed_layout();
		gm_stack_test_set_switch(0, 0);
		assert_int_equal(gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), bp), 6);
		assert_int_equal(gm_stack_hop_failures(), 0);
	}
}

/* Without a trusted layout (neither decoded nor in the table) curg is never read: here m.curg
 * holds an address that would fault. */
static void test_hop_no_layout(void **state)
{
	thread_setup_go(25);
	uintptr_t bp = framed_layout();
	put(m, L.m_curg, 0x10); /* unmapped */
	gm_stack_test_set_layout(&L, 0);
	assert_refused(bp, "no trusted g/m layout");
}

/* The depth bound is honoured. */
static void test_depth_bound(void **state)
{
	thread_setup();
	uintptr_t g_f6 = frame(g_stack, 300, 0, NOT_GO);
	uintptr_t g_f5 = frame(g_stack, 200, g_f6, PC(6));
	uintptr_t g_ss = frame(g_stack, 150, g_f5, PC(5));
	put(curg, L.g_sched_sp, g_ss);
	put(curg, L.g_sched_bp, g_ss);
	uintptr_t s_f3 = frame(g0_stack, 400, g_ss, PC(4));
	g0_stack[100] = PC(2);
	uint64_t out[3];
	assert_int_equal(gm_stack_capture_go(out, 3, PC(1), A(g0_stack, 100), s_f3), 3);
	assert_int_equal(gm_stack_capture_go(out, 1, PC(1), A(g0_stack, 100), s_f3), 1);
}

/* Corrupt chains: a bp outside both stacks, a loop, a bp going down: the walk stops. */
static void test_corrupt_chains(void **state)
{
	uint64_t out[16];
	thread_setup();
	g0_stack[100] = PC(2);
	/* bp points into unmapped-looking memory */
	assert_int_equal(gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), 0x10), 2);
	/* a frame that points to itself */
	uintptr_t loop = frame(g0_stack, 300, 0, PC(3));
	g0_stack[300] = loop;
	assert_int_equal(gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), loop), 3);
	/* a frame that points below itself */
	uintptr_t low = frame(g0_stack, 250, 0, PC(4));
	uintptr_t high = frame(g0_stack, 350, low, PC(3));
	assert_int_equal(gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), high), 3);
	/* no g on this thread (a C thread): only what the signal context gives */
	gm_stack_test_g = 0;
	assert_int_equal(gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), high), 1);
	/* a leaf whose return address is not Go code */
	thread_setup();
	g0_stack[100] = NOT_GO;
	assert_int_equal(gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), high), 1);
}

/* ---- decoding the layout ---------------------------------------------------------------- */

/* runtime.asmcgocall.abi0 of a Go 1.24 cgo program, first 0x64 bytes (objdump) */
static const uint8_t asmcgocall_124[] = {
	0x55, 0x48, 0x89, 0xe5, 0x48, 0x8b, 0x44, 0x24, 0x10, 0x48, 0x8b, 0x5c,
	0x24, 0x18, 0x48, 0x89, 0xe2, 0x64, 0x48, 0x8b, 0x3c, 0x25, 0xf8, 0xff,
	0xff, 0xff, 0x48, 0x83, 0xff, 0x00, 0x74, 0x63, 0x4c, 0x8b, 0x47, 0x30,
	0x49, 0x8b, 0x70, 0x50, 0x48, 0x39, 0xf7, 0x74, 0x56, 0x49, 0x8b, 0x30,
	0x48, 0x39, 0xf7, 0x74, 0x4e, 0xe8, 0x66, 0xd5, 0xff, 0xff, 0x64, 0x48,
	0x89, 0x34, 0x25, 0xf8, 0xff, 0xff, 0xff, 0x48, 0x8b, 0x66, 0x38, 0x48,
	0x83, 0xec, 0x10, 0x48, 0x83, 0xe4, 0xf0, 0x48, 0x89, 0x7c, 0x24, 0x08,
	0x48, 0x8b, 0x7f, 0x08, 0x48, 0x29, 0xd7, 0x48, 0x89, 0x3c, 0x24, 0xe8,
	0x7c, 0xff, 0xff, 0xff,
};
/* gosave_systemstack_switch of the same (sched.bp at 0x68) */
static const uint8_t gosave_124[] = {
	0x4c, 0x8d, 0x0d, 0x21, 0x0e, 0x00, 0x00, 0x4d, 0x89, 0x4e, 0x40, 0x4c,
	0x8d, 0x4c, 0x24, 0x08, 0x4d, 0x89, 0x4e, 0x38, 0x49, 0xc7, 0x46, 0x58,
	0x00, 0x00, 0x00, 0x00, 0x49, 0x89, 0x6e, 0x68, 0x4d, 0x8b, 0x4e, 0x50,
	0x4d, 0x85, 0xc9, 0x74, 0x05, 0xe8, 0x72, 0x2c, 0x00, 0x00, 0xc3,
};
/* runtime.cgocallback.abi0 of the same, the switch to m->curg (m.curg at 0xc0) */
static const uint8_t cgocallback_124[] = {
	0x48, 0x8b, 0x33, 0x48, 0x8b, 0x46, 0x38, 0x48, 0x89, 0x04, 0x24, 0x48,
	0x89, 0x66, 0x38, 0x48, 0x8b, 0xb3, 0xc0, 0x00, 0x00, 0x00, 0x64, 0x48,
	0x89, 0x34, 0x25, 0xf8, 0xff, 0xff, 0xff, 0x48, 0x8b, 0x7e, 0x38, 0x48,
	0x8b, 0x5e, 0x40, 0x48, 0x89, 0x5f, 0xf8, 0x48, 0x8b, 0x5c, 0x24, 0x28,
};
/* runtime.asmcgocall.abi0 of a Go 1.26 cgo PIE: g through mov $-8,%rcx; mov %fs:(%rcx),%rdi */
static const uint8_t asmcgocall_126pie[] = {
	0x55, 0x48, 0x89, 0xe5, 0x48, 0xc7, 0xc1, 0xf8, 0xff, 0xff, 0xff, 0x64,
	0x48, 0x8b, 0x39, 0x48, 0x83, 0xff, 0x00, 0x74, 0x6d, 0x4c, 0x8b, 0x47,
	0x30, 0x49, 0x8b, 0x70, 0x48, 0x48, 0x39, 0xf7, 0x74, 0x60, 0x49, 0x8b,
	0x30, 0x48, 0x39, 0xf7, 0x74, 0x58, 0x48, 0x8b, 0x44, 0x24, 0x10, 0x48,
	0x8b, 0x5c, 0x24, 0x18, 0x48, 0x89, 0xe2, 0xe8, 0xc4, 0xd9, 0xff, 0xff,
	0x64, 0x48, 0x89, 0x31, 0x48, 0x8b, 0x66, 0x38, 0x48, 0x83, 0xec, 0x10,
	0x48, 0x83, 0xe4, 0xf0, 0x48, 0x89, 0x7c, 0x24, 0x08, 0x48, 0x8b, 0x7f,
	0x08, 0x48, 0x29, 0xd7, 0x48, 0x89, 0x3c, 0x24, 0xe8, 0x7f, 0xff, 0xff,
	0xff, 0x48, 0xc7, 0xc1,
};
/* gosave_systemstack_switch of the same (no gobuf.ret: sched.bp at 0x60) */
static const uint8_t gosave_126pie[] = {
	0x4c, 0x8d, 0x0d, 0x21, 0x0d, 0x00, 0x00, 0x4d, 0x89, 0x4e, 0x40, 0x4c,
	0x8d, 0x4c, 0x24, 0x08, 0x4d, 0x89, 0x4e, 0x38, 0x49, 0x89, 0x6e, 0x60,
	0x4d, 0x8b, 0x4e, 0x50, 0x4d, 0x85, 0xc9, 0x74, 0x05, 0xe8, 0xfa, 0x27,
	0x00, 0x00, 0xc3,
};
/* runtime.cgocallback.abi0 of the same (m.curg at 0xb8; g stored through %fs:(%rcx)) */
static const uint8_t cgocallback_126pie[] = {
	0x48, 0x89, 0x04, 0x24, 0x48, 0x89, 0x66, 0x38, 0x48, 0x8b, 0xb3, 0xb8,
	0x00, 0x00, 0x00, 0x64, 0x48, 0x89, 0x31, 0x48, 0x8b, 0x7e, 0x38, 0x48,
	0x8b, 0x5e, 0x40, 0x48, 0x89, 0x5f, 0xf8, 0x48, 0x8b, 0x5c, 0x24, 0x28,
};

static void decode_bytes(const uint8_t *a, size_t an, const uint8_t *g, size_t gn, const uint8_t *c, size_t cn,
			 struct gm_stack_decoded *d, struct gm_stack_layout *out)
{
	gm_stack_decoded_init(d);
	assert_int_equal(gm_stack_decode_asmcgocall(a, an, d), 0);
	assert_int_equal(gm_stack_decode_gosave(g, gn, d), 0);
	assert_int_equal(gm_stack_decode_cgocallback(c, cn, d), 0);
	assert_int_equal(gm_stack_layout_from_decoded(d, out), 0);
}

static void test_decode_bytes(void **state)
{
	struct gm_stack_decoded d;
	struct gm_stack_layout got, want;
	decode_bytes(asmcgocall_124, sizeof asmcgocall_124, gosave_124, sizeof gosave_124, cgocallback_124,
		     sizeof cgocallback_124, &d, &got);
	assert_int_equal(gm_stack_layout_for_minor(24, &want), 0);
	assert_memory_equal(&got, &want, sizeof want);
	assert_int_equal(d.tls, -8);
	assert_int_equal(d.call_off, 0x35);
	assert_int_equal(d.g_sched_pc, 0x40);
	decode_bytes(asmcgocall_126pie, sizeof asmcgocall_126pie, gosave_126pie, sizeof gosave_126pie,
		     cgocallback_126pie, sizeof cgocallback_126pie, &d, &got);
	assert_int_equal(gm_stack_layout_for_minor(26, &want), 0);
	assert_memory_equal(&got, &want, sizeof want);
	assert_int_equal(want.m_curg, 0xb8);
	assert_int_equal(want.g_sched_bp, 0x60);
	assert_int_equal(want.m_gsignal, 0x48);
	assert_int_equal(d.tls, -8);
	/* pieces that do not fit together are refused */
	struct gm_stack_decoded x = d;
	x.cb_sched_sp = 0x40;
	assert_int_equal(gm_stack_layout_from_decoded(&x, &got), -1);
	x = d, x.m_curg = x.m_g0;
	assert_int_equal(gm_stack_layout_from_decoded(&x, &got), -1);
	x = d, x.g_sched_bp = 0x61;
	assert_int_equal(gm_stack_layout_from_decoded(&x, &got), -1);
	/* code that is something else */
	gm_stack_decoded_init(&x);
	assert_int_equal(gm_stack_decode_asmcgocall(gosave_124, sizeof gosave_124, &x), -1);
	assert_int_equal(gm_stack_decode_gosave(asmcgocall_124, sizeof asmcgocall_124, &x), -1);
	assert_int_equal(gm_stack_decode_cgocallback(asmcgocall_124, sizeof asmcgocall_124, &x), -1);
	assert_int_equal(gm_stack_layout_from_decoded(&x, &got), -1);
	/* cut short anywhere: never reads past the end, never a wrong layout */
	for (size_t n = 0; n < sizeof asmcgocall_124; n++) {
		uint8_t *cut = malloc(n ? n : 1);
		memcpy(cut, asmcgocall_124, n);
		gm_stack_decoded_init(&x);
		if (gm_stack_decode_asmcgocall(cut, n, &x) == 0)
			assert_true(n >= 0x58); /* the mov 8(%rdi),%rdi after the call is in */
		free(cut);
	}
	/* the table: verified versions only */
	assert_int_equal(gm_stack_layout_for_minor(18, &got), -1);
	assert_int_equal(gm_stack_layout_for_minor(28, &got), -1);
	assert_int_equal(gm_stack_layout_for_minor(0, &got), -1);
}

/* The code bytes of function `name` in exe (link address *addr). */
static const uint8_t *fn_code(const struct gm_elf_image *img, const struct gm_pclntab *t, const char *name,
			      uint64_t *addr, size_t *len)
{
	struct gm_pclntab_func f;
	if (gm_pclntab_find_name(t, name, &f) != 0)
		return NULL;
	*addr = f.entry, *len = f.end - f.entry;
	return gm_elf_vaddr_data(img, f.entry, *len, NULL);
}

/* The runtime of every installed Go's cgo programs (plain, stripped, PIE): what the decoders
 * read equals the table row of that version. */
static void test_decode_real(void **state)
{
	static const char *const kinds[] = { "cgo", "cgo-strip", "cgo-pie" };
	for (int i = 0; i < gm_fx_nvers; i++)
		for (size_t k = 0; k < 3; k++) {
			const char *exe = gm_fx_path(gm_fx_vers[i], kinds[k]);
			struct gm_elf_image img;
			struct gm_pclntab t;
			assert_int_equal(gm_elf_open(&img, exe), 0);
			assert_int_equal(gm_pclntab_from_elf(&img, &t), 0);
			uint64_t a = 0, c = 0;
			size_t an = 0, cn = 0;
			const uint8_t *ap = fn_code(&img, &t, "runtime.asmcgocall", &a, &an);
			const uint8_t *cp = fn_code(&img, &t, "runtime.cgocallback", &c, &cn);
			assert_non_null(ap);
			assert_non_null(cp);
			struct gm_stack_decoded d;
			gm_stack_decoded_init(&d);
			assert_int_equal(gm_stack_decode_asmcgocall(ap, an, &d), 0);
			int32_t rel;
			memcpy(&rel, ap + d.call_off + 1, 4);
			uint64_t gs = a + (uint64_t)d.call_off + 5 + (uint64_t)(int64_t)rel;
			const uint8_t *gp = gm_elf_vaddr_data(&img, gs, 64, NULL);
			assert_non_null(gp);
			struct gm_pclntab_func f;
			assert_int_equal(gm_pclntab_find_pc(&t, gs, &f), 0);
			assert_int_equal(f.entry, gs); /* the call lands on a function's entry */
			assert_int_equal(gm_stack_decode_gosave(gp, 64, &d), 0);
			assert_int_equal(gm_stack_decode_cgocallback(cp, cn, &d), 0);
			struct gm_stack_layout got, want;
			assert_int_equal(gm_stack_layout_from_decoded(&d, &got), 0);
			assert_int_equal(gm_stack_layout_for_minor(atoi(gm_fx_vers[i] + 2), &want), 0);
			assert_memory_equal(&got, &want, sizeof want);
			assert_int_equal(d.tls, -8);
			printf("# go %s %s: m.curg %#x g.sched.bp %#x m.gsignal %#x\n", gm_fx_vers[i], kinds[k],
			       got.m_curg, got.g_sched_bp, got.m_gsignal);
			gm_elf_close(&img);
		}
}

static int gm_t_setup(void **state)
{
	return gm_fx_setup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frameless_switch),
		cmocka_unit_test(test_framed_switch),
		cmocka_unit_test(test_depth_bound),
		cmocka_unit_test(test_corrupt_chains),
		cmocka_unit_test(test_hop_refused),
		cmocka_unit_test(test_hop_wrong_layout),
		cmocka_unit_test(test_hop_no_layout),
		cmocka_unit_test(test_leave_g0_not_at_switch),
		cmocka_unit_test(test_decode_bytes),
		cmocka_unit_test(test_decode_real),
	};
	return cmocka_run_group_tests(tests, gm_t_setup, NULL);
}
