#!/usr/bin/env bash
# C memory that Go finalizers and cleanups free is not a leak (issue 15): the tracer tells
# frees made from the finalizer goroutine (runtime.runfinq, from Go 1.25 runFinalizers) and
# the cleanup goroutines (runtime.runCleanups, 1.25+), the reader calls the stacks freed that
# way "waiting for the GC" and finds finalizer_paced with the most that waited at once.
# 1. tests/data/report/finalizer (a binding of our own, 10 passes x 3000 objects x 16 KiB, the GC
#    run after passes 3, 6 and 9 and waited for): no cgo_leak; backlog 9000 objects' memory;
#    >= 95 % of the bytes freed seen freed by finalizers; the 3000 objects of the last pass
#    waiting at the end. Every Go version; MODE=cleanup (runtime.AddCleanup) on 1.24+: freed
#    by the finalizer goroutine on 1.24, by the cleanup goroutines from 1.25.
# 2. tests/data/report/sqlitefin (Debian's mattn/go-sqlite3 over the system libsqlite3:
#    prepared statements never closed, freed by the binding's finalizers): finalizer_paced,
#    and no cgo_leak. Newest Go version.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
OBJ=16384
fin_check() { # fin_check VERSION MODE P.JSON
	local v=$1 mode=$2 p=$3
	jq -e '[.findings[] | select(.kind == "cgo_leak")] | length == 0' "$p" >/dev/null \
		|| gm_fail "Go $v $mode: called a leak: $(jq -c '.findings' "$p")"
	jq -e --argjson o $OBJ '([.findings[] | select(.kind == "finalizer_paced")] | length == 1)
		and (.finalizers | .backlog_peak_bytes >= 0.95 * 9000 * $o and .backlog_peak_bytes <= 9000 * $o
		and .waiting_bytes == 3000 * $o and .waiting_count == 1
		and .freed_bytes.finalizer + .freed_bytes.cleanup >= 0.95 * 27000 * $o
		and .freed_bytes.finalizer + .freed_bytes.cleanup <= 27000 * $o)' "$p" >/dev/null \
		|| gm_fail "Go $v $mode: finalizer figures wrong: $(jq -c '{f: [.findings[].kind], fin: (.finalizers | del(.waiting))}' "$p")"
}
for v in $GM_GO_VERSIONS; do
	bin="$GM_SCRATCH/finalizer-$v"
	gm_go_build "$v" "$GM_TOP_SRCDIR/tests/data/report/finalizer" "$bin"
	modes=finalizer
	[ "${v#1.}" -ge 24 ] && modes="finalizer cleanup"
	for mode in $modes; do
		t="$GM_SCRATCH/t-$v-$mode"
		MODE=$mode gm_trace "$t" -- "$bin" >"$GM_SCRATCH/out" || gm_fail "Go $v $mode: exit $?"
		grep -q "waiting=3000 mode=$mode" "$GM_SCRATCH/out" || gm_fail "Go $v $mode: program: $(cat "$GM_SCRATCH/out")"
		gm_report --format json -o "$GM_SCRATCH/r.json" "$t" || gm_fail "Go $v $mode: report failed"
		gm_proc_json "$GM_SCRATCH/r.json" "$bin" >"$GM_SCRATCH/p.json" || gm_fail "Go $v $mode: process not in the report"
		fin_check "$v" "$mode" "$GM_SCRATCH/p.json"
		# who freed: the finalizer goroutine, or (1.25+) the cleanup goroutines
		want=finalizer
		[ "$mode" = cleanup ] && [ "${v#1.}" -ge 25 ] && want=cleanup
		jq -e --arg w "$want" '.finalizers.freed_bytes | .[$w] > 0 and (to_entries | map(select(.key != $w)) | .[0].value == 0)' \
			"$GM_SCRATCH/p.json" >/dev/null || gm_fail "Go $v $mode: expected frees by the $want goroutine: $(jq -c .finalizers.freed_bytes "$GM_SCRATCH/p.json")"
		gm_note "Go $v $mode: $(jq -c '.finalizers | del(.waiting)' "$GM_SCRATCH/p.json")"
	done
	gm_report "$t" >"$GM_SCRATCH/r.txt" || gm_fail "Go $v: text report failed"
	grep -q 'C memory freed by Go finalizers and cleanups (not leaks' "$GM_SCRATCH/r.txt" \
		|| gm_fail "Go $v: no finalizer section: $(cat "$GM_SCRATCH/r.txt")"
done
# a real binding packaged by Debian
set -- $GM_GO_VERSIONS
v=${!#}
export GOPATH=/usr/share/gocode
bin="$GM_SCRATCH/sqlitefin-$v"
gm_go_build "$v" "$GM_TOP_SRCDIR/tests/data/report/sqlitefin" "$bin" -tags libsqlite3
t="$GM_SCRATCH/sq-$v"
gm_trace "$t" -- "$bin" >"$GM_SCRATCH/out" || gm_fail "sqlitefin: exit $?"
gm_report --format json -o "$GM_SCRATCH/r.json" "$t" || gm_fail "sqlitefin: report failed"
gm_proc_json "$GM_SCRATCH/r.json" "$bin" >"$GM_SCRATCH/p.json" || gm_fail "sqlitefin: process not in the report"
jq -e '([.findings[] | select(.kind == "cgo_leak")] | length == 0)
	and ([.findings[] | select(.kind == "finalizer_paced")] | length == 1)
	and .finalizers.freed_bytes.finalizer > 0 and .finalizers.waiting_bytes > 0' "$GM_SCRATCH/p.json" >/dev/null \
	|| gm_fail "sqlitefin: $(jq -c '{f: [.findings[] | [.kind, .bytes]], fin: (.finalizers | del(.waiting))}' "$GM_SCRATCH/p.json")"
gm_note "sqlitefin Go $v: $(jq -c '.finalizers | del(.waiting)' "$GM_SCRATCH/p.json")"
echo "PASS: report_finalizer"
