/* timeline.c: the model's series over time (timeline.h): a point per sample, decimated past
 * GM_TL_MAX; per-stack and per-chunk rows; the C part of a batched process's point filled
 * once its queue caught up; the derived figures of every point (the final split's rules). */
#include <stdlib.h>
#include <string.h>

#include "gomemtrace/schema.h"
#include "tools/report/model_int.h"

/* ---- rows ---- */
/* Stack idx's row (made if it has none and there is room), or NULL. */
static struct gm_rep_tl_row *gm_rep_tl_row(struct gm_rep_model *m, struct gm_rep_proc *p, uint32_t idx)
{
	struct gm_rep_timeline *t = p->tl;
	struct gm_rep_stack *st = &p->stacks[idx];
	if (st->tl_row)
		return &t->rows[st->tl_row - 1];
	if (t->nrows >= GM_TL_ROWS_MAX) {
		t->rows_full = 1;
		return NULL;
	}
	uint64_t cap = t->caprows;
	if (gm_rep_grow((void **)&t->rows, &cap, (uint64_t)t->nrows + 1, sizeof *t->rows, m))
		return NULL;
	t->caprows = (uint32_t)cap;
	struct gm_rep_tl_cell *c = calloc(GM_TL_MAX + 1, sizeof *c);
	if (!c) {
		m->oom = 1;
		return NULL;
	}
	t->rows[t->nrows] = (struct gm_rep_tl_row){ idx, c };
	st->tl_row = ++t->nrows;
	return &t->rows[t->nrows - 1];
}

const struct gm_rep_tl_row *gm_rep_tl_row_of(const struct gm_rep_proc *p, uint32_t idx)
{
	return p->tl && idx < p->nstacks && p->stacks[idx].tl_row ? &p->tl->rows[p->stacks[idx].tl_row - 1] : NULL;
}

/* Chunk c's row (made if new and there is room), or NULL. */
static struct gm_rep_tl_chunk *gm_rep_tl_chunk(struct gm_rep_model *m, struct gm_rep_timeline *t, struct gm_rep_chunk *c)
{
	if (c->tl_row)
		return &t->chunks[c->tl_row - 1];
	if (t->nchunks >= GM_TL_CHUNKS_MAX) {
		t->chunks_full = 1;
		return NULL;
	}
	uint64_t cap = t->capchunks;
	if (gm_rep_grow((void **)&t->chunks, &cap, (uint64_t)t->nchunks + 1, sizeof *t->chunks, m))
		return NULL;
	t->capchunks = (uint32_t)cap;
	uint32_t *cell = malloc((GM_TL_MAX + 1) * sizeof *cell);
	if (!cell) {
		m->oom = 1;
		return NULL;
	}
	for (uint32_t i = 0; i <= GM_TL_MAX; i++)
		cell[i] = GM_TL_NO_CHUNK;
	t->chunks[t->nchunks] = (struct gm_rep_tl_chunk){ c->base, cell };
	c->tl_row = ++t->nchunks;
	return &t->chunks[t->nchunks - 1];
}

/* ---- points ---- */
/* The C part of point i: the reader's state now. */
static void gm_rep_tl_fill(struct gm_rep_model *m, struct gm_rep_proc *p, uint32_t i)
{
	struct gm_rep_tl_point *pt = &p->tl->pt[i];
	pt->c_live = p->sample_bytes ? p->tl_live : (double)p->live_bytes;
	for (uint32_t k = 0; k < p->nstacks; k++) {
		struct gm_rep_stack *st = &p->stacks[k];
		uint64_t madv = st->madv_bytes[0] + st->madv_bytes[1];
		if (!st->tl_row && !st->live_bytes && !st->map_live && !madv)
			continue;
		struct gm_rep_tl_row *r = gm_rep_tl_row(m, p, k);
		if (r)
			r->cell[i] = (struct gm_rep_tl_cell){ p->sample_bytes ? st->tl_live : (double)st->live_bytes,
							      st->map_live, madv };
	}
	pt->pending = 0;
}

void gm_rep_tl_catch_up(struct gm_rep_model *m, struct gm_rep_proc *p, uint64_t upto)
{
	struct gm_rep_timeline *t = p->tl;
	if (!t)
		return;
	uint32_t end = gm_rep_tl_points(t);
	while (t->pend < end && (!t->pt[t->pend].pending || t->pt[t->pend].ts <= upto)) {
		if (t->pt[t->pend].pending)
			gm_rep_tl_fill(m, p, t->pend);
		t->pend++;
	}
}

/* Keep every second committed point (the even ones: their seq is a multiple of 2 * stride). */
static void gm_rep_tl_decimate(struct gm_rep_timeline *t)
{
	uint32_t half = t->n / 2;
	for (uint32_t i = 0; i < half; i++) {
		t->pt[i] = t->pt[2 * i];
		for (uint32_t r = 0; r < t->nrows; r++)
			t->rows[r].cell[i] = t->rows[r].cell[2 * i];
		for (uint32_t c = 0; c < t->nchunks; c++)
			t->chunks[c].cell[i] = t->chunks[c].cell[2 * i];
	}
	t->n = half;
	t->stride *= 2;
	t->pend = 0; /* found again by the next catch-up */
}

/* Move point `from` to `to` (rows and chunks too). */
static void gm_rep_tl_move(struct gm_rep_timeline *t, uint32_t from, uint32_t to)
{
	t->pt[to] = t->pt[from];
	for (uint32_t r = 0; r < t->nrows; r++)
		t->rows[r].cell[to] = t->rows[r].cell[from];
	for (uint32_t c = 0; c < t->nchunks; c++)
		t->chunks[c].cell[to] = t->chunks[c].cell[from];
}

