// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: restoring a tree of tasks.
 *
 * Userspace creates the tree from the image's TREE record; each live
 * task then waits in restart(0, -1, RESTART_TASK, logfd), registered in
 * rst_waiters.  The coordinator, restart(root, fd, flags, logfd), reads
 * the header and the tree, then hands its stream to each task in image
 * order: the task reads its own records, from its TASK record to the
 * next task's, restoring itself as it goes, and hands the stream back.
 * Zombies have no records: userspace made them exit with their status,
 * the coordinator checks them.  Once the tail's checksum is verified,
 * every task commits and returns to user mode; after a failure anywhere,
 * every task of the tree that entered restart() dies.
 *
 * A waiter lives on its task's stack and is only touched by the
 * coordinator that claimed it, which always ends with its verdict.
 */
#include <linux/checkpoint.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/mutex.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/tty.h>

/* How long the coordinator waits for a task to enter restart(). */
#define RST_JOIN_WAIT_MS	10000
#define RST_JOIN_POLL_MS	5

struct rst_waiter {
	struct list_head list;
	struct task_struct *task;
	struct completion go;		/* claimed, or aborted */
	struct completion done;		/* read its records */
	struct completion verdict;	/* the whole image was read */
	struct ckpt_ctx *coord;
	const struct ckpt_task_ids *ids;
	bool claimed;
	bool abort;
	bool ok;
	int ret;
};

static LIST_HEAD(rst_waiters);
static DEFINE_MUTEX(rst_waiters_lock);

/*
 * Take the waiter of @pid in @ns off the list, or return NULL; with
 * @accessible, only one that the caller may restore.
 */
static struct rst_waiter *rst_take_waiter(struct pid_namespace *ns, pid_t pid,
					  bool accessible)
{
	struct rst_waiter *w, *found = NULL;

	mutex_lock(&rst_waiters_lock);
	list_for_each_entry(w, &rst_waiters, list) {
		if (task_pid_nr_ns(w->task, ns) == pid &&
		    task_active_pid_ns(w->task) == ns &&
		    (!accessible || !ckpt_may_access(NULL, w->task))) {
			list_del(&w->list);
			w->claimed = true;
			found = w;
			break;
		}
	}
	mutex_unlock(&rst_waiters_lock);
	return found;
}

/*
 * A process group or session id of the root that no task of the tree
 * has: the root's group or session outside the tree, which restart's own
 * stands for.
 */
static bool rst_outside_id(struct ckpt_ctx *ctx, pid_t id)
{
	u32 i;

	if (id != ctx->tree[0].pgid && id != ctx->tree[0].sid)
		return false;
	for (i = 0; i < ctx->nr_tree; i++)
		if (ctx->tree[i].pid == id)
			return false;
	return true;
}

/* Whether a task of the tree is in process group @pgid. */
static bool rst_tree_has_pgrp(struct ckpt_ctx *ctx, pid_t pgid)
{
	u32 i;

	for (i = 0; i < ctx->nr_tree; i++)
		if (ctx->tree[i].pgid == pgid)
			return true;
	return false;
}

/*
 * A process that had no controlling terminal must have none; a session
 * leader that has one (userspace gave it the restarter's) must have the
 * image's foreground group, when that group still exists.
 */
static int rst_check_tty(struct ckpt_ctx *ctx, struct task_struct *t,
			 const struct ckpt_task_ids *ids)
{
	struct tty_struct *tty = ckpt_get_ctty(t);
	struct pid *pgrp;
	pid_t fg;
	int ret = 0;

	if (!tty)
		return 0;
	if (!(ids->flags & CKPT_TASK_CTTY)) {
		ret = ckpt_err(ctx, -EINVAL,
			       "pid %d has a controlling terminal; the image says it had none",
			       ids->pid);
	} else if (ids->tty_pgrp && rst_tree_has_pgrp(ctx, ids->tty_pgrp)) {
		pgrp = tty_get_pgrp(tty);
		fg = pid_nr_ns(pgrp, ctx->pid_ns);
		put_pid(pgrp);
		if (fg != ids->tty_pgrp)
			ret = ckpt_err(ctx, -EINVAL,
				       "session %d: its terminal's foreground group is %d; the image says %d",
				       ids->sid, fg, ids->tty_pgrp);
	}
	tty_kref_put(tty);
	return ret;
}

