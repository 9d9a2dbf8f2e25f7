// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of file descriptors.
 *
 * Regular files, directories and memory devices (/dev/null, zero,
 * random, urandom...) are saved by path, flags and offset, and reopened
 * with the restarting caller's rights.  Such a file is accepted only if
 * its path, looked up again at checkpoint time, leads to that same file:
 * a deleted file, the file behind a shared anonymous mapping or one
 * hidden under another mount could not be reopened.  A memfd or a
 * deleted file is saved with its contents instead (mm/checkpoint_memfd.c,
 * checkpoint_deleted.c).  Locks,
 * O_ASYNC and the owner for I/O signals are saved (checkpoint_locks.c,
 * checkpoint_fown.c); leases are refused.  A terminal outside the tree
 * is replaced by the restarting caller's own standard stream of the same
 * number (stderr for higher numbers), the way a shell attaches a job to
 * its terminal.
 *
 * Each kind of file is a struct ckpt_file_ops in ckpt_file_kinds[]:
 * pipes are in checkpoint_pipe.c, pseudo-terminals the tree holds in
 * drivers/tty/checkpoint_pty.c.  Everything else is refused, naming the
 * fd and the kind of object.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/filelock.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>

/* The image's device number: major << 20 | minor. */
static u32 ckpt_encode_dev(dev_t rdev)
{
	return MAJOR(rdev) << 20 | MINOR(rdev);
}

static const char *ckpt_file_kind_name(umode_t mode)
{
	if (S_ISFIFO(mode))
		return "a named FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISCHR(mode))
		return "this character device";
	return "this kind of file";
}

/**
 * ckpt_path_reopens - can restart open @file again by @path?
 * @file: an open file or a mapped one
 * @path: its path, as file_path() gave it
 *
 * Only if @path, looked up now from the checkpointer's root, leads to
 * the same mount and dentry.  That rules out deleted files, files of
 * internal kernel mounts (memfds, the memory behind a shared anonymous
 * mapping, System V segments), and files hidden by a later mount.
 *
 * Return: 1 if it does, 0 if it does not, -ENOMEM if the lookup could
 * not tell (a failure of the checkpoint, not a property of the file).
 */
int ckpt_path_reopens(struct file *file, const char *path)
{
	struct path found;
	int ret;

	if (path[0] != '/')
		return 0;
	ret = kern_path(path, 0, &found);
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return 0;
	ret = path_equal(&found, &file->f_path);
	path_put(&found);
	return ret;
}

/**
 * ckpt_check_reopens - refuse @f unless restart can open it by its path
 * @ctx: the checkpoint
 * @f: an open file of the tree, with its path
 *
 * Return: 0, or a negative errno with a log message.
 */
int ckpt_check_reopens(struct ckpt_ctx *ctx, const struct ckpt_fd *f)
{
	int ret = ckpt_path_reopens(f->file, f->path);

	if (ret < 0)
		return ckpt_err(ctx, ret, "pid %d fd %u (%s): cannot look its path up: error %d",
				f->pid, f->fd, f->path, ret);
	if (!ret)
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d fd %u (%s): %s",
				f->pid, f->fd, f->path,
				ckpt_unreachable_why(f->file));
	return 0;
}

/* Why @file, which ckpt_path_reopens() refused, cannot be reopened. */
const char *ckpt_unreachable_why(struct file *file)
{
	struct dentry *dentry = file->f_path.dentry;
	struct inode *inode = file_inode(file);

	if (!strncmp(dentry->d_name.name, "memfd:", 6))
		return shmem_file(file) ?
		       "a memfd has no path (fexecve() of a memfd is not supported yet)" :
		       "a memfd of huge pages (MFD_HUGETLB) is not supported yet";
	if (shmem_file(file) && !d_unlinked(dentry) && IS_ROOT(dentry))
		return "shared memory without a name (of a shared anonymous mapping or a System V segment) is not supported yet as a file";
	if (!d_unlinked(dentry))
		return "its path does not lead to it any more (moved, or hidden by a mount): restart could not open it";
	if (!S_ISREG(inode->i_mode))
		return "deleted (a directory, FIFO or socket) is not supported yet";
	if (inode->i_nlink)
		return "deleted, but linked under another name: restart could not link it again";
	return "a deleted file has no path (a deleted executable is not supported yet)";
}

