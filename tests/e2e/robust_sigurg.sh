#!/usr/bin/env bash
# Go's preemption signals (SIGURG) land while threads are inside the hooks (cgo malloc/free
# loops beside spinning goroutines): the traced program must neither crash nor hang.
. "$(dirname "$0")/lib.sh"
for v in $GM_GO_VERSIONS; do
	gm_go_build "$v" "$GM_TOP_SRCDIR/tests/data/robust/sigurg" "$GM_SCRATCH/sigurg-$v"
	"$GM_SCRATCH/sigurg-$v" >"$GM_SCRATCH/plain.out"
	GM_SUBBUF=256K GM_ALLOW_DISCARDS=1 timeout 60 bash -c '. "$0"; gm_trace "$1" -- "$2"' \
		"$(dirname "$0")/lib.sh" "$GM_SCRATCH/trace-$v" "$GM_SCRATCH/sigurg-$v" >"$GM_SCRATCH/traced.out" \
		|| gm_fail "Go $v: traced run failed or hung (rc=$?)"
	diff -u "$GM_SCRATCH/plain.out" "$GM_SCRATCH/traced.out" || gm_fail "Go $v: output differs"
done
echo "PASS: robust_sigurg"
