// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of POSIX timers (timer_create()).
 *
 * A process's timers are saved in one POSIX_TIMERS record after its
 * ITIMERS record: each with its id, clock, notification, interval,
 * overrun counts and the time to its next expiry, and whether its signal
 * is pending; with them the id that timer_create() gives next.
 *
 * The rule for time is timerfd's: a timer keeps the time it had left,
 * counted again from the restart (the downtime does not count; a periodic
 * timer neither bursts nor skips), except an absolute CLOCK_REALTIME
 * deadline, which stays absolute.  A timer whose signal was pending has
 * it pending again, once, with its overrun count; delivering it rearms a
 * periodic timer as it would have.  The timer's own queue entry carries
 * that signal: the SIGPENDING records leave it out.
 *
 * Restart makes the timers with their ids when it reads the record and
 * arms them with the pending signals, once the whole image is read
 * (rst_posix_timers_commit()).  Timers of the CPU-time and alarm clocks,
 * and a signal pending for another thread than the process's leader, are
 * refused by name.
 */
#include <linux/checkpoint.h>
#include <linux/pid_namespace.h>
#include <linux/posix-timers.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

static int ckpt_posix_timer(struct ckpt_ctx *ctx, struct task_struct *t,
			    const struct posix_timer_ckpt *st,
			    struct ckpt_posix_timer *out)
{
	pid_t pid = task_pid_vnr(t);

	if (!st->known)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: POSIX timer %d of clock %d (a CPU-time or alarm clock) is not supported yet",
				pid, st->id, st->clock);
	if (st->notify != SIGEV_NONE && st->notify != SIGEV_SIGNAL &&
	    st->notify != (SIGEV_SIGNAL | SIGEV_THREAD_ID))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: POSIX timer %d with notification %d is not supported",
				pid, st->id, st->notify);
	if ((st->notify & SIGEV_THREAD_ID) && st->sigpending &&
	    st->tid != task_pid_nr_ns(t->group_leader,
				      task_active_pid_ns(ctx->root)))
		return ckpt_err(ctx, -EBUSY,
				"pid %d: POSIX timer %d has its signal pending for thread %d, not the leader: not supported, try again",
				pid, st->id, st->tid);
	*out = (struct ckpt_posix_timer) {
		.id = st->id,
		.clockid = st->clock,
		.notify = st->notify,
		.signo = st->notify == SIGEV_NONE ? 0 : st->signo,
		.sigval = st->sigval,
		.tid = st->tid,
		.value_ns = ktime_to_ns(st->value),
		.interval_ns = ktime_to_ns(st->interval),
		.overrun = st->overrun,
		.overrun_last = st->overrun_last,
		.sig_overrun = st->sig_overrun,
		.requeue = st->requeue,
		.sig_private = st->sig_private,
	};
	if (st->abstime)
		out->flags |= CKPT_PTIMER_ABSTIME;
	if (st->armed)
		out->flags |= CKPT_PTIMER_ARMED;
	if (st->sigpending && st->notify != SIGEV_NONE)
		out->flags |= CKPT_PTIMER_SIGPENDING;
	return 0;
}

/* The timers of @t's process, in a kvmalloc'ed array; their number in *@n. */
static struct posix_timer_ckpt *ckpt_posix_timers_get(struct ckpt_ctx *ctx,
						      struct task_struct *t,
						      int *n, int *next_id)
{
	struct pid_namespace *ns = task_active_pid_ns(ctx->root);
	struct posix_timer_ckpt *st = NULL;
	int max = 0;

	for (;;) {
		*n = posix_timers_ckpt_get(t, ns, st, max, next_id);
		if (*n <= max)
			return st;
		kvfree(st);
		if (*n > CKPT_POSIX_TIMERS_MAX) {
			ckpt_err(ctx, -EOPNOTSUPP,
				 "pid %d: more than %u POSIX timers are not supported",
				 task_pid_vnr(t), CKPT_POSIX_TIMERS_MAX);
			return ERR_PTR(-EOPNOTSUPP);
		}
		max = *n;
		st = kvcalloc(max, sizeof(*st), GFP_KERNEL | __GFP_NOWARN);
		if (!st)
			return ERR_PTR(-ENOMEM);
	}
}

