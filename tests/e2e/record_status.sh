#!/usr/bin/env bash
# `gomemtrace record` is transparent: on the oldest and newest Go configured, a cgo program's
# stdout and stderr are byte-identical to an untraced run (record's own lines all start with
# "gomemtrace record: "), exit 3 gives 3, death by SIGKILL gives 137 and still a readable trace;
# options reach the program as GOMEMTRACE_* and LD_PRELOAD keeps what was there (after ours)
# and the tracer obeys them; a scrubbed environment (env -i) still records.
. "$(dirname "$0")/lib.sh"
gm_sessiond
mkdir -p "$GM_SCRATCH/src"
cat >"$GM_SCRATCH/src/main.go" <<'GO'
package main

/*
#include <stdio.h>
#include <stdlib.h>
static void cside(const char *s) {
	char *p = malloc(4321);
	if (!p) return;
	snprintf(p, 4321, "%s", s);
	printf("c-stdout %s\n", p); fflush(stdout);
	fprintf(stderr, "c-stderr %s\n", s);
	free(p);
}
*/
import "C"

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

func main() {
	s := C.CString("hello")
	C.cside(s)
	C.free(unsafe.Pointer(s))
	fmt.Println("go-stdout", os.Args[1:])
	fmt.Fprintln(os.Stderr, "go-stderr", len(os.Args))
	switch os.Args[1] {
	case "exit3":
		os.Exit(3)
	case "kill":
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	case "env":
		for _, k := range []string{"LD_PRELOAD", "GOMEMTRACE_STACK_DEPTH", "GOMEMTRACE_SAMPLE_MS",
			"GOMEMTRACE_FREE_STACKS", "GOMEMTRACE_GO_TRAP", "GOMEMTRACE_FAMILIES", "GOMEMTRACE_GO_CHUNKS",
			"GOMEMTRACE_BATCH"} {
			fmt.Printf("%s=%s\n", k, os.Getenv(k))
		}
	}
}
GO
# prog_events TRACE: the events of the recorded program only (the per-UID session also records
# any other preloaded process of this uid, e.g. concurrent tests).
prog_events() {
	local pid; pid=$(sed -n 's/^pid=//p' "$1/gomemtrace-record.txt")
	[ "${pid:-0}" -gt 0 ] || gm_fail "no pid in $1/gomemtrace-record.txt"
	gm_events "$1" >"$1.all"
	grep -F "{ vpid = $pid," "$1.all" || true
}

