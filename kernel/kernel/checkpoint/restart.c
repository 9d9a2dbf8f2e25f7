// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: reading an image.
 *
 * The image is untrusted.  Every record is checked before it is used,
 * and the tail's checksum is verified before anything restored may run.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Error messages longer than this are cut when they are logged. */
#define RST_ERRMSG_MAX	512

static int rst_read_header(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_header hdr = {};
	int ret;

	ret = ckpt_read_hdr(ctx, &hdr.h);
	if (ret)
		return ret;
	if (hdr.h.type != CKPT_REC_HEADER)
		return ckpt_err(ctx, -EINVAL,
				"offset 0: not a checkpoint image (record type %#x, expected the header)",
				hdr.h.type);
	ret = ckpt_read_body(ctx, &hdr.h, sizeof(hdr));
	if (ret)
		return ret;
	if (memcmp(hdr.magic, CKPT_MAGIC, CKPT_MAGIC_LEN))
		return ckpt_err(ctx, -EINVAL,
				"offset 0: bad magic, not a checkpoint image");
	if (hdr.major != CKPT_VERSION_MAJOR)
		return ckpt_err(ctx, -EINVAL,
				"image format version %u.%u; this kernel reads %u.x",
				hdr.major, hdr.minor, CKPT_VERSION_MAJOR);
	if (hdr.flags & ~CKPT_IMAGE_CONTAINER)
		return ckpt_err(ctx, -EINVAL,
				"offset 0: image flags %#x this kernel does not know",
				hdr.flags);
	ret = ckpt_arch_check_header(ctx, &hdr);
	if (ret)
		return ret;
	if (hdr.page_shift != PAGE_SHIFT)
		return ckpt_err(ctx, -ENOEXEC,
				"image has %lu-byte pages; this machine has %lu",
				1UL << min_t(u16, hdr.page_shift, 63), PAGE_SIZE);
	return ckpt_skip_record(ctx);
}

/* An error record: the image is of a checkpoint that failed. */
static int rst_read_error(struct ckpt_ctx *ctx, const struct ckpt_hdr *h,
			  char **msg, u32 *msg_len)
{
	struct ckpt_rec_error rec = { .h = *h };
	u32 len;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.msg_len > rec.h.len - sizeof(rec))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: error message length %u runs past its record",
				ctx->rec_pos, rec.msg_len);
	if (*msg)
		return ckpt_skip_record(ctx);

	len = min_t(u32, rec.msg_len, RST_ERRMSG_MAX);
	*msg = kzalloc(len + 1, GFP_KERNEL);
	if (!*msg)
		return -ENOMEM;
	*msg_len = len;
	ret = ckpt_read_bytes(ctx, *msg, len);
	if (ret)
		return ret;
	return ckpt_skip_record(ctx);
}

int rst_read_tail(struct ckpt_ctx *ctx, const struct ckpt_hdr *h)
{
	struct ckpt_rec_tail tail = { .h = *h };
	u64 records = ctx->records - 1;
	u32 csum = ~ctx->rec_crc;
	int ret;

	ret = ckpt_read_body(ctx, &tail.h, sizeof(tail));
	if (ret)
		return ret;
	if (memcmp(tail.magic, CKPT_TAIL_MAGIC, CKPT_MAGIC_LEN))
		return ckpt_err(ctx, -EINVAL, "offset %lld: bad tail magic",
				ctx->rec_pos);
	if (tail.csum_type != CKPT_CSUM_CRC32)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: unknown checksum type %u",
				ctx->rec_pos, tail.csum_type);
	if (tail.records != records || tail.length != ctx->rec_pos)
		return ckpt_err(ctx, -EBADMSG,
				"image damaged: tail counts %llu records in %llu bytes, found %llu in %lld",
				tail.records, tail.length, records, ctx->rec_pos);
	if (tail.csum != csum)
		return ckpt_err(ctx, -EBADMSG,
				"image damaged: checksum %#010x, computed %#010x",
				tail.csum, csum);
	return ckpt_skip_record(ctx);
}

