// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unixpairs DIR: UNIX socket pairs across a checkpoint.
 *
 * A parent and its child share, each holding one end: a stream pair with
 * bytes queued both ways (the child read two bytes of its five), a
 * datagram pair with three datagrams queued, a seqpacket pair with two
 * records, a stream pair the parent shut down for writing; the parent
 * also holds a stream pair whose other end the child wrote "bye" to and
 * closed.  Options: SO_RCVTIMEO and SO_SNDBUF on the parent's stream end,
 * O_NONBLOCK on its datagram end.  Both create DIR/ready (the parent,
 * once the child is set) and count in DIR/progress until DIR/stop
 * appears; then each reads what was queued for it, with its boundaries,
 * the child sees EOF on the shut down pair, the parent reads "bye" then
 * EOF, and a last exchange goes through the stream pair.  Prints
 * "unix pairs intact" and exits 0, or says what differs and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testdir.h"

static int bad;

static void fail(const char *who, const char *what)
{
	printf("unixpairs %s: %s\n", who, what);
	fflush(stdout);
	bad = 1;
}

/* One read of @fd must give exactly @want. */
static void expect(const char *who, int fd, const char *want, const char *what)
{
	char buf[64] = "";
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail(who, what);
}

static void send_str(int fd, const char *s)
{
	if (send(fd, s, strlen(s), 0) != (ssize_t)strlen(s))
		fail("both", "send");
}

int main(int argc, char **argv)
{
	int s[2], d[2], q[2], x[2], e[2], status, sndbuf, got;
	struct timeval tv = { .tv_sec = 5 };
	socklen_t len = sizeof(tv);
	char buf[8];
	pid_t child;
	long n = 0;

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, d) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, q) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, x) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, e)) {
		fail("parent", "socketpair");
		return 1;
	}
	sndbuf = 65536;
	setsockopt(s[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	fcntl(d[0], F_SETFL, O_NONBLOCK);
	child = fork();
	if (child == 0) {
		close(s[0]);
		close(d[0]);
		close(q[0]);
		close(x[0]);
		close(e[0]);
		send_str(e[1], "bye");
		close(e[1]);
		send_str(s[1], "pong1");
		while (recv(s[1], buf, 2, 0) != 2)	/* "pi" of "ping1" */
			nap();
		create("child-ready");
		while (!exists("stop"))
			nap();
		expect("child", s[1], "ng1", "the rest of the stream is lost");
		expect("child", d[1], "a", "datagram 1");
		expect("child", d[1], "bb", "datagram 2");
		expect("child", d[1], "ccc", "datagram 3");
		expect("child", q[1], "rec1", "seqpacket record 1");
		expect("child", q[1], "rec2", "seqpacket record 2");
		if (recv(x[1], buf, sizeof(buf), 0) != 0)
			fail("child", "the shut down pair does not say EOF");
		/* the parent's new bytes come after the old ones are read */
		create("child-read");
		got = recv(s[1], buf, 4, MSG_WAITALL);
		if (got != 4 || memcmp(buf, "live", 4))
			fail("child", "the stream pair does not carry new bytes");
		send_str(s[1], "back");
		_exit(bad);
	}
	close(s[1]);
	close(d[1]);
	close(q[1]);
	close(x[1]);
	close(e[1]);
	send_str(s[0], "ping1");
	send_str(d[0], "a");
	send_str(d[0], "bb");
	send_str(d[0], "ccc");
	send_str(q[0], "rec1");
	send_str(q[0], "rec2");
	shutdown(x[0], SHUT_WR);
	while (!exists("child-ready"))
		nap();
	progress(0);
	create("ready");
	while (!exists("stop")) {
		progress(++n);
		nap();
	}

	expect("parent", s[0], "pong1", "the child's bytes are lost");
	expect("parent", e[0], "bye", "the closed pair's bytes are lost");
	if (recv(e[0], buf, sizeof(buf), 0) != 0)
		fail("parent", "the closed pair does not say EOF");
	if (getsockopt(s[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &len) || tv.tv_sec != 5)
		fail("parent", "SO_RCVTIMEO lost");
	len = sizeof(got);
	if (getsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &got, &len) || got != 2 * sndbuf)
		fail("parent", "SO_SNDBUF lost");
	if (!(fcntl(d[0], F_GETFL) & O_NONBLOCK) || (fcntl(s[0], F_GETFL) & O_NONBLOCK))
		fail("parent", "O_NONBLOCK changed");
	if (send(x[0], "z", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		fail("parent", "the pair shut down for writing takes bytes");
	while (!exists("child-read") && waitpid(child, &status, WNOHANG) == 0)
		nap();
	send_str(s[0], "live");
	got = recv(s[0], buf, 4, MSG_WAITALL);
	if (got != 4 || memcmp(buf, "back", 4))
		fail("parent", "no answer through the stream pair");
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fail("parent", "the child found a difference");
	if (!bad)
		printf("unix pairs intact\n");
	return bad;
}
