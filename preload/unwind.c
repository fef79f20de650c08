/* unwind.c: a fast, cached unwinder for C frames on x86-64 (see unwind.h).
 *
 * Why. On a Go thread the C part of every recorded stack (our hook, the cgo C function, the
 * cgo wrapper) used to be unwound by libgcc's _Unwind_Backtrace, which finds the FDE and
 * re-interprets the CIE and FDE programs for every frame of every event: half the cost of a
 * traced cgo call. Here each pc's result is reduced to a small "shape" and cached.
 *
 * Semantics follow libgcc's (unwind-dw2.c), so that a walk gives the frames and registers
 * _Unwind_Backtrace would: the FDE is looked up at the rules pc (return address - 1), the
 * programs run while loc <= that pc, CIE then FDE, remember/restore_state do not cross from
 * the CIE to the FDE, restore/same_value/undefined on rbp leave rbp unchanged (libgcc treats
 * all three alike), the caller's sp is the CFA, and an undefined return address ends the
 * stack. Rules on registers other than rsp, rbp and the return address are ignored: the walk
 * never needs them (a CFA on another register is a fallback anyway).
 *
 * The cache. 4096 direct-mapped 64-bit words in static storage. A word holds the shape (29
 * bits) and pc >> 12 (35 bits: user pcs are below 2^47); the slot index is a bijective mix of
 * the low 12 bits with the higher ones, so slot + stored bits identify the pc exactly and a
 * hit can never be another pc's shape. One word means one atomic load or store: concurrent
 * writers (any thread, or a signal handler interrupting one) can only replace whole entries,
 * a reader sees an old or a new entry, never a torn one. Negative results (no FDE,
 * unsupported rules) are cached too.
 *
 * Safety. .eh_frame data is read only inside the object's mapping as _dl_find_object reports
 * it, and every CIE/FDE read is bounded by its length; stack words are read only where
 * gm_unwind_apply() is told it may. Limitation: entries are never invalidated, so a library
 * unloaded with dlclose and another one mapped at the same addresses could get the old
 * shapes (a wrong frame, never a fault: stack reads stay bounded). */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "preload/unwind.h"

/* ---- DWARF constants ---- */

#define GM_UW_REG_BP 6  /* DWARF register number of rbp */
#define GM_UW_REG_SP 7  /* rsp */
#define GM_UW_REG_RA 16 /* the return address column on x86-64 */

#define GM_DW_EH_PE_absptr 0x00
#define GM_DW_EH_PE_uleb128 0x01
#define GM_DW_EH_PE_udata2 0x02
#define GM_DW_EH_PE_udata4 0x03
#define GM_DW_EH_PE_udata8 0x04
#define GM_DW_EH_PE_sleb128 0x09
#define GM_DW_EH_PE_sdata2 0x0a
#define GM_DW_EH_PE_sdata4 0x0b
#define GM_DW_EH_PE_sdata8 0x0c
#define GM_DW_EH_PE_pcrel 0x10
#define GM_DW_EH_PE_datarel 0x30
#define GM_DW_EH_PE_indirect 0x80
#define GM_DW_EH_PE_omit 0xff

/* ---- bounded byte reader ---- */

/* A cursor over read-only unwind data; a local of one lookup, touched only by the thread (or
 * signal handler) doing it. */
struct gm_unwind_rd {
	const uint8_t *p;   /* next byte */
	const uint8_t *end; /* one past the last byte that may be read */
	bool bad;           /* a read ran past end, or an encoding is not supported */
};

static inline bool gm_unwind_rd_has(struct gm_unwind_rd *r, uintptr_t n)
{
	if (r->bad || (uintptr_t)(r->end - r->p) < n || r->p > r->end) {
		r->bad = true;
		return false;
	}
	return true;
}

static uint64_t gm_unwind_rd_fixed(struct gm_unwind_rd *r, unsigned n)
{
	uint64_t v = 0;
	if (!gm_unwind_rd_has(r, n))
		return 0;
	memcpy(&v, r->p, n); /* little-endian */
	r->p += n;
	return v;
}

static inline uint8_t gm_unwind_rd_u8(struct gm_unwind_rd *r)
{
	return (uint8_t)gm_unwind_rd_fixed(r, 1);
}

