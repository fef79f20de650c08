#!/usr/bin/env bash
# The buffer budget of `gomemtrace record` (tools/bufplan.c; docs/production.md, "Footprint"):
# LTTng maps every per-CPU buffer of the session into the traced process, so record sizes them
# from a total budget over the machine's possible CPUs. examples/cgoleak (newest Go of
# GM_GO_VERSIONS), recorded
#  - sampled (the default): record says the buffers' size at start, at most 8 MiB, and the
#    traced process's RssShmem (the report's final.shmem, read by the tracer from
#    /proc/self/status) stays within it; no event discarded;
#  - full (--sample-bytes 0): the full-mode budget (256 MiB), said at start, RssShmem within it;
#  - --buffer-budget 4k: less than the smallest buffers that hold the tracer's events: a
#    warning says so, and the recording still works.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
gm_sessiond
unset GOMEMTRACE_SAMPLE_BYTES # lib.sh's 0 (full mode): the sampled run is record's default
v=${GM_GO_VERSIONS##* }
bin="$GM_SCRATCH/cgoleak"
gm_go_build "$v" "$GM_TOP_SRCDIR/examples/cgoleak" "$bin"
MIB=1048576
# run NAME [record options]: record the program; sets $d
run() {
	local name=$1; shift
	d="$GM_SCRATCH/$name"; mkdir -p "$d"
	local rc=0
	"$GM_TOOL" record -o "$d/trace" --session "gm-footprint-$$-$name" "$@" -- "$bin" -rounds 4 -per-round 50 -pause 5ms \
		>"$d/out" 2>"$d/err" || rc=$?
	[ $rc -eq 0 ] || { cat "$d/err"; gm_fail "$name: record exited $rc"; }
	grep -q '^GOMEMTRACE_TRUTH ' "$d/out" || gm_fail "$name: no ground-truth line"
	gm_report --format json -o "$d/r.json" "$d/trace" || gm_fail "$name: report failed"
	gm_proc_json "$d/r.json" "$bin" >"$d/p.json" || gm_fail "$name: the program is not in the report"
}
# info KEY: a value of gomemtrace-record.txt
info() { sed -n "s/^$1=//p" "$d/trace/gomemtrace-record.txt"; }

run sampled
said=$(grep -E '^gomemtrace record: buffers: [0-9.]+ MiB of shared memory in the traced process \(.*sampled mode\)$' "$d/err") \
	|| gm_fail "sampled: record did not say the buffers' size: $(cat "$d/err")"
bytes=$(info buffer_bytes)
[ "$(info buffer_budget)" = $((8 * MIB)) ] || gm_fail "sampled: budget $(info buffer_budget), want 8 MiB"
[ -n "$bytes" ] && [ "$bytes" -le $((8 * MIB)) ] || gm_fail "sampled: buffers of $bytes bytes, want <= 8 MiB"
shmem=$(jq .final.shmem "$d/p.json")
[ "$shmem" -gt 0 ] && [ "$shmem" -le $((8 * MIB)) ] || gm_fail "sampled: RssShmem $shmem bytes, want (0, 8 MiB]"
[ "$shmem" -le "$bytes" ] || gm_fail "sampled: RssShmem $shmem above the $bytes bytes record said"
grep -qx "gomemtrace record: 0 events discarded" "$d/err" || gm_fail "sampled: events discarded: $(cat "$d/err")"
gm_note "sampled: $said; RssShmem $shmem B; $(info possible_cpus) possible CPUs, subbuf $(info subbuf_size) x $(info num_subbuf)"

run full --sample-bytes 0
grep -qE '^gomemtrace record: buffers: [0-9.]+ MiB .*full mode\)$' "$d/err" || gm_fail "full: record did not say the buffers' size"
bytes=$(info buffer_bytes)
[ "$(info buffer_budget)" = $((256 * MIB)) ] && [ "$bytes" -le $((256 * MIB)) ] || gm_fail "full: budget/buffers $(info buffer_budget)/$bytes"
shmem=$(jq .final.shmem "$d/p.json")
[ "$shmem" -le "$bytes" ] || gm_fail "full: RssShmem $shmem above the buffers' $bytes bytes"
gm_note "full: buffers $bytes B, RssShmem $shmem B"

run tiny --buffer-budget 4k
grep -q '^gomemtrace record: warning: the smallest buffers that hold the tracer.s events exceed --buffer-budget' "$d/err" \
	|| gm_fail "tiny: no over-budget warning: $(cat "$d/err")"
[ "$(info buffer_budget)" = 4096 ] || gm_fail "tiny: budget $(info buffer_budget)"
echo "PASS: record_footprint (Go $v; $(info possible_cpus) possible CPUs)"
