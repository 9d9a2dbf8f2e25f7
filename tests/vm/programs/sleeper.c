// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sleeper SECONDS DIR: creates DIR/ready and sleeps SECONDS in one
 * nanosleep() call, then prints "woke at T" (CLOCK_MONOTONIC, seconds)
 * and exits 0 if the call returned 0, 1 if it was interrupted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec req = { 0, 0 }, rem = { 0, 0 }, now;
	char path[512];
	int r;

	if (argc != 3)
		return 2;
	req.tv_sec = atoi(argv[1]);
	snprintf(path, sizeof(path), "%s/ready", argv[2]);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	r = nanosleep(&req, &rem);
	clock_gettime(CLOCK_MONOTONIC, &now);
	printf("sleeper: woke at %ld.%02ld, nanosleep returned %d (%s)\n",
	       (long)now.tv_sec, now.tv_nsec / 10000000, r, r ? strerror(errno) : "ok");
	return r ? 1 : 0;
}
