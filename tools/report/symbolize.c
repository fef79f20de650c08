/* symbolize.c: addresses -> function, file:line (see symbolize.h). Per module file: the
 * .gopclntab (common/gopclntab.h, inlined Go calls expanded from its inline tree,
 * common/gopclntab_inline.h), then DWARF through elfutils libdwfl (inlined subroutines
 * expanded from dwarf_getscopes), then .symtab/.dynsym (common/elf_image.h). Files are
 * opened once and keyed by (path, build id); looked-up addresses are cached per (file, link
 * address) in an open-addressing hash table; strings are interned so that every result's
 * pointers live as long as the symbolizer. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "common/gopclntab_inline.h"
#include "tools/report/symbolize.h"

/* ---- types ---- */

/* One address range of a DWARF compilation unit (the CU index of a file). */
struct gm_sym_curange {
	uint64_t lo;     /* first address (dwfl address, bias applied) */
	uint64_t hi;     /* one past the last */
	Dwarf_Die *cu;   /* the CU (libdwfl's, valid as long as the Dwfl) */
	Dwarf_Addr bias; /* its bias (0: the file is reported at base 0) */
};

/* One module file (a path with a build id). Reader thread only. */
struct gm_sym_file {
	char *path;                        /* path as recorded (the key) */
	uint8_t build_id[GM_BUILD_ID_MAX]; /* build id expected by the trace (the key) */
	size_t build_id_len;               /* 0: none recorded */
	enum gm_sym_status status;         /* GM_SYM_OK, GM_SYM_MISSING or GM_SYM_CHANGED */
	struct gm_elf_image img;           /* the opened file (when status is OK) */
	uint64_t first_vaddr;              /* p_vaddr of the first PT_LOAD (PIC offset -> link address) */
	bool have_go;                      /* tab is valid */
	struct gm_pclntab tab;             /* the Go table */
	bool have_gofunc;                  /* gofunc is valid (inline trees readable) */
	struct gm_pclntab_gofunc gofunc;   /* where the table's funcdata (inline trees) are */
	Dwfl *dwfl;                        /* libdwfl session on this file alone, or NULL */
	Dwfl_Module *dwmod;                /* the file's module in dwfl (link addresses, bias 0) */
	struct gm_sym_curange *cus;        /* CU ranges sorted by lo (built on first need), or NULL */
	size_t ncus;                       /* their number */
	bool cus_built;                    /* cus was built (maybe empty) */
	struct gm_sym_file *next;          /* next file in the list */
};

/* One cached lookup. Reader thread only. */
struct gm_sym_slot {
	const struct gm_sym_file *file; /* the file (NULL: no module) */
	uint64_t addr;                  /* the address looked up in it */
	struct gm_sym_frame *frames;    /* the result, NULL for an empty slot */
	unsigned n;                     /* number of frames */
};

/* One interned string (chained hash set). */
struct gm_sym_str {
	struct gm_sym_str *next; /* chain */
	uint64_t hash;           /* hash of s */
	char s[];                /* the string */
};

/* One entry of the module -> file cache (validated by path and build id on use, as a
 * module pointer may be reused after its map is freed). */
struct gm_sym_modcache {
	const struct gm_module *mod; /* the module, NULL if empty */
	struct gm_sym_file *file;    /* its file */
};
#define GM_SYM_MODCACHE 256 /* entries (a power of two) */

/* The symbolizer. Reader thread only. */
struct gm_sym {
	FILE *warn;                      /* warnings, or NULL */
	char *root;                      /* sysroot prefix, or NULL */
	bool go_dwarf_first;             /* DWARF before .gopclntab (gm_sym_set_go_dwarf_first) */
	struct gm_sym_file *files;       /* every file seen */
	struct gm_sym_slot *slots;       /* the address cache */
	size_t nslots;                   /* its capacity (a power of two) */
	size_t nused;                    /* filled slots */
	struct gm_sym_str **strs;        /* interned strings, by hash */
	size_t nstrs;                    /* number of buckets (a power of two) */
	size_t nstrs_used;               /* number of strings */
	struct gm_sym_modcache modcache[GM_SYM_MODCACHE]; /* module -> file, direct-mapped */
};

