/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Checkpoint/restart: system call interface and image format.
 *
 * This is the only definition of the image format.  The kernel and the
 * userspace tools (libcr, checkpoint, restart, ckptinfo) compile against
 * this same file.
 *
 * An image is a sequential stream of records.  Every record starts with a
 * struct ckpt_hdr whose @len counts the header itself plus the payload and
 * is a multiple of 8; writers pad payloads with zero bytes.  Readers never
 * seek: an image may be written to and read from a pipe or a socket.
 *
 * Rules that keep old images readable:
 *  - record type numbers are explicit, grouped by subsystem, and never
 *    renumbered or reused;
 *  - the format version (major.minor) is independent of the kernel
 *    version; a minor bump may add record types and optional trailing
 *    fields at the end of a payload (readers accept a payload longer than
 *    the structure they know, and zero-fill a shorter one only where the
 *    record's documentation says so);
 *  - a record whose type has CKPT_REC_OPTIONAL set may be skipped by a
 *    reader that does not know it; an unknown type without that bit makes
 *    the image unreadable for that reader.
 *
 * Every image starts with a CKPT_REC_HEADER record and ends with a
 * CKPT_REC_TAIL record that carries a CRC-32 (the zlib/IEEE 802.3
 * polynomial) of every byte before the tail record.  A checkpoint that
 * fails after the header was written appends a CKPT_REC_ERROR record
 * with the reason before the tail.
 */
#ifndef _UAPI_LINUX_CHECKPOINT_HDR_H
#define _UAPI_LINUX_CHECKPOINT_HDR_H

#include <linux/types.h>

/*
 * System call numbers, for C libraries that do not know them yet.  They
 * sit above the range upstream has allocated after 6.12 (463-470) and
 * below the x32 range (512-547).
 */
#if defined(__x86_64__) && !defined(__ILP32__)
#ifndef __NR_checkpoint
#define __NR_checkpoint		500
#endif
#ifndef __NR_restart
#define __NR_restart		501
#endif
#endif

/*
 * long checkpoint(pid_t pid, int fd, unsigned int flags, int logfd);
 *
 * Writes an image of the tree rooted at @pid (0: the caller) to @fd.
 * @logfd, or -1, receives human-readable progress and error messages.
 */
/* @pid need not be a pid-namespace init; no leak detection */
#define CHECKPOINT_SUBTREE	(1U << 0)
#define CHECKPOINT_KILL		(1U << 1)	/* kill the tree once the image is complete */
/*
 * 1.6: the caller drops the packets of the tree's TCP connections (its
 * network lock) from before the call until the restart: a connection to
 * a peer outside the tree is saved, otherwise refused
 */
#define CHECKPOINT_NET_LOCKED	(1U << 2)
#define CHECKPOINT_FLAGS_MASK	(CHECKPOINT_SUBTREE | CHECKPOINT_KILL | \
				 CHECKPOINT_NET_LOCKED)

/*
 * long restart(pid_t pid, int fd, unsigned int flags, int logfd);
 *
 * Reads an image from @fd.  With @pid 0 the caller restores itself from
 * an image of one task.  Otherwise @pid is the root of the task tree that
 * the caller (the coordinator) created for the image: every live task of
 * it waits in restart(0, -1, RESTART_TASK, logfd), and each restores its
 * own state from the coordinator's stream, in image order; all return
 * together once the whole image was read, or all die.
 */
#define RESTART_FROZEN		(1U << 0)	/* leave the restored tasks frozen */
#define RESTART_TASK		(1U << 1)	/* wait for a coordinator */
#define RESTART_FLAGS_MASK	(RESTART_FROZEN | RESTART_TASK)

/* Every record starts with this header. */
struct ckpt_hdr {
	__u32 type;		/* CKPT_REC_* */
	__u32 len;		/* bytes, header included, multiple of 8 */
};

#define CKPT_REC_ALIGN		8
#define CKPT_REC_MAX_LEN	(1U << 24)	/* no record is longer */

/* Record types.  Explicit, grouped by subsystem, never renumbered. */
#define CKPT_REC_OPTIONAL	0x80000000U	/* readers may skip unknown ones */

/* 0x0001-0x00ff: stream structure */
#define CKPT_REC_HEADER		0x0001	/* struct ckpt_rec_header, first record */
#define CKPT_REC_TAIL		0x0002	/* struct ckpt_rec_tail, last record */
#define CKPT_REC_ERROR		0x0003	/* struct ckpt_rec_error + message */
#define CKPT_REC_PADDING	(CKPT_REC_OPTIONAL | 0x0004)	/* no payload meaning */

/* 0x0100-0x01ff: task tree and task state */
#define CKPT_REC_TREE		0x0100	/* struct ckpt_rec_tree + ckpt_task_ids[] */
#define CKPT_REC_TASK		0x0101	/* struct ckpt_rec_task, starts a task */
#define CKPT_REC_CREDS		0x0102	/* struct ckpt_rec_creds + groups */
#define CKPT_REC_RLIMITS	0x0103	/* struct ckpt_rec_rlimits */
#define CKPT_REC_SCHED		0x0104	/* struct ckpt_rec_sched */
#define CKPT_REC_RESTART_BLOCK	0x0105	/* struct ckpt_rec_restart_block */
#define CKPT_REC_SHARE		0x0106	/* struct ckpt_rec_share (1.2) */

/* 0x0200-0x02ff: CPU state */
#define CKPT_REC_CPU_X86_64	0x0200	/* struct ckpt_rec_cpu_x86_64 + xsave */

/* 0x0300-0x03ff: memory */
#define CKPT_REC_MM		0x0300	/* struct ckpt_rec_mm + exe path */
#define CKPT_REC_VMA		0x0301	/* struct ckpt_rec_vma + file path */
#define CKPT_REC_PAGES		0x0302	/* struct ckpt_rec_pages + page data */
#define CKPT_REC_SHMEM		0x0303	/* struct ckpt_rec_shmem (1.2) */
#define CKPT_REC_MEMFD		0x0305	/* struct ckpt_rec_memfd + name (1.10) */
/* 1.4: struct ckpt_rec_mapped_file */
#define CKPT_REC_MAPPED_FILE	(CKPT_REC_OPTIONAL | 0x0304)

/* 0x0400-0x04ff: files */
#define CKPT_REC_FILE		0x0400	/* struct ckpt_rec_file + path */
#define CKPT_REC_FS		0x0401	/* struct ckpt_rec_fs + cwd path */
#define CKPT_REC_PIPE_DATA	0x0402	/* struct ckpt_rec_pipe_data + bytes */
#define CKPT_REC_PTY		0x0403	/* struct ckpt_rec_pty + path + input (1.3) */
#define CKPT_REC_EVENTFD	0x0404	/* struct ckpt_rec_eventfd (1.3) */
#define CKPT_REC_SIGNALFD	0x0405	/* struct ckpt_rec_signalfd (1.3) */
#define CKPT_REC_TIMERFD	0x0406	/* struct ckpt_rec_timerfd (1.3) */
#define CKPT_REC_EPOLL		0x0407	/* struct ckpt_rec_epoll + watches (1.3) */
#define CKPT_REC_FILE_LOCK	0x0408	/* struct ckpt_rec_file_lock (1.3) */
#define CKPT_REC_INOTIFY	0x0409	/* struct ckpt_rec_inotify (1.5) */
#define CKPT_REC_INOTIFY_WATCH	0x040a	/* struct ckpt_rec_inotify_watch + path (1.5) */
#define CKPT_REC_INOTIFY_EVENT	0x040b	/* struct ckpt_rec_inotify_event + name (1.5) */
#define CKPT_REC_FILE_OWNER	0x040c	/* struct ckpt_rec_file_owner (1.9) */
#define CKPT_REC_DELETED_FILE	0x040d	/* struct ckpt_rec_deleted_file + path (1.10) */

/* 0x0600-0x06ff: System V and POSIX IPC */
#define CKPT_REC_SYSV_SHM	0x0600	/* struct ckpt_rec_sysv_shm (1.11) */
#define CKPT_REC_SYSV_SEM	0x0601	/* struct ckpt_rec_sysv_sem + values (1.11) */
#define CKPT_REC_SEM_UNDO	0x0602	/* struct ckpt_rec_sem_undo + adjustments (1.11) */

/* 0x0700-0x07ff: sockets */
#define CKPT_REC_UNIX_PAIR	0x0700	/* struct ckpt_rec_unix_pair + queues (1.3) */
#define CKPT_REC_INET_SOCK	0x0701	/* struct ckpt_rec_inet_sock + queues (1.6) */
#define CKPT_REC_UNIX_SOCK	0x0702	/* struct ckpt_rec_unix_sock + address + path (1.8) */
#define CKPT_REC_NETLINK_SOCK	0x0703	/* struct ckpt_rec_netlink_sock + groups (1.8) */

/* 0x0500-0x05ff: signals */
#define CKPT_REC_SIGHAND	0x0500	/* struct ckpt_rec_sighand */
#define CKPT_REC_SIGPENDING	0x0501	/* struct ckpt_rec_sigpending + entries */
#define CKPT_REC_ITIMERS	0x0502	/* struct ckpt_rec_itimers */
#define CKPT_REC_POSIX_TIMERS	0x0503	/* struct ckpt_rec_posix_timers + timers (1.5) */