static uint64_t gm_unwind_rd_uleb(struct gm_unwind_rd *r)
{
	uint64_t v = 0;
	for (unsigned shift = 0;; shift += 7) {
		if (!gm_unwind_rd_has(r, 1))
			return 0;
		uint8_t b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		if (shift > 70) {
			r->bad = true;
			return 0;
		}
	}
}

static int64_t gm_unwind_rd_sleb(struct gm_unwind_rd *r)
{
	uint64_t v = 0;
	for (unsigned shift = 0;; shift += 7) {
		if (!gm_unwind_rd_has(r, 1))
			return 0;
		uint8_t b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			shift += 7;
			if (shift < 64 && (b & 0x40))
				v |= ~(uint64_t)0 << shift;
			return (int64_t)v;
		}
		if (shift > 70) {
			r->bad = true;
			return 0;
		}
	}
}

/* A pointer encoded with `enc` (DW_EH_PE_*): absolute or pc-relative, no indirection. With
 * size_only, any application and indirection are accepted and the value is meaningless (to
 * skip a personality pointer). */
static uintptr_t gm_unwind_rd_enc(struct gm_unwind_rd *r, uint8_t enc, bool size_only)
{
	const uint8_t *at = r->p;
	uintptr_t v;
	if (enc == GM_DW_EH_PE_omit) {
		r->bad = true;
		return 0;
	}
	switch (enc & 0x0f) {
	case GM_DW_EH_PE_absptr:
	case GM_DW_EH_PE_udata8:
	case GM_DW_EH_PE_sdata8:
		v = (uintptr_t)gm_unwind_rd_fixed(r, 8);
		break;
	case GM_DW_EH_PE_uleb128:
		v = (uintptr_t)gm_unwind_rd_uleb(r);
		break;
	case GM_DW_EH_PE_sleb128:
		v = (uintptr_t)gm_unwind_rd_sleb(r);
		break;
	case GM_DW_EH_PE_udata2:
		v = (uintptr_t)(uint16_t)gm_unwind_rd_fixed(r, 2);
		break;
	case GM_DW_EH_PE_sdata2:
		v = (uintptr_t)(intptr_t)(int16_t)gm_unwind_rd_fixed(r, 2);
		break;
	case GM_DW_EH_PE_udata4:
		v = (uintptr_t)(uint32_t)gm_unwind_rd_fixed(r, 4);
		break;
	case GM_DW_EH_PE_sdata4:
		v = (uintptr_t)(intptr_t)(int32_t)gm_unwind_rd_fixed(r, 4);
		break;
	default:
		r->bad = true;
		return 0;
	}
	if (size_only)
		return 0;
	switch (enc & 0x70) {
	case 0:
		break;
	case GM_DW_EH_PE_pcrel:
		v += (uintptr_t)at;
		break;
	default: /* textrel, datarel, funcrel, aligned: not produced for x86-64 FDEs */
		r->bad = true;
		return 0;
	}
	if (enc & GM_DW_EH_PE_indirect)
		r->bad = true;
	return v;
}

/* ---- the CFA program interpreter ---- */

/* How a register is recovered (only those the walk needs are tracked). */
enum gm_unwind_how {
	GM_UW_SAME = 0, /* unchanged: no rule, same_value, undefined (rbp) or restore */
	GM_UW_OFFSET,   /* saved at CFA + off */
	GM_UW_UNDEF,    /* undefined (the return address: outermost frame) */
	GM_UW_OTHER,    /* another register, an expression, a value rule: not a shape */
};

/* The rules for one pc, as far as the walk needs them; a local of one lookup, touched only by
 * the thread (or signal handler) doing it. */
struct gm_unwind_rules {
	int64_t cfa_off; /* CFA = cfa_reg + cfa_off */
	uint64_t cfa_reg; /* DWARF register of the CFA rule */
	uint8_t cfa_how;  /* 0 unset, 1 register + offset, 2 expression */
	uint8_t bp_how;   /* enum gm_unwind_how, rbp */
	uint8_t ra_how;   /* enum gm_unwind_how, the return address */
	uint8_t sp_how;   /* GM_UW_SAME (caller's sp = CFA) or GM_UW_OTHER (explicit rsp rule) */
	int64_t bp_off;   /* rbp at CFA + bp_off when bp_how == GM_UW_OFFSET */
	int64_t ra_off;   /* return address at CFA + ra_off when ra_how == GM_UW_OFFSET */
};

