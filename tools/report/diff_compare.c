/* diff_compare.c: the heart of `gomemtrace diff`: the checks and their default thresholds
 * (docs/diff.md, "Thresholds", with the measurement they come from), the verdict on one
 * figure (beyond the absolute threshold, the relative one and k standard errors of the
 * difference), the matching key of a stack (its symbolized frames, innermost first, as function
 * and source file name, without what differs between two builds of the same code), and the
 * comparison of two analyzed processes: categories, findings, stacks. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tools/report/diff.h"

/* ---- checks ---- */
/* One check: its name and defaults (docs/diff.md, "Thresholds"). */
struct gm_diff_check_def {
	const char *name;                /* for --gate, --threshold-*, the outputs */
	int64_t bytes;                   /* default absolute threshold */
	double pct;                      /* default relative threshold (% of BASE) */
	int gate;                        /* gates by default */
};

#define GM_DIFF_MIB ((int64_t)1 << 20)
static const struct gm_diff_check_def gm_diff_defs[GM_DIFF_NCHECKS] = {
	[GM_DIFF_RSS] = { "rss", 8 * GM_DIFF_MIB, 20, 1 },
	[GM_DIFF_RSS_PEAK] = { "rss_peak", 8 * GM_DIFF_MIB, 10, 0 },
	[GM_DIFF_C_HEAP_LIVE] = { "c_heap_live", GM_DIFF_MIB, 5, 1 },
	[GM_DIFF_C_ALLOCATOR_RETAINED] = { "c_allocator_retained", 4 * GM_DIFF_MIB, 25, 0 },
	[GM_DIFF_C_MMAP] = { "c_mmap", GM_DIFF_MIB, 5, 1 },
	[GM_DIFF_GO_HEAP_IN_USE] = { "go_heap_in_use", 8 * GM_DIFF_MIB, 50, 0 },
	[GM_DIFF_GO_HEAP_FREE_RETAINED] = { "go_heap_free_retained", 32 * GM_DIFF_MIB, 25, 0 },
	[GM_DIFF_GO_HEAP_RELEASED] = { "go_heap_released", 64 * GM_DIFF_MIB, 100, 0 },
	[GM_DIFF_GO_HEAP_RESIDENT] = { "go_heap_resident", 32 * GM_DIFF_MIB, 25, 0 },
	[GM_DIFF_GO_HEAP_OBJECTS] = { "go_heap_objects", 8 * GM_DIFF_MIB, 50, 0 },
	[GM_DIFF_GO_HEAP_UNUSED] = { "go_heap_unused", 8 * GM_DIFF_MIB, 50, 0 },
	[GM_DIFF_GO_RUNTIME_OTHER] = { "go_runtime_other", 4 * GM_DIFF_MIB, 25, 0 },
	[GM_DIFF_FILE] = { "file", 8 * GM_DIFF_MIB, 10, 0 },
	[GM_DIFF_SHMEM] = { "shmem", 8 * GM_DIFF_MIB, 10, 0 },
	[GM_DIFF_LAZYFREE] = { "lazyfree", 32 * GM_DIFF_MIB, 25, 0 },
	[GM_DIFF_CGROUP] = { "cgroup", 64 * GM_DIFF_MIB, 25, 0 },
	[GM_DIFF_CGROUP_PEAK] = { "cgroup_peak", 64 * GM_DIFF_MIB, 25, 0 },
	[GM_DIFF_LEAK_SUSPECTS] = { "leak_suspects", GM_DIFF_MIB, 5, 1 },
	[GM_DIFF_STACKS] = { "stacks", GM_DIFF_MIB, 5, 1 },
	[GM_DIFF_FINDINGS] = { "findings", GM_DIFF_MIB, 10, 1 },
};

void gm_diff_opts_default(struct gm_diff_opts *o)
{
	memset(o, 0, sizeof *o);
	for (int c = 0; c < GM_DIFF_NCHECKS; c++) {
		o->lim[c].bytes = gm_diff_defs[c].bytes;
		o->lim[c].pct = gm_diff_defs[c].pct;
		if (gm_diff_defs[c].gate)
			o->gate |= 1u << c;
	}
	o->k = 4;
	o->top = 10;
}

