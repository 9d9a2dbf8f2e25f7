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

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <uapi/linux/checkpoint_hdr.h>

struct bio_vec;
struct cred;
struct file;
struct mm_struct;
struct ipc_ids;
struct ipc_namespace;
struct pid;
struct pid_namespace;
struct pipe_inode_info;
struct rst_memfd;
struct rst_sysv_shm;
struct rst_tcp;
struct rst_unix_connect;
struct task_struct;
struct tty_struct;

/* CKPT_NS_* kinds, from 1 */
#define CKPT_NS_KINDS		(CKPT_NS_IPC + 1)

/**
 * struct ckpt_ns - a namespace of the tree other than the checkpointer's
 * @ref:	its objref, which the tree's entries name
 * @kind:	CKPT_NS_*
 * @pid:	its first task, in tree order, which restores what it holds
 * @ns:		checkpoint: the namespace; restart: the one its first task
 *		lives in, referenced, once that task is restored
 * @first:	checkpoint: its first task
 * @restored:	restart: its UTS_NS or IPC_NS record was read
 */
struct ckpt_ns {
	u32 ref;
	u32 kind;
	pid_t pid;
	void *ns;
	struct task_struct *first;
	bool restored;
};

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
 * @freezer_active: checkpoint: holds a reference to the freezer_active
 *		static key (see kernel/checkpoint/freeze.c)
 * @tasks:	checkpoint: the tree, parents before children, referenced
 * @nr_tasks:	checkpoint: how many
 * @frozen:	checkpoint: the tasks ckpt_freeze_start() was called for
 * @nr_frozen:	checkpoint: how many
 * @objs:	checkpoint: objects met so far (objhash.c), or NULL
 * @nr_objs:	checkpoint: how many
 * @tree:	restart: the TREE record's tasks
 * @nr_tree:	restart: how many
 * @pid_ns:	restart: the pid namespace the tree's pids are in
 * @coord:	restart: the coordinator whose stream a task reads
 * @finishing:	restart, coordinator: tasks told the verdict that did not
 *		commit (or die) yet
 * @finished:	restart, coordinator: completed when @finishing drops to 0
 * @ids:	restart: a task's entry in its coordinator's tree
 * @next_hdr:	restart: a record header read for the next reader
 * @have_next:	restart: @next_hdr is valid
 * @files:	restart: open files by CKPT objref, referenced
 * @pipes:	restart: pipes by number (struct rst_pipe, fs/checkpoint_pipe.c)
 * @ptys:	restart, coordinator: pseudo-terminals by number (struct
 *		rst_pty, drivers/tty/checkpoint_pty.c)
 * @epolls:	restart: the interest lists of the epolls the caller's
 *		process made, until its descriptors are restored
 * @shared_creds: restart, coordinator: credentials tasks share, by objref
 * @tables:	restart, coordinator: descriptor tables and fs information
 *		processes share, by objref, referenced (fs/checkpoint_share.c)
 * @committed:	restart: the caller's own state is being replaced; a
 *		failure from here on kills it
 * @seen:	restart: record types met so far (RST_SEEN_*)
 * @stdio:	restart: the caller's fds 0-2, standing in for terminals
 * @vmas_left:	restart: mapping records still expected
 * @vma_start:	restart: start of the mapping restored last
 * @vma_end:	restart: end of the mapping restored last
 * @vma_kind:	restart: CKPT_VMA_* kind of that mapping, or
 *		RST_VMA_NO_PAGES
 * @shmem:	restart: the shared memory object or memfd of the last SHMEM
 *		or MEMFD record, for the record that follows, referenced
 * @shmem_pages: restart: PAGES records fill @shmem (it is new)
 * @shmem_kind: restart: the CKPT_VMA_* kind of mapping @shmem is for
 * @shmem_ref:	restart: @shmem's objref
 * @memfds:	restart: the memfds made, to seal once every task is back
 * @mapped_file: restart: the MAPPED_FILE record for the mapping that
 *		follows, if @mapped_file_set
 * @mapped_file_set: restart: @mapped_file holds one
 * @creds:	restart: credentials to commit once everything is restored
 * @no_new_privs: restart: set no_new_privs with them
 * @dumpable:	restart: SUID_DUMP_* to set once the credentials are in
 * @pdeath_signal: restart: the same, for the parent-death signal
 * @sigpending:	restart: signals to queue at the end, or NULL
 * @nr_sigpending: restart: how many
 * @itimer_real: restart: ITIMER_REAL time left to arm at the end
 * @itimer_real_incr: restart: its interval
 * @itimer_cpu: restart: ITIMER_VIRTUAL/PROF CPU time left and interval
 * @fs_root:	restart: the root directory to enter at the end
 * @fs_root_set: restart: @fs_root holds one
 * @restart_block: restart: the caller's restart block continues an
 *		interrupted sleep (see kernel/checkpoint/restart_block.c)
 * @tcp_socks:	checkpoint: the TCP connections saved, referenced, to close
 *		quietly with CHECKPOINT_KILL (net/ipv4/checkpoint_tcp.c)
 * @tcp_pending: restart, coordinator: TCP connections to build once the
 *		whole image is read
 * @tcp_pending_bytes: restart: the bytes of their queues
 * @unix_pending: restart, coordinator: datagram UNIX sockets to connect
 *		once the whole image is read (net/unix/checkpoint.c)
 * @nss:	the tree's namespaces other than the checkpointer's
 *		(kernel/checkpoint_ns.c); restart: the coordinator's
 * @nr_nss:	how many
 * @home_ns:	restart: the restarter's namespaces, by CKPT_NS_* kind
 * @sysv_shms:	restart, coordinator: the System V segments made, by objref
 * @sysv_shm_left: restart: SYSV_SHM records the IPC_NS record announced
 * @sysv_sem_left: restart: SYSV_SEM records it announced
 * @ipc_ids:	restart: how that namespace numbers its next objects
 * @ipc_ids_ns: restart: the namespace, until its objects are made
 * @sysv_shm_ref: restart: the segment of the next mapping record
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
	bool freezer_active;
	struct task_struct **tasks;
	int nr_tasks;
	struct task_struct **frozen;
	int nr_frozen;
	struct hlist_head *objs;
	u32 nr_objs;
	struct ckpt_task_ids *tree;
	u32 nr_tree;
	struct pid_namespace *pid_ns;
	struct ckpt_ctx *coord;
	atomic_t finishing;
	struct completion finished;
	struct ckpt_task_ids ids;
	struct ckpt_hdr next_hdr;
	bool have_next;
	struct xarray files;
	struct xarray pipes;
	struct xarray ptys;
	struct rst_epoll *epolls;
	struct rst_epoll *epolls_stale;
	struct rst_inotify_watch *inotify_watches;
	u32 nr_inotify_watches;
	u32 inotify_last;
	struct xarray inotify_wds;
	struct xarray shared_creds;
	struct xarray tables;
	bool committed;
	unsigned int seen;
	struct file *stdio[3];
	u32 vmas_left;
	unsigned long vma_start;
	unsigned long vma_end;
	u32 vma_kind;
	struct file *shmem;
	bool shmem_pages;
	u32 shmem_kind;
	u32 shmem_ref;
	struct rst_memfd *memfds;
	struct ckpt_rec_mapped_file mapped_file;
	bool mapped_file_set;
	struct cred *creds;
	bool no_new_privs;
	int dumpable;
	u32 mm_flags;			/* CKPT_MM_* of the TASK record */
	int pdeath_signal;
	struct ckpt_sigpending_entry *sigpending;
	u32 nr_sigpending;
	struct posix_timer_ckpt *ptimers;
	u32 nr_ptimers;
	ktime_t itimer_real;
	ktime_t itimer_real_incr;
	u64 itimer_cpu[2][2];
	struct path fs_root;
	bool fs_root_set;
	bool restart_block;
	struct xarray tcp_socks;
	struct rst_tcp *tcp_pending;
	u32 tcp_pending_bytes;
	struct rst_unix_connect *unix_pending;
	struct ckpt_ns *nss;
	u32 nr_nss;
	void *home_ns[CKPT_NS_KINDS];
	struct xarray sysv_shms;
	u32 sysv_shm_left;
	u32 sysv_sem_left;
	struct ckpt_ipc_ids ipc_ids[3];
	struct ipc_namespace *ipc_ids_ns;
	u32 sysv_shm_ref;
};

