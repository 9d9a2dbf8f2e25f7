// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * forkn N DIR [threads | shared MB]: a tree of N processes, the root and
 * N - 1 children, each with 1 MiB of touched memory; with "threads", one
 * process of N threads instead; with "shared MB", the root also maps MB
 * MiB of MAP_SHARED|MAP_ANONYMOUS memory, touched, before it forks: every
 * process of the tree shares it.  The root creates DIR/ready once all
 * exist, then writes CLOCK_MONOTONIC (ns) to DIR/progress every 5 ms
 * until DIR/stop appears; the others sleep until then.  The benchmark
 * uses the timestamps to see when a restored tree runs again.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char mem[1 << 20];
static atomic_int stop;

static void *sleeper(void *arg)
{
	while (!atomic_load(&stop)) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	return arg;
}

static int stopped(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int main(int argc, char **argv)
{
	char stop_path[512], path[512], line[32];
	int threads = argc == 4 && !strcmp(argv[3], "threads");
	int shared = argc == 5 && !strcmp(argv[3], "shared");
	pthread_t th;
	int n, i, fd;

	if (argc != 3 && !threads && !shared)
		return 2;
	n = atoi(argv[1]);
	memset(mem, 1, sizeof(mem));
	if (shared) {
		size_t len = (size_t)atoi(argv[4]) << 20;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 2;
		for (i = 0; (size_t)i < len; i += 4096)
			p[i] = (char)(i >> 12 | 1);
	}
	snprintf(stop_path, sizeof(stop_path), "%s/stop", argv[2]);
	for (i = 1; i < n && threads; i++)
		if (pthread_create(&th, NULL, sleeper, NULL))
			return 2;
	for (i = 1; i < n && !threads; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (pid == 0) {
			while (!stopped(stop_path)) {
				struct timespec ts = { 0, 50 * 1000 * 1000 };

				nanosleep(&ts, NULL);
			}
			return 0;
		}
	}
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
	atomic_store(&stop, 1);
	while (wait(NULL) > 0)
		;
	return 0;	/* exit() ends the threads */
}
