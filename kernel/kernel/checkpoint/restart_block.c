// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of an interrupted sleep.
 *
 * A task frozen in a relative nanosleep() or clock_nanosleep() has a
 * restart block with the absolute time its sleep ends.  Checkpoint saves
 * the time left; restart makes the restored task sleep for that long,
 * and the interrupted call returns as if it had never been interrupted.
 * Other interrupted calls with a restart block (poll(), futex waits with
 * a timeout) are executed again from the start.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/restart_block.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/timekeeping.h>
#include <asm/syscall.h>

static bool ckpt_clock_now(clockid_t clockid, ktime_t *now)
{
	switch (clockid) {
	case CLOCK_MONOTONIC:
		*now = ktime_get();
		return true;
	case CLOCK_REALTIME:
		*now = ktime_get_real();
		return true;
	case CLOCK_BOOTTIME:
		*now = ktime_get_boottime();
		return true;
	case CLOCK_TAI:
		*now = ktime_get_clocktai();
		return true;
	}
	return false;
}

int ckpt_write_restart_block(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct restart_block *rb = &t->restart_block;
	struct pt_regs *regs = task_pt_regs(t);
	struct ckpt_rec_restart_block rec = {};
	ktime_t now;

	if (syscall_get_nr(t, regs) >= 0 &&
	    syscall_get_error(t, regs) == -ERESTART_RESTARTBLOCK &&
	    hrtimer_nanosleep_restart_is(rb) &&
	    ckpt_clock_now(rb->nanosleep.clockid, &now)) {
		rec.kind = CKPT_RESTART_NANOSLEEP;
		rec.clockid = rb->nanosleep.clockid;
		rec.remaining_ns = max_t(s64, 0, rb->nanosleep.expires - now);
		rec.rmtp_type = rb->nanosleep.type;
		if (rb->nanosleep.type == TT_NATIVE)
			rec.rmtp = (unsigned long)rb->nanosleep.rmtp;
#ifdef CONFIG_COMPAT_32BIT_TIME
		else if (rb->nanosleep.type == TT_COMPAT)
			rec.rmtp = (unsigned long)rb->nanosleep.compat_rmtp;
#endif
	}
	return ckpt_write_record(ctx, CKPT_REC_RESTART_BLOCK, &rec.h,
				 sizeof(rec), NULL, 0);
}

/**
 * rst_restart_block - restore the caller's interrupted sleep
 * @ctx: the restart
 * @h: header of a CKPT_REC_RESTART_BLOCK record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_restart_block(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_restart_block rec = { .h = *h };
	struct restart_block *rb = &current->restart_block;
	ktime_t now;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.kind == CKPT_RESTART_NONE)
		return 0;
	if (rec.kind != CKPT_RESTART_NANOSLEEP ||
	    !ckpt_clock_now(rec.clockid, &now) || rec.remaining_ns < 0 ||
	    rec.remaining_ns > KTIME_MAX - now || rec.rmtp >= TASK_SIZE ||
	    (rec.rmtp_type != TT_NONE && rec.rmtp_type != TT_NATIVE))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad interrupted sleep", ctx->rec_pos);

	hrtimer_nanosleep_restart_set(rb, rec.clockid, now + rec.remaining_ns);
	rb->nanosleep.type = rec.rmtp_type;
	rb->nanosleep.rmtp = (struct __kernel_timespec __user *)
			     (unsigned long)rec.rmtp;
	ctx->restart_block = true;
	return 0;
}