/* Task state records need a task; each of these comes once. */
static int rst_order(struct ckpt_ctx *ctx, u32 type)
{
	static const struct {
		u32 type;
		unsigned int seen;
		unsigned int needs;
	} order[] = {
		{ CKPT_REC_TREE, RST_SEEN_TREE, 0 },
		{ CKPT_REC_TASK, RST_SEEN_TASK, RST_SEEN_TREE },
		{ CKPT_REC_CREDS, RST_SEEN_CREDS, RST_SEEN_TASK },
		{ CKPT_REC_RLIMITS, RST_SEEN_RLIMITS, RST_SEEN_TASK },
		{ CKPT_REC_SCHED, RST_SEEN_SCHED, RST_SEEN_TASK },
		{ CKPT_REC_RESTART_BLOCK, RST_SEEN_RESTART_BLOCK, RST_SEEN_TASK },
		{ CKPT_REC_CPU_X86_64, RST_SEEN_CPU, RST_SEEN_RESTART_BLOCK },
		{ CKPT_REC_MM, RST_SEEN_MM, RST_SEEN_TASK },
		{ CKPT_REC_VMA, 0, RST_SEEN_MM },
		/* a System V segment's pages come before any mapping */
		{ CKPT_REC_PAGES, 0, RST_SEEN_TASK },
		{ CKPT_REC_SHMEM, 0, RST_SEEN_MM },
		{ CKPT_REC_MEMFD, 0, RST_SEEN_TASK },
		{ CKPT_REC_DELETED_FILE, 0, RST_SEEN_TASK },
		{ CKPT_REC_UTS_NS, 0, RST_SEEN_TASK },
		{ CKPT_REC_IPC_NS, 0, RST_SEEN_TASK },
		{ CKPT_REC_SYSV_SHM, 0, RST_SEEN_TASK },
		{ CKPT_REC_SYSV_SEM, 0, RST_SEEN_TASK },
		{ CKPT_REC_SEM_UNDO, 0, RST_SEEN_TASK },
		{ CKPT_REC_MAPPED_FILE, 0, RST_SEEN_MM },
		{ CKPT_REC_FILE, 0, RST_SEEN_TASK },
		{ CKPT_REC_PIPE_DATA, 0, RST_SEEN_TASK },
		{ CKPT_REC_PTY, 0, RST_SEEN_TASK },
		{ CKPT_REC_EVENTFD, 0, RST_SEEN_TASK },
		{ CKPT_REC_SIGNALFD, 0, RST_SEEN_TASK },
		{ CKPT_REC_TIMERFD, 0, RST_SEEN_TASK },
		{ CKPT_REC_EPOLL, 0, RST_SEEN_TASK },
		{ CKPT_REC_FILE_LOCK, 0, RST_SEEN_TASK },
		{ CKPT_REC_FILE_OWNER, 0, RST_SEEN_TASK },
		{ CKPT_REC_INOTIFY, 0, RST_SEEN_TASK },
		{ CKPT_REC_INOTIFY_WATCH, 0, RST_SEEN_TASK },
		{ CKPT_REC_INOTIFY_EVENT, 0, RST_SEEN_TASK },
		{ CKPT_REC_UNIX_PAIR, 0, RST_SEEN_TASK },
		{ CKPT_REC_UNIX_SOCK, 0, RST_SEEN_TASK },
		{ CKPT_REC_NETLINK_SOCK, 0, RST_SEEN_TASK },
		{ CKPT_REC_INET_SOCK, 0, RST_SEEN_TASK },
		{ CKPT_REC_FS, RST_SEEN_FS, RST_SEEN_TASK },
		{ CKPT_REC_SHARE, 0, RST_SEEN_TASK },
		{ CKPT_REC_SIGHAND, RST_SEEN_SIGHAND, RST_SEEN_TASK },
		{ CKPT_REC_SIGPENDING, RST_SEEN_SIGPENDING, RST_SEEN_SIGHAND },
		{ CKPT_REC_ITIMERS, RST_SEEN_ITIMERS, RST_SEEN_SIGHAND },
		{ CKPT_REC_POSIX_TIMERS, RST_SEEN_POSIX_TIMERS, RST_SEEN_ITIMERS },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (order[i].type != type)
			continue;
		if ((ctx->seen & order[i].needs) != order[i].needs ||
		    (ctx->seen & order[i].seen))
			return ckpt_err(ctx, -EINVAL,
					"offset %lld: record type %#x out of order",
					ctx->rec_pos, type);
		ctx->seen |= order[i].seen;
		return 0;
	}
	return 0;
}

