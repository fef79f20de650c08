# tests/fuzz/: fuzz targets of every parser of untrusted bytes (docs/reliability.md).
#   make check   replays tests/data/fuzz/TARGET/ (inputs that once crashed) and
#                tests/fuzz/seeds/TARGET/ through each target, built with the project's compiler
#                and tests/fuzz/replay.c (no clang needed);
#   make fuzz    builds each target with clang's libFuzzer (configure: GM_FUZZ_CC) and runs it
#                for FUZZ_S seconds (default 60), one after the other; non-zero on any finding
#                (crash, sanitizer report, timeout, out of memory: tests/fuzz/findings/TARGET/).
GM_FUZZ_TARGETS = elf_image gopclntab gobuildinfo gosyms symbolize report_model
GM_FUZZ_COMMON = common/elf_image.c common/gopclntab.c common/gopclntab_inline.c common/gobuildinfo.c
GM_FUZZ_SYM = tools/report/modmap.c tools/report/symbolize.c
GM_FUZZ_MODEL = tools/report/model.c tools/report/order.c tools/report/analyze.c tools/report/timeline.c tools/report/text.c tools/report/json.c tools/report/profile.c \
	tools/report/pprof.c tools/report/folded.c $(GM_FUZZ_SYM)
GM_FUZZ_REPLAYS = tests/fuzz/replay-elf_image tests/fuzz/replay-gopclntab tests/fuzz/replay-gobuildinfo \
	tests/fuzz/replay-gosyms tests/fuzz/replay-symbolize tests/fuzz/replay-report_model

# ---- the replay (make check) ----
check_PROGRAMS += $(GM_FUZZ_REPLAYS)
TESTS += $(GM_FUZZ_REPLAYS)

tests_fuzz_replay_elf_image_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzz_elf_image.c
tests_fuzz_replay_elf_image_CPPFLAGS = $(AM_CPPFLAGS) -DGM_FUZZ_TARGET='"elf_image"'
tests_fuzz_replay_elf_image_LDADD = common/libgmcommon.la

tests_fuzz_replay_gopclntab_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzz_gopclntab.c
tests_fuzz_replay_gopclntab_CPPFLAGS = $(AM_CPPFLAGS) -DGM_FUZZ_TARGET='"gopclntab"'
tests_fuzz_replay_gopclntab_LDADD = common/libgmcommon.la

tests_fuzz_replay_gobuildinfo_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzz_gobuildinfo.c
tests_fuzz_replay_gobuildinfo_CPPFLAGS = $(AM_CPPFLAGS) -DGM_FUZZ_TARGET='"gobuildinfo"'
tests_fuzz_replay_gobuildinfo_LDADD = common/libgmcommon.la

tests_fuzz_replay_gosyms_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzz_gosyms.c preload/gosyms.c
tests_fuzz_replay_gosyms_CPPFLAGS = $(AM_CPPFLAGS) -DGM_FUZZ_TARGET='"gosyms"' -DGM_GOSYMS_TESTING
tests_fuzz_replay_gosyms_LDADD = common/libgmcommon.la

tests_fuzz_replay_symbolize_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzz_symbolize.c \
	$(GM_FUZZ_SYM)
tests_fuzz_replay_symbolize_CPPFLAGS = $(AM_CPPFLAGS) -DGM_FUZZ_TARGET='"symbolize"'
tests_fuzz_replay_symbolize_CFLAGS = $(AM_CFLAGS) $(LIBDW_CFLAGS)
tests_fuzz_replay_symbolize_LDADD = common/libgmcommon.la $(LIBDW_LIBS)

tests_fuzz_replay_report_model_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzz_report_model.c \
	$(GM_FUZZ_MODEL)
tests_fuzz_replay_report_model_CPPFLAGS = $(AM_CPPFLAGS) -DGM_FUZZ_TARGET='"report_model"'
tests_fuzz_replay_report_model_CFLAGS = $(AM_CFLAGS) $(LIBDW_CFLAGS)
tests_fuzz_replay_report_model_LDADD = common/libgmcommon.la $(LIBDW_LIBS) -lm

EXTRA_DIST += tests/fuzz/seeds.sh tests/fuzz/run.sh tests/fuzz/seeds tests/data/fuzz

