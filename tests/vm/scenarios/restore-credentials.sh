#!/bin/sh
# A process of an unprivileged user is restored with its user, group and
# capabilities, not with the restarter's (root).
. /tests/vm/lib.sh

# creds PID: its ids, groups and capabilities, from /proc
creds() {
	grep -E '^(Uid|Gid|Groups|Cap[A-Z][a-z][a-z])' "/proc/$1/status"
}

d=/tmp/creds
rm -rf "$d"
mkdir -p "$d"
chmod 777 "$d"
show_on_fail "$d/out"
su nobody -s /bin/sh -c "exec $BIN/glibc-static/counter $d" >>"$d/out" 2>&1 &
wait_ready "$d" counter
pid=$(pidof counter)
before=$(creds "$pid")
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
sleep 0.2
restart_inspect "$d/img" "$d" "$pid" creds "$pid"
said "$d" "state intact"
echo "credentials: $after"
same "$before" "$after" "credentials"
