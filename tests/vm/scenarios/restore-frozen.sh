#!/bin/sh
# restart --frozen --detach: the restored tree stays frozen, in a cgroup
# v2 cgroup of its own that restart names, until that cgroup is thawed;
# then it goes on.
. /tests/vm/lib.sh

d=/tmp/frozen
start "$d" "$BIN/glibc-static/forktree" "$d"
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
restart --frozen --detach -i "$d/img" >"$d/pid" 2>"$d/err" || {
	cat "$d/err"
	fail "restart --frozen --detach failed"
}
cat "$d/err"
[ "$(cat "$d/pid")" = "$pid" ] || fail "restart printed $(cat "$d/pid"), not $pid"
cg=$(sed -n 's/.* is frozen in \([^:]*\): thaw it.*/\1/p' "$d/err")
[ -d "$cg" ] || fail "restart named no cgroup"
grep -q "^frozen 1" "$cg/cgroup.events" || fail "$cg is not frozen"
[ "$(wc -l <"$cg/cgroup.procs")" = 15 ] || fail "the tree's 15 live processes are not all in $cg"
touch "$d/stop"
sleep 1
kill -0 "$pid" || fail "the frozen root exited"
grep -q "tree intact" "$d/out" && fail "the tree ran while frozen"
echo 0 >"$cg/cgroup.freeze"
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the thawed tree did not end"
	sleep 0.1
done
said "$d" "tree intact: 15 processes"
rmdir "$cg" || fail "cannot remove $cg"
echo "the tree stayed frozen in $cg until it was thawed"
