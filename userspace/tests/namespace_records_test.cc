// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The records of format 1.11: the container section (NAMESPACE records),
 * what a UTS or IPC namespace holds (UTS_NS, IPC_NS), System V shared
 * memory segments (SYSV_SHM, the sysv shm mappings), semaphore sets
 * (SYSV_SEM) and a process's semaphore adjustments (SEM_UNDO).  Their
 * sizes as the reader checks them, where verify_image() accepts them,
 * and how the contents group them.
 */
#include "bytes.h"
#include "image_verify.h"
#include "record_names.h"
#include "record_reader.h"
#include "record_writer.h"
#include "test_util.h"

#include <cstddef>
#include <cstring>
#include <fmt/format.h>
#include <functional>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <vector>

using crtest::Bytes;
using testing::HasSubstr;

namespace {

struct TypeSize {
	std::uint32_t type;
	std::size_t size;
};

const TypeSize namespace_types[] = {
	{CKPT_REC_NAMESPACE, sizeof(ckpt_rec_namespace)},
	{CKPT_REC_UTS_NS, sizeof(ckpt_rec_uts_ns)},
	{CKPT_REC_IPC_NS, sizeof(ckpt_rec_ipc_ns)},
	{CKPT_REC_SYSV_SHM, sizeof(ckpt_rec_sysv_shm)},
	{CKPT_REC_SYSV_SEM, sizeof(ckpt_rec_sysv_sem)},
	{CKPT_REC_SEM_UNDO, sizeof(ckpt_rec_sem_undo)},
};

/* HEADER, TREE, a record of @type with @payload_len zero bytes, TAIL. */
Bytes image_with(std::uint32_t type, std::size_t payload_len)
{
	return crtest::build_image([=](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		crtest::write_tree(w, 4242);
		w.write(type, Bytes(payload_len));
		w.write_tail();
	});
}

constexpr std::uint64_t third_record =
	sizeof(ckpt_rec_header) + sizeof(ckpt_rec_tree) + sizeof(ckpt_task_ids);

/* verify_image() of @image: the problem it found, which must be EINVAL at @offset. */
cr::Error expect_verify_problem(const Bytes &image, std::uint64_t offset)
{
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	if (!sum.problem) {
		ADD_FAILURE() << "verify_image() accepted the image";
		return cr::Error(0, "");
	}
	EXPECT_EQ(sum.problem->err(), EINVAL) << sum.problem->what();
	EXPECT_EQ(sum.problem->offset(), std::optional<std::uint64_t>(offset))
		<< sum.problem->what();
	EXPECT_FALSE(sum.complete());
	return *sum.problem;
}

} // namespace

TEST(NamespaceRecords, Sizes)
{
	EXPECT_EQ(sizeof(ckpt_rec_namespace), 24u);
	EXPECT_EQ(sizeof(ckpt_rec_uts_ns), 152u);
	EXPECT_EQ(sizeof(ckpt_rec_ipc_ns), 144u);
	EXPECT_EQ(offsetof(ckpt_rec_ipc_ns, ids), 96u);
	EXPECT_EQ(sizeof(ckpt_ipc_ids), 16u);
	EXPECT_EQ(offsetof(ckpt_rec_ipc_ns, nr_sem), 88u);
	EXPECT_EQ(sizeof(ckpt_rec_sysv_shm), 88u);
	EXPECT_EQ(sizeof(ckpt_rec_sysv_sem), 56u);
	EXPECT_EQ(sizeof(ckpt_sem), 8u);
	EXPECT_EQ(sizeof(ckpt_rec_sem_undo), 16u);
	EXPECT_EQ(sizeof(ckpt_task_ids), 56u);
	for (const TypeSize &t : namespace_types) {
		SCOPED_TRACE(cr::record_type_name(t.type));
		EXPECT_EQ(t.size % CKPT_REC_ALIGN, 0u);
		/* the structure alone, or longer (a newer minor version) */
		EXPECT_FALSE(crtest::read_through(image_with(t.type, t.size - sizeof(ckpt_hdr))));
		EXPECT_FALSE(
			crtest::read_through(image_with(t.type, t.size - sizeof(ckpt_hdr) + 8)));
		/* 8 bytes short: still a valid record length otherwise */
		std::optional<cr::Error> e =
			crtest::read_through(image_with(t.type, t.size - sizeof(ckpt_hdr) - 8));
		ASSERT_TRUE(e);
		EXPECT_EQ(e->err(), EINVAL);
		EXPECT_EQ(e->offset(), std::optional<std::uint64_t>(third_record));
		EXPECT_THAT(e->what(),
			    HasSubstr(fmt::format("a {} record is at least {} bytes",
						  cr::record_type_name(t.type), t.size)));
	}
}

