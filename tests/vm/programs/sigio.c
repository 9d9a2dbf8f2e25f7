// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sigio DIR: signal-driven I/O (O_ASYNC, F_SETOWN, F_SETOWN_EX, F_SETSIG)
 * across a checkpoint.
 *
 * The parent makes itself a process group leader (setpgid(0, 0)) and
 * forks a child, which is in its group.  They hold:
 *   a  (parent) a pipe whose read end has O_ASYNC, F_SETOWN to the
 *      parent and F_SETSIG SIGRTMIN+1: the handler gets si_fd, the read
 *      end, and si_code POLL_IN;
 *   b  (both) a socketpair made before the fork, one end of it shared by
 *      the parent and the child (a master's channel inherited by its
 *      workers), with O_ASYNC and F_SETOWN to the parent, no F_SETSIG:
 *      the child writes to the other end, the parent gets plain SIGIO;
 *   c  (child) a pipe whose read end has F_SETOWN_EX F_OWNER_TID to a
 *      second thread of the child, F_SETSIG SIGRTMIN+2 and O_ASYNC: that
 *      thread, and no other, gets the signal (gettid() in the handler);
 *   d  (parent) DIR/sigonly open with F_SETSIG SIGRTMIN+4 only (no owner,
 *      no O_ASYNC);
 *   e  (both) a pipe made before the fork whose read end has F_SETOWN to
 *      the parent's process group (F_OWNER_PGRP), F_SETSIG SIGRTMIN+3 and
 *      O_ASYNC: both processes get the signal.
 * Every 50 ms the parent writes to the pipes of a and e and the child to
 * those of b and c (each reader drains them).  Every handler counts its
 * signals and checks si_fd and si_code (the real-time ones) and the
 * thread it runs in; a signal to a process that is not its file's owner
 * counts as an error.  The parent creates DIR/ready and counts in
 * DIR/progress until DIR/stop appears; then both check with fcntl that
 * O_ASYNC is still set (F_GETFL), that F_GETOWN, F_GETOWN_EX and F_GETSIG
 * give what they gave before (the pids are restored) and d has F_GETSIG
 * and no owner (F_GETOWN 0), and that each file's signal comes again
 * when it is written to, to the right task.  The child tells its result
 * to the parent over b; the parent prints "sigio intact" and exits 0, or
 * says what differs (the child's part prefixed "child: ") and exits 1.
 * A case it cannot set up is said as "setup failed: ..." (DIR/ready
 * created all the same), and it exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testdir.h"

/* The cases that send signals, by their signal. */
enum { A, B, C, E, NCASES };

static const char *const case_names[NCASES] = {
	"a (pipe, F_SETSIG SIGRTMIN+1)",
	"b (shared socket, SIGIO)",
	"c (pipe owned by a thread, SIGRTMIN+2)",
	"e (pipe owned by the process group, SIGRTMIN+3)",
};

static int sig_of[NCASES];	/* the signal of each case */
static int fd_of[NCASES];	/* its si_fd (real-time signals only) */
static pid_t tid_of[NCASES];	/* the thread that must get it, 0: none here */
static atomic_int count[NCASES], wrong_fd[NCASES], wrong_code[NCASES];
static atomic_int wrong_tid[NCASES], last_tid[NCASES];

static int sigonly;		/* d's signal: SIGRTMIN+4 */

static char errors[1024];	/* what differs, "; "-separated */
static int bad;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	int i, saved = errno;
	pid_t tid = gettid();

	(void)uc;
	for (i = 0; i < NCASES && sig_of[i] != sig; i++)
		;
	if (i == NCASES)
		return;
	if (sig != SIGIO) {
		if (si->si_fd != fd_of[i])
			wrong_fd[i]++;
		if (si->si_code != POLL_IN)
			wrong_code[i]++;
	}
	if (tid != tid_of[i])
		wrong_tid[i]++;
	last_tid[i] = tid;
	count[i]++;
	errno = saved;
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	size_t len = strlen(errors);
	va_list ap;

	if (len && len < sizeof(errors) - 2) {
		strcpy(errors + len, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(errors + len, sizeof(errors) - len, fmt, ap);
	va_end(ap);
	bad = 1;
}

static int add_flags(int fd, int flags)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | flags);
}

