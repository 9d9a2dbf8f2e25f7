// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * deleted DIR DISKDIR: deleted files (image format 1.10), for the VM
 * scenarios.  A parent and a forked child; every file is made, filled
 * with a pattern of its own, given its mode, opened or mapped and then
 * deleted before fork(), so both processes hold every descriptor (the
 * same open files) and every mapping.
 *
 *   counted   DIR/counted, 3 pages and 321 bytes, mode 0640, O_RDWR,
 *             unlinked; each process counts in it through the shared
 *             descriptor (pwrite() of its step at the start of page 0,
 *             the parent's, or page 1, the child's); its offset 777
 *   disk      DISKDIR/ondisk (an ext2 file system on a loop device),
 *             2 pages and 77 bytes, mode 0604, O_RDWR, unlinked; its
 *             offset 4321
 *   tmpfile   an O_TMPFILE file of DIR never linked (not O_EXCL),
 *             1 page and 100 bytes, mode 0600; its offset 100
 *   mapped    DIR/mapped, 2 pages, mode 0660, mapped MAP_SHARED
 *             read-write, unlinked, its descriptor closed: the mapping
 *             alone holds it; both count in it (page 0 the parent's,
 *             page 1 the child's), and it holds the slots the two
 *             processes agree through
 *   private   DIR/private, 2 pages, mode 0644, mapped MAP_PRIVATE
 *             read-write, unlinked, its descriptor kept: the parent
 *             writes "parent-A" at 100 before fork() (both see it), the
 *             child "child-B!" at 200 after (only it sees it); neither
 *             is in the file
 *   log       DIR/log, mode 0620: fd W opened O_WRONLY | O_APPEND, a
 *             header written, fd R open("/proc/self/fd/W", O_RDONLY) at
 *             the header's end (a second open file), then unlinked;
 *             each process appends a line of 14 bytes at each step
 *             ("parent 000123\n", "child  000123\n") through W
 *   sparse    DIR/sparse, 1 MiB (ftruncate()), its first and last pages
 *             written, a hole between them, mode 0440, O_RDWR,
 *             unlinked; its offset 512 KiB, in the hole
 *
 * Every 20 ms each process takes a step: it counts in counted and in
 * mapped and appends its line to log; the parent writes its step to
 * DIR/progress.  It creates DIR/ready once both are set up.  When
 * DIR/stop appears each process checks that its own counters are its
 * steps (in mapped, and in counted through the descriptor), and goes on
 * counting until it has seen the other's counters advance in both,
 * reading counted between two reads of mapped; the two agree through
 * done flags, with a timeout, so unshared files fail, never hang.  Then
 * each checks, without changing anything: the two mappings in
 * /proc/self/maps at their addresses, with their permissions, on DIR's
 * device, named "DIR/NAME (deleted)" or "DIR/#INODE (deleted)" (the
 * name restart's O_TMPFILE file has) and on the inode of the
 * descriptor for private; every descriptor's /proc/self/fd link in the
 * same directory (DISKDIR for disk) named so, its flags (F_GETFL as at
 * setup), FD_CLOEXEC (none), offset; every file's size, mode and link
 * count 0 (fstat), its device (DIR's, and the file system mounted on
 * DISKDIR for disk), seven distinct inodes, R on W's inode; every byte
 * of every file through its descriptor (pread(): the hole of sparse
 * reads as zeroes) and of mapped through its mapping, the counters
 * aside; the private mapping with the changes this process sees and the
 * file without any; sparse keeps its blocks (st_blocks as at setup).
 * Then the parent, once the child is done checking: a pwrite() to the
 * private file's second page shows in the private mapping (a page it
 * never copied); sparse's data and hole where they were (SEEK_DATA,
 * SEEK_HOLE through a new open file); W's offset at log's end, R's at
 * the header's; a line written through W lands at the end (O_APPEND),
 * and read() through R returns every line of both processes in order,
 * none lost or repeated (each one's steps 1 to its last), then that
 * line, R's offset moving alone; tmpfile can be linked into DIR
 * (linkat() through /proc/self/fd) and its name shows its bytes, then
 * it is unlinked again, while counted, unlinked, cannot be (ENOENT).  Last the child moves counted's offset to 4000
 * and the parent finds its own descriptor there (one open file for
 * both), and each file on the same inode in both processes.  The parent
 * reaps the child, says "deleted files intact" and exits 0, or says
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
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testdir.h"

#ifndef O_TMPFILE
#define O_TMPFILE	(020000000 | O_DIRECTORY)
#endif
#ifndef SEEK_DATA
#define SEEK_DATA	3
#define SEEK_HOLE	4
#endif

#define PAGE		4096UL
#define COUNTED_SIZE	(3 * PAGE + 321)
#define COUNTED_OFF	777L		/* counted's offset */
#define COUNTED_MOVED	4000L		/* where the child moves it at the end */
#define DISK_OFF	4321L
#define TMPFILE_OFF	100L
#define SPARSE_SIZE	(1024 * 1024UL)
#define SPARSE_OFF	(512 * 1024L)
#define SLOT_BYTES	128UL		/* the slot at the start of a counted page */
#define LOG_HDR		"log of a deleted file\n"
#define LOG_HDR_LEN	(sizeof(LOG_HDR) - 1)
#define LINE_LEN	14		/* "parent 000123\n", "child  000123\n" */
#define LOG_LAST	"after restart\n"	/* the parent's line after the checks */
#define LOG_MAX		(1024 * 1024UL)

enum { PARENT, CHILD };
enum { F_COUNTED, F_DISK, F_TMPFILE, F_MAPPED, F_PRIVATE, F_LOG, F_SPARSE, NFILES };

static const char *const file_name[NFILES] = {
	"counted", "disk", "tmpfile", "mapped", "private", "log", "sparse",
};

/* The name in its directory (tmpfile's, "#INODE", set up) */
static char base[NFILES][32] = {
	"counted", "ondisk", "", "mapped", "private", "log", "sparse",
};

static const unsigned long file_size[NFILES] = {
	COUNTED_SIZE, 2 * PAGE + 77, PAGE + 100, 2 * PAGE, 2 * PAGE, 0, SPARSE_SIZE,
};

static const mode_t file_mode[NFILES] = {
	0640, 0604, 0600, 0660, 0644, 0620, 0440,
};

/* What the private mapping holds and the file does not */
#define MARK_A		"parent-A"	/* at 100, written before fork() */
#define MARK_B		"child-B!"	/* at 200, by the child after fork() */
#define MARK_C		"file-C!!"	/* at PAGE + 300, pwrite() to the file after restart */
#define MARK_LEN	8

/* At the start of pages 0 (the parent's) and 1 (the child's) of mapped */
struct slot {
	unsigned long count;	/* its steps */
	unsigned long done;	/* it has seen the other's counters advance */
	unsigned long ready;	/* the child: 1 set up, 2 failed */
	unsigned long phase;	/* 1 checked, 2 (the child) moved counted's offset */
	unsigned long ino[NFILES];	/* the inode of each file it holds */
};

_Static_assert(sizeof(struct slot) <= SLOT_BYTES, "a slot fits before the pattern");

static char diskdir[256];
static int fd[NFILES];		/* -1: closed (mapped); log: W */
static int fd_r;		/* log's second open file, R */
static int getfl[NFILES], getfl_r;	/* F_GETFL at setup */
static blkcnt_t sparse_blocks;	/* st_blocks of sparse at setup */
static unsigned char *map_shared, *map_private;
static int me;
static unsigned long steps;
static int bad;

/* Static buffers: checking must not change the address space. */
static unsigned char want[SPARSE_SIZE], got[SPARSE_SIZE + PAGE];
static char logbuf[LOG_MAX];
static char maps[1 << 16];

static void vsay(const char *fmt, va_list ap)
{
	static char line[4096];
	int n;

	n = snprintf(line, sizeof(line), "deleted %s: ", me == PARENT ? "parent" : "child");
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

/* The slots, in mapped */
static struct slot *ctl(int who)
{
	return (struct slot *)(map_shared + who * PAGE);
}

/* The directory of file @f */
static const char *dir_of(int f)
{
	return f == F_DISK ? diskdir : dir;
}

/* Byte @off of file @f's pattern */
static unsigned char pattern(int f, unsigned long off)
{
	unsigned int w = (unsigned int)(off / 4) * 2654435761u ^ (0x5d1e7e00u + f * 0x01010101u);

	return (unsigned char)(w >> (8 * (off % 4)));
}

/* Whether byte @off of sparse holds data (its first and last pages) */
static int sparse_data(unsigned long off)
{
	return off < PAGE || off >= SPARSE_SIZE - PAGE;
}

/* want[]: file @f as set up, its whole pages (zero past its size) */
static void expected(int f)
{
	unsigned long off, size = file_size[f], len = (size + PAGE - 1) & ~(PAGE - 1);

	memset(want, 0, len);
	for (off = 0; off < size; off++)
		if (f != F_SPARSE || sparse_data(off))
			want[off] = pattern(f, off);
}

static int is_counted(int f)
{
	return f == F_COUNTED || f == F_MAPPED;
}

/*
 * @len bytes of @p against want[] (the counted slots aside): the first
 * offset that differs, or -1.
 */
static long differs(int f, const unsigned char *p, unsigned long len)
{
	unsigned long off;

	for (off = 0; off < len; off++) {
		if (is_counted(f) && off % PAGE < SLOT_BYTES && off < 2 * PAGE)
			continue;
		if (p[off] != want[off])
			return off;
	}
	return -1;
}

/* File @f's contents as read through its descriptor against want[] */
static int check_file_bytes(int f, const char *what)
{
	unsigned long size = file_size[f];
	ssize_t n, total = 0;
	long off;

	/* a read may stop short of a large file's end: read on */
	while ((n = pread(fd[f], got + total, size + PAGE - total, total)) > 0)
		total += n;
	if (n < 0 || total != (ssize_t)size)
		return complain("%s: pread() to its end read %zd bytes (%s), its size is %lu",
				what, total, n < 0 ? strerror(errno) : "", size);
	off = differs(f, got, size);
	if (off >= 0)
		return complain("%s: byte %ld is %#x through the descriptor, not %#x%s", what,
				off, got[off], want[off],
				f == F_SPARSE && !sparse_data(off) ? " (in the hole)" : "");
	return 0;
}

/* File @f's mapping (its whole pages) against want[] */
static int check_map_bytes(int f, const unsigned char *map, const char *what)
{
	long off = differs(f, map, file_size[f]);

	if (off >= 0)
		return complain("%s: byte %ld is %#x in the mapping, not %#x", what, off,
				map[off], want[off]);
	return 0;
}

/* DIR/@name or DISKDIR/@name, in @path */
static void path_of(char *path, size_t size, int f, const char *name)
{
	snprintf(path, size, "%s/%s", dir_of(f), name);
}

/* Make file @f: opened with @flags, its pattern written, its mode set. */
static int make_file(int f, int flags)
{
	char path[512];
	struct stat st;
	ssize_t n;

	path_of(path, sizeof(path), f, base[f]);
	if (f == F_TMPFILE)
		fd[f] = open(dir, O_TMPFILE | O_RDWR, 0600);
	else
		fd[f] = open(path, flags | O_CREAT | O_EXCL, 0600);
	if (fd[f] < 0)
		return complain("setup failed: open %s: %s", f == F_TMPFILE ? dir : path,
				strerror(errno));
	if (fchmod(fd[f], file_mode[f]))
		return complain("setup failed: fchmod %s: %s", path, strerror(errno));
	if (f == F_SPARSE) {
		expected(f);
		if (ftruncate(fd[f], SPARSE_SIZE) ||
		    pwrite(fd[f], want, PAGE, 0) != (ssize_t)PAGE ||
		    pwrite(fd[f], want + SPARSE_SIZE - PAGE, PAGE, SPARSE_SIZE - PAGE) != (ssize_t)PAGE)
			return complain("setup failed: cannot write sparse: %s", strerror(errno));
	} else if (file_size[f]) {
		expected(f);
		n = pwrite(fd[f], want, file_size[f], 0);
		if (n != (ssize_t)file_size[f])
			return complain("setup failed: cannot fill %s: %s", path, strerror(errno));
	}
	if (fstat(fd[f], &st))
		return complain("setup failed: fstat %s: %s", path, strerror(errno));
	if (f == F_TMPFILE)
		snprintf(base[f], sizeof(base[f]), "#%lu", (unsigned long)st.st_ino);
	if (f == F_SPARSE)
		sparse_blocks = st.st_blocks;
	return 0;
}

/* Unlink file @f (not tmpfile, which never had a name). */
static int unlink_file(int f)
{
	char path[512];

	path_of(path, sizeof(path), f, base[f]);
	if (unlink(path))
		return complain("setup failed: unlink %s: %s", path, strerror(errno));
	return 0;
}

static unsigned char *map_file(int f, int flags)
{
	void *p = mmap(NULL, file_size[f], PROT_READ | PROT_WRITE, flags, fd[f], 0);

	if (p == MAP_FAILED) {
		complain("setup failed: mmap %s: %s", file_name[f], strerror(errno));
		return NULL;
	}
	return p;
}

static int setup(void)
{
	char path[64];
	int f;

	for (f = 0; f < NFILES; f++)
		fd[f] = -1;
	fd_r = -1;

	/* mapped first: it holds the slots; the mapping alone holds it */
	if (make_file(F_MAPPED, O_RDWR))
		return -1;
	map_shared = map_file(F_MAPPED, MAP_SHARED);
	if (!map_shared || unlink_file(F_MAPPED))
		return -1;
	close(fd[F_MAPPED]);
	fd[F_MAPPED] = -1;
	memset(ctl(PARENT), 0, SLOT_BYTES);
	memset(ctl(CHILD), 0, SLOT_BYTES);

	/* counted: the slots zeroed, the offset set */
	if (make_file(F_COUNTED, O_RDWR) || unlink_file(F_COUNTED))
		return -1;
	memset(want, 0, SLOT_BYTES);
	if (pwrite(fd[F_COUNTED], want, SLOT_BYTES, 0) != SLOT_BYTES ||
	    pwrite(fd[F_COUNTED], want, SLOT_BYTES, PAGE) != SLOT_BYTES)
		return complain("setup failed: cannot zero counted's slots: %s", strerror(errno));
	if (lseek(fd[F_COUNTED], COUNTED_OFF, SEEK_SET) != COUNTED_OFF)
		return complain("setup failed: lseek counted: %s", strerror(errno));

	if (make_file(F_DISK, O_RDWR) || unlink_file(F_DISK))
		return -1;
	if (lseek(fd[F_DISK], DISK_OFF, SEEK_SET) != DISK_OFF)
		return complain("setup failed: lseek disk: %s", strerror(errno));

	if (make_file(F_TMPFILE, O_RDWR))
		return -1;
	if (lseek(fd[F_TMPFILE], TMPFILE_OFF, SEEK_SET) != TMPFILE_OFF)
		return complain("setup failed: lseek tmpfile: %s", strerror(errno));

	/* private: a change copied before fork() */
	if (make_file(F_PRIVATE, O_RDWR))
		return -1;
	map_private = map_file(F_PRIVATE, MAP_PRIVATE);
	if (!map_private || unlink_file(F_PRIVATE))
		return -1;
	memcpy(map_private + 100, MARK_A, MARK_LEN);
	if (map_private[PAGE + 300] != pattern(F_PRIVATE, PAGE + 300))
		return complain("setup failed: private's second page does not read as the file");

	/* log: W, the header, R through /proc/self/fd/W */
	if (make_file(F_LOG, O_WRONLY | O_APPEND))
		return -1;
	if (write(fd[F_LOG], LOG_HDR, LOG_HDR_LEN) != LOG_HDR_LEN)
		return complain("setup failed: cannot write log's header: %s", strerror(errno));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd[F_LOG]);
	fd_r = open(path, O_RDONLY);
	if (fd_r < 0)
		return complain("setup failed: open %s: %s", path, strerror(errno));
	if (lseek(fd_r, LOG_HDR_LEN, SEEK_SET) != LOG_HDR_LEN)
		return complain("setup failed: lseek log's R: %s", strerror(errno));
	if (unlink_file(F_LOG))
		return -1;

	if (make_file(F_SPARSE, O_RDWR) || unlink_file(F_SPARSE))
		return -1;
	if (lseek(fd[F_SPARSE], SPARSE_OFF, SEEK_SET) != SPARSE_OFF)
		return complain("setup failed: lseek sparse: %s", strerror(errno));

	for (f = 0; f < NFILES; f++)
		if (fd[f] >= 0)
			getfl[f] = fcntl(fd[f], F_GETFL);
	getfl_r = fcntl(fd_r, F_GETFL);
	say("set up: tmpfile %s/%s, sparse in %lu blocks, F_GETFL counted %#x, tmpfile %#x, log W %#x, R %#x",
	    dir, base[F_TMPFILE], (unsigned long)sparse_blocks, getfl[F_COUNTED],
	    getfl[F_TMPFILE], getfl[F_LOG], getfl_r);
	return 0;
}

/* One step: count in counted (through the descriptor) and mapped; a line in log. */
static void step(void)
{
	char line[LINE_LEN + 1];

	steps++;
	if (pwrite(fd[F_COUNTED], &steps, sizeof(steps), me * PAGE) != sizeof(steps))
		complain("counted: pwrite of step %lu: %s", steps, strerror(errno));
	snprintf(line, sizeof(line), "%-6s %06lu\n", me == PARENT ? "parent" : "child", steps);
	if (write(fd[F_LOG], line, LINE_LEN) != LINE_LEN)
		complain("log: write of step %lu: %s", steps, strerror(errno));
	store(&ctl(me)->count, steps);
}

/* Its own counters: its steps, in mapped and counted. */
static void check_own(void)
{
	unsigned long v = load(&ctl(me)->count), f = 0;

	if (v != steps)
		complain("mapped: its counter is %lu, it made %lu steps", v, steps);
	if (pread(fd[F_COUNTED], &f, sizeof(f), me * PAGE) != sizeof(f))
		complain("counted: cannot pread its counter: %s", strerror(errno));
	else if (f != steps)
		complain("counted: pread() gives %lu for its counter, not %lu", f, steps);
}

/* The other's counter in counted, between two reads of mapped. */
static int check_other_in_counted(void)
{
	unsigned long v1, v2, f = 0;

	v1 = load(&ctl(!me)->count);
	if (pread(fd[F_COUNTED], &f, sizeof(f), !me * PAGE) != sizeof(f))
		return complain("counted: cannot pread: %s", strerror(errno));
	v2 = load(&ctl(!me)->count);
	/* a step writes counted first */
	if (f < v1 || f > v2 + 1)
		return complain("counted: the other's counter is %lu, %lu then %lu in mapped",
				f, v1, v2);
	return 0;
}

/*
 * Count on until the other's counters advanced by 3 (in mapped and in
 * counted) and the other saw ours advance (10 s at most).
 */
static void watch_other(void)
{
	unsigned long start_m = load(&ctl(!me)->count), start_c = 0, c = 0;
	int seen = 0, n;

	if (pread(fd[F_COUNTED], &start_c, sizeof(start_c), !me * PAGE) != sizeof(start_c))
		complain("counted: cannot pread: %s", strerror(errno));
	for (n = 0; n < 500; n++) {
		if (!seen && load(&ctl(!me)->count) >= start_m + 3 &&
		    pread(fd[F_COUNTED], &c, sizeof(c), !me * PAGE) == sizeof(c) &&
		    c >= start_c + 3) {
			seen = 1;
			check_other_in_counted();
			store(&ctl(me)->done, 1);
		}
		if (seen && load(&ctl(!me)->done))
			break;
		step();
		sleep_ms(20);
	}
	if (!seen)
		complain("the other's counters stayed at %lu (mapped, from %lu) and %lu (counted, from %lu) for 10 s",
			 load(&ctl(!me)->count), start_m, c, start_c);
	else if (!load(&ctl(!me)->done))
		complain("the other did not see this process's counters advance");
	check_own();
	say("counters at %lu, the other's at %lu", steps, load(&ctl(!me)->count));
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
 * @name (up to a newline or NUL) names file @f with inode @ino: "DIR/NAME
 * (deleted)" with its name at setup, or "DIR/#INO (deleted)", the name
 * of an O_TMPFILE file: 1 for the first, 2 for the second, else 0.
 */
static int names_file(int f, const char *name, unsigned long ino)
{
	char a[600], b[600];
	size_t len = strcspn(name, "\n");

	snprintf(a, sizeof(a), "%s/%s (deleted)", dir_of(f), base[f]);
	snprintf(b, sizeof(b), "%s/#%lu (deleted)", dir_of(f), ino);
	if (strlen(a) == len && !strncmp(name, a, len))
		return 1;
	if (strlen(b) == len && !strncmp(name, b, len))
		return 2;
	return 0;
}

/*
 * The two mappings in /proc/self/maps: at their addresses, with their
 * permissions, on DIR's device, named after their files, private on the
 * inode of its descriptor; the inodes noted in this process's slot.
 */
static void check_maps(void)
{
	static const struct { int f; const char *perms; } m[] = {
		{ F_MAPPED, "rw-s" }, { F_PRIVATE, "rw-p" },
	};
	unsigned long start, end, ino, off;
	unsigned int major, minor;
	char perms[8], *line, *next;
	struct stat st, dst;
	int i, found, pos;

	if (stat(dir, &dst)) {
		complain("stat %s: %s", dir, strerror(errno));
		return;
	}
	if (!read_whole("/proc/self/maps", maps, sizeof(maps))) {
		complain("cannot read /proc/self/maps");
		return;
	}
	for (i = 0; i < 2; i++) {
		unsigned long addr = (unsigned long)(m[i].f == F_MAPPED ? map_shared : map_private);

		found = 0;
		for (line = maps; *line; line = next) {
			next = strchr(line, '\n');
			next = next ? next + 1 : line + strlen(line);
			if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %n", &start, &end, perms,
				   &off, &major, &minor, &ino, &pos) != 7 || start != addr)
				continue;
			found = 1;
			if (!names_file(m[i].f, line + pos, ino))
				complain("%s: its mapping is %.*s", file_name[m[i].f],
					 (int)(next - line - 1), line);
			if (strcmp(perms, m[i].perms))
				complain("%s: its mapping is %s, not %s", file_name[m[i].f], perms,
					 m[i].perms);
			if (end - start != file_size[m[i].f] || off)
				complain("%s: its mapping is %#lx-%#lx at offset %lu", file_name[m[i].f],
					 start, end, off);
			if (makedev(major, minor) != dst.st_dev)
				complain("%s: its mapping is on device %u:%u, %s on %u:%u",
					 file_name[m[i].f], major, minor, dir, major(dst.st_dev),
					 minor(dst.st_dev));
			if (fd[m[i].f] >= 0 && (fstat(fd[m[i].f], &st) || st.st_ino != ino))
				complain("%s: its mapping is on inode %lu, its descriptor on %lu",
					 file_name[m[i].f], ino, (unsigned long)st.st_ino);
			store(&ctl(me)->ino[m[i].f], ino);
		}
		if (!found)
			complain("%s: no mapping at %#lx in /proc/self/maps", file_name[m[i].f], addr);
	}
}

