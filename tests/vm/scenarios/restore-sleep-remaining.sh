#!/bin/sh
# A process frozen one second into a 4-second nanosleep(), poll() or
# futex wait is restarted two seconds later: it waits the ~3 seconds it
# had left (not 4 again, not 0), and the call ends as a timeout does.
. /tests/vm/lib.sh

for m in nanosleep poll futex; do
for v in glibc-static musl-static dynamic; do
	d=/tmp/sleeper-$m-$v
	start "$d" "$BIN/$v/sleeper" 4 "$d" "$m"
	sleep 1
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	sleep 2
	t0=$(cut -d' ' -f1 /proc/uptime)
	expect 0 "" restart -i "$d/img"
	said "$d" "returned 0"
	t1=$(sed -n 's/.*woke at \([0-9.]*\).*/\1/p' "$d/out")
	# hundredths of a second from the restart to the wake-up
	slept=$(( $(echo "$t1" | tr -d .) - $(echo "$t0" | tr -d .) ))
	echo "$m $v: slept ${slept}0 ms after the restart"
	[ "$slept" -gt 200 ] && [ "$slept" -lt 380 ] ||
		fail "$m $v: slept ${slept}0 ms after the restart, expected about 3 s left of 4"
done
done
