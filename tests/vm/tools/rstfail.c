// SPDX-License-Identifier: GPL-2.0
/*
 * rstfail IMAGE [STEP]: restart() made to fail at every allocation it
 * makes (or at every STEP-th one, from a first one picked at random below
 * STEP and printed).
 *
 * IMAGE is the image of one process, checkpointed with --kill while it
 * sleeps in the kernel (sleeper): restored, it goes on sleeping and makes
 * no allocation of its own for a while.  Again and again, a child is
 * created with the image's pid (clone3() set_tid: the pid must be free)
 * and calls restart(0) on the image with the N-th fault-injection site
 * of its call failing (/proc/thread-self/fail-nth: a slab or page
 * allocation, with the debug kernel's FAILSLAB and FAIL_PAGE_ALLOC), for
 * N = 1, 2, ... until a restart meets no injected fault.  Every try must
 * end in one of:
 *  - restart() fails before the child committed to the image: it returns
 *    ENOMEM to the child, untouched, with a message on the log fd;
 *  - the kernel kills the child after its commit (SIGKILL), before any
 *    of the image's code runs: no task is left with the pid;
 *  - the process is restored (the failure was absorbed by a fallback
 *    path) and sleeps in its system call again, exactly as a restore
 *    without a fault left it (first try, fail-nth out of reach): the
 *    same /proc/PID/maps, descriptors and their targets, signal masks,
 *    ids and capabilities; it is killed.
 * The child reports restart()'s errno on a pipe; the kernel closes its
 * descriptors when it commits, so an end of file without an errno says
 * it did.  The try whose fault was not used (fail-nth still armed in the
 * restored process) ends the sweep: that restart must have succeeded.
 *
 * Kernel reports and leaks are for the console scan and the kmemleak
 * scan that follow the debug lane.  The caller switches fault injection
 * on for sleeping allocations (debugfs: failslab and fail_page_alloc
 * ignore-gfp-wait N, verbose 0).  Prints one line per errno and a
 * summary; exits 1 on any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/checkpoint_hdr.h>
#include <linux/sched.h>

#define MAX_SITES	100000
#define SNAP_MAX	65536

static int failures;

static void complain(long n, const char *what)
{
	printf("rstfail: FAIL: fault at site %ld: %s\n", n, what);
	fflush(stdout);
	failures++;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* The first number in /proc/PID/FILE, or @none if there is none. */
static long proc_number(pid_t pid, const char *file, long none)
{
	char path[64], buf[64] = "";
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return none;
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got <= 0)
		return none;
	if (!strncmp(buf, "running", 7))
		return -2;
	return atol(buf);
}

/* Append /proc/PID/FILE (the lines starting with one of @keys, or all) */
static size_t snap_file(pid_t pid, const char *file, const char *const *keys,
			char *buf, size_t len)
{
	char path[64], line[512];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	f = fopen(path, "re");
	if (!f)
		return len;
	while (fgets(line, sizeof(line), f) && len + sizeof(line) < SNAP_MAX) {
		for (i = 0; keys && keys[i]; i++)
			if (!strncmp(line, keys[i], strlen(keys[i])))
				break;
		if (!keys || keys[i])
			len += snprintf(buf + len, SNAP_MAX - len, "%s", line);
	}
	fclose(f);
	return len;
}

/* What a restored process is made of, as /proc shows it, into @buf. */
static void snapshot(pid_t pid, char *buf)
{
	static const char *const status[] = {
		"Uid:", "Gid:", "Groups:", "SigBlk:", "SigIgn:", "SigCgt:", "CapInh:",
		"CapPrm:", "CapEff:", "CapBnd:", "CapAmb:", "NoNewPrivs:", "THP_enabled:",
		NULL
	};
	char path[64], target[256];
	size_t len = 0;
	ssize_t n;
	int fd;

	buf[0] = 0;
	len = snap_file(pid, "maps", NULL, buf, len);
	len = snap_file(pid, "status", status, buf, len);
	for (fd = 0; fd < 64 && len + 400 < SNAP_MAX; fd++) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		len += snprintf(buf + len, SNAP_MAX - len, "fd %d -> %s\n", fd, target);
	}
}

