/* test_stack.c: the Go frame-pointer walk of preload/stack.c on synthetic stacks laid out
 * as the Go runtime lays them out (g, m, g0 and goroutine stacks, curg.sched), for both
 * shapes of stack switch: frameless systemstack/asmcgocall (Go 1.19, 1.20) and framed
 * (Go 1.21+), plus corrupt chains that must end the walk without faulting. The real thing is
 * exercised end to end by tests/e2e/stack_*.sh on real Go programs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "preload/gosyms.h"
#include "preload/guard.h"
#include "preload/stack.h"

extern uintptr_t gm_stack_test_g;

/* ---- a fake Go executable: text is [0x400000, 0x500000) --------------------------------- */
uintptr_t gm_gosyms_text_lo = 0x400000, gm_gosyms_text_hi = 0x500000;
int gm_gosyms_func(const char *name, uintptr_t *entry, uintptr_t *end) { return -1; }
/* guard.c's table of the tracer's own code (stack.c steps over those frames on rbp): empty */
struct gm_guard_range gm_guard_ranges[GM_GUARD_RANGES];
int gm_guard_nranges;

#define PC(n) ((uintptr_t)0x400000 + 0x100 * (n))
#define NOT_GO ((uintptr_t)0x7f0000001000)

/* ---- a fake thread: g0, curg, m, two stacks ---------------------------------------- */
static uintptr_t g0_stack[512], g_stack[512];
static uint8_t g0[256] __attribute__((aligned(8))), curg[256] __attribute__((aligned(8)));
static uint8_t m[256] __attribute__((aligned(8)));

static void put(void *base, size_t off, uintptr_t v) { memcpy((uint8_t *)base + off, &v, 8); }
static uintptr_t A(uintptr_t *stack, int i) { return (uintptr_t)&stack[i]; }

/* Frame at stack[i]: [bp] = next bp, [bp+8] = return pc */
static uintptr_t frame(uintptr_t *stack, int i, uintptr_t next_bp, uintptr_t ret)
{
	stack[i] = next_bp;
	stack[i + 1] = ret;
	return A(stack, i);
}

static void thread_setup(void)
{
	memset(g0_stack, 0, sizeof g0_stack);
	memset(g_stack, 0, sizeof g_stack);
	memset(g0, 0, sizeof g0);
	memset(curg, 0, sizeof curg);
	memset(m, 0, sizeof m);
	put(g0, 0x00, A(g0_stack, 0));
	put(g0, 0x08, A(g0_stack, 512));
	put(g0, 0x30, (uintptr_t)m);
	put(curg, 0x00, A(g_stack, 0));
	put(curg, 0x08, A(g_stack, 512));
	put(curg, 0x30, (uintptr_t)m);
	put(m, 0x00, (uintptr_t)g0);
	put(m, 0xc0, (uintptr_t)curg);
	gm_stack_test_g = (uintptr_t)g0; /* we are on the system stack */
}

/* Go 1.19: the scavenger's madvise. runtime.madvise (leaf, PC 1) was called by sysUnused
 * (PC 2) <- scavengeOne (PC 3), on g0 via systemstack (frameless, PC 4) from
 * scavenge (PC 5) <- bgscavenge (PC 6), on the goroutine stack. */
static void test_frameless_switch(void **state)
{
	thread_setup();
	uintptr_t g_f6 = frame(g_stack, 300, 0, NOT_GO);       /* bgscavenge's frame: caller not Go */
	uintptr_t g_f5 = frame(g_stack, 200, g_f6, PC(6));     /* scavenge's frame */
	g_stack[150] = PC(5);                                  /* systemstack's return into scavenge */
	put(curg, 0x38, A(g_stack, 150));                      /* sched.sp */
	put(curg, 0x68, g_f5);                                 /* sched.bp = scavenge's bp */
	uintptr_t s_f3 = frame(g0_stack, 400, g_f5, PC(4));    /* scavengeOne: ret into systemstack */
	uintptr_t s_f2 = frame(g0_stack, 300, s_f3, PC(3));    /* sysUnused */
	g0_stack[100] = PC(2);                                 /* madvise's return address at [sp] */
	uint64_t out[16];
	uint32_t n = gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), s_f2);
	uint64_t want[] = { PC(1), PC(2), PC(3), PC(4), PC(5), PC(6) };
	assert_int_equal(n, 6);
	assert_memory_equal(out, want, sizeof want);
}

/* Go 1.21+: systemstack pushes BP, so the chain crosses by itself; sched.sp == sched.bp. */
static void test_framed_switch(void **state)
{
	thread_setup();
	uintptr_t g_f6 = frame(g_stack, 300, 0, NOT_GO);
	uintptr_t g_f5 = frame(g_stack, 200, g_f6, PC(6));
	uintptr_t g_ss = frame(g_stack, 150, g_f5, PC(5));     /* systemstack's own frame */
	put(curg, 0x38, g_ss);
	put(curg, 0x68, g_ss);
	uintptr_t s_f3 = frame(g0_stack, 400, g_ss, PC(4));
	uintptr_t s_f2 = frame(g0_stack, 300, s_f3, PC(3));
	g0_stack[100] = PC(2);
	uint64_t out[16];
	uint32_t n = gm_stack_capture_go(out, 16, PC(1), A(g0_stack, 100), s_f2);
	uint64_t want[] = { PC(1), PC(2), PC(3), PC(4), PC(5), PC(6) };
	assert_int_equal(n, 6);
	assert_memory_equal(out, want, sizeof want);
}

/* The depth bound is honoured. */
static void test_depth_bound(void **state)
{
	thread_setup();
	uintptr_t g_f6 = frame(g_stack, 300, 0, NOT_GO);
	uintptr_t g_f5 = frame(g_stack, 200, g_f6, PC(6));
	uintptr_t g_ss = frame(g_stack, 150, g_f5, PC(5));
	put(curg, 0x38, g_ss);
	put(curg, 0x68, g_ss);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frameless_switch),
		cmocka_unit_test(test_framed_switch),
		cmocka_unit_test(test_depth_bound),
		cmocka_unit_test(test_corrupt_chains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
