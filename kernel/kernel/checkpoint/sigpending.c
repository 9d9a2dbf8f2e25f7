// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of pending signals and interval timers.
 *
 * Pending signals are saved with their siginfo and queued again on the
 * restored task, private or process-wide as they were.  ITIMER_REAL is
 * saved as the time it had left at checkpoint time; a timer that fired
 * while the task was frozen left a pending SIGALRM, which is saved too.
 * ITIMER_VIRTUAL and ITIMER_PROF are saved as the CPU time they had left.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/posix-timers.h>
#include <linux/sched/cputime.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Entries for the signals of @pending; *n counts them, @out may be NULL. */
static void ckpt_collect_pending(struct sigpending *pending, u32 flags,
				 struct ckpt_sigpending_entry *out, u32 *n,
				 u32 max)
{
	struct sigqueue *q;
	siginfo_t info;
	int sig;

	for (sig = 1; sig <= _NSIG; sig++) {
		bool queued = false;

		if (!sigismember(&pending->signal, sig))
			continue;
		list_for_each_entry(q, &pending->list, list) {
			if (q->info.si_signo != sig)
				continue;
			queued = true;
			/* a live POSIX timer's: saved with the timer */
			if (q->flags & SIGQUEUE_PREALLOC)
				continue;
			if (out && *n < max) {
				copy_siginfo_to_external(&info, &q->info);
				out[*n].signo = sig;
				out[*n].flags = flags;
				memcpy(out[*n].info, &info, sizeof(info));
			}
			(*n)++;
		}
		if (queued)
			continue;
		/* pending without a queue entry: the kernel sent it */
		if (out && *n < max) {
			memset(&info, 0, sizeof(info));
			info.si_signo = sig;
			info.si_code = SI_KERNEL;
			out[*n].signo = sig;
			out[*n].flags = flags;
			memcpy(out[*n].info, &info, sizeof(info));
		}
		(*n)++;
	}
}

int ckpt_write_sigpending(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_sigpending_entry *entries = NULL;
	struct ckpt_rec_sigpending rec = {};
	u32 n, max = 0;
	int ret;

	BUILD_BUG_ON(sizeof(siginfo_t) != CKPT_SIGINFO_SIZE);
	for (;;) {
		n = 0;
		spin_lock_irq(&t->sighand->siglock);
		ckpt_collect_pending(&t->pending, 0, entries, &n, max);
		/* the process's own come with its leader */
		if (thread_group_leader(t))
			ckpt_collect_pending(&t->signal->shared_pending,
					     CKPT_SIG_SHARED, entries, &n, max);
		spin_unlock_irq(&t->sighand->siglock);
		if (n <= max)
			break;
		/* the task is frozen, but a sender may still queue more */
		kvfree(entries);
		max = n + 8;
		entries = kvcalloc(max, sizeof(*entries), GFP_KERNEL | __GFP_NOWARN);
		if (!entries)
			return -ENOMEM;
	}
	rec.nr = n;
	ret = ckpt_write_record(ctx, CKPT_REC_SIGPENDING, &rec.h, sizeof(rec),
				entries, n * sizeof(*entries));
	kvfree(entries);
	return ret;
}

static void rst_queue_signal(struct ckpt_ctx *ctx,
			     struct ckpt_sigpending_entry *e)
{
	kernel_siginfo_t info;
	int ret;

	clear_siginfo(&info);
	memcpy(&info, e->info, sizeof(info));
	if (e->flags & CKPT_SIG_SHARED)
		ret = group_send_sig_info(e->signo, &info, current,
					  PIDTYPE_TGID);
	else
		ret = send_sig_info(e->signo, &info, current);
	if (ret)
		ckpt_log(ctx, "cannot queue signal %u again: error %d",
			 e->signo, ret);
}

/**
 * rst_sigpending - read the saved pending signals
 * @ctx: the restart
 * @h: header of a CKPT_REC_SIGPENDING record
 *
 * They are queued by rst_signals_commit() once the whole image has been
 * read: a pending signal would interrupt the reading of a pipe.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_sigpending(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_sigpending rec = { .h = *h };
	struct ckpt_sigpending_entry *e;
	u32 i;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.nr > (rec.h.len - sizeof(rec)) / sizeof(*e))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: %u pending signals do not fit the record",
				ctx->rec_pos, rec.nr);
	if (!rec.nr)
		return 0;
	e = kvcalloc(rec.nr, sizeof(*e), GFP_KERNEL | __GFP_NOWARN);
	if (!e)
		return -ENOMEM;
	ctx->sigpending = e;
	ctx->nr_sigpending = rec.nr;
	for (i = 0; i < rec.nr && !ret; i++) {
		ret = ckpt_read_bytes(ctx, &e[i], sizeof(e[i]));
		if (!ret && (!valid_signal(e[i].signo) || !e[i].signo ||
			     sig_kernel_only(e[i].signo) ||
			     (e[i].flags & ~CKPT_SIG_SHARED) ||
			     (rst_is_thread(ctx) &&
			      (e[i].flags & CKPT_SIG_SHARED)) ||
			     ((siginfo_t *)e[i].info)->si_signo != e[i].signo))
			ret = ckpt_err(ctx, -EINVAL,
				       "offset %lld: bad pending signal %u",
				       ctx->rec_pos, e[i].signo);
	}
	return ret;
}

/* CPU time an ITIMER_VIRTUAL/PROF timer has left, 0 when disarmed. */
static u64 ckpt_cpu_itimer_left(u64 expires, u64 now)
{
	if (!expires)
		return 0;
	/* expired but not delivered yet: fire right after restart */
	return expires > now ? expires - now : TICK_NSEC;
}

