#!/bin/sh
# run.sh SRCDIR DIR TARGET...: `make fuzz`: run each libFuzzer target DIR/bin/fuzz-TARGET for
# FUZZ_S seconds (default 60), one after the other (one core), on the corpus DIR/corpus/TARGET
# (kept between runs: what a run learns, the next starts from), the seeds made by seeds.sh
# from the Go test programs (DIR/seeds-gen), the committed seeds and the regression inputs.
# A finding (crash, sanitizer report, timeout, out of memory) is written to
# DIR/findings/TARGET/; each target's executions and result go to DIR/fuzz-summary.txt.
# Exit 0, or 1 if any target found something.
set -u
src=$1 dir=$2; shift 2
s=${FUZZ_S:-60}
sh "$src/tests/fuzz/seeds.sh" "$dir/seeds-gen" tests/unit/gosyms-fx tests/unit/symbols-fx >/dev/null
summary=$dir/fuzz-summary.txt
: >"$summary"
rc=0
for t in "$@"; do
	mkdir -p "$dir/corpus/$t" "$dir/findings/$t"
	log=$dir/fuzz-$t.log
	echo "fuzz $t: ${s}s"
	"$dir/bin/fuzz-$t" -max_total_time="$s" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 \
		-artifact_prefix="$dir/findings/$t/" "$dir/corpus/$t" "$dir/seeds-gen/$t" \
		"$src/tests/fuzz/seeds/$t" "$src/tests/data/fuzz/$t" >"$log" 2>&1
	r=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	if [ $r = 0 ]; then
		echo "fuzz $t: ${s}s, ${execs:-?} executions, nothing found" | tee -a "$summary"
	else
		rc=1
		echo "fuzz $t: FINDING after ${execs:-?} executions (exit $r): $(ls "$dir/findings/$t" | tr '\n' ' ')" |
			tee -a "$summary"
		grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer|LeakSanitizer)|runtime error' "$log" | sed 's/^/    /'
		echo "    log: $log"
	fi
done
exit $rc
