#!/bin/sh
# TCP and UDP sockets, IPv4 and IPv6 (tests/vm/programs/inetsocks.c):
# two listeners, two established connections between a parent and its
# child (one with a receive queue and a send queue partly unsent, the
# other with TCP_NODELAY, SO_KEEPALIVE, TCP_KEEPIDLE and O_NONBLOCK), a
# bound and a connected UDP socket, a bound and an unbound TCP socket.
# After checkpoint --kill and restart every address, option and TCP state
# is back, every byte in flight arrives once and in order, new bytes and a
# new connection go through.  A plain checkpoint leaves the tree running
# and its connections whole.  A connection to a peer outside the tree,
# a connection not accepted yet, and an option restart would not set
# again (SO_TIMESTAMP), are refused by name.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/inetsocks-$v
	start "$d" "$BIN/$v/inetsocks" "$d"
	expect 0 "" checkpoint --subtree "$pid" -o "$d/live.img"
	still_running "$d" "$pid"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	[ "$(grep -c " INET_SOCK " /tmp/expect.out)" = 10 ] && grep -q "2 datagrams queued (5 bytes)" /tmp/expect.out ||
		fail "$v: the image does not hold ten IP sockets, each once, and the two datagrams"
	grep -q "ESTABLISHED" /tmp/expect.out ||
		fail "$v: ckptinfo shows no established connection"
	(restored "$pid"; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "inet sockets intact"
	echo "$v: TCP and UDP sockets, their queues and options are back"
done

# refused NAME MODE TARGET PATTERN: inetsocks in MODE ("" for none);
# checkpoint --kill of its tree (TARGET root) or of its child alone
# (TARGET child) must fail, saying PATTERN, and leave it running.
refused() {
	d=/tmp/inetsocks-$1
	start "$d" "$BIN/glibc-static/inetsocks" "$d" $2
	target=$pid
	[ "$3" = child ] && target=$(child_of "$pid")
	expect 1 "$4" checkpoint --kill --subtree "$target" -o "$d/img"
	still_running "$d" "$pid"
	touch "$d/stop"
	wait "$pid" || fail "the program exited $?"
}

# The child's connections lead to its parent: checkpointing the child
# alone leaves their peers outside.
refused outside "" child \
	"a TCP connection to a peer outside the checkpointed tree, the network not locked"
echo "a connection to a peer outside the tree is refused by name"
refused pending pending root "connections waiting to be accepted on a listening TCP socket"
echo "a connection not accepted yet is refused by name"
refused timestamp timestamp root "receive timestamps (SO_TIMESTAMP) is not supported yet"
echo "an option restart would not set again is refused by name"
