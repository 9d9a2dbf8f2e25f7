// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stopper DIR: processes stopped by job control, for the VM scenarios.
 *
 *   P (this program)
 *   +- C1   stopped by SIGSTOP; P took the stop with waitpid(WUNTRACED)
 *   +- C2   stopped by SIGTSTP; P did not wait: the report is pending
 *   |       (C2 leads a process group of its own, so that its group is
 *   |       not orphaned and SIGTSTP stops it wherever P runs)
 *   +- C3   3 threads, stopped by SIGSTOP; P took the stop
 *
 * Every child (every thread of C3) counts in a slot of a MAP_SHARED |
 * MAP_ANONYMOUS page, sleeping 10 ms between steps, so that P sees
 * whether it runs.  P stops the children, checks that their counters
 * no longer move, writes "C1 C2 C3" (their pids) to DIR/pids, creates
 * DIR/ready and counts its own steps (one per 50 ms) in DIR/progress
 * until DIR/stop appears.
 *
 * Then (the scenario creates DIR/stop after a checkpoint and restart)
 * P checks that /proc shows C1, C2 and every thread of C3 in state T,
 * that the counters do not move for 300 ms, that waitpid(WUNTRACED |
 * WNOHANG) reports nothing for C1 and C3 and C2 stopped by SIGTSTP;
 * then it sends SIGCONT to each, expects waitpid(WCONTINUED) to report
 * each continued and every counter to move again, ends the children
 * with SIGTERM and reaps them.  It says "stopped tasks intact" and
 * exits 0, or says what differs and exits 1.  Every wait has a
 * timeout: nothing hangs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NCHILD		3
#define C3_THREADS	3
#define NSLOTS		(2 + C3_THREADS)	/* C1, C2, C3's threads */

static const char *dir;
static unsigned long *slots;			/* in the shared page */
static pid_t child[NCHILD];
static const char *const name[NCHILD] = { "C1", "C2", "C3" };
static const char *const slot_name[NSLOTS] = {
	"C1", "C2", "C3 thread 1", "C3 thread 2", "C3 thread 3",
};
static int bad;

