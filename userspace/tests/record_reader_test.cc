// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RecordReader on broken images: every problem is reported with the
 * errno the kernel's restart() returns for it and the byte offset of
 * the offending record; nothing crashes.
 */
#include "image_format.h"
#include "record_reader.h"
#include "record_writer.h"
#include "test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using crtest::Bytes;
using testing::HasSubstr;

namespace {

/* Reads @image through a pipe and expects it to fail with @err at @offset. */
cr::Error expect_failure(const Bytes &image, int err, std::uint64_t offset)
{
	std::optional<cr::Error> e = crtest::read_through(image);
	if (!e) {
		ADD_FAILURE() << "the reader accepted the image";
		return cr::Error(0, "");
	}
	EXPECT_EQ(e->err(), err) << e->what();
	EXPECT_EQ(e->offset(), std::optional<std::uint64_t>(offset)) << e->what();
	EXPECT_THAT(e->what(), HasSubstr("at byte offset " + std::to_string(offset) + ":"));
	return *e;
}

/* The offset of the ckpt_hdr.len field of the record at @record. */
std::size_t len_field(std::size_t record)
{
	return record + offsetof(ckpt_hdr, len);
}

} // namespace

TEST(Reader, AcceptsValidImages)
{
	EXPECT_FALSE(crtest::read_through(crtest::empty_image()));
	EXPECT_FALSE(crtest::read_through(crtest::failed_image()));
	EXPECT_FALSE(crtest::read_through(crtest::failed_image("")));
}

TEST(Reader, TruncatedAtEveryOffset)
{
	for (const Bytes &image : {crtest::empty_image(), crtest::failed_image()}) {
		for (std::size_t n = 0; n < image.size(); n++) {
			Bytes cut(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(n));
			std::optional<cr::Error> e = crtest::read_through(cut);
			ASSERT_TRUE(e) << "accepted an image cut at " << n << " bytes";
			EXPECT_EQ(e->err(), EBADMSG) << "cut at " << n << ": " << e->what();
			EXPECT_THAT(e->what(), HasSubstr("truncated")) << "cut at " << n;
			EXPECT_TRUE(e->offset()) << "cut at " << n;
		}
	}
}

TEST(Reader, TruncatedReportsTheRecordOffset)
{
	Bytes image = crtest::failed_image();
	/* Cut in the middle of the ERROR record. */
	image.resize(crtest::error_offset + 20);
	cr::Error e = expect_failure(image, EBADMSG, crtest::error_offset);
	EXPECT_THAT(e.what(), HasSubstr("inside the ERROR record"));
	/* Cut right before the tail. */
	image = crtest::failed_image();
	image.resize(crtest::tail_offset(image));
	e = expect_failure(image, EBADMSG, image.size());
	EXPECT_THAT(e.what(), HasSubstr("end of file before the TAIL record"));
}

TEST(Reader, EmptyInput)
{
	cr::Error e = expect_failure({}, EBADMSG, 0);
	EXPECT_THAT(e.what(), HasSubstr("empty"));
}

TEST(Reader, PayloadBitFlipIsChecksumError)
{
	Bytes good = crtest::failed_image("a message long enough to flip bits in");
	std::size_t tail = crtest::tail_offset(good);
	/* Every bit of the message and of the header's release and time. */
	std::vector<std::size_t> offsets;
	for (std::size_t i = crtest::error_offset + sizeof(ckpt_rec_error); i < tail; i++)
		offsets.push_back(i);
	for (std::size_t i = offsetof(ckpt_rec_header, time_sec); i < sizeof(ckpt_rec_header); i++)
		offsets.push_back(i);
	for (std::size_t at : offsets) {
		for (unsigned bit = 0; bit < 8; bit++) {
			Bytes image = good;
			crtest::flip_bit(image, at, bit);
			std::optional<cr::Error> e = crtest::read_through(image);
			ASSERT_TRUE(e) << "accepted a flip of bit " << bit << " at " << at;
			EXPECT_EQ(e->err(), EBADMSG) << e->what();
			EXPECT_EQ(e->offset(), std::optional<std::uint64_t>(tail));
			EXPECT_THAT(e->what(), HasSubstr("checksum error"));
		}
	}
}

TEST(Reader, HeaderMagicBitFlip)
{
	for (std::size_t at = offsetof(ckpt_rec_header, magic);
	     at < offsetof(ckpt_rec_header, major); at++) {
		Bytes image = crtest::failed_image();
		crtest::flip_bit(image, at, 5);
		cr::Error e = expect_failure(image, EINVAL, 0);
		EXPECT_THAT(e.what(), HasSubstr("bad magic"));
	}
}

TEST(Reader, TailMagic)
{
	Bytes image = crtest::failed_image();
	std::size_t tail = crtest::tail_offset(image);
	crtest::flip_bit(image, tail + offsetof(ckpt_rec_tail, magic) + 3, 0);
	cr::Error e = expect_failure(image, EINVAL, tail);
	EXPECT_THAT(e.what(), HasSubstr("bad magic in the TAIL record"));
}

