// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of inotify instances.
 *
 * An inotify instance is saved once, right before the FILE record that
 * first names it: an INOTIFY record (its O_NONBLOCK and the watch
 * descriptor inotify_add_watch() gives next), an INOTIFY_WATCH record for
 * each watch (its descriptor, its mask and the watched inode's path) and
 * an INOTIFY_EVENT record for each event queued and not read yet, oldest
 * first.  The queue is copied, not consumed.
 *
 * A watch is on an inode, not a path: checkpoint names it by a path to
 * that inode through a mount of the checkpointer's namespace, looked up
 * again to be sure it leads there.  A watched inode no path leads to
 * (deleted, or hidden by a later mount) is refused by name.
 *
 * Restart makes the instance under the file's objref, queues its events
 * and looks each watched path up as the records come, with the
 * restarter's rights (inotify_add_watch() asks for read permission), but
 * adds the watches only once the whole image is read, before any task
 * runs: reopening the tree's files queues no event on them.
 */
#include <linux/checkpoint.h>
#include <linux/dcache.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/fsnotify_backend.h>
#include <linux/inotify.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>

/* A watch that restart adds once the whole image is read. */
struct rst_inotify_watch {
	struct rst_inotify_watch *next;
	struct file *file;		/* the instance, referenced */
	struct path path;		/* the watched inode, referenced */
	char *name;			/* its path in the image */
	u32 objref;
	int wd;
	u32 mask;
};

/* A path to @inode, as ckpt_inotify_mount() searches for it. */
struct ckpt_inotify_path {
	struct inode *inode;
	struct dentry *dentry;		/* an alias of inode */
	struct path root;		/* of the collected mounts */
	char *buf;			/* PATH_MAX bytes */
	char *path;			/* in buf, once found */
};

static bool ckpt_is_inotify(struct ckpt_ctx *ctx, struct file *file)
{
	return is_inotify_file(file);
}

/* Does @path name the inode of @p? */
static bool ckpt_inotify_leads(struct ckpt_inotify_path *p, const char *path)
{
	struct path found;
	bool ret;

	if (kern_path(path, 0, &found))
		return false;
	ret = d_backing_inode(found.dentry) == p->inode;
	path_put(&found);
	return ret;
}

/* iterate_mounts(): 1 once a path through @mnt leads to the inode. */
static int ckpt_inotify_mount(struct vfsmount *mnt, void *arg)
{
	struct ckpt_inotify_path *p = arg;
	struct path path = { .mnt = mnt, .dentry = p->dentry };
	char *s;

	if (mnt->mnt_sb != p->inode->i_sb ||
	    !is_subdir(p->dentry, mnt->mnt_root))
		return 0;
	s = __d_path(&path, &p->root, p->buf, PATH_MAX);
	if (IS_ERR_OR_NULL(s) || !ckpt_inotify_leads(p, s))
		return 0;
	p->path = s;
	return 1;
}

/* The mounts seen from the checkpointer's root, or an ERR_PTR(). */
static struct vfsmount *ckpt_inotify_mounts(void)
{
	struct vfsmount *tree;
	struct path root;

	get_fs_root(current->fs, &root);
	tree = collect_mounts(&root);
	path_put(&root);
	return tree;
}

/* The path of @inode through the mounts of @tree, in @buf, or NULL. */
static char *ckpt_inotify_path_of(struct inode *inode, struct vfsmount *tree,
				  char *buf)
{
	struct ckpt_inotify_path p = {
		.inode = inode,
		.root = { .mnt = tree, .dentry = tree->mnt_root },
		.buf = buf,
	};

	p.dentry = d_find_alias(inode);
	if (!p.dentry)
		return NULL;
	iterate_mounts(ckpt_inotify_mount, &p, tree);
	dput(p.dentry);
	return p.path;
}

static int ckpt_inotify_write_watch(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				    u32 objref,
				    const struct inotify_ckpt_watch *w,
				    struct vfsmount *tree, char *buf)
{
	struct ckpt_rec_inotify_watch rec = {
		.objref = objref,
		.wd = w->wd,
		.mask = w->mask,
	};
	char *path = ckpt_inotify_path_of(w->inode, tree, buf);

	if (!path)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u (%s): watch %d is on an inode that no path leads to (inode %lu of device %u:%u: deleted, or hidden by a mount), which is not supported",
				f->pid, f->fd, f->path, w->wd, w->inode->i_ino,
				MAJOR(w->inode->i_sb->s_dev),
				MINOR(w->inode->i_sb->s_dev));
	rec.path_len = strlen(path);
	return ckpt_write_record(ctx, CKPT_REC_INOTIFY_WATCH, &rec.h,
				 sizeof(rec), path, rec.path_len);
}

