#!/usr/bin/env bash
# No LTTng session at all: the preloaded program behaves exactly as the plain one, C and Go.
. "$(dirname "$0")/lib.sh"
churn="$GM_TOP_BUILDDIR/tests/data/robust/churn"
gm_sessiond
for mode in edge "threads 8 200" fork; do
	rc1=0; rc2=0
	"$churn" $mode >"$GM_SCRATCH/plain.out" || rc1=$?
	LD_PRELOAD="$GM_PRELOAD" "$churn" $mode >"$GM_SCRATCH/pre.out" || rc2=$?
	[ $rc1 -eq $rc2 ] || gm_fail "$mode: exit $rc1 untraced, $rc2 preloaded"
	diff -u "$GM_SCRATCH/plain.out" "$GM_SCRATCH/pre.out" || gm_fail "$mode: output differs"
done
go=$(echo $GM_GO_VERSIONS | awk '{print $NF}')
gm_go_build "$go" "$GM_TOP_SRCDIR/tests/data/robust/sigurg" "$GM_SCRATCH/sigurg"
rc1=0; rc2=0
"$GM_SCRATCH/sigurg" >"$GM_SCRATCH/plain.out" || rc1=$?
LD_PRELOAD="$GM_PRELOAD" "$GM_SCRATCH/sigurg" >"$GM_SCRATCH/pre.out" || rc2=$?
[ $rc1 -eq $rc2 ] || gm_fail "Go: exit $rc1 untraced, $rc2 preloaded"
diff -u "$GM_SCRATCH/plain.out" "$GM_SCRATCH/pre.out" || gm_fail "Go output differs"
echo "PASS: robust_nosession"
