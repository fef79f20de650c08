#!/usr/bin/env bash
# dlopen/dlclose under the preload (with liblttng-ust-dl.so): the program works, and the
# library loads are in the trace for the reader to map addresses.
. "$(dirname "$0")/lib.sh"
churn="$GM_TOP_BUILDDIR/tests/data/robust/churn"
dl_lib=$(gm_ust_lib liblttng-ust-dl.so)

"$churn" dlopen libm.so.6 >"$GM_SCRATCH/plain.out"
LD_PRELOAD="$dl_lib" gm_trace "$GM_SCRATCH/trace" -- "$churn" dlopen libm.so.6 >"$GM_SCRATCH/traced.out"
diff -u "$GM_SCRATCH/plain.out" "$GM_SCRATCH/traced.out" || gm_fail "traced output differs"
gm_events "$GM_SCRATCH/trace" >"$GM_SCRATCH/ev.txt"
loads=$(gm_count "$GM_SCRATCH/ev.txt" 'lttng_ust_lib:load: .*libm\.so\.6')
[ "$loads" -ge 1 ] || gm_fail "no lttng_ust_lib:load event for libm"
echo "PASS: robust_dlopen ($loads loads)"
