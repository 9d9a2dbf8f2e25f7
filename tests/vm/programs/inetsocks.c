// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inetsocks DIR [pending]: TCP and UDP sockets across a checkpoint.
 *
 * The parent listens on 127.0.0.1:4100 (SO_REUSEADDR, backlog 7) and
 * [::1]:4106 (IPV6_V6ONLY), holds a UDP socket bound to 127.0.0.1:4102
 * (SO_BROADCAST) with two datagrams unread, and one connected to it that
 * sent them, a TCP socket bound to port 4103
 * and never connected, and one never bound.  Its child connects to both
 * listeners: over IPv4 with a small receive buffer (so that most of what
 * the parent sends stays in the parent's send queue, partly unsent), over
 * IPv6 with TCP_NODELAY, SO_KEEPALIVE and TCP_KEEPIDLE 77.  Before DIR/ready:
 * the child sent "hello4" and "hello6", which the parent has not read;
 * the parent sent as many bytes of a pattern as the connection took
 * without blocking (their count in DIR/sent), which the child has not
 * read; the IPv6 connection's accepted end is non-blocking.  Both count
 * in DIR/progress until DIR/stop appears.
 *
 * Then every address, port, option and TCP_INFO state, window scale and
 * option set must be what it was, the child reads the whole pattern and
 * the parent the hellos, new bytes go both ways on both connections, the
 * IPv4 listener accepts a new connection and a datagram goes from the
 * connected UDP socket to the bound one, after the two queued ones, each
 * from the right source.  Prints
 * "inet sockets intact" and exits 0, or says what differs and exits 1.
 *
 * With "pending", the child also opens a connection the parent never
 * accepts; with "timestamp", the bound UDP socket asks for SO_TIMESTAMP,
 * which restart would not set again: checkpoint must refuse both.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "testdir.h"

#define PORT4	4100
#define PORT6	4106
#define UPORT	4102
#define BPORT	4103

static int bad;

static void fail(const char *who, const char *what)
{
	printf("inetsocks %s: %s\n", who, what);
	fflush(stdout);
	bad = 1;
}

/* What a socket looks like: compared before and after the restart */
struct look {
	struct sockaddr_storage name, peer;
	int type, reuse, nodelay, keepalive, keepidle, rcvbuf, flags;
	struct tcp_info info;
};

static void look_at(int fd, struct look *l)
{
	socklen_t len = sizeof(l->name);
	int tcp;

	memset(l, 0, sizeof(*l));
	getsockname(fd, (struct sockaddr *)&l->name, &len);
	len = sizeof(l->peer);
	getpeername(fd, (struct sockaddr *)&l->peer, &len);
	len = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &l->type, &len);
	getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &l->reuse, &len);
	getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &l->keepalive, &len);
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &l->rcvbuf, &len);
	l->flags = fcntl(fd, F_GETFL);
	tcp = l->type == SOCK_STREAM;
	if (tcp) {
		getsockopt(fd, SOL_TCP, TCP_NODELAY, &l->nodelay, &len);
		getsockopt(fd, SOL_TCP, TCP_KEEPIDLE, &l->keepidle, &len);
		len = sizeof(l->info);
		getsockopt(fd, SOL_TCP, TCP_INFO, &l->info, &len);
	}
}

/* @fd looks as @before did */
static void same(const char *who, int fd, const struct look *before)
{
	struct look now;

	look_at(fd, &now);
	if (memcmp(&now.name, &before->name, sizeof(now.name)))
		fail(who, "another local address");
	if (memcmp(&now.peer, &before->peer, sizeof(now.peer)))
		fail(who, "another peer address");
	if (now.type != before->type)
		fail(who, "another socket type");
	if (now.reuse != before->reuse)
		fail(who, "SO_REUSEADDR changed");
	if (now.nodelay != before->nodelay)
		fail(who, "TCP_NODELAY changed");
	if (now.keepalive != before->keepalive ||
	    now.keepidle != before->keepidle)
		fail(who, "SO_KEEPALIVE or TCP_KEEPIDLE changed");
	if (now.flags != before->flags)
		fail(who, "O_NONBLOCK changed");
	if (now.info.tcpi_state != before->info.tcpi_state ||
	    now.info.tcpi_options != before->info.tcpi_options ||
	    now.info.tcpi_snd_wscale != before->info.tcpi_snd_wscale ||
	    now.info.tcpi_rcv_wscale != before->info.tcpi_rcv_wscale)
		fail(who, "another TCP state, window scale or option set");
}

