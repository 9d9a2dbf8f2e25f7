// SPDX-License-Identifier: GPL-2.0-or-later
#include "crc32.h"
#include "test_util.h"

#include <gtest/gtest.h>

TEST(Crc32, CheckValue)
{
	/* The standard CRC-32 check value. */
	EXPECT_EQ(cr::crc32_of(crtest::text_bytes("123456789")), 0xcbf43926u);
	EXPECT_EQ(cr::crc32_of({}), 0u);
}

TEST(Crc32, RunningEqualsWhole)
{
	cr::Crc32 crc;
	crc.update(crtest::text_bytes("1234"));
	crc.update(crtest::text_bytes(""));
	crc.update(crtest::text_bytes("56789"));
	EXPECT_EQ(crc.value(), 0xcbf43926u);
}
