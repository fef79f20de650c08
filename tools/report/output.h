/* output.h: the report's writers: text for people (text.c) and the stable JSON contract
 * (json.c, documented in docs/report-json.md). Both read an analyzed model. */
#ifndef GM_REPORT_OUTPUT_H
#define GM_REPORT_OUTPUT_H
#include <stdio.h>

#include "tools/report/model.h"

/* Write the text report of `m` (analyzed) for trace `dir`. */
void gm_rep_write_text(FILE *out, struct gm_rep_model *m, const char *dir);
/* Write the JSON report ("schema": "gomemtrace.report/1"). */
void gm_rep_write_json(FILE *out, struct gm_rep_model *m, const char *dir);
/* Name of a release trigger as used in both outputs ("background", ...). */
const char *gm_rep_trigger_name(int trigger);
#endif