# ---- make fuzz ----
FUZZ_S = 60
GM_FUZZ_CFLAGS = -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-include $(top_builddir)/config.h -I$(top_srcdir)/include -I$(top_srcdir) -I$(top_builddir)
GM_FUZZ_BIN = tests/fuzz/bin
GM_FUZZ_CCLD = $(AM_V_GEN)$(MKDIR_P) $(GM_FUZZ_BIN) && $(GM_FUZZ_CC) $(GM_FUZZ_CFLAGS) -o $@
GM_FUZZ_S = $(top_srcdir)/
GM_FUZZ_HDRS = $(wildcard $(top_srcdir)/common/*.h $(top_srcdir)/tools/report/*.h \
	$(top_srcdir)/preload/gosyms.h $(top_srcdir)/include/gomemtrace/*.h)

$(GM_FUZZ_BIN)/fuzz-elf_image: tests/fuzz/fuzz_elf_image.c tests/fuzz/fuzz.h $(GM_FUZZ_HDRS) $(GM_FUZZ_COMMON)
	$(GM_FUZZ_CCLD) $(addprefix $(GM_FUZZ_S),tests/fuzz/fuzz_elf_image.c $(GM_FUZZ_COMMON))
$(GM_FUZZ_BIN)/fuzz-gopclntab: tests/fuzz/fuzz_gopclntab.c tests/fuzz/fuzz.h $(GM_FUZZ_HDRS) $(GM_FUZZ_COMMON)
	$(GM_FUZZ_CCLD) $(addprefix $(GM_FUZZ_S),tests/fuzz/fuzz_gopclntab.c $(GM_FUZZ_COMMON))
$(GM_FUZZ_BIN)/fuzz-gobuildinfo: tests/fuzz/fuzz_gobuildinfo.c tests/fuzz/fuzz.h $(GM_FUZZ_HDRS) $(GM_FUZZ_COMMON)
	$(GM_FUZZ_CCLD) $(addprefix $(GM_FUZZ_S),tests/fuzz/fuzz_gobuildinfo.c $(GM_FUZZ_COMMON))
$(GM_FUZZ_BIN)/fuzz-gosyms: tests/fuzz/fuzz_gosyms.c tests/fuzz/fuzz.h $(GM_FUZZ_HDRS) preload/gosyms.c $(GM_FUZZ_COMMON)
	$(GM_FUZZ_CCLD) -DGM_GOSYMS_TESTING $(addprefix $(GM_FUZZ_S),tests/fuzz/fuzz_gosyms.c preload/gosyms.c $(GM_FUZZ_COMMON))
$(GM_FUZZ_BIN)/fuzz-symbolize: tests/fuzz/fuzz_symbolize.c tests/fuzz/fuzz.h $(GM_FUZZ_HDRS) $(GM_FUZZ_SYM) $(GM_FUZZ_COMMON)
	$(GM_FUZZ_CCLD) $(LIBDW_CFLAGS) $(addprefix $(GM_FUZZ_S),tests/fuzz/fuzz_symbolize.c $(GM_FUZZ_SYM) $(GM_FUZZ_COMMON)) \
		$(LIBDW_LIBS)
$(GM_FUZZ_BIN)/fuzz-report_model: tests/fuzz/fuzz_report_model.c tests/fuzz/fuzz.h $(GM_FUZZ_HDRS) $(GM_FUZZ_MODEL) $(GM_FUZZ_COMMON)
	$(GM_FUZZ_CCLD) $(LIBDW_CFLAGS) $(addprefix $(GM_FUZZ_S),tests/fuzz/fuzz_report_model.c $(GM_FUZZ_MODEL) \
		$(GM_FUZZ_COMMON)) $(LIBDW_LIBS) -lm

# The Go programs behind the seeds (as the unit tests build them); without them the targets
# start from the committed seeds alone.
gm-fuzz-fixtures:
	@$(SHELL) $(top_srcdir)/tests/data/gosyms/build.sh $(abs_builddir)/tests/unit/gosyms-fx $(GO_VERSIONS) || \
		echo "make fuzz: warning: the Go test programs could not all be built (seeds from what exists)" >&2

fuzz:
	@if test -z "$(GM_FUZZ_CC)"; then \
		echo "make fuzz: no clang with -fsanitize=fuzzer was found by configure: install clang-14 and" \
		     "libclang-rt-14-dev (./quickstart deps), then re-run configure (or set FUZZ_CC)" >&2; \
		exit 1; \
	fi
	@$(MAKE) $(AM_MAKEFLAGS) gm-fuzz-fixtures $(addprefix $(GM_FUZZ_BIN)/fuzz-,$(GM_FUZZ_TARGETS))
	@FUZZ_S='$(FUZZ_S)' $(SHELL) $(top_srcdir)/tests/fuzz/run.sh '$(top_srcdir)' tests/fuzz $(GM_FUZZ_TARGETS)

.PHONY: fuzz gm-fuzz-fixtures
clean-local: clean-fuzz
clean-fuzz:
	rm -rf $(GM_FUZZ_BIN) tests/fuzz/seeds-gen
.PHONY: clean-fuzz
