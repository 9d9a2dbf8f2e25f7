#!/bin/sh
# Processes that share their file descriptor table (clone(CLONE_FILES)
# without CLONE_THREAD) or their working directory, root and umask
# (CLONE_FS): a parent P; A sharing P's fd table, with a second thread
# and a child A2 sharing it too; B sharing P's fs; C sharing both
# (sharetables.c).  The image holds each shared table once: one fd
# table written with P and taken again by A, A2 and C, one fs written
# with P and taken again by B and C (SHARE records); A's fs, shared by
# its threads alone, is no SHARE.  After the restart, with the same
# pids, the tables are shared as they were and no more: an fd opened or
# closed by one process is seen by those sharing its table and by no
# other, a chdir() or umask() by B is seen by P and C and not by A.
# For a glibc static, a musl static and a dynamically linked build.
. /tests/vm/lib.sh

# pids_of ROOT: the pids of ROOT's tree, sorted, on one line
pids_of() {
	tree_of "$1" | sort -n | tr '\n' ' '
}

# shares KIND WHAT: the SHARE records of KIND ("fd table obj", "fs
# (cwd, root, umask) obj") in /tmp/expect.out that say WHAT ("written
# here", "that of a process before")
shares() {
	awk -v kind="$1" -v what="$2" '
		$2 == "SHARE" && index($0, kind) && index($0, what) { n++ }
		END { print n + 0 }
	' /tmp/expect.out
}

# share_objs KIND: the distinct object numbers of KIND's SHARE records
share_objs() {
	awk -v kind="$1" '$2 == "SHARE" && index($0, kind)' /tmp/expect.out |
		sed 's/.* obj \([0-9]*\):.*/\1/' | sort -u | tr '\n' ' '
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/sharetables-$v
	start "$d" "$BIN/$v/sharetables" "$d"
	before=$(pids_of "$pid")
	[ "$(echo $before | wc -w)" = 5 ] || fail "$v: the tree is not 5 processes: $before"
	echo "tree of $pid: $before"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "valid" ckptinfo --verify "$d/img"
	expect 0 "6 tasks" ckptinfo "$d/img"
	echo "the SHARE records:"
	awk '$2 == "SHARE"' /tmp/expect.out | sed 's/^/  | /'
	# P writes each table, A, A2 and C take the fd table again, B and C
	# the fs (A's fs, shared by its threads alone, is no SHARE)
	for c in "fd table obj:written here:1" "fd table obj:that of a process before:3" \
		 "fs (cwd, root, umask) obj:written here:1" \
		 "fs (cwd, root, umask) obj:that of a process before:2"; do
		kind=${c%%:*} rest=${c#*:}
		what=${rest%:*} want=${rest##*:}
		n=$(shares "$kind" "$what")
		[ "$n" = "$want" ] ||
			fail "$v: $n SHARE records of kind '$kind' say '$what', expected $want"
	done
	for kind in "fd table obj" "fs (cwd, root, umask) obj"; do
		objs=$(share_objs "$kind")
		[ "$(echo $objs | wc -w)" = 1 ] ||
			fail "$v: the SHARE records of kind '$kind' name objects $objs, expected one"
	done

	restart_inspect "$d/img" "$d" "$pid" pids_of "$pid"
	said "$d" "sharetables: fd tables and fs information intact"
	grep -q "DAMAGED" "$d/out" && fail "$v: a process found a table shared wrongly"
	same "$before" "$after" "$v: the pids"
	echo "$v: the tree is back, its fd table and fs shared as they were"
done
