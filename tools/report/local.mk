# tools/report/: `gomemtrace report`, the reader (libbabeltrace2). Built as a convenience
# library that tools/gomemtrace links; entry point gm_report_main() in tools/report/report.h.
noinst_LTLIBRARIES += tools/report/libgmreport.la
tools_report_libgmreport_la_SOURCES = tools/report/report.c tools/report/report.h
tools_report_libgmreport_la_CFLAGS = $(AM_CFLAGS) $(BABELTRACE_CFLAGS) $(LIBDW_CFLAGS)
tools_report_libgmreport_la_LIBADD = common/libgmcommon.la $(BABELTRACE_LIBS) $(LIBDW_LIBS)
