#!/usr/bin/env bash
# `gomemtrace diff BASE NEW` on traces made by `gomemtrace record` of tests/data/diff/leaky
# (C churn that frees everything, LEAKY_MIB MiB leaked from main.leakC; -tags leak: 8 MiB more
# from main.leakMore; -tags pad: the same code at other addresses, with another cgo prefix),
# for the oldest and the newest Go of GM_GO_VERSIONS:
#  (a) two builds of the same code (plain and pad; the leak's frames at other addresses, checked
#      in the report's JSON) leaking the same 2 MiB, every allocation recorded: exit 0, the
#      main.leakC stack matched (neither only in NEW nor gone); two sampled runs (the default
#      512 KiB) of one build: exit 0;
#  (b) BASE leaks nothing, NEW is the build that leaks 8 MiB: exit 1, the stack only in NEW
#      names main.leakMore with 8 MiB (text, markdown, JSON); the pad build leaking 2 MiB
#      against the plain one leaking 10 MiB: exit 1, main.leakC's stack grew by 8 MiB exactly;
#  (c) the markdown starts with the verdict, the JSON parses with its verdict and exit status;
#  (d) --format pprof: `go tool pprof -top` reads it: +8 MiB at main.leakMore, and -8 MiB at
#      main.leakC when NEW has less;
#  (e) bad input (a missing or empty directory, one argument, a bad option): exit 2, the
#      message starts with "gomemtrace diff:".
# With two Go versions, the oldest's trace against the newest's: main.leakC's stack matched.
# No timing is asserted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
gm_sessiond
src="$GM_TOP_SRCDIR/tests/data/diff/leaky"
vs=$(echo $GM_GO_VERSIONS | awk '{ print $1; if (NF > 1) print $NF }')
mib=1048576

# rec DIR BIN LEAKY_MIB SAMPLE_BYTES: record BIN into DIR
rec() {
	local rc=0
	LEAKY_MIB=$3 "$GM_TOOL" record -q --sample-bytes "$4" -o "$1" -- "$2" >"$1.out" 2>"$1.err" || rc=$?
	[ $rc -eq 0 ] || gm_fail "record of $2 exited $rc: $(cat "$1.err")"
}

# diffrc WANT ARGS...: run gomemtrace diff ARGS (stdout to $out, stderr to $err), want exit WANT
diffrc() {
	local want=$1 rc=0; shift
	"$GM_TOOL" diff "$@" >"$out" 2>"$err" || rc=$?
	[ $rc -lt 128 ] || gm_fail "gomemtrace diff crashed (status $rc) on: $*" 2>&3
	[ $rc -eq "$want" ] || { cat "$out" "$err" >&3; gm_fail "gomemtrace diff $*: exit $rc, want $want"; }
}

# within1 GOT WANT: GOT within 1 % of WANT
within1() { awk -v g="$1" -v w="$2" 'BEGIN { exit !(g >= w * 0.99 && g <= w * 1.01) }'; }

