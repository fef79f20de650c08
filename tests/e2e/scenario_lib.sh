# scenario_lib.sh: helpers of the scenario matrix (tests/e2e/scenario_matrix.sh), sourced after
# lib.sh. One cell = one scenario on one Go version; a cell runs in a subshell, and sc_fail ends
# only that cell, with its reason in $SC_CELL/reason. The JSON report is read through
# tests/tools/gm-json-flat (no jq: CI does not install it): one `path<TAB>value` per scalar.
GM_JSON_FLAT="$GM_TOP_BUILDDIR/tests/tools/gm-json-flat"
[ -x "$GM_JSON_FLAT" ] || gm_fail "$GM_JSON_FLAT not built (make check builds it)"
[ -x "$GM_TOOL" ] || gm_fail "$GM_TOOL not built"
unset GOMEMTRACE_BATCH # the tracer's default (batches): the reader puts records back in order
: "${SC_SAMPLE_MS:=100}"
MIB=1048576

# ---- cells ----

# sc_fail REASON: end the current cell as failed (inside a cell's subshell only).
sc_fail() { echo "$*" >"$SC_CELL/reason"; echo "# FAIL: $*" >&2; exit 1; }

# sc_build VERSION SRC OUT [go build flags...]: build once per version (into OUT); a failure
# fails the cell. GM_GOCACHE/GOCACHE shared (/tmp/gm-gocache).
sc_build() {
	local ver=$1 src=$2 out=$3; shift 3
	[ -x "$out" ] && return 0
	local go; go=$(gm_go_path "$ver")
	[ -x "$go" ] || sc_fail "Go $ver not installed ($go)"
	(cd "$src" && CGO_ENABLED=1 GO111MODULE=auto GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GOCACHE="${GM_GOCACHE:-/tmp/gm-gocache}" \
		"$go" build -o "$out.tmp" "$@" . && mv "$out.tmp" "$out") >"$SC_CELL/build.log" 2>&1 \
		|| sc_fail "go $ver build of $(basename "$src") failed: $(tail -1 "$SC_CELL/build.log")"
}

# sc_run [VAR=VALUE...] -- PROG [ARGS...]: run PROG untraced, then under `gomemtrace record`,
# with the same environment additions; both must exit with the same status and print the same
# output (ground-truth figures that depend on the run excepted: go_heap_*, lazyfree_*,
# malloc_*, child_*_pid); then read the JSON report, keep the recorded process (pid from
# gomemtrace-record.txt) as $SC_CELL/p (paths without `processes.N.`) and the truth line as
# $SC_CELL/truth (key<TAB>value).
sc_run() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	local c=$SC_CELL rc0=0 rc1=0
	env ${envs[@]+"${envs[@]}"} "$@" >"$c/plain.out" 2>"$c/plain.err" || rc0=$?
	env ${envs[@]+"${envs[@]}"} "$GM_TOOL" record -q --sample-ms "$SC_SAMPLE_MS" -o "$c/t" -- "$@" \
		>"$c/traced.out" 2>"$c/traced.err" || rc1=$?
	[ $rc1 -lt 125 ] || [ $rc1 -ge 128 ] || sc_fail "record failed ($rc1): $(head -2 "$c/traced.err")"
	[ $rc0 = $rc1 ] || sc_fail "exit status $rc1 traced, $rc0 untraced"
	local norm='s/ (go_heap_[a-z_]*|lazyfree_[a-z_]*|malloc_[a-z_]*|child_[a-z]*_pid)=[0-9]*//g'
	cmp -s <(sed -E "$norm" "$c/plain.out") <(sed -E "$norm" "$c/traced.out") \
		|| sc_fail "output differs traced/untraced: $(diff <(sed -E "$norm" "$c/plain.out") <(sed -E "$norm" "$c/traced.out") | sed -n 2p)"
	grep '^GOMEMTRACE_TRUTH ' "$c/traced.out" | tail -1 | tr ' ' '\n' | sed -n 's/=/\t/p' >"$c/truth"
	[ -s "$c/truth" ] || sc_fail "no GOMEMTRACE_TRUTH line"
	if ! "$GM_TOOL" report --format json -o "$c/r.json" "$c/t" 2>"$c/report.err"; then
		# what the trace held, for the log (a trace record wrote that babeltrace2 cannot open)
		{ echo "# report failed on $c/t: record said:"; sed 's/^/#   /' "$c/traced.err"
		  find "$c/t" -type f -printf '#   %s %P\n' | sort -k2; } >&2
		sc_fail "report failed: $(head -1 "$c/report.err")"
	fi
	"$GM_JSON_FLAT" "$c/r.json" >"$c/r.flat" || sc_fail "report JSON does not parse"
	local pid; pid=$(sed -n 's/^pid=//p' "$c/t/gomemtrace-record.txt")
	sc_proc "$pid" >"$c/p"
	[ -s "$c/p" ] || sc_fail "recorded process $pid not in the report"
}

