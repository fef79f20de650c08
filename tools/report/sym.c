/* sym.c: fallback symbolizer of the reader (see sym.h): module map + common/ ELF and
 * .gopclntab readers, with an address cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "tools/report/sym.h"

/* ---- types ---- */
/* A binary opened from disk (shared by every module mapping it). */
struct gm_rep_image {
	char *path;                 /* its path as recorded */
	int state;                  /* 0 untried, 1 open, -1 missing/unreadable, -2 rebuilt */
	struct gm_elf_image elf;    /* the file (state 1) */
	struct gm_pclntab pcln;     /* its Go table, when has_pcln */
	int has_pcln;               /* the file has a usable .gopclntab */
	uint64_t first_vaddr;       /* p_vaddr of the first PT_LOAD, page-aligned */
	int warned;                 /* a warning was emitted for it */
};
/* One mapped module. */
struct gm_rep_module {
	uint64_t baddr, memsz;      /* where it is mapped */
	int is_pic;                 /* position-independent */
	size_t image;               /* index into images */
	uint8_t build_id[64];       /* build id as recorded */
	uint32_t build_id_len;      /* its length (0: none recorded) */
	int checked;                /* build id compared with the file */
};
/* A cached lookup. */
struct gm_rep_cached {
	uint64_t key;               /* addr << 1 | is_return; 0 = empty slot */
	struct gm_rep_frame f;      /* the answer */
};
struct gm_rep_sym {
	struct gm_rep_image *images; size_t nimages;  /* binaries by path */
	struct gm_rep_module *mods; size_t nmods;     /* the module map */
	struct gm_rep_cached *cache; size_t capcache, ncache; /* open-addressing cache */
	char **warnings; size_t nwarnings;            /* collected warnings */
};

/* ---- module map ---- */
struct gm_rep_sym *gm_rep_sym_new(void) { return calloc(1, sizeof(struct gm_rep_sym)); }

void gm_rep_sym_free(struct gm_rep_sym *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nimages; i++) {
		if (s->images[i].state == 1)
			gm_elf_close(&s->images[i].elf);
		free(s->images[i].path);
	}
	for (size_t i = 0; i < s->nwarnings; i++)
		free(s->warnings[i]);
	free(s->warnings);
	free(s->images);
	free(s->mods);
	free(s->cache);
	free(s);
}

void gm_rep_sym_statedump_start(struct gm_rep_sym *s) { (void)s; }

static size_t gm_rep_sym_image(struct gm_rep_sym *s, const char *path)
{
	for (size_t i = 0; i < s->nimages; i++)
		if (!strcmp(s->images[i].path, path))
			return i;
	struct gm_rep_image *n = realloc(s->images, (s->nimages + 1) * sizeof *n);
	if (!n)
		return (size_t)-1;
	s->images = n;
	memset(&n[s->nimages], 0, sizeof *n);
	n[s->nimages].path = strdup(path);
	if (!n[s->nimages].path)
		return (size_t)-1;
	return s->nimages++;
}

void gm_rep_sym_add_module(struct gm_rep_sym *s, uint64_t baddr, uint64_t memsz, const char *path, int is_pic)
{
	if (!path || !*path || path[0] == '[' || memsz == 0)
		return; /* [vdso] and friends */
	size_t img = gm_rep_sym_image(s, path);
	if (img == (size_t)-1)
		return;
	size_t j = 0;
	for (size_t i = 0; i < s->nmods; i++) /* drop what it overlaps (re-sent or replaced) */
		if (!(s->mods[i].baddr < baddr + memsz && baddr < s->mods[i].baddr + s->mods[i].memsz))
			s->mods[j++] = s->mods[i];
	s->nmods = j;
	struct gm_rep_module *n = realloc(s->mods, (s->nmods + 1) * sizeof *n);
	if (!n)
		return;
	s->mods = n;
	memset(&n[s->nmods], 0, sizeof *n);
	n[s->nmods].baddr = baddr, n[s->nmods].memsz = memsz, n[s->nmods].is_pic = is_pic;
	n[s->nmods].image = img;
	s->nmods++;
	s->ncache = 0; /* the map changed: cached answers may be stale */
	if (s->cache)
		memset(s->cache, 0, s->capcache * sizeof *s->cache);
}

void gm_rep_sym_set_build_id(struct gm_rep_sym *s, uint64_t baddr, const uint64_t *id, uint32_t len)
{
	for (size_t i = 0; i < s->nmods; i++) {
		if (s->mods[i].baddr != baddr)
			continue;
		if (len > sizeof s->mods[i].build_id)
			len = sizeof s->mods[i].build_id;
		for (uint32_t k = 0; k < len; k++)
			s->mods[i].build_id[k] = (uint8_t)id[k];
		s->mods[i].build_id_len = len;
		s->mods[i].checked = 0;
	}
}