/**
 * ckpt_write_posix_timers - write the POSIX timers of a process
 * @ctx: the checkpoint
 * @t: the process's leader, frozen with its threads
 *
 * Nothing is written for a process that never made a timer.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_posix_timers(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_rec_posix_timers rec = {};
	struct posix_timer_ckpt *st;
	struct ckpt_posix_timer *out = NULL;
	int i, n, next_id, ret = 0;

	st = ckpt_posix_timers_get(ctx, t, &n, &next_id);
	if (IS_ERR(st))
		return PTR_ERR(st);
	if (!n && !next_id)
		goto out;
	ret = -ENOMEM;
	out = kvcalloc(n, sizeof(*out), GFP_KERNEL | __GFP_NOWARN);
	if (n && !out)
		goto out;
	ret = 0;
	for (i = 0; i < n && !ret; i++)
		ret = ckpt_posix_timer(ctx, t, &st[i], &out[i]);
	if (!ret) {
		rec.next_id = next_id;
		rec.nr_timers = n;
		ret = ckpt_write_record(ctx, CKPT_REC_POSIX_TIMERS, &rec.h,
					sizeof(rec), out, n * sizeof(*out));
	}
out:
	kvfree(out);
	kvfree(st);
	return ret;
}

/* Refuse what timer_create() and timer_settime() would not make. */
static int rst_posix_timer_check(struct ckpt_ctx *ctx,
				 const struct ckpt_posix_timer *pt)
{
	const u32 known = CKPT_PTIMER_ABSTIME | CKPT_PTIMER_ARMED |
			  CKPT_PTIMER_SIGPENDING;
	bool signals = pt->notify != SIGEV_NONE;

	if (pt->id < 0 || (pt->flags & ~known) || pt->pad ||
	    (pt->clockid != CLOCK_REALTIME && pt->clockid != CLOCK_MONOTONIC &&
	     pt->clockid != CLOCK_BOOTTIME && pt->clockid != CLOCK_TAI) ||
	    (pt->notify != SIGEV_NONE && pt->notify != SIGEV_SIGNAL &&
	     pt->notify != (SIGEV_SIGNAL | SIGEV_THREAD_ID)) ||
	    (signals ? (pt->signo < 1 || pt->signo > _NSIG) : pt->signo) ||
	    (!(pt->notify & SIGEV_THREAD_ID) && pt->tid) ||
	    ((pt->flags & CKPT_PTIMER_ABSTIME) &&
	     pt->clockid != CLOCK_REALTIME) ||
	    ((pt->flags & CKPT_PTIMER_SIGPENDING) && !signals) ||
	    pt->interval_ns < 0 || pt->value_ns < -KTIME_MAX / 2 ||
	    pt->value_ns > KTIME_MAX / 2 || pt->overrun < -1 ||
	    pt->overrun_last < -1 || pt->sig_overrun < 0)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad POSIX timer %d (clock %d, notification %d, signal %d, thread %d, flags %#x, time %lld ns, interval %lld ns)",
				ctx->rec_pos, pt->id, pt->clockid, pt->notify,
				pt->signo, pt->tid, pt->flags, pt->value_ns,
				pt->interval_ns);
	return 0;
}