TEST(NamespaceRecords, VerifiedAndGrouped)
{
	Bytes image = crtest::namespace_image();
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	const cr::ImageContents &c = sum.contents;

	ASSERT_EQ(c.namespaces.size(), 2u);
	EXPECT_EQ(c.namespaces[0].offset, sizeof(ckpt_rec_header));
	EXPECT_EQ(c.namespaces[0].rec.objref, 3u);
	EXPECT_EQ(c.namespaces[0].rec.kind, static_cast<std::uint32_t>(CKPT_NS_UTS));
	EXPECT_EQ(c.namespaces[0].rec.pid, 4243);
	EXPECT_EQ(c.namespaces[1].rec.objref, 4u);
	EXPECT_EQ(c.namespaces[1].rec.kind, static_cast<std::uint32_t>(CKPT_NS_IPC));
	ASSERT_TRUE(c.tree);
	EXPECT_EQ(c.tree->offset, sizeof(ckpt_rec_header) + 2 * sizeof(ckpt_rec_namespace));
	ASSERT_EQ(c.tree->rec.tasks.size(), 3u);
	EXPECT_EQ(c.tree->rec.tasks[1].uts_ns, 3u);
	EXPECT_EQ(c.tree->rec.tasks[1].ipc_ns, 4u);

	ASSERT_EQ(c.tasks.size(), 3u);
	EXPECT_TRUE(c.tasks[0].uts_namespaces.empty());
	EXPECT_TRUE(c.tasks[0].sysv_shms.empty());
	/* what the namespaces hold comes with their first task */
	const cr::TaskContents &db = c.tasks[1];
	ASSERT_EQ(db.uts_namespaces.size(), 1u);
	EXPECT_EQ(db.uts_namespaces[0].offset, db.task->offset + sizeof(ckpt_rec_task));
	EXPECT_EQ(cr::c_string_view(db.uts_namespaces[0].rec.nodename), "box");
	EXPECT_EQ(cr::c_string_view(db.uts_namespaces[0].rec.domainname), "example.org");
	ASSERT_EQ(db.ipc_namespaces.size(), 1u);
	const ckpt_rec_ipc_ns &ipc = db.ipc_namespaces[0].rec;
	EXPECT_EQ(ipc.objref, 4u);
	EXPECT_EQ(ipc.nr_shm, 2u);
	EXPECT_EQ(ipc.nr_sem, 2u);
	EXPECT_EQ(ipc.shm_ctlmax, 0x100000000u);
	EXPECT_EQ(ipc.sem_ctls[1], 1024000000u);
	EXPECT_EQ(ipc.mq_msgsize_default, 4096u);

	/* the new segments, then the one mapped again; the pages are the first one's */
	ASSERT_EQ(db.sysv_shms.size(), 3u);
	EXPECT_EQ(db.sysv_shms[0].shm.objref, 5u);
	EXPECT_EQ(db.sysv_shms[0].shm.flags, static_cast<std::uint32_t>(CKPT_SYSV_SHM_NEW));
	EXPECT_EQ(db.sysv_shms[0].shm.key, 0xabcd);
	EXPECT_EQ(db.sysv_shms[0].shm.size, 10000u);
	EXPECT_EQ(db.sysv_shms[0].pages, 2u);
	EXPECT_EQ(db.sysv_shms[1].shm.objref, 6u);
	EXPECT_EQ(cr::sysv_shm_flags_names(db.sysv_shms[1].shm.flags), "NEW|RMID");
	EXPECT_EQ(db.sysv_shms[1].pages, 0u);
	EXPECT_EQ(db.sysv_shms[2].shm.objref, 5u);
	EXPECT_EQ(db.sysv_shms[2].shm.flags, 0u);
	ASSERT_EQ(db.vmas.size(), 1u);
	EXPECT_EQ(db.vmas[0].vma.vma.kind, static_cast<std::uint32_t>(CKPT_VMA_SYSV_SHM));
	EXPECT_EQ(db.vmas[0].offset, db.sysv_shms[2].offset + sizeof(ckpt_rec_sysv_shm));
	EXPECT_EQ(db.vmas[0].pages, 0u);

	/* the semaphore sets after the segments, then the process's adjustments */
	ASSERT_EQ(db.sysv_sems.size(), 2u);
	const cr::SysvSemRecord &set0 = db.sysv_sems[0].rec;
	EXPECT_EQ(db.sysv_sems[0].offset, db.sysv_shms[1].offset + sizeof(ckpt_rec_sysv_shm));
	EXPECT_EQ(set0.sem.key, 0xabce);
	EXPECT_EQ(set0.sem.id, 0);
	EXPECT_EQ(set0.sem.mode, 0660u);
	EXPECT_EQ(set0.sem.nsems, 3u);
	EXPECT_EQ(set0.sem.otime, 1700000200);
	ASSERT_EQ(set0.sems.size(), 3u);
	EXPECT_EQ(set0.sems[2].semval, 5);
	EXPECT_EQ(set0.sems[2].sempid, 4244);
	EXPECT_EQ(set0.sems[1].sempid, 0);
	const cr::SysvSemRecord &set1 = db.sysv_sems[1].rec;
	EXPECT_EQ(db.sysv_sems[1].offset,
		  db.sysv_sems[0].offset + sizeof(ckpt_rec_sysv_sem) + 3 * sizeof(ckpt_sem));
	EXPECT_EQ(set1.sem.key, 0);
	EXPECT_EQ(set1.sem.id, 32769);
	ASSERT_EQ(set1.sems.size(), 20u);
	EXPECT_EQ(set1.sems[19].semval, 1900);
	ASSERT_EQ(db.sem_undos.size(), 1u);
	EXPECT_EQ(db.sem_undos[0].offset,
		  db.sysv_sems[1].offset + sizeof(ckpt_rec_sysv_sem) + 20 * sizeof(ckpt_sem));
	EXPECT_EQ(db.sem_undos[0].rec.undo.id, 0);
	EXPECT_EQ(db.sem_undos[0].rec.adjustments, (std::vector<std::int16_t>{0, -1, 3}));
	/* 3 adjustments of 2 bytes, padded to 8 */
	EXPECT_EQ(db.mm->offset, db.sem_undos[0].offset + sizeof(ckpt_rec_sem_undo) + 8);

	const cr::TaskContents &child = c.tasks[2];
	EXPECT_TRUE(child.uts_namespaces.empty());
	EXPECT_TRUE(child.sysv_sems.empty());
	ASSERT_EQ(child.sem_undos.size(), 1u);
	EXPECT_EQ(child.sem_undos[0].rec.undo.id, 32769);
	ASSERT_EQ(child.sem_undos[0].rec.adjustments.size(), 20u);
	EXPECT_EQ(child.sem_undos[0].rec.adjustments[19], -2);
	ASSERT_EQ(child.sysv_shms.size(), 1u);
	EXPECT_EQ(child.sysv_shms[0].shm.objref, 5u);
	ASSERT_EQ(child.vmas.size(), 1u);
	EXPECT_EQ(child.vmas[0].vma.vma.prot, static_cast<std::uint32_t>(PROT_READ));

	EXPECT_EQ(c.nr_sysv_shms, 4u);
	EXPECT_EQ(c.nr_sysv_sems, 2u);
	EXPECT_EQ(c.nr_sem_undos, 2u);
	EXPECT_EQ(c.nr_pages, 2u);
	EXPECT_EQ(c.nr_vmas, 2u);
}