/* Frames a single address may expand into (inlining depth), at most. */
#define GM_SYM_MAX_INLINE 32

/* ---- hashing and strings ---- */

static uint64_t gm_sym_hash_bytes(const void *p, size_t n, uint64_t h)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL; /* FNV-1a */
	return h;
}

static uint64_t gm_sym_hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* The interned copy of s (NULL for NULL, or on no memory). */
static const char *gm_sym_intern(struct gm_sym *s, const char *str)
{
	if (!str)
		return NULL;
	size_t len = strlen(str);
	uint64_t h = gm_sym_hash_bytes(str, len, 0xcbf29ce484222325ULL);
	if (s->nstrs_used >= s->nstrs) {
		size_t n = s->nstrs ? s->nstrs * 2 : 1024;
		struct gm_sym_str **b = calloc(n, sizeof *b);
		if (!b)
			return NULL;
		for (size_t i = 0; i < s->nstrs; i++) {
			for (struct gm_sym_str *e = s->strs[i], *nx; e; e = nx) {
				nx = e->next;
				e->next = b[e->hash & (n - 1)];
				b[e->hash & (n - 1)] = e;
			}
		}
		free(s->strs);
		s->strs = b;
		s->nstrs = n;
	}
	struct gm_sym_str **head = &s->strs[h & (s->nstrs - 1)];
	for (struct gm_sym_str *e = *head; e; e = e->next)
		if (e->hash == h && !strcmp(e->s, str))
			return e->s;
	struct gm_sym_str *e = malloc(sizeof *e + len + 1);
	if (!e)
		return NULL;
	e->hash = h;
	memcpy(e->s, str, len + 1);
	e->next = *head;
	*head = e;
	s->nstrs_used++;
	return e->s;
}

/* ---- files ---- */

static const Dwfl_Callbacks gm_sym_dwfl_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static void gm_sym_warn(struct gm_sym *s, const struct gm_sym_file *f, const char *why)
{
	if (s->warn && f->path[0] != '[')
		fprintf(s->warn, "gomemtrace report: warning: %s: %s; its frames stay raw addresses\n",
			f->path, why);
}

/* Open a file: check its build id, find its symbol sources. */
static void gm_sym_file_open(struct gm_sym *s, struct gm_sym_file *f)
{
	char *full = NULL;
	const char *path = f->path;
	if (s->root && f->path[0] == '/') {
		size_t n = strlen(s->root) + strlen(f->path) + 1;
		full = malloc(n);
		if (full) {
			snprintf(full, n, "%s%s", s->root, f->path);
			path = full;
		}
	}
	f->status = GM_SYM_MISSING;
	if (f->path[0] == '[' || gm_elf_open(&f->img, path) != 0) {
		gm_sym_warn(s, f, "missing (cannot open the file)");
		free(full);
		return;
	}
	for (size_t i = 0; i < f->img.phnum; i++) {
		const Elf64_Phdr *ph = &f->img.ph[i];
		if (ph->p_type == PT_LOAD && (ph->p_offset > f->img.size || ph->p_filesz > f->img.size - ph->p_offset)) {
			/* cut short since recording: what it still holds cannot be trusted */
			f->status = GM_SYM_CHANGED;
			gm_sym_warn(s, f, "damaged (shorter than its program headers say: truncated since recording?)");
			gm_elf_close(&f->img);
			free(full);
			return;
		}
	}
	const uint8_t *id;
	size_t idlen;
	if (f->build_id_len) {
		if (gm_elf_build_id(&f->img, &id, &idlen) != 0 || idlen != f->build_id_len ||
		    memcmp(id, f->build_id, idlen) != 0) {
			f->status = GM_SYM_CHANGED;
			gm_sym_warn(s, f, "changed since recording (build id differs)");
			gm_elf_close(&f->img);
			free(full);
			return;
		}
	}
	f->status = GM_SYM_OK;
	for (size_t i = 0; i < f->img.phnum; i++) {
		if (f->img.ph[i].p_type == PT_LOAD) {
			f->first_vaddr = f->img.ph[i].p_vaddr;
			break;
		}
	}
	f->have_go = gm_pclntab_from_elf(&f->img, &f->tab) == 0;
	f->have_gofunc = f->have_go && gm_pclntab_gofunc_from_elf(&f->img, &f->tab, &f->gofunc) == 0;
	f->dwfl = dwfl_begin(&gm_sym_dwfl_callbacks);
	if (f->dwfl) {
		/* base 0, add_p_vaddr false: dwfl addresses are the file's link addresses. */
		f->dwmod = dwfl_report_elf(f->dwfl, path, path, -1, 0, false);
		dwfl_report_end(f->dwfl, NULL, NULL);
		if (!f->dwmod) {
			dwfl_end(f->dwfl);
			f->dwfl = NULL;
		}
	}
	free(full);
}

