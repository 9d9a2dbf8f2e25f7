#!/bin/sh
# restart --detach leaves the restored process running on its own, re-
# parented like a daemon (to pid 1 here), with its pid; plain restart is
# its parent and returns its exit status.
. /tests/vm/lib.sh

# (counter sets a pdeath signal, which fires when the detaching helper
# exits: waiter has none)
d=/tmp/detach
start "$d" "$BIN/dynamic/waiter" nanosleep "$d"
sleep 1
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
expect 0 "" restart --detach -i "$d/img"
kill -0 "$pid" || fail "the detached process is not running"
ppid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status")
[ "$ppid" = 1 ] || fail "the detached process has parent $ppid, not 1"
still_running "$d" "$pid"
touch "$d/stop"
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the detached process did not stop"
	sleep 0.1
done
said "$d" "none interrupted"

# plain restart: the restarter is the parent and passes the status on
start "$d" "$BIN/dynamic/counter" "$d"
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
restart -i "$d/img" &
rpid=$!
restored "$pid"
ppid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status")
[ "$ppid" = "$rpid" ] || fail "the restored process has parent $ppid, not restart ($rpid)"
kill -KILL "$pid"
wait "$rpid"
rc=$?
[ "$rc" = 137 ] || fail "restart exited $rc for a process killed by SIGKILL, expected 137"
