#!/bin/sh
# File locks: POSIX record locks (a write lock on a range, a read lock to
# the end of the file), an OFD lock and a flock() lock shared with a
# child are held again after the restart, by the same owners: a new
# process's F_SETLK gets EAGAIN on them and F_GETLK names the restored
# process, the gaps stay free.  A lock that another process took while
# the tree was away fails the restart, naming file and range.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/locks-$v
	start "$d" "$BIN/$v/locks" "$d"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	[ "$(grep -c " FILE_LOCK " /tmp/expect.out)" = 4 ] ||
		fail "$v: the image does not hold the four locks"
	(restored "$pid"; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "locks intact"
	echo "$v: the locks are held again"
done

d=/tmp/locks-taken
start "$d" "$BIN/glibc-static/locks" "$d"
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
"$BIN/glibc-static/locks" "$d" hold &
holder=$!
i=0
while [ ! -e "$d/holding" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the holder did not take the lock"
	sleep 0.1
done
expect 1 "cannot take its POSIX record write lock on bytes 0-99 again (another process holds it)" \
	restart -i "$d/img"
kill -0 "$pid" 2>/dev/null && fail "a task of the failed restart is left"
touch "$d/stop"
wait "$holder"
echo "a lock taken meanwhile fails the restart, by name"
