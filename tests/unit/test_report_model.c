/* test_report_model.c: unit tests of the reader's model (tools/report/model.c) on synthetic
 * decoded events: live blocks and their stacks, realloc attribution to the original
 * allocation, frees of unknown pointers, mappings (MAP_FIXED replacement, partial munmap,
 * mremap), samples -> final figures and findings, lost events -> approximate, live direct C
 * mappings as leak suspects, MADV_FREE'd Go heap still in LazyFree as scavenger retention;
 * batched records of two threads delivered out of time order, put back in order by flushes;
 * stacks of a real cgo program (the gosyms test program of the newest Go of GM_GO_VERSIONS,
 * built at test time) that end at runtime.asmcgocall: kept as leak suspects, marked truncated,
 * with warnings, while complete and runtime-only stacks are classified as before; windows of a
 * longer run (no gomemtrace:start): records outside [resync marker, last flush] not applied,
 * frees of older blocks counted apart, a per-call process's window from its first event;
 * flight recorder snapshots (complete from a point: a batching process's window from its first
 * resync after it, per-call records and mappings before it not applied). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "gomemtrace/schema.h"
#include "tools/report/model.h"
#include "tools/report/output.h"
#include "tests/unit/test_gosyms_fixtures.h"

/* ---- helpers ---- */
static struct gm_rep_model M;
static uint64_t T = 1000000000ULL;

static struct gm_rep_ev ev(enum gm_rep_kind k, const uint64_t *stack, uint32_t depth)
{
	struct gm_rep_ev e;
	memset(&e, 0, sizeof e);
	e.kind = k, e.ts = (T += 1000), e.vpid = 42, e.vtid = 42, e.procname = "t";
	e.a[GM_A_STACK] = stack, e.alen[GM_A_STACK] = depth;
	return e;
}

static void do_malloc(uint64_t ptr, uint64_t size, const uint64_t *st, uint32_t d)
{
	struct gm_rep_ev e = ev(GM_EV_MALLOC, st, d);
	e.v[GM_F_PTR] = (int64_t)ptr, e.v[GM_F_SIZE] = (int64_t)size;
	gm_rep_model_event(&M, &e);
}

static void do_free(uint64_t ptr)
{
	struct gm_rep_ev e = ev(GM_EV_FREE, NULL, 0);
	e.v[GM_F_PTR] = (int64_t)ptr;
	gm_rep_model_event(&M, &e);
}

static void do_realloc(uint64_t in, uint64_t out, uint64_t size, const uint64_t *st, uint32_t d)
{
	struct gm_rep_ev e = ev(GM_EV_REALLOC, st, d);
	e.v[GM_F_IN_PTR] = (int64_t)in, e.v[GM_F_PTR] = (int64_t)out, e.v[GM_F_SIZE] = (int64_t)size;
	e.v[GM_F_NMEMB] = 1, e.has[GM_F_NMEMB] = 1;
	gm_rep_model_event(&M, &e);
}

static void do_sample_kind(int kind, int64_t rss, int64_t go_inuse, int64_t go_free)
{
	struct gm_rep_ev e = ev(GM_EV_SAMPLE, NULL, 0);
	e.v[GM_F_KIND] = kind;
	for (int i = GM_F_RSS; i <= GM_F_GO_RESIDENT; i++)
		e.v[i] = 0;
	e.v[GM_F_RSS] = rss, e.v[GM_F_ANON] = rss, e.v[GM_F_GO_SOURCE] = 1;
	e.v[GM_F_GO_INUSE] = go_inuse, e.v[GM_F_GO_FREE] = go_free, e.v[GM_F_GO_RESIDENT] = go_inuse + go_free;
	e.v[GM_F_M_FREE] = 1000;
	gm_rep_model_event(&M, &e);
}
static void do_sample(int64_t rss, int64_t go_inuse, int64_t go_free)
{
	do_sample_kind(GM_SAMPLE_PERIODIC, rss, go_inuse, go_free);
}

static int setup(void **state)
{
	struct gm_rep_opts o = { .top = 10, .pid = -1, .from = 0, .to = -1 };
	gm_rep_model_init(&M, &o);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	gm_rep_model_free(&M);
	(void)state;
	return 0;
}

static const uint64_t S1[] = { 0x401000, 0x402000 }, S2[] = { 0x403000 }, S3[] = { 0x404000, 0x405000 };

/* A batch event at the current time; records (time in cycles = ns here, cycles_off 0). */
static void do_batch(const uint64_t *rec, uint32_t nwords)
{
	struct gm_rep_ev e = ev(GM_EV_ALLOC_BATCH, NULL, 0);
	e.cycles_ok = 1, e.cycles_off = 0;
	e.a[GM_A_REC] = rec, e.alen[GM_A_REC] = nwords;
	gm_rep_model_event(&M, &e);
}

static void do_stack_id(uint64_t id, const uint64_t *st, uint32_t d)
{
	struct gm_rep_ev e = ev(GM_EV_STACK, st, d);
	e.v[GM_F_ID] = (int64_t)id;
	gm_rep_model_event(&M, &e);
}

static void do_flush(uint64_t upto, int final, uint32_t unflushed)
{
	struct gm_rep_ev e = ev(GM_EV_FLUSH, NULL, 0);
	e.cycles_ok = 1, e.cycles_off = 0;
	e.v[GM_F_UPTO] = (int64_t)upto, e.v[GM_F_FINAL] = final, e.v[GM_F_UNFLUSHED] = unflushed;
	gm_rep_model_event(&M, &e);
}

#define REC(ts, ptr, size, kind, id) (ts), (ptr), (uint64_t)(size) | (uint64_t)(kind) << GM_BATCH_KIND_SHIFT, (id)

