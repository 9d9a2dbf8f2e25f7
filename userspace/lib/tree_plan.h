/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The restart planner: from the task tree of an image, the steps that
 * recreate it with every task's pid, parent, process group and session,
 * using only what Linux allows an unprivileged (but CAP_CHECKPOINT_RESTORE)
 * task tree to do:
 *
 *  - clone3() with set_tid: the new task's parent is its creator, or the
 *    creator's parent with CLONE_PARENT (refused to the init of a pid
 *    namespace); a thread is made by a task of its group with
 *    CLONE_THREAD|CLONE_SIGHAND|CLONE_VM.  A new task inherits its
 *    creator's process group and session.
 *  - setsid(): refused to a task whose pid is the id of a process group.
 *  - setpgid(0, pgid): into a group of the caller's session, or a new
 *    group whose id is the caller's pid; refused to a session leader.
 *  - exit(): the exiting process's children go to the init of the pid
 *    namespace (a container's root); its parent reaps it.
 *  - clone3() with CLONE_NEWUTS or CLONE_NEWIPC: the new task lives in a
 *    new UTS or IPC namespace (format 1.11), which the tasks it creates
 *    inherit.  A task never joins a namespace that exists (setns()).
 *
 * A session or process group whose leader is not in the tree (it exited)
 * gets a "ghost": a placeholder task with the leader's pid that calls
 * setsid() or setpgid(), from which the members are created (or whose
 * group they join), and which exits once everything is in place.  Zombies
 * are created like the other tasks and exit last.
 *
 * The root is created by restart itself, in restart's session and process
 * group: they stand for the root's session and group when those are not
 * in the tree (in a container, the ids 0: outside the pid namespace).
 * Every other id of a session or group not in the tree is a ghost's.
 *
 * Namespaces: restart lives in the namespaces the tree's entries call 0.
 * A task that lives in another namespace than its creator is created in
 * a new one, which is where that namespace is made: the first task in
 * tree order living in it, whose parent lives in another, as checkpoint
 * writes it.  Where several tasks could create a task, one living in the
 * namespaces it inherits is chosen.  A ghost lives in its creator's
 * namespaces; a thread in its leader's.
 */
#pragma once

#include <cstdint>
#include <linux/checkpoint_hdr.h>
#include <span>
#include <string>
#include <sys/types.h>
#include <vector>

namespace cr {

struct PlanStep {
	enum class Kind {
		Create,	    /* actor clone3()s pid, with clone_flags */
		Setsid,	    /* pid calls setsid() */
		Setpgid,    /* pid calls setpgid(0, pgid) */
		ExitGhost,  /* ghost pid exits */
		Reap,	    /* actor waits for its exited child pid */
		ExitZombie, /* pid exits, to stay a zombie */
	};

	Kind kind = Kind::Create;
	pid_t pid = 0;		       /* the task the step is about */
	pid_t actor = 0;	       /* the creator for Create (0: restart itself), the
					* reaper for Reap, pid otherwise */
	std::uint64_t clone_flags = 0; /* Create: CLONE_PARENT, CLONE_THREAD|..., CLONE_NEWUTS... */
	pid_t pgid = 0;		       /* Setpgid: the group joined */
	bool ghost = false;	       /* pid is a placeholder, not a task of the image */

	bool operator==(const PlanStep &) const = default;
};

struct TreePlan {
	std::vector<PlanStep> steps;
	std::vector<pid_t> ghosts; /* in the order they are created */
	bool container = false;	   /* the root is pid 1, the init of its pid namespace */
};

/*
 * The plan that recreates @tasks, the TREE record's tasks in creation
 * order (parent before child, thread group leader before its threads).
 * The first step creates the root, by restart itself (actor 0); every
 * other task is created by a task created before it.  Ghosts exit (and
 * are reaped) after every task is created and in its group and session;
 * zombies exit after the ghosts.
 *
 * Throws cr::Error(EINVAL) naming the pid for a tree that is malformed
 * (duplicate or invalid pids, a parent or thread group leader missing or
 * listed after, more than one root, leader flags that contradict the ids,
 * a zombie thread or a zombie with children, a thread in other
 * namespaces than its leader), that no history could have made (a
 * process group spanning two sessions, a session leader outside its
 * session or group) or that this planner cannot recreate.  Throws
 * cr::Error(EOPNOTSUPP) naming the pid, the kind and the namespace for a
 * task that would have to join a namespace: one an earlier step made, or
 * restart's, while its creator lives in another ("pid 7 lives in IPC
 * namespace 3, made by pid 5, but is created by pid 6 of another: not
 * supported").
 */
TreePlan plan_tree(std::span<const ckpt_task_ids> tasks);

/*
 * The plan one step a line, e.g. "1 creates 5 (CLONE_PARENT|CLONE_NEWUTS)", "5 setsid",
 * "7 setpgid 5", "ghost 3 exits", "1 reaps ghost 3", "9 exits (zombie)".
 */
std::string describe(const PlanStep &step, const TreePlan &plan);
std::string describe(const TreePlan &plan);

} // namespace cr
