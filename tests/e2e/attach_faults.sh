#!/usr/bin/env bash
# Faults of `gomemtrace attach` (issue: production), each with its message and exit status:
#  - a pid without the preload: 125, a message saying how to start it with LD_PRELOAD, no session;
#  - no such pid; a bad --pid: 125;
#  - a second attach to the same process while one runs: 125, the first one unharmed;
#  - the service exits during the window: attach ends at once (not at --duration), says so,
#    exits 0; the report has the final flush and says the process exited;
#  - lttng-sessiond killed (SIGKILL) during the window: attach says so and exits 1 within a
#    few seconds; the service runs on, unchanged, and exits 0 on SIGTERM (a new session
#    daemon is started for the tests that follow).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
. "$(dirname "$0")/attach_lib.sh"
gm_sessiond
v=${GM_GO_VERSIONS##* }
bin="$GM_SCRATCH/steadyleak"
gm_go_build "$v" "$GM_TOP_SRCDIR/examples/steadyleak" "$bin"

# expect NAME STATUS REGEX -- attach args: attach exits STATUS with a message matching REGEX
expect() {
	local name=$1 want=$2 re=$3; shift 4
	local rc=0
	"$GM_TOOL" attach "$@" >"$GM_SCRATCH/$name.out" 2>"$GM_SCRATCH/$name.err" || rc=$?
	[ $rc -eq "$want" ] || gm_fail "$name: attach exited $rc, want $want: $(cat "$GM_SCRATCH/$name.err")"
	grep -qE -- "$re" "$GM_SCRATCH/$name.err" || gm_fail "$name: no message /$re/: $(cat "$GM_SCRATCH/$name.err")"
	gm_no_attach_session
}

# no preload
sleep 60 & plain=$!; GM_SERVICES+=("$plain")
expect nopreload 125 "process $plain \(sleep\) does not have the tracer loaded: .*LD_PRELOAD=.*libgomemtrace\.so" -- --pid "$plain" --duration 1
kill "$plain"
# no such process, bad arguments
expect nopid 125 "no process 999999999|--pid wants" -- --pid 999999999 --duration 1
expect badpid 125 "--pid wants a process id" -- --pid abc
expect nodur 125 "--duration wants a positive number" -- --pid 1 --duration -3
expect usage 125 "no --pid given" --
"$GM_TOOL" attach --help | grep -q '^usage: gomemtrace attach --pid PID' || gm_fail "attach --help"

# a second attach while one runs
gm_service "$bin" "$GM_SCRATCH/two.log"
"$GM_TOOL" attach --pid "$svc" --duration 3 -o "$GM_SCRATCH/first" 2>"$GM_SCRATCH/first.err" & first=$!
for i in $(seq 100); do "$GM_LTTNG" list 2>/dev/null | grep -q "gomemtrace-attach-$svc-" && break; sleep 0.05; done
rc=0; "$GM_TOOL" attach --pid "$svc" --duration 1 -o "$GM_SCRATCH/second" 2>"$GM_SCRATCH/second.err" || rc=$?
[ $rc -eq 125 ] && grep -q "another attach to process $svc is running (LTTng session gomemtrace-attach-$svc-" "$GM_SCRATCH/second.err" \
	|| gm_fail "second attach: exit $rc: $(cat "$GM_SCRATCH/second.err")"
[ ! -e "$GM_SCRATCH/second" ] || gm_fail "second attach: it created $GM_SCRATCH/second"
wait "$first" || gm_fail "first attach exited $? after a refused second one: $(cat "$GM_SCRATCH/first.err")"
gm_report --format json -o "$GM_SCRATCH/first.json" "$GM_SCRATCH/first" || gm_fail "first attach: report failed"
jq -e ".processes[] | select(.pid == $svc) | .run_window.resynced" "$GM_SCRATCH/first.json" >/dev/null || gm_fail "first attach: no window"
kill "$svc"; wait "$svc" || gm_fail "service exited $?"

# the service exits during the window
gm_service "$bin" "$GM_SCRATCH/exits.log" -for 2s
t0=$(date +%s%N)
rc=0; "$GM_TOOL" attach --pid "$svc" --duration 30 -o "$GM_SCRATCH/exits" 2>"$GM_SCRATCH/exits.err" || rc=$?
t1=$(date +%s%N)
[ $rc -eq 0 ] || gm_fail "exits: attach exited $rc: $(cat "$GM_SCRATCH/exits.err")"
[ $(((t1 - t0) / 1000000000)) -lt 25 ] || gm_fail "exits: attach waited for --duration after the process exited"
grep -qE "process $svc \(steadyleak\) exited [0-9.]+ s into the window" "$GM_SCRATCH/exits.err" || gm_fail "exits: no message: $(cat "$GM_SCRATCH/exits.err")"
wait "$svc" || gm_fail "exits: the service exited $?"
[ "$(sed -n 's/^window_end=//p' "$GM_SCRATCH/exits/gomemtrace-record.txt")" = exited ] || gm_fail "exits: window_end is not 'exited'"
gm_report --format json -o "$GM_SCRATCH/exits.json" "$GM_SCRATCH/exits" || gm_fail "exits: report failed"
jq -e ".processes[] | select(.pid == $svc) | .exited and .exit_status == 0 and .run_window != null" "$GM_SCRATCH/exits.json" >/dev/null \
	|| gm_fail "exits: the report does not say the process exited: $(jq -c ".processes[] | [.pid, .exited, .run_window]" "$GM_SCRATCH/exits.json")"
! jq -e '.warnings[] | select(test("no final flush"))' "$GM_SCRATCH/exits.json" >/dev/null || gm_fail "exits: no final flush"

# the session daemon killed during the window
gm_service "$bin" "$GM_SCRATCH/daemon.log"
"$GM_TOOL" attach --pid "$svc" --duration 60 -o "$GM_SCRATCH/daemon" 2>"$GM_SCRATCH/daemon.err" & att=$!
for i in $(seq 100); do "$GM_LTTNG" list 2>/dev/null | grep -q "gomemtrace-attach-$svc-" && break; sleep 0.05; done
sleep 1
pkill -KILL -x lttng-sessiond || gm_fail "no lttng-sessiond to kill"
t0=$(date +%s)
rc=0; wait "$att" || rc=$?
[ $rc -eq 1 ] || gm_fail "daemon: attach exited $rc, want 1: $(cat "$GM_SCRATCH/daemon.err")"
[ $(($(date +%s) - t0)) -lt 30 ] || gm_fail "daemon: attach took more than 30 s to notice"
grep -q "the LTTng session daemon went away .* process $svc was not touched and goes on running" "$GM_SCRATCH/daemon.err" \
	|| gm_fail "daemon: no message: $(cat "$GM_SCRATCH/daemon.err")"
pkill -KILL -x lttng-consumerd 2>/dev/null || true
n0=$(wc -l <"$GM_SCRATCH/daemon.log"); sleep 0.5
[ "$(wc -l <"$GM_SCRATCH/daemon.log")" -gt "$n0" ] || gm_fail "daemon: the service stopped working"
kill -0 "$svc" || gm_fail "daemon: the service died with the session daemon"
gm_sessiond
kill "$svc"; wait "$svc" || gm_fail "daemon: the service exited $? after SIGTERM"
echo "PASS: attach_faults (Go $v)"
