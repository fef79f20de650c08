#!/usr/bin/env bash
# demo-summary.sh: a summary of a gomemtrace trace computed from babeltrace2's text output,
# independently of `gomemtrace report` (a cross-check of the trace; tests/e2e/record_trace.sh
# runs it). It prints:
#   - events per type (and what the tracer discarded, as babeltrace2 reports it),
#   - per process: C bytes still allocated at the end of the trace (malloc/calloc/realloc/
#     memalign... minus free), i.e. leaked or not yet freed when the program exited,
#   - the allocation stacks holding the most of those bytes, as raw return addresses
#     (symbolized with `go tool addr2line` when GM_SUMMARY_BIN and GM_SUMMARY_GO are set).
# usage: demo-summary.sh TRACE_DIR [PROCNAME]
#   Only the processes with a thread called PROCNAME; without it, the program `gomemtrace record`
#   ran (pid in TRACE_DIR/gomemtrace-record.txt) and its descendants (the per-UID session also
#   records any other process of the user that has the preload); else every process.
# Environment: GM_BABELTRACE2 (babeltrace2), GM_SUMMARY_TOP (5 stacks), GM_SUMMARY_FRAMES (8),
#   GM_SUMMARY_BIN + GM_SUMMARY_GO (a Go binary and its go command, to name Go frames).
set -euo pipefail
trace=${1:?usage: demo-summary.sh TRACE_DIR [PROCNAME]}
want=${2:-}
bt=${GM_BABELTRACE2:-babeltrace2}
top=${GM_SUMMARY_TOP:-5}
frames=${GM_SUMMARY_FRAMES:-8}
tmp=$(mktemp -d /tmp/gm-summary.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$bt" "$trace" >"$tmp/events" 2>"$tmp/bt.err" || { echo "babeltrace2 cannot read $trace:" >&2; head -3 "$tmp/bt.err" >&2; exit 1; }

echo "== gomemtrace raw-trace summary (via babeltrace2; gomemtrace report gives the findings) =="
echo "trace: $trace"

root=""
if [ -z "$want" ] && [ -f "$trace/gomemtrace-record.txt" ]; then
	root=$(sed -n 's/^pid=//p' "$trace/gomemtrace-record.txt")
	[ "$root" != 0 ] || root=""
fi
[ -n "$root" ] && echo "process: pid $root (from gomemtrace-record.txt) and its descendants"
[ -n "$want" ] && echo "processes: those with a thread named $want"

# ---- one pass over the events (two with a filter) ----
: >"$tmp/stacks"
filter=0; [ -n "$want$root" ] && filter=1
awk -v want="$want" -v root="$root" -v filter="$filter" -v top="$top" -v frames="$frames" -v stacks="$tmp/stacks" '
function field(name,   re, m) {
	re = "[{ ,]" name " = [^,}]*"
	if (!match($0, re)) return ""
	m = substr($0, RSTART + 1, RLENGTH - 1)
	sub("^" name " = ", "", m); gsub(/"/, "", m); sub(/ +$/, "", m)
	return m
}
function num(s) { return s + 0 }
function stack(   i, s) {
	i = index($0, "stack = [")
	if (i == 0) return ""
	s = substr($0, i + 9)
	sub(/ *\] *\} *$/, "", s)
	gsub(/\[[0-9]+\] = /, "", s); gsub(/ /, "", s)
	return s
}
function add(p, size, key,   k) {
	if (p == "0x0" || p == "") return
	k = key SUBSEP p
	if (k in live) drop(p, key)
	live[k] = size; where[k] = stack(); proc_bytes[key] += size; proc_n[key]++
}
function drop(p, key,   k) {
	k = key SUBSEP p
	if (!(k in live)) { unknown_free[key]++; return }
	proc_bytes[key] -= live[k]; proc_n[key]--
	delete live[k]; delete where[k]
}
# First pass (only with a filter): the processes that have a thread of that name, or the
# parent of each process (proc_info events) to find the descendants of `root`.
filter && FNR == NR {
	if (want != "" && field("procname") == want) pick[field("vpid")] = 1
	if (root != "" && index($0, "gomemtrace:proc_info:")) parent[field("vpid")] = field("ppid")
	next
}
filter && !closed {
	closed = 1
	if (root != "") {
		pick[root] = 1
		do { more = 0; for (p in parent) if (!(p in pick) && (parent[p] in pick)) { pick[p] = 1; more = 1 } } while (more)
	}
}
{
	name = ""
	for (i = 1; i <= NF; i++) if ($i ~ /^[a-z_]+:[a-z_]+:$/) { name = substr($i, 1, length($i) - 1); break }
	if (name == "") next
	pn = field("procname")
	if (filter && !(field("vpid") in pick)) next
	count[name]++
	if (name !~ /^gomemtrace:/) next
	key = field("vpid")
	if (pn != "" && (!(key in pname) || field("vtid") == key)) pname[key] = pn # context, or proc_info
	seen[key] = 1
	ev = substr(name, 12)
	if (ev == "malloc" || ev == "valloc" || ev == "pvalloc" || ev == "aligned_alloc" || ev == "memalign" ||
	    ev == "posix_memalign")
		add(field("ptr"), num(field("size")), key)
	else if (ev == "calloc")
		add(field("ptr"), num(field("nmemb")) * num(field("size")), key)
	else if (ev == "realloc" || ev == "reallocarray") {
		inp = field("in_ptr"); p = field("ptr"); sz = num(field("nmemb")) * num(field("size"))
		if (p != "0x0" || sz == 0) { if (inp != "0x0") drop(inp, key) }
		if (p != "0x0") add(p, sz, key)
	} else if (ev == "free")
		drop(field("ptr"), key)
}
END {
	print ""
	print "-- events per type --"
	for (n in count) printf "%10d  %s\n", count[n], n | "sort -rn"
	close("sort -rn")
	print ""
	print "-- C memory still allocated at the end of the trace, per process --"
	for (key in seen)
		printf "%12d bytes in %8d blocks  %s (vpid %s)\n", proc_bytes[key], proc_n[key], pname[key], key | "sort -rn"
	close("sort -rn")
	for (k in live) { by[where[k]] += live[k]; nb[where[k]]++ }
	for (s in by) printf "%d\t%d\t%s\n", by[s], nb[s], s > stacks
	close(stacks)
}' "$tmp/events" $([ $filter = 1 ] && echo "$tmp/events")

