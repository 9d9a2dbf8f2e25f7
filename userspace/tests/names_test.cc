// SPDX-License-Identifier: GPL-2.0-or-later
#include "errno_sentence.h"
#include "record_names.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/checkpoint_hdr.h>

using testing::HasSubstr;

TEST(RecordNames, KnownAndUnknownTypes)
{
	EXPECT_EQ(cr::record_type_name(CKPT_REC_HEADER), "HEADER");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_TAIL), "TAIL");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_ERROR), "ERROR");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_PADDING), "PADDING");
	EXPECT_EQ(cr::record_type_name(0x01f0), "0x000001f0");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_OPTIONAL | 0x01f0), "0x800001f0");
}

TEST(RecordNames, ArchAndFlags)
{
	EXPECT_EQ(cr::arch_name(CKPT_ARCH_X86_64), "x86_64");
	EXPECT_EQ(cr::arch_name(CKPT_ARCH_ARM64), "arm64");
	EXPECT_EQ(cr::arch_name(99), "unknown (99)");
	EXPECT_EQ(cr::image_flags_names(0), "none");
	EXPECT_EQ(cr::image_flags_names(CKPT_IMAGE_CONTAINER), "CONTAINER");
	EXPECT_EQ(cr::image_flags_names(CKPT_IMAGE_CONTAINER | 0x10), "CONTAINER|0x10");
	EXPECT_EQ(cr::csum_type_name(CKPT_CSUM_CRC32), "crc32");
}

TEST(RecordNames, SharedAndLockedVmaFlags)
{
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_SHARED), "SHARED");
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE), "SHARED|MAYWRITE");
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_LOCKED), "LOCKED");
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_LOCKED | CKPT_VMA_LOCKONFAULT),
		  "LOCKED|LOCKONFAULT");
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_RAND_READ | CKPT_VMA_SHARED | CKPT_VMA_LOCKED),
		  "RAND_READ|SHARED|LOCKED");
	/* bits after the known ones are still shown, in hex */
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_LOCKONFAULT | (1U << 15)), "LOCKONFAULT|0x8000");
	EXPECT_EQ(cr::vma_flags_names(1U << 31), "0x80000000");
}

TEST(RecordNames, NoReserveAndDroppableVmaFlags)
{
	EXPECT_EQ(CKPT_VMA_NORESERVE, 1U << 13);
	EXPECT_EQ(CKPT_VMA_DROPPABLE, 1U << 14);
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_NORESERVE), "NORESERVE");
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_DROPPABLE), "DROPPABLE");
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE | CKPT_VMA_NORESERVE),
		  "SHARED|MAYWRITE|NORESERVE");
	/* what the kernel sets on a MAP_DROPPABLE mapping */
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_DONTDUMP | CKPT_VMA_WIPEONFORK | CKPT_VMA_NORESERVE |
				      CKPT_VMA_DROPPABLE),
		  "DONTDUMP|WIPEONFORK|NORESERVE|DROPPABLE");
	EXPECT_EQ(cr::vma_flags_names(CKPT_VMA_DROPPABLE | (1U << 15)), "DROPPABLE|0x8000");
}

TEST(RecordNames, FileOwner)
{
	EXPECT_EQ(cr::record_type_name(CKPT_REC_FILE_OWNER), "FILE_OWNER");
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_FILE_OWNER));
	EXPECT_FALSE(CKPT_REC_FILE_OWNER & CKPT_REC_OPTIONAL);
	EXPECT_EQ(cr::owner_type_name(CKPT_OWNER_TID), "thread");
	EXPECT_EQ(cr::owner_type_name(CKPT_OWNER_PID), "process");
	EXPECT_EQ(cr::owner_type_name(CKPT_OWNER_PGRP), "process group");
	EXPECT_EQ(cr::owner_type_name(3), "unknown (3)");
	/* 0 is F_SETSIG's default, SIGIO, which the C library calls SIGPOLL */
	EXPECT_EQ(cr::io_signal_name(0), "SIGIO");
	EXPECT_EQ(cr::io_signal_name(SIGIO), "SIGIO");
	EXPECT_EQ(cr::io_signal_name(SIGUSR2), "SIGUSR2");
	EXPECT_EQ(cr::io_signal_name(SIGRTMIN + 1), "SIGRTMIN+1");
	/* the kernel's FASYNC in a FILE record's f_flags */
	EXPECT_EQ(cr::open_flags_names(O_RDONLY | O_ASYNC), "O_RDONLY|O_ASYNC");
	EXPECT_EQ(cr::open_flags_names(O_RDWR | O_NONBLOCK | O_ASYNC), "O_RDWR|O_NONBLOCK|O_ASYNC");
}

