# Unit tests of the report's symbolizer and profile writers (tools/report/modmap.c,
# symbolize.c, pprof.c, folded.c), plus test-symbolize-tool, the driver of the e2e tests
# tests/e2e/symbols_*.sh. They build the sources themselves (listed here), so they do not
# depend on tools/report/local.mk. Go and C test programs are built at test time into
# $(builddir)/tests/unit/symbols-fx/ with every Go of GO_VERSIONS.
GM_SYMBOLS_SOURCES = tools/report/modmap.c tools/report/modmap.h \
	tools/report/symbolize.c tools/report/symbolize.h \
	tools/report/pprof.c tools/report/pprof.h tools/report/folded.c tools/report/folded.h
GM_SYMBOLS_CPPFLAGS = $(AM_CPPFLAGS) -DGM_TEST_SRCDIR='"$(abs_top_srcdir)"' \
	-DGM_TEST_BUILDDIR='"$(abs_top_builddir)"' -DGM_TEST_GO_VERSIONS='"$(GO_VERSIONS)"'
GM_SYMBOLS_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(LIBDW_CFLAGS)
GM_SYMBOLS_LDADD = common/libgmcommon.la $(CMOCKA_LIBS) $(LIBDW_LIBS)

check_PROGRAMS += tests/unit/test_symbolize tests/unit/test_pprof tests/unit/test-symbolize-tool
TESTS += tests/unit/test_symbolize tests/unit/test_pprof

tests_unit_test_symbolize_SOURCES = tests/unit/test_symbolize.c tests/unit/test_symbolize_fx.h \
	$(GM_SYMBOLS_SOURCES)
tests_unit_test_symbolize_CPPFLAGS = $(GM_SYMBOLS_CPPFLAGS)
tests_unit_test_symbolize_CFLAGS = $(GM_SYMBOLS_CFLAGS)
tests_unit_test_symbolize_LDADD = $(GM_SYMBOLS_LDADD)

tests_unit_test_pprof_SOURCES = tests/unit/test_pprof.c tests/unit/test_symbolize_fx.h \
	$(GM_SYMBOLS_SOURCES)
tests_unit_test_pprof_CPPFLAGS = $(GM_SYMBOLS_CPPFLAGS)
tests_unit_test_pprof_CFLAGS = $(GM_SYMBOLS_CFLAGS)
tests_unit_test_pprof_LDADD = $(GM_SYMBOLS_LDADD)

tests_unit_test_symbolize_tool_SOURCES = tests/unit/test_symbolize_tool.c $(GM_SYMBOLS_SOURCES)
tests_unit_test_symbolize_tool_CFLAGS = $(AM_CFLAGS) $(LIBDW_CFLAGS)
tests_unit_test_symbolize_tool_LDADD = common/libgmcommon.la $(LIBDW_LIBS)

CLEANFILES += tests/unit/symbols-fx/fx-* tests/unit/symbols-fx/libgmsymfx.so tests/unit/symbols-fx/lib.c \
	tests/unit/symbols-fx/src/main.go tests/unit/symbols-fx/.lock
