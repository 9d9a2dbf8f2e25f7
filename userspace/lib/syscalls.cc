// SPDX-License-Identifier: LGPL-2.1-or-later
#include "syscalls.h"

#include <cerrno>
#include <linux/checkpoint_hdr.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace cr {

long checkpoint(pid_t pid, int fd, unsigned int flags, int logfd) noexcept
{
#ifdef __NR_checkpoint
	long rc = ::syscall(__NR_checkpoint, pid, fd, flags, logfd);
	return rc < 0 ? -errno : rc;
#else
	(void)pid, (void)fd, (void)flags, (void)logfd;
	return -ENOSYS;
#endif
}

long restart(pid_t pid, int fd, unsigned int flags, int logfd) noexcept
{
#ifdef __NR_restart
	long rc = ::syscall(__NR_restart, pid, fd, flags, logfd);
	return rc < 0 ? -errno : rc;
#else
	(void)pid, (void)fd, (void)flags, (void)logfd;
	return -ENOSYS;
#endif
}

bool have_checkpoint_syscalls() noexcept
{
	return checkpoint(0, -1, ~0U, -1) != -ENOSYS;
}

} // namespace cr
