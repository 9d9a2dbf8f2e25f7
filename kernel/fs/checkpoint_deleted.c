// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of deleted files.
 *
 * A regular file the tree holds open or mapped after it was unlinked,
 * and that no other name links, or an O_TMPFILE file never linked, has
 * no path restart could open it by.  Checkpoint saves it as an object
 * with its contents, as it saves a memfd (mm/checkpoint_memfd.c): a
 * DELETED_FILE record with the path it had, its size and mode, then its
 * pages that are not zero, right before the first record of the tree
 * that uses it (a FILE record, or a mapping's); later users refer to it
 * by number.  A file larger than CKPT_DELETED_MAX_SIZE is refused, and
 * so is one that something outside the tree has open (objhash.c):
 * restart could not share it with them again.
 *
 * Restart makes an O_TMPFILE file in the directory the file was in: on
 * the same file system, if that directory is still there, with the
 * restarting caller's rights (it must be able to create a file there)
 * and as its owner; with O_EXCL unless it was an O_TMPFILE file that
 * linkat() could link.  Several open files and mappings of the file are
 * made again on that one file.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>

#define CKPT_DELETED_SUFFIX	" (deleted)"

/**
 * ckpt_is_deleted - is @file a deleted regular file that no name links?
 * @file: an open or mapped file
 *
 * Not a file of an internal mount (a memfd, shared anonymous memory).
 *
 * Return: true if it is.
 */
bool ckpt_is_deleted(struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISREG(inode->i_mode) && !inode->i_nlink &&
	       d_unlinked(file->f_path.dentry) &&
	       !(inode->i_sb->s_flags & SB_KERNMOUNT);
}

/*
 * The path @file had, in @buf, if its directory is still where that path
 * says and can make O_TMPFILE files; else an ERR_PTR with a log message.
 */
static char *ckpt_deleted_path(struct ckpt_ctx *ctx, struct file *file,
			       char *buf)
{
	struct dentry *parent = dget_parent(file->f_path.dentry);
	size_t len, suffix = strlen(CKPT_DELETED_SUFFIX);
	const char *why = NULL;
	char *p, *slash;
	struct path dir;
	int ret;

	p = file_path(file, buf, PATH_MAX);
	if (IS_ERR(p)) {
		dput(parent);
		return ERR_PTR(ckpt_err(ctx, PTR_ERR(p), "%pD: its path is too long",
					file));
	}
	len = strlen(p);
	if (len > suffix && !strcmp(p + len - suffix, CKPT_DELETED_SUFFIX))
		p[len - suffix] = 0;
	slash = strrchr(p, '/');
	if (p[0] != '/' || !slash) {
		why = "it has no directory";
		goto out;
	}
	*slash = 0;
	ret = kern_path(slash == p ? "/" : p, LOOKUP_DIRECTORY, &dir);
	*slash = '/';
	if (ret == -ENOMEM) {
		dput(parent);
		return ERR_PTR(ret);
	}
	if (!ret) {
		if (dir.mnt != file->f_path.mnt || dir.dentry != parent)
			why = "its directory is not where its path says any more";
		else if (!d_inode(parent)->i_op->tmpfile)
			why = "its file system cannot make O_TMPFILE files";
		path_put(&dir);
	} else {
		why = "its directory was deleted too";
	}
out:
	dput(parent);
	if (why)
		return ERR_PTR(ckpt_err(ctx, -EOPNOTSUPP,
					"%s: a deleted file restart could not make again: %s",
					p, why));
	return p;
}

static int ckpt_write_deleted_new(struct ckpt_ctx *ctx, struct file *file,
				  struct ckpt_rec_deleted_file *rec)
{
	struct inode *inode = file_inode(file);
	struct file *reader;
	char *buf, *path;
	int ret;

	rec->size = i_size_read(inode);
	if (rec->size > CKPT_DELETED_MAX_SIZE)
		return ckpt_err(ctx, -EFBIG,
				"%pD: a deleted file of %llu bytes, more than the %llu an image keeps",
				file, rec->size, CKPT_DELETED_MAX_SIZE);
	if (inode->i_mode & ~(S_IFMT | 0777))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"%pD: a deleted file with mode %#o (set-user-ID, set-group-ID or sticky) is not supported yet",
				file, inode->i_mode & 07777);
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	path = ckpt_deleted_path(ctx, file, buf);
	if (IS_ERR(path)) {
		ret = PTR_ERR(path);
		goto out;
	}
	/* ours, to read it whatever the tree's files allow; no atime, no event */
	reader = dentry_open(&file->f_path, O_RDONLY | O_LARGEFILE | O_NOATIME |
			     __FMODE_NONOTIFY, current_cred());
	if (IS_ERR(reader)) {
		ret = ckpt_err(ctx, PTR_ERR(reader), "%s: cannot open it to read it: error %ld",
			       path, PTR_ERR(reader));
		goto out;
	}
	ckpt_obj_keep_reader(ctx, file, reader);
	rec->flags = CKPT_DELETED_NEW;
	spin_lock(&inode->i_lock);
	if (inode->i_state & I_LINKABLE)
		rec->flags |= CKPT_DELETED_LINKABLE;
	spin_unlock(&inode->i_lock);
	rec->mode = inode->i_mode & 0777;
	rec->path_len = strlen(path);
	ret = ckpt_write_record(ctx, CKPT_REC_DELETED_FILE, &rec->h, sizeof(*rec),
				path, rec->path_len);
	if (!ret)
		ret = ckpt_write_object_contents(ctx, file, reader, rec->size);
out:
	kfree(buf);
	return ret;
}