#define GM_UW_CFA_UNSET 0
#define GM_UW_CFA_REG 1
#define GM_UW_CFA_EXPR 2
#define GM_UW_STATE_DEPTH 8 /* remember_state nesting kept; deeper: fallback */

/* What the CIE says that the FDE program needs; a local of one lookup, like the above. */
struct gm_unwind_cie {
	uint64_t code_align; /* multiplier of advance_loc deltas */
	int64_t data_align;  /* multiplier of offsets (-8 on x86-64) */
	uint8_t fde_enc;     /* encoding of pc_begin, pc_range and set_loc */
	uint8_t lsda_enc;    /* encoding of the FDE's LSDA pointer (omit: none) */
	bool saw_z;          /* "z" augmentation: the FDE has an augmentation length */
};

/* Set the rule of DWARF register `reg` (only rsp, rbp, ra are tracked). */
static void gm_unwind_set_rule(struct gm_unwind_rules *s, uint64_t reg, uint8_t how, int64_t off)
{
	if (reg == GM_UW_REG_BP) {
		s->bp_how = how == GM_UW_UNDEF ? GM_UW_SAME : how; /* libgcc: undefined = same */
		s->bp_off = off;
	} else if (reg == GM_UW_REG_RA) {
		s->ra_how = how;
		s->ra_off = off;
	} else if (reg == GM_UW_REG_SP) {
		/* libgcc takes the caller's sp from an explicit rule if there is one */
		s->sp_how = (how == GM_UW_SAME || how == GM_UW_UNDEF) ? GM_UW_SAME : GM_UW_OTHER;
	}
}

/* Run the CFA program [p, end) while *loc <= target. false: an instruction the shape cannot
 * follow at all (unknown opcode, bad encoding, restore_state without remember_state). */
