// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The records of a process (TREE, TASK, CREDS, CPU_X86_64, MM, VMA, PAGES,
 * MEMFD, DELETED_FILE, FS, FILE, SIGHAND, POSIX_TIMERS, INET_SOCK, UNIX_SOCK, NETLINK_SOCK...):
 * accepted as known mandatory types, decoded, summarised by verify_image(),
 * and refused when shorter than their structure or when their variable
 * part does not fit.
 */
#include "bytes.h"
#include "image_verify.h"
#include "process_records.h"
#include "record_names.h"
#include "record_reader.h"
#include "record_writer.h"
#include "test_util.h"

#include <climits>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <functional>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

using crtest::Bytes;
using testing::ElementsAre;
using testing::HasSubstr;

namespace {

/* Every record of @image, read through a memfd. */
std::vector<cr::Record> records_of(const Bytes &image)
{
	cr::Fd fd = crtest::memfd_with(image);
	cr::RecordReader reader(fd.get());
	std::vector<cr::Record> out;
	while (std::optional<cr::Record> rec = reader.next())
		out.push_back(std::move(*rec));
	return out;
}

const cr::Record &find(const std::vector<cr::Record> &recs, std::uint32_t type)
{
	for (const cr::Record &r : recs)
		if (r.type == type)
			return r;
	throw std::runtime_error("no such record");
}

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

/* The offset of the record after HEADER and a one-task TREE. */
constexpr std::uint64_t third_record =
	sizeof(ckpt_rec_header) + sizeof(ckpt_rec_tree) + sizeof(ckpt_task_ids);

cr::Error expect_malformed(const Bytes &image, std::uint64_t offset)
{
	std::optional<cr::Error> e = crtest::read_through(image);
	if (!e) {
		ADD_FAILURE() << "the reader accepted the image";
		return cr::Error(0, "");
	}
	EXPECT_EQ(e->err(), EINVAL) << e->what();
	EXPECT_EQ(e->offset(), std::optional<std::uint64_t>(offset)) << e->what();
	EXPECT_THAT(e->what(), HasSubstr("at byte offset " + std::to_string(offset) + ":"));
	return *e;
}

struct TypeSize {
	std::uint32_t type;
	std::size_t size;
};

const TypeSize process_types[] = {
	{CKPT_REC_TREE, sizeof(ckpt_rec_tree)},
	{CKPT_REC_TASK, CKPT_REC_TASK_SIZE_1_6},
	{CKPT_REC_CREDS, sizeof(ckpt_rec_creds)},
	{CKPT_REC_CPU_X86_64, sizeof(ckpt_rec_cpu_x86_64)},
	{CKPT_REC_MM, sizeof(ckpt_rec_mm)},
	{CKPT_REC_VMA, sizeof(ckpt_rec_vma)},
	{CKPT_REC_PAGES, sizeof(ckpt_rec_pages)},
	{CKPT_REC_FILE, sizeof(ckpt_rec_file)},
	{CKPT_REC_FS, sizeof(ckpt_rec_fs)},
	{CKPT_REC_PIPE_DATA, sizeof(ckpt_rec_pipe_data)},
	{CKPT_REC_SIGHAND, sizeof(ckpt_rec_sighand)},
};

} // namespace

TEST(ProcessRecords, KnownMandatoryTypes)
{
	for (const TypeSize &t : process_types) {
		EXPECT_TRUE(cr::is_known_record_type(t.type)) << t.type;
		EXPECT_FALSE(t.type & CKPT_REC_OPTIONAL) << t.type;
	}
	EXPECT_EQ(cr::record_type_name(CKPT_REC_TREE), "TREE");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_TASK), "TASK");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_CREDS), "CREDS");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_FS), "FS");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_PIPE_DATA), "PIPE_DATA");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_CPU_X86_64), "CPU_X86_64");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_MM), "MM");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_VMA), "VMA");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_PAGES), "PAGES");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_FILE), "FILE");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_SIGHAND), "SIGHAND");
}

TEST(ProcessRecords, ReaderAcceptsAProcessImage)
{
	Bytes image = crtest::process_image();
	cr::Fd fd = crtest::memfd_with(image);
	EXPECT_FALSE(crtest::read_through(fd.get()));
	crtest::PipeFeeder feeder(image, 4093);
	EXPECT_FALSE(crtest::read_through(feeder.fd()));

	std::vector<cr::Record> recs = records_of(image);
	std::vector<std::uint32_t> types;
	for (const cr::Record &r : recs) {
		EXPECT_FALSE(r.skipped) << cr::record_type_name(r.type);
		if (types.empty() || types.back() != r.type)
			types.push_back(r.type);
	}
	EXPECT_THAT(types,
		    ElementsAre(CKPT_REC_HEADER, CKPT_REC_TREE, CKPT_REC_TASK, CKPT_REC_CREDS,
				CKPT_REC_CPU_X86_64, CKPT_REC_MM, CKPT_REC_MAPPED_FILE,
				CKPT_REC_VMA, CKPT_REC_PAGES, CKPT_REC_VMA, CKPT_REC_PAGES,
				CKPT_REC_VMA, CKPT_REC_PAGES, CKPT_REC_VMA, CKPT_REC_FS,
				CKPT_REC_FILE, CKPT_REC_INOTIFY, CKPT_REC_INOTIFY_WATCH,
				CKPT_REC_INOTIFY_EVENT, CKPT_REC_FILE, CKPT_REC_SIGHAND,
				CKPT_REC_POSIX_TIMERS, CKPT_REC_TAIL));
}

TEST(ProcessRecords, ExactStructureSizeAccepted)
{
	for (const TypeSize &t : process_types) {
		Bytes image = image_with(t.type, t.size - sizeof(ckpt_hdr));
		std::optional<cr::Error> e = crtest::read_through(image);
		EXPECT_FALSE(e) << cr::record_type_name(t.type) << ": " << e->what();
	}
}

TEST(ProcessRecords, ShorterThanStructureIsMalformed)
{
	for (const TypeSize &t : process_types) {
		/* 8 bytes short: still a valid record length otherwise. */
		Bytes image = image_with(t.type, t.size - sizeof(ckpt_hdr) - 8);
		std::uint64_t at = t.type == CKPT_REC_TREE ? third_record - sizeof(ckpt_task_ids)
							   : third_record;
		if (t.type == CKPT_REC_TREE) {
			/* The TREE of image_with() comes first: make the short one the only one. */
			image = crtest::build_image([&t](cr::RecordWriter &w) {
				w.write_header(cr::make_header(4242, 0));
				w.write(t.type, Bytes(t.size - sizeof(ckpt_hdr) - 8));
				w.write_tail();
			});
			at = sizeof(ckpt_rec_header);
		}
		cr::Error e = expect_malformed(image, at);
		EXPECT_THAT(e.what(), HasSubstr(fmt::format("a {} record is at least {} bytes",
							    cr::record_type_name(t.type), t.size)));
	}
}

TEST(ProcessRecords, VariablePartMustFit)
{
	struct Case {
		std::uint32_t type;
		std::function<Bytes()> payload;
		const char *what;
	};
	auto body = [](const auto &s, std::size_t extra) {
		Bytes b(sizeof(s) - sizeof(ckpt_hdr) + extra);
		std::memcpy(b.data(), reinterpret_cast<const std::byte *>(&s) + sizeof(ckpt_hdr),
			    sizeof(s) - sizeof(ckpt_hdr));
		return b;
	};
	std::vector<Case> cases = {
		{CKPT_REC_TASK, [&] { return body(ckpt_rec_task{}, 0); }, nullptr},
		{CKPT_REC_CPU_X86_64,
		 [&] {
			 ckpt_rec_cpu_x86_64 c{};
			 c.xsave_size = 17;
			 return body(c, 16);
		 },
		 "CPU_X86_64 record xsave size 17 does not fit"},
		{CKPT_REC_MM,
		 [&] {
			 ckpt_rec_mm m{};
			 m.exe_len = 9;
			 return body(m, 8);
		 },
		 "MM record exe path length 9 does not fit"},
		{CKPT_REC_VMA,
		 [&] {
			 ckpt_rec_vma v{};
			 v.path_len = 1000;
			 return body(v, 8);
		 },
		 "VMA record path length 1000 does not fit in the 56-byte record"},
		{CKPT_REC_PAGES,
		 [&] {
			 ckpt_rec_pages p{};
			 p.nr_pages = 2;
			 return body(p, static_cast<std::size_t>(::getpagesize()));
		 },
		 "PAGES record page count 2"},
		{CKPT_REC_FILE,
		 [&] {
			 ckpt_rec_file f{};
			 f.path_len = 0xffffffff;
			 return body(f, 0);
		 },
		 "FILE record path length 4294967295 does not fit"},
		{CKPT_REC_CREDS,
		 [&] {
			 ckpt_rec_creds c{};
			 c.ngroups = 3;
			 return body(c, 8);
		 },
		 "CREDS record group count 3 (12 bytes) does not fit"},
		{CKPT_REC_FS,
		 [&] {
			 ckpt_rec_fs f{};
			 f.cwd_len = 8;
			 return body(f, 8);
		 },
		 nullptr},
		{CKPT_REC_FS,
		 [&] {
			 ckpt_rec_fs f{};
			 f.cwd_len = 9;
			 return body(f, 8);
		 },
		 "FS record path lengths 9 + 0 does not fit"},
		{CKPT_REC_FS,
		 [&] {
			 ckpt_rec_fs f{};
			 f.cwd_len = 4;
			 f.root_len = 5;
			 return body(f, 8);
		 },
		 "FS record path lengths 4 + 5 does not fit"},
		{CKPT_REC_INOTIFY_WATCH,
		 [&] {
			 ckpt_rec_inotify_watch w{};
			 w.path_len = 9;
			 Bytes b = body(w, 8);
			 b[sizeof(w) - sizeof(ckpt_hdr)] = std::byte{'/'};
			 return b;
		 },
		 "INOTIFY_WATCH record path length 9 does not fit in the 32-byte record"},
		{CKPT_REC_INOTIFY_WATCH,
		 [&] {
			 ckpt_rec_inotify_watch w{};
			 w.path_len = 0xffffffff;
			 return body(w, 0);
		 },
		 "INOTIFY_WATCH record path length 4294967295 does not fit"},
		{CKPT_REC_INOTIFY_EVENT,
		 [&] {
			 ckpt_rec_inotify_event e{};
			 e.name_len = 9;
			 return body(e, 8);
		 },
		 "INOTIFY_EVENT record name length 9 does not fit in the 40-byte record"},
		{CKPT_REC_INOTIFY_EVENT,
		 [&] {
			 ckpt_rec_inotify_event e{};
			 e.name_len = 8;
			 return body(e, 8);
		 },
		 "INOTIFY_EVENT record name holds a NUL byte"},
	};
	for (const Case &c : cases) {
		Bytes payload = c.payload();
		Bytes image = crtest::build_image([&](cr::RecordWriter &w) {
			w.write_header(cr::make_header(4242, 0));
			crtest::write_tree(w, 4242);
			w.write(c.type, payload);
			w.write_tail();
		});
		if (!c.what) {
			EXPECT_FALSE(crtest::read_through(image));
			continue;
		}
		cr::Error e = expect_malformed(image, third_record);
		EXPECT_THAT(e.what(), HasSubstr(c.what));
	}

	/* A TREE announcing more tasks than it holds. */
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		ckpt_rec_tree tree{};
		tree.nr_tasks = 3;
		tree.task_size = sizeof(ckpt_task_ids);
		crtest::write_record(w, CKPT_REC_TREE, tree, Bytes(2 * sizeof(ckpt_task_ids)));
		w.write_tail();
	});
	cr::Error e = expect_malformed(image, sizeof(ckpt_rec_header));
	EXPECT_THAT(e.what(),
		    HasSubstr(fmt::format("TREE record task count 3 ({} bytes) does not "
					  "fit in the {}-byte record",
					  3 * sizeof(ckpt_task_ids),
					  sizeof(ckpt_rec_tree) + 2 * sizeof(ckpt_task_ids))));
}

TEST(ProcessRecords, PageDataCountsInHeaderPageSize)
{
	/* With 64 KiB pages, one page of 4 KiB data is too little. */
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		ckpt_rec_header h = cr::make_header(4242, 0);
		h.page_shift = 16;
		w.write_header(h);
		ckpt_rec_pages p{};
		p.nr_pages = 1;
		crtest::write_record(w, CKPT_REC_PAGES, p, Bytes(4096));
		w.write_tail();
	});
	cr::Error e = expect_malformed(image, sizeof(ckpt_rec_header));
	EXPECT_THAT(e.what(), HasSubstr("page count 1 (65536 bytes)"));

	/* An absurd page size never overflows into acceptance. */
	image = crtest::build_image([](cr::RecordWriter &w) {
		ckpt_rec_header h = cr::make_header(4242, 0);
		h.page_shift = 64;
		w.write_header(h);
		ckpt_rec_pages p{};
		p.nr_pages = 1;
		crtest::write_record(w, CKPT_REC_PAGES, p, Bytes(8));
		w.write_tail();
	});
	expect_malformed(image, sizeof(ckpt_rec_header));
}

