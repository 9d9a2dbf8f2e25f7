#!/bin/sh
# What checkpoint cannot save yet, or what an image would not carry (a
# lease, an AIO or io_uring context, a deleted FIFO, a deleted file
# still linked under another name or larger than an image keeps, an
# owner for I/O signals outside the tree, a memfd or a deleted file also
# open outside the tree, System V IPC that format 1.11 does not carry, a
# UTS or IPC namespace that restart could not make again), is refused
# with a message naming the object, the image fails ckptinfo --verify,
# and the target keeps running as if nothing happened.  What a format
# saves since (a semaphore set in a new IPC namespace, 1.11) is checked
# to be accepted.
. /tests/vm/lib.sh

check() { # kind pattern
	d=/tmp/refuse-$1
	start "$d" "$BIN/glibc-static/refuse" "$1" "$d"
	expect 1 "$2" checkpoint --subtree "$pid" -o "$d/img"
	still_running "$d" "$pid"
	expect 1 "incomplete" ckptinfo --verify "$d/img"
	touch "$d/stop"
	wait "$pid" || fail "$1: the target exited $?"
}

accepted() { # kind: saved now; the checkpoint succeeds, the target runs on
	d=/tmp/refuse-$1
	start "$d" "$BIN/glibc-static/refuse" "$1" "$d"
	expect 0 "" checkpoint --subtree "$pid" -o "$d/img"
	still_running "$d" "$pid"
	expect 0 "valid" ckptinfo --verify "$d/img"
	touch "$d/stop"
	wait "$pid" || fail "$1: the target exited $?"
}

check fifo "fd [0-9]* (/tmp/refuse-fifo/fifo (deleted)): deleted (a directory, FIFO or socket) is not supported yet"
check thread "pid [0-9]* is a thread with its file descriptor table of its own (unshare()): not supported yet"
# A table shared with a task outside the tree (a re-parented grandchild,
# which ends once the program is gone): EBUSY, restart could not share
# it again.
check clonefiles "pid [0-9]*: its file descriptor table (CLONE_FILES) is also used by 1 task(s) outside the checkpointed tree"
gone "$(cat /tmp/refuse-clonefiles/outsider)"
check clonefs "pid [0-9]*: its working directory, root and umask (CLONE_FS) is also used by 1 task(s) outside the checkpointed tree"
gone "$(cat /tmp/refuse-clonefs/outsider)"

# Loose patterns: the object's name, not the exact wording.
check mapfiles "fd [0-9]*.*/dev/zero"
check lease "fd [0-9]* (/tmp/refuse-lease/lease): a lease (F_SETLEASE) is not supported yet"
check aio "[Aa][Ii][Oo]"
check iouring "io_uring"
# Deleted files are saved with their contents since 1.10
# (restore-deleted-files), but not one that another name still links
# (restart could not link it again), nor one larger than 256 MiB
# (EFBIG), named by the file.
check deletedlinked "fd [0-9]* (/tmp/refuse-deletedlinked/first (deleted)): deleted, but linked under another name: restart could not link it again"
check deletedbig "big: a deleted file of 314572800 bytes, more than the 268435456 an image keeps"
# (the error record, as ckptinfo --verify showed it last)
grep -q "the checkpoint failed: EFBIG: big: a deleted file" /tmp/expect.out ||
	fail "deletedbig: the image's error record is not EFBIG"
# An owner for I/O signals (F_SETOWN) outside the tree, the program's
# parent (this shell): EBUSY, restart could not send it SIGIO again.
check setown "fd [0-9]* (pipe:\[[0-9]*\]): its owner for I/O signals (F_SETOWN), process $$, is not in the checkpointed tree: restart could not send it SIGIO again"
check owner "fd [0-9]* (/tmp/refuse-owner/owned): its owner for I/O signals (F_SETOWN), process $$, is not in the checkpointed tree"
check pty "fd [0-9]* (/dev/ptmx): a pty whose slave was never opened"
check timerslack "pid [0-9]*: a timer slack of its own (PR_SET_TIMERSLACK) is not supported yet"
check ioprio "pid [0-9]*: an I/O priority (ioprio_set) is not supported yet"

