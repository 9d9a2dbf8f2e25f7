#!/bin/sh
# A pipe whose ends were opened again through /proc/self/fd (a second
# reader, a second writer, a read-write file) is saved as one pipe with
# five open files, and comes back so: each descriptor keeps its mode and
# flags, bytes written through any of them are read through any other,
# and the bytes left in the pipe are still there.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/pipereopen-$v
	start "$d" "$BIN/$v/pipereopen" "$d"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	expect 0 "" ckptinfo "$d/img"
	# five open files (objrefs) of one pipe
	n=$(grep " FILE .* pipe  .* pipe [0-9]" /tmp/expect.out | sed 's/.* pipe \([0-9]*\)  obj \([0-9]*\).*/\1 \2/' | sort -u)
	[ "$(echo "$n" | wc -l)" = 5 ] && [ "$(echo "$n" | cut -d' ' -f1 | sort -u | wc -l)" = 1 ] ||
		fail "$v: the image holds these pipe/objref pairs, expected five open files of one pipe: $n"
	(restored "$pid"; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "pipe reopened intact"
	echo "$v: the pipe and its five open files are back"
done