/* 0x0800-0x08ff: namespaces and containers */
#define CKPT_REC_NAMESPACE	0x0800	/* struct ckpt_rec_namespace (1.11) */
#define CKPT_REC_UTS_NS		0x0801	/* struct ckpt_rec_uts_ns (1.11) */
#define CKPT_REC_IPC_NS		0x0802	/* struct ckpt_rec_ipc_ns (1.11) */

/*
 * Ranges reserved for the record types of each subsystem:
 *   0x0100-0x01ff  task tree and task state
 *   0x0200-0x02ff  CPU state (per architecture)
 *   0x0300-0x03ff  memory
 *   0x0400-0x04ff  files and file descriptors
 *   0x0500-0x05ff  signals and timers
 *   0x0600-0x06ff  System V and POSIX IPC
 *   0x0700-0x07ff  sockets
 *   0x0800-0x08ff  namespaces and containers
 */

/* Image format version, independent of the kernel version. */
#define CKPT_VERSION_MAJOR	1
#define CKPT_VERSION_MINOR	11

/* Architecture of the checkpointed tasks. */
#define CKPT_ARCH_X86_64	1
#define CKPT_ARCH_ARM64		2

#define CKPT_MAGIC		"LXCKPT\r\n"	/* 8 bytes, no NUL */
#define CKPT_TAIL_MAGIC		"LXCKEND\n"	/* 8 bytes, no NUL */
#define CKPT_MAGIC_LEN		8
#define CKPT_RELEASE_LEN	64

/* Image header flags */
#define CKPT_IMAGE_CONTAINER	(1U << 0)	/* root is a pid-namespace init */

struct ckpt_rec_header {
	struct ckpt_hdr h;		/* CKPT_REC_HEADER */
	__u8  magic[CKPT_MAGIC_LEN];	/* CKPT_MAGIC */
	__u16 major;			/* CKPT_VERSION_MAJOR */
	__u16 minor;			/* CKPT_VERSION_MINOR */
	__u16 arch;			/* CKPT_ARCH_* */
	__u16 page_shift;		/* log2 of the page size */
	__u32 flags;			/* CKPT_IMAGE_* */
	__u32 cpu_state_size;		/* x86_64: user xsave area size, bytes */
	__u64 cpu_features;		/* x86_64: user xfeatures (XCR0) mask */
	__s64 time_sec;			/* CLOCK_REALTIME when the dump began */
	__u32 time_nsec;
	__u32 root_pid;			/* pid of the root, in the caller's pid namespace */
	char  release[CKPT_RELEASE_LEN];	/* uname -r, NUL-padded, informational */
};

struct ckpt_rec_error {
	struct ckpt_hdr h;		/* CKPT_REC_ERROR */
	__s32 error;			/* negative errno of the failure */
	__u32 msg_len;			/* message bytes that follow, no NUL */
	/* followed by msg_len bytes of message, then zero padding */
};

#define CKPT_CSUM_CRC32		1	/* zlib crc32(), IEEE 802.3 polynomial */

struct ckpt_rec_tail {
	struct ckpt_hdr h;		/* CKPT_REC_TAIL */
	__u8  magic[CKPT_MAGIC_LEN];	/* CKPT_TAIL_MAGIC */
	__u64 records;			/* records before this one */
	__u64 length;			/* bytes before this record */
	__u32 csum_type;		/* CKPT_CSUM_* */
	__u32 csum;			/* checksum of those bytes */
};

/*
 * The task tree comes right after the header so that restart can create
 * the tasks before the kernel reads their state.  Pids are as seen from
 * the pid namespace of the root task.  Tasks come parent before child
 * and thread group leader before its other threads; a thread has
 * tgid != pid and the ppid of its leader.
 */
#define CKPT_TASK_SESSION_LEADER	(1U << 0)
#define CKPT_TASK_GROUP_LEADER		(1U << 1)	/* process group leader */
#define CKPT_TASK_ZOMBIE		(1U << 2)	/* exited, not reaped yet */
#define CKPT_TASK_SUBREAPER		(1U << 3)	/* PR_SET_CHILD_SUBREAPER */
#define CKPT_TASK_CTTY			(1U << 4)	/* has a controlling terminal (1.1) */
/* 1.2: a process stopped by job control, on its leader's entry */
#define CKPT_TASK_STOPPED		(1U << 5)	/* stopped, by stop_signal */
#define CKPT_TASK_STOP_WAITED		(1U << 6)	/* its parent's wait() took the stop */
/* 1.3: a session leader whose controlling terminal is a pty of the image */
#define CKPT_TASK_CTTY_PTY		(1U << 7)	/* the slave of PTY record ctty_pty */

/*
 * A terminal outside the tree is not saved: restart gives the
 * restarter's own (see CKPT_FILE_TTY), and makes it the controlling
 * terminal of the processes flagged CKPT_TASK_CTTY, with the foreground
 * process group tty_pgrp.  A session whose controlling terminal is a
 * pseudo-terminal the tree holds (CKPT_FILE_PTY) is flagged
 * CKPT_TASK_CTTY_PTY instead: restart makes the slave of that pty its
 * controlling terminal again, with the foreground group tty_pgrp.
 */
struct ckpt_task_ids {
	__s32 pid;
	__s32 tgid;
	__s32 ppid;			/* 0: the parent is outside the tree */
	__s32 pgid;
	__s32 sid;
	__u32 flags;			/* CKPT_TASK_* */
	__s32 exit_code;		/* a zombie's wait status, as wait() gives it */
	__u32 exit_signal;		/* signal to the parent when it exits */
	/* format 1.1 */
	__s32 tty_pgrp;			/* a session leader's terminal's foreground group, 0: none */
	__u32 stop_signal;		/* CKPT_TASK_STOPPED: SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU; else 0 (1.2) */
	/* format 1.3 */
	__u32 ctty_pty;			/* CKPT_TASK_CTTY_PTY: the pty's number (ckpt_rec_pty.pty) */
	__u32 pad;
	/* format 1.11: NAMESPACE objrefs, 0: the checkpointer's (the restarter's) */
	__u32 uts_ns;
	__u32 ipc_ns;
};

/* The size of struct ckpt_task_ids in format 1.0, whose tree says 0. */
#define CKPT_TASK_IDS_SIZE_1_0	32
/* The largest entry that restart() takes, from a newer format. */
#define CKPT_TASK_IDS_SIZE_MAX	256

struct ckpt_rec_tree {
	struct ckpt_hdr h;		/* CKPT_REC_TREE */
	__u32 nr_tasks;
	__u32 task_size;		/* bytes per entry; readers ignore what they do not know */
	/* followed by nr_tasks struct ckpt_task_ids, in creation order */
};

/*
 * The container section (1.11): between the header and the tree, one
 * NAMESPACE record for each namespace of the tree that is not the
 * checkpointer's, so that restart knows them before it creates the
 * tasks.  The tree's entries name each task's namespaces by these
 * objrefs.  A namespace is new at the first task in tree order that
 * lives in it (pid), whose parent lives in another one; every other task
 * in it has a parent in it too: restart makes the namespace with the
 * clone() of that first task (CLONE_NEWUTS, CLONE_NEWIPC) and the tasks
 * after it inherit it.  What the namespace holds is restored by the
 * kernel from the record (UTS_NS, IPC_NS) that starts the records of its
 * first task, followed by its objects (an IPC namespace's SYSV_SHM
 * records).
 */
#define CKPT_NS_UTS		1
#define CKPT_NS_IPC		2

struct ckpt_rec_namespace {
	struct ckpt_hdr h;		/* CKPT_REC_NAMESPACE */
	__u32 objref;			/* named by the tree's entries */
	__u32 kind;			/* CKPT_NS_* */
	__s32 pid;			/* the first task living in it */
	__u32 pad;
};

#define CKPT_UTS_LEN		65	/* __NEW_UTS_LEN + 1 */

/* A UTS namespace: what sethostname() and setdomainname() set in it. */
struct ckpt_rec_uts_ns {
	struct ckpt_hdr h;		/* CKPT_REC_UTS_NS */
	__u32 objref;			/* its NAMESPACE record */
	__u32 pad;
	char  nodename[CKPT_UTS_LEN];	/* NUL-terminated, NUL-padded */
	char  domainname[CKPT_UTS_LEN];
	__u8  pad2[6];
};

/*
 * How an IPC namespace numbers the next object of one kind: an id is
 * seq * 2^15 (2^24 with ipcmni_extend) + index, the index found from the
 * cursor on, and seq bumped when the index goes round past last_idx.
 */
struct ckpt_ipc_ids {
	__u32 seq;			/* the sequence number of new ids */
	__s32 last_idx;			/* the index given last, -1: none */
	__u32 cursor;			/* where the next index is looked for */
	__u32 pad;
};

/*
 * An IPC namespace: its limits, as its sysctls show them (kernel.shmmax,
 * kernel.msgmni, fs.mqueue.*, ...); its System V shared memory segments
 * follow as SYSV_SHM records, then its semaphore sets as SYSV_SEM
 * records.
 */
