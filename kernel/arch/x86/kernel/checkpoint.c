// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: x86_64 architecture interface.
 *
 * The image header names the architecture and the user xstate features
 * (XCR0 bits) that saved FPU/SSE/AVX state may use, so that restart can
 * refuse a CPU that lacks one of them instead of letting the restored
 * task fault later.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <asm/fpu/types.h>

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
