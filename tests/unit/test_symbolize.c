/* test_symbolize.c: unit tests of tools/report/modmap.c and symbolize.c on real binaries
 * built at test time (test_symbolize_fx.h): Go frames of a cgo program, plain and stripped,
 * for every Go version, against `go tool addr2line` (physical function, innermost file:line);
 * inlined Go calls (a cgo wrapper, a Go function and its cgo wrapper) against the fixture's
 * source lines, plain = stripped, and .gopclntab = DWARF; C frames with inlining against
 * binutils `addr2line -f -i`; a PIC shared library; a missing and a rebuilt (changed) binary. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "tests/unit/test_symbolize_fx.h"
#include "tools/report/modmap.h"
#include "tools/report/symbolize.h"
#include "tests/unit/test_go.h"

/* ---- helpers ---- */

#define GM_T_EXE_BASE 0x400000ULL /* where a non-PIE Go program is loaded (and linked) */

/* A module map holding the executable `path` (non-PIE) with its build id from the file. */
static struct gm_modmap *gm_t_exe_map(const char *path)
{
	struct gm_modmap *m = gm_modmap_new();
	assert_non_null(m);
	struct gm_elf_image img;
	assert_int_equal(gm_elf_open(&img, path), 0);
	uint64_t end = 0;
	for (size_t i = 0; i < img.phnum; i++)
		if (img.ph[i].p_type == PT_LOAD && img.ph[i].p_vaddr + img.ph[i].p_memsz > end)
			end = img.ph[i].p_vaddr + img.ph[i].p_memsz;
	assert_non_null(gm_modmap_add(m, GM_T_EXE_BASE, end - GM_T_EXE_BASE, path, false));
	const uint8_t *id;
	size_t len;
	if (gm_elf_build_id(&img, &id, &len) == 0)
		assert_int_equal(gm_modmap_set_build_id(m, GM_T_EXE_BASE, id, len), 0);
	gm_elf_close(&img);
	return m;
}

static const char *gm_t_base(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path;
}

/* ---- modmap ---- */