struct ckpt_rec_ipc_ns {
	struct ckpt_hdr h;		/* CKPT_REC_IPC_NS */
	__u32 objref;			/* its NAMESPACE record */
	__u32 nr_shm;			/* SYSV_SHM records that follow */
	__u64 shm_ctlmax;		/* kernel.shmmax */
	__u64 shm_ctlall;		/* kernel.shmall */
	__u32 shm_ctlmni;		/* kernel.shmmni */
	__u32 shm_rmid_forced;		/* kernel.shm_rmid_forced */
	__u32 msg_ctlmax;		/* kernel.msgmax */
	__u32 msg_ctlmnb;		/* kernel.msgmnb */
	__u32 msg_ctlmni;		/* kernel.msgmni */
	__u32 sem_ctls[4];		/* kernel.sem: semmsl, semmns, semopm, semmni */
	__u32 mq_queues_max;		/* fs.mqueue.queues_max */
	__u32 mq_msg_max;		/* fs.mqueue.msg_max */
	__u32 mq_msgsize_max;		/* fs.mqueue.msgsize_max */
	__u32 mq_msg_default;		/* fs.mqueue.msg_default */
	__u32 mq_msgsize_default;	/* fs.mqueue.msgsize_default */
	__u32 nr_sem;			/* SYSV_SEM records that follow the segments */
	__u32 pad;
	/* the ids new objects get: [0] semaphore sets, [1] message queues, [2] segments */
	struct ckpt_ipc_ids ids[3];
};

/*
 * A System V shared memory segment (1.11).  The IPC_NS record of its
 * namespace is followed by one SYSV_SHM record with CKPT_SYSV_SHM_NEW
 * per segment, with every field, then PAGES records of its contents
 * (addr: the byte offset in the segment; pages that read as zeroes are
 * not written).  Restart makes it with the same key and id.  Each
 * mapping of it (attached by shmat(), kind CKPT_VMA_SYSV_SHM) comes
 * right after a SYSV_SHM record naming it by objref, its other fields 0;
 * restart attaches it there again.  Owners are in the checkpointer's
 * user namespace, pids in the tree's pid namespace (0: a task that is
 * gone, which IPC_STAT then shows as 0).
 */
#define CKPT_SYSV_SHM_NEW	(1U << 0)
#define CKPT_SYSV_SHM_RMID	(1U << 1)	/* removed (IPC_RMID), still attached */

struct ckpt_rec_sysv_shm {
	struct ckpt_hdr h;		/* CKPT_REC_SYSV_SHM */
	__u32 objref;			/* named by its mappings' records */
	__u32 flags;			/* CKPT_SYSV_SHM_* */
	__s32 key;			/* IPC_PRIVATE (0) or the key */
	__s32 id;			/* the shmid */
	__u32 uid, gid;			/* owner */
	__u32 cuid, cgid;		/* creator */
	__u32 mode;			/* permission bits, 0777 at most */
	__s32 cpid;			/* creator, 0: gone */
	__s32 lpid;			/* last shmat()/shmdt(), 0: none or gone */
	__u32 pad;
	__u64 size;			/* bytes (shm_segsz) */
	__s64 atime;			/* last shmat(), seconds, 0: never */
	__s64 dtime;			/* last shmdt() */
	__s64 ctime;			/* creation or last IPC_SET */
};

/*
 * A System V semaphore set (1.11), after the segments of its IPC
 * namespace: key, id, owners, mode, times, and each semaphore's value
 * and the pid of the last task that changed it (0: not a task of the
 * tree).  Restart makes it with the same key and id.
 */
struct ckpt_sem {
	__s32 semval;			/* 0 to SEMVMX */
	__s32 sempid;
};

struct ckpt_rec_sysv_sem {
	struct ckpt_hdr h;		/* CKPT_REC_SYSV_SEM */
	__s32 key;			/* IPC_PRIVATE (0) or the key */
	__s32 id;			/* the semid */
	__u32 uid, gid;			/* owner */
	__u32 cuid, cgid;		/* creator */
	__u32 mode;			/* permission bits, 0777 at most */
	__u32 nsems;			/* semaphores, 1 to kernel.sem's semmsl */
	__s64 otime;			/* last semop(), seconds, 0: never */
	__s64 ctime;			/* creation or last change by semctl() */
	/* followed by nsems struct ckpt_sem */
};

/*
 * What a process's semop(SEM_UNDO) calls would undo at its exit, for one
 * semaphore set of its IPC namespace (1.11): in the records of the
 * process's leader, after the records of its namespaces.  Restart gives
 * the process these adjustments again.
 */
struct ckpt_rec_sem_undo {
	struct ckpt_hdr h;		/* CKPT_REC_SEM_UNDO */
	__s32 id;			/* the semid */
	__u32 nsems;			/* the set's semaphores */
	/* followed by nsems __s16 adjustments and padding */
};

#define CKPT_COMM_LEN		16

/* One per task, in tree order; the task's other records follow it. */
struct ckpt_rec_task {
	struct ckpt_hdr h;		/* CKPT_REC_TASK */
	__s32 pid;			/* matches the tree */
	__u32 personality;
	char  comm[CKPT_COMM_LEN];
	__s32 exit_signal;
	__s32 pdeath_signal;
	__u32 umask;
	__u32 rseq_len;			/* 0: no rseq area registered */
	__u64 rseq;			/* user address of struct rseq */
	__u32 rseq_sig;
	__u32 dumpable;			/* SUID_DUMP_* of the mm */
	__u64 robust_list;		/* set_robust_list() head, 0: none */
	__u64 robust_list_len;
	__u64 clear_child_tid;		/* set_tid_address() */
	__u32 mm_flags;			/* 1.7: CKPT_MM_*, 0 for a zombie */
	__u32 pad;
};

/* The size of struct ckpt_rec_task up to format 1.6: read too, as 0 mm_flags. */
#define CKPT_REC_TASK_SIZE_1_6	88

/* ckpt_rec_task.mm_flags: settings of the process's memory (1.7) */
#define CKPT_MM_THP_DISABLE	(1U << 0)	/* prctl(PR_SET_THP_DISABLE) */
#define CKPT_MM_LOCK_FUTURE	(1U << 1)	/* mlockall(MCL_FUTURE) (1.9) */
#define CKPT_MM_LOCK_ONFAULT	(1U << 2)	/* ... with MCL_ONFAULT (1.9) */

/*
 * Credentials, with ids as seen from the user namespace of the root
 * task.  Restart applies them only as far as the restarting caller could
 * with setresuid(), setresgid(), setgroups() and capset().  Credentials
 * that several tasks share (threads) are written in full once, with an
 * objref; the other tasks' CREDS records say CKPT_CREDS_SHARED and that
 * objref only (no_new_privs, a task's own, besides).
 */
#define CKPT_CREDS_NO_NEW_PRIVS	(1U << 0)
#define CKPT_CREDS_SHARED	(1U << 1)	/* those of objref; no other fields (1.1) */

struct ckpt_rec_creds {
	struct ckpt_hdr h;		/* CKPT_REC_CREDS */
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u64 cap_inheritable;
	__u64 cap_permitted;
	__u64 cap_effective;
	__u64 cap_bset;
	__u64 cap_ambient;
	__u32 securebits;
	__u32 flags;			/* CKPT_CREDS_* */
	__u32 ngroups;			/* supplementary groups that follow */
	__u32 objref;			/* 1.1: shared by the tasks naming it, 0: not */
	/* followed by ngroups __u32 group ids */
};

/*
 * A table that a process shares with another process of the tree
 * (clone() with CLONE_FILES or CLONE_FS, format 1.2), right before where
 * the process's records of that table belong.  The first process met
 * has CKPT_SHARE_NEW and writes the table after it (its FILE records, or
 * its FS record); every other one writes the SHARE record alone, and
 * restart gives it the same table.  A process whose table is its own
 * (its threads aside) has no SHARE record.
 */
#define CKPT_SHARE_FILES	1	/* the file descriptor table */
#define CKPT_SHARE_FS		2	/* working and root directory, umask */

#define CKPT_SHARE_NEW		(1U << 0)

struct ckpt_rec_share {
	struct ckpt_hdr h;		/* CKPT_REC_SHARE */
	__u32 kind;			/* CKPT_SHARE_* */
	__u32 flags;			/* CKPT_SHARE_NEW */
	__u32 objref;			/* the table, in the objref numbers */
	__u32 pad;
};

/* Resource limits, RLIMIT_* order; RLIM_INFINITY is all ones. */
#define CKPT_RLIM_NLIMITS	16

struct ckpt_rlimit {
	__u64 cur;
	__u64 max;
};

struct ckpt_rec_rlimits {
	struct ckpt_hdr h;		/* CKPT_REC_RLIMITS */
	__u32 nr;			/* limits saved, at most CKPT_RLIM_NLIMITS */
	__u32 pad;
	struct ckpt_rlimit rlim[CKPT_RLIM_NLIMITS];
};

/* Scheduling: restored with the checks of sched_setscheduler()/nice(). */
struct ckpt_rec_sched {
	struct ckpt_hdr h;		/* CKPT_REC_SCHED */
	__s32 nice;
	__u32 policy;			/* SCHED_OTHER, _BATCH, _IDLE, _FIFO, _RR */
	__u32 rt_priority;
	__u32 reset_on_fork;
};

/*
 * A task frozen in a system call that restarts with a restart block
 * (-ERESTART_RESTARTBLOCK): what it needs to go on with the time it had
 * left.  Other restart blocks make the call start over.
 */
#define CKPT_RESTART_NONE	0	/* re-execute the interrupted call */
#define CKPT_RESTART_NANOSLEEP	1	/* relative nanosleep/clock_nanosleep */
#define CKPT_RESTART_POLL	2	/* poll() */
#define CKPT_RESTART_FUTEX	3	/* 32-bit FUTEX_WAIT with a timeout */
#define CKPT_RESTART_EPOLL	4	/* epoll_wait(), epoll_pwait2() with no mask (1.5) */

