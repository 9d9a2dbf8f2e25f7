// SPDX-License-Identifier: GPL-2.0
/*
 * Argument and permission checks of checkpoint() and restart().
 *
 * The checks run in a fixed order and the first failing one decides the
 * error: unknown flags (EINVAL), pid < 0 (EINVAL), fd (EBADF), logfd
 * (EBADF), no such pid (ESRCH), permission (EPERM) and, for checkpoint()
 * only, a target that is not a pid-namespace init without
 * CHECKPOINT_SUBTREE (EINVAL).  None of them writes to the image fd.
 *
 * A call that passes them all goes on to the work itself, which fails
 * here in a known way: checkpoint() of the caller with EOPNOTSUPP (a
 * process cannot checkpoint itself yet), of a forked child with EBUSY
 * (it shares the harness's shared memory and the fixture's memfd with
 * the caller, outside its tree); restart() of an empty image with EBADMSG, of a
 * task other than the caller or with RESTART_FROZEN with EOPNOTSUPP
 * when it reaches the TASK record.
 *
 * Must run as root.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>

#include "ckpt_helpers.h"

#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE	40
#endif

#define CAP_BIT(cap)	(1ULL << (cap))
#define NOBODY		65534

/* Exit code of a child whose setup (not a check) failed */
#define SETUP_FAILED	100

FIXTURE(ckpt) {
	int memfd;		/* empty, open read-write */
	int log[2];		/* log pipe, read end non-blocking */
	int pipe_fds[2];
	int closed;		/* a closed fd */
	int opath;		/* memfd reopened with O_PATH, ... */
	int rdonly;
	int wronly;
	char log_buf[4096];
};

static int reopen(int fd, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, flags);
}

FIXTURE_SETUP(ckpt)
{
	if (!ckpt_supported())
		SKIP(return, "checkpoint() and restart() are not supported");
	if (getuid())
		SKIP(return, "must run as root");

	self->memfd = memfd_create("ckpt", 0);
	ASSERT_GE(self->memfd, 0);
	ASSERT_EQ(0, pipe(self->log));
	ASSERT_EQ(0, set_nonblock(self->log[0]));
	ASSERT_EQ(0, pipe(self->pipe_fds));
	self->closed = memfd_create("closed", 0);
	ASSERT_GE(self->closed, 0);
	close(self->closed);
	self->opath = reopen(self->memfd, O_PATH);
	ASSERT_GE(self->opath, 0);
	self->rdonly = reopen(self->memfd, O_RDONLY);
	ASSERT_GE(self->rdonly, 0);
	self->wronly = reopen(self->memfd, O_WRONLY);
	ASSERT_GE(self->wronly, 0);
}

FIXTURE_TEARDOWN(ckpt)
{
}

/* The log holds lines, all starting with @prefix, one containing @needle. */
static bool log_has(FIXTURE_DATA(ckpt) *self, const char *prefix, const char *needle)
{
	read_log(self->log[0], self->log_buf, sizeof(self->log_buf));
	if (!self->log_buf[0] || !log_lines_ok(self->log_buf, prefix) ||
	    (needle && !strstr(self->log_buf, needle))) {
		ksft_print_msg("unexpected log: \"%s\"\n", self->log_buf);
		return false;
	}
	return true;
}

TEST_F(ckpt, checkpoint_unknown_flags)
{
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		if (CHECKPOINT_FLAGS_MASK & (1U << bit))
			continue;
		EXPECT_EQ(-EINVAL, sys_checkpoint(0, self->memfd,
						  CHECKPOINT_SUBTREE | 1U << bit, -1))
			TH_LOG("flag bit %u", bit);
	}
	EXPECT_EQ(-EINVAL, sys_checkpoint(0, self->memfd, ~0U, -1));
	EXPECT_EQ(-EINVAL, sys_checkpoint(0, self->memfd, ~CHECKPOINT_FLAGS_MASK, -1));
	EXPECT_EQ(0, file_size(self->memfd));
}

