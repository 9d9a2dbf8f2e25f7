#!/bin/sh
# The demo, run inside the VM by `make demo`: a dynamically linked
# program (libc + libm) prints a numbered line every 300 ms on the
# terminal; it is checkpointed and killed halfway, the image is
# inspected, and restart brings it back: same pid, same terminal, and the
# numbering and the running sum go on where they stopped.
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

/tests/bin/dynamic/ticker 16 &
pid=$!
sleep 2.5

say "checkpoint --subtree --kill $pid -o /tmp/ticker.ckpt"
checkpoint --subtree --kill "$pid" -o /tmp/ticker.ckpt || exit 1
wait "$pid" 2>/dev/null
say "ckptinfo /tmp/ticker.ckpt | head -30"
ckptinfo /tmp/ticker.ckpt | head -30
say "ckptinfo --verify /tmp/ticker.ckpt"
ckptinfo --verify /tmp/ticker.ckpt || exit 1
say "ls /proc/$pid   # the process is gone"
ls "/proc/$pid" 2>&1 | head -1
say "restart -i /tmp/ticker.ckpt"
restart -i /tmp/ticker.ckpt
rc=$?
say "the restored process exited with status $rc"
exit $rc
