/* html.c: `gomemtrace report --format html`: one self-contained page (docs/report-html.md).
 * The page is the template tools/report/html/page.html with its marker lines filled: the
 * stylesheet and the script (page.css, page.js, compiled in as html_assets.h's strings),
 * the JSON report exactly as json.c writes it (block gm-data), and a second JSON block,
 * gm-stacks, with every stack of each reported process that holds live C memory, for the
 * flame graph (the JSON report keeps the top N suspects only). Both blocks are written as
 * script text: every '<' becomes \u003c (so no "</script" or "<!--" can end or bend the
 * element; '<' occurs only inside JSON strings) and U+2028/U+2029 become \u2028/\u2029 (JSON
 * allows them raw, older JavaScript string literals did not). Reads an analyzed model;
 * single-threaded. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tools/report/html_assets.h"
#include "tools/report/output.h"

/* ---- script text ---- */
/* Write n bytes of JSON as the text of a <script> element (escapes: see the header). */
static void gm_html_script_text(FILE *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '<') {
			fputs("\\u003c", o);
		} else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			fputs((unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", o);
			i += 2;
		} else {
			fputc(c, o);
		}
	}
}


/* ---- the frames of a flame graph ---- */
/* One distinct frame name of a process's flame graph (frames merge by name). */
struct gm_html_frame {
	char *name;             /* as shown: the function, or "0x1234 in module" (owned) */
	const char *kind;       /* "go", "c", or "?" (not symbolized): see gm_html_kind */
	const char *module;     /* its module's path (the symbolizer's string), or NULL */
	const char *file;       /* source file of its first occurrence (the symbolizer's), or NULL */
	int line;               /* its line, 0 unknown */
	uint64_t hash;          /* of name */
};

/* A process's frame names, by id, with an open-addressing index. */
struct gm_html_frames {
	struct gm_html_frame *v; /* frames by id */
	uint32_t n, cap;         /* used, allocated */
	uint32_t *slot;          /* index: id + 1, 0 = empty */
	uint32_t nslots;         /* its size (a power of two, > 2n) */
};