/* ---- tests ---- */
static void test_blocks(void **state)
{
	(void)state;
	for (uint64_t i = 0; i < 10000; i++)
		do_malloc(0x10000 + i * 16, 16, S1, 2);
	for (uint64_t i = 0; i < 10000; i += 2)
		do_free(0x10000 + i * 16);
	do_free(0xdead0); /* never allocated: counted, not fatal */
	struct gm_rep_proc *p = M.procs;
	assert_non_null(p);
	assert_int_equal(p->nblocks, 5000);
	assert_int_equal(p->live_bytes, 5000 * 16);
	assert_int_equal(p->unknown_frees, 1);
	assert_int_equal(p->nstacks, 1); /* frees intern no stack */
	assert_int_equal(p->stacks[0].allocs, 10000);
	assert_int_equal(p->stacks[0].frees, 5000);
	assert_int_equal(p->stacks[0].live_count, 5000);
}

static void test_realloc_keeps_origin(void **state)
{
	(void)state;
	do_malloc(0x1000, 64, S1, 2);
	do_realloc(0x1000, 0x2000, 4096, S2, 1);  /* moves: stays with S1 */
	do_realloc(0x2000, 0x2000, 8192, S2, 1);  /* in place */
	do_realloc(0, 0x3000, 100, S3, 2);        /* realloc(NULL) = malloc, S3 */
	do_realloc(0x3000, 0, 0, S3, 2);          /* realloc(p, 0) = free */
	do_realloc(0x9999, 0x4000, 10, S2, 1);    /* unknown in_ptr: counted, new block under S2 */
	struct gm_rep_proc *p = M.procs;
	assert_int_equal(p->nblocks, 2);
	assert_int_equal(p->live_bytes, 8192 + 10);
	assert_int_equal(p->unknown_frees, 1);
	assert_int_equal(p->stacks[0].live_bytes, 8192); /* S1 */
	assert_int_equal(p->stacks[0].allocs, 1);
}

static void test_maps(void **state)
{
	(void)state;
	struct gm_rep_ev e = ev(GM_EV_MMAP, S3, 2);
	e.v[GM_F_RET] = 0x7f0000000000, e.v[GM_F_LEN] = 10 << 20, e.v[GM_F_PROT] = 3, e.v[GM_F_FD] = -1;
	gm_rep_model_event(&M, &e);
	e = ev(GM_EV_MUNMAP, S3, 2); /* a hole in the middle */
	e.v[GM_F_ADDR] = 0x7f0000000000 + (2 << 20), e.v[GM_F_LEN] = 1 << 20;
	gm_rep_model_event(&M, &e);
	e = ev(GM_EV_MMAP, S2, 1); /* MAP_FIXED over the head */
	e.v[GM_F_RET] = 0x7f0000000000, e.v[GM_F_LEN] = 4096, e.v[GM_F_PROT] = 3, e.v[GM_F_FD] = -1;
	gm_rep_model_event(&M, &e);
	struct gm_rep_proc *p = M.procs;
	assert_int_equal(p->nmaps, 3);
	uint64_t total = 0;
	for (uint64_t i = 0; i < p->nmaps; i++) {
		total += p->maps[i].end - p->maps[i].start;
		if (i)
			assert_true(p->maps[i - 1].end <= p->maps[i].start);
	}
	assert_int_equal(total, 9 << 20);
	gm_rep_analyze(&M); /* no module map: every stack is C */
	assert_int_equal(p->res.c_mmap, 9 << 20);
}

static void test_findings(void **state)
{
	(void)state;
	do_sample(100 << 20, 10 << 20, 0);
	for (uint64_t i = 0; i < 32; i++)
		do_malloc(0x100000 + i * 0x10000, 65536, S1, 2); /* 2 MiB never freed */
	do_malloc(0x900000, 100, S2, 1);
	do_free(0x900000);
	do_sample(300 << 20, 12 << 20, 200 << 20);
	gm_rep_analyze(&M);
	struct gm_rep_result *r = &M.procs->res;
	assert_int_equal(r->nsuspects, 1);
	assert_int_equal(r->suspects_bytes, 2 << 20);
	assert_int_equal(r->nfindings, 2);
	assert_string_equal(r->findings[0].kind, "scavenger_retention"); /* 200 MiB first */
	assert_string_equal(r->findings[1].kind, "cgo_leak");
	assert_int_equal(r->go_heap_free_retained, 200 << 20);
	assert_int_equal(r->c_allocator_retained, 1000);
	assert_false(r->approximate);
	gm_rep_model_discarded(&M, 5, 0, 0);
	gm_rep_analyze(&M);
	assert_true(M.procs->res.approximate);
	assert_int_equal(M.lost_events, 5);
}

static void do_mmap(uint64_t ret, uint64_t len, int origin, const uint64_t *st, uint32_t d)
{
	struct gm_rep_ev e = ev(GM_EV_MMAP, st, d);
	e.v[GM_F_RET] = (int64_t)ret, e.v[GM_F_LEN] = (int64_t)len, e.v[GM_F_PROT] = 3, e.v[GM_F_FD] = -1;
	e.v[GM_F_FLAGS] = 0x22, e.v[GM_F_ORIGIN] = origin;
	gm_rep_model_event(&M, &e);
}

static void do_munmap(uint64_t addr, uint64_t len)
{
	struct gm_rep_ev e = ev(GM_EV_MUNMAP, S2, 1);
	e.v[GM_F_ADDR] = (int64_t)addr, e.v[GM_F_LEN] = (int64_t)len;
	gm_rep_model_event(&M, &e);
}

/* Live direct C mappings are leak suspects (by their mmap stack, bytes = mapped length);
 * unmapped ones, partly unmapped ones' holes and the Go runtime's raw mmaps are not. */
