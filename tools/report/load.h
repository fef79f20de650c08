/* load.h: the first stage of the reader's pipeline, load -> model -> analyze -> render: one
 * session's trace read into a model (gomemtrace-record.txt, a snapshot's complete point,
 * then every event through the input). `gomemtrace report` and `gomemtrace diff` load this way. */
#ifndef GM_REPORT_LOAD_H
#define GM_REPORT_LOAD_H
#include "tools/report/model.h"

/* Initialize m with opts and read the trace under dir into it. Messages on stderr start with
 * `who` ("gomemtrace report"). 0: m holds gomemtrace events (a partial read is warned about,
 * on stderr and in m->warnings); 1: no trace, unreadable, or no gomemtrace events (said; m
 * freed). */
int gm_rep_load(const char *dir, const struct gm_rep_opts *opts, struct gm_rep_model *m, const char *who);
#endif
