/* model.c: apply decoded events to per-process state (live blocks, stacks, mappings, Go
 * heap chunks, samples, module map) and analyze it into figures, findings and suspects.
 * See docs/report.md for the rules (attribution, thresholds). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elf_image.h"
#include "gomemtrace/schema.h"
#include "tools/report/model.h"

#define GM_MAP_FAILED 0xffffffffffffffffULL
#define GM_MIB (1ULL << 20)

/* ---- helpers ---- */
static uint64_t gm_rep_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static int gm_rep_grow(void **p, uint64_t *cap, uint64_t need, size_t elem, struct gm_rep_model *m)
{
	if (need <= *cap)
		return 0;
	uint64_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	void *n = realloc(*p, c * elem);
	if (!n) {
		m->oom = 1;
		return -1;
	}
	*p = n, *cap = c;
	return 0;
}

void gm_rep_model_warn(struct gm_rep_model *m, const char *msg)
{
	for (size_t i = 0; i < m->nwarnings; i++)
		if (!strcmp(m->warnings[i], msg))
			return;
	char **n = realloc(m->warnings, (m->nwarnings + 1) * sizeof *n);
	if (!n)
		return;
	m->warnings = n;
	if ((n[m->nwarnings] = strdup(msg)))
		m->nwarnings++;
}

/* ---- processes ---- */
void gm_rep_model_init(struct gm_rep_model *m, const struct gm_rep_opts *o)
{
	memset(m, 0, sizeof *m);
	m->opts = *o;
	m->record_pid = -1;
	m->symwarn = open_memstream(&m->symwarn_buf, &m->symwarn_len);
	m->sym = gm_sym_new(m->symwarn);
	if (!m->sym)
		m->oom = 1;
}

static void gm_rep_proc_free(struct gm_rep_proc *p)
{
	free(p->exe), free(p->go_version), free(p->procname), free(p->stack_layout), free(p->hop_reason);
	free(p->blocks), free(p->stacks), free(p->stack_index), free(p->frames);
	free(p->maps), free(p->chunks), free(p->res.suspects), free(p->ops);
	gm_modmap_free(p->mods);
	free(p);
}

void gm_rep_model_free(struct gm_rep_model *m)
{
	for (struct gm_rep_proc *p = m->procs, *n; p; p = n) {
		n = p->next;
		gm_rep_proc_free(p);
	}
	for (size_t i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
	free(m->left_out);
	free(m->sids), free(m->sid_frames);
	gm_sym_free(m->sym);
	if (m->symwarn)
		fclose(m->symwarn);
	free(m->symwarn_buf);
	memset(m, 0, sizeof *m);
}

static struct gm_rep_proc *gm_rep_proc_new(struct gm_rep_model *m, int64_t vpid, int generation)
{
	struct gm_rep_proc *p = calloc(1, sizeof *p);
	if (!p || !(p->mods = gm_modmap_new())) {
		free(p);
		m->oom = 1;
		return NULL;
	}
	p->vpid = vpid;
	p->generation = generation;
	p->trap_state = -1;
	p->ppid = -1;
	p->last_malloc_free = -1;
	if (m->snapshot) /* a batching process's window begins at its first resync from there on */
		p->window = 1, p->win_start = m->complete_from;
	if (m->last_proc)
		m->last_proc->next = p;
	else
		m->procs = p;
	m->last_proc = p;
	return p;
}

/* The current process of this vpid (the latest generation), or NULL. */
static struct gm_rep_proc *gm_rep_proc_find(struct gm_rep_model *m, int64_t vpid)
{
	struct gm_rep_proc *found = NULL;
	if (m->hit && m->hit->vpid == vpid)
		return m->hit;
	for (struct gm_rep_proc *p = m->procs; p; p = p->next)
		if (p->vpid == vpid)
			found = p;
	return found;
}

/* The same, created on first sight. */
static struct gm_rep_proc *gm_rep_proc_get(struct gm_rep_model *m, int64_t vpid)
{
	struct gm_rep_proc *found = gm_rep_proc_find(m, vpid);
	if (!found)
		found = gm_rep_proc_new(m, vpid, 0);
	return m->hit = found;
}

/* ---- stacks ---- */
static uint32_t gm_rep_stack_intern(struct gm_rep_model *m, struct gm_rep_proc *p, const uint64_t *fr, uint32_t depth)
{
	uint64_t h = 1469598103934665603ULL ^ depth;
	for (uint32_t i = 0; i < depth; i++)
		h = (h ^ fr[i]) * 1099511628211ULL;
	if ((uint64_t)(p->nstacks + 1) * 2 > p->capindex) { /* grow and rehash the index */
		uint32_t cap = p->capindex ? p->capindex * 2 : 1024;
		uint32_t *idx = calloc(cap, sizeof *idx);
		if (!idx) {
			m->oom = 1;
			return 0;
		}
		for (uint32_t i = 0; i < p->nstacks; i++) {
			uint32_t s = (uint32_t)gm_rep_mix(p->stacks[i].hash) & (cap - 1);
			while (idx[s])
				s = (s + 1) & (cap - 1);
			idx[s] = i + 1;
		}
		free(p->stack_index);
		p->stack_index = idx, p->capindex = cap;
	}
	uint32_t s = (uint32_t)gm_rep_mix(h) & (p->capindex - 1);
	for (; p->stack_index[s]; s = (s + 1) & (p->capindex - 1)) {
		struct gm_rep_stack *st = &p->stacks[p->stack_index[s] - 1];
		if (st->hash == h && st->depth == depth && !memcmp(p->frames + st->off, fr, depth * sizeof *fr))
			return p->stack_index[s] - 1;
	}
	uint64_t cap = p->capstacks;
	if (gm_rep_grow((void **)&p->stacks, &cap, (uint64_t)p->nstacks + 1, sizeof *p->stacks, m) ||
	    gm_rep_grow((void **)&p->frames, &p->capframes, p->nframes + (depth ? depth : 1), sizeof *p->frames, m))
		return 0; /* (at least one frame's room: frames is never NULL once a stack exists, even an empty one) */
	p->capstacks = (uint32_t)cap;
	struct gm_rep_stack *st = &p->stacks[p->nstacks];
	memset(st, 0, sizeof *st);
	st->hash = h, st->off = (uint32_t)p->nframes, st->depth = depth, st->cls = -1, st->truncated = -1;
	memcpy(p->frames + p->nframes, fr, depth * sizeof *fr);
	p->nframes += depth;
	p->stack_index[s] = ++p->nstacks;
	return p->nstacks - 1;
}

#define GM_REP_OPS_MAX (8ULL << 20) /* queued C-heap operations per process, at most */
#define GM_REP_OP_MAX_DEPTH 256      /* frames of a queued op's stack (the tracer writes <= 128) */

static uint32_t gm_rep_ev_stack(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	static const uint64_t none[1];
	const uint64_t *fr = ev->a[GM_A_STACK] ? ev->a[GM_A_STACK] : none;
	uint32_t st = gm_rep_stack_intern(m, p, fr, ev->alen[GM_A_STACK]);
	if (p->nstacks == 0) /* could not intern even one: keep indexes valid */
		st = gm_rep_stack_intern(m, p, none, 0);
	return p->nstacks ? st : 0;
}

/* ---- live blocks ---- */
static uint64_t gm_rep_block_slot(const struct gm_rep_proc *p, uint64_t ptr)
{
	return gm_rep_mix(ptr) & (p->capblocks - 1);
}

static struct gm_rep_block *gm_rep_block_find(struct gm_rep_proc *p, uint64_t ptr)
{
	if (!p->capblocks)
		return NULL;
	for (uint64_t s = gm_rep_block_slot(p, ptr); p->blocks[s].ptr; s = (s + 1) & (p->capblocks - 1))
		if (p->blocks[s].ptr == ptr)
			return &p->blocks[s];
	return NULL;
}

/* Remove the slot (backward-shift deletion keeps probe chains intact). */
static void gm_rep_block_delete(struct gm_rep_proc *p, struct gm_rep_block *b)
{
	uint64_t i = (uint64_t)(b - p->blocks), mask = p->capblocks - 1;
	for (uint64_t j = (i + 1) & mask; p->blocks[j].ptr; j = (j + 1) & mask) {
		uint64_t home = gm_rep_block_slot(p, p->blocks[j].ptr);
		/* j's entry may move to i if its home is not in (i, j] cyclically */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			p->blocks[i] = p->blocks[j];
			i = j;
		}
	}
	p->blocks[i].ptr = 0;
	p->nblocks--;
}

/* Take a block out; returns 0 and its contents, or -1 if unknown. */
static int gm_rep_block_take(struct gm_rep_proc *p, uint64_t ptr, struct gm_rep_block *out)
{
	struct gm_rep_block *b = gm_rep_block_find(p, ptr);
	if (!b)
		return -1;
	*out = *b;
	struct gm_rep_stack *st = &p->stacks[b->stack];
	st->live_bytes -= b->size, st->live_count--;
	if (b->in_window)
		st->win_bytes -= b->size, st->win_count--;
	p->live_bytes -= b->size;
	gm_rep_block_delete(p, b);
	return 0;
}

static void gm_rep_block_put(struct gm_rep_model *m, struct gm_rep_proc *p, uint64_t ptr, uint64_t size,
			     uint32_t stack, int in_window)
{
	struct gm_rep_block old;
	if (gm_rep_block_take(p, ptr, &old) == 0) /* its free was lost */
		p->stacks[old.stack].frees++;
	if ((p->nblocks + 1) * 2 > p->capblocks) {
		uint64_t cap = p->capblocks ? p->capblocks * 2 : 4096;
		struct gm_rep_block *nb = calloc(cap, sizeof *nb);
		if (!nb) {
			m->oom = 1;
			return;
		}
		struct gm_rep_block *ob = p->blocks;
		uint64_t ocap = p->capblocks;
		p->blocks = nb, p->capblocks = cap;
		for (uint64_t i = 0; i < ocap; i++) {
			if (!ob[i].ptr)
				continue;
			uint64_t s = gm_rep_block_slot(p, ob[i].ptr);
			while (nb[s].ptr)
				s = (s + 1) & (cap - 1);
			nb[s] = ob[i];
		}
		free(ob);
	}
	uint64_t s = gm_rep_block_slot(p, ptr);
	while (p->blocks[s].ptr)
		s = (s + 1) & (p->capblocks - 1);
	p->blocks[s] = (struct gm_rep_block){ ptr, size, stack, (uint32_t)(in_window != 0) };
	p->nblocks++;
	struct gm_rep_stack *st = &p->stacks[stack];
	st->live_bytes += size, st->live_count++;
	if (in_window)
		st->win_bytes += size, st->win_count++;
	p->live_bytes += size;
}


