/* gobuildinfo.c: decoder of .go.buildinfo (see gobuildinfo.h). The blob, as written by
 * cmd/link (Link.buildinfo) and read by debug/buildinfo (Go 1.18-1.23):
 *   16 bytes: "\xff Go buildinf:" (14), ptrSize u8, flags u8 (bit 0 big-endian, bit 1 inline)
 *   inline (1.18+): at +32 two varint-length-prefixed strings: version, module info;
 *   older (1.13-1.17): at +16 and +16+ptrSize the addresses of two Go string headers
 *   {data pointer, length}.
 *   The module info is framed by two 16-byte sentinels (cmd/go modload infoStart/infoEnd). */
#include "common/gobuildinfo.h"

#include <string.h>

/* ---- decoding ---- */

static const char gm_bi_magic[14] = "\xff Go buildinf:";

/* An unsigned varint at *pos of [p, p+size). */
static int gm_bi_uvarint(const uint8_t *p, size_t size, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (*pos >= size)
			return -1;
		uint8_t b = p[(*pos)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

/* A Go string whose header {ptr, len} sits at link address hdr (pointer format). */
static int gm_bi_gostring(const struct gm_elf_image *img, uint64_t hdr, const char **s, size_t *len)
{
	const uint8_t *h = gm_elf_vaddr_data(img, hdr, 16, NULL);
	if (!h)
		return -1;
	uint64_t ptr, n;
	memcpy(&ptr, h, 8);
	memcpy(&n, h + 8, 8);
	if (n > (1u << 24))
		return -1;
	const uint8_t *d = n ? gm_elf_vaddr_data(img, ptr, n, NULL) : h;
	if (!d)
		return -1;
	*s = (const char *)d;
	*len = n;
	return 0;
}

/* Decode the blob at p (size bytes available). */
static int gm_bi_decode(const struct gm_elf_image *img, const uint8_t *p, size_t size, struct gm_gobuildinfo *bi)
{
	if (size < 32 || memcmp(p, gm_bi_magic, sizeof(gm_bi_magic)) != 0)
		return -1;
	uint8_t ptrsize = p[14], flags = p[15];
	const char *vers, *mod;
	size_t vlen, mlen;
	if (flags & 2) {
		size_t pos = 32;
		uint64_t n;
		if (gm_bi_uvarint(p, size, &pos, &n) != 0 || n > size - pos)
			return -1;
		vers = (const char *)p + pos, vlen = n, pos += n;
		if (gm_bi_uvarint(p, size, &pos, &n) != 0 || n > size - pos)
			return -1;
		mod = (const char *)p + pos, mlen = n;
	} else {
		if (ptrsize != 8 || (flags & 1))
			return -1; /* 64-bit little-endian only */
		uint64_t a, b;
		memcpy(&a, p + 16, 8);
		memcpy(&b, p + 24, 8);
		if (gm_bi_gostring(img, a, &vers, &vlen) != 0)
			return -1;
		if (gm_bi_gostring(img, b, &mod, &mlen) != 0)
			mod = NULL, mlen = 0;
	}
	if (vlen == 0)
		return -1;
	memset(bi, 0, sizeof(*bi));
	size_t n = vlen < sizeof(bi->version) - 1 ? vlen : sizeof(bi->version) - 1;
	memcpy(bi->version, vers, n);
	bi->version[n] = '\0';
	gm_gobuildinfo_parse_version(bi->version, &bi->major, &bi->minor, &bi->patch);
	if (mod && mlen >= 33 && mod[mlen - 17] == '\n') { /* strip the framing */
		bi->modinfo = mod + 16;
		bi->modinfo_len = mlen - 32;
	} else if (mod && mlen) {
		bi->modinfo = mod;
		bi->modinfo_len = mlen;
	}
	return 0;
}

int gm_gobuildinfo_read(const struct gm_elf_image *img, struct gm_gobuildinfo *bi)
{
	memset(bi, 0, sizeof(*bi));
	struct gm_elf_section s;
	if (gm_elf_section(img, ".go.buildinfo", &s) == 0 && s.data)
		return gm_bi_decode(img, s.data, s.size, bi);
	/* No section headers: the linker puts the blob near the start of the data segment. */
	for (size_t i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *ph = &img->ph[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		uint64_t start = (ph->p_vaddr + 15) & ~15ULL;
		size_t avail;
		const uint8_t *d = gm_elf_vaddr_data(img, start, 32, &avail);
		if (!d)
			continue;
		for (size_t o = 0; o + 32 <= avail; o += 16)
			if (d[o] == 0xff && gm_bi_decode(img, d + o, avail - o, bi) == 0)
				return 0;
	}
	memset(bi, 0, sizeof(*bi));
	return -1;
}

/* ---- queries ---- */

int gm_gobuildinfo_setting(const struct gm_gobuildinfo *bi, const char *key, const char **val, size_t *len)
{
	const char *p = bi->modinfo, *end = p ? p + bi->modinfo_len : NULL;
	size_t klen = strlen(key);
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t ll = (size_t)(eol - p);
		if (ll > 6 + klen && memcmp(p, "build\t", 6) == 0 && memcmp(p + 6, key, klen) == 0 &&
		    p[6 + klen] == '=') {
			*val = p + 7 + klen;
			*len = ll - 7 - klen;
			return 0;
		}
		p = nl ? nl + 1 : end;
	}
	return -1;
}

/* Digits at *s into *out; advances *s. */
static int gm_bi_num(const char **s, int *out)
{
	if (**s < '0' || **s > '9')
		return -1;
	int v = 0;
	while (**s >= '0' && **s <= '9' && v < 100000)
		v = v * 10 + (*(*s)++ - '0');
	*out = v;
	return 0;
}

int gm_gobuildinfo_parse_version(const char *v, int *major, int *minor, int *patch)
{
	*major = *minor = *patch = 0;
	if (strncmp(v, "go", 2) != 0)
		return -1;
	const char *s = v + 2;
	int ma, mi, pa = 0;
	if (gm_bi_num(&s, &ma) != 0 || *s++ != '.' || gm_bi_num(&s, &mi) != 0)
		return -1;
	if (*s == '.') { /* go1.19.8; "go1.21rc2" has no patch */
		s++;
		if (gm_bi_num(&s, &pa) != 0)
			pa = 0;
	}
	*major = ma, *minor = mi, *patch = pa;
	return 0;
}