static int tcp_socket(int family)
{
	return socket(family, SOCK_STREAM, IPPROTO_TCP);
}

static struct sockaddr_in sin_of(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static struct sockaddr_in6 sin6_of(int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	a.sin6_addr = in6addr_loopback;
	return a;
}

static int listener4(void)
{
	struct sockaddr_in a = sin_of(PORT4);
	int fd = tcp_socket(AF_INET), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 7))
		fail("parent", "IPv4 listener");
	return fd;
}

static int listener6(void)
{
	struct sockaddr_in6 a = sin6_of(PORT6);
	int fd = tcp_socket(AF_INET6), one = 1;

	setsockopt(fd, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 3))
		fail("parent", "IPv6 listener");
	return fd;
}

static int connect4(int rcvbuf)
{
	struct sockaddr_in a = sin_of(PORT4);
	int fd = tcp_socket(AF_INET);

	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		fail("child", "IPv4 connect");
	return fd;
}

static int connect6(void)
{
	struct sockaddr_in6 a = sin6_of(PORT6);
	int fd = tcp_socket(AF_INET6), one = 1, idle = 77;

	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		fail("child", "IPv6 connect");
	setsockopt(fd, SOL_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, SOL_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	return fd;
}

static unsigned char pattern(long i)
{
	return (unsigned char)(i * 7 % 251);
}

/* Exactly @len bytes of @s, whatever it takes */
static void send_all(const char *who, int fd, const void *s, size_t len)
{
	if (send(fd, s, len, MSG_NOSIGNAL) != (ssize_t)len)
		fail(who, "send");
}

/* Read exactly @want from @fd (blocking) */
static void expect(const char *who, int fd, const char *want, const char *what)
{
	char buf[64] = "";
	size_t n = strlen(want);

	if (recv(fd, buf, n, MSG_WAITALL) != (ssize_t)n || memcmp(buf, want, n))
		fail(who, what);
}

/* Send the pattern without blocking: the bytes the connection took */
static long fill(int fd)
{
	unsigned char buf[4096];
	long sent = 0;
	ssize_t n;
	int i;

	for (;;) {
		for (i = 0; i < (int)sizeof(buf); i++)
			buf[i] = pattern(sent + i);
		n = send(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n <= 0)
			break;
		sent += n;
	}
	return sent;
}

/* Read @sent bytes of the pattern */
static void drain(int fd, long sent)
{
	unsigned char buf[4096];
	long got = 0, i;
	ssize_t n;

	while (got < sent) {
		n = recv(fd, buf, sizeof(buf) < (size_t)(sent - got) ?
			 sizeof(buf) : (size_t)(sent - got), 0);
		if (n <= 0) {
			fail("child", "the stream ends before the pattern does");
			return;
		}
		for (i = 0; i < n; i++)
			if (buf[i] != pattern(got + i)) {
				fail("child", "the pattern is not what was sent");
				return;
			}
		got += n;
	}
}

static long read_sent(void)
{
	char path[512];
	long sent = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sent", dir);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%ld", &sent) != 1)
		fail("child", "DIR/sent");
	if (f)
		fclose(f);
	return sent;
}

static int child_main(int pending)
{
	int c4 = connect4(2048), c6 = connect6(), extra = -1;
	struct look l4, l6, now4;

	send_all("child", c4, "hello4", 6);
	send_all("child", c6, "hello6", 6);
	if (pending)
		extra = connect4(0);
	look_at(c4, &l4);
	look_at(c6, &l6);
	create("child-set");
	while (!exists("stop"))
		nap();
	same("child IPv4 end", c4, &l4);
	look_at(c4, &now4);
	if (now4.rcvbuf != l4.rcvbuf)
		fail("child", "SO_RCVBUF changed");
	same("child IPv6 end", c6, &l6);
	drain(c4, read_sent());
	expect("child", c6, "ping6", "the parent's IPv6 bytes");
	send_all("child", c6, "pong6", 5);
	send_all("child", c4, "pong4", 5);
	close(connect4(0));	/* the listener still accepts */
	if (extra >= 0)
		close(extra);
	return bad;
}

static void write_sent(long sent)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sent", dir);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%ld\n", sent);
		fclose(f);
	}
}

