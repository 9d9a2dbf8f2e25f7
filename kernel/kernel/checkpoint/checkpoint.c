// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: writing an image.
 *
 * An image is: the header record, the records of the tree, and the tail
 * record with the checksum.  A checkpoint that fails after the header
 * went out still ends the stream properly: an error record carrying the
 * reason, then the tail, so that a reader learns why the image is
 * incomplete.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>

static int ckpt_write_header(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_header hdr = {};
	struct timespec64 now;

	ktime_get_real_ts64(&now);
	memcpy(hdr.magic, CKPT_MAGIC, CKPT_MAGIC_LEN);
	hdr.major = CKPT_VERSION_MAJOR;
	hdr.minor = CKPT_VERSION_MINOR;
	hdr.page_shift = PAGE_SHIFT;
	if (is_child_reaper(task_pid(ctx->root)))
		hdr.flags |= CKPT_IMAGE_CONTAINER;
	hdr.time_sec = now.tv_sec;
	hdr.time_nsec = now.tv_nsec;
	hdr.root_pid = task_pid_vnr(ctx->root);
	strscpy_pad(hdr.release, init_utsname()->release);
	ckpt_arch_fill_header(&hdr);

	return ckpt_write_record(ctx, CKPT_REC_HEADER, &hdr.h, sizeof(hdr),
				 NULL, 0);
}

/* The ERROR record of a checkpoint failing with @ret. */
static int ckpt_write_error(struct ckpt_ctx *ctx, int ret)
{
	struct ckpt_rec_error rec = {};
	u32 len = ctx->errmsg ? strlen(ctx->errmsg) : 0;

	rec.error = ctx->error ?: ret;
	rec.msg_len = len;
	return ckpt_write_record(ctx, CKPT_REC_ERROR, &rec.h, sizeof(rec),
				 ctx->errmsg, len);
}

static int ckpt_write_tail(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_tail tail = {};

	memcpy(tail.magic, CKPT_TAIL_MAGIC, CKPT_MAGIC_LEN);
	tail.records = ctx->records;
	tail.length = ctx->pos;
	tail.csum_type = CKPT_CSUM_CRC32;
	tail.csum = ~ctx->crc;
	return ckpt_write_record(ctx, CKPT_REC_TAIL, &tail.h, sizeof(tail),
				 NULL, 0);
}

/* CHECKPOINT_KILL: the image is complete, the tree goes away. */
static void ckpt_kill_tree(struct ckpt_ctx *ctx)
{
	int i;

	for (i = 0; i < ctx->nr_tasks; i++)
		if (!ctx->tasks[i]->exit_state)
			kill_pid(task_tgid(ctx->tasks[i]), SIGKILL, 1);
}

/**
 * do_checkpoint - write the image of the tree rooted at ctx->root
 * @ctx: the checkpoint, with its target checked by the caller
 *
 * The tree is frozen for the dump and thawed after it, whatever the
 * result; with CHECKPOINT_KILL and a complete image, it is killed first.
 *
 * Return: 0 or a negative errno; on failure the stream ends with an
 * error record and a tail whenever the stream can still be written.
 */
long do_checkpoint(struct ckpt_ctx *ctx)
{
	bool kill = false;
	int ret;

	ret = ckpt_write_header(ctx);
	if (ret)
		return ckpt_explain(ctx, ret);

	ret = ckpt_check_tree(ctx);
	if (!ret)
		ret = ckpt_freeze_tree(ctx);
	if (!ret)
		ret = ckpt_write_tasks(ctx);
	if (ret && ckpt_write_error(ctx, ckpt_explain(ctx, ret)))
		goto thaw;

	ret = ckpt_write_tail(ctx) ?: ret;
	kill = !ret && (ctx->flags & CHECKPOINT_KILL);
thaw:
	/* the connections of a tree that goes away close without a word */
	ckpt_tcp_end(ctx, kill);
	if (kill)
		ckpt_kill_tree(ctx);
	ckpt_thaw_tree(ctx);
	ckpt_obj_free(ctx);
	ckpt_ns_free(ctx);
	return ret;
}
