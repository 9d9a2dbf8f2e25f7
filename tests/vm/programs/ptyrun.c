// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptyrun IN OUT [--] COMMAND [ARGS...]: runs COMMAND on a new terminal,
 * for the VM scenarios (which have none).
 *
 * Opens a pty pair; the child calls setsid(), opens the slave as its
 * controlling terminal (TIOCSCTTY), makes it its fds 0, 1 and 2 and
 * executes COMMAND, with SIGINT and SIGQUIT at their defaults (as on a
 * fresh terminal, even when ptyrun runs in the background).  The parent
 * "types" what it reads from IN (a FIFO, opened read-write so that it
 * never ends; or a file) into the master and
 * appends everything the master gives (the terminal's echo and what
 * COMMAND prints) to OUT.  When COMMAND exits, the rest of its output is
 * copied (until every holder of the slave closed it, or 2 s at most), and
 * ptyrun exits with COMMAND's exit status (128 + N if signal N killed it).
 * Its own failures: a message on standard error, exit 125.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "ptyrun: %s: %s\n", what, strerror(errno));
	exit(125);
}

static int write_all(int fd, const char *buf, ssize_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		n -= w;
	}
	return 0;
}

/* One read from @from written to @to: the read's result (-1: errno). */
static ssize_t copy(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n > 0 && write_all(to, buf, n))
		die("write");
	return n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int master, in, out, status = 0, exited = 0;
	double deadline = 0;
	char *slave;
	pid_t child;

	if (argc > 3 && !strcmp(argv[3], "--")) {
		argv[3] = argv[2];
		argv[2] = argv[1];
		argv++;
		argc--;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: ptyrun IN OUT [--] COMMAND [ARGS...]\n");
		return 125;
	}
	in = open(argv[1], O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		die(argv[1]);
	out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (out < 0)
		die(argv[2]);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) || unlockpt(master))
		die("posix_openpt");
	slave = ptsname(master);
	if (!slave)
		die("ptsname");
	slave = strdup(slave);

	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		int s;

		if (setsid() < 0)
			die("setsid");
		s = open(slave, O_RDWR);
		if (s < 0)
			die(slave);
		if (ioctl(s, TIOCSCTTY, 0))
			die("TIOCSCTTY");
		if (dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(s, 2) < 0)
			die("dup2");
		if (s > 2)
			close(s);
		/* as on a fresh terminal, even when started in the background */
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execvp(argv[3], argv + 3);
		die(argv[3]);
	}

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = master, .events = POLLIN },	/* -1: ignored */
			{ .fd = master < 0 ? -1 : in, .events = POLLIN },
		};
		ssize_t n;

		if (poll(p, 2, 100) < 0 && errno != EINTR)
			die("poll");
		if (p[0].revents) {
			n = copy(master, out);
			if (n < 0 && errno == EIO)
				master = -1; /* no one holds the slave any more */
			else if (n < 0 && errno != EINTR && errno != EAGAIN)
				die("reading the terminal");
		}
		if (p[1].revents) {
			n = copy(in, master);
			if (n == 0)
				in = -1; /* a file: all of it typed */
			else if (n < 0 && errno != EINTR && errno != EAGAIN)
				die(argv[1]);
		}
		if (!exited && waitpid(child, &status, WNOHANG) == child) {
			exited = 1;
			deadline = now() + 2;
		}
		if (exited && (master < 0 || now() > deadline))
			break;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 125;
}