/*
 * Descriptor @d of file @f: its link, F_GETFL as at setup (@fl), no
 * FD_CLOEXEC, its offset @off; the link seen in @link.
 */
static void check_fd(const char *what, int f, int d, int fl, long off, char *link)
{
	char path[64];
	struct stat st;
	ssize_t n;
	int v;
	long pos;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", d);
	n = readlink(path, link, 511);
	link[n > 0 ? n : 0] = 0;
	if (fstat(d, &st) || !names_file(f, link, st.st_ino))
		complain("%s: %s links to \"%s\", not \"%s/%s (deleted)\" nor \"%s/#%lu (deleted)\"",
			 what, path, link, dir_of(f), base[f], dir_of(f), (unsigned long)st.st_ino);
	v = fcntl(d, F_GETFD);
	if (v != 0)
		complain("%s: F_GETFD gives %#x, not 0", what, v);
	v = fcntl(d, F_GETFL);
	if (v != fl)
		complain("%s: F_GETFL gives %#x, not %#x as at setup", what, v, fl);
	pos = lseek(d, 0, SEEK_CUR);
	if (off >= 0 && pos != off)
		complain("%s: at offset %ld, not %ld", what, pos, off);
}

/*
 * The descriptors; sizes, modes, link counts, devices and inodes; the
 * contents of every file through its descriptor, and of mapped through
 * its mapping.
 */
