#!/bin/sh
# A container whose tree lost leaders and parents (tests/vm/programs/
# ghosts.c): a session and a process group whose leaders exited, orphans
# re-parented to the init, a child subreaper that adopted a grandchild, a
# zombie whose parent waits in waitpid() for another child.  restart
# --pidns brings every pid, parent, group and session back inside the new
# namespace: the exited leaders' ids are held by placeholder tasks while
# the tree is made, and are gone again when it runs.
. /tests/vm/lib.sh

d=/tmp/ghosts
rm -rf "$d"
mkdir -p "$d"
chmod 777 "$d"
show_on_fail "$d/out"
unshare -p -f sh -c "exec $BIN/glibc-static/ghosts $d </dev/null >>$d/out 2>&1" &
upid=$!
wait_ready "$d" "the container's init"
init=$(child_of "$upid")
before=$(ns_ids "$init")
echo "inside (pid:ppid:pgid:sid): $before"

expect 0 "" checkpoint --kill "$init" -o "$d/img"
wait "$upid"
expect 0 "SUBREAPER" ckptinfo "$d/img"
grep -q "ZOMBIE" /tmp/expect.out || fail "no zombie in the image"

restart_pidns "$d/img"
after=$(ns_ids "$root")
touch "$d/stop"
wait "$rpid" || fail "restart --pidns exited $?"
said "$d" "ghosts intact: 8 processes"
echo "restored (pid:ppid:pgid:sid): $after"
[ "$after" = "$before" ] || fail "ids inside the container differ after restart"
echo "every pid, parent, group and session is back"
