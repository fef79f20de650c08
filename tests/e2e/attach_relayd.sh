#!/usr/bin/env bash
# Fleets: `record --relayd` and `attach --relayd` stream to an lttng-relayd (started here on
# loopback ports), and `gomemtrace report` reads the relayd's output tree (HOST/SESSION-DATE/),
# one report per session (docs/production.md "Fleets"). examples/steadyleak leaks 16 KiB every
# 10 ms and logs its cumulative leak:
#  - record --relayd: the program's exit status, gomemtrace-record.txt (relayd=) in -o, the
#    trace under the relayd's output; its cgo leak is the program's whole leak (within 5 %);
#  - attach --relayd: a window, its leak the program's count in it (within 5 %);
#  - report on the output tree: a text report per session; --format json asks for one (exit 2);
#  - report --live follows a live session: reports while it records, the final one equal to the
#    report of its trace on disk; a session that does not exist is an error;
#  - an unreachable relayd: record and attach refuse before anything starts (exit 125, the
#    program not run, no session left).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
. "$(dirname "$0")/attach_lib.sh"
gm_sessiond
v=$(echo $GM_GO_VERSIONS | awk '{ print $NF }')
bin="$GM_SCRATCH/steadyleak"
gm_go_build "$v" "$GM_TOP_SRCDIR/examples/steadyleak" "$bin"

# a port nothing listens on, from $1 up
gm_free_port() {
	local p=$1
	while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
	echo "$p"
}
ctrl=$(gm_free_port 25342); data=$(gm_free_port $((ctrl + 1))); live=$(gm_free_port $((data + 1)))
out="$GM_SCRATCH/relay"
lttng-relayd -C "tcp://127.0.0.1:$ctrl" -D "tcp://127.0.0.1:$data" -L "tcp://127.0.0.1:$live" -o "$out" \
	>"$GM_SCRATCH/relayd.log" 2>&1 &
relayd=$!
GM_SERVICES+=("$relayd")
for i in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$ctrl") 2>/dev/null && break; sleep 0.1; done
(exec 3<>"/dev/tcp/127.0.0.1/$ctrl") 2>/dev/null || gm_fail "lttng-relayd did not start: $(cat "$GM_SCRATCH/relayd.log")"
url="net://127.0.0.1:$ctrl:$data"

# record --relayd
d="$GM_SCRATCH/rec"; mkdir -p "$d"
rc=0; "$GM_TOOL" record --relayd "$url" -o "$d/info" -- "$bin" -for 1500ms -ring 0 -log "$d/leak.log" 2>"$d/err" || rc=$?
[ $rc -eq 0 ] || gm_fail "record --relayd exited $rc: $(cat "$d/err")"
grep -q "^relayd=$url\$" "$d/info/gomemtrace-record.txt" || gm_fail "no relayd= line in gomemtrace-record.txt"
[ ! -e "$d/info/ust" ] || gm_fail "record --relayd also wrote a local trace"
sess=$(sed -n 's/^session=//p' "$d/info/gomemtrace-record.txt")
rec=$(ls -d "$out"/*/"$sess"-* 2>/dev/null | head -1)
[ -n "$rec" ] && [ -d "$rec/ust" ] || gm_fail "no trace of session $sess under the relayd's output: $(find "$out" -maxdepth 3)"
gm_report --format json -o "$d/r.json" "$rec" || gm_fail "report of the relayd's trace failed"
got=$(jq --arg exe "$bin" '[.processes[] | select(.exe == $exe) | .findings[] | select(.kind == "cgo_leak") | .bytes] | add // 0' "$d/r.json")
want=$(tail -1 "$d/leak.log" | sed 's/.*bytes=//')
awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(w > 0 && d <= 0.05 * w) }' \
	|| gm_fail "record --relayd: cgo_leak $got bytes, the program leaked $want"
gm_note "record --relayd: leak $got B reported, $want B by the program"

# attach --relayd
d="$GM_SCRATCH/att"; mkdir -p "$d"
gm_service "$bin" "$d/leak.log" -ring 32
sleep 0.5
rc=0; "$GM_TOOL" attach --pid "$svc" --duration 2 --relayd "$url" -o "$d/info" 2>"$d/err" || rc=$?
[ $rc -eq 0 ] || gm_fail "attach --relayd exited $rc: $(cat "$d/err")"
kill -TERM "$svc"; wait "$svc" || gm_fail "the service exited $? after SIGTERM"
sess=$(sed -n 's/^session=//p' "$d/info/gomemtrace-record.txt")
att=$(ls -d "$out"/*/"$sess"-* 2>/dev/null | head -1)
[ -n "$att" ] || gm_fail "no trace of session $sess under the relayd's output"
gm_report --format json -o "$d/r.json" "$att" || gm_fail "report of the attach trace failed"
p=$(jq -e ".processes[] | select(.pid == $svc)" "$d/r.json") || gm_fail "$svc not in the attach report"
s=$(echo "$p" | jq .run_window.start_mono_ns); e=$(echo "$p" | jq .run_window.end_mono_ns)
want=$(gm_leak_between "$d/leak.log" "$s" "$e")
got=$(echo "$p" | jq '[.findings[] | select(.kind == "cgo_leak") | .bytes] | add // 0')
awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(w > 0 && d <= 0.05 * w) }' \
	|| gm_fail "attach --relayd: window cgo_leak $got bytes, the program leaked $want in it"