/* ckpt_rec_restart_block.flags */
#define CKPT_RB_TIMEOUT		(1U << 0)	/* poll, epoll: the call has a timeout */
#define CKPT_RB_SHARED		(1U << 1)	/* futex: not process-private */

struct ckpt_rec_restart_block {
	struct ckpt_hdr h;		/* CKPT_REC_RESTART_BLOCK */
	__u32 kind;			/* CKPT_RESTART_* */
	__s32 clockid;			/* clock of remaining_ns */
	__s64 remaining_ns;		/* time left, >= 0 */
	__u64 rmtp;			/* nanosleep: user timespec for the time left, 0: none */
	__u32 rmtp_type;		/* nanosleep: 0 none, 1 native, 2 compat */
	__u32 pad;
	__u64 uaddr;			/* poll: the pollfds; futex: the futex; epoll: events */
	__u32 nr;			/* poll: nfds; futex: expected value; epoll: maxevents */
	__u32 bitset;			/* futex; epoll: the epoll's descriptor */
	__u32 flags;			/* CKPT_RB_* */
	__u32 pad2;
};

/* x86_64 CPU state: struct user_regs_struct order, then the xsave area. */
struct ckpt_rec_cpu_x86_64 {
	struct ckpt_hdr h;		/* CKPT_REC_CPU_X86_64 */
	__u64 regs[27];			/* r15 ... gs, as in user_regs_struct */
	__u64 xfeatures;		/* features in use in the xsave area */
	__u32 xsave_size;		/* bytes of xsave area that follow */
	__u32 pad;
	/* followed by the user (standard format) xsave area */
};

#define CKPT_AUXV_WORDS		64

struct ckpt_rec_mm {
	struct ckpt_hdr h;		/* CKPT_REC_MM */
	__u64 start_code, end_code;
	__u64 start_data, end_data;
	__u64 start_brk, brk;
	__u64 start_stack;
	__u64 arg_start, arg_end;
	__u64 env_start, env_end;
	__u64 vdso;			/* start of the vdso text, 0: none */
	__u64 auxv[CKPT_AUXV_WORDS];	/* saved_auxv, 0-terminated pairs */
	__u32 nr_vmas;			/* CKPT_REC_VMA records that follow */
	__u32 exe_len;			/* bytes of executable path that follow */
	/* followed by exe_len bytes of path (no NUL) and padding */
};

/* ckpt_rec_vma.kind */
#define CKPT_VMA_ANON		1	/* private anonymous */
#define CKPT_VMA_FILE		2	/* file mapping (shared: CKPT_VMA_SHARED) */
#define CKPT_VMA_VDSO		3	/* vdso text (vvar is implied) */
#define CKPT_VMA_VVAR		4	/* vvar data, restored with the vdso */
#define CKPT_VMA_SHMEM		5	/* shared anonymous (MAP_SHARED|MAP_ANONYMOUS) */
#define CKPT_VMA_MEMFD		6	/* a memfd, shared or private (1.10) */
#define CKPT_VMA_DELETED	7	/* a deleted file, shared or private (1.10) */
#define CKPT_VMA_SYSV_SHM	8	/* a System V segment, attached whole (1.11) */

/* ckpt_rec_vma.prot: PROT_* values; ckpt_rec_vma.flags: */
#define CKPT_VMA_GROWSDOWN	(1U << 0)
#define CKPT_VMA_DONTFORK	(1U << 1)
#define CKPT_VMA_DONTDUMP	(1U << 2)
/* 1.2: what madvise() set; restart sets it again the same way */
#define CKPT_VMA_HUGEPAGE	(1U << 3)	/* MADV_HUGEPAGE */
#define CKPT_VMA_NOHUGEPAGE	(1U << 4)	/* MADV_NOHUGEPAGE */
#define CKPT_VMA_MERGEABLE	(1U << 5)	/* MADV_MERGEABLE (KSM) */
#define CKPT_VMA_WIPEONFORK	(1U << 6)	/* MADV_WIPEONFORK */
#define CKPT_VMA_SEQ_READ	(1U << 7)	/* MADV_SEQUENTIAL */
#define CKPT_VMA_RAND_READ	(1U << 8)	/* MADV_RANDOM */
/*
 * 1.9: a CKPT_VMA_FILE mapping made with MAP_SHARED: the file holds its
 * data (checkpoint writes its dirty pages back first), so no PAGES and
 * no MAPPED_FILE record follow it; restart maps the file again shared,
 * opened for writing if CKPT_VMA_MAYWRITE (the file was, so that
 * mprotect(PROT_WRITE) works as before), read-only otherwise.  1.10: a
 * CKPT_VMA_MEMFD or CKPT_VMA_DELETED mapping takes both flags the same
 * way.
 */
#define CKPT_VMA_SHARED		(1U << 9)
#define CKPT_VMA_MAYWRITE	(1U << 10)
/* 1.9: mlock()ed, with MLOCK_ONFAULT or not; locked again by restart */
#define CKPT_VMA_LOCKED		(1U << 11)
#define CKPT_VMA_LOCKONFAULT	(1U << 12)
/* 1.9: MAP_NORESERVE (not on a SHMEM mapping), MAP_DROPPABLE (anonymous) */
#define CKPT_VMA_NORESERVE	(1U << 13)
#define CKPT_VMA_DROPPABLE	(1U << 14)

struct ckpt_rec_vma {
	struct ckpt_hdr h;		/* CKPT_REC_VMA */
	__u64 start;
	__u64 end;
	__u64 pgoff;			/* file offset in pages */
	__u32 kind;			/* CKPT_VMA_* */
	__u32 prot;			/* PROT_READ | PROT_WRITE | PROT_EXEC */
	__u32 flags;			/* CKPT_VMA_* flags */
	__u32 path_len;			/* bytes of file path that follow */
	/* followed by path_len bytes of path (no NUL) and padding */
};

/*
 * Contents of present pages of the preceding VMA: nr_pages consecutive
 * pages starting at addr.  Pages never touched are not written; for a
 * shared anonymous mapping, pages that read as zeroes are not written.
 * After a SHMEM record with CKPT_SHMEM_NEW, addr is a byte offset in
 * that shared memory object instead.
 */
struct ckpt_rec_pages {
	struct ckpt_hdr h;		/* CKPT_REC_PAGES */
	__u64 addr;
	__u32 nr_pages;
	__u32 pad;
	/* followed by nr_pages pages of data */
};

/*
 * Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, shared across
 * fork()) is an object that the mappings of every process mapping it
 * refer to (format 1.2).  Each CKPT_VMA_SHMEM mapping record comes
 * right after a SHMEM record naming its object; the mapping's pgoff is
 * its offset in the object, in pages.  The first SHMEM record of an
 * object has CKPT_SHMEM_NEW and is followed by PAGES records of the
 * object's contents (pages that read as zeroes are not written); later
 * ones carry only the objref.  In a 1.1 image a CKPT_VMA_SHMEM mapping
 * has no SHMEM record: its memory is the process's own, its pages
 * follow the mapping record.
 */
#define CKPT_SHMEM_NEW		(1U << 0)

struct ckpt_rec_shmem {
	struct ckpt_hdr h;		/* CKPT_REC_SHMEM */
	__u32 objref;			/* shared with the FILE records' numbers */
	__u32 flags;			/* CKPT_SHMEM_* */
	__u64 size;			/* bytes, a multiple of the page size */
};

/*
 * A memfd (memfd_create(), format 1.10) is a memory object like shared
 * anonymous memory, with a name, an exact size, a mode and seals.  Its
 * first MEMFD record has CKPT_MEMFD_NEW and every field, and is
 * followed by PAGES records of its contents (addr: the byte offset in
 * the memfd; pages that read as zeroes are not written; the bytes of the
 * last page past the size are dropped).  It comes right before the
 * first record that uses the memfd: a FILE record of kind
 * CKPT_FILE_MEMFD (whose memfd field names it), or a CKPT_VMA_MEMFD
 * mapping record.  Every CKPT_VMA_MEMFD mapping record comes right
 * after a MEMFD record naming its memfd: later ones carry only the
 * objref, their other fields 0.  A shared mapping of a memfd has no
 * PAGES (the memfd holds them); a private one has the pages it copied
 * on write, as a private file mapping has.
 *
 * Restart creates the memfd with the name, size, mode and contents,
 * opens a new open file on it for each FILE objref and maps it with the
 * mappings' flags (read-only mappings through a read-only open file, as
 * mmap() of such a file, so that a write seal finds no writable
 * mapping); it adds the seals (F_ADD_SEALS) once every task of the image
 * is restored, so that the seals hold over every mapping as they did.
 * The owner of the memfd is the restarting caller.
 */
#define CKPT_MEMFD_NEW		(1U << 0)

struct ckpt_rec_memfd {
	struct ckpt_hdr h;		/* CKPT_REC_MEMFD */
	__u32 objref;			/* shared with the FILE records' numbers */
	__u32 flags;			/* CKPT_MEMFD_* */
	__u64 size;			/* bytes */
	__u32 seals;			/* F_SEAL_* */
	__u32 mode;			/* permission bits, 0777 at most */
	__u32 name_len;			/* bytes of name that follow, without "memfd:" */
	__u32 pad;
	/* followed by name_len bytes of name (no NUL) and padding */
};