TEST(ProcessRecords, Parse)
{
	std::vector<cr::Record> recs = records_of(crtest::process_image(4242, 2));

	cr::TreeRecord tree = cr::parse_tree_record(find(recs, CKPT_REC_TREE));
	ASSERT_EQ(tree.tasks.size(), 2u);
	EXPECT_EQ(tree.tasks[0].pid, 4242);
	EXPECT_EQ(tree.tasks[0].ppid, 0);
	EXPECT_EQ(tree.tasks[0].flags, CKPT_TASK_SESSION_LEADER | CKPT_TASK_GROUP_LEADER);
	EXPECT_EQ(tree.tasks[1].pid, 4243);
	EXPECT_EQ(tree.tasks[1].ppid, 4242);

	cr::MmRecord mm = cr::parse_mm_record(find(recs, CKPT_REC_MM));
	EXPECT_EQ(mm.exe, "/usr/bin/sleep");
	EXPECT_EQ(mm.mm.brk, 0x625000u);
	EXPECT_EQ(mm.mm.nr_vmas, 4u);

	cr::VmaRecord vma = cr::parse_vma_record(find(recs, CKPT_REC_VMA));
	EXPECT_EQ(vma.path, "/usr/bin/sleep");
	EXPECT_EQ(vma.vma.start, 0x400000u);
	EXPECT_EQ(vma.vma.prot, static_cast<std::uint32_t>(PROT_READ | PROT_EXEC));

	cr::CredsRecord creds = cr::parse_creds_record(find(recs, CKPT_REC_CREDS));
	EXPECT_EQ(creds.creds.uid, 1000u);
	EXPECT_EQ(creds.creds.euid, 0u);
	EXPECT_THAT(creds.groups, ElementsAre(4u, 24u, 27u));

	cr::FsRecord fs = cr::parse_fs_record(find(recs, CKPT_REC_FS));
	EXPECT_EQ(fs.cwd, "/home/user");
	EXPECT_EQ(fs.root, "/srv/jail");

	cr::FileRecord file = cr::parse_file_record(find(recs, CKPT_REC_FILE));
	EXPECT_EQ(file.path, "/dev/pts/0");
	EXPECT_EQ(file.file.kind, static_cast<std::uint32_t>(CKPT_FILE_TTY));

	auto sighand = cr::load<ckpt_rec_sighand>(find(recs, CKPT_REC_SIGHAND).bytes);
	EXPECT_THAT(cr::non_default_signals(sighand), ElementsAre(SIGINT, SIGPIPE));

	cr::PosixTimersRecord timers =
		cr::parse_posix_timers_record(find(recs, CKPT_REC_POSIX_TIMERS));
	EXPECT_EQ(timers.posix_timers.next_id, 3);
	EXPECT_EQ(timers.posix_timers.nr_timers, 2u);
	ASSERT_EQ(timers.timers.size(), 2u);
	EXPECT_EQ(timers.timers[0].id, 0);
	EXPECT_EQ(timers.timers[1].id, 2);
	EXPECT_EQ(timers.timers[1].tid, 4242);
}

TEST(ProcessRecords, VerifyImageGroupsTheContents)
{
	cr::Fd fd = crtest::memfd_with(crtest::process_image());
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	const cr::ImageContents &c = sum.contents;

	ASSERT_TRUE(c.tree);
	EXPECT_EQ(c.tree->offset, sizeof(ckpt_rec_header));
	ASSERT_EQ(c.tasks.size(), 1u);
	const cr::TaskContents &t = c.tasks[0];
	ASSERT_TRUE(t.task);
	EXPECT_EQ(t.task->rec.pid, 4242);
	EXPECT_EQ(cr::c_string_view(t.task->rec.comm), "sleep");
	ASSERT_TRUE(t.creds);
	EXPECT_EQ(t.creds->rec.groups.size(), 3u);
	ASSERT_TRUE(t.cpu);
	EXPECT_EQ(t.cpu->rec.regs[cr::x86_64_ip_reg], 0x401000u);
	ASSERT_TRUE(t.mm);
	EXPECT_EQ(t.mm->rec.exe, "/usr/bin/sleep");
	ASSERT_EQ(t.vmas.size(), 4u);
	/* the MAPPED_FILE record before the file mapping goes with it alone */
	ASSERT_TRUE(t.vmas[0].file);
	EXPECT_EQ(t.vmas[0].file->offset + sizeof(ckpt_rec_mapped_file), t.vmas[0].offset);
	EXPECT_EQ(t.vmas[0].file->rec.size, 35336u);
	EXPECT_EQ(t.vmas[0].file->rec.mtime_sec, 1700000000);
	EXPECT_EQ(t.vmas[0].file->rec.mtime_nsec, 123456789u);
	EXPECT_FALSE(t.vmas[1].file);
	EXPECT_FALSE(t.vmas[3].file);
	EXPECT_EQ(t.vmas[0].pages, 2u);
	EXPECT_EQ(t.vmas[0].page_records, 1u);
	EXPECT_EQ(t.vmas[1].pages, 37u);
	EXPECT_EQ(t.vmas[1].page_records, 3u);
	EXPECT_EQ(t.vmas[2].pages, 1u);
	EXPECT_EQ(t.vmas[3].pages, 0u);
	ASSERT_TRUE(t.fs);
	EXPECT_EQ(t.fs->rec.cwd, "/home/user");
	EXPECT_EQ(t.fs->rec.root, "/srv/jail");
	ASSERT_EQ(t.files.size(), 4u);
	EXPECT_EQ(t.files[2].rec.path, "/etc/passwd");
	EXPECT_EQ(t.files[3].rec.file.kind, static_cast<std::uint32_t>(CKPT_FILE_INOTIFY));
	EXPECT_EQ(t.files[3].rec.file.objref, crtest::inotify_objref);
	/* the instance, then its watches and events, right before its FILE record */
	ASSERT_EQ(t.inotifies.size(), 1u);
	const cr::InotifyContents &in = t.inotifies[0];
	ASSERT_TRUE(in.instance);
	EXPECT_EQ(in.objref, crtest::inotify_objref);
	EXPECT_EQ(in.instance->rec.next_wd, 4);
	EXPECT_EQ(in.instance->rec.flags, CKPT_INOTIFY_NONBLOCK);
	ASSERT_EQ(in.watches.size(), 2u);
	EXPECT_EQ(in.watches[0].offset, in.instance->offset + sizeof(ckpt_rec_inotify));
	EXPECT_EQ(in.watches[0].rec.watch.wd, 1);
	EXPECT_EQ(in.watches[0].rec.watch.mask, static_cast<std::uint32_t>(IN_CREATE | IN_DELETE));
	EXPECT_EQ(in.watches[0].rec.path, "/tmp/x");
	EXPECT_EQ(in.watches[1].rec.watch.wd, 3);
	EXPECT_EQ(in.watches[1].rec.path, "/home/user/notes.txt");
	ASSERT_EQ(in.events.size(), 1u);
	EXPECT_EQ(in.events[0].rec.event.wd, 1);
	EXPECT_EQ(in.events[0].rec.event.mask, static_cast<std::uint32_t>(IN_CREATE));
	EXPECT_EQ(in.events[0].rec.event.cookie, 0u);
	EXPECT_EQ(in.events[0].rec.name, "a");
	EXPECT_EQ(in.events[0].offset + in.events[0].rec.event.h.len, t.files[3].offset);
	ASSERT_TRUE(t.sighand);
	/* the process's timers, after its signal records */
	ASSERT_TRUE(t.posix_timers);
	EXPECT_EQ(t.posix_timers->offset, t.sighand->offset + sizeof(ckpt_rec_sighand));
	const cr::PosixTimersRecord &pt = t.posix_timers->rec;
	EXPECT_EQ(pt.posix_timers.next_id, 3);
	ASSERT_EQ(pt.timers.size(), 2u);
	EXPECT_EQ(pt.timers[0].id, 0);
	EXPECT_EQ(pt.timers[0].clockid, CLOCK_MONOTONIC);
	EXPECT_EQ(pt.timers[0].notify, SIGEV_SIGNAL);
	EXPECT_EQ(pt.timers[0].signo, 35);
	EXPECT_EQ(pt.timers[0].sigval, 0x2au);
	EXPECT_EQ(pt.timers[0].flags, CKPT_PTIMER_ARMED);
	EXPECT_EQ(pt.timers[0].value_ns, 1500000000);
	EXPECT_EQ(pt.timers[0].interval_ns, 250000000);
	EXPECT_EQ(pt.timers[1].id, 2);
	EXPECT_EQ(pt.timers[1].clockid, CLOCK_REALTIME);
	EXPECT_EQ(pt.timers[1].notify, SIGEV_SIGNAL | SIGEV_THREAD_ID);
	EXPECT_EQ(pt.timers[1].signo, SIGUSR1);
	EXPECT_EQ(pt.timers[1].tid, 4242);
	EXPECT_EQ(pt.timers[1].flags, CKPT_PTIMER_ABSTIME | CKPT_PTIMER_SIGPENDING);
	EXPECT_EQ(pt.timers[1].value_ns, 1795873207000000000);
	EXPECT_EQ(pt.timers[1].overrun, 3);
	EXPECT_EQ(pt.timers[1].overrun_last, 1);
	EXPECT_EQ(pt.timers[1].sig_overrun, 2);
	EXPECT_EQ(pt.timers[1].requeue, 9u);
	EXPECT_EQ(pt.timers[1].sig_private, 9u);

	ASSERT_EQ(c.page_runs.size(), 3u);
	EXPECT_EQ(c.page_runs[1].offset, t.vmas[1].offset + t.vmas[1].vma.vma.h.len);
	EXPECT_EQ(c.page_runs[1].addr, 0x600000u);
	EXPECT_EQ(c.page_runs[1].records, 3u);
	EXPECT_EQ(c.page_runs[1].pages, 37u);
	EXPECT_EQ(c.page_runs[1].bytes,
		  3 * sizeof(ckpt_rec_pages) + 37 * static_cast<std::uint64_t>(::getpagesize()));

	EXPECT_EQ(c.nr_tasks, 1u);
	EXPECT_EQ(c.nr_vmas, 4u);
	EXPECT_EQ(c.nr_pages, crtest::process_pages);
	EXPECT_EQ(c.page_bytes,
		  crtest::process_pages * static_cast<std::uint64_t>(::getpagesize()));
}

TEST(ProcessRecords, ContentsKeptUpToAProblem)
{
	/* Cut in the PAGES records of the second VMA. */
	Bytes image = crtest::process_image();
	cr::Fd fd = crtest::pipe_with(std::span(image).first(60000));
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.problem);
	EXPECT_EQ(sum.problem->err(), EBADMSG);
	EXPECT_EQ(sum.contents.nr_tasks, 1u);
	EXPECT_EQ(sum.contents.nr_vmas, 2u);
}

