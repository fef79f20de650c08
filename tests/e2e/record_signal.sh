#!/usr/bin/env bash
# SIGINT or SIGTERM sent to `gomemtrace record` reaches the program (examples/cgoleak -rounds 0,
# which stops cleanly on either and prints its ground truth): record exits with the program's
# status 0, and the trace is complete and readable, the session gone.
. "$(dirname "$0")/lib.sh"
gm_sessiond
vers=($GM_GO_VERSIONS); v=${vers[${#vers[@]}-1]}
bin="$GM_SCRATCH/cgoleak"
gm_go_build "$v" "$GM_TOP_SRCDIR/examples/cgoleak" "$bin"

for sig in INT TERM; do
	s="gm-record-signal-$$-$sig" t="$GM_SCRATCH/t-$sig"
	"$GM_TOOL" record -o "$t" --session "$s" -- "$bin" -rounds 0 -pause 5ms >"$t.out" 2>"$t.err" &
	rec=$!
	# Wait (bounded) until the program says it handles the signals.
	for i in $(seq 300); do
		grep -q 'running until SIGINT or SIGTERM' "$t.err" 2>/dev/null && break
		kill -0 $rec 2>/dev/null || break
		sleep 0.1
	done
	grep -q 'running until SIGINT or SIGTERM' "$t.err" || { kill -KILL $rec; gm_fail "SIG$sig: program did not start: $(cat "$t.err")"; }
	kill -$sig $rec
	rc=0; wait $rec || rc=$?
	[ $rc -eq 0 ] || gm_fail "SIG$sig: record exited $rc: $(cat "$t.err")"
	grep -q '^GOMEMTRACE_TRUTH c_leaked_bytes=[1-9]' "$t.out" || gm_fail "SIG$sig: the program did not stop cleanly"
	grep -q 'trace written to' "$t.err" || gm_fail "SIG$sig: no 'trace written' line"
	sessions=$("$GM_LTTNG" list 2>&1 || true)
	! grep -q "$s" <<<"$sessions" || gm_fail "SIG$sig: session $s left behind"
	pid=$(sed -n 's/^pid=//p' "$t/gomemtrace-record.txt")
	gm_events "$t" >"$t.ev"
	grep -F "{ vpid = $pid," "$t.ev" >"$t.pev" || true
	n=$(gm_count "$t.pev" 'gomemtrace:malloc: .* size = 1024,')
	[ "$n" -gt 0 ] || gm_fail "SIG$sig: no C.malloc(1024) in the trace"
	gm_count "$t.pev" 'gomemtrace:go_exit:' | grep -qx 1 || gm_fail "SIG$sig: no go_exit event: the trace is not complete"
	gm_note "SIG$sig: $n C.malloc(1024) events, exit $rc"
done
echo "PASS: record_signal"