TEST_F(ckpt, restart_unknown_flags)
{
	unsigned int bit;

	/* The image (empty) is not read: EBADMSG would be the next error. */
	for (bit = 0; bit < 32; bit++) {
		if (RESTART_FLAGS_MASK & (1U << bit))
			continue;
		EXPECT_EQ(-EINVAL, sys_restart(0, self->memfd, 1U << bit, -1))
			TH_LOG("flag bit %u", bit);
	}
	EXPECT_EQ(-EINVAL, sys_restart(0, self->memfd, ~0U, -1));
	EXPECT_EQ(-EINVAL, sys_restart(0, self->memfd, ~RESTART_FLAGS_MASK, -1));
}

TEST_F(ckpt, checkpoint_negative_pid)
{
	EXPECT_EQ(-EINVAL, sys_checkpoint(-1, self->memfd, CHECKPOINT_SUBTREE, -1));
	EXPECT_EQ(-EINVAL, sys_checkpoint(INT_MIN, self->memfd, CHECKPOINT_SUBTREE, -1));
	EXPECT_EQ(-EINVAL, sys_checkpoint(-getpid(), self->memfd, CHECKPOINT_SUBTREE, -1));
	EXPECT_EQ(0, file_size(self->memfd));
}

TEST_F(ckpt, restart_negative_pid)
{
	EXPECT_EQ(-EINVAL, sys_restart(-1, self->memfd, 0, -1));
	EXPECT_EQ(-EINVAL, sys_restart(INT_MIN, self->memfd, 0, -1));
	EXPECT_EQ(-EINVAL, sys_restart(-getpid(), self->memfd, 0, -1));
}

TEST_F(ckpt, checkpoint_bad_fd)
{
	int fds[] = { -1, INT_MIN, self->closed, self->opath, self->rdonly,
		      self->pipe_fds[0] };
	int i;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		EXPECT_EQ(-EBADF, sys_checkpoint(0, fds[i], CHECKPOINT_SUBTREE, -1))
			TH_LOG("fd #%d (%d)", i, fds[i]);
	}
	EXPECT_EQ(0, file_size(self->memfd));
}

TEST_F(ckpt, restart_bad_fd)
{
	int fds[] = { -1, INT_MIN, self->closed, self->opath, self->wronly,
		      self->pipe_fds[1] };
	int i;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		EXPECT_EQ(-EBADF, sys_restart(0, fds[i], 0, -1))
			TH_LOG("fd #%d (%d)", i, fds[i]);
	}
}

/* -1 means "no log"; any other fd that is not open for writing is an error. */
TEST_F(ckpt, checkpoint_bad_logfd)
{
	int fds[] = { -2, INT_MIN, self->closed, self->opath, self->rdonly,
		      self->pipe_fds[0] };
	int i;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		EXPECT_EQ(-EBADF, sys_checkpoint(0, self->memfd, CHECKPOINT_SUBTREE,
						 fds[i]))
			TH_LOG("logfd #%d (%d)", i, fds[i]);
	}
	EXPECT_EQ(0, file_size(self->memfd));
}

TEST_F(ckpt, restart_bad_logfd)
{
	int fds[] = { -2, INT_MIN, self->closed, self->opath, self->rdonly,
		      self->pipe_fds[0] };
	int i;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		EXPECT_EQ(-EBADF, sys_restart(0, self->memfd, 0, fds[i]))
			TH_LOG("logfd #%d (%d)", i, fds[i]);
	}
}

/*
 * logfd -1: no log.  Every check passes and the dump fails: the caller
 * cannot checkpoint itself, the child shares memory with the caller.
 */
TEST_F(ckpt, checkpoint_no_logfd)
{
	pid_t child = spawn_sleeper(true);
	off_t size;

	ASSERT_GT(child, 0);
	EXPECT_EQ(-EOPNOTSUPP, sys_checkpoint(0, self->memfd, CHECKPOINT_SUBTREE, -1));
	size = file_size(self->memfd);
	EXPECT_LT(0, size);
	EXPECT_EQ(-EBUSY, sys_checkpoint(child, self->memfd, CHECKPOINT_SUBTREE, -1));
	EXPECT_LT(size, file_size(self->memfd));
	EXPECT_TRUE(child_alive(child));
	reap(child);
}

/*
 * Every check passes, then the empty image ends too early; a sound image
 * without a task tree is read to its end and refused.
 */
