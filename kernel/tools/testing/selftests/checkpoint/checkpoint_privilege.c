// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege and isolation of checkpoint() and restart(), tested as an
 * unprivileged user (uid 65534) where it matters.
 *
 * checkpoint(): a caller without the right over a task (another user's
 * task, a setuid task, a task made non-dumpable, a task of a user
 * namespace where the caller has no CAP_CHECKPOINT_RESTORE) gets EPERM,
 * even with CHECKPOINT_KILL; nothing is written to the image fd, the log
 * says which check refused, and the task runs on, not frozen (it answers
 * a ping through a pipe).
 *
 * restart(): uid 65534 checkpoints a process of its own inside a user
 * namespace of its own (its uid and gid mapped to 0 there, setgroups
 * denied: what "unshare -U -r" gives it), then restarts the image
 * tampered with so that it claims ids the namespace does not map, extra
 * groups, capabilities, securebits, files the user cannot open, a root
 * directory, resource limits, a scheduling policy.  For every claim the
 * matching system call is first made in the same situation (a child with
 * the same setup), and the test states what it does.  Restart must then
 * do the same: refuse what the system call refuses (after the TASK
 * record that means the restarting task is killed and the log says
 * why), and give no more than the system call gives (the restored
 * process reports its credentials, limits, policy and root directory).
 * A few cases (EITHER) accept a refusal or a restored process that has
 * no more than the system call would have given.
 * The same is done as uid 65534 in the initial user namespace with
 * CAP_CHECKPOINT_RESTORE and nothing else, and as root whose securebits
 * lock it out of keeping capabilities across setresuid().
 *
 * Resource bounds: images claiming huge counts (tasks, groups, mappings,
 * pending signals, pages, limits, record lengths) fail within a second,
 * with EINVAL before the TASK record and a log line, and no OOM kill.
 *
 * x86_64.  Must run as root (for the setup: files of root, a setuid
 * program, other uids).
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <time.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <linux/capability.h>
#include <linux/securebits.h>

#include "ckpt_helpers.h"

#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE	40
#endif
#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK	0x40000000
#endif

#define BIT(cap)	(1ULL << (cap))
#define NOBODY		65534		/* the unprivileged user */
#define OTHER		1000		/* another user */
#define KEEP		0x4b4545500000beefULL	/* a patch value: leave the field as it is */
#define WAIT_MS		20000

/* Exit codes of the children */
#define SETUP_FAILED	100		/* a child's setup, not a check, failed */
#define T_REPORTED	120		/* a restored target wrote its report */
#define T_SETUP		121		/* the target could not set itself up */
#define T_IO		122		/* it could not write its report */
#define R_RETURNED	123		/* restart() returned 0 to the restarter */
#define R_SETUP		124		/* the restarter's setup failed */
#define R_ERRNO_MAX	99		/* restart() failed: exit code errno, at most this */

#define REPORT_READY	0x52454459	/* the target runs */
#define REPORT_DONE	0x444f4e45	/* the target reported */

#define TARGET_ARG	"--ckpt-priv-target"

/* The caller's credentials etc., as the restored target sees them. */
struct report {
	__u32 magic;
	__u32 uid[4];			/* real, effective, saved, fs */
	__u32 gid[4];
	__s32 ngroups;
	__u32 groups[8];
	__u64 eff, prm, inh, bnd, amb;
	__s32 securebits;
	__s32 nnp;
	struct rlimit rlim[RLIM_NLIMITS];
	__s32 policy;			/* with SCHED_RESET_ON_FORK */
	__s32 rt_priority;
	__s32 nice;
	__u64 root_dev, root_ino;	/* of its root directory */
	__u64 userns;			/* inode of its user namespace */
	__s32 secret_errno;		/* what open() of root's 0600 file says */
};

/*
 * Set up by the fixture (as root) before the test forks the unprivileged
 * user, which inherits it, as do its target and restarters.
 */
static struct {
	char dir[64];			/* 0777, a directory of the test */
	char report[96];		/* the target's fd 3 */
	char stop[96];			/* tells the target to report and exit */
	char secret[96];		/* root's, 0600 */
	char rdonly[96];		/* root's, 0644 */
	char private[96];		/* root's directory, 0700 */
	char jail[96];			/* 65534's directory */
	char exe[PATH_MAX];		/* this program */
	struct stat dir_st, jail_st;
	__u64 full;			/* every capability (CAP_VALID_MASK) */
	struct ckpt_rec_header hdr;	/* the kernel's header record */
	unsigned char *img;		/* a real image of the target */
	size_t len;
	int log;			/* the log memfd of the user */
	char log_buf[8192];
} E;

/* Helpers of the processes that drop privileges */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/*
 * Become @uid/@gid without supplementary groups; with @keep, keep the
 * permitted capabilities (for capset()).  Dumpable again afterwards.
 */
static int become(uid_t uid, gid_t gid, bool keep)
{
	if (prctl(PR_SET_KEEPCAPS, keep, 0, 0, 0) || setgroups(0, NULL) ||
	    setresgid(gid, gid, gid) || setresuid(uid, uid, uid) ||
	    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return -1;
	return 0;
}

/* A user namespace of our own, our uid and gid as 0 in it, setgroups denied. */
static int enter_userns(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	if (unshare(CLONE_NEWUSER) || write_file("/proc/self/setgroups", "deny"))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_file("/proc/self/uid_map", map))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	return write_file("/proc/self/gid_map", map);
}

/* What "unshare -U -r" gives uid 65534 */
static int become_nobody_in_userns(void)
{
	return become(NOBODY, NOBODY, false) || enter_userns() ? -1 : 0;
}

static int caps_get(__u64 *eff, __u64 *prm, __u64 *inh)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	*eff = data[0].effective | (__u64)data[1].effective << 32;
	*prm = data[0].permitted | (__u64)data[1].permitted << 32;
	*inh = data[0].inheritable | (__u64)data[1].inheritable << 32;
	return 0;
}

/* capset(): 0 or errno */
static int caps_set(__u64 eff, __u64 prm, __u64 inh)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {
		{ .effective = eff, .permitted = prm, .inheritable = inh },
		{ .effective = eff >> 32, .permitted = prm >> 32, .inheritable = inh >> 32 },
	};

	return syscall(SYS_capset, &hdr, data) ? errno : 0;
}

/* The user with CAP_CHECKPOINT_RESTORE and nothing else, in the initial namespace */
static int become_nobody_with_cr(void)
{
	const __u64 cr = BIT(CAP_CHECKPOINT_RESTORE);

	return become(NOBODY, NOBODY, true) || caps_set(cr, cr, 0) ? -1 : 0;
}

