# tests/asan.mk: `make check-asan`: the reader, common/, the unit tests and the fuzz replay
# built with -fsanitize=address,undefined in a build directory of their own ($(builddir)/asan,
# configured once with the same GO_VERSIONS, sharing this build's Go test programs) and run
# there; any sanitizer report fails the test (docs/reliability.md). Only the tests that run in
# their own process: those that preload a library into Go programs (test_gosyms, and the
# preload's pieces) would need the ASan runtime first in every traced program, see the docs.
GM_ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
GM_ASAN_TESTS = tests/unit/test_elf_image tests/unit/test_gopclntab tests/unit/test_gobuildinfo \
	tests/unit/test_symbolize tests/unit/test_pprof tests/unit/test_report_model tests/unit/test_report_html \
	tests/unit/test_diff tests/unit/test_bufplan \
	$(GM_FUZZ_REPLAYS)
GM_ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99

check-asan:
	@$(MKDIR_P) asan/tests/unit
	@for d in gosyms-fx symbols-fx; do $(MKDIR_P) tests/unit/$$d; \
		test -e asan/tests/unit/$$d || ln -s ../../../tests/unit/$$d asan/tests/unit/$$d; done
	@test -f asan/Makefile || (cd asan && $(abs_top_srcdir)/configure -q GO_VERSIONS='$(GO_VERSIONS)' \
		CFLAGS='-g -O1 $(GM_ASAN_FLAGS)' LDFLAGS='$(GM_ASAN_FLAGS)')
	@echo "check-asan: $(GM_ASAN_TESTS)"
	$(GM_ASAN_ENV) $(MAKE) -C asan check TESTS='$(GM_ASAN_TESTS)'

clean-local: clean-asan
clean-asan:
	rm -rf asan
.PHONY: check-asan clean-asan