/**
 * ckpt_write_deleted - the DELETED_FILE record of the file @file is open on
 * @ctx: the checkpoint
 * @file: an open file of a deleted file, which the tree holds
 *	  (ckpt_obj_ref() or ckpt_obj_mapped() noted it)
 * @always: a file written before gets a record of its number alone (a
 *	    mapping's); else no record
 * @ref: set to the file's number
 *
 * The first time the tree meets the file, its record has every field
 * and its contents follow.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_deleted(struct ckpt_ctx *ctx, struct file *file, bool always,
		       u32 *ref)
{
	struct ckpt_rec_deleted_file rec = {};
	u32 *written;

	written = ckpt_obj_unlinked(ctx, file, ref);
	if (IS_ERR(written))
		return PTR_ERR(written);
	rec.objref = *ref;
	if (!*written) {
		*written = 1;
		return ckpt_write_deleted_new(ctx, file, &rec);
	}
	if (!always)
		return 0;
	return ckpt_write_record(ctx, CKPT_REC_DELETED_FILE, &rec.h, sizeof(rec),
				 NULL, 0);
}

static bool ckpt_deleted_is(struct ckpt_ctx *ctx, struct file *file)
{
	return ckpt_is_deleted(file);
}

static int ckpt_deleted_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				   struct ckpt_rec_file *rec)
{
	return ckpt_write_deleted(ctx, f->file, false, &rec->deleted);
}

/* A new open file of the deleted file, with the FILE record's flags and offset. */
static struct file *rst_deleted_restart(struct ckpt_ctx *ctx,
					const struct ckpt_rec_file *rec,
					const char *path)
{
	struct file *objfile = rst_objfile(ctx, rec->deleted, CKPT_VMA_DELETED);

	if (!objfile) {
		ckpt_err(ctx, -EINVAL,
			 "offset %lld: fd %d: deleted file %u not restored before",
			 ctx->rec_pos, rec->fd, rec->deleted);
		return ERR_PTR(-EINVAL);
	}
	return rst_objfile_open(ctx, objfile, rec);
}

const struct ckpt_file_ops ckpt_deleted_file_ops = {
	.kind = CKPT_FILE_DELETED,
	.numbered = true,
	.object = true,
	.is = ckpt_deleted_is,
	.checkpoint = ckpt_deleted_checkpoint,
	.restart = rst_deleted_restart,
};

static int rst_check_deleted_rec(struct ckpt_ctx *ctx,
				 struct ckpt_rec_deleted_file *rec)
{
	bool bad;

