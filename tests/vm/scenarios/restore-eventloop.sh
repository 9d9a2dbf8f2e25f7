#!/bin/sh
# An epoll event loop: an epoll watching an eventfd, a signalfd, a pipe
# (edge-triggered), another epoll and a fired one-shot eventfd, shared
# with a child; the loop blocked in epoll_wait() on a third epoll with a
# periodic timerfd; a watch whose descriptor was closed after a dup(),
# and one whose file only the child holds.  After the restart the
# level-triggered watches report again, the consumed edge and the fired
# one-shot do not, the stale watches are on their files under their old
# numbers, the data and flags of every watch are kept, and the loop goes
# on.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/eventloop-$v
	start "$d" "$BIN/$v/eventloop" "$d"
	still_running "$d" "$pid"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	[ "$(grep -c " EPOLL " /tmp/expect.out)" = 3 ] ||
		fail "$v: the image does not hold three epolls, each once"
	grep -q "EPOLL .*7 watches" /tmp/expect.out ||
		fail "$v: the main epoll's seven watches (two stale) are not in the image"
	(restored "$pid"; sleep 1; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "event loop intact"
	echo "$v: the event loop goes on"
done

# A watch whose descriptor was closed, its file held only by a process
# outside the tree, is refused by name, and the target runs on.
d=/tmp/refuse-stale-watch
start "$d" "$BIN/glibc-static/refuse" stalewatch "$d"
expect 1 "a watch on fd [0-9]*, which no longer refers to the watched file .*no task of the tree holds" \
	checkpoint --subtree "$pid" -o "$d/img"
still_running "$d" "$pid"
touch "$d/stop"
wait "$pid" || fail "the target exited $?"
gone "$(cat "$d/outsider")"
echo "a stale epoll watch on a file held outside the tree is refused by name"