int ckpt_write_itimers(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct signal_struct *sig = t->signal;
	struct ckpt_rec_itimers rec = {};
	struct task_cputime times;
	u64 virt, prof;
	ktime_t left;

	spin_lock_irq(&t->sighand->siglock);
	if (hrtimer_active(&sig->real_timer)) {
		left = hrtimer_get_remaining(&sig->real_timer);
		/* about to fire: keep it armed, as getitimer() does */
		rec.real_value_ns = max_t(s64, ktime_to_ns(left), NSEC_PER_USEC);
		rec.real_interval_ns = ktime_to_ns(sig->it_real_incr);
	}
	virt = sig->it[CPUCLOCK_VIRT].expires;
	prof = sig->it[CPUCLOCK_PROF].expires;
	rec.virt_interval_ns = sig->it[CPUCLOCK_VIRT].incr;
	rec.prof_interval_ns = sig->it[CPUCLOCK_PROF].incr;
	spin_unlock_irq(&t->sighand->siglock);

	if (virt || prof) {
		thread_group_cputime(t, &times);
		rec.virt_value_ns = ckpt_cpu_itimer_left(virt, times.utime);
		rec.prof_value_ns = ckpt_cpu_itimer_left(prof, times.utime +
							 times.stime);
	}
	return ckpt_write_record(ctx, CKPT_REC_ITIMERS, &rec.h, sizeof(rec),
				 NULL, 0);
}

/**
 * rst_itimers - read the saved ITIMER_REAL
 * @ctx: the restart
 * @h: header of a CKPT_REC_ITIMERS record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_itimers(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_itimers rec = { .h = *h };
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.real_value_ns > KTIME_MAX || rec.real_interval_ns > KTIME_MAX ||
	    rec.virt_value_ns > KTIME_MAX || rec.virt_interval_ns > KTIME_MAX ||
	    rec.prof_value_ns > KTIME_MAX || rec.prof_interval_ns > KTIME_MAX)
		return ckpt_err(ctx, -EINVAL, "offset %lld: bad interval timer",
				ctx->rec_pos);
	ctx->itimer_real = ns_to_ktime(rec.real_value_ns);
	ctx->itimer_real_incr = ns_to_ktime(rec.real_interval_ns);
	ctx->itimer_cpu[CPUCLOCK_VIRT][0] = rec.virt_value_ns;
	ctx->itimer_cpu[CPUCLOCK_VIRT][1] = rec.virt_interval_ns;
	ctx->itimer_cpu[CPUCLOCK_PROF][0] = rec.prof_value_ns;
	ctx->itimer_cpu[CPUCLOCK_PROF][1] = rec.prof_interval_ns;
	return 0;
}

/* What setitimer(ITIMER_VIRTUAL or ITIMER_PROF) does, for current. */
static void rst_cpu_itimer(unsigned int clock_id, u64 value, u64 interval)
{
	struct cpu_itimer *it = &current->signal->it[clock_id];
	u64 oval;

	spin_lock_irq(&current->sighand->siglock);
	oval = it->expires;
	if (oval || value) {
		if (value)
			value += TICK_NSEC;
		set_process_cpu_timer(current, clock_id, &value, &oval);
	}
	it->expires = value;
	it->incr = interval;
	spin_unlock_irq(&current->sighand->siglock);
}

/**
 * rst_signals_commit - queue the pending signals and arm ITIMER_REAL
 * @ctx: the restart
 * @ok: the whole image was restored
 *
 * Called last, when nothing is left to read.
 */
void rst_signals_commit(struct ckpt_ctx *ctx, bool ok)
{
	struct signal_struct *sig = current->signal;
	u32 i;

	if (ok) {
		/* what came meanwhile (a SIGCHLD from a zombie) is not the image's */
		spin_lock_irq(&current->sighand->siglock);
		if (!fatal_signal_pending(current)) {
			flush_sigqueue(&current->pending);
			if (!rst_is_thread(ctx))
				flush_sigqueue(&sig->shared_pending);
			recalc_sigpending();
		}
		spin_unlock_irq(&current->sighand->siglock);
		for (i = 0; i < ctx->nr_sigpending; i++)
			rst_queue_signal(ctx, &ctx->sigpending[i]);
		spin_lock_irq(&current->sighand->siglock);
		hrtimer_try_to_cancel(&sig->real_timer);
		sig->it_real_incr = ctx->itimer_real_incr;
		if (ctx->itimer_real)
			hrtimer_start(&sig->real_timer, ctx->itimer_real,
				      HRTIMER_MODE_REL);
		spin_unlock_irq(&current->sighand->siglock);
		rst_cpu_itimer(CPUCLOCK_VIRT, ctx->itimer_cpu[CPUCLOCK_VIRT][0],
			       ctx->itimer_cpu[CPUCLOCK_VIRT][1]);
		rst_cpu_itimer(CPUCLOCK_PROF, ctx->itimer_cpu[CPUCLOCK_PROF][0],
			       ctx->itimer_cpu[CPUCLOCK_PROF][1]);
	}
	kvfree(ctx->sigpending);
	ctx->sigpending = NULL;
	ctx->nr_sigpending = 0;
}