/* The largest tree checkpoint() dumps and restart() takes. */
#define CKPT_MAX_TASKS		4096

/* ckpt_ctx.vma_kind of a mapping of a SHMEM object or of a shared file: no PAGES */
#define RST_VMA_NO_PAGES	0x10000

/* ckpt_ctx.files: the entry is a shared memory object, not an open file */
#define RST_MARK_SHMEM		XA_MARK_1
/*
 * ckpt_ctx.files: the entry is a memfd or deleted file that restart made
 * (its own file, which FILE records open again), not an open file
 */
#define RST_MARK_OBJFILE	XA_MARK_2
/* ckpt_ctx.tables: the entry is a fs_struct, not a files_struct */
#define RST_MARK_FS		XA_MARK_1

/* ckpt_ctx.seen */
#define RST_SEEN_TREE		BIT(0)
#define RST_SEEN_TASK		BIT(1)
#define RST_SEEN_CPU		BIT(2)
#define RST_SEEN_MM		BIT(3)
#define RST_SEEN_SIGHAND	BIT(4)
#define RST_SEEN_CREDS		BIT(5)
#define RST_SEEN_FS		BIT(6)
#define RST_SEEN_RLIMITS	BIT(7)
#define RST_SEEN_SCHED		BIT(8)
#define RST_SEEN_SIGPENDING	BIT(9)
#define RST_SEEN_ITIMERS	BIT(10)
#define RST_SEEN_RESTART_BLOCK	BIT(11)
#define RST_SEEN_POSIX_TIMERS	BIT(12)

