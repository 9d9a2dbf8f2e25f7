/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_FPU_CHECKPOINT_H
#define _ASM_X86_FPU_CHECKPOINT_H

int fpu_checkpoint_load_xstate(const void *buf, unsigned int size);

#endif /* _ASM_X86_FPU_CHECKPOINT_H */