static int ckpt_inotify_write_events(struct ckpt_ctx *ctx, struct file *file,
				     u32 objref)
{
	struct ckpt_rec_inotify_event rec = { .objref = objref };
	struct inotify_ckpt_event *e;
	int i, nr, ret = 0;

	nr = inotify_ckpt_events(file, &e);
	if (nr < 0)
		return nr;
	for (i = 0; i < nr && !ret; i++) {
		rec.wd = e[i].wd;
		rec.mask = e[i].mask;
		rec.cookie = e[i].cookie;
		rec.name_len = e[i].name_len;
		ret = ckpt_write_record(ctx, CKPT_REC_INOTIFY_EVENT, &rec.h,
					sizeof(rec), e[i].name, rec.name_len);
	}
	kvfree(e);
	return ret;
}

static int ckpt_inotify_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				   struct ckpt_rec_file *file_rec)
{
	struct ckpt_rec_inotify rec = { .objref = file_rec->objref };
	struct inotify_ckpt_watch *w = NULL;
	struct vfsmount *tree;
	int i, nr, next_wd, ret;
	char *buf;

	if (!f->new_file)
		return 0;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	nr = inotify_ckpt_watches(f->file, &w, &next_wd);
	if (nr < 0) {
		kfree(buf);
		return nr;
	}
	rec.next_wd = next_wd > 0 ? next_wd : 1;
	if (f->file->f_flags & O_NONBLOCK)
		rec.flags |= CKPT_INOTIFY_NONBLOCK;
	ret = ckpt_write_record(ctx, CKPT_REC_INOTIFY, &rec.h, sizeof(rec),
				NULL, 0);
	if (!ret && nr) {
		/* one copy of the mount tree for all the watches */
		tree = ckpt_inotify_mounts();
		if (IS_ERR(tree))
			ret = PTR_ERR(tree);
		for (i = 0; i < nr && !ret; i++)
			ret = ckpt_inotify_write_watch(ctx, f, rec.objref,
						       &w[i], tree, buf);
		if (!IS_ERR(tree))
			drop_collected_mounts(tree);
	}
	if (!ret)
		ret = ckpt_inotify_write_events(ctx, f->file, rec.objref);
	for (i = 0; i < nr; i++)
		iput(w[i].inode);
	kvfree(w);
	kfree(buf);
	return ret;
}

const struct ckpt_file_ops ckpt_inotify_file_ops = {
	.kind = CKPT_FILE_INOTIFY,
	.numbered = true,
	.is = ckpt_is_inotify,
	.checkpoint = ckpt_inotify_checkpoint,
	.restart = rst_file_missing,
};