/* The ids userspace gave @t must be the image's. */
static int rst_check_created(struct ckpt_ctx *ctx, struct task_struct *t,
			     const struct ckpt_task_ids *ids)
{
	struct pid_namespace *ns = ctx->pid_ns;
	pid_t ppid, pgid, sid;

	rcu_read_lock();
	ppid = task_tgid_nr_ns(rcu_dereference(t->real_parent), ns);
	pgid = task_pgrp_nr_ns(t, ns);
	sid = task_session_nr_ns(t, ns);
	rcu_read_unlock();
	if (thread_group_leader(t) &&
	    !!(ids->flags & CKPT_TASK_SUBREAPER) !=
	    !!t->signal->is_child_subreaper)
		return ckpt_err(ctx, -EINVAL,
				"pid %d is%s a child subreaper; the image says otherwise",
				ids->pid, t->signal->is_child_subreaper ? "" : " not");
	if ((ids->ppid && ppid != ids->ppid) ||
	    (!rst_outside_id(ctx, ids->pgid) && pgid != ids->pgid) ||
	    (!rst_outside_id(ctx, ids->sid) && sid != ids->sid))
		return ckpt_err(ctx, -EINVAL,
				"pid %d has parent %d, group %d, session %d; the image says %d, %d, %d",
				ids->pid, ppid, pgid, sid, ids->ppid, ids->pgid,
				ids->sid);
	/* a zombie keeps its terminal until it is reaped: not saved */
	if (!thread_group_leader(t) || (ids->flags & CKPT_TASK_ZOMBIE))
		return 0;
	return rst_check_tty(ctx, t, ids);
}

/* A zombie of the image must be one, with the same status. */
static int rst_check_zombie(struct ckpt_ctx *ctx, const struct ckpt_task_ids *ids)
{
	unsigned long deadline;
	struct task_struct *t;
	int ret;

	rcu_read_lock();
	t = find_task_by_pid_ns(ids->pid, ctx->pid_ns);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	if (!t)
		return ckpt_err(ctx, -ESRCH, "zombie %d does not exist", ids->pid);
	/* userspace made it exit just before */
	deadline = jiffies + msecs_to_jiffies(RST_JOIN_WAIT_MS);
	while (!READ_ONCE(t->exit_state) && time_before(jiffies, deadline))
		if (msleep_interruptible(RST_JOIN_POLL_MS))
			break;
	if (READ_ONCE(t->exit_state) != EXIT_ZOMBIE ||
	    (t->exit_code & ~0x80) != (ids->exit_code & ~0x80))
		ret = ckpt_err(ctx, -EINVAL,
			       "pid %d is not a zombie with status %#x",
			       ids->pid, ids->exit_code);
	else
		ret = rst_check_created(ctx, t, ids);
	put_task_struct(t);
	return ret;
}

/* Wait until the task of @ids entered restart(), and claim it. */
static int rst_claim(struct ckpt_ctx *ctx, const struct ckpt_task_ids *ids,
		     struct rst_waiter **wp)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(RST_JOIN_WAIT_MS);
	struct rst_waiter *w;

	for (;;) {
		w = rst_take_waiter(ctx->pid_ns, ids->pid, true);
		if (w || time_after(jiffies, deadline))
			break;
		if (msleep_interruptible(RST_JOIN_POLL_MS))
			return ckpt_err(ctx, -EINTR,
					"a signal interrupted the wait for pid %d",
					ids->pid);
	}
	if (!w)
		return ckpt_err(ctx, -ESRCH,
				"pid %d did not enter restart(RESTART_TASK) within %d ms, or the caller may not restore it",
				ids->pid, RST_JOIN_WAIT_MS);
	*wp = w;
	w->coord = ctx;
	w->ids = ids;
	return rst_check_created(ctx, w->task, ids);
}

