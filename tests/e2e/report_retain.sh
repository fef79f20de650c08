#!/usr/bin/env bash
# `gomemtrace report` on a dropped 256 MiB Go heap spike kept retained (no FreeOSMemory;
# tests/data/report/retain): a scavenger_retention finding with >= 128 MiB, final
# go_heap_free_retained >= 128 MiB, and releases by trigger are non-negative numbers that
# sum to at most what was mapped. Oldest and newest Go version of GM_GO_VERSIONS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
src="$GM_TOP_SRCDIR/tests/data/report/retain"
set -- $GM_GO_VERSIONS
vers="$1"; [ $# -gt 1 ] && vers="$1 ${!#}"
for v in $vers; do
	bin="$GM_SCRATCH/retain-$v"
	gm_go_build "$v" "$src" "$bin"
	t="$GM_SCRATCH/t-$v"
	gm_trace "$t" -- "$bin" >"$GM_SCRATCH/out" || gm_fail "Go $v: exit $?"
	gm_report --format json -o "$GM_SCRATCH/r.json" "$t" || gm_fail "Go $v: report failed"
	gm_proc_json "$GM_SCRATCH/r.json" "$bin" >"$GM_SCRATCH/p.json" || gm_fail "Go $v: process not in the report"
	jq -e '[.findings[] | select(.kind == "scavenger_retention" and .bytes >= 134217728)] | length == 1' \
		"$GM_SCRATCH/p.json" >/dev/null || gm_fail "Go $v: no scavenger_retention: $(jq -c '.findings, .final' "$GM_SCRATCH/p.json")"
	jq -e '.final.go_heap_free_retained >= 134217728 and .final.go_heap_in_use < 67108864' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: final Go figures wrong: $(jq -c .final "$GM_SCRATCH/p.json")"
	jq -e '.releases | (.background >= 0 and .free_os_memory == 0 and .madv_dontneed + .madv_free
		== .background + .free_os_memory + .allocation + .other)' "$GM_SCRATCH/p.json" >/dev/null \
		|| gm_fail "Go $v: releases inconsistent: $(jq -c .releases "$GM_SCRATCH/p.json")"
	gm_note "Go $v: $(jq -c '{final: .final.go_heap_free_retained, releases}' "$GM_SCRATCH/p.json")"
done
echo "PASS: report_retain"