static void test_map_suspects(void **state)
{
	(void)state;
	static const uint64_t S4[] = { 0x406000 }, S5[] = { 0x407000 };
	for (uint64_t i = 0; i < 4; i++) /* 4 x 16 MiB kept, the last one with its tail unmapped */
		do_mmap(0x7f0000000000 + i * (32 << 20), 16 << 20, GM_ORIGIN_LIBC, S3, 2);
	do_munmap(0x7f0000000000 + 3 * (32 << 20) + (8 << 20), 8 << 20);
	for (uint64_t i = 0; i < 4; i++) { /* mapped and unmapped: balanced */
		do_mmap(0x7e0000000000, 1 << 20, GM_ORIGIN_LIBC, S4, 1);
		do_munmap(0x7e0000000000, 1 << 20);
	}
	do_mmap(0x7d0000000000, 8 << 20, GM_ORIGIN_GO_RAW, S5, 1); /* the Go runtime's own */
	struct gm_rep_ev e = ev(GM_EV_MREMAP, S2, 1);     /* the first grows and moves: still S3's */
	e.v[GM_F_OLD_ADDR] = 0x7f0000000000, e.v[GM_F_OLD_LEN] = 16 << 20, e.v[GM_F_NEW_LEN] = 20 << 20;
	e.v[GM_F_RET] = 0x7c0000000000;
	gm_rep_model_event(&M, &e);
	do_sample(200 << 20, 1 << 20, 0);
	gm_rep_analyze(&M);
	struct gm_rep_proc *p = M.procs;
	struct gm_rep_result *r = &p->res;
	uint64_t want = (20 << 20) + 2 * (16 << 20) + (8 << 20);
	assert_int_equal(r->c_mmap, want);
	assert_int_equal(r->nsuspects, 1);
	const struct gm_rep_stack *st = &p->stacks[r->suspects[0]];
	assert_int_equal(st->depth, 2);
	assert_int_equal(gm_rep_stack_frames(p, st)[0], S3[0]);
	assert_string_equal(gm_rep_suspect_kind(st), "mmap");
	assert_int_equal(gm_rep_suspect_bytes(st, 0), want);
	assert_int_equal(gm_rep_suspect_count(st, 0), 4);
	assert_int_equal(r->suspects_bytes, want);
	assert_int_equal(r->nfindings, 1);
	assert_string_equal(r->findings[0].kind, "cgo_leak");
	assert_int_equal(r->findings[0].bytes, want);
}

static void do_lazy_sample(int64_t go_inuse, int64_t go_free, int64_t lazyfree)
{
	struct gm_rep_ev e = ev(GM_EV_SAMPLE, NULL, 0);
	for (int i = GM_F_RSS; i <= GM_F_GO_RESIDENT; i++)
		e.v[i] = 0;
	e.v[GM_F_RSS] = e.v[GM_F_ANON] = 300 << 20, e.v[GM_F_LAZYFREE] = lazyfree, e.v[GM_F_GO_SOURCE] = 1;
	e.v[GM_F_GO_INUSE] = go_inuse, e.v[GM_F_GO_FREE] = go_free, e.v[GM_F_GO_RESIDENT] = go_inuse + go_free;
	e.v[GM_F_M_FREE] = 0;
	gm_rep_model_event(&M, &e);
}

static void do_madvise(uint64_t len, int advice, int origin, const uint64_t *st, uint32_t d)
{
	struct gm_rep_ev e = ev(GM_EV_MADVISE, st, d);
	e.v[GM_F_ADDR] = 0xc000000000, e.v[GM_F_LEN] = (int64_t)len, e.v[GM_F_ARG] = advice, e.v[GM_F_ORIGIN] = origin;
	gm_rep_model_event(&M, &e);
}

/* Go heap released with MADV_FREE and still in LazyFree counts as scavenger retention, bounded
 * by what the Go runtime released with MADV_FREE; C code's MADV_FREE does not count. */
static void test_madv_free_retention(void **state)
{
	(void)state;
	do_madvise(100 << 20, 8, GM_ORIGIN_GO_RAW, S1, 2); /* the runtime's scavenger: 100 MiB */
	do_madvise(300 << 20, 8, GM_ORIGIN_LIBC, S2, 1);   /* C code (no module map: C) */
	do_lazy_sample(10 << 20, 2 << 20, 250 << 20);      /* LazyFree 250 MiB: 100 of them Go's */
	gm_rep_analyze(&M);
	struct gm_rep_result *r = &M.procs->res;
	assert_int_equal(r->released_free, 400 << 20);
	assert_int_equal(r->released_free_go, 100 << 20);
	assert_int_equal(r->go_heap_lazyfree, 100 << 20);
	assert_int_equal(r->go_heap_free_retained, 2 << 20);
	assert_int_equal(r->nfindings, 1);
	assert_string_equal(r->findings[0].kind, "scavenger_retention");
	assert_int_equal(r->findings[0].bytes, 102 << 20);
	assert_non_null(strstr(r->findings[0].summary, "MADV_FREE"));
	assert_non_null(strstr(r->findings[0].summary, "GODEBUG=madvdontneed=1"));
	do_lazy_sample(10 << 20, 2 << 20, 1 << 20);        /* the kernel reclaimed it: below threshold */
	gm_rep_analyze(&M);
	assert_int_equal(r->go_heap_lazyfree, 1 << 20);
	assert_int_equal(r->nfindings, 0);
}

static int warned(const char *part);

/* Thread A mallocs P at t+1 and frees it at t+5; thread B gets P back at t+7. B's batch is
 * written first (full), A's later (by the flusher): in arrival order B's malloc would be undone
 * by A's free. After the flush, P must be live with B's size and stack, nothing unknown. Then a
 * per-call free arriving while records wait must wait for them too; an undefined stack id gets
 * an empty stack; a final flush that left records behind makes the figures approximate. */
