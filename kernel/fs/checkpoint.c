// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of file descriptors.
 *
 * Regular files, directories and memory devices (/dev/null, zero,
 * random, urandom...) are saved by path, flags and offset, and reopened
 * with the restarting caller's rights.  Such a file is accepted only if
 * its path, looked up again at checkpoint time, leads to that same file:
 * a deleted file, a memfd, the file behind a shared anonymous mapping
 * or one hidden under another mount could not be reopened.  State the
 * image does not carry (file locks, leases, an F_SETOWN owner, O_ASYNC)
 * is refused too.  Pipes are in checkpoint_pipe.c.  A terminal is
 * replaced by the restarting caller's own standard stream of the same
 * number (stderr for higher numbers), the way a shell attaches a job to
 * its terminal.  Everything else is refused, naming the fd and the kind
 * of object.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
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

/*
 * The master of a pseudo-terminal (/dev/ptmx): the tree runs a terminal
 * of its own (script, tmux, an ssh server...), which is not a terminal
 * restart could stand in for.
 */
static bool ckpt_is_ptmx(dev_t rdev)
{
	return rdev == MKDEV(TTYAUX_MAJOR, 2);
}

static bool ckpt_is_tty(dev_t rdev)
{
	unsigned int major = MAJOR(rdev);

	return !ckpt_is_ptmx(rdev) &&
	       (major == TTY_MAJOR || major == TTYAUX_MAJOR ||
		(major >= UNIX98_PTY_SLAVE_MAJOR &&
		 major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT));
}

static const char *ckpt_file_kind_name(umode_t mode, dev_t rdev)
{
	if (S_ISCHR(mode) && ckpt_is_ptmx(rdev))
		return "a pseudo-terminal master (a terminal the tree runs itself)";
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

/* Classify @file; 0 when it cannot be saved. */
static u32 ckpt_file_kind(struct file *file)
{
	struct inode *inode = file_inode(file);
	umode_t mode = inode->i_mode;

	if (S_ISREG(mode))
		return CKPT_FILE_REG;
	if (S_ISDIR(mode))
		return CKPT_FILE_DIR;
	if (S_ISCHR(mode) && ckpt_is_tty(inode->i_rdev))
		return CKPT_FILE_TTY;
	if (S_ISCHR(mode) && MAJOR(inode->i_rdev) == MEM_MAJOR)
		return CKPT_FILE_CHR;
	if (ckpt_is_pipe(file))
		return CKPT_FILE_PIPE;
	return 0;
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
 * Return: true if it does.
 */
bool ckpt_path_reopens(struct file *file, const char *path)
{
	struct path found;
	bool same;

	if (path[0] != '/' || kern_path(path, 0, &found))
		return false;
	same = path_equal(&found, &file->f_path);
	path_put(&found);
	return same;
}

/* Why @file, which ckpt_path_reopens() refused, cannot be reopened. */
const char *ckpt_unreachable_why(struct file *file)
{
	const char *name = file->f_path.dentry->d_name.name;

	if (shmem_file(file) && !strncmp(name, "memfd:", 6))
		return "a memfd is not supported yet";
	if (shmem_file(file) && !d_unlinked(file->f_path.dentry) &&
	    IS_ROOT(file->f_path.dentry))
		return "shared memory without a name (of a shared anonymous mapping or a System V segment) is not supported yet as a file";
	if (d_unlinked(file->f_path.dentry))
		return "deleted files are not supported yet";
	return "its path does not lead to it any more (moved, or hidden by a mount): restart could not open it";
}

/*
 * A lock of @file's inode that the image would lose: a POSIX record
 * lock of @files (the task's table owns those), an OFD or flock() lock
 * or a lease of @file itself.
 */
static const char *ckpt_file_locked(struct file *file, struct files_struct *files)
{
	struct file_lock_context *flctx = locks_inode_context(file_inode(file));
	struct file_lock_core *flc;
	const char *what = NULL;

	if (!flctx)
		return NULL;
	spin_lock(&flctx->flc_lock);
	list_for_each_entry(flc, &flctx->flc_posix, flc_list) {
		if (flc->flc_owner == files || flc->flc_file == file) {
			what = (flc->flc_flags & FL_OFDLCK) ?
			       "an open file description (OFD) lock" :
			       "a POSIX record lock (fcntl F_SETLK)";
			break;
		}
	}
	list_for_each_entry(flc, &flctx->flc_flock, flc_list) {
		if (!what && flc->flc_file == file)
			what = "a flock() lock";
	}
	list_for_each_entry(flc, &flctx->flc_lease, flc_list) {
		if (!what && flc->flc_file == file)
			what = "a lease (F_SETLEASE)";
	}
	spin_unlock(&flctx->flc_lock);
	return what;
}

/* State of @file that the image does not carry, or NULL. */
static const char *ckpt_file_state_unsupported(struct file *file,
					       struct files_struct *files)
{
	struct fown_struct *owner = file_f_owner(file);

	if (file->f_flags & FASYNC)
		return "signal-driven I/O (O_ASYNC)";
	if (owner && (owner->pid || owner->signum))
		return "an owner for I/O signals (F_SETOWN, F_SETSIG)";
	return ckpt_file_locked(file, files);
}

static int ckpt_write_file(struct ckpt_ctx *ctx, struct task_struct *t,
			   unsigned int fd, struct file *file, bool cloexec,
			   char *buf)
{
	pid_t pid = task_pid_vnr(t);
	struct ckpt_rec_file rec = {};
	struct inode *inode = file_inode(file);
	bool new_end = false, new_pipe = false;
	const char *what;
	char *path;
	int ret;

	path = file_path(file, buf, PATH_MAX);
	if (IS_ERR(path))
		return ckpt_err(ctx, PTR_ERR(path),
				"pid %d fd %u: path too long", pid, fd);
	rec.kind = ckpt_file_kind(file);
	if (!rec.kind)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u (%s): %s is not supported yet",
				pid, fd, path,
				ckpt_file_kind_name(inode->i_mode, inode->i_rdev));
	if (rec.kind != CKPT_FILE_TTY && rec.kind != CKPT_FILE_PIPE &&
	    !ckpt_path_reopens(file, path))
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d fd %u (%s): %s",
				pid, fd, path, ckpt_unreachable_why(file));
	task_lock(t);
	what = t->files ? ckpt_file_state_unsupported(file, t->files) : NULL;
	task_unlock(t);
	if (what)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u (%s): %s is not supported yet",
				pid, fd, path, what);

	/* a terminal is replaced on restart: it is not an object of the image */
	if (rec.kind != CKPT_FILE_TTY) {
		ret = ckpt_obj_ref(ctx, file, pid, fd, &rec.objref);
		if (ret < 0)
			return ret;
		new_end = ret;
	}
	if (rec.kind == CKPT_FILE_PIPE) {
		ret = ckpt_check_pipe(ctx, file, pid, fd);
		if (!ret)
			ret = ckpt_pipe_ref(ctx, file, new_end, &rec.pipe);
		if (ret < 0)
			return ret;
		new_pipe = ret;
	}
	rec.fd = fd;
	rec.f_flags = file->f_flags;
	rec.fd_flags = cloexec ? CKPT_FD_CLOEXEC : 0;
	rec.pos = file->f_pos;
	if (S_ISCHR(inode->i_mode))
		rec.rdev = ckpt_encode_dev(inode->i_rdev);
	rec.path_len = strlen(path);
	ret = ckpt_write_record(ctx, CKPT_REC_FILE, &rec.h, sizeof(rec),
				path, rec.path_len);
	if (!ret && new_pipe)
		ret = ckpt_write_pipe_data(ctx, file, rec.pipe);
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
		ret = ckpt_write_file(ctx, t, fd, file,
				      ckpt_fd_cloexec(t, fd), buf);
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
	rst_share_end(ctx);
}

