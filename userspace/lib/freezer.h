/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cr::Freezer: keeps one process frozen with the cgroup v2 freezer for
 * as long as it lives.
 *
 * It moves the process into a new cgroup below its own, <cgroup>/ckpt-PID,
 * and freezes that cgroup, so that nothing else is frozen.  thaw(), or
 * the destructor, unfreezes it, moves the process back and removes the
 * new cgroup; a process that died meanwhile is no error.
 *
 * Every failure is a cr::Error naming the file and the errno.
 */
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace cr {

/* Where the cgroup v2 hierarchy must be mounted. */
inline constexpr std::string_view cgroup2_mount = "/sys/fs/cgroup";

/*
 * The cgroup v2 path ("/user.slice/app") in @text, the contents of
 * /proc/PID/cgroup, whose line for it is "0::/user.slice/app".  Throws
 * cr::Error naming @file if there is no such line (EOPNOTSUPP: cgroup v1
 * only) or the path is outside this cgroup namespace (EINVAL).
 */
std::string cgroup2_path(std::string_view text, std::string_view file);

/* The value of @key in @text, the contents of a cgroup.events file ("frozen 1"). */
std::optional<std::string_view> cgroup_events_value(std::string_view text, std::string_view key);

class Freezer {
public:
	/*
	 * Freezes process @pid and waits until the kernel reports it frozen,
	 * at most @timeout (ETIMEDOUT).  Throws cr::Error, after undoing what
	 * it did; ESRCH if there is no process @pid.
	 */
	explicit Freezer(pid_t pid, std::chrono::milliseconds timeout = std::chrono::seconds(10));
	/* Thaws, ignoring errors: call thaw() to learn about them. */
	~Freezer();
	Freezer(const Freezer &) = delete;
	Freezer &operator=(const Freezer &) = delete;

	/*
	 * Unfreezes the process, moves it back to its cgroup and removes the
	 * temporary one.  Every step is tried; the first failure is thrown.
	 * Steps that failed are tried again by the next thaw() or the
	 * destructor.  Does nothing once it succeeded.
	 */
	void thaw();

	pid_t pid() const noexcept { return pid_; }
	/* The temporary cgroup's directory. */
	const std::string &cgroup() const noexcept { return cgroup_; }

private:
	void freeze();
	void move_back();
	void remove_cgroup();
	/* Waits until @key in the temporary cgroup's cgroup.events reads @value. */
	void wait_events(std::string_view key, std::string_view value);

	pid_t pid_;
	std::chrono::milliseconds timeout_;
	std::string original_; /* directory of the process's own cgroup */
	std::string cgroup_;   /* directory of the temporary cgroup */
	bool created_ = false;
	bool moved_ = false;
	bool frozen_ = false;
};

} // namespace cr
