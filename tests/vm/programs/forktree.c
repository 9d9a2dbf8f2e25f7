// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * forktree DIR: a tree of processes that checks itself across a
 * checkpoint and restart.
 *
 *   root (session leader of its own session)
 *   +- 10 children; child 0 is a zombie (exit status 7, not reaped yet)
 *   |  child 1 leads its own process group, child 2 its own session
 *   +- children 1 and 2 have 2 children each, in their group and session
 *   +- the first grandchild under child 1 has a child: depth 3
 *
 * Every process keeps a pattern in its memory and its ids (pid, parent,
 * process group, session); all write to one log file opened before the
 * forks, whose offset they share.  Each steps every 20 ms until DIR/stop
 * appears, checking pattern and ids, then writes "PID ok" (or what was
 * wrong) to the log and exits 0 (1 if wrong).  The root waits for its
 * children, expects 7 from the zombie and 0 from the others, counts the
 * log's lines and says "tree intact: N processes" on stdout.
 *
 * DIR/ready appears when the whole tree is set up.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WIDTH		10
#define NPROCS		(1 + WIDTH + 2 + 2 + 1)	/* root, children, grandchildren, depth 3 */
#define PATTERN_WORDS	4096

static const char *dir;
static int log_fd;
static unsigned int pattern[PATTERN_WORDS];
static pid_t my_pid, my_ppid, my_pgid, my_sid;
static int is_root;	/* its parent is outside the tree: restart after a restart */

static void fill(void)
{
	int i;

	for (i = 0; i < PATTERN_WORDS; i++)
		pattern[i] = (unsigned int)my_pid * 2654435761u + i;
}

static const char *check(void)
{
	int i;

	for (i = 0; i < PATTERN_WORDS; i++)
		if (pattern[i] != (unsigned int)my_pid * 2654435761u + i)
			return "memory pattern changed";
	if (getpid() != my_pid)
		return "pid changed";
	if (!is_root && getppid() != my_ppid)
		return "parent changed";
	if (getpgid(0) != my_pgid)
		return "process group changed";
	if (getsid(0) != my_sid)
		return "session changed";
	return NULL;
}

static void note_ids(void)
{
	char path[512];

	my_pid = getpid();
	my_ppid = getppid();
	my_pgid = getpgid(0);
	my_sid = getsid(0);
	fill();
	snprintf(path, sizeof(path), "%s/up.%d", dir, my_pid);
	close(open(path, O_WRONLY | O_CREAT, 0644));
}

static int stopped(void)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/stop", dir);
	return stat(path, &st) == 0;
}

/* Step until DIR/stop; report on the shared log; the exit status. */
static int run(void)
{
	const char *bad = NULL;
	char line[128];
	int n;

	while (!stopped() && !bad) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		bad = check();
	}
	if (!bad)
		bad = check();
	n = snprintf(line, sizeof(line), "%d %s\n", my_pid, bad ? bad : "ok");
	if (write(log_fd, line, n) != n)
		return 1;
	return bad ? 1 : 0;
}

/* Fork a child that runs @setup then run(); return its pid. */
static pid_t spawn(void (*setup)(void))
{
	pid_t pid = fork();

	if (pid == 0)
		is_root = 0;
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid)
		return pid;
	if (setup)
		setup();
	note_ids();
	exit(run());
}

static int wait_all(int expect_zombie_pid)
{
	int status, bad = 0;
	pid_t pid;

	while ((pid = wait(&status)) > 0) {
		int want = pid == expect_zombie_pid ? 7 : 0;

		if (!WIFEXITED(status) || WEXITSTATUS(status) != want) {
			printf("child %d: status %#x, expected exit %d\n", pid, status, want);
			bad = 1;
		}
	}
	return bad;
}

static void depth3(void)
{
	note_ids();
	spawn(NULL);
	exit(run() | wait_all(0));
}

static void own_group(void)
{
	setpgid(0, 0);
	note_ids();
	spawn(depth3);
	spawn(NULL);
	exit(run() | wait_all(0));
}

static void own_session(void)
{
	setsid();
	note_ids();
	spawn(NULL);
	spawn(NULL);
	exit(run() | wait_all(0));
}

static void zombie(void)
{
	exit(7);
}

static int count_up(void)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, "up.", 3);
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	char path[512], buf[8192];
	pid_t zpid;
	int i, bad, lines = 0;
	ssize_t n;

	if (argc != 2)
		return 2;
	dir = argv[1];
	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(path, sizeof(path), "%s/log", dir);
	log_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (log_fd < 0)
		return 2;
	setsid();
	note_ids();
	is_root = 1;
	zpid = spawn(zombie);
	spawn(own_group);
	spawn(own_session);
	for (i = 3; i < WIDTH; i++)
		spawn(NULL);
	/* the zombie exited without up.PID */
	while (count_up() != NPROCS - 1) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	snprintf(path, sizeof(path), "%s/ready", dir);
	close(open(path, O_WRONLY | O_CREAT, 0644));

	bad = run();
	bad |= wait_all(zpid);
	n = pread(log_fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	for (i = 0; buf[i]; i++)
		lines += buf[i] == '\n';
	if (lines != NPROCS - 1 || strstr(buf, " ok\n") == NULL) {
		printf("the log has %d lines, expected %d:\n%s", lines, NPROCS - 1, buf);
		bad = 1;
	}
	for (i = 0; buf[i]; i++)
		if (!strncmp(buf + i, "changed", 7))
			bad = 1;
	printf("%s: %d processes\n", bad ? "tree damaged" : "tree intact", NPROCS - 1);
	return bad;
}