static void gm_rep_alloc(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev,
			 uint64_t ptr, uint64_t size)
{
	if (!ptr) {
		p->failed_allocs++;
		return;
	}
	uint32_t stack = gm_rep_ev_stack(m, p, ev);
	if (!p->nstacks)
		return;
	struct gm_rep_stack *st = &p->stacks[stack];
	st->allocs++, st->alloc_bytes += size;
	if (!st->first_ts)
		st->first_ts = ev->ts;
	st->last_ts = ev->ts;
	gm_rep_block_put(m, p, ptr, size, stack, ev->ts >= m->from_ns);
}

static void gm_rep_free(struct gm_rep_proc *p, uint64_t ptr)
{
	struct gm_rep_block b;
	if (gm_rep_block_take(p, ptr, &b) != 0)
		p->unknown_frees++;
	else
		p->stacks[b.stack].frees++;
}

/* realloc: the moved block stays attributed to its ORIGINAL allocation stack. */
static void gm_rep_realloc(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	uint64_t in = (uint64_t)ev->v[GM_F_IN_PTR], out = (uint64_t)ev->v[GM_F_PTR];
	uint64_t nmemb = ev->has[GM_F_NMEMB] ? (uint64_t)ev->v[GM_F_NMEMB] : 1;
	uint64_t size = nmemb * (uint64_t)ev->v[GM_F_SIZE];
	if (!in) {
		gm_rep_alloc(m, p, ev, out, size);
		return;
	}
	if (!out) {
		if (ev->v[GM_F_ERR] == 0 && size == 0)
			gm_rep_free(p, in); /* realloc(p, 0) */
		else
			p->failed_allocs++;
		return;
	}
	struct gm_rep_block b;
	if (gm_rep_block_take(p, in, &b) != 0) {
		p->unknown_frees++;
		gm_rep_alloc(m, p, ev, out, size);
		return;
	}
	gm_rep_block_put(m, p, out, size, b.stack, b.in_window);
}

