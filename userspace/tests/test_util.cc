// SPDX-License-Identifier: GPL-2.0-or-later
#include "test_util.h"

#include "io.h"
#include "record_reader.h"

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace crtest {

Bytes build_image(const std::function<void(cr::RecordWriter &)> &build)
{
	cr::Fd fd = cr::make_memfd("crtest-image");
	cr::RecordWriter writer(fd.get());
	build(writer);
	if (::lseek(fd.get(), 0, SEEK_SET) != 0)
		throw cr::Error::from_errno("lseek");
	return cr::read_all(fd.get());
}

Bytes empty_image()
{
	return build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, CKPT_IMAGE_CONTAINER));
		w.write_tail();
	});
}

Bytes failed_image(std::string_view message)
{
	return build_image([message](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, CKPT_IMAGE_CONTAINER));
		w.write_error(-EOPNOTSUPP, message);
		w.write_tail();
	});
}

cr::Fd pipe_with(std::span<const std::byte> data)
{
	cr::Pipe p = cr::make_pipe();
	int size = ::fcntl(p.write.get(), F_GETPIPE_SZ);
	if (size < 0 || data.size() > static_cast<std::size_t>(size))
		throw cr::Error(EFBIG, "test data does not fit in a pipe");
	cr::write_all(p.write.get(), data);
	return std::move(p.read);
}

cr::Fd memfd_with(std::span<const std::byte> data)
{
	cr::Fd fd = cr::make_memfd("crtest-data");
	cr::write_all(fd.get(), data);
	if (::lseek(fd.get(), 0, SEEK_SET) != 0)
		throw cr::Error::from_errno("lseek");
	return fd;
}

PipeFeeder::PipeFeeder(Bytes data, std::size_t chunk)
{
	/* A reader that stops early must make write() fail, not kill the test. */
	std::signal(SIGPIPE, SIG_IGN);
	cr::Pipe p = cr::make_pipe();
	read_ = std::move(p.read);
	thread_ = std::thread([data = std::move(data), chunk, w = std::move(p.write)]() {
		std::span<const std::byte> rest(data);
		try {
			while (!rest.empty()) {
				std::size_t n = std::min(chunk, rest.size());
				cr::write_all(w.get(), rest.first(n));
				rest = rest.subspan(n);
			}
		} catch (const cr::Error &) {
			/* EPIPE: the reader stopped early, as it may. */
		}
	});
}

PipeFeeder::~PipeFeeder()
{
	/* Unblocks a writer the reader abandoned. */
	read_.reset();
	thread_.join();
}

std::optional<cr::Error> read_through(int fd)
{
	cr::RecordReader reader(fd);
	try {
		while (reader.next())
			;
	} catch (const cr::Error &e) {
		return e;
	}
	return std::nullopt;
}

std::optional<cr::Error> read_through(const Bytes &data)
{
	cr::Fd fd = pipe_with(data);
	return read_through(fd.get());
}

} // namespace crtest
