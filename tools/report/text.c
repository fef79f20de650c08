/* text.c: the text report: per process, findings first, then the memory split at the end
 * of the trace, Go heap releases, and the top leak suspects with symbolized stacks
 * (innermost frame first, inlined frames expanded). Figures lost data may distort, or
 * estimated from sampled allocations, carry a "~". */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "gomemtrace/schema.h"
#include "tools/report/output.h"

const char *gm_rep_trigger_name(int t)
{
	static const char *const names[GM_TRIG_COUNT] = { "background", "free_os_memory", "allocation", "other" };
	return t >= 0 && t < GM_TRIG_COUNT ? names[t] : "?";
}

const char *gm_rep_sample_kind_str(int kind)
{
	static const char *const names[GM_SAMPLE_KINDS] = { "periodic", "exit", "requested", "baseline", "moved" };
	return kind >= 0 && kind < GM_SAMPLE_KINDS ? names[kind] : "?";
}

const char *gm_rep_sample_kind_name(const struct gm_rep_sample *s)
{
	return s->valid ? gm_rep_sample_kind_str(s->kind) : "none";
}

/* ---- formatting ---- */
/* "12.3 MiB" / "512 KiB" / "100 B", "?" when unknown; ~ when approximate. */
static const char *gm_txt_size(char *buf, size_t len, int64_t v, int approx)
{
	const char *a = approx ? "~" : "";
	if (v < 0)
		snprintf(buf, len, "?");
	else if (v >= (1LL << 30))
		snprintf(buf, len, "%s%.2f GiB", a, (double)v / (double)(1LL << 30));
	else if (v >= (1LL << 20))
		snprintf(buf, len, "%s%.1f MiB", a, (double)v / (double)(1LL << 20));
	else if (v >= 1024)
		snprintf(buf, len, "%s%.1f KiB", a, (double)v / 1024.0);
	else
		snprintf(buf, len, "%s%" PRId64 " B", a, v);
	return buf;
}

/* " ± <stderr>" after a sampled estimate; "" when exact (stderr 0). */
static const char *gm_txt_pm(char *buf, size_t len, uint64_t stderr_bytes)
{
	char v[32];
	if (!stderr_bytes)
		return "";
	snprintf(buf, len, " \u00b1 %s", gm_txt_size(v, sizeof v, (int64_t)stderr_bytes, 0));
	return buf;
}

static void gm_txt_row(FILE *o, const char *label, int64_t v, int approx, const char *note)
{
	char b[32];
	fprintf(o, "  %-40s %12s%s%s\n", label, gm_txt_size(b, sizeof b, v, approx), note && *note ? "  " : "",
		note ? note : "");
}

static double gm_txt_secs(const struct gm_rep_model *m, uint64_t ts)
{
	return ts > m->trace_start ? (double)(ts - m->trace_start) / 1e9 : 0.0;
}

/* ---- sections ---- */
/* A stack's frames, symbolized, one line each (inlined ones too). */
static void gm_txt_frames(FILE *o, struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_stack *st)
{
	const uint64_t *fr = gm_rep_stack_frames(p, st);
	for (uint32_t k = 0; k < st->depth; k++) {
		struct gm_sym_result sr = gm_rep_symbolize(m, p, fr[k]);
		for (unsigned j = 0; j < sr.n; j++) {
			const struct gm_sym_frame *f = &sr.frames[j];
			const char *mod = f->module ? strrchr(f->module, '/') : NULL;
			if (j == 0)
				fprintf(o, "      0x%-14" PRIx64 " %s", fr[k], f->func ? f->func : "?");
			else
				fprintf(o, "      %-16s %s", "", f->func ? f->func : "?");
			if (f->file)
				fprintf(o, "  %s:%d", f->file, f->line);
			if (f->module)
				fprintf(o, "  [%s]", mod ? mod + 1 : f->module);
			if (f->inlined)
				fputs("  (inlined)", o);
			if (f->status == GM_SYM_MISSING)
				fputs("  (missing)", o);
			else if (f->status == GM_SYM_CHANGED)
				fputs("  (changed: build id differs)", o);
			fputc('\n', o);
		}
	}
	if (!st->depth)
		fputs("      (no stack recorded)\n", o);
	else if (st->truncated == 1)
		fputs("      (truncated: the stack ends at the cgo boundary, the Go code that called it is unknown; "
		      "see the warnings)\n", o);
}

