# tools/: the `gomemtrace` command (record, attach, snapshot, report, diff, preload-path).
bin_PROGRAMS += tools/gomemtrace
tools_gomemtrace_SOURCES = tools/gomemtrace.c tools/record.c tools/record.h tools/attach.c tools/attach.h \
	tools/snapshot.c tools/snapshot.h tools/relayd.c tools/relayd.h tools/bufplan.c tools/bufplan.h \
	tools/session.c tools/session.h
# GM_UST_LIBDIR: where lttng-ust's helper libraries (liblttng-ust-fork.so.1, -dl.so.1) live;
# record preloads them so that fork()ed children and dlopen()ed libraries are followed.
tools_gomemtrace_CPPFLAGS = $(AM_CPPFLAGS) \
	-DGM_BUILD_PRELOAD='"$(abs_top_builddir)/preload/.libs/libgomemtrace.so"' \
	-DGM_BUILD_TOOLS_DIR='"$(abs_top_builddir)/tools"' \
	-DGM_INSTALL_PRELOAD='"$(pkglibdir)/libgomemtrace.so"' \
	-DGM_UST_LIBDIR='"$(shell $(PKG_CONFIG) --variable=libdir lttng-ust)"' \
	-DGM_LTTNG='"$(LTTNG)"' -DGM_LTTNG_SESSIOND='"$(LTTNG_SESSIOND)"' $(LTTNG_CTL_CFLAGS)
# `report` is the reader in tools/report/ (its own fragment).
tools_gomemtrace_LDADD = tools/report/libgmreport.la common/libgmcommon.la $(LTTNG_CTL_LIBS)
dist_man1_MANS += tools/gomemtrace.1
EXTRA_DIST += examples/README.md examples/demo-summary.sh examples/cgoleak/main.go \
	examples/cgoleak/leak.c examples/cgoleak/leak.h
