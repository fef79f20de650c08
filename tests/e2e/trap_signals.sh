#!/usr/bin/env bash
# The Go trap owns SIGTRAP, and nobody notices:
#  - notify: signal.Notify(SIGTRAP) and a C kill(getpid(), SIGTRAP): the notification arrives
#    (kill, not raise: Go 1.19 treats only SI_USER, not SI_TKILL, as sent by a user);
#  - chandler: C code installs its own SIGTRAP handler with sigaction, then signal(); raise()
#    reaches it, and sigaction reports it back as installed;
#  - int3: a SIGTRAP that is not the tracer's (int3 in C code) makes the runtime throw, exit
#    status 2, as untraced (the runtime's exit from inside its handler is trapped again);
# each with the same stdout and exit status as untraced, and the trap still recording madvise.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trap_common.sh"

for v in $GM_GO_VERSIONS; do
	bin=$(trap_build "$v")
	for mode in notify chandler; do
		trap_run "$mode-$v" "$bin" "$mode"
		grep -qE 'gomemtrace:madvise: .*origin = 1' "$GM_SCRATCH/$mode-$v.ev" \
			|| gm_fail "Go $v $mode: no madvise from the Go runtime in the trace"
		[ "$(trap_go_exit "$GM_SCRATCH/$mode-$v.ev")" = 0 ] || gm_fail "Go $v $mode: go_exit is not 0"
		gm_note "Go $v $mode: $(tr '\n' ' ' <"$GM_SCRATCH/$mode-$v.traced.out")"
	done
	trap_run "int3-$v" "$bin" int3
	[ "$(cat "$GM_SCRATCH/int3-$v.traced.rc")" = 2 ] || gm_fail "Go $v int3: exit status is not 2"
	grep -q 'SIGTRAP: trace trap' "$GM_SCRATCH/int3-$v.traced.err" || gm_fail "Go $v int3: no runtime throw"
	[ "$(trap_go_exit "$GM_SCRATCH/int3-$v.ev")" = 2 ] || gm_fail "Go $v int3: go_exit is not 2"
done
echo "PASS: trap_signals"
