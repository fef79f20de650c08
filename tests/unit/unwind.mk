# Unit tests of the cached C frame unwinder (preload/unwind.c): the CFA interpreter on
# hand-built CIE/FDE bytes, real walks compared with libgcc's _Unwind_Backtrace (looked up in
# libgcc_s.so.1 at run time, as stack.c does), and the lock-free cache.
check_PROGRAMS += tests/unit/test_unwind
TESTS += tests/unit/test_unwind
tests_unit_test_unwind_SOURCES = tests/unit/test_unwind.c preload/unwind.c preload/unwind.h
tests_unit_test_unwind_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_unwind_LDADD = $(CMOCKA_LIBS) -ldl -lpthread

# preload/stack.c (tested by tests/unit/stack.mk) calls the unwinder: link it there too.
tests_unit_test_stack_SOURCES += preload/unwind.c preload/unwind.h
