/* diff_text.c: the human outputs of `gomemtrace diff`: the one-line verdict (also on stderr),
 * the text report (verdict first, the processes compared, the categories' table, the findings
 * in NEW, the stacks that grew, appeared or went, with their frames innermost first) and the
 * markdown for a CI comment (the verdict, one short table, the stacks that regressed). */
#include <inttypes.h>
#include <string.h>

#include "tools/report/diff.h"

/* ---- formatting ---- */
const char *gm_diff_size(char *buf, size_t len, int64_t v, int sign)
{
	const char *s = sign ? (v > 0 ? "+" : v < 0 ? "-" : "") : "";
	if (!sign && v < 0) {
		snprintf(buf, len, "?");
		return buf;
	}
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (a >= (1ULL << 30))
		snprintf(buf, len, "%s%.2f GiB", s, (double)a / (double)(1ULL << 30));
	else if (a >= (1ULL << 20))
		snprintf(buf, len, "%s%.1f MiB", s, (double)a / (double)(1ULL << 20));
	else if (a >= 1024)
		snprintf(buf, len, "%s%.1f KiB", s, (double)a / 1024.0);
	else
		snprintf(buf, len, "%s%" PRIu64 " B", s, a);
	return buf;
}

/* A verdict for people: "REGRESSION" when it gates, else grew / within / shrank / ?. */
static const char *gm_diff_verdict_txt(const struct gm_diff_fig *f, int md)
{
	if (f->regression)
		return md ? "**regression**" : "REGRESSION";
	switch (f->verdict) {
	case GM_DIFF_GREW: return md ? "grew (not gated)" : "grew (not gated)";
	case GM_DIFF_SHRANK: return "shrank";
	case GM_DIFF_WITHIN: return "within";
	default: return "?";
	}
}

/* Whether a function is cgo's or the runtime's glue around a cgo call (not shown in "where"). */
static int gm_diff_glue(const char *fn)
{
	static const char *const pre[] = { "_cgo_", "_cgoexp_", "x_cgo_", "crosscall", "runtime.", "runtime/cgo.", NULL };
	for (int i = 0; pre[i]; i++)
		if (!strncmp(fn, pre[i], strlen(pre[i])))
			return 1;
	return strstr(fn, "._Cfunc_") || strstr(fn, "._cgo_");
}

/* "where" of a stack: its first few functions that are not cgo glue, innermost first. */
struct gm_diff_where {
	char *buf;                       /* the text */
	size_t len, n;                   /* its size, used */
	int want, got;                   /* functions wanted, written */
	const char *sep;                 /* between two */
	const char *first;               /* the innermost function, if none qualifies */
	int md;                          /* markdown: `quoted`, | escaped */
};

static void gm_diff_where_put(struct gm_diff_where *w, const char *fn)
{
	if (w->n + 1 >= w->len)
		return;
	int k = snprintf(w->buf + w->n, w->len - w->n, "%s%s", w->got ? w->sep : "", w->md ? "`" : "");
	w->n += k > 0 && (size_t)k < w->len - w->n ? (size_t)k : 0;
	for (const char *p = fn; *p && w->n + 3 < w->len; p++) {
		if (w->md && *p == '|')
			w->buf[w->n++] = '\\';
		if (w->md && *p == '`')
			continue;
		w->buf[w->n++] = *p;
	}
	if (w->md && w->n + 1 < w->len)
		w->buf[w->n++] = '`';
	w->buf[w->n] = '\0';
	w->got++;
}

static void gm_diff_where_cb(void *ctx, uint64_t addr, const struct gm_sym_frame *f)
{
	struct gm_diff_where *w = ctx;
	(void)addr;
	const char *fn = f->func ? f->func : "?";
	if (!w->first)
		w->first = f->func ? f->func : NULL;
	if (w->got < w->want && f->func && !gm_diff_glue(fn))
		gm_diff_where_put(w, fn);
}

/* The run and stack whose frames show key e: NEW's, else BASE's. */
static const struct gm_rep_stack *gm_diff_shown(struct gm_diff *d, const struct gm_diff_stack *e, int *run)
{
	*run = e->side[GM_DIFF_NEW].st ? GM_DIFF_NEW : GM_DIFF_BASE;
	return e->side[*run].st;
}

