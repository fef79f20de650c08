# report_lib.sh: helpers of the report_*.sh tests (sourced after lib.sh).
GM_REPORT="$GM_TOP_BUILDDIR/tests/tools/gm-report-run"
[ -x "$GM_REPORT" ] || gm_fail "$GM_REPORT not built (make check builds it)"
command -v jq >/dev/null || gm_skip "jq is not installed (the tests read the JSON report with it)"

unset GOMEMTRACE_BATCH # the reader puts batched records back in order: use the default
exec 3>&2 # the test's stderr, for failures while a call's stderr is redirected

# gm_report [options] TRACE_DIR: run the reader; the exit status is returned. A crash
# (killed by a signal) fails the test at once.
gm_report() {
	local rc=0
	"$GM_REPORT" "$@" || rc=$?
	[ $rc -lt 128 ] || gm_fail "the reader crashed (status $rc) on: $*" 2>&3
	return $rc
}

# gm_proc_json JSON EXE: the process object of JSON whose exe is EXE (the per-uid buffers
# also hold other traced programs that ran meanwhile).
gm_proc_json() { jq -e --arg exe "$2" '.processes[] | select(.exe == $exe)' "$1"; }
