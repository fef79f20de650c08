# tests/: cmocka unit tests (tests/unit), the replay of the fuzz inputs and `make fuzz`
# (tests/fuzz), `make check-asan` (tests/asan.mk) and end-to-end tests on real Go programs
# (tests/e2e).
# Each piece keeps its own fragment so the pieces can grow independently.
TESTS_ENVIRONMENT = \
	GM_TOP_SRCDIR='$(abs_top_srcdir)' GM_TOP_BUILDDIR='$(abs_top_builddir)' \
	GM_GO_VERSIONS='$(GO_VERSIONS)' GM_LTTNG='$(LTTNG)' GM_LTTNG_SESSIOND='$(LTTNG_SESSIOND)' \
	GM_BABELTRACE2='$(BABELTRACE2)'; export GM_TOP_SRCDIR GM_TOP_BUILDDIR GM_GO_VERSIONS \
	GM_LTTNG GM_LTTNG_SESSIOND GM_BABELTRACE2;
include $(srcdir)/tests/unit/common.mk
include $(srcdir)/tests/unit/gotrap.mk
include $(srcdir)/tests/unit/sampler.mk
include $(srcdir)/tests/unit/stack.mk
include $(srcdir)/tests/unit/unwind.mk
include $(srcdir)/tests/unit/symbols.mk
include $(srcdir)/tests/unit/report.mk
include $(srcdir)/tests/unit/diff.mk
include $(srcdir)/tests/unit/record.mk
include $(srcdir)/tests/fuzz/fuzz.mk
include $(srcdir)/tests/asan.mk
include $(srcdir)/tests/e2e/e2e.mk
