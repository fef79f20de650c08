/* gopclntab.c: reader of Go's .gopclntab (see gopclntab.h). Layouts, from runtime/symtab.go
 * and runtime2.go (_func) of Go 1.16-1.26 and debug/gosym:
 *   header: magic u32, 0, 0, minLC u8, ptrSize u8, then pointer-size words nfunc, nfiles,
 *           [1.18+: textStart], funcnameOff, cuOff, filetabOff, pctabOff, pclnOff.
 *   functab at pclnOff: nfunc+1 entries {entryoff u32, funcoff u32} (1.16: {entry uintptr,
 *           funcoff uintptr}); the last entry's entry is the end of text.
 *   _func at pclnOff+funcoff: entry (u32, 1.16: uintptr), nameOff, args, deferreturn, pcsp,
 *           pcfile, pcln, npcdata, cuOffset (u32 each), [1.20+: startLine i32], funcID u8,
 *           flag u8, pad u8, nfuncdata u8, then pcdata[npcdata] u32 offsets into pctab.
 *   pc-value table: val = -1, pc = entry; repeat { zig-zag varint value delta (0 after the
 *           first pair ends the table); varint pc delta * minLC; if target < pc: val }.
 * Go 1.26 writes textStart = 0: the base then comes from the runtime's moduledata (below).
 * All reads are bounds-checked against the sizes derived from the header. */
#include "common/elf_image.h"
#include "common/gopclntab.h"

#include <string.h>


/* A NUL-terminated string at tab[off] inside a region of `size` bytes, or NULL. */
static const char *gm_pcln_str(const uint8_t *tab, size_t size, uint64_t off)
{
	if (!tab || off >= size || !memchr(tab + off, '\0', size - off))
		return NULL;
	return (const char *)tab + off;
}

/* ---- header ---- */

#define GM_PCLN_MAGIC_116 0xfffffffaU
#define GM_PCLN_MAGIC_118 0xfffffff0U
#define GM_PCLN_MAGIC_120 0xfffffff1U

/* Size of the region starting at offset `off` of the table: up to the next larger region
 * offset among `offs`, else to the end. */
static size_t gm_pcln_region(uint64_t off, const uint64_t *offs, int n, size_t size)
{
	uint64_t end = size;
	for (int i = 0; i < n; i++)
		if (offs[i] > off && offs[i] < end)
			end = offs[i];
	return end - off;
}

int gm_pclntab_init(struct gm_pclntab *t, const void *data, size_t size)
{
	memset(t, 0, sizeof(*t));
	const uint8_t *p = data;
	if (!p || size < 8 + 8 * 8)
		return -1;
	uint32_t magic = gm_pcln_u32(p);
	if (magic == GM_PCLN_MAGIC_116)
		t->ver = 116;
	else if (magic == GM_PCLN_MAGIC_118)
		t->ver = 118;
	else if (magic == GM_PCLN_MAGIC_120)
		t->ver = 120;
	else
		return -1;
	if (p[4] != 0 || p[5] != 0 || (p[6] != 1 && p[6] != 2 && p[6] != 4) || p[7] != 8)
		return -1; /* only 64-bit tables */
	t->magic = magic;
	t->minlc = p[6];
	t->ptrsize = p[7];
	const uint8_t *w = p + 8;
	t->nfunc = gm_pcln_u64(w), w += 8;
	t->nfiles = gm_pcln_u64(w), w += 8;
	if (t->ver >= 118)
		t->text_start = gm_pcln_u64(w), w += 8;
	uint64_t offs[5];
	for (int i = 0; i < 5; i++)
		offs[i] = gm_pcln_u64(w), w += 8;
	uint64_t hdr = (uint64_t)(w - p);
	for (int i = 0; i < 5; i++)
		if (offs[i] < hdr || offs[i] >= size)
			return -1;
	if (t->nfunc == 0 || t->nfunc > (1u << 26))
		return -1;
	t->data = p;
	t->size = size;
	t->funcnametab = p + offs[0];
	t->funcnametab_size = gm_pcln_region(offs[0], offs, 5, size);
	t->cutab = p + offs[1];
	t->cutab_size = gm_pcln_region(offs[1], offs, 5, size);
	t->filetab = p + offs[2];
	t->filetab_size = gm_pcln_region(offs[2], offs, 5, size);
	t->pctab = p + offs[3];
	t->pctab_size = gm_pcln_region(offs[3], offs, 5, size);
	t->pcln = p + offs[4];
	t->pcln_size = gm_pcln_region(offs[4], offs, 5, size);
	t->ftab_entsize = t->ver >= 118 ? 8 : 16;
	t->func_size = t->ver >= 120 ? 44 : t->ver == 118 ? 40 : 44;
	if ((t->nfunc + 1) > t->pcln_size / t->ftab_entsize)
		goto bad;
	/* The first and the last function must resolve, and the functab must be ordered there. */
	struct gm_pclntab_func f0, fl;
	if (gm_pclntab_func_at(t, 0, &f0) != 0 || gm_pclntab_func_at(t, t->nfunc - 1, &fl) != 0 ||
	    f0.entry > fl.entry || fl.entry > fl.end)
		goto bad;
	return 0;
bad:
	memset(t, 0, sizeof(*t));
	return -1;
}

