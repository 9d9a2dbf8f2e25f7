// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * namespaces DIR: UTS and IPC namespaces and System V shared memory
 * (image format 1.11), for the VM scenarios.  Run as root.
 *
 * The root process R unshare()s CLONE_NEWUTS | CLONE_NEWIPC first (both
 * namespaces new at it), sets the host name "ckpt-ns-root" and the domain
 * name "ckpt-ns.example", and changes the limits of its IPC namespace
 * through /proc/sys (kernel.shmmax, shmall, shmmni, msgmax, msgmnb,
 * msgmni, sem, fs.mqueue.queues_max, msg_max, msgsize_max, msg_default,
 * msgsize_default; kernel.shm_rmid_forced stays 0).  Then six segments:
 *
 *   orphan   key 0x4e530006, 500 bytes, mode 0660: made by a child C
 *            that attaches it, fills it, detaches it and exits (reaped):
 *            its creator and last pid are gone
 *   counted  key 0x4e530001, 2 pages and 100 bytes, mode 0640, attached
 *            read-write by R before fork(): R and its children A, U and
 *            B count in it, a slot each in its first page; B attaches it
 *            a second time itself, and counts through that attachment
 *   rmid     key 0x4e530003, a page and 1000 bytes, mode 0600, attached
 *            by R before fork() (so by every child too), then removed
 *            (IPC_RMID) while attached: key IPC_PRIVATE, SHM_DEST
 *   owned    key 0x4e530004, a page, mode 0606: attached, filled and
 *            detached by R, then IPC_SET to uid 1234, gid 5678, mode 0604
 *   empty    IPC_PRIVATE, 3 pages, mode 0644, never attached
 *   rdonly   IPC_PRIVATE, a page, mode 0600: attached read-only
 *            (SHM_RDONLY) by A, read-write by R once every child is
 *            forked; R writes its step at its offset 0
 *
 * The children, forked one after the other once the one before is set
 * up: A (attaches rdonly read-only), U (unshare(CLONE_NEWUTS), host name
 * "ckpt-ns-child": a UTS namespace new at it, the IPC namespace R's),
 * then B (its second attachment of counted, the last shmat() of it: its
 * lpid).  So counted is attached 5 times (nattch), rmid 4, rdonly 2.
 * Once all are set up R takes a snapshot of what IPC_STAT says of every
 * segment (key, owner, creator, mode, size, times, cpid, lpid, nattch),
 * of IPC_INFO (the highest index, shmmax, shmmni, shmall), SHM_INFO (the
 * ids in use, the pages) and the SHM_STAT listing (index, id, key of
 * each), and of the sysctls; then it creates DIR/ready.
 *
 * Every 20 ms each process adds 1 to its counter in counted (B through
 * its own attachment), R writes its step to rdonly and to DIR/progress.
 * When DIR/stop appears (after a restart: the checks below are those of
 * a restored tree) each process checks that its counter is its steps,
 * goes on counting until it has seen every other's counter advance by 3
 * (B through both attachments, A R's step through its read-only
 * attachment), and they agree through done flags, with a timeout, so
 * memory that is not shared fails, never hangs.  Then, without changing
 * anything: its host and domain name (uname()); its UTS and IPC
 * namespaces (/proc/self/ns), noted in its slot: R's are not those of
 * init (/proc/1/ns), A and B share R's, U shares R's IPC namespace and
 * has a UTS namespace of its own; every attachment in /proc/self/maps
 * at its address, with its permissions (rw-s, r--s for A's read-only
 * one), on the inode that is the segment's id, named /SYSV<key>; every
 * byte of every attachment (the counters and slots aside), zero past the
 * segment's size.  Once the children are done with that, R: every
 * segment's IPC_STAT as in the snapshot (orphan's cpid and lpid 0: that
 * process is gone), the IPC_INFO, SHM_INFO and SHM_STAT listing as in the
 * snapshot, shmget() of each key giving its id (rmid's old key ENOENT:
 * removed), the sysctls as set.  Then what changes things: A forks a
 * child that writes to the read-only attachment and must die of
 * SIGSEGV, and mprotect(PROT_WRITE) of it fails with EACCES; B writes
 * through its attachment of counted and reads it through the other one.
 * Once the children exit (reaped, status 0), R attaches orphan, owned and
 * empty read-only to check their bytes, detaches rmid, which is then
 * gone (IPC_STAT: EINVAL, SHM_INFO one segment less), and makes a new
 * segment, whose id is none of the others (rmid's neither: the kernel
 * gives ids round, idr_alloc_cyclic(), not one just freed).  R says "namespaces intact"
 * and exits 0, or says what differs (FAIL: lines) and exits 1.  A case it
 * cannot set up is said as "setup failed: ..." (DIR/ready created all
 * the same).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testdir.h"

#define PAGE		4096UL
#define ROOT_HOST	"ckpt-ns-root"
#define CHILD_HOST	"ckpt-ns-child"
#define DOMAIN		"ckpt-ns.example"
#define OWNER_UID	1234
#define OWNER_GID	5678
#define SLOT_BYTES	128UL
#define RDONLY_SKIP	64UL	/* rdonly: R's step at its start */
#define B_MARK		"written-through-b1"
#define B_MARK_OFF	(PAGE + 8)

enum { P_ROOT, P_A, P_U, P_B, NPROC };

static const char *const proc_name[NPROC] = { "root", "child A", "child U", "child B" };

