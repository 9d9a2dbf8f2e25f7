/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cr::Fd: owns one file descriptor and closes it on destruction.
 */
#pragma once

#include <span>
#include <string>
#include <sys/types.h>
#include <utility>

namespace cr {

class Fd {
public:
	Fd() noexcept = default;
	explicit Fd(int fd) noexcept : fd_(fd) {}
	Fd(Fd &&other) noexcept : fd_(other.release()) {}
	Fd &operator=(Fd &&other) noexcept;
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd() { reset(); }

	int get() const noexcept { return fd_; }
	bool valid() const noexcept { return fd_ >= 0; }
	explicit operator bool() const noexcept { return valid(); }

	/* Gives up ownership and returns the descriptor. */
	int release() noexcept { return std::exchange(fd_, -1); }
	/* Closes the owned descriptor (errors ignored) and takes @fd. */
	void reset(int fd = -1) noexcept;
	/*
	 * Closes the descriptor and reports a close() failure, which can be
	 * the first sign of a failed write on some file systems.  @what names
	 * the file in the error.
	 */
	void close(const std::string &what);

private:
	int fd_ = -1;
};

/* open(2) with O_CLOEXEC added; throws cr::Error naming @path on failure. */
Fd open_file(const std::string &path, int flags, mode_t mode = 0);

/* A pipe, both ends O_CLOEXEC. */
struct Pipe {
	Fd read;
	Fd write;
};
Pipe make_pipe();

/* An anonymous memory file (memfd_create), for in-memory images. */
Fd make_memfd(const char *name);

/*
 * Closes every descriptor of the process except those in @keep (at most
 * 16; negative ones are ignored).  Async-signal-safe: for a child that
 * is about to be taken over by restart() and must not hold on to its
 * parent's pipes meanwhile.
 */
void close_fds_except(std::span<const int> keep) noexcept;

} // namespace cr
