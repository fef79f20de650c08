#!/usr/bin/env bash
# bench-report.sh: speed and memory of the reader (`gomemtrace report`), issue 3. Run by
# `make bench-report` (bench/report/local.mk); measured, never asserted.
#
# Records tests/data/robust/churn (`churn threads T ITER`: T threads, each ITER x malloc +
# realloc + free, everything freed, so the live state stays tiny) at ITER (1x) and ITER x SCALE
# (10x), then on each trace times, RUNS times:
#   the decode floor: babeltrace2 TRACE -c sink.utils.counter   (CTF decoding, nothing else)
#   the reader:       gomemtrace report --format json -o /dev/null TRACE
# and prints a markdown table: median wall and CPU (user+sys) seconds, their ratio (target
# <= 1.5x), and peak RSS (/usr/bin/time %M) — the reader's must stay flat from 1x to 10x.
#
# usage: bench-report.sh --builddir DIR [--iter N] [--scale K] [--threads T] [--runs R]
#                        [--workdir DIR] [--keep]
set -euo pipefail

builddir='' iter=100000 scale=10 threads=4 runs=3 workdir='' keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$2; shift 2 ;;
	--iter) iter=$2; shift 2 ;;
	--scale) scale=$2; shift 2 ;;
	--threads) threads=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--workdir) workdir=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	*) echo "bench-report: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "$builddir" ] || { echo "bench-report: --builddir is required" >&2; exit 2; }
tool=$builddir/tools/gomemtrace
churn=$builddir/tests/data/robust/churn
bt2=${BABELTRACE2:-babeltrace2}
lttng=${LTTNG:-lttng}
for f in "$tool" "$churn"; do [ -x "$f" ] || { echo "bench-report: $f not built" >&2; exit 1; }; done
[ -x /usr/bin/time ] || { echo "bench-report: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench-report: jq is missing" >&2; exit 1; }
"$lttng" list >/dev/null 2>&1 || "${LTTNG_SESSIOND:-lttng-sessiond}" --daemonize --quiet
: "${workdir:=$builddir/bench/report-work}"
rm -rf "$workdir"; mkdir -p "$workdir"
[ $keep = 1 ] || trap 'rm -rf "$workdir"' EXIT

# ---- measuring ----

# timed OUT CMD...: run CMD with stdout to /dev/null; OUT gets "wall cpu maxrss_kib".
timed() {
	local out=$1; shift
	/usr/bin/time -o "$out.t" -f '%e %U %S %M' "$@" >/dev/null 2>"$out.err" \
		|| { echo "bench-report: failed: $* ($(tail -2 "$out.err"))" >&2; exit 1; }
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$out.t" >"$out"
}

# median FILE COLUMN / max FILE COLUMN: over the lines of FILE.
median() { awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
maxcol() { awk -v c="$2" '$c > m { m = $c } END { print m + 0 }' "$1"; }

# ---- one trace ----

declare -A R # results per label: R[label.key]
measure() {
	local label=$1 n=$2 t=$workdir/trace-$1
	echo "bench-report: recording churn threads $threads $n ($label)" >&2
	"$tool" record -q --subbuf-size 16M --num-subbuf 8 -o "$t" -- "$churn" threads "$threads" "$n" >/dev/null
	"$bt2" "$t" -c sink.utils.counter -p step=+0 >"$workdir/count" 2>/dev/null
	R[$label.events]=$(awk '/Event messages/ { print $1 }' "$workdir/count" | tail -1)
	R[$label.bytes]=$(du -sb "$t" | awk '{ print $1 }')
	: >"$workdir/bt2-$label"; : >"$workdir/rep-$label"
	local _
	for _ in $(seq "$runs"); do
		timed "$workdir/one" "$bt2" "$t" -c sink.utils.counter -p step=+0; cat "$workdir/one" >>"$workdir/bt2-$label"
		timed "$workdir/one" "$tool" report --format json -o /dev/null "$t"; cat "$workdir/one" >>"$workdir/rep-$label"
	done
	"$tool" report --format json -o "$workdir/r.json" "$t"
	R[$label.lost]=$(jq .lost_events "$workdir/r.json")
	R[$label.bt2_wall]=$(median "$workdir/bt2-$label" 1); R[$label.bt2_cpu]=$(median "$workdir/bt2-$label" 2)
	R[$label.rep_wall]=$(median "$workdir/rep-$label" 1); R[$label.rep_cpu]=$(median "$workdir/rep-$label" 2)
	R[$label.bt2_rss]=$(maxcol "$workdir/bt2-$label" 3); R[$label.rep_rss]=$(maxcol "$workdir/rep-$label" 3)
	[ $keep = 1 ] || rm -rf "$t"
}

measure 1x "$iter"
measure "${scale}x" $((iter * scale))

# ---- the table ----
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
echo
echo "### gomemtrace report vs babeltrace2 decode floor"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(uname -srm), $(nproc) CPUs ($cpu), $mem;" \
	"load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $("$tool" --version 2>/dev/null | head -1); $("$bt2" --version | head -1)"
echo "- workload: \`churn threads $threads ITER\` recorded with \`gomemtrace record --subbuf-size 16M\`;" \
	"median of $runs runs; CPU = user + sys"
echo "- floor: \`babeltrace2 TRACE -c sink.utils.counter -p step=+0\`;" \
	"reader: \`gomemtrace report --format json -o /dev/null TRACE\`"
echo
echo "| trace | ITER | events | size MiB | lost | bt2 wall s | bt2 CPU s | report wall s | report CPU s | ratio wall | ratio CPU | bt2 peak RSS MiB | report peak RSS MiB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for l in 1x "${scale}x"; do
	n=$iter; [ "$l" = 1x ] || n=$((iter * scale))
	printf '| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %.1f | %.1f |\n' "$l" "$n" "${R[$l.events]}" \
		"$(awk -v b="${R[$l.bytes]}" 'BEGIN { print b / 1048576 }')" "${R[$l.lost]}" \
		"${R[$l.bt2_wall]}" "${R[$l.bt2_cpu]}" "${R[$l.rep_wall]}" "${R[$l.rep_cpu]}" \
		"$(ratio "${R[$l.rep_wall]}" "${R[$l.bt2_wall]}")" "$(ratio "${R[$l.rep_cpu]}" "${R[$l.bt2_cpu]}")" \
		"$(awk -v k="${R[$l.bt2_rss]}" 'BEGIN { print k / 1024 }')" "$(awk -v k="${R[$l.rep_rss]}" 'BEGIN { print k / 1024 }')"
done
echo
big=${scale}x
echo "- reader/floor CPU ratio on the ${big} trace: $(ratio "${R[$big.rep_cpu]}" "${R[$big.bt2_cpu]}") (target <= 1.5x)"
echo "- reader peak RSS ${big} / 1x: $(ratio "${R[$big.rep_rss]}" "${R[1x.rep_rss]}") (flat = about 1.00x)"
