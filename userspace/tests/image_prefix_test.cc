// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * read_image_prefix(): the HEADER and TREE record restart reads first,
 * from a regular file (pread(), offset untouched) and from a pipe
 * (consumed, nothing after the TREE record read); the errors that stop
 * a restart before it creates a task.
 */
#include "bytes.h"
#include "error.h"
#include "image_prefix.h"
#include "record_writer.h"
#include "test_util.h"

#include <algorithm>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

using crtest::Bytes;
using testing::HasSubstr;

namespace {

constexpr std::size_t prefix_len =
	sizeof(ckpt_rec_header) + sizeof(ckpt_rec_tree) + sizeof(ckpt_task_ids);

cr::Error expect_prefix_error(const Bytes &image, int err, std::uint64_t offset)
{
	cr::Fd fd = crtest::memfd_with(image);
	try {
		cr::read_image_prefix(fd.get());
	} catch (const cr::Error &e) {
		EXPECT_EQ(e.err(), err) << e.what();
		EXPECT_EQ(e.offset(), std::optional<std::uint64_t>(offset)) << e.what();
		return e;
	}
	ADD_FAILURE() << "the prefix was accepted";
	return cr::Error(0, "");
}

} // namespace

TEST(ImagePrefix, FromRegularFileLeavesTheOffset)
{
	Bytes image = crtest::process_image(4242);
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImagePrefix p = cr::read_image_prefix(fd.get());
	EXPECT_FALSE(p.consumed);
	EXPECT_EQ(::lseek(fd.get(), 0, SEEK_CUR), 0);
	EXPECT_EQ(p.header.root_pid, 4242u);
	EXPECT_EQ(p.tree_offset, sizeof(ckpt_rec_header));
	ASSERT_EQ(p.tree.tasks.size(), 1u);
	EXPECT_EQ(p.tree.tasks[0].pid, 4242);
	EXPECT_EQ(p.bytes, Bytes(image.begin(), image.begin() + prefix_len));
}

TEST(ImagePrefix, FromRegularFileAtItsOffset)
{
	/* The kernel reads from the file's offset: so does the prefix. */
	Bytes image(100, std::byte{'x'});
	Bytes real = crtest::process_image(77);
	image.insert(image.end(), real.begin(), real.end());
	cr::Fd fd = crtest::memfd_with(image);
	ASSERT_EQ(::lseek(fd.get(), 100, SEEK_SET), 100);
	cr::ImagePrefix p = cr::read_image_prefix(fd.get());
	EXPECT_EQ(::lseek(fd.get(), 0, SEEK_CUR), 100);
	EXPECT_EQ(p.tree.tasks.at(0).pid, 77);
	EXPECT_EQ(p.tree_offset, sizeof(ckpt_rec_header));
}

TEST(ImagePrefix, FromPipeConsumesExactlyThePrefix)
{
	Bytes image = crtest::process_image(4242);
	crtest::PipeFeeder feeder(image, 1000);
	cr::ImagePrefix p = cr::read_image_prefix(feeder.fd());
	EXPECT_TRUE(p.consumed);
	EXPECT_EQ(p.bytes, Bytes(image.begin(), image.begin() + prefix_len));
	/* The next byte in the pipe is the TASK record's. */
	ckpt_hdr h{};
	ASSERT_EQ(::read(feeder.fd(), &h, sizeof(h)), static_cast<ssize_t>(sizeof(h)));
	EXPECT_EQ(h.type, CKPT_REC_TASK);
}

TEST(ImagePrefix, SkipsOptionalRecordsBeforeTheTree)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		w.write(CKPT_REC_PADDING, Bytes(8));
		w.write(CKPT_REC_OPTIONAL | 0x0777, Bytes(16));
		crtest::write_tree(w, 9);
		w.write_tail();
	});
	cr::Fd fd = crtest::pipe_with(image);
	cr::ImagePrefix p = cr::read_image_prefix(fd.get());
	EXPECT_EQ(p.tree.tasks.at(0).pid, 9);
	EXPECT_EQ(p.tree_offset, sizeof(ckpt_rec_header) + 16 + 24);
	EXPECT_EQ(p.bytes.size(), p.tree_offset + sizeof(ckpt_rec_tree) + sizeof(ckpt_task_ids));
}