const char *gm_diff_check_name(int c)
{
	return c >= 0 && c < GM_DIFF_NCHECKS ? gm_diff_defs[c].name : "?";
}

int gm_diff_check_find(const char *name, size_t len)
{
	for (int c = 0; c < GM_DIFF_NCHECKS; c++)
		if (strlen(gm_diff_defs[c].name) == len && !strncmp(gm_diff_defs[c].name, name, len))
			return c;
	return -1;
}

/* ---- verdicts ---- */
const char *gm_diff_verdict_name(enum gm_diff_verdict v)
{
	static const char *const names[] = { "unknown", "within", "grew", "shrank" };
	return (unsigned)v < 4 ? names[v] : "?";
}

enum gm_diff_verdict gm_diff_judge(struct gm_diff_fig *f, const struct gm_diff_limit *lim, double k)
{
	f->delta = 0;
	f->bound = 0;
	f->regression = 0;
	if (f->base < 0 || f->new < 0)
		return f->verdict = GM_DIFF_UNKNOWN;
	f->delta = f->new - f->base;
	/* the standard error of a difference of two independent estimates */
	double se = sqrt((double)f->se_base * (double)f->se_base + (double)f->se_new * (double)f->se_new);
	double b = (double)(lim->bytes > 0 ? lim->bytes : 0);
	double rel = lim->pct > 0 ? lim->pct / 100.0 * (double)f->base : 0;
	if (rel > b)
		b = rel;
	if (k * se > b)
		b = k * se;
	f->bound = b >= 0x1p62 ? INT64_MAX / 2 : (int64_t)ceil(b);
	if (f->delta > f->bound)
		return f->verdict = GM_DIFF_GREW;
	if (-f->delta > f->bound)
		return f->verdict = GM_DIFF_SHRANK;
	return f->verdict = GM_DIFF_WITHIN;
}

/* ---- the matching key ---- */
void gm_diff_buf_add(struct gm_diff_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 256;
		while (ncap < b->n + n + 1)
			ncap *= 2;
		char *ns = realloc(b->s, ncap);
		if (!ns) {
			b->failed = 1;
			return;
		}
		b->s = ns, b->cap = ncap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static const char *gm_diff_base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path ? path : "";
}

/* Whether f is a frame of Go code (Go source or Go assembly): gcc's suffixes are not stripped. */
static int gm_diff_is_go(const struct gm_sym_frame *f)
{
	size_t n = f->file ? strlen(f->file) : 0;
	return (n > 3 && !strcmp(f->file + n - 3, ".go")) || (n > 2 && !strcmp(f->file + n - 2, ".s"));
}

static int gm_diff_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

void gm_diff_func_norm(const struct gm_sym_frame *f, char *out, size_t size)
{
	/* cgo names its C wrappers _cgo_<12 hex digits>_Cfunc_x (and exported Go functions
	 * _cgoexp_<12 hex>_x), the digits a hash of the package's cgo input that changes with any
	 * edit of those files (and with the Go version) */
	static const char *const cgo[] = { "_cgo_", "_cgoexp_" };
	/* gcc's (and clang's) names of a function's clones and split parts: not C identifiers */
	static const char *const clones[] = { ".constprop", ".isra", ".part", ".cold", ".lto_priv", ".localalias",
					      ".llvm.", NULL };
	const char *s = f->func ? f->func : "";
	size_t o = 0;
	if (!size)
		return;
	while (*s && o + 1 < size) {
		int skipped = 0;
		for (int c = 0; c < 2 && !skipped; c++) {
			size_t pl = strlen(cgo[c]);
			if (strncmp(s, cgo[c], pl) != 0)
				continue;
			size_t h = 0;
			while (h < 12 && gm_diff_is_hex(s[pl + h]))
				h++;
			if (h == 12 && s[pl + 12] == '_') {
				size_t w = pl < size - 1 - o ? pl : size - 1 - o;
				memcpy(out + o, s, w);
				o += w;
				s += pl + 13;
				skipped = 1;
			}
		}
		if (!skipped)
			out[o++] = *s++;
	}
	out[o] = '\0';
	/* an assembly function's ELF symbol (when only .symtab named it) */
	if (o > 5 && !strcmp(out + o - 5, ".abi0"))
		out[o -= 5] = '\0';
	if (!gm_diff_is_go(f)) {
		char *dot = strchr(out, '.');
		for (int c = 0; dot && clones[c]; c++)
			if (!strncmp(dot, clones[c], strlen(clones[c])))
				*dot = '\0', dot = NULL;
	}
}

