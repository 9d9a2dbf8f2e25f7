// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sharedfiles DIR DISKDIR: shared file mappings and locked memory (image
 * format 1.9), for the VM scenarios.  A parent and a forked child.
 *
 *   shared   DIR/shared.dat (tmpfs), 2 pages, MAP_SHARED read-write,
 *            mapped before fork(): the parent counts in page 0, the
 *            child in page 1
 *   shm      a POSIX shared memory object, /dev/shm/sharedfiles-PID, 2
 *            pages, mapped MAP_SHARED by each process after fork() (so
 *            likely at different addresses), counted in the same way
 *   disk     DISKDIR/data, a file on a disk file system, MAP_SHARED
 *            read-write: the parent writes "token-N\n" at offset 0 at
 *            its step N
 *   ro       DIR/ro.dat, filled with a pattern, opened O_RDONLY and
 *            mapped MAP_SHARED PROT_READ (parent)
 *   rw       DIR/rw.dat, the same pattern, opened O_RDWR and mapped
 *            MAP_SHARED PROT_READ (parent)
 *   locked   4 anonymous pages, touched and mlock()ed (parent)
 *   onfault  8 anonymous pages, mlock2(MLOCK_ONFAULT), 2 of them
 *            touched: 8 kB locked (parent)
 *   future   mlockall(MCL_FUTURE) (child): a new mapping is locked
 *
 * The descriptors of the mappings are closed once they are mapped.
 * Every 20 ms each process adds 1 to its counters (shared, shm) and the
 * parent writes its token and its step to DIR/progress.  The parent
 * creates DIR/ready once both are set up.  When DIR/stop appears each
 * process checks that its own counters are its steps, and goes on
 * counting until it has seen the other's counters advance through both
 * mappings, reading them through the files too (pread() of each file
 * by its path: between two reads of the mapping); the two agree
 * through done flags in the mappings, with a timeout, so unshared
 * memory fails, never hangs.  The parent checks that the disk file and
 * its mapping hold its last token; that ro.dat reads as it was, cannot
 * be made writable (mprotect() fails with EACCES) and shows a pwrite()
 * to the file made through another descriptor; that rw.dat can be made
 * writable and a write through the mapping reaches the file; that
 * /proc/self/smaps shows the locked pages locked ("lo", Locked: 16 kB)
 * and of the onfault ones only the 2 touched pages ("lo lf", Locked:
 * 8 kB).  The child checks that a new mapping is locked.  The parent
 * reaps the child, says "shared files intact" and exits 0, or says what
 * differs and exits 1.  A case it cannot set up is said as "setup
 * failed: ..." (DIR/ready created all the same).
 *
 * Memfds, shared mappings of them among others (format 1.10), are the
 * memfds program's.
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testdir.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT	1
#endif

#define PAGE		4096UL
#define SHARED_SIZE	(2 * PAGE)
#define RO_SIZE		(2 * PAGE)
#define LOCK_PAGES	4
#define ONFAULT_PAGES	8
#define PATTERN_SEED	0x5f11e000u

enum { PARENT, CHILD };
enum { R_SHARED, R_SHM, NREGIONS };

/* One page of a counted region per process. */
struct slot {
	unsigned long count;	/* its steps */
	unsigned long done;	/* it has seen the other's count advance */
	unsigned long ready;	/* the child: 1 set up, 2 failed */
};

static const char *const region_name[NREGIONS] = { "shared.dat", "shm" };

static char diskdir[256];
static char region_path[NREGIONS][512];
static unsigned char *region[NREGIONS];
static char *disk, *ro, *rw;
static unsigned char *locked, *onfault;
static int me;
static unsigned long steps;
static unsigned long token;	/* the last token written */
static int bad;

/* Static buffer: smaps is read without the heap. */
static char smaps[1 << 18];

