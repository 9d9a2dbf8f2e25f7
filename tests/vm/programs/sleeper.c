// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sleeper SECONDS DIR [nanosleep|poll|futex|epoll|epoll_pwait2]: creates
 * DIR/ready and waits SECONDS in one nanosleep(), poll(), futex wait,
 * epoll_wait() (musl's goes through epoll_pwait() with no mask) or
 * epoll_pwait2() call on an empty epoll, then prints "woke at T"
 * (CLOCK_MONOTONIC, seconds) and exits 0 if the call ended as a timeout
 * does (0, or ETIMEDOUT for the futex), 1 if it was interrupted or failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef FUTEX_WAIT_PRIVATE
#define FUTEX_WAIT_PRIVATE 128	/* FUTEX_WAIT | FUTEX_PRIVATE_FLAG; musl has no linux/ headers */
#endif
#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441	/* x86_64; not in every libc yet */
#endif

/* One wait of @req on an empty epoll: 0 when it timed out. */
static int epoll_sleep(const struct timespec *req, int pwait2)
{
	struct epoll_event ev;
	int ep = epoll_create1(0);

	if (ep < 0)
		return -1;
	if (pwait2)
		return syscall(SYS_epoll_pwait2, ep, &ev, 1, req, NULL, 8);
	return epoll_wait(ep, &ev, 1, req->tv_sec * 1000);
}

int main(int argc, char **argv)
{
	struct timespec req = { 0, 0 }, rem = { 0, 0 }, now;
	const char *mode = argc > 3 ? argv[3] : "nanosleep";
	static int futex_word;
	char path[512];
	int r;

	if (argc < 3)
		return 2;
	req.tv_sec = atoi(argv[1]);
	snprintf(path, sizeof(path), "%s/ready", argv[2]);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	if (!strcmp(mode, "poll")) {
		r = poll(NULL, 0, req.tv_sec * 1000);
	} else if (!strcmp(mode, "futex")) {
		r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, &req,
			    NULL, 0);
		r = r < 0 && errno == ETIMEDOUT ? 0 : -1;
	} else if (!strncmp(mode, "epoll", 5)) {
		r = epoll_sleep(&req, !strcmp(mode, "epoll_pwait2"));
	} else {
		r = nanosleep(&req, &rem);
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	printf("sleeper: woke at %ld.%02ld, %s returned %d (%s)\n",
	       (long)now.tv_sec, now.tv_nsec / 10000000, mode, r,
	       r ? strerror(errno) : "ok");
	return r ? 1 : 0;
}
