#!/bin/sh
# A process of an unprivileged user is restored with its user, group and
# capabilities, not with the restarter's (root).
. /tests/vm/lib.sh

d=/tmp/creds
rm -rf "$d"
mkdir -p "$d"
chmod 777 "$d"
su nobody -s /bin/sh -c "exec $BIN/glibc-static/counter $d" >>"$d/out" 2>&1 &
wait_ready "$d" counter
pid=$(pidof counter)
before=$(grep -E '^(Uid|Gid|Groups|Cap[A-Z][a-z][a-z])' /proc/$pid/status)
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
sleep 0.2
(restored "$pid"; grep -E '^(Uid|Gid|Groups|Cap[A-Z][a-z][a-z])' /proc/$pid/status >"$d/after"; touch "$d/stop") &
expect 0 "" restart -i "$d/img"
said "$d" "state intact"
after=$(cat "$d/after")
echo "before: $before"
echo "after:  $after"
[ "$before" = "$after" ] || fail "credentials differ after restart"
