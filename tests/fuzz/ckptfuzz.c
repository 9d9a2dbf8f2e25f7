// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ckptfuzz: a structure-aware mutation fuzzer for restart(), run inside
 * the test VM (tests/fuzz/run-in-vm.sh, scripts/fuzz.sh).
 *
 *   ckptfuzz --seeds DIR --count N --seed S [--duration SECONDS] [--out DIR]
 *            [--start I] [--timeout SECONDS] [--tool-timeout SECONDS]
 *            [--restart PATH] [--keep N] [--work DIR] [--quiet] [--dry-run]
 *            [--faults PERCENT]
 *   ckptfuzz --replay [--timeout SECONDS] [--restart PATH] FILE...
 *
 * --dry-run only makes the mutants (into --out) and says what they are;
 * --replay runs image files as they are, as the campaign would.
 *
 * Seeds.  Every file in DIR is a complete, valid image (HEADER first,
 * TAIL last with the CRC-32 of every byte before it), made by the
 * checkpoint tool from a real process tree.  A seed whose TREE holds one
 * live task and whose header has no CKPT_IMAGE_CONTAINER flag is a
 * "self" seed: restored by restart(0) in a child of ckptfuzz.  Any other
 * (a tree, threads, a container) is a "tool" seed: restored by the
 * restart tool.
 *
 * One iteration (number I, with a random generator seeded from S and I
 * alone, so that --start I --count 1 replays it given the same seeds):
 *  1. pick a seed; for a self seed fork the child first and rewrite the
 *     seed's pids (TREE entry, TASK record, header root_pid, the thread
 *     of a SIGEV_THREAD_ID POSIX timer, the owner of a file's I/O
 *     signals) to the child's before anything else;
 *  2. apply 1 to 3 mutations: a field of a known record set to an
 *     interesting value (0, 1, -1, INT_MIN/MAX, UINT_MAX, TASK_SIZE, a
 *     big page-aligned value, PATH_MAX, CKPT_REC_MAX_LEN, the value +-1,
 *     a length or count of zero or larger than the record, a time
 *     negative, negated or past restart's bound, a clock id of any
 *     kind...), an objref
 *     pointing at an object of another kind or one not written yet, a
 *     path replaced, the record header's len (smaller, larger,
 *     unaligned), the record resized, its type changed, records dropped,
 *     duplicated, moved, the image truncated at a record boundary, bit
 *     flips and byte overwrites;
 *  3. fix the tail (record count, length, CRC) in 9 cases out of 10,
 *     leave it as the mutations left it otherwise;
 *  4. print one line "ckptfuzz: #I SEED: MUTATIONS" (flushed: if the
 *     kernel dies on this image, the console's last such line names it;
 *     "ckptfuzz: #I => OUTCOME" follows once it ran), write the mutant to --out as mut-I.img (the last --keep are kept,
 *     so that a crash that leaves the machine up can be replayed), and
 *     run it:
 *     - self: the child, waiting on a pipe until the mutant is ready,
 *       calls restart(0, memfd, 0, logfd); if restart() fails it writes
 *       the errno into a report pipe and exits with it.  The kernel
 *       closes every descriptor of the child once it commits to the
 *       image (its TASK record): the end of file on the report pipe
 *       without an errno says that the child is the image's from then
 *       on.  A committed child that is no longer in system call 501
 *       (/proc/PID/syscall) was restored and runs: the image was
 *       accepted, the child is killed.  A committed child that dies of
 *       SIGKILL was killed by the kernel (a failure after the commit);
 *       of another signal, or exits by itself: it was restored and ran.
 *       A child still in restart() after --timeout is a hang.
 *     - tool: the restart tool (--detach, and --pidns for a container)
 *       runs as the init of a new pid namespace, with the mutant on its
 *       standard input: when it exits, whatever it restored dies with
 *       the namespace.  Exit 0 (or a restored root that already ended):
 *       accepted.  Exit 1: refused; the errno comes from the tool's
 *       message, by the kernel when the kernel's --log has a line, by
 *       the tool alone otherwise.  Still running after --tool-timeout
 *       (the tool itself gives up on a stuck tree after 10 s): a hang.
 *  5. read /dev/kmsg: a WARNING, BUG, oops, KASAN/UBSAN/KFENCE, lockdep
 *     or kmemleak report after the image is a kernel problem.
 *  A mutant that hung or preceded a kernel problem is kept in --out as
 *  hang-I.img / problem-I.img with a .txt beside it (what was done, the
 *  kernel's log, the tasks and where they were).
 *
 * The campaign runs in a child of ckptfuzz, which supervises it: a task
 * stuck in the kernel may block the campaign itself (reaping it, reading
 * its /proc files), out of reach of the timeouts above.  If the campaign
 * makes no progress for the longest timeout + 60 s, the supervisor counts
 * the image as a hang, keeps it, names the tasks in uninterruptible
 * sleep and where they sleep, kills the campaign and prints the summary.
 *
 * Faults (--faults PERCENT, on a kernel with fault injection: FAILSLAB,
 * FAIL_PAGE_ALLOC, FAULT_INJECTION_DEBUG_FS).  That share of the
 * iterations restarts its seed unmutated (pids aside) with a kernel
 * allocation made to fail instead, to try restart()'s error paths: the
 * outcome must be an errno with nothing restored, a task killed by the
 * kernel after its commit, or a restore that absorbed the failure; never
 * a kernel problem, a hang or a leak (the kmemleak scan at the end).
 *  - self: the child writes N (1 to 2000, from the iteration's generator,
 *    so replayable with --start) to /proc/thread-self/fail-nth right
 *    before restart(): the N-th allocation of the call fails;
 *  - tool: the restart tool is started with /proc/self/make-it-fail set,
 *    which its children inherit, after ckptfuzz armed failslab and
 *    fail_page_alloc in debugfs for one failure (times 1) at a
 *    probability of 1 to 10 % per allocation (not replayable exactly).
 * The caller sets ignore-gfp-wait N and task-filter Y in debugfs.
 *
 * At the end: "ckptfuzz: N images in T s (R/s), E distinct errnos
 * [list], A accepted, H hangs" and a line of every outcome.  Exit status
 * 0, or 1 when a hang or a kernel problem was seen (2: usage/setup).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/checkpoint_hdr.h>

#ifndef __NR_restart
#error "the UAPI header defines no __NR_restart for this architecture"
#endif

#define PAGE			4096ULL
#define TASK_SIZE_X86		0x7ffffffff000ULL	/* 4-level page tables */
#define TASK_SIZE_LA57		0xfffffffffff000ULL	/* 5-level page tables */
#define MAX_TASKS		4096	/* CKPT_MAX_TASKS of the kernel */
#define MAX_ERRNO		4096
#define MAX_OPS			3
#define DESC_MAX		2048

/* Exit codes of a self child that did not get as far as an errno. */
#define CHILD_RETURNED		200	/* restart() returned >= 0 to it */
#define CHILD_NO_GO		201	/* the parent never said go */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("ckptfuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t get_le(const unsigned char *p, unsigned int size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);	/* x86_64: little endian */
	return v;
}

static void put_le(unsigned char *p, unsigned int size, uint64_t v)
{
	memcpy(p, &v, size);
}

/* Random numbers: splitmix64, one stream per iteration. */
struct rng {
	uint64_t s;
};

