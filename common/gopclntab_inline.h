/* gopclntab_inline.h: Go's inline tree (FUNCDATA_InlTree with PCDATA_InlTreeIndex) read from
 * an ELF file, plain or stripped: the logical frames of one pc, innermost inlined call first
 * and the physical function last, as runtime.CallersFrames reports them. The funcdata live
 * at offsets from moduledata.gofunc ("go:func.*", 1.19: "go.func.*"), which is found through
 * runtime.firstmoduledata in the file's writable data (no symbol needed). Layouts of Go 1.19
 * (magic 0xfffffff0) and 1.20+ (0xfffffff1); Go 1.16-1.18 (funcdata as pointers) are refused.
 * Details by version: docs/symbolization.md. Allocation-free; returned strings point into
 * the table. */
#ifndef GM_GOPCLNTAB_INLINE_H
#define GM_GOPCLNTAB_INLINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/gopclntab.h"

struct gm_elf_image;

/* ---- types ---- */

/* Where a table's funcdata are. Written by gm_pclntab_gofunc_from_elf, then read-only. */
struct gm_pclntab_gofunc {
	uint64_t vaddr;       /* link address of moduledata.gofunc (go:func.*) */
	const uint8_t *data;  /* the file's bytes at vaddr */
	size_t size;          /* bytes available from data (to the end of its segment's file part) */
	uint64_t moduledata;  /* link address of the moduledata it was read from */
	size_t field;         /* offset of the gofunc field in that moduledata (304, 320, 344) */
	int go_minor;         /* Go minor version from .go.buildinfo (19, 23, ...), 0 if unknown */
};

/* One entry of an inline tree. */
struct gm_pclntab_inlcall {
	const char *name;   /* the inlined (called) function, "main.small" (in the table) */
	uint32_t parent_pc; /* offset from the physical function's entry of an instruction whose
			     * position is the call site */
	int32_t start_line; /* line of the inlined function's func keyword (1.20+), 0 in 1.19 */
	uint8_t func_id;    /* its abi.FuncID (numbering differs between versions) */
};

/* One logical frame of a pc. */
struct gm_pclntab_frame {
	const char *func; /* function name (in the table) */
	const char *file; /* source file, NULL if unknown */
	int32_t line;     /* source line, 0 if unknown */
	bool inlined;     /* inlined into the next frame (false for the last, physical, one) */
};

/* Funcdata table index of the inline tree (runtime FUNCDATA_InlTree, all versions). */
#define GM_FUNCDATA_INLTREE 3

/* ---- finding the funcdata ---- */

/* Find moduledata.gofunc of the Go executable img whose table is t (found in img, e.g. by
 * gm_pclntab_from_elf): the moduledata is the 8-byte-aligned word sequence in a writable
 * PT_LOAD that points at t's header, funcnametab and cutab; the gofunc field's offset comes
 * from the Go version in .go.buildinfo and is checked (it must point at file data where the
 * inline trees' first entries name functions and stay inside their functions). 0 or -1. */
int gm_pclntab_gofunc_from_elf(const struct gm_elf_image *img, const struct gm_pclntab *t,
			       struct gm_pclntab_gofunc *g);

/* ---- inline trees ---- */

/* Funcdata number idx of f: its bytes and how many follow in the segment. 0, or -1 (none). */
int gm_pclntab_funcdata(const struct gm_pclntab *t, const struct gm_pclntab_gofunc *g,
			const struct gm_pclntab_func *f, uint32_t idx, const uint8_t **p, size_t *avail);
/* Entry `index` of f's inline tree. 0 or -1. */
int gm_pclntab_inlcall(const struct gm_pclntab *t, const struct gm_pclntab_gofunc *g,
		       const struct gm_pclntab_func *f, int32_t index, struct gm_pclntab_inlcall *c);
/* The logical frames at pc in f (a call pc: for a return address pass pc - 1), innermost
 * first, into out[max]: each inlined call at its own file:line, each caller at the call site,
 * the physical function f last (inlined = false). g NULL, or no inline tree: f alone. Wrapper
 * frames are kept (runtime.CallersFrames elides some). Number of frames (>= 1, <= max), or 0
 * if max is 0 or pc is outside f. A chain deeper than max keeps its max - 1 innermost frames
 * and f. */
unsigned gm_pclntab_frames(const struct gm_pclntab *t, const struct gm_pclntab_gofunc *g,
			   const struct gm_pclntab_func *f, uint64_t pc, struct gm_pclntab_frame *out,
			   unsigned max);

#endif
