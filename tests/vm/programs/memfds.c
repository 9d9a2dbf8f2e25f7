// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memfds DIR: memfds (memfd_create(), image format 1.10), for the VM
 * scenarios.  A parent and a forked child; every memfd is made, filled
 * with a pattern of its own and mapped before fork(), so both processes
 * hold every descriptor (the same open files) and every mapping.
 *
 *   counted   "memfds-counted", MFD_CLOEXEC | MFD_ALLOW_SEALING, 3 pages
 *             and 123 bytes, mapped MAP_SHARED read-write (4 pages);
 *             the parent counts in page 0, the child in page 1; its
 *             descriptor at offset 777
 *   sealed    "memfds-sealed", 2 pages, F_SEAL_WRITE | F_SEAL_SHRINK |
 *             F_SEAL_GROW | F_SEAL_SEAL, then mapped MAP_SHARED PROT_READ
 *   future    "memfds-future", 2 pages, mapped MAP_SHARED read-write,
 *             then F_SEAL_FUTURE_WRITE: the mapping stays writable, a
 *             new writable shared mapping fails with EPERM; both count
 *             in it as in counted
 *   closed    "memfds-closed", 2 pages, mapped MAP_SHARED read-write,
 *             its descriptor closed: the mapping alone holds it; both
 *             count in it
 *   private   "memfds-private", 2 pages, mapped MAP_PRIVATE read-write:
 *             the parent writes "parent-A" at 100 before fork() (both
 *             see it), the child "child-B!" at 200 after (only it sees
 *             it); neither is in the memfd
 *   reopened  "memfds-reopened", 1 page, no sealing (F_SEAL_SEAL): fd A
 *             O_RDWR at offset 1000, fd B open("/proc/self/fd/A",
 *             O_RDONLY | O_NONBLOCK) at offset 2000, a second open file
 *   noexec    "memfds-noexec", MFD_NOEXEC_SEAL: F_SEAL_EXEC, mode 0666
 *
 * Every 20 ms each process adds 1 to its counters (counted, future,
 * closed) and the parent writes its step to DIR/progress; it creates
 * DIR/ready once both are set up.  When DIR/stop appears each process
 * checks that its own counters are its steps (in the mapping and, for
 * counted and future, through the descriptor), and goes on counting
 * until it has seen the other's counters advance through each mapping,
 * reading them through the descriptor too (between two reads of the
 * mapping); the two agree through done flags, with a timeout, so
 * unshared memory fails, never hangs.  Then each checks, without
 * changing anything: every mapping in /proc/self/maps at its address,
 * with its permissions, named "/memfd:NAME (deleted)", on the inode of
 * its descriptor; the descriptors' /proc/self/fd links, FD_CLOEXEC (only
 * counted's), access modes and flags, offsets, sizes (fstat), modes
 * (0777, and 0666 for noexec), seals (F_GET_SEALS as at setup), seven
 * distinct inodes; every byte of every memfd through its descriptor
 * (pread) and its mapping, the counters aside, the bytes of counted's
 * last page past its size zero in the mapping and pread() stopping at
 * the size; the private mapping with the changes this process sees and
 * the memfd without any.  Then the parent, once the child is done
 * checking: write() to sealed fails with EPERM, ftruncate() (shrinking
 * or growing) with EPERM, mprotect(PROT_WRITE) of its mapping with
 * EACCES, F_ADD_SEALS with EPERM; future's mapping takes a write that
 * read() through its descriptor returns, and write() and a new
 * mmap(PROT_WRITE, MAP_SHARED) fail with EPERM; a pwrite() to the
 * private memfd's second page shows in the private mapping (a page it
 * never copied); a write through reopened's fd A is read through fd B,
 * a read() through B moves B's offset alone; fchmod() of noexec to
 * 0755 fails with EPERM.  Last the child moves counted's offset to 4000
 * and the parent finds its own descriptor there (one open file for
 * both), and each mapping on the same inode in both processes.  The
 * parent reaps the child, says "memfds intact" and exits 0, or says
 * what differs and exits 1.  A case it cannot set up is said as "setup
 * failed: ..." (DIR/ready created all the same).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testdir.h"

/* Not in every libc's headers yet (the kernel's <linux/memfd.h>, <linux/fcntl.h>) */
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL		0x0008U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE	0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC		0x0020
#endif