TEST(NamespaceRecords, VerifyChecksTheContainerSection)
{
	constexpr std::uint64_t first = sizeof(ckpt_rec_header);
	/* a NAMESPACE record after the tree */
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		const ckpt_task_ids t[] = {crtest::task_ids(9, 0, 9, 9)};
		crtest::write_tree_of(w, t);
		crtest::write_namespace(w, 1, CKPT_NS_UTS, 9);
		w.write_tail();
	});
	cr::Error e =
		expect_verify_problem(image, first + sizeof(ckpt_rec_tree) + sizeof(ckpt_task_ids));
	EXPECT_THAT(e.message(), HasSubstr("a NAMESPACE record after the container section"));

	/* or after another record of the stream, as the prefix reader would refuse */
	image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		w.write(CKPT_REC_PADDING, Bytes(8));
		crtest::write_namespace(w, 1, CKPT_NS_UTS, 9);
		w.write(CKPT_REC_TASK, Bytes(sizeof(ckpt_rec_task) - sizeof(ckpt_hdr)));
		crtest::write_namespace(w, 2, CKPT_NS_IPC, 9);
		w.write_tail();
	});
	e = expect_verify_problem(image,
				  first + 16 + sizeof(ckpt_rec_namespace) + sizeof(ckpt_rec_task));
	EXPECT_THAT(e.message(), HasSubstr("belongs between the HEADER and the TREE record"));

	/* what a namespace holds, before the tree */
	for (std::uint32_t type : {CKPT_REC_UTS_NS, CKPT_REC_IPC_NS, CKPT_REC_SYSV_SHM,
				   CKPT_REC_SYSV_SEM, CKPT_REC_SEM_UNDO}) {
		image = crtest::build_image([type](cr::RecordWriter &w) {
			w.write_header(cr::make_header(9, 0));
			w.write(type, Bytes(152));
			w.write_tail();
		});
		e = expect_verify_problem(image, first);
		EXPECT_THAT(e.message(), HasSubstr(fmt::format("a {} record before the TREE record",
							       cr::record_type_name(type))));
	}

	/* the NAMESPACE records and the tree as restart checks them */
	image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		crtest::write_namespace(w, 1, CKPT_NS_UTS, 9);
		crtest::write_namespace(w, 1, CKPT_NS_IPC, 9);
		w.write_tail();
	});
	e = expect_verify_problem(image, first + sizeof(ckpt_rec_namespace));
	EXPECT_THAT(e.message(), HasSubstr("NAMESPACE record objref 1 is that of the NAMESPACE "
					   "record at byte offset 120 too"));
	image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		crtest::write_namespace(w, 1, CKPT_NS_UTS, 9);
		const ckpt_task_ids t[] = {crtest::task_ids(9, 0, 9, 9, 1, 2)};
		crtest::write_tree_of(w, t);
		w.write_tail();
	});
	e = expect_verify_problem(image, first + sizeof(ckpt_rec_namespace));
	EXPECT_THAT(e.message(), HasSubstr("pid 9 lives in IPC namespace 2, which no NAMESPACE "
					   "record describes"));

	/* a failed checkpoint's image: the ERROR record where the tree was to come */
	image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		crtest::write_namespace(w, 1, CKPT_NS_UTS, 9);
		ckpt_rec_error err{};
		err.error = -EOPNOTSUPP;
		crtest::write_record(w, CKPT_REC_ERROR, err);
		w.write_tail();
	});
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	EXPECT_TRUE(sum.complete()) << (sum.problem ? sum.problem->what() : "");
	EXPECT_FALSE(sum.valid());
	EXPECT_EQ(sum.contents.namespaces.size(), 1u);
}

