// SPDX-License-Identifier: GPL-2.0
/*
 * checkpoint() freezes a target that nobody froze, and thaws it, without
 * the target or its parent noticing: a call that returns -EINTR whatever
 * woke it (epoll_wait(), sigtimedwait()) goes on waiting, a task running
 * in user mode goes on running, the parent gets no SIGCHLD or stop
 * notification, and /proc shows no cgroup change.  A stopped task
 * freezes where it is, and stays stopped.
 *
 * The children here hold objects that checkpoint() refuses (an epoll
 * instance: EOPNOTSUPP), or share memory with the test, outside the
 * checkpointed tree (the harness's shared results page, a counter:
 * EBUSY): each checkpoint freezes the child, then fails and thaws it,
 * which is all these tests need.
 *
 * Must run as root.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "ckpt_helpers.h"

/* What a child reports through its pipe when its call returns. */
struct report {
	long ret;
	int err;
};

/* Wait @ms for a report from @fd: 1 if one came, 0 if none. */
static int get_report(int fd, int ms, struct report *r)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return 0;
	return read(fd, r, sizeof(*r)) == sizeof(*r);
}

static void send_report(int fd, long ret)
{
	struct report r = { .ret = ret, .err = ret < 0 ? errno : 0 };

	if (write(fd, &r, sizeof(r)) != sizeof(r))
		child_exit(1);
}

/* Checkpoint @pid into a memfd; return checkpoint()'s result. */
static long checkpoint_child(pid_t pid, char *log, size_t size)
{
	int out = memfd_create("image", 0), lp[2];
	long ret;

	if (out < 0 || pipe(lp))
		return -errno;
	set_nonblock(lp[0]);
	ret = sys_checkpoint(pid, out, CHECKPOINT_SUBTREE, lp[1]);
	read_log(lp[0], log, size);
	close(lp[0]);
	close(lp[1]);
	close(out);
	return ret;
}

/* The child's waiting call was not disturbed by the checkpoint. */
static void expect_undisturbed(struct __test_metadata *_metadata, pid_t child,
			       int rep, int err)
{
	struct report r;
	char log[1024];

	usleep(100000);	/* let the child block */
	EXPECT_EQ(-err, checkpoint_child(child, log, sizeof(log)))
		TH_LOG("log: %s", log);
	EXPECT_EQ(NULL, strstr(log, "did not freeze")) TH_LOG("log: %s", log);
	EXPECT_EQ(0, get_report(rep, 300, &r))
		TH_LOG("the call returned %ld, errno %d", r.ret, r.err);
}

TEST(epoll_wait_goes_on)
{
	int efd, rep[2];
	struct report r;
	pid_t child;
	__u64 one = 1;

	if (!ckpt_supported())
		SKIP(return, "checkpoint() and restart() are not supported");
	if (getuid())
		SKIP(return, "must run as root");
	efd = eventfd(0, 0);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, pipe(rep));
	child = fork_flushed();
	ASSERT_LE(0, child);
	if (!child) {
		struct epoll_event ev = { .events = EPOLLIN };
		int ep = epoll_create1(0);

		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev))
			child_exit(1);
		send_report(rep[1], epoll_wait(ep, &ev, 1, -1));
		child_exit(0);
	}
	/* epoll is saved: the dump ends at the memory it shares with us */
	expect_undisturbed(_metadata, child, rep[0], EBUSY);
	ASSERT_EQ(sizeof(one), write(efd, &one, sizeof(one)));
	ASSERT_EQ(1, get_report(rep[0], 5000, &r));
	EXPECT_EQ(1, r.ret) TH_LOG("epoll_wait() failed with errno %d", r.err);
	EXPECT_EQ(0, wait_exit(child));
}