TEST_F(ckpt, restart_no_logfd)
{
	struct ckpt_rec_header hdr;
	struct img img = {};
	int fd;

	EXPECT_EQ(-EBADMSG, sys_restart(0, self->memfd, 0, -1));
	EXPECT_EQ(-EBADMSG, sys_restart(0, self->memfd, RESTART_FROZEN, -1));

	ASSERT_EQ(0, kernel_header(&hdr));
	img_raw_rec(&img, &hdr, sizeof(hdr));
	img_tail(&img);
	fd = img_memfd(&img);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EINVAL, sys_restart(0, fd, 0, -1));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(-EINVAL, sys_restart(0, fd, RESTART_FROZEN, -1));
	close(fd);
	img_free(&img);
}

TEST_F(ckpt, checkpoint_no_such_pid)
{
	pid_t gone = reaped_pid();

	ASSERT_GT(gone, 0);
	EXPECT_EQ(-ESRCH, sys_checkpoint(gone, self->memfd, CHECKPOINT_SUBTREE, -1));
	EXPECT_EQ(-ESRCH, sys_checkpoint(INT_MAX, self->memfd, CHECKPOINT_SUBTREE, -1));
	/* ESRCH comes before the pid-namespace init check */
	EXPECT_EQ(-ESRCH, sys_checkpoint(INT_MAX, self->memfd, 0, -1));
	EXPECT_EQ(0, file_size(self->memfd));
}

TEST_F(ckpt, restart_no_such_pid)
{
	pid_t gone = reaped_pid();

	ASSERT_GT(gone, 0);
	EXPECT_EQ(-ESRCH, sys_restart(gone, self->memfd, 0, -1));
	EXPECT_EQ(-ESRCH, sys_restart(INT_MAX, self->memfd, 0, -1));
}

/* With several bad arguments, the first check in the documented order wins. */
TEST_F(ckpt, check_order)
{
	EXPECT_EQ(-EINVAL, sys_checkpoint(-1, -1, ~0U, -2));
	EXPECT_EQ(-EINVAL, sys_restart(-1, -1, ~0U, -2));
	EXPECT_EQ(-EINVAL, sys_checkpoint(-1, -1, CHECKPOINT_SUBTREE, -2));
	EXPECT_EQ(-EINVAL, sys_restart(-1, -1, 0, -2));
	EXPECT_EQ(-EBADF, sys_checkpoint(INT_MAX, -1, 0, -2));
	EXPECT_EQ(-EBADF, sys_restart(INT_MAX, -1, 0, -2));
	EXPECT_EQ(-EBADF, sys_checkpoint(INT_MAX, self->memfd, 0, -2));
	EXPECT_EQ(-EBADF, sys_restart(INT_MAX, self->memfd, 0, -2));
	EXPECT_EQ(-ESRCH, sys_checkpoint(INT_MAX, self->memfd, 0, -1));
	EXPECT_EQ(-ESRCH, sys_restart(INT_MAX, self->memfd, 0, -1));
	EXPECT_EQ(0, file_size(self->memfd));
}

/* The caller and its child are not pid-namespace inits. */
TEST_F(ckpt, checkpoint_not_init)
{
	pid_t child = spawn_sleeper(true);

	ASSERT_GT(child, 0);
	EXPECT_EQ(-EINVAL, sys_checkpoint(0, self->memfd, 0, self->log[1]));
	EXPECT_TRUE(log_has(self, "checkpoint: ", "CHECKPOINT_SUBTREE"));
	EXPECT_EQ(-EINVAL, sys_checkpoint(getpid(), self->memfd, 0, self->log[1]));
	EXPECT_TRUE(log_has(self, "checkpoint: ", "CHECKPOINT_SUBTREE"));
	EXPECT_EQ(-EINVAL, sys_checkpoint(child, self->memfd, 0, self->log[1]));
	EXPECT_TRUE(log_has(self, "checkpoint: ", "CHECKPOINT_SUBTREE"));
	/* A refused checkpoint kills nothing. */
	EXPECT_EQ(-EINVAL, sys_checkpoint(child, self->memfd, CHECKPOINT_KILL, -1));
	EXPECT_TRUE(child_alive(child));
	EXPECT_EQ(0, file_size(self->memfd));
	reap(child);
}

