#!/bin/sh
# inotify instances (format 1.5): one with three watches (a directory, a
# file, an IN_ONESHOT one), a gap where a fourth was removed, and seven
# events left unread (the removal's IN_IGNORED, a create, a rename's
# IN_MOVED_FROM/IN_MOVED_TO pair, a write), watched by epoll; a
# non-blocking one shared with a child, two events unread; a third, empty,
# shared too, the child blocked in read() on it.  A checkpoint without
# --kill leaves the program running with its queues whole; after
# checkpoint --kill and restart the program finds the same watches (wd,
# mask, inode in fdinfo), the same events in the same order, none from
# restart reopening the file it holds open in the watched directory, the
# oneshot watch firing once, the next watch numbered 5, new events on
# every watch, the shared queue split between parent and child, and the
# child's read() returning the event that came after the restart.  A
# watch on a file unlinked meanwhile (still open outside the tree, so the
# inode lives on without a path) is refused by name, and the target runs
# on.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/inotify-$v
	start "$d" "$BIN/$v/inotify" "$d"
	expect 0 "" checkpoint --subtree "$pid" -o "$d/img0"
	still_running "$d" "$pid"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	for img in "$d/img0" "$d/img"; do
		expect 0 "" ckptinfo "$img"
		[ "$(grep -c " INOTIFY " /tmp/expect.out)" = 3 ] ||
			fail "$v: $img does not hold three inotify instances (B and C shared, saved once)"
		[ "$(grep -c " INOTIFY_WATCH " /tmp/expect.out)" = 5 ] ||
			fail "$v: $img does not hold five inotify watches (3 of A, 1 of B, 1 of C)"
		[ "$(grep -c " INOTIFY_EVENT " /tmp/expect.out)" = 9 ] ||
			fail "$v: $img does not hold nine queued events (7 of A, 2 of B)"
		grep -q "INOTIFY .*next wd 5, 3 watches, 7 queued events" /tmp/expect.out ||
			fail "$v: instance A (next wd 5, 3 watches, 7 events) is not in $img"
		grep -q "INOTIFY .*next wd 2, 1 watch, 2 queued events  nonblock" /tmp/expect.out ||
			fail "$v: the non-blocking instance B is not in $img"
		grep -q "INOTIFY_WATCH .*wd 3: $d/w/once (IN_ATTRIB|IN_ONESHOT)" /tmp/expect.out ||
			fail "$v: the oneshot watch (wd 3) is not in $img"
		grep -q "INOTIFY_EVENT .*event wd 4 IN_IGNORED cookie 0" /tmp/expect.out ||
			fail "$v: the removed watch's IN_IGNORED is not in $img"
		grep -q "INOTIFY_EVENT .*event wd 1 IN_MOVED_TO name \"b\" cookie [1-9]" /tmp/expect.out ||
			fail "$v: the rename's IN_MOVED_TO and its cookie are not in $img"
	done
	(restored "$pid"; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "inotify intact"
	echo "$v: the inotify instances are back, their watches, numbers and queues kept"
done

# A watch on an inode that no path leads to any more: refused, by name.
d=/tmp/inotify-deleted
start "$d" "$BIN/glibc-static/inotify" --deleted "$d"
expect 1 'fd [0-9]* (anon_inode:inotify): watch 1 .*no path leads to' checkpoint --subtree "$pid" -o "$d/img"
still_running "$d" "$pid"
expect 1 "incomplete" ckptinfo --verify "$d/img"
touch "$d/stop"
wait "$pid" || fail "the program watching a deleted file exited $?"
said "$d" "inotify deleted watch kept"
gone "$(cat "$d/outsider")"
echo "the watch on a deleted file is refused, the target runs on"
