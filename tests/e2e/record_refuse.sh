#!/usr/bin/env bash
# What `gomemtrace record` refuses, each with one line on stderr, a non-zero status, and no
# session or trace left behind: a statically linked Go program (CGO_ENABLED=0), a missing
# program, a file that is not executable, a program built against musl libc, bad options. A #!
# script is accepted. Also the
# other commands: preload-path prints an existing absolute file, report fails on a missing
# trace, --help and --version answer.
. "$(dirname "$0")/lib.sh"
gm_sessiond
vers=($GM_GO_VERSIONS); v=${vers[${#vers[@]}-1]}
cd "$GM_SCRATCH"

# refuse STATUS REGEX CMD...: CMD exits STATUS with exactly one stderr line matching REGEX,
# nothing on stdout, and creates nothing in the scratch directory.
refuse() {
	local want=$1 re=$2; shift 2
	local before; before=$(ls "$GM_SCRATCH" | wc -l)
	local rc=0; "$@" >out 2>err || rc=$?
	[ $rc -eq "$want" ] || gm_fail "$*: exit $rc, expected $want; stderr: $(cat err)"
	[ "$(wc -l <err)" -eq 1 ] || gm_fail "$*: expected one line on stderr, got: $(cat err)"
	grep -qE -- "$re" err || gm_fail "$*: stderr '$(cat err)' does not match '$re'"
	[ ! -s out ] || gm_fail "$*: wrote to stdout: $(cat out)"
	rm -f out err
	[ "$(ls "$GM_SCRATCH" | wc -l)" -eq "$before" ] || gm_fail "$*: left files: $(ls "$GM_SCRATCH")"
}

mkdir -p src && cat >src/main.go <<'GO'
package main

import "fmt"

func main() { fmt.Println("static hello") }
GO
go=$(gm_go "$v")
(cd src && CGO_ENABLED=0 GO111MODULE=off GOFLAGS= GOCACHE="${GM_GOCACHE:-/tmp/gm-gocache}" "$go" build -o ../static .) \
	|| gm_fail "CGO_ENABLED=0 build failed"
./static | grep -qx 'static hello' || gm_fail "the static program does not run"
s="gm-record-refuse-$$"
refuse 126 "^gomemtrace record: \./static is statically linked: LD_PRELOAD cannot inject into it; rebuild with cgo enabled \(CGO_ENABLED=1\) or link dynamically$" \
	"$GM_TOOL" record --session "$s" -- ./static
sessions=$("$GM_LTTNG" list 2>&1 || true)
! grep -q "$s" <<<"$sessions" || gm_fail "a session was left behind: $s"
refuse 127 'not found' "$GM_TOOL" record -- "$GM_SCRATCH/no-such-program"
refuse 127 'not found in PATH' "$GM_TOOL" record -- gm-no-such-program-xyz
echo 'not a program' >plain.txt
refuse 126 'not an executable file' "$GM_TOOL" record -- ./plain.txt
refuse 126 'not an executable file' "$GM_TOOL" record -- "$GM_SCRATCH"
refuse 125 'no PROGRAM given' "$GM_TOOL" record -o x --
refuse 125 'stack-depth' "$GM_TOOL" record --stack-depth 500 -- /bin/true
refuse 125 'batch' "$GM_TOOL" record --batch 257 -- /bin/true
refuse 125 'families' "$GM_TOOL" record --families malloc,bogus -- /bin/true
refuse 125 'unknown option' "$GM_TOOL" record --bogus -- /bin/true
refuse 2 'unknown command' "$GM_TOOL" frobnicate
# a program of another libc (musl, as in Alpine images): refused before anything starts
command -v musl-gcc >/dev/null || gm_fail "musl-gcc is missing (./quickstart installs musl-tools)"
printf '#include <stdio.h>\nint main(void) { puts("musl"); return 3; }\n' >m.c
musl-gcc -o musl-prog m.c && rm -f m.c
[ "$(./musl-prog || true)" = musl ] || gm_fail "the musl program does not run"
refuse 126 'built against musl libc .*ld-musl' "$GM_TOOL" record -- ./musl-prog
rm -f musl-prog
rm -rf src static plain.txt

# A script is fine: its interpreter inherits LD_PRELOAD (and is traced).
printf '#!/bin/sh\necho script-ok "$@"\nexit 4\n' >script.sh && chmod +x script.sh
rc=0; "$GM_TOOL" record -q -o "$GM_SCRATCH/t-script" -- ./script.sh x >out 2>err || rc=$?
[ $rc -eq 4 ] || gm_fail "script: exit $rc, expected 4: $(cat err)"
grep -qx 'script-ok x' out || gm_fail "script: output $(cat out)"
[ -f t-script/gomemtrace-record.txt ] || gm_fail "script: no trace"
rm -f out err
# An existing trace is not overwritten.
refuse 125 'a trace already' "$GM_TOOL" record -o "$GM_SCRATCH/t-script" -- ./script.sh

# The other commands.
p=$("$GM_TOOL" preload-path) || gm_fail "preload-path failed"
[ "${p:0:1}" = / ] && [ -f "$p" ] || gm_fail "preload-path printed '$p'"
[ "$p" = "$(readlink -f "$GM_PRELOAD")" ] || gm_fail "preload-path: $p is not the build tree's $GM_PRELOAD"
"$GM_TOOL" --help | grep -q 'preload-path' || gm_fail "--help does not mention preload-path"
"$GM_TOOL" record --help | grep -q -- '--stack-depth' || gm_fail "record --help does not mention --stack-depth"
rc=0; "$GM_TOOL" report "$GM_SCRATCH/no-such-trace" >/dev/null 2>&1 || rc=$?
[ $rc -ne 0 ] || gm_fail "report of a missing trace exited 0"
"$GM_TOOL" --version | grep -qE '^gomemtrace [0-9]+\.[0-9]+' || gm_fail "--version"
echo "PASS: record_refuse"
