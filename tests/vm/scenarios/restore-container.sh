#!/bin/sh
# A container, the init of a pid namespace with the process tree of
# forktree under it (a zombie, groups, sessions), is checkpointed from
# outside without --subtree and restarted with --pidns: the tree is back
# in a new pid namespace with the same pids inside it.  Without --pidns
# the restart fails naming the pid it cannot have (1), leaving no task.
# A container whose init shares an open file with a process outside it
# (unshare holds the same stdout) is refused with EBUSY naming the file,
# and keeps running; --subtree skips that check.
. /tests/vm/lib.sh

d=/tmp/container-leak
rm -rf "$d"
mkdir -p "$d"
show_on_fail "$d/out"
unshare -p -f "$BIN/glibc-static/forktree" "$d" </dev/null >>"$d/out" 2>&1 &
upid=$!
wait_ready "$d" "the leaky container's init"
init=$(child_of "$upid")
expect 1 "pid [0-9]* fd [0-9] (/dev/null\\|$d/out): the open file is also used outside the container" \
	checkpoint "$init" -o "$d/img"
kill -0 "$init" || fail "the refused container died"
expect 0 "" checkpoint --subtree "$init" -o "$d/img"
touch "$d/stop"
wait "$upid" || fail "the refused container exited $?"
said "$d" "tree intact: 15 processes"

d=/tmp/container
rm -rf "$d"
mkdir -p "$d"
chmod 777 "$d"
show_on_fail "$d/out"
# the init opens its own files: nothing is shared with the outside
unshare -p -f sh -c "exec $BIN/glibc-static/forktree $d </dev/null >>$d/out 2>&1" &
upid=$!
wait_ready "$d" "the container's init"
init=$(child_of "$upid")
before=$(ns_ids "$init")
echo "container init $init; inside: $before"
case "$before" in
1:0:*) ;;
*) fail "the setup did not work: the init is not pid 1 inside" ;;
esac

expect 0 "" checkpoint --kill "$init" -o "$d/img"
wait "$upid"
expect 0 "CONTAINER" ckptinfo "$d/img"

expect 1 "cannot create pid 1: it is taken" restart -i "$d/img"

restart_pidns "$d/img"
after=$(ns_ids "$root")
touch "$d/stop"
wait "$rpid" || fail "restart --pidns exited $?"
said "$d" "tree intact: 15 processes"
echo "restored init $root; inside: $after"
[ "$after" = "$before" ] || fail "pids inside the container differ after restart"
echo "the container is back with the same pids inside"
