#!/usr/bin/env bash
# fork() without exec: the child keeps running the preload; with liblttng-ust-fork.so its
# events reach the trace under its own vpid; the parent is unaffected; its batched records
# are written out by its _exit().
. "$(dirname "$0")/lib.sh"
churn="$GM_TOP_BUILDDIR/tests/data/robust/churn"
fork_lib=$(gm_ust_lib liblttng-ust-fork.so)

"$churn" fork >"$GM_SCRATCH/plain.out"
LD_PRELOAD="$fork_lib" gm_trace "$GM_SCRATCH/trace" -- "$churn" fork >"$GM_SCRATCH/traced.out"
diff -u "$GM_SCRATCH/plain.out" "$GM_SCRATCH/traced.out" || gm_fail "traced output differs"
grep -q 'child exit=7' "$GM_SCRATCH/traced.out" || gm_fail "child did not exit 7"
gm_events "$GM_SCRATCH/trace" | grep 'procname = "churn"' >"$GM_SCRATCH/ev.txt"
pids=$(grep -oE 'vpid = [0-9]+' "$GM_SCRATCH/ev.txt" | sort -u | wc -l)
[ "$pids" -eq 2 ] || gm_fail "expected events from 2 processes, found $pids"
grep -qE 'gomemtrace:malloc: .*size = 4242,' "$GM_SCRATCH/ev.txt" || gm_fail "the child's malloc(4242) is missing"
# With batches (the default): the child leaves by _exit(), which runs no destructors; the
# tracer's _exit writes out its batch first: its malloc(4242) is a record (kind 1, size 0x1092)
# of the child's, and the child has a final flush.
LD_PRELOAD="$fork_lib" GOMEMTRACE_BATCH=128 gm_trace "$GM_SCRATCH/tb" -- "$churn" fork >"$GM_SCRATCH/tb.out"
gm_events "$GM_SCRATCH/tb" >"$GM_SCRATCH/tb.ev"
child=$(grep -E 'gomemtrace:alloc_batch: .*= 0x100000000001092[ ,]' "$GM_SCRATCH/tb.ev" \
	| sed -E 's/.*vpid = ([0-9]+),.*/\1/' | head -1)
[ -n "$child" ] || gm_fail "batched: the child's malloc(4242) is not in a batch (lost at _exit?)"
grep -qE "gomemtrace:flush: .*vpid = $child,.*final = 1, unflushed = 0" "$GM_SCRATCH/tb.ev" \
	|| grep -qE "vpid = $child,.*gomemtrace:flush: .*final = 1, unflushed = 0" "$GM_SCRATCH/tb.ev" \
	|| gm_fail "batched: no final flush of the child ($child)"
# vfork() children that _exit() share the parent's memory: the tracer's _exit must not flush
# or finish anything there (the parent's final flush would be gone). The parent's last block
# (5555 bytes, kept) must be in its report, with its final flush.
GOMEMTRACE_BATCH=128 gm_trace "$GM_SCRATCH/tv" -- "$churn" vfork >"$GM_SCRATCH/tv.out"
grep -q 'vfork ok' "$GM_SCRATCH/tv.out" || gm_fail "vfork: $(cat "$GM_SCRATCH/tv.out")"
gm_events "$GM_SCRATCH/tv" >"$GM_SCRATCH/tv.ev"
[ "$(grep -cE 'gomemtrace:flush: .*final = 1' "$GM_SCRATCH/tv.ev")" -eq 1 ] \
	|| gm_fail "vfork: not exactly one final flush (a vfork child took the parent's?)"
grep -qE 'gomemtrace:alloc_batch: .*= 0x1000000000015B3[ ,]' "$GM_SCRATCH/tv.ev" \
	|| gm_fail "vfork: the parent's kept malloc(5555) is not in a batch"
echo "PASS: robust_fork"
