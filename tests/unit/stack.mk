# Unit tests of the stack walker (preload/stack.c) on synthetic Go stacks, and of its g/m
# layout decoders on instruction bytes and on the runtime of the gosyms test programs (built
# at test time with every Go of GO_VERSIONS, see tests/unit/common.mk).
check_PROGRAMS += tests/unit/test_stack
TESTS += tests/unit/test_stack
tests_unit_test_stack_SOURCES = tests/unit/test_stack.c tests/unit/test_gosyms_fixtures.h preload/stack.c
tests_unit_test_stack_CPPFLAGS = $(GM_GOSYMS_TEST_CPPFLAGS) -DGM_STACK_TESTING -DUNW_LOCAL_ONLY
tests_unit_test_stack_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(UNWIND_CFLAGS)
tests_unit_test_stack_LDADD = common/libgmcommon.la $(CMOCKA_LIBS) $(UNWIND_LIBS)
