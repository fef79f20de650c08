# End-to-end tests: a real lttng-sessiond, real Go programs, the real preload.
# Each test is a bash script; exit 0 pass, 77 skip, anything else fail.
E2E_TESTS =
include $(srcdir)/tests/e2e/trap.mk
include $(srcdir)/tests/e2e/sampler.mk
include $(srcdir)/tests/e2e/record.mk
include $(srcdir)/tests/e2e/attach.mk
include $(srcdir)/tests/e2e/stack.mk
include $(srcdir)/tests/e2e/robust.mk
include $(srcdir)/tests/e2e/symbols.mk
include $(srcdir)/tests/e2e/report.mk
include $(srcdir)/tests/e2e/diff.mk
include $(srcdir)/tests/e2e/accept.mk
include $(srcdir)/tests/e2e/scenario.mk
TESTS += $(E2E_TESTS)
EXTRA_DIST += tests/e2e/lib.sh $(E2E_TESTS)
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
