// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timerfds DIR: timerfds across a checkpoint and a downtime.
 *
 * A periodic CLOCK_MONOTONIC timerfd (200 ms) that the program blocks in
 * read() on, counting ticks; a relative one-shot due in an hour; an
 * absolute CLOCK_REALTIME one with cancel-on-set due in two hours; an
 * absolute CLOCK_MONOTONIC one due in half an hour; a non-blocking
 * one-shot that expired and was not read; one never armed.  Creates
 * DIR/ready and counts ticks in DIR/progress until DIR/stop appears.
 * Then checks: no read of the periodic timer ever gave more than 3
 * ticks (no burst after the downtime), the relative ones kept the time
 * they had left (the downtime does not count), the realtime deadline is
 * the same wall-clock time, the expired one gives its tick once, the
 * unarmed one is still unarmed.  Prints "timerfds intact" and exits 0,
 * or says what differs and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "testdir.h"

static int bad;

static void fail(const char *what)
{
	printf("timerfds: %s\n", what);
	fflush(stdout);
	bad = 1;
}

static int arm(int clock, int flags, time_t sec, long nsec, time_t isec, long insec)
{
	struct itimerspec its = { { isec, insec }, { sec, nsec } };
	int fd = timerfd_create(clock, flags & TFD_NONBLOCK);

	if (fd < 0 || ((sec || nsec) &&
		       timerfd_settime(fd, flags & ~TFD_NONBLOCK, &its, NULL))) {
		fail("cannot make a timerfd");
		return -1;
	}
	return fd;
}

/* The time @fd has left, in seconds. */
static double left(int fd)
{
	struct itimerspec its;

	if (timerfd_gettime(fd, &its))
		return -1;
	return its.it_value.tv_sec + its.it_value.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct timespec now, ms10 = { 0, 10 * 1000 * 1000 };
	int periodic, rel, absreal, absmono, expired, unarmed;
	uint64_t ticks, most = 0;
	long total = 0;
	time_t deadline;
	char msg[128];
	double l;

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	periodic = arm(CLOCK_MONOTONIC, 0, 0, 200000000, 0, 200000000);
	rel = arm(CLOCK_MONOTONIC, 0, 3600, 0, 0, 0);
	clock_gettime(CLOCK_REALTIME, &now);
	deadline = now.tv_sec + 7200;
	absreal = arm(CLOCK_REALTIME, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
		      deadline, 0, 0, 0);
	clock_gettime(CLOCK_MONOTONIC, &now);
	absmono = arm(CLOCK_MONOTONIC, TFD_TIMER_ABSTIME, now.tv_sec + 1800,
		      now.tv_nsec, 0, 0);
	expired = arm(CLOCK_MONOTONIC, TFD_NONBLOCK, 0, 1000000, 0, 0);
	unarmed = arm(CLOCK_BOOTTIME, 0, 0, 0, 0, 0);
	if (bad)
		return 1;
	nanosleep(&ms10, NULL);
	progress(0);
	close(open(strcat(strcpy(msg, dir), "/ready"), O_WRONLY | O_CREAT, 0644));

	while (!exists("stop")) {
		/* blocked here across the checkpoint */
		if (read(periodic, &ticks, sizeof(ticks)) != sizeof(ticks)) {
			fail("cannot read the periodic timer");
			break;
		}
		if (ticks > most)
			most = ticks;
		total += ticks;
		progress(total);
	}

	if (most > 3) {
		snprintf(msg, sizeof(msg), "a read of the periodic timer gave %llu ticks",
			 (unsigned long long)most);
		fail(msg);
	}
	l = left(rel);
	if (l < 3300 || l > 3600) {
		snprintf(msg, sizeof(msg), "the relative timer has %.0f s left", l);
		fail(msg);
	}
	l = left(absmono);
	if (l < 1500 || l > 1800) {
		snprintf(msg, sizeof(msg), "the absolute monotonic timer has %.0f s left", l);
		fail(msg);
	}
	clock_gettime(CLOCK_REALTIME, &now);
	l = left(absreal);
	if (l < deadline - now.tv_sec - 2 || l > deadline - now.tv_sec + 1)
		fail("the realtime deadline moved");
	if (read(expired, &ticks, sizeof(ticks)) != sizeof(ticks) || ticks != 1)
		fail("the expired timer's tick is lost");
	if (read(expired, &ticks, sizeof(ticks)) != -1 || errno != EAGAIN)
		fail("the expired timer ticks twice");
	if (left(unarmed) != 0)
		fail("the unarmed timer is armed");
	if (!bad)
		printf("timerfds intact\n");
	return bad;
}