static void check_files(void)
{
	unsigned long ino[NFILES] = { 0 };
	char link[512];
	struct stat st, dst, kst;
	int f, i, j;

	if (stat(dir, &dst) || stat(diskdir, &kst)) {
		complain("stat %s or %s: %s", dir, diskdir, strerror(errno));
		return;
	}
	if (dst.st_dev == kst.st_dev)
		complain("%s and %s are on one device, %#lx: is nothing mounted on %s?", dir,
			 diskdir, (unsigned long)dst.st_dev, diskdir);
	check_fd("counted", F_COUNTED, fd[F_COUNTED], getfl[F_COUNTED], COUNTED_OFF, link);
	if (me == PARENT)
		say("counted's descriptor links to \"%s\"", link);
	check_fd("disk", F_DISK, fd[F_DISK], getfl[F_DISK], DISK_OFF, link);
	if (me == PARENT)
		say("disk's descriptor links to \"%s\"", link);
	check_fd("tmpfile", F_TMPFILE, fd[F_TMPFILE], getfl[F_TMPFILE], TMPFILE_OFF, link);
	check_fd("private", F_PRIVATE, fd[F_PRIVATE], getfl[F_PRIVATE], 0, link);
	/* (W's offset, at log's end, once no one writes: check_log()) */
	check_fd("log W", F_LOG, fd[F_LOG], getfl[F_LOG], -1, link);
	check_fd("log R", F_LOG, fd_r, getfl_r, LOG_HDR_LEN, link);
	check_fd("sparse", F_SPARSE, fd[F_SPARSE], getfl[F_SPARSE], SPARSE_OFF, link);
	for (f = 0; f < NFILES; f++) {
		if (fd[f] < 0) {
			ino[f] = load(&ctl(me)->ino[f]);
			continue;
		}
		if (fstat(fd[f], &st)) {
			complain("%s: fstat: %s", file_name[f], strerror(errno));
			continue;
		}
		ino[f] = st.st_ino;
		store(&ctl(me)->ino[f], ino[f]);
		if (f != F_LOG && (unsigned long)st.st_size != file_size[f])
			complain("%s: %lld bytes (fstat), not %lu", file_name[f],
				 (long long)st.st_size, file_size[f]);
		if (st.st_mode != (S_IFREG | file_mode[f]))
			complain("%s: mode %#o (fstat), not %#o", file_name[f], st.st_mode,
				 S_IFREG | file_mode[f]);
		if (st.st_nlink != 0)
			complain("%s: %lu links (fstat), not 0", file_name[f],
				 (unsigned long)st.st_nlink);
		if (st.st_dev != (f == F_DISK ? kst.st_dev : dst.st_dev))
			complain("%s: on device %u:%u, not that of %s (%u:%u)", file_name[f],
				 major(st.st_dev), minor(st.st_dev), dir_of(f),
				 major(f == F_DISK ? kst.st_dev : dst.st_dev),
				 minor(f == F_DISK ? kst.st_dev : dst.st_dev));
		if (f == F_SPARSE && st.st_blocks != sparse_blocks)
			complain("sparse: %lu blocks (fstat), %lu at setup: its hole is not one",
				 (unsigned long)st.st_blocks, (unsigned long)sparse_blocks);
		if (f == F_LOG || f == F_PRIVATE)
			continue;	/* check_log(), check_private() */
		expected(f);
		check_file_bytes(f, file_name[f]);
	}
	if (fstat(fd_r, &st) || st.st_ino != ino[F_LOG])
		complain("log: R is on inode %lu, W on %lu", (unsigned long)st.st_ino, ino[F_LOG]);
	expected(F_MAPPED);
	check_map_bytes(F_MAPPED, map_shared, "mapped");
	for (i = 0; i < NFILES; i++)
		for (j = i + 1; j < NFILES; j++)
			if (ino[i] && ino[i] == ino[j] && (i == F_DISK) == (j == F_DISK))
				complain("%s and %s are one inode, %lu", file_name[i], file_name[j],
					 ino[i]);
}

