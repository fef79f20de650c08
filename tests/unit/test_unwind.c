/* test_unwind.c: the cached C frame unwinder of preload/unwind.c.
 *
 * (1) The CFA interpreter on hand-built CIE/FDE byte strings: rules at loc boundaries,
 *     remember/restore_state, the libgcc meaning of restore/same_value/undefined, expressions
 *     on registers the walk needs (fallback) and does not need (ignored), unsupported ops,
 *     augmentations and pointer encodings.
 * (2) Real walks: a chain of noinline functions compiled -O2 without frame pointers (a large
 *     frame, an alloca frame that needs rbp as CFA, a frame saving many registers), walked
 *     by gm_unwind and by libgcc's _Unwind_Backtrace from the same point: same return
 *     addresses, sp (libgcc's CFA) and rbp, frame after frame, down to _start.
 * (3) The cache: hits are stable, a colliding pc is a miss (never another pc's shape), under
 *     concurrent writers too. */
#include <alloca.h>
#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "preload/unwind.h"

#ifdef __OPTIMIZE__ /* the build's own level (the chain below forces -O2 for itself) */
#define TEST_OPTIMIZED 1
#else
#define TEST_OPTIMIZED 0
#endif

/* ---- building .eh_frame bytes ---- */

/* A hand-built .eh_frame: one CIE, one FDE, a terminator (test thread only). */
struct eh {
	uint8_t buf[512] __attribute__((aligned(8))); /* the section */
	size_t n;                                     /* bytes used */
};

static void put1(struct eh *e, uint8_t b) { e->buf[e->n++] = b; }
static void putn(struct eh *e, const void *p, size_t n)
{
	memcpy(e->buf + e->n, p, n);
	e->n += n;
}
static void put4(struct eh *e, uint32_t v) { putn(e, &v, 4); }
static void put_uleb(struct eh *e, uint64_t v)
{
	do {
		uint8_t b = v & 0x7f;
		v >>= 7;
		put1(e, b | (v ? 0x80 : 0));
	} while (v);
}
static void put_sleb(struct eh *e, int64_t v)
{
	for (;;) {
		uint8_t b = v & 0x7f;
		v >>= 7;
		if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
			put1(e, b);
			return;
		}
		put1(e, b | 0x80);
	}
}
/* A pointer with encoding enc (absptr, udata4, pcrel|sdata4) at the current position. */
static void put_enc(struct eh *e, uint8_t enc, uintptr_t v)
{
	if ((enc & 0x70) == 0x10)
		v -= (uintptr_t)(e->buf + e->n);
	if ((enc & 0x0f) == 0x00 || (enc & 0x0f) == 0x04)
		putn(e, &v, 8);
	else
		put4(e, (uint32_t)v);
}
static void pad_to(struct eh *e, size_t start)
{
	while ((e->n - start) % 8 != 4) /* the length word excluded, records end 8-aligned */
		put1(e, 0);                 /* DW_CFA_nop */
}

/* How build() lays out the CIE (test thread only). */
struct cie_spec {
	uint8_t version;       /* 1 or 3 */
	const char *aug;       /* "zR", "zPLR", "zRS", "" */
	uint8_t ra;            /* return address column */
	uint8_t fde_enc;       /* 'R' data */
	const uint8_t *ins;    /* initial instructions */
	size_t nins;           /* their length */
};

static const uint8_t std_cie_ins[] = { 0x0c, 0x07, 0x08, 0x90, 0x01 }; /* rsp+8, ra at cfa-8 */