static void gm_txt_proc(FILE *o, struct gm_rep_model *m, struct gm_rep_proc *p)
{
	const struct gm_rep_result *r = &p->res;
	int ap = r->approximate;
	char b[32], b2[32];
	fprintf(o, "\n== process %" PRId64 "%s %s (%s)%s\n", p->vpid, p->generation ? " (after exec)" : "",
		p->procname ? p->procname : "?", p->go_version && *p->go_version ? p->go_version : "not Go",
		p->exited ? "" : "");
	if (p->exe)
		fprintf(o, "   exe %s; seen %.2f-%.2f s; %" PRIu64 " samples%s\n", p->exe, gm_txt_secs(m, p->first_ts),
			gm_txt_secs(m, p->last_ts), p->nsamples, p->exited ? "; exited" : "");
	if (p->window) {
		char when[64];
		time_t t = (time_t)(p->win_start / 1000000000ULL);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", &tm);
		if (m->snapshot)
			fprintf(o, "   a flight recorder's snapshot: its complete part from %s (%.2f s) for %.2f s "
				   "(the ring buffers held %.2f s, their oldest part only in some CPUs' buffers)", when,
				gm_txt_secs(m, p->win_start),
				p->win_end > p->win_start ? (double)(p->win_end - p->win_start) / 1e9 : 0.0,
				(double)(m->trace_end - m->trace_start) / 1e9);
		else
			fprintf(o, "   a window of a longer run: from %s (%.2f s) for %.2f s", when,
				gm_txt_secs(m, p->win_start),
				p->win_end > p->win_start ? (double)(p->win_end - p->win_start) / 1e9 : 0.0);
		if (p->start_ns && p->start_ns < p->win_start)
			fprintf(o, "; the process had run %.1f s before it", (double)(p->win_start - p->start_ns) / 1e9);
		fprintf(o, "\n   C memory allocated before the window is not in the figures below (%" PRIu64
			   " frees of such blocks seen)%s\n", p->unknown_frees,
			p->resynced || (m->snapshot && !p->batched)
				? "" : "; the tracer did not resynchronize (stacks of the first second may be missing)");
	}
	if (m->lost_events || m->lost_packets)
		fprintf(o, "   lost events: %" PRIu64 " (+%" PRIu64 " packets): figures marked ~ are approximate\n",
			m->lost_events, m->lost_packets);
	if (p->sample_bytes)
		fprintf(o, "   C heap figures (~) estimated from sampled allocations (1 in ~%" PRIu64 " bytes; "
			   "allocations >= %" PRIu64 " bytes all recorded)\n", p->sample_bytes, p->sample_big);

	fputs("\nFindings\n", o);
	if (!r->nfindings)
		fputs("  none above the thresholds (see docs/report.md)\n", o);
	for (int i = 0; i < r->nfindings; i++)
		fprintf(o, "  %d. [%s] %s: %s\n", i + 1, r->findings[i].kind,
			gm_txt_size(b, sizeof b, (int64_t)r->findings[i].bytes, ap), r->findings[i].summary);

	fputs("\nMemory split at the end", o);
	if (m->opts.to >= 0)
		fprintf(o, " of the window (%.2f s)", m->opts.to);
	if (p->last.valid)
		fprintf(o, " (%s sample, %.2f s)", gm_rep_sample_kind_name(&p->last), gm_txt_secs(m, p->last.go_ts));
	else
		fputs(" (no sample in the trace: sampled figures unknown)", o);
	fputs("\n", o);
	gm_txt_row(o, "RSS", r->rss, 0, "");
	if (r->cg_current >= 0) { /* what a container's OOM killer looks at */
		char cgnote[96] = "", l[32];
		if (r->cg_limit > 0)
			snprintf(cgnote, sizeof cgnote, "of its limit %s (%.0f %%)", gm_txt_size(l, sizeof l, r->cg_limit, 0),
				 100.0 * (double)r->cg_current / (double)r->cg_limit);
		else if (r->cg_limit == 0)
			snprintf(cgnote, sizeof cgnote, "limit: none");
		gm_txt_row(o, "cgroup memory (the OOM killer's figure)", r->cg_current, 0, cgnote);
	}
	if (p->window) {
		gm_txt_row(o, "C heap, live, allocated in the window", r->c_heap_live, ap, "");
		gm_txt_row(o, "C heap in use, all blocks (glibc)", r->c_heap_in_use, 0, "");
	} else {
		gm_txt_row(o, "C heap, live (cgo/C malloc)", r->c_heap_live, ap, "");
	}
	gm_txt_row(o, "C allocator retained (glibc free)", r->c_allocator_retained, 0, "");
	gm_txt_row(o, "C direct mmap (virtual)", r->c_mmap, ap, "");
	gm_txt_row(o, "Go heap in use", r->go_heap_in_use, 0, "");
	if (r->go_heap_objects >= 0) { /* the runtime's own statistics */
		gm_txt_row(o, "  of which live objects", r->go_heap_objects, 0, "");
		gm_txt_row(o, "  of which span fragmentation (unused)", r->go_heap_unused, 0, "");
	}
	gm_txt_row(o, "Go heap free, retained (scavenger)", r->go_heap_free_retained, 0, "");
	if (r->go_heap_resident >= 0)
		gm_txt_row(o, "  of these two, in RAM (resident)", r->go_heap_resident, 0, "");
	char note[64] = "";
	if (r->lazyfree > 0)
		snprintf(note, sizeof note, "(LazyFree still counted in RSS: %s)", gm_txt_size(b2, sizeof b2, r->lazyfree, 0));
	gm_txt_row(o, "Go heap released", r->go_heap_released, 0, note);
	gm_txt_row(o, "Go runtime metadata, stacks, other anon", r->go_runtime_other, ap, "");
	gm_txt_row(o, "Files (file-backed RSS)", r->file, 0, "");
	gm_txt_row(o, "Shared memory (incl. LTTng ring buffers)", r->shmem, 0, "");
	if (r->rss_peak > 0)
		fprintf(o, "  (peak RSS %s; Go heap in use: first %s, peak %s)\n", gm_txt_size(b, sizeof b, r->rss_peak, 0),
			gm_txt_size(b2, sizeof b2, r->go_inuse_first, 0), gm_txt_size(note, sizeof note, r->go_inuse_peak, 0));
	if (r->cg_current >= 0 && (r->cg_anon >= 0 || r->cg_file >= 0)) {
		char a[32], f[32], k[32], sk[32];
		fprintf(o, "  (cgroup: anonymous %s, page cache %s, kernel %s, sockets %s", gm_txt_size(a, sizeof a, r->cg_anon, 0),
			gm_txt_size(f, sizeof f, r->cg_file, 0), gm_txt_size(k, sizeof k, r->cg_kernel, 0),
			gm_txt_size(sk, sizeof sk, r->cg_sock, 0));
		if (r->cg_procs > 1)
			fprintf(o, "; it holds %" PRId64 " processes, not this one alone", r->cg_procs);
		fputs(")\n", o);
	}
	fprintf(o, "  (live C blocks: %" PRIu64 "; frees of %s: %" PRIu64 "; failed allocations: %" PRIu64 ")\n",
		p->nblocks, p->window ? "blocks from before the window" : "unknown pointers", p->unknown_frees,
		p->failed_allocs);
	if (p->tracer_peak >= 0)
		fprintf(o, "  (the tracer's own tables in RAM: %s, at most %s; its ring buffers are in shared memory)\n",
			gm_txt_size(b, sizeof b, p->tracer_last, 0), gm_txt_size(b2, sizeof b2, p->tracer_peak, 0));
	if (p->ncheckpoints) {
		const int64_t *c = p->checkpoint.v;
		char b3[32];
		fprintf(o, "  checkpoint (the last of %" PRIu64 " gomemtrace_sample_now(), %.2f s): RSS %s; Go heap in use %s, "
			   "free retained %s, released %s\n", p->ncheckpoints, gm_txt_secs(m, p->checkpoint.go_ts),
			gm_txt_size(b, sizeof b, c[GM_F_RSS], 0), gm_txt_size(b2, sizeof b2, c[GM_F_GO_INUSE], 0),
			gm_txt_size(note, sizeof note, c[GM_F_GO_FREE], 0), gm_txt_size(b3, sizeof b3, c[GM_F_GO_RELEASED], 0));
	}

	uint64_t rel = r->released_dontneed + r->released_free;
	if (rel) {
		fprintf(o, "\nGo heap released to the OS during the trace: %s\n", gm_txt_size(b, sizeof b, (int64_t)rel, ap));
		for (int t = 0; t < GM_TRIG_COUNT; t++)
			if (r->releases[t])
				fprintf(o, "  %-16s %12s\n", gm_rep_trigger_name(t),
					gm_txt_size(b, sizeof b, (int64_t)r->releases[t], ap));
		fprintf(o, "  MADV_DONTNEED %s, MADV_FREE %s\n", gm_txt_size(b, sizeof b, (int64_t)r->released_dontneed, ap),
			gm_txt_size(b2, sizeof b2, (int64_t)r->released_free, ap));
		if (r->retained_released_bytes)
			fprintf(o, "  freed pages stayed retained %.1f s on average (max %.1f s) before release\n",
				r->retained_avg_s, r->retained_max_s);
	}

	char pm[48];
	fprintf(o, "\nTop leak suspects (live C memory by allocation stack; %d stack%s, %s%s)\n", r->nsuspects,
		r->nsuspects == 1 ? "" : "s", gm_txt_size(b, sizeof b, (int64_t)r->suspects_bytes, ap),
		gm_txt_pm(pm, sizeof pm, r->suspects_stderr));
	if (r->suspects_stderr)
		fputs("  (\u00b1: one standard error of the sampled estimate)\n", o);
	if (!r->nsuspects)
		fputs("  none\n", o);
	int win = m->opts.from > 0;
	for (int i = 0; i < r->nsuspects && i < m->opts.top; i++) {
		const struct gm_rep_stack *st = &p->stacks[r->suspects[i]];
		if (!st->live_count && st->map_count) { /* only mappings */
			uint64_t n = win ? st->map_win_count : st->map_count;
			fprintf(o, "  #%d %s in %" PRIu64 " C mapping%s never unmapped (%" PRIu64 " mmap%s, %" PRIu64
				" unmapped; first %.2f s, last %.2f s)\n",
				i + 1, gm_txt_size(b, sizeof b, (int64_t)gm_rep_suspect_bytes(st, win), ap), n, n == 1 ? "" : "s",
				st->mmaps, st->mmaps == 1 ? "" : "s", st->mmaps > st->map_count ? st->mmaps - st->map_count : 0,
				gm_txt_secs(m, st->first_ts), gm_txt_secs(m, st->last_ts));
		} else {
			uint64_t n = gm_rep_est(win ? st->est_win_count : st->est_live_count);
			fprintf(o, "  #%d %s%s in %s%" PRIu64 " block%s (%s%" PRIu64 " allocated, %" PRIu64 " freed; first %.2f s, last %.2f s)%s%s\n",
				i + 1, gm_txt_size(b, sizeof b, (int64_t)gm_rep_suspect_bytes(st, win), ap),
				gm_txt_pm(pm, sizeof pm, gm_rep_suspect_stderr(st, win)),
				p->sample_bytes ? "~" : "", n, n == 1 ? "" : "s", p->sample_bytes ? "~" : "",
				gm_rep_est(st->est_allocs), p->sample_bytes ? gm_rep_est(st->est_allocs - st->est_live_count) : st->frees,
				gm_txt_secs(m, st->first_ts), gm_txt_secs(m, st->last_ts),
				st->grow_ticks >= 2 && st->shrink_ticks == 0 ? " growing" : "",
				st->map_count ? " and C mappings" : "");
		}
		gm_txt_frames(o, m, p, st);
	}
	if (r->fin_freed_blocks) {
		fprintf(o, "\nC memory freed by Go finalizers and cleanups (not leaks: it waits for the GC)\n"
			   "  freed by the finalizer goroutine: %s; by cleanup goroutines: %s; %" PRIu64 " blocks\n",
			gm_txt_size(b, sizeof b, (int64_t)r->fin_freed[0], ap), gm_txt_size(pm, sizeof pm, (int64_t)r->fin_freed[1], ap),
			r->fin_freed_blocks);
		fprintf(o, "  waiting at once, at most: %s; still waiting at the end: ", gm_txt_size(b, sizeof b, (int64_t)r->fin_backlog_peak, ap));
		fprintf(o, "%s in %d stack%s\n", gm_txt_size(b, sizeof b, (int64_t)r->waiting_bytes, ap), r->nwaiting,
			r->nwaiting == 1 ? "" : "s");
		for (int i = 0; i < r->nwaiting && i < m->opts.top; i++) {
			const struct gm_rep_stack *st = &p->stacks[r->waiting[i]];
			fprintf(o, "  #%d %s in %s%" PRIu64 " block%s (%" PRIu64 " freed by finalizers/cleanups of %" PRIu64 " freed)\n",
				i + 1, gm_txt_size(b, sizeof b, (int64_t)gm_rep_suspect_bytes(st, win), ap),
				p->sample_bytes ? "~" : "", gm_rep_suspect_count(st, win), gm_rep_suspect_count(st, win) == 1 ? "" : "s",
				st->fin_frees[0] + st->fin_frees[1], st->frees);
			gm_txt_frames(o, m, p, st);
		}
	}
}

void gm_rep_write_text(FILE *o, struct gm_rep_model *m, const char *dir)
{
	int n = 0;
	for (struct gm_rep_proc *p = m->procs; p; p = p->next)
		n += p->nevents != 0 && p->selected;
	fprintf(o, "gomemtrace report: %s (%.2f s, %d process%s)\n", dir, gm_txt_secs(m, m->trace_end), n, n == 1 ? "" : "es");
	if (m->left_out)
		fprintf(o, "left out (not the recorded program or its children; see --pid): %s\n", m->left_out);
	if (m->lost_events || m->lost_packets)
		fprintf(o, "WARNING: the tracer lost %" PRIu64 " events and %" PRIu64 " packets: figures marked ~ are approximate\n",
			m->lost_events, m->lost_packets);
	if (m->partial)
		fputs("WARNING: the trace could not be read to its end (truncated or corrupt): figures cover what was read\n", o);
	for (size_t i = 0; i < m->nwarnings; i++)
		fprintf(o, "warning: %s\n", m->warnings[i]);
	for (struct gm_rep_proc *p = m->procs; p; p = p->next)
		if (p->nevents && p->selected)
			gm_txt_proc(o, m, p);
}
