// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of signalfds.
 *
 * A signalfd is saved once, in a SIGNALFD record right before the FILE
 * record that first names it: the signals it reads and the open file's
 * O_NONBLOCK.  Restart makes a new signalfd with them under the file's
 * objref.  The signals pending for it are the task's and the process's
 * pending signals, which the image holds already: they are read from the
 * signalfd after restart as they would have been before.
 */
#include <linux/checkpoint.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/signal.h>
#include <linux/signalfd.h>

static bool ckpt_is_signalfd(struct ckpt_ctx *ctx, struct file *file)
{
	sigset_t mask;

	return !signalfd_ckpt_mask(file, &mask);
}

static int ckpt_signalfd_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				    struct ckpt_rec_file *file_rec)
{
	struct ckpt_rec_signalfd rec = { .objref = file_rec->objref };
	sigset_t mask;
	int ret;

	if (!f->new_file)
		return 0;
	ret = signalfd_ckpt_mask(f->file, &mask);
	if (ret)
		return ret;
	BUILD_BUG_ON(_NSIG_WORDS != 1);
	rec.mask = mask.sig[0];
	if (f->file->f_flags & O_NONBLOCK)
		rec.flags |= CKPT_SIGNALFD_NONBLOCK;
	return ckpt_write_record(ctx, CKPT_REC_SIGNALFD, &rec.h, sizeof(rec),
				 NULL, 0);
}

const struct ckpt_file_ops ckpt_signalfd_file_ops = {
	.kind = CKPT_FILE_SIGNALFD,
	.numbered = true,
	.is = ckpt_is_signalfd,
	.checkpoint = ckpt_signalfd_checkpoint,
	.restart = rst_file_missing,
};

/**
 * rst_signalfd - make the signalfd of a SIGNALFD record
 * @ctx: the restart
 * @h: header of a CKPT_REC_SIGNALFD record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_signalfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_signalfd rec = { .h = *h };
	struct file *file;
	sigset_t mask;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.flags & ~CKPT_SIGNALFD_NONBLOCK)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: signalfd %u: unknown flags %#x",
				ctx->rec_pos, rec.objref, rec.flags);
	siginitset(&mask, rec.mask);
	file = signalfd_ckpt_file(&mask, (rec.flags & CKPT_SIGNALFD_NONBLOCK) ?
					 SFD_NONBLOCK : 0);
	if (IS_ERR(file))
		return ckpt_err(ctx, PTR_ERR(file),
				"signalfd %u: cannot make it: error %ld",
				rec.objref, PTR_ERR(file));
	return rst_new_file(ctx, rec.objref, file);
}