/* Build CIE + FDE for [begin, begin + len) with FDE instructions ins; returns the FDE. */
static const uint8_t *build(struct eh *e, const struct cie_spec *c, uintptr_t begin, uintptr_t len,
			    const uint8_t *ins, size_t nins)
{
	memset(e, 0, sizeof *e);
	size_t cie = e->n;
	put4(e, 0); /* length, patched */
	put4(e, 0); /* CIE id */
	put1(e, c->version);
	putn(e, c->aug, strlen(c->aug) + 1);
	put_uleb(e, 1);  /* code align */
	put_sleb(e, -8); /* data align */
	if (c->version == 1)
		put1(e, c->ra);
	else
		put_uleb(e, c->ra);
	bool lsda = strchr(c->aug, 'L') != NULL;
	if (c->aug[0] == 'z') {
		size_t at = e->n;
		put1(e, 0); /* augmentation length, patched */
		for (const char *a = c->aug + 1; *a; a++) {
			if (*a == 'R')
				put1(e, c->fde_enc);
			else if (*a == 'L')
				put1(e, 0x1b);
			else if (*a == 'P') {
				put1(e, 0x9b); /* indirect | pcrel | sdata4 */
				put4(e, 0x1234);
			}
		}
		e->buf[at] = (uint8_t)(e->n - at - 1);
	}
	putn(e, c->ins, c->nins);
	pad_to(e, cie);
	uint32_t l = (uint32_t)(e->n - cie - 4);
	memcpy(e->buf + cie, &l, 4);

	size_t fde = e->n;
	put4(e, 0);
	put4(e, (uint32_t)(e->n - cie)); /* CIE pointer: back from this field */
	put_enc(e, c->fde_enc, begin);
	put_enc(e, c->fde_enc & 0x0f, len);
	if (c->aug[0] == 'z') {
		put_uleb(e, lsda ? 4 : 0);
		if (lsda)
			put4(e, 0xdeadbeef);
	}
	putn(e, ins, nins);
	pad_to(e, fde);
	l = (uint32_t)(e->n - fde - 4);
	memcpy(e->buf + fde, &l, 4);
	put4(e, 0); /* terminator */
	return e->buf + fde;
}

/* Static, near the text: pc-relative pointers into it fit 32 bits. */
static struct eh E;

static struct gm_unwind_shape at(struct eh *e, const uint8_t *fde, uintptr_t pc)
{
	struct gm_unwind_shape s;
	gm_unwind_fde_shape(fde, e->buf, e->buf + e->n, pc, &s);
	return s;
}

#define SAME_BP 0x7fffffff
/* The shape is a frame: CFA = (bp ? rbp : rsp) + off, rbp saved at CFA+bpoff (or SAME_BP). */
static void check_frame(struct gm_unwind_shape s, bool cfa_bp, int off, int bpoff, int line)
{
	if (s.kind != GM_UNWIND_FRAME || s.cfa_bp != cfa_bp || s.cfa_off != off ||
	    s.bp_saved != (bpoff != SAME_BP) || (s.bp_saved && s.bp_off != bpoff))
		fail_msg("line %d: got kind %d cfa_bp %d off %d bp_saved %d bp_off %d", line, s.kind,
			 s.cfa_bp, s.cfa_off, s.bp_saved, s.bp_off);
}
#define FRAME(s, cfa_bp, off, bpoff) check_frame((s), (cfa_bp), (off), (bpoff), __LINE__)
#define KIND(s, k) assert_int_equal((s).kind, (k))

/* The CIE every test uses unless it says otherwise: version 1, "zR", udata4 pointers. */
static const struct cie_spec std_cie = { 1, "zR", 16, 0x03, std_cie_ins, sizeof std_cie_ins };

/* ---- (1) the CFA interpreter ---- */

