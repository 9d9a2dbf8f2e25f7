// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sharetables DIR: processes that share their file descriptor table
 * (clone(CLONE_FILES) without CLONE_THREAD) or their working directory,
 * root and umask (CLONE_FS), for the VM scenarios.
 *
 *   P                      the root: cwd DIR, umask 022 when it clones
 *   +- A   CLONE_FILES     P's fd table; an fs of its own (a copy);
 *   |  |                   a second thread, AT, sharing both with A
 *   |  +- A2  CLONE_FILES  cloned by A: P's fd table too; its own fs
 *   +- B   CLONE_FS        P's fs; an fd table of its own (a copy)
 *   +- C   CLONE_FILES | CLONE_FS   both of P's
 *
 * So one fd table is used by P, A (and AT), A2 and C, and one fs by P,
 * B and C.  Once all are up, P opens DIR/p-file at fd 10, sets its umask
 * to 027 and moves to DIR/sub: A, A2 and C see fd 10, B does not; B and
 * C see DIR/sub and 027, A and A2 keep DIR and 022.  Every task checks
 * that, then P creates DIR/ready.  Every task counts in a slot of a
 * MAP_SHARED|MAP_ANONYMOUS page; P writes the sum to DIR/progress.
 *
 * When DIR/stop appears, in steps that P leads through the shared page
 * (each with a timeout: nothing hangs):
 *   1. every task checks the state above again (after a restart: the
 *      tables are shared as they were) and that all counters go on;
 *   2. A opens DIR/a-file at fd 20, AT DIR/t-file at fd 21, P closes
 *      fd 10, B moves to DIR/sub2 and sets its umask to 077 (umask()
 *      returning 027);
 *   3. every task checks: P, A, AT, A2 and C see fds 20 and 21 (same
 *      inodes as the files) and fd 10 closed; B sees none of 10, 20, 21;
 *      P, B and C are in DIR/sub2 with umask 077; A, AT and A2 still in
 *      DIR with 022.
 * What differs is printed, "sharetables: TASK: ...".  P reaps its
 * children (A reaps A2 and joins AT) and says "sharetables: fd tables
 * and fs information intact" and exits 0, or "sharetables: DAMAGED"
 * and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { P, A, AT, A2, B, C, NTASKS };
static const char *const names[NTASKS] = { "P", "A", "AT", "A2", "B", "C" };

/* which tasks share P's fd table, P's fs */
#define P_FILES		((1 << P) | (1 << A) | (1 << AT) | (1 << A2) | (1 << C))
#define P_FS		((1 << P) | (1 << B) | (1 << C))

#define FD_P		10
#define FD_A		20
#define FD_AT		21

#define STEP_MS		20
#define STEP_TIMEOUT_MS	10000	/* for any step after DIR/stop */

/* phases: P sets sh->phase, each other task sets its ack to it once done */
enum { PH_NONE, PH_CHECK1, PH_CHECK2, PH_CHANGE, PH_CHECK3, PH_EXIT };

struct shared {
	long count[NTASKS];
	int up[NTASKS];
	int phase;
	int ack[NTASKS];
	int bad[NTASKS];
};

static struct shared *sh;
static char dir[PATH_MAX];
static pid_t ppid_of[NTASKS];	/* the parent each task must keep */

static int get(int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void set(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, n) < 0)
		return;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static int exists(const char *name)
{
	char path[PATH_MAX + 32];
	struct stat st;

	path_of(path, sizeof(path), name);
	return stat(path, &st) == 0;
}

/* one step of counting; the parent must still be the one it was */
static void tick(int me)
{
	__atomic_add_fetch(&sh->count[me], 1, __ATOMIC_SEQ_CST);
	if (me != P && getppid() != ppid_of[me]) {
		say("sharetables: %s: its parent %d is gone (parent now %d)",
		    names[me], (int)ppid_of[me], (int)getppid());
		_exit(1);
	}
	sleep_ms(STEP_MS);
}

/* --- the checks -------------------------------------------------- */

#define mismatch(me, ...) do {					\
	say("sharetables: " __VA_ARGS__);			\
	sh->bad[me]++;						\
} while (0)