/* A UDP socket bound to 127.0.0.1:UPORT and one connected to it */
static void udp_pair(int *bound, int *conn)
{
	struct sockaddr_in a = sin_of(UPORT);
	int one = 1;

	*bound = socket(AF_INET, SOCK_DGRAM, 0);
	*conn = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(*bound, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	if (bind(*bound, (struct sockaddr *)&a, sizeof(a)) ||
	    connect(*conn, (struct sockaddr *)&a, sizeof(a)))
		fail("parent", "UDP sockets");
	/* two datagrams left unread across the checkpoint */
	send_all("parent", *conn, "q1", 2);
	send_all("parent", *conn, "q22", 3);
}

/* The next datagram on @fd must be @want, from @src's address */
static void recv_dgram(int fd, const char *want, const struct look *src)
{
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	char buf[16] = "";
	ssize_t n;

	n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
		     (struct sockaddr *)&from, &len);
	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail("parent", "a datagram is missing or out of order");
	else if (memcmp(&from, &src->name, sizeof(struct sockaddr_in)))
		fail("parent", "a datagram came from another address");
}

static void udp_check(int bound, int conn, const struct look *lb,
		      const struct look *lc)
{
	socklen_t len;
	int on = 0;

	same("bound UDP socket", bound, lb);
	same("connected UDP socket", conn, lc);
	len = sizeof(on);
	if (getsockopt(bound, SOL_SOCKET, SO_BROADCAST, &on, &len) || !on)
		fail("parent", "SO_BROADCAST lost");
	send_all("parent", conn, "dgram", 5);
	recv_dgram(bound, "q1", lc);	/* queued before the checkpoint */
	recv_dgram(bound, "q22", lc);
	recv_dgram(bound, "dgram", lc);
}

int main(int argc, char **argv)
{
	int l4, l6, a4, a6, ub, uc, tb, tu, status, pending;
	struct look ll4, ll6, la4, la6, lub, luc, ltb, ltu;
	struct sockaddr_in b = sin_of(BPORT);
	long sent, n = 0;
	pid_t child;

	if (argc < 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	pending = argc > 2 && !strcmp(argv[2], "pending");
	l4 = listener4();
	l6 = listener6();
	udp_pair(&ub, &uc);
	if (argc > 2 && !strcmp(argv[2], "timestamp"))
		setsockopt(ub, SOL_SOCKET, SO_TIMESTAMP, &(int){ 1 }, sizeof(int));
	tb = tcp_socket(AF_INET);
	tu = tcp_socket(AF_INET6);
	if (bind(tb, (struct sockaddr *)&b, sizeof(b)))
		fail("parent", "bind");
	child = fork();
	if (child == 0)
		_exit(child_main(pending));
	a4 = accept(l4, NULL, NULL);
	a6 = accept4(l6, NULL, NULL, SOCK_NONBLOCK);
	if (a4 < 0 || a6 < 0)
		fail("parent", "accept");
	wait_for("child-set");
	sent = fill(a4);
	write_sent(sent);
	look_at(l4, &ll4);
	look_at(l6, &ll6);
	look_at(a4, &la4);
	look_at(a6, &la6);
	look_at(ub, &lub);
	look_at(uc, &luc);
	look_at(tb, &ltb);
	look_at(tu, &ltu);
	printf("inetsocks: %ld bytes in flight on the IPv4 connection\n", sent);
	fflush(stdout);
	progress(0);
	create("ready");
	while (!exists("stop")) {
		progress(++n);
		nap();
	}

	same("IPv4 listener", l4, &ll4);
	same("IPv6 listener", l6, &ll6);
	same("accepted IPv4 end", a4, &la4);
	same("accepted IPv6 end", a6, &la6);
	same("bound TCP socket", tb, &ltb);
	same("unbound TCP socket", tu, &ltu);
	udp_check(ub, uc, &lub, &luc);
	fcntl(a6, F_SETFL, 0);
	expect("parent", a4, "hello4", "the child's IPv4 bytes");
	expect("parent", a6, "hello6", "the child's IPv6 bytes");
	send_all("parent", a6, "ping6", 5);
	expect("parent", a6, "pong6", "no answer over IPv6");
	expect("parent", a4, "pong4", "no answer over IPv4");
	status = accept(l4, NULL, NULL);
	if (status < 0)
		fail("parent", "the IPv4 listener accepts no new connection");
	close(status);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fail("parent", "the child found a difference");
	if (!bad)
		printf("inet sockets intact\n");
	return bad;
}