void gm_diff_key_add(struct gm_diff_buf *b, const struct gm_sym_frame *f)
{
	char fn[1024], line[1400];
	int n;
	if (f->func) {
		gm_diff_func_norm(f, fn, sizeof fn);
		n = snprintf(line, sizeof line, "%s\t%s\n", fn, gm_diff_base_name(f->file));
	} else if (f->module) {
		n = snprintf(line, sizeof line, "?\t%s+0x%" PRIx64 "\n", gm_diff_base_name(f->module), f->offset);
	} else {
		n = snprintf(line, sizeof line, "?\t0x%" PRIx64 "\n", f->offset);
	}
	if (n >= (int)sizeof line) { /* a name that long: cut, the line still ends the frame */
		n = (int)sizeof line - 1;
		line[n - 1] = '\n';
	}
	gm_diff_buf_add(b, line, (size_t)n);
}

/* ---- frames ---- */
void gm_diff_frames(struct gm_diff_run *r, const struct gm_rep_stack *st,
		    void (*fn)(void *ctx, uint64_t addr, const struct gm_sym_frame *f), void *ctx)
{
	const uint64_t *fr = gm_rep_stack_frames(r->p, st);
	for (uint32_t k = 0; k < st->depth; k++) {
		struct gm_sym_result sr = gm_rep_symbolize(&r->m, r->p, fr[k]);
		for (unsigned j = 0; j < sr.n; j++)
			fn(ctx, fr[k], &sr.frames[j]);
	}
}

static void gm_diff_key_cb(void *ctx, uint64_t addr, const struct gm_sym_frame *f)
{
	(void)addr; /* never part of the key */
	gm_diff_key_add(ctx, f);
}

static uint64_t gm_diff_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

/* ---- categories and findings ---- */
/* Figure c of result r (-1 unknown), its standard error in *se. */
static int64_t gm_diff_cat_of(const struct gm_rep_result *r, int c, uint64_t *se)
{
	*se = 0;
	switch (c) {
	case GM_DIFF_RSS: return r->rss;
	case GM_DIFF_RSS_PEAK: return r->rss_peak;
	case GM_DIFF_C_HEAP_LIVE: *se = r->c_heap_live_stderr; return r->c_heap_live;
	case GM_DIFF_C_ALLOCATOR_RETAINED: return r->c_allocator_retained;
	case GM_DIFF_C_MMAP: return r->c_mmap;
	case GM_DIFF_GO_HEAP_IN_USE: return r->go_heap_in_use;
	case GM_DIFF_GO_HEAP_FREE_RETAINED: return r->go_heap_free_retained;
	case GM_DIFF_GO_HEAP_RELEASED: return r->go_heap_released;
	case GM_DIFF_GO_HEAP_RESIDENT: return r->go_heap_resident;
	case GM_DIFF_GO_HEAP_OBJECTS: return r->go_heap_objects;
	case GM_DIFF_GO_HEAP_UNUSED: return r->go_heap_unused;
	/* the residual: anonymous RSS minus the C heap's live estimate (and the rest), whose
	 * error it carries */
	case GM_DIFF_GO_RUNTIME_OTHER: *se = r->c_heap_live_stderr; return r->go_runtime_other;
	case GM_DIFF_FILE: return r->file;
	case GM_DIFF_SHMEM: return r->shmem;
	case GM_DIFF_LAZYFREE: return r->lazyfree;
	case GM_DIFF_CGROUP: return r->cg_current;
	case GM_DIFF_CGROUP_PEAK: return r->cg_peak;
	case GM_DIFF_LEAK_SUSPECTS: *se = r->suspects_stderr; return (int64_t)r->suspects_bytes;
	}
	return -1;
}

