# Unit tests of the sampler piece: the allocation-free parsers (preload/sampler.c) on captured
# /proc text, and the Go page-allocator bitmap discovery and chunk math (preload/goheap.c) on a
# replay of the runtime's mmap sequence.
check_PROGRAMS += tests/unit/test_sampler tests/unit/test_goheap
TESTS += tests/unit/test_sampler tests/unit/test_goheap
EXTRA_DIST += tests/data/sampler/smaps_rollup.txt tests/data/sampler/status.txt \
	tests/data/sampler/cgroup-hybrid.txt

tests_unit_test_sampler_SOURCES = tests/unit/test_sampler.c preload/sampler.c
tests_unit_test_sampler_CPPFLAGS = $(AM_CPPFLAGS) -DGM_SAMPLER_TESTING \
	-DGM_TEST_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_sampler_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_sampler_LDADD = $(CMOCKA_LIBS)

tests_unit_test_goheap_SOURCES = tests/unit/test_goheap.c preload/goheap.c
tests_unit_test_goheap_CPPFLAGS = $(AM_CPPFLAGS) -DGM_GOHEAP_TESTING
tests_unit_test_goheap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_goheap_LDADD = $(CMOCKA_LIBS)

# The set of live sampled blocks (preload/sampling.c): tiers, lookups, resident size.
check_PROGRAMS += tests/unit/test_sampling
TESTS += tests/unit/test_sampling
tests_unit_test_sampling_SOURCES = tests/unit/test_sampling.c preload/sampling.c
tests_unit_test_sampling_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_sampling_LDADD = $(CMOCKA_LIBS)