/* A gcc-like prologue/epilogue plus the rarer rules, pc by pc around each boundary. */
static void test_cfa_rules(void **state)
{
	static const uint8_t ins[] = {
		0x41,                         /* advance 1 -> 0x1001 */
		0x0e, 0x10,                   /* def_cfa_offset 16 */
		0x86, 0x02,                   /* offset rbp, cfa-16 */
		0x43,                         /* advance 3 -> 0x1004 */
		0x0d, 0x06,                   /* def_cfa_register rbp */
		0x02, 0x40,                   /* advance_loc1 0x40 -> 0x1044 */
		0x0a,                         /* remember_state */
		0x0c, 0x07, 0x08,             /* def_cfa rsp, 8 */
		0xc6,                         /* restore rbp */
		0x41,                         /* advance 1 -> 0x1045 */
		0x0b,                         /* restore_state */
		0x03, 0x10, 0x00,             /* advance_loc2 0x10 -> 0x1055 */
		0x0f, 0x03, 0x77, 0x08, 0x06, /* def_cfa_expression: breg7 8; deref */
		0x41,                         /* advance 1 -> 0x1056 */
		0x12, 0x07, 0x7e,             /* def_cfa_sf rsp, -2 * -8 = 16 */
		0x10, 0x0c, 0x02, 0x77, 0x00, /* expression r12: not needed, ignored */
		0x09, 0x03, 0x00,             /* register rbx <- rax: ignored */
		0x04, 0x20, 0x00, 0x00, 0x00, /* advance_loc4 0x20 -> 0x1076 */
		0x10, 0x06, 0x02, 0x77, 0x00, /* expression rbp: not a shape */
		0x41,                         /* advance 1 -> 0x1077 */
		0x08, 0x06,                   /* same_value rbp */
		0x41,                         /* -> 0x1078 */
		0x2e, 0x10,                   /* GNU_args_size: ignored */
		0x11, 0x06, 0x7d,             /* offset_extended_sf rbp, -3 * -8 = cfa+24 */
		0x41,                         /* -> 0x1079 */
		0x05, 0x06, 0x03,             /* offset_extended rbp, cfa-24 */
		0x41,                         /* -> 0x107a */
		0x07, 0x06,                   /* undefined rbp: libgcc keeps it unchanged */
		0x41,                         /* -> 0x107b */
		0x07, 0x10,                   /* undefined ra: outermost */
	};
	struct eh *const e = &E;
	const uint8_t *fde = build(e, &std_cie, 0x1000, 0x100, ins, sizeof ins);
	KIND(at(e, fde, 0x0fff), GM_UNWIND_FALLBACK); /* before the FDE */
	FRAME(at(e, fde, 0x1000), false, 8, SAME_BP);
	FRAME(at(e, fde, 0x1001), false, 16, -16);
	FRAME(at(e, fde, 0x1003), false, 16, -16);
	FRAME(at(e, fde, 0x1004), true, 16, -16);
	FRAME(at(e, fde, 0x1043), true, 16, -16);
	FRAME(at(e, fde, 0x1044), false, 8, SAME_BP); /* epilogue */
	FRAME(at(e, fde, 0x1045), true, 16, -16);     /* restore_state */
	FRAME(at(e, fde, 0x1054), true, 16, -16);
	KIND(at(e, fde, 0x1055), GM_UNWIND_FALLBACK);  /* CFA expression */
	FRAME(at(e, fde, 0x1056), false, 16, -16);
	FRAME(at(e, fde, 0x1075), false, 16, -16);
	KIND(at(e, fde, 0x1076), GM_UNWIND_FALLBACK);  /* rbp expression */
	FRAME(at(e, fde, 0x1077), false, 16, SAME_BP);
	FRAME(at(e, fde, 0x1078), false, 16, 24);
	FRAME(at(e, fde, 0x1079), false, 16, -24);
	FRAME(at(e, fde, 0x107a), false, 16, SAME_BP);
	KIND(at(e, fde, 0x107b), GM_UNWIND_OUTERMOST);
	KIND(at(e, fde, 0x10ff), GM_UNWIND_OUTERMOST);
	KIND(at(e, fde, 0x1100), GM_UNWIND_FALLBACK); /* past the FDE */
}

