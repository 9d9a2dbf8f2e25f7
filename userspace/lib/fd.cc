// SPDX-License-Identifier: LGPL-2.1-or-later
#include "fd.h"

#include "error.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace cr {

Fd &Fd::operator=(Fd &&other) noexcept
{
	if (this != &other)
		reset(other.release());
	return *this;
}

void Fd::reset(int fd) noexcept
{
	if (fd_ >= 0)
		::close(fd_);
	fd_ = fd;
}

void Fd::close(const std::string &what)
{
	int fd = release();
	/* On Linux the descriptor is gone even when close() fails: no retry. */
	if (fd >= 0 && ::close(fd) < 0 && errno != EINTR)
		throw Error::from_errno("closing " + what);
}

Fd open_file(const std::string &path, int flags, mode_t mode)
{
	int fd;
	do
		fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		throw Error::from_errno(path);
	return Fd(fd);
}

Pipe make_pipe()
{
	int fds[2];
	if (::pipe2(fds, O_CLOEXEC) < 0)
		throw Error::from_errno("pipe");
	return Pipe{Fd(fds[0]), Fd(fds[1])};
}

Fd make_memfd(const char *name)
{
	int fd = ::memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		throw Error::from_errno("memfd_create");
	return Fd(fd);
}

void close_fds_except(std::span<const int> keep) noexcept
{
	/* Sorted, without allocating. */
	int fds[16];
	std::size_t n = 0;
	for (int fd : keep) {
		if (fd < 0 || n == std::size(fds))
			continue;
		std::size_t i = n++;
		for (; i > 0 && fds[i - 1] > fd; i--)
			fds[i] = fds[i - 1];
		fds[i] = fd;
	}
	unsigned int next = 0; /* the lowest descriptor that may still be closed */
	for (std::size_t i = 0; i < n; i++) {
		auto fd = static_cast<unsigned int>(fds[i]);
		if (fd > next)
			::close_range(next, fd - 1, 0);
		next = std::max(next, fd + 1);
	}
	::close_range(next, ~0U, 0);
}

} // namespace cr
