#!/usr/bin/env bash
# The sampler against the Go runtime's own numbers. A cgo program (tests/data/sampler) builds a
# heap of ~100 MiB live, ~64 MiB free and ~140 MiB released, prints runtime/metrics and its
# VmRSS, idles for 3 sample intervals and exits. The last periodic gomemtrace:sample must
# agree with it (go_inuse ~ heap objects+unused+stacks: the page bitmaps count every
# allocated page, stacks included; go_free ~ free; go_released ~ released;
# rss - shmem ~ VmRSS - RssShmem), its go_chunks must add up to the totals, and an exit (kind=1)
# sample must exist: through the library destructor (C exit(), plain builds) and through the
# Go trap on exit_group (stripped builds, when the trap is armed). Every Go version
# configured; stripped builds on the oldest and newest only, to keep the run short.
. "$(dirname "$0")/lib.sh"
src="$GM_TOP_SRCDIR/tests/data/sampler"
MiB=$((1 << 20))

# near A B: |A - B| <= max(10% of B, 2 MiB)
near() {
	local a=$1 b=$2 d tol
	d=$((a > b ? a - b : b - a)); tol=$((b / 10)); [ $tol -lt $((2 * MiB)) ] && tol=$((2 * MiB))
	[ $d -le $tol ]
}
# field NAME LINE: the integer value of `NAME = N` in a babeltrace2 line
field() { grep -oE "[{ ]$1 = -?[0-9]+" <<<"$2" | head -1 | grep -oE -- '-?[0-9]+$'; }
# metric NAME LINE: the value of NAME=N in the program's output line
metric() { grep -oE "$1=[0-9]+" <<<"$2" | cut -d= -f2; }

for v in $GM_GO_VERSIONS; do
	kinds="plain"
	[ "$v" = "${GM_GO_VERSIONS%% *}" ] || [ "$v" = "${GM_GO_VERSIONS##* }" ] && kinds="plain stripped"
	for kind in $kinds; do
		name="smp${v#1.}${kind:0:1}"
		bin="$GM_SCRATCH/$name"
		flags=(); [ $kind = stripped ] && flags=(-ldflags='-s -w')
		gm_go_build "$v" "$src" "$bin" "${flags[@]}"
		how=; [ $kind = plain ] && how=cexit
		GOMEMTRACE_SAMPLE_MS=200 gm_trace "$GM_SCRATCH/t-$name" -- "$bin" $how >"$GM_SCRATCH/out" \
			|| gm_fail "Go $v $kind: exit $?"
		m=$(grep '^metrics ' "$GM_SCRATCH/out") || gm_fail "Go $v $kind: no metrics line"
		# the sampler thread's events carry procname "gomemtrace" (its thread name): use the vpid
		gm_events "$GM_SCRATCH/t-$name" >"$GM_SCRATCH/all"
		pid=$(grep -m1 -oE "vpid = [0-9]+, vtid = [0-9]+, procname = \"$name\"" "$GM_SCRATCH/all" \
			| grep -oE '^vpid = [0-9]+') || gm_fail "Go $v $kind: no event of the program"
		grep "$pid," "$GM_SCRATCH/all" >"$GM_SCRATCH/ev" || true
		grep -q "$pid, vtid = [0-9]*, procname = \"gomemtrace\"" "$GM_SCRATCH/ev" \
			|| gm_fail "Go $v $kind: no event from a thread named gomemtrace"

		last=$(grep 'gomemtrace:sample:' "$GM_SCRATCH/ev" | grep 'kind = 0,' | tail -1)
		[ -n "$last" ] || gm_fail "Go $v $kind: no periodic sample"
		[ "$(field go_source "$last")" = 1 ] || gm_fail "Go $v $kind: Go heap bitmaps not found: $last"
		inuse=$(field go_inuse "$last"); free=$(field go_free "$last")
		rel=$(field go_released "$last"); mapped=$(field go_mapped "$last")
		rss=$(($(field rss "$last") - $(field shmem "$last")))
		want_inuse=$(($(metric objects "$m") + $(metric unused "$m") + $(metric stacks "$m")))
		gm_note "Go $v $kind: go_inuse $inuse vs $want_inuse; go_free $free vs $(metric free "$m");" \
			"go_released $rel vs $(metric released "$m"); rss-shmem $rss vs VmRSS-RssShmem $(metric vmrss "$m")"
		near "$inuse" "$want_inuse" || gm_fail "Go $v $kind: go_inuse $inuse, runtime says $want_inuse"
		near "$free" "$(metric free "$m")" || gm_fail "Go $v $kind: go_free $free vs $m"
		near "$rel" "$(metric released "$m")" || gm_fail "Go $v $kind: go_released $rel vs $m"
		[ $((inuse + free + rel)) = "$mapped" ] || gm_fail "Go $v $kind: states do not add up to go_mapped"
		[ "$free" -gt $((32 * MiB)) ] && [ "$rel" -gt $((64 * MiB)) ] \
			|| gm_fail "Go $v $kind: the heap shape is not the one the program builds: $m"
		# VmRSS - RssShmem read by the program before and after its idle time bracket the last
		# sample's rss - shmem (it may still move while idle: khugepaged). Shmem is left out:
		# every LTTng session's ring buffers are mapped into the process and come and go with
		# other sessions on the machine.
		r0=$(metric vmrss "$m"); r1=$(metric vmrss "$(grep '^end ' "$GM_SCRATCH/out")")
		lo=$((r0 < r1 ? r0 : r1)); hi=$((r0 < r1 ? r1 : r0))
		[ "$rss" -ge $((lo - lo / 10 - 8 * MiB)) ] && [ "$rss" -le $((hi + hi / 10 + 8 * MiB)) ] \
			|| gm_fail "Go $v $kind: rss-shmem $rss, VmRSS-RssShmem $r0 .. $r1"

		# the go_chunks of that sample add up to its totals
		seq=$(field seq "$last")
		sum=$(grep 'gomemtrace:go_chunks:' "$GM_SCRATCH/ev" | grep "{ seq = $seq, " \
			| sed -E 's/.* inuse = \[(.*)\], _released_length.*/\1/' | grep -oE '\] = [0-9]+' \
			| awk '{s += $3} END {print s + 0}')
		[ $((sum * 8192)) = "$inuse" ] || gm_fail "Go $v $kind: go_chunks inuse $((sum * 8192)) != go_inuse $inuse"

		# the final sample
		trap_state=$(field trap_state "$(grep 'gomemtrace:proc_info:' "$GM_SCRATCH/ev" | tail -1)")
		if [ $kind = plain ] || [ "$trap_state" = 1 ]; then
			grep 'gomemtrace:sample:' "$GM_SCRATCH/ev" | grep -q 'kind = 1,' \
				|| gm_fail "Go $v $kind: no exit sample (kind = 1) (exit via ${how:-Go}, trap_state $trap_state)"
		else
			gm_note "Go $v $kind: the Go trap is not armed (state $trap_state): final sample not checked"
		fi
	done
done
echo "PASS: sampler_goheap"