/*
 * A lock of @file's inode that the image would lose: a lease of @file;
 * unless @locks_saved, a POSIX record lock of @files (the task's table
 * owns those) or an OFD or flock() lock of @file.
 */
static const char *ckpt_file_locked(struct file *file, struct files_struct *files,
				    bool locks_saved)
{
	struct file_lock_context *flctx = locks_inode_context(file_inode(file));
	struct file_lock_core *flc;
	const char *what = NULL;

	if (!flctx)
		return NULL;
	spin_lock(&flctx->flc_lock);
	list_for_each_entry(flc, &flctx->flc_posix, flc_list) {
		if (locks_saved)
			break;
		if (flc->flc_owner == files || flc->flc_file == file) {
			what = (flc->flc_flags & FL_OFDLCK) ?
			       "an open file description (OFD) lock" :
			       "a POSIX record lock (fcntl F_SETLK)";
			break;
		}
	}
	list_for_each_entry(flc, &flctx->flc_flock, flc_list) {
		if (!what && !locks_saved && flc->flc_file == file)
			what = "a flock() lock";
	}
	list_for_each_entry(flc, &flctx->flc_lease, flc_list) {
		if (!what && flc->flc_file == file)
			what = "a lease (F_SETLEASE)";
	}
	spin_unlock(&flctx->flc_lock);
	return what;
}

/*
 * State of @file that the image does not carry, or NULL.  Its locks,
 * O_ASYNC and owner for I/O signals are saved (FILE_LOCK, FILE_OWNER
 * records) when @numbered: restart has the same file.
 */
static const char *ckpt_file_state_unsupported(struct file *file,
					       struct files_struct *files,
					       bool numbered)
{
	struct fown_struct *owner = file_f_owner(file);
	/* first: a lease sets O_ASYNC and an owner too */
	const char *what = ckpt_file_locked(file, files, numbered);

	if (what || numbered)
		return what;
	if (file->f_flags & FASYNC)
		return "signal-driven I/O (O_ASYNC)";
	if (owner && (owner->pid || owner->signum))
		return "an owner for I/O signals (F_SETOWN, F_SETSIG)";
	return NULL;
}

/* A regular file, directory or memory device: by path. */
static int ckpt_path_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				struct ckpt_rec_file *rec)
{
	return ckpt_check_reopens(ctx, f);
}

static struct file *rst_path_restart(struct ckpt_ctx *ctx,
				     const struct ckpt_rec_file *rec,
				     const char *path)
{
	int flags = rec->f_flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY);
	struct file *file;
	loff_t pos;

	if (rec->kind == CKPT_FILE_DIR)
		flags |= O_DIRECTORY;
	file = filp_open(path, flags, 0);
	if (IS_ERR(file)) {
		ckpt_err(ctx, PTR_ERR(file), "fd %d: cannot open %s: error %ld",
			 rec->fd, path, PTR_ERR(file));
		return file;
	}
	if (rec->kind == CKPT_FILE_CHR &&
	    (!S_ISCHR(file_inode(file)->i_mode) ||
	     ckpt_encode_dev(file_inode(file)->i_rdev) != rec->rdev)) {
		fput(file);
		ckpt_err(ctx, -EINVAL, "fd %d: %s is not the saved device",
			 rec->fd, path);
		return ERR_PTR(-EINVAL);
	}
	if (rec->pos && !(file->f_mode & FMODE_STREAM)) {
		pos = vfs_llseek(file, rec->pos, SEEK_SET);
		if (pos != rec->pos) {
			fput(file);
			ckpt_err(ctx, -EINVAL,
				 "fd %d: cannot seek %s to offset %lld",
				 rec->fd, path, rec->pos);
			return ERR_PTR(-EINVAL);
		}
	}
	return file;
}

static bool ckpt_is_reg(struct ckpt_ctx *ctx, struct file *file)
{
	return S_ISREG(file_inode(file)->i_mode);
}

static bool ckpt_is_dir(struct ckpt_ctx *ctx, struct file *file)
{
	return S_ISDIR(file_inode(file)->i_mode);
}

/* A memory device: /dev/null, zero, full, random, urandom... */
static bool ckpt_is_mem_chr(struct ckpt_ctx *ctx, struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISCHR(inode->i_mode) && MAJOR(inode->i_rdev) == MEM_MAJOR;
}

