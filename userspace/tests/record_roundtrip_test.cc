// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Records written by RecordWriter read back by RecordReader, through a
 * pipe and through a memfd.
 */
#include "bytes.h"
#include "image_format.h"
#include "record_reader.h"
#include "record_writer.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <unistd.h>

using crtest::Bytes;

namespace {

constexpr std::uint32_t optional_type = CKPT_REC_OPTIONAL | 0x01f0;

/* HEADER, a 5-byte optional record, ERROR, PADDING, TAIL. */
void write_sample(cr::RecordWriter &w)
{
	w.write_header(cr::make_header(42, 0));
	w.write(optional_type, crtest::text_bytes("hello"));
	w.write_error(-EOPNOTSUPP, "not yet");
	w.write(CKPT_REC_PADDING, {});
	w.write_tail();
}

void check_sample(int fd)
{
	cr::RecordReader reader(fd);

	std::optional<cr::Record> rec = reader.next();
	ASSERT_TRUE(rec);
	EXPECT_EQ(rec->type, CKPT_REC_HEADER);
	EXPECT_EQ(rec->offset, 0u);
	EXPECT_EQ(rec->len, sizeof(ckpt_rec_header));
	EXPECT_EQ(reader.header().root_pid, 42u);
	EXPECT_EQ(reader.header().major, CKPT_VERSION_MAJOR);
	EXPECT_EQ(cr::field_view(reader.header().magic), cr::header_magic);

	rec = reader.next();
	ASSERT_TRUE(rec);
	EXPECT_EQ(rec->type, optional_type);
	EXPECT_EQ(rec->offset, 120u);
	EXPECT_EQ(rec->len, 16u); /* 8 + 5, padded */
	EXPECT_TRUE(rec->skipped);
	Bytes expect_payload(8);
	std::memcpy(expect_payload.data(), "hello", 5);
	EXPECT_EQ(Bytes(rec->payload().begin(), rec->payload().end()), expect_payload);

	rec = reader.next();
	ASSERT_TRUE(rec);
	EXPECT_EQ(rec->type, CKPT_REC_ERROR);
	EXPECT_EQ(rec->offset, 136u);
	EXPECT_EQ(rec->len, 24u); /* 16 + 7, padded */
	cr::ErrorRecord e = cr::parse_error_record(*rec);
	EXPECT_EQ(e.error, -EOPNOTSUPP);
	EXPECT_EQ(e.message, "not yet");

	rec = reader.next();
	ASSERT_TRUE(rec);
	EXPECT_EQ(rec->type, CKPT_REC_PADDING);
	EXPECT_EQ(rec->len, 8u);
	EXPECT_FALSE(rec->skipped);

	EXPECT_FALSE(reader.done());
	std::uint32_t crc_before_tail = reader.crc();
	rec = reader.next();
	ASSERT_TRUE(rec);
	EXPECT_EQ(rec->type, CKPT_REC_TAIL);
	EXPECT_EQ(rec->offset, 168u);
	ckpt_rec_tail tail = cr::load<ckpt_rec_tail>(rec->bytes);
	EXPECT_EQ(tail.records, 4u);
	EXPECT_EQ(tail.length, 168u);
	EXPECT_EQ(tail.csum_type, static_cast<std::uint32_t>(CKPT_CSUM_CRC32));
	EXPECT_EQ(tail.csum, crc_before_tail);
	EXPECT_TRUE(reader.done());
	EXPECT_EQ(reader.records(), 4u);
	EXPECT_EQ(reader.offset(), 208u);

	EXPECT_FALSE(reader.next());
}

} // namespace

TEST(Roundtrip, ThroughPipe)
{
	cr::Pipe p = cr::make_pipe();
	cr::RecordWriter w(p.write.get());
	write_sample(w);
	EXPECT_EQ(w.offset(), 208u);
	EXPECT_EQ(w.records(), 4u);
	p.write.reset();
	check_sample(p.read.get());
}

