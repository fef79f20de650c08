# tools/: the `gomemtrace` command (record, report, preload-path).
bin_PROGRAMS += tools/gomemtrace
tools_gomemtrace_SOURCES = tools/gomemtrace.c tools/record.c tools/record.h
tools_gomemtrace_CPPFLAGS = $(AM_CPPFLAGS) \
	-DGM_BUILD_PRELOAD='"$(abs_top_builddir)/preload/.libs/libgomemtrace.so"' \
	-DGM_BUILD_TOOLS_DIR='"$(abs_top_builddir)/tools"' \
	-DGM_INSTALL_PRELOAD='"$(pkglibdir)/libgomemtrace.so"' \
	-DGM_LTTNG='"$(LTTNG)"' -DGM_LTTNG_SESSIOND='"$(LTTNG_SESSIOND)"'
tools_gomemtrace_LDADD = common/libgmcommon.la
dist_man1_MANS += tools/gomemtrace.1
