/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cr::Error: the one exception type of libcr.
 *
 * It carries an errno value (the one the kernel would return for the same
 * problem, where there is one) and a message with its context, e.g. the
 * byte offset of the offending record.  The library never prints: errors
 * travel up to main(), which prints what().
 */
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace cr {

class Error : public std::runtime_error {
public:
	/* @err: positive errno value, or 0 when none applies. */
	Error(int err, const std::string &message);
	/* Same, with the byte offset in the image stream the problem was found at. */
	Error(int err, std::uint64_t offset, const std::string &message);

	/* Builds an Error from the current errno: "<context>: <strerror(errno)>". */
	static Error from_errno(const std::string &context);

	int err() const noexcept { return err_; }
	const std::optional<std::uint64_t> &offset() const noexcept { return offset_; }
	/* The message without the offset prefix; what() has both. */
	const std::string &message() const noexcept { return message_; }

private:
	int err_;
	std::optional<std::uint64_t> offset_;
	std::string message_;
};

} // namespace cr
