#!/bin/sh
# build.sh OUTDIR VERSION...: build the Go test programs of the gosyms unit tests into OUTDIR
# for each Go minor VERSION (e.g. 1.19): OUTDIR/go$V-{cgo,cgo-strip,cgo-pie,static,static-strip,pie}
# and OUTDIR/go$V.version (the output of `go version`). Idempotent: a program newer than its
# source is kept; concurrent callers are serialized with flock. Exit 0, or 1 on failure.
set -eu
out=$1; shift
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
export GO111MODULE=off GOFLAGS= GOCACHE="${GM_GOCACHE:-/tmp/gm-gocache}"
# gobuild GO DIR OUT CGO [flags...]
gobuild() {
	go=$1 dir=$2 o=$3 cgo=$4; shift 4
	if [ -x "$o" ] && [ "$o" -nt "$dir/main.go" ]; then return 0; fi
	(cd "$dir" && CGO_ENABLED=$cgo "$go" build -o "$o.tmp" "$@" .) && mv "$o.tmp" "$o"
}
for v in "$@"; do
	go=/usr/lib/go-$v/bin/go; [ -x "$go" ] || go=/usr/local/lib/gomemtrace/go-$v/bin/go # 1.27: quickstart's wrapper
	[ -x "$go" ] || { echo "build.sh: Go $v is not installed ($go)" >&2; exit 1; }
	"$go" version > "$out/go$v.version"
	gobuild "$go" "$src/cgosrc" "$out/go$v-cgo" 1
	gobuild "$go" "$src/cgosrc" "$out/go$v-cgo-strip" 1 -ldflags=-s\ -w
	gobuild "$go" "$src/cgosrc" "$out/go$v-cgo-pie" 1 -buildmode=pie
	gobuild "$go" "$src/gosrc" "$out/go$v-static" 0
	gobuild "$go" "$src/gosrc" "$out/go$v-static-strip" 0 -ldflags=-s\ -w
	gobuild "$go" "$src/gosrc" "$out/go$v-pie" 0 -buildmode=pie
done