static void test_modmap(void **state)
{
	(void)state;
	struct gm_modmap *m = gm_modmap_new();
	assert_non_null(m);
	assert_non_null(gm_modmap_add(m, 0x400000, 0x100000, "/app", false));
	assert_non_null(gm_modmap_add(m, 0x7f0000000000, 0x20000, "/lib/a.so", true));
	assert_non_null(gm_modmap_add(m, 0x7f0000100000, 0x20000, "/lib/b.so", true));
	uint64_t off;
	const struct gm_module *mod = gm_modmap_find(m, 0x401234, &off);
	assert_non_null(mod);
	assert_string_equal(mod->path, "/app");
	assert_int_equal(off, 0x401234); /* not PIC: the address itself */
	mod = gm_modmap_find(m, 0x7f0000101234, &off);
	assert_string_equal(mod->path, "/lib/b.so");
	assert_int_equal(off, 0x1234); /* PIC: relative to baddr */
	assert_null(gm_modmap_find(m, 0x7f0000020000, NULL)); /* one past a.so */
	assert_null(gm_modmap_find(m, 0x3fffff, NULL));
	/* build ids attach by baddr */
	const uint8_t id[3] = { 1, 2, 3 };
	assert_int_equal(gm_modmap_set_build_id(m, 0x7f0000000000, id, 3), 0);
	assert_int_equal(gm_modmap_set_build_id(m, 0x7f0000000001, id, 3), -1);
	assert_int_equal(gm_modmap_find(m, 0x7f0000000010, NULL)->build_id_len, 3);
	/* unload keeps resolving until replaced */
	const struct gm_module *a = gm_modmap_find(m, 0x7f0000000010, NULL);
	assert_int_equal(gm_modmap_unload(m, 0x7f0000000000), 0);
	assert_ptr_equal(gm_modmap_find(m, 0x7f0000000010, NULL), a);
	assert_true(a->unloaded);
	/* a statedump re-sending the same module replaces it; the old pointer stays valid */
	gm_modmap_statedump_start(m);
	assert_non_null(gm_modmap_add(m, 0x7f0000000000, 0x20000, "/lib/a.so", true));
	const struct gm_module *a2 = gm_modmap_find(m, 0x7f0000000010, NULL);
	assert_ptr_not_equal(a2, a);
	assert_false(a2->unloaded);
	assert_string_equal(a->path, "/lib/a.so");
	assert_int_equal(gm_modmap_count(m), 3);
	/* an overlapping new module (exec, or a dlopen at the old place) replaces both neighbours */
	assert_non_null(gm_modmap_add(m, 0x7f0000010000, 0x100000, "/lib/c.so", true));
	assert_int_equal(gm_modmap_count(m), 2);
	assert_string_equal(gm_modmap_find(m, 0x7f0000000010 + 0x10000, NULL)->path, "/lib/c.so");
	assert_null(gm_modmap_find(m, 0x7f0000000010, NULL));
	assert_string_equal(gm_modmap_at(m, 0)->path, "/app");
	assert_string_equal(gm_modmap_at(m, 1)->path, "/lib/c.so");
	assert_null(gm_modmap_at(m, 2));
	/* a copy is independent */
	struct gm_modmap *c = gm_modmap_copy(m);
	assert_non_null(c);
	assert_non_null(gm_modmap_add(c, 0x400000, 0x1000, "/other", false));
	assert_string_equal(gm_modmap_find(m, 0x400010, NULL)->path, "/app");
	assert_string_equal(gm_modmap_find(c, 0x400010, NULL)->path, "/other");
	/* memsz 0 (the vDSO in a statedump) still covers its base address */
	assert_non_null(gm_modmap_add(c, 0x7ff000000000, 0, "[linux-vdso.so.1]", false));
	assert_non_null(gm_modmap_find(c, 0x7ff000000000, NULL));
	gm_modmap_free(c);
	gm_modmap_free(m);
}

/* ---- Go frames ---- */

/* Symbolize pcs spread over `func` of the fixture binary `bin` (plain or stripped) and compare
 * with `go tool addr2line` on the plain build at the same offset in the function: it names
 * the physical function (our last frame) at the innermost position (our first frame). */
static void gm_t_go_func(const char *v, const char *plain, const char *bin, const char *func)
{
	uint64_t pentry, psize;
	assert_int_equal(gm_sfx_gonm(v, plain, func, &pentry, &psize), 0);
	/* The function's entry in `bin`, from its own table (a stripped file has no symbols). */
	struct gm_elf_image img;
	struct gm_pclntab tab;
	struct gm_pclntab_func fn;
	assert_int_equal(gm_elf_open(&img, bin), 0);
	assert_int_equal(gm_pclntab_from_elf(&img, &tab), 0);
	assert_int_equal(gm_pclntab_find_name(&tab, func, &fn), 0);
	uint64_t entry = fn.entry;
	gm_elf_close(&img);

	char cmd[4096];
	int k = snprintf(cmd, sizeof cmd, "printf '");
	uint64_t offs[64];
	int n = 0;
	for (uint64_t o = 0; o < psize && n < 64; o += 5)
		offs[n++] = o;
	for (int i = 0; i < n; i++)
		k += snprintf(cmd + k, sizeof cmd - k, "%" PRIx64 "\\n", pentry + offs[i]);
	snprintf(cmd + k, sizeof cmd - k, "' | %s tool addr2line '%s'", gm_test_go(v), plain);
	char *out = gm_sfx_run(cmd);
	assert_non_null(out);

	struct gm_sym *s = gm_sym_new(NULL);
	struct gm_modmap *m = gm_t_exe_map(bin);
	char *save = NULL, *line = strtok_r(out, "\n", &save);
	for (int i = 0; i < n; i++) {
		char *name = line, *pos = strtok_r(NULL, "\n", &save);
		assert_non_null(name);
		assert_non_null(pos);
		line = strtok_r(NULL, "\n", &save);
		uint64_t pc = entry + offs[i];
		struct gm_sym_result r = gm_sym_lookup(s, m, pc, false);
		assert_true(r.n >= 1);
		for (unsigned k = 0; k < r.n; k++) {
			assert_int_equal(r.frames[k].status, GM_SYM_OK);
			assert_non_null(r.frames[k].func);
			assert_int_equal(r.frames[k].inlined, k + 1 < r.n);
		}
		assert_string_equal(r.frames[r.n - 1].func, name);
		const struct gm_sym_frame *f = &r.frames[0];
		char want[2048], got[2048];
		snprintf(want, sizeof want, "%s", pos);
		if (f->line > 0)
			snprintf(got, sizeof got, "%s:%d", f->file, f->line);
		else
			snprintf(got, sizeof got, "%s:%d", f->file ? f->file : "", f->line);
		if (strcmp(want, got) != 0 && !(f->line <= 0 && strstr(want, ":-1")))
			fail_msg("Go %s %s pc %#" PRIx64 ": ours %s, go tool addr2line %s", v, bin, pc, got, want);
		/* A return address pc+1 is looked up at pc: the very same cached result. */
		struct gm_sym_result r2 = gm_sym_lookup(s, m, pc + 1, true);
		assert_ptr_equal(r2.frames, r.frames);
		assert_string_equal(gm_t_base(f->module), gm_t_base(bin));
	}
	gm_modmap_free(m);
	gm_sym_free(s);
	free(out);
}

