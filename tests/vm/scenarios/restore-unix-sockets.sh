#!/bin/sh
# UNIX sockets that are not socket pairs (tests/vm/programs/unixsocks.c):
# a stream listener bound to a relative path (its socket file 0600), a
# seqpacket listener on an abstract name (O_NONBLOCK), a datagram socket
# bound to an absolute path, an autobound one, an unbound datagram socket
# with options (SO_RCVTIMEO, SO_SNDTIMEO, SO_PASSCRED, SO_PEEK_OFF,
# SO_SNDBUF) shut down for reading, an unbound non-blocking stream socket,
# a datagram socket on an abstract name (a logger's), a connection
# accepted from each listener between a parent and its child (the
# seqpacket client bound to an abstract name), with bytes and records
# queued both ways, and the child's datagram sockets connected one way
# (as syslog() keeps one to /dev/log): an unbound one connect()ed to the
# bound datagram socket by a relative path, one bound to an abstract name
# connected to the logger's.
#
# Three builds: a checkpoint without --kill leaves the tree working; after
# --kill and restart every name (getsockname, getpeername: the accepted
# ends and the clients' peers named as their listener), option, flag and
# socket file (same inode, mode, owner) is what it was, every queued byte
# and record arrives exactly, new bytes and datagrams go through (the
# child's send() on its sockets connected one way reaches the parent's,
# from the right source), the
# path listener accepts new connections (from a child forked after the
# restart, from a client outside the tree, from the restored unbound
# socket), the listeners' backlogs are kept; ckptinfo shows nine UNIX_SOCK
# records (the one-way sockets connected to the absolute path of
# dgram.sock's socket file and to the logger's abstract name) and two
# UNIX_PAIR records.
#
# Socket files: a regular file at the listener's path fails the restart
# with EADDRINUSE, leaving no task and the file as it was; socket files
# removed after --kill are made again with their modes.  A container's
# live image (no --kill) restarted with --pidns while the original runs
# fails with EADDRINUSE, leaving no task, and the original runs on,
# intact.  What checkpoint cannot save is refused by name, the tree
# running on: a connection waiting to be accepted, a connection its
# listener has not accepted, a datagram queued on a socket that is not
# connected, a connected socket bound to a path, a bound socket whose
# socket file was removed, a datagram socket connected to one that a
# process outside the tree holds (a system logger), a datagram queued on
# a socket connected one way.
. /tests/vm/lib.sh

# socket_files DIR: name, inode, mode and type of both socket files
socket_files() {
	(cd "$1" && stat -c '%n %i %a %F' srv.sock dgram.sock)
}

