#!/usr/bin/env bash
# Production mode (GOMEMTRACE_SAMPLE_BYTES): a C program allocates ~200 MB in 100k blocks of
# 64..4159 bytes (malloc, calloc, realloc) and keeps every other one. Sampled with a mean of
# 64 KiB, the trace must (1) hold far fewer allocation events than calls, (2) hold a free
# only for a block whose allocation it holds, (3) give unbiased estimates: sum of size /
# (1 - exp(-size/mean)) over recorded allocations within 10 % of the bytes allocated, and
# over the blocks still live within 10 % of the bytes leaked. Full mode stays exact. And the
# default, with GOMEMTRACE_SAMPLE_BYTES unset, under `gomemtrace record`: sampled at 512 KiB.
. "$(dirname "$0")/lib.sh"
churn="$GM_TOP_BUILDDIR/tests/data/robust/churn"
N=100000 MEAN=65536

estimate() { # estimate EVENTS MEAN -> "events allocated live unknown_frees"
	awk -v mean="$2" '
	function w(sz) { return (mean == 0 || sz >= 1048576) ? 1 : 1 / (1 - exp(-sz / mean)) }
	function field(name,   i, r) { i = index($0, " " name " = "); r = substr($0, i + length(name) + 4)
		return substr(r, 1, match(r, /[,} ]/) - 1) }
	function add(p, sz) { sz += 0; live[p] = sz * w(sz); alloc += sz * w(sz); n++ }
	function del(p) { if (p in live) delete live[p]; else unknown++ }
	/gomemtrace:(malloc|calloc):/ { p = field("ptr"); if (p == "0x0") next
		sz = field("size"); if ($0 ~ /calloc/) sz *= field("nmemb"); add(p, sz) }
	/gomemtrace:realloc:/ { inp = field("in_ptr"); p = field("ptr")
		if (inp != "0x0") del(inp); if (p != "0x0") add(p, field("size")) }
	/gomemtrace:free:/ { del(field("ptr")) }
	END { for (p in live) l += live[p]; printf "%d %.0f %.0f %d\n", n, alloc, l, unknown }' "$1"
}
within() { awk -v a="$1" -v b="$2" -v pct="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= b * pct / 100) }'; }

for mean in 0 $MEAN; do
	GOMEMTRACE_SAMPLE_BYTES=$mean GM_SUBBUF=8M gm_trace "$GM_SCRATCH/t$mean" -- "$churn" leak $N >"$GM_SCRATCH/out"
	read -r _ allocated live < <(tr '=' ' ' <"$GM_SCRATCH/out" | awk '{print $1, $2, $4}')
	gm_events "$GM_SCRATCH/t$mean" | grep 'procname = "churn"' >"$GM_SCRATCH/ev"
	grep -q "gomemtrace:proc_info: .*sample_bytes = $mean," "$GM_SCRATCH/ev" || gm_fail "proc_info does not say sample_bytes = $mean"
	read -r n est_alloc est_live unknown < <(estimate "$GM_SCRATCH/ev" $mean)
	gm_note "mean $mean: $n allocation events; allocated $allocated est. $est_alloc; live $live est. $est_live; frees of unknown blocks $unknown"
	if [ $mean = 0 ]; then
		# libc's own start-up allocations happen before the probes register: their frees
		# are the only unknown ones, and the few blocks it keeps (stdio) add to live
		[ "$unknown" -lt 100 ] || gm_fail "full mode: $unknown frees of blocks the trace never allocated"
		[ "$n" -ge $((N + N / 3)) ] || gm_fail "full mode: only $n allocation events for $N blocks"
		d=$((est_live - live))
		[ $d -ge 0 ] && [ $d -lt 65536 ] || gm_fail "full mode: live $est_live, expected $live (+ < 64 KiB of stdio)"
	else
		[ "$unknown" -eq 0 ] || gm_fail "sampled: $unknown frees of blocks the trace never allocated"
		[ "$n" -lt $((N / 4)) ] || gm_fail "sampled: $n allocation events, expected far fewer than $N"
		[ "$n" -gt 100 ] || gm_fail "sampled: only $n allocation events"
		within "$est_alloc" "$allocated" 10 || gm_fail "sampled: allocated estimate $est_alloc vs $allocated"
		within "$est_live" "$live" 10 || gm_fail "sampled: live estimate $est_live vs $live"
	fi
done
# The default: neither the environment nor record's options say anything.
gm_sessiond
env -u GOMEMTRACE_SAMPLE_BYTES "$GM_TOOL" record -q --session "gm-sampling-$$-default" \
	-o "$GM_SCRATCH/tdef" -- "$churn" leak $N >"$GM_SCRATCH/out" 2>"$GM_SCRATCH/err" \
	|| { cat "$GM_SCRATCH/err"; gm_fail "default: record failed"; }
pid=$(sed -n 's/^pid=//p' "$GM_SCRATCH/tdef/gomemtrace-record.txt")
gm_events "$GM_SCRATCH/tdef" | grep -F "{ vpid = $pid," >"$GM_SCRATCH/ev"
grep -q "gomemtrace:proc_info: .*sample_bytes = 524288," "$GM_SCRATCH/ev" \
	|| gm_fail "default: proc_info does not say sample_bytes = 524288"
read -r n _ < <(estimate "$GM_SCRATCH/ev" 524288)
gm_note "default (512 KiB): $n allocation events for $N calls"
[ "$n" -gt 0 ] && [ "$n" -lt $((N / 20)) ] || gm_fail "default: $n allocation events, expected a few hundred"
echo "PASS: sampling"