static uint64_t rnd64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n), n > 0. */
static uint64_t rnd(struct rng *r, uint64_t n)
{
	return n ? rnd64(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return rnd(r, 100) < percent;
}

static struct rng iteration_rng(uint64_t seed, uint64_t iter)
{
	struct rng r = { seed * 0xd1342543de82ef95ULL + iter };

	rnd64(&r);
	return r;
}

/* zlib's crc32(), slicing by 8: images are megabytes */
static uint32_t crc_table[8][256];

static void crc_init(void)
{
	uint32_t c;
	int i, j;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (0xEDB88320U & -(c & 1));
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			crc_table[j][i] = (crc_table[j - 1][i] >> 8) ^
					  crc_table[0][crc_table[j - 1][i] & 0xff];
}

static uint32_t crc32_buf(const unsigned char *p, size_t len)
{
	uint32_t crc = ~0U;
	uint64_t w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		w ^= crc;
		crc = crc_table[7][w & 0xff] ^ crc_table[6][(w >> 8) & 0xff] ^
		      crc_table[5][(w >> 16) & 0xff] ^ crc_table[4][(w >> 24) & 0xff] ^
		      crc_table[3][(w >> 32) & 0xff] ^ crc_table[2][(w >> 40) & 0xff] ^
		      crc_table[1][(w >> 48) & 0xff] ^ crc_table[0][w >> 56];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

/*
 * Record types and their fields.  A field is a little-endian integer at
 * @off bytes from the start of the record (header included); an array
 * repeats it every @stride bytes, @count times (0: as many as the
 * record holds).
 */
enum kind {
	K_VAL,		/* any value */
	K_LEN,		/* a byte length of what follows, or a size */
	K_COUNT,	/* a number of entries or pages */
	K_ADDR,		/* a user address */
	K_OBJREF,	/* an object reference number */
	K_PID,
	K_SIG,
	K_FLAGS,
	K_ENUM,		/* a small kind number */
	K_NS,		/* a signed time in nanoseconds */
	K_CLOCK,	/* a clock id */
};

#define STRIDE_TASK	0xffff	/* the TREE record's task_size */

struct field {
	const char *name;
	uint16_t off;
	uint8_t size;
	uint8_t kind;
	uint16_t stride;
	uint16_t count;
};

#define SZ(st, f)	sizeof(((struct st *)0)->f)
#define FLD(st, f, k)	{ #f, offsetof(struct st, f), SZ(st, f), k, 0, 1 }
/* element @f of the array of struct @est that follows struct @st */
#define TAILFLD(name, st, est, f, k, stride) \
	{ name, sizeof(struct st) + offsetof(struct est, f), SZ(est, f), k, stride, 0 }

static const struct field f_header[] = {
	FLD(ckpt_rec_header, major, K_VAL), FLD(ckpt_rec_header, minor, K_VAL),
	FLD(ckpt_rec_header, arch, K_ENUM), FLD(ckpt_rec_header, page_shift, K_VAL),
	FLD(ckpt_rec_header, flags, K_FLAGS), FLD(ckpt_rec_header, cpu_state_size, K_LEN),
	FLD(ckpt_rec_header, cpu_features, K_FLAGS), FLD(ckpt_rec_header, time_sec, K_VAL),
	FLD(ckpt_rec_header, time_nsec, K_VAL), FLD(ckpt_rec_header, root_pid, K_PID),
};

static const struct field f_tail[] = {
	FLD(ckpt_rec_tail, records, K_COUNT), FLD(ckpt_rec_tail, length, K_LEN),
	FLD(ckpt_rec_tail, csum_type, K_ENUM), FLD(ckpt_rec_tail, csum, K_VAL),
};

static const struct field f_error[] = {
	FLD(ckpt_rec_error, error, K_VAL), FLD(ckpt_rec_error, msg_len, K_LEN),
};

static const struct field f_tree[] = {
	FLD(ckpt_rec_tree, nr_tasks, K_COUNT), FLD(ckpt_rec_tree, task_size, K_LEN),
	TAILFLD("task.pid", ckpt_rec_tree, ckpt_task_ids, pid, K_PID, STRIDE_TASK),
	TAILFLD("task.tgid", ckpt_rec_tree, ckpt_task_ids, tgid, K_PID, STRIDE_TASK),
	TAILFLD("task.ppid", ckpt_rec_tree, ckpt_task_ids, ppid, K_PID, STRIDE_TASK),
	TAILFLD("task.pgid", ckpt_rec_tree, ckpt_task_ids, pgid, K_PID, STRIDE_TASK),
	TAILFLD("task.sid", ckpt_rec_tree, ckpt_task_ids, sid, K_PID, STRIDE_TASK),
	TAILFLD("task.flags", ckpt_rec_tree, ckpt_task_ids, flags, K_FLAGS, STRIDE_TASK),
	TAILFLD("task.exit_code", ckpt_rec_tree, ckpt_task_ids, exit_code, K_VAL, STRIDE_TASK),
	TAILFLD("task.exit_signal", ckpt_rec_tree, ckpt_task_ids, exit_signal, K_SIG, STRIDE_TASK),
	TAILFLD("task.tty_pgrp", ckpt_rec_tree, ckpt_task_ids, tty_pgrp, K_PID, STRIDE_TASK),
	TAILFLD("task.stop_signal", ckpt_rec_tree, ckpt_task_ids, stop_signal, K_SIG, STRIDE_TASK),
	TAILFLD("task.uts_ns", ckpt_rec_tree, ckpt_task_ids, uts_ns, K_OBJREF, STRIDE_TASK),
	TAILFLD("task.ipc_ns", ckpt_rec_tree, ckpt_task_ids, ipc_ns, K_OBJREF, STRIDE_TASK),
};

static const struct field f_namespace[] = {
	FLD(ckpt_rec_namespace, objref, K_OBJREF), FLD(ckpt_rec_namespace, kind, K_ENUM),
	FLD(ckpt_rec_namespace, pid, K_PID), FLD(ckpt_rec_namespace, pad, K_FLAGS),
};

/* the names: their first bytes, and the last ones with the NUL that must end them */
#define UTS_END(f)	(offsetof(struct ckpt_rec_uts_ns, f) + CKPT_UTS_LEN - 8)
static const struct field f_uts_ns[] = {
	FLD(ckpt_rec_uts_ns, objref, K_OBJREF), FLD(ckpt_rec_uts_ns, pad, K_FLAGS),
	{ "nodename[0..7]", offsetof(struct ckpt_rec_uts_ns, nodename), 8, K_VAL, 0, 1 },
	{ "nodename[57..64]", UTS_END(nodename), 8, K_VAL, 0, 1 },
	{ "domainname[0..7]", offsetof(struct ckpt_rec_uts_ns, domainname), 8, K_VAL, 0, 1 },
	{ "domainname[57..64]", UTS_END(domainname), 8, K_VAL, 0, 1 },
	{ "pad2", offsetof(struct ckpt_rec_uts_ns, pad2), 6, K_FLAGS, 0, 1 },
};

static const struct field f_ipc_ns[] = {
	FLD(ckpt_rec_ipc_ns, objref, K_OBJREF), FLD(ckpt_rec_ipc_ns, nr_shm, K_COUNT),
	FLD(ckpt_rec_ipc_ns, shm_ctlmax, K_LEN), FLD(ckpt_rec_ipc_ns, shm_ctlall, K_COUNT),
	FLD(ckpt_rec_ipc_ns, shm_ctlmni, K_COUNT), FLD(ckpt_rec_ipc_ns, shm_rmid_forced, K_FLAGS),
	FLD(ckpt_rec_ipc_ns, msg_ctlmax, K_LEN), FLD(ckpt_rec_ipc_ns, msg_ctlmnb, K_LEN),
	FLD(ckpt_rec_ipc_ns, msg_ctlmni, K_COUNT),
	{ "sem_ctls", offsetof(struct ckpt_rec_ipc_ns, sem_ctls), 4, K_COUNT, 4, 4 },
	FLD(ckpt_rec_ipc_ns, mq_queues_max, K_COUNT), FLD(ckpt_rec_ipc_ns, mq_msg_max, K_COUNT),
	FLD(ckpt_rec_ipc_ns, mq_msgsize_max, K_LEN), FLD(ckpt_rec_ipc_ns, mq_msg_default, K_COUNT),
	FLD(ckpt_rec_ipc_ns, mq_msgsize_default, K_LEN), FLD(ckpt_rec_ipc_ns, nr_sem, K_COUNT),
	FLD(ckpt_rec_ipc_ns, pad, K_FLAGS),
};

static const struct field f_sysv_shm[] = {
	FLD(ckpt_rec_sysv_shm, objref, K_OBJREF), FLD(ckpt_rec_sysv_shm, flags, K_FLAGS),
	FLD(ckpt_rec_sysv_shm, key, K_VAL), FLD(ckpt_rec_sysv_shm, id, K_VAL),
	FLD(ckpt_rec_sysv_shm, uid, K_VAL), FLD(ckpt_rec_sysv_shm, gid, K_VAL),
	FLD(ckpt_rec_sysv_shm, cuid, K_VAL), FLD(ckpt_rec_sysv_shm, cgid, K_VAL),
	FLD(ckpt_rec_sysv_shm, mode, K_FLAGS), FLD(ckpt_rec_sysv_shm, cpid, K_PID),
	FLD(ckpt_rec_sysv_shm, lpid, K_PID), FLD(ckpt_rec_sysv_shm, pad, K_FLAGS),
	FLD(ckpt_rec_sysv_shm, size, K_LEN), FLD(ckpt_rec_sysv_shm, atime, K_VAL),
	FLD(ckpt_rec_sysv_shm, dtime, K_VAL), FLD(ckpt_rec_sysv_shm, ctime, K_VAL),
};

/* a set's fields, then each semaphore's value and last pid */
#define SEM		sizeof(struct ckpt_sem)
static const struct field f_sysv_sem[] = {
	FLD(ckpt_rec_sysv_sem, key, K_VAL), FLD(ckpt_rec_sysv_sem, id, K_VAL),
	FLD(ckpt_rec_sysv_sem, uid, K_VAL), FLD(ckpt_rec_sysv_sem, gid, K_VAL),
	FLD(ckpt_rec_sysv_sem, cuid, K_VAL), FLD(ckpt_rec_sysv_sem, cgid, K_VAL),
	FLD(ckpt_rec_sysv_sem, mode, K_FLAGS), FLD(ckpt_rec_sysv_sem, nsems, K_COUNT),
	FLD(ckpt_rec_sysv_sem, otime, K_VAL), FLD(ckpt_rec_sysv_sem, ctime, K_VAL),
	TAILFLD("sem.semval", ckpt_rec_sysv_sem, ckpt_sem, semval, K_VAL, SEM),
	TAILFLD("sem.sempid", ckpt_rec_sysv_sem, ckpt_sem, sempid, K_PID, SEM),
};

/* the set's id and size, then an __s16 adjustment per semaphore */
static const struct field f_sem_undo[] = {
	FLD(ckpt_rec_sem_undo, id, K_VAL), FLD(ckpt_rec_sem_undo, nsems, K_COUNT),
	{ "adj", sizeof(struct ckpt_rec_sem_undo), 2, K_VAL, 2, 0 },
};

static const struct field f_task[] = {
	FLD(ckpt_rec_task, pid, K_PID), FLD(ckpt_rec_task, personality, K_FLAGS),
	FLD(ckpt_rec_task, exit_signal, K_SIG), FLD(ckpt_rec_task, pdeath_signal, K_SIG),
	FLD(ckpt_rec_task, umask, K_FLAGS), FLD(ckpt_rec_task, rseq_len, K_LEN),
	FLD(ckpt_rec_task, rseq, K_ADDR), FLD(ckpt_rec_task, rseq_sig, K_VAL),
	FLD(ckpt_rec_task, dumpable, K_ENUM), FLD(ckpt_rec_task, robust_list, K_ADDR),
	FLD(ckpt_rec_task, robust_list_len, K_LEN), FLD(ckpt_rec_task, clear_child_tid, K_ADDR),
	FLD(ckpt_rec_task, mm_flags, K_FLAGS),
	{ "comm[0..7]", offsetof(struct ckpt_rec_task, comm), 8, K_VAL, 0, 1 },
	{ "comm[8..15]", offsetof(struct ckpt_rec_task, comm) + 8, 8, K_VAL, 0, 1 },
};

static const struct field f_creds[] = {
	FLD(ckpt_rec_creds, uid, K_VAL), FLD(ckpt_rec_creds, euid, K_VAL),
	FLD(ckpt_rec_creds, suid, K_VAL), FLD(ckpt_rec_creds, fsuid, K_VAL),
	FLD(ckpt_rec_creds, gid, K_VAL), FLD(ckpt_rec_creds, egid, K_VAL),
	FLD(ckpt_rec_creds, sgid, K_VAL), FLD(ckpt_rec_creds, fsgid, K_VAL),
	FLD(ckpt_rec_creds, cap_inheritable, K_FLAGS), FLD(ckpt_rec_creds, cap_permitted, K_FLAGS),
	FLD(ckpt_rec_creds, cap_effective, K_FLAGS), FLD(ckpt_rec_creds, cap_bset, K_FLAGS),
	FLD(ckpt_rec_creds, cap_ambient, K_FLAGS), FLD(ckpt_rec_creds, securebits, K_FLAGS),
	FLD(ckpt_rec_creds, flags, K_FLAGS), FLD(ckpt_rec_creds, ngroups, K_COUNT),
	FLD(ckpt_rec_creds, objref, K_OBJREF),
	{ "groups", sizeof(struct ckpt_rec_creds), 4, K_VAL, 4, 0 },
};

static const struct field f_share[] = {
	FLD(ckpt_rec_share, kind, K_ENUM), FLD(ckpt_rec_share, flags, K_FLAGS),
	FLD(ckpt_rec_share, objref, K_OBJREF),
};

static const struct field f_rlimits[] = {
	FLD(ckpt_rec_rlimits, nr, K_COUNT),
	{ "rlim.cur", offsetof(struct ckpt_rec_rlimits, rlim), 8, K_VAL, 16, CKPT_RLIM_NLIMITS },
	{ "rlim.max", offsetof(struct ckpt_rec_rlimits, rlim) + 8, 8, K_VAL, 16, CKPT_RLIM_NLIMITS },
};

static const struct field f_sched[] = {
	FLD(ckpt_rec_sched, nice, K_VAL), FLD(ckpt_rec_sched, policy, K_ENUM),
	FLD(ckpt_rec_sched, rt_priority, K_VAL), FLD(ckpt_rec_sched, reset_on_fork, K_VAL),
};

static const struct field f_restart_block[] = {
	FLD(ckpt_rec_restart_block, kind, K_ENUM), FLD(ckpt_rec_restart_block, clockid, K_ENUM),
	FLD(ckpt_rec_restart_block, remaining_ns, K_VAL), FLD(ckpt_rec_restart_block, rmtp, K_ADDR),
	FLD(ckpt_rec_restart_block, rmtp_type, K_ENUM), FLD(ckpt_rec_restart_block, uaddr, K_ADDR),
	FLD(ckpt_rec_restart_block, nr, K_COUNT), FLD(ckpt_rec_restart_block, bitset, K_FLAGS),
	FLD(ckpt_rec_restart_block, flags, K_FLAGS),
};

#define XSAVE_AT(o)	(sizeof(struct ckpt_rec_cpu_x86_64) + (o))
static const struct field f_cpu[] = {
	{ "regs", offsetof(struct ckpt_rec_cpu_x86_64, regs), 8, K_ADDR, 8, 27 },
	FLD(ckpt_rec_cpu_x86_64, xfeatures, K_FLAGS), FLD(ckpt_rec_cpu_x86_64, xsave_size, K_LEN),
	{ "xsave.fcw", XSAVE_AT(0), 2, K_FLAGS, 0, 1 },
	{ "xsave.mxcsr", XSAVE_AT(24), 4, K_FLAGS, 0, 1 },
	{ "xsave.mxcsr_mask", XSAVE_AT(28), 4, K_FLAGS, 0, 1 },
	{ "xsave.xstate_bv", XSAVE_AT(512), 8, K_FLAGS, 0, 1 },
	{ "xsave.xcomp_bv", XSAVE_AT(520), 8, K_FLAGS, 0, 1 },
};

static const char *const reg_names[27] = {
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax", "cx", "dx",
	"si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss", "fs_base", "gs_base",
	"ds", "es", "fs", "gs",
};

static const struct field f_mm[] = {
	FLD(ckpt_rec_mm, start_code, K_ADDR), FLD(ckpt_rec_mm, end_code, K_ADDR),
	FLD(ckpt_rec_mm, start_data, K_ADDR), FLD(ckpt_rec_mm, end_data, K_ADDR),
	FLD(ckpt_rec_mm, start_brk, K_ADDR), FLD(ckpt_rec_mm, brk, K_ADDR),
	FLD(ckpt_rec_mm, start_stack, K_ADDR), FLD(ckpt_rec_mm, arg_start, K_ADDR),
	FLD(ckpt_rec_mm, arg_end, K_ADDR), FLD(ckpt_rec_mm, env_start, K_ADDR),
	FLD(ckpt_rec_mm, env_end, K_ADDR), FLD(ckpt_rec_mm, vdso, K_ADDR),
	{ "auxv", offsetof(struct ckpt_rec_mm, auxv), 8, K_VAL, 8, CKPT_AUXV_WORDS },
	FLD(ckpt_rec_mm, nr_vmas, K_COUNT), FLD(ckpt_rec_mm, exe_len, K_LEN),
};

static const struct field f_vma[] = {
	FLD(ckpt_rec_vma, start, K_ADDR), FLD(ckpt_rec_vma, end, K_ADDR),
	FLD(ckpt_rec_vma, pgoff, K_COUNT), FLD(ckpt_rec_vma, kind, K_ENUM),
	FLD(ckpt_rec_vma, prot, K_FLAGS), FLD(ckpt_rec_vma, flags, K_FLAGS),
	FLD(ckpt_rec_vma, path_len, K_LEN),
};

static const struct field f_pages[] = {
	FLD(ckpt_rec_pages, addr, K_ADDR), FLD(ckpt_rec_pages, nr_pages, K_COUNT),
};

static const struct field f_shmem[] = {
	FLD(ckpt_rec_shmem, objref, K_OBJREF), FLD(ckpt_rec_shmem, flags, K_FLAGS),
	FLD(ckpt_rec_shmem, size, K_LEN),
};

static const struct field f_memfd[] = {
	FLD(ckpt_rec_memfd, objref, K_OBJREF), FLD(ckpt_rec_memfd, flags, K_FLAGS),
	FLD(ckpt_rec_memfd, size, K_LEN), FLD(ckpt_rec_memfd, seals, K_FLAGS),
	FLD(ckpt_rec_memfd, mode, K_FLAGS), FLD(ckpt_rec_memfd, name_len, K_LEN),
	FLD(ckpt_rec_memfd, pad, K_FLAGS),
	{ "name[0..7]", sizeof(struct ckpt_rec_memfd), 8, K_VAL, 0, 1 },
};

static const struct field f_mapped_file[] = {
	FLD(ckpt_rec_mapped_file, size, K_LEN), FLD(ckpt_rec_mapped_file, mtime_sec, K_VAL),
	FLD(ckpt_rec_mapped_file, mtime_nsec, K_VAL), FLD(ckpt_rec_mapped_file, pad, K_FLAGS),
};

static const struct field f_file[] = {
	FLD(ckpt_rec_file, fd, K_VAL), FLD(ckpt_rec_file, kind, K_ENUM),
	FLD(ckpt_rec_file, f_flags, K_FLAGS), FLD(ckpt_rec_file, fd_flags, K_FLAGS),
	FLD(ckpt_rec_file, pos, K_LEN), FLD(ckpt_rec_file, rdev, K_VAL),
	FLD(ckpt_rec_file, path_len, K_LEN), FLD(ckpt_rec_file, objref, K_OBJREF),
	FLD(ckpt_rec_file, pipe, K_OBJREF),
};

static const struct field f_fs[] = {
	FLD(ckpt_rec_fs, cwd_len, K_LEN), FLD(ckpt_rec_fs, root_len, K_LEN),
};

static const struct field f_deleted_file[] = {
	FLD(ckpt_rec_deleted_file, objref, K_OBJREF), FLD(ckpt_rec_deleted_file, flags, K_FLAGS),
	FLD(ckpt_rec_deleted_file, size, K_LEN), FLD(ckpt_rec_deleted_file, mode, K_FLAGS),
	FLD(ckpt_rec_deleted_file, path_len, K_LEN),
	{ "path[0..7]", sizeof(struct ckpt_rec_deleted_file), 8, K_VAL, 0, 1 },
};

static const struct field f_pipe_data[] = {
	FLD(ckpt_rec_pipe_data, pipe, K_OBJREF), FLD(ckpt_rec_pipe_data, size, K_LEN),
	FLD(ckpt_rec_pipe_data, len, K_LEN),
};

static const struct field f_pty[] = {
	FLD(ckpt_rec_pty, pty, K_OBJREF), FLD(ckpt_rec_pty, index, K_COUNT),
	FLD(ckpt_rec_pty, flags, K_FLAGS), FLD(ckpt_rec_pty, uid, K_VAL),
	FLD(ckpt_rec_pty, gid, K_VAL), FLD(ckpt_rec_pty, mode, K_FLAGS),
	FLD(ckpt_rec_pty, termios.c_iflag, K_FLAGS), FLD(ckpt_rec_pty, termios.c_lflag, K_FLAGS),
	FLD(ckpt_rec_pty, termios.c_cflag, K_FLAGS), FLD(ckpt_rec_pty, pktstatus, K_FLAGS),
	FLD(ckpt_rec_pty, path_len, K_LEN), FLD(ckpt_rec_pty, to_slave, K_LEN),
	FLD(ckpt_rec_pty, to_slave_lines, K_LEN), FLD(ckpt_rec_pty, to_master, K_LEN),
	FLD(ckpt_rec_pty, to_master_lines, K_LEN),
};

static const struct field f_eventfd[] = {
	FLD(ckpt_rec_eventfd, objref, K_OBJREF), FLD(ckpt_rec_eventfd, flags, K_FLAGS),
	FLD(ckpt_rec_eventfd, count, K_VAL),
};

static const struct field f_signalfd[] = {
	FLD(ckpt_rec_signalfd, objref, K_OBJREF), FLD(ckpt_rec_signalfd, flags, K_FLAGS),
	FLD(ckpt_rec_signalfd, mask, K_FLAGS),
};

static const struct field f_timerfd[] = {
	FLD(ckpt_rec_timerfd, objref, K_OBJREF), FLD(ckpt_rec_timerfd, flags, K_FLAGS),
	FLD(ckpt_rec_timerfd, clockid, K_ENUM), FLD(ckpt_rec_timerfd, value_ns, K_VAL),
	FLD(ckpt_rec_timerfd, interval_ns, K_VAL), FLD(ckpt_rec_timerfd, ticks, K_COUNT),
};

static const struct field f_file_lock[] = {
	FLD(ckpt_rec_file_lock, objref, K_OBJREF), FLD(ckpt_rec_file_lock, fd, K_VAL),
	FLD(ckpt_rec_file_lock, kind, K_ENUM), FLD(ckpt_rec_file_lock, type, K_ENUM),
	FLD(ckpt_rec_file_lock, start, K_LEN), FLD(ckpt_rec_file_lock, end, K_LEN),
};

static const struct field f_file_owner[] = {
	FLD(ckpt_rec_file_owner, objref, K_OBJREF), FLD(ckpt_rec_file_owner, fd, K_VAL),
	FLD(ckpt_rec_file_owner, pid, K_PID), FLD(ckpt_rec_file_owner, type, K_ENUM),
	FLD(ckpt_rec_file_owner, signum, K_SIG), FLD(ckpt_rec_file_owner, pad, K_FLAGS),
};

#define UEND(f, k, i)	{ "end" #i "." #f, offsetof(struct ckpt_rec_unix_pair, end[i].f), \
			  SZ(ckpt_unix_end, f), k, 0, 1 }
static const struct field f_unix_pair[] = {
	FLD(ckpt_rec_unix_pair, type, K_ENUM),
	UEND(objref, K_OBJREF, 0), UEND(flags, K_FLAGS, 0), UEND(nr_msgs, K_COUNT, 0),
	UEND(len, K_LEN, 0), UEND(peek_off, K_VAL, 0), UEND(sndbuf, K_LEN, 0),
	UEND(addr_len, K_LEN, 0),
	UEND(objref, K_OBJREF, 1), UEND(flags, K_FLAGS, 1), UEND(nr_msgs, K_COUNT, 1),
	UEND(len, K_LEN, 1), UEND(rcvtimeo_ns, K_VAL, 1), UEND(addr_len, K_LEN, 1),
};

#define USEND(f, k)	{ "end." #f, offsetof(struct ckpt_rec_unix_sock, end.f), \
			  SZ(ckpt_unix_end, f), k, 0, 1 }
