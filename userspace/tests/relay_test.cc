// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * relay_stream(): what reaches the restart through the new pipe is the
 * image, byte for byte, when its prefix was read from a pipe or socket;
 * and the relay stops when nobody reads any more.
 */
#include "image_prefix.h"
#include "io.h"
#include "relay.h"
#include "test_util.h"

#include <csignal>
#include <future>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

using crtest::Bytes;

namespace {

/* Relays @in (after its prefix) into a pipe and returns what came out of it. */
Bytes relayed(int in, const cr::ImagePrefix &prefix, cr::RelayResult &result)
{
	cr::Pipe out = cr::make_pipe();
	std::future<Bytes> got = std::async(
		std::launch::async, [fd = std::move(out.read)] { return cr::read_all(fd.get()); });
	result = cr::relay_stream(prefix.bytes, in, out.write.get());
	out.write.reset();
	return got.get();
}

class Relay : public testing::Test {
protected:
	void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }
};

} // namespace

TEST_F(Relay, PipeInputComesOutByteIdentical)
{
	/* Bigger than a pipe, written in odd chunks. */
	Bytes image = crtest::process_image();
	ASSERT_GT(image.size(), 100000u);
	crtest::PipeFeeder feeder(image, 4093);
	cr::ImagePrefix prefix = cr::read_image_prefix(feeder.fd());
	ASSERT_TRUE(prefix.consumed);

	cr::RelayResult result;
	Bytes out = relayed(feeder.fd(), prefix, result);
	EXPECT_EQ(out, image);
	EXPECT_EQ(result.bytes, image.size());
	EXPECT_FALSE(result.reader_gone);
	/* And the relayed stream reads as a valid image. */
	cr::Fd fd = crtest::memfd_with(out);
	EXPECT_FALSE(crtest::read_through(fd.get()));
}

TEST_F(Relay, SocketInputComesOutByteIdentical)
{
	Bytes image = crtest::process_image();
	int sv[2];
	ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	cr::Fd in(sv[0]);
	std::thread writer([w = cr::Fd(sv[1]), &image] { cr::write_all(w.get(), image); });
	cr::ImagePrefix prefix = cr::read_image_prefix(in.get());
	ASSERT_TRUE(prefix.consumed);
	cr::RelayResult result;
	Bytes out = relayed(in.get(), prefix, result);
	writer.join();
	EXPECT_EQ(out, image);
}

TEST_F(Relay, TrailingBytesAreRelayedToo)
{
	Bytes image = crtest::process_image();
	image.resize(image.size() + 24, std::byte{0xee});
	crtest::PipeFeeder feeder(image, 65536);
	cr::ImagePrefix prefix = cr::read_image_prefix(feeder.fd());
	cr::RelayResult result;
	EXPECT_EQ(relayed(feeder.fd(), prefix, result), image);
}

TEST_F(Relay, StopsWhenTheReaderIsGoneBeforeThePrefix)
{
	cr::Pipe out = cr::make_pipe();
	out.read.reset();
	cr::Pipe in = cr::make_pipe();
	cr::RelayResult result =
		cr::relay_stream(crtest::text_bytes("prefix"), in.read.get(), out.write.get());
	EXPECT_TRUE(result.reader_gone);
	EXPECT_EQ(result.bytes, 0u);
}

TEST_F(Relay, StopsWhenTheReaderGoesAwayWhileInputIsIdle)
{
	/* The input never ends: only the reader going away can stop the relay. */
	cr::Pipe in = cr::make_pipe();
	cr::Pipe out = cr::make_pipe();
	cr::write_all(in.write.get(), crtest::text_bytes("rest"));
	std::thread reader([r = std::move(out.read)]() mutable {
		std::byte buf[10];
		EXPECT_EQ(cr::read_full(r.get(), std::span(buf)), 10u); /* "prefix" + "rest" */
		r.reset();
	});
	cr::RelayResult result =
		cr::relay_stream(crtest::text_bytes("prefix"), in.read.get(), out.write.get());
	reader.join();
	EXPECT_TRUE(result.reader_gone);
	EXPECT_EQ(result.bytes, 10u);
}
