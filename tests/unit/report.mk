# Tests of the reader (`gomemtrace report`, tools/report/): the test driver gm-report-run and
# the cmocka unit tests of the model (live blocks, realloc, mappings, findings) on
# synthetic events, some with stacks of the gosyms test programs (tests/unit/common.mk), and
# of the HTML page's writer (its blocks and their escapes).
# The end-to-end tests are in tests/e2e/report.mk.
check_PROGRAMS += tests/tools/gm-report-run tests/unit/test_report_model tests/unit/test_report_html
TESTS += tests/unit/test_report_model tests/unit/test_report_html

tests_tools_gm_report_run_SOURCES = tests/tools/gm-report-run.c
tests_tools_gm_report_run_LDADD = tools/report/libgmreport.la

tests_unit_test_report_model_SOURCES = tests/unit/test_report_model.c tests/unit/test_gosyms_fixtures.h
tests_unit_test_report_model_CPPFLAGS = $(GM_GOSYMS_TEST_CPPFLAGS)
tests_unit_test_report_model_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BABELTRACE_CFLAGS)
tests_unit_test_report_model_LDADD = tools/report/libgmreport.la $(CMOCKA_LIBS)

tests_unit_test_report_html_SOURCES = tests/unit/test_report_html.c
tests_unit_test_report_html_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BABELTRACE_CFLAGS)
tests_unit_test_report_html_LDADD = tools/report/libgmreport.la $(CMOCKA_LIBS)
