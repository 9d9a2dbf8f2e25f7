// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tcppeer server|client DIR PORT: a TCP connection whose two ends talk
 * without pause, each checking what the other sends.
 *
 * The server listens on 127.0.0.1:PORT, accepts one connection and
 * creates DIR/ready; the client connects to it.  Each end then sends a
 * numbered line every 20 ms ("s000001", ... or "c000001", ...) and reads
 * the other's lines, which must come in order, each once: a gap, a
 * duplicate, a reset or an early end of the stream fails.  The server
 * counts the lines it received in DIR/progress; the client tries to
 * connect for 10 s.  Once DIR/stop exists, each sends "end" and reads
 * until the other's "end"; then prints "stream intact: N lines in, M out" and exits
 * 0, or says what went wrong and exits 1.
 *
 * The scenario checkpoints the server alone (the client stays outside
 * the tree), kills it, waits, and restarts it.
 *
 * tcppeer closewait DIR PORT: one process connects to its own listener
 * on 127.0.0.1:PORT, sends "bye" on the connecting end and closes it: the
 * accepted end is in CLOSE_WAIT with "bye" unread, its peer an orphan
 * (no file holds it).  Once DIR/stop exists it must read "bye", then
 * EOF; it prints "close-wait intact" and exits 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "testdir.h"

static const char *role;

static int die(const char *what)
{
	printf("tcppeer %s: %s (errno %d: %s)\n", role, what, errno,
	       strerror(errno));
	return 1;
}

static int connection(int server, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1, c;

	if (fd < 0)
		return -1;
	for (c = 0; !server && c < 200; c++) {
		if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return fd;
		nap();
	}
	if (!server)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1))
		return -1;
	c = accept(fd, NULL, NULL);
	close(fd);
	return c;
}

/* Check the complete lines in @buf (@len bytes); keep a partial one. */
static int take_lines(char *buf, size_t *len, char peer, long *in, int *ended)
{
	char *nl, want[32];

	while ((nl = memchr(buf, '\n', *len))) {
		*nl = '\0';
		snprintf(want, sizeof(want), "%c%06ld", peer, *in + 1);
		if (!strcmp(buf, "end")) {
			*ended = 1;
		} else if (strcmp(buf, want)) {
			printf("tcppeer %s: got \"%s\" where \"%s\" belongs\n",
			       role, buf, want);
			return -1;
		} else {
			++*in;
		}
		*len -= nl + 1 - buf;
		memmove(buf, nl + 1, *len);
	}
	return 0;
}

/* A connection whose peer closed after sending "bye" */
static int closewait(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
	struct pollfd p = { .events = POLLRDHUP };
	char buf[16] = "";
	long n = 0;

	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(l, 1) || connect(c, (struct sockaddr *)&a, sizeof(a)))
		return die("no connection");
	p.fd = accept(l, NULL, NULL);
	close(l);
	if (p.fd < 0 || send(c, "bye", 3, 0) != 3)
		return die("no connection");
	close(c);
	if (poll(&p, 1, 5000) != 1)	/* the FIN arrived */
		return die("no FIN");
	progress(0);
	create("ready");
	while (!exists("stop")) {
		progress(++n);
		nap();
	}
	if (recv(p.fd, buf, sizeof(buf), MSG_WAITALL) != 3 || strcmp(buf, "bye"))
		return die("\"bye\" is lost");
	if (recv(p.fd, buf, sizeof(buf), 0) != 0)
		return die("no EOF after \"bye\"");
	printf("tcppeer closewait: close-wait intact\n");
	return 0;
}

int main(int argc, char **argv)
{
	int server, fd, ended = 0, said_end = 0;
	long in = 0, out = 0, bytes_in = 0;
	char buf[4096], line[32];
	size_t len = 0;
	ssize_t n;

	if (argc != 4)
		return 2;
	role = argv[1];
	server = !strcmp(role, "server");
	snprintf(dir, sizeof(dir), "%s", argv[2]);
	if (!strcmp(role, "closewait"))
		return closewait(atoi(argv[3]));
	fd = connection(server, atoi(argv[3]));
	if (fd < 0)
		return die("no connection");
	if (server) {
		progress(0);
		create("ready");
	}
	while (!ended || !said_end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (!said_end && exists("stop")) {
			if (send(fd, "end\n", 4, MSG_NOSIGNAL) != 4)
				return die("send");
			said_end = 1;
		} else if (!said_end) {
			snprintf(line, sizeof(line), "%c%06ld\n", server ? 's' : 'c',
				 ++out);
			n = strlen(line);
			if (send(fd, line, n, MSG_NOSIGNAL) != n)
				return die("send");
		}
		if (ended && said_end)
			break;	/* the other may have closed already */
		if (poll(&p, 1, 20) < 0 && errno != EINTR)
			return die("poll");
		if (!(p.revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		n = recv(fd, buf + len, sizeof(buf) - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			printf("tcppeer %s: %ld lines in, %ld out, %ld bytes in, \"%.*s\" left, then:\n",
			       role, in, out, bytes_in, (int)len, buf);
			return die(n ? "recv" : "the stream ended early");
		}
		len += n;
		bytes_in += n;
		if (take_lines(buf, &len, server ? 'c' : 's', &in, &ended))
			return 1;
		if (server)
			progress(in);
	}
	printf("tcppeer %s: stream intact: %ld lines in, %ld out, %ld bytes in\n",
	       role, in, out, bytes_in);
	return 0;
}
