/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The records that describe a process: TREE, TASK, CREDS, CPU_X86_64, MM,
 * VMA, PAGES, FS, FILE, SIGHAND, POSIX_TIMERS, SYSV_SEM and SEM_UNDO.
 * Records with a variable part (task list, path, semaphores) are decoded
 * into the structures below; the others are their UAPI structure, copied
 * out with load<T>().
 *
 * The parse functions take records RecordReader returned: it checked
 * that each record holds its structure and the variable part that
 * structure announces, so they do not fail.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/checkpoint_hdr.h>
#include <string>
#include <vector>

#include "record_reader.h"

namespace cr {

struct TreeRecord {
	std::vector<ckpt_task_ids> tasks; /* in creation order */
};

struct CredsRecord {
	ckpt_rec_creds creds{};
	std::vector<std::uint32_t> groups; /* supplementary groups */
};

struct MmRecord {
	ckpt_rec_mm mm{};
	std::string exe; /* the executable's path */
};

struct VmaRecord {
	ckpt_rec_vma vma{};
	std::string path; /* of the mapped file, empty for anonymous memory */
};

struct FileRecord {
	ckpt_rec_file file{};
	std::string path;
};

TreeRecord parse_tree_record(const Record &rec);
CredsRecord parse_creds_record(const Record &rec);
MmRecord parse_mm_record(const Record &rec);
VmaRecord parse_vma_record(const Record &rec);
FileRecord parse_file_record(const Record &rec);
/* A MEMFD record: a memfd, and its name (without "memfd:"). */
struct MemfdRecord {
	ckpt_rec_memfd memfd{};
	std::string name;
};
MemfdRecord parse_memfd_record(const Record &rec);
/*
 * A DELETED_FILE record: a deleted file (or an O_TMPFILE file never
 * linked), and the path it had (empty in a record naming it again).
 */
struct DeletedFileRecord {
	ckpt_rec_deleted_file deleted{};
	std::string path;
};
DeletedFileRecord parse_deleted_file_record(const Record &rec);
/* A PTY record: a pseudo-terminal of the tree, and its master's path. */
struct PtyRecord {
	ckpt_rec_pty pty{};
	std::string master_path;
};
PtyRecord parse_pty_record(const Record &rec);
/* An EPOLL record: an epoll instance and its interest list. */
struct EpollRecord {
	ckpt_rec_epoll epoll{};
	std::vector<ckpt_epoll_watch> watches;
};
EpollRecord parse_epoll_record(const Record &rec);
/* An INOTIFY_WATCH record: a watch of an inotify instance, and the watched path. */
struct InotifyWatchRecord {
	ckpt_rec_inotify_watch watch{};
	std::string path;
};
InotifyWatchRecord parse_inotify_watch_record(const Record &rec);
/* An INOTIFY_EVENT record: an event queued on an inotify instance, and its name. */
struct InotifyEventRecord {
	ckpt_rec_inotify_event event{};
	std::string name; /* empty: none (an event on the watched inode itself) */
};
InotifyEventRecord parse_inotify_event_record(const Record &rec);
/*
 * A UNIX_PAIR record: a pair of connected UNIX sockets, and each end's
 * address (sun_path's bytes; empty: none).
 */
struct UnixPairRecord {
	ckpt_rec_unix_pair pair{};
	std::string addr[2];
};
UnixPairRecord parse_unix_pair_record(const Record &rec);
/*
 * A UNIX_SOCK record: a UNIX socket that is not a pair's end, its address
 * (sun_path's bytes; empty: none), its socket file's path (empty: none)
 * and the name of the socket a datagram socket is connected to (the
 * absolute path of its socket file, or an abstract name with its leading
 * NUL; empty: none).
 */
struct UnixSockRecord {
	ckpt_rec_unix_sock sock{};
	std::string addr;
	std::string path;
	std::string peer;
};
UnixSockRecord parse_unix_sock_record(const Record &rec);
/*
 * A NETLINK_SOCK record: a netlink socket, and the multicast groups it
 * listens to, as group numbers (1 for bit 0 of the first word), lowest
 * first.
 */
struct NetlinkSockRecord {
	ckpt_rec_netlink_sock sock{};
	std::vector<std::uint32_t> groups;
};
NetlinkSockRecord parse_netlink_sock_record(const Record &rec);
/* A POSIX_TIMERS record: the POSIX timers of a process, and the id timer_create() gives next. */
struct PosixTimersRecord {
	ckpt_rec_posix_timers posix_timers{};
	std::vector<ckpt_posix_timer> timers;
};
PosixTimersRecord parse_posix_timers_record(const Record &rec);
/*
 * A SYSV_SEM record: a System V semaphore set (1.11), and each
 * semaphore's value and the pid that last changed it (0: none of the
 * tree), in semaphore order.
 */
struct SysvSemRecord {
	ckpt_rec_sysv_sem sem{};
	std::vector<ckpt_sem> sems;
};
SysvSemRecord parse_sysv_sem_record(const Record &rec);
/*
 * A SEM_UNDO record: what a process's exit would undo on one semaphore
 * set (1.11), an adjustment per semaphore, in semaphore order.
 */
struct SemUndoRecord {
	ckpt_rec_sem_undo undo{};
	std::vector<std::int16_t> adjustments;
};
SemUndoRecord parse_sem_undo_record(const Record &rec);
struct FsRecord {
	std::string cwd;
	std::string root; /* empty: the checkpointer's root (no chroot) */
};

FsRecord parse_fs_record(const Record &rec);

/* Where the instruction and stack pointers are in ckpt_rec_cpu_x86_64.regs. */
inline constexpr std::size_t x86_64_ip_reg = 16; /* rip */
inline constexpr std::size_t x86_64_sp_reg = 19; /* rsp */

/* The signals (1..CKPT_NSIG) whose handler is not SIG_DFL: ignored or caught. */
std::vector<int> non_default_signals(const ckpt_rec_sighand &sighand);

} // namespace cr
