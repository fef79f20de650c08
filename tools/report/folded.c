/* folded.c: stacks in the folded format of flamegraph.pl / speedscope (see folded.h): each
 * added stack is symbolized into its "outer;...;inner" line, lines are summed in a chained
 * hash table, and written sorted. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tools/report/folded.h"

/* ---- types ---- */

/* One distinct stack line. */
struct gm_folded_line {
	struct gm_folded_line *next; /* hash chain */
	uint64_t hash;               /* hash of text */
	int64_t value;               /* summed value */
	char text[];                 /* "a;b;c" */
};

/* The set. Reader thread only. */
struct gm_folded {
	struct gm_sym *sym;              /* symbolizer (not owned) */
	struct gm_folded_line **buckets; /* hash table */
	size_t nbuckets;                 /* its size (a power of two) */
	size_t n;                        /* lines */
	char *buf;                       /* scratch for building a line */
	size_t cap;                      /* its capacity */
};

/* ---- lifetime ---- */

struct gm_folded *gm_folded_new(struct gm_sym *s)
{
	struct gm_folded *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->sym = s;
	f->nbuckets = 1024;
	f->buckets = calloc(f->nbuckets, sizeof *f->buckets);
	if (!f->buckets) {
		free(f);
		return NULL;
	}
	return f;
}

void gm_folded_free(struct gm_folded *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nbuckets; i++) {
		for (struct gm_folded_line *l = f->buckets[i], *nx; l; l = nx) {
			nx = l->next;
			free(l);
		}
	}
	free(f->buckets);
	free(f->buf);
	free(f);
}

/* ---- building ---- */

/* Append a frame name to the scratch line at *len (with a ';' before it unless first). */
static int gm_folded_append(struct gm_folded *f, size_t *len, const char *name)
{
	size_t n = strlen(name);
	if (*len + n + 2 > f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 1024;
		while (ncap < *len + n + 2)
			ncap *= 2;
		char *nb = realloc(f->buf, ncap);
		if (!nb)
			return -1;
		f->buf = nb;
		f->cap = ncap;
	}
	if (*len)
		f->buf[(*len)++] = ';';
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		f->buf[(*len)++] = c == ';' ? ':' : (c == '\n' || c == '\r') ? ' ' : c;
	}
	f->buf[*len] = '\0';
	return 0;
}

/* The name of a frame in a folded line. */
static const char *gm_folded_name(const struct gm_sym_frame *fr, char *raw, size_t size)
{
	if (fr->func)
		return fr->func;
	const char *base = fr->module ? strrchr(fr->module, '/') : NULL;
	base = base ? base + 1 : fr->module;
	if (fr->status == GM_SYM_NOMODULE || !base)
		snprintf(raw, size, "0x%" PRIx64, fr->offset);
	else
		snprintf(raw, size, "0x%" PRIx64 " in %s", fr->offset, base);
	return raw;
}

int gm_folded_add(struct gm_folded *f, const struct gm_modmap *m, const uint64_t *stack,
		  unsigned depth, bool first_is_pc, int64_t value, const char *root)
{
	size_t len = 0;
	if (root && gm_folded_append(f, &len, root) != 0)
		return -1;
	/* Outermost first: walk the stack backwards, and each address's frames backwards
	 * (they are innermost first: inlined ones before their caller). */
	for (unsigned i = depth; i-- > 0;) {
		struct gm_sym_result r = gm_sym_lookup(f->sym, m, stack[i], i > 0 || !first_is_pc);
		for (unsigned k = r.n; k-- > 0;) {
			char raw[512];
			if (gm_folded_append(f, &len, gm_folded_name(&r.frames[k], raw, sizeof raw)) != 0)
				return -1;
		}
	}
	if (!len && gm_folded_append(f, &len, "[no stack]") != 0)
		return -1;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)f->buf[i]) * 0x100000001b3ULL;
	struct gm_folded_line **head = &f->buckets[h & (f->nbuckets - 1)];
	for (struct gm_folded_line *l = *head; l; l = l->next) {
		if (l->hash == h && !strcmp(l->text, f->buf)) {
			l->value += value;
			return 0;
		}
	}
	struct gm_folded_line *l = malloc(sizeof *l + len + 1);
	if (!l)
		return -1;
	l->hash = h;
	l->value = value;
	memcpy(l->text, f->buf, len + 1);
	l->next = *head;
	*head = l;
	f->n++;
	if (f->n > f->nbuckets) {
		size_t nb = f->nbuckets * 2;
		struct gm_folded_line **b = calloc(nb, sizeof *b);
		if (b) {
			for (size_t i = 0; i < f->nbuckets; i++) {
				for (struct gm_folded_line *e = f->buckets[i], *nx; e; e = nx) {
					nx = e->next;
					e->next = b[e->hash & (nb - 1)];
					b[e->hash & (nb - 1)] = e;
				}
			}
			free(f->buckets);
			f->buckets = b;
			f->nbuckets = nb;
		}
	}
	return 0;
}

/* ---- output ---- */

static int gm_folded_cmp(const void *a, const void *b)
{
	const struct gm_folded_line *x = *(const struct gm_folded_line *const *)a;
	const struct gm_folded_line *y = *(const struct gm_folded_line *const *)b;
	return strcmp(x->text, y->text);
}

int gm_folded_write(struct gm_folded *f, FILE *out)
{
	struct gm_folded_line **all = malloc((f->n ? f->n : 1) * sizeof *all);
	if (!all)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < f->nbuckets; i++)
		for (struct gm_folded_line *l = f->buckets[i]; l; l = l->next)
			all[n++] = l;
	qsort(all, n, sizeof *all, gm_folded_cmp);
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		if (all[i]->value && fprintf(out, "%s %" PRId64 "\n", all[i]->text, all[i]->value) < 0)
			rc = -1;
	free(all);
	if (fflush(out) != 0)
		rc = -1;
	return rc;
}