/* Read what @fd holds (non-blocking) and forget it. */
static void drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/*
 * The fcntl view of @fd: O_ASYNC @async, F_GETOWN @own, F_GETOWN_EX
 * @type (-1: not checked) and @pid, F_GETSIG @sig; fail() otherwise.
 */
static void check_fd(const char *what, int fd, int async, int own, int type,
		     pid_t pid, int sig)
{
	struct f_owner_ex ex = { 0 };
	int fl = fcntl(fd, F_GETFL), o = fcntl(fd, F_GETOWN);
	int s = fcntl(fd, F_GETSIG);

	if (fl < 0 || fcntl(fd, F_GETOWN_EX, &ex))
		fail("%s: fcntl: %s", what, strerror(errno));
	else if (!!(fl & O_ASYNC) != async)
		fail("%s: O_ASYNC is %s", what, fl & O_ASYNC ? "set" : "not set");
	if (o != own)
		fail("%s: F_GETOWN gives %d, not %d", what, o, own);
	if ((type >= 0 && (int)ex.type != type) || ex.pid != pid)
		fail("%s: F_GETOWN_EX gives type %d pid %d, not type %d pid %d",
		     what, ex.type, (int)ex.pid, type, (int)pid);
	if (s != sig)
		fail("%s: F_GETSIG gives %d, not %d", what, s, sig);
}

/* No signal of a case went astray; @none: the cases this process must not get. */
static void check_signals(const int *none)
{
	int i;

	for (i = 0; i < NCASES; i++) {
		if (wrong_fd[i])
			fail("%s: %d signal(s) with another si_fd than %d",
			     case_names[i], (int)wrong_fd[i], fd_of[i]);
		if (wrong_code[i])
			fail("%s: %d signal(s) with another si_code than POLL_IN",
			     case_names[i], (int)wrong_code[i]);
		if (none[i] && count[i])
			fail("%s: %d signal(s) to this process, not its owner",
			     case_names[i], (int)count[i]);
		else if (wrong_tid[i])
			fail("%s: %d signal(s) to thread %d, not %d",
			     case_names[i], (int)wrong_tid[i], (int)last_tid[i],
			     (int)tid_of[i]);
	}
}

/* Wait (5 s at most) until case @i counted more than @before. */
static void signal_again(int i, int before)
{
	int n;

	for (n = 0; count[i] <= before && n < 100; n++)
		nap();
	if (count[i] <= before)
		fail("%s: no signal when written to after the restart", case_names[i]);
}