int gm_pclntab_scan(struct gm_pclntab *t, const void *data, size_t size, size_t *off)
{
	const uint8_t *p = data;
	for (size_t o = 0; o + 8 <= size; o += 8) {
		uint32_t m = gm_pcln_u32(p + o);
		if (m != GM_PCLN_MAGIC_116 && m != GM_PCLN_MAGIC_118 && m != GM_PCLN_MAGIC_120)
			continue;
		if (gm_pclntab_init(t, p + o, size - o) == 0) {
			if (off)
				*off = o;
			return 0;
		}
	}
	memset(t, 0, sizeof(*t));
	return -1;
}

/* Entry address of functab entry i (0 <= i <= nfunc); the caller checked the bounds. */
static uint64_t gm_pcln_entry(const struct gm_pclntab *t, uint64_t i)
{
	const uint8_t *e = t->pcln + i * t->ftab_entsize;
	return t->ver >= 118 ? t->text_start + gm_pcln_u32(e) : gm_pcln_u64(e);
}

uint64_t gm_pclntab_text_end(const struct gm_pclntab *t)
{
	return t->data ? gm_pcln_entry(t, t->nfunc) : 0;
}

/* ---- functions ---- */

int gm_pclntab_func_at(const struct gm_pclntab *t, uint64_t i, struct gm_pclntab_func *f)
{
	if (!t->data || i >= t->nfunc)
		return -1;
	const uint8_t *e = t->pcln + i * t->ftab_entsize;
	uint64_t funcoff = t->ver >= 118 ? gm_pcln_u32(e + 4) : gm_pcln_u64(e + 8);
	if (funcoff >= t->pcln_size || t->func_size > t->pcln_size - funcoff)
		return -1;
	const uint8_t *raw = t->pcln + funcoff;
	size_t w = t->ver >= 118 ? 4 : 8; /* size of the entry field */
	uint32_t npcdata = gm_pcln_u32(raw + w + 6 * 4);
	if (npcdata > (t->pcln_size - funcoff - t->func_size) / 4)
		return -1;
	const char *name = gm_pcln_str(t->funcnametab, t->funcnametab_size, gm_pcln_u32(raw + w));
	if (!name)
		return -1;
	f->entry = gm_pcln_entry(t, i);
	f->end = gm_pcln_entry(t, i + 1);
	f->name = name;
	f->index = (uint32_t)i;
	f->raw = raw;
	return 0;
}

int gm_pclntab_find_pc(const struct gm_pclntab *t, uint64_t pc, struct gm_pclntab_func *f)
{
	if (!t->data || pc < gm_pcln_entry(t, 0) || pc >= gm_pcln_entry(t, t->nfunc))
		return -1;
	uint64_t lo = 0, hi = t->nfunc; /* invariant: entry(lo) <= pc < entry(hi) */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (gm_pcln_entry(t, mid) <= pc)
			lo = mid;
		else
			hi = mid;
	}
	if (gm_pclntab_func_at(t, lo, f) != 0 || pc < f->entry || pc >= f->end)
		return -1;
	return 0;
}

