/* fuzz_gopclntab.c: fuzz target of common/gopclntab.c and common/gopclntab_inline.c, the
 * readers of Go's .gopclntab and its inline trees (the reader runs them on any binary a
 * trace names). The input is an ELF file (it starts with the ELF magic: the table is found
 * as the reader finds it, section or scan, text base, moduledata, gofunc), or else a raw
 * table after one byte (wrapped as the section .gopclntab of a minimal ELF, fuzz.h). Then,
 * for a spread of functions: lookups by index, pc and name, pc-value tables (line, pcsp,
 * PCDATA), start lines, funcdata and the logical frames of their pcs. */
#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "common/gopclntab_inline.h"
#include "tests/fuzz/fuzz.h"

/* ---- queries ---- */

static volatile uint32_t gm_fz_sink;

/* Everything about pc in f. */
static void gm_fz_pc(const struct gm_pclntab *t, const struct gm_pclntab_gofunc *g,
		     const struct gm_pclntab_func *f, uint64_t pc)
{
	const char *file;
	int32_t v;
	if (gm_pclntab_line(t, f, pc, &file, &v) == 0)
		gm_fz_sink ^= (uint32_t)strlen(file) + (uint32_t)v;
	gm_pclntab_sp_delta(t, f, pc, &v);
	for (uint32_t k = 0; k < 4; k++)
		gm_pclntab_pcdata(t, f, k, pc, &v);
	struct gm_pclntab_frame fr[8];
	unsigned n = gm_pclntab_frames(t, g, f, pc, fr, 8);
	for (unsigned i = 0; i < n; i++)
		gm_fz_sink ^= (uint32_t)strlen(fr[i].func) + (fr[i].file ? (uint32_t)strlen(fr[i].file) : 0);
	n = gm_pclntab_frames(t, g, f, pc, fr, 1);
	struct gm_pclntab_func h;
	if (gm_pclntab_find_pc(t, pc, &h) == 0)
		gm_fz_sink ^= (uint32_t)strlen(h.name);
}

/* Function i and a few of its pcs. */
static void gm_fz_func(const struct gm_pclntab *t, const struct gm_pclntab_gofunc *g, uint64_t i)
{
	struct gm_pclntab_func f;
	if (gm_pclntab_func_at(t, i, &f) != 0)
		return;
	gm_fz_sink ^= (uint32_t)strlen(f.name);
	int32_t line;
	gm_pclntab_start_line(t, &f, &line);
	uint64_t len = f.end - f.entry;
	gm_fz_pc(t, g, &f, f.entry);
	gm_fz_pc(t, g, &f, f.entry + len / 2);
	gm_fz_pc(t, g, &f, f.end - 1);
	gm_fz_pc(t, g, &f, f.end);
	const uint8_t *p;
	size_t avail;
	for (uint32_t k = 0; k < 4; k++)
		if (gm_pclntab_funcdata(t, g, &f, k, &p, &avail) == 0 && avail)
			gm_fz_sink ^= p[0] ^ p[avail - 1];
	struct gm_pclntab_inlcall c;
	for (int32_t k = -1; k < 3; k++)
		if (gm_pclntab_inlcall(t, g, &f, k, &c) == 0)
			gm_fz_sink ^= (uint32_t)strlen(c.name);
}

static void gm_fz_table(const struct gm_pclntab *t, const struct gm_pclntab_gofunc *g)
{
	uint64_t step = t->nfunc / 48 + 1;
	for (uint64_t i = 0; i < t->nfunc; i += step)
		gm_fz_func(t, g, i);
	gm_fz_func(t, g, t->nfunc - 1);
	gm_fz_func(t, g, t->nfunc);
	struct gm_pclntab_func f;
	gm_pclntab_find_name(t, "main.main", &f);
	uint64_t end = gm_pclntab_text_end(t);
	gm_pclntab_find_pc(t, end, &f);
	gm_pclntab_find_pc(t, end - 1, &f);
	gm_pclntab_find_pc(t, t->text_start, &f);
}

/* ---- entry point ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	uint8_t *b = gm_fz_elf_or_wrap(".gopclntab", data, size, &n);
	if (!b)
		return 0;
	struct gm_elf_image img;
	struct gm_pclntab t;
	memset(&t, 0, sizeof(t)); /* gm_pclntab_from_elf leaves it untouched when there is no table */
	if (gm_elf_from_memory(&img, b, n) == 0) {
		if (gm_pclntab_from_elf(&img, &t) == 0) {
			struct gm_pclntab_gofunc g;
			int have_g = gm_pclntab_gofunc_from_elf(&img, &t, &g) == 0;
			uint64_t md, text;
			int src;
			gm_pclntab_moduledata(&img, &t, &md, &text, &src);
			gm_fz_table(&t, have_g ? &g : NULL);
		} else if (t.data) {
			gm_fz_table(&t, NULL); /* a table whose text base is unknown */
		}
		/* the raw scan, as for a file without section headers */
		for (size_t i = 0; i < img.phnum && i < 8; i++) {
			size_t avail;
			const uint8_t *d = gm_elf_vaddr_data(&img, img.ph[i].p_vaddr, 1, &avail);
			if (d && !(img.ph[i].p_flags & PF_X) && gm_pclntab_scan(&t, d, avail, NULL) == 0)
				gm_fz_table(&t, NULL);
		}
		gm_elf_close(&img);
	}
	free(b);
	return 0;
}
