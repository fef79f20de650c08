#!/usr/bin/env bash
# `gomemtrace report` on bad input: a clear one-line error and a non-zero exit when nothing
# can be reported, a warning otherwise, never a crash:
#   missing directory, a directory that is no CTF trace, a trace without gomemtrace events
#   (statedump only) -> exit 1 with a message naming the problem;
#   the binary deleted after recording -> exit 0, a "binary gone" warning, raw addresses;
#   the binary replaced by a truncated or garbled copy -> exit 0, a warning (truncated), the leak
#   still found, no hang;
#   stream files truncated or overwritten with garbage -> no crash (exit 0 or 1, a message;
#   babeltrace2's own faults on garbage are contained by the reader);
#   bad options -> exit 2.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
set -- $GM_GO_VERSIONS; v=${!#}
err="$GM_SCRATCH/err"

expect_error() { # STATUS REGEX ARGS...: exit STATUS and one stderr line matching REGEX
	local want=$1 re=$2 rc=0; shift 2
	gm_report "$@" >/dev/null 2>"$err" || rc=$?
	[ $rc = "$want" ] || gm_fail "'$*': exit $rc, want $want ($(head -2 "$err"))"
	grep -qE -- "$re" "$err" || gm_fail "'$*': no message matching /$re/: $(head -2 "$err")"
}
expect_error 1 'No such file' "$GM_SCRATCH/nonexistent"
mkdir -p "$GM_SCRATCH/empty/sub"; echo hello >"$GM_SCRATCH/empty/sub/file"
expect_error 1 'not a CTF trace' "$GM_SCRATCH/empty"
expect_error 2 'usage' --top
expect_error 2 'unknown format' --format xml "$GM_SCRATCH/empty"

# a real trace of the leak program
bin="$GM_SCRATCH/cgoleak"
gm_go_build "$v" "$GM_TOP_SRCDIR/tests/data/report/cgoleak" "$bin"
t="$GM_SCRATCH/t"
gm_trace "$t" -- "$bin" >/dev/null || gm_fail "trace run failed"

# a trace with lttng-ust events only (no gomemtrace events): record statedump only
s="gm-$GM_TEST_NAME-$$-sd"; GM_SESSIONS+=("$s")
"$GM_LTTNG" create "$s" -o "$GM_SCRATCH/sd" >/dev/null
"$GM_LTTNG" enable-event -u -s "$s" 'lttng_ust_statedump:*' >/dev/null
"$GM_LTTNG" add-context -u -s "$s" -t vpid >/dev/null
"$GM_LTTNG" start "$s" >/dev/null
LD_PRELOAD="$GM_PRELOAD" "$bin" >/dev/null
"$GM_LTTNG" destroy "$s" >/dev/null
expect_error 1 'no gomemtrace events' "$GM_SCRATCH/sd"

# binary gone: the report still works, warns, keeps raw addresses
mv "$bin" "$bin.moved"
gm_report --format json "$t" >"$GM_SCRATCH/gone.json" 2>"$err" || gm_fail "report failed without the binary"
mv "$bin.moved" "$bin"
jq -e --arg b "$bin" '.warnings | any(contains($b) and contains("missing"))' "$GM_SCRATCH/gone.json" >/dev/null \
	|| gm_fail "no warning about the missing binary: $(jq -c .warnings "$GM_SCRATCH/gone.json")"
jq -e --arg b "$bin" '.processes[] | select(.exe == $b) | .leak_suspects | any(.bytes == 2621440)' \
	"$GM_SCRATCH/gone.json" >/dev/null || gm_fail "leak not found without the binary"

# binary replaced by a damaged copy (truncated; its middle overwritten): a warning (the build id
# differs, or it cannot be read), raw addresses where it cannot be trusted, never a crash or a hang
cp "$bin" "$bin.good"
for how in truncate garble; do
	cp "$bin.good" "$bin"
	if [ $how = truncate ]; then truncate -s 4096 "$bin"
	else sz=$(stat -c %s "$bin"); head -c 65536 /dev/urandom | dd of="$bin" bs=1 seek=$((sz / 2)) conv=notrunc status=none; fi
	rc=0; timeout 120 "$GM_TOOL" report --format json "$t" >"$GM_SCRATCH/dmg.json" 2>"$err" || rc=$?
	[ $rc = 0 ] || gm_fail "binary $how: report exit $rc: $(head -2 "$err")"
	jq -e --arg b "$bin" '.warnings | any(contains($b))' "$GM_SCRATCH/dmg.json" >/dev/null \
		|| [ $how = garble ] || gm_fail "binary $how: no warning naming it: $(jq -c .warnings "$GM_SCRATCH/dmg.json")"
	jq -e --arg b "$bin" '.processes[] | select(.exe == $b) | .leak_suspects | any(.bytes == 2621440)' \
		"$GM_SCRATCH/dmg.json" >/dev/null || gm_fail "binary $how: the leak is not found"
done
mv "$bin.good" "$bin"

# damaged stream files: truncated at several points, overwritten with garbage
streams=$(find "$t" -type f -name 'gmch_*' ! -name '*.idx' -size +8k)
[ -n "$streams" ] || gm_fail "no stream file in $t"
for cut in 1000 5000 33333 100000; do
	rm -rf "$GM_SCRATCH/cut"; cp -r "$t" "$GM_SCRATCH/cut"
	for f in $(find "$GM_SCRATCH/cut" -type f -name 'gmch_*' ! -name '*.idx'); do
		[ "$(stat -c %s "$f")" -gt $cut ] && truncate -s $cut "$f"
	done
	rc=0; gm_report "$GM_SCRATCH/cut" >/dev/null 2>"$err" || rc=$?
	[ $rc -le 1 ] || gm_fail "truncated at $cut: exit $rc"
	[ $rc = 0 ] || [ -s "$err" ] || gm_fail "truncated at $cut: failed without a message"
done
for seed in 1 2 3 4 5 6 7; do
	rm -rf "$GM_SCRATCH/bad"; cp -r "$t" "$GM_SCRATCH/bad"
	for f in $(find "$GM_SCRATCH/bad" -type f -name 'gmch_*' ! -name '*.idx'); do
		sz=$(stat -c %s "$f"); [ "$sz" -gt 4096 ] || continue
		off=$(( (sz * seed / 8) & ~7 ))
		head -c 512 /dev/urandom | dd of="$f" bs=1 seek=$off conv=notrunc status=none
	done
	# babeltrace2 2.0.4 may try to allocate a garbage sequence length: bound the address
	# space so that glib's failed allocation traps (caught) instead of the OOM killer acting
	rc=0; (ulimit -v 4000000; gm_report --format json "$GM_SCRATCH/bad" >/dev/null 2>"$err") || rc=$?
	[ $rc -le 1 ] || gm_fail "garbage (seed $seed): exit $rc"
done
echo "PASS: report_badinput"
