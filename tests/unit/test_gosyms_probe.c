/* test_gosyms_probe.c: a library test_gosyms preloads into Go programs. Its constructor runs
 * gm_gosyms_init() like the tracer's and writes what preload/gosyms.c found, from inside the
 * process, as "key=value" lines to the file named by GM_GOSYMS_PROBE_OUT. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preload/gosyms.h"

/* ---- report ---- */

__attribute__((constructor)) static void gm_probe(void)
{
	const char *out = getenv("GM_GOSYMS_PROBE_OUT");
	if (!out)
		return;
	FILE *f = fopen(out, "w");
	if (!f)
		return;
	int rc = gm_gosyms_init();
	fprintf(f, "init=%d\nis_go=%d\ncgo=%d\nversion=%s\nminor=%d\nexe=%s\n", rc, gm_gosyms_is_go(),
		gm_gosyms_has_cgo(), gm_gosyms_version(), gm_gosyms_minor(), gm_gosyms_exe());
	fprintf(f, "bias=%#lx\ntext=%#lx %#lx\n", (unsigned long)gm_gosyms_load_bias(),
		(unsigned long)gm_gosyms_text_lo, (unsigned long)gm_gosyms_text_hi);
	uintptr_t e, end;
	if (gm_gosyms_func("runtime.madvise", &e, &end) == 0) {
		/* the code as mapped in this process: checks the load bias */
		fprintf(f, "madvise=%#lx %#lx ", (unsigned long)e, (unsigned long)end);
		for (uintptr_t p = e; p < end && p < e + 28; p++)
			fprintf(f, "%02x", *(const unsigned char *)p);
		fprintf(f, "\nmadvise_sp=%d\n", gm_gosyms_sp_delta(e + 0x15));
		fprintf(f, "madvise_in_text=%d\n", gm_gosyms_in_go_text(e + 0x17));
	}
	if (gm_gosyms_func("main.work", &e, &end) == 0) {
		const char *name = "";
		uintptr_t le = 0, lend = 0;
		int max = -1;
		gm_gosyms_lookup(e + (end - e) / 2, &name, &le, &lend);
		for (uintptr_t pc = e; pc < end; pc++)
			if (gm_gosyms_sp_delta(pc) > max)
				max = gm_gosyms_sp_delta(pc);
		fprintf(f, "work=%#lx %#lx %s %d %d\n", (unsigned long)e, (unsigned long)end, name, le == e && lend == end,
			max);
	}
	fprintf(f, "missing=%d\n", gm_gosyms_func("main.no_such_function", &e, &end));
	fprintf(f, "lookup_outside=%d\nsp_outside=%d\n", gm_gosyms_lookup((uintptr_t)&gm_probe, NULL, NULL, NULL),
		gm_gosyms_sp_delta((uintptr_t)&gm_probe));
	fprintf(f, "reinit=%d\n", gm_gosyms_init());
	fclose(f);
}
