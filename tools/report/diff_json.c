/* diff_json.c: THE writer of `gomemtrace diff --format json` (schema "gomemtrace.diff/1");
 * every field is documented in docs/diff-json.md. Fields may be added; none changes meaning. */
#include <inttypes.h>
#include <string.h>

#include "tools/report/diff.h"
#include "tools/report/output.h"

/* ---- primitives ---- */


/* "key": bytes, or null when unknown (< 0). */
static void gm_diff_json_bytes(FILE *o, const char *key, int64_t v)
{
	fprintf(o, "\"%s\": ", key);
	if (v < 0)
		fputs("null", o);
	else
		fprintf(o, "%" PRId64, v);
}

/* The fields of a compared figure: delta, bound, verdict, regression. */
static void gm_diff_json_fig(FILE *o, const struct gm_diff_fig *f)
{
	fputs("\"delta\": ", o);
	if (f->verdict == GM_DIFF_UNKNOWN)
		fputs("null, \"bound\": null", o);
	else
		fprintf(o, "%" PRId64 ", \"bound\": %" PRId64, f->delta, f->bound);
	fprintf(o, ", \"verdict\": \"%s\", \"regression\": %s", gm_diff_verdict_name(f->verdict),
		f->regression ? "true" : "false");
}

/* ---- sections ---- */
static void gm_diff_json_run(FILE *o, const struct gm_diff_run *r)
{
	const struct gm_rep_proc *p = r->p;
	fputs("{ \"trace\": ", o);
	gm_rep_json_str(o, r->dir);
	fprintf(o, ", \"pid\": %" PRId64 ", \"exe\": ", p->vpid);
	gm_rep_json_str(o, p->exe);
	fputs(", \"procname\": ", o);
	gm_rep_json_str(o, p->procname);
	fputs(", \"go_version\": ", o);
	gm_rep_json_str(o, p->go_version);
	fprintf(o, ", \"sampled_allocations\": %" PRIu64 ", \"approximate\": %s, \"duration_s\": %.6f"
		   ", \"processes\": %d,\n    \"warnings\": [", p->sample_bytes, p->res.approximate ? "true" : "false",
		p->last_ts > p->first_ts ? (double)(p->last_ts - p->first_ts) / 1e9 : 0.0, r->nprocs);
	for (size_t i = 0; i < r->m.nwarnings; i++) {
		fputs(i ? ", " : " ", o);
		gm_rep_json_str(o, r->m.warnings[i]);
	}
	fputs(" ] }", o);
}

/* One side of a stack key: null when the trace has no stack with it. */
static void gm_diff_json_side(FILE *o, const struct gm_diff_side *s, uint64_t se)
{
	if (!s->nstacks) {
		fputs("null", o);
		return;
	}
	fprintf(o, "{ \"bytes\": %" PRIu64 ", \"bytes_stderr\": %" PRIu64 ", \"blocks\": %" PRIu64
		   ", \"allocations\": %" PRIu64 ", \"stacks\": %d, \"leak_suspect\": %s }",
		s->bytes, se, s->blocks, gm_rep_est(s->allocs), s->nstacks, s->suspect ? "true" : "false");
}

/* The frames of a stack (writer callback). */
struct gm_diff_json_frames {
	FILE *o;                         /* where */
	int n;                           /* frames written */
};

static void gm_diff_json_frame_cb(void *ctx, uint64_t addr, const struct gm_sym_frame *f)
{
	struct gm_diff_json_frames *fw = ctx;
	FILE *o = fw->o;
	fprintf(o, "%s\n          { \"address\": \"0x%" PRIx64 "\", \"function\": ", fw->n++ ? "," : "", addr);
	gm_rep_json_str(o, f->func);
	fputs(", \"file\": ", o);
	gm_rep_json_str(o, f->file);
	fprintf(o, ", \"line\": %d, \"module\": ", f->line);
	gm_rep_json_str(o, f->module);
	fprintf(o, ", \"inlined\": %s }", f->inlined ? "true" : "false");
}

static void gm_diff_json_stack(FILE *o, struct gm_diff *d, const struct gm_diff_stack *e)
{
	fputs("{ ", o);
	gm_diff_json_fig(o, &e->fig);
	fputs(",\n        \"base\": ", o);
	gm_diff_json_side(o, &e->side[GM_DIFF_BASE], e->fig.se_base);
	fputs(", \"new\": ", o);
	gm_diff_json_side(o, &e->side[GM_DIFF_NEW], e->fig.se_new);
	fputs(",\n        \"key\": [", o);
	int n = 0;
	for (const char *s = e->key; *s;) { /* "FUNCTION\tFILE\n" lines */
		const char *tab = strchr(s, '\t'), *nl = strchr(s, '\n');
		if (!tab || !nl || tab > nl)
			break;
		fputs(n++ ? ", " : " ", o);
		fputs("{ \"function\": ", o);
		gm_rep_json_strn(o, s, (size_t)(tab - s));
		fputs(", \"file\": ", o);
		gm_rep_json_strn(o, tab + 1, (size_t)(nl - tab - 1));
		fputs(" }", o);
		s = nl + 1;
	}
	int r = e->side[GM_DIFF_NEW].st ? GM_DIFF_NEW : GM_DIFF_BASE;
	fprintf(o, " ],\n        \"frames_from\": \"%s\", \"frames\": [", r ? "new" : "base");
	struct gm_diff_json_frames fw = { o, 0 };
	if (e->side[r].st)
		gm_diff_frames(&d->run[r], e->side[r].st, gm_diff_json_frame_cb, &fw);
	fputs(" ] }", o);
}