static __u64 ns_ino(pid_t pid, const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* Wait @ms at most for our child @pid: its exit code (128 + signal), -1 if it hung. */
static int wait_exit_ms(pid_t pid, int ms)
{
	int status, i;

	for (i = 0; i < ms; i += 2) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
						     WEXITSTATUS(status);
		usleep(2000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static const char *code_str(int code)
{
	static char buf[64];

	switch (code) {
	case -1:
		return "hung, killed after 20 s";
	case 128 + SIGKILL:
		return "killed by SIGKILL";
	case T_REPORTED:
		return "restored, ran and reported";
	case T_SETUP:
		return "the target's setup failed";
	case T_IO:
		return "restored, but could not write its report";
	case R_RETURNED:
		return "restart() returned 0 to the restarter";
	case R_SETUP:
		return "the restarter's setup failed";
	case SETUP_FAILED:
		return "setup failed";
	}
	if (code > 128)
		snprintf(buf, sizeof(buf), "killed by signal %d", code - 128);
	else
		snprintf(buf, sizeof(buf), "restart() failed: %s", strerror(code));
	return buf;
}

static const char *read_log_fd(int fd)
{
	ssize_t n = pread(fd, E.log_buf, sizeof(E.log_buf) - 1, 0);

	E.log_buf[n > 0 ? n : 0] = '\0';
	return E.log_buf;
}

static void clear_log_fd(int fd)
{
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET))
		ksft_print_msg("cannot clear the log: %s\n", strerror(errno));
}

/*
 * Checkpoint permissions.  A target sleeps in read() on a pipe and echoes
 * every byte back: a target that answers runs, and is not frozen.
 */
struct target {
	pid_t pid;
	int ping;
	int pong;
};

enum target_kind {
	TK_PLAIN,		/* uid's, dumpable */
	TK_NONDUMPABLE,		/* uid's, PR_SET_DUMPABLE 0 after the credential change */
	TK_USERNS,		/* uid's, in a user namespace of its own */
	TK_SETUID,		/* uid's, running a setuid-root copy of this program */
	TK_CLEAN,		/* the caller's, holding only what an image can hold */
};

static int unmap_shared(void);

static __noreturn void echo_loop(int in, int out)
{
	char c = 'r';

	if (write(out, &c, 1) != 1)
		_exit(1);
	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			break;
	_exit(0);
}

/* A target of @uid (0: the caller's), or -1. */
static int spawn_target(struct target *t, uid_t uid, enum target_kind kind,
			const char *setuid_exe)
{
	int to[2], from[2];
	char c, in[16], out[16];

	if (pipe(to) || pipe(from))
		return -1;
	t->pid = fork_flushed();
	if (t->pid < 0)
		return -1;
	if (t->pid == 0) {
		close(to[1]);
		close(from[0]);
		if (uid && become(uid, uid, false))
			_exit(1);
		if (kind == TK_SETUID) {
			snprintf(in, sizeof(in), "%d", to[0]);
			snprintf(out, sizeof(out), "%d", from[1]);
			execl(setuid_exe, setuid_exe, TARGET_ARG, in, out, NULL);
			_exit(1);
		}
		if (kind == TK_USERNS && enter_userns())
			_exit(1);
		if (kind == TK_NONDUMPABLE && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
			_exit(1);
		if (kind == TK_CLEAN && (unmap_shared() || dup2(to[0], 0) < 0 ||
					 dup2(from[1], 1) < 0 || close_range(2, ~0U, 0)))
			_exit(1);
		if (kind == TK_CLEAN)
			echo_loop(0, 1);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		echo_loop(to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	t->ping = to[1];
	t->pong = from[0];
	if (read(t->pong, &c, 1) != 1) {
		reap(t->pid);
		return -1;
	}
	return 0;
}

/* The target answers within 2 s: it runs, not frozen. */
static bool target_answers(struct target *t)
{
	struct pollfd p = { .fd = t->pong, .events = POLLIN };
	char c = 'p';

	if (write(t->ping, &c, 1) != 1 || poll(&p, 1, 2000) != 1 ||
	    read(t->pong, &c, 1) != 1)
		return false;
	return c == 'p';
}

static void target_end(struct target *t)
{
	reap(t->pid);
	close(t->ping);
	close(t->pong);
}

/*
 * The caller, in a child: checkpoint(@pid, fd, @flags, log) must return
 * @want; when it fails with EPERM nothing must be written to fd, when it
 * succeeds an image; the log must say @log (NULL: anything).  Returns
 * the number of mismatches.
 */
static int expect_checkpoint(const char *what, pid_t pid, unsigned int flags,
			     int want, const char *log)
{
	int out = memfd_create("out", 0), logfd = memfd_create("log", 0), bad = 0;
	long ret;

	if (out < 0 || logfd < 0)
		return 1;
	ret = sys_checkpoint(pid, out, flags, logfd);
	bad += expect_ret(what, ret, want);
	if ((want == -EPERM && file_size(out) != 0) || (!want && file_size(out) <= 0)) {
		ksft_print_msg("%s: %lld bytes written to the image fd\n", what,
			       (long long)file_size(out));
		bad++;
	}
	read_log_fd(logfd);
	if (!log_lines_ok(E.log_buf, "checkpoint: ") || (log && !strstr(E.log_buf, log))) {
		ksft_print_msg("%s: log \"%s\", expected \"%s\"\n", what, E.log_buf,
			       log ?: "");
		bad++;
	}
	close(out);
	close(logfd);
	return bad;
}

#define REFUSE_FLAGS	(CHECKPOINT_SUBTREE | CHECKPOINT_KILL)

#define NO_CAP_LOG	"CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN in its user namespace is required"
#define NO_PTRACE_LOG	"no permission to ptrace-attach to it"

enum caller_kind {
	C_NOBODY,		/* uid 65534, no capability */
	C_NOBODY_CR,		/* uid 65534, CAP_CHECKPOINT_RESTORE only */
	C_NOBODY_USERNS,	/* uid 65534 in a user namespace of its own */
};

static const char *const caller_names[] = {
	"uid 65534", "uid 65534 with CAP_CHECKPOINT_RESTORE",
	"uid 65534 in its own user namespace",
};

static int become_caller(enum caller_kind c)
{
	switch (c) {
	case C_NOBODY:
		return become(NOBODY, NOBODY, false);
	case C_NOBODY_CR:
		return become_nobody_with_cr();
	case C_NOBODY_USERNS:
		return become_nobody_in_userns();
	}
	return -1;
}

/* A caller @c checkpoints @pid: @want with @log. */
static int caller_checkpoints(enum caller_kind c, const char *what, pid_t pid,
			      int want, const char *log)
{
	char desc[256];
	pid_t child;

	snprintf(desc, sizeof(desc), "%s: checkpoint(%s)", caller_names[c], what);
	child = fork_flushed();
	if (child == 0) {
		if (become_caller(c))
			child_exit(SETUP_FAILED);
		child_exit(expect_checkpoint(desc, pid, REFUSE_FLAGS, want, log));
	}
	return wait_exit(child);
}

FIXTURE(perm) {
	char dir[64];
	char setuid_exe[96];
};

static bool cannot_run(struct __test_metadata *_metadata)
{
	(void)_metadata;
	return !ckpt_supported() || getuid();
}

static int copy_exe(const char *to)
{
	int in = open("/proc/self/exe", O_RDONLY), out;
	char buf[65536];
	ssize_t n;

	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	return close(out) || n < 0 ? -1 : 0;
}

FIXTURE_SETUP(perm)
{
	if (cannot_run(_metadata))
		SKIP(return, "checkpoint() and restart() are not supported, or not root");
	snprintf(self->dir, sizeof(self->dir), "/tmp/ckpt-perm-%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	snprintf(self->setuid_exe, sizeof(self->setuid_exe), "%s/setuid", self->dir);
	ASSERT_EQ(0, copy_exe(self->setuid_exe));
	ASSERT_EQ(0, chown(self->setuid_exe, 0, 0));
	ASSERT_EQ(0, chmod(self->setuid_exe, 04755));
}

FIXTURE_TEARDOWN(perm)
{
	unlink(self->setuid_exe);
	rmdir(self->dir);
}

/*
 * Another user's task (uid 1000, dumpable): without a capability, the
 * capability check refuses; with CAP_CHECKPOINT_RESTORE, ptrace's rules
 * do (different uid); from a user namespace of its own, the capability
 * check again (the target's namespace is the initial one).
 */
TEST_F(perm, other_user)
{
	struct target t;
	enum caller_kind c;

	ASSERT_EQ(0, spawn_target(&t, OTHER, TK_PLAIN, NULL));
	for (c = C_NOBODY; c <= C_NOBODY_USERNS; c++) {
		EXPECT_EQ(0, caller_checkpoints(c, "uid 1000's task", t.pid, -EPERM,
						c == C_NOBODY_CR ? NO_PTRACE_LOG : NO_CAP_LOG));
		EXPECT_TRUE(target_answers(&t));
	}
	target_end(&t);
}

/*
 * The caller's own uid, but a setuid-root program (ruid 65534, euid 0,
 * not dumpable), or a task made non-dumpable after a credential change.
 */
TEST_F(perm, setuid_and_nondumpable)
{
	struct target t;
	enum caller_kind c;
	char status[4096], *uid;
	int fd;
	ssize_t n;

	ASSERT_EQ(0, spawn_target(&t, NOBODY, TK_SETUID, self->setuid_exe));
	snprintf(status, sizeof(status), "/proc/%d/status", t.pid);
	fd = open(status, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, status, sizeof(status) - 1);
	close(fd);
	ASSERT_LT(0, n);
	status[n] = '\0';
	uid = strstr(status, "\nUid:");
	ASSERT_NE(NULL, uid);
	ASSERT_EQ(0, strncmp(uid, "\nUid:\t65534\t0\t0\t0\n", 18))
		TH_LOG("the setuid program did not get euid 0: %.30s", uid + 1);
	for (c = C_NOBODY; c <= C_NOBODY_USERNS; c++) {
		EXPECT_EQ(0, caller_checkpoints(c, "setuid-root task of its uid", t.pid,
						-EPERM,
						c == C_NOBODY_CR ? NO_PTRACE_LOG : NO_CAP_LOG));
		EXPECT_TRUE(target_answers(&t));
	}
	target_end(&t);

	ASSERT_EQ(0, spawn_target(&t, NOBODY, TK_NONDUMPABLE, NULL));
	for (c = C_NOBODY; c <= C_NOBODY_USERNS; c++) {
		EXPECT_EQ(0, caller_checkpoints(c, "non-dumpable task of its uid", t.pid,
						-EPERM,
						c == C_NOBODY_CR ? NO_PTRACE_LOG : NO_CAP_LOG));
		EXPECT_TRUE(target_answers(&t));
	}
	target_end(&t);
}

/*
 * Inside its own user namespace, the caller may checkpoint its own
 * dumpable child of that namespace (which then answers on), but not its
 * own child once non-dumpable: its memory belongs to the initial
 * namespace, where the caller has no CAP_SYS_PTRACE.
 */
TEST_F(perm, own_userns)
{
	pid_t child = fork_flushed();

	ASSERT_LE(0, child);
	if (child == 0) {
		struct target t;
		int bad = 0;

		if (become_nobody_in_userns() || spawn_target(&t, 0, TK_CLEAN, NULL))
			child_exit(SETUP_FAILED);
		bad += expect_checkpoint("own child in the namespace", t.pid,
					 CHECKPOINT_SUBTREE, 0, NULL);
		bad += !target_answers(&t);
		target_end(&t);
		if (spawn_target(&t, 0, TK_NONDUMPABLE, NULL))
			child_exit(SETUP_FAILED);
		bad += expect_checkpoint("own non-dumpable child", t.pid, REFUSE_FLAGS,
					 -EPERM, NO_PTRACE_LOG);
		bad += !target_answers(&t);
		target_end(&t);
		child_exit(bad);
	}
	EXPECT_EQ(0, wait_exit(child));
}

/*
 * Tasks of other user namespaces: a task of uid 1000 in a namespace of
 * its own (uid 1000 owns it); a task of the caller's own uid in the
 * parent (initial) namespace, checkpointed from the caller's child
 * namespace.  CAP_CHECKPOINT_RESTORE in the initial namespace covers a
 * child namespace, where ptrace's rules then refuse uid 1000.
 */
TEST_F(perm, other_userns)
{
	struct target t;
	enum caller_kind c;

	ASSERT_EQ(0, spawn_target(&t, OTHER, TK_USERNS, NULL));
	ASSERT_NE(ns_ino(getpid(), "user"), ns_ino(t.pid, "user"));
	for (c = C_NOBODY; c <= C_NOBODY_USERNS; c++) {
		EXPECT_EQ(0, caller_checkpoints(c, "uid 1000's task in its namespace",
						t.pid, -EPERM,
						c == C_NOBODY_CR ? NO_PTRACE_LOG : NO_CAP_LOG));
		EXPECT_TRUE(target_answers(&t));
	}
	target_end(&t);

	ASSERT_EQ(0, spawn_target(&t, NOBODY, TK_PLAIN, NULL));
	EXPECT_EQ(0, caller_checkpoints(C_NOBODY_USERNS,
					"its own uid's task in the parent namespace",
					t.pid, -EPERM, NO_CAP_LOG));
	EXPECT_TRUE(target_answers(&t));
	target_end(&t);
}

/*
 * The owner of a user namespace has every capability in it: uid 65534
 * without a capability passes the permission checks for its own child
 * inside a namespace it made, and checkpoint() then refuses the
 * namespace itself, by name.
 */
TEST_F(perm, owner_of_child_userns)
{
	pid_t child = fork_flushed();

	ASSERT_LE(0, child);
	if (child == 0) {
		struct target t;
		int bad = 0;

		if (become(NOBODY, NOBODY, false) ||
		    spawn_target(&t, 0, TK_USERNS, NULL))
			child_exit(SETUP_FAILED);
		bad += expect_checkpoint("own child in a namespace it owns", t.pid,
					 REFUSE_FLAGS, -EOPNOTSUPP,
					 "lives in its own user namespace");
		bad += !target_answers(&t);
		target_end(&t);
		child_exit(bad);
	}
	EXPECT_EQ(0, wait_exit(child));
}

/*
 * Restart of tampered real images.  The target is a process of the
 * unprivileged user: fd 0-2 /dev/null, fd 3 the report file, fd 4 the
 * test's directory; it sleeps 1 ms at a time until "stop" appears in
 * that directory (looked up through fd 4, whatever its root directory
 * is), then writes its report to fd 3 and exits with T_REPORTED.
 */

/* The harness shares memory with its tests: the image cannot hold that. */
static int unmap_shared(void)
{
	static unsigned long start[512], end[512];
	char line[512], perm[8];
	int n = 0, i;
	FILE *f;

	f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	while (n < 512 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &start[n], &end[n], perm) == 3 &&
		    perm[3] == 's')
			n++;
	}
	fclose(f);
	for (i = 0; i < n; i++)
		if (munmap((void *)start[i], end[i] - start[i]))
			return -1;
	return 0;
}

static void fill_report(struct report *r)
{
	uid_t u[3];
	gid_t g[3], groups[8];
	struct sched_param sp;
	struct stat st;
	int i;

	memset(r, 0, sizeof(*r));
	r->magic = REPORT_DONE;
	getresuid(&u[0], &u[1], &u[2]);
	getresgid(&g[0], &g[1], &g[2]);
	for (i = 0; i < 3; i++) {
		r->uid[i] = u[i];
		r->gid[i] = g[i];
	}
	r->uid[3] = setfsuid(-1);
	r->gid[3] = setfsgid(-1);
	r->ngroups = getgroups(8, groups);
	for (i = 0; i < r->ngroups; i++)
		r->groups[i] = groups[i];
	caps_get(&r->eff, &r->prm, &r->inh);
	for (i = 0; i < 64; i++) {
		if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) == 1)
			r->bnd |= BIT(i);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, i, 0, 0) == 1)
			r->amb |= BIT(i);
	}
	r->securebits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	r->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	for (i = 0; i < RLIM_NLIMITS; i++)
		getrlimit(i, &r->rlim[i]);
	r->policy = sched_getscheduler(0);
	if (!sched_getparam(0, &sp))
		r->rt_priority = sp.sched_priority;
	errno = 0;
	r->nice = getpriority(PRIO_PROCESS, 0);
	if (!stat("/", &st)) {
		r->root_dev = st.st_dev;
		r->root_ino = st.st_ino;
	}
	if (!stat("/proc/self/ns/user", &st))
		r->userns = st.st_ino;
	i = open(E.secret, O_RDONLY);
	r->secret_errno = i < 0 ? errno : 0;
	if (i >= 0)
		close(i);
}