#define PAGE		4096UL
#define COUNTED_SIZE	(3 * PAGE + 123)
#define COUNTED_OFF	777L		/* counted's offset */
#define COUNTED_MOVED	4000L		/* where the child moves it at the end */
#define A_OFF		1000L		/* reopened: fd A's offset */
#define B_OFF		2000L		/* fd B's */
#define SEALS_SEALED	(F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
#define SLOT_BYTES	128UL		/* the slot at the start of a counted page */
#define MAX_SIZE	(4 * PAGE)

enum { PARENT, CHILD };
enum { M_COUNTED, M_SEALED, M_FUTURE, M_CLOSED, M_PRIVATE, M_REOPENED, M_NOEXEC,
       NMEMFDS };

static const char *const memfd_name[NMEMFDS] = {
	"memfds-counted", "memfds-sealed", "memfds-future", "memfds-closed",
	"memfds-private", "memfds-reopened", "memfds-noexec",
};

static const unsigned long memfd_size[NMEMFDS] = {
	COUNTED_SIZE, 2 * PAGE, 2 * PAGE, 2 * PAGE, 2 * PAGE, PAGE, PAGE,
};

/* The memfds counted in, a slot per process (page 0 the parent's, 1 the child's) */
static const int counted[] = { M_COUNTED, M_FUTURE, M_CLOSED };
#define NCOUNTED	(int)(sizeof(counted) / sizeof(counted[0]))

/* Of each mapping: its permissions in /proc/self/maps */
static const char *const map_perms[NMEMFDS] = {
	"rw-s", "r--s", "rw-s", "rw-s", "rw-p", NULL, NULL,
};

/* What the private mapping holds and the memfd does not */
#define MARK_A		"parent-A"	/* at 100, written before fork() */
#define MARK_B		"child-B!"	/* at 200, by the child after fork() */
#define MARK_C		"memfd-C!"	/* at PAGE + 300, pwrite() to the memfd after restart */
#define MARK_LEN	8

struct slot {
	unsigned long count;	/* its steps */
	unsigned long done;	/* it has seen the other's count advance */
	/* in counted only: */
	unsigned long ready;	/* the child: 1 set up, 2 failed */
	unsigned long phase;	/* 1 checked, 2 (the child) moved counted's offset */
	unsigned long ino[NMEMFDS];	/* the inode of each of its mappings */
};

_Static_assert(sizeof(struct slot) <= SLOT_BYTES, "a slot fits before the pattern");

static int fd[NMEMFDS];		/* -1: closed (closed), or none */
static int fd_b;		/* reopened's second open file */
static unsigned char *map[NMEMFDS];	/* NULL: not mapped */
static unsigned int seals[NMEMFDS];	/* F_GET_SEALS at setup */
static int me;
static unsigned long steps;
static int bad;

/* Static buffers: checking must not change the address space. */
static unsigned char want[MAX_SIZE], got[MAX_SIZE + PAGE];
static char maps[1 << 16];

