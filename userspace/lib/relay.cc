// SPDX-License-Identifier: LGPL-2.1-or-later
#include "relay.h"

#include "error.h"
#include "io.h"

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace cr {

namespace {

constexpr std::size_t chunk = 64 * 1024;

enum class Ready { input, reader_gone };

/* Waits until @in has data (or end of file) or the reader of @out is gone. */
Ready wait_input(int in, int out)
{
	std::array<pollfd, 2> fds{{{in, POLLIN, 0}, {out, 0, 0}}};
	for (;;) {
		if (::poll(fds.data(), fds.size(), -1) < 0) {
			if (errno == EINTR)
				continue;
			throw Error::from_errno("poll");
		}
		/* A pipe's write end reports POLLERR once it has no reader left. */
		if (fds[1].revents & (POLLERR | POLLHUP | POLLNVAL))
			return Ready::reader_gone;
		if (fds[0].revents)
			return Ready::input;
	}
}

struct Moved {
	enum { bytes, end_of_file, reader_gone, again } what;
	std::size_t n = 0;
};

/* Moves up to one chunk from @in to @out; @use_splice is cleared where splice() fails. */
Moved move_chunk(int in, int out, bool &use_splice)
{
	if (use_splice) {
		ssize_t n = ::splice(in, nullptr, out, nullptr, chunk, SPLICE_F_MOVE);
		if (n > 0)
			return {Moved::bytes, static_cast<std::size_t>(n)};
		if (n == 0)
			return {Moved::end_of_file};
		if (errno == EPIPE)
			return {Moved::reader_gone};
		if (errno == EINTR || errno == EAGAIN)
			return {Moved::again};
		if (errno != EINVAL && errno != ENOSYS)
			throw Error::from_errno("splice of the image");
		use_splice = false; /* @in does not support it: copy */
	}
	std::array<std::byte, chunk> buf;
	ssize_t n = ::read(in, buf.data(), buf.size());
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return {Moved::again};
	if (n < 0)
		throw Error::from_errno("read of the image");
	if (n == 0)
		return {Moved::end_of_file};
	try {
		write_all(out, std::span(buf).first(static_cast<std::size_t>(n)));
	} catch (const Error &e) {
		if (e.err() == EPIPE)
			return {Moved::reader_gone};
		throw;
	}
	return {Moved::bytes, static_cast<std::size_t>(n)};
}

} // namespace

RelayResult relay_stream(std::span<const std::byte> prefix, int in, int out)
{
	RelayResult result;
	try {
		write_all(out, prefix);
	} catch (const Error &e) {
		if (e.err() != EPIPE)
			throw;
		result.reader_gone = true;
		return result;
	}
	result.bytes = prefix.size();

	bool use_splice = true;
	for (;;) {
		if (wait_input(in, out) == Ready::reader_gone) {
			result.reader_gone = true;
			return result;
		}
		Moved m = move_chunk(in, out, use_splice);
		switch (m.what) {
		case Moved::bytes:
			result.bytes += m.n;
			break;
		case Moved::end_of_file:
			return result;
		case Moved::reader_gone:
			result.reader_gone = true;
			return result;
		case Moved::again:
			break;
		}
	}
}

} // namespace cr
