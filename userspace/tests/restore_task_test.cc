// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The restart tool's task handling, where this host allows: the tree is
 * created (in new UTS and IPC namespaces where the image says so) and
 * the image handed to restart() (from a file, and relayed from a pipe),
 * whose failure is reported, not a hang; a taken pid is an error naming
 * it; exit statuses; signal forwarding.  A restore that takes over needs a kernel with
 * restart(): the VM tests cover it.
 */
#include "fd.h"
#include "image_prefix.h"
#include "restore_task.h"
#include "signals.h"
#include "syscalls.h"
#include "test_util.h"

#include <cerrno>
#include <csignal>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

using testing::HasSubstr;
using testing::MatchesRegex;

namespace {

pid_t free_pid();

class StartRestore : public testing::Test {
protected:
	void SetUp() override
	{
		if (cr::have_checkpoint_syscalls())
			GTEST_SKIP() << "restart() exists here: it would restore the sample image";
		std::signal(SIGPIPE, SIG_IGN);
	}

	/* Restores @image read from @fd; expects restart() to fail with ENOSYS. */
	void expect_enosys(int fd)
	{
		cr::ImagePrefix prefix = cr::read_image_prefix(fd);
		crtool::SignalForwarder forwarder;
		crtool::RestoreStart start =
			crtool::start_restore({prefix, fd, 0, STDERR_FILENO}, forwarder);
		EXPECT_GT(start.pid, 0);
		EXPECT_EQ(start.error, std::optional<int>(ENOSYS));
		/* Reaped already. */
		EXPECT_EQ(::waitpid(start.pid, nullptr, WNOHANG), -1);
		EXPECT_EQ(errno, ECHILD);
	}
};

pid_t child_that(void (*body)())
{
	pid_t pid = ::fork();
	if (pid == 0) {
		body();
		::_exit(99);
	}
	return pid;
}

/* A pid that was just in use and is free now. */
pid_t free_pid()
{
	pid_t pid = child_that([] {});
	::waitpid(pid, nullptr, 0);
	return pid;
}

} // namespace

TEST_F(StartRestore, FromAFile)
{
	cr::Fd fd = crtest::memfd_with(crtest::process_image(free_pid()));
	expect_enosys(fd.get());
}

TEST_F(StartRestore, RelayedFromAPipe)
{
	crtest::PipeFeeder feeder(crtest::process_image(free_pid()), 4096);
	expect_enosys(feeder.fd());
}

TEST_F(StartRestore, TakenPidIsAnError)
{
	cr::Fd fd = crtest::memfd_with(crtest::process_image(::getpid()));
	cr::ImagePrefix prefix = cr::read_image_prefix(fd.get());
	crtool::SignalForwarder forwarder;
	try {
		crtool::start_restore({prefix, fd.get(), 0, STDERR_FILENO}, forwarder);
		ADD_FAILURE() << "a taken pid was not refused";
	} catch (const cr::Error &e) {
		EXPECT_THAT(e.what(),
			    MatchesRegex(fmt::format(
				    "cannot create pid {}: (it is taken|choosing.*)", ::getpid())));
	}
}

TEST_F(StartRestore, InNewNamespaces)
{
	/*
	 * The root in a UTS and an IPC namespace of its own, its child in
	 * another UTS namespace: clone3() with set_tid and CLONE_NEWUTS,
	 * CLONE_NEWIPC (which needs CAP_SYS_ADMIN).
	 */
	pid_t root = free_pid(), child = free_pid();
	crtest::Bytes image = crtest::build_image([=](cr::RecordWriter &w) {
		w.write_header(cr::make_header(root, 0));
		crtest::write_namespace(w, 1, CKPT_NS_UTS, root);
		crtest::write_namespace(w, 2, CKPT_NS_IPC, root);
		crtest::write_namespace(w, 3, CKPT_NS_UTS, child);
		const ckpt_task_ids tasks[] = {crtest::task_ids(root, 0, root, root, 1, 2),
					       crtest::task_ids(child, root, root, root, 3, 2)};
		crtest::write_tree_of(w, tasks);
		crtest::write_process(w, root);
		w.write_tail();
	});
	cr::Fd fd = crtest::memfd_with(image);
	try {
		expect_enosys(fd.get());
	} catch (const cr::Error &e) {
		if (e.err() != EPERM)
			throw;
		EXPECT_THAT(e.what(), HasSubstr("in a new UTS and IPC namespace: that needs "
						"CAP_SYS_ADMIN"));
		GTEST_SKIP() << e.what();
	}
}

TEST(WaitRestored, ExitStatus)
{
	pid_t pid = child_that([] { ::_exit(5); });
	EXPECT_EQ(crtool::wait_restored(pid), 5);
}

TEST(WaitRestored, KilledBySignal)
{
	pid_t pid = child_that([] { ::raise(SIGTERM); });
	testing::internal::CaptureStderr();
	EXPECT_EQ(crtool::wait_restored(pid), 128 + SIGTERM);
	EXPECT_EQ(testing::internal::GetCapturedStderr(),
		  fmt::format("restart: restored process {} was killed by signal 15 (SIGTERM)\n",
			      pid));
}

TEST(SignalForwarder, HeldUntilTheTargetIsKnown)
{
	crtool::SignalForwarder forwarder;
	::raise(SIGTERM); /* held: no target yet */
	forwarder.hold();
	pid_t pid = child_that([] {
		crtool::SignalForwarder::reset_in_child();
		::pause();
	});
	forwarder.forward_to(pid);
	int status = 0;
	ASSERT_EQ(::waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGTERM);
}

TEST(SignalForwarder, ForwardsLaterSignals)
{
	crtool::SignalForwarder forwarder;
	forwarder.hold();
	pid_t pid = child_that([] {
		crtool::SignalForwarder::reset_in_child();
		::pause();
	});
	forwarder.forward_to(pid);
	::raise(SIGINT);
	int status = 0;
	ASSERT_EQ(::waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGINT);
}