static const struct ckpt_file_ops ckpt_reg_file_ops = {
	.kind = CKPT_FILE_REG,
	.by_path = true,
	.numbered = true,
	.is = ckpt_is_reg,
	.checkpoint = ckpt_path_checkpoint,
	.restart = rst_path_restart,
};

static const struct ckpt_file_ops ckpt_dir_file_ops = {
	.kind = CKPT_FILE_DIR,
	.by_path = true,
	.numbered = true,
	.is = ckpt_is_dir,
	.checkpoint = ckpt_path_checkpoint,
	.restart = rst_path_restart,
};

static const struct ckpt_file_ops ckpt_chr_file_ops = {
	.kind = CKPT_FILE_CHR,
	.by_path = true,
	.numbered = true,
	.is = ckpt_is_mem_chr,
	.checkpoint = ckpt_path_checkpoint,
	.restart = rst_path_restart,
};

/*
 * A terminal outside the tree (the user's): a pty whose master the tree
 * does not hold (pseudo-terminals the tree holds are CKPT_FILE_PTY), a
 * virtual console, a serial line, /dev/tty.  Not an object of the image.
 */
static bool ckpt_is_outside_tty(struct ckpt_ctx *ctx, struct file *file)
{
	struct inode *inode = file_inode(file);
	unsigned int major = MAJOR(inode->i_rdev);

	if (!S_ISCHR(inode->i_mode) || inode->i_rdev == MKDEV(TTYAUX_MAJOR, 2))
		return false;
	return major == TTY_MAJOR || major == TTYAUX_MAJOR ||
	       (major >= UNIX98_PTY_SLAVE_MAJOR &&
		major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT);
}

/* The restarting caller's standard stream of the same number stands in. */
static struct file *rst_tty_restart(struct ckpt_ctx *ctx,
				    const struct ckpt_rec_file *rec,
				    const char *path)
{
	struct file *file = ctx->stdio[min_t(int, rec->fd, 2)];

	if (file)
		return get_file(file);
	return ERR_PTR(ckpt_err(ctx, -EBADF,
				"fd %d was a terminal, and the restarting process has no fd %d to stand for it",
				rec->fd, min_t(int, rec->fd, 2)));
}

static const struct ckpt_file_ops ckpt_tty_file_ops = {
	.kind = CKPT_FILE_TTY,
	.is = ckpt_is_outside_tty,
	.restart = rst_tty_restart,
};

/*
 * The kinds of open files the image holds, in the order checkpoint tries
 * them: the first whose ->is() accepts a file saves it.  Adding a kind
 * adds its ops here (beside its subsystem), its CKPT_FILE_* number and
 * its records to the UAPI header, and nothing else.
 */
static const struct ckpt_file_ops *const ckpt_file_kinds[] = {
	/* before regular files: these are regular files too */
#ifdef CONFIG_MEMFD_CREATE
	&ckpt_memfd_file_ops,
#endif
	&ckpt_deleted_file_ops,
	&ckpt_reg_file_ops,
	&ckpt_dir_file_ops,
	&ckpt_chr_file_ops,
	&ckpt_pipe_file_ops,
	&ckpt_fifo_file_ops,
#ifdef CONFIG_UNIX98_PTYS
	&ckpt_pty_file_ops,
#endif
#ifdef CONFIG_EVENTFD
	&ckpt_eventfd_file_ops,
#endif
#ifdef CONFIG_SIGNALFD
	&ckpt_signalfd_file_ops,
#endif
#ifdef CONFIG_TIMERFD
	&ckpt_timerfd_file_ops,
#endif
#ifdef CONFIG_EPOLL
	&ckpt_epoll_file_ops,
#endif
#ifdef CONFIG_INOTIFY_USER
	&ckpt_inotify_file_ops,
#endif
#if IS_BUILTIN(CONFIG_UNIX)
	&ckpt_unix_file_ops,
#endif
#ifdef CONFIG_INET
	&ckpt_inet_file_ops,
#endif
#ifdef CONFIG_NET
	&ckpt_netlink_file_ops,
#endif
	&ckpt_tty_file_ops,
};

static const struct ckpt_file_ops *ckpt_file_ops_of(struct ckpt_ctx *ctx,
						    struct file *file)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_file_kinds); i++)
		if (ckpt_file_kinds[i]->is(ctx, file))
			return ckpt_file_kinds[i];
	return NULL;
}