namespace {

/* A SYSV_SEM record of one semaphore. */
void write_one_sem(cr::RecordWriter &w)
{
	ckpt_rec_sysv_sem sem{};
	sem.nsems = 1;
	const ckpt_sem one[] = {{1, 0}};
	crtest::write_record(w, CKPT_REC_SYSV_SEM, sem, std::as_bytes(std::span(one)));
}

/* An IPC_NS record of namespace 2 counting @nr_sem sets and no segment. */
void write_ipc_ns(cr::RecordWriter &w, std::uint32_t nr_sem)
{
	ckpt_rec_ipc_ns ipc{};
	ipc.objref = 2;
	ipc.nr_sem = nr_sem;
	crtest::write_record(w, CKPT_REC_IPC_NS, ipc);
}

/*
 * HEADER, NAMESPACE 2 (IPC, first task 9), TREE of 9 (in it) and its
 * thread 10, TASK 9, then what @body writes, TAIL.
 */
Bytes sem_image(const std::function<void(cr::RecordWriter &)> &body)
{
	return crtest::build_image([&](cr::RecordWriter &w) {
		w.write_header(cr::make_header(9, 0));
		crtest::write_namespace(w, 2, CKPT_NS_IPC, 9);
		ckpt_task_ids t[] = {crtest::task_ids(9, 0, 9, 9, 0, 2),
				     crtest::task_ids(10, 0, 9, 9, 0, 2)};
		t[1].tgid = 9;
		t[1].ppid = 0;
		t[1].flags = 0;
		crtest::write_tree_of(w, t);
		ckpt_rec_task task{};
		task.pid = 9;
		crtest::write_record(w, CKPT_REC_TASK, task);
		body(w);
		w.write_tail();
	});
}

/* Where sem_image()'s records after the TASK record start. */
constexpr std::uint64_t sem_body = sizeof(ckpt_rec_header) + sizeof(ckpt_rec_namespace) +
				   sizeof(ckpt_rec_tree) + 2 * sizeof(ckpt_task_ids) +
				   sizeof(ckpt_rec_task);

constexpr std::uint64_t one_sem = sizeof(ckpt_rec_sysv_sem) + sizeof(ckpt_sem);

} // namespace