static void test_go_frames(void **state)
{
	(void)state;
	for (int i = 0; i < gm_sfx_nvers; i++) {
		const char *v = gm_sfx_vers[i];
		char plain[192], strip[192];
		snprintf(plain, sizeof plain, "fx-%s", v);
		snprintf(strip, sizeof strip, "fx-%s-strip", v);
		const char *pp = gm_sfx_path(plain), *sp = gm_sfx_path(strip);
		gm_t_go_func(v, pp, pp, "main.leakHere");
		gm_t_go_func(v, pp, pp, "main.main");
		gm_t_go_func(v, pp, sp, "main.leakHere");
		gm_t_go_func(v, pp, sp, "main.main");
		gm_t_go_func(v, pp, pp, "main.leakInlined");
		gm_t_go_func(v, pp, sp, "main.leakInlined");
	}
}

/* ---- inlined Go calls ---- */

/* Whether path is suffix or ends with "/suffix". */
static bool gm_t_ends(const char *path, const char *suffix)
{
	size_t n = path ? strlen(path) : 0, k = strlen(suffix);
	return n >= k && !strcmp(path + n - k, suffix) && (n == k || path[n - k - 1] == '/');
}

/* Print the frames of r (on a failure). */
static void gm_t_print_frames(const char *what, struct gm_sym_result r)
{
	for (unsigned k = 0; k < r.n; k++)
		print_message("%s [%u] %s %s:%d%s\n", what, k, r.frames[k].func ? r.frames[k].func : "?",
			      r.frames[k].file ? r.frames[k].file : "?", r.frames[k].line,
			      r.frames[k].inlined ? " (inlined)" : "");
}

/* Frame k of r: function, file (ending as `file`), line (0: any positive), inlined. */
static void gm_t_frame(const char *what, struct gm_sym_result r, unsigned k, const char *func,
		       const char *file, int line, bool inlined)
{
	if (k >= r.n) {
		gm_t_print_frames(what, r);
		fail_msg("%s: %u frames, no frame %u (%s)", what, r.n, k, func);
	}
	const struct gm_sym_frame *f = &r.frames[k];
	if (!f->func || strcmp(f->func, func) != 0 || !gm_t_ends(f->file, file) ||
	    (line ? f->line != line : f->line <= 0) || f->inlined != inlined) {
		gm_t_print_frames(what, r);
		fail_msg("%s frame %u: %s %s:%d%s, want %s .../%s:%d%s", what, k, f->func ? f->func : "?",
			 f->file ? f->file : "?", f->line, f->inlined ? " (inlined)" : "", func, file, line,
			 inlined ? " (inlined)" : "");
	}
}

