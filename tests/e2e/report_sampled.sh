#!/usr/bin/env bash
# Sampled traces (production mode, docs/sampling.md): `gomemtrace record --sample-bytes 65536`
# of tests/data/robust/churn (`churn leak 100000`: 100000 blocks of 64..4159 bytes from three
# call sites, every other one freed; prints "allocated=A live=L"), and the same with
# --sample-bytes 0 (everything recorded):
#  - full: the JSON's c_heap_live is within 64 KiB of L (stdio's buffer and the like), not
#    approximate, sampled_allocations 0;
#  - sampled: fewer allocation events than in full mode, c_heap_live (weighted) within 10 %
#    of L, "approximate": true, and the text says "estimated from sampled allocations";
#  - the leak suspects name the same call sites of run_leak in both modes: every site (line)
#    holding >= 20 % of the suspects' bytes in the full trace is one in the sampled trace too
#    (the realloc site sits at the "mostly live" threshold, 16666 of 33333, so it may be a
#    suspect in one mode only), and sampled suspects' bytes are within 10 % of L.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
churn="$GM_TOP_BUILDDIR/tests/data/robust/churn"
[ -x "$churn" ] || gm_fail "$churn is not built (make check builds it)"

# sites JSON: the run_leak lines of the suspects holding >= 20 % of the suspects' bytes, sorted.
sites() {
	jq -r '.leak_suspects_bytes as $t | .leak_suspects[] | select(.bytes * 5 >= $t)
		| [.frames[] | select(.function == "run_leak")][0].line' "$1" | sort -n | tr '\n' ' '
}

for mode in 0 65536; do
	d="$GM_SCRATCH/s$mode"; mkdir -p "$d"
	rc=0
	"$GM_TOOL" record --sample-bytes $mode -o "$d/trace" --session "gm-rsamp-$$-$mode" -- "$churn" leak 100000 \
		>"$d/out" 2>"$d/err" || rc=$?
	[ $rc -eq 0 ] || { cat "$d/err"; gm_fail "sample-bytes $mode: record exited $rc"; }
	live=$(sed -n 's/.*live=\([0-9]*\).*/\1/p' "$d/out")
	[ -n "$live" ] || gm_fail "sample-bytes $mode: churn printed no live= ($(cat "$d/out"))"
	gm_report --format json -o "$d/r.json" "$d/trace" || gm_fail "sample-bytes $mode: report failed"
	gm_proc_json "$d/r.json" "$churn" >"$d/p.json" || gm_fail "sample-bytes $mode: churn not in the report"
	got=$(jq .final.c_heap_live "$d/p.json")
	sus=$(jq .leak_suspects_bytes "$d/p.json")
	gm_report "$d/trace" >"$d/text" || gm_fail "sample-bytes $mode: text report failed"
	if [ $mode = 0 ]; then
		[ $((got - live)) -ge 0 ] && [ $((got - live)) -le 65536 ] \
			|| gm_fail "full: c_heap_live $got, churn says live=$live (want within 64 KiB above)"
		jq -e '.approximate == false and .sampled_allocations == 0' "$d/p.json" >/dev/null \
			|| gm_fail "full: marked approximate or sampled"
		jq -e '.leak_suspects_bytes_stderr == 0 and .final.c_heap_live_stderr == 0 and
			all(.leak_suspects[]; .bytes_stderr == 0)' "$d/p.json" >/dev/null \
			|| gm_fail "full: a standard error that is not 0"
		full_sites=$(sites "$d/p.json")
		full_events=$(jq .events "$d/p.json")
	else
		awk -v g="$got" -v w="$live" 'BEGIN { exit !(g >= w * 0.9 && g <= w * 1.1) }' \
			|| gm_fail "sampled: c_heap_live $got, churn says live=$live (want within 10 %)"
		awk -v g="$sus" -v w="$live" 'BEGIN { exit !(g >= w * 0.9 && g <= w * 1.1) }' \
			|| gm_fail "sampled: leak suspects hold $sus, churn says live=$live (want within 10 %)"
		jq -e '.approximate == true and .sampled_allocations == 65536' "$d/p.json" >/dev/null \
			|| gm_fail "sampled: not marked approximate / sampled"
		grep -q 'estimated from sampled allocations (1 in ~65536 bytes' "$d/text" \
			|| gm_fail "sampled: the text does not say the figures are estimated"
		# the standard errors: present, small against the estimate, and consistent with the
		# truth (|estimate - truth| within 4 of them: fails about once in 16000 runs)
		se=$(jq .leak_suspects_bytes_stderr "$d/p.json")
		gm_note "sampled: leak suspects $sus, standard error $se, truth $live"
		awk -v se="$se" -v g="$sus" -v w="$live" 'BEGIN { d = g - w; if (d < 0) d = -d
			exit !(se > 0 && se < g * 0.1 && d <= 4 * se) }' \
			|| gm_fail "sampled: standard error $se does not fit estimate $sus against truth $live"
		jq -e '.final.c_heap_live_stderr > 0 and all(.leak_suspects[]; .bytes_stderr > 0)' \
			"$d/p.json" >/dev/null || gm_fail "sampled: a standard error missing"
		grep -q 'Top leak suspects (.*, ~[0-9.]* [KMG]iB ± [0-9.]* [KMG]iB)' "$d/text" \
			|| gm_fail "sampled: the text gives no ± for the leak suspects"
		ev=$(jq .events "$d/p.json")
		[ "$ev" -lt "$full_events" ] || gm_fail "sampled: $ev events, not fewer than the full trace's $full_events"
		s=$(sites "$d/p.json")
		[ -n "$full_sites" ] || gm_fail "full: no leak suspect site in run_leak"
		for l in $full_sites; do
			case " $s" in *" $l "*) ;; *) gm_fail "leak suspect sites differ: full [$full_sites], sampled [$s]" ;; esac
		done
	fi
	gm_note "sample-bytes $mode: live=$live c_heap_live=$got suspects=$sus sites=[$(sites "$d/p.json")]"
done
echo "PASS: report_sampled"