TEST(Reader, LengthNotMultipleOfEight)
{
	for (unsigned bit = 0; bit < 3; bit++) {
		Bytes image = crtest::failed_image();
		crtest::flip_bit(image, len_field(crtest::error_offset), bit);
		cr::Error e = expect_failure(image, EINVAL, crtest::error_offset);
		EXPECT_THAT(e.what(), HasSubstr("not a multiple of 8"));
	}
}

TEST(Reader, LengthTooLong)
{
	Bytes image = crtest::failed_image();
	/* Bit 24 of len: 16 MiB more than CKPT_REC_MAX_LEN allows. */
	crtest::flip_bit(image, len_field(crtest::error_offset) + 3, 0);
	cr::Error e = expect_failure(image, EINVAL, crtest::error_offset);
	EXPECT_THAT(e.what(), HasSubstr("longer than the maximum"));

	image = crtest::failed_image();
	crtest::store<std::uint32_t>(image, len_field(crtest::error_offset), CKPT_REC_MAX_LEN + 8);
	expect_failure(image, EINVAL, crtest::error_offset);
}

TEST(Reader, LengthShorterThanRecordHeader)
{
	Bytes image = crtest::failed_image();
	crtest::store<std::uint32_t>(image, len_field(crtest::error_offset), 0);
	cr::Error e = expect_failure(image, EINVAL, crtest::error_offset);
	EXPECT_THAT(e.what(), HasSubstr("shorter than the 8-byte record header"));
}

TEST(Reader, LengthShorterThanKnownStructure)
{
	/* A HEADER record of 112 bytes (bit 3 of 120 flipped). */
	Bytes image = crtest::failed_image();
	crtest::flip_bit(image, len_field(0), 3);
	cr::Error e = expect_failure(image, EINVAL, 0);
	EXPECT_THAT(e.what(), HasSubstr("a HEADER record is at least 120 bytes"));

	/* A TAIL record of 32 bytes. */
	image = crtest::failed_image();
	std::size_t tail = crtest::tail_offset(image);
	crtest::store<std::uint32_t>(image, len_field(tail), 32);
	expect_failure(image, EINVAL, tail);

	/* An ERROR record of 8 bytes, written validly otherwise. */
	image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, 0));
		w.write(CKPT_REC_ERROR, {});
		w.write_tail();
	});
	expect_failure(image, EINVAL, crtest::error_offset);
}

TEST(Reader, TailWhereHeaderExpected)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) { w.write_tail(); });
	cr::Error e = expect_failure(image, EINVAL, 0);
	EXPECT_THAT(e.what(), HasSubstr("expected a HEADER record"));
	EXPECT_THAT(e.what(), HasSubstr("TAIL"));
}

TEST(Reader, ErrorWhereHeaderExpected)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_error(-EIO, "x");
		w.write_tail();
	});
	expect_failure(image, EINVAL, 0);
}

TEST(Reader, NotAnImageAtAll)
{
	Bytes text(256, std::byte{'A'});
	cr::Error e = expect_failure(text, EINVAL, 0);
	EXPECT_THAT(e.what(), HasSubstr("not a multiple of 8"));
}

TEST(Reader, HeaderTwice)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, 0));
		w.write_header(cr::make_header(1, 0));
		w.write_tail();
	});
	cr::Error e = expect_failure(image, EINVAL, sizeof(ckpt_rec_header));
	EXPECT_THAT(e.what(), HasSubstr("second HEADER"));
}

TEST(Reader, UnsupportedMajorVersion)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		ckpt_rec_header h = cr::make_header(1, 0);
		h.major = CKPT_VERSION_MAJOR + 1;
		w.write_header(h);
		w.write_tail();
	});
	cr::Error e = expect_failure(image, EINVAL, 0);
	EXPECT_THAT(e.what(), HasSubstr("unsupported image format version"));
}

TEST(Reader, NewerMinorVersionAndLongerHeaderAccepted)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		ckpt_rec_header h = cr::make_header(1, 0);
		h.minor = CKPT_VERSION_MINOR + 1;
		/* A header with 8 bytes of fields added by that minor version. */
		h.h.type = CKPT_REC_HEADER;
		h.h.len = sizeof(h) + 8;
		Bytes payload(sizeof(h) - sizeof(ckpt_hdr) + 8);
		std::memcpy(payload.data(),
			    reinterpret_cast<const std::byte *>(&h) + sizeof(ckpt_hdr),
			    sizeof(h) - sizeof(ckpt_hdr));
		w.write(CKPT_REC_HEADER, payload);
		w.write_tail();
	});
	EXPECT_FALSE(crtest::read_through(image));
}

TEST(Reader, UnknownMandatoryType)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, 0));
		w.write(0x01f0, crtest::text_bytes("task"));
		w.write_tail();
	});
	cr::Error e = expect_failure(image, EINVAL, sizeof(ckpt_rec_header));
	EXPECT_THAT(e.what(), HasSubstr("unknown record type 0x000001f0"));
}

