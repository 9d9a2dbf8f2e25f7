// SPDX-License-Identifier: LGPL-2.1-or-later
#include "io.h"

#include "error.h"

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace cr {

namespace {

/* Waits until @fd is ready for @events; used after EAGAIN. */
void wait_ready(int fd, short events)
{
	struct pollfd pfd = {.fd = fd, .events = events, .revents = 0};
	while (::poll(&pfd, 1, -1) < 0)
		if (errno != EINTR)
			throw Error::from_errno("poll");
}

} // namespace

std::size_t read_full(int fd, std::span<std::byte> buf)
{
	std::size_t done = 0;
	while (done < buf.size()) {
		ssize_t n = ::read(fd, buf.data() + done, buf.size() - done);
		if (n > 0) {
			done += static_cast<std::size_t>(n);
		} else if (n == 0) {
			break; /* end of file */
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN) {
			wait_ready(fd, POLLIN);
		} else {
			throw Error::from_errno("read");
		}
	}
	return done;
}

std::size_t pread_full(int fd, std::span<std::byte> buf, std::uint64_t offset)
{
	std::size_t done = 0;
	while (done < buf.size()) {
		ssize_t n = ::pread(fd, buf.data() + done, buf.size() - done,
				    static_cast<off_t>(offset + done));
		if (n > 0)
			done += static_cast<std::size_t>(n);
		else if (n == 0)
			break; /* end of file */
		else if (errno != EINTR)
			throw Error::from_errno("pread");
	}
	return done;
}

void write_all(int fd, std::span<const std::byte> buf)
{
	std::size_t done = 0;
	while (done < buf.size()) {
		ssize_t n = ::write(fd, buf.data() + done, buf.size() - done);
		if (n >= 0)
			done += static_cast<std::size_t>(n);
		else if (errno == EINTR)
			continue;
		else if (errno == EAGAIN)
			wait_ready(fd, POLLOUT);
		else
			throw Error::from_errno("write");
	}
}

std::vector<std::byte> read_all(int fd)
{
	std::vector<std::byte> data;
	std::size_t chunk = 64 * 1024;
	for (;;) {
		std::size_t old = data.size();
		data.resize(old + chunk);
		std::size_t n = read_full(fd, std::span(data).subspan(old));
		data.resize(old + n);
		if (n < chunk)
			return data;
	}
}

} // namespace cr
