/* gobuildinfo.h: what the Go linker records about a build in .go.buildinfo: the toolchain
 * version ("go1.19.8") and the module info, whose "build\tKEY=VALUE" lines hold the build
 * settings (CGO_ENABLED=1, -buildmode=pie, ...). Reads both the 1.18+ inline-string format
 * and the older format of pointers to Go string headers. Allocation-free. */
#ifndef GM_GOBUILDINFO_H
#define GM_GOBUILDINFO_H
#include <stddef.h>

#include "common/elf_image.h"

/* ---- types ---- */

/* Build info of one executable. Written by gm_gobuildinfo_read, then read-only. */
struct gm_gobuildinfo {
	char version[64];    /* "go1.19.8" (NUL-terminated, truncated if longer) */
	int major;           /* 1 */
	int minor;           /* 19 (0 if the version does not parse, e.g. "devel ...") */
	int patch;           /* 8 (0 for "go1.21" or "go1.21rc2") */
	const char *modinfo; /* module info without its 16-byte framing (in the image), or NULL */
	size_t modinfo_len;  /* its length */
};

/* ---- functions ---- */

/* Find .go.buildinfo (by section name, else by its magic at a 16-byte boundary of the
 * writable segments) and decode it. 0 or -1 (not a Go 1.13+ executable, or corrupt). */
int gm_gobuildinfo_read(const struct gm_elf_image *img, struct gm_gobuildinfo *bi);
/* The value of build setting `key` (line "build\tKEY=VALUE"), not NUL-terminated. 0 or -1. */
int gm_gobuildinfo_setting(const struct gm_gobuildinfo *bi, const char *key, const char **val, size_t *len);
/* Parse "go1.19.8" / "go1.21rc2" / "go1.20.1 X:boringcrypto". 0 or -1. */
int gm_gobuildinfo_parse_version(const char *v, int *major, int *minor, int *patch);
#endif
