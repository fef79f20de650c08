/* test_gotrap.c: unit tests of the Go trap's site finder (preload/gotrap.c,
 * gm_gotrap_find_sites) on synthetic code and on the real runtime.madvise / runtime.exit of
 * every installed Go toolchain's own `go` binary (found through .gopclntab, as the tracer
 * finds them at run time). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "preload/gotrap.h"
#include "tests/unit/test_go.h"

/* ---- synthetic code ---- */

/* runtime.madvise, Go 1.19-1.23 amd64 (objdump), then padding */
static const uint8_t madvise_code[] = {
	0x48, 0x8b, 0x7c, 0x24, 0x08, 0x48, 0x8b, 0x74, 0x24, 0x10, 0x8b, 0x54, 0x24, 0x18,
	0x48, 0xc7, 0xc0, 0x1c, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x89, 0x44, 0x24, 0x20, 0xc3,
	0xcc, 0xcc, 0xcc, 0xcc,
};
/* runtime.exit, Go 1.19-1.23 amd64 */
static const uint8_t exit_code[] = {
	0x8b, 0x7c, 0x24, 0x08, 0xb8, 0xe7, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xc3, 0xcc, 0xcc,
};

static void test_synthetic_madvise(void **state)
{
	(void)state;
	uint32_t offs[4];
	assert_int_equal(gm_gotrap_find_sites(madvise_code, sizeof madvise_code, 28, offs, 4), 1);
	assert_int_equal(offs[0], 0x15);
	/* another syscall number: nothing */
	assert_int_equal(gm_gotrap_find_sites(madvise_code, sizeof madvise_code, 9, offs, 4), 0);
	/* truncated before the syscall: nothing */
	assert_int_equal(gm_gotrap_find_sites(madvise_code, 0x16, 28, offs, 4), 0);
}

static void test_synthetic_exit(void **state)
{
	(void)state;
	uint32_t offs[4];
	assert_int_equal(gm_gotrap_find_sites(exit_code, sizeof exit_code, 231, offs, 4), 1);
	assert_int_equal(offs[0], 9);
	assert_int_equal(gm_gotrap_find_sites(exit_code, sizeof exit_code, 28, offs, 4), 0);
}

static void test_synthetic_not_eax(void **state)
{
	(void)state;
	uint32_t offs[4];
	/* mov $0x1c,%ecx; syscall: the number is not in eax */
	static const uint8_t ecx[] = { 0x90, 0x90, 0xb9, 0x1c, 0x00, 0x00, 0x00, 0x0f, 0x05 };
	assert_int_equal(gm_gotrap_find_sites(ecx, sizeof ecx, 28, offs, 4), 0);
	/* a bare syscall (number from a register, like syscall.Syscall6) */
	static const uint8_t bare[] = { 0x48, 0x89, 0xc8, 0x4c, 0x89, 0xc2, 0x0f, 0x05, 0xc3 };
	assert_int_equal(gm_gotrap_find_sites(bare, sizeof bare, 28, offs, 4), 0);
	/* 0f 05 at the very start: no room for a mov */
	static const uint8_t start[] = { 0x0f, 0x05, 0xc3 };
	assert_int_equal(gm_gotrap_find_sites(start, sizeof start, 28, offs, 4), 0);
}

static void test_synthetic_max(void **state)
{
	(void)state;
	uint8_t two[2 * sizeof exit_code];
	memcpy(two, exit_code, sizeof exit_code);
	memcpy(two + sizeof exit_code, exit_code, sizeof exit_code);
	uint32_t offs[1] = { 0 };
	/* both found and counted, only the first stored */
	assert_int_equal(gm_gotrap_find_sites(two, sizeof two, 231, offs, 1), 2);
	assert_int_equal(offs[0], 9);
}

/* ---- real binaries ---- */

/* Sites of `name` (syscall nr) in the file `path`; *off gets the first offset. -1: not found. */
static int sites_in(const struct gm_elf_image *img, const struct gm_pclntab *t, const char *name,
		    uint32_t nr, uint32_t *off)
{
	struct gm_pclntab_func f;
	if (gm_pclntab_find_name(t, name, &f) != 0)
		return -1;
	const uint8_t *code = gm_elf_vaddr_data(img, f.entry, f.end - f.entry, NULL);
	if (!code)
		return -1;
	uint32_t offs[4];
	int n = gm_gotrap_find_sites(code, f.end - f.entry, nr, offs, 4);
	*off = n > 0 ? offs[0] : 0;
	return n;
}

static void test_real_toolchains(void **state)
{
	(void)state;
	static const char *vers[] = { "1.19", "1.21", "1.22", "1.23", "1.24", "1.25", "1.26" };
	int checked = 0;
	for (size_t i = 0; i < sizeof vers / sizeof *vers; i++) {
		char path[128];
		snprintf(path, sizeof path, "%s", gm_test_go(vers[i]));
		struct gm_elf_image img;
		if (gm_elf_open(&img, path) != 0)
			continue;
		struct gm_elf_section sec;
		struct gm_pclntab t;
		assert_int_equal(gm_elf_section(&img, ".gopclntab", &sec), 0);
		assert_int_equal(gm_pclntab_init(&t, sec.data, sec.size), 0);
		assert_int_equal(gm_pclntab_text_from_elf(&img, &t), 0); /* Go 1.26: header textStart 0 */
		uint32_t off;
		assert_int_equal(sites_in(&img, &t, "runtime.madvise", 28, &off), 1);
		assert_int_equal(off, 0x15);
		assert_int_equal(sites_in(&img, &t, "runtime.exit", 231, &off), 1);
		assert_int_equal(off, 9);
		/* no madvise site where there is none */
		assert_int_equal(sites_in(&img, &t, "runtime.exit", 28, &off), 0);
		assert_int_equal(sites_in(&img, &t, "runtime.write1", 28, &off), 0);
		gm_elf_close(&img);
		printf("# go %s: runtime.madvise+0x15, runtime.exit+0x9\n", vers[i]);
		checked++;
	}
	if (!checked)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic_madvise),
		cmocka_unit_test(test_synthetic_exit),
		cmocka_unit_test(test_synthetic_not_eax),
		cmocka_unit_test(test_synthetic_max),
		cmocka_unit_test(test_real_toolchains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
