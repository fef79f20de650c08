/* folded.h: write stacks in the "folded" format of flamegraph.pl and speedscope:
 *   main.main;main.leakHere;main._Cfunc_cwrap;cwrap;malloc 3003
 * one line per distinct stack, frames outermost first separated by ';', then a space and
 * the value (the caller picks: in-use bytes by default in the report, or allocated bytes).
 * Inlined frames are expanded; unsymbolized frames appear as "0x1234 in app" (module base
 * name). ';' and newlines inside names are replaced by ':' and ' '. Identical stacks are
 * summed; lines come out sorted. Single-threaded (the reader). */
#ifndef GM_REPORT_FOLDED_H
#define GM_REPORT_FOLDED_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tools/report/modmap.h"
#include "tools/report/symbolize.h"

/* A set of folded stacks being built (opaque). */
struct gm_folded;

/* A new set whose stacks are symbolized by s (kept, not owned). NULL on no memory. */
struct gm_folded *gm_folded_new(struct gm_sym *s);
void gm_folded_free(struct gm_folded *f);
/* Add value to the stack (addresses in process map m, innermost first, return addresses as
 * tp.h records them, looked up at addr - 1, except stack[0] when first_is_pc). root
 * (optional) is an extra outermost frame, e.g. "[pid 1234]".
 * Zero values are kept out of the output. 0, or -1 on no memory. */
int gm_folded_add(struct gm_folded *f, const struct gm_modmap *m, const uint64_t *stack,
		  unsigned depth, bool first_is_pc, int64_t value, const char *root);
/* Write the lines (sorted by stack). 0, or -1 on a write error. */
int gm_folded_write(struct gm_folded *f, FILE *out);

#endif