static __noreturn void target_main(void)
{
	const struct timespec ts = { .tv_nsec = 1000000 };
	struct report r = { .magic = REPORT_READY };
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unmap_shared() || chdir("/"))
		_exit(T_SETUP);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 ||
	    close_range(3, ~0U, 0))
		_exit(T_SETUP);
	if (open(E.report, O_RDWR) != 3 || open(E.dir, O_RDONLY | O_DIRECTORY) != 4)
		_exit(T_SETUP);
	if (pwrite(3, &r, sizeof(r), 0) != sizeof(r))
		_exit(T_IO);
	for (;;) {
		nanosleep(&ts, NULL);
		if (!faccessat(4, "stop", F_OK, 0)) {
			fill_report(&r);
			if (pwrite(3, &r, sizeof(r), 0) != sizeof(r))
				_exit(T_IO);
			_exit(T_REPORTED);
		}
	}
}

static int read_report(struct report *r)
{
	int fd = open(E.report, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, r, sizeof(*r), 0);
	close(fd);
	return n == sizeof(*r) ? 0 : -1;
}

/*
 * In the unprivileged user: start the target, checkpoint it (with
 * CHECKPOINT_KILL) into E.img.  0 or -1, said why.
 */
static int make_image(void)
{
	struct report r = {};
	long ret = -1;
	pid_t t;
	int fd, i;

	E.log = memfd_create("log", 0);
	fd = open(E.report, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (E.log < 0 || fd < 0)
		return -1;
	close(fd);
	t = fork_flushed();
	if (t < 0)
		return -1;
	if (t == 0)
		target_main();
	for (i = 0; i < 2000 && (read_report(&r) || r.magic != REPORT_READY); i++) {
		if (waitpid(t, NULL, WNOHANG) == t) {
			ksft_print_msg("the target ended before it was ready\n");
			return -1;
		}
		usleep(5000);
	}
	fd = memfd_create("image", 0);
	if (r.magic == REPORT_READY && fd >= 0)
		ret = sys_checkpoint(t, fd, CHECKPOINT_SUBTREE | CHECKPOINT_KILL, E.log);
	if (ret) {
		ksft_print_msg("checkpoint of the target: %s; log: \"%s\"\n",
			       strerror(-ret), read_log_fd(E.log));
		reap(t);
		return -1;
	}
	waitpid(t, NULL, 0);
	ret = read_all(fd, &E.img);
	close(fd);
	if (ret <= 0)
		return -1;
	E.len = ret;
	clear_log_fd(E.log);
	return 0;
}

/* Image editing */

/* Offset of the @nth record of @type in the real image, or -1 */
static long rec_find(__u32 type, int nth)
{
	const struct ckpt_hdr *h;
	size_t off = 0;

	while (off + sizeof(*h) <= E.len) {
		h = (const void *)(E.img + off);
		if (h->len < sizeof(*h) || h->len > E.len - off)
			return -1;
		if (h->type == type && nth-- == 0)
			return off;
		if (h->type == CKPT_REC_TAIL)
			return -1;
		off += h->len;
	}
	return -1;
}

static const void *rec_at(long off)
{
	return E.img + off;
}

/*
 * @out: the real image with the record at @at replaced by @rec (@size
 * bytes, header included: its length is set here), and a fresh tail.
 */
static void img_replace(struct img *out, long at, void *rec, size_t size)
{
	const struct ckpt_hdr *h;
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	while (off < E.len) {
		h = (const void *)(E.img + off);
		if (h->type == CKPT_REC_TAIL)
			break;
		if ((long)off == at) {
			((struct ckpt_hdr *)rec)->len = CKPT_ALIGN(size);
			img_raw_rec(out, rec, size);
		} else {
			img_raw_rec(out, h, h->len);
		}
		off += h->len;
	}
	img_tail(out);
}

/*
 * A claim of the image, and what the matching system call does with it.
 *
 * setup() makes the caller's situation (in the restarter and in the
 * child that makes the system call); patch() tampers with the image;
 * call() makes the system call: 0 or errno; want is what it does.
 * Restart must then refuse (the log saying @log), or run and give what
 * check() accepts, or (EITHER) one of the two.
 */
enum restart_does { REFUSES, RUNS, EITHER };

struct pcase {
	const char *claim;
	int (*setup)(const struct pcase *pc);
	void (*patch)(const struct pcase *pc, struct img *out);
	int (*call)(const struct pcase *pc);
	int want;
	enum restart_does does;
	const char *log;
	bool (*check)(const struct pcase *pc, const struct report *r);
	__u64 v[6];
	const char *path;
	const char *path2;
};

#define PCASE(claim_, setup_, patch_, call_, want_, does_, log_, check_, ...) {	\
	.claim = claim_, .setup = setup_, .patch = patch_, .call = call_,	\
	.want = want_, .does = does_, .log = log_, .check = check_,		\
	.v = { __VA_ARGS__ },							\
}

/* What the caller has, without setup() (for the checks) */
static struct report base;

/* setup() */

static int setup_drop_cap(const struct pcase *pc)
{
	__u64 eff, prm, inh, bit = BIT(pc->v[5]);

	return caps_get(&eff, &prm, &inh) || caps_set(eff & ~bit, prm & ~bit, inh & ~bit);
}

static int setup_drop_eff(const struct pcase *pc)
{
	__u64 eff, prm, inh;

	return caps_get(&eff, &prm, &inh) || caps_set(eff & ~BIT(pc->v[5]), prm, inh);
}

static int setup_bset_drop(const struct pcase *pc)
{
	return prctl(PR_CAPBSET_DROP, pc->v[5], 0, 0, 0);
}

/* v[5]: the caller's securebits */
static int setup_securebits(const struct pcase *pc)
{
	return prctl(PR_SET_SECUREBITS, pc->v[5], 0, 0, 0);
}

static int setup_nnp(const struct pcase *pc)
{
	(void)pc;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* v[5]: the caller's RLIMIT_NOFILE, soft and hard */
static int setup_nofile(const struct pcase *pc)
{
	struct rlimit rl = { pc->v[5], pc->v[5] };

	return setrlimit(RLIMIT_NOFILE, &rl);
}

static int bind_into_jail(const char *src)
{
	char dst[PATH_MAX], *p;

	snprintf(dst, sizeof(dst), "%s%s", E.jail, src);
	for (p = dst + strlen(E.jail) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(dst, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dst, 0755) && errno != EEXIST)
		return -1;
	return mount(src, dst, NULL, MS_BIND | MS_REC, NULL);
}

/*
 * Chrooted into E.jail, a directory of the test's, with what the image
 * reopens bound into it (/tmp, /dev, /proc, this program's directory),
 * in a mount namespace of its own.
 */
static int setup_jail(const struct pcase *pc)
{
	char exedir[PATH_MAX];

	(void)pc;
	snprintf(exedir, sizeof(exedir), "%s", E.exe);
	*strrchr(exedir, '/') = '\0';
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    bind_into_jail("/tmp") || bind_into_jail("/dev") || bind_into_jail("/proc") ||
	    (strcmp(exedir, "/tmp") && bind_into_jail(exedir)) ||
	    chroot(E.jail) || chdir("/"))
		return -1;
	return 0;
}

