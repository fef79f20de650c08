/* json.c: THE writer of the JSON report (schema "gomemtrace.report/2"); every field is
 * documented in docs/report-json.md. Fields may be added; none changes meaning. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gomemtrace/schema.h"
#include "tools/report/output.h"

/* ---- primitives ---- */
void gm_rep_json_strn(FILE *o, const char *s, size_t n)
{
	fputc('"', o);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""), *e = p + (s ? n : 0); p < e && *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(o, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", o);
		else if (*p == '\t')
			fputs("\\t", o);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(o, "\\u%04x", *p);
		else
			fputc(*p, o);
	}
	fputc('"', o);
}

void gm_rep_json_str(FILE *o, const char *s)
{
	gm_rep_json_strn(o, s, s ? strlen(s) : 0);
}

/* A byte figure: null when unknown (< 0). */
static void gm_json_bytes(FILE *o, const char *key, int64_t v, int comma)
{
	fprintf(o, "\"%s\": ", key);
	if (v < 0)
		fputs("null", o);
	else
		fprintf(o, "%" PRId64, v);
	if (comma)
		fputs(", ", o);
}

static double gm_json_secs(const struct gm_rep_model *m, uint64_t ts)
{
	return ts > m->trace_start ? (double)(ts - m->trace_start) / 1e9 : 0.0;
}

/* ---- sections ---- */
/* The timeline (docs/report-json.md, "timeline"): a series per figure, one value per point. */
static void gm_json_series_head(FILE *o, const char *key, int first)
{
	fprintf(o, "%s\"%s\": [", first ? "" : ",\n        ", key);
}

/* A point's sample field f (null when unknown; the Go ones also when the Go states are not
 * trusted). */
static int64_t gm_json_tl_field(const struct gm_rep_proc *p, const struct gm_rep_tl_point *pt, int f)
{
	int go = f == GM_TL_GO_INUSE || f == GM_TL_GO_FREE || f == GM_TL_GO_RELEASED || f == GM_TL_GO_RESIDENT;
	if (go && (pt->f[GM_TL_GO_SOURCE] <= 0 || p->go_heap_check_failed))
		return -1;
	return pt->f[f];
}

