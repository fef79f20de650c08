#!/usr/bin/env bash
# The container's view: a program recorded inside a memory cgroup of its own (created here:
# cgroup v2 memory.max, or v1 memory.limit_in_bytes) with a 200 MiB limit leaks 180 blocks of
# 1 MiB (examples/steadyleak -n: a count, not a time); the report shows the cgroup's memory
# beside RSS with the limit, memory.stat's parts, the processes in it, and a cgroup_near_limit
# finding (within 10 % of the limit). The same program in a cgroup without a limit: limit
# "none", no such finding. Sampled mode (the default), so that LTTng's shared ring buffers,
# charged to the cgroup whose process touches them, stay small.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
gm_sessiond
unset GOMEMTRACE_SAMPLE_BYTES
v=$(echo $GM_GO_VERSIONS | awk '{ print $NF }')
bin="$GM_SCRATCH/steadyleak"
gm_go_build "$v" "$GM_TOP_SRCDIR/examples/steadyleak" "$bin"

# a memory cgroup of our own: v2 when the unified hierarchy has the memory controller, else v1
if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
	root=/sys/fs/cgroup limitf=memory.max
	grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || echo +memory >/sys/fs/cgroup/cgroup.subtree_control
elif [ -d /sys/fs/cgroup/memory ]; then
	root=/sys/fs/cgroup/memory limitf=memory.limit_in_bytes
else
	gm_fail "no memory cgroup hierarchy (neither v2 with the memory controller nor v1 /sys/fs/cgroup/memory)"
fi
CGS=()
gm_cg_cleanup() {
	local c
	for c in "${CGS[@]}"; do
		[ -d "$c" ] || continue
		while read -r p; do echo "$p" >"$root/cgroup.procs" 2>/dev/null || true; done <"$c/cgroup.procs"
		rmdir "$c" 2>/dev/null || true
	done
	gm_cleanup
}
trap gm_cg_cleanup EXIT

# run_in NAME LIMIT: record the program inside cgroup NAME (LIMIT bytes, or "" for none)
run_in() {
	local cg="$root/gm-e2e-$1-$$" rc=0
	mkdir "$cg" || gm_fail "cannot create the cgroup $cg"
	CGS+=("$cg")
	[ -z "$2" ] || echo "$2" >"$cg/$limitf" || gm_fail "cannot set $limitf"
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" \
		"$GM_TOOL" record -q -o "$GM_SCRATCH/$1" -- "$bin" -n 180 -leak 1048576 -every 5ms -ring 0 -log "$GM_SCRATCH/$1.log" \
		2>"$GM_SCRATCH/$1.err" || rc=$?
	[ $rc -eq 0 ] || gm_fail "$1: record exited $rc: $(cat "$GM_SCRATCH/$1.err")"
	[ "$(wc -l <"$GM_SCRATCH/$1.log")" -eq 180 ] || gm_fail "$1: the program did not leak 180 times"
	gm_report --format json -o "$GM_SCRATCH/$1.json" "$GM_SCRATCH/$1" || gm_fail "$1: report failed"
	p=$(gm_proc_json "$GM_SCRATCH/$1.json" "$bin") || gm_fail "$1: the program is not in the report"
	"$GM_TOOL" report "$GM_SCRATCH/$1" >"$GM_SCRATCH/$1.txt" || gm_fail "$1: text report failed"
}

limit=$((200 * 1024 * 1024))
run_in limited "$limit"
echo "$p" | jq -e --argjson l "$limit" '.cgroup.limit == $l and .cgroup.current > 0 and .cgroup.processes >= 1' >/dev/null \
	|| gm_fail "limited: the cgroup's figures: $(echo "$p" | jq -c .cgroup)"
echo "$p" | jq -e --argjson l "$limit" '.cgroup.peak >= $l * 0.9 and .cgroup.anon >= 150 * 1048576' >/dev/null \
	|| gm_fail "limited: the cgroup did not come near its limit: $(echo "$p" | jq -c .cgroup)"
echo "$p" | jq -e '[.findings[] | select(.kind == "cgroup_near_limit")] | length == 1' >/dev/null \
	|| gm_fail "limited: no cgroup_near_limit finding: $(echo "$p" | jq -c '[.findings[].kind]')"
grep -qE "cgroup memory \(the OOM killer's figure\) +[0-9.]+ MiB  of its limit 200.0 MiB" "$GM_SCRATCH/limited.txt" \
	|| gm_fail "limited: the text report does not show the cgroup beside RSS: $(grep -i cgroup "$GM_SCRATCH/limited.txt")"
gm_note "limited: $(echo "$p" | jq -c .cgroup)"

run_in unlimited ""
echo "$p" | jq -e '.cgroup.limit == "none"' >/dev/null || gm_fail "unlimited: limit $(echo "$p" | jq -c .cgroup.limit)"
echo "$p" | jq -e '[.findings[] | select(.kind == "cgroup_near_limit")] | length == 0' >/dev/null \
	|| gm_fail "unlimited: a cgroup_near_limit finding without a limit"
grep -q "limit: none" "$GM_SCRATCH/unlimited.txt" || gm_fail "unlimited: the text report does not say 'limit: none'"
echo "PASS: report_cgroup (Go $v, cgroup $([ $limitf = memory.max ] && echo v2 || echo v1))"