static const char *gm_diff_where_of(struct gm_diff *d, const struct gm_diff_stack *e, char *buf, size_t len, int want,
				    const char *sep, int md)
{
	struct gm_diff_where w = { buf, len, 0, want, 0, sep, NULL, md };
	int r;
	const struct gm_rep_stack *st = gm_diff_shown(d, e, &r);
	buf[0] = '\0';
	if (st)
		gm_diff_frames(&d->run[r], st, gm_diff_where_cb, &w);
	if (!w.got)
		gm_diff_where_put(&w, w.first ? w.first : st && st->depth ? "(no symbol)" : "(no stack recorded)");
	return buf;
}

/* ---- the verdict ---- */
void gm_diff_summary(struct gm_diff *d, char *buf, size_t len)
{
	char b[32], w[160];
	size_t n = 0;
#define GM_DIFF_PUT(...) do { int k_ = snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__); \
		if (k_ > 0) n = n + (size_t)k_ < len ? n + (size_t)k_ : len - 1; } while (0)
	buf[0] = '\0';
	if (!d->regressions) {
		GM_DIFF_PUT("no regression");
		int grew = 0;
		for (int c = 0; c < GM_DIFF_NCATS; c++)
			if (d->cat[c].verdict == GM_DIFF_GREW)
				GM_DIFF_PUT("%s %s %s", grew++ ? "," : " (not gated, grew:", gm_diff_check_name(c),
					    gm_diff_size(b, sizeof b, d->cat[c].delta, 1));
		if (grew)
			GM_DIFF_PUT(")");
		return;
	}
	GM_DIFF_PUT("REGRESSION:");
	int items = 0;
	for (int c = 0; c < GM_DIFF_NCATS; c++)
		if (d->cat[c].regression)
			GM_DIFF_PUT("%s %s %s", items++ ? "," : "", gm_diff_check_name(c),
				    gm_diff_size(b, sizeof b, d->cat[c].delta, 1));
	for (int i = 0; i < d->nfindings; i++)
		if (d->findings[i].fig.regression)
			GM_DIFF_PUT("%s %s%s finding %s", items++ ? "," : "", d->findings[i].in_base ? "" : "new ",
				    d->findings[i].kind, gm_diff_size(b, sizeof b, d->findings[i].fig.delta, 1));
	size_t nst = 0;
	int64_t sum = 0;
	const struct gm_diff_stack *top = NULL;
	for (size_t i = 0; i < d->nstacks; i++)
		if (d->stacks[i].fig.regression) {
			nst++, sum += d->stacks[i].fig.delta;
			if (!top)
				top = &d->stacks[i];
		}
	if (nst) {
		GM_DIFF_PUT("%s %zu stack%s %s (%s", items++ ? "," : "", nst, nst == 1 ? "" : "s",
			    gm_diff_size(b, sizeof b, sum, 1), gm_diff_where_of(d, top, w, sizeof w, 2, " <- ", 0));
		GM_DIFF_PUT("%s)", nst > 1 ? ", ..." : "");
	}
#undef GM_DIFF_PUT
}

/* ---- text ---- */
static void gm_diff_txt_run(FILE *o, const struct gm_diff *d, int s)
{
	const struct gm_diff_run *r = &d->run[s];
	const struct gm_rep_proc *p = r->p;
	fprintf(o, "%-4s %s: pid %" PRId64 " %s (%s; ", s ? "NEW" : "BASE", r->dir, p->vpid,
		p->procname ? p->procname : "?", p->go_version && *p->go_version ? p->go_version : "not Go");
	if (p->sample_bytes)
		fprintf(o, "C allocations sampled, 1 in ~%" PRIu64 " bytes", p->sample_bytes);
	else
		fputs("every C allocation recorded", o);
	fprintf(o, "), %.2f s", p->last_ts > p->first_ts ? (double)(p->last_ts - p->first_ts) / 1e9 : 0.0);
	if (r->m.lost_events || r->m.lost_packets || r->m.partial)
		fputs(", approximate (lost events or a truncated trace)", o);
	fputc('\n', o);
}

