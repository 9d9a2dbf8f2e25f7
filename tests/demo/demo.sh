#!/bin/sh
# The demo, run inside the VM by `make demo`: a program counts, the
# tools checkpoint it and show what the image holds.  Until task state
# can be dumped, the kernel refuses with a reason that the image keeps,
# and the counter goes on untouched.
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

(i=0; while :; do i=$((i + 1)); echo "$i" >/tmp/counter; sleep 0.2; done) &
pid=$!
sleep 1

say "checkpoint $pid -o /tmp/app.ckpt"
checkpoint "$pid" -o /tmp/app.ckpt
say "checkpoint --subtree $pid -o /tmp/app.ckpt"
checkpoint --subtree "$pid" -o /tmp/app.ckpt
say "ckptinfo /tmp/app.ckpt"
ckptinfo /tmp/app.ckpt
say "restart -i /tmp/app.ckpt"
restart -i /tmp/app.ckpt
say "the counter kept running: $(cat /tmp/counter), then $(sleep 1; cat /tmp/counter)"
kill "$pid"
exit 0
