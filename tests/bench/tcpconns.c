// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tcpconns N DIR: one process with N established TCP connections over
 * loopback (both ends, 2N sockets, and the listener), each with 100
 * unread bytes queued one way.  Creates DIR/ready once they exist, then
 * writes CLOCK_MONOTONIC (ns) to DIR/progress every 5 ms until DIR/stop
 * appears, as forkn does; the benchmark uses the timestamps to see when
 * a restored process runs again.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int stopped(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(5000),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char stop_path[512], path[512], line[32], bytes[100] = { 1 };
	struct rlimit nofile = { 65536, 65536 };
	int n, i, fd, l, c, one = 1;

	if (argc != 3)
		return 2;
	n = atoi(argv[1]);
	if (setrlimit(RLIMIT_NOFILE, &nofile))
		return 2;
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 128))
		return 2;
	for (i = 0; i < n; i++) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) ||
		    accept(l, NULL, NULL) < 0 ||
		    send(c, bytes, sizeof(bytes), 0) != sizeof(bytes))
			return 2;
	}
	snprintf(stop_path, sizeof(stop_path), "%s/stop", argv[2]);
	snprintf(path, sizeof(path), "%s/progress", argv[2]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	snprintf(path, sizeof(path), "%s/ready", argv[2]);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	while (!stopped(stop_path)) {
		struct timespec now, ts = { 0, 5 * 1000 * 1000 };
		int len;

		clock_gettime(CLOCK_MONOTONIC, &now);
		len = snprintf(line, sizeof(line), "%lld\n",
			       now.tv_sec * 1000000000LL + now.tv_nsec);
		pwrite(fd, line, len, 0);
		nanosleep(&ts, NULL);
	}
	return 0;
}
