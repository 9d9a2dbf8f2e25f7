// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: the task tree and per-task state.
 *
 * Each live task of the tree gets its own records, TASK first, in tree
 * order (see tree.c).  What a task holds that the image cannot represent
 * yet is refused with a message naming the task and the object.
 */
#include <linux/checkpoint.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/fs_struct.h>
#include <linux/fdtable.h>
#include <linux/futex.h>
#include <linux/iocontext.h>
#include <linux/ioprio.h>
#include <linux/nsproxy.h>
#include <linux/personality.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched/coredump.h>
#include <linux/sched/rt.h>
#include <linux/cpumask.h>
#include <linux/rseq.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

/* The size of struct rseq before it could be extended. */
#define RST_RSEQ_MIN_SIZE	32

/*
 * The first namespace of @t that is not the checkpointer's, or NULL.  A
 * container's tasks live in the pid namespace of its root, a child of
 * the checkpointer's.
 */
static const char *ckpt_task_own_ns(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct pid_namespace *root_ns = task_active_pid_ns(ctx->root);
	struct nsproxy *mine = current->nsproxy, *its;
	const char *ns = NULL;

	if (task_active_pid_ns(t) != root_ns ||
	    (root_ns != task_active_pid_ns(current) &&
	     (root_ns->parent != task_active_pid_ns(current) ||
	      !is_child_reaper(task_pid(ctx->root)))))
		return "pid";
	if (task_cred_xxx(t, user_ns) != current_user_ns())
		return "user";
	task_lock(t);
	its = t->nsproxy;
	/* UTS and IPC namespaces: kernel/checkpoint_ns.c */
	if (!its)
		ns = "(exiting)";
#ifndef CONFIG_SYSVIPC
	else if (its->ipc_ns != mine->ipc_ns)
		ns = "IPC";
#endif
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

/*
 * What @t shares through clone() flags that the image cannot hold, or
 * NULL.  The threads of a process must share all of it; processes may
 * share their fd tables and fs information (fs/checkpoint_share.c).
 */
static const char *ckpt_task_shares(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct task_struct *leader = t->group_leader;
	int i, n = get_nr_threads(t);
	const char *what = NULL;

	for (i = 0; i < ctx->nr_tasks && ctx->tasks[i] != t; i++)
		if (ctx->tasks[i]->mm == t->mm &&
		    !same_thread_group(ctx->tasks[i], t))
			return "shares its memory (CLONE_VM) with another process";
	/* tables shared between processes: fs/checkpoint_share.c */
	task_lock(t);
	if (t->files && t->files != leader->files)
		what = "is a thread with its file descriptor table of its own (unshare())";
	else if (t->fs && t->fs != leader->fs)
		what = "is a thread with its working directory of its own (unshare())";
	task_unlock(t);
	if (!what && refcount_read(&t->sighand->count) > n)
		what = "shares its signal handlers (CLONE_SIGHAND) with another process";
	return what;
}

/*
 * A timer slack other than the kernel's default (PR_SET_TIMERSLACK, or
 * inherited from a parent that set one): a restarted task would get the
 * restarter's.  A real-time task has none (0) by the kernel's rule.
 */
static bool ckpt_task_timer_slack(struct task_struct *t)
{
	u64 slack = init_task.timer_slack_ns;

	if (t->default_timer_slack_ns != slack)
		return true;
	return t->timer_slack_ns != slack &&
	       !(t->timer_slack_ns == 0 && rt_or_dl_task_policy(t));
}

/* An I/O priority set with ioprio_set(). */
static bool ckpt_task_ioprio(struct task_struct *t)
{
	bool set;

	task_lock(t);
	set = t->io_context && t->io_context->ioprio != IOPRIO_DEFAULT;
	task_unlock(t);
	return set;
}

/*
 * State of @t that the kernel keeps and the image does not carry yet:
 * refused rather than lost.
 */
static const char *ckpt_task_state_unsupported(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;

	if (ckpt_task_timer_slack(t))
		return "a timer slack of its own (PR_SET_TIMERSLACK)";
	if (ckpt_task_ioprio(t))
		return "an I/O priority (ioprio_set)";
	if (t->flags & (PF_MCE_PROCESS | PF_LOCAL_THROTTLE))
		return "a machine-check kill policy or I/O flusher mode (PR_MCE_KILL, PR_SET_IO_FLUSHER)";
	if (mm && test_bit(MMF_HAS_MDWE, &mm->flags))
		return "memory-deny-write-execute (PR_SET_MDWE)";
	if (t->user_cpus_ptr &&
	    !cpumask_subset(cpu_possible_mask, t->user_cpus_ptr))
		return "a CPU affinity (sched_setaffinity)";
#ifdef CONFIG_IO_URING
	if (t->io_uring)
		return "an io_uring context";
#endif
	if (mm && test_bit(MMF_VM_MERGE_ANY, &mm->flags))
		return "KSM merging of all its memory (PR_SET_MEMORY_MERGE)";
#ifdef CONFIG_AIO
	if (mm && rcu_access_pointer(mm->ioctx_table))
		return "an AIO context (io_setup)";
#endif
	return NULL;
}

/* Everything about @t that the image cannot represent yet. */
static int ckpt_task_supported(struct ckpt_ctx *ctx, struct task_struct *t)
{
	pid_t pid = task_pid_vnr(t);
	const char *ns, *shared;

	if (t == current)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: a process cannot checkpoint itself yet",
				pid);
	if (t->exit_state && t == ctx->root)
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d is a zombie", pid);
	if (t->exit_state && !thread_group_empty(t))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d exited while its other threads run: not supported yet",
				pid);
	if (t->exit_state)
		return 0;
	if (!t->mm || (t->flags & PF_KTHREAD))
		return ckpt_err(ctx, -EINVAL, "pid %d is a kernel thread", pid);
	if (t->ptrace)
		return ckpt_err(ctx, -EBUSY, "pid %d is being ptraced", pid);
	if (ckpt_task_stopping(t))
		return ckpt_err(ctx, -EBUSY,
				"pid %d: its process is in the middle of a job-control stop",
				pid);
	ns = ckpt_task_own_ns(ctx, t);
	if (ns)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d lives in its own %s namespace: namespaces are not supported yet",
				pid, ns);
	shared = ckpt_task_shares(ctx, t);
	if (shared)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d %s: not supported yet", pid, shared);
	shared = ckpt_task_state_unsupported(t);
	if (shared)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: %s is not supported yet", pid, shared);
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
	if (t->mm && test_bit(MMF_DISABLE_THP, &t->mm->flags))
		rec.mm_flags |= CKPT_MM_THP_DISABLE;
	if (t->mm && (t->mm->def_flags & VM_LOCKED))
		rec.mm_flags |= CKPT_MM_LOCK_FUTURE;
	if (t->mm && (t->mm->def_flags & VM_LOCKONFAULT))
		rec.mm_flags |= CKPT_MM_LOCK_ONFAULT;
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