static void vsay(const char *fmt, va_list ap)
{
	static char line[4096];
	int n;

	n = snprintf(line, sizeof(line), "memfds %s: ", me == PARENT ? "parent" : "child");
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

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static unsigned long load(unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(unsigned long *p, unsigned long v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static struct slot *slot_of(int m, int who)
{
	return (struct slot *)(map[m] + who * PAGE);
}

/* The control slots: those in counted */
static struct slot *ctl(int who)
{
	return slot_of(M_COUNTED, who);
}

/* Byte @off of memfd @m's pattern */
static unsigned char pattern(int m, unsigned long off)
{
	unsigned int w = (unsigned int)(off / 4) * 2654435761u ^ (0x3e3f0000u + m * 0x01010101u);

	return (unsigned char)(w >> (8 * (off % 4)));
}

/* want[]: memfd @m as set up, its whole pages (zero past its size) */
static void expected(int m)
{
	unsigned long off, size = memfd_size[m];

	memset(want, 0, sizeof(want));
	for (off = 0; off < size; off++)
		want[off] = pattern(m, off);
}

static int is_counted(int m)
{
	return m == M_COUNTED || m == M_FUTURE || m == M_CLOSED;
}

/*
 * @len bytes of @p against want[] (the counted slots aside): the first
 * offset that differs, or -1.
 */
static long differs(int m, const unsigned char *p, unsigned long len)
{
	unsigned long off;

	for (off = 0; off < len; off++) {
		if (is_counted(m) && off % PAGE < SLOT_BYTES && off < 2 * PAGE)
			continue;
		if (p[off] != want[off])
			return off;
	}
	return -1;
}

/* Memfd @m's contents as read through its descriptor against want[] */
static int check_file_bytes(int m, const char *what)
{
	unsigned long size = memfd_size[m];
	ssize_t n;
	long off;

	n = pread(fd[m], got, size + PAGE, 0);
	if (n != (ssize_t)size)
		return complain("%s: pread() of %lu bytes at 0 read %zd (%s), its size is %lu",
				what, size + PAGE, n, n < 0 ? strerror(errno) : "", size);
	off = differs(m, got, size);
	if (off >= 0)
		return complain("%s: byte %ld is %#x through the descriptor, not %#x", what,
				off, got[off], want[off]);
	return 0;
}

/* Memfd @m's mapping (its whole pages) against want[] */
static int check_map_bytes(int m, const char *what)
{
	unsigned long len = (memfd_size[m] + PAGE - 1) & ~(PAGE - 1);
	long off = differs(m, map[m], len);

	if (off >= 0)
		return complain("%s: byte %ld is %#x in the mapping, not %#x%s", what, off,
				map[m][off], want[off],
				(unsigned long)off >= memfd_size[m] ? " (past its size)" : "");
	return 0;
}

/* Make memfd @m with @flags, @m's pattern in it; map it if @prot. */
static int make_memfd(int m, unsigned int flags)
{
	fd[m] = memfd_create(memfd_name[m], flags);
	if (fd[m] < 0)
		return complain("setup failed: memfd_create(%s, %#x): %s", memfd_name[m], flags,
				strerror(errno));
	expected(m);
	if (pwrite(fd[m], want, memfd_size[m], 0) != (ssize_t)memfd_size[m])
		return complain("setup failed: cannot fill %s: %s", memfd_name[m], strerror(errno));
	return 0;
}

static int map_memfd(int m, int prot, int flags)
{
	unsigned long len = (memfd_size[m] + PAGE - 1) & ~(PAGE - 1);
	void *p = mmap(NULL, len, prot, flags, fd[m], 0);

	if (p == MAP_FAILED)
		return complain("setup failed: mmap %s: %s", memfd_name[m], strerror(errno));
	map[m] = p;
	return 0;
}

static long get_seals(int m)
{
	return fcntl(fd[m], F_GET_SEALS);
}

static int setup(void)
{
	int i, w;
	void *p;

	for (i = 0; i < NMEMFDS; i++)
		fd[i] = -1;
	fd_b = -1;

	/* counted: the slots zeroed, the offset set */
	if (make_memfd(M_COUNTED, MFD_CLOEXEC | MFD_ALLOW_SEALING) ||
	    map_memfd(M_COUNTED, PROT_READ | PROT_WRITE, MAP_SHARED))
		return -1;
	if (lseek(fd[M_COUNTED], COUNTED_OFF, SEEK_SET) != COUNTED_OFF)
		return complain("setup failed: lseek counted: %s", strerror(errno));

	/* sealed: sealed, then mapped read-only (not writable again) */
	if (make_memfd(M_SEALED, MFD_ALLOW_SEALING))
		return -1;
	if (fcntl(fd[M_SEALED], F_ADD_SEALS, SEALS_SEALED))
		return complain("setup failed: F_ADD_SEALS sealed: %s", strerror(errno));
	if (map_memfd(M_SEALED, PROT_READ, MAP_SHARED))
		return -1;
	if (mprotect(map[M_SEALED], 2 * PAGE, PROT_READ | PROT_WRITE) == 0 || errno != EACCES)
		return complain("setup failed: mprotect(PROT_WRITE) of sealed did not fail with EACCES");

	/* future: mapped writable, then F_SEAL_FUTURE_WRITE */
	if (make_memfd(M_FUTURE, MFD_ALLOW_SEALING) ||
	    map_memfd(M_FUTURE, PROT_READ | PROT_WRITE, MAP_SHARED))
		return -1;
	if (fcntl(fd[M_FUTURE], F_ADD_SEALS, F_SEAL_FUTURE_WRITE))
		return complain("setup failed: F_ADD_SEALS(F_SEAL_FUTURE_WRITE): %s", strerror(errno));
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd[M_FUTURE], 0);
	if (p != MAP_FAILED) {
		munmap(p, PAGE);
		return complain("setup failed: a new writable mapping of future succeeded");
	}

	/* closed: the mapping alone */
	if (make_memfd(M_CLOSED, MFD_ALLOW_SEALING) ||
	    map_memfd(M_CLOSED, PROT_READ | PROT_WRITE, MAP_SHARED))
		return -1;
	close(fd[M_CLOSED]);
	fd[M_CLOSED] = -1;

	for (i = 0; i < NCOUNTED; i++)
		for (w = PARENT; w <= CHILD; w++)
			memset(slot_of(counted[i], w), 0, SLOT_BYTES);

	/* private: a change copied before fork() */
	if (make_memfd(M_PRIVATE, 0) ||
	    map_memfd(M_PRIVATE, PROT_READ | PROT_WRITE, MAP_PRIVATE))
		return -1;
	memcpy(map[M_PRIVATE] + 100, MARK_A, MARK_LEN);
	if (map[M_PRIVATE][PAGE + 300] != pattern(M_PRIVATE, PAGE + 300))
		return complain("setup failed: private's second page does not read as the memfd");

	/* reopened: a second open file through /proc/self/fd */
	if (make_memfd(M_REOPENED, 0))
		return -1;
	if (lseek(fd[M_REOPENED], A_OFF, SEEK_SET) != A_OFF)
		return complain("setup failed: lseek reopened: %s", strerror(errno));
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd[M_REOPENED]);
		fd_b = open(path, O_RDONLY | O_NONBLOCK);
		if (fd_b < 0)
			return complain("setup failed: open %s: %s", path, strerror(errno));
	}
	if (lseek(fd_b, B_OFF, SEEK_SET) != B_OFF)
		return complain("setup failed: lseek reopened's fd B: %s", strerror(errno));

	/* noexec */
	if (make_memfd(M_NOEXEC, MFD_NOEXEC_SEAL))
		return -1;

	for (i = 0; i < NMEMFDS; i++)
		if (fd[i] >= 0)
			seals[i] = get_seals(i);
	if (seals[M_COUNTED] != 0 || seals[M_SEALED] != SEALS_SEALED ||
	    seals[M_FUTURE] != F_SEAL_FUTURE_WRITE || seals[M_PRIVATE] != F_SEAL_SEAL ||
	    seals[M_REOPENED] != F_SEAL_SEAL || seals[M_NOEXEC] != F_SEAL_EXEC)
		return complain("setup failed: seals %#x %#x %#x %#x %#x %#x, not 0 %#x %#x %#x %#x %#x",
				seals[M_COUNTED], seals[M_SEALED], seals[M_FUTURE],
				seals[M_PRIVATE], seals[M_REOPENED], seals[M_NOEXEC],
				SEALS_SEALED, F_SEAL_FUTURE_WRITE, F_SEAL_SEAL, F_SEAL_SEAL,
				F_SEAL_EXEC);
	say("set up: seals counted %#x, sealed %#x, future %#x, private %#x, reopened %#x, noexec %#x",
	    seals[M_COUNTED], seals[M_SEALED], seals[M_FUTURE], seals[M_PRIVATE],
	    seals[M_REOPENED], seals[M_NOEXEC]);
	return 0;
}

