#!/bin/sh
# UNIX socket pairs (stream, datagram, seqpacket) between a parent and
# its child: saved once each, with what each end's queue held (a stream
# partly read, three datagrams, two records: boundaries kept), options
# (SO_RCVTIMEO, SO_SNDBUF, O_NONBLOCK), a shutdown, and a pair whose other
# end was closed after writing (its bytes, then EOF).  New bytes go
# through after the restart.  A pair whose peer a process outside the
# tree holds is refused by name.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/unixpairs-$v
	start "$d" "$BIN/$v/unixpairs" "$d"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	[ "$(grep -c " UNIX_PAIR " /tmp/expect.out)" = 5 ] ||
		fail "$v: the image does not hold five pairs, each once"
	(restored "$pid"; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "unix pairs intact"
	echo "$v: the socket pairs and their queues are back"
done

# The child of the program holds the other ends; checkpointing only the
# child leaves the peers outside.
d=/tmp/unixpairs-outside
start "$d" "$BIN/glibc-static/unixpairs" "$d"
child=$(child_of "$pid")
expect 1 "a UNIX socket whose peer is held outside the checkpointed tree" \
	checkpoint --subtree "$child" -o "$d/img"
touch "$d/stop"
wait "$pid" || fail "the program exited $?"
echo "a peer outside the tree is refused by name"
