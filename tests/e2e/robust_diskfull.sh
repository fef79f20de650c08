#!/usr/bin/env bash
# The trace directory's filesystem full (a 256 KiB tmpfs, every allocation recorded as an event
# of its own, ~500 KiB of them): the
# program is not affected (its LEAK lines all there, its exit status returned), record says the
# filesystem is full, and the reader reads what was written without a crash. A recording after
# it, elsewhere, works (the session daemon is not left broken).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
gm_sessiond
v=$(echo $GM_GO_VERSIONS | awk '{ print $NF }')
bin="$GM_SCRATCH/steadyleak"
gm_go_build "$v" "$GM_TOP_SRCDIR/examples/steadyleak" "$bin"
small="$GM_SCRATCH/small"
mkdir -p "$small"
mount -t tmpfs -o size=256k gm-small "$small" || gm_skip "cannot mount a tmpfs (not root?)"
trap 'umount "$small" 2>/dev/null || umount -l "$small" 2>/dev/null || true; gm_cleanup' EXIT

rc=0
GOMEMTRACE_BATCH=0 "$GM_TOOL" record -o "$small/trace" -- "$bin" -for 2s -every 1ms -ring 64 -log "$GM_SCRATCH/leak.log" \
	2>"$GM_SCRATCH/err" || rc=$?
[ $rc -eq 0 ] || gm_fail "record exited $rc, want the program's 0: $(cat "$GM_SCRATCH/err")"
grep -q "WARNING: the filesystem of $small/trace is full" "$GM_SCRATCH/err" || gm_fail "record does not say the filesystem is full: $(cat "$GM_SCRATCH/err")"
n=$(wc -l <"$GM_SCRATCH/leak.log"); last=$(tail -1 "$GM_SCRATCH/leak.log")
[ "$n" -gt 100 ] && [ "${last##*bytes=}" -eq $((n * 16384)) ] || gm_fail "the program's log is off: $n lines, last '$last'"
if [ -d "$small/trace/ust" ]; then
	rc=0; timeout 120 "$GM_TOOL" report "$small/trace" >"$GM_SCRATCH/report.txt" 2>"$GM_SCRATCH/report.err" || rc=$?
	[ $rc -le 1 ] || gm_fail "report of the cut trace exited $rc: $(cat "$GM_SCRATCH/report.err")"
fi
# the session daemon still records
"$GM_TOOL" record -q -o "$GM_SCRATCH/after" -- "$bin" -for 300ms -log /dev/null || gm_fail "a recording after the full disk failed"
gm_report --format json -o "$GM_SCRATCH/after.json" "$GM_SCRATCH/after" || gm_fail "its report failed"
gm_note "cut trace: $(du -sk "$small/trace" | cut -f1) KiB; record said: $(grep -c . "$GM_SCRATCH/err") lines"
echo "PASS: robust_diskfull (Go $v)"
