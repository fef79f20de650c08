# lib.sh: helpers for the end-to-end tests (sourced, bash). Every test gets its own LTTng
# session in its own scratch directory; a root lttng-sessiond is started when none runs
# (and left for the other tests; `./quickstart test` stops it at the end if none ran before).
#
# Environment (set by `make check`, see tests/local.mk): GM_TOP_SRCDIR, GM_TOP_BUILDDIR,
# GM_GO_VERSIONS, GM_LTTNG, GM_LTTNG_SESSIOND, GM_BABELTRACE2.
set -euo pipefail

: "${GM_TOP_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${GM_TOP_BUILDDIR:=$GM_TOP_SRCDIR/build}"
: "${GM_GO_VERSIONS:=1.19 1.21 1.22 1.23 1.24 1.25 1.26 1.27}"
: "${GM_LTTNG:=lttng}"
: "${GM_LTTNG_SESSIOND:=lttng-sessiond}"
: "${GM_BABELTRACE2:=babeltrace2}"
# The tests count events exactly: every allocation recorded unless a test asks for sampling
# (the tracer's default is GOMEMTRACE_SAMPLE_BYTES=524288; tests/e2e/sampling.sh checks it).
export GOMEMTRACE_SAMPLE_BYTES=0
# ... and grep one event per call: no batches (the tracer's default is GOMEMTRACE_BATCH=128).
# The tests that read traces through the reader use the default (report_lib.sh and
# scenario_lib.sh unset it); tests/e2e/batch.sh checks batches against per-call events.
export GOMEMTRACE_BATCH=0
GM_PRELOAD="$GM_TOP_BUILDDIR/preload/.libs/libgomemtrace.so"
GM_TOOL="$GM_TOP_BUILDDIR/tools/gomemtrace"
GM_TEST_NAME=$(basename "$0" .sh)
GM_SCRATCH=$(mktemp -d "/tmp/gm-e2e-$GM_TEST_NAME.XXXXXX")
GM_SESSIONS=()

gm_cleanup() {
	local s
	for s in "${GM_SESSIONS[@]}"; do "$GM_LTTNG" destroy "$s" >/dev/null 2>&1 || true; done
	[ -n "${GM_KEEP:-}" ] || rm -rf "$GM_SCRATCH"
}
trap gm_cleanup EXIT

gm_fail() { echo "FAIL: $GM_TEST_NAME: $*" >&2; exit 1; }
gm_skip() { echo "SKIP: $GM_TEST_NAME: $*"; exit 77; }
gm_note() { echo "# $*"; }

# Start a root session daemon when none answers (the tests need one, and start it themselves).
gm_sessiond() {
	"$GM_LTTNG" list >/dev/null 2>&1 && return 0
	"$GM_LTTNG_SESSIOND" --daemonize --quiet || gm_fail "cannot start lttng-sessiond"
	local i
	for i in $(seq 50); do "$GM_LTTNG" list >/dev/null 2>&1 && return 0; sleep 0.1; done
	gm_fail "lttng-sessiond does not answer"
}

# The path of the go binary of minor version $1 (e.g. 1.19), installed or not: Debian's
# /usr/lib/go-1.NN (1.19, 1.21-1.26), or for 1.27, which Debian does not package, the wrapper
# ./quickstart writes (go1.27.3 from the Go module proxy, run without a proxy).
gm_go_path() {
	case $1 in
	1.27) echo /usr/local/lib/gomemtrace/go-$1/bin/go ;;
	*) echo "/usr/lib/go-$1/bin/go" ;;
	esac
}

# The go binary of minor version $1; a missing toolchain is a failure, not a skip.
gm_go() {
	local go; go=$(gm_go_path "$1")
	[ -x "$go" ] || gm_fail "Go $1 is not installed ($go); ./quickstart installs it"
	echo "$go"
}

# gm_go_build VERSION SRC_DIR OUT [go build flags...]: build a Go program (cgo on).
gm_go_build() {
	local ver=$1 src=$2 out=$3; shift 3
	local go; go=$(gm_go "$ver")
	(cd "$src" && CGO_ENABLED=1 GO111MODULE=auto GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GOCACHE="${GM_GOCACHE:-/tmp/gm-gocache}" \
		"$go" build -o "$out" "$@" .) || gm_fail "go $ver build of $src failed"
}

# gm_session_start OUTDIR: create and start a session of this test writing to OUTDIR (the
# events gomemtrace record enables, and the vpid and vtid contexts it adds, plus procname,
# which record does not add and tests pick events by: stack_cgo.sh, trap_common.sh; per-CPU
# sub-buffers of GM_SUBBUF, default 4M);
# sets GM_SESSION to its name. gm_session_stop stops and destroys it.
gm_session_start() {
	GM_SESSION="gm-$GM_TEST_NAME-$$-${#GM_SESSIONS[@]}"
	local s=$GM_SESSION
	gm_sessiond
	GM_SESSIONS+=("$s")
	"$GM_LTTNG" create "$s" -o "$1" >/dev/null || gm_fail "lttng create"
	"$GM_LTTNG" enable-channel -u -s "$s" --subbuf-size="${GM_SUBBUF:-4M}" --num-subbuf=8 gmch >/dev/null
	"$GM_LTTNG" enable-event -u -s "$s" -c gmch 'gomemtrace:*' >/dev/null
	"$GM_LTTNG" enable-event -u -s "$s" -c gmch 'lttng_ust_statedump:*' >/dev/null
	"$GM_LTTNG" enable-event -u -s "$s" -c gmch 'lttng_ust_lib:*' >/dev/null
	"$GM_LTTNG" add-context -u -s "$s" -c gmch -t vpid -t vtid -t procname >/dev/null
	"$GM_LTTNG" start "$s" >/dev/null
}
gm_session_stop() {
	"$GM_LTTNG" stop "$GM_SESSION" >/dev/null
	"$GM_LTTNG" destroy "$GM_SESSION" >/dev/null
}

# gm_trace OUTDIR -- CMD...: run CMD under its own LTTng session with the preload; the trace
# goes to OUTDIR; the command's exit status is returned; stdout/stderr pass through.
gm_trace() {
	local out=$1; shift; [ "$1" = -- ] && shift
	gm_session_start "$out"
	local rc=0
	LD_PRELOAD="$GM_PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" "$@" || rc=$?
	gm_session_stop
	return $rc
}

# gm_events TRACE_DIR: the trace as text, one event a line. Fails the test if the tracer
# discarded events (babeltrace2 warns on stderr), unless GM_ALLOW_DISCARDS is set.
gm_events() {
	local err=$GM_SCRATCH/bt2.err
	"$GM_BABELTRACE2" "$1" 2>"$err" || gm_fail "babeltrace2 cannot read $1: $(head -3 "$err")"
	if [ -z "${GM_ALLOW_DISCARDS:-}" ] && grep -qi 'discarded' "$err"; then
		gm_fail "the tracer discarded events: $(grep -i discarded "$err" | head -2)"
	fi
}

# gm_count FILE PATTERN: number of lines of FILE matching the extended regex PATTERN.
gm_count() { grep -cE -- "$2" "$1" || true; }

# The absolute path of one of lttng-ust's helper libraries (liblttng-ust-fork.so, ...).
gm_ust_lib() {
	local d; d=$(pkg-config --variable=libdir lttng-ust 2>/dev/null || echo /usr/lib/x86_64-linux-gnu)
	[ -e "$d/$1" ] || gm_fail "$1 not found in $d"
	echo "$d/$1"
}
