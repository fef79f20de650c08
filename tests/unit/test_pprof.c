/* test_pprof.c: unit tests of tools/report/pprof.c and folded.c: profiles of stacks from a
 * real cgo program (test_symbolize_fx.h), read back by `go tool pprof` (-top on every sample
 * type, -traces, inlined Go calls as several lines of one location), and the folded lines,
 * for every Go version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "tests/unit/test_symbolize_fx.h"
#include "tools/report/folded.h"
#include "tools/report/modmap.h"
#include "tools/report/pprof.h"
#include "tools/report/symbolize.h"
#include "tests/unit/test_go.h"

/* ---- helpers ---- */

/* A stack of the fixture: the C.malloc under main.leakHere, as return addresses, innermost
 * first: gmsym_outer (at an inlined gmsym_inl), gmsym_alloc, main._Cfunc_gmsym_alloc,
 * main.leakHere, main.main. */
struct gm_t_stack {
	uint64_t pc[5];   /* the return addresses */
	uint64_t main_pc; /* a return address in main.main alone */
};

static uint64_t gm_t_go_mid(const struct gm_pclntab *tab, const char *name)
{
	struct gm_pclntab_func f;
	assert_int_equal(gm_pclntab_find_name(tab, name, &f), 0);
	return f.entry + (f.end - f.entry) / 2 + 1;
}

static void gm_t_fx_stack(const char *bin, struct gm_sym *s, struct gm_modmap *m,
			  struct gm_t_stack *st)
{
	uint64_t entry, size;
	/* An address of gmsym_outer inside the inlined gmsym_inl (2 frames). */
	assert_int_equal(gm_sfx_nm(bin, "gmsym_outer", &entry, &size), 0);
	st->pc[0] = 0;
	for (uint64_t a = entry; a < entry + size && !st->pc[0]; a++)
		if (gm_sym_lookup(s, m, a, false).n == 2)
			st->pc[0] = a + 1;
	assert_true(st->pc[0] != 0);
	assert_int_equal(gm_sfx_nm(bin, "gmsym_alloc", &entry, &size), 0);
	st->pc[1] = entry + size / 2 + 1;
	struct gm_elf_image img;
	struct gm_pclntab tab;
	assert_int_equal(gm_elf_open(&img, bin), 0);
	assert_int_equal(gm_pclntab_from_elf(&img, &tab), 0);
	st->pc[2] = gm_t_go_mid(&tab, "main._Cfunc_gmsym_alloc");
	st->pc[3] = gm_t_go_mid(&tab, "main.leakHere");
	st->pc[4] = gm_t_go_mid(&tab, "main.main");
	st->main_pc = st->pc[4] + 2;
	gm_elf_close(&img);
}

static struct gm_modmap *gm_t_map(const char *bin)
{
	struct gm_modmap *m = gm_modmap_new();
	assert_non_null(m);
	assert_non_null(gm_modmap_add(m, 0x400000, 0x1000000, bin, false));
	struct gm_elf_image img;
	const uint8_t *id;
	size_t len;
	assert_int_equal(gm_elf_open(&img, bin), 0);
	if (gm_elf_build_id(&img, &id, &len) == 0)
		gm_modmap_set_build_id(m, 0x400000, id, len);
	gm_elf_close(&img);
	return m;
}

/* `go tool pprof ARGS FILE` of Go v: its output (malloc'd). */
static char *gm_t_pprof(const char *v, const char *args, const char *file)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s tool pprof %s '%s' 2>&1", gm_test_go(v), args, file);
	char *out = gm_sfx_run(cmd);
	assert_non_null(out);
	return out;
}

/* The first line of `-top` output after the column header (the top entry). */
static void gm_t_top_entry(const char *out, char *name, size_t size)
{
	const char *h = strstr(out, "flat%");
	assert_non_null(h);
	const char *l = strchr(h, '\n');
	assert_non_null(l);
	/* "     3003B   100%   100%      3003B   100%  main.leakHere" -> last field(s) */
	char line[1024];
	snprintf(line, sizeof line, "%.*s", (int)strcspn(l + 1, "\n"), l + 1);
	char *tok, *save = NULL, *last = NULL;
	int k = 0;
	for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (++k == 6)
			last = tok;
	assert_non_null(last);
	snprintf(name, size, "%s", last);
}

static const char *gm_t_base(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path ? path : "";
}

/* Whether the words appear in text in this order. */
static bool gm_t_in_order(const char *text, const char *const *words, int n)
{
	const char *p = text;
	for (int i = 0; i < n; i++) {
		p = strstr(p, words[i]);
		if (!p)
			return false;
		p += strlen(words[i]);
	}
	return true;
}

/* ---- tests ---- */

