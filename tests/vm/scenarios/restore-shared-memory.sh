#!/bin/sh
# Five processes (a parent, two children, two grandchildren) share two
# MAP_SHARED|MAP_ANONYMOUS regions across fork(), 4 pages and 4 MiB; one
# process unmapped 64 KiB of the big one, one made part of it read-only,
# one moved a part elsewhere with mremap().  They add to one counter and
# wake each other through futex words in it.  Checkpointed with --kill
# and restarted, every process keeps its pid and finds the patterns in
# its view, its mappings as they were, one shmem object per region in
# every process (what one writes, through any view, the others see), the
# counter going on from where it was and futex wake-ups working across
# processes.  Each region's data is in the image once: ckptinfo lists
# two shared memory objects, and the image is far smaller than five
# copies of the 4 MiB.  For a glibc static, a musl static and a
# dynamically linked build.
. /tests/vm/lib.sh

# pids_of ROOT: the pids of ROOT's tree, sorted, on one line
pids_of() {
	tree_of "$1" | sort -n | tr '\n' ' '
}

# inspect ROOT: the pids of ROOT's tree; then a second for the restored
# tree to step on before DIR/stop
inspect() {
	pids_of "$1"
	sleep 1
}

# shmem_objects: from ckptinfo's listing on stdin, the number of shared
# memory objects.  Its records of type SHMEM (second column) are one
# per object with its contents, and one per later mapping that refers
# to it.  When every SHMEM line names an object number ("obj 3",
# "objref 3", "ref 3", "id 3", "shmem #3"...), count the distinct
# numbers; otherwise count the SHMEM lines with contents: longer than a
# page, or followed by PAGES records.
shmem_objects() {
	awk '
		$1 ~ /^[0-9]+$/ && NF >= 3 {
			if (prev && $2 == "PAGES")
				full++
			prev = 0
			if ($2 != "SHMEM")
				next
			lines++
			note = ""
			for (i = 4; i <= NF; i++)
				note = note " " $i
			if (match(note, / (objref|object|obj|ref|id|shmem)[ :#=]*[0-9]+/)) {
				id = substr(note, RSTART, RLENGTH)
				gsub(/[^0-9]/, "", id)
				ids[id] = 1
				named++
			}
			if ($3 + 0 > 4096)
				full++
			else
				prev = 1
		}
		END {
			n = 0
			if (lines && named == lines)
				for (id in ids)
					n++
			else
				n = full
			print n + 0
		}
	'
}

# written_once IMAGE OBJECTS: the image holds OBJECTS shared memory
# objects, each written once.
written_once() {
	ckptinfo "$1" >"$1.info" 2>&1 || { cat "$1.info"; fail "ckptinfo $1 failed"; }
	awk '$2 == "SHMEM"' "$1.info" | sed 's/^/  | /'
	lines=$(awk '$2 == "SHMEM"' "$1.info" | wc -l)
	[ "$lines" -ge "$2" ] || fail "ckptinfo lists $lines SHMEM records, expected at least $2"
	n=$(shmem_objects <"$1.info")
	[ "$n" = "$2" ] || fail "ckptinfo lists $n shared memory objects, expected $2"
	size=$(wc -c <"$1")
	[ "$size" -lt $((8 << 20)) ] ||
		fail "the image has $size bytes: the 4 MiB region is written more than once"
	echo "$2 shared memory objects in $lines SHMEM records; image of $size bytes"
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/shm-$v
	start "$d" "$BIN/$v/shmtree" "$d"
	before=$(pids_of "$pid")
	[ "$(echo $before | wc -w)" = 5 ] || fail "$v: the tree is not 5 processes: $before"
	echo "tree of $pid: $before"
	sleep 0.5
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	saved=$(progress "$d")
	expect 0 "valid" ckptinfo --verify "$d/img"
	written_once "$d/img" 2

	restart_inspect "$d/img" "$d" "$pid" inspect "$pid"
	said "$d" "shared memory intact"
	n=$(grep -c "shared memory intact" "$d/out")
	[ "$n" = 5 ] || fail "$v: $n processes, not 5, said 'shared memory intact'"
	grep -q "DAMAGED" "$d/out" && fail "$v: a process found its shared memory damaged"
	same "$before" "$after" "$v: the pids"
	final=$(progress "$d")
	[ "$final" -gt "$saved" ] || fail "$v: the counter did not go on ($saved, then $final)"
	echo "$v: the tree is back, its counter went from $saved to $final"
done