/* Whether two results hold the same frames (file base names compared when base_only; the
 * lines of the first frame only when first_line_only). */
static bool gm_t_same_frames(struct gm_sym_result a, struct gm_sym_result b, bool base_only,
			     bool first_line_only)
{
	if (a.n != b.n)
		return false;
	for (unsigned k = 0; k < a.n; k++) {
		const struct gm_sym_frame *x = &a.frames[k], *y = &b.frames[k];
		const char *fx = base_only ? gm_t_base(x->file) : x->file;
		const char *fy = base_only ? gm_t_base(y->file) : y->file;
		if (!x->func || !y->func || strcmp(x->func, y->func) != 0 ||
		    (x->line != y->line && !(first_line_only && k > 0)) ||
		    x->inlined != y->inlined || (fx && fy ? strcmp(fx, fy) != 0 : fx != fy))
			return false;
	}
	return true;
}

/* The return addresses of the cgo calls in main.leakInlined (what a traced C.malloc stack
 * holds) expand into the inlined calls, each at its own line, and the caller at the call
 * site: C.malloc's wrapper in main.gmInner in main.leakInlined, and C.malloc's wrapper
 * directly in main.leakInlined (the demo's case); plain and stripped. A cgo function's own
 * wrapper (main._Cfunc_gmsym_alloc, called from main.leakHere) is not inlined. */
static void test_go_inlined(void **state)
{
	(void)state;
	int inner = gm_sfx_go_line("GM_INNER_CALL"), outer = gm_sfx_go_line("GM_OUTER_CALL");
	int direct = gm_sfx_go_line("GM_MALLOC_CALL"), leak = gm_sfx_go_line("GM_LEAK_CALL");
	assert_true(inner > 0 && outer > 0 && direct > 0 && leak > 0);
	for (int i = 0; i < gm_sfx_nvers; i++) {
		for (int strip = 0; strip < 2; strip++) {
			char name[192], what[256];
			snprintf(name, sizeof name, "fx-%s%s", gm_sfx_vers[i], strip ? "-strip" : "");
			const char *bin = gm_sfx_path(name);
			struct gm_sym *s = gm_sym_new(NULL);
			struct gm_modmap *m = gm_t_exe_map(bin);
			/* the two calls of main._cgo_cmalloc, in either order */
			int three = 0, two = 0;
			for (int k = 0; k < 2; k++) {
				uint64_t ra = gm_sfx_call_ra(bin, "main.leakInlined", "main._cgo_cmalloc", k);
				assert_true(ra != 0);
				struct gm_sym_result r = gm_sym_lookup(s, m, ra, true);
				snprintf(what, sizeof what, "%s leakInlined's call %d", name, k);
				gm_t_frame(what, r, 0, "main._Cfunc__CMalloc", "_cgo_gotypes.go", 0, true);
				if (r.n == 3) {
					gm_t_frame(what, r, 1, "main.gmInner", "symbols-fx/src/main.go", inner, true);
					gm_t_frame(what, r, 2, "main.leakInlined", "symbols-fx/src/main.go", outer, false);
					three++;
				} else {
					assert_int_equal(r.n, 2);
					gm_t_frame(what, r, 1, "main.leakInlined", "symbols-fx/src/main.go", direct, false);
					two++;
				}
			}
			assert_int_equal(three, 1);
			assert_int_equal(two, 1);
			assert_int_equal(gm_sfx_call_ra(bin, "main.leakInlined", "main._cgo_cmalloc", 2), 0);
			/* the wrapper of a cgo function is a function of its own */
			uint64_t ra = gm_sfx_call_ra(bin, "main.leakHere", "main._Cfunc_gmsym_alloc", 0);
			assert_true(ra != 0);
			struct gm_sym_result r = gm_sym_lookup(s, m, ra, true);
			snprintf(what, sizeof what, "%s leakHere's call", name);
			assert_int_equal(r.n, 1);
			gm_t_frame(what, r, 0, "main.leakHere", "symbols-fx/src/main.go", leak, false);
			gm_modmap_free(m);
			gm_sym_free(s);
		}
	}
}

