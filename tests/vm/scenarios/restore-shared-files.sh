#!/bin/sh
# Shared file mappings and locked memory (image format 1.9).  sharedfiles
# (a parent and its child) maps files MAP_SHARED: a tmpfs file mapped
# before fork(), a POSIX shared memory object in /dev/shm mapped by each
# after fork(), a file on an ext2 file system on a loop device (the
# parent writes "token-N" there at each step N), a file opened O_RDONLY
# and one opened O_RDWR, both mapped PROT_READ; it has mlock()ed memory,
# mlock2(MLOCK_ONFAULT) memory with 2 of its 8 pages touched, and the
# child has called mlockall(MCL_FUTURE).  Checkpoint saves no page of a
# shared file mapping but writes its dirty pages back: with the kernel's
# periodic writeback held off, the token is on the loop device's backing
# file only after a checkpoint, one without --kill (the tree runs on) and
# then one with --kill (the last token).  ckptinfo lists the mappings
# SHARED (MAYWRITE but for the read-only file), LOCKED and LOCKONFAULT,
# and the child's future mappings locked.  Restarted, the two processes
# see each other's counters through both mappings and in the files,
# the disk file takes the tokens on, the read-only file's mapping cannot
# be made writable (EACCES) and shows a write to the file, the other's
# can and a write through it reaches the file, the locked memory is
# locked (16 kB, and 8 kB of the on-fault one) and a new mapping of the
# child is locked.  For a glibc static, a musl static and a dynamically
# linked build.  (A memfd mapped MAP_SHARED, refused by name here until
# format 1.10, is restored now: restore-memfd, its "closed" case.)
. /tests/vm/lib.sh

disk=/tmp/sf-disk.img
mnt=/tmp/sf-disk
vm=/proc/sys/vm
loop=

expire=$(cat $vm/dirty_expire_centisecs) || fail "no $vm/dirty_expire_centisecs"
interval=$(cat $vm/dirty_writeback_centisecs) || fail "no $vm/dirty_writeback_centisecs"

disk_off() {
	umount "$mnt" 2>/dev/null
	[ -z "$loop" ] || losetup -d "$loop" 2>/dev/null
	loop=
}

trap 'disk_off; rm -f "$disk"; echo "$expire" >$vm/dirty_expire_centisecs; echo "$interval" >$vm/dirty_writeback_centisecs' EXIT
# no periodic writeback for an hour: only checkpoint writes the pages back
echo 360000 >$vm/dirty_expire_centisecs
echo 360000 >$vm/dirty_writeback_centisecs

# fresh_disk: a new ext2 file system of 8 MiB in $disk, on a loop device,
# mounted on $mnt
fresh_disk() {
	disk_off
	rm -f "$disk"
	truncate -s 8M "$disk" || fail "cannot create $disk"
	# inodes of 256 bytes: timestamps past 2038, no warning on mount
	mke2fs -F -I 256 "$disk" >/tmp/mke2fs.out 2>&1 || { cat /tmp/mke2fs.out; fail "mke2fs $disk failed"; }
	loop=$(losetup -f) || fail "no free loop device (CONFIG_BLK_DEV_LOOP?)"
	losetup "$loop" "$disk" || fail "losetup $loop $disk failed"
	mkdir -p "$mnt"
	mount -t ext2 "$loop" "$mnt" || fail "cannot mount $loop ($disk) as ext2 on $mnt"
	chmod 777 "$mnt"
}

# on_disk: the numbers N of the tokens "token-N" in the loop device's
# backing file (which the loop driver writes on writeback only), one per
# line, sorted
on_disk() {
	tr '\000' '\n' <"$disk" | grep 'token-[0-9][0-9]*$' | sed 's/.*token-//' | sort -n
}

# token: the number of the token in $mnt/data, read through the page cache
token() {
	head -n 1 "$mnt/data" | sed -n 's/^token-\([0-9][0-9]*\)$/\1/p'
}

