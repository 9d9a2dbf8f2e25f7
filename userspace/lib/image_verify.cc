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
#include <optional>

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
 * SYSV_SHM, SYSV_SEM) come after the TREE record, with the tasks.  The
 * NAMESPACE records are checked as restart() checks them, and the tree's
 * entries against them.  A semaphore set (SYSV_SEM) comes in the records
 * of a task, after the IPC_NS record of its namespace there, no more of
 * them than that record counts; a process's adjustments (SEM_UNDO) in
 * the records of a task that is not a thread.
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
		case CKPT_REC_SYSV_SHM:
			check_after_tree(rec);
			break;
		case CKPT_REC_IPC_NS:
			check_after_tree(rec);
			ipc_ns_ = IpcNs{rec.offset, load<ckpt_rec_ipc_ns>(rec.bytes).nr_sem, 0};
			break;
		case CKPT_REC_SYSV_SEM:
			check_task_record(rec);
			check_sem_set(rec);
			break;
		case CKPT_REC_SEM_UNDO:
			check_task_record(rec);
			check_not_thread(rec);
			break;
		case CKPT_REC_TREE:
			tree_ = parse_tree_record(rec);
			check_tree_namespaces(*tree_, rec.offset, namespaces_);
			break;
		case CKPT_REC_TASK:
			task_pid_ = load<ckpt_rec_task>(rec.bytes).pid;
			ipc_ns_.reset();
			break;
		default:
			break;
		}
		if (rec.type != CKPT_REC_HEADER && rec.type != CKPT_REC_PADDING && !rec.skipped)
			in_prefix_ = false;
	}

private:
	/* The IPC_NS record among the current task's records, and the SYSV_SEM records after it */
	struct IpcNs {
		std::uint64_t offset = 0;
		std::uint32_t nr_sem = 0;
		std::uint32_t sems = 0;
	};

	void check_after_tree(const Record &rec) const
	{
		if (!tree_)
			throw Error(EINVAL, rec.offset,
				    fmt::format("a {} record before the TREE record: it belongs "
						"with the records of a task",
						record_type_name(rec.type)));
	}

	/* @rec belongs in the records of a task: after the TREE and a TASK record */
	void check_task_record(const Record &rec) const
	{
		check_after_tree(rec);
		if (!task_pid_)
			throw Error(EINVAL, rec.offset,
				    fmt::format("a {} record before the first TASK record: it "
						"belongs with the records of a task",
						record_type_name(rec.type)));
	}

	void check_sem_set(const Record &rec)
	{
		if (!ipc_ns_)
			throw Error(
				EINVAL, rec.offset,
				fmt::format("a SYSV_SEM record in the records of pid {} without "
					    "an IPC_NS record before it: a semaphore set comes "
					    "with its IPC namespace",
					    *task_pid_));
		if (ipc_ns_->sems == ipc_ns_->nr_sem)
			throw Error(EINVAL, rec.offset,
				    fmt::format("a SYSV_SEM record beyond the {} semaphore sets "
						"that the IPC_NS record at byte offset {} counts",
						ipc_ns_->nr_sem, ipc_ns_->offset));
		ipc_ns_->sems++;
	}

	/* A thread never has SEM_UNDO records: they come with its process's leader */
	void check_not_thread(const Record &rec) const
	{
		for (const ckpt_task_ids &t : tree_->tasks)
			if (t.pid == *task_pid_ && t.tgid != t.pid)
				throw Error(
					EINVAL, rec.offset,
					fmt::format("a SEM_UNDO record in the records of pid {}, "
						    "a thread of process {}: a process's "
						    "adjustments come with its leader",
						    t.pid, t.tgid));
	}

	std::vector<ImageNamespace> namespaces_;
	bool in_prefix_ = true; /* only the HEADER, NAMESPACE and optional records so far */
	std::optional<TreeRecord> tree_;
	std::optional<std::int32_t> task_pid_; /* of the last TASK record */
	std::optional<IpcNs> ipc_ns_;
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