/*
 * 1.4: what the file of a CKPT_VMA_FILE mapping looked like at checkpoint
 * time, in the record just before that mapping's VMA record.  Restart
 * refuses the image (ESTALE) if the file it opens by the mapping's path
 * has another size or modification time: the pages the process never
 * wrote to are read from the file again, so a replaced executable or a
 * truncated library would run as code it never had.  Optional: a reader
 * that does not know it maps the file unchecked.
 */
struct ckpt_rec_mapped_file {
	struct ckpt_hdr h;		/* CKPT_REC_MAPPED_FILE */
	__u64 size;			/* bytes */
	__s64 mtime_sec;		/* modification time */
	__u32 mtime_nsec;
	__u32 pad;
};

/*
 * A deleted file (1.10): a regular file that the tree holds open or
 * mapped after it was unlinked (and is linked nowhere else), or an
 * O_TMPFILE file never linked.  Like a memfd (see MEMFD), it is an
 * object: its first DELETED_FILE record has CKPT_DELETED_NEW and every
 * field, and is followed by PAGES records of its contents (addr: the
 * byte offset; pages that read as zeroes are not written, nor holes);
 * it comes right before the first record that uses it, a FILE record of
 * kind CKPT_FILE_DELETED (whose deleted field names it) or a
 * CKPT_VMA_DELETED mapping record; every CKPT_VMA_DELETED mapping record
 * comes right after a DELETED_FILE record naming it (later ones carry
 * only the objref, their other fields 0).  A shared mapping has no
 * PAGES; a private one has the pages it copied on write.
 *
 * Restart makes an O_TMPFILE file in the directory of path (the file's
 * last name), which must exist: the same file system, with the
 * restarting caller's rights and as its owner; it sets the size and
 * mode, writes the contents, then opens and maps it as the FILE and
 * mapping records say.  Checkpoint refuses a file larger than
 * CKPT_DELETED_MAX_SIZE.
 */
#define CKPT_DELETED_NEW	(1U << 0)
/* with NEW: an O_TMPFILE file made without O_EXCL, which linkat() may link */
#define CKPT_DELETED_LINKABLE	(1U << 1)
#define CKPT_DELETED_MAX_SIZE	(256ULL << 20)

struct ckpt_rec_deleted_file {
	struct ckpt_hdr h;		/* CKPT_REC_DELETED_FILE */
	__u32 objref;			/* shared with the FILE records' numbers */
	__u32 flags;			/* CKPT_DELETED_* */
	__u64 size;			/* bytes */
	__u32 mode;			/* permission bits, 0777 at most */
	__u32 path_len;			/* bytes of path that follow */
	/* followed by path_len bytes of path (no NUL) and padding */
};

/* ckpt_rec_file.kind */
#define CKPT_FILE_REG		1	/* regular file, reopened by path */
#define CKPT_FILE_DIR		2	/* directory, reopened by path */
#define CKPT_FILE_CHR		3	/* memory device: /dev/null, zero, urandom... */
#define CKPT_FILE_TTY		4	/* a terminal: the restarter's own is used */
#define CKPT_FILE_PIPE		5	/* an end of an anonymous pipe */
#define CKPT_FILE_PTY		6	/* an end of a pseudo-terminal the tree holds (1.3) */
#define CKPT_FILE_EVENTFD	7	/* an eventfd (1.3) */
#define CKPT_FILE_SIGNALFD	8	/* a signalfd (1.3) */
#define CKPT_FILE_TIMERFD	9	/* a timerfd (1.3) */
#define CKPT_FILE_EPOLL		10	/* an epoll instance (1.3) */
#define CKPT_FILE_FIFO		11	/* a named FIFO, reopened by path (1.3) */
#define CKPT_FILE_UNIX		12	/* a UNIX socket: an end of a pair (1.3), or alone (1.8) */
#define CKPT_FILE_INOTIFY	13	/* an inotify instance (1.5) */
#define CKPT_FILE_INET		14	/* a TCP or UDP socket, IPv4 or IPv6 (1.6) */
#define CKPT_FILE_NETLINK	15	/* a netlink socket of NETLINK_ROUTE (1.8) */
#define CKPT_FILE_MEMFD		16	/* an open file of a memfd (1.10) */
#define CKPT_FILE_DELETED	17	/* an open file of a deleted file (1.10) */

#define CKPT_FD_CLOEXEC		(1U << 0)

struct ckpt_rec_file {
	struct ckpt_hdr h;		/* CKPT_REC_FILE */
	__s32 fd;
	__u32 kind;			/* CKPT_FILE_* */
	__u32 f_flags;			/* O_* flags of the open file */
	__u32 fd_flags;			/* CKPT_FD_* */
	__s64 pos;
	__u32 rdev;			/* CKPT_FILE_CHR: major << 20 | minor */
	__u32 path_len;			/* bytes of path that follow */
	__u32 objref;			/* the open file: same number, same file */
	union {
		__u32 pipe;		/* CKPT_FILE_PIPE, _FIFO: the pipe, for every end */
		__u32 pty;		/* CKPT_FILE_PTY: the pseudo-terminal (1.3) */
		__u32 memfd;		/* CKPT_FILE_MEMFD: the memfd (1.10) */
		__u32 deleted;		/* CKPT_FILE_DELETED: the file (1.10) */
	};
	/* followed by path_len bytes of path (no NUL) and padding */
};

/*
 * Signal-driven I/O (1.9).  An open file with O_ASYNC has FASYNC in the
 * f_flags of its FILE records; restart turns it on as fcntl(F_SETFL)
 * does, for the descriptor of the FILE record that first names the file.
 * An open file with an owner for I/O signals (F_SETOWN, F_SETOWN_EX) or
 * a signal of its own (F_SETSIG) has a FILE_OWNER record right after the
 * FILE record that first names it.  The owner is a task or a process
 * group of the tree, by its number in the root task's pid namespace;
 * restart sets it as F_SETOWN_EX would for the restarting task, whose
 * ids become the owner's (they decide which tasks SIGIO may reach).
 */
#define CKPT_OWNER_TID		0	/* F_OWNER_TID: a thread */
#define CKPT_OWNER_PID		1	/* F_OWNER_PID: a process */
#define CKPT_OWNER_PGRP		2	/* F_OWNER_PGRP: a process group */

struct ckpt_rec_file_owner {
	struct ckpt_hdr h;		/* CKPT_REC_FILE_OWNER */
	__u32 objref;			/* the open file, as its FILE record */
	__s32 fd;			/* ... and that record's descriptor */
	__s32 pid;			/* the owner, 0: none */
	__u32 type;			/* CKPT_OWNER_* */
	__s32 signum;			/* F_SETSIG, 0: SIGIO */
	__u32 pad;
};

/*
 * What a pipe holds, right after the FILE record that first names it:
 * its capacity and the bytes written to it and not read yet.
 */
struct ckpt_rec_pipe_data {
	struct ckpt_hdr h;		/* CKPT_REC_PIPE_DATA */
	__u32 pipe;			/* as in ckpt_rec_file.pipe */
	__u32 size;			/* capacity in bytes (F_GETPIPE_SZ) */
	__u32 len;			/* bytes that follow */
	__u32 pad;
	/* followed by len bytes and padding */
};

/*
 * A pseudo-terminal (a /dev/ptmx master and its /dev/pts/N slave) that
 * the tree holds the master of, right before the FILE record that first
 * names it (format 1.3).  Restart opens master_path again for a master
 * with the same index, in the devpts instance that path leads to, and
 * gives it this state; the FILE records of its ends then refer to it by
 * number.  The termios are the slave's, as the kernel keeps them
 * (struct ktermios, c_cc of CKPT_PTY_NCCS): a master's cannot change.
 * The input that each end's line discipline (N_TTY) holds and its reader
 * has not read follows the path: to_slave bytes
 * (written to the master, for the slave's reader), then to_master bytes,
 * then for each a bitmap of the bytes that end a line in canonical mode
 * (u32 words, bit i of word i / 32 for byte i).
 */
#define CKPT_PTY_NCCS		19

struct ckpt_termios {
	__u32 c_iflag;
	__u32 c_oflag;
	__u32 c_cflag;
	__u32 c_lflag;
	__u32 c_ispeed;
	__u32 c_ospeed;
	__u8 c_line;			/* line discipline: N_TTY (0) only */
	__u8 c_cc[CKPT_PTY_NCCS];
};

struct ckpt_winsize {
	__u16 ws_row;
	__u16 ws_col;
	__u16 ws_xpixel;
	__u16 ws_ypixel;
};

#define CKPT_PTY_LOCKED		(1U << 0)	/* TIOCSPTLCK: the slave cannot be opened */
#define CKPT_PTY_PACKET		(1U << 1)	/* TIOCPKT on the master */
#define CKPT_PTY_SLAVE_CLOSED	(1U << 2)	/* the slave was opened and closed again */
#define CKPT_PTY_STOPPED	(1U << 3)	/* output stopped (^S, TCOOFF) */

/* The largest input a line discipline holds: N_TTY's buffer. */
#define CKPT_PTY_INPUT_MAX	4096