static void gm_json_timeline(FILE *o, struct gm_rep_model *m, struct gm_rep_proc *p)
{
	const struct gm_rep_timeline *t = p->tl;
	uint32_t n = gm_rep_tl_points(t);
	if (!n) {
		fputs("null", o);
		return;
	}
	const struct gm_rep_tl_point *pt = t->pt;
	fprintf(o, "{ \"points\": %u, \"samples\": %" PRIu64 ", \"stride\": %" PRIu64
		   ", \"stacks_untracked\": %s, \"chunks_untracked\": %s,\n        ",
		n, t->seen, t->stride, t->rows_full ? "true" : "false", t->chunks_full ? "true" : "false");
	gm_json_series_head(o, "t_s", 1);
	for (uint32_t i = 0; i < n; i++)
		fprintf(o, "%s%.6f", i ? ", " : "", gm_json_secs(m, pt[i].ts));
	fputs("]", o);
	gm_json_series_head(o, "kind", 0);
	for (uint32_t i = 0; i < n; i++)
		fprintf(o, "%s\"%s\"", i ? ", " : "", gm_rep_sample_kind_str(pt[i].kind));
	fputs("]", o);
	static const struct { const char *key; int f; } fields[] = {
		{ "rss", GM_TL_RSS }, { "anonymous", GM_TL_ANON }, { "file", GM_TL_FILE }, { "shmem", GM_TL_SHMEM },
		{ "lazyfree", GM_TL_LAZYFREE }, { "cgroup_current", GM_TL_CGROUP },
		{ "c_allocator_retained", GM_TL_M_FREE }, { "c_heap_in_use", GM_TL_M_INUSE },
		{ "go_heap_in_use", GM_TL_GO_INUSE }, { "go_heap_free_retained", GM_TL_GO_FREE },
		{ "go_heap_released", GM_TL_GO_RELEASED }, { "go_heap_resident", GM_TL_GO_RESIDENT },
	};
	char num[32];
	for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
		gm_json_series_head(o, fields[k].key, 0);
		for (uint32_t i = 0; i < n; i++) {
			int64_t v = gm_json_tl_field(p, &pt[i], fields[k].f);
			snprintf(num, sizeof num, "%" PRId64, v);
			fprintf(o, "%s%s", i ? ", " : "", v < 0 ? "null" : num);
		}
		fputs("]", o);
	}
	gm_json_series_head(o, "c_heap_live", 0);
	for (uint32_t i = 0; i < n; i++)
		fprintf(o, "%s%" PRIu64, i ? ", " : "", gm_rep_est(pt[i].c_live));
	fputs("]", o);
	gm_json_series_head(o, "c_mmap", 0);
	for (uint32_t i = 0; i < n; i++)
		fprintf(o, "%s%" PRId64, i ? ", " : "", pt[i].c_mmap);
	fputs("]", o);
	gm_json_series_head(o, "c_finalizer_waiting", 0);
	for (uint32_t i = 0; i < n; i++)
		fprintf(o, "%s%" PRIu64, i ? ", " : "", gm_rep_est(pt[i].fin_live));
	fputs("]", o);
	gm_json_series_head(o, "go_runtime_other", 0);
	for (uint32_t i = 0; i < n; i++) {
		snprintf(num, sizeof num, "%" PRId64, pt[i].go_other);
		fprintf(o, "%s%s", i ? ", " : "", pt[i].go_other < 0 ? "null" : num);
	}
	fputs("],\n        \"released\": { ", o);
	for (int trig = 0; trig < GM_TRIG_COUNT; trig++) {
		fprintf(o, "%s\"%s\": [", trig ? ", " : "", gm_rep_trigger_name(trig));
		for (uint32_t i = 0; i < n; i++)
			fprintf(o, "%s%" PRIu64, i ? ", " : "", pt[i].released[trig]);
		fputs("]", o);
	}
	fputs(" },\n        \"stacks\": [", o);
	const struct gm_rep_result *r = &p->res;
	for (int s = 0; s < r->nsuspects && s < m->opts.top; s++) {
		const struct gm_rep_stack *st = &p->stacks[r->suspects[s]];
		const struct gm_rep_tl_row *row = gm_rep_tl_row_of(p, r->suspects[s]);
		fprintf(o, "%s{ \"suspect\": %d, \"bytes\": ", s ? ",\n          " : "\n          ", s);
		if (!row) {
			fputs("null }", o);
			continue;
		}
		fputs("[", o);
		for (uint32_t i = 0; i < n; i++) /* the suspect's bytes: blocks, and mappings if it holds some */
			fprintf(o, "%s%" PRIu64, i ? ", " : "",
				gm_rep_est(row->cell[i].live) + (st->map_count ? row->cell[i].map : 0));
		fputs("] }", o);
	}
	fprintf(o, " ],\n        \"go_chunks\": { \"page_bytes\": %u, \"chunk_pages\": %u, \"chunks\": [",
		(unsigned)GM_GO_PAGE_SIZE, (unsigned)GM_GO_CHUNK_PAGES);
	/* by base address */
	uint32_t *order = t->nchunks ? malloc(t->nchunks * sizeof *order) : NULL;
	uint32_t nc = order ? t->nchunks : 0;
	for (uint32_t c = 0; c < nc; c++)
		order[c] = c;
	for (uint32_t a = 1; a < nc; a++) { /* insertion sort: chunks come mostly in order */
		uint32_t v = order[a], b = a;
		for (; b > 0 && t->chunks[order[b - 1]].base > t->chunks[v].base; b--)
			order[b] = order[b - 1];
		order[b] = v;
	}
	for (uint32_t c = 0; c < nc; c++) {
		const struct gm_rep_tl_chunk *ch = &t->chunks[order[c]];
		for (int half = 0; half < 2; half++) {
			fprintf(o, half ? "], \"released\": [" : "%s{ \"base\": \"0x%" PRIx64 "\", \"inuse\": [",
				c ? ",\n          " : "\n          ", ch->base);
			for (uint32_t i = 0; i < n; i++) {
				uint32_t cell = ch->cell[i];
				if (cell == GM_TL_NO_CHUNK)
					fprintf(o, "%snull", i ? ", " : "");
				else
					fprintf(o, "%s%u", i ? ", " : "", half ? cell & 0xffff : cell >> 16);
			}
		}
		fputs("] }", o);
	}
	free(order);
	fputs(" ] } }", o);
}