enum { S_ORPHAN, S_COUNTED, S_RMID, S_OWNED, S_EMPTY, S_RDONLY, NSEGS };

static const char *const seg_name[NSEGS] = {
	"orphan", "counted", "rmid", "owned", "empty", "rdonly",
};

static const key_t seg_key[NSEGS] = {
	0x4e530006, 0x4e530001, 0x4e530003, 0x4e530004, IPC_PRIVATE, IPC_PRIVATE,
};

static const unsigned long seg_size[NSEGS] = {
	500, 2 * PAGE + 100, PAGE + 1000, PAGE, 3 * PAGE, PAGE,
};

static const int seg_mode[NSEGS] = { 0660, 0640, 0600, 0606, 0644, 0600 };

/* The sysctls of the IPC namespace: path under /proc/sys, value set ("" : kept) */
static const struct {
	const char *path;
	const char *value;
} sysctl[] = {
	{ "kernel/shmmax", "67108864" },
	{ "kernel/shmall", "100000" },
	{ "kernel/shmmni", "1000" },
	{ "kernel/shm_rmid_forced", "" },
	{ "kernel/msgmax", "12345" },
	{ "kernel/msgmnb", "23456" },
	{ "kernel/msgmni", "77" },
	{ "kernel/sem", "300 30000 40 90" },
	{ "fs/mqueue/queues_max", "99" },
	{ "fs/mqueue/msg_max", "20" },
	{ "fs/mqueue/msgsize_max", "16384" },
	{ "fs/mqueue/msg_default", "7" },
	{ "fs/mqueue/msgsize_default", "4096" },
};
#define NSYSCTL		(int)(sizeof(sysctl) / sizeof(sysctl[0]))

struct slot {
	unsigned long count;	/* its steps */
	unsigned long done;	/* it has seen every other's count advance */
	unsigned long ready;	/* 1 set up, 2 failed */
	unsigned long phase;	/* 1 checked, 2 (R) stats checked, 3 (children) all done */
	unsigned long uts_ino, ipc_ino;	/* its namespaces */
};

_Static_assert(NPROC * SLOT_BYTES <= PAGE, "the slots fit in counted's first page");
_Static_assert(sizeof(struct slot) <= SLOT_BYTES, "a slot fits");

/* An attachment of a process */
struct att {
	int seg;
	unsigned char *addr;
	int rdonly;
};

#define MAX_ATT		4
static struct att att[MAX_ATT];
static int natt;
static int id[NSEGS];
static unsigned char *a_counted;	/* counted, as R attached it (everyone has it) */
static unsigned char *b_counted;	/* counted, as B attached it */
static unsigned char *a_rdonly;		/* rdonly: R's (read-write), A's (read-only) */
static unsigned char *a_rmid;
static pid_t orphan_pid;
static pid_t child_pid[NPROC];
static int me;
static const char *me_name = "root";
static unsigned long steps;
static int bad;

/* R's snapshot once every process is set up */
static struct shmid_ds snap[NSEGS];
static struct shminfo snap_info;
static int snap_maxidx;
static struct shm_info snap_shm_info;
#define MAX_LISTED	64
static struct listed {
	int idx, id;
	key_t key;
} snap_list[MAX_LISTED];
static int snap_nlisted;
static char snap_sysctl[NSYSCTL][64];

/* Static buffers: checking must not change the address space. */
static char maps[1 << 16];
static struct listed now_list[MAX_LISTED];

static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	static char line[4096];
	int n;

	n = snprintf(line, sizeof(line), "%snamespaces %s: ", prefix, me_name);
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
	vsay("", fmt, ap);
	va_end(ap);
}

/* Say what is wrong (a FAIL: line); -1. */
static int complain(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("FAIL: ", fmt, ap);
	va_end(ap);
	bad = 1;
	return -1;
}