static void gm_diff_txt_gate(FILE *o, const struct gm_diff *d)
{
	int n = 0;
	fputs("(gate:", o);
	for (int c = 0; c < GM_DIFF_NCHECKS; c++)
		if (d->opts.gate >> c & 1)
			fprintf(o, "%s %s", n++ ? "," : "", gm_diff_check_name(c));
	if (!n)
		fputs(" none", o);
	fprintf(o, "; a delta counts beyond max(threshold, %% of BASE, %g standard errors): docs/diff.md)\n", d->opts.k);
}

/* One line of frames: function  file:line  (inlined). */
static void gm_diff_txt_frame_cb(void *ctx, uint64_t addr, const struct gm_sym_frame *f)
{
	FILE *o = ctx;
	(void)addr;
	if (f->func) {
		fprintf(o, "      %s", f->func);
	} else {
		char raw[512];
		fprintf(o, "      %s", gm_sym_format(f, raw, sizeof raw));
	}
	if (f->file)
		fprintf(o, "  %s:%d", f->file, f->line);
	if (f->inlined)
		fputs("  (inlined)", o);
	fputc('\n', o);
}

static void gm_diff_txt_stack(FILE *o, struct gm_diff *d, const struct gm_diff_stack *e, int i, enum gm_diff_list l)
{
	char a[32], b[32], c[32], bd[32];
	const struct gm_diff_side *bs = &e->side[GM_DIFF_BASE], *ns = &e->side[GM_DIFF_NEW];
	fprintf(o, "  #%d %s", i + 1, gm_diff_size(a, sizeof a, e->fig.delta, 1));
	if (l == GM_DIFF_GROWN)
		fprintf(o, ": %s in %" PRIu64 " -> %s in %" PRIu64 " live blocks", gm_diff_size(b, sizeof b, (int64_t)bs->bytes, 0),
			bs->blocks, gm_diff_size(c, sizeof c, (int64_t)ns->bytes, 0), ns->blocks);
	else
		fprintf(o, " in %" PRIu64 " live block%s", l == GM_DIFF_GONE ? bs->blocks : ns->blocks,
			(l == GM_DIFF_GONE ? bs->blocks : ns->blocks) == 1 ? "" : "s");
	fprintf(o, " (bound %s", gm_diff_size(bd, sizeof bd, e->fig.bound, 0));
	if (e->fig.se_base || e->fig.se_new)
		fprintf(o, "; \u00b1 %s, %s", gm_diff_size(b, sizeof b, (int64_t)e->fig.se_base, 0),
			gm_diff_size(c, sizeof c, (int64_t)e->fig.se_new, 0));
	fputc(')', o);
	if (l != GM_DIFF_GONE && ns->suspect)
		fputs(", a leak suspect", o);
	if (l == GM_DIFF_GONE && bs->suspect)
		fputs(", was a leak suspect", o);
	if (l != GM_DIFF_GONE)
		fprintf(o, "  %s", gm_diff_verdict_txt(&e->fig, 0));
	fputc('\n', o);
	int r;
	const struct gm_rep_stack *st = gm_diff_shown(d, e, &r);
	if (st && st->depth)
		gm_diff_frames(&d->run[r], st, gm_diff_txt_frame_cb, o);
	else
		fputs("      (no stack recorded)\n", o);
	int nst = e->side[r].nstacks;
	if (nst > 1)
		fprintf(o, "      (%d stacks of %s with this key: they differ in lines; the one holding most shown)\n", nst,
			r ? "NEW" : "BASE");
}

static void gm_diff_txt_list(FILE *o, struct gm_diff *d, enum gm_diff_list l, const char *title)
{
	fprintf(o, "\n%s (%zu)\n", title, d->nlist[l]);
	if (!d->nlist[l])
		fputs("  none\n", o);
	for (size_t i = 0; i < d->nlist[l] && (!d->opts.top || i < (size_t)d->opts.top); i++)
		gm_diff_txt_stack(o, d, gm_diff_list_at(d, l, i), (int)i, l);
	if (d->opts.top && d->nlist[l] > (size_t)d->opts.top)
		fprintf(o, "  (%zu more: --top)\n", d->nlist[l] - (size_t)d->opts.top);
}

