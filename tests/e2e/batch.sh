#!/usr/bin/env bash
# Batches (GOMEMTRACE_BATCH, preload/batch.c): `churn handoff 4 100000` (4 producer threads
# malloc 100000 blocks each and hand them to 4 consumer threads, which free all but every 7th:
# addresses move between threads, so records of one address sit in different threads'
# batches) traced with batches (the default) and without (GOMEMTRACE_BATCH=0):
#  - the program's output is the same traced and untraced;
#  - batched: the malloc/free calls are records in gomemtrace:alloc_batch events, not events of
#    their own (records > 4x the per-call malloc/free events left: a call made while the
#    flusher holds its thread's buffer is one, more of them on a loaded machine); every record's stack
#    id has a gomemtrace:stack; periodic flushes and one final flush with nothing left behind;
#  - the report of both traces: c_heap_live within 64 KiB above the program's live bytes (the
#    reader put the records back in time order: a free applied before the malloc it ends
#    would leave the block live, or count an unknown free), and no unknown frees.
# And `churn slow 2500` (one malloc/free site, once a millisecond, 2.5 s): its stack is written
# again after the tracer forgets the written ids (every second), so that a session started
# later or an overwrite-mode buffer still gets it: its id has >= 2 gomemtrace:stack events.
# Go (tests/data/report/cgoleak, newest Go of GM_GO_VERSIONS): with the Go trap, batches
# (proc_info batch = 128) and a final flush from the trap's handler at exit_group (report_leak.sh
# checks the leaked bytes of every version); with GOMEMTRACE_GO_TRAP=0 nothing would write the
# last batches at the runtime's raw exit_group, so the tracer writes one event per call
# (proc_info batch = 0, no alloc_batch) and the report still has the whole leak.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
churn="$GM_TOP_BUILDDIR/tests/data/robust/churn"
[ -x "$churn" ] || gm_fail "$churn is not built (make check builds it)"

"$churn" handoff 4 100000 >"$GM_SCRATCH/plain.out"
live=$(sed -n 's/.*live=\([0-9]*\).*/\1/p' "$GM_SCRATCH/plain.out")
[ -n "$live" ] || gm_fail "churn printed no live= ($(cat "$GM_SCRATCH/plain.out"))"

for batch in default 0; do
	d="$GM_SCRATCH/b$batch"; mkdir -p "$d"
	if [ $batch = default ]; then
		gm_trace "$d/trace" -- "$churn" handoff 4 100000 >"$d/out"
	else
		GOMEMTRACE_BATCH=0 gm_trace "$d/trace" -- "$churn" handoff 4 100000 >"$d/out"
	fi
	diff -u "$GM_SCRATCH/plain.out" "$d/out" || gm_fail "batch $batch: traced output differs"
	# the process's events (the flusher thread is named "gomemtrace": select by vpid)
	gm_events "$d/trace" >"$d/all"
	vpid=$(grep -m1 'procname = "churn"' "$d/all" | sed -E 's/.*vpid = ([0-9]+),.*/\1/')
	[ -n "$vpid" ] || gm_fail "batch $batch: no event of churn"
	grep -E "vpid = $vpid," "$d/all" >"$d/ev" || true
	direct=$(gm_count "$d/ev" 'gomemtrace:(malloc|free): ')
	if [ $batch = default ]; then
		# records: _rec_length / 4 per batch
		records=$(grep -oE 'gomemtrace:alloc_batch: .*_rec_length = [0-9]+' "$d/ev" \
			| sed -E 's/.*_rec_length = //' | awk '{ n += $1 / 4 } END { print n + 0 }')
		gm_note "batched: $records records, $direct per-call malloc/free events"
		[ "$records" -gt $((4 * direct)) ] \
			|| gm_fail "batched: $records records against $direct per-call events (want > 4x)"
		# the stack ids used by malloc records (kind 1, 2, 4, 5) are all defined
		grep -oE 'gomemtrace:stack: .*id = 0x[0-9A-F]+' "$d/ev" | sed -E 's/.*id = //' | sort -u >"$d/ids"
		grep -oE 'gomemtrace:alloc_batch: .*' "$d/ev" | grep -oE '\[[0-9]+\] = 0x[0-9A-F]+' \
			| awk -F'[][ =x]+' '{ i = $2; if (i % 4 == 2) k = substr($4, 1, length($4) - 14);
				if (i % 4 == 3 && (k == "1" || k == "2" || k == "4" || k == "5")) print "0x" $4 }' \
			| sort -u >"$d/used"
		[ -s "$d/used" ] || gm_fail "batched: no malloc record with a stack id"
		missing=$(comm -13 "$d/ids" "$d/used" | wc -l)
		[ "$missing" -eq 0 ] || gm_fail "batched: $missing stack ids used by records but never defined"
		[ "$(gm_count "$d/ev" 'gomemtrace:flush: .*final = 0')" -ge 1 ] \
			|| gm_fail "batched: no periodic gomemtrace:flush"
		[ "$(gm_count "$d/ev" 'gomemtrace:flush: .*final = 1, unflushed = 0 }')" -eq 1 ] \
			|| gm_fail "batched: not exactly one final flush with nothing left behind"
	else
		[ "$(gm_count "$d/ev" 'gomemtrace:alloc_batch: ')" -eq 0 ] \
			|| gm_fail "GOMEMTRACE_BATCH=0: batches were written"
		[ "$direct" -ge 742857 ] || gm_fail "GOMEMTRACE_BATCH=0: $direct malloc/free events, want >= 742857 (400000 + 6/7 of it)"
	fi
	gm_report --format json -o "$d/r.json" "$d/trace" || gm_fail "batch $batch: report failed"
	gm_proc_json "$d/r.json" "$churn" >"$d/p.json" || gm_fail "batch $batch: churn not in the report"
	got=$(jq .final.c_heap_live "$d/p.json")
	gm_note "batch $batch: c_heap_live $got, churn says live=$live"
	[ $((got - live)) -ge 0 ] && [ $((got - live)) -le 65536 ] \
		|| gm_fail "batch $batch: c_heap_live $got, churn says live=$live (want within 64 KiB above)"
