# attach_lib.sh: helpers of the attach_*.sh tests (sourced after lib.sh and report_lib.sh).
# A "service" is examples/steadyleak started in the background with the preload, as in
# production (docs/production.md): every allocation recorded (lib.sh), batches on (report_lib.sh).
GM_SERVICES=()
gm_attach_cleanup() {
	local p
	for p in "${GM_SERVICES[@]}"; do kill "$p" 2>/dev/null || true; done
	gm_cleanup
}
trap gm_attach_cleanup EXIT

# gm_service BIN LOG [ARGS...]: start BIN with the preload, its LEAK lines into LOG; waits
# until it runs main (its first line: the tracer's constructor registered with the session
# daemon by then); sets $svc to its pid.
gm_service() {
	local bin=$1 log=$2; shift 2
	: >"$log"
	LD_PRELOAD="$GM_PRELOAD" "$bin" -log "$log" "$@" >"$log.out" 2>&1 &
	svc=$!
	GM_SERVICES+=("$svc")
	local i
	for i in $(seq 200); do [ -s "$log" ] && return 0; sleep 0.05; done
	gm_fail "the service $bin did not start: $(cat "$log.out")"
}

# gm_leak_between LOG START_MONO_NS END_MONO_NS: bytes the service leaked in (START, END]
# (its LEAK lines carry the cumulative leak at each CLOCK_MONOTONIC time).
gm_leak_between() {
	awk -v s="$2" -v e="$3" '{ split($2, a, "="); split($3, b, "="); t = a[2] + 0
		if (t <= s) before = b[2]; if (t <= e) last = b[2] } END { print last - before }' "$1"
}

# gm_no_attach_session: no LTTng session of attach is left.
gm_no_attach_session() {
	! "$GM_LTTNG" list 2>/dev/null | grep -q 'gomemtrace-attach-' || gm_fail "an attach session was left: $("$GM_LTTNG" list)"
}
