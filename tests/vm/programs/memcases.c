// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memcases DIR: anonymous memory in the states a distribution kernel
 * puts it in (the test kernel has transparent huge pages "always",
 * swap on zram and KSM), for the VM scenarios.
 *
 *   thp      8 MiB, 2 MiB-aligned, touched fully: huge pages (its
 *            AnonHugePages in /proc/self/smaps must be > 0)
 *   split    4 MiB the same, then a 4 KiB page unmapped in the middle of
 *            its first huge page and 64 KiB of its second made
 *            read-only: huge pages mapped partly, by page table entries
 *   ksm      two identical regions of 64 pages, MADV_MERGEABLE: merged
 *            by KSM if it does so within 10 s (said either way)
 *   swapped  1 MiB, then MADV_PAGEOUT until /proc/self/pagemap shows
 *            some of its pages swapped out (bit 62), 10 s at most
 *
 * Every page holds a pattern made of its case and its index.  memcases
 * says what it saw on stdout, creates DIR/ready and counts in
 * DIR/progress every 20 ms, touching none of these pages.  When DIR/stop
 * appears it checks every page, that the unmapped page is still
 * unmapped and the read-only part read-only, and that a write to one KSM
 * copy leaves the other as it was; then says "memory cases intact" and
 * exits 0, or says what differs and exits 1.  A case it cannot set up
 * is said as "setup failed: ..." (DIR/ready created all the same, so
 * that the scenario sees it at once), and it exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096UL
#define MIB		(1UL << 20)
#define HUGE		(2 * MIB)
#define THP_SIZE	(8 * MIB)
#define SPLIT_SIZE	(4 * MIB)
#define HOLE_OFF	(MIB)			/* in the first huge page */
#define RO_OFF		(HUGE + 512 * 1024)	/* in the second */
#define RO_SIZE		(64 * 1024)
#define KSM_PAGES	64
#define SWAP_SIZE	MIB

enum { THP = 1, SPLIT, KSM, SWAPPED };

static const char *dir;
static unsigned char *thp, *split, *ksm_a, *ksm_b, *swapped;
static int bad;

/* Static buffer: smaps is read before and after without the heap. */
static char smaps[1 << 18];

static unsigned int word(int kind, unsigned long page, unsigned long i)
{
	return ((unsigned int)kind << 28) ^ (unsigned int)(page * 2654435761u) ^
	       (unsigned int)(i * 40503u + 1);
}

static void fill(unsigned char *p, unsigned long size, int kind)
{
	unsigned int *w = (unsigned int *)p;
	unsigned long i;

	for (i = 0; i < size / 4; i++)
		w[i] = word(kind, i / (PAGE / 4), i % (PAGE / 4));
}

/* The first page of p (size bytes) that differs from the pattern, or -1. */
static long first_bad(const unsigned char *p, unsigned long size, int kind)
{
	const unsigned int *w = (const unsigned int *)p;
	unsigned long i;

	for (i = 0; i < size / 4; i++) {
		if (kind == SPLIT && i * 4 >= HOLE_OFF && i * 4 < HOLE_OFF + PAGE)
			continue;
		if (w[i] != word(kind, i / (PAGE / 4), i % (PAGE / 4)))
			return i / (PAGE / 4);
	}
	return -1;
}

static int fail(const char *what)
{
	printf("memcases: %s\n", what);
	bad = 1;
	return -1;
}

static size_t read_file(const char *path, char *buf, size_t size)
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

static long read_number(const char *path)
{
	char buf[64];

	if (!read_file(path, buf, sizeof(buf)))
		return -1;
	return atol(buf);
}

/* AnonHugePages (kB) of the VMA holding addr, from /proc/self/smaps; -1: none. */
static long anon_huge_kb(const void *addr)
{
	unsigned long start, end, a = (unsigned long)addr;
	char *line = smaps, *next;
	int in = 0;

	if (!read_file("/proc/self/smaps", smaps, sizeof(smaps)))
		return -1;
	for (; *line; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = a >= start && a < end;
		else if (in && !strncmp(line, "AnonHugePages:", 14))
			return atol(line + 14);
	}
	return -1;
}

