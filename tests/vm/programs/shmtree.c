// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtree DIR: five processes sharing anonymous memory across fork(),
 * for the VM scenarios.
 *
 *   root             wakes a futex word every step
 *   +- child A       munmap()s 64 KiB in the middle of the big region
 *   |  +- grandchild A1   mremap()s the big region's second MiB elsewhere
 *   |                     (MREMAP_MAYMOVE | MREMAP_FIXED)
 *   +- child B       mprotect()s 256 KiB of the big region read-only
 *      +- grandchild B1   waits in FUTEX_WAIT on the word root wakes
 *
 * Before forking, root maps two MAP_SHARED | MAP_ANONYMOUS regions: a
 * small one of 4 pages (page 0: the shared counter, futex words and a
 * slot per process; pages 1 and 3: a pattern; page 2 never touched)
 * and a big one of 4 MiB, filled with a pattern.  Once its mappings are
 * reshaped, each process writes a 64 KiB stripe of its own into the big
 * region (through its moved or split view) and records /proc/self/maps.
 * Root creates DIR/ready when all five are set up and writes the shared
 * counter to DIR/progress.  Every 20 ms each process adds 1 to the
 * counter (atomically) and checks that it never goes back.
 *
 * When DIR/stop appears each process checks that /proc/self/maps is as
 * before (but for the inode numbers of the shared regions), that every
 * VMA of one region has one inode, the same in every process, and that
 * the patterns, the stripes and the untouched page read right through
 * its own view.  Then each rewrites its stripe with a new pattern, and
 * after a barrier reads every stripe through its own view: what one
 * process wrote through a moved or split view is seen by all the
 * others.  Root and B1 play futex ping-pong.  Barriers wait on shared
 * futex words with a timeout, so unshared memory fails, never hangs.
 * Each process says "shared memory intact" on stdout, or what is wrong;
 * root does so after reaping its children and checking that the counter
 * is the sum of every process's increments.  Exit status 0 when intact.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* shared (not private) futex operations; musl has no linux/ headers */
#define FUTEX_WAIT	0
#define FUTEX_WAKE	1

#define NPROCS		5
#define PAGE		4096UL
#define MIB		(1UL << 20)
#define SMALL_SIZE	(4 * PAGE)
#define BIG_SIZE	(4 * MIB)
#define STRIPE		(64UL << 10)
#define HOLE_OFF	(3 * MIB)		/* unmapped by child A */
#define HOLE_SIZE	(64UL << 10)
#define RO_OFF		(2 * MIB)		/* read-only in child B */
#define RO_SIZE		(256UL << 10)
#define MOVED_OFF	MIB			/* moved by grandchild A1 */
#define MOVED_SIZE	MIB
#define ROUNDS		20			/* of futex ping-pong */

#define SMALL_SEED	0x5a5a0000u
#define BIG_SEED	0xb16b0000u
#define STRIPE_SEED(i, gen)	(0xc0de0000u + ((gen) << 8) + (i))

enum { ROOT, CHILD_A, CHILD_B, GRAND_A, GRAND_B };

static const char *const role[NPROCS] = {
	"root", "child A (hole)", "child B (read-only part)",
	"grandchild A1 (moved part)", "grandchild B1 (futex waiter)",
};

/*
 * Each process's stripe, written through its own view, placed so that
 * A1 reads one through its moved part, A one through the part past its
 * hole, B one through its read-only part.
 */
static const unsigned long stripe_off[NPROCS] = {
	MOVED_OFF + 8 * STRIPE,		/* root */
	HOLE_OFF + 2 * STRIPE,		/* A: just past its hole */
	HOLE_OFF + 4 * STRIPE,		/* B */
	MOVED_OFF + 4 * STRIPE,		/* A1: in its moved part */
	RO_OFF + STRIPE,		/* B1: in B's read-only part */
};

/* Page 0 of the small region. */
struct control {
	unsigned long counter;		/* every step of every process adds 1 */
	unsigned int tick;		/* futex word: root bumps and wakes it */
	unsigned int ready;		/* processes set up */
	unsigned int gate;		/* futex word: the last barrier passed */
	unsigned int arrived[4];	/* processes at each barrier */
	unsigned int ping, pong;	/* futex words of the ping-pong */
	unsigned int woken[NPROCS];	/* real wake-ups in the ping-pong */
	unsigned long done[NPROCS];	/* each process's increments */
	unsigned long ino[NPROCS][2];	/* inode of its small and big region */
};

