// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: the task tree and per-task state.
 *
 * The tree record comes first so that userspace can create the tasks
 * before the kernel restores them.  Until process trees are supported,
 * the tree is the root alone; a root with threads or children is
 * refused with a message naming what was found.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/fs_struct.h>
#include <linux/fdtable.h>
#include <linux/futex.h>
#include <linux/nsproxy.h>
#include <linux/personality.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched/coredump.h>
#include <linux/rseq.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

/* The size of struct rseq before it could be extended. */
#define RST_RSEQ_MIN_SIZE	32

/* The first namespace of @t that is not the checkpointer's, or NULL. */
static const char *ckpt_task_own_ns(struct task_struct *t)
{
	struct nsproxy *mine = current->nsproxy, *its;
	const char *ns = NULL;

	if (task_active_pid_ns(t) != task_active_pid_ns(current))
		return "pid";
	if (task_cred_xxx(t, user_ns) != current_user_ns())
		return "user";
	task_lock(t);
	its = t->nsproxy;
	if (!its)
		ns = "(exiting)";
	else if (its->uts_ns != mine->uts_ns)
		ns = "UTS";
	else if (its->ipc_ns != mine->ipc_ns)
		ns = "IPC";
	else if (its->mnt_ns != mine->mnt_ns)
		ns = "mount";
	else if (its->net_ns != mine->net_ns)
		ns = "network";
	else if (its->cgroup_ns != mine->cgroup_ns)
		ns = "cgroup";
#ifdef CONFIG_TIME_NS
	else if (its->time_ns != mine->time_ns)
		ns = "time";
#endif
	task_unlock(t);
	return ns;
}

/* Everything about @t that the image cannot represent yet. */
static int ckpt_task_supported(struct ckpt_ctx *ctx, struct task_struct *t)
{
	pid_t pid = task_pid_vnr(t);
	const char *ns;

	if (t == current)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: a process cannot checkpoint itself yet",
				pid);
	if (!t->mm || (t->flags & PF_KTHREAD))
		return ckpt_err(ctx, -EINVAL, "pid %d is a kernel thread", pid);
	if (t->exit_state)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d is exiting or a zombie", pid);
	if (get_nr_threads(t) > 1)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d has %d threads: multi-threaded processes are not supported yet",
				pid, get_nr_threads(t));
	if (!list_empty(&t->children))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d has child processes: process trees are not supported yet",
				pid);
	if (t->ptrace)
		return ckpt_err(ctx, -EBUSY, "pid %d is being ptraced", pid);
#ifdef CONFIG_SYSVIPC
	if (t->sysvsem.undo_list)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: System V semaphore undo lists are not supported yet",
				pid);
#endif
	ns = ckpt_task_own_ns(t);
	if (ns)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d lives in its own %s namespace: namespaces are not supported yet",
				pid, ns);
#ifdef CONFIG_SECCOMP
	if (t->seccomp.mode != SECCOMP_MODE_DISABLED)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: seccomp filters are not supported yet",
				pid);
#endif
	return 0;
}

/**
 * ckpt_check_tree - refuse a tree the image cannot represent
 * @ctx: the checkpoint
 *
 * Called before the tree is frozen, so that a refused tree is not even
 * disturbed, and again by ckpt_write_tasks() once it is frozen.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_check_tree(struct ckpt_ctx *ctx)
{
	return ckpt_task_supported(ctx, ctx->root);
}

static int ckpt_write_tree_rec(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct pid_namespace *ns = task_active_pid_ns(ctx->root);
	struct ckpt_rec_tree tree = { .nr_tasks = 1 };
	struct ckpt_task_ids ids = {};

	rcu_read_lock();
	ids.pid = task_pid_nr_ns(t, ns);
	ids.tgid = task_tgid_nr_ns(t, ns);
	ids.ppid = 0;	/* the root's parent is outside the tree */
	ids.pgid = task_pgrp_nr_ns(t, ns);
	ids.sid = task_session_nr_ns(t, ns);
	rcu_read_unlock();
	if (ids.sid == ids.pid)
		ids.flags |= CKPT_TASK_SESSION_LEADER;
	if (ids.pgid == ids.pid)
		ids.flags |= CKPT_TASK_GROUP_LEADER;

	return ckpt_write_record(ctx, CKPT_REC_TREE, &tree.h, sizeof(tree),
				 &ids, sizeof(ids));
}

static int ckpt_write_task_rec(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_rec_task rec = {};

	rec.pid = task_pid_nr_ns(t, task_active_pid_ns(ctx->root));
	rec.personality = t->personality;
	get_task_comm(rec.comm, t);
	rec.exit_signal = t->exit_signal;
	rec.pdeath_signal = t->pdeath_signal;
	task_lock(t);
	rec.umask = t->fs ? t->fs->umask : 0022;
	task_unlock(t);
	rec.dumpable = get_dumpable(t->mm);
#ifdef CONFIG_RSEQ
	rec.rseq = (unsigned long)t->rseq;
	rec.rseq_len = t->rseq_len;
	rec.rseq_sig = t->rseq_sig;
#endif
#ifdef CONFIG_FUTEX
	rec.robust_list = (unsigned long)t->robust_list;
	rec.robust_list_len = t->robust_list ? sizeof(*t->robust_list) : 0;
#endif
	rec.clear_child_tid = (unsigned long)t->clear_child_tid;
	return ckpt_write_record(ctx, CKPT_REC_TASK, &rec.h, sizeof(rec),
				 NULL, 0);
}