/* One step: count in each counted memfd. */
static void step(void)
{
	int i;

	steps++;
	for (i = 0; i < NCOUNTED; i++)
		store(&slot_of(counted[i], me)->count, steps);
}

/* Its own counter in @m: its steps, in the mapping and the memfd. */
static void check_own(int m)
{
	unsigned long v = load(&slot_of(m, me)->count), f = 0;

	if (v != steps)
		complain("%s: its counter is %lu, it made %lu steps", memfd_name[m], v, steps);
	if (fd[m] < 0)
		return;
	if (pread(fd[m], &f, sizeof(f), me * PAGE) != sizeof(f))
		complain("%s: cannot pread its counter: %s", memfd_name[m], strerror(errno));
	else if (f != steps)
		complain("%s: pread() gives %lu for its counter, not %lu", memfd_name[m], f, steps);
}

/* The other's counter through the mapping, around a read of the memfd. */
static int check_other_in_file(int m)
{
	int other = !me;
	unsigned long v1, v2, f = 0;

	if (fd[m] < 0)
		return 0;
	v1 = load(&slot_of(m, other)->count);
	if (pread(fd[m], &f, sizeof(f), other * PAGE) != sizeof(f))
		return complain("%s: cannot pread: %s", memfd_name[m], strerror(errno));
	v2 = load(&slot_of(m, other)->count);
	if (f < v1 || f > v2)
		return complain("%s: the other's counter is %lu through the descriptor, %lu then %lu in the mapping",
				memfd_name[m], f, v1, v2);
	return 0;
}

/*
 * Count on until the other's counters advanced by 3 in each counted
 * memfd and the other saw ours advance (10 s at most).
 */
