#!/usr/bin/env bash
# `gomemtrace record` on examples/cgoleak, every Go version configured: exit 0, the program's
# ground-truth line, a readable trace without discards holding the program's C.malloc(1024)
# calls under its own vpid, the statedump of its binary and of the preloaded lttng-ust helper
# libraries, the session destroyed afterwards; and the raw-trace summary (examples/demo-summary.sh)
# finds at least the bytes the program says it leaked.
. "$(dirname "$0")/lib.sh"
gm_sessiond
src="$GM_TOP_SRCDIR/examples/cgoleak"
last=""
for v in $GM_GO_VERSIONS; do
	d="$GM_SCRATCH/$v"; mkdir -p "$d"
	gm_go_build "$v" "$src" "$d/cgoleak"
	s="gm-record-trace-$$-${v/./_}"
	rc=0
	"$GM_TOOL" record -o "$d/trace" --session "$s" -- "$d/cgoleak" -rounds 2 -per-round 50 -pause 1ms \
		>"$d/out" 2>"$d/err" || rc=$?
	[ $rc -eq 0 ] || { cat "$d/err"; gm_fail "Go $v: record exited $rc"; }
	grep -q '^GOMEMTRACE_TRUTH c_leaked_bytes=155100 c_leaked_allocs=300 ' "$d/out" \
		|| gm_fail "Go $v: no (or unexpected) ground-truth line: $(cat "$d/out")"
	grep -qx "gomemtrace record: trace written to $d/trace" "$d/err" || gm_fail "Go $v: no 'trace written' line"
	grep -qx "gomemtrace record: 0 events discarded" "$d/err" || gm_fail "Go $v: no discarded-events line"
	sessions=$("$GM_LTTNG" list 2>&1 || true)
	! grep -q "$s" <<<"$sessions" || gm_fail "Go $v: session $s still exists"

	# The per-UID session records every preloaded process of this uid (other tests too): the
	# program's pid comes from gomemtrace-record.txt.
	info="$d/trace/gomemtrace-record.txt"
	[ -f "$info" ] || gm_fail "Go $v: no $info"
	grep -qx "program=$d/cgoleak" "$info" && grep -qx 'exit_status=0' "$info" \
		&& grep -qx 'discarded_events=0' "$info" || gm_fail "Go $v: unexpected $info: $(cat "$info")"
	pid=$(sed -n 's/^pid=//p' "$info")
	[ "${pid:-0}" -gt 0 ] || gm_fail "Go $v: no pid in $info"
	vpids="vpid = $pid"
	gm_events "$d/trace" >"$d/all"
	grep -F "{ $vpids," "$d/all" >"$d/ev" || true
	# record adds no procname context: proc_info carries the name
	grep -q 'gomemtrace:proc_info: .*procname = "cgoleak"' "$d/ev" || gm_fail "Go $v: no proc_info of cgoleak under $vpids"
	n=$(gm_count "$d/ev" 'gomemtrace:malloc: .* size = 1024, ptr = 0x[0-9A-F]+, err = 0,')
	[ "$n" -ge 100 ] || gm_fail "Go $v: $n C.malloc(1024) events from $vpids, expected >= 100"
	grep -q "lttng_ust_statedump:bin_info: .*path = \"$d/cgoleak\"" "$d/ev" \
		|| gm_fail "Go $v: no statedump of the program's binary"
	for lib in liblttng-ust-fork liblttng-ust-dl; do
		grep -qE "lttng_ust_statedump:bin_info: .*path = \"[^\"]*/$lib\.so" "$d/ev" \
			|| gm_fail "Go $v: $lib was not preloaded"
	done
	gm_note "Go $v: $n C.malloc(1024) events under $vpids"
	last=$v
done

# The raw-trace summary of the last trace: the live C bytes of the process cover what it leaked.
d="$GM_SCRATCH/$last"
GM_BABELTRACE2="$GM_BABELTRACE2" GM_SUMMARY_BIN="$d/cgoleak" GM_SUMMARY_GO="$(gm_go "$last")" \
	bash "$GM_TOP_SRCDIR/examples/demo-summary.sh" "$d/trace" >"$d/summary" || gm_fail "demo-summary.sh failed"
live=$(awk '/bytes in .* blocks +cgoleak \(vpid/ {print $1; exit}' "$d/summary")
[ -n "$live" ] && [ "$live" -ge 155100 ] || { cat "$d/summary"; gm_fail "summary: live C bytes '$live' < 155100 leaked"; }
grep -q 'main.leakyHandler' "$d/summary" || { cat "$d/summary"; gm_fail "summary: leakyHandler not in the top stacks"; }
gm_note "summary: $live live C bytes (the program leaked 155100)"
# The reader names the process from proc_info (record adds no procname context).
"$GM_TOOL" report --format json -o "$d/r.json" "$d/trace" || gm_fail "report of the last trace failed"
pid=$(sed -n 's/^pid=//p' "$d/trace/gomemtrace-record.txt")
jq -e --argjson pid "$pid" '.processes[] | select(.pid == $pid) | .procname == "cgoleak"' "$d/r.json" >/dev/null \
	|| gm_fail "report: process $pid is not named cgoleak"
echo "PASS: record_trace"
