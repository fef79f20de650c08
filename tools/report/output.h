/* output.h: the report's writers: text for people (text.c), the stable JSON contract
 * (json.c, documented in docs/report-json.md), the HTML page drawn from that JSON (html.c,
 * docs/report-html.md), pprof and folded profiles (profile.c). All read an analyzed model. */
#ifndef GM_REPORT_OUTPUT_H
#define GM_REPORT_OUTPUT_H
#include <stdio.h>

#include "tools/report/model.h"

/* Write the text report of `m` (analyzed) for trace `dir`. */
void gm_rep_write_text(FILE *out, struct gm_rep_model *m, const char *dir);
/* A JSON string literal of s (its first n bytes, up to a NUL): THE escaping of every JSON
 * gomemtrace writes (json.c; the HTML page's blocks, diff's JSON). */
void gm_rep_json_strn(FILE *out, const char *s, size_t n);
void gm_rep_json_str(FILE *out, const char *s);
/* Write the JSON report ("schema": "gomemtrace.report/2"). */
void gm_rep_write_json(FILE *out, struct gm_rep_model *m, const char *dir);
/* Write the HTML report: one self-contained page (docs/report-html.md) holding the JSON
 * report and every live C stack, drawn by its own script. 0, or -1 (no memory). */
int gm_rep_write_html(FILE *out, struct gm_rep_model *m, const char *dir);
/* Write the C allocations by stack of the reported processes as a pprof profile (uncompressed
 * profile.proto; sample types alloc_objects, alloc_space, inuse_objects, inuse_space) to path,
 * or as folded stacks (value: in-use bytes) to out. 0, or -1 (errno set on write errors). */
int gm_rep_write_pprof(struct gm_rep_model *m, const char *path);
int gm_rep_write_folded(FILE *out, struct gm_rep_model *m);
/* Name of a release trigger as used in both outputs ("background", ...). */
const char *gm_rep_trigger_name(int trigger);
/* Name of the kind of a sample as used in both outputs ("periodic", "exit", "requested",
 * "baseline", "moved"; "none" for an invalid one), and of a kind by number. */
const char *gm_rep_sample_kind_name(const struct gm_rep_sample *s);
const char *gm_rep_sample_kind_str(int kind);
#endif
