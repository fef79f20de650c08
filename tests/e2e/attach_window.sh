#!/usr/bin/env bash
# `gomemtrace attach` records a window of a running service, and the report's figures are the
# window's (docs/production.md, docs/report.md "Windows"). examples/steadyleak leaks 16 KiB every
# 10 ms and logs its cumulative leak with CLOCK_MONOTONIC times; a second preloaded copy of it
# runs meanwhile (same user: the per-UID buffers must not record it). For the oldest and the
# newest Go of GM_GO_VERSIONS (batched records), and once with one event per call:
#  - attach --duration 2 exits 0 and leaves no session; the service runs on, unchanged;
#  - the trace holds the attached process only; the report says it is a window, resynced (no
#    record names an undefined stack), with frees of blocks allocated before it counted apart;
#  - the window's cgo leak is within 5 % of what the program leaked between the window's
#    start and end (JSON run_window.start_mono_ns/end_mono_ns);
# and a children check: attach to a preloaded shell that keeps starting the service follows
# its children; and a trace of `record` is not a window.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
. "$(dirname "$0")/attach_lib.sh"
gm_sessiond
vs=$(echo $GM_GO_VERSIONS | awk '{ print $1; if (NF > 1) print $NF }')

# window NAME BIN [env...]: attach for 2 s to a running BIN, check the window; sets $d
window() {
	local name=$1 bin=$2; shift 2
	d="$GM_SCRATCH/$name"; mkdir -p "$d"
	local other; gm_service "$bin" "$d/other.log" -ring 32; other=$svc
	[ $# -eq 0 ] || export "$@"
	gm_service "$bin" "$d/leak.log" -ring 32
	sleep 1 # blocks allocated (and some freed) before the window
	local rc=0
	"$GM_TOOL" attach --pid "$svc" --duration 2 -o "$d/trace" >"$d/out" 2>"$d/err" || rc=$?
	[ $rc -eq 0 ] || gm_fail "$name: attach exited $rc: $(cat "$d/err")"
	grep -q "^gomemtrace attach: attached to process $svc (steadyleak" "$d/err" || gm_fail "$name: no start message: $(cat "$d/err")"
	gm_no_attach_session
	local n0; n0=$(wc -l <"$d/leak.log"); sleep 0.3
	[ "$(wc -l <"$d/leak.log")" -gt "$n0" ] || gm_fail "$name: the service stopped working after the window"
	kill -TERM "$svc" "$other"
	wait "$svc" || gm_fail "$name: the service exited $? after SIGTERM"
	wait "$other" || true
	[ "$(sed -n 's/^mode=//p' "$d/trace/gomemtrace-record.txt")" = attach ] || gm_fail "$name: no mode=attach in gomemtrace-record.txt"
	gm_events "$d/trace" >"$d/events.txt"
	local pids; pids=$(grep -oE 'vpid = [0-9]+' "$d/events.txt" | sort -u | awk '{ print $3 }' | tr '\n' ' ')
	[ "$pids" = "$svc " ] || gm_fail "$name: the trace holds processes '$pids', want only $svc (not $other)"
	gm_report --format json -o "$d/r.json" "$d/trace" || gm_fail "$name: report failed"
	local p; p=$(jq -e ".processes[] | select(.pid == $svc)" "$d/r.json") || gm_fail "$name: $svc not in the report"
	echo "$p" >"$d/p.json"
	jq -e '.run_window != null and .run_window.resynced' "$d/p.json" >/dev/null || gm_fail "$name: not a resynced window: $(jq -c .run_window "$d/p.json")"
	jq -e '.run_window.frees_of_older_blocks > 0 and .c_blocks.unknown_frees == .run_window.frees_of_older_blocks' "$d/p.json" >/dev/null \
		|| gm_fail "$name: frees of blocks older than the window not counted: $(jq -c '[.run_window, .c_blocks]' "$d/p.json")"
	! jq -e '.warnings[] | select(test("does not define|no final flush"))' "$d/r.json" >/dev/null \
		|| gm_fail "$name: warnings: $(jq -c .warnings "$d/r.json")"
	local s e want got
	s=$(jq .run_window.start_mono_ns "$d/p.json"); e=$(jq .run_window.end_mono_ns "$d/p.json")
	want=$(gm_leak_between "$d/leak.log" "$s" "$e")
	got=$(jq '[.findings[] | select(.kind == "cgo_leak") | .bytes] | add // 0' "$d/p.json")
	[ "$want" -gt $((100 * 16384)) ] || gm_fail "$name: the program leaked only $want bytes in the window"
	awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= 0.05 * w) }' \
		|| gm_fail "$name: window cgo_leak $got bytes, the program leaked $want in it (more than 5 % apart)"
	jq -e '.leak_suspects[0].frames | map(.function) | index("leak_one") != null' "$d/p.json" >/dev/null \
		|| gm_fail "$name: the top suspect is not leak_one"
	"$GM_TOOL" report "$d/trace" >"$d/report.txt" || gm_fail "$name: text report failed"
	grep -q "a window of a longer run: from " "$d/report.txt" || gm_fail "$name: the text report does not say it is a window"
	gm_note "$name: window $(jq .run_window.duration_s "$d/p.json") s, leak $got B reported, $want B by the program;" \
		"$(jq .run_window.frees_of_older_blocks "$d/p.json") older blocks freed in it"
	unset GOMEMTRACE_BATCH
}

for v in $vs; do
	bin="$GM_SCRATCH/steadyleak-$v"
	gm_go_build "$v" "$GM_TOP_SRCDIR/examples/steadyleak" "$bin"
	window "go$v" "$bin"
done
window "go$v-per-call" "$bin" GOMEMTRACE_BATCH=0

# children: a preloaded shell that keeps starting the service; attach follows what it starts
d="$GM_SCRATCH/children"; mkdir -p "$d"
LD_PRELOAD="$GM_PRELOAD" bash -c "while :; do '$bin' -for 400ms -log /dev/null; done" &
sh=$!; GM_SERVICES+=("$sh")
sleep 0.5
"$GM_TOOL" attach --pid "$sh" --duration 2 -o "$d/trace" 2>"$d/err" || gm_fail "children: attach failed: $(cat "$d/err")"
kill "$sh"; wait "$sh" 2>/dev/null || true
grep -q "following child" "$d/err" || gm_fail "children: attach followed no child: $(cat "$d/err")"
gm_report --format json -o "$d/r.json" "$d/trace" || gm_fail "children: report failed"
n=$(jq --arg exe "$bin" '[.processes[] | select(.exe == $exe)] | length' "$d/r.json")
[ "$n" -ge 2 ] || gm_fail "children: $n of the shell's children in the report, want >= 2"
gm_note "children: $n children of the shell reported"

# a recording of the whole run is not a window
d="$GM_SCRATCH/record"; mkdir -p "$d"
"$GM_TOOL" record -q -o "$d/trace" -- "$bin" -for 300ms -log /dev/null || gm_fail "record failed"
gm_report --format json -o "$d/r.json" "$d/trace" || gm_fail "record: report failed"
jq -e --arg exe "$bin" '.processes[] | select(.exe == $exe) | .run_window == null' "$d/r.json" >/dev/null \
	|| gm_fail "record: the trace of a whole run is reported as a window"
echo "PASS: attach_window (Go $vs)"
