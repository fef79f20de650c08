#!/usr/bin/env bash
# A user who can reach no session daemon (not root, not in the tracing group, no writable
# home for a per-user daemon) gets one clear line and exit 125; the program is not run.
. "$(dirname "$0")/lib.sh"
command -v runuser >/dev/null || gm_fail "runuser (util-linux) is missing"
marker="$GM_SCRATCH/ran"
chmod 755 "$GM_SCRATCH"
rc=0
runuser -u nobody -- env HOME=/nonexistent "$GM_TOOL" record -o "$GM_SCRATCH/t" -- /bin/sh -c "touch $marker" \
	>"$GM_SCRATCH/out" 2>"$GM_SCRATCH/err" || rc=$?
[ $rc -eq 125 ] || { cat "$GM_SCRATCH/err"; gm_fail "exit $rc, expected 125"; }
grep -q "tracing' group" "$GM_SCRATCH/err" || { cat "$GM_SCRATCH/err"; gm_fail "no hint about root or the tracing group"; }
[ ! -e "$marker" ] || gm_fail "the program ran without a session"
[ ! -s "$GM_SCRATCH/out" ] || gm_fail "stdout is not empty"
echo "PASS: record_noperm"