static void test_batches_out_of_order(void **state)
{
	(void)state;
	const uint64_t P = 0x7000, t = 1000; /* records older than every event time below */
	do_stack_id(0x11, S1, 2);
	do_stack_id(0x23, S2, 1);
	const uint64_t b_rec[] = { REC(t + 7, P, 300, GM_BATCH_MALLOC, 0x23) };
	do_batch(b_rec, 4);
	const uint64_t a_rec[] = { REC(t + 1, P, 100, GM_BATCH_MALLOC, 0x11), REC(t + 5, P, 0, GM_BATCH_FREE, 0),
				   REC(t + 2, 0x9000, 50, GM_BATCH_MALLOC_FREED, 0x11) };
	do_batch(a_rec, 12);
	struct gm_rep_proc *p = M.procs;
	assert_non_null(p);
	assert_int_equal(p->nblocks, 0); /* nothing applied before a flush */
	do_flush(t + 10, 0, 0);
	assert_int_equal(p->nblocks, 1);
	assert_int_equal(p->live_bytes, 300);
	assert_int_equal(p->unknown_frees, 0);
	uint32_t b_stack = p->blocks[0].ptr ? p->blocks[0].stack : 0;
	for (uint64_t i = 0; i < p->capblocks; i++)
		if (p->blocks[i].ptr == P)
			b_stack = p->blocks[i].stack;
	assert_int_equal(p->stacks[b_stack].depth, 1);
	assert_int_equal(gm_rep_stack_frames(p, &p->stacks[b_stack])[0], S2[0]);
	/* the malloc-then-free record: one allocation and one free at stack S1 (with A's malloc) */
	int n_s1 = 0;
	for (uint32_t i = 0; i < p->nstacks; i++)
		if (p->stacks[i].depth == 2) {
			n_s1++;
			assert_int_equal(gm_rep_stack_frames(p, &p->stacks[i])[0], S1[0]);
			assert_int_equal(p->stacks[i].allocs, 2);
			assert_int_equal(p->stacks[i].frees, 2);
		}
	assert_int_equal(n_s1, 1); /* S1 exists, once */
	/* a record waits (t+20, P freed by B); a per-call free of P arrives (its event time is
	 * later than every record): it must not be applied before the queued free */
	const uint64_t b2[] = { REC(t + 20, P, 0, GM_BATCH_FREE, 0), REC(t + 21, 0xa000, 8, GM_BATCH_MALLOC, 0x99) };
	do_batch(b2, 8);
	do_malloc(P, 64, S3, 2); /* per-call event, time T > t + 21: P handed out again */
	assert_int_equal(p->live_bytes, 300); /* all queued */
	do_flush(UINT64_MAX >> 2, 0, 0);
	assert_int_equal(p->unknown_frees, 0);
	assert_int_equal(p->live_bytes, 64 + 8);
	assert_int_equal(p->unknown_stack_ops, 1); /* id 0x99 was never defined */
	do_flush(0, 1, 3);
	gm_rep_analyze(&M);
	assert_true(p->res.approximate);
	assert_true(warned("3 allocation records were still in a thread's buffer at exit"));
	assert_true(warned("1 allocation records name a stack the trace does not define"));
}

/* The block of ptr (NULL: not live). */
static const struct gm_rep_block *find_block(const struct gm_rep_proc *p, uint64_t ptr)
{
	for (uint64_t i = 0; i < p->capblocks; i++)
		if (p->blocks[i].ptr == ptr)
			return &p->blocks[i];
	return NULL;
}

/* Whether a warning contains `part`. */
static int warned(const char *part)
{
	for (size_t i = 0; i < M.nwarnings; i++)
		if (strstr(M.warnings[i], part))
			return 1;
	return 0;
}

/* Start over with other options (the teardown frees the model). */
static void reopen(int64_t pid, double to)
{
	gm_rep_model_free(&M);
	struct gm_rep_opts o = { .top = 10, .pid = pid, .from = 0, .to = to };
	gm_rep_model_init(&M, &o);
}

/* A per-call free that arrives while older records of the same block wait is applied after
 * them: applied at once, it would be an unknown free and leave the block live. */
static void test_batch_direct_free_waits(void **state)
{
	(void)state;
	const uint64_t P = 0x7000, t = 1000;
	do_stack_id(0x11, S1, 2);
	const uint64_t rec[] = { REC(t + 1, P, 100, GM_BATCH_MALLOC, 0x11) };
	do_batch(rec, 4);
	do_free(P); /* per-call: its event time is later than the record's */
	struct gm_rep_proc *p = M.procs;
	assert_int_equal(p->nblocks, 0);
	assert_int_equal(p->unknown_frees, 0);
	do_flush(T, 0, 0);
	assert_int_equal(p->nblocks, 0);
	assert_int_equal(p->live_bytes, 0);
	assert_int_equal(p->unknown_frees, 0);
	assert_int_equal(p->stacks[0].frees, 1); /* S1's block, freed */
}

/* A record naming a stack id the trace never defined: an empty stack and a warning. */
static void test_batch_undefined_stack(void **state)
{
	(void)state;
	const uint64_t rec[] = { REC(1001, 0x7000, 100, GM_BATCH_MALLOC, 0x77) };
	do_batch(rec, 4);
	do_flush(T, 0, 0);
	struct gm_rep_proc *p = M.procs;
	const struct gm_rep_block *b = find_block(p, 0x7000);
	assert_non_null(b);
	assert_int_equal(p->stacks[b->stack].depth, 0);
	assert_false(warned("does not define"));
	gm_rep_analyze(&M);
	assert_true(warned("does not define"));
}

/* A final flush that left records in a buffer: a warning, figures approximate. */
static void test_batch_unflushed(void **state)
{
	(void)state;
	do_stack_id(0x11, S1, 2);
	const uint64_t rec[] = { REC(1001, 0x7000, 100, GM_BATCH_MALLOC, 0x11) };
	do_batch(rec, 4);
	do_flush(0, 1, 5);
	assert_int_equal(M.procs->live_bytes, 100); /* final: everything applied, upto 0 or not */
	gm_rep_analyze(&M);
	assert_true(M.procs->res.approximate);
	assert_true(warned("5 allocation records were still in a thread's buffer at exit"));
}

/* Batches but no final flush (killed, _exit, exec, trace cut): a warning, figures approximate;
 * with the final flush, neither. */
static void test_batch_no_final_flush(void **state)
{
	(void)state;
	do_stack_id(0x11, S1, 2);
	const uint64_t rec[] = { REC(1001, 0x7000, 100, GM_BATCH_MALLOC, 0x11) };
	do_batch(rec, 4);
	do_flush(2000, 0, 0);
	gm_rep_analyze(&M);
	assert_int_equal(M.procs->live_bytes, 100);
	assert_true(M.procs->res.approximate);
	assert_true(warned("no final flush of its allocation records"));
	gm_rep_model_free(&M);
	struct gm_rep_opts o = { .top = 10, .pid = -1, .from = 0, .to = -1 };
	gm_rep_model_init(&M, &o);
	do_stack_id(0x11, S1, 2);
	do_batch(rec, 4);
	do_flush(0, 1, 0);
	gm_rep_analyze(&M);
	assert_false(M.procs->res.approximate);
	assert_false(warned("no final flush"));
}

