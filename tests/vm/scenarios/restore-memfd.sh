#!/bin/sh
# Memfds (memfd_create(), image format 1.10).  memfds (a parent and its
# child) makes seven memfds before fork(), so both processes hold every
# descriptor and mapping: "counted" (MFD_CLOEXEC|MFD_ALLOW_SEALING, 3
# pages and 123 bytes, mapped MAP_SHARED read-write, both counting in
# it, its descriptor at offset 777), "sealed" (F_SEAL_WRITE|F_SEAL_SHRINK|
# F_SEAL_GROW|F_SEAL_SEAL, then mapped MAP_SHARED PROT_READ), "future"
# (F_SEAL_FUTURE_WRITE added over a writable shared mapping, both
# counting in it), "closed" (mapped MAP_SHARED, its descriptor closed:
# the mapping alone holds it, both counting in it), "private" (mapped
# MAP_PRIVATE, a change copied before fork() and one by the child after
# it), "reopened" (a second open file through /proc/self/fd/N,
# O_RDONLY|O_NONBLOCK, each at its own offset) and "noexec"
# (MFD_NOEXEC_SEAL).  A checkpoint without --kill leaves the tree
# running, then one with --kill; in both images ckptinfo lists each
# memfd once with its size, seals and mode (one object for every
# descriptor and mapping of both processes), the open files with their
# flags, offsets and FD_CLOEXEC, counted's one open file in both
# processes.  Restarted from the --kill image, then from the other, the
# processes see each other's counters through every shared mapping and
# through the descriptors, each mapping on the inode of its descriptor
# and the same in both processes; every byte of every memfd as it was
# (through the descriptor and the mapping, zero past counted's size),
# the sizes (fstat), modes (0777, noexec 0666), seals (F_GET_SEALS),
# offsets, access modes and FD_CLOEXEC (counted's alone) as they were,
# the /proc/self/fd links "/memfd:NAME (deleted)"; sealed refuses write()
# and ftruncate() (EPERM), mprotect(PROT_WRITE) (EACCES) and F_ADD_SEALS
# (EPERM); future's old mapping takes writes that read() returns, while
# write() and a new writable shared mapping fail (EPERM); the private
# mapping keeps its changes, which the memfd does not show, and shows a
# write to the memfd in the page it never copied; a write through
# reopened's first open file is read through the second, a read() moves
# the second's offset alone; noexec cannot be made executable (EPERM);
# an offset moved by the child is the parent's too.  For a glibc static,
# a musl static and a dynamically linked build.  (Until 1.10 a memfd,
# even mapped with its descriptor closed, was refused by name:
# restore-shared-files checked that.)
. /tests/vm/lib.sh

# listed IMAGE WHAT N PATTERN: ckptinfo's listing of IMAGE (IMAGE.info)
# has N lines matching PATTERN
listed() {
	_n=$(grep -c -- "$4" "$1.info")
	grep -- "$4" "$1.info" | sed 's/^/  | /'
	[ "$_n" = "$3" ] || fail "$v: $1: ckptinfo lists $_n $2, not $3 ('$4')"
}

# one_file IMAGE WHAT PATTERN: the 2 FILE records matching PATTERN (the
# parent's and the child's descriptor) name one open file: the same
# memfd, objref, flags and offset
one_file() {
	listed "$1" "$2" 2 "$3"
	_n=$(grep -- "$3" "$1.info" | sed 's/.* fd [0-9]* memfd  //' | sort -u | wc -l)
	[ "$_n" = 1 ] || fail "$v: $1: the parent's and the child's $2 are not one open file"
}

# memfd_obj IMAGE NAME: the number of the memfd NAME in IMAGE
memfd_obj() {
	sed -n "s/.*memfd obj \([0-9]*\): flags NEW .*name \"$2\".*/\1/p" "$1.info"
}

