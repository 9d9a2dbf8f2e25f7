#!/bin/sh
# Blocked pending signals (a standard one and two queued real-time ones
# with their values) and an armed ITIMER_REAL survive checkpoint and
# restart: the handlers get them with their siginfo after the restart,
# and the timers (ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF) fire once with
# the time they had left.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/sigstate-$v
	start "$d" "$BIN/$v/sigstate" "$d"
	sleep 0.5
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	(sleep 1; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "signal state intact"
done
