/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cr::RecordReader: reads an image record by record from any descriptor
 * (file, pipe, socket; it never seeks) and checks exactly the rules the
 * kernel's restart() checks on the stream, so that a tool built on it
 * rejects what the kernel rejects:
 *
 *  - the first record is a HEADER with the right magic and major version;
 *    a second HEADER is an error;
 *  - every record has 8 <= len <= CKPT_REC_MAX_LEN and len % 8 == 0;
 *  - a type this reader does not know is an error unless CKPT_REC_OPTIONAL
 *    is set, in which case the record is skipped;
 *  - a record of a known type holds at least its structure, and the
 *    variable part its structure announces (ERROR message, TREE tasks of
 *    32 to 256 bytes each,
 *    CREDS groups, CPU xsave area, MM, VMA, FILE and FS paths, PAGES page
 *    data, INOTIFY_WATCH path, INOTIFY_EVENT name) fits in the record;
 *  - an INOTIFY_WATCH path is absolute, an INOTIFY_EVENT name at most
 *    NAME_MAX bytes, and neither holds a NUL byte;
 *  - a POSIX_TIMERS record holds exactly its nr_timers timers, at most
 *    CKPT_POSIX_TIMERS_MAX, each with pad 0;
 *  - the TAIL record has the right magic and a known checksum type, and
 *    its record count, byte count and checksum match what was read;
 *  - end of file before the TAIL record means the image is truncated.
 *
 * Problems throw cr::Error with the byte offset of the offending record
 * and the errno the kernel returns for it: EINVAL for a malformed image,
 * EBADMSG for a truncated or corrupted one.  Machine compatibility (the
 * kernel's ENOEXEC checks) is not the reader's business: see machine.h.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/checkpoint_hdr.h>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crc32.h"

namespace cr {

struct Record {
	std::uint64_t offset = 0;     /* byte offset of the record in the stream */
	std::uint32_t type = 0;	      /* CKPT_REC_* */
	std::uint32_t len = 0;	      /* from the record header: header + payload + padding */
	bool skipped = false;	      /* an optional type this reader does not know */
	std::vector<std::byte> bytes; /* the whole record, len bytes, header included */

	/* The bytes after struct ckpt_hdr. */
	std::span<const std::byte> payload() const noexcept;
};

/* The contents of an ERROR record. */
struct ErrorRecord {
	std::int32_t error = 0; /* negative errno, as stored */
	std::string message;
};

/* The bytes of each entry of a TREE record (format 1.0 says 0 for 32). */
std::size_t tree_entry_size(const ckpt_rec_tree &tree) noexcept;

class RecordReader {
public:
	/* Reads from @fd, which stays owned by the caller. */
	explicit RecordReader(int fd) noexcept : fd_(fd) {}
	/*
	 * Reads with pread() from byte @start of @fd on: the file offset
	 * neither matters nor moves.  For regular files only.
	 */
	RecordReader(int fd, std::uint64_t start) noexcept : fd_(fd), pread_start_(start) {}

	/*
	 * Reads and checks the next record.  Returns every record including
	 * the HEADER and the TAIL, then std::nullopt once the TAIL has been
	 * read; nothing after the tail is read.  Throws cr::Error.
	 */
	std::optional<Record> next();

	/* The image header; valid once the first record was returned. */
	const ckpt_rec_header &header() const noexcept { return header_; }
	/* Bytes consumed so far, i.e. the offset of the next record. */
	std::uint64_t offset() const noexcept { return offset_; }
	/* Records consumed so far, not counting the TAIL. */
	std::uint64_t records() const noexcept { return records_; }
	/* CRC-32 of the bytes consumed so far, not counting the TAIL. */
	std::uint32_t crc() const noexcept { return crc_.value(); }
	/* True once a valid TAIL was read. */
	bool done() const noexcept { return done_; }

private:
	/* read_full() (or pread_full() at @at) with the offset added to errors. */
	std::size_t read_bytes(std::span<std::byte> buf, std::uint64_t at);
	void check_header(const Record &rec);
	void check_tail(const Record &rec) const;

	int fd_;
	std::optional<std::uint64_t> pread_start_;
	std::uint64_t offset_ = 0;
	std::uint64_t records_ = 0;
	Crc32 crc_;
	bool done_ = false;
	ckpt_rec_header header_{};
};

/* Decodes an ERROR record read by RecordReader (which checked its lengths). */
ErrorRecord parse_error_record(const Record &rec);

} // namespace cr
