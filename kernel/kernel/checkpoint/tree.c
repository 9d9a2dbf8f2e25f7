// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: the task tree.
 *
 * checkpoint() dumps the root and all its descendants, parents before
 * children, each process's thread group leader first, then its other
 * threads.  The tree is frozen in rounds: list it, freeze every task not
 * frozen yet, and list it again, until a round finds no new task (a
 * frozen task cannot fork or reap).  Zombies need no freezing; they are
 * saved in the tree record only, with their wait status.
 *
 * The TREE record comes right after the header so that userspace can
 * create the tasks before the kernel restores them; restart() checks it.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/tty.h>

/* Add @p, the leader of a process, and its other threads to @list. */
static int ckpt_list_process(struct task_struct **list, int n,
			     struct task_struct *p)
{
	struct task_struct *t;

	if (n == CKPT_MAX_TASKS)
		return -E2BIG;
	list[n++] = p;
	for_each_thread(p, t) {
		if (t == p || t->exit_state)
			continue;
		if (n == CKPT_MAX_TASKS)
			return -E2BIG;
		list[n++] = t;
	}
	return n;
}

/* Fill @list with the tree rooted at ctx->root; return the count. */
static int ckpt_list_tree(struct ckpt_ctx *ctx, struct task_struct **list)
{
	struct task_struct *child;
	int n, i;

	read_lock(&tasklist_lock);
	n = ckpt_list_process(list, 0, ctx->root);
	/* children hang off the thread that forked them */
	for (i = 0; i < n && n > 0; i++) {
		list_for_each_entry(child, &list[i]->children, sibling) {
			if (child->exit_state == EXIT_DEAD)
				continue;	/* being reaped */
			n = ckpt_list_process(list, n, child);
			if (n < 0)
				goto out;
		}
	}
	for (i = 0; i < n; i++)
		get_task_struct(list[i]);
out:
	read_unlock(&tasklist_lock);
	return n;
}

static void ckpt_put_tasks(struct task_struct **list, int n)
{
	while (n-- > 0)
		put_task_struct(list[n]);
}

static bool ckpt_in(struct task_struct **list, int n, struct task_struct *t)
{
	while (n-- > 0)
		if (list[n] == t)
			return true;
	return false;
}

/*
 * One round: freeze the tasks of @list that are not frozen yet, and note
 * them in ctx->frozen.  Return how many were new, or a negative errno.
 */
static int ckpt_freeze_new(struct ckpt_ctx *ctx, struct task_struct **list,
			   int n)
{
	int i, first = ctx->nr_frozen, ret = 0;

	for (i = 0; i < n; i++) {
		if (ckpt_in(ctx->frozen, first, list[i]))
			continue;
		ckpt_freeze_start(ctx, list[i]);
		ctx->frozen[ctx->nr_frozen++] = get_task_struct(list[i]);
	}
	for (i = first; i < ctx->nr_frozen && !ret; i++)
		ret = ckpt_freeze_wait(ctx, ctx->frozen[i]);
	return ret ?: ctx->nr_frozen - first;
}

/**
 * ckpt_freeze_tree - freeze the tree rooted at ctx->root and list it
 * @ctx: the checkpoint
 *
 * On success ctx->tasks holds the tree, parents before children.  Call
 * ckpt_thaw_tree() whatever the result.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_freeze_tree(struct ckpt_ctx *ctx)
{
	struct task_struct **list;
	int n, ret;

	ctx->frozen = kvmalloc_array(CKPT_MAX_TASKS, sizeof(*list), GFP_KERNEL | __GFP_NOWARN);
	list = kvmalloc_array(CKPT_MAX_TASKS, sizeof(*list), GFP_KERNEL | __GFP_NOWARN);
	if (!ctx->frozen || !list) {
		kvfree(list);
		return -ENOMEM;
	}
	for (;;) {
		n = ckpt_list_tree(ctx, list);
		if (n < 0) {
			ret = ckpt_err(ctx, -E2BIG,
				       "the tree of pid %d has more than %d tasks",
				       task_pid_vnr(ctx->root), CKPT_MAX_TASKS);
			break;
		}
		ret = ckpt_freeze_new(ctx, list, n);
		if (ret <= 0)
			break;
		ckpt_put_tasks(list, n);
	}
	if (ret < 0) {
		if (n > 0)
			ckpt_put_tasks(list, n);
		kvfree(list);
		return ret;
	}
	ctx->tasks = list;
	ctx->nr_tasks = n;
	return 0;
}

/**
 * ckpt_thaw_tree - thaw what ckpt_freeze_tree() froze
 * @ctx: the checkpoint
 */
