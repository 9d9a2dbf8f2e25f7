/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint/restart: kernel-internal interface.
 *
 * One struct ckpt_ctx lives for the duration of a checkpoint() or
 * restart() call.  The core (kernel/checkpoint/) owns the image stream;
 * subsystems and architectures add their records through the helpers
 * declared here.
 */
#ifndef _LINUX_CHECKPOINT_H
#define _LINUX_CHECKPOINT_H

#include <linux/types.h>
#include <uapi/linux/checkpoint_hdr.h>

struct file;
struct task_struct;

/**
 * struct ckpt_ctx - state of one checkpoint() or restart() call
 * @op:		"checkpoint" or "restart", prefix of every log line
 * @file:	the image stream
 * @logfile:	where log lines go, or NULL
 * @root:	checkpoint: root task of the tree; restart: root or caller
 * @flags:	the system call flags
 * @pos:	bytes written to or read from @file so far
 * @records:	records written or read so far
 * @crc:	running CRC-32 (crc32_le state) of the bytes so far
 * @rec_pos:	restart: offset of the current record
 * @rec_end:	restart: offset just past the current record
 * @rec_crc:	restart: @crc before the current record
 * @error:	first error reported through ckpt_err(), or 0
 * @errmsg:	message of that error, or NULL
 */
struct ckpt_ctx {
	const char *op;
	struct file *file;
	struct file *logfile;
	struct task_struct *root;
	unsigned int flags;
	loff_t pos;
	u64 records;
	u32 crc;
	loff_t rec_pos;
	loff_t rec_end;
	u32 rec_crc;
	int error;
	char *errmsg;
};

/* kernel/checkpoint/log.c */
__printf(2, 3) void ckpt_log(struct ckpt_ctx *ctx, const char *fmt, ...);
__printf(3, 4) int ckpt_err(struct ckpt_ctx *ctx, int err, const char *fmt, ...);

/* kernel/checkpoint/image.c */
ssize_t ckpt_kwrite(struct file *file, const void *buf, size_t len,
		    loff_t *ppos);
int ckpt_write_record(struct ckpt_ctx *ctx, u32 type, struct ckpt_hdr *h,
		      u32 size, const void *data, u32 data_len);
int ckpt_read_hdr(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int ckpt_read_body(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 size);
int ckpt_read_bytes(struct ckpt_ctx *ctx, void *buf, u32 len);
int ckpt_skip_record(struct ckpt_ctx *ctx);

/* kernel/checkpoint/checkpoint.c and restart.c */
long do_checkpoint(struct ckpt_ctx *ctx);
long do_restart(struct ckpt_ctx *ctx);

/*
 * Architecture interface, implemented in arch/<arch>/kernel/checkpoint.c.
 *
 * ckpt_arch_fill_header() stores the architecture id and the CPU
 * features that saved CPU state may depend on.  ckpt_arch_check_header()
 * refuses, with -ENOEXEC and a log message, an image this machine cannot
 * run.
 */
void ckpt_arch_fill_header(struct ckpt_rec_header *h);
int ckpt_arch_check_header(struct ckpt_ctx *ctx,
			   const struct ckpt_rec_header *h);

#endif /* _LINUX_CHECKPOINT_H */
