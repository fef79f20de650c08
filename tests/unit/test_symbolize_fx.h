/* test_symbolize_fx.h: the programs the symbolizer and pprof unit tests look at, built at
 * test time into $(builddir)/tests/unit/symbols-fx: a cgo Go program (a C function with an
 * inlined C helper, called from main.leakHere, whose cgo wrapper the Go compiler inlines; and
 * from main.leakInlined through an inlined Go function) for every Go of GM_GO_VERSIONS, plain and
 * stripped (-ldflags=-s -w), and a C shared library with DWARF (-g -O2 -fPIC). Sources are
 * written from here; builds are serialized with flock and skipped when already there.
 * Also small helpers to run oracles (go tool addr2line, addr2line, nm). Header-only. */
#ifndef GM_TEST_SYMBOLIZE_FX_H
#define GM_TEST_SYMBOLIZE_FX_H
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "tests/unit/test_go.h"

#ifndef GM_TEST_BUILDDIR
#define GM_TEST_BUILDDIR "."
#endif
#ifndef GM_TEST_GO_VERSIONS
#define GM_TEST_GO_VERSIONS "1.19 1.23"
#endif

/* ---- sources ---- */

static const char gm_sfx_go_src[] =
	"// symbols fixture (tests/unit/test_symbolize_fx.h): a C.malloc under main.leakHere.\n"
	"package main\n"
	"\n"
	"/*\n"
	"#include <stdlib.h>\n"
	"static inline int gmsym_inl(int x) { return x * 7 + (x >> 3); }\n"
	"__attribute__((noinline)) int gmsym_outer(int x)\n"
	"{\n"
	"	int r = 0;\n"
	"	for (int i = 0; i < x; i++)\n"
	"		r += gmsym_inl(i ^ r);\n"
	"	return r;\n"
	"}\n"
	"__attribute__((noinline)) void *gmsym_alloc(size_t n)\n"
	"{\n"
	"	char *p = malloc(n);\n"
	"	if (p)\n"
	"		p[0] = (char)gmsym_outer((int)n);\n"
	"	return p;\n"
	"}\n"
	"*/\n"
	"import \"C\"\n"
	"\n"
	"import (\n"
	"	\"fmt\"\n"
	"	\"os\"\n"
	"	\"unsafe\"\n"
	")\n"
	"\n"
	"var keep []unsafe.Pointer\n"
	"\n"
	"//go:noinline\n"
	"func leakHere(n int) {\n"
	"	keep = append(keep, C.gmsym_alloc(C.size_t(n))) // GM_LEAK_CALL\n"
	"}\n"
	"\n"
	"// gmInner is small: the compiler inlines it into leakInlined, and C.malloc's wrapper\n"
	"// (_Cfunc__CMalloc, which calls _cgo_cmalloc) into it.\n"
	"func gmInner(n int) unsafe.Pointer {\n"
	"	return C.malloc(C.size_t(n)) // GM_INNER_CALL\n"
	"}\n"
	"\n"
	"//go:noinline\n"
	"func leakInlined(n int) {\n"
	"	keep = append(keep, gmInner(n)) // GM_OUTER_CALL\n"
	"	keep = append(keep, C.malloc(C.size_t(n+1))) // GM_MALLOC_CALL\n"
	"}\n"
	"\n"
	"func main() {\n"
	"	for i := 0; i < 3; i++ {\n"
	"		leakHere(1000 + i + len(os.Args))\n"
	"		leakInlined(2000 + i)\n"
	"	}\n"
	"	fmt.Println(len(keep))\n"
	"}\n";

static const char gm_sfx_lib_src[] =
	"/* symbols fixture: a shared library with an inlined helper */\n"
	"static inline int gmsymlib_inl(int x) { return x * 5 + (x >> 2); }\n"
	"__attribute__((noinline)) int gmsymlib_outer(int x)\n"
	"{\n"
	"	int r = 0;\n"
	"	for (int i = 0; i < x; i++)\n"
	"		r += gmsymlib_inl(i ^ r);\n"
	"	return r;\n"
	"}\n";

/* ---- fixtures ---- */

#define GM_SFX_MAXVER 8
static char gm_sfx_dir[1024];                /* where the programs are */
static char gm_sfx_vers[GM_SFX_MAXVER][16];  /* Go minor versions, "1.19" */
static int gm_sfx_nvers;                     /* their number */

