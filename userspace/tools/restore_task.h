/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the restart tool does with an image whose prefix it has read:
 * create the task tree the kernel restores the processes into, hand the
 * kernel the image as their coordinator, and wait for the restored root.
 */
#pragma once

#include "frozen_cgroup.h"
#include "image_prefix.h"
#include "signals.h"

#include <optional>
#include <sys/types.h>

namespace crtool {

struct RestoreRequest {
	const cr::ImagePrefix &prefix; /* read from image_fd */
	int image_fd;
	unsigned int flags;		    /* RESTART_* */
	int log_fd;			    /* the kernel's log */
	bool new_pidns = false;		    /* restore into a new pid namespace (--pidns) */
	cr::FrozenCgroup *frozen = nullptr; /* --frozen: the tree's cgroup */
};

struct RestoreStart {
	pid_t pid = 0; /* the root */
	/*
	 * Set when the coordinator's restart() failed: its errno.  The tree
	 * is killed and the root reaped then.  Unset when the restored tree
	 * runs.
	 */
	std::optional<int> error;
};

/*
 * Plans and creates the image's task tree, every task with its pid (see
 * tree_build.h), from then on forwards signals to the root with
 * @forwarder, and calls restart(root) on the image (the prefix first,
 * through a relay pipe, when it was consumed from a pipe or socket).
 *
 * With req.frozen, the tree is created into that cgroup, which is frozen
 * before the kernel restores it: the tasks stop on their way back to
 * user mode.
 *
 * Throws cr::Error when the tree cannot be planned (EINVAL; EOPNOTSUPP
 * for a namespace that a task would have to join) or created
 * (EEXIST: a pid is taken), the cgroup cannot be frozen, or the image
 * cannot be read to feed a restart that then failed.
 */
RestoreStart start_restore(const RestoreRequest &req, SignalForwarder &forwarder);

/*
 * Waits for the child @pid to end.  Returns its exit status, or 128 + N
 * after saying on standard error that signal N killed it.
 */
int wait_restored(pid_t pid);

/* The same, for a wait status already collected. */
int exit_code_of(pid_t pid, int wait_status);

} // namespace crtool
