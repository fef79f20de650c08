/* test_gopclntab.c: common/gopclntab on real Go executables of every Go of GM_GO_VERSIONS
 * (cgo, cgo stripped, cgo PIE, static, static stripped, PIE). Oracles: `go tool addr2line` of
 * the same toolchain, the ELF .symtab of the unstripped builds, the program's own source (line
 * of func main) and the known instruction bytes of runtime.madvise. The text base: the
 * header's textStart (Go 1.18-1.25) must equal moduledata.text; where the header holds 0 (Go
 * 1.26+) moduledata.text must equal the runtime.text symbol, also found without section
 * headers, without symbols and, in a PIE, from the relocations alone; a moduledata that does
 * not describe the table is refused. gopclntab_inline: moduledata.gofunc found without symbols
 * equals the linker's go:func.* (and runtime.firstmoduledata), and the inline frames of every
 * pc agree between the stripped and unstripped builds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/mman.h>
#include <unistd.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "common/gopclntab_inline.h"
#include "tests/unit/test_gosyms_fixtures.h"

static const char *const gm_t_kinds[] = {"cgo", "cgo-strip", "cgo-pie", "static", "static-strip", "pie"};
#define GM_T_NKINDS 6

/* ---- helpers ---- */

/* Open exe and its .gopclntab (found by section name; an externally linked PIE of Go
 * 1.19-1.25 has none, the table is inside .data.rel.ro: found by scanning), with its text base. */
static void gm_t_open(const char *exe, struct gm_elf_image *img, struct gm_pclntab *t)
{
	assert_int_equal(gm_elf_open(img, exe), 0);
	struct gm_elf_section s;
	if (gm_elf_section(img, ".gopclntab", &s) != 0 && gm_elf_section(img, ".data.rel.ro.gopclntab", &s) != 0) {
		assert_non_null(strstr(exe, "cgo-pie"));
		assert_int_equal(gm_pclntab_from_elf(img, t), 0);
		return;
	}
	assert_int_equal(gm_pclntab_init(t, s.data, s.size), 0);
	assert_int_equal(gm_pclntab_text_from_elf(img, t), 0);
}

/* Go minor of "1.19". */
static int gm_t_minor(const char *v)
{
	return atoi(strchr(v, '.') + 1);
}

/* ---- tests ---- */

static void test_madvise(void **state)
{
	for (int i = 0; i < gm_fx_nvers; i++)
		for (int k = 0; k < GM_T_NKINDS; k++) {
			struct gm_elf_image img;
			struct gm_pclntab t;
			gm_t_open(gm_fx_path(gm_fx_vers[i], gm_t_kinds[k]), &img, &t);
			assert_int_equal(t.ver, gm_t_minor(gm_fx_vers[i]) >= 20 ? 120 : 118);
			assert_int_equal(t.minlc, 1);
			struct gm_pclntab_func f, g;
			assert_int_equal(gm_pclntab_find_name(&t, "runtime.madvise", &f), 0);
			size_t mn;
			const unsigned char *want = gm_fx_madvise(gm_fx_vers[i], &mn);
			assert_true(f.end - f.entry >= mn);
			const uint8_t *code = gm_elf_vaddr_data(&img, f.entry, mn, NULL);
			assert_non_null(code);
			assert_memory_equal(code, want, mn);
			/* the address after the syscall instruction belongs to runtime.madvise */
			assert_int_equal(gm_pclntab_find_pc(&t, f.entry + 0x17, &g), 0);
			assert_string_equal(g.name, "runtime.madvise");
			assert_int_equal(g.entry, f.entry);
			int32_t sp;
			assert_int_equal(gm_pclntab_sp_delta(&t, &f, f.entry + 0x15, &sp), 0);
			assert_int_equal(sp, 0); /* a frameless leaf */
			const char *file;
			int32_t line;
			assert_int_equal(gm_pclntab_line(&t, &f, f.entry, &file, &line), 0);
			assert_non_null(strstr(file, "runtime/sys_linux_amd64.s"));
			/* the text range */
			assert_true(t.text_start <= f.entry && f.end <= gm_pclntab_text_end(&t));
			assert_int_not_equal(gm_pclntab_find_pc(&t, gm_pclntab_text_end(&t), &g), 0);
			assert_int_not_equal(gm_pclntab_find_pc(&t, 0, &g), 0);
			assert_int_not_equal(gm_pclntab_find_name(&t, "runtime.no_such_function", &g), 0);
			gm_elf_close(&img);
		}
}

