#!/bin/sh
# UTS and IPC namespaces, System V shared memory (image format 1.11).
# namespaces (a root and its children A, U and B) unshares
# CLONE_NEWUTS|CLONE_NEWIPC at its root, which sets its host name
# "ckpt-ns-root", its domain name "ckpt-ns.example" and twelve limits of
# its IPC namespace through /proc/sys (kernel.shmmax, shmall, shmmni,
# msgmax, msgmnb, msgmni, sem, fs.mqueue.*); U unshares a UTS namespace
# of its own, host name "ckpt-ns-child".  Six segments in the namespace:
# "counted" (a key, mode 0640, attached by every process before fork()
# and a second time by B, each counting in it), "rmid" (removed with
# IPC_RMID while attached by all four: key IPC_PRIVATE, SHM_DEST),
# "owned" (IPC_SET to uid 1234, gid 5678, mode 0604, detached), "empty"
# (never attached), "rdonly" (attached SHM_RDONLY by A, read-write by
# the root, which writes its step there) and "orphan" (made, filled and
# detached by a child that exited: its cpid and lpid gone).  A
# checkpoint without --kill leaves the tree running, then one with
# --kill; ckptinfo --verify accepts both images.  Restarted from the
# --kill image, then from the other: the restored tree lives in new
# namespaces (not this shell's; A and B in the root's, U in a UTS
# namespace of its own and the root's IPC namespace), and the program
# checks (see tests/vm/programs/namespaces.c) every host and domain
# name, every sysctl, every segment's IPC_STAT (key, id, owner, creator,
# mode, size, times, cpid, lpid: orphan's 0, nattch), the IPC_INFO,
# SHM_INFO and SHM_STAT listings, shmget() of every key (rmid's fails),
# every byte, every attachment at its address with its permissions on
# its segment, the counters moving through counted in every process and
# the root's step through A's read-only attachment, which faults on a
# write and cannot be made writable (EACCES), and rmid gone once its
# last attachment is detached.  This shell's host name, its namespace's
# limits and its System V segments are as they were.  For a glibc
# static, a musl static and a dynamically linked build.
. /tests/vm/lib.sh

host=$(hostname)
domain=$(cat /proc/sys/kernel/domainname)
my_uts=$(readlink /proc/$$/ns/uts)
my_ipc=$(readlink /proc/$$/ns/ipc)
limits() {
	for f in kernel/shmmax kernel/shmmni kernel/msgmax kernel/sem fs/mqueue/msg_max; do
		echo "$f $(cat /proc/sys/$f)"
	done
}
my_limits=$(limits)
my_shm=$(cat /proc/sysvipc/shm)

# home_intact WHEN: this shell's host name, limits and segments as they were
home_intact() {
	same "$host $domain" "$(hostname) $(cat /proc/sys/kernel/domainname)" \
		"this shell's host and domain names ($1)"
	same "$my_limits" "$(limits)" "this shell's IPC namespace's limits ($1)"
	same "$my_shm" "$(cat /proc/sysvipc/shm)" "this shell's System V segments ($1)"
}

# ns_report ROOT: each process of ROOT's tree, its UTS and IPC namespaces
ns_report() {
	for p in $(tree_of "$1"); do
		echo "$p $(readlink "/proc/$p/ns/uts") $(readlink "/proc/$p/ns/ipc")"
	done
}

# check_ns DIR WHEN: the tree's namespaces (DIR/ns, from ns_report): the
# root's UTS and IPC namespaces new, shared by two of its three
# children; the third (U) in the root's IPC namespace and a UTS
# namespace of its own
check_ns() {
	sed 's/^/  ns: /' "$1/ns"
	[ "$(wc -l <"$1/ns")" = 4 ] || fail "$v ($2): the tree has $(wc -l <"$1/ns") processes, not 4"
	read -r _p r_uts r_ipc <"$1/ns"
	[ "$r_uts" != "$my_uts" ] || fail "$v ($2): the root lives in this shell's UTS namespace"
	[ "$r_ipc" != "$my_ipc" ] || fail "$v ($2): the root lives in this shell's IPC namespace"
	[ "$(grep -c -F " $r_ipc" "$1/ns")" = 4 ] ||
		fail "$v ($2): not every process lives in the root's IPC namespace"
	[ "$(grep -c -F " $r_uts " "$1/ns")" = 3 ] ||
		fail "$v ($2): not three processes in the root's UTS namespace"
	u_uts=$(grep -v -F " $r_uts " "$1/ns" | awk '{ print $2 }')
	[ -n "$u_uts" ] && [ "$u_uts" != "$my_uts" ] ||
		fail "$v ($2): child U's UTS namespace is not one of its own ($u_uts)"
}

# run_restored DIR IMAGE SAVED N: restart IMAGE, which saved the tree
# at step SAVED; once restored, its namespaces noted (DIR/ns), and
# DIR/stop once it made progress; the N-th "namespaces intact" of
# DIR/out is its
run_restored() {
	rm -f "$1/ns"
	(restored "$pid"
	 _i=0
	 while [ "$(progress "$1")" -le "$3" ] && [ $_i -lt 300 ]; do
		_i=$((_i + 1))
		sleep 0.1
	 done
	 ns_report "$pid" >"$1/ns.tmp"
	 mv "$1/ns.tmp" "$1/ns"
	 sleep 0.5
	 touch "$1/stop") &
	expect 0 "" restart -i "$2"
	said "$1" "namespaces intact"
	grep -q "DAMAGED\|FAIL:" "$1/out" && fail "$v: a process found its namespaces damaged"
	[ "$(grep -c "namespaces root: .* namespaces intact" "$1/out")" = "$4" ] ||
		fail "$v: the root restored from $2 did not say its namespaces are intact"
	for c in A U B; do
		[ "$(grep -c "namespaces child $c: .* its cases intact" "$1/out")" = "$4" ] ||
			fail "$v: child $c restored from $2 did not say its cases are intact"
	done
	[ -s "$1/ns" ] || fail "$v: the namespaces of the tree restored from $2 were not seen"
	check_ns "$1" "restored from $2"
	final=$(progress "$1")
	[ "$final" -gt "$3" ] || fail "$v: no progress after restart from $2 ($3, then $final)"
	home_intact "after the restart from $2"
	echo "$v: restored from $2 at step $3, stopped at $final"
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/ns-$v
	start "$d" "$BIN/$v/namespaces" "$d"
	if grep -q "setup failed" "$d/out"; then
		sed 's/^/  > /' "$d/out"
		fail "$v: namespaces could not set its cases up"
	fi
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
	ckptinfo "$d/img" >"$d/img.info" 2>&1 || { cat "$d/img.info"; fail "$v: ckptinfo $d/img failed"; }
	home_intact "checkpointed"

	run_restored "$d" "$d/img" "$saved" 1
	# the image of the running tree: its progress from where it was
	rm -f "$d/stop"
	echo 0 >"$d/progress"
	run_restored "$d" "$d/img-live" "$live" 2
done
