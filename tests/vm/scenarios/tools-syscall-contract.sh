#!/bin/sh
# The checkpoint tools against the kernel's system call contract: each
# refusal is explained, a checkpoint leaves the target running, images
# stream through pipes, and damaged images are refused with the reason.
. /tests/vm/lib.sh

sleep 1000 &
pid=$!

expect 1 "not the init of a pid namespace" checkpoint "$pid" -o /tmp/a.ckpt
expect 0 "" checkpoint --subtree "$pid" -o /tmp/a.ckpt
expect 0 "valid" ckptinfo --verify /tmp/a.ckpt
expect 0 "TASK" ckptinfo /tmp/a.ckpt

# The image also streams through a pipe.
checkpoint --subtree "$pid" 2>/dev/null | cat >/tmp/b.ckpt
expect 0 "valid" ckptinfo --verify /tmp/b.ckpt
[ "$(stat -c %s /tmp/b.ckpt)" = "$(stat -c %s /tmp/a.ckpt)" ] ||
	fail "an image written to a pipe has another size than one written to a file"

# A cut image is refused before anything runs.  (Named *.cut: the image
# walker zz-restart-every-image skips deliberately damaged images.)
head -c 150 /tmp/a.ckpt >/tmp/a.cut
expect 1 "truncated" restart -i /tmp/a.cut
expect 1 "offset" ckptinfo /tmp/a.cut

expect 1 "no such process" checkpoint --subtree 4242 -o /tmp/c.ckpt
expect 1 "CAP_CHECKPOINT_RESTORE" \
	su nobody -s /bin/sh -c "checkpoint --subtree $pid -o /tmp/nobody.ckpt"

kill -0 "$pid" || fail "the target died"
grep -q '^State:.*S (sleeping)' "/proc/$pid/status" || fail "the target is not sleeping any more"
kill "$pid"
wait "$pid"
echo "all checks passed"
