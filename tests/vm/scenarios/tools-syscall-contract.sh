#!/bin/sh
# The checkpoint tools against the kernel's system call contract: each
# refusal is explained, a failed checkpoint keeps an image that records
# why, restart refuses that image, and the target keeps running.
fail() {
	echo "FAIL: $*"
	exit 1
}

expect() { # expected-exit-status output-pattern command...
	want=$1 pattern=$2
	shift 2
	"$@" >/tmp/expect.out 2>&1
	rc=$?
	sed 's/^/  | /' /tmp/expect.out
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want"
	grep -q -- "$pattern" /tmp/expect.out || fail "'$*' did not say '$pattern'"
}

sleep 1000 &
pid=$!

expect 1 "not the init of a pid namespace" checkpoint "$pid" -o /tmp/a.ckpt
expect 1 "dumping task state is not implemented yet" \
	checkpoint --subtree "$pid" -o /tmp/a.ckpt
expect 0 "ERROR .*EOPNOTSUPP" ckptinfo /tmp/a.ckpt
expect 0 "tail: valid" ckptinfo /tmp/a.ckpt
expect 1 "incomplete" ckptinfo --verify /tmp/a.ckpt
expect 1 "image is incomplete: the checkpoint failed" restart -i /tmp/a.ckpt
expect 1 "image is incomplete: the checkpoint failed" sh -c 'cat /tmp/a.ckpt | restart'

# The image also streams through a pipe, and a cut stream is refused.
checkpoint --subtree "$pid" 2>/dev/null | cat >/tmp/b.ckpt
cmp /tmp/b.ckpt /tmp/a.ckpt >/dev/null 2>&1
[ "$(stat -c %s /tmp/b.ckpt)" = "$(stat -c %s /tmp/a.ckpt)" ] ||
	fail "an image written to a pipe has another size than one written to a file"
head -c 150 /tmp/a.ckpt >/tmp/cut.ckpt
expect 1 "truncated" restart -i /tmp/cut.ckpt
expect 1 "offset" ckptinfo /tmp/cut.ckpt

expect 1 "no such process" checkpoint --subtree 4242 -o /tmp/c.ckpt
expect 1 "CAP_CHECKPOINT_RESTORE" \
	su nobody -s /bin/sh -c "checkpoint --subtree $pid -o /tmp/nobody.ckpt"

kill -0 "$pid" || fail "the target died"
grep -q '^State:.*S (sleeping)' "/proc/$pid/status" || fail "the target is not sleeping any more"
kill "$pid"
echo "all checks passed"
