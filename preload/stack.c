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
 * The g and m offsets (m.curg, g.sched.sp/bp, ...) change between Go versions (1.25 dropped
 * gobuf.ret: m.curg 0xc0 -> 0xb8, g.sched.bp 0x68 -> 0x60). They are decoded at start-up
 * from the runtime's own instructions (asmcgocall, gosave_systemstack_switch, cgocallback),
 * as the TLS offset of g is; a per-version table is the fallback, and without either the
 * walk never reads curg. Every hop is validated (curg.m == m, sane curg stack bounds,
 * sched.sp inside them, the chain continuing exactly at sched.bp); a hop that does not
 * validate ends the stack at the switch, is counted and its first reason kept (proc_info
 * reports both: gm_stack_hop_failures). docs/go-runtime.md lists the facts by version.
 *
 * Safety. Every word read lies inside the g0 or curg stack bounds recorded in the runtime's
 * g structs (goroutine stacks are fully mapped; g0 reads stay above the current sp) and
 * frame pointers must grow within one stack, so a corrupt chain ends the walk instead of
 * faulting. g comes from the executable's TLS slot (%fs:off, off decoded from the runtime's
 * own code). No locks, no allocation: async-signal-safe (a failed hop is two relaxed atomics). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <dlfcn.h>
#include <libunwind.h>

#include "preload/config.h"
#include "preload/gosyms.h"
#include "preload/guard.h"
#include "gomemtrace/schema.h"
#include "preload/stack.h"
#include "preload/unwind.h"

/* ---- the Go runtime's structures (amd64) ---------------------------------------------- */

/* Table rows (docs/go-runtime.md; 1.19-1.24, 1.25-1.27): Go 1.25 dropped gobuf.ret, so every m field after
 * m.morebuf and g.sched.bp moved up 8 bytes. */
static const struct gm_stack_layout gm_stack_layout_119 = {
	.g_stack_lo = 0x00, .g_stack_hi = 0x08, .g_m = 0x30, .g_sched_sp = 0x38, .g_sched_bp = 0x68,
	.m_g0 = 0x00, .m_gsignal = 0x50, .m_curg = 0xc0,
};
static const struct gm_stack_layout gm_stack_layout_125 = {
	.g_stack_lo = 0x00, .g_stack_hi = 0x08, .g_m = 0x30, .g_sched_sp = 0x38, .g_sched_bp = 0x60,
	.m_g0 = 0x00, .m_gsignal = 0x48, .m_curg = 0xb8,
};

int gm_stack_layout_for_minor(int minor, struct gm_stack_layout *out)
{
	if (minor >= 19 && minor <= 24)
		*out = gm_stack_layout_119;
	else if (minor >= 25 && minor <= 27)
		*out = gm_stack_layout_125;
	else
		return -1;
	return 0;
}

/* The layout in use. Written once by gm_stack_layout_init() (the constructor, before the
 * program has threads; lazily by the first walker otherwise, with the same values), read-only
 * afterwards. Until then: the 1.19-1.24 offsets of g and m's first fields, which every version
 * shares, and no hop (hop_ok 0). */
static struct {
	struct gm_stack_layout lay; /* the offsets */
	int src;                    /* enum gm_stack_layout_src */
	bool hop_ok;                /* curg may be read: the layout was decoded or is a table row */
	long g_off;                 /* offset of the g slot from %fs (-8 unless C TLS moves it) */
	char desc[200];             /* gm_stack_layout_desc() */
	uintptr_t sw_lo[3], sw_hi[3]; /* runtime addresses of systemstack, asmcgocall, its landing pad */
	int nsw;                    /* how many of them were found */
} gm_stack_cfg = { .lay = { 0x00, 0x08, 0x30, 0x38, 0x68, 0x00, 0x50, 0xc0 }, .g_off = -8 };
static int gm_stack_cfg_known; /* 1 once gm_stack_cfg is final */