static void gm_diff_json_list(FILE *o, struct gm_diff *d, enum gm_diff_list l, const char *name)
{
	fprintf(o, ",\n    \"%s\": [", name);
	for (size_t i = 0; i < d->nlist[l] && (!d->opts.top || i < (size_t)d->opts.top); i++) {
		fputs(i ? ",\n      " : "\n      ", o);
		gm_diff_json_stack(o, d, gm_diff_list_at(d, l, i));
	}
	fputs(" ]", o);
}

/* ---- the document ---- */
void gm_diff_write_json(FILE *o, struct gm_diff *d)
{
	char line[1024];
	gm_diff_summary(d, line, sizeof line);
	fprintf(o, "{ \"schema\": \"gomemtrace.diff/1\", \"verdict\": \"%s\", \"exit_status\": %d, \"regressions\": %d,\n"
		   "  \"summary\": ", d->regressions ? "regression" : "no_regression", d->regressions ? 1 : 0, d->regressions);
	gm_rep_json_str(o, line);
	fputs(",\n  \"base\": ", o);
	gm_diff_json_run(o, &d->run[GM_DIFF_BASE]);
	fputs(",\n  \"new\": ", o);
	gm_diff_json_run(o, &d->run[GM_DIFF_NEW]);
	fputs(",\n  \"note\": ", o);
	gm_rep_json_str(o, d->note);
	fprintf(o, ", \"stderr_k\": %g, \"gate\": [", d->opts.k);
	int n = 0;
	for (int c = 0; c < GM_DIFF_NCHECKS; c++)
		if (d->opts.gate >> c & 1)
			fprintf(o, "%s\"%s\"", n++ ? ", " : " ", gm_diff_check_name(c));
	fputs(" ],\n  \"categories\": [", o);
	for (int c = 0; c < GM_DIFF_NCATS; c++) {
		const struct gm_diff_fig *f = &d->cat[c];
		fprintf(o, "%s\n    { \"name\": \"%s\", ", c ? "," : "", gm_diff_check_name(c));
		gm_diff_json_bytes(o, "base", f->base);
		fputs(", ", o);
		gm_diff_json_bytes(o, "new", f->new);
		fprintf(o, ", \"base_stderr\": %" PRIu64 ", \"new_stderr\": %" PRIu64 ", ", f->se_base, f->se_new);
		gm_diff_json_fig(o, f);
		fprintf(o, ", \"threshold_bytes\": %" PRId64 ", \"threshold_pct\": %g, \"gated\": %s }", d->opts.lim[c].bytes,
			d->opts.lim[c].pct, d->opts.gate >> c & 1 ? "true" : "false");
	}
	fputs(" ],\n  \"findings\": [", o);
	for (int i = 0; i < d->nfindings; i++) {
		const struct gm_diff_finding *f = &d->findings[i];
		fprintf(o, "%s\n    { \"kind\": \"%s\", \"in_base\": %s, \"in_new\": %s, ", i ? "," : "", f->kind,
			f->in_base ? "true" : "false", f->in_new ? "true" : "false");
		gm_diff_json_bytes(o, "base", f->fig.base);
		fputs(", ", o);
		gm_diff_json_bytes(o, "new", f->fig.new);
		fputs(", ", o);
		gm_diff_json_fig(o, &f->fig);
		fprintf(o, ", \"judged_by\": \"%s\", \"summary\": ", gm_diff_check_name(f->check));
		gm_rep_json_str(o, f->summary);
		fputs(" }", o);
	}
	fprintf(o, " ],\n  \"stacks\": { \"matched\": %zu, \"only_new\": %zu, \"gone\": %zu, \"grown\": %zu, "
		   "\"complete\": %s", d->nmatched, d->nlist[GM_DIFF_ONLY_NEW], d->nlist[GM_DIFF_GONE], d->nlist[GM_DIFF_GROWN],
		d->oom ? "false" : "true");
	gm_diff_json_list(o, d, GM_DIFF_GROWN, "grown_stacks");
	gm_diff_json_list(o, d, GM_DIFF_ONLY_NEW, "only_new_stacks");
	gm_diff_json_list(o, d, GM_DIFF_GONE, "gone_stacks");
	fputs(" } }\n", o);
}