/* The file of a module (opened on first use). NULL on no memory. */
static struct gm_sym_file *gm_sym_file_of(struct gm_sym *s, const struct gm_module *mod)
{
	struct gm_sym_modcache *c =
		&s->modcache[gm_sym_hash_u64((uint64_t)(uintptr_t)mod) & (GM_SYM_MODCACHE - 1)];
	if (c->mod == mod && !strcmp(c->file->path, mod->path) &&
	    c->file->build_id_len == mod->build_id_len &&
	    !memcmp(c->file->build_id, mod->build_id, mod->build_id_len))
		return c->file;
	struct gm_sym_file *f;
	for (f = s->files; f; f = f->next)
		if (f->build_id_len == mod->build_id_len && !strcmp(f->path, mod->path) &&
		    !memcmp(f->build_id, mod->build_id, mod->build_id_len))
			break;
	if (!f) {
		f = calloc(1, sizeof *f);
		if (!f)
			return NULL;
		f->path = strdup(mod->path);
		if (!f->path) {
			free(f);
			return NULL;
		}
		memcpy(f->build_id, mod->build_id, mod->build_id_len);
		f->build_id_len = mod->build_id_len;
		gm_sym_file_open(s, f);
		f->next = s->files;
		s->files = f;
	}
	c->mod = mod;
	c->file = f;
	return f;
}

static void gm_sym_file_free(struct gm_sym_file *f)
{
	if (f->dwfl)
		dwfl_end(f->dwfl);
	free(f->cus);
	gm_elf_close(&f->img);
	free(f->path);
	free(f);
}

/* ---- sources ---- */

/* A DIE's name, following DW_AT_abstract_origin/specification. */
static const char *gm_sym_die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name = NULL;
	if (dwarf_attr_integrate(die, DW_AT_name, &attr))
		name = dwarf_formstring(&attr);
	if (!name && (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) ||
		      dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr)))
		name = dwarf_formstring(&attr);
	return name;
}

/* .gopclntab: the inlined Go calls (innermost first) then the function, as
 * runtime.CallersFrames gives them. Number of frames (0: not Go code). */
static unsigned gm_sym_from_go(struct gm_sym *s, struct gm_sym_file *f, uint64_t at,
			       struct gm_sym_frame *out, unsigned max)
{
	struct gm_pclntab_func fn;
	struct gm_pclntab_frame fr[GM_SYM_MAX_INLINE];
	if (!f->have_go || gm_pclntab_find_pc(&f->tab, at, &fn) != 0 || at >= fn.end)
		return 0;
	unsigned n = gm_pclntab_frames(&f->tab, f->have_gofunc ? &f->gofunc : NULL, &fn, at, fr,
				       max < GM_SYM_MAX_INLINE ? max : GM_SYM_MAX_INLINE);
	for (unsigned i = 0; i < n; i++) {
		out[i].func = gm_sym_intern(s, fr[i].func);
		out[i].file = gm_sym_intern(s, fr[i].file);
		out[i].line = fr[i].file ? fr[i].line : 0;
		out[i].inlined = fr[i].inlined;
		if (!out[i].func)
			return 0;
	}
	return n;
}