void gm_diff_write_text(FILE *o, struct gm_diff *d)
{
	char line[1024], a[32], b[32], c[32], e[32];
	gm_diff_summary(d, line, sizeof line);
	fprintf(o, "gomemtrace diff: %s\n", line);
	gm_diff_txt_run(o, d, GM_DIFF_BASE);
	gm_diff_txt_run(o, d, GM_DIFF_NEW);
	if (d->note[0])
		fprintf(o, "note: %s\n", d->note);
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < d->run[s].m.nwarnings; i++)
			fprintf(o, "warning: %s: %s\n", s ? "NEW" : "BASE", d->run[s].m.warnings[i]);
	if (d->oom)
		fputs("warning: out of memory while comparing stacks: the stacks below are incomplete\n", o);
	gm_diff_txt_gate(o, d);

	fprintf(o, "\nMemory split at the end      %12s %12s %12s %12s  verdict\n", "BASE", "NEW", "delta", "bound");
	int se = 0;
	for (int k = 0; k < GM_DIFF_NCATS; k++) {
		const struct gm_diff_fig *f = &d->cat[k];
		char name[40];
		snprintf(name, sizeof name, "%s%s", gm_diff_check_name(k), d->opts.gate >> k & 1 ? " *" : "");
		fprintf(o, "  %-26s %12s %12s %12s %12s  %s\n", name, gm_diff_size(a, sizeof a, f->base, 0),
			gm_diff_size(b, sizeof b, f->new, 0),
			f->verdict == GM_DIFF_UNKNOWN ? "?" : gm_diff_size(c, sizeof c, f->delta, 1),
			f->verdict == GM_DIFF_UNKNOWN ? "" : gm_diff_size(e, sizeof e, f->bound, 0), gm_diff_verdict_txt(f, 0));
		se |= f->se_base || f->se_new;
	}
	fputs("  (* gates)\n", o);
	if (se) {
		fputs("  sampled estimates, \u00b1 one standard error (BASE, NEW):", o);
		for (int k = 0; k < GM_DIFF_NCATS; k++)
			if (d->cat[k].se_base || d->cat[k].se_new)
				fprintf(o, " %s %s, %s;", gm_diff_check_name(k), gm_diff_size(a, sizeof a, (int64_t)d->cat[k].se_base, 0),
					gm_diff_size(b, sizeof b, (int64_t)d->cat[k].se_new, 0));
		fputc('\n', o);
	}

	int nf = 0;
	fputs("\nFindings in NEW\n", o);
	for (int i = 0; i < d->nfindings; i++) {
		const struct gm_diff_finding *f = &d->findings[i];
		if (!f->in_new)
			continue;
		nf++;
		fprintf(o, "  [%s] %s: %s -> %s, %s (bound %s)  %s\n", f->kind, f->in_base ? "in both" : "new in NEW",
			gm_diff_size(a, sizeof a, f->fig.base, 0), gm_diff_size(b, sizeof b, f->fig.new, 0),
			f->fig.verdict == GM_DIFF_UNKNOWN ? "?" : gm_diff_size(c, sizeof c, f->fig.delta, 1),
			gm_diff_size(e, sizeof e, f->fig.bound, 0), gm_diff_verdict_txt(&f->fig, 0));
		fprintf(o, "      %s\n", f->summary);
	}
	if (!nf)
		fputs("  none\n", o);
	for (int i = 0; i < d->nfindings; i++)
		if (!d->findings[i].in_new)
			fprintf(o, "  (gone: [%s] was in BASE: %s)\n", d->findings[i].kind, d->findings[i].summary);

	fprintf(o, "\nStacks: %zu keys in both traces, %zu only in NEW, %zu only in BASE (with live C bytes); matched by "
		   "function and source file, innermost first\n", d->nmatched, d->nlist[GM_DIFF_ONLY_NEW], d->nlist[GM_DIFF_GONE]);
	gm_diff_txt_list(o, d, GM_DIFF_GROWN, "Stacks whose live C bytes grew");
	gm_diff_txt_list(o, d, GM_DIFF_ONLY_NEW, "Stacks only in NEW");
	gm_diff_txt_list(o, d, GM_DIFF_GONE, "Stacks gone (only in BASE)");
}