static const struct field f_unix_sock[] = {
	FLD(ckpt_rec_unix_sock, type, K_ENUM), FLD(ckpt_rec_unix_sock, backlog, K_COUNT),
	FLD(ckpt_rec_unix_sock, mode, K_FLAGS), FLD(ckpt_rec_unix_sock, path_len, K_LEN),
	FLD(ckpt_rec_unix_sock, peer_len, K_LEN),
	USEND(objref, K_OBJREF), USEND(flags, K_FLAGS), USEND(addr_len, K_LEN),
	USEND(nr_msgs, K_COUNT), USEND(len, K_LEN), USEND(peek_off, K_VAL),
	USEND(sndbuf, K_LEN), USEND(sndtimeo_ns, K_NS),
};

#define NETLINK(f, k)	FLD(ckpt_rec_netlink_sock, f, k)
static const struct field f_netlink_sock[] = {
	NETLINK(objref, K_OBJREF), NETLINK(type, K_ENUM), NETLINK(protocol, K_ENUM),
	NETLINK(flags, K_FLAGS), NETLINK(portid, K_PID), NETLINK(dst_portid, K_PID),
	NETLINK(dst_group, K_ENUM), NETLINK(ngroups, K_COUNT), NETLINK(sndbuf, K_LEN),
	NETLINK(rcvbuf, K_LEN), NETLINK(sndtimeo_ns, K_NS), NETLINK(rcvtimeo_ns, K_NS),
	{ "groups", sizeof(struct ckpt_rec_netlink_sock), 8, K_FLAGS, 8, 0 },
};

#define INET(f, k)	FLD(ckpt_rec_inet_sock, f, k)
static const struct field f_inet_sock[] = {
	INET(objref, K_OBJREF), INET(family, K_ENUM), INET(type, K_ENUM),
	INET(protocol, K_ENUM), INET(state, K_ENUM), INET(flags, K_FLAGS),
	INET(local.port, K_VAL), INET(remote.port, K_VAL), INET(backlog, K_COUNT),
	INET(sndbuf, K_LEN), INET(rcvbuf, K_LEN), INET(sndtimeo_ns, K_NS),
	INET(peek_off, K_VAL), INET(linger_sec, K_VAL), INET(ttl, K_VAL),
	INET(keepidle, K_VAL), INET(keepcnt, K_VAL), INET(user_timeout, K_VAL),
	INET(nr_dgrams, K_COUNT), INET(dgrams_len, K_LEN),
	INET(tcp.send_len, K_LEN), INET(tcp.recv_len, K_LEN), INET(tcp.send_seq, K_VAL),
	INET(tcp.recv_seq, K_VAL), INET(tcp.snd_wnd, K_LEN), INET(tcp.max_window, K_LEN),
	INET(tcp.rcv_wnd, K_LEN), INET(tcp.rcv_wup, K_VAL), INET(tcp.snd_wl1, K_VAL),
	INET(tcp.mss_clamp, K_VAL), INET(tcp.opts, K_FLAGS), INET(tcp.snd_wscale, K_VAL),
	INET(tcp.rcv_wscale, K_VAL),
};

#define WATCH		sizeof(struct ckpt_epoll_watch)
static const struct field f_epoll[] = {
	FLD(ckpt_rec_epoll, objref, K_OBJREF), FLD(ckpt_rec_epoll, flags, K_FLAGS),
	FLD(ckpt_rec_epoll, nr_watches, K_COUNT),
	TAILFLD("watch.fd", ckpt_rec_epoll, ckpt_epoll_watch, fd, K_VAL, WATCH),
	TAILFLD("watch.events", ckpt_rec_epoll, ckpt_epoll_watch, events, K_FLAGS, WATCH),
	TAILFLD("watch.target", ckpt_rec_epoll, ckpt_epoll_watch, target, K_OBJREF, WATCH),
	TAILFLD("watch.flags", ckpt_rec_epoll, ckpt_epoll_watch, flags, K_FLAGS, WATCH),
};

static const struct field f_inotify[] = {
	FLD(ckpt_rec_inotify, objref, K_OBJREF), FLD(ckpt_rec_inotify, flags, K_FLAGS),
	FLD(ckpt_rec_inotify, next_wd, K_VAL), FLD(ckpt_rec_inotify, pad, K_FLAGS),
};

static const struct field f_inotify_watch[] = {
	FLD(ckpt_rec_inotify_watch, objref, K_OBJREF), FLD(ckpt_rec_inotify_watch, wd, K_VAL),
	FLD(ckpt_rec_inotify_watch, mask, K_FLAGS), FLD(ckpt_rec_inotify_watch, path_len, K_LEN),
	{ "path[0..7]", sizeof(struct ckpt_rec_inotify_watch), 8, K_VAL, 0, 1 },
};

static const struct field f_inotify_event[] = {
	FLD(ckpt_rec_inotify_event, objref, K_OBJREF), FLD(ckpt_rec_inotify_event, wd, K_VAL),
	FLD(ckpt_rec_inotify_event, mask, K_FLAGS), FLD(ckpt_rec_inotify_event, cookie, K_VAL),
	FLD(ckpt_rec_inotify_event, name_len, K_LEN), FLD(ckpt_rec_inotify_event, pad, K_FLAGS),
	{ "name[0..7]", sizeof(struct ckpt_rec_inotify_event), 8, K_VAL, 0, 1 },
};

#define PTIMER		sizeof(struct ckpt_posix_timer)
#define PTFLD(f, k)	TAILFLD("timer." #f, ckpt_rec_posix_timers, ckpt_posix_timer, f, k, PTIMER)
static const struct field f_posix_timers[] = {
	FLD(ckpt_rec_posix_timers, next_id, K_VAL), FLD(ckpt_rec_posix_timers, nr_timers, K_COUNT),
	PTFLD(id, K_VAL), PTFLD(clockid, K_CLOCK), PTFLD(notify, K_ENUM), PTFLD(signo, K_SIG),
	PTFLD(sigval, K_VAL), PTFLD(tid, K_PID), PTFLD(flags, K_FLAGS), PTFLD(value_ns, K_NS),
	PTFLD(interval_ns, K_NS), PTFLD(overrun, K_VAL), PTFLD(overrun_last, K_VAL),
	PTFLD(sig_overrun, K_VAL), PTFLD(requeue, K_VAL), PTFLD(sig_private, K_VAL),
	PTFLD(pad, K_FLAGS),
};

#define ACT_AT(f)	(offsetof(struct ckpt_rec_sighand, action) + offsetof(struct ckpt_sigaction, f))
static const struct field f_sighand[] = {
	{ "action.handler", ACT_AT(handler), 8, K_ADDR, sizeof(struct ckpt_sigaction), CKPT_NSIG },
	{ "action.flags", ACT_AT(flags), 8, K_FLAGS, sizeof(struct ckpt_sigaction), CKPT_NSIG },
	{ "action.restorer", ACT_AT(restorer), 8, K_ADDR, sizeof(struct ckpt_sigaction), CKPT_NSIG },
	{ "action.mask", ACT_AT(mask), 8, K_FLAGS, sizeof(struct ckpt_sigaction), CKPT_NSIG },
	FLD(ckpt_rec_sighand, blocked, K_FLAGS), FLD(ckpt_rec_sighand, altstack_sp, K_ADDR),
	FLD(ckpt_rec_sighand, altstack_size, K_LEN), FLD(ckpt_rec_sighand, altstack_flags, K_FLAGS),
};

#define SIGENT		sizeof(struct ckpt_sigpending_entry)
#define SIGINFO_AT(o)	(sizeof(struct ckpt_rec_sigpending) + offsetof(struct ckpt_sigpending_entry, info) + (o))
static const struct field f_sigpending[] = {
	FLD(ckpt_rec_sigpending, nr, K_COUNT),
	TAILFLD("sig.signo", ckpt_rec_sigpending, ckpt_sigpending_entry, signo, K_SIG, SIGENT),
	TAILFLD("sig.flags", ckpt_rec_sigpending, ckpt_sigpending_entry, flags, K_FLAGS, SIGENT),
	{ "sig.info.si_signo", SIGINFO_AT(0), 4, K_SIG, SIGENT, 0 },
	{ "sig.info.si_code", SIGINFO_AT(8), 4, K_VAL, SIGENT, 0 },
	{ "sig.info.si_pid", SIGINFO_AT(16), 4, K_PID, SIGENT, 0 },
};

static const struct field f_itimers[] = {
	FLD(ckpt_rec_itimers, real_value_ns, K_VAL), FLD(ckpt_rec_itimers, real_interval_ns, K_VAL),
	FLD(ckpt_rec_itimers, virt_value_ns, K_VAL), FLD(ckpt_rec_itimers, virt_interval_ns, K_VAL),
	FLD(ckpt_rec_itimers, prof_value_ns, K_VAL), FLD(ckpt_rec_itimers, prof_interval_ns, K_VAL),
};

struct rectype {
	uint32_t type;
	const char *name;
	const struct field *fields;
	unsigned int nfields;
};

#define RT(t, n, f)	{ t, n, f, sizeof(f) / sizeof(f[0]) }
static const struct rectype rectypes[] = {
	RT(CKPT_REC_HEADER, "HEADER", f_header), RT(CKPT_REC_TAIL, "TAIL", f_tail),
	RT(CKPT_REC_ERROR, "ERROR", f_error), { CKPT_REC_PADDING, "PADDING", NULL, 0 },
	RT(CKPT_REC_TREE, "TREE", f_tree), RT(CKPT_REC_TASK, "TASK", f_task),
	RT(CKPT_REC_CREDS, "CREDS", f_creds), RT(CKPT_REC_RLIMITS, "RLIMITS", f_rlimits),
	RT(CKPT_REC_SCHED, "SCHED", f_sched),
	RT(CKPT_REC_RESTART_BLOCK, "RESTART_BLOCK", f_restart_block),
	RT(CKPT_REC_SHARE, "SHARE", f_share), RT(CKPT_REC_CPU_X86_64, "CPU_X86_64", f_cpu),
	RT(CKPT_REC_MM, "MM", f_mm), RT(CKPT_REC_VMA, "VMA", f_vma),
	RT(CKPT_REC_PAGES, "PAGES", f_pages), RT(CKPT_REC_SHMEM, "SHMEM", f_shmem),
	RT(CKPT_REC_MEMFD, "MEMFD", f_memfd),
	RT(CKPT_REC_MAPPED_FILE, "MAPPED_FILE", f_mapped_file),
	RT(CKPT_REC_FILE, "FILE", f_file), RT(CKPT_REC_FS, "FS", f_fs),
	RT(CKPT_REC_PIPE_DATA, "PIPE_DATA", f_pipe_data), RT(CKPT_REC_PTY, "PTY", f_pty),
	RT(CKPT_REC_EVENTFD, "EVENTFD", f_eventfd), RT(CKPT_REC_SIGNALFD, "SIGNALFD", f_signalfd),
	RT(CKPT_REC_TIMERFD, "TIMERFD", f_timerfd), RT(CKPT_REC_EPOLL, "EPOLL", f_epoll),
	RT(CKPT_REC_FILE_LOCK, "FILE_LOCK", f_file_lock), RT(CKPT_REC_INOTIFY, "INOTIFY", f_inotify),
	RT(CKPT_REC_FILE_OWNER, "FILE_OWNER", f_file_owner),
	RT(CKPT_REC_DELETED_FILE, "DELETED_FILE", f_deleted_file),
	RT(CKPT_REC_INOTIFY_WATCH, "INOTIFY_WATCH", f_inotify_watch),
	RT(CKPT_REC_INOTIFY_EVENT, "INOTIFY_EVENT", f_inotify_event),
	RT(CKPT_REC_UNIX_PAIR, "UNIX_PAIR", f_unix_pair),
	RT(CKPT_REC_INET_SOCK, "INET_SOCK", f_inet_sock),
	RT(CKPT_REC_UNIX_SOCK, "UNIX_SOCK", f_unix_sock),
	RT(CKPT_REC_NETLINK_SOCK, "NETLINK_SOCK", f_netlink_sock),
	RT(CKPT_REC_SIGHAND, "SIGHAND", f_sighand),
	RT(CKPT_REC_SIGPENDING, "SIGPENDING", f_sigpending), RT(CKPT_REC_ITIMERS, "ITIMERS", f_itimers),
	RT(CKPT_REC_POSIX_TIMERS, "POSIX_TIMERS", f_posix_timers),
	RT(CKPT_REC_NAMESPACE, "NAMESPACE", f_namespace), RT(CKPT_REC_UTS_NS, "UTS_NS", f_uts_ns),
	RT(CKPT_REC_IPC_NS, "IPC_NS", f_ipc_ns), RT(CKPT_REC_SYSV_SHM, "SYSV_SHM", f_sysv_shm),
	RT(CKPT_REC_SYSV_SEM, "SYSV_SEM", f_sysv_sem), RT(CKPT_REC_SEM_UNDO, "SEM_UNDO", f_sem_undo),
};
#define NR_RECTYPES	(sizeof(rectypes) / sizeof(rectypes[0]))

static const struct rectype *rectype_of(uint32_t type)
{
	unsigned int i;

	for (i = 0; i < NR_RECTYPES; i++)
		if (rectypes[i].type == type)
			return &rectypes[i];
	return NULL;
}

static const char *type_name(uint32_t type)
{
	static char buf[4][16];
	static int k;
	const struct rectype *rt = rectype_of(type);

	if (rt)
		return rt->name;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%#x", type);
	return buf[k];
}

/* A record, as bytes: those of a seed (shared) or a copy of our own. */
struct mrec {
	unsigned char *data;
	uint32_t size;		/* bytes written out; the header's len may lie */
	bool owned;
};

static uint32_t rec_type(const struct mrec *r)
{
	return r->size >= 4 ? (uint32_t)get_le(r->data, 4) : 0;
}

static uint32_t rec_len(const struct mrec *r)
{
	return r->size >= 8 ? (uint32_t)get_le(r->data + 4, 4) : 0;
}

struct seed {
	char name[64];
	unsigned char *buf;
	size_t len;
	struct mrec *recs;
	size_t nrecs;
	bool self;		/* one live task, not a container: restart(0) */
	bool container;
	pid_t root_pid;
};

/* Split @buf into records; 0 if it is a complete image with a good tail. */
static int split_records(const unsigned char *buf, size_t len, struct mrec **recsp,
			 size_t *np, const char **why)
{
	struct mrec *recs = NULL;
	size_t n = 0, off = 0;
	uint32_t type, rlen;

	*why = NULL;
	while (off + 8 <= len) {
		type = (uint32_t)get_le(buf + off, 4);
		rlen = (uint32_t)get_le(buf + off + 4, 4);
		if (rlen < 8 || rlen % CKPT_REC_ALIGN || rlen > len - off) {
			*why = "a record with a bad length";
			break;
		}
		recs = xrealloc(recs, (n + 1) * sizeof(*recs));
		recs[n].data = (unsigned char *)buf + off;
		recs[n].size = rlen;
		recs[n].owned = false;
		n++;
		if (type == CKPT_REC_TAIL) {
			if (rlen < sizeof(struct ckpt_rec_tail))
				*why = "a short tail";
			else if ((uint32_t)get_le(buf + off + offsetof(struct ckpt_rec_tail, csum), 4) !=
				 crc32_buf(buf, off))
				*why = "a tail with a wrong checksum";
			break;
		}
		off += rlen;
	}
	if (!*why && (!n || rec_type(&recs[n - 1]) != CKPT_REC_TAIL))
		*why = "no tail record";
	if (!*why && rec_type(&recs[0]) != CKPT_REC_HEADER)
		*why = "no header record first";
	*recsp = recs;
	*np = n;
	return *why ? -1 : 0;
}

static bool read_file(const char *path, unsigned char **bufp, size_t *lenp)
{
	struct stat st;
	size_t done = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	*bufp = xmalloc(st.st_size);
	while (done < (size_t)st.st_size) {
		n = read(fd, *bufp + done, st.st_size - done);
		if (n <= 0)
			break;
		done += n;
	}
	close(fd);
	*lenp = done;
	return done == (size_t)st.st_size;
}

