#!/bin/sh
# A tree that runs a pseudo-terminal of its own (as script, tmux or an
# ssh server do): the parent holds the master, its child is a session
# whose controlling terminal is the slave.  The pty is saved as an
# object and comes back with its index, termios, window size, the
# slave's mode, and the input each end held unread (a complete line and
# half a line for the slave, a line for the master); the child's session
# has the slave as controlling terminal again, in the foreground.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/ptytree-$v
	start "$d" "$BIN/$v/ptytree" "$d"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	grep -q "PTY .*input 13 for the slave (6 in lines), 22 for the master" /tmp/expect.out ||
		fail "$v: the PTY record does not hold the input typed and written"
	grep -q "flags .*CTTY_PTY.*controlling terminal: pty" /tmp/expect.out ||
		fail "$v: the child's controlling terminal is not the pty of the image"
	[ "$(grep -c " FILE .* pty [0-9]* slave" /tmp/expect.out)" -ge 3 ] ||
		fail "$v: the child's fds 0-2 are not the pty's slave"
	(restored "$pid"; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "pty intact"
	grep -q "ptytree child" "$d/out" && fail "$v: the child saw a difference"
	echo "$v: the pty, its input and the controlling terminal are back"
done

# A pty whose index another pty took since is refused by name, and the
# restart leaves nothing behind.
d=/tmp/ptytree-busy
start "$d" "$BIN/glibc-static/ptytree" "$d"
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
img=$d/img first=$pid
start "$d.2" "$BIN/glibc-static/ptytree" "$d.2"
expect 1 "index .* is taken" restart -i "$img"
kill -0 "$first" 2>/dev/null && fail "a task of the failed restart is left"
touch "$d/stop"
wait "$pid"
said "$d" "pty intact"
echo "a pty whose index is taken is refused by name"
