// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptimers [--no-wait | --cputime] DIR: POSIX timers (timer_create())
 * across a checkpoint, a downtime and a restart.
 *
 * A process with a second thread makes, in this order (the kernel gives
 * ids in sequence, from 0 in a new process):
 *   a  CLOCK_MONOTONIC, SIGRTMIN, value 42, every 100 ms: a handler
 *      counts the expirations (signals and their si_overrun);
 *   b  CLOCK_BOOTTIME, SIGUSR1, value 11, one-shot in 5 s (3 to 4 s left
 *      when the scenario checkpoints it);
 *   -  one deleted at once: a gap in the ids;
 *   c  CLOCK_REALTIME, TIMER_ABSTIME, SIGUSR2, value 33, one-shot at the
 *      wall-clock time 6 to 7 s after the start (a whole second);
 *   d  CLOCK_MONOTONIC, SIGEV_NONE, in an hour, then every half hour;
 *   e  CLOCK_MONOTONIC, SIGEV_THREAD_ID to the second thread, SIGRTMIN+1,
 *      value 77: every 200 ms until the thread counted three, which then
 *      rearms it to start again 6 s later, every 200 ms (so that it does
 *      not expire around the checkpoint: a signal pending for another
 *      thread than the leader is refused, "try again");
 *   f  CLOCK_MONOTONIC, SIGRTMIN+2 (blocked), value 99, every 100 ms: its
 *      signal is let through once (timer_getoverrun() then gives its
 *      overrun, 2 or more), then blocked again: at checkpoint time it is
 *      pending, its overrun growing;
 *   h  CLOCK_TAI, SIGRTMIN+3, value 55, never armed;
 *   -  one more, armed, deleted at once: the next id is not the highest
 *      live id + 1.
 * It creates DIR/ready and counts in DIR/progress, noting the largest gap
 * between two turns of the loop (the downtime), until DIR/stop appears.
 * Then it checks: the timers answer to their ids, the deleted ids do not,
 * a new timer gets the next id; the intervals are the same; d has the
 * time left that the running time (downtime left out) gives; f's signal
 * is pending, timer_getoverrun() the same; unblocked, it comes once, with
 * an si_overrun at least what accumulated before the checkpoint and at
 * most what the running time gives, and then every 100 ms again; b fires
 * once, 5 s of running time after it was armed; c fires once, at its
 * wall-clock time (or right after the restart if that came later); e
 * hits the second thread (same tid, si_timerid, si_value) 6 s of running
 * time after it was rearmed, then every 200 ms, and no other thread; a's
 * expirations are what the running time gives (no burst, no skip);
 * h, armed now on CLOCK_TAI, fires once with its value.  Every signal has
 * si_code SI_TIMER, its timer's si_timerid and si_value.  Prints
 * "ptimers intact" and exits 0, or says what differs and exits 1.
 *
 * --no-wait: the same without a checkpoint: the loop runs 1.5 s instead of
 * waiting for DIR/stop (to try the program itself).
 *
 * --cputime: a CLOCK_MONOTONIC timer (id 0) and a CLOCK_PROCESS_CPUTIME_ID
 * one (id 1, an hour of CPU time), which checkpoint refuses; creates
 * DIR/ready and counts in DIR/progress until DIR/stop appears, checks the
 * CPU-time timer still has its time, prints "ptimers cputime timer kept"
 * and exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testdir.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid	/* glibc 2.36 has no name for it */
#endif

#define P_A 0.1		/* a's period */
#define V_B 5.0		/* b's time */
#define W_C 7.0		/* c's deadline: the whole second 7 s after the start */
#define V_D 3600.0	/* d's time and interval */
#define I_D 1800.0
#define P_E 0.2		/* e's period */
#define V_E 6.0		/* e's time once rearmed */
#define P_F 0.1		/* f's period */
#define NO_WAIT_LOOP 1.5	/* how long the loop runs with --no-wait */
/*
 * Tolerances, for a VM under TCG on a busy host.  SLOP: running time that
 * the largest gap of the loop does not tell (the rest of a turn of the
 * loop, the checkpoint after the freeze, the restart after the timers are
 * armed again); the downtime is 2 s and more, so counting it still shows.
 * LATE: a signal handled this late after its expiry.  EARLY: c fired this
 * much before its wall-clock deadline.
 */