/* main.main: name, range, frame, and file:line equal to the source and to addr2line. */
static void test_main(void **state)
{
	for (int i = 0; i < gm_fx_nvers; i++)
		for (int k = 0; k < GM_T_NKINDS; k++) {
			const char *exe = gm_fx_path(gm_fx_vers[i], gm_t_kinds[k]);
			struct gm_elf_image img;
			struct gm_pclntab t;
			gm_t_open(exe, &img, &t);
			struct gm_pclntab_func f, g;
			assert_int_equal(gm_pclntab_find_name(&t, "main.main", &f), 0);
			assert_int_equal(gm_pclntab_find_pc(&t, f.entry, &g), 0);
			assert_string_equal(g.name, "main.main");
			assert_int_equal(gm_pclntab_find_pc(&t, f.end - 1, &g), 0);
			assert_string_equal(g.name, "main.main");
			const char *file;
			int32_t line, sp, maxsp = 0;
			assert_int_equal(gm_pclntab_line(&t, &f, f.entry, &file, &line), 0);
			const char *src = strncmp(gm_t_kinds[k], "cgo", 3) == 0 ? "cgosrc" : "gosrc";
			char want_suffix[64];
			snprintf(want_suffix, sizeof(want_suffix), "/tests/data/gosyms/%s/main.go", src);
			assert_true(strlen(file) > strlen(want_suffix));
			assert_string_equal(file + strlen(file) - strlen(want_suffix), want_suffix);
			assert_int_equal(line, gm_fx_line_of(file, "GM_MAIN_LINE"));
			assert_int_equal(gm_pclntab_sp_delta(&t, &f, f.entry, &sp), 0);
			assert_int_equal(sp, 0);
			uint64_t covered = 0; /* the alignment padding after the last instruction has no pcsp */
			for (uint64_t pc = f.entry; pc < f.end; pc++) {
				if (gm_pclntab_sp_delta(&t, &f, pc, &sp) != 0)
					continue;
				covered++;
				assert_true(sp >= 0 && sp < 4096);
				if (sp > maxsp)
					maxsp = sp;
			}
			assert_true(covered + 32 > f.end - f.entry);
			assert_true(maxsp >= 16); /* it calls functions: it has a frame */
			if (t.ver >= 120) {
				assert_int_equal(gm_pclntab_start_line(&t, &f, &line), 0);
				assert_int_equal(line, gm_fx_line_of(file, "GM_MAIN_LINE"));
			}
			/* addr2line needs the ELF symbols: unstripped builds only */
			if (!strstr(gm_t_kinds[k], "strip")) {
				struct gm_pclntab_func w;
				assert_int_equal(gm_pclntab_find_name(&t, "main.work", &w), 0);
				uint64_t pcs[] = {f.entry, f.entry + (f.end - f.entry) / 2, f.entry + 2 * (f.end - f.entry) / 3,
						  w.entry, w.entry + 1, w.entry + (w.end - w.entry) / 3};
				for (size_t j = 0; j < sizeof(pcs) / sizeof(pcs[0]); j++) {
					char name[256], pos[4400], mine[4400];
					/* the newest toolchain's: Go 1.19's addr2line cannot read a PIE */
					assert_int_equal(gm_fx_addr2line(gm_fx_vers[gm_fx_nvers - 1], exe, pcs[j], name, sizeof(name),
									 pos, sizeof(pos)), 0);
					assert_int_equal(gm_pclntab_find_pc(&t, pcs[j], &g), 0);
					assert_int_equal(gm_pclntab_line(&t, &g, pcs[j], &file, &line), 0);
					snprintf(mine, sizeof(mine), "%s:%d", file, line);
					assert_string_equal(g.name, name);
					assert_string_equal(mine, pos);
				}
			}
			gm_elf_close(&img);
		}
}