/* ---- markdown ---- */
static void gm_diff_md_run(FILE *o, const struct gm_diff *d, int s)
{
	const struct gm_diff_run *r = &d->run[s];
	const struct gm_rep_proc *p = r->p;
	fprintf(o, "%s: `%s` (pid %" PRId64 " `%s`, %s, %s)  \n", s ? "NEW" : "BASE", r->dir, p->vpid,
		p->procname ? p->procname : "?", p->go_version && *p->go_version ? p->go_version : "not Go",
		p->sample_bytes ? "sampled" : "every allocation recorded");
}

static void gm_diff_md_row(FILE *o, const char *name, const struct gm_diff_fig *f)
{
	char a[32], b[32], c[32], e[32];
	fprintf(o, "| %s | %s | %s | %s | %s | %s |\n", name, gm_diff_size(a, sizeof a, f->base, 0),
		gm_diff_size(b, sizeof b, f->new, 0), f->verdict == GM_DIFF_UNKNOWN ? "?" : gm_diff_size(c, sizeof c, f->delta, 1),
		f->verdict == GM_DIFF_UNKNOWN ? "" : gm_diff_size(e, sizeof e, f->bound, 0), gm_diff_verdict_txt(f, 1));
}

void gm_diff_write_markdown(FILE *o, struct gm_diff *d)
{
	char line[1024], a[32], b[32], c[32], w[512];
	gm_diff_summary(d, line, sizeof line);
	fprintf(o, "### gomemtrace diff: %s\n\n", d->regressions ? "**regression**" : "no regression");
	fprintf(o, "%s\n\n", line);
	gm_diff_md_run(o, d, GM_DIFF_BASE);
	gm_diff_md_run(o, d, GM_DIFF_NEW);
	if (d->note[0])
		fprintf(o, "note: %s  \n", d->note);
	fputs("\n| check | BASE | NEW | delta | bound | verdict |\n|---|---:|---:|---:|---:|---|\n", o);
	for (int k = 0; k < GM_DIFF_NCATS; k++) /* the gating checks, and the others that moved */
		if ((d->opts.gate >> k & 1) || d->cat[k].verdict == GM_DIFF_GREW || d->cat[k].verdict == GM_DIFF_SHRANK)
			gm_diff_md_row(o, gm_diff_check_name(k), &d->cat[k]);
	for (int i = 0; i < d->nfindings; i++)
		if (d->findings[i].in_new && (!d->findings[i].in_base || d->findings[i].fig.verdict == GM_DIFF_GREW)) {
			snprintf(line, sizeof line, "finding `%s`%s", d->findings[i].kind, d->findings[i].in_base ? "" : " (new)");
			gm_diff_md_row(o, line, &d->findings[i].fig);
		}
	size_t shown = 0;
	for (int l = GM_DIFF_GROWN; l <= GM_DIFF_ONLY_NEW; l++)
		for (size_t i = 0; i < d->nlist[l]; i++) {
			const struct gm_diff_stack *e = gm_diff_list_at(d, (enum gm_diff_list)l, i);
			if (e->fig.verdict != GM_DIFF_GREW || (d->opts.top && shown >= (size_t)d->opts.top))
				continue;
			if (!shown++)
				fputs("\nStacks whose live C bytes grew (innermost first):\n\n"
				      "| delta | BASE → NEW | stack | verdict |\n|---:|---|---|---|\n", o);
			fprintf(o, "| %s | %s → %s | %s | %s |\n", gm_diff_size(a, sizeof a, e->fig.delta, 1),
				e->side[0].nstacks ? gm_diff_size(b, sizeof b, (int64_t)e->side[0].bytes, 0) : "none",
				gm_diff_size(c, sizeof c, (int64_t)e->side[1].bytes, 0),
				gm_diff_where_of(d, e, w, sizeof w, 3, " ← ", 1), gm_diff_verdict_txt(&e->fig, 1));
		}
	fprintf(o, "\n%zu stacks in both, %zu only in NEW, %zu gone. Gate:", d->nmatched, d->nlist[GM_DIFF_ONLY_NEW],
		d->nlist[GM_DIFF_GONE]);
	int n = 0;
	for (int k = 0; k < GM_DIFF_NCHECKS; k++)
		if (d->opts.gate >> k & 1)
			fprintf(o, "%s `%s`", n++ ? "," : "", gm_diff_check_name(k));
	fprintf(o, "%s; a delta counts beyond max(threshold, %% of BASE, %g standard errors).\n", n ? "" : " none", d->opts.k);
}