# System V IPC (format 1.11 saves the shared memory segments of an IPC
# namespace new in the tree, attached whole as shmat() made them): a
# segment of the checkpointer's namespace, shared with the outside; an
# attachment partly unmapped, or mprotect()ed; a locked segment; message
# queues and POSIX message queues in the tree's namespace; semaphore
# adjustments (SEM_UNDO) on a set of the checkpointer's namespace, or in
# an undo list two processes share (CLONE_SYSVSEM).  Semaphore sets in
# the tree's namespace are saved since 1.11 (restore-sysv-sem).
check shmhome "mapping .*: a System V shared memory segment of the checkpointer's IPC namespace (shared with the outside) is not supported"
check shmpart "a System V shared memory segment mapped in part (after munmap() or mremap()) is not supported yet"
check shmprot "a System V shared memory segment whose protection changed after shmat() is not supported yet"
check shmlock "System V shared memory segment [0-9]*: locked (SHM_LOCK): not supported yet"
check msgq "IPC namespace.* holds System V message queues: not supported yet"
accepted sem
check mqueue "IPC namespace.* holds POSIX message queues: not supported yet"
check semundohome "pid [0-9]*: System V semaphore adjustments (SEM_UNDO) in the checkpointer's IPC namespace (shared with the outside) are not supported"
check sysvsem "pid [0-9]* shares its System V semaphore adjustments (CLONE_SYSVSEM) with another process: not supported yet"
# A namespace new in the tree that a process outside it also lives in (a
# re-parented grandchild, which ends once the program is gone): EBUSY,
# restart would make it anew for the tree alone.
check nsout "the IPC namespace of pid [0-9]* is also used by pid [0-9]* outside the checkpointed tree"
gone "$(cat /tmp/refuse-nsout/outsider)"
check nsoututs "the UTS namespace of pid [0-9]* is also used by pid [0-9]* outside the checkpointed tree"
gone "$(cat /tmp/refuse-nsoututs/outsider)"
# A task whose namespace is neither its parent's nor new at it: restart
# makes a namespace with the clone() of its first task, which the tasks
# after it inherit.  The program's child went back to the checkpointer's
# UTS namespace (setns()); the program's grandchild went back to the
# program's IPC namespace, its parent (the program's child) living in a
# namespace of its own.
check nsjoin "pid [0-9]* lives in the checkpointer's UTS namespace, its parent pid [0-9]* in another: not supported"
check nsjoinipc "pid [0-9]* lives in the IPC namespace of pid [0-9]*, its parent pid [0-9]* in another: not supported"

# A memfd (supported since 1.10) that this shell, outside the tree, has
# open too, through /proc/PID/fd/N: EBUSY, restart could not share it
# with the shell again.  Once the shell closed it, the checkpoint
# succeeds and the target runs on.
d=/tmp/refuse-memfdout
start "$d" "$BIN/glibc-static/refuse" memfdout "$d"
n=$(cat "$d/memfd")
exec 9<"/proc/$pid/fd/$n" || fail "memfdout: cannot open /proc/$pid/fd/$n"
[ "$(readlink /proc/$$/fd/9)" = "/memfd:ckpt-test (deleted)" ] ||
	fail "memfdout: this shell's fd 9 is $(readlink /proc/$$/fd/9)"
expect 1 "memfd:ckpt-test.*also open outside the checkpointed tree" \
	checkpoint --subtree "$pid" -o "$d/img"
still_running "$d" "$pid"
expect 1 "incomplete" ckptinfo --verify "$d/img"
exec 9<&-
expect 0 "" checkpoint --subtree "$pid" -o "$d/img-alone"
still_running "$d" "$pid"
expect 0 "valid" ckptinfo --verify "$d/img-alone"
touch "$d/stop"
wait "$pid" || fail "memfdout: the target exited $?"

# The same with a deleted file (1.10): this shell opens the target's
# deleted file through /proc/PID/fd/N, and the checkpoint is refused
# (EBUSY) until it closed it.
d=/tmp/refuse-deletedout
start "$d" "$BIN/glibc-static/refuse" deletedout "$d"
n=$(cat "$d/deleted")
exec 9<"/proc/$pid/fd/$n" || fail "deletedout: cannot open /proc/$pid/fd/$n"
[ "$(readlink /proc/$$/fd/9)" = "$d/outfile (deleted)" ] ||
	fail "deletedout: this shell's fd 9 is $(readlink /proc/$$/fd/9)"
expect 1 "outfile: the deleted file is also open outside the checkpointed tree" \
	checkpoint --subtree "$pid" -o "$d/img"
still_running "$d" "$pid"
expect 1 "incomplete" ckptinfo --verify "$d/img"
exec 9<&-
expect 0 "" checkpoint --subtree "$pid" -o "$d/img-alone"
still_running "$d" "$pid"
expect 0 "valid" ckptinfo --verify "$d/img-alone"
touch "$d/stop"
wait "$pid" || fail "deletedout: the target exited $?"
