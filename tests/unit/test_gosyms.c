/* test_gosyms.c: preload/gosyms.c inside real Go processes. Runs the cgo, stripped cgo and
 * pure-Go PIE programs of every Go of GM_GO_VERSIONS with tests/unit/test_gosyms_probe.c
 * preloaded and checks its report against the file (common/ parsers) and the toolchain:
 * version, cgo detection, load bias (the madvise bytes read in-process), text range, pcsp.
 * Also: a non-Go process and `ld.so ./prog` must give -1 quietly, and the programs' output
 * must not change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "tests/unit/test_gosyms_fixtures.h"

/* ---- helpers ---- */

static char gm_t_probe[2200]; /* the probe library */
static char gm_t_out[64];     /* its report file */

/* Run `cmd` (a shell command) with the probe preloaded; its stdout into out. */
static int gm_t_run(const char *cmd, char *out, size_t len)
{
	char full[8192];
	unlink(gm_t_out);
	snprintf(full, sizeof(full), "GM_GOSYMS_PROBE_OUT=%s LD_PRELOAD=%s %s", gm_t_out, gm_t_probe, cmd);
	FILE *f = popen(full, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	return pclose(f);
}

/* The value of `key` in the report ("" if absent). */
static const char *gm_t_get(const char *key)
{
	static char val[1024];
	char line[1200];
	size_t kl = strlen(key);
	val[0] = '\0';
	FILE *f = fopen(gm_t_out, "r");
	if (!f)
		return val;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, kl) == 0 && line[kl] == '=') {
			snprintf(val, sizeof(val), "%s", line + kl + 1);
			val[strcspn(val, "\n")] = '\0';
			break;
		}
	fclose(f);
	return val;
}

/* ---- tests ---- */

static void test_go_programs(void **state)
{
	static const char *const kinds[] = {"cgo", "cgo-strip", "cgo-pie", "pie"};
	for (int i = 0; i < gm_fx_nvers; i++)
		for (int k = 0; k < 4; k++) {
			const char *exe = gm_fx_path(gm_fx_vers[i], kinds[k]);
			char cmd[2400], plain[256], traced[256], want[64], hex[64] = "";
			snprintf(cmd, sizeof(cmd), "'%s'", exe);
			FILE *f = popen(cmd, "r");
			assert_non_null(f);
			size_t n = fread(plain, 1, sizeof(plain) - 1, f);
			plain[n] = '\0';
			assert_int_equal(pclose(f), 0);
			assert_int_equal(gm_t_run(cmd, traced, sizeof(traced)), 0);
			assert_string_equal(traced, plain); /* the program behaves the same */

			gm_fx_go_version(gm_fx_vers[i], want, sizeof(want));
			assert_string_equal(gm_t_get("init"), "0");
			assert_string_equal(gm_t_get("is_go"), "1");
			assert_string_equal(gm_t_get("version"), want);
			assert_int_equal(atoi(gm_t_get("minor")), atoi(gm_fx_vers[i] + 2));
			assert_string_equal(gm_t_get("cgo"), strncmp(kinds[k], "cgo", 3) == 0 ? "1" : "0");
			assert_string_equal(gm_t_get("exe"), exe);
			assert_string_equal(gm_t_get("reinit"), "0");
			assert_string_equal(gm_t_get("missing"), "-1");
			assert_string_equal(gm_t_get("lookup_outside"), "-1");
			assert_string_equal(gm_t_get("sp_outside"), "-1");

			/* runtime.madvise, read from the process's own text: the bias is right */
			size_t mn;
			const unsigned char *mcode = gm_fx_madvise(gm_fx_vers[i], &mn);
			for (size_t j = 0; j < mn; j++)
				sprintf(hex + 2 * j, "%02x", mcode[j]);
			unsigned long me, mend, lo, hi, bias;
			char mhex[128];
			assert_int_equal(sscanf(gm_t_get("madvise"), "%lx %lx %127s", &me, &mend, mhex), 3);
			if (strncmp(mhex, hex, strlen(hex)) != 0) /* the probe prints up to 28 bytes */
				fail_msg("runtime.madvise in the process: %s, want %s...", mhex, hex);
			assert_int_equal(sscanf(gm_t_get("text"), "%lx %lx", &lo, &hi), 2);
			bias = strtoul(gm_t_get("bias"), NULL, 16);
			assert_true(lo <= me && mend <= hi);
			assert_string_equal(gm_t_get("madvise_sp"), "0");
			assert_string_equal(gm_t_get("madvise_in_text"), "1");
			if (strstr(kinds[k], "pie"))
				assert_int_equal(bias % 4096, 0);
			else
				assert_int_equal(bias, 0);

			/* main.work: the same as in the file, moved by the bias; it has a frame */
			struct gm_elf_image img;
			struct gm_pclntab t;
			struct gm_pclntab_func w, m;
			assert_int_equal(gm_elf_open(&img, exe), 0);
			/* (an externally linked PIE of Go 1.19-1.25 keeps the table inside .data.rel.ro) */
			assert_int_equal(gm_pclntab_from_elf(&img, &t), 0); /* Go 1.26: header textStart 0 */
			assert_int_equal(gm_pclntab_find_name(&t, "main.work", &w), 0);
			assert_int_equal(gm_pclntab_find_name(&t, "runtime.madvise", &m), 0);
			assert_int_equal(m.entry + bias, me);
			assert_int_equal(t.text_start + bias, lo);
			assert_int_equal(gm_pclntab_text_end(&t) + bias, hi);
			unsigned long we, wend;
			char wname[256];
			int same, maxsp;
			assert_int_equal(sscanf(gm_t_get("work"), "%lx %lx %255s %d %d", &we, &wend, wname, &same, &maxsp), 5);
			assert_int_equal(we, w.entry + bias);
			assert_int_equal(wend, w.end + bias);
			assert_string_equal(wname, "main.work");
			assert_int_equal(same, 1);
			int32_t sp, fmax = -1;
			for (uint64_t pc = w.entry; pc < w.end; pc++)
				if (gm_pclntab_sp_delta(&t, &w, pc, &sp) == 0 && sp > fmax)
					fmax = sp;
			assert_int_equal(maxsp, fmax);
			if (strncmp(kinds[k], "cgo", 3) == 0)
				assert_true(maxsp > 0); /* it calls C: it has a frame (the pure-Go one is a leaf) */
			gm_elf_close(&img);
		}
}

