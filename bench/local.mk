# bench/: `make bench`, overhead of the tracer against the untraced program (issue 5).
# Not part of `make check` (timings are measured, never asserted). Quick run:
#   make bench BENCH_RUNS=3 BENCH_WORKLOADS=a BENCH_MODES=uns   (modes: untraced, no session,
#   sampled, full, heaptrack, lttng-ust libc wrapper; untraced always runs). Then
#   bench/accuracy.sh: sampled vs full leak estimate on examples/cgoleak, BENCH_ACCURACY runs
#   (0: skip it). bench/diff-noise.sh (run by hand, docs/diff.md): run-to-run variation of the
#   figures `gomemtrace diff` compares, behind its default thresholds.
# The driver (bench/gm-bench) and the trace event counter (bench/gm-bench-count) are built only
# by `make bench`; the Go workloads of bench/workloads/ with $(BENCH_GO), cgo on, GOPATH mode
# (workload c uses Debian's go-sqlite3 from /usr/share/gocode and the system libsqlite3).
BENCH_RUNS = 5
BENCH_WORKLOADS = abc
BENCH_GO = /usr/lib/go-1.23/bin/go
BENCH_GOPATH = /usr/share/gocode
BENCH_FLAGS =
BENCH_MODES = unsfhw
BENCH_ACCURACY = 3
BENCH_WORKLOAD_NAMES = cchurn goheap sqlite

EXTRA_PROGRAMS = bench/gm-bench bench/gm-bench-count
bench_gm_bench_SOURCES = bench/gm-bench.c
bench_gm_bench_count_SOURCES = bench/gm-bench-count.c
bench_gm_bench_count_CFLAGS = $(AM_CFLAGS) $(BABELTRACE_CFLAGS)
bench_gm_bench_count_LDADD = $(BABELTRACE_LIBS)
CLEANFILES += bench/gm-bench bench/gm-bench-count $(BENCH_WORKLOAD_NAMES:%=bench/%)
EXTRA_DIST += $(BENCH_WORKLOAD_NAMES:%=bench/workloads/%/main.go) bench/accuracy.sh bench/diff-noise.sh

# go build decides itself whether a workload is out of date (its cache lives in the build tree).
bench-workloads:
	@$(MKDIR_P) bench
	@for w in $(BENCH_WORKLOAD_NAMES); do \
		echo "  GO       bench/$$w"; \
		(cd '$(abs_top_srcdir)/bench/workloads/'"$$w" && CGO_ENABLED=1 GO111MODULE=off GOFLAGS= \
			GOPATH='$(BENCH_GOPATH)' GOCACHE='$(abs_top_builddir)/bench/gocache' \
			'$(BENCH_GO)' build -o '$(abs_top_builddir)/bench/'"$$w" .) || exit 1; \
	done

bench: all bench/gm-bench$(EXEEXT) bench/gm-bench-count$(EXEEXT) bench-workloads
	$(abs_top_builddir)/bench/gm-bench --builddir '$(abs_top_builddir)' --bindir '$(abs_top_builddir)/bench' \
		--runs '$(BENCH_RUNS)' --workloads '$(BENCH_WORKLOADS)' --modes '$(BENCH_MODES)' $(BENCH_FLAGS)
	@if [ '$(BENCH_ACCURACY)' != 0 ]; then \
		'$(abs_top_srcdir)/bench/accuracy.sh' '$(abs_top_builddir)' '$(BENCH_GO)' '$(BENCH_ACCURACY)'; fi

clean-local: clean-bench
clean-bench:
	-rm -rf bench/gocache

.PHONY: bench bench-workloads clean-bench