/* private: the mapping holds MARK_A (and MARK_B in the child), the file neither. */
static void check_private(void)
{
	expected(F_PRIVATE);
	check_file_bytes(F_PRIVATE, "private (the file)");
	memcpy(want + 100, MARK_A, MARK_LEN);
	if (me == CHILD)
		memcpy(want + 200, MARK_B, MARK_LEN);
	check_map_bytes(F_PRIVATE, map_private, "private (the mapping)");
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

/* private: a page it never copied shows a write to the file */
static void check_private_through(void)
{
	if (pwrite(fd[F_PRIVATE], MARK_C, MARK_LEN, PAGE + 300) != MARK_LEN)
		complain("private: pwrite: %s", strerror(errno));
	else if (memcmp(map_private + PAGE + 300, MARK_C, MARK_LEN))
		complain("private: its mapping's second page (never copied) does not show a write to the file");
	if (memcmp(map_private + 100, MARK_A, MARK_LEN))
		complain("private: its copied page lost \"" MARK_A "\"");
}

/* sparse: data, a hole, data, through a new open file (its own offset) */
static void check_sparse_hole(void)
{
	char path[64];
	off_t hole, data;
	int s;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd[F_SPARSE]);
	s = open(path, O_RDONLY);
	if (s < 0) {
		complain("sparse: open %s: %s", path, strerror(errno));
		return;
	}
	hole = lseek(s, 0, SEEK_HOLE);
	data = lseek(s, PAGE, SEEK_DATA);
	if (hole != (off_t)PAGE || data != (off_t)(SPARSE_SIZE - PAGE))
		complain("sparse: its first hole at %ld, data again at %ld (not %lu and %lu)",
			 (long)hole, (long)data, PAGE, SPARSE_SIZE - PAGE);
	close(s);
	if (lseek(fd[F_SPARSE], 0, SEEK_CUR) != SPARSE_OFF)
		complain("sparse: a new open file moved the descriptor's offset");
}