TEST(ProcessRecords, Names)
{
	EXPECT_EQ(cr::prot_rwx(PROT_READ | PROT_EXEC), "r-x");
	EXPECT_EQ(cr::prot_rwx(PROT_READ | PROT_WRITE | PROT_EXEC), "rwx");
	EXPECT_EQ(cr::prot_rwx(PROT_NONE), "---");
	EXPECT_EQ(cr::prot_rwx(PROT_WRITE | 0x8), "-w-+0x8");
	EXPECT_EQ(cr::vma_kind_name(CKPT_VMA_ANON), "anon");
	EXPECT_EQ(cr::vma_kind_name(CKPT_VMA_VVAR), "vvar");
	EXPECT_EQ(cr::vma_kind_name(9), "unknown (9)");
	EXPECT_EQ(cr::vma_flags_names(0), "none");
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_GROWSDOWN | CKPT_VMA_DONTDUMP),
		  "GROWSDOWN|DONTDUMP");
	EXPECT_EQ(cr::task_flags_names(CKPT_TASK_GROUP_LEADER | CKPT_TASK_CTTY | 0x400),
		  "GROUP_LEADER|CTTY|0x400");
	EXPECT_EQ(cr::task_flags_names(CKPT_TASK_STOPPED | CKPT_TASK_STOP_WAITED),
		  "STOPPED|STOP_WAITED");
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_HUGEPAGE | CKPT_VMA_MERGEABLE),
		  "HUGEPAGE|MERGEABLE");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_SHMEM), "SHMEM");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_MAPPED_FILE), "MAPPED_FILE");
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_MAPPED_FILE));
	EXPECT_EQ(cr::record_type_name(CKPT_REC_SHARE), "SHARE");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_INOTIFY), "INOTIFY");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_INOTIFY_WATCH), "INOTIFY_WATCH");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_INOTIFY_EVENT), "INOTIFY_EVENT");
	EXPECT_EQ(cr::file_kind_name(CKPT_FILE_INOTIFY), "inotify");
	EXPECT_EQ(cr::file_kind_name(CKPT_FILE_EPOLL), "epoll");
	EXPECT_EQ(cr::inotify_mask_names(IN_CREATE | IN_DELETE), "IN_CREATE|IN_DELETE");
	EXPECT_EQ(cr::inotify_mask_names(IN_CLOSE_WRITE | IN_EXCL_UNLINK | IN_ONESHOT),
		  "IN_CLOSE_WRITE|IN_EXCL_UNLINK|IN_ONESHOT");
	EXPECT_EQ(cr::inotify_mask_names(IN_Q_OVERFLOW), "IN_Q_OVERFLOW");
	EXPECT_EQ(cr::inotify_mask_names(IN_CREATE | IN_ISDIR), "IN_CREATE|IN_ISDIR");
	EXPECT_EQ(cr::inotify_mask_names(IN_MODIFY | 0x1000), "IN_MODIFY|0x1000");
	EXPECT_EQ(cr::inotify_mask_names(0), "none");
	EXPECT_EQ(cr::file_kind_name(CKPT_FILE_CHR), "chr");
	EXPECT_EQ(cr::file_kind_name(0), "unknown (0)");
	EXPECT_EQ(cr::open_flags_names(O_RDONLY), "O_RDONLY");
	EXPECT_EQ(cr::open_flags_names(O_WRONLY | O_APPEND), "O_WRONLY|O_APPEND");
	EXPECT_EQ(cr::open_flags_names(O_RDWR | O_SYNC), "O_RDWR|O_SYNC");
	EXPECT_EQ(cr::open_flags_names(O_RDWR | O_DSYNC), "O_RDWR|O_DSYNC");
#if defined(__x86_64__)
	/* The kernel's O_LARGEFILE, which the C library calls 0 here. */
	EXPECT_EQ(cr::open_flags_names(0100000), "O_RDONLY|O_LARGEFILE");
#endif
	EXPECT_EQ(cr::signal_name(SIGINT), "INT");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_POSIX_TIMERS), "POSIX_TIMERS");
	EXPECT_EQ(cr::clock_name(CLOCK_REALTIME), "CLOCK_REALTIME");
	EXPECT_EQ(cr::clock_name(CLOCK_MONOTONIC), "CLOCK_MONOTONIC");
	EXPECT_EQ(cr::clock_name(CLOCK_BOOTTIME), "CLOCK_BOOTTIME");
	EXPECT_EQ(cr::clock_name(CLOCK_TAI), "CLOCK_TAI");
	EXPECT_EQ(cr::clock_name(CLOCK_PROCESS_CPUTIME_ID), "CLOCK_PROCESS_CPUTIME_ID");
	EXPECT_EQ(cr::clock_name(CLOCK_REALTIME_ALARM), "CLOCK_REALTIME_ALARM");
	EXPECT_EQ(cr::clock_name(-6), "unknown clock (-6)");
	EXPECT_EQ(cr::sigev_notify_name(SIGEV_SIGNAL), "SIGEV_SIGNAL");
	EXPECT_EQ(cr::sigev_notify_name(SIGEV_NONE), "SIGEV_NONE");
	EXPECT_EQ(cr::sigev_notify_name(SIGEV_SIGNAL | SIGEV_THREAD_ID), "SIGEV_THREAD_ID");
	EXPECT_EQ(cr::sigev_notify_name(SIGEV_NONE | SIGEV_THREAD_ID), "unknown notification (5)");
	EXPECT_EQ(cr::posix_timer_flags_names(0), "none");
	EXPECT_EQ(cr::posix_timer_flags_names(CKPT_PTIMER_ARMED), "ARMED");
	EXPECT_EQ(cr::posix_timer_flags_names(CKPT_PTIMER_ABSTIME | CKPT_PTIMER_SIGPENDING | 0x10),
		  "ABSTIME|SIGPENDING|0x10");
	EXPECT_EQ(cr::signal_full_name(SIGUSR1), "SIGUSR1");
	EXPECT_EQ(cr::signal_full_name(SIGRTMIN), "SIGRTMIN");
	EXPECT_EQ(cr::signal_full_name(SIGRTMIN + 1), "SIGRTMIN+1");
	EXPECT_EQ(cr::signal_full_name(SIGRTMAX), "SIGRTMAX");
	EXPECT_EQ(cr::signal_full_name(0), "signal 0");
	EXPECT_EQ(cr::signal_full_name(65), "signal 65");
}

TEST(ProcessRecords, InotifyRecordsKnownAndSized)
{
	const TypeSize inotify_types[] = {
		{CKPT_REC_INOTIFY, sizeof(ckpt_rec_inotify)},
		{CKPT_REC_INOTIFY_WATCH, sizeof(ckpt_rec_inotify_watch)},
		{CKPT_REC_INOTIFY_EVENT, sizeof(ckpt_rec_inotify_event)},
	};
	EXPECT_EQ(sizeof(ckpt_rec_inotify), 24u);
	EXPECT_EQ(sizeof(ckpt_rec_inotify_watch), 24u);
	EXPECT_EQ(sizeof(ckpt_rec_inotify_event), 32u);
	for (const TypeSize &t : inotify_types) {
		EXPECT_TRUE(cr::is_known_record_type(t.type)) << t.type;
		EXPECT_FALSE(t.type & CKPT_REC_OPTIONAL) << t.type;
		/* 8 bytes short: still a valid record length otherwise. */
		cr::Error e = expect_malformed(image_with(t.type, t.size - sizeof(ckpt_hdr) - 8),
					       third_record);
		EXPECT_THAT(e.what(), HasSubstr(fmt::format("a {} record is at least {} bytes",
							    cr::record_type_name(t.type), t.size)));
	}
	/* The structure alone: an instance, an event without a name. */
	EXPECT_FALSE(crtest::read_through(
		image_with(CKPT_REC_INOTIFY, sizeof(ckpt_rec_inotify) - sizeof(ckpt_hdr))));
	EXPECT_FALSE(crtest::read_through(image_with(
		CKPT_REC_INOTIFY_EVENT, sizeof(ckpt_rec_inotify_event) - sizeof(ckpt_hdr))));
	/* A longer payload, from a newer minor version, is accepted. */
	EXPECT_FALSE(crtest::read_through(
		image_with(CKPT_REC_INOTIFY, sizeof(ckpt_rec_inotify) - sizeof(ckpt_hdr) + 8)));
}

TEST(ProcessRecords, FileOwnerRecordKnownAndSized)
{
	constexpr std::size_t body = sizeof(ckpt_rec_file_owner) - sizeof(ckpt_hdr);
	EXPECT_EQ(sizeof(ckpt_rec_file_owner), 32u);
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_FILE_OWNER));
	EXPECT_FALSE(CKPT_REC_FILE_OWNER & CKPT_REC_OPTIONAL);
	/* 8 bytes short: still a valid record length otherwise. */
	cr::Error e = expect_malformed(image_with(CKPT_REC_FILE_OWNER, body - 8), third_record);
	EXPECT_THAT(e.what(), HasSubstr("a FILE_OWNER record is at least 32 bytes"));
	EXPECT_FALSE(crtest::read_through(image_with(CKPT_REC_FILE_OWNER, body)));
	/* A longer payload, from a newer minor version, is accepted. */
	EXPECT_FALSE(crtest::read_through(image_with(CKPT_REC_FILE_OWNER, body + 8)));
}

TEST(ProcessRecords, MemfdRecordKnownAndSized)
{
	constexpr std::size_t body = sizeof(ckpt_rec_memfd) - sizeof(ckpt_hdr);
	EXPECT_EQ(sizeof(ckpt_rec_memfd), 40u);
	EXPECT_EQ(offsetof(ckpt_rec_memfd, objref), 8u);
	EXPECT_EQ(offsetof(ckpt_rec_memfd, flags), 12u);
	EXPECT_EQ(offsetof(ckpt_rec_memfd, size), 16u);
	EXPECT_EQ(offsetof(ckpt_rec_memfd, seals), 24u);
	EXPECT_EQ(offsetof(ckpt_rec_memfd, mode), 28u);
	EXPECT_EQ(offsetof(ckpt_rec_memfd, name_len), 32u);
	EXPECT_EQ(offsetof(ckpt_rec_memfd, pad), 36u);
	/* a FILE record's memfd is its pipe and pty: the union after objref */
	EXPECT_EQ(sizeof(ckpt_rec_file), 48u);
	EXPECT_EQ(offsetof(ckpt_rec_file, memfd), offsetof(ckpt_rec_file, pipe));
	EXPECT_EQ(offsetof(ckpt_rec_file, memfd), 44u);
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_MEMFD));
	EXPECT_FALSE(CKPT_REC_MEMFD & CKPT_REC_OPTIONAL);
	/* 8 bytes short: still a valid record length otherwise. */
	cr::Error e = expect_malformed(image_with(CKPT_REC_MEMFD, body - 8), third_record);
	EXPECT_THAT(e.what(), HasSubstr("a MEMFD record is at least 40 bytes"));
	/* The structure alone: a memfd without a name, or named again. */
	EXPECT_FALSE(crtest::read_through(image_with(CKPT_REC_MEMFD, body)));
	/* A longer payload, from a newer minor version, is accepted. */
	EXPECT_FALSE(crtest::read_through(image_with(CKPT_REC_MEMFD, body + 8)));
}

TEST(ProcessRecords, MemfdNameMustFit)
{
	/* HEADER, TREE, a MEMFD record of @name_len with @bytes bytes after it, TAIL. */
	auto image = [](std::uint32_t name_len, std::size_t bytes) {
		return crtest::build_image([&](cr::RecordWriter &w) {
			w.write_header(cr::make_header(4242, 0));
			crtest::write_tree(w, 4242);
			ckpt_rec_memfd m{};
			m.objref = 5;
			m.flags = CKPT_MEMFD_NEW;
			m.name_len = name_len;
			crtest::write_record(w, CKPT_REC_MEMFD, m, Bytes(bytes, std::byte{'x'}));
			w.write_tail();
		});
	};
	EXPECT_FALSE(crtest::read_through(image(0, 0)));
	EXPECT_FALSE(crtest::read_through(image(5, 8)));
	EXPECT_FALSE(crtest::read_through(image(8, 8)));
	/* a name as long as memfd_create() takes (249 bytes), padded */
	EXPECT_FALSE(crtest::read_through(image(249, 256)));
	cr::Error e = expect_malformed(image(9, 8), third_record);
	EXPECT_THAT(e.what(),
		    HasSubstr("MEMFD record name length 9 does not fit in the 48-byte record"));
	e = expect_malformed(image(1, 0), third_record);
	EXPECT_THAT(e.what(),
		    HasSubstr("MEMFD record name length 1 does not fit in the 40-byte record"));
	e = expect_malformed(image(0xffffffff, 16), third_record);
	EXPECT_THAT(e.what(), HasSubstr("MEMFD record name length 4294967295 does not fit"));
}

TEST(ProcessRecords, MemfdParsed)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		crtest::write_tree(w, 4242);
		crtest::write_memfd(w, 9, CKPT_MEMFD_NEW, 123456, crtest::memfd_seals_jit, 0640,
				    "wl_shm-pool");
		w.write_tail();
	});
	std::vector<cr::Record> recs = records_of(image);
	const cr::Record &rec = find(recs, CKPT_REC_MEMFD);
	/* 40 bytes and 11 of name, padded to 56 */
	EXPECT_EQ(rec.len, 56u);
	cr::MemfdRecord m = cr::parse_memfd_record(rec);
	EXPECT_EQ(m.memfd.objref, 9u);
	EXPECT_EQ(m.memfd.flags, static_cast<std::uint32_t>(CKPT_MEMFD_NEW));
	EXPECT_EQ(m.memfd.size, 123456u);
	EXPECT_EQ(m.memfd.seals, crtest::memfd_seals_jit);
	EXPECT_EQ(m.memfd.mode, 0640u);
	EXPECT_EQ(m.memfd.name_len, 11u);
	EXPECT_EQ(m.name, "wl_shm-pool");
	EXPECT_EQ(cr::memfd_seals_names(m.memfd.seals),
		  "F_SEAL_WRITE|F_SEAL_FUTURE_WRITE|F_SEAL_EXEC");
}