/**
 * rst_inotify - make the inotify instance of an INOTIFY record
 * @ctx: the restart
 * @h: header of a CKPT_REC_INOTIFY record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_inotify(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	struct ckpt_rec_inotify rec = { .h = *h };
	struct file *file;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if ((rec.flags & ~CKPT_INOTIFY_NONBLOCK) || rec.next_wd <= 0 ||
	    rec.pad)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: inotify %u: flags %#x, next watch %d, pad %#x",
				ctx->rec_pos, rec.objref, rec.flags,
				rec.next_wd, rec.pad);
	file = inotify_ckpt_file((rec.flags & CKPT_INOTIFY_NONBLOCK) ?
				 O_NONBLOCK : 0, rec.next_wd);
	if (IS_ERR(file))
		return ckpt_err(ctx, PTR_ERR(file),
				"inotify %u: cannot make it: error %ld",
				rec.objref, PTR_ERR(file));
	ret = rst_new_file(ctx, rec.objref, file);
	if (!ret) {
		/* its watches and events follow */
		owner->inotify_last = rec.objref;
		xa_destroy(&owner->inotify_wds);
	}
	return ret;
}

/* The inotify instance that the last INOTIFY record made, if @objref. */
static struct file *rst_inotify_file(struct ckpt_ctx *ctx, u32 objref)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	struct file *file = xa_load(&owner->files, objref);

	if (!file || !is_inotify_file(file)) {
		ckpt_err(ctx, -EINVAL,
			 "offset %lld: object %u is not an inotify instance",
			 ctx->rec_pos, objref);
		return NULL;
	}
	if (objref != owner->inotify_last) {
		ckpt_err(ctx, -EINVAL,
			 "offset %lld: inotify %u: a watch or event away from its instance's record",
			 ctx->rec_pos, objref);
		return NULL;
	}
	return file;
}

/* Keep @w for rst_inotify_commit(), unless its number is taken or there are too many. */
static int rst_inotify_keep(struct ckpt_ctx *ctx, struct rst_inotify_watch *w)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	long max = READ_ONCE(current_user_ns()->ucount_max[UCOUNT_INOTIFY_WATCHES]);
	int ret;

	if (owner->nr_inotify_watches >= max)
		return ckpt_err(ctx, -ENOSPC,
				"inotify %u: more than %ld watches (fs.inotify.max_user_watches)",
				w->objref, max);
	ret = xa_insert(&owner->inotify_wds, w->wd, xa_mk_value(1), GFP_KERNEL);
	if (ret == -EBUSY)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: inotify %u: watch %d twice",
				ctx->rec_pos, w->objref, w->wd);
	if (ret)
		return ret;
	owner->nr_inotify_watches++;
	w->next = owner->inotify_watches;
	owner->inotify_watches = w;
	return 0;
}

/* Look @path up as inotify_add_watch() would, for a watch of @mask. */
static int rst_inotify_lookup(struct ckpt_ctx *ctx, const char *path,
			      u32 mask, struct path *found)
{
	int ret;

	ret = kern_path(path, 0, found);
	if (!ret) {
		ret = path_permission(found, MAY_READ);
		if (!ret)
			ret = security_path_notify(found, mask & IN_ALL_EVENTS,
						   FSNOTIFY_OBJ_TYPE_INODE);
		if (ret)
			path_put(found);
	}
	if (ret)
		ret = ckpt_err(ctx, ret,
			       "inotify watch on %s: cannot look it up or watch it: error %d",
			       path, ret);
	return ret;
}