/* Every pc of the Go functions of the fixture: the stripped build gives the plain build's
 * frames, and in the plain build .gopclntab's inline tree gives DWARF's inlined subroutines
 * (names, lines, file base names). Go 1.19's DW_AT_call_line ignores //line directives
 * (golang/go#58648) and in a cgo file counts from cgo's rewritten main.cgo1.go: there the
 * callers' lines are not compared. */
static void test_go_inlined_agree(void **state)
{
	(void)state;
	static const char *const funcs[] = { "main.leakInlined", "main.leakHere", "main.main" };
	for (int i = 0; i < gm_sfx_nvers; i++) {
		char plain[192], strip[192];
		snprintf(plain, sizeof plain, "fx-%s", gm_sfx_vers[i]);
		snprintf(strip, sizeof strip, "fx-%s-strip", gm_sfx_vers[i]);
		const char *pp = gm_sfx_path(plain), *sp = gm_sfx_path(strip);
		struct gm_sym *s = gm_sym_new(NULL), *sd = gm_sym_new(NULL);
		gm_sym_set_go_dwarf_first(sd, true);
		struct gm_modmap *mp = gm_t_exe_map(pp), *ms = gm_t_exe_map(sp);
		struct gm_elf_image ip, is;
		struct gm_pclntab tp, ts;
		assert_int_equal(gm_elf_open(&ip, pp), 0);
		assert_int_equal(gm_elf_open(&is, sp), 0);
		assert_int_equal(gm_pclntab_from_elf(&ip, &tp), 0);
		assert_int_equal(gm_pclntab_from_elf(&is, &ts), 0);
		int inlined = 0;
		bool old_dwarf = atoi(strchr(gm_sfx_vers[i], '.') + 1) < 21;
		for (size_t k = 0; k < sizeof funcs / sizeof funcs[0]; k++) {
			struct gm_pclntab_func fp, fs;
			assert_int_equal(gm_pclntab_find_name(&tp, funcs[k], &fp), 0);
			assert_int_equal(gm_pclntab_find_name(&ts, funcs[k], &fs), 0);
			assert_int_equal(fp.end - fp.entry, fs.end - fs.entry);
			for (uint64_t o = 0; o < fp.end - fp.entry; o++) {
				struct gm_sym_result a = gm_sym_lookup(s, mp, fp.entry + o, false);
				struct gm_sym_result b = gm_sym_lookup(s, ms, fs.entry + o, false);
				struct gm_sym_result d = gm_sym_lookup(sd, mp, fp.entry + o, false);
				inlined += a.n > 1;
				if (!gm_t_same_frames(a, b, false, false)) {
					gm_t_print_frames("plain", a);
					gm_t_print_frames("stripped", b);
					fail_msg("Go %s %s+%#" PRIx64 ": stripped differs", gm_sfx_vers[i], funcs[k], o);
				}
				if (!gm_t_same_frames(a, d, true, old_dwarf)) {
					gm_t_print_frames(".gopclntab", a);
					gm_t_print_frames("DWARF", d);
					fail_msg("Go %s %s+%#" PRIx64 ": DWARF differs", gm_sfx_vers[i], funcs[k], o);
				}
			}
		}
		assert_true(inlined > 0);
		gm_elf_close(&ip);
		gm_elf_close(&is);
		gm_modmap_free(mp);
		gm_modmap_free(ms);
		gm_sym_free(s);
		gm_sym_free(sd);
	}
}

/* ---- C frames (DWARF) ---- */

