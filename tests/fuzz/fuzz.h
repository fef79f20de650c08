/* fuzz.h: what the fuzz targets of tests/fuzz/ share: the libFuzzer entry point, a cursor
 * that takes numbers from the fuzz bytes, an aligned private copy of the input (so that a
 * sanitizer sees any read past its end), and a wrapper that puts raw bytes into a minimal
 * ELF64 file as one named section, for the parsers that find their data by section name.
 * Header-only: each target includes it once. Built with clang -fsanitize=fuzzer for
 * `make fuzz`, and with gcc and tests/fuzz/replay.c for the replay in `make check`. */
#ifndef GM_TEST_FUZZ_H
#define GM_TEST_FUZZ_H
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- reading numbers from the input ---- */

/* The input, consumed from the front. */
struct gm_fz {
	const uint8_t *p; /* next byte */
	size_t n;         /* bytes left */
};

/* The next byte (0 once the input is used up). */
static inline uint8_t gm_fz_u8(struct gm_fz *c)
{
	if (!c->n)
		return 0;
	c->n--;
	return *c->p++;
}

/* The next `bytes` bytes (at most 8), little-endian (missing ones read 0). */
static inline uint64_t gm_fz_uint(struct gm_fz *c, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes && i < 8; i++)
		v |= (uint64_t)gm_fz_u8(c) << (8 * i);
	return v;
}

/* A 64-bit value that is often an edge: 0, 1, -1, a power of two, its neighbours, or any. */
static inline uint64_t gm_fz_edgy(struct gm_fz *c)
{
	uint8_t k = gm_fz_u8(c);
	switch (k & 7) {
	case 0: return 0;
	case 1: return (uint64_t)(k >> 3);
	case 2: return UINT64_MAX - (k >> 3);
	case 3: return 1ULL << (k >> 3 & 63);
	case 4: return (1ULL << (k >> 3 & 63)) - 1;
	case 5: return gm_fz_uint(c, 2);
	case 6: return gm_fz_uint(c, 4);
	default: return gm_fz_uint(c, 8);
	}
}

/* ---- copies of the input ---- */

/* A malloc'd copy of [data, data+size) (at least 1 byte allocated; 16-byte aligned), or NULL. */
static inline uint8_t *gm_fz_copy(const uint8_t *data, size_t size)
{
	uint8_t *b = malloc(size ? size : 1);
	if (!b)
		return NULL;
	b[0] = 0; /* the byte of an empty input */
	if (size)
		memcpy(b, data, size);
	return b;
}

/* ---- a minimal ELF around raw bytes ---- */

#define GM_FZ_WRAP_TEXT 0x400000ULL  /* link address of the R+X segment (the whole file) */
#define GM_FZ_WRAP_DATA 0x800000ULL  /* link address of the RW segment (the payload alone) */

/* An ELF64 executable holding `payload` (n bytes) as section `name`, mapped by a read-only
 * executable PT_LOAD over the whole file and a writable one over the payload: malloc'd,
 * *size bytes, or NULL. Layout: Ehdr, 2 Phdr, payload, ".shstrtab" names, 3 Shdr. */
static inline uint8_t *gm_fz_wrap(const char *name, const uint8_t *payload, size_t n, size_t *size)
{
	size_t names = 1 + strlen(name) + 1 + sizeof(".shstrtab");
	size_t poff = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
	size_t noff = poff + n;
	size_t shoff = (noff + names + 7) & ~(size_t)7;
	size_t total = shoff + 3 * sizeof(Elf64_Shdr);
	uint8_t *b = calloc(1, total);
	if (!b)
		return NULL;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64, eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC, eh->e_machine = EM_X86_64, eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(Elf64_Ehdr), eh->e_phentsize = sizeof(Elf64_Phdr), eh->e_phnum = 2;
	eh->e_shoff = shoff, eh->e_shentsize = sizeof(Elf64_Shdr), eh->e_shnum = 3, eh->e_shstrndx = 2;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	Elf64_Phdr *ph = (Elf64_Phdr *)(b + sizeof(Elf64_Ehdr));
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
			      .p_vaddr = GM_FZ_WRAP_TEXT, .p_filesz = total, .p_memsz = total };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = poff,
			      .p_vaddr = GM_FZ_WRAP_DATA, .p_filesz = n, .p_memsz = n };
	if (n)
		memcpy(b + poff, payload, n);
	char *s = (char *)b + noff;
	strcpy(s + 1, name);
	strcpy(s + 1 + strlen(name) + 1, ".shstrtab");
	Elf64_Shdr *sh = (Elf64_Shdr *)(b + shoff);
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_WRITE,
			      .sh_addr = GM_FZ_WRAP_DATA, .sh_offset = poff, .sh_size = n };
	sh[2] = (Elf64_Shdr){ .sh_name = (uint32_t)(1 + strlen(name) + 1), .sh_type = SHT_STRTAB,
			      .sh_offset = noff, .sh_size = names };
	*size = total;
	return b;
}

/* The bytes as a whole ELF file when they start with its magic; otherwise data[1..] as the
 * section `name` of a wrapped one (gm_fz_wrap). malloc'd, *size bytes, or NULL. */
static inline uint8_t *gm_fz_elf_or_wrap(const char *name, const uint8_t *data, size_t size, size_t *out)
{
	if (size >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0) {
		*out = size;
		return gm_fz_copy(data, size);
	}
	return gm_fz_wrap(name, size ? data + 1 : data, size ? size - 1 : 0, out);
}
#endif
