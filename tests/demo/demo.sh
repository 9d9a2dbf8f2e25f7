#!/bin/sh
# The demo, run inside the VM by `make demo`: a small container, a shell
# that is the init of a new pid namespace, runs a background job and a
# foreground job (dynamically linked programs, libc + libm, each printing
# a numbered line every 300 ms on the terminal).  The container is
# checkpointed and killed halfway, the image is inspected, and restart
# brings it back in a fresh pid namespace: the same pids inside, the same
# terminal, and both jobs go on where they stopped; the shell's wait ends
# when they finish.
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
T=/tests/bin/dynamic/ticker

# tasks ROOT: the tree of ROOT, one line each: pid outside, pid inside, command
tasks() {
	echo "$1 $(awk '/^NSpid:/ { print $3 }' "/proc/$1/status") $(tr '\0' ' ' <"/proc/$1/cmdline")"
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		tasks "$c"
	done
}

say "unshare --pid --fork sh -c 'exec </dev/null; $T 40 \"    job \" & $T 20; wait' &"
unshare -p -f sh -c "exec </dev/null; $T 40 '    job ' & $T 20; wait" &
upid=$!
sleep 3
init=$(echo $(cat /proc/$upid/task/$upid/children))
say "the container's tasks (pid outside, pid inside, command)"
tasks "$init"

say "checkpoint --kill $init -o /tmp/container.ckpt   # a pid namespace init: the whole container"
checkpoint --kill "$init" -o /tmp/container.ckpt || exit 1
wait "$upid" 2>/dev/null
say "ckptinfo /tmp/container.ckpt | head -16"
ckptinfo /tmp/container.ckpt | head -16
say "ckptinfo --verify /tmp/container.ckpt"
ckptinfo --verify /tmp/container.ckpt || exit 1
say "ls /proc/$init   # the container is gone"
ls "/proc/$init" 2>&1 | head -1
say "restart --pidns -i /tmp/container.ckpt"
restart --pidns -i /tmp/container.ckpt &
rpid=$!
sleep 2
say "the restored container's tasks (pid outside, pid inside, command)"
tasks "$(echo $(cat /proc/$rpid/task/$rpid/children))"
wait "$rpid"
rc=$?
say "the restored container's shell exited with status $rc"
exit $rc
