// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memhog MIB DIR: touches MIB MiB of anonymous memory, creates DIR/ready,
 * then writes CLOCK_MONOTONIC (ns) to DIR/progress every 5 ms until
 * DIR/stop appears.  The benchmark uses the timestamps to see when a
 * restored copy runs again.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[512], line[32];
	struct stat st;
	size_t size;
	char *mem;
	int fd;

	if (argc != 3)
		return 2;
	size = (size_t)atoi(argv[1]) << 20;
	mem = malloc(size);
	if (!mem)
		return 2;
	for (size_t i = 0; i < size; i += 4096)
		memset(mem + i, (int)(i >> 12), 4096);
	snprintf(path, sizeof(path), "%s/progress", argv[2]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	snprintf(path, sizeof(path), "%s/ready", argv[2]);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	snprintf(path, sizeof(path), "%s/stop", argv[2]);
	while (stat(path, &st)) {
		struct timespec now, ts = { 0, 5 * 1000 * 1000 };
		int n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		n = snprintf(line, sizeof(line), "%lld\n",
			     now.tv_sec * 1000000000LL + now.tv_nsec);
		pwrite(fd, line, n, 0);
		nanosleep(&ts, NULL);
	}
	return 0;
}
