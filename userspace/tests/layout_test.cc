// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The image layout is ABI: the kernel and userspace compile against the
 * same header, and these checks catch a change to it that would make
 * old images unreadable.
 */
#include <cstddef>
#include <gtest/gtest.h>
#include <linux/checkpoint_hdr.h>

#define CHECK_FIELD(type, field, offset)                                                           \
	static_assert(offsetof(type, field) == (offset), #type "." #field " moved")

static_assert(sizeof(ckpt_hdr) == 8);
CHECK_FIELD(ckpt_hdr, type, 0);
CHECK_FIELD(ckpt_hdr, len, 4);

static_assert(sizeof(ckpt_rec_header) == 120);
CHECK_FIELD(ckpt_rec_header, h, 0);
CHECK_FIELD(ckpt_rec_header, magic, 8);
CHECK_FIELD(ckpt_rec_header, major, 16);
CHECK_FIELD(ckpt_rec_header, minor, 18);
CHECK_FIELD(ckpt_rec_header, arch, 20);
CHECK_FIELD(ckpt_rec_header, page_shift, 22);
CHECK_FIELD(ckpt_rec_header, flags, 24);
CHECK_FIELD(ckpt_rec_header, cpu_state_size, 28);
CHECK_FIELD(ckpt_rec_header, cpu_features, 32);
CHECK_FIELD(ckpt_rec_header, time_sec, 40);
CHECK_FIELD(ckpt_rec_header, time_nsec, 48);
CHECK_FIELD(ckpt_rec_header, root_pid, 52);
CHECK_FIELD(ckpt_rec_header, release, 56);
static_assert(sizeof(ckpt_rec_header::release) == CKPT_RELEASE_LEN);
static_assert(sizeof(ckpt_rec_header::magic) == CKPT_MAGIC_LEN);

static_assert(sizeof(ckpt_rec_error) == 16);
CHECK_FIELD(ckpt_rec_error, h, 0);
CHECK_FIELD(ckpt_rec_error, error, 8);
CHECK_FIELD(ckpt_rec_error, msg_len, 12);

static_assert(sizeof(ckpt_rec_tail) == 40);
CHECK_FIELD(ckpt_rec_tail, h, 0);
CHECK_FIELD(ckpt_rec_tail, magic, 8);
CHECK_FIELD(ckpt_rec_tail, records, 16);
CHECK_FIELD(ckpt_rec_tail, length, 24);
CHECK_FIELD(ckpt_rec_tail, csum_type, 32);
CHECK_FIELD(ckpt_rec_tail, csum, 36);
static_assert(sizeof(ckpt_rec_tail::magic) == CKPT_MAGIC_LEN);

/* Every fixed-size record is a whole number of aligned units. */
static_assert(CKPT_REC_ALIGN == 8);
static_assert(sizeof(ckpt_hdr) % CKPT_REC_ALIGN == 0);
static_assert(sizeof(ckpt_rec_header) % CKPT_REC_ALIGN == 0);
static_assert(sizeof(ckpt_rec_error) % CKPT_REC_ALIGN == 0);
static_assert(sizeof(ckpt_rec_tail) % CKPT_REC_ALIGN == 0);
static_assert(CKPT_REC_MAX_LEN % CKPT_REC_ALIGN == 0);

/* No alignment demand beyond 8 bytes, so records can follow each other. */
static_assert(alignof(ckpt_rec_header) <= CKPT_REC_ALIGN);
static_assert(alignof(ckpt_rec_tail) <= CKPT_REC_ALIGN);

TEST(Layout, RecordSizes)
{
	/* The static_asserts above are the test; this makes it show up in ctest. */
	EXPECT_EQ(sizeof(ckpt_rec_header), 120u);
	EXPECT_EQ(sizeof(ckpt_rec_error), 16u);
	EXPECT_EQ(sizeof(ckpt_rec_tail), 40u);
	EXPECT_EQ(sizeof(ckpt_hdr), 8u);
}

TEST(Layout, OptionalBitDoesNotClashWithKnownTypes)
{
	EXPECT_EQ(CKPT_REC_HEADER & CKPT_REC_OPTIONAL, 0u);
	EXPECT_EQ(CKPT_REC_TAIL & CKPT_REC_OPTIONAL, 0u);
	EXPECT_EQ(CKPT_REC_ERROR & CKPT_REC_OPTIONAL, 0u);
	EXPECT_NE(CKPT_REC_PADDING & CKPT_REC_OPTIONAL, 0u);
}