static bool gm_unwind_cfa_run(const uint8_t *p, const uint8_t *end, const struct gm_unwind_cie *cie,
			      uintptr_t target, uintptr_t *loc, struct gm_unwind_rules *s)
{
	struct gm_unwind_rules saved[GM_UW_STATE_DEPTH];
	unsigned depth = 0;
	struct gm_unwind_rd r = { .p = p, .end = end };
	while (!r.bad && r.p < r.end && *loc <= target) {
		uint8_t op = gm_unwind_rd_u8(&r);
		uint64_t reg, u;
		int64_t o;
		switch (op & 0xc0) {
		case 0x40: /* DW_CFA_advance_loc */
			*loc += (op & 0x3f) * cie->code_align;
			continue;
		case 0x80: /* DW_CFA_offset */
			u = gm_unwind_rd_uleb(&r);
			gm_unwind_set_rule(s, op & 0x3f, GM_UW_OFFSET, (int64_t)u * cie->data_align);
			continue;
		case 0xc0: /* DW_CFA_restore: libgcc makes the register unsaved */
			gm_unwind_set_rule(s, op & 0x3f, GM_UW_SAME, 0);
			if ((op & 0x3f) == GM_UW_REG_RA)
				s->ra_how = GM_UW_OTHER;
			continue;
		}
		switch (op) {
		case 0x00: /* DW_CFA_nop */
			break;
		case 0x01: /* DW_CFA_set_loc */
			*loc = gm_unwind_rd_enc(&r, cie->fde_enc, false);
			break;
		case 0x02: /* DW_CFA_advance_loc1 */
			*loc += gm_unwind_rd_fixed(&r, 1) * cie->code_align;
			break;
		case 0x03: /* DW_CFA_advance_loc2 */
			*loc += gm_unwind_rd_fixed(&r, 2) * cie->code_align;
			break;
		case 0x04: /* DW_CFA_advance_loc4 */
			*loc += gm_unwind_rd_fixed(&r, 4) * cie->code_align;
			break;
		case 0x05: /* DW_CFA_offset_extended */
			reg = gm_unwind_rd_uleb(&r);
			u = gm_unwind_rd_uleb(&r);
			gm_unwind_set_rule(s, reg, GM_UW_OFFSET, (int64_t)u * cie->data_align);
			break;
		case 0x06: /* DW_CFA_restore_extended */
			reg = gm_unwind_rd_uleb(&r);
			gm_unwind_set_rule(s, reg, GM_UW_SAME, 0);
			if (reg == GM_UW_REG_RA)
				s->ra_how = GM_UW_OTHER;
			break;
		case 0x07: /* DW_CFA_undefined */
			gm_unwind_set_rule(s, gm_unwind_rd_uleb(&r), GM_UW_UNDEF, 0);
			break;
		case 0x08: /* DW_CFA_same_value */
			reg = gm_unwind_rd_uleb(&r);
			gm_unwind_set_rule(s, reg, GM_UW_SAME, 0);
			if (reg == GM_UW_REG_RA)
				s->ra_how = GM_UW_OTHER;
			break;
		case 0x09: /* DW_CFA_register */
			reg = gm_unwind_rd_uleb(&r);
			(void)gm_unwind_rd_uleb(&r);
			gm_unwind_set_rule(s, reg, GM_UW_OTHER, 0);
			break;
		case 0x0a: /* DW_CFA_remember_state */
			if (depth == GM_UW_STATE_DEPTH)
				return false;
			saved[depth++] = *s;
			break;
		case 0x0b: /* DW_CFA_restore_state */
			if (!depth)
				return false;
			*s = saved[--depth];
			break;
		case 0x0c: /* DW_CFA_def_cfa */
			s->cfa_reg = gm_unwind_rd_uleb(&r);
			s->cfa_off = (int64_t)gm_unwind_rd_uleb(&r);
			s->cfa_how = GM_UW_CFA_REG;
			break;
		case 0x0d: /* DW_CFA_def_cfa_register */
			s->cfa_reg = gm_unwind_rd_uleb(&r);
			s->cfa_how = GM_UW_CFA_REG;
			break;
		case 0x0e: /* DW_CFA_def_cfa_offset */
			s->cfa_off = (int64_t)gm_unwind_rd_uleb(&r);
			break;
		case 0x0f: /* DW_CFA_def_cfa_expression */
			u = gm_unwind_rd_uleb(&r);
			if (gm_unwind_rd_has(&r, u))
				r.p += u;
			s->cfa_how = GM_UW_CFA_EXPR;
			break;
		case 0x10: /* DW_CFA_expression */
		case 0x16: /* DW_CFA_val_expression */
			reg = gm_unwind_rd_uleb(&r);
			u = gm_unwind_rd_uleb(&r);
			if (gm_unwind_rd_has(&r, u))
				r.p += u;
			gm_unwind_set_rule(s, reg, GM_UW_OTHER, 0);
			break;
		case 0x11: /* DW_CFA_offset_extended_sf */
			reg = gm_unwind_rd_uleb(&r);
			o = gm_unwind_rd_sleb(&r);
			gm_unwind_set_rule(s, reg, GM_UW_OFFSET, o * cie->data_align);
			break;
		case 0x12: /* DW_CFA_def_cfa_sf */
			s->cfa_reg = gm_unwind_rd_uleb(&r);
			s->cfa_off = gm_unwind_rd_sleb(&r) * cie->data_align;
			s->cfa_how = GM_UW_CFA_REG;
			break;
		case 0x13: /* DW_CFA_def_cfa_offset_sf */
			s->cfa_off = gm_unwind_rd_sleb(&r) * cie->data_align;
			break;
		case 0x14: /* DW_CFA_val_offset */
			reg = gm_unwind_rd_uleb(&r);
			(void)gm_unwind_rd_uleb(&r);
			gm_unwind_set_rule(s, reg, GM_UW_OTHER, 0);
			break;
		case 0x15: /* DW_CFA_val_offset_sf */
			reg = gm_unwind_rd_uleb(&r);
			(void)gm_unwind_rd_sleb(&r);
			gm_unwind_set_rule(s, reg, GM_UW_OTHER, 0);
			break;
		case 0x2e: /* DW_CFA_GNU_args_size */
			(void)gm_unwind_rd_uleb(&r);
			break;
		case 0x2f: /* DW_CFA_GNU_negative_offset_extended */
			reg = gm_unwind_rd_uleb(&r);
			u = gm_unwind_rd_uleb(&r);
			gm_unwind_set_rule(s, reg, GM_UW_OFFSET, -((int64_t)u * cie->data_align));
			break;
		default: /* DW_CFA_GNU_window_save (SPARC/AArch64), vendor extensions */
			return false;
		}
	}
	return !r.bad;
}