#define SLOP 1.2
#define LATE 1.0
#define EARLY 0.3

enum { A, B, G1, C, D, E, F, H, G2, NR };
static const char *const names[NR] = { "a", "b", "-", "c", "d", "e", "f", "h", "-" };

static int bad;
static int sig_a, sig_e, sig_f, sig_h;
static timer_t tid[NR];
static int id[NR];

static void fail(const char *fmt, ...)
{
	va_list ap;

	printf("ptimers: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	bad = 1;
}

static void note(const char *fmt, ...)
{
	va_list ap;

	printf("ptimers: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static double now_of(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double mono(void)
{
	return now_of(CLOCK_MONOTONIC);
}

static struct timespec ts_of(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - ts.tv_sec) * 1e9 + 0.5);
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

static double s_of(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

/* Sleep @s seconds, signals or not. */
static void snooze(double s)
{
	double end = mono() + s, left;
	struct timespec ts;

	while ((left = end - mono()) > 0) {
		ts = ts_of(left);
		nanosleep(&ts, NULL);
	}
}

/* What the handlers and the second thread saw of a timer. */
struct seen {
	volatile int n;			/* signals */
	volatile long ovsum;		/* their si_overrun, summed */
	volatile int ovmax;
	volatile double first, last;	/* CLOCK_MONOTONIC, of the signals */
	volatile double wall;		/* CLOCK_REALTIME, of the first */
	volatile int wrong, code, value, timerid;	/* the first wrong siginfo */
};

#define NR_F 64
static struct seen seen_a, seen_b, seen_c, seen_e1, seen_e2, seen_f, seen_h;
static volatile int f_overrun[NR_F], f_getoverrun[NR_F];
static volatile double f_time[NR_F];
static volatile int misdirected, misdirected_tid;

static void saw(struct seen *s, const siginfo_t *si, int timer, int value)
{
	double t = mono();

	if (si->si_code != SI_TIMER || si->si_timerid != timer ||
	    si->si_value.sival_int != value) {
		if (!s->wrong) {
			s->code = si->si_code;
			s->value = si->si_value.sival_int;
			s->timerid = si->si_timerid;
		}
		s->wrong++;
	}
	if (!s->n) {
		s->first = t;
		s->wall = now_of(CLOCK_REALTIME);
	}
	s->last = t;
	s->ovsum += si->si_overrun;
	if (si->si_overrun > s->ovmax)
		s->ovmax = si->si_overrun;
	s->n++;
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	int n;

	(void)uc;
	if (sig == sig_a) {
		saw(&seen_a, si, id[A], 42);
	} else if (sig == SIGUSR1) {
		saw(&seen_b, si, id[B], 11);
	} else if (sig == SIGUSR2) {
		saw(&seen_c, si, id[C], 33);
	} else if (sig == sig_f) {
		n = seen_f.n;
		if (n < NR_F) {
			f_overrun[n] = si->si_overrun;
			f_getoverrun[n] = timer_getoverrun(tid[F]);
			f_time[n] = mono();
		}
		saw(&seen_f, si, id[F], 99);
	} else if (sig == sig_h) {
		saw(&seen_h, si, id[H], 55);
	} else if (sig == sig_e) {
		/* e's signal is for the second thread, which blocks it */
		misdirected++;
		misdirected_tid = gettid();
	}
}

/* The second thread: e's signals, with sigtimedwait(). */
static volatile pid_t thread_tid;
static volatile int thread_phase = 1, thread_done, thread_moved, thread_stale;
static volatile int thread_rearm_errno;
static volatile double e_armed;

static void *second_thread(void *arg)
{
	struct timespec wait = { 0, 50 * 1000 * 1000 }, zero = { 0, 0 };
	struct itimerspec its = { ts_of(P_E), ts_of(V_E) };
	siginfo_t si;
	sigset_t set;

	(void)arg;
	thread_tid = gettid();
	sigemptyset(&set);
	sigaddset(&set, sig_e);
	while (!thread_done) {
		if (sigtimedwait(&set, &si, &wait) != sig_e)
			continue;	/* EAGAIN; EINTR */
		if (gettid() != thread_tid)
			thread_moved = gettid();
		if (thread_phase == 2) {
			saw(&seen_e2, &si, id[E], 77);
			continue;
		}
		saw(&seen_e1, &si, id[E], 77);
		if (seen_e1.n < 3)
			continue;
		/* rearmed: nothing before V_E, so nothing around the checkpoint */
		e_armed = mono();
		if (timer_settime(tid[E], 0, &its, NULL))
			thread_rearm_errno = errno;
		while (sigtimedwait(&set, &si, &zero) == sig_e)
			thread_stale++;		/* queued before the rearm */
		thread_phase = 2;
	}
	return NULL;
}

static int make(int which, clockid_t clock, int notify, int signo, int value)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = notify;
	sev.sigev_signo = signo;
	sev.sigev_value.sival_int = value;
	if (notify == SIGEV_THREAD_ID)
		sev.sigev_notify_thread_id = thread_tid;
	if (timer_create(clock, &sev, &tid[which])) {
		fail("timer_create() of %s: %s", names[which], strerror(errno));
		return -1;
	}
	id[which] = (int)(intptr_t)tid[which];
	return 0;
}

static int arm(int which, int flags, double value, double interval)
{
	struct itimerspec its = { ts_of(interval), ts_of(value) };

	if (timer_settime(tid[which], flags, &its, NULL)) {
		fail("timer_settime() of %s: %s", names[which], strerror(errno));
		return -1;
	}
	return 0;
}

static int pending(int sig)
{
	sigset_t set;

	sigpending(&set);
	return sigismember(&set, sig);
}

static void block(int how, int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(how, &set, NULL);
}

static void wrong_siginfo(const char *what, const struct seen *s)
{
	if (s->wrong)
		fail("%s: %d signal(s) with another siginfo, the first: si_code %d, si_timerid %d, si_value %d",
		     what, s->wrong, s->code, s->timerid, s->value);
}

/* Whole periods of @p in @t seconds. */
static long periods(double t, double p)
{
	return (long)floor(t / p + 1e-9);
}

static int cputime_main(void)
{
	struct timespec ms20 = { 0, 20 * 1000 * 1000 };
	struct itimerspec its;
	long n = 0;

	if (make(A, CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 1) ||
	    make(B, CLOCK_PROCESS_CPUTIME_ID, SIGEV_SIGNAL, SIGUSR2, 2) ||
	    arm(A, 0, 3600, 0) || arm(B, 0, 3600, 60))
		return 1;
	note("a CLOCK_MONOTONIC timer %d, a CLOCK_PROCESS_CPUTIME_ID timer %d", id[A], id[B]);
	progress(0);
	create("ready");
	while (!exists("stop")) {
		progress(++n);
		nanosleep(&ms20, NULL);
	}
	if (timer_gettime(tid[B], &its))
		fail("the CPU-time timer is gone: %s", strerror(errno));
	else if (s_of(&its.it_value) < 3500 || s_of(&its.it_interval) != 60)
		fail("the CPU-time timer has %.3f s left, interval %.3f s",
		     s_of(&its.it_value), s_of(&its.it_interval));
	if (!bad)
		printf("ptimers cputime timer kept\n");
	return bad;
}

int main(int argc, char **argv)
{
	struct timespec ms20 = { 0, 20 * 1000 * 1000 };
	double a_armed, b_armed, c_wall, d_armed, f_armed, f_queued;
	double t, prev, loop_start, gap = 0, gap_start = 0, gap_end = 0;
	double gap_end_wall = 0, x, run, lo_t, hi_t, u2, h_armed;
	struct itimerspec its, interval[NR];
	int i, no_wait = 0, ov1, next_id, n;
	long count, lo, hi, turns = 0;
	struct sigaction sa;
	pthread_t thread;
	timer_t probe;
	sigset_t set;

	if (argc == 3 && !strcmp(argv[1], "--no-wait"))
		no_wait = 1;
	else if (argc == 3 && !strcmp(argv[1], "--cputime"))
		;
	else if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[argc - 1]);
	if (argc == 3 && !strcmp(argv[1], "--cputime"))
		return cputime_main();

	sig_a = SIGRTMIN;
	sig_e = SIGRTMIN + 1;
	sig_f = SIGRTMIN + 2;
	sig_h = SIGRTMIN + 3;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(sig_a, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(sig_e, &sa, NULL);
	sigaction(sig_f, &sa, NULL);
	sigaction(sig_h, &sa, NULL);

	/* the second thread blocks them all: they come to this one, but e's */
	sigemptyset(&set);
	sigaddset(&set, sig_a);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, sig_e);
	sigaddset(&set, sig_f);
	sigaddset(&set, sig_h);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&thread, NULL, second_thread, NULL)) {
		fail("cannot make the second thread");
		return 1;
	}
	while (!thread_tid)
		nanosleep(&ms20, NULL);
	sigdelset(&set, sig_f);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	if (make(A, CLOCK_MONOTONIC, SIGEV_SIGNAL, sig_a, 42) ||
	    make(B, CLOCK_BOOTTIME, SIGEV_SIGNAL, SIGUSR1, 11) ||
	    make(G1, CLOCK_MONOTONIC, SIGEV_NONE, 0, 0) ||
	    make(C, CLOCK_REALTIME, SIGEV_SIGNAL, SIGUSR2, 33) ||
	    make(D, CLOCK_MONOTONIC, SIGEV_NONE, 0, 0) ||
	    make(E, CLOCK_MONOTONIC, SIGEV_THREAD_ID, sig_e, 77) ||
	    make(F, CLOCK_MONOTONIC, SIGEV_SIGNAL, sig_f, 99) ||
	    make(H, CLOCK_TAI, SIGEV_SIGNAL, sig_h, 55) ||
	    make(G2, CLOCK_REALTIME, SIGEV_SIGNAL, SIGUSR2, 88))
		return 1;
	for (i = 1; i < NR; i++)
		if (id[i] != id[i - 1] + 1) {
			fail("timer_create() gave the ids %d then %d: not in sequence",
			     id[i - 1], id[i]);
			return 1;
		}
	next_id = id[G2] + 1;

	a_armed = mono();
	if (arm(A, 0, P_A, P_A))
		return 1;
	b_armed = mono();
	if (arm(B, 0, V_B, 0))
		return 1;
	c_wall = floor(now_of(CLOCK_REALTIME)) + W_C;
	if (arm(C, TIMER_ABSTIME, c_wall, 0))
		return 1;
	d_armed = mono();
	if (arm(D, 0, V_D, I_D) || arm(E, 0, P_E, P_E))
		return 1;
	f_armed = mono();
	if (arm(F, 0, P_F, P_F) || arm(G2, 0, 3600, 0) ||
	    timer_delete(tid[G1]) || timer_delete(tid[G2])) {
		fail("cannot arm f, or delete the two timers: %s", strerror(errno));
		return 1;
	}
	for (i = 0; i < NR; i++)
		if (i != G1 && i != G2 && timer_gettime(tid[i], &interval[i])) {
			fail("timer_gettime() of %s: %s", names[i], strerror(errno));
			return 1;
		}

	/* f's signal through once, with an overrun; then pending again */
	snooze(f_armed + 4.5 * P_F - mono());
	if (!pending(sig_f)) {
		fail("f's signal is not pending after %.0f ms", 4.5 * P_F * 1000);
		return 1;
	}
	block(SIG_UNBLOCK, sig_f);
	block(SIG_BLOCK, sig_f);
	ov1 = f_overrun[0];
	if (seen_f.n != 1 || ov1 < 2 || f_getoverrun[0] != ov1 ||
	    timer_getoverrun(tid[F]) != ov1) {
		fail("f: %d signal(s) let through, si_overrun %d, timer_getoverrun() %d then %d (expected 1 signal, an overrun of 2 or more, the same)",
		     seen_f.n, ov1, f_getoverrun[0], timer_getoverrun(tid[F]));
		return 1;
	}
	/* its next expiry: the first period after the rearm, at the delivery */
	f_queued = f_armed + P_F * (periods(f_time[0] - f_armed, P_F) + 1);
	for (i = 0; !pending(sig_f); i++) {
		if (i == 100) {
			fail("f's signal is not pending again after 2 s");
			return 1;
		}
		nanosleep(&ms20, NULL);
	}
	for (i = 0; thread_phase != 2; i++) {
		if (i == 250) {
			fail("the second thread got %d of e's signals in 5 s, not 3", seen_e1.n);
			return 1;
		}
		nanosleep(&ms20, NULL);
	}
	if (thread_rearm_errno) {
		fail("the second thread cannot rearm e: %s", strerror(thread_rearm_errno));
		return 1;
	}
	note("timer ids: a %d, b %d, c %d, d %d, e %d, f %d, h %d; deleted %d and %d; next %d",
	     id[A], id[B], id[C], id[D], id[E], id[F], id[H], id[G1], id[G2], next_id);
	note("the second thread is %d (%d stale signal(s) of e after its rearm); f's signal pending, timer_getoverrun() %d",
	     (int)thread_tid, thread_stale, ov1);

	progress(0);
	if (!no_wait)
		create("ready");
	loop_start = prev = mono();
	while (no_wait ? prev - loop_start < NO_WAIT_LOOP : !exists("stop")) {
		/* here across the checkpoint */
		progress(++turns);
		nanosleep(&ms20, NULL);
		t = mono();
		if (t - prev > gap) {
			gap = t - prev;
			gap_start = prev;
			gap_end = t;
			gap_end_wall = now_of(CLOCK_REALTIME);
		}
		prev = t;
	}
	note("the largest gap of the loop: %.3f s%s", gap,
	     no_wait ? " (no checkpoint: not left out of the running time)" : " (the downtime)");
	if (no_wait)
		gap = 0;