/* Stack ids are trace-wide: a forked child names its parent's, also with --pid CHILD (the
 * parent's gomemtrace:stack events are not the child's). */
static void test_batch_child_uses_parent_ids(void **state)
{
	(void)state;
	reopen(43, -1);
	do_stack_id(0x11, S1, 2); /* vpid 42: the parent */
	struct gm_rep_ev e = ev(GM_EV_ALLOC_BATCH, NULL, 0);
	const uint64_t rec[] = { REC(1001, 0x7000, 100, GM_BATCH_MALLOC, 0x11) };
	e.vpid = e.vtid = 43, e.cycles_ok = 1;
	e.a[GM_A_REC] = rec, e.alen[GM_A_REC] = 4;
	gm_rep_model_event(&M, &e);
	e = ev(GM_EV_FLUSH, NULL, 0);
	e.vpid = e.vtid = 43, e.cycles_ok = 1, e.v[GM_F_UPTO] = (int64_t)T;
	gm_rep_model_event(&M, &e);
	struct gm_rep_proc *p = M.procs;
	assert_non_null(p);
	assert_int_equal(p->vpid, 43);
	const struct gm_rep_block *b = find_block(p, 0x7000);
	assert_non_null(b);
	assert_int_equal(p->stacks[b->stack].depth, 2);
	assert_int_equal(gm_rep_stack_frames(p, &p->stacks[b->stack])[0], S1[0]);
	assert_int_equal(p->unknown_stack_ops, 0);
}

/* --to: records stamped before it that come in a batch written after it are part of the state
 * at --to (reading goes on until the process's next flush); records after it are not. */
static void test_batch_to_window(void **state)
{
	(void)state;
	reopen(-1, 0.5);
	struct gm_rep_ev e = ev(GM_EV_PROC_INFO, NULL, 0); /* the trace starts here */
	const uint64_t t0 = e.ts, to = t0 + 500000000ULL;
	e.s[GM_S_EXE] = "/bin/t", e.v[GM_F_BATCH] = 128;
	gm_rep_model_event(&M, &e);
	do_stack_id(0x11, S1, 2);
	const uint64_t early[] = { REC(t0 + 100, 0x1000, 10, GM_BATCH_MALLOC, 0x11) };
	do_batch(early, 4);
	/* past --to: a batch with one record before it and one after it, then a flush past it */
	const uint64_t late[] = { REC(to - 100, 0x2000, 20, GM_BATCH_MALLOC, 0x11),
				  REC(to + 100, 0x3000, 30, GM_BATCH_MALLOC, 0x11) };
	e = ev(GM_EV_ALLOC_BATCH, NULL, 0);
	e.ts = to + 200, e.cycles_ok = 1, e.a[GM_A_REC] = late, e.alen[GM_A_REC] = 8;
	assert_int_equal(gm_rep_model_event(&M, &e), 0); /* reading goes on */
	e = ev(GM_EV_MALLOC, S2, 1); /* a per-call event past --to: not part of the state */
	e.ts = to + 300, e.v[GM_F_PTR] = 0x4000, e.v[GM_F_SIZE] = 40;
	assert_int_equal(gm_rep_model_event(&M, &e), 0);
	e = ev(GM_EV_FLUSH, NULL, 0);
	e.ts = to + 400, e.cycles_ok = 1, e.v[GM_F_UPTO] = (int64_t)(to + 350);
	assert_int_equal(gm_rep_model_event(&M, &e), 1); /* flushed past --to: stop */
	assert_true(M.stopped);
	gm_rep_analyze(&M);
	struct gm_rep_proc *p = M.procs;
	assert_non_null(find_block(p, 0x1000));
	assert_non_null(find_block(p, 0x2000));
	assert_null(find_block(p, 0x3000));
	assert_null(find_block(p, 0x4000));
	assert_int_equal(p->live_bytes, 30);
	assert_true(M.trace_end <= to);
}

/* --to in a trace without batches stops at the first event past it, as before. */
static void test_to_unbatched_stops_at_once(void **state)
{
	(void)state;
	reopen(-1, 0.5);
	do_malloc(0x1000, 10, S1, 2);
	struct gm_rep_ev e = ev(GM_EV_MALLOC, S1, 2);
	e.ts = T + 600000000ULL, e.v[GM_F_PTR] = 0x2000, e.v[GM_F_SIZE] = 20;
	assert_int_equal(gm_rep_model_event(&M, &e), 1);
	assert_int_equal(M.procs->live_bytes, 10);
}

/* A clock that does not run at 1 GHz: record times cannot be converted; the batch event's
 * time stands for them, and the report says so. */
static void test_batch_clock_not_ns(void **state)
{
	(void)state;
	do_stack_id(0x11, S1, 2);
	struct gm_rep_ev e = ev(GM_EV_ALLOC_BATCH, NULL, 0);
	const uint64_t rec[] = { REC(5, 0x7000, 100, GM_BATCH_MALLOC, 0x11) };
	e.cycles_ok = 0, e.a[GM_A_REC] = rec, e.alen[GM_A_REC] = 4;
	gm_rep_model_event(&M, &e);
	const uint64_t bts = e.ts;
	e = ev(GM_EV_FLUSH, NULL, 0);
	e.cycles_ok = 0, e.v[GM_F_UPTO] = 7;
	gm_rep_model_event(&M, &e);
	struct gm_rep_proc *p = M.procs;
	assert_int_equal(p->live_bytes, 100);
	assert_int_equal(p->stacks[find_block(p, 0x7000)->stack].first_ts, bts);
	assert_true(warned("1 GHz"));
}

/* The exit sample stays the final one when a periodic sample (taken while the process left)
 * is written after it; a requested sample is the checkpoint and, before the exit, the last. */