static void watch_other(void)
{
	unsigned long start[NCOUNTED];
	int i, seen[NCOUNTED] = { 0 }, n, all;

	for (i = 0; i < NCOUNTED; i++)
		start[i] = load(&slot_of(counted[i], !me)->count);
	for (n = 0; n < 500; n++) {
		all = 1;
		for (i = 0; i < NCOUNTED; i++) {
			if (!seen[i] && load(&slot_of(counted[i], !me)->count) >= start[i] + 3) {
				seen[i] = 1;
				check_other_in_file(counted[i]);
				store(&slot_of(counted[i], me)->done, 1);
			}
			all &= seen[i] && load(&slot_of(counted[i], !me)->done);
		}
		if (all)
			break;
		step();
		sleep_ms(20);
	}
	for (i = 0; i < NCOUNTED; i++) {
		if (!seen[i])
			complain("%s: the other's counter stayed at %lu for 10 s (from %lu)",
				 memfd_name[counted[i]], load(&slot_of(counted[i], !me)->count),
				 start[i]);
		else if (!load(&slot_of(counted[i], !me)->done))
			complain("%s: the other did not see this process's counter advance",
				 memfd_name[counted[i]]);
		check_own(counted[i]);
	}
	say("counters at %lu, the other's at %lu (counted), %lu (future), %lu (closed)", steps,
	    load(&slot_of(M_COUNTED, !me)->count), load(&slot_of(M_FUTURE, !me)->count),
	    load(&slot_of(M_CLOSED, !me)->count));
}

static size_t read_whole(const char *path, char *buf, size_t size)
{
	int f = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (f < 0)
		return 0;
	while ((n = read(f, buf + total, size - 1 - total)) > 0)
		total += n;
	close(f);
	buf[total] = 0;
	return total;
}

/*
 * Every mapping in /proc/self/maps: at its address, its permissions,
 * named "/memfd:NAME (deleted)", on the inode of its descriptor; the
 * inodes noted in this process's slot.
 */
static void check_maps(void)
{
	unsigned long start, end, ino, off;
	char perms[8], *line, *next, *name;
	struct stat st;
	int m, found, pos;

	if (!read_whole("/proc/self/maps", maps, sizeof(maps))) {
		complain("cannot read /proc/self/maps");
		return;
	}
	for (m = 0; m < NMEMFDS; m++) {
		if (!map[m])
			continue;
		found = 0;
		for (line = maps; *line; line = next) {
			next = strchr(line, '\n');
			next = next ? next + 1 : line + strlen(line);
			if (sscanf(line, "%lx-%lx %7s %lx %*x:%*x %lu %n", &start, &end, perms,
				   &off, &ino, &pos) != 5 || start != (unsigned long)map[m])
				continue;
			found = 1;
			name = line + pos;
			if (strncmp(name, "/memfd:", 7) || strncmp(name + 7, memfd_name[m],
								   strlen(memfd_name[m])) ||
			    strncmp(name + 7 + strlen(memfd_name[m]), " (deleted)\n", 11))
				complain("%s: its mapping is %.*s", memfd_name[m],
					 (int)(next - line - 1), line);
			if (strcmp(perms, map_perms[m]))
				complain("%s: its mapping is %s, not %s", memfd_name[m], perms,
					 map_perms[m]);
			if (fd[m] >= 0 && (fstat(fd[m], &st) || st.st_ino != ino))
				complain("%s: its mapping is on inode %lu, its descriptor on %lu",
					 memfd_name[m], ino, (unsigned long)st.st_ino);
			store(&ctl(me)->ino[m], ino);
		}
		if (!found)
			complain("%s: no mapping at %p in /proc/self/maps", memfd_name[m], map[m]);
	}
}

/* fd's link, FD_CLOEXEC, access mode and flags, offset */
static void check_fd(const char *what, int m, int f, int cloexec, int flags, long off)
{
	char path[64], link[256], expect[128];
	ssize_t n;
	int fl;
	long pos;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", f);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	snprintf(expect, sizeof(expect), "/memfd:%s (deleted)", memfd_name[m]);
	if (strcmp(link, expect))
		complain("%s: %s links to \"%s\", not \"%s\"", what, path, link, expect);
	fl = fcntl(f, F_GETFD);
	if (fl < 0 || !!(fl & FD_CLOEXEC) != cloexec)
		complain("%s: F_GETFD gives %#x, FD_CLOEXEC %s", what, fl,
			 cloexec ? "expected" : "not expected");
	fl = fcntl(f, F_GETFL);
	if (fl < 0 || (fl & (O_ACCMODE | O_NONBLOCK | O_APPEND)) != flags)
		complain("%s: F_GETFL gives %#x, not %#x", what, fl, flags);
	pos = lseek(f, 0, SEEK_CUR);
	if (pos != off)
		complain("%s: at offset %ld, not %ld", what, pos, off);
}

