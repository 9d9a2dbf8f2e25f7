// SPDX-License-Identifier: LGPL-2.1-or-later
#include "record_writer.h"

#include "bytes.h"
#include "error.h"
#include "image_format.h"
#include "io.h"
#include "machine.h"
#include "record_names.h"

#include <array>
#include <cerrno>
#include <ctime>
#include <fmt/format.h>
#include <sys/utsname.h>
#include <vector>

namespace cr {

ckpt_rec_header make_header(std::uint32_t root_pid, std::uint32_t flags)
{
	ckpt_rec_header hdr{};
	header_magic.copy(reinterpret_cast<char *>(hdr.magic), sizeof(hdr.magic));
	hdr.major = CKPT_VERSION_MAJOR;
	hdr.minor = CKPT_VERSION_MINOR;

	MachineInfo m = this_machine();
	hdr.arch = m.arch;
	hdr.page_shift = m.page_shift;
	hdr.cpu_features = m.cpu_features.value_or(0);
	hdr.cpu_state_size = m.cpu_state_size.value_or(0);
	hdr.flags = flags;

	timespec now{};
	::clock_gettime(CLOCK_REALTIME, &now);
	hdr.time_sec = now.tv_sec;
	hdr.time_nsec = static_cast<std::uint32_t>(now.tv_nsec);
	hdr.root_pid = root_pid;

	utsname uts{};
	if (::uname(&uts) == 0)
		/* NUL-padded; a release that fills the field keeps no NUL. */
		std::string_view(uts.release)
			.substr(0, sizeof(hdr.release))
			.copy(hdr.release, sizeof(hdr.release));
	return hdr;
}

void RecordWriter::write(std::uint32_t type, std::span<const std::byte> payload)
{
	std::uint64_t len = align_record_len(sizeof(ckpt_hdr) + payload.size());
	if (len > CKPT_REC_MAX_LEN)
		throw Error(EINVAL, offset_,
			    fmt::format("cannot write a {} record of {} bytes: the maximum is {}",
					record_type_name(type), len, CKPT_REC_MAX_LEN));

	std::vector<std::byte> rec(len); /* zero-initialised: the padding */
	ckpt_hdr h{type, static_cast<std::uint32_t>(len)};
	std::memcpy(rec.data(), &h, sizeof(h));
	if (!payload.empty())
		std::memcpy(rec.data() + sizeof(h), payload.data(), payload.size());
	write_bytes(rec);
}

void RecordWriter::write_header(const ckpt_rec_header &hdr)
{
	ckpt_rec_header copy = hdr;
	copy.h.type = CKPT_REC_HEADER;
	copy.h.len = sizeof(copy);
	static_assert(sizeof(copy) % CKPT_REC_ALIGN == 0);
	write_bytes(bytes_of(copy));
}

void RecordWriter::write_error(std::int32_t error, std::string_view message)
{
	/* Keep the record within CKPT_REC_MAX_LEN: cut an overlong message. */
	message = message.substr(0, CKPT_REC_MAX_LEN - sizeof(ckpt_rec_error));

	ckpt_rec_error e{};
	std::uint64_t len = align_record_len(sizeof(e) + message.size());
	e.h.type = CKPT_REC_ERROR;
	e.h.len = static_cast<std::uint32_t>(len);
	e.error = error;
	e.msg_len = static_cast<std::uint32_t>(message.size());

	std::vector<std::byte> rec(len); /* zero-initialised: the padding */
	std::memcpy(rec.data(), &e, sizeof(e));
	if (!message.empty())
		std::memcpy(rec.data() + sizeof(e), message.data(), message.size());
	write_bytes(rec);
}

void RecordWriter::write_tail()
{
	ckpt_rec_tail tail{};
	tail.h.type = CKPT_REC_TAIL;
	tail.h.len = sizeof(tail);
	tail_magic.copy(reinterpret_cast<char *>(tail.magic), sizeof(tail.magic));
	tail.records = records_;
	tail.length = offset_;
	tail.csum_type = CKPT_CSUM_CRC32;
	tail.csum = crc_.value();
	static_assert(sizeof(tail) % CKPT_REC_ALIGN == 0);

	write_all(fd_, bytes_of(tail));
	offset_ += sizeof(tail);
}

void RecordWriter::write_bytes(std::span<const std::byte> bytes)
{
	write_all(fd_, bytes);
	crc_.update(bytes);
	offset_ += bytes.size();
	records_++;
}

} // namespace cr
