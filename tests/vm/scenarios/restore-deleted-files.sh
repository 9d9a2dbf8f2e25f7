#!/bin/sh
# Deleted files (image format 1.10).  deleted (a parent and its child)
# makes seven files before fork() and deletes them, so both processes
# hold every descriptor and mapping: "counted" (on tmpfs, 3 pages and
# 321 bytes, mode 0640, O_RDWR, both counting in it through the shared
# descriptor, at offset 777), "disk" (on an ext2 file system on a loop
# device, 2 pages and 77 bytes, mode 0604, at offset 4321), "tmpfile"
# (an O_TMPFILE file never linked, 1 page and 100 bytes, at offset 100),
# "mapped" (mapped MAP_SHARED, its descriptor closed: the mapping alone
# holds it, both counting in it), "private" (mapped MAP_PRIVATE, a
# change copied before fork() and one by the child after it, its
# descriptor kept), "log" (opened O_WRONLY|O_APPEND, a second open file
# through /proc/self/fd/N O_RDONLY after its header, both processes
# appending a line at each step) and "sparse" (1 MiB made by ftruncate(),
# its first and last pages written, a hole between, mode 0440, at an
# offset in the hole).  A checkpoint without --kill leaves the tree
# running, then one with --kill; ckptinfo --verify accepts both images
# and lists each process's descriptors of the deleted files with their
# flags, offsets and paths "DIR/NAME (deleted)" ("DIR/#INODE (deleted)"
# for tmpfile; one open file for both processes, two for log's W and
# R), and the shared and private mappings.  Restarted from the --kill
# image, then from the other, the processes see each other's counters
# through mapped and counted; every file is in the directory it was in
# (DIR/NAME or DIR/#INODE, restart's O_TMPFILE file, in the
# /proc/self/fd links and /proc/self/maps), on its file system (disk's
# device that of the ext2 file system, the others that of /tmp), with
# its size, mode, link count 0, and every byte (the hole reading as
# zeroes, and still a hole: the same blocks, SEEK_HOLE and SEEK_DATA);
# the flags (F_GETFL as at setup) and offsets of every descriptor; the
# private mapping keeps its changes, which the file does not show, and
# shows a write to the file in the page it never copied; a line written
# through log's W after restart lands at the end, and reading on
# through R (its offset its own) returns every line of both processes,
# none lost or repeated, then that one; tmpfile can be linked into its
# directory and shows its bytes there; an offset moved by the child is
# the parent's too; each file on the same inode in both processes.  For
# a glibc static, a musl static and a dynamically linked build.  (Until
# 1.10 a deleted file was refused by name: refuse-unsupported now
# checks the deleted files that are still refused.)
. /tests/vm/lib.sh

disk=/tmp/deleted-disk.img
mnt=/tmp/deleted-disk
loop=

disk_off() {
	umount "$mnt" 2>/dev/null
	[ -z "$loop" ] || losetup -d "$loop" 2>/dev/null
	loop=
}

# (the mount point stays: the images, restarted again by
# zz-restart-every-image, make disk's file there, on /tmp)
trap 'disk_off; rm -f "$disk"' EXIT

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

# listed IMAGE WHAT N PATTERN: ckptinfo's listing of IMAGE (IMAGE.info)
# has N lines matching PATTERN
listed() {
	_n=$(grep -c -- "$4" "$1.info")
	grep -- "$4" "$1.info" | sed 's/^/  | /'
	[ "$_n" = "$3" ] || fail "$v: $1: ckptinfo lists $_n $2, not $3 ('$4')"
}

# obj_of IMAGE PATTERN: the objrefs ("obj N") of the FILE records
# matching PATTERN, sorted, each once
obj_of() {
	grep -- "$2" "$1.info" | sed -n 's/.*  obj \([0-9]*\)  .*/\1/p' | sort -u
}

# one_file IMAGE WHAT PATTERN: the 2 FILE records matching PATTERN (the
# parent's and the child's descriptor) name one open file: the same
# objref, flags and offset; sets $obj to it
one_file() {
	listed "$1" "$2" 2 "$3"
	_n=$(grep -- "$3" "$1.info" | sed 's/.* fd [0-9]* //' | sort -u | wc -l)
	obj=$(obj_of "$1" "$3")
	[ "$_n" = 1 ] && [ "$(echo "$obj" | wc -w)" = 1 ] ||
		fail "$v: $1: the parent's and the child's $2 are not one open file"
}

# The kind of a FILE record of a deleted file, and of a mapping of one
K='deleted'
V='deleted'
# flags of an open file: the names ckptinfo gives, hex for those it has none for
F='[|A-Za-z_0-9]*'

