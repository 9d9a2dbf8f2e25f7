// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of memfds.
 *
 * A memfd (memfd_create()) is a memory object: a shmem file of the
 * kernel's internal mount, with a name, an exact size, a mode and seals.
 * Checkpoint writes it once, in a MEMFD record followed by its contents,
 * right before the first record of the tree that uses it: the FILE
 * record of a descriptor open on it (kind CKPT_FILE_MEMFD), or the
 * record of a mapping of it (CKPT_VMA_MEMFD, mm/checkpoint.c).  Later
 * users refer to it by number.  Several open files of one memfd (one
 * reopened through /proc/self/fd, say) stay several open files of one
 * memfd; a memfd that something outside the tree has open is refused
 * (objhash.c), since restart could not share it with them again.
 *
 * Restart makes it as memfd_create() does, with the image's size, mode
 * and contents, and adds its seals only once every task is restored
 * (rst_memfd_commit()), through F_ADD_SEALS: a write seal refuses a
 * writable mapping made after it, so it must come after the mappings it
 * was added after, and F_ADD_SEALS refuses a write seal over a writable
 * mapping, as it did for the program, whatever the image says.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/memfd.h>
#include <linux/mm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>

#define MEMFD_PREFIX		"memfd:"
#define MEMFD_PREFIX_LEN	(sizeof(MEMFD_PREFIX) - 1)
#define MEMFD_NAME_MAX		(NAME_MAX - MEMFD_PREFIX_LEN)

#define MEMFD_SEALS		(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
				 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | \
				 F_SEAL_EXEC)

/* A memfd made at restart, to seal once every task is back. */
struct rst_memfd {
	struct rst_memfd *next;
	struct file *file;
	u32 seals;
};

/**
 * ckpt_is_memfd - is @file an open file of a memfd?
 * @file: an open or mapped file
 *
 * Not of a memfd of huge pages (MFD_HUGETLB), which hugetlbfs holds.
 *
 * Return: true if it is.
 */
bool ckpt_is_memfd(struct file *file)
{
	return shmem_file(file) &&
	       (file_inode(file)->i_sb->s_flags & SB_KERNMOUNT) &&
	       !strncmp(file->f_path.dentry->d_name.name, MEMFD_PREFIX,
			MEMFD_PREFIX_LEN);
}

static int ckpt_write_memfd_new(struct ckpt_ctx *ctx, struct file *file,
				struct ckpt_rec_memfd *rec)
{
	const char *name = file->f_path.dentry->d_name.name + MEMFD_PREFIX_LEN;
	struct inode *inode = file_inode(file);
	long seals = memfd_fcntl(file, F_GET_SEALS, 0);
	int ret;

	if (seals < 0)
		return ckpt_err(ctx, seals, "%pD: cannot read its seals: error %ld",
				file, seals);
	if (inode->i_mode & ~(S_IFMT | 0777))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"%pD: a memfd with mode %#o (set-user-ID, set-group-ID or sticky) is not supported yet",
				file, inode->i_mode & 07777);
	rec->flags = CKPT_MEMFD_NEW;
	rec->size = i_size_read(inode);
	rec->seals = seals;
	rec->mode = inode->i_mode & 0777;
	rec->name_len = strlen(name);
	ret = ckpt_write_record(ctx, CKPT_REC_MEMFD, &rec->h, sizeof(*rec),
				name, rec->name_len);
	if (!ret)
		ret = ckpt_write_object_contents(ctx, file, NULL, rec->size);
	return ret;
}

/**
 * ckpt_write_memfd - the MEMFD record of the memfd @file is open on
 * @ctx: the checkpoint
 * @file: an open file of a memfd, which the tree holds (ckpt_obj_ref()
 *	  or ckpt_obj_mapped() noted it)
 * @always: a memfd written before gets a record of its number alone (a
 *	    mapping's); else no record
 * @ref: set to the memfd's number
 *
 * The first time the tree meets the memfd, its record has every field
 * and its contents follow.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_memfd(struct ckpt_ctx *ctx, struct file *file, bool always,
		     u32 *ref)
{
	struct ckpt_rec_memfd rec = {};
	u32 *written;

	written = ckpt_obj_unlinked(ctx, file, ref);
	if (IS_ERR(written))
		return PTR_ERR(written);
	rec.objref = *ref;
	if (!*written) {
		*written = 1;
		return ckpt_write_memfd_new(ctx, file, &rec);
	}
	if (!always)
		return 0;
	return ckpt_write_record(ctx, CKPT_REC_MEMFD, &rec.h, sizeof(rec),
				 NULL, 0);
}

static bool ckpt_memfd_is(struct ckpt_ctx *ctx, struct file *file)
{
	return ckpt_is_memfd(file);
}

static int ckpt_memfd_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				 struct ckpt_rec_file *rec)
{
	return ckpt_write_memfd(ctx, f->file, false, &rec->memfd);
}

/* A new open file of the memfd, with the FILE record's flags and offset. */
static struct file *rst_memfd_restart(struct ckpt_ctx *ctx,
				      const struct ckpt_rec_file *rec,
				      const char *path)
{
	struct file *memfd = rst_objfile(ctx, rec->memfd, CKPT_VMA_MEMFD);

	if (!memfd) {
		ckpt_err(ctx, -EINVAL, "offset %lld: fd %d: memfd %u not restored before",
			 ctx->rec_pos, rec->fd, rec->memfd);
		return ERR_PTR(-EINVAL);
	}
	return rst_objfile_open(ctx, memfd, rec);
}