int gm_pclntab_find_name(const struct gm_pclntab *t, const char *name, struct gm_pclntab_func *f)
{
	if (!t->data)
		return -1;
	for (uint64_t i = 0; i < t->nfunc; i++)
		if (gm_pclntab_func_at(t, i, f) == 0 && strcmp(f->name, name) == 0)
			return 0;
	return -1;
}

/* ---- pc-value tables ---- */

/* Read an unsigned LEB128 varint at *pos of [base, base+size); false at the end. */
static bool gm_pcln_uvarint(const uint8_t *base, size_t size, size_t *pos, uint32_t *out)
{
	uint32_t v = 0;
	for (unsigned shift = 0; shift < 35; shift += 7) {
		if (*pos >= size)
			return false;
		uint8_t b = base[(*pos)++];
		v |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

/* Value of the pc-value table at pctab offset `off` for target pc in f. 0 or -1. */
static int gm_pcln_value(const struct gm_pclntab *t, const struct gm_pclntab_func *f, uint32_t off,
			 uint64_t target, int32_t *out)
{
	if (off == 0 || off >= t->pctab_size || target < f->entry || target >= f->end)
		return -1;
	size_t pos = off;
	int32_t val = -1;
	uint64_t pc = f->entry;
	for (bool first = true;; first = false) {
		uint32_t uv, pcd;
		if (!gm_pcln_uvarint(t->pctab, t->pctab_size, &pos, &uv))
			return -1;
		if (uv == 0 && !first)
			return -1; /* end of table before target */
		int32_t vd = (uv & 1) ? (int32_t)~(uv >> 1) : (int32_t)(uv >> 1);
		if (!gm_pcln_uvarint(t->pctab, t->pctab_size, &pos, &pcd))
			return -1;
		val = (int32_t)((uint32_t)val + (uint32_t)vd);
		pc += (uint64_t)pcd * t->minlc;
		if (target < pc) {
			*out = val;
			return 0;
		}
	}
}

/* The u32 _func field number n (1 = nameOff ... 8 = cuOffset, 9 = startLine in 1.20+). */
static uint32_t gm_pcln_field(const struct gm_pclntab *t, const struct gm_pclntab_func *f, int n)
{
	size_t w = t->ver >= 118 ? 4 : 8;
	return gm_pcln_u32(f->raw + w + (size_t)(n - 1) * 4);
}

int gm_pclntab_line(const struct gm_pclntab *t, const struct gm_pclntab_func *f, uint64_t pc,
		    const char **file, int32_t *line)
{
	int32_t fileno, ln;
	if (gm_pcln_value(t, f, gm_pcln_field(t, f, 5), pc, &fileno) != 0 ||
	    gm_pcln_value(t, f, gm_pcln_field(t, f, 6), pc, &ln) != 0 || fileno < 0)
		return -1;
	uint64_t cu = (uint64_t)gm_pcln_field(t, f, 8) + (uint64_t)fileno;
	if (cu >= t->cutab_size / 4)
		return -1;
	uint32_t foff = gm_pcln_u32(t->cutab + cu * 4);
	const char *name = foff == UINT32_MAX ? NULL : gm_pcln_str(t->filetab, t->filetab_size, foff);
	if (!name)
		return -1;
	*file = name;
	*line = ln;
	return 0;
}

int gm_pclntab_sp_delta(const struct gm_pclntab *t, const struct gm_pclntab_func *f, uint64_t pc,
			int32_t *delta)
{
	return gm_pcln_value(t, f, gm_pcln_field(t, f, 4), pc, delta);
}

int gm_pclntab_pcdata(const struct gm_pclntab *t, const struct gm_pclntab_func *f, uint32_t table,
		      uint64_t pc, int32_t *val)
{
	if (table >= gm_pcln_field(t, f, 7)) /* npcdata, bounds-checked by func_at */
		return -1;
	return gm_pcln_value(t, f, gm_pcln_u32(f->raw + t->func_size + (size_t)table * 4), pc, val);
}

int gm_pclntab_start_line(const struct gm_pclntab *t, const struct gm_pclntab_func *f, int32_t *line)
{
	if (t->ver < 120)
		return -1;
	*line = (int32_t)gm_pcln_field(t, f, 9);
	return 0;
}

/* ---- the text base: moduledata (Go 1.26 writes textStart = 0) --------------------------
 * runtime/symtab.go, type moduledata (the same prefix in Go 1.18-1.26; sys.NotInHeap has no
 * size), written by cmd/link/internal/ld/symtab.go, amd64 words:
 *   [0] pcHeader  [1..3] funcnametab  [4..6] cutab  [7..9] filetab  [10..12] pctab
 *   [13..15] pclntable  [16..18] ftab (ptr = the functab, len = nfunc+1)  [19] findfunctab
 *   [20] minpc = text + entryoff[0]  [21] maxpc = text + entryoff[nfunc]  [22] text  [23] etext
 * Slices are {ptr, len, cap}; pointers are link addresses (relocated at load in a PIE). In Go
 * 1.26 the linker gives moduledata a section of its own, .go.module (SMODULEDATA in
 * cmd/link/internal/ld/data.go); before, it sits in .noptrdata. */
#define GM_MD_WORDS 24
#define GM_MD_PCHEADER 0
#define GM_MD_FUNCNAMETAB 1
#define GM_MD_CUTAB 4
#define GM_MD_FILETAB 7
#define GM_MD_PCTAB 10
#define GM_MD_PCLNTABLE 13
#define GM_MD_FTAB 16
#define GM_MD_FTAB_LEN 17
#define GM_MD_MINPC 20
#define GM_MD_MAXPC 21
#define GM_MD_TEXT 22

/* Link address lies in an executable PT_LOAD segment of img. */
static bool gm_pcln_in_exec(const struct gm_elf_image *img, uint64_t addr)
{
	for (size_t i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];
		if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && addr >= p->p_vaddr && addr - p->p_vaddr < p->p_memsz)
			return true;
	}
	return false;
}

