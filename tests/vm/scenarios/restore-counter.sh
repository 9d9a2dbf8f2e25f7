#!/bin/sh
# A process with heap, mmap()ed and PROT_NONE memory, floating point
# state and an open file, sleeping in nanosleep(), is checkpointed with
# --kill and restarted: it gets its pid back, continues counting, and
# finds its memory, registers, /proc/self/maps, cmdline, environ and
# auxv unchanged.  For a glibc static, a musl static and a dynamically
# linked (libc + libm) build.
. /tests/vm/lib.sh

for v in glibc-static musl-static dynamic; do
	d=/tmp/counter-$v
	start "$d" "$BIN/$v/counter" "$d"
	sleep 0.5
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	saved=$(progress "$d")
	expect 0 "valid" ckptinfo --verify "$d/img"
	(sleep 1; touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
	said "$d" "state intact"
	final=$(progress "$d")
	[ "$final" -gt "$saved" ] || fail "$v: no progress after restart ($saved, then $final)"
	echo "$v: restored at step $saved, stopped at $final"
done
