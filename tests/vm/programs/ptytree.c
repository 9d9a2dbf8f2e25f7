// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptytree DIR: a tree that runs a terminal of its own, as script, tmux
 * or an ssh server do.
 *
 * The parent opens /dev/ptmx, sets the window size and the slave's
 * mode, and forks a child that calls setsid(), takes the slave as its
 * controlling terminal (TIOCSCTTY), makes it its fds 0-2, sets its
 * termios (canonical, no echo, VEOF ^B, a given VMIN) and writes a line
 * the parent does not read yet.  The parent then types a complete line
 * and half of another into the master, which the child does not read
 * yet, and creates DIR/ready.  Both count in DIR/progress (the parent)
 * until DIR/stop appears; then
 *   - the child checks that the slave is still its controlling terminal,
 *     with its own process group in the foreground, the same name, window
 *     size and termios, reads the complete line, then the half line that
 *     the parent completes, and exits 0 (or 1, saying what differs);
 *   - the parent reads the child's line from the master, checks the
 *     slave's name and mode, completes the half line, waits for the
 *     child, prints "pty intact" and exits 0, or says what differs and
 *     exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "testdir.h"

static int bad;

static void say(const char *who, const char *what)
{
	char msg[512], path[512];
	int fd;

	/* the child's stdout is the pty: both report through DIR/out */
	snprintf(msg, sizeof(msg), "ptytree %s: %s\n", who, what);
	snprintf(path, sizeof(path), "%s/out", dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		if (write(fd, msg, strlen(msg)) < 0)
			bad = 1;
		close(fd);
	}
}

static void fail(const char *who, const char *what)
{
	say(who, what);
	bad = 1;
}

/* Read from @fd until @want came (or 5 s passed); 0 if it did. */
static int read_exactly(int fd, const char *want)
{
	char buf[256] = "";
	size_t len = strlen(want), got = 0;
	ssize_t n;
	int tries = 0;

	while (got < len && tries++ < 100) {
		n = read(fd, buf + got, len - got);
		if (n > 0)
			got += n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		else
			nap();
	}
	return got == len && !memcmp(buf, want, len) ? 0 : -1;
}

static const char expect_name_fmt[] = "/dev/pts/%d";

static void child(const char *slave_name)
{
	struct winsize ws;
	struct termios t;
	char buf[64];
	ssize_t n;
	int fd;

	setsid();
	fd = open(slave_name, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0) {
		fail("child", "cannot take the slave as controlling terminal");
		exit(1);
	}
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	tcgetattr(0, &t);
	t.c_lflag &= ~(ECHO | ECHOE | ECHOK | ECHONL);
	t.c_lflag |= ICANON;
	t.c_cc[VEOF] = 2;
	t.c_cc[VMIN] = 3;
	tcsetattr(0, TCSANOW, &t);
	if (write(1, "hello from the slave\n", 21) != 21)
		fail("child", "cannot write to the terminal");
	create("child-ready");

	while (!exists("stop"))
		nap();

	if (tcgetpgrp(0) != getpgrp())
		fail("child", "its group is not the terminal's foreground group");
	if (tcgetsid(0) != getsid(0))
		fail("child", "the terminal is not its session's");
	fd = open("/dev/tty", O_RDWR);
	if (fd < 0)
		fail("child", "no controlling terminal (/dev/tty)");
	else
		close(fd);
	if (!ttyname(0) || strcmp(ttyname(0), slave_name))
		fail("child", "stdin is another terminal");
	if (ioctl(0, TIOCGWINSZ, &ws) || ws.ws_row != 33 || ws.ws_col != 101)
		fail("child", "window size lost");
	if (tcgetattr(0, &t) || (t.c_lflag & ECHO) || !(t.c_lflag & ICANON) ||
	    t.c_cc[VEOF] != 2 || t.c_cc[VMIN] != 3)
		fail("child", "termios lost");
	n = read(0, buf, sizeof(buf));
	if (n != 6 || memcmp(buf, "line1\n", 6))
		fail("child", "the line typed before the checkpoint is lost");
	create("child-read");
	n = read(0, buf, sizeof(buf));
	if (n != 12 || memcmp(buf, "partialrest\n", 12))
		fail("child", "the half line typed before the checkpoint is lost");
	exit(bad);
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 101 };
	char slave_name[64], before[64], msg[128];
	int master, n, unlock = 0, status;
	struct stat st;
	long count = 0;
	pid_t pid;

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) ||
	    ioctl(master, TIOCGPTN, &n) || ioctl(master, TIOCSWINSZ, &ws)) {
		fail("parent", "cannot open a pty");
		return 1;
	}
	snprintf(slave_name, sizeof(slave_name), expect_name_fmt, n);
	chmod(slave_name, 0620);
	pid = fork();
	if (pid == 0) {
		close(master);
		child(slave_name);
	}
	while (!exists("child-ready"))
		nap();
	if (write(master, "line1\npartial", 13) != 13)
		fail("parent", "cannot type");
	strcpy(before, slave_name);
	create("ready");

	while (!exists("stop")) {
		progress(++count);
		nap();
	}

	if (read_exactly(master, "hello from the slave\r\n"))
		fail("parent", "the child's line is lost");
	if (ioctl(master, TIOCGPTN, &n) ||
	    (snprintf(slave_name, sizeof(slave_name), expect_name_fmt, n),
	     strcmp(slave_name, before)))
		fail("parent", "the pty has another index");
	if (stat(slave_name, &st) || (st.st_mode & 07777) != 0620)
		fail("parent", "the slave lost its mode");
	while (!exists("child-read") && waitpid(pid, &status, WNOHANG) == 0)
		nap();
	if (write(master, "rest\n", 5) != 5)
		fail("parent", "cannot type the rest");
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		snprintf(msg, sizeof(msg), "the child ended with status %#x",
			 status);
		fail("parent", msg);
	}
	if (!bad)
		say("parent", "pty intact");
	return bad;
}
