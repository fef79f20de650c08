# Unit tests of common/ (ELF images, .gopclntab, build info) and of preload/gosyms.c.
# They look at real Go programs, built at test time by tests/data/gosyms/build.sh (with every
# Go of GO_VERSIONS) into $(builddir)/tests/unit/gosyms-fx/.
GM_GOSYMS_TEST_CPPFLAGS = $(AM_CPPFLAGS) -DGM_TEST_SRCDIR='"$(abs_top_srcdir)"' \
	-DGM_TEST_BUILDDIR='"$(abs_top_builddir)"' -DGM_TEST_GO_VERSIONS='"$(GO_VERSIONS)"'

check_PROGRAMS += tests/unit/test_elf_image tests/unit/test_gopclntab tests/unit/test_gobuildinfo \
	tests/unit/test_gosyms
TESTS += tests/unit/test_elf_image tests/unit/test_gopclntab tests/unit/test_gobuildinfo \
	tests/unit/test_gosyms

tests_unit_test_elf_image_SOURCES = tests/unit/test_elf_image.c tests/unit/test_gosyms_fixtures.h
tests_unit_test_elf_image_CPPFLAGS = $(GM_GOSYMS_TEST_CPPFLAGS)
tests_unit_test_elf_image_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_elf_image_LDADD = common/libgmcommon.la $(CMOCKA_LIBS)

tests_unit_test_gopclntab_SOURCES = tests/unit/test_gopclntab.c tests/unit/test_gosyms_fixtures.h
tests_unit_test_gopclntab_CPPFLAGS = $(GM_GOSYMS_TEST_CPPFLAGS)
tests_unit_test_gopclntab_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_gopclntab_LDADD = common/libgmcommon.la $(CMOCKA_LIBS)

tests_unit_test_gobuildinfo_SOURCES = tests/unit/test_gobuildinfo.c tests/unit/test_gosyms_fixtures.h
tests_unit_test_gobuildinfo_CPPFLAGS = $(GM_GOSYMS_TEST_CPPFLAGS)
tests_unit_test_gobuildinfo_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_gobuildinfo_LDADD = common/libgmcommon.la $(CMOCKA_LIBS)

# test_gosyms runs the Go programs with a probe library preloaded: preload/gosyms.c plus a
# constructor that reports what gm_gosyms_* found from inside the process.
check_LTLIBRARIES = tests/unit/libgmtestgosymsprobe.la
tests_unit_libgmtestgosymsprobe_la_SOURCES = tests/unit/test_gosyms_probe.c preload/gosyms.c
tests_unit_libgmtestgosymsprobe_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
tests_unit_libgmtestgosymsprobe_la_LIBADD = common/libgmcommon.la
tests_unit_libgmtestgosymsprobe_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere -no-undefined

tests_unit_test_gosyms_SOURCES = tests/unit/test_gosyms.c tests/unit/test_gosyms_fixtures.h
tests_unit_test_gosyms_CPPFLAGS = $(GM_GOSYMS_TEST_CPPFLAGS)
tests_unit_test_gosyms_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_gosyms_LDADD = common/libgmcommon.la $(CMOCKA_LIBS)

EXTRA_DIST += tests/unit/test_go.h tests/data/gosyms/build.sh tests/data/gosyms/gosrc/main.go tests/data/gosyms/cgosrc/main.go
CLEANFILES += tests/unit/gosyms-fx/go1* tests/unit/gosyms-fx/.lock