/*
 * The lines of log from @buf (@len bytes): each process's steps 1 to
 * @last[who], in order, then LOG_LAST if @with_last.
 */
static void check_log_lines(const char *buf, size_t len, const unsigned long *last,
			    int with_last)
{
	unsigned long next[2] = { 1, 1 }, v;
	size_t off, end = len - (with_last ? LINE_LEN : 0);
	char line[LINE_LEN + 1];
	int who;

	if (len % LINE_LEN || len < (size_t)(with_last ? LINE_LEN : 0)) {
		complain("log: %zu bytes after the header, not lines of %d", len, LINE_LEN);
		return;
	}
	for (off = 0; off < end; off += LINE_LEN) {
		memcpy(line, buf + off, LINE_LEN);
		line[LINE_LEN] = 0;
		if (!strncmp(line, "parent ", 7))
			who = PARENT;
		else if (!strncmp(line, "child  ", 7))
			who = CHILD;
		else
			who = -1;
		if (who < 0 || sscanf(line + 7, "%6lu", &v) != 1 || line[13] != '\n') {
			complain("log: \"%.13s\" at %zu after the header, not a step's line", line, off);
			return;
		}
		if (v != next[who]) {
			complain("log: %s's step %lu at %zu after the header, %lu expected",
				 who == PARENT ? "the parent" : "the child", v, off, next[who]);
			return;
		}
		next[who]++;
	}
	if (next[PARENT] != last[PARENT] + 1 || next[CHILD] != last[CHILD] + 1)
		complain("log: the parent's steps up to %lu, the child's up to %lu; they made %lu and %lu",
			 next[PARENT] - 1, next[CHILD] - 1, last[PARENT], last[CHILD]);
	if (with_last && memcmp(buf + end, LOG_LAST, LINE_LEN))
		complain("log: its last line is \"%.13s\", not the one written last", buf + end);
}