/* Every Go function symbol of the unstripped builds resolves by pc to itself. */
static void test_symtab_agrees(void **state)
{
	const char *kinds[4] = {"cgo", "cgo-pie", "static", "pie"};
	for (int i = 0; i < gm_fx_nvers; i++)
		for (int k = 0; k < 4; k++) {
			struct gm_elf_image img;
			struct gm_pclntab t;
			gm_t_open(gm_fx_path(gm_fx_vers[i], kinds[k]), &img, &t);
			assert_non_null(img.symtab.syms);
			uint64_t lo = t.text_start, hi = gm_pclntab_text_end(&t);
			size_t checked = 0;
			for (size_t s = 1; s < img.symtab.count; s++) {
				const Elf64_Sym *sym = &img.symtab.syms[s];
				if (ELF64_ST_TYPE(sym->st_info) != STT_FUNC || sym->st_value < lo || sym->st_value >= hi)
					continue;
				const char *name = img.symtab.strtab + sym->st_name;
				struct gm_pclntab_func f;
				assert_int_equal(gm_pclntab_find_pc(&t, sym->st_value, &f), 0);
				/* the ELF symbols of assembly functions carry an ABI suffix (".abi0") */
				size_t n = strlen(f.name);
				if (!(strncmp(name, f.name, n) == 0 && (name[n] == '\0' || strcmp(name + n, ".abi0") == 0)))
					continue; /* e.g. a C function of cgo or a symbol inside a function */
				assert_int_equal(f.entry, sym->st_value);
				checked++;
			}
			assert_true(checked > 1000);
			gm_elf_close(&img);
		}
}

/* Stripped and unstripped builds have the same functions, sizes and lines. */
static void test_stripped_agrees(void **state)
{
	const char *pairs[2][2] = {{"cgo", "cgo-strip"}, {"static", "static-strip"}};
	for (int i = 0; i < gm_fx_nvers; i++)
		for (int p = 0; p < 2; p++) {
			struct gm_elf_image ia, ib;
			struct gm_pclntab ta, tb;
			gm_t_open(gm_fx_path(gm_fx_vers[i], pairs[p][0]), &ia, &ta);
			gm_t_open(gm_fx_path(gm_fx_vers[i], pairs[p][1]), &ib, &tb);
			assert_int_equal(ta.nfunc, tb.nfunc);
			for (uint64_t j = 0; j < ta.nfunc; j++) {
				struct gm_pclntab_func fa, fb;
				assert_int_equal(gm_pclntab_func_at(&ta, j, &fa), 0);
				assert_int_equal(gm_pclntab_func_at(&tb, j, &fb), 0);
				assert_string_equal(fa.name, fb.name);
				assert_int_equal(fa.end - fa.entry, fb.end - fb.entry);
				const char *fla, *flb;
				int32_t la, lb;
				int ra = gm_pclntab_line(&ta, &fa, fa.entry, &fla, &la);
				int rb = gm_pclntab_line(&tb, &fb, fb.entry, &flb, &lb);
				assert_int_equal(ra, rb);
				if (ra == 0) {
					assert_string_equal(fla, flb);
					assert_int_equal(la, lb);
				}
			}
			gm_elf_close(&ia);
			gm_elf_close(&ib);
		}
}

/* Scanning the read-only segments finds the same table as the section header, also in a
 * copy whose section headers were removed. */
static void test_scan(void **state)
{
	for (int i = 0; i < gm_fx_nvers; i++)
		for (int k = 0; k < GM_T_NKINDS; k++) {
			struct gm_elf_image img, bare;
			struct gm_pclntab t, s;
			gm_t_open(gm_fx_path(gm_fx_vers[i], gm_t_kinds[k]), &img, &t);
			uint8_t *copy = malloc(img.size);
			assert_non_null(copy);
			memcpy(copy, img.data, img.size);
			Elf64_Ehdr *eh = (Elf64_Ehdr *)copy;
			eh->e_shoff = 0, eh->e_shnum = 0, eh->e_shstrndx = 0;
			assert_int_equal(gm_elf_from_memory(&bare, copy, img.size), 0);
			struct gm_elf_section sec;
			assert_int_not_equal(gm_elf_section(&bare, ".gopclntab", &sec), 0);
			int found = 0;
			for (size_t p = 0; p < bare.phnum && !found; p++) {
				const Elf64_Phdr *ph = &bare.ph[p];
				size_t avail, off;
				if (ph->p_type != PT_LOAD || (ph->p_flags & PF_X))
					continue;
				const uint8_t *d = gm_elf_vaddr_data(&bare, ph->p_vaddr, 1, &avail);
				if (d && gm_pclntab_scan(&s, d, avail, &off) == 0) {
					found = 1;
					assert_int_equal(d + off - copy, t.data - img.data);
					assert_int_equal(s.nfunc, t.nfunc);
					/* the text base without section headers (nor symbols) */
					assert_int_equal(gm_pclntab_text_from_elf(&bare, &s), 0);
					assert_int_equal(s.text_start, t.text_start);
					assert_int_equal(s.text_src, t.text_src == GM_PCLN_TEXT_HEADER ? GM_PCLN_TEXT_HEADER
												   : GM_PCLN_TEXT_MD_SCAN);
				}
			}
			assert_true(found);
			free(copy);
			gm_elf_close(&img);
		}
}