/*
 * The descriptors, sizes, modes, seals and inodes; the contents of each
 * memfd through its descriptor and its mapping.
 */
static void check_memfds(void)
{
	unsigned long ino[NMEMFDS] = { 0 };
	struct stat st;
	int m, i, j;
	long s;

	check_fd("counted", M_COUNTED, fd[M_COUNTED], 1, O_RDWR, COUNTED_OFF);
	check_fd("sealed", M_SEALED, fd[M_SEALED], 0, O_RDWR, 0);
	check_fd("future", M_FUTURE, fd[M_FUTURE], 0, O_RDWR, 0);
	check_fd("private", M_PRIVATE, fd[M_PRIVATE], 0, O_RDWR, 0);
	check_fd("reopened fd A", M_REOPENED, fd[M_REOPENED], 0, O_RDWR, A_OFF);
	check_fd("reopened fd B", M_REOPENED, fd_b, 0, O_RDONLY | O_NONBLOCK, B_OFF);
	check_fd("noexec", M_NOEXEC, fd[M_NOEXEC], 0, O_RDWR, 0);
	for (m = 0; m < NMEMFDS; m++) {
		if (fd[m] < 0) {
			ino[m] = load(&ctl(me)->ino[m]);
			continue;
		}
		if (fstat(fd[m], &st)) {
			complain("%s: fstat: %s", memfd_name[m], strerror(errno));
			continue;
		}
		ino[m] = st.st_ino;
		if ((unsigned long)st.st_size != memfd_size[m])
			complain("%s: %lld bytes (fstat), not %lu", memfd_name[m],
				 (long long)st.st_size, memfd_size[m]);
		if (st.st_mode != (S_IFREG | (m == M_NOEXEC ? 0666 : 0777)))
			complain("%s: mode %#o (fstat), not %#o", memfd_name[m], st.st_mode,
				 S_IFREG | (m == M_NOEXEC ? 0666 : 0777));
		s = get_seals(m);
		if (s != (long)seals[m])
			complain("%s: seals %#lx (F_GET_SEALS), %#x before", memfd_name[m], s, seals[m]);
		expected(m);
		if (m == M_PRIVATE)
			continue;	/* check_private() */
		check_file_bytes(m, memfd_name[m]);
		if (map[m])
			check_map_bytes(m, memfd_name[m]);
	}
	if (fstat(fd_b, &st) || st.st_ino != ino[M_REOPENED])
		complain("reopened: fd B is on inode %lu, fd A on %lu", (unsigned long)st.st_ino,
			 ino[M_REOPENED]);
	expected(M_CLOSED);
	check_map_bytes(M_CLOSED, "closed");
	for (i = 0; i < NMEMFDS; i++)
		for (j = i + 1; j < NMEMFDS; j++)
			if (ino[i] && ino[i] == ino[j])
				complain("%s and %s are one inode, %lu", memfd_name[i], memfd_name[j],
					 ino[i]);
}

/*
 * private: the mapping holds MARK_A (and MARK_B in the child), the
 * memfd neither.
 */
static void check_private(void)
{
	expected(M_PRIVATE);
	check_file_bytes(M_PRIVATE, "private (the memfd)");
	memcpy(want + 100, MARK_A, MARK_LEN);
	if (me == CHILD)
		memcpy(want + 200, MARK_B, MARK_LEN);
	check_map_bytes(M_PRIVATE, "private (the mapping)");
}

/* Wait (10 s at most) until @who's phase is @phase. */
static int wait_phase(int who, unsigned long phase)
{
	int i;

	for (i = 0; i < 1000 && load(&ctl(who)->phase) < phase; i++)
		sleep_ms(10);
	if (load(&ctl(who)->phase) >= phase)
		return 0;
	return complain("the %s did not reach phase %lu in 10 s (at %lu)",
			who == PARENT ? "parent" : "child", phase, load(&ctl(who)->phase));
}