TEST(RecordNames, Memfd)
{
	/* format 1.10's numbers */
	EXPECT_EQ(CKPT_REC_MEMFD, 0x0305u);
	EXPECT_EQ(CKPT_VMA_MEMFD, 6);
	EXPECT_EQ(CKPT_FILE_MEMFD, 16);
	EXPECT_EQ(CKPT_MEMFD_NEW, 1u);
	EXPECT_GE(CKPT_VERSION_MINOR, 10);

	EXPECT_EQ(cr::record_type_name(CKPT_REC_MEMFD), "MEMFD");
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_MEMFD));
	EXPECT_FALSE(CKPT_REC_MEMFD & CKPT_REC_OPTIONAL);
	EXPECT_EQ(cr::vma_kind_name(CKPT_VMA_MEMFD), "memfd");
	EXPECT_EQ(cr::vma_kind_name(CKPT_VMA_SHMEM), "shared anon");
	EXPECT_EQ(cr::vma_kind_name(9), "unknown (9)");
	EXPECT_EQ(cr::file_kind_name(CKPT_FILE_MEMFD), "memfd");
	EXPECT_EQ(cr::file_kind_name(CKPT_FILE_NETLINK), "netlink");
	EXPECT_EQ(cr::file_kind_name(18), "unknown (18)");

	EXPECT_EQ(cr::memfd_flags_names(0), "none");
	EXPECT_EQ(cr::memfd_flags_names(CKPT_MEMFD_NEW), "NEW");
	EXPECT_EQ(cr::memfd_flags_names(CKPT_MEMFD_NEW | 0x8), "NEW|0x8");
	EXPECT_EQ(cr::memfd_flags_names(1U << 31), "0x80000000");
}

TEST(RecordNames, DeletedFile)
{
	/* format 1.10's numbers */
	EXPECT_EQ(CKPT_REC_DELETED_FILE, 0x040du);
	EXPECT_EQ(CKPT_VMA_DELETED, 7);
	EXPECT_EQ(CKPT_FILE_DELETED, 17);
	EXPECT_EQ(CKPT_DELETED_NEW, 1u);
	EXPECT_EQ(CKPT_DELETED_MAX_SIZE, 256ULL << 20);
	EXPECT_GE(CKPT_VERSION_MINOR, 10);

	EXPECT_EQ(cr::record_type_name(CKPT_REC_DELETED_FILE), "DELETED_FILE");
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_DELETED_FILE));
	EXPECT_FALSE(CKPT_REC_DELETED_FILE & CKPT_REC_OPTIONAL);
	EXPECT_EQ(cr::vma_kind_name(CKPT_VMA_DELETED), "deleted");
	EXPECT_EQ(cr::vma_kind_name(CKPT_VMA_FILE), "file");
	EXPECT_EQ(cr::file_kind_name(CKPT_FILE_DELETED), "deleted");
	EXPECT_EQ(cr::file_kind_name(CKPT_FILE_REG), "reg");

	EXPECT_EQ(cr::deleted_flags_names(0), "none");
	EXPECT_EQ(cr::deleted_flags_names(CKPT_DELETED_NEW), "NEW");
	EXPECT_EQ(cr::deleted_flags_names(CKPT_DELETED_NEW | 0x4), "NEW|0x4");
	EXPECT_EQ(cr::deleted_flags_names(CKPT_DELETED_NEW | CKPT_DELETED_LINKABLE),
		  "NEW|LINKABLE");
	EXPECT_EQ(cr::deleted_flags_names(1U << 31), "0x80000000");
}

