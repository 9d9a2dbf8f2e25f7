// SPDX-License-Identifier: LGPL-2.1-or-later
#include "process_records.h"

#include "bytes.h"

#include <algorithm>

#if defined(__x86_64__)
#include <sys/user.h>
static_assert(offsetof(user_regs_struct, rip) == cr::x86_64_ip_reg * sizeof(std::uint64_t));
static_assert(offsetof(user_regs_struct, rsp) == cr::x86_64_sp_reg * sizeof(std::uint64_t));
static_assert(sizeof(user_regs_struct) == sizeof(ckpt_rec_cpu_x86_64::regs));
#endif

namespace cr {

namespace {

/* The @len bytes after the structure of @fixed bytes, as text (no NUL). */
std::string text_after(const Record &rec, std::size_t fixed, std::uint32_t len)
{
	std::span<const std::byte> rest =
		std::span(rec.bytes).subspan(std::min(fixed, rec.bytes.size()));
	rest = rest.first(std::min<std::size_t>(len, rest.size()));
	return std::string(reinterpret_cast<const char *>(rest.data()), rest.size());
}

} // namespace

TreeRecord parse_tree_record(const Record &rec)
{
	ckpt_rec_tree tree = load<ckpt_rec_tree>(rec.bytes);
	std::span<const std::byte> rest = std::span(rec.bytes).subspan(sizeof(tree));
	/* an entry of an older format leaves the newer fields 0 */
	std::size_t size = tree_entry_size(tree);
	std::size_t n = std::min<std::size_t>(tree.nr_tasks, rest.size() / size);
	TreeRecord out;
	out.tasks.reserve(n);
	for (std::size_t i = 0; i < n; i++)
		out.tasks.push_back(load<ckpt_task_ids>(rest.subspan(i * size, size)));
	return out;
}

CredsRecord parse_creds_record(const Record &rec)
{
	CredsRecord out;
	out.creds = load<ckpt_rec_creds>(rec.bytes);
	std::span<const std::byte> rest = std::span(rec.bytes).subspan(sizeof(out.creds));
	std::size_t n =
		std::min<std::size_t>(out.creds.ngroups, rest.size() / sizeof(std::uint32_t));
	for (std::size_t i = 0; i < n; i++)
		out.groups.push_back(load<std::uint32_t>(rest.subspan(i * sizeof(std::uint32_t))));
	return out;
}

MmRecord parse_mm_record(const Record &rec)
{
	MmRecord out;
	out.mm = load<ckpt_rec_mm>(rec.bytes);
	out.exe = text_after(rec, sizeof(out.mm), out.mm.exe_len);
	return out;
}

VmaRecord parse_vma_record(const Record &rec)
{
	VmaRecord out;
	out.vma = load<ckpt_rec_vma>(rec.bytes);
	out.path = text_after(rec, sizeof(out.vma), out.vma.path_len);
	return out;
}

FileRecord parse_file_record(const Record &rec)
{
	FileRecord out;
	out.file = load<ckpt_rec_file>(rec.bytes);
	out.path = text_after(rec, sizeof(out.file), out.file.path_len);
	return out;
}

MemfdRecord parse_memfd_record(const Record &rec)
{
	MemfdRecord out;
	out.memfd = load<ckpt_rec_memfd>(rec.bytes);
	out.name = text_after(rec, sizeof(out.memfd), out.memfd.name_len);
	return out;
}

DeletedFileRecord parse_deleted_file_record(const Record &rec)
{
	DeletedFileRecord out;
	out.deleted = load<ckpt_rec_deleted_file>(rec.bytes);
	out.path = text_after(rec, sizeof(out.deleted), out.deleted.path_len);
	return out;
}

PtyRecord parse_pty_record(const Record &rec)
{
	PtyRecord out;
	out.pty = load<ckpt_rec_pty>(rec.bytes);
	out.master_path = text_after(rec, sizeof(out.pty), out.pty.path_len);
	return out;
}

EpollRecord parse_epoll_record(const Record &rec)
{
	EpollRecord out;
	out.epoll = load<ckpt_rec_epoll>(rec.bytes);
	for (std::uint32_t i = 0; i < out.epoll.nr_watches; i++)
		out.watches.push_back(load<ckpt_epoll_watch>(std::span(rec.bytes).subspan(
			sizeof(out.epoll) + i * sizeof(ckpt_epoll_watch))));
	return out;
}

InotifyWatchRecord parse_inotify_watch_record(const Record &rec)
{
	InotifyWatchRecord out;
	out.watch = load<ckpt_rec_inotify_watch>(rec.bytes);
	out.path = text_after(rec, sizeof(out.watch), out.watch.path_len);
	return out;
}

InotifyEventRecord parse_inotify_event_record(const Record &rec)
{
	InotifyEventRecord out;
	out.event = load<ckpt_rec_inotify_event>(rec.bytes);
	out.name = text_after(rec, sizeof(out.event), out.event.name_len);
	return out;
}

UnixPairRecord parse_unix_pair_record(const Record &rec)
{
	UnixPairRecord out;
	out.pair = load<ckpt_rec_unix_pair>(rec.bytes);
	const ckpt_unix_end(&end)[2] = out.pair.end;
	/* the addresses follow the message lengths and the bytes of both queues */
	std::uint64_t at = sizeof(out.pair) + (std::uint64_t{end[0].nr_msgs} + end[1].nr_msgs) * 4 +
			   end[0].len + end[1].len;
	std::size_t fixed = static_cast<std::size_t>(std::min<std::uint64_t>(at, rec.bytes.size()));
	out.addr[0] = text_after(rec, fixed, end[0].addr_len);
	out.addr[1] = text_after(rec, fixed + out.addr[0].size(), end[1].addr_len);
	return out;
}

UnixSockRecord parse_unix_sock_record(const Record &rec)
{
	UnixSockRecord out;
	out.sock = load<ckpt_rec_unix_sock>(rec.bytes);
	out.addr = text_after(rec, sizeof(out.sock), out.sock.end.addr_len);
	out.path = text_after(rec, sizeof(out.sock) + out.addr.size(), out.sock.path_len);
	out.peer = text_after(rec, sizeof(out.sock) + out.addr.size() + out.path.size(),
			      out.sock.peer_len);
	return out;
}

NetlinkSockRecord parse_netlink_sock_record(const Record &rec)
{
	NetlinkSockRecord out;
	out.sock = load<ckpt_rec_netlink_sock>(rec.bytes);
	std::span<const std::byte> rest = std::span(rec.bytes).subspan(sizeof(out.sock));
	/* bits past ngroups, or words past the record, name no group */
	std::size_t words = std::min<std::size_t>((std::uint64_t{out.sock.ngroups} + 63) / 64,
						  rest.size() / sizeof(std::uint64_t));
	for (std::size_t w = 0; w < words; w++) {
		auto bits = load<std::uint64_t>(rest.subspan(w * sizeof(std::uint64_t)));
		for (unsigned b = 0; b < 64 && w * 64 + b < out.sock.ngroups; b++)
			if (bits & (std::uint64_t{1} << b))
				out.groups.push_back(static_cast<std::uint32_t>(w * 64 + b + 1));
	}
	return out;
}

PosixTimersRecord parse_posix_timers_record(const Record &rec)
{
	PosixTimersRecord out;
	out.posix_timers = load<ckpt_rec_posix_timers>(rec.bytes);
	for (std::uint32_t i = 0; i < out.posix_timers.nr_timers; i++)
		out.timers.push_back(load<ckpt_posix_timer>(std::span(rec.bytes).subspan(
			sizeof(out.posix_timers) + i * sizeof(ckpt_posix_timer))));
	return out;
}

SysvSemRecord parse_sysv_sem_record(const Record &rec)
{
	SysvSemRecord out;
	out.sem = load<ckpt_rec_sysv_sem>(rec.bytes);
	for (std::uint32_t i = 0; i < out.sem.nsems; i++)
		out.sems.push_back(load<ckpt_sem>(
			std::span(rec.bytes).subspan(sizeof(out.sem) + i * sizeof(ckpt_sem))));
	return out;
}

SemUndoRecord parse_sem_undo_record(const Record &rec)
{
	SemUndoRecord out;
	out.undo = load<ckpt_rec_sem_undo>(rec.bytes);
	for (std::uint32_t i = 0; i < out.undo.nsems; i++)
		out.adjustments.push_back(load<std::int16_t>(
			std::span(rec.bytes).subspan(sizeof(out.undo) + i * sizeof(std::int16_t))));
	return out;
}

FsRecord parse_fs_record(const Record &rec)
{
	auto fs = load<ckpt_rec_fs>(rec.bytes);
	FsRecord out;
	out.cwd = text_after(rec, sizeof(fs), fs.cwd_len);
	out.root = text_after(rec, sizeof(fs) + out.cwd.size(), fs.root_len);
	return out;
}

std::vector<int> non_default_signals(const ckpt_rec_sighand &sighand)
{
	std::vector<int> sigs;
	/* SIG_DFL is 0 on every Linux architecture. */
	for (int sig = 1; sig <= CKPT_NSIG; sig++)
		if (sighand.action[sig - 1].handler != 0)
			sigs.push_back(sig);
	return sigs;
}

} // namespace cr
