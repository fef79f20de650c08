# Unit tests of `gomemtrace diff` (tools/report/diff*.c): the matching key, the verdict (with a
# simulation of sampled estimates), the comparison of two fabricated models, option errors.
# The end-to-end test is tests/e2e/diff.sh (tests/e2e/diff.mk).
check_PROGRAMS += tests/unit/test_diff
TESTS += tests/unit/test_diff

tests_unit_test_diff_SOURCES = tests/unit/test_diff.c
tests_unit_test_diff_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BABELTRACE_CFLAGS)
tests_unit_test_diff_LDADD = tools/report/libgmreport.la $(CMOCKA_LIBS) -lm