TEST(Roundtrip, ThroughMemfd)
{
	cr::Fd fd = cr::make_memfd("roundtrip");
	cr::RecordWriter w(fd.get());
	write_sample(w);
	ASSERT_EQ(::lseek(fd.get(), 0, SEEK_SET), 0);
	check_sample(fd.get());
}

TEST(Roundtrip, TailChecksumIsCrcOfEverythingBefore)
{
	Bytes image = crtest::failed_image();
	std::size_t tail_at = crtest::tail_offset(image);
	auto tail = crtest::fetch<ckpt_rec_tail>(image, tail_at);
	EXPECT_EQ(tail.csum, cr::crc32_of(std::span(image).first(tail_at)));
	EXPECT_EQ(tail.length, tail_at);
	EXPECT_EQ(tail.records, 2u);
}

TEST(Roundtrip, PaddingIsZero)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, 0));
		w.write_error(-EIO, "x");
		w.write_tail();
	});
	/* ERROR: 16 bytes + "x" + 7 zero bytes. */
	std::size_t msg = crtest::error_offset + sizeof(ckpt_rec_error);
	EXPECT_EQ(image[msg], std::byte{'x'});
	for (std::size_t i = 1; i < 8; i++)
		EXPECT_EQ(image[msg + i], std::byte{0}) << "padding byte " << i;
}

TEST(Roundtrip, LargeRecordThroughPipeInSmallWrites)
{
	/* Bigger than a pipe, written 4093 bytes at a time: the reader sees short reads. */
	Bytes big(1 << 20);
	for (std::size_t i = 0; i < big.size(); i++)
		big[i] = static_cast<std::byte>(i * 7);
	Bytes image = crtest::build_image([&big](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, 0));
		w.write(optional_type, big);
		w.write_tail();
	});

	crtest::PipeFeeder feeder(image, 4093);
	cr::RecordReader reader(feeder.fd());
	ASSERT_TRUE(reader.next());
	std::optional<cr::Record> rec = reader.next();
	ASSERT_TRUE(rec);
	EXPECT_TRUE(std::equal(big.begin(), big.end(), rec->payload().begin()));
	rec = reader.next();
	ASSERT_TRUE(rec);
	EXPECT_EQ(rec->type, CKPT_REC_TAIL);
	EXPECT_TRUE(reader.done());
}

TEST(Roundtrip, ByteByByte)
{
	Bytes image = crtest::failed_image();
	crtest::PipeFeeder feeder(image, 1);
	EXPECT_FALSE(crtest::read_through(feeder.fd()));
}

TEST(Writer, RefusesRecordLongerThanMax)
{
	cr::Fd fd = cr::make_memfd("writer");
	cr::RecordWriter w(fd.get());
	Bytes too_big(CKPT_REC_MAX_LEN - sizeof(ckpt_hdr) + 1);
	EXPECT_THROW(w.write(optional_type, too_big), cr::Error);
	EXPECT_EQ(w.offset(), 0u);
	Bytes just_fits(CKPT_REC_MAX_LEN - sizeof(ckpt_hdr));
	EXPECT_NO_THROW(w.write(optional_type, just_fits));
	EXPECT_EQ(w.offset(), CKPT_REC_MAX_LEN);
}

TEST(Writer, MakeHeaderDescribesThisMachine)
{
	ckpt_rec_header h = cr::make_header(7, CKPT_IMAGE_CONTAINER);
	EXPECT_EQ(cr::field_view(h.magic), cr::header_magic);
	EXPECT_EQ(h.major, CKPT_VERSION_MAJOR);
	EXPECT_EQ(h.minor, CKPT_VERSION_MINOR);
	EXPECT_EQ(h.root_pid, 7u);
	EXPECT_EQ(h.flags, CKPT_IMAGE_CONTAINER);
	EXPECT_EQ(std::uint64_t{1} << h.page_shift, static_cast<std::uint64_t>(::getpagesize()));
	EXPECT_GT(h.time_sec, 0);
	EXPECT_FALSE(cr::c_string_view(h.release).empty());
#if defined(__x86_64__)
	EXPECT_EQ(h.arch, CKPT_ARCH_X86_64);
#endif
}