void gm_rep_tl_sample(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_sample *s)
{
	if (p->window && s->ts < p->win_start) /* before the window: no C state to show */
		return;
	if (!p->tl) {
		if (!(p->tl = calloc(1, sizeof *p->tl))) {
			m->oom = 1;
			return;
		}
		p->tl->stride = 1;
	}
	struct gm_rep_timeline *t = p->tl;
	if (t->tent && t->pt[t->n].seq % t->stride == 0) { /* commit the newest */
		if (t->n == GM_TL_MAX) {
			gm_rep_tl_decimate(t);
			if (t->pt[GM_TL_MAX].seq % t->stride == 0)
				gm_rep_tl_move(t, GM_TL_MAX, t->n++);
		} else {
			t->n++;
		}
		t->tent = 0;
	}
	uint32_t i = t->n; /* the newest (replacing an uncommitted one) */
	struct gm_rep_tl_point *pt = &t->pt[i];
	memset(pt, 0, sizeof *pt);
	pt->ts = s->ts, pt->seq = t->seen++, pt->kind = (int8_t)s->kind;
	static const int slot[GM_TL_NF] = {
		[GM_TL_RSS] = GM_F_RSS, [GM_TL_ANON] = GM_F_ANON, [GM_TL_FILE] = GM_F_FILE,
		[GM_TL_SHMEM] = GM_F_SHMEM, [GM_TL_LAZYFREE] = GM_F_LAZYFREE, [GM_TL_CGROUP] = GM_F_CGROUP,
		[GM_TL_M_FREE] = GM_F_M_FREE, [GM_TL_M_INUSE] = GM_F_M_INUSE, [GM_TL_GO_SOURCE] = GM_F_GO_SOURCE,
		[GM_TL_GO_INUSE] = GM_F_GO_INUSE, [GM_TL_GO_FREE] = GM_F_GO_FREE,
		[GM_TL_GO_RELEASED] = GM_F_GO_RELEASED, [GM_TL_GO_RESIDENT] = GM_F_GO_RESIDENT,
	};
	for (int f = 0; f < GM_TL_NF; f++)
		pt->f[f] = s->has[slot[f]] ? s->v[slot[f]] : -1;
	for (uint32_t c = 0; c < t->nchunks; c++)
		t->chunks[c].cell[i] = GM_TL_NO_CHUNK;
	for (uint64_t k = 0; k < p->capchunks; k++) {
		struct gm_rep_chunk *c = &p->chunks[k];
		struct gm_rep_tl_chunk *tc = c->base ? gm_rep_tl_chunk(m, t, c) : NULL;
		if (tc)
			tc->cell[i] = (uint32_t)c->inuse << 16 | c->released;
	}
	t->tent = 1;
	if (t->pend > i)
		t->pend = i;
	pt->pending = 1;
	if (!p->batched)
		gm_rep_tl_catch_up(m, p, pt->ts);
}

/* ---- analysis ---- */
void gm_rep_tl_analyze(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	struct gm_rep_timeline *t = p->tl;
	if (!t)
		return;
	gm_rep_tl_catch_up(m, p, UINT64_MAX);
	uint32_t n = gm_rep_tl_points(t);
	for (uint32_t i = 0; i < n; i++) {
		t->pt[i].c_mmap = 0, t->pt[i].fin_live = 0;
		memset(t->pt[i].released, 0, sizeof t->pt[i].released);
	}
	for (uint32_t r = 0; r < t->nrows; r++) {
		struct gm_rep_stack *st = &p->stacks[t->rows[r].stack];
		int c = gm_rep_classify(m, p, st, GM_ORIGIN_LIBC) == GM_CLS_C;
		int trig = gm_rep_trigger(m, p, st), fin = gm_rep_fin_paced(st);
		for (uint32_t i = 0; i < n; i++) {
			const struct gm_rep_tl_cell *cell = &t->rows[r].cell[i];
			if (c)
				t->pt[i].c_mmap += (int64_t)cell->map;
			t->pt[i].released[trig] += cell->madv;
			if (fin)
				t->pt[i].fin_live += cell->live;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		struct gm_rep_tl_point *pt = &t->pt[i];
		int have_go = pt->f[GM_TL_GO_SOURCE] > 0 && pt->f[GM_TL_GO_INUSE] >= 0 && !p->go_heap_check_failed;
		int64_t go_res = !have_go ? 0 : pt->f[GM_TL_GO_RESIDENT] >= 0 ? pt->f[GM_TL_GO_RESIDENT]
						    : pt->f[GM_TL_GO_INUSE] + pt->f[GM_TL_GO_FREE];
		int64_t c_live = gm_rep_est(pt->c_live) > 0 ? (int64_t)gm_rep_est(pt->c_live) : 0;
		if (p->window && pt->f[GM_TL_M_INUSE] > c_live)
			c_live = pt->f[GM_TL_M_INUSE];
		pt->go_other = gm_rep_other_anon(pt->f[GM_TL_ANON], c_live, pt->f[GM_TL_M_FREE], pt->c_mmap, go_res);
	}
}

void gm_rep_tl_free(struct gm_rep_timeline *t)
{
	if (!t)
		return;
	for (uint32_t r = 0; r < t->nrows; r++)
		free(t->rows[r].cell);
	for (uint32_t c = 0; c < t->nchunks; c++)
		free(t->chunks[c].cell);
	free(t->rows);
	free(t->chunks);
	free(t);
}