/* A finding kind's figure in r, present or not (its bytes when below the finding's own
 * threshold), and the category whose thresholds judge its growth. */
static int64_t gm_diff_finding_fig(const struct gm_rep_result *r, const char *kind, int *check, uint64_t *se)
{
	*se = 0;
	if (!strcmp(kind, "cgo_leak")) {
		*check = GM_DIFF_LEAK_SUSPECTS;
		*se = r->suspects_stderr;
		return (int64_t)r->suspects_bytes;
	}
	if (!strcmp(kind, "scavenger_retention")) {
		*check = GM_DIFF_GO_HEAP_FREE_RETAINED;
		return r->go_heap_free_retained < 0 ? -1
		       : r->go_heap_free_retained + (r->go_heap_lazyfree > 0 ? r->go_heap_lazyfree : 0);
	}
	if (!strcmp(kind, "go_heap_growth")) {
		*check = GM_DIFF_GO_HEAP_IN_USE;
		if (r->go_heap_in_use < 0 || r->go_inuse_first < 0)
			return -1;
		return r->go_heap_in_use > r->go_inuse_first ? r->go_heap_in_use - r->go_inuse_first : 0;
	}
	if (!strcmp(kind, "c_allocator_retention")) {
		*check = GM_DIFF_C_ALLOCATOR_RETAINED;
		return r->c_allocator_retained;
	}
	if (!strcmp(kind, "cgroup_near_limit")) {
		*check = GM_DIFF_CGROUP_PEAK;
		return r->cg_peak;
	}
	*check = GM_DIFF_FINDINGS; /* a kind this table does not know: its bytes, 0 when absent */
	for (int i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].kind, kind))
			return (int64_t)r->findings[i].bytes;
	return 0;
}

static void gm_diff_findings(struct gm_diff *d)
{
	const struct gm_rep_result *r[2] = { &d->run[0].p->res, &d->run[1].p->res };
	d->nfindings = 0;
	for (int s = 1; s >= 0; s--) /* NEW's kinds first: its summaries are shown */
		for (int i = 0; i < r[s]->nfindings; i++) {
			const struct gm_rep_finding *f = &r[s]->findings[i];
			int j;
			for (j = 0; j < d->nfindings && strcmp(d->findings[j].kind, f->kind); j++)
				;
			if (j == d->nfindings) {
				if (d->nfindings == (int)(sizeof d->findings / sizeof d->findings[0]))
					continue;
				memset(&d->findings[j], 0, sizeof d->findings[j]);
				d->findings[j].kind = f->kind;
				d->findings[j].summary = f->summary;
				d->nfindings++;
			}
			*(s ? &d->findings[j].in_new : &d->findings[j].in_base) = 1;
		}
	for (int j = 0; j < d->nfindings; j++) {
		struct gm_diff_finding *f = &d->findings[j];
		f->fig.base = gm_diff_finding_fig(r[0], f->kind, &f->check, &f->fig.se_base);
		f->fig.new = gm_diff_finding_fig(r[1], f->kind, &f->check, &f->fig.se_new);
		gm_diff_judge(&f->fig, &d->opts.lim[f->check], d->opts.k);
		f->fig.regression = f->in_new && f->fig.verdict == GM_DIFF_GREW && (d->opts.gate >> GM_DIFF_FINDINGS & 1);
		d->regressions += f->fig.regression;
	}
}

/* ---- stacks ---- */
/* Whether stack st holds C allocations the diff compares: allocations made there, or live
 * direct C mappings the analysis kept (leak suspects), and not the tracer's own. */
