#!/usr/bin/env bash
# The tracer's own threads never report: lttng-ust's listener threads (named "<comm>-ust")
# allocate ring buffers and protocol state when a session starts while the program runs;
# the sampler thread ("gomemtrace") parses /proc. A session started late, on a running
# program, must show the program's allocations and none of theirs.
. "$(dirname "$0")/lib.sh"
churn="$GM_TOP_BUILDDIR/tests/data/robust/churn"
gm_sessiond
LD_PRELOAD="$GM_PRELOAD" GOMEMTRACE_SAMPLE_MS=100 "$churn" threads 1 100000000 >/dev/null &
pid=$!
sleep 0.5
GM_SUBBUF=64K gm_session_start "$GM_SCRATCH/trace"
sleep 0.5
gm_session_stop
kill "$pid"; wait "$pid" 2>/dev/null || true
GM_ALLOW_DISCARDS=1 gm_events "$GM_SCRATCH/trace" | grep "vpid = $pid," >"$GM_SCRATCH/ev.txt" || true
prog=$(gm_count "$GM_SCRATCH/ev.txt" 'gomemtrace:(malloc|realloc|free): .*procname = "churn"')
[ "$prog" -gt 1000 ] || gm_fail "only $prog allocation events from the program itself"
own=$(gm_count "$GM_SCRATCH/ev.txt" 'gomemtrace:(malloc|calloc|realloc|free|mmap|munmap|mprotect|posix_memalign|aligned_alloc|memalign): .*procname = "(churn-ust|gomemtrace)"')
[ "$own" -eq 0 ] || gm_fail "$own events from the tracer's own threads reported as the program's"
echo "PASS: robust_ownthreads ($prog program events, 0 from the tracer's threads)"
