#!/bin/sh
# System V semaphore sets and SEM_UNDO adjustments (image format 1.11).
# sysvsem (a root R and its children A, B and K) unshares CLONE_NEWIPC
# at R and makes four sets there: "counter" (a key, mode 0660, 3
# semaphores set by SETALL, then changed by semop() of R, A and B: values
# 6 2 32760, each semaphore's last pid another process of the tree),
# "private" (IPC_PRIVATE, changed by a child that exited, then IPC_SET to
# uid 1234, gid 5678, mode 0604), "undo" (A +3 with SEM_UNDO, R -1 with
# SEM_UNDO after a +2: both have adjustments) and "lock" (held by R, K
# blocked in semop() waiting for it).  A checkpoint without --kill
# leaves the tree running, then one with --kill; ckptinfo --verify
# accepts both images and lists the four sets (values, last pids) and
# the adjustments of A and R.  Restarted from the --kill image, then
# from the other: the restored tree lives in a new IPC namespace (not
# this shell's), and the program checks (see
# tests/vm/programs/sysvsem.c) every set's id and key, mode, owner and
# creator, otime and ctime (IPC_STAT), its values (GETALL), each
# semaphore's last pid (GETPID: the gone child's 0), that K waits again
# (GETNCNT 1), SEM_INFO; then that A's exit undoes its +3, that K takes
# the lock once R releases it and its exit gives it back (its own
# adjustment), and that a new set gets a new id.  A helper joins the
# restored tree's IPC namespace from outside (setns()) and checks that
# R's adjustment is undone when R exits.  This shell's semaphore sets are
# as they were.  For a glibc static, a musl static and a dynamically
# linked build.
. /tests/vm/lib.sh

my_ipc=$(readlink /proc/$$/ns/ipc)
my_sem=$(cat /proc/sysvipc/sem)

# home_intact WHEN: this shell's semaphore sets as they were
home_intact() {
	same "$my_sem" "$(cat /proc/sysvipc/sem)" "this shell's System V semaphore sets ($1)"
}

# check_ns DIR WHEN: every process of the tree (DIR/ns: pid and IPC
# namespace, one a line) in one IPC namespace, not this shell's
check_ns() {
	sed 's/^/  ns: /' "$1/ns"
	[ "$(wc -l <"$1/ns")" = 4 ] || fail "$v ($2): the tree has $(wc -l <"$1/ns") processes, not 4"
	read -r _p r_ipc <"$1/ns"
	[ "$r_ipc" != "$my_ipc" ] || fail "$v ($2): the root lives in this shell's IPC namespace"
	[ "$(grep -c -F " $r_ipc" "$1/ns")" = 4 ] ||
		fail "$v ($2): not every process lives in the root's IPC namespace"
}

ns_report() {
	for p in $(tree_of "$1"); do
		echo "$p $(readlink "/proc/$p/ns/ipc")"
	done
}

# check_image DIR IMAGE: ckptinfo lists the sets and the adjustments
check_image() {
	ckptinfo "$2" >"$2.info" 2>&1 || { cat "$2.info"; fail "$v: ckptinfo $2 failed"; }
	grep -E "IPC_NS|SYSV_SEM|SEM_UNDO|values|pids|adjustments" "$2.info" | sed 's/^/  info: /'
	grep -q "IPC namespace obj [0-9]*: 0 System V segments, 4 semaphore sets" "$2.info" ||
		fail "$v: ckptinfo $2: the IPC namespace does not count 4 semaphore sets"
	[ "$(grep -c "  SYSV_SEM  .*System V semaphore set: " "$2.info")" = 4 ] ||
		fail "$v: ckptinfo $2 does not list 4 SYSV_SEM records"
	for vals in "6 2 32760" "42" "13 1" "0"; do
		grep -q "^ *values $vals\$" "$2.info" || fail "$v: ckptinfo $2: no set with values $vals"
	done
	grep -q "^ *pids $pid $a_pid $b_pid\$" "$2.info" ||
		fail "$v: ckptinfo $2: counter's pids are not $pid $a_pid $b_pid"
	grep -q "^ *pids $a_pid $pid\$" "$2.info" ||
		fail "$v: ckptinfo $2: undo's pids are not $a_pid $pid"
	# private's changer is gone, the lock never changed
	[ "$(grep -c "^ *pids 0\$" "$2.info")" = 2 ] ||
		fail "$v: ckptinfo $2: not two sets whose last pid is 0"
	grep -q "SEM_UNDO .*adjustments of semaphore set $undo_id (2 semaphores): -3 0\$" "$2.info" ||
		fail "$v: ckptinfo $2: no adjustment -3 0 (child A's) of set $undo_id"
	grep -q "SEM_UNDO .*adjustments of semaphore set $undo_id (2 semaphores): 0 1\$" "$2.info" ||
		fail "$v: ckptinfo $2: no adjustment 0 1 (the root's) of set $undo_id"
}