/* Ops and states a shape cannot follow fall back from where they take effect. */
static void test_cfa_unsupported(void **state)
{
	struct eh *const e = &E;
	const uint8_t *fde;
	/* DW_CFA_GNU_window_save (and any unknown op) stops the interpretation. */
	static const uint8_t window[] = { 0x42, 0x0e, 0x10, 0x41, 0x2d };
	fde = build(e, &std_cie, 0x2000, 0x10, window, sizeof window);
	FRAME(at(e, fde, 0x2002), false, 16, SAME_BP);
	KIND(at(e, fde, 0x2003), GM_UNWIND_FALLBACK);
	static const uint8_t unknown[] = { 0x41, 0x3f };
	fde = build(e, &std_cie, 0x2000, 0x10, unknown, sizeof unknown);
	FRAME(at(e, fde, 0x2000), false, 8, SAME_BP);
	KIND(at(e, fde, 0x2001), GM_UNWIND_FALLBACK);
	/* restore_state without remember_state. */
	static const uint8_t unbalanced[] = { 0x41, 0x0b };
	fde = build(e, &std_cie, 0x2000, 0x10, unbalanced, sizeof unbalanced);
	KIND(at(e, fde, 0x2001), GM_UNWIND_FALLBACK);
	/* remember in the CIE, restore in the FDE: libgcc does not carry states across. */
	static const uint8_t cie_rem[] = { 0x0c, 0x07, 0x08, 0x90, 0x01, 0x0a };
	struct cie_spec c = std_cie;
	c.ins = cie_rem;
	c.nins = sizeof cie_rem;
	static const uint8_t restore[] = { 0x0b };
	fde = build(e, &c, 0x2000, 0x10, restore, sizeof restore);
	KIND(at(e, fde, 0x2000), GM_UNWIND_FALLBACK);
	/* CFA on r10 (stack realignment), then back on rbp: def_cfa_register keeps the offset. */
	static const uint8_t r10[] = { 0x41, 0x0c, 0x0a, 0x00, 0x41, 0x0d, 0x06, 0x41, 0x0e, 0x10 };
	fde = build(e, &std_cie, 0x2000, 0x10, r10, sizeof r10);
	KIND(at(e, fde, 0x2001), GM_UNWIND_FALLBACK);
	FRAME(at(e, fde, 0x2002), true, 0, SAME_BP);
	FRAME(at(e, fde, 0x2003), true, 16, SAME_BP);
	/* An explicit rule for rsp; the return address elsewhere than CFA-8, or in a register. */
	static const uint8_t sp_rule[] = { 0x87, 0x02 };
	fde = build(e, &std_cie, 0x2000, 0x10, sp_rule, sizeof sp_rule);
	KIND(at(e, fde, 0x2000), GM_UNWIND_FALLBACK);
	static const uint8_t ra_16[] = { 0x90, 0x02 };
	fde = build(e, &std_cie, 0x2000, 0x10, ra_16, sizeof ra_16);
	KIND(at(e, fde, 0x2000), GM_UNWIND_FALLBACK);
	static const uint8_t ra_reg[] = { 0x09, 0x10, 0x00 };
	fde = build(e, &std_cie, 0x2000, 0x10, ra_reg, sizeof ra_reg);
	KIND(at(e, fde, 0x2000), GM_UNWIND_FALLBACK);
	/* rbp as a value (val_offset): not a saved slot. */
	static const uint8_t bp_val[] = { 0x14, 0x06, 0x02 };
	fde = build(e, &std_cie, 0x2000, 0x10, bp_val, sizeof bp_val);
	KIND(at(e, fde, 0x2000), GM_UNWIND_FALLBACK);
	/* A truncated instruction (uleb running off the FDE). */
	static const uint8_t trunc[] = { 0x0e, 0x80, 0x80, 0x80, 0x80, 0x80,
					 0x80, 0x80, 0x80, 0x80, 0x80 }; /* 11: no padding after */
	fde = build(e, &std_cie, 0x2000, 0x10, trunc, sizeof trunc);
	KIND(at(e, fde, 0x2000), GM_UNWIND_FALLBACK);
}

/* CIE variants: version 3, "zPLR" with a personality and an LSDA, pc-relative and absolute
 * FDE pointers, and CIEs that must be refused. */
static void test_cie_variants(void **state)
{
	static const uint8_t ins[] = { 0x41, 0x0e, 0x10, 0x86, 0x02 };
	struct eh *const e = &E;
	const uint8_t *fde;
	struct cie_spec c = std_cie;
	c.version = 3;
	c.aug = "zPLR";
	c.fde_enc = 0x1b; /* pcrel | sdata4, what ld emits */
	uintptr_t fn = (uintptr_t)&test_cie_variants;
	fde = build(e, &c, fn, 0x40, ins, sizeof ins);
	FRAME(at(e, fde, fn), false, 8, SAME_BP);
	FRAME(at(e, fde, fn + 1), false, 16, -16);
	KIND(at(e, fde, fn + 0x40), GM_UNWIND_FALLBACK);
	c = std_cie;
	c.aug = "zR";
	c.fde_enc = 0x00; /* absptr */
	fde = build(e, &c, 0x123456789aULL, 0x10, ins, sizeof ins);
	FRAME(at(e, fde, 0x123456789bULL), false, 16, -16);
	c.aug = ""; /* no augmentation at all: absptr */
	fde = build(e, &c, 0x3000, 0x10, ins, sizeof ins);
	FRAME(at(e, fde, 0x3001), false, 16, -16);
	c = std_cie;
	c.aug = "zRS"; /* signal frame: libgcc looks its caller up differently */
	fde = build(e, &c, 0x3000, 0x10, ins, sizeof ins);
	KIND(at(e, fde, 0x3001), GM_UNWIND_FALLBACK);
	c = std_cie;
	c.ra = 15;
	fde = build(e, &c, 0x3000, 0x10, ins, sizeof ins);
	KIND(at(e, fde, 0x3001), GM_UNWIND_FALLBACK);
	c = std_cie;
	c.version = 2;
	fde = build(e, &c, 0x3000, 0x10, ins, sizeof ins);
	KIND(at(e, fde, 0x3001), GM_UNWIND_FALLBACK);
	/* The FDE's CIE pointer leaving the section. */
	fde = build(e, &std_cie, 0x3000, 0x10, ins, sizeof ins);
	uint32_t bad = 0x10000;
	memcpy((uint8_t *)fde + 4, &bad, 4);
	KIND(at(e, fde, 0x3001), GM_UNWIND_FALLBACK);
	/* An FDE length past the section end. */
	fde = build(e, &std_cie, 0x3000, 0x10, ins, sizeof ins);
	bad = 0x1000;
	memcpy((uint8_t *)fde, &bad, 4);
	KIND(at(e, fde, 0x3001), GM_UNWIND_FALLBACK);
}

