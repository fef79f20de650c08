#!/usr/bin/env bash
# lttng-sessiond SIGKILLed in the middle of `gomemtrace record`: the program runs to its end
# unchanged (its LEAK lines go on after the kill, it exits 0 after its -for), record exits with
# the program's status and says what happened, and the partial trace (what the consumer wrote
# before) is read without a crash. The session daemon is started again for the tests after.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
gm_sessiond
v=$(echo $GM_GO_VERSIONS | awk '{ print $NF }')
bin="$GM_SCRATCH/steadyleak"
gm_go_build "$v" "$GM_TOP_SRCDIR/examples/steadyleak" "$bin"
restart() { pkill -KILL -x lttng-consumerd 2>/dev/null || true; gm_sessiond; }
trap 'restart; gm_cleanup' EXIT

d="$GM_SCRATCH"
"$GM_TOOL" record -o "$d/trace" -- "$bin" -for 3s -ring 0 -log "$d/leak.log" 2>"$d/err" & rec=$!
for i in $(seq 200); do [ -s "$d/leak.log" ] && break; sleep 0.05; done
[ -s "$d/leak.log" ] || gm_fail "the program did not start: $(cat "$d/err")"
sleep 1
killed=$(awk '{ split($2, a, "="); t = a[2] } END { print t }' "$d/leak.log")
pkill -KILL -x lttng-sessiond || gm_fail "no lttng-sessiond to kill"
rc=0; wait "$rec" || rc=$?
[ $rc -eq 0 ] || gm_fail "record exited $rc, want the program's 0: $(cat "$d/err")"
grep -q "the LTTng session daemon went away during the recording" "$d/err" || gm_fail "no message: $(cat "$d/err")"
last=$(tail -1 "$d/leak.log"); n=$(wc -l <"$d/leak.log")
after=$(awk -v k="$killed" '{ split($2, a, "="); if (a[2] + 0 > k + 0) n++ } END { print n + 0 }' "$d/leak.log")
[ "$after" -gt 50 ] || gm_fail "the program wrote only $after lines after the kill (of $n)"
[ "${last##*bytes=}" -eq $((n * 16384)) ] || gm_fail "the program's count is off after the kill: $last, $n lines"
if [ -d "$d/trace/ust" ]; then
	rc=0; gm_report "$d/trace" >"$d/report.txt" 2>"$d/report.err" || rc=$?
	[ $rc -le 1 ] || gm_fail "report of the partial trace exited $rc: $(cat "$d/report.err")"
fi
restart
"$GM_LTTNG" list >/dev/null || gm_fail "the session daemon did not come back"
gm_note "program: $n lines, $after after the kill; record: $(grep -c . "$d/err") lines on stderr"
echo "PASS: robust_sessiond (Go $v)"