/* The records of a process's state, which its leader's section holds. */
static bool rst_process_record(u32 type)
{
	switch (type) {
	case CKPT_REC_RLIMITS:
	case CKPT_REC_UTS_NS:
	case CKPT_REC_IPC_NS:
	case CKPT_REC_SYSV_SHM:
	case CKPT_REC_SYSV_SEM:
	case CKPT_REC_SEM_UNDO:
	case CKPT_REC_MM:
	case CKPT_REC_VMA:
	case CKPT_REC_PAGES:
	case CKPT_REC_SHMEM:
	case CKPT_REC_MEMFD:
	case CKPT_REC_DELETED_FILE:
	case CKPT_REC_MAPPED_FILE:
	case CKPT_REC_SHARE:
	case CKPT_REC_FS:
	case CKPT_REC_FILE:
	case CKPT_REC_PIPE_DATA:
	case CKPT_REC_PTY:
	case CKPT_REC_EVENTFD:
	case CKPT_REC_SIGNALFD:
	case CKPT_REC_TIMERFD:
	case CKPT_REC_EPOLL:
	case CKPT_REC_FILE_LOCK:
	case CKPT_REC_FILE_OWNER:
	case CKPT_REC_INOTIFY:
	case CKPT_REC_INOTIFY_WATCH:
	case CKPT_REC_INOTIFY_EVENT:
	case CKPT_REC_UNIX_PAIR:
	case CKPT_REC_UNIX_SOCK:
	case CKPT_REC_NETLINK_SOCK:
	case CKPT_REC_INET_SOCK:
	case CKPT_REC_ITIMERS:
	case CKPT_REC_POSIX_TIMERS:
		return true;
	}
	return false;
}

static int rst_record(struct ckpt_ctx *ctx, struct ckpt_hdr *h,
		      char **msg, u32 *msg_len)
{
	int ret = rst_order(ctx, h->type);

	if (ret)
		return ret;
	if (rst_is_thread(ctx) && rst_process_record(h->type))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: record type %#x in the records of thread %d",
				ctx->rec_pos, h->type, ctx->ids.pid);
	ret = rst_sysv_shm_next(ctx, h->type);
	if (ret)
		return ret;
	switch (h->type) {
	case CKPT_REC_ERROR:
		return rst_read_error(ctx, h, msg, msg_len);
	case CKPT_REC_HEADER:
		return ckpt_err(ctx, -EINVAL, "offset %lld: second image header",
				ctx->rec_pos);
	case CKPT_REC_NAMESPACE:
		return rst_namespace(ctx, h);
	case CKPT_REC_TREE:
		return rst_tree(ctx, h);
	case CKPT_REC_TASK:
		return rst_task(ctx, h);
	case CKPT_REC_CREDS:
		return rst_creds(ctx, h);
	case CKPT_REC_RLIMITS:
		return rst_rlimits(ctx, h);
	case CKPT_REC_SCHED:
		return rst_sched(ctx, h);
	case CKPT_REC_RESTART_BLOCK:
		return rst_restart_block(ctx, h);
	case CKPT_REC_CPU_X86_64:
		return ckpt_arch_restore_cpu(ctx, h);
	case CKPT_REC_UTS_NS:
		return rst_uts_ns(ctx, h);
	case CKPT_REC_IPC_NS:
		return rst_ipc_ns(ctx, h);
	case CKPT_REC_SYSV_SHM:
		return rst_sysv_shm(ctx, h);
	case CKPT_REC_SYSV_SEM:
		return rst_sysv_sem(ctx, h);
	case CKPT_REC_SEM_UNDO:
		return rst_sem_undo(ctx, h);
	case CKPT_REC_MM:
		return rst_mm(ctx, h);
	case CKPT_REC_VMA:
		return rst_vma(ctx, h);
	case CKPT_REC_PAGES:
		return rst_pages(ctx, h);
	case CKPT_REC_SHMEM:
		return rst_shmem(ctx, h);
	case CKPT_REC_MEMFD:
		return rst_memfd(ctx, h);
	case CKPT_REC_DELETED_FILE:
		return rst_deleted_file(ctx, h);
	case CKPT_REC_MAPPED_FILE:
		return rst_mapped_file(ctx, h);
	case CKPT_REC_FILE:
		return rst_file(ctx, h);
	case CKPT_REC_FS:
		return rst_fs(ctx, h);
	case CKPT_REC_SHARE:
		return rst_share(ctx, h);
	case CKPT_REC_PIPE_DATA:
		return rst_pipe_data(ctx, h);
	case CKPT_REC_PTY:
		return rst_pty(ctx, h);
	case CKPT_REC_EVENTFD:
		return rst_eventfd(ctx, h);
	case CKPT_REC_SIGNALFD:
		return rst_signalfd(ctx, h);
	case CKPT_REC_TIMERFD:
		return rst_timerfd(ctx, h);
	case CKPT_REC_EPOLL:
		return rst_epoll(ctx, h);
	case CKPT_REC_FILE_LOCK:
		return rst_file_lock(ctx, h);
	case CKPT_REC_FILE_OWNER:
		return rst_file_owner(ctx, h);
	case CKPT_REC_INOTIFY:
		return rst_inotify(ctx, h);
	case CKPT_REC_INOTIFY_WATCH:
		return rst_inotify_watch(ctx, h);
	case CKPT_REC_INOTIFY_EVENT:
		return rst_inotify_event(ctx, h);
	case CKPT_REC_UNIX_PAIR:
		return rst_unix_pair(ctx, h);
	case CKPT_REC_UNIX_SOCK:
		return rst_unix_sock(ctx, h);
	case CKPT_REC_NETLINK_SOCK:
		return rst_netlink_sock(ctx, h);
	case CKPT_REC_INET_SOCK:
		return rst_inet_sock(ctx, h);
	case CKPT_REC_SIGHAND:
		return rst_sighand(ctx, h);
	case CKPT_REC_SIGPENDING:
		return rst_sigpending(ctx, h);
	case CKPT_REC_ITIMERS:
		return rst_itimers(ctx, h);
	case CKPT_REC_POSIX_TIMERS:
		return rst_posix_timers(ctx, h);
	}
	if (!(h->type & CKPT_REC_OPTIONAL))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: unknown record type %#x",
				ctx->rec_pos, h->type);
	return ckpt_skip_record(ctx);
}