TEST(ProcessRecords, MemfdContents)
{
	Bytes image = crtest::memfd_image();
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	EXPECT_EQ(sum.header->minor, CKPT_VERSION_MINOR);
	EXPECT_EQ(sum.contents.nr_memfds, 3u);
	EXPECT_EQ(sum.contents.nr_shmems, 0u);
	EXPECT_EQ(sum.contents.nr_vmas, 2u);
	EXPECT_EQ(sum.contents.nr_pages, 3u);
	ASSERT_EQ(sum.contents.tasks.size(), 2u);
	const cr::TaskContents &t = sum.contents.tasks[0];

	ASSERT_EQ(t.memfds.size(), 3u);
	/* the new memfd: its pages are its own, not a mapping's */
	const cr::MemfdContents &ring = t.memfds[0];
	EXPECT_EQ(ring.memfd.memfd.objref, 5u);
	EXPECT_EQ(ring.memfd.memfd.flags, static_cast<std::uint32_t>(CKPT_MEMFD_NEW));
	EXPECT_EQ(ring.memfd.memfd.size, 10000u);
	EXPECT_EQ(ring.memfd.memfd.seals, crtest::memfd_seals_ring);
	EXPECT_EQ(ring.memfd.memfd.mode, 0600u);
	EXPECT_EQ(ring.memfd.name, "ring");
	EXPECT_EQ(ring.pages, 2u);
	/* named again before the private mapping: only the objref */
	const cr::MemfdContents &again = t.memfds[1];
	EXPECT_EQ(again.memfd.memfd.objref, 5u);
	EXPECT_EQ(again.memfd.memfd.flags, 0u);
	EXPECT_EQ(again.memfd.memfd.size, 0u);
	EXPECT_TRUE(again.memfd.name.empty());
	EXPECT_EQ(again.pages, 0u);
	const cr::MemfdContents &jit = t.memfds[2];
	EXPECT_EQ(jit.memfd.memfd.objref, 7u);
	EXPECT_EQ(jit.memfd.memfd.seals, crtest::memfd_seals_jit);
	EXPECT_EQ(jit.memfd.memfd.mode, 0700u);
	EXPECT_EQ(jit.memfd.name, "jit code");
	EXPECT_EQ(jit.pages, 0u);

	/* each mapping right after a MEMFD record naming its memfd */
	ASSERT_EQ(t.vmas.size(), 2u);
	for (std::size_t i = 0; i < 2; i++) {
		EXPECT_EQ(t.vmas[i].vma.vma.kind, static_cast<std::uint32_t>(CKPT_VMA_MEMFD)) << i;
		EXPECT_EQ(cr::vma_kind_name(t.vmas[i].vma.vma.kind), "memfd");
		EXPECT_FALSE(t.vmas[i].file) << i;
	}
	EXPECT_EQ(t.vmas[1].offset, t.memfds[1].offset + t.memfds[1].memfd.memfd.h.len);
	/* shared: no pages; private: the page it copied on write */
	EXPECT_EQ(cr::vma_flags_names(t.vmas[0].vma.vma.flags), "SHARED|MAYWRITE");
	EXPECT_EQ(t.vmas[0].pages, 0u);
	EXPECT_EQ(t.vmas[1].vma.vma.flags, 0u);
	EXPECT_EQ(t.vmas[1].pages, 1u);
	EXPECT_EQ(t.vmas[1].page_records, 1u);

	/* FILE records of kind memfd name their memfd */
	ASSERT_EQ(t.files.size(), 2u);
	EXPECT_EQ(t.files[0].rec.file.kind, static_cast<std::uint32_t>(CKPT_FILE_MEMFD));
	EXPECT_EQ(cr::file_kind_name(t.files[0].rec.file.kind), "memfd");
	EXPECT_EQ(t.files[0].rec.file.objref, 6u);
	EXPECT_EQ(t.files[0].rec.file.memfd, 5u);
	EXPECT_EQ(t.files[1].rec.file.objref, 8u);
	EXPECT_EQ(t.files[1].rec.file.memfd, 7u);
	EXPECT_EQ(t.files[1].offset, jit.offset + jit.memfd.memfd.h.len);
	const cr::TaskContents &child = sum.contents.tasks[1];
	EXPECT_TRUE(child.memfds.empty());
	ASSERT_EQ(child.files.size(), 1u);
	EXPECT_EQ(child.files[0].rec.file.objref, 6u);
	EXPECT_EQ(child.files[0].rec.file.memfd, 5u);
}

TEST(ProcessRecords, PagesAfterAMemfdAreItsOwn)
{
	/* a MEMFD's PAGES go to it even right after another mapping's */
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		crtest::write_tree(w, 4242);
		ckpt_rec_task task{};
		task.pid = 4242;
		crtest::write_record(w, CKPT_REC_TASK, task);
		ckpt_rec_vma vma{};
		vma.start = 0x10000;
		vma.end = 0x12000;
		vma.kind = CKPT_VMA_ANON;
		crtest::write_record(w, CKPT_REC_VMA, vma);
		ckpt_rec_pages pages{};
		pages.addr = 0x10000;
		pages.nr_pages = 1;
		crtest::write_record(w, CKPT_REC_PAGES, pages,
				     Bytes(static_cast<std::size_t>(::getpagesize())));
		crtest::write_memfd(w, 5, CKPT_MEMFD_NEW, 8192, 0, 0600, "m");
		pages.addr = 0;
		pages.nr_pages = 2;
		crtest::write_record(w, CKPT_REC_PAGES, pages,
				     Bytes(2 * static_cast<std::size_t>(::getpagesize())));
		/* then its FILE record */
		ckpt_rec_file file{};
		file.fd = 3;
		file.kind = CKPT_FILE_MEMFD;
		file.objref = 6;
		file.memfd = 5;
		crtest::write_record(w, CKPT_REC_FILE, file);
		w.write_tail();
	});
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	const cr::TaskContents &t = sum.contents.tasks.at(0);
	ASSERT_EQ(t.vmas.size(), 1u);
	EXPECT_EQ(t.vmas[0].pages, 1u);
	ASSERT_EQ(t.memfds.size(), 1u);
	EXPECT_EQ(t.memfds[0].pages, 2u);
	EXPECT_EQ(t.memfds[0].memfd.name, "m");
	EXPECT_EQ(sum.contents.nr_pages, 3u);
	EXPECT_EQ(sum.contents.page_runs.size(), 2u);
}

TEST(ProcessRecords, DeletedFileRecordKnownAndSized)
{
	constexpr std::size_t body = sizeof(ckpt_rec_deleted_file) - sizeof(ckpt_hdr);
	EXPECT_EQ(sizeof(ckpt_rec_deleted_file), 32u);
	EXPECT_EQ(offsetof(ckpt_rec_deleted_file, objref), 8u);
	EXPECT_EQ(offsetof(ckpt_rec_deleted_file, flags), 12u);
	EXPECT_EQ(offsetof(ckpt_rec_deleted_file, size), 16u);
	EXPECT_EQ(offsetof(ckpt_rec_deleted_file, mode), 24u);
	EXPECT_EQ(offsetof(ckpt_rec_deleted_file, path_len), 28u);
	/* a FILE record's deleted is its pipe, pty and memfd: the union after objref */
	EXPECT_EQ(sizeof(ckpt_rec_file), 48u);
	EXPECT_EQ(offsetof(ckpt_rec_file, deleted), offsetof(ckpt_rec_file, pipe));
	EXPECT_EQ(offsetof(ckpt_rec_file, deleted), offsetof(ckpt_rec_file, memfd));
	EXPECT_EQ(offsetof(ckpt_rec_file, deleted), 44u);
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_DELETED_FILE));
	EXPECT_FALSE(CKPT_REC_DELETED_FILE & CKPT_REC_OPTIONAL);
	/* 8 bytes short: still a valid record length otherwise. */
	cr::Error e = expect_malformed(image_with(CKPT_REC_DELETED_FILE, body - 8), third_record);
	EXPECT_THAT(e.what(), HasSubstr("a DELETED_FILE record is at least 32 bytes"));
	/* The structure alone: a file named again before a mapping. */
	EXPECT_FALSE(crtest::read_through(image_with(CKPT_REC_DELETED_FILE, body)));
	/* A longer payload, from a newer minor version, is accepted. */
	EXPECT_FALSE(crtest::read_through(image_with(CKPT_REC_DELETED_FILE, body + 8)));
}

TEST(ProcessRecords, DeletedFilePathMustFit)
{
	/* HEADER, TREE, a DELETED_FILE record of @path_len with @bytes bytes after it, TAIL. */
	auto image = [](std::uint32_t path_len, std::size_t bytes) {
		return crtest::build_image([&](cr::RecordWriter &w) {
			w.write_header(cr::make_header(4242, 0));
			crtest::write_tree(w, 4242);
			ckpt_rec_deleted_file d{};
			d.objref = 5;
			d.flags = CKPT_DELETED_NEW;
			d.path_len = path_len;
			crtest::write_record(w, CKPT_REC_DELETED_FILE, d,
					     Bytes(bytes, std::byte{'x'}));
			w.write_tail();
		});
	};
	EXPECT_FALSE(crtest::read_through(image(0, 0)));
	EXPECT_FALSE(crtest::read_through(image(5, 8)));
	EXPECT_FALSE(crtest::read_through(image(8, 8)));
	/* a path as long as restart takes (PATH_MAX - 1 bytes), padded */
	EXPECT_FALSE(crtest::read_through(image(PATH_MAX - 1, PATH_MAX)));
	cr::Error e = expect_malformed(image(9, 8), third_record);
	EXPECT_THAT(
		e.what(),
		HasSubstr("DELETED_FILE record path length 9 does not fit in the 40-byte record"));
	e = expect_malformed(image(1, 0), third_record);
	EXPECT_THAT(
		e.what(),
		HasSubstr("DELETED_FILE record path length 1 does not fit in the 32-byte record"));
	e = expect_malformed(image(0xffffffff, 16), third_record);
	EXPECT_THAT(e.what(), HasSubstr("DELETED_FILE record path length 4294967295 does not fit"));
}

TEST(ProcessRecords, DeletedFileParsed)
{
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		crtest::write_tree(w, 4242);
		crtest::write_deleted_file(w, 9, CKPT_DELETED_NEW, CKPT_DELETED_MAX_SIZE, 0755,
					   "/srv/data/cache.db");
		w.write_tail();
	});
	std::vector<cr::Record> recs = records_of(image);
	const cr::Record &rec = find(recs, CKPT_REC_DELETED_FILE);
	/* 32 bytes and 18 of path, padded to 56 */
	EXPECT_EQ(rec.len, 56u);
	cr::DeletedFileRecord d = cr::parse_deleted_file_record(rec);
	EXPECT_EQ(d.deleted.objref, 9u);
	EXPECT_EQ(d.deleted.flags, static_cast<std::uint32_t>(CKPT_DELETED_NEW));
	EXPECT_EQ(d.deleted.size, 256u << 20);
	EXPECT_EQ(d.deleted.mode, 0755u);
	EXPECT_EQ(d.deleted.path_len, 18u);
	EXPECT_EQ(d.path, "/srv/data/cache.db");
	EXPECT_EQ(cr::deleted_flags_names(d.deleted.flags), "NEW");
}