static void test_exit_sample_is_final(void **state)
{
	(void)state;
	do_sample(100 << 20, 10 << 20, 0);
	do_sample_kind(GM_SAMPLE_REQUESTED, 110 << 20, 11 << 20, 1 << 20);
	struct gm_rep_proc *p = M.procs;
	assert_non_null(p);
	assert_int_equal(p->ncheckpoints, 1);
	assert_int_equal(p->last.kind, GM_SAMPLE_REQUESTED);
	assert_int_equal(p->checkpoint.v[GM_F_GO_INUSE], 11 << 20);
	do_sample_kind(GM_SAMPLE_EXIT, 120 << 20, 12 << 20, 2 << 20);
	do_sample(90 << 20, 9 << 20, 3 << 20); /* written late: an earlier moment */
	gm_rep_analyze(&M);
	assert_int_equal(p->last.kind, GM_SAMPLE_EXIT);
	assert_int_equal(p->res.go_heap_in_use, 12 << 20);
	assert_int_equal(p->res.go_heap_free_retained, 2 << 20);
	assert_int_equal(p->nsamples, 4);
}

/* ---- stacks of a real program: truncated at the cgo boundary ---- */

/* A return address inside Go function `name` of t (entry + 1: looked up at entry). */
static uint64_t go_ret(const struct gm_pclntab *t, const char *name)
{
	struct gm_pclntab_func f;
	assert_int_equal(gm_pclntab_find_name(t, name, &f), 0);
	return f.entry + 1;
}

/* A C.malloc stack that ends at runtime.asmcgocall (the tracer could not hop to the goroutine:
 * Go 1.25 with the old offsets) is a suspect, marked truncated, with a warning; the complete
 * one is a suspect, not truncated; the runtime's own (thread creation ending at mstart or at
 * systemstack) are still not suspects. */
static void test_truncated_stacks(void **state)
{
	(void)state;
	assert_int_equal(gm_fx_setup(), 0);
	const char *exe = gm_fx_path(gm_fx_vers[gm_fx_nvers - 1], "cgo");
	struct gm_elf_image img;
	struct gm_pclntab t;
	assert_int_equal(gm_elf_open(&img, exe), 0);
	assert_int_equal(gm_pclntab_from_elf(&img, &t), 0);
	uint64_t lo = UINT64_MAX, hi = 0, cfun = 0;
	for (size_t i = 0; i < img.phnum; i++)
		if (img.ph[i].p_type == PT_LOAD) {
			lo = img.ph[i].p_vaddr < lo ? img.ph[i].p_vaddr : lo;
			hi = img.ph[i].p_vaddr + img.ph[i].p_memsz > hi ? img.ph[i].p_vaddr + img.ph[i].p_memsz : hi;
		}
	for (size_t i = 1; i < img.symtab.count && !cfun; i++) /* cgo's C wrapper of gm_add */
		if (ELF64_ST_TYPE(img.symtab.syms[i].st_info) == STT_FUNC &&
		    strstr(img.symtab.strtab + img.symtab.syms[i].st_name, "_Cfunc_gm_add") &&
		    strncmp(img.symtab.strtab + img.symtab.syms[i].st_name, "main.", 5))
			cfun = img.symtab.syms[i].st_value + 1;
	assert_true(cfun != 0);
	struct gm_rep_ev e = ev(GM_EV_SD_BIN_INFO, NULL, 0);
	e.v[GM_F_BADDR] = (int64_t)lo, e.v[GM_F_MEMSZ] = (int64_t)(hi - lo), e.v[GM_F_IS_PIC] = 0;
	e.has[GM_F_IS_PIC] = 1, e.s[GM_S_PATH] = exe;
	gm_rep_model_event(&M, &e);
	uint64_t acg = go_ret(&t, "runtime.asmcgocall");
	const uint64_t truncated[] = { cfun, acg };
	const uint64_t full[] = { cfun, acg, go_ret(&t, "runtime.cgocall"), go_ret(&t, "main._Cfunc_gm_add"),
				  go_ret(&t, "main.work"), go_ret(&t, "main.main"), go_ret(&t, "runtime.main"),
				  go_ret(&t, "runtime.goexit") };
	const uint64_t thread[] = { cfun, acg, go_ret(&t, "runtime.newm"), go_ret(&t, "runtime.mstart") };
	const uint64_t on_g0[] = { cfun, acg, go_ret(&t, "runtime.newm"), go_ret(&t, "runtime.systemstack") };
	for (uint64_t i = 0; i < 16; i++) {
		do_malloc(0x1000000 + i * 0x100000, 65536, truncated, 2);
		do_malloc(0x2000000 + i * 0x100000, 65536, full, 8);
		do_malloc(0x3000000 + i * 0x100000, 65536, thread, 4);
		do_malloc(0x4000000 + i * 0x100000, 65536, on_g0, 4);
	}
	struct gm_rep_ev pi = ev(GM_EV_PROC_INFO, NULL, 0);
	pi.s[GM_S_EXE] = exe, pi.s[GM_S_GO_VERSION] = "go1.25.12";
	pi.s[GM_S_STACK_LAYOUT] = "table go1.25 (decoding: test)";
	pi.s[GM_S_HOP_REASON] = "m.curg is empty or not a goroutine";
	pi.v[GM_F_HOP_FAILURES] = 7, pi.has[GM_F_HOP_FAILURES] = 1;
	gm_rep_model_event(&M, &pi);
	do_sample(100 << 20, 1 << 20, 0);
	gm_rep_analyze(&M);
	struct gm_rep_proc *p = M.procs;
	struct gm_rep_result *r = &p->res;
	assert_int_equal(r->nsuspects, 2);
	assert_int_equal(r->suspects_bytes, 2 << 20);
	assert_int_equal(r->ntruncated, 1);
	assert_int_equal(r->truncated_bytes, 1 << 20);
	int seen_t = 0, seen_f = 0;
	for (int i = 0; i < r->nsuspects; i++) {
		struct gm_rep_stack *st = &p->stacks[r->suspects[i]];
		if (st->depth == 2)
			seen_t = 1, assert_int_equal(st->truncated, 1);
		else
			seen_f = 1, assert_int_equal(st->depth, 8), assert_int_equal(st->truncated, 0);
	}
	assert_true(seen_t && seen_f);
	for (uint32_t i = 0; i < p->nstacks; i++)
		if (p->stacks[i].depth == 4)
			assert_int_equal(gm_rep_stack_truncated(&M, p, &p->stacks[i]), 0);
	assert_int_equal(r->nfindings, 1);
	assert_string_equal(r->findings[0].kind, "cgo_leak");
	assert_true(warned("1 leak suspect (1.0 MiB) has a stack truncated at the cgo boundary"));
	assert_true(warned("refused 7 hops from the system stack to a goroutine"));
	assert_true(warned("m.curg is empty or not a goroutine"));
	assert_true(warned("table go1.25 (decoding: test)"));
	/* the text report marks it; JSON says "truncated": true once */
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	gm_rep_write_text(o, &M, "t");
	fclose(o);
	assert_non_null(strstr(buf, "(truncated: the stack ends at the cgo boundary"));
	free(buf);
	o = open_memstream(&buf, &len);
	gm_rep_write_json(o, &M, "t");
	fclose(o);
	char *x = strstr(buf, "\"truncated\": true");
	assert_non_null(x);
	assert_null(strstr(x + 1, "\"truncated\": true"));
	assert_non_null(strstr(buf, "\"truncated\": false"));
	free(buf);
	gm_elf_close(&img);
}


