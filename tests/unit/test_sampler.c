/* test_sampler.c: the sampler's allocation-free parsers (smaps_rollup, status, cgroup) on text
 * captured on a real machine (tests/data/sampler/) and on hand-written variants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "preload/sampler.h"

/* ---- helpers ---- */
static char gm_t_rollup[8192], gm_t_status[8192], gm_t_cgroup[4096];

static int gm_t_setup(void **state)
{
	(void)state;
	assert_true(gm_sampler_read_file(GM_TEST_SRCDIR "/tests/data/sampler/smaps_rollup.txt",
					 gm_t_rollup, sizeof gm_t_rollup) > 100);
	assert_true(gm_sampler_read_file(GM_TEST_SRCDIR "/tests/data/sampler/status.txt",
					 gm_t_status, sizeof gm_t_status) > 100);
	assert_true(gm_sampler_read_file(GM_TEST_SRCDIR "/tests/data/sampler/cgroup-hybrid.txt",
					 gm_t_cgroup, sizeof gm_t_cgroup) > 10);
	return 0;
}

/* ---- tests ---- */
static void test_int(void **state)
{
	(void)state;
	assert_int_equal(gm_sampler_int("123\n"), 123);
	assert_int_equal(gm_sampler_int("  \t406478848\n"), 406478848);
	assert_int_equal(gm_sampler_int("max\n"), -1);
	assert_int_equal(gm_sampler_int(""), -1);
}

static void test_kb_exact_keys(void **state)
{
	(void)state;
	assert_int_equal(gm_sampler_kb(gm_t_rollup, "Rss"), 1752 * 1024);
	assert_int_equal(gm_sampler_kb(gm_t_rollup, "Pss"), 275 * 1024); /* not Pss_Anon */
	assert_int_equal(gm_sampler_kb(gm_t_rollup, "Anonymous"), 112 * 1024);
	assert_int_equal(gm_sampler_kb(gm_t_status, "Rss"), -1); /* only RssAnon/RssFile/... */
	assert_int_equal(gm_sampler_kb(gm_t_status, "VmRSS"), 1668 * 1024);
	assert_int_equal(gm_sampler_kb(gm_t_status, "RssShmem"), 0);
	assert_int_equal(gm_sampler_kb(gm_t_status, "NoSuchKey"), -1);
	assert_int_equal(gm_sampler_kb("A: 1 kB\nB:  2 kB", "B"), 2048); /* last line, no \n */
}

static void test_parse_mem(void **state)
{
	(void)state;
	struct gm_sampler_mem m;
	gm_sampler_parse_mem(gm_t_rollup, gm_t_status, &m);
	assert_int_equal(m.rss, 1752 * 1024);
	assert_int_equal(m.pss, 275 * 1024);
	assert_int_equal(m.anonymous, 112 * 1024);
	assert_int_equal(m.lazyfree, 0);
	assert_int_equal(m.swap, 0);
	assert_int_equal(m.shmem, 0);
	assert_int_equal(m.file, (1752 - 112) * 1024);

	/* no smaps_rollup (kernel < 4.14): /proc/self/status alone */
	gm_sampler_parse_mem(NULL, gm_t_status, &m);
	assert_int_equal(m.rss, 1668 * 1024);
	assert_int_equal(m.anonymous, 112 * 1024);
	assert_int_equal(m.pss, -1);
	assert_int_equal(m.lazyfree, -1);
	assert_int_equal(m.file, 1556 * 1024);

	/* shmem is taken out of file; file never negative */
	gm_sampler_parse_mem("Rss: 100 kB\nAnonymous: 40 kB\n", "RssShmem: 10 kB\n", &m);
	assert_int_equal(m.shmem, 10 * 1024);
	assert_int_equal(m.file, 50 * 1024);
	gm_sampler_parse_mem("Rss: 10 kB\nAnonymous: 40 kB\n", NULL, &m);
	assert_int_equal(m.file, 0);
	assert_int_equal(m.shmem, -1);
	gm_sampler_parse_mem(NULL, NULL, &m);
	assert_int_equal(m.rss, -1);
	assert_int_equal(m.file, -1);
}

static void test_cgroup_v2(void **state)
{
	(void)state;
	char out[256];
	const char *cg = "0::/system.slice/app.service\n";
	assert_int_equal(gm_sampler_cgroup_file(cg, 0, out, sizeof out), 0);
	assert_string_equal(out, "/sys/fs/cgroup/system.slice/app.service/memory.current");
	assert_int_equal(gm_sampler_cgroup_file(cg, 1, out, sizeof out), 0);
	assert_string_equal(out, "/sys/fs/cgroup/unified/system.slice/app.service/memory.current");
	assert_int_equal(gm_sampler_cgroup_file(cg, 2, out, sizeof out), -1);
	/* too small a buffer: refused, never overflowed */
	assert_int_equal(gm_sampler_cgroup_file(cg, 0, out, 20), -1);
	assert_int_equal(gm_sampler_cgroup_file("", 0, out, sizeof out), -1);
}

