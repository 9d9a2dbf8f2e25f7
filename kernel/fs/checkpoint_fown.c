// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of signal-driven I/O: O_ASYNC, and the owner an
 * open file sends its I/O signals to (F_SETOWN, F_SETOWN_EX, F_SETSIG).
 *
 * O_ASYNC travels in the f_flags of the FILE record; restart registers
 * the file for SIGIO as fcntl(F_SETFL) does.  The owner, a task or a
 * process group of the tree, and the signal are a FILE_OWNER record
 * after the FILE record that first names the open file; restart sets
 * them as F_SETOWN_EX and F_SETSIG would for the restarting task.  An
 * owner outside the tree is refused: restart could not point the file
 * at it again.
 */
#include <linux/checkpoint.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>

static const char *const ckpt_owner_names[] = {
	[CKPT_OWNER_TID] = "thread",
	[CKPT_OWNER_PID] = "process",
	[CKPT_OWNER_PGRP] = "process group",
};

static const enum pid_type ckpt_owner_types[] = {
	[CKPT_OWNER_TID] = PIDTYPE_PID,
	[CKPT_OWNER_PID] = PIDTYPE_TGID,
	[CKPT_OWNER_PGRP] = PIDTYPE_PGID,
};

/* The CKPT_OWNER_* of @type, or -1 for a kind F_SETOWN_EX cannot set. */
static int ckpt_owner_kind(enum pid_type type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_owner_types); i++)
		if (ckpt_owner_types[i] == type)
			return i;
	return -1;
}

/* Is @pid the thread, process or process group (@type) of a task of the tree? */
static bool ckpt_tree_has_pid(struct ckpt_ctx *ctx, struct pid *pid,
			      enum pid_type type)
{
	int i;

	for (i = 0; i < ctx->nr_tasks; i++)
		if (task_pid_type(ctx->tasks[i], type) == pid)
			return true;
	return false;
}

/* Fill the owner of @rec from @pid of @type, a task or group of the tree. */
static int ckpt_owner_of(struct ckpt_ctx *ctx, const struct ckpt_fd *f,
			 struct pid *pid, enum pid_type type,
			 struct ckpt_rec_file_owner *rec)
{
	int kind = ckpt_owner_kind(type);

	if (kind < 0)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u (%s): an owner for I/O signals of pid type %d is not supported",
				f->pid, f->fd, f->path, type);
	rec->type = kind;
	rec->pid = pid_nr_ns(pid, task_active_pid_ns(ctx->root));
	/* a group restart makes again: one whose leader is in the tree */
	if (!rec->pid || !ckpt_tree_has_pid(ctx, pid, type) ||
	    (type == PIDTYPE_PGID && !ckpt_tree_has_pid(ctx, pid, PIDTYPE_TGID)))
		return ckpt_err(ctx, -EBUSY,
				"pid %d fd %u (%s): its owner for I/O signals (F_SETOWN), %s %d, is not in the checkpointed tree: restart could not send it SIGIO again",
				f->pid, f->fd, f->path, ckpt_owner_names[kind],
				pid_vnr(pid));
	return 0;
}

/**
 * ckpt_write_file_owner - the FILE_OWNER record of an open file, if needed
 * @ctx: the checkpoint
 * @f: the descriptor whose FILE record names the file first
 * @objref: the file's number
 *
 * Return: 0 (also when the file has neither owner nor signal of its own)
 * or a negative errno, explained on the log.
 */
int ckpt_write_file_owner(struct ckpt_ctx *ctx, const struct ckpt_fd *f,
			  u32 objref)
{
	struct fown_struct *owner = file_f_owner(f->file);
	struct ckpt_rec_file_owner rec = {};
	enum pid_type type;
	struct pid *pid;
	int ret = 0;

	if (!owner)
		return 0;
	read_lock_irq(&owner->lock);
	pid = get_pid(owner->pid);
	type = owner->pid_type;
	read_unlock_irq(&owner->lock);
	rec.signum = READ_ONCE(owner->signum);
	if (pid)
		ret = ckpt_owner_of(ctx, f, pid, type, &rec);
	put_pid(pid);
	if (ret || (!pid && !rec.signum))
		return ret;
	rec.objref = objref;
	rec.fd = f->fd;
	return ckpt_write_record(ctx, CKPT_REC_FILE_OWNER, &rec.h, sizeof(rec),
				 NULL, 0);
}

/**
 * rst_file_async - turn O_ASYNC on for a restored file, as F_SETFL does
 * @ctx: the restart
 * @fd: the caller's descriptor of @file, which SIGIO will name
 * @file: a file just restored, whose FILE record has FASYNC (rst_file()
 *	opened it without)
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_file_async(struct ckpt_ctx *ctx, int fd, struct file *file)
{
	int ret = 0;

	if (file->f_op->fasync)
		ret = file->f_op->fasync(fd, file, 1);
	if (ret < 0)
		return ckpt_err(ctx, ret,
				"fd %d: cannot turn signal-driven I/O (O_ASYNC) on: error %d",
				fd, ret);
	spin_lock(&file->f_lock);
	file->f_flags |= FASYNC;
	spin_unlock(&file->f_lock);
	return 0;
}

static int rst_check_owner_rec(struct ckpt_ctx *ctx,
			       const struct ckpt_rec_file_owner *rec)
{
	if (rec->pid < 0 || rec->type >= ARRAY_SIZE(ckpt_owner_types) ||
	    rec->signum < 0 || !valid_signal(rec->signum) || rec->pad ||
	    (!rec->pid && !rec->signum))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad owner for I/O signals (pid %d, type %u, signal %d)",
				ctx->rec_pos, rec->pid, rec->type, rec->signum);
	return 0;
}

/* Point @file at the owner of @rec, as F_SETOWN_EX does. */
static int rst_set_owner(struct ckpt_ctx *ctx, struct file *file,
			 const struct ckpt_rec_file_owner *rec)
{
	enum pid_type type = ckpt_owner_types[rec->type];
	struct pid *pid;
	int ret = 0;

	rcu_read_lock();
	pid = find_vpid(rec->pid);
	if (!pid || !pid_has_task(pid, type))
		ret = -ESRCH;
	else
		__f_setown(file, pid, type, 1);
	rcu_read_unlock();
	if (ret)
		return ckpt_err(ctx, ret,
				"fd %d: no %s %d for its owner for I/O signals",
				rec->fd, ckpt_owner_names[rec->type], rec->pid);
	return 0;
}

/**
 * rst_file_owner - give the file restored last its owner for I/O signals
 * @ctx: the restart
 * @h: header of a CKPT_REC_FILE_OWNER record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_file_owner(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_file_owner rec = { .h = *h };
	struct file *file;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_check_owner_rec(ctx, &rec);
	if (ret)
		return ret;
	file = rst_file_at(ctx, rec.objref, rec.fd);
	if (!file)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: an owner for I/O signals of fd %d, which is not the restored object %u",
				ctx->rec_pos, rec.fd, rec.objref);
	ret = file_f_owner_allocate(file);
	if (ret)
		return ret;
	if (rec.pid)
		ret = rst_set_owner(ctx, file, &rec);
	if (!ret)
		WRITE_ONCE(file_f_owner(file)->signum, rec.signum);
	return ret;
}
