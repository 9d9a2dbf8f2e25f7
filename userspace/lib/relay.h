/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Feeding an image that arrives on a pipe or socket to a restart, after
 * its prefix was read from it (image_prefix.h): the kernel reads the
 * image from its first byte, so the prefix goes first, then the rest.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace cr {

struct RelayResult {
	std::uint64_t bytes = 0;  /* written to the output, prefix included */
	bool reader_gone = false; /* stopped because nobody reads the output any more */
};

/*
 * Writes @prefix to the pipe @out, then copies @in to it (splice(), or
 * read() and write() where splice() does not work) until end of file on
 * @in, or until the reader of @out goes away, which is how a restart
 * that finished or failed shows: it waits for neither more input nor
 * room in the pipe then.  Closing @out is the caller's business.
 *
 * SIGPIPE must be ignored.  Read errors throw cr::Error.
 */
RelayResult relay_stream(std::span<const std::byte> prefix, int in, int out);

} // namespace cr