/* ---- mappings ---- */
/* First mapping with end > a. */
static uint64_t gm_rep_map_lower(const struct gm_rep_proc *p, uint64_t a)
{
	uint64_t lo = 0, hi = p->nmaps;
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		if (p->maps[mid].end <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void gm_rep_map_remove(struct gm_rep_model *m, struct gm_rep_proc *p, uint64_t a, uint64_t b)
{
	uint64_t i = gm_rep_map_lower(p, a);
	while (i < p->nmaps && p->maps[i].start < b) {
		struct gm_rep_map *mp = &p->maps[i];
		if (mp->start < a && mp->end > b) { /* split in two */
			if (gm_rep_grow((void **)&p->maps, &p->capmaps, p->nmaps + 1, sizeof *p->maps, m))
				return;
			mp = &p->maps[i];
			memmove(mp + 1, mp, (p->nmaps - i) * sizeof *mp);
			p->nmaps++;
			mp[0].end = a;
			mp[1].start = b;
			return;
		}
		if (mp->start < a) {
			mp->end = a;
			i++;
		} else if (mp->end > b) {
			mp->start = b;
			return;
		} else {
			memmove(mp, mp + 1, (p->nmaps - i - 1) * sizeof *mp);
			p->nmaps--;
		}
	}
}

static void gm_rep_map_add(struct gm_rep_model *m, struct gm_rep_proc *p, struct gm_rep_map nm)
{
	if (nm.end <= nm.start)
		return;
	gm_rep_map_remove(m, p, nm.start, nm.end); /* MAP_FIXED replaces */
	if (gm_rep_grow((void **)&p->maps, &p->capmaps, p->nmaps + 1, sizeof *p->maps, m))
		return;
	uint64_t i = gm_rep_map_lower(p, nm.start);
	memmove(&p->maps[i + 1], &p->maps[i], (p->nmaps - i) * sizeof nm);
	p->maps[i] = nm;
	p->nmaps++;
}

static uint64_t gm_rep_page_up(uint64_t len) { return (len + 4095) & ~4095ULL; }

static void gm_rep_mmap(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	uint64_t ret = (uint64_t)ev->v[GM_F_RET];
	if (ret == GM_MAP_FAILED || ev->v[GM_F_ERR])
		return;
	struct gm_rep_map nm = { ret, ret + gm_rep_page_up((uint64_t)ev->v[GM_F_LEN]), gm_rep_ev_stack(m, p, ev),
				 (int32_t)ev->v[GM_F_PROT], (int32_t)ev->v[GM_F_FLAGS], (int32_t)ev->v[GM_F_FD],
				 (uint8_t)ev->v[GM_F_ORIGIN], ev->ts >= m->from_ns };
	if (p->nstacks && nm.origin == GM_ORIGIN_LIBC) {
		struct gm_rep_stack *st = &p->stacks[nm.stack];
		st->mmaps++, st->mmap_bytes += nm.end - nm.start;
		if (!st->first_ts)
			st->first_ts = ev->ts;
		st->last_ts = ev->ts;
	}
	gm_rep_map_add(m, p, nm);
}

static void gm_rep_mremap(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	uint64_t ret = (uint64_t)ev->v[GM_F_RET], old = (uint64_t)ev->v[GM_F_OLD_ADDR];
	if (ret == GM_MAP_FAILED || ev->v[GM_F_ERR])
		return;
	struct gm_rep_map nm = { ret, ret + gm_rep_page_up((uint64_t)ev->v[GM_F_NEW_LEN]), 0, 3, 0x22, -1,
				 (uint8_t)ev->v[GM_F_ORIGIN], ev->ts >= m->from_ns };
	uint64_t i = gm_rep_map_lower(p, old);
	if (i < p->nmaps && p->maps[i].start <= old) { /* keep the original mapping's identity */
		nm.stack = p->maps[i].stack, nm.prot = p->maps[i].prot;
		nm.flags = p->maps[i].flags, nm.fd = p->maps[i].fd, nm.origin = p->maps[i].origin;
		nm.in_window = p->maps[i].in_window;
	} else {
		nm.stack = gm_rep_ev_stack(m, p, ev);
	}
	gm_rep_map_remove(m, p, old, old + gm_rep_page_up((uint64_t)ev->v[GM_F_OLD_LEN]));
	gm_rep_map_add(m, p, nm);
}

/* ---- Go heap chunks ---- */
static void gm_rep_chunks(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	uint32_t n = ev->alen[GM_A_INUSE];
	if (ev->alen[GM_A_RELEASED] < n)
		n = ev->alen[GM_A_RELEASED];
	for (uint32_t i = 0; i < n; i++) {
		uint64_t base = (uint64_t)ev->v[GM_F_BASE] + i * GM_GO_CHUNK_BYTES;
		if (!base)
			continue;
		if ((p->nchunks + 1) * 2 > p->capchunks) {
			uint64_t cap = p->capchunks ? p->capchunks * 2 : 256;
			struct gm_rep_chunk *nc = calloc(cap, sizeof *nc);
			if (!nc) {
				m->oom = 1;
				return;
			}
			for (uint64_t k = 0; k < p->capchunks; k++) {
				if (!p->chunks[k].base)
					continue;
				uint64_t s = gm_rep_mix(p->chunks[k].base) & (cap - 1);
				while (nc[s].base)
					s = (s + 1) & (cap - 1);
				nc[s] = p->chunks[k];
			}
			free(p->chunks);
			p->chunks = nc, p->capchunks = cap;
		}
		uint64_t s = gm_rep_mix(base) & (p->capchunks - 1);
		while (p->chunks[s].base && p->chunks[s].base != base)
			s = (s + 1) & (p->capchunks - 1);
		struct gm_rep_chunk *c = &p->chunks[s];
		uint16_t inuse = (uint16_t)ev->a[GM_A_INUSE][i], rel = (uint16_t)ev->a[GM_A_RELEASED][i];
		if (inuse > GM_GO_CHUNK_PAGES || rel > GM_GO_CHUNK_PAGES)
			continue; /* corrupt */
		if (!c->base) {
			c->base = base;
			p->nchunks++;
		} else if (rel > c->released && c->free_since && ev->ts > c->free_since) {
			uint64_t bytes = (uint64_t)(rel - c->released) * GM_GO_PAGE_SIZE;
			uint64_t dur = ev->ts - c->free_since;
			p->retained_byte_ns += (uint64_t)((double)bytes * (double)dur / 1e6); /* byte-ms */
			p->retained_bytes += bytes;
			if (dur > p->retained_max_ns)
				p->retained_max_ns = dur;
		}
		int free_pages = GM_GO_CHUNK_PAGES - inuse - rel;
		if (free_pages <= 0)
			c->free_since = 0;
		else if (!c->free_since)
			c->free_since = ev->ts;
		c->inuse = inuse, c->released = rel;
	}
}

/* ---- samples ---- */
static void gm_rep_sample(struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	struct gm_rep_sample s = { 1, ev->ts, ev->ts, (int)ev->v[GM_F_KIND], { 0 } };
	memcpy(s.v, ev->v, sizeof s.v);
	memcpy(s.has, ev->has, sizeof s.has);
	if (ev->v[GM_F_GO_READ_NS] > 0 && ev->cycles_ok)
		s.go_ts = (uint64_t)(ev->v[GM_F_GO_READ_NS] + ev->cycles_off);
	if (s.kind == GM_SAMPLE_REQUESTED)
		p->checkpoint = s, p->ncheckpoints++;
	if (!p->first.valid)
		p->first = s;
	/* The exit sample is the last moment: a periodic sample the sampler thread was taking
	 * while the process left may be written after it, and describes an earlier heap. */
	if (!(p->last.valid && p->last.kind == GM_SAMPLE_EXIT && s.kind != GM_SAMPLE_EXIT))
		p->last = s;
	p->nsamples++;
	if (s.v[GM_F_M_FREE] >= 0) /* the exit sample may lack mallinfo2 (signal context) */
		p->last_malloc_free = s.v[GM_F_M_FREE];
	if (s.v[GM_F_RSS] > p->rss_peak)
		p->rss_peak = s.v[GM_F_RSS];
	if (s.v[GM_F_GO_INUSE] > p->go_inuse_peak)
		p->go_inuse_peak = s.v[GM_F_GO_INUSE];
	if (s.v[GM_F_CGROUP] > p->cg_peak) {
		p->cg_peak = s.v[GM_F_CGROUP];
		p->cg_peak_limit = ev->has[GM_F_CG_LIMIT] ? s.v[GM_F_CG_LIMIT] : -1;
	}
	/* a window: every stack fills up from nothing at first; growth counts from its third
	 * sample on (the first is at the window's start, the first interval is the fill) */
	int fill = p->window && (ev->ts < p->win_start || p->win_samples++ < 2);
	for (uint32_t i = 0; i < p->nstacks; i++) {
		struct gm_rep_stack *st = &p->stacks[i];
		if (!st->allocs)
			continue;
		if (fill)
			;
		else if (st->live_bytes > st->prev_live)
			st->grow_ticks++;
		else if (st->live_bytes < st->prev_live)
			st->shrink_ticks++;
		st->prev_live = st->live_bytes;
	}
}

static char *gm_rep_dup(char *old, const char *s)
{
	if (!s)
		return old;
	if (old && !strcmp(old, s))
		return old;
	char *n = strdup(s);
	if (!n)
		return old;
	free(old);
	return n;
}

/* A forked child that has no module list yet starts with its parent's (lttng-ust may not
 * re-send it before the child's first events). */
static void gm_rep_inherit_modules(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	if (gm_modmap_count(p->mods) || p->ppid < 0)
		return;
	struct gm_rep_proc *parent = NULL;
	for (struct gm_rep_proc *q = m->procs; q; q = q->next)
		if (q != p && q->vpid == p->ppid)
			parent = q;
	if (!parent || !gm_modmap_count(parent->mods))
		return;
	struct gm_modmap *c = gm_modmap_copy(parent->mods);
	if (!c)
		return;
	gm_modmap_free(p->mods);
	p->mods = c;
}

/* ---- C-heap operations: applied at once, or queued in batched traces ---- */
/* Apply one malloc-family event (per call, or rebuilt from a queued op). */
static void gm_rep_c_event(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	const int64_t *v = ev->v;
	switch (ev->kind) {
	case GM_EV_MALLOC:
		gm_rep_alloc(m, p, ev, (uint64_t)v[GM_F_PTR], (uint64_t)v[GM_F_SIZE]);
		break;
	case GM_EV_CALLOC:
		gm_rep_alloc(m, p, ev, (uint64_t)v[GM_F_PTR], (uint64_t)v[GM_F_NMEMB] * (uint64_t)v[GM_F_SIZE]);
		break;
	case GM_EV_MEMALIGN:
		gm_rep_alloc(m, p, ev, v[GM_F_ERR] ? 0 : (uint64_t)v[GM_F_PTR], (uint64_t)v[GM_F_SIZE]);
		break;
	case GM_EV_REALLOC:
		gm_rep_realloc(m, p, ev);
		break;
	case GM_EV_FREE:
		if (v[GM_F_PTR])
			gm_rep_free(p, (uint64_t)v[GM_F_PTR]);
		break;
	default:
		break;
	}
}

/* A time in the tracer's clock cycles (batch records, flush upto) -> ns from origin. A clock
 * that is not 1 GHz (or no clock): the event's own time stands for it, and a warning says so. */
static uint64_t gm_rep_cycles_ns(struct gm_rep_model *m, const struct gm_rep_ev *ev, uint64_t cycles)
{
	if (ev->cycles_ok)
		return (uint64_t)((int64_t)cycles + ev->cycles_off);
	if (!m->clock_not_ns) {
		m->clock_not_ns = 1;
		gm_rep_model_warn(m, "the trace's clock does not run at 1 GHz: allocation records are timed "
				     "by the batch event that carries them, so their order across threads "
				     "may be off");
	}
	return ev->ts;
}

/* Stack ids: open addressing on the id, frames appended to m->sid_frames. */
static struct gm_rep_sid *gm_rep_sid_slot(struct gm_rep_model *m, uint64_t id)
{
	if (!m->capsids)
		return NULL;
	for (uint64_t i = gm_rep_mix(id) & (m->capsids - 1);; i = (i + 1) & (m->capsids - 1))
		if (m->sids[i].id == id || !m->sids[i].id)
			return &m->sids[i];
}

static void gm_rep_sid_add(struct gm_rep_model *m, uint64_t id, const uint64_t *fr, uint32_t depth)
{
	if (!id)
		return;
	struct gm_rep_sid *s = gm_rep_sid_slot(m, id);
	if (s && s->id)
		return; /* written again: same frames */
	if ((m->nsids + 1) * 2 > m->capsids) {
		uint64_t cap = m->capsids ? m->capsids * 2 : 1024;
		struct gm_rep_sid *n = calloc(cap, sizeof *n), *old = m->sids;
		if (!n) {
			m->oom = 1;
			return;
		}
		uint64_t oldcap = m->capsids;
		m->sids = n, m->capsids = cap;
		for (uint64_t i = 0; i < oldcap; i++)
			if (old[i].id)
				*gm_rep_sid_slot(m, old[i].id) = old[i];
		free(old);
		s = gm_rep_sid_slot(m, id);
	}
	if (gm_rep_grow((void **)&m->sid_frames, &m->capsid_frames, m->nsid_frames + (depth ? depth : 1),
			sizeof *m->sid_frames, m) != 0)
		return; /* (at least one frame's room: sid_frames is never NULL once an id is defined) */
	if (depth)
		memcpy(m->sid_frames + m->nsid_frames, fr, depth * sizeof *fr);
	s->id = id, s->off = m->nsid_frames, s->depth = depth;
	m->nsid_frames += depth;
	m->nsids++;
}

static int gm_rep_op_less(const struct gm_rep_op *a, const struct gm_rep_op *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

/* Apply op to p: rebuild the event it stands for and hand it to the per-call handlers. */
/* Whether a C-heap record stamped at ts lies before p's window (then it is not applied). */
static int gm_rep_before_window(struct gm_rep_proc *p, uint64_t ts)
{
	if (!p->window || ts >= p->win_start)
		return 0;
	p->before_window++;
	return 1;
}

static void gm_rep_op_apply(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_op *o)
{
	struct gm_rep_op op = *o;
	if (gm_rep_before_window(p, op.ts))
		return;
	p->unknown_stack_ops += op.nostack;
	if (op.ts < p->applied_ts)
		p->late_ops++;
	else
		p->applied_ts = op.ts;
	/* the event it stands for; the stack's frames copied (interning may move p->frames) */
	uint64_t fr[GM_REP_OP_MAX_DEPTH];
	struct gm_rep_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = (enum gm_rep_kind)op.kind;
	ev.ts = op.ts;
	ev.vpid = p->vpid, ev.vtid = -1, ev.procname = "";
	ev.v[GM_F_PTR] = (int64_t)op.ptr, ev.v[GM_F_SIZE] = (int64_t)op.size;
	ev.v[GM_F_IN_PTR] = (int64_t)op.in_ptr, ev.v[GM_F_NMEMB] = (int64_t)op.nmemb;
	ev.v[GM_F_ERR] = op.err;
	if (op.has_nmemb)
		ev.has[GM_F_NMEMB] = 1;
	if (op.stack < p->nstacks) {
		const struct gm_rep_stack *st = &p->stacks[op.stack];
		uint32_t d = st->depth < GM_REP_OP_MAX_DEPTH ? st->depth : GM_REP_OP_MAX_DEPTH;
		memcpy(fr, gm_rep_stack_frames(p, st), d * sizeof *fr);
		ev.a[GM_A_STACK] = fr, ev.alen[GM_A_STACK] = d;
	}
	gm_rep_c_event(m, p, &ev);
	if (op.freed)
		gm_rep_free(p, op.ptr);
}

/* Apply the oldest queued op of p. */
static void gm_rep_op_pop_apply(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	struct gm_rep_op op = p->ops[0];
	p->ops[0] = p->ops[--p->nops];
	for (uint64_t i = 0;;) { /* sift down */
		uint64_t l = 2 * i + 1, r = l + 1, s = i;
		if (l < p->nops && gm_rep_op_less(&p->ops[l], &p->ops[s]))
			s = l;
		if (r < p->nops && gm_rep_op_less(&p->ops[r], &p->ops[s]))
			s = r;
		if (s == i)
			break;
		struct gm_rep_op t = p->ops[i];
		p->ops[i] = p->ops[s], p->ops[s] = t;
		i = s;
	}
	gm_rep_op_apply(m, p, &op);
}

/* Queue op (its seq is set here). Past the bound, the oldest half is applied early. */
static void gm_rep_op_push(struct gm_rep_model *m, struct gm_rep_proc *p, struct gm_rep_op op)
{
	if (p->nops >= GM_REP_OPS_MAX) {
		if (!p->overflowed)
			gm_rep_model_warn(m, "more than 8M C-heap operations waited for a flush of the tracer; "
					     "the oldest were applied early, their order may be off");
		p->overflowed = 1;
		while (p->nops > GM_REP_OPS_MAX / 2)
			gm_rep_op_pop_apply(m, p);
	}
	op.seq = p->op_seq++;
	if (gm_rep_grow((void **)&p->ops, &p->capops, p->nops + 1, sizeof *p->ops, m) != 0) {
		/* no room (m->oom warns): apply it now, after the queued ops older than it */
		while (p->nops && gm_rep_op_less(&p->ops[0], &op))
			gm_rep_op_pop_apply(m, p);
		gm_rep_op_apply(m, p, &op);
		return;
	}
	uint64_t i = p->nops++;
	while (i > 0 && gm_rep_op_less(&op, &p->ops[(i - 1) / 2])) { /* sift up */
		p->ops[i] = p->ops[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	p->ops[i] = op;
}

/* Apply every queued op of p with ts <= upto, oldest first. */
static void gm_rep_ops_apply(struct gm_rep_model *m, struct gm_rep_proc *p, uint64_t upto)
{
	while (p->nops && p->ops[0].ts <= upto)
		gm_rep_op_pop_apply(m, p);
}

/* A per-call malloc-family event of a batched process: queued (its stack interned now: the
 * event's arrays die after the callback). */
static void gm_rep_op_push_ev(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	const int64_t *v = ev->v;
	struct gm_rep_op op = {
		.ts = ev->ts, .ptr = (uint64_t)v[GM_F_PTR], .size = (uint64_t)v[GM_F_SIZE],
		.in_ptr = (uint64_t)v[GM_F_IN_PTR], .nmemb = (uint64_t)v[GM_F_NMEMB],
		.err = (int32_t)v[GM_F_ERR], .kind = (uint8_t)ev->kind,
		.has_nmemb = ev->has[GM_F_NMEMB],
		.stack = ev->kind == GM_EV_FREE ? UINT32_MAX : gm_rep_ev_stack(m, p, ev),
	};
	gm_rep_op_push(m, p, op);
}

/* The records of a gomemtrace:alloc_batch stamped up to `limit` (--to), queued. */
static void gm_rep_op_push_batch(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev,
				 uint64_t limit)
{
	const uint64_t *r = ev->a[GM_A_REC];
	for (uint32_t i = 0; r && i + GM_BATCH_WORDS <= ev->alen[GM_A_REC]; i += GM_BATCH_WORDS) {
		unsigned kind = (unsigned)(r[i + 2] >> GM_BATCH_KIND_SHIFT);
		struct gm_rep_op op = {
			.ts = gm_rep_cycles_ns(m, ev, r[i]), .ptr = r[i + 1], .size = r[i + 2] & GM_BATCH_SIZE_MASK,
			.stack = UINT32_MAX,
		};
		if (op.ts > limit)
			continue;
		switch (kind) {
		case GM_BATCH_MALLOC_FREED:
		case GM_BATCH_MALLOC: op.kind = GM_EV_MALLOC; break;
		case GM_BATCH_CALLOC_FREED:
		case GM_BATCH_CALLOC: op.kind = GM_EV_CALLOC, op.nmemb = 1, op.has_nmemb = 1; break;
		case GM_BATCH_FREE: op.kind = GM_EV_FREE; break;
		default: continue; /* a kind of a later version */
		}
		op.freed = kind == GM_BATCH_MALLOC_FREED || kind == GM_BATCH_CALLOC_FREED;
		if (op.kind != GM_EV_FREE) {
			struct gm_rep_sid *s = gm_rep_sid_slot(m, r[i + 3]);
			static const uint64_t none[1];
			if (s && s->id) {
				op.stack = gm_rep_stack_intern(m, p, m->sid_frames + s->off, s->depth);
			} else {
				op.nostack = 1; /* counted when applied: a window drops what precedes it */
				op.stack = gm_rep_stack_intern(m, p, none, 0);
			}
		}
		p->nevents++, m->gm_events++, p->batch_records++;
		gm_rep_op_push(m, p, op);
	}
}

/* gomemtrace:flush: apply what p has queued up to its `upto` (everything at the final one,
 * whose upto is 0 when records were left behind). */
static void gm_rep_flush(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	const int64_t *v = ev->v;
	p->batched = 1;
	if (v[GM_F_FINAL]) {
		p->final_flushed = 1;
		p->unflushed += (uint64_t)v[GM_F_UNFLUSHED];
		gm_rep_ops_apply(m, p, UINT64_MAX);
	} else if (v[GM_F_UPTO]) {
		uint64_t upto = gm_rep_cycles_ns(m, ev, (uint64_t)v[GM_F_UPTO]);
		if (upto > p->flushed_upto)
			p->flushed_upto = upto;
		gm_rep_ops_apply(m, p, upto);
	}
}

/* p wrote batches but its final flush is not in the trace (read to its end). */
static int gm_rep_flush_missing(const struct gm_rep_model *m, const struct gm_rep_proc *p)
{
	return p->batch_records && !p->final_flushed && !m->stopped;
}

/* End of p's trace: apply what is queued, and say what batches may have cost. */
static void gm_rep_ops_finish(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	/* a window whose process still ran at its end: everything stamped up to the last flush is
	 * in the trace, what came after only in part: the window ends there */
	if (p->window && p->batched && !p->final_flushed && p->flushed_upto && !m->stopped) {
		gm_rep_ops_apply(m, p, p->flushed_upto);
		p->after_window += p->nops;
		p->nops = 0;
		p->win_end = p->flushed_upto;
	} else {
		gm_rep_ops_apply(m, p, UINT64_MAX);
		p->win_end = p->last_ts;
	}
	char msg[256];
	if (p->window && p->win_start == UINT64_MAX) { /* a snapshot's batching process, no resync */
		p->win_start = p->win_end;
		snprintf(msg, sizeof msg, "pid %" PRId64 ": the snapshot holds no resync of this process after the "
			 "point from which it is complete (less than a second of it?): none of its C-heap records "
			 "is applied", p->vpid);
		gm_rep_model_warn(m, msg);
	}
	if (p->unflushed) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": %" PRIu64 " allocation records were still in a "
			 "thread's buffer at exit and are missing; C-heap figures may be off by them",
			 p->vpid, p->unflushed);
		gm_rep_model_warn(m, msg); /* and the figures are approximate (gm_rep_analyze_proc) */
	}
	if (gm_rep_flush_missing(m, p) && !p->window) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": no final flush of its allocation records (killed, "
			 "_exit, exec, or still running when the trace ended): records still buffered then "
			 "(up to 100 ms of them) are missing", p->vpid);
		gm_rep_model_warn(m, msg); /* and the figures are approximate (gm_rep_analyze_proc) */
	}
	if (p->unknown_stack_ops) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": %" PRIu64 " allocation records name a stack "
			 "the trace does not define (%s); they have no stack", p->vpid, p->unknown_stack_ops,
			 p->window && !p->resynced ? "the window began without the tracer's resync: another "
			 "session had gomemtrace:resync on, or the session was made by hand" : "lost events?");
		gm_rep_model_warn(m, msg);
	}
	if (p->late_ops) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": %" PRIu64 " allocation records arrived after "
			 "later ones were applied; the order of the C heap's operations may be off",
			 p->vpid, p->late_ops);
		gm_rep_model_warn(m, msg);
	}
}

