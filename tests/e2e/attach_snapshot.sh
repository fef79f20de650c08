#!/usr/bin/env bash
# The flight recorder: `gomemtrace attach --pid PID --snapshot` leaves an overwrite-mode session
# on a running service; `gomemtrace snapshot --pid PID -o DIR` writes what its ring buffers hold;
# the report of a snapshot is a window that begins where every CPU's buffer still holds all its
# records (docs/production.md "Flight recorder", docs/report.md "Windows"). examples/steadyleak
# leaks 16 KiB every 10 ms and logs its cumulative leak with CLOCK_MONOTONIC times; a second
# preloaded copy runs meanwhile (same user: not to be recorded). With a 512 KiB budget the ring
# buffers wrap within seconds; snapshots are taken until one has lost its oldest packets. For
# the newest Go of GM_GO_VERSIONS with batched records and the oldest with one event per call:
#  - attach --snapshot returns 0 at once and leaves the session; the service runs on;
#  - the snapshot holds the service only; its report says it is a snapshot, complete from a
#    point after the flight recorder began (the ring wrapped), with no record naming an
#    undefined stack; the window's cgo leak is within 5 % of what the program leaked in it;
#  - after the service is SIGKILLed (an OOM kill), a snapshot still holds its last records and
#    the same accuracy holds up to its last flush;
# and the faults: a snapshot without a flight recorder, a second flight recorder, --snapshot
# with --duration, --stop ends the session.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
. "$(dirname "$0")/attach_lib.sh"
gm_sessiond
gm_flight_cleanup() {
	local s
	for s in $("$GM_LTTNG" list 2>/dev/null | grep -o 'gomemtrace-flight-[0-9]*'); do
		"$GM_LTTNG" destroy "$s" >/dev/null 2>&1 || true
	done
	gm_attach_cleanup
}
trap gm_flight_cleanup EXIT
vs=$(echo $GM_GO_VERSIONS | awk '{ print $NF; if (NF > 1) print $1 }')

# check_snapshot NAME DIR LOG PID: the report of snapshot DIR is a snapshot window whose cgo
# leak is the program's own count in it (within 5 %); sets $p (the process's JSON)
check_snapshot() {
	local name=$1 dir=$2 log=$3 pid=$4
	[ "$(sed -n 's/^mode=//p' "$dir/gomemtrace-record.txt")" = snapshot ] || gm_fail "$name: no mode=snapshot in $dir"
	gm_report --format json -o "$dir.json" "$dir" || gm_fail "$name: report of $dir failed"
	p=$(jq -e ".processes[] | select(.pid == $pid)" "$dir.json") || gm_fail "$name: $pid not in the report"
	echo "$p" | jq -e '.run_window.snapshot' >/dev/null || gm_fail "$name: not reported as a snapshot: $(echo "$p" | jq -c .run_window)"
	! jq -e '.warnings[] | select(test("does not define|no final flush|lost"))' "$dir.json" >/dev/null \
		|| gm_fail "$name: warnings: $(jq -c .warnings "$dir.json")"
	local s e want got
	s=$(echo "$p" | jq .run_window.start_mono_ns); e=$(echo "$p" | jq .run_window.end_mono_ns)
	want=$(gm_leak_between "$log" "$s" "$e")
	got=$(echo "$p" | jq '[.findings[] | select(.kind == "cgo_leak") | .bytes] | add // 0')
	[ "$want" -gt $((50 * 16384)) ] || gm_fail "$name: the program leaked only $want bytes in the snapshot's window"
	awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= 0.05 * w) }' \
		|| gm_fail "$name: snapshot cgo_leak $got bytes, the program leaked $want in its window (more than 5 % apart)"
	gm_note "$name: snapshot window $(echo "$p" | jq .run_window.duration_s) s from $(echo "$p" | jq .run_window.complete_from_s) s," \
		"leak $got B reported, $want B by the program"
}