TEST(sigtimedwait_goes_on)
{
	struct report r;
	int rep[2];
	pid_t child;

	if (!ckpt_supported())
		SKIP(return, "checkpoint() and restart() are not supported");
	if (getuid())
		SKIP(return, "must run as root");
	ASSERT_EQ(0, pipe(rep));
	child = fork_flushed();
	ASSERT_LE(0, child);
	if (!child) {
		struct timespec ts = { .tv_sec = 30 };
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		send_report(rep[1], sigtimedwait(&set, NULL, &ts));
		child_exit(0);
	}
	expect_undisturbed(_metadata, child, rep[0], EBUSY);
	ASSERT_EQ(0, kill(child, SIGUSR1));
	ASSERT_EQ(1, get_report(rep[0], 5000, &r));
	EXPECT_EQ(SIGUSR1, r.ret) TH_LOG("sigtimedwait() failed with errno %d",
					 r.err);
	EXPECT_EQ(0, wait_exit(child));
}

static int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* A task running in user mode freezes, and goes on running after it. */
TEST(running_task_goes_on)
{
	char path[64], before[256], after[256], log[1024];
	volatile unsigned long *counter;
	unsigned long c0;
	siginfo_t si = {};
	pid_t child;

	if (!ckpt_supported())
		SKIP(return, "checkpoint() and restart() are not supported");
	if (getuid())
		SKIP(return, "must run as root");
	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, counter);
	child = fork_flushed();
	ASSERT_LE(0, child);
	if (!child) {
		for (;;)
			(*counter)++;
	}
	while (!*counter)
		usleep(1000);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", child);
	ASSERT_EQ(0, read_text(path, before, sizeof(before)));

	EXPECT_EQ(-EBUSY, checkpoint_child(child, log, sizeof(log)))
		TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "shared memory also used outside"))
		TH_LOG("log: %s", log);

	c0 = *counter;
	usleep(50000);
	EXPECT_LT(c0, *counter) TH_LOG("the child stopped counting");
	ASSERT_EQ(0, read_text(path, after, sizeof(after)));
	EXPECT_STREQ(before, after);
	/* no stop or continue notification for the parent */
	EXPECT_EQ(0, waitid(P_PID, child, &si,
			    WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT));
	EXPECT_EQ(0, si.si_pid);
	reap(child);
}

/*
 * A stopped task freezes as it is, without being woken (the checkpoint
 * then fails on the memory it shares with the test), and is given back
 * stopped: no second stop report for its parent, and a SIGCONT reports
 * it continued.
 */
TEST(stopped_task_freezes)
{
	siginfo_t si = {};
	char log[1024], path[64], stat[256];
	pid_t child;

	if (!ckpt_supported())
		SKIP(return, "checkpoint() and restart() are not supported");
	if (getuid())
		SKIP(return, "must run as root");
	child = spawn_sleeper(true);
	ASSERT_LT(0, child);
	ASSERT_EQ(0, kill(child, SIGSTOP));
	ASSERT_EQ(0, waitid(P_PID, child, &si, WSTOPPED));

	EXPECT_EQ(-EBUSY, checkpoint_child(child, log, sizeof(log)));
	EXPECT_EQ(NULL, strstr(log, "did not freeze")) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "shared memory also used outside"))
		TH_LOG("log: %s", log);

	/* still stopped, and its stop is not reported again */
	snprintf(path, sizeof(path), "/proc/%d/stat", child);
	ASSERT_EQ(0, read_text(path, stat, sizeof(stat)));
	EXPECT_NE(NULL, strstr(stat, ") T ")) TH_LOG("stat: %s", stat);
	si.si_pid = 0;
	EXPECT_EQ(0, waitid(P_PID, child, &si, WSTOPPED | WNOHANG));
	EXPECT_EQ(0, si.si_pid);

	ASSERT_EQ(0, kill(child, SIGCONT));
	si.si_pid = 0;
	ASSERT_EQ(0, waitid(P_PID, child, &si, WCONTINUED));
	EXPECT_EQ(CLD_CONTINUED, si.si_code);
	EXPECT_TRUE(child_alive(child));
	reap(child);
}

TEST_HARNESS_MAIN
