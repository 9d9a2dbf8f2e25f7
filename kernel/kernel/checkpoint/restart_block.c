// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of an interrupted sleep.
 *
 * A task frozen in a relative nanosleep() or clock_nanosleep(), in poll(),
 * in a futex wait with a timeout, or in epoll_wait() (epoll_pwait() and
 * epoll_pwait2() with no signal mask) has a restart block with the
 * absolute time its wait ends.  Checkpoint saves the time left; restart
 * makes the restored task wait for that long, and the interrupted call
 * returns as if it had never been interrupted.  Other interrupted calls
 * are executed again from the start.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/restart_block.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
/* after fs.h and uaccess.h, which it uses */
#include <linux/eventpoll.h>
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

static s64 ckpt_time_left(clockid_t clockid, ktime_t expires)
{
	ktime_t now;

	if (!ckpt_clock_now(clockid, &now))
		return 0;
	return max_t(s64, 0, expires - now);
}

static void ckpt_nanosleep_block(struct restart_block *rb,
				 struct ckpt_rec_restart_block *rec)
{
	rec->kind = CKPT_RESTART_NANOSLEEP;
	rec->clockid = rb->nanosleep.clockid;
	rec->remaining_ns = ckpt_time_left(rec->clockid, rb->nanosleep.expires);
	rec->rmtp_type = rb->nanosleep.type;
	if (rb->nanosleep.type == TT_NATIVE)
		rec->rmtp = (unsigned long)rb->nanosleep.rmtp;
#ifdef CONFIG_COMPAT_32BIT_TIME
	else if (rb->nanosleep.type == TT_COMPAT)
		rec->rmtp = (unsigned long)rb->nanosleep.compat_rmtp;
#endif
}

static void ckpt_poll_block(struct restart_block *rb,
			    struct ckpt_rec_restart_block *rec)
{
	struct timespec64 end = {
		.tv_sec = rb->poll.tv_sec, .tv_nsec = rb->poll.tv_nsec
	};

	rec->kind = CKPT_RESTART_POLL;
	rec->clockid = CLOCK_MONOTONIC;
	rec->uaddr = (unsigned long)rb->poll.ufds;
	rec->nr = rb->poll.nfds;
	if (rb->poll.has_timeout) {
		rec->flags |= CKPT_RB_TIMEOUT;
		rec->remaining_ns = ckpt_time_left(CLOCK_MONOTONIC,
						   timespec64_to_ktime(end));
	}
}

static void ckpt_epoll_block(struct restart_block *rb,
			     struct ckpt_rec_restart_block *rec)
{
	rec->kind = CKPT_RESTART_EPOLL;
	rec->clockid = CLOCK_MONOTONIC;
	rec->uaddr = (unsigned long)rb->epoll.events;
	rec->nr = rb->epoll.maxevents;
	rec->bitset = rb->epoll.epfd;
	if (rb->epoll.has_timeout) {
		rec->flags |= CKPT_RB_TIMEOUT;
		rec->remaining_ns = ckpt_time_left(CLOCK_MONOTONIC,
						   rb->epoll.expires);
	}
}

static void ckpt_futex_block(struct restart_block *rb, bool shared,
			     bool clockrt, struct ckpt_rec_restart_block *rec)
{
	rec->kind = CKPT_RESTART_FUTEX;
	rec->clockid = clockrt ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	rec->uaddr = (unsigned long)rb->futex.uaddr;
	rec->nr = rb->futex.val;
	rec->bitset = rb->futex.bitset;
	rec->flags = CKPT_RB_TIMEOUT | (shared ? CKPT_RB_SHARED : 0);
	rec->remaining_ns = ckpt_time_left(rec->clockid, rb->futex.time);
}

int ckpt_write_restart_block(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct restart_block *rb = &t->restart_block;
	struct pt_regs *regs = task_pt_regs(t);
	struct ckpt_rec_restart_block rec = {};
	bool shared, clockrt;
	ktime_t now;

	if (syscall_get_nr(t, regs) < 0 ||
	    syscall_get_error(t, regs) != -ERESTART_RESTARTBLOCK)
		goto out;
	if (hrtimer_nanosleep_restart_is(rb) &&
	    ckpt_clock_now(rb->nanosleep.clockid, &now))
		ckpt_nanosleep_block(rb, &rec);
	else if (poll_restart_is(rb))
		ckpt_poll_block(rb, &rec);
	else if (futex_wait_restart_get(rb, &shared, &clockrt))
		ckpt_futex_block(rb, shared, clockrt, &rec);
	else if (ep_wait_restart_is(rb))
		ckpt_epoll_block(rb, &rec);
out:
	return ckpt_write_record(ctx, CKPT_REC_RESTART_BLOCK, &rec.h,
				 sizeof(rec), NULL, 0);
}

