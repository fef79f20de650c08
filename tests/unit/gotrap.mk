# Unit tests of the gotrap piece: the syscall-site finder on synthetic code and on the
# runtime of every installed Go toolchain's own binary.
check_PROGRAMS += tests/unit/test_gotrap
TESTS += tests/unit/test_gotrap
tests_unit_test_gotrap_SOURCES = tests/unit/test_gotrap.c preload/gotrap.c
tests_unit_test_gotrap_CPPFLAGS = $(AM_CPPFLAGS) -DGM_GOTRAP_TESTING
tests_unit_test_gotrap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_gotrap_LDADD = common/libgmcommon.la $(CMOCKA_LIBS)
