// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: signal dispositions, blocked mask and sigaltstack.
 *
 * Pending signals and interval timers are in sigpending.c, POSIX timers
 * in kernel/time/checkpoint_posix_timers.c.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/posix-timers.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

int ckpt_write_sighand(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_rec_sighand *rec;
	int i, ret;

	BUILD_BUG_ON(_NSIG > CKPT_NSIG);
	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	spin_lock_irq(&t->sighand->siglock);
	for (i = 0; i < _NSIG; i++) {
		struct sigaction *sa = &t->sighand->action[i].sa;

		rec->action[i].handler = (unsigned long)sa->sa_handler;
		rec->action[i].flags = sa->sa_flags;
#ifdef __ARCH_HAS_SA_RESTORER
		rec->action[i].restorer = (unsigned long)sa->sa_restorer;
#endif
		rec->action[i].mask = sa->sa_mask.sig[0];
	}
	/* in sigsuspend() and the like, blocked is a temporary mask */
	rec->blocked = test_tsk_restore_sigmask(t) ? t->saved_sigmask.sig[0] :
						     t->blocked.sig[0];
	spin_unlock_irq(&t->sighand->siglock);
	rec->altstack_sp = t->sas_ss_sp;
	rec->altstack_size = t->sas_ss_size;
	rec->altstack_flags = t->sas_ss_flags;

	ret = ckpt_write_record(ctx, CKPT_REC_SIGHAND, &rec->h, sizeof(*rec),
				NULL, 0);
	kfree(rec);
	return ret;
}

/*
 * A sigaltstack that sigaltstack() could have set (not in use: frozen);
 * no address and no size is none, whatever the mode says.
 */
static bool rst_altstack_ok(const struct ckpt_rec_sighand *rec)
{
	u32 mode = rec->altstack_flags & ~SS_FLAG_BITS;

	if (!rec->altstack_sp && !rec->altstack_size)
		return !mode || mode == SS_DISABLE;
	if (mode == SS_DISABLE)
		return false;
	return !mode && rec->altstack_size >= MINSIGSTKSZ &&
	       rec->altstack_sp < TASK_SIZE &&
	       rec->altstack_size <= TASK_SIZE - rec->altstack_sp;
}

/**
 * rst_sighand - restore the caller's signal dispositions and masks
 * @ctx: the restart
 * @h: header of a CKPT_REC_SIGHAND record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_sighand(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_sighand *rec;
	sigset_t blocked;
	int i, ret;

	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	rec->h = *h;
	ret = ckpt_read_body(ctx, &rec->h, sizeof(*rec));
	if (ret)
		goto out;
	if (!rst_altstack_ok(rec)) {
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: bad sigaltstack (%#llx, %llu bytes, flags %#x)",
			       ctx->rec_pos, rec->altstack_sp, rec->altstack_size,
			       rec->altstack_flags);
		goto out;
	}

	for (i = 1; i <= _NSIG && !ret; i++) {
		struct ckpt_sigaction *ca = &rec->action[i - 1];
		struct k_sigaction ka = {};

		if (sig_kernel_only(i)) {
			if (ca->handler != (unsigned long)SIG_DFL)
				ret = ckpt_err(ctx, -EINVAL,
					       "signal %d cannot have a handler",
					       i);
			continue;
		}
		ka.sa.sa_handler = (__sighandler_t)(unsigned long)ca->handler;
		ka.sa.sa_flags = ca->flags;
#ifdef __ARCH_HAS_SA_RESTORER
		ka.sa.sa_restorer = (__sigrestore_t)(unsigned long)ca->restorer;
#endif
		ka.sa.sa_mask.sig[0] = ca->mask;
		ret = do_sigaction(i, &ka, NULL);
		if (ret)
			ret = ckpt_err(ctx, ret,
				       "cannot restore the action of signal %d",
				       i);
	}
	if (ret)
		goto out;

	blocked.sig[0] = rec->blocked;
	sigdelsetmask(&blocked, sigmask(SIGKILL) | sigmask(SIGSTOP));
	set_current_blocked(&blocked);

	current->sas_ss_sp = rec->altstack_sp;
	current->sas_ss_size = rec->altstack_size;
	current->sas_ss_flags = rec->altstack_size ? rec->altstack_flags :
						     SS_DISABLE;
out:
	kfree(rec);
	return ret;
}