/* The minor version of "1.NN". */
static int gm_t_go_minor(const char *v)
{
	return strncmp(v, "1.", 2) == 0 ? atoi(v + 2) : 0;
}

/* Compare every byte address of C function `func` in module file `bin` (loaded at `base`,
 * PIC or not) with binutils addr2line -f -i, or with elfutils' eu-addr2line when `eu` (Go
 * 1.25+ writes DWARF 5 line tables, which binutils 2.40's addr2line does not read: "??:?").
 * Returns how many addresses had inlined frames. file_too: also compare file base names (not
 * for cgo, whose #line directives binutils reports differently from elfutils). */
static int gm_t_c_func(const char *bin, const char *func, uint64_t base, bool pic, bool file_too, bool eu)
{
	uint64_t entry, size;
	assert_int_equal(gm_sfx_nm(bin, func, &entry, &size), 0);
	assert_true(size > 0 && size < 4096);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s -a -f -i -e '%s' $(seq -f '%%.0f' %" PRIu64 " %" PRIu64 " | awk '{ printf \"%%x \", $1 }')",
		 eu ? "eu-addr2line" : "addr2line", bin, entry, entry + size - 1);
	char *out = gm_sfx_run(cmd);
	assert_non_null(out);
	struct gm_sym *s = gm_sym_new(NULL);
	struct gm_modmap *m = gm_modmap_new();
	assert_non_null(gm_modmap_add(m, base, 0x10000000, bin, pic));
	int inlined = 0;
	char *save = NULL, *line = strtok_r(out, "\n", &save);
	for (uint64_t a = entry; a < entry + size; a++) {
		/* "0x...addr" then pairs of lines "func" "file:line[ (discriminator N)]" */
		assert_non_null(line);
		assert_int_equal(strtoull(line, NULL, 16), a);
		char *names[32], *poss[32];
		int nw = 0;
		while ((line = strtok_r(NULL, "\n", &save)) && strncmp(line, "0x", 2) != 0 && nw < 32) {
			names[nw] = line;
			poss[nw++] = strtok_r(NULL, "\n", &save);
			if (eu) { /* "inl inlined at f.c:11:8 in outer", "f.c:6:47": name, drop the column */
				char *at = strstr(line, " inlined at ");
				if (at)
					*at = '\0';
				char *p = poss[nw - 1], *c1 = p ? strrchr(p, ':') : NULL;
				if (c1 && c1 != p) {
					*c1 = '\0';
					char *c0 = strrchr(p, ':');
					if (!c0 || !isdigit((unsigned char)c0[1]))
						*c1 = ':'; /* only file:line */
				}
			}
		}
		struct gm_sym_result r = gm_sym_lookup(s, m, pic ? base + a : a, false);
		if (r.n != (unsigned)nw)
			fail_msg("%s %#" PRIx64 ": %u frames, addr2line %d", bin, a, r.n, nw);
		for (int k = 0; k < nw; k++) {
			const struct gm_sym_frame *f = &r.frames[k];
			assert_int_equal(f->status, GM_SYM_OK);
			assert_non_null(f->func);
			if (strcmp(f->func, names[k]) != 0)
				fail_msg("%s %#" PRIx64 " frame %d: ours %s, addr2line %s", bin, a, k, f->func, names[k]);
			const char *colon = strrchr(poss[k], ':');
			assert_non_null(colon);
			int want = atoi(colon + 1);
			if (want != f->line)
				fail_msg("%s %#" PRIx64 " frame %d (%s): line %d, addr2line %s", bin, a, k, f->func, f->line, poss[k]);
			if (file_too) {
				char wfile[1024];
				snprintf(wfile, sizeof wfile, "%.*s", (int)(colon - poss[k]), poss[k]);
				assert_string_equal(gm_t_base(f->file), gm_t_base(wfile));
			}
			assert_int_equal(f->inlined, k < nw - 1);
		}
		inlined += nw > 1;
	}
	gm_modmap_free(m);
	gm_sym_free(s);
	free(out);
	return inlined;
}