/* Pages of p (size bytes) swapped out, from /proc/self/pagemap (bit 62). */
static long swapped_pages(const unsigned char *p, unsigned long size)
{
	static uint64_t entries[SWAP_SIZE / PAGE];
	unsigned long i, n = size / PAGE;
	off_t off = (off_t)((unsigned long)p / PAGE * 8);
	long count = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return -1;
	if (pread(fd, entries, n * 8, off) != (ssize_t)(n * 8))
		count = -1;
	close(fd);
	for (i = 0; i < n && count >= 0; i++)
		count += (entries[i] >> 62) & 1;
	return count;
}

/* An anonymous region of size bytes starting on a 2 MiB boundary. */
static unsigned char *map_aligned(unsigned long size)
{
	unsigned char *p, *a;

	p = mmap(NULL, size + HUGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (unsigned char *)(((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
	/* the slack stays, inaccessible: no neighbour merges with the region */
	if (a > p)
		mprotect(p, a - p, PROT_NONE);
	mprotect(a + size, p + HUGE - a, PROT_NONE);
	return a;
}

static unsigned char *map_small(unsigned long size)
{
	unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_NOHUGEPAGE);	/* small pages for KSM and swap */
	return p;
}

static int setup_thp(void)
{
	long kb;

	thp = map_aligned(THP_SIZE);
	if (!thp)
		return fail("setup failed: mmap thp");
	fill(thp, THP_SIZE, THP);
	kb = anon_huge_kb(thp);
	printf("memcases: thp: AnonHugePages %ld kB of %lu kB\n", kb, THP_SIZE >> 10);
	if (kb <= 0)
		return fail("setup failed: thp: no transparent huge page");
	return 0;
}

static int setup_split(void)
{
	long kb;

	split = map_aligned(SPLIT_SIZE);
	if (!split)
		return fail("setup failed: mmap split");
	fill(split, SPLIT_SIZE, SPLIT);
	kb = anon_huge_kb(split);
	if (kb <= 0)
		return fail("setup failed: split: no transparent huge page to split");
	if (munmap(split + HOLE_OFF, PAGE) ||
	    mprotect(split + RO_OFF, RO_SIZE, PROT_READ))
		return fail("setup failed: split: munmap or mprotect");
	printf("memcases: split: AnonHugePages %ld kB, then %ld kB after a page unmapped and 64 kB made read-only\n",
	       kb, anon_huge_kb(split));
	return 0;
}

static int setup_ksm(void)
{
	long merged = 0, mine = -1;
	int i;

	ksm_a = map_small(KSM_PAGES * PAGE);
	ksm_b = map_small(KSM_PAGES * PAGE);
	if (!ksm_a || !ksm_b)
		return fail("setup failed: mmap ksm");
	fill(ksm_a, KSM_PAGES * PAGE, KSM);
	fill(ksm_b, KSM_PAGES * PAGE, KSM);
	if (madvise(ksm_a, KSM_PAGES * PAGE, MADV_MERGEABLE) ||
	    madvise(ksm_b, KSM_PAGES * PAGE, MADV_MERGEABLE))
		return fail("setup failed: ksm: madvise(MADV_MERGEABLE)");
	for (i = 0; i < 100 && merged <= 0; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		merged = read_number("/sys/kernel/mm/ksm/pages_sharing");
	}
	mine = read_number("/proc/self/ksm_merging_pages");
	if (merged > 0)
		printf("memcases: ksm: pages_sharing %ld, this process's merged pages %ld\n",
		       merged, mine);
	else
		printf("memcases: ksm: KSM merged nothing within 10 s (pages_sharing %ld); going on\n",
		       merged);
	return 0;
}

static int setup_swapped(void)
{
	long n = 0;
	int i;

	swapped = map_small(SWAP_SIZE);
	if (!swapped)
		return fail("setup failed: mmap swapped");
	fill(swapped, SWAP_SIZE, SWAPPED);
	for (i = 0; i < 100 && n <= 0; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		if (madvise(swapped, SWAP_SIZE, MADV_PAGEOUT))
			return fail("setup failed: swapped: madvise(MADV_PAGEOUT)");
		n = swapped_pages(swapped, SWAP_SIZE);
		if (n <= 0)
			nanosleep(&ts, NULL);
	}
	printf("memcases: swapped: %ld of %lu pages swapped out\n", n, SWAP_SIZE / PAGE);
	if (n <= 0)
		return fail("setup failed: swapped: no page swapped out (is swap on?)");
	return 0;
}

static void check_region(const char *name, const unsigned char *p, unsigned long size,
			 int kind)
{
	long page = first_bad(p, size, kind);

	if (page >= 0) {
		printf("memcases: %s: page %ld differs\n", name, page);
		bad = 1;
	}
}

/* The permissions of the VMA holding addr ("r--p"), "" if none. */
static const char *perms_at(const void *addr)
{
	static char perms[8];
	unsigned long start, end, a = (unsigned long)addr;
	char *line = smaps;

	read_file("/proc/self/maps", smaps, sizeof(smaps));
	while (line) {
		if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) == 3 &&
		    a >= start && a < end)
			return perms;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	perms[0] = 0;
	return perms;
}

static void check_split(void)
{
	unsigned char vec;

	check_region("split", split, SPLIT_SIZE, SPLIT);
	if (mincore(split + HOLE_OFF, PAGE, &vec) == 0 || errno != ENOMEM)
		fail("split: the unmapped page is mapped");
	if (strcmp(perms_at(split + RO_OFF), "r--p") ||
	    strcmp(perms_at(split + RO_OFF + RO_SIZE - PAGE), "r--p") ||
	    strcmp(perms_at(split + RO_OFF + RO_SIZE), "rw-p"))
		fail("split: the read-only part is not as it was");
}

/* A write to one copy leaves the other alone, both ways. */
static void check_ksm(void)
{
	check_region("ksm copy 1", ksm_a, KSM_PAGES * PAGE, KSM);
	check_region("ksm copy 2", ksm_b, KSM_PAGES * PAGE, KSM);
	ksm_a[5 * PAGE] ^= 0xff;
	ksm_b[7 * PAGE + 100] ^= 0xff;
	if (first_bad(ksm_b, KSM_PAGES * PAGE, KSM) != 7)
		fail("ksm: a write to copy 1 changed copy 2, or copy 2 lost its own");
	if (first_bad(ksm_a, KSM_PAGES * PAGE, KSM) != 5)
		fail("ksm: a write to copy 2 changed copy 1, or copy 1 lost its own");
	ksm_a[5 * PAGE] ^= 0xff;
	ksm_b[7 * PAGE + 100] ^= 0xff;
	check_region("ksm copy 1", ksm_a, KSM_PAGES * PAGE, KSM);
	check_region("ksm copy 2", ksm_b, KSM_PAGES * PAGE, KSM);
}

static void check_all(void)
{
	printf("memcases: after restart: thp AnonHugePages %ld kB, %ld swapped pages\n",
	       anon_huge_kb(thp), swapped_pages(swapped, SWAP_SIZE));
	check_region("thp", thp, THP_SIZE, THP);
	check_split();
	check_region("swapped", swapped, SWAP_SIZE, SWAPPED);
	check_ksm();
}

static int exists(const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

static void create(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	close(open(path, O_WRONLY | O_CREAT, 0644));
}

int main(int argc, char **argv)
{
	char path[512], line[32];
	int fd, n;
	long i;

	if (argc != 2)
		return 2;
	dir = argv[1];
	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(path, sizeof(path), "%s/progress", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 2;
	/* swapped last: nothing touches its pages before the checkpoint */
	if (setup_thp() || setup_split() || setup_ksm() || setup_swapped()) {
		create("ready");
		return 1;
	}
	create("ready");

	for (i = 1; !exists("stop"); i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		n = snprintf(line, sizeof(line), "%ld\n", i);
		if (pwrite(fd, line, n, 0) != n)
			bad = 1;
		nanosleep(&ts, NULL);
	}
	check_all();
	printf("memcases: %ld steps, memory cases %s\n", i - 1, bad ? "DAMAGED" : "intact");
	return bad;
}