/* With CHECKPOINT_SUBTREE, any process gets past the checks. */
TEST_F(ckpt, checkpoint_subtree)
{
	pid_t child = spawn_sleeper(true);

	ASSERT_GT(child, 0);
	EXPECT_EQ(-EOPNOTSUPP, sys_checkpoint(0, self->memfd, CHECKPOINT_SUBTREE,
					      self->log[1]));
	EXPECT_TRUE(log_has(self, "checkpoint: ", "cannot checkpoint itself"));
	EXPECT_EQ(-EOPNOTSUPP, sys_checkpoint(getpid(), self->memfd,
					      CHECKPOINT_SUBTREE, self->log[1]));
	EXPECT_TRUE(log_has(self, "checkpoint: ", "cannot checkpoint itself"));
	EXPECT_EQ(-EBUSY, sys_checkpoint(child, self->memfd, CHECKPOINT_SUBTREE,
					 self->log[1]));
	EXPECT_TRUE(log_has(self, "checkpoint: ", "outside the"));
	/* CHECKPOINT_KILL kills only after a complete image. */
	EXPECT_EQ(-EBUSY, sys_checkpoint(child, self->memfd,
					 CHECKPOINT_SUBTREE | CHECKPOINT_KILL, -1));
	EXPECT_TRUE(child_alive(child));
	reap(child);
}

/*
 * restart() accepts an existing task as the root of the restored tree,
 * and refuses to restore it, as it refuses RESTART_FROZEN, when it
 * reaches the TASK record: before the caller is touched.
 */
TEST_F_TIMEOUT(ckpt, restart_pid, 90)
{
	pid_t child = spawn_sleeper(true);
	struct ckpt_rec_header hdr;
	struct img img = {};
	int fd;

	ASSERT_GT(child, 0);
	EXPECT_EQ(-EBADMSG, sys_restart(child, self->memfd, 0, -1));
	EXPECT_EQ(-EBADMSG, sys_restart(getpid(), self->memfd, RESTART_FROZEN, -1));

	ASSERT_EQ(0, kernel_header(&hdr));
	img_raw_rec(&img, &hdr, sizeof(hdr));
	img_tree(&img, child);
	img_task(&img, child);
	img_tail(&img);
	fd = img_memfd(&img);
	ASSERT_GE(fd, 0);
	/* a coordinator waits (10 s) for the tree's tasks to enter restart() */
	EXPECT_EQ(-ESRCH, sys_restart(child, fd, 0, self->log[1]));
	EXPECT_TRUE(log_has(self, "restart: ", "did not enter restart(RESTART_TASK)"));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(-EOPNOTSUPP, sys_restart(child, fd, RESTART_FROZEN, self->log[1]));
	EXPECT_TRUE(log_has(self, "restart: ", "RESTART_FROZEN"));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(-EOPNOTSUPP, sys_restart(getpid(), fd, RESTART_FROZEN,
					   self->log[1]));
	EXPECT_TRUE(log_has(self, "restart: ", "RESTART_FROZEN"));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(-EOPNOTSUPP, sys_restart(0, fd, RESTART_FROZEN, self->log[1]));
	EXPECT_TRUE(log_has(self, "restart: ", "RESTART_FROZEN"));
	close(fd);
	img_free(&img);

	/* nothing happened to the caller or to the child */
	EXPECT_TRUE(child_alive(child));
	EXPECT_EQ(0, fcntl(self->memfd, F_GETFD));
	reap(child);
}

static int caps_get(__u64 *eff, __u64 *prm)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	*eff = data[0].effective | (__u64)data[1].effective << 32;
	*prm = data[0].permitted | (__u64)data[1].permitted << 32;
	return 0;
}

/* Set the effective and permitted sets, clear the inheritable one. */
static int caps_set(__u64 eff, __u64 prm)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {
		{ .effective = eff, .permitted = prm },
		{ .effective = eff >> 32, .permitted = prm >> 32 },
	};

	return syscall(SYS_capset, &hdr, data);
}

/* Become uid/gid 65534, keeping the permitted capabilities or not. */
static int become_nobody(bool keep_caps)
{
	if (prctl(PR_SET_KEEPCAPS, keep_caps, 0, 0, 0) || setgroups(0, NULL) ||
	    setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	return 0;
}

static int yama_ptrace_scope(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
	int scope = 0;

	if (f) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = 0;
		fclose(f);
	}
	return scope;
}