/* patch() */

static void patch_none(const struct pcase *pc, struct img *out)
{
	(void)pc;
	img_replace(out, -1, NULL, 0);
}

/* The CREDS record, with room for 8 groups */
struct creds_rec {
	struct ckpt_rec_creds c;
	__u32 groups[8];
};

static long creds_copy(struct creds_rec *rec)
{
	long at = rec_find(CKPT_REC_CREDS, 0);
	const struct ckpt_hdr *h = rec_at(at);

	memset(rec, 0, sizeof(*rec));
	memcpy(rec, h, h->len < sizeof(*rec) ? h->len : sizeof(*rec));
	return at;
}

static void creds_replace(struct img *out, long at, struct creds_rec *rec)
{
	img_replace(out, at, rec, sizeof(rec->c) + rec->c.ngroups * sizeof(__u32));
}

static void set32(__u32 *field, __u64 v)
{
	if (v != KEEP)
		*field = v;
}

static void set64(__u64 *field, __u64 v)
{
	if (v != KEEP)
		*field = v;
}

/* v[0..3]: uid, euid, suid, fsuid */
static void patch_uids(const struct pcase *pc, struct img *out)
{
	struct creds_rec rec;
	long at = creds_copy(&rec);

	set32(&rec.c.uid, pc->v[0]);
	set32(&rec.c.euid, pc->v[1]);
	set32(&rec.c.suid, pc->v[2]);
	set32(&rec.c.fsuid, pc->v[3]);
	creds_replace(out, at, &rec);
}

static void patch_gids(const struct pcase *pc, struct img *out)
{
	struct creds_rec rec;
	long at = creds_copy(&rec);

	set32(&rec.c.gid, pc->v[0]);
	set32(&rec.c.egid, pc->v[1]);
	set32(&rec.c.sgid, pc->v[2]);
	set32(&rec.c.fsgid, pc->v[3]);
	creds_replace(out, at, &rec);
}

/* v[0]: how many groups, v[1..]: the groups */
static void patch_groups(const struct pcase *pc, struct img *out)
{
	struct creds_rec rec;
	long at = creds_copy(&rec);
	__u32 i;

	rec.c.ngroups = pc->v[0];
	for (i = 0; i < rec.c.ngroups; i++)
		rec.groups[i] = pc->v[1 + i];
	creds_replace(out, at, &rec);
}

/* v[0..5]: effective, permitted, inheritable, bounding, ambient, securebits */
static void patch_caps(const struct pcase *pc, struct img *out)
{
	struct creds_rec rec;
	long at = creds_copy(&rec);

	set64(&rec.c.cap_effective, pc->v[0]);
	set64(&rec.c.cap_permitted, pc->v[1]);
	set64(&rec.c.cap_inheritable, pc->v[2]);
	set64(&rec.c.cap_bset, pc->v[3]);
	set64(&rec.c.cap_ambient, pc->v[4]);
	creds_replace(out, at, &rec);
}

/* v[0]: the securebits */
static void patch_securebits(const struct pcase *pc, struct img *out)
{
	struct creds_rec rec;
	long at = creds_copy(&rec);

	rec.c.securebits = pc->v[0];
	creds_replace(out, at, &rec);
}

/* v[0..4] as patch_caps(), with v[5] the securebits */
static void patch_caps_securebits(const struct pcase *pc, struct img *out)
{
	struct creds_rec rec;
	long at = creds_copy(&rec);

	set64(&rec.c.cap_effective, pc->v[0]);
	set64(&rec.c.cap_permitted, pc->v[1]);
	set64(&rec.c.cap_inheritable, pc->v[2]);
	set64(&rec.c.cap_bset, pc->v[3]);
	set64(&rec.c.cap_ambient, pc->v[4]);
	rec.c.securebits = pc->v[5];
	creds_replace(out, at, &rec);
}

/* The FILE record of fd v[0] names @path, with f_flags v[1] unless KEEP. */
static void patch_file(const struct pcase *pc, struct img *out)
{
	const struct ckpt_rec_file *f;
	struct ckpt_rec_file rec;
	long at;
	int i;

	for (i = 0; (at = rec_find(CKPT_REC_FILE, i)) >= 0; i++) {
		f = rec_at(at);
		if (f->fd == (int)pc->v[0])
			break;
	}
	memcpy(&rec, rec_at(at), sizeof(rec));
	rec.path_len = strlen(pc->path);
	set32(&rec.f_flags, pc->v[1]);
	{
		unsigned char buf[sizeof(rec) + PATH_MAX];

		memcpy(buf, &rec, sizeof(rec));
		memcpy(buf + sizeof(rec), pc->path, rec.path_len);
		img_replace(out, at, buf, sizeof(rec) + rec.path_len);
	}
}

/* The MM record's executable is @path. */
static void patch_exe(const struct pcase *pc, struct img *out)
{
	long at = rec_find(CKPT_REC_MM, 0);
	struct ckpt_rec_mm *mm = calloc(1, sizeof(*mm) + PATH_MAX);

	memcpy(mm, rec_at(at), sizeof(*mm));
	mm->exe_len = strlen(pc->path);
	memcpy(mm + 1, pc->path, mm->exe_len);
	img_replace(out, at, mm, sizeof(*mm) + mm->exe_len);
	free(mm);
}

/* The first file mapping maps @path. */
static void patch_vma_file(const struct pcase *pc, struct img *out)
{
	const struct ckpt_rec_vma *v;
	struct ckpt_rec_vma vma;
	long at;
	int i;

	for (i = 0; (at = rec_find(CKPT_REC_VMA, i)) >= 0; i++) {
		v = rec_at(at);
		if (v->kind == CKPT_VMA_FILE)
			break;
	}
	memcpy(&vma, rec_at(at), sizeof(vma));
	vma.path_len = strlen(pc->path);
	{
		unsigned char buf[sizeof(vma) + PATH_MAX];

		memcpy(buf, &vma, sizeof(vma));
		memcpy(buf + sizeof(vma), pc->path, vma.path_len);
		img_replace(out, at, buf, sizeof(vma) + vma.path_len);
	}
}

/* The FS record: working directory @path (NULL: as saved), root @path2. */
static void patch_fs(const struct pcase *pc, struct img *out)
{
	long at = rec_find(CKPT_REC_FS, 0);
	const struct ckpt_rec_fs *fs = rec_at(at);
	struct ckpt_rec_fs rec = *fs;
	char cwd[PATH_MAX];

	snprintf(cwd, sizeof(cwd), "%.*s", (int)fs->cwd_len, (const char *)(fs + 1));
	rec.cwd_len = strlen(pc->path ?: cwd);
	rec.root_len = pc->path2 ? strlen(pc->path2) : 0;
	{
		unsigned char buf[sizeof(rec) + 2 * PATH_MAX];

		memcpy(buf, &rec, sizeof(rec));
		memcpy(buf + sizeof(rec), pc->path ?: cwd, rec.cwd_len);
		memcpy(buf + sizeof(rec) + rec.cwd_len, pc->path2 ?: "", rec.root_len);
		img_replace(out, at, buf, sizeof(rec) + rec.cwd_len + rec.root_len);
	}
}

/* Resource limit v[0] is v[1]/v[2]. */
static void patch_rlimit(const struct pcase *pc, struct img *out)
{
	long at = rec_find(CKPT_REC_RLIMITS, 0);
	struct ckpt_rec_rlimits rec;

	memcpy(&rec, rec_at(at), sizeof(rec));
	rec.rlim[pc->v[0]].cur = pc->v[1];
	rec.rlim[pc->v[0]].max = pc->v[2];
	img_replace(out, at, &rec, sizeof(rec));
}

/* Policy v[0], priority v[1], nice v[2], reset_on_fork v[3] */
static void patch_sched(const struct pcase *pc, struct img *out)
{
	long at = rec_find(CKPT_REC_SCHED, 0);
	struct ckpt_rec_sched rec;

	memcpy(&rec, rec_at(at), sizeof(rec));
	rec.policy = pc->v[0];
	rec.rt_priority = pc->v[1];
	rec.nice = (__s32)pc->v[2];
	rec.reset_on_fork = pc->v[3];
	img_replace(out, at, &rec, sizeof(rec));
}

/* call(): the system call that would do what the image claims */

static uid_t id_arg(__u64 v)
{
	return v == KEEP ? (uid_t)-1 : (uid_t)v;
}

static int call_setresuid(const struct pcase *pc)
{
	return setresuid(id_arg(pc->v[0]), id_arg(pc->v[1]), id_arg(pc->v[2])) ? errno : 0;
}

static int call_setresgid(const struct pcase *pc)
{
	return setresgid(id_arg(pc->v[0]), id_arg(pc->v[1]), id_arg(pc->v[2])) ? errno : 0;
}

static int call_setgroups(const struct pcase *pc)
{
	gid_t groups[5];
	__u64 i;

	for (i = 0; i < pc->v[0]; i++)
		groups[i] = pc->v[1 + i];
	return setgroups(pc->v[0], groups) ? errno : 0;
}

