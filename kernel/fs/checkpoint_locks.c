// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of file locks.
 *
 * POSIX record locks (fcntl F_SETLK) belong to a process (its descriptor
 * table) and an inode: each is saved once, in a FILE_LOCK record after
 * the FILE record of the process's lowest descriptor on that inode.  OFD
 * locks (F_OFD_SETLK) and flock() locks belong to an open file: they come
 * after the FILE record that first names it.  Restart takes each lock
 * again, without waiting, with the same owner, right after the file is
 * back: a lock that another process took meanwhile fails the restart,
 * naming file and range, before any task of the tree runs.
 *
 * Leases (F_SETLEASE) are refused at checkpoint time (fs/checkpoint.c).
 */
#include <linux/checkpoint.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/filelock.h>
#include <linux/fs.h>
#include <linux/security.h>
#include <linux/slab.h>

/* The locks a FILE record carries; FILE_LOCK records without headers */
struct ckpt_locks {
	struct ckpt_rec_file_lock *lock;
	unsigned int nr, max;
};

static int ckpt_locks_add(struct ckpt_locks *l, u32 kind,
			  const struct file_lock *fl)
{
	struct ckpt_rec_file_lock *lock;

	if (l->nr == l->max) {
		l->max = 2 * l->max + 4;
		lock = krealloc_array(l->lock, l->max, sizeof(*lock),
				      GFP_ATOMIC);
		if (!lock)
			return -ENOMEM;
		l->lock = lock;
	}
	lock = &l->lock[l->nr++];
	*lock = (struct ckpt_rec_file_lock) {
		.kind = kind,
		.type = fl->c.flc_type,
		.start = fl->fl_start,
		.end = fl->fl_end,
	};
	return 0;
}

/*
 * Is @fd the lowest descriptor of @t on the inode of @file?  Its FILE
 * record then carries the process's POSIX locks on that inode.
 */
static bool ckpt_first_on_inode(struct task_struct *t, unsigned int fd,
				struct file *file)
{
	struct file *other;
	unsigned int i;
	bool first = true;

	for (i = 0; first; i++) {
		rcu_read_lock();
		other = task_lookup_next_fdget_rcu(t, &i);
		rcu_read_unlock();
		if (!other)
			break;
		if (i < fd && file_inode(other) == file_inode(file))
			first = false;
		fput(other);
		if (i >= fd)
			break;
	}
	return first;
}

/* Collect the locks of @f's file that its FILE record carries. */
static int ckpt_collect_locks(const struct ckpt_fd *f, bool posix,
			      struct ckpt_locks *l)
{
	struct file_lock_context *flctx = locks_inode_context(file_inode(f->file));
	struct files_struct *files;
	struct file_lock *fl;
	int ret = 0;

	if (!flctx)
		return 0;
	task_lock(f->task);
	files = f->task->files;
	task_unlock(f->task);
	spin_lock(&flctx->flc_lock);
	list_for_each_entry(fl, &flctx->flc_posix, c.flc_list) {
		if (ret)
			break;
		if ((fl->c.flc_flags & FL_OFDLCK) && fl->c.flc_file == f->file &&
		    f->new_file)
			ret = ckpt_locks_add(l, CKPT_LOCK_OFD, fl);
		else if (!(fl->c.flc_flags & FL_OFDLCK) && posix &&
			 fl->c.flc_owner == files)
			ret = ckpt_locks_add(l, CKPT_LOCK_POSIX, fl);
	}
	list_for_each_entry(fl, &flctx->flc_flock, c.flc_list) {
		if (!ret && fl->c.flc_file == f->file && f->new_file)
			ret = ckpt_locks_add(l, CKPT_LOCK_FLOCK, fl);
	}
	spin_unlock(&flctx->flc_lock);
	return ret;
}

