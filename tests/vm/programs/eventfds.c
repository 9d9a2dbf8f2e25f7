// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eventfds DIR: eventfds and a signalfd across a checkpoint.
 *
 * The parent holds an eventfd in semaphore mode with a count of 5, a
 * non-blocking one at 0, a third shared with a child that blocks in
 * read() on it, and a non-blocking signalfd for SIGUSR1, which is
 * blocked and pending.  It creates DIR/ready and counts in DIR/progress
 * until DIR/stop appears; then it checks that the semaphore gives 1, the
 * non-blocking eventfd says EAGAIN and keeps what is written, the
 * signalfd reads the pending SIGUSR1 once, and the child, still blocked,
 * reads the 42 it is sent.  Prints "eventfds intact" and exits 0, or
 * says what differs and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testdir.h"

static int bad;

static void fail(const char *what)
{
	printf("eventfds: %s\n", what);
	fflush(stdout);
	bad = 1;
}

int main(int argc, char **argv)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	struct signalfd_siginfo si;
	int sem, nb, shared, sfd, status;
	uint64_t v;
	sigset_t set;
	long n = 0;
	pid_t child;

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	sem = eventfd(5, EFD_SEMAPHORE);
	nb = eventfd(0, EFD_NONBLOCK);
	shared = eventfd(0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_NONBLOCK);
	if (sem < 0 || nb < 0 || shared < 0 || sfd < 0) {
		fail("cannot make the files");
		return 1;
	}
	child = fork();
	if (child == 0) {
		create("child-reading");
		/* blocked here across the checkpoint */
		if (read(shared, &v, sizeof(v)) != sizeof(v) || v != 42)
			_exit(1);
		_exit(0);
	}
	raise(SIGUSR1);
	while (!exists("child-reading"))
		nanosleep(&ts, NULL);
	create("ready");

	while (!exists("stop")) {
		progress(++n);
		nanosleep(&ts, NULL);
	}

	if (read(sem, &v, sizeof(v)) != sizeof(v) || v != 1)
		fail("the semaphore eventfd does not give 1");
	if (!(fcntl(nb, F_GETFL) & O_NONBLOCK) || !(fcntl(sfd, F_GETFL) & O_NONBLOCK))
		fail("O_NONBLOCK lost");
	if (read(nb, &v, sizeof(v)) != -1 || errno != EAGAIN)
		fail("the empty eventfd is not empty");
	v = 7;
	if (write(nb, &v, sizeof(v)) != sizeof(v) ||
	    read(nb, &v, sizeof(v)) != sizeof(v) || v != 7)
		fail("the non-blocking eventfd does not count");
	if (read(sfd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGUSR1)
		fail("the pending SIGUSR1 is not read from the signalfd");
	if (read(sfd, &si, sizeof(si)) != -1 || errno != EAGAIN)
		fail("the signalfd gives a signal twice");
	v = 42;
	if (write(shared, &v, sizeof(v)) != sizeof(v))
		fail("cannot write the shared eventfd");
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fail("the child blocked in read() did not get 42");
	if (!bad)
		printf("eventfds intact\n");
	return bad;
}
