#!/bin/sh
# POSIX timers (timer_create(), format 1.5) across a checkpoint, a
# downtime of two seconds and a restart, in a process with two threads:
# the same ids come back, the deleted ones do not, and a new timer gets
# the id it would have got; a periodic CLOCK_MONOTONIC timer neither
# bursts nor skips (the downtime does not count), a one-shot
# CLOCK_BOOTTIME one and a SIGEV_NONE one keep the time they had left, an
# absolute CLOCK_REALTIME deadline stays the same wall-clock time, a
# SIGEV_THREAD_ID timer keeps hitting the same thread, an unarmed
# CLOCK_TAI one stays unarmed with its signal and value; a periodic timer
# whose signal is blocked has it pending again, once, with the overrun it
# had plus the running time's (timer_getoverrun() kept), and ticks again
# once it is delivered.  Every signal carries its timer's id and value.  A
# checkpoint without --kill leaves the program running with its timers.
# A CPU-time timer is refused by name, and the target runs on.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/ptimers-$v
	start "$d" "$BIN/$v/ptimers" "$d"
	# (timer e's signal may be on its way to the second thread: try again)
	expect 0 "" retry_transient checkpoint --subtree "$pid" -o "$d/img0"
	still_running "$d" "$pid"
	expect 0 "" retry_transient checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	for img in "$d/img0" "$d/img"; do
		expect 0 "" ckptinfo "$img"
		[ "$(grep -c " POSIX_TIMERS " /tmp/expect.out)" = 1 ] ||
			fail "$v: $img does not hold one POSIX_TIMERS record"
		# ids 0 to 8, 2 and 8 deleted: seven timers, the next id 9
		grep -q "POSIX_TIMERS .*7 timers.*next id 9" /tmp/expect.out ||
			fail "$v: the POSIX_TIMERS record of $img does not say 7 timers, next id 9"
	done
	sleep 2
	(restored "$pid"; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "ptimers intact"
	echo "$v: the POSIX timers are back, their ids, time left and pending signal kept"
done

# A CPU-time timer (glibc passes the clock as -6, musl as 2): refused, by
# name.
for v in glibc-static musl-static; do
	d=/tmp/ptimers-cputime-$v
	start "$d" "$BIN/$v/ptimers" --cputime "$d"
	expect 1 'POSIX timer 1 .*clock' checkpoint --subtree "$pid" -o "$d/img"
	still_running "$d" "$pid"
	expect 1 "incomplete" ckptinfo --verify "$d/img"
	touch "$d/stop"
	wait "$pid" || fail "$v: the program with a CPU-time timer exited $?"
	said "$d" "ptimers cputime timer kept"
	echo "$v: the CPU-time timer is refused, the target runs on"
done