static void vsay(const char *fmt, va_list ap)
{
	static char line[4096];
	int n;

	n = snprintf(line, sizeof(line), "sharedfiles %s: ",
		     me == PARENT ? "parent" : "child");
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

static struct slot *slot_of(int r, int who)
{
	return (struct slot *)(region[r] + who * PAGE);
}

static unsigned long load(unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(unsigned long *p, unsigned long v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static unsigned int word(unsigned long off)
{
	return (unsigned int)(off / 4) * 2654435761u ^ PATTERN_SEED;
}

static void fill(unsigned char *p, unsigned long size)
{
	unsigned int *w = (unsigned int *)p;
	unsigned long i;

	for (i = 0; i < size / 4; i++)
		w[i] = word(4 * i);
}

/* The first offset where p differs from the pattern, or -1. */
static long differs(const unsigned char *p, unsigned long size)
{
	const unsigned int *w = (const unsigned int *)p;
	unsigned long i;

	for (i = 0; i < size / 4; i++)
		if (w[i] != word(4 * i))
			return 4 * i;
	return -1;
}

static void path_in(char *buf, size_t size, const char *d, const char *name)
{
	snprintf(buf, size, "%s/%s", d, name);
}

/* Map @size bytes of @path MAP_SHARED with @prot, the file opened @oflags. */
static void *map_file(const char *path, int oflags, int prot, unsigned long size)
{
	int fd = open(path, oflags, 0644);
	void *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, size, prot, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* A new file @path of @size bytes, holding the pattern if @pattern. */
static int make_file(const char *path, unsigned long size, int pattern)
{
	static unsigned char buf[RO_SIZE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int r = 0;

	if (fd < 0)
		return -1;
	if (pattern) {
		fill(buf, size);
		r = pwrite(fd, buf, size, 0) == (ssize_t)size ? 0 : -1;
	} else if (ftruncate(fd, size)) {
		r = -1;
	}
	close(fd);
	return r;
}

/* Read @len bytes at @off of the file @path; 0 or -1. */
static int read_at(const char *path, void *buf, size_t len, off_t off)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static int write_at(const char *path, const void *buf, size_t len, off_t off)
{
	int fd = open(path, O_RDWR);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pwrite(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static size_t read_whole(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return got;
}

/*
 * Of the VMA holding @addr in /proc/self/smaps: its Locked: (kB) and
 * its VmFlags in @flags; -1 when there is no such VMA.
 */
static long vma_locked(const void *addr, char *flags, size_t size)
{
	unsigned long start, end, a = (unsigned long)addr;
	char *line = smaps, *next;
	long kb = -1;
	int in = 0;

	flags[0] = 0;
	if (!read_whole("/proc/self/smaps", smaps, sizeof(smaps)))
		return -1;
	for (; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		else
			next = line + strlen(line);
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = a >= start && a < end;
		else if (in && !strncmp(line, "Locked:", 7))
			kb = atol(line + 7);
		else if (in && !strncmp(line, "VmFlags:", 8))
			snprintf(flags, size, "%s", line + 8);
	}
	return kb;
}

/* The VmFlags @flags have the two-letter flag @f. */
static int has_flag(const char *flags, const char *f)
{
	const char *p;

	for (p = flags; (p = strstr(p, f)); p += 2)
		if ((p == flags || p[-1] == ' ') && (p[2] == ' ' || !p[2]))
			return 1;
	return 0;
}

/*
 * The VMA holding @addr is locked (VmFlags "lo"), on fault if @lf, with
 * @kb kB locked (unless @kb is negative); what else it is, in @what.
 */
static int check_locked(const char *what, const void *addr, int lf, long kb)
{
	char flags[256];
	long got = vma_locked(addr, flags, sizeof(flags));

	say("%s: Locked: %ld kB, VmFlags:%s", what, got, flags);
	if (!has_flag(flags, "lo") || has_flag(flags, "lf") != lf)
		return complain("%s: VmFlags%s, expected lo%s", what, flags,
				lf ? " and lf" : " without lf");
	if (kb >= 0 && got != kb)
		return complain("%s: Locked: %ld kB, expected %ld kB", what, got, kb);
	return 0;
}

static int map_shm(void)
{
	region[R_SHM] = map_file(region_path[R_SHM], O_RDWR,
				 PROT_READ | PROT_WRITE, SHARED_SIZE);
	return region[R_SHM] ? 0 : -1;
}

/* Case disk: DISKDIR/data, MAP_SHARED read-write. */
static int setup_disk(void)
{
	char path[512];

	path_in(path, sizeof(path), diskdir, "data");
	if (make_file(path, PAGE, 0))
		return complain("setup failed: cannot create %s: %s", path, strerror(errno));
	disk = map_file(path, O_RDWR, PROT_READ | PROT_WRITE, PAGE);
	if (!disk)
		return complain("setup failed: mmap %s: %s", path, strerror(errno));
	return 0;
}

/* Cases ro and rw: the same pattern, the file opened read-only and read-write. */
static int setup_ro_rw(void)
{
	char path[512];

	path_in(path, sizeof(path), dir, "ro.dat");
	if (make_file(path, RO_SIZE, 1))
		return complain("setup failed: cannot write %s: %s", path, strerror(errno));
	ro = map_file(path, O_RDONLY, PROT_READ, RO_SIZE);
	path_in(path, sizeof(path), dir, "rw.dat");
	if (make_file(path, RO_SIZE, 1))
		return complain("setup failed: cannot write %s: %s", path, strerror(errno));
	rw = map_file(path, O_RDWR, PROT_READ, RO_SIZE);
	if (!ro || !rw)
		return complain("setup failed: mmap ro.dat or rw.dat: %s", strerror(errno));
	if (mprotect(ro, RO_SIZE, PROT_READ | PROT_WRITE) == 0 || errno != EACCES)
		return complain("setup failed: mprotect(PROT_WRITE) of ro.dat did not fail with EACCES");
	return 0;
}

/* Cases locked and onfault. */
static int setup_locks(void)
{
	locked = mmap(NULL, LOCK_PAGES * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	onfault = mmap(NULL, ONFAULT_PAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (locked == MAP_FAILED || onfault == MAP_FAILED)
		return complain("setup failed: mmap: %s", strerror(errno));
	fill(locked, LOCK_PAGES * PAGE);
	if (mlock(locked, LOCK_PAGES * PAGE))
		return complain("setup failed: mlock: %s", strerror(errno));
	if (syscall(SYS_mlock2, onfault, ONFAULT_PAGES * PAGE, MLOCK_ONFAULT))
		return complain("setup failed: mlock2(MLOCK_ONFAULT): %s", strerror(errno));
	fill(onfault, PAGE);
	fill(onfault + 5 * PAGE, PAGE);
	if (check_locked("locked", locked, 0, LOCK_PAGES * PAGE / 1024) ||
	    check_locked("onfault", onfault, 1, 2 * PAGE / 1024))
		return complain("setup failed: the locked memory is not as expected");
	return 0;
}

/* Case future: a new mapping is locked. */
static int check_future(const char *when)
{
	char what[64];
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r;

	if (p == MAP_FAILED)
		return complain("mmap after mlockall: %s", strerror(errno));
	snprintf(what, sizeof(what), "future (a new mapping %s)", when);
	r = check_locked(what, p, 0, -1);
	munmap(p, PAGE);
	return r;
}

/* One step: count in both regions; the parent writes its token. */
static void step(void)
{
	char line[32];
	int n;

	steps++;
	store(&slot_of(R_SHARED, me)->count, steps);
	store(&slot_of(R_SHM, me)->count, steps);
	if (me == PARENT) {
		n = snprintf(line, sizeof(line), "token-%lu\n", steps);
		memcpy(disk, line, n);
		token = steps;
	}
}

/* Its own counter in region @r: its steps, in the mapping and the file. */
static void check_own(int r)
{
	unsigned long v = load(&slot_of(r, me)->count), f = 0;

	if (v != steps)
		complain("%s: its counter is %lu, it made %lu steps", region_name[r], v, steps);
	if (read_at(region_path[r], &f, sizeof(f), me * PAGE))
		complain("%s: cannot read %s: %s", region_name[r], region_path[r], strerror(errno));
	else if (f != steps)
		complain("%s: %s has %lu for its counter, not %lu", region_name[r],
			 region_path[r], f, steps);
}

/* The other's counter through the mapping, around a read of the file. */
static int check_other_in_file(int r)
{
	int other = !me;
	unsigned long v1, v2, f = 0;

	v1 = load(&slot_of(r, other)->count);
	if (read_at(region_path[r], &f, sizeof(f), other * PAGE))
		return complain("%s: cannot read %s: %s", region_name[r], region_path[r],
				strerror(errno));
	v2 = load(&slot_of(r, other)->count);
	if (f < v1 || f > v2)
		return complain("%s: the other's counter is %lu in %s, %lu then %lu in the mapping",
				region_name[r], f, region_path[r], v1, v2);
	return 0;
}

/*
 * Count on until the other's counters advanced by 3 in both regions and
 * the other saw ours advance (10 s at most).
 */
static void watch_other(void)
{
	unsigned long start[NREGIONS];
	int r, seen[NREGIONS] = { 0, 0 }, i, all;

	for (r = 0; r < NREGIONS; r++)
		start[r] = load(&slot_of(r, !me)->count);
	for (i = 0; i < 500; i++) {
		all = 1;
		for (r = 0; r < NREGIONS; r++) {
			if (!seen[r] && load(&slot_of(r, !me)->count) >= start[r] + 3) {
				seen[r] = 1;
				check_other_in_file(r);
				store(&slot_of(r, me)->done, 1);
			}
			all &= seen[r] && load(&slot_of(r, !me)->done);
		}
		if (all)
			break;
		step();
		sleep_ms(20);
	}
	for (r = 0; r < NREGIONS; r++) {
		if (!seen[r])
			complain("%s: the other's counter stayed at %lu for 10 s (from %lu)",
				 region_name[r], load(&slot_of(r, !me)->count), start[r]);
		else if (!load(&slot_of(r, !me)->done))
			complain("%s: the other did not see this process's counter advance",
				 region_name[r]);
		check_own(r);
	}
	say("counters at %lu, the other's at %lu (shared.dat) and %lu (shm)", steps,
	    load(&slot_of(R_SHARED, !me)->count), load(&slot_of(R_SHM, !me)->count));
}

/* Case disk: the mapping and the file hold the last token. */
static void check_disk(void)
{
	char want[32], path[512], got[32] = "";
	int n = snprintf(want, sizeof(want), "token-%lu\n", token);

	path_in(path, sizeof(path), diskdir, "data");
	if (memcmp(disk, want, n))
		complain("disk: the mapping holds \"%.*s\", not \"%.*s\"", n - 1, disk, n - 1, want);
	if (read_at(path, got, n, 0) || memcmp(got, want, n))
		complain("disk: %s holds \"%.*s\", not \"%.*s\"", path, n - 1, got, n - 1, want);
}

/* Case ro: as it was, not writable, a write to the file seen. */
static void check_ro(void)
{
	unsigned int v = 0xfeedf00d;
	char path[512];
	long off = differs((unsigned char *)ro, RO_SIZE);

	if (off >= 0)
		complain("ro: ro.dat differs at offset %ld", off);
	if (mprotect(ro, RO_SIZE, PROT_READ | PROT_WRITE) == 0)
		complain("ro: mprotect(PROT_WRITE) of the mapping of a file opened O_RDONLY succeeded");
	else if (errno != EACCES)
		complain("ro: mprotect(PROT_WRITE) failed with %s, not EACCES", strerror(errno));
	path_in(path, sizeof(path), dir, "ro.dat");
	if (write_at(path, &v, sizeof(v), PAGE + 100))
		complain("ro: cannot write %s: %s", path, strerror(errno));
	else if (*(unsigned int *)(ro + PAGE + 100) != v)
		complain("ro: a write to ro.dat is not seen in its mapping");
}

/* Case rw: can be made writable, a write through it reaches the file. */
static void check_rw(void)
{
	unsigned int v = 0xc0ffee11, f = 0;
	char path[512];
	long off = differs((unsigned char *)rw, RO_SIZE);

	if (off >= 0)
		complain("rw: rw.dat differs at offset %ld", off);
	if (mprotect(rw, RO_SIZE, PROT_READ | PROT_WRITE)) {
		complain("rw: mprotect(PROT_WRITE) of the mapping of a file opened O_RDWR: %s",
			 strerror(errno));
		return;
	}
	*(unsigned int *)(rw + 200) = v;
	path_in(path, sizeof(path), dir, "rw.dat");
	if (read_at(path, &f, sizeof(f), 200) || f != v)
		complain("rw: a write through the mapping is not in rw.dat (%#x)", f);
}

/* Cases locked and onfault: still locked, the pages as they were. */
static void check_locks(void)
{
	long off;

	check_locked("locked", locked, 0, LOCK_PAGES * PAGE / 1024);
	check_locked("onfault", onfault, 1, 2 * PAGE / 1024);
	off = differs(locked, LOCK_PAGES * PAGE);
	if (off >= 0)
		complain("locked: differs at offset %ld", off);
	if (differs(onfault, PAGE) >= 0 || differs(onfault + 5 * PAGE, PAGE) >= 0)
		complain("onfault: a touched page differs");
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

/* Take a step every 20 ms until DIR/stop; write it to @progress_fd. */
static void run(int progress_fd, void (*one_step)(void))
{
	char line[32];
	int n;

	while (!exists("stop")) {
		one_step();
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
	struct slot *s = slot_of(R_SHARED, CHILD);

	if (map_shm()) {
		complain("setup failed: mmap %s: %s", region_path[R_SHM], strerror(errno));
		store(&s->ready, 2);
		return 1;
	}
	if (mlockall(MCL_FUTURE)) {
		complain("setup failed: mlockall(MCL_FUTURE): %s", strerror(errno));
		store(&s->ready, 2);
		return 1;
	}
	if (check_future("before the checkpoint")) {
		complain("setup failed: mlockall(MCL_FUTURE) does not lock a new mapping");
		store(&s->ready, 2);
		return 1;
	}
	store(&s->ready, 1);
	run(-1, step);
	watch_other();
	check_future("after the restart");
	say("%lu steps, its cases %s", steps, bad ? "DAMAGED" : "intact");
	return bad;
}

/* Wait (10 s at most) for the child to be set up. */
static int child_ready(void)
{
	unsigned long v = 0;
	int i;

	for (i = 0; i < 1000 && !(v = load(&slot_of(R_SHARED, CHILD)->ready)); i++)
		sleep_ms(10);
	if (v == 1)
		return 0;
	return complain("setup failed: the child %s", v ? "could not set up" : "is not set up after 10 s");
}

static int parent_setup(void)
{
	return map_shm() ? complain("setup failed: mmap %s: %s", region_path[R_SHM],
				    strerror(errno)) : 0;
}

/* The regions mapped before fork(): shared.dat, and the shm object made. */
static int common_setup(void)
{
	char name[64];
	int fd;

	path_in(region_path[R_SHARED], sizeof(region_path[0]), dir, "shared.dat");
	if (make_file(region_path[R_SHARED], SHARED_SIZE, 0))
		return complain("setup failed: cannot create %s: %s", region_path[R_SHARED],
				strerror(errno));
	region[R_SHARED] = map_file(region_path[R_SHARED], O_RDWR,
				    PROT_READ | PROT_WRITE, SHARED_SIZE);
	if (!region[R_SHARED])
		return complain("setup failed: mmap shared.dat: %s", strerror(errno));
	snprintf(name, sizeof(name), "/sharedfiles-%d", (int)getpid());
	snprintf(region_path[R_SHM], sizeof(region_path[0]), "/dev/shm%s", name);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return complain("setup failed: shm_open %s: %s", name, strerror(errno));
	if (ftruncate(fd, SHARED_SIZE)) {
		close(fd);
		return complain("setup failed: ftruncate %s: %s", name, strerror(errno));
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	char path[512];
	pid_t child;
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc != 3)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	snprintf(diskdir, sizeof(diskdir), "%s", argv[2]);
	path_in(path, sizeof(path), dir, "progress");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 2;
	if (common_setup()) {
		create("ready");
		return 1;
	}
	child = fork();
	if (child < 0)
		return 2;
	if (child == 0) {
		me = CHILD;
		close(fd);
		exit(child_main());
	}
	if (parent_setup() || setup_disk() || setup_ro_rw() || setup_locks() ||
	    child_ready()) {
		create("ready");
		kill(child, SIGKILL);
		shm_unlink(region_path[R_SHM] + 8);
		return 1;
	}
	create("ready");
	run(fd, step);
	watch_other();
	check_disk();
	check_ro();
	check_rw();
	check_locks();
	reap(child);
	shm_unlink(region_path[R_SHM] + 8);
	say("%lu steps, token-%lu; shared files %s", steps, token,
	    bad ? "DAMAGED" : "intact");
	return bad;
}