void ckpt_thaw_tree(struct ckpt_ctx *ctx)
{
	int i;

	for (i = 0; i < ctx->nr_frozen; i++)
		ckpt_thaw(ctx->frozen[i]);
	ckpt_freeze_end(ctx);
	ckpt_put_tasks(ctx->frozen, ctx->nr_frozen);
	ckpt_put_tasks(ctx->tasks, ctx->nr_tasks);
	kvfree(ctx->frozen);
	kvfree(ctx->tasks);
	ctx->frozen = NULL;
	ctx->tasks = NULL;
	ctx->nr_frozen = 0;
	ctx->nr_tasks = 0;
}

/**
 * ckpt_get_ctty - the controlling terminal of a task
 * @t: the task
 *
 * Return: a reference to it (tty_kref_put() it), or NULL if it has none.
 */
struct tty_struct *ckpt_get_ctty(struct task_struct *t)
{
	struct tty_struct *tty = NULL;
	unsigned long flags;

	if (lock_task_sighand(t, &flags)) {
		tty = tty_kref_get(t->signal->tty);
		unlock_task_sighand(t, &flags);
	}
	return tty;
}

/*
 * A live process with a controlling terminal is flagged: CTTY_PTY with
 * the pty's number if the terminal is a pty the tree holds, else CTTY
 * (a terminal outside); a session leader also keeps the terminal's
 * foreground process group.
 */
static void ckpt_task_tty(struct ckpt_ctx *ctx, struct task_struct *t,
			  struct pid_namespace *ns, struct ckpt_task_ids *ids)
{
	struct tty_struct *tty;
	struct pid *pgrp;

	if (!thread_group_leader(t) || t->exit_state)
		return;
	tty = ckpt_get_ctty(t);
	if (!tty)
		return;
	if (ckpt_pty_ctty(ctx, tty, &ids->ctty_pty))
		ids->flags |= CKPT_TASK_CTTY_PTY;
	else
		ids->flags |= CKPT_TASK_CTTY;
	if (ids->flags & CKPT_TASK_SESSION_LEADER) {
		pgrp = tty_get_pgrp(tty);
		ids->tty_pgrp = pid_nr_ns(pgrp, ns);
		put_pid(pgrp);
	}
	tty_kref_put(tty);
}

static void ckpt_task_ids(struct ckpt_ctx *ctx, struct task_struct *t,
			  struct ckpt_task_ids *ids)
{
	struct pid_namespace *ns = task_active_pid_ns(ctx->root);

	rcu_read_lock();
	ids->pid = task_pid_nr_ns(t, ns);
	ids->tgid = task_tgid_nr_ns(t, ns);
	/* the root's parent is outside the tree (its threads' too) */
	ids->ppid = same_thread_group(t, ctx->root) ? 0 :
		    task_tgid_nr_ns(rcu_dereference(t->real_parent), ns);
	ids->pgid = task_pgrp_nr_ns(t, ns);
	ids->sid = task_session_nr_ns(t, ns);
	rcu_read_unlock();
	if (ids->sid == ids->pid)
		ids->flags |= CKPT_TASK_SESSION_LEADER;
	if (ids->pgid == ids->pid)
		ids->flags |= CKPT_TASK_GROUP_LEADER;
	if (thread_group_leader(t) && t->signal->is_child_subreaper)
		ids->flags |= CKPT_TASK_SUBREAPER;
	if (t->exit_state) {
		ids->flags |= CKPT_TASK_ZOMBIE;
		ids->exit_code = t->exit_code;
	}
	/* a thread has none (-1) */
	ids->exit_signal = thread_group_leader(t) ? t->exit_signal : 0;
	ckpt_task_tty(ctx, t, ns, ids);
	ckpt_task_stop_ids(t, ids);
	ids->uts_ns = ckpt_ns_ref(ctx, t, CKPT_NS_UTS);
	ids->ipc_ns = ckpt_ns_ref(ctx, t, CKPT_NS_IPC);
}

