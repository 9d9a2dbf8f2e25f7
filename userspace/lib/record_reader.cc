// SPDX-License-Identifier: LGPL-2.1-or-later
#include "record_reader.h"

#include "bytes.h"
#include "error.h"
#include "image_format.h"
#include "io.h"
#include "record_names.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>

namespace cr {

std::span<const std::byte> Record::payload() const noexcept
{
	return std::span(bytes).subspan(sizeof(ckpt_hdr));
}

namespace {

/* The smallest len a record of a known type can have; 0 if no minimum. */
std::uint32_t min_record_len(std::uint32_t type)
{
	switch (type) {
	case CKPT_REC_HEADER:
		return sizeof(ckpt_rec_header);
	case CKPT_REC_TAIL:
		return sizeof(ckpt_rec_tail);
	case CKPT_REC_ERROR:
		return sizeof(ckpt_rec_error);
	case CKPT_REC_TREE:
		return sizeof(ckpt_rec_tree);
	case CKPT_REC_TASK: /* images up to 1.6 end before mm_flags */
		return CKPT_REC_TASK_SIZE_1_6;
	case CKPT_REC_CREDS:
		return sizeof(ckpt_rec_creds);
	case CKPT_REC_RLIMITS:
		return sizeof(ckpt_rec_rlimits);
	case CKPT_REC_SCHED:
		return sizeof(ckpt_rec_sched);
	case CKPT_REC_RESTART_BLOCK:
		return sizeof(ckpt_rec_restart_block);
	case CKPT_REC_SHARE:
		return sizeof(ckpt_rec_share);
	case CKPT_REC_CPU_X86_64:
		return sizeof(ckpt_rec_cpu_x86_64);
	case CKPT_REC_MM:
		return sizeof(ckpt_rec_mm);
	case CKPT_REC_VMA:
		return sizeof(ckpt_rec_vma);
	case CKPT_REC_PAGES:
		return sizeof(ckpt_rec_pages);
	case CKPT_REC_SHMEM:
		return sizeof(ckpt_rec_shmem);
	case CKPT_REC_MEMFD:
		return sizeof(ckpt_rec_memfd);
	case CKPT_REC_MAPPED_FILE:
		return sizeof(ckpt_rec_mapped_file);
	case CKPT_REC_FILE:
		return sizeof(ckpt_rec_file);
	case CKPT_REC_FS:
		return sizeof(ckpt_rec_fs);
	case CKPT_REC_PIPE_DATA:
		return sizeof(ckpt_rec_pipe_data);
	case CKPT_REC_PTY:
		return sizeof(ckpt_rec_pty);
	case CKPT_REC_EVENTFD:
		return sizeof(ckpt_rec_eventfd);
	case CKPT_REC_SIGNALFD:
		return sizeof(ckpt_rec_signalfd);
	case CKPT_REC_TIMERFD:
		return sizeof(ckpt_rec_timerfd);
	case CKPT_REC_EPOLL:
		return sizeof(ckpt_rec_epoll);
	case CKPT_REC_FILE_LOCK:
		return sizeof(ckpt_rec_file_lock);
	case CKPT_REC_FILE_OWNER:
		return sizeof(ckpt_rec_file_owner);
	case CKPT_REC_DELETED_FILE:
		return sizeof(ckpt_rec_deleted_file);
	case CKPT_REC_INOTIFY:
		return sizeof(ckpt_rec_inotify);
	case CKPT_REC_INOTIFY_WATCH:
		return sizeof(ckpt_rec_inotify_watch);
	case CKPT_REC_INOTIFY_EVENT:
		return sizeof(ckpt_rec_inotify_event);
	case CKPT_REC_UNIX_PAIR:
		return sizeof(ckpt_rec_unix_pair);
	case CKPT_REC_INET_SOCK:
		return sizeof(ckpt_rec_inet_sock);
	case CKPT_REC_UNIX_SOCK:
		return sizeof(ckpt_rec_unix_sock);
	case CKPT_REC_NETLINK_SOCK:
		return sizeof(ckpt_rec_netlink_sock);
	case CKPT_REC_SIGHAND:
		return sizeof(ckpt_rec_sighand);
	case CKPT_REC_SIGPENDING:
		return sizeof(ckpt_rec_sigpending);
	case CKPT_REC_ITIMERS:
		return sizeof(ckpt_rec_itimers);
	case CKPT_REC_POSIX_TIMERS:
		return sizeof(ckpt_rec_posix_timers);
	case CKPT_REC_SYSV_SHM:
		return sizeof(ckpt_rec_sysv_shm);
	case CKPT_REC_SYSV_SEM:
		return sizeof(ckpt_rec_sysv_sem);
	case CKPT_REC_SEM_UNDO:
		return sizeof(ckpt_rec_sem_undo);
	case CKPT_REC_NAMESPACE:
		return sizeof(ckpt_rec_namespace);
	case CKPT_REC_UTS_NS:
		return sizeof(ckpt_rec_uts_ns);
	case CKPT_REC_IPC_NS:
		return sizeof(ckpt_rec_ipc_ns);
	default:
		return 0;
	}
}

/* Checks the length and type of the record header at @offset. */
void check_record_header(const ckpt_hdr &h, std::uint64_t offset, std::uint64_t records_read)
{
	if (h.len < sizeof(ckpt_hdr))
		throw Error(
			EINVAL, offset,
			fmt::format(
				"invalid record length {}: shorter than the {}-byte record header",
				h.len, sizeof(ckpt_hdr)));
	if (h.len % CKPT_REC_ALIGN != 0)
		throw Error(EINVAL, offset,
			    fmt::format("invalid record length {}: not a multiple of {}", h.len,
					CKPT_REC_ALIGN));
	if (h.len > CKPT_REC_MAX_LEN)
		throw Error(
			EINVAL, offset,
			fmt::format("invalid record length {}: longer than the maximum of {} bytes",
				    h.len, CKPT_REC_MAX_LEN));
	if (records_read == 0 && h.type != CKPT_REC_HEADER)
		throw Error(EINVAL, offset,
			    fmt::format("expected a HEADER record at the start of the image, found "
					"record type {}: this is not a checkpoint image",
					record_type_name(h.type)));
	if (records_read > 0 && h.type == CKPT_REC_HEADER)
		throw Error(EINVAL, offset,
			    "a second HEADER record: only the first record may be one");
	if (!is_known_record_type(h.type) && !is_optional_type(h.type))
		throw Error(
			EINVAL, offset,
			fmt::format("unknown record type {} without the optional bit: this image "
				    "needs a newer reader",
				    record_type_name(h.type)));
	std::uint32_t min_len = min_record_len(h.type);
	if (h.len < min_len)
		throw Error(
			EINVAL, offset,
			fmt::format("invalid record length {}: a {} record is at least {} bytes",
				    h.len, record_type_name(h.type), min_len));
}

/* What the variable part of a record is, and how many bytes its structure says it has. */
struct VariablePart {
	std::string what; /* "message length 100" */
	std::uint64_t bytes = 0;
	std::size_t fixed = 0; /* size of the structure before it */
};

std::optional<VariablePart> variable_part(const Record &rec, unsigned page_shift)
{
	switch (rec.type) {
	case CKPT_REC_ERROR: {
		auto r = load<ckpt_rec_error>(rec.bytes);
		return VariablePart{fmt::format("message length {}", r.msg_len), r.msg_len,
				    sizeof(r)};
	}
	case CKPT_REC_TREE: {
		auto r = load<ckpt_rec_tree>(rec.bytes);
		std::uint64_t bytes = std::uint64_t{r.nr_tasks} * tree_entry_size(r);
		return VariablePart{fmt::format("task count {} ({} bytes)", r.nr_tasks, bytes),
				    bytes, sizeof(r)};
	}
	case CKPT_REC_CREDS: {
		auto r = load<ckpt_rec_creds>(rec.bytes);
		std::uint64_t bytes = std::uint64_t{r.ngroups} * sizeof(std::uint32_t);
		return VariablePart{fmt::format("group count {} ({} bytes)", r.ngroups, bytes),
				    bytes, sizeof(r)};
	}
	case CKPT_REC_CPU_X86_64: {
		auto r = load<ckpt_rec_cpu_x86_64>(rec.bytes);
		return VariablePart{fmt::format("xsave size {}", r.xsave_size), r.xsave_size,
				    sizeof(r)};
	}
	case CKPT_REC_MM: {
		auto r = load<ckpt_rec_mm>(rec.bytes);
		return VariablePart{fmt::format("exe path length {}", r.exe_len), r.exe_len,
				    sizeof(r)};
	}
	case CKPT_REC_VMA: {
		auto r = load<ckpt_rec_vma>(rec.bytes);
		return VariablePart{fmt::format("path length {}", r.path_len), r.path_len,
				    sizeof(r)};
	}
	case CKPT_REC_PAGES: {
		auto r = load<ckpt_rec_pages>(rec.bytes);
		/* Any page count times an absurd page size does not fit. */
		std::uint64_t bytes = page_shift < 32 ? std::uint64_t{r.nr_pages} << page_shift
						      : (r.nr_pages ? UINT64_MAX : 0);
		return VariablePart{fmt::format("page count {} ({} bytes)", r.nr_pages, bytes),
				    bytes, sizeof(r)};
	}
	case CKPT_REC_MEMFD: {
		auto r = load<ckpt_rec_memfd>(rec.bytes);
		return VariablePart{fmt::format("name length {}", r.name_len), r.name_len,
				    sizeof(r)};
	}
	case CKPT_REC_FILE: {
		auto r = load<ckpt_rec_file>(rec.bytes);
		return VariablePart{fmt::format("path length {}", r.path_len), r.path_len,
				    sizeof(r)};
	}
	case CKPT_REC_DELETED_FILE: {
		auto r = load<ckpt_rec_deleted_file>(rec.bytes);
		return VariablePart{fmt::format("path length {}", r.path_len), r.path_len,
				    sizeof(r)};
	}
	case CKPT_REC_SIGPENDING: {
		auto r = load<ckpt_rec_sigpending>(rec.bytes);
		return VariablePart{fmt::format("count of {} pending signals", r.nr),
				    std::uint64_t{r.nr} * sizeof(ckpt_sigpending_entry), sizeof(r)};
	}
	case CKPT_REC_PIPE_DATA: {
		auto r = load<ckpt_rec_pipe_data>(rec.bytes);
		return VariablePart{fmt::format("data length {}", r.len), r.len, sizeof(r)};
	}
	case CKPT_REC_PTY: {
		auto r = load<ckpt_rec_pty>(rec.bytes);
		auto words = [](std::uint64_t len) { return (len + 31) / 32 * 4; };
		std::uint64_t bytes = std::uint64_t{r.path_len} + r.to_slave + r.to_master +
				      words(r.to_slave) + words(r.to_master);
		return VariablePart{fmt::format("path length {} and input {} + {}", r.path_len,
						r.to_slave, r.to_master),
				    bytes, sizeof(r)};
	}
	case CKPT_REC_UNIX_PAIR: {
		auto r = load<ckpt_rec_unix_pair>(rec.bytes);
		std::uint64_t bytes = (std::uint64_t{r.end[0].nr_msgs} + r.end[1].nr_msgs) * 4 +
				      r.end[0].len + r.end[1].len + r.end[0].addr_len +
				      r.end[1].addr_len;
		return VariablePart{
			fmt::format("queues of {} + {} messages, {} + {} bytes, addresses of {} + "
				    "{} bytes",
				    r.end[0].nr_msgs, r.end[1].nr_msgs, r.end[0].len, r.end[1].len,
				    r.end[0].addr_len, r.end[1].addr_len),
			bytes, sizeof(r)};
	}
	case CKPT_REC_UNIX_SOCK: {
		auto r = load<ckpt_rec_unix_sock>(rec.bytes);
		return VariablePart{fmt::format("address length {}, path length {} and peer "
						"length {}",
						r.end.addr_len, r.path_len, r.peer_len),
				    std::uint64_t{r.end.addr_len} + r.path_len + r.peer_len,
				    sizeof(r)};
	}
	case CKPT_REC_NETLINK_SOCK: {
		auto r = load<ckpt_rec_netlink_sock>(rec.bytes);
		std::uint64_t bytes = (std::uint64_t{r.ngroups} + 63) / 64 * sizeof(std::uint64_t);
		return VariablePart{fmt::format("group count {} ({} bytes)", r.ngroups, bytes),
				    bytes, sizeof(r)};
	}
	case CKPT_REC_INET_SOCK: {
		auto r = load<ckpt_rec_inet_sock>(rec.bytes);
		return VariablePart{
			fmt::format("queues of {} + {} bytes, {} datagrams of {} bytes",
				    r.tcp.send_len, r.tcp.recv_len, r.nr_dgrams, r.dgrams_len),
			std::uint64_t{r.tcp.send_len} + r.tcp.recv_len +
				std::uint64_t{r.nr_dgrams} * sizeof(ckpt_inet_dgram) + r.dgrams_len,
			sizeof(r)};
	}
	case CKPT_REC_EPOLL: {
		auto r = load<ckpt_rec_epoll>(rec.bytes);
		return VariablePart{fmt::format("watch count {}", r.nr_watches),
				    std::uint64_t{r.nr_watches} * sizeof(ckpt_epoll_watch),
				    sizeof(r)};
	}
	case CKPT_REC_FS: {
		auto r = load<ckpt_rec_fs>(rec.bytes);
		return VariablePart{fmt::format("path lengths {} + {}", r.cwd_len, r.root_len),
				    std::uint64_t{r.cwd_len} + r.root_len, sizeof(r)};
	}
	case CKPT_REC_INOTIFY_WATCH: {
		auto r = load<ckpt_rec_inotify_watch>(rec.bytes);
		return VariablePart{fmt::format("path length {}", r.path_len), r.path_len,
				    sizeof(r)};
	}
	case CKPT_REC_INOTIFY_EVENT: {
		auto r = load<ckpt_rec_inotify_event>(rec.bytes);
		return VariablePart{fmt::format("name length {}", r.name_len), r.name_len,
				    sizeof(r)};
	}
	case CKPT_REC_SYSV_SEM: {
		auto r = load<ckpt_rec_sysv_sem>(rec.bytes);
		std::uint64_t bytes = std::uint64_t{r.nsems} * sizeof(ckpt_sem);
		return VariablePart{fmt::format("semaphore count {} ({} bytes)", r.nsems, bytes),
				    bytes, sizeof(r)};
	}
	case CKPT_REC_SEM_UNDO: {
		auto r = load<ckpt_rec_sem_undo>(rec.bytes);
		std::uint64_t bytes = std::uint64_t{r.nsems} * sizeof(std::int16_t);
		return VariablePart{fmt::format("semaphore count {} ({} bytes)", r.nsems, bytes),
				    bytes, sizeof(r)};
	}
	default:
		return std::nullopt;
	}
}

/* The @len bytes after the structure of @fixed bytes; the reader checked that they fit. */
std::string_view text_after(const Record &rec, std::size_t fixed, std::uint32_t len)
{
	return std::string_view(reinterpret_cast<const char *>(rec.bytes.data()) + fixed, len);
}

/*
 * The text an inotify record carries, as restart() takes it: a watch's
 * path is absolute, an event's name a file name (at most NAME_MAX
 * bytes); neither holds a NUL byte.
 */
void check_inotify_text(const Record &rec)
{
	if (rec.type == CKPT_REC_INOTIFY_WATCH) {
		auto r = load<ckpt_rec_inotify_watch>(rec.bytes);
		std::string_view path = text_after(rec, sizeof(r), r.path_len);
		if (path.find('\0') != std::string_view::npos)
			throw Error(EINVAL, rec.offset,
				    "INOTIFY_WATCH record path holds a NUL byte");
		if (path.empty() || path.front() != '/')
			throw Error(
				EINVAL, rec.offset,
				fmt::format("INOTIFY_WATCH record path of {} bytes is not absolute",
					    path.size()));
	} else if (rec.type == CKPT_REC_INOTIFY_EVENT) {
		auto r = load<ckpt_rec_inotify_event>(rec.bytes);
		if (r.name_len > NAME_MAX)
			throw Error(EINVAL, rec.offset,
				    fmt::format("INOTIFY_EVENT record name length {} is longer "
						"than NAME_MAX ({})",
						r.name_len, NAME_MAX));
		std::string_view name = text_after(rec, sizeof(r), r.name_len);
		if (name.find('\0') != std::string_view::npos)
			throw Error(EINVAL, rec.offset,
				    "INOTIFY_EVENT record name holds a NUL byte");
	}
}

/*
 * A POSIX_TIMERS record holds exactly its nr_timers timers, at most
 * CKPT_POSIX_TIMERS_MAX, each with pad 0: unlike other records, it takes
 * no bytes after them.
 */
void check_posix_timers(const Record &rec)
{
	if (rec.type != CKPT_REC_POSIX_TIMERS)
		return;
	auto r = load<ckpt_rec_posix_timers>(rec.bytes);
	if (r.nr_timers > CKPT_POSIX_TIMERS_MAX)
		throw Error(EINVAL, rec.offset,
			    fmt::format("POSIX_TIMERS record timer count {} is above the maximum "
					"of {}",
					r.nr_timers, CKPT_POSIX_TIMERS_MAX));
	std::uint64_t bytes = std::uint64_t{r.nr_timers} * sizeof(ckpt_posix_timer);
	if (sizeof(r) + bytes != rec.len)
		throw Error(EINVAL, rec.offset,
			    fmt::format("POSIX_TIMERS record timer count {} ({} bytes) does not "
					"match the {}-byte record",
					r.nr_timers, bytes, rec.len));
	for (std::uint32_t i = 0; i < r.nr_timers; i++) {
		auto t = load<ckpt_posix_timer>(
			std::span(rec.bytes).subspan(sizeof(r) + i * sizeof(ckpt_posix_timer)));
		if (t.pad)
			throw Error(EINVAL, rec.offset,
				    fmt::format("POSIX_TIMERS record timer {} (id {}) has pad "
						"{:#x}, not 0",
						i, t.id, t.pad));
	}
}

/* Checks that the variable part a record's structure announces fits in the record. */
void check_variable_part(const Record &rec, unsigned page_shift)
{
	if (rec.type == CKPT_REC_TREE) {
		std::size_t size = tree_entry_size(load<ckpt_rec_tree>(rec.bytes));
		if (size < CKPT_TASK_IDS_SIZE_1_0 || size > CKPT_TASK_IDS_SIZE_MAX || size % 8)
			throw Error(EINVAL, rec.offset,
				    fmt::format("TREE record entries of {} bytes", size));
	}
	std::optional<VariablePart> part = variable_part(rec, page_shift);
	if (part && part->bytes > rec.len - part->fixed)
		throw Error(EINVAL, rec.offset,
			    fmt::format("{} record {} does not fit in the {}-byte record",
					record_type_name(rec.type), part->what, rec.len));
}

} // namespace

std::size_t tree_entry_size(const ckpt_rec_tree &tree) noexcept
{
	return tree.task_size ? tree.task_size : CKPT_TASK_IDS_SIZE_1_0;
}

std::size_t RecordReader::read_bytes(std::span<std::byte> buf, std::uint64_t at)
{
	try {
		if (pread_start_)
			return pread_full(fd_, buf, *pread_start_ + at);
		return read_full(fd_, buf);
	} catch (const Error &e) {
		/* Add where in the stream the read failed. */
		throw Error(e.err(), offset_, e.message());
	}
}

std::optional<Record> RecordReader::next()
{
	if (done_)
		return std::nullopt;

	Record rec;
	rec.offset = offset_;

	ckpt_hdr h;
	std::span<std::byte> hbuf = std::as_writable_bytes(std::span(&h, 1));
	std::size_t n = read_bytes(hbuf, offset_);
	if (n == 0 && records_ == 0)
		throw Error(EBADMSG, offset_,
			    "the image is empty: truncated before the HEADER record");
	if (n == 0)
		throw Error(EBADMSG, offset_,
			    "end of file before the TAIL record: the image is truncated");
	if (n < sizeof(h))
		throw Error(
			EBADMSG, offset_,
			fmt::format(
				"end of file inside a record header ({} of {} bytes): the image "
				"is truncated",
				n, sizeof(h)));
	check_record_header(h, offset_, records_);

	rec.type = h.type;
	rec.len = h.len;
	rec.skipped = !is_known_record_type(h.type);
	rec.bytes.resize(h.len);
	std::memcpy(rec.bytes.data(), &h, sizeof(h));
	std::span<std::byte> rest = std::span(rec.bytes).subspan(sizeof(h));
	n = read_bytes(rest, offset_ + sizeof(h));
	if (n < rest.size())
		throw Error(
			EBADMSG, offset_,
			fmt::format(
				"end of file inside the {} record ({} of {} bytes): the image is "
				"truncated",
				record_type_name(h.type), sizeof(h) + n, h.len));

	check_posix_timers(rec);
	check_variable_part(rec, header_.page_shift);
	check_inotify_text(rec);
	switch (h.type) {
	case CKPT_REC_HEADER:
		check_header(rec);
		break;
	case CKPT_REC_TAIL:
		check_tail(rec);
		offset_ += h.len;
		done_ = true;
		return rec;
	default:
		break;
	}

	crc_.update(rec.bytes);
	offset_ += h.len;
	records_++;
	return rec;
}

void RecordReader::check_header(const Record &rec)
{
	ckpt_rec_header hdr = load<ckpt_rec_header>(rec.bytes);
	if (field_view(hdr.magic) != header_magic)
		throw Error(EINVAL, rec.offset,
			    "bad magic in the HEADER record: this is not a checkpoint image");
	if (hdr.major != CKPT_VERSION_MAJOR)
		throw Error(EINVAL, rec.offset,
			    fmt::format("unsupported image format version {}.{}: this reader reads "
					"version {}.x",
					hdr.major, hdr.minor, CKPT_VERSION_MAJOR));
	header_ = hdr;
}

void RecordReader::check_tail(const Record &rec) const
{
	ckpt_rec_tail tail = load<ckpt_rec_tail>(rec.bytes);
	if (field_view(tail.magic) != tail_magic)
		throw Error(EINVAL, rec.offset, "bad magic in the TAIL record");
	if (tail.csum_type != CKPT_CSUM_CRC32)
		throw Error(
			EINVAL, rec.offset,
			fmt::format("unknown checksum type {} in the TAIL record", tail.csum_type));
	if (tail.records != records_)
		throw Error(EBADMSG, rec.offset,
			    fmt::format("the TAIL record counts {} records before it, but {} were "
					"read: the image is corrupted",
					tail.records, records_));
	if (tail.length != offset_)
		throw Error(
			EBADMSG, rec.offset,
			fmt::format("the TAIL record counts {} bytes before it, but {} were read: "
				    "the image is corrupted",
				    tail.length, offset_));
	if (tail.csum != crc_.value())
		throw Error(EBADMSG, rec.offset,
			    fmt::format("checksum error: the TAIL record says crc32 {:#010x}, the "
					"{} bytes before it have {:#010x}: the image is corrupted",
					tail.csum, offset_, crc_.value()));
}

ErrorRecord parse_error_record(const Record &rec)
{
	ckpt_rec_error e = load<ckpt_rec_error>(rec.bytes);
	std::span<const std::byte> msg = std::span(rec.bytes).subspan(sizeof(ckpt_rec_error));
	msg = msg.first(std::min<std::size_t>(e.msg_len, msg.size()));
	return ErrorRecord{e.error,
			   std::string(reinterpret_cast<const char *>(msg.data()), msg.size())};
}

} // namespace cr
