/* test_bufplan.c: the buffer budget of `gomemtrace record` (tools/bufplan.c) for 1, 2, 64, 256
 * and 4096 possible CPUs, both modes; the possible-CPU mask and size parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/bufplan.h"

#define KIB 1024ULL
#define MIB (1024ULL * 1024ULL)

/* The plan's invariants: powers of two, LTTng's minimums, the total is what it says. */
static void gm_t_check(const struct gm_bufplan *p, uint64_t budget, uint64_t min)
{
	assert_true(p->subbuf_size >= min && p->subbuf_size <= GM_BUFPLAN_MAX_SUBBUF);
	assert_int_equal(p->subbuf_size & (p->subbuf_size - 1), 0);
	assert_true(p->num_subbuf == 2 || p->num_subbuf == 4 || p->num_subbuf == 8);
	assert_int_equal(p->total, (uint64_t)p->ncpus * (p->num_subbuf + 1) * p->subbuf_size +
					   GM_BUFPLAN_METADATA_ALLOWANCE);
	assert_int_equal(p->over_budget, p->total > budget);
}

static void test_min_subbuf(void **state)
{
	(void)state;
	assert_int_equal(gm_bufplan_min_subbuf(0), 8 * KIB);
	assert_int_equal(gm_bufplan_min_subbuf(128), 8 * KIB);  /* 4 KiB + 2 KiB */
	assert_int_equal(gm_bufplan_min_subbuf(192), 8 * KIB);  /* 6 KiB + 2 KiB */
	assert_int_equal(gm_bufplan_min_subbuf(256), 16 * KIB); /* 8 KiB + 2 KiB */
}

static void test_bytes(void **state)
{
	(void)state;
	/* as measured (record_footprint): 2 CPUs x (8 + 1) x 4 MiB and 2 x (4 + 1) x 512 KiB, + 60 KiB */
	assert_int_equal(gm_bufplan_bytes(2, 8, 4 * MIB), 72 * MIB + GM_BUFPLAN_METADATA_ALLOWANCE);
	assert_int_equal(gm_bufplan_bytes(2, 4, 512 * KIB), 5 * MIB + GM_BUFPLAN_METADATA_ALLOWANCE);
	assert_int_equal(gm_bufplan_bytes(1, 3, 5000), 5 * 8 * KIB + GM_BUFPLAN_METADATA_ALLOWANCE); /* rounded up */
	assert_true(GM_BUFPLAN_METADATA_ALLOWANCE >= 60 * KIB);
}

/* Sampled mode: 8 MiB in all, on any CPU count that leaves each CPU three 8 KiB sub-buffers. */
static void test_sampled(void **state)
{
	(void)state;
	struct gm_bufplan p;
	uint64_t b = GM_BUFPLAN_SAMPLED_BUDGET, min = gm_bufplan_min_subbuf(128);
	const uint32_t cpus[] = { 1, 2, 64, 256 };
	for (size_t i = 0; i < sizeof cpus / sizeof cpus[0]; i++) {
		gm_bufplan(b, cpus[i], min, &p);
		gm_t_check(&p, b, min);
		assert_int_equal(p.ncpus, cpus[i]);
		assert_false(p.over_budget);
		assert_true(p.total * 2 > b); /* at least half the budget is used */
	}
	gm_bufplan(b, 2, min, &p); /* per CPU 4 MiB - 32 KiB: (4 + 1) x 512 KiB */
	assert_int_equal(p.subbuf_size, 512 * KIB), assert_int_equal(p.num_subbuf, 4);
	assert_int_equal(p.total, 5 * MIB + GM_BUFPLAN_METADATA_ALLOWANCE);
	gm_bufplan(b, 64, min, &p); /* 127 KiB per CPU: (4 + 1) x 16 KiB */
	assert_int_equal(p.subbuf_size, 16 * KIB), assert_int_equal(p.num_subbuf, 4);
	gm_bufplan(b, 256, min, &p); /* 31.75 KiB per CPU: (4 + 1) x 8 KiB is too much; (2 + 1) x 8 KiB */
	assert_int_equal(p.subbuf_size, 8 * KIB), assert_int_equal(p.num_subbuf, 2);
	assert_int_equal(p.total, 256 * 24 * KIB + GM_BUFPLAN_METADATA_ALLOWANCE);
	/* very many CPUs: the smallest plan, said to be over budget */
	gm_bufplan(b, 4096, min, &p);
	gm_t_check(&p, b, min);
	assert_true(p.over_budget);
	assert_int_equal(p.subbuf_size, 8 * KIB), assert_int_equal(p.num_subbuf, 2);
	/* bigger batches need bigger sub-buffers */
	gm_bufplan(b, 256, gm_bufplan_min_subbuf(256), &p);
	gm_t_check(&p, b, 16 * KIB);
	assert_true(p.over_budget); /* 256 x 3 x 16 KiB > 8 MiB */
}

/* Full mode: 256 MiB in all; 2 CPUs keep what record used before the budget (8 x 4 MiB). */
static void test_full(void **state)
{
	(void)state;
	struct gm_bufplan p;
	uint64_t b = GM_BUFPLAN_FULL_BUDGET, min = gm_bufplan_min_subbuf(128);
	gm_bufplan(b, 2, min, &p);
	gm_t_check(&p, b, min);
	assert_int_equal(p.subbuf_size, 4 * MIB), assert_int_equal(p.num_subbuf, 8);
	gm_bufplan(b, 64, min, &p); /* 4 MiB - 1 KiB per CPU: (4 + 1) x 512 KiB */
	gm_t_check(&p, b, min);
	assert_int_equal(p.subbuf_size, 512 * KIB), assert_int_equal(p.num_subbuf, 4);
	assert_true(p.total <= b && p.total >= 128 * MIB);
	gm_bufplan(b, 256, min, &p); /* 1 MiB - 256 B per CPU: (4 + 1) x 128 KiB */
	gm_t_check(&p, b, min);
	assert_int_equal(p.subbuf_size, 128 * KIB), assert_int_equal(p.num_subbuf, 4);
	assert_false(p.over_budget);
	gm_bufplan(0, 0, min, &p); /* no budget, "0 CPUs": one CPU, the smallest, over budget */
	assert_int_equal(p.ncpus, 1);
	assert_true(p.over_budget);
}

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(gm_bufplan_parse_cpus("0-63\n"), 64);
	assert_int_equal(gm_bufplan_parse_cpus("0\n"), 1);
	assert_int_equal(gm_bufplan_parse_cpus("0,2-5,8"), 6);
	assert_int_equal(gm_bufplan_parse_cpus("0-255"), 256);
	assert_int_equal(gm_bufplan_parse_cpus(""), 0);
	assert_int_equal(gm_bufplan_parse_cpus("5-3"), 0);
	assert_int_equal(gm_bufplan_parse_cpus("0-x"), 0);
	assert_int_equal(gm_bufplan_parse_cpus("a"), 0);
	assert_true(gm_bufplan_possible_cpus() >= 1);
	assert_int_equal(gm_bufplan_parse_size("4096"), 4096);
	assert_int_equal(gm_bufplan_parse_size("512k"), 512 * KIB);
	assert_int_equal(gm_bufplan_parse_size("8M"), 8 * MIB);
	assert_int_equal(gm_bufplan_parse_size("2G"), 2048 * MIB);
	assert_int_equal(gm_bufplan_parse_size("8MB"), 0);
	assert_int_equal(gm_bufplan_parse_size("M"), 0);
	assert_int_equal(gm_bufplan_parse_size("-1"), 0);
	assert_int_equal(gm_bufplan_parse_size(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_subbuf),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_sampled),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
