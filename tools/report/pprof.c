/* pprof.c: a heap profile in profile.proto (github.com/google/pprof/proto/profile.proto),
 * encoded by hand (see pprof.h). Strings, functions, mappings and locations are deduplicated
 * through one small open-addressing map of (u64, u64) keys; samples with the same location
 * list are summed. The protobuf is built in memory, then written in one go. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/report/pprof.h"

/* ---- key map ---- */

/* One entry of a map from a pair of u64 to a u64. */
struct gm_pp_slot {
	uint64_t a, b;  /* the key */
	uint64_t val;   /* the value, 0 for an empty slot (ids and indexes stored + 1) */
};

/* An open-addressing map. Reader thread only. */
struct gm_pp_map {
	struct gm_pp_slot *slots; /* the table */
	size_t cap;               /* its capacity, a power of two */
	size_t n;                 /* filled slots */
};

static uint64_t gm_pp_mix(uint64_t a, uint64_t b)
{
	uint64_t x = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL);
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return x;
}

/* The slot of key (a, b): its own, or the empty one where it would go. NULL on no memory. */
static struct gm_pp_slot *gm_pp_map_slot(struct gm_pp_map *m, uint64_t a, uint64_t b)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 1024;
		struct gm_pp_slot *ns = calloc(ncap, sizeof *ns);
		if (!ns)
			return NULL;
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->slots[i].val)
				continue;
			size_t j = gm_pp_mix(m->slots[i].a, m->slots[i].b) & (ncap - 1);
			while (ns[j].val)
				j = (j + 1) & (ncap - 1);
			ns[j] = m->slots[i];
		}
		free(m->slots);
		m->slots = ns;
		m->cap = ncap;
	}
	size_t i = gm_pp_mix(a, b) & (m->cap - 1);
	while (m->slots[i].val && (m->slots[i].a != a || m->slots[i].b != b))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

/* ---- byte buffers and protobuf encoding ---- */

/* A growable byte buffer. */
struct gm_pp_buf {
	uint8_t *p;   /* bytes */
	size_t n;     /* used */
	size_t cap;   /* allocated */
	bool failed;  /* an allocation failed: the content is incomplete */
};