TEST(ImagePrefix, NoTreeRecord)
{
	cr::Error e = expect_prefix_error(crtest::empty_image(), EINVAL, sizeof(ckpt_rec_header));
	EXPECT_THAT(e.what(), HasSubstr("no TREE record after the HEADER: the image holds no "
					"process"));

	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		w.write(CKPT_REC_TASK, Bytes(sizeof(ckpt_rec_task) - sizeof(ckpt_hdr)));
		w.write_tail();
	});
	e = expect_prefix_error(image, EINVAL, sizeof(ckpt_rec_header));
	EXPECT_THAT(e.what(), HasSubstr("no TREE record after the HEADER: found a TASK record"));
}

TEST(ImagePrefix, FailedCheckpoint)
{
	cr::Error e = expect_prefix_error(crtest::failed_image("dumping \x01 failed"), EINVAL,
					  crtest::error_offset);
	EXPECT_THAT(e.what(), HasSubstr("the image is incomplete: the checkpoint failed: "
					"EOPNOTSUPP: dumping \\x01 failed"));
}

TEST(ImagePrefix, ReaderErrorsComeThrough)
{
	Bytes image = crtest::process_image();
	image.resize(prefix_len - 4);
	cr::Error e = expect_prefix_error(image, EBADMSG, sizeof(ckpt_rec_header));
	EXPECT_THAT(e.what(), HasSubstr("truncated"));
	expect_prefix_error(Bytes(64, std::byte{'A'}), EINVAL, 0);
}

TEST(ImagePrefix, TreeValidation)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		crtest::write_tree(w, 9, 0);
		w.write_tail();
	});
	cr::Error e = expect_prefix_error(image, EINVAL, sizeof(ckpt_rec_header));
	EXPECT_THAT(e.what(), HasSubstr("the TREE record lists no task"));

	image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		crtest::write_tree(w, -3);
		w.write_tail();
	});
	e = expect_prefix_error(image, EINVAL, sizeof(ckpt_rec_header));
	EXPECT_THAT(e.what(), HasSubstr("invalid pid -3"));
}

TEST(ImagePrefix, TreesOfProcessesAndThreads)
{
	cr::Fd fd = crtest::memfd_with(crtest::process_image(4242, 3));
	cr::ImagePrefix prefix = cr::read_image_prefix(fd.get());
	ASSERT_EQ(prefix.tree.tasks.size(), 3u);
	EXPECT_EQ(prefix.tree.tasks[2].ppid, 4242);

	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		ckpt_rec_tree tree{};
		tree.nr_tasks = 2;
		tree.task_size = sizeof(ckpt_task_ids);
		ckpt_task_ids t[2]{};
		t[0].pid = t[0].tgid = 9;
		t[1].pid = 10;
		t[1].tgid = 9;
		crtest::write_record(w, CKPT_REC_TREE, tree, cr::bytes_of(t));
		w.write_tail();
	});
	fd = crtest::memfd_with(image);
	prefix = cr::read_image_prefix(fd.get());
	ASSERT_EQ(prefix.tree.tasks.size(), 2u);
	EXPECT_EQ(prefix.tree.tasks[1].tgid, 9);
}

