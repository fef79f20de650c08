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
# The Go exit path (records flushed from the trap's handler at exit_group) is checked by
# report_leak.sh, whose leaked blocks are recorded in batches.
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
echo "PASS: batch (records $records, live $live, slow stack written $n times)"
