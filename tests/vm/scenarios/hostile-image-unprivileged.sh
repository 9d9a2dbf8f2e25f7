#!/bin/sh
# The sequence of issue 13, as an unprivileged user.  uid 65534, in a
# user namespace of its own ("unshare -U -r": root there, 65534
# outside), starts a container (a pid namespace whose init runs
# forktree), checkpoints it, sets the path_len of the image's first FILE
# record with a path to 0 (imgpatch, which fixes the tail's checksum up)
# and restarts it with restart --pidns --detach.  The kernel once
# dereferenced NULL there (strlen <- getname_kernel <- filp_open <-
# rst_file), an oops in that user's restart.  It must fail cleanly:
# exit 1, the kernel's message naming the record's offset and fd, no
# task of the tree left, nothing on the kernel console.  Variants: the
# path bytes left in the record as padding (its length unchanged), or
# removed (its length made to match); and the same on fd 1, a regular
# file.  Then the untouched image restarts, as the same user, and the
# tree ends intact: the refusals were the tampered records'.
. /tests/vm/lib.sh

P=$BIN/glibc-static/imgpatch
d=/tmp/hostile-unpriv
rm -rf "$d"
mkdir -p "$d"
chmod 777 "$d"
show_on_fail "$d/out"

# as_nobody COMMAND...: COMMAND as uid 65534, in a user namespace of its own
as_nobody() {
	"$P" runas 65534 65534 -- unshare -U -r "$@"
}

# forktree_left: the pids of forktree processes, if any
forktree_left() {
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = forktree ] && echo "${p#/proc/}"
	done
}

# none_left WHAT: no forktree process remains (5 s at most), else fail
none_left() {
	i=0
	while [ -n "$(forktree_left)" ]; do
		i=$((i + 1))
		[ $i -lt 50 ] || fail "$1 left tasks: $(forktree_left)"
		sleep 0.1
	done
}

console_before=$(dmesg | wc -l)

# The container, checkpointed (and killed) by 65534 from inside its namespace
expect 0 "checkpointed by uid 0 inside, uid_map 0 65534 1" as_nobody sh -c "
	unshare -p -f sh -c 'exec $BIN/glibc-static/forktree $d </dev/null >>$d/out 2>&1' &
	upid=\$!
	i=0
	while [ ! -e $d/ready ]; do
		i=\$((i + 1))
		[ \$i -lt 300 ] || { echo 'the container did not get ready'; exit 1; }
		sleep 0.1
	done
	init=\$(echo \$(cat /proc/\$upid/task/*/children))
	map=\$(echo \$(cat /proc/self/uid_map))
	echo \"container init \$init checkpointed by uid \$(id -u) inside, uid_map \$map\"
	checkpoint --kill \$init -o $d/img
	rc=\$?
	wait \$upid
	exit \$rc
"
none_left "the checkpoint --kill"
expect 0 "CONTAINER" ckptinfo "$d/img"

# The tampered images, made by the same user
expect 0 "path bytes left as padding" "$P" runas 65534 65534 -- \
	"$P" file-nopath "$d/img" "$d/nopath-padding.bad"
expect 0 "path bytes removed" "$P" runas 65534 65534 -- \
	"$P" file-nopath --strip "$d/img" "$d/nopath-stripped.bad"
expect 0 "fd 1, kind reg" "$P" runas 65534 65534 -- \
	"$P" file-nopath --fd 1 "$d/img" "$d/nopath-fd1.bad"

for img in nopath-padding nopath-stripped nopath-fd1; do
	echo "restart --pidns --detach -i $img.bad, as 65534 in its namespace:"
	expect 1 "restart: offset [0-9]*: fd [0-9]* has no path" \
		as_nobody restart --pidns --detach -i "$d/$img.bad"
	none_left "the refused restart of $img.bad"
done

# The untouched image restarts, as the same user, and ends intact
expect 0 "" as_nobody restart --pidns --detach -i "$d/img"
touch "$d/stop"
i=0
until grep -q "tree intact" "$d/out"; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "the restored container did not end within 20 s"
	sleep 0.1
done
said "$d" "tree intact: 15 processes"
none_left "the restored container"

# Nothing on the kernel console (the runner scans it too)
dmesg | tail -n +$((console_before + 1)) >"$d/console"
if grep -E "BUG|WARNING|Oops|general protection|Call Trace|KASAN|UBSAN|kfence" "$d/console"; then
	fail "the kernel complained"
fi
echo "the tampered images were refused cleanly, the untouched one restarted"
rm -rf "$d"