/* A table cut short (ending at a guard page) errors or answers, never reads past its end. */
static void test_truncated_table(void **state)
{
	struct gm_elf_image img;
	struct gm_pclntab t;
	gm_t_open(gm_fx_path(gm_fx_vers[gm_fx_nvers - 1], "static"), &img, &t);
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t full = t.size;
	size_t pages = (full + 7) / pg + 2;
	uint8_t *map = mmap(NULL, (pages + 1) * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + pages * pg, pg, PROT_NONE), 0);
	int ok = 0, bad = 0;
	for (size_t cut = 0; cut < full; cut += cut < 256 ? 8 : 4096 + 8 * (cut % 7)) {
		uint8_t *buf = map + pages * pg - ((cut + 7) & ~(size_t)7);
		memcpy(buf, t.data, cut);
		struct gm_pclntab c;
		if (gm_pclntab_init(&c, buf, cut) != 0) {
			bad++;
			continue;
		}
		ok++;
		struct gm_pclntab_func f;
		const char *file;
		int32_t line, sp;
		for (uint64_t pc = c.text_start; pc < gm_pclntab_text_end(&c); pc += 97)
			if (gm_pclntab_find_pc(&c, pc, &f) == 0) {
				gm_pclntab_line(&c, &f, pc, &file, &line);
				gm_pclntab_sp_delta(&c, &f, pc, &sp);
				gm_pclntab_pcdata(&c, &f, GM_PCDATA_INLTREEINDEX, pc, &sp);
			}
		gm_pclntab_find_name(&c, "main.main", &f);
	}
	assert_true(bad > 0);
	/* the whole table, exactly at the guard page */
	uint8_t *buf = map + pages * pg - ((full + 7) & ~(size_t)7);
	memcpy(buf, t.data, full);
	struct gm_pclntab c;
	struct gm_pclntab_func f;
	assert_int_equal(gm_pclntab_init(&c, buf, full), 0);
	assert_int_equal(gm_pclntab_find_name(&c, "main.main", &f), 0);
	/* garbage with a valid magic */
	memset(buf, 0xff, 256);
	assert_int_not_equal(gm_pclntab_init(&c, buf, 256), 0);
	uint32_t magic = 0xfffffffb; /* Go 1.2-1.15: refused */
	memcpy(buf, &magic, 4);
	assert_int_not_equal(gm_pclntab_init(&c, buf, full), 0);
	(void)ok;
	munmap(map, (pages + 1) * pg);
	gm_elf_close(&img);
}

/* ---- the text base ---- */

/* The raw textStart word of the table's header (the 4th word, Go 1.18+). */
static uint64_t gm_t_raw_text_start(const struct gm_pclntab *t)
{
	uint64_t v;
	memcpy(&v, t->data + 8 + 2 * 8, 8);
	return v;
}

/* Go 1.18-1.25: header textStart == moduledata.text; 1.26+: the header holds 0 and the base
 * is moduledata.text from .go.module, equal to the runtime.text symbol (unstripped) or to the
 * unstripped twin's (stripped). Every kind: the first function starts at or after the base. */
