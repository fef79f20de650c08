#!/usr/bin/env bash
# fork() without exec: the child keeps running the preload; with liblttng-ust-fork.so its
# events reach the trace under its own vpid; the parent is unaffected.
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
echo "PASS: robust_fork"