/*
 * Every live task of the tree must wait in restart() before any is
 * restored: a thread still in user mode would run on the memory that its
 * leader's restore replaces.
 */
static int rst_claim_all(struct ckpt_ctx *ctx, struct rst_waiter **waiters)
{
	int ret = 0;
	u32 i;

	for (i = 0; !ret && i < ctx->nr_tree; i++) {
		if (ctx->tree[i].flags & CKPT_TASK_ZOMBIE)
			ret = rst_check_zombie(ctx, &ctx->tree[i]);
		else
			ret = rst_claim(ctx, &ctx->tree[i], &waiters[i]);
	}
	return ret;
}

/* Let the task of @w read its records; return its result. */
static int rst_run_task(struct ckpt_ctx *ctx, struct rst_waiter *w)
{
	complete(&w->go);
	/* it reads from our stream: wait even if we are killed */
	wait_for_completion(&w->done);
	return w->ret;
}

/*
 * The end of a restart: a task that read its records learns the verdict;
 * one claimed but not started is aborted, and so is every task of the
 * tree still waiting unclaimed that the caller may restore.  A waiter is
 * not touched once told: it lives on its task's stack.  Returns when
 * every task told the verdict committed its state or was killed, so that
 * restart(root) returns with the tree restored, or gone.
 */
static void rst_end_tasks(struct ckpt_ctx *ctx, struct rst_waiter **waiters,
			  u32 started, int ret)
{
	struct rst_waiter *w;
	u32 i;

	atomic_set(&ctx->finishing, 1);
	/* a prefix that failed before the tree: its root waits all the same */
	if (!ctx->nr_tree) {
		w = rst_take_waiter(ctx->pid_ns,
				    task_pid_nr_ns(ctx->root, ctx->pid_ns), true);
		if (w) {
			w->abort = true;
			complete(&w->go);
		}
	}
	for (i = 0; i < ctx->nr_tree; i++) {
		w = waiters ? waiters[i] : NULL;
		if (!w)
			w = rst_take_waiter(ctx->pid_ns, ctx->tree[i].pid, true);
		if (!w)
			continue;
		if (i < started) {
			atomic_inc(&ctx->finishing);
			w->ok = !ret;
			complete(&w->verdict);
		} else {
			w->abort = true;
			complete(&w->go);
		}
	}
	if (!atomic_dec_and_test(&ctx->finishing))
		wait_for_completion(&ctx->finished);
}

/**
 * rst_coordinate - restart(root): restore the tree rooted at ctx->root
 * @ctx: the restart
 *
 * Return: 0 or a negative errno, explained on the log.
 */
long rst_coordinate(struct ckpt_ctx *ctx)
{
	struct rst_waiter **waiters;
	struct ckpt_hdr h;
	u32 started = 0;
	int ret;

	if (ctx->flags & RESTART_FROZEN)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"RESTART_FROZEN is not supported yet");
	ctx->pid_ns = task_active_pid_ns(ctx->root);
	init_completion(&ctx->finished);
	ret = rst_read_prefix(ctx);
	if (ret)
		goto out_files;
	if (task_pid_nr_ns(ctx->root, ctx->pid_ns) != ctx->tree[0].pid) {
		ret = ckpt_err(ctx, -EINVAL, "pid %d is not the image's root %d",
			       task_pid_vnr(ctx->root), ctx->tree[0].pid);
		goto out_files;
	}
	waiters = kvcalloc(ctx->nr_tree, sizeof(*waiters), GFP_KERNEL | __GFP_NOWARN);
	if (!waiters) {
		ret = -ENOMEM;
		goto out_files;
	}
	ret = rst_claim_all(ctx, waiters);
	for (started = 0; !ret && started < ctx->nr_tree; started++)
		if (waiters[started])
			ret = rst_run_task(ctx, waiters[started]);
	if (!ret)
		ret = rst_next_hdr(ctx, &h);
	if (!ret && h.type != CKPT_REC_TAIL)
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: record type %#x where a task or the tail belongs",
			       ctx->rec_pos, h.type);
	if (!ret)
		ret = rst_read_tail(ctx, &h);
	if (!ret)
		ret = rst_check_ctty_ptys(ctx);
	/* the whole image is read: nothing restart opens is watched */
	if (!ret)
		ret = rst_inotify_commit(ctx);
	/* and every file is back, the ones stale epoll watches are on too */
	if (!ret)
		ret = rst_epoll_commit(ctx);
	/* every socket is back: the connections inside the tree can talk */
	if (!ret)
		ret = rst_unix_commit(ctx);
	if (!ret)
		ret = rst_tcp_commit(ctx);
	/* every mapping is back: the memfds' seals hold over them */
	if (!ret)
		ret = rst_memfd_commit(ctx);
	/* every segment is attached again: IPC_RMID where it was */
	if (!ret)
		ret = rst_sysv_shm_commit(ctx);
	rst_end_tasks(ctx, waiters, started, ret);
	kvfree(waiters);
	rst_files_end(ctx);
	rst_creds_end(ctx);
	rst_ns_end(ctx);
	return ret;