/**
 * ckpt_file_numbered - do the FILE records of @file share it by objref?
 * @ctx: the checkpoint
 * @file: an open file of the tree
 *
 * Return: true for every kind but the ones restart replaces (terminals).
 */
bool ckpt_file_numbered(struct ckpt_ctx *ctx, struct file *file)
{
	const struct ckpt_file_ops *ops = ckpt_file_ops_of(ctx, file);

	return ops && ops->numbered;
}

static const struct ckpt_file_ops *rst_file_ops_of(u32 kind)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_file_kinds); i++)
		if (ckpt_file_kinds[i]->kind == kind)
			return ckpt_file_kinds[i];
	return NULL;
}

static int ckpt_write_file(struct ckpt_ctx *ctx, struct ckpt_fd *f,
			   bool cloexec, char *buf)
{
	struct inode *inode = file_inode(f->file);
	const struct ckpt_file_ops *ops;
	struct ckpt_rec_file rec = {};
	const char *what;
	int ret;

	f->path = file_path(f->file, buf, PATH_MAX);
	if (IS_ERR(f->path))
		return ckpt_err(ctx, PTR_ERR(f->path),
				"pid %d fd %u: path too long", f->pid, f->fd);
	ops = ckpt_file_ops_of(ctx, f->file);
	if (!ops)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u (%s): %s is not supported yet",
				f->pid, f->fd, f->path,
				ckpt_file_kind_name(inode->i_mode));
	task_lock(f->task);
	what = f->task->files ?
	       ckpt_file_state_unsupported(f->file, f->task->files,
					   ops->numbered) : NULL;
	task_unlock(f->task);
	if (what)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u (%s): %s is not supported yet",
				f->pid, f->fd, f->path, what);

	if (ops->numbered) {
		ret = ckpt_obj_ref(ctx, f->file, f->pid, f->fd, &rec.objref);
		if (ret < 0)
			return ret;
		f->new_file = ret;
	}
	rec.kind = ops->kind;
	if (ops->checkpoint) {
		ret = ops->checkpoint(ctx, f, &rec);
		if (ret)
			return ret;
	}
	rec.fd = f->fd;
	rec.f_flags = f->file->f_flags;
	rec.fd_flags = cloexec ? CKPT_FD_CLOEXEC : 0;
	rec.pos = f->file->f_pos;
	if (S_ISCHR(inode->i_mode))
		rec.rdev = ckpt_encode_dev(inode->i_rdev);
	rec.path_len = strlen(f->path);
	ret = ckpt_write_record(ctx, CKPT_REC_FILE, &rec.h, sizeof(rec),
				f->path, rec.path_len);
	if (!ret && f->data)
		ret = ops->write_data(ctx, f, &rec);
	if (!ret && ops->numbered)
		ret = ckpt_write_file_locks(ctx, f, rec.objref);
	if (!ret && ops->numbered && f->new_file)
		ret = ckpt_write_file_owner(ctx, f, rec.objref);
	return ret;
}

static bool ckpt_fd_cloexec(struct task_struct *t, unsigned int fd)
{
	bool cloexec = false;

	task_lock(t);
	if (t->files) {
		rcu_read_lock();
		cloexec = close_on_exec(fd, t->files);
		rcu_read_unlock();
	}
	task_unlock(t);
	return cloexec;
}

/**
 * ckpt_write_files - write the open files of @t
 * @ctx: the checkpoint
 * @t: a frozen task
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_files(struct ckpt_ctx *ctx, struct task_struct *t)
{
	unsigned int fd = 0;
	struct file *file;
	int ret = 0;
	char *buf;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (;; fd++) {
		rcu_read_lock();
		file = task_lookup_next_fdget_rcu(t, &fd);
		rcu_read_unlock();
		if (!file)
			break;
		struct ckpt_fd f = {
			.task = t, .pid = task_pid_vnr(t), .fd = fd, .file = file,
		};

		ret = ckpt_write_file(ctx, &f, ckpt_fd_cloexec(t, fd), buf);
		fput(file);
		if (ret)
			break;
	}
	kfree(buf);
	return ret;
}

/*
 * The path of @dir seen from the caller's root, in @buf; an ERR_PTR and a
 * log message naming @what if it has none.
 */
