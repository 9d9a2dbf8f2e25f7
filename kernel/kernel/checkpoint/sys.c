// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: the checkpoint() and restart() system calls.
 *
 * Both calls check their arguments in the same order, so that the errno
 * tells the caller which one is wrong:
 *   unknown flags or a negative pid		-EINVAL
 *   image fd not open for writing/reading	-EBADF
 *   log fd neither -1 nor open for writing	-EBADF
 *   no such process				-ESRCH
 *   no CAP_CHECKPOINT_RESTORE (or CAP_SYS_ADMIN) in the target's user
 *   namespace, or no ptrace-attach right	-EPERM
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/syscalls.h>

static bool ckpt_file_ok(struct file *file, fmode_t mode)
{
	if (!(file->f_mode & mode))
		return false;
	if (mode == FMODE_WRITE)
		return (file->f_mode & FMODE_CAN_WRITE) && file->f_op->write_iter;
	return (file->f_mode & FMODE_CAN_READ) && file->f_op->read_iter;
}

static int ckpt_get_logfile(struct ckpt_ctx *ctx, int logfd)
{
	struct file *file;

	if (logfd == -1)
		return 0;
	if (logfd < 0)
		return -EBADF;
	file = fget(logfd);
	if (!file)
		return -EBADF;
	if (!ckpt_file_ok(file, FMODE_WRITE)) {
		fput(file);
		return -EBADF;
	}
	ctx->logfile = file;
	return 0;
}

static struct task_struct *ckpt_get_task(pid_t pid)
{
	struct task_struct *task;

	if (!pid)
		return get_task_struct(current);

	rcu_read_lock();
	task = find_task_by_vpid(pid);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

/* Why the caller may not checkpoint or restore @task, or NULL. */
static const char *ckpt_access_denied(struct task_struct *task)
{
	const struct cred *cred = get_task_cred(task);
	bool capable = checkpoint_restore_ns_capable(cred->user_ns);

	put_cred(cred);
	if (!capable)
		return "CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN in its user namespace is required";
	if (!ptrace_may_access(task, PTRACE_MODE_ATTACH_REALCREDS))
		return "no permission to ptrace-attach to it";
	return NULL;
}

/**
 * ckpt_may_access - may the caller checkpoint or restore @task?
 * @ctx: the checkpoint or restart, or NULL for no log message
 * @task: the task
 *
 * Return: 0, or -EPERM with a log message.
 */
int ckpt_may_access(struct ckpt_ctx *ctx, struct task_struct *task)
{
	const char *why = ckpt_access_denied(task);

	if (!why)
		return 0;
	return ctx ? ckpt_err(ctx, -EPERM, "pid %d: %s", task_pid_vnr(task), why) :
		     -EPERM;
}

/*
 * Resolve the log fd and the target task and check the caller's rights
 * over it.  The image file is already in @ctx.
 */
static int ckpt_ctx_setup(struct ckpt_ctx *ctx, pid_t pid, int logfd)
{
	int ret;

	ret = ckpt_get_logfile(ctx, logfd);
	if (ret)
		return ret;

	ctx->root = ckpt_get_task(pid);
	if (!ctx->root)
		return ckpt_err(ctx, -ESRCH, "pid %d: no such process", pid);
	return ckpt_may_access(ctx, ctx->root);
}

static void ckpt_ctx_release(struct ckpt_ctx *ctx)
{
	if (ctx->file)
		fput(ctx->file);
	if (ctx->root)
		put_task_struct(ctx->root);
	if (ctx->logfile)
		fput(ctx->logfile);
	kfree(ctx->errmsg);
	kvfree(ctx->tree);
}

static long ckpt_syscall(struct ckpt_ctx *ctx, pid_t pid, int fd, int logfd,
			 fmode_t mode, long (*op)(struct ckpt_ctx *ctx))
{
	struct fd f;
	long ret;

	if (pid < 0)
		return -EINVAL;
	f = fdget_pos(fd);
	if (!fd_file(f))
		return -EBADF;
	if (!ckpt_file_ok(fd_file(f), mode)) {
		fdput_pos(f);
		return -EBADF;
	}
	/* restart() closes the caller's fds: hold the image by itself */
	ctx->file = get_file(fd_file(f));

	ret = ckpt_ctx_setup(ctx, pid, logfd);
	if (!ret)
		ret = op(ctx);

	ckpt_ctx_release(ctx);
	fdput_pos(f);
	return ret;
}

/*
 * restart(0, -1, RESTART_TASK, logfd): the caller waits for a coordinator
 * to hand it the stream, see coordinate.c.
 */
static long rst_task_syscall(struct ckpt_ctx *ctx, pid_t pid, int fd,
			     int logfd)
{
	long ret;

	if (pid || (ctx->flags & RESTART_FROZEN))
		return -EINVAL;
	if (fd != -1)
		return -EBADF;
	ret = ckpt_ctx_setup(ctx, 0, logfd);
	if (!ret)
		ret = rst_join(ctx);
	ckpt_ctx_release(ctx);
	return ret;
}

static long ckpt_checkpoint(struct ckpt_ctx *ctx)
{
	if (!thread_group_leader(ctx->root))
		return ckpt_err(ctx, -EINVAL,
				"pid %d is a thread, not a process",
				task_pid_vnr(ctx->root));
	if (!(ctx->flags & CHECKPOINT_SUBTREE) &&
	    !is_child_reaper(task_pid(ctx->root)))
		return ckpt_err(ctx, -EINVAL,
				"pid %d is not the init of a pid namespace: pass CHECKPOINT_SUBTREE to checkpoint a sub-tree",
				task_pid_vnr(ctx->root));
	return do_checkpoint(ctx);
}

SYSCALL_DEFINE4(checkpoint, pid_t, pid, int, fd, unsigned int, flags,
		int, logfd)
{
	struct ckpt_ctx ctx = {
		.op = "checkpoint",
		.flags = flags,
		.crc = ~0U,
	};

	if (flags & ~CHECKPOINT_FLAGS_MASK)
		return -EINVAL;
	xa_init_flags(&ctx.tcp_socks, XA_FLAGS_ALLOC);
	return ckpt_syscall(&ctx, pid, fd, logfd, FMODE_WRITE,
			    ckpt_checkpoint);
}

SYSCALL_DEFINE4(restart, pid_t, pid, int, fd, unsigned int, flags,
		int, logfd)
{
	struct ckpt_ctx ctx = {
		.op = "restart",
		.flags = flags,
		.crc = ~0U,
	};

	if (flags & ~RESTART_FLAGS_MASK)
		return -EINVAL;
	xa_init(&ctx.files);
	xa_init(&ctx.pipes);
	xa_init(&ctx.ptys);
	xa_init(&ctx.shared_creds);
	xa_init(&ctx.tables);
	xa_init(&ctx.inotify_wds);
	xa_init(&ctx.sysv_shms);
	if (flags & RESTART_TASK)
		return rst_task_syscall(&ctx, pid, fd, logfd);
	return ckpt_syscall(&ctx, pid, fd, logfd, FMODE_READ, do_restart);
}