/*
 * A table of @t's process (CKPT_SHARE_*), unless another process of the
 * tree that shares it wrote it before.
 */
static int ckpt_write_table(struct ckpt_ctx *ctx, struct task_struct *t,
			    u32 kind,
			    int (*write)(struct ckpt_ctx *, struct task_struct *))
{
	int ret = ckpt_write_share(ctx, t, kind);

	if (!ret)
		ret = write(ctx, t);
	return ret < 0 ? ret : 0;
}

/*
 * The records of one live task, TASK first.  What the threads of a
 * process share (limits, memory, fs, files, itimers) comes with its
 * leader only; the other threads write their own state.
 */
static int ckpt_write_task(struct ckpt_ctx *ctx, struct task_struct *t)
{
	bool leader = thread_group_leader(t);
	int ret;

	ret = ckpt_write_task_rec(ctx, t);
	/* what the namespaces new at it hold, before any mapping of it */
	if (!ret && leader)
		ret = ckpt_write_task_ns(ctx, t);
	/* its SEM_UNDO adjustments, once its namespace's sets are written */
	if (!ret && leader)
		ret = ckpt_write_sem_undos(ctx, t);
	if (!ret)
		ret = ckpt_write_creds(ctx, t);
	if (!ret && leader)
		ret = ckpt_write_rlimits(ctx, t);
	if (!ret)
		ret = ckpt_write_sched(ctx, t);
	if (!ret)
		ret = ckpt_write_restart_block(ctx, t);
	if (!ret)
		ret = ckpt_arch_write_cpu(ctx, t);
	if (!ret && leader)
		ret = ckpt_write_mm(ctx, t);
	if (!ret && leader)
		ret = ckpt_write_table(ctx, t, CKPT_SHARE_FS, ckpt_write_fs);
	if (!ret && leader)
		ret = ckpt_write_table(ctx, t, CKPT_SHARE_FILES,
				       ckpt_write_files);
	if (!ret)
		ret = ckpt_write_sighand(ctx, t);
	if (!ret)
		ret = ckpt_write_sigpending(ctx, t);
	if (!ret && leader)
		ret = ckpt_write_itimers(ctx, t);
	if (!ret && leader)
		ret = ckpt_write_posix_timers(ctx, t);
	return ret;
}

