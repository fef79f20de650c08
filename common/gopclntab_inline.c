/* gopclntab_inline.c: Go inline trees (see gopclntab_inline.h). Layouts, from runtime
 * symtab.go/symtabinl.go/runtime2.go and cmd/link/internal/ld/pcln.go, symtab.go of Go 1.19
 * and 1.21-1.27 (all amd64; docs/symbolization.md has the version table):
 *   _func: ... npcdata u32 (field 7), ..., nfuncdata u8 (last byte of the fixed part), then
 *          pcdata[npcdata] u32, then funcdata[nfuncdata] u32 = offsets from moduledata.gofunc,
 *          ^0 for none (1.19+; 1.16-1.18 stored pointers).
 *   inlinedCall, 1.19 (20 bytes): parent i16, funcID u8, pad u8, file i32, line i32,
 *          nameOff i32 (into funcnametab), parentPc i32.
 *   inlinedCall, 1.20+ (16 bytes): funcID u8, pad [3], nameOff i32, parentPc i32, startLine i32.
 *   PCDATA_InlTreeIndex (2) at a pc: the index of the innermost inlined call, -1 if none; the
 *          caller's position is that of entry + parentPc (runtime inlineUnwinder.next).
 *   moduledata (amd64): pcHeader *; funcnametab, cutab, filetab, pctab, pclntable, ftab
 *          slices; then words up to gofunc at +304 (1.19), +320 (1.20-1.26), +344 (1.27),
 *          always right after rodata. */
#include "common/elf_image.h"
#include "common/gobuildinfo.h"
#include "common/gopclntab_inline.h"

#include <string.h>


/* ---- finding the funcdata ---- */

/* Link address of the image byte p (inside a PT_LOAD's file part), or 0. */
static uint64_t gm_inl_vaddr_of(const struct gm_elf_image *img, const uint8_t *p)
{
	if (!img->data || p < img->data || p >= img->data + img->size)
		return 0;
	uint64_t off = (uint64_t)(p - img->data);
	for (size_t i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *ph = &img->ph[i];
		if (ph->p_type == PT_LOAD && off >= ph->p_offset && off - ph->p_offset < ph->p_filesz)
			return ph->p_vaddr + (off - ph->p_offset);
	}
	return 0;
}

/* Whether the words at w are a moduledata of the table t at link address pcv: its pcHeader
 * and the data pointers of its first five slices (24 bytes each) point into the table. */
static bool gm_inl_is_moduledata(const uint8_t *w, const struct gm_pclntab *t, uint64_t pcv)
{
	const uint8_t *const regions[5] = {t->funcnametab, t->cutab, t->filetab, t->pctab, t->pcln};
	if (gm_pcln_u64(w) != pcv)
		return false;
	for (int i = 0; i < 5; i++)
		if (gm_pcln_u64(w + 8 + 24 * (size_t)i) != pcv + (uint64_t)(regions[i] - t->data))
			return false;
	return true;
}

/* Offsets of the gofunc field to try for Go minor version `minor`, into offs[]; their number. */
static int gm_inl_gofunc_fields(const struct gm_pclntab *t, int minor, size_t offs[2])
{
	if (t->ver == 118)
		return minor == 19 ? (offs[0] = 304, 1) : 0; /* 1.18 shares the magic, not the format */
	if (t->ver != 120)
		return 0;
	if (minor >= 20 && minor <= 26)
		return offs[0] = 320, 1;
	if (minor == 27)
		return offs[0] = 344, 1;
	offs[0] = 344, offs[1] = 320; /* newer or unknown: the known layouts, checked */
	return 2;
}

/* The raw funcdata offset number idx of f (UINT32_MAX: none), or -1 if out of bounds. */
static int64_t gm_inl_funcdata_off(const struct gm_pclntab *t, const struct gm_pclntab_func *f, uint32_t idx)
{
	if (!f->raw || t->ver < 118 || idx >= f->raw[t->func_size - 1]) /* nfuncdata */
		return -1;
	uint32_t npcdata = gm_pcln_u32(f->raw + 4 + 6 * 4); /* field 7; bounds-checked by func_at */
	uint64_t at = (uint64_t)(f->raw - t->pcln) + t->func_size + (uint64_t)npcdata * 4 + (uint64_t)idx * 4;
	if (at + 4 > t->pcln_size)
		return -1;
	return gm_pcln_u32(t->pcln + at);
}

/* Whether g looks right: every inline tree of the first functions that have one (16 at
 * most) is inside the data and starts with an entry naming a function and pointing inside
 * its caller. */
static bool gm_inl_gofunc_plausible(const struct gm_pclntab *t, const struct gm_pclntab_gofunc *g)
{
	int seen = 0;
	for (uint64_t i = 0; i < t->nfunc && seen < 16; i++) {
		struct gm_pclntab_func f;
		struct gm_pclntab_inlcall c;
		if (gm_pclntab_func_at(t, i, &f) != 0)
			return false;
		int64_t off = gm_inl_funcdata_off(t, &f, GM_FUNCDATA_INLTREE);
		if (off < 0 || off == UINT32_MAX)
			continue;
		if (gm_pclntab_inlcall(t, g, &f, 0, &c) != 0)
			return false;
		seen++;
	}
	return true;
}

