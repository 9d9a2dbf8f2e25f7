#!/bin/sh
# Netlink sockets of NETLINK_ROUTE (tests/vm/programs/nlsocks.c): a
# parent with an unbound raw socket, a raw socket autobound to the groups
# RTMGRP_LINK | RTMGRP_IPV4_IFADDR and joined to group 36 (above 32) by
# NETLINK_ADD_MEMBERSHIP (NETLINK_NO_ENOBUFS, O_NONBLOCK, SO_RCVBUF), a
# datagram socket bound to an explicit port id and connected to the kernel
# (NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_PKTINFO, SO_RCVTIMEO),
# and a child with its own autobound socket (NETLINK_CAP_ACK,
# NETLINK_BROADCAST_ERROR, SO_PASSCRED, SO_SNDBUF, SO_SNDTIMEO).
#
# Three builds: a checkpoint without --kill leaves the tree working; after
# --kill and restart every port id, peer, multicast group
# (NETLINK_LIST_MEMBERSHIPS), flag and option is what it was, and the
# sockets work as that says: a link dump to NLMSG_DONE for the same port
# id (with NETLINK_PKTINFO), a filtered dump refused with the kernel's
# text (strict checking, extended acks), the connected socket refusing
# other senders, an address added to lo and removed by the unbound socket
# notified to the watcher, the child's answers with credentials and its
# error capped; ckptinfo shows four NETLINK_SOCK records (the unbound
# socket, the watcher's port id and groups 1 5 36, the querier's port id
# and destination), and no test address is left on lo.
#
# A container's live image (no --kill) restarted with --pidns while the
# original runs fails with EADDRINUSE (its port ids are taken), leaving no
# task, and the original runs on, intact.  What checkpoint cannot save is
# refused by name, the tree running on: a NETLINK_GENERIC socket,
# notifications queued unread, NETLINK_LISTEN_ALL_NSID, a dump running.
. /tests/vm/lib.sh

# no_test_address: 127.0.0.77 and 127.0.0.78 are not on lo (any more)
no_test_address() {
	if ip -4 addr show dev lo | grep -q "127\.0\.0\.7[78]"; then
		ip -4 addr show dev lo
		fail "a test address was left on lo"
	fi
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/nlsocks-$v
	start "$d" "$BIN/$v/nlsocks" "$d"
	expect 0 "" checkpoint --subtree "$pid" -o "$d/live.img"
	still_running "$d" "$pid"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	n=$(grep -c " NETLINK_SOCK " /tmp/expect.out)
	[ "$n" = 4 ] || fail "$v: the image holds $n NETLINK_SOCK records, not four"
	grep -q "protocol route: not bound, no groups" /tmp/expect.out ||
		fail "$v: ckptinfo shows no unbound socket"
	wport=$(sed -n 's/.*the watcher has port id \([0-9]*\),.*/\1/p' "$d/out")
	grep -q "protocol route: port $wport, groups 1 5 36, flags bound nonblock no_enobufs rcvbuf" /tmp/expect.out ||
		fail "$v: ckptinfo does not show the watcher's port id $wport, groups 1 5 36 and flags"
	grep -q "type dgram, protocol route: port $((pid + 1000000)) -> port 0 group 0" /tmp/expect.out ||
		fail "$v: ckptinfo does not show the querier bound to $((pid + 1000000)), connected to the kernel"
	(restored "$pid"; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "netlink sockets intact"
	no_test_address
	echo "$v: unbound, autobound with groups, bound and connected netlink sockets are back"
done

# A container's live image while the original runs: its port ids are taken
d=/tmp/nlsocks-live
rm -rf "$d"
mkdir -p "$d"
chmod 777 "$d"
show_on_fail "$d/out"
unshare -p -f sh -c "exec $BIN/glibc-static/nlsocks $d </dev/null >>$d/out 2>&1" &
upid=$!
wait_ready "$d" "the container's nlsocks"
init=$(child_of "$upid")
expect 0 "" checkpoint "$init" -o "$d/live.img"
still_running "$d" "$init"
before=$(procs nlsocks)
expect 1 "EADDRINUSE" restart --pidns -i "$d/live.img"
grep -q "cannot bind it to its port id" /tmp/expect.out ||
	fail "restart did not say which socket's port id is taken"
procs_back nlsocks "$before"
still_running "$d" "$init"
touch "$d/stop"
wait "$upid" || fail "the original exited $?"
said "$d" "netlink sockets intact"
no_test_address
echo "a live image restarted next to the original fails with EADDRINUSE, the original intact"

# refused MODE PATTERN: checkpoint --kill of nlsocks in MODE must fail,
# saying PATTERN, and leave it running
refused() {
	d=/tmp/nlsocks-$1
	start "$d" "$BIN/glibc-static/nlsocks" "$d" "$1"
	expect 1 "$2" checkpoint --kill --subtree "$pid" -o "$d/img"
	still_running "$d" "$pid"
	touch "$d/stop"
	wait "$pid" || fail "the program exited $?"
	said "$d" "mode '$1' ends"
	echo "$1: refused by name, the tree runs on"
}

refused generic "a netlink socket of a protocol other than NETLINK_ROUTE is not supported yet"
refused queued "messages queued on a netlink socket is not supported yet"
refused listen-all-nsid "NETLINK_LISTEN_ALL_NSID is not supported yet"
# the first part of the link dump is queued, the rest waits for the
# reader: the kernel names the dump (it checks it before the queue)
refused dump "a netlink socket with a dump running is not supported yet"
no_test_address
