// SPDX-License-Identifier: LGPL-2.1-or-later
#include "record_reader.h"

#include "bytes.h"
#include "error.h"
#include "image_format.h"
#include "io.h"
#include "record_names.h"

#include <cerrno>
#include <fmt/format.h>

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

} // namespace

std::size_t RecordReader::read_bytes(std::span<std::byte> buf)
{
	try {
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
	std::size_t n = read_bytes(hbuf);
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
	n = read_bytes(rest);
	if (n < rest.size())
		throw Error(
			EBADMSG, offset_,
			fmt::format(
				"end of file inside the {} record ({} of {} bytes): the image is "
				"truncated",
				record_type_name(h.type), sizeof(h) + n, h.len));

	switch (h.type) {
	case CKPT_REC_HEADER:
		check_header(rec);
		break;
	case CKPT_REC_ERROR: {
		ckpt_rec_error e = load<ckpt_rec_error>(rec.bytes);
		if (e.msg_len > h.len - sizeof(ckpt_rec_error))
			throw Error(
				EINVAL, offset_,
				fmt::format("ERROR record message length {} does not fit in the "
					    "{}-byte record",
					    e.msg_len, h.len));
		break;
	}
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