static void gm_json_suspect(FILE *o, struct gm_rep_model *m, struct gm_rep_proc *p, uint32_t idx)
{
	const struct gm_rep_stack *st = &p->stacks[idx];
	int win = m->opts.from > 0;
	uint64_t frees = p->sample_bytes ? gm_rep_est(st->est_allocs - st->est_live_count) : st->frees;
	if (st->map_count) /* mappings: made, and (partly) unmapped */
		frees += st->mmaps > st->map_count ? st->mmaps - st->map_count : 0;
	fprintf(o, "{ \"kind\": \"%s\", \"bytes\": %" PRIu64 ", \"bytes_stderr\": %" PRIu64
		   ", \"allocations\": %" PRIu64 ", \"allocated_total\": %" PRIu64
		   ", \"allocated_bytes_total\": %" PRIu64 ", \"frees\": %" PRIu64
		   ", \"first_seen_s\": %.6f, \"last_seen_s\": %.6f, \"growing\": %s, \"truncated\": %s, \"frames\": [",
		gm_rep_suspect_kind(st), gm_rep_suspect_bytes(st, win),
		gm_rep_suspect_stderr(st, win), gm_rep_suspect_count(st, win),
		gm_rep_est(st->est_allocs) + (st->map_count ? st->mmaps : 0),
		gm_rep_est(st->est_alloc_bytes) + (st->map_count ? st->mmap_bytes : 0),
		frees, gm_json_secs(m, st->first_ts), gm_json_secs(m, st->last_ts),
		st->grow_ticks >= 2 && st->shrink_ticks == 0 ? "true" : "false", st->truncated == 1 ? "true" : "false");
	const uint64_t *fr = gm_rep_stack_frames(p, st);
	static const char *const status[] = { "ok", "no_symbol", "no_module", "missing", "changed" };
	for (uint32_t k = 0; k < st->depth; k++) {
		struct gm_sym_result sr = gm_rep_symbolize(m, p, fr[k]);
		for (unsigned j = 0; j < sr.n; j++) {
			const struct gm_sym_frame *f = &sr.frames[j];
			fprintf(o, "%s\n        { \"address\": \"0x%" PRIx64 "\", \"function\": ", k || j ? "," : "", fr[k]);
			gm_rep_json_str(o, f->func);
			fputs(", \"file\": ", o);
			gm_rep_json_str(o, f->file);
			fprintf(o, ", \"line\": %d, \"module\": ", f->line);
			gm_rep_json_str(o, f->module);
			fprintf(o, ", \"inlined\": %s, \"status\": \"%s\" }", f->inlined ? "true" : "false",
				(unsigned)f->status < 5 ? status[f->status] : "?");
		}
	}
	fputs(" ] }", o);
}

