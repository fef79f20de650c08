/* profile.c: the report's profile outputs: `--format pprof` (profile.proto, through pprof.c)
 * and `--format folded` (flame graph lines, through folded.c), from each reported process's
 * C allocations by stack: allocations made and blocks still live, weighted when the trace
 * was sampled (docs/sampling.md). Reads an analyzed model; single-threaded. */
#include <inttypes.h>
#include <stdio.h>

#include "tools/report/folded.h"
#include "tools/report/output.h"
#include "tools/report/pprof.h"

/* ---- helpers ---- */
/* The pseudo-frame that separates processes when several are reported, else NULL. */
static const char *gm_prof_root(const struct gm_rep_model *m, const struct gm_rep_proc *p, char *buf, size_t len)
{
	int n = 0;
	for (const struct gm_rep_proc *q = m->procs; q; q = q->next)
		n += q->nevents && q->selected;
	if (n < 2)
		return NULL;
	snprintf(buf, len, "[pid %" PRId64 "%s%s]", p->vpid, p->procname ? " " : "", p->procname ? p->procname : "");
	return buf;
}

/* The four values of a stack (window: only blocks allocated after --from are "in use"). */
static void gm_prof_values(const struct gm_rep_model *m, const struct gm_rep_stack *st, int64_t v[GM_PPROF_NVALUES])
{
	int win = m->opts.from > 0;
	v[GM_PPROF_ALLOC_OBJECTS] = (int64_t)gm_rep_est(st->est_allocs);
	v[GM_PPROF_ALLOC_SPACE] = (int64_t)gm_rep_est(st->est_alloc_bytes);
	v[GM_PPROF_INUSE_OBJECTS] = (int64_t)gm_rep_est(win ? st->est_win_count : st->est_live_count);
	v[GM_PPROF_INUSE_SPACE] = (int64_t)gm_rep_est(win ? st->est_win_bytes : st->est_live_bytes);
}

/* ---- writers ---- */
int gm_rep_write_pprof(struct gm_rep_model *m, const char *path)
{
	struct gm_pprof *pp = m->sym ? gm_pprof_new(m->sym) : NULL;
	if (!pp)
		return -1;
	uint64_t first = 0, last = 0;
	for (struct gm_rep_proc *p = m->procs; p; p = p->next) {
		if (!p->nevents || !p->selected)
			continue;
		char rb[160];
		const char *root = gm_prof_root(m, p, rb, sizeof rb);
		if (!first || p->first_ts < first)
			first = p->first_ts;
		if (p->last_ts > last)
			last = p->last_ts;
		for (uint32_t i = 0; i < p->nstacks; i++) {
			const struct gm_rep_stack *st = &p->stacks[i];
			if (!st->allocs)
				continue; /* an mmap or madvise stack */
			int64_t v[GM_PPROF_NVALUES];
			gm_prof_values(m, st, v);
			if (gm_pprof_add(pp, p->mods, gm_rep_stack_frames(p, st), st->depth, false, v, root) != 0) {
				gm_pprof_free(pp);
				return -1;
			}
		}
	}
	/* trace timestamps are not necessarily epoch-based: only the duration is set */
	gm_pprof_set_time(pp, 0, last > first ? (int64_t)(last - first) : 0);
	int rc = gm_pprof_write_file(pp, path);
	gm_pprof_free(pp);
	return rc;
}

int gm_rep_write_folded(FILE *out, struct gm_rep_model *m)
{
	struct gm_folded *f = m->sym ? gm_folded_new(m->sym) : NULL;
	if (!f)
		return -1;
	for (struct gm_rep_proc *p = m->procs; p; p = p->next) {
		if (!p->nevents || !p->selected)
			continue;
		char rb[160];
		const char *root = gm_prof_root(m, p, rb, sizeof rb);
		for (uint32_t i = 0; i < p->nstacks; i++) {
			const struct gm_rep_stack *st = &p->stacks[i];
			if (!st->allocs)
				continue;
			int64_t v[GM_PPROF_NVALUES];
			gm_prof_values(m, st, v);
			if (gm_folded_add(f, p->mods, gm_rep_stack_frames(p, st), st->depth, false,
					  v[GM_PPROF_INUSE_SPACE], root) != 0) {
				gm_folded_free(f);
				return -1;
			}
		}
	}
	int rc = gm_folded_write(f, out);
	gm_folded_free(f);
	return rc;
}