# sc_proc PID [GENERATION]: the flattened fields of that process, prefix stripped.
sc_proc() {
	awk -F'\t' -v p="$1" -v g="${2:-0}" '
		$1 ~ /^processes\.[0-9]+\.pid$/ { split($1, a, "."); pid[a[2]] = $2 }
		$1 ~ /^processes\.[0-9]+\.generation$/ { split($1, a, "."); if (pid[a[2]] == p && $2 == g) want = a[2] }
		{ lines[NR] = $0 } END {
			if (want == "") exit
			pre = "processes." want "."
			for (i = 1; i <= NR; i++) if (index(lines[i], pre) == 1) print substr(lines[i], length(pre) + 1)
		}' "$SC_CELL/r.flat"
}

# ---- reading a cell's figures ----

# sc_get KEY: a field of the recorded process (e.g. final.rss); empty if absent.
sc_get() { awk -F'\t' -v k="$1" '$1 == k { print $2; exit }' "$SC_CELL/p"; }
# sc_truth KEY: a ground-truth figure; fails the cell if the program did not print it.
sc_truth() {
	local v; v=$(awk -F'\t' -v k="$1" '$1 == k { print $2; exit }' "$SC_CELL/truth")
	[ -n "$v" ] || sc_fail "ground truth has no $1"
	echo "$v"
}
# sc_kinds: the findings' kinds, sorted, space-separated.
sc_kinds() { awk -F'\t' '$1 ~ /^findings\.[0-9]+\.kind$/ { print $2 }' "$SC_CELL/p" | sort | tr '\n' ' ' | sed 's/ $//'; }
# sc_finding FIELD KIND: that field (bytes, summary) of the finding of that kind.
sc_finding() {
	awk -F'\t' -v f="$1" -v k="$2" '
		$1 ~ /^findings\.[0-9]+\.kind$/ && $2 == k { split($1, a, "."); n = a[2] }
		n != "" && $1 == "findings." n "." f { print $2; exit }' "$SC_CELL/p"
}
# sc_suspect_bytes REGEX: live bytes of the leak suspects with a frame whose function matches
# REGEX (anchored: the whole name).
sc_suspect_bytes() {
	awk -F'\t' -v fn="$1" '
		$1 ~ /^leak_suspects\.[0-9]+\.bytes$/ { split($1, a, "."); b[a[2]] = $2 }
		$1 ~ /^leak_suspects\.[0-9]+\.frames\.[0-9]+\.function$/ && $2 ~ ("^(" fn ")$") { split($1, a, "."); hit[a[2]] = 1 }
		END { s = 0; for (i in hit) s += b[i]; print s }' "$SC_CELL/p"
}

# sc_frame_files FUNC: "N BAD": how many leak-suspect frames name function FUNC, and how many
# of them have a file that is not a .go file of examples/ (e.g. _cgo_gotypes.go: the line of an
# inlined cgo wrapper given to its caller).
sc_frame_files() {
	awk -F'\t' -v fn="$1" '
		$1 ~ /^leak_suspects\.[0-9]+\.frames\.[0-9]+\.function$/ { k = $1; sub(/function$/, "", k); f[k] = $2 }
		$1 ~ /^leak_suspects\.[0-9]+\.frames\.[0-9]+\.file$/ { k = $1; sub(/file$/, "", k)
			if (f[k] == fn) { n++; if ($2 !~ /examples\/[^\/]+\/[^\/]+\.go$/) bad++ } }
		END { print n + 0, bad + 0 }' "$SC_CELL/p"
}