/* ---- --to ---- */
#define GM_REP_DRAIN_NS 1000000000ULL /* past --to, look this long for records stamped before it */

/* Whether records of p stamped before --to may still come: p batches, is the latest process
 * of its vpid, and neither its final flush nor a flush past --to was seen. */
static int gm_rep_awaits(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	return p->batched && !p->final_flushed && p->flushed_upto < m->to_ns && gm_rep_proc_find(m, p->vpid) == p;
}

static int gm_rep_count_awaiting(struct gm_rep_model *m)
{
	int n = 0;
	for (struct gm_rep_proc *p = m->procs; p; p = p->next)
		n += gm_rep_awaits(m, p);
	return n;
}

/* An event past --to. A batch written after --to may hold records stamped before it, up to
 * its process's next flush: reading goes on, taking only those records and the flushes (and
 * stack definitions, see gm_rep_model_event), until every batching process has flushed past
 * --to or GM_REP_DRAIN_NS have passed. Returns nonzero to stop reading (at once in a trace
 * without batches, as before them); the queued operations are applied by the analysis. */
static int gm_rep_past_to(struct gm_rep_model *m, const struct gm_rep_ev *ev)
{
	if (!m->stopped) {
		m->stopped = 1;
		m->draining = gm_rep_count_awaiting(m);
	}
	if (m->draining && ev->ts - m->to_ns <= GM_REP_DRAIN_NS &&
	    (ev->kind == GM_EV_ALLOC_BATCH || ev->kind == GM_EV_FLUSH) &&
	    (m->opts.pid < 0 || ev->vpid == m->opts.pid)) {
		struct gm_rep_proc *p = gm_rep_proc_find(m, ev->vpid);
		if (p && gm_rep_awaits(m, p)) {
			if (ev->kind == GM_EV_ALLOC_BATCH) {
				gm_rep_op_push_batch(m, p, ev, m->to_ns);
			} else {
				gm_rep_flush(m, p, ev);
				m->draining = gm_rep_count_awaiting(m);
			}
		}
	}
	if (ev->ts - m->to_ns > GM_REP_DRAIN_NS)
		m->draining = 0;
	return !m->draining;
}

/* ---- the event callback ---- */
/* p writes its allocations in batches. In a snapshot, its window begins at its first resync at
 * or after complete_from (records before it may name stacks whose events are gone). */
static void gm_rep_set_batched(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	if (!p->batched && m->snapshot && !p->resynced && p->window)
		p->win_start = UINT64_MAX;
	p->batched = 1;
}

/* A mapping event of a snapshot stamped before every stream is complete: its unmapping may be
 * gone, so it is counted, not applied. */
static int gm_rep_snapshot_before(struct gm_rep_model *m, struct gm_rep_proc *p, uint64_t ts)
{
	if (!m->snapshot || ts >= m->complete_from || !p->window)
		return 0;
	p->before_window++;
	return 1;
}