static void complain(const char *fmt, ...)
{
	va_list ap;

	printf("stopper: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	bad = 1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000 * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static unsigned long load(int slot)
{
	return __atomic_load_n(&slots[slot], __ATOMIC_SEQ_CST);
}

/* A child's thread: count in its slot every 10 ms, forever. */
static void *count(void *arg)
{
	int slot = (int)(long)arg;

	for (;;) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		__atomic_add_fetch(&slots[slot], 1, __ATOMIC_SEQ_CST);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void c3(void)
{
	pthread_t t;
	int i;

	for (i = 1; i < C3_THREADS; i++)
		if (pthread_create(&t, NULL, count, (void *)(long)(2 + i))) {
			printf("stopper: C3: pthread_create failed\n");
			_exit(2);
		}
	count((void *)2L);
}

static pid_t spawn(int nr)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("stopper: fork");
		exit(2);
	}
	if (pid)
		return pid;
	if (nr == 1)
		setpgid(0, 0);
	if (nr == 2)
		c3();
	count((void *)(long)nr);
	_exit(0);
}

static void kill_children(void)
{
	int i;

	for (i = 0; i < NCHILD; i++)
		if (child[i] > 0)
			kill(child[i], SIGKILL);
}

/* Something went wrong before the checkpoint: no point going on. */
static void give_up(void)
{
	kill_children();
	printf("stopper: stopped tasks DAMAGED\n");
	exit(1);
}

static const char *sig_name(int sig)
{
	static char buf[16];

	switch (sig) {
	case SIGSTOP: return "SIGSTOP";
	case SIGTSTP: return "SIGTSTP";
	case SIGTTIN: return "SIGTTIN";
	case SIGTTOU: return "SIGTTOU";
	case SIGCONT: return "SIGCONT";
	case SIGTERM: return "SIGTERM";
	case SIGKILL: return "SIGKILL";
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

/* What waitpid() returned, in words. */
static const char *report(pid_t r, int status, int err)
{
	static char buf[128];

	if (r < 0)
		snprintf(buf, sizeof(buf), "-1 (%s)", strerror(err));
	else if (r == 0)
		snprintf(buf, sizeof(buf), "0 (nothing to report)");
	else if (WIFSTOPPED(status))
		snprintf(buf, sizeof(buf), "%d stopped by %s", r, sig_name(WSTOPSIG(status)));
	else if (WIFCONTINUED(status))
		snprintf(buf, sizeof(buf), "%d continued", r);
	else if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "%d exited %d", r, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "%d killed by %s", r, sig_name(WTERMSIG(status)));
	else
		snprintf(buf, sizeof(buf), "%d status %#x", r, status);
	return buf;
}

/*
 * waitpid(pid, options | WNOHANG) every 10 ms until it reports or
 * timeout_ms passed; its result (0: nothing within the time), errno in
 * *err.
 */
static pid_t wait_report(pid_t pid, int options, long timeout_ms, int *status, int *err)
{
	long waited = 0;
	pid_t r;

	for (;;) {
		*status = 0;
		r = waitpid(pid, status, options | WNOHANG);
		*err = errno;
		if (r != 0 || waited >= timeout_ms)
			return r;
		sleep_ms(10);
		waited += 10;
	}
}

/* The state letter of /proc/PATH/stat ('?' if unreadable). */
static char state_of(const char *path)
{
	char buf[1024], *p;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return '?';
	return p[2];
}

static char proc_state(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	return state_of(path);
}

/* Every thread of pid in state T: 1; else say which is not (when loud). */
static int all_threads_stopped(pid_t pid, const char *who, int want_threads, int loud)
{
	char path[300];
	struct dirent *e;
	DIR *d;
	int n = 0, ok = 1;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d) {
		if (loud)
			complain("%s: cannot open %s: %s", who, path, strerror(errno));
		return 0;
	}
	while ((e = readdir(d))) {
		char st;

		if (e->d_name[0] == '.')
			continue;
		n++;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", pid, e->d_name);
		st = state_of(path);
		if (st != 'T') {
			if (loud)
				complain("%s: thread %s is in state %c, expected T", who,
					 e->d_name, st);
			ok = 0;
		}
	}
	closedir(d);
	if (n != want_threads) {
		if (loud)
			complain("%s: %d threads, expected %d", who, n, want_threads);
		ok = 0;
	}
	return ok;
}

/* No counter moves for ms milliseconds: 1; else complain (when loud). */
static int counters_still(long ms, const char *when, int loud)
{
	unsigned long before[NSLOTS];
	int i, ok = 1;

	for (i = 0; i < NSLOTS; i++)
		before[i] = load(i);
	sleep_ms(ms);
	for (i = 0; i < NSLOTS; i++)
		if (load(i) != before[i]) {
			if (loud)
				complain("%s: its counter moved from %lu to %lu in %ld ms %s, expected it still",
					 slot_name[i], before[i], load(i), ms, when);
			ok = 0;
		}
	return ok;
}

/* Every counter moves within 5 s: 1; else complain. */
static int counters_move(const char *when)
{
	unsigned long before[NSLOTS];
	int i, t, ok = 1;

	for (i = 0; i < NSLOTS; i++)
		before[i] = load(i);
	for (t = 0; t < 500; t++) {
		ok = 1;
		for (i = 0; i < NSLOTS; i++)
			ok &= load(i) != before[i];
		if (ok)
			return 1;
		sleep_ms(10);
	}
	for (i = 0; i < NSLOTS; i++)
		if (load(i) == before[i])
			complain("%s: its counter stays at %lu for 5 s %s, expected it to move",
				 slot_name[i], before[i], when);
	return 0;
}

static int stop_file(void)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/stop", dir);
	return stat(path, &st) == 0;
}

static void create(const char *file, const char *text)
{
	char path[512];
	int fd, n = strlen(text);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, n) != n) {
		complain("cannot write %s: %s", path, strerror(errno));
		give_up();
	}
	close(fd);
}

/* Stop the children as the roles say; all stopped and still before ready. */
static void stop_children(void)
{
	int status, err, i, t;
	pid_t r;

	/* every thread of every child counts */
	for (t = 0; t < 1000; t++) {
		for (i = 0; i < NSLOTS && load(i); i++)
			;
		if (i == NSLOTS)
			break;
		sleep_ms(10);
	}
	if (t == 1000) {
		complain("%s did not start counting within 10 s", slot_name[i]);
		give_up();
	}

	kill(child[0], SIGSTOP);
	r = wait_report(child[0], WUNTRACED, 10000, &status, &err);
	if (r != child[0] || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		complain("C1: waitpid(WUNTRACED) gave %s before the checkpoint, expected %d stopped by SIGSTOP",
			 report(r, status, err), child[0]);
		give_up();
	}

	kill(child[1], SIGTSTP);
	for (t = 0; t < 1000 && proc_state(child[1]) != 'T'; t++)
		sleep_ms(10);
	if (proc_state(child[1]) != 'T') {
		complain("C2: in state %c 10 s after SIGTSTP, expected T (an orphaned process group?)",
			 proc_state(child[1]));
		give_up();
	}

	kill(child[2], SIGSTOP);
	r = wait_report(child[2], WUNTRACED, 10000, &status, &err);
	if (r != child[2] || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		complain("C3: waitpid(WUNTRACED) gave %s before the checkpoint, expected %d stopped by SIGSTOP",
			 report(r, status, err), child[2]);
		give_up();
	}
	if (!all_threads_stopped(child[2], "C3", C3_THREADS, 1))
		give_up();
	/* the last steps before the stop took effect may still land */
	sleep_ms(50);
	if (!counters_still(300, "after the stops, before the checkpoint", 1))
		give_up();
}