static bool rst_restart_block_ok(struct ckpt_rec_restart_block *rec,
				 ktime_t *now)
{
	if (!ckpt_clock_now(rec->clockid, now) || rec->remaining_ns < 0 ||
	    rec->remaining_ns > KTIME_MAX - *now || rec->uaddr >= TASK_SIZE ||
	    rec->rmtp >= TASK_SIZE)
		return false;
	switch (rec->kind) {
	case CKPT_RESTART_NANOSLEEP:
		return rec->rmtp_type == TT_NONE || rec->rmtp_type == TT_NATIVE;
	case CKPT_RESTART_POLL:
		return rec->clockid == CLOCK_MONOTONIC &&
		       !(rec->flags & ~CKPT_RB_TIMEOUT) &&
		       rec->nr <= rlimit(RLIMIT_NOFILE);
	case CKPT_RESTART_EPOLL:
		return IS_ENABLED(CONFIG_EPOLL) &&
		       rec->clockid == CLOCK_MONOTONIC &&
		       !(rec->flags & ~CKPT_RB_TIMEOUT) && rec->nr > 0 &&
		       rec->nr <= INT_MAX / sizeof(struct epoll_event) &&
		       rec->bitset <= INT_MAX;
	case CKPT_RESTART_FUTEX:
		return (rec->clockid == CLOCK_MONOTONIC ||
			rec->clockid == CLOCK_REALTIME) &&
		       (rec->flags & CKPT_RB_TIMEOUT) && rec->bitset &&
		       IS_ALIGNED(rec->uaddr, sizeof(u32)) &&
		       !(rec->flags & ~(CKPT_RB_TIMEOUT | CKPT_RB_SHARED));
	}
	return false;
}

/**
 * rst_restart_block - restore the caller's interrupted wait
 * @ctx: the restart
 * @h: header of a CKPT_REC_RESTART_BLOCK record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_restart_block(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_restart_block rec = { .h = *h };
	struct restart_block *rb = &current->restart_block;
	struct timespec64 end;
	ktime_t now;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.kind == CKPT_RESTART_NONE)
		return 0;
	if (!rst_restart_block_ok(&rec, &now))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad interrupted wait", ctx->rec_pos);

	switch (rec.kind) {
	case CKPT_RESTART_NANOSLEEP:
		hrtimer_nanosleep_restart_set(rb, rec.clockid,
					      now + rec.remaining_ns);
		rb->nanosleep.type = rec.rmtp_type;
		rb->nanosleep.rmtp = (struct __kernel_timespec __user *)
				     (unsigned long)rec.rmtp;
		break;
	case CKPT_RESTART_POLL:
		end = ktime_to_timespec64(now + rec.remaining_ns);
		rb->poll.ufds = (struct pollfd __user *)(unsigned long)rec.uaddr;
		rb->poll.nfds = rec.nr;
		rb->poll.has_timeout = !!(rec.flags & CKPT_RB_TIMEOUT);
		rb->poll.tv_sec = end.tv_sec;
		rb->poll.tv_nsec = end.tv_nsec;
		poll_restart_set(rb);
		break;
	case CKPT_RESTART_FUTEX:
		rb->futex.uaddr = (u32 __user *)(unsigned long)rec.uaddr;
		rb->futex.val = rec.nr;
		rb->futex.bitset = rec.bitset;
		rb->futex.time = now + rec.remaining_ns;
		futex_wait_restart_set(rb, rec.flags & CKPT_RB_SHARED,
				       rec.clockid == CLOCK_REALTIME);
		break;
	case CKPT_RESTART_EPOLL:
		rb->epoll.events = (struct epoll_event __user *)
				   (unsigned long)rec.uaddr;
		rb->epoll.epfd = rec.bitset;
		rb->epoll.maxevents = rec.nr;
		rb->epoll.has_timeout = !!(rec.flags & CKPT_RB_TIMEOUT);
		rb->epoll.expires = now + rec.remaining_ns;
		ep_wait_restart_set(rb);
		break;
	}
	ctx->restart_block = true;
	return 0;
}