int gm_rep_model_event(void *ctx, const struct gm_rep_ev *ev)
{
	struct gm_rep_model *m = ctx;
	if (!m->trace_start && ev->ts) {
		m->trace_start = ev->ts;
		m->from_ns = ev->ts + (uint64_t)(m->opts.from * 1e9);
		m->to_ns = m->opts.to >= 0 ? ev->ts + (uint64_t)(m->opts.to * 1e9) : 0;
	}
	if (ev->kind == GM_EV_STACK) /* trace-wide: a forked child names its parent's ids (--pid CHILD) */
		gm_rep_sid_add(m, (uint64_t)ev->v[GM_F_ID], ev->a[GM_A_STACK], ev->alen[GM_A_STACK]);
	if (m->to_ns && ev->ts > m->to_ns)
		return gm_rep_past_to(m, ev);
	if (m->opts.pid >= 0 && ev->vpid != m->opts.pid)
		return 0;
	if (ev->ts > m->trace_end)
		m->trace_end = ev->ts;
	struct gm_rep_proc *p = gm_rep_proc_get(m, ev->vpid);
	if (!p)
		return 0;
	if (ev->kind == GM_EV_PROC_INFO && ev->s[GM_S_EXE] && p->exe && strcmp(p->exe, ev->s[GM_S_EXE]) != 0) {
		gm_rep_ops_apply(m, p, UINT64_MAX); /* the old image's last operations */
		struct gm_rep_proc *np = gm_rep_proc_new(m, ev->vpid, p->generation + 1); /* exec */
		if (!np)
			return 0;
		p = m->hit = np;
	}
	if (!p->first_ts)
		p->first_ts = ev->ts;
	p->last_ts = ev->ts;
	if (ev->cycles_ok)
		p->cycles_off = ev->cycles_off, p->cycles_known = 1;
	if (ev->kind < GM_EV_SD_START) {
		m->gm_events++;
		p->nevents++;
		if (ev->procname && *ev->procname && (!p->procname || strcmp(p->procname, ev->procname)))
			p->procname = gm_rep_dup(p->procname, ev->procname);
	}
	const int64_t *v = ev->v;
	switch (ev->kind) {
	case GM_EV_MALLOC:
	case GM_EV_CALLOC:
	case GM_EV_MEMALIGN:
	case GM_EV_REALLOC:
	case GM_EV_FREE:
		if (p->batched)
			gm_rep_op_push_ev(m, p, ev);
		else if (!gm_rep_before_window(p, ev->ts))
			gm_rep_c_event(m, p, ev);
		break;
	case GM_EV_START:
		/* in a snapshot, only a beginning after every stream holds all its records */
		if (!m->snapshot || ev->ts >= m->complete_from)
			p->started = 1, p->window = 0;
		break;
	case GM_EV_RESYNC:
		/* batch records stamped from here on name only stacks the trace holds: a batching
		 * process's window starts here; one that writes an event a call is complete from
		 * its first event (its proc_info, written before this, opened the window there) */
		if (!p->started && !p->resynced && !m->whole_run && (!m->snapshot || ev->ts >= m->complete_from)) {
			p->resynced = 1;
			if (p->batched || !p->window)
				p->win_start = p->batched ? ev->ts : p->first_ts;
			p->window = 1;
		}
		break;
	case GM_EV_ALLOC_BATCH:
		gm_rep_set_batched(m, p);
		gm_rep_op_push_batch(m, p, ev, UINT64_MAX);
		break;
	case GM_EV_STACK: /* defined above */
		break;
	case GM_EV_FLUSH:
		gm_rep_flush(m, p, ev);
		break;
	case GM_EV_MMAP:
		if (!gm_rep_snapshot_before(m, p, ev->ts))
			gm_rep_mmap(m, p, ev);
		break;
	case GM_EV_MUNMAP:
		if (v[GM_F_RET] == 0 && !gm_rep_snapshot_before(m, p, ev->ts))
			gm_rep_map_remove(m, p, (uint64_t)v[GM_F_ADDR],
					  (uint64_t)v[GM_F_ADDR] + gm_rep_page_up((uint64_t)v[GM_F_LEN]));
		break;
	case GM_EV_MREMAP:
		if (!gm_rep_snapshot_before(m, p, ev->ts))
			gm_rep_mremap(m, p, ev);
		break;
	case GM_EV_MADVISE:
		if (v[GM_F_RET] == 0 && (v[GM_F_ARG] == 4 || v[GM_F_ARG] == 8)) {
			uint32_t st = gm_rep_ev_stack(m, p, ev);
			if (p->nstacks) {
				p->stacks[st].madv_bytes[v[GM_F_ARG] == 8] += (uint64_t)v[GM_F_LEN];
				p->stacks[st].madv_raw |= v[GM_F_ORIGIN] == GM_ORIGIN_GO_RAW;
			}
		}
		break;
	case GM_EV_PROC_INFO:
		p->exe = gm_rep_dup(p->exe, ev->s[GM_S_EXE]);
		p->go_version = gm_rep_dup(p->go_version, ev->s[GM_S_GO_VERSION]);
		/* traces of record carry no procname context: the name comes from here */
		if (ev->s[GM_S_PROCNAME] && *ev->s[GM_S_PROCNAME] && !p->procname)
			p->procname = gm_rep_dup(p->procname, ev->s[GM_S_PROCNAME]);
		p->sample_bytes = (uint64_t)v[GM_F_SAMPLE_BYTES];
		p->sample_big = (uint64_t)v[GM_F_SAMPLE_BIG];
		p->trap_state = (int)v[GM_F_TRAP_STATE];
		/* the tracer's stack walk (traces before these fields have none) */
		if (ev->s[GM_S_STACK_LAYOUT] && *ev->s[GM_S_STACK_LAYOUT])
			p->stack_layout = gm_rep_dup(p->stack_layout, ev->s[GM_S_STACK_LAYOUT]);
		if (ev->s[GM_S_HOP_REASON] && *ev->s[GM_S_HOP_REASON])
			p->hop_reason = gm_rep_dup(p->hop_reason, ev->s[GM_S_HOP_REASON]);
		if (ev->has[GM_F_HOP_FAILURES] && (uint64_t)v[GM_F_HOP_FAILURES] > p->hop_failures)
			p->hop_failures = (uint64_t)v[GM_F_HOP_FAILURES];
		if ((uint64_t)v[GM_F_GO_HEAP_CHECKED] > p->go_heap_checked)
			p->go_heap_checked = (uint64_t)v[GM_F_GO_HEAP_CHECKED];
		if ((uint64_t)v[GM_F_GO_HEAP_CHECK_FAILED] > p->go_heap_check_failed) {
			p->go_heap_check_failed = (uint64_t)v[GM_F_GO_HEAP_CHECK_FAILED];
			p->go_heap_check_addr = (uint64_t)v[GM_F_GO_HEAP_CHECK_ADDR];
		}
		if (v[GM_F_BATCH] > 1)
			gm_rep_set_batched(m, p);
		/* a tracer that says when it started also writes gomemtrace:start at that time, the
		 * first event of a process whose beginning the trace holds: without it, a window */
		if (ev->has[GM_F_START_NS] && v[GM_F_START_NS] > 0 && ev->cycles_ok) {
			p->start_ns = gm_rep_cycles_ns(m, ev, (uint64_t)v[GM_F_START_NS]);
			if (!p->started && !p->window && !m->whole_run)
				p->window = 1, p->win_start = p->first_ts;
		}
		if (ev->has[GM_F_PPID]) {
			p->ppid = v[GM_F_PPID];
			gm_rep_inherit_modules(m, p);
		}
		break;
	case GM_EV_TRAP_STATUS:
		p->trap_state = (int)v[GM_F_STATE];
		break;
	case GM_EV_GO_EXIT:
		p->exited = 1, p->exit_status = (int32_t)v[GM_F_STATUS], p->exit_ts = ev->ts;
		break;
	case GM_EV_SAMPLE:
		gm_rep_sample(p, ev);
		break;
	case GM_EV_GO_CHUNKS:
		gm_rep_chunks(m, p, ev);
		break;
	case GM_EV_SD_START: /* a (re-)sent module list: the memory state stays */
		gm_modmap_statedump_start(p->mods);
		break;
	case GM_EV_SD_BIN_INFO:
	case GM_EV_LIB_LOAD:
		if (ev->s[GM_S_PATH])
			gm_modmap_add(p->mods, (uint64_t)v[GM_F_BADDR], (uint64_t)v[GM_F_MEMSZ], ev->s[GM_S_PATH],
				      ev->has[GM_F_IS_PIC] ? v[GM_F_IS_PIC] != 0 : true);
		break;
	case GM_EV_SD_BUILD_ID:
	case GM_EV_LIB_BUILD_ID: {
		uint8_t id[GM_BUILD_ID_MAX];
		size_t n = ev->alen[GM_A_BUILD_ID] < GM_BUILD_ID_MAX ? ev->alen[GM_A_BUILD_ID] : GM_BUILD_ID_MAX;
		for (size_t i = 0; i < n; i++)
			id[i] = (uint8_t)ev->a[GM_A_BUILD_ID][i];
		gm_modmap_set_build_id(p->mods, (uint64_t)v[GM_F_BADDR], id, n);
		break;
	}
	default:
		break;
	}
	return 0;
}

void gm_rep_model_discarded(void *ctx, uint64_t events, uint64_t packets, uint64_t ts)
{
	struct gm_rep_model *m = ctx;
	if (m->to_ns && ts > m->to_ns)
		return;
	m->lost_events += events;
	m->lost_packets += packets;
}

/* ---- symbolization ---- */
struct gm_sym_result gm_rep_symbolize(struct gm_rep_model *m, const struct gm_rep_proc *p, uint64_t fr)
{
	static const struct gm_sym_frame none = { .status = GM_SYM_NOMODULE };
	if (!m->sym) /* out of memory at start */
		return (struct gm_sym_result){ &none, 1 };
	return gm_sym_lookup(m->sym, p->mods, fr, true);
}

void gm_rep_collect_sym_warnings(struct gm_rep_model *m)
{
	static const char prefix[] = "gomemtrace report: warning: ";
	if (!m->symwarn || fflush(m->symwarn) != 0 || !m->symwarn_buf)
		return;
	while (m->symwarn_done < m->symwarn_len) {
		char *line = m->symwarn_buf + m->symwarn_done;
		char *nl = memchr(line, '\n', m->symwarn_len - m->symwarn_done);
		if (!nl)
			break;
		*nl = 0;
		m->symwarn_done += (size_t)(nl - line) + 1;
		if (!strncmp(line, prefix, sizeof prefix - 1))
			line += sizeof prefix - 1;
		gm_rep_model_warn(m, line);
		*nl = '\n';
	}
}

/* ---- classification ---- */
static int gm_rep_has_fn(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_stack *st,
			 const char *const *names)
{
	const uint64_t *fr = gm_rep_stack_frames(p, st);
	for (uint32_t i = 0; i < st->depth; i++) {
		struct gm_sym_result r = gm_rep_symbolize(m, p, fr[i]);
		for (unsigned j = 0; j < r.n; j++) {
			const char *fn = r.frames[j].func ? r.frames[j].func : "";
			for (int k = 0; names[k]; k++) {
				size_t n = strlen(names[k]);
				if (names[k][n - 1] == '*' ? !strncmp(fn, names[k], n - 1) : !strcmp(fn, names[k]))
					return 1;
			}
		}
	}
	return 0;
}

int gm_rep_stack_truncated(struct gm_rep_model *m, struct gm_rep_proc *p, struct gm_rep_stack *st)
{
	/* the cgo boundary (asm_amd64.s): asmcgocall switches from the goroutine to the system
	 * stack to call C; a walk that stops there did not get back to the goroutine, whose
	 * frames (the program's cgo call, if it was one) are unknown. A stack that ends at
	 * runtime.systemstack is not one of these: systemstack runs runtime code only, so the C
	 * call below it is the runtime's whoever asked for it. */
	static const char *const sw[] = { "runtime.asmcgocall", "runtime.asmcgocall_landingpad", NULL };
	if (st->truncated >= 0)
		return st->truncated;
	st->truncated = 0;
	if (!st->depth)
		return 0;
	struct gm_sym_result r = gm_rep_symbolize(m, p, gm_rep_stack_frames(p, st)[st->depth - 1]);
	if (!r.n)
		return 0;
	const char *fn = r.frames[r.n - 1].func ? r.frames[r.n - 1].func : ""; /* the outermost */
	size_t n = strlen(fn);
	if (n > 5 && !strcmp(fn + n - 5, ".abi0"))
		n -= 5; /* the ELF symbol of an assembly function (when only .symtab named it) */
	for (int k = 0; sw[k]; k++)
		if (strlen(sw[k]) == n && !strncmp(fn, sw[k], n))
			st->truncated = 1;
	return st->truncated;
}

/* Whether every Go frame of the stack is the runtime's (thread creation, cgo callbacks set-up):
 * such C allocations are the runtime's business, not a leak of the program's code. A stack
 * truncated at the cgo boundary is not: the program's frames beyond are unknown (a tracer
 * problem, not a runtime allocation), so it stays a suspect, marked. */
