#!/bin/sh
# A process frozen one second into a 4-second nanosleep(), poll(), futex
# wait, epoll_wait() or epoll_pwait2() is restarted two seconds later: it
# waits the ~3 seconds it had left (not 4 again, not 0), and the call ends
# as a timeout does.
# Checkpointed without --kill, it wakes 4 s after it started.
. /tests/vm/lib.sh

# the uptime in hundredths of a second
now() {
	cut -d' ' -f1 /proc/uptime | tr -d .
}

for m in nanosleep poll futex epoll epoll_pwait2; do
for v in glibc-static musl-static dynamic; do
	d=/tmp/sleeper-$m-$v
	start "$d" "$BIN/$v/sleeper" 4 "$d" "$m"
	# it started sleeping up to 0.1 s before start saw it ready
	ts=$(($(now) - 10))
	sleep 1
	c0=$(now)
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	c1=$(now)
	wait "$pid"
	sleep 2
	t0=$(now)
	expect 0 "" restart -i "$d/img"
	said "$d" "returned 0"
	t1=$(sed -n 's/.*woke at \([0-9.]*\).*/\1/p' "$d/out" | tr -d .)
	slept=$((t1 - t0))
	# it was frozen between c0 and c1, with 4 s minus what it slept
	# until then left; the restart itself may take 0.8 s more (hi stays
	# below 3.8 s: a sleep of 4 s again fails)
	lo=$((400 - (c1 - ts) - 5))
	hi=$((400 - (c0 - ts - 10) + 80))
	echo "$m $v: slept ${slept}0 ms after the restart (expected ${lo}0 to ${hi}0 ms)"
	[ "$slept" -ge "$lo" ] && [ "$slept" -le "$hi" ] ||
		fail "$m $v: slept ${slept}0 ms after the restart, not the time it had left of 4 s"
done
done

# A checkpoint that leaves the process running does not restart its wait
# either: it wakes 4 s after it started, not 4 s after the checkpoint.
for m in nanosleep poll futex epoll epoll_pwait2; do
	d=/tmp/sleeper-live-$m
	start "$d" "$BIN/glibc-static/sleeper" 4 "$d" "$m"
	ts=$(($(now) - 10))
	sleep 1
	expect 0 "" checkpoint --subtree "$pid" -o "$d/img"
	wait "$pid" || fail "$m: the process left running failed its wait"
	slept=$(($(now) - ts))
	echo "$m: woke ${slept}0 ms after it started, checkpointed 1 s in (expected at most 4800 ms)"
	[ "$slept" -le 480 ] ||
		fail "$m: a checkpoint that left it running made its 4 s wait start over"
done