/* capset() of v[0..2], then PR_CAP_AMBIENT_RAISE of every cap of v[4] */
static int call_capset(const struct pcase *pc)
{
	__u64 eff, prm, inh;
	int ret, i;

	if (caps_get(&eff, &prm, &inh))
		return EIO;
	ret = caps_set(pc->v[0] == KEEP ? eff : pc->v[0], pc->v[1] == KEEP ? prm : pc->v[1],
		       pc->v[2] == KEEP ? inh : pc->v[2]);
	for (i = 0; !ret && pc->v[4] != KEEP && i < 64; i++)
		if ((pc->v[4] & E.full & BIT(i)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0))
			ret = errno;
	return ret;
}

/* setresuid(v[0..2]), then capset() of every capability */
static int call_setresuid_capset(const struct pcase *pc)
{
	int ret = call_setresuid(pc);

	return ret ?: caps_set(E.full, E.full, 0);
}

/* No system call raises the bounding set: PR_CAPBSET_DROP only drops. */
static int call_no_bset_raise(const struct pcase *pc)
{
	(void)pc;
	return EPERM;
}

static int call_securebits(const struct pcase *pc)
{
	return prctl(PR_SET_SECUREBITS, pc->v[0], 0, 0, 0) ? errno : 0;
}

static int call_clear_nnp(const struct pcase *pc)
{
	(void)pc;
	return prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) ? errno : 0;
}

/* open(path, v[1]) */
static int call_open(const struct pcase *pc)
{
	int fd = open(pc->path, pc->v[1]);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int call_chdir(const struct pcase *pc)
{
	return chdir(pc->path) ? errno : 0;
}

/* chroot(path2); ELOOP (as a marker) if the new root is not E.jail's or E.dir's */
static int call_chroot(const struct pcase *pc)
{
	struct stat st;

	if (chroot(pc->path2))
		return errno;
	if (stat("/", &st))
		return errno;
	if ((st.st_dev != E.jail_st.st_dev || st.st_ino != E.jail_st.st_ino) &&
	    (st.st_dev != E.dir_st.st_dev || st.st_ino != E.dir_st.st_ino))
		return ELOOP;
	return 0;
}

static int call_setrlimit(const struct pcase *pc)
{
	struct rlimit rl = { pc->v[1], pc->v[2] };

	return setrlimit(pc->v[0], &rl) ? errno : 0;
}

static int call_sched(const struct pcase *pc)
{
	struct sched_param sp = { .sched_priority = pc->v[1] };

	if (sched_setscheduler(0, pc->v[0] | (pc->v[3] ? SCHED_RESET_ON_FORK : 0), &sp))
		return errno;
	if ((int)pc->v[2] != getpriority(PRIO_PROCESS, 0) &&
	    setpriority(PRIO_PROCESS, 0, (int)pc->v[2]))
		return errno;
	return 0;
}

/* check(): what the restored process has */

/*
 * In the caller's user namespace, whatever its capabilities there: root's
 * file stays closed to it.
 */
static bool same_ns_as_caller(const struct report *r)
{
	return r->userns == base.userns && r->secret_errno == EACCES;
}

/* The caller's own credentials, unchanged */
static bool check_as_caller(const struct pcase *pc, const struct report *r)
{
	(void)pc;
	return !memcmp(r->uid, base.uid, sizeof(r->uid)) &&
	       !memcmp(r->gid, base.gid, sizeof(r->gid)) &&
	       r->ngroups == base.ngroups && r->eff == base.eff && r->prm == base.prm &&
	       r->inh == base.inh && r->bnd == base.bnd && r->amb == base.amb &&
	       r->securebits == base.securebits && r->userns == base.userns &&
	       r->secret_errno == base.secret_errno;
}

/* uid 65534 and, as setresuid() leaves it, no capability */
static bool check_uid_no_caps(const struct pcase *pc, const struct report *r)
{
	(void)pc;
	return r->uid[0] == NOBODY && r->uid[1] == NOBODY && r->uid[2] == NOBODY &&
	       !r->prm && !r->eff && !r->amb;
}

/* The capabilities of v[0..4], as far as they are valid */
static bool check_caps(const struct pcase *pc, const struct report *r)
{
	__u64 eff = pc->v[0] & E.full, prm = pc->v[1] & E.full, inh = pc->v[2] & E.full;
	__u64 bnd = pc->v[3] & E.full, amb = pc->v[4] & prm & inh;

	return r->eff == eff && r->prm == prm && r->inh == inh && r->bnd == bnd &&
	       r->amb == amb && same_ns_as_caller(r);
}

/* No ambient capability */
static bool check_no_ambient(const struct pcase *pc, const struct report *r)
{
	(void)pc;
	return r->amb == 0;
}

/* securebits are v[4] */
static bool check_securebits(const struct pcase *pc, const struct report *r)
{
	return r->securebits == (int)pc->v[4];
}

/* The bits v[4] of the caller's securebits (v[5]) are kept as they were. */
static bool check_securebits_kept(const struct pcase *pc, const struct report *r)
{
	return (r->securebits & pc->v[4]) == (pc->v[5] & pc->v[4]);
}

static bool check_nnp(const struct pcase *pc, const struct report *r)
{
	(void)pc;
	return r->nnp == 1;
}

static bool check_root_dir(const struct pcase *pc, const struct report *r)
{
	(void)pc;
	return r->root_dev == E.dir_st.st_dev && r->root_ino == E.dir_st.st_ino;
}

static bool check_root_jail(const struct pcase *pc, const struct report *r)
{
	(void)pc;
	return r->root_dev == E.jail_st.st_dev && r->root_ino == E.jail_st.st_ino;
}

static bool check_rlimit(const struct pcase *pc, const struct report *r)
{
	return r->rlim[pc->v[0]].rlim_cur == pc->v[1] && r->rlim[pc->v[0]].rlim_max == pc->v[2];
}

static bool check_sched(const struct pcase *pc, const struct report *r)
{
	return r->policy == (int)(pc->v[0] | (pc->v[3] ? SCHED_RESET_ON_FORK : 0)) &&
	       r->rt_priority == (int)pc->v[1] && r->nice == (int)pc->v[2];
}

static void print_report(const struct report *r)
{
	ksft_print_msg("  restored: uid %u/%u/%u/%u gid %u/%u/%u/%u groups %d\n",
		       r->uid[0], r->uid[1], r->uid[2], r->uid[3], r->gid[0], r->gid[1],
		       r->gid[2], r->gid[3], r->ngroups);
	ksft_print_msg("  capabilities eff %#llx prm %#llx inh %#llx bnd %#llx amb %#llx\n",
		       (unsigned long long)r->eff, (unsigned long long)r->prm,
		       (unsigned long long)r->inh, (unsigned long long)r->bnd,
		       (unsigned long long)r->amb);
	ksft_print_msg("  securebits %#x nnp %d policy %#x priority %d nice %d\n",
		       r->securebits, r->nnp, r->policy, r->rt_priority, r->nice);
}

struct outcome {
	int code;
	bool reported;
	struct report r;
	char log[8192];
};

/* restart(0) of @im in a child of ours set up by @pc. */
static void restore(const struct img *im, const struct pcase *pc, struct outcome *o)
{
	char stop[128];
	pid_t pid;
	long ret;
	int fd;

	memset(o, 0, sizeof(*o));
	snprintf(stop, sizeof(stop), "%s/stop", E.dir);
	fd = open(E.report, O_RDWR | O_TRUNC);
	if (fd >= 0)
		close(fd);
	close(open(stop, O_WRONLY | O_CREAT, 0600));
	clear_log_fd(E.log);
	fd = img_memfd(im);
	pid = fork_flushed();
	if (pid == 0) {
		if (fd < 0 || (pc && pc->setup && pc->setup(pc)))
			_exit(R_SETUP);
		ret = sys_restart(0, fd, 0, E.log);
		_exit(ret ? (-ret < R_ERRNO_MAX ? -ret : R_ERRNO_MAX) : R_RETURNED);
	}
	close(fd);
	o->code = pid > 0 ? wait_exit_ms(pid, WAIT_MS) : SETUP_FAILED;
	o->reported = !read_report(&o->r) && o->r.magic == REPORT_DONE;
	snprintf(o->log, sizeof(o->log), "%s", read_log_fd(E.log));
	unlink(stop);
}

/* The system call of @pc, in a child set up by @pc: 0, errno, or -1 */
static int syscall_does(const struct pcase *pc)
{
	pid_t pid = fork_flushed();

	if (pid == 0) {
		if (pc->setup && pc->setup(pc))
			_exit(R_SETUP);
		_exit(pc->call(pc));
	}
	return pid > 0 ? wait_exit_ms(pid, WAIT_MS) : -1;
}

/* Run the cases: the number of mismatches. */
static int run_cases(const struct pcase *cases, int n)
{
	struct outcome *o = malloc(sizeof(*o));
	int i, err, bad = 0;
	bool ok, refused, ran;
	struct img im;

	/* what the caller has: the target, and the image, had the same */
	fill_report(&base);
	for (i = 0; i < n; i++) {
		const struct pcase *pc = &cases[i];

		err = syscall_does(pc);
		pc->patch(pc, &im);
		restore(&im, pc, o);
		img_free(&im);
		refused = o->code == 128 + SIGKILL;
		ran = o->code == T_REPORTED && o->reported;
		switch (pc->does) {
		case REFUSES:
			ok = refused && pc->log && strstr(o->log, pc->log);
			break;
		case RUNS:
			ok = ran && pc->check(pc, &o->r);
			break;
		default:
			ok = (refused && strstr(o->log, pc->log)) ||
			     (ran && pc->check(pc, &o->r));
			break;
		}
		ksft_print_msg("%s %s: the system call %s; restart: %s%s\n",
			       ok && err == pc->want ? "ok:" : "MISMATCH:", pc->claim,
			       err == 0 ? "succeeds" : err < 0 ? "hangs" :
			       err == R_SETUP ? "(setup failed)" : strerror(err),
			       refused ? "refused" : code_str(o->code),
			       ran ? (pc->check && pc->check(pc, &o->r) ?
				      ", state as expected" : ", UNEXPECTED STATE") : "");
		if (err != pc->want) {
			ksft_print_msg("  the system call was expected to %s\n",
				       pc->want ? strerror(pc->want) : "succeed");
			bad++;
		}
		if (!ok) {
			if (pc->does == REFUSES || pc->does == EITHER)
				ksft_print_msg("  expected: refused%s, log saying \"%s\"\n",
					       pc->does == EITHER ? " or clamped" : "", pc->log);
			ksft_print_msg("  log: \"%s\"\n", o->log);
			if (ran)
				print_report(&o->r);
			if (ran && err && err != R_SETUP)
				ksft_print_msg("  SECURITY: restart gave what the call refuses\n");
			bad++;
		}
	}
	free(o);
	return bad;
}

/* Every capability this kernel knows (CAP_VALID_MASK), 0 if unknown */
static __u64 all_caps(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = -1;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &last) != 1)
		last = -1;
	fclose(f);
	return last < 0 || last > 62 ? 0 : (BIT(last) << 1) - 1;
}

