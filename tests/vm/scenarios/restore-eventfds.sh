#!/bin/sh
# eventfds (a semaphore with a count, a non-blocking one, one shared
# with a child blocked in read() on it) and a signalfd with its signal
# pending: saved once each, shared again, with their counters, flags and
# mask; the child's read() goes on and gets what is written after the
# restart; the pending signal is read once from the signalfd.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/eventfds-$v
	start "$d" "$BIN/$v/eventfds" "$d"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	grep -q "EVENTFD .*count 5  semaphore" /tmp/expect.out ||
		fail "$v: the semaphore's count is not in the image"
	grep -q "EVENTFD .*count 0  nonblock" /tmp/expect.out ||
		fail "$v: the non-blocking eventfd is not in the image"
	grep -q "SIGNALFD .*mask 0x0000000000000200  nonblock" /tmp/expect.out ||
		fail "$v: the signalfd's mask (SIGUSR1) is not in the image"
	[ "$(grep -c " EVENTFD " /tmp/expect.out)" = 3 ] ||
		fail "$v: the shared eventfd is saved more than once"
	(restored "$pid"; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "eventfds intact"
	echo "$v: eventfds and the signalfd are back"
done