static void gm_pp_put(struct gm_pp_buf *b, const void *src, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 256;
		while (ncap < b->n + n)
			ncap *= 2;
		uint8_t *np = realloc(b->p, ncap);
		if (!np) {
			b->failed = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	if (n) /* an empty field may come with src NULL (memcpy's arguments must not be) */
		memcpy(b->p + b->n, src, n);
	b->n += n;
}

static void gm_pp_varint(struct gm_pp_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;
	do {
		tmp[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	gm_pp_put(b, tmp, n);
}

/* A varint field (wire type 0); zero values are omitted, as proto3 does. */
static void gm_pp_field_u64(struct gm_pp_buf *b, unsigned field, uint64_t v)
{
	if (!v)
		return;
	gm_pp_varint(b, (uint64_t)field << 3);
	gm_pp_varint(b, v);
}

/* A length-delimited field (wire type 2). */
static void gm_pp_field_bytes(struct gm_pp_buf *b, unsigned field, const void *p, size_t n)
{
	gm_pp_varint(b, (uint64_t)field << 3 | 2);
	gm_pp_varint(b, n);
	gm_pp_put(b, p, n);
}

/* A packed repeated varint field. */
static void gm_pp_field_packed(struct gm_pp_buf *b, struct gm_pp_buf *tmp, unsigned field,
			       const uint64_t *v, size_t n)
{
	if (!n)
		return;
	tmp->n = 0;
	for (size_t i = 0; i < n; i++)
		gm_pp_varint(tmp, v[i]);
	gm_pp_field_bytes(b, field, tmp->p, tmp->n);
	b->failed |= tmp->failed;
}

/* ---- types ---- */

/* One sample. */
struct gm_pp_sample {
	uint64_t *locs;                   /* location ids, innermost first */
	size_t nlocs;                     /* their number */
	int64_t v[GM_PPROF_NVALUES];      /* summed values */
};

/* The profile being built. Reader thread only. */
struct gm_pprof {
	struct gm_sym *sym;           /* symbolizer (not owned) */
	int64_t time_ns;              /* profile time, 0 unset */
	int64_t duration_ns;          /* duration, 0 unset */
	/* string table */
	char **strs;                  /* strings by index; strs[0] = "" */
	size_t nstrs, capstrs;        /* used and allocated */
	struct gm_pp_map strmap;      /* (hash, 0) -> index + 1 (chained by probing on equality below) */
	/* functions: (name idx, file idx) -> id; records kept in the encoded buffer */
	struct gm_pp_map funcmap;     /* (name, file) -> id */
	struct gm_pp_buf funcs;       /* encoded Function messages (field 5 of Profile) */
	uint64_t nfuncs;              /* last id */
	/* mappings: (path idx, build id idx) -> id */
	struct gm_pp_map mapmap;      /* (path, build id) -> id */
	struct gm_pp_buf maps;        /* encoded Mapping messages (field 3) */
	uint64_t nmaps;               /* last id */
	/* locations: (frames pointer or root string idx, kind) -> id */
	struct gm_pp_map locmap;      /* key -> id */
	struct gm_pp_buf locs;        /* encoded Location messages (field 4) */
	uint64_t nlocs;               /* last id */
	/* samples */
	struct gm_pp_sample *samples; /* distinct stacks */
	size_t nsamples, capsamples;  /* used and allocated */
	struct gm_pp_map samplemap;   /* (hash of locs, probe) -> index + 1 */
	struct gm_pp_buf tmp, tmp2;   /* scratch for nested messages */
	uint64_t *stackbuf;           /* scratch location ids */
	size_t capstack;              /* its capacity */
};

/* ---- strings ---- */

static uint64_t gm_pp_strhash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

/* Index of s in the string table (added if new); 0 ("") on no memory or NULL. */
static uint64_t gm_pp_str(struct gm_pprof *p, const char *s)
{
	if (!s || !*s)
		return 0;
	uint64_t h = gm_pp_strhash(s);
	/* Probe (h, k) for k = 0, 1, ... until the string or a free key is found. */
	for (uint64_t k = 0;; k++) {
		struct gm_pp_slot *sl = gm_pp_map_slot(&p->strmap, h, k);
		if (!sl)
			return 0;
		if (sl->val) {
			if (!strcmp(p->strs[sl->val - 1], s))
				return sl->val - 1;
			continue;
		}
		if (p->nstrs == p->capstrs) {
			size_t ncap = p->capstrs * 2;
			char **ns = realloc(p->strs, ncap * sizeof *ns);
			if (!ns)
				return 0;
			p->strs = ns;
			p->capstrs = ncap;
		}
		char *copy = strdup(s);
		if (!copy)
			return 0;
		p->strs[p->nstrs] = copy;
		sl->a = h;
		sl->b = k;
		sl->val = ++p->nstrs;
		p->strmap.n++;
		return sl->val - 1;
	}
}

/* ---- lifetime ---- */

struct gm_pprof *gm_pprof_new(struct gm_sym *s)
{
	struct gm_pprof *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->sym = s;
	p->capstrs = 64;
	p->strs = calloc(p->capstrs, sizeof *p->strs);
	if (!p->strs || !(p->strs[0] = strdup(""))) {
		free(p->strs);
		free(p);
		return NULL;
	}
	p->nstrs = 1;
	return p;
}

void gm_pprof_free(struct gm_pprof *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nstrs; i++)
		free(p->strs[i]);
	free(p->strs);
	for (size_t i = 0; i < p->nsamples; i++)
		free(p->samples[i].locs);
	free(p->samples);
	free(p->strmap.slots);
	free(p->funcmap.slots);
	free(p->mapmap.slots);
	free(p->locmap.slots);
	free(p->samplemap.slots);
	free(p->funcs.p);
	free(p->maps.p);
	free(p->locs.p);
	free(p->tmp.p);
	free(p->tmp2.p);
	free(p->stackbuf);
	free(p);
}

void gm_pprof_set_time(struct gm_pprof *p, int64_t time_ns, int64_t duration_ns)
{
	p->time_ns = time_ns;
	p->duration_ns = duration_ns;
}

/* ---- building ---- */

/* Function id of (name, file). 0 on no memory. */
static uint64_t gm_pp_function(struct gm_pprof *p, const char *name, const char *file)
{
	uint64_t n = gm_pp_str(p, name), f = gm_pp_str(p, file);
	struct gm_pp_slot *sl = gm_pp_map_slot(&p->funcmap, n, f);
	if (!sl)
		return 0;
	if (sl->val)
		return sl->val;
	uint64_t id = ++p->nfuncs;
	struct gm_pp_buf *t = &p->tmp;
	t->n = 0;
	gm_pp_field_u64(t, 1, id);
	gm_pp_field_u64(t, 2, n);
	gm_pp_field_u64(t, 3, n);
	gm_pp_field_u64(t, 4, f);
	gm_pp_field_bytes(&p->funcs, 5, t->p, t->n);
	p->funcs.failed |= t->failed;
	sl->a = n;
	sl->b = f;
	sl->val = id;
	p->funcmap.n++;
	return id;
}

/* Mapping id of a module. 0 on no memory. */
static uint64_t gm_pp_mapping(struct gm_pprof *p, const struct gm_module *mod)
{
	char hex[2 * GM_BUILD_ID_MAX + 1];
	for (size_t i = 0; i < mod->build_id_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", mod->build_id[i]);
	hex[2 * mod->build_id_len] = '\0';
	uint64_t path = gm_pp_str(p, mod->path), bid = gm_pp_str(p, hex);
	struct gm_pp_slot *sl = gm_pp_map_slot(&p->mapmap, path, bid);
	if (!sl)
		return 0;
	if (sl->val)
		return sl->val;
	uint64_t id = ++p->nmaps;
	struct gm_pp_buf *t = &p->tmp;
	t->n = 0;
	gm_pp_field_u64(t, 1, id);
	gm_pp_field_u64(t, 2, mod->baddr);
	gm_pp_field_u64(t, 3, mod->baddr + mod->memsz);
	gm_pp_field_u64(t, 5, path);
	gm_pp_field_u64(t, 6, bid);
	/* Symbolized here already: pprof must not try again (has_functions, filenames, lines,
	 * inline frames). */
	gm_pp_field_u64(t, 7, 1);
	gm_pp_field_u64(t, 8, 1);
	gm_pp_field_u64(t, 9, 1);
	gm_pp_field_u64(t, 10, 1);
	gm_pp_field_bytes(&p->maps, 3, t->p, t->n);
	p->maps.failed |= t->failed;
	sl->a = path;
	sl->b = bid;
	sl->val = id;
	p->mapmap.n++;
	return id;
}

/* Encode a Location with the given lines (function ids, line numbers; innermost first). */
static uint64_t gm_pp_location_emit(struct gm_pprof *p, struct gm_pp_slot *sl, uint64_t mapping,
				    uint64_t addr, const uint64_t *fids, const int64_t *lines, unsigned n)
{
	uint64_t id = ++p->nlocs;
	struct gm_pp_buf *t = &p->tmp, *l = &p->tmp2;
	t->n = 0;
	gm_pp_field_u64(t, 1, id);
	gm_pp_field_u64(t, 2, mapping);
	gm_pp_field_u64(t, 3, addr);
	for (unsigned i = 0; i < n; i++) {
		l->n = 0;
		gm_pp_field_u64(l, 1, fids[i]);
		gm_pp_field_u64(l, 2, (uint64_t)lines[i]);
		gm_pp_field_bytes(t, 4, l->p, l->n);
		t->failed |= l->failed;
	}
	gm_pp_field_bytes(&p->locs, 4, t->p, t->n);
	p->locs.failed |= t->failed;
	sl->val = id;
	p->locmap.n++;
	return id;
}

/* Location id of a recorded return address. 0 on no memory. */
static uint64_t gm_pp_location(struct gm_pprof *p, const struct gm_modmap *m, uint64_t addr,
				bool is_return)
{
	const struct gm_module *mod = m ? gm_modmap_find(m, addr, NULL) : NULL;
	struct gm_sym_result r = gm_sym_lookup_module(p->sym, mod, addr, is_return);
	/* The cached frames are unique per (file, address): they identify the location. */
	struct gm_pp_slot *sl = gm_pp_map_slot(&p->locmap, (uint64_t)(uintptr_t)r.frames, 1);
	if (!sl)
		return 0;
	if (sl->val)
		return sl->val;
	sl->a = (uint64_t)(uintptr_t)r.frames;
	sl->b = 1;
	uint64_t fids[32];
	int64_t lines[32];
	unsigned n = r.n < 32 ? r.n : 32;
	for (unsigned i = 0; i < n; i++) {
		const struct gm_sym_frame *f = &r.frames[i];
		char raw[512];
		const char *name = f->func ? f->func : gm_sym_format(f, raw, sizeof raw);
		fids[i] = gm_pp_function(p, name, f->file);
		lines[i] = f->line;
	}
	uint64_t mapping = mod ? gm_pp_mapping(p, mod) : 0;
	return gm_pp_location_emit(p, sl, mapping, addr, fids, lines, n);
}

/* Location id of a root pseudo-frame. 0 on no memory. */
static uint64_t gm_pp_root(struct gm_pprof *p, const char *root)
{
	uint64_t s = gm_pp_str(p, root);
	struct gm_pp_slot *sl = gm_pp_map_slot(&p->locmap, s, 2);
	if (!sl)
		return 0;
	if (sl->val)
		return sl->val;
	sl->a = s;
	sl->b = 2;
	uint64_t fid = gm_pp_function(p, root, NULL);
	int64_t line = 0;
	return gm_pp_location_emit(p, sl, 0, 0, &fid, &line, 1);
}

int gm_pprof_add(struct gm_pprof *p, const struct gm_modmap *m, const uint64_t *stack,
		 unsigned depth, bool first_is_pc, const int64_t values[GM_PPROF_NVALUES],
		 const char *root)
{
	size_t need = (size_t)depth + 1;
	if (need > p->capstack) {
		uint64_t *nb = realloc(p->stackbuf, need * sizeof *nb);
		if (!nb)
			return -1;
		p->stackbuf = nb;
		p->capstack = need;
	}
	size_t n = 0;
	for (unsigned i = 0; i < depth; i++) {
		uint64_t id = gm_pp_location(p, m, stack[i], i > 0 || !first_is_pc);
		if (!id)
			return -1;
		p->stackbuf[n++] = id;
	}
	if (root) {
		uint64_t id = gm_pp_root(p, root);
		if (!id)
			return -1;
		p->stackbuf[n++] = id;
	}
	/* The sample with this location list, or a new one. */
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = gm_pp_mix(h, p->stackbuf[i]);
	struct gm_pp_slot *sl;
	uint64_t k;
	for (k = 0;; k++) {
		sl = gm_pp_map_slot(&p->samplemap, h, k);
		if (!sl)
			return -1;
		if (!sl->val)
			break;
		struct gm_pp_sample *s = &p->samples[sl->val - 1];
		if (s->nlocs == n && !memcmp(s->locs, p->stackbuf, n * sizeof *s->locs)) {
			for (int v = 0; v < GM_PPROF_NVALUES; v++)
				s->v[v] += values[v];
			return 0;
		}
	}
	if (p->nsamples == p->capsamples) {
		size_t ncap = p->capsamples ? p->capsamples * 2 : 256;
		struct gm_pp_sample *ns = realloc(p->samples, ncap * sizeof *ns);
		if (!ns)
			return -1;
		p->samples = ns;
		p->capsamples = ncap;
	}
	struct gm_pp_sample *s = &p->samples[p->nsamples];
	s->locs = malloc((n ? n : 1) * sizeof *s->locs);
	if (!s->locs)
		return -1;
	memcpy(s->locs, p->stackbuf, n * sizeof *s->locs);
	s->nlocs = n;
	memcpy(s->v, values, sizeof s->v);
	sl->a = h;
	sl->b = k;
	sl->val = ++p->nsamples;
	p->samplemap.n++;
	return 0;
}

/* ---- output ---- */

/* A ValueType message as field `field`. */
static void gm_pp_value_type(struct gm_pprof *p, struct gm_pp_buf *out, unsigned field,
			     const char *type, const char *unit)
{
	struct gm_pp_buf *t = &p->tmp;
	t->n = 0;
	gm_pp_field_u64(t, 1, gm_pp_str(p, type));
	gm_pp_field_u64(t, 2, gm_pp_str(p, unit));
	gm_pp_field_bytes(out, field, t->p, t->n);
	out->failed |= t->failed;
}

int gm_pprof_write(struct gm_pprof *p, FILE *out)
{
	static const char *const types[GM_PPROF_NVALUES][2] = {
		{ "alloc_objects", "count" },
		{ "alloc_space", "bytes" },
		{ "inuse_objects", "count" },
		{ "inuse_space", "bytes" },
	};
	struct gm_pp_buf b = { 0 };
	for (int i = 0; i < GM_PPROF_NVALUES; i++)
		gm_pp_value_type(p, &b, 1, types[i][0], types[i][1]);
	for (size_t i = 0; i < p->nsamples; i++) {
		struct gm_pp_sample *s = &p->samples[i];
		struct gm_pp_buf *t = &p->tmp2;
		t->n = 0;
		gm_pp_field_packed(t, &p->tmp, 1, s->locs, s->nlocs);
		uint64_t v[GM_PPROF_NVALUES];
		for (int k = 0; k < GM_PPROF_NVALUES; k++)
			v[k] = (uint64_t)s->v[k];
		gm_pp_field_packed(t, &p->tmp, 2, v, GM_PPROF_NVALUES);
		gm_pp_field_bytes(&b, 2, t->p, t->n);
		b.failed |= t->failed;
	}
	gm_pp_put(&b, p->maps.p, p->maps.n);
	gm_pp_put(&b, p->locs.p, p->locs.n);
	gm_pp_put(&b, p->funcs.p, p->funcs.n);
	/* Everything that names a string has run: the table is complete except for the
	 * period type and default sample type, interned first. */
	uint64_t space = gm_pp_str(p, "space"), bytes = gm_pp_str(p, "bytes");
	uint64_t deflt = gm_pp_str(p, "inuse_space");
	for (size_t i = 0; i < p->nstrs; i++)
		gm_pp_field_bytes(&b, 6, p->strs[i], strlen(p->strs[i]));
	gm_pp_field_u64(&b, 9, (uint64_t)p->time_ns);
	gm_pp_field_u64(&b, 10, (uint64_t)p->duration_ns);
	{
		struct gm_pp_buf *t = &p->tmp;
		t->n = 0;
		gm_pp_field_u64(t, 1, space);
		gm_pp_field_u64(t, 2, bytes);
		gm_pp_field_bytes(&b, 11, t->p, t->n);
	}
	gm_pp_field_u64(&b, 14, deflt);
	bool failed = b.failed || p->funcs.failed || p->maps.failed || p->locs.failed;
	int rc = -1;
	if (!failed && fwrite(b.p, 1, b.n, out) == b.n && fflush(out) == 0)
		rc = 0;
	if (failed)
		errno = ENOMEM;
	free(b.p);
	return rc;
}

int gm_pprof_write_file(struct gm_pprof *p, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int rc = gm_pprof_write(p, f);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}
