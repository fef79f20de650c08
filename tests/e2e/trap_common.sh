# trap_common.sh: helpers of the Go-trap e2e tests (sourced after lib.sh; not a test).
src="$GM_TOP_SRCDIR/tests/data/trap"

# trap_build VERSION: build tests/data/trap with Go VERSION; prints the binary's path.
trap_build() {
	local bin="$GM_SCRATCH/trap-$1"
	[ -x "$bin" ] || gm_go_build "$1" "$src" "$bin" >&2
	echo "$bin"
}

# trap_run NAME BIN MODE [env...]: run BIN MODE untraced and traced (with env), leaving
# $GM_SCRATCH/NAME.{plain,traced}.{out,err,rc} and the trace's text in $GM_SCRATCH/NAME.ev.
# Fails unless stdout and exit status are the same both ways.
trap_run() {
	local name=$1 bin=$2 mode=$3; shift 3
	local rc=0
	env "$@" "$bin" "$mode" >"$GM_SCRATCH/$name.plain.out" 2>"$GM_SCRATCH/$name.plain.err" || rc=$?
	echo $rc >"$GM_SCRATCH/$name.plain.rc"
	rc=0
	gm_trace "$GM_SCRATCH/$name.trace" -- env "$@" "$bin" "$mode" \
		>"$GM_SCRATCH/$name.traced.out" 2>"$GM_SCRATCH/$name.traced.err" || rc=$?
	echo $rc >"$GM_SCRATCH/$name.traced.rc"
	# Only our program's events: the session also catches other traced apps of this user.
	gm_events "$GM_SCRATCH/$name.trace" | grep -F "procname = \"$(basename "$bin")\"" \
		>"$GM_SCRATCH/$name.ev" || true
	cmp -s "$GM_SCRATCH/$name.plain.out" "$GM_SCRATCH/$name.traced.out" || {
		diff "$GM_SCRATCH/$name.plain.out" "$GM_SCRATCH/$name.traced.out" >&2 || true
		head -5 "$GM_SCRATCH/$name.traced.err" >&2
		gm_fail "$name: stdout differs when traced"
	}
	[ "$(cat "$GM_SCRATCH/$name.plain.rc")" = "$(cat "$GM_SCRATCH/$name.traced.rc")" ] || {
		head -5 "$GM_SCRATCH/$name.traced.err" >&2
		gm_fail "$name: exit status $(cat "$GM_SCRATCH/$name.plain.rc") untraced, $(cat "$GM_SCRATCH/$name.traced.rc") traced"
	}
}

# trap_madvise_sum FILE ADVICE: number and total len of the origin=1 madvise events with
# this advice, as "N SUM".
trap_madvise_sum() {
	grep -E 'gomemtrace:madvise: .*origin = 1' "$1" \
		| sed -nE "s/.* len = ([0-9]+), arg = $2, .*/\1/p" \
		| awk '{ n++; s += $1 } END { printf "%d %d\n", n, s }'
}

# trap_go_exit FILE: the status of every gomemtrace:go_exit event, one a line.
trap_go_exit() { sed -nE 's/.*gomemtrace:go_exit: .*status = (-?[0-9]+) .*/\1/p' "$1"; }

# trap_released FILE: what the runtime released by madvise in the program's window, in bytes:
# the growth of heap/released, less the growth of all it mapped (/memory/classes/total): a heap
# growth in the window (the GC of FreeOSMemory may need pages for its work buffers; mheap.grow
# maps whole 4 MiB chunks) counts as released without a madvise (mheap.go, grow; seen on 1.26).
trap_released() {
	sed -nE 's/^released_before=([0-9]+) released_after=([0-9]+) mapped_before=([0-9]+) mapped_after=([0-9]+)$/\2 \1 \4 \3/p' "$1" \
		| awk '{ g = $3 - $4; if (g < 0) g = 0; print $1 - $2 - g; exit }'
}