static const char *dir;
static struct control *ctl;
static unsigned char *small, *big, *moved;
static int me;			/* ROOT ... GRAND_B */
static unsigned long mine, last;
static int bad;

/* Static buffers: reading must not change the memory layout it checks. */
static char maps_before[65536], maps_after[65536];

static void vsay(const char *fmt, va_list ap)
{
	static char line[8192];
	int n;

	n = snprintf(line, sizeof(line), "shmtree %s %d: ", role[me], getpid());
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, n) != n)
		bad = 1;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* Say what is wrong; -1. */
static int complain(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	bad = 1;
	return -1;
}

static unsigned int load(unsigned int *word)
{
	return __atomic_load_n(word, __ATOMIC_SEQ_CST);
}

static long futex(unsigned int *word, int op, unsigned int val, const struct timespec *ts)
{
	return syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

static void wake(unsigned int *word, unsigned int val)
{
	__atomic_store_n(word, val, __ATOMIC_SEQ_CST);
	futex(word, FUTEX_WAKE, INT_MAX, NULL);
}

/* Wait (10 s at most) until *word is want; count real wake-ups. */
static int wait_for(unsigned int *word, unsigned int want, unsigned int *woken)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	unsigned int now;
	int i;

	for (i = 0; i < 100; i++) {
		now = load(word);
		if (now == want)
			return 0;
		if (futex(word, FUTEX_WAIT, now, &ts) == 0 && woken)
			(*woken)++;
	}
	return -1;
}

static int barrier(unsigned int phase)
{
	if (__atomic_add_fetch(&ctl->arrived[phase], 1, __ATOMIC_SEQ_CST) == NPROCS) {
		wake(&ctl->gate, phase);
		return 0;
	}
	if (wait_for(&ctl->gate, phase, NULL))
		return complain("barrier %u: %u of %d processes there after 10 s",
				phase, load(&ctl->arrived[phase]), NPROCS);
	return 0;
}

static unsigned int word(unsigned int seed, unsigned long off)
{
	return (unsigned int)(off / 4) * 2654435761u ^ seed;
}

static void fill(unsigned char *p, unsigned long off, unsigned long len, unsigned int seed)
{
	unsigned int *w = (unsigned int *)p;
	unsigned long i;

	for (i = 0; i < len / 4; i++)
		w[i] = word(seed, off + 4 * i);
}

static int differs(const unsigned char *p, unsigned long off, unsigned long len,
		   unsigned int seed)
{
	const unsigned int *w = (const unsigned int *)p;
	unsigned long i;

	for (i = 0; i < len / 4; i++)
		if (w[i] != word(seed, off + 4 * i))
			return 1;
	return 0;
}

/* Where offset off of the big region is in this process; NULL: unmapped. */
static unsigned char *view(unsigned long off)
{
	if (me == CHILD_A && off >= HOLE_OFF && off < HOLE_OFF + HOLE_SIZE)
		return NULL;
	if (me == GRAND_A && off >= MOVED_OFF && off < MOVED_OFF + MOVED_SIZE)
		return moved + (off - MOVED_OFF);
	return big + off;
}

/* Change this process's mappings of the big region as its role says. */
static int reshape(void)
{
	void *to;

	if (me == CHILD_A && munmap(big + HOLE_OFF, HOLE_SIZE))
		return complain("munmap: %s", strerror(errno));
	if (me == CHILD_B && mprotect(big + RO_OFF, RO_SIZE, PROT_READ))
		return complain("mprotect: %s", strerror(errno));
	if (me != GRAND_A)
		return 0;
	/* a place of its own, then move the second MiB there */
	to = mmap(NULL, MOVED_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (to == MAP_FAILED)
		return complain("mmap: %s", strerror(errno));
	moved = mremap(big + MOVED_OFF, MOVED_SIZE, MOVED_SIZE,
		       MREMAP_MAYMOVE | MREMAP_FIXED, to);
	if (moved != to)
		return complain("mremap: %s", strerror(errno));
	return 0;
}

static size_t read_maps(char *buf)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf + got, sizeof(maps_before) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return got;
}

/*
 * Squeeze the inode number at @p and the padding after it (both depend
 * on the number's width) to "* ", moving the rest of the buffer; return
 * the end of the line.
 */
static char *blank_inode(char *p)
{
	char *q = p;

	while ((*q >= '0' && *q <= '9') || *q == ' ')
		q++;
	if (q > p + 2) {
		p[0] = '*';
		p[1] = ' ';
		memmove(p + 2, q, strlen(q) + 1);
	}
	return strchr(p, '\n');
}