TEST(RecordNames, NamespacesAndSysvShm)
{
	/* format 1.11's numbers */
	EXPECT_EQ(CKPT_REC_NAMESPACE, 0x0800u);
	EXPECT_EQ(CKPT_REC_UTS_NS, 0x0801u);
	EXPECT_EQ(CKPT_REC_IPC_NS, 0x0802u);
	EXPECT_EQ(CKPT_REC_SYSV_SHM, 0x0600u);
	EXPECT_EQ(CKPT_VMA_SYSV_SHM, 8);
	EXPECT_EQ(CKPT_NS_UTS, 1);
	EXPECT_EQ(CKPT_NS_IPC, 2);
	EXPECT_GE(CKPT_VERSION_MINOR, 11);

	for (std::uint32_t type :
	     {CKPT_REC_NAMESPACE, CKPT_REC_UTS_NS, CKPT_REC_IPC_NS, CKPT_REC_SYSV_SHM}) {
		EXPECT_TRUE(cr::is_known_record_type(type)) << type;
		EXPECT_FALSE(type & CKPT_REC_OPTIONAL) << type;
	}
	EXPECT_EQ(cr::record_type_name(CKPT_REC_NAMESPACE), "NAMESPACE");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_UTS_NS), "UTS_NS");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_IPC_NS), "IPC_NS");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_SYSV_SHM), "SYSV_SHM");
	EXPECT_FALSE(cr::is_known_record_type(0x0803));
	EXPECT_EQ(cr::vma_kind_name(CKPT_VMA_SYSV_SHM), "sysv shm");

	EXPECT_EQ(cr::namespace_kind_name(CKPT_NS_UTS), "UTS");
	EXPECT_EQ(cr::namespace_kind_name(CKPT_NS_IPC), "IPC");
	EXPECT_EQ(cr::namespace_kind_name(0), "unknown (0)");
	EXPECT_EQ(cr::namespace_kind_name(3), "unknown (3)");

	EXPECT_EQ(cr::sysv_shm_flags_names(0), "none");
	EXPECT_EQ(cr::sysv_shm_flags_names(CKPT_SYSV_SHM_NEW), "NEW");
	EXPECT_EQ(cr::sysv_shm_flags_names(CKPT_SYSV_SHM_NEW | CKPT_SYSV_SHM_RMID), "NEW|RMID");
	EXPECT_EQ(cr::sysv_shm_flags_names(CKPT_SYSV_SHM_RMID | 0x8), "RMID|0x8");
}

TEST(RecordNames, SysvSemaphores)
{
	/* format 1.11's numbers */
	EXPECT_EQ(CKPT_REC_SYSV_SEM, 0x0601u);
	EXPECT_EQ(CKPT_REC_SEM_UNDO, 0x0602u);
	for (std::uint32_t type : {CKPT_REC_SYSV_SEM, CKPT_REC_SEM_UNDO}) {
		EXPECT_TRUE(cr::is_known_record_type(type)) << type;
		EXPECT_FALSE(type & CKPT_REC_OPTIONAL) << type;
	}
	EXPECT_EQ(cr::record_type_name(CKPT_REC_SYSV_SEM), "SYSV_SEM");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_SEM_UNDO), "SEM_UNDO");
	EXPECT_FALSE(cr::is_known_record_type(0x0603));
}

TEST(RecordNames, MemfdSeals)
{
	EXPECT_EQ(cr::memfd_seals_names(0), "none");
	/* the C library's values, where it has them */
	EXPECT_EQ(cr::memfd_seals_names(F_SEAL_SEAL), "F_SEAL_SEAL");
	EXPECT_EQ(cr::memfd_seals_names(F_SEAL_SHRINK), "F_SEAL_SHRINK");
	EXPECT_EQ(cr::memfd_seals_names(F_SEAL_GROW), "F_SEAL_GROW");
	EXPECT_EQ(cr::memfd_seals_names(F_SEAL_WRITE), "F_SEAL_WRITE");
#ifdef F_SEAL_FUTURE_WRITE
	EXPECT_EQ(cr::memfd_seals_names(F_SEAL_FUTURE_WRITE), "F_SEAL_FUTURE_WRITE");
#endif
#ifdef F_SEAL_EXEC
	EXPECT_EQ(cr::memfd_seals_names(F_SEAL_EXEC), "F_SEAL_EXEC");
#endif
	/* the kernel's, whatever the C library has */
	EXPECT_EQ(cr::memfd_seals_names(0x0010), "F_SEAL_FUTURE_WRITE");
	EXPECT_EQ(cr::memfd_seals_names(0x0020), "F_SEAL_EXEC");
	EXPECT_EQ(cr::memfd_seals_names(F_SEAL_SHRINK | F_SEAL_GROW), "F_SEAL_SHRINK|F_SEAL_GROW");
	EXPECT_EQ(cr::memfd_seals_names(0x3f), "F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE|"
					       "F_SEAL_FUTURE_WRITE|F_SEAL_EXEC");
	/* bits after the known ones are still shown, in hex */
	EXPECT_EQ(cr::memfd_seals_names(F_SEAL_WRITE | 0x40), "F_SEAL_WRITE|0x40");
	EXPECT_EQ(cr::memfd_seals_names(0xffffffc0), "0xffffffc0");
}