out_files:
	/* the tree's tasks waiting for us must not wait forever */
	rst_end_tasks(ctx, NULL, 0, ret);
	rst_files_end(ctx);
	rst_creds_end(ctx);
	rst_ns_end(ctx);
	return ret;
}

/* The stream goes from the coordinator @from to the task @to, or back. */
static void rst_stream_move(struct ckpt_ctx *to, struct ckpt_ctx *from)
{
	to->file = from->file;
	to->pos = from->pos;
	to->records = from->records;
	to->crc = from->crc;
	to->rec_pos = from->rec_pos;
	to->rec_end = from->rec_end;
	to->rec_crc = from->rec_crc;
	to->next_hdr = from->next_hdr;
	to->have_next = from->have_next;
}

/**
 * rst_join - restart(0, -1, RESTART_TASK): be restored by a coordinator
 * @ctx: the restart, of the caller
 *
 * Return: what the restored task's system call returns; the caller is
 * killed if the restart failed.
 */
long rst_join(struct ckpt_ctx *ctx)
{
	struct rst_waiter w = { .task = current };
	bool claimed;
	long rax;
	int ret;

	init_completion(&w.go);
	init_completion(&w.done);
	init_completion(&w.verdict);
	mutex_lock(&rst_waiters_lock);
	list_add_tail(&w.list, &rst_waiters);
	mutex_unlock(&rst_waiters_lock);

	if (wait_for_completion_killable(&w.go)) {
		mutex_lock(&rst_waiters_lock);
		claimed = w.claimed;
		if (!claimed)
			list_del(&w.list);
		mutex_unlock(&rst_waiters_lock);
		if (!claimed)
			return -EINTR;
		/* a coordinator has it: it lets go soon */
		wait_for_completion(&w.go);
	}
	if (w.abort) {
		ckpt_log(ctx, "the restart of the tree failed: this task is killed");
		force_sig(SIGKILL);
		return -EINTR;
	}

	rst_stream_move(ctx, w.coord);
	ctx->coord = w.coord;
	ctx->ids = *w.ids;
	ctx->seen = RST_SEEN_TREE;
	if (!ctx->logfile && w.coord->logfile)
		ctx->logfile = get_file(w.coord->logfile);
	ret = fatal_signal_pending(current) ? -EINTR : rst_read_task(ctx);
	if (ret && fatal_signal_pending(current))
		ret = ckpt_err(ctx, -EINTR, "pid %d was killed while being restored",
			       ctx->ids.pid);
	rst_stream_move(w.coord, ctx);
	ctx->file = NULL;
	w.ret = ret;
	complete(&w.done);

	wait_for_completion(&w.verdict);
	/* the restored ax: all 64 bits of it, not an int */
	rax = rst_finish(ctx, ret ?: (w.ok ? 0 : -ECANCELED));
	/* the last touch of the coordinator, which may return right after */
	if (atomic_dec_and_test(&w.coord->finishing))
		complete(&w.coord->finished);
	return rax;
}
