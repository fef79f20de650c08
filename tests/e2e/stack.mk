# e2e tests of the stack walker on real Go programs.
check_PROGRAMS += tests/tools/gm-addr2line
tests_tools_gm_addr2line_SOURCES = tests/tools/gm-addr2line.c
tests_tools_gm_addr2line_LDADD = common/libgmcommon.la
E2E_TESTS += tests/e2e/stack_cgo.sh
EXTRA_DIST += tests/data/stack/main.go