/*
 * log, once no one steps: W at its end, R after the header; a line
 * through W lands at the end; read() through R gets every line.
 */
static void check_log(void)
{
	unsigned long last[2] = { steps, load(&ctl(CHILD)->count) };
	char hdr[LOG_HDR_LEN];
	struct stat st;
	ssize_t n, total = 0;
	long w, r;

	if (fstat(fd[F_LOG], &st)) {
		complain("log: fstat: %s", strerror(errno));
		return;
	}
	w = lseek(fd[F_LOG], 0, SEEK_CUR);
	r = lseek(fd_r, 0, SEEK_CUR);
	if (w != st.st_size || r != (long)LOG_HDR_LEN)
		complain("log: W at %ld, R at %ld; not %lld (its size) and %zu", w, r,
			 (long long)st.st_size, LOG_HDR_LEN);
	if (pread(fd_r, hdr, LOG_HDR_LEN, 0) != LOG_HDR_LEN || memcmp(hdr, LOG_HDR, LOG_HDR_LEN))
		complain("log: its header is \"%.*s\"", (int)LOG_HDR_LEN - 1, hdr);
	/* O_APPEND: at the end, wherever W was */
	if (lseek(fd[F_LOG], 0, SEEK_SET) != 0)
		complain("log: lseek W: %s", strerror(errno));
	if (write(fd[F_LOG], LOG_LAST, LINE_LEN) != LINE_LEN)
		complain("log: write after restart: %s", strerror(errno));
	w = lseek(fd[F_LOG], 0, SEEK_CUR);
	if (w != st.st_size + LINE_LEN)
		complain("log: W at %ld after a write, not %lld (O_APPEND)", w,
			 (long long)st.st_size + LINE_LEN);
	while ((n = read(fd_r, logbuf + total, sizeof(logbuf) - total)) > 0)
		total += n;
	if (n < 0)
		complain("log: read() through R: %s", strerror(errno));
	if ((long)total != st.st_size + LINE_LEN - (long)LOG_HDR_LEN)
		complain("log: read() through R got %zd bytes, not %lld", total,
			 (long long)st.st_size + LINE_LEN - (long long)LOG_HDR_LEN);
	else
		check_log_lines(logbuf, total, last, 1);
	r = lseek(fd_r, 0, SEEK_CUR);
	if (r != st.st_size + LINE_LEN || lseek(fd[F_LOG], 0, SEEK_CUR) != w)
		complain("log: after the read, R at %ld and W at %ld, not both at %lld", r,
			 (long)lseek(fd[F_LOG], 0, SEEK_CUR), (long long)st.st_size + LINE_LEN);
	say("log: %zu bytes of lines read through R, the parent's steps 1-%lu, the child's 1-%lu, then \"after restart\"",
	    total, last[PARENT], last[CHILD]);
}