TEST(ProcessRecords, DeletedFileContents)
{
	Bytes image = crtest::deleted_file_image();
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	EXPECT_EQ(sum.header->minor, CKPT_VERSION_MINOR);
	EXPECT_EQ(sum.contents.nr_deleted_files, 3u);
	EXPECT_EQ(sum.contents.nr_memfds, 0u);
	EXPECT_EQ(sum.contents.nr_shmems, 0u);
	EXPECT_EQ(sum.contents.nr_vmas, 3u);
	EXPECT_EQ(sum.contents.nr_pages, 4u);
	ASSERT_EQ(sum.contents.tasks.size(), 2u);
	const cr::TaskContents &t = sum.contents.tasks[0];
	EXPECT_TRUE(t.memfds.empty());

	ASSERT_EQ(t.deleted_files.size(), 3u);
	/* the new file: its pages are its own, not the anonymous mapping's before it */
	const cr::DeletedFileContents &log = t.deleted_files[0];
	EXPECT_EQ(log.deleted.deleted.objref, 5u);
	EXPECT_EQ(log.deleted.deleted.flags, static_cast<std::uint32_t>(CKPT_DELETED_NEW));
	EXPECT_EQ(log.deleted.deleted.size, 10000u);
	EXPECT_EQ(log.deleted.deleted.mode, 0640u);
	EXPECT_EQ(log.deleted.path, "/var/log/app.log");
	EXPECT_EQ(log.pages, 2u);
	/* named again before the private mapping: only the objref */
	const cr::DeletedFileContents &again = t.deleted_files[1];
	EXPECT_EQ(again.deleted.deleted.objref, 5u);
	EXPECT_EQ(again.deleted.deleted.flags, 0u);
	EXPECT_EQ(again.deleted.deleted.size, 0u);
	EXPECT_EQ(again.deleted.deleted.mode, 0u);
	EXPECT_TRUE(again.deleted.path.empty());
	EXPECT_EQ(again.pages, 0u);
	const cr::DeletedFileContents &scratch = t.deleted_files[2];
	EXPECT_EQ(scratch.deleted.deleted.objref, 7u);
	EXPECT_EQ(scratch.deleted.deleted.size, 4096u);
	EXPECT_EQ(scratch.deleted.deleted.mode, 0600u);
	EXPECT_EQ(scratch.deleted.path, "/tmp/scratch");
	EXPECT_EQ(scratch.pages, 0u);

	ASSERT_EQ(t.vmas.size(), 3u);
	/* the anonymous mapping keeps its own page */
	EXPECT_EQ(t.vmas[0].vma.vma.kind, static_cast<std::uint32_t>(CKPT_VMA_ANON));
	EXPECT_EQ(t.vmas[0].pages, 1u);
	EXPECT_EQ(t.vmas[0].page_records, 1u);
	/* each mapping of the file right after a DELETED_FILE record naming it */
	for (std::size_t i = 1; i < 3; i++) {
		EXPECT_EQ(t.vmas[i].vma.vma.kind, static_cast<std::uint32_t>(CKPT_VMA_DELETED))
			<< i;
		EXPECT_EQ(cr::vma_kind_name(t.vmas[i].vma.vma.kind), "deleted");
		EXPECT_TRUE(t.vmas[i].vma.path.empty()) << i;
		EXPECT_FALSE(t.vmas[i].file) << i;
	}
	EXPECT_EQ(t.vmas[2].offset, again.offset + again.deleted.deleted.h.len);
	/* shared: no pages; private: the page it copied on write */
	EXPECT_EQ(cr::vma_flags_names(t.vmas[1].vma.vma.flags), "SHARED|MAYWRITE");
	EXPECT_EQ(t.vmas[1].pages, 0u);
	EXPECT_EQ(t.vmas[2].vma.vma.flags, 0u);
	EXPECT_EQ(t.vmas[2].vma.vma.prot, static_cast<std::uint32_t>(PROT_READ));
	EXPECT_EQ(t.vmas[2].pages, 1u);
	EXPECT_EQ(t.vmas[2].page_records, 1u);

	/* FILE records of kind deleted name their file */
	ASSERT_EQ(t.files.size(), 2u);
	EXPECT_EQ(t.files[0].rec.file.kind, static_cast<std::uint32_t>(CKPT_FILE_DELETED));
	EXPECT_EQ(cr::file_kind_name(t.files[0].rec.file.kind), "deleted");
	EXPECT_EQ(t.files[0].rec.file.objref, 6u);
	EXPECT_EQ(t.files[0].rec.file.deleted, 5u);
	EXPECT_EQ(t.files[0].rec.file.f_flags, static_cast<std::uint32_t>(O_RDWR | O_APPEND));
	EXPECT_EQ(t.files[1].rec.file.objref, 8u);
	EXPECT_EQ(t.files[1].rec.file.deleted, 7u);
	EXPECT_EQ(t.files[1].offset, scratch.offset + scratch.deleted.deleted.h.len);
	const cr::TaskContents &child = sum.contents.tasks[1];
	EXPECT_TRUE(child.deleted_files.empty());
	ASSERT_EQ(child.files.size(), 1u);
	EXPECT_EQ(child.files[0].rec.file.objref, 6u);
	EXPECT_EQ(child.files[0].rec.file.deleted, 5u);
}

TEST(ProcessRecords, PagesAfterADeletedFileAreItsOwn)
{
	/* a DELETED_FILE's PAGES go to it even right after another mapping's */
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		crtest::write_tree(w, 4242);
		ckpt_rec_task task{};
		task.pid = 4242;
		crtest::write_record(w, CKPT_REC_TASK, task);
		ckpt_rec_vma vma{};
		vma.start = 0x10000;
		vma.end = 0x12000;
		vma.kind = CKPT_VMA_ANON;
		crtest::write_record(w, CKPT_REC_VMA, vma);
		ckpt_rec_pages pages{};
		pages.addr = 0x10000;
		pages.nr_pages = 1;
		crtest::write_record(w, CKPT_REC_PAGES, pages,
				     Bytes(static_cast<std::size_t>(::getpagesize())));
		crtest::write_deleted_file(w, 5, CKPT_DELETED_NEW, 3 * 4096, 0644, "/tmp/d");
		pages.addr = 0;
		pages.nr_pages = 2;
		crtest::write_record(w, CKPT_REC_PAGES, pages,
				     Bytes(2 * static_cast<std::size_t>(::getpagesize())));
		pages.addr = 2 * static_cast<std::uint64_t>(::getpagesize());
		pages.nr_pages = 1;
		crtest::write_record(w, CKPT_REC_PAGES, pages,
				     Bytes(static_cast<std::size_t>(::getpagesize())));
		/* then its FILE record */
		ckpt_rec_file file{};
		file.fd = 3;
		file.kind = CKPT_FILE_DELETED;
		file.objref = 6;
		file.deleted = 5;
		crtest::write_record(w, CKPT_REC_FILE, file);
		w.write_tail();
	});
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	const cr::TaskContents &t = sum.contents.tasks.at(0);
	ASSERT_EQ(t.vmas.size(), 1u);
	EXPECT_EQ(t.vmas[0].pages, 1u);
	EXPECT_EQ(t.vmas[0].page_records, 1u);
	ASSERT_EQ(t.deleted_files.size(), 1u);
	EXPECT_EQ(t.deleted_files[0].pages, 3u);
	EXPECT_EQ(t.deleted_files[0].deleted.path, "/tmp/d");
	EXPECT_TRUE(t.memfds.empty());
	EXPECT_EQ(sum.contents.nr_pages, 4u);
	EXPECT_EQ(sum.contents.page_runs.size(), 2u);
}

TEST(ProcessRecords, InotifyPathAndNameRules)
{
	auto with = [](const std::function<void(cr::RecordWriter &)> &write) {
		return crtest::build_image([&](cr::RecordWriter &w) {
			w.write_header(cr::make_header(4242, 0));
			crtest::write_tree(w, 4242);
			write(w);
			w.write_tail();
		});
	};
	auto watch = [&](std::string_view path) {
		return with([path](cr::RecordWriter &w) {
			crtest::write_inotify_watch(w, 7, 1, IN_CREATE, path);
		});
	};
	auto event = [&](std::string_view name) {
		return with([name](cr::RecordWriter &w) {
			crtest::write_inotify_event(w, 7, 1, IN_CREATE, 0, name);
		});
	};
	using namespace std::string_view_literals;

	EXPECT_FALSE(crtest::read_through(watch("/")));
	EXPECT_FALSE(crtest::read_through(watch("/tmp/x")));
	EXPECT_FALSE(crtest::read_through(watch("/" + std::string(4000, 'x'))));
	cr::Error e = expect_malformed(watch(""), third_record);
	EXPECT_THAT(e.what(), HasSubstr("INOTIFY_WATCH record path of 0 bytes is not absolute"));
	e = expect_malformed(watch("tmp/x"), third_record);
	EXPECT_THAT(e.what(), HasSubstr("INOTIFY_WATCH record path of 5 bytes is not absolute"));
	expect_malformed(watch("./x"), third_record);
	e = expect_malformed(watch("/tmp\0/x"sv), third_record);
	EXPECT_THAT(e.what(), HasSubstr("INOTIFY_WATCH record path holds a NUL byte"));
	expect_malformed(watch("/tmp/x\0"sv), third_record);

	EXPECT_FALSE(crtest::read_through(event("")));
	EXPECT_FALSE(crtest::read_through(event("a")));
	EXPECT_FALSE(crtest::read_through(event(std::string(NAME_MAX, 'n'))));
	e = expect_malformed(event(std::string(NAME_MAX + 1, 'n')), third_record);
	EXPECT_THAT(
		e.what(),
		HasSubstr("INOTIFY_EVENT record name length 256 is longer than NAME_MAX (255)"));
	e = expect_malformed(event("a\0b"sv), third_record);
	EXPECT_THAT(e.what(), HasSubstr("INOTIFY_EVENT record name holds a NUL byte"));

	/* name_len past the record, however it fits NAME_MAX */
	Bytes image = event("abcdefgh");
	crtest::store<std::uint32_t>(image,
				     third_record + offsetof(ckpt_rec_inotify_event, name_len), 9);
	e = expect_malformed(image, third_record);
	EXPECT_THAT(e.what(), HasSubstr("INOTIFY_EVENT record name length 9 does not fit"));
	/* path_len past the record */
	image = watch("/tmp/abc");
	crtest::store<std::uint32_t>(image,
				     third_record + offsetof(ckpt_rec_inotify_watch, path_len), 16);
	e = expect_malformed(image, third_record);
	EXPECT_THAT(e.what(), HasSubstr("INOTIFY_WATCH record path length 16 does not fit"));
	/* the path is the path_len bytes: what follows them is not checked */
	image = with([](cr::RecordWriter &w) {
		ckpt_rec_inotify_watch watch{};
		watch.wd = 1;
		watch.mask = IN_CREATE;
		watch.path_len = 4;
		crtest::write_record(w, CKPT_REC_INOTIFY_WATCH, watch,
				     crtest::text_bytes("/tmp\0abc"sv));
	});
	EXPECT_FALSE(crtest::read_through(image));
}

TEST(ProcessRecords, InotifyContentsGroupedByObjref)
{
	/* Two instances, the overflow event, and records of an objref no INOTIFY names. */
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		crtest::write_tree(w, 4242);
		ckpt_rec_task task{};
		task.pid = 4242;
		crtest::write_record(w, CKPT_REC_TASK, task);
		crtest::write_inotify(w, 3, 0, 1);
		crtest::write_inotify_event(w, 3, -1, IN_Q_OVERFLOW, 0, "");
		crtest::write_inotify(w, 5, CKPT_INOTIFY_NONBLOCK, 9);
		crtest::write_inotify_watch(w, 5, 8, IN_MOVED_FROM | IN_MOVED_TO | IN_EXCL_UNLINK,
					    "/srv/spool");
		crtest::write_inotify_event(w, 5, 8, IN_MOVED_FROM, 77, "old");
		crtest::write_inotify_event(w, 5, 8, IN_MOVED_TO | IN_ISDIR, 77, "new");
		crtest::write_inotify_watch(w, 3, 2, IN_ATTRIB, "/etc");
		crtest::write_inotify_watch(w, 11, 1, IN_OPEN, "/var");
		w.write_tail();
	});
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	ASSERT_EQ(sum.contents.tasks.size(), 1u);
	const std::vector<cr::InotifyContents> &in = sum.contents.tasks[0].inotifies;
	ASSERT_EQ(in.size(), 3u);

	ASSERT_TRUE(in[0].instance);
	EXPECT_EQ(in[0].objref, 3u);
	EXPECT_EQ(in[0].instance->rec.next_wd, 1);
	EXPECT_EQ(in[0].instance->rec.flags, 0u);
	ASSERT_EQ(in[0].events.size(), 1u);
	EXPECT_EQ(in[0].events[0].rec.event.wd, -1);
	EXPECT_EQ(in[0].events[0].rec.event.mask, static_cast<std::uint32_t>(IN_Q_OVERFLOW));
	EXPECT_EQ(in[0].events[0].rec.name, "");
	/* a watch after another instance's records still goes with its objref */
	ASSERT_EQ(in[0].watches.size(), 1u);
	EXPECT_EQ(in[0].watches[0].rec.path, "/etc");

	ASSERT_TRUE(in[1].instance);
	EXPECT_EQ(in[1].objref, 5u);
	EXPECT_EQ(in[1].instance->rec.next_wd, 9);
	ASSERT_EQ(in[1].watches.size(), 1u);
	EXPECT_EQ(in[1].watches[0].rec.watch.wd, 8);
	EXPECT_EQ(in[1].watches[0].rec.path, "/srv/spool");
	ASSERT_EQ(in[1].events.size(), 2u);
	EXPECT_EQ(in[1].events[0].rec.name, "old");
	EXPECT_EQ(in[1].events[1].rec.name, "new");
	EXPECT_EQ(in[1].events[1].rec.event.cookie, 77u);
	EXPECT_LT(in[1].events[0].offset, in[1].events[1].offset);

	/* no INOTIFY record names objref 11: kept, without an instance */
	EXPECT_FALSE(in[2].instance);
	EXPECT_EQ(in[2].objref, 11u);
	ASSERT_EQ(in[2].watches.size(), 1u);
	EXPECT_EQ(in[2].watches[0].rec.path, "/var");
}

