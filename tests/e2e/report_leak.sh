#!/usr/bin/env bash
# `gomemtrace report` on a cgo leak of a known size (tests/data/report/cgoleak): the JSON
# report's leak suspects hold exactly the 40 x 64 KiB leaked under main.leakC (within 1%),
# their frames name the Go caller (main.leakC, main.main), innermost first; a block grown by
# realloc to 3 MiB is attributed to its ORIGINAL malloc (main.keepC); freed churn and a
# realloc chain that is freed are not suspects; a cgo_leak finding is reported; the text
# report shows the findings first, the split, the suspects; -o writes a file; --to 0 stops
# before the leak. Every Go version.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
src="$GM_TOP_SRCDIR/tests/data/report/cgoleak"
leak=2621440

for v in $GM_GO_VERSIONS; do
	bin="$GM_SCRATCH/cgoleak-$v"
	gm_go_build "$v" "$src" "$bin"
	t="$GM_SCRATCH/t-$v"
	gm_trace "$t" -- "$bin" 1200ms >"$GM_SCRATCH/out" || gm_fail "Go $v: exit $?"
	gm_report --format json -o "$GM_SCRATCH/r.json" "$t" || gm_fail "Go $v: report failed"
	jq -e '.schema == "gomemtrace.report/2"' "$GM_SCRATCH/r.json" >/dev/null || gm_fail "Go $v: bad schema"
	gm_proc_json "$GM_SCRATCH/r.json" "$bin" >"$GM_SCRATCH/p.json" || gm_fail "Go $v: process not in the report"
	# the leak: one suspect under main.leakC, exact bytes, 40 live blocks
	got=$(jq '[.leak_suspects[] | select(any(.frames[]; .function == "main.leakC"))] | .[0].bytes // 0' "$GM_SCRATCH/p.json")
	awk -v g="$got" -v w=$leak 'BEGIN { exit !(g >= w * 0.99 && g <= w * 1.01) }' \
		|| gm_fail "Go $v: leak suspect under main.leakC holds $got bytes, want $leak"
	jq -e '[.leak_suspects[] | select(any(.frames[]; .function == "main.leakC"))][0].allocations == 40' \
		"$GM_SCRATCH/p.json" >/dev/null || gm_fail "Go $v: leak suspect does not have 40 live blocks"
	# innermost first: main.leakC comes before main.main in the frames
	jq -e '[.leak_suspects[] | select(any(.frames[]; .function == "main.leakC"))][0].frames | map(.function)
		| (index("main.leakC") < index("main.main"))' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: frames not innermost first"
	# realloc keeps the original allocation stack
	jq -e '[.leak_suspects[] | select(any(.frames[]; .function == "main.keepC"))][0].bytes == 3145728' \
		"$GM_SCRATCH/p.json" >/dev/null || gm_fail "Go $v: realloc'd block not attributed to main.keepC"
	# freed memory is no suspect
	jq -e '[.leak_suspects[] | select(any(.frames[]; .function == "main.churnC" or .function == "main.growC"))] | length == 0' \
		"$GM_SCRATCH/p.json" >/dev/null || gm_fail "Go $v: freed allocations reported as suspects"
	jq -e '.findings[0].kind == "cgo_leak" and .findings[0].bytes >= 5767168' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: no cgo_leak finding first: $(jq -c .findings "$GM_SCRATCH/p.json")"
	jq -e '.final.c_heap_live >= 5767168 and .final.rss > 0 and .go_version != "" and .lost_events == 0
		and .approximate == false' "$GM_SCRATCH/p.json" >/dev/null || gm_fail "Go $v: final figures wrong: $(jq -c .final "$GM_SCRATCH/p.json")"
	# text: findings before the split, the split before the suspects, the Go caller visible
	gm_report --pid "$(jq .pid "$GM_SCRATCH/p.json")" "$t" >"$GM_SCRATCH/r.txt" || gm_fail "Go $v: text report failed"
	awk '/^Findings/ { f = NR } /^Memory split/ { s = NR } /^Top leak suspects/ { l = NR }
		END { exit !(f && s && l && f < s && s < l) }' "$GM_SCRATCH/r.txt" || gm_fail "Go $v: text sections out of order"
	grep -q '\[cgo_leak\]' "$GM_SCRATCH/r.txt" || gm_fail "Go $v: text has no cgo_leak finding"
	grep -q ' main.leakC ' "$GM_SCRATCH/r.txt" || gm_fail "Go $v: text suspects do not name main.leakC"
	# --to 0: the state at the first event, before any leak
	gm_report --format json --to 0 "$t" >"$GM_SCRATCH/r0.json" 2>/dev/null || true
	if [ -s "$GM_SCRATCH/r0.json" ]; then
		jq -e '[.processes[].leak_suspects[] | select(any(.frames[]; .function == "main.leakC"))] | length == 0' \
			"$GM_SCRATCH/r0.json" >/dev/null || gm_fail "Go $v: --to 0 still shows the leak"
	fi
	gm_note "Go $v: leak $got bytes under main.leakC; findings: $(jq -c '[.findings[].kind]' "$GM_SCRATCH/p.json")"
done
echo "PASS: report_leak"