/* The running time from @t1 to @t2: the gap (downtime) left out. */
#define RUN(t1, t2) ((t2) - (t1) - ((t1) <= gap_start && gap_end <= (t2) ? gap : 0))

	/* the ids: the timers, the gaps, the next one */
	for (i = 0; i < NR; i++) {
		if (timer_gettime(tid[i], &its) == 0) {
			if (i == G1 || i == G2)
				fail("the deleted timer %d is back", id[i]);
			else if (s_of(&its.it_interval) != s_of(&interval[i].it_interval))
				fail("%s (timer %d): interval %.9f s, it was %.9f s", names[i],
				     id[i], s_of(&its.it_interval),
				     s_of(&interval[i].it_interval));
		} else if (i != G1 && i != G2) {
			fail("%s: no timer %d: %s", names[i], id[i], strerror(errno));
		} else if (errno != EINVAL) {
			fail("the deleted timer %d: %s, not EINVAL", id[i], strerror(errno));
		}
	}
	if (timer_create(CLOCK_MONOTONIC, NULL, &probe))
		fail("a new timer_create(): %s", strerror(errno));
	else if ((int)(intptr_t)probe != next_id)
		fail("a new timer is %d, not %d", (int)(intptr_t)probe, next_id);
	else
		timer_delete(probe);

	/* d: the time left, counted on the running time */
	t = mono();
	n = timer_gettime(tid[D], &its);
	x = mono();
	if (n == 0) {
		lo_t = V_D - RUN(d_armed, x) - (no_wait ? 0 : SLOP) - 0.01;
		hi_t = V_D - RUN(d_armed, t) + 0.01;
		if (s_of(&its.it_value) < lo_t || s_of(&its.it_value) > hi_t)
			fail("d (SIGEV_NONE) has %.3f s left, not %.3f to %.3f s (%s)",
			     s_of(&its.it_value), lo_t, hi_t,
			     s_of(&its.it_value) < lo_t ? "the downtime counted?" :
			     "more than it had: counted again from the start?");
	}
	/* c, if it has not fired yet: the time to its wall-clock deadline */
	t = now_of(CLOCK_REALTIME);
	n = timer_gettime(tid[C], &its);
	x = now_of(CLOCK_REALTIME);
	if (n == 0 && !seen_c.n && (s_of(&its.it_value) < c_wall - x - EARLY ||
				    s_of(&its.it_value) > c_wall - t + EARLY))
		fail("c (CLOCK_REALTIME, TIMER_ABSTIME) has %.3f s left, its deadline is %.3f s away",
		     s_of(&its.it_value), c_wall - x);
	/* h: never armed */
	if (timer_gettime(tid[H], &its) == 0 &&
	    (its.it_value.tv_sec || its.it_value.tv_nsec))
		fail("h, never armed, has %.3f s left", s_of(&its.it_value));

	/* f: pending once, its overrun up to now; then every 100 ms again */
	if (!pending(sig_f))
		fail("f's signal is not pending any more");
	if (seen_f.n != 1 || timer_getoverrun(tid[F]) != ov1)
		fail("f: %d signal(s), timer_getoverrun() %d, before %d", seen_f.n,
		     timer_getoverrun(tid[F]), ov1);
	n = seen_f.n;
	u2 = mono();
	block(SIG_UNBLOCK, sig_f);
	if (seen_f.n != n + 1) {
		fail("f: %d signal(s) when unblocked, not one", seen_f.n - n);
	} else {
		run = RUN(f_queued, u2);
		lo = periods(run, P_F) - 1;
		hi = periods(run + (no_wait ? 0 : SLOP), P_F) + 1;
		if (no_wait)
			note("f: an overrun of %d when unblocked (%ld to %ld)",
			     f_overrun[n], lo, hi);
		else
			note("f: an overrun of %ld or more at the checkpoint; %d when unblocked (%ld to %ld)",
			     periods(gap_start - f_queued, P_F), f_overrun[n], lo, hi);
		if (f_overrun[n] < lo || f_overrun[n] > hi)
			fail("f's pending signal has an si_overrun of %d, not %ld to %ld (the running time since its expiry %.3f s)",
			     f_overrun[n], lo, hi, run);
		if (f_getoverrun[n] != f_overrun[n])
			fail("f: timer_getoverrun() gives %d, its signal said %d",
			     f_getoverrun[n], f_overrun[n]);
	}
	snooze(0.6);
	count = 0;
	for (i = n + 1; i < seen_f.n && i < NR_F; i++)
		count += 1 + f_overrun[i];
	t = mono();
	lo = periods(t - u2, P_F) - 3;
	hi = periods(t - u2, P_F) + 1;
	if (count < lo || count > hi)
		fail("f: %ld expirations in the %.3f s after its pending signal, not %ld to %ld",
		     count, t - u2, lo, hi);

	/* h, armed now on CLOCK_TAI (absolute): it fires */
	h_armed = mono();
	arm(H, TIMER_ABSTIME, now_of(CLOCK_TAI) + 0.1, 0);

	/* b, c, h fire; e's second period starts */
	for (i = 0; !seen_b.n || !seen_c.n || !seen_h.n || seen_e2.n < 5; i++) {
		if (i == 1500) {
			fail("after 30 s: b fired %d times, c %d, h %d, e %d",
			     seen_b.n, seen_c.n, seen_h.n, seen_e2.n);
			break;
		}
		nanosleep(&ms20, NULL);
	}
	snooze(0.3);		/* one-shots fire once */
	x = mono();

	/* a: the expirations that the running time gives */
	count = seen_a.n + seen_a.ovsum;
	run = RUN(a_armed, x);
	lo = periods(run, P_A) - 4;
	hi = periods(run + (no_wait ? 0 : SLOP), P_A) + 2;
	note("a: %ld expirations in %d signals over %.3f s of running time, most overrun %d",
	     count, seen_a.n, run, seen_a.ovmax);
	if (count < lo || count > hi)
		fail("a (every 100 ms): %ld expirations, not %ld to %ld (%s)", count, lo, hi,
		     count > hi ? "a burst: the downtime counted?" : "skipped");
	wrong_siginfo("a", &seen_a);

	/* b: 5 s of running time */
	if (seen_b.n) {
		run = RUN(b_armed, seen_b.first);
		note("b fired %.3f s of running time after it was armed", run);
		if (run < V_B - (no_wait ? 0.01 : SLOP) || run > V_B + LATE)
			fail("b (CLOCK_BOOTTIME, %.0f s) fired after %.3f s of running time",
			     V_B, run);
		if (seen_b.n != 1)
			fail("b (one-shot) fired %d times", seen_b.n);
	}
	wrong_siginfo("b", &seen_b);

	/* c: at its wall-clock time, or at the restart if that came later */
	if (seen_c.n) {
		t = c_wall < gap_end_wall && !no_wait ? gap_end_wall : c_wall;
		note("c fired %.3f s after its wall-clock deadline%s", seen_c.wall - c_wall,
		     t > c_wall ? " (which passed during the downtime)" : "");
		if (seen_c.wall < c_wall - EARLY || seen_c.wall > t + LATE)
			fail("c (CLOCK_REALTIME, TIMER_ABSTIME) fired %.3f s after its wall-clock deadline",
			     seen_c.wall - c_wall);
		if (seen_c.n != 1)
			fail("c (one-shot) fired %d times", seen_c.n);
	}
	wrong_siginfo("c", &seen_c);

	/* e: rearmed for 6 s, then every 200 ms, on the second thread */
	if (seen_e2.n) {
		run = RUN(e_armed, seen_e2.first);
		note("e's first signal after the rearm: %.3f s of running time", run);
		if (run < V_E - (no_wait ? 0.01 : SLOP) || run > V_E + LATE)
			fail("e came %.3f s of running time after it was rearmed for %.0f s",
			     run, V_E);
		count = seen_e2.n + seen_e2.ovsum;
		run = RUN(e_armed, x) - V_E;
		lo = periods(run, P_E) + 1 - 4;
		hi = periods(run + (no_wait ? 0 : SLOP), P_E) + 1 + 2;
		lo = lo < 0 ? 0 : lo;
		if (count < lo || count > hi)
			fail("e (every 200 ms): %ld expirations, not %ld to %ld", count, lo, hi);
	}
	wrong_siginfo("e", &seen_e1);
	wrong_siginfo("e, rearmed", &seen_e2);
	if (misdirected)
		fail("%d of e's signals went to thread %d, not to %d", misdirected,
		     misdirected_tid, (int)thread_tid);

	/* h */
	if (seen_h.n != 1)
		fail("h (CLOCK_TAI) fired %d times", seen_h.n);
	else if (seen_h.first - h_armed > 0.1 + LATE)
		fail("h (CLOCK_TAI) fired %.3f s after it was armed for 0.1 s",
		     seen_h.first - h_armed);
	wrong_siginfo("h", &seen_h);

	thread_done = 1;
	pthread_join(thread, NULL);
	if (thread_moved)
		fail("the second thread was %d, it is %d", (int)thread_tid, thread_moved);
	wrong_siginfo("f", &seen_f);
	if (!bad)
		printf("ptimers intact\n");
	return bad;
}
