/* diff_pprof.c: `gomemtrace diff --format pprof`: NEW minus BASE per stack key as a pprof
 * profile, as `go tool pprof -base BASE NEW` would show it had both profiles the same frames:
 * pprof.h's four sample types (allocations and bytes made, live blocks and bytes), each value
 * NEW's minus BASE's, negative where BASE had more; one sample per key, at NEW's stack of the key
 * holding the most live bytes (BASE's for a key only there), symbolized by NEW's symbolizer
 * (files are told apart by path and build id, so BASE's binaries resolve too). Keys whose four
 * differences are all 0 are left out. */
#include <math.h>

#include "tools/report/diff.h"
#include "tools/report/pprof.h"

/* A weighted count as an integer, either sign. */
static int64_t gm_diff_pp_round(double v)
{
	return (int64_t)llround(v);
}

int gm_diff_write_pprof(struct gm_diff *d, const char *path)
{
	struct gm_rep_model *nm = &d->run[GM_DIFF_NEW].m;
	struct gm_pprof *pp = nm->sym ? gm_pprof_new(nm->sym) : NULL;
	if (!pp)
		return -1;
	for (size_t i = 0; i < d->nstacks; i++) {
		const struct gm_diff_stack *e = &d->stacks[i];
		const struct gm_diff_side *b = &e->side[GM_DIFF_BASE], *n = &e->side[GM_DIFF_NEW];
		int64_t v[GM_PPROF_NVALUES];
		v[GM_PPROF_ALLOC_OBJECTS] = gm_diff_pp_round(n->allocs - b->allocs);
		v[GM_PPROF_ALLOC_SPACE] = gm_diff_pp_round(n->alloc_bytes - b->alloc_bytes);
		v[GM_PPROF_INUSE_OBJECTS] = (int64_t)n->blocks - (int64_t)b->blocks;
		v[GM_PPROF_INUSE_SPACE] = (int64_t)n->bytes - (int64_t)b->bytes;
		if (!v[0] && !v[1] && !v[2] && !v[3])
			continue;
		int r = n->st ? GM_DIFF_NEW : GM_DIFF_BASE;
		const struct gm_rep_stack *st = e->side[r].st;
		const struct gm_rep_proc *p = d->run[r].p;
		if (!st)
			continue;
		if (gm_pprof_add(pp, p->mods, gm_rep_stack_frames(p, st), st->depth, false, v, NULL) != 0) {
			gm_pprof_free(pp);
			return -1;
		}
	}
	const struct gm_rep_proc *p = d->run[GM_DIFF_NEW].p;
	gm_pprof_set_time(pp, 0, p->last_ts > p->first_ts ? (int64_t)(p->last_ts - p->first_ts) : 0);
	int rc = gm_pprof_write_file(pp, path);
	gm_pprof_free(pp);
	return rc;
}