# check_image IMAGE: ckptinfo --verify accepts it, and lists the
# descriptors of the deleted files and the mappings as they are
check_image() {
	expect 0 "valid" ckptinfo --verify "$1"
	ckptinfo "$1" >"$1.info" 2>&1 || { cat "$1.info"; fail "$v: ckptinfo $1 failed"; }
	listed "$1" "new deleted files" 7 "deleted file obj [0-9]*: flags NEW"
	listed "$1" "counted" 1 "flags NEW  size 12609  mode 0640  path \"$d/counted\"  4 pages written"
	listed "$1" "disk" 1 "flags NEW  size 8269  mode 0604  path \"$mnt/ondisk\"  3 pages written"
	listed "$1" "tmpfile (linkable)" 1 "flags NEW|LINKABLE  size 4196  mode 0600  path \"$d/#[0-9]*\"  2 pages written"
	listed "$1" "mapped" 1 "flags NEW  size 8192  mode 0660  path \"$d/mapped\"  2 pages written"
	listed "$1" "private" 1 "flags NEW  size 8192  mode 0644  path \"$d/private\"  2 pages written"
	listed "$1" "log" 1 "flags NEW  size [0-9]*  mode 0620  path \"$d/log\"  [0-9]* page[s]* written"
	# the hole is not saved: 2 pages of 256
	listed "$1" "sparse" 1 "flags NEW  size 1048576  mode 0440  path \"$d/sparse\"  2 pages written"
	listed "$1" "deleted files mapped again (the child's)" 2 "deleted file obj [0-9]*: mapped again"
	listed "$1" "open files of deleted files" 14 \
		" fd [0-9]* $K  flags $F  pos [0-9]*  .*obj [0-9]*  /tmp/deleted-[^/]*/[^/]* (deleted)\$"
	listed "$1" "close-on-exec descriptors of deleted files" 0 \
		" fd [0-9]* $K  flags $F  pos [0-9]*  .*cloexec  /tmp/deleted-[^/]*/[^/]* (deleted)\$"
	one_file "$1" "counted descriptors" \
		" fd [0-9]* $K  flags O_RDWR$F  pos 777  .*obj [0-9]*  $d/counted (deleted)\$"
	one_file "$1" "disk descriptors" \
		" fd [0-9]* $K  flags O_RDWR$F  pos 4321  .*obj [0-9]*  $mnt/ondisk (deleted)\$"
	one_file "$1" "tmpfile descriptors" \
		" fd [0-9]* $K  flags O_RDWR$F  pos 100  .*obj [0-9]*  $d/#[0-9]* (deleted)\$"
	one_file "$1" "private descriptors" \
		" fd [0-9]* $K  flags O_RDWR$F  pos 0  .*obj [0-9]*  $d/private (deleted)\$"
	one_file "$1" "sparse descriptors" \
		" fd [0-9]* $K  flags O_RDWR$F  pos 524288  .*obj [0-9]*  $d/sparse (deleted)\$"
	one_file "$1" "log W descriptors" \
		" fd [0-9]* $K  flags O_WRONLY|O_APPEND$F  pos [0-9]*  .*obj [0-9]*  $d/log (deleted)\$"
	w=$obj
	one_file "$1" "log R descriptors" \
		" fd [0-9]* $K  flags O_RDONLY$F  pos 22  .*obj [0-9]*  $d/log (deleted)\$"
	[ "$w" != "$obj" ] || fail "$v: $1: log's W and R are one open file (obj $w)"
	listed "$1" "mappings of deleted files" 4 " [r-][w-][x-] $V  flags "
	listed "$1" "shared writable mappings of deleted files (mapped)" 2 \
		" rw- $V  flags SHARED|MAYWRITE  pgoff 0\$"
	listed "$1" "private mappings of deleted files (private)" 2 \
		" rw- $V  flags none  pgoff 0\$"
}

# run_restored DIR IMAGE SAVED N: restart IMAGE, which saved the tree
# at step SAVED; DIR/stop once it made progress; the N-th "deleted files
# intact" of DIR/out is its
run_restored() {
	stop_after_progress "$1" "$pid" "$3"
	expect 0 "" restart -i "$2"
	said "$1" "deleted files intact"
	grep -q "DAMAGED" "$1/out" && fail "$v: a process found its deleted files damaged"
	[ "$(grep -c "deleted parent: .* deleted files intact" "$1/out")" = "$4" ] ||
		fail "$v: the parent restored from $2 did not say its deleted files are intact"
	[ "$(grep -c "deleted child: .* its cases intact" "$1/out")" = "$4" ] ||
		fail "$v: the child restored from $2 did not say its cases are intact"
	final=$(progress "$1")
	[ "$final" -gt "$3" ] || fail "$v: no progress after restart from $2 ($3, then $final)"
	echo "$v: restored from $2 at step $3, stopped at $final"
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/deleted-$v
	fresh_disk
	start "$d" "$BIN/$v/deleted" "$d" "$mnt"
	if grep -q "setup failed" "$d/out"; then
		sed 's/^/  > /' "$d/out"
		fail "$v: deleted could not set its cases up"
	fi
	sleep 0.5
	expect 0 "" checkpoint --subtree "$pid" -o "$d/img-live"
	live=$(progress "$d")
	still_running "$d" "$pid"
	sleep 0.5
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	saved=$(progress "$d")
	check_image "$d/img-live"
	check_image "$d/img"

	run_restored "$d" "$d/img" "$saved" 1
	# the image of the running tree: its progress from where it was
	rm -f "$d/stop"
	echo 0 >"$d/progress"
	run_restored "$d" "$d/img-live" "$live" 2
done
disk_off
