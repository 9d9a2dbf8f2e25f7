#!/bin/sh
# A named FIFO opened for reading, for writing (shared with a child by
# fork()) and once more for both by the child, with bytes nobody read:
# saved as one pipe with three open files, reopened by its path, its
# bytes back; what the child writes after the restart is read after
# them.  A FIFO that another process opened while the tree was away
# fails the restart by name.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/fifos-$v
	start "$d" "$BIN/$v/fifos" "$d"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	grep -q "PIPE_DATA .*3 bytes buffered" /tmp/expect.out ||
		fail "$v: the FIFO's bytes are not in the image"
	[ "$(grep " FILE .* fifo " /tmp/expect.out | sed 's/.*obj \([0-9]*\).*/\1/' | sort -u | wc -l)" = 3 ] ||
		fail "$v: the image does not hold three open files of the FIFO"
	(restored "$pid"; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "fifo intact"
	echo "$v: the FIFO and its bytes are back"
done

d=/tmp/fifos-busy
start "$d" "$BIN/glibc-static/fifos" "$d"
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
exec 7<>"$d/fifo"
expect 1 "the FIFO $d/fifo is open outside the restart" restart -i "$d/img"
exec 7>&-
kill -0 "$pid" 2>/dev/null && fail "a task of the failed restart is left"
echo "a FIFO opened meanwhile by another process fails the restart, by name"
