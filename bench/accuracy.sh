#!/usr/bin/env bash
# accuracy.sh: the sampled leak estimate against the exact one (part of `make bench`, issue 5's
# last target). examples/cgoleak leaks C memory from three sites of main.leakyHandler; it is
# recorded once with every allocation (--sample-bytes 0) and RUNS times sampled at the default
# (or BENCH_SAMPLE_BYTES), and `gomemtrace report --format json` gives, for each run, the
# leaked C bytes (cgo_leak, the leak suspects' live bytes) and the top leak site (function and
# line of the first main.* frame, not cgo's generated code, of the largest suspect). Prints a markdown table: the error of
# each sampled estimate against the full-mode figure, and whether the top site is the same.
# A sampled estimate's relative standard error is about sqrt(sample_bytes / leaked bytes)
# (docs/sampling.md): the leak is sized so that 10 % is about 3 of them at 512 KiB.
# usage: accuracy.sh BUILDDIR GO [RUNS]   (needs jq and a root lttng-sessiond, as make bench)
set -euo pipefail
build=${1:?usage: accuracy.sh BUILDDIR GO [RUNS]}
go=${2:?usage: accuracy.sh BUILDDIR GO [RUNS]}
runs=${3:-3}
mean=${BENCH_SAMPLE_BYTES:-524288}
args=(-rounds 50 -per-round 5000 -pause 0) # ~390 MB leaked in 750k blocks
top=$(cd "$(dirname "$0")/.." && pwd)
tool="$build/tools/gomemtrace"
scratch=$(mktemp -d /tmp/gm-bench-accuracy.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

command -v jq >/dev/null || { echo "accuracy.sh: jq is needed" >&2; exit 1; }
(cd "$top/examples/cgoleak" && CGO_ENABLED=1 GO111MODULE=auto GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GOCACHE="$build/bench/gocache" \
	"$go" build -o "$scratch/cgoleak" .) || { echo "accuracy.sh: go build failed" >&2; exit 1; }

# one MODE NAME: record cgoleak with --sample-bytes MODE; prints "truth bytes top events"
one() {
	local d="$scratch/$2"
	mkdir -p "$d"
	"$tool" record -q --sample-bytes "$1" -o "$d/t" -- "$scratch/cgoleak" "${args[@]}" >"$d/out" 2>"$d/err" \
		|| { cat "$d/err" >&2; echo "accuracy.sh: record failed" >&2; exit 1; }
	"$tool" report --format json -o "$d/r.json" "$d/t" 2>"$d/rerr" \
		|| { cat "$d/rerr" >&2; echo "accuracy.sh: report failed" >&2; exit 1; }
	local truth; truth=$(tr ' ' '\n' <"$d/out" | sed -n 's/^c_leaked_bytes=//p')
	jq -r --arg exe "$scratch/cgoleak" --arg truth "$truth" '.processes[] | select(.exe == $exe) |
		[$truth, .leak_suspects_bytes, .leak_suspects_bytes_stderr,
		 ((.leak_suspects | max_by(.bytes) | [.frames[] | select((.function | startswith("main."))
			and (.function | test("_cgo_|_Cfunc_") | not))][0]
		   | "\(.function):\(.line)") // "none"),
		 .events] | @tsv' "$d/r.json"
	rm -rf "$d/t"
}

echo "gm-bench: accuracy: cgoleak ${args[*]}, full then $runs x sampled (SAMPLE_BYTES=$mean)" >&2
read -r truth full_bytes _ full_top full_events < <(one 0 full)
echo
echo "| run | SAMPLE_BYTES | leaked C bytes (program's truth) | cgo_leak estimate | standard error | vs full mode | top leak site | same site | events |"
echo "|---|---:|---:|---:|---:|---:|---|---|---:|"
echo "| full | 0 | $truth | $full_bytes | 0 | – | $full_top | – | $full_events |"
for i in $(seq "$runs"); do
	read -r t b se s e < <(one "$mean" "s$i")
	err=$(awk -v a="$b" -v f="$full_bytes" 'BEGIN { printf "%+.1f %%", (a - f) * 100 / f }')
	rel=$(awk -v a="$se" -v f="$b" 'BEGIN { printf "%.1f %%", a * 100 / f }')
	same=no; [ "$s" = "$full_top" ] && same=yes
	echo "| sampled $i | $mean | $t | $b | $rel | $err | $s | $same | $e |"
done
