/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the records of an image say about its processes, decoded and
 * grouped: the container section (NAMESPACE records) and the task tree,
 * then for each TASK record the CREDS, CPU, MM, VMA, FS, FILE, SIGHAND
 * and POSIX_TIMERS records that follow it, those of its files (an
 * inotify instance with its watches and queued events...) and of the
 * namespaces it is the first task of (UTS_NS, IPC_NS, its SYSV_SHM
 * segments and SYSV_SEM semaphore sets), and a process's SEM_UNDO
 * adjustments.
 * PAGES records are not kept one by one (there can be many thousands):
 * each run of consecutive PAGES records is counted, and added to the VMA
 * it follows (or to the shared memory object, memfd, deleted file or
 * System V segment of the SHMEM, MEMFD, DELETED_FILE or SYSV_SHM record
 * it follows).
 */
#pragma once

#include <cstdint>
#include <linux/checkpoint_hdr.h>
#include <optional>
#include <string>
#include <vector>

#include "process_records.h"
#include "record_reader.h"

namespace cr {

/* A decoded record and where it is. */
template <typename T>
struct At {
	std::uint64_t offset = 0; /* of the record in the image */
	T rec{};
};

/* Consecutive PAGES records. */
struct PagesRun {
	std::uint64_t offset = 0; /* of the first one */
	std::uint64_t addr = 0;	  /* of its first page */
	std::uint64_t bytes = 0;  /* record bytes, headers included */
	std::uint64_t records = 0;
	std::uint64_t pages = 0;
};

struct VmaContents {
	std::uint64_t offset = 0;
	VmaRecord vma;
	std::uint64_t pages = 0; /* in the PAGES records that follow it */
	std::uint64_t page_records = 0;
	/* the MAPPED_FILE record just before it: its file at checkpoint time */
	std::optional<At<ckpt_rec_mapped_file>> file;
};

/* A SHMEM record: a shared memory object, and its pages when it is new. */
struct ShmemContents {
	std::uint64_t offset = 0;
	ckpt_rec_shmem shmem{};
	std::uint64_t pages = 0; /* in the PAGES records that follow it */
};

/*
 * A MEMFD record: a memfd (1.10), and the pages of its contents when it
 * is new; one without CKPT_MEMFD_NEW names a memfd again for the mapping
 * that follows it.
 */
struct MemfdContents {
	std::uint64_t offset = 0;
	MemfdRecord memfd;
	std::uint64_t pages = 0; /* in the PAGES records that follow it */
};

/*
 * A DELETED_FILE record: a deleted file (1.10), and the pages of its
 * contents when it is new; one without CKPT_DELETED_NEW names the file
 * again for the mapping that follows it.
 */
struct DeletedFileContents {
	std::uint64_t offset = 0;
	DeletedFileRecord deleted;
	std::uint64_t pages = 0; /* in the PAGES records that follow it */
};

/*
 * A SYSV_SHM record: a System V shared memory segment (1.11), and the
 * pages of its contents when it is new (after its namespace's IPC_NS
 * record); one without CKPT_SYSV_SHM_NEW names the segment again for the
 * mapping (an shmat()) that follows it.
 */
struct SysvShmContents {
	std::uint64_t offset = 0;
	ckpt_rec_sysv_shm shm{};
	std::uint64_t pages = 0; /* in the PAGES records that follow it */
};

/*
 * An inotify instance: its INOTIFY record, and the INOTIFY_WATCH and
 * INOTIFY_EVENT records of its objref that follow it, in image order
 * (events oldest first).
 */
struct InotifyContents {
	/* none: WATCH or EVENT records whose objref no INOTIFY record before names */
	std::optional<At<ckpt_rec_inotify>> instance;
	std::uint32_t objref = 0;
	std::vector<At<InotifyWatchRecord>> watches;
	std::vector<At<InotifyEventRecord>> events;
};

struct TaskContents {
	std::optional<At<ckpt_rec_task>> task; /* none: records that came before any TASK */
	std::optional<At<CredsRecord>> creds;
	std::optional<At<ckpt_rec_cpu_x86_64>> cpu;
	std::optional<At<MmRecord>> mm;
	std::vector<VmaContents> vmas;
	std::optional<At<FsRecord>> fs;
	std::vector<At<FileRecord>> files;
	std::vector<At<ckpt_rec_pipe_data>> pipes; /* PIPE_DATA records */
	std::vector<At<PtyRecord>> ptys;	   /* PTY records */
	std::vector<At<ckpt_rec_eventfd>> eventfds;
	std::vector<At<ckpt_rec_signalfd>> signalfds;
	std::vector<At<ckpt_rec_timerfd>> timerfds;
	std::vector<At<EpollRecord>> epolls;
	std::vector<InotifyContents> inotifies; /* INOTIFY records, with their watches and events */
	std::vector<At<ckpt_rec_file_lock>> locks;
	std::vector<At<ckpt_rec_file_owner>> owners; /* FILE_OWNER records */
	std::vector<At<UnixPairRecord>> unix_pairs;
	std::vector<At<UnixSockRecord>> unix_socks; /* UNIX_SOCK records */
	std::vector<At<ckpt_rec_inet_sock>> inet_socks;
	std::vector<At<NetlinkSockRecord>> netlink_socks; /* NETLINK_SOCK records */
	std::vector<ShmemContents> shmems;		  /* SHMEM records */
	std::vector<MemfdContents> memfds;		  /* MEMFD records */
	std::vector<DeletedFileContents> deleted_files;	  /* DELETED_FILE records */
	std::vector<At<ckpt_rec_uts_ns>> uts_namespaces;  /* UTS_NS records */
	std::vector<At<ckpt_rec_ipc_ns>> ipc_namespaces;  /* IPC_NS records */
	std::vector<SysvShmContents> sysv_shms;		  /* SYSV_SHM records */
	std::vector<At<SysvSemRecord>> sysv_sems;	  /* SYSV_SEM records */
	std::vector<At<SemUndoRecord>> sem_undos;	  /* SEM_UNDO records */
	std::vector<At<ckpt_rec_share>> shares;		  /* SHARE records */
	std::optional<At<ckpt_rec_sighand>> sighand;
	std::optional<At<PosixTimersRecord>> posix_timers; /* a process leader's POSIX timers */
};

struct ImageContents {
	std::vector<At<ckpt_rec_namespace>> namespaces; /* NAMESPACE records (1.11) */
	std::optional<At<TreeRecord>> tree;
	std::vector<TaskContents> tasks;
	std::vector<PagesRun> page_runs;

