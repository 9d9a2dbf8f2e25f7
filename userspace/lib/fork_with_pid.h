/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Creating the task a process is restored into, with the pid it had:
 * clone3() with set_tid, or fork() when that pid cannot be had.
 */
#pragma once

#include <sys/types.h>

namespace cr {

struct ForkResult {
	pid_t pid = 0;	   /* the child's pid in the parent, 0 in the child */
	int pid_error = 0; /* why the child did not get the pid asked for, 0 if it did */
};

/*
 * Forks, giving the child pid @pid in the caller's pid namespace
 * (clone3() with set_tid, exit signal SIGCHLD).  When clone3() refuses
 * the pid, the child is made with fork() and gets another pid; pid_error
 * says why: EEXIST (the pid is taken), EPERM (no CAP_CHECKPOINT_RESTORE
 * over the pid namespace), EINVAL (out of its range) or ENOSYS (no
 * clone3(), e.g. under a seccomp filter).  Other failures throw cr::Error.
 *
 * A child made by clone3() skips the C library's fork handlers: until it
 * calls _exit() or restart() takes it over, it may only call
 * async-signal-safe functions.
 */
ForkResult fork_with_pid(pid_t pid);

/* What ForkResult::pid_error means, after "pid 42": "is taken" etc. */
const char *pid_error_reason(int pid_error) noexcept;

} // namespace cr
