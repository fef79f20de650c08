/* test_sampling.c: the set of live sampled blocks (preload/sampling.c): four tables filled
 * smallest first, so its resident memory follows the live sampled blocks, not every address
 * ever sampled; lookups across tables; nothing dropped below the set's capacity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "preload/config.h"
#include "preload/sampling.h"

struct gm_config gm_config;
void gm_config_warn(const char *fmt, ...) { (void)fmt; }

static int setup(void **state)
{
	(void)state;
	gm_config.sample_bytes = 512 << 10;
	gm_sampling_init();
	return gm_sampling_active ? 0 : -1;
}

/* An address like malloc's: 16-byte aligned, spread over a heap. */
static uintptr_t addr(uint64_t i) { return 0x7f0000000000ULL + ((i * 0x9E3779B1ULL) & 0xffffffffULL) * 16; }

/* A million distinct addresses, at most 100 live at once: the set stays in its smallest table
 * (a single table of 2^21 slots ended up all resident: 16 MiB). */
static void test_churn_stays_small(void **state)
{
	(void)state;
	for (uint64_t i = 0; i < 1000000; i++) {
		assert_true(gm_sampling_remember(addr(i)));
		if (i >= 100)
			assert_true(gm_sampling_forget(addr(i - 100)));
	}
	for (uint64_t i = 1000000 - 100; i < 1000000; i++)
		assert_true(gm_sampling_forget(addr(i)));
	assert_int_equal(gm_sampling_dropped(), 0);
	uint64_t res = gm_sampling_resident();
	assert_true(res > 0);
	assert_true(res <= (64 << 10)); /* table 0 is 32 KiB */
}

/* 200 000 live blocks: the later tables take them, each is found again, a second forget is not. */
static void test_many_live(void **state)
{
	(void)state;
	const uint64_t n = 200000, base = 5000000;
	for (uint64_t i = 0; i < n; i++)
		assert_true(gm_sampling_remember(addr(base + i)));
	assert_int_equal(gm_sampling_dropped(), 0);
	for (uint64_t i = 0; i < n; i++)
		assert_true(gm_sampling_free((uintptr_t)addr(base + i)));
	for (uint64_t i = 0; i < n; i += 997)
		assert_false(gm_sampling_forget(addr(base + i)));
	assert_false(gm_sampling_forget(addr(base + n + 1))); /* never there */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_churn_stays_small),
		cmocka_unit_test(test_many_live),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