static void test_text_base(void **state)
{
	for (int i = 0; i < gm_fx_nvers; i++)
		for (int k = 0; k < GM_T_NKINDS; k++) {
			struct gm_elf_image img;
			struct gm_pclntab t;
			const char *kind = gm_t_kinds[k];
			gm_t_open(gm_fx_path(gm_fx_vers[i], kind), &img, &t);
			uint64_t raw = gm_t_raw_text_start(&t), md, text;
			int src;
			assert_int_equal(gm_pclntab_moduledata(&img, &t, &md, &text, &src), 0);
			assert_int_equal(text, t.text_start);
			struct gm_elf_section s;
			if (gm_t_minor(gm_fx_vers[i]) >= 26) {
				assert_int_equal(raw, 0);
				assert_int_equal(t.text_src, GM_PCLN_TEXT_GO_MODULE);
				assert_int_equal(gm_elf_section(&img, ".go.module", &s), 0);
				assert_int_equal(md, s.addr);
			} else {
				assert_int_equal(raw, t.text_start);
				assert_int_equal(t.text_src, GM_PCLN_TEXT_HEADER);
				assert_true(src == GM_PCLN_TEXT_MD_SYMBOL || src == GM_PCLN_TEXT_MD_SCAN);
			}
			struct gm_elf_sym sym;
			if (strstr(kind, "strip")) {
				assert_int_not_equal(gm_elf_symbol(&img, "runtime.text", &sym), 0);
				struct gm_elf_image twin;
				struct gm_pclntab tt;
				char plain[32];
				snprintf(plain, sizeof plain, "%.*s", (int)(strstr(kind, "-strip") - kind), kind);
				gm_t_open(gm_fx_path(gm_fx_vers[i], plain), &twin, &tt);
				assert_int_equal(tt.text_start, t.text_start);
				gm_elf_close(&twin);
			} else {
				assert_int_equal(gm_elf_symbol(&img, "runtime.text", &sym), 0);
				assert_int_equal(sym.value, t.text_start);
			}
			struct gm_pclntab_func f0;
			assert_int_equal(gm_pclntab_func_at(&t, 0, &f0), 0);
			assert_true(f0.entry >= t.text_start && f0.entry < t.text_start + 4096);
			gm_elf_close(&img);
		}
}

/* A copy of exe without section headers (hence without symbols). */
static uint8_t *gm_t_bare_copy(const struct gm_elf_image *img, struct gm_elf_image *bare)
{
	uint8_t *copy = malloc(img->size);
	assert_non_null(copy);
	memcpy(copy, img->data, img->size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)copy;
	eh->e_shoff = 0, eh->e_shnum = 0, eh->e_shstrndx = 0;
	assert_int_equal(gm_elf_from_memory(bare, copy, img->size), 0);
	return copy;
}

/* A PIE whose file holds 0 where dynamic relocations apply (as lld writes it by default):
 * without section headers the moduledata is found through its relocations. */
static void test_text_base_relocs_only(void **state)
{
	const char *kinds[2] = {"pie", "cgo-pie"};
	for (int i = 0; i < gm_fx_nvers; i++)
		for (int k = 0; k < 2; k++) {
			struct gm_elf_image img, bare;
			struct gm_pclntab t, b;
			gm_t_open(gm_fx_path(gm_fx_vers[i], kinds[k]), &img, &t);
			uint64_t md, text;
			int src;
			assert_int_equal(gm_pclntab_moduledata(&img, &t, &md, &text, &src), 0);
			uint8_t *copy = gm_t_bare_copy(&img, &bare);
			size_t n, zeroed = 0;
			const Elf64_Rela *r = gm_elf_dyn_rela(&bare, &n);
			assert_non_null(r);
			for (size_t j = 0; j < n; j++) {
				if (ELF64_R_TYPE(r[j].r_info) != R_X86_64_RELATIVE)
					continue;
				uint64_t off = (uint64_t)(gm_elf_vaddr_data(&bare, r[j].r_offset, 8, NULL) - copy);
				if (r[j].r_offset >= md && r[j].r_offset < md + 24 * 8) {
					memset(copy + off, 0, 8);
					zeroed++;
				}
			}
			assert_true(zeroed >= 10); /* the pointers among the first 24 words */
			assert_int_equal(gm_pclntab_from_elf(&bare, &b), 0);
			assert_int_equal(b.text_start, t.text_start);
			if (t.text_src != GM_PCLN_TEXT_HEADER)
				assert_int_equal(b.text_src, GM_PCLN_TEXT_MD_SCAN);
			uint64_t md2;
			assert_int_equal(gm_pclntab_moduledata(&bare, &b, &md2, &text, &src), 0);
			assert_int_equal(md2, md);
			assert_int_equal(src, GM_PCLN_TEXT_MD_SCAN);
			free(copy);
			gm_elf_close(&img);
		}
}