/* Hop failures: counted, and the first reason kept (enum gm_stack_hop_fail). */
enum gm_stack_hop_fail {
	GM_HOP_OK = 0,
	GM_HOP_NO_LAYOUT = 1, /* no trusted layout: the curg fields are not read */
	GM_HOP_NO_CURG = 2,   /* m.curg is empty, misaligned or g0 */
	GM_HOP_CURG_M = 3,    /* curg.m is not this m */
	GM_HOP_CURG_STACK = 4, /* curg's [stack.lo, stack.hi) is empty or over 1 GiB */
	GM_HOP_SCHED_SP = 5,  /* curg.sched.sp outside curg's stack */
	GM_HOP_SCHED_BP = 6,  /* the frame chain does not continue at curg.sched.bp */
	GM_HOP_NREASONS = 7,
};
static const char *const gm_stack_hop_reasons[GM_HOP_NREASONS] = {
	"",
	"no trusted g/m layout for this Go version (not decoded, not in the table)",
	"m.curg is empty or not a goroutine",
	"curg.m is not this thread's m",
	"curg's stack bounds are not sane",
	"curg.sched.sp is outside curg's stack",
	"the frame chain does not continue at curg.sched.bp",
};
static uint64_t gm_stack_hop_fails; /* atomic */
static int gm_stack_hop_first;      /* atomic: enum gm_stack_hop_fail of the first failure */

