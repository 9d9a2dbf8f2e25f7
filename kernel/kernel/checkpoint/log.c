// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: messages to the caller's log fd.
 *
 * checkpoint() and restart() take a log fd from the caller.  Every
 * refusal and every failure is explained there in one line, prefixed
 * with the operation, so that a tool can show the user why its call
 * failed.  The first error is also kept for the image's error record.
 */
#include <linux/checkpoint.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/string.h>

/* A log that cannot be written must not fail the operation. */
static void ckpt_log_str(struct file *file, const char *s)
{
	loff_t pos, *ppos = NULL;

	if (!(file->f_mode & FMODE_STREAM)) {
		pos = file->f_pos;
		ppos = &pos;
	}
	if (ckpt_kwrite(file, s, strlen(s), ppos) > 0 && ppos)
		file->f_pos = pos;
}

static void ckpt_log_line(struct ckpt_ctx *ctx, const char *msg)
{
	struct file *file = ctx->logfile;
	char *line;

	if (!file)
		return;
	line = kasprintf(GFP_KERNEL | __GFP_NOWARN, "%s: %s\n", ctx->op, msg);
	if (line) {
		ckpt_log_str(file, line);
		kfree(line);
		return;
	}
	/* out of memory: the line in pieces, rather than nothing */
	ckpt_log_str(file, ctx->op);
	ckpt_log_str(file, ": ");
	ckpt_log_str(file, msg);
	ckpt_log_str(file, "\n");
}

/**
 * ckpt_log - write one line to the log fd
 * @ctx: the operation
 * @fmt: printf-style format of the line, without a trailing newline
 */
void ckpt_log(struct ckpt_ctx *ctx, const char *fmt, ...)
{
	va_list args;
	char *msg;

	if (!ctx->logfile)
		return;
	va_start(args, fmt);
	msg = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	if (!msg)
		return;
	ckpt_log_line(ctx, msg);
	kfree(msg);
}

/**
 * ckpt_err - report why the operation fails
 * @ctx: the operation
 * @err: negative errno the operation will return
 * @fmt: printf-style explanation
 *
 * Logs the explanation and keeps the first error and its message for
 * the image's error record.
 *
 * Return: @err, so that callers can write "return ckpt_err(...)".
 */
int ckpt_err(struct ckpt_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;
	char *msg;

	va_start(args, fmt);
	msg = kvasprintf(GFP_KERNEL | __GFP_NOWARN, fmt, args);
	va_end(args);
	if (!msg) {
		char buf[64];

		snprintf(buf, sizeof(buf),
			 "error %d (no memory left to say more)", err);
		ckpt_log_line(ctx, buf);
		if (!ctx->error)
			ctx->error = err;
		return err;
	}
	ckpt_log_line(ctx, msg);
	if (!ctx->error) {
		ctx->error = err;
		ctx->errmsg = msg;
	} else {
		kfree(msg);
	}
	return err;
}

/**
 * ckpt_explain - make sure a failure is explained on the log
 * @ctx: the operation
 * @err: the negative errno it fails with
 *
 * The code that fails explains why with ckpt_err(); an allocation that
 * fails deep down may not.  Then this logs the errno at least.  Only
 * for a failure: what restart() returns to a restored task is its saved
 * ax, all 64 bits, which may look like an errno.
 *
 * Return: @err.
 */
int ckpt_explain(struct ckpt_ctx *ctx, int err)
{
	if (ctx->error || err >= 0)
		return err;
	return ckpt_err(ctx, err, "failed with error %d%s", err,
			err == -ENOMEM ? " (out of memory)" : "");
}