static char *ckpt_fs_path(struct ckpt_ctx *ctx, struct task_struct *t,
			  const struct path *dir, char *buf, const char *what)
{
	char *path = d_path(dir, buf, PATH_MAX);

	if (IS_ERR(path) || d_unlinked(dir->dentry)) {
		ckpt_err(ctx, -EOPNOTSUPP,
			 "pid %d: its %s directory was deleted or is out of reach",
			 task_pid_vnr(t), what);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return path;
}

/**
 * ckpt_write_fs - write the working and root directories of @t
 * @ctx: the checkpoint
 * @t: a frozen task
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_fs(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_rec_fs rec = {};
	struct path root, pwd;
	char *buf, *cwd, *rootpath = NULL;
	int ret = 0;

	task_lock(t);
	if (!t->fs) {
		task_unlock(t);
		return -ESRCH;
	}
	get_fs_root(t->fs, &root);
	get_fs_pwd(t->fs, &pwd);
	task_unlock(t);

	buf = kmalloc(2 * PATH_MAX, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	cwd = ckpt_fs_path(ctx, t, &pwd, buf, "working");
	if (!IS_ERR(cwd) && !path_equal(&root, &current->fs->root))
		rootpath = ckpt_fs_path(ctx, t, &root, buf + PATH_MAX, "root");
	if (IS_ERR(cwd) || IS_ERR(rootpath)) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	rec.cwd_len = strlen(cwd);
	rec.root_len = rootpath ? strlen(rootpath) : 0;
	/* d_path() builds from the end: the root path follows cwd's NUL */
	if (rootpath)
		memmove(cwd + rec.cwd_len, rootpath, rec.root_len);
	ret = ckpt_write_record(ctx, CKPT_REC_FS, &rec.h, sizeof(rec), cwd,
				rec.cwd_len + rec.root_len);
out:
	kfree(buf);
	path_put(&root);
	path_put(&pwd);
	return ret;
}

/* Look up directory @name for rst_fs(); @what names it in messages. */
static int rst_fs_lookup(struct ckpt_ctx *ctx, const char *name,
			 const char *what, struct path *dir)
{
	int ret;

	ret = kern_path(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, dir);
	if (!ret) {
		ret = path_permission(dir, MAY_EXEC | MAY_CHDIR);
		if (ret)
			path_put(dir);
	}
	if (ret)
		ckpt_err(ctx, ret, "cannot enter the %s directory %s: error %d",
			 what, name, ret);
	return ret;
}

/**
 * rst_fs - restore the caller's working directory, and note its root
 * @ctx: the restart
 * @h: header of a CKPT_REC_FS record
 *
 * The root directory changes only in rst_fs_commit(): the paths of the
 * files that follow are seen from the caller's own root, like this
 * record's.  Changing it takes CAP_SYS_CHROOT, as chroot() does.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_fs(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_fs rec = { .h = *h };
	char *cwd = NULL, *root = NULL;
	struct path pwd;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = ckpt_read_string(ctx, rec.cwd_len, &cwd);
	if (!ret)
		ret = ckpt_read_string(ctx, rec.root_len, &root);
	if (ret)
		goto out;
	if (!cwd) {
		ret = ckpt_err(ctx, -EINVAL, "offset %lld: no working directory",
			       ctx->rec_pos);
		goto out;
	}
	if (root && !ns_capable(current_user_ns(), CAP_SYS_CHROOT)) {
		ret = ckpt_err(ctx, -EPERM,
			       "the root directory %s needs CAP_SYS_CHROOT",
			       root);
		goto out;
	}
	if (root) {
		ret = rst_fs_lookup(ctx, root, "root", &ctx->fs_root);
		if (ret)
			goto out;
		ctx->fs_root_set = true;
	}
	ret = rst_fs_lookup(ctx, cwd, "working", &pwd);
	if (!ret) {
		set_fs_pwd(current->fs, &pwd);
		path_put(&pwd);
	}
out:
	kfree(cwd);
	kfree(root);
	return ret;
}

/**
 * rst_fs_commit - change the caller's root directory, once restored
 * @ctx: the restart
 * @ok: the restart succeeded
 */
void rst_fs_commit(struct ckpt_ctx *ctx, bool ok)
{
	if (!ctx->fs_root_set)
		return;
	if (ok)
		set_fs_root(current->fs, &ctx->fs_root);
	path_put(&ctx->fs_root);
	ctx->fs_root_set = false;
}