FIXTURE(urestart) {
	int unused;
};

FIXTURE_SETUP(urestart)
{
	int fd;

	if (cannot_run(_metadata))
		SKIP(return, "checkpoint() and restart() are not supported, or not root");
	memset(&E, 0, sizeof(E));
	snprintf(E.dir, sizeof(E.dir), "/tmp/ckpt-priv-%d", getpid());
	ASSERT_EQ(0, mkdir(E.dir, 0777));
	ASSERT_EQ(0, chmod(E.dir, 0777));
	snprintf(E.report, sizeof(E.report), "%s/report", E.dir);
	snprintf(E.stop, sizeof(E.stop), "%s/stop", E.dir);
	snprintf(E.secret, sizeof(E.secret), "%s/secret", E.dir);
	snprintf(E.rdonly, sizeof(E.rdonly), "%s/rdonly", E.dir);
	snprintf(E.private, sizeof(E.private), "%s/private", E.dir);
	snprintf(E.jail, sizeof(E.jail), "%s/jail", E.dir);
	fd = open(E.secret, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(7, write(fd, "secret\n", 7));
	close(fd);
	fd = open(E.rdonly, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, chmod(E.rdonly, 0644));
	ASSERT_EQ(0, mkdir(E.private, 0700));
	ASSERT_EQ(0, mkdir(E.jail, 0755));
	ASSERT_EQ(0, chown(E.jail, NOBODY, NOBODY));
	ASSERT_EQ(0, stat(E.dir, &E.dir_st));
	ASSERT_EQ(0, stat(E.jail, &E.jail_st));
	ASSERT_LT(0, readlink("/proc/self/exe", E.exe, sizeof(E.exe) - 1));
	ASSERT_EQ(0, kernel_header(&E.hdr));
	E.full = all_caps();
	ASSERT_NE(0, E.full);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) && errno != ENOENT ? -1 : 0;
}