/* Setup went wrong: "setup failed: ..."; -1. */
static int setup_failed(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return complain("setup failed: %s", buf);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static unsigned long load(const unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(unsigned long *p, unsigned long v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

/* Process @who's slot, through counted at @base */
static struct slot *slot_at(unsigned char *base, int who)
{
	return (struct slot *)(base + who * SLOT_BYTES);
}

/* Through the attachment this process counts through */
static struct slot *slot(int who)
{
	return slot_at(me == P_B && b_counted ? b_counted : a_counted, who);
}

/* Byte @off of segment @s as set up */
static unsigned char pattern(int s, unsigned long off)
{
	unsigned int w = (unsigned int)(off / 4) * 2654435761u ^ (0x5e600000u + s * 0x01030507u);

	if (s == S_EMPTY || off >= seg_size[s])
		return 0;
	return (unsigned char)(w >> (8 * (off % 4))) | 1;
}

static unsigned long pages_of(int s)
{
	return (seg_size[s] + PAGE - 1) & ~(PAGE - 1);
}

/* Bytes of segment @s that change as it runs */
static int volatile_byte(int s, unsigned long off)
{
	return (s == S_COUNTED && off < NPROC * SLOT_BYTES) ||
	       (s == S_RDONLY && off < RDONLY_SKIP);
}

static void fill(int s, unsigned char *p)
{
	unsigned long off;

	for (off = 0; off < seg_size[s]; off++)
		if (!volatile_byte(s, off))
			p[off] = pattern(s, off);
}

/* Segment @s's bytes at @p (its whole pages) as set up; 0 or -1 */
static int check_bytes(int s, const unsigned char *p, const char *what)
{
	unsigned long off;

	for (off = 0; off < pages_of(s); off++) {
		if (volatile_byte(s, off))
			continue;
		if (p[off] != pattern(s, off))
			return complain("%s: byte %lu of %s is %#x, not %#x%s", what, off,
					seg_name[s], p[off], pattern(s, off),
					off >= seg_size[s] ? " (past its size)" : "");
	}
	return 0;
}

static void *attach(int s, int flags)
{
	void *p = shmat(id[s], NULL, flags);

	if (p == (void *)-1) {
		setup_failed("shmat(%s, %#x): %s", seg_name[s], flags, strerror(errno));
		return NULL;
	}
	if (natt < MAX_ATT) {
		att[natt].seg = s;
		att[natt].addr = p;
		att[natt].rdonly = !!(flags & SHM_RDONLY);
		natt++;
	}
	return p;
}

/* Segment @s made with its key, size and mode: 0 or -1 */
static int make_seg(int s)
{
	id[s] = shmget(seg_key[s], seg_size[s], IPC_CREAT | IPC_EXCL | seg_mode[s]);
	if (id[s] < 0)
		return setup_failed("shmget(%s): %s", seg_name[s], strerror(errno));
	return 0;
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

/* /proc/sys/@path, its whitespace made single spaces, no newline */
static int read_sysctl(const char *path, char *buf, size_t size)
{
	char p[128], raw[128];
	size_t i, n = 0;
	int space = 0;

	snprintf(p, sizeof(p), "/proc/sys/%s", path);
	if (!read_whole(p, raw, sizeof(raw)))
		return -1;
	for (i = 0; raw[i] && n < size - 1; i++) {
		if (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n') {
			space = n > 0;
			continue;
		}
		if (space && n < size - 2)
			buf[n++] = ' ';
		space = 0;
		buf[n++] = raw[i];
	}
	buf[n] = 0;
	return 0;
}

static int write_sysctl(const char *path, const char *value)
{
	char p[128];
	int f, n = strlen(value);

	snprintf(p, sizeof(p), "/proc/sys/%s", path);
	f = open(p, O_WRONLY);
	if (f < 0 || write(f, value, n) != n) {
		setup_failed("cannot write %s to %s: %s", value, p, strerror(errno));
		if (f >= 0)
			close(f);
		return -1;
	}
	close(f);
	return 0;
}

/* The inode of /proc/@pid/ns/@ns ("self" for pid 0), or 0 */
static unsigned long ns_ino(const char *who, const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", who, ns);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* The child C: orphan made, attached, filled, detached */
static int orphan_main(void)
{
	void *p;

	me_name = "orphan's maker";
	if (make_seg(S_ORPHAN))
		return 1;
	p = shmat(id[S_ORPHAN], NULL, 0);
	if (p == (void *)-1)
		return 1;
	fill(S_ORPHAN, p);
	return shmdt(p) ? 1 : 0;
}

/* The snapshot of R, once everything is set up: 0 or -1 */
static int take_listing(struct listed *list, int *nlisted, int *maxidx, struct shm_info *si,
			struct shminfo *info)
{
	struct shmid_ds ds;
	int idx, n = 0, r;

	*maxidx = shmctl(0, IPC_INFO, (struct shmid_ds *)info);
	if (*maxidx < 0)
		return complain("shmctl(IPC_INFO): %s", strerror(errno));
	if (shmctl(0, SHM_INFO, (struct shmid_ds *)si) < 0)
		return complain("shmctl(SHM_INFO): %s", strerror(errno));
	for (idx = 0; idx <= *maxidx; idx++) {
		r = shmctl(idx, SHM_STAT, &ds);
		if (r < 0)
			continue;
		if (n == MAX_LISTED)
			return complain("more than %d segments listed", MAX_LISTED);
		list[n].idx = idx;
		list[n].id = r;
		list[n].key = ds.shm_perm.__key;
		n++;
	}
	*nlisted = n;
	return 0;
}

/* What IPC_STAT says of @s at setup, against what it was made with */
static int check_snapshot(int s, const struct shmid_ds *ds)
{
	static const unsigned long nattch[NSEGS] = {
		[S_COUNTED] = 5, [S_RMID] = 4, [S_RDONLY] = 2,
	};
	key_t key = s == S_RMID ? IPC_PRIVATE : seg_key[s];
	unsigned int mode = s == S_OWNED ? 0604 : seg_mode[s] | (s == S_RMID ? SHM_DEST : 0);

	if (ds->shm_perm.__key != key || (ds->shm_perm.mode & 07777) != mode ||
	    ds->shm_segsz != seg_size[s] || ds->shm_nattch != nattch[s])
		return setup_failed("%s: key %#x, mode %#o, %lu bytes, nattch %lu; expected %#x, %#o, %lu, %lu",
				    seg_name[s], (unsigned int)ds->shm_perm.__key,
				    (unsigned int)ds->shm_perm.mode, (unsigned long)ds->shm_segsz,
				    (unsigned long)ds->shm_nattch, (unsigned int)key, mode,
				    seg_size[s], nattch[s]);
	if (s == S_OWNED && (ds->shm_perm.uid != OWNER_UID || ds->shm_perm.gid != OWNER_GID ||
			     ds->shm_perm.cuid != 0 || ds->shm_perm.cgid != 0))
		return setup_failed("owned: owner %u:%u, creator %u:%u", ds->shm_perm.uid,
				    ds->shm_perm.gid, ds->shm_perm.cuid, ds->shm_perm.cgid);
	if (s == S_ORPHAN && (ds->shm_cpid != orphan_pid || ds->shm_lpid != orphan_pid))
		return setup_failed("orphan: cpid %d, lpid %d, not %d", (int)ds->shm_cpid,
				    (int)ds->shm_lpid, (int)orphan_pid);
	if (s == S_EMPTY && (ds->shm_atime || ds->shm_dtime || ds->shm_lpid))
		return setup_failed("empty: atime %ld, dtime %ld, lpid %d", (long)ds->shm_atime,
				    (long)ds->shm_dtime, (int)ds->shm_lpid);
	if (s != S_ORPHAN && ds->shm_cpid != getpid())
		return setup_failed("%s: cpid %d, not %d", seg_name[s], (int)ds->shm_cpid,
				    (int)getpid());
	return 0;
}

static int snapshot(void)
{
	int s, i;

	for (s = 0; s < NSEGS; s++) {
		if (shmctl(id[s], IPC_STAT, &snap[s]))
			return setup_failed("IPC_STAT %s: %s", seg_name[s], strerror(errno));
		if (check_snapshot(s, &snap[s]))
			return -1;
	}
	/* B attached counted last */
	if (snap[S_COUNTED].shm_lpid != child_pid[P_B])
		return setup_failed("counted: lpid %d, not child B's %d", (int)snap[S_COUNTED].shm_lpid,
				    (int)child_pid[P_B]);
	if (take_listing(snap_list, &snap_nlisted, &snap_maxidx, &snap_shm_info, &snap_info))
		return -1;
	if (snap_nlisted != NSEGS || snap_shm_info.used_ids != NSEGS)
		return setup_failed("%d segments listed (SHM_STAT), %d in use (SHM_INFO), not %d",
				    snap_nlisted, snap_shm_info.used_ids, NSEGS);
	for (i = 0; i < NSYSCTL; i++)
		if (read_sysctl(sysctl[i].path, snap_sysctl[i], sizeof(snap_sysctl[i])))
			return setup_failed("cannot read /proc/sys/%s", sysctl[i].path);
	return 0;
}

/* The children's common start: killed with R */
static void child_start(int who)
{
	me = who;
	me_name = proc_name[who];
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* Wait (10 s at most) until @who's slot says ready; 0 or -1 */
static int child_ready(int who)
{
	unsigned long v = 0;
	int i;

	for (i = 0; i < 1000 && !(v = load(&slot(who)->ready)); i++)
		sleep_ms(10);
	if (v == 1)
		return 0;
	return setup_failed("%s %s", proc_name[who], v ? "could not set up" : "is not set up after 10 s");
}

static int setup_root(void)
{
	int i;

	if (unshare(CLONE_NEWUTS | CLONE_NEWIPC))
		return setup_failed("unshare(CLONE_NEWUTS | CLONE_NEWIPC): %s", strerror(errno));
	if (sethostname(ROOT_HOST, strlen(ROOT_HOST)) || setdomainname(DOMAIN, strlen(DOMAIN)))
		return setup_failed("sethostname/setdomainname: %s", strerror(errno));
	for (i = 0; i < NSYSCTL; i++)
		if (*sysctl[i].value && write_sysctl(sysctl[i].path, sysctl[i].value))
			return -1;
	return 0;
}

static int make_orphan(void)
{
	int status;

	orphan_pid = fork();
	if (orphan_pid < 0)
		return setup_failed("fork: %s", strerror(errno));
	if (!orphan_pid)
		_exit(orphan_main());
	if (waitpid(orphan_pid, &status, 0) != orphan_pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return setup_failed("the child making orphan failed (status %#x)", status);
	id[S_ORPHAN] = shmget(seg_key[S_ORPHAN], 0, 0);
	if (id[S_ORPHAN] < 0)
		return setup_failed("shmget(orphan's key): %s", strerror(errno));
	return 0;
}

/* R's segments before fork() */
static int make_segments(void)
{
	struct shmid_ds ds;
	unsigned char *p;

	if (make_orphan() || make_seg(S_COUNTED) || !(a_counted = attach(S_COUNTED, 0)))
		return -1;
	memset(a_counted, 0, NPROC * SLOT_BYTES);
	fill(S_COUNTED, a_counted);
	if (make_seg(S_RMID) || !(a_rmid = attach(S_RMID, 0)))
		return -1;
	fill(S_RMID, a_rmid);
	if (make_seg(S_OWNED))
		return -1;
	p = shmat(id[S_OWNED], NULL, 0);
	if (p == (void *)-1)
		return setup_failed("shmat(owned): %s", strerror(errno));
	fill(S_OWNED, p);
	if (shmdt(p))
		return setup_failed("shmdt(owned): %s", strerror(errno));
	if (shmctl(id[S_OWNED], IPC_STAT, &ds))
		return setup_failed("IPC_STAT owned: %s", strerror(errno));
	ds.shm_perm.uid = OWNER_UID;
	ds.shm_perm.gid = OWNER_GID;
	ds.shm_perm.mode = 0604;
	if (shmctl(id[S_OWNED], IPC_SET, &ds))
		return setup_failed("IPC_SET owned: %s", strerror(errno));
	if (make_seg(S_EMPTY) || make_seg(S_RDONLY))
		return -1;
	return 0;
}

/* One step: count in counted (R: and in rdonly) */
static void step(void)
{
	steps++;
	store(&slot(me)->count, steps);
	if (me == P_ROOT)
		store((unsigned long *)a_rdonly, steps);
}

/* Take a step every 20 ms until DIR/stop; R writes it to @progress_fd. */
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

/* B: the other's counter through b1, around a read through a1 */
static void check_both_views(int o)
{
	unsigned long v1, va, v2;

	v1 = load(&slot_at(b_counted, o)->count);
	va = load(&slot_at(a_counted, o)->count);
	v2 = load(&slot_at(b_counted, o)->count);
	if (va < v1 || va > v2)
		complain("counted: %s's counter is %lu through one attachment, %lu then %lu through the other",
			 proc_name[o], va, v1, v2);
}

/*
 * Count on until every other's counter advanced by 3 (A: and R's step in
 * rdonly, through its read-only attachment), and every other saw ours
 * advance (10 s at most).
 */
static void watch_others(void)
{
	unsigned long start[NPROC], ro_start = 0;
	int o, seen[NPROC] = { 0 }, ro_seen = me != P_A, n, all;

	for (o = 0; o < NPROC; o++)
		start[o] = load(&slot(o)->count);
	if (me == P_A)
		ro_start = load((unsigned long *)a_rdonly);
	for (n = 0; n < 500; n++) {
		all = 1;
		for (o = 0; o < NPROC; o++) {
			if (o == me)
				continue;
			if (!seen[o] && load(&slot(o)->count) >= start[o] + 3) {
				seen[o] = 1;
				if (me == P_B)
					check_both_views(o);
			}
			all &= seen[o];
		}
		if (!ro_seen && load((unsigned long *)a_rdonly) >= ro_start + 3)
			ro_seen = 1;
		if (all && ro_seen)
			store(&slot(me)->done, 1);
		for (o = 0; o < NPROC; o++)
			all &= load(&slot(o)->done) != 0;
		if (all)
			break;
		step();
		sleep_ms(20);
	}
	for (o = 0; o < NPROC; o++) {
		if (o == me)
			continue;
		if (!seen[o])
			complain("counted: %s's counter stayed at %lu for 10 s (from %lu)",
				 proc_name[o], load(&slot(o)->count), start[o]);
		else if (!load(&slot(o)->done))
			complain("counted: %s did not see every counter advance", proc_name[o]);
	}
	if (!ro_seen)
		complain("rdonly: the root's step stayed at %lu for 10 s through the read-only attachment (from %lu)",
			 load((unsigned long *)a_rdonly), ro_start);
	if (load(&slot(me)->count) != steps)
		complain("counted: its counter is %lu, it made %lu steps",
			 load(&slot(me)->count), steps);
	say("counters at %lu; root %lu, A %lu, U %lu, B %lu", steps, load(&slot(P_ROOT)->count),
	    load(&slot(P_A)->count), load(&slot(P_U)->count), load(&slot(P_B)->count));
}

/* Host and domain name; its namespaces noted in its slot */
static void check_names(void)
{
	const char *host = me == P_U ? CHILD_HOST : ROOT_HOST;
	struct utsname u;

	if (uname(&u))
		complain("uname: %s", strerror(errno));
	else if (strcmp(u.nodename, host) || strcmp(u.domainname, DOMAIN))
		complain("uname() says host \"%s\", domain \"%s\", not \"%s\", \"%s\"", u.nodename,
			 u.domainname, host, DOMAIN);
	store(&slot(me)->uts_ino, ns_ino("self", "uts"));
	store(&slot(me)->ipc_ino, ns_ino("self", "ipc"));
}

/* R: the namespaces each process noted */
static void check_ns_of_all(void)
{
	unsigned long uts = load(&slot(P_ROOT)->uts_ino), ipc = load(&slot(P_ROOT)->ipc_ino);
	unsigned long init_uts = ns_ino("1", "uts"), init_ipc = ns_ino("1", "ipc");
	int o;

	if (!uts || !ipc || !init_uts || !init_ipc)
		complain("cannot stat /proc/self/ns or /proc/1/ns");
	if (uts == init_uts || ipc == init_ipc)
		complain("its UTS (%lu) or IPC (%lu) namespace is init's (%lu, %lu): not a new one",
			 uts, ipc, init_uts, init_ipc);
	for (o = P_A; o < NPROC; o++) {
		if (load(&slot(o)->ipc_ino) != ipc)
			complain("%s lives in IPC namespace %lu, the root in %lu", proc_name[o],
				 load(&slot(o)->ipc_ino), ipc);
		if (o == P_U && (load(&slot(o)->uts_ino) == uts ||
				 load(&slot(o)->uts_ino) == init_uts))
			complain("child U lives in UTS namespace %lu, not one of its own (the root's %lu, init's %lu)",
				 load(&slot(o)->uts_ino), uts, init_uts);
		if (o != P_U && load(&slot(o)->uts_ino) != uts)
			complain("%s lives in UTS namespace %lu, the root in %lu", proc_name[o],
				 load(&slot(o)->uts_ino), uts);
	}
}

/* Every attachment in /proc/self/maps: address, permissions, inode (the id), name */
static void check_maps(void)
{
	unsigned long start, end, ino, off;
	char perms[8], name[64], want[64], want0[64], *line, *next;
	int k, found, pos, s;

	if (!read_whole("/proc/self/maps", maps, sizeof(maps))) {
		complain("cannot read /proc/self/maps");
		return;
	}
	for (k = 0; k < natt; k++) {
		s = att[k].seg;
		found = 0;
		for (line = maps; *line; line = next) {
			next = strchr(line, '\n');
			next = next ? next + 1 : line + strlen(line);
			if (sscanf(line, "%lx-%lx %7s %lx %*x:%*x %lu %n", &start, &end, perms, &off,
				   &ino, &pos) != 5 || start != (unsigned long)att[k].addr)
				continue;
			found = 1;
			snprintf(name, sizeof(name), "%.*s", (int)(next - line - pos - 1), line + pos);
			snprintf(want, sizeof(want), "/SYSV%08x (deleted)", (unsigned int)seg_key[s]);
			snprintf(want0, sizeof(want0), "/SYSV%08x (deleted)", 0);
			/* a removed segment may have been made again as IPC_PRIVATE */
			if (strcmp(name, want) && (s != S_RMID || strcmp(name, want0)))
				complain("%s: its attachment at %p is named \"%s\", not \"%s\"",
					 seg_name[s], att[k].addr, name, want);
			if (strcmp(perms, att[k].rdonly ? "r--s" : "rw-s"))
				complain("%s: its attachment at %p is %s", seg_name[s], att[k].addr,
					 perms);
			if (end - start != pages_of(s) || off)
				complain("%s: its attachment is %#lx-%#lx at offset %#lx, not %lu bytes at 0",
					 seg_name[s], start, end, off, pages_of(s));
			if (ino != (unsigned long)id[s])
				complain("%s: its attachment is on inode %lu, not its id %d", seg_name[s],
					 ino, id[s]);
		}
		if (!found)
			complain("%s: no attachment at %p in /proc/self/maps", seg_name[s], att[k].addr);
	}
}

/* The bytes of each attachment */
static void check_attached_bytes(void)
{
	char what[64];
	int k;

	for (k = 0; k < natt; k++) {
		snprintf(what, sizeof(what), "its attachment at %p", att[k].addr);
		check_bytes(att[k].seg, att[k].addr, what);
	}
}

/* Wait (10 s at most) until every process of @from to @to reached @phase */
static int wait_phase(int from, int to, unsigned long phase)
{
	int i, o, all = 0;

	for (i = 0; i < 1000 && !all; i++) {
		all = 1;
		for (o = from; o <= to; o++)
			all &= load(&slot(o)->phase) >= phase;
		if (!all)
			sleep_ms(10);
	}
	if (all)
		return 0;
	for (o = from; o <= to; o++)
		if (load(&slot(o)->phase) < phase)
			complain("%s did not reach phase %lu in 10 s (at %lu)", proc_name[o], phase,
				 load(&slot(o)->phase));
	return -1;
}

/* R: IPC_STAT of every segment against the snapshot */
static void check_stats(void)
{
	struct shmid_ds ds, *w;
	pid_t cpid, lpid;
	int s;

	for (s = 0; s < NSEGS; s++) {
		w = &snap[s];
		if (shmctl(id[s], IPC_STAT, &ds)) {
			complain("%s: IPC_STAT of id %d: %s", seg_name[s], id[s], strerror(errno));
			continue;
		}
		/* orphan's creator and last user are gone: 0 after restart */
		cpid = s == S_ORPHAN ? 0 : w->shm_cpid;
		lpid = s == S_ORPHAN ? 0 : w->shm_lpid;
		if (ds.shm_perm.__key != w->shm_perm.__key)
			complain("%s: key %#x, not %#x", seg_name[s], (unsigned int)ds.shm_perm.__key,
				 (unsigned int)w->shm_perm.__key);
		if (ds.shm_perm.uid != w->shm_perm.uid || ds.shm_perm.gid != w->shm_perm.gid ||
		    ds.shm_perm.cuid != w->shm_perm.cuid || ds.shm_perm.cgid != w->shm_perm.cgid)
			complain("%s: owner %u:%u, creator %u:%u; not %u:%u, %u:%u", seg_name[s],
				 ds.shm_perm.uid, ds.shm_perm.gid, ds.shm_perm.cuid, ds.shm_perm.cgid,
				 w->shm_perm.uid, w->shm_perm.gid, w->shm_perm.cuid, w->shm_perm.cgid);
		if (ds.shm_perm.mode != w->shm_perm.mode)
			complain("%s: mode %#o, not %#o", seg_name[s], (unsigned int)ds.shm_perm.mode,
				 (unsigned int)w->shm_perm.mode);
		if (ds.shm_segsz != w->shm_segsz)
			complain("%s: %lu bytes, not %lu", seg_name[s], (unsigned long)ds.shm_segsz,
				 (unsigned long)w->shm_segsz);
		if (ds.shm_atime != w->shm_atime || ds.shm_dtime != w->shm_dtime ||
		    ds.shm_ctime != w->shm_ctime)
			complain("%s: atime %ld, dtime %ld, ctime %ld; not %ld, %ld, %ld", seg_name[s],
				 (long)ds.shm_atime, (long)ds.shm_dtime, (long)ds.shm_ctime,
				 (long)w->shm_atime, (long)w->shm_dtime, (long)w->shm_ctime);
		if (ds.shm_cpid != cpid || ds.shm_lpid != lpid)
			complain("%s: cpid %d, lpid %d; not %d, %d", seg_name[s], (int)ds.shm_cpid,
				 (int)ds.shm_lpid, (int)cpid, (int)lpid);
		if (ds.shm_nattch != w->shm_nattch)
			complain("%s: attached %lu times, not %lu", seg_name[s],
				 (unsigned long)ds.shm_nattch, (unsigned long)w->shm_nattch);
	}
}

/* R: IPC_INFO, SHM_INFO, the SHM_STAT listing, the keys, the sysctls */
static void check_namespace(void)
{
	struct shminfo info;
	struct shm_info si;
	char value[64];
	int n, maxidx, i, s, got;

	if (!take_listing(now_list, &n, &maxidx, &si, &info)) {
		if (maxidx != snap_maxidx)
			complain("IPC_INFO: highest index %d, not %d", maxidx, snap_maxidx);
		if (info.shmmax != snap_info.shmmax || info.shmmni != snap_info.shmmni ||
		    info.shmall != snap_info.shmall || info.shmmni != 1000 ||
		    info.shmmax != 67108864 || info.shmall != 100000)
			complain("IPC_INFO: shmmax %lu, shmmni %lu, shmall %lu; not %lu, %lu, %lu",
				 (unsigned long)info.shmmax, (unsigned long)info.shmmni,
				 (unsigned long)info.shmall, (unsigned long)snap_info.shmmax,
				 (unsigned long)snap_info.shmmni, (unsigned long)snap_info.shmall);
		if (si.used_ids != snap_shm_info.used_ids || si.shm_tot != snap_shm_info.shm_tot)
			complain("SHM_INFO: %d segments of %lu pages, not %d of %lu", si.used_ids,
				 (unsigned long)si.shm_tot, snap_shm_info.used_ids,
				 (unsigned long)snap_shm_info.shm_tot);
		if (n != snap_nlisted)
			complain("SHM_STAT lists %d segments, not %d", n, snap_nlisted);
		for (i = 0; i < n && i < snap_nlisted; i++)
			if (now_list[i].idx != snap_list[i].idx || now_list[i].id != snap_list[i].id ||
			    now_list[i].key != snap_list[i].key)
				complain("SHM_STAT: index %d is id %d, key %#x; not index %d, id %d, key %#x",
					 now_list[i].idx, now_list[i].id, (unsigned int)now_list[i].key,
					 snap_list[i].idx, snap_list[i].id,
					 (unsigned int)snap_list[i].key);
	}
	for (s = 0; s < NSEGS; s++) {
		if (seg_key[s] == IPC_PRIVATE)
			continue;
		errno = 0;
		got = shmget(seg_key[s], 0, 0);
		if (s == S_RMID) {
			if (got >= 0 || errno != ENOENT)
				complain("rmid: shmget(%#x) gives %d (%s), not ENOENT: its key is back",
					 (unsigned int)seg_key[s], got, strerror(errno));
		} else if (got != id[s]) {
			complain("%s: shmget(%#x) gives %d (%s), not %d", seg_name[s],
				 (unsigned int)seg_key[s], got, got < 0 ? strerror(errno) : "", id[s]);
		}
	}
	for (i = 0; i < NSYSCTL; i++) {
		if (read_sysctl(sysctl[i].path, value, sizeof(value))) {
			complain("cannot read /proc/sys/%s", sysctl[i].path);
			continue;
		}
		if (strcmp(value, snap_sysctl[i]) ||
		    (*sysctl[i].value && strcmp(value, sysctl[i].value)))
			complain("/proc/sys/%s is \"%s\", not \"%s\"", sysctl[i].path, value,
				 snap_sysctl[i]);
	}
}

/* A: the read-only attachment cannot be written to, nor made writable */
static void check_rdonly(void)
{
	int status;
	pid_t c;

	c = fork();
	if (c == 0) {
		signal(SIGSEGV, SIG_DFL);
		*(volatile unsigned char *)(a_rdonly + PAGE - 1) = 0x5a;
		_exit(0);
	}
	if (c < 0 || waitpid(c, &status, 0) != c)
		complain("rdonly: cannot fork a writer: %s", strerror(errno));
	else if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
		complain("rdonly: a write to the read-only attachment did not fault (status %#x)",
			 status);
	if (mprotect(a_rdonly, PAGE, PROT_READ | PROT_WRITE) == 0)
		complain("rdonly: mprotect(PROT_WRITE) of the read-only attachment succeeded");
	else if (errno != EACCES)
		complain("rdonly: mprotect(PROT_WRITE) failed with %s, not EACCES", strerror(errno));
	if (a_rdonly[PAGE - 1] != pattern(S_RDONLY, PAGE - 1))
		complain("rdonly: its last byte changed");
}

/* B: a write through its own attachment shows through R's */
static void check_b_write(void)
{
	memcpy(b_counted + B_MARK_OFF, B_MARK, sizeof(B_MARK));
	if (memcmp(a_counted + B_MARK_OFF, B_MARK, sizeof(B_MARK)))
		complain("counted: a write through its own attachment does not show through the other");
}

static int child_main(int who)
{
	int ok = 0;

	child_start(who);
	if (who == P_A)
		ok = (a_rdonly = attach(S_RDONLY, SHM_RDONLY)) != NULL;
	else if (who == P_U)
		ok = !unshare(CLONE_NEWUTS) && !sethostname(CHILD_HOST, strlen(CHILD_HOST));
	else if (who == P_B)
		ok = (b_counted = attach(S_COUNTED, 0)) != NULL;
	if (!ok)
		setup_failed("%s: %s", proc_name[who], strerror(errno));
	store(&slot(who)->ready, ok ? 1 : 2);
	if (!ok)
		return 1;
	run(-1);
	watch_others();
	check_names();
	check_maps();
	check_attached_bytes();
	store(&slot(me)->phase, 1);
	/* R checked what IPC_STAT says: what changes it now */
	if (!wait_phase(P_ROOT, P_ROOT, 2)) {
		if (who == P_A)
			check_rdonly();
		if (who == P_B)
			check_b_write();
	}
	store(&slot(me)->phase, 3);
	say("%lu steps, its cases %s", steps, bad ? "DAMAGED" : "intact");
	return bad;
}

static pid_t fork_child(int who)
{
	pid_t c = fork();

	if (c == 0)
		exit(child_main(who));
	if (c < 0)
		setup_failed("fork: %s", strerror(errno));
	return c;
}

static int reap(pid_t child, int who)
{
	int status;

	if (waitpid(child, &status, 0) != child)
		return complain("waitpid %s: %s", proc_name[who], strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return complain("%s ended with status %#x", proc_name[who], status);
	return 0;
}

/* R, the children gone: the segments no one has attached, rmid gone at its detach */
static void check_at_end(void)
{
	static const int detached[] = { S_ORPHAN, S_OWNED, S_EMPTY };
	struct shmid_ds ds;
	struct shm_info si;
	unsigned char *p;
	unsigned int k;
	int s, fresh;

	for (k = 0; k < sizeof(detached) / sizeof(detached[0]); k++) {
		s = detached[k];
		p = shmat(id[s], NULL, SHM_RDONLY);
		if (p == (void *)-1) {
			complain("%s: shmat: %s", seg_name[s], strerror(errno));
			continue;
		}
		check_bytes(s, p, "attached at the end");
		shmdt(p);
	}
	if (shmdt(a_rmid))
		complain("rmid: shmdt: %s", strerror(errno));
	if (shmctl(id[S_RMID], IPC_STAT, &ds) == 0)
		complain("rmid: still there once detached by every process (attached %lu times)",
			 (unsigned long)ds.shm_nattch);
	else if (errno != EINVAL && errno != EIDRM)
		complain("rmid: IPC_STAT once detached fails with %s, not EINVAL", strerror(errno));
	if (shmctl(0, SHM_INFO, (struct shmid_ds *)&si) < 0 ||
	    si.used_ids != snap_shm_info.used_ids - 1)
		complain("SHM_INFO: %d segments once rmid is gone, not %d", si.used_ids,
			 snap_shm_info.used_ids - 1);
	fresh = shmget(IPC_PRIVATE, PAGE, 0600);
	if (fresh < 0) {
		complain("a new segment: shmget: %s", strerror(errno));
		return;
	}
	/* ids go round (idr_alloc_cyclic()): not one that was just removed */
	for (s = 0; s < NSEGS; s++)
		if (fresh == id[s])
			complain("a new segment has the id %d of %s%s", fresh, seg_name[s],
				 s == S_RMID ? ", removed just before: an id used again at once" : "");
	shmctl(fresh, IPC_RMID, NULL);
}

int main(int argc, char **argv)
{
	static const int order[] = { P_A, P_U, P_B };
	pid_t *child = child_pid;
	char path[512];
	unsigned int k;
	int pfd;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	snprintf(path, sizeof(path), "%s/progress", dir);
	pfd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (pfd < 0)
		return 2;
	me = P_ROOT;
	for (k = 0; k < NSEGS; k++)
		id[k] = -1;
	if (setup_root() || make_segments())
		goto failed;
	/* the children one after the other, each set up before the next */
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		child[order[k]] = fork_child(order[k]);
		if (child[order[k]] < 0 || child_ready(order[k]))
			goto failed;
	}
	/* rdonly, once every child is forked: only A has it, read-only */
	a_rdonly = attach(S_RDONLY, 0);
	if (!a_rdonly)
		goto failed;
	fill(S_RDONLY, a_rdonly);
	if (shmctl(id[S_RMID], IPC_RMID, NULL)) {
		setup_failed("IPC_RMID rmid: %s", strerror(errno));
		goto failed;
	}
	if (snapshot())
		goto failed;
	say("set up: ids orphan %d, counted %d, rmid %d, owned %d, empty %d, rdonly %d",
	    id[S_ORPHAN], id[S_COUNTED], id[S_RMID], id[S_OWNED], id[S_EMPTY], id[S_RDONLY]);
	create("ready");

	run(pfd);
	watch_others();
	check_names();
	check_maps();
	check_attached_bytes();
	store(&slot(me)->phase, 1);
	/* the children checked what does not change: now what IPC_STAT says */
	if (!wait_phase(P_A, P_B, 1)) {
		check_ns_of_all();
		check_stats();
		check_namespace();
	}
	store(&slot(me)->phase, 2);
	wait_phase(P_A, P_B, 3);
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		reap(child[order[k]], order[k]);
	check_at_end();
	say("%lu steps; namespaces %s", steps, bad ? "DAMAGED" : "intact");
	return bad;

failed:
	for (k = 0; k < NPROC; k++)
		if (child[k] > 0)
			kill(child[k], SIGKILL);
	for (k = 0; k < NSEGS; k++)
		if (id[k] >= 0)
			shmctl(id[k], IPC_RMID, NULL);
	create("ready");
	return 1;
}
