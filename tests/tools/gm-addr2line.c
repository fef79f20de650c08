/* gm-addr2line.c: test tool: symbolize addresses of an executable with gomemtrace's own
 * .gopclntab and .symtab readers (common/), stripped Go binaries included.
 *
 *   gm-addr2line [-r] BINARY < addresses
 * reads one hex address per line (link addresses of a non-PIE binary) and prints
 * "function file:line" per line ("?" when unknown). -r: the addresses are return addresses,
 * looked up at address - 1, as a stack's are (except the first, which is the pc itself). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"

int main(int argc, char **argv)
{
	int ret_addrs = argc > 2 && !strcmp(argv[1], "-r");
	const char *path = argv[argc - 1];
	if (argc < 2) {
		fprintf(stderr, "usage: gm-addr2line [-r] BINARY < addresses\n");
		return 2;
	}
	struct gm_elf_image img;
	if (gm_elf_open(&img, path) != 0) {
		fprintf(stderr, "gm-addr2line: %s: not a readable ELF file\n", path);
		return 1;
	}
	struct gm_pclntab tab;
	int have_go = gm_pclntab_from_elf(&img, &tab) == 0;
	char line[256];
	for (int i = 0; fgets(line, sizeof line, stdin); i++) {
		uint64_t pc = strtoull(line, NULL, 16);
		uint64_t at = ret_addrs && i > 0 ? pc - 1 : pc;
		struct gm_pclntab_func f;
		struct gm_elf_sym sym;
		if (have_go && gm_pclntab_find_pc(&tab, at, &f) == 0) {
			const char *file = "?";
			int32_t ln = 0;
			gm_pclntab_line(&tab, &f, at, &file, &ln);
			printf("%s %s:%d\n", f.name, file, ln);
		} else if (gm_elf_symbol_at(&img, at, &sym) == 0 && sym.name) {
			printf("%s ?:0\n", sym.name);
		} else {
			printf("? ?:0\n");
		}
	}
	gm_elf_close(&img);
	return 0;
}