/**
 * ckpt_write_file_locks - write the FILE_LOCK records of a FILE record
 * @ctx: the checkpoint
 * @f: the descriptor the FILE record was just written for
 * @objref: its open file's objref
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_file_locks(struct ckpt_ctx *ctx, const struct ckpt_fd *f,
			  u32 objref)
{
	struct ckpt_locks l = {};
	unsigned int i;
	int ret;

	if (!locks_inode_context(file_inode(f->file)))
		return 0;
	ret = ckpt_collect_locks(f, ckpt_first_on_inode(f->task, f->fd, f->file),
				 &l);
	for (i = 0; !ret && i < l.nr; i++) {
		l.lock[i].objref = objref;
		l.lock[i].fd = f->fd;
		ret = ckpt_write_record(ctx, CKPT_REC_FILE_LOCK, &l.lock[i].h,
					sizeof(l.lock[i]), NULL, 0);
	}
	kfree(l.lock);
	return ret;
}

/* flock(fd, LOCK_SH or LOCK_EX | LOCK_NB) on @file */
static int rst_flock(struct file *file, int type)
{
	struct file_lock fl;
	int ret;

	locks_init_lock(&fl);
	fl.c.flc_file = file;
	fl.c.flc_owner = file;
	fl.c.flc_pid = current->tgid;
	fl.c.flc_flags = FL_FLOCK;
	fl.c.flc_type = type;
	fl.fl_end = OFFSET_MAX;
	ret = security_file_lock(file, type);
	if (ret)
		return ret;
	if (file->f_op->flock)
		ret = file->f_op->flock(file, F_SETLK, &fl);
	else
		ret = locks_lock_file_wait(file, &fl);
	locks_release_private(&fl);
	return ret;
}

static const char *const rst_lock_names[] = {
	[CKPT_LOCK_POSIX] = "POSIX record",
	[CKPT_LOCK_OFD] = "OFD",
	[CKPT_LOCK_FLOCK] = "flock()",
};

/* Take @rec's lock on @file, held at @rec->fd by the caller. */
static int rst_take_lock(struct ckpt_ctx *ctx, struct file *file,
			 const struct ckpt_rec_file_lock *rec)
{
	struct flock fl = {
		.l_type = rec->type,
		.l_whence = SEEK_SET,
		.l_start = rec->start,
		.l_len = rec->end == OFFSET_MAX ? 0 : rec->end - rec->start + 1,
	};
	char *buf, *path;
	int ret;

	if (rec->kind == CKPT_LOCK_FLOCK)
		ret = rst_flock(file, rec->type);
	else
		ret = fcntl_setlk(rec->fd, file, rec->kind == CKPT_LOCK_OFD ?
				  F_OFD_SETLK : F_SETLK, &fl);
	if (!ret)
		return 0;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	path = buf ? file_path(file, buf, PATH_MAX) : ERR_PTR(-ENOMEM);
	ckpt_err(ctx, ret,
		 "fd %d (%s): cannot take its %s %s lock on bytes %lld-%lld again%s: error %d",
		 rec->fd, IS_ERR(path) ? "?" : path, rst_lock_names[rec->kind],
		 rec->type == F_WRLCK ? "write" : "read", rec->start, rec->end,
		 ret == -EAGAIN ? " (another process holds it)" : "", ret);
	kfree(buf);
	return ret;
}

/**
 * rst_file_lock - take again the lock of a FILE_LOCK record
 * @ctx: the restart
 * @h: header of a CKPT_REC_FILE_LOCK record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_file_lock(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_file_lock rec = { .h = *h };
	struct file *file;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.kind < CKPT_LOCK_POSIX || rec.kind > CKPT_LOCK_FLOCK ||
	    (rec.type != F_RDLCK && rec.type != F_WRLCK) || rec.fd < 0 ||
	    rec.start < 0 || rec.end < rec.start ||
	    (rec.kind == CKPT_LOCK_FLOCK &&
	     (rec.start || rec.end != OFFSET_MAX)))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad file lock (kind %u, type %u, fd %d, bytes %lld-%lld)",
				ctx->rec_pos, rec.kind, rec.type, rec.fd,
				rec.start, rec.end);
	file = rst_file_at(ctx, rec.objref, rec.fd);
	if (!file)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: a file lock on fd %d, which is not the restored object %u",
				ctx->rec_pos, rec.fd, rec.objref);
	return rst_take_lock(ctx, file, &rec);
}
