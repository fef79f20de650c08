#!/usr/bin/env bash
# diff-noise.sh: how much the figures `gomemtrace diff` compares vary between runs of the same
# program (the measurement behind diff's default thresholds, docs/diff.md "Noise"). Builds
# examples/cgoleak and tests/data/report/retain with GO, records each RUNS times with the
# tracer's default sampling (--sample-bytes 524288) and with every allocation recorded
# (--sample-bytes 0), and prints, per program, mode and figure of the memory split at the end,
# the smallest and largest value over the runs, their spread (largest - smallest: the largest
# delta two of these runs can show) and that spread in % of the median. Then it runs
# `gomemtrace diff` of every ordered pair of runs (90 for 10) with the default thresholds and counts the exit
# statuses (any 1 is a false regression), and gives each check's closest approach to its
# bound over the pairs (|delta| / bound, docs/diff.md; 100 % would be a regression).
# usage: diff-noise.sh BUILDDIR GO [RUNS]   (needs jq and an lttng-sessiond, as make bench)
# DIFF_NOISE_KEEP=DIR keeps the traces and reports there (else a scratch directory, removed);
# with DIFF_NOISE_REUSE=1 too, the runs already there are not recorded again.
set -euo pipefail
build=${1:?usage: diff-noise.sh BUILDDIR GO [RUNS]}
go=${2:?usage: diff-noise.sh BUILDDIR GO [RUNS]}
runs=${3:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
tool="$build/tools/gomemtrace"
command -v jq >/dev/null || { echo "diff-noise.sh: jq is needed" >&2; exit 1; }
if [ -n "${DIFF_NOISE_KEEP:-}" ]; then
	scratch=$DIFF_NOISE_KEEP; mkdir -p "$scratch"
else
	scratch=$(mktemp -d /tmp/gm-diff-noise.XXXXXX); trap 'rm -rf "$scratch"' EXIT
fi

gobuild() { # SRC OUT (kept when reusing: the traces name it)
	[ -n "${DIFF_NOISE_REUSE:-}" ] && [ -x "$2" ] && return 0
	(cd "$1" && CGO_ENABLED=1 GO111MODULE=auto GOPROXY=off GOTOOLCHAIN=local GOFLAGS= \
		GOCACHE="$build/bench/gocache" "$go" build -o "$2" .) || { echo "diff-noise.sh: go build of $1 failed" >&2; exit 1; }
}
gobuild "$top/examples/cgoleak" "$scratch/cgoleak"
gobuild "$top/tests/data/report/retain" "$scratch/retain"

# the figures, as `jq` paths into a process object of the report's JSON (docs/report-json.md)
figs='rss:.final.rss peak_rss:.peak.rss c_heap_live:.final.c_heap_live
c_allocator_retained:.final.c_allocator_retained c_mmap:.final.c_mmap
go_heap_in_use:.final.go_heap_in_use go_heap_free_retained:.final.go_heap_free_retained
go_heap_released:.final.go_heap_released go_heap_resident:.final.go_heap_resident
go_runtime_other:.final.go_runtime_other file:.final.file
shmem:.final.shmem lazyfree:.final.lazyfree cgroup:.cgroup.current cgroup_peak:.cgroup.peak
leak_suspects:.leak_suspects_bytes'

for prog in cgoleak retain; do
	for mode in 524288 0; do
		d="$scratch/$prog-$mode"; mkdir -p "$d"
		echo "diff-noise.sh: $prog, --sample-bytes $mode: $runs runs" >&2
		for i in $(seq "$runs"); do
			[ -n "${DIFF_NOISE_REUSE:-}" ] && [ -s "$d/r$i.json" ] && continue
			rm -rf "$d/t$i"
			"$tool" record -q --sample-bytes "$mode" -o "$d/t$i" -- "$scratch/$prog" >"$d/out$i" 2>"$d/err$i" \
				|| { cat "$d/err$i" >&2; echo "diff-noise.sh: record failed" >&2; exit 1; }
			"$tool" report --format json "$d/t$i" 2>/dev/null \
				| jq --arg exe "$scratch/$prog" '.processes[] | select(.exe == $exe)' >"$d/r$i.json"
		done
		echo
		echo "### $prog, --sample-bytes $mode, $runs runs ($("$go" version | cut -d' ' -f3))"
		echo
		echo "| figure | min | max | spread (max - min) | spread / median |"
		echo "|---|---:|---:|---:|---:|"
		for f in $figs; do
			name=${f%%:*} path=${f#*:}
			for i in $(seq "$runs"); do jq "$path // empty" "$d/r$i.json"; done | sort -n | awk -v n="$name" '
				{ v[NR] = $1 } END { if (!NR) { printf "| %s | ? | ? | ? | ? |\n", n; exit }
				med = v[int((NR + 1) / 2)]; s = v[NR] - v[1]
				printf "| %s | %.2f MiB | %.2f MiB | %.2f MiB | %s |\n", n, v[1] / 1048576, v[NR] / 1048576,
					s / 1048576, (med > 0 ? sprintf("%.1f %%", 100 * s / med) : "-") }'
		done
		for i in $(seq "$runs"); do jq '.final.c_heap_live_stderr' "$d/r$i.json"; done | sort -n | awk '
			{ v[NR] = $1 } END { printf "\nc_heap_live standard error: %.1f to %.1f KiB\n", v[1] / 1024, v[NR] / 1024 }'
		if "$tool" diff --help >/dev/null 2>&1; then # every ordered pair of runs
			n0=0 n1=0 n2=0
			: >"$d/closest"
			for i in $(seq "$runs"); do for j in $(seq "$runs"); do
				[ "$i" != "$j" ] || continue
				rc=0; "$tool" diff --format json "$d/t$i" "$d/t$j" >"$d/diff$i-$j.json" 2>"$d/differr$i-$j" || rc=$?
				case $rc in 0) n0=$((n0 + 1)) ;; 1) n1=$((n1 + 1)) ;; *) n2=$((n2 + 1)) ;; esac
				[ $rc -gt 1 ] || jq -r '[.categories[], .findings[], .stacks.grown_stacks[], .stacks.only_new_stacks[],
					.stacks.gone_stacks[] | select(.delta != null and .bound > 0)
					| {name: (.name // .kind // "stack"), r: ((if .delta < 0 then -.delta else .delta end) / .bound)}]
					| .[] | "\(.r) \(.name)"' "$d/diff$i-$j.json" >>"$d/closest"
			done; done
			echo
			echo "gomemtrace diff of every pair of runs (default thresholds): exit 0: $n0, exit 1: $n1, other: $n2"
			echo "closest approach to the bound (largest |delta| / bound over the pairs), per check:"
			sort -k2,2 -k1,1gr "$d/closest" | awk '$2 != last { printf "%s %s %.0f %%", sep, $2, 100 * $1; sep = ","; last = $2 }
				END { print "" }'
		fi
	done
done
