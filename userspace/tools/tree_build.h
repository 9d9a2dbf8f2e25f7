/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Creating the task tree of an image before the kernel restores it: the
 * steps of its plan (tree_plan.h) run in order, each in the task that
 * performs it (restart itself for the root).  The tasks share a counter
 * of the steps done, in memory they all inherit; each waits for its turn
 * on it (a futex).  When the last step is done, every live task of the
 * tree enters restart(0, -1, RESTART_TASK, log_fd) to wait for the
 * coordinator; ghosts and zombies have exited by then.
 *
 * The tasks are made by clone3() with set_tid, which runs none of the C
 * library's fork handlers: until restart() takes them over they run only
 * async-signal-safe code.  A thread runs on a stack of its own and shares
 * its creator's TLS until then.
 */
#pragma once

#include "signals.h"
#include "tree_plan.h"

#include <linux/checkpoint_hdr.h>
#include <span>
#include <sys/types.h>

namespace crtool {

/*
 * Runs @plan for @tasks (the TREE record's); the tasks keep only stdio
 * and @log_fd open.  With options.new_pidns the root is created in a new
 * pid namespace, where the image's pids are; with options.cgroup_fd in
 * that cgroup, with all its descendants.  With options.tty_fd, the
 * sessions that had a controlling terminal get that one
 * (controlling_terminal.h).  SIGINT and
 * SIGTERM go to the root once it exists.  Returns the root's pid (in
 * restart's pid namespace).  A step that fails throws cr::Error naming
 * it (a pid that is taken: EEXIST), after killing what was created.
 */
struct TreeOptions {
	bool new_pidns = false; /* the root in a new pid namespace (CLONE_NEWPID) */
	int cgroup_fd = -1;	/* the root into this cgroup (CLONE_INTO_CGROUP) */
	int tty_fd = -1;	/* restart's terminal, for sessions that had one */
};

pid_t build_tree(const cr::TreePlan &plan, std::span<const ckpt_task_ids> tasks, int log_fd,
		 TreeOptions options, SignalForwarder &forwarder);

/*
 * Kills the live tasks of a built tree (after a failed restart) and
 * reaps the root: in a pid namespace of its own, killing the root does.
 */
void kill_tree(std::span<const ckpt_task_ids> tasks, pid_t root, bool new_pidns) noexcept;

} // namespace crtool
