// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counter DIR: a process with state in every place a checkpoint must
 * save, for the VM scenarios.
 *
 * It fills a heap buffer, an mmap()ed area and half of a shared anonymous
 * mapping with a pattern, keeps a guard page PROT_NONE, carries a floating point value from step to
 * step, writes its step count to DIR/progress, creates DIR/ready, and
 * sleeps 20 ms per step (so it is usually frozen inside nanosleep()).
 * When DIR/stop appears it checks everything against what it recorded
 * at the start (memory, its pid, /proc/self/maps, cmdline, environ,
 * auxv) and exits 0 when all matches, 1 otherwise, naming what differs.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HEAP_SIZE (4 << 20)
#define MAP_SIZE (1 << 20)
#define SHARED_SIZE (64 << 10)

static char dir[256];

/* Static buffers: reading must not change the memory layout it checks. */
static char before[4][65536], after[65536];

static size_t read_file(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf + got, sizeof(after) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return got;
}

/*
 * A restored shared anonymous mapping is a new shmem object: only its
 * inode number may differ.  Blank it in both copies.
 */
static void blank_shmem_inodes(char *maps)
{
	char *line = maps;

	while (*line) {
		char *end = strchr(line, '\n');
		char *p = line;
		int field;

		if (end)
			*end = 0;
		if (strstr(line, "/dev/zero (deleted)")) {
			/* address perms offset dev inode */
			for (field = 0; field < 4 && p; field++) {
				p = strchr(p, ' ');
				if (p)
					p++;
			}
			while (p && *p >= '0' && *p <= '9')
				*p++ = '*';
		}
		if (!end)
			break;
		*end = '\n';
		line = end + 1;
	}
}

static int same_file(const char *path, const char *then, size_t len)
{
	size_t now = read_file(path, after);

	if (!strcmp(path, "/proc/self/maps")) {
		blank_shmem_inodes((char *)then);
		blank_shmem_inodes(after);
	}
	int same = now == len && !memcmp(after, then, len);

	if (!same)
		printf("counter: %s differs after restart\n--- before\n%s\n--- after\n%s\n",
		       path, then, after);
	return same;
}

static double step(double d, long i)
{
	return d * 1.000001 + sqrt((double)i);
}

static int exists(const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

int main(int argc, char **argv)
{
	size_t maps_len, cmd_len, env_len, auxv_len;
	unsigned char *heap, *area, *shared;
	char path[512], line[64];
	pid_t pid = getpid();
	double d = 1.0;
	long i;
	int fd;

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	heap = malloc(HEAP_SIZE);
	area = mmap(NULL, MAP_SIZE + 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* shared anonymous: half written, half never touched */
	shared = mmap(NULL, SHARED_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!heap || area == MAP_FAILED || shared == MAP_FAILED)
		return 2;
	for (i = 0; i < SHARED_SIZE / 2; i++)
		shared[i] = (unsigned char)(i * 13 + 1);
	mprotect(area + MAP_SIZE, 4096, PROT_NONE);
	for (i = 0; i < HEAP_SIZE; i++)
		heap[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < MAP_SIZE; i += 4096)
		area[i] = (unsigned char)(i >> 12);

	snprintf(path, sizeof(path), "%s/progress", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 2;
	maps_len = read_file("/proc/self/maps", before[0]);
	cmd_len = read_file("/proc/self/cmdline", before[1]);
	env_len = read_file("/proc/self/environ", before[2]);
	auxv_len = read_file("/proc/self/auxv", before[3]);
	snprintf(path, sizeof(path), "%s/ready", dir);
	close(open(path, O_WRONLY | O_CREAT, 0644));

	for (i = 1; !exists("stop"); i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		int n;

		d = step(d, i);
		n = snprintf(line, sizeof(line), "%ld\n", i);
		pwrite(fd, line, n, 0);
		ftruncate(fd, n);
		nanosleep(&ts, NULL);
	}

	int ok = 1;
	double e = 1.0;

	for (long j = 1; j < i; j++)
		e = step(e, j);
	if (e != d) {
		printf("counter: floating point state differs: %.17g != %.17g\n", d, e);
		ok = 0;
	}
	for (long j = 0; j < HEAP_SIZE; j++)
		if (heap[j] != (unsigned char)(j * 7 + 3)) {
			printf("counter: heap differs at %ld\n", j);
			ok = 0;
			break;
		}
	for (long j = 0; j < MAP_SIZE; j += 4096)
		if (area[j] != (unsigned char)(j >> 12)) {
			printf("counter: mapping differs at %ld\n", j);
			ok = 0;
			break;
		}
	for (long j = 0; j < SHARED_SIZE; j++)
		if (shared[j] != (j < SHARED_SIZE / 2 ? (unsigned char)(j * 13 + 1) : 0)) {
			printf("counter: shared mapping differs at %ld\n", j);
			ok = 0;
			break;
		}
	if (getpid() != pid) {
		printf("counter: pid %d, was %d\n", getpid(), pid);
		ok = 0;
	}
	ok &= same_file("/proc/self/maps", before[0], maps_len);
	ok &= same_file("/proc/self/cmdline", before[1], cmd_len);
	ok &= same_file("/proc/self/environ", before[2], env_len);
	ok &= same_file("/proc/self/auxv", before[3], auxv_len);
	printf("counter: %ld steps, state %s\n", i - 1, ok ? "intact" : "DAMAGED");
	return ok ? 0 : 1;
}