/**
 * ckpt_write_tasks - write the tree and the state of every task in it
 * @ctx: the checkpoint, with the tree frozen (ckpt_freeze_tree())
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_tasks(struct ckpt_ctx *ctx)
{
	int i, ret = 0;

	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		ret = ckpt_task_supported(ctx, ctx->tasks[i]);
	/* the container section, before the tree */
	if (!ret)
		ret = ckpt_write_namespaces(ctx);
	if (!ret)
		ret = ckpt_write_tree(ctx);
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!ctx->tasks[i]->exit_state)
			ret = ckpt_write_task(ctx, ctx->tasks[i]);
	if (!ret)
		ret = ckpt_namespaces_finish(ctx);
	/*
	 * A container holds nothing that something outside it holds too; a
	 * subtree shares no memory with the outside.
	 */
	if (!ret)
		ret = ckpt_obj_check_leaks(ctx, is_child_reaper(task_pid(ctx->root)) &&
					   !(ctx->flags & CHECKPOINT_SUBTREE));
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		ret = ckpt_still_frozen(ctx, ctx->tasks[i]);
	return ret;
}

static int rst_check_task_rec(struct ckpt_ctx *ctx, struct ckpt_rec_task *rec)
{
	if (!memchr(rec->comm, 0, sizeof(rec->comm)) ||
	    (rec->pdeath_signal && !valid_signal(rec->pdeath_signal)) ||
	    rec->personality == 0xffffffff || rec->dumpable > SUID_DUMP_ROOT ||
	    rec->mm_flags & ~(CKPT_MM_THP_DISABLE | CKPT_MM_LOCK_FUTURE |
			      CKPT_MM_LOCK_ONFAULT) ||
	    (rec->mm_flags & CKPT_MM_LOCK_ONFAULT &&
	     !(rec->mm_flags & CKPT_MM_LOCK_FUTURE)))
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
 * of them may be shared with another task (a vfork() parent, a
 * CLONE_FILES or CLONE_FS sibling), which would lose them too.  Only the
 * threads of a process that a coordinator restores share them: they are
 * all the image's.
 */
/*
 * Is the caller's mm used by more than its @n threads?  A reader of
 * /proc/PID/status or the like holds it for a moment: that passes.
 */
static bool rst_mm_shared(int n)
{
	int tries = 100;

	while (atomic_read(&current->mm->mm_users) > n) {
		if (!tries--)
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

static int rst_check_alone(struct ckpt_ctx *ctx)
{
	int n = ctx->coord ? get_nr_threads(current) : 1;
	const char *what = NULL;

	if (!ctx->coord && !thread_group_empty(current))
		what = "has other threads";
	else if (rst_mm_shared(n))
		what = "shares its memory with another task";
	/* a thread's tables are its leader's, checked, or become them */
	else if (!rst_is_thread(ctx) && atomic_read(&current->files->count) > n)
		what = "shares its file descriptor table";
	else if (!rst_is_thread(ctx) && READ_ONCE(current->fs->users) > n)
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

	/* a record of format 1.6 and before ends before mm_flags */
	BUILD_BUG_ON(offsetof(struct ckpt_rec_task, mm_flags) !=
		     CKPT_REC_TASK_SIZE_1_6);
	ret = ckpt_read_body(ctx, &rec.h, h->len < sizeof(rec) ?
				CKPT_REC_TASK_SIZE_1_6 : sizeof(rec));
	if (!ret)
		ret = rst_check_task_rec(ctx, &rec);
	if (ret)
		return ret;
	if (rec.pid != (ctx->coord ? ctx->ids.pid : ctx->tree[0].pid))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: the TASK record of pid %d, where pid %d's belongs",
				ctx->rec_pos, rec.pid,
				ctx->coord ? ctx->ids.pid : ctx->tree[0].pid);
	if (ctx->root != current)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"restoring a task other than the caller is not supported yet");
	if (ctx->flags & RESTART_FROZEN)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"RESTART_FROZEN is not supported yet");
	ret = rst_check_alone(ctx);
	if (!ret)
		ret = rst_task_ns(ctx);
	if (ret)
		return ret;

	ctx->committed = true;
	/* the process's descriptors come with its leader */
	if (!rst_is_thread(ctx))
		rst_files_begin(ctx);
	else
		rst_share_thread(ctx);

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
	ctx->mm_flags = rec.mm_flags;
	ctx->pdeath_signal = rec.pdeath_signal;
	return 0;
}
