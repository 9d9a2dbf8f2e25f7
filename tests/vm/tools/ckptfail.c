// SPDX-License-Identifier: GPL-2.0
/*
 * ckptfail PID DIR [STEP]: checkpoint() aborted at every allocation it
 * makes (or at every STEP-th one, from a first one picked at random
 * below STEP and printed, so that repeated runs cover them all).
 *
 * Checkpoints the subtree of PID again and again, each time making the
 * N-th fault-injection site of the call fail (/proc/thread-self/fail-nth:
 * a slab or page allocation, with the debug kernel's FAILSLAB and
 * FAIL_PAGE_ALLOC), for N = 1, 2, ... until a checkpoint meets no
 * injected fault at all, which must succeed.  After every call the
 * target must be alive and running: its state is neither stopped nor
 * traced, and DIR/progress (if the target writes one, as the counter
 * program does) moves on within 5 s.  A failed call must return ENOMEM
 * (the same tree checkpoints without faults: any other errno, "not
 * supported" say, would blame the tree for the allocation) and explain
 * it on the log fd; a call whose injected fault was absorbed (a
 * fallback path) may succeed, and its image must then be complete.
 *
 * The caller switches fault injection on for sleeping allocations
 * (debugfs: failslab and fail_page_alloc ignore-gfp-wait N, verbose 0).
 * Prints one line per errno seen and a summary; exits 1 on any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/checkpoint_hdr.h>

#define MAX_SITES	100000

static const char *dir;
static int failures;

static void complain(const char *fmt, const char *what, long n)
{
	printf("ckptfail: FAIL: ");
	printf(fmt, what, n);
	printf("\n");
	fflush(stdout);
	failures++;
}

static long read_progress(void)
{
	char path[4096], buf[32] = "";
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "%s/progress", dir);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return got > 0 ? atol(buf) : -1;
}

/* The state letter of /proc/PID/stat, 0 if there is none. */
static char task_state(pid_t pid)
{
	char path[64], buf[512];
	char *p;
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got <= 0)
		return 0;
	buf[got] = 0;
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : 0;
}

/* The target lives and counts on: its progress moves within 5 s. */
static int still_running(pid_t pid, long n)
{
	long before = read_progress(), now;
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char state = task_state(pid);
	int i;

	if (!state || state == 'Z' || state == 'X') {
		complain("%s %ld: the target is gone", "fault at site", n);
		return -1;
	}
	if (state == 'T' || state == 't') {
		complain("%s %ld: the target is stopped", "fault at site", n);
		return -1;
	}
	for (i = 0; before >= 0 && i < 500; i++) {
		now = read_progress();
		if (now > before)
			return 0;
		nanosleep(&ts, NULL);
	}
	if (before < 0)
		return 0;
	complain("%s %ld: the target makes no progress (frozen?)", "fault at site", n);
	return -1;
}

/* Arm the N-th fault-injection site of this thread; -1 on error. */
static int arm(int nth_fd, long n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld", n);

	if (pwrite(nth_fd, buf, len, 0) != len) {
		perror("ckptfail: write fail-nth");
		return -1;
	}
	return 0;
}

/* What is left of the armed count: 0 once the fault was injected. */
static long armed_left(int nth_fd)
{
	char buf[32] = "";

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	return atol(buf);
}

/* A failure that is not ENOMEM, with what the kernel said. */
static void show_log(int log, long n, long ret)
{
	char buf[512] = "";

	if (pread(log, buf, sizeof(buf) - 1, 0) < 0)
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	printf("ckptfail: FAIL: fault at site %ld: error %ld, not ENOMEM: %s\n",
	       n, ret, buf);
	failures++;
}

/* The last record of the image in @fd is a tail, and none is an ERROR. */
static int image_complete(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END), pos = 0;
	struct ckpt_hdr h;

	while (pos + (off_t)sizeof(h) <= size) {
		if (pread(fd, &h, sizeof(h), pos) != sizeof(h) ||
		    h.len < sizeof(h) || h.type == CKPT_REC_ERROR)
			return 0;
		if (h.type == CKPT_REC_TAIL)
			return pos + (off_t)h.len == size;
		pos += h.len;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static long by_errno[4096];
	int nth_fd, img, log;
	long n, ret, left, errors = 0, absorbed = 0, silent = 0, step, first;
	pid_t pid;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: ckptfail PID DIR [STEP]\n");
		return 2;
	}
	pid = atoi(argv[1]);
	dir = argv[2];
	step = argc == 4 ? atol(argv[3]) : 1;
	if (step < 1)
		step = 1;
	first = 1 + (long)(time(NULL) % step);
	printf("ckptfail: sites %ld, %ld, ... (step %ld)\n", first, first + step, step);
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		perror("ckptfail: /proc/thread-self/fail-nth (a kernel without CONFIG_FAULT_INJECTION?)");
		return 1;
	}
	for (n = first; n < MAX_SITES; n += step) {
		img = memfd_create("image", 0);
		log = memfd_create("log", 0);
		if (img < 0 || log < 0) {
			perror("ckptfail: memfd_create");
			return 1;
		}
		if (arm(nth_fd, n))
			return 1;
		ret = syscall(__NR_checkpoint, pid, img, CHECKPOINT_SUBTREE, log);
		if (ret < 0)
			ret = -errno;
		left = armed_left(nth_fd);
		arm(nth_fd, 0);
		if (left > 0) {
			/* no site left to fail: the whole checkpoint ran */
			if (ret)
				complain("%s: %ld with no fault injected", "checkpoint failed", ret);
			else if (!image_complete(img))
				complain("%s %ld: incomplete image", "no fault, site", n);
			close(img);
			close(log);
			break;
		}
		if (!ret) {
			absorbed++;
			if (!image_complete(img))
				complain("%s %ld: the call succeeded with an incomplete image",
					 "fault at site", n);
		} else {
			errors++;
			if (-ret < 4096)
				by_errno[-ret]++;
			if (lseek(log, 0, SEEK_END) <= 0) {
				silent++;
				complain("%s %ld: nothing on the log", "fault at site", n);
			} else if (ret != -ENOMEM) {
				show_log(log, n, ret);
			}
		}
		close(img);
		close(log);
		if (still_running(pid, n))
			break;
	}
	if (n >= MAX_SITES)
		complain("%s: still faults to inject after %ld sites", "checkpoint", n);
	for (ret = 0; ret < 4096; ret++)
		if (by_errno[ret])
			printf("ckptfail: errno %ld (%s): %ld checkpoints\n", ret,
			       strerror(ret), by_errno[ret]);
	printf("ckptfail: %ld fault sites, %ld tried: %ld failed checkpoints, %ld absorbed, %ld without a log message, %d failures\n",
	       n - 1, errors + absorbed, errors, absorbed, silent, failures);
	return failures ? 1 : 0;
}
