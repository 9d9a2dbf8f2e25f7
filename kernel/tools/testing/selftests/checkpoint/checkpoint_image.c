// SPDX-License-Identifier: GPL-2.0
/*
 * What checkpoint() writes when it refuses its target before dumping any
 * task state: a HEADER record, an ERROR record and a TAIL record, and the
 * same message on the log fd.  A process cannot checkpoint itself yet
 * (EOPNOTSUPP), and another process cannot be while it is ptraced
 * (EBUSY); the targets here are.  Images of real dumps are checked by
 * checkpoint_restart.
 *
 * Must run as root.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <sys/ptrace.h>
#include <time.h>

#include "ckpt_helpers.h"

FIXTURE(image) {
	int out;	/* checkpoint() writes here */
	int in;		/* and the test reads the image here */
	int log[2];	/* log pipe, read end non-blocking */
	pid_t child;	/* the target, or 0 for the caller */
	pid_t root_pid;	/* the pid the header must name */
	char log_buf[4096];
};

FIXTURE_VARIANT(image) {
	bool child;
	bool pipe;
	int error;		/* what checkpoint() fails with */
	const char *why;	/* in the error message */
};

#define SELF_ERROR	-EOPNOTSUPP
#define SELF_WHY	"cannot checkpoint itself"
#define CHILD_ERROR	-EBUSY
#define CHILD_WHY	"is being ptraced"

FIXTURE_VARIANT_ADD(image, self_memfd) {
	.child = false,
	.pipe = false,
	.error = SELF_ERROR,
	.why = SELF_WHY,
};

FIXTURE_VARIANT_ADD(image, self_pipe) {
	.child = false,
	.pipe = true,
	.error = SELF_ERROR,
	.why = SELF_WHY,
};

/* A child that the test ptraces: EBUSY */
FIXTURE_VARIANT_ADD(image, child_memfd) {
	.child = true,
	.pipe = false,
	.error = CHILD_ERROR,
	.why = CHILD_WHY,
};

FIXTURE_VARIANT_ADD(image, child_pipe) {
	.child = true,
	.pipe = true,
	.error = CHILD_ERROR,
	.why = CHILD_WHY,
};

FIXTURE_SETUP(image)
{
	int p[2];

	if (!ckpt_supported())
		SKIP(return, "checkpoint() and restart() are not supported");
	if (getuid())
		SKIP(return, "must run as root");

	ASSERT_EQ(0, pipe(self->log));
	ASSERT_EQ(0, set_nonblock(self->log[0]));
	if (variant->pipe) {
		ASSERT_EQ(0, pipe(p));
		ASSERT_EQ(0, set_nonblock(p[0]));
		self->in = p[0];
		self->out = p[1];
	} else {
		self->out = memfd_create("image", 0);
		ASSERT_GE(self->out, 0);
		self->in = self->out;
	}
	self->root_pid = getpid();
	if (variant->child) {
		self->child = spawn_sleeper(true);
		ASSERT_GT(self->child, 0);
		ASSERT_EQ(0, ptrace(PTRACE_SEIZE, self->child, 0, 0));
		self->root_pid = self->child;
	}
}

FIXTURE_TEARDOWN(image)
{
	reap(self->child);
}

TEST_F(image, records)
{
	struct ckpt_parsed p;
	struct timespec t0, t1;
	unsigned char *buf;
	char pid[16];
	ssize_t len;

	clock_gettime(CLOCK_REALTIME, &t0);
	ASSERT_EQ(variant->error, sys_checkpoint(self->child, self->out,
						 CHECKPOINT_SUBTREE, -1));
	clock_gettime(CLOCK_REALTIME, &t1);

	len = read_all(self->in, &buf);
	ASSERT_GT(len, 0);
	/* magic, version, arch, page_shift, release, root_pid, ERROR, TAIL, crc */
	ASSERT_EQ(0, check_kernel_image(buf, len, self->root_pid, 0,
					variant->error));

	ASSERT_EQ(0, ckpt_parse(buf, len, &p));
	EXPECT_LE(t0.tv_sec, p.hdr->time_sec);
	EXPECT_GE(t1.tv_sec, p.hdr->time_sec);
	EXPECT_NE(NULL, memmem(p.msg, p.err->msg_len, variant->why,
			       strlen(variant->why)))
		TH_LOG("message \"%.*s\" does not say \"%s\"",
		       (int)p.err->msg_len, p.msg, variant->why);
	if (variant->child) {
		snprintf(pid, sizeof(pid), "%d", self->child);
		EXPECT_NE(NULL, memmem(p.msg, p.err->msg_len, pid, strlen(pid)))
			TH_LOG("message \"%.*s\" does not name pid %s",
			       (int)p.err->msg_len, p.msg, pid);
		EXPECT_TRUE(child_alive(self->child));
	}
	free(buf);
}

TEST_F(image, log)
{
	ASSERT_EQ(variant->error, sys_checkpoint(self->child, self->out,
						 CHECKPOINT_SUBTREE, self->log[1]));
	read_log(self->log[0], self->log_buf, sizeof(self->log_buf));
	EXPECT_EQ(0, strncmp(self->log_buf, "checkpoint: ", 12))
		TH_LOG("log: \"%s\"", self->log_buf);
	EXPECT_TRUE(log_lines_ok(self->log_buf, "checkpoint: "))
		TH_LOG("log: \"%s\"", self->log_buf);
	EXPECT_NE(NULL, strstr(self->log_buf, variant->why))
		TH_LOG("log: \"%s\"", self->log_buf);
	if (variant->child) {
		EXPECT_TRUE(child_alive(self->child));
	}
}