/* Whether the tree entry @t of @size bytes names a namespace (format 1.11). */
static bool names_namespace(const unsigned char *t, unsigned int size)
{
	if (size < offsetof(struct ckpt_task_ids, ipc_ns) + 4)
		return false;
	return get_le(t + offsetof(struct ckpt_task_ids, uts_ns), 4) ||
	       get_le(t + offsetof(struct ckpt_task_ids, ipc_ns), 4);
}

/*
 * Classify a seed by its header and tree.  A tree in namespaces of its
 * own is restored by the restart tool, which makes them: restart(0)
 * restores into the caller's.
 */
static void classify_seed(struct seed *s)
{
	unsigned int live = 0, i, nr, size;
	const unsigned char *t;
	bool namespaces = false;
	size_t k;

	for (k = 0; k < s->nrecs; k++) {
		const struct mrec *r = &s->recs[k];

		if (rec_type(r) == CKPT_REC_HEADER && r->size >= sizeof(struct ckpt_rec_header))
			s->container = get_le(r->data + offsetof(struct ckpt_rec_header, flags), 4) &
				       CKPT_IMAGE_CONTAINER;
		if (rec_type(r) == CKPT_REC_NAMESPACE)
			namespaces = true;
		if (rec_type(r) != CKPT_REC_TREE || r->size < sizeof(struct ckpt_rec_tree))
			continue;
		nr = get_le(r->data + offsetof(struct ckpt_rec_tree, nr_tasks), 4);
		size = get_le(r->data + offsetof(struct ckpt_rec_tree, task_size), 4);
		if (!size)
			size = CKPT_TASK_IDS_SIZE_1_0;
		for (i = 0; i < nr; i++) {
			t = r->data + sizeof(struct ckpt_rec_tree) + (size_t)i * size;
			if (t + sizeof(struct ckpt_task_ids) > r->data + r->size)
				break;
			if (i == 0)
				s->root_pid = get_le(t + offsetof(struct ckpt_task_ids, pid), 4);
			if (!(get_le(t + offsetof(struct ckpt_task_ids, flags), 4) & CKPT_TASK_ZOMBIE))
				live++;
			namespaces |= names_namespace(t, size);
		}
		break;
	}
	s->self = live == 1 && !s->container && !namespaces;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of @dir, sorted by name (the order is part of --seed). */
static struct seed *load_seeds(const char *dir, size_t *nseeds)
{
	struct seed *seeds = NULL;
	char **names = NULL, path[PATH_MAX];
	size_t nnames = 0, n = 0, i;
	struct dirent *de;
	const char *why;
	DIR *d = opendir(dir);

	if (!d)
		die("%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (nnames + 1) * sizeof(*names));
		names[nnames++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, nnames, sizeof(*names), cmp_names);
	for (i = 0; i < nnames; i++) {
		struct seed s = { 0 };

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(s.name, sizeof(s.name), "%s", names[i]);
		if (!read_file(path, &s.buf, &s.len)) {
			fprintf(stderr, "ckptfuzz: seed %s: cannot read it, skipped\n", path);
			continue;
		}
		if (split_records(s.buf, s.len, &s.recs, &s.nrecs, &why)) {
			fprintf(stderr, "ckptfuzz: seed %s: %s, skipped\n", path, why);
			free(s.buf);
			free(s.recs);
			continue;
		}
		classify_seed(&s);
		seeds = xrealloc(seeds, (n + 1) * sizeof(*seeds));
		seeds[n++] = s;
		free(names[i]);
	}
	free(names);
	*nseeds = n;
	return seeds;
}

/* The mutant: a list of records, and what was done to it. */
struct mutant {
	struct mrec *r;
	size_t n;
	char desc[DESC_MAX];
	size_t dlen;
	uint64_t raw_seeds[MAX_OPS];	/* blind ops, applied once written out */
	char raw_kind[MAX_OPS];
	unsigned int nraw;
	bool fix_tail;
	unsigned char *buf;	/* written out */
	size_t len;
};

static void describe(struct mutant *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->dlen >= sizeof(m->desc) - 1)
		return;
	if (m->dlen)
		m->desc[m->dlen++] = ';', m->desc[m->dlen++] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(m->desc + m->dlen, sizeof(m->desc) - m->dlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->dlen += (size_t)n < sizeof(m->desc) - m->dlen ? (size_t)n :
			   sizeof(m->desc) - m->dlen - 1;
}

static void mutant_init(struct mutant *m, const struct seed *s)
{
	memset(m, 0, sizeof(*m));
	m->n = s->nrecs;
	m->r = xmalloc(m->n * sizeof(*m->r));
	memcpy(m->r, s->recs, m->n * sizeof(*m->r));
}

static void mutant_free(struct mutant *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->r[i].owned)
			free(m->r[i].data);
	free(m->r);
	free(m->buf);
}

/* Make record @i our own copy, @size bytes long (zero-filled if longer). */
static void own(struct mutant *m, size_t i, uint32_t size)
{
	struct mrec *r = &m->r[i];
	unsigned char *d;

	if (r->owned && size == r->size)
		return;
	d = xmalloc(size);
	memcpy(d, r->data, r->size < size ? r->size : size);
	if (size > r->size)
		memset(d + r->size, 0, size - r->size);
	if (r->owned)
		free(r->data);
	r->data = d;
	r->size = size;
	r->owned = true;
}

static void insert_rec(struct mutant *m, size_t at, struct mrec rec)
{
	m->r = xrealloc(m->r, (m->n + 1) * sizeof(*m->r));
	memmove(&m->r[at + 1], &m->r[at], (m->n - at) * sizeof(*m->r));
	m->r[at] = rec;
	m->n++;
}

static struct mrec remove_rec(struct mutant *m, size_t at)
{
	struct mrec rec = m->r[at];

	memmove(&m->r[at], &m->r[at + 1], (m->n - at - 1) * sizeof(*m->r));
	m->n--;
	return rec;
}

/* Pick a record: a type present first, then one of that type (PAGES abound). */
static ssize_t pick_record(struct rng *g, const struct mutant *m, bool (*ok)(const struct mrec *))
{
	uint32_t types[64];
	unsigned int ntypes = 0, j, count = 0;
	uint32_t t, want;
	size_t i, k;

	for (i = 0; i < m->n; i++) {
		if (ok && !ok(&m->r[i]))
			continue;
		t = rec_type(&m->r[i]);
		for (j = 0; j < ntypes && types[j] != t; j++)
			;
		if (j == ntypes && ntypes < 64)
			types[ntypes++] = t;
	}
	if (!ntypes)
		return -1;
	want = types[rnd(g, ntypes)];
	for (i = 0; i < m->n; i++)
		count += rec_type(&m->r[i]) == want && (!ok || ok(&m->r[i]));
	k = rnd(g, count);
	for (i = 0; i < m->n; i++)
		if (rec_type(&m->r[i]) == want && (!ok || ok(&m->r[i])) && !k--)
			return i;
	return -1;
}

static bool has_fields(const struct mrec *r)
{
	const struct rectype *rt = rectype_of(rec_type(r));

	return rt && rt->nfields && r->size > 8;
}

/* The same, but for the tail, whose fields a fixed tail would overwrite. */
static bool has_fields_but_tail(const struct mrec *r)
{
	return has_fields(r) && rec_type(r) != CKPT_REC_TAIL;
}

/* How many elements of field @f record @r holds. */
static unsigned int field_elems(const struct mrec *r, const struct field *f, uint32_t *stride)
{
	uint32_t st = f->stride;
	unsigned int n;

	if (st == STRIDE_TASK) {
		st = r->size >= sizeof(struct ckpt_rec_tree) ?
		     (uint32_t)get_le(r->data + offsetof(struct ckpt_rec_tree, task_size), 4) : 0;
		if (st < CKPT_TASK_IDS_SIZE_1_0 || st > CKPT_TASK_IDS_SIZE_MAX)
			st = sizeof(struct ckpt_task_ids);
	}
	*stride = st;
	if (f->off + f->size > r->size)
		return 0;
	if (!st)
		return 1;
	n = (r->size - f->off - f->size) / st + 1;
	return f->count && f->count < n ? f->count : n;
}

/* Values worth trying, by field size and kind. */
static uint64_t generic_value(struct rng *g, unsigned int size, uint64_t cur)
{
	static const uint64_t v32[] = {
		0, 1, 2, 0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffe, 4096, 4095, 4097,
		PATH_MAX, PATH_MAX - 1, CKPT_REC_MAX_LEN, CKPT_REC_MAX_LEN + 1, CKPT_REC_MAX_LEN - 8,
		MAX_TASKS, MAX_TASKS + 1, 64, 65, 16, 17, 1024, 0x10000, 0xffff, 0x8000,
	};
	static const uint64_t v64[] = {
		0, 1, ~0ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffULL,
		0x100000000ULL, 0x7fffffffULL, 0x80000000ULL, TASK_SIZE_X86, TASK_SIZE_X86 - PAGE,
		TASK_SIZE_X86 + PAGE, 0x800000000000ULL, 0xffff800000000000ULL,
		0xffffffff81000000ULL, 0xfffffffffffff000ULL, 1ULL << 40, 1ULL << 52, 4096,
		TASK_SIZE_LA57, TASK_SIZE_LA57 + PAGE,
	};

	switch (rnd(g, 8)) {
	case 0:
		return cur + 1;
	case 1:
		return cur - 1;
	case 2:
		return cur ^ (1ULL << rnd(g, size * 8));
	case 3:
		return rnd64(g);
	default:
		if (size <= 4)
			return v32[rnd(g, sizeof(v32) / sizeof(v32[0]))];
		return v64[rnd(g, sizeof(v64) / sizeof(v64[0]))];
	}
}

/* Lengths and counts: zero, what the record holds, just past it, huge. */
static uint64_t length_value(struct rng *g, const struct mrec *r, const struct field *f,
			     uint64_t cur)
{
	uint32_t left = r->size > f->off + f->size ? r->size - f->off - f->size : 0;

	switch (rnd(g, 10)) {
	case 0:
	case 1:
		return 0;
	case 2:
		return r->size;
	case 3:
		return left + 1;
	case 4:
		return left + 1 + rnd(g, 4096);
	case 5:
		return cur * 2 + 1;
	case 6:
		return CKPT_REC_MAX_LEN + rnd(g, 2);
	case 7:
		return PATH_MAX - rnd(g, 2);
	case 8:
		return cur + 1;
	default:
		return rnd(g, 2) ? 0xffffffffULL : 0x7fffffffULL;
	}
}

static uint64_t addr_value(struct rng *g, uint64_t cur)
{
	static const uint64_t v[] = {
		0, PAGE, TASK_SIZE_X86, TASK_SIZE_X86 - PAGE, TASK_SIZE_X86 - 8,
		0x800000000000ULL, 0xffff800000000000ULL, 0xffffffff81000000ULL,
		0xfffffffffffff000ULL, ~0ULL, 0x7fffffffffffULL, TASK_SIZE_LA57,
		TASK_SIZE_LA57 - PAGE, TASK_SIZE_LA57 + PAGE, 1ULL << 56, 1ULL << 57,
	};

	switch (rnd(g, 6)) {
	case 0:
		return cur + 1 + rnd(g, 7);	/* unaligned */
	case 1:
		return cur + PAGE;
	case 2:
		return cur - PAGE;
	case 3:
		return cur + (rnd(g, 1024) << 12) + (rnd(g, 2) ? TASK_SIZE_X86 : 0);
	default:
		return v[rnd(g, sizeof(v) / sizeof(v[0]))];
	}
}

static uint64_t sig_value(struct rng *g)
{
	static const uint64_t v[] = { 0, 1, 9, 17, 19, 31, 32, 33, 63, 64, 65, 0xffffffff, 0x7fffffff };

	return v[rnd(g, sizeof(v) / sizeof(v[0]))];
}

/* Times: negative, zero, past KTIME_MAX / 2 (restart's bound), huge, the value negated. */
static uint64_t ns_value(struct rng *g, uint64_t cur)
{
	static const int64_t v[] = {
		0, 1, -1, 999999999, 1000000000, -1000000000, INT64_MAX, INT64_MIN,
		INT64_MAX / 2, INT64_MAX / 2 + 1, -(INT64_MAX / 2), -(INT64_MAX / 2) - 1,
		1LL << 62, 3600LL * 24 * 365 * 1000000000,
	};

	switch (rnd(g, 5)) {
	case 0:
		return -cur;
	case 1:
		return cur * 2;
	default:
		return (uint64_t)v[rnd(g, sizeof(v) / sizeof(v[0]))];
	}
}

/*
 * Clock ids: every static one (REALTIME 0 to TAI 11, the CPU-time and
 * alarm clocks among them), past them, and negative ones: the CPU-time
 * clocks of a process or thread (-6: the calling process's scheduler
 * clock, -2 its thread's) and a file descriptor's dynamic clock (-5).
 */
static uint64_t clock_value(struct rng *g)
{
	static const int32_t v[] = { 12, 16, -1, -2, -5, -6, -8, INT32_MIN, INT32_MAX };

	if (rnd(g, 3))
		return rnd(g, 12);
	return (uint32_t)v[rnd(g, sizeof(v) / sizeof(v[0]))];
}

static uint64_t pid_value(struct rng *g, pid_t child, uint64_t cur)
{
	static const uint64_t v[] = { 0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 32768, 4194304, 4194305 };

	switch (rnd(g, 5)) {
	case 0:
		return child > 0 ? (uint64_t)child : cur + 1;
	case 1:
		return cur + 1;
	case 2:
		return cur - 1;
	default:
		return v[rnd(g, sizeof(v) / sizeof(v[0]))];
	}
}

static uint64_t flags_value(struct rng *g, unsigned int size, uint64_t cur)
{
	switch (rnd(g, 5)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return cur | (1ULL << rnd(g, size * 8));
	default:
		return cur ^ (1ULL << rnd(g, size == 8 ? 64 : size * 8 < 16 ? size * 8 : 16));
	}
}

/* The objrefs the image uses, of any kind, for an objref to point at. */
static unsigned int collect_objrefs(const struct mutant *m, uint32_t *out, unsigned int max)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < m->n && n < max; i++) {
		const struct mrec *r = &m->r[i];
		const struct rectype *rt = rectype_of(rec_type(r));
		unsigned int j;

		for (j = 0; rt && j < rt->nfields && n < max; j++)
			if (rt->fields[j].kind == K_OBJREF &&
			    rt->fields[j].off + 4u <= r->size &&
			    get_le(r->data + rt->fields[j].off, 4))
				out[n++] = get_le(r->data + rt->fields[j].off, 4);
	}
	return n;
}

static uint64_t objref_value(struct rng *g, const struct mutant *m, uint64_t cur)
{
	uint32_t refs[256];
	unsigned int n = collect_objrefs(m, refs, 256), j;
	uint32_t max = 0;

	for (j = 0; j < n; j++)
		max = refs[j] > max ? refs[j] : max;
	switch (rnd(g, 6)) {
	case 0:
	case 1:
		return n ? refs[rnd(g, n)] : cur + 1;	/* another object, maybe of another kind */
	case 2:
		return max + 1 + rnd(g, 3);		/* never written */
	case 3:
		return 0;
	case 4:
		return cur + (rnd(g, 2) ? 1 : -1);
	default:
		return rnd(g, 2) ? 0xffffffffULL : 0x80000000ULL;
	}
}

static uint64_t choose_value(struct rng *g, const struct mutant *m, const struct mrec *r,
			     const struct field *f, uint64_t cur, pid_t child)
{
	if (chance(g, 30))
		return generic_value(g, f->size, cur);
	switch (f->kind) {
	case K_LEN:
	case K_COUNT:
		return length_value(g, r, f, cur);
	case K_ADDR:
		return addr_value(g, cur);
	case K_OBJREF:
		return objref_value(g, m, cur);
	case K_PID:
		return pid_value(g, child, cur);
	case K_SIG:
		return sig_value(g);
	case K_FLAGS:
		return flags_value(g, f->size, cur);
	case K_ENUM:
		return rnd(g, 3) ? rnd(g, 8) : generic_value(g, f->size, cur);
	case K_NS:
		return ns_value(g, cur);
	case K_CLOCK:
		return clock_value(g);
	default:
		return generic_value(g, f->size, cur);
	}
}