/* ---- (2) real walks against libgcc ---- */

#define MAXF 64
/* One walk: frames innermost first (written by probe(), read by the test, one thread). */
struct trace {
	int n;                              /* frames */
	uintptr_t ip[MAXF], sp[MAXF], bp[MAXF]; /* registers of each frame */
	struct gm_unwind_shape shape[MAXF]; /* gm_unwind only: the shape used at each frame */
	int end;                            /* gm_unwind only: how the walk ended */
};
enum { END_FULL, END_ZERO, END_OUTERMOST, END_FALLBACK, END_BOUNDS };

/* libgcc, looked up as stack.c does (libunwind exports an _Unwind_Backtrace of its own);
 * written by the group setup, read-only after. */
static struct {
	int (*backtrace)(int (*)(void *, void *), void *); /* _Unwind_Backtrace */
	uintptr_t (*get_ip)(void *);                        /* _Unwind_GetIP */
	uintptr_t (*get_gr)(void *, int);                   /* _Unwind_GetGR */
	uintptr_t (*get_cfa)(void *);                       /* _Unwind_GetCFA */
} gcc;

static int gcc_frame(void *ctx, void *arg)
{
	struct trace *t = arg;
	uintptr_t ip = gcc.get_ip(ctx);
	if (!ip || t->n == MAXF)
		return 4; /* _URC_NORMAL_STOP */
	t->ip[t->n] = ip;
	t->sp[t->n] = gcc.get_cfa(ctx);
	t->bp[t->n] = gcc.get_gr(ctx, 6);
	t->n++;
	return 0;
}

/* gm_unwind from f, reading only [lo, hi). */
static void walk(struct gm_unwind_frame f, uintptr_t lo, uintptr_t hi, struct trace *t)
{
	bool first = true;
	t->n = 0;
	t->end = END_FULL;
	while (t->n < MAXF) {
		if (!f.ip) {
			t->end = END_ZERO;
			return;
		}
		struct gm_unwind_shape s;
		gm_unwind_shape_at(first ? f.ip : f.ip - 1, &s);
		t->ip[t->n] = f.ip;
		t->sp[t->n] = f.sp;
		t->bp[t->n] = f.bp;
		t->shape[t->n] = s;
		t->n++;
		if (s.kind == GM_UNWIND_OUTERMOST) {
			t->end = END_OUTERMOST;
			return;
		}
		if (s.kind != GM_UNWIND_FRAME) {
			t->end = END_FALLBACK;
			return;
		}
		if (!gm_unwind_apply(&s, &f, lo, hi)) {
			t->end = END_BOUNDS;
			return;
		}
		first = false;
	}
}