/* A moduledata that does not describe the table is refused: the runtime.text symbol serves
 * when there is one; without it the table is refused rather than taken with base 0. */
static void test_text_base_refused(void **state)
{
	for (int i = 0; i < gm_fx_nvers; i++) {
		if (gm_t_minor(gm_fx_vers[i]) < 26)
			continue;
		const char *kinds[2] = {"cgo", "cgo-strip"};
		for (int k = 0; k < 2; k++) {
			struct gm_elf_image img, cimg;
			struct gm_pclntab t, c;
			gm_t_open(gm_fx_path(gm_fx_vers[i], kinds[k]), &img, &t);
			uint64_t md, text;
			int src;
			assert_int_equal(gm_pclntab_moduledata(&img, &t, &md, &text, &src), 0);
			uint8_t *copy = malloc(img.size);
			assert_non_null(copy);
			memcpy(copy, img.data, img.size);
			assert_int_equal(gm_elf_from_memory(&cimg, copy, img.size), 0);
			uint8_t *w = (uint8_t *)gm_elf_vaddr_data(&cimg, md + 17 * 8, 8, NULL); /* ftab.len */
			assert_non_null(w);
			uint64_t v;
			memcpy(&v, w, 8);
			assert_int_equal(v, t.nfunc + 1);
			v++;
			memcpy(w, &v, 8);
			int r = gm_pclntab_from_elf(&cimg, &c);
			if (k == 0) {
				assert_int_equal(r, 0);
				assert_int_equal(c.text_src, GM_PCLN_TEXT_SYMBOL);
				assert_int_equal(c.text_start, t.text_start);
			} else {
				assert_int_equal(r, -1);
				struct gm_elf_section s;
				if (gm_elf_section(&cimg, ".gopclntab", &s) == 0) {
					assert_int_equal(gm_pclntab_init(&c, s.data, s.size), 0);
					assert_int_equal(gm_pclntab_text_from_elf(&cimg, &c), -1);
					assert_int_equal(c.text_src, GM_PCLN_TEXT_UNKNOWN);
				}
			}
			free(copy);
			gm_elf_close(&img);
		}
	}
}

/* moduledata.gofunc, found without symbols, is the linker's go:func.* (1.19: go.func.*) in
 * the moduledata runtime.firstmoduledata of the unstripped builds; the stripped builds have
 * one too. */
static void test_gofunc(void **state)
{
	for (int i = 0; i < gm_fx_nvers; i++)
		for (int k = 0; k < GM_T_NKINDS; k++) {
			struct gm_elf_image img;
			struct gm_pclntab t;
			struct gm_pclntab_gofunc g;
			gm_t_open(gm_fx_path(gm_fx_vers[i], gm_t_kinds[k]), &img, &t);
			assert_int_equal(gm_pclntab_gofunc_from_elf(&img, &t, &g), 0);
			assert_int_equal(g.go_minor, gm_t_minor(gm_fx_vers[i]));
			assert_true(g.size > 0);
			assert_ptr_equal(g.data, gm_elf_vaddr_data(&img, g.vaddr, 1, NULL));
			if (!strstr(gm_t_kinds[k], "strip")) {
				struct gm_elf_sym gf, md;
				if (gm_elf_symbol(&img, "go:func.*", &gf) != 0)
					assert_int_equal(gm_elf_symbol(&img, "go.func.*", &gf), 0);
				assert_int_equal(g.vaddr, gf.value);
				assert_int_equal(gm_elf_symbol(&img, "runtime.firstmoduledata", &md), 0);
				assert_int_equal(g.moduledata, md.value);
			}
			gm_elf_close(&img);
		}
}

/* Inline trees: at every pc of every function that has one, the frames end with the
 * function itself (the only frame not inlined), every frame has a name, and the stripped
 * build gives the unstripped build's frames; some pcs have inlined frames. */
