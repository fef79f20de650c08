/* replay.c: the `make check` side of the fuzz targets: a main() that feeds files to a
 * target's LLVMFuzzerTestOneInput, built with the project's compiler (no clang needed).
 * Without arguments it replays the target's regression inputs and seeds,
 * $GM_TOP_SRCDIR/tests/data/fuzz/TARGET/ and tests/fuzz/seeds/TARGET/ (TARGET: GM_FUZZ_TARGET,
 * set by tests/fuzz/fuzz.mk); with arguments, those files or directories. A crash fails the
 * test; exit 0 after every file, 1 if none could be read (or an argument is missing). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

#ifndef GM_FUZZ_TARGET
#error "GM_FUZZ_TARGET (the target's name) must be defined"
#endif

/* ---- files ---- */

/* Feed one file to the target. 0, or -1 if it cannot be read. */
static int gm_replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 4096, n = 0;
	uint8_t *b = malloc(cap);
	for (size_t r; b && (r = fread(b + n, 1, cap - n, f)) > 0;) {
		n += r;
		if (n == cap) {
			uint8_t *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
		}
	}
	fclose(f);
	if (!b)
		return -1;
	/* an exact-size copy, so that a read past the input's end is past an allocation */
	uint8_t *exact = gm_fz_copy(b, n);
	free(b);
	if (!exact)
		return -1;
	fprintf(stderr, "replay " GM_FUZZ_TARGET ": %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

/* Feed a file, or every file of a directory (sorted). Files fed, or -1. */
static int gm_replay_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return gm_replay_file(path) == 0 ? 1 : -1;
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort), fed = 0;
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char p[4096];
		snprintf(p, sizeof(p), "%s/%s", path, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(p, &st) == 0 && S_ISREG(st.st_mode) && gm_replay_file(p) == 0)
			fed++;
		free(ents[i]);
	}
	free(ents);
	return fed;
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	int total = 0;
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			int n = gm_replay_path(argv[i]);
			if (n < 0) {
				fprintf(stderr, "replay " GM_FUZZ_TARGET ": cannot read %s\n", argv[i]);
				return 1;
			}
			total += n;
		}
	} else {
		const char *src = getenv("GM_TOP_SRCDIR");
		static const char *const dirs[] = { "tests/data/fuzz/", "tests/fuzz/seeds/" };
		for (size_t i = 0; i < 2; i++) {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s" GM_FUZZ_TARGET, src && *src ? src : ".", dirs[i]);
			int n = gm_replay_path(p); /* -1: none yet (a target that never crashed) */
			total += n > 0 ? n : 0;
		}
	}
	printf("replay " GM_FUZZ_TARGET ": %d inputs, no crash\n", total);
	return total > 0 ? 0 : 1;
}