for v in $vs; do
	d="$GM_SCRATCH/go$v"; mkdir -p "$d"
	out="$d/out" err="$d/err"
	gm_go_build "$v" "$src" "$d/plain"
	gm_go_build "$v" "$src" "$d/pad" -tags pad
	gm_go_build "$v" "$src" "$d/leak" -tags leak
	rec "$d/none" "$d/plain" 0 0
	rec "$d/plain2" "$d/plain" 2 0
	rec "$d/pad2" "$d/pad" 2 0
	rec "$d/leak0" "$d/leak" 0 0
	rec "$d/plain10" "$d/plain" 10 0
	rec "$d/s1" "$d/plain" 2 524288
	rec "$d/s2" "$d/plain" 2 524288
	grep -q 'leaked=8388608' "$d/leak0.out" || gm_fail "go$v: the leak build did not leak 8 MiB: $(cat "$d/leak0.out")"

	# (a) two builds of the same code: the leak's frames moved, the stacks still match
	for t in plain2 pad2; do
		gm_report --format json -o "$d/$t.json" "$d/$t" || gm_fail "go$v: report of $t failed"
		jq -r '[.processes[0].leak_suspects[] | select(any(.frames[]; .function == "main.leakC"))][0].frames
			| map(select(.function == "main.leakC" or (.function | test("_Cfunc_leaky_block$")))) | map(.address + " " + .function) | join(",")' \
			"$d/$t.json" >"$d/$t.addr"
	done
	[ -s "$d/plain2.addr" ] && ! cmp -s "$d/plain2.addr" "$d/pad2.addr" \
		|| gm_fail "go$v: the two builds' leak frames are at the same addresses: $(cat "$d/plain2.addr") / $(cat "$d/pad2.addr")"
	diffrc 0 --format json --top 0 "$d/plain2" "$d/pad2"
	jq -e '.verdict == "no_regression" and .exit_status == 0 and .regressions == 0' "$out" >/dev/null \
		|| gm_fail "go$v: two builds of the same code: $(jq -c '.summary' "$out")"
	jq -e '[.stacks.only_new_stacks[], .stacks.gone_stacks[] | select(any(.key[]; .function == "main.leakC"))] | length == 0' \
		"$out" >/dev/null || gm_fail "go$v: main.leakC's stack not matched across the two builds"
	# the same leak, the same churn; only the runtime's threads (a TLS block each) may differ
	jq -e '.stacks.matched > 0 and ([.categories[] | select(.name == "c_heap_live")][0]
		| .delta <= 65536 and .delta >= -65536)' "$out" >/dev/null \
		|| gm_fail "go$v: two builds: $(jq -c '[.stacks, [.categories[] | select(.name == "c_heap_live")]]' "$out" | head -c 600)"
	diffrc 0 "$d/plain2" "$d/pad2"
	head -1 "$out" | grep -q '^gomemtrace diff: no regression' || gm_fail "go$v: text verdict: $(head -1 "$out")"
	diffrc 0 --format json "$d/s1" "$d/s2"
	jq -e '.base.sampled_allocations == 524288 and .new.sampled_allocations == 524288' "$out" >/dev/null \
		|| gm_fail "go$v: the sampled runs are not sampled"
	gm_note "go$v: (a) two builds: $(jq -r .summary "$out"); sampled c_heap_live $(jq -c '[.categories[] | select(.name == "c_heap_live")][0] | [.base, .new, .bound]' "$out")"

	# (b) a build that leaks 8 MiB against one that leaks nothing
	diffrc 1 "$d/none" "$d/leak0"
	head -1 "$out" | grep -q '^gomemtrace diff: REGRESSION' || gm_fail "go$v: text verdict: $(head -1 "$out")"
	awk '/^Stacks only in NEW/ { s = 1 } s && /^  #1 \+8\.0 MiB in 128 live blocks/ { h = 1 } h && / main\.leakMore / { ok = 1 }
		/^Stacks gone/ { s = 0 } END { exit !ok }' "$out" || { cat "$out" >&3; gm_fail "go$v: the text does not name main.leakMore's +8.0 MiB"; }
	diffrc 1 --format markdown "$d/none" "$d/leak0"
	head -1 "$out" | grep -qx '### gomemtrace diff: \*\*regression\*\*' || gm_fail "go$v: markdown verdict: $(head -1 "$out")"
	grep -q '^| +8\.0 MiB | none → 8\.0 MiB | `leaky_block` ← `main\.leakMore` .* | \*\*regression\*\* |$' "$out" \
		|| { cat "$out" >&3; gm_fail "go$v: the markdown's stack row does not name main.leakMore"; }
	grep -q '^| c_heap_live | .* | \*\*regression\*\* |$' "$out" || gm_fail "go$v: markdown: c_heap_live is no regression"
	diffrc 1 --format json -o "$d/b.json" "$d/none" "$d/leak0"
	grep -q '^gomemtrace diff: REGRESSION: .*; wrote ' "$err" || gm_fail "go$v: no verdict on stderr: $(cat "$err")"
	jq -e '.schema == "gomemtrace.diff/1" and .verdict == "regression" and .exit_status == 1' "$d/b.json" >/dev/null \
		|| gm_fail "go$v: JSON verdict: $(jq -c '[.schema, .verdict, .exit_status]' "$d/b.json")"
	got=$(jq '[.stacks.only_new_stacks[] | select(any(.frames[]; .function == "main.leakMore"))][0] | select(.regression) | .new.bytes' "$d/b.json")
	within1 "${got:-0}" $((8 * mib)) || gm_fail "go$v: JSON: main.leakMore's stack holds ${got:-nothing}, want 8 MiB, a regression"
	jq -e '[.categories[] | select(.regression) | .name] | index("c_heap_live") != null' "$d/b.json" >/dev/null \
		|| gm_fail "go$v: JSON: c_heap_live is no regression"
	jq -e '[.findings[] | select(.kind == "cgo_leak")][0] | .in_new and (.in_base | not) and .regression' "$d/b.json" >/dev/null \
		|| gm_fail "go$v: JSON: no new cgo_leak finding: $(jq -c .findings "$d/b.json")"
	# the same leak in two builds, 2 MiB -> 10 MiB: the matched stack grew by 8 MiB exactly
	diffrc 1 --format json "$d/pad2" "$d/plain10"
	jq -e --argjson w $((8 * mib)) '[.stacks.grown_stacks[] | select(any(.key[]; .function == "main.leakC"))][0]
		| .delta == $w and .base.bytes == 2 * 1048576 and .regression' "$out" >/dev/null \
		|| gm_fail "go$v: main.leakC's stack did not grow by 8 MiB: $(jq -c '.stacks.grown_stacks | map([.delta, .base, .new])' "$out")"
	gm_note "go$v: (b) $(jq -r .summary "$d/b.json")"

	# (d) pprof
	go=$(gm_go "$v")
	diffrc 1 --format pprof -o "$d/b.pb" "$d/none" "$d/leak0"
	"$go" tool pprof -top -unit=B "$d/b.pb" >"$d/top" 2>&1 || { cat "$d/top" >&3; gm_fail "go$v: go tool pprof -top cannot read the profile"; }
	got=$(awk '$NF == "main.leakMore" { sub(/B$/, "", $4); print $4; exit }' "$d/top")
	within1 "${got:-0}" $((8 * mib)) || { cat "$d/top" >&3; gm_fail "go$v: pprof: main.leakMore cum ${got:-nothing}, want 8 MiB"; }
	diffrc 0 --format pprof -o "$d/n.pb" "$d/plain10" "$d/pad2"
	"$go" tool pprof -top -unit=B "$d/n.pb" >"$d/ntop" 2>&1 || { cat "$d/ntop" >&3; gm_fail "go$v: go tool pprof -top cannot read the negative profile"; }
	got=$(awk '$NF == "main.leakC" { sub(/B$/, "", $4); print $4; exit }' "$d/ntop")
	[ "${got:-0}" = -$((8 * mib)) ] || { cat "$d/ntop" >&3; gm_fail "go$v: pprof: main.leakC cum ${got:-nothing}, want -8 MiB"; }
	gm_note "go$v: (d) pprof: main.leakMore +8 MiB, main.leakC -8 MiB"