/* Whether link address md holds a moduledata describing t, whose header is at link address
 * hdr; *text receives its text field. */
static bool gm_pcln_md_check(const struct gm_elf_image *img, const struct gm_pclntab *t, uint64_t hdr,
			     uint64_t md, uint64_t *text)
{
	uint64_t w[GM_MD_WORDS];
	if (md % 8)
		return false;
	for (int i = 0; i < GM_MD_WORDS; i++)
		if (gm_elf_link_word(img, md + 8 * (uint64_t)i, &w[i]) != 0)
			return false;
	uint64_t e0 = gm_pcln_u32(t->pcln), en = gm_pcln_u32(t->pcln + t->nfunc * t->ftab_entsize);
	if (w[GM_MD_PCHEADER] != hdr || w[GM_MD_FUNCNAMETAB] != hdr + (uint64_t)(t->funcnametab - t->data) ||
	    w[GM_MD_CUTAB] != hdr + (uint64_t)(t->cutab - t->data) ||
	    w[GM_MD_FILETAB] != hdr + (uint64_t)(t->filetab - t->data) ||
	    w[GM_MD_PCTAB] != hdr + (uint64_t)(t->pctab - t->data) ||
	    w[GM_MD_PCLNTABLE] != hdr + (uint64_t)(t->pcln - t->data) ||
	    w[GM_MD_FTAB] != hdr + (uint64_t)(t->pcln - t->data) || w[GM_MD_FTAB_LEN] != t->nfunc + 1)
		return false;
	uint64_t x = w[GM_MD_TEXT];
	if (!x || w[GM_MD_MINPC] != x + e0 || w[GM_MD_MAXPC] != x + en || !gm_pcln_in_exec(img, x))
		return false;
	*text = x;
	return true;
}

