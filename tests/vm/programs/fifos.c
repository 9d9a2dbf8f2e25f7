// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fifos DIR: a named FIFO across a checkpoint.
 *
 * The program makes DIR/fifo, opens it for reading (O_NONBLOCK) and for
 * writing, writes "abc" that nobody reads yet, and forks a child that
 * shares both open files and opens the FIFO once more, for reading and
 * writing.  It creates DIR/ready and counts in DIR/progress until
 * DIR/stop appears; then the child writes "xyz" through its own open
 * file and exits, and the program reads "abcxyz" from its read end,
 * checks the open files' modes and flags and that they are the FIFO at
 * DIR/fifo.  Prints "fifo intact" and exits 0, or says what differs and
 * exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testdir.h"

static int bad;

static void fail(const char *what)
{
	printf("fifos: %s\n", what);
	fflush(stdout);
	bad = 1;
}

int main(int argc, char **argv)
{
	char path[512], buf[16] = "";
	struct stat st, st_path;
	int rd, wr, rw, status;
	long n = 0, got = 0;
	pid_t child;
	ssize_t r;

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600))
		return 1;
	rd = open(path, O_RDONLY | O_NONBLOCK);
	wr = open(path, O_WRONLY);
	if (rd < 0 || wr < 0 || write(wr, "abc", 3) != 3) {
		fail("cannot set up the FIFO");
		return 1;
	}
	child = fork();
	if (child == 0) {
		rw = open(path, O_RDWR);
		while (!exists("stop"))
			nap();
		_exit(rw < 0 || write(rw, "xyz", 3) != 3);
	}
	progress(0);
	snprintf(path, sizeof(path), "%s/ready", dir);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	while (!exists("stop")) {
		progress(++n);
		nap();
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fail("the child could not write through its own open file");
	while (got < 6) {
		r = read(rd, buf + got, 6 - got);
		if (r <= 0)
			break;
		got += r;
	}
	if (got != 6 || memcmp(buf, "abcxyz", 6))
		fail("the FIFO does not give abcxyz");
	if (!(fcntl(rd, F_GETFL) & O_NONBLOCK) || (fcntl(wr, F_GETFL) & O_NONBLOCK) ||
	    (fcntl(rd, F_GETFL) & O_ACCMODE) != O_RDONLY ||
	    (fcntl(wr, F_GETFL) & O_ACCMODE) != O_WRONLY)
		fail("the open files' modes or flags changed");
	if (fstat(rd, &st) || stat(path, &st_path) || st.st_ino != st_path.st_ino ||
	    !S_ISFIFO(st.st_mode))
		fail("the read end is not the FIFO at its path");
	if (!bad)
		printf("fifo intact\n");
	return bad;
}