/*
 * Like write(2), checkpoint() writes at the current offset of the fd: two
 * checkpoints in a row leave two complete images.
 */
TEST_F(image, twice)
{
	unsigned char *buf;
	struct ckpt_parsed p;
	ssize_t len;

	ASSERT_EQ(variant->error, sys_checkpoint(self->child, self->out,
						 CHECKPOINT_SUBTREE, -1));
	ASSERT_EQ(variant->error, sys_checkpoint(self->child, self->out,
						 CHECKPOINT_SUBTREE, -1));
	len = read_all(self->in, &buf);
	ASSERT_GT(len, 0);
	ASSERT_EQ(0, ckpt_parse(buf, len, &p));
	ASSERT_GT(len, p.end);
	EXPECT_EQ(0, check_kernel_image(buf, p.end, self->root_pid, 0,
					variant->error));
	EXPECT_EQ(0, check_kernel_image(buf + p.end, len - p.end,
					self->root_pid, 0, variant->error));
	free(buf);
}

/* The image fd is a pipe without readers: EPIPE (no SIGPIPE), target intact. */
TEST(epipe)
{
	pid_t child;
	int p[2];

	if (!ckpt_supported())
		SKIP(return, "checkpoint() and restart() are not supported");
	if (getuid())
		SKIP(return, "must run as root");
	ASSERT_NE(SIG_ERR, signal(SIGPIPE, SIG_IGN));
	ASSERT_EQ(0, pipe(p));
	close(p[0]);
	child = spawn_sleeper(true);
	ASSERT_GT(child, 0);

	EXPECT_EQ(-EPIPE, sys_checkpoint(0, p[1], CHECKPOINT_SUBTREE, -1));
	EXPECT_EQ(-EPIPE, sys_checkpoint(child, p[1], CHECKPOINT_SUBTREE, -1));
	EXPECT_TRUE(child_alive(child));
	EXPECT_EQ(-EPIPE, sys_checkpoint(child, p[1],
					 CHECKPOINT_SUBTREE | CHECKPOINT_KILL, -1));
	EXPECT_TRUE(child_alive(child));
	reap(child);
}

/*
 * Runs as pid 1 of a new pid namespace, after the parent's checks: it may
 * checkpoint itself without CHECKPOINT_SUBTREE (and fails as a process
 * checkpointing itself does), another task of its namespace only with it
 * (and fails because it ptraces that task).
 */
static int pidns_init_child(int sync)
{
	int out = memfd_create("out", 0), bad = 0;
	pid_t task;
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (read(sync, &c, 1) != 1 || getpid() != 1 || out < 0)
		return 100;

	bad += expect_ret("init: checkpoint(0)", sys_checkpoint(0, out, 0, -1),
			  -EOPNOTSUPP);
	bad += check_kernel_image_fd(out, 1, CKPT_IMAGE_CONTAINER, -EOPNOTSUPP);

	task = spawn_sleeper(true);
	if (task < 0 || ptrace(PTRACE_SEIZE, task, 0, 0))
		return 100;
	out = memfd_create("out", 0);
	bad += expect_ret("init: checkpoint(task)", sys_checkpoint(task, out, 0, -1),
			  -EINVAL);
	bad += expect_ret("init: checkpoint(task, SUBTREE)",
			  sys_checkpoint(task, out, CHECKPOINT_SUBTREE, -1), -EBUSY);
	bad += check_kernel_image_fd(out, task, 0, -EBUSY);
	reap(task);
	return bad;
}

/* Exit code of our child @pid, which we ptrace: signal stops go on. */
static int wait_traced_exit(pid_t pid)
{
	int status;

	for (;;) {
		if (waitpid(pid, &status, 0) != pid)
			return -1;
		if (!WIFSTOPPED(status))
			break;
		ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(status));
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) :
				   128 + WTERMSIG(status);
}

TEST(pidns_init)
{
	int sync[2], out;
	pid_t init;

	if (!ckpt_supported())
		SKIP(return, "checkpoint() and restart() are not supported");
	if (getuid())
		SKIP(return, "must run as root");
	if (unshare(CLONE_NEWPID))
		SKIP(return, "unshare(CLONE_NEWPID): %s", strerror(errno));
	ASSERT_EQ(0, pipe(sync));
	init = fork_flushed();
	ASSERT_GE(init, 0);
	if (init == 0) {
		close(sync[1]);
		child_exit(pidns_init_child(sync[0]));
	}
	close(sync[0]);
	ASSERT_EQ(0, ptrace(PTRACE_SEIZE, init, 0, 0));

	/*
	 * The init of a pid namespace needs no CHECKPOINT_SUBTREE: it gets
	 * past the argument checks, with a header flagged as a container,
	 * and is refused because the test ptraces it.
	 */
	out = memfd_create("out", 0);
	ASSERT_GE(out, 0);
	ASSERT_EQ(-EBUSY, sys_checkpoint(init, out, 0, -1));
	EXPECT_EQ(0, check_kernel_image_fd(out, init, CKPT_IMAGE_CONTAINER,
					   -EBUSY));
	/* and is still flagged as a container with it */
	out = memfd_create("out", 0);
	ASSERT_GE(out, 0);
	ASSERT_EQ(-EBUSY, sys_checkpoint(init, out, CHECKPOINT_SUBTREE, -1));
	EXPECT_EQ(0, check_kernel_image_fd(out, init, CKPT_IMAGE_CONTAINER,
					   -EBUSY));
	EXPECT_TRUE(child_alive(init));

	ASSERT_EQ(1, write(sync[1], "", 1));
	EXPECT_EQ(0, wait_traced_exit(init));
}

TEST_HARNESS_MAIN