int gm_pclntab_gofunc_from_elf(const struct gm_elf_image *img, const struct gm_pclntab *t,
			       struct gm_pclntab_gofunc *g)
{
	memset(g, 0, sizeof(*g));
	uint64_t pcv = t->data ? gm_inl_vaddr_of(img, t->data) : 0;
	if (!pcv)
		return -1;
	struct gm_gobuildinfo bi;
	int minor = gm_gobuildinfo_read(img, &bi) == 0 && bi.major == 1 ? bi.minor : 0;
	size_t fields[2];
	int nfields = gm_inl_gofunc_fields(t, minor, fields);
	if (nfields == 0)
		return -1;
	for (size_t i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *ph = &img->ph[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		size_t avail;
		const uint8_t *d = gm_elf_vaddr_data(img, ph->p_vaddr, 1, &avail);
		if (!d)
			continue;
		for (size_t o = (8 - ph->p_vaddr % 8) % 8; o + 8 + 5 * 24 <= avail; o += 8) {
			if (!gm_inl_is_moduledata(d + o, t, pcv))
				continue;
			for (int k = 0; k < nfields; k++) {
				size_t fo = fields[k];
				if (o + fo + 8 > avail)
					continue;
				uint64_t rodata = gm_pcln_u64(d + o + fo - 8), gofunc = gm_pcln_u64(d + o + fo);
				size_t gavail;
				const uint8_t *gd = gm_elf_vaddr_data(img, gofunc, 1, &gavail);
				if (!gd || rodata > gofunc)
					continue;
				*g = (struct gm_pclntab_gofunc){
					.vaddr = gofunc,
					.data = gd,
					.size = gavail,
					.moduledata = ph->p_vaddr + o,
					.field = fo,
					.go_minor = minor,
				};
				if (gm_inl_gofunc_plausible(t, g))
					return 0;
			}
		}
	}
	memset(g, 0, sizeof(*g));
	return -1;
}

/* ---- inline trees ---- */

int gm_pclntab_funcdata(const struct gm_pclntab *t, const struct gm_pclntab_gofunc *g,
			const struct gm_pclntab_func *f, uint32_t idx, const uint8_t **p, size_t *avail)
{
	if (!g || !g->data)
		return -1;
	int64_t off = gm_inl_funcdata_off(t, f, idx);
	if (off < 0 || off == UINT32_MAX || (uint64_t)off >= g->size)
		return -1;
	*p = g->data + off;
	*avail = g->size - (size_t)off;
	return 0;
}

int gm_pclntab_inlcall(const struct gm_pclntab *t, const struct gm_pclntab_gofunc *g,
		       const struct gm_pclntab_func *f, int32_t index, struct gm_pclntab_inlcall *c)
{
	const uint8_t *tree;
	size_t avail;
	if (index < 0 || gm_pclntab_funcdata(t, g, f, GM_FUNCDATA_INLTREE, &tree, &avail) != 0)
		return -1;
	size_t esize = t->ver == 118 ? 20 : 16;
	if ((uint64_t)index + 1 > avail / esize)
		return -1;
	const uint8_t *e = tree + (size_t)index * esize;
	uint32_t name_off = gm_pcln_u32(e + (t->ver == 118 ? 12 : 4));
	uint32_t parent_pc = gm_pcln_u32(e + (t->ver == 118 ? 16 : 8));
	/* the name starts a string of funcnametab; the call site is inside f */
	if (name_off >= t->funcnametab_size || (name_off > 0 && t->funcnametab[name_off - 1] != '\0') ||
	    !memchr(t->funcnametab + name_off, '\0', t->funcnametab_size - name_off) ||
	    parent_pc >= f->end - f->entry)
		return -1;
	c->name = (const char *)t->funcnametab + name_off;
	c->parent_pc = parent_pc;
	c->start_line = t->ver == 118 ? 0 : (int32_t)gm_pcln_u32(e + 12);
	c->func_id = t->ver == 118 ? e[2] : e[0];
	return 0;
}

/* Steps after which a chain of parents is taken as a loop (a corrupt table). */
#define GM_INL_MAX_STEPS 256

unsigned gm_pclntab_frames(const struct gm_pclntab *t, const struct gm_pclntab_gofunc *g,
			   const struct gm_pclntab_func *f, uint64_t pc, struct gm_pclntab_frame *out,
			   unsigned max)
{
	if (max == 0 || pc < f->entry || pc >= f->end)
		return 0;
	const uint8_t *tree;
	size_t avail;
	bool have_tree = gm_pclntab_funcdata(t, g, f, GM_FUNCDATA_INLTREE, &tree, &avail) == 0;
	unsigned n = 0;
	uint64_t at = pc;
	for (unsigned step = 0;; step++) {
		int32_t ix = -1;
		struct gm_pclntab_inlcall c;
		if (have_tree && step < GM_INL_MAX_STEPS &&
		    (gm_pclntab_pcdata(t, f, GM_PCDATA_INLTREEINDEX, at, &ix) != 0 ||
		     (ix >= 0 && gm_pclntab_inlcall(t, g, f, ix, &c) != 0)))
			ix = -1; /* no or bad index: the physical function, as the runtime does */
		if (ix < 0 || n + 1 < max) {
			struct gm_pclntab_frame *o = &out[n++];
			o->func = ix < 0 ? f->name : c.name;
			o->inlined = ix >= 0;
			if (gm_pclntab_line(t, f, at, &o->file, &o->line) != 0) {
				o->file = NULL;
				o->line = 0;
			}
		}
		if (ix < 0)
			return n;
		at = f->entry + c.parent_pc;
	}
}