/**
 * rst_inotify_watch - look the path of an INOTIFY_WATCH record up
 * @ctx: the restart
 * @h: header of a CKPT_REC_INOTIFY_WATCH record
 *
 * The watch is added by rst_inotify_commit().
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_inotify_watch(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	const u32 known = IN_ALL_EVENTS | IN_EXCL_UNLINK | IN_ONESHOT;
	struct ckpt_rec_inotify_watch rec = { .h = *h };
	struct rst_inotify_watch *w;
	struct file *file;
	char *path;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = ckpt_read_string(ctx, rec.path_len, &path);
	if (ret)
		return ret;
	ret = -EINVAL;
	file = rst_inotify_file(ctx, rec.objref);
	if (!file)
		goto out;
	if (rec.wd <= 0 || !(rec.mask & IN_ALL_EVENTS) || (rec.mask & ~known) ||
	    !path || path[0] != '/') {
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: inotify %u: watch %d, mask %#x, path %s",
			       ctx->rec_pos, rec.objref, rec.wd, rec.mask,
			       path ?: "(none)");
		goto out;
	}
	ret = -ENOMEM;
	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		goto out;
	w->objref = rec.objref;
	w->wd = rec.wd;
	w->mask = rec.mask;
	ret = rst_inotify_lookup(ctx, path, rec.mask, &w->path);
	if (ret) {
		kfree(w);
		goto out;
	}
	ret = rst_inotify_keep(ctx, w);
	if (ret) {
		path_put(&w->path);
		kfree(w);
		goto out;
	}
	w->file = get_file(file);
	w->name = path;
	path = NULL;
out:
	kfree(path);
	return ret;
}

/**
 * rst_inotify_event - queue the event of an INOTIFY_EVENT record
 * @ctx: the restart
 * @h: header of a CKPT_REC_INOTIFY_EVENT record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_inotify_event(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_inotify_event rec = { .h = *h };
	struct inotify_ckpt_event *e;
	struct file *file;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	file = rst_inotify_file(ctx, rec.objref);
	if (!file)
		return -EINVAL;
	if (rec.name_len > NAME_MAX || rec.pad || rec.wd == 0 || rec.wd < -1)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: inotify %u: event of watch %d, name of %u bytes, pad %#x",
				ctx->rec_pos, rec.objref, rec.wd, rec.name_len,
				rec.pad);
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	*e = (struct inotify_ckpt_event) {
		.wd = rec.wd,
		.mask = rec.mask,
		.cookie = rec.cookie,
		.name_len = rec.name_len,
	};
	ret = ckpt_read_bytes(ctx, e->name, rec.name_len);
	if (!ret && strnlen(e->name, rec.name_len) != rec.name_len)
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: inotify %u: event name with a NUL byte inside",
			       ctx->rec_pos, rec.objref);
	if (!ret) {
		ret = inotify_ckpt_queue_event(file, e);
		if (ret)
			ret = ckpt_err(ctx, ret,
				       "offset %lld: inotify %u: cannot queue event of watch %d, mask %#x: error %d%s",
				       ctx->rec_pos, rec.objref, rec.wd,
				       rec.mask, ret, ret == -ENOSPC ?
				       " (more events than fs.inotify.max_queued_events)" :
				       "");
	}
	kfree(e);
	return ret;
}

/**
 * rst_inotify_commit - add the watches of the image's inotify instances
 * @ctx: the restart, once the whole image is read
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_inotify_commit(struct ckpt_ctx *ctx)
{
	struct rst_inotify_watch *w;
	int ret;

	for (w = ctx->inotify_watches; w; w = w->next) {
		ret = inotify_ckpt_add_watch(w->file,
					     d_backing_inode(w->path.dentry),
					     w->mask, w->wd);
		if (ret == -EEXIST)
			return ckpt_err(ctx, -EINVAL,
					"inotify %u: watch %d on %s: its number or its inode is watched twice",
					w->objref, w->wd, w->name);
		if (ret)
			return ckpt_err(ctx, ret,
					"inotify %u: cannot add watch %d on %s: error %d%s",
					w->objref, w->wd, w->name, ret,
					ret == -ENOSPC ?
					" (more watches than fs.inotify.max_user_watches)" :
					"");
	}
	return 0;
}

/**
 * rst_inotify_end - drop what restart kept of the inotify watches
 * @ctx: the restart
 */
void rst_inotify_end(struct ckpt_ctx *ctx)
{
	struct rst_inotify_watch *w;

	while ((w = ctx->inotify_watches)) {
		ctx->inotify_watches = w->next;
		path_put(&w->path);
		fput(w->file);
		kfree(w->name);
		kfree(w);
	}
	xa_destroy(&ctx->inotify_wds);
}