/* fd @fd is DIR/@name (same inode), or closed if @name is NULL */
static void check_fd(int me, int fd, const char *name, const char *why)
{
	char path[PATH_MAX + 32];
	struct stat fst, st;
	int flags;

	errno = 0;
	flags = fcntl(fd, F_GETFD);
	if (!name) {
		if (flags != -1 || errno != EBADF)
			mismatch(me, "%s: fd %d is open, expected it closed (%s)",
				 names[me], fd, why);
		return;
	}
	if (flags == -1) {
		mismatch(me, "%s: fd %d: %s, expected %s/%s open (%s)",
			 names[me], fd, strerror(errno), dir, name, why);
		return;
	}
	path_of(path, sizeof(path), name);
	if (fstat(fd, &fst) || stat(path, &st)) {
		mismatch(me, "%s: fd %d or %s: %s", names[me], fd, path,
			 strerror(errno));
		return;
	}
	if (fst.st_ino != st.st_ino || fst.st_dev != st.st_dev)
		mismatch(me, "%s: fd %d is inode %lu, expected %s (inode %lu) (%s)",
			 names[me], fd, (unsigned long)fst.st_ino, path,
			 (unsigned long)st.st_ino, why);
}

/* umask from /proc/self/status: reading it with umask() would change it */
static int read_umask(void)
{
	char line[256];
	unsigned int m;
	int ret = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Umask: %o", &m) == 1) {
			ret = m;
			break;
		}
	fclose(f);
	return ret;
}

/* cwd DIR/@sub (DIR if NULL) and umask @mask */
static void check_fs(int me, const char *sub, int mask, const char *why)
{
	char cwd[PATH_MAX], want[PATH_MAX + 32];
	int m;

	if (sub)
		path_of(want, sizeof(want), sub);
	else
		snprintf(want, sizeof(want), "%s", dir);
	if (!getcwd(cwd, sizeof(cwd)))
		mismatch(me, "%s: getcwd: %s, expected %s (%s)", names[me],
			 strerror(errno), want, why);
	else if (strcmp(cwd, want))
		mismatch(me, "%s: cwd %s, expected %s (%s)", names[me], cwd,
			 want, why);
	m = read_umask();
	if (m != mask)
		mismatch(me, "%s: umask %03o, expected %03o (%s)", names[me], m,
			 mask, why);
}

static const char *files_why(int me)
{
	return (P_FILES >> me) & 1 ? "P's fd table, shared" :
	       "an fd table of its own";
}

static const char *fs_why(int me)
{
	return (P_FS >> me) & 1 ? "P's fs, shared" :
	       me == A || me == AT ? "A's fs, not P's" : "an fs of its own";
}

/* the state before any change: after the setup, and after a restart */
static void check_setup(int me)
{
	int shares_files = (P_FILES >> me) & 1, shares_fs = (P_FS >> me) & 1;

	check_fd(me, FD_P, shares_files ? "p-file" : NULL, files_why(me));
	check_fd(me, FD_A, NULL, "nobody opened it yet");
	check_fd(me, FD_AT, NULL, "nobody opened it yet");
	check_fs(me, shares_fs ? "sub" : NULL, shares_fs ? 027 : 022, fs_why(me));
}

static int open_at(int me, const char *name, int fd)
{
	char path[PATH_MAX + 32];
	int f;

	path_of(path, sizeof(path), name);
	f = open(path, O_RDWR | O_CREAT, 0644);
	if (f < 0 || dup2(f, fd) != fd) {
		mismatch(me, "%s: opening %s at fd %d: %s", names[me], path, fd,
			 strerror(errno));
		return -1;
	}
	close(f);
	return 0;
}

static void change(int me)
{
	char path[PATH_MAX + 32];
	int old;

	switch (me) {
	case P:
		if (close(FD_P))
			mismatch(me, "P: close(%d): %s", FD_P, strerror(errno));
		break;
	case A:
		open_at(me, "a-file", FD_A);
		break;
	case AT:
		open_at(me, "t-file", FD_AT);
		break;
	case B:
		path_of(path, sizeof(path), "sub2");
		if (chdir(path))
			mismatch(me, "B: chdir(%s): %s", path, strerror(errno));
		old = umask(077);
		if (old != 027)
			mismatch(me, "B: umask(077) returned %03o, expected 027 (P's fs, shared)",
				 old);
		break;
	}
}

static void check_changed(int me)
{
	int shares_files = (P_FILES >> me) & 1, shares_fs = (P_FS >> me) & 1;
	int old;

	check_fd(me, FD_P, NULL, shares_files ? "P closed it in the shared fd table" :
		 "never opened in its fd table");
	check_fd(me, FD_A, shares_files ? "a-file" : NULL,
		 shares_files ? "A opened it in the shared fd table" :
		 "A opened it in another fd table");
	check_fd(me, FD_AT, shares_files ? "t-file" : NULL,
		 shares_files ? "AT opened it in the shared fd table" :
		 "AT opened it in another fd table");
	check_fs(me, shares_fs ? "sub2" : NULL, shares_fs ? 077 : 022,
		 shares_fs ? "B changed P's fs, shared" : fs_why(me));
	if (me == P) {
		old = umask(077);	/* P's own way to see it: the old value */
		if (old != 077)
			mismatch(me, "P: umask(077) returned %03o, expected 077 (B set it)",
				 old);
	}
}

