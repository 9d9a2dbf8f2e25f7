// SPDX-License-Identifier: LGPL-2.1-or-later
#include "fork_with_pid.h"

#include "error.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <linux/sched.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace cr {

namespace {

/* clone3() as fork() with set_tid: the child's pid, 0 in the child, or -errno. */
long clone3_with_pid(pid_t pid) noexcept
{
#ifdef SYS_clone3
	pid_t tid[1] = {pid};
	clone_args args{};
	args.exit_signal = SIGCHLD;
	args.set_tid = reinterpret_cast<std::uintptr_t>(tid);
	args.set_tid_size = 1;
	long rc = ::syscall(SYS_clone3, &args, sizeof(args));
	return rc < 0 ? -errno : rc;
#else
	(void)pid;
	return -ENOSYS;
#endif
}

} // namespace

ForkResult fork_with_pid(pid_t pid)
{
	if (pid <= 0)
		throw Error(EINVAL, fmt::format("cannot create a process with pid {}", pid));
	long rc = clone3_with_pid(pid);
	if (rc >= 0)
		return ForkResult{static_cast<pid_t>(rc), 0};

	int err = static_cast<int>(-rc);
	if (err != EEXIST && err != EPERM && err != EINVAL && err != ENOSYS)
		throw Error(err, fmt::format("clone3 with pid {}: {}", pid, std::strerror(err)));
	pid_t child = ::fork();
	if (child < 0)
		throw Error::from_errno("fork");
	return ForkResult{child, err};
}

const char *pid_error_reason(int pid_error) noexcept
{
	switch (pid_error) {
	case 0:
		return "";
	case EEXIST:
		return "is taken";
	case EPERM:
		return "cannot be chosen without CAP_CHECKPOINT_RESTORE";
	case EINVAL:
		return "is out of the range of this pid namespace";
	case ENOSYS:
		return "cannot be chosen: clone3() is not available";
	default:
		return "cannot be chosen";
	}
}

} // namespace cr
