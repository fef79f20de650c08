/* test_symbolize_tool.c: test driver of the report's symbolizer and profile writers
 * (tools/report/{modmap,symbolize,pprof,folded}.c), for the e2e tests (tests/e2e/symbols_*.sh)
 * and for experiments. Reads commands from stdin, one a line:
 *   mod BADDR MEMSZ IS_PIC PATH     a module of the (one) process (hex baddr, decimal memsz)
 *   bid BADDR HEXBYTES              its build id
 *   unload BADDR                    lttng_ust_lib:unload
 *   stack VALUE ADDR...             a stack of return addresses (hex), innermost first
 *   pcstack VALUE ADDR...           the same, ADDR[0] being a pc
 * For each stack it prints its frames ("  " + gm_sym_format) after a "stack VALUE" line.
 *   test-symbolize-tool [-p PPROF_OUT] [-f FOLDED_OUT] [-r ROOT_FRAME]
 * Values go to every pprof sample type (objects = 1 per stack). Warnings go to stderr. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/report/folded.h"
#include "tools/report/modmap.h"
#include "tools/report/pprof.h"
#include "tools/report/symbolize.h"

int main(int argc, char **argv)
{
	const char *pprof_out = NULL, *folded_out = NULL, *root = NULL;
	int c;
	while ((c = getopt(argc, argv, "p:f:r:")) != -1) {
		switch (c) {
		case 'p': pprof_out = optarg; break;
		case 'f': folded_out = optarg; break;
		case 'r': root = optarg; break;
		default:
			fprintf(stderr, "usage: test-symbolize-tool [-p PPROF] [-f FOLDED] [-r ROOT] < cmds\n");
			return 2;
		}
	}
	struct gm_modmap *m = gm_modmap_new();
	struct gm_sym *s = gm_sym_new(stderr);
	struct gm_pprof *p = gm_pprof_new(s);
	struct gm_folded *fo = gm_folded_new(s);
	if (!m || !s || !p || !fo)
		return 1;
	char line[65536];
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\n")] = '\0';
		char *save, *cmd = strtok_r(line, " ", &save);
		if (!cmd)
			continue;
		if (!strcmp(cmd, "mod")) {
			char *b = strtok_r(NULL, " ", &save), *sz = strtok_r(NULL, " ", &save);
			char *pic = strtok_r(NULL, " ", &save), *path = strtok_r(NULL, "", &save);
			if (!b || !sz || !pic || !path)
				return 2;
			gm_modmap_add(m, strtoull(b, NULL, 16), strtoull(sz, NULL, 10), path, atoi(pic) != 0);
		} else if (!strcmp(cmd, "bid")) {
			char *b = strtok_r(NULL, " ", &save), *hex = strtok_r(NULL, " ", &save);
			if (!b || !hex)
				return 2;
			uint8_t id[GM_BUILD_ID_MAX];
			size_t n = 0;
			for (; n < sizeof id && hex[2 * n] && hex[2 * n + 1]; n++) {
				char byte[3] = { hex[2 * n], hex[2 * n + 1], 0 };
				id[n] = (uint8_t)strtoul(byte, NULL, 16);
			}
			gm_modmap_set_build_id(m, strtoull(b, NULL, 16), id, n);
		} else if (!strcmp(cmd, "unload")) {
			char *b = strtok_r(NULL, " ", &save);
			if (b)
				gm_modmap_unload(m, strtoull(b, NULL, 16));
		} else if (!strcmp(cmd, "stack") || !strcmp(cmd, "pcstack")) {
			bool first_is_pc = !strcmp(cmd, "pcstack");
			char *v = strtok_r(NULL, " ", &save);
			if (!v)
				return 2;
			int64_t value = strtoll(v, NULL, 10);
			uint64_t st[512];
			unsigned n = 0;
			for (char *a; n < 512 && (a = strtok_r(NULL, " ", &save));)
				st[n++] = strtoull(a, NULL, 16);
			printf("stack %" PRId64 "\n", value);
			for (unsigned i = 0; i < n; i++) {
				struct gm_sym_result r = gm_sym_lookup(s, m, st[i], i > 0 || !first_is_pc);
				for (unsigned k = 0; k < r.n; k++) {
					char buf[1024];
					printf("  %s%s\n", gm_sym_format(&r.frames[k], buf, sizeof buf),
					       r.frames[k].inlined ? " (inlined)" : "");
				}
			}
			int64_t vals[GM_PPROF_NVALUES] = { 1, value, 1, value };
			if (gm_pprof_add(p, m, st, n, first_is_pc, vals, root) != 0 ||
			    gm_folded_add(fo, m, st, n, first_is_pc, value, root) != 0)
				return 1;
		}
	}
	int rc = 0;
	if (pprof_out && gm_pprof_write_file(p, pprof_out) != 0)
		rc = 1;
	if (folded_out) {
		FILE *f = fopen(folded_out, "w");
		if (!f || gm_folded_write(fo, f) != 0)
			rc = 1;
		if (f)
			fclose(f);
	}
	gm_folded_free(fo);
	gm_pprof_free(p);
	gm_sym_free(s);
	gm_modmap_free(m);
	return rc;
}