/* what task @me does in @phase */
static void act(int me, int phase)
{
	switch (phase) {
	case PH_CHECK1:
	case PH_CHECK2:
		check_setup(me);
		break;
	case PH_CHANGE:
		change(me);
		break;
	case PH_CHECK3:
		check_changed(me);
		break;
	}
}

/*
 * A task but P: do each phase as P announces it, until PH_EXIT.  It
 * waits for PH_CHECK2 (DIR/stop) without a time limit, for the other
 * phases STEP_TIMEOUT_MS at most.
 */
static void follow(int me)
{
	int phase, waited;

	set(&sh->up[me], 1);
	for (phase = PH_CHECK1; phase < PH_EXIT; phase++) {
		for (waited = 0; get(&sh->phase) < phase; waited += STEP_MS) {
			if (phase != PH_CHECK2 && waited > STEP_TIMEOUT_MS) {
				mismatch(me, "%s: P did not start phase %d within %d ms",
					 names[me], phase, STEP_TIMEOUT_MS);
				return;
			}
			tick(me);
		}
		act(me, phase);
		set(&sh->ack[me], phase);
	}
	for (waited = 0; get(&sh->phase) < PH_EXIT && waited <= STEP_TIMEOUT_MS;
	     waited += STEP_MS)
		sleep_ms(STEP_MS);
}

/* P: do @phase and wait until the others did it too; 0 if they did */
static int lead(int phase)
{
	int i, n, waited;

	set(&sh->phase, phase);
	act(P, phase);
	for (waited = 0; ; waited += STEP_MS) {
		for (i = A, n = 0; i < NTASKS; i++)
			n += get(&sh->ack[i]) >= phase;
		if (n == NTASKS - 1)
			return 0;
		if (waited > STEP_TIMEOUT_MS)
			break;
		tick(P);
	}
	for (i = A; i < NTASKS; i++)
		if (get(&sh->ack[i]) < phase)
			mismatch(P, "%s did not finish phase %d within %d ms",
				 names[i], phase, STEP_TIMEOUT_MS);
	return -1;
}

/* --- the tasks --------------------------------------------------- */

static pid_t clone_with(unsigned long flags)
{
	/* fork-like: no new stack, the child goes on with a copy of ours */
	return syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

/* wait (STEP_TIMEOUT_MS at most) for @pid: 0 if it exited 0 */
static int reap(int me, pid_t pid, const char *what)
{
	int status, waited;
	pid_t r;

	for (waited = 0; waited <= STEP_TIMEOUT_MS; waited += STEP_MS) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				return 0;
			mismatch(me, "%s: %s (pid %d) ended with status %#x",
				 names[me], what, (int)pid, status);
			return -1;
		}
		if (r < 0) {
			mismatch(me, "%s: waitpid(%s, pid %d): %s", names[me], what,
				 (int)pid, strerror(errno));
			return -1;
		}
		sleep_ms(STEP_MS);
	}
	mismatch(me, "%s: %s (pid %d) did not end within %d ms: killed", names[me],
		 what, (int)pid, STEP_TIMEOUT_MS);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void *thread_at(void *arg)
{
	follow(AT);
	return arg;
}

static void task_a(void)
{
	pthread_t th;
	pid_t a2;
	int ret;

	a2 = clone_with(CLONE_FILES);
	if (a2 < 0) {
		mismatch(A, "A: clone(CLONE_FILES): %s", strerror(errno));
		_exit(2);
	}
	if (a2 == 0) {
		ppid_of[A2] = getppid();
		follow(A2);
		_exit(0);
	}
	ret = pthread_create(&th, NULL, thread_at, NULL);
	if (ret) {
		mismatch(A, "A: pthread_create: %s", strerror(ret));
		kill(a2, SIGKILL);
		_exit(2);
	}
	follow(A);
	reap(A, a2, "A2");
	/* AT is done once A is (same phases); give it the same time limit */
	pthread_join(th, NULL);
	_exit(0);
}

