// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of resource limits and scheduling parameters.
 *
 * Both are restored through the same checks as setrlimit(), nice() and
 * sched_setscheduler() for the restarting caller: a limit above the
 * caller's hard limit, a higher priority or a real-time policy need the
 * capabilities those calls need.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <uapi/linux/sched/types.h>

int ckpt_write_rlimits(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_rec_rlimits rec = { .nr = RLIM_NLIMITS };
	int i;

	BUILD_BUG_ON(RLIM_NLIMITS > CKPT_RLIM_NLIMITS);
	task_lock(t->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		rec.rlim[i].cur = t->signal->rlim[i].rlim_cur;
		rec.rlim[i].max = t->signal->rlim[i].rlim_max;
	}
	task_unlock(t->group_leader);
	return ckpt_write_record(ctx, CKPT_REC_RLIMITS, &rec.h, sizeof(rec),
				 NULL, 0);
}

int rst_rlimits(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_rlimits rec = { .h = *h };
	struct rlimit lim;
	int i, ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.nr > CKPT_RLIM_NLIMITS)
		return ckpt_err(ctx, -EINVAL, "offset %lld: %u resource limits",
				ctx->rec_pos, rec.nr);
	for (i = 0; i < min_t(u32, rec.nr, RLIM_NLIMITS); i++) {
		lim.rlim_cur = rec.rlim[i].cur;
		lim.rlim_max = rec.rlim[i].max;
		ret = do_prlimit(current, i, &lim, NULL);
		if (ret)
			return ckpt_err(ctx, ret,
					"cannot set resource limit %d to %llu/%llu: error %d",
					i, rec.rlim[i].cur, rec.rlim[i].max, ret);
	}
	return 0;
}

int ckpt_write_sched(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_rec_sched rec = {};

	rec.nice = task_nice(t);
	rec.policy = t->policy;
	rec.rt_priority = t->rt_priority;
	rec.reset_on_fork = t->sched_reset_on_fork;
	if (rec.policy != SCHED_NORMAL && rec.policy != SCHED_BATCH &&
	    rec.policy != SCHED_IDLE && rec.policy != SCHED_FIFO &&
	    rec.policy != SCHED_RR)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: scheduling policy %u is not supported yet",
				task_pid_vnr(t), rec.policy);
	return ckpt_write_record(ctx, CKPT_REC_SCHED, &rec.h, sizeof(rec),
				 NULL, 0);
}

int rst_sched(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_sched rec = { .h = *h };
	struct sched_param param = {};
	int policy, ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.nice < MIN_NICE || rec.nice > MAX_NICE || rec.reset_on_fork > 1 ||
	    (rec.policy != SCHED_NORMAL && rec.policy != SCHED_BATCH &&
	     rec.policy != SCHED_IDLE && rec.policy != SCHED_FIFO &&
	     rec.policy != SCHED_RR))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad scheduling parameters",
				ctx->rec_pos);

	policy = rec.policy | (rec.reset_on_fork ? SCHED_RESET_ON_FORK : 0);
	param.sched_priority = rec.rt_priority;
	ret = sched_setscheduler(current, policy, &param);
	if (ret)
		return ckpt_err(ctx, ret,
				"cannot set scheduling policy %u priority %u: error %d",
				rec.policy, rec.rt_priority, ret);
	if (rec.nice == task_nice(current))
		return 0;
	/* as setpriority(): only a lower nice value needs the right */
	if (rec.nice < task_nice(current) && !can_nice(current, rec.nice))
		return ckpt_err(ctx, -EPERM,
				"the caller may not raise the priority to nice %d",
				rec.nice);
	ret = security_task_setnice(current, rec.nice);
	if (ret)
		return ckpt_err(ctx, ret, "cannot set nice %d", rec.nice);
	set_user_nice(current, rec.nice);
	return 0;
}
