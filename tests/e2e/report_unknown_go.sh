#!/usr/bin/env bash
# An unknown Go never gives wrong or empty answers (docs/design.md, "Stacks"). The leak program
# of report_leak.sh (tests/data/report/cgoleak: 40 x 64 KiB under main.leakC), built with the
# newest Go of GM_GO_VERSIONS, in two patched copies:
#  - go1.99: every "go1.NN.P" version string in the binary (.go.buildinfo, runtime.buildVersion)
#    turned into "go1.99.P": the report warns that this Go is newer than any gomemtrace knows,
#    and still names main.leakC (the g/m layout is decoded from the runtime's code, not looked
#    up by version);
#  - a wrong layout: the m.curg displacement of runtime.cgocallback's `mov m_curg(%rbx),%rsi`
#    (never run by this program: no C-to-Go callback) changed by 8, on top of go1.99, so the
#    decoded layout is wrong and no table applies: every hop to a goroutine fails validation
#    (curg.m != m); the report warns of the refused hops and of truncated stacks, and still has
#    the cgo_leak finding with every leaked byte, its suspects marked truncated.
# Both copies behave as the original (same output, status 0).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
src="$GM_TOP_SRCDIR/tests/data/report/cgoleak"
leak=2621440
v=${GM_GO_VERSIONS##* }
bin="$GM_SCRATCH/cgoleak-$v"
gm_go_build "$v" "$src" "$bin"
ver=$("$(gm_go "$v")" version "$bin" | awk '{ print $2 }') # go1.NN.P
patch=${ver/#go1.[0-9][0-9]/go1.99}
[ ${#patch} = ${#ver} ] || gm_fail "cannot patch $ver to the same length ($patch)"

# gm_patch IN OUT OLD NEW COUNT_WANT: replace the bytes OLD (hex digits) by NEW everywhere;
# fails unless there were COUNT_WANT of them (0 = any, at least one).
gm_hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
gm_patch() {
	local n
	n=$(perl -e 'my ($i, $o, $a, $b) = @ARGV; $a = pack("H*", $a); $b = pack("H*", $b);
		open(F, "<:raw", $i) or die; local $/; my $d = <F>;
		my $n = () = $d =~ /\Q$a\E/g; $d =~ s/\Q$a\E/$b/g; open(G, ">:raw", $o) or die; print G $d; print $n;' \
		"$1" "$2" "$3" "$4") || gm_fail "patching $1 failed"
	chmod +x "$2"
	[ "$n" -ge 1 ] || gm_fail "$1: no $3 to patch"
	[ "$5" = 0 ] || [ "$n" = "$5" ] || gm_fail "$1: $n copies of $3, want $5"
}
gm_patch "$bin" "$bin-99" "$(gm_hex "$ver")" "$(gm_hex "$patch")" 0
[ "$("$(gm_go "$v")" version "$bin-99" | awk '{ print $2 }')" = "$patch" ] || gm_fail "the patched binary does not say $patch"
# mov 0xb8(%rbx),%rsi; mov %rsi,%fs:... (m.curg of Go 1.25-1.27; 0xc0 before)
case $v in 1.19|1.2[0-4]) curg=c0 bad=c8 ;; *) curg=b8 bad=c0 ;; esac
gm_patch "$bin-99" "$bin-bad" "488bb3${curg}000000644889" "488bb3${bad}000000644889" 1

"$bin" 1200ms >"$GM_SCRATCH/plain.out" || gm_fail "the original exits $?"
for kind in 99 bad; do
	t="$GM_SCRATCH/t-$kind"
	gm_trace "$t" -- "$bin-$kind" 1200ms >"$GM_SCRATCH/$kind.out" || gm_fail "$kind: exit $?"
	diff -q "$GM_SCRATCH/plain.out" "$GM_SCRATCH/$kind.out" >/dev/null || gm_fail "$kind: output differs from the original's"
	gm_report --format json -o "$GM_SCRATCH/r-$kind.json" "$t" || gm_fail "$kind: report failed"
	gm_proc_json "$GM_SCRATCH/r-$kind.json" "$bin-$kind" >"$GM_SCRATCH/p-$kind.json" || gm_fail "$kind: process not in the report"
	jq -e --arg p "$patch" '.go_version == $p' "$GM_SCRATCH/p-$kind.json" >/dev/null || gm_fail "$kind: go_version is not $patch"
	jq -e --arg p "$patch" 'any(.warnings[]; contains($p + " is newer than the newest Go"))' "$GM_SCRATCH/r-$kind.json" >/dev/null \
		|| gm_fail "$kind: no warning about $patch: $(jq -c .warnings "$GM_SCRATCH/r-$kind.json")"
	jq -e '.findings[0].kind == "cgo_leak" and .findings[0].bytes >= 5767168' "$GM_SCRATCH/p-$kind.json" >/dev/null \
		|| gm_fail "$kind: no cgo_leak finding of the whole leak: $(jq -c .findings "$GM_SCRATCH/p-$kind.json")"
	jq -e '.final.go_heap_in_use > 0' "$GM_SCRATCH/p-$kind.json" >/dev/null || gm_fail "$kind: no Go heap figures"
done
# go1.99: the layout is decoded, the stacks are whole
got=$(jq '[.leak_suspects[] | select(any(.frames[]; .function == "main.leakC"))] | .[0].bytes // 0' "$GM_SCRATCH/p-99.json")
[ "$got" = $leak ] || gm_fail "go1.99: suspects under main.leakC hold $got bytes, want $leak"
jq -e 'all(.leak_suspects[]; .truncated == false)' "$GM_SCRATCH/p-99.json" >/dev/null || gm_fail "go1.99: truncated suspects"
jq -e 'any(.warnings[]; contains("refused"))' "$GM_SCRATCH/r-99.json" >/dev/null && gm_fail "go1.99: hops refused"
# the wrong layout: refused hops, truncated suspects holding the leak, no Go caller invented
jq -e 'any(.warnings[]; contains("refused") and contains("hop"))' "$GM_SCRATCH/r-bad.json" >/dev/null \
	|| gm_fail "wrong layout: no warning of refused hops: $(jq -c .warnings "$GM_SCRATCH/r-bad.json")"
jq -e 'any(.warnings[]; contains("truncated at the cgo boundary"))' "$GM_SCRATCH/r-bad.json" >/dev/null \
	|| gm_fail "wrong layout: no warning of truncated stacks"
jq -e '([.leak_suspects[] | select(.truncated)] | length) >= 1 and
	([.leak_suspects[] | select(any(.frames[]; .function == "main.leakC"))] | length) == 0' "$GM_SCRATCH/p-bad.json" >/dev/null \
	|| gm_fail "wrong layout: suspects not marked truncated, or a Go caller named: $(jq -c '[.leak_suspects[] | {bytes, truncated}]' "$GM_SCRATCH/p-bad.json")"
jq -e --argjson l $leak '[.leak_suspects[] | select(.truncated) | .bytes] | add >= $l' "$GM_SCRATCH/p-bad.json" >/dev/null \
	|| gm_fail "wrong layout: truncated suspects hold less than the leak"
echo "PASS: report_unknown_go ($patch: decoded layout, whole stacks; wrong layout: refused hops, truncated suspects)"
