// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * waiter MODE DIR: spends its time blocked in one system call, so that
 * the checkpoint freezes it inside that call, and fails (exit 1) if the
 * call ever returns EINTR or an unexpected result.  MODE: nanosleep,
 * poll, select, futex (FUTEX_WAIT with a timeout), pause (woken only by
 * SIGUSR1: DIR/stop is checked after each signal).  Counts in
 * DIR/progress, creates DIR/ready, exits 0 when DIR/stop appears.
 */
#include <errno.h>
#include <fcntl.h>
#ifndef FUTEX_WAIT_PRIVATE
#define FUTEX_WAIT_PRIVATE 128	/* FUTEX_WAIT | FUTEX_PRIVATE_FLAG; musl has no linux/ headers */
#endif
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

static int wait_once(const char *mode)
{
	static int futex_word;
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	struct timeval tv = { 0, 300 * 1000 };
	long r;

	if (!strcmp(mode, "nanosleep"))
		return nanosleep(&ts, NULL) ? -errno : 0;
	if (!strcmp(mode, "poll"))
		return poll(NULL, 0, 300) < 0 ? -errno : 0;
	if (!strcmp(mode, "select"))
		return select(0, NULL, NULL, NULL, &tv) < 0 ? -errno : 0;
	if (!strcmp(mode, "futex")) {
		r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, &ts,
			    NULL, 0);
		return r < 0 && errno != ETIMEDOUT ? -errno : 0;
	}
	if (!strcmp(mode, "pause")) {
		int before = usr1;

		pause();
		return usr1 > before ? 0 : -EINVAL;
	}
	return -ENOSYS;
}

int main(int argc, char **argv)
{
	char path[512], line[32];
	struct sigaction sa;
	struct stat st;
	long i;
	int fd, n, r;

	if (argc != 3)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
	snprintf(path, sizeof(path), "%s/progress", argv[2]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	snprintf(path, sizeof(path), "%s/ready", argv[2]);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	snprintf(path, sizeof(path), "%s/stop", argv[2]);
	for (i = 1; stat(path, &st); i++) {
		r = wait_once(argv[1]);
		if (r) {
			printf("waiter %s: the call failed: %s\n", argv[1], strerror(-r));
			return 1;
		}
		n = snprintf(line, sizeof(line), "%ld\n", i);
		pwrite(fd, line, n, 0);
	}
	printf("waiter %s: %ld calls, none interrupted\n", argv[1], i - 1);
	return 0;
}