# listed WHAT PATTERN: ckptinfo's listing of the image ($d/info) shows
# PATTERN
listed() {
	grep -- "$2" "$d/info" | sed 's/^/  | /'
	grep -q -- "$2" "$d/info" || fail "$v: ckptinfo lists no $1 ('$2')"
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/sharedfiles-$v
	fresh_disk
	start "$d" "$BIN/$v/sharedfiles" "$d" "$mnt"
	if grep -q "setup failed" "$d/out"; then
		sed 's/^/  > /' "$d/out"
		fail "$v: sharedfiles could not set its cases up"
	fi
	sleep 0.5
	n=$(on_disk | wc -l)
	[ "$n" = 0 ] || fail "$v: $n tokens on the disk before any checkpoint: something else wrote the page back"

	# A checkpoint of the running tree writes the page back too.
	t0=$(token)
	[ -n "$t0" ] || fail "$v: no token in $mnt/data: $(head -c 32 "$mnt/data")"
	expect 0 "" checkpoint --subtree "$pid" -o "$d/img-live"
	still_running "$d" "$pid"
	expect 0 "valid" ckptinfo --verify "$d/img-live"
	t1=$(on_disk | tail -n 1)
	[ -n "$t1" ] || fail "$v: no token on the disk after a checkpoint (the tree was at token-$t0)"
	[ "$t1" -ge "$t0" ] || fail "$v: token-$t1 on the disk after a checkpoint, the tree was at token-$t0 before"
	echo "$v: before the checkpoint the tree was at token-$t0, no token on the disk; after it, token-$t1 (the tree runs on)"

	sleep 0.5
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	saved=$(progress "$d")
	t2=$(token)
	[ -n "$t2" ] && [ "$t2" -ge "$saved" ] && [ "$t2" -le $((saved + 1)) ] ||
		fail "$v: the file holds '$(head -n 1 "$mnt/data")', progress says step $saved"
	on_disk | grep -qx "$t2" ||
		fail "$v: token-$t2 of the saved step is not on the disk (there: $(on_disk | tr '\n' ' '))"
	echo "$v: saved at step $saved: token-$t2 in the file and on the disk"

	expect 0 "valid" ckptinfo --verify "$d/img"
	ckptinfo "$d/img" >"$d/info" 2>&1 || { cat "$d/info"; fail "$v: ckptinfo $d/img failed"; }
	listed "disk file mapping" "rw- file  flags SHARED|MAYWRITE  pgoff 0  $mnt/data\$"
	listed "tmpfs file mapping" "rw- file  flags SHARED|MAYWRITE  pgoff 0  $d/shared.dat\$"
	listed "/dev/shm mapping" "rw- file  flags SHARED|MAYWRITE  pgoff 0  /dev/shm/sharedfiles-$pid\$"
	listed "read-only file mapping" "r-- file  flags SHARED  pgoff 0  $d/ro.dat\$"
	listed "read-write file mapping" "r-- file  flags SHARED|MAYWRITE  pgoff 0  $d/rw.dat\$"
	listed "mlock() mapping" "rw- anon  flags LOCKED  "
	listed "mlock2(MLOCK_ONFAULT) mapping" "rw- anon  flags LOCKED|LOCKONFAULT  "
	listed "mlockall(MCL_FUTURE) task" "future mappings locked (mlockall MCL_FUTURE)"
	n=$(grep -c "future mappings locked" "$d/info")
	[ "$n" = 1 ] || fail "$v: $n tasks with future mappings locked, not 1 (the child)"
	grep -q "future mappings locked.*on fault" "$d/info" &&
		fail "$v: the child's future mappings are locked on fault, it asked for MCL_FUTURE only"

	# stop it once it made progress
	stop_after_progress "$d" "$pid" "$saved"
	expect 0 "" restart -i "$d/img"
	said "$d" "shared files intact"
	grep -q "DAMAGED" "$d/out" && fail "$v: a process found its cases damaged"
	grep -q "child: .* its cases intact" "$d/out" || fail "$v: the child did not say its cases are intact"
	final=$(progress "$d")
	[ "$final" -gt "$saved" ] || fail "$v: no progress after restart ($saved, then $final)"
	t3=$(token)
	[ -n "$t3" ] && [ "$t3" -gt "$t2" ] ||
		fail "$v: the disk file holds '$(head -n 1 "$mnt/data")' after the restart, token-$t2 before"
	echo "$v: restored at step $saved, stopped at $final; the disk file went from token-$t2 to token-$t3"
done
disk_off