/* The final rules -> a shape. */
static void gm_unwind_rules_shape(const struct gm_unwind_rules *s, struct gm_unwind_shape *out)
{
	memset(out, 0, sizeof *out);
	out->kind = GM_UNWIND_FALLBACK;
	if (s->ra_how == GM_UW_UNDEF) {
		out->kind = GM_UNWIND_OUTERMOST; /* libgcc: ra = 0, the walk ends after this frame */
		return;
	}
	if (s->ra_how != GM_UW_OFFSET || s->ra_off != -8)
		return;
	if (s->cfa_how != GM_UW_CFA_REG || (s->cfa_reg != GM_UW_REG_SP && s->cfa_reg != GM_UW_REG_BP))
		return;
	if (s->sp_how != GM_UW_SAME || (s->bp_how != GM_UW_SAME && s->bp_how != GM_UW_OFFSET))
		return;
	if (s->cfa_off < INT32_MIN || s->cfa_off > INT32_MAX || s->bp_off < INT32_MIN ||
	    s->bp_off > INT32_MAX)
		return;
	out->kind = GM_UNWIND_FRAME;
	out->cfa_bp = s->cfa_reg == GM_UW_REG_BP;
	out->cfa_off = (int32_t)s->cfa_off;
	out->bp_saved = s->bp_how == GM_UW_OFFSET;
	out->bp_off = out->bp_saved ? (int32_t)s->bp_off : 0;
}

/* ---- CIE and FDE ---- */

/* Parse the CIE at `cie` (inside [lo, hi)): fills c, returns its initial instructions in
 * [*insn, *end). false: not a CIE we can follow (libgcc would refuse it, or it is a signal
 * frame, whose caller libgcc looks up differently). */
static bool gm_unwind_cie_parse(const uint8_t *cie, const uint8_t *lo, const uint8_t *hi,
				struct gm_unwind_cie *c, const uint8_t **insn, const uint8_t **end)
{
	if (cie < lo || cie >= hi)
		return false;
	struct gm_unwind_rd r = { .p = cie, .end = hi };
	uint32_t len = (uint32_t)gm_unwind_rd_fixed(&r, 4);
	if (r.bad || len == 0 || len == 0xffffffffu || len > (uintptr_t)(hi - r.p))
		return false;
	r.end = r.p + len;
	*end = r.end;
	if (gm_unwind_rd_fixed(&r, 4) != 0) /* CIE id */
		return false;
	uint8_t version = gm_unwind_rd_u8(&r);
	if (version != 1 && version != 3 && version != 4)
		return false;
	const uint8_t *aug = r.p;
	while (gm_unwind_rd_has(&r, 1) && *r.p)
		r.p++;
	if (!gm_unwind_rd_has(&r, 1))
		return false;
	r.p++; /* the NUL */
	if (aug[0] == 'e' && aug[1] == 'h')
		return false; /* g++ 2.x */
	if (version >= 4) {
		uint8_t asz = gm_unwind_rd_u8(&r), ssz = gm_unwind_rd_u8(&r);
		if (asz != 8 || ssz != 0)
			return false;
	}
	c->code_align = gm_unwind_rd_uleb(&r);
	c->data_align = gm_unwind_rd_sleb(&r);
	uint64_t ra = version == 1 ? gm_unwind_rd_u8(&r) : gm_unwind_rd_uleb(&r);
	if (r.bad || ra != GM_UW_REG_RA)
		return false;
	c->fde_enc = GM_DW_EH_PE_absptr;
	c->lsda_enc = GM_DW_EH_PE_omit;
	c->saw_z = false;
	const uint8_t *after_aug = NULL;
	if (*aug == 'z') {
		uint64_t n = gm_unwind_rd_uleb(&r);
		if (r.bad || n > (uintptr_t)(r.end - r.p))
			return false;
		after_aug = r.p + n;
		c->saw_z = true;
		aug++;
	}
	for (; *aug; aug++) {
		if (*aug == 'L') {
			c->lsda_enc = gm_unwind_rd_u8(&r);
		} else if (*aug == 'R') {
			c->fde_enc = gm_unwind_rd_u8(&r);
		} else if (*aug == 'P') {
			uint8_t penc = gm_unwind_rd_u8(&r);
			if ((penc & 0x70) == 0x50) /* aligned: size depends on position */
				return false;
			(void)gm_unwind_rd_enc(&r, penc, true);
		} else if (*aug == 'S') {
			return false; /* signal frame */
		} else if (*aug == 'B') {
			continue;
		} else {
			if (!c->saw_z)
				return false;
			break; /* unknown, but skippable thanks to 'z' */
		}
		if (r.bad)
			return false;
	}
	*insn = after_aug ? after_aug : r.p;
	return !r.bad && *insn <= *end;
}