/* ---- windows (docs/report.md, "Windows") ---- */
/* proc_info of a tracer that says when it started (start_ns, as cycles), with `batch`. */
static void do_proc_info(uint32_t batch)
{
	struct gm_rep_ev e = ev(GM_EV_PROC_INFO, NULL, 0);
	e.cycles_ok = 1, e.cycles_off = 0;
	e.s[GM_S_EXE] = "/x";
	e.v[GM_F_BATCH] = batch, e.v[GM_F_START_NS] = 500, e.has[GM_F_START_NS] = 1;
	gm_rep_model_event(&M, &e);
}

static void do_kind(enum gm_rep_kind k)
{
	struct gm_rep_ev e = ev(k, NULL, 0);
	e.cycles_ok = 1, e.cycles_off = 0;
	gm_rep_model_event(&M, &e);
}

/* A batching process attached late: before the marker a record naming a stack the trace lacks
 * (its block freed after the marker), after it one leak and a free of an older block; after
 * the last flush a record still arriving in part. Only what lies between counts. */
static void test_window_batched(void **state)
{
	(void)state;
	do_proc_info(128);
	uint64_t before = T; /* a record of the buffers the first flush writes */
	do_kind(GM_EV_RESYNC);
	uint64_t marker = T;
	do_stack_id(0x11, S1, 2);
	const uint64_t rec[] = {
		REC(before, 0x7000, 100, GM_BATCH_MALLOC, 0x77), /* undefined stack, before the window */
		REC(marker + 10, 0x8000, 300, GM_BATCH_MALLOC, 0x11),
		REC(marker + 20, 0x7000, 0, GM_BATCH_FREE, 0),    /* the older block */
		REC(marker + 30, 0x9000, 0, GM_BATCH_FREE, 0),    /* never seen: older still */
	};
	do_batch(rec, 16);
	do_flush(marker + 40, 0, 0);
	const uint64_t late[] = { REC(marker + 50, 0xa000, 700, GM_BATCH_MALLOC, 0x11) };
	do_batch(late, 4);
	gm_rep_analyze(&M);
	struct gm_rep_proc *p = M.procs;
	assert_true(p->window && p->resynced);
	assert_int_equal(p->win_start, marker);
	assert_int_equal(p->win_end, marker + 40);
	assert_int_equal(p->live_bytes, 300);
	assert_int_equal(p->unknown_frees, 2);
	assert_int_equal(p->before_window, 1);
	assert_int_equal(p->after_window, 1);
	assert_int_equal(p->unknown_stack_ops, 0);
	assert_false(warned("does not define"));
	assert_false(warned("no final flush"));
	assert_false(p->res.approximate);
}

/* The same records with gomemtrace:start first: the whole run, everything applied. */
static void test_window_not_when_started(void **state)
{
	(void)state;
	do_kind(GM_EV_START);
	do_proc_info(128);
	do_stack_id(0x11, S1, 2);
	const uint64_t rec[] = { REC(T - 5, 0x8000, 300, GM_BATCH_MALLOC, 0x11) };
	do_batch(rec, 4);
	do_flush(T, 1, 0);
	gm_rep_analyze(&M);
	assert_false(M.procs->window);
	assert_int_equal(M.procs->live_bytes, 300);
}

/* A process writing an event a call: complete from its first event, the marker opens nothing. */
static void test_window_per_call(void **state)
{
	(void)state;
	do_malloc(0x1000, 64, S1, 2);
	uint64_t first = M.procs->first_ts;
	do_proc_info(0);
	do_kind(GM_EV_RESYNC);
	do_malloc(0x2000, 32, S2, 1);
	do_free(0x3000);
	gm_rep_analyze(&M);
	struct gm_rep_proc *p = M.procs;
	assert_true(p->window && p->resynced);
	assert_int_equal(p->win_start, first);
	assert_int_equal(p->live_bytes, 96);
	assert_int_equal(p->unknown_frees, 1);
	assert_int_equal(p->before_window, 0);
}

/* A flight recorder's snapshot, complete from C (scan.c): a batching process's window opens at
 * its first resync at or after C (the one before C does not count), per-call events and mappings
 * before C are counted, not applied; a gomemtrace:start before C is not the process's beginning. */
static void test_snapshot_batched(void **state)
{
	(void)state;
	M.snapshot = 1;
	M.complete_from = T + 5000;
	do_kind(GM_EV_START); /* before C: its events may be gone, not a whole run */
	do_proc_info(128);
	do_kind(GM_EV_RESYNC); /* before C: no window start */
	uint64_t early = T;
	while (T < M.complete_from)
		do_kind(GM_EV_SAMPLE);
	do_kind(GM_EV_RESYNC);
	uint64_t marker = T;
	do_stack_id(0x11, S1, 2);
	const uint64_t rec[] = {
		REC(early, 0x7000, 100, GM_BATCH_MALLOC, 0x77),   /* before C: its stack is gone */
		REC(marker + 10, 0x8000, 300, GM_BATCH_MALLOC, 0x11),
		REC(marker + 20, 0x7000, 0, GM_BATCH_FREE, 0),
	};
	do_batch(rec, 12);
	do_flush(marker + 40, 0, 0);
	gm_rep_analyze(&M);
	struct gm_rep_proc *p = M.procs;
	assert_true(p->window && p->resynced);
	assert_int_equal(p->win_start, marker);
	assert_int_equal(p->live_bytes, 300);
	assert_int_equal(p->unknown_frees, 1);
	assert_int_equal(p->before_window, 1);
	assert_int_equal(p->unknown_stack_ops, 0);
	assert_false(warned("does not define"));
}