namespace {

/*
 * HEADER, TREE, a POSIX_TIMERS record whose nr_timers says @nr_timers,
 * holding @timers timers (ids 0, 1..., SIGALRM, changed by @edit) and
 * @extra zero bytes after them, TAIL.
 */
Bytes posix_timers_image(std::uint32_t nr_timers, std::size_t timers,
			 const std::function<void(ckpt_posix_timer &)> &edit = {},
			 std::size_t extra = 0)
{
	return crtest::build_image([&](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		crtest::write_tree(w, 4242);
		std::vector<ckpt_posix_timer> t(timers);
		for (std::size_t i = 0; i < timers; i++) {
			t[i].id = static_cast<std::int32_t>(i);
			t[i].notify = SIGEV_SIGNAL;
			t[i].signo = SIGALRM;
			if (edit)
				edit(t[i]);
		}
		ckpt_rec_posix_timers rec{};
		rec.next_id = static_cast<std::int32_t>(timers);
		rec.nr_timers = nr_timers;
		std::span<const std::byte> bytes = std::as_bytes(std::span(t));
		Bytes after(bytes.size() + extra);
		std::copy(bytes.begin(), bytes.end(), after.begin());
		crtest::write_record(w, CKPT_REC_POSIX_TIMERS, rec, after);
		w.write_tail();
	});
}

} // namespace

TEST(ProcessRecords, PosixTimersRecordKnownAndSized)
{
	EXPECT_EQ(sizeof(ckpt_rec_posix_timers), 16u);
	EXPECT_EQ(sizeof(ckpt_posix_timer), 80u);
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_POSIX_TIMERS));
	EXPECT_FALSE(CKPT_REC_POSIX_TIMERS & CKPT_REC_OPTIONAL);
	/* 8 bytes short: still a valid record length otherwise. */
	cr::Error e = expect_malformed(image_with(CKPT_REC_POSIX_TIMERS, 0), third_record);
	EXPECT_THAT(e.what(), HasSubstr("a POSIX_TIMERS record is at least 16 bytes"));

	/* No timer (a process that deleted them all keeps its next id), one, several. */
	EXPECT_FALSE(crtest::read_through(image_with(
		CKPT_REC_POSIX_TIMERS, sizeof(ckpt_rec_posix_timers) - sizeof(ckpt_hdr))));
	EXPECT_FALSE(crtest::read_through(posix_timers_image(0, 0)));
	EXPECT_FALSE(crtest::read_through(posix_timers_image(1, 1)));
	EXPECT_FALSE(crtest::read_through(posix_timers_image(3, 3)));
}

TEST(ProcessRecords, PosixTimersCountMustMatchTheRecord)
{
	/* nr_timers past the record: too short */
	cr::Error e = expect_malformed(posix_timers_image(3, 2), third_record);
	EXPECT_THAT(e.what(), HasSubstr("POSIX_TIMERS record timer count 3 (240 bytes) does not "
					"match the 176-byte record"));
	e = expect_malformed(posix_timers_image(1, 0), third_record);
	EXPECT_THAT(e.what(), HasSubstr("timer count 1 (80 bytes) does not match the 16-byte"));
	/* bytes after the timers: too long, unlike the records a newer minor version lengthens */
	e = expect_malformed(posix_timers_image(1, 2), third_record);
	EXPECT_THAT(e.what(), HasSubstr("POSIX_TIMERS record timer count 1 (80 bytes) does not "
					"match the 176-byte record"));
	e = expect_malformed(posix_timers_image(0, 1), third_record);
	EXPECT_THAT(e.what(), HasSubstr("timer count 0 (0 bytes) does not match the 96-byte"));
	e = expect_malformed(posix_timers_image(2, 2, {}, 8), third_record);
	EXPECT_THAT(e.what(), HasSubstr("timer count 2 (160 bytes) does not match the 184-byte"));
	/* over the maximum, whatever the record holds */
	e = expect_malformed(posix_timers_image(CKPT_POSIX_TIMERS_MAX + 1, 1), third_record);
	EXPECT_THAT(e.what(), HasSubstr("POSIX_TIMERS record timer count 65537 is above the "
					"maximum of 65536"));
	e = expect_malformed(posix_timers_image(0xffffffff, 2), third_record);
	EXPECT_THAT(e.what(), HasSubstr("timer count 4294967295 is above the maximum"));
	/* the maximum itself, in full, is accepted */
	Bytes image = posix_timers_image(CKPT_POSIX_TIMERS_MAX, CKPT_POSIX_TIMERS_MAX);
	cr::Fd fd = crtest::memfd_with(image);
	EXPECT_FALSE(crtest::read_through(fd.get()));
}

TEST(ProcessRecords, PosixTimerPadMustBeZero)
{
	cr::Error e = expect_malformed(
		posix_timers_image(3, 3,
				   [](ckpt_posix_timer &t) { t.pad = t.id == 2 ? 0x100 : 0; }),
		third_record);
	EXPECT_THAT(e.what(), HasSubstr("POSIX_TIMERS record timer 2 (id 2) has pad 0x100, not 0"));
	/* the other fields are the kernel's to check */
	EXPECT_FALSE(crtest::read_through(posix_timers_image(2, 2, [](ckpt_posix_timer &t) {
		t.id = -1;
		t.clockid = CLOCK_PROCESS_CPUTIME_ID;
		t.notify = 99;
		t.signo = 0;
		t.flags = 0xff;
		t.interval_ns = -1;
	})));
}

TEST(ProcessRecords, PosixTimersContents)
{
	/* A record per process: each goes with the TASK record before it. */
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		crtest::write_tree(w, 4242, 2);
		ckpt_rec_task task{};
		task.pid = 4242;
		crtest::write_record(w, CKPT_REC_TASK, task);
		ckpt_posix_timer t{};
		t.id = 7;
		t.clockid = CLOCK_BOOTTIME;
		t.notify = SIGEV_NONE;
		t.flags = CKPT_PTIMER_ARMED;
		t.value_ns = 5;
		t.overrun = -1;
		crtest::write_posix_timers(w, 8, std::span(&t, 1));
		task.pid = 4243;
		crtest::write_record(w, CKPT_REC_TASK, task);
		crtest::write_posix_timers(w, 12, {});
		w.write_tail();
	});
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	ASSERT_EQ(sum.contents.tasks.size(), 2u);
	const cr::TaskContents &a = sum.contents.tasks[0];
	ASSERT_TRUE(a.posix_timers);
	EXPECT_EQ(a.posix_timers->offset, a.task->offset + sizeof(ckpt_rec_task));
	EXPECT_EQ(a.posix_timers->rec.posix_timers.next_id, 8);
	ASSERT_EQ(a.posix_timers->rec.timers.size(), 1u);
	EXPECT_EQ(a.posix_timers->rec.timers[0].id, 7);
	EXPECT_EQ(a.posix_timers->rec.timers[0].clockid, CLOCK_BOOTTIME);
	EXPECT_EQ(a.posix_timers->rec.timers[0].overrun, -1);
	const cr::TaskContents &b = sum.contents.tasks[1];
	ASSERT_TRUE(b.posix_timers);
	EXPECT_EQ(b.posix_timers->rec.posix_timers.next_id, 12);
	EXPECT_TRUE(b.posix_timers->rec.timers.empty());
}

TEST(ProcessRecords, InetSockRecordKnownAndSized)
{
	EXPECT_EQ(sizeof(ckpt_rec_inet_sock), 208u);
	EXPECT_EQ(sizeof(ckpt_inet_addr), 24u);
	EXPECT_EQ(sizeof(ckpt_inet_tcp), 48u);
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_INET_SOCK));
	EXPECT_FALSE(CKPT_REC_INET_SOCK & CKPT_REC_OPTIONAL);
	EXPECT_EQ(cr::record_type_name(CKPT_REC_INET_SOCK), "INET_SOCK");
	EXPECT_EQ(cr::file_kind_name(CKPT_FILE_INET), "inet");
	/* 8 bytes short: still a valid record length otherwise. */
	cr::Error e = expect_malformed(
		image_with(CKPT_REC_INET_SOCK, sizeof(ckpt_rec_inet_sock) - sizeof(ckpt_hdr) - 8),
		third_record);
	EXPECT_THAT(e.what(), HasSubstr("a INET_SOCK record is at least 208 bytes"));
	/* The structure alone: no queue. */
	EXPECT_FALSE(crtest::read_through(
		image_with(CKPT_REC_INET_SOCK, sizeof(ckpt_rec_inet_sock) - sizeof(ckpt_hdr))));
}

TEST(ProcessRecords, InetSockQueuesMustFit)
{
	/* HEADER, TREE, the INET_SOCK record of @sock with @bytes bytes after it, TAIL. */
	auto image = [](const ckpt_rec_inet_sock &sock, std::size_t bytes) {
		return crtest::build_image([&](cr::RecordWriter &w) {
			w.write_header(cr::make_header(4242, 0));
			crtest::write_tree(w, 4242);
			crtest::write_record(w, CKPT_REC_INET_SOCK, sock, Bytes(bytes));
			w.write_tail();
		});
	};
	ckpt_rec_inet_sock s = crtest::tcp4_established_sock(); /* queues of 10 + 3 bytes */
	EXPECT_FALSE(crtest::read_through(image(s, 13)));
	/* the padding to 8 bytes holds no queue byte, but more does no harm */
	EXPECT_FALSE(crtest::read_through(image(s, 16)));
	EXPECT_FALSE(crtest::read_through(image(s, 64)));

	s.tcp.recv_len = 7; /* 17 bytes, in a record padded to 16 */
	cr::Error e = expect_malformed(image(s, 13), third_record);
	EXPECT_THAT(e.what(), HasSubstr("INET_SOCK record queues of 10 + 7 bytes, 0 datagrams of 0 "
					"bytes does not fit in the 224-byte record"));
	s.tcp.send_len = 0xffffffff;
	s.tcp.recv_len = 0xffffffff;
	e = expect_malformed(image(s, 16), third_record);
	EXPECT_THAT(e.what(),
		    HasSubstr("INET_SOCK record queues of 4294967295 + 4294967295 bytes, 0 "
			      "datagrams of 0 bytes does not fit"));
	/* the queue lengths count whatever the state says */
	s = crtest::tcp6_listen_sock();
	s.tcp.send_len = 1;
	e = expect_malformed(image(s, 0), third_record);
	EXPECT_THAT(e.what(), HasSubstr("INET_SOCK record queues of 1 + 0 bytes, 0 datagrams of 0 "
					"bytes does not fit in the 208-byte record"));
}

TEST(ProcessRecords, InetSockContents)
{
	Bytes image = crtest::inet_image();
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	ASSERT_EQ(sum.contents.tasks.size(), 1u);
	const cr::TaskContents &t = sum.contents.tasks[0];
	ASSERT_EQ(t.inet_socks.size(), 3u);
	ASSERT_EQ(t.files.size(), 3u);
	for (std::size_t i = 0; i < 3; i++) {
		/* each right before the FILE record that names it */
		const cr::At<ckpt_rec_inet_sock> &s = t.inet_socks[i];
		EXPECT_EQ(s.offset + s.rec.h.len, t.files[i].offset) << i;
		EXPECT_EQ(s.rec.h.type, static_cast<std::uint32_t>(CKPT_REC_INET_SOCK));
		EXPECT_EQ(t.files[i].rec.file.kind, static_cast<std::uint32_t>(CKPT_FILE_INET));
		EXPECT_EQ(t.files[i].rec.file.objref, s.rec.objref) << i;
	}

	/* the IPv4 connection, its 10 + 3 queued bytes in the record, padded to 16 */
	const ckpt_rec_inet_sock &tcp4 = t.inet_socks[0].rec;
	EXPECT_EQ(tcp4.h.len, sizeof(ckpt_rec_inet_sock) + 16);
	EXPECT_EQ(tcp4.objref, 5u);
	EXPECT_EQ(tcp4.family, AF_INET);
	EXPECT_EQ(tcp4.protocol, IPPROTO_TCP);
	EXPECT_EQ(tcp4.state, 1);
	EXPECT_EQ(cr::inet_addr_string(tcp4.family, tcp4.local.addr), "127.0.0.1");
	EXPECT_EQ(tcp4.local.port, 4000);
	EXPECT_EQ(cr::inet_endpoint_string(tcp4.family, tcp4.remote.addr, tcp4.remote.port),
		  "127.0.0.1:38122");
	EXPECT_EQ(tcp4.flags, CKPT_INET_NONBLOCK | CKPT_INET_REUSEADDR | CKPT_INET_KEEPALIVE |
				      CKPT_INET_NODELAY);
	EXPECT_EQ(tcp4.tcp.send_seq, 123u);
	EXPECT_EQ(tcp4.tcp.send_len, 10u);
	EXPECT_EQ(tcp4.tcp.recv_seq, 456u);
	EXPECT_EQ(tcp4.tcp.recv_len, 3u);
	EXPECT_EQ(tcp4.tcp.mss_clamp, 1460u);
	EXPECT_EQ(tcp4.tcp.opts, CKPT_TCP_OPT_SACK | CKPT_TCP_OPT_WSCALE);
	EXPECT_EQ(tcp4.tcp.snd_wscale, 7);
	EXPECT_EQ(tcp4.tcp.rcv_wscale, 6);
	EXPECT_EQ(cr::c_string_view(tcp4.congestion), "cubic");

	/* the IPv6 listening socket */
	const ckpt_rec_inet_sock &tcp6 = t.inet_socks[1].rec;
	EXPECT_EQ(tcp6.h.len, sizeof(ckpt_rec_inet_sock));
	EXPECT_EQ(tcp6.objref, 6u);
	EXPECT_EQ(tcp6.family, AF_INET6);
	EXPECT_EQ(tcp6.state, 10);
	EXPECT_EQ(tcp6.backlog, 128u);
	EXPECT_EQ(cr::inet_endpoint_string(tcp6.family, tcp6.local.addr, tcp6.local.port),
		  "[::]:8080");
	EXPECT_EQ(cr::inet_flags_names(tcp6.flags), "reuseaddr v6only");

	const ckpt_rec_inet_sock &udp = t.inet_socks[2].rec;
	EXPECT_EQ(udp.protocol, IPPROTO_UDP);
	EXPECT_EQ(cr::inet_endpoint_string(udp.family, udp.remote.addr, udp.remote.port),
		  "10.0.0.2:53");
}

