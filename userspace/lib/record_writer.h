/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cr::RecordWriter: writes an image record by record to any descriptor,
 * padding every payload with zero bytes to a multiple of 8, and keeps
 * the byte count, record count and CRC-32 the TAIL record needs.
 *
 * It writes records of any type, known or not (tests and future tools
 * need both), but never a record longer than CKPT_REC_MAX_LEN.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/checkpoint_hdr.h>
#include <span>
#include <string_view>

#include "crc32.h"

namespace cr {

/*
 * A HEADER record for an image of this machine, made now: magic, format
 * version, architecture, page size, CPU state features, time and
 * release filled in; @root_pid and @flags (CKPT_IMAGE_*) as given.
 */
ckpt_rec_header make_header(std::uint32_t root_pid, std::uint32_t flags);

class RecordWriter {
public:
	/* Writes to @fd, which stays owned by the caller. */
	explicit RecordWriter(int fd) noexcept : fd_(fd) {}

	/*
	 * Writes one record: a struct ckpt_hdr {type, len}, @payload and
	 * zero padding up to the next multiple of 8.  Throws cr::Error.
	 */
	void write(std::uint32_t type, std::span<const std::byte> payload);

	/* Writes @hdr (its h field is filled in) as the HEADER record. */
	void write_header(const ckpt_rec_header &hdr);
	/* Writes an ERROR record: @error is a negative errno, @message has no NUL. */
	void write_error(std::int32_t error, std::string_view message);
	/* Writes the TAIL record for everything written so far. */
	void write_tail();

	/* Bytes written so far. */
	std::uint64_t offset() const noexcept { return offset_; }
	/* Records written so far, not counting a TAIL. */
	std::uint64_t records() const noexcept { return records_; }
	/* CRC-32 of the bytes written so far, not counting a TAIL. */
	std::uint32_t crc() const noexcept { return crc_.value(); }

private:
	/* Writes a record whose ckpt_hdr is already filled in; no padding. */
	void write_bytes(std::span<const std::byte> bytes);

	int fd_;
	std::uint64_t offset_ = 0;
	std::uint64_t records_ = 0;
	Crc32 crc_;
};

} // namespace cr