/* tmpfile: linkat() gives it a name in DIR, which shows it; then unlinked */
static void check_tmpfile_link(void)
{
	char from[64], to[512];
	struct stat st, lst;
	ssize_t n;
	int l;

	snprintf(from, sizeof(from), "/proc/self/fd/%d", fd[F_TMPFILE]);
	snprintf(to, sizeof(to), "%s/tmpfile-linked", dir);
	if (linkat(AT_FDCWD, from, AT_FDCWD, to, AT_SYMLINK_FOLLOW)) {
		complain("tmpfile: linkat() to %s: %s", to, strerror(errno));
		return;
	}
	if (fstat(fd[F_TMPFILE], &st) || stat(to, &lst) || st.st_ino != lst.st_ino ||
	    st.st_nlink != 1)
		complain("tmpfile: after linkat(), %s is inode %lu, the descriptor's %lu with %lu links",
			 to, (unsigned long)lst.st_ino, (unsigned long)st.st_ino,
			 (unsigned long)st.st_nlink);
	l = open(to, O_RDONLY);
	expected(F_TMPFILE);
	n = l < 0 ? -1 : pread(l, got, PAGE * 2, 0);
	if (n != (ssize_t)file_size[F_TMPFILE] || memcmp(got, want, n))
		complain("tmpfile: %s reads %zd bytes, not its %lu", to, n, file_size[F_TMPFILE]);
	if (l >= 0)
		close(l);
	if (unlink(to) || fstat(fd[F_TMPFILE], &st) || st.st_nlink)
		complain("tmpfile: unlink %s: %s", to, strerror(errno));
	/* an unlinked file cannot be linked again (ENOENT), restored or not */
	snprintf(from, sizeof(from), "/proc/self/fd/%d", fd[F_COUNTED]);
	snprintf(to, sizeof(to), "%s/counted-linked", dir);
	if (!linkat(AT_FDCWD, from, AT_FDCWD, to, AT_SYMLINK_FOLLOW) || errno != ENOENT)
		complain("counted: linkat() of the unlinked file gave %s, not ENOENT",
			 strerror(errno));
}