/* sealed: nothing can write, shrink, grow or seal it, nor map it writable */
static void check_sealed(void)
{
	ssize_t n;

	errno = 0;
	n = write(fd[M_SEALED], "x", 1);
	if (n >= 0 || errno != EPERM)
		complain("sealed: write() returned %zd (%s), not EPERM", n, strerror(errno));
	if (ftruncate(fd[M_SEALED], PAGE) == 0 || errno != EPERM)
		complain("sealed: ftruncate() to shrink it did not fail with EPERM (%s)",
			 strerror(errno));
	if (ftruncate(fd[M_SEALED], 3 * PAGE) == 0 || errno != EPERM)
		complain("sealed: ftruncate() to grow it did not fail with EPERM (%s)",
			 strerror(errno));
	if (mprotect(map[M_SEALED], 2 * PAGE, PROT_READ | PROT_WRITE) == 0 || errno != EACCES)
		complain("sealed: mprotect(PROT_WRITE) of its mapping did not fail with EACCES (%s)",
			 strerror(errno));
	if (fcntl(fd[M_SEALED], F_ADD_SEALS, F_SEAL_EXEC) == 0 || errno != EPERM)
		complain("sealed: F_ADD_SEALS did not fail with EPERM (%s)", strerror(errno));
	if (get_seals(M_SEALED) != SEALS_SEALED)
		complain("sealed: seals %#lx after the attempts", get_seals(M_SEALED));
	expected(M_SEALED);
	check_file_bytes(M_SEALED, "sealed (after the attempts)");
}

/* future: its mapping writable, a write there read(); no new writer */
static void check_future(void)
{
	static const char mark[] = "future-write";
	char buf[sizeof(mark)] = "";
	void *p;
	ssize_t n;

	memcpy(map[M_FUTURE] + 2048, mark, sizeof(mark));
	if (lseek(fd[M_FUTURE], 2048, SEEK_SET) != 2048 ||
	    read(fd[M_FUTURE], buf, sizeof(buf)) != sizeof(buf) || memcmp(buf, mark, sizeof(mark)))
		complain("future: a write through its mapping reads \"%.*s\" through its descriptor",
			 (int)sizeof(buf), buf);
	errno = 0;
	n = write(fd[M_FUTURE], "x", 1);
	if (n >= 0 || errno != EPERM)
		complain("future: write() returned %zd (%s), not EPERM", n, strerror(errno));
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd[M_FUTURE], 0);
	if (p != MAP_FAILED) {
		munmap(p, PAGE);
		complain("future: a new writable shared mapping succeeded");
	} else if (errno != EPERM) {
		complain("future: a new writable shared mapping failed with %s, not EPERM",
			 strerror(errno));
	}
}

/* private: a page it never copied shows a write to the memfd */
static void check_private_through(void)
{
	if (pwrite(fd[M_PRIVATE], MARK_C, MARK_LEN, PAGE + 300) != MARK_LEN)
		complain("private: pwrite: %s", strerror(errno));
	else if (memcmp(map[M_PRIVATE] + PAGE + 300, MARK_C, MARK_LEN))
		complain("private: its mapping's second page (never copied) does not show a write to the memfd");
	if (memcmp(map[M_PRIVATE] + 100, MARK_A, MARK_LEN))
		complain("private: its copied page lost \"" MARK_A "\"");
}

/* reopened: one memfd, two open files with an offset each */
static void check_reopened(void)
{
	static const char mark[] = "through-fd-A";
	char buf[sizeof(mark)] = "";
	unsigned char b[16];

	if (pwrite(fd[M_REOPENED], mark, sizeof(mark), 3000) != sizeof(mark))
		complain("reopened: pwrite through fd A: %s", strerror(errno));
	else if (pread(fd_b, buf, sizeof(buf), 3000) != sizeof(buf) || memcmp(buf, mark, sizeof(mark)))
		complain("reopened: a write through fd A reads \"%.*s\" through fd B",
			 (int)sizeof(buf), buf);
	if (write(fd_b, "x", 1) >= 0 || errno != EBADF)
		complain("reopened: write() through fd B (O_RDONLY) did not fail with EBADF");
	if (read(fd_b, b, sizeof(b)) != sizeof(b))
		complain("reopened: read() through fd B: %s", strerror(errno));
	else if (b[0] != pattern(M_REOPENED, B_OFF) || b[15] != pattern(M_REOPENED, B_OFF + 15))
		complain("reopened: read() through fd B did not read at offset %ld", B_OFF);
	if (lseek(fd_b, 0, SEEK_CUR) != B_OFF + 16 || lseek(fd[M_REOPENED], 0, SEEK_CUR) != A_OFF)
		complain("reopened: after a read() of 16 bytes through fd B, fd B is at %ld, fd A at %ld (not %ld and %ld)",
			 (long)lseek(fd_b, 0, SEEK_CUR), (long)lseek(fd[M_REOPENED], 0, SEEK_CUR),
			 B_OFF + 16, A_OFF);
}

