/* test_report_model.c: unit tests of the reader's model (tools/report/model.c) on synthetic
 * decoded events: live blocks and their stacks, realloc attribution to the original
 * allocation, frees of unknown pointers, mappings (MAP_FIXED replacement, partial munmap,
 * mremap), samples -> final figures and findings, lost events -> approximate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tools/report/model.h"

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
	e.v[GM_F_NMEMB] = 1, e.present = 1ULL << GM_F_NMEMB;
	gm_rep_model_event(&M, &e);
}

static void do_sample(int64_t rss, int64_t go_inuse, int64_t go_free)
{
	struct gm_rep_ev e = ev(GM_EV_SAMPLE, NULL, 0);
	for (int i = GM_F_RSS; i <= GM_F_GO_RESIDENT; i++)
		e.v[i] = 0;
	e.v[GM_F_RSS] = rss, e.v[GM_F_ANON] = rss, e.v[GM_F_GO_SOURCE] = 1;
	e.v[GM_F_GO_INUSE] = go_inuse, e.v[GM_F_GO_FREE] = go_free, e.v[GM_F_GO_RESIDENT] = go_inuse + go_free;
	e.v[GM_F_M_FREE] = 1000;
	gm_rep_model_event(&M, &e);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_realloc_keeps_origin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_findings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