static int gm_sym_curange_cmp(const void *a, const void *b)
{
	const struct gm_sym_curange *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Build f's CU index: every address range of every CU (dwarf_ranges), sorted. */
static void gm_sym_cus_build(struct gm_sym_file *f)
{
	size_t cap = 0;
	f->cus_built = true;
	Dwarf_Addr bias;
	for (Dwarf_Die *cu = NULL; (cu = dwfl_module_nextcu(f->dwmod, cu, &bias)) != NULL;) {
		Dwarf_Addr base, lo, hi;
		for (ptrdiff_t o = 0; (o = dwarf_ranges(cu, o, &base, &lo, &hi)) > 0;) {
			if (hi <= lo)
				continue;
			if (f->ncus == cap) {
				size_t nc = cap ? cap * 2 : 256;
				struct gm_sym_curange *n = realloc(f->cus, nc * sizeof *n);
				if (!n)
					goto done;
				f->cus = n;
				cap = nc;
			}
			f->cus[f->ncus++] = (struct gm_sym_curange){ lo + bias, hi + bias, cu, bias };
		}
	}
done:
	if (f->ncus)
		qsort(f->cus, f->ncus, sizeof *f->cus, gm_sym_curange_cmp);
}

/* The CU of DWARF holding link address at, checked with dwarf_haspc: libdwfl answers from
 * .debug_aranges, which in an externally linked cgo binary covers the C units only (the Go
 * linker writes none for Go's), and for a Go address it returns a neighbouring C unit
 * (elfutils 0.188). Then the CU index (every CU's ranges) decides. NULL if none. */
static Dwarf_Die *gm_sym_dwarf_cu(struct gm_sym_file *f, uint64_t at, Dwarf_Addr *bias)
{
	Dwarf_Die *cu = dwfl_module_addrdie(f->dwmod, at, bias);
	if (cu && dwarf_haspc(cu, at - *bias) == 1)
		return cu;
	if (!f->cus_built)
		gm_sym_cus_build(f);
	size_t lo = 0, hi = f->ncus; /* the first range with lo > at */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->cus[mid].lo <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* ranges rarely overlap: look back a few */
	for (size_t i = lo, k = 0; i-- > 0 && k < 8; k++) {
		const struct gm_sym_curange *r = &f->cus[i];
		if (at < r->hi && dwarf_haspc(r->cu, at - r->bias) == 1) {
			*bias = r->bias;
			return r->cu;
		}
	}
	return NULL;
}

/* DWARF: the inlined frames then the function. Number of frames (0: no DWARF here). */
static unsigned gm_sym_from_dwarf(struct gm_sym *s, struct gm_sym_file *f, uint64_t at,
				  struct gm_sym_frame *out, unsigned max)
{
	if (!f->dwmod)
		return 0;
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = gm_sym_dwarf_cu(f, at, &bias);
	if (!cu)
		return 0;
	/* dwarf_getscopes continues an inlined instance with its abstract definition's scopes:
	 * take its innermost scope only, and its concrete chain from dwarf_getscopes_die. */
	Dwarf_Die *scopes = NULL;
	int nscopes = dwarf_getscopes(cu, at - bias, &scopes);
	if (nscopes <= 0) {
		free(scopes);
		return 0;
	}
	Dwarf_Die inner = scopes[0];
	free(scopes);
	scopes = NULL;
	nscopes = dwarf_getscopes_die(&inner, &scopes);
	if (nscopes <= 0) {
		free(scopes);
		return 0;
	}
	/* Innermost position from the line table of that CU. */
	const char *file = NULL;
	int line = 0;
	Dwarf_Line *ln = dwarf_getsrc_die(cu, at - bias);
	if (ln && (file = dwarf_linesrc(ln, NULL, NULL)) != NULL && dwarf_lineno(ln, &line) != 0)
		line = 0;
	Dwarf_Files *files = NULL;
	size_t nfiles = 0;
	if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0)
		files = NULL;
	unsigned n = 0;
	for (int i = 0; i < nscopes && n < max; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine)
			continue;
		const char *name = gm_sym_die_name(&scopes[i]);
		out[n].func = gm_sym_intern(s, name ? name : "??");
		out[n].file = gm_sym_intern(s, file);
		out[n].line = line;
		out[n].inlined = tag == DW_TAG_inlined_subroutine;
		n++;
		if (tag == DW_TAG_subprogram)
			break;
		/* The caller's position is the inlined subroutine's call site. */
		Dwarf_Attribute attr;
		Dwarf_Word cf = 0, cl = 0;
		file = NULL;
		line = 0;
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &attr), &cf) == 0 &&
		    files && cf < nfiles)
			file = dwarf_filesrc(files, cf, NULL, NULL);
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &attr), &cl) == 0)
			line = (int)cl;
	}
	free(scopes);
	/* A last inlined frame with no enclosing subprogram found: not inlined after all. */
	if (n > 0)
		out[n - 1].inlined = false;
	return n;
}

