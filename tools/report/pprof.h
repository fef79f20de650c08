/* pprof.h: write a heap profile in pprof's profile.proto format (uncompressed protobuf,
 * which `go tool pprof` reads as is), with the four sample types of Go's heap profiles:
 * alloc_objects/count, alloc_space/bytes, inuse_objects/count, inuse_space/bytes (default
 * inuse_space). Stacks are raw addresses from the trace; the writer symbolizes them with a
 * gm_sym (inlined frames become several lines of one location, innermost first, as pprof
 * wants), deduplicates locations, functions, mappings and strings, and merges samples with
 * identical stacks. Single-threaded (the reader). */
#ifndef GM_REPORT_PPROF_H
#define GM_REPORT_PPROF_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tools/report/modmap.h"
#include "tools/report/symbolize.h"

/* ---- types ---- */

/* Indexes of a sample's values (the profile's sample types, in this order). */
enum gm_pprof_value {
	GM_PPROF_ALLOC_OBJECTS = 0, /* allocations made */
	GM_PPROF_ALLOC_SPACE,       /* bytes allocated */
	GM_PPROF_INUSE_OBJECTS,     /* allocations still live */
	GM_PPROF_INUSE_SPACE,       /* bytes still live */
	GM_PPROF_NVALUES
};

/* A profile being built (opaque). */
struct gm_pprof;

/* ---- building ---- */

/* A new profile whose stacks are symbolized by s (kept, not owned). NULL on no memory. */
struct gm_pprof *gm_pprof_new(struct gm_sym *s);
void gm_pprof_free(struct gm_pprof *p);
/* Profile time (ns since the epoch) and duration (ns), both optional (0: unset). */
void gm_pprof_set_time(struct gm_pprof *p, int64_t time_ns, int64_t duration_ns);

/* Add one sample: stack = recorded addresses in process map m, innermost first, return
 * addresses as tp.h records them (looked up at addr - 1) except stack[0] when first_is_pc
 * (a trapped instruction's own pc); depth may be 0. root
 * (optional, NULL for none) adds a pseudo-frame outermost, e.g. "[C malloc]" or "[pid 1234]",
 * to separate kinds of memory.
 * Samples with the same stack and root are summed. 0, or -1 on no memory. */
int gm_pprof_add(struct gm_pprof *p, const struct gm_modmap *m, const uint64_t *stack,
		 unsigned depth, bool first_is_pc, const int64_t values[GM_PPROF_NVALUES],
		 const char *root);

/* ---- output ---- */

/* Write the profile to out (binary). 0, or -1 on a write error. */
int gm_pprof_write(struct gm_pprof *p, FILE *out);
/* The same, into a new file at path. 0 or -1 (errno set). */
int gm_pprof_write_file(struct gm_pprof *p, const char *path);

#endif