/* The first line where @a and @b differ, into @out. */
static void first_difference(const char *a, const char *b, char *out, size_t size)
{
	while (*a && *a == *b) {
		const char *na = strchrnul(a, '\n'), *nb = strchrnul(b, '\n');

		if (na - a != nb - b || strncmp(a, b, na - a))
			break;
		a = *na ? na + 1 : na;
		b = *nb ? nb + 1 : nb;
	}
	snprintf(out, size, "expected \"%.*s\", found \"%.*s\"", (int)(strchrnul(a, '\n') - a),
		 a, (int)(strchrnul(b, '\n') - b), b);
}

static char reference[SNAP_MAX], restored[SNAP_MAX];

static void child(const char *nth, int img, int log, int report)
{
	int fd = open("/proc/thread-self/fail-nth", O_WRONLY);
	long ret;
	int err;

	if (fd < 0 || write(fd, nth, strlen(nth)) != (ssize_t)strlen(nth))
		_exit(100);
	close(fd);
	ret = syscall(__NR_restart, 0, img, 0, log);
	err = ret < 0 ? errno : 0;
	if (write(report, &err, sizeof(err)) != sizeof(err))
		_exit(101);
	_exit(0);
}

/* A child with pid @pid: 0 in the child, its pid in the parent, -1 */
static pid_t fork_as(pid_t pid)
{
	struct clone_args args = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&pid,
		.set_tid_size = 1,
	};

	return syscall(SYS_clone3, &args, sizeof(args));
}

/* The pid of the image's root, from its header; 0 if unreadable. */
static pid_t image_root(int img)
{
	struct ckpt_rec_header hdr;

	if (pread(img, &hdr, sizeof(hdr), 0) != sizeof(hdr) ||
	    hdr.h.type != CKPT_REC_HEADER)
		return 0;
	return hdr.root_pid;
}

/* Kill and reap @pid; false if it does not go. */
static int kill_reap(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	return waitpid(pid, &status, 0) == pid;
}

enum end { ERRNO, KILLED, RESTORED, NO_FAULT, BROKEN };

/*
 * Is @pid, out of restart() (its registers are the image's: /proc shows
 * the image's system call), in fact killed by the kernel and exiting?
 * It is given 200 ms to die; if it did, it is reaped, with @status.
 */
static int dying(pid_t pid, int *status)
{
	int i;

	for (i = 0; i < 20; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 1;
		nap_ms(10);
	}
	return 0;
}

/* What became of the child @pid whose report pipe is @report. */
static enum end watch(pid_t pid, int report, long n, int *err)
{
	struct pollfd pfd = { report, POLLIN, 0 };
	int status, i;
	long sc;

	*err = 0;
	if (poll(&pfd, 1, 60000) != 1) {
		complain(n, "restart() still runs after 60 s");
		kill_reap(pid);
		return BROKEN;
	}
	if (read(report, err, sizeof(*err)) == sizeof(*err)) {
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			complain(n, "the child that restart() failed did not exit");
		return *err ? ERRNO : BROKEN;
	}
	/* committed: killed, or restored and asleep in its system call */
	for (i = 0; i < 3000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
				return KILLED;
			complain(n, "the restored process ended by itself");
			return BROKEN;
		}
		sc = proc_number(pid, "syscall", -3);
		if (sc >= 0 && sc != __NR_restart && !dying(pid, &status)) {
			/* still armed: the restart met no fault */
			sc = proc_number(pid, "fail-nth", -1);
			snapshot(pid, restored);
			if (dying(pid, &status))
				return KILLED;
			kill_reap(pid);
			return sc > 0 ? NO_FAULT : RESTORED;
		}
		if (sc >= 0 && sc != __NR_restart) {
			if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
				return KILLED;
			complain(n, "the restored process ended by itself");
			return BROKEN;
		}
		nap_ms(10);
	}
	complain(n, "the committed child neither died nor ran in 30 s");
	kill_reap(pid);
	return BROKEN;
}