void gm_unwind_fde_shape(const uint8_t *fde, const uint8_t *lo, const uint8_t *hi, uintptr_t pc,
			 struct gm_unwind_shape *s)
{
	memset(s, 0, sizeof *s);
	s->kind = GM_UNWIND_FALLBACK;
	if (fde < lo || fde >= hi)
		return;
	struct gm_unwind_rd r = { .p = fde, .end = hi };
	uint32_t len = (uint32_t)gm_unwind_rd_fixed(&r, 4);
	if (r.bad || len == 0 || len == 0xffffffffu || len > (uintptr_t)(hi - r.p))
		return;
	r.end = r.p + len;
	const uint8_t *id_at = r.p;
	uint32_t id = (uint32_t)gm_unwind_rd_fixed(&r, 4);
	if (r.bad || id == 0 || id > (uintptr_t)(id_at - lo))
		return; /* a CIE, or a CIE pointer leaving the section */
	struct gm_unwind_cie c;
	const uint8_t *cie_insn, *cie_end;
	if (!gm_unwind_cie_parse(id_at - id, lo, hi, &c, &cie_insn, &cie_end))
		return;
	uint8_t fmt = c.fde_enc & 0x0f;
	if (c.fde_enc == GM_DW_EH_PE_omit || fmt == GM_DW_EH_PE_uleb128 || fmt == GM_DW_EH_PE_sleb128)
		return; /* libgcc needs a fixed size here */
	uintptr_t begin = gm_unwind_rd_enc(&r, c.fde_enc, false);
	uintptr_t range = gm_unwind_rd_enc(&r, fmt, false);
	if (r.bad || pc < begin || pc - begin >= range)
		return;
	const uint8_t *insn = NULL;
	if (c.saw_z) {
		uint64_t n = gm_unwind_rd_uleb(&r);
		if (r.bad || n > (uintptr_t)(r.end - r.p))
			return;
		insn = r.p + n;
	}
	if (c.lsda_enc != GM_DW_EH_PE_omit && !insn)
		(void)gm_unwind_rd_enc(&r, c.lsda_enc, true);
	if (!insn)
		insn = r.p;
	if (r.bad || insn > r.end)
		return;

	struct gm_unwind_rules rules;
	memset(&rules, 0, sizeof rules);
	rules.ra_how = GM_UW_OTHER; /* unsaved until the CIE says where it is */
	uintptr_t loc = begin;
	if (!gm_unwind_cfa_run(cie_insn, cie_end, &c, pc, &loc, &rules) ||
	    !gm_unwind_cfa_run(insn, r.end, &c, pc, &loc, &rules))
		return;
	gm_unwind_rules_shape(&rules, s);
}

/* ---- finding the FDE ---- */

#ifdef DLFO_EH_SEGMENT_TYPE /* glibc 2.35+: _dl_find_object */
/* The FDE for pc from the object's .eh_frame_hdr binary-search table, checked like libgcc's
 * find_fde_tail(); NULL if none. */
