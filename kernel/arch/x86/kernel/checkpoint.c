// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: x86_64 architecture interface.
 *
 * The image header names the architecture and the user xstate features
 * (XCR0 bits) that saved FPU/SSE/AVX state may use, so that restart can
 * refuse a CPU that lacks one of them instead of letting the restored
 * task fault later.  The CPU record holds the general registers as
 * PTRACE_GETREGS shows them and the xsave area as PTRACE_GETREGSET
 * (NT_X86_XSTATE) shows it.
 */
#include <linux/checkpoint.h>
#include <linux/elf.h>
#include <linux/errno.h>
#include <linux/mm_types.h>
#include <linux/ptrace.h>
#include <linux/regset.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/user.h>
#include <asm/fpu/checkpoint.h>
#include <asm/fpu/types.h>
#include <asm/prctl.h>
#include <asm/proto.h>
#include <asm/segment.h>
#include <asm/unistd.h>
#include <asm/vdso.h>

/* Offset of the xsave header's XSTATE_BV in a standard-format area. */
#define CKPT_XSAVE_HDR_OFFSET	512
#define CKPT_XSAVE_MIN_SIZE	(CKPT_XSAVE_HDR_OFFSET + 64)

/* The flags a task may set, as ptrace allows. */
#define CKPT_EFLAGS_MASK	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
				 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_TF | \
				 X86_EFLAGS_DF | X86_EFLAGS_OF | X86_EFLAGS_RF | \
				 X86_EFLAGS_AC)

void ckpt_arch_fill_header(struct ckpt_rec_header *h)
{
	h->arch = CKPT_ARCH_X86_64;
	h->cpu_features = fpu_user_cfg.default_features;
	h->cpu_state_size = fpu_user_cfg.default_size;
}

int ckpt_arch_check_header(struct ckpt_ctx *ctx,
			   const struct ckpt_rec_header *h)
{
	u64 missing;

	if (h->arch != CKPT_ARCH_X86_64)
		return ckpt_err(ctx, -ENOEXEC,
				"image is for architecture %u; this machine is x86_64 (%u)",
				h->arch, CKPT_ARCH_X86_64);

	missing = h->cpu_features & ~fpu_user_cfg.max_features;
	if (missing)
		return ckpt_err(ctx, -ENOEXEC,
				"image uses CPU state features %#llx that this CPU lacks (image %#llx, CPU %#llx)",
				missing, h->cpu_features,
				fpu_user_cfg.max_features);
	return 0;
}

static const struct user_regset *ckpt_regset(struct task_struct *t,
					     unsigned int note)
{
	const struct user_regset_view *view = task_user_regset_view(t);
	int i;

	for (i = 0; i < view->n; i++)
		if (view->regsets[i].core_note_type == note)
			return &view->regsets[i];
	return NULL;
}

int ckpt_arch_write_cpu(struct ckpt_ctx *ctx, struct task_struct *t)
{
	const struct user_regset *gp = ckpt_regset(t, NT_PRSTATUS);
	const struct user_regset *xs = ckpt_regset(t, NT_X86_XSTATE);
	struct ckpt_rec_cpu_x86_64 rec = {};
	unsigned int size;
	void *xsave;
	int ret;

	BUILD_BUG_ON(sizeof(struct user_regs_struct) != sizeof(rec.regs));
	if (!gp || !xs || !cpu_feature_enabled(X86_FEATURE_XSAVE))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: CPUs without XSAVE are not supported",
				task_pid_vnr(t));
	ret = regset_get(t, gp, sizeof(rec.regs), rec.regs);
	if (ret < 0)
		return ret;

	size = xs->n * xs->size;
	xsave = kvzalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (!xsave)
		return -ENOMEM;
	ret = regset_get(t, xs, size, xsave);
	if (ret >= 0) {
		rec.xsave_size = size;
		rec.xfeatures = *(u64 *)(xsave + CKPT_XSAVE_HDR_OFFSET);
		ret = ckpt_write_record(ctx, CKPT_REC_CPU_X86_64, &rec.h,
					sizeof(rec), xsave, size);
	}
	kvfree(xsave);
	return ret;
}

/* Values that user space could not have set itself are refused. */
static int rst_check_regs(struct ckpt_ctx *ctx, const struct user_regs_struct *u)
{
	if (u->cs != __USER_CS || u->ss != __USER_DS)
		return ckpt_err(ctx, -EINVAL,
				"only 64-bit user code and stack segments can be restored (cs %#lx ss %#lx)",
				u->cs, u->ss);
	if (u->fs || u->gs || (u->ds && u->ds != __USER_DS) ||
	    (u->es && u->es != __USER_DS))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"segment selectors ds %#lx es %#lx fs %#lx gs %#lx are not supported",
				u->ds, u->es, u->fs, u->gs);
	if (u->ip >= TASK_SIZE_MAX || u->sp >= TASK_SIZE_MAX ||
	    u->fs_base >= TASK_SIZE_MAX || u->gs_base >= TASK_SIZE_MAX)
		return ckpt_err(ctx, -EINVAL,
				"ip, sp, fs_base or gs_base is not a user address");
	return 0;
}