static void test_inline_frames(void **state)
{
	const char *pairs[2][2] = {{"cgo", "cgo-strip"}, {"static", "static-strip"}};
	for (int i = 0; i < gm_fx_nvers; i++)
		for (int p = 0; p < 2; p++) {
			struct gm_elf_image ia, ib;
			struct gm_pclntab ta, tb;
			struct gm_pclntab_gofunc ga, gb;
			gm_t_open(gm_fx_path(gm_fx_vers[i], pairs[p][0]), &ia, &ta);
			gm_t_open(gm_fx_path(gm_fx_vers[i], pairs[p][1]), &ib, &tb);
			assert_int_equal(gm_pclntab_gofunc_from_elf(&ia, &ta, &ga), 0);
			assert_int_equal(gm_pclntab_gofunc_from_elf(&ib, &tb, &gb), 0);
			assert_int_equal(ta.nfunc, tb.nfunc);
			uint64_t trees = 0, inlined = 0, deep = 0;
			for (uint64_t j = 0; j < ta.nfunc; j++) {
				struct gm_pclntab_func fa, fb;
				const uint8_t *tree;
				size_t avail;
				assert_int_equal(gm_pclntab_func_at(&ta, j, &fa), 0);
				assert_int_equal(gm_pclntab_func_at(&tb, j, &fb), 0);
				int ra = gm_pclntab_funcdata(&ta, &ga, &fa, GM_FUNCDATA_INLTREE, &tree, &avail);
				assert_int_equal(ra, gm_pclntab_funcdata(&tb, &gb, &fb, GM_FUNCDATA_INLTREE, &tree, &avail));
				if (ra != 0)
					continue;
				trees++;
				for (uint64_t o = 0; o < fa.end - fa.entry; o++) {
					struct gm_pclntab_frame a[8], b[8];
					unsigned na = gm_pclntab_frames(&ta, &ga, &fa, fa.entry + o, a, 8);
					unsigned nb = gm_pclntab_frames(&tb, &gb, &fb, fb.entry + o, b, 8);
					assert_int_equal(na, nb);
					assert_true(na >= 1);
					assert_string_equal(a[na - 1].func, fa.name);
					for (unsigned n = 0; n < na; n++) {
						assert_true(a[n].func[0] != '\0');
						assert_int_equal(a[n].inlined, n + 1 < na);
						assert_string_equal(a[n].func, b[n].func);
						assert_int_equal(a[n].line, b[n].line);
						assert_true((a[n].file == NULL) == (b[n].file == NULL));
						if (a[n].file)
							assert_string_equal(a[n].file, b[n].file);
					}
					inlined += na > 1;
					deep += na > 2;
					/* a short buffer keeps the innermost frames and the function */
					struct gm_pclntab_frame c[2];
					unsigned nc = gm_pclntab_frames(&ta, &ga, &fa, fa.entry + o, c, 2);
					assert_int_equal(nc, na > 2 ? 2 : na);
					assert_string_equal(c[nc - 1].func, fa.name);
					assert_int_equal(c[nc - 1].line, a[na - 1].line);
					assert_string_equal(c[0].func, a[0].func);
				}
			}
			assert_true(trees > 100 && inlined > 1000 && deep > 0);
			/* without the funcdata: the function alone */
			struct gm_pclntab_func f;
			struct gm_pclntab_frame one[4];
			assert_int_equal(gm_pclntab_find_name(&ta, "main.main", &f), 0);
			assert_int_equal(gm_pclntab_frames(&ta, NULL, &f, f.entry, one, 4), 1);
			assert_string_equal(one[0].func, "main.main");
			assert_false(one[0].inlined);
			assert_int_equal(gm_pclntab_frames(&ta, &ga, &f, f.end, one, 4), 0);
			assert_int_equal(gm_pclntab_frames(&ta, &ga, &f, f.entry, one, 0), 0);
			gm_elf_close(&ia);
			gm_elf_close(&ib);
		}
}

static int gm_t_setup(void **state)
{
	return gm_fx_setup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_madvise),         cmocka_unit_test(test_main),
		cmocka_unit_test(test_symtab_agrees),   cmocka_unit_test(test_stripped_agrees),
		cmocka_unit_test(test_scan),            cmocka_unit_test(test_truncated_table),
		cmocka_unit_test(test_text_base),       cmocka_unit_test(test_text_base_relocs_only),
		cmocka_unit_test(test_text_base_refused),
		cmocka_unit_test(test_gofunc),          cmocka_unit_test(test_inline_frames),
	};
	return cmocka_run_group_tests(tests, gm_t_setup, NULL);
}