const struct ckpt_file_ops ckpt_memfd_file_ops = {
	.kind = CKPT_FILE_MEMFD,
	.numbered = true,
	.object = true,
	.is = ckpt_memfd_is,
	.checkpoint = ckpt_memfd_checkpoint,
	.restart = rst_memfd_restart,
};

static int rst_check_memfd_rec(struct ckpt_ctx *ctx, struct ckpt_rec_memfd *rec)
{
	bool bad;

	if (rec->flags & CKPT_MEMFD_NEW)
		bad = rec->size > MAX_LFS_FILESIZE || rec->seals & ~MEMFD_SEALS ||
		      rec->mode & ~0777 || rec->name_len > MEMFD_NAME_MAX;
	else
		bad = rec->size || rec->seals || rec->mode || rec->name_len;
	if (bad || !rec->objref || rec->flags & ~CKPT_MEMFD_NEW || rec->pad)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad memfd %u: flags %#x, %llu bytes, seals %#x, mode %#o, name of %u bytes",
				ctx->rec_pos, rec->objref, rec->flags, rec->size,
				rec->seals, rec->mode, rec->name_len);
	return 0;
}

/* The seals of @file, for rst_memfd_commit(); takes a reference. */
static int rst_memfd_keep(struct ckpt_ctx *ctx, struct file *file, u32 seals)
{
	struct ckpt_ctx *top = ctx->coord ?: ctx;
	struct rst_memfd *m;

	if (!seals)
		return 0;
	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->file = get_file(file);
	m->seals = seals;
	m->next = top->memfds;
	top->memfds = m;
	return 0;
}

/* A new memfd, noted under its objref; its contents follow. */
static struct file *rst_new_memfd(struct ckpt_ctx *ctx,
				  struct ckpt_rec_memfd *rec, const char *name)
{
	struct inode *inode;
	struct file *file;
	char *full;
	int ret;

	full = kasprintf(GFP_KERNEL, MEMFD_PREFIX "%s", name ?: "");
	if (!full)
		return ERR_PTR(-ENOMEM);
	file = shmem_file_setup(full, rec->size, VM_NORESERVE);
	kfree(full);
	if (IS_ERR(file)) {
		ckpt_err(ctx, PTR_ERR(file),
			 "cannot create memfd %u of %llu bytes: error %ld",
			 rec->objref, rec->size, PTR_ERR(file));
		return file;
	}
	/* as memfd_create() makes it; no seal until rst_memfd_commit() */
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	file->f_flags |= O_LARGEFILE;
	inode = file_inode(file);
	SHMEM_I(inode)->seals = 0;
	inode->i_mode = (inode->i_mode & S_IFMT) | rec->mode;

	ret = rst_objfile_add(ctx, rec->objref, file);
	if (ret)
		return ERR_PTR(ret);
	ret = rst_memfd_keep(ctx, file, rec->seals);
	return ret ? ERR_PTR(ret) : file;
}

/**
 * rst_memfd - a memfd, for the FILE or mapping record that follows
 * @ctx: the restart
 * @h: header of a CKPT_REC_MEMFD record
 *
 * Makes the memfd the first time (its PAGES records follow), finds it
 * in the coordinator's objects after.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_memfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_memfd rec = { .h = *h };
	struct file *file;
	char *name = NULL;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_check_memfd_rec(ctx, &rec);
	if (!ret)
		ret = ckpt_read_string(ctx, rec.name_len, &name);
	if (!ret && ctx->mapped_file_set)
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: a mapped file's record, then a memfd",
			       ctx->rec_pos);
	if (ret)
		goto out;
	rst_mm_end(ctx);
	file = (rec.flags & CKPT_MEMFD_NEW) ? rst_new_memfd(ctx, &rec, name) : NULL;
	ret = rst_objfile_next(ctx, file, rec.objref, CKPT_VMA_MEMFD);
out:
	kfree(name);
	return ret;
}

/**
 * rst_memfd_commit - seal the memfds again
 * @ctx: the restart, with every task restored
 *
 * Return: 0 or a negative errno, explained on the log (a write seal
 * over a writable shared mapping: -EBUSY).
 */
int rst_memfd_commit(struct ckpt_ctx *ctx)
{
	struct rst_memfd *m;
	long ret;

	for (m = ctx->memfds; m; m = m->next) {
		ret = memfd_fcntl(m->file, F_ADD_SEALS, m->seals);
		if (ret)
			return ckpt_err(ctx, ret,
					"%pD: cannot seal it again with seals %#x: error %ld",
					m->file, m->seals, ret);
	}
	return 0;
}

/**
 * rst_memfds_end - forget the memfds kept for sealing
 * @ctx: the restart
 */
void rst_memfds_end(struct ckpt_ctx *ctx)
{
	struct rst_memfd *m;

	while ((m = ctx->memfds)) {
		ctx->memfds = m->next;
		fput(m->file);
		kfree(m);
	}
}
