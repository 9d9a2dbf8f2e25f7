// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fork_with_pid(): a child with the pid asked for when clone3() grants
 * it, else a child all the same and the reason; close_fds_except().
 */
#include "error.h"
#include "fd.h"
#include "fork_with_pid.h"

#include <cerrno>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

using testing::AnyOf;

namespace {

/* The exit status of child @pid. */
int wait_exit(pid_t pid)
{
	int status = 0;
	EXPECT_EQ(::waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* A pid that was just in use and is free now. */
pid_t free_pid()
{
	pid_t pid = ::fork();
	if (pid == 0)
		::_exit(0);
	wait_exit(pid);
	return pid;
}

} // namespace

TEST(ForkWithPid, TakenPidFallsBackToFork)
{
	pid_t self = ::getpid();
	cr::ForkResult r = cr::fork_with_pid(self);
	if (r.pid == 0)
		::_exit(::getpid() == self ? 1 : 42);
	ASSERT_GT(r.pid, 0);
	EXPECT_NE(r.pid, self);
	/* EEXIST with the right to choose pids, EPERM without; ENOSYS under seccomp. */
	EXPECT_THAT(r.pid_error, AnyOf(EEXIST, EPERM, ENOSYS));
	EXPECT_EQ(wait_exit(r.pid), 42);
}

TEST(ForkWithPid, FreePid)
{
	pid_t want = free_pid();
	cr::ForkResult r = cr::fork_with_pid(want);
	if (r.pid == 0)
		::_exit(::getpid() == want ? 7 : 8);
	ASSERT_GT(r.pid, 0);
	if (r.pid_error == 0) {
		EXPECT_EQ(r.pid, want);
		EXPECT_EQ(wait_exit(r.pid), 7);
	} else {
		/* Not privileged here, or the pid was reused meanwhile. */
		EXPECT_THAT(r.pid_error, AnyOf(EPERM, EEXIST, ENOSYS));
		EXPECT_EQ(wait_exit(r.pid), 8);
	}
}

TEST(ForkWithPid, InvalidPid)
{
	EXPECT_THROW(cr::fork_with_pid(0), cr::Error);
	EXPECT_THROW(cr::fork_with_pid(-5), cr::Error);
}

TEST(ForkWithPid, Reasons)
{
	EXPECT_STREQ(cr::pid_error_reason(EEXIST), "is taken");
	EXPECT_THAT(cr::pid_error_reason(EPERM), testing::HasSubstr("CAP_CHECKPOINT_RESTORE"));
	EXPECT_STREQ(cr::pid_error_reason(0), "");
}

TEST(CloseFdsExcept, KeepsOnlyThoseNamed)
{
	cr::Fd a = cr::make_memfd("a");
	cr::Fd b = cr::make_memfd("b");
	cr::Fd c = cr::make_memfd("c");
	pid_t pid = ::fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int keep[] = {c.get(), -1, a.get(), STDERR_FILENO};
		cr::close_fds_except(keep);
		bool ok = ::fcntl(a.get(), F_GETFD) >= 0 && ::fcntl(b.get(), F_GETFD) < 0 &&
			  ::fcntl(c.get(), F_GETFD) >= 0 && ::fcntl(STDERR_FILENO, F_GETFD) >= 0 &&
			  ::fcntl(STDIN_FILENO, F_GETFD) < 0;
		::_exit(ok ? 0 : 1);
	}
	EXPECT_EQ(wait_exit(pid), 0);
}