/**
 * rst_files_begin - start restoring the caller's file descriptors
 * @ctx: the restart
 *
 * Keeps the caller's standard streams for the terminals of the image,
 * then closes every descriptor: the image's replace them.
 */
void rst_files_begin(struct ckpt_ctx *ctx)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ctx->stdio); i++)
		ctx->stdio[i] = fget(i);
	__close_range(0, ~0U, 0);
}

/* Release what rst_files_begin() kept. */
void rst_files_end(struct ckpt_ctx *ctx)
{
	struct file *file;
	unsigned long ref;
	int i;

	for (i = 0; i < ARRAY_SIZE(ctx->stdio); i++) {
		if (ctx->stdio[i])
			fput(ctx->stdio[i]);
		ctx->stdio[i] = NULL;
	}
	xa_for_each(&ctx->files, ref, file)
		fput(file);
	xa_destroy(&ctx->files);
	rst_pipes_end(ctx);
	rst_ptys_end(ctx);
	rst_epolls_end(ctx);
	rst_inotify_end(ctx);
	rst_tcp_end(ctx);
	rst_unix_end(ctx);
	rst_share_end(ctx);
	rst_memfds_end(ctx);
}

/**
 * rst_new_file - note an open file that an object record made
 * @ctx: the restart
 * @objref: its number, which the FILE records that share it carry
 * @file: the file; the reference goes to the restart
 *
 * For the kinds whose state comes in a record of their own right
 * before their first FILE record (eventfd, signalfd...).
 *
 * Return: 0, or -EINVAL with a log message if @objref is 0 or taken.
 */
int rst_new_file(struct ckpt_ctx *ctx, u32 objref, struct file *file)
{
	struct xarray *files = &(ctx->coord ?: ctx)->files;
	int ret = objref ? xa_insert(files, objref, file, GFP_KERNEL) : -EINVAL;

	if (ret) {
		fput(file);
		if (ret != -ENOMEM)
			ret = ckpt_err(ctx, -EINVAL,
				       "offset %lld: object %u is 0 or was defined before",
				       ctx->rec_pos, objref);
	}
	return ret;
}

/* An entry of the restart's files that is an object, not an open file. */
static bool rst_is_object(struct xarray *files, u32 objref)
{
	return xa_get_mark(files, objref, RST_MARK_SHMEM) ||
	       xa_get_mark(files, objref, RST_MARK_OBJFILE);
}

/**
 * rst_file_at - a restored open file, as the caller holds it
 * @ctx: the restart
 * @objref: the open file's number in the image
 * @fd: the caller's descriptor that must refer to it
 *
 * For the records that follow a FILE record and name its file and
 * descriptor (FILE_LOCK, FILE_OWNER).
 *
 * Return: the file (the restart holds it), or NULL if @objref names no
 * restored open file or @fd does not refer to it.
 */
struct file *rst_file_at(struct ckpt_ctx *ctx, u32 objref, int fd)
{
	struct xarray *files = &(ctx->coord ?: ctx)->files;
	struct file *file, *held;

	file = objref ? xa_load(files, objref) : NULL;
	held = fd >= 0 ? fget(fd) : NULL;
	if (held)
		fput(held);
	if (!file || file != held || rst_is_object(files, objref))
		return NULL;
	return file;
}

/**
 * rst_file_missing - ->restart() of the kinds that rst_new_file() makes
 * @ctx: the restart
 * @rec: a FILE record whose objref no object record made
 * @path: unused
 *
 * Return: ERR_PTR(-EINVAL), with a log message.
 */
struct file *rst_file_missing(struct ckpt_ctx *ctx,
			      const struct ckpt_rec_file *rec, const char *path)
{
	return ERR_PTR(ckpt_err(ctx, -EINVAL,
				"fd %d: no record before it made its file (kind %u, object %u)",
				rec->fd, rec->kind, rec->objref));
}

/*
 * The file of @rec: one restored before with the same objref (an open
 * file that several descriptors or tasks share), or a newly opened one,
 * which is then noted under that objref.  A coordinator's tasks share its notes.
 */
