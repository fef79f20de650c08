#!/usr/bin/env bash
# The malloc family's edge cases under the tracer: the program sees exactly what libc answers
# (results and errno), and each call is in the trace with its error.
. "$(dirname "$0")/lib.sh"
churn="$GM_TOP_BUILDDIR/tests/data/robust/churn"

"$churn" edge >"$GM_SCRATCH/plain.out"
gm_trace "$GM_SCRATCH/trace" -- "$churn" edge >"$GM_SCRATCH/traced.out"
diff -u "$GM_SCRATCH/plain.out" "$GM_SCRATCH/traced.out" || gm_fail "traced output differs"

gm_events "$GM_SCRATCH/trace" >"$GM_SCRATCH/all.txt"
grep 'procname = "churn"' "$GM_SCRATCH/all.txt" >"$GM_SCRATCH/ev.txt"
# The tracer's own threads (lttng-ust's listeners, named "<comm>-ust", and the sampler, named
# "gomemtrace") allocate too, while the session runs: none of it may be reported.
own=$(gm_count "$GM_SCRATCH/all.txt" 'gomemtrace:(malloc|calloc|realloc|free|mmap|munmap): .*procname = "([a-z]*-ust|gomemtrace)"')
[ "$own" -eq 0 ] || gm_fail "$own events from the tracer's own threads were reported as the program's"
# ... and they did run: lttng-ust's listener emitted the statedump
[ "$(gm_count "$GM_SCRATCH/all.txt" 'lttng_ust_statedump:start: .*procname = "churn-ust"')" -ge 1 ] \
	|| gm_fail "no statedump from lttng-ust's listener thread (the check above proves nothing)"
ev="$GM_SCRATCH/ev.txt"
check() { # check DESCRIPTION MIN REGEX
	local n; n=$(gm_count "$ev" "$3")
	[ "$n" -ge "$2" ] || gm_fail "$1: expected >= $2 events matching /$3/, found $n"
}
check "malloc(huge) fails with ENOMEM" 1 'gomemtrace:malloc: .*size = 9223372036854775807, ptr = 0x0, err = 12'
check "calloc overflow fails with ENOMEM" 1 'gomemtrace:calloc: .*nmemb = 9223372036854775807, size = 4, ptr = 0x0, err = 12'
check "realloc(NULL, 100)" 1 'gomemtrace:realloc: .*in_ptr = 0x0, nmemb = 1, size = 100, ptr = 0x[1-9A-F]'
check "realloc(p, 0) frees p" 1 'gomemtrace:realloc: .*in_ptr = 0x[1-9A-F][0-9A-F]*, nmemb = 1, size = 0, ptr = 0x0, err = 0'
check "posix_memalign EINVAL" 1 'gomemtrace:posix_memalign: .*align = 3, size = 64, ptr = 0x0, err = 22'
check "posix_memalign ok" 1 'gomemtrace:posix_memalign: .*align = 4096, size = 100, ptr = 0x[1-9A-F][0-9A-F]*000, err = 0'
check "aligned_alloc" 1 'gomemtrace:aligned_alloc: .*align = 64, size = 128'
check "memalign" 1 'gomemtrace:memalign: .*align = 256, size = 10'
check "valloc" 1 'gomemtrace:valloc: .*size = 10'
check "reallocarray overflow" 1 'gomemtrace:reallocarray: .*size = 4, ptr = 0x0, err = 12'
check "mmap 1 MiB" 1 'gomemtrace:mmap: .*len = 1048576, prot = 0x3, flags = 0x22, .*err = 0, origin = 0'
check "madvise DONTNEED" 1 'gomemtrace:madvise: .*len = 1048576, arg = 4, ret = 0, err = 0, origin = 0'
check "madvise bad advice" 1 'gomemtrace:madvise: .*arg = 12345, ret = -1, err = 22'
check "mremap" 1 'gomemtrace:mremap: .*old_len = 1048576, new_len = 2097152'
check "munmap" 1 'gomemtrace:munmap: .*len = 2097152, ret = 0, err = 0'
check "munmap bad" 1 'gomemtrace:munmap: .*addr = 0x1, len = 4096, ret = -1, err = 22'
check "malloc has a stack" 1 'gomemtrace:malloc: .*_stack_length = [1-9]'
# free(NULL) is a no-op and is not reported; every reported free has a non-null pointer
[ "$(gm_count "$ev" 'gomemtrace:free: .*ptr = 0x0,')" -eq 0 ] || gm_fail "free(NULL) was reported"
echo "PASS: robust_edge"
