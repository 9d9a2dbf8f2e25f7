// SPDX-License-Identifier: GPL-2.0-or-later
#include "controlling_terminal.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace crtool {

int terminal_to_give() noexcept
{
	pid_t self = ::getpid();
	if (::getsid(0) != self)
		return -1;
	for (int fd = 0; fd <= 2; fd++)
		if (::isatty(fd) && ::tcgetsid(fd) == self)
			return fd;
	return -1;
}

std::vector<std::string> terminal_notes(std::span<const ckpt_task_ids> tasks, int tty_fd)
{
	std::vector<std::string> notes;
	if (tty_fd >= 0)
		return notes;
	for (const ckpt_task_ids &t : tasks)
		if ((t.flags & CKPT_TASK_SESSION_LEADER) && (t.flags & CKPT_TASK_CTTY))
			notes.push_back(fmt::format(
				"session {} had a controlling terminal; it gets none, as restart "
				"does not lead the session of a terminal (start restart as a "
				"terminal's first process, or with setsid -c, to give it its own)",
				t.sid));
	return notes;
}

int take_terminal(int tty_fd) noexcept
{
	/* 1: take it from restart's session, which restart leads */
	return ::ioctl(tty_fd, TIOCSCTTY, 1) < 0 ? errno : 0;
}

void drop_terminal() noexcept
{
	int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return; /* it has none */
	::ioctl(fd, TIOCNOTTY);
	::close(fd);
}

int set_foreground(int tty_fd, pid_t pgrp) noexcept
{
	/* a group not in the foreground may change it only with SIGTTOU blocked */
	sigset_t ttou, old;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	::sigprocmask(SIG_BLOCK, &ttou, &old);
	int err = ::tcsetpgrp(tty_fd, pgrp) < 0 ? errno : 0;
	::sigprocmask(SIG_SETMASK, &old, nullptr);
	return err;
}

} // namespace crtool