/*
 * The inode of every shared anonymous VMA ("/dev/zero (deleted)") in
 * maps: each must be ino[0] (in the small region) or ino[1]; with ino
 * zero, take the first seen.  Then blank the inodes (a restored region
 * is a new shmem object).
 */
static int shmem_inodes(char *maps, unsigned long ino[2])
{
	char *line, *end;
	int r = 0;

	for (line = maps; *line; line = end + 1) {
		unsigned long start, stop, inode;
		int which, field;
		char *p = line;

		end = strchr(line, '\n');
		if (!end)
			break;
		*end = 0;
		if (strstr(line, "/dev/zero (deleted)") &&
		    sscanf(line, "%lx-%lx %*s %*s %*s %lu", &start, &stop, &inode) == 3) {
			which = start >= (unsigned long)small &&
			    start < (unsigned long)small + SMALL_SIZE ? 0 : 1;
			if (!ino[which])
				ino[which] = inode;
			if (ino[which] != inode)
				r = complain("%lx-%lx maps shmem inode %lu, the rest of the %s region %lu",
					      start, stop, inode, which ? "big" : "small", ino[which]);
			for (field = 0; field < 4 && p; field++) {
				p = strchr(p, ' ');
				if (p)
					p++;
			}
		} else {
			p = NULL;
		}
		*end = '\n';
		if (p)
			end = blank_inode(p);
		if (!end)
			break;
	}
	return r;
}

/* This process's view of both regions, as set up before the checkpoint. */
static int check_own_view(void)
{
	unsigned long off, ino[2] = { 0, 0 }, ignored[2] = { 0, 0 };
	unsigned int seed;
	int i, r = 0;

	read_maps(maps_after);
	r |= shmem_inodes(maps_after, ino);
	shmem_inodes(maps_before, ignored);
	if (strcmp(maps_before, maps_after))
		r = complain("/proc/self/maps differs\n--- before\n%.3500s--- after\n%.3500s",
			      maps_before, maps_after);
	ctl->ino[me][0] = ino[0];
	ctl->ino[me][1] = ino[1];
	if (differs(small + PAGE, PAGE, PAGE, SMALL_SEED) ||
	    differs(small + 3 * PAGE, 3 * PAGE, PAGE, SMALL_SEED))
		r = complain("the small region's pattern differs");
	for (i = 0; i < (int)PAGE; i++)
		if (small[2 * PAGE + i])
			return complain("the small region's untouched page is not zero");
	for (off = 0; off < BIG_SIZE; off += PAGE) {
		seed = BIG_SEED;
		for (i = 0; i < NPROCS; i++)
			if (off >= stripe_off[i] && off < stripe_off[i] + STRIPE)
				seed = STRIPE_SEED(i, 0);
		if (view(off) && differs(view(off), off, PAGE, seed))
			return complain("the big region differs at offset %#lx", off);
	}
	return r;
}

/* Every stripe, rewritten by its process after the restart, through this view. */
static int check_stripes(int gen)
{
	unsigned long off;
	int i;

	for (i = 0; i < NPROCS; i++) {
		for (off = stripe_off[i]; off < stripe_off[i] + STRIPE; off += PAGE)
			if (differs(view(off), off, PAGE, STRIPE_SEED(i, gen)))
				return complain("does not see what %s wrote at offset %#lx",
						role[i], off);
		if (ctl->ino[i][0] != ctl->ino[me][0] || ctl->ino[i][1] != ctl->ino[me][1])
			return complain("maps other shmem objects than %s (inodes %lu %lu, not %lu %lu)",
					role[i], ctl->ino[i][0], ctl->ino[i][1],
					ctl->ino[me][0], ctl->ino[me][1]);
	}
	return 0;
}

/* Root pings, B1 pongs, through shared futex words. */
static int ping_pong(void)
{
	/* the other side is asleep in FUTEX_WAIT by then, even on a slow kernel */
	struct timespec ms2 = { 0, 2 * 1000 * 1000 };
	unsigned int k, woken = 0;
	int r = 0;

	for (k = 1; k <= ROUNDS && !r; k++) {
		if (me == ROOT) {
			nanosleep(&ms2, NULL);
			wake(&ctl->ping, k);
			r = wait_for(&ctl->pong, k, &woken);
		} else {
			r = wait_for(&ctl->ping, k, &woken);
			nanosleep(&ms2, NULL);
			wake(&ctl->pong, k);
		}
	}
	ctl->woken[me] = woken;
	if (r)
		return complain("futex ping-pong stuck in round %u", k - 1);
	return 0;
}