/**
 * ckpt_write_tree - write the TREE record of the frozen tree
 * @ctx: the checkpoint
 *
 * Return: 0 or a negative errno, explained on the log.
 */
/*
 * The session of a process whose controlling terminal is a pty of the
 * tree, in @ids of @n entries: the index of its leader there, if it is
 * a process with that same terminal; -1 if not.
 */
static int ckpt_ctty_leader(const struct ckpt_task_ids *ids, int n,
			    const struct ckpt_task_ids *t)
{
	int i;

	for (i = 0; i < n; i++)
		if (ids[i].pid == t->sid &&
		    (ids[i].flags & CKPT_TASK_CTTY_PTY) &&
		    ids[i].ctty_pty == t->ctty_pty)
			return i;
	return -1;
}

/* A pty of the tree is the terminal of sessions whose leader is in the tree. */
static int ckpt_check_ctty_ptys(struct ckpt_ctx *ctx,
				const struct ckpt_task_ids *ids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if ((ids[i].flags & CKPT_TASK_CTTY_PTY) &&
		    ckpt_ctty_leader(ids, n, &ids[i]) < 0)
			return ckpt_err(ctx, -EOPNOTSUPP,
					"pid %d: its controlling terminal is a pty of the tree, but the leader of its session %d is not in the tree (or has another terminal): not supported",
					ids[i].pid, ids[i].sid);
	return 0;
}

int ckpt_write_tree(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_tree tree = {
		.nr_tasks = ctx->nr_tasks,
		.task_size = sizeof(struct ckpt_task_ids),
	};
	struct ckpt_task_ids *ids;
	int i, ret;

	ids = kvcalloc(ctx->nr_tasks, sizeof(*ids), GFP_KERNEL | __GFP_NOWARN);
	if (!ids)
		return -ENOMEM;
	for (i = 0; i < ctx->nr_tasks; i++)
		ckpt_task_ids(ctx, ctx->tasks[i], &ids[i]);
	ret = ckpt_check_ctty_ptys(ctx, ids, ctx->nr_tasks);
	if (!ret)
		ret = ckpt_write_record(ctx, CKPT_REC_TREE, &tree.h, sizeof(tree),
					ids, ctx->nr_tasks * sizeof(*ids));
	kvfree(ids);
	return ret;
}

/* The index of the task with @pid among the first @n of ctx->tree, or -1. */
static int rst_tree_find(struct ckpt_ctx *ctx, int n, pid_t pid)
{
	while (n-- > 0)
		if (ctx->tree[n].pid == pid)
			return n;
	return -1;
}

/**
 * rst_process_ids - the TREE entry of the restoring caller's process
 * @ctx: the restart
 *
 * Return: the entry of its thread group leader, or NULL before the tree.
 */
const struct ckpt_task_ids *rst_process_ids(struct ckpt_ctx *ctx)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	int i;

	if (!owner->tree)
		return NULL;
	i = rst_tree_find(owner, owner->nr_tree,
			  ctx->coord ? ctx->ids.tgid : owner->tree[0].tgid);
	return i < 0 ? NULL : &owner->tree[i];
}

/* A thread: its leader before it, a process with the same ids. */
static bool rst_thread_ok(struct ckpt_ctx *ctx, int i)
{
	const struct ckpt_task_ids *ids = &ctx->tree[i];
	int j = rst_tree_find(ctx, i, ids->tgid);

	return j >= 0 && ctx->tree[j].tgid == ctx->tree[j].pid &&
	       !(ctx->tree[j].flags & CKPT_TASK_ZOMBIE) &&
	       ctx->tree[j].ppid == ids->ppid && ctx->tree[j].pgid == ids->pgid &&
	       ctx->tree[j].sid == ids->sid && !ids->flags && !ids->exit_signal;
}

