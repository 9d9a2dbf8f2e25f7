// SPDX-License-Identifier: GPL-2.0-or-later
#include "error.h"
#include "fd.h"
#include "io.h"
#include "test_util.h"

#include <cerrno>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace {

bool is_open(int fd)
{
	return ::fcntl(fd, F_GETFD) >= 0;
}

} // namespace

TEST(Fd, ClosesOnDestruction)
{
	int raw;
	{
		cr::Fd fd = cr::make_memfd("fd-test");
		raw = fd.get();
		EXPECT_TRUE(is_open(raw));
	}
	EXPECT_FALSE(is_open(raw));
}

TEST(Fd, MoveTransfersOwnership)
{
	cr::Fd a = cr::make_memfd("fd-test");
	int raw = a.get();
	cr::Fd b(std::move(a));
	EXPECT_FALSE(a.valid());
	EXPECT_EQ(b.get(), raw);

	cr::Fd c;
	c = std::move(b);
	EXPECT_EQ(c.get(), raw);
	EXPECT_TRUE(is_open(raw));
	c.reset();
	EXPECT_FALSE(is_open(raw));
}

TEST(Fd, ReleaseGivesUpOwnership)
{
	int raw;
	{
		cr::Fd fd = cr::make_memfd("fd-test");
		raw = fd.release();
	}
	EXPECT_TRUE(is_open(raw));
	::close(raw);
}

TEST(Fd, OpenFileErrorNamesThePath)
{
	try {
		cr::open_file("/tmp/does/not/exist", O_RDONLY);
		FAIL() << "open_file did not throw";
	} catch (const cr::Error &e) {
		EXPECT_EQ(e.err(), ENOENT);
		EXPECT_NE(std::string(e.what()).find("/tmp/does/not/exist"), std::string::npos);
	}
}

TEST(Io, ReadFullStopsAtEndOfFile)
{
	cr::Fd fd = crtest::pipe_with(crtest::text_bytes("abc"));
	std::byte buf[8];
	EXPECT_EQ(cr::read_full(fd.get(), buf), 3u);
	EXPECT_EQ(cr::read_full(fd.get(), buf), 0u);
}

TEST(Io, ReadFullCollectsShortReads)
{
	crtest::Bytes data(1000, std::byte{0x5a});
	crtest::PipeFeeder feeder(data, 7);
	crtest::Bytes got(1000);
	EXPECT_EQ(cr::read_full(feeder.fd(), got), 1000u);
	EXPECT_EQ(got, data);
}