static int gm_rep_runtime_only(struct gm_rep_model *m, struct gm_rep_proc *p, struct gm_rep_stack *st)
{
	if (gm_rep_stack_truncated(m, p, st))
		return 0;
	int go = 0;
	const uint64_t *fr = gm_rep_stack_frames(p, st);
	for (uint32_t i = 0; i < st->depth; i++) {
		struct gm_sym_result r = gm_rep_symbolize(m, p, fr[i]);
		for (unsigned j = 0; j < r.n; j++) {
			const char *file = r.frames[j].file ? r.frames[j].file : "";
			const char *fn = r.frames[j].func ? r.frames[j].func : "";
			size_t n = strlen(file);
			if (!(n > 3 && !strcmp(file + n - 3, ".go")) && !(n > 2 && !strcmp(file + n - 2, ".s")))
				continue; /* not a Go frame */
			if (!strncmp(fn, "_cgo_", 5) || !strncmp(fn, "main._C", 7))
				return 0; /* a cgo call made by the program */
			go = 1;
			if (strncmp(fn, "runtime.", 8) != 0 && strncmp(fn, "runtime/", 8) != 0)
				return 0;
		}
	}
	return go;
}

static int gm_rep_classify(struct gm_rep_model *m, struct gm_rep_proc *p, struct gm_rep_stack *st, int origin)
{
	static const char *const heap[] = { "runtime.(*mheap).sysAlloc", "runtime.(*mheap).grow", NULL };
	static const char *const rt[] = { "runtime.mmap", "runtime.munmap", "runtime.sysMmap", "runtime.sysMunmap",
					  "runtime.sys*", "runtime.persistentalloc*", NULL };
	if (st->cls >= 0)
		return st->cls;
	if (gm_rep_has_fn(m, p, st, heap))
		st->cls = GM_CLS_GO_HEAP;
	else if (gm_rep_has_fn(m, p, st, rt) || origin == GM_ORIGIN_GO_RAW)
		st->cls = GM_CLS_GO_OTHER;
	else {
		st->cls = GM_CLS_C;
		if (st->depth) {
			const struct gm_module *mod = gm_modmap_find(p->mods, gm_rep_stack_frames(p, st)[0] - 1, NULL);
			if (mod && (strstr(mod->path, "libgomemtrace") || strstr(mod->path, "liblttng-ust")))
				st->cls = GM_CLS_TRACER;
		}
	}
	return st->cls;
}

/* Whether the stack's innermost frame is in glibc itself (libc.so, the dynamic loader):
 * its own mappings are not the program's. */
static int gm_rep_in_libc(const struct gm_rep_proc *p, const struct gm_rep_stack *st)
{
	if (!st->depth)
		return 0;
	const struct gm_module *mod = gm_modmap_find(p->mods, gm_rep_stack_frames(p, st)[0] - 1, NULL);
	if (!mod || !mod->path)
		return 0;
	const char *base = strrchr(mod->path, '/');
	base = base ? base + 1 : mod->path;
	return !strncmp(base, "libc.so", 7) || !strncmp(base, "libc-", 5) || !strncmp(base, "ld-linux", 8);
}

/* Go's arena hints on amd64: 0x00c0<<32 | i<<40, i = 0..0x7f (runtime/malloc.go mallocinit). */
static int gm_rep_is_arena_hint(uint64_t a)
{
	return a < 0x800000000000ULL && ((a >> 32) & 0xff) >= 0xc0 && ((a >> 32) & 0xff) < 0xc4;
}

static enum gm_rep_trigger gm_rep_trigger(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_stack *st)
{
	static const char *const bg[] = { "runtime.bgscavenge", NULL };
	static const char *const fos[] = { "runtime/debug.freeOSMemory", "runtime.(*mheap).scavengeAll", NULL };
	static const char *const al[] = { "runtime.(*mheap).allocSpan", "runtime.mallocgc", "runtime.(*mheap).grow",
					  "runtime.(*mheap).alloc", NULL };
	if (gm_rep_has_fn(m, p, st, fos))
		return GM_TRIG_FREE_OS_MEMORY;
	if (gm_rep_has_fn(m, p, st, bg))
		return GM_TRIG_BACKGROUND;
	if (gm_rep_has_fn(m, p, st, al))
		return GM_TRIG_ALLOCATION;
	return GM_TRIG_OTHER;
}

/* ---- analysis ---- */
/* How many allocations of `size` bytes one recorded allocation stands for: with Poisson
 * sampling by bytes (mean interval sample_bytes), one of s bytes is recorded with probability
 * 1 - exp(-s / sample_bytes); from sample_big on, always (docs/sampling.md). Applied at the analysis:
 * proc_info, which carries the parameters, may come after the first allocations. */
static double gm_rep_weight(const struct gm_rep_proc *p, uint64_t size)
{
	if (!p->sample_bytes || (p->sample_big && size >= p->sample_big))
		return 1.0;
	double x = (double)(size ? size : 1) / (double)p->sample_bytes;
	return 1.0 / -expm1(-x);
}

/* The est_* figures of every stack: live blocks weighted one by one by their size; totals of
 * allocations (whose sizes are not kept) weighted by their mean size, as pprof scales Go's
 * sampled heap profiles. Without sampling they are the raw counts. The variance of a live-bytes
 * estimate is Horvitz-Thompson's: each recorded block of s bytes, recorded with probability
 * q = 1/w independently of the others, adds (1 - q) / q^2 * s^2 = (w^2 - w) * s^2. */
static void gm_rep_estimate(struct gm_rep_proc *p)
{
	for (uint32_t i = 0; i < p->nstacks; i++) {
		struct gm_rep_stack *st = &p->stacks[i];
		if (!p->sample_bytes) {
			st->est_live_bytes = (double)st->live_bytes, st->est_live_count = (double)st->live_count;
			st->est_win_bytes = (double)st->win_bytes, st->est_win_count = (double)st->win_count;
			st->est_allocs = (double)st->allocs, st->est_alloc_bytes = (double)st->alloc_bytes;
			continue;
		}
		double w = st->allocs ? gm_rep_weight(p, st->alloc_bytes / st->allocs) : 1.0;
		st->est_allocs = w * (double)st->allocs, st->est_alloc_bytes = w * (double)st->alloc_bytes;
		st->est_live_bytes = st->est_live_count = st->est_win_bytes = st->est_win_count = 0;
		st->est_live_var = st->est_win_var = 0;
	}
	p->est_live_bytes = (double)p->live_bytes;
	p->est_live_var = 0;
	if (!p->sample_bytes)
		return;
	p->est_live_bytes = 0;
	for (uint64_t i = 0; i < p->capblocks; i++) {
		const struct gm_rep_block *b = &p->blocks[i];
		if (!b->ptr)
			continue;
		struct gm_rep_stack *st = &p->stacks[b->stack];
		double w = gm_rep_weight(p, b->size), wb = w * (double)b->size;
		double var = (w * w - w) * (double)b->size * (double)b->size;
		st->est_live_bytes += wb, st->est_live_count += w, st->est_live_var += var;
		if (b->in_window)
			st->est_win_bytes += wb, st->est_win_count += w, st->est_win_var += var;
		p->est_live_bytes += wb;
		p->est_live_var += var;
	}
	for (uint32_t i = 0; i < p->nstacks; i++) { /* live blocks are allocations too */
		struct gm_rep_stack *st = &p->stacks[i];
		if (st->est_allocs < st->est_live_count)
			st->est_allocs = st->est_live_count;
		if (st->est_alloc_bytes < st->est_live_bytes)
			st->est_alloc_bytes = st->est_live_bytes;
	}
}

static struct gm_rep_proc *gm_rep_sort_proc; /* qsort context (single-threaded) */
static int gm_rep_sort_win; /* rank by window bytes */

static int gm_rep_cmp_suspect(const void *a, const void *b)
{
	const struct gm_rep_stack *x = &gm_rep_sort_proc->stacks[*(const uint32_t *)a];
	const struct gm_rep_stack *y = &gm_rep_sort_proc->stacks[*(const uint32_t *)b];
	uint64_t bx = gm_rep_suspect_bytes(x, gm_rep_sort_win), by = gm_rep_suspect_bytes(y, gm_rep_sort_win);
	return bx < by ? 1 : bx > by ? -1 : 0;
}

static int gm_rep_cmp_finding(const void *a, const void *b)
{
	uint64_t x = ((const struct gm_rep_finding *)a)->bytes, y = ((const struct gm_rep_finding *)b)->bytes;
	return x < y ? 1 : x > y ? -1 : 0;
}

static void gm_rep_add_finding(struct gm_rep_result *r, const char *kind, uint64_t bytes, const char *summary)
{
	if (r->nfindings >= (int)(sizeof r->findings / sizeof r->findings[0]))
		return;
	struct gm_rep_finding *f = &r->findings[r->nfindings++];
	f->kind = kind, f->bytes = bytes;
	snprintf(f->summary, sizeof f->summary, "%s", summary);
}

static double gm_rep_mib(int64_t b) { return (double)b / (double)GM_MIB; }

/* Warnings on the tracer's stack walk of p: hops to goroutines it refused (proc_info), and
 * leak suspects whose stacks end at the cgo boundary. */
static void gm_rep_warn_stacks(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	char msg[768];
	const struct gm_rep_result *r = &p->res;
	if (p->hop_failures) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": the tracer's stack walk refused %" PRIu64 " hop%s from the "
			 "system stack to a goroutine because the Go runtime's state did not validate (first: %s; g/m "
			 "layout: %s): those stacks end at the cgo boundary", p->vpid, p->hop_failures,
			 p->hop_failures == 1 ? "" : "s", p->hop_reason ? p->hop_reason : "?",
			 p->stack_layout ? p->stack_layout : "?");
		gm_rep_model_warn(m, msg);
	}
	if (r->ntruncated) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": %d leak suspect%s (%.1f MiB) ha%s truncated at the cgo "
			 "boundary: %s at runtime.asmcgocall, the tracer did not reach the goroutine that made the "
			 "call%s%s; kept as suspects (marked truncated), though the Go code that allocated is unknown",
			 p->vpid, r->ntruncated, r->ntruncated == 1 ? "" : "s",
			 (double)r->truncated_bytes / (double)GM_MIB, r->ntruncated == 1 ? "s a stack" : "ve stacks",
			 r->ntruncated == 1 ? "it ends" : "they end", p->stack_layout ? " (g/m layout: " : "",
			 p->stack_layout ? p->stack_layout : "");
		if (p->stack_layout && strlen(msg) + 2 < sizeof msg) {
			/* close the parenthesis before "; kept" */
			char *k = strstr(msg, "; kept as");
			if (k) {
				memmove(k + 1, k, strlen(k) + 1);
				*k = ')';
			}
		}
		gm_rep_model_warn(m, msg);
	}
}

/* A warning for Go heap page states withheld because the tracer's self-check failed
 * (proc_info.go_heap_check_*; preload/goheap.c). */
