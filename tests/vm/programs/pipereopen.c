// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pipereopen DIR: a pipe whose ends are opened again through
 * /proc/self/fd: a second reading file, a reading-and-writing one
 * (O_RDWR, O_NONBLOCK) and a second writing one, each an open file of
 * its own on the same pipe, with bytes left in it.  Creates DIR/ready,
 * counts in DIR/progress until DIR/stop appears, then checks that all
 * five descriptors are still the same pipe, with their own modes and
 * flags, and that bytes written through any of them are read through
 * any other; prints "pipe reopened intact" and exits 0, or says what
 * differs and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[256];
static int bad;

static void fail(const char *what)
{
	printf("pipereopen: %s\n", what);
	fflush(stdout);
	bad = 1;
}

static int reopen(int fd, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, flags);
}

static int exists(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void progress(long n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/progress", dir);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%ld\n", n);
		fclose(f);
	}
}

/* Write @msg through @wr, read it back through @rd. */
static void relay(int wr, int rd, const char *msg, const char *what)
{
	char buf[64] = "";
	ssize_t n;

	if (write(wr, msg, strlen(msg)) != (ssize_t)strlen(msg)) {
		fail(what);
		return;
	}
	n = read(rd, buf, sizeof(buf) - 1);
	if (n != (ssize_t)strlen(msg) || memcmp(buf, msg, n))
		fail(what);
}

int main(int argc, char **argv)
{
	int p[2], r2, rw, w2, fds[5], modes[5], i;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	char buf[64] = "";
	struct stat st0, st;
	long n = 0;

	if (argc != 2 || pipe(p))
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	r2 = reopen(p[0], O_RDONLY);
	rw = reopen(p[1], O_RDWR | O_NONBLOCK);
	w2 = reopen(p[1], O_WRONLY);
	if (r2 < 0 || rw < 0 || w2 < 0)
		return 2;
	if (write(w2, "left in the pipe", 16) != 16)
		return 2;
	fds[0] = p[0], modes[0] = O_RDONLY;
	fds[1] = p[1], modes[1] = O_WRONLY;
	fds[2] = r2, modes[2] = O_RDONLY;
	fds[3] = rw, modes[3] = O_RDWR | O_NONBLOCK;
	fds[4] = w2, modes[4] = O_WRONLY;
	close(creat(strcat(strcpy(buf, dir), "/ready"), 0644));
	while (!exists("stop")) {
		progress(++n);
		nanosleep(&ts, NULL);
	}

	fstat(p[0], &st0);
	for (i = 0; i < 5; i++) {
		int fl = fcntl(fds[i], F_GETFL);

		if (fstat(fds[i], &st) || st.st_ino != st0.st_ino ||
		    !S_ISFIFO(st.st_mode))
			fail("a descriptor is not the same pipe any more");
		if ((fl & (O_ACCMODE | O_NONBLOCK)) != modes[i]) {
			printf("pipereopen: fd %d has flags %#x, expected %#x\n",
			       fds[i], fl & (O_ACCMODE | O_NONBLOCK), modes[i]);
			bad = 1;
		}
	}
	memset(buf, 0, sizeof(buf));
	if (read(r2, buf, 16) != 16 || strcmp(buf, "left in the pipe"))
		fail("the bytes left in the pipe are gone");
	relay(p[1], r2, "one", "written to the first end, read from the second");
	relay(w2, rw, "two", "written to the second end, read from the read-write one");
	relay(rw, p[0], "three", "written to the read-write one, read from the first end");
	/* the read-write file is a reader and a writer of its own */
	close(p[1]);
	close(w2);
	if (read(rw, buf, 1) != -1 || errno != EAGAIN)
		fail("with the writing ends closed, the read-write file no longer writes");
	if (bad)
		return 1;
	printf("pipereopen: %ld steps, pipe reopened intact\n", n);
	return 0;
}
