#!/bin/sh
# timerfds across a checkpoint, a downtime of two seconds and a restart:
# a periodic timer that the program blocks in read() on neither bursts
# nor skips (the downtime does not count), relative and absolute
# monotonic timers keep the time they had left, an absolute realtime
# deadline stays the same wall-clock time, an expired tick not read yet
# is read once, an unarmed timer stays unarmed.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/timerfds-$v
	start "$d" "$BIN/$v/timerfds" "$d"
	still_running "$d" "$pid"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	[ "$(grep -c " TIMERFD " /tmp/expect.out)" = 6 ] ||
		fail "$v: the image does not hold six timerfds"
	grep -q "TIMERFD .*clock 0 .*ABSTIME|CANCEL_ON_SET" /tmp/expect.out ||
		fail "$v: the realtime timer's flags are not in the image"
	sleep 2
	(restored "$pid"; sleep 1; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "timerfds intact"
	echo "$v: the timerfds are back, their time left kept"
done