static void rst_set_regs(struct pt_regs *regs, const struct user_regs_struct *u)
{
	regs->r15 = u->r15;
	regs->r14 = u->r14;
	regs->r13 = u->r13;
	regs->r12 = u->r12;
	regs->bp = u->bp;
	regs->bx = u->bx;
	regs->r11 = u->r11;
	regs->r10 = u->r10;
	regs->r9 = u->r9;
	regs->r8 = u->r8;
	regs->ax = u->ax;
	regs->cx = u->cx;
	regs->dx = u->dx;
	regs->si = u->si;
	regs->di = u->di;
	regs->orig_ax = u->orig_ax;
	regs->ip = u->ip;
	regs->cs = __USER_CS;
	regs->flags = (regs->flags & ~CKPT_EFLAGS_MASK) |
		      (u->flags & CKPT_EFLAGS_MASK);
	regs->sp = u->sp;
	regs->ss = __USER_DS;
}

/*
 * A task frozen inside a system call was stopped on its way out with a
 * -ERESTART* code in ax; the freezer would have restarted the call when
 * thawing it.  Do the same on the way out of restart(): through
 * restart_syscall() when its restart block was restored, else by
 * executing the call again.
 */
static void rst_restart_syscall(struct ckpt_ctx *ctx, struct pt_regs *regs)
{
	if ((long)regs->orig_ax < 0)
		return;
	switch (regs->ax) {
	case -ERESTART_RESTARTBLOCK:
		/* with a restored restart block, go on where it stopped */
		if (ctx->restart_block) {
			regs->ax = __NR_restart_syscall;
			regs->ip -= 2;
			break;
		}
		fallthrough;
	case -ERESTARTNOHAND:
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
		regs->ax = regs->orig_ax;
		regs->ip -= 2;
		break;
	}
}

/**
 * ckpt_arch_restore_cpu - restore the caller's registers and FPU state
 * @ctx: the restart
 * @h: header of a CKPT_REC_CPU_X86_64 record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_arch_restore_cpu(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_cpu_x86_64 rec = { .h = *h };
	struct user_regs_struct u;
	void *xsave = NULL;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.xsave_size < CKPT_XSAVE_MIN_SIZE ||
	    rec.xsave_size > fpu_user_cfg.max_size)
		return ckpt_err(ctx, -ENOEXEC,
				"xsave area of %u bytes; this CPU takes %u",
				rec.xsave_size, fpu_user_cfg.max_size);
	if (rec.xfeatures & ~fpu_user_cfg.max_features)
		return ckpt_err(ctx, -ENOEXEC,
				"the saved FPU state uses features %#llx that this CPU lacks",
				rec.xfeatures & ~fpu_user_cfg.max_features);
	memcpy(&u, rec.regs, sizeof(u));
	ret = rst_check_regs(ctx, &u);
	if (ret)
		return ret;

	xsave = kvmalloc(rec.xsave_size, GFP_KERNEL | __GFP_NOWARN);
	if (!xsave)
		return -ENOMEM;
	ret = ckpt_read_bytes(ctx, xsave, rec.xsave_size);
	if (!ret) {
		ret = fpu_checkpoint_load_xstate(xsave, rec.xsave_size);
		if (ret)
			ckpt_err(ctx, ret, "invalid xsave area");
	}
	kvfree(xsave);
	if (ret)
		return ret;

	ret = do_arch_prctl_64(current, ARCH_SET_FS, u.fs_base);
	if (!ret)
		ret = do_arch_prctl_64(current, ARCH_SET_GS, u.gs_base);
	if (ret)
		return ckpt_err(ctx, ret, "cannot restore fs_base/gs_base");

	rst_set_regs(current_pt_regs(), &u);
	rst_restart_syscall(ctx, current_pt_regs());
	return 0;
}

/**
 * ckpt_arch_syscall_return - what restart() returns to the restored task
 *
 * The system call exit path stores the return value in ax; returning the
 * restored ax keeps it.
 */
long ckpt_arch_syscall_return(void)
{
	return current_pt_regs()->ax;
}

unsigned long ckpt_arch_vdso_base(struct mm_struct *mm)
{
	return (unsigned long)mm->context.vdso;
}

/**
 * ckpt_arch_map_vdso - map this kernel's vdso (and vvar) at @start
 * @ctx: the restart
 * @start: where the saved vdso text began
 * @size: its size
 *
 * Return: 0, -ENOEXEC when this kernel's vdso has another size, or the
 * error of the mapping.
 */
int ckpt_arch_map_vdso(struct ckpt_ctx *ctx, unsigned long start,
		       unsigned long size)
{
	const struct vdso_image *image = &vdso_image_64;
	int ret;

	if (size != image->size)
		return ckpt_err(ctx, -ENOEXEC,
				"the saved vdso is %lu bytes, this kernel's is %lu",
				size, image->size);
	ret = map_vdso_once(image, start + image->sym_vvar_start);
	if (ret)
		return ckpt_err(ctx, ret, "cannot map the vdso at %#lx", start);
	if ((unsigned long)current->mm->context.vdso != start)
		return ckpt_err(ctx, -EBUSY,
				"the vdso could not be placed at %#lx", start);
	return 0;
}