/* .symtab / .dynsym: one frame. 1 or 0. */
static unsigned gm_sym_from_elf(struct gm_sym *s, struct gm_sym_file *f, uint64_t at,
				struct gm_sym_frame *out)
{
	struct gm_elf_sym sym;
	if (gm_elf_symbol_at(&f->img, at, &sym) != 0 || !sym.name || !sym.name[0])
		return 0;
	out->func = gm_sym_intern(s, sym.name);
	return out->func ? 1 : 0;
}

/* ---- cache ---- */

static size_t gm_sym_slot_index(const struct gm_sym *s, const struct gm_sym_file *file,
				uint64_t addr)
{
	return gm_sym_hash_u64(addr ^ ((uint64_t)(uintptr_t)file * 0x9e3779b97f4a7c15ULL)) &
	       (s->nslots - 1);
}

static int gm_sym_cache_grow(struct gm_sym *s)
{
	size_t n = s->nslots ? s->nslots * 2 : 4096;
	struct gm_sym_slot *old = s->slots;
	size_t nold = s->nslots;
	struct gm_sym_slot *slots = calloc(n, sizeof *slots);
	if (!slots)
		return -1;
	s->slots = slots;
	s->nslots = n;
	for (size_t i = 0; i < nold; i++) {
		if (!old[i].frames)
			continue;
		size_t j = gm_sym_slot_index(s, old[i].file, old[i].addr);
		while (slots[j].frames)
			j = (j + 1) & (n - 1);
		slots[j] = old[i];
	}
	free(old);
	return 0;
}

/* ---- lifetime ---- */

