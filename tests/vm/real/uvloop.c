// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uvloop DIR: a libuv program (Debian's libuv 1.44, linked dynamically),
 * as an unmodified event-driven program is written: the default loop
 * (epoll) with a repeating 100 ms timer, a SIGUSR1 signal handle (libuv
 * handles signals through a pipe of its own), an async handle woken
 * every fifth tick (libuv wakes a loop through an eventfd) and a pipe
 * that a child of the program writes to, one line every 200 ms.  The
 * program counts timer ticks and lines in DIR/progress and creates
 * DIR/ready once both came; when DIR/stop appears it stops the child,
 * reads the lines still in the pipe (the child's last line is "end"),
 * and checks that every line came once and in order (each carries its
 * number) and that every async wake-up was delivered.  Prints "libuv
 * loop intact: ... N signals" and exits 0, or says what differs and
 * exits 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

static char dir[256];
static long ticks, lines, signals, asyncs_sent, asyncs_seen, expect_next = 1;
static int bad, ended;
static char partial[256];
static size_t plen;
static uv_timer_t tick;
static uv_signal_t sig;
static uv_async_t async;
static uv_pipe_t rd;

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
		printf("uvloop: line %s where %ld belongs\n", line, expect_next);
		bad = 1;
	}
	expect_next = atol(line) + 1;
	lines++;
}

static void close_all(void)
{
	uv_close((uv_handle_t *)&tick, NULL);
	uv_close((uv_handle_t *)&sig, NULL);
	uv_close((uv_handle_t *)&async, NULL);
	uv_close((uv_handle_t *)&rd, NULL);
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
	static char space[128];

	(void)h;
	(void)size;
	*buf = uv_buf_init(space, sizeof(space));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	ssize_t i;

	(void)s;
	if (n < 0) {
		close_all();
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf->base[i] != '\n') {
			if (plen < sizeof(partial) - 1)
				partial[plen++] = buf->base[i];
			continue;
		}
		partial[plen] = 0;
		on_line(partial);
		plen = 0;
	}
	progress();
	if (ended)
		close_all();
}

static void on_tick(uv_timer_t *t)
{
	(void)t;
	ticks++;
	if (ticks % 5 == 0) {
		asyncs_sent++;
		uv_async_send(&async);
	}
	progress();
}

static void on_async(uv_async_t *a)
{
	(void)a;
	asyncs_seen = asyncs_sent;
}

static void on_signal(uv_signal_t *s, int signum)
{
	(void)s;
	(void)signum;
	signals++;
	printf("uvloop: SIGUSR1 %ld\n", signals);
	fflush(stdout);
}

static void writer(int wr)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	char line[32];
	long n;

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
	uv_loop_t *loop;
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
	loop = uv_default_loop();
	if (!loop || uv_timer_init(loop, &tick) || uv_signal_init(loop, &sig) ||
	    uv_async_init(loop, &async, on_async) || uv_pipe_init(loop, &rd, 0) ||
	    uv_pipe_open(&rd, p[0]) || uv_timer_start(&tick, on_tick, 100, 100) ||
	    uv_signal_start(&sig, on_signal, SIGUSR1) ||
	    uv_read_start((uv_stream_t *)&rd, on_alloc, on_read)) {
		printf("uvloop: cannot set up libuv\n");
		return 1;
	}
	printf("uvloop: libuv %s, backend fd %d\n", uv_version_string(),
	       uv_backend_fd(loop));
	fflush(stdout);
	/* blocked in epoll_wait() here across the checkpoint */
	uv_run(loop, UV_RUN_DEFAULT);
	if (!ended) {
		printf("uvloop: the loop ended before the child's last line\n");
		bad = 1;
	}
	/* the last one may still be pending when the handles close */
	if (asyncs_sent < 2 || asyncs_seen < asyncs_sent - 1) {
		printf("uvloop: %ld async wake-ups sent, the last one seen was %ld\n",
		       asyncs_sent, asyncs_seen);
		bad = 1;
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("uvloop: the writer failed\n");
		bad = 1;
	}
	if (!bad)
		printf("libuv loop intact: %ld ticks, %ld lines, %ld async wake-ups, %ld signals\n",
		       ticks, lines, asyncs_sent, signals);
	uv_loop_close(loop);
	return bad;
}
