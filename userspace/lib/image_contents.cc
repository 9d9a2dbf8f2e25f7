// SPDX-License-Identifier: LGPL-2.1-or-later
#include "image_contents.h"

#include "bytes.h"

namespace cr {

TaskContents &ContentsBuilder::current_task()
{
	if (contents_.tasks.empty())
		contents_.tasks.emplace_back();
	return contents_.tasks.back();
}

void ContentsBuilder::add_pages(const Record &rec)
{
	auto pages = load<ckpt_rec_pages>(rec.bytes);
	if (last_type_ != CKPT_REC_PAGES)
		contents_.page_runs.push_back(PagesRun{rec.offset, pages.addr, 0, 0, 0});
	PagesRun &run = contents_.page_runs.back();
	run.bytes += rec.len;
	run.records++;
	run.pages += pages.nr_pages;

	TaskContents &task = current_task();
	if (in_shmem_ && !task.shmems.empty())
		task.shmems.back().pages += pages.nr_pages;
	else if (in_memfd_ && !task.memfds.empty())
		task.memfds.back().pages += pages.nr_pages;
	else if (in_deleted_ && !task.deleted_files.empty())
		task.deleted_files.back().pages += pages.nr_pages;
	else if (in_sysv_shm_ && !task.sysv_shms.empty())
		task.sysv_shms.back().pages += pages.nr_pages;
	else if (!task.vmas.empty()) {
		task.vmas.back().pages += pages.nr_pages;
		task.vmas.back().page_records++;
	}
	contents_.nr_pages += pages.nr_pages;
	/* The reader checked that the page data fits: page_shift is sane here. */
	contents_.page_bytes += std::uint64_t{pages.nr_pages} << page_shift_;
}

InotifyContents &ContentsBuilder::inotify_of(std::uint32_t objref)
{
	std::vector<InotifyContents> &inotifies = current_task().inotifies;
	for (auto it = inotifies.rbegin(); it != inotifies.rend(); ++it)
		if (it->objref == objref)
			return *it;
	InotifyContents &orphan = inotifies.emplace_back();
	orphan.objref = objref;
	return orphan;
}

void ContentsBuilder::add(const Record &rec)
{
	switch (rec.type) {
	case CKPT_REC_HEADER:
		page_shift_ = load<ckpt_rec_header>(rec.bytes).page_shift;
		break;
	case CKPT_REC_NAMESPACE:
		contents_.namespaces.push_back(
			At<ckpt_rec_namespace>{rec.offset, load<ckpt_rec_namespace>(rec.bytes)});
		break;
	case CKPT_REC_TREE:
		contents_.tree = At<TreeRecord>{rec.offset, parse_tree_record(rec)};
		break;
	case CKPT_REC_UTS_NS:
		current_task().uts_namespaces.push_back(
			At<ckpt_rec_uts_ns>{rec.offset, load<ckpt_rec_uts_ns>(rec.bytes)});
		break;
	case CKPT_REC_IPC_NS:
		current_task().ipc_namespaces.push_back(
			At<ckpt_rec_ipc_ns>{rec.offset, load<ckpt_rec_ipc_ns>(rec.bytes)});
		break;
	case CKPT_REC_SYSV_SHM:
		current_task().sysv_shms.push_back(
			SysvShmContents{rec.offset, load<ckpt_rec_sysv_shm>(rec.bytes), 0});
		contents_.nr_sysv_shms++;
		break;
	case CKPT_REC_SYSV_SEM:
		current_task().sysv_sems.push_back(
			At<SysvSemRecord>{rec.offset, parse_sysv_sem_record(rec)});
		contents_.nr_sysv_sems++;
		break;
	case CKPT_REC_SEM_UNDO:
		current_task().sem_undos.push_back(
			At<SemUndoRecord>{rec.offset, parse_sem_undo_record(rec)});
		contents_.nr_sem_undos++;
		break;
	case CKPT_REC_TASK:
		contents_.tasks.emplace_back().task =
			At<ckpt_rec_task>{rec.offset, load<ckpt_rec_task>(rec.bytes)};
		contents_.nr_tasks++;
		break;
	case CKPT_REC_CREDS:
		current_task().creds = At<CredsRecord>{rec.offset, parse_creds_record(rec)};
		break;
	case CKPT_REC_CPU_X86_64:
		current_task().cpu =
			At<ckpt_rec_cpu_x86_64>{rec.offset, load<ckpt_rec_cpu_x86_64>(rec.bytes)};
		break;
	case CKPT_REC_MM:
		current_task().mm = At<MmRecord>{rec.offset, parse_mm_record(rec)};
		break;
	case CKPT_REC_VMA:
		current_task().vmas.push_back(
			VmaContents{rec.offset, parse_vma_record(rec), 0, 0, mapped_file_});
		contents_.nr_vmas++;
		break;
	case CKPT_REC_MAPPED_FILE:
		mapped_file_ =
			At<ckpt_rec_mapped_file>{rec.offset, load<ckpt_rec_mapped_file>(rec.bytes)};
		break;
	case CKPT_REC_PAGES:
		add_pages(rec);
		break;
	case CKPT_REC_SHARE:
		current_task().shares.push_back(
			At<ckpt_rec_share>{rec.offset, load<ckpt_rec_share>(rec.bytes)});
		break;
	case CKPT_REC_SHMEM:
		current_task().shmems.push_back(
			ShmemContents{rec.offset, load<ckpt_rec_shmem>(rec.bytes), 0});
		contents_.nr_shmems++;
		break;
	case CKPT_REC_MEMFD:
		current_task().memfds.push_back(
			MemfdContents{rec.offset, parse_memfd_record(rec), 0});
		contents_.nr_memfds++;
		break;
	case CKPT_REC_DELETED_FILE:
		current_task().deleted_files.push_back(
			DeletedFileContents{rec.offset, parse_deleted_file_record(rec), 0});
		contents_.nr_deleted_files++;
		break;
	case CKPT_REC_FS:
		current_task().fs = At<FsRecord>{rec.offset, parse_fs_record(rec)};
		break;
	case CKPT_REC_FILE:
		current_task().files.push_back(At<FileRecord>{rec.offset, parse_file_record(rec)});
		break;
	case CKPT_REC_PIPE_DATA:
		current_task().pipes.push_back(
			At<ckpt_rec_pipe_data>{rec.offset, load<ckpt_rec_pipe_data>(rec.bytes)});
		break;
	case CKPT_REC_PTY:
		current_task().ptys.push_back(At<PtyRecord>{rec.offset, parse_pty_record(rec)});
		break;
	case CKPT_REC_EVENTFD:
		current_task().eventfds.push_back(
			At<ckpt_rec_eventfd>{rec.offset, load<ckpt_rec_eventfd>(rec.bytes)});
		break;
	case CKPT_REC_SIGNALFD:
		current_task().signalfds.push_back(
			At<ckpt_rec_signalfd>{rec.offset, load<ckpt_rec_signalfd>(rec.bytes)});
		break;
	case CKPT_REC_UNIX_PAIR:
		current_task().unix_pairs.push_back(
			At<UnixPairRecord>{rec.offset, parse_unix_pair_record(rec)});
		break;
	case CKPT_REC_UNIX_SOCK:
		current_task().unix_socks.push_back(
			At<UnixSockRecord>{rec.offset, parse_unix_sock_record(rec)});
		break;
	case CKPT_REC_NETLINK_SOCK:
		current_task().netlink_socks.push_back(
			At<NetlinkSockRecord>{rec.offset, parse_netlink_sock_record(rec)});
		break;
	case CKPT_REC_INET_SOCK:
		current_task().inet_socks.push_back(
			At<ckpt_rec_inet_sock>{rec.offset, load<ckpt_rec_inet_sock>(rec.bytes)});
		break;
	case CKPT_REC_FILE_LOCK:
		current_task().locks.push_back(
			At<ckpt_rec_file_lock>{rec.offset, load<ckpt_rec_file_lock>(rec.bytes)});
		break;
	case CKPT_REC_FILE_OWNER:
		current_task().owners.push_back(
			At<ckpt_rec_file_owner>{rec.offset, load<ckpt_rec_file_owner>(rec.bytes)});
		break;
	case CKPT_REC_EPOLL:
		current_task().epolls.push_back(
			At<EpollRecord>{rec.offset, parse_epoll_record(rec)});
		break;
	case CKPT_REC_INOTIFY: {
		auto inotify = load<ckpt_rec_inotify>(rec.bytes);
		InotifyContents &i = current_task().inotifies.emplace_back();
		i.instance = At<ckpt_rec_inotify>{rec.offset, inotify};
		i.objref = inotify.objref;
		break;
	}
	case CKPT_REC_INOTIFY_WATCH: {
		InotifyWatchRecord w = parse_inotify_watch_record(rec);
		inotify_of(w.watch.objref).watches.push_back(At<InotifyWatchRecord>{rec.offset, w});
		break;
	}
	case CKPT_REC_INOTIFY_EVENT: {
		InotifyEventRecord e = parse_inotify_event_record(rec);
		inotify_of(e.event.objref).events.push_back(At<InotifyEventRecord>{rec.offset, e});
		break;
	}
	case CKPT_REC_TIMERFD:
		current_task().timerfds.push_back(
			At<ckpt_rec_timerfd>{rec.offset, load<ckpt_rec_timerfd>(rec.bytes)});
		break;
	case CKPT_REC_SIGHAND:
		current_task().sighand =
			At<ckpt_rec_sighand>{rec.offset, load<ckpt_rec_sighand>(rec.bytes)};
		break;
	case CKPT_REC_POSIX_TIMERS:
		current_task().posix_timers =
			At<PosixTimersRecord>{rec.offset, parse_posix_timers_record(rec)};
		break;
	default:
		break;
	}
	/*
	 * PAGES after a SHMEM, MEMFD, DELETED_FILE or SYSV_SHM record fill its
	 * object, not the last VMA
	 */
	if (rec.type != CKPT_REC_PAGES) {
		in_shmem_ = rec.type == CKPT_REC_SHMEM;
		in_memfd_ = rec.type == CKPT_REC_MEMFD;
		in_deleted_ = rec.type == CKPT_REC_DELETED_FILE;
		in_sysv_shm_ = rec.type == CKPT_REC_SYSV_SHM;
	}
	if (rec.type != CKPT_REC_MAPPED_FILE)
		mapped_file_.reset();
	last_type_ = rec.type;
}

} // namespace cr