done

# the oldest Go's trace against the newest's: the user's stacks still match
set -- $vs
if [ $# -gt 1 ]; then
	out="$GM_SCRATCH/xout" err="$GM_SCRATCH/xerr"
	rc=0; "$GM_TOOL" diff --format json --top 0 "$GM_SCRATCH/go$1/plain2" "$GM_SCRATCH/go$2/plain2" >"$out" 2>"$err" || rc=$?
	[ $rc -le 1 ] || gm_fail "go$1 vs go$2: exit $rc: $(cat "$err")"
	jq -e '[.stacks.only_new_stacks[], .stacks.gone_stacks[] | select(any(.key[]; .function == "main.leakC"))] | length == 0' \
		"$out" >/dev/null || gm_fail "go$1 vs go$2: main.leakC's stack not matched"
	gm_note "go$1 vs go$2: $(jq -r .summary "$out"); $(jq -c '.stacks | [.matched, .only_new, .gone]' "$out") matched/only new/gone"
fi

# (e) bad input
t="$GM_SCRATCH/go${vs%% *}/plain2"
out="$GM_SCRATCH/eout" err="$GM_SCRATCH/eerr"
mkdir -p "$GM_SCRATCH/empty"
for args in "$GM_SCRATCH/missing $t" "$t $GM_SCRATCH/empty" "$t" "--gate nonsense $t $t" "--threshold-bytes rss=lots $t $t" \
	"--format xml $t $t" "--frobnicate $t $t"; do
	diffrc 2 $args
	[ ! -s "$out" ] || gm_fail "bad input ($args): something on stdout: $(head -2 "$out")"
	head -1 "$err" | grep -q '^gomemtrace diff: ' || gm_fail "bad input ($args): message: $(head -2 "$err")"
done
gm_note "(e) bad input: exit 2, e.g. $(head -1 "$err")"
echo "PASS: diff"