	/* Totals over the whole image. */
	std::uint64_t nr_tasks = 0; /* TASK records */
	std::uint64_t nr_vmas = 0;
	std::uint64_t nr_shmems = 0;	    /* SHMEM records */
	std::uint64_t nr_memfds = 0;	    /* MEMFD records */
	std::uint64_t nr_deleted_files = 0; /* DELETED_FILE records */
	std::uint64_t nr_sysv_shms = 0;	    /* SYSV_SHM records */
	std::uint64_t nr_sysv_sems = 0;	    /* SYSV_SEM records */
	std::uint64_t nr_sem_undos = 0;	    /* SEM_UNDO records */
	std::uint64_t nr_pages = 0;
	std::uint64_t page_bytes = 0; /* nr_pages times the page size of the header */
};

/* Builds an ImageContents from the records of an image, in order. */
class ContentsBuilder {
public:
	/* Adds a record RecordReader returned (which checked its lengths). */
	void add(const Record &rec);
	/* What was added so far. */
	ImageContents take() { return std::move(contents_); }

private:
	/* The task the records being read belong to. */
	TaskContents &current_task();
	void add_pages(const Record &rec);
	/* The inotify instance of the current task that INOTIFY_WATCH or _EVENT @objref is of. */
	InotifyContents &inotify_of(std::uint32_t objref);

	ImageContents contents_;
	unsigned page_shift_ = 0;
	std::uint32_t last_type_ = 0;
	bool in_shmem_ = false;	   /* PAGES records follow a SHMEM record */
	bool in_memfd_ = false;	   /* PAGES records follow a MEMFD record */
	bool in_deleted_ = false;  /* PAGES records follow a DELETED_FILE record */
	bool in_sysv_shm_ = false; /* PAGES records follow a SYSV_SHM record */
	/* a MAPPED_FILE record, for the VMA record that follows */
	std::optional<At<ckpt_rec_mapped_file>> mapped_file_;
};

} // namespace cr