/* The cgroup's limit, memory.stat and cgroup.procs, v2 and v1 keys (texts as the kernel writes them). */
static void test_cgroup_parse(void **state)
{
	(void)state;
	struct gm_sampler_cgmem c;
	const char *v2stat = "anon 1048576\nfile 2097152\nkernel 65536\nkernel_stack 16384\nsock 4096\n"
			     "shmem 0\nfile_mapped 8192\n";
	gm_sampler_cgroup_parse(1, "104857600\n", v2stat, "12\n34\n56\n", &c);
	assert_int_equal(c.limit, 104857600);
	assert_int_equal(c.anon, 1048576);
	assert_int_equal(c.file, 2097152); /* not file_mapped */
	assert_int_equal(c.kernel, 65536);
	assert_int_equal(c.sock, 4096);
	assert_int_equal(c.procs, 3);
	/* "max": no limit; before 5.18 no "kernel" line: its parts */
	gm_sampler_cgroup_parse(1, "max\n", "anon 10\nkernel_stack 1\nslab 2\npagetables 3\npercpu 4\n", NULL, &c);
	assert_int_equal(c.limit, 0);
	assert_int_equal(c.kernel, 10);
	assert_int_equal(c.file, -1);
	assert_int_equal(c.procs, -1);
	/* v1: hierarchical totals first, the unlimited page-counter maximum is no limit */
	gm_sampler_cgroup_parse(0, "9223372036854771712\n", "cache 5\nrss 6\ntotal_cache 50\ntotal_rss 60\n", "1\n", &c);
	assert_int_equal(c.limit, 0);
	assert_int_equal(c.anon, 60);
	assert_int_equal(c.file, 50);
	assert_int_equal(c.kernel, -1);
	assert_int_equal(c.sock, -1);
	assert_int_equal(c.procs, 1);
	gm_sampler_cgroup_parse(0, "268435456\n", "cache 5\nrss 6\n", "", &c);
	assert_int_equal(c.limit, 268435456);
	assert_int_equal(c.anon, 6);
	assert_int_equal(c.file, 5);
	assert_int_equal(c.procs, 0);
	gm_sampler_cgroup_parse(1, NULL, NULL, NULL, &c);
	assert_int_equal(c.limit, -1);
	assert_int_equal(c.anon, -1);
}

static void test_cgroup_hybrid(void **state)
{
	(void)state;
	char out[256];
	/* captured: v2 at "/" (no memory controller there) and v1 memory at /process_api/<id> */
	assert_int_equal(gm_sampler_cgroup_file(gm_t_cgroup, 0, out, sizeof out), 0);
	assert_string_equal(out, "/sys/fs/cgroup/memory.current");
	assert_int_equal(gm_sampler_cgroup_file(gm_t_cgroup, 1, out, sizeof out), 0);
	assert_string_equal(out, "/sys/fs/cgroup/unified/memory.current");
	assert_int_equal(gm_sampler_cgroup_file(gm_t_cgroup, 2, out, sizeof out), 0);
	assert_string_equal(out, "/sys/fs/cgroup/memory/process_api/1141dd571842d867a4d1ea3c7fc902a6"
				 "/memory.usage_in_bytes");
	assert_int_equal(gm_sampler_cgroup_file(gm_t_cgroup, 3, out, sizeof out), -1);
	/* v1 with co-mounted controllers; "name=systemd" and "memoryx" are not memory */
	const char *v1 = "3:name=systemd:/x\n4:memoryx:/y\n5:cpu,memory:/a/b\n";
	assert_int_equal(gm_sampler_cgroup_file(v1, 0, out, sizeof out), 0);
	assert_string_equal(out, "/sys/fs/cgroup/memory/a/b/memory.usage_in_bytes");
	assert_int_equal(gm_sampler_cgroup_file(v1, 1, out, sizeof out), -1);
}

static void test_read_file(void **state)
{
	(void)state;
	char small[16];
	long n = gm_sampler_read_file(GM_TEST_SRCDIR "/tests/data/sampler/smaps_rollup.txt", small,
				      sizeof small);
	assert_int_equal(n, 15); /* truncated, NUL-terminated */
	assert_int_equal(small[15], '\0');
	assert_int_equal(gm_sampler_read_file("/nonexistent/file", small, sizeof small), -1);
	/* the live files of this process parse */
	char buf[8192];
	assert_true(gm_sampler_read_file("/proc/self/status", buf, sizeof buf) > 0);
	assert_true(gm_sampler_kb(buf, "VmRSS") > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_kb_exact_keys),
		cmocka_unit_test(test_parse_mem),
		cmocka_unit_test(test_cgroup_v2),
		cmocka_unit_test(test_cgroup_hybrid),
		cmocka_unit_test(test_cgroup_parse),
		cmocka_unit_test(test_read_file),
	};
	return cmocka_run_group_tests(tests, gm_t_setup, NULL);
}