flight() {
	local name=$1 bin=$2; shift 2
	local d="$GM_SCRATCH/$name"; mkdir -p "$d"
	local other; gm_service "$bin" "$d/other.log" -ring 32; other=$svc
	[ $# -eq 0 ] || export "$@"
	gm_service "$bin" "$d/leak.log" -ring 32
	local rc=0
	"$GM_TOOL" attach --pid "$svc" --snapshot --buffer-budget 512k >"$d/out" 2>"$d/err" || rc=$?
	[ $rc -eq 0 ] || gm_fail "$name: attach --snapshot exited $rc: $(cat "$d/err")"
	grep -q "flight recorder on for process $svc" "$d/err" || gm_fail "$name: no message: $(cat "$d/err")"
	"$GM_LTTNG" list | grep -q "gomemtrace-flight-$svc" || gm_fail "$name: no flight recorder session left on"
	# snapshots until one has lost its oldest packets (the ring wrapped): the service writes
	# on, so this ends on any machine; the deadline only catches a tracer that writes nothing
	local i snap="" from=0
	for i in $(seq 90); do
		sleep 1
		rm -rf "$d/snap"
		"$GM_TOOL" snapshot -q --pid "$svc" -o "$d/snap" 2>"$d/snap.err" || gm_fail "$name: snapshot failed: $(cat "$d/snap.err")"
		gm_report --format json -o "$d/snap.json" "$d/snap" || gm_fail "$name: report of a snapshot failed"
		# a CPU's buffer lost its oldest packets, and the window holds 2 s after that point (the
		# buffers' sizes in time depend on how the scheduler spread the threads: not timed)
		from=$(jq "[.processes[] | select(.pid == $svc) | .run_window | select(.streams_cut > 0) | .duration_s] | first // 0" "$d/snap.json")
		if awk -v f="$from" 'BEGIN { exit !(f >= 2) }'; then snap="$d/snap"; break; fi
	done
	[ -n "$snap" ] || gm_fail "$name: no snapshot lost its oldest records in 90 s (the ring buffers never wrapped?)"
	gm_events "$snap" >"$d/events.txt"
	local pids; pids=$(grep -oE 'vpid = [0-9]+' "$d/events.txt" | sort -u | awk '{ print $3 }' | tr '\n' ' ')
	[ "$pids" = "$svc " ] || gm_fail "$name: the snapshot holds processes '$pids', want only $svc (not $other)"
	check_snapshot "$name" "$snap" "$d/leak.log" "$svc"
	"$GM_TOOL" report "$snap" >"$d/report.txt" || gm_fail "$name: text report failed"
	grep -q "a flight recorder's snapshot: its complete part from " "$d/report.txt" \
		|| gm_fail "$name: the text report does not say it is a snapshot: $(head -8 "$d/report.txt")"

	# the service killed (as by the OOM killer): the flight recorder still holds its last records
	local n0; n0=$(wc -l <"$d/leak.log"); sleep 0.3
	[ "$(wc -l <"$d/leak.log")" -gt "$n0" ] || gm_fail "$name: the service stopped working under the flight recorder"
	kill -KILL "$svc"; wait "$svc" 2>/dev/null || true
	rc=0
	"$GM_TOOL" snapshot --pid "$svc" -o "$d/dead" 2>"$d/dead.err" || rc=$?
	[ $rc -eq 0 ] || gm_fail "$name: snapshot after the kill exited $rc: $(cat "$d/dead.err")"
	grep -q "process $svc is gone" "$d/dead.err" || gm_fail "$name: the snapshot does not say the process is gone: $(cat "$d/dead.err")"
	grep -q '^process_alive=0$' "$d/dead/gomemtrace-record.txt" || gm_fail "$name: no process_alive=0"
	check_snapshot "$name-killed" "$d/dead" "$d/leak.log" "$svc"
	"$GM_TOOL" snapshot -q --pid "$svc" --stop 2>"$d/stop.err" || gm_fail "$name: --stop failed: $(cat "$d/stop.err")"
	! "$GM_LTTNG" list 2>/dev/null | grep -q "gomemtrace-flight-$svc" || gm_fail "$name: --stop left the session"
	kill -TERM "$other"; wait "$other" || true
	unset GOMEMTRACE_BATCH
}

set -- $vs
newest=$1; oldest=${2:-$1}
for v in $newest $oldest; do gm_go_build "$v" "$GM_TOP_SRCDIR/examples/steadyleak" "$GM_SCRATCH/steadyleak-$v"; done
flight "go$newest" "$GM_SCRATCH/steadyleak-$newest"
flight "go$oldest-per-call" "$GM_SCRATCH/steadyleak-$oldest" GOMEMTRACE_BATCH=0

# faults
d="$GM_SCRATCH/faults"; mkdir -p "$d"
bin="$GM_SCRATCH/steadyleak-$newest"
gm_service "$bin" "$d/leak.log"
rc=0; "$GM_TOOL" snapshot --pid "$svc" -o "$d/none" 2>"$d/err" || rc=$?
[ $rc -eq 125 ] && grep -q "no flight recorder for process $svc" "$d/err" && grep -q -- "attach --pid $svc --snapshot" "$d/err" \
	|| gm_fail "snapshot without a flight recorder: exit $rc, $(cat "$d/err")"
[ ! -e "$d/none" ] || gm_fail "snapshot without a flight recorder created its directory"
rc=0; "$GM_TOOL" attach --pid "$svc" --snapshot --duration 2 2>"$d/err" || rc=$?
[ $rc -eq 125 ] && grep -q -- "--snapshot leaves a flight recorder on" "$d/err" || gm_fail "--snapshot --duration: exit $rc, $(cat "$d/err")"
"$GM_TOOL" attach -q --pid "$svc" --snapshot || gm_fail "attach --snapshot failed"
rc=0; "$GM_TOOL" attach --pid "$svc" --snapshot 2>"$d/err" || rc=$?
[ $rc -eq 125 ] && grep -q "a flight recorder for process $svc is on already" "$d/err" || gm_fail "a second flight recorder: exit $rc, $(cat "$d/err")"
"$GM_TOOL" snapshot -q --pid "$svc" --stop || gm_fail "--stop failed"
! "$GM_LTTNG" list 2>/dev/null | grep -q "gomemtrace-flight-$svc" || gm_fail "--stop left the session"
kill -TERM "$svc"; wait "$svc" || gm_fail "the service exited $? after SIGTERM"
echo "PASS: attach_snapshot (Go $newest batched, $oldest per call)"