# ---- assertions ----

# sc_expect_kinds "KIND ...": the findings are exactly these kinds (sorted; "" = none).
sc_expect_kinds() {
	local want; want=$(echo "$1" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
	local got; got=$(sc_kinds)
	[ "$got" = "$want" ] || sc_fail "findings [${got}], want [${want}]"
}
# sc_near WHAT GOT WANT: Go figures: within 10% or 2 MiB.
sc_near() {
	awk -v g="$2" -v w="$3" -v m=$MIB 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && (d <= 2 * m || d <= 0.1 * w)) }' \
		|| sc_fail "$1 = $2, ground truth $3 (tolerance 10% or 2 MiB)"
}
# sc_within1 WHAT GOT WANT: C leak bytes: within 1%.
sc_within1() {
	awk -v g="$2" -v w="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= 0.01 * w) }' \
		|| sc_fail "$1 = $2, ground truth $3 (tolerance 1%)"
}
# sc_ge WHAT GOT MIN
sc_ge() { awk -v g="$2" -v w="$3" 'BEGIN { exit !(g != "" && g + 0 >= w + 0) }' || sc_fail "$1 = $2, want >= $3"; }
# sc_le WHAT GOT MAX
sc_le() { awk -v g="$2" -v w="$3" 'BEGIN { exit !(g != "" && g + 0 <= w + 0) }' || sc_fail "$1 = $2, want <= $3"; }

# sc_go_figures: the reader's Go heap page states against runtime/metrics: in use = objects +
# unused + stacks (stack spans come from the same page heap), free retained = heap/free,
# released = heap/released; and the runtime's heap statistics read by the tracer: live
# objects = heap/objects, span fragmentation = heap/unused. The truth is read at a settled moment (examples/internal/truth)
# and the tracer sampled that same moment (gomemtrace_sample_now: the report's checkpoint),
# so the checkpoint is compared; the exit sample comes after the settled moment, with the
# scavenger stopped, and must agree too (the findings are computed from it).
sc_go_figures() {
	local inuse k
	inuse=$(( $(sc_truth go_heap_objects_bytes) + $(sc_truth go_heap_unused_bytes) + $(sc_truth go_heap_stacks_bytes) ))
	sc_ge "checkpoint.count (gomemtrace_sample_now at the truth)" "$(sc_get checkpoint.count)" 1
	[ "$(sc_get final.sample)" = exit ] || sc_fail "final figures from a '$(sc_get final.sample)' sample, want the exit sample"
	for k in checkpoint final; do
		sc_near $k.go_heap_in_use "$(sc_get $k.go_heap_in_use)" $inuse
		sc_near $k.go_heap_free_retained "$(sc_get $k.go_heap_free_retained)" "$(sc_truth go_heap_free_bytes)"
		sc_near $k.go_heap_released "$(sc_get $k.go_heap_released)" "$(sc_truth go_heap_released_bytes)"
		# the runtime's own heap statistics (preload/gostats.c): objects and span fragmentation;
		# a stripped binary has no runtime.memstats symbol: unknown, not guessed
		if [ "${SC_STRIPPED:-0}" = 1 ]; then
			case "$(sc_get $k.go_heap_objects)" in ""|null) ;; *) sc_fail "$k.go_heap_objects known in a stripped binary";; esac
		else
			sc_near $k.go_heap_objects "$(sc_get $k.go_heap_objects)" "$(sc_truth go_heap_objects_bytes)"
			sc_near $k.go_heap_unused "$(sc_get $k.go_heap_unused)" "$(sc_truth go_heap_unused_bytes)"
		fi
	done
}