int main(int argc, char **argv)
{
	static const unsigned long flags[NTASKS] = {
		[A] = CLONE_FILES, [B] = CLONE_FS, [C] = CLONE_FILES | CLONE_FS,
	};
	char path[PATH_MAX + 32], line[32];
	pid_t pid[NTASKS] = { 0 };
	long before[NTASKS], sum;
	int i, pfd, waited, total, n, f;

	if (argc != 2 || !realpath(argv[1], dir)) {
		fprintf(stderr, "usage: sharetables DIR\n");
		return 2;
	}
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	/* nothing inherited in the way of fds 10, 20, 21 */
	for (i = 3; i < 64; i++)
		close(i);
	path_of(path, sizeof(path), "progress");
	pfd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (pfd < 0 || chdir(dir)) {
		perror(path);
		return 2;
	}
	umask(022);
	for (i = 0; i < NTASKS; i++)
		ppid_of[i] = getpid();
	for (i = A; i < NTASKS; i++) {
		if (i == AT || i == A2)
			continue;
		pid[i] = clone_with(flags[i]);
		if (pid[i] < 0) {
			perror("clone");
			goto kill_all;
		}
		if (pid[i] == 0) {
			if (i == A)
				task_a();
			follow(i);
			_exit(0);
		}
	}
	/* ppid_of[A2] is A, set in A2 */
	for (waited = 0; ; waited += STEP_MS) {
		for (i = A, n = 0; i < NTASKS; i++)
			n += get(&sh->up[i]);
		if (n == NTASKS - 1)
			break;
		if (waited > STEP_TIMEOUT_MS) {
			say("sharetables: only %d tasks of %d came up", n + 1, NTASKS);
			goto kill_all;
		}
		sleep_ms(STEP_MS);
	}

	/* the state to share: fd 10, umask 027, cwd DIR/sub */
	path_of(path, sizeof(path), "sub");
	mkdir(path, 0755);
	if (chdir(path)) {
		perror(path);
		goto kill_all;
	}
	path_of(path, sizeof(path), "sub2");
	mkdir(path, 0755);
	umask(027);
	path_of(path, sizeof(path), "p-file");
	f = open(path, O_RDWR | O_CREAT, 0644);
	if (f < 0 || dup2(f, FD_P) != FD_P) {
		perror(path);
		goto kill_all;
	}
	close(f);

	if (lead(PH_CHECK1))
		goto kill_all;
	for (i = 0, total = 0; i < NTASKS; i++)
		total += sh->bad[i];
	if (total) {
		say("sharetables: DAMAGED before the checkpoint: the program or the kernel is wrong");
		goto kill_all;
	}
	path_of(path, sizeof(path), "ready");
	close(open(path, O_WRONLY | O_CREAT, 0644));

	while (!exists("stop")) {
		for (i = 0, sum = 0; i < NTASKS; i++)
			sum += __atomic_load_n(&sh->count[i], __ATOMIC_SEQ_CST);
		n = snprintf(line, sizeof(line), "%ld\n", sum);
		if (pwrite(pfd, line, n, 0) != n) {
			perror("progress");
			goto kill_all;
		}
		tick(P);
	}

	/* every task goes on counting (AT and A2 included) */
	for (i = 0; i < NTASKS; i++)
		before[i] = __atomic_load_n(&sh->count[i], __ATOMIC_SEQ_CST);
	for (waited = 0; waited <= STEP_TIMEOUT_MS; waited += STEP_MS) {
		for (i = A, n = 0; i < NTASKS; i++)
			n += __atomic_load_n(&sh->count[i], __ATOMIC_SEQ_CST) > before[i];
		if (n == NTASKS - 1)
			break;
		tick(P);
	}
	for (i = A; i < NTASKS; i++)
		if (__atomic_load_n(&sh->count[i], __ATOMIC_SEQ_CST) <= before[i])
			mismatch(P, "%s does not count any more (count %ld)", names[i],
				 before[i]);

	if (lead(PH_CHECK2) || lead(PH_CHANGE) || lead(PH_CHECK3))
		goto kill_all;
	set(&sh->phase, PH_EXIT);
	for (i = A; i < NTASKS; i++)
		if (pid[i] > 0)
			reap(P, pid[i], names[i]);
	for (i = 0, total = 0; i < NTASKS; i++)
		total += sh->bad[i];
	if (total) {
		say("sharetables: DAMAGED: %d mismatches", total);
		return 1;
	}
	say("sharetables: fd tables and fs information intact (%d tasks)", NTASKS);
	return 0;

kill_all:
	for (i = A; i < NTASKS; i++)
		if (pid[i] > 0)
			kill(pid[i], SIGKILL);
	/* A2 is A's: it sees A gone and exits */
	say("sharetables: DAMAGED");
	return 1;
}