gm_note "attach --relayd: window leak $got B reported, $want B by the program"

# the output tree: a report per session
"$GM_TOOL" report "$out" >"$GM_SCRATCH/tree.txt" 2>"$GM_SCRATCH/tree.err" || gm_fail "report of the output tree failed: $(cat "$GM_SCRATCH/tree.err")"
[ "$(grep -c '^#### session [12] of 2: ' "$GM_SCRATCH/tree.txt")" -eq 2 ] || gm_fail "the tree's report has not 2 sessions: $(grep '####' "$GM_SCRATCH/tree.txt")"
grep -q "^== process $svc steadyleak" "$GM_SCRATCH/tree.txt" || gm_fail "the tree's report lacks the attached process"
rc=0; "$GM_TOOL" report --format json "$out" >/dev/null 2>"$GM_SCRATCH/tree.err" || rc=$?
[ $rc -eq 2 ] && grep -q "holds 2 recording sessions" "$GM_SCRATCH/tree.err" || gm_fail "json of a tree: exit $rc, $(cat "$GM_SCRATCH/tree.err")"

# report --live: reports while the session records, and the final one equals the trace's
d="$GM_SCRATCH/live"; mkdir -p "$d"
"$GM_TOOL" record -q --session gm-live-$$ --relayd "$url" -o "$d/info" -- "$bin" -for 4s -ring 0 -log "$d/leak.log" \
	2>"$d/rec.err" &
rec=$!
for i in $(seq 100); do [ -s "$d/leak.log" ] && break; sleep 0.05; done
rc=0; "$GM_TOOL" report --live "net://127.0.0.1:$live/host/$(hostname)/gm-live-$$" --every 1 >"$d/live.txt" 2>"$d/live.err" || rc=$?
wait "$rec" || gm_fail "record --relayd (live) failed: $(cat "$d/rec.err")"
[ $rc -eq 0 ] || gm_fail "report --live exited $rc: $(cat "$d/live.err")"
grep -q "^---- live report 1 of " "$d/live.txt" || gm_fail "report --live printed no report while the session recorded: $(head -5 "$d/live.txt")"
grep -q "^---- final report of " "$d/live.txt" || gm_fail "report --live printed no final report"
trace=$(ls -d "$out"/*/gm-live-$$-* | head -1)
"$GM_TOOL" report "$trace" >"$d/disk.txt" || gm_fail "report of the live session's trace failed"
a=$(sed -n '/^---- final report/,$p' "$d/live.txt" | grep -o '\[cgo_leak\] [^:]*' | head -1)
b=$(grep -o '\[cgo_leak\] [^:]*' "$d/disk.txt" | head -1)
[ -n "$a" ] && [ "$a" = "$b" ] || gm_fail "report --live's final cgo_leak '$a', the trace's '$b'"
gm_note "report --live: $(grep -c '^---- live report' "$d/live.txt") reports while recording, final $a"
rc=0; "$GM_TOOL" report --live "net://127.0.0.1:$live/host/$(hostname)/gm-nosuch" >/dev/null 2>"$d/err" || rc=$?
[ $rc -eq 1 ] && grep -q "no such live session" "$d/err" || gm_fail "report --live of no session: exit $rc, $(cat "$d/err")"

# unreachable: nothing starts
kill -TERM "$relayd"; wait "$relayd" 2>/dev/null || true
d="$GM_SCRATCH/down"; mkdir -p "$d"
rc=0; "$GM_TOOL" record --relayd "$url" -o "$d/info" -- touch "$d/ran" 2>"$d/err" || rc=$?
[ $rc -eq 125 ] && grep -q "nothing answers at 127.0.0.1 port $ctrl" "$d/err" && grep -q "Nothing was started" "$d/err" \
	|| gm_fail "record to an unreachable relayd: exit $rc, $(cat "$d/err")"
[ ! -e "$d/ran" ] || gm_fail "record to an unreachable relayd ran the program"
[ ! -e "$d/info" ] || gm_fail "record to an unreachable relayd created -o"
gm_service "$bin" "$d/leak.log"
rc=0; "$GM_TOOL" attach --pid "$svc" --relayd "$url" --duration 1 2>"$d/err" || rc=$?
[ $rc -eq 125 ] && grep -q "nothing answers" "$d/err" || gm_fail "attach to an unreachable relayd: exit $rc, $(cat "$d/err")"
! "$GM_LTTNG" list 2>/dev/null | grep -q "gomemtrace-" || gm_fail "a session was left: $("$GM_LTTNG" list)"
kill -TERM "$svc"; wait "$svc" || true
rc=0; "$GM_TOOL" record --relayd "tcp://x" -- true 2>"$d/err" || rc=$?
[ $rc -eq 125 ] && grep -q "not a relayd URL" "$d/err" || gm_fail "a bad URL: exit $rc, $(cat "$d/err")"
echo "PASS: attach_relayd (Go $v)"