# run_restored DIR IMAGE SAVED N: restart IMAGE, which saved the tree
# at step SAVED; once restored, its namespaces noted (DIR/ns), the
# helper started in its IPC namespace, and DIR/stop once it made
# progress; the N-th "semaphores intact" of DIR/out is its
run_restored() {
	rm -f "$1/ns" "$1/watching" "$1/outside-done" "$1/root-exit"
	(restored "$pid"
	 _i=0
	 while [ "$(progress "$1")" -le "$3" ] && [ $_i -lt 300 ]; do
		_i=$((_i + 1))
		sleep 0.1
	 done
	 ns_report "$pid" >"$1/ns.tmp"
	 mv "$1/ns.tmp" "$1/ns"
	 "$BIN/$v/sysvsem" --outside "$1" "$pid" >>"$1/out" 2>&1 &
	 _i=0
	 while [ ! -e "$1/watching" ] && [ ! -e "$1/outside-done" ] && [ $_i -lt 100 ]; do
		_i=$((_i + 1))
		sleep 0.1
	 done
	 touch "$1/stop") &
	expect 0 "" restart -i "$2"
	said "$1" "semaphores intact"
	grep -q "DAMAGED\|FAIL:" "$1/out" && fail "$v: the restored tree found its semaphores damaged"
	[ "$(grep -c "sysvsem root: .* semaphores intact" "$1/out")" = "$4" ] ||
		fail "$v: the root restored from $2 did not say its semaphores are intact"
	[ "$(grep -c "sysvsem root: child A exited: its adjustment undone" "$1/out")" = "$4" ] ||
		fail "$v: child A's adjustment was not undone after the restart from $2"
	[ "$(grep -c "sysvsem root: child K took the lock and exited" "$1/out")" = "$4" ] ||
		fail "$v: child K did not take the lock after the restart from $2"
	_i=0
	while [ ! -e "$1/outside-done" ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "$v: the helper in the restored IPC namespace did not finish"
		sleep 0.1
	done
	grep -q "FAIL:" "$1/out" && fail "$v: the helper found the root's adjustment not undone"
	[ "$(grep -c "sysvsem outside: the root's adjustment undone: undo 10 2" "$1/out")" = "$4" ] ||
		fail "$v: the root's adjustment was not undone at its exit (restart from $2)"
	[ -s "$1/ns" ] || fail "$v: the namespaces of the tree restored from $2 were not seen"
	check_ns "$1" "restored from $2"
	final=$(progress "$1")
	[ "$final" -gt "$3" ] || fail "$v: no progress after restart from $2 ($3, then $final)"
	home_intact "after the restart from $2"
	echo "$v: restored from $2 at step $3, stopped at $final"
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/sem-$v
	start "$d" "$BIN/$v/sysvsem" "$d"
	if grep -q "setup failed" "$d/out"; then
		sed 's/^/  > /' "$d/out"
		fail "$v: sysvsem could not set its cases up"
	fi
	sed 's/^/  > /' "$d/out"
	set_up=$(grep "sysvsem root: set up: " "$d/out")
	undo_id=$(echo "$set_up" | sed -n 's/.* undo \([0-9]*\),.*/\1/p')
	a_pid=$(echo "$set_up" | sed -n 's/.* pids A \([0-9]*\),.*/\1/p')
	b_pid=$(echo "$set_up" | sed -n 's/.* B \([0-9]*\),.*/\1/p')
	[ -n "$undo_id" ] && [ -n "$a_pid" ] && [ -n "$b_pid" ] ||
		fail "$v: no ids and pids in '$set_up'"
	ns_report "$pid" >"$d/ns"
	check_ns "$d" "before the checkpoint"
	home_intact "the program set up"
	sleep 0.5
	expect 0 "" checkpoint --subtree "$pid" -o "$d/img-live"
	live=$(progress "$d")
	still_running "$d" "$pid"
	sleep 0.5
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	saved=$(progress "$d")
	expect 0 "valid" ckptinfo --verify "$d/img-live"
	expect 0 "valid" ckptinfo --verify "$d/img"
	check_image "$d" "$d/img"
	check_image "$d" "$d/img-live"
	home_intact "checkpointed"

	run_restored "$d" "$d/img" "$saved" 1
	# the image of the running tree: its progress from where it was
	rm -f "$d/stop"
	echo 0 >"$d/progress"
	run_restored "$d" "$d/img-live" "$live" 2
done
