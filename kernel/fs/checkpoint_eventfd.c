// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of eventfds.
 *
 * An eventfd is saved once, in an EVENTFD record right before the FILE
 * record that first names it: its counter and EFD_SEMAPHORE, and the
 * open file's O_NONBLOCK.  Restart makes a new eventfd with them under
 * the file's objref, which every descriptor of it, in any task, shares
 * again.  The counter is copied, not read: a checkpoint that leaves the
 * tree running takes nothing from it, and a reader blocked on it goes on
 * waiting after restart.
 */
#include <linux/checkpoint.h>
#include <linux/eventfd.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>

static bool ckpt_is_eventfd(struct ckpt_ctx *ctx, struct file *file)
{
	u64 count;
	unsigned int flags;

	return !eventfd_ckpt_state(file, &count, &flags);
}

static int ckpt_eventfd_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				   struct ckpt_rec_file *file_rec)
{
	struct ckpt_rec_eventfd rec = { .objref = file_rec->objref };
	unsigned int flags;
	int ret;

	if (!f->new_file)
		return 0;
	ret = eventfd_ckpt_state(f->file, &rec.count, &flags);
	if (ret)
		return ret;
	if (flags & EFD_SEMAPHORE)
		rec.flags |= CKPT_EVENTFD_SEMAPHORE;
	if (f->file->f_flags & O_NONBLOCK)
		rec.flags |= CKPT_EVENTFD_NONBLOCK;
	return ckpt_write_record(ctx, CKPT_REC_EVENTFD, &rec.h, sizeof(rec),
				 NULL, 0);
}

const struct ckpt_file_ops ckpt_eventfd_file_ops = {
	.kind = CKPT_FILE_EVENTFD,
	.numbered = true,
	.is = ckpt_is_eventfd,
	.checkpoint = ckpt_eventfd_checkpoint,
	.restart = rst_file_missing,
};

/**
 * rst_eventfd - make the eventfd of an EVENTFD record
 * @ctx: the restart
 * @h: header of a CKPT_REC_EVENTFD record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_eventfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_eventfd rec = { .h = *h };
	unsigned int flags = 0;
	struct file *file;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.flags & ~(CKPT_EVENTFD_SEMAPHORE | CKPT_EVENTFD_NONBLOCK))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: eventfd %u: unknown flags %#x",
				ctx->rec_pos, rec.objref, rec.flags);
	if (rec.flags & CKPT_EVENTFD_SEMAPHORE)
		flags |= EFD_SEMAPHORE;
	if (rec.flags & CKPT_EVENTFD_NONBLOCK)
		flags |= EFD_NONBLOCK;
	file = eventfd_ckpt_file(rec.count, flags);
	if (IS_ERR(file))
		return ckpt_err(ctx, PTR_ERR(file),
				"eventfd %u: cannot make it: error %ld",
				rec.objref, PTR_ERR(file));
	return rst_new_file(ctx, rec.objref, file);
}
