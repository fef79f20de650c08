#!/usr/bin/env bash
# Stacks cross from C into Go: a C.malloc made under main.leakHere is recorded with
#   malloc <- cwrap (C) <- ... <- main._Cfunc_cwrap <- main.leakHere <- main.main
# and the scavenger's madvise after debug.FreeOSMemory has runtime/debug.freeOSMemory and
# main.main in its stack. Symbolized by gomemtrace's own .gopclntab reader (tests/tools/
# gm-addr2line), which Go's `go tool addr2line` cross-checks on the unstripped build (Go's
# tool misreads stripped cgo binaries); plain and stripped (-s -w), every Go version.
. "$(dirname "$0")/lib.sh"
src="$GM_TOP_SRCDIR/tests/data/stack"

a2l="$GM_TOP_BUILDDIR/tests/tools/gm-addr2line"
# addrs FILE REGEX: the stack of the first event matching REGEX, one address a line.
addrs() { grep -m1 -E -- "$2" "$1" | grep -oE '\[[0-9]+\] = 0x[0-9A-F]+' | awk '{print $3}'; }
# frames FILE REGEX BIN GO: its frames symbolized by us (function names, innermost first);
# on an unstripped binary, Go's addr2line must agree on every Go frame.
frames() {
	addrs "$1" "$2" >"$GM_SCRATCH/addrs"
	"$a2l" "$3" <"$GM_SCRATCH/addrs" | awk '{print $1}' >"$GM_SCRATCH/ours"
	if [ "$5" = plain ]; then
		"$4" tool addr2line "$3" <"$GM_SCRATCH/addrs" | awk 'NR % 2 == 1' >"$GM_SCRATCH/gos"
		paste -d' ' "$GM_SCRATCH/ours" "$GM_SCRATCH/gos" | awk '$1 != "?" && $2 != "?" && $1 != $2 { bad = 1; print "disagree: " $0 > "/dev/stderr" } END { exit bad }' \
			|| gm_fail "our symbolizer and go tool addr2line disagree"
	fi
	cat "$GM_SCRATCH/ours"
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
		# (the program turns the GC off until its FreeOSMemory: tests/data/stack/main.go)
		gm_trace "$GM_SCRATCH/t-$v-$kind" -- "$bin" >"$GM_SCRATCH/out" || gm_fail "Go $v $kind: exit $?"
		grep -q '^ok$' "$GM_SCRATCH/out" || gm_fail "Go $v $kind: unexpected output"
		gm_events "$GM_SCRATCH/t-$v-$kind" | grep "procname = \"stack-$v" >"$GM_SCRATCH/ev" || true
		frames "$GM_SCRATCH/ev" 'gomemtrace:malloc: .*size = 1001,' "$bin" "$go" $kind >"$GM_SCRATCH/fr"
		in_order "$GM_SCRATCH/fr" main._Cfunc_cwrap main.leakHere main.main \
			|| { cat "$GM_SCRATCH/fr"; gm_fail "Go $v $kind: C.malloc stack does not reach main.leakHere"; }
		# innermost frames: malloc's caller (cwrap, or the cgo wrapper it is inlined into; no
		# name in a stripped binary), then asmcgocall - no tracer frame kept, none skipped
		want='(^|_)cwrap'; [ $kind = stripped ] && want='(^|_)cwrap|^[?]'
		head -n 2 "$GM_SCRATCH/fr" | tr '\n' ' ' | grep -Eq "($want) runtime[.]asmcgocall " \
			|| { cat "$GM_SCRATCH/fr"; gm_fail "Go $v $kind: innermost frame is not malloc's caller"; }
		gm_note "Go $v $kind: malloc stack: $(tr '\n' ' ' <"$GM_SCRATCH/fr")"
		# Among the runtime's madvise(MADV_DONTNEED) events (the background scavenger may make
		# some too), one has runtime/debug.freeOSMemory and then main.main in its stack.
		grep -E 'gomemtrace:madvise: .*arg = 4, .*origin = 1.*_stack_length = [1-9]' "$GM_SCRATCH/ev" \
			>"$GM_SCRATCH/madv" || gm_fail "Go $v $kind: no madvise(MADV_DONTNEED) with a stack from the Go runtime (origin 1) in the trace"
		found=0; n=0
		while IFS= read -r line && [ $found = 0 ]; do
			n=$((n + 1))
			printf '%s\n' "$line" >"$GM_SCRATCH/one"
			frames "$GM_SCRATCH/one" . "$bin" "$go" $kind >"$GM_SCRATCH/fr"
			if in_order "$GM_SCRATCH/fr" runtime/debug.freeOSMemory main.main; then found=1; fi
		done <"$GM_SCRATCH/madv"
		[ $found = 1 ] || { cat "$GM_SCRATCH/fr"; gm_fail "Go $v $kind: none of $n madvise stacks has runtime/debug.freeOSMemory then main.main"; }
		gm_note "Go $v $kind: madvise stack ($n seen): $(tr '\n' ' ' <"$GM_SCRATCH/fr")"
	done
done
echo "PASS: stack_cgo"