static void verify(void)
{
	check_own_view();
	barrier(1);
	fill(view(stripe_off[me]), stripe_off[me], STRIPE, STRIPE_SEED(me, 1));
	barrier(2);
	check_stripes(1);
	if (me == ROOT || me == GRAND_B)
		ping_pong();
	ctl->done[me] = mine;
	barrier(3);
}

static int stopped(void)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/stop", dir);
	return stat(path, &st) == 0;
}

static void write_progress(int fd)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%lu\n", last);

	if (pwrite(fd, line, n, 0) != n || ftruncate(fd, n))
		bad = 1;
}

/* Step every 20 ms until DIR/stop; root also wakes B1 and writes progress. */
static void run(int progress_fd)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	unsigned int seen = load(&ctl->tick);

	while (!stopped()) {
		unsigned long v = __atomic_add_fetch(&ctl->counter, 1, __ATOMIC_SEQ_CST);

		mine++;
		if (v <= last)
			complain("the counter went back from %lu to %lu", last, v);
		last = v;
		if (me == ROOT) {
			write_progress(progress_fd);
			wake(&ctl->tick, seen + 1);
			seen++;
		}
		if (me == GRAND_B) {
			futex(&ctl->tick, FUTEX_WAIT, seen, &ts);
			seen = load(&ctl->tick);
		} else {
			nanosleep(&ts, NULL);
		}
	}
}

/* Reshape, write the stripe, record the maps, then say so to root. */
static void set_up(void)
{
	if (reshape())
		exit(2);
	fill(view(stripe_off[me]), stripe_off[me], STRIPE, STRIPE_SEED(me, 0));
	read_maps(maps_before);
	__atomic_add_fetch(&ctl->ready, 1, __ATOMIC_SEQ_CST);
}

static int reap(void)
{
	int status, r = 0;
	pid_t pid;

	while ((pid = wait(&status)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			complain("child %d ended with status %#x", pid, status);
			r = 1;
		}
	return r;
}

static pid_t spawn(int role_nr)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid)
		return pid;
	me = role_nr;
	if (me == CHILD_A)
		spawn(GRAND_A);
	if (me == CHILD_B)
		spawn(GRAND_B);
	set_up();
	run(-1);
	verify();
	say(bad ? "shared memory DAMAGED" : "shared memory intact");
	bad |= reap();
	exit(bad);
}

static int map_regions(void)
{
	small = mmap(NULL, SMALL_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	big = mmap(NULL, BIG_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (small == MAP_FAILED || big == MAP_FAILED)
		return -1;
	ctl = (struct control *)small;
	fill(small + PAGE, PAGE, PAGE, SMALL_SEED);
	fill(small + 3 * PAGE, 3 * PAGE, PAGE, SMALL_SEED);
	fill(big, 0, BIG_SIZE, BIG_SEED);
	return 0;
}

/* Root: after reaping, the counter is every process's increments. */
static void check_counter(void)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < NPROCS; i++)
		sum += ctl->done[i];
	if (ctl->counter != sum)
		complain("the counter is %lu, the processes added %lu", ctl->counter, sum);
	if (ctl->woken[ROOT] + ctl->woken[GRAND_B] == 0)
		complain("no futex wait in the ping-pong was woken");
	say("counter %lu, the sum of 5 processes' increments; %u futex wake-ups in the ping-pong",
	    ctl->counter, ctl->woken[ROOT] + ctl->woken[GRAND_B]);
}

int main(int argc, char **argv)
{
	char path[512];
	int fd, i;

	if (argc != 2)
		return 2;
	dir = argv[1];
	if (map_regions())
		return 2;
	spawn(CHILD_A);
	spawn(CHILD_B);
	set_up();
	for (i = 0; load(&ctl->ready) != NPROCS; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (i == 2000) {
			complain("only %u of %d processes set up", load(&ctl->ready), NPROCS);
			return 2;
		}
		nanosleep(&ts, NULL);
	}
	snprintf(path, sizeof(path), "%s/progress", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 2;
	snprintf(path, sizeof(path), "%s/ready", dir);
	close(open(path, O_WRONLY | O_CREAT, 0644));

	run(fd);
	verify();
	bad |= reap();
	check_counter();
	say(bad ? "shared memory DAMAGED" : "shared memory intact");
	return bad;
}
