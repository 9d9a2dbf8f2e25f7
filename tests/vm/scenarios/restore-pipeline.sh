#!/bin/sh
# A pipeline of shells: a writer shell prints a numbered line every 50 ms
# into a pipe, a reader shell takes one every 150 ms and appends it to a
# file, so that the pipe holds unread lines when the checkpoint comes.
# After the restart the numbers go on where they were, none lost or
# repeated: the pipe came back with its bytes, its ends held by the same
# processes (the shells and their sleep children).
. /tests/vm/lib.sh

d=/tmp/pipeline
rm -rf "$d"
mkdir -p "$d"
show_on_fail "$d/out"
sh -c "i=0; while [ ! -e $d/stop ]; do i=\$((i + 1)); echo \$i; sleep 0.05; done |
	(while read x; do echo \"line \$x\" >>$d/out; sleep 0.15; done; echo end >>$d/out)" \
	</dev/null >/dev/null 2>&1 &
pid=$!
sleep 2
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
expect 0 "PIPE_DATA" ckptinfo "$d/img"
grep "PIPE_DATA" /tmp/expect.out | grep -q "pipe [0-9]*: [1-9][0-9]* bytes buffered" ||
	fail "the pipe held no bytes at the checkpoint"
before=$(grep -c '^line' "$d/out")
echo "$before lines read before the checkpoint"

(sleep 2; touch "$d/stop") &
expect 0 "" restart -i "$d/img"
after=$(grep -c '^line' "$d/out")
echo "$after lines in all"
tail -1 "$d/out" | grep -q '^end$' || fail "the reader did not see the end of the pipe"
awk '/^line/ { if ($2 != ++n) { print "line " n " is " $2; bad = 1 } } END { exit bad }' \
	"$d/out" || fail "lines were lost or repeated"
[ "$after" -gt "$before" ] || fail "nothing was read after the restart"
echo "the pipeline went on: lines 1 to $after, none lost or repeated"