/* Count in DIR/progress (fd) every 50 ms until DIR/stop appears. */
static void run(int fd)
{
	unsigned long steps = 0;
	char line[32];
	int n;

	while (!stop_file()) {
		steps++;
		n = snprintf(line, sizeof(line), "%lu\n", steps);
		if (pwrite(fd, line, n, 0) != n || ftruncate(fd, n))
			complain("cannot write %s/progress: %s", dir, strerror(errno));
		sleep_ms(50);
	}
	close(fd);
}

/* After the restart: the stops are as they were. */
static void check_stopped(void)
{
	int status, err, i;
	pid_t r;

	for (i = 0; i < 2; i++)
		if (proc_state(child[i]) != 'T')
			complain("%s: /proc/%d/stat shows state %c, expected T", name[i], child[i],
				 proc_state(child[i]));
	all_threads_stopped(child[2], "C3", C3_THREADS, 1);
	counters_still(300, "after the restart, before SIGCONT", 1);

	r = waitpid(child[0], &status, WUNTRACED | WNOHANG);
	err = errno;
	if (r != 0)
		complain("C1: waitpid(WUNTRACED) gave %s, expected 0: the stop was already waited for",
			 report(r, status, err));

	status = 0;
	r = waitpid(child[1], &status, WUNTRACED | WNOHANG);
	err = errno;
	if (r != child[1] || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGTSTP)
		complain("C2: waitpid(WUNTRACED) gave %s, expected %d stopped by SIGTSTP",
			 report(r, status, err), child[1]);

	r = waitpid(child[2], &status, WUNTRACED | WNOHANG);
	err = errno;
	if (r != 0)
		complain("C3: waitpid(WUNTRACED) gave %s, expected 0: the stop was already waited for",
			 report(r, status, err));
}

/* SIGCONT: each reports continued, every counter moves. */
static void check_continue(void)
{
	int status, err, i;
	pid_t r;

	for (i = 0; i < NCHILD; i++)
		if (kill(child[i], SIGCONT))
			complain("%s: kill(SIGCONT): %s", name[i], strerror(errno));
	for (i = 0; i < NCHILD; i++) {
		r = wait_report(child[i], WCONTINUED, 5000, &status, &err);
		if (r != child[i] || !WIFCONTINUED(status))
			complain("%s: waitpid(WCONTINUED) gave %s after SIGCONT, expected %d continued",
				 name[i], report(r, status, err), child[i]);
	}
	counters_move("after SIGCONT");
	for (i = 0; i < 2; i++)
		if (proc_state(child[i]) == 'T')
			complain("%s: still in state T after SIGCONT", name[i]);
}

static void end_children(void)
{
	int status, err, i;
	pid_t r;

	for (i = 0; i < NCHILD; i++)
		kill(child[i], SIGTERM);
	for (i = 0; i < NCHILD; i++) {
		r = wait_report(child[i], 0, 5000, &status, &err);
		if (r == 0) {
			complain("%s: not ended 5 s after SIGTERM; killing it", name[i]);
			kill(child[i], SIGKILL);
			r = wait_report(child[i], 0, 5000, &status, &err);
			continue;
		}
		if (r != child[i] || !WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM)
			complain("%s: waitpid() gave %s after SIGTERM, expected %d killed by SIGTERM",
				 name[i], report(r, status, err), child[i]);
	}
}

int main(int argc, char **argv)
{
	char pids[64], path[512];
	int fd, i;

	if (argc != 2) {
		fprintf(stderr, "usage: stopper DIR\n");
		return 2;
	}
	dir = argv[1];
	setvbuf(stdout, NULL, _IONBF, 0);
	slots = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		perror("stopper: mmap");
		return 2;
	}
	for (i = 0; i < NCHILD; i++)
		child[i] = spawn(i);
	setpgid(child[1], child[1]);	/* as C2 does: no matter who runs first */
	stop_children();
	printf("stopper: C1 %d stopped by SIGSTOP (waited), C2 %d by SIGTSTP (not waited), C3 %d (%d threads) by SIGSTOP (waited)\n",
	       child[0], child[1], child[2], C3_THREADS);
	snprintf(pids, sizeof(pids), "%d %d %d\n", child[0], child[1], child[2]);
	create("pids", pids);
	create("progress", "0\n");
	snprintf(path, sizeof(path), "%s/progress", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		complain("cannot open %s: %s", path, strerror(errno));
		give_up();
	}
	create("ready", "");

	run(fd);
	check_stopped();
	check_continue();
	end_children();
	printf("stopper: %s\n", bad ? "stopped tasks DAMAGED" : "stopped tasks intact");
	return bad;
}