static void rst_posix_timer_state(const struct ckpt_posix_timer *pt,
				  struct posix_timer_ckpt *st)
{
	*st = (struct posix_timer_ckpt) {
		.id = pt->id,
		.clock = pt->clockid,
		.notify = pt->notify,
		.signo = pt->signo,
		.sigval = pt->sigval,
		.tid = pt->tid,
		.known = true,
		.abstime = pt->flags & CKPT_PTIMER_ABSTIME,
		.armed = pt->flags & CKPT_PTIMER_ARMED,
		.sigpending = pt->flags & CKPT_PTIMER_SIGPENDING,
		.value = ns_to_ktime(pt->value_ns),
		.interval = ns_to_ktime(pt->interval_ns),
		.overrun = pt->overrun,
		.overrun_last = pt->overrun_last,
		.sig_overrun = pt->sig_overrun,
		.requeue = pt->requeue,
		.sig_private = pt->sig_private,
	};
}

static int rst_posix_timer_make(struct ckpt_ctx *ctx,
				const struct posix_timer_ckpt *st)
{
	int ret = posix_timer_ckpt_create(st);

	if (ret == -EEXIST)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: POSIX timer %d twice",
				ctx->rec_pos, st->id);
	if (ret)
		return ckpt_err(ctx, ret,
				"POSIX timer %d: cannot make it (clock %d, notification %d, signal %d, thread %d): error %d",
				st->id, st->clock, st->notify, st->signo,
				st->tid, ret);
	return 0;
}

/**
 * rst_posix_timers - make the POSIX timers of a POSIX_TIMERS record
 * @ctx: the restart, of a process's leader
 * @h: header of a CKPT_REC_POSIX_TIMERS record
 *
 * The timers that the caller had are deleted first.  They are armed by
 * rst_posix_timers_commit().
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_posix_timers(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_posix_timers rec = { .h = *h };
	struct ckpt_posix_timer *pt;
	struct posix_timer_ckpt *st;
	u32 i;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.next_id < 0 || rec.nr_timers > CKPT_POSIX_TIMERS_MAX)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: POSIX timers: next id %d, %u timers",
				ctx->rec_pos, rec.next_id, rec.nr_timers);
	if (rec.h.len != sizeof(rec) + rec.nr_timers * sizeof(*pt))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: POSIX timers: %u timers in a record of %u bytes",
				ctx->rec_pos, rec.nr_timers, rec.h.len);
	pt = kvcalloc(rec.nr_timers, sizeof(*pt), GFP_KERNEL | __GFP_NOWARN);
	st = kvcalloc(rec.nr_timers, sizeof(*st), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	ret = -ENOMEM;
	if (rec.nr_timers && (!pt || !st))
		goto out;
	ret = ckpt_read_bytes(ctx, pt, rec.nr_timers * sizeof(*pt));
	exit_itimers(current);
	for (i = 0; i < rec.nr_timers && !ret; i++) {
		ret = rst_posix_timer_check(ctx, &pt[i]);
		if (!ret) {
			rst_posix_timer_state(&pt[i], &st[i]);
			ret = rst_posix_timer_make(ctx, &st[i]);
		}
	}
	if (ret)
		goto out;
	posix_timers_ckpt_set_next_id(rec.next_id);
	ctx->ptimers = st;
	ctx->nr_ptimers = rec.nr_timers;
	st = NULL;
out:
	kvfree(st);
	kvfree(pt);
	return ret;
}

/**
 * rst_posix_timers_commit - arm the restored POSIX timers
 * @ctx: the restart, when nothing is left to read
 * @ok: the whole image was restored
 *
 * Called after the pending signals are queued: a timer's pending signal
 * comes after them.  A process whose image has no timers keeps none of the
 * caller's.
 */
void rst_posix_timers_commit(struct ckpt_ctx *ctx, bool ok)
{
	u32 i;

	if (ok && !rst_is_thread(ctx)) {
		if (!(ctx->seen & RST_SEEN_POSIX_TIMERS))
			exit_itimers(current);
		for (i = 0; i < ctx->nr_ptimers; i++)
			posix_timer_ckpt_arm(&ctx->ptimers[i]);
	}
	kvfree(ctx->ptimers);
	ctx->ptimers = NULL;
	ctx->nr_ptimers = 0;
}
