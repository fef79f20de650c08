#!/usr/bin/env bash
# Acceptance (issue 3): gomemtrace agrees with heaptrack on a real cgo library. The workload
# (tests/data/accept/sqlite) drives Debian's mattn/go-sqlite3 over the system libsqlite3 and
# leaks ~61 MB of C memory (an in-memory database never closed, 200 prepared statements never
# finalized, 640 x 32 KiB sqlite3_malloc blocks via cgo). It runs once under heaptrack and once
# under `gomemtrace record`; the C bytes live at exit must agree within 5 %:
#   heaptrack_print "total memory leaked"   (every allocation not freed, whatever its stack)
#   gomemtrace report --format json: processes[].final.c_heap_live  (the same definition;
#     leak_suspects_bytes is a subset: stacks whose blocks are mostly live, see docs/accuracy.md)
# Also: the sqlite3_malloc leak is a suspect of exactly 640 blocks whose frames reach the Go
# caller main._Cfunc_leak_blocks and main.main (heaptrack's unwinder stops at runtime.asmcgocall).
# The program leaves through libc exit() (-libc-exit) so heaptrack writes its last buffer (see
# the workload); gomemtrace does not need it. Newest Go of GM_GO_VERSIONS only (the go-sqlite3
# build costs ~20 s per toolchain; GM_ACCEPT_GO_VERSIONS overrides).
. "$(dirname "$0")/lib.sh"
command -v heaptrack >/dev/null && command -v heaptrack_print >/dev/null \
	|| gm_skip "heaptrack is not installed (apt-get install heaptrack)"
command -v jq >/dev/null || gm_skip "jq is not installed"
[ -d /usr/share/gocode/src/github.com/mattn/go-sqlite3 ] \
	|| gm_skip "golang-github-mattn-go-sqlite3-dev is not installed"
[ -e /usr/include/sqlite3.h ] || gm_skip "libsqlite3-dev is not installed"
[ -x "$GM_TOOL" ] || gm_fail "$GM_TOOL not built"
export GOPATH=/usr/share/gocode
src="$GM_TOP_SRCDIR/tests/data/accept/sqlite"
versions=${GM_ACCEPT_GO_VERSIONS:-$(printf '%s\n' $GM_GO_VERSIONS | sort -V | tail -1)}

# heaptrack_leaked FILE: heaptrack_print's "total memory leaked" in bytes. heaptrack 1.4 prints
# it with decimal units (55.64M = 55,640,000 +- 5,000: checked against its raw data file).
heaptrack_leaked() {
	heaptrack_print -f "$1" 2>/dev/null | awk '/^total memory leaked:/ {
		v = $4; u = substr(v, length(v)); m = 1
		if (u == "K") m = 1e3; else if (u == "M") m = 1e6; else if (u == "G") m = 1e9
		if (u !~ /[0-9]/) v = substr(v, 1, length(v) - 1)
		sub(/B$/, "", v); printf "%.0f\n", v * m; found = 1 }
		END { exit !found }'
}

for v in $versions; do
	bin="$GM_SCRATCH/sqlite-$v"
	gm_go_build "$v" "$src" "$bin" -tags libsqlite3
	args=(-libc-exit)
	# heaptrack
	heaptrack -o "$GM_SCRATCH/ht-$v" "$bin" "${args[@]}" >"$GM_SCRATCH/ht.out" 2>&1 \
		|| gm_fail "Go $v: heaptrack run failed: $(tail -3 "$GM_SCRATCH/ht.out")"
	htfile=$(ls "$GM_SCRATCH/ht-$v".* 2>/dev/null | head -1)
	[ -n "$htfile" ] || gm_fail "Go $v: heaptrack wrote no data file"
	ht=$(heaptrack_leaked "$htfile") || gm_fail "Go $v: no 'total memory leaked' from heaptrack_print"
	# gomemtrace; per-uid buffers are shared with any other traced program running meanwhile:
	# if events were discarded, try once more with larger buffers
	gm_sessiond
	for sub in 4M 16M; do
		t="$GM_SCRATCH/t-$v-$sub"
		"$GM_TOOL" record -q --subbuf-size "$sub" --session "gm-accept-$$-$v-$sub" -o "$t" -- \
			"$bin" "${args[@]}" >"$GM_SCRATCH/gm.out" || gm_fail "Go $v: gomemtrace record failed ($?)"
		"$GM_TOOL" report --format json -o "$GM_SCRATCH/r.json" "$t" || gm_fail "Go $v: report failed"
		jq -e --arg exe "$bin" '.processes[] | select(.exe == $exe)' "$GM_SCRATCH/r.json" >"$GM_SCRATCH/p.json" \
			|| gm_fail "Go $v: $bin not in the report"
		[ "$(jq .lost_events "$GM_SCRATCH/p.json")" = 0 ] && break
		gm_note "Go $v: $(jq .lost_events "$GM_SCRATCH/p.json") events discarded with $sub sub-buffers"
	done
	jq -e '.lost_events == 0 and .approximate == false' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: the trace lost events even with 16M sub-buffers; cannot compare"
	gm=$(jq .final.c_heap_live "$GM_SCRATCH/p.json")
	sus=$(jq .leak_suspects_bytes "$GM_SCRATCH/p.json")
	# the leak must be large enough for start-up noise (a few KiB) not to matter
	[ "$ht" -ge 50000000 ] || gm_fail "Go $v: heaptrack saw only $ht bytes leaked, the workload leaks ~61 MB"
	awk -v g="$gm" -v h="$ht" 'BEGIN { d = g - h; if (d < 0) d = -d; exit !(d <= 0.05 * h) }' \
		|| gm_fail "Go $v: C bytes live at exit disagree: gomemtrace c_heap_live $gm, heaptrack leaked $ht"
	# the cgo leak: one suspect of exactly 640 blocks, seen from the Go caller
	jq -e '[.leak_suspects[] | select(any(.frames[]; .function == "main._Cfunc_leak_blocks"))]
		| length == 1 and .[0].allocations == 640 and .[0].bytes >= 640 * 32768
		and any(.[0].frames[]; .function == "main.main")' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: the sqlite3_malloc leak is not one suspect of 640 blocks under main._Cfunc_leak_blocks"
	jq -e '.findings[0].kind == "cgo_leak"' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: first finding is not cgo_leak: $(jq -c '[.findings[].kind]' "$GM_SCRATCH/p.json")"
	gm_note "Go $v: heaptrack leaked $ht, gomemtrace c_heap_live $gm (suspects $sus);" \
		"difference $(awk -v g="$gm" -v h="$ht" 'BEGIN { printf "%+.4f %%", (g - h) * 100 / h }')"
done
echo "PASS: accept_heaptrack"