static void test_pprof_roundtrip(void **state)
{
	(void)state;
	for (int i = 0; i < gm_sfx_nvers; i++) {
		const char *v = gm_sfx_vers[i];
		char name[192];
		snprintf(name, sizeof name, "fx-%s", v);
		const char *bin = gm_sfx_path(name);
		struct gm_sym *s = gm_sym_new(NULL);
		struct gm_modmap *m = gm_t_map(bin);
		struct gm_t_stack st;
		gm_t_fx_stack(bin, s, m, &st);

		struct gm_pprof *p = gm_pprof_new(s);
		assert_non_null(p);
		gm_pprof_set_time(p, 1700000000000000000LL, 5000000000LL);
		/* The leak, in two parts (summed), under a root frame; a freed allocation in main. */
		const int64_t a[GM_PPROF_NVALUES] = { 1, 1001, 1, 1001 };
		const int64_t b[GM_PPROF_NVALUES] = { 2, 2002, 2, 2002 };
		const int64_t c[GM_PPROF_NVALUES] = { 1, 100, 0, 0 };
		assert_int_equal(gm_pprof_add(p, m, st.pc, 5, false, a, "[C malloc]"), 0);
		assert_int_equal(gm_pprof_add(p, m, st.pc, 5, false, b, "[C malloc]"), 0);
		assert_int_equal(gm_pprof_add(p, m, &st.main_pc, 1, false, c, NULL), 0);
		char path[] = "/tmp/gm-test-pprof.XXXXXX";
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(gm_pprof_write_file(p, path), 0);
		gm_pprof_free(p);

		/* Totals of every sample type. */
		static const char *const idx[][3] = {
			{ "inuse_space", "-unit=B", "3003B total" },
			{ "alloc_space", "-unit=B", "3103B total" },
			{ "inuse_objects", "", "of 3 total" },
			{ "alloc_objects", "", "of 4 total" },
		};
		for (int k = 0; k < 4; k++) {
			char args[128];
			snprintf(args, sizeof args, "-top %s -sample_index=%s", idx[k][1], idx[k][0]);
			char *out = gm_t_pprof(v, args, path);
			if (!strstr(out, idx[k][2]))
				fail_msg("Go %s pprof %s: no \"%s\" in:\n%s", v, args, idx[k][2], out);
			free(out);
		}
		/* The default sample type is inuse_space. */
		char *out = gm_t_pprof(v, "-top", path);
		assert_non_null(strstr(out, "Type: inuse_space"));
		free(out);
		/* The top entry, C frames hidden, is the Go caller of the leak. */
		out = gm_t_pprof(v, "-top -hide='^(gmsym_|main\\._Cfunc_)'", path);
		char top[256];
		gm_t_top_entry(out, top, sizeof top);
		if (strcmp(top, "main.leakHere") != 0)
			fail_msg("Go %s: top entry %s, not main.leakHere:\n%s", v, top, out);
		free(out);
		/* Unhidden, the innermost frame is the inlined C helper. */
		out = gm_t_pprof(v, "-top", path);
		gm_t_top_entry(out, top, sizeof top);
		assert_string_equal(top, "gmsym_inl");
		free(out);
		/* -traces: the whole stack, innermost first, inlined frame included, with lines. */
		out = gm_t_pprof(v, "-traces -sample_index=alloc_space", path);
		const char *want[] = { "gmsym_inl", "gmsym_outer", "gmsym_alloc", "main._Cfunc_gmsym_alloc",
				       "main.leakHere", "main.main", "[C malloc]" };
		if (!gm_t_in_order(out, want, 7))
			fail_msg("Go %s: -traces lacks the stack:\n%s", v, out);
		free(out);
		/* -lines: file:line of the Go frame, as the symbolizer (checked against go tool
		 * addr2line in test_symbolize) says. */
		out = gm_t_pprof(v, "-top -lines -hide='^(gmsym_|main\\._Cfunc_)'", path);
		struct gm_sym_result r = gm_sym_lookup(s, m, st.pc[3], true);
		char want_line[64];
		snprintf(want_line, sizeof want_line, "/%s:%d", gm_t_base(r.frames[r.n - 1].file),
			 r.frames[r.n - 1].line);
		const char *hit = strstr(out, "main.leakHere /");
		char got_line[1024] = "";
		if (hit)
			snprintf(got_line, sizeof got_line, "%.*s", (int)strcspn(hit, "\n"), hit);
		size_t gl = strlen(got_line), wl = strlen(want_line);
		if (gl < wl || strcmp(got_line + gl - wl, want_line) != 0)
			fail_msg("Go %s: pprof -lines lacks \"%s\":\n%s", v, want_line, out);
		free(out);
		unlink(path);
		gm_modmap_free(m);
		gm_sym_free(s);
	}
}

/* A C.malloc under main.leakInlined through the inlined main.gmInner: one location of three
 * lines, innermost first, each at its own source line; plain and stripped. */
