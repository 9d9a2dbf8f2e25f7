// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of timerfds.
 *
 * A timerfd is saved once, in a TIMERFD record right before the FILE
 * record that first names it: its clock, the time it had left and its
 * interval, the expirations not read yet, its settime flags and the open
 * file's O_NONBLOCK.  Restart arms a new timerfd with them under the
 * file's objref.
 *
 * The rule for time: monotonic and boot time differ between machines and
 * boots, so a timer keeps the time it had left, counted again from the
 * restart (the downtime does not count; a periodic timer neither bursts
 * nor skips).  An absolute CLOCK_REALTIME deadline is a wall-clock time
 * that means the same everywhere: it stays absolute, with its
 * cancel-on-set.  An alarm clock needs CAP_WAKE_ALARM, as timerfd_create()
 * does.
 */
#include <linux/checkpoint.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/timerfd.h>

/* (Reading the state forwards an expired periodic timer, as reading it does.) */
static bool ckpt_is_timerfd(struct ckpt_ctx *ctx, struct file *file)
{
	struct timerfd_ckpt st;

	return !timerfd_ckpt_state(file, &st);
}

static int ckpt_timerfd_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				   struct ckpt_rec_file *file_rec)
{
	struct ckpt_rec_timerfd rec = { .objref = file_rec->objref };
	struct timerfd_ckpt st;
	int ret;

	if (!f->new_file)
		return 0;
	ret = timerfd_ckpt_state(f->file, &st);
	if (ret)
		return ret;
	rec.clockid = st.clockid;
	rec.value_ns = st.value;
	rec.interval_ns = st.interval;
	rec.ticks = st.ticks;
	if (f->file->f_flags & O_NONBLOCK)
		rec.flags |= CKPT_TIMERFD_NONBLOCK;
	if (st.settime_flags & TFD_TIMER_ABSTIME)
		rec.flags |= CKPT_TIMERFD_ABSTIME;
	if (st.settime_flags & TFD_TIMER_CANCEL_ON_SET)
		rec.flags |= CKPT_TIMERFD_CANCEL_ON_SET;
	if (st.canceled)
		rec.flags |= CKPT_TIMERFD_CANCELED;
	return ckpt_write_record(ctx, CKPT_REC_TIMERFD, &rec.h, sizeof(rec),
				 NULL, 0);
}

const struct ckpt_file_ops ckpt_timerfd_file_ops = {
	.kind = CKPT_FILE_TIMERFD,
	.numbered = true,
	.is = ckpt_is_timerfd,
	.checkpoint = ckpt_timerfd_checkpoint,
	.restart = rst_file_missing,
};

/**
 * rst_timerfd - make the timerfd of a TIMERFD record
 * @ctx: the restart
 * @h: header of a CKPT_REC_TIMERFD record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_timerfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	const u32 known = CKPT_TIMERFD_NONBLOCK | CKPT_TIMERFD_ABSTIME |
			  CKPT_TIMERFD_CANCEL_ON_SET | CKPT_TIMERFD_CANCELED;
	struct ckpt_rec_timerfd rec = { .h = *h };
	struct timerfd_ckpt st = {};
	struct file *file;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if ((rec.flags & ~known) || rec.value_ns < 0 || rec.interval_ns < 0)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: timerfd %u: flags %#x, time left %lld ns, interval %lld ns",
				ctx->rec_pos, rec.objref, rec.flags,
				rec.value_ns, rec.interval_ns);
	st.clockid = rec.clockid;
	st.value = rec.value_ns;
	st.interval = rec.interval_ns;
	st.ticks = rec.ticks;
	st.canceled = rec.flags & CKPT_TIMERFD_CANCELED;
	if (rec.flags & CKPT_TIMERFD_ABSTIME)
		st.settime_flags |= TFD_TIMER_ABSTIME;
	if (rec.flags & CKPT_TIMERFD_CANCEL_ON_SET)
		st.settime_flags |= TFD_TIMER_CANCEL_ON_SET;
	file = timerfd_ckpt_file(&st, (rec.flags & CKPT_TIMERFD_NONBLOCK) ?
				      TFD_NONBLOCK : 0);
	if (IS_ERR(file))
		return ckpt_err(ctx, PTR_ERR(file),
				"timerfd %u: cannot make it (clock %d): error %ld",
				rec.objref, rec.clockid, PTR_ERR(file));
	return rst_new_file(ctx, rec.objref, file);
}
