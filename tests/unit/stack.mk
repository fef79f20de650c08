# Unit tests of the stack walker (preload/stack.c) on synthetic Go stacks.
check_PROGRAMS += tests/unit/test_stack
TESTS += tests/unit/test_stack
tests_unit_test_stack_SOURCES = tests/unit/test_stack.c preload/stack.c
tests_unit_test_stack_CPPFLAGS = $(AM_CPPFLAGS) -DGM_STACK_TESTING -DUNW_LOCAL_ONLY
tests_unit_test_stack_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(UNWIND_CFLAGS)
tests_unit_test_stack_LDADD = $(CMOCKA_LIBS) $(UNWIND_LIBS)