TEST(ProcessRecords, InetSockNames)
{
	EXPECT_EQ(cr::inet_family_name(AF_INET), "IPv4");
	EXPECT_EQ(cr::inet_family_name(AF_INET6), "IPv6");
	EXPECT_EQ(cr::inet_family_name(AF_UNIX), "family 1");
	EXPECT_EQ(cr::inet_protocol_name(IPPROTO_TCP), "TCP");
	EXPECT_EQ(cr::inet_protocol_name(IPPROTO_UDP), "UDP");
	EXPECT_EQ(cr::inet_protocol_name(132), "protocol 132");
	EXPECT_EQ(cr::tcp_state_name(1), "ESTABLISHED");
	EXPECT_EQ(cr::tcp_state_name(7), "CLOSE");
	EXPECT_EQ(cr::tcp_state_name(10), "LISTEN");
	EXPECT_EQ(cr::tcp_state_name(2), "2");
	EXPECT_EQ(cr::inet_flags_names(0), "none");
	EXPECT_EQ(cr::inet_flags_names(CKPT_INET_NODELAY | CKPT_INET_REUSEADDR),
		  "reuseaddr nodelay");
	EXPECT_EQ(cr::inet_flags_names(CKPT_INET_SHUT_RD | CKPT_INET_CORK | 0x10000),
		  "shut_rd cork 0x10000");
	EXPECT_EQ(cr::tcp_opts_names(CKPT_TCP_OPT_SACK | CKPT_TCP_OPT_TSTAMP | CKPT_TCP_OPT_WSCALE),
		  "sack tstamp wscale");
	EXPECT_EQ(cr::tcp_opts_names(0), "none");

	/* network byte order; IPv4 in the first 4 bytes, the rest ignored */
	std::uint8_t addr[16] = {192, 168, 1, 20, 0xff, 0xff};
	EXPECT_EQ(cr::inet_addr_string(AF_INET, addr), "192.168.1.20");
	EXPECT_EQ(cr::inet_endpoint_string(AF_INET, addr, 65535), "192.168.1.20:65535");
	std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	EXPECT_EQ(cr::inet_addr_string(AF_INET6, v6), "2001:db8::1");
	EXPECT_EQ(cr::inet_endpoint_string(AF_INET6, v6, 443), "[2001:db8::1]:443");
	std::uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
	EXPECT_EQ(cr::inet_addr_string(AF_INET6, mapped), "::ffff:127.0.0.1");
	EXPECT_EQ(cr::inet_addr_string(AF_INET6, addr), "c0a8:114:ffff::");
	/* another family: the 16 bytes in hex */
	EXPECT_EQ(cr::inet_addr_string(0, v6), "20010db8000000000000000000000001");
	EXPECT_EQ(cr::inet_endpoint_string(0, v6, 7), "20010db8000000000000000000000001 port 7");
}

TEST(ProcessRecords, UnixSockRecordKnownAndSized)
{
	EXPECT_EQ(sizeof(ckpt_unix_end), 48u);
	EXPECT_EQ(sizeof(ckpt_rec_unix_pair), 112u);
	EXPECT_EQ(sizeof(ckpt_rec_unix_sock), 80u);
	EXPECT_EQ(offsetof(ckpt_rec_unix_sock, path_len), 20u);
	EXPECT_EQ(offsetof(ckpt_rec_unix_sock, peer_len), 24u);
	EXPECT_EQ(offsetof(ckpt_rec_unix_sock, pad), 28u);
	EXPECT_EQ(offsetof(ckpt_rec_unix_sock, end), 32u);
	EXPECT_EQ(offsetof(ckpt_unix_end, addr_len), 44u);
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_UNIX_SOCK));
	EXPECT_FALSE(CKPT_REC_UNIX_SOCK & CKPT_REC_OPTIONAL);
	EXPECT_EQ(cr::record_type_name(CKPT_REC_UNIX_SOCK), "UNIX_SOCK");
	EXPECT_EQ(cr::file_kind_name(CKPT_FILE_UNIX), "unix");
	cr::Error e = expect_malformed(
		image_with(CKPT_REC_UNIX_SOCK, sizeof(ckpt_rec_unix_sock) - sizeof(ckpt_hdr) - 8),
		third_record);
	EXPECT_THAT(e.what(), HasSubstr("a UNIX_SOCK record is at least 80 bytes"));
	/* The structure alone: an unbound socket. */
	EXPECT_FALSE(crtest::read_through(
		image_with(CKPT_REC_UNIX_SOCK, sizeof(ckpt_rec_unix_sock) - sizeof(ckpt_hdr))));
}

TEST(ProcessRecords, UnixSockAddressPathAndPeerMustFit)
{
	/* HEADER, TREE, the UNIX_SOCK record of @sock with @bytes bytes after it, TAIL. */
	auto image = [](const ckpt_rec_unix_sock &sock, std::size_t bytes) {
		return crtest::build_image([&](cr::RecordWriter &w) {
			w.write_header(cr::make_header(4242, 0));
			crtest::write_tree(w, 4242);
			crtest::write_record(w, CKPT_REC_UNIX_SOCK, sock, Bytes(bytes));
			w.write_tail();
		});
	};
	ckpt_rec_unix_sock s{};
	s.end.addr_len = 8;
	s.path_len = 17;
	EXPECT_FALSE(crtest::read_through(image(s, 25)));
	s.path_len = 25; /* 33 bytes, in a record padded to 32 */
	cr::Error e = expect_malformed(image(s, 25), third_record);
	EXPECT_THAT(e.what(),
		    HasSubstr("UNIX_SOCK record address length 8, path length 25 and peer "
			      "length 0 does not fit in the 112-byte record"));
	/* the peer's name counts too */
	s.path_len = 17;
	s.peer_len = 7;
	EXPECT_FALSE(crtest::read_through(image(s, 32)));
	s.peer_len = 8; /* 33 bytes again */
	e = expect_malformed(image(s, 32), third_record);
	EXPECT_THAT(e.what(),
		    HasSubstr("UNIX_SOCK record address length 8, path length 17 and peer "
			      "length 8 does not fit in the 112-byte record"));
	s.end.addr_len = 0;
	s.path_len = 0;
	s.peer_len = 33;
	e = expect_malformed(image(s, 32), third_record);
	EXPECT_THAT(e.what(), HasSubstr("address length 0, path length 0 and peer length 33"));
	s.end.addr_len = 0xffffffff;
	s.path_len = 0xffffffff;
	s.peer_len = 0xffffffff;
	e = expect_malformed(image(s, 32), third_record);
	EXPECT_THAT(e.what(), HasSubstr("address length 4294967295, path length 4294967295 and "
					"peer length 4294967295"));
}

TEST(ProcessRecords, UnixSockAbstractPeer)
{
	/* an abstract name, NUL bytes and all, after the address */
	Bytes image = crtest::build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		crtest::write_tree(w, 4242);
		ckpt_rec_unix_sock s{};
		s.type = SOCK_DGRAM;
		s.end.flags = CKPT_UNIX_BOUND;
		crtest::write_unix_sock(w, s, std::string_view("\0cli", 4), {},
					std::string_view("\0app\0log", 8));
		w.write_tail();
	});
	std::vector<cr::Record> recs = records_of(image);
	const cr::Record &rec = find(recs, CKPT_REC_UNIX_SOCK);
	cr::UnixSockRecord u = cr::parse_unix_sock_record(rec);
	EXPECT_EQ(u.sock.h.len, sizeof(ckpt_rec_unix_sock) + 16);
	EXPECT_EQ(u.sock.peer_len, 8u);
	EXPECT_EQ(u.addr, std::string("\0cli", 4));
	EXPECT_TRUE(u.path.empty());
	EXPECT_EQ(u.peer, std::string("\0app\0log", 8));
	EXPECT_EQ(cr::unix_addr_string(u.peer), "@app@log");
}

TEST(ProcessRecords, UnixPairAddressesMustFit)
{
	auto image = [](const ckpt_rec_unix_pair &pair, std::size_t bytes) {
		return crtest::build_image([&](cr::RecordWriter &w) {
			w.write_header(cr::make_header(4242, 0));
			crtest::write_tree(w, 4242);
			crtest::write_record(w, CKPT_REC_UNIX_PAIR, pair, Bytes(bytes));
			w.write_tail();
		});
	};
	ckpt_rec_unix_pair p{};
	p.end[0].nr_msgs = 1;
	p.end[0].len = 3;
	p.end[1].addr_len = 9; /* 4 + 3 + 9 bytes after the structure */
	EXPECT_FALSE(crtest::read_through(image(p, 16)));
	p.end[0].addr_len = 1;
	cr::Error e = expect_malformed(image(p, 16), third_record);
	EXPECT_THAT(e.what(),
		    HasSubstr("UNIX_PAIR record queues of 1 + 0 messages, 3 + 0 bytes, addresses "
			      "of 1 + 9 bytes does not fit in the 128-byte record"));
}

TEST(ProcessRecords, UnixSockContents)
{
	Bytes image = crtest::unix_image();
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	ASSERT_EQ(sum.contents.tasks.size(), 1u);
	const cr::TaskContents &t = sum.contents.tasks[0];
	ASSERT_EQ(t.unix_socks.size(), 3u);
	ASSERT_EQ(t.unix_pairs.size(), 1u);
	ASSERT_EQ(t.files.size(), 5u);
	for (std::size_t i = 0; i < 3; i++) {
		/* each right before the FILE record that names it: fds 3, 4 and 7 */
		const cr::At<cr::UnixSockRecord> &s = t.unix_socks[i];
		const cr::At<cr::FileRecord> &f = t.files[i < 2 ? i : 4];
		EXPECT_EQ(s.offset + s.rec.sock.h.len, f.offset) << i;
		EXPECT_EQ(s.rec.sock.h.type, static_cast<std::uint32_t>(CKPT_REC_UNIX_SOCK));
		EXPECT_EQ(f.rec.file.kind, static_cast<std::uint32_t>(CKPT_FILE_UNIX));
		EXPECT_EQ(f.rec.file.objref, s.rec.sock.end.objref) << i;
	}

	/* the listening socket: its address and path, 25 bytes padded to 32 */
	const cr::UnixSockRecord &listener = t.unix_socks[0].rec;
	EXPECT_EQ(listener.sock.h.len, sizeof(ckpt_rec_unix_sock) + 32);
	EXPECT_EQ(listener.sock.type, static_cast<std::uint32_t>(SOCK_STREAM));
	EXPECT_EQ(listener.sock.backlog, 16u);
	EXPECT_EQ(listener.sock.mode, 0755u);
	EXPECT_EQ(listener.sock.end.objref, 9u);
	EXPECT_EQ(listener.sock.end.addr_len, 8u);
	EXPECT_EQ(listener.sock.path_len, 17u);
	EXPECT_EQ(listener.sock.peer_len, 0u);
	EXPECT_EQ(listener.addr, "srv.sock");
	EXPECT_EQ(listener.path, "/run/app/srv.sock");
	EXPECT_TRUE(listener.peer.empty());
	EXPECT_EQ(cr::unix_flags_names(listener.sock.end.flags), "nonblock bound listening");

	/* the datagram socket: an abstract name, with a NUL byte in it, and no path */
	const cr::UnixSockRecord &dgram = t.unix_socks[1].rec;
	EXPECT_EQ(dgram.sock.h.len, sizeof(ckpt_rec_unix_sock) + 8);
	EXPECT_EQ(dgram.sock.type, static_cast<std::uint32_t>(SOCK_DGRAM));
	EXPECT_EQ(dgram.addr, std::string("\0app\0log", 8));
	EXPECT_EQ(cr::unix_addr_string(dgram.addr), "@app@log");
	EXPECT_TRUE(dgram.path.empty());
	EXPECT_TRUE(dgram.peer.empty());
	EXPECT_EQ(cr::unix_flags_names(dgram.sock.end.flags), "passcred bound");

	/* the client: no address, no path, its peer's name (17 bytes, padded to 24) */
	const cr::UnixSockRecord &client = t.unix_socks[2].rec;
	EXPECT_EQ(client.sock.h.len, sizeof(ckpt_rec_unix_sock) + 24);
	EXPECT_EQ(client.sock.type, static_cast<std::uint32_t>(SOCK_DGRAM));
	EXPECT_EQ(client.sock.end.objref, 13u);
	EXPECT_EQ(client.sock.end.addr_len, 0u);
	EXPECT_EQ(client.sock.path_len, 0u);
	EXPECT_EQ(client.sock.peer_len, 17u);
	EXPECT_TRUE(client.addr.empty());
	EXPECT_TRUE(client.path.empty());
	EXPECT_EQ(client.peer, "/run/app/log.sock");
	EXPECT_EQ(cr::unix_flags_names(client.sock.end.flags), "none");

	/* the pair: the addresses after the queues, end[0]'s then end[1]'s */
	const cr::At<cr::UnixPairRecord> &pair = t.unix_pairs[0];
	EXPECT_EQ(pair.offset, t.files[1].offset + t.files[1].rec.file.h.len);
	EXPECT_EQ(pair.rec.pair.h.len, sizeof(ckpt_rec_unix_pair) + 24); /* 4 + 3 + 8 + 4 */
	EXPECT_EQ(pair.rec.pair.end[0].objref, 11u);
	EXPECT_EQ(pair.rec.pair.end[0].addr_len, 8u);
	EXPECT_EQ(pair.rec.addr[0], "srv.sock");
	EXPECT_EQ(pair.rec.pair.end[1].objref, 12u);
	EXPECT_EQ(pair.rec.pair.end[1].addr_len, 4u);
	EXPECT_EQ(pair.rec.addr[1], std::string("\0cli", 4));
	EXPECT_EQ(pair.rec.pair.end[1].flags, CKPT_UNIX_BOUND);
}