struct gm_sym *gm_sym_new(FILE *warn)
{
	struct gm_sym *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->warn = warn;
	if (gm_sym_cache_grow(s) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void gm_sym_free(struct gm_sym *s)
{
	if (!s)
		return;
	for (struct gm_sym_file *f = s->files, *nx; f; f = nx) {
		nx = f->next;
		gm_sym_file_free(f);
	}
	for (size_t i = 0; i < s->nslots; i++)
		free(s->slots[i].frames);
	free(s->slots);
	for (size_t i = 0; i < s->nstrs; i++) {
		for (struct gm_sym_str *e = s->strs[i], *nx; e; e = nx) {
			nx = e->next;
			free(e);
		}
	}
	free(s->strs);
	free(s->root);
	free(s);
}

void gm_sym_set_root(struct gm_sym *s, const char *root)
{
	free(s->root);
	s->root = root && root[0] ? strdup(root) : NULL;
}

void gm_sym_set_go_dwarf_first(struct gm_sym *s, bool on)
{
	s->go_dwarf_first = on;
}

/* ---- lookups ---- */

/* A fallback result when memory runs out (never cached). */
static struct gm_sym_frame gm_sym_oom_frame = { .status = GM_SYM_NOSYM };

struct gm_sym_result gm_sym_lookup_module(struct gm_sym *s, const struct gm_module *mod,
					  uint64_t addr, bool is_return)
{
	struct gm_sym_file *file = NULL;
	uint64_t at = is_return && addr > 0 ? addr - 1 : addr;
	if (mod) {
		file = gm_sym_file_of(s, mod);
		if (!file)
			return (struct gm_sym_result){ &gm_sym_oom_frame, 1 };
		if (mod->is_pic)
			at = at - mod->baddr + file->first_vaddr;
	}
	size_t i = gm_sym_slot_index(s, file, at);
	while (s->slots[i].frames) {
		if (s->slots[i].file == file && s->slots[i].addr == at)
			return (struct gm_sym_result){ s->slots[i].frames, s->slots[i].n };
		i = (i + 1) & (s->nslots - 1);
	}
	/* Not cached: look it up. */
	struct gm_sym_frame tmp[GM_SYM_MAX_INLINE];
	memset(tmp, 0, sizeof tmp);
	unsigned n = 0;
	enum gm_sym_status st = GM_SYM_NOMODULE;
	if (file) {
		st = file->status;
		if (st == GM_SYM_OK) {
			if (!s->go_dwarf_first)
				n = gm_sym_from_go(s, file, at, tmp, GM_SYM_MAX_INLINE);
			if (!n)
				n = gm_sym_from_dwarf(s, file, at, tmp, GM_SYM_MAX_INLINE);
			if (!n && s->go_dwarf_first)
				n = gm_sym_from_go(s, file, at, tmp, GM_SYM_MAX_INLINE);
			if (!n)
				n = gm_sym_from_elf(s, file, at, tmp);
			if (!n)
				st = GM_SYM_NOSYM;
		}
	}
	if (!n)
		n = 1;
	const char *modpath = file ? gm_sym_intern(s, file->path) : NULL;
	for (unsigned k = 0; k < n; k++) {
		tmp[k].offset = at;
		tmp[k].module = modpath;
		tmp[k].status = st;
	}
	struct gm_sym_frame *frames = malloc(n * sizeof *frames);
	if (!frames)
		return (struct gm_sym_result){ &gm_sym_oom_frame, 1 };
	memcpy(frames, tmp, n * sizeof *frames);
	if ((s->nused + 1) * 2 > s->nslots) {
		if (gm_sym_cache_grow(s) != 0) {
			free(frames);
			return (struct gm_sym_result){ &gm_sym_oom_frame, 1 };
		}
		i = gm_sym_slot_index(s, file, at);
		while (s->slots[i].frames)
			i = (i + 1) & (s->nslots - 1);
	}
	s->slots[i] = (struct gm_sym_slot){ file, at, frames, n };
	s->nused++;
	return (struct gm_sym_result){ frames, n };
}

struct gm_sym_result gm_sym_lookup(struct gm_sym *s, const struct gm_modmap *m, uint64_t addr,
				   bool is_return)
{
	const struct gm_module *mod = m ? gm_modmap_find(m, addr, NULL) : NULL;
	return gm_sym_lookup_module(s, mod, addr, is_return);
}

/* ---- formatting ---- */

const char *gm_sym_format(const struct gm_sym_frame *f, char *buf, size_t size)
{
	if (!size)
		return buf;
	const char *mod = f->module ? f->module : "?";
	if (f->func && f->file && f->line > 0)
		snprintf(buf, size, "%s %s:%d", f->func, f->file, f->line);
	else if (f->func)
		snprintf(buf, size, "%s in %s", f->func, mod);
	else if (f->status == GM_SYM_NOMODULE)
		snprintf(buf, size, "0x%" PRIx64 " (no module)", f->offset);
	else
		snprintf(buf, size, "0x%" PRIx64 " in %s (%s)", f->offset, mod,
			 f->status == GM_SYM_MISSING   ? "missing"
			 : f->status == GM_SYM_CHANGED ? "changed: build id differs"
						       : "no symbol");
	return buf;
}