static void field_label(char *buf, size_t size, const struct mrec *r, const struct field *f,
			unsigned int idx, unsigned int nelems)
{
	if (rec_type(r) == CKPT_REC_CPU_X86_64 && !strcmp(f->name, "regs"))
		snprintf(buf, size, "regs.%s", reg_names[idx]);
	else if (nelems > 1 || (f->stride && !f->count))
		snprintf(buf, size, "%s[%u]", f->name, idx);
	else
		snprintf(buf, size, "%s", f->name);
}

/* Set field @f (element @idx) of record @i to @v and say so. */
static void set_field(struct mutant *m, size_t i, const struct field *f, unsigned int idx,
		      uint32_t stride, uint64_t v, const char *why)
{
	unsigned int nelems = field_elems(&m->r[i], f, &stride);
	uint32_t off = f->off + idx * stride;
	uint64_t old;
	char label[64];

	own(m, i, m->r[i].size);
	old = get_le(m->r[i].data + off, f->size);
	if (get_le((unsigned char *)&v, f->size) == old)
		v = old ^ 1;	/* a mutation that changes nothing is wasted */
	put_le(m->r[i].data + off, f->size, v);
	field_label(label, sizeof(label), &m->r[i], f, idx, nelems);
	describe(m, "rec#%zu %s.%s %#" PRIx64 "->%#" PRIx64 "%s", i, type_name(rec_type(&m->r[i])),
		 label, old, get_le(m->r[i].data + off, f->size), why);
}

/* Choose a field (of kind @want, or any when -1) of record @i. */
static const struct field *pick_field(struct rng *g, const struct mrec *r, int want,
				      unsigned int *idx, uint32_t *stride)
{
	const struct rectype *rt = rectype_of(rec_type(r));
	const struct field *cand[64];
	unsigned int n = 0, j, nelems;
	const struct field *f;

	for (j = 0; rt && j < rt->nfields && n < 64; j++) {
		if (want >= 0 && rt->fields[j].kind != want &&
		    !(want == K_LEN && rt->fields[j].kind == K_COUNT))
			continue;
		if (field_elems(r, &rt->fields[j], stride))
			cand[n++] = &rt->fields[j];
	}
	if (!n)
		return NULL;
	f = cand[rnd(g, n)];
	nelems = field_elems(r, f, stride);
	*idx = rnd(g, nelems);
	return f;
}

/* F: a field of a known record set to a value worth trying. */
static void op_field(struct rng *g, struct mutant *m, pid_t child)
{
	ssize_t i = pick_record(g, m, m->fix_tail ? has_fields_but_tail : has_fields);
	const struct field *f;
	unsigned int idx;
	uint32_t stride;

	if (i < 0 || !(f = pick_field(g, &m->r[i], -1, &idx, &stride)))
		return;
	set_field(m, i, f, idx, stride,
		  choose_value(g, m, &m->r[i], f, get_le(m->r[i].data + f->off + idx * stride, f->size),
			       child), "");
}

static bool has_length_field(const struct mrec *r)
{
	const struct rectype *rt = rectype_of(rec_type(r));
	unsigned int j;
	uint32_t stride;

	if (rec_type(r) == CKPT_REC_TAIL)
		return false;	/* a fixed tail's would be overwritten: op_field does it */
	for (j = 0; rt && j < rt->nfields; j++)
		if ((rt->fields[j].kind == K_LEN || rt->fields[j].kind == K_COUNT) &&
		    field_elems(r, &rt->fields[j], &stride))
			return true;
	return false;
}

/* L: a length or count field (path_len, nr_pages, nr_tasks...) set to 0 or past the record. */
static void op_length(struct rng *g, struct mutant *m)
{
	ssize_t i = pick_record(g, m, has_length_field);
	const struct field *f;
	unsigned int idx;
	uint32_t stride;

	if (i < 0 || !(f = pick_field(g, &m->r[i], K_LEN, &idx, &stride)))
		return;
	set_field(m, i, f, idx, stride,
		  length_value(g, &m->r[i], f, get_le(m->r[i].data + f->off + idx * stride, f->size)),
		  "");
}

static bool has_objref(const struct mrec *r)
{
	const struct rectype *rt = rectype_of(rec_type(r));
	unsigned int j;

	for (j = 0; rt && j < rt->nfields; j++)
		if (rt->fields[j].kind == K_OBJREF && rt->fields[j].off + 4u <= r->size)
			return true;
	return false;
}

/* The first record after @i that names objref @ref, or 0. */
static uint32_t later_objref(const struct mutant *m, size_t i)
{
	uint32_t refs[64];
	unsigned int n;
	struct mutant tail = *m;

	if (i + 1 >= m->n)
		return 0;
	tail.r = m->r + i + 1;
	tail.n = m->n - i - 1;
	n = collect_objrefs(&tail, refs, 64);
	return n ? refs[0] : 0;
}

/*
 * O: an objref (FILE objref/pipe/memfd/deleted, SHMEM, MEMFD,
 * DELETED_FILE, SYSV_SHM, SHARE, CREDS, PIPE_DATA, a NAMESPACE record, a
 * tree entry's namespaces, UTS_NS, IPC_NS) that names an object of
 * another kind, one not written yet or never, or the "new"/"shared" flag
 * of such a record flipped.
 */
static void op_objref(struct rng *g, struct mutant *m)
{
	ssize_t i = pick_record(g, m, has_objref);
	const struct field *f;
	unsigned int idx;
	uint32_t stride, later, type, bit = 0;
	uint64_t cur;

	if (i < 0 || !(f = pick_field(g, &m->r[i], K_OBJREF, &idx, &stride)))
		return;
	type = rec_type(&m->r[i]);
	if (chance(g, 25)) {
		if (type == CKPT_REC_CREDS)
			bit = CKPT_CREDS_SHARED;
		else if (type == CKPT_REC_SHMEM)
			bit = CKPT_SHMEM_NEW;
		else if (type == CKPT_REC_MEMFD)
			bit = CKPT_MEMFD_NEW;
		else if (type == CKPT_REC_DELETED_FILE)
			bit = CKPT_DELETED_NEW;
		else if (type == CKPT_REC_SYSV_SHM)
			bit = chance(g, 50) ? CKPT_SYSV_SHM_NEW : CKPT_SYSV_SHM_RMID;
		else if (type == CKPT_REC_SHARE)
			bit = CKPT_SHARE_NEW;
	}
	if (bit) {
		const struct field *ff = NULL;
		const struct rectype *rt = rectype_of(type);
		unsigned int j;

		for (j = 0; j < rt->nfields; j++)
			if (!strcmp(rt->fields[j].name, "flags"))
				ff = &rt->fields[j];
		if (ff && ff->off + 4u <= m->r[i].size) {
			set_field(m, i, ff, 0, 0, get_le(m->r[i].data + ff->off, 4) ^ bit,
				  " (new/shared flag flipped)");
			return;
		}
	}
	cur = get_le(m->r[i].data + f->off, 4);
	later = later_objref(m, i);
	if (later && later != cur && chance(g, 30))
		set_field(m, i, f, idx, stride, later, " (an object written later)");
	else
		set_field(m, i, f, idx, stride, objref_value(g, m, cur), "");
}

/* The records that carry paths: where the length is, where the path starts. */
struct path_rec {
	uint32_t type;
	uint16_t len_off;	/* the __u32 length field */
	uint16_t data_off;	/* the first byte of the path */
	const char *name;
};

static const struct path_rec path_recs[] = {
	{ CKPT_REC_FILE, offsetof(struct ckpt_rec_file, path_len), sizeof(struct ckpt_rec_file), "path" },
	{ CKPT_REC_VMA, offsetof(struct ckpt_rec_vma, path_len), sizeof(struct ckpt_rec_vma), "path" },
	{ CKPT_REC_MM, offsetof(struct ckpt_rec_mm, exe_len), sizeof(struct ckpt_rec_mm), "exe" },
	{ CKPT_REC_FS, offsetof(struct ckpt_rec_fs, cwd_len), sizeof(struct ckpt_rec_fs), "cwd" },
	{ CKPT_REC_ERROR, offsetof(struct ckpt_rec_error, msg_len), sizeof(struct ckpt_rec_error), "msg" },
	{ CKPT_REC_PTY, offsetof(struct ckpt_rec_pty, path_len), sizeof(struct ckpt_rec_pty), "master" },
	{ CKPT_REC_INOTIFY_WATCH, offsetof(struct ckpt_rec_inotify_watch, path_len),
	  sizeof(struct ckpt_rec_inotify_watch), "path" },
	{ CKPT_REC_INOTIFY_EVENT, offsetof(struct ckpt_rec_inotify_event, name_len),
	  sizeof(struct ckpt_rec_inotify_event), "name" },
	{ CKPT_REC_MEMFD, offsetof(struct ckpt_rec_memfd, name_len), sizeof(struct ckpt_rec_memfd),
	  "name" },
	{ CKPT_REC_DELETED_FILE, offsetof(struct ckpt_rec_deleted_file, path_len),
	  sizeof(struct ckpt_rec_deleted_file), "path" },
};

static const struct path_rec *path_rec_of(uint32_t type)
{
	unsigned int j;

	for (j = 0; j < sizeof(path_recs) / sizeof(path_recs[0]); j++)
		if (path_recs[j].type == type)
			return &path_recs[j];
	return NULL;
}

static bool has_path(const struct mrec *r)
{
	const struct path_rec *p = path_rec_of(rec_type(r));

	return p && r->size >= p->data_off;
}

/*
 * P: the path of a FILE, VMA, MM, FS, PTY, INOTIFY_WATCH or DELETED_FILE
 * record (or an ERROR message, an INOTIFY_EVENT or MEMFD name) replaced,
 * the record resized to fit and its length set.  Paths a restored
 * program could harm the machine through are not used (a DELETED_FILE
 * path only names the directory an O_TMPFILE file, never linked, is
 * made in).
 */
static void op_path(struct rng *g, struct mutant *m)
{
	static const char *const paths[] = {
		"", "/", ".", "..", "/tmp", "/proc/self/exe", "/proc/self/fd/0", "/dev/null",
		"/dev/zero", "/dev/full", "/dev/urandom", "/bin/busybox", "/nonexistent/file",
		"/proc/self/mem", "/proc/1/root/..", "/tests/bin/", "/tmp/", "a\0b",
	};
	ssize_t i = pick_record(g, m, has_path);
	const struct path_rec *p;
	uint32_t old_len, keep_after = 0, tail_len = 0, size, plen;
	unsigned char *after = NULL;
	char longpath[PATH_MAX + 2];
	const char *path;
	unsigned int k;

	if (i < 0)
		return;
	p = path_rec_of(rec_type(&m->r[i]));
	old_len = get_le(m->r[i].data + p->len_off, 4);
	k = rnd(g, sizeof(paths) / sizeof(paths[0]) + 2);
	if (k < sizeof(paths) / sizeof(paths[0])) {
		path = paths[k];
		plen = !strcmp(path, "a") ? 3 : strlen(path);
	} else {
		plen = k == sizeof(paths) / sizeof(paths[0]) ? PATH_MAX - 1 : PATH_MAX;
		longpath[0] = '/';
		memset(longpath + 1, 'x', plen - 1);
		path = longpath;
	}
	/* FS: the root path follows the cwd; keep it */
	if (rec_type(&m->r[i]) == CKPT_REC_FS && m->r[i].size >= sizeof(struct ckpt_rec_fs)) {
		tail_len = get_le(m->r[i].data + offsetof(struct ckpt_rec_fs, root_len), 4);
		if ((uint64_t)p->data_off + old_len + tail_len <= m->r[i].size) {
			keep_after = tail_len;
			after = xmalloc(tail_len);
			memcpy(after, m->r[i].data + p->data_off + old_len, tail_len);
		}
	}
	size = (p->data_off + plen + keep_after + 7) & ~7U;
	own(m, i, m->r[i].size > size ? m->r[i].size : size);
	memset(m->r[i].data + p->data_off, 0, m->r[i].size - p->data_off);
	memcpy(m->r[i].data + p->data_off, path, plen);
	if (after)
		memcpy(m->r[i].data + p->data_off + plen, after, keep_after);
	free(after);
	own(m, i, size);
	put_le(m->r[i].data + p->len_off, 4, plen);
	put_le(m->r[i].data + 4, 4, size);
	describe(m, "rec#%zu %s.%s (%u bytes) set to \"%.24s%s\" (%u bytes)", i,
		 type_name(rec_type(&m->r[i])), p->name, old_len, plen && path[0] ? path : "",
		 plen > 24 ? "..." : "", plen);
}

/* H: the record header's len made smaller, larger or unaligned (bytes unchanged). */
static void op_hdr_len(struct rng *g, struct mutant *m)
{
	ssize_t i = pick_record(g, m, NULL);
	uint32_t old, v;

	if (i < 0 || m->r[i].size < 8)
		return;
	old = rec_len(&m->r[i]);
	switch (rnd(g, 9)) {
	case 0: v = 0; break;
	case 1: v = 8; break;
	case 2: v = old - 8; break;
	case 3: v = old + 8; break;
	case 4: v = old + 1 + rnd(g, 7); break;
	case 5: v = old + 4096; break;
	case 6: v = CKPT_REC_MAX_LEN + (rnd(g, 2) ? 8 : 0); break;
	case 7: v = 0xfffffff8; break;
	default: v = 4; break;
	}
	own(m, i, m->r[i].size);
	put_le(m->r[i].data + 4, 4, v);
	describe(m, "rec#%zu %s hdr.len %u->%u", i, type_name(rec_type(&m->r[i])), old, v);
}

/* R: the record cut short or lengthened with zero bytes, len kept true. */
static void op_resize(struct rng *g, struct mutant *m)
{
	ssize_t i = pick_record(g, m, NULL);
	uint32_t old, v;

	if (i < 0)
		return;
	old = m->r[i].size;
	if (chance(g, 60) && old > 8)
		v = 8 + 8 * rnd(g, (old - 8) / 8);
	else
		v = old + 8 * (1 + rnd(g, chance(g, 80) ? 4 : 1024));
	own(m, i, v);
	put_le(m->r[i].data + 4, 4, v);
	describe(m, "rec#%zu %s resized %u->%u", i, type_name(rec_type(&m->r[i])), old, v);
}

/* T: the record's type changed to another known type, an unknown one, or an optional one. */
static void op_type(struct rng *g, struct mutant *m)
{
	ssize_t i = pick_record(g, m, NULL);
	uint32_t old, v;

	if (i < 0 || m->r[i].size < 8)
		return;
	old = rec_type(&m->r[i]);
	switch (rnd(g, 6)) {
	case 0:
		v = 0x0600 + rnd(g, 0x300);	/* an unknown type */
		break;
	case 1:
		v = old | CKPT_REC_OPTIONAL;
		break;
	case 2:
		v = CKPT_REC_PADDING;
		break;
	default:
		v = rectypes[rnd(g, NR_RECTYPES)].type;
		break;
	}
	if (v == old)
		v ^= CKPT_REC_OPTIONAL;
	own(m, i, m->r[i].size);
	put_le(m->r[i].data, 4, v);
	describe(m, "rec#%zu type %s->%s", i, type_name(old), type_name(v));
}

/* D: a record dropped (the header rarely). */
static void op_drop(struct rng *g, struct mutant *m)
{
	ssize_t i = pick_record(g, m, NULL);
	struct mrec r;

	if (i < 0 || m->n < 2 || (i == 0 && !chance(g, 10)))
		return;
	r = remove_rec(m, i);
	describe(m, "drop rec#%zu %s", i, type_name(rec_type(&r)));
	if (r.owned)
		free(r.data);
}

static struct mrec copy_rec(const struct mrec *r)
{
	struct mrec c = { xmalloc(r->size), r->size, true };

	memcpy(c.data, r->data, r->size);
	return c;
}

/* U: a record duplicated, right after itself or elsewhere. */
static void op_dup(struct rng *g, struct mutant *m)
{
	ssize_t i = pick_record(g, m, NULL);
	size_t at;

	if (i < 0)
		return;
	at = chance(g, 60) ? (size_t)i + 1 : 1 + rnd(g, m->n);
	if (at > m->n)
		at = m->n;
	insert_rec(m, at, copy_rec(&m->r[i]));
	describe(m, "dup rec#%zu %s at #%zu", i, type_name(rec_type(&m->r[i < (ssize_t)at ? i : i + 1])), at);
}

