#!/usr/bin/env bash
# 64 threads churning malloc/realloc/free: nothing lost, nothing invented, same output.
. "$(dirname "$0")/lib.sh"
churn="$GM_TOP_BUILDDIR/tests/data/robust/churn"
N=64 ITER=300

"$churn" threads $N $ITER >"$GM_SCRATCH/plain.out"
gm_trace "$GM_SCRATCH/trace" -- "$churn" threads $N $ITER >"$GM_SCRATCH/traced.out"
diff -u "$GM_SCRATCH/plain.out" "$GM_SCRATCH/traced.out" || gm_fail "traced output differs"
gm_events "$GM_SCRATCH/trace" | grep 'procname = "churn"' >"$GM_SCRATCH/ev.txt"
ev="$GM_SCRATCH/ev.txt"
want=$((N * ITER))
reallocs=$(gm_count "$ev" 'gomemtrace:realloc: ')
[ "$reallocs" -eq "$want" ] || gm_fail "expected $want realloc events, found $reallocs"
threads=$(grep -oE 'vtid = [0-9]+' "$ev" | sort -u | wc -l)
[ "$threads" -ge "$N" ] || gm_fail "events from $threads threads, expected >= $N"
# every block reallocated in the loop is freed: frees >= reallocs
frees=$(gm_count "$ev" 'gomemtrace:free: ')
[ "$frees" -ge "$want" ] || gm_fail "expected >= $want frees, found $frees"
echo "PASS: robust_threads ($reallocs reallocs from $threads threads)"
