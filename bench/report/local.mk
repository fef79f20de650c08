# bench/report/: `make bench-report`, the reader's speed and memory (issue 3): `gomemtrace report`
# against the babeltrace2 decode floor (sink.utils.counter) on a large trace of
# tests/data/robust/churn, and the reader's peak RSS at 1x and 10x the trace length.
# Not part of `make check` (measured, never asserted). Quick run:
#   make bench-report BENCH_REPORT_ITER=20000 BENCH_REPORT_RUNS=1
# Numbers and the command: docs/accuracy.md.
BENCH_REPORT_ITER = 100000
BENCH_REPORT_SCALE = 10
BENCH_REPORT_THREADS = 4
BENCH_REPORT_RUNS = 3
BENCH_REPORT_FLAGS =
EXTRA_DIST += bench/report/bench-report.sh

bench-report: all tests/data/robust/churn$(EXEEXT)
	LTTNG='$(LTTNG)' LTTNG_SESSIOND='$(LTTNG_SESSIOND)' BABELTRACE2='$(BABELTRACE2)' \
	$(SHELL) '$(abs_top_srcdir)/bench/report/bench-report.sh' --builddir '$(abs_top_builddir)' \
		--iter '$(BENCH_REPORT_ITER)' --scale '$(BENCH_REPORT_SCALE)' \
		--threads '$(BENCH_REPORT_THREADS)' --runs '$(BENCH_REPORT_RUNS)' $(BENCH_REPORT_FLAGS)

clean-local: clean-bench-report
clean-bench-report:
	-rm -rf bench/report-work

.PHONY: bench-report clean-bench-report
