#!/usr/bin/env bash
# The Go trap records the runtime's raw madvise and exit_group. A cgo program grows its heap by
# 320 MiB, drops it and calls debug.FreeOSMemory(), then os.Exit(3). Traced:
#  - stdout and exit status are those of the untraced run;
#  - origin=1 madvise(MADV_DONTNEED=4) events add up to at least what the runtime itself says it
#    released in that window (/memory/classes/heap/released:bytes, less a heap growth in the
#    window, which counts as released with no madvise: trap_common.sh), and not much more;
#  - go_exit carries status 3;
#  - with GODEBUG=madvdontneed=0 the advice is MADV_FREE (8) instead;
#  - with GOMEMTRACE_GO_TRAP=0 there is no origin=1 event at all (and still the same output).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trap_common.sh"

MiB=$((1 << 20))
for v in $GM_GO_VERSIONS; do
	bin=$(trap_build "$v")

	trap_run "rel-$v" "$bin" release
	ev="$GM_SCRATCH/rel-$v.ev"
	[ "$(cat "$GM_SCRATCH/rel-$v.traced.rc")" = 3 ] || gm_fail "Go $v: exit status is not 3"
	delta=$(trap_released "$GM_SCRATCH/rel-$v.traced.err")
	[ -n "$delta" ] && [ "$delta" -ge $((200 * MiB)) ] || gm_fail "Go $v: the runtime released only '$delta' bytes"
	read -r n sum <<<"$(trap_madvise_sum "$ev" 4)"
	gm_note "Go $v: runtime released $delta B; trace: $n madvise(DONTNEED) from Go, $sum B"
	[ "$sum" -ge "$delta" ] || gm_fail "Go $v: traced DONTNEED total $sum < released $delta"
	[ "$sum" -le $((delta + 32 * MiB)) ] || gm_fail "Go $v: traced DONTNEED total $sum >> released $delta"
	grep -qE 'gomemtrace:madvise: .*origin = 1, _stack_length' "$ev" || gm_fail "Go $v: no stack field"
	[ "$(trap_go_exit "$ev")" = 3 ] || gm_fail "Go $v: go_exit is '$(trap_go_exit "$ev" | tr '\n' ' ')', not 3"

	trap_run "free-$v" "$bin" release GODEBUG=madvdontneed=0
	ev="$GM_SCRATCH/free-$v.ev"
	delta=$(trap_released "$GM_SCRATCH/free-$v.traced.err")
	read -r n8 sum8 <<<"$(trap_madvise_sum "$ev" 8)"
	read -r n4 sum4 <<<"$(trap_madvise_sum "$ev" 4)"
	gm_note "Go $v madvdontneed=0: $n8 madvise(FREE) $sum8 B, $n4 DONTNEED"
	[ "$sum8" -ge "$delta" ] || gm_fail "Go $v: traced MADV_FREE total $sum8 < released $delta"
	[ "$n4" = 0 ] || gm_fail "Go $v: madvdontneed=0 but $n4 MADV_DONTNEED events"

	trap_run "off-$v" "$bin" release GOMEMTRACE_GO_TRAP=0
	ev="$GM_SCRATCH/off-$v.ev"
	grep -q gomemtrace: "$ev" || gm_fail "Go $v: GOMEMTRACE_GO_TRAP=0 run left no events at all"
	! grep -qE 'origin = 1' "$ev" || gm_fail "Go $v: GOMEMTRACE_GO_TRAP=0 but origin=1 events"
	! grep -q 'gomemtrace:go_exit' "$ev" || gm_fail "Go $v: GOMEMTRACE_GO_TRAP=0 but go_exit"
done
echo "PASS: trap_madvise"
