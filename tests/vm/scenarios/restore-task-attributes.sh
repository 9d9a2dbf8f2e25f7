#!/bin/sh
# A daemon-like process (session leader after setsid(), nice 5, lowered
# resource limits, umask 027, its own working directory) gets all of it
# back after restart, with the same pid.
. /tests/vm/lib.sh

d=/tmp/attrs
rm -rf "$d"
mkdir -p "$d/work"
show_on_fail "$d/out"
d=$d BIN=$BIN sh -c '
	cd "$d/work" || exit 1
	umask 027
	ulimit -n 200
	ulimit -s 4096
	renice -n 5 -p $$ >/dev/null || exit 1
	exec setsid "$BIN/dynamic/counter" "$d" >>"$d/out" 2>&1
' &
wait_ready "$d" counter
pid=$(pidof counter)

# pgrp, session, nice from /proc/PID/stat; limits; umask; cwd
attrs() {
	cut -d' ' -f5,6,19 "/proc/$1/stat"
	cat "/proc/$1/limits"
	grep Umask "/proc/$1/status"
	readlink "/proc/$1/cwd"
}
before=$(attrs "$pid")
echo "$before" | head -1 | grep -q "^$pid $pid 5$" ||
	fail "the setup did not work: pgrp/session/nice are $(echo "$before" | head -1)"

expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
sleep 0.2
restart_inspect "$d/img" "$d" "$pid" attrs "$pid"
said "$d" "state intact"
same "$before" "$after" "task attributes"
echo "pgrp/session/nice, limits, umask and cwd are the same"
