/* model.c: the model's state: decoded events applied to each process (live blocks, stacks,
 * mappings, Go heap chunks, samples, module map), the event callback. Batched processes'
 * C-heap operations wait in order.c's queue; analyze.c turns the state into figures. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elf_image.h"
#include "gomemtrace/schema.h"
#include "tools/report/model_int.h"


/* ---- helpers ---- */
uint64_t gm_rep_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

int gm_rep_grow(void **p, uint64_t *cap, uint64_t need, size_t elem, struct gm_rep_model *m)
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
	free(p->maps), free(p->chunks), free(p->res.suspects), free(p->res.waiting), free(p->ops);
	gm_modmap_free(p->mods);
	gm_rep_tl_free(p->tl);
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
	p->tracer_last = p->tracer_peak = -1;
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
struct gm_rep_proc *gm_rep_proc_find(struct gm_rep_model *m, int64_t vpid)
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
uint32_t gm_rep_stack_intern(struct gm_rep_model *m, struct gm_rep_proc *p, const uint64_t *fr, uint32_t depth)
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


uint32_t gm_rep_ev_stack(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
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
	double wb = p->sample_bytes ? gm_rep_weight(p, b->size) * (double)b->size : (double)b->size;
	if (p->sample_bytes) /* the timeline's weighted figures */
		st->tl_live -= wb, p->tl_live -= wb;
	if (st->fin_frees[0] + st->fin_frees[1])
		p->fin_live -= wb;
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
	double wb = p->sample_bytes ? gm_rep_weight(p, size) * (double)size : (double)size;
	if (p->sample_bytes)
		st->tl_live += wb, p->tl_live += wb;
	if (st->fin_frees[0] + st->fin_frees[1])
		p->fin_live += wb;
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

void gm_rep_free(struct gm_rep_proc *p, uint64_t ptr, int freer)
{
	int fin = freer == GM_FREER_FINALIZER || freer == GM_FREER_CLEANUP, first = 0;
	if (fin) { /* the backlog as this free begins: a new stack's live bytes join fin_live */
		struct gm_rep_block *blk = gm_rep_block_find(p, ptr);
		struct gm_rep_stack *s0 = blk ? &p->stacks[blk->stack] : NULL;
		if (s0 && !(s0->fin_frees[0] + s0->fin_frees[1])) {
			p->fin_live += p->sample_bytes ? s0->tl_live : (double)s0->live_bytes;
			first = 1; /* block_take below does not count this block out yet */
		}
		if (p->fin_live > p->fin_peak)
			p->fin_peak = p->fin_live;
	}
	struct gm_rep_block b;
	if (gm_rep_block_take(p, ptr, &b) != 0) {
		p->unknown_frees++;
		return;
	}
	struct gm_rep_stack *st = &p->stacks[b.stack];
	st->frees++;
	if (fin) {
		if (first)
			p->fin_live -= p->sample_bytes ? gm_rep_weight(p, b.size) * (double)b.size : (double)b.size;
		st->fin_frees[freer - 1]++;
		st->fin_bytes[freer - 1] += gm_rep_weight(p, b.size) * (double)b.size;
		p->fin_frees++;
	}
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
			gm_rep_free(p, in, GM_FREER_OTHER); /* realloc(p, 0) */
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

/* Whether mapping mp counts in its stack's map_live: anonymous, readable or writable, made
 * through libc (the timeline's direct C mappings, once the analysis knows the stack is C). */
static int gm_rep_map_counts(const struct gm_rep_proc *p, const struct gm_rep_map *mp)
{
	return mp->fd < 0 && (mp->prot & 3) && mp->origin == GM_ORIGIN_LIBC && mp->stack < p->nstacks;
}

/* Add (sign 1) or take away (-1) bytes of mapping mp from its stack's map_live. */
static void gm_rep_map_count(struct gm_rep_proc *p, const struct gm_rep_map *mp, uint64_t bytes, int sign)
{
	if (gm_rep_map_counts(p, mp))
		p->stacks[mp->stack].map_live += sign > 0 ? bytes : (uint64_t)0 - bytes;
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
			gm_rep_map_count(p, mp, b - a, -1);
			mp[0].end = a;
			mp[1].start = b;
			return;
		}
		if (mp->start < a) {
			gm_rep_map_count(p, mp, mp->end - a, -1);
			mp->end = a;
			i++;
		} else if (mp->end > b) {
			gm_rep_map_count(p, mp, b - mp->start, -1);
			mp->start = b;
			return;
		} else {
			gm_rep_map_count(p, mp, mp->end - mp->start, -1);
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
	gm_rep_map_count(p, &nm, nm.end - nm.start, 1);
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
static void gm_rep_sample(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	struct gm_rep_sample s = { 1, ev->ts, ev->ts, (int)ev->v[GM_F_KIND], { 0 } };
	memcpy(s.v, ev->v, sizeof s.v);
	memcpy(s.has, ev->has, sizeof s.has);
	if (ev->v[GM_F_GO_READ_NS] > 0 && ev->cycles_ok)
		s.go_ts = (uint64_t)(ev->v[GM_F_GO_READ_NS] + ev->cycles_off);
	if (s.kind == GM_SAMPLE_REQUESTED)
		p->checkpoint = s, p->ncheckpoints++;
	/* the first sample, or the first with the Go heap's page states (a baseline taken before
	 * the Go runtime set up its heap has none) */
	int s_go = s.v[GM_F_GO_SOURCE] > 0 && s.v[GM_F_GO_INUSE] >= 0;
	if (!p->first.valid || (s_go && !(p->first.v[GM_F_GO_SOURCE] > 0 && p->first.v[GM_F_GO_INUSE] >= 0)))
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
	if (ev->has[GM_F_TRACER_RESIDENT]) {
		p->tracer_last = s.v[GM_F_TRACER_RESIDENT];
		if (p->tracer_last > p->tracer_peak)
			p->tracer_peak = p->tracer_last;
	}
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
	gm_rep_tl_sample(m, p, &s);
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
void gm_rep_c_event(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
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
			gm_rep_free(p, (uint64_t)v[GM_F_PTR], ev->has[GM_F_FREER] ? (int)v[GM_F_FREER] : GM_FREER_OTHER);
		break;
	default:
		break;
	}
}

/* A time in the tracer's clock cycles (batch records, flush upto) -> ns from origin. A clock
 * that is not 1 GHz (or no clock): the event's own time stands for it, and a warning says so. */
uint64_t gm_rep_cycles_ns(struct gm_rep_model *m, const struct gm_rep_ev *ev, uint64_t cycles)
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
struct gm_rep_sid *gm_rep_sid_slot(struct gm_rep_model *m, uint64_t id)
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
		gm_rep_sample(m, p, ev);
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