# restart_checked VARIANT DIR IMAGE ROOT: restart IMAGE; once ROOT is
# back, DIR/stop, and a client outside the tree connects
restart_checked() {
	(restored "$4"; touch "$2/stop"
	 "$BIN/$1/unixsocks" "$2" client >>"$2/out" 2>&1) &
	expect 0 "" restart -i "$3"
	said "$2" "unix sockets intact"
	grep -q "unixsocks client: welcomed" "$2/out" ||
		fail "the client outside the tree was not welcomed"
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/unixsocks-$v
	start "$d" "$BIN/$v/unixsocks" "$d"
	files=$(socket_files "$d")
	echo "$files"
	expect 0 "" checkpoint --subtree "$pid" -o "$d/live.img"
	still_running "$d" "$pid"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	[ "$(grep -c " UNIX_SOCK " /tmp/expect.out)" = 9 ] ||
		fail "$v: the image does not hold nine UNIX_SOCK records"
	grep " UNIX_SOCK " /tmp/expect.out | grep -q -F ", connected to $d/dgram.sock," ||
		fail "$v: no UNIX_SOCK record connected to the socket file's absolute path $d/dgram.sock"
	grep " UNIX_SOCK " /tmp/expect.out |
		grep -q -F "address @unixsocks-dcli:$d, connected to @unixsocks-log:$d," ||
		fail "$v: no UNIX_SOCK record connected to the abstract name @unixsocks-log:$d"
	[ "$(grep -c " UNIX_PAIR " /tmp/expect.out)" = 2 ] ||
		fail "$v: the image does not hold the two accepted connections as UNIX_PAIR records"
	same "$files" "$(socket_files "$d")" "$v: the socket files after --kill"
	restart_checked "$v" "$d" "$d/img" "$pid"
	same "$files" "$(socket_files "$d")" "$v: the socket files"
	echo "$v: lone, bound, listening and accepted UNIX sockets are back"
done

# The socket files after --kill: another file at the path, or none
d=/tmp/unixsocks-files
start "$d" "$BIN/glibc-static/unixsocks" "$d"
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
dgram=$(stat -c %i "$d/dgram.sock")
mv "$d/srv.sock" "$d/srv.sock.orig"
echo "not a socket" >"$d/srv.sock"
before=$(procs unixsocks)
expect 1 "EADDRINUSE" restart -i "$d/img"
gone "$pid"
procs_back unixsocks "$before"
[ "$(cat "$d/srv.sock")" = "not a socket" ] ||
	fail "the failed restart changed the regular file at srv.sock"
[ "$(stat -c %i "$d/dgram.sock")" = "$dgram" ] ||
	fail "the failed restart replaced dgram.sock"
echo "a regular file at the path fails the restart with EADDRINUSE, leaving nothing"
rm "$d/srv.sock" "$d/srv.sock.orig" "$d/dgram.sock"
touch "$d/new-inode"
restart_checked glibc-static "$d" "$d/img" "$pid"
modes=$(cd "$d" && stat -c '%n %a %F' srv.sock dgram.sock | tr '\n' ' ')
[ "$modes" = "srv.sock 600 socket dgram.sock 640 socket " ] ||
	fail "the socket files made again: $modes"
echo "socket files removed after --kill are made again: $modes"

# A container's live image while the original runs: its names are taken
d=/tmp/unixsocks-live
rm -rf "$d"
mkdir -p "$d"
chmod 777 "$d"
show_on_fail "$d/out"
unshare -p -f sh -c "exec $BIN/glibc-static/unixsocks $d </dev/null >>$d/out 2>&1" &
upid=$!
wait_ready "$d" "the container's unixsocks"
init=$(child_of "$upid")
files=$(socket_files "$d")
expect 0 "" checkpoint "$init" -o "$d/live.img"
still_running "$d" "$init"
before=$(procs unixsocks)
expect 1 "EADDRINUSE" restart --pidns -i "$d/live.img"
procs_back unixsocks "$before"
still_running "$d" "$init"
same "$files" "$(socket_files "$d")" "the original's socket files"
touch "$d/stop"
"$BIN/glibc-static/unixsocks" "$d" client >>"$d/out" 2>&1
wait "$upid" || fail "the original exited $?"
said "$d" "unix sockets intact"
echo "a live image restarted next to the original fails with EADDRINUSE, the original intact"

# refused MODE PATTERN: checkpoint --kill of unixsocks in MODE must fail,
# saying PATTERN, and leave it running
refused() {
	d=/tmp/unixsocks-$1
	start "$d" "$BIN/glibc-static/unixsocks" "$d" "$1"
	expect 1 "$2" checkpoint --kill --subtree "$pid" -o "$d/img"
	still_running "$d" "$pid"
	touch "$d/stop"
	wait "$pid" || fail "the program exited $?"
	said "$d" "mode '$1' ends"
	echo "$1: refused by name, the tree runs on"
}

refused pending "connections waiting to be accepted on a listening UNIX socket is not supported yet"
refused unaccepted "a UNIX socket whose connection is not accepted yet is not supported"
refused dgramq "datagrams queued on a UNIX socket that is not connected is not supported yet"
refused connpath "a connected UNIX socket bound to a path is not supported yet"
refused removed "a UNIX socket whose socket file was removed is not supported yet"
refused extlog "a datagram UNIX socket connected to a socket outside the checkpointed tree (a system logger?) is not supported yet"
refused onewayq "datagrams queued on a UNIX socket connected one way is not supported yet"