/**
 * rst_next_hdr - the header of the next record
 * @ctx: the restart
 * @h: where to store it
 *
 * A reader that stopped at a record of someone else's left its header in
 * ctx->next_hdr: that one comes first.
 *
 * Return: 0 or the error of ckpt_read_hdr().
 */
int rst_next_hdr(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	if (ctx->have_next) {
		*h = ctx->next_hdr;
		ctx->have_next = false;
		return 0;
	}
	return ckpt_read_hdr(ctx, h);
}

/*
 * Is @h the first record of another reader?  The tail is the caller's
 * own only when it restores itself; a coordinator stops at the first
 * TASK record, a task at the next task's.
 */
static bool rst_stop_at(struct ckpt_ctx *ctx, const struct ckpt_hdr *h)
{
	if (ctx->root == current && !ctx->coord)
		return false;
	if (h->type == CKPT_REC_TAIL)
		return true;
	return h->type == CKPT_REC_TASK &&
	       (!ctx->coord || (ctx->seen & RST_SEEN_TASK));
}

/*
 * Read records up to the tail (then read it too) or up to where
 * rst_stop_at() stops, leaving that header for the next reader.  The
 * message of an error record goes to @msg.
 */
static int rst_read_records(struct ckpt_ctx *ctx, char **msg, u32 *msg_len)
{
	struct ckpt_hdr h;
	int ret;

	for (;;) {
		ret = rst_next_hdr(ctx, &h);
		if (ret)
			return ret;
		if (rst_stop_at(ctx, &h)) {
			ctx->next_hdr = h;
			ctx->have_next = true;
			return 0;
		}
		if (h.type == CKPT_REC_TAIL)
			return rst_read_tail(ctx, &h);
		ret = rst_record(ctx, &h, msg, msg_len);
		if (!ret && ctx->pos != ctx->rec_end)
			ret = ckpt_skip_record(ctx);
		if (ret)
			return ret;
	}
}

/*
 * Read the header (when @header) and records as rst_read_records() does;
 * an error record fails the restart with its message.
 */
static int rst_read_section(struct ckpt_ctx *ctx, bool header)
{
	char *msg = NULL;
	u32 msg_len = 0;
	int ret = header ? rst_read_header(ctx) : 0;

	if (!ret)
		ret = rst_read_records(ctx, &msg, &msg_len);
	if (!ret && msg)
		ret = ckpt_err(ctx, -EINVAL,
			       "image is incomplete: the checkpoint failed: %*pE",
			       msg_len, msg);
	kfree(msg);
	return ret;
}

