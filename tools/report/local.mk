# tools/report/: `gomemtrace report`, the reader (libbabeltrace2), and `gomemtrace diff`, two
# traces compared (diff*.c). Built as a convenience library that tools/gomemtrace links; entry
# points gm_report_main() in tools/report/report.h, gm_diff_main() in tools/report/diff.h.
# load -> model (state, ordering) -> analyze (+ timeline) -> text / json / html / pprof / folded
# writers, and diff over two analyzed models;
# modmap/symbolize resolve frames (DWARF inlines, .gopclntab, ELF symbols); profile.c writes
# pprof/folded through pprof.c/folded.c.
noinst_LTLIBRARIES += tools/report/libgmreport.la
tools_report_libgmreport_la_SOURCES = tools/report/report.c tools/report/report.h \
	tools/report/load.c tools/report/load.h \
	tools/report/input.c tools/report/input.h tools/report/scan.c tools/report/scan.h \
	tools/report/model.c tools/report/model.h tools/report/model_int.h tools/report/order.c \
	tools/report/analyze.c tools/report/timeline.c tools/report/timeline.h \
	tools/report/output.h tools/report/text.c tools/report/json.c tools/report/profile.c \
	tools/report/html.c tools/report/html_assets.h \
	tools/report/modmap.c tools/report/modmap.h tools/report/symbolize.c tools/report/symbolize.h \
	tools/report/pprof.c tools/report/pprof.h tools/report/folded.c tools/report/folded.h \
	tools/report/diff.c tools/report/diff.h tools/report/diff_compare.c tools/report/diff_text.c \
	tools/report/diff_json.c tools/report/diff_pprof.c
tools_report_libgmreport_la_CFLAGS = $(AM_CFLAGS) $(BABELTRACE_CFLAGS) $(LIBDW_CFLAGS)
tools_report_libgmreport_la_LIBADD = common/libgmcommon.la $(BABELTRACE_LIBS) $(LIBDW_LIBS) -lm
# The HTML page's parts stay real files (edited and linted as HTML, CSS, JS) and become the C
# strings of html_assets.h at build time: html/embed.sh (POSIX sh + od) writes html_assets.c
# into the build tree (VPATH builds: the parts are read from $(srcdir)).
GM_HTML_PARTS = $(srcdir)/tools/report/html/page.html $(srcdir)/tools/report/html/page.css \
	$(srcdir)/tools/report/html/page.js
nodist_tools_report_libgmreport_la_SOURCES = tools/report/html_assets.c
BUILT_SOURCES += tools/report/html_assets.c
CLEANFILES += tools/report/html_assets.c
EXTRA_DIST += tools/report/html/page.html tools/report/html/page.css tools/report/html/page.js \
	tools/report/html/embed.sh tools/report/html/devpage.sh
tools/report/html_assets.c: $(GM_HTML_PARTS) $(srcdir)/tools/report/html/embed.sh
	$(AM_V_GEN)$(MKDIR_P) tools/report && \
	$(SHELL) $(srcdir)/tools/report/html/embed.sh $(GM_HTML_PARTS) >$@.tmp && mv $@.tmp $@
