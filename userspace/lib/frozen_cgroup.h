/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cr::FrozenCgroup: a new cgroup v2 cgroup below the caller's own, for a
 * restored tree that must stay frozen (restart --frozen).
 *
 * The tree's root is created into it (clone3() with CLONE_INTO_CGROUP
 * and fd()), so that every task of the tree is in it and nothing else
 * is; freeze() then writes 1 to its cgroup.freeze before the tasks
 * return to user mode, so they stop there.  Whoever thaws the tree
 * writes 0 to that file (path()).  The cgroup outlives this object.
 */
#pragma once

#include "fd.h"

#include <cstddef>
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

class FrozenCgroup {
public:
	/*
	 * Creates <caller's cgroup>/@name.  Throws cr::Error naming the
	 * directory: EOPNOTSUPP without cgroup v2 at cgroup2_mount, EEXIST,
	 * EACCES...
	 */
	explicit FrozenCgroup(std::string_view name);

	/*
	 * Waits until the cgroup holds @tasks threads, every one of them
	 * inside system call @nr, then freezes the cgroup (cgroup.freeze =
	 * 1): no task is frozen before it got where it must stop.  Throws
	 * cr::Error: ETIMEDOUT after @timeout_ms, or what the files said.
	 */
	void freeze_when_in(std::size_t tasks, long nr, int timeout_ms);

	/* Removes the cgroup, if it is empty (after a failed restore). */
	void remove() noexcept;

	/* An O_DIRECTORY descriptor of it, for CLONE_INTO_CGROUP. */
	int fd() const noexcept { return dir_.get(); }
	const std::string &path() const noexcept { return path_; }

private:
	void freeze();

	std::string path_;
	Fd dir_;
};

} // namespace cr