static uintptr_t stack_hi;             /* top of this thread's stack */
static uintptr_t small_window;         /* nonzero: walk only this many bytes above sp */
static struct trace mine, theirs;      /* the two walks of the last probe */
static volatile int vin[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static volatile int sink;
static volatile size_t alloca_len = 200;

/* The chain: optimized, without frame pointers, whatever CFLAGS say (gcc; clang has no
 * per-function optimize and relies on CFLAGS). */
#ifdef __clang__
#define CHAIN_FN __attribute__((noinline))
#else
#define CHAIN_FN __attribute__((noinline, noclone))
#pragma GCC push_options
#pragma GCC optimize("O2", "omit-frame-pointer")
#endif

CHAIN_FN static int probe(int x)
{
	struct gm_unwind_frame f;
	GM_UNWIND_HERE(f);
	walk(f, f.sp, small_window ? f.sp + small_window : stack_hi, &mine);
	theirs.n = 0;
	gcc.backtrace(gcc_frame, &theirs);
	sink = x;
	return x + 1;
}

/* Small frame: a few bytes of locals, no saved registers to speak of. */
CHAIN_FN static int f_small(int x)
{
	int r = probe(x + 1);
	sink = r;
	return r * 3 + x;
}

/* Many values live across the call: every callee-saved register, rbp among them (not first). */
CHAIN_FN static int f_regs(int x)
{
	int a = vin[0] + x, b = vin[1], c = vin[2], d = vin[3], e = vin[4], g = vin[5], h = vin[6];
	int r = f_small(x + 1);
	return r + a * b + c * d + e * g + h * a + b * c + d * e + g * h;
}

/* alloca: gcc keeps a frame pointer, the CFA is rbp-based. */
CHAIN_FN static int f_alloca(int x)
{
	size_t n = alloca_len;
	volatile char *p = alloca(n);
	p[0] = (char)x;
	p[n - 1] = (char)x;
	int r = f_regs(x + 1);
	return r + p[n / 2] + p[0];
}

/* A 4000-byte frame: the CFA is rsp + a large offset. */
CHAIN_FN static int f_big(int x)
{
	volatile char buf[4000];
	buf[x & 1023] = (char)x;
	buf[3999] = 1;
	int r = f_alloca(x + 1);
	return r + buf[(x * 7) & 1023] + buf[3999];
}

CHAIN_FN static int chain(int x)
{
	int r = f_big(x + 1);
	sink = r;
	return r - 1;
}

#ifndef __clang__
#pragma GCC pop_options
#endif

static int setup_libgcc(void **state)
{
	void *h = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return -1;
	gcc.backtrace = (int (*)(int (*)(void *, void *), void *))dlsym(h, "_Unwind_Backtrace");
	gcc.get_ip = (uintptr_t (*)(void *))dlsym(h, "_Unwind_GetIP");
	gcc.get_gr = (uintptr_t (*)(void *, int))dlsym(h, "_Unwind_GetGR");
	gcc.get_cfa = (uintptr_t (*)(void *))dlsym(h, "_Unwind_GetCFA");
	pthread_attr_t a;
	void *addr;
	size_t size;
	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return -1;
	pthread_attr_getstack(&a, &addr, &size);
	pthread_attr_destroy(&a);
	stack_hi = (uintptr_t)addr + size;
	return gcc.backtrace && gcc.get_ip && gcc.get_gr && gcc.get_cfa ? 0 : -1;
}

/* Where in the chain a return address lies: the function whose code contains it. */
static bool in_fn(uintptr_t ip, void *fn) { return ip > (uintptr_t)fn && ip < (uintptr_t)fn + 4096; }

static void test_walk_vs_libgcc(void **state)
{
	memset(&mine, 0, sizeof mine);
	small_window = 0;
	chain(1);
	/* Both start in probe (at different pcs): from its caller on the frames must agree. */
	assert_true(mine.n >= 6);
	assert_true(theirs.n >= 6);
	for (int i = 1; i < mine.n && i < theirs.n; i++) {
		if (mine.ip[i] != theirs.ip[i] || mine.sp[i] != theirs.sp[i] ||
		    mine.bp[i] != theirs.bp[i])
			fail_msg("frame %d: gm_unwind ip %#lx sp %#lx bp %#lx, libgcc ip %#lx cfa %#lx "
				 "bp %#lx",
				 i, (unsigned long)mine.ip[i], (unsigned long)mine.sp[i],
				 (unsigned long)mine.bp[i], (unsigned long)theirs.ip[i],
				 (unsigned long)theirs.sp[i], (unsigned long)theirs.bp[i]);
	}
	/* The whole stack, through cmocka and libc down to _start (here, Debian 12: without a
	 * fallback; another libc may have frames a shape cannot express, past our chain). */
	if (mine.end == END_FALLBACK) {
		assert_true(mine.n > 6);
	} else {
		assert_int_equal(mine.end, END_OUTERMOST);
		assert_int_equal(mine.n, theirs.n);
	}
	/* The chain is where we think it is, and covers the shapes it is meant to. */
	assert_true(in_fn(mine.ip[1], (void *)f_small));
	assert_true(in_fn(mine.ip[2], (void *)f_regs));
	assert_true(in_fn(mine.ip[3], (void *)f_alloca));
	assert_true(in_fn(mine.ip[4], (void *)f_big));
	assert_true(in_fn(mine.ip[5], (void *)chain));
#if TEST_OPTIMIZED /* the shapes the chain is written for (an -O0 build may not make them) */
	struct gm_unwind_shape *sh = mine.shape;
	assert_false(sh[4].cfa_bp); /* f_big: rsp-based, large */
	assert_true(sh[4].cfa_off > 4000);
	assert_true(sh[3].cfa_bp); /* f_alloca: rbp-based */
	assert_int_equal(sh[3].cfa_off, 16);
	assert_true(sh[2].bp_saved); /* f_regs: rbp pushed among the other callee-saved ones */
#ifndef __clang__
	assert_true(sh[2].bp_off != -16); /* gcc pushes it after r12-r15 */
#endif
	assert_false(sh[2].cfa_bp);
#endif
}

/* The same walk, told it may read only 256 bytes above probe's sp: it stops where the next
 * read would leave the window (f_big's frame is larger), having read nothing outside. */
static void test_walk_bounded(void **state)
{
	small_window = 256;
	chain(1);
	small_window = 0;
	assert_int_equal(mine.end, END_BOUNDS);
	assert_true(mine.n >= 1 && mine.n <= 5);
	for (int i = 1; i < mine.n; i++)
		assert_true(mine.ip[i] == theirs.ip[i]);
}

/* No FDE: not in any object, or data of an object. */
static void test_no_fde(void **state)
{
	struct gm_unwind_shape s;
	gm_unwind_shape_lookup(0x1000, &s);
	KIND(s, GM_UNWIND_FALLBACK);
	gm_unwind_shape_lookup((uintptr_t)&vin[3], &s);
	KIND(s, GM_UNWIND_FALLBACK);
	/* A real function at its entry: CFA = rsp + 8, nothing saved yet. */
	gm_unwind_shape_lookup((uintptr_t)&f_big, &s);
	FRAME(s, false, 8, SAME_BP);
}

/* ---- (3) the cache ---- */

static const struct gm_unwind_shape shape_a = { GM_UNWIND_FRAME, false, false, 24, 0 };
static const struct gm_unwind_shape shape_b = { GM_UNWIND_FRAME, true, true, 16, -16 };

static bool same(struct gm_unwind_shape x, struct gm_unwind_shape y)
{
	return x.kind == y.kind && x.cfa_bp == y.cfa_bp && x.bp_saved == y.bp_saved &&
	       x.cfa_off == y.cfa_off && (!x.bp_saved || x.bp_off == y.bp_off);
}

/* Another pc in pc's slot. */
static uintptr_t colliding(uintptr_t pc)
{
	for (uintptr_t d = 1; d < (1u << 24); d++)
		if (gm_unwind_cache_slot(pc + d) == gm_unwind_cache_slot(pc))
			return pc + d;
	fail();
	return 0;
}

static void test_cache(void **state)
{
	uintptr_t pc1 = 0x55551234567bULL, pc2 = colliding(pc1);
	struct gm_unwind_shape s = { 0 };
	assert_false(gm_unwind_cache_get(pc1, &s));
	assert_true(gm_unwind_cache_put(pc1, &shape_a));
	assert_true(gm_unwind_cache_get(pc1, &s));
	assert_true(same(s, shape_a));
	assert_true(gm_unwind_cache_get(pc1, &s));
	assert_true(same(s, shape_a));
	assert_false(gm_unwind_cache_get(pc2, &s)); /* same slot, other pc: a miss */
	assert_true(gm_unwind_cache_put(pc2, &shape_b));
	assert_true(gm_unwind_cache_get(pc2, &s));
	assert_true(same(s, shape_b));
	assert_false(gm_unwind_cache_get(pc1, &s)); /* evicted, not pc2's shape */
	/* Same upper bits, other slot. */
	uintptr_t pc3 = pc1 ^ 0x10;
	assert_int_not_equal(gm_unwind_cache_slot(pc3), gm_unwind_cache_slot(pc1));
	assert_false(gm_unwind_cache_get(pc3, &s));

	/* Negative results are cached; extreme offsets round-trip; what does not fit is refused. */
	struct gm_unwind_shape k = { GM_UNWIND_FALLBACK, false, false, 0, 0 };
	assert_true(gm_unwind_cache_put(pc1, &k));
	assert_true(gm_unwind_cache_get(pc1, &s));
	KIND(s, GM_UNWIND_FALLBACK);
	k.kind = GM_UNWIND_OUTERMOST;
	assert_true(gm_unwind_cache_put(pc1, &k));
	assert_true(gm_unwind_cache_get(pc1, &s));
	KIND(s, GM_UNWIND_OUTERMOST);
	struct gm_unwind_shape big = { GM_UNWIND_FRAME, false, true, 0xffff * 8, -2048 };
	assert_true(gm_unwind_cache_put(pc1, &big));
	assert_true(gm_unwind_cache_get(pc1, &s));
	assert_true(same(s, big));
	big.bp_off = 2040;
	assert_true(gm_unwind_cache_put(pc1, &big));
	assert_true(gm_unwind_cache_get(pc1, &s));
	assert_true(same(s, big));
	struct gm_unwind_shape nofit[] = {
		{ GM_UNWIND_FRAME, false, false, 0x10000 * 8, 0 },
		{ GM_UNWIND_FRAME, false, false, 12, 0 },
		{ GM_UNWIND_FRAME, true, true, 16, -2056 },
		{ GM_UNWIND_FRAME, true, true, -8, 0 },
		{ GM_UNWIND_EMPTY, false, false, 0, 0 },
	};
	for (size_t i = 0; i < sizeof nofit / sizeof nofit[0]; i++)
		assert_false(gm_unwind_cache_put(pc1 + 0x100, &nofit[i]));
	assert_false(gm_unwind_cache_put((uintptr_t)1 << 47, &shape_a));
	assert_false(gm_unwind_cache_get((uintptr_t)1 << 47, &s));

	/* gm_unwind_shape_at fills the cache with what the lookup says. */
	uintptr_t pc = (uintptr_t)&f_regs + 1;
	struct gm_unwind_shape l, c = { 0 };
	gm_unwind_shape_lookup(pc, &l);
	gm_unwind_shape_at(pc, &s);
	assert_true(same(s, l));
	assert_true(gm_unwind_cache_get(pc, &c));
	assert_true(same(c, l));
}

/* Writers of two pcs sharing a slot race readers: a reader sees its own pc's shape or a miss. */
static uintptr_t race_pc1, race_pc2;
static volatile int race_stop;
static void *race_writer(void *arg)
{
	for (int i = 0; i < 2000000; i++) {
		gm_unwind_cache_put(race_pc1, &shape_a);
		gm_unwind_cache_put(race_pc2, &shape_b);
	}
	return NULL;
}
static void *race_reader(void *arg)
{
	long wrong = 0, hits = 0;
	struct gm_unwind_shape s = { 0 };
	while (!race_stop) {
		if (gm_unwind_cache_get(race_pc1, &s)) {
			hits++;
			wrong += !same(s, shape_a);
		}
		if (gm_unwind_cache_get(race_pc2, &s)) {
			hits++;
			wrong += !same(s, shape_b);
		}
	}
	return (void *)(wrong ? -1L : hits);
}

static void test_cache_race(void **state)
{
	race_pc1 = 0x7f0012345678ULL;
	race_pc2 = colliding(race_pc1);
	pthread_t w[2], r[2];
	race_stop = 0;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_create(&r[i], NULL, race_reader, NULL), 0);
		assert_int_equal(pthread_create(&w[i], NULL, race_writer, NULL), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(w[i], NULL);
	race_stop = 1;
	for (int i = 0; i < 2; i++) {
		void *res;
		pthread_join(r[i], &res);
		assert_true((long)res >= 0); /* no wrong shape ever */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfa_rules),
		cmocka_unit_test(test_cfa_unsupported),
		cmocka_unit_test(test_cie_variants),
		cmocka_unit_test(test_walk_vs_libgcc),
		cmocka_unit_test(test_walk_bounded),
		cmocka_unit_test(test_no_fde),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_cache_race),
	};
	return cmocka_run_group_tests(tests, setup_libgcc, NULL);
}
