/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Walks a whole image and summarises it: the header, every record, the
 * ERROR records, the processes (image_contents.h) and the tail.  A
 * malformed image does not throw: the summary holds what was read up to
 * the problem, and the problem.  Besides what RecordReader checks, the
 * container section is checked as restart reads it (image_prefix.h):
 * NAMESPACE records only between the HEADER and the TREE record, each
 * valid, the tree's entries naming them; UTS_NS, IPC_NS and SYSV_SHM
 * records only after the TREE record; SYSV_SEM records only in the
 * records of a task, after an IPC_NS record of that task and no more
 * than it counts; SEM_UNDO records only in the records of a task that
 * is not a thread.
 */
#pragma once

#include <cstdint>
#include <linux/checkpoint_hdr.h>
#include <optional>
#include <string>
#include <vector>

#include "error.h"
#include "image_contents.h"

namespace cr {

struct RecordInfo {
	std::uint64_t offset = 0;
	std::uint32_t type = 0;
	std::uint32_t len = 0;
	bool skipped = false; /* unknown optional type */
};

struct ErrorInfo {
	std::uint64_t offset = 0; /* of the ERROR record */
	std::int32_t error = 0;	  /* negative errno, as stored */
	std::string message;
};

struct ImageSummary {
	std::optional<ckpt_rec_header> header; /* once a valid HEADER was read */
	std::vector<RecordInfo> records;       /* every valid record, HEADER and TAIL included */
	std::vector<ErrorInfo> errors;	       /* the ERROR records */
	std::optional<ckpt_rec_tail> tail;     /* once a valid TAIL was read */
	std::uint64_t length = 0;	       /* bytes read in valid records */
	std::optional<Error> problem;	       /* why reading stopped before a valid TAIL */
	std::uint64_t trailing_bytes = 0;      /* bytes after the TAIL (restart ignores them) */
	ImageContents contents;		       /* what the valid records say about the processes */

	/* A valid TAIL was read: nothing is missing or corrupted. */
	bool complete() const noexcept { return tail.has_value() && !problem; }
	/* Complete, and the checkpoint that wrote it did not fail. */
	bool valid() const noexcept { return complete() && errors.empty(); }
};

/*
 * Reads the image from @fd to its end.  I/O errors are reported like
 * format problems, in ImageSummary::problem.  With @count_trailing, the
 * bytes after the tail are read and counted (this waits for end of file,
 * which a pipe reaches only when its writer closes it).
 */
ImageSummary verify_image(int fd, bool count_trailing = true);

} // namespace cr