/*
 * uid 65534 without capabilities: EPERM for itself (no capability) and for
 * a root task; ESRCH still comes first, EPERM before the init check.
 */
TEST_F(ckpt, perm_unprivileged)
{
	pid_t root_task = getpid(), child;

	child = fork_flushed();
	ASSERT_GE(child, 0);
	if (child == 0) {
		int fd = self->memfd, bad = 0;
		__u64 eff, prm;

		if (become_nobody(false) || caps_get(&eff, &prm) || eff || prm)
			child_exit(SETUP_FAILED);

		bad += expect_ret("checkpoint(0)",
				  sys_checkpoint(0, fd, CHECKPOINT_SUBTREE, -1), -EPERM);
		bad += expect_ret("checkpoint(self)",
				  sys_checkpoint(getpid(), fd, CHECKPOINT_SUBTREE, -1),
				  -EPERM);
		bad += expect_ret("checkpoint(root task)",
				  sys_checkpoint(root_task, fd, CHECKPOINT_SUBTREE, -1),
				  -EPERM);
		bad += expect_ret("checkpoint(root task, no SUBTREE)",
				  sys_checkpoint(root_task, fd, 0, -1), -EPERM);
		bad += expect_ret("checkpoint(no such pid)",
				  sys_checkpoint(INT_MAX, fd, CHECKPOINT_SUBTREE, -1),
				  -ESRCH);
		bad += expect_ret("restart(0)", sys_restart(0, fd, 0, -1), -EPERM);
		bad += expect_ret("restart(root task)",
				  sys_restart(root_task, fd, 0, -1), -EPERM);
		bad += expect_ret("restart(no such pid)",
				  sys_restart(INT_MAX, fd, 0, -1), -ESRCH);
		child_exit(bad);
	}
	EXPECT_EQ(0, wait_exit(child));
	EXPECT_EQ(0, file_size(self->memfd));
}

/*
 * Still uid 0, but neither CAP_CHECKPOINT_RESTORE nor CAP_SYS_ADMIN in the
 * effective set: EPERM for itself and for a sibling (ptrace would be fine,
 * CAP_SYS_PTRACE is still there).  Either capability alone is enough:
 * then checkpoint() goes on and refuses the caller itself (EOPNOTSUPP)
 * and the sibling, which shares memory with the caller (EBUSY).
 */
TEST_F(ckpt, perm_no_effective_cap)
{
	const __u64 cr = CAP_BIT(CAP_CHECKPOINT_RESTORE), sa = CAP_BIT(CAP_SYS_ADMIN);
	pid_t sibling, child;

	sibling = spawn_sleeper(true);
	ASSERT_GT(sibling, 0);
	child = fork_flushed();
	ASSERT_GE(child, 0);
	if (child == 0) {
		int out = memfd_create("out", 0), empty = self->memfd, bad = 0;
		__u64 eff, prm, base;
		unsigned int i;

		if (out < 0 || caps_get(&eff, &prm) || (prm & (cr | sa)) != (cr | sa))
			child_exit(SETUP_FAILED);
		base = eff & ~(cr | sa);
		if (caps_set(base, prm))
			child_exit(SETUP_FAILED);

		bad += expect_ret("checkpoint(0)",
				  sys_checkpoint(0, out, CHECKPOINT_SUBTREE, -1), -EPERM);
		bad += expect_ret("checkpoint(self)",
				  sys_checkpoint(getpid(), out, CHECKPOINT_SUBTREE, -1),
				  -EPERM);
		bad += expect_ret("checkpoint(sibling)",
				  sys_checkpoint(sibling, out, CHECKPOINT_SUBTREE, -1),
				  -EPERM);
		bad += expect_ret("restart(0)", sys_restart(0, empty, 0, -1), -EPERM);
		bad += expect_ret("restart(sibling)",
				  sys_restart(sibling, empty, 0, -1), -EPERM);
		bad += expect_ret("output", file_size(out), 0);

		/* i == 0: CAP_CHECKPOINT_RESTORE only, 1: CAP_SYS_ADMIN only */
		for (i = 0; i < 2; i++) {
			if (caps_set(base | (i ? sa : cr), prm))
				child_exit(SETUP_FAILED);
			bad += expect_ret(i ? "SYS_ADMIN: checkpoint(0)" :
					  "CHECKPOINT_RESTORE: checkpoint(0)",
					  sys_checkpoint(0, out, CHECKPOINT_SUBTREE, -1),
					  -EOPNOTSUPP);
			bad += expect_ret(i ? "SYS_ADMIN: checkpoint(sibling)" :
					  "CHECKPOINT_RESTORE: checkpoint(sibling)",
					  sys_checkpoint(sibling, out, CHECKPOINT_SUBTREE, -1),
					  -EBUSY);
			bad += expect_ret(i ? "SYS_ADMIN: restart(0)" :
					  "CHECKPOINT_RESTORE: restart(0)",
					  sys_restart(0, empty, 0, -1), -EBADMSG);
		}
		child_exit(bad);
	}
	EXPECT_EQ(0, wait_exit(child));
	EXPECT_TRUE(child_alive(sibling));
	reap(sibling);
}