static struct file *rst_shared_file(struct ckpt_ctx *ctx,
				    const struct ckpt_file_ops *ops,
				    const struct ckpt_rec_file *rec,
				    const char *path)
{
	struct xarray *files = &(ctx->coord ?: ctx)->files;
	struct file *file;
	int ret;

	if (rec->objref) {
		file = xa_load(files, rec->objref);
		if (file && rst_is_object(files, rec->objref)) {
			ckpt_err(ctx, -EINVAL,
				 "fd %d: object %u is shared memory, a memfd or a deleted file, not an open file",
				 rec->fd, rec->objref);
			return ERR_PTR(-EINVAL);
		}
		if (file)
			return get_file(file);
	}
	file = ops->restart(ctx, rec, path);
	if (IS_ERR(file) || !rec->objref)
		return file;
	ret = xa_insert(files, rec->objref, get_file(file), GFP_KERNEL);
	if (ret) {
		fput(file);
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

/*
 * A MEMFD or DELETED_FILE record comes right before its first user: a
 * mapping of it, or a FILE record naming it.
 */
static bool rst_file_takes_object(struct ckpt_ctx *ctx,
				  const struct ckpt_rec_file *rec)
{
	if (!ctx->shmem)
		return true;
	if (rec->memfd != ctx->shmem_ref)
		return false;
	return (ctx->shmem_kind == CKPT_VMA_MEMFD &&
		rec->kind == CKPT_FILE_MEMFD) ||
	       (ctx->shmem_kind == CKPT_VMA_DELETED &&
		rec->kind == CKPT_FILE_DELETED);
}

/**
 * rst_objfile - a memfd or deleted file that restart made
 * @ctx: the restart
 * @objref: its number
 * @vma_kind: CKPT_VMA_MEMFD or CKPT_VMA_DELETED: the kind it must be
 *
 * Return: its file, which the restart holds, or NULL if @objref names
 * no such object of that kind.
 */
struct file *rst_objfile(struct ckpt_ctx *ctx, u32 objref, u32 vma_kind)
{
	struct xarray *objs = &(ctx->coord ?: ctx)->files;
	struct file *file;

	if (!objref || !xa_get_mark(objs, objref, RST_MARK_OBJFILE))
		return NULL;
	file = xa_load(objs, objref);
	if (vma_kind == CKPT_VMA_MEMFD)
		return ckpt_is_memfd(file) ? file : NULL;
	return ckpt_is_memfd(file) ? NULL : file;
}

/**
 * rst_objfile_add - note a memfd or deleted file that a record made
 * @ctx: the restart
 * @objref: its number
 * @file: its file; the restart holds the reference (dropped on error)
 *
 * Return: 0, or a negative errno with a log message (-EINVAL: @objref
 * is taken).
 */
int rst_objfile_add(struct ckpt_ctx *ctx, u32 objref, struct file *file)
{
	struct xarray *objs = &(ctx->coord ?: ctx)->files;
	int ret = xa_insert(objs, objref, file, GFP_KERNEL);

	if (ret) {
		fput(file);
		if (ret == -EBUSY)
			ret = ckpt_err(ctx, -EINVAL,
				       "offset %lld: object %u was defined before",
				       ctx->rec_pos, objref);
		return ret;
	}
	xa_set_mark(objs, objref, RST_MARK_OBJFILE);
	return 0;
}

/**
 * rst_objfile_next - the record just read names a memfd or deleted file
 * @ctx: the restart
 * @file: the object that record made, or NULL when it names one made
 *	  before, or an ERR_PTR
 * @objref: the object's number
 * @vma_kind: CKPT_VMA_MEMFD or CKPT_VMA_DELETED: its kind
 *
 * Keeps it for the FILE or mapping record that must come next; PAGES
 * records fill it first when @file is new.
 *
 * Return: 0 or a negative errno with a log message.
 */
int rst_objfile_next(struct ckpt_ctx *ctx, struct file *file, u32 objref,
		     u32 vma_kind)
{
	bool made = file;

	if (IS_ERR(file))
		return PTR_ERR(file);
	if (!file)
		file = rst_objfile(ctx, objref, vma_kind);
	if (!file)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: %s %u was not written before",
				ctx->rec_pos, vma_kind == CKPT_VMA_MEMFD ?
				"memfd" : "deleted file", objref);
	ctx->shmem = get_file(file);
	ctx->shmem_pages = made;
	ctx->shmem_kind = vma_kind;
	ctx->shmem_ref = objref;
	return 0;
}

/* The flags an open file keeps (open() clears the others). */
#define RST_OBJFILE_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | \
				 O_LARGEFILE | O_NOATIME | O_DSYNC | __O_SYNC | \
				 O_DIRECT | O_PATH | O_TMPFILE)

