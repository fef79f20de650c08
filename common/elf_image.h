/* elf_image.h: a read-only view of an ELF64 little-endian file (mapped with mmap, or a
 * caller's buffer): sections by name, program headers, symbols (.symtab and .dynsym) by
 * name and by address, undefined dynamic imports, notes (GNU build-id), translation of
 * link-time virtual addresses to file bytes and back, and the dynamic RELA relocations.
 *
 * Nothing here allocates. Opening validates the headers; every later access is
 * bounds-checked against the file size, so a truncated or corrupt file gives an error,
 * never a crash. After gm_elf_open() all lookups are read-only and async-signal-safe. */
#ifndef GM_ELF_IMAGE_H
#define GM_ELF_IMAGE_H
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- types ---- */

/* One symbol table (.symtab or .dynsym) inside the image. Written by open, then read-only. */
struct gm_elf_symtab {
	const Elf64_Sym *syms; /* the symbols; NULL when the table is absent */
	size_t count;          /* number of entries in syms */
	const char *strtab;    /* the linked string table */
	size_t strsize;        /* its size in bytes */
};

/* An opened image. Written by gm_elf_open/gm_elf_from_memory, then read-only (any thread). */
struct gm_elf_image {
	const uint8_t *data;         /* the file's bytes */
	size_t size;                 /* their number */
	bool mapped;                 /* data is our own mmap (gm_elf_close unmaps it) */
	const Elf64_Ehdr *eh;        /* ELF header (== data) */
	const Elf64_Phdr *ph;        /* program headers, NULL if none */
	size_t phnum;                /* their number */
	const Elf64_Shdr *sh;        /* section headers, NULL if none or unusable */
	size_t shnum;                /* their number */
	const char *shstr;           /* section name string table, NULL if none */
	size_t shstrsize;            /* its size */
	struct gm_elf_symtab symtab; /* .symtab (absent in stripped files) */
	struct gm_elf_symtab dynsym; /* .dynsym (absent in static files) */
};

/* A section, as found by gm_elf_section(). */
struct gm_elf_section {
	const char *name;    /* its name (in the image) */
	uint32_t type;       /* sh_type (SHT_NOBITS has data == NULL) */
	uint64_t flags;      /* sh_flags */
	uint64_t addr;       /* link-time virtual address (0 if not allocated) */
	uint64_t offset;     /* file offset */
	uint64_t size;       /* size in bytes */
	const uint8_t *data; /* the bytes in the image, NULL for SHT_NOBITS */
};

/* A symbol, as found by gm_elf_symbol() or gm_elf_symbol_at(). */
struct gm_elf_sym {
	const char *name; /* its name (in the image) */
	uint64_t value;   /* link-time address */
	uint64_t size;    /* st_size (0 when unknown) */
	uint8_t type;     /* STT_* */
	uint8_t bind;     /* STB_* */
	uint16_t shndx;   /* section index, SHN_UNDEF for imports */
	bool dynamic;     /* from .dynsym rather than .symtab */
};

/* ---- opening ---- */

/* Map `path` read-only and validate it. 0, or -1 (errno-free: the image is left empty). */
int gm_elf_open(struct gm_elf_image *img, const char *path);
/* Wrap a caller's buffer (not copied; it must outlive the image). 0 or -1. */
int gm_elf_from_memory(struct gm_elf_image *img, const void *buf, size_t size);
/* Unmap (if mapped) and clear. Safe on a zeroed or failed image. */
void gm_elf_close(struct gm_elf_image *img);

/* ---- headers ---- */

bool gm_elf_is_pie(const struct gm_elf_image *img);     /* ET_DYN (PIE or shared object) */
bool gm_elf_has_interp(const struct gm_elf_image *img); /* PT_INTERP present (dynamically linked) */
/* The program interpreter PT_INTERP names (e.g. /lib64/ld-linux-x86-64.so.2), NUL-terminated inside
 * the file, or NULL (none, or not terminated inside its segment). Points into the image. */
const char *gm_elf_interp(const struct gm_elf_image *img);
/* The first program header of type `type`, or NULL. */
const Elf64_Phdr *gm_elf_phdr(const struct gm_elf_image *img, uint32_t type);

/* ---- sections and addresses ---- */

/* Find the section called `name`. 0 or -1. */
int gm_elf_section(const struct gm_elf_image *img, const char *name, struct gm_elf_section *out);
/* The file bytes behind [vaddr, vaddr+len) of a PT_LOAD segment (file-backed part only),
 * or NULL. *avail (optional) receives how many bytes are readable from there to the end of
 * the segment's file image. */
const uint8_t *gm_elf_vaddr_data(const struct gm_elf_image *img, uint64_t vaddr, size_t len,
				 size_t *avail);

/* The link-time virtual address of file offset `off` (inside a PT_LOAD's file image). 0 or -1. */
int gm_elf_offset_vaddr(const struct gm_elf_image *img, uint64_t off, uint64_t *vaddr);
/* The 64-bit word the loaded image holds at link address vaddr before any load bias: the file's
 * bytes; in a PIE whose file holds 0 there, the addend of the R_X86_64_RELATIVE relocation at
 * vaddr (linkers that do not write dynamic relocations' values into the file, e.g. lld by
 * default; GNU ld and Go's own linker write them). 0, or -1 if vaddr is not in the file. */
int gm_elf_link_word(const struct gm_elf_image *img, uint64_t vaddr, uint64_t *out);
/* The dynamic RELA table (DT_RELA, DT_RELASZ of PT_DYNAMIC), or NULL; *count entries. */
const Elf64_Rela *gm_elf_dyn_rela(const struct gm_elf_image *img, size_t *count);

/* ---- symbols ---- */

/* A defined symbol called `name`: .symtab first, then .dynsym. 0 or -1. */
int gm_elf_symbol(const struct gm_elf_image *img, const char *name, struct gm_elf_sym *out);
/* The defined function or object symbol containing addr ([value, value+size); a zero-size
 * symbol matches its exact address only). Linear scan. 0 or -1. */
int gm_elf_symbol_at(const struct gm_elf_image *img, uint64_t addr, struct gm_elf_sym *out);
/* Whether .dynsym has an undefined (imported) symbol `name` (version suffix ignored). */
bool gm_elf_imports(const struct gm_elf_image *img, const char *name);

/* ---- notes ---- */

/* The descriptor of the first note with this owner and type (in SHT_NOTE sections, else in
 * PT_NOTE segments). 0 or -1. */
int gm_elf_note(const struct gm_elf_image *img, const char *owner, uint32_t type,
		const uint8_t **desc, size_t *len);
/* The GNU build-id (NT_GNU_BUILD_ID) bytes. 0 or -1. */
int gm_elf_build_id(const struct gm_elf_image *img, const uint8_t **id, size_t *len);
#endif
