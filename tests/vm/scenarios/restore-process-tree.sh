#!/bin/sh
# A tree of 16 processes (depth 3, width 10; a zombie with its exit
# status; a child leading its own process group, one its own session;
# one log file shared by all, at one offset) is checkpointed, killed and
# restarted: every process keeps its pid, parent, group, session and
# memory, the zombie is reaped with status 7, the shared log gets every
# line.  A checkpoint without --kill leaves the tree running as it was.
# An image cut in the middle of the third task fails the restart, which
# leaves none of the tree's tasks behind.
. /tests/vm/lib.sh

# pids_of ROOT: the pids of ROOT's tree, sorted, on one line
pids_of() {
	tree_of "$1" | sort -n | tr '\n' ' '
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/tree-$v
	start "$d" "$BIN/$v/forktree" "$d"
	before=$(pids_of "$pid")
	echo "tree of $pid: $before"
	expect 0 "" checkpoint --subtree "$pid" -o "$d/img0"
	still=$(pids_of "$pid")
	[ "$still" = "$before" ] || fail "$v: the tree changed after a checkpoint: $still"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "16 tasks" ckptinfo "$d/img"
	grep -q "zombie, wait status 0x700" /tmp/expect.out || fail "$v: ckptinfo shows no zombie"

	restart_inspect "$d/img" "$d" "$pid" pids_of "$pid"
	said "$d" "tree intact: 15 processes"
	after=$(cat "$d/after")
	[ "$after" = "$before" ] || fail "$v: pids differ after restart: $after"
	echo "$v: the tree is back with the same pids"
done

# cut in the middle of the third task's records (named *.cut: the
# image walker zz-restart-every-image skips deliberately damaged images)
d=/tmp/tree-glibc-static
off=$(ckptinfo "$d/img" | awk '$2 == "TASK" { if (++n == 3) print $1 }')
[ -n "$off" ] || fail "no third TASK record in the image"
head -c $((off + 3000)) "$d/img" >"$d/img.cut"
expect 1 "truncated" restart -i "$d/img.cut"
gone $before
cat "$d/img.cut" | restart >/tmp/expect.out 2>&1 && fail "restart of a cut image from a pipe succeeded"
sed 's/^/  | /' /tmp/expect.out
gone $before
echo "a restart that fails in the third task leaves no task behind"