/**
 * ckpt_write_tasks - write the tree and the state of every task in it
 * @ctx: the checkpoint
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_tasks(struct ckpt_ctx *ctx)
{
	struct task_struct *t = ctx->root;
	int ret;

	ret = ckpt_task_supported(ctx, t);
	if (!ret)
		ret = ckpt_write_tree_rec(ctx, t);
	if (!ret)
		ret = ckpt_write_task_rec(ctx, t);
	if (!ret)
		ret = ckpt_write_creds(ctx, t);
	if (!ret)
		ret = ckpt_write_rlimits(ctx, t);
	if (!ret)
		ret = ckpt_write_sched(ctx, t);
	if (!ret)
		ret = ckpt_write_restart_block(ctx, t);
	if (!ret)
		ret = ckpt_arch_write_cpu(ctx, t);
	if (!ret)
		ret = ckpt_write_mm(ctx, t);
	if (!ret)
		ret = ckpt_write_fs(ctx, t);
	if (!ret)
		ret = ckpt_write_files(ctx, t);
	if (!ret)
		ret = ckpt_write_sighand(ctx, t);
	if (!ret)
		ret = ckpt_write_sigpending(ctx, t);
	if (!ret)
		ret = ckpt_write_itimers(ctx, t);
	if (!ret)
		ret = ckpt_still_frozen(ctx, t);
	return ret;
}

/**
 * rst_tree - read the task tree
 * @ctx: the restart
 * @h: header of a CKPT_REC_TREE record
 *
 * Userspace created the tasks from this record; the kernel checks it.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_tree(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_tree tree = { .h = *h };
	struct ckpt_task_ids ids;
	int ret;

	ret = ckpt_read_body(ctx, &tree.h, sizeof(tree));
	if (ret)
		return ret;
	if (tree.nr_tasks != 1)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"image holds %u tasks: process trees are not supported yet",
				tree.nr_tasks);
	ret = ckpt_read_bytes(ctx, &ids, sizeof(ids));
	if (ret)
		return ret;
	if (ids.pid <= 0 || ids.tgid != ids.pid)
		return ckpt_err(ctx, -EINVAL, "offset %lld: bad task ids",
				ctx->rec_pos);
	return ckpt_skip_record(ctx);
}

static int rst_check_task_rec(struct ckpt_ctx *ctx, struct ckpt_rec_task *rec)
{
	if (!memchr(rec->comm, 0, sizeof(rec->comm)) ||
	    (rec->pdeath_signal && !valid_signal(rec->pdeath_signal)) ||
	    rec->personality == 0xffffffff || rec->dumpable > SUID_DUMP_ROOT)
		return ckpt_err(ctx, -EINVAL, "offset %lld: bad task record",
				ctx->rec_pos);
	if (rec->rseq_len &&
	    (rec->rseq_len < RST_RSEQ_MIN_SIZE || rec->rseq >= TASK_SIZE ||
	     !IS_ALIGNED(rec->rseq, 32)))
		return ckpt_err(ctx, -EINVAL, "offset %lld: bad rseq area",
				ctx->rec_pos);
	if (rec->robust_list &&
	    (rec->robust_list >= TASK_SIZE ||
	     rec->robust_list_len != sizeof(struct robust_list_head)))
		return ckpt_err(ctx, -EINVAL, "offset %lld: bad robust list",
				ctx->rec_pos);
	if (rec->clear_child_tid >= TASK_SIZE)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad clear_child_tid", ctx->rec_pos);
	return 0;
}

/*
 * The caller's memory, descriptors and fs information are replaced: none
 * of them may be shared with another task (a thread, a vfork() parent,
 * a CLONE_FILES or CLONE_FS sibling), which would lose them too.
 */
static int rst_check_alone(struct ckpt_ctx *ctx)
{
	const char *what = NULL;

	if (!thread_group_empty(current))
		what = "has other threads";
	else if (atomic_read(&current->mm->mm_users) > 1)
		what = "shares its memory with another task";
	else if (atomic_read(&current->files->count) > 1)
		what = "shares its file descriptor table";
	else if (READ_ONCE(current->fs->users) > 1)
		what = "shares its working directory (CLONE_FS)";
	if (what)
		return ckpt_err(ctx, -EBUSY,
				"the restarting task %s: restart() replaces them",
				what);
	return 0;
}

/**
 * rst_task - start restoring the caller as the task of @h
 * @ctx: the restart
 * @h: header of a CKPT_REC_TASK record
 *
 * From here on the caller's own state is replaced: a later failure kills
 * it (see do_restart()).
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_task(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_task rec = { .h = *h };
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_check_task_rec(ctx, &rec);
	if (ret)
		return ret;
	if (ctx->root != current)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"restoring a task other than the caller is not supported yet");
	if (ctx->flags & RESTART_FROZEN)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"RESTART_FROZEN is not supported yet");
	ret = rst_check_alone(ctx);
	if (ret)
		return ret;

	ctx->committed = true;
	rst_files_begin(ctx);

	set_task_comm(current, rec.comm);
	current->personality = rec.personality;
	current->pdeath_signal = rec.pdeath_signal;
	current->fs->umask = rec.umask & 0777;
#ifdef CONFIG_RSEQ
	current->rseq = (struct rseq __user *)(unsigned long)rec.rseq;
	current->rseq_len = rec.rseq_len;
	current->rseq_sig = rec.rseq_sig;
	if (current->rseq)
		rseq_set_notify_resume(current);
#endif
#ifdef CONFIG_FUTEX
	current->robust_list =
		(struct robust_list_head __user *)(unsigned long)rec.robust_list;
#endif
	current->clear_child_tid =
		(int __user *)(unsigned long)rec.clear_child_tid;
	ctx->dumpable = rec.dumpable;
	ctx->pdeath_signal = rec.pdeath_signal;
	return 0;
}
