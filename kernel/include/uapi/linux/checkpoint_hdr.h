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
#define CHECKPOINT_FLAGS_MASK	(CHECKPOINT_SUBTREE | CHECKPOINT_KILL)

/*
 * long restart(pid_t pid, int fd, unsigned int flags, int logfd);
 *
 * Reads an image from @fd.  @pid is the root of the task tree that the
 * caller (the coordinator) created for the image, or 0 when the caller
 * restores itself.
 */
#define RESTART_FROZEN		(1U << 0)	/* leave the restored tasks frozen */
#define RESTART_FLAGS_MASK	(RESTART_FROZEN)

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
#define CKPT_VERSION_MINOR	0

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

#endif /* _UAPI_LINUX_CHECKPOINT_HDR_H */
