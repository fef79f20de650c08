#!/usr/bin/env bash
# A program whose ELF section headers were removed (e_shoff, e_shnum, e_shstrndx zeroed: the
# loader and the Go runtime need none; some packers and hardening tools do this) runs unchanged
# under the tracer; the Go trap finds its syscall sites without them (.gopclntab and the build
# info found by scanning the segments, cgo told by the build info's CGO_ENABLED=1 of a
# dynamically linked Go program); the report's cgo leak is the program's own count, its top
# suspect symbolized. For the oldest and the newest Go of GM_GO_VERSIONS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
gm_sessiond
vs=$(echo $GM_GO_VERSIONS | awk '{ print $1; if (NF > 1) print $NF }')

# noshdr FILE: zero the section header fields of an ELF64 little-endian header
noshdr() {
	printf '\0\0\0\0\0\0\0\0' | dd of="$1" bs=1 seek=40 conv=notrunc status=none
	printf '\0\0\0\0' | dd of="$1" bs=1 seek=60 conv=notrunc status=none
}

for v in $vs; do
	d="$GM_SCRATCH/go$v"; mkdir -p "$d"
	gm_go_build "$v" "$GM_TOP_SRCDIR/examples/steadyleak" "$d/full"
	cp "$d/full" "$d/bin"; noshdr "$d/bin"
	readelf -S "$d/bin" 2>&1 | grep -q "no sections" || gm_fail "go$v: the section headers are still there"
	"$d/bin" -for 200ms -ring 0 -log "$d/plain.log" || gm_fail "go$v: the program does not run without section headers"
	rc=0; "$GM_TOOL" record -q -o "$d/trace" -- "$d/bin" -for 1s -ring 0 -log "$d/leak.log" 2>"$d/err" || rc=$?
	[ $rc -eq 0 ] || gm_fail "go$v: record exited $rc: $(cat "$d/err")"
	n=$(wc -l <"$d/leak.log"); last=$(tail -1 "$d/leak.log")
	[ "$n" -gt 20 ] && [ "${last##*bytes=}" -eq $((n * 16384)) ] || gm_fail "go$v: the program's log is off under the tracer: $n lines, '$last'"
	gm_events "$d/trace" >"$d/events.txt"
	grep -q 'gomemtrace:trap_status: .*state = 1,' "$d/events.txt" \
		|| gm_fail "go$v: the Go trap is not armed: $(grep trap_status "$d/events.txt" | head -2)"
	gm_report --format json -o "$d/r.json" "$d/trace" || gm_fail "go$v: report failed"
	p=$(gm_proc_json "$d/r.json" "$d/bin") || gm_fail "go$v: the program is not in the report"
	got=$(echo "$p" | jq '[.findings[] | select(.kind == "cgo_leak") | .bytes] | add // 0')
	want=${last##*bytes=}
	awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= 0.05 * w) }' \
		|| gm_fail "go$v: cgo_leak $got bytes, the program leaked $want"
	echo "$p" | jq -e '.leak_suspects[0].frames | map(.function) | index("main.main") != null' >/dev/null \
		|| gm_fail "go$v: the top suspect's Go frames are not symbolized: $(echo "$p" | jq -c '.leak_suspects[0].frames | map(.function)')"
	gm_note "go$v: trap armed without section headers, leak $got B reported, $want B by the program"
done
echo "PASS: robust_noshdr (Go $(echo $vs))"
