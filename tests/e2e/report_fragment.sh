#!/usr/bin/env bash
# A fragmented Go heap is not a Go leak (issue 15): tests/data/report/fragment keeps one 64-byte
# object in 16 of a million, so its in-use spans are ~93 % empty. The tracer reads the
# runtime's own heap statistics (preload/gostats.c) and the report splits "Go heap in use"
# into live objects and span fragmentation, each within 10 % or 2 MiB of what runtime/metrics
# says in the program (/memory/classes/heap/objects, .../unused; read just before exit, GC off),
# finds go_heap_fragmentation, and no go_heap_growth. Every Go version of GM_GO_VERSIONS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
near() { awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && g != "null" && (d <= 2097152 || d <= 0.1 * w)) }'; }
for v in $GM_GO_VERSIONS; do
	bin="$GM_SCRATCH/fragment-$v"
	gm_go_build "$v" "$GM_TOP_SRCDIR/tests/data/report/fragment" "$bin"
	t="$GM_SCRATCH/t-$v"
	gm_trace "$t" -- "$bin" >"$GM_SCRATCH/out" || gm_fail "Go $v: exit $?"
	objs=$(sed -n 's/.*go_heap_objects_bytes=\([0-9]*\).*/\1/p' "$GM_SCRATCH/out")
	unused=$(sed -n 's/.*go_heap_unused_bytes=\([0-9]*\).*/\1/p' "$GM_SCRATCH/out")
	[ -n "$objs" ] && [ -n "$unused" ] || gm_fail "Go $v: program: $(cat "$GM_SCRATCH/out")"
	gm_report --format json -o "$GM_SCRATCH/r.json" "$t" || gm_fail "Go $v: report failed"
	gm_proc_json "$GM_SCRATCH/r.json" "$bin" >"$GM_SCRATCH/p.json" || gm_fail "Go $v: process not in the report"
	got_o=$(jq '.final.go_heap_objects' "$GM_SCRATCH/p.json"); got_u=$(jq '.final.go_heap_unused' "$GM_SCRATCH/p.json")
	near "$got_o" "$objs" || gm_fail "Go $v: live objects $got_o, runtime/metrics $objs"
	near "$got_u" "$unused" || gm_fail "Go $v: fragmentation $got_u, runtime/metrics $unused"
	jq -e '([.findings[] | select(.kind == "go_heap_fragmentation")] | length == 1)
		and ([.findings[] | select(.kind == "go_heap_growth")] | length == 0)' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: findings $(jq -c '[.findings[].kind]' "$GM_SCRATCH/p.json")"
	gm_note "Go $v: objects $got_o (runtime $objs), unused $got_u (runtime $unused)"
done
echo "PASS: report_fragment"
