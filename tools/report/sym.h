/* sym.h: the reader's view of symbolization: a per-process module map (from the
 * lttng_ust_statedump / lttng_ust_lib events) and address -> function/file/line lookups.
 * This is a thin adapter: until the symbols engineer's modmap.h/symbolize.h are wired in,
 * it resolves with common/ (ELF .symtab/.dynsym and Go's .gopclntab) itself. Results are
 * cached per address; strings stay valid until gm_rep_sym_free(). */
#ifndef GM_REPORT_SYM_H
#define GM_REPORT_SYM_H
#include <stddef.h>
#include <stdint.h>

/* One symbolized frame. Strings are never NULL ("" when unknown). */
struct gm_rep_frame {
	uint64_t addr;        /* the address as recorded */
	const char *function; /* "main.leakHere", "malloc", or "" */
	const char *file;     /* source file or "" */
	int line;             /* source line or 0 */
	const char *module;   /* path of the binary holding addr, or "" */
};

struct gm_rep_sym; /* opaque; owned by one process model, single-threaded */

struct gm_rep_sym *gm_rep_sym_new(void);
void gm_rep_sym_free(struct gm_rep_sym *s);
/* lttng_ust_statedump:start: the module list is about to be re-sent (keeps the cache of
 * modules already seen, as addresses recorded before stay valid). */
void gm_rep_sym_statedump_start(struct gm_rep_sym *s);
/* A module mapped at baddr (bin_info / lib:load); replaces modules it overlaps. */
void gm_rep_sym_add_module(struct gm_rep_sym *s, uint64_t baddr, uint64_t memsz, const char *path, int is_pic);
/* The build id recorded for the module at baddr (checked against the file on disk). */
void gm_rep_sym_set_build_id(struct gm_rep_sym *s, uint64_t baddr, const uint64_t *id, uint32_t len);
/* Look up `addr`; `is_return` (every stack entry but a Go-trap pc): look up addr - 1. */
void gm_rep_sym_lookup(struct gm_rep_sym *s, uint64_t addr, int is_return, struct gm_rep_frame *out);
/* Warnings found while symbolizing (binary missing, rebuilt): calls fn once per warning. */
void gm_rep_sym_warnings(struct gm_rep_sym *s, void (*fn)(void *ctx, const char *msg), void *ctx);
#endif
