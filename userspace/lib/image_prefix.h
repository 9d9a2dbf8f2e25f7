/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The start of an image, which restart reads before it creates the task
 * the kernel restores into: the HEADER and the TREE record.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/checkpoint_hdr.h>
#include <vector>

#include "process_records.h"

namespace cr {

struct ImagePrefix {
	ckpt_rec_header header{};
	TreeRecord tree;
	std::uint64_t tree_offset = 0;
	std::vector<std::byte> bytes; /* the image from its start to the end of the TREE record */
	/*
	 * The bytes were consumed from the descriptor (a pipe or socket):
	 * whoever reads the image next must be fed them first (relay.h).
	 */
	bool consumed = false;
};

/*
 * Reads the HEADER and the TREE record from the current offset of @fd.
 * A regular file or block device is read with pread(): its offset stays
 * where it was, for the kernel to read the whole image from there.
 * Anything else is read, and the bytes are gone from it.  Nothing after
 * the TREE record is read.
 *
 * Throws cr::Error with the byte offset: the reader's errors (malformed,
 * truncated), an image of a failed checkpoint (an ERROR record before
 * the TREE record), an image without a TREE record after its HEADER
 * (optional records in between are skipped), a tree without tasks or
 * with an invalid pid (all EINVAL).
 */
ImagePrefix read_image_prefix(int fd);

} // namespace cr