/* Each file on the same inode in both processes. */
static void check_same_inodes(void)
{
	int f;

	for (f = 0; f < NFILES; f++)
		if (load(&ctl(PARENT)->ino[f]) != load(&ctl(CHILD)->ino[f]))
			complain("%s: on inode %lu in the parent, %lu in the child", file_name[f],
				 load(&ctl(PARENT)->ino[f]), load(&ctl(CHILD)->ino[f]));
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

	memcpy(map_private + 200, MARK_B, MARK_LEN);
	store(&ctl(CHILD)->ready, 1);
	run(-1);
	watch_other();
	check_maps();
	check_files();
	check_private();
	store(&ctl(CHILD)->phase, 1);
	/* the parent checked counted's offset: move it */
	if (!wait_phase(PARENT, 1)) {
		pos = lseek(fd[F_COUNTED], COUNTED_MOVED, SEEK_SET);
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
	if (argc != 3)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	snprintf(diskdir, sizeof(diskdir), "%s", argv[2]);
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
	check_files();
	check_private();
	store(&ctl(PARENT)->phase, 1);
	/* once the child checked too (and steps no more): what writes */
	if (!wait_phase(CHILD, 1)) {
		check_private_through();
		check_sparse_hole();
		check_log();
		check_tmpfile_link();
	}
	if (!wait_phase(CHILD, 2)) {
		pos = lseek(fd[F_COUNTED], 0, SEEK_CUR);
		if (pos != COUNTED_MOVED)
			complain("counted: the child moved its offset to %ld, the parent's is at %ld (not one open file)",
				 COUNTED_MOVED, pos);
		check_same_inodes();
	}
	reap(child);
	say("%lu steps; deleted files %s", steps, bad ? "DAMAGED" : "intact");
	return bad;
}