int gm_pclntab_moduledata(const struct gm_elf_image *img, const struct gm_pclntab *t, uint64_t *md,
			  uint64_t *text, int *src)
{
	uint64_t hdr, x;
	if (!t->data || t->ver < 118 || t->data < img->data || t->data >= img->data + img->size ||
	    gm_elf_offset_vaddr(img, (uint64_t)(t->data - img->data), &hdr) != 0)
		return -1;
	struct gm_elf_section s;
	struct gm_elf_sym sym;
	uint64_t at = 0;
	int how = -1;
	if (gm_elf_section(img, ".go.module", &s) == 0 && s.addr && gm_pcln_md_check(img, t, hdr, s.addr, &x))
		at = s.addr, how = GM_PCLN_TEXT_GO_MODULE;
	else if (gm_elf_symbol(img, "runtime.firstmoduledata", &sym) == 0 &&
		 gm_pcln_md_check(img, t, hdr, sym.value, &x))
		at = sym.value, how = GM_PCLN_TEXT_MD_SYMBOL;
	/* scan: a word equal to the header's address, in the file of each writable segment */
	for (size_t i = 0; how < 0 && i < img->phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];
		size_t avail;
		if (p->p_type != PT_LOAD || !(p->p_flags & PF_W))
			continue;
		uint64_t start = (p->p_vaddr + 7) & ~(uint64_t)7;
		const uint8_t *d = gm_elf_vaddr_data(img, start, 8, &avail);
		for (size_t o = 0; d && o + 8 * GM_MD_WORDS <= avail; o += 8)
			if (gm_pcln_u64(d + o) == hdr && gm_pcln_md_check(img, t, hdr, start + o, &x)) {
				at = start + o, how = GM_PCLN_TEXT_MD_SCAN;
				break;
			}
	}
	/* a PIE whose file holds no relocated values: the RELATIVE relocation to the header */
	size_t n = 0;
	const Elf64_Rela *r = how < 0 && gm_elf_is_pie(img) ? gm_elf_dyn_rela(img, &n) : NULL;
	for (size_t i = 0; r && i < n; i++)
		if (ELF64_R_TYPE(r[i].r_info) == R_X86_64_RELATIVE && (uint64_t)r[i].r_addend == hdr &&
		    gm_pcln_md_check(img, t, hdr, r[i].r_offset, &x)) {
			at = r[i].r_offset, how = GM_PCLN_TEXT_MD_SCAN;
			break;
		}
	if (how < 0)
		return -1;
	if (md)
		*md = at;
	*text = x;
	if (src)
		*src = how;
	return 0;
}

int gm_pclntab_text_from_elf(const struct gm_elf_image *img, struct gm_pclntab *t)
{
	if (!t->data)
		return -1;
	if (t->ver < 118 || t->text_start) {
		t->text_src = GM_PCLN_TEXT_HEADER;
		return 0;
	}
	uint64_t x;
	int src;
	struct gm_elf_sym sym;
	if (gm_pclntab_moduledata(img, t, NULL, &x, &src) == 0) {
		t->text_start = x, t->text_src = src;
		return 0;
	}
	/* no module data found: the linker's runtime.text symbol (unstripped binaries) */
	if (gm_elf_symbol(img, "runtime.text", &sym) == 0 && sym.value && gm_pcln_in_exec(img, sym.value)) {
		t->text_start = sym.value, t->text_src = GM_PCLN_TEXT_SYMBOL;
		return 0;
	}
	t->text_src = GM_PCLN_TEXT_UNKNOWN;
	return -1;
}

/* ---- finding the table in an ELF file ---------------------------------------------- */

/* Find .gopclntab: by section name (".data.rel.ro.gopclntab" in an internally linked PIE),
 * else by scanning the file part of the non-executable PT_LOAD segments; then its text base.
 * 0 or -1. */
int gm_pclntab_from_elf(const struct gm_elf_image *img, struct gm_pclntab *tab)
{
	static const char *const names[] = {".gopclntab", ".data.rel.ro.gopclntab"};
	struct gm_elf_section s;
	for (size_t i = 0; i < 2; i++)
		if (gm_elf_section(img, names[i], &s) == 0 && s.data && gm_pclntab_init(tab, s.data, s.size) == 0)
			return gm_pclntab_text_from_elf(img, tab);
	for (size_t i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];
		if (p->p_type != PT_LOAD || (p->p_flags & PF_X))
			continue;
		size_t avail;
		const uint8_t *d = gm_elf_vaddr_data(img, p->p_vaddr, 1, &avail);
		if (d && gm_pclntab_scan(tab, d, avail, NULL) == 0)
			return gm_pclntab_text_from_elf(img, tab);
	}
	return -1;
}

