/* modmap.c: a process's module map from the trace's lttng-ust statedump/lib events (see
 * modmap.h): a sorted array of the current modules, searched by address; modules that are
 * replaced move to a retired list so that pointers handed out stay valid. */
#include <stdlib.h>
#include <string.h>

#include "tools/report/modmap.h"

/* ---- types ---- */

/* The map. Reader thread only. */
struct gm_modmap {
	struct gm_module **mods;    /* current modules, sorted by baddr, non-overlapping */
	size_t n;                   /* their number */
	size_t cap;                 /* capacity of mods */
	struct gm_module **retired; /* replaced modules, freed with the map */
	size_t nretired;            /* their number */
	size_t capretired;          /* capacity of retired */
	unsigned dumps;             /* statedumps begun (informational) */
};

/* ---- helpers ---- */

static void gm_modmap_mod_free(struct gm_module *mod)
{
	if (mod) {
		free(mod->path);
		free(mod);
	}
}

/* Grow *arr (of pointers) to hold at least need entries. 0 or -1. */
static int gm_modmap_reserve(struct gm_module ***arr, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	struct gm_module **p = realloc(*arr, ncap * sizeof *p);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Index of the first module whose baddr is > addr (upper bound). */
static size_t gm_modmap_upper(const struct gm_modmap *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->mods[mid]->baddr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t gm_modmap_end(const struct gm_module *mod)
{
	uint64_t end = mod->baddr + mod->memsz;
	return end < mod->baddr ? UINT64_MAX : end;
}

/* The current module loaded exactly at baddr, or NULL. */
static struct gm_module *gm_modmap_at_baddr(struct gm_modmap *m, uint64_t baddr)
{
	size_t i = gm_modmap_upper(m, baddr);
	if (i > 0 && m->mods[i - 1]->baddr == baddr)
		return m->mods[i - 1];
	return NULL;
}

/* ---- lifetime ---- */

struct gm_modmap *gm_modmap_new(void)
{
	return calloc(1, sizeof(struct gm_modmap));
}

struct gm_modmap *gm_modmap_copy(const struct gm_modmap *m)
{
	struct gm_modmap *c = gm_modmap_new();
	if (!c)
		return NULL;
	if (gm_modmap_reserve(&c->mods, &c->cap, m->n) != 0)
		goto fail;
	for (size_t i = 0; i < m->n; i++) {
		struct gm_module *mod = malloc(sizeof *mod);
		if (!mod)
			goto fail;
		*mod = *m->mods[i];
		mod->path = strdup(m->mods[i]->path);
		if (!mod->path) {
			free(mod);
			goto fail;
		}
		c->mods[c->n++] = mod;
	}
	c->dumps = m->dumps;
	return c;
fail:
	gm_modmap_free(c);
	return NULL;
}

void gm_modmap_free(struct gm_modmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		gm_modmap_mod_free(m->mods[i]);
	for (size_t i = 0; i < m->nretired; i++)
		gm_modmap_mod_free(m->retired[i]);
	free(m->mods);
	free(m->retired);
	free(m);
}

/* ---- updates ---- */

void gm_modmap_statedump_start(struct gm_modmap *m)
{
	m->dumps++;
}

struct gm_module *gm_modmap_add(struct gm_modmap *m, uint64_t baddr, uint64_t memsz,
				const char *path, bool is_pic)
{
	struct gm_module *mod = calloc(1, sizeof *mod);
	if (!mod)
		return NULL;
	mod->baddr = baddr;
	mod->memsz = memsz ? memsz : 1;
	mod->path = strdup(path ? path : "");
	mod->is_pic = is_pic;
	uint64_t end = gm_modmap_end(mod);
	/* Overlapping modules: [first, last) of the sorted array. */
	size_t last = gm_modmap_upper(m, end - 1);
	size_t first = last;
	while (first > 0 && gm_modmap_end(m->mods[first - 1]) > baddr)
		first--;
	size_t nold = last - first;
	if (!mod->path || gm_modmap_reserve(&m->retired, &m->capretired, m->nretired + nold) != 0 ||
	    gm_modmap_reserve(&m->mods, &m->cap, m->n + 1) != 0) {
		gm_modmap_mod_free(mod);
		return NULL;
	}
	for (size_t i = first; i < last; i++)
		m->retired[m->nretired++] = m->mods[i];
	/* Replace [first, last) with the one new module. */
	memmove(&m->mods[first + 1], &m->mods[last], (m->n - last) * sizeof *m->mods);
	m->mods[first] = mod;
	m->n = m->n - nold + 1;
	return mod;
}

int gm_modmap_set_build_id(struct gm_modmap *m, uint64_t baddr, const uint8_t *id, size_t len)
{
	struct gm_module *mod = gm_modmap_at_baddr(m, baddr);
	if (!mod)
		return -1;
	if (len > GM_BUILD_ID_MAX)
		len = GM_BUILD_ID_MAX;
	memcpy(mod->build_id, id, len);
	mod->build_id_len = len;
	return 0;
}

int gm_modmap_unload(struct gm_modmap *m, uint64_t baddr)
{
	struct gm_module *mod = gm_modmap_at_baddr(m, baddr);
	if (!mod)
		return -1;
	mod->unloaded = true;
	return 0;
}

/* ---- lookups ---- */

const struct gm_module *gm_modmap_find(const struct gm_modmap *m, uint64_t addr, uint64_t *offset)
{
	size_t i = gm_modmap_upper(m, addr);
	if (i == 0)
		return NULL;
	const struct gm_module *mod = m->mods[i - 1];
	if (addr >= gm_modmap_end(mod))
		return NULL;
	if (offset)
		*offset = mod->is_pic ? addr - mod->baddr : addr;
	return mod;
}

size_t gm_modmap_count(const struct gm_modmap *m)
{
	return m->n;
}

const struct gm_module *gm_modmap_at(const struct gm_modmap *m, size_t i)
{
	return i < m->n ? m->mods[i] : NULL;
}
