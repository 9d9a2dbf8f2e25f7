// SPDX-License-Identifier: LGPL-2.1-or-later
#include "image_prefix.h"

#include "bytes.h"
#include "errno_sentence.h"
#include "error.h"
#include "image_format.h"
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

/* The NAMESPACE record of @objref, if there is one. */
const ImageNamespace *namespace_of(std::span<const ImageNamespace> namespaces, std::uint32_t objref)
{
	for (const ImageNamespace &ns : namespaces)
		if (ns.objref == objref)
			return &ns;
	return nullptr;
}

/* The task of @pid in @tree, if there is one. */
const ckpt_task_ids *task_of(const TreeRecord &tree, std::int32_t pid)
{
	for (const ckpt_task_ids &t : tree.tasks)
		if (t.pid == pid)
			return &t;
	return nullptr;
}

/* Checks that the namespace of @kind that @t lives in has a NAMESPACE record of that kind. */
void check_task_namespace(const ckpt_task_ids &t, std::uint32_t kind, std::uint64_t tree_offset,
			  std::span<const ImageNamespace> namespaces)
{
	std::uint32_t objref = task_namespace(t, kind);
	if (objref == 0)
		return;
	const ImageNamespace *ns = namespace_of(namespaces, objref);
	if (!ns)
		throw Error(EINVAL, tree_offset,
			    fmt::format("pid {} lives in {} namespace {}, which no NAMESPACE "
					"record describes",
					t.pid, namespace_kind_name(kind), objref));
	if (ns->kind != kind)
		throw Error(EINVAL, tree_offset,
			    fmt::format("pid {} lives in {} namespace {}, but NAMESPACE record {} "
					"is of kind {}",
					t.pid, namespace_kind_name(kind), objref, objref,
					namespace_kind_name(ns->kind)));
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

ImageNamespace check_namespace_record(const Record &rec, std::span<const ImageNamespace> before)
{
	auto r = load<ckpt_rec_namespace>(rec.bytes);
	ImageNamespace ns{rec.offset, r.objref, r.kind, r.pid};
	if (r.objref == 0)
		throw Error(EINVAL, rec.offset, "NAMESPACE record with objref 0");
	if (const ImageNamespace *other = namespace_of(before, r.objref))
		throw Error(EINVAL, rec.offset,
			    fmt::format("NAMESPACE record objref {} is that of the NAMESPACE "
					"record at byte offset {} too",
					r.objref, other->offset));
	if (r.kind != CKPT_NS_UTS && r.kind != CKPT_NS_IPC)
		throw Error(EINVAL, rec.offset,
			    fmt::format("NAMESPACE record {} has an unknown kind {}", r.objref,
					r.kind));
	if (r.pad)
		throw Error(
			EINVAL, rec.offset,
			fmt::format("NAMESPACE record {} has pad {:#x}, not 0", r.objref, r.pad));
	if (r.pid <= 0)
		throw Error(EINVAL, rec.offset,
			    fmt::format("NAMESPACE record {} names an invalid pid {}", r.objref,
					r.pid));
	return ns;
}

void check_tree_namespaces(const TreeRecord &tree, std::uint64_t tree_offset,
			   std::span<const ImageNamespace> namespaces)
{
	for (const ckpt_task_ids &t : tree.tasks)
		for (std::uint32_t kind : namespace_kinds)
			check_task_namespace(t, kind, tree_offset, namespaces);
	for (const ImageNamespace &ns : namespaces) {
		const ckpt_task_ids *t = task_of(tree, ns.pid);
		std::string what = fmt::format("NAMESPACE record {} ({}) names pid {}", ns.objref,
					       namespace_kind_name(ns.kind), ns.pid);
		if (!t)
			throw Error(EINVAL, ns.offset,
				    fmt::format("{}, which is not in the tree", what));
		if (task_namespace(*t, ns.kind) != ns.objref)
			throw Error(EINVAL, ns.offset,
				    fmt::format("{}, which lives in {} namespace {}", what,
						namespace_kind_name(ns.kind),
						task_namespace(*t, ns.kind)));
	}
}

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
		} else if (rec->type == CKPT_REC_NAMESPACE) {
			prefix.namespaces.push_back(
				check_namespace_record(*rec, prefix.namespaces));
		} else if (rec->type == CKPT_REC_TREE) {
			prefix.tree = parse_tree_record(*rec);
			prefix.tree_offset = rec->offset;
			break;
		} else if (!rec->skipped && rec->type != CKPT_REC_PADDING) {
			throw not_a_tree(*rec);
		}
	}
	check_tree(prefix);
	check_tree_namespaces(prefix.tree, prefix.tree_offset, prefix.namespaces);
	return prefix;
}

} // namespace cr
