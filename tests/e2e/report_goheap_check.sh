#!/usr/bin/env bash
# The Go heap's self-check (docs/go-heap.md, "The self-check"): examples/freeosmem (a 256 MiB
# spike returned with debug.FreeOSMemory: thousands of page releases by the scavenger), built
# with the newest Go of GM_GO_VERSIONS twice:
#  - as is: every release checked matches the page bitmaps (go_heap_check.failed = 0,
#    releases_checked > 0) and the Go heap figures are there;
#  - with a runtime whose pallocData has its two fields swapped (`go build -overlay` replacing
#    runtime/mpallocbits.go: scavenged bits first, then the allocation bits; the runtime stays
#    consistent, only its layout differs from the one the tracer reads): the self-check fails,
#    the report warns at the top "Go heap page states unavailable — untested runtime layout",
#    every go_heap_* figure is null (never a wrong number) and no Go finding is made from them,
#    while the /proc figures and the madvise accounting, which need no Go internals, are there.
# Both programs exit 0 traced as untraced.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
v=${GM_GO_VERSIONS##* }
go=$(gm_go "$v")
src="$GM_TOP_SRCDIR/examples/freeosmem"
goroot=$("$go" env GOROOT) || gm_fail "go $v env GOROOT failed"
orig="$goroot/src/runtime/mpallocbits.go"
[ -f "$orig" ] || gm_fail "no $orig"
perl -0pe 's/type pallocData struct \{\n\tpallocBits\n\tscavenged pageBits\n\}/type pallocData struct {\n\tscavenged pageBits\n\tpallocBits\n}/ or die "no pallocData to swap\n"' \
	"$orig" >"$GM_SCRATCH/mpallocbits.go" || gm_fail "Go $v: pallocData is not {pallocBits; scavenged pageBits} (docs/go-heap.md)"
printf '{"Replace":{"%s":"%s"}}\n' "$orig" "$GM_SCRATCH/mpallocbits.go" >"$GM_SCRATCH/overlay.json"
gm_go_build "$v" "$src" "$GM_SCRATCH/freeosmem"
gm_go_build "$v" "$src" "$GM_SCRATCH/freeosmem-swapped" -overlay="$GM_SCRATCH/overlay.json"
cmp -s "$GM_SCRATCH/freeosmem" "$GM_SCRATCH/freeosmem-swapped" && gm_fail "the overlay changed nothing in the binary"

for kind in plain swapped; do
	bin="$GM_SCRATCH/freeosmem"; [ $kind = plain ] || bin="$bin-swapped"
	"$bin" >"$GM_SCRATCH/$kind.untraced" || gm_fail "$kind: the untraced program exits $?"
	t="$GM_SCRATCH/t-$kind"
	gm_trace "$t" -- "$bin" >"$GM_SCRATCH/$kind.out" || gm_fail "$kind: the traced program exits $?"
	[ "$(head -1 "$GM_SCRATCH/$kind.out")" = "$(head -1 "$GM_SCRATCH/$kind.untraced")" ] \
		|| gm_fail "$kind: traced output differs: $(head -1 "$GM_SCRATCH/$kind.out")"
	gm_report --format json -o "$GM_SCRATCH/r-$kind.json" "$t" || gm_fail "$kind: report failed"
	gm_report -o "$GM_SCRATCH/r-$kind.txt" "$t" || gm_fail "$kind: text report failed"
	gm_proc_json "$GM_SCRATCH/r-$kind.json" "$bin" >"$GM_SCRATCH/p-$kind.json" || gm_fail "$kind: process not in the report"
done

# as is: checked, matched, figures present
p="$GM_SCRATCH/p-plain.json"
jq -e '.go_heap_check.releases_checked > 0 and .go_heap_check.failed == 0' "$p" >/dev/null \
	|| gm_fail "plain: self-check $(jq -c .go_heap_check "$p"), want releases checked and none failed"
jq -e '.final.go_heap_in_use > 0 and .final.go_heap_released > 0' "$p" >/dev/null || gm_fail "plain: no Go heap figures"
grep -q "Go heap page states unavailable" "$GM_SCRATCH/r-plain.txt" && gm_fail "plain: self-check warning"

# swapped layout: failed, warned at the top, no Go figure, the rest there
p="$GM_SCRATCH/p-swapped.json"
jq -e '.go_heap_check.failed > 0 and .go_heap_check.first_failed_at > 0' "$p" >/dev/null \
	|| gm_fail "swapped: self-check $(jq -c .go_heap_check "$p"), want failures"
jq -e 'any(.warnings[]; contains("Go heap page states unavailable") and contains("untested runtime layout"))' \
	"$GM_SCRATCH/r-swapped.json" >/dev/null || gm_fail "swapped: no warning: $(jq -c .warnings "$GM_SCRATCH/r-swapped.json")"
w=$(grep -n "^warning: .*Go heap page states unavailable" "$GM_SCRATCH/r-swapped.txt" | head -1 | cut -d: -f1)
first_proc=$(grep -n "^pid \|^== \|^process" "$GM_SCRATCH/r-swapped.txt" | head -1 | cut -d: -f1)
[ -n "$w" ] || gm_fail "swapped: the text report has no warning"
[ -z "$first_proc" ] || [ "$w" -lt "$first_proc" ] || gm_fail "swapped: the warning is not at the top"
for f in go_heap_in_use go_heap_free_retained go_heap_released; do
	jq -e --arg f $f '.final[$f] == null and (.checkpoint == null or .checkpoint[$f] == null)' "$p" >/dev/null \
		|| gm_fail "swapped: $f = $(jq -c --arg f $f '[.final[$f], .checkpoint[$f]?]' "$p"), want null"
done
jq -e '.peak.go_heap_in_use == null' "$p" >/dev/null || gm_fail "swapped: peak.go_heap_in_use is not null"
jq -e '[.findings[].kind] | all(. != "scavenger_retention" and . != "go_heap_growth")' "$p" >/dev/null \
	|| gm_fail "swapped: a Go heap finding from withheld figures: $(jq -c .findings "$p")"
jq -e '.final.rss > 0 and .releases.madv_dontneed > 0' "$p" >/dev/null \
	|| gm_fail "swapped: rss or the madvise accounting missing: $(jq -c '[.final.rss, .releases]' "$p")"
echo "PASS: report_goheap_check (go$v: $(jq .go_heap_check.releases_checked "$GM_SCRATCH/p-plain.json") releases checked as is; swapped pallocData: $(jq .go_heap_check.failed "$p") failed, figures withheld)"
