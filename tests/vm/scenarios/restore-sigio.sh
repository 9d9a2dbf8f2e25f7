#!/bin/sh
# Signal-driven I/O: O_ASYNC and the owners of open files for I/O signals
# (F_SETOWN to a process, F_SETOWN_EX to a thread, F_SETOWN to a process
# group) and their signals (F_SETSIG, also without an owner) survive
# checkpoint --kill and restart: sigio, a parent and its child (its
# group), finds them again with fcntl and keeps getting its signals with
# their si_fd, each in the task that owns the file.  Checkpointing the
# child alone is refused first (its shared socket's owner, the parent, is
# outside that tree), and both go on as if nothing happened.  For a glibc
# static, a musl static and a dynamically linked build.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/sigio-$v
	start "$d" "$BIN/$v/sigio" "$d"
	if grep -q "setup failed" "$d/out"; then
		sed 's/^/  > /' "$d/out"
		fail "$v: sigio could not set its cases up"
	fi
	child=$(child_of "$pid")
	[ -n "$child" ] || fail "$v: sigio has no child"

	# the child alone: the owner of its shared socket is outside
	expect 1 "its owner for I/O signals (F_SETOWN), process\( group\)\? $pid, is not in the checkpointed tree: restart could not send it SIGIO again" \
		checkpoint --subtree "$child" -o "$d/child.img"
	still_running "$d" "$pid"
	kill -0 "$child" 2>/dev/null || fail "$v: the child (pid $child) died"
	echo "$v: the child alone is refused, both keep running"

	sleep 0.5
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	saved=$(progress "$d")
	expect 0 "valid" ckptinfo --verify "$d/img"
	# stop it once it made progress
	stop_after_progress "$d" "$pid" "$saved"
	expect 0 "" restart -i "$d/img"
	said "$d" "sigio intact"
	final=$(progress "$d")
	[ "$final" -gt "$saved" ] || fail "$v: no progress after restart ($saved, then $final)"
	echo "$v: restored at step $saved, stopped at $final"
done
