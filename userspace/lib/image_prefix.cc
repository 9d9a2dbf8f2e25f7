// SPDX-License-Identifier: LGPL-2.1-or-later
#include "image_prefix.h"

#include "errno_sentence.h"
#include "error.h"
#include "record_names.h"
#include "record_reader.h"

#include <cerrno>
#include <fmt/format.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace cr {

namespace {

/* Where to pread() the image from, if @fd can be read that way. */
std::optional<std::uint64_t> pread_start(int fd)
{
	struct ::stat st {};
	if (::fstat(fd, &st) < 0)
		throw Error::from_errno("fstat of the image");
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return std::nullopt;
	off_t pos = ::lseek(fd, 0, SEEK_CUR);
	if (pos < 0)
		return std::nullopt;
	return static_cast<std::uint64_t>(pos);
}

/* A message from the image, with control and non-ASCII bytes as \xNN. */
std::string escaped(std::string_view text)
{
	std::string out;
	for (char c : text) {
		auto u = static_cast<unsigned char>(c);
		if (u < 0x20 || u >= 0x7f || c == '\\')
			out += fmt::format("\\x{:02x}", u);
		else
			out += c;
	}
	return out;
}

/* Why the record at @rec, found where the TREE record belongs, ends the prefix. */
Error not_a_tree(const Record &rec)
{
	if (rec.type == CKPT_REC_ERROR) {
		ErrorRecord e = parse_error_record(rec);
		return Error(EINVAL, rec.offset,
			     fmt::format("the image is incomplete: the checkpoint failed: {}: {}",
					 errno_name(e.error), escaped(e.message)));
	}
	if (rec.type == CKPT_REC_TAIL)
		return Error(EINVAL, rec.offset,
			     "no TREE record after the HEADER: the image holds no process");
	return Error(EINVAL, rec.offset,
		     fmt::format("no TREE record after the HEADER: found a {} record",
				 record_type_name(rec.type)));
}

void check_tree(const ImagePrefix &prefix)
{
	if (prefix.tree.tasks.empty())
		throw Error(EINVAL, prefix.tree_offset, "the TREE record lists no task");
	for (const ckpt_task_ids &t : prefix.tree.tasks)
		if (t.pid <= 0 || t.tgid <= 0)
			throw Error(EINVAL, prefix.tree_offset,
				    fmt::format("the TREE record lists an invalid pid {} (tgid {})",
						t.pid, t.tgid));
}

} // namespace

ImagePrefix read_image_prefix(int fd)
{
	ImagePrefix prefix;
	std::optional<std::uint64_t> start = pread_start(fd);
	prefix.consumed = !start;
	RecordReader reader = start ? RecordReader(fd, *start) : RecordReader(fd);

	for (;;) {
		std::optional<Record> rec = reader.next();
		if (!rec) /* not reached: the TAIL record already ended the loop */
			throw Error(EINVAL, reader.offset(), "no TREE record in the image");
		prefix.bytes.insert(prefix.bytes.end(), rec->bytes.begin(), rec->bytes.end());
		if (rec->type == CKPT_REC_HEADER) {
			prefix.header = reader.header();
		} else if (rec->type == CKPT_REC_TREE) {
			prefix.tree = parse_tree_record(*rec);
			prefix.tree_offset = rec->offset;
			break;
		} else if (!rec->skipped && rec->type != CKPT_REC_PADDING) {
			throw not_a_tree(*rec);
		}
	}
	check_tree(prefix);
	return prefix;
}

} // namespace cr