static int gm_diff_c_stack(const struct gm_rep_proc *p, const struct gm_rep_stack *st)
{
	if (!st->allocs && !st->map_count)
		return 0;
	if (st->depth) {
		const struct gm_module *mod = gm_modmap_find(p->mods, gm_rep_stack_frames(p, st)[0] - 1, NULL);
		if (mod && mod->path && (strstr(mod->path, "libgomemtrace") || strstr(mod->path, "liblttng-ust")))
			return 0;
	}
	return 1;
}

/* The stacks' table being built: d->stacks, and an open-addressing index over it. */
struct gm_diff_index {
	size_t *slot;                    /* stack index + 1, 0 empty */
	size_t cap;                      /* a power of two */
};

static struct gm_diff_stack *gm_diff_stack_get(struct gm_diff *d, struct gm_diff_index *ix, char *key, size_t *cap)
{
	uint64_t h = gm_diff_hash(key);
	size_t i = h & (ix->cap - 1);
	for (; ix->slot[i]; i = (i + 1) & (ix->cap - 1)) {
		struct gm_diff_stack *e = &d->stacks[ix->slot[i] - 1];
		if (e->hash == h && !strcmp(e->key, key)) {
			free(key);
			return e;
		}
	}
	if (d->nstacks == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct gm_diff_stack *ns = realloc(d->stacks, ncap * sizeof *ns);
		if (!ns) {
			free(key);
			return NULL;
		}
		d->stacks = ns, *cap = ncap;
	}
	struct gm_diff_stack *e = &d->stacks[d->nstacks++];
	memset(e, 0, sizeof *e);
	e->key = key, e->hash = h;
	ix->slot[i] = d->nstacks;
	return e;
}

/* Add every C stack of run s to the table. 0, or -1 on no memory. */
static int gm_diff_add_run(struct gm_diff *d, int s, struct gm_diff_index *ix, size_t *cap)
{
	struct gm_diff_run *r = &d->run[s];
	struct gm_rep_proc *p = r->p;
	char *sus = calloc(p->nstacks ? p->nstacks : 1, 1);
	if (!sus)
		return -1;
	for (int i = 0; i < p->res.nsuspects; i++)
		sus[p->res.suspects[i]] = 1;
	for (uint32_t i = 0; i < p->nstacks; i++) {
		struct gm_rep_stack *st = &p->stacks[i];
		if (!gm_diff_c_stack(p, st))
			continue;
		struct gm_diff_buf b = { 0 };
		gm_diff_buf_add(&b, "", 0);
		gm_diff_frames(r, st, gm_diff_key_cb, &b);
		if (b.failed) {
			free(b.s);
			free(sus);
			return -1;
		}
		struct gm_diff_stack *e = gm_diff_stack_get(d, ix, b.s, cap);
		if (!e) {
			free(sus);
			return -1;
		}
		struct gm_diff_side *sd = &e->side[s];
		uint64_t bytes = gm_rep_suspect_bytes(st, 0);
		if (!sd->st || bytes > gm_rep_suspect_bytes(sd->st, 0))
			sd->st = st;
		sd->nstacks++;
		sd->bytes += bytes;
		sd->var += st->est_live_var;
		sd->blocks += gm_rep_suspect_count(st, 0);
		sd->allocs += st->est_allocs + (double)(st->map_count ? st->mmaps : 0);
		sd->alloc_bytes += st->est_alloc_bytes + (double)(st->map_count ? st->mmap_bytes : 0);
		sd->suspect |= sus[i];
	}
	free(sus);
	return 0;
}