static void test_c_frames(void **state)
{
	(void)state;
	for (int i = 0; i < gm_sfx_nvers; i++) {
		char plain[192], strip[192];
		snprintf(plain, sizeof plain, "fx-%s", gm_sfx_vers[i]);
		snprintf(strip, sizeof strip, "fx-%s-strip", gm_sfx_vers[i]);
		const char *pp = gm_sfx_path(plain);
		bool eu = gm_t_go_minor(gm_sfx_vers[i]) >= 25;
		assert_true(gm_t_c_func(pp, "gmsym_outer", GM_T_EXE_BASE, false, false, eu) > 0);
		gm_t_c_func(pp, "gmsym_alloc", GM_T_EXE_BASE, false, false, eu);
		/* Stripped: no DWARF; a C address is never attributed to a Go function. */
		uint64_t entry, size;
		assert_int_equal(gm_sfx_nm(pp, "gmsym_outer", &entry, &size), 0);
		struct gm_sym *s = gm_sym_new(NULL);
		struct gm_modmap *m = gm_t_exe_map(gm_sfx_path(strip));
		struct gm_elf_image img;
		struct gm_pclntab tab;
		struct gm_pclntab_func fn;
		assert_int_equal(gm_elf_open(&img, gm_sfx_path(strip)), 0);
		assert_int_equal(gm_pclntab_from_elf(&img, &tab), 0);
		assert_int_equal(gm_pclntab_find_name(&tab, "main.leakHere", &fn), 0);
		struct gm_pclntab_func pfn;
		struct gm_elf_image pimg;
		struct gm_pclntab ptab;
		assert_int_equal(gm_elf_open(&pimg, pp), 0);
		assert_int_equal(gm_pclntab_from_elf(&pimg, &ptab), 0);
		assert_int_equal(gm_pclntab_find_name(&ptab, "main.leakHere", &pfn), 0);
		/* Same layout in both builds (checked through main.leakHere). */
		if (fn.entry == pfn.entry) {
			for (uint64_t a = entry; a < entry + size; a++) {
				struct gm_sym_result r = gm_sym_lookup(s, m, a, false);
				assert_int_equal(r.n, 1);
				if (r.frames[0].func && strcmp(r.frames[0].func, "gmsym_outer") != 0)
					fail_msg("stripped %s %#" PRIx64 ": %s", strip, a, r.frames[0].func);
			}
		}
		gm_elf_close(&img);
		gm_elf_close(&pimg);
		gm_modmap_free(m);
		gm_sym_free(s);
	}
}

static void test_pic_library(void **state)
{
	(void)state;
	const char *lib = gm_sfx_path("libgmsymfx.so");
	assert_true(gm_t_c_func(lib, "gmsymlib_outer", 0x7f1234500000ULL, true, true, false) > 0);
}

/* ---- missing and changed binaries ---- */

/* Lookups of three addresses of a module whose file is not the one recorded. */
static void gm_t_unusable(const char *path, const uint8_t *id, size_t idlen,
			  enum gm_sym_status want, const char *note)
{
	char *warns = NULL;
	size_t wlen = 0;
	FILE *w = open_memstream(&warns, &wlen);
	assert_non_null(w);
	struct gm_sym *s = gm_sym_new(w);
	struct gm_modmap *m = gm_modmap_new();
	assert_non_null(gm_modmap_add(m, GM_T_EXE_BASE, 0x1000000, path, false));
	if (idlen)
		assert_int_equal(gm_modmap_set_build_id(m, GM_T_EXE_BASE, id, idlen), 0);
	for (uint64_t a = 0x401000; a < 0x401003; a++) {
		struct gm_sym_result r = gm_sym_lookup(s, m, a + 1, true);
		assert_int_equal(r.n, 1);
		assert_null(r.frames[0].func);
		assert_int_equal(r.frames[0].status, want);
		assert_int_equal(r.frames[0].offset, a);
		char buf[1024], exp[1024];
		snprintf(exp, sizeof exp, "0x%" PRIx64 " in %s (%s)", a, path, note);
		assert_string_equal(gm_sym_format(&r.frames[0], buf, sizeof buf), exp);
	}
	gm_sym_free(s);
	gm_modmap_free(m);
	fclose(w);
	/* One warning for the module, naming it. */
	int lines = 0;
	for (size_t i = 0; i < wlen; i++)
		lines += warns[i] == '\n';
	assert_int_equal(lines, 1);
	assert_non_null(strstr(warns, path));
	free(warns);
}