namespace {

/* A tree of tasks 9 and 10 whose entries are @size bytes, task_size @task_size. */
Bytes tree_image(std::size_t size, std::uint32_t task_size)
{
	return crtest::build_image([=](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		ckpt_rec_tree tree{};
		tree.nr_tasks = 2;
		tree.task_size = task_size;
		Bytes entries(2 * size, std::byte{0x5a}); /* fields of a newer format */
		for (std::size_t i = 0; i < 2; i++) {
			ckpt_task_ids t{};
			t.pid = t.tgid = static_cast<std::int32_t>(9 + i);
			t.ppid = i ? 9 : 0;
			t.pgid = t.sid = 9;
			t.flags = CKPT_TASK_CTTY;
			t.tty_pgrp = 0;
			std::span<const std::byte> b = cr::bytes_of(t);
			std::copy_n(b.begin(), std::min(size, b.size()),
				    entries.begin() + i * size);
		}
		crtest::write_record(w, CKPT_REC_TREE, tree, entries);
		w.write_tail();
	});
}

} // namespace

TEST(ImagePrefix, TreeEntriesOfOtherFormats)
{
	/* format 1.0: task_size 0, entries without tty_pgrp */
	cr::Fd fd = crtest::memfd_with(tree_image(CKPT_TASK_IDS_SIZE_1_0, 0));
	cr::ImagePrefix prefix = cr::read_image_prefix(fd.get());
	ASSERT_EQ(prefix.tree.tasks.size(), 2u);
	EXPECT_EQ(prefix.tree.tasks[1].pid, 10);
	EXPECT_EQ(prefix.tree.tasks[1].ppid, 9);
	EXPECT_EQ(prefix.tree.tasks[1].tty_pgrp, 0);

	/* a newer format: what this reader does not know is skipped */
	fd = crtest::memfd_with(tree_image(64, 64));
	prefix = cr::read_image_prefix(fd.get());
	ASSERT_EQ(prefix.tree.tasks.size(), 2u);
	EXPECT_EQ(prefix.tree.tasks[1].pid, 10);
	EXPECT_EQ(prefix.tree.tasks[1].flags, CKPT_TASK_CTTY);
	EXPECT_EQ(prefix.tree.tasks[1].stop_signal, 0u);
}

TEST(ImagePrefix, TreeEntriesOfBadSizes)
{
	for (std::uint32_t size : {24u, 36u, 264u}) {
		cr::Error e = expect_prefix_error(tree_image(size, size), EINVAL,
						  sizeof(ckpt_rec_header));
		EXPECT_THAT(e.what(), HasSubstr(fmt::format("entries of {} bytes", size)));
	}
}

TEST(ImagePrefix, TreeEntriesBeforeNamespacesLiveInTheCheckpointersOnes)
{
	/* format 1.3 to 1.10: 48-byte entries, without uts_ns and ipc_ns */
	constexpr std::size_t size_1_3 = offsetof(ckpt_task_ids, uts_ns);
	static_assert(size_1_3 == 48);
	cr::Fd fd = crtest::memfd_with(tree_image(size_1_3, size_1_3));
	cr::ImagePrefix prefix = cr::read_image_prefix(fd.get());
	ASSERT_EQ(prefix.tree.tasks.size(), 2u);
	for (const ckpt_task_ids &t : prefix.tree.tasks) {
		EXPECT_EQ(t.uts_ns, 0u) << t.pid;
		EXPECT_EQ(t.ipc_ns, 0u) << t.pid;
	}
	EXPECT_EQ(prefix.tree.tasks[1].flags, CKPT_TASK_CTTY);
	EXPECT_TRUE(prefix.namespaces.empty());
}