static int gm_diff_cmp_delta(const void *a, const void *b)
{
	const struct gm_diff_stack *x = a, *y = b;
	if (x->fig.delta != y->fig.delta)
		return x->fig.delta > y->fig.delta ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void gm_diff_stacks(struct gm_diff *d)
{
	size_t n = (size_t)d->run[0].p->nstacks + d->run[1].p->nstacks, cap = 0;
	struct gm_diff_index ix = { NULL, 64 };
	while (ix.cap < 2 * n + 2)
		ix.cap *= 2;
	ix.slot = calloc(ix.cap, sizeof *ix.slot);
	if (!ix.slot || gm_diff_add_run(d, GM_DIFF_BASE, &ix, &cap) || gm_diff_add_run(d, GM_DIFF_NEW, &ix, &cap))
		d->oom = 1;
	free(ix.slot);
	for (size_t i = 0; i < d->nstacks; i++) {
		struct gm_diff_stack *e = &d->stacks[i];
		struct gm_diff_fig *f = &e->fig;
		f->base = (int64_t)e->side[0].bytes, f->new = (int64_t)e->side[1].bytes;
		f->se_base = gm_rep_est(sqrt(e->side[0].var)), f->se_new = gm_rep_est(sqrt(e->side[1].var));
		gm_diff_judge(f, &d->opts.lim[GM_DIFF_STACKS], d->opts.k);
		f->regression = f->verdict == GM_DIFF_GREW && (d->opts.gate >> GM_DIFF_STACKS & 1);
		d->regressions += f->regression;
		d->nmatched += e->side[0].nstacks && e->side[1].nstacks;
	}
	if (d->nstacks)
		qsort(d->stacks, d->nstacks, sizeof *d->stacks, gm_diff_cmp_delta);
	for (int l = 0; l < 3; l++) {
		d->list[l] = calloc(d->nstacks ? d->nstacks : 1, sizeof *d->list[l]);
		d->nlist[l] = 0;
		if (!d->list[l])
			d->oom = 1;
	}
	for (size_t j = 0; j < d->nstacks; j++) {
		size_t i = j, g = d->nstacks - 1 - j; /* gone: the largest loss (most negative delta) first */
		const struct gm_diff_stack *e = &d->stacks[i], *eg = &d->stacks[g];
		if (d->list[GM_DIFF_GROWN] && e->side[0].nstacks && e->side[1].nstacks && e->fig.verdict == GM_DIFF_GREW)
			d->list[GM_DIFF_GROWN][d->nlist[GM_DIFF_GROWN]++] = i;
		if (d->list[GM_DIFF_ONLY_NEW] && !e->side[0].nstacks && e->side[1].bytes)
			d->list[GM_DIFF_ONLY_NEW][d->nlist[GM_DIFF_ONLY_NEW]++] = i;
		if (d->list[GM_DIFF_GONE] && !eg->side[1].nstacks && eg->side[0].bytes)
			d->list[GM_DIFF_GONE][d->nlist[GM_DIFF_GONE]++] = g;
	}
}

const struct gm_diff_stack *gm_diff_list_at(const struct gm_diff *d, enum gm_diff_list l, size_t i)
{
	return (unsigned)l < 3 && d->list[l] && i < d->nlist[l] ? &d->stacks[d->list[l][i]] : NULL;
}

/* ---- the comparison ---- */
void gm_diff_compare(struct gm_diff *d)
{
	d->regressions = 0;
	for (int c = 0; c < GM_DIFF_NCATS; c++) {
		struct gm_diff_fig *f = &d->cat[c];
		memset(f, 0, sizeof *f);
		f->base = gm_diff_cat_of(&d->run[0].p->res, c, &f->se_base);
		f->new = gm_diff_cat_of(&d->run[1].p->res, c, &f->se_new);
		gm_diff_judge(f, &d->opts.lim[c], d->opts.k);
		f->regression = f->verdict == GM_DIFF_GREW && (d->opts.gate >> c & 1);
		d->regressions += f->regression;
	}
	gm_diff_findings(d);
	gm_diff_stacks(d);
}

void gm_diff_free(struct gm_diff *d)
{
	for (size_t i = 0; i < d->nstacks; i++)
		free(d->stacks[i].key);
	free(d->stacks);
	d->stacks = NULL, d->nstacks = 0;
	for (int l = 0; l < 3; l++)
		free(d->list[l]), d->list[l] = NULL, d->nlist[l] = 0;
	for (int s = 0; s < 2; s++)
		if (d->run[s].loaded) {
			gm_rep_model_free(&d->run[s].m);
			d->run[s].loaded = 0;
		}
}
