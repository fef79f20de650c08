/* fuzz_gosyms.c: fuzz target of preload/gosyms.c, what runs inside the traced process when
 * it looks at its own executable (compiled with GM_GOSYMS_TESTING for
 * gm_gosyms_init_from_memory: the same parsing as gm_gosyms_init on the input's bytes, taken
 * as loaded at their link addresses). The input is an ELF file, or else a raw .gopclntab
 * after one byte (fuzz.h). Then the queries the stack walker and the Go trap make: the
 * known runtime functions by name, pcs across the Go text, frame sizes. */
#include "preload/gosyms.h"
#include "tests/fuzz/fuzz.h"

static volatile uintptr_t gm_fz_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	uint8_t *b = gm_fz_elf_or_wrap(".gopclntab", data, size, &n);
	if (!b)
		return 0;
	if (gm_gosyms_init_from_memory(b, n) == 0) {
		static const char *const names[] = { "runtime.madvise", "runtime.asmcgocall", "main.main",
						     "runtime.no_such_function", "" };
		uintptr_t e, x;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (gm_gosyms_func(names[i], &e, &x) == 0)
				gm_fz_sink ^= e ^ x;
		gm_fz_sink ^= (uintptr_t)gm_gosyms_is_go() + (uintptr_t)gm_gosyms_has_cgo() +
			      (uintptr_t)gm_gosyms_minor() + strlen(gm_gosyms_version());
		uintptr_t lo = gm_gosyms_text_lo, hi = gm_gosyms_text_hi, step = (hi - lo) / 97 + 1;
		for (uintptr_t pc = lo - 1; pc <= hi && pc + step > pc; pc += step) {
			const char *name;
			if (gm_gosyms_lookup(pc, &name, &e, &x) == 0)
				gm_fz_sink ^= strlen(name);
			gm_fz_sink ^= (uintptr_t)gm_gosyms_sp_delta(pc);
		}
		gm_gosyms_sp_delta(hi);
		gm_gosyms_lookup(hi - 1, NULL, NULL, NULL);
	}
	gm_gosyms_init_from_memory(NULL, 0); /* forget it before b goes */
	free(b);
	return 0;
}