TEST(ImagePrefix, ContainerSection)
{
	Bytes image = crtest::namespace_image();
	constexpr std::uint64_t tree_at = sizeof(ckpt_rec_header) + 2 * sizeof(ckpt_rec_namespace);
	std::size_t end = tree_at + sizeof(ckpt_rec_tree) + 3 * sizeof(ckpt_task_ids);
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImagePrefix p = cr::read_image_prefix(fd.get());
	EXPECT_EQ(p.namespaces, (std::vector<cr::ImageNamespace>{
					{sizeof(ckpt_rec_header), 3, CKPT_NS_UTS, 4243},
					{sizeof(ckpt_rec_header) + sizeof(ckpt_rec_namespace), 4,
					 CKPT_NS_IPC, 4243},
				}));
	EXPECT_EQ(p.tree_offset, tree_at);
	ASSERT_EQ(p.tree.tasks.size(), 3u);
	EXPECT_EQ(p.tree.tasks[0].uts_ns, 0u);
	EXPECT_EQ(p.tree.tasks[0].ipc_ns, 0u);
	EXPECT_EQ(p.tree.tasks[2].uts_ns, 3u);
	EXPECT_EQ(p.tree.tasks[2].ipc_ns, 4u);
	EXPECT_EQ(p.bytes, Bytes(image.begin(), image.begin() + end));

	/* from a pipe: the NAMESPACE records are in the bytes to relay, nothing after the tree */
	crtest::PipeFeeder feeder(image, 100);
	p = cr::read_image_prefix(feeder.fd());
	EXPECT_TRUE(p.consumed);
	EXPECT_EQ(p.namespaces.size(), 2u);
	EXPECT_EQ(p.bytes, Bytes(image.begin(), image.begin() + end));
	ckpt_hdr h{};
	ASSERT_EQ(::read(feeder.fd(), &h, sizeof(h)), static_cast<ssize_t>(sizeof(h)));
	EXPECT_EQ(h.type, CKPT_REC_TASK);

	/* optional records among them are skipped */
	image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		w.write(CKPT_REC_PADDING, Bytes(8));
		crtest::write_namespace(w, 1, CKPT_NS_IPC, 9);
		w.write(CKPT_REC_OPTIONAL | 0x0877, Bytes(16));
		const ckpt_task_ids tasks[] = {crtest::task_ids(9, 0, 9, 9, 0, 1)};
		crtest::write_tree_of(w, tasks);
		w.write_tail();
	});
	fd = crtest::memfd_with(image);
	p = cr::read_image_prefix(fd.get());
	ASSERT_EQ(p.namespaces.size(), 1u);
	EXPECT_EQ(p.namespaces[0].offset, sizeof(ckpt_rec_header) + 16);
	EXPECT_EQ(p.tree.tasks.at(0).ipc_ns, 1u);
}

namespace {

/* HEADER, the NAMESPACE records @ns, a TREE of @tasks, TAIL. */
Bytes container_image(std::span<const ckpt_rec_namespace> ns, std::span<const ckpt_task_ids> tasks)
{
	return crtest::build_image([=](cr::RecordWriter &w) {
		w.write_header(cr::make_header(tasks.empty() ? 1 : tasks[0].pid, 0));
		for (const ckpt_rec_namespace &n : ns)
			crtest::write_record(w, CKPT_REC_NAMESPACE, n);
		crtest::write_tree_of(w, tasks);
		w.write_tail();
	});
}

ckpt_rec_namespace ns_rec(std::uint32_t objref, std::uint32_t kind, std::int32_t pid)
{
	ckpt_rec_namespace n{};
	n.objref = objref;
	n.kind = kind;
	n.pid = pid;
	return n;
}

} // namespace

TEST(ImagePrefix, NamespaceRecordValidation)
{
	const ckpt_task_ids tasks[] = {crtest::task_ids(10, 0, 10, 10),
				       crtest::task_ids(11, 10, 10, 10, 3, 4)};
	constexpr std::uint64_t first = sizeof(ckpt_rec_header);
	constexpr std::uint64_t second = first + sizeof(ckpt_rec_namespace);
	struct Case {
		std::vector<ckpt_rec_namespace> ns;
		std::uint64_t at;
		const char *what;
	};
	ckpt_rec_namespace padded = ns_rec(3, CKPT_NS_UTS, 11);
	padded.pad = 2;
	const Case cases[] = {
		{{ns_rec(0, CKPT_NS_UTS, 11)}, first, "NAMESPACE record with objref 0"},
		{{ns_rec(3, CKPT_NS_UTS, 11), ns_rec(3, CKPT_NS_IPC, 11)},
		 second,
		 "NAMESPACE record objref 3 is that of the NAMESPACE record at byte offset 120 "
		 "too"},
		{{ns_rec(3, 0, 11)}, first, "NAMESPACE record 3 has an unknown kind 0"},
		{{ns_rec(3, 3, 11)}, first, "NAMESPACE record 3 has an unknown kind 3"},
		{{padded}, first, "NAMESPACE record 3 has pad 0x2, not 0"},
		{{ns_rec(3, CKPT_NS_UTS, 0)}, first, "NAMESPACE record 3 names an invalid pid 0"},
		{{ns_rec(3, CKPT_NS_UTS, -11)},
		 first,
		 "NAMESPACE record 3 names an invalid pid -11"},
	};
	for (const Case &c : cases) {
		cr::Error e = expect_prefix_error(container_image(c.ns, tasks), EINVAL, c.at);
		EXPECT_THAT(e.what(), HasSubstr(c.what));
	}
}