TEST(NamespaceRecords, SemaphoreRecordsHoldWhatTheyCount)
{
	/* a set's semaphores, an undo record's adjustments, past the record */
	for (std::uint32_t type : {CKPT_REC_SYSV_SEM, CKPT_REC_SEM_UNDO}) {
		SCOPED_TRACE(cr::record_type_name(type));
		Bytes image = crtest::build_image([type](cr::RecordWriter &w) {
			w.write_header(cr::make_header(4242, 0));
			crtest::write_tree(w, 4242);
			Bytes payload(type == CKPT_REC_SYSV_SEM ? 48 + 16 : 8 + 8);
			/* nsems: 3 semaphores, 8 or 2 bytes each: 24 or 6, in 16 or 8 */
			std::uint32_t nsems = 3;
			std::memcpy(payload.data() + (type == CKPT_REC_SYSV_SEM ? 28 : 4), &nsems,
				    sizeof(nsems));
			w.write(type, payload);
			w.write_tail();
		});
		std::optional<cr::Error> e = crtest::read_through(image);
		if (type == CKPT_REC_SEM_UNDO) {
			EXPECT_FALSE(e) << e->what();
			continue;
		}
		ASSERT_TRUE(e);
		EXPECT_EQ(e->offset(), std::optional<std::uint64_t>(third_record));
		EXPECT_THAT(e->what(),
			    HasSubstr("SYSV_SEM record semaphore count 3 (24 bytes) does not fit "
				      "in the 72-byte record"));
	}
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		crtest::write_tree(w, 4242);
		ckpt_rec_sem_undo undo{};
		undo.nsems = 5; /* 10 bytes */
		crtest::write_record(w, CKPT_REC_SEM_UNDO, undo, Bytes(8));
		w.write_tail();
	});
	std::optional<cr::Error> e = crtest::read_through(image);
	ASSERT_TRUE(e);
	EXPECT_THAT(e->what(), HasSubstr("SEM_UNDO record semaphore count 5 (10 bytes) does not "
					 "fit in the 24-byte record"));
}

