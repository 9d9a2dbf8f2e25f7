#!/bin/sh
# A process that runs chrooted (its root is a directory with /tmp, /proc,
# /dev and /tests bind-mounted into it) gets the same root and working
# directory back after restart, and its files, mappings and
# /proc/self/maps are the same.
. /tests/vm/lib.sh

d=/tmp/chroot
jail=$d/jail
for m in $(grep " $jail/" /proc/mounts | cut -d' ' -f2 | sort -r); do
	umount "$m"
done
rm -rf "$d"
mkdir -p "$d"
for m in tmp proc dev tests; do
	mkdir -p "$jail/$m"
	mount --bind "/$m" "$jail/$m" || fail "cannot bind-mount /$m into the jail"
done
chmod 777 "$d"

show_on_fail "$d/out"
chroot "$jail" "$BIN/glibc-static/counter" "$d" >>"$d/out" 2>&1 &
pid=$!
wait_ready "$d" counter

paths() {
	readlink "/proc/$1/root"
	readlink "/proc/$1/cwd"
}
before=$(paths "$pid")
[ "$(echo "$before" | head -1)" = "$jail" ] ||
	fail "the setup did not work: root is $(echo "$before" | head -1)"

expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
expect 0 "cwd $jail  root $jail" ckptinfo "$d/img"

restart_inspect "$d/img" "$d" "$pid" paths "$pid"
said "$d" "state intact"
same "$before" "$after" "root or working directory"
echo "root and working directory are the same: $(echo "$after" | tr '\n' ' ')"
for m in tests dev proc tmp; do
	umount "$jail/$m"
done
