/* test_gosyms_fixtures.h: the Go programs the common/ and gosyms unit tests look at, built
 * at test time by tests/data/gosyms/build.sh into $(builddir)/tests/unit/gosyms-fx, once per
 * Go version of GM_GO_VERSIONS (default: configure's GO_VERSIONS), plus small helpers to run
 * the Go tool chain as an oracle. Header-only: each test program includes it once. */
#ifndef GM_TEST_GOSYMS_FIXTURES_H
#define GM_TEST_GOSYMS_FIXTURES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/test_go.h"

#ifndef GM_TEST_SRCDIR
#define GM_TEST_SRCDIR "."
#endif
#ifndef GM_TEST_BUILDDIR
#define GM_TEST_BUILDDIR "."
#endif
#ifndef GM_TEST_GO_VERSIONS
#define GM_TEST_GO_VERSIONS "1.19 1.23"
#endif

/* ---- fixtures ---- */

#define GM_FX_MAXVER 8
static char gm_fx_dir[2048];                  /* where the programs are */
static char gm_fx_vers[GM_FX_MAXVER][16];     /* Go minor versions, "1.19" */
static int gm_fx_nvers;                       /* their number */

/* Build the programs (idempotent). 0, or -1 with a message. */
static inline int gm_fx_setup(void)
{
	const char *src = getenv("GM_TOP_SRCDIR"), *bld = getenv("GM_TOP_BUILDDIR");
	const char *vers = getenv("GM_GO_VERSIONS");
	if (!src || !*src)
		src = GM_TEST_SRCDIR;
	if (!bld || !*bld)
		bld = GM_TEST_BUILDDIR;
	if (!vers || !*vers)
		vers = GM_TEST_GO_VERSIONS;
	snprintf(gm_fx_dir, sizeof(gm_fx_dir), "%.1900s/tests/unit/gosyms-fx", bld);
	char list[256];
	snprintf(list, sizeof(list), "%.200s", vers);
	gm_fx_nvers = 0;
	for (char *save, *tok = strtok_r(list, " \t", &save); tok && gm_fx_nvers < GM_FX_MAXVER;
	     tok = strtok_r(NULL, " \t", &save))
		snprintf(gm_fx_vers[gm_fx_nvers++], sizeof(gm_fx_vers[0]), "%s", tok);
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "sh '%.2000s/tests/data/gosyms/build.sh' '%s' %.200s", src, gm_fx_dir, vers);
	if (system(cmd) != 0) {
		fprintf(stderr, "building the Go test programs failed: %s\n", cmd);
		return -1;
	}
	return 0;
}

/* Path of program `kind` (cgo, cgo-strip, cgo-pie (externally linked), static, static-strip,
 * pie (pure Go, internally linked)) of version v. */
static inline const char *gm_fx_path(const char *v, const char *kind)
{
	static char p[2200];
	snprintf(p, sizeof(p), "%s/go%.16s-%.32s", gm_fx_dir, v, kind);
	return p;
}

/* ---- oracles ---- */

/* The Go version of toolchain v as `go version` prints it ("go1.19.8"). */
static inline void gm_fx_go_version(const char *v, char *out, size_t len)
{
	char p[2200], line[256] = "";
	snprintf(p, sizeof(p), "%s/go%.16s.version", gm_fx_dir, v);
	FILE *f = fopen(p, "r");
	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	/* "go version go1.19.8 linux/amd64" */
	char *s = strstr(line, " go1");
	snprintf(out, len, "%s", s ? s + 1 : "");
	char *sp = strchr(out, ' ');
	if (sp)
		*sp = '\0';
}

/* `go tool addr2line` of toolchain v on exe for one pc: "name" and "file:line". 0 or -1. */
static inline int gm_fx_addr2line(const char *v, const char *exe, unsigned long pc, char *name, size_t nlen,
			   char *pos, size_t plen)
{
	char cmd[8400];
	snprintf(cmd, sizeof(cmd), "echo 0x%lx | GOCACHE=/tmp/gm-gocache %s tool addr2line '%s'", pc,
		 gm_test_go(v), exe);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	int ok = fgets(name, (int)nlen, f) && fgets(pos, (int)plen, f);
	pclose(f);
	if (!ok)
		return -1;
	name[strcspn(name, "\n")] = '\0';
	pos[strcspn(pos, "\n")] = '\0';
	return 0;
}

/* The line of `marker` in text file path (1-based), or -1. */
static inline int gm_fx_line_of(const char *path, const char *marker)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0, found = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, marker)) {
			found = n;
			break;
		}
	}
	fclose(f);
	return found;
}

/* The amd64 body of runtime.madvise (sys_linux_amd64.s): arguments from the stack, mov
 * $0x1c (SYS_madvise), syscall, store the result, ret. Go 1.19-1.26 assemble the mov as
 * `mov $0x1c,%rax` (7 bytes, syscall at +0x15); Go 1.27 as `mov $0x1c,%eax` (5 bytes, syscall
 * at +0x13). */
__attribute__((unused)) static const unsigned char gm_fx_madvise_code[] = {
	0x48, 0x8b, 0x7c, 0x24, 0x08,             /* mov 0x8(%rsp),%rdi */
	0x48, 0x8b, 0x74, 0x24, 0x10,             /* mov 0x10(%rsp),%rsi */
	0x8b, 0x54, 0x24, 0x18,                   /* mov 0x18(%rsp),%edx */
	0x48, 0xc7, 0xc0, 0x1c, 0x00, 0x00, 0x00, /* mov $0x1c,%rax */
	0x0f, 0x05,                               /* syscall (at +0x15) */
	0x89, 0x44, 0x24, 0x20,                   /* mov %eax,0x20(%rsp) */
	0xc3,                                     /* ret */
};
__attribute__((unused)) static const unsigned char gm_fx_madvise_code_127[] = {
	0x48, 0x8b, 0x7c, 0x24, 0x08,             /* mov 0x8(%rsp),%rdi */
	0x48, 0x8b, 0x74, 0x24, 0x10,             /* mov 0x10(%rsp),%rsi */
	0x8b, 0x54, 0x24, 0x18,                   /* mov 0x18(%rsp),%edx */
	0xb8, 0x1c, 0x00, 0x00, 0x00,             /* mov $0x1c,%eax */
	0x0f, 0x05,                               /* syscall (at +0x13) */
	0x89, 0x44, 0x24, 0x20,                   /* mov %eax,0x20(%rsp) */
	0xc3,                                     /* ret */
};
/* The body of runtime.madvise of Go `ver` ("1.NN"), its length in *n. */
__attribute__((unused)) static const unsigned char *gm_fx_madvise(const char *ver, size_t *n)
{
	int minor = strncmp(ver, "1.", 2) == 0 ? atoi(ver + 2) : 0;
	*n = minor >= 27 ? sizeof gm_fx_madvise_code_127 : sizeof gm_fx_madvise_code;
	return minor >= 27 ? gm_fx_madvise_code_127 : gm_fx_madvise_code;
}
#endif
