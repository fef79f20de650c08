#!/usr/bin/env bash
# `gomemtrace record` leaves the user's own LTTng state alone: the session is created through
# liblttng-ctl, not `lttng create`, which would make it the user's current session in
# ~/.lttngrc (an operator's next plain `lttng stop` would then target it), and whose
# `lttng destroy` then deletes that file, the user's own current session with it. A user whose
# ~/.lttngrc names a session of their own has it unchanged after a record; one without has none.
. "$(dirname "$0")/lib.sh"
gm_sessiond
bin="$GM_SCRATCH/cgoleak"
gm_go_build "${GM_GO_VERSIONS##* }" "$GM_TOP_SRCDIR/examples/cgoleak" "$bin"
for kind in mine none; do
	home="$GM_SCRATCH/home-$kind"; mkdir -p "$home"
	[ $kind = mine ] && printf 'session=my-own-session\n' >"$home/.lttngrc"
	rc=0
	HOME="$home" "$GM_TOOL" record -q -o "$GM_SCRATCH/t-$kind" -- "$bin" -rounds 1 -per-round 10 -pause 1ms \
		>/dev/null 2>"$GM_SCRATCH/err-$kind" || rc=$?
	[ $rc -eq 0 ] || { cat "$GM_SCRATCH/err-$kind"; gm_fail "$kind: record exited $rc"; }
	[ -d "$GM_SCRATCH/t-$kind/ust" ] || gm_fail "$kind: no trace written"
	if [ $kind = mine ]; then
		[ "$(cat "$home/.lttngrc")" = "session=my-own-session" ] || gm_fail "~/.lttngrc changed: $(cat "$home/.lttngrc")"
	else
		[ ! -e "$home/.lttngrc" ] || gm_fail "record wrote a ~/.lttngrc: $(cat "$home/.lttngrc")"
	fi
done
echo "PASS: record_lttngrc"
