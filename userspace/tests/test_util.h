/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for the libcr tests: images built in memory with the writer,
 * fed back through pipes or memfds.
 */
#pragma once

#include "error.h"
#include "fd.h"
#include "record_writer.h"

#include <cstddef>
#include <cstring>
#include <functional>
#include <linux/checkpoint_hdr.h>
#include <optional>
#include <span>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

namespace crtest {

using Bytes = std::vector<std::byte>;

/* The bytes @build writes with a RecordWriter. */
Bytes build_image(const std::function<void(cr::RecordWriter &)> &build);

/* HEADER, TAIL. */
Bytes empty_image();
/* HEADER, ERROR, TAIL: what the kernel writes today. */
Bytes failed_image(std::string_view message = "checkpoint of pid 1 is not supported yet");

/*
 * Writes a record made of @fixed, a UAPI record structure (its ckpt_hdr
 * is filled in by the writer), and @extra bytes after it.
 */
template <typename T>
void write_record(cr::RecordWriter &w, std::uint32_t type, const T &fixed,
		  std::span<const std::byte> extra = {})
{
	static_assert(std::is_trivially_copyable_v<T>);
	constexpr std::size_t body = sizeof(T) - sizeof(ckpt_hdr);
	std::vector<std::byte> payload(body + extra.size());
	std::memcpy(payload.data(), reinterpret_cast<const std::byte *>(&fixed) + sizeof(ckpt_hdr),
		    body);
	if (!extra.empty())
		std::memcpy(payload.data() + body, extra.data(), extra.size());
	w.write(type, payload);
}

/* A TREE record of @nr_tasks tasks: @pid, then its children @pid + 1, ... */
void write_tree(cr::RecordWriter &w, std::int32_t pid, std::uint32_t nr_tasks = 1);

/* An INOTIFY record. */
void write_inotify(cr::RecordWriter &w, std::uint32_t objref, std::uint32_t flags,
		   std::int32_t next_wd);
/* An INOTIFY_WATCH record and its path. */
void write_inotify_watch(cr::RecordWriter &w, std::uint32_t objref, std::int32_t wd,
			 std::uint32_t mask, std::string_view path);
/* An INOTIFY_EVENT record and its name. */
void write_inotify_event(cr::RecordWriter &w, std::uint32_t objref, std::int32_t wd,
			 std::uint32_t mask, std::uint32_t cookie, std::string_view name);

/* An INET_SOCK record of @sock, its send queue @send and receive queue @recv after it. */
void write_inet_sock(cr::RecordWriter &w, const ckpt_rec_inet_sock &sock,
		     std::string_view send = {}, std::string_view recv = {});
/*
 * An established IPv4 TCP connection, objref 5: 127.0.0.1:4000 to
 * 127.0.0.1:38122, nonblock, reuseaddr and nodelay, 10 bytes to send
 * from seq 123 and 3 received from seq 456 (tcp.send_len and recv_len:
 * the queues write_inet_sock() is given), SACK and window scaling 7/6,
 * MSS 1460, keepalive every 60 s, congestion "cubic".
 */
ckpt_rec_inet_sock tcp4_established_sock();
/* A listening IPv6 TCP socket, objref 6: [::]:8080, backlog 128, reuseaddr and v6only. */
ckpt_rec_inet_sock tcp6_listen_sock();
/*
 * HEADER, TREE, TASK of pid 4242, then each socket with its FILE: the
 * TCP connection of tcp4_established_sock() with its queues
 * "0123456789" and "abc" (fd 3), the listening socket of
 * tcp6_listen_sock() (fd 4), and a UDP socket, objref 8, connected from
 * 10.0.0.1:5353 to 10.0.0.2:53 (fd 5); TAIL.
 */
Bytes inet_image();

/*
 * A UNIX_SOCK record of @sock, its address @addr (sun_path's bytes),
 * socket file @path and peer's name @peer after it; end.addr_len,
 * path_len and peer_len are theirs.
 */
void write_unix_sock(cr::RecordWriter &w, ckpt_rec_unix_sock sock, std::string_view addr,
		     std::string_view path = {}, std::string_view peer = {});
/*
 * A UNIX_PAIR record of @pair, its queues @queues (message lengths and
 * bytes) and the addresses @addr0 and @addr1 of its ends after it; the
 * ends' addr_len are theirs.
 */
void write_unix_pair(cr::RecordWriter &w, ckpt_rec_unix_pair pair, std::string_view queues,
		     std::string_view addr0 = {}, std::string_view addr1 = {});
/*
 * HEADER, TREE, TASK of pid 4242, then each socket with its FILE: a
 * listening stream socket, objref 9, nonblock, bound to "srv.sock" (file
 * /run/app/srv.sock, mode 0755), backlog 16 (fd 3); a datagram socket,
 * objref 10, passcred, bound to the abstract name "\0app\0log" (fd 4); a
 * stream pair: objref 11 accepted from "srv.sock", "hi!" queued, and
 * objref 12 bound to the abstract name "\0cli" (fds 5 and 6); an unbound
 * datagram socket, objref 13, connected to "/run/app/log.sock" (fd 7);
 * TAIL.
 */
Bytes unix_image();

/*
 * A NETLINK_SOCK record of @sock and its group words @groups after it;
 * ngroups is @sock's.
 */
void write_netlink_sock(cr::RecordWriter &w, const ckpt_rec_netlink_sock &sock,
			std::span<const std::uint64_t> groups = {});
/*
 * HEADER, TREE, TASK of pid 4242, then each netlink socket of
 * NETLINK_ROUTE with its FILE: a raw socket, objref 7, bound to port 4242,
 * nonblock, ext_ack, strict_chk, rcvbuf 1048576 set, in groups 1, 5 and 65
 * of 72 (fd 3); a datagram socket, objref 8, bound to port 4243, connected
 * to port 0 group 3, pktinfo, passcred, sndbuf 65536 set, timeouts of
 * 250 ms (send) and 2 s (receive) (fd 4); a raw socket, objref 9, not
 * bound (fd 5); TAIL.
 */
Bytes netlink_image();

/*
 * HEADER, TREE of 4242 and 4243, TASK 4242 ("db": THP disabled,
 * mlockall(MCL_FUTURE | MCL_ONFAULT)), its MM (/usr/bin/db) and three
 * VMAs (format 1.9): a shared rw- mapping of /var/lib/db/data opened for
 * writing, a shared r-- one of /etc/db.conf, both without records after
 * them, and anonymous memory locked on fault with 1 page; TASK 4243
 * (mlockall(MCL_FUTURE)); TAIL.
 */
Bytes mlock_image();

/* A FILE_OWNER record: the owner @type @pid of the I/O signals of @objref at @fd. */
void write_file_owner(cr::RecordWriter &w, std::uint32_t objref, std::int32_t fd, std::int32_t pid,
		      std::uint32_t type, std::int32_t signum);
/*
 * HEADER, TREE of 4242 and 4243, TASK 4242 ("nginx"), then files with
 * signal-driven I/O (format 1.9), each FILE record followed by its
 * FILE_OWNER: a pipe's read end, objref 5, O_ASYNC, owned by process
 * 4242 with signal SIGRTMIN + 1 (fd 3); a UNIX socket, objref 6,
 * nonblock and O_ASYNC, owned by thread 4243 with SIGIO (signum 0, fd
 * 4); /dev/null, objref 7, without an owner but with signal SIGUSR2 (fd
 * 5), and again, objref 8, owned by process group 4242 (fd 6); TASK
 * 4243; TAIL.
 */
Bytes sigio_image();

/* A MEMFD record of @name. */
void write_memfd(cr::RecordWriter &w, std::uint32_t objref, std::uint32_t flags, std::uint64_t size,
		 std::uint32_t seals, std::uint32_t mode, std::string_view name);
/*
 * The seals of memfd_image()'s two memfds, in the kernel's values (the C
 * library may lack the last two): F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW,
 * and F_SEAL_WRITE|F_SEAL_FUTURE_WRITE|F_SEAL_EXEC.
 */
inline constexpr std::uint32_t memfd_seals_ring = 0x0001 | 0x0002 | 0x0004;
inline constexpr std::uint32_t memfd_seals_jit = 0x0008 | 0x0010 | 0x0020;
/*
 * HEADER, TREE of 4242 and 4243, TASK 4242 ("wayland"), its MM
 * (/usr/bin/wayland) and two mappings of memfd 5 (format 1.10): MEMFD 5
 * (new, 10000 bytes, seals memfd_seals_ring, mode 0600, "ring") with 2
 * pages in 1 PAGES record, then a shared rw- mapping of it (SHARED and
 * MAYWRITE, 3 pages, no PAGES); MEMFD 5 again (its other fields 0), then
 * a private rw- mapping of it (2 pages) with 1 page copied on write.
 * Then FILE fd 3 of kind memfd, objref 6, memfd 5, O_RDWR; MEMFD 7 (new,
 * 4096 bytes, seals memfd_seals_jit, mode 0700, "jit code", no PAGES)
 * and FILE fd 4 of it, objref 8, O_RDONLY, close-on-exec; TASK 4243,
 * its FILE fd 3 of objref 6 (memfd 5) with no MEMFD record; TAIL.
 */
Bytes memfd_image();

/* A DELETED_FILE record of @path. */
void write_deleted_file(cr::RecordWriter &w, std::uint32_t objref, std::uint32_t flags,
			std::uint64_t size, std::uint32_t mode, std::string_view path);
/*
 * HEADER, TREE of 4242 and 4243, TASK 4242 ("logger"), its MM
 * (/usr/bin/logger) and two mappings of deleted file 5 (format 1.10):
 * an anonymous rw- mapping (2 pages) with 1 PAGES record of 1 page, then
 * DELETED_FILE 5 (new, 10000 bytes, mode 0640, "/var/log/app.log") with
 * 2 pages in 1 PAGES record (its own, not the anonymous mapping's), then
 * a shared rw- mapping of it (SHARED and MAYWRITE, 3 pages, no PAGES);
 * DELETED_FILE 5 again (its other fields 0), then a private r-- mapping
 * of it (2 pages) with 1 page copied on write.  Then FILE fd 3 of kind
 * deleted, objref 6, deleted 5, O_RDWR|O_APPEND; DELETED_FILE 7 (new,
 * 4096 bytes, mode 0600, "/tmp/scratch", an O_TMPFILE file, no PAGES)
 * and FILE fd 4 of it, objref 8, O_RDONLY, close-on-exec; TASK 4243,
 * its FILE fd 3 of objref 6 (deleted 5) with no DELETED_FILE record;
 * TAIL.
 */
Bytes deleted_file_image();

/* A NAMESPACE record. */
void write_namespace(cr::RecordWriter &w, std::uint32_t objref, std::uint32_t kind,
		     std::int32_t pid);
/* A tree entry: a process, its session and group leader flags as its ids say. */
ckpt_task_ids task_ids(std::int32_t pid, std::int32_t ppid, std::int32_t pgid, std::int32_t sid,
		       std::uint32_t uts_ns = 0, std::uint32_t ipc_ns = 0);
/* A TREE record of @tasks (entries of sizeof(ckpt_task_ids) bytes). */
void write_tree_of(cr::RecordWriter &w, std::span<const ckpt_task_ids> tasks);
/*
 * The limits of namespace_image()'s IPC namespace 4, and its two
 * segments (SYSV_SHM 5 and 6, with every field; any other @objref: a
 * record of all fields 0 but the objref, as one naming a segment again).
 */
ckpt_rec_ipc_ns sample_ipc_ns();
ckpt_rec_sysv_shm sample_sysv_shm(std::uint32_t objref);
/*
 * The semaphore sets of namespace_image()'s IPC namespace 4: @which 0,
 * key 0xabce, id 0, 3 semaphores, mode 0660, owner 1000:1000, creator
 * 1000:100, otime 1700000200, ctime 1700000000, values 1 0 5, pids 4243
 * 0 4244; 1, IPC_PRIVATE, id 32769, 20 semaphores, mode 0604, owner
 * 1234:5678, creator 0:0, otime 0, ctime 1700000300, values 0, 100, ...
 * 1900, pids 4244 for the first two, 0 for the others.
 */
void write_sysv_sem(cr::RecordWriter &w, std::uint32_t which);
/* A SEM_UNDO record: @adj, the adjustments of set @id. */
void write_sem_undo(cr::RecordWriter &w, std::int32_t id, std::span<const std::int16_t> adj);
/*
 * HEADER (root 4242), the container section (format 1.11): NAMESPACE 3
 * (UTS, first task 4243) and NAMESPACE 4 (IPC, first task 4243); TREE of
 * 4242 (in the checkpointer's namespaces), its child 4243 and 4243's
 * child 4244 (both in UTS namespace 3 and IPC namespace 4); TASK 4242
 * ("init"); TASK 4243 ("db"), UTS_NS 3 (nodename "box", domainname
 * "example.org"), IPC_NS 4 (sample_ipc_ns(): 2 segments, 2 semaphore
 * sets), SYSV_SHM 5
 * (new, key 0xabcd, id 32768, 10000 bytes, mode 0640, owner 1000:1000,
 * creator 1000:100, cpid 4243, lpid 4244, atime 1700000100, dtime
 * 1700000050, ctime 1700000000) with 2 pages in 1 PAGES record, SYSV_SHM
 * 6 (new and removed, IPC_PRIVATE, id 65537, 4096 bytes, mode 0600,
 * owner and creator 0:0, cpid 0, lpid 4243, times 0, no PAGES), the
 * SYSV_SEM records of sets 0 and 32769 (write_sysv_sem()), SEM_UNDO of
 * set 0 (adjustments 0 -1 3), its MM (/usr/bin/db), SYSV_SHM 5 again
 * (its other fields 0) and a rw- mapping of it (3 pages, no PAGES);
 * TASK 4244 ("db"), SEM_UNDO of set 32769 (20 adjustments: 2, then 0,
 * the last -2), SYSV_SHM 5 again and an r-- mapping of it; TAIL.
 */
Bytes namespace_image();

/* A POSIX_TIMERS record of @timers. */
void write_posix_timers(cr::RecordWriter &w, std::int32_t next_id,
			std::span<const ckpt_posix_timer> timers);

/*
 * The records the kernel writes for process @pid after its TREE record:
 * TASK "sleep", CREDS (uid 1000, euid 0, groups 4 24 27), CPU_X86_64 (ip
 * 0x401000, sp 0x7ffc0000fff0, 832-byte xsave), MM, four VMAs (text with
 * 2 pages in 1 PAGES record, heap with 37 pages in 3, stack with 1 page
 * in 1, vdso without pages), FS (/home/user), three FILEs (tty,
 * /dev/null, /etc/passwd), an inotify instance (objref 7, nonblock, next
 * wd 4; watches 1 on /tmp/x and 3 on /home/user/notes.txt; an IN_CREATE
 * event of "a" queued) with its FILE (fd 4), SIGHAND (INT caught, PIPE
 * ignored, CHLD blocked) and POSIX_TIMERS (next id 3; timer 0:
 * CLOCK_MONOTONIC, SIGRTMIN+1 (35) with value 0x2a, armed, 1.5 s left,
 * every 0.25 s; timer 2: CLOCK_REALTIME, TIMER_ABSTIME deadline
 * 1795873207 s, SIGUSR1 to thread @pid, its signal pending with overrun 2,
 * every 1 s).
 */
void write_process(cr::RecordWriter &w, std::int32_t pid);
inline constexpr std::uint32_t inotify_objref = 7;
inline constexpr std::uint64_t process_pages = 40;
inline constexpr std::uint64_t process_page_records = 5;

/* HEADER, TREE, the records of write_process(), TAIL. */
Bytes process_image(std::int32_t pid = 4242, std::uint32_t nr_tasks = 1);

/* Where the records of failed_image() are. */
inline constexpr std::size_t header_offset = 0;
inline constexpr std::size_t error_offset = sizeof(ckpt_rec_header);

/* The offset of the TAIL record: the last sizeof(ckpt_rec_tail) bytes. */
inline std::size_t tail_offset(const Bytes &image)
{
	return image.size() - sizeof(ckpt_rec_tail);
}

/* A pipe holding @data, write end closed.  @data must fit in the pipe. */
cr::Fd pipe_with(std::span<const std::byte> data);
/* A memfd holding @data, positioned at its start. */
cr::Fd memfd_with(std::span<const std::byte> data);

/* Writes @data into a pipe from a thread, @chunk bytes per write(). */
class PipeFeeder {
public:
	PipeFeeder(Bytes data, std::size_t chunk);
	~PipeFeeder();
	int fd() const { return read_.get(); }

private:
	cr::Fd read_;
	std::thread thread_;
};

/* Reads every record from @fd; the error that stopped the reader, if any. */
std::optional<cr::Error> read_through(int fd);
/* Same, for @data fed through a pipe. */
std::optional<cr::Error> read_through(const Bytes &data);

/* Overwrites the bytes at @offset with @value. */
template <typename T>
void store(Bytes &image, std::size_t offset, const T &value)
{
	std::memcpy(image.data() + offset, &value, sizeof(T));
}

template <typename T>
T fetch(const Bytes &image, std::size_t offset)
{
	T value;
	std::memcpy(&value, image.data() + offset, sizeof(T));
	return value;
}

inline void flip_bit(Bytes &image, std::size_t offset, unsigned bit)
{
	image[offset] ^= std::byte{1} << bit;
}

inline std::span<const std::byte> text_bytes(std::string_view s)
{
	return std::as_bytes(std::span(s.data(), s.size()));
}

} // namespace crtest
