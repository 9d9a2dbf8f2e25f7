/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The start of an image, which restart reads before it creates the task
 * the kernel restores into: the HEADER, the container section (the
 * NAMESPACE records, format 1.11) and the TREE record.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/checkpoint_hdr.h>
#include <span>
#include <vector>

#include "process_records.h"

namespace cr {

/*
 * A NAMESPACE record of the container section: a namespace of the tree
 * that is not the checkpointer's, which the tree's entries name by its
 * objref.
 */
struct ImageNamespace {
	std::uint64_t offset = 0; /* of its record */
	std::uint32_t objref = 0;
	std::uint32_t kind = 0; /* CKPT_NS_UTS or CKPT_NS_IPC */
	std::int32_t pid = 0;	/* the first task living in it, in tree order */

	bool operator==(const ImageNamespace &) const = default;
};

struct ImagePrefix {
	ckpt_rec_header header{};
	std::vector<ImageNamespace> namespaces; /* in image order */
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
 * Reads the HEADER, the NAMESPACE records and the TREE record from the
 * current offset of @fd.  A regular file or block device is read with
 * pread(): its offset stays where it was, for the kernel to read the
 * whole image from there.  Anything else is read, and the bytes are gone
 * from it.  Nothing after the TREE record is read.
 *
 * Throws cr::Error with the byte offset: the reader's errors (malformed,
 * truncated), an image of a failed checkpoint (an ERROR record before
 * the TREE record), an image without a TREE record after its HEADER
 * (NAMESPACE records and optional records in between are fine; any other
 * record is not), a tree without tasks or with an invalid pid, and the
 * namespace errors of check_namespace_record() and
 * check_tree_namespaces() (all EINVAL).
 */
ImagePrefix read_image_prefix(int fd);

/*
 * Decodes the NAMESPACE record @rec (read by RecordReader) and checks it
 * as restart() does, after the NAMESPACE records @before: its objref is
 * not 0 and not one of theirs, its kind is known, its pad 0 and its pid
 * above 0.  Throws cr::Error(EINVAL) with the record's offset.
 */
ImageNamespace check_namespace_record(const Record &rec, std::span<const ImageNamespace> before);

/*
 * Checks the namespaces of the tree's entries (the TREE record at
 * @tree_offset) against the NAMESPACE records @namespaces: every task's
 * nonzero uts_ns and ipc_ns names a NAMESPACE record of that kind (else
 * the error is at @tree_offset), and every NAMESPACE record's pid is a
 * task of the tree whose entry names that record (else the error is at
 * the record's offset).  Throws cr::Error(EINVAL).
 */
void check_tree_namespaces(const TreeRecord &tree, std::uint64_t tree_offset,
			   std::span<const ImageNamespace> namespaces);

} // namespace cr
