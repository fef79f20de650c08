/* gopclntab.h: Go's .gopclntab (the runtime's own symbol and line table, kept by stripped
 * binaries): pc -> function, function name -> [entry, end), pc -> file:line, pc -> pcsp
 * (frame size) and any PCDATA table. Layouts of Go 1.16-1.17 (magic 0xfffffffa), 1.18-1.19
 * (0xfffffff0) and 1.20+ (0xfffffff1); the pre-1.16 layout (0xfffffffb) is refused.
 *
 * Addresses are link-time addresses (the header's textStart as stored in the FILE, where a
 * PIE keeps the link address and a dynamic relocation; Go 1.26+ store 0 there and the base
 * comes from the module data: gm_pclntab_text_from_elf); a caller that looks at a running
 * process adds the load bias itself. Every lookup is bounds-checked, allocation-free and
 * async-signal-safe; returned strings point into the table. */
#ifndef GM_GOPCLNTAB_H
#define GM_GOPCLNTAB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- types ---- */

/* A parsed table header. Written by gm_pclntab_init, then read-only (any thread). */
struct gm_pclntab {
	const uint8_t *data;         /* the table, starting at its header */
	size_t size;                 /* bytes available from data */
	uint32_t magic;              /* 0xfffffffa, 0xfffffff0 or 0xfffffff1 */
	int ver;                     /* layout: 116 (1.16-1.17), 118 (1.18-1.19), 120 (1.20+) */
	uint8_t minlc;               /* instruction size quantum (1 on amd64) */
	uint8_t ptrsize;             /* pointer size (8) */
	uint64_t nfunc;              /* number of functions */
	uint64_t nfiles;             /* number of file names */
	uint64_t text_start;         /* link address entry offsets are relative to (0 for 1.16) */
	int text_src;                /* where text_start came from: enum gm_pclntab_text_src */
	const uint8_t *funcnametab;  /* function names, NUL-terminated */
	size_t funcnametab_size;     /* its size */
	const uint8_t *cutab;        /* per-compilation-unit file indexes (u32) */
	size_t cutab_size;           /* its size */
	const uint8_t *filetab;      /* file names, NUL-terminated */
	size_t filetab_size;         /* its size */
	const uint8_t *pctab;        /* pc-value tables */
	size_t pctab_size;           /* its size */
	const uint8_t *pcln;         /* functab followed by the _func records */
	size_t pcln_size;            /* its size */
	size_t ftab_entsize;         /* size of a functab entry: 8 (1.18+) or 16 (1.16) */
	size_t func_size;            /* fixed size of a _func record before pcdata[] */
};

/* Where a table's text_start (the base of its entry offsets) came from. Go 1.18-1.25 write the
 * address of runtime.text into the header; Go 1.26 writes 0 there ("unused": the runtime takes
 * moduledata.text) and the base must come from the module data or the symbol table. */
enum gm_pclntab_text_src {
	GM_PCLN_TEXT_HEADER = 0,     /* the header's textStart (1.18-1.25; 1.16: entries are absolute) */
	GM_PCLN_TEXT_GO_MODULE = 1,  /* moduledata.text, moduledata = section .go.module (1.26+) */
	GM_PCLN_TEXT_MD_SYMBOL = 2,  /* moduledata.text, moduledata = symbol runtime.firstmoduledata */
	GM_PCLN_TEXT_MD_SCAN = 3,    /* moduledata.text, moduledata found by scanning writable segments */
	GM_PCLN_TEXT_SYMBOL = 4,     /* the symbol runtime.text */
	GM_PCLN_TEXT_UNKNOWN = 5,    /* textStart 0 and no base found: addresses are unusable */
};

/* A function, as found by a lookup. */
struct gm_pclntab_func {
	uint64_t entry;     /* link address of its first instruction */
	uint64_t end;       /* link address after its last byte (next function's entry) */
	const char *name;   /* "runtime.madvise" (in the table) */
	uint32_t index;     /* its index in the functab */
	const uint8_t *raw; /* its _func record (in the table) */
};

/* PCDATA table indexes (runtime/funcdata.h). */
#define GM_PCDATA_UNSAFEPOINT 0
#define GM_PCDATA_STACKMAPINDEX 1
#define GM_PCDATA_INLTREEINDEX 2

/* ---- header ---- */

