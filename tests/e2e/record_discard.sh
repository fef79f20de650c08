#!/usr/bin/env bash
# Lost events are reported, never silently absorbed: tiny buffers (--subbuf-size 4k
# --num-subbuf 2) and a malloc storm make the ring buffer discard; record prints the count
# (> 0) on stderr and in gomemtrace-record.txt, and babeltrace2 sees discards in the trace too.
. "$(dirname "$0")/lib.sh"
gm_sessiond
vers=($GM_GO_VERSIONS); v=${vers[${#vers[@]}-1]}
bin="$GM_SCRATCH/cgoleak"
gm_go_build "$v" "$GM_TOP_SRCDIR/examples/cgoleak" "$bin"
t="$GM_SCRATCH/t"
rc=0
"$GM_TOOL" record -q -o "$t" --subbuf-size 4k --num-subbuf 2 -- "$bin" -rounds 2 -per-round 20000 -pause 1ms \
	>"$t.out" 2>"$t.err" || rc=$?
[ $rc -eq 0 ] || gm_fail "record exited $rc: $(cat "$t.err")"
n=$(sed -nE 's/^gomemtrace record: WARNING: ([0-9]+) events discarded.*/\1/p' "$t.err")
[ -n "$n" ] && [ "$n" -gt 0 ] || gm_fail "no discarded-events count on stderr: $(cat "$t.err")"
grep -qx "discarded_events=$n" "$t/gomemtrace-record.txt" || gm_fail "discarded_events=$n not in gomemtrace-record.txt"
GM_ALLOW_DISCARDS=1 gm_events "$t" >/dev/null
grep -qi 'discarded' "$GM_SCRATCH/bt2.err" || gm_fail "babeltrace2 sees no discarded events"
gm_note "record reported $n discarded events"
echo "PASS: record_discard"
