// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counter DIR: a process with state in every place a checkpoint must
 * save, for the VM scenarios.
 *
 * It fills a heap buffer, an mmap()ed area and half of a shared anonymous
 * mapping with a pattern, keeps a guard page PROT_NONE, carries a floating point value from step to
 * step, writes its step count to DIR/progress, creates DIR/ready, and
 * sleeps 20 ms per step (so it is usually frozen inside nanosleep()).
 * It also holds a MAP_GROWSDOWN area, a private file mapping with a
 * copy-on-write page, files (O_APPEND, a directory, /dev/urandom,
 * /dev/null with close-on-exec) at known offsets, a sigaltstack, a name,
 * a pdeath signal, a personality flag and no_new_privs.
 * When DIR/stop appears it checks everything against what it recorded
 * at the start (memory, its pid, /proc/self/maps, cmdline, environ,
 * auxv, files, task attributes) and exits 0 when all matches, 1
 * otherwise, naming what differs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
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
 * inode number may differ, and with its number of digits, the padding
 * after it.  Squeeze both to "* " in both copies.
 */
static void blank_shmem_inodes(char *maps)
{
	char *line = maps;

	while (*line) {
		char *end = strchrnul(line, '\n');
		char *p = line, *q;
		int field;

		if (memmem(line, end - line, "/dev/zero (deleted)", 19)) {
			/* address perms offset dev inode */
			for (field = 0; field < 4 && p < end; field++) {
				p = memchr(p, ' ', end - p);
				p = p ? p + 1 : end;
			}
			for (q = p; q < end && ((*q >= '0' && *q <= '9') || *q == ' '); q++)
				;
			if (q > p + 2) {
				p[0] = '*';
				p[1] = ' ';
				/* the rest of the buffer, NUL included */
				memmove(p + 2, q, strlen(q) + 1);
				end -= q - (p + 2);
			}
		}
		if (!*end)
			break;
		line = end + 1;
	}
}

static int same_file(const char *path, const char *then, size_t len)
{
	size_t now = read_file(path, after);

	if (!strcmp(path, "/proc/self/maps")) {
		blank_shmem_inodes((char *)then);
		blank_shmem_inodes(after);
		len = strlen(then);
		now = strlen(after);
	}
	int same = now == len && !memcmp(after, then, len);

	if (!same)
		printf("counter: %s differs after restart\n--- before\n%s\n--- after\n%s\n",
		       path, then, after);
	return same;
}

/* Extra state set up by setup_extras(), checked by check_extras(). */
static struct {
	unsigned char *grows, *fmap;
	int append_fd, dir_fd, rand_fd, null_fd;
	off_t append_pos, dir_pos;
	stack_t ss;
} x;

static int setup_extras(const char *dir)
{
	char path[512];
	int fd;

	x.grows = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	if (x.grows == MAP_FAILED)
		return -1;
	memset(x.grows + 7 * 4096, 0x77, 4096);

	/* a private mapping of a file, one page written (copy-on-write) */
	snprintf(path, sizeof(path), "%s/mapped", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 3 * 4096))
		return -1;
	pwrite(fd, "file", 4, 0);
	pwrite(fd, "file", 4, 2 * 4096);
	x.fmap = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (x.fmap == MAP_FAILED)
		return -1;
	memcpy(x.fmap + 4096, "cow!", 4);

	snprintf(path, sizeof(path), "%s/appended", dir);
	x.append_fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	write(x.append_fd, "0123456789", 10);
	x.append_pos = lseek(x.append_fd, 0, SEEK_CUR);
	x.dir_fd = open(dir, O_RDONLY | O_DIRECTORY);
	x.rand_fd = open("/dev/urandom", O_RDONLY);
	x.null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (x.append_fd < 0 || x.dir_fd < 0 || x.rand_fd < 0 || x.null_fd < 0)
		return -1;

	x.ss.ss_sp = malloc(SIGSTKSZ);
	x.ss.ss_size = SIGSTKSZ;
	if (!x.ss.ss_sp || sigaltstack(&x.ss, NULL))
		return -1;
	if (prctl(PR_SET_NAME, "counter-x") || prctl(PR_SET_PDEATHSIG, SIGUSR2) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    personality(PER_LINUX | UNAME26) < 0)
		return -1;
	return 0;
}

#define CHECK(cond, ...)                                      \
	do {                                                  \
		if (!(cond)) {                                \
			printf("counter: " __VA_ARGS__);      \
			printf("\n");                         \
			ok = 0;                               \
		}                                             \
	} while (0)

static int check_extras(void)
{
	unsigned char c;
	char name[16] = "";
	int ok = 1, sig = 0;
	stack_t ss;

	CHECK(x.grows[7 * 4096] == 0x77 && x.grows[0] == 0,
	      "MAP_GROWSDOWN area differs");
	CHECK(!memcmp(x.fmap, "file", 4) && !memcmp(x.fmap + 4096, "cow!", 4) &&
	      !memcmp(x.fmap + 2 * 4096, "file", 4),
	      "private file mapping differs");
	CHECK(lseek(x.append_fd, 0, SEEK_CUR) == x.append_pos,
	      "O_APPEND file offset differs");
	CHECK(fcntl(x.append_fd, F_GETFL) & O_APPEND, "O_APPEND flag lost");
	CHECK(fcntl(x.dir_fd, F_GETFL) & O_DIRECTORY, "directory fd lost");
	CHECK(read(x.rand_fd, &c, 1) == 1, "/dev/urandom fd lost");
	CHECK(fcntl(x.null_fd, F_GETFD) == FD_CLOEXEC, "close-on-exec flag lost");
	CHECK(write(x.null_fd, "x", 1) == 1, "/dev/null fd lost");
	CHECK(!sigaltstack(NULL, &ss) && ss.ss_sp == x.ss.ss_sp &&
	      ss.ss_size == x.ss.ss_size, "sigaltstack differs");
	prctl(PR_GET_NAME, name);
	CHECK(!strcmp(name, "counter-x"), "name is %s", name);
	prctl(PR_GET_PDEATHSIG, &sig);
	CHECK(sig == SIGUSR2, "pdeath signal is %d", sig);
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "no_new_privs lost");
	CHECK(personality(0xffffffff) == (PER_LINUX | UNAME26), "personality differs");
	return ok;
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

	if (setup_extras(dir))
		return 2;
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
	ok &= check_extras();
	ok &= same_file("/proc/self/maps", before[0], maps_len);
	ok &= same_file("/proc/self/cmdline", before[1], cmd_len);
	ok &= same_file("/proc/self/environ", before[2], env_len);
	ok &= same_file("/proc/self/auxv", before[3], auxv_len);
	printf("counter: %ld steps, state %s\n", i - 1, ok ? "intact" : "DAMAGED");
	return ok ? 0 : 1;
}
