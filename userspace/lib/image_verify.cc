// SPDX-License-Identifier: LGPL-2.1-or-later
#include "image_verify.h"

#include "bytes.h"
#include "image_prefix.h"
#include "io.h"
#include "record_names.h"
#include "record_reader.h"

#include <array>
#include <cerrno>
#include <fmt/format.h>

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

/*
 * The container section (format 1.11): the NAMESPACE records come after
 * the HEADER and before the TREE record, with only optional records
 * among them; the records of what a namespace holds (UTS_NS, IPC_NS,
 * SYSV_SHM) come after the TREE record, with the tasks.  The NAMESPACE
 * records are checked as restart() checks them, and the tree's entries
 * against them.
 */
class ContainerSection {
public:
	void add(const Record &rec)
	{
		switch (rec.type) {
		case CKPT_REC_NAMESPACE:
			if (!in_prefix_)
				throw Error(EINVAL, rec.offset,
					    "a NAMESPACE record after the container section: it "
					    "belongs between the HEADER and the TREE record");
			namespaces_.push_back(check_namespace_record(rec, namespaces_));
			return;
		case CKPT_REC_UTS_NS:
		case CKPT_REC_IPC_NS:
		case CKPT_REC_SYSV_SHM:
			if (!tree_seen_)
				throw Error(EINVAL, rec.offset,
					    fmt::format("a {} record before the TREE record: it "
							"belongs with the records of a task",
							record_type_name(rec.type)));
			break;
		case CKPT_REC_TREE:
			check_tree_namespaces(parse_tree_record(rec), rec.offset, namespaces_);
			tree_seen_ = true;
			break;
		default:
			break;
		}
		if (rec.type != CKPT_REC_HEADER && rec.type != CKPT_REC_PADDING && !rec.skipped)
			in_prefix_ = false;
	}

private:
	std::vector<ImageNamespace> namespaces_;
	bool in_prefix_ = true; /* only the HEADER, NAMESPACE and optional records so far */
	bool tree_seen_ = false;
};

} // namespace

ImageSummary verify_image(int fd, bool count_trailing)
{
	ImageSummary sum;
	RecordReader reader(fd);
	ContentsBuilder contents;
	ContainerSection section;
	try {
		while (std::optional<Record> rec = reader.next()) {
			section.add(*rec);
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