static void test_missing_and_changed(void **state)
{
	(void)state;
	char dir[] = "/tmp/gm-test-symbolize.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char app[256], cmd[2048];
	snprintf(app, sizeof app, "%s/app", dir);
	const char *v0 = gm_sfx_vers[0], *v1 = gm_sfx_vers[gm_sfx_nvers - 1];
	char a0[192], a1[192];
	snprintf(a0, sizeof a0, "fx-%s", v0);
	snprintf(a1, sizeof a1, "fx-%s-strip", v1); /* another build: another build id */
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", gm_sfx_path(a0), app);
	assert_int_equal(system(cmd), 0);
	/* The build id recorded: the one of the file at recording time. */
	struct gm_elf_image img;
	const uint8_t *id;
	size_t idlen;
	uint8_t rec[GM_BUILD_ID_MAX];
	assert_int_equal(gm_elf_open(&img, app), 0);
	assert_int_equal(gm_elf_build_id(&img, &id, &idlen), 0);
	memcpy(rec, id, idlen);
	gm_elf_close(&img);
	/* Sanity: the file as recorded symbolizes. */
	struct gm_sym *s = gm_sym_new(NULL);
	struct gm_modmap *m = gm_t_exe_map(app);
	uint64_t entry, size;
	assert_int_equal(gm_sfx_gonm(v0, app, "main.leakHere", &entry, &size), 0);
	struct gm_sym_result r = gm_sym_lookup(s, m, entry + 8, true);
	assert_string_equal(r.frames[0].func, "main.leakHere");
	gm_modmap_free(m);
	gm_sym_free(s);
	/* Rebuilt since recording: another binary at the same path. */
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", gm_sfx_path(a1), app);
	assert_int_equal(system(cmd), 0);
	gm_t_unusable(app, rec, idlen, GM_SYM_CHANGED, "changed: build id differs");
	/* Gone. */
	assert_int_equal(unlink(app), 0);
	gm_t_unusable(app, rec, idlen, GM_SYM_MISSING, "missing");
	rmdir(dir);
}

static void test_no_module(void **state)
{
	(void)state;
	struct gm_sym *s = gm_sym_new(NULL);
	struct gm_modmap *m = gm_modmap_new();
	struct gm_sym_result r = gm_sym_lookup(s, m, 0x1235, true);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.frames[0].status, GM_SYM_NOMODULE);
	char buf[128];
	assert_string_equal(gm_sym_format(&r.frames[0], buf, sizeof buf), "0x1234 (no module)");
	/* the vDSO's pseudo path is never opened, never warned about */
	assert_non_null(gm_modmap_add(m, 0x7ff000000000, 0x2000, "[vdso]", false));
	r = gm_sym_lookup(s, m, 0x7ff000000010, false);
	assert_int_equal(r.frames[0].status, GM_SYM_MISSING);
	gm_modmap_free(m);
	gm_sym_free(s);
}

int main(void)
{
	if (gm_sfx_setup() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modmap),
		cmocka_unit_test(test_no_module),
		cmocka_unit_test(test_go_frames),
		cmocka_unit_test(test_go_inlined),
		cmocka_unit_test(test_go_inlined_agree),
		cmocka_unit_test(test_c_frames),
		cmocka_unit_test(test_pic_library),
		cmocka_unit_test(test_missing_and_changed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
