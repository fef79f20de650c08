#!/usr/bin/env bash
# Stacks cross from C into Go: a C.malloc made under main.leakHere is recorded with
#   malloc <- cwrap (C) <- ... <- main._Cfunc_cwrap <- main.leakHere <- main.main
# and the scavenger's madvise after debug.FreeOSMemory has runtime/debug.freeOSMemory and
# main.main in its stack. Go's own `go tool addr2line` is the independent oracle; plain
# and stripped (-s -w) builds, every Go version configured.
. "$(dirname "$0")/lib.sh"
src="$GM_TOP_SRCDIR/tests/data/stack"

# frames FILE REGEX BIN GO: symbolized Go frames (one name per line, innermost first) of the
# first event matching REGEX.
frames() {
	grep -E -- "$2" "$1" | head -1 | grep -oE '\[[0-9]+\] = 0x[0-9A-F]+' | awk '{print $3}' \
		| "$4" tool addr2line "$3" | awk 'NR % 2 == 1'
}

# in_order FILE NAME...: the names appear in FILE in this order (not necessarily adjacent).
in_order() {
	local f=$1; shift
	awk -v want="$*" 'BEGIN { n = split(want, w, " "); i = 1 }
		i <= n && $0 == w[i] { i++ } END { exit i <= n }' "$f"
}

for v in $GM_GO_VERSIONS; do
	go=$(gm_go "$v")
	for kind in plain stripped; do
		bin="$GM_SCRATCH/stack-$v-$kind"
		flags=(); [ $kind = stripped ] && flags=(-ldflags='-s -w')
		gm_go_build "$v" "$src" "$bin" "${flags[@]}"
		gm_trace "$GM_SCRATCH/t-$v-$kind" -- "$bin" >"$GM_SCRATCH/out" || gm_fail "Go $v $kind: exit $?"
		grep -q '^ok$' "$GM_SCRATCH/out" || gm_fail "Go $v $kind: unexpected output"
		gm_events "$GM_SCRATCH/t-$v-$kind" | grep "procname = \"stack-$v" >"$GM_SCRATCH/ev" || true
		frames "$GM_SCRATCH/ev" 'gomemtrace:malloc: .*size = 1001,' "$bin" "$go" >"$GM_SCRATCH/fr"
		in_order "$GM_SCRATCH/fr" main._Cfunc_cwrap main.leakHere main.main \
			|| { cat "$GM_SCRATCH/fr"; gm_fail "Go $v $kind: C.malloc stack does not reach main.leakHere"; }
		gm_note "Go $v $kind: malloc stack: $(tr '\n' ' ' <"$GM_SCRATCH/fr")"
		if grep -q 'gomemtrace:madvise: .*origin = 1' "$GM_SCRATCH/ev"; then
			frames "$GM_SCRATCH/ev" 'gomemtrace:madvise: .*arg = 4, .*origin = 1.*_stack_length = [1-9]' \
				"$bin" "$go" >"$GM_SCRATCH/fr"
			grep -q 'runtime/debug.freeOSMemory\|runtime.bgscavenge' "$GM_SCRATCH/fr" \
				|| { cat "$GM_SCRATCH/fr"; gm_fail "Go $v $kind: madvise stack has no scavenger/FreeOSMemory frame"; }
			gm_note "Go $v $kind: madvise stack: $(tr '\n' ' ' <"$GM_SCRATCH/fr")"
		else
			gm_fail "Go $v $kind: no madvise from the Go runtime (origin 1) in the trace"
		fi
	done
done
echo "PASS: stack_cgo"