static inline int gm_sfx_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Build everything (idempotent). 0, or -1 with a message. */
static inline int gm_sfx_setup(void)
{
	const char *bld = getenv("GM_TOP_BUILDDIR"), *vers = getenv("GM_GO_VERSIONS");
	if (!bld || !*bld)
		bld = GM_TEST_BUILDDIR;
	if (!vers || !*vers)
		vers = GM_TEST_GO_VERSIONS;
	snprintf(gm_sfx_dir, sizeof gm_sfx_dir, "%.900s/tests/unit/symbols-fx", bld);
	char list[256], path[1200], cmd[8192];
	snprintf(list, sizeof list, "%.200s", vers);
	gm_sfx_nvers = 0;
	for (char *save, *tok = strtok_r(list, " \t", &save); tok && gm_sfx_nvers < GM_SFX_MAXVER;
	     tok = strtok_r(NULL, " \t", &save))
		snprintf(gm_sfx_vers[gm_sfx_nvers++], sizeof gm_sfx_vers[0], "%s", tok);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/src'", gm_sfx_dir);
	if (system(cmd) != 0)
		return -1;
	/* Sources are written under the lock, by the build script, from these copies. */
	snprintf(path, sizeof path, "%s/main.go.new", gm_sfx_dir);
	if (gm_sfx_write(path, gm_sfx_go_src) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/lib.c.new", gm_sfx_dir);
	if (gm_sfx_write(path, gm_sfx_lib_src) != 0)
		return -1;
	snprintf(cmd, sizeof cmd,
		 "set -e; cd '%s'; exec 9>.lock; flock 9;"
		 " cmp -s main.go.new src/main.go || mv main.go.new src/main.go;"
		 " cmp -s lib.c.new lib.c || mv lib.c.new lib.c; rm -f main.go.new lib.c.new;"
		 " [ libgmsymfx.so -nt lib.c ] || gcc -g -O2 -fPIC -shared -o libgmsymfx.so lib.c;"
		 " export GO111MODULE=off GOFLAGS= CGO_ENABLED=1 GOCACHE=\"${GM_GOCACHE:-/tmp/gm-gocache}\";"
		 " for v in %s; do " GM_TEST_GO_SH
		 "  [ -x $go ] || { echo \"Go $v is not installed\" >&2; exit 1; };"
		 "  [ fx-$v -nt src/main.go ] || (cd src && $go build -o ../fx-$v.tmp . && mv ../fx-$v.tmp ../fx-$v);"
		 "  [ fx-$v-strip -nt src/main.go ] || (cd src && $go build -ldflags='-s -w' -o ../fx-$v-strip.tmp . &&"
		 "   mv ../fx-$v-strip.tmp ../fx-$v-strip);"
		 " done",
		 gm_sfx_dir, vers);
	if (system(cmd) != 0) {
		fprintf(stderr, "building the symbols fixtures failed: %s\n", cmd);
		return -1;
	}
	return 0;
}

/* Path of fixture `name` (e.g. "fx-1.19", "fx-1.23-strip", "libgmsymfx.so"). */
static inline const char *gm_sfx_path(const char *name)
{
	static char p[4][1200]; /* rotating results */
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%.900s/%.200s", gm_sfx_dir, name);
	return p[k];
}

/* The line (1-based) of the fixture's Go source holding `marker`, or -1. */
static inline int gm_sfx_go_line(const char *marker)
{
	const char *hit = strstr(gm_sfx_go_src, marker);
	if (!hit)
		return -1;
	int line = 1;
	for (const char *p = gm_sfx_go_src; p < hit; p++)
		line += *p == '\n';
	return line;
}

/* The return address of direct call number `nth` (0: the first, in address order; e8
 * rel32) from Go function `caller` to Go function `callee` in bin, found through bin's own
 * .gopclntab (works when stripped); 0 if none. What a traced stack holds for that frame. */
static inline uint64_t gm_sfx_call_ra(const char *bin, const char *caller, const char *callee, int nth)
{
	struct gm_elf_image img;
	struct gm_pclntab tab;
	struct gm_pclntab_func fr, fe;
	uint64_t ra = 0;
	if (gm_elf_open(&img, bin) != 0)
		return 0;
	if (gm_pclntab_from_elf(&img, &tab) == 0 && gm_pclntab_find_name(&tab, caller, &fr) == 0 &&
	    gm_pclntab_find_name(&tab, callee, &fe) == 0) {
		const uint8_t *code = gm_elf_vaddr_data(&img, fr.entry, fr.end - fr.entry, NULL);
		for (uint64_t o = 0; code && !ra && o + 5 <= fr.end - fr.entry; o++) {
			int32_t rel;
			memcpy(&rel, code + o + 1, 4);
			if (code[o] == 0xe8 && fr.entry + o + 5 + (uint64_t)(int64_t)rel == fe.entry && nth-- == 0)
				ra = fr.entry + o + 5;
		}
	}
	gm_elf_close(&img);
	return ra;
}

/* ---- oracles ---- */

/* Run a shell command; its whole stdout in a malloc'd string (NULL on failure). */
static inline char *gm_sfx_run(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *out = malloc(cap);
	for (size_t r; out && (r = fread(out + n, 1, cap - n - 1, f)) > 0;) {
		n += r;
		if (cap - n < 1024) {
			char *no = realloc(out, cap * 2);
			if (!no) {
				free(out);
				out = NULL;
				break;
			}
			out = no;
			cap *= 2;
		}
	}
	int rc = pclose(f);
	if (out)
		out[n] = '\0';
	if (rc != 0) {
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
		free(out);
		return NULL;
	}
	return out;
}

/* Address and size of symbol `name` per binutils nm (C symbols). 0 or -1. */
static inline int gm_sfx_nm(const char *bin, const char *name, uint64_t *addr, uint64_t *size)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "nm -S '%s' | awk '$4 == \"%s\" { if (!done) print $1, $2; done = 1 }'", bin, name);
	char *out = gm_sfx_run(cmd);
	int ok = out && sscanf(out, "%" SCNx64 " %" SCNx64, addr, size) == 2;
	free(out);
	return ok ? 0 : -1;
}

/* Address and size of Go symbol `name` per `go tool nm -size` of Go v. 0 or -1. */
static inline int gm_sfx_gonm(const char *v, const char *bin, const char *name, uint64_t *addr,
			      uint64_t *size)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s tool nm -size '%s' | awk '$4 == \"%s\" { if (!done) print $1, $2; done = 1 }'",
		 gm_test_go(v), bin, name);
	char *out = gm_sfx_run(cmd);
	int ok = out && sscanf(out, "%" SCNx64 " %" SCNu64, addr, size) == 2;
	free(out);
	return ok ? 0 : -1;
}

#endif
