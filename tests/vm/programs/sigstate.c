// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sigstate DIR: keeps signal state that a restart must bring back:
 * SIGUSR2 and two queued SIGRTMIN+1 (values 42, 43) pending while
 * blocked, ITIMER_REAL armed for 4 s, ITIMER_VIRTUAL and ITIMER_PROF for
 * 300 and 400 ms of CPU time.  Creates DIR/ready, counts in
 * DIR/progress; when DIR/stop appears it unblocks the signals and checks
 * that the handlers see them with their siginfo, and that the timers
 * still have time left and then fire (burning CPU for the CPU timers).  Exits 0 when all holds.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t usr2, usr2_code, rt_n, alrm, vtalrm, prof;
static volatile int rt_values[4];

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	usr2++;
	usr2_code = si->si_code;
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (rt_n < 4)
		rt_values[rt_n] = si->si_value.sival_int;
	rt_n++;
}

static void on_alrm(int sig)
{
	if (sig == SIGALRM)
		alrm++;
	else if (sig == SIGVTALRM)
		vtalrm++;
	else
		prof++;
}

/* A CPU-time timer has time left, at most @max_ms, and has not fired. */
static int cpu_timer_left(int which, const char *name, long max_ms,
			  volatile sig_atomic_t *fired)
{
	struct itimerval it;
	long left_ms;

	getitimer(which, &it);
	left_ms = it.it_value.tv_sec * 1000 + it.it_value.tv_usec / 1000;
	/* setitimer() rounds up by a tick */
	if (*fired || left_ms <= 0 || left_ms > max_ms + 20) {
		printf("sigstate: %s has %ld ms left (fired %d)\n", name, left_ms,
		       (int)*fired);
		return 0;
	}
	return 1;
}

/* Burn CPU time until both CPU timers fired once (30 s at most). */
static int cpu_timers_fire(void)
{
	time_t t0 = time(NULL);

	while ((!vtalrm || !prof) && time(NULL) - t0 < 30)
		;
	if (vtalrm != 1 || prof != 1) {
		printf("sigstate: ITIMER_VIRTUAL fired %d times, ITIMER_PROF %d\n",
		       (int)vtalrm, (int)prof);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct itimerval it = { { 0, 0 }, { 4, 0 } };
	char path[512], line[32];
	struct sigaction sa;
	sigset_t set, pending;
	struct stat st;
	int fd, n, ok = 1;
	long i;

	if (argc != 2)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sa.sa_sigaction = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_sigaction = on_rt;
	sigaction(SIGRTMIN + 1, &sa, NULL);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_alrm;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGVTALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 42 });
	sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 43 });
	setitimer(ITIMER_REAL, &it, NULL);
	it.it_value.tv_sec = 0;
	it.it_value.tv_usec = 300 * 1000;
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	it.it_value.tv_usec = 400 * 1000;
	setitimer(ITIMER_PROF, &it, NULL);

	snprintf(path, sizeof(path), "%s/progress", argv[1]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	snprintf(path, sizeof(path), "%s/ready", argv[1]);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	snprintf(path, sizeof(path), "%s/stop", argv[1]);
	for (i = 1; stat(path, &st); i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		n = snprintf(line, sizeof(line), "%ld\n", i);
		pwrite(fd, line, n, 0);
		nanosleep(&ts, NULL);
	}

	ok &= cpu_timer_left(ITIMER_VIRTUAL, "ITIMER_VIRTUAL", 300, &vtalrm);
	ok &= cpu_timer_left(ITIMER_PROF, "ITIMER_PROF", 400, &prof);
	sigpending(&pending);
	if (!sigismember(&pending, SIGUSR2) || !sigismember(&pending, SIGRTMIN + 1)) {
		printf("sigstate: the blocked signals are no longer pending\n");
		ok = 0;
	}
	getitimer(ITIMER_REAL, &it);
	if (alrm || (!it.it_value.tv_sec && !it.it_value.tv_usec) || it.it_value.tv_sec >= 4) {
		printf("sigstate: ITIMER_REAL lost its time: %ld.%06ld left, fired %d\n",
		       (long)it.it_value.tv_sec, (long)it.it_value.tv_usec, (int)alrm);
		ok = 0;
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	if (usr2 != 1 || usr2_code != SI_TKILL) {
		printf("sigstate: SIGUSR2 delivered %d times, si_code %d\n", (int)usr2,
		       (int)usr2_code);
		ok = 0;
	}
	if (rt_n != 2 || rt_values[0] != 42 || rt_values[1] != 43) {
		printf("sigstate: SIGRTMIN+1 delivered %d times (%d, %d)\n", (int)rt_n,
		       rt_values[0], rt_values[1]);
		ok = 0;
	}
	for (i = 0; i < 60 && !alrm; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	if (alrm != 1) {
		printf("sigstate: ITIMER_REAL did not fire\n");
		ok = 0;
	}
	ok &= cpu_timers_fire();
	printf("sigstate: signal state %s\n", ok ? "intact" : "DAMAGED");
	return ok ? 0 : 1;
}