static void gm_stack_hop_failed(int why)
{
	__atomic_fetch_add(&gm_stack_hop_fails, 1, __ATOMIC_RELAXED);
	int none = GM_HOP_OK;
	__atomic_compare_exchange_n(&gm_stack_hop_first, &none, why, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

uint64_t gm_stack_hop_failures(void) { return __atomic_load_n(&gm_stack_hop_fails, __ATOMIC_RELAXED); }

const char *gm_stack_hop_reason(void)
{
	int r = __atomic_load_n(&gm_stack_hop_first, __ATOMIC_RELAXED);
	return r > 0 && r < GM_HOP_NREASONS ? gm_stack_hop_reasons[r] : "";
}

const char *gm_stack_layout_desc(void) { return gm_stack_cfg.desc; }

/* ---- decoding the layout from the runtime's code ---------------------------------------
 * Byte patterns of the Go assembler's output (asm_amd64.s; identical in Go 1.19-1.26, 1.27 adds two instructions in cgocallback, but
 * for the displacements, see docs/go-runtime.md). Each instruction is matched as REX, opcode,
 * ModRM (reg, base) and an 8- or 32-bit displacement, so that any offset is read. */

void gm_stack_decoded_init(struct gm_stack_decoded *d)
{
	d->tls = 0;
	d->g_m = d->m_gsignal = d->m_g0 = d->g_stack_hi = d->call_off = -1;
	d->g_sched_pc = d->g_sched_sp = d->g_sched_bp = -1;
	d->m_curg = d->cb_sched_sp = d->cb_sched_pc = -1;
}

/* `rex op modrm [disp]` at p[i] with ModRM.reg == reg and ModRM.rm == rm (low 3 bits; no SIB,
 * no rip): its length, *disp = the displacement; 0 if it does not match. */
static size_t gm_stack_mem_op(const uint8_t *p, size_t n, size_t i, uint8_t rex, uint8_t op, uint8_t reg,
			      uint8_t rm, int32_t *disp)
{
	if (i + 3 > n || p[i] != rex || p[i + 1] != op)
		return 0;
	uint8_t m = p[i + 2], mod = m >> 6;
	if (((m >> 3) & 7) != reg || (m & 7) != rm || rm == 4 || mod == 3 || (mod == 0 && rm == 5))
		return 0;
	if (mod == 0) {
		*disp = 0;
		return 3;
	}
	if (mod == 1) {
		if (i + 4 > n)
			return 0;
		*disp = (int8_t)p[i + 3];
		return 4;
	}
	if (i + 7 > n)
		return 0;
	memcpy(disp, p + i + 3, 4);
	return 7;
}

/* Exact bytes b[0..len) at p[i]. */
static bool gm_stack_bytes(const uint8_t *p, size_t n, size_t i, const uint8_t *b, size_t len)
{
	return i + len <= n && memcmp(p + i, b, len) == 0;
}

static const uint8_t gm_cmp_rsi_rdi[] = { 0x48, 0x39, 0xf7 };        /* cmp %rsi,%rdi */
static const uint8_t gm_lea_8rsp_r9[] = { 0x4c, 0x8d, 0x4c, 0x24, 0x08 }; /* lea 8(%rsp),%r9 */
static const uint8_t gm_mov_rbx_m8rdi[] = { 0x48, 0x89, 0x5f, 0xf8 };  /* mov %rbx,-8(%rdi) */

/* runtime.asmcgocall: mov %fs:disp32,%rdi (g; in a PIE mov $disp32,%rcx; mov %fs:(%rcx),%rdi;
 * optional); mov g_m(%rdi),%r8; mov m_gsignal(%r8),%rsi;
 * cmp %rsi,%rdi; ...; mov m_g0(%r8),%rsi; cmp %rsi,%rdi; ...; call gosave_systemstack_switch;
 * ...; mov g_stack_hi(%rdi),%rdi (the goroutine's stack.hi, to compute its depth). */
int gm_stack_decode_asmcgocall(const uint8_t *p, size_t n, struct gm_stack_decoded *d)
{
	size_t i, l;
	int32_t v;
	for (i = 0; i + 9 <= n && !d->tls; i++)
		if (p[i] == 0x64 && p[i + 1] == 0x48 && p[i + 2] == 0x8b && p[i + 3] == 0x3c && p[i + 4] == 0x25) {
			memcpy(&v, p + i + 5, 4); /* mov %fs:disp32,%rdi */
			d->tls = v;
		} else if (p[i] == 0x48 && p[i + 1] == 0xc7 && p[i + 2] == 0xc1 && p[i + 7] == 0x64 &&
			   p[i + 8] == 0x48 && i + 11 <= n && p[i + 9] == 0x8b && p[i + 10] == 0x39) {
			memcpy(&v, p + i + 3, 4); /* PIE: mov $disp32,%rcx; mov %fs:(%rcx),%rdi */
			d->tls = v;
		}
	if (!d->tls)
		i = 0; /* the TLS load is optional (systemstack's serves too) */
	for (; i < n && d->g_m < 0; i++)
		if ((l = gm_stack_mem_op(p, n, i, 0x4c, 0x8b, 0, 7, &v))) /* mov v(%rdi),%r8 */
			d->g_m = v, i += l - 1;
	int32_t *after_m[2] = { &d->m_gsignal, &d->m_g0 };
	for (int k = 0; k < 2; k++)
		for (; i < n && *after_m[k] < 0; i++)
			if ((l = gm_stack_mem_op(p, n, i, 0x49, 0x8b, 6, 0, &v)) && /* mov v(%r8),%rsi */
			    gm_stack_bytes(p, n, i + l, gm_cmp_rsi_rdi, sizeof gm_cmp_rsi_rdi))
				*after_m[k] = v, i += l - 1;
	for (; i + 5 <= n && d->call_off < 0; i++)
		if (p[i] == 0xe8)
			d->call_off = (int32_t)i;
	for (i = d->call_off >= 0 ? (size_t)d->call_off + 5 : n; i < n && d->g_stack_hi < 0; i++)
		if (gm_stack_mem_op(p, n, i, 0x48, 0x8b, 7, 7, &v)) /* mov v(%rdi),%rdi */
			d->g_stack_hi = v;
	return d->g_m >= 0 && d->m_gsignal >= 0 && d->m_g0 >= 0 && d->call_off >= 0 && d->g_stack_hi >= 0 ? 0 : -1;
}

/* gosave_systemstack_switch: lea systemstack_switch+8(%rip),%r9; mov %r9,sched_pc(%r14);
 * lea 8(%rsp),%r9; mov %r9,sched_sp(%r14); mov %rbp,sched_bp(%r14) (g is in %r14). */
int gm_stack_decode_gosave(const uint8_t *p, size_t n, struct gm_stack_decoded *d)
{
	int32_t v;
	for (size_t i = 0; i < n; i++) {
		size_t l;
		if (d->g_sched_pc < 0 && i + 7 <= n && p[i] == 0x4c && p[i + 1] == 0x8d && p[i + 2] == 0x0d &&
		    gm_stack_mem_op(p, n, i + 7, 0x4d, 0x89, 1, 6, &v)) /* mov %r9,v(%r14) */
			d->g_sched_pc = v;
		else if (d->g_sched_sp < 0 && gm_stack_bytes(p, n, i, gm_lea_8rsp_r9, sizeof gm_lea_8rsp_r9) &&
			 gm_stack_mem_op(p, n, i + 5, 0x4d, 0x89, 1, 6, &v))
			d->g_sched_sp = v;
		else if (d->g_sched_bp < 0 && (l = gm_stack_mem_op(p, n, i, 0x49, 0x89, 5, 6, &v))) /* mov %rbp,v(%r14) */
			d->g_sched_bp = v;
		if (p[i] == 0xc3 && d->g_sched_bp >= 0)
			break; /* its ret */
	}
	return d->g_sched_pc >= 0 && d->g_sched_sp >= 0 && d->g_sched_bp >= 0 ? 0 : -1;
}

/* runtime.cgocallback, switching to m->curg: mov m_curg(%rbx),%rsi; [mov %rsi,%fs:disp32 or,
 * in a PIE, %fs:(%rcx)]; [Go 1.27: mov %rsi,%r14; xorps %xmm15,%xmm15];
 * mov sched_sp(%rsi),%rdi; mov sched_pc(%rsi),%rbx; mov %rbx,-8(%rdi). */
int gm_stack_decode_cgocallback(const uint8_t *p, size_t n, struct gm_stack_decoded *d)
{
	for (size_t i = 0; i < n && d->m_curg < 0; i++) {
		int32_t curg, sp, pc;
		size_t l = gm_stack_mem_op(p, n, i, 0x48, 0x8b, 6, 3, &curg), j, l2, l3; /* mov curg(%rbx),%rsi */
		if (!l)
			continue;
		j = i + l;
		if (j + 9 <= n && p[j] == 0x64 && p[j + 1] == 0x48 && p[j + 2] == 0x89 && p[j + 3] == 0x34 && p[j + 4] == 0x25)
			j += 9; /* mov %rsi,%fs:disp32: g = curg */
		else if (j + 4 <= n && p[j] == 0x64 && p[j + 1] == 0x48 && p[j + 2] == 0x89 && p[j + 3] == 0x31)
			j += 4; /* PIE: mov %rsi,%fs:(%rcx) */
		if (j + 3 <= n && p[j] == 0x49 && p[j + 1] == 0x89 && p[j + 2] == 0xf6)
			j += 3; /* Go 1.27: mov %rsi,%r14 (g register) */
		if (j + 4 <= n && p[j] == 0x45 && p[j + 1] == 0x0f && p[j + 2] == 0x57 && p[j + 3] == 0xff)
			j += 4; /* Go 1.27: xorps %xmm15,%xmm15 (ABIInternal zero register) */
		if ((l2 = gm_stack_mem_op(p, n, j, 0x48, 0x8b, 7, 6, &sp)) &&     /* mov sp(%rsi),%rdi */
		    (l3 = gm_stack_mem_op(p, n, j + l2, 0x48, 0x8b, 3, 6, &pc)) && /* mov pc(%rsi),%rbx */
		    gm_stack_bytes(p, n, j + l2 + l3, gm_mov_rbx_m8rdi, sizeof gm_mov_rbx_m8rdi))
			d->m_curg = curg, d->cb_sched_sp = sp, d->cb_sched_pc = pc;
	}
	return d->m_curg >= 0 ? 0 : -1;
}

/* An offset of a pointer field in g or m: 8-aligned, inside the first 1 KiB. */
static bool gm_stack_plausible(int32_t off)
{
	return off >= 0 && off < 1024 && off % 8 == 0;
}

int gm_stack_layout_from_decoded(const struct gm_stack_decoded *d, struct gm_stack_layout *out)
{
	const int32_t offs[] = { d->g_m, d->m_gsignal, d->m_g0, d->g_stack_hi, d->g_sched_pc,
				 d->g_sched_sp, d->g_sched_bp, d->m_curg };
	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++)
		if (!gm_stack_plausible(offs[i]))
			return -1;
	if (d->g_stack_hi < 8 || d->cb_sched_sp != d->g_sched_sp || d->cb_sched_pc != d->g_sched_pc ||
	    d->g_sched_pc != d->g_sched_sp + 8 || d->g_sched_bp <= d->g_sched_pc ||
	    d->g_sched_sp < d->g_m + 8 || d->m_curg == d->m_g0 || d->m_curg == d->m_gsignal ||
	    d->m_gsignal == d->m_g0)
		return -1;
	out->g_stack_hi = (uint32_t)d->g_stack_hi;
	out->g_stack_lo = (uint32_t)d->g_stack_hi - 8; /* type stack struct { lo, hi uintptr } */
	out->g_m = (uint32_t)d->g_m;
	out->g_sched_sp = (uint32_t)d->g_sched_sp;
	out->g_sched_bp = (uint32_t)d->g_sched_bp;
	out->m_g0 = (uint32_t)d->m_g0;
	out->m_gsignal = (uint32_t)d->m_gsignal;
	out->m_curg = (uint32_t)d->m_curg;
	return 0;
}

/* Decode the layout of this executable's runtime (its code, in memory), compare it with the
 * table row of its version, and settle gm_stack_cfg. */
static void gm_stack_layout_init(void)
{
	struct gm_stack_decoded d;
	struct gm_stack_layout dec, tab;
	uintptr_t lo, hi, cb_lo, cb_hi;
	const char *fail = "runtime.asmcgocall not found";
	gm_stack_decoded_init(&d);
	if (gm_gosyms_func("runtime.asmcgocall", &lo, &hi) == 0) {
		fail = "runtime.asmcgocall not understood";
		if (gm_stack_decode_asmcgocall((const uint8_t *)lo, hi - lo, &d) == 0) {
			int32_t rel;
			memcpy(&rel, (const uint8_t *)lo + d.call_off + 1, 4);
			uintptr_t gs = lo + (uintptr_t)d.call_off + 5 + (uintptr_t)(intptr_t)rel;
			fail = "gosave_systemstack_switch not understood";
			/* it is 0x27-0x2f bytes long; read no further than the Go text */
			if (gm_gosyms_in_go_text(gs) && gm_gosyms_in_go_text(gs + 63) &&
			    gm_stack_decode_gosave((const uint8_t *)gs, 64, &d) == 0) {
				fail = "runtime.cgocallback not found or not understood";
				if (gm_gosyms_func("runtime.cgocallback", &cb_lo, &cb_hi) == 0 &&
				    gm_stack_decode_cgocallback((const uint8_t *)cb_lo, cb_hi - cb_lo, &d) == 0)
					fail = "decoded offsets inconsistent";
			}
		}
	}
	int minor = gm_gosyms_minor();
	bool have_tab = gm_stack_layout_for_minor(minor, &tab) == 0;
	if (d.tls)
		gm_stack_cfg.g_off = (long)d.tls;
	if (gm_stack_layout_from_decoded(&d, &dec) == 0) {
		gm_stack_cfg.lay = dec, gm_stack_cfg.src = GM_STACK_LAYOUT_DECODED, gm_stack_cfg.hop_ok = true;
		snprintf(gm_stack_cfg.desc, sizeof gm_stack_cfg.desc,
			 "decoded: g.m %#x g.sched.sp %#x g.sched.bp %#x m.g0 %#x m.gsignal %#x m.curg %#x%s",
			 dec.g_m, dec.g_sched_sp, dec.g_sched_bp, dec.m_g0, dec.m_gsignal, dec.m_curg,
			 !have_tab ? " (version not in the table)"
			 : memcmp(&dec, &tab, sizeof dec) ? " (differs from the table)" : "");
	} else if (have_tab) {
		gm_stack_cfg.lay = tab, gm_stack_cfg.src = GM_STACK_LAYOUT_TABLE, gm_stack_cfg.hop_ok = true;
		snprintf(gm_stack_cfg.desc, sizeof gm_stack_cfg.desc, "table go1.%d (decoding: %s)", minor, fail);
	} else {
		gm_stack_cfg.src = GM_STACK_LAYOUT_NONE, gm_stack_cfg.hop_ok = false;
		snprintf(gm_stack_cfg.desc, sizeof gm_stack_cfg.desc,
			 "none: no hop to goroutines (decoding: %s; go1.%d not in the table)", fail, minor);
	}
	/* g's TLS slot, also where asmcgocall could not be read: runtime.systemstack's
	 * mov %fs:disp32,%r64 (64 48 8b <modrm 04|0c|..> 25 disp32) */
	if (!d.tls && gm_gosyms_func("runtime.systemstack", &lo, &hi) == 0) {
		const uint8_t *p = (const uint8_t *)lo;
		for (uintptr_t i = 0; i + 9 <= hi - lo && i < 48; i++)
			if (p[i] == 0x64 && (p[i + 1] & 0xf8) == 0x48 && p[i + 2] == 0x8b &&
			    (p[i + 3] & 0xc7) == 0x04 && p[i + 4] == 0x25) {
				int32_t v;
				memcpy(&v, p + i + 5, 4);
				gm_stack_cfg.g_off = v;
				break;
			}
	}
	/* the functions that switch from a goroutine to g0: a return pc into one of them, on g0,
	 * is where the walk must hop */
	static const char *const sw[] = { "runtime.systemstack", "runtime.asmcgocall", "runtime.asmcgocall_landingpad" };
	gm_stack_cfg.nsw = 0;
	for (size_t k = 0; k < 3; k++)
		if (gm_gosyms_func(sw[k], &lo, &hi) == 0) {
			gm_stack_cfg.sw_lo[gm_stack_cfg.nsw] = lo;
			gm_stack_cfg.sw_hi[gm_stack_cfg.nsw++] = hi;
		}
	__atomic_store_n(&gm_stack_cfg_known, 1, __ATOMIC_RELEASE);
}

/* Whether pc lies in one of the functions that switch to g0 (systemstack, asmcgocall). */
static inline bool gm_stack_in_switch(uintptr_t pc)
{
	for (int k = 0; k < gm_stack_cfg.nsw; k++)
		if (pc >= gm_stack_cfg.sw_lo[k] && pc < gm_stack_cfg.sw_hi[k])
			return true;
	return false;
}

static inline void gm_stack_cfg_ready(void)
{
	if (__builtin_expect(!__atomic_load_n(&gm_stack_cfg_known, __ATOMIC_ACQUIRE), 0))
		gm_stack_layout_init();
}

#ifdef GM_STACK_TESTING
/* Unit tests (tests/unit/test_stack.c) lay out g, m and stacks in plain memory, with the
 * layout of their choice (hop_ok 0: none trusted). */
uintptr_t gm_stack_test_g;
static inline uintptr_t gm_stack_load_g(void) { return gm_stack_test_g; }
void gm_stack_test_set_layout(const struct gm_stack_layout *lay, int hop_ok);
void gm_stack_test_set_switch(uintptr_t lo, uintptr_t hi);
void gm_stack_test_set_switch(uintptr_t lo, uintptr_t hi)
{
	gm_stack_cfg.sw_lo[0] = lo, gm_stack_cfg.sw_hi[0] = hi;
	gm_stack_cfg.nsw = lo < hi;
}
void gm_stack_test_set_layout(const struct gm_stack_layout *lay, int hop_ok)
{
	gm_stack_cfg.lay = *lay;
	gm_stack_cfg.hop_ok = hop_ok != 0;
	gm_stack_cfg.src = hop_ok ? GM_STACK_LAYOUT_TABLE : GM_STACK_LAYOUT_NONE;
	gm_stack_cfg_known = 1;
	gm_stack_hop_fails = 0;
	gm_stack_hop_first = 0;
}
#else
static inline uintptr_t gm_stack_load_g(void)
{
	uintptr_t g;
	__asm__ volatile("movq %%fs:(%1), %0" : "=r"(g) : "r"(gm_stack_cfg.g_off));
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
	bool have_curg;             /* curg known, distinct from g0, and it validated */
	int curg_fail;              /* enum gm_stack_hop_fail: why not have_curg */
};

/* Read the runtime's view of this thread. sp: the walk's starting sp (g0 reads stay above).
 * curg is read only with a trusted layout, and kept only if curg.m is this m and its stack
 * bounds are sane. */
static bool gm_stack_goctx(struct gm_stack_goctx *c, uintptr_t sp)
{
	memset(c, 0, sizeof *c);
	gm_stack_cfg_ready();
	const struct gm_stack_layout *L = &gm_stack_cfg.lay;
	uintptr_t g = gm_stack_load_g();
	if (!g || (g & 7))
		return false;
	uintptr_t m = gm_stack_word(g + L->g_m);
	if (!m || (m & 7))
		return false;
	uintptr_t g0 = gm_stack_word(m + L->m_g0);
	if (g0 && !(g0 & 7)) {
		c->g0.lo = gm_stack_word(g0 + L->g_stack_lo);
		c->g0.hi = gm_stack_word(g0 + L->g_stack_hi);
		if (sp > c->g0.lo && sp < c->g0.hi)
			c->g0.lo = sp; /* never below the live part of the system stack */
	}
	if (!gm_stack_cfg.hop_ok) {
		c->curg_fail = GM_HOP_NO_LAYOUT;
		return true;
	}
	uintptr_t curg = gm_stack_word(m + L->m_curg);
	if (!curg || (curg & 7) || curg == g0) {
		c->curg_fail = GM_HOP_NO_CURG;
		return true;
	}
	if (gm_stack_word(curg + L->g_m) != m) {
		c->curg_fail = GM_HOP_CURG_M;
		return true;
	}
	c->curg.lo = gm_stack_word(curg + L->g_stack_lo);
	c->curg.hi = gm_stack_word(curg + L->g_stack_hi);
	if (c->curg.lo >= c->curg.hi || c->curg.hi - c->curg.lo > ((uintptr_t)1 << 30)) {
		c->curg.lo = c->curg.hi = 0;
		c->curg_fail = GM_HOP_CURG_STACK;
		return true;
	}
	c->sched_sp = gm_stack_word(curg + L->g_sched_sp);
	c->sched_bp = gm_stack_word(curg + L->g_sched_bp);
	c->have_curg = true;
	return true;
}

/* ---- the Go frame-pointer walk ------------------------------------------------------------ */

/* Whether the walk, on g0 at frame pointer bp (which leaves g0's stack), may continue on the
 * goroutine that switched to g0: GM_HOP_OK, or why not. */
static int gm_stack_hop_check(const struct gm_stack_goctx *c, uintptr_t bp)
{
	if (!c->have_curg)
		return c->curg_fail ? c->curg_fail : GM_HOP_NO_CURG;
	if (!(c->sched_sp >= c->curg.lo && c->sched_sp < c->curg.hi))
		return GM_HOP_SCHED_SP;
	if (bp != c->sched_bp || !gm_stack_in(&c->curg, bp, 16))
		return GM_HOP_SCHED_BP;
	return GM_HOP_OK;
}

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
		/* The chain leaves the system stack at a switch (the last pc is in systemstack or
		 * asmcgocall; without their addresses: bp is in curg's stack): the goroutine that
		 * switched saved its sp/bp in curg.sched. Hop only if that state validates; else the
		 * stack ends here (the reader marks it truncated). Leaving g0 elsewhere (above
		 * mstart, whose g0 bounds end near its frame) just ends the walk. */
		bool at_switch = gm_stack_cfg.nsw ? gm_stack_in_switch((uintptr_t)out[n - 1])
						  : c.have_curg && gm_stack_in(&c.curg, bp, 16);
		if (cur == &c.g0 && bp && !gm_stack_in(&c.g0, bp, 16) && at_switch) {
			int why = gm_stack_hop_check(&c, bp);
			if (why != GM_HOP_OK) {
				gm_stack_hop_failed(why);
				break;
			}
			/* A frameless switch (Go 1.19, 1.20) hid its caller's pc at *(sched.sp). */
			if (c.sched_sp != c.sched_bp && gm_stack_in(&c.curg, c.sched_sp, 8)) {
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

static void gm_stack_freer_init(void);

void gm_stack_init(void)
{
	/* libunwind's default global cache takes a lock and blocks signals (two sigprocmask
	 * syscalls) at every step; the per-thread cache does neither. */
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
	if (!gm_gosyms_text_hi)
		return; /* not Go: libunwind's fast path serves every thread */
	gm_stack_layout_init(); /* the g/m offsets, before the program has threads */
	gm_stack_freer_init();
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
	gm_stack_cfg_ready();
	return gm_stack_load_g() != 0;
}

/* ---- who frees: the finalizer and cleanup goroutines ------------------------------------- */
/* The finalizer goroutine's function: runtime.runfinq up to Go 1.24 (which also runs
 * AddCleanup's cleanups there), runtime.runFinalizers from 1.25; the cleanup goroutines'
 * runtime.runCleanups from 1.25 (docs/go-runtime.md, "Finalizers and cleanups"). [entry, end)
 * by enum gm_freer - 1; 0 when absent. Written by gm_stack_init(); read-only after. */
static uintptr_t gm_freer_lo[2], gm_freer_hi[2];

static void gm_stack_freer_init(void)
{
	if (gm_gosyms_func("runtime.runFinalizers", &gm_freer_lo[0], &gm_freer_hi[0]) != 0 &&
	    gm_gosyms_func("runtime.runfinq", &gm_freer_lo[0], &gm_freer_hi[0]) != 0)
		gm_freer_lo[0] = gm_freer_hi[0] = 0;
	if (gm_gosyms_func("runtime.runCleanups", &gm_freer_lo[1], &gm_freer_hi[1]) != 0)
		gm_freer_lo[1] = gm_freer_hi[1] = 0;
}

#define GM_FREER_FRAMES 64 /* goroutine frames looked through for runfinq / runCleanups */

int gm_stack_go_freer(void)
{
	if (!gm_freer_lo[0] && !gm_freer_lo[1])
		return GM_FREER_OTHER;
	if (!gm_stack_on_go_thread())
		return GM_FREER_OTHER;
	struct gm_stack_goctx c;
	if (!gm_stack_goctx(&c, (uintptr_t)__builtin_frame_address(0)) || !c.have_curg ||
	    !(c.sched_sp >= c.curg.lo && c.sched_sp < c.curg.hi))
		return GM_FREER_OTHER;
	/* the goroutine that made the C call: its frame chain from where it switched to g0, up
	 * to its outermost Go frame (the entry function's, whose return address is goexit) */
	uintptr_t bp = c.sched_bp, last = 0;
	for (int i = 0; i < GM_FREER_FRAMES; i++) {
		if (!gm_stack_in(&c.curg, bp, 16) || bp <= last)
			break;
		uintptr_t ret = gm_stack_word(bp + 8);
		for (int k = 0; k < 2; k++)
			if (ret >= gm_freer_lo[k] && ret < gm_freer_hi[k])
				return k + 1;
		if (!gm_gosyms_in_go_text(ret))
			break;
		last = bp;
		bp = gm_stack_word(bp);
	}
	return GM_FREER_OTHER;
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
