#!/bin/sh
# Restart aborted at every allocation it makes (debug kernel only: it
# needs CONFIG_FAULT_INJECTION, FAILSLAB and FAIL_PAGE_ALLOC).  A process
# asleep in nanosleep(), and one asleep in epoll_wait() on an epoll of
# its own, are checkpointed with --kill; rstfail restores each image
# again and again with the N-th allocation of restart() failing, for
# every N until a restart meets no fault: each try fails with ENOMEM
# before the commit (the caller untouched, a message on the log), is
# killed by the kernel after it, or restores the process, and leaves no
# task behind.  The debug lane's console and kmemleak scans then catch
# any kernel report or leak of restart's error paths.  The sweep's last
# try, which met no fault, must have restored the process.
. /tests/vm/lib.sh

fault_injection_on

for how in nanosleep epoll; do
	d=/tmp/restart-faults-$how
	start "$d" "$BIN/glibc-static/sleeper" 600 "$d" "$how"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid" 2>/dev/null
	expect 0 "rstfail: .* tries: .* 0 failures" "$BIN/glibc-static/rstfail" "$d/img"
	echo "$how: $(grep 'tries:' /tmp/expect.out)"
done