struct ckpt_rec_pty {
	struct ckpt_hdr h;		/* CKPT_REC_PTY */
	__u32 pty;			/* as in ckpt_rec_file.pty */
	__u32 index;			/* N of /dev/pts/N */
	__u32 flags;			/* CKPT_PTY_* */
	__u32 uid;			/* the slave's owner, from the root task's user namespace */
	__u32 gid;
	__u32 mode;			/* the slave's permission bits */
	struct ckpt_termios termios;	/* the slave's (a master's are fixed) */
	struct ckpt_winsize winsize;
	__u32 pktstatus;		/* CKPT_PTY_PACKET: TIOCPKT_* not read yet */
	__u32 path_len;			/* bytes of the master's path */
	__u32 to_slave;			/* bytes of input for the slave's reader */
	__u32 to_slave_lines;		/* of which complete lines (canonical mode) */
	__u32 to_master;		/* bytes of input for the master's reader */
	__u32 to_master_lines;
	__u32 pad;
	/* followed by the path, the input and its line-end bitmaps, padding */
};

/*
 * An eventfd or a signalfd, right before the FILE record that first
 * names it (format 1.3): restart makes the open file under its objref,
 * and the FILE records of that objref share it.
 */
#define CKPT_EVENTFD_SEMAPHORE	(1U << 0)	/* EFD_SEMAPHORE */
#define CKPT_EVENTFD_NONBLOCK	(1U << 1)	/* O_NONBLOCK of the open file */

struct ckpt_rec_eventfd {
	struct ckpt_hdr h;		/* CKPT_REC_EVENTFD */
	__u32 objref;			/* the open file */
	__u32 flags;			/* CKPT_EVENTFD_* */
	__u64 count;			/* the counter */
};

#define CKPT_SIGNALFD_NONBLOCK	(1U << 0)	/* O_NONBLOCK of the open file */

struct ckpt_rec_signalfd {
	struct ckpt_hdr h;		/* CKPT_REC_SIGNALFD */
	__u32 objref;			/* the open file */
	__u32 flags;			/* CKPT_SIGNALFD_* */
	__u64 mask;			/* the signals it reads: bit n - 1 for signal n */
};

/*
 * A timerfd, right before the FILE record that first names it (format
 * 1.3).  value_ns is the time it had left (0: disarmed), which restart
 * arms again relative to its own time: the time between checkpoint and
 * restart does not count, and a periodic timer neither bursts nor skips.
 * A timer of CLOCK_REALTIME(_ALARM) set with TFD_TIMER_ABSTIME keeps its
 * deadline instead (value_ns is that CLOCK_REALTIME time), and its
 * cancel-on-set.  ticks are the expirations not read yet.
 */
#define CKPT_TIMERFD_NONBLOCK	(1U << 0)	/* O_NONBLOCK of the open file */
#define CKPT_TIMERFD_ABSTIME	(1U << 1)	/* set with TFD_TIMER_ABSTIME */
#define CKPT_TIMERFD_CANCEL_ON_SET (1U << 2)	/* TFD_TIMER_CANCEL_ON_SET */
#define CKPT_TIMERFD_CANCELED	(1U << 3)	/* its clock was set: read() says ECANCELED */

struct ckpt_rec_timerfd {
	struct ckpt_hdr h;		/* CKPT_REC_TIMERFD */
	__u32 objref;			/* the open file */
	__u32 flags;			/* CKPT_TIMERFD_* */
	__s32 clockid;			/* CLOCK_MONOTONIC, _REALTIME, _BOOTTIME, or their _ALARM */
	__u32 pad;
	__s64 value_ns;
	__s64 interval_ns;
	__u64 ticks;
};

/*
 * An epoll instance, right before the FILE record that first names it
 * (format 1.3), with its interest list: each watch names the descriptor
 * it was added with, in the table of the process this record belongs to
 * (which holds that descriptor on that file, or, for a STALE watch whose
 * descriptor was closed or replaced since, a task of the tree holds that
 * file under another descriptor: the watch lives as long as the file),
 * and the watched open file's objref.  Restart makes
 * the epoll under its objref, and adds the watches once every descriptor
 * of the process is restored, as epoll_ctl(EPOLL_CTL_ADD) would: what is
 * ready is reported, except an edge-triggered watch that was not on the
 * ready list (its event was taken already: it is not reported twice).
 */
#define CKPT_EPOLL_NONBLOCK	(1U << 0)	/* O_NONBLOCK of the open file */

/* The largest interest list restart() takes in one record. */
#define CKPT_EPOLL_WATCHES_MAX	65536

#define CKPT_EPOLL_WATCH_READY	(1U << 0)	/* on the ready list at checkpoint time */
#define CKPT_EPOLL_WATCH_STALE	(1U << 1)	/* fd was closed or replaced since (1.5) */

struct ckpt_epoll_watch {
	__s32 fd;			/* the watched descriptor */
	__u32 events;			/* EPOLL* events and flags (a fired EPOLLONESHOT: flags only) */
	__u64 data;			/* the user's data */
	__u32 target;			/* objref of the watched open file */
	__u32 flags;			/* CKPT_EPOLL_WATCH_* */
};

struct ckpt_rec_epoll {
	struct ckpt_hdr h;		/* CKPT_REC_EPOLL */
	__u32 objref;			/* the open file */
	__u32 flags;			/* CKPT_EPOLL_* */
	__u32 nr_watches;
	__u32 pad;
	/* followed by nr_watches struct ckpt_epoll_watch */
};

/*
 * An inotify instance, right before the FILE record that first names it
 * (format 1.5), followed by an INOTIFY_WATCH record for each of its
 * watches and an INOTIFY_EVENT record for each event queued and not read
 * yet, oldest first.  A watch keeps its descriptor and its mask, and names
 * the watched inode by its absolute path, which checkpoint looked up again
 * and found leading to that inode.  Restart looks each path up with the
 * restarter's rights as the records come, and adds the watches once the
 * whole image is read, before any task runs: opening the tree's files
 * again queues no event.  next_wd is the descriptor that
 * inotify_add_watch() gives next.
 */
#define CKPT_INOTIFY_NONBLOCK	(1U << 0)	/* O_NONBLOCK of the open file */

struct ckpt_rec_inotify {
	struct ckpt_hdr h;		/* CKPT_REC_INOTIFY */
	__u32 objref;			/* the open file */
	__u32 flags;			/* CKPT_INOTIFY_* */
	__s32 next_wd;			/* > 0 */
	__u32 pad;
};

struct ckpt_rec_inotify_watch {
	struct ckpt_hdr h;		/* CKPT_REC_INOTIFY_WATCH */
	__u32 objref;			/* the inotify instance's open file */
	__s32 wd;			/* the watch descriptor, > 0 */
	__u32 mask;			/* IN_* events, IN_EXCL_UNLINK, IN_ONESHOT */
	__u32 path_len;			/* bytes of the path that follow (no NUL) */
	/* followed by the watched inode's absolute path and padding */
};

struct ckpt_rec_inotify_event {
	struct ckpt_hdr h;		/* CKPT_REC_INOTIFY_EVENT */
	__u32 objref;			/* the inotify instance's open file */
	__s32 wd;			/* -1 for IN_Q_OVERFLOW */
	__u32 mask;			/* as read() gives it: IN_* | IN_ISDIR | IN_IGNORED ... */
	__u32 cookie;			/* ties IN_MOVED_FROM to IN_MOVED_TO */
	__u32 name_len;			/* bytes of the name that follow (no NUL) */
	__u32 pad;
	/* followed by the name (the file in the watched directory), padding */
};

/*
 * A file lock, right after the FILE record of the file it is on (format
 * 1.3): a POSIX record lock (fcntl F_SETLK) of the process, after the
 * record of the process's lowest descriptor on that inode; an OFD lock
 * (F_OFD_SETLK) or a flock() lock of the open file, after the record
 * that first names it.  Restart takes each again, without waiting, with
 * the same owner (the process, or the open file): one that another
 * process took meanwhile fails the restart, naming file and range.
 */
#define CKPT_LOCK_POSIX		1	/* fcntl(F_SETLK): the process's */
#define CKPT_LOCK_OFD		2	/* fcntl(F_OFD_SETLK): the open file's */
#define CKPT_LOCK_FLOCK		3	/* flock(): the open file's (whole file) */

struct ckpt_rec_file_lock {
	struct ckpt_hdr h;		/* CKPT_REC_FILE_LOCK */
	__u32 objref;			/* the open file */
	__s32 fd;			/* the descriptor of that FILE record */
	__u32 kind;			/* CKPT_LOCK_* */
	__u32 type;			/* F_RDLCK or F_WRLCK */
	__s64 start;			/* first byte */
	__s64 end;			/* last byte; LLONG_MAX: to the end, growing */
};

/*
 * A pair of connected UNIX sockets (socketpair(), or a connection and
 * the socket accept() made for it), right before the FILE record that
 * first names one of its ends (format 1.3): both ends, each with its
 * open file's objref (0 for an end that was closed: restart closes it
 * again, so that the other reads what is left, then EOF), and what each
 * end's receive queue holds, copied: nr_msgs message lengths (one run of
 * bytes for a stream), then the bytes.  Restart makes the pair, sends
 * each queue from the other end again (message by message, so datagram
 * and seqpacket boundaries stay), then shuts down what was shut down.
 *
 * 1.8: an end may have an address (addr_len bytes of sun_path, after the
 * queues: end[0]'s, then end[1]'s): an abstract name it is bound to
 * (CKPT_UNIX_BOUND), or the address of the listening socket it was
 * accepted from (getsockname() gives it; the name is not bound again).
 */
