#!/bin/sh
# devpage.sh: for working on page.js/page.css without rebuilding: assembles the page as
# tools/report/html.c does, from this directory's parts and a saved JSON report (e.g.
# `gomemtrace report --format json -o r.json TRACE`, or a hand-made fixture) and optionally a
# saved gm-stacks block (take it from a page html.c wrote: the text of <script id="gm-stacks">).
# usage: devpage.sh REPORT.json [STACKS.json] >page.html; then open page.html in a browser.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 REPORT.json [STACKS.json] >page.html" >&2; exit 2; }
stacks=${2:-}
script_text() { sed 's/</\\u003c/g' "$1"; } # as html.c: '<' only occurs inside JSON strings
while IFS= read -r line; do
	case $line in
	'/*@gm:css@*/') cat "$here/page.css" ;;
	'/*@gm:js@*/') cat "$here/page.js" ;;
	'/*@gm:data@*/') script_text "$1" ;;
	'/*@gm:stacks@*/') if [ -n "$stacks" ]; then script_text "$stacks"; else echo '{ "processes": [] }'; fi ;;
	*) printf '%s\n' "$line" ;;
	esac
done <"$here/page.html"