static int rst_check_ids(struct ckpt_ctx *ctx, int i)
{
	const struct ckpt_task_ids *ids = &ctx->tree[i];
	const u32 known = CKPT_TASK_SESSION_LEADER | CKPT_TASK_GROUP_LEADER |
			  CKPT_TASK_ZOMBIE | CKPT_TASK_SUBREAPER | CKPT_TASK_CTTY |
			  CKPT_TASK_STOPPED | CKPT_TASK_STOP_WAITED |
			  CKPT_TASK_CTTY_PTY;
	const u32 ctty = ids->flags & (CKPT_TASK_CTTY | CKPT_TASK_CTTY_PTY);

	if (ids->pid <= 0 || ids->pgid < 0 || ids->sid < 0 ||
	    (ids->flags & ~known) || !valid_signal(ids->exit_signal) ||
	    rst_tree_find(ctx, i, ids->pid) >= 0)
		return ckpt_err(ctx, -EINVAL, "task %d of the tree: bad ids", i);
	if (ids->tty_pgrp < 0 ||
	    (ids->tty_pgrp && (!ctty || !(ids->flags & CKPT_TASK_SESSION_LEADER))) ||
	    (ctty && (ids->flags & CKPT_TASK_ZOMBIE)) ||
	    ctty == (CKPT_TASK_CTTY | CKPT_TASK_CTTY_PTY) ||
	    !(ids->flags & CKPT_TASK_CTTY_PTY) != !ids->ctty_pty)
		return ckpt_err(ctx, -EINVAL,
				"pid %d: a terminal's foreground group or a controlling terminal it cannot have",
				ids->pid);
	if (!rst_check_stop_ids(ids))
		return ckpt_err(ctx, -EINVAL,
				"pid %d: a stop it cannot have (flags %#x, signal %u)",
				ids->pid, ids->flags, ids->stop_signal);
	if (ids->tgid != ids->pid && !rst_thread_ok(ctx, i))
		return ckpt_err(ctx, -EINVAL,
				"thread %d: its process %d is not before it, or has other ids",
				ids->pid, ids->tgid);
	/* the root and its threads have their parent outside the tree */
	if (ids->tgid == ctx->tree[0].pid ? ids->ppid != 0 :
	    rst_tree_find(ctx, i, ids->ppid) < 0)
		return ckpt_err(ctx, -EINVAL,
				"pid %d: parent %d does not come before it in the tree",
				ids->pid, ids->ppid);
	if (!(ids->flags & CKPT_TASK_ZOMBIE) && ids->exit_code)
		return ckpt_err(ctx, -EINVAL,
				"pid %d: an exit status but not a zombie",
				ids->pid);
	return 0;
}

/*
 * Read the entries of @tree into ctx->tree: task_size bytes each (0 in a
 * format 1.0 image), of which the fields this kernel knows.
 */
static int rst_tree_entries(struct ckpt_ctx *ctx, const struct ckpt_rec_tree *tree)
{
	u32 size = tree->task_size ?: CKPT_TASK_IDS_SIZE_1_0;
	u32 known = min_t(u32, size, sizeof(*ctx->tree));
	u8 *buf;
	u32 i;
	int ret;

	if (size < CKPT_TASK_IDS_SIZE_1_0 || size > CKPT_TASK_IDS_SIZE_MAX ||
	    size % 8)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: tree entries of %u bytes",
				ctx->rec_pos, size);
	ctx->tree = kvcalloc(tree->nr_tasks, sizeof(*ctx->tree), GFP_KERNEL | __GFP_NOWARN);
	buf = kvmalloc_array(tree->nr_tasks, size, GFP_KERNEL | __GFP_NOWARN);
	if (!ctx->tree || !buf) {
		kvfree(buf);
		return -ENOMEM;
	}
	ctx->nr_tree = tree->nr_tasks;
	ret = ckpt_read_bytes(ctx, buf, tree->nr_tasks * size);
	for (i = 0; !ret && i < tree->nr_tasks; i++)
		memcpy(&ctx->tree[i], buf + i * size, known);
	kvfree(buf);
	return ret;
}

