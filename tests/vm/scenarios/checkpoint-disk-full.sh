#!/bin/sh
# A checkpoint that fails midway (the image file system is full, or the
# reader of a pipe goes away) leaves the target running and intact.
. /tests/vm/lib.sh

d=/tmp/full
start "$d" "$BIN/glibc-static/counter" "$d"
mkdir -p /tmp/small
mount -t tmpfs -o size=256k tmpfs /tmp/small || fail "cannot mount a small tmpfs"
expect 1 "No space left on device" checkpoint --subtree "$pid" -o /tmp/small/img
still_running "$d" "$pid"
expect 0 "" sh -c "checkpoint --subtree $pid | head -c 1000 >/dev/null"
still_running "$d" "$pid"
touch "$d/stop"
wait "$pid" || fail "the target exited $? after the failed checkpoints"
umount /tmp/small