if grep -qi discarded "$tmp/bt.err"; then
	n=$(grep -oiE 'discarded [0-9]+ events' "$tmp/bt.err" | awk '{s += $2} END {print s + 0}')
	echo ""
	echo "WARNING: the tracer discarded $n events (the ring buffer was full): the numbers above are incomplete"
fi

echo ""
echo "-- top $top allocation stacks of the C memory still allocated (innermost frame first) --"
sort -t$'\t' -k1,1nr "$tmp/stacks" | head -n "$top" >"$tmp/top" || true
while IFS=$'\t' read -r bytes blocks addrs; do
	printf '%d bytes in %d blocks, allocated at:\n' "$bytes" "$blocks"
	if [ -z "$addrs" ]; then echo "    (no stack recorded)"; continue; fi
	tr ',' '\n' <<<"$addrs" | head -n "$frames" >"$tmp/addrs"
	if [ -n "${GM_SUMMARY_BIN:-}" ] && [ -n "${GM_SUMMARY_GO:-}" ]; then
		# Go frames from go tool addr2line, C frames of the same binary from binutils' addr2line.
		"$GM_SUMMARY_GO" tool addr2line "$GM_SUMMARY_BIN" <"$tmp/addrs" 2>/dev/null | paste - - >"$tmp/names" || :
		if command -v addr2line >/dev/null; then
			addr2line -f -s -e "$GM_SUMMARY_BIN" <"$tmp/addrs" 2>/dev/null | paste - - >"$tmp/cnames" || :
		else
			: >"$tmp/cnames"
		fi
		paste "$tmp/addrs" "$tmp/names" "$tmp/cnames" | awk -F'\t' '{
			n = $2; if (n == "?" || n == "") { n = $4; if (n == "??") n = ""; else if (n != "") n = n " (C)" }
			printf "    %-18s %s\n", $1, n }'
	else
		sed 's/^/    /' "$tmp/addrs"
	fi
done <"$tmp/top"
echo ""
echo "(raw addresses map to binaries through the lttng_ust_statedump events; \`gomemtrace report\`"
echo " symbolizes them and tells cgo leaks from Go heap and scavenger retention.)"