/**
 * rst_tree - read the task tree
 * @ctx: the restart
 * @h: header of a CKPT_REC_TREE record
 *
 * Userspace created the tasks from this record; the kernel keeps it in
 * ctx->tree to check them.  A task restoring itself alone (restart(0)
 * without RESTART_TASK) takes an image of one live task only.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_tree(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_tree tree = { .h = *h };
	int i, ret;

	ret = ckpt_read_body(ctx, &tree.h, sizeof(tree));
	if (ret)
		return ret;
	if (!tree.nr_tasks || tree.nr_tasks > CKPT_MAX_TASKS)
		return ckpt_err(ctx, -EINVAL, "offset %lld: a tree of %u tasks",
				ctx->rec_pos, tree.nr_tasks);
	ret = rst_tree_entries(ctx, &tree);
	for (i = 0; !ret && i < ctx->nr_tree; i++)
		ret = rst_check_ids(ctx, i);
	if (!ret)
		ret = rst_check_tree_ns(ctx);
	if (ret)
		return ret;
	if (ctx->root == current && !ctx->coord &&
	    (ctx->nr_tree != 1 || (ctx->tree[0].flags & CKPT_TASK_ZOMBIE)))
		return ckpt_err(ctx, -EINVAL,
				"image holds a tree of %u tasks: restore it with a coordinator (restart(root pid))",
				ctx->nr_tree);
	return ckpt_skip_record(ctx);
}

/**
 * rst_check_ctty_ptys - was every pty that is a controlling terminal restored?
 * @ctx: the restart, with every record read
 *
 * Return: 0, or -EINVAL with a log message.
 */
int rst_check_ctty_ptys(struct ckpt_ctx *ctx)
{
	int ret = 0;
	u32 i;

	for (i = 0; i < ctx->nr_tree && !ret; i++) {
		if (!(ctx->tree[i].flags & CKPT_TASK_CTTY_PTY))
			continue;
		if (ckpt_ctty_leader(ctx->tree, ctx->nr_tree, &ctx->tree[i]) < 0)
			ret = ckpt_err(ctx, -EINVAL,
				       "pid %d: its controlling terminal is pty %u, and its session's leader is not in the image with it",
				       ctx->tree[i].pid, ctx->tree[i].ctty_pty);
		else
			ret = rst_pty_check_ctty(ctx, &ctx->tree[i]);
	}
	return ret;
}

/**
 * ckpt_tree_holds - does a task of the tree hold a file @match accepts?
 * @ctx: the checkpoint, with its tasks frozen
 * @match: tells whether an open file is one of those looked for
 * @arg: what @match compares with
 *
 * Return: true if a descriptor of a task of the tree refers to one.
 */
bool ckpt_tree_holds(struct ckpt_ctx *ctx,
		     bool (*match)(struct file *file, const void *arg),
		     const void *arg)
{
	struct file *held;
	unsigned int fd;
	bool found = false;
	int i;

	for (i = 0; i < ctx->nr_tasks && !found; i++) {
		for (fd = 0; !found; fd++) {
			rcu_read_lock();
			held = task_lookup_next_fdget_rcu(ctx->tasks[i], &fd);
			rcu_read_unlock();
			if (!held)
				break;
			found = match(held, arg);
			fput(held);
		}
	}
	return found;
}

static bool ckpt_same_file(struct file *file, const void *arg)
{
	return file == arg;
}

/**
 * ckpt_tree_holds_file - does a task of the tree hold @file?
 * @ctx: the checkpoint, with its tasks frozen
 * @file: an open file
 *
 * Return: true if a descriptor of a task of the tree refers to it.
 */
bool ckpt_tree_holds_file(struct ckpt_ctx *ctx, struct file *file)
{
	return ckpt_tree_holds(ctx, ckpt_same_file, file);
}