done
d="$GM_SCRATCH/slow"; mkdir -p "$d"
gm_trace "$d/trace" -- "$churn" slow 2500 >"$d/out"
gm_events "$d/trace" >"$d/all"
vpid=$(grep -m1 'procname = "churn"' "$d/all" | sed -E 's/.*vpid = ([0-9]+),.*/\1/')
[ -n "$vpid" ] || gm_fail "slow: no event of churn"
# the id of run_slow's malloc: the stack id of the most frequent record kind 4 (malloc then free)
id=$(grep -E "vpid = $vpid,.*gomemtrace:alloc_batch|gomemtrace:alloc_batch: .*vpid = $vpid," "$d/all" \
	| grep -oE '\[[0-9]+\] = 0x[0-9A-F]+' \
	| awk -F'[][ =x]+' '{ i = $2; if (i % 4 == 2) k = substr($4, 1, length($4) - 14);
		if (i % 4 == 3 && k == "4") print "0x" $4 }' | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
[ -n "$id" ] || gm_fail "slow: no malloc-then-free record"
n=$(grep -E "vpid = $vpid," "$d/all" | grep -cE "gomemtrace:stack: .*id = $id," || true)
gm_note "slow: stack $id written $n times in 2.5 s"
[ "$n" -ge 2 ] || gm_fail "slow: stack $id written $n times in 2.5 s, want >= 2 (forgotten every second)"
v=${GM_GO_VERSIONS##* }
bin="$GM_SCRATCH/cgoleak-$v"
gm_go_build "$v" "$GM_TOP_SRCDIR/tests/data/report/cgoleak" "$bin"
for trap in 1 0; do
	d="$GM_SCRATCH/go$trap"; mkdir -p "$d"
	GOMEMTRACE_GO_TRAP=$trap gm_trace "$d/trace" -- "$bin" >"$d/out" || gm_fail "Go trap=$trap: exit $?"
	gm_events "$d/trace" >"$d/all"
	vpid=$(grep -m1 'gomemtrace:proc_info: .*cgoleak' "$d/all" | sed -E 's/.*vpid = ([0-9]+),.*/\1/')
	[ -n "$vpid" ] || gm_fail "Go trap=$trap: no proc_info of cgoleak"
	grep -E "vpid = $vpid," "$d/all" >"$d/ev"
	nb=$(gm_count "$d/ev" 'gomemtrace:alloc_batch: ')
	if [ $trap = 1 ]; then
		grep -qE 'gomemtrace:proc_info: .*batch = 128[ ,]' "$d/ev" || gm_fail "Go trap=1: proc_info batch is not 128"
		[ "$nb" -ge 1 ] || gm_fail "Go trap=1: no alloc_batch"
		[ "$(gm_count "$d/ev" 'gomemtrace:flush: .*final = 1, unflushed = 0')" -eq 1 ] \
			|| gm_fail "Go trap=1: no final flush at the Go exit"
	else
		grep -qE 'gomemtrace:proc_info: .*batch = 0[ ,]' "$d/ev" || gm_fail "Go trap=0: proc_info batch is not 0"
		[ "$nb" -eq 0 ] || gm_fail "Go trap=0: $nb alloc_batch events (the last ones would be lost at exit)"
	fi
	gm_report --format json -o "$d/r.json" "$d/trace" || gm_fail "Go trap=$trap: report failed"
	gm_proc_json "$d/r.json" "$bin" >"$d/p.json" || gm_fail "Go trap=$trap: cgoleak not in the report"
	jq -e '.final.c_heap_live >= 5767168' "$d/p.json" >/dev/null \
		|| gm_fail "Go trap=$trap: c_heap_live $(jq .final.c_heap_live "$d/p.json") < the 5767168 leaked"
done
echo "PASS: batch (records $records, live $live, slow stack written $n times, Go with and without the trap)"