static void test_pprof_inlined(void **state)
{
	(void)state;
	int inner = gm_sfx_go_line("GM_INNER_CALL"), outer = gm_sfx_go_line("GM_OUTER_CALL");
	assert_true(inner > 0 && outer > 0);
	for (int i = 0; i < gm_sfx_nvers; i++)
		for (int strip = 0; strip < 2; strip++) {
			const char *v = gm_sfx_vers[i];
			char name[192];
			snprintf(name, sizeof name, "fx-%s%s", v, strip ? "-strip" : "");
			const char *bin = gm_sfx_path(name);
			struct gm_sym *s = gm_sym_new(NULL);
			struct gm_modmap *m = gm_t_map(bin);
			/* the call of main._cgo_cmalloc with gmInner inlined (3 frames), then main.main */
			uint64_t stack[2] = { 0, gm_sfx_call_ra(bin, "main.main", "main.leakInlined", 0) };
			for (int k = 0; k < 2 && !stack[0]; k++) {
				uint64_t ra = gm_sfx_call_ra(bin, "main.leakInlined", "main._cgo_cmalloc", k);
				if (ra && gm_sym_lookup(s, m, ra, true).n == 3)
					stack[0] = ra;
			}
			assert_true(stack[0] && stack[1]);
			struct gm_pprof *p = gm_pprof_new(s);
			assert_non_null(p);
			const int64_t a[GM_PPROF_NVALUES] = { 1, 2001, 1, 2001 };
			assert_int_equal(gm_pprof_add(p, m, stack, 2, false, a, "[C malloc]"), 0);
			char path[] = "/tmp/gm-test-pprof.XXXXXX";
			int fd = mkstemp(path);
			assert_true(fd >= 0);
			close(fd);
			assert_int_equal(gm_pprof_write_file(p, path), 0);
			gm_pprof_free(p);
			/* -traces: the inlined functions, innermost first, marked inline by pprof */
			char *out = gm_t_pprof(v, "-traces", path);
			const char *want[] = { "main._Cfunc__CMalloc (inline)", "main.gmInner (inline)",
					       "main.leakInlined\n", "main.main", "[C malloc]" };
			if (!gm_t_in_order(out, want, 5))
				fail_msg("Go %s %s: -traces lacks the inlined frames:\n%s", v, name, out);
			free(out);
			/* -lines: each function at its line (the callers at their call sites) */
			out = gm_t_pprof(v, "-traces -lines", path);
			char w1[64], w2[64];
			snprintf(w1, sizeof w1, "main.gmInner /");
			snprintf(w2, sizeof w2, "/main.go:%d (inline)\n", inner);
			const char *hit = strstr(out, w1);
			if (!hit || !strstr(hit, w2) || strstr(hit, w2) > strchr(hit, '\n'))
				fail_msg("Go %s %s: -lines lacks main.gmInner at main.go:%d:\n%s", v, name, inner, out);
			snprintf(w1, sizeof w1, "main.leakInlined /");
			snprintf(w2, sizeof w2, "/main.go:%d\n", outer);
			hit = strstr(out, w1);
			if (!hit || !strstr(hit, w2) || strstr(hit, w2) > strchr(hit, '\n'))
				fail_msg("Go %s %s: -lines lacks main.leakInlined at main.go:%d:\n%s", v, name, outer, out);
			free(out);
			unlink(path);
			gm_modmap_free(m);
			gm_sym_free(s);
		}
}

static void test_folded(void **state)
{
	(void)state;
	const char *v = gm_sfx_vers[gm_sfx_nvers - 1];
	char name[192];
	snprintf(name, sizeof name, "fx-%s", v);
	const char *bin = gm_sfx_path(name);
	struct gm_sym *s = gm_sym_new(NULL);
	struct gm_modmap *m = gm_t_map(bin);
	struct gm_t_stack st;
	gm_t_fx_stack(bin, s, m, &st);
	struct gm_folded *f = gm_folded_new(s);
	assert_non_null(f);
	assert_int_equal(gm_folded_add(f, m, st.pc, 5, false, 1001, NULL), 0);
	assert_int_equal(gm_folded_add(f, m, st.pc, 5, false, 2002, NULL), 0);
	assert_int_equal(gm_folded_add(f, m, &st.main_pc, 1, false, 0, NULL), 0); /* kept out */
	assert_int_equal(gm_folded_add(f, m, st.pc + 3, 2, false, 7, "[pid 1]"), 0);
	uint64_t nomod = 0x10;
	assert_int_equal(gm_folded_add(f, m, &nomod, 1, true, 5, "a;b"), 0);
	char *text = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&text, &len);
	assert_int_equal(gm_folded_write(f, o), 0);
	fclose(o);
	/* Outermost first, inlined frames expanded, ';' in names replaced, sorted, zeros out. */
	assert_string_equal(text,
			    "[pid 1];main.main;main.leakHere 7\n"
			    "a:b;0x10 5\n"
			    "main.main;main.leakHere;main._Cfunc_gmsym_alloc;gmsym_alloc;gmsym_outer;gmsym_inl 3003\n");
	free(text);
	gm_folded_free(f);
	gm_modmap_free(m);
	gm_sym_free(s);
}

int main(void)
{
	if (gm_sfx_setup() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pprof_roundtrip),
		cmocka_unit_test(test_pprof_inlined),
		cmocka_unit_test(test_folded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
