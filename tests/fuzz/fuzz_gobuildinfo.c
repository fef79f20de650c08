/* fuzz_gobuildinfo.c: fuzz target of common/gobuildinfo.c, the decoder of .go.buildinfo (the
 * Go version and build settings of a binary, read by the tracer at start-up and by the
 * reader). The input is an ELF file, or else a raw blob after one byte, wrapped as the
 * section .go.buildinfo of a minimal ELF whose writable segment is the blob itself, so that
 * the pointer format's string headers resolve inside it (fuzz.h). Then the settings are
 * looked up and the version string parsed on its own. */
#include "common/elf_image.h"
#include "common/gobuildinfo.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t gm_fz_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	uint8_t *b = gm_fz_elf_or_wrap(".go.buildinfo", data, size, &n);
	if (!b)
		return 0;
	struct gm_elf_image img;
	struct gm_gobuildinfo bi;
	if (gm_elf_from_memory(&img, b, n) == 0) {
		if (gm_gobuildinfo_read(&img, &bi) == 0) {
			static const char *const keys[] = { "CGO_ENABLED", "-buildmode", "GOARCH", "", "b" };
			gm_fz_sink ^= strlen(bi.version);
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
				const char *v;
				size_t len;
				if (gm_gobuildinfo_setting(&bi, keys[i], &v, &len) == 0 && len)
					gm_fz_sink ^= (size_t)v[0] + (size_t)v[len - 1];
			}
			if (bi.modinfo && bi.modinfo_len)
				gm_fz_sink ^= (size_t)bi.modinfo[0] + (size_t)bi.modinfo[bi.modinfo_len - 1];
		}
		gm_elf_close(&img);
	}
	/* the version parser on the input's first bytes as a string */
	char v[64];
	size_t vl = size < sizeof(v) - 1 ? size : sizeof(v) - 1;
	memcpy(v, data, vl);
	v[vl] = '\0';
	int ma, mi, pa;
	gm_gobuildinfo_parse_version(v, &ma, &mi, &pa);
	free(b);
	return 0;
}