static void test_snapshot_per_call(void **state)
{
	(void)state;
	M.snapshot = 1;
	M.complete_from = T + 10000;
	do_proc_info(0);
	do_malloc(0x1000, 64, S1, 2); /* before C */
	struct gm_rep_ev mm = ev(GM_EV_MMAP, S1, 2); /* before C: its munmap may be gone */
	mm.v[GM_F_ADDR] = 0x7f0000000000, mm.v[GM_F_LEN] = 1 << 20, mm.v[GM_F_RET] = 0x7f0000000000;
	mm.v[GM_F_FLAGS] = 0x22, mm.v[GM_F_FD] = -1, mm.v[GM_F_PROT] = 3;
	gm_rep_model_event(&M, &mm);
	while (T < M.complete_from)
		do_kind(GM_EV_SAMPLE);
	do_malloc(0x2000, 32, S2, 1);
	do_free(0x1000); /* the block from before C: counted apart */
	gm_rep_analyze(&M);
	struct gm_rep_proc *p = M.procs;
	assert_true(p->window);
	assert_int_equal(p->win_start, M.complete_from);
	assert_int_equal(p->live_bytes, 32);
	assert_int_equal(p->unknown_frees, 1);
	assert_int_equal(p->before_window, 2);
}

/* A snapshot with no resync after C: the batching process's window is empty, said once. */
static void test_snapshot_no_resync(void **state)
{
	(void)state;
	M.snapshot = 1;
	M.complete_from = T + 2000;
	do_proc_info(128);
	while (T < M.complete_from)
		do_kind(GM_EV_SAMPLE);
	do_stack_id(0x11, S1, 2);
	const uint64_t rec[] = { REC(T + 10, 0x8000, 300, GM_BATCH_MALLOC, 0x11) };
	do_batch(rec, 4);
	do_flush(T + 40, 0, 0);
	gm_rep_analyze(&M);
	struct gm_rep_proc *p = M.procs;
	assert_int_equal(p->live_bytes, 0);
	assert_int_equal(p->win_start, p->win_end);
	assert_true(warned("holds no resync"));
}

/* ---- the timeline ---- */
/* 1000 samples, each after a 10-byte block: at most GM_TL_MAX + 1 points, every committed one a
 * multiple of the stride, the newest always kept, the C part and the stack's row right. */
static void test_timeline_decimates(void **state)
{
	(void)state;
	for (uint64_t i = 0; i < 1000; i++) {
		do_malloc(0x10000 + i * 16, 10, S1, 2);
		do_sample(1 << 20, 0, 0);
	}
	gm_rep_analyze(&M);
	struct gm_rep_proc *p = M.procs;
	const struct gm_rep_timeline *t = p->tl;
	assert_non_null(t);
	uint32_t n = gm_rep_tl_points(t);
	assert_true(n <= GM_TL_MAX + 1);
	assert_true(n > GM_TL_MAX / 2);
	assert_int_equal(t->seen, 1000);
	assert_int_equal(t->stride, 4);
	for (uint32_t i = 0; i < t->n; i++) {
		assert_int_equal(t->pt[i].seq % t->stride, 0);
		assert_true(i == 0 || t->pt[i].ts > t->pt[i - 1].ts);
		assert_int_equal((uint64_t)t->pt[i].c_live, (t->pt[i].seq + 1) * 10);
	}
	assert_int_equal(t->pt[n - 1].seq, 999); /* the newest */
	assert_int_equal((uint64_t)t->pt[n - 1].c_live, 10000);
	uint32_t s1 = p->blocks[0].ptr ? p->blocks[0].stack : 0;
	for (uint64_t i = 0; i < p->capblocks; i++)
		if (p->blocks[i].ptr)
			s1 = p->blocks[i].stack;
	const struct gm_rep_tl_row *row = gm_rep_tl_row_of(p, s1);
	assert_non_null(row);
	assert_int_equal((uint64_t)row->cell[n - 1].live, 10000);
	assert_int_equal((uint64_t)row->cell[0].live, 10);
}

/* A batched process: a point's C part is what the records stamped before it made, though they
 * are applied at a later flush. */
static void test_timeline_batched(void **state)
{
	(void)state;
	do_stack_id(0x11, S1, 2);
	uint64_t base = T;
	const uint64_t rec[] = { REC(base + 500, 0x7000, 100, GM_BATCH_MALLOC, 0x11),
				 REC(base + 2500, 0x8000, 200, GM_BATCH_MALLOC, 0x11) };
	do_batch(rec, 8);   /* at base + 1000 */
	do_sample(1 << 20, 0, 0); /* at base + 2000: neither record applied yet */
	struct gm_rep_proc *p = M.procs;
	assert_int_equal(p->live_bytes, 0);
	do_flush(base + 3000, 0, 0);
	assert_int_equal(p->live_bytes, 300);
	do_sample(1 << 20, 0, 0);
	do_flush(0, 1, 0);
	gm_rep_analyze(&M);
	const struct gm_rep_timeline *t = p->tl;
	assert_int_equal(gm_rep_tl_points(t), 2);
	assert_int_equal((uint64_t)t->pt[0].c_live, 100);
	assert_int_equal((uint64_t)t->pt[1].c_live, 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_realloc_keeps_origin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_suspects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madv_free_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batches_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_direct_free_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_undefined_stack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_unflushed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_no_final_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_child_uses_parent_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_to_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_to_unbatched_stops_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_clock_not_ns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_sample_is_final, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_stacks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_batched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_not_when_started, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_per_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_batched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_per_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_no_resync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeline_decimates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeline_batched, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