static int handle(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

/* The child: case c, and its side of b and e. */
static int sv[2], pe[2];
static pid_t parent;
static atomic_int thread_tid;

static void *owner_thread(void *arg)
{
	(void)arg;
	thread_tid = gettid();
	for (;;)
		pause();
	return NULL;
}

static void child_setup_failed(const char *what)
{
	printf("setup failed: child: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	_exit(1);
}

static int child_main(void)
{
	static const int none[NCASES] = { [A] = 1, [B] = 1 };
	struct f_owner_ex ex = { F_OWNER_TID, 0 };
	sigset_t mask, old;
	pthread_t th;
	pid_t me = getpid(), tid;
	int pc[2], e0, c0, n;
	char buf[64], line[sizeof(errors) + 4];

	tid_of[A] = tid_of[B] = 0;
	tid_of[E] = me;
	if (add_flags(sv[1], O_NONBLOCK))
		child_setup_failed("socket O_NONBLOCK");
	if (pipe(pc) || add_flags(pc[1], O_NONBLOCK))
		child_setup_failed("pipe");
	fd_of[C] = pc[0];
	/* the thread blocks all but its signal: the process's go to the leader */
	sigfillset(&mask);
	sigdelset(&mask, sig_of[C]);
	pthread_sigmask(SIG_SETMASK, &mask, &old);
	errno = pthread_create(&th, NULL, owner_thread, NULL);
	if (errno)
		child_setup_failed("pthread_create");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	while (!thread_tid)
		nap();
	tid = thread_tid;
	tid_of[C] = tid;
	ex.pid = tid;
	if (fcntl(pc[0], F_SETOWN_EX, &ex) || fcntl(pc[0], F_SETSIG, sig_of[C]) ||
	    add_flags(pc[0], O_ASYNC | O_NONBLOCK))
		child_setup_failed("c: F_SETOWN_EX, F_SETSIG or O_ASYNC");
	check_fd("c", pc[0], 1, tid, F_OWNER_TID, tid, sig_of[C]);
	check_fd("b", sv[0], 1, parent, F_OWNER_PID, parent, 0);
	check_fd("e", pe[0], 1, -parent, F_OWNER_PGRP, parent, sig_of[E]);
	if (bad) {
		printf("setup failed: child: %s\n", errors);
		fflush(stdout);
		_exit(1);
	}
	create("child-ready");

	/* until the parent asks for the result ("C" over b) */
	for (;;) {
		if (getppid() != parent)
			_exit(1);
		if (write(sv[1], ".", 1) < 0 && errno != EAGAIN)
			_exit(1);
		if (write(pc[1], "c", 1) < 0 && errno != EAGAIN)
			_exit(1);
		drain(pc[0]);
		n = read(sv[1], buf, sizeof(buf));
		if (n == 0)
			_exit(1);
		if (n > 0 && memchr(buf, 'C', n))
			break;
		nap();
	}

	if (getpid() != me || gettid() != me || thread_tid != tid)
		fail("pid %d, tid %d, thread %d: not %d, %d, %d", (int)getpid(),
		     (int)gettid(), (int)thread_tid, (int)me, (int)me, (int)tid);
	check_fd("c", pc[0], 1, tid, F_OWNER_TID, tid, sig_of[C]);
	check_fd("b", sv[0], 1, parent, F_OWNER_PID, parent, 0);
	check_fd("e", pe[0], 1, -parent, F_OWNER_PGRP, parent, sig_of[E]);
	if (!count[C] || !count[E])
		fail("no signal at all: c %d, e %d", (int)count[C], (int)count[E]);
	c0 = count[C];
	e0 = count[E];
	if (write(pc[1], "c", 1) != 1 || write(pe[1], "e", 1) != 1)
		fail("cannot write to the pipes of c and e");
	signal_again(C, c0);
	signal_again(E, e0);
	check_signals(none);
	n = snprintf(line, sizeof(line), "R%s\n", bad ? errors : "ok");
	if (write(sv[1], line, n) != n)
		return 1;
	return bad;
}

static int setup_failed(const char *what)
{
	printf("setup failed: %s: %s\n", what, strerror(errno));
	create("ready");
	return 1;
}

int main(int argc, char **argv)
{
	static const int none[NCASES] = { [C] = 1 };
	char reply[sizeof(errors) + 4], buf[256], path[512];
	int pa[2], d, i, n, status, a0, b0, e0;
	size_t got = 0;
	pid_t me = getpid(), child;
	long steps = 0;

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	sig_of[A] = SIGRTMIN + 1;
	sig_of[B] = SIGIO;
	sig_of[C] = SIGRTMIN + 2;
	sig_of[E] = SIGRTMIN + 3;
	sigonly = SIGRTMIN + 4;
	tid_of[A] = tid_of[B] = tid_of[E] = me;
	for (i = 0; i < NCASES; i++)
		if (handle(sig_of[i]))
			return setup_failed("sigaction");
	if (setpgid(0, 0))
		return setup_failed("setpgid(0, 0)");

	/* b and e, shared with the child */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(pe) ||
	    add_flags(pe[1], O_NONBLOCK))
		return setup_failed("socketpair or pipe");
	fd_of[E] = pe[0];
	if (fcntl(sv[0], F_SETOWN, me) || add_flags(sv[0], O_ASYNC | O_NONBLOCK))
		return setup_failed("b: F_SETOWN or O_ASYNC");
	if (fcntl(pe[0], F_SETOWN, -me) || fcntl(pe[0], F_SETSIG, sig_of[E]) ||
	    add_flags(pe[0], O_ASYNC | O_NONBLOCK))
		return setup_failed("e: F_SETOWN, F_SETSIG or O_ASYNC");
	parent = me;
	fflush(stdout);
	child = fork();
	if (child < 0)
		return setup_failed("fork");
	if (child == 0)
		_exit(child_main());
	close(sv[1]);

	/* a and d, the parent's own */
	if (pipe(pa) || add_flags(pa[1], O_NONBLOCK))
		return setup_failed("pipe");
	fd_of[A] = pa[0];
	if (fcntl(pa[0], F_SETOWN, me) || fcntl(pa[0], F_SETSIG, sig_of[A]) ||
	    add_flags(pa[0], O_ASYNC | O_NONBLOCK))
		return setup_failed("a: F_SETOWN, F_SETSIG or O_ASYNC");
	snprintf(path, sizeof(path), "%s/sigonly", dir);
	d = open(path, O_RDWR | O_CREAT, 0600);
	if (d < 0 || fcntl(d, F_SETSIG, sigonly))
		return setup_failed("d: open or F_SETSIG");
	check_fd("a", pa[0], 1, me, F_OWNER_PID, me, sig_of[A]);
	check_fd("b", sv[0], 1, me, F_OWNER_PID, me, 0);
	check_fd("d", d, 0, 0, -1, 0, sigonly);
	check_fd("e", pe[0], 1, -me, F_OWNER_PGRP, me, sig_of[E]);
	if (getpgrp() != me)
		fail("its process group is %d, not %d", (int)getpgrp(), (int)me);
	if (bad) {
		printf("setup failed: %s\n", errors);
		create("ready");
		kill(child, SIGKILL);
		return 1;
	}
	while (!exists("child-ready")) {
		if (waitpid(child, &status, WNOHANG) == child) {
			printf("setup failed: the child exited\n");
			create("ready");
			return 1;
		}
		nap();
	}
	create("ready");

	while (!exists("stop")) {
		if (write(pa[1], "a", 1) < 0 && errno != EAGAIN)
			fail("cannot write to a's pipe: %s", strerror(errno));
		if (write(pe[1], "e", 1) < 0 && errno != EAGAIN)
			fail("cannot write to e's pipe: %s", strerror(errno));
		drain(pa[0]);
		drain(pe[0]);
		drain(sv[0]);
		progress(++steps);
		nap();
	}

	if (getpid() != me || getpgrp() != me)
		fail("pid %d, group %d: not %d", (int)getpid(), (int)getpgrp(), (int)me);
	check_fd("a", pa[0], 1, me, F_OWNER_PID, me, sig_of[A]);
	check_fd("b", sv[0], 1, me, F_OWNER_PID, me, 0);
	check_fd("d", d, 0, 0, -1, 0, sigonly);
	check_fd("e", pe[0], 1, -me, F_OWNER_PGRP, me, sig_of[E]);
	if (!count[A] || !count[B] || !count[E])
		fail("no signal at all: a %d, b %d, e %d", (int)count[A],
		     (int)count[B], (int)count[E]);
	a0 = count[A];
	b0 = count[B];
	e0 = count[E];
	/* a and e written to; the child checks, its answer over b brings SIGIO */
	if (write(pa[1], "a", 1) != 1 || write(pe[1], "e", 1) != 1 ||
	    write(sv[0], "C", 1) != 1)
		fail("cannot write to the pipes of a and e, or to the child");
	for (n = 0; n < 200 && (got == 0 || reply[got - 1] != '\n'); n++) {
		i = read(sv[0], buf, sizeof(buf));
		for (int j = 0; j < i; j++) {
			if ((got == 0 && buf[j] != 'R') || got >= sizeof(reply) - 1)
				continue;
			reply[got++] = buf[j];
			if (buf[j] == '\n')
				break;
		}
		if (i == 0 || (got && reply[got - 1] == '\n'))
			break;
		nap();
	}
	reply[got] = 0;
	signal_again(A, a0);
	signal_again(B, b0);
	signal_again(E, e0);
	check_signals(none);
	if (waitpid(child, &status, 0) != child)
		fail("waitpid: %s", strerror(errno));
	if (got == 0 || reply[got - 1] != '\n')
		fail("child: no answer (%d bytes)", (int)got);
	else if (strcmp(reply, "Rok\n")) {
		reply[got - 1] = 0;
		fail("child: %s", reply + 1);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("child: exited with status 0x%x", status);
	if (bad)
		printf("sigio: %s\n", errors);
	else
		printf("sigio intact\n");
	return bad;
}
