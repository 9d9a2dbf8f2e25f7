// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ghosts DIR: the init of a pid namespace (a container) whose tree has
 * lost leaders and parents, and checks itself across a checkpoint and
 * restart:
 *
 *   A calls setsid() and forks B, which forks C, which leads its own
 *     group; A exits: B (now init's child) and C are in a session whose
 *     leader is gone, B in a process group whose leader is gone;
 *   D leads its own group and forks E; D exits: E is in a group whose
 *     leader is gone;
 *   F is a child subreaper; it forks G, which forks H; G exits: H is F's
 *     child now;
 *   P forks Z, which exits with status 3 (a zombie), and W; P waits in
 *     waitpid() for W, then reaps Z and expects 3.
 *
 * Once the tree settled (DIR/settled), every process notes its pid,
 * parent, group and session; DIR/ready appears when all have.  After
 * DIR/stop each checks them and writes "PID ok" to a shared log; the
 * init reaps everything and says "ghosts intact: 8 processes".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SURVIVORS	7	/* B C E F H P W */

static const char *dir;
static int log_fd;
static pid_t my_pid, my_ppid, my_pgid, my_sid;

static void nap(int ms)
{
	struct timespec ts = { 0, ms * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static int exists(const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

static void create(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	close(open(path, O_WRONLY | O_CREAT, 0644));
}

/* Wait for the tree to settle, note the ids, say so. */
static void settle(void)
{
	char name[32];

	while (!exists("settled"))
		nap(10);
	my_pid = getpid();
	my_ppid = getppid();
	my_pgid = getpgid(0);
	my_sid = getsid(0);
	snprintf(name, sizeof(name), "up.%d", my_pid);
	create(name);
}

static const char *check(void)
{
	if (getpid() != my_pid)
		return "pid changed";
	if (getppid() != my_ppid)
		return "parent changed";
	if (getpgid(0) != my_pgid)
		return "process group changed";
	if (getsid(0) != my_sid)
		return "session changed";
	return NULL;
}

/* Until DIR/stop, then report; the exit status. */
static int run(void)
{
	const char *bad = NULL;
	char line[128];
	int n;

	while (!exists("stop") && !bad) {
		nap(20);
		bad = check();
	}
	if (!bad)
		bad = check();
	n = snprintf(line, sizeof(line), "%d %s (ppid %d pgid %d sid %d)\n",
		     my_pid, bad ?: "ok", my_ppid, my_pgid, my_sid);
	if (write(log_fd, line, n) != n)
		return 1;
	return bad ? 1 : 0;
}

static int reap_all(void)
{
	int status, bad = 0;

	while (wait(&status) > 0)
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	return bad;
}

static pid_t spawn(void (*body)(void))
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		body();
		exit(0);
	}
	return pid;
}

static void survivor(void)
{
	settle();
	exit(run() | reap_all());
}

static void own_group_survivor(void)
{
	setpgid(0, 0);
	survivor();
}

static void b(void)
{
	spawn(own_group_survivor);	/* C */
	survivor();
}

static void a(void)
{
	setsid();
	spawn(b);
	nap(100);	/* B and C exist before A goes */
}

static void d(void)
{
	setpgid(0, 0);
	spawn(survivor);		/* E */
	nap(100);
}

static void g(void)
{
	spawn(survivor);		/* H */
	nap(100);
}

static void f(void)
{
	pid_t gpid;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	gpid = spawn(g);
	waitpid(gpid, NULL, 0);
	create("f-settled");
	survivor();
}

static void zombie(void)
{
	exit(3);
}

static void p(void)
{
	pid_t z = spawn(zombie), w = spawn(survivor);
	int status, bad;

	settle();
	waitpid(w, &status, 0);		/* Z stays a zombie meanwhile */
	bad = !WIFEXITED(status) || WEXITSTATUS(status);
	waitpid(z, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 3) {
		printf("ghosts: the zombie's status is %#x, not exit 3\n", status);
		bad = 1;
	}
	exit(run() | bad);
}

static int count_up(void)
{
	struct dirent *e;
	DIR *dp = opendir(dir);
	int n = 0;

	if (!dp)
		return -1;
	while ((e = readdir(dp)))
		n += !strncmp(e->d_name, "up.", 3);
	closedir(dp);
	return n;
}

int main(int argc, char **argv)
{
	char path[512], buf[4096];
	int bad, lines = 0, i;
	pid_t apid, dpid;
	ssize_t n;

	if (argc != 2)
		return 2;
	dir = argv[1];
	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(path, sizeof(path), "%s/log", dir);
	log_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (log_fd < 0)
		return 2;
	apid = spawn(a);
	dpid = spawn(d);
	spawn(f);
	spawn(p);
	waitpid(apid, NULL, 0);
	waitpid(dpid, NULL, 0);
	while (!exists("f-settled"))
		nap(10);
	nap(100);	/* the orphans are init's now */
	create("settled");
	while (count_up() != SURVIVORS)
		nap(10);
	create("ready");

	while (!exists("stop"))
		nap(20);
	bad = reap_all();
	n = pread(log_fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	for (i = 0; buf[i]; i++)
		lines += buf[i] == '\n';
	if (lines != SURVIVORS || strstr(buf, "changed")) {
		printf("ghosts: the log has %d lines, expected %d:\n%s", lines,
		       SURVIVORS, buf);
		bad = 1;
	}
	printf("%s: %d processes\n", bad ? "ghosts damaged" : "ghosts intact",
	       SURVIVORS + 1);
	return bad;
}