	if (rec->flags & CKPT_DELETED_NEW)
		bad = rec->size > CKPT_DELETED_MAX_SIZE || rec->mode & ~0777 ||
		      !rec->path_len;
	else
		bad = rec->size || rec->mode || rec->path_len;
	if (bad || !rec->objref ||
	    rec->flags & ~(CKPT_DELETED_NEW | CKPT_DELETED_LINKABLE) ||
	    (rec->flags & CKPT_DELETED_LINKABLE && !(rec->flags & CKPT_DELETED_NEW)))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad deleted file %u: flags %#x, %llu bytes, mode %#o, path of %u bytes",
				ctx->rec_pos, rec->objref, rec->flags, rec->size,
				rec->mode, rec->path_len);
	return 0;
}

/* Set @file's mode as chmod() would: the caller owns it. */
static int rst_deleted_chmod(struct file *file, umode_t mode)
{
	struct inode *inode = file_inode(file);
	struct iattr attr = {
		.ia_valid = ATTR_MODE | ATTR_CTIME,
		.ia_mode = mode | (inode->i_mode & ~S_IALLUGO),
	};
	int ret;

	inode_lock(inode);
	ret = notify_change(file_mnt_idmap(file), file->f_path.dentry, &attr,
			    NULL);
	inode_unlock(inode);
	return ret;
}

/*
 * The file of @rec, made in the directory of @path with its size and
 * mode, noted under its objref; its contents follow.
 */
static struct file *rst_new_deleted(struct ckpt_ctx *ctx,
				    struct ckpt_rec_deleted_file *rec, char *path)
{
	int flags = O_TMPFILE | O_RDWR | O_LARGEFILE;
	char *slash = strrchr(path, '/');
	struct file *file;
	int ret;

	if (path[0] != '/' || !slash) {
		ckpt_err(ctx, -EINVAL, "offset %lld: deleted file %u: path %s has no directory",
			 ctx->rec_pos, rec->objref, path);
		return ERR_PTR(-EINVAL);
	}
	/* an unlinked file cannot be linked again: O_EXCL */
	if (!(rec->flags & CKPT_DELETED_LINKABLE))
		flags |= O_EXCL;
	*slash = 0;
	file = filp_open(slash == path ? "/" : path, flags, 0600);
	*slash = '/';
	if (IS_ERR(file)) {
		ckpt_err(ctx, PTR_ERR(file),
			 "cannot make the deleted file %s again (O_TMPFILE in its directory): error %ld",
			 path, PTR_ERR(file));
		return file;
	}
	ret = vfs_truncate(&file->f_path, rec->size);
	if (!ret)
		ret = rst_deleted_chmod(file, rec->mode);
	if (ret) {
		fput(file);
		ckpt_err(ctx, ret, "cannot give the deleted file %s its size and mode: error %d",
			 path, ret);
		return ERR_PTR(ret);
	}
	ret = rst_objfile_add(ctx, rec->objref, file);
	return ret ? ERR_PTR(ret) : file;
}

/**
 * rst_deleted_file - a deleted file, for the FILE or mapping record that follows
 * @ctx: the restart
 * @h: header of a CKPT_REC_DELETED_FILE record
 *
 * Makes the file the first time (its PAGES records follow), finds it in
 * the coordinator's objects after.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_deleted_file(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_deleted_file rec = { .h = *h };
	struct file *file;
	char *path = NULL;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_check_deleted_rec(ctx, &rec);
	if (!ret)
		ret = ckpt_read_string(ctx, rec.path_len, &path);
	if (!ret && ctx->mapped_file_set)
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: a mapped file's record, then a deleted file",
			       ctx->rec_pos);
	if (ret)
		goto out;
	rst_mm_end(ctx);
	file = (rec.flags & CKPT_DELETED_NEW) ? rst_new_deleted(ctx, &rec, path) : NULL;
	ret = rst_objfile_next(ctx, file, rec.objref, CKPT_VMA_DELETED);
out:
	kfree(path);
	return ret;
}
