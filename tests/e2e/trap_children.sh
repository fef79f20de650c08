#!/usr/bin/env bash
# Children of a traced program:
#  - exec: os/exec runs the same (non-PIE, so same runtime.madvise address) binary with a
#    scrubbed environment (no LD_PRELOAD): it releases memory and exits 3 normally, and
#    leaves no events (the patch did not survive execve; nothing else followed it);
#  - exec-env: the same child with the environment kept (LD_PRELOAD included) is traced:
#    its own process shows up with the runtime's madvise and its go_exit 3;
#  - fork: a C fork()ed child (which inherits the patch and the handler) mallocs, writes and
#    exits 7; the parent sees it and goes on recording.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trap_common.sh"

for v in $GM_GO_VERSIONS; do
	bin=$(trap_build "$v")
	trap_run "exec-$v" "$bin" exec
	grep -qx 'exec: child said "release: done\\n", status 3' "$GM_SCRATCH/exec-$v.traced.out" \
		|| gm_fail "Go $v exec: the child did not run normally"
	pids=$(grep -oE 'gomemtrace:[a-z_]+: .*vpid = [0-9]+' "$GM_SCRATCH/exec-$v.ev" \
		| sed -E 's/.*vpid = //' | sort -u | wc -l)
	[ "$pids" = 1 ] || gm_fail "Go $v exec: events from $pids processes, expected 1"
	[ "$(trap_go_exit "$GM_SCRATCH/exec-$v.ev")" = 0 ] || gm_fail "Go $v exec: go_exit is not 0"

	trap_run "execenv-$v" "$bin" exec-env
	grep -qx 'exec: child said "release: done\\n", status 3' "$GM_SCRATCH/execenv-$v.traced.out" \
		|| gm_fail "Go $v exec-env: the child did not run normally"
	pids=$(grep -oE 'gomemtrace:[a-z_]+: .*vpid = [0-9]+' "$GM_SCRATCH/execenv-$v.ev" \
		| sed -E 's/.*vpid = //' | sort -u | wc -l)
	[ "$pids" = 2 ] || gm_fail "Go $v exec-env: events from $pids processes, expected 2 (parent and traced child)"
	grep -E 'gomemtrace:go_exit: .*status = 3' "$GM_SCRATCH/execenv-$v.ev" >/dev/null \
		|| gm_fail "Go $v exec-env: the traced child's go_exit 3 is missing"
	grep -E 'gomemtrace:madvise: .*origin = 1' "$GM_SCRATCH/execenv-$v.ev" | grep -oE 'vpid = [0-9]+' \
		| sort -u | wc -l | grep -qx 2 || gm_fail "Go $v exec-env: not both processes have runtime madvise events"

	trap_run "fork-$v" "$bin" fork
	grep -qx 'fork: child status 7' "$GM_SCRATCH/fork-$v.traced.out" || gm_fail "Go $v fork: child status"
	grep -qE 'gomemtrace:madvise: .*origin = 1' "$GM_SCRATCH/fork-$v.ev" \
		|| gm_fail "Go $v fork: no madvise from the Go runtime in the trace"
	gm_note "Go $v: exec and fork children fine"
done
echo "PASS: trap_children"
