#!/bin/sh
# A process frozen inside nanosleep(), poll(), select(), a futex wait or
# pause() is checkpointed and restarted: the call goes on as if nothing
# happened (no EINTR, no spurious return), and pause() still ends with
# the SIGUSR1 handler.
. /tests/vm/lib.sh

for mode in nanosleep poll select futex pause; do
	for v in glibc-static musl-static dynamic; do
		d=/tmp/wait-$mode-$v
		start "$d" "$BIN/$v/waiter" "$mode" "$d"
		sleep 0.5
		expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
		wait "$pid"
		show_on_fail "$d/restart.out"
		restart -i "$d/img" >"$d/restart.out" 2>&1 &
		rpid=$!
		restored "$pid"
		touch "$d/stop"
		[ "$mode" = pause ] && kill -USR1 "$pid"
		wait "$rpid"
		rc=$?
		said "$d" "none interrupted"
		[ "$rc" = 0 ] || fail "$mode ($v): restart exited $rc"
	done
done