/* Parse the header at data (size bytes available). 0, or -1 if it is not a supported table. */
int gm_pclntab_init(struct gm_pclntab *t, const void *data, size_t size);
/* Find a table by scanning [data, data+size) at 8-byte steps for a magic followed by a
 * header that parses; *off receives its offset. 0 or -1. For binaries without section
 * headers (the table sits in the read-only data segment). */
int gm_pclntab_scan(struct gm_pclntab *t, const void *data, size_t size, size_t *off);
/* Link address of the end of the last function (end of Go text). */
uint64_t gm_pclntab_text_end(const struct gm_pclntab *t);

/* ---- functions ---- */

/* Function number i (0 <= i < nfunc). 0 or -1. */
int gm_pclntab_func_at(const struct gm_pclntab *t, uint64_t i, struct gm_pclntab_func *f);
/* The function containing link address pc (binary search). 0 or -1. */
int gm_pclntab_find_pc(const struct gm_pclntab *t, uint64_t pc, struct gm_pclntab_func *f);
/* The first function called `name` (linear scan: for start-up, not for hot paths). 0 or -1. */
int gm_pclntab_find_name(const struct gm_pclntab *t, const char *name, struct gm_pclntab_func *f);

/* ---- pc-value tables ---- */

/* Source position of pc inside f (for a return address, pass pc-1). 0 or -1. */
int gm_pclntab_line(const struct gm_pclntab *t, const struct gm_pclntab_func *f, uint64_t pc,
		    const char **file, int32_t *line);
/* pcsp at pc: bytes the function has pushed below its return address at that point (0 at
 * entry). 0 or -1. */
int gm_pclntab_sp_delta(const struct gm_pclntab *t, const struct gm_pclntab_func *f, uint64_t pc,
			int32_t *delta);
/* Value of PCDATA table `table` at pc. 0, or -1 (no such table: e.g. no inlining). */
int gm_pclntab_pcdata(const struct gm_pclntab *t, const struct gm_pclntab_func *f, uint32_t table,
		      uint64_t pc, int32_t *val);
/* Function's start line (the func keyword), 1.20+ only. 0 or -1. */
int gm_pclntab_start_line(const struct gm_pclntab *t, const struct gm_pclntab_func *f, int32_t *line);
/* ---- finding the table and its text base in an ELF file ---- */

/* Find the .gopclntab of an ELF image: by section name (".gopclntab", or
 * ".data.rel.ro.gopclntab" in an internally linked PIE), else by scanning the file part of the
 * non-executable PT_LOAD segments (stripped binaries); then its text base
 * (gm_pclntab_text_from_elf). 0, or -1 if no table is found or its text base is unknown. */
struct gm_elf_image;
int gm_pclntab_from_elf(const struct gm_elf_image *img, struct gm_pclntab *tab);
/* Complete a table that lies in img: when its header's textStart is 0 (Go 1.26+), take
 * moduledata.text (gm_pclntab_moduledata), else the symbol runtime.text; sets text_start and
 * text_src. A base that is not in an executable PT_LOAD segment is refused. 0, or -1 (the
 * table is left with text_src GM_PCLN_TEXT_UNKNOWN). */
int gm_pclntab_text_from_elf(const struct gm_elf_image *img, struct gm_pclntab *tab);
/* The runtime's module data (runtime/symtab.go moduledata, Go 1.18-1.26 amd64) describing
 * table t of img, whatever its header says: the section .go.module, else the symbol
 * runtime.firstmoduledata, else a scan of the writable PT_LOAD segments (8-byte steps) for a
 * word pointing at t's header (or, in a PIE, an R_X86_64_RELATIVE relocation to it). A
 * candidate must point at t's header and sub-tables, have nfunc+1 ftab entries, and
 * minpc/maxpc = text + the first/last entry offsets. *md (optional): its link address;
 * *text: its text field (link address); *src: GM_PCLN_TEXT_GO_MODULE, _MD_SYMBOL or _MD_SCAN.
 * 0 or -1. */
int gm_pclntab_moduledata(const struct gm_elf_image *img, const struct gm_pclntab *t, uint64_t *md,
			  uint64_t *text, int *src);

/* ---- little-endian reads (gopclntab.c, gopclntab_inline.c) ---- */
static inline uint32_t gm_pcln_u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static inline uint64_t gm_pcln_u64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}
#endif
