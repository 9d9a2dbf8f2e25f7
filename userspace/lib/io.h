/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whole-buffer read and write on any descriptor (file, pipe, socket):
 * short transfers are continued, EINTR is retried, EAGAIN on a
 * non-blocking descriptor waits with poll().  Errors throw cr::Error.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cr {

/*
 * Reads until @buf is full or end of file.  Returns the number of bytes
 * read, which is less than buf.size() only at end of file.
 */
std::size_t read_full(int fd, std::span<std::byte> buf);

/*
 * Reads with pread() from byte @offset of @fd until @buf is full or end
 * of file, without moving the file offset.  Returns the number of bytes
 * read.
 */
std::size_t pread_full(int fd, std::span<std::byte> buf, std::uint64_t offset);

/* Writes all of @buf. */
void write_all(int fd, std::span<const std::byte> buf);

/* Reads everything up to end of file. */
std::vector<std::byte> read_all(int fd);

} // namespace cr