/*
 * uid 65534 with CAP_CHECKPOINT_RESTORE only: past the permission check
 * for itself (EOPNOTSUPP: it cannot checkpoint itself) and for a dumpable
 * child with the same uid and capabilities (EBUSY: it shares memory with
 * its parent);
 * ptrace rules still refuse a root task and a non-dumpable child.
 *
 * The same-uid target is a child, not a sibling: Yama ptrace_scope 1 only
 * lets a task attach to its descendants without CAP_SYS_PTRACE.  With
 * ptrace_scope 2 or 3 no such target is reachable, that part is skipped.
 */
TEST_F(ckpt, perm_cap_checkpoint_restore_only)
{
	const __u64 cr = CAP_BIT(CAP_CHECKPOINT_RESTORE);
	pid_t root_task = getpid(), child;

	child = fork_flushed();
	ASSERT_GE(child, 0);
	if (child == 0) {
		int out = memfd_create("out", 0), empty = self->memfd, bad = 0;
		pid_t task;

		/* setresuid() made us non-dumpable; our children inherit that. */
		if (out < 0 || become_nobody(true) || caps_set(cr, cr) ||
		    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			child_exit(SETUP_FAILED);

		bad += expect_ret("checkpoint(0)",
				  sys_checkpoint(0, out, CHECKPOINT_SUBTREE, -1),
				  -EOPNOTSUPP);
		bad += expect_ret("checkpoint(self)",
				  sys_checkpoint(getpid(), out, CHECKPOINT_SUBTREE, -1),
				  -EOPNOTSUPP);
		bad += expect_ret("checkpoint(self, no SUBTREE)",
				  sys_checkpoint(getpid(), out, 0, -1), -EINVAL);
		bad += expect_ret("restart(0)", sys_restart(0, empty, 0, -1), -EBADMSG);
		bad += expect_ret("checkpoint(root task)",
				  sys_checkpoint(root_task, out, CHECKPOINT_SUBTREE, -1),
				  -EPERM);
		bad += expect_ret("restart(root task)",
				  sys_restart(root_task, empty, 0, -1), -EPERM);

		if (yama_ptrace_scope() >= 2) {
			ksft_print_msg("Yama ptrace_scope >= 2: no same-uid target\n");
			child_exit(bad);
		}
		task = spawn_sleeper(true);
		if (task < 0)
			child_exit(SETUP_FAILED);
		bad += expect_ret("checkpoint(child)",
				  sys_checkpoint(task, out, CHECKPOINT_SUBTREE, -1),
				  -EBUSY);
		bad += expect_ret("restart(child)", sys_restart(task, empty, 0, -1),
				  -EBADMSG);
		reap(task);

		task = spawn_sleeper(false);
		if (task < 0)
			child_exit(SETUP_FAILED);
		bad += expect_ret("checkpoint(non-dumpable child)",
				  sys_checkpoint(task, out, CHECKPOINT_SUBTREE, -1),
				  -EPERM);
		reap(task);
		child_exit(bad);
	}
	EXPECT_EQ(0, wait_exit(child));
}

TEST_HARNESS_MAIN
