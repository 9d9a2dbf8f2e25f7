// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * evloop DIR: a libevent program (Debian's libevent 2.1, linked
 * dynamically), as an unmodified event-driven program is written: an
 * event_base (epoll) with a persistent 100 ms timer, a SIGUSR1 signal
 * event (libevent's handler writes to a pipe of its own) and a reader of
 * a pipe that a child of the program writes to, one line every 200 ms.
 * The program counts timer ticks and lines in DIR/progress and creates
 * DIR/ready once both came; when DIR/stop appears it stops the child,
 * waits for the lines still in the pipe (the child's last line is
 * "end"), and checks that every line came once and in order (each
 * carries its number).  Prints "libevent loop intact: ... N signals" and
 * exits 0, or says what differs and exits 1.
 */
#define _GNU_SOURCE
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[256];
static long ticks, lines, signals, expect_next = 1;
static int bad, ended;
static char partial[256];
static size_t plen;

static int exists(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void progress(void)
{
	char path[512], tmp[512];
	FILE *f;

	/* replaced whole: a reader never sees it empty */
	snprintf(path, sizeof(path), "%s/progress", dir);
	snprintf(tmp, sizeof(tmp), "%s/progress.tmp", dir);
	f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "%ld\n", ticks + lines);
		fclose(f);
		rename(tmp, path);
	}
	if (ticks > 2 && lines > 1 && !exists("ready")) {
		snprintf(path, sizeof(path), "%s/ready", dir);
		close(open(path, O_WRONLY | O_CREAT, 0644));
	}
}

static void on_line(const char *line)
{
	if (!strcmp(line, "end")) {
		ended = 1;
		return;
	}
	if (atol(line) != expect_next) {
		printf("evloop: line %s where %ld belongs\n", line, expect_next);
		bad = 1;
	}
	expect_next = atol(line) + 1;
	lines++;
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	struct event_base *base = arg;
	char buf[128];
	ssize_t n = read(fd, buf, sizeof(buf));
	ssize_t i;

	(void)what;
	if (n <= 0) {
		event_base_loopbreak(base);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (plen < sizeof(partial) - 1)
				partial[plen++] = buf[i];
			continue;
		}
		partial[plen] = 0;
		on_line(partial);
		plen = 0;
	}
	progress();
	if (ended)
		event_base_loopbreak(base);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	ticks++;
	progress();
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	signals++;
	printf("evloop: SIGUSR1 %ld\n", signals);
	fflush(stdout);
}

static void writer(int wr)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	char line[32];
	long n;

	signal(SIGTERM, SIG_DFL);
	for (n = 1; !exists("stop"); n++) {
		int len = snprintf(line, sizeof(line), "%ld\n", n);

		if (write(wr, line, len) != len)
			_exit(1);
		nanosleep(&ts, NULL);
	}
	_exit(write(wr, "end\n", 4) != 4);
}

int main(int argc, char **argv)
{
	struct timeval tv = { 0, 100000 };
	struct event *tick, *rd, *sig;
	struct event_base *base;
	int p[2], status;
	pid_t child;

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	if (pipe(p))
		return 1;
	child = fork();
	if (child == 0) {
		close(p[0]);
		writer(p[1]);
	}
	close(p[1]);
	base = event_base_new();
	tick = event_new(base, -1, EV_PERSIST, on_tick, NULL);
	rd = event_new(base, p[0], EV_READ | EV_PERSIST, on_read, base);
	sig = evsignal_new(base, SIGUSR1, on_signal, NULL);
	if (!base || !tick || !rd || !sig || event_add(tick, &tv) ||
	    event_add(rd, NULL) || event_add(sig, NULL)) {
		printf("evloop: cannot set up libevent\n");
		return 1;
	}
	printf("evloop: libevent %s, method %s\n", event_get_version(),
	       event_base_get_method(base));
	fflush(stdout);
	/* blocked in epoll_wait() here across the checkpoint */
	event_base_dispatch(base);
	if (!ended) {
		printf("evloop: the loop ended before the child's last line\n");
		bad = 1;
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("evloop: the writer failed\n");
		bad = 1;
	}
	if (!bad)
		printf("libevent loop intact: %ld ticks, %ld lines, %ld signals\n",
		       ticks, lines, signals);
	event_free(sig);
	event_free(tick);
	event_free(rd);
	event_base_free(base);
	return bad;
}