/* Restoring a thread other than its process's leader? */
static inline bool rst_is_thread(const struct ckpt_ctx *ctx)
{
	return ctx->coord && ctx->ids.tgid != ctx->ids.pid;
}

/* kernel/checkpoint/log.c */
__printf(2, 3) void ckpt_log(struct ckpt_ctx *ctx, const char *fmt, ...);
__printf(3, 4) int ckpt_err(struct ckpt_ctx *ctx, int err, const char *fmt, ...);
int ckpt_explain(struct ckpt_ctx *ctx, int err);

/* kernel/checkpoint/image.c */
ssize_t ckpt_kwrite(struct file *file, const void *buf, size_t len,
		    loff_t *ppos);
int ckpt_write_record_pages(struct ckpt_ctx *ctx, u32 type, struct ckpt_hdr *h,
			    u32 size, struct bio_vec *bvec, unsigned int nr);
int ckpt_write_record(struct ckpt_ctx *ctx, u32 type, struct ckpt_hdr *h,
		      u32 size, const void *data, u32 data_len);
int ckpt_read_hdr(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int ckpt_read_body(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 size);
int ckpt_read_bytes(struct ckpt_ctx *ctx, void *buf, u32 len);
int ckpt_read_pages(struct ckpt_ctx *ctx, struct bio_vec *bvec,
		    unsigned int nr);
int ckpt_skip_record(struct ckpt_ctx *ctx);
int ckpt_read_string(struct ckpt_ctx *ctx, u32 len, char **str);

/* ipc/sem.c */
#ifdef CONFIG_SYSVIPC
bool sem_undo_pending(struct task_struct *tsk);
#endif

/* kernel/checkpoint/sys.c */
int ckpt_may_access(struct ckpt_ctx *ctx, struct task_struct *task);

/* kernel/checkpoint/freeze.c */
void ckpt_freeze_start(struct ckpt_ctx *ctx, struct task_struct *t);
int ckpt_freeze_wait(struct ckpt_ctx *ctx, struct task_struct *t);
int ckpt_still_frozen(struct ckpt_ctx *ctx, struct task_struct *t);
void ckpt_thaw(struct task_struct *t);
void ckpt_freeze_end(struct ckpt_ctx *ctx);

/* kernel/checkpoint/tree.c */
bool ckpt_tree_holds(struct ckpt_ctx *ctx,
		     bool (*match)(struct file *file, const void *arg),
		     const void *arg);
bool ckpt_tree_holds_file(struct ckpt_ctx *ctx, struct file *file);
int ckpt_freeze_tree(struct ckpt_ctx *ctx);
void ckpt_thaw_tree(struct ckpt_ctx *ctx);
int ckpt_write_tree(struct ckpt_ctx *ctx);
struct tty_struct *ckpt_get_ctty(struct task_struct *t);
int rst_tree(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_check_ctty_ptys(struct ckpt_ctx *ctx);
const struct ckpt_task_ids *rst_process_ids(struct ckpt_ctx *ctx);

/* kernel/checkpoint_ns.c */
int ckpt_write_namespaces(struct ckpt_ctx *ctx);
u32 ckpt_ns_ref(struct ckpt_ctx *ctx, struct task_struct *t, u32 kind);
u32 ckpt_ns_lookup(struct ckpt_ctx *ctx, u32 kind, const void *ns);
bool ckpt_task_in_tree(struct ckpt_ctx *ctx, struct task_struct *t);
int ckpt_write_task_ns(struct ckpt_ctx *ctx, struct task_struct *t);
int ckpt_namespaces_finish(struct ckpt_ctx *ctx);
void ckpt_ns_free(struct ckpt_ctx *ctx);
void rst_ns_begin(struct ckpt_ctx *ctx);
int rst_namespace(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
bool rst_ns_ref_used(struct ckpt_ctx *ctx, u32 ref);
int rst_check_tree_ns(struct ckpt_ctx *ctx);
int rst_task_ns(struct ckpt_ctx *ctx);
void *rst_ns_new(struct ckpt_ctx *ctx, u32 kind, u32 ref);
int rst_check_ns_restored(struct ckpt_ctx *ctx);
int rst_uts_ns(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
void rst_ns_end(struct ckpt_ctx *ctx);

/* ipc/checkpoint.c, ipc/checkpoint_shm.c */
#ifdef CONFIG_SYSVIPC
int ckpt_write_ipc_ns(struct ckpt_ctx *ctx, const struct ckpt_ns *e);
int ckpt_ipc_ns_finish(struct ckpt_ctx *ctx, void *ns);
const char *rst_ipc_ns_in_use(void *ns);
int rst_ipc_ns(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
struct kern_ipc_perm;
int ckpt_ipc_collect(struct ckpt_ctx *ctx, struct ipc_ids *ids, u32 nr,
		     const char *what,
		     int (*note)(struct ckpt_ctx *ctx, struct kern_ipc_perm *perm,
				 u32 n, void *arg, const char **why),
		     void *arg);
pid_t ckpt_ipc_pid(struct ckpt_ctx *ctx, struct pid *pid);
bool rst_tree_has_pid(struct ckpt_ctx *ctx, pid_t pid);
struct pid *rst_ipc_pid(struct ckpt_ctx *ctx, pid_t nr);
int rst_ipc_reserve(struct ckpt_ctx *ctx, struct ipc_ids *ids, int id);
int rst_ipc_made(struct ckpt_ctx *ctx, struct ipc_ids *ids, int id, long got);
void rst_ipc_ids_done(struct ckpt_ctx *ctx);
int ckpt_write_sysv_shms(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			 u32 nr);
int ckpt_write_sysv_sems(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			 u32 nr);
int ckpt_write_sem_undos(struct ckpt_ctx *ctx, struct task_struct *t);
int rst_sysv_sem(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_sem_undo(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int ckpt_check_sysv_shms(struct ckpt_ctx *ctx, struct ipc_namespace *ns);
bool ckpt_is_sysv_shm(struct file *file);
int ckpt_sysv_shm_mapping(struct ckpt_ctx *ctx, pid_t pid, struct file *file,
			  unsigned long start, unsigned long end,
			  unsigned long pgoff, unsigned long vm_flags, u32 *ref);
int rst_sysv_shm(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_sysv_shm_next(struct ckpt_ctx *ctx, u32 type);
int rst_sysv_shm_attach(struct ckpt_ctx *ctx, const struct ckpt_rec_vma *rec);
int rst_sysv_shm_commit(struct ckpt_ctx *ctx);
void rst_sysv_shms_end(struct ckpt_ctx *ctx);
#else
static inline bool ckpt_is_sysv_shm(struct file *file)
{
	return false;
}

static inline int ckpt_sysv_shm_mapping(struct ckpt_ctx *ctx, pid_t pid,
					struct file *file, unsigned long start,
					unsigned long end, unsigned long pgoff,
					unsigned long vm_flags, u32 *ref)
{
	return -EOPNOTSUPP;
}

static inline int rst_ipc_ns(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no System V IPC");
}

static inline int rst_sysv_shm(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no System V IPC");
}

static inline int ckpt_write_sem_undos(struct ckpt_ctx *ctx,
				       struct task_struct *t)
{
	return 0;
}

static inline int rst_sysv_sem(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no System V IPC");
}

static inline int rst_sem_undo(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no System V IPC");
}

static inline int rst_sysv_shm_next(struct ckpt_ctx *ctx, u32 type)
{
	return 0;
}

static inline int rst_sysv_shm_attach(struct ckpt_ctx *ctx,
				      const struct ckpt_rec_vma *rec)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no System V IPC");
}

static inline int rst_sysv_shm_commit(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline void rst_sysv_shms_end(struct ckpt_ctx *ctx)
{
}
#endif

/* kernel/checkpoint/jobctl.c */
bool ckpt_task_stopping(struct task_struct *t);
void ckpt_task_stop_ids(struct task_struct *t, struct ckpt_task_ids *ids);
bool rst_check_stop_ids(const struct ckpt_task_ids *ids);
void rst_stop_commit(struct ckpt_ctx *ctx);

/* kernel/checkpoint/objhash.c */
int ckpt_obj_ref(struct ckpt_ctx *ctx, struct file *file, pid_t pid, int fd,
		 u32 *ref);
int ckpt_obj_file_ref(struct ckpt_ctx *ctx, struct file *file, u32 *ref);
int ckpt_obj_mapped(struct ckpt_ctx *ctx, struct file *file, pid_t pid,
		    unsigned long addr);
int ckpt_obj_shmem(struct ckpt_ctx *ctx, struct file *file, pid_t pid,
		   unsigned long addr, u32 *ref);
int ckpt_obj_pipe(struct ckpt_ctx *ctx, struct pipe_inode_info *pipe,
		  fmode_t mode, bool new_end, bool inside, u32 *ref);
int ckpt_obj_creds(struct ckpt_ctx *ctx, const struct cred *cred, u32 *ref);
int ckpt_obj_table(struct ckpt_ctx *ctx, const void *table, u32 *ref);
u32 *ckpt_obj_pty(struct ckpt_ctx *ctx, struct tty_struct *master, u32 *ref);
void ckpt_obj_keep_inside(struct ckpt_ctx *ctx, struct file *file);
u32 *ckpt_obj_state(struct ckpt_ctx *ctx, const void *key, u32 *ref);
u32 *ckpt_obj_unlinked(struct ckpt_ctx *ctx, struct file *file, u32 *ref);
void ckpt_obj_keep_reader(struct ckpt_ctx *ctx, struct file *file,
			  struct file *reader);
int ckpt_obj_check_leaks(struct ckpt_ctx *ctx, bool container);
void ckpt_obj_free(struct ckpt_ctx *ctx);

/* kernel/checkpoint/coordinate.c */
long rst_coordinate(struct ckpt_ctx *ctx);
long rst_join(struct ckpt_ctx *ctx);

/* kernel/checkpoint/task.c */
int ckpt_check_tree(struct ckpt_ctx *ctx);
int ckpt_write_tasks(struct ckpt_ctx *ctx);
int rst_task(struct ckpt_ctx *ctx, struct ckpt_hdr *h);

/* kernel/checkpoint/creds.c */
int ckpt_write_creds(struct ckpt_ctx *ctx, struct task_struct *t);
int rst_creds(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
void rst_creds_end(struct ckpt_ctx *ctx);
void rst_creds_commit(struct ckpt_ctx *ctx, bool ok);

/* kernel/checkpoint/restart_block.c */
int ckpt_write_restart_block(struct ckpt_ctx *ctx, struct task_struct *t);
int rst_restart_block(struct ckpt_ctx *ctx, struct ckpt_hdr *h);

/* kernel/checkpoint/resources.c */
int ckpt_write_rlimits(struct ckpt_ctx *ctx, struct task_struct *t);
int rst_rlimits(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int ckpt_write_sched(struct ckpt_ctx *ctx, struct task_struct *t);
int rst_sched(struct ckpt_ctx *ctx, struct ckpt_hdr *h);

/* kernel/checkpoint/signal.c */
int ckpt_write_sighand(struct ckpt_ctx *ctx, struct task_struct *t);
int rst_sighand(struct ckpt_ctx *ctx, struct ckpt_hdr *h);

/* kernel/checkpoint/sigpending.c */
int ckpt_write_sigpending(struct ckpt_ctx *ctx, struct task_struct *t);
int rst_sigpending(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int ckpt_write_itimers(struct ckpt_ctx *ctx, struct task_struct *t);
int rst_itimers(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
void rst_signals_commit(struct ckpt_ctx *ctx, bool ok);

/* kernel/time/checkpoint_posix_timers.c */
struct posix_timer_ckpt;
#ifdef CONFIG_POSIX_TIMERS
int ckpt_write_posix_timers(struct ckpt_ctx *ctx, struct task_struct *t);
int rst_posix_timers(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
void rst_posix_timers_commit(struct ckpt_ctx *ctx, bool ok);
#else
static inline int ckpt_write_posix_timers(struct ckpt_ctx *ctx,
					  struct task_struct *t)
{
	return 0;
}

static inline int rst_posix_timers(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no POSIX timers");
}

static inline void rst_posix_timers_commit(struct ckpt_ctx *ctx, bool ok)
{
}
#endif

/* mm/checkpoint.c */
int ckpt_write_mm(struct ckpt_ctx *ctx, struct task_struct *t);
int rst_mm(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_vma(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_pages(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_shmem(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_mapped_file(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
void rst_mm_end(struct ckpt_ctx *ctx);
int ckpt_write_object_contents(struct ckpt_ctx *ctx, struct file *file,
			       struct file *reader, loff_t size);

/*
 * One descriptor that checkpoint saves: its task, number and open file.
 * @path:	the file's path, in the caller's buffer
 * @new_file:	the open file is met for the first time (a numbered kind)
 * @data:	set by ->checkpoint() for ->write_data() to write a record
 *		right after the FILE record
 */
struct ckpt_fd {
	struct task_struct *task;
	pid_t pid;
	unsigned int fd;
	struct file *file;
	const char *path;
	bool new_file;
	bool data;
};

/**
 * struct ckpt_file_ops - a kind of open file (CKPT_FILE_*)
 * @kind:	its CKPT_FILE_* number
 * @by_path:	restart opens it by the FILE record's path, which is required
 * @numbered:	it has an objref: descriptors and tasks sharing the open
 *		file share it again (every kind but an outside terminal)
 * @object:	the FILE record names the object the file is open on (a
 *		pipe, a pty) in its pipe/pty field; 0 there for other kinds
 * @is:		does checkpoint save @file as this kind?
 * @checkpoint:	refuse what restart could not bring back, fill the kind's
 *		fields of the FILE record; may write the records of objects
 *		that must come before it
 * @write_data:	write what follows the FILE record (when ->checkpoint()
 *		set ckpt_fd.data)
 * @restart:	open the file again; only once per objref
 *
 * fs/checkpoint.c holds the table of kinds; each kind's code sits with
 * its subsystem.
 */
struct ckpt_file_ops {
	u32 kind;
	bool by_path;
	bool numbered;
	bool object;
	bool (*is)(struct ckpt_ctx *ctx, struct file *file);
	int (*checkpoint)(struct ckpt_ctx *ctx, struct ckpt_fd *f,
			  struct ckpt_rec_file *rec);
	int (*write_data)(struct ckpt_ctx *ctx, struct ckpt_fd *f,
			  const struct ckpt_rec_file *rec);
	struct file *(*restart)(struct ckpt_ctx *ctx,
				const struct ckpt_rec_file *rec,
				const char *path);
};

/* fs/checkpoint.c */
int ckpt_write_files(struct ckpt_ctx *ctx, struct task_struct *t);
void rst_files_begin(struct ckpt_ctx *ctx);
void rst_files_end(struct ckpt_ctx *ctx);
int rst_file(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int ckpt_write_fs(struct ckpt_ctx *ctx, struct task_struct *t);
int ckpt_path_reopens(struct file *file, const char *path);
int ckpt_check_reopens(struct ckpt_ctx *ctx, const struct ckpt_fd *f);
const char *ckpt_unreachable_why(struct file *file);
bool ckpt_file_numbered(struct ckpt_ctx *ctx, struct file *file);
int rst_new_file(struct ckpt_ctx *ctx, u32 objref, struct file *file);
struct file *rst_file_at(struct ckpt_ctx *ctx, u32 objref, int fd);
struct file *rst_file_missing(struct ckpt_ctx *ctx,
			      const struct ckpt_rec_file *rec, const char *path);
struct file *rst_objfile(struct ckpt_ctx *ctx, u32 objref, u32 vma_kind);
struct file *rst_objfile_open(struct ckpt_ctx *ctx, struct file *objfile,
			      const struct ckpt_rec_file *rec);
int rst_objfile_add(struct ckpt_ctx *ctx, u32 objref, struct file *file);
int rst_objfile_next(struct ckpt_ctx *ctx, struct file *file, u32 objref,
		     u32 vma_kind);

/* fs/checkpoint_deleted.c */
extern const struct ckpt_file_ops ckpt_deleted_file_ops;
bool ckpt_is_deleted(struct file *file);
int ckpt_write_deleted(struct ckpt_ctx *ctx, struct file *file, bool always,
		       u32 *ref);
int rst_deleted_file(struct ckpt_ctx *ctx, struct ckpt_hdr *h);

/* mm/checkpoint_memfd.c */
#ifdef CONFIG_MEMFD_CREATE
extern const struct ckpt_file_ops ckpt_memfd_file_ops;
bool ckpt_is_memfd(struct file *file);
int ckpt_write_memfd(struct ckpt_ctx *ctx, struct file *file, bool always,
		     u32 *ref);
int rst_memfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_memfd_commit(struct ckpt_ctx *ctx);
void rst_memfds_end(struct ckpt_ctx *ctx);
#else
static inline bool ckpt_is_memfd(struct file *file)
{
	return false;
}

static inline int ckpt_write_memfd(struct ckpt_ctx *ctx, struct file *file,
				   bool always, u32 *ref)
{
	return -EOPNOTSUPP;
}

static inline int rst_memfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no memfd");
}

static inline int rst_memfd_commit(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline void rst_memfds_end(struct ckpt_ctx *ctx)
{
}
#endif

/* fs/checkpoint_eventfd.c */
#ifdef CONFIG_EVENTFD
extern const struct ckpt_file_ops ckpt_eventfd_file_ops;
int rst_eventfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
#else
static inline int rst_eventfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no eventfd");
}
#endif

/* fs/checkpoint_locks.c */
int ckpt_write_file_locks(struct ckpt_ctx *ctx, const struct ckpt_fd *f,
			  u32 objref);
int rst_file_lock(struct ckpt_ctx *ctx, struct ckpt_hdr *h);

/* fs/checkpoint_fown.c */
int ckpt_write_file_owner(struct ckpt_ctx *ctx, const struct ckpt_fd *f,
			  u32 objref);
int rst_file_async(struct ckpt_ctx *ctx, int fd, struct file *file);
int rst_file_owner(struct ckpt_ctx *ctx, struct ckpt_hdr *h);

/* net/core/checkpoint.c */
#ifdef CONFIG_NET
struct sock;
const char *ckpt_sock_unsupported(struct sock *sk, bool ip_options);
struct sock *ckpt_file_sock(struct file *file, int family);
s64 ckpt_sock_timeo_ns(long timeo);
void rst_sock_timeouts(struct sock *sk, s64 sndtimeo_ns, s64 rcvtimeo_ns);
#endif

/* net/netlink/checkpoint.c */
#ifdef CONFIG_NET
extern const struct ckpt_file_ops ckpt_netlink_file_ops;
int rst_netlink_sock(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
#else
static inline int rst_netlink_sock(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no networking");
}
#endif

/* net/unix/checkpoint.c */
#if IS_BUILTIN(CONFIG_UNIX)
extern const struct ckpt_file_ops ckpt_unix_file_ops;
int rst_unix_pair(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_unix_sock(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_unix_commit(struct ckpt_ctx *ctx);
void rst_unix_end(struct ckpt_ctx *ctx);
#else
static inline int rst_unix_pair(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP,
			"this kernel has no built-in UNIX sockets");
}

static inline int rst_unix_sock(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return rst_unix_pair(ctx, h);
}

static inline int rst_unix_commit(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline void rst_unix_end(struct ckpt_ctx *ctx)
{
}
#endif

/* net/ipv4/checkpoint_inet.c, checkpoint_tcp.c */
#ifdef CONFIG_INET
extern const struct ckpt_file_ops ckpt_inet_file_ops;
int rst_inet_sock(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
void ckpt_tcp_end(struct ckpt_ctx *ctx, bool quiet);
int rst_tcp_commit(struct ckpt_ctx *ctx);
void rst_tcp_end(struct ckpt_ctx *ctx);
#else
static inline int rst_inet_sock(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no TCP/IP");
}

static inline void ckpt_tcp_end(struct ckpt_ctx *ctx, bool quiet)
{
}

static inline int rst_tcp_commit(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline void rst_tcp_end(struct ckpt_ctx *ctx)
{
}
#endif

/* fs/checkpoint_epoll.c */
struct rst_epoll;
#ifdef CONFIG_EPOLL
extern const struct ckpt_file_ops ckpt_epoll_file_ops;
int rst_epoll(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_epoll_watches(struct ckpt_ctx *ctx);
int rst_epoll_commit(struct ckpt_ctx *ctx);
void rst_epolls_end(struct ckpt_ctx *ctx);
#else
static inline int rst_epoll(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no epoll");
}

static inline int rst_epoll_watches(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline int rst_epoll_commit(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline void rst_epolls_end(struct ckpt_ctx *ctx)
{
}
#endif

/* fs/checkpoint_inotify.c */
struct rst_inotify_watch;
#ifdef CONFIG_INOTIFY_USER
extern const struct ckpt_file_ops ckpt_inotify_file_ops;
int rst_inotify(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_inotify_watch(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_inotify_event(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_inotify_commit(struct ckpt_ctx *ctx);
void rst_inotify_end(struct ckpt_ctx *ctx);
#else
static inline int rst_inotify(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no inotify");
}

static inline int rst_inotify_watch(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return rst_inotify(ctx, h);
}

static inline int rst_inotify_event(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return rst_inotify(ctx, h);
}

static inline int rst_inotify_commit(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline void rst_inotify_end(struct ckpt_ctx *ctx)
{
}
#endif

/* fs/checkpoint_timerfd.c */
#ifdef CONFIG_TIMERFD
extern const struct ckpt_file_ops ckpt_timerfd_file_ops;
int rst_timerfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
#else
static inline int rst_timerfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no timerfd");
}
#endif

/* fs/checkpoint_signalfd.c */
#ifdef CONFIG_SIGNALFD
extern const struct ckpt_file_ops ckpt_signalfd_file_ops;
int rst_signalfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
#else
static inline int rst_signalfd(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP, "this kernel has no signalfd");
}
#endif

/* drivers/tty/checkpoint_pty.c */
#if defined(CONFIG_CHECKPOINT) && defined(CONFIG_UNIX98_PTYS)
extern const struct ckpt_file_ops ckpt_pty_file_ops;
bool ckpt_pty_ctty(struct ckpt_ctx *ctx, struct tty_struct *tty, u32 *ref);
int rst_pty(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_pty_check_ctty(struct ckpt_ctx *ctx, const struct ckpt_task_ids *ids);
void rst_pty_ctty_commit(struct ckpt_ctx *ctx);
void rst_ptys_end(struct ckpt_ctx *ctx);
#else
static inline bool ckpt_pty_ctty(struct ckpt_ctx *ctx,
				 struct tty_struct *tty, u32 *ref)
{
	return false;
}

static inline int rst_pty(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	return ckpt_err(ctx, -EOPNOTSUPP,
			"this kernel has no Unix 98 pseudo-terminals");
}

static inline int rst_pty_check_ctty(struct ckpt_ctx *ctx,
				     const struct ckpt_task_ids *ids)
{
	return ckpt_err(ctx, -EOPNOTSUPP,
			"this kernel has no Unix 98 pseudo-terminals");
}

static inline void rst_pty_ctty_commit(struct ckpt_ctx *ctx)
{
}

static inline void rst_ptys_end(struct ckpt_ctx *ctx)
{
}
#endif

/* fs/checkpoint_share.c */
int ckpt_write_share(struct ckpt_ctx *ctx, struct task_struct *t, u32 kind);
int rst_share(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
void rst_share_thread(struct ckpt_ctx *ctx);
void rst_share_end(struct ckpt_ctx *ctx);

/* fs/checkpoint_pipe.c */
extern const struct ckpt_file_ops ckpt_pipe_file_ops;
extern const struct ckpt_file_ops ckpt_fifo_file_ops;
unsigned int ckpt_pipe_ends(struct pipe_inode_info *pipe);
int rst_pipe_data(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
void rst_pipes_end(struct ckpt_ctx *ctx);
int rst_fs(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
void rst_fs_commit(struct ckpt_ctx *ctx, bool ok);

/* kernel/checkpoint/checkpoint.c and restart.c */
long do_checkpoint(struct ckpt_ctx *ctx);
long do_restart(struct ckpt_ctx *ctx);
int rst_next_hdr(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int rst_read_tail(struct ckpt_ctx *ctx, const struct ckpt_hdr *h);
int rst_read_prefix(struct ckpt_ctx *ctx);
int rst_read_task(struct ckpt_ctx *ctx);
long rst_finish(struct ckpt_ctx *ctx, int ret);

/*
 * Architecture interface, implemented in arch/<arch>/kernel/checkpoint.c.
 *
 * ckpt_arch_fill_header() stores the architecture id and the CPU
 * features that saved CPU state may depend on.  ckpt_arch_check_header()
 * refuses, with -ENOEXEC and a log message, an image this machine cannot
 * run.  ckpt_arch_write_cpu() writes a frozen task's registers and FPU
 * state; ckpt_arch_restore_cpu() loads them into the caller, and
 * ckpt_arch_syscall_return() is what restart() then returns so that the
 * restored registers survive the system call exit.  The vdso helpers
 * find and re-create the vdso mapping.
 */
void ckpt_arch_fill_header(struct ckpt_rec_header *h);
int ckpt_arch_check_header(struct ckpt_ctx *ctx,
			   const struct ckpt_rec_header *h);
int ckpt_arch_write_cpu(struct ckpt_ctx *ctx, struct task_struct *t);
int ckpt_arch_restore_cpu(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
long ckpt_arch_syscall_return(void);
unsigned long ckpt_arch_vdso_base(struct mm_struct *mm);
int ckpt_arch_map_vdso(struct ckpt_ctx *ctx, unsigned long start,
		       unsigned long size);

/*
 * freezing() asks this about every task while some freezer is active:
 * checkpoint() freezes the tasks it dumps (kernel/checkpoint/freeze.c).
 */
#ifdef CONFIG_CHECKPOINT
static inline bool checkpoint_freezing(struct task_struct *p)
{
	return READ_ONCE(p->ckpt_freeze);
}
#else
static inline bool checkpoint_freezing(struct task_struct *p)
{
	return false;
}
#endif

#endif /* _LINUX_CHECKPOINT_H */