TEST(ProcessRecords, UnixSockNames)
{
	EXPECT_EQ(cr::unix_flags_names(0), "none");
	EXPECT_EQ(cr::unix_flags_names(CKPT_UNIX_SHUT_RD | CKPT_UNIX_SHUT_WR | CKPT_UNIX_SNDBUF |
				       CKPT_UNIX_RCVBUF | 0x100),
		  "shut_rd shut_wr sndbuf rcvbuf 0x100");
	EXPECT_EQ(cr::unix_addr_string(""), "");
	EXPECT_EQ(cr::unix_addr_string("/tmp/x.sock"), "/tmp/x.sock");
	EXPECT_EQ(cr::unix_addr_string(std::string_view("\0", 1)), "@");
	/* the name autobind gives a socket: 5 hex digits */
	EXPECT_EQ(cr::unix_addr_string(std::string(1, '\0') + "0001f"), "@0001f");
	EXPECT_EQ(cr::unix_addr_string(std::string_view("\0a\0\0", 4)), "@a@@");
}

TEST(ProcessRecords, NetlinkSockRecordKnownAndSized)
{
	EXPECT_EQ(sizeof(ckpt_rec_netlink_sock), 64u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, objref), 8u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, type), 12u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, protocol), 16u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, flags), 20u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, portid), 24u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, dst_portid), 28u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, dst_group), 32u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, ngroups), 36u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, sndbuf), 40u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, rcvbuf), 44u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, sndtimeo_ns), 48u);
	EXPECT_EQ(offsetof(ckpt_rec_netlink_sock, rcvtimeo_ns), 56u);
	EXPECT_EQ(CKPT_REC_NETLINK_SOCK, 0x0703u);
	EXPECT_EQ(CKPT_FILE_NETLINK, 15);
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_NETLINK_SOCK));
	EXPECT_FALSE(CKPT_REC_NETLINK_SOCK & CKPT_REC_OPTIONAL);
	EXPECT_EQ(cr::record_type_name(CKPT_REC_NETLINK_SOCK), "NETLINK_SOCK");
	EXPECT_EQ(cr::file_kind_name(CKPT_FILE_NETLINK), "netlink");
	cr::Error e =
		expect_malformed(image_with(CKPT_REC_NETLINK_SOCK,
					    sizeof(ckpt_rec_netlink_sock) - sizeof(ckpt_hdr) - 8),
				 third_record);
	EXPECT_THAT(e.what(), HasSubstr("a NETLINK_SOCK record is at least 64 bytes"));
	/* The structure alone: a socket in no group. */
	EXPECT_FALSE(crtest::read_through(image_with(
		CKPT_REC_NETLINK_SOCK, sizeof(ckpt_rec_netlink_sock) - sizeof(ckpt_hdr))));
}

TEST(ProcessRecords, NetlinkSockGroupsMustFit)
{
	/* HEADER, TREE, the NETLINK_SOCK record of @sock with @bytes bytes after it, TAIL. */
	auto image = [](const ckpt_rec_netlink_sock &sock, std::size_t bytes) {
		return crtest::build_image([&](cr::RecordWriter &w) {
			w.write_header(cr::make_header(4242, 0));
			crtest::write_tree(w, 4242);
			crtest::write_record(w, CKPT_REC_NETLINK_SOCK, sock, Bytes(bytes));
			w.write_tail();
		});
	};
	ckpt_rec_netlink_sock s{};
	s.ngroups = 1; /* a whole word for one group */
	EXPECT_FALSE(crtest::read_through(image(s, 8)));
	s.ngroups = 64;
	EXPECT_FALSE(crtest::read_through(image(s, 8)));
	/* more does no harm */
	EXPECT_FALSE(crtest::read_through(image(s, 24)));
	s.ngroups = 65;
	cr::Error e = expect_malformed(image(s, 8), third_record);
	EXPECT_THAT(e.what(), HasSubstr("NETLINK_SOCK record group count 65 (16 bytes) does not "
					"fit in the 72-byte record"));
	e = expect_malformed(image(s, 0), third_record);
	EXPECT_THAT(e.what(), HasSubstr("group count 65 (16 bytes) does not fit in the 64-byte"));
	EXPECT_FALSE(crtest::read_through(image(s, 16)));
	s.ngroups = 0xffffffff;
	e = expect_malformed(image(s, 16), third_record);
	EXPECT_THAT(e.what(), HasSubstr("group count 4294967295 (536870912 bytes) does not fit"));
}

TEST(ProcessRecords, NetlinkSockContents)
{
	Bytes image = crtest::netlink_image();
	cr::Fd fd = crtest::memfd_with(image);
	cr::ImageSummary sum = cr::verify_image(fd.get());
	ASSERT_TRUE(sum.valid()) << (sum.problem ? sum.problem->what() : "");
	ASSERT_EQ(sum.contents.tasks.size(), 1u);
	const cr::TaskContents &t = sum.contents.tasks[0];
	ASSERT_EQ(t.netlink_socks.size(), 3u);
	ASSERT_EQ(t.files.size(), 3u);
	for (std::size_t i = 0; i < 3; i++) {
		/* each right before the FILE record that names it */
		const cr::At<cr::NetlinkSockRecord> &s = t.netlink_socks[i];
		EXPECT_EQ(s.offset + s.rec.sock.h.len, t.files[i].offset) << i;
		EXPECT_EQ(s.rec.sock.h.type, static_cast<std::uint32_t>(CKPT_REC_NETLINK_SOCK));
		EXPECT_EQ(t.files[i].rec.file.kind, static_cast<std::uint32_t>(CKPT_FILE_NETLINK));
		EXPECT_EQ(t.files[i].rec.file.objref, s.rec.sock.objref) << i;
		EXPECT_EQ(s.rec.sock.protocol, static_cast<std::uint32_t>(NETLINK_ROUTE));
	}

	/* the raw socket: two words of groups, 1 and 5 in the first, 65 in the second */
	const cr::NetlinkSockRecord &raw = t.netlink_socks[0].rec;
	EXPECT_EQ(raw.sock.h.len, sizeof(ckpt_rec_netlink_sock) + 16);
	EXPECT_EQ(raw.sock.objref, 7u);
	EXPECT_EQ(raw.sock.type, static_cast<std::uint32_t>(SOCK_RAW));
	EXPECT_EQ(raw.sock.portid, 4242u);
	EXPECT_EQ(raw.sock.ngroups, 72u);
	EXPECT_THAT(raw.groups, ElementsAre(1u, 5u, 65u));
	EXPECT_EQ(cr::netlink_flags_names(raw.sock.flags),
		  "bound nonblock ext_ack strict_chk rcvbuf");
	EXPECT_EQ(raw.sock.rcvbuf, 1048576u);

	const cr::NetlinkSockRecord &dgram = t.netlink_socks[1].rec;
	EXPECT_EQ(dgram.sock.h.len, sizeof(ckpt_rec_netlink_sock));
	EXPECT_EQ(dgram.sock.type, static_cast<std::uint32_t>(SOCK_DGRAM));
	EXPECT_EQ(cr::netlink_flags_names(dgram.sock.flags),
		  "bound connected pktinfo passcred sndbuf");
	EXPECT_EQ(dgram.sock.dst_portid, 0u);
	EXPECT_EQ(dgram.sock.dst_group, 3u);
	EXPECT_TRUE(dgram.groups.empty());
	EXPECT_EQ(dgram.sock.sndtimeo_ns, 250000000);
	EXPECT_EQ(dgram.sock.rcvtimeo_ns, 2000000000);

	const cr::NetlinkSockRecord &unbound = t.netlink_socks[2].rec;
	EXPECT_EQ(unbound.sock.flags, 0u);
	EXPECT_EQ(unbound.sock.portid, 0u);
	EXPECT_TRUE(unbound.groups.empty());
}

TEST(ProcessRecords, NetlinkSockGroupsDecoded)
{
	/* the groups of a NETLINK_SOCK record of @ngroups bits, @words after it */
	auto groups_of = [](std::uint32_t ngroups, std::vector<std::uint64_t> words) {
		Bytes image = crtest::build_image([&](cr::RecordWriter &w) {
			w.write_header(cr::make_header(4242, 0));
			crtest::write_tree(w, 4242);
			ckpt_rec_netlink_sock s{};
			s.ngroups = ngroups;
			crtest::write_netlink_sock(w, s, words);
			w.write_tail();
		});
		std::vector<cr::Record> recs = records_of(image);
		return cr::parse_netlink_sock_record(find(recs, CKPT_REC_NETLINK_SOCK)).groups;
	};
	EXPECT_TRUE(groups_of(0, {}).empty());
	EXPECT_THAT(groups_of(64, {0x8000000000000001}), ElementsAre(1u, 64u));
	/* bits past ngroups name no group */
	EXPECT_THAT(groups_of(3, {0xff}), ElementsAre(1u, 2u, 3u));
	EXPECT_THAT(groups_of(130, {0, 0, 0x3}), ElementsAre(129u, 130u));
	/* every group of a full record */
	std::vector<std::uint64_t> all(CKPT_NETLINK_GROUPS_MAX / 64, ~std::uint64_t{0});
	std::vector<std::uint32_t> groups = groups_of(CKPT_NETLINK_GROUPS_MAX, all);
	ASSERT_EQ(groups.size(), std::size_t{CKPT_NETLINK_GROUPS_MAX});
	EXPECT_EQ(groups.front(), 1u);
	EXPECT_EQ(groups.back(), std::uint32_t{CKPT_NETLINK_GROUPS_MAX});
}

TEST(ProcessRecords, NetlinkSockNames)
{
	EXPECT_EQ(cr::netlink_flags_names(0), "none");
	EXPECT_EQ(cr::netlink_flags_names(0xfff),
		  "bound connected nonblock pktinfo broadcast_error no_enobufs cap_ack ext_ack "
		  "strict_chk passcred sndbuf rcvbuf");
	EXPECT_EQ(cr::netlink_flags_names(CKPT_NETLINK_CAP_ACK | 0x1000), "cap_ack 0x1000");
	EXPECT_EQ(cr::netlink_type_name(SOCK_RAW), "raw");
	EXPECT_EQ(cr::netlink_type_name(SOCK_DGRAM), "dgram");
	EXPECT_EQ(cr::netlink_type_name(SOCK_STREAM), "type 1");
	EXPECT_EQ(cr::netlink_protocol_name(NETLINK_ROUTE), "route");
	EXPECT_EQ(cr::netlink_protocol_name(NETLINK_KOBJECT_UEVENT), "protocol 15");
}
