// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * locks DIR: file locks across a checkpoint.
 *
 * The program holds a POSIX write lock on bytes 0-99 of DIR/db and a
 * POSIX read lock from byte 200 to the end; an OFD write lock on bytes
 * 10-19 of DIR/ofd; a flock() exclusive lock on DIR/flock, whose open
 * file a child shares.  It creates DIR/ready and counts in DIR/progress
 * until DIR/stop appears; then a new process probes: the locked ranges
 * conflict (F_GETLK names the program as the holder of the POSIX lock),
 * the gaps do not, flock() would block.  Prints "locks intact" and exits
 * 0, or says what differs and exits 1.
 *
 * locks DIR hold: takes the same POSIX write lock on DIR/db and holds it
 * until DIR/stop appears (creates DIR/holding first).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testdir.h"

static int bad;

static void fail(const char *what)
{
	printf("locks: %s\n", what);
	fflush(stdout);
	bad = 1;
}

static int open_in(const char *name, int flags)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, flags | O_CREAT, 0644);
}

static int lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
			    .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* A process of its own that tries the locks: 0 if all is as it must be. */
static int probe(pid_t holder)
{
	int db = open_in("db", O_RDWR), ofd = open_in("ofd", O_RDWR);
	int fl = open_in("flock", O_RDWR);
	struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			   .l_start = 0, .l_len = 100 };

	if (lock(db, F_SETLK, F_WRLCK, 0, 100) != -1 || errno != EAGAIN)
		fail("the POSIX write lock is lost");
	if (fcntl(db, F_GETLK, &q) || q.l_type != F_WRLCK || q.l_pid != holder)
		fail("F_GETLK does not name the program as the holder");
	if (lock(db, F_SETLK, F_WRLCK, 300, 10) != -1 || errno != EAGAIN)
		fail("the POSIX read lock to the end is lost");
	if (lock(db, F_SETLK, F_RDLCK, 300, 10))
		fail("the POSIX read lock became a write lock");
	if (lock(db, F_SETLK, F_WRLCK, 150, 10))
		fail("a gap between the POSIX locks is locked");
	if (lock(ofd, F_OFD_SETLK, F_WRLCK, 10, 10) != -1 || errno != EAGAIN)
		fail("the OFD lock is lost");
	if (lock(ofd, F_OFD_SETLK, F_WRLCK, 30, 10))
		fail("a byte past the OFD lock is locked");
	if (flock(fl, LOCK_EX | LOCK_NB) != -1 || errno != EWOULDBLOCK)
		fail("the flock() lock is lost");
	return bad;
}

static int hold(void)
{
	int db = open_in("db", O_RDWR);

	if (lock(db, F_SETLK, F_WRLCK, 0, 100))
		return 1;
	close(open_in("holding", O_WRONLY));
	while (!exists("stop"))
		nap();
	return 0;
}

int main(int argc, char **argv)
{
	int db, ofd, fl, status;
	pid_t child, prober;
	long n = 0;

	if (argc != 2 && argc != 3)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	if (argc == 3)
		return hold();
	db = open_in("db", O_RDWR);
	ofd = open_in("ofd", O_RDWR);
	fl = open_in("flock", O_RDWR);
	if (db < 0 || ofd < 0 || fl < 0 || lock(db, F_SETLK, F_WRLCK, 0, 100) ||
	    lock(db, F_SETLK, F_RDLCK, 200, 0) ||
	    lock(ofd, F_OFD_SETLK, F_WRLCK, 10, 10) || flock(fl, LOCK_EX)) {
		fail("cannot take the locks");
		return 1;
	}
	child = fork();
	if (child == 0) {
		/* shares the flock()ed open file, holds no POSIX lock */
		while (!exists("stop"))
			nap();
		_exit(0);
	}
	progress(0);
	close(open_in("ready", O_WRONLY));
	while (!exists("stop")) {
		progress(++n);
		nap();
	}
	prober = fork();
	if (prober == 0)
		_exit(probe(getppid()));
	if (waitpid(prober, &status, 0) != prober || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fail("the prober found a difference");
	waitpid(child, &status, 0);
	if (!bad)
		printf("locks intact\n");
	return bad;
}
