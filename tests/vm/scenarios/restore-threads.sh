#!/bin/sh
# A process with 22 threads besides its main one (16 adding to shared
# and own counters, one in pthread_cond_timedwait(), two in futex waits
# with and without a timeout, one holding a robust mutex, one holding a
# priority-inheritance mutex that another waits for in FUTEX_LOCK_PI)
# is checkpointed, killed and restarted: every thread keeps its id, the
# counters add up, the waits end only when woken, the robust mutex comes
# back EOWNERDEAD when its holder exits, the PI mutex goes to its waiter
# when its holder lets go, and the threads' credentials, one set shared
# by all, are written once.
. /tests/vm/lib.sh

# thread_ids PID: the ids of PID's threads, sorted, on one line
thread_ids() {
	ls "/proc/$1/task" | sort -n | tr '\n' ' '
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/threads-$v
	start "$d" "$BIN/$v/threads" "$d"
	before=$(thread_ids "$pid")
	echo "$v: threads of $pid: $before"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "23 tasks" ckptinfo "$d/img"
	shared=$(grep -c "CREDS .*shared: those of objref" /tmp/expect.out)
	[ "$shared" = 22 ] || fail "$v: $shared threads' CREDS records refer to shared credentials, not 22"
	restart_inspect "$d/img" "$d" "$pid" thread_ids "$pid"
	said "$d" "threads intact: 22 threads"
	after=$(cat "$d/after")
	[ "$after" = "$before" ] || fail "$v: thread ids differ after restart: $after"
	echo "$v: all threads are back with their ids"
done
