# Unit tests of tools/ (the `gomemtrace record` side): the LTTng buffer budget.
check_PROGRAMS += tests/unit/test_bufplan
TESTS += tests/unit/test_bufplan
tests_unit_test_bufplan_SOURCES = tests/unit/test_bufplan.c tools/bufplan.c tools/bufplan.h
tests_unit_test_bufplan_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_bufplan_LDADD = $(CMOCKA_LIBS)
