#!/bin/sh
# A TCP connection to a peer outside the tree (tests/vm/programs/
# tcppeer.c): a server in the tree and a client outside it exchange
# numbered lines without pause.  checkpoint --kill --tcp-established
# locks the connection (nftables drops its packets), saves the server
# and kills it; while it is down, the client goes on sending and sees no
# reset; restart brings the server back and unlocks the connection.  Both
# must then read every line of the other once, in order, with no gap:
# nothing the kernel acknowledged before the kill is missing from the
# image.  Without --tcp-established, the connection is refused by name
# and the server runs on.  Then a connection its peer closed (CLOSE_WAIT,
# the peer an orphan outside the tree) with bytes unread: after restart
# the program reads them, then EOF.
. /tests/vm/lib.sh

d=/tmp/tcppeer
rm -rf "$d"
mkdir -p "$d"
show_on_fail "$d/out" "$d/client.out"
"$BIN/glibc-static/tcppeer" server "$d" 4300 >>"$d/out" 2>&1 &
pid=$!
"$BIN/glibc-static/tcppeer" client "$d" 4300 >"$d/client.out" 2>&1 &
client=$!
wait_ready "$d" "tcppeer server"
still_running "$d" "$pid"

expect 1 "a TCP connection to a peer outside the checkpointed tree, the network not locked" \
	checkpoint --kill --subtree "$pid" -o "$d/refused.img"
still_running "$d" "$pid"
echo "without the network lock, the connection is refused and the server runs on"

expect 0 "1 TCP connection of the tree stay locked" \
	checkpoint --kill --tcp-established --subtree "$pid" -o "$d/img"
wait "$pid"
before=$(progress "$d")
sleep 2
kill -0 "$client" 2>/dev/null || fail "the client died while the server was down"
grep -q . "$d/client.out" && fail "the client said something while the server was down"
(restored "$pid"; sleep 2; touch "$d/stop") &
expect 0 "1 TCP connection of the tree unlocked" restart -i "$d/img"
wait "$client" || fail "the client failed"
said "$d" "stream intact"
sed 's/^/  > /' "$d/client.out"
grep -q "stream intact" "$d/client.out" || fail "the client's stream is broken"
after=$(progress "$d")
[ "$after" -gt "$before" ] ||
	fail "the server received no line after the restart ($before, then $after)"
echo "the connection to the client outside the tree survived, every line once and in order"

d=/tmp/tcppeer-closewait
start "$d" "$BIN/glibc-static/tcppeer" closewait "$d" 4310
expect 0 "" checkpoint --kill --tcp-established --subtree "$pid" -o "$d/img"
wait "$pid"
expect 0 "CLOSE_WAIT 127.0.0.1:4310" ckptinfo "$d/img"
(restored "$pid"; touch "$d/stop") &
expect 0 "" restart -i "$d/img"
said "$d" "close-wait intact"
echo "a connection its peer closed comes back with its bytes, then EOF"
