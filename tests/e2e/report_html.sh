#!/usr/bin/env bash
# `gomemtrace report --format html` on a trace made by `gomemtrace record --sample-ms 100` of
# tests/data/report/cgoleak (40 x 64 KiB leaked under main.leakC; main.keepC keeps 3 MiB),
# built with one Go version (the newest of GM_GO_VERSIONS), the page rendered by Debian's
# headless chromium:
#  - the file: one page, nothing it would fetch (no src=/href= to anything), its gm-data block
#    holds no "</" and is the JSON report itself (jq-equal to --format json);
#  - the DOM after the script ran: data-gm-ready, no JavaScript error (#gm-errors empty, and
#    chromium's console shows no error), one section for the process, the RSS plot with as
#    many points as the JSON's timeline, the Go heap plots, the suspects-over-time plot, the
#    flame graph holding every live C byte (c_heap_live + c_mmap), the findings' text, the
#    suspects and releases tables;
#  - the flame graph's search (page.html#search=main.leakC) matches main.leakC's 2621440
#    bytes, as --format folded counts them;
#  - hovering each plot shows its tooltip, a legend entry hides its series, a click on
#    main.leakC zooms the flame graph, with no error (a script added to a copy of the page);
#  - a screenshot, kept in the scratch directory (GM_KEEP=1 keeps that).
# No timing is asserted: chromium gets minutes, the page renders at load.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
chromium=$(command -v chromium || true)
[ -n "$chromium" ] || gm_skip "chromium is not installed (./quickstart installs it)"
src="$GM_TOP_SRCDIR/tests/data/report/cgoleak"
leak=2621440
v=${GM_GO_VERSIONS##* }
d="$GM_SCRATCH/$v"; mkdir -p "$d"

# gm_chromium OUT_PREFIX URL ARGS...: run headless chromium on URL with a profile of its own;
# stdout to OUT_PREFIX.out, stderr (its log) to OUT_PREFIX.log.
gm_chromium() {
	local out=$1 url=$2; shift 2
	local rc=0
	timeout 300 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$GM_SCRATCH/chromium-profile" \
		--enable-logging=stderr --v=0 "$@" "$url" >"$out.out" 2>"$out.log" || rc=$?
	[ $rc -eq 0 ] || { tail -5 "$out.log"; gm_fail "chromium exited $rc on $url ($*)"; }
	# the page's own errors, as chromium logs them (SVG attribute errors included)
	if grep -E 'CONSOLE.*("Uncaught|"Error|"TypeError|"ReferenceError|"SyntaxError)' "$out.log" >&2; then
		gm_fail "chromium's console shows JavaScript errors on $url"
	fi
}
# gm_attr FILE ELEMENT_REGEX ATTR: the value of ATTR in the first tag of FILE matching the regex.
gm_attr() { grep -oE "$2" "$1" | head -1 | grep -oE "$3=\"[^\"]*\"" | head -1 | sed 's/^[^"]*"//; s/"$//'; }

gm_go_build "$v" "$src" "$d/cgoleak"
rc=0
"$GM_TOOL" record -o "$d/trace" --sample-ms 100 --session "gm-rhtml-$$" -- "$d/cgoleak" 1200ms \
	>"$d/out" 2>"$d/err" || rc=$?
[ $rc -eq 0 ] || { cat "$d/err"; gm_fail "Go $v: record exited $rc"; }
gm_report --format html -o "$d/page.html" "$d/trace" 2>"$d/herr" || { cat "$d/herr"; gm_fail "--format html failed"; }
gm_report --format json -o "$d/r.json" "$d/trace" || gm_fail "--format json failed"
gm_report --format folded -o "$d/folded" "$d/trace" 2>/dev/null || gm_fail "--format folded failed"
p='.processes[0]'
points=$(jq -r "$p.timeline.points // empty" "$d/r.json")
[ -n "$points" ] && [ "$points" -ge 3 ] || gm_fail "the JSON report's timeline has ${points:-no} points (want >= 3 at --sample-ms 100 over 1.2 s)"
nfind=$(jq -r "$p.findings | length" "$d/r.json")
[ "$nfind" -ge 1 ] || gm_fail "no finding in the JSON report (want cgo_leak)"

# ---- the file ----
[ "$(grep -ciE '(src|href)="?(https?:)?//' "$d/page.html")" -eq 0 ] || gm_fail "the page refers to something outside it"
awk '/<script type="application\/json" id="gm-data">/ { on = 1; next } on && /^<\/script>$/ { exit } on' \
	"$d/page.html" >"$d/data.json"
[ -s "$d/data.json" ] || gm_fail "no gm-data block in the page"
! grep -q '</' "$d/data.json" || gm_fail "the gm-data block holds '</'"
[ "$(jq -S . "$d/data.json")" = "$(jq -S . "$d/r.json")" ] || gm_fail "the page's gm-data is not the JSON report"
awk '/<script type="application\/json" id="gm-stacks">/ { on = 1; next } on && /^<\/script>$/ { exit } on' \
	"$d/page.html" >"$d/stacks.json"
jq -e '.processes | length == 1' "$d/stacks.json" >/dev/null || gm_fail "the gm-stacks block does not hold one process"

# ---- the DOM ----
gm_chromium "$d/dom" "file://$d/page.html" --dump-dom
dom="$d/dom.out"
grep -q 'data-gm-ready="true"' "$dom" || gm_fail "the page did not finish drawing (no body data-gm-ready)"
grep -qE 'id="gm-errors"[^>]*data-count="0"' "$dom" || { grep -o 'class="gm-error">[^<]*' "$dom" | head -5;
	gm_fail "the page reports JavaScript errors"; }
[ "$(grep -o 'class="gm-proc"' "$dom" | wc -l)" -eq 1 ] || gm_fail "want one process section"
for c in rss go-heap go-chunks stacks flame; do
	grep -q "data-chart=\"$c\"" "$dom" || gm_fail "no $c plot in the page"
done
got=$(gm_attr "$dom" '<svg[^>]*data-chart="rss"[^>]*>' data-points)
[ "$got" = "$points" ] || gm_fail "the RSS plot has ${got:-no} points, the JSON's timeline $points"
got=$(gm_attr "$dom" '<svg[^>]*data-chart="go-chunks"[^>]*>' data-chunks)
want=$(jq -r "$p.timeline.go_chunks.chunks | length" "$d/r.json")
[ "$got" = "$want" ] || gm_fail "the chunk map has ${got:-no} chunks, the JSON's timeline $want"
# the findings' text (the DOM escapes & < > in text)
sed -e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&amp;/\&/g' "$dom" >"$d/dom.txt"
for i in $(seq 0 $((nfind - 1))); do
	s=$(jq -r "$p.findings[$i].summary" "$d/r.json")
	grep -qF -- "$s" "$d/dom.txt" || gm_fail "finding $((i + 1)) is not in the page: $s"
done
grep -q 'data-kind="cgo_leak"' "$dom" || gm_fail "no cgo_leak finding in the page"
# the flame graph holds every live C byte
total=$(gm_attr "$dom" '<svg[^>]*data-chart="flame"[^>]*>' data-total)
want=$(jq -r "$p.final.c_heap_live + $p.final.c_mmap" "$d/r.json")
[ "$total" = "$want" ] || gm_fail "the flame graph holds ${total:-nothing} bytes, c_heap_live + c_mmap = $want"
nodes=$(gm_attr "$dom" '<svg[^>]*data-chart="flame"[^>]*>' data-nodes)
[ "${nodes:-0}" -ge 5 ] || gm_fail "the flame graph drew ${nodes:-no} frames"
grep -q '>main.leakC<' "$dom" || gm_fail "the flame graph does not name main.leakC"
# the tables: a row per suspect shown, and the releases section
sed 's/</\n</g' "$dom" >"$d/dom.lines" # a tag a line
rows=$(sed -n '/<table[^>]*data-table="suspects"/,/<\/table>/p' "$d/dom.lines" | grep -c '^<tr>' || true)
want=$(jq -r "$p.leak_suspects | length" "$d/r.json")
[ "$rows" -eq $((want + 1)) ] || gm_fail "the suspects table has $((rows - 1)) rows, the JSON $want suspects"
grep -q 'Go heap released to the OS' "$dom" || gm_fail "no releases section"

# ---- the search ----
gm_chromium "$d/search" "file://$d/page.html#search=main.leakC" --dump-dom
matched=$(gm_attr "$d/search.out" '<span[^>]*class="gm-match-info"[^>]*>' data-matched)
want=$(awk '/(^|;)main\.leakC(;|$| )/ { s += $NF } END { print s + 0 }' "$d/folded")
[ "$want" -ge $leak ] || gm_fail "folded: main.leakC holds $want, want >= $leak"
[ "$matched" = "$want" ] || gm_fail "search main.leakC matched ${matched:-nothing} bytes, folded says $want"
grep -q 'class="gm-match"' "$d/search.out" || gm_fail "the search highlighted nothing"

# ---- hover, legend, zoom, driven by a script added to a copy of the page ----
{ sed '/^<\/body>$/,$d' "$d/page.html"; cat <<'EOF'
<script>
(function () {
	var out = [], tip = document.getElementById('gm-tip');
	function move(e) {
		var r = e.getBoundingClientRect();
		e.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: r.left + r.width * 0.6, clientY: r.top + r.height * 0.5 }));
		return tip.hidden ? 'hidden' : 'tip';
	}
	['rss', 'go-heap', 'go-chunks', 'stacks'].forEach(function (c) {
		var s = document.querySelector('svg[data-chart="' + c + '"]');
		/* the chunk map: over its first cell (its rows end above the time axis) */
		out.push(c + ':' + (s ? move(c === 'go-chunks' ? s.querySelector('rect') : s) : 'none'));
		if (s) s.dispatchEvent(new MouseEvent('mouseleave'));
	});
	var b = document.querySelector('.gm-plot[data-plot="rss"] .gm-legend button');
	b.click();
	out.push('legend:' + b.className);
	b.click();
	var fl = document.querySelector('svg[data-chart="flame"]'), before = fl.getAttribute('data-nodes');
	var leaf = Array.prototype.filter.call(fl.querySelectorAll('text'), function (t) { return t.textContent === 'main.leakC'; })[0];
	var r = leaf.parentNode.querySelector('rect');
	out.push('flame:' + move(r));
	r.dispatchEvent(new MouseEvent('click', { bubbles: true }));
	out.push('zoom:' + (fl.getAttribute('data-nodes') !== before ? 'changed' : 'same'));
	document.body.setAttribute('data-gm-interact', out.join(' '));
})();
</script>
</body>
</html>
EOF
} >"$d/interact.html"
gm_chromium "$d/interact" "file://$d/interact.html" --window-size=1280,3000 --dump-dom
got=$(gm_attr "$d/interact.out" '<body[^>]*>' data-gm-interact)
want='rss:tip go-heap:tip go-chunks:tip stacks:tip legend:gm-off flame:tip zoom:changed'
[ "$got" = "$want" ] || gm_fail "interactions: got '$got', want '$want'"
grep -qE 'id="gm-errors"[^>]*data-count="0"' "$d/interact.out" || gm_fail "JavaScript errors while hovering or zooming"

# ---- a screenshot ----
gm_chromium "$d/shot" "file://$d/page.html" --hide-scrollbars --window-size=1280,2400 --screenshot="$d/page.png"
[ "$(head -c 8 "$d/page.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || gm_fail "no PNG screenshot"
gm_note "Go $v: $points points, $nfind finding(s), flame graph $total B in $nodes frames, search main.leakC $matched B; screenshot $d/page.png (GM_KEEP=1 keeps it)"
echo "PASS: report_html"
