/* analyze.c: the analysis of a read model: which processes are reported, stack
 * classification (C, Go heap, Go runtime, the tracer), sampled estimates, the memory split
 * at the end, findings and leak suspects (rules and thresholds: docs/report.md). Runs once,
 * after the last event (gm_rep_analyze); single-threaded. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elf_image.h"
#include "gomemtrace/schema.h"
#include "tools/report/model_int.h"

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

int gm_rep_classify(struct gm_rep_model *m, struct gm_rep_proc *p, struct gm_rep_stack *st, int origin)
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

enum gm_rep_trigger gm_rep_trigger(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_stack *st)
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

int64_t gm_rep_other_anon(int64_t anon, int64_t c_live, int64_t c_retained, int64_t c_mmap, int64_t go_res)
{
	if (anon < 0)
		return -1;
	int64_t rest = anon - c_live - (c_retained > 0 ? c_retained : 0) - c_mmap - go_res;
	return rest > 0 ? rest : 0;
}

/* How many allocations of `size` bytes one recorded allocation stands for: with Poisson
 * sampling by bytes (mean interval sample_bytes), one of s bytes is recorded with probability
 * 1 - exp(-s / sample_bytes); from sample_big on, always (docs/sampling.md). Applied at the analysis:
 * proc_info, which carries the parameters, may come after the first allocations. */

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
	r->go_heap_resident = have_go && s[GM_F_GO_RESIDENT] >= 0 ? s[GM_F_GO_RESIDENT] : -1;
	/* the runtime's own heap statistics: objects in the heap's in-use spans, the rest of those
	 * spans unused; trusted when the spans fit in the pages the bitmaps say are in use (they
	 * also hold stacks and GC work buffers) */
	r->go_heap_objects = r->go_heap_unused = r->go_objects_first = -1;
	if (have_go && gm_rep_go_stats_ok(s)) {
		r->go_heap_objects = s[GM_F_GO_OBJECTS];
		r->go_heap_unused = s[GM_F_GO_SPANS] - s[GM_F_GO_OBJECTS] > 0 ? s[GM_F_GO_SPANS] - s[GM_F_GO_OBJECTS] : 0;
		if (p->first.valid && gm_rep_go_stats_ok(p->first.v))
			r->go_objects_first = p->first.v[GM_F_GO_OBJECTS];
	} else if (have_go && s[GM_F_GO_SPANS] >= 0) {
		gm_rep_model_warn(m, "the Go runtime's heap statistics do not fit its page bitmaps (an untested runtime "
				     "layout?): the Go heap's live objects and fragmentation are not shown");
	}
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
	if (have) {
		int64_t go_res = have_go ? (s[GM_F_GO_RESIDENT] >= 0 ? s[GM_F_GO_RESIDENT]
								     : s[GM_F_GO_INUSE] + s[GM_F_GO_FREE]) : 0;
		/* a window knows only the blocks allocated in it: glibc's count has the older ones too */
		int64_t c_live = p->window && r->c_heap_in_use > r->c_heap_live ? r->c_heap_in_use : r->c_heap_live;
		r->go_runtime_other = gm_rep_other_anon(s[GM_F_ANON], c_live, r->c_allocator_retained, r->c_mmap, go_res);
	} else {
		r->go_runtime_other = -1;
	}
	/* leak suspects: C stacks holding live bytes, most of what they allocated still live,
	 * or growing at every sample and never shrinking */
	int win = m->opts.from > 0;
	free(r->suspects);
	r->suspects = calloc(p->nstacks ? p->nstacks : 1, sizeof *r->suspects);
	r->nsuspects = 0;
	free(r->waiting);
	r->waiting = calloc(p->nstacks ? p->nstacks : 1, sizeof *r->waiting);
	r->nwaiting = 0;
	r->waiting_bytes = 0;
	r->fin_freed[0] = r->fin_freed[1] = 0;
	r->fin_freed_blocks = p->fin_frees;
	for (uint32_t i = 0; i < p->nstacks; i++)
		for (int k = 0; k < 2; k++)
			r->fin_freed[k] += gm_rep_est(p->stacks[i].fin_bytes[k]);
	r->suspects_bytes = 0;
	r->ntruncated = 0;
	r->truncated_bytes = 0;
	double suspects_est = 0, suspects_var = 0;
	for (uint32_t i = 0; r->suspects && r->waiting && i < p->nstacks; i++) {
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
		if (live && gm_rep_fin_paced(st) && !maps) { /* freed by Go finalizers: waits for a GC */
			r->waiting[r->nwaiting++] = i;
			r->waiting_bytes += gm_rep_est(win ? st->est_win_bytes : st->est_live_bytes);
			continue;
		}
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
	if (r->waiting)
		qsort(r->waiting, (size_t)r->nwaiting, sizeof *r->waiting, gm_rep_cmp_suspect);
	/* the timeline's figures (the finalizers' backlog comes from it) */
	gm_rep_tl_analyze(m, p);
	r->fin_backlog_peak = r->waiting_bytes > gm_rep_est(p->fin_peak) ? r->waiting_bytes : gm_rep_est(p->fin_peak);
	for (uint32_t i = 0; p->tl && i < gm_rep_tl_points(p->tl); i++)
		if (gm_rep_est(p->tl->pt[i].fin_live) > r->fin_backlog_peak)
			r->fin_backlog_peak = gm_rep_est(p->tl->pt[i].fin_live);
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
	/* fragmentation: in-use spans that live objects fill to less than half */
	if (r->go_heap_unused >= 32 * (int64_t)GM_MIB && r->go_heap_unused >= r->go_heap_objects) {
		snprintf(buf, sizeof buf, "%.1f MiB of the Go heap in use is span fragmentation: its in-use spans hold "
			 "%.1f MiB of live objects in %.1f MiB (%.0f %% empty slots); pprof shows only the objects: the "
			 "spans stay while any object in them lives (size classes mixing long- and short-lived objects)",
			 gm_rep_mib(r->go_heap_unused), gm_rep_mib(r->go_heap_objects),
			 gm_rep_mib(r->go_heap_objects + r->go_heap_unused),
			 100.0 * (double)r->go_heap_unused / (double)(r->go_heap_objects + r->go_heap_unused));
		gm_rep_add_finding(r, "go_heap_fragmentation", (uint64_t)r->go_heap_unused, buf);
	}
	/* growth of the Go heap: of its live objects when the runtime's statistics say (a heap
	 * grown by fragmentation is not a Go leak), else of its in-use pages */
	int by_objects = r->go_objects_first >= 0 && r->go_heap_objects >= 0;
	int64_t g_first = by_objects ? r->go_objects_first : r->go_inuse_first;
	int64_t g_last = by_objects ? r->go_heap_objects : r->go_heap_in_use;
	if (g_first >= 0 && g_last - g_first >= 32 * (int64_t)GM_MIB && g_last >= g_first * 3 / 2) {
		uint64_t g = (uint64_t)(g_last - g_first);
		snprintf(buf, sizeof buf, "the Go heap's %s grew by %.1f MiB (%.1f -> %.1f MiB) over the trace; "
			 "use a Go heap profile (pprof) to see which Go code holds it", by_objects ? "live objects" : "in use",
			 gm_rep_mib((int64_t)g), gm_rep_mib(g_first), gm_rep_mib(g_last));
		gm_rep_add_finding(r, "go_heap_growth", g, buf);
	}
	if (r->c_allocator_retained >= 16 * (int64_t)GM_MIB && r->c_allocator_retained >= r->c_heap_live) {
		snprintf(buf, sizeof buf, "glibc malloc holds %.1f MiB of freed memory (live C blocks: %.1f MiB); "
			 "try malloc_trim(0), MALLOC_ARENA_MAX=2 or MALLOC_TRIM_THRESHOLD_",
			 gm_rep_mib(r->c_allocator_retained), gm_rep_mib(r->c_heap_live));
		gm_rep_add_finding(r, "c_allocator_retention", (uint64_t)r->c_allocator_retained, buf);
	}
	/* C memory freed by Go finalizers/cleanups: not leaked, but held until the GC runs them */
	uint64_t fin = r->fin_freed[0] + r->fin_freed[1];
	if (fin && r->fin_backlog_peak >= 8 * GM_MIB && (!r->rss_peak || r->fin_backlog_peak * 20 >= (uint64_t)r->rss_peak)) {
		snprintf(buf, sizeof buf, "%s%.1f MiB of C memory at once waited for Go finalizers or cleanups to free it "
			 "(%.1f MiB freed by them during the trace, %.1f MiB still waiting at the end, in %d stack%s): "
			 "not a leak, it goes when the GC runs them; call the binding's Free/Close, or make the GC "
			 "run sooner (GOGC, GOMEMLIMIT)", r->approximate ? "~" : "", gm_rep_mib((int64_t)r->fin_backlog_peak),
			 gm_rep_mib((int64_t)fin), gm_rep_mib((int64_t)r->waiting_bytes), r->nwaiting,
			 r->nwaiting == 1 ? "" : "s");
		gm_rep_add_finding(r, "finalizer_paced", r->fin_backlog_peak, buf);
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
		for (int i = 0; i < p->res.nsuspects + p->res.nwaiting; i++) {
			int w = i >= p->res.nsuspects, j = w ? i - p->res.nsuspects : i;
			if (j >= m->opts.top)
				continue;
			const struct gm_rep_stack *st = &p->stacks[w ? p->res.waiting[j] : p->res.suspects[j]];
			for (uint32_t k = 0; k < st->depth; k++)
				gm_rep_symbolize(m, p, gm_rep_stack_frames(p, st)[k]);
		}
	}
	gm_rep_collect_sym_warnings(m);
	if (m->oom)
		gm_rep_model_warn(m, "out of memory while reading: figures are incomplete");
}
