// SPDX-License-Identifier: LGPL-2.1-or-later
#include "image_verify.h"

#include "bytes.h"
#include "io.h"
#include "record_reader.h"

#include <array>

namespace cr {

namespace {

std::uint64_t count_to_eof(int fd)
{
	std::array<std::byte, 64 * 1024> buf;
	std::uint64_t total = 0;
	for (;;) {
		std::size_t n = read_full(fd, buf);
		total += n;
		if (n < buf.size())
			return total;
	}
}

} // namespace

ImageSummary verify_image(int fd, bool count_trailing)
{
	ImageSummary sum;
	RecordReader reader(fd);
	ContentsBuilder contents;
	try {
		while (std::optional<Record> rec = reader.next()) {
			sum.records.push_back(
				RecordInfo{rec->offset, rec->type, rec->len, rec->skipped});
			contents.add(*rec);
			switch (rec->type) {
			case CKPT_REC_HEADER:
				sum.header = reader.header();
				break;
			case CKPT_REC_ERROR: {
				ErrorRecord e = parse_error_record(*rec);
				sum.errors.push_back(
					ErrorInfo{rec->offset, e.error, std::move(e.message)});
				break;
			}
			case CKPT_REC_TAIL:
				sum.tail = load<ckpt_rec_tail>(rec->bytes);
				break;
			default:
				break;
			}
			sum.length = reader.offset();
		}
		if (count_trailing)
			sum.trailing_bytes = count_to_eof(fd);
	} catch (const Error &e) {
		sum.problem = e;
	}
	sum.contents = contents.take();
	return sum;
}

} // namespace cr