/* ---- warnings ---- */
static void gm_rep_sym_warn(struct gm_rep_sym *s, const char *fmt, const char *path)
{
	char buf[512];
	snprintf(buf, sizeof buf, fmt, path);
	char **n = realloc(s->warnings, (s->nwarnings + 1) * sizeof *n);
	if (!n)
		return;
	s->warnings = n;
	if ((n[s->nwarnings] = strdup(buf)))
		s->nwarnings++;
}

void gm_rep_sym_warnings(struct gm_rep_sym *s, void (*fn)(void *ctx, const char *msg), void *ctx)
{
	for (size_t i = 0; i < s->nwarnings; i++)
		fn(ctx, s->warnings[i]);
}

/* ---- lookups ---- */
static struct gm_rep_image *gm_rep_sym_open(struct gm_rep_sym *s, struct gm_rep_module *m)
{
	struct gm_rep_image *im = &s->images[m->image];
	if (im->state == 0) {
		if (gm_elf_open(&im->elf, im->path) != 0) {
			im->state = -1;
		} else {
			im->state = 1;
			im->has_pcln = gm_pclntab_from_elf(&im->elf, &im->pcln) == 0;
			for (size_t i = 0; i < im->elf.phnum; i++)
				if (im->elf.ph[i].p_type == PT_LOAD) {
					im->first_vaddr = im->elf.ph[i].p_vaddr & ~0xfffULL;
					break;
				}
		}
	}
	if (im->state == 1 && m->build_id_len && !m->checked) {
		const uint8_t *id;
		size_t len;
		m->checked = 1;
		if (gm_elf_build_id(&im->elf, &id, &len) == 0 &&
		    (len != m->build_id_len || memcmp(id, m->build_id, len) != 0)) {
			gm_elf_close(&im->elf);
			im->state = -2;
		}
	}
	if (im->state < 0 && !im->warned) {
		im->warned = 1;
		gm_rep_sym_warn(s, im->state == -1 ? "%s: binary gone or unreadable; its frames stay raw addresses"
						 : "%s: binary rebuilt since recording (build id differs); its frames stay raw addresses",
				im->path);
	}
	return im->state == 1 ? im : NULL;
}

static void gm_rep_sym_resolve(struct gm_rep_sym *s, uint64_t addr, int is_return, struct gm_rep_frame *f)
{
	memset(f, 0, sizeof *f);
	f->addr = addr;
	f->function = f->file = f->module = "";
	uint64_t at = is_return && addr ? addr - 1 : addr;
	struct gm_rep_module *m = NULL;
	for (size_t i = 0; i < s->nmods; i++)
		if (at >= s->mods[i].baddr && at < s->mods[i].baddr + s->mods[i].memsz)
			m = &s->mods[i];
	if (!m)
		return;
	f->module = s->images[m->image].path;
	struct gm_rep_image *im = gm_rep_sym_open(s, m);
	if (!im)
		return;
	uint64_t link = at - m->baddr + im->first_vaddr;
	struct gm_pclntab_func fn;
	struct gm_elf_sym sym;
	if (im->has_pcln && gm_pclntab_find_pc(&im->pcln, link, &fn) == 0) {
		const char *file = "";
		int32_t ln = 0;
		f->function = fn.name ? fn.name : "";
		if (gm_pclntab_line(&im->pcln, &fn, link, &file, &ln) == 0) {
			f->file = file ? file : "";
			f->line = ln;
		}
	} else if (gm_elf_symbol_at(&im->elf, link, &sym) == 0 && sym.name) {
		f->function = sym.name;
	}
}

void gm_rep_sym_lookup(struct gm_rep_sym *s, uint64_t addr, int is_return, struct gm_rep_frame *out)
{
	uint64_t key = addr << 1 | (uint64_t)(is_return != 0);
	if (key == 0) {
		gm_rep_sym_resolve(s, addr, is_return, out);
		return;
	}
	if (s->ncache * 2 >= s->capcache) { /* grow (and rehash) */
		size_t cap = s->capcache ? s->capcache * 2 : 1024;
		struct gm_rep_cached *n = calloc(cap, sizeof *n);
		if (n) {
			for (size_t i = 0; i < s->capcache; i++) {
				if (!s->cache[i].key)
					continue;
				size_t h = (size_t)(s->cache[i].key * 0x9E3779B97F4A7C15ULL) & (cap - 1);
				while (n[h].key)
					h = (h + 1) & (cap - 1);
				n[h] = s->cache[i];
			}
			free(s->cache);
			s->cache = n, s->capcache = cap;
		}
	}
	if (!s->capcache) {
		gm_rep_sym_resolve(s, addr, is_return, out);
		return;
	}
	size_t h = (size_t)(key * 0x9E3779B97F4A7C15ULL) & (s->capcache - 1);
	while (s->cache[h].key && s->cache[h].key != key)
		h = (h + 1) & (s->capcache - 1);
	if (!s->cache[h].key) {
		s->cache[h].key = key;
		gm_rep_sym_resolve(s, addr, is_return, &s->cache[h].f);
		s->ncache++;
	}
	*out = s->cache[h].f;
}