#define CKPT_UNIX_NONBLOCK	(1U << 0)	/* O_NONBLOCK of the open file */
#define CKPT_UNIX_SHUT_RD	(1U << 1)	/* shut down for reading */
#define CKPT_UNIX_SHUT_WR	(1U << 2)	/* shut down for writing */
#define CKPT_UNIX_PASSCRED	(1U << 3)	/* SO_PASSCRED */
#define CKPT_UNIX_SNDBUF	(1U << 4)	/* sndbuf was set (SO_SNDBUF) */
#define CKPT_UNIX_RCVBUF	(1U << 5)	/* rcvbuf was set (SO_RCVBUF) */
#define CKPT_UNIX_BOUND		(1U << 6)	/* bound to its address (1.8) */
#define CKPT_UNIX_LISTENING	(1U << 7)	/* listening (UNIX_SOCK, 1.8) */

/* The largest receive queue restart() takes, per end. */
#define CKPT_UNIX_QUEUE_MAX	(16U << 20)
#define CKPT_UNIX_MSGS_MAX	65536
/* The longest address: sun_path's bytes, a leading NUL for an abstract name */
#define CKPT_UNIX_ADDR_MAX	108

struct ckpt_unix_end {
	__u32 objref;			/* its open file; 0: closed */
	__u32 flags;			/* CKPT_UNIX_* */
	__u32 sndbuf;			/* bytes, as SO_SNDBUF reads them */
	__u32 rcvbuf;
	__s64 sndtimeo_ns;		/* SO_SNDTIMEO, 0: none */
	__s64 rcvtimeo_ns;		/* SO_RCVTIMEO, 0: none */
	__s32 peek_off;			/* SO_PEEK_OFF, -1: none */
	__u32 nr_msgs;			/* messages in its receive queue */
	__u32 len;			/* their bytes */
	__u32 addr_len;			/* 1.8: bytes of its address; 0: none */
};

struct ckpt_rec_unix_pair {
	struct ckpt_hdr h;		/* CKPT_REC_UNIX_PAIR */
	__u32 type;			/* SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET */
	__u32 pad;
	struct ckpt_unix_end end[2];
	/* followed by end[0]'s message lengths (u32), end[1]'s, end[0]'s
	 * bytes, end[1]'s bytes, end[0]'s address, end[1]'s (1.8), and
	 * padding */
};

/*
 * A UNIX socket that is not a pair's end (format 1.8), right before its
 * FILE record: unbound, bound to a path or an abstract name, listening
 * (CKPT_UNIX_LISTENING, with its backlog; no connection waits to be
 * accepted), or a datagram socket connected one way to a named socket
 * (a client of a datagram server, as syslog() keeps to /dev/log).  Its end
 * has no queue (nr_msgs and len are 0).  The record is followed by the
 * address as bound (end.addr_len bytes of sun_path, a relative path as
 * the program gave it), for a path where its socket file is (path_len
 * bytes, absolute, seen from the checkpointer's root), and the name of
 * the socket it is connected to (peer_len bytes: the absolute path of its
 * socket file, or an abstract name with its leading NUL).
 *
 * Restart connects such a socket again to that name once the whole image
 * is read (its peer may be restored after it), with the restarter's
 * rights; a name no socket is bound to fails the restart.
 *
 * Restart binds the socket again to the socket file at that path if the
 * file is still there and no socket is bound to it (what the
 * checkpointed socket left behind: inode, owner and mode stay); the
 * restarter must own it.  If no file is there, it makes one, of @mode.
 * Anything else at the path is EADDRINUSE.
 */
struct ckpt_rec_unix_sock {
	struct ckpt_hdr h;		/* CKPT_REC_UNIX_SOCK */
	__u32 type;			/* SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET */
	__u32 backlog;			/* listen()'s backlog, when listening */
	__u32 mode;			/* the socket file's permission bits (path) */
	__u32 path_len;			/* bytes of the socket file's path; 0: none */
	__u32 peer_len;			/* bytes of the name it is connected to; 0: none */
	__u32 pad;
	struct ckpt_unix_end end;	/* objref, flags, options, addr_len */
	/* followed by the address, the path, the peer's name, and padding */
};

/*
 * A TCP or UDP socket of IPv4 or IPv6 (format 1.6), right before the FILE
 * record that names it first.  Supported states: a TCP or UDP socket not
 * connected (bound or not), a listening TCP socket with no connection
 * waiting to be accepted, an established TCP connection (or one its peer
 * closed: CLOSE_WAIT), a connected UDP socket; a UDP socket's queued
 * datagrams with their sources, copied.  Addresses are in network byte
 * order, ports in host order; an IPv4 address takes the first 4 bytes of
 * addr.
 *
 * A connection holds its sequence numbers and what its two queues hold,
 * copied: send_len bytes from send_seq (sent but not yet acknowledged,
 * then not yet sent), then recv_len bytes from recv_seq (received, not
 * yet read; in CLOSE_WAIT the peer's FIN follows them).  Restart rebuilds
 * it with TCP repair (which needs CAP_NET_ADMIN in the socket's network
 * namespace) once the whole image is read: the receive queue as it was,
 * then the send queue sent again from send_seq, which the peer takes as a
 * retransmission.
 */
#define CKPT_INET_NONBLOCK	(1U << 0)	/* O_NONBLOCK of the open file */
#define CKPT_INET_SHUT_RD	(1U << 1)	/* shut down for reading */
#define CKPT_INET_SHUT_WR	(1U << 2)	/* shut down for writing (UDP) */
#define CKPT_INET_SNDBUF	(1U << 3)	/* sndbuf was set (SO_SNDBUF) */
#define CKPT_INET_RCVBUF	(1U << 4)	/* rcvbuf was set (SO_RCVBUF) */
#define CKPT_INET_REUSEADDR	(1U << 5)	/* SO_REUSEADDR */
#define CKPT_INET_REUSEPORT	(1U << 6)	/* SO_REUSEPORT */
#define CKPT_INET_KEEPALIVE	(1U << 7)	/* SO_KEEPALIVE */
#define CKPT_INET_BROADCAST	(1U << 8)	/* SO_BROADCAST */
#define CKPT_INET_LINGER	(1U << 9)	/* SO_LINGER on, for linger_sec */
#define CKPT_INET_V6ONLY	(1U << 10)	/* IPV6_V6ONLY */
#define CKPT_INET_BOUND_ADDR	(1U << 11)	/* bind() chose the address */
#define CKPT_INET_BOUND_PORT	(1U << 12)	/* bind() chose the port */
#define CKPT_INET_NODELAY	(1U << 13)	/* TCP_NODELAY */
#define CKPT_INET_CORK		(1U << 14)	/* TCP_CORK */

/* ckpt_inet_tcp.opts: options the connection negotiated */
#define CKPT_TCP_OPT_SACK	(1U << 0)	/* selective acknowledgements */
#define CKPT_TCP_OPT_TSTAMP	(1U << 1)	/* timestamps */
#define CKPT_TCP_OPT_WSCALE	(1U << 2)	/* window scaling */

/* The largest queue restart() takes, per queue of a connection. */
#define CKPT_INET_QUEUE_MAX	(6U << 20)

struct ckpt_inet_addr {
	__u8  addr[16];
	__u16 port;			/* host order; 0: none */
	__u16 pad;
	__u32 pad2;
};

/* An established TCP connection */
struct ckpt_inet_tcp {
	__u32 send_seq;			/* first byte of the send queue (snd_una) */
	__u32 send_len;			/* bytes of the send queue */
	__u32 recv_seq;			/* first byte not yet read (copied_seq) */
	__u32 recv_len;			/* bytes received, not yet read */
	__u32 snd_wl1;			/* as TCP_REPAIR_WINDOW has them */
	__u32 snd_wnd;
	__u32 max_window;
	__u32 rcv_wnd;
	__u32 rcv_wup;
	__u32 mss_clamp;		/* the peer's MSS */
	__u32 timestamp;		/* TCP_TIMESTAMP when saved */
	__u16 opts;			/* CKPT_TCP_OPT_* */
	__u8  snd_wscale;
	__u8  rcv_wscale;
};

struct ckpt_rec_inet_sock {
	struct ckpt_hdr h;		/* CKPT_REC_INET_SOCK */
	__u32 objref;			/* its open file */
	__u16 family;			/* AF_INET or AF_INET6 */
	__u16 type;			/* SOCK_STREAM (TCP) or SOCK_DGRAM (UDP) */
	__u16 protocol;			/* IPPROTO_TCP or IPPROTO_UDP */
	__u16 state;			/* TCP_ESTABLISHED 1, TCP_CLOSE 7, CLOSE_WAIT 8, LISTEN 10 */
	__u32 flags;			/* CKPT_INET_* */
	struct ckpt_inet_addr local;	/* bound (or chosen) address and port */
	struct ckpt_inet_addr remote;	/* peer, when connected */
	__u32 sndbuf;			/* bytes, as SO_SNDBUF reads them */
	__u32 rcvbuf;
	__s64 sndtimeo_ns;		/* SO_SNDTIMEO, 0: none */
	__s64 rcvtimeo_ns;		/* SO_RCVTIMEO, 0: none */
	__s32 peek_off;			/* SO_PEEK_OFF, -1: none */
	__u32 backlog;			/* TCP_LISTEN: listen()'s backlog */
	__u32 priority;			/* SO_PRIORITY */
	__u32 linger_sec;		/* SO_LINGER time, with CKPT_INET_LINGER */
	__u8  tos;			/* IP_TOS or IPV6_TCLASS */
	__u8  ttl;			/* IP_TTL or IPV6_UNICAST_HOPS, 0: default */
	__u16 pad;
	__u32 keepidle;			/* TCP_KEEPIDLE, seconds, 0: default */
	__u32 keepintvl;		/* TCP_KEEPINTVL, seconds, 0: default */
	__u32 keepcnt;			/* TCP_KEEPCNT, 0: default */
	__u32 user_timeout;		/* TCP_USER_TIMEOUT, ms */
	__u32 notsent_lowat;		/* TCP_NOTSENT_LOWAT, 0: default */
	char  congestion[16];		/* TCP_CONGESTION, NUL-terminated */
	__u32 nr_dgrams;		/* UDP: datagrams queued, not read */
	__u32 dgrams_len;		/* UDP: their bytes */
	struct ckpt_inet_tcp tcp;	/* TCP_ESTABLISHED */
	/*
	 * followed by tcp.send_len bytes, tcp.recv_len bytes (TCP); or by
	 * nr_dgrams struct ckpt_inet_dgram, then dgrams_len bytes (UDP);
	 * then padding
	 */
};

