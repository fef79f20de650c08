#!/usr/bin/env bash
# `gomemtrace report --format pprof|folded` on a trace made by `gomemtrace record` of
# tests/data/report/cgoleak (40 x 64 KiB leaked under main.leakC; main.keepC keeps 3 MiB),
# every Go version:
#  - `go tool pprof -top` (C frames hidden) lists main.leakC with 2621440 bytes in use
#    (within 1 %), and the profile's default sample type is inuse_space;
#  - the folded line holding main.leakC carries those bytes, outermost first
#    (main.main;...;main.leakC), and the heaviest folded line names a Go caller (main.*);
#  - process selection: preloaded processes started meanwhile OUTSIDE the recorded program
#    (other processes of the same user share the per-UID buffers) are left out, by default,
#    and named in the text header and JSON left_out; --pid reports one of them instead.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
src="$GM_TOP_SRCDIR/tests/data/report/cgoleak"
churn="$GM_TOP_BUILDDIR/tests/data/robust/churn"
[ -x "$churn" ] || gm_fail "$churn is not built (make check builds it)"
leak=2621440

for v in $GM_GO_VERSIONS; do
	go=$(gm_go "$v")
	d="$GM_SCRATCH/$v"; mkdir -p "$d"
	gm_go_build "$v" "$src" "$d/cgoleak"
	# outsiders: preloaded, not children of the recorded program
	( for i in 1 2 3; do LD_PRELOAD="$GM_PRELOAD" "$churn" leak 200 >/dev/null; sleep 0.2; done ) &
	bg=$!
	rc=0
	"$GM_TOOL" record -o "$d/trace" --session "gm-rprof-$$-${v/./_}" -- "$d/cgoleak" 1200ms \
		>"$d/out" 2>"$d/err" || rc=$?
	wait $bg
	[ $rc -eq 0 ] || { cat "$d/err"; gm_fail "Go $v: record exited $rc"; }
	pid=$(sed -n 's/^pid=//p' "$d/trace/gomemtrace-record.txt")
	[ -n "$pid" ] || gm_fail "Go $v: no pid in gomemtrace-record.txt"

	# pprof
	gm_report --format pprof -o "$d/heap.pb" "$d/trace" 2>"$d/perr" || { cat "$d/perr"; gm_fail "Go $v: pprof output failed"; }
	# the cgo wrappers are _cgo_<hash>_Cfunc_x; Go 1.25+'s pprof shows them without the leading _
	"$go" tool pprof -top -unit=B -hide='^(leak_block|keep_block|_?cgo_|main\._Cfunc_|runtime\.(cgocall|asmcgocall)|malloc|realloc)' \
		"$d/heap.pb" >"$d/top" 2>&1 || { cat "$d/top"; gm_fail "Go $v: go tool pprof -top failed"; }
	grep -q 'Type: inuse_space' "$d/top" || { cat "$d/top"; gm_fail "Go $v: default sample type is not inuse_space"; }
	got=$(awk '$6 == "main.leakC" { sub(/B$/, "", $1); print $1; exit }' "$d/top")
	awk -v g="${got:-0}" -v w=$leak 'BEGIN { exit !(g >= w * 0.99 && g <= w * 1.01) }' \
		|| { cat "$d/top"; gm_fail "Go $v: pprof -top: main.leakC holds ${got:-nothing}, want $leak"; }
	# folded
	gm_report --format folded "$d/trace" >"$d/folded" 2>"$d/ferr" || { cat "$d/ferr"; gm_fail "Go $v: folded output failed"; }
	line=$(grep 'main\.leakC' "$d/folded" | sort -t' ' -k2,2nr | head -1)
	awk -v g="${line##* }" -v w=$leak 'BEGIN { exit !(g >= w * 0.99 && g <= w * 1.01) }' \
		|| { cat "$d/folded"; gm_fail "Go $v: folded: main.leakC line holds ${line##* }, want $leak"; }
	case "$line" in *main.main\;*main.leakC*) ;; *) gm_fail "Go $v: folded line not outermost first: $line" ;; esac
	awk '{ print $NF, $0 }' "$d/folded" | sort -k1,1nr | head -1 | grep -q ';main\.' \
		|| { cat "$d/folded"; gm_fail "Go $v: the heaviest folded line names no Go caller"; }
	gm_note "Go $v: pprof main.leakC $got B; folded: ${line:0:120}..."

	# process selection
	gm_report --format json -o "$d/r.json" "$d/trace" || gm_fail "Go $v: json report failed"
	jq -e --argjson pid "$pid" '[.processes[].pid] == [$pid]' "$d/r.json" >/dev/null \
		|| gm_fail "Go $v: processes reported: $(jq -c '[.processes[].pid]' "$d/r.json"), want [$pid]"
	out1=$(jq -r '[.left_out[] | select(.exe | endswith("/churn"))][0].pid // empty' "$d/r.json")
	if [ -n "$out1" ]; then
		gm_report "$d/trace" >"$d/text" || gm_fail "Go $v: text report failed"
		grep -q "^left out .*$out1 (churn)" "$d/text" || { head -5 "$d/text"; gm_fail "Go $v: text header does not name left-out pid $out1"; }
		gm_report --format json --pid "$out1" -o "$d/o.json" "$d/trace" || gm_fail "Go $v: --pid $out1 failed"
		jq -e --argjson p "$out1" '[.processes[].pid] == [$p] and .processes[0].final.c_heap_live > 0' "$d/o.json" >/dev/null \
			|| gm_fail "Go $v: --pid $out1 does not report that process"
	else
		gm_note "Go $v: no outsider reached the trace (left out: $(jq -c .left_out "$d/r.json"))"
	fi
done
echo "PASS: report_profiles"