static void gm_json_proc(FILE *o, struct gm_rep_model *m, struct gm_rep_proc *p)
{
	const struct gm_rep_result *r = &p->res;
	fprintf(o, "    { \"pid\": %" PRId64 ", \"generation\": %d, \"exe\": ", p->vpid, p->generation);
	gm_rep_json_str(o, p->exe);
	fputs(", \"procname\": ", o);
	gm_rep_json_str(o, p->procname);
	fputs(", \"go_version\": ", o);
	gm_rep_json_str(o, p->go_version);
	fprintf(o, ", \"go_heap_check\": { \"releases_checked\": %" PRIu64 ", \"failed\": %" PRIu64
		   ", \"first_failed_at\": %" PRIu64 " }", p->go_heap_checked + p->go_heap_check_failed,
		p->go_heap_check_failed, p->go_heap_check_addr);
	fprintf(o, ",\n      \"lost_events\": %" PRIu64 ", \"lost_packets\": %" PRIu64 ", \"approximate\": %s"
		   ", \"sampled_allocations\": %" PRIu64 ", \"sample_big\": %" PRIu64 ", \"samples\": %" PRIu64 ", \"events\": %" PRIu64
		   ", \"first_seen_s\": %.6f, \"last_seen_s\": %.6f, \"exited\": %s, \"exit_status\": ",
		m->lost_events, m->lost_packets, r->approximate ? "true" : "false", p->sample_bytes, p->sample_big, p->nsamples,
		p->nevents, gm_json_secs(m, p->first_ts), gm_json_secs(m, p->last_ts), p->exited ? "true" : "false");
	if (p->exited)
		fprintf(o, "%d", p->exit_status);
	else
		fputs("null", o);
	fputs(", \"tracer_resident\": ", o);
	if (p->tracer_peak >= 0)
		fprintf(o, "{ \"last\": %" PRId64 ", \"peak\": %" PRId64 " }", p->tracer_last, p->tracer_peak);
	else
		fputs("null", o);
	fputs(",\n      \"run_window\": ", o);
	if (p->window) {
		int64_t off = p->cycles_known ? p->cycles_off : 0;
		fprintf(o, "{ \"start_s\": %.6f, \"end_s\": %.6f, \"duration_s\": %.6f, \"start_unix_ns\": %" PRIu64
			   ", \"start_mono_ns\": %" PRId64 ", \"end_mono_ns\": %" PRId64 ", \"process_age_s\": ",
			gm_json_secs(m, p->win_start), gm_json_secs(m, p->win_end),
			p->win_end > p->win_start ? (double)(p->win_end - p->win_start) / 1e9 : 0.0, p->win_start,
			(int64_t)p->win_start - off, (int64_t)p->win_end - off);
		if (p->start_ns && p->start_ns < p->win_start)
			fprintf(o, "%.3f", (double)(p->win_start - p->start_ns) / 1e9);
		else
			fputs("null", o);
		fprintf(o, ", \"resynced\": %s, \"frees_of_older_blocks\": %" PRIu64 ", \"records_before\": %" PRIu64
			   ", \"records_after\": %" PRIu64 ", \"snapshot\": %s, \"complete_from_s\": ",
			p->resynced ? "true" : "false", p->unknown_frees, p->before_window, p->after_window,
			m->snapshot ? "true" : "false");
		if (m->snapshot)
			fprintf(o, "%.6f, \"streams_cut\": %" PRIu64 " }", gm_json_secs(m, m->complete_from), m->cut_streams);
		else
			fputs("null, \"streams_cut\": null }", o);
	} else {
		fputs("null", o);
	}
	fprintf(o, ",\n      \"final\": { \"sample\": \"%s\", \"at_s\": ", gm_rep_sample_kind_name(&p->last));
	if (p->last.valid)
		fprintf(o, "%.6f", gm_json_secs(m, p->last.go_ts));
	else
		fputs("null", o);
	fputs(", \"exit_to_go_states_s\": ", o);
	if (p->last.valid && p->last.kind == GM_SAMPLE_EXIT && p->exit_ts && p->last.go_ts >= p->exit_ts)
		fprintf(o, "%.6f", (double)(p->last.go_ts - p->exit_ts) / 1e9);
	else
		fputs("null", o);
	fputs(", ", o);
	gm_json_bytes(o, "rss", r->rss, 1);
	gm_json_bytes(o, "c_heap_live", r->c_heap_live, 1);
	gm_json_bytes(o, "c_heap_live_stderr", (int64_t)r->c_heap_live_stderr, 1);
	gm_json_bytes(o, "c_heap_in_use", r->c_heap_in_use, 1);
	gm_json_bytes(o, "c_allocator_retained", r->c_allocator_retained, 1);
	gm_json_bytes(o, "c_mmap", r->c_mmap, 1);
	gm_json_bytes(o, "go_heap_in_use", r->go_heap_in_use, 1);
	gm_json_bytes(o, "go_heap_free_retained", r->go_heap_free_retained, 1);
	gm_json_bytes(o, "go_heap_released", r->go_heap_released, 1);
	gm_json_bytes(o, "go_runtime_other", r->go_runtime_other, 1);
	gm_json_bytes(o, "file", r->file, 1);
	gm_json_bytes(o, "shmem", r->shmem, 1);
	gm_json_bytes(o, "lazyfree", r->lazyfree, 1);
	gm_json_bytes(o, "go_heap_lazyfree", r->go_heap_lazyfree, 1);
	gm_json_bytes(o, "go_heap_resident", r->go_heap_resident, 1);
	gm_json_bytes(o, "go_heap_objects", r->go_heap_objects, 1);
	gm_json_bytes(o, "go_heap_unused", r->go_heap_unused, 0);
	fputs(" },\n      \"cgroup\": ", o);
	if (r->cg_current >= 0) {
		fputs("{ ", o);
		gm_json_bytes(o, "current", r->cg_current, 1);
		fputs("\"limit\": ", o);
		if (r->cg_limit > 0)
			fprintf(o, "%" PRId64 ", ", r->cg_limit);
		else
			fprintf(o, "%s, ", r->cg_limit == 0 ? "\"none\"" : "null");
		gm_json_bytes(o, "anon", r->cg_anon, 1);
		gm_json_bytes(o, "file", r->cg_file, 1);
		gm_json_bytes(o, "kernel", r->cg_kernel, 1);
		gm_json_bytes(o, "sock", r->cg_sock, 1);
		gm_json_bytes(o, "peak", r->cg_peak, 1);
		fprintf(o, "\"processes\": ");
		if (r->cg_procs >= 0)
			fprintf(o, "%" PRId64 " }", r->cg_procs);
		else
			fputs("null }", o);
	} else {
		fputs("null", o);
	}
	fputs(",\n      \"checkpoint\": ", o);
	if (p->ncheckpoints) {
		const int64_t *c = p->checkpoint.v;
		int go = c[GM_F_GO_SOURCE] != 0 && c[GM_F_GO_INUSE] >= 0;
		fprintf(o, "{ \"count\": %" PRIu64 ", \"at_s\": %.6f, ", p->ncheckpoints, gm_json_secs(m, p->checkpoint.go_ts));
		gm_json_bytes(o, "rss", c[GM_F_RSS], 1);
		gm_json_bytes(o, "go_heap_in_use", go ? c[GM_F_GO_INUSE] : -1, 1);
		gm_json_bytes(o, "go_heap_free_retained", go ? c[GM_F_GO_FREE] : -1, 1);
		gm_json_bytes(o, "go_heap_released", go ? c[GM_F_GO_RELEASED] : -1, 1);
		gm_json_bytes(o, "lazyfree", c[GM_F_LAZYFREE], 1);
		int st = go && gm_rep_go_stats_ok(c) && !p->go_heap_check_failed;
		gm_json_bytes(o, "go_heap_objects", st ? c[GM_F_GO_OBJECTS] : -1, 1);
		gm_json_bytes(o, "go_heap_unused", st ? c[GM_F_GO_SPANS] - c[GM_F_GO_OBJECTS] : -1, 0);
		fputs(" }", o);
	} else {
		fputs("null", o);
	}
	fputs(",\n      \"peak\": { ", o);
	gm_json_bytes(o, "rss", r->rss_peak, 1);
	gm_json_bytes(o, "go_heap_in_use", r->go_inuse_peak, 0);
	fputs(" },\n      \"mapped\": { ", o);
	gm_json_bytes(o, "go_heap", (int64_t)r->go_heap_mapped, 1);
	gm_json_bytes(o, "go_runtime_other", (int64_t)r->go_runtime_mapped, 0);
	fprintf(o, " },\n      \"c_blocks\": { \"live\": %" PRIu64 ", \"unknown_frees\": %" PRIu64
		   ", \"failed_allocations\": %" PRIu64 " },\n      \"findings\": [",
		p->nblocks, p->unknown_frees, p->failed_allocs);
	for (int i = 0; i < r->nfindings; i++) {
		fprintf(o, "%s\n        { \"kind\": \"%s\", \"bytes\": %" PRIu64 ", \"summary\": ", i ? "," : "",
			r->findings[i].kind, r->findings[i].bytes);
		gm_rep_json_str(o, r->findings[i].summary);
		fputs(" }", o);
	}
	fprintf(o, " ],\n      \"leak_suspects_bytes\": %" PRIu64 ", \"leak_suspects_bytes_stderr\": %" PRIu64
		   ", \"leak_suspects_count\": %d, \"leak_suspects\": [",
		r->suspects_bytes, r->suspects_stderr, r->nsuspects);
	for (int i = 0; i < r->nsuspects && i < m->opts.top; i++) {
		fputs(i ? ",\n      " : "\n      ", o);
		gm_json_suspect(o, m, p, r->suspects[i]);
	}
	fprintf(o, " ],\n      \"finalizers\": { \"freed_bytes\": { \"finalizer\": %" PRIu64 ", \"cleanup\": %" PRIu64
		   " }, \"freed_blocks\": %" PRIu64 ", \"backlog_peak_bytes\": %" PRIu64 ", \"waiting_bytes\": %" PRIu64
		   ", \"waiting_count\": %d, \"waiting\": [", r->fin_freed[0], r->fin_freed[1], r->fin_freed_blocks,
		r->fin_backlog_peak, r->waiting_bytes, r->nwaiting);
	for (int i = 0; i < r->nwaiting && i < m->opts.top; i++) {
		fputs(i ? ",\n      " : "\n      ", o);
		gm_json_suspect(o, m, p, r->waiting[i]);
	}
	fputs(" ] },\n      \"releases\": { ", o);
	for (int t = 0; t < GM_TRIG_COUNT; t++)
		fprintf(o, "\"%s\": %" PRIu64 ", ", gm_rep_trigger_name(t), r->releases[t]);
	fprintf(o, "\"madv_dontneed\": %" PRIu64 ", \"madv_free\": %" PRIu64
		   ", \"retained_before_release_avg_s\": %.3f, \"retained_before_release_max_s\": %.3f"
		   ", \"retained_measured_bytes\": %" PRIu64 " }",
		r->released_dontneed, r->released_free, r->retained_avg_s, r->retained_max_s,
		r->retained_released_bytes);
	fputs(",\n      \"timeline\": ", o);
	gm_json_timeline(o, m, p);
	fputs(" }", o);
}