vers=($GM_GO_VERSIONS)
first=${vers[0]} last=${vers[${#vers[@]}-1]}
lib=$("$GM_TOOL" preload-path) || gm_fail "preload-path failed"
extra=$(gm_ust_lib liblttng-ust-fork.so)   # any harmless library that exists, as a user preload

for v in $(printf '%s\n' "$first" "$last" | sort -u); do
	d="$GM_SCRATCH/$v"; mkdir -p "$d"
	bin="$d/status"
	gm_go_build "$v" "$GM_SCRATCH/src" "$bin"

	# Identical output.
	"$bin" out a "b c" >"$d/plain.out" 2>"$d/plain.err" || gm_fail "Go $v: untraced run failed"
	"$GM_TOOL" record -o "$d/t-out" -- "$bin" out a "b c" >"$d/rec.out" 2>"$d/rec.err" \
		|| gm_fail "Go $v: traced run failed: $(cat "$d/rec.err")"
	cmp "$d/plain.out" "$d/rec.out" || gm_fail "Go $v: stdout differs"
	grep -v '^gomemtrace record: ' "$d/rec.err" >"$d/rec.err2" || true
	cmp "$d/plain.err" "$d/rec.err2" || { diff "$d/plain.err" "$d/rec.err2"; gm_fail "Go $v: stderr differs"; }
	grep -q 'gomemtrace:malloc: .* size = 4321,' <(prog_events "$d/t-out") || gm_fail "Go $v: malloc(4321) not traced"

	# Exit statuses.
	rc=0; "$GM_TOOL" record -q -o "$d/t-exit" -- "$bin" exit3 >/dev/null 2>&1 || rc=$?
	[ $rc -eq 3 ] || gm_fail "Go $v: exit 3 came back as $rc"
	grep -qx 'exit_status=3' "$d/t-exit/gomemtrace-record.txt" || gm_fail "Go $v: exit_status=3 not recorded"
	rc=0; "$GM_TOOL" record -o "$d/t-kill" -- "$bin" kill >/dev/null 2>"$d/kill.err" || rc=$?
	[ $rc -eq 137 ] || gm_fail "Go $v: SIGKILL came back as $rc"
	grep -q 'killed by signal 9' "$d/kill.err" || gm_fail "Go $v: no 'killed by signal 9' line"
	grep -q 'gomemtrace:malloc: .* size = 4321,' <(prog_events "$d/t-kill") || gm_fail "Go $v: killed run: no trace"

	# Options -> environment -> tracer.
	LD_PRELOAD="$extra" env -u GOMEMTRACE_BATCH "$GM_TOOL" record -q -o "$d/t-env" --stack-depth 3 --sample-ms 0 --free-stacks \
		--no-go-trap --families malloc --no-go-chunks --batch 0 -- "$bin" env >"$d/env.out" 2>/dev/null \
		|| gm_fail "Go $v: record with options failed"
	fork=$(gm_ust_lib liblttng-ust-fork.so) dl=$(gm_ust_lib liblttng-ust-dl.so)
	want="LD_PRELOAD=$lib:$(readlink -f "$fork"):$(readlink -f "$dl"):$extra"
	got=$(grep '^LD_PRELOAD=' "$d/env.out")
	# The helper libraries may be named .so or .so.1: compare resolved paths.
	norm() { tr ':' '\n' <<<"${1#LD_PRELOAD=}" | while read -r f; do readlink -f "$f"; done | paste -sd:; }
	[ "$(norm "$got")" = "$(norm "$want")" ] || gm_fail "Go $v: $got, expected $want"
	for kv in GOMEMTRACE_STACK_DEPTH=3 GOMEMTRACE_SAMPLE_MS=0 GOMEMTRACE_FREE_STACKS=1 GOMEMTRACE_GO_TRAP=0 \
		GOMEMTRACE_FAMILIES=malloc GOMEMTRACE_GO_CHUNKS=0 GOMEMTRACE_BATCH=0; do
		grep -qx "$kv" "$d/env.out" || gm_fail "Go $v: $kv not passed"
	done
	prog_events "$d/t-env" | grep ' gomemtrace:' >"$d/env.ev" || true
	[ "$(gm_count "$d/env.ev" 'gomemtrace:(mmap|munmap|madvise|sample):')" -eq 0 ] \
		|| gm_fail "Go $v: --families malloc / --sample-ms 0 not obeyed"
	[ "$(gm_count "$d/env.ev" '_stack_length = ([4-9]|[1-9][0-9]+),')" -eq 0 ] \
		|| gm_fail "Go $v: --stack-depth 3 not obeyed"
	[ "$(gm_count "$d/env.ev" 'gomemtrace:free: .*_stack_length = [1-9]')" -gt 0 ] \
		|| gm_fail "Go $v: --free-stacks not obeyed"

	# A scrubbed environment: no PATH, no HOME.
	(cd "$d" && env -i "$GM_TOOL" record --sample-bytes 0 --batch 0 -o "$d/t-scrub" -- "$bin" out a "b c" >"$d/scrub.out" 2>"$d/scrub.err") \
		|| gm_fail "Go $v: record under env -i failed: $(cat "$d/scrub.err")"
	cmp "$d/plain.out" "$d/scrub.out" || gm_fail "Go $v: stdout differs under env -i"
	# (env -i drops lib.sh's GOMEMTRACE_BATCH=0: --batch 0 asks for one event per call)
	grep -q 'gomemtrace:malloc: .* size = 4321,' <(prog_events "$d/t-scrub") || gm_fail "Go $v: env -i: not traced"
	gm_note "Go $v: transparent output, exit 3, 137, options, env -i"
done
echo "PASS: record_status"