TEST(ImagePrefix, TreeNamespacesValidation)
{
	const ckpt_rec_namespace ns[] = {ns_rec(3, CKPT_NS_UTS, 11), ns_rec(4, CKPT_NS_IPC, 11)};
	constexpr std::uint64_t first = sizeof(ckpt_rec_header);
	constexpr std::uint64_t tree = first + 2 * sizeof(ckpt_rec_namespace);
	auto with = [&](std::uint32_t uts10, std::uint32_t ipc10, std::uint32_t uts11,
			std::uint32_t ipc11) {
		const ckpt_task_ids tasks[] = {crtest::task_ids(10, 0, 10, 10, uts10, ipc10),
					       crtest::task_ids(11, 10, 10, 10, uts11, ipc11)};
		return container_image(ns, tasks);
	};
	cr::Fd fd = crtest::memfd_with(with(0, 0, 3, 4));
	EXPECT_EQ(cr::read_image_prefix(fd.get()).namespaces.size(), 2u);

	cr::Error e = expect_prefix_error(with(0, 0, 3, 5), EINVAL, tree);
	EXPECT_THAT(
		e.what(),
		HasSubstr("pid 11 lives in IPC namespace 5, which no NAMESPACE record describes"));
	e = expect_prefix_error(with(0, 0, 4, 4), EINVAL, tree);
	EXPECT_THAT(e.what(), HasSubstr("pid 11 lives in UTS namespace 4, but NAMESPACE record 4 "
					"is of kind IPC"));
	e = expect_prefix_error(with(0, 3, 3, 4), EINVAL, tree);
	EXPECT_THAT(e.what(), HasSubstr("pid 10 lives in IPC namespace 3, but NAMESPACE record 3 "
					"is of kind UTS"));
	/* a record's first task must live in it */
	e = expect_prefix_error(with(0, 0, 0, 4), EINVAL, first);
	EXPECT_THAT(
		e.what(),
		HasSubstr("NAMESPACE record 3 (UTS) names pid 11, which lives in UTS namespace 0"));
	const ckpt_rec_namespace gone[] = {ns_rec(3, CKPT_NS_UTS, 12)};
	const ckpt_task_ids tasks[] = {crtest::task_ids(10, 0, 10, 10, 3, 0)};
	e = expect_prefix_error(container_image(gone, tasks), EINVAL, first);
	EXPECT_THAT(e.what(),
		    HasSubstr("NAMESPACE record 3 (UTS) names pid 12, which is not in the tree"));

	/* the records of a namespace's contents are not part of the prefix */
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		crtest::write_namespace(w, 1, CKPT_NS_UTS, 9);
		ckpt_rec_uts_ns uts{};
		uts.objref = 1;
		crtest::write_record(w, CKPT_REC_UTS_NS, uts);
		const ckpt_task_ids t[] = {crtest::task_ids(9, 0, 9, 9, 1, 0)};
		crtest::write_tree_of(w, t);
		w.write_tail();
	});
	e = expect_prefix_error(image, EINVAL, first + sizeof(ckpt_rec_namespace));
	EXPECT_THAT(e.what(), HasSubstr("no TREE record after the HEADER: found a UTS_NS record"));
}
