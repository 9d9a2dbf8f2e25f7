// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: processes stopped by job control.
 *
 * A process stopped by SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU (a job
 * suspended with ^Z) freezes as it is: the freezer takes a stopped task
 * without waking it, and gives it back stopped (freeze.c).  The TREE
 * entry of its leader says so (CKPT_TASK_STOPPED, with the stop signal),
 * and whether its parent's wait() already took the stop
 * (CKPT_TASK_STOP_WAITED).
 *
 * Restart stops it again the way a group stop ends: the stop is recorded
 * as complete, so the parent is not notified a second time, and every
 * thread stops on its way back to user mode.  wait(WUNTRACED) reports it
 * only if it had not before; SIGCONT resumes it.  A process in the middle
 * of a group stop (some threads stopped, others not yet) is refused.
 */
#include <linux/checkpoint.h>
#include <linux/sched.h>
#include <linux/sched/jobctl.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>

/**
 * ckpt_task_stopping - is a group stop of @t's process under way?
 * @t: a frozen task
 *
 * Return: true if some of its threads still have to stop.
 */
bool ckpt_task_stopping(struct task_struct *t)
{
	struct task_struct *thread;
	unsigned long flags;
	bool stopping;

	if (!lock_task_sighand(t, &flags))
		return false;
	stopping = t->signal->group_stop_count;
	for_each_thread(t, thread)
		if (thread->jobctl & JOBCTL_STOP_PENDING)
			stopping = true;
	unlock_task_sighand(t, &flags);
	return stopping;
}

/**
 * ckpt_task_stop_ids - note in @ids whether @t's process is stopped
 * @t: a frozen process leader
 * @ids: its TREE entry
 */
void ckpt_task_stop_ids(struct task_struct *t, struct ckpt_task_ids *ids)
{
	struct signal_struct *sig = t->signal;
	unsigned long flags;

	if (!thread_group_leader(t) || t->exit_state ||
	    !lock_task_sighand(t, &flags))
		return;
	if (sig->flags & SIGNAL_STOP_STOPPED) {
		ids->flags |= CKPT_TASK_STOPPED;
		if (!sig->group_exit_code)
			ids->flags |= CKPT_TASK_STOP_WAITED;
		ids->stop_signal = (t->jobctl & JOBCTL_STOP_SIGMASK) ?: SIGSTOP;
	}
	unlock_task_sighand(t, &flags);
}

/**
 * rst_check_stop_ids - check the stop fields of a TREE entry
 * @ids: the entry
 *
 * Return: true if they are sound.
 */
bool rst_check_stop_ids(const struct ckpt_task_ids *ids)
{
	if (!(ids->flags & CKPT_TASK_STOPPED))
		return !ids->stop_signal && !(ids->flags & CKPT_TASK_STOP_WAITED);
	return !(ids->flags & CKPT_TASK_ZOMBIE) && ids->pid == ids->tgid &&
	       ids->stop_signal < SIGRTMIN && sig_kernel_stop(ids->stop_signal);
}

/**
 * rst_stop_commit - stop the restored caller if its process was stopped
 * @ctx: the restart, which succeeded
 *
 * Called once the caller's signals are restored: the stop comes before
 * any of its pending signals is handled.
 */
void rst_stop_commit(struct ckpt_ctx *ctx)
{
	const struct ckpt_task_ids *ids = rst_process_ids(ctx);
	struct signal_struct *sig = current->signal;

	if (!ids || !(ids->flags & CKPT_TASK_STOPPED))
		return;
	spin_lock_irq(&current->sighand->siglock);
	if (!(sig->flags & SIGNAL_GROUP_EXIT)) {
		signal_set_stop_flags(sig, SIGNAL_STOP_STOPPED);
		sig->group_exit_code = (ids->flags & CKPT_TASK_STOP_WAITED) ?
				       0 : ids->stop_signal;
		sig->group_stop_count = 0;
		/* do_signal_stop() parks it, without a notification */
		task_set_jobctl_pending(current,
					ids->stop_signal | JOBCTL_STOP_PENDING);
		set_tsk_thread_flag(current, TIF_SIGPENDING);
	}
	spin_unlock_irq(&current->sighand->siglock);
}
