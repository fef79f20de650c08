/* test_gobuildinfo.c: common/gobuildinfo on real Go executables of every Go of
 * GM_GO_VERSIONS (version equals `go version` of the toolchain; CGO_ENABLED build setting),
 * without section headers (found by scanning), and on a synthetic executable in the pre-1.18
 * pointer format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/elf_image.h"
#include "common/gobuildinfo.h"
#include "tests/unit/test_gosyms_fixtures.h"

/* ---- tests ---- */

static void test_real_executables(void **state)
{
	static const char *const kinds[] = {"cgo", "cgo-strip", "static", "static-strip", "pie"};
	for (int i = 0; i < gm_fx_nvers; i++) {
		char want[64];
		gm_fx_go_version(gm_fx_vers[i], want, sizeof(want));
		assert_true(strncmp(want, "go1.", 4) == 0);
		for (int k = 0; k < 5; k++) {
			struct gm_elf_image img, bare;
			struct gm_gobuildinfo bi, bi2;
			assert_int_equal(gm_elf_open(&img, gm_fx_path(gm_fx_vers[i], kinds[k])), 0);
			assert_int_equal(gm_gobuildinfo_read(&img, &bi), 0);
			assert_string_equal(bi.version, want);
			assert_int_equal(bi.major, 1);
			assert_int_equal(bi.minor, atoi(gm_fx_vers[i] + 2));
			const char *v;
			size_t n;
			assert_int_equal(gm_gobuildinfo_setting(&bi, "CGO_ENABLED", &v, &n), 0);
			assert_int_equal(n, 1);
			assert_int_equal(v[0], strncmp(kinds[k], "cgo", 3) == 0 ? '1' : '0');
			assert_int_equal(gm_gobuildinfo_setting(&bi, "GOARCH", &v, &n), 0);
			assert_true(n == 5 && memcmp(v, "amd64", 5) == 0);
			assert_int_not_equal(gm_gobuildinfo_setting(&bi, "NO_SUCH_SETTING", &v, &n), 0);
			/* the same without section headers */
			uint8_t *copy = malloc(img.size);
			assert_non_null(copy);
			memcpy(copy, img.data, img.size);
			Elf64_Ehdr *eh = (Elf64_Ehdr *)copy;
			eh->e_shoff = 0, eh->e_shnum = 0, eh->e_shstrndx = 0;
			assert_int_equal(gm_elf_from_memory(&bare, copy, img.size), 0);
			assert_int_equal(gm_gobuildinfo_read(&bare, &bi2), 0);
			assert_string_equal(bi2.version, want);
			assert_int_equal(bi2.modinfo_len, bi.modinfo_len);
			free(copy);
			gm_elf_close(&img);
		}
	}
}

/* A minimal executable: one RW PT_LOAD at 0x10000 covering the file, a Go 1.13-1.17 style
 * blob at 0x100 pointing at string headers at 0x200/0x210. */
static void test_pointer_format(void **state)
{
	static uint64_t mem[0x800 / 8];
	uint8_t *b = (uint8_t *)mem;
	memset(b, 0, sizeof(mem));
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 1;
	Elf64_Phdr *ph = (Elf64_Phdr *)(b + sizeof(*eh));
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_W;
	ph->p_offset = 0;
	ph->p_vaddr = 0x10000;
	ph->p_filesz = ph->p_memsz = sizeof(mem);
	const char *vers = "go1.16.15";
	static const char mod[] = "0w\xaf\x0c\x92t\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6"
				  "path\tcmd/x\nbuild\tCGO_ENABLED=1\n"
				  "\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";
	memcpy(b + 0x100, "\xff Go buildinf:", 14);
	b[0x100 + 14] = 8; /* ptrSize */
	b[0x100 + 15] = 0; /* little-endian, pointers */
	uint64_t p1 = 0x10200, p2 = 0x10210, s1[2] = {0x10300, strlen(vers)}, s2[2] = {0x10400, sizeof(mod) - 1};
	memcpy(b + 0x110, &p1, 8);
	memcpy(b + 0x118, &p2, 8);
	memcpy(b + 0x200, s1, 16);
	memcpy(b + 0x210, s2, 16);
	memcpy(b + 0x300, vers, strlen(vers));
	memcpy(b + 0x400, mod, sizeof(mod) - 1);
	struct gm_elf_image img;
	struct gm_gobuildinfo bi;
	assert_int_equal(gm_elf_from_memory(&img, b, sizeof(mem)), 0);
	assert_int_equal(gm_gobuildinfo_read(&img, &bi), 0);
	assert_string_equal(bi.version, "go1.16.15");
	assert_int_equal(bi.minor, 16);
	assert_int_equal(bi.patch, 15);
	const char *v;
	size_t n;
	assert_int_equal(gm_gobuildinfo_setting(&bi, "CGO_ENABLED", &v, &n), 0);
	assert_true(n == 1 && v[0] == '1');
	/* a string header pointing outside the file */
	s1[0] = 0x90000;
	memcpy(b + 0x200, s1, 16);
	assert_int_not_equal(gm_gobuildinfo_read(&img, &bi), 0);
	assert_string_equal(bi.version, "");
	/* an inline blob whose length runs past the end */
	b[0x100 + 15] = 2;
	b[0x120] = 0x7f;
	memset(b + 0x121, 'x', 0x7f);
	b[0x1a0] = 0xff, b[0x1a1] = 0xff, b[0x1a2] = 0x7f;
	assert_int_not_equal(gm_gobuildinfo_read(&img, &bi), 0);
}

static void test_parse_version(void **state)
{
	int ma, mi, pa;
	assert_int_equal(gm_gobuildinfo_parse_version("go1.19.8", &ma, &mi, &pa), 0);
	assert_true(ma == 1 && mi == 19 && pa == 8);
	assert_int_equal(gm_gobuildinfo_parse_version("go1.21rc2", &ma, &mi, &pa), 0);
	assert_true(ma == 1 && mi == 21 && pa == 0);
	assert_int_equal(gm_gobuildinfo_parse_version("go1.20.1 X:boringcrypto", &ma, &mi, &pa), 0);
	assert_true(ma == 1 && mi == 20 && pa == 1);
	assert_int_not_equal(gm_gobuildinfo_parse_version("devel go1.22-abcdef", &ma, &mi, &pa), 0);
	assert_int_equal(mi, 0);
	assert_int_not_equal(gm_gobuildinfo_parse_version("go", &ma, &mi, &pa), 0);
}

static int gm_t_setup(void **state)
{
	return gm_fx_setup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_executables),
		cmocka_unit_test(test_pointer_format),
		cmocka_unit_test(test_parse_version),
	};
	return cmocka_run_group_tests(tests, gm_t_setup, NULL);
}
