// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sigstate DIR: keeps signal state that a restart must bring back:
 * SIGUSR2 and two queued SIGRTMIN+1 (values 42, 43) pending while
 * blocked, and ITIMER_REAL armed for 4 s.  Creates DIR/ready, counts in
 * DIR/progress; when DIR/stop appears it unblocks the signals and checks
 * that the handlers see them with their siginfo, and that the timer
 * still has time left and then fires.  Exits 0 when all holds.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t usr2, usr2_code, rt_n, alrm;
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
	(void)sig;
	alrm++;
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

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 42 });
	sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 43 });
	setitimer(ITIMER_REAL, &it, NULL);

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
	printf("sigstate: signal state %s\n", ok ? "intact" : "DAMAGED");
	return ok ? 0 : 1;
}