static void gm_rep_warn_go_heap_check(struct gm_rep_model *m, const struct gm_rep_proc *p)
{
	if (!p->go_heap_check_failed)
		return;
	char msg[640];
	snprintf(msg, sizeof msg, "pid %" PRId64 ": %s: Go heap page states unavailable — untested runtime layout: %"
		 PRIu64 " of %" PRIu64 " page releases of the Go scavenger did not match the page-allocator bitmaps "
		 "the tracer reads (first at 0x%" PRIx64 "), so the tracer withheld every Go page state from then "
		 "on; C allocations, C frames, the /proc figures and the verdicts that need no Go heap states do "
		 "not depend on it", p->vpid, p->go_version && *p->go_version ? p->go_version : "Go",
		 p->go_heap_check_failed, p->go_heap_check_failed + p->go_heap_checked, p->go_heap_check_addr);
	gm_rep_model_warn(m, msg);
}

/* A warning for a Go newer than any the tracer was checked against (go_version "go1.NN..."). */
static void gm_rep_warn_go_version(struct gm_rep_model *m, const struct gm_rep_proc *p)
{
	const char *v = p->go_version;
	if (!v || strncmp(v, "go1.", 4) != 0)
		return;
	int minor = atoi(v + 4);
	if (minor <= GM_GO_NEWEST_KNOWN_MINOR)
		return;
	char msg[512];
	snprintf(msg, sizeof msg, "pid %" PRId64 ": %s is newer than the newest Go gomemtrace was checked against "
		 "(go1.%d): what it reads of the runtime (Go stacks across the cgo boundary, the Go heap's page "
		 "states) is validated as it is read and left out when it does not validate, but may be "
		 "incomplete; C allocations, C frames and the /proc figures do not depend on it",
		 p->vpid, v, GM_GO_NEWEST_KNOWN_MINOR);
	gm_rep_model_warn(m, msg);
}

/* After a failed self-check of the Go heap no Go page state of p is trusted, not even one
 * read before the failure: the runtime's layout is not the one the tracer reads. */
static void gm_rep_distrust_go_states(struct gm_rep_proc *p)
{
	struct gm_rep_sample *ss[] = { &p->first, &p->last, &p->checkpoint };
	for (size_t i = 0; i < sizeof ss / sizeof ss[0]; i++) {
		int64_t *v = ss[i]->v;
		v[GM_F_GO_SOURCE] = GM_GOHEAP_UNTRUSTED;
		v[GM_F_GO_MAPPED] = v[GM_F_GO_INUSE] = v[GM_F_GO_FREE] = v[GM_F_GO_RELEASED] = v[GM_F_GO_RESIDENT] = -1;
	}
	p->go_inuse_peak = -1;
	p->nchunks = 0;
	if (p->chunks)
		memset(p->chunks, 0, p->capchunks * sizeof *p->chunks);
}

static void gm_rep_analyze_proc(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	if (p->go_heap_check_failed)
		gm_rep_distrust_go_states(p);
	struct gm_rep_result *r = &p->res;
	const int64_t *s = p->last.v;
	int have = p->last.valid, have_go = have && s[GM_F_GO_SOURCE] != 0 && s[GM_F_GO_INUSE] >= 0;
	r->approximate = m->lost_events || m->lost_packets || m->partial || p->sample_bytes || p->unflushed ||
			 (gm_rep_flush_missing(m, p) && !p->window);
	gm_rep_estimate(p);
	r->rss = have ? s[GM_F_RSS] : -1;
	r->file = have ? s[GM_F_FILE] : -1;
	r->lazyfree = have ? s[GM_F_LAZYFREE] : -1;
	r->c_heap_live = p->sample_bytes ? (int64_t)gm_rep_est(p->est_live_bytes) : (int64_t)p->live_bytes;
	r->c_heap_live_stderr = gm_rep_est(sqrt(p->est_live_var));
	r->c_allocator_retained = p->last_malloc_free;
	r->c_heap_in_use = have && s[GM_F_M_INUSE] >= 0 ? s[GM_F_M_INUSE] : -1;
	r->shmem = have ? s[GM_F_SHMEM] : -1;
	r->go_heap_in_use = have_go ? s[GM_F_GO_INUSE] : -1;
	r->go_heap_free_retained = have_go ? s[GM_F_GO_FREE] : -1;
	r->go_heap_released = have_go ? s[GM_F_GO_RELEASED] : -1;
	r->go_inuse_first = p->first.valid && have_go ? p->first.v[GM_F_GO_INUSE] : -1;
	r->go_inuse_peak = have_go ? p->go_inuse_peak : -1;
	r->rss_peak = have ? p->rss_peak : -1;
	int cg_new = have && p->last.has[GM_F_CG_LIMIT];
	r->cg_current = have ? s[GM_F_CGROUP] : -1;
	r->cg_limit = cg_new ? s[GM_F_CG_LIMIT] : -1;
	r->cg_anon = cg_new ? s[GM_F_CG_ANON] : -1;
	r->cg_file = cg_new ? s[GM_F_CG_FILE] : -1;
	r->cg_kernel = cg_new ? s[GM_F_CG_KERNEL] : -1;
	r->cg_sock = cg_new ? s[GM_F_CG_SOCK] : -1;
	r->cg_procs = cg_new ? s[GM_F_CG_PROCS] : -1;
	r->cg_peak = have && p->cg_peak > 0 ? p->cg_peak : -1;
	r->cg_peak_limit = have ? p->cg_peak_limit : -1;
	/* mappings */
	r->c_mmap = 0;
	for (uint32_t i = 0; i < p->nstacks; i++)
		p->stacks[i].map_bytes = p->stacks[i].map_count = p->stacks[i].map_win_bytes = p->stacks[i].map_win_count = 0;
	for (uint64_t i = 0; i < p->nmaps; i++) {
		const struct gm_rep_map *mp = &p->maps[i];
		uint64_t len = mp->end - mp->start;
		int cls = gm_rep_classify(m, p, &p->stacks[mp->stack], mp->origin);
		if (gm_rep_is_arena_hint(mp->start) && cls != GM_CLS_C)
			cls = GM_CLS_GO_HEAP;
		if (cls == GM_CLS_GO_HEAP)
			r->go_heap_mapped += len;
		else if (cls == GM_CLS_GO_OTHER)
			r->go_runtime_mapped += len;
		else if (cls == GM_CLS_C && mp->fd < 0 && (mp->prot & 3)) {
			r->c_mmap += (int64_t)len;
			if (mp->origin == GM_ORIGIN_LIBC && p->nstacks) { /* a direct C mapping: a leak suspect candidate */
				struct gm_rep_stack *st = &p->stacks[mp->stack];
				st->map_bytes += len, st->map_count++;
				if (mp->in_window)
					st->map_win_bytes += len, st->map_win_count++;
			}
		}
	}
	/* releases */
	for (uint32_t i = 0; i < p->nstacks; i++) {
		struct gm_rep_stack *st = &p->stacks[i];
		if (!st->madv_bytes[0] && !st->madv_bytes[1])
			continue;
		r->releases[gm_rep_trigger(m, p, st)] += st->madv_bytes[0] + st->madv_bytes[1];
		r->released_dontneed += st->madv_bytes[0];
		r->released_free += st->madv_bytes[1];
		if (st->madv_bytes[1]) {
			int cls = gm_rep_classify(m, p, st, st->madv_raw ? GM_ORIGIN_GO_RAW : GM_ORIGIN_LIBC);
			if (st->madv_raw || cls == GM_CLS_GO_HEAP || cls == GM_CLS_GO_OTHER)
				r->released_free_go += st->madv_bytes[1];
		}
	}
	/* the Go heap's MADV_FREE'd pages still counted in RSS: LazyFree, at most what the runtime
	 * released with MADV_FREE (other code may MADV_FREE too; reused pages leave LazyFree) */
	r->go_heap_lazyfree = -1;
	if (have && r->lazyfree >= 0) {
		r->go_heap_lazyfree = r->lazyfree;
		if ((uint64_t)r->go_heap_lazyfree > r->released_free_go)
			r->go_heap_lazyfree = (int64_t)r->released_free_go;
	}
	r->retained_released_bytes = p->retained_bytes;
	r->retained_avg_s = p->retained_bytes ? (double)p->retained_byte_ns / 1e3 / (double)p->retained_bytes : 0;
	r->retained_max_s = (double)p->retained_max_ns / 1e9;
	/* residual anonymous memory: runtime metadata, stacks, the rest */
	if (have && s[GM_F_ANON] >= 0) {
		int64_t go_res = have_go ? (s[GM_F_GO_RESIDENT] >= 0 ? s[GM_F_GO_RESIDENT]
								     : s[GM_F_GO_INUSE] + s[GM_F_GO_FREE]) : 0;
		/* a window knows only the blocks allocated in it: glibc's count has the older ones too */
		int64_t c_live = p->window && r->c_heap_in_use > r->c_heap_live ? r->c_heap_in_use : r->c_heap_live;
		int64_t rest = s[GM_F_ANON] - c_live - (r->c_allocator_retained > 0 ? r->c_allocator_retained : 0) -
			       r->c_mmap - go_res;
		r->go_runtime_other = rest > 0 ? rest : 0;
	} else {
		r->go_runtime_other = -1;
	}
	/* leak suspects: C stacks holding live bytes, most of what they allocated still live,
	 * or growing at every sample and never shrinking */
	int win = m->opts.from > 0;
	free(r->suspects);
	r->suspects = calloc(p->nstacks ? p->nstacks : 1, sizeof *r->suspects);
	r->nsuspects = 0;
	r->suspects_bytes = 0;
	r->ntruncated = 0;
	r->truncated_bytes = 0;
	double suspects_est = 0, suspects_var = 0;
	for (uint32_t i = 0; r->suspects && i < p->nstacks; i++) {
		struct gm_rep_stack *st = &p->stacks[i];
		uint64_t live = win ? st->win_bytes : st->live_bytes;
		int blocks = live && st->allocs &&
			     (st->est_live_count * 2 >= st->est_allocs ||              /* mostly live */
			      (st->grow_ticks >= 2 && st->shrink_ticks == 0));         /* growing */
		/* live direct C mappings (see the mappings above): mostly still mapped, not glibc's own */
		int maps = (win ? st->map_win_bytes : st->map_bytes) && st->map_count * 2 >= st->mmaps &&
			   !gm_rep_in_libc(p, st);
		if (!maps)
			st->map_bytes = st->map_count = st->map_win_bytes = st->map_win_count = 0;
		if (!blocks && !maps)
			continue;
		if (gm_rep_classify(m, p, st, 0) == GM_CLS_TRACER || gm_rep_runtime_only(m, p, st)) {
			st->map_bytes = st->map_count = st->map_win_bytes = st->map_win_count = 0;
			continue;
		}
		r->suspects[r->nsuspects++] = i;
		if (gm_rep_stack_truncated(m, p, st)) {
			r->ntruncated++;
			r->truncated_bytes += gm_rep_suspect_bytes(st, win);
		}
		suspects_est += (blocks ? (win ? st->est_win_bytes : st->est_live_bytes) : 0) +
				(double)(win ? st->map_win_bytes : st->map_bytes);
		suspects_var += blocks ? (win ? st->est_win_var : st->est_live_var) : 0;
	}
	r->suspects_bytes = gm_rep_est(suspects_est);
	r->suspects_stderr = gm_rep_est(sqrt(suspects_var));
	gm_rep_warn_go_version(m, p);
	gm_rep_warn_go_heap_check(m, p);
	gm_rep_warn_stacks(m, p);
	gm_rep_sort_proc = p, gm_rep_sort_win = win;
	if (r->suspects)
		qsort(r->suspects, (size_t)r->nsuspects, sizeof *r->suspects, gm_rep_cmp_suspect);
	/* findings (thresholds: docs/report.md) */
	char buf[320];
	r->nfindings = 0;
	int64_t rss = r->rss > 0 ? r->rss : 0;
	if (r->suspects_bytes >= GM_MIB || (r->suspects_bytes >= 64 * 1024 && rss && r->suspects_bytes * 20 >= (uint64_t)rss)) {
		snprintf(buf, sizeof buf, "%s%.1f MiB of C memory allocated through cgo/C is still live in %d allocation stack%s "
			 "that do%s not free it (see leak suspects)", r->approximate ? "~" : "",
			 gm_rep_mib((int64_t)r->suspects_bytes), r->nsuspects, r->nsuspects == 1 ? "" : "s",
			 r->nsuspects == 1 ? "es" : "");
		gm_rep_add_finding(r, "cgo_leak", r->suspects_bytes, buf);
	}
	/* scavenger retention: free Go heap pages not released, plus those released with MADV_FREE
	 * and still counted in RSS as LazyFree */
	int64_t lazy = r->go_heap_lazyfree > 0 ? r->go_heap_lazyfree : 0;
	int64_t retained = r->go_heap_free_retained + lazy;
	if (r->go_heap_free_retained >= 0 &&
	    (retained >= 64 * (int64_t)GM_MIB || (retained >= 16 * (int64_t)GM_MIB && retained >= r->go_heap_in_use))) {
		if (lazy >= (int64_t)GM_MIB)
			snprintf(buf, sizeof buf, "%.1f MiB of Go heap is free but still counted in RSS (in use: %.1f MiB), "
				 "of which %.1f MiB released with MADV_FREE but still counted in RSS as LazyFree; "
				 "GODEBUG=madvdontneed=1 makes releases lower RSS at once; for the rest set GOMEMLIMIT "
				 "or call debug.FreeOSMemory", gm_rep_mib(retained), gm_rep_mib(r->go_heap_in_use), gm_rep_mib(lazy));
		else
			snprintf(buf, sizeof buf, "%.1f MiB of Go heap is free but still retained (not returned to the OS; "
				 "in use: %.1f MiB); the background scavenger returns it slowly: set GOMEMLIMIT or call "
				 "debug.FreeOSMemory", gm_rep_mib(r->go_heap_free_retained), gm_rep_mib(r->go_heap_in_use));
		gm_rep_add_finding(r, "scavenger_retention", (uint64_t)retained, buf);
	}
	if (r->go_inuse_first >= 0 && r->go_heap_in_use - r->go_inuse_first >= 32 * (int64_t)GM_MIB &&
	    r->go_heap_in_use >= r->go_inuse_first * 3 / 2) {
		uint64_t g = (uint64_t)(r->go_heap_in_use - r->go_inuse_first);
		snprintf(buf, sizeof buf, "the Go heap in use grew by %.1f MiB (%.1f -> %.1f MiB) over the trace; "
			 "use a Go heap profile (pprof) to see which Go code holds it", gm_rep_mib((int64_t)g),
			 gm_rep_mib(r->go_inuse_first), gm_rep_mib(r->go_heap_in_use));
		gm_rep_add_finding(r, "go_heap_growth", g, buf);
	}
	if (r->c_allocator_retained >= 16 * (int64_t)GM_MIB && r->c_allocator_retained >= r->c_heap_live) {
		snprintf(buf, sizeof buf, "glibc malloc holds %.1f MiB of freed memory (live C blocks: %.1f MiB); "
			 "try malloc_trim(0), MALLOC_ARENA_MAX=2 or MALLOC_TRIM_THRESHOLD_",
			 gm_rep_mib(r->c_allocator_retained), gm_rep_mib(r->c_heap_live));
		gm_rep_add_finding(r, "c_allocator_retention", (uint64_t)r->c_allocator_retained, buf);
	}
	/* the OOM killer of a container decides on the cgroup's memory, not on RSS */
	if (r->cg_peak > 0 && r->cg_peak_limit > 0 && r->cg_peak >= r->cg_peak_limit - r->cg_peak_limit / 10) {
		snprintf(buf, sizeof buf, "the process's cgroup came within %.0f %% of its memory limit (%.1f of %.1f MiB; "
			 "RSS %.1f MiB at the end%s): the OOM killer decides on the cgroup's memory, which also counts "
			 "page cache and kernel memory charged to it",
			 100.0 * (double)(r->cg_peak_limit - r->cg_peak) / (double)r->cg_peak_limit,
			 gm_rep_mib(r->cg_peak), gm_rep_mib(r->cg_peak_limit), gm_rep_mib(r->rss),
			 r->cg_procs > 1 ? "; the cgroup holds other processes too" : "");
		gm_rep_add_finding(r, "cgroup_near_limit", (uint64_t)r->cg_peak, buf);
	}
	qsort(r->findings, (size_t)r->nfindings, sizeof r->findings[0], gm_rep_cmp_finding);
}

