// SPDX-License-Identifier: GPL-2.0-or-later
#include "restore_task.h"

#include "controlling_terminal.h"
#include "error.h"
#include "fd.h"
#include "net_lock.h"
#include "relay.h"
#include "syscalls.h"
#include "tcp_connections.h"
#include "tree_build.h"
#include "tree_plan.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace crtool {

namespace {

/*
 * The restored tree runs: the packets of its TCP connections go through
 * again, if checkpoint --tcp-established locked them (cr::net_lock.h).
 */
void unlock_network(pid_t root)
{
	try {
		std::vector<cr::TcpConnection> conns = cr::tree_tcp_connections(root);
		std::size_t n = cr::unlock_tcp_connections(conns);
		if (n)
			fmt::print(stderr, "restart: {} TCP connection{} of the tree unlocked\n", n,
				   n == 1 ? "" : "s");
	} catch (const cr::Error &e) {
		if (e.err() != ENOENT) /* the tree ended already */
			fmt::print(stderr,
				   "restart: warning: the tree's TCP connections may still be "
				   "locked: {}\n",
				   e.what());
	}
}

} // namespace

RestoreStart start_restore(const RestoreRequest &req, SignalForwarder &forwarder)
{
	std::span<const ckpt_task_ids> tasks = req.prefix.tree.tasks;
	cr::TreePlan plan = cr::plan_tree(tasks);
	TreeOptions options{req.new_pidns, req.frozen ? req.frozen->fd() : -1, terminal_to_give()};
	for (const std::string &note : terminal_notes(tasks, options.tty_fd))
		fmt::print(stderr, "restart: note: {}\n", note);
	pid_t root = build_tree(plan, tasks, req.log_fd, options, forwarder);
	if (req.frozen) {
		std::size_t live = 0;
		for (const ckpt_task_ids &t : tasks)
			live += !(t.flags & CKPT_TASK_ZOMBIE);
		try {
			req.frozen->freeze_when_in(live, __NR_restart, 10000);
		} catch (const cr::Error &) {
			kill_tree(tasks, root, req.new_pidns);
			throw;
		}
	}

	/* An image on a pipe or socket reaches the kernel through a new pipe, prefix first. */
	std::optional<cr::Pipe> relay;
	std::optional<cr::Error> relay_error;
	std::thread relayer;
	int image_fd = req.image_fd;
	if (req.prefix.consumed) {
		relay = cr::make_pipe();
		image_fd = relay->read.get();
		relayer = std::thread([&] {
			try {
				cr::relay_stream(req.prefix.bytes, req.image_fd,
						 relay->write.get());
			} catch (const cr::Error &e) {
				relay_error = e;
			}
			relay->write.reset(); /* end of file for the kernel */
		});
	}

	long rc = cr::restart(root, image_fd, req.flags, req.log_fd);
	if (relay) {
		relay->read.reset(); /* a relay still writing gets EPIPE */
		relayer.join();
	}
	RestoreStart start{root, std::nullopt};
	if (rc == 0 && req.frozen)
		fmt::print(stderr,
			   "restart: the restored tree (root pid {}) is frozen in {}: thaw it with "
			   "echo 0 > {}/cgroup.freeze\n",
			   root, req.frozen->path(), req.frozen->path());
	if (rc == 0) {
		unlock_network(root);
		return start;
	}
	kill_tree(tasks, root, req.new_pidns);
	start.error = static_cast<int>(-rc);
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