TEST(NamespaceRecords, VerifyPlacesTheSemaphoreRecords)
{
	/* in a task's records, after an IPC_NS record there: fine */
	Bytes image = sem_image([](cr::RecordWriter &w) {
		write_ipc_ns(w, 2);
		write_one_sem(w);
		w.write(CKPT_REC_PADDING, Bytes(8));
		write_one_sem(w);
		const std::int16_t adj[] = {-1};
		crtest::write_sem_undo(w, 0, adj);
	});
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	ASSERT_EQ(sum.contents.tasks.size(), 1u);
	EXPECT_EQ(sum.contents.tasks[0].sysv_sems.size(), 2u);
	EXPECT_EQ(sum.contents.tasks[0].sem_undos.size(), 1u);

	/* between the TREE and the first TASK record */
	for (std::uint32_t type : {CKPT_REC_SYSV_SEM, CKPT_REC_SEM_UNDO}) {
		image = crtest::build_image([type](cr::RecordWriter &w) {
			w.write_header(cr::make_header(9, 0));
			const ckpt_task_ids t[] = {crtest::task_ids(9, 0, 9, 9)};
			crtest::write_tree_of(w, t);
			if (type == CKPT_REC_SYSV_SEM)
				write_one_sem(w);
			else
				crtest::write_sem_undo(w, 0, std::vector<std::int16_t>{1});
			w.write_tail();
		});
		cr::Error err = expect_verify_problem(image, sizeof(ckpt_rec_header) +
								     sizeof(ckpt_rec_tree) +
								     sizeof(ckpt_task_ids));
		EXPECT_THAT(err.message(),
			    HasSubstr(fmt::format("a {} record before the first TASK record",
						  cr::record_type_name(type))));
	}

	/* a set without an IPC_NS record in the task's records */
	image = sem_image([](cr::RecordWriter &w) { write_one_sem(w); });
	cr::Error err = expect_verify_problem(image, sem_body);
	EXPECT_THAT(err.message(), HasSubstr("a SYSV_SEM record in the records of pid 9 without "
					     "an IPC_NS record before it"));
	/* ... of the task: the one of the task before does not count */
	image = sem_image([](cr::RecordWriter &w) {
		write_ipc_ns(w, 1);
		ckpt_rec_task task{};
		task.pid = 10;
		crtest::write_record(w, CKPT_REC_TASK, task);
		write_one_sem(w);
	});
	err = expect_verify_problem(image,
				    sem_body + sizeof(ckpt_rec_ipc_ns) + sizeof(ckpt_rec_task));
	EXPECT_THAT(err.message(), HasSubstr("in the records of pid 10 without an IPC_NS record"));

	/* more sets than the IPC_NS record counts */
	image = sem_image([](cr::RecordWriter &w) {
		write_ipc_ns(w, 1);
		write_one_sem(w);
		write_one_sem(w);
	});
	err = expect_verify_problem(image, sem_body + sizeof(ckpt_rec_ipc_ns) + one_sem);
	EXPECT_THAT(err.message(),
		    HasSubstr(fmt::format("a SYSV_SEM record beyond the 1 semaphore sets that the "
					  "IPC_NS record at byte offset {} counts",
					  sem_body)));

	/* a thread's adjustments */
	image = sem_image([](cr::RecordWriter &w) {
		ckpt_rec_task task{};
		task.pid = 10;
		crtest::write_record(w, CKPT_REC_TASK, task);
		crtest::write_sem_undo(w, 0, std::vector<std::int16_t>{1});
	});
	err = expect_verify_problem(image, sem_body + sizeof(ckpt_rec_task));
	EXPECT_THAT(err.message(), HasSubstr("a SEM_UNDO record in the records of pid 10, a thread "
					     "of process 9"));
}
