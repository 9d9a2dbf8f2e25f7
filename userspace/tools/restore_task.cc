// SPDX-License-Identifier: GPL-2.0-or-later
#include "restore_task.h"

#include "error.h"
#include "fd.h"
#include "fork_with_pid.h"
#include "io.h"
#include "relay.h"
#include "syscalls.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace crtool {

namespace {

/*
 * A session leader (a daemon after setsid()) or a process group leader
 * becomes one again, with its own pid as the id.  Best effort: the
 * kernel restores the rest, and a failure here changes only the ids.
 */
void restore_leadership(const ckpt_task_ids &ids)
{
	if (ids.flags & CKPT_TASK_SESSION_LEADER)
		::setsid();
	else if (ids.flags & CKPT_TASK_GROUP_LEADER)
		::setpgid(0, 0);
}

/*
 * The task: restores the process into itself.  Only async-signal-safe
 * calls (see fork_with_pid.h); it never returns.
 */
[[noreturn]] void restore_in_child(const ckpt_task_ids &ids, int image_fd, unsigned int flags,
				   int log_fd, int status_fd)
{
	SignalForwarder::reset_in_child();
	restore_leadership(ids);
	/* Holding the parent's other pipes would hide their end of file. */
	int keep[] = {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO, image_fd, log_fd, status_fd};
	cr::close_fds_except(keep);

	long rc = cr::restart(0, image_fd, flags, log_fd);
	/* Still here: the restore failed. */
	int err = rc < 0 ? static_cast<int>(-rc) : 0;
	ssize_t n;
	do
		n = ::write(status_fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	::_exit(127);
}

void reap(pid_t pid)
{
	int status;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

} // namespace

RestoreStart start_restore(const RestoreRequest &req, SignalForwarder &forwarder)
{
	pid_t want = req.prefix.tree.tasks.at(0).pid;
	cr::Pipe status = cr::make_pipe();
	std::optional<cr::Pipe> relay;
	if (req.prefix.consumed)
		relay = cr::make_pipe();

	forwarder.hold();
	cr::ForkResult child = cr::fork_with_pid(want);
	if (child.pid == 0)
		restore_in_child(req.prefix.tree.tasks.at(0),
				 relay ? relay->read.get() : req.image_fd, req.flags, req.log_fd,
				 status.write.get());

	status.write.reset();
	if (relay)
		relay->read.reset();
	forwarder.forward_to(child.pid);
	if (child.pid_error)
		fmt::print(stderr, "restart: pid {} {}; restored as pid {}\n", want,
			   cr::pid_error_reason(child.pid_error), child.pid);

	std::optional<cr::Error> relay_error;
	if (relay) {
		try {
			cr::relay_stream(req.prefix.bytes, req.image_fd, relay->write.get());
		} catch (const cr::Error &e) {
			relay_error = e;
		}
		relay->write.reset(); /* end of file for the task */
	}

	RestoreStart start{child.pid, std::nullopt};
	int err = 0;
	std::size_t n =
		cr::read_full(status.read.get(), std::as_writable_bytes(std::span(&err, 1)));
	if (n < sizeof(err))
		return start; /* took over (or died: its exit status tells) */

	start.error = err;
	reap(child.pid);
	if (relay_error)
		throw cr::Error(relay_error->err(),
				"reading the image to relay it: " + relay_error->message());
	return start;
}

int exit_code_of(pid_t pid, int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status)) {
		int sig = WTERMSIG(wait_status);
		const char *name = ::sigabbrev_np(sig);
		std::string named = name ? fmt::format(" (SIG{})", name) : "";
		fmt::print(stderr, "restart: restored process {} was killed by signal {}{}\n", pid,
			   sig, named);
		return 128 + sig;
	}
	return 1;
}

int wait_restored(pid_t pid)
{
	int status;
	while (::waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			throw cr::Error::from_errno(fmt::format("waiting for process {}", pid));
	return exit_code_of(pid, status);
}

} // namespace crtool
