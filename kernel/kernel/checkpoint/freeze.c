// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: keeping the tree still while it is dumped.
 *
 * A tree that the cgroup v2 freezer froze (a container's own cgroup) is
 * dumped as it is.  Otherwise checkpoint() freezes the tree itself, with
 * the machinery of the system freezer but for these tasks only: each is
 * marked (task_struct::ckpt_freeze, which freezing() reports) and woken
 * as if by a signal, so that it parks in the refrigerator on its way
 * back to user mode, in get_signal(), before it handles any signal.
 * Nothing of this shows: no stop, no SIGCHLD to the parent, no cgroup
 * change in /proc.
 *
 * A task woken from an interruptible sleep leaves its system call with
 * an -ERESTART* code, which the signal code restarts when it is thawed
 * (and which the image saves, for restart() to do the same).  A few
 * calls return -EINTR whatever woke them (sigtimedwait(), io_getevents(),
 * epoll_pwait() with a signal mask...): their -EINTR becomes
 * -ERESTARTNOHAND, which is -EINTR again if a signal handler runs and a
 * transparent restart if none does.  Such a call starts again with its
 * whole timeout.  epoll_wait() (and epoll_pwait(), epoll_pwait2() with no
 * mask) sees the freeze itself and goes on with the time it had left,
 * through a restart block.
 */
#include <linux/cgroup.h>
#include <linux/checkpoint.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/freezer.h>
#include <linux/jump_label.h>
#include <linux/sched.h>
#include <linux/sched/jobctl.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <asm/syscall.h>

/* How long checkpoint() waits for a task to freeze. */
#define CKPT_FREEZE_WAIT_MS	2000
#define CKPT_FREEZE_POLL_MS	5

/* Frozen by the cgroup v2 freezer and off its CPU. */
static bool ckpt_cgroup_frozen(struct task_struct *t)
{
	return cgroup_task_frozen(t) &&
	       wait_task_inactive(t, TASK_INTERRUPTIBLE | TASK_FREEZABLE);
}

/* Frozen by ckpt_freeze_task() and off its CPU. */
static bool ckpt_self_frozen(struct task_struct *t)
{
	return frozen(t) && wait_task_inactive(t, TASK_FROZEN);
}

/*
 * A task stopped by job control is frozen where it sleeps, by the
 * freezer itself (it keeps TASK_STOPPED to give back on thaw); any
 * other task is woken to park in get_signal().
 */
static void ckpt_freeze_task(struct task_struct *t)
{
	unsigned long flags;

	WRITE_ONCE(t->ckpt_freeze, true);
	/* seen by freezing() before the wakeup that makes the task look */
	smp_mb();
	if (READ_ONCE(t->__state) & __TASK_STOPPED) {
		freeze_task(t);
		return;
	}
	if (lock_task_sighand(t, &flags)) {
		signal_wake_up(t, false);
		unlock_task_sighand(t, &flags);
	}
}

/*
 * A SIGCONT that came while a stopped task was frozen could not wake
 * it: it cleared JOBCTL_STOPPED, and the task is woken now.
 */
static void ckpt_thaw_task(struct task_struct *t)
{
	unsigned long flags;

	WRITE_ONCE(t->ckpt_freeze, false);
	__thaw_task(t);
	if (lock_task_sighand(t, &flags)) {
		if (!(t->jobctl & JOBCTL_STOPPED))
			wake_up_state(t, __TASK_STOPPED);
		unlock_task_sighand(t, &flags);
	}
}

/* An -EINTR that the freeze may have caused restarts instead. */
static void ckpt_restart_eintr(struct task_struct *t)
{
	struct pt_regs *regs = task_pt_regs(t);

	if (syscall_get_nr(t, regs) >= 0 &&
	    syscall_get_error(t, regs) == -EINTR)
		syscall_set_return_value(t, regs, -ERESTARTNOHAND, 0);
}

static const char *ckpt_task_state(struct task_struct *t)
{
	unsigned int state = READ_ONCE(t->__state);

	if (t->exit_state)
		return "exiting";
	if (state & __TASK_TRACED)
		return "stopped by a debugger";
	if (state & __TASK_STOPPED)
		return "stopped";
	if (state & TASK_UNINTERRUPTIBLE)
		return "in an uninterruptible sleep";
	return "running";
}

/**
 * ckpt_freeze_start - start freezing a task to be dumped
 * @ctx: the checkpoint
 * @t: the task
 *
 * Every call is undone by ckpt_thaw(), and the checkpoint ends with
 * ckpt_freeze_end().  A zombie needs no freezing.
 */
void ckpt_freeze_start(struct ckpt_ctx *ctx, struct task_struct *t)
{
	if (t->exit_state || ckpt_cgroup_frozen(t))
		return;
	if (!ctx->freezer_active) {
		static_branch_inc(&freezer_active);
		ctx->freezer_active = true;
	}
	ckpt_freeze_task(t);
}

/**
 * ckpt_freeze_wait - wait until ckpt_freeze_start() froze a task
 * @ctx: the checkpoint
 * @t: the task
 *
 * Return: 0, or -EBUSY with a log message if @t did not freeze within
 * CKPT_FREEZE_WAIT_MS, -EINTR if the caller got a signal.
 */
int ckpt_freeze_wait(struct ckpt_ctx *ctx, struct task_struct *t)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(CKPT_FREEZE_WAIT_MS);

	for (;;) {
		if (t->exit_state)
			return 0;
		if (READ_ONCE(t->ckpt_freeze) ? ckpt_self_frozen(t) :
						 ckpt_cgroup_frozen(t)) {
			ckpt_restart_eintr(t);
			return 0;
		}
		if (time_after(jiffies, deadline))
			break;
		if (msleep_interruptible(CKPT_FREEZE_POLL_MS))
			return -EINTR;
	}
	return ckpt_err(ctx, -EBUSY, "pid %d did not freeze within %d ms: it is %s",
			task_pid_vnr(t), CKPT_FREEZE_WAIT_MS,
			ckpt_task_state(t));
}

/**
 * ckpt_still_frozen - check that @t stayed frozen for the whole dump
 * @ctx: the checkpoint
 * @t: a task that ckpt_freeze_wait() saw frozen
 *
 * A task of a frozen cgroup that is woken (a signal, a migration) runs
 * through the signal code before it freezes again: its state may have
 * changed under the dump.
 *
 * Return: 0, or -EBUSY with a log message.
 */
int ckpt_still_frozen(struct ckpt_ctx *ctx, struct task_struct *t)
{
	if (t->exit_state)
		return 0;
	if (READ_ONCE(t->ckpt_freeze) ? ckpt_self_frozen(t) :
					 ckpt_cgroup_frozen(t))
		return 0;
	return ckpt_err(ctx, -EBUSY, "pid %d was thawed during the checkpoint",
			task_pid_vnr(t));
}

/**
 * ckpt_thaw - undo ckpt_freeze_start()
 * @t: the task
 *
 * A task the cgroup v2 freezer froze stays frozen: its cgroup's owner
 * thaws it.
 */
void ckpt_thaw(struct task_struct *t)
{
	if (READ_ONCE(t->ckpt_freeze))
		ckpt_thaw_task(t);
}

/**
 * ckpt_freeze_end - after the last ckpt_thaw() of a checkpoint
 * @ctx: the checkpoint
 */
void ckpt_freeze_end(struct ckpt_ctx *ctx)
{
	if (ctx->freezer_active) {
		static_branch_dec(&freezer_active);
		ctx->freezer_active = false;
	}
}
