// SPDX-License-Identifier: GPL-2.0-or-later
#include "image_verify.h"
#include "machine.h"
#include "record_writer.h"
#include "test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using crtest::Bytes;
using testing::HasSubstr;

TEST(ImageVerify, ValidImage)
{
	Bytes image = crtest::empty_image();
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	EXPECT_TRUE(sum.valid());
	EXPECT_TRUE(sum.complete());
	EXPECT_FALSE(sum.problem);
	ASSERT_TRUE(sum.header);
	EXPECT_EQ(sum.header->root_pid, 1u);
	ASSERT_EQ(sum.records.size(), 2u);
	EXPECT_EQ(sum.records[0].type, CKPT_REC_HEADER);
	EXPECT_EQ(sum.records[1].type, CKPT_REC_TAIL);
	EXPECT_EQ(sum.records[1].offset, sizeof(ckpt_rec_header));
	ASSERT_TRUE(sum.tail);
	EXPECT_EQ(sum.tail->records, 1u);
	EXPECT_EQ(sum.length, image.size());
	EXPECT_EQ(sum.trailing_bytes, 0u);
}

TEST(ImageVerify, FailedCheckpointIsCompleteButNotValid)
{
	cr::Fd fd = crtest::pipe_with(crtest::failed_image("checkpoint of pid 1 failed"));
	cr::ImageSummary sum = cr::verify_image(fd.get());
	EXPECT_TRUE(sum.complete());
	EXPECT_FALSE(sum.valid());
	ASSERT_EQ(sum.errors.size(), 1u);
	EXPECT_EQ(sum.errors[0].offset, crtest::error_offset);
	EXPECT_EQ(sum.errors[0].error, -EOPNOTSUPP);
	EXPECT_EQ(sum.errors[0].message, "checkpoint of pid 1 failed");
	EXPECT_EQ(sum.records.size(), 3u);
}

TEST(ImageVerify, MalformedImageKeepsWhatWasRead)
{
	Bytes image = crtest::failed_image();
	image.resize(image.size() - 1);
	cr::Fd fd = crtest::pipe_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	EXPECT_FALSE(sum.complete());
	EXPECT_FALSE(sum.valid());
	ASSERT_TRUE(sum.problem);
	EXPECT_EQ(sum.problem->err(), EBADMSG);
	EXPECT_TRUE(sum.header);
	EXPECT_EQ(sum.records.size(), 2u);
	EXPECT_EQ(sum.errors.size(), 1u);
	EXPECT_FALSE(sum.tail);
}

TEST(ImageVerify, CountsTrailingBytes)
{
	Bytes image = crtest::empty_image();
	image.resize(image.size() + 24);
	cr::Fd fd = crtest::pipe_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	EXPECT_TRUE(sum.valid());
	EXPECT_EQ(sum.trailing_bytes, 24u);
}

TEST(Machine, OwnImageIsRestorableHere)
{
	cr::MachineInfo m = cr::this_machine();
	ckpt_rec_header h = cr::make_header(1, 0);
	EXPECT_THAT(cr::restore_problems(h, m), testing::IsEmpty());
}

TEST(Machine, ForeignImageIsNot)
{
	cr::MachineInfo m;
	m.arch = CKPT_ARCH_X86_64;
	m.page_shift = 12;
	m.cpu_features = 0x7;

	ckpt_rec_header h{};
	h.arch = CKPT_ARCH_X86_64;
	h.page_shift = 12;
	h.cpu_features = 0x3;
	EXPECT_THAT(cr::restore_problems(h, m), testing::IsEmpty());

	h.cpu_features = 0x2e7;
	std::vector<std::string> p = cr::restore_problems(h, m);
	ASSERT_EQ(p.size(), 1u);
	EXPECT_THAT(p[0], HasSubstr("0x2e0"));

	h.arch = CKPT_ARCH_ARM64;
	h.page_shift = 16;
	p = cr::restore_problems(h, m);
	ASSERT_EQ(p.size(), 2u);
	EXPECT_THAT(p[0], HasSubstr("arm64"));
	EXPECT_THAT(p[1], HasSubstr("65536-byte pages"));
}