/* ---- the document ---- */
void gm_rep_write_json(FILE *o, struct gm_rep_model *m, const char *dir)
{
	fputs("{ \"schema\": \"gomemtrace.report/2\", \"trace\": ", o);
	gm_rep_json_str(o, dir);
	fprintf(o, ", \"duration_s\": %.6f, \"lost_events\": %" PRIu64 ", \"lost_packets\": %" PRIu64
		   ", \"truncated\": %s, \"window\": { \"from_s\": %.3f, \"to_s\": ",
		gm_json_secs(m, m->trace_end), m->lost_events, m->lost_packets, m->partial ? "true" : "false",
		m->opts.from);
	if (m->opts.to >= 0)
		fprintf(o, "%.3f", m->opts.to);
	else
		fputs("null", o);
	fputs(" },\n  \"warnings\": [", o);
	for (size_t i = 0; i < m->nwarnings; i++) {
		fputs(i ? ", " : " ", o);
		gm_rep_json_str(o, m->warnings[i]);
	}
	fputs(" ],\n  \"left_out\": [", o);
	int first = 1;
	for (struct gm_rep_proc *p = m->procs; p; p = p->next) {
		if (!p->nevents || p->selected)
			continue;
		fprintf(o, "%s{ \"pid\": %" PRId64 ", \"exe\": ", first ? " " : ", ", p->vpid);
		gm_rep_json_str(o, p->exe);
		fputs(" }", o);
		first = 0;
	}
	fputs(" ],\n  \"processes\": [\n", o);
	first = 1;
	for (struct gm_rep_proc *p = m->procs; p; p = p->next) {
		if (!p->nevents || !p->selected)
			continue; /* only lttng-ust events (e.g. a process not preloaded), or left out */
		if (!first)
			fputs(",\n", o);
		first = 0;
		gm_json_proc(o, m, p);
	}
	fputs("\n  ] }\n", o);
}