/* noexec: F_SEAL_EXEC holds its mode */
static void check_noexec(void)
{
	struct stat st;

	if (fchmod(fd[M_NOEXEC], 0755) == 0 || errno != EPERM)
		complain("noexec: fchmod(0755) did not fail with EPERM (%s)", strerror(errno));
	if (fstat(fd[M_NOEXEC], &st) || (st.st_mode & 07777) != 0666)
		complain("noexec: mode %#o after fchmod()", st.st_mode & 07777);
}

/* Each mapping on the same inode in both processes. */
static void check_same_inodes(void)
{
	int m;

	for (m = 0; m < NMEMFDS; m++)
		if (map[m] && load(&ctl(PARENT)->ino[m]) != load(&ctl(CHILD)->ino[m]))
			complain("%s: mapped on inode %lu in the parent, %lu in the child",
				 memfd_name[m], load(&ctl(PARENT)->ino[m]),
				 load(&ctl(CHILD)->ino[m]));
}

/* Take a step every 20 ms until DIR/stop; write it to @progress_fd. */
static void run(int progress_fd)
{
	char line[32];
	int n;

	while (!exists("stop")) {
		step();
		if (progress_fd >= 0) {
			n = snprintf(line, sizeof(line), "%lu\n", steps);
			if (pwrite(progress_fd, line, n, 0) != n)
				bad = 1;
		}
		sleep_ms(20);
	}
}

static int child_main(void)
{
	long pos;

	memcpy(map[M_PRIVATE] + 200, MARK_B, MARK_LEN);
	store(&ctl(CHILD)->ready, 1);
	run(-1);
	watch_other();
	check_maps();
	check_memfds();
	check_private();
	store(&ctl(CHILD)->phase, 1);
	/* the parent checked counted's offset: move it */
	if (!wait_phase(PARENT, 1)) {
		pos = lseek(fd[M_COUNTED], COUNTED_MOVED, SEEK_SET);
		if (pos != COUNTED_MOVED)
			complain("counted: lseek to %ld gave %ld", COUNTED_MOVED, pos);
	}
	store(&ctl(CHILD)->phase, 2);
	say("%lu steps, its cases %s", steps, bad ? "DAMAGED" : "intact");
	return bad;
}

/* Wait (10 s at most) for the child to be set up. */
static int child_ready(void)
{
	unsigned long v = 0;
	int i;

	for (i = 0; i < 1000 && !(v = load(&ctl(CHILD)->ready)); i++)
		sleep_ms(10);
	if (v == 1)
		return 0;
	return complain("setup failed: the child %s", v ? "could not set up" : "is not set up after 10 s");
}

static int reap(pid_t child)
{
	int status;

	if (waitpid(child, &status, 0) != child)
		return complain("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return complain("the child ended with status %#x", status);
	return 0;
}

int main(int argc, char **argv)
{
	char path[512];
	pid_t child;
	long pos;
	int pfd;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	snprintf(path, sizeof(path), "%s/progress", dir);
	pfd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (pfd < 0)
		return 2;
	if (setup()) {
		create("ready");
		return 1;
	}
	child = fork();
	if (child < 0)
		return 2;
	if (child == 0) {
		me = CHILD;
		close(pfd);
		exit(child_main());
	}
	if (child_ready()) {
		create("ready");
		kill(child, SIGKILL);
		return 1;
	}
	create("ready");
	run(pfd);
	watch_other();
	check_maps();
	check_memfds();
	check_private();
	store(&ctl(PARENT)->phase, 1);
	/* once the child checked too: what writes, or tries to */
	if (!wait_phase(CHILD, 1)) {
		check_sealed();
		check_future();
		check_private_through();
		check_reopened();
		check_noexec();
	}
	if (!wait_phase(CHILD, 2)) {
		pos = lseek(fd[M_COUNTED], 0, SEEK_CUR);
		if (pos != COUNTED_MOVED)
			complain("counted: the child moved its offset to %ld, the parent's is at %ld (not one open file)",
				 COUNTED_MOVED, pos);
		check_same_inodes();
	}
	reap(child);
	say("%lu steps; memfds %s", steps, bad ? "DAMAGED" : "intact");
	return bad;
}