/* Not a Go program, or the program started through the dynamic loader (/proc/self/exe is
 * then ld.so): -1, quietly, and the program runs normally. */
static void test_not_go(void **state)
{
	char out[256];
	assert_int_equal(gm_t_run("/bin/echo hello", out, sizeof(out)), 0);
	assert_string_equal(out, "hello\n");
	assert_string_equal(gm_t_get("init"), "-1");
	assert_string_equal(gm_t_get("is_go"), "0");
	assert_string_equal(gm_t_get("cgo"), "0");
	assert_string_equal(gm_t_get("version"), "");
	assert_string_equal(gm_t_get("text"), "0 0");
	assert_string_equal(gm_t_get("missing"), "-1");

	char cmd[2400], plain[256];
	snprintf(cmd, sizeof(cmd), "'%s'", gm_fx_path(gm_fx_vers[0], "cgo"));
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t n = fread(plain, 1, sizeof(plain) - 1, f);
	plain[n] = '\0';
	pclose(f);
	if (access("/lib64/ld-linux-x86-64.so.2", X_OK) == 0) {
		snprintf(cmd, sizeof(cmd), "/lib64/ld-linux-x86-64.so.2 '%s'", gm_fx_path(gm_fx_vers[0], "cgo"));
		assert_int_equal(gm_t_run(cmd, out, sizeof(out)), 0);
		assert_string_equal(out, plain);
		assert_string_equal(gm_t_get("init"), "-1");
		assert_string_equal(gm_t_get("is_go"), "0");
	}
}

static int gm_t_setup(void **state)
{
	const char *bld = getenv("GM_TOP_BUILDDIR");
	if (!bld || !*bld)
		bld = GM_TEST_BUILDDIR;
	snprintf(gm_t_probe, sizeof(gm_t_probe), "%.2000s/tests/unit/.libs/libgmtestgosymsprobe.so", bld);
	if (access(gm_t_probe, R_OK) != 0) {
		fprintf(stderr, "the probe library %s is missing\n", gm_t_probe);
		return -1;
	}
	snprintf(gm_t_out, sizeof(gm_t_out), "/tmp/gm-gosyms-probe.%d", (int)getpid());
	return gm_fx_setup();
}

static int gm_t_teardown(void **state)
{
	unlink(gm_t_out);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_programs),
		cmocka_unit_test(test_not_go),
	};
	return cmocka_run_group_tests(tests, gm_t_setup, gm_t_teardown);
}