/* M: a record moved earlier or later, by one or anywhere. */
static void op_move(struct rng *g, struct mutant *m)
{
	ssize_t i = pick_record(g, m, NULL);
	struct mrec r;
	size_t to;

	if (i < 0 || m->n < 3)
		return;
	r = remove_rec(m, i);
	if (chance(g, 50))
		to = chance(g, 50) ? (size_t)(i > 0 ? i - 1 : 1) : (size_t)i + 1;
	else
		to = rnd(g, m->n + 1);
	if (to > m->n)
		to = m->n;
	if (to == (size_t)i)	/* back where it was: one further instead */
		to = to < m->n ? to + 1 : to - 1;
	insert_rec(m, to, r);
	describe(m, "move rec#%zu %s to #%zu", i, type_name(rec_type(&r)), to);
}

/* X: the image cut at a record boundary. */
static void op_truncate(struct rng *g, struct mutant *m)
{
	size_t at = rnd(g, m->n), i;

	describe(m, "truncate at rec#%zu of %zu", at, m->n);
	for (i = at; i < m->n; i++)
		if (m->r[i].owned)
			free(m->r[i].data);
	m->n = at;
}

/* B, W: blind changes, applied once the mutant is written out (queued here). */
static void op_raw(struct rng *g, struct mutant *m, char kind)
{
	if (m->nraw >= MAX_OPS)
		return;
	m->raw_kind[m->nraw] = kind;
	m->raw_seeds[m->nraw++] = rnd64(g);
}

/* Where to hit blindly: mostly near the start of a record, where the fields are. */
static size_t raw_position(struct rng *g, const size_t *offs, size_t nrecs, size_t limit)
{
	size_t i, span;

	if (!limit)
		return 0;
	if (!nrecs || chance(g, 15))
		return rnd(g, limit);
	i = rnd(g, nrecs);
	span = (i + 1 < nrecs ? offs[i + 1] : limit) - offs[i];
	if (span > 256)
		span = 256;
	return offs[i] + rnd(g, span ? span : 1);
}

static void apply_raw(struct mutant *m, const size_t *offs, size_t nrecs, size_t limit)
{
	static const uint64_t v[] = { 0, ~0ULL, 0x7fffffff, 0x80000000, 0xffffffff, 0x7ffffffff000ULL };
	unsigned int k, j, flips, size;
	struct rng g;
	size_t pos;
	uint64_t val;

	for (k = 0; k < m->nraw && limit; k++) {
		g.s = m->raw_seeds[k];
		if (m->raw_kind[k] == 'B') {
			flips = 1 + rnd(&g, 8);
			pos = raw_position(&g, offs, nrecs, limit);
			describe(m, "%u bit flips from byte %#zx", flips, pos);
			for (j = 0; j < flips; j++) {
				size_t p = pos + rnd(&g, 16);

				if (p < limit)
					m->buf[p] ^= 1 << rnd(&g, 8);
			}
			continue;
		}
		size = 1U << rnd(&g, 4);
		pos = raw_position(&g, offs, nrecs, limit);
		if (pos + size > limit)
			pos = limit - (limit < size ? limit : size);
		if (size > limit)
			size = limit;
		val = chance(&g, 50) ? rnd64(&g) : v[rnd(&g, sizeof(v) / sizeof(v[0]))];
		memcpy(m->buf + pos, &val, size);
		describe(m, "%u bytes at %#zx set to %#" PRIx64, size, pos,
			 size < 8 ? val & ((1ULL << (size * 8)) - 1) : val);
	}
}

/* Write the mutant out: records, blind changes, then a tail (fixed or not). */
static void serialize(struct mutant *m)
{
	size_t n = m->n, total = 0, i, off = 0, *offs;
	struct ckpt_rec_tail tail;

	if (m->fix_tail && n && rec_type(&m->r[n - 1]) == CKPT_REC_TAIL &&
	    m->r[n - 1].size >= 8)
		n--;
	for (i = 0; i < n; i++)
		total += m->r[i].size;
	m->buf = xmalloc(total + sizeof(tail));
	offs = xmalloc((n + 1) * sizeof(*offs));
	for (i = 0; i < n; i++) {
		offs[i] = off;
		memcpy(m->buf + off, m->r[i].data, m->r[i].size);
		off += m->r[i].size;
	}
	apply_raw(m, offs, n, off);
	free(offs);
	m->len = off;
	if (!m->fix_tail) {
		describe(m, "tail left as is");
		return;
	}
	memset(&tail, 0, sizeof(tail));
	tail.h.type = CKPT_REC_TAIL;
	tail.h.len = sizeof(tail);
	memcpy(tail.magic, CKPT_TAIL_MAGIC, CKPT_MAGIC_LEN);
	tail.records = n;
	tail.length = off;
	tail.csum_type = CKPT_CSUM_CRC32;
	tail.csum = crc32_buf(m->buf, off);
	memcpy(m->buf + off, &tail, sizeof(tail));
	m->len = off + sizeof(tail);
}

/*
 * The seed's ids become the child's: restart(0) takes an image of the
 * caller.  The pid, tgid and TASK pid are the child's, the process group
 * and session those it has (ours).
 */
static void rewrite_pids(struct mutant *m, pid_t old, pid_t child)
{
	pid_t pgid = getpgrp(), sid = getsid(0);
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct mrec *r = &m->r[i];
		uint32_t type = rec_type(r);
		unsigned char *t;
		uint32_t flags;

		if (type == CKPT_REC_HEADER && r->size >= sizeof(struct ckpt_rec_header)) {
			own(m, i, r->size);
			put_le(r->data + offsetof(struct ckpt_rec_header, root_pid), 4, child);
		} else if (type == CKPT_REC_TASK && r->size >= sizeof(struct ckpt_rec_task) &&
			   (pid_t)get_le(r->data + offsetof(struct ckpt_rec_task, pid), 4) == old) {
			own(m, i, r->size);
			put_le(r->data + offsetof(struct ckpt_rec_task, pid), 4, child);
		} else if (type == CKPT_REC_TREE &&
			   r->size >= sizeof(struct ckpt_rec_tree) + sizeof(struct ckpt_task_ids)) {
			own(m, i, r->size);
			t = r->data + sizeof(struct ckpt_rec_tree);
			put_le(t + offsetof(struct ckpt_task_ids, pid), 4, child);
			put_le(t + offsetof(struct ckpt_task_ids, tgid), 4, child);
			put_le(t + offsetof(struct ckpt_task_ids, pgid), 4, pgid);
			put_le(t + offsetof(struct ckpt_task_ids, sid), 4, sid);
			flags = get_le(t + offsetof(struct ckpt_task_ids, flags), 4);
			flags &= ~(CKPT_TASK_SESSION_LEADER | CKPT_TASK_GROUP_LEADER);
			put_le(t + offsetof(struct ckpt_task_ids, flags), 4, flags);
		} else if (type == CKPT_REC_POSIX_TIMERS) {
			/* a SIGEV_THREAD_ID timer's thread: the process's only one */
			size_t off = sizeof(struct ckpt_rec_posix_timers) +
				     offsetof(struct ckpt_posix_timer, tid);

			for (; off + 4 <= r->size; off += sizeof(struct ckpt_posix_timer)) {
				if ((pid_t)get_le(r->data + off, 4) != old)
					continue;
				own(m, i, r->size);
				put_le(r->data + off, 4, child);
			}
		} else if (type == CKPT_REC_FILE_OWNER &&
			   r->size >= sizeof(struct ckpt_rec_file_owner) &&
			   (pid_t)get_le(r->data + offsetof(struct ckpt_rec_file_owner, pid),
					 4) == old) {
			/* an owner of I/O signals: the process, or its group */
			own(m, i, r->size);
			put_le(r->data + offsetof(struct ckpt_rec_file_owner, pid), 4,
			       get_le(r->data + offsetof(struct ckpt_rec_file_owner, type), 4) ==
					       CKPT_OWNER_PGRP ? pgid : child);
		}
	}
}

/* The mutation operators and how often each is chosen. */
static const struct {
	char op;
	unsigned int weight;
} op_weights[] = {
	{ 'F', 30 }, { 'L', 12 }, { 'O', 8 }, { 'P', 5 }, { 'H', 5 }, { 'R', 5 }, { 'T', 5 },
	{ 'D', 6 }, { 'U', 5 }, { 'M', 5 }, { 'X', 4 }, { 'B', 7 }, { 'W', 5 },
};

static char pick_op(struct rng *g)
{
	unsigned int total = 0, j, k;

	for (j = 0; j < sizeof(op_weights) / sizeof(op_weights[0]); j++)
		total += op_weights[j].weight;
	k = rnd(g, total);
	for (j = 0; k >= op_weights[j].weight; j++)
		k -= op_weights[j].weight;
	return op_weights[j].op;
}

static void mutate(struct rng *g, struct mutant *m, pid_t child)
{
	unsigned int nops = 1 + rnd(g, MAX_OPS), k;

	m->fix_tail = chance(g, 90);
	for (k = 0; k < nops; k++) {
		switch (pick_op(g)) {
		case 'F': op_field(g, m, child); break;
		case 'L': op_length(g, m); break;
		case 'O': op_objref(g, m); break;
		case 'P': op_path(g, m); break;
		case 'H': op_hdr_len(g, m); break;
		case 'R': op_resize(g, m); break;
		case 'T': op_type(g, m); break;
		case 'D': op_drop(g, m); break;
		case 'U': op_dup(g, m); break;
		case 'M': op_move(g, m); break;
		case 'X': op_truncate(g, m); break;
		case 'B': op_raw(g, m, 'B'); break;
		default: op_raw(g, m, 'W'); break;
		}
	}
	serialize(m);
}

/* Outcomes of one run */
enum outcome {
	O_ERRNO,	/* restart() failed with an errno (kernel) */
	O_KILLED,	/* the kernel killed the committed task(s) */
	O_TOOL,		/* the restart tool refused it before the kernel saw it */
	O_ACCEPTED,	/* restored, and ran */
	O_HANG,
	O_TOOL_CRASH,	/* the restart tool died of a signal */
	O_SETUP,	/* ckptfuzz could not run it */
	O_NR
};

struct result {
	enum outcome what;
	int err;		/* O_ERRNO, O_TOOL: the errno (0: unknown) */
	int sig;		/* O_ACCEPTED: the signal the restored root died of, if any */
	bool absorbed;		/* O_ACCEPTED: its fail-nth was used up when seen running */
	double secs;
	char note[512];		/* where a hung task was */
};

struct options {
	const char *seeds_dir, *out_dir, *work_dir, *restart_tool;
	unsigned long count, start, keep;
	uint64_t seed;
	double duration, timeout, tool_timeout;
	unsigned int faults;
	bool quiet, dry_run;
};

static struct options opt = {
	.work_dir = "/tmp/ckptfuzz-work",
	.restart_tool = "restart",
	.keep = 20,
	.seed = 1,
	.timeout = 10,
	.tool_timeout = 25,
};

/* The campaign is alive: its supervisor sees it move on (see supervise()). */
static volatile double *beat_at;

static void heartbeat(void)
{
	if (beat_at)
		*beat_at = now();
}

/* The start of /proc/PID/FILE into @buf (NUL-terminated); false if unreadable. */
static bool proc_text(pid_t pid, const char *file, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	return true;
}

/* /proc/PID/syscall: the call number, -1 blocked outside one, -2 running, -3 gone */
static long syscall_of(pid_t pid)
{
	char buf[64];

	if (!proc_text(pid, "syscall", buf, sizeof(buf)))
		return -3;
	if (!strncmp(buf, "running", 7))
		return -2;
	return strtol(buf, NULL, 10);
}

/* "PID (comm) S syscall N" for @pid and its descendants, into @buf. */
static void describe_tasks(pid_t pid, char *buf, size_t size, int depth)
{
	char path[96], line[256], comm[32] = "?", state = '?';
	size_t len = strlen(buf);
	FILE *f;
	DIR *d;
	struct dirent *de;

	if (depth > 4 || len + 80 > size)
		return;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(line, sizeof(line), f)) {
			char *l = strchr(line, '('), *r = strrchr(line, ')');

			if (l && r && r > l) {
				snprintf(comm, sizeof(comm), "%.*s", (int)(r - l - 1), l + 1);
				state = r[2];
			}
		}
		fclose(f);
	}
	snprintf(buf + len, size - len, "%s%d(%s) %c syscall %ld", len ? ", " : "", pid, comm,
		 state, syscall_of(pid));
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		char cpath[320], kids[512];
		ssize_t n;
		int fd;
		char *p, *e;

		if (de->d_name[0] == '.')
			continue;
		snprintf(cpath, sizeof(cpath), "/proc/%d/task/%s/children", pid, de->d_name);
		fd = open(cpath, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, kids, sizeof(kids) - 1);
		close(fd);
		kids[n > 0 ? n : 0] = 0;
		for (p = kids; *p; p = e) {
			long c = strtol(p, &e, 10);

			if (e == p)
				break;
			describe_tasks(c, buf, size, depth + 1);
		}
	}
	if (d)
		closedir(d);
}

/* Reap our child @pid if it ends within @secs seconds. */
static bool reap_within(pid_t pid, double secs, int *status)
{
	double end = now() + secs;
	int st;

	while (now() < end) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			if (status)
				*status = st;
			return true;
		}
		heartbeat();
		sleep_ms(5);
	}
	return false;
}

/* SIGKILL @pid (and with it a pid namespace it is the init of) and reap it. */
static bool kill_and_reap(pid_t pid, int *status)
{
	kill(pid, SIGKILL);
	return reap_within(pid, 10, status);
}

static void write_all(int fd, const unsigned char *buf, size_t len);