/*
 * A netlink socket of the routing family (NETLINK_ROUTE; format 1.8),
 * right before its FILE record: its port id when bound (nl_pid), the
 * multicast groups it listens to (ngroups bits, in 64-bit words after
 * the record), its destination when connected, its netlink flags and
 * socket options.  No message may wait in its queue and no dump may run:
 * checkpoint refuses those, and every other netlink protocol, by name.
 * Restart makes the socket in the restarter's network namespace, binds
 * it to the same port id (EADDRINUSE if a socket holds it there) and
 * joins the groups, as bind() and NETLINK_ADD_MEMBERSHIP would for the
 * restarter.
 */
#define CKPT_NETLINK_BOUND	(1U << 0)	/* bound: portid is its port id */
#define CKPT_NETLINK_CONNECTED	(1U << 1)	/* connect()ed to dst_portid/dst_group */
#define CKPT_NETLINK_NONBLOCK	(1U << 2)	/* O_NONBLOCK of the open file */
#define CKPT_NETLINK_PKTINFO	(1U << 3)	/* NETLINK_PKTINFO */
#define CKPT_NETLINK_BROADCAST_ERROR (1U << 4)	/* NETLINK_BROADCAST_ERROR */
#define CKPT_NETLINK_NO_ENOBUFS	(1U << 5)	/* NETLINK_NO_ENOBUFS */
#define CKPT_NETLINK_CAP_ACK	(1U << 6)	/* NETLINK_CAP_ACK */
#define CKPT_NETLINK_EXT_ACK	(1U << 7)	/* NETLINK_EXT_ACK */
#define CKPT_NETLINK_STRICT_CHK	(1U << 8)	/* NETLINK_GET_STRICT_CHK */
#define CKPT_NETLINK_PASSCRED	(1U << 9)	/* SO_PASSCRED */
#define CKPT_NETLINK_SNDBUF	(1U << 10)	/* sndbuf was set (SO_SNDBUF) */
#define CKPT_NETLINK_RCVBUF	(1U << 11)	/* rcvbuf was set (SO_RCVBUF) */

/* The most multicast groups a record holds (bits) */
#define CKPT_NETLINK_GROUPS_MAX	1024

struct ckpt_rec_netlink_sock {
	struct ckpt_hdr h;		/* CKPT_REC_NETLINK_SOCK */
	__u32 objref;			/* its open file */
	__u32 type;			/* SOCK_RAW or SOCK_DGRAM */
	__u32 protocol;			/* NETLINK_ROUTE */
	__u32 flags;			/* CKPT_NETLINK_* */
	__u32 portid;			/* when bound */
	__u32 dst_portid;		/* when connected */
	__u32 dst_group;
	__u32 ngroups;			/* bits of the groups that follow */
	__u32 sndbuf;			/* bytes, as SO_SNDBUF reads them */
	__u32 rcvbuf;
	__s64 sndtimeo_ns;		/* SO_SNDTIMEO, 0: none */
	__s64 rcvtimeo_ns;		/* SO_RCVTIMEO, 0: none */
	/* followed by the groups: DIV_ROUND_UP(ngroups, 64) __u64 words,
	 * group N + 1 in bit N % 64 of word N / 64 */
};

/* A datagram queued on a UDP socket, oldest first */
struct ckpt_inet_dgram {
	struct ckpt_inet_addr from;	/* its source */
	__u32 len;			/* bytes */
	__u32 pad;
};

#define CKPT_INET_DGRAMS_MAX	65536	/* datagrams restart() takes per socket */
#define CKPT_INET_DGRAM_MAX	65535	/* bytes of one */

/*
 * The working and root directories, as paths seen from the
 * checkpointer's root directory.
 */
struct ckpt_rec_fs {
	struct ckpt_hdr h;		/* CKPT_REC_FS */
	__u32 cwd_len;			/* bytes of cwd path that follow */
	__u32 root_len;			/* bytes of root path; 0: not chrooted */
	/* followed by the cwd path, the root path (no NULs) and padding */
};

/*
 * The POSIX timers of a process (timer_create()), after its ITIMERS
 * record (format 1.5), each with its id, clock, notification and state;
 * next_id is the id that timer_create() gives next.  value_ns is the
 * time from the checkpoint to the timer's next expiry (0 or less: it
 * expired, its signal is pending and its next period is counted from
 * then), which restart counts again from its own time: the downtime does
 * not count.  A CLOCK_REALTIME timer set with TIMER_ABSTIME keeps its
 * deadline instead (value_ns is that CLOCK_REALTIME time).  A timer whose
 * signal is pending at checkpoint time has it pending again after
 * restart, once, with its overrun count; delivering it rearms a periodic
 * timer as it would have.  The CPU-time and alarm clocks are refused.
 */
#define CKPT_PTIMER_ABSTIME	(1U << 0)	/* value_ns is a CLOCK_REALTIME deadline */
#define CKPT_PTIMER_ARMED	(1U << 1)	/* running: it expires at value_ns */
#define CKPT_PTIMER_SIGPENDING	(1U << 2)	/* its signal is queued, not delivered */

/* The most timers restart() takes in one record. */
#define CKPT_POSIX_TIMERS_MAX	65536

struct ckpt_posix_timer {
	__s32 id;			/* >= 0 */
	__s32 clockid;			/* CLOCK_REALTIME, _MONOTONIC, _BOOTTIME or _TAI */
	__s32 notify;			/* SIGEV_SIGNAL, SIGEV_NONE, SIGEV_SIGNAL|SIGEV_THREAD_ID */
	__s32 signo;			/* 1 to 64; 0 for SIGEV_NONE */
	__u64 sigval;			/* sigev_value */
	__s32 tid;			/* SIGEV_THREAD_ID: the thread (image's pid namespace) */
	__u32 flags;			/* CKPT_PTIMER_* */
	__s64 value_ns;
	__s64 interval_ns;		/* 0: one-shot */
	__s64 overrun;			/* expirations since its signal was queued (-1: none) */
	__s64 overrun_last;		/* what timer_getoverrun() gives */
	__s32 sig_overrun;		/* the pending signal's si_overrun */
	__u32 requeue;			/* the kernel's rearm sequence number */
	__u32 sig_private;		/* the pending signal's copy of requeue */
	__u32 pad;
};

struct ckpt_rec_posix_timers {
	struct ckpt_hdr h;		/* CKPT_REC_POSIX_TIMERS */
	__s32 next_id;			/* >= 0 */
	__u32 nr_timers;
	/* followed by nr_timers struct ckpt_posix_timer */
};

#define CKPT_NSIG		64

struct ckpt_sigaction {
	__u64 handler;
	__u64 flags;
	__u64 restorer;
	__u64 mask;
};

struct ckpt_rec_sighand {
	struct ckpt_hdr h;		/* CKPT_REC_SIGHAND */
	struct ckpt_sigaction action[CKPT_NSIG];	/* signal n at [n - 1] */
	__u64 blocked;
	__u64 altstack_sp;
	__u64 altstack_size;
	__u32 altstack_flags;
	__u32 pad;
};

/*
 * Pending signals, each with its siginfo (the 128-byte siginfo_t of the
 * architecture), standard signals once, real-time signals as queued.
 */
#define CKPT_SIGINFO_SIZE	128
#define CKPT_SIG_SHARED		(1U << 0)	/* pending for the whole process */

struct ckpt_sigpending_entry {
	__u32 signo;
	__u32 flags;			/* CKPT_SIG_* */
	__u8  info[CKPT_SIGINFO_SIZE];	/* siginfo_t */
};

struct ckpt_rec_sigpending {
	struct ckpt_hdr h;		/* CKPT_REC_SIGPENDING */
	__u32 nr;			/* entries that follow */
	__u32 pad;
	/* followed by nr struct ckpt_sigpending_entry */
};

/* Interval timers: what getitimer() would have said at checkpoint time. */
struct ckpt_rec_itimers {
	struct ckpt_hdr h;		/* CKPT_REC_ITIMERS */
	__u64 real_value_ns;		/* ITIMER_REAL time left, 0: disarmed */
	__u64 real_interval_ns;
	__u64 virt_value_ns;		/* ITIMER_VIRTUAL user CPU time left */
	__u64 virt_interval_ns;
	__u64 prof_value_ns;		/* ITIMER_PROF CPU time left */
	__u64 prof_interval_ns;
};

#endif /* _UAPI_LINUX_CHECKPOINT_HDR_H */