TEST(Reader, UnknownOptionalTypeSkipped)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, 0));
		w.write(CKPT_REC_OPTIONAL | 0x01f0, crtest::text_bytes("task"));
		w.write(CKPT_REC_OPTIONAL | 0x7fff, {});
		w.write_tail();
	});
	cr::Fd fd = crtest::pipe_with(image);
	cr::RecordReader reader(fd.get());
	int skipped = 0;
	while (std::optional<cr::Record> rec = reader.next())
		skipped += rec->skipped;
	EXPECT_EQ(skipped, 2);
	EXPECT_TRUE(reader.done());
}

TEST(Reader, ErrorRecordMessageLongerThanRecord)
{
	/* msg_len 100 in a 24-byte ERROR record. */
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, 0));
		ckpt_rec_error e{};
		e.error = -EIO;
		e.msg_len = 100;
		Bytes payload(sizeof(e) - sizeof(ckpt_hdr) + 8, std::byte{'m'});
		std::memcpy(payload.data(),
			    reinterpret_cast<const std::byte *>(&e) + sizeof(ckpt_hdr),
			    sizeof(e) - sizeof(ckpt_hdr));
		w.write(CKPT_REC_ERROR, payload);
		w.write_tail();
	});
	cr::Error e = expect_failure(image, EINVAL, crtest::error_offset);
	EXPECT_THAT(e.what(), HasSubstr("message length 100 does not fit"));
}

TEST(Reader, ErrorRecordMessageFillsRecordExactly)
{
	Bytes image = crtest::failed_image("12345678");
	EXPECT_FALSE(crtest::read_through(image));
	/* msg_len may cover the padding too: 8 + 0 bytes of padding here, so 9 is too much. */
	crtest::store<std::uint32_t>(image,
				     crtest::error_offset + offsetof(ckpt_rec_error, msg_len), 9);
	expect_failure(image, EINVAL, crtest::error_offset);
}

TEST(Reader, TailRecordCountMismatch)
{
	Bytes image = crtest::failed_image();
	std::size_t tail = crtest::tail_offset(image);
	crtest::store<std::uint64_t>(image, tail + offsetof(ckpt_rec_tail, records), 3);
	cr::Error e = expect_failure(image, EBADMSG, tail);
	EXPECT_THAT(e.what(), HasSubstr("counts 3 records before it, but 2 were read"));
}

TEST(Reader, TailLengthMismatch)
{
	Bytes image = crtest::failed_image();
	std::size_t tail = crtest::tail_offset(image);
	crtest::store<std::uint64_t>(image, tail + offsetof(ckpt_rec_tail, length), tail - 8);
	cr::Error e = expect_failure(image, EBADMSG, tail);
	EXPECT_THAT(e.what(), HasSubstr("bytes before it"));
}

TEST(Reader, TailChecksumMismatch)
{
	Bytes image = crtest::failed_image();
	std::size_t tail = crtest::tail_offset(image);
	crtest::flip_bit(image, tail + offsetof(ckpt_rec_tail, csum), 0);
	cr::Error e = expect_failure(image, EBADMSG, tail);
	EXPECT_THAT(e.what(), HasSubstr("checksum error"));
}

TEST(Reader, TailUnknownChecksumType)
{
	Bytes image = crtest::failed_image();
	std::size_t tail = crtest::tail_offset(image);
	crtest::store<std::uint32_t>(image, tail + offsetof(ckpt_rec_tail, csum_type), 2);
	cr::Error e = expect_failure(image, EINVAL, tail);
	EXPECT_THAT(e.what(), HasSubstr("unknown checksum type 2"));
}

TEST(Reader, StopsAfterTail)
{
	Bytes image = crtest::empty_image();
	Bytes garbage(16, std::byte{0xff});
	image.insert(image.end(), garbage.begin(), garbage.end());
	cr::Fd fd = crtest::pipe_with(image);
	cr::RecordReader reader(fd.get());
	while (reader.next())
		;
	EXPECT_TRUE(reader.done());
	/* The garbage is still in the pipe: nothing after the tail was read. */
	std::byte buf[32];
	EXPECT_EQ(::read(fd.get(), buf, sizeof(buf)), 16);
}

TEST(Reader, RandomCorruptionNeverCrashes)
{
	/* Deterministic pseudo-random flips anywhere, several at a time. */
	Bytes good = crtest::failed_image();
	std::uint32_t state = 12345;
	auto next = [&state]() { return state = state * 1103515245u + 12345u; };
	for (int round = 0; round < 2000; round++) {
		Bytes image = good;
		int flips = 1 + static_cast<int>(next() % 4);
		for (int i = 0; i < flips; i++)
			crtest::flip_bit(image, (next() >> 8) % image.size(), (next() >> 4) % 8);
		if (image == good)
			continue;
		std::optional<cr::Error> e = crtest::read_through(image);
		ASSERT_TRUE(e) << "accepted a corrupted image in round " << round;
		EXPECT_TRUE(e->err() == EINVAL || e->err() == EBADMSG) << e->what();
		EXPECT_TRUE(e->offset());
	}
}