static void gm_html_frames_free(struct gm_html_frames *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

/* Whether a function name carries a GCC clone suffix after its first '.' (foo.part.0,
 * foo.isra.0, foo.constprop.0, foo.cold, foo.lto_priv.0, ...): a C name, not pkg.Name. */
static int gm_html_gcc_clone(const char *fn)
{
	static const char *const sfx[] = { "part.", "isra.", "constprop.", "lto_priv.", "clone.", "cold.", NULL };
	const char *dot = strchr(fn, '.');
	if (!dot++)
		return 0;
	for (int k = 0; sfx[k]; k++)
		if (!strncmp(dot, sfx[k], strlen(sfx[k])))
			return 1;
	return !strcmp(dot, "cold") || !strcmp(dot, "localalias");
}

/* Go or C (docs/report-html.md, "Go and C frames"): a frame is Go when its source file is Go
 * source or Go assembly (.go, .s: what .gopclntab gives for every Go function, cgo's
 * generated Go included) and its function is named like Go's (pkg.Name: a '.', not a GCC
 * clone suffix); any other symbolized frame is C: cgo's C side (_cgo_*, the preamble's C
 * functions, which #line directives place in the .go file), libraries, the program's C code.
 * A frame without a function is "?". page.js applies the same rule to the suspects' frames. */
static const char *gm_html_kind(const struct gm_sym_frame *f)
{
	if (!f->func)
		return "?";
	size_t n = f->file ? strlen(f->file) : 0;
	int gofile = (n > 3 && !strcmp(f->file + n - 3, ".go")) || (n > 2 && !strcmp(f->file + n - 2, ".s"));
	return gofile && strchr(f->func, '.') && !gm_html_gcc_clone(f->func) ? "go" : "c";
}

static uint64_t gm_html_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

/* The id of frame f (named `name`), added on first sight. The id, or -1 on no memory. */
static int64_t gm_html_frame_id(struct gm_html_frames *t, const char *name, const struct gm_sym_frame *f)
{
	uint64_t h = gm_html_hash(name);
	if (2 * (t->n + 1) > t->nslots) { /* grow the index, reinsert */
		uint32_t ns = t->nslots ? t->nslots * 2 : 1024;
		uint32_t *s = calloc(ns, sizeof *s);
		if (!s)
			return -1;
		for (uint32_t i = 0; i < t->n; i++) {
			uint32_t k = (uint32_t)t->v[i].hash & (ns - 1);
			while (s[k])
				k = (k + 1) & (ns - 1);
			s[k] = i + 1;
		}
		free(t->slot);
		t->slot = s;
		t->nslots = ns;
	}
	uint32_t k = (uint32_t)h & (t->nslots - 1);
	for (; t->slot[k]; k = (k + 1) & (t->nslots - 1)) {
		const struct gm_html_frame *e = &t->v[t->slot[k] - 1];
		if (e->hash == h && !strcmp(e->name, name))
			return t->slot[k] - 1;
	}
	if (t->n == t->cap) {
		uint32_t nc = t->cap ? t->cap * 2 : 256;
		struct gm_html_frame *nv = realloc(t->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		t->v = nv;
		t->cap = nc;
	}
	char *copy = strdup(name);
	if (!copy)
		return -1;
	t->v[t->n] = (struct gm_html_frame){ copy, f ? gm_html_kind(f) : "?", f ? f->module : NULL,
					     f ? f->file : NULL, f ? f->line : 0, h };
	t->slot[k] = t->n + 1;
	return t->n++;
}

/* The name of a frame in the flame graph (as folded.c names it). */
static const char *gm_html_name(const struct gm_sym_frame *f, char *raw, size_t size)
{
	if (f->func)
		return f->func;
	const char *base = f->module ? strrchr(f->module, '/') : NULL;
	base = base ? base + 1 : f->module;
	if (f->status == GM_SYM_NOMODULE || !base)
		snprintf(raw, size, "0x%" PRIx64, f->offset);
	else
		snprintf(raw, size, "0x%" PRIx64 " in %s", f->offset, base);
	return raw;
}

/* ---- the stacks block ---- */
/* One process's entry of gm-stacks: { "pid", "generation", "total", "stacks": [[bytes, count,
 * frame id, ...]] (frame ids outermost first), "frames": [[name, kind, module, "file:line"]] }.
 * Stacks: every allocation or mapping stack with live bytes (malloc blocks, weighted when
 * sampled, plus live direct C mappings: gm_rep_suspect_bytes; with --from, those made in the
 * window). 0, or -1 on no memory. */
static int gm_html_proc_stacks(FILE *o, struct gm_rep_model *m, struct gm_rep_proc *p)
{
	struct gm_html_frames t = { 0 };
	int win = m->opts.from > 0, first = 1, rc = 0;
	uint64_t total = 0;
	fprintf(o, "{ \"pid\": %" PRId64 ", \"generation\": %d, \"stacks\": [", p->vpid, p->generation);
	for (uint32_t i = 0; i < p->nstacks && !rc; i++) {
		struct gm_rep_stack *st = &p->stacks[i];
		if (!st->allocs && !st->map_count)
			continue; /* a madvise stack, or mappings all gone */
		uint64_t bytes = gm_rep_suspect_bytes(st, win);
		if (!bytes)
			continue;
		total += bytes;
		fprintf(o, "%s\n  [%" PRIu64 ", %" PRIu64, first ? "" : ",", bytes, gm_rep_suspect_count(st, win));
		first = 0;
		const uint64_t *fr = gm_rep_stack_frames(p, st);
		if (!st->depth) {
			int64_t id = gm_html_frame_id(&t, "[no stack]", NULL);
			if (id < 0)
				rc = -1;
			else
				fprintf(o, ", %" PRId64, id);
		}
		for (uint32_t k = st->depth; k-- > 0 && !rc;) { /* outermost first */
			struct gm_sym_result sr = gm_rep_symbolize(m, p, fr[k]);
			for (unsigned j = sr.n; j-- > 0;) { /* the real function, then what it inlined */
				char raw[512];
				int64_t id = gm_html_frame_id(&t, gm_html_name(&sr.frames[j], raw, sizeof raw), &sr.frames[j]);
				if (id < 0) {
					rc = -1;
					break;
				}
				fprintf(o, ", %" PRId64, id);
			}
		}
		fputc(']', o);
	}
	fputs(" ],\n  \"frames\": [", o);
	for (uint32_t i = 0; i < t.n; i++) {
		const struct gm_html_frame *f = &t.v[i];
		const char *base = f->module ? strrchr(f->module, '/') : NULL;
		fputs(i ? ",\n  [" : "\n  [", o);
		gm_rep_json_str(o, f->name);
		fprintf(o, ", \"%s\", ", f->kind);
		gm_rep_json_str(o, base ? base + 1 : f->module);
		fputs(", ", o);
		if (f->file) {
			char loc[1024];
			snprintf(loc, sizeof loc, "%s:%d", f->file, f->line);
			gm_rep_json_str(o, loc);
		} else {
			fputs("\"\"", o);
		}
		fputc(']', o);
	}
	fprintf(o, " ],\n  \"total\": %" PRIu64 " }", total);
	gm_html_frames_free(&t);
	return rc;
}

/* gm-stacks: { "processes": [ one entry per reported process, in the JSON report's order ] }. */
static int gm_html_stacks(FILE *o, struct gm_rep_model *m)
{
	int first = 1;
	fputs("{ \"processes\": [", o);
	for (struct gm_rep_proc *p = m->procs; p; p = p->next) {
		if (!p->nevents || !p->selected)
			continue; /* the JSON report's selection (json.c) */
		fputs(first ? "\n" : ",\n", o);
		first = 0;
		if (gm_html_proc_stacks(o, m, p) != 0)
			return -1;
	}
	fputs(" ] }", o);
	return 0;
}

/* ---- the page ---- */
/* Write a JSON block into o as script text: the JSON report (json.c), or with `stacks` the
 * gm-stacks block. 0, or -1 (no memory; errno set). */
static int gm_html_block(FILE *o, struct gm_rep_model *m, const char *dir, int stacks)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *ms = open_memstream(&buf, &len);
	if (!ms)
		return -1;
	int rc = 0;
	if (stacks)
		rc = gm_html_stacks(ms, m);
	else
		gm_rep_write_json(ms, m, dir);
	if (fclose(ms) != 0)
		rc = -1;
	if (!rc)
		gm_html_script_text(o, buf, len);
	free(buf);
	return rc;
}

int gm_rep_write_html(FILE *o, struct gm_rep_model *m, const char *dir)
{
	static const char *const marks[] = { "/*@gm:css@*/", "/*@gm:js@*/", "/*@gm:data@*/", "/*@gm:stacks@*/" };
	const char *s = gm_html_page_html;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		const char *b = s;
		while (b < s + n && (*b == ' ' || *b == '\t'))
			b++;
		int mark = -1;
		for (int k = 0; k < 4; k++)
			if ((size_t)(s + n - b) == strlen(marks[k]) && !memcmp(b, marks[k], strlen(marks[k])))
				mark = k;
		if (mark == 0)
			fputs(gm_html_page_css, o);
		else if (mark == 1)
			fputs(gm_html_page_js, o);
		else if (mark >= 2 && gm_html_block(o, m, dir, mark == 3) != 0)
			return -1;
		else if (mark < 0)
			fwrite(s, 1, n, o);
		if (mark < 0 || mark >= 2)
			fputc('\n', o);
		s += n + (nl != NULL);
	}
	return 0;
}
