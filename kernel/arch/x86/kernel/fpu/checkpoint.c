// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: load a saved xsave area into the current task.
 *
 * restart() replaces the calling task's FPU state with the image's
 * before the task returns to user space.  The buffer is untrusted: it is
 * copied into a full-size, zeroed standard-format buffer and goes
 * through the same validation as PTRACE_SETREGSET.
 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/checkpoint.h>
#include <asm/fpu/sched.h>
#include <asm/fpu/signal.h>
#include <asm/fpu/types.h>
#include <asm/pkru.h>

#include "context.h"
#include "internal.h"
#include "xstate.h"

/**
 * fpu_checkpoint_load_xstate - make @buf the FPU state of current
 * @buf: user (standard) format xsave area
 * @size: its size, at most fpu_user_cfg.max_size
 *
 * The registers are loaded from the new state on the return to user space.
 *
 * Return: 0, -EINVAL for a malformed area, -ENODEV without XSAVE.
 */
int fpu_checkpoint_load_xstate(const void *buf, unsigned int size)
{
	struct fpu *fpu = &current->thread.fpu;
	void *tmp;
	int ret;

	if (!cpu_feature_enabled(X86_FEATURE_XSAVE))
		return -ENODEV;
	if (size > fpu_user_cfg.max_size)
		return -EINVAL;

	tmp = __vmalloc(fpu_user_cfg.max_size,
		       GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, buf, size);

	fpregs_lock();
	if (!test_thread_flag(TIF_NEED_FPU_LOAD)) {
		/* From now on the memory image is authoritative. */
		save_fpregs_to_fpstate(fpu);
		set_thread_flag(TIF_NEED_FPU_LOAD);
	}
	__fpu_invalidate_fpregs_state(fpu);
	__cpu_invalidate_fpregs_state();
	ret = copy_uabi_from_kernel_to_xstate(fpu->fpstate, tmp,
					      &current->thread.pkru);
	if (!ret)
		write_pkru(current->thread.pkru);
	fpregs_unlock();
	if (ret)
		fpu__clear_user_states(fpu);

	vfree(tmp);
	return ret;
}