# check_image IMAGE: ckptinfo --verify accepts it, and lists the memfds
# and their files as they are
check_image() {
	expect 0 "valid" ckptinfo --verify "$1"
	ckptinfo "$1" >"$1.info" 2>&1 || { cat "$1.info"; fail "$v: ckptinfo $1 failed"; }
	listed "$1" "new memfds" 7 "memfd obj [0-9]*: flags NEW "
	for m in counted sealed future closed private reopened noexec; do
		listed "$1" "memfds $m" 1 "memfd obj [0-9]*: flags NEW .*name \"memfds-$m\""
	done
	listed "$1" "memfd counted" 1 \
		"flags NEW  size 12411  seals none  mode 0777  name \"memfds-counted\"  4 pages written"
	listed "$1" "memfd sealed" 1 \
		"flags NEW  size 8192  seals F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE  mode 0777  name \"memfds-sealed\""
	listed "$1" "memfd future" 1 \
		"flags NEW  size 8192  seals F_SEAL_FUTURE_WRITE  mode 0777  name \"memfds-future\""
	listed "$1" "memfd closed" 1 "flags NEW  size 8192  seals none  mode 0777  name \"memfds-closed\""
	listed "$1" "memfd private" 1 "flags NEW  size 8192  seals F_SEAL_SEAL  mode 0777  name \"memfds-private\""
	listed "$1" "memfd reopened" 1 \
		"flags NEW  size 4096  seals F_SEAL_SEAL  mode 0777  name \"memfds-reopened\""
	listed "$1" "memfd noexec" 1 "flags NEW  size 4096  seals F_SEAL_EXEC  mode 0666  name \"memfds-noexec\""
	listed "$1" "open files of memfds" 14 " fd [0-9]* memfd  flags "
	listed "$1" "close-on-exec memfd files" 2 " fd [0-9]* memfd  flags .*  cloexec  "
	c=$(memfd_obj "$1" memfds-counted)
	r=$(memfd_obj "$1" memfds-reopened)
	one_file "$1" "counted descriptors" \
		" fd [0-9]* memfd  flags O_RDWR[|A-Z_]*  pos 777  memfd $c  obj [0-9]*  cloexec  /memfd:memfds-counted (deleted)\$"
	one_file "$1" "reopened fd A" \
		" fd [0-9]* memfd  flags O_RDWR[|A-Z_]*  pos 1000  memfd $r  obj [0-9]*  /memfd:memfds-reopened (deleted)\$"
	one_file "$1" "reopened fd B" \
		" fd [0-9]* memfd  flags O_RDONLY|O_NONBLOCK[|A-Z_]*  pos 2000  memfd $r  obj [0-9]*  /memfd:memfds-reopened (deleted)\$"
	a=$(grep " pos 1000  memfd $r  obj" "$1.info" | sed -n '1s/.*  obj \([0-9]*\).*/\1/p')
	b=$(grep " pos 2000  memfd $r  obj" "$1.info" | sed -n '1s/.*  obj \([0-9]*\).*/\1/p')
	[ -n "$a" ] && [ "$a" != "$b" ] ||
		fail "$v: $1: reopened's two open files are one (obj $a and $b)"
	listed "$1" "memfd mappings" 10 " memfd  flags [|A-Z_a-z]*  pgoff 0\$"
	listed "$1" "shared writable memfd mappings" 6 " rw- memfd  flags SHARED|MAYWRITE[|A-Z_]*  pgoff 0\$"
	listed "$1" "read-only shared memfd mappings (sealed)" 2 " r-- memfd  flags SHARED[|A-Z_]*  pgoff 0\$"
	listed "$1" "read-only shared memfd mappings that could be made writable" 0 \
		" r-- memfd  flags [|A-Z_]*MAYWRITE"
	listed "$1" "private memfd mappings" 2 " rw- memfd  flags [^S ][|A-Z_a-z]*  pgoff 0\$"
}

# run_restored DIR IMAGE SAVED N: restart IMAGE, which saved the tree
# at step SAVED; DIR/stop once it made progress; the N-th "memfds
# intact" of DIR/out is its
run_restored() {
	stop_after_progress "$1" "$pid" "$3"
	expect 0 "" restart -i "$2"
	said "$1" "memfds intact"
	grep -q "DAMAGED" "$1/out" && fail "$v: a process found its memfds damaged"
	[ "$(grep -c "memfds parent: .* memfds intact" "$1/out")" = "$4" ] ||
		fail "$v: the parent restored from $2 did not say its memfds are intact"
	[ "$(grep -c "memfds child: .* its cases intact" "$1/out")" = "$4" ] ||
		fail "$v: the child restored from $2 did not say its cases are intact"
	final=$(progress "$1")
	[ "$final" -gt "$3" ] || fail "$v: no progress after restart from $2 ($3, then $final)"
	echo "$v: restored from $2 at step $3, stopped at $final"
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/memfd-$v
	start "$d" "$BIN/$v/memfds" "$d"
	if grep -q "setup failed" "$d/out"; then
		sed 's/^/  > /' "$d/out"
		fail "$v: memfds could not set its cases up"
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
