#!/usr/bin/env bash
# A run shorter than one sampling period (tests/data/report/shortgrow: its Go heap grows by
# 200 MiB, then it exits): the tracer's baseline sample and its `moved` samples (one per 32 MiB
# mapped, taken by the thread that maps: docs/events.md "Samples") give the report the growth,
# so it finds go_heap_growth; the timeline holds the baseline first, moved samples with the
# Go heap rising, and the exit last. TOUCH=0 (the objects never written): the Go heap in use
# is ~200 MiB, but its resident part (go_heap_resident) is small and below RSS. Every Go
# version of GM_GO_VERSIONS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
src="$GM_TOP_SRCDIR/tests/data/report/shortgrow"
MiB=1048576
for v in $GM_GO_VERSIONS; do
	bin="$GM_SCRATCH/shortgrow-$v"
	gm_go_build "$v" "$src" "$bin"
	t="$GM_SCRATCH/t-$v"
	gm_trace "$t" -- "$bin" >"$GM_SCRATCH/out" || gm_fail "Go $v: exit $?"
	gm_report --format json -o "$GM_SCRATCH/r.json" "$t" || gm_fail "Go $v: report failed"
	gm_proc_json "$GM_SCRATCH/r.json" "$bin" >"$GM_SCRATCH/p.json" || gm_fail "Go $v: process not in the report"
	jq -e --argjson m $MiB '[.findings[] | select(.kind == "go_heap_growth" and .bytes >= 100 * $m)] | length == 1' \
		"$GM_SCRATCH/p.json" >/dev/null || gm_fail "Go $v: no go_heap_growth >= 100 MiB: $(jq -c '.findings, .timeline.kind, .timeline.go_heap_in_use' "$GM_SCRATCH/p.json")"
	jq -e --argjson m $MiB '.timeline as $t | $t.kind[0] == "baseline" and $t.kind[-1] == "exit"
		and ([$t.kind[] | select(. == "moved")] | length) >= 3
		and ([$t.go_heap_in_use[] | select(. != null)] | (.[0] < 100 * $m and .[-1] >= 200 * $m))
		and ($t.t_s | . == sort)' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: timeline wrong: $(jq -c '.timeline | {kind, t_s, go_heap_in_use}' "$GM_SCRATCH/p.json")"
	jq -e '.final.go_heap_resident > .final.go_heap_in_use * 0.9' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: touched heap not resident: $(jq -c .final "$GM_SCRATCH/p.json")"
	gm_note "Go $v: $(jq -c '{samples: .timeline.kind, in_use: .timeline.go_heap_in_use}' "$GM_SCRATCH/p.json")"
	# never written: in use but not in RAM
	t="$GM_SCRATCH/u-$v"
	TOUCH=0 gm_trace "$t" -- "$bin" >"$GM_SCRATCH/out" || gm_fail "Go $v: TOUCH=0: exit $?"
	gm_report --format json -o "$GM_SCRATCH/r.json" "$t" || gm_fail "Go $v: TOUCH=0: report failed"
	gm_proc_json "$GM_SCRATCH/r.json" "$bin" >"$GM_SCRATCH/p.json" || gm_fail "Go $v: TOUCH=0: process not in the report"
	jq -e --argjson m $MiB '.final | .go_heap_in_use >= 200 * $m and .go_heap_resident < 100 * $m
		and .go_heap_resident < .rss' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: TOUCH=0: resident part wrong: $(jq -c .final "$GM_SCRATCH/p.json")"
	gm_report "$t" >"$GM_SCRATCH/r.txt" || gm_fail "Go $v: TOUCH=0: text report failed"
	grep -q 'of these two, in RAM (resident)' "$GM_SCRATCH/r.txt" || gm_fail "Go $v: no resident row: $(cat "$GM_SCRATCH/r.txt")"
done
echo "PASS: report_shortrun"