FIXTURE_TEARDOWN(urestart)
{
	if (E.dir[0])
		nftw(E.dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The unprivileged user (@become), with an image of its own, runs @cases. */
static int as_user(int (*become_user)(void), const struct pcase *cases, int n)
{
	pid_t child = fork_flushed();

	if (child == 0) {
		if (become_user() || make_image())
			child_exit(SETUP_FAILED);
		child_exit(run_cases(cases, n));
	}
	return child > 0 ? wait_exit(child) : -1;
}

#define N(cases)	((int)ARRAY_SIZE(cases))
#define IN_NS_FULL	E.full		/* the caller's capabilities in its namespace */

/*
 * Ids.  The namespace maps one uid and one gid (the user's, as 0):
 * setresuid() and setresgid() refuse any other with EINVAL.  65534 is
 * what checkpoint() writes for an id the namespace does not map (the
 * user namespace's overflow id): root's ids outside, for instance.
 * setgroups() is denied.
 */
TEST_F_TIMEOUT(urestart, ids, 120)
{
	static const struct pcase cases[] = {
		PCASE("uid 0 (the user's own) and no groups, as saved", NULL, patch_none,
		      call_setresuid, 0, RUNS, NULL, check_as_caller, 0, 0, 0),
		PCASE("uid 65534 (unmapped: how an unmapped id, such as root's outside, is saved)",
		      NULL, patch_uids, call_setresuid, EINVAL, REFUSES, "not mapped", NULL,
		      65534, 65534, 65534, 65534),
		PCASE("euid 1 (unmapped)", NULL, patch_uids, call_setresuid, EINVAL, REFUSES,
		      "not mapped", NULL, KEEP, 1, KEEP, KEEP),
		PCASE("suid 65534 (unmapped)", NULL, patch_uids, call_setresuid, EINVAL,
		      REFUSES, "not mapped", NULL, KEEP, KEEP, 65534, KEEP),
		PCASE("gid 65534 (unmapped)", NULL, patch_gids, call_setresgid, EINVAL,
		      REFUSES, "not mapped", NULL, 65534, 65534, 65534, 65534),
		PCASE("egid 1 (unmapped)", NULL, patch_gids, call_setresgid, EINVAL, REFUSES,
		      "not mapped", NULL, KEEP, 1, KEEP, KEEP),
		PCASE("supplementary group 0 (mapped; setgroups denied)", NULL, patch_groups,
		      call_setgroups, EPERM, REFUSES,
		      "the caller may not set the saved supplementary groups", NULL, 1, 0),
		/* setgroups() says EPERM first; restart sees the unmapped id first */
		PCASE("supplementary groups 0 and 5 (5 unmapped)", NULL, patch_groups,
		      call_setgroups, EPERM, REFUSES, "saved group 5 is not mapped here", NULL,
		      2, 0, 5),
	};

	EXPECT_EQ(0, as_user(become_nobody_in_userns, cases, N(cases)));
}

/*
 * Capabilities.  The user has every capability in its namespace (and
 * none outside): the image may claim them all, and what capset() masks
 * (bits past CAP_LAST_CAP) restart masks too.  Once the caller dropped
 * one, it cannot get it back from an image, nor a bounding set larger
 * than its own.  Ambient capabilities need the inheritable and
 * permitted bits, and are refused under SECBIT_NO_CAP_AMBIENT_RAISE.
 */
TEST_F_TIMEOUT(urestart, capabilities, 120)
{
	static const struct pcase cases[] = {
		PCASE("every capability of the namespace (and ambient ones)", NULL, patch_caps,
		      call_capset, 0, RUNS, NULL, check_caps, ~0ULL >> 23, ~0ULL >> 23,
		      ~0ULL >> 23, ~0ULL >> 23, ~0ULL >> 23),
		PCASE("all 64 capability bits in every set", NULL, patch_caps, call_capset, 0,
		      RUNS, NULL, check_caps, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL),
		PCASE("CAP_SYS_ADMIN, which the caller dropped", setup_drop_cap, patch_caps,
		      call_capset, EPERM, REFUSES,
		      "the caller may not grant the saved capabilities", NULL, ~0ULL, ~0ULL,
		      KEEP, KEEP, KEEP, CAP_SYS_ADMIN),
		PCASE("a bounding set with CAP_SYS_ADMIN, which the caller dropped from its own",
		      setup_bset_drop, patch_caps, call_no_bset_raise, EPERM, REFUSES,
		      "the saved bounding set is larger than the caller's", NULL, KEEP, KEEP,
		      KEEP, KEEP, KEEP, CAP_SYS_ADMIN),
		PCASE("ambient CAP_NET_RAW without it inheritable", NULL, patch_caps,
		      call_capset, EPERM, REFUSES, "not both permitted and inheritable",
		      check_no_ambient, KEEP, KEEP, 0, KEEP, BIT(CAP_NET_RAW)),
		PCASE("ambient CAP_NET_RAW under SECBIT_NO_CAP_AMBIENT_RAISE",
		      setup_securebits, patch_caps_securebits, call_capset, EPERM, EITHER,
		      "ambient", check_no_ambient, KEEP, KEEP, BIT(CAP_NET_RAW), KEEP,
		      BIT(CAP_NET_RAW), SECBIT_NO_CAP_AMBIENT_RAISE),
	};

	EXPECT_EQ(0, as_user(become_nobody_in_userns, cases, N(cases)));
}

/*
 * Securebits: prctl(PR_SET_SECUREBITS) needs CAP_SETPCAP, refuses
 * unknown bits (restart masks them), and refuses to change a locked bit
 * or to unlock it.  no_new_privs cannot be cleared.
 */
TEST_F_TIMEOUT(urestart, securebits, 120)
{
	static const struct pcase cases[] = {
		PCASE("SECBIT_NOROOT without CAP_SETPCAP", setup_drop_eff, patch_securebits,
		      call_securebits, EPERM, REFUSES, "changing securebits needs CAP_SETPCAP",
		      NULL, SECBIT_NOROOT, 0, 0, 0, 0, CAP_SETPCAP),
		PCASE("SECBIT_NOROOT | SECBIT_NO_SETUID_FIXUP with CAP_SETPCAP", NULL,
		      patch_securebits, call_securebits, 0, RUNS, NULL, check_securebits,
		      SECBIT_NOROOT | SECBIT_NO_SETUID_FIXUP, 0, 0, 0,
		      SECBIT_NOROOT | SECBIT_NO_SETUID_FIXUP),
		PCASE("SECBIT_NOROOT and an unknown bit", NULL, patch_securebits,
		      call_securebits, EPERM, REFUSES, "unknown securebits", check_securebits,
		      SECBIT_NOROOT | 1U << 30, 0, 0, 0, SECBIT_NOROOT),
		PCASE("no securebits, where the caller has SECBIT_NOROOT locked",
		      setup_securebits, patch_securebits, call_securebits, EPERM, EITHER,
		      "securebits", check_securebits_kept, 0, 0, 0, 0,
		      SECBIT_NOROOT | SECBIT_NOROOT_LOCKED,
		      SECBIT_NOROOT | SECBIT_NOROOT_LOCKED),
		PCASE("SECBIT_KEEP_CAPS, where the caller has it locked off", setup_securebits,
		      patch_securebits, call_securebits, EPERM, EITHER, "securebits",
		      check_securebits_kept, SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED, 0, 0,
		      0, SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED, SECBIT_KEEP_CAPS_LOCKED),
		PCASE("no no_new_privs, where the caller has it", setup_nnp, patch_none,
		      call_clear_nnp, EINVAL, RUNS, NULL, check_nnp),
	};

	EXPECT_EQ(0, as_user(become_nobody_in_userns, cases, N(cases)));
}

/* Files are reopened with the caller's rights: open() and chdir() say EACCES. */
TEST_F_TIMEOUT(urestart, files, 120)
{
	struct pcase cases[] = {
		PCASE("fd 3 on root's 0600 file", NULL, patch_file, call_open, EACCES, REFUSES,
		      "fd 3: cannot open", NULL, 3, KEEP),
		PCASE("fd 3 on root's 0644 file, read-write", NULL, patch_file, call_open,
		      EACCES, REFUSES, "fd 3: cannot open", NULL, 3, O_RDWR),
		PCASE("fd 4 on root's 0700 directory", NULL, patch_file, call_open, EACCES,
		      REFUSES, "fd 4: cannot open", NULL, 4, O_RDONLY | O_DIRECTORY),
		PCASE("root's 0600 file as the executable", NULL, patch_exe, call_open, EACCES,
		      REFUSES, "cannot open the executable", NULL, 0, O_RDONLY),
		PCASE("a mapping of root's 0600 file", NULL, patch_vma_file, call_open, EACCES,
		      REFUSES, ": cannot open", NULL, 0, O_RDONLY),
		PCASE("root's 0700 directory as the working directory", NULL, patch_fs,
		      call_chdir, EACCES, REFUSES, "cannot enter the working directory",
		      NULL),
	};

	cases[0].path = E.secret;
	cases[0].v[1] = O_RDWR;
	cases[1].path = E.rdonly;
	cases[2].path = E.private;
	cases[3].path = E.secret;
	cases[4].path = E.secret;
	cases[5].path = E.private;
	EXPECT_EQ(0, as_user(become_nobody_in_userns, cases, N(cases)));
}

/*
 * The root directory: chroot() needs CAP_SYS_CHROOT in the caller's
 * namespace, and resolves its path from the caller's root: "/.." from
 * a jail is the jail, /proc/1/root needs ptrace access to pid 1.
 */
TEST_F_TIMEOUT(urestart, root_directory, 120)
{
	struct pcase cases[] = {
		PCASE("a root directory, without CAP_SYS_CHROOT", setup_drop_eff, patch_fs,
		      call_chroot, EPERM, REFUSES, "needs CAP_SYS_CHROOT", NULL, 0, 0, 0, 0, 0,
		      CAP_SYS_CHROOT),
		PCASE("a root directory, with CAP_SYS_CHROOT", NULL, patch_fs, call_chroot, 0,
		      RUNS, NULL, check_root_dir),
		PCASE("root \"/..\" for a caller chrooted in a jail", setup_jail, patch_fs,
		      call_chroot, 0, RUNS, NULL, check_root_jail),
		PCASE("root \"/../../..\" for a caller chrooted in a jail", setup_jail,
		      patch_fs, call_chroot, 0, RUNS, NULL, check_root_jail),
		PCASE("root \"/proc/1/root\" for a caller chrooted in a jail", setup_jail,
		      patch_fs, call_chroot, EACCES, REFUSES,
		      "cannot enter the root directory", NULL),
	};

	cases[0].path2 = E.dir;
	cases[1].path2 = E.dir;
	cases[2].path2 = "/..";
	cases[3].path2 = "/../../..";
	cases[4].path2 = "/proc/1/root";
	EXPECT_EQ(0, as_user(become_nobody_in_userns, cases, N(cases)));
}

/*
 * Resource limits: raising a hard limit needs CAP_SYS_RESOURCE in the
 * initial namespace (EPERM), soft above hard is EINVAL.  Scheduling:
 * a real-time policy needs CAP_SYS_NICE or RLIMIT_RTPRIO (EPERM), a
 * lower nice value RLIMIT_NICE (setpriority() says EACCES); SCHED_BATCH,
 * SCHED_IDLE, a higher nice value and reset-on-fork are anyone's.
 */
TEST_F_TIMEOUT(urestart, limits_and_scheduling, 120)
{
	static const struct pcase cases[] = {
		PCASE("RLIMIT_NOFILE 128/128 above the caller's hard limit 64", setup_nofile,
		      patch_rlimit, call_setrlimit, EPERM, REFUSES,
		      "cannot set resource limit 7 to 128/128", NULL, RLIMIT_NOFILE, 128, 128,
		      0, 0, 64),
		PCASE("RLIMIT_NOFILE 256/128, soft above hard", NULL, patch_rlimit,
		      call_setrlimit, EINVAL, REFUSES,
		      "cannot set resource limit 7 to 256/128", NULL, RLIMIT_NOFILE, 256,
		      128),
		PCASE("RLIMIT_RTPRIO 10/10 above the hard limit 0", NULL, patch_rlimit,
		      call_setrlimit, EPERM, REFUSES, "cannot set resource limit 14 to 10/10",
		      NULL, RLIMIT_RTPRIO, 10, 10),
		PCASE("RLIMIT_NOFILE 32/64, lower", NULL, patch_rlimit, call_setrlimit, 0,
		      RUNS, NULL, check_rlimit, RLIMIT_NOFILE, 32, 64),
		PCASE("SCHED_FIFO priority 10", NULL, patch_sched, call_sched, EPERM, REFUSES,
		      "cannot set scheduling policy 1 priority 10", NULL, SCHED_FIFO, 10, 0),
		PCASE("SCHED_RR priority 1", NULL, patch_sched, call_sched, EPERM, REFUSES,
		      "cannot set scheduling policy 2 priority 1", NULL, SCHED_RR, 1, 0),
		PCASE("nice -5", NULL, patch_sched, call_sched, EACCES, REFUSES,
		      "may not raise the priority to nice -5", NULL, SCHED_OTHER, 0, -5),
		PCASE("SCHED_DEADLINE (not a policy sched_setscheduler() takes)", NULL,
		      patch_sched, call_sched, EINVAL, REFUSES, "bad scheduling parameters",
		      NULL, 6, 0, 0),
		PCASE("SCHED_BATCH, reset on fork", NULL, patch_sched, call_sched, 0, RUNS, NULL,
		      check_sched, SCHED_BATCH, 0, 0, 1),
		/* setpriority() checks RLIMIT_NICE only when the nice value goes down */
		PCASE("nice 5 (a lower priority)", NULL, patch_sched, call_sched, 0, RUNS, NULL,
		      check_sched, SCHED_OTHER, 0, 5, 0),
		PCASE("SCHED_IDLE", NULL, patch_sched, call_sched, 0, RUNS, NULL, check_sched,
		      SCHED_IDLE, 0, 0, 0),
	};

	EXPECT_EQ(0, as_user(become_nobody_in_userns, cases, N(cases)));
}

/*
 * uid 65534 in the initial namespace with CAP_CHECKPOINT_RESTORE and
 * nothing else: no other ids, groups or capabilities from an image.
 */
TEST_F_TIMEOUT(urestart, initial_ns_cap_checkpoint_restore_only, 120)
{
	static const struct pcase cases[] = {
		PCASE("its own ids and capabilities, as saved", NULL, patch_none,
		      call_setresuid, 0, RUNS, NULL, check_as_caller, NOBODY, NOBODY, NOBODY),
		PCASE("uid 0", NULL, patch_uids, call_setresuid, EPERM, REFUSES,
		      "the caller may not take the saved user ids", NULL, 0, 0, 0, 0),
		PCASE("saved uid 0 only", NULL, patch_uids, call_setresuid, EPERM, REFUSES,
		      "the caller may not take the saved user ids", NULL, KEEP, KEEP, 0,
		      KEEP),
		PCASE("gid 0", NULL, patch_gids, call_setresgid, EPERM, REFUSES,
		      "the caller may not take the saved group ids", NULL, 0, 0, 0, 0),
		PCASE("supplementary group 0", NULL, patch_groups, call_setgroups, EPERM,
		      REFUSES, "the caller may not set the saved supplementary groups", NULL,
		      1, 0),
		PCASE("CAP_SYS_ADMIN", NULL, patch_caps, call_capset, EPERM, REFUSES,
		      "the caller may not grant the saved capabilities", NULL,
		      BIT(CAP_CHECKPOINT_RESTORE) | BIT(CAP_SYS_ADMIN),
		      BIT(CAP_CHECKPOINT_RESTORE) | BIT(CAP_SYS_ADMIN), KEEP, KEEP, KEEP),
		PCASE("SECBIT_NOROOT", NULL, patch_securebits, call_securebits, EPERM, REFUSES,
		      "changing securebits needs CAP_SETPCAP", NULL, SECBIT_NOROOT),
	};

	EXPECT_EQ(0, as_user(become_nobody_with_cr, cases, N(cases)));
}

/*
 * Root whose securebits lock it out of keeping capabilities across a
 * change of uid (SECBIT_KEEP_CAPS and SECBIT_NO_SETUID_FIXUP off and
 * locked): setresuid() to 65534 drops them all, capset() cannot get them
 * back.  An image may not give them either.
 */
static int become_root_locked(void)
{
	return prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_SETUID_FIXUP_LOCKED,
		     0, 0, 0);
}

TEST_F_TIMEOUT(urestart, root_with_locked_securebits, 120)
{
	static const struct pcase cases[] = {
		PCASE("its own ids and capabilities, as saved", NULL, patch_none, call_setresuid,
		      0, RUNS, NULL, check_as_caller, 0, 0, 0),
		PCASE("uid 65534 with every capability", NULL, patch_uids,
		      call_setresuid_capset, EPERM, EITHER, "capabilit", check_uid_no_caps,
		      NOBODY, NOBODY, NOBODY, NOBODY),
	};

	EXPECT_EQ(0, as_user(become_root_locked, cases, N(cases)));
}

/*
 * Resource bounds.  Each image is restarted by the unprivileged user in
 * its namespace, in a child: before the TASK record restart() returns
 * EINVAL, after it the child is killed; the log says why; within a
 * second; no OOM kill.
 */
#define BOUND_PID	4242

static void b_hdr(struct img *im)
{
	memset(im, 0, sizeof(*im));
	img_raw_rec(im, &E.hdr, sizeof(E.hdr));
}

static void b_task(struct img *im)
{
	b_hdr(im);
	img_tree(im, BOUND_PID);
	img_task(im, BOUND_PID);
}

static void b_tree(struct img *im, __u32 nr)
{
	struct {
		struct ckpt_rec_tree t;
		struct ckpt_task_ids ids;
	} rec = {
		.t.h.type = CKPT_REC_TREE,
		.t.nr_tasks = nr,
		.t.task_size = sizeof(struct ckpt_task_ids),
		.ids = { .pid = BOUND_PID, .tgid = BOUND_PID },
	};

	b_hdr(im);
	rec.t.h.len = sizeof(rec);
	img_raw_rec(im, &rec, sizeof(rec));
}

static void b_len(struct img *im, bool after_task)
{
	struct ckpt_hdr h = { .type = CKPT_REC_PADDING, .len = 0xfffffff8 };

	if (after_task)
		b_task(im);
	else
		b_hdr(im);
	img_put(im, &h, sizeof(h));
	img_put(im, NULL, 64);
}

static void b_creds(struct img *im, __u32 ngroups)
{
	struct ckpt_rec_creds rec = {
		.h.type = CKPT_REC_CREDS,
		.h.len = sizeof(rec),
		.ngroups = ngroups,
	};

	b_task(im);
	img_raw_rec(im, &rec, sizeof(rec));
}

static void b_mm(struct img *im, __u32 nr_vmas)
{
	struct ckpt_rec_mm *mm = calloc(1, sizeof(*mm));

	mm->h.type = CKPT_REC_MM;
	mm->h.len = sizeof(*mm);
	mm->nr_vmas = nr_vmas;
	img_raw_rec(im, mm, sizeof(*mm));
	free(mm);
}

static void b_sigpending(struct img *im, __u32 nr)
{
	struct ckpt_rec_sighand *sh = calloc(1, sizeof(*sh));
	struct ckpt_rec_sigpending sp = {
		.h.type = CKPT_REC_SIGPENDING,
		.h.len = sizeof(sp),
		.nr = nr,
	};

	b_task(im);
	sh->h.type = CKPT_REC_SIGHAND;
	sh->h.len = sizeof(*sh);
	img_raw_rec(im, sh, sizeof(*sh));
	free(sh);
	img_raw_rec(im, &sp, sizeof(sp));
}

static void b_pages(struct img *im, __u32 nr)
{
	struct ckpt_rec_vma vma = {
		.h.type = CKPT_REC_VMA,
		.h.len = sizeof(vma),
		.start = 0x10000000,
		.end = 0x10001000,
		.kind = CKPT_VMA_ANON,
		.prot = PROT_READ | PROT_WRITE,
	};
	struct ckpt_rec_pages pg = {
		.h.type = CKPT_REC_PAGES,
		.h.len = sizeof(pg),
		.addr = 0x10000000,
		.nr_pages = nr,
	};

	b_task(im);
	b_mm(im, 1);
	img_raw_rec(im, &vma, sizeof(vma));
	img_raw_rec(im, &pg, sizeof(pg));
}

static void b_rlimits(struct img *im, __u32 nr)
{
	struct ckpt_rec_rlimits rec = {
		.h.type = CKPT_REC_RLIMITS,
		.h.len = sizeof(rec),
		.nr = nr,
	};

	b_task(im);
	img_raw_rec(im, &rec, sizeof(rec));
}

/* A FILE record of @fd, saying @path_len bytes of path, holding "/" */
static void b_file(struct img *im, __s32 fd, __u32 path_len)
{
	struct {
		struct ckpt_rec_file f;
		char path[8];
	} rec = {
		.f.h.type = CKPT_REC_FILE,
		.f.h.len = sizeof(rec),
		.f.fd = fd,
		.f.kind = CKPT_FILE_DIR,
		.f.f_flags = O_RDONLY,
		.f.path_len = path_len,
		.path = "/",
	};

	b_task(im);
	img_raw_rec(im, &rec, sizeof(rec));
}

struct bound {
	const char *what;
	int kind;
	__u64 n;
	int error;		/* before the TASK record: restart()'s; else 0: killed */
	const char *log;
};

static void build_bound(const struct bound *b, struct img *im)
{
	memset(im, 0, sizeof(*im));
	switch (b->kind) {
	case 0:
		b_tree(im, b->n);
		break;
	case 1:
		b_len(im, b->n);
		break;
	case 2:
		b_creds(im, b->n);
		break;
	case 3:
		b_task(im);
		b_mm(im, b->n);
		break;
	case 4:
		b_sigpending(im, b->n);
		break;
	case 5:
		b_pages(im, b->n);
		break;
	case 6:
		b_rlimits(im, b->n);
		break;
	case 7:
		b_file(im, b->n, 1);
		break;
	case 8:
		b_file(im, 3, b->n);
		break;
	}
	img_tail(im);
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* A field of /proc/vmstat or /proc/meminfo, -1 if missing */
static long long proc_field(const char *file, const char *name)
{
	char line[256];
	size_t len = strlen(name);
	long long v = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && (line[len] == ' ' || line[len] == ':')) {
			v = strtoll(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static const struct bound bounds[] = {
	{ "TREE of 4097 tasks", 0, 4097, EINVAL, "a tree of 4097 tasks" },
	{ "TREE of 0xffffffff tasks", 0, 0xffffffff, EINVAL, "a tree of 4294967295 tasks" },
	{ "TREE of 4096 tasks holding 1", 0, 4096, EINVAL, "runs past the end of the record" },
	{ "record of 0xfffffff8 bytes", 1, 0, EINVAL, "has invalid length 4294967288" },
	{ "record of 0xfffffff8 bytes after TASK", 1, 1, 0, "has invalid length 4294967288" },
	{ "CREDS with 0xffffffff groups", 2, 0xffffffff, 0, "4294967295 groups" },
	{ "CREDS with 65536 groups, none there", 2, 65536, 0,
	  "runs past the end of the record" },
	{ "MM with 0xffffffff mappings", 3, 0xffffffff, 0, "more than vm.max_map_count" },
	{ "MM with 65530 mappings, none there", 3, 65530, 0, "image is incomplete" },
	{ "SIGPENDING with 0xffffffff signals", 4, 0xffffffff, 0,
	  "pending signals do not fit the record" },
	{ "PAGES of 0xffffffff pages", 5, 0xffffffff, 0, "bad record of 4294967295 pages" },
	{ "PAGES of 4096 pages, none there", 5, 4096, 0, "bad record of 4096 pages" },
	{ "RLIMITS with 0xffffffff limits", 6, 0xffffffff, 0, "4294967295 resource limits" },
	{ "FILE of fd 0x7fffffff", 7, 0x7fffffff, 0, "is out of range" },
	{ "FILE with a path of 0xffffffff bytes", 8, 0xffffffff, 0, "is too long" },
};

static int run_bounds(void)
{
	long long oom = proc_field("/proc/vmstat", "oom_kill");
	long long avail = proc_field("/proc/meminfo", "MemAvailable"), t0, us;
	int bad = 0, code, logfd = memfd_create("log", 0);
	size_t i;

	if (logfd < 0)
		return 1;
	for (i = 0; i < ARRAY_SIZE(bounds); i++) {
		const struct bound *b = &bounds[i];
		struct img im;
		pid_t pid;
		int fd;

		build_bound(b, &im);
		fd = img_memfd(&im);
		img_free(&im);
		clear_log_fd(logfd);
		t0 = now_us();
		pid = fork_flushed();
		if (pid == 0) {
			long ret = fd < 0 ? -EBADF : sys_restart(0, fd, 0, logfd);

			_exit(ret ? (-ret < R_ERRNO_MAX ? -ret : R_ERRNO_MAX) : R_RETURNED);
		}
		code = wait_exit_ms(pid, WAIT_MS);
		us = now_us() - t0;
		close(fd);
		read_log_fd(logfd);
		if (code != (b->error ? b->error : 128 + SIGKILL) || us >= 1000000 ||
		    !strstr(E.log_buf, b->log)) {
			ksft_print_msg("MISMATCH: %s: %s in %lld us, log \"%s\"; expected %s, \"%s\"\n",
				       b->what, code_str(code), us, E.log_buf,
				       b->error ? strerror(b->error) : "killed", b->log);
			bad++;
		} else {
			ksft_print_msg("ok: %s: %s in %lld us\n", b->what,
				       b->error ? strerror(b->error) : "killed", us);
		}
	}
	if (proc_field("/proc/vmstat", "oom_kill") != oom) {
		ksft_print_msg("MISMATCH: the OOM killer ran (oom_kill %lld, then %lld)\n",
			       oom, proc_field("/proc/vmstat", "oom_kill"));
		bad++;
	}
	ksft_print_msg("MemAvailable before %lld kB, after %lld kB\n", avail,
		       proc_field("/proc/meminfo", "MemAvailable"));
	close(logfd);
	return bad;
}

TEST_F_TIMEOUT(urestart, resource_bounds, 120)
{
	pid_t child = fork_flushed();

	ASSERT_LE(0, child);
	if (child == 0) {
		if (become_nobody_in_userns())
			child_exit(SETUP_FAILED);
		child_exit(run_bounds());
	}
	EXPECT_EQ(0, wait_exit(child));
}

int main(int argc, char **argv)
{
	/* the setuid-root copy of this program, as a checkpoint target */
	if (argc == 4 && !strcmp(argv[1], TARGET_ARG)) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		echo_loop(atoi(argv[2]), atoi(argv[3]));
	}
	return test_harness_run(argc, argv);
}
