/* symbolize.h: addresses of traced stacks -> function, file:line, module. Sources, in order:
 * the Go runtime's .gopclntab (works on stripped Go binaries; inlined Go calls expanded from
 * its inline tree), the ELF's DWARF through elfutils libdw (inlined frames expanded), the ELF
 * symbol tables (.symtab, then .dynsym). Inlined frames come innermost first. Results are cached per (file, address): a report asks for
 * the same addresses millions of times.
 *
 * A module whose file is missing, or whose build id differs from the one in the trace (the
 * binary was rebuilt after recording), is not symbolized: its frames keep the raw address
 * and a note ("0x1234 in /path/app (missing)", "(changed: build id differs)"); one warning
 * per module goes to the warning stream. Single-threaded (the reader). */
#ifndef GM_REPORT_SYMBOLIZE_H
#define GM_REPORT_SYMBOLIZE_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tools/report/modmap.h"

/* ---- types ---- */

/* Why a frame has no symbol. */
enum gm_sym_status {
	GM_SYM_OK = 0,       /* function found (file/line may still be unknown) */
	GM_SYM_NOSYM,        /* the file is fine but nothing covers the address */
	GM_SYM_NOMODULE,     /* the address is in no known module */
	GM_SYM_MISSING,      /* the module's file cannot be opened */
	GM_SYM_CHANGED,      /* the file's build id differs from the trace's */
};

/* One source-level frame. Strings are owned by the symbolizer (valid until gm_sym_free). */
struct gm_sym_frame {
	uint64_t offset;     /* the address looked up: a link address in the module's file (for a
			      * return address, the recorded one - 1), or the process address if no
			      * module; results are cached per file, so the process address is not here */
	const char *func;    /* "main.leakHere", "cwrap"; NULL if unknown */
	const char *file;    /* source file; NULL if unknown */
	int line;            /* source line; 0 if unknown */
	const char *module;  /* module path; NULL if no module */
	bool inlined;        /* inlined into the next frame (same addr) */
	enum gm_sym_status status; /* GM_SYM_OK or why not */
};

/* The frames of one address: inlined ones first (innermost first), the real function last. */
struct gm_sym_result {
	const struct gm_sym_frame *frames; /* n frames, owned by the symbolizer cache */
	unsigned n;                        /* >= 1 */
};

/* A symbolizer (opaque): opened files and the address cache, shared by all processes. */
struct gm_sym;

/* ---- lifetime ---- */

/* warn: where the once-per-module warnings go (NULL: none). */
struct gm_sym *gm_sym_new(FILE *warn);
void gm_sym_free(struct gm_sym *s);

/* Where to look for module files: if set, a module "/a/b/app" is looked for as
 * root + "/a/b/app" (like a sysroot). NULL restores the default (the path as recorded). */
void gm_sym_set_root(struct gm_sym *s, const char *root);

/* Look addresses up in DWARF before .gopclntab (default off: .gopclntab first, so that plain
 * and stripped Go binaries give the same frames). For cross-checks; call before any lookup. */
void gm_sym_set_go_dwarf_first(struct gm_sym *s, bool on);

/* ---- lookups ---- */

/* Symbolize addr in process map m. is_return: addr is a return address (every stack frame
 * except the first), so addr - 1 is looked up (the call instruction's position). Always
 * succeeds: unknown addresses give one frame with func == NULL and a status. The result
 * stays valid until gm_sym_free. */
struct gm_sym_result gm_sym_lookup(struct gm_sym *s, const struct gm_modmap *m, uint64_t addr,
				   bool is_return);
/* The same, for an address already resolved to a module (e.g. by gm_modmap_find); mod may be
 * NULL (no module). */
struct gm_sym_result gm_sym_lookup_module(struct gm_sym *s, const struct gm_module *mod,
					  uint64_t addr, bool is_return);

/* Format a frame for humans into buf (always NUL-terminated; returns buf):
 *   "main.leakHere /src/main.go:21"           symbolized, with a line
 *   "cwrap in /path/app"                       function only
 *   "0x1234 in /path/app (missing)"            raw; "(changed: build id differs)", "(no symbol)"
 *   "0x1234 (no module)"                                                                     */
const char *gm_sym_format(const struct gm_sym_frame *f, char *buf, size_t size);

#endif
