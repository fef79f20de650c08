#!/usr/bin/env bash
# The report's symbolizer and profile writers on a real trace (tools/report/{modmap,symbolize,
# pprof,folded}.c through their test driver, tests/unit/test-symbolize-tool): the module map
# comes from the trace's lttng_ust_statedump events, the stacks from its malloc events.
# tests/data/stack's main.leakHere calls C.cwrap -> malloc(1000..1002); for every Go version:
#  - the symbolized stack reaches main._Cfunc_cwrap, main.leakHere, main.main in this order;
#  - `go tool pprof` reads the profile: -traces shows that stack, and with the C frames
#    hidden the top entry is main.leakHere, the Go caller of the leak (3003 bytes);
#  - the folded line is outermost first: ...main.main;main.leakHere;main._Cfunc_cwrap...;
#  - rebuilt after recording, the binary's frames stay raw: "(changed: build id differs)",
#    one warning; deleted: "(missing)".
. "$(dirname "$0")/lib.sh"
tool="$GM_TOP_BUILDDIR/tests/unit/test-symbolize-tool"
[ -x "$tool" ] || gm_fail "$tool is not built (make check builds it)"

# cmds EVENTS VPID: the driver's commands: modules and build ids of process VPID, then the
# stacks of its malloc(1000..1002) events (value = size).
cmds() {
	grep -E "vpid = $2," "$1" | awk '
	function field(name,   m) {
		if (match($0, name " = [^,}]*")) { m = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3); gsub(/"/, "", m); return m }
		return ""
	}
	function hex(s) { sub(/^0x/, "", s); return tolower(s) }
	/lttng_ust_statedump:bin_info:|lttng_ust_lib:load:/ {
		pic = /lttng_ust_lib:load:/ ? 1 : field("is_pic")
		print "mod", hex(field("baddr")), field("memsz"), pic, field("path")
	}
	/lttng_ust_statedump:build_id:|lttng_ust_lib:build_id:/ {
		s = $0; sub(/.*build_id = \[/, "", s); id = ""
		while (match(s, /\] = 0x[0-9A-Fa-f]+/)) { b = substr(s, RSTART + 6, RLENGTH - 6); if (length(b) < 2) b = "0" b; id = id tolower(b); s = substr(s, RSTART + RLENGTH) }
		print "bid", hex(field("baddr")), id
	}
	/gomemtrace:malloc: .*size = 100[012],/ {
		s = $0; sub(/.*stack = \[/, "", s); st = ""
		while (match(s, /\] = 0x[0-9A-Fa-f]+/)) { st = st " " hex(substr(s, RSTART + 4, RLENGTH - 4)); s = substr(s, RSTART + RLENGTH) }
		print "stack", field("size") st
	}'
}

# in_order FILE NAME...: lines equal to these names appear in this order.
in_order() {
	local f=$1; shift
	awk -v want="$*" 'BEGIN { n = split(want, w, " "); i = 1 } i <= n && $1 == w[i] { i++ } END { exit i <= n }' "$f"
}

for v in $GM_GO_VERSIONS; do
	go=$(gm_go "$v")
	src="$GM_SCRATCH/src-$v"; cp -r "$GM_TOP_SRCDIR/tests/data/stack" "$src"
	bin="$GM_SCRATCH/stack-$v"
	gm_go_build "$v" "$src" "$bin"
	gm_trace "$GM_SCRATCH/t-$v" -- "$bin" >"$GM_SCRATCH/out" || gm_fail "Go $v: exit $?"
	gm_events "$GM_SCRATCH/t-$v" >"$GM_SCRATCH/ev"
	vpid=$(grep -m1 -E 'gomemtrace:malloc: .*size = 1001,' "$GM_SCRATCH/ev" | sed -E 's/.*vpid = ([0-9]+),.*/\1/')
	[ -n "$vpid" ] || gm_fail "Go $v: no malloc(1001) in the trace"
	cmds "$GM_SCRATCH/ev" "$vpid" >"$GM_SCRATCH/cmds"
	[ "$(grep -c '^stack' "$GM_SCRATCH/cmds")" = 3 ] || gm_fail "Go $v: expected 3 leak stacks"
	grep -q "^mod 400000 [0-9]* 0 $bin\$" "$GM_SCRATCH/cmds" || gm_fail "Go $v: the executable is not in the statedump"
	grep -q "^bid 400000 [0-9a-f]\{40\}" "$GM_SCRATCH/cmds" || gm_fail "Go $v: no build id for the executable"

	# Symbolized: the first stack, function names only.
	"$tool" -r '[C malloc]' -p "$GM_SCRATCH/prof-$v.pb" -f "$GM_SCRATCH/folded-$v" <"$GM_SCRATCH/cmds" \
		>"$GM_SCRATCH/sym" 2>"$GM_SCRATCH/warn" || gm_fail "Go $v: the symbolizer tool failed"
	awk '/^stack/ { n++ } n == 1 && /^  / { print $1 }' "$GM_SCRATCH/sym" >"$GM_SCRATCH/names"
	in_order "$GM_SCRATCH/names" cwrap main._Cfunc_cwrap main.leakHere main.main \
		|| { cat "$GM_SCRATCH/sym"; gm_fail "Go $v: symbolized stack lacks cwrap <- main._Cfunc_cwrap <- main.leakHere <- main.main"; }
	gm_note "Go $v: stack: $(tr '\n' ' ' <"$GM_SCRATCH/names")"
	grep -q 'warning' "$GM_SCRATCH/warn" && { cat "$GM_SCRATCH/warn"; gm_fail "Go $v: unexpected warnings"; }

	# pprof, read by the Go toolchain of this version.
	"$go" tool pprof -traces "$GM_SCRATCH/prof-$v.pb" >"$GM_SCRATCH/traces" 2>&1 || gm_fail "Go $v: pprof -traces failed"
	awk '{ sub(/ \(inline\)$/, ""); print $NF }' "$GM_SCRATCH/traces" >"$GM_SCRATCH/tnames"
	in_order "$GM_SCRATCH/tnames" cwrap main._Cfunc_cwrap main.leakHere main.main 'malloc]' \
		|| { cat "$GM_SCRATCH/traces"; gm_fail "Go $v: pprof -traces lacks the leak's stack"; }
	# the cgo wrappers are _cgo_<hash>_Cfunc_x; Go 1.25+'s pprof shows them without the leading _
	"$go" tool pprof -top -unit=B -hide='^(cwrap|_?cgo_|main\._Cfunc_|runtime\.(cgocall|asmcgocall)|malloc)' \
		"$GM_SCRATCH/prof-$v.pb" >"$GM_SCRATCH/top" 2>&1 || gm_fail "Go $v: pprof -top failed"
	top=$(awk 'f { print $6; exit } /flat%/ { f = 1 }' "$GM_SCRATCH/top")
	[ "$top" = main.leakHere ] || { cat "$GM_SCRATCH/top"; gm_fail "Go $v: pprof top entry is $top"; }
	grep -q '3003B total' "$GM_SCRATCH/top" || { cat "$GM_SCRATCH/top"; gm_fail "Go $v: pprof total is not 3003 bytes"; }

	# Folded: outermost first.
	grep -q '^\[C malloc\];.*;main\.main;main\.leakHere;main\._Cfunc_cwrap;.*cwrap.* 3003$' "$GM_SCRATCH/folded-$v" \
		|| { cat "$GM_SCRATCH/folded-$v"; gm_fail "Go $v: folded line"; }

	# Rebuilt since recording (one more line in the source: another build id).
	echo "// rebuilt" >>"$src/main.go"
	gm_go_build "$v" "$src" "$bin"
	"$tool" <"$GM_SCRATCH/cmds" >"$GM_SCRATCH/sym" 2>"$GM_SCRATCH/warn" || gm_fail "Go $v: tool failed on a rebuilt binary"
	grep -q "^  0x[0-9a-f]* in $bin (changed: build id differs)\$" "$GM_SCRATCH/sym" \
		|| { cat "$GM_SCRATCH/sym"; gm_fail "Go $v: rebuilt binary not reported as changed"; }
	grep -q "main\.leakHere" "$GM_SCRATCH/sym" && gm_fail "Go $v: symbolized with the wrong binary"
	[ "$(grep -c "warning: $bin:" "$GM_SCRATCH/warn")" = 1 ] || { cat "$GM_SCRATCH/warn"; gm_fail "Go $v: not one warning"; }
	# Gone.
	rm -f "$bin"
	"$tool" <"$GM_SCRATCH/cmds" >"$GM_SCRATCH/sym" 2>"$GM_SCRATCH/warn" || gm_fail "Go $v: tool failed on a missing binary"
	grep -q "^  0x[0-9a-f]* in $bin (missing)\$" "$GM_SCRATCH/sym" || { cat "$GM_SCRATCH/sym"; gm_fail "Go $v: missing binary"; }
	[ "$(grep -c "warning: $bin:" "$GM_SCRATCH/warn")" = 1 ] || { cat "$GM_SCRATCH/warn"; gm_fail "Go $v: not one warning"; }
done
echo "PASS: symbols_pprof"