static int memfd_of(const unsigned char *buf, size_t len)
{
	int fd = memfd_create("mutant", MFD_CLOEXEC);

	if (fd < 0)
		die("memfd_create: %s", strerror(errno));
	write_all(fd, buf, len);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/*
 * A self child: wait for go, restore itself from @img_fd.  If restart()
 * fails, the errno goes to @report_fd (and is the exit status).  Once
 * the kernel committed the child to the image it closed every fd of it:
 * the end of file on the report pipe, without an errno, says so.
 */
/* Make the @nth allocation from now on of the calling thread fail. */
static bool arm_fail_nth(uint32_t nth)
{
	char buf[16];
	int fd = open("/proc/thread-self/fail-nth", O_WRONLY | O_CLOEXEC);
	int len = snprintf(buf, sizeof(buf), "%u", nth);
	bool ok = fd >= 0 && write(fd, buf, len) == len;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The parent's go is the fault to inject: 0 for none, else fail-nth. */
static void self_child(int go_fd, int report_fd, int img_fd, int log_fd)
{
	uint32_t nth;
	int err;
	long ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (read(go_fd, &nth, sizeof(nth)) != sizeof(nth))
		_exit(CHILD_NO_GO);
	if (nth && !arm_fail_nth(nth))
		_exit(CHILD_NO_GO);
	ret = syscall(__NR_restart, 0, img_fd, 0, log_fd);
	err = ret < 0 ? errno : 0;
	if (write(report_fd, &err, sizeof(err)) != sizeof(err))
		_exit(CHILD_NO_GO);
	if (ret < 0)
		_exit(err > 0 && err < CHILD_RETURNED ? err : CHILD_RETURNED - 1);
	_exit(CHILD_RETURNED);
}

/* How a self child that did not report an errno ended. */
static void self_status(int status, bool committed, struct result *res)
{
	if (WIFEXITED(status)) {
		if (committed) {
			res->what = O_ACCEPTED;	/* restored, and exited by itself */
		} else {
			res->what = O_SETUP;
			snprintf(res->note, sizeof(res->note), "the child exited %d",
				 WEXITSTATUS(status));
		}
	} else if (WTERMSIG(status) == SIGKILL) {
		res->what = O_KILLED;
	} else {
		res->what = O_ACCEPTED;		/* restored, then died of a signal */
		res->sig = WTERMSIG(status);
	}
}

/*
 * Read the report pipe of a self child: true once it said something or
 * closed (@committed: closed without an errno), with @res filled in
 * when it reported an errno or a return.
 */
static bool self_report(int report_fd, bool *committed, struct result *res)
{
	struct pollfd pfd = { report_fd, POLLIN, 0 };
	int err;
	ssize_t n;

	if (poll(&pfd, 1, 5) <= 0)
		return false;
	n = read(report_fd, &err, sizeof(err));
	if (n == 0) {
		*committed = true;
		return true;
	}
	if (n != sizeof(err)) {
		res->what = O_SETUP;
		snprintf(res->note, sizeof(res->note), "a short report from the child");
	} else if (err) {
		res->what = O_ERRNO;
		res->err = err;
	} else {
		res->what = O_SETUP;
		snprintf(res->note, sizeof(res->note), "restart() returned to the child without restoring it");
	}
	return true;
}

/* Is @pid's fail-nth used up (0 left, or never armed)? */
static bool fail_nth_spent(pid_t pid)
{
	char buf[32];

	return proc_text(pid, "fail-nth", buf, sizeof(buf)) && atoi(buf) == 0;
}

/*
 * Wait for a self child: see the header comment.  Returns with the child
 * reaped, except for an unkillable hang.
 */

static void wait_self(pid_t pid, int report_fd, struct result *res)
{
	double deadline = now() + opt.timeout;
	bool committed = false, reported = false;
	int status;
	long sc;

	while (now() < deadline) {
		heartbeat();
		if (!reported) {
			reported = self_report(report_fd, &committed, res);
			if (reported && !committed) {
				/* it exits right after */
				if (reap_within(pid, 10, NULL))
					return;
				res->what = O_HANG;
				snprintf(res->note, sizeof(res->note),
					 "restart() failed but the child did not exit in 10 s: ");
				describe_tasks(pid, res->note, sizeof(res->note), 0);
				kill_and_reap(pid, NULL);
				return;
			}
			continue;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			self_status(status, committed, res);
			return;
		}
		sc = syscall_of(pid);
		if (sc == -1 || (sc >= 0 && sc != __NR_restart)) {
			/* out of restart(): restored, unless dying of the kernel's SIGKILL */
			sleep_ms(20);
			if (waitpid(pid, &status, WNOHANG) == pid) {
				self_status(status, committed, res);
				return;
			}
			res->what = O_ACCEPTED;
			res->absorbed = fail_nth_spent(pid);
			kill_and_reap(pid, NULL);
			return;
		}
		sleep_ms(5);
	}
	res->what = O_HANG;
	describe_tasks(pid, res->note, sizeof(res->note), 0);
	if (!kill_and_reap(pid, NULL))
		strncat(res->note, "; SIGKILL did not end it in 10 s",
			sizeof(res->note) - strlen(res->note) - 1);
}

/* Text of what @fd holds from offset 0 (a memfd log), at most @max bytes. */
static char *fd_text(int fd, size_t max)
{
	char *s = xmalloc(max + 1);
	ssize_t n = pread(fd, s, max, 0);

	s[n > 0 ? n : 0] = 0;
	return s;
}

/*
 * A self child, forked before its mutant exists (the mutant carries its
 * pid): it inherits the empty image memfd, the log memfd, the read end
 * of "go" and the write end of the report pipe.
 */
struct self_child {
	pid_t pid;
	int go_w, report_r, img_fd, log_fd;
};

static bool start_self_child(struct self_child *c)
{
	int go[2], report[2];

	c->img_fd = memfd_create("mutant", MFD_CLOEXEC);
	c->log_fd = memfd_create("restart-log", MFD_CLOEXEC);
	if (c->img_fd < 0 || c->log_fd < 0 || pipe2(go, O_CLOEXEC) || pipe2(report, O_CLOEXEC))
		die("memfd_create/pipe: %s", strerror(errno));
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0)
		die("fork: %s", strerror(errno));
	if (c->pid == 0) {
		close(go[1]);
		close(report[0]);
		self_child(go[0], report[1], c->img_fd, c->log_fd);
	}
	close(go[0]);
	close(report[1]);
	c->go_w = go[1];
	c->report_r = report[0];
	return true;
}

static void write_all(int fd, const unsigned char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n <= 0)
			die("write: %s", strerror(errno));
		done += n;
	}
}

/*
 * Hand the mutant to the waiting child and see what becomes of it;
 * @fail_nth: the allocation of its restart() to fail, 0 for none.
 */
static void run_self(struct self_child *c, const unsigned char *img, size_t len,
		     uint32_t fail_nth, struct result *res)
{
	write_all(c->img_fd, img, len);
	lseek(c->img_fd, 0, SEEK_SET);	/* the child shares this file offset */
	if (write(c->go_w, &fail_nth, sizeof(fail_nth)) != sizeof(fail_nth))
		die("the self child is gone before it started");
	wait_self(c->pid, c->report_r, res);
}

/* Release what run_self() used; returns the kernel's log (malloc'ed). */
static char *finish_self_child(struct self_child *c)
{
	char *klog = fd_text(c->log_fd, 4096);

	close(c->go_w);
	close(c->report_r);
	close(c->img_fd);
	close(c->log_fd);
	return klog;
}

/* The errno that a message of the restart tool names (errno_sentence.cc). */
static int errno_of_message(const char *text)
{
	static const struct {
		const char *words;
		int err;
	} sentences[] = {
		{ "permission denied: restarting", EPERM },
		{ "no such process: the root", ESRCH },
		{ "not open for reading", EBADF },
		{ "the image is not valid", EINVAL },
		{ "corrupted or truncated", EBADMSG },
		{ "incompatible machine", ENOEXEC },
		{ "not supported by this kernel yet", EOPNOTSUPP },
		{ "no checkpoint support", ENOSYS },
	};
	const char *p;
	unsigned int j;
	int e;

	for (j = 0; j < sizeof(sentences) / sizeof(sentences[0]); j++)
		if (strstr(text, sentences[j].words))
			return sentences[j].err;
	for (p = strstr(text, "(E"); p; p = strstr(p + 1, "(E")) {
		for (e = 1; e < MAX_ERRNO; e++) {
			const char *name = strerrorname_np(e);
			size_t n = name ? strlen(name) : 0;

			if (n && !strncmp(p + 1, name, n) && p[1 + n] == ')')
				return e;
		}
	}
	return 0;
}

static char *slurp(const char *path)
{
	unsigned char *buf;
	size_t len;
	char *s;

	if (!read_file(path, &buf, &len))
		return strdup("");
	s = xmalloc(len + 1);
	memcpy(s, buf, len);
	s[len] = 0;
	free(buf);
	return s;
}

/* Write @value to the debugfs file fault injection @attr of failslab and fail_page_alloc. */
static bool set_fault_attr(const char *attr, unsigned int value)
{
	static const char *const kinds[] = { "failslab", "fail_page_alloc" };
	char path[128], buf[16];
	unsigned int j;
	int fd, len;
	bool ok = true;

	len = snprintf(buf, sizeof(buf), "%u", value);
	for (j = 0; j < 2; j++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s/%s", kinds[j], attr);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		ok = ok && fd >= 0 && write(fd, buf, len) == len;
		if (fd >= 0)
			close(fd);
	}
	return ok;
}

/* Wait (1 s at most) until @pid runs @prog, by its name. */
static void wait_exec(pid_t pid, const char *prog)
{
	const char *base = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
	char path[64], comm[32];
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	for (i = 0; i < 1000; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (n > 0) {
			comm[n - 1] = 0;	/* the newline */
			if (!strncmp(comm, base, 15))
				return;
		}
		sleep_ms(1);
	}
}

/*
 * The restart tool as the init of a new pid namespace, the mutant on its
 * stdin; @faulty: with /proc/self/make-it-fail set (see --faults).
 */
static pid_t spawn_tool(int img_fd, bool container, bool faulty, const char *out,
			const char *klog)
{
	pid_t pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, NULL);
	int fd;

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (faulty) {
		fd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "1", 1) != 1)
			_exit(127);
		close(fd);
	}
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(img_fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(127);
	if (container)
		execlp(opt.restart_tool, opt.restart_tool, "--pidns", "--detach", "--log", klog,
		       (char *)NULL);
	else
		execlp(opt.restart_tool, opt.restart_tool, "--detach", "--log", klog, (char *)NULL);
	_exit(127);
}

/*
 * How the restart tool ended: its status, its words, the kernel's log.
 * @faulty: it ran with an injected allocation failure, which the kernel
 * may answer with a signal (a stack that cannot grow: SIGSEGV), so that
 * its death by a signal is a refusal, not a crash of the tool.
 */
static void tool_status(int status, bool faulty, const char *out, const char *klog,
			struct result *res)
{
	int code;

	if (WIFSIGNALED(status) && faulty) {
		res->what = O_TOOL;
		snprintf(res->note, sizeof(res->note),
			 "the restart tool died of signal %d under the injected fault", WTERMSIG(status));
		return;
	}
	if (WIFSIGNALED(status)) {
		res->what = O_TOOL_CRASH;
		snprintf(res->note, sizeof(res->note), "the restart tool died of signal %d: %.400s",
			 WTERMSIG(status), out);
		return;
	}
	code = WEXITSTATUS(status);
	if (code == 0 || strstr(out, "already exited") || strstr(out, "was killed by signal")) {
		res->what = O_ACCEPTED;
		return;
	}
	if (code == 127 && faulty) {
		/* the fault hit the loading of its libraries (ld.so exits 127) */
		res->what = O_TOOL;
		snprintf(res->note, sizeof(res->note),
			 "the restart tool could not start under the injected fault");
		return;
	}
	if (code == 127) {
		res->what = O_SETUP;
		snprintf(res->note, sizeof(res->note), "cannot run %s", opt.restart_tool);
		return;
	}
	res->err = errno_of_message(out);
	res->what = *klog ? O_ERRNO : O_TOOL;
	if (res->what == O_ERRNO && !res->err)
		snprintf(res->note, sizeof(res->note), "no errno in: %.400s", out);
}

/*
 * Run the mutant through the restart tool; returns the kernel's log
 * (malloc'ed).  @fault_pct: with one allocation failing at that
 * probability in its tasks, 0 for none.
 */
static char *run_tool(const unsigned char *img, size_t len, bool container,
		      unsigned int fault_pct, struct result *res)
{
	char out[PATH_MAX], klog[PATH_MAX], *outs, *klogs;
	double deadline = now() + opt.tool_timeout;
	int img_fd = memfd_of(img, len), status;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/tool.out", opt.work_dir);
	snprintf(klog, sizeof(klog), "%s/kernel.log", opt.work_dir);
	unlink(klog);
	if (fault_pct && !(set_fault_attr("times", 1) && set_fault_attr("interval", 1)))
		die("cannot arm failslab and fail_page_alloc in /sys/kernel/debug");
	pid = spawn_tool(img_fd, container, fault_pct, out, klog);
	/* the faults begin once the tool runs: its exec is not what is tried */
	if (pid > 0 && fault_pct) {
		wait_exec(pid, opt.restart_tool);
		if (!set_fault_attr("probability", fault_pct))
			die("cannot arm failslab and fail_page_alloc in /sys/kernel/debug");
	}
	close(img_fd);
	if (pid < 0) {
		res->what = O_SETUP;
		snprintf(res->note, sizeof(res->note), "clone(CLONE_NEWPID): %s", strerror(errno));
		return strdup("");
	}
	while (waitpid(pid, &status, WNOHANG) != pid) {
		heartbeat();
		if (now() > deadline) {
			res->what = O_HANG;
			describe_tasks(pid, res->note, sizeof(res->note), 0);
			if (!kill_and_reap(pid, NULL))
				strncat(res->note, "; SIGKILL did not end it in 10 s",
					sizeof(res->note) - strlen(res->note) - 1);
			return slurp(klog);
		}
		sleep_ms(5);
	}
	if (fault_pct)
		set_fault_attr("probability", 0);
	outs = slurp(out);
	klogs = slurp(klog);
	tool_status(status, fault_pct, outs, klogs, res);
	free(outs);
	return klogs;
}

/*
 * The kernel's messages since the last look (/dev/kmsg): does one of
 * them report a kernel problem?  The first such line goes to @line.
 * Only messages of warning level or above count, as on the VM's console
 * (loglevel=5, which tests/host/console-scan.sh reads): every kernel
 * report is, while a restored program's own faults are reported at info
 * level ("traps: counter[12] general protection fault ip:..." is the
 * program's, not the kernel's).  kmemleak's reports count, not its
 * warnings about its own allocations, which injected faults fail too.
 */
static int kmsg_fd = -1;

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	else
		fprintf(stderr, "ckptfuzz: /dev/kmsg: %s: kernel problems are not attributed to images\n",
			strerror(errno));
}

static bool kmsg_problem(char *line, size_t size)
{
	static const char *const patterns[] = {
		"WARNING:", "BUG:", "kernel BUG", "Oops", "general protection fault", "KASAN:",
		"UBSAN:", "KFENCE:", "new suspected memory leak", "possible circular locking",
		"possible recursive locking", "inconsistent lock state", "suspicious RCU usage",
		"INFO: task", "soft lockup", "hard LOCKUP", "detected stall",
		"Call Trace:", "Kernel panic",
	};
	/* records since an allocation failure report, whose trace is not a problem */
	static unsigned int since_alloc_failure = 100;
	char rec[2048];
	bool found = false;
	ssize_t n;
	unsigned int j;

	if (kmsg_fd < 0)
		return false;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten before we read it */
		if (n <= 0)
			break;
		rec[n] = 0;
		if (atoi(rec) % 8 > 4)	/* "PRIO,SEQ,...;": facility * 8 + level */
			continue;
		since_alloc_failure++;
		if (strstr(rec, "page allocation failure:") || strstr(rec, "vmalloc error:"))
			since_alloc_failure = 0;
		for (j = 0; !found && j < sizeof(patterns) / sizeof(patterns[0]); j++) {
			char *msg = strchr(rec, ';');

			if (since_alloc_failure <= 3 && !strcmp(patterns[j], "Call Trace:"))
				continue;
			if (msg && strstr(msg, patterns[j])) {
				char *nl = strchr(msg, '\n');

				if (nl)
					*nl = 0;
				snprintf(line, size, "%s", msg + 1);
				found = true;
			}
		}
	}
	return found;
}

/*
 * Figures of a campaign, in memory shared with the supervisor (see
 * supervise()), with what runs now and when the campaign last moved on.
 */
struct stats {
	unsigned long images, outcome[O_NR];
	unsigned long kerr[MAX_ERRNO], toolerr[MAX_ERRNO];
	unsigned long accepted_signaled, kproblems, self_images, fault_images, fault_absorbed;
	double start, slowest;
	volatile double beat;
	volatile unsigned long iter;
	char seed_name[64];
	char desc[DESC_MAX];
};

static const char *errno_label(int e, char *buf, size_t size)
{
	const char *name = e > 0 ? strerrorname_np(e) : NULL;

	if (name)
		return name;
	snprintf(buf, size, e ? "errno%d" : "no-errno", e);
	return buf;
}

/* "EINVAL:12 EBADMSG:3" into @buf; the number of distinct errnos */
static unsigned int errno_list(const unsigned long *counts, char *buf, size_t size)
{
	unsigned int distinct = 0;
	size_t len = 0;
	char tmp[32];
	int e;

	buf[0] = 0;
	for (e = 0; e < MAX_ERRNO; e++) {
		if (!counts[e])
			continue;
		distinct++;
		len += snprintf(buf + len, len < size ? size - len : 0, "%s%s:%lu", len ? " " : "",
				errno_label(e, tmp, sizeof(tmp)), counts[e]);
	}
	return distinct;
}