TEST(ErrnoSentence, NoKernelSupport)
{
	const char *expected = "this kernel has no checkpoint support: boot a kernel built with "
			       "CONFIG_CHECKPOINT";
	EXPECT_EQ(cr::errno_sentence(cr::Syscall::checkpoint, ENOSYS), expected);
	EXPECT_EQ(cr::errno_sentence(cr::Syscall::checkpoint, -ENOSYS), expected);
	EXPECT_EQ(cr::errno_sentence(cr::Syscall::restart, ENOSYS), expected);
}

TEST(ErrnoSentence, SpecificErrors)
{
	using cr::Syscall;
	EXPECT_THAT(cr::errno_sentence(Syscall::checkpoint, EPERM),
		    HasSubstr("CAP_CHECKPOINT_RESTORE"));
	EXPECT_THAT(cr::errno_sentence(Syscall::checkpoint, EPERM), HasSubstr("ptrace"));
	EXPECT_THAT(cr::errno_sentence(Syscall::restart, EPERM),
		    HasSubstr("CAP_CHECKPOINT_RESTORE"));
	EXPECT_THAT(cr::errno_sentence(Syscall::checkpoint, ESRCH), HasSubstr("no such process"));
	EXPECT_THAT(cr::errno_sentence(Syscall::checkpoint, EBADF),
		    HasSubstr("not open for writing"));
	EXPECT_THAT(cr::errno_sentence(Syscall::restart, EBADF), HasSubstr("not open for reading"));
	EXPECT_THAT(cr::errno_sentence(Syscall::checkpoint, EINVAL), HasSubstr("--subtree"));
	EXPECT_THAT(cr::errno_sentence(Syscall::restart, EINVAL), HasSubstr("not valid"));
	EXPECT_THAT(cr::errno_sentence(Syscall::restart, EBADMSG),
		    HasSubstr("corrupted or truncated"));
	EXPECT_THAT(cr::errno_sentence(Syscall::restart, ENOEXEC),
		    HasSubstr("incompatible machine"));
	EXPECT_EQ(cr::errno_sentence(Syscall::checkpoint, -EOPNOTSUPP),
		  "not supported by this kernel yet (see the log for what)");
}

TEST(ErrnoSentence, FallsBackToStrerror)
{
	EXPECT_EQ(cr::errno_sentence(cr::Syscall::checkpoint, -ENOSPC),
		  "No space left on device (ENOSPC)");
	EXPECT_EQ(cr::errno_sentence(cr::Syscall::checkpoint, EPIPE), "Broken pipe (EPIPE)");
}

TEST(ErrnoName, Names)
{
	EXPECT_EQ(cr::errno_name(EINVAL), "EINVAL");
	EXPECT_EQ(cr::errno_name(-EBADMSG), "EBADMSG");
	EXPECT_EQ(cr::errno_name(100000), "100000");
}

TEST(RecordNames, TaskResourceRecordsAreKnown)
{
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_RLIMITS));
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_SCHED));
	EXPECT_EQ(cr::record_type_name(CKPT_REC_RLIMITS), "RLIMITS");
	EXPECT_EQ(cr::record_type_name(CKPT_REC_SCHED), "SCHED");
	EXPECT_EQ(cr::vma_kind_name(CKPT_VMA_SHMEM), "shared anon");
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_SIGPENDING));
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_ITIMERS));
	EXPECT_EQ(cr::record_type_name(CKPT_REC_SIGPENDING), "SIGPENDING");
	EXPECT_TRUE(cr::is_known_record_type(CKPT_REC_RESTART_BLOCK));
}