/* One restart of @img with its @n-th site failing; what became of it. */
static enum end try_site(pid_t root, int img, long n, int *err)
{
	char nth[32];
	int report[2], log;
	enum end end;
	pid_t pid;

	snprintf(nth, sizeof(nth), "%ld", n);
	log = memfd_create("log", 0);
	if (log < 0 || pipe(report)) {
		perror("rstfail: memfd_create/pipe");
		exit(1);
	}
	fflush(stdout);
	pid = fork_as(root);
	if (pid < 0) {
		printf("rstfail: FAIL: clone3() with pid %d: %s (a task left with it?)\n",
		       root, strerror(errno));
		exit(1);
	}
	if (pid == 0) {
		close(report[0]);
		lseek(img, 0, SEEK_SET);
		child(nth, img, log, report[1]);
	}
	close(report[1]);
	end = watch(pid, report[0], n, err);
	close(report[0]);
	if (end == ERRNO && lseek(log, 0, SEEK_END) <= 0)
		complain(n, "restart() failed with nothing on the log");
	close(log);
	if (kill(root, 0) == 0 || errno != ESRCH)
		complain(n, "a task is left with the image's pid");
	return end;
}

int main(int argc, char **argv)
{
	static long by_errno[4096];
	long n, step, first, counts[BROKEN + 1] = { 0 };
	int img, err;
	enum end end = BROKEN;
	pid_t root;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: rstfail IMAGE [STEP]\n");
		return 2;
	}
	img = open(argv[1], O_RDONLY);
	root = img < 0 ? 0 : image_root(img);
	if (!root) {
		fprintf(stderr, "rstfail: %s: not an image\n", argv[1]);
		return 2;
	}
	step = argc == 3 ? atol(argv[2]) : 1;
	if (step < 1)
		step = 1;
	first = 1 + (long)(time(NULL) % step);
	printf("rstfail: pid %d, sites %ld, %ld, ... (step %ld)\n", root, first,
	       first + step, step);
	/* the restore to compare with: a fault out of reach */
	if (try_site(root, img, 1000000000, &err) != NO_FAULT) {
		printf("rstfail: FAIL: the image does not restore without a fault\n");
		return 1;
	}
	memcpy(reference, restored, sizeof(reference));
	for (n = first; n < MAX_SITES; n += step) {
		end = try_site(root, img, n, &err);
		if ((end == RESTORED || end == NO_FAULT) && strcmp(reference, restored)) {
			char what[600];

			first_difference(reference, restored, what, sizeof(what));
			complain(n, "restored, but not as without a fault:");
			printf("rstfail:   %s\n", what);
		}
		counts[end]++;
		if (end == ERRNO && err < 4096)
			by_errno[err]++;
		if (end == ERRNO && err != ENOMEM)
			printf("rstfail: fault at site %ld: errno %d (%s), not ENOMEM\n",
			       n, err, strerror(err));
		if (end == NO_FAULT || end == BROKEN)
			break;
	}
	if (end != NO_FAULT)
		complain(n, "the sweep ended before a restart that met no fault");
	for (n = 0; n < 4096; n++)
		if (by_errno[n])
			printf("rstfail: errno %ld (%s): %ld restarts\n", n, strerror(n),
			       by_errno[n]);
	printf("rstfail: %ld tries: %ld failed with an errno, %ld killed after the commit, %ld restored though a fault was injected, %d failures\n",
	       counts[ERRNO] + counts[KILLED] + counts[RESTORED] + counts[NO_FAULT],
	       counts[ERRNO], counts[KILLED], counts[RESTORED], failures);
	return failures ? 1 : 0;
}