static void print_summary(const struct stats *st, const char *what)
{
	double t = now() - st->start;
	char kerrs[1024], terrs[1024];
	unsigned int distinct = errno_list(st->kerr, kerrs, sizeof(kerrs));

	errno_list(st->toolerr, terrs, sizeof(terrs));
	printf("ckptfuzz:%s %lu images in %.1f s (%.2f/s), %u distinct errnos [%s], %lu accepted, %lu hangs\n",
	       what, st->images, t, t > 0 ? st->images / t : 0.0, distinct, kerrs,
	       st->outcome[O_ACCEPTED], st->outcome[O_HANG]);
	if (*what)
		return;
	printf("ckptfuzz: outcomes: %lu refused with an errno, %lu killed by the kernel after the commit, "
	       "%lu refused by the restart tool [%s], %lu accepted (%lu of them ended by a signal), "
	       "%lu hangs, %lu kernel problems, %lu restart tool crashes, %lu not run; "
	       "%lu self restarts, %lu through the tool, %lu with a failing allocation "
	       "(%lu restored with their fail-nth used up: the fault hit restart() or the "
	       "restored program); slowest %.2f s\n",
	       st->outcome[O_ERRNO], st->outcome[O_KILLED], st->outcome[O_TOOL], terrs,
	       st->outcome[O_ACCEPTED], st->accepted_signaled, st->outcome[O_HANG], st->kproblems,
	       st->outcome[O_TOOL_CRASH], st->outcome[O_SETUP], st->self_images,
	       st->images - st->self_images, st->fault_images, st->fault_absorbed, st->slowest);
	fflush(stdout);
}

static void count_result(struct stats *st, const struct result *res, bool self)
{
	st->images++;
	st->self_images += self;
	st->outcome[res->what]++;
	if (res->what == O_ERRNO)
		st->kerr[res->err < MAX_ERRNO ? res->err : 0]++;
	if (res->what == O_TOOL)
		st->toolerr[res->err < MAX_ERRNO ? res->err : 0]++;
	if (res->what == O_ACCEPTED && res->sig)
		st->accepted_signaled++;
	if (res->secs > st->slowest)
		st->slowest = res->secs;
}

static const char *result_text(const struct result *res, char *buf, size_t size)
{
	char tmp[32];

	switch (res->what) {
	case O_ERRNO:
		snprintf(buf, size, "%s", errno_label(res->err, tmp, sizeof(tmp)));
		break;
	case O_KILLED:
		snprintf(buf, size, "killed");
		break;
	case O_TOOL:
		snprintf(buf, size, "tool refused (%s)", errno_label(res->err, tmp, sizeof(tmp)));
		break;
	case O_ACCEPTED:
		if (res->sig)
			snprintf(buf, size, "ACCEPTED, then signal %d", res->sig);
		else if (res->absorbed)
			snprintf(buf, size, "ACCEPTED, fail-nth used up");
		else
			snprintf(buf, size, "ACCEPTED");
		break;
	case O_HANG:
		snprintf(buf, size, "HANG");
		break;
	case O_TOOL_CRASH:
		snprintf(buf, size, "TOOL CRASHED");
		break;
	default:
		snprintf(buf, size, "not run");
		break;
	}
	return buf;
}

/* --out: the last --keep mutants, and for good those that went wrong. */
static void out_path(char *buf, size_t size, const char *prefix, unsigned long iter,
		     const char *ext)
{
	snprintf(buf, size, "%s/%s-%06lu.%s", opt.out_dir, prefix, iter, ext);
}

static void save_mutant(unsigned long iter, const struct mutant *m)
{
	char path[PATH_MAX];
	int fd;

	if (!opt.out_dir)
		return;
	out_path(path, sizeof(path), "mut", iter, "img");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "ckptfuzz: %s: %s\n", path, strerror(errno));
		return;
	}
	write_all(fd, m->buf, m->len);
	close(fd);
	if (iter >= opt.start + opt.keep) {
		out_path(path, sizeof(path), "mut", iter - opt.keep, "img");
		unlink(path);
	}
}

/* Keep the mutant of @iter as PREFIX-ITER.img with a .txt of what is known. */
static void keep_mutant(unsigned long iter, const char *prefix, const char *seed,
			const char *desc, const char *outcome, const char *note,
			const char *klog, const char *kline)
{
	char from[PATH_MAX], to[PATH_MAX];
	FILE *f;

	if (!opt.out_dir)
		return;
	out_path(from, sizeof(from), "mut", iter, "img");
	out_path(to, sizeof(to), prefix, iter, "img");
	if (link(from, to) && errno != EEXIST)
		fprintf(stderr, "ckptfuzz: %s: %s\n", to, strerror(errno));
	out_path(to, sizeof(to), prefix, iter, "txt");
	f = fopen(to, "we");
	if (!f)
		return;
	fprintf(f, "iteration %lu, --seed %" PRIu64 ", seed image %s\nmutations: %s\nresult: %s\n",
		iter, opt.seed, seed, desc, outcome);
	if (note && *note)
		fprintf(f, "tasks: %s\n", note);
	if (kline && *kline)
		fprintf(f, "kernel: %s\n", kline);
	fprintf(f, "restart log:\n%s\n", klog ? klog : "");
	fclose(f);
	printf("ckptfuzz: #%lu kept as %s/%s-%06lu.img\n", iter, opt.out_dir, prefix, iter);
}

/* Run one mutant and keep what matters of it. */
static void run_iteration(unsigned long iter, const struct seed *seeds, size_t nseeds,
			  struct stats *st)
{
	struct rng g = iteration_rng(opt.seed, iter);
	const struct seed *s = &seeds[rnd(&g, nseeds)];
	struct result res = { 0 };
	struct self_child c = { 0 };
	struct mutant m;
	char rtext[64], kline[512] = "", *klog = NULL;
	bool fault = opt.faults && chance(&g, opt.faults);
	uint32_t fail_nth = 0, fault_pct = 0;
	double t0;

	mutant_init(&m, s);
	if (s->self) {
		if (opt.dry_run)
			c.pid = 4242;
		else
			start_self_child(&c);
		rewrite_pids(&m, s->root_pid, c.pid);
	}
	if (fault && s->self) {
		fail_nth = 1 + rnd(&g, chance(&g, 50) ? 200 : 2000);
		describe(&m, "unmutated, allocation %u of restart() fails (fail-nth)", fail_nth);
		m.fix_tail = true;	/* for the pids */
		serialize(&m);
	} else if (fault) {
		fault_pct = 1 + rnd(&g, 10);
		describe(&m, "unmutated, one allocation fails, at %u%% each, in the restart tool's tasks",
			 fault_pct);
		m.fix_tail = true;
		serialize(&m);
	} else {
		mutate(&g, &m, c.pid);
	}
	save_mutant(iter, &m);
	st->iter = iter;
	snprintf(st->seed_name, sizeof(st->seed_name), "%s", s->name);
	snprintf(st->desc, sizeof(st->desc), "%s", m.desc);
	heartbeat();
	if (!opt.quiet) {
		printf("ckptfuzz: #%lu %s: %s\n", iter, s->name, m.desc);
		fflush(stdout);
	}
	if (opt.dry_run) {
		mutant_free(&m);
		return;
	}
	t0 = now();
	if (s->self) {
		run_self(&c, m.buf, m.len, fail_nth, &res);
		klog = finish_self_child(&c);
	} else {
		klog = run_tool(m.buf, m.len, s->container, fault_pct, &res);
	}
	res.secs = now() - t0;
	st->fault_images += fault;
	st->fault_absorbed += fail_nth && res.absorbed;
	count_result(st, &res, s->self);
	if (!opt.quiet)
		printf("ckptfuzz: #%lu => %s (%.2f s)\n", iter, result_text(&res, rtext, sizeof(rtext)),
		       res.secs);
	if (res.what == O_HANG)
		printf("ckptfuzz: #%lu hung: %s\n", iter, res.note);
	if (res.what == O_SETUP || res.what == O_TOOL_CRASH)
		printf("ckptfuzz: #%lu: %s\n", iter, res.note);
	result_text(&res, rtext, sizeof(rtext));
	if (kmsg_problem(kline, sizeof(kline))) {
		st->kproblems++;
		printf("ckptfuzz: #%lu: the kernel reported a problem after this image: %s\n",
		       iter, kline);
		keep_mutant(iter, "problem", s->name, m.desc, rtext, res.note, klog, kline);
	}
	if (res.what == O_HANG)
		keep_mutant(iter, "hang", s->name, m.desc, rtext, res.note, klog, NULL);
	if (res.what == O_TOOL_CRASH)
		keep_mutant(iter, "toolcrash", s->name, m.desc, rtext, res.note, klog, NULL);
	fflush(stdout);
	free(klog);
	mutant_free(&m);
}

/* The first @max lines of the kernel's log of a restart. */
static void print_log(const char *log, unsigned int max)
{
	const char *p = log, *nl;
	unsigned int n = 0;

	printf("ckptfuzz: restart log:\n");
	for (; *p && n < max; p = nl + 1, n++) {
		nl = strchrnul(p, '\n');
		printf("  %.*s\n", (int)(nl - p), p);
		if (!*nl)
			return;
	}
	if (*p)
		printf("  ...\n");
}

/* --replay FILE: run one image as it is, as the fuzzer would. */
static int replay(const char *path)
{
	struct seed s = { 0 };
	struct result res = { 0 };
	struct self_child c;
	const char *why;
	char rtext[64], *klog = NULL;

	if (!read_file(path, &s.buf, &s.len))
		die("%s: cannot read it", path);
	split_records(s.buf, s.len, &s.recs, &s.nrecs, &why);
	classify_seed(&s);
	printf("ckptfuzz: replay %s (%zu bytes, %s%s): ", path, s.len,
	       s.self ? "restart(0) in a child" : "the restart tool", why ? ", not a sound image" : "");
	fflush(stdout);
	if (s.self) {
		start_self_child(&c);
		run_self(&c, s.buf, s.len, 0, &res);
		klog = finish_self_child(&c);
	} else {
		klog = run_tool(s.buf, s.len, s.container, 0, &res);
	}
	printf("%s\n", result_text(&res, rtext, sizeof(rtext)));
	if (*res.note)
		printf("ckptfuzz: %s\n", res.note);
	if (klog && *klog)
		print_log(klog, 20);
	free(klog);
	free(s.buf);
	free(s.recs);
	return res.what == O_HANG;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ckptfuzz --seeds DIR --count N --seed S [--duration SECONDS] [--out DIR]\n"
		"                [--start I] [--timeout SECONDS] [--tool-timeout SECONDS]\n"
		"                [--restart PATH] [--keep N] [--work DIR] [--quiet] [--dry-run]\n"
		"                [--faults PERCENT]\n"
		"       ckptfuzz --replay FILE...\n");
	exit(2);
}

static void parse_args(int argc, char **argv, bool *replay_mode)
{
	static const struct option longopts[] = {
		{ "seeds", required_argument, NULL, 's' }, { "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 'S' }, { "duration", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' }, { "start", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "tool-timeout", required_argument, NULL, 'T' },
		{ "restart", required_argument, NULL, 'r' }, { "keep", required_argument, NULL, 'k' },
		{ "work", required_argument, NULL, 'w' }, { "quiet", no_argument, NULL, 'q' },
		{ "replay", no_argument, NULL, 'R' }, { "dry-run", no_argument, NULL, 'D' },
		{ "faults", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': opt.seeds_dir = optarg; break;
		case 'n': opt.count = strtoul(optarg, NULL, 0); break;
		case 'S': opt.seed = strtoull(optarg, NULL, 0); break;
		case 'd': opt.duration = strtod(optarg, NULL); break;
		case 'o': opt.out_dir = optarg; break;
		case 'i': opt.start = strtoul(optarg, NULL, 0); break;
		case 't': opt.timeout = strtod(optarg, NULL); break;
		case 'T': opt.tool_timeout = strtod(optarg, NULL); break;
		case 'r': opt.restart_tool = optarg; break;
		case 'k': opt.keep = strtoul(optarg, NULL, 0); break;
		case 'w': opt.work_dir = optarg; break;
		case 'q': opt.quiet = true; break;
		case 'R': *replay_mode = true; break;
		case 'D': opt.dry_run = true; break;
		case 'F': opt.faults = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!*replay_mode && (!opt.seeds_dir || (!opt.count && !opt.duration)))
		usage();
	if (!opt.keep)
		opt.keep = 1;	/* the mutant being run is always on disk */
}

/* Run the campaign from @st->start on; its exit status. */
static int campaign(const struct seed *seeds, size_t nseeds, struct stats *st)
{
	unsigned long iter;

	kmsg_open();
	for (iter = opt.start; !opt.count || iter < opt.start + opt.count; iter++) {
		if (opt.duration && now() - st->start >= opt.duration)
			break;
		run_iteration(iter, seeds, nseeds, st);
		if (st->images && st->images % 100 == 0)
			print_summary(st, " progress:");
	}
	print_summary(st, "");
	return st->outcome[O_HANG] || st->kproblems ? 1 : 0;
}

/* "PID(comm) wchan" of every task in uninterruptible sleep, into @buf. */
static void stuck_tasks(char *buf, size_t size)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	size_t len = 0;

	buf[0] = 0;
	while (d && (de = readdir(d)) && len + 96 < size) {
		char path[300], line[512], wchan[64] = "?", *r;
		FILE *f;
		int fd;
		ssize_t n;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		r = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
		fclose(f);
		if (!r || r[2] != 'D')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/wchan", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, wchan, sizeof(wchan) - 1);
			wchan[n > 0 ? n : 0] = 0;
			close(fd);
		}
		*r = 0;
		len += snprintf(buf + len, size - len, "%s%s) D in %s", len ? ", " : "",
				strchr(line, ' ') ? strchr(line, ' ') + 1 : line, wchan);
	}
	if (d)
		closedir(d);
}

/*
 * The campaign runs in a child of ckptfuzz, which watches it: a task
 * stuck in the kernel can block the campaign itself (in a wait, or
 * reading /proc), where its own timeouts cannot help.  When the campaign
 * has not moved on for longer than its timeouts allow, the image it ran
 * counts as a hang: it is kept, the tasks in uninterruptible sleep are
 * named, the campaign is killed and the summary printed here.
 */
static int supervise(const struct seed *seeds, size_t nseeds, struct stats *st)
{
	double limit = (opt.timeout > opt.tool_timeout ? opt.timeout : opt.tool_timeout) + 60;
	char stuck[1024], outcome[128];
	int status;
	pid_t pid;

	beat_at = &st->beat;
	heartbeat();
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(campaign(seeds, nseeds, st));
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
		if (now() - st->beat > limit)
			break;
		sleep_ms(500);
	}
	stuck_tasks(stuck, sizeof(stuck));
	printf("\nckptfuzz: #%lu => HANG: the campaign itself has been stuck for %.0f s (tasks in uninterruptible sleep: %s)\n",
	       st->iter, now() - st->beat, *stuck ? stuck : "none");
	snprintf(outcome, sizeof(outcome), "HANG: the fuzzer was stuck for %.0f s", now() - st->beat);
	keep_mutant(st->iter, "hang", st->seed_name, st->desc, outcome, stuck, NULL, NULL);
	kill(pid, SIGKILL);
	if (!reap_within(pid, 10, NULL))
		printf("ckptfuzz: the campaign (pid %d) did not end on SIGKILL either\n", pid);
	st->images++;
	st->outcome[O_HANG]++;
	print_summary(st, "");
	return 1;
}

int main(int argc, char **argv)
{
	bool replay_mode = false;
	struct stats *st;
	struct seed *seeds;
	size_t nseeds, i;
	int rc = 0;

	parse_args(argc, argv, &replay_mode);
	crc_init();
	signal(SIGPIPE, SIG_IGN);
	mkdir(opt.work_dir, 0755);
	if (opt.out_dir)
		mkdir(opt.out_dir, 0755);
	if (replay_mode) {
		for (; optind < argc; optind++)
			rc |= replay(argv[optind]);
		return rc;
	}
	seeds = load_seeds(opt.seeds_dir, &nseeds);
	if (!nseeds)
		die("no usable seed image in %s", opt.seeds_dir);
	for (i = 0; i < nseeds; i++)
		printf("ckptfuzz: seed %s: %zu records, %zu bytes, %s\n", seeds[i].name,
		       seeds[i].nrecs, seeds[i].len,
		       seeds[i].self ? "one task: restart(0) in a child" :
		       seeds[i].container ? "a container: restart --pidns" : "a tree: restart");
	printf("ckptfuzz: --seed %" PRIu64 ", iterations from %lu, %lu images%s, %.0f s at most\n",
	       opt.seed, opt.start, opt.count, opt.count ? "" : " (no limit)", opt.duration);
	fflush(stdout);
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	memset(st, 0, sizeof(*st));
	st->start = now();
	if (opt.dry_run)
		return campaign(seeds, nseeds, st);
	return supervise(seeds, nseeds, st);
}