/* ---- which processes ---- */
/* Whether p is the recorded program (record_pid) or one of its descendants (ppid chain). */
static int gm_rep_descends(struct gm_rep_model *m, const struct gm_rep_proc *p)
{
	for (int hops = 0; p && hops < 64; hops++) {
		if (p->vpid == m->record_pid)
			return 1;
		const struct gm_rep_proc *parent = NULL;
		for (const struct gm_rep_proc *q = m->procs; q && p->ppid >= 0; q = q->next)
			if (q->vpid == p->ppid && q != p)
				parent = q;
		p = parent;
	}
	return 0;
}

/* Mark the processes to report: all of --pid's (the input kept only those), else the
 * recorded program and its descendants when record_pid is known and seen, else all. The
 * others are listed in m->left_out. */
static void gm_rep_select(struct gm_rep_model *m)
{
	int any = 0;
	for (struct gm_rep_proc *p = m->procs; p; p = p->next)
		any |= p->nevents && m->record_pid >= 0 && m->opts.pid < 0 && gm_rep_descends(m, p);
	if (m->record_pid >= 0 && m->opts.pid < 0 && !any)
		gm_rep_model_warn(m, "the recorded program's pid (gomemtrace-record.txt) has no events in the "
				     "trace: reporting every process");
	free(m->left_out);
	m->left_out = NULL;
	size_t len = 0;
	for (struct gm_rep_proc *p = m->procs; p; p = p->next) {
		p->selected = !any || gm_rep_descends(m, p);
		if (p->selected || !p->nevents)
			continue;
		char item[96];
		int n = snprintf(item, sizeof item, "%s%" PRId64 " (%s)", len ? ", " : "", p->vpid,
				 p->procname ? p->procname : "?");
		char *nl = realloc(m->left_out, len + (size_t)n + 1);
		if (!nl)
			break;
		memcpy(nl + len, item, (size_t)n + 1);
		m->left_out = nl, len += (size_t)n;
	}
}

/* A process whose module list lacks its executable: lttng-ust's statedump writes no module at
 * all when it cannot read one (an executable without section headers stops it at the first).
 * A fixed-address executable (Go's default) is added at its link addresses, so that its Go
 * frames symbolize and the runtime's own mappings are told from C's; a PIE stays raw. */
static void gm_rep_exe_fallback(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	if (!p->exe || !*p->exe)
		return;
	for (size_t i = 0; i < gm_modmap_count(p->mods); i++)
		if (!strcmp(gm_modmap_at(p->mods, i)->path, p->exe))
			return;
	struct gm_elf_image img;
	char msg[512];
	if (gm_elf_open(&img, p->exe) != 0)
		return; /* gone or unreadable: the symbolizer warns for the modules it has */
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < img.phnum; i++)
		if (img.ph[i].p_type == PT_LOAD) {
			lo = img.ph[i].p_vaddr < lo ? img.ph[i].p_vaddr : lo;
			if (img.ph[i].p_vaddr + img.ph[i].p_memsz > hi)
				hi = img.ph[i].p_vaddr + img.ph[i].p_memsz;
		}
	bool pie = gm_elf_is_pie(&img);
	gm_elf_close(&img);
	if (pie || lo >= hi) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": the trace has no module list entry for %s (a position-"
			 "independent executable): its frames stay raw addresses", p->vpid, p->exe);
	} else {
		gm_modmap_add(p->mods, lo, hi - lo, p->exe, false);
		snprintf(msg, sizeof msg, "pid %" PRId64 ": the trace has no module list entry for %s (lttng-ust "
			 "writes none when it cannot read an executable, e.g. one without section headers): its "
			 "frames are symbolized at the file's link addresses", p->vpid, p->exe);
	}
	gm_rep_model_warn(m, msg);
}

void gm_rep_analyze(struct gm_rep_model *m)
{
	for (struct gm_rep_proc *p = m->procs; p; p = p->next)
		gm_rep_ops_finish(m, p);
	gm_rep_select(m);
	for (struct gm_rep_proc *p = m->procs; p; p = p->next) {
		if (!p->selected)
			continue;
		gm_rep_exe_fallback(m, p);
		gm_rep_analyze_proc(m, p);
		/* symbolize the suspects shown now, so that their warnings are collected */
		for (int i = 0; i < p->res.nsuspects && i < m->opts.top; i++) {
			const struct gm_rep_stack *st = &p->stacks[p->res.suspects[i]];
			for (uint32_t k = 0; k < st->depth; k++)
				gm_rep_symbolize(m, p, gm_rep_stack_frames(p, st)[k]);
		}
	}
	gm_rep_collect_sym_warnings(m);
	if (m->oom)
		gm_rep_model_warn(m, "out of memory while reading: figures are incomplete");
}
