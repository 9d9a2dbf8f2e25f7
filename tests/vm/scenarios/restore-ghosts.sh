#!/bin/sh
# A container whose tree lost leaders and parents (tests/vm/programs/
# ghosts.c): a session and a process group whose leaders exited, orphans
# re-parented to the init, a child subreaper that adopted a grandchild, a
# zombie whose parent waits in waitpid() for another child.  restart
# --pidns brings every pid, parent, group and session back inside the new
# namespace: the exited leaders' ids are held by placeholder tasks while
# the tree is made, and are gone again when it runs.
. /tests/vm/lib.sh

# ids ROOT: "pid:ppid:pgid:sid" inside the namespace for ROOT's tree, sorted
ids() {
	for p in $(tree_of "$1"); do
		awk -v root="$1" -v p="$p" '
			/^NSpid:/ { pid = $3 }
			/^NSpgid:/ { pgid = $3 }
			/^NSsid:/ { sid = $3 }
			/^PPid:/ { ppid = $2 }
			END { print pid ":" (p == root ? 0 : ppid) ":" pgid ":" sid }
		' "/proc/$p/status"
	done | sort -n | tr '\n' ' '
}
# the inner ppid: translate the outer one
inner_ids() {
	out=$(ids "$1")
	for p in $(tree_of "$1"); do
		echo "$p $(awk '/^NSpid:/ { print $3 }' /proc/$p/status)"
	done >/tmp/ghost-pids
	for e in $out; do
		pp=${e#*:}
		pp=${pp%%:*}
		inner=$(awk -v o="$pp" '$1 == o { print $2 }' /tmp/ghost-pids)
		echo "$e" | awk -F: -v pp="${inner:-$pp}" '{ print $1 ":" pp ":" $3 ":" $4 }'
	done | sort -n | tr '\n' ' '
}

d=/tmp/ghosts
rm -rf "$d"
mkdir -p "$d"
chmod 777 "$d"
unshare -p -f sh -c "exec $BIN/glibc-static/ghosts $d </dev/null >>$d/out 2>&1" &
upid=$!
wait_ready "$d" "the container's init"
init=$(child_of "$upid")
before=$(inner_ids "$init")
echo "inside (pid:ppid:pgid:sid): $before"

expect 0 "" checkpoint --kill "$init" -o "$d/img"
wait "$upid"
expect 0 "SUBREAPER" ckptinfo "$d/img"
grep -q "ZOMBIE" /tmp/expect.out || fail "no zombie in the image"

restart --pidns -i "$d/img" &
rpid=$!
i=0
while [ -z "$(child_of "$rpid")" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "restart --pidns created no task"
	sleep 0.1
done
sleep 1
root=$(child_of "$rpid")
after=$(inner_ids "$root")
touch "$d/stop"
wait "$rpid" || fail "restart --pidns exited $?"
said "$d" "ghosts intact: 8 processes"
echo "restored (pid:ppid:pgid:sid): $after"
[ "$after" = "$before" ] || fail "ids inside the container differ after restart"
echo "every pid, parent, group and session is back"