static const uint8_t *gm_unwind_hdr_find(const uint8_t *hdr, const uint8_t *lo, const uint8_t *hi,
					 uintptr_t pc)
{
	struct gm_unwind_rd r = { .p = hdr, .end = hi };
	if (hdr < lo || !gm_unwind_rd_has(&r, 4) || hdr[0] != 1)
		return NULL;
	uint8_t ptr_enc = hdr[1], count_enc = hdr[2], table_enc = hdr[3];
	r.p += 4;
	(void)gm_unwind_rd_enc(&r, ptr_enc, true); /* eh_frame_ptr: the table suffices */
	if (count_enc == GM_DW_EH_PE_omit || table_enc != (GM_DW_EH_PE_datarel | GM_DW_EH_PE_sdata4))
		return NULL; /* no table: libgcc searches linearly; we fall back */
	uintptr_t count = gm_unwind_rd_enc(&r, count_enc, false);
	if (r.bad || count == 0 || ((uintptr_t)r.p & 3) || count > (uintptr_t)(hi - r.p) / 8)
		return NULL;
	const int32_t *t = (const int32_t *)(const void *)r.p;
	uintptr_t base = (uintptr_t)hdr;
	if (pc < base + (intptr_t)t[0])
		return NULL;
	uintptr_t a = 0, b = count; /* the last entry with initial_loc <= pc is in [a, b) */
	while (b - a > 1) {
		uintptr_t mid = a + (b - a) / 2;
		if (pc < base + (intptr_t)t[2 * mid])
			b = mid;
		else
			a = mid;
	}
	const uint8_t *fde = (const uint8_t *)(base + (intptr_t)t[2 * a + 1]);
	if (fde < lo || fde >= hi)
		return NULL;
	return fde;
}
#endif

void gm_unwind_shape_lookup(uintptr_t pc, struct gm_unwind_shape *s)
{
	memset(s, 0, sizeof *s);
	s->kind = GM_UNWIND_FALLBACK;
#ifdef DLFO_EH_SEGMENT_TYPE
	struct dl_find_object fo;
	if (_dl_find_object((void *)pc, &fo) != 0 || !fo.dlfo_eh_frame)
		return;
	const uint8_t *lo = fo.dlfo_map_start, *hi = fo.dlfo_map_end;
	const uint8_t *fde = gm_unwind_hdr_find(fo.dlfo_eh_frame, lo, hi, pc);
	if (fde)
		gm_unwind_fde_shape(fde, lo, hi, pc, s);
#endif
}

/* ---- the cache ---- */

uint64_t gm_unwind_cache[GM_UNWIND_CACHE_SIZE];

/* The shape's 29 bits (layout in unwind.h); 0 if it does not fit. */
static uint64_t gm_unwind_pack(const struct gm_unwind_shape *s)
{
	if (s->kind != GM_UNWIND_FRAME)
		return s->kind & 3;
	int32_t c = s->cfa_off, b = s->bp_saved ? s->bp_off : 0;
	if ((c & 7) || c < 0 || c / 8 > 0xffff || (b & 7) || b / 8 < -256 || b / 8 > 255)
		return 0;
	return GM_UNWIND_FRAME | (uint64_t)s->cfa_bp << 2 | (uint64_t)s->bp_saved << 3 |
	       (uint64_t)(c / 8) << 4 | (uint64_t)((uint32_t)(b / 8) & 0x1ff) << 20;
}

bool gm_unwind_cache_put(uintptr_t pc, const struct gm_unwind_shape *s)
{
	uint64_t bits = gm_unwind_pack(s);
	if (pc >= GM_UNWIND_PC_LIMIT || !bits)
		return false;
	uint64_t w = (uint64_t)(pc >> 12) << GM_UNWIND_TAG_SHIFT | bits;
	__atomic_store_n(&gm_unwind_cache[gm_unwind_cache_slot(pc)], w, __ATOMIC_RELAXED);
	return true;
}

/* ---- the walk ---- */

void gm_unwind_shape_fill(uintptr_t pc, struct gm_unwind_shape *s)
{
	gm_unwind_shape_lookup(pc, s);
	(void)gm_unwind_cache_put(pc, s); /* not cacheable: recomputed next time, still exact */
}