static struct file *rst_open_file(struct ckpt_ctx *ctx,
				  struct ckpt_rec_file *rec, const char *path)
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

/*
 * The file of @rec: one restored before with the same objref (an open
 * file that several descriptors or tasks share), or a newly opened one,
 * which is then noted under that objref.  A coordinator's tasks share its notes.
 */
static struct file *rst_shared_file(struct ckpt_ctx *ctx,
				    struct ckpt_rec_file *rec, const char *path)
{
	struct xarray *files = &(ctx->coord ?: ctx)->files;
	struct file *file;
	int ret;

	if (rec->objref) {
		file = xa_load(files, rec->objref);
		if (file && xa_get_mark(files, rec->objref, RST_MARK_SHMEM)) {
			ckpt_err(ctx, -EINVAL,
				 "fd %d: object %u is shared memory, not an open file",
				 rec->fd, rec->objref);
			return ERR_PTR(-EINVAL);
		}
		if (file)
			return get_file(file);
	}
	if (rec->kind == CKPT_FILE_PIPE)
		file = rst_pipe_end(ctx, rec);
	else
		file = rst_open_file(ctx, rec, path);
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
	struct file *file;
	char *path = NULL;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = ckpt_read_string(ctx, rec.path_len, &path);
	if (ret)
		return ret;
	if (rec.fd < 0 || rec.fd >= rlimit(RLIMIT_NOFILE)) {
		ret = ckpt_err(ctx, -EINVAL, "fd %d is out of range", rec.fd);
		goto out;
	}
	if (!path && (rec.kind == CKPT_FILE_REG || rec.kind == CKPT_FILE_DIR ||
		      rec.kind == CKPT_FILE_CHR)) {
		ret = ckpt_err(ctx, -EINVAL, "offset %lld: fd %d has no path",
			       ctx->rec_pos, rec.fd);
		goto out;
	}

	switch (rec.kind) {
	case CKPT_FILE_REG:
	case CKPT_FILE_DIR:
	case CKPT_FILE_CHR:
	case CKPT_FILE_PIPE:
		file = rst_shared_file(ctx, &rec, path);
		break;
	case CKPT_FILE_TTY:
		file = ctx->stdio[min_t(int, rec.fd, 2)];
		file = file ? get_file(file) :
			      ERR_PTR(ckpt_err(ctx, -EBADF,
					       "fd %d was a terminal, and the restarting process has no fd %d to stand for it",
					       rec.fd, min_t(int, rec.fd, 2)));
		break;
	default:
		file = ERR_PTR(ckpt_err(ctx, -EINVAL,
					"fd %d: unknown file kind %u",
					rec.fd, rec.kind));
		break;
	}
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out;
	}
	ret = replace_fd(rec.fd, file,
			 (rec.fd_flags & CKPT_FD_CLOEXEC) ? O_CLOEXEC : 0);
	fput(file);
	if (ret < 0)
		ret = ckpt_err(ctx, ret, "fd %d: cannot install it", rec.fd);
	else
		ret = 0;
out:
	kfree(path);
	return ret;
}