/**
 * rst_objfile_open - a new open file of a memfd or deleted file
 * @ctx: the restart
 * @objfile: the object, as rst_objfile() gave it
 * @rec: the FILE record: its flags and offset
 *
 * Return: the open file, or an ERR_PTR with a log message.
 */
struct file *rst_objfile_open(struct ckpt_ctx *ctx, struct file *objfile,
			      const struct ckpt_rec_file *rec)
{
	struct file *file;
	loff_t pos;

	if ((rec->f_flags & ~RST_OBJFILE_FLAGS) ||
	    (rec->f_flags & O_ACCMODE) == O_ACCMODE) {
		ckpt_err(ctx, -EINVAL, "offset %lld: fd %d: flags %#x",
			 ctx->rec_pos, rec->fd, rec->f_flags);
		return ERR_PTR(-EINVAL);
	}
	file = dentry_open(&objfile->f_path, rec->f_flags, current_cred());
	if (IS_ERR(file)) {
		ckpt_err(ctx, PTR_ERR(file), "fd %d: cannot open %pD: error %ld",
			 rec->fd, objfile, PTR_ERR(file));
		return file;
	}
	if (rec->pos && !(file->f_flags & O_PATH)) {
		pos = vfs_llseek(file, rec->pos, SEEK_SET);
		if (pos != rec->pos) {
			fput(file);
			ckpt_err(ctx, -EINVAL, "fd %d: cannot seek to offset %lld",
				 rec->fd, rec->pos);
			return ERR_PTR(-EINVAL);
		}
	}
	return file;
}

/**
 * rst_file - restore one file descriptor of the caller
 * @ctx: the restart
 * @h: header of a CKPT_REC_FILE record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_file(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_file rec = { .h = *h };
	const struct ckpt_file_ops *ops;
	struct file *file;
	char *path = NULL;
	bool async;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = ckpt_read_string(ctx, rec.path_len, &path);
	if (ret)
		return ret;
	/* O_ASYNC is turned on once the file is installed */
	async = rec.f_flags & FASYNC;
	rec.f_flags &= ~FASYNC;
	if (!rst_file_takes_object(ctx, &rec)) {
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: fd %d: a memory object's record, then a file of another object",
			       ctx->rec_pos, rec.fd);
		goto out;
	}
	rst_mm_end(ctx);
	if (rec.fd < 0 || rec.fd >= rlimit(RLIMIT_NOFILE)) {
		ret = ckpt_err(ctx, -EINVAL, "fd %d is out of range", rec.fd);
		goto out;
	}
	ops = rst_file_ops_of(rec.kind);
	if (!ops) {
		ret = ckpt_err(ctx, -EINVAL, "fd %d: unknown file kind %u",
			       rec.fd, rec.kind);
		goto out;
	}
	if ((rec.fd_flags & ~CKPT_FD_CLOEXEC) || (rec.pipe && !ops->object)) {
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: fd %d: fd flags %#x, object %u for a file of kind %u",
			       ctx->rec_pos, rec.fd, rec.fd_flags, rec.pipe,
			       rec.kind);
		goto out;
	}
	if (async && !ops->numbered) {
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: fd %d: O_ASYNC on a file restart replaces (kind %u)",
			       ctx->rec_pos, rec.fd, rec.kind);
		goto out;
	}
	if (!path && ops->by_path) {
		ret = ckpt_err(ctx, -EINVAL, "offset %lld: fd %d has no path",
			       ctx->rec_pos, rec.fd);
		goto out;
	}
	if (ops->numbered)
		file = rst_shared_file(ctx, ops, &rec, path);
	else
		file = ops->restart(ctx, &rec, path);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out;
	}
	ret = replace_fd(rec.fd, file,
			 (rec.fd_flags & CKPT_FD_CLOEXEC) ? O_CLOEXEC : 0);
	if (ret < 0)
		ret = ckpt_err(ctx, ret, "fd %d: cannot install it", rec.fd);
	else if (async && !(file->f_flags & FASYNC))
		ret = rst_file_async(ctx, rec.fd, file);
	else
		ret = 0;
	fput(file);
out:
	kfree(path);
	return ret;
}
