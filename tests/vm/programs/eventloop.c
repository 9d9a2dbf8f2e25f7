// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eventloop DIR: an epoll-based event loop across a checkpoint.
 *
 * An epoll watches an eventfd (level-triggered), a signalfd for a
 * blocked and pending SIGUSR1, a pipe's read end (edge-triggered), a
 * second epoll that watches another eventfd, and an EPOLLONESHOT eventfd,
 * each with 64-bit data of its own, an eventfd whose descriptor was
 * closed after a dup() (the watch lives on with the file, under the old
 * number), and one that only the child holds (the parent closed it after
 * the fork).  Everything is made ready, and one
 * epoll_wait() takes the events: the pipe's edge is consumed, the
 * one-shot watch fires and disarms.  A child shares the epoll (fork()).
 * Then the program blocks in epoll_wait() on a third epoll that watches
 * a periodic timerfd, counting ticks in DIR/progress, until DIR/stop
 * appears (created DIR/ready first).  After that: the level-triggered
 * watches report again, the consumed edge and the fired one-shot do not;
 * a new write to the pipe is a new edge; the one-shot re-armed with
 * EPOLL_CTL_MOD reports; the stale watch reports until its eventfd is
 * read through the dup, and its old number is still closed; the child
 * sees the same epoll.  Prints
 * "event loop intact" and exits 0, or says what differs and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testdir.h"

#define DATA(n)	(0x1122334455667700ULL | (n))
enum { EFD = 1, TICK, SIG, PIPE, INNER, ONESHOT, STALE, CSTALE };

static int bad;

static void fail(const char *what)
{
	printf("eventloop: %s\n", what);
	fflush(stdout);
	bad = 1;
}

static void watch(int ep, int fd, uint32_t events, int n)
{
	struct epoll_event ev = { .events = events, .data.u64 = DATA(n) };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		fail("epoll_ctl ADD");
}

/* The set of watches epoll_wait(@ep) reports now, one bit each. */
static unsigned int ready(int ep)
{
	struct epoll_event ev[16];
	unsigned int set = 0;
	int i, n = epoll_wait(ep, ev, 16, 0);

	for (i = 0; i < n; i++) {
		if ((ev[i].data.u64 & ~0xffULL) != DATA(0))
			fail("a watch's data changed");
		set |= 1U << (ev[i].data.u64 & 0xff);
	}
	return set;
}

static void write_u64(int fd, uint64_t v)
{
	if (write(fd, &v, sizeof(v)) != sizeof(v))
		fail("write");
}

int main(int argc, char **argv)
{
	struct itimerspec its = { { 0, 100000000 }, { 0, 100000000 } };
	int ep, inner, tick_ep, efd, efd2, oneshot, sfd, tfd, p[2], status;
	int stale, kept, cstale;
	unsigned int set, want;
	struct epoll_event ev;
	uint64_t ticks;
	char msg[128];
	long total = 0;
	sigset_t mask;
	pid_t child;

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	ep = epoll_create1(0);
	inner = epoll_create1(EPOLL_CLOEXEC);
	tick_ep = epoll_create1(0);
	efd = eventfd(0, EFD_NONBLOCK);
	efd2 = eventfd(0, EFD_NONBLOCK);
	oneshot = eventfd(0, EFD_NONBLOCK);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	stale = eventfd(5, EFD_NONBLOCK);
	kept = dup(stale);
	cstale = eventfd(7, EFD_NONBLOCK);
	if (ep < 0 || inner < 0 || tick_ep < 0 || efd < 0 || efd2 < 0 ||
	    oneshot < 0 || sfd < 0 || tfd < 0 || stale < 0 || kept < 0 ||
	    cstale < 0 ||
	    pipe2(p, O_NONBLOCK)) {
		fail("cannot make the files");
		return 1;
	}
	watch(ep, efd, EPOLLIN, EFD);
	watch(ep, sfd, EPOLLIN, SIG);
	watch(ep, p[0], EPOLLIN | EPOLLET, PIPE);
	watch(inner, efd2, EPOLLIN, 0);
	watch(ep, inner, EPOLLIN, INNER);
	watch(ep, oneshot, EPOLLIN | EPOLLONESHOT, ONESHOT);
	watch(tick_ep, tfd, EPOLLIN, TICK);
	/* the watch outlives its descriptor: the dup holds the file */
	watch(ep, stale, EPOLLIN, STALE);
	close(stale);
	/* this one's file, only the child will hold */
	watch(ep, cstale, EPOLLIN, CSTALE);
	timerfd_settime(tfd, 0, &its, NULL);

	write_u64(efd, 3);
	write_u64(efd2, 1);
	write_u64(oneshot, 1);
	if (write(p[1], "x", 1) != 1)
		fail("write the pipe");
	raise(SIGUSR1);
	want = 1U << EFD | 1U << SIG | 1U << PIPE | 1U << INNER | 1U << ONESHOT |
	       1U << STALE | 1U << CSTALE;
	set = ready(ep);
	if (set != want) {
		snprintf(msg, sizeof(msg), "before: ready %#x, expected %#x", set, want);
		fail(msg);
	}
	child = fork();
	if (child == 0) {
		while (!exists("stop"))
			usleep(50000);
		/* the same epoll: its watch of the eventfd is there */
		ev.events = EPOLLIN;
		ev.data.u64 = DATA(EFD);
		if (epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev))
			_exit(1);
		/* the file of the parent's stale watch, its counter not read */
		struct pollfd pfd = { .fd = cstale, .events = POLLIN };

		if (poll(&pfd, 1, 0) != 1 || pfd.revents != POLLIN)
			_exit(1);
		/* holding it (the watch lives as long) until the parent looked */
		while (!exists("checked"))
			usleep(50000);
		_exit(0);
	}
	close(cstale);
	progress(0);
	create("ready");

	while (!exists("stop")) {
		/* blocked here across the checkpoint */
		if (epoll_wait(tick_ep, &ev, 1, -1) != 1 || ev.data.u64 != DATA(TICK) ||
		    read(tfd, &ticks, sizeof(ticks)) != sizeof(ticks)) {
			fail("the tick loop broke");
			break;
		}
		total += ticks;
		progress(total);
	}

	/* level-triggered again; the consumed edge and the fired one-shot not */
	want = 1U << EFD | 1U << SIG | 1U << INNER | 1U << STALE | 1U << CSTALE;
	set = ready(ep);
	if (set != want) {
		snprintf(msg, sizeof(msg), "after: ready %#x, expected %#x", set, want);
		fail(msg);
	}
	if (write(p[1], "y", 1) != 1 || ready(ep) != (want | 1U << PIPE))
		fail("a new write to the pipe is not a new edge");
	create("checked");
	if (read(kept, &ticks, sizeof(ticks)) != sizeof(ticks) || ticks != 5 ||
	    (ready(ep) & 1U << STALE))
		fail("the stale watch is not on the dup's eventfd");
	if (fcntl(stale, F_GETFD) != -1)
		fail("the stale watch's old descriptor is open again");
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u64 = DATA(ONESHOT);
	if (epoll_ctl(ep, EPOLL_CTL_MOD, oneshot, &ev) ||
	    !(ready(ep) & 1U << ONESHOT))
		fail("the one-shot watch does not re-arm");
	if (!(fcntl(inner, F_GETFD) & FD_CLOEXEC))
		fail("close-on-exec lost");
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fail("the child's epoll is not the same");
	if (!bad)
		printf("event loop intact\n");
	return bad;
}