/* After a task's records: is everything there that a task needs? */
static int rst_check_complete(struct ckpt_ctx *ctx)
{
	const unsigned int process = RST_SEEN_RLIMITS | RST_SEEN_MM |
				     RST_SEEN_FS | RST_SEEN_ITIMERS;
	unsigned int all = RST_SEEN_TREE | RST_SEEN_TASK | RST_SEEN_CREDS |
			   RST_SEEN_SCHED | RST_SEEN_RESTART_BLOCK |
			   RST_SEEN_CPU | RST_SEEN_SIGHAND | RST_SEEN_SIGPENDING;

	if (!rst_is_thread(ctx))
		all |= process;

	if (!(ctx->seen & RST_SEEN_TREE))
		return ckpt_err(ctx, -EINVAL, "image holds no task tree");
	if ((ctx->seen & all) != all || ctx->vmas_left)
		return ckpt_err(ctx, -EINVAL,
				"image is incomplete: the state of a task is missing");
	return 0;
}

/**
 * rst_read_prefix - read the header and the tree, for a coordinator
 * @ctx: the restart
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_read_prefix(struct ckpt_ctx *ctx)
{
	int ret = rst_read_section(ctx, true);

	if (!ret && !(ctx->seen & RST_SEEN_TREE))
		ret = ckpt_err(ctx, -EINVAL, "image holds no task tree");
	return ret;
}

/**
 * rst_read_task - read and restore the records of the caller's task
 * @ctx: the restart, of a task the coordinator handed its stream to
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_read_task(struct ckpt_ctx *ctx)
{
	int ret = rst_read_section(ctx, false);

	if (!ret && !(ctx->seen & RST_SEEN_TASK))
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: no TASK record for pid %d",
			       ctx->rec_pos, ctx->ids.pid);
	/* every descriptor of the process is back: its epolls' watches */
	if (!ret)
		ret = rst_epoll_watches(ctx);
	if (!ret)
		ret = rst_check_complete(ctx);
	if (!ret)
		ret = rst_check_ns_restored(ctx);
	return ret;
}

/**
 * rst_finish - commit the caller's restored state, or kill it
 * @ctx: the restart
 * @ret: 0 if the whole image was restored, else the error
 *
 * Return: what restart() returns to the restored task.
 */
long rst_finish(struct ckpt_ctx *ctx, int ret)
{
	if (ret)
		ret = ckpt_explain(ctx, ret);
	/* before restart(0)'s ptys are closed */
	if (!ret)
		rst_pty_ctty_commit(ctx);
	rst_files_end(ctx);
	rst_mm_end(ctx);
	rst_ns_end(ctx);
	rst_fs_commit(ctx, !ret);
	rst_creds_commit(ctx, !ret);
	rst_signals_commit(ctx, !ret);
	rst_posix_timers_commit(ctx, !ret);
	if (!ret)
		rst_stop_commit(ctx);
	if (!ret && ctx->coord && !rst_is_thread(ctx)) {
		write_lock_irq(&tasklist_lock);
		current->exit_signal = ctx->ids.exit_signal;
		write_unlock_irq(&tasklist_lock);
	}

	if (ret && (ctx->committed || ctx->coord)) {
		/* Half the caller is the image's: it must not run. */
		ckpt_log(ctx, "the restarting task is killed");
		force_sig(SIGKILL);
		return ret;
	}
	if (ret)
		return ret;
	return ckpt_arch_syscall_return();
}

/* restart(0): the caller restores itself from an image of one task. */
static long rst_self(struct ckpt_ctx *ctx)
{
	int ret = rst_read_section(ctx, true);

	if (!ret)
		ret = rst_epoll_watches(ctx);
	if (!ret)
		ret = rst_check_complete(ctx);
	/* once the tree is known to be there */
	if (!ret)
		ret = rst_check_ns_restored(ctx);
	if (!ret)
		ret = rst_check_ctty_ptys(ctx);
	/* the whole image is read: nothing restart opens is watched */
	if (!ret)
		ret = rst_inotify_commit(ctx);
	if (!ret)
		ret = rst_unix_commit(ctx);
	if (!ret)
		ret = rst_tcp_commit(ctx);
	if (!ret)
		ret = rst_memfd_commit(ctx);
	if (!ret)
		ret = rst_sysv_shm_commit(ctx);
	return rst_finish(ctx, ret);
}

/**
 * do_restart - read an image and restore what it holds
 * @ctx: the restart, with its target checked by the caller
 *
 * Return: 0 or a negative errno, explained on the log.
 */
long do_restart(struct ckpt_ctx *ctx)
{
	rst_ns_begin(ctx);
	if (ctx->root != current)
		return rst_coordinate(ctx);
	return rst_self(ctx);
}
