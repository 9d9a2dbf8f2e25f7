// SPDX-License-Identifier: GPL-2.0
/*
 * Real checkpoints and restarts of a single-threaded process.
 *
 * The target is a child that counts: every step it adds a known amount
 * to each word of a 256 KiB heap buffer, multiplies a double and
 * increments a counter, writes the counter to a progress file with
 * pwrite(), and sleeps with a pattern held in xmm8 across the system
 * call.  When a "stop" file appears it checks that its memory, its FPU
 * state, its files, its signal dispositions and its task attributes are
 * consistent with the counter, and exits with 0 if they are.
 *
 * The test freezes the target with the cgroup v2 freezer, checkpoints
 * it, checks every record of the image against what it knows of the
 * target (/proc/PID/maps included), and has a child of its own restore
 * itself from the image: the restored process must go on counting from
 * the saved counter and exit with 0.  Images cut short or damaged after
 * the TASK record must get the restoring process killed before it runs
 * a single instruction of the image; before the TASK record, restart()
 * must fail and leave the caller intact.  Objects the image cannot hold
 * yet (sockets, a thread's own fd table, an fd table or memory shared
 * with a process outside the tree) must be refused by name, and the
 * target must keep running.  A variant of the target
 * spins in user mode with known values in its registers, to be frozen
 * and restored outside of any system call.
 *
 * x86_64 only.  Must run as root, with cgroup2 mounted at /sys/fs/cgroup.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <time.h>
#include <sys/auxv.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/user.h>
#include <linux/capability.h>
#include <linux/netlink.h>

#include "ckpt_helpers.h"

#ifdef __x86_64__

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define NWORDS		65536		/* 256 KiB: more than one PAGES record */
#define MULT		1.0000001
#define TARGET_COMM	"ckst-target"
#define TARGET_UMASK	027
#define STEP_NSEC	1000000
#define PROGRESS_FD	3
#define DIR_FD		4
#define NR_FDS		5		/* the target's fds: 0-2, PROGRESS_FD, DIR_FD */
#define WAIT_SECS	20		/* for anything that should take far less */
#define XSAVE_XMM8	(160 + 8 * 16)	/* offset of xmm8 in an xsave area */

/* Exit codes of the target */
enum {
	T_OK = 0,
	T_SETUP = 10,
	T_IO,
	T_DOUBLE,
	T_WORDS,
	T_FPU,
	T_FILES,
	T_TASK,
	T_SIGNALS,
	T_REGS,
};

/* Exit codes of a restoring child whose restart() returned */
#define R_SUCCESS	200	/* restart() returned 0 to the caller's code */
#define R_DAMAGED	201	/* it failed, but the caller lost its fds */

/* Extras that make the target impossible to checkpoint */
#define TARGET_PIPE	(1U << 0)	/* a generic netlink socket */
#define TARGET_THREAD	(1U << 1)	/* with its own fd table */
#define TARGET_CHILD	(1U << 2)	/* sharing its fd table */
#define TARGET_SHARED	(1U << 3)	/* a shared anonymous mapping */
/* And one that the image holds: spin in user mode instead of sleeping */
#define TARGET_SPIN	(1U << 4)
#define SPIN_LOOPS	20000
#define SPIN_REGS	12

struct state {
	__u64 counter;
	double d;
	__u32 words[NWORDS];
};

/* What the target writes to its progress file. */
struct progress {
	__u64 counter;
	__u64 check;		/* ~counter: a torn read does not match */
};

/* Set up by the test before it forks the target, which inherits it. */
static struct {
	pid_t parent;
	struct state *st;	/* malloc()ed: an anonymous mapping of its own */
	ino_t progress_ino;
	char progress[64];
	char stop[64];
	unsigned int extra;	/* TARGET_* */
} g;

static __u32 word_at(__u32 i, __u64 counter)
{
	return i + (i | 1) * (__u32)counter;
}

static double double_at(__u64 counter)
{
	double d = 1.0;
	__u64 c;

	for (c = 0; c < counter; c++)
		d *= MULT;
	return d;
}

static __u64 xmm_pattern(__u64 counter)
{
	return counter * 0x9e3779b97f4a7c15ULL | 1;
}

/*
 * nanosleep() with @pattern in xmm8, which a system call preserves;
 * returns what xmm8 holds after it.  The target spends most of its time
 * here, so this is where it is usually frozen and restored.
 */
static __u64 sleep_keeping_xmm8(const struct timespec *ts, __u64 pattern)
{
	__u64 out;
	long ret;

	asm volatile("movq %[pat], %%xmm8\n\t"
		     "syscall\n\t"
		     "movq %%xmm8, %[out]\n\t"
		     : [out] "=r" (out), "=a" (ret)
		     : [pat] "r" (pattern), "a" ((long)__NR_nanosleep),
		       "D" (ts), "S" (NULL)
		     : "rcx", "r11", "xmm8", "memory");
	(void)ret;
	return out;
}

/* What the spin loop keeps in rbx, rcx, rdx, rsi, r8-r15 */
static __u64 spin_pattern(__u64 counter, int reg)
{
	return (counter + 1) * 0x9e3779b97f4a7c15ULL ^ (__u64)(reg + 1) << 56;
}

extern const char ckst_spin_begin[], ckst_spin_end[];

/*
 * Spin @loops times in user mode with exp[0..SPIN_REGS - 1] in rbx, rcx,
 * rdx, rsi, r8-r15, checking them on every round: 0 if they held.  A
 * target frozen here has them in its saved registers, and must find
 * them again once restored.
 */
static __attribute__((noinline)) long spin_keeping_regs(const __u64 *exp,
							long loops)
{
	asm volatile("mov 0(%%rdi), %%rbx\n\t"
		     "mov 8(%%rdi), %%rcx\n\t"
		     "mov 16(%%rdi), %%rdx\n\t"
		     "mov 24(%%rdi), %%rsi\n\t"
		     "mov 32(%%rdi), %%r8\n\t"
		     "mov 40(%%rdi), %%r9\n\t"
		     "mov 48(%%rdi), %%r10\n\t"
		     "mov 56(%%rdi), %%r11\n\t"
		     "mov 64(%%rdi), %%r12\n\t"
		     "mov 72(%%rdi), %%r13\n\t"
		     "mov 80(%%rdi), %%r14\n\t"
		     "mov 88(%%rdi), %%r15\n\t"
		     ".globl ckst_spin_begin\n"
		     "ckst_spin_begin:\n\t"
		     "cmp 0(%%rdi), %%rbx\n\t"
		     "jne 2f\n\t"
		     "cmp 8(%%rdi), %%rcx\n\t"
		     "jne 2f\n\t"
		     "cmp 16(%%rdi), %%rdx\n\t"
		     "jne 2f\n\t"
		     "cmp 24(%%rdi), %%rsi\n\t"
		     "jne 2f\n\t"
		     "cmp 32(%%rdi), %%r8\n\t"
		     "jne 2f\n\t"
		     "cmp 40(%%rdi), %%r9\n\t"
		     "jne 2f\n\t"
		     "cmp 48(%%rdi), %%r10\n\t"
		     "jne 2f\n\t"
		     "cmp 56(%%rdi), %%r11\n\t"
		     "jne 2f\n\t"
		     "cmp 64(%%rdi), %%r12\n\t"
		     "jne 2f\n\t"
		     "cmp 72(%%rdi), %%r13\n\t"
		     "jne 2f\n\t"
		     "cmp 80(%%rdi), %%r14\n\t"
		     "jne 2f\n\t"
		     "cmp 88(%%rdi), %%r15\n\t"
		     "jne 2f\n\t"
		     "dec %%rax\n\t"
		     "jnz ckst_spin_begin\n"
		     ".globl ckst_spin_end\n"
		     "ckst_spin_end:\n\t"
		     "jmp 3f\n"
		     "2:\n\t"
		     "mov $1, %%eax\n"
		     "3:\n"
		     : "+a" (loops)
		     : "D" (exp)
		     : "rbx", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11",
		       "r12", "r13", "r14", "r15", "cc", "memory");
	return loops;
}

static void step(struct state *s)
{
	__u32 i;

	for (i = 0; i < NWORDS; i++)
		s->words[i] += i | 1;
	asm volatile("" ::: "memory");
	s->d *= MULT;
	asm volatile("" ::: "memory");
	s->counter++;
}

static void usr1_handler(int sig)
{
	(void)sig;
}

/* Is everything the target set up still as it was?  T_OK or why not. */
static int verify_state(const struct state *s)
{
	struct sigaction sa;
	char comm[16] = "";
	struct stat st;
	sigset_t set;
	__u32 i;

	if (s->d != double_at(s->counter))
		return T_DOUBLE;
	for (i = 0; i < NWORDS; i++)
		if (s->words[i] != word_at(i, s->counter))
			return T_WORDS;
	if (fstat(PROGRESS_FD, &st) || !S_ISREG(st.st_mode) ||
	    st.st_ino != g.progress_ino || fcntl(PROGRESS_FD, F_GETFD) != FD_CLOEXEC)
		return T_FILES;
	if (fstat(DIR_FD, &st) || !S_ISDIR(st.st_mode) || fcntl(DIR_FD, F_GETFD) != 0)
		return T_FILES;
	if (fcntl(NR_FDS, F_GETFD) != -1)
		return T_FILES;
	if (umask(TARGET_UMASK) != TARGET_UMASK)
		return T_TASK;
	if (prctl(PR_GET_NAME, comm) || strcmp(comm, TARGET_COMM))
		return T_TASK;
	if (sigaction(SIGUSR1, NULL, &sa) || sa.sa_handler != usr1_handler ||
	    !(sa.sa_flags & SA_RESTART))
		return T_SIGNALS;
	if (sigprocmask(SIG_BLOCK, NULL, &set) || !sigismember(&set, SIGUSR2) ||
	    sigismember(&set, SIGUSR1))
		return T_SIGNALS;
	return T_OK;
}

/* A thread with a descriptor table of its own. */
static void *idle_thread(void *arg)
{
	unshare(CLONE_FILES);
	for (;;)
		pause();
	return arg;
}

/* The harness shares memory with its tests: the image cannot hold that. */
static int unmap_shared(void)
{
	unsigned long start[16], end[16];
	char line[512], perm[8];
	int n = 0, i;
	FILE *f;

	f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	while (n < 16 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &start[n], &end[n], perm) == 3 &&
		    perm[3] == 's')
			n++;
	}
	fclose(f);
	for (i = 0; i < n; i++)
		if (munmap((void *)start[i], end[i] - start[i]))
			return -1;
	return 0;
}

static int target_extras(void)
{
	void *shared;
	pthread_t thread;
	pid_t pid;

	/* (UNIX, TCP, UDP and NETLINK_ROUTE sockets are saved) */
	if ((g.extra & TARGET_PIPE) &&
	    socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC) < 0)
		return -1;
	if (g.extra & TARGET_SHARED) {
		/* shared with a process outside the tree: a daemonized grandchild */
		shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (shared == MAP_FAILED)
			return -1;
		memset(shared, 1, 4096);
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0) {
			if (fork() == 0) {
				alarm(60);
				for (;;)
					pause();
			}
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	if ((g.extra & TARGET_THREAD) &&
	    pthread_create(&thread, NULL, idle_thread, NULL))
		return -1;
	if (g.extra & TARGET_CHILD) {
		/*
		 * The fd table shared with a process outside the tree: a
		 * child sharing it (like fork(), but CLONE_FILES) clones a
		 * grandchild sharing it too and exits, the grandchild is
		 * re-parented.
		 */
		pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, NULL, NULL, 0);
		if (pid < 0)
			return -1;
		if (pid == 0) {
			if (syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, NULL,
				    NULL, 0) == 0) {
				alarm(60);
				for (;;)
					pause();
			}
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	return 0;
}

static __noreturn void target_main(void)
{
	const struct timespec ts = { .tv_nsec = STEP_NSEC };
	struct sigaction sa = {
		.sa_handler = usr1_handler,
		.sa_flags = SA_RESTART,
	};
	struct state *s = g.st;
	__u64 spin[SPIN_REGS];
	struct progress pr;
	sigset_t set;
	__u32 i;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != g.parent || unmap_shared())
		_exit(T_SETUP);
	prctl(PR_SET_NAME, TARGET_COMM);
	umask(TARGET_UMASK);

	/* Only files that the image can hold */
	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 ||
	    close_range(3, ~0U, 0))
		_exit(T_SETUP);
	if (open(g.progress, O_RDWR | O_CLOEXEC) != PROGRESS_FD ||
	    open("/tmp", O_RDONLY | O_DIRECTORY) != DIR_FD)
		_exit(T_SETUP);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	if (sigaction(SIGUSR1, &sa, NULL) || sigprocmask(SIG_BLOCK, &set, NULL) ||
	    target_extras())
		_exit(T_SETUP);

	s->counter = 0;
	s->d = 1.0;
	for (i = 0; i < NWORDS; i++)
		s->words[i] = i;
	for (;;) {
		step(s);
		pr.counter = s->counter;
		pr.check = ~s->counter;
		if (pwrite(PROGRESS_FD, &pr, sizeof(pr), 0) != sizeof(pr))
			_exit(T_IO);
		if (!access(g.stop, F_OK))
			_exit(verify_state(s));
		if (g.extra & TARGET_SPIN) {
			for (i = 0; i < SPIN_REGS; i++)
				spin[i] = spin_pattern(s->counter, i);
			if (spin_keeping_regs(spin, SPIN_LOOPS))
				_exit(T_REGS);
			continue;
		}
		if (sleep_keeping_xmm8(&ts, xmm_pattern(s->counter)) !=
		    xmm_pattern(s->counter))
			_exit(T_FPU);
	}
}

/* The counter in the progress file: 0 (none yet) or more, -1 on error. */
static long long read_progress(int fd)
{
	struct progress pr;
	int i;

	for (i = 0; i < 1000; i++) {
		if (pread(fd, &pr, sizeof(pr), 0) != sizeof(pr))
			return -1;
		if (pr.check == ~pr.counter)
			return pr.counter;
	}
	return -1;
}

static int reset_progress(int fd)
{
	struct progress pr = { .counter = 0, .check = ~0ULL };

	return pwrite(fd, &pr, sizeof(pr), 0) == sizeof(pr) ? 0 : -1;
}

/* Exit code of a finished child as wait_exit() gives it, -1 if running. */
static int exited(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, WNOHANG) != pid)
		return -1;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/*
 * Wait until the progress counter of our child @pid reaches @min:
 * the counter, or -1 if it timed out, or -2 if the child ended (its
 * exit code in *code).
 */
static long long wait_progress(int fd, pid_t pid, __u64 min, int *code)
{
	long long c = -1;
	int i;

	for (i = 0; i < WAIT_SECS * 200; i++) {
		c = read_progress(fd);
		if (c >= 0 && (__u64)c >= min)
			return c;
		*code = exited(pid);
		if (*code >= 0)
			return -2;
		usleep(5000);
	}
	ksft_print_msg("no progress past %lld\n", c);
	return -1;
}

/* Exit code of our child @pid, or -1 if it did not end in @secs (then killed). */
static int wait_exit_timeout(pid_t pid, int secs)
{
	int i, code;

	for (i = 0; i < secs * 200; i++) {
		code = exited(pid);
		if (code >= 0)
			return code;
		usleep(5000);
	}
	reap(pid);
	return -1;
}

/* cgroup v2 freezer */
static void cg_path(char *buf, size_t size, pid_t pid, const char *file)
{
	snprintf(buf, size, CGROUP_ROOT "/ckst-%d%s%s", pid, file ? "/" : "",
		 file ?: "");
}

static int cg_write(pid_t pid, const char *file, const char *val)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	cg_path(path, sizeof(path), pid, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* Wait until cgroup.events says "frozen @frozen". */
static int cg_wait_frozen(pid_t pid, int frozen)
{
	char path[PATH_MAX], buf[512], want[16];
	ssize_t n;
	int fd, i;

	cg_path(path, sizeof(path), pid, "cgroup.events");
	snprintf(want, sizeof(want), "frozen %d\n", frozen);
	for (i = 0; i < WAIT_SECS * 1000; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return -1;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n < 0)
			return -1;
		buf[n] = '\0';
		if (strstr(buf, want))
			return 0;
		usleep(1000);
	}
	ksft_print_msg("%s never said \"frozen %d\"\n", path, frozen);
	return -1;
}

/* Move @pid to its own cgroup /sys/fs/cgroup/ckst-PID and freeze it. */
static int freeze_child(pid_t pid)
{
	char path[PATH_MAX], val[16];

	cg_path(path, sizeof(path), pid, NULL);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	snprintf(val, sizeof(val), "%d", pid);
	if (cg_write(pid, "cgroup.procs", val) ||
	    cg_write(pid, "cgroup.freeze", "1"))
		return -1;
	return cg_wait_frozen(pid, 1);
}

static int thaw_child(pid_t pid)
{
	if (cg_write(pid, "cgroup.freeze", "0"))
		return -1;
	return cg_wait_frozen(pid, 0);
}

/* Thaw and remove the cgroup of @pid; what was in it must be gone. */
static void cg_remove(pid_t pid)
{
	char path[PATH_MAX];
	int i;

	cg_path(path, sizeof(path), pid, NULL);
	if (access(path, F_OK))
		return;
	cg_write(pid, "cgroup.freeze", "0");
	for (i = 0; i < 1000 && rmdir(path) && errno == EBUSY; i++)
		usleep(5000);
}

/* Records of an image */
struct rec {
	size_t off;
	const struct ckpt_hdr *h;
};

struct image {
	unsigned char *buf;
	size_t len;
	struct rec *recs;
	size_t nr;		/* the tail included */
};

static void image_free(struct image *im)
{
	free(im->buf);
	free(im->recs);
	memset(im, 0, sizeof(*im));
}

/* Split the image into records up to its tail, which must end it. */
static int image_split(struct image *im)
{
	const struct ckpt_hdr *h;
	size_t off = 0, size = 0;

	im->nr = 0;
	while (im->len - off >= sizeof(*h)) {
		h = (const struct ckpt_hdr *)(im->buf + off);
		if (h->len < sizeof(*h) || h->len % CKPT_REC_ALIGN ||
		    h->len > im->len - off) {
			ksft_print_msg("bad length %u of record %#x at offset %zu\n",
				       h->len, h->type, off);
			return -1;
		}
		if (im->nr == size) {
			size = size * 2 + 64;
			im->recs = realloc(im->recs, size * sizeof(*im->recs));
			if (!im->recs)
				return -1;
		}
		im->recs[im->nr].off = off;
		im->recs[im->nr].h = h;
		im->nr++;
		off += h->len;
		if (h->type == CKPT_REC_TAIL) {
			if (off == im->len)
				return 0;
			ksft_print_msg("%zu bytes after the tail\n", im->len - off);
			return -1;
		}
	}
	ksft_print_msg("no tail record in %zu bytes\n", im->len);
	return -1;
}

static int image_load(int fd, struct image *im)
{
	ssize_t len;

	memset(im, 0, sizeof(*im));
	len = read_all(fd, &im->buf);
	if (len < 0)
		return -1;
	im->len = len;
	return image_split(im);
}

/* Index of the first record of @type from @from on, or -1. */
static int image_find(const struct image *im, __u32 type, size_t from)
{
	size_t i;

	for (i = from; i < im->nr; i++)
		if (im->recs[i].h->type == type)
			return i;
	return -1;
}

static const void *rec_at(const struct image *im, size_t i)
{
	return im->recs[i].h;
}

#ifdef CKPT_REC_SIGPENDING
/* SIGPENDING and ITIMERS at @i: nothing pending, ITIMER_REAL disarmed. */
static int check_no_signals(const struct image *im, size_t i)
{
	const struct ckpt_rec_sigpending *sp;
	const struct ckpt_rec_itimers *it;

	if (i + 1 >= im->nr)
		return -1;
	sp = rec_at(im, i);
	it = rec_at(im, i + 1);
	if (sp->h.type != CKPT_REC_SIGPENDING || sp->nr ||
	    it->h.type != CKPT_REC_ITIMERS || it->real_value_ns)
		return -1;
	return 0;
}
#endif

/* Copy saved memory @addr..@addr+@len out of the PAGES records. */
static int image_mem(const struct image *im, __u64 addr, void *out, size_t len)
{
	size_t page = getpagesize(), i, got = 0;
	const struct ckpt_rec_pages *p;
	__u64 start, end, lo, hi;

	for (i = 0; i < im->nr; i++) {
		if (im->recs[i].h->type != CKPT_REC_PAGES)
			continue;
		p = rec_at(im, i);
		start = p->addr;
		end = start + (__u64)p->nr_pages * page;
		lo = start > addr ? start : addr;
		hi = end < addr + len ? end : addr + len;
		if (lo >= hi)
			continue;
		memcpy((char *)out + (lo - addr),
		       (const char *)(p + 1) + (lo - start), hi - lo);
		got += hi - lo;
	}
	return got == len ? 0 : -1;
}

/*
 * The target's state in the image: the counter, checked against the
 * words and the double.  A target frozen in the middle of a step has
 * updated a prefix of the words, maybe the double, not the counter.
 */
static long long image_state(const struct image *im)
{
	struct state *s = malloc(sizeof(*s));
	long long ret = -1;
	__u32 i, k;
	__u64 c;

	if (!s || image_mem(im, (unsigned long)g.st, s, sizeof(*s))) {
		ksft_print_msg("the state at %p is not all in the image\n", g.st);
		goto out;
	}
	c = s->counter;
	for (k = 0; k < NWORDS && s->words[k] == word_at(k, c + 1); k++)
		;
	for (i = k; i < NWORDS; i++) {
		if (s->words[i] != word_at(i, c)) {
			ksft_print_msg("saved word %u is %#x, counter %llu\n", i,
				       s->words[i], (unsigned long long)c);
			goto out;
		}
	}
	if (s->d != double_at(c) && (k < NWORDS || s->d != double_at(c + 1))) {
		ksft_print_msg("saved double %a does not go with counter %llu\n",
			       s->d, (unsigned long long)c);
		goto out;
	}
	ret = c;
out:
	free(s);
	return ret;
}

/* /proc/PID/maps */
struct map {
	unsigned long start, end;
	__u32 prot;
	char name[PATH_MAX];
};

static int read_maps(pid_t pid, struct map *maps, int max)
{
	char path[64], line[PATH_MAX + 128], perm[8];
	unsigned long start, end;
	int n = 0, name_at;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		name_at = 0;
		if (sscanf(line, "%lx-%lx %4s %*x %*x:%*x %*u %n", &start, &end,
			   perm, &name_at) < 3)
			break;
		if (start >= 0x800000000000UL)	/* [vsyscall] is no mapping */
			continue;
		maps[n].start = start;
		maps[n].end = end;
		maps[n].prot = (perm[0] == 'r' ? PROT_READ : 0) |
			       (perm[1] == 'w' ? PROT_WRITE : 0) |
			       (perm[2] == 'x' ? PROT_EXEC : 0);
		snprintf(maps[n].name, sizeof(maps[n].name), "%s",
			 name_at ? line + name_at : "");
		n++;
	}
	fclose(f);
	return n;
}

static __u32 expected_kind(const struct map *m)
{
	if (!strcmp(m->name, "[vdso]"))
		return CKPT_VMA_VDSO;
	if (!strcmp(m->name, "[vvar]"))
		return CKPT_VMA_VVAR;
	if (m->name[0] == '/')
		return CKPT_VMA_FILE;
	return CKPT_VMA_ANON;
}

static bool in_vma(const struct ckpt_rec_vma *v, __u64 addr)
{
	return v && addr >= v->start && addr < v->end;
}

/* The MAPPED_FILE record before @v holds its file's size and mtime. */
static void check_mapped_file(struct __test_metadata *_metadata,
			      const struct ckpt_rec_mapped_file *mf,
			      const struct ckpt_rec_vma *v)
{
	char path[PATH_MAX];
	struct stat st;

	ASSERT_GT(sizeof(path), v->path_len);
	memcpy(path, v + 1, v->path_len);
	path[v->path_len] = 0;
	ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
	EXPECT_EQ((__u64)st.st_size, mf->size) TH_LOG("%s", path);
	EXPECT_EQ(st.st_mtim.tv_sec, mf->mtime_sec) TH_LOG("%s", path);
	EXPECT_EQ(st.st_mtim.tv_nsec, mf->mtime_nsec) TH_LOG("%s", path);
	EXPECT_EQ(0, mf->pad);
}

#define MAX_MAPS	256

/*
 * The MM record at @mm, then its VMA records, each with its PAGES: all
 * of them checked against the frozen target's /proc/PID/maps.  Returns
 * the index of the record after the last of them.
 */
static size_t check_memory(struct __test_metadata *_metadata,
			   const struct image *im, size_t mm,
			   const struct map *maps, int nr_maps,
			   const struct user_regs_struct *regs)
{
	const struct ckpt_rec_vma *v, *stack = NULL, *code = NULL;
	const struct ckpt_rec_mm *m = rec_at(im, mm);
	size_t page = getpagesize(), i = mm + 1;
	unsigned long state = (unsigned long)g.st;
	bool state_saved = false, aux_pagesz = false;
	unsigned int nr_vmas = 0, nr_vdso = 0;
	__u64 prev_end = 0, pages_end;
	char exe[PATH_MAX] = "";
	int k;

	ASSERT_LT(0, nr_maps);
	ASSERT_LE(sizeof(*m), m->h.len);
	EXPECT_EQ(m->h.len, CKPT_ALIGN(sizeof(*m) + m->exe_len));
	ASSERT_LT(0, readlink("/proc/self/exe", exe, sizeof(exe) - 1));
	EXPECT_EQ(strlen(exe), m->exe_len);
	EXPECT_EQ(0, memcmp(m + 1, exe, m->exe_len < strlen(exe) ? m->exe_len : strlen(exe)))
		TH_LOG("exe \"%.*s\", expected \"%s\"", (int)m->exe_len,
		       (const char *)(m + 1), exe);
	EXPECT_LE(m->start_brk, m->brk);
	EXPECT_LE(m->start_code, m->end_code);
	EXPECT_LT(0, m->start_stack);
	EXPECT_EQ(nr_maps, m->nr_vmas);
	for (k = 0; k + 1 < CKPT_AUXV_WORDS && m->auxv[k]; k += 2) {
		if (m->auxv[k] == AT_PAGESZ) {
			EXPECT_EQ(page, m->auxv[k + 1]);
			aux_pagesz = true;
		}
	}
	EXPECT_TRUE(aux_pagesz);

	for (; i < im->nr && (im->recs[i].h->type == CKPT_REC_VMA ||
			      im->recs[i].h->type == CKPT_REC_MAPPED_FILE); nr_vmas++) {
		const struct ckpt_rec_mapped_file *mf = NULL;

		if (im->recs[i].h->type == CKPT_REC_MAPPED_FILE) {
			mf = rec_at(im, i++);
			ASSERT_EQ(sizeof(*mf), mf->h.len);
			ASSERT_LT(i, im->nr);
			ASSERT_EQ(CKPT_REC_VMA, im->recs[i].h->type);
		}
		v = rec_at(im, i++);
		ASSERT_LE(sizeof(*v), v->h.len);
		/* a file mapping's record comes after the file's, and only it */
		EXPECT_EQ(v->kind == CKPT_VMA_FILE, mf != NULL)
			TH_LOG("mapping %llx-%llx", v->start, v->end);
		if (mf && v->kind == CKPT_VMA_FILE)
			check_mapped_file(_metadata, mf, v);
		EXPECT_EQ(v->h.len, CKPT_ALIGN(sizeof(*v) + v->path_len));
		EXPECT_LE(prev_end, v->start);
		EXPECT_LT(v->start, v->end);
		EXPECT_EQ(0, v->start % page);
		EXPECT_EQ(0, v->end % page);
		prev_end = v->end;
		if (v->kind == CKPT_VMA_VDSO) {
			EXPECT_EQ(m->vdso, v->start);
			nr_vdso++;
		}
		if (v->flags & CKPT_VMA_GROWSDOWN)
			stack = in_vma(v, regs->rsp) ? v : stack;
		if ((v->prot & PROT_EXEC) && in_vma(v, regs->rip))
			code = v;
		if (nr_vmas < (unsigned int)nr_maps) {
			const struct map *mp = &maps[nr_vmas];

			EXPECT_EQ(mp->start, v->start);
			EXPECT_EQ(mp->end, v->end);
			EXPECT_EQ(mp->prot, v->prot)
				TH_LOG("mapping %lx-%lx", mp->start, mp->end);
			EXPECT_EQ(expected_kind(mp), v->kind)
				TH_LOG("mapping %lx-%lx %s", mp->start, mp->end, mp->name);
			if (v->kind == CKPT_VMA_FILE) {
				EXPECT_EQ(strlen(mp->name), v->path_len);
				EXPECT_EQ(0, strncmp(mp->name, (const char *)(v + 1),
						     v->path_len));
			} else {
				EXPECT_EQ(0, v->path_len);
			}
		}

		pages_end = v->start;
		while (i < im->nr && im->recs[i].h->type == CKPT_REC_PAGES) {
			const struct ckpt_rec_pages *p = rec_at(im, i++);

			ASSERT_LE(sizeof(*p), p->h.len);
			EXPECT_EQ(p->h.len, sizeof(*p) + (size_t)p->nr_pages * page);
			EXPECT_LT(0, p->nr_pages);
			EXPECT_GE(64, p->nr_pages);
			EXPECT_EQ(0, p->addr % page);
			EXPECT_LE(pages_end, p->addr);
			EXPECT_GE(v->end, p->addr + (__u64)p->nr_pages * page);
			EXPECT_TRUE(v->kind == CKPT_VMA_ANON || v->kind == CKPT_VMA_FILE)
				TH_LOG("pages in a mapping of kind %u", v->kind);
			pages_end = p->addr + (__u64)p->nr_pages * page;
		}
		if (v->kind == CKPT_VMA_ANON && in_vma(v, state) &&
		    in_vma(v, state + sizeof(*g.st) - 1))
			state_saved = true;
	}
	EXPECT_EQ(m->nr_vmas, nr_vmas);
	EXPECT_EQ(1, nr_vdso);
	EXPECT_TRUE(state_saved)
		TH_LOG("no anonymous mapping holds the state at %p", g.st);
	EXPECT_NE(NULL, stack)
		TH_LOG("sp %#llx is in no stack mapping", regs->rsp);
	EXPECT_NE(NULL, code)
		TH_LOG("ip %#llx is in no executable mapping", regs->rip);
	return i;
}

#ifdef CKPT_REC_CREDS
/* The target's credentials are ours.  Returns 1: the record count. */
static int check_creds(struct __test_metadata *_metadata,
		       const struct ckpt_rec_creds *c)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct caps[2];
	gid_t groups[64];
	int n;

	EXPECT_EQ(CKPT_REC_CREDS, c->h.type);
	if (c->h.type != CKPT_REC_CREDS)
		return 0;
	ASSERT_LE(sizeof(*c), c->h.len);
	EXPECT_EQ(c->h.len, CKPT_ALIGN(sizeof(*c) + c->ngroups * sizeof(__u32)));
	EXPECT_EQ(getuid(), c->uid);
	EXPECT_EQ(geteuid(), c->euid);
	EXPECT_EQ(geteuid(), c->fsuid);
	EXPECT_EQ(getgid(), c->gid);
	EXPECT_EQ(getegid(), c->egid);
	EXPECT_EQ(getegid(), c->fsgid);
	ASSERT_EQ(0, syscall(SYS_capget, &hdr, caps));
	EXPECT_EQ(caps[0].effective | (__u64)caps[1].effective << 32,
		  c->cap_effective);
	EXPECT_EQ(caps[0].permitted | (__u64)caps[1].permitted << 32,
		  c->cap_permitted);
	EXPECT_EQ(0, c->flags & CKPT_CREDS_NO_NEW_PRIVS);
	/* numbered for tasks that would share them, written in full */
	EXPECT_NE(0, c->objref);
	EXPECT_EQ(0, c->flags & CKPT_CREDS_SHARED);
	n = getgroups(64, groups);
	EXPECT_EQ(n, c->ngroups);
	return 1;
}
#endif

/* Everything about one target */
struct env {
	pid_t pid;		/* the target */
	bool alive;		/* not reaped yet */
	int pfd;		/* its progress file */
	int img;		/* memfd for the image */
	int log;		/* memfd for the log */
	struct image im;
	/* the frozen target, as the last checkpoint saw it */
	struct map *maps;
	int nr_maps;
	pid_t pgid, sid;
	char log_buf[16384];
};

/*
 * A complete image of the target: every record in its place, each
 * checked against what the target was when it was frozen.  Returns the
 * saved counter.
 */
static long long check_image(struct __test_metadata *_metadata,
			     const struct env *e)
{
	const struct image *im = &e->im;
	pid_t pid = e->pid;
	const struct ckpt_rec_header *hdr;
	const struct ckpt_rec_tail *tail;
	const struct ckpt_rec_cpu_x86_64 *cpu;
	const struct ckpt_rec_sighand *sig;
	const struct ckpt_rec_task *task;
	const struct ckpt_task_ids *ids;
	const struct ckpt_rec_tree *tree;
	struct user_regs_struct regs;
	long long saved;
	size_t i, files;
	__u64 xmm8;

	ASSERT_LE(7, im->nr);
	ASSERT_EQ(-1, image_find(im, CKPT_REC_ERROR, 0))
		TH_LOG("the image holds an error record");

	hdr = rec_at(im, 0);
	ASSERT_EQ(CKPT_REC_HEADER, hdr->h.type);
	ASSERT_EQ(sizeof(*hdr), hdr->h.len);
	EXPECT_EQ(0, memcmp(hdr->magic, CKPT_MAGIC, CKPT_MAGIC_LEN));
	EXPECT_EQ(CKPT_VERSION_MAJOR, hdr->major);
	EXPECT_EQ(CKPT_VERSION_MINOR, hdr->minor);
	EXPECT_EQ(CKPT_ARCH_NATIVE, hdr->arch);
	EXPECT_EQ(getpagesize(), 1 << hdr->page_shift);
	EXPECT_EQ(0, hdr->flags);
	EXPECT_EQ(pid, hdr->root_pid);
	EXPECT_EQ(0, check_cpu_fields(hdr));

	tree = rec_at(im, 1);
	ASSERT_EQ(CKPT_REC_TREE, tree->h.type);
	ASSERT_EQ(sizeof(*tree) + sizeof(*ids), tree->h.len);
	ASSERT_EQ(1, tree->nr_tasks);
	ids = (const void *)(tree + 1);
	EXPECT_EQ(pid, ids->pid);
	EXPECT_EQ(pid, ids->tgid);
	EXPECT_EQ(0, ids->ppid);
	EXPECT_EQ(e->pgid, ids->pgid);
	EXPECT_EQ(e->sid, ids->sid);
	EXPECT_EQ(sizeof(*ids), tree->task_size);
	EXPECT_EQ((ids->pgid == pid ? CKPT_TASK_GROUP_LEADER : 0) |
		  (ids->sid == pid ? CKPT_TASK_SESSION_LEADER : 0) |
		  (has_ctty() ? CKPT_TASK_CTTY : 0), ids->flags);
	if (ids->sid != pid)
		EXPECT_EQ(0, ids->tty_pgrp);

	task = rec_at(im, 2);
	ASSERT_EQ(CKPT_REC_TASK, task->h.type);
	ASSERT_EQ(sizeof(*task), task->h.len);
	EXPECT_EQ(pid, task->pid);
	EXPECT_STREQ(TARGET_COMM, task->comm);
	EXPECT_EQ(personality(0xffffffff), task->personality);
	EXPECT_EQ(SIGCHLD, task->exit_signal);
	EXPECT_EQ(SIGKILL, task->pdeath_signal);
	EXPECT_EQ(TARGET_UMASK, task->umask);
	if (task->rseq_len) {
		EXPECT_EQ(0, task->rseq % 32);
		EXPECT_NE(0, task->rseq);
	}

	i = 3;
#ifdef CKPT_REC_CREDS
	i += check_creds(_metadata, rec_at(im, i));
#endif
#ifdef CKPT_REC_RLIMITS
	{
		const struct ckpt_rec_rlimits *rl = rec_at(im, i++);
		struct rlimit lim;

		ASSERT_EQ(CKPT_REC_RLIMITS, rl->h.type);
		ASSERT_EQ(sizeof(*rl), rl->h.len);
		ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &lim));
		EXPECT_EQ(lim.rlim_cur, rl->rlim[RLIMIT_NOFILE].cur);
		EXPECT_EQ(lim.rlim_max, rl->rlim[RLIMIT_NOFILE].max);
	}
#endif
#ifdef CKPT_REC_SCHED
	{
		const struct ckpt_rec_sched *sc = rec_at(im, i++);

		ASSERT_EQ(CKPT_REC_SCHED, sc->h.type);
		ASSERT_EQ(sizeof(*sc), sc->h.len);
		EXPECT_EQ(SCHED_OTHER, sc->policy);
	}
#endif
#ifdef CKPT_REC_RESTART_BLOCK
	EXPECT_EQ(CKPT_REC_RESTART_BLOCK,
		  ((const struct ckpt_hdr *)rec_at(im, i))->type);
	i++;
#endif
	cpu = rec_at(im, i++);
	ASSERT_EQ(CKPT_REC_CPU_X86_64, cpu->h.type);
	ASSERT_LE(sizeof(*cpu), cpu->h.len);
	EXPECT_EQ(cpu->h.len, CKPT_ALIGN(sizeof(*cpu) + cpu->xsave_size));
	EXPECT_LE(576, cpu->xsave_size);
	ASSERT_EQ(sizeof(regs), sizeof(cpu->regs));
	memcpy(&regs, cpu->regs, sizeof(regs));
	EXPECT_EQ(0x33, regs.cs);
	EXPECT_EQ(0x2b, regs.ss);
	EXPECT_NE(0, regs.fs_base);
	/* the saved XSTATE_BV is what the record says */
	EXPECT_EQ(cpu->xfeatures, *(const __u64 *)((const char *)(cpu + 1) + 512));
	memcpy(&xmm8, (const char *)(cpu + 1) + XSAVE_XMM8, sizeof(xmm8));

	ASSERT_EQ(CKPT_REC_MM, im->recs[i].h->type);
	i = check_memory(_metadata, im, i, e->maps, e->nr_maps, &regs);

#ifdef CKPT_REC_FS
	{
		const struct ckpt_rec_fs *fs = rec_at(im, i++);

		ASSERT_EQ(CKPT_REC_FS, fs->h.type);
		ASSERT_LT(0, fs->cwd_len);
		EXPECT_EQ(0, fs->root_len);
		EXPECT_EQ(CKPT_ALIGN(sizeof(*fs) + fs->cwd_len), fs->h.len);
		EXPECT_EQ('/', *(const char *)(fs + 1));
	}
#endif
	files = i;
	while (i < im->nr && im->recs[i].h->type == CKPT_REC_FILE)
		i++;
	EXPECT_EQ(NR_FDS, i - files);

	ASSERT_GT(im->nr, i);
	sig = rec_at(im, i++);
	ASSERT_EQ(CKPT_REC_SIGHAND, sig->h.type);
	ASSERT_EQ(sizeof(*sig), sig->h.len);
	EXPECT_EQ((unsigned long)usr1_handler, sig->action[SIGUSR1 - 1].handler);
	EXPECT_TRUE(sig->action[SIGUSR1 - 1].flags & SA_RESTART);
	EXPECT_EQ(0, sig->action[SIGUSR2 - 1].handler);
	EXPECT_TRUE(sig->blocked & (1ULL << (SIGUSR2 - 1)));
	EXPECT_FALSE(sig->blocked & (1ULL << (SIGUSR1 - 1)));
	EXPECT_EQ(0, sig->altstack_size);
#ifdef CKPT_REC_SIGPENDING
	/* the target has nothing pending and no timer armed */
	EXPECT_EQ(0, check_no_signals(im, i));
	i += 2;
#endif

	ASSERT_EQ(im->nr - 1, i);
	tail = rec_at(im, i);
	ASSERT_EQ(sizeof(*tail), tail->h.len);
	EXPECT_EQ(0, memcmp(tail->magic, CKPT_TAIL_MAGIC, CKPT_MAGIC_LEN));
	EXPECT_EQ(im->nr - 1, tail->records);
	EXPECT_EQ(im->recs[i].off, tail->length);
	EXPECT_EQ(CKPT_CSUM_CRC32, tail->csum_type);
	EXPECT_EQ(ckpt_crc32(im->buf, im->recs[i].off), tail->csum);

	/* the saved memory: the counter and what goes with it */
	saved = image_state(im);
	EXPECT_LE(3, saved);
	/* frozen in its sleep, as it mostly is: xmm8 holds the pattern */
	if (regs.orig_rax == __NR_nanosleep) {
		EXPECT_EQ(xmm_pattern(saved), xmm8)
			TH_LOG("saved counter %lld", saved);
	}
	ksft_print_msg("image: %zu records, %zu bytes; counter %lld; %s %lld, ax %lld\n",
		       im->nr, im->len, saved,
		       (long long)regs.orig_rax < 0 ? "frozen at ip" : "frozen in system call",
		       (long long)regs.orig_rax < 0 ? (long long)regs.rip :
						      (long long)regs.orig_rax,
		       (long long)regs.rax);
	return saved;
}

static char *read_logfd(struct env *e)
{
	ssize_t n = pread(e->log, e->log_buf, sizeof(e->log_buf) - 1, 0);

	e->log_buf[n > 0 ? n : 0] = '\0';
	return e->log_buf;
}

static void clear_log(struct env *e)
{
	if (ftruncate(e->log, 0) || lseek(e->log, 0, SEEK_SET))
		ksft_print_msg("cannot clear the log: %s\n", strerror(errno));
}

static bool log_says(struct env *e, const char *what)
{
	if (strstr(read_logfd(e), what))
		return true;
	ksft_print_msg("the log does not say \"%s\": \"%s\"\n", what, e->log_buf);
	return false;
}

static bool have_cgroup2(void)
{
	return !access(CGROUP_ROOT "/cgroup.controllers", F_OK) ||
	       !access(CGROUP_ROOT "/cgroup.procs", F_OK);
}

/* Why these tests cannot run here, or NULL */
static const char *cannot_run(void)
{
	if (!ckpt_supported())
		return "checkpoint() and restart() are not supported";
	if (getuid())
		return "must run as root";
	if (!have_cgroup2())
		return "no cgroup2 at " CGROUP_ROOT;
	return NULL;
}

/* Start a target with @extra things and wait until it counts. */
static void env_setup(struct __test_metadata *_metadata, struct env *e,
		      unsigned int extra)
{
	struct stat st;
	int code = -1;

	memset(e, 0, sizeof(*e));
	e->pfd = -1;
	e->img = -1;
	e->log = -1;
	/* reparent the target's own children to us, to reap them */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));

	g.parent = getpid();
	g.extra = extra;
	snprintf(g.progress, sizeof(g.progress), "/tmp/ckst-%d.progress", getpid());
	snprintf(g.stop, sizeof(g.stop), "/tmp/ckst-%d.stop", getpid());
	unlink(g.stop);
	e->pfd = open(g.progress, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, e->pfd);
	ASSERT_EQ(0, reset_progress(e->pfd));
	ASSERT_EQ(0, fstat(e->pfd, &st));
	g.progress_ino = st.st_ino;
	g.st = malloc(sizeof(*g.st));
	ASSERT_NE(NULL, g.st);
	memset(g.st, 0, sizeof(*g.st));

	e->img = memfd_create("image", 0);
	ASSERT_LE(0, e->img);
	e->log = memfd_create("log", 0);
	ASSERT_LE(0, e->log);

	e->maps = calloc(MAX_MAPS, sizeof(*e->maps));
	ASSERT_NE(NULL, e->maps);

	e->pid = fork_flushed();
	ASSERT_LE(0, e->pid);
	if (e->pid == 0)
		target_main();
	e->alive = true;
	ASSERT_LT(0, wait_progress(e->pfd, e->pid, 3, &code))
		TH_LOG("the target does not count (exit code %d)", code);
}

/* The target is gone (killed and reaped): remove its cgroup. */
static void env_reaped(struct env *e)
{
	e->alive = false;
	cg_remove(e->pid);
}

static void env_kill(struct env *e)
{
	if (e->alive)
		reap(e->pid);
	env_reaped(e);
}

static void env_teardown(struct env *e)
{
	int i;

	if (e->pid > 0)
		env_kill(e);
	/* the target's child, if any, dies with it and comes to us */
	for (i = 0; i < 400 && (waitpid(-1, NULL, WNOHANG) >= 0 || errno != ECHILD); i++)
		usleep(5000);
	if (g.progress[0])
		unlink(g.progress);
	if (g.stop[0])
		unlink(g.stop);
	if (e->pfd >= 0)
		close(e->pfd);
	if (e->img >= 0)
		close(e->img);
	if (e->log >= 0)
		close(e->log);
	image_free(&e->im);
	free(e->maps);
	free(g.st);
	g.st = NULL;
}

/* Freeze the target, checkpoint it with @flags, load the image. */
static long env_checkpoint(struct __test_metadata *_metadata, struct env *e,
			   unsigned int flags)
{
	long ret;

	if (freeze_child(e->pid)) {
		TH_LOG("cannot freeze the target: %s", strerror(errno));
		return LONG_MIN;
	}
	e->nr_maps = read_maps(e->pid, e->maps, MAX_MAPS);
	e->pgid = getpgid(e->pid);
	e->sid = getsid(e->pid);
	ret = sys_checkpoint(e->pid, e->img, flags, e->log);
	if (image_load(e->img, &e->im)) {
		TH_LOG("the image is unreadable");
		return LONG_MIN;
	}
	return ret;
}

/* Is the target alive, and does it count on once thawed? */
static bool target_runs_on(struct __test_metadata *_metadata, struct env *e)
{
	long long before, after;
	int code = -1;

	if (kill(e->pid, 0) || exited(e->pid) >= 0) {
		TH_LOG("the target is gone");
		return false;
	}
	before = read_progress(e->pfd);
	if (before < 0 || thaw_child(e->pid)) {
		TH_LOG("cannot thaw the target");
		return false;
	}
	after = wait_progress(e->pfd, e->pid, before + 3, &code);
	if (after < 0) {
		TH_LOG("the target stopped at %lld (exit code %d)", before, code);
		return false;
	}
	return true;
}

/*
 * A fd to read @len bytes of @buf from: a fresh read-only open of a
 * memfd holding them, or a pipe that a writer child fills.
 */
static int feed(const unsigned char *buf, size_t len, bool use_pipe,
		pid_t *writer)
{
	char path[64];
	int fd, ro, p[2];
	size_t done;
	ssize_t n;

	*writer = 0;
	if (use_pipe) {
		if (pipe(p))
			return -1;
		*writer = fork_flushed();
		if (*writer == 0) {
			close(p[0]);
			for (done = 0; done < len; done += n) {
				n = write(p[1], buf + done, len - done);
				if (n <= 0)
					_exit(1);
			}
			_exit(0);
		}
		close(p[1]);
		return p[0];
	}
	fd = memfd_create("image", 0);
	if (fd < 0)
		return -1;
	for (done = 0; done < len; done += n) {
		n = write(fd, buf + done, len - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY);
	close(fd);
	return ro;
}

/*
 * A child of ours that calls restart(@pid, fd, @flags, log) with @len
 * bytes of @buf.  If restart() returns, the child exits with the errno,
 * after checking that it still has its fds.  Returns its exit code
 * (128 + signal if killed), or -1 if it did not end in time.
 */
static int restore(struct env *e, const unsigned char *buf, size_t len,
		   bool use_pipe, pid_t pid, unsigned int flags)
{
	pid_t child, writer;
	int fd, code;
	long ret;

	fd = feed(buf, len, use_pipe, &writer);
	if (fd < 0)
		return -3;
	child = fork_flushed();
	if (child == 0) {
		ret = sys_restart(pid, fd, flags, e->log);
		if (!ret)
			_exit(R_SUCCESS);
		if (fcntl(fd, F_GETFD) < 0 || fcntl(e->log, F_GETFD) < 0)
			_exit(R_DAMAGED);
		_exit(-ret < R_SUCCESS ? -ret : R_DAMAGED);
	}
	close(fd);
	code = child > 0 ? wait_exit_timeout(child, WAIT_SECS) : -3;
	if (writer > 0)
		reap(writer);
	return code;
}

FIXTURE(cr) {
	struct env e;
};

FIXTURE_SETUP(cr)
{
	const char *why = cannot_run();

	if (why)
		SKIP(return, "%s", why);
	env_setup(_metadata, &self->e, 0);
}

FIXTURE_TEARDOWN(cr)
{
	env_teardown(&self->e);
}

/* Freeze and checkpoint the fixture's target; the image is complete. */
#define CHECKPOINT_OK(flags) do {					\
	ASSERT_EQ(0, env_checkpoint(_metadata, &self->e, flags))	\
		TH_LOG("log: \"%s\"", read_logfd(&self->e));		\
	ASSERT_EQ(-1, image_find(&self->e.im, CKPT_REC_ERROR, 0));	\
} while (0)

/* Every record of the image of a frozen target */
TEST_F(cr, records)
{
	struct env *e = &self->e;
	long long saved, progress;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	EXPECT_EQ(0, read_logfd(e)[0])
		TH_LOG("log: \"%s\"", e->log_buf);
	saved = check_image(_metadata, e);
	progress = read_progress(e->pfd);
	EXPECT_TRUE(progress == saved || progress == saved - 1)
		TH_LOG("saved counter %lld, progress file %lld", saved, progress);
}

/* The FILE records: one per fd, in order, as the image format defines them. */
TEST_F(cr, file_records)
{
	const struct ckpt_rec_file *f;
	struct env *e = &self->e;
	const char *path;
	struct stat st;
	int i, first;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	ASSERT_EQ(0, stat("/dev/null", &st));
	first = image_find(&e->im, CKPT_REC_FILE, 0);
	ASSERT_LT(0, first);
	for (i = 0; i < NR_FDS; i++) {
		ASSERT_GT(e->im.nr, (size_t)first + i);
		f = rec_at(&e->im, first + i);
		ASSERT_EQ(CKPT_REC_FILE, f->h.type);
		ASSERT_LE(sizeof(*f), f->h.len);
		EXPECT_EQ(f->h.len, CKPT_ALIGN(sizeof(*f) + f->path_len));
		EXPECT_EQ(i, f->fd);
		path = (const char *)(f + 1);
		switch (i) {
		case 0 ... 2:
			EXPECT_EQ(CKPT_FILE_CHR, f->kind);
			EXPECT_EQ(O_RDWR, f->f_flags & O_ACCMODE);
			EXPECT_EQ(0, f->fd_flags);
			EXPECT_EQ(strlen("/dev/null"), f->path_len);
			EXPECT_EQ(0, strncmp(path, "/dev/null", f->path_len));
			/* checkpoint_hdr.h: "major << 20 | minor" */
			EXPECT_EQ(major(st.st_rdev) << 20 | minor(st.st_rdev), f->rdev)
				TH_LOG("fd %d: rdev %#x for /dev/null (%u:%u)", i,
				       f->rdev, major(st.st_rdev), minor(st.st_rdev));
			break;
		case PROGRESS_FD:
			EXPECT_EQ(CKPT_FILE_REG, f->kind);
			EXPECT_EQ(O_RDWR, f->f_flags & O_ACCMODE);
			EXPECT_EQ(CKPT_FD_CLOEXEC, f->fd_flags);
			EXPECT_EQ(0, f->pos);
			EXPECT_EQ(strlen(g.progress), f->path_len);
			EXPECT_EQ(0, strncmp(path, g.progress, f->path_len));
			EXPECT_EQ(0, f->rdev);
			break;
		case DIR_FD:
			EXPECT_EQ(CKPT_FILE_DIR, f->kind);
			EXPECT_EQ(O_RDONLY, f->f_flags & O_ACCMODE);
			EXPECT_EQ(0, f->fd_flags);
			EXPECT_EQ(strlen("/tmp"), f->path_len);
			EXPECT_EQ(0, strncmp(path, "/tmp", f->path_len));
			EXPECT_EQ(0, f->rdev);
			break;
		}
	}
	EXPECT_EQ(CKPT_REC_SIGHAND, e->im.recs[first + NR_FDS].h->type);
}

/* Checkpoint leaves the target as it was: thawed, it counts on. */
TEST_F(cr, target_runs_on)
{
	struct env *e = &self->e;
	long long saved;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	saved = image_state(&e->im);
	ASSERT_LE(3, saved);
	EXPECT_TRUE(target_runs_on(_metadata, e));

	/* and its state is still sound */
	ASSERT_EQ(0, close(open(g.stop, O_CREAT | O_WRONLY, 0600)));
	EXPECT_EQ(T_OK, wait_exit_timeout(e->pid, WAIT_SECS));
	env_reaped(e);
}

/* The mappings of @pid are those of the target when it was frozen. */
static void check_same_maps(struct __test_metadata *_metadata,
			    const struct env *e, pid_t pid)
{
	struct map *maps = calloc(MAX_MAPS, sizeof(*maps));
	int n, i;

	ASSERT_NE(NULL, maps);
	n = read_maps(pid, maps, MAX_MAPS);
	EXPECT_EQ(e->nr_maps, n);
	for (i = 0; i < n && i < e->nr_maps; i++) {
		if (maps[i].start == e->maps[i].start && maps[i].end == e->maps[i].end &&
		    maps[i].prot == e->maps[i].prot &&
		    !strcmp(maps[i].name, e->maps[i].name))
			continue;
		TH_LOG("mapping %d: %lx-%lx %x %s, was %lx-%lx %x %s", i,
		       maps[i].start, maps[i].end, maps[i].prot, maps[i].name,
		       e->maps[i].start, e->maps[i].end, e->maps[i].prot,
		       e->maps[i].name);
		_metadata->exit_code = KSFT_FAIL;
	}
	free(maps);
}

/*
 * Kill the target, have a child of ours restore itself from the image,
 * and check that it counts on from the saved counter, with the target's
 * mappings and signal handler.  Returns the restored process, still
 * running.
 */
static pid_t restore_running(struct __test_metadata *_metadata, struct env *e,
			     bool use_pipe)
{
	long long saved, first, later;
	pid_t child, writer;
	int fd, code = -1;
	long ret;

	saved = image_state(&e->im);
	EXPECT_LE(3, saved);
	env_kill(e);
	EXPECT_EQ(0, reset_progress(e->pfd));
	clear_log(e);

	fd = feed(e->im.buf, e->im.len, use_pipe, &writer);
	EXPECT_LE(0, fd);
	if (fd < 0)
		return -1;
	child = fork_flushed();
	EXPECT_LE(0, child);
	if (child == 0) {
		ret = sys_restart(0, fd, 0, e->log);
		_exit(ret ? (-ret < R_SUCCESS ? -ret : R_DAMAGED) : R_SUCCESS);
	}
	close(fd);
	if (child < 0)
		return -1;

	first = wait_progress(e->pfd, child, 1, &code);
	if (first == -1)
		reap(child);
	if (writer > 0)
		reap(writer);
	EXPECT_LE(0, first)
		TH_LOG("the restored process %s (exit code %d); log: \"%s\"",
		       first == -1 ? "does not count" : "ended", code,
		       read_logfd(e));
	if (first < 0)
		return -1;
	/* it goes on from where it was saved, not from the start */
	EXPECT_LE(saved, first);
	later = wait_progress(e->pfd, child, first + 3, &code);
	EXPECT_NE(-2, later)
		TH_LOG("the restored process ended at %lld with %d, unasked",
		       first, code);
	if (later == -2)
		return -1;
	EXPECT_LT(first, later)
		TH_LOG("the restored process stopped at %lld", first);
	ksft_print_msg("saved counter %lld; the restored process counted on from %lld to %lld\n",
		       saved, first, later);
	check_same_maps(_metadata, e, child);

	/*
	 * SIGUSR1 would kill it but for its handler, which must run and
	 * return through its restorer, FPU state intact (xmm8).
	 */
	EXPECT_EQ(0, kill(child, SIGUSR1));
	first = later;
	later = wait_progress(e->pfd, child, first + 3, &code);
	EXPECT_LT(first, later)
		TH_LOG("after SIGUSR1, the restored process stopped at %lld (exit code %d)",
		       first, code);
	if (later == -2)
		return -1;
	EXPECT_EQ(0, read_logfd(e)[0])
		TH_LOG("log: \"%s\"", e->log_buf);
	return child;
}

/* Have the restored process @pid check itself and exit: with 0. */
static void stop_restored(struct __test_metadata *_metadata, struct env *e,
			  pid_t pid)
{
	int code;

	ASSERT_EQ(0, close(open(g.stop, O_CREAT | O_WRONLY, 0600)));
	code = wait_exit_timeout(pid, WAIT_SECS);
	EXPECT_EQ(T_OK, code)
		TH_LOG("log: \"%s\"", read_logfd(e));
	ASSERT_EQ(0, unlink(g.stop));
}

TEST_F_TIMEOUT(cr, restore, 120)
{
	pid_t pid;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	pid = restore_running(_metadata, &self->e, false);
	ASSERT_LT(0, pid);
	stop_restored(_metadata, &self->e, pid);
}

/* restart() never seeks: the image may come through a pipe. */
TEST_F_TIMEOUT(cr, restore_from_pipe, 120)
{
	pid_t pid;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	pid = restore_running(_metadata, &self->e, true);
	ASSERT_LT(0, pid);
	stop_restored(_metadata, &self->e, pid);
}

/* A checkpoint of a checkpointed and thawed target restores as well. */
TEST_F_TIMEOUT(cr, restore_second_image, 120)
{
	struct env *e = &self->e;
	pid_t pid;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	ASSERT_TRUE(target_runs_on(_metadata, e));
	image_free(&e->im);
	ASSERT_EQ(0, ftruncate(e->img, 0));
	ASSERT_EQ(0, lseek(e->img, 0, SEEK_SET));
	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	pid = restore_running(_metadata, e, false);
	ASSERT_LT(0, pid);
	stop_restored(_metadata, e, pid);
}

/*
 * A restored process is an ordinary one: it can be checkpointed in turn
 * (an image as complete as the first) and restored again.
 */
TEST_F_TIMEOUT(cr, restore_restored, 120)
{
	struct env *e = &self->e;
	pid_t pid;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	pid = restore_running(_metadata, e, false);
	ASSERT_LT(0, pid);
	e->pid = pid;
	e->alive = true;

	image_free(&e->im);
	ASSERT_EQ(0, ftruncate(e->img, 0));
	ASSERT_EQ(0, lseek(e->img, 0, SEEK_SET));
	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	check_image(_metadata, e);
	EXPECT_TRUE(target_runs_on(_metadata, e));

	pid = restore_running(_metadata, e, false);
	ASSERT_LT(0, pid);
	stop_restored(_metadata, e, pid);
}

/* CHECKPOINT_KILL: the target dies once the image is complete. */
TEST_F(cr, checkpoint_kill)
{
	struct env *e = &self->e;
	int code;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE | CHECKPOINT_KILL);
	code = wait_exit_timeout(e->pid, 5);
	EXPECT_EQ(128 + SIGKILL, code)
		TH_LOG("the target %s", code < 0 ? "is still alive" : "exited");
	env_reaped(e);
	check_image(_metadata, e);
}

/*
 * RESTART_FROZEN is refused when the TASK record is reached, before the
 * caller is touched: restart() returns to it.  A coordinator whose root
 * is not the image's is refused after the tree record.
 */
TEST_F(cr, restart_refused_at_task)
{
	struct env *e = &self->e;
	pid_t sleeper;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	env_kill(e);
	ASSERT_EQ(0, reset_progress(e->pfd));
	clear_log(e);
	EXPECT_EQ(EOPNOTSUPP, restore(e, e->im.buf, e->im.len, false, 0,
				      RESTART_FROZEN));
	EXPECT_TRUE(log_says(e, "RESTART_FROZEN is not supported"));

	sleeper = spawn_sleeper(true);
	ASSERT_LT(0, sleeper);
	clear_log(e);
	EXPECT_EQ(EINVAL, restore(e, e->im.buf, e->im.len, false, sleeper, 0));
	EXPECT_TRUE(log_says(e, "is not the image's root"));
	EXPECT_TRUE(child_alive(sleeper));
	reap(sleeper);
	EXPECT_EQ(0, read_progress(e->pfd));
}

/*
 * restart() replaces the caller's memory, descriptors and working
 * directory: a caller that shares any of them (here a vfork() child,
 * which shares its parent's memory) is refused before anything changes,
 * and the parent carries on unharmed.
 */
TEST_F(cr, restart_refused_when_shared)
{
	struct env *e = &self->e;
	volatile long ret = 0;
	int fd;
	pid_t child;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	env_kill(e);
	ASSERT_EQ(0, reset_progress(e->pfd));
	clear_log(e);
	fd = memfd_create("img", 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)e->im.len, pwrite(fd, e->im.buf, e->im.len, 0));
	child = vfork();
	if (child == 0) {
		ret = sys_restart(0, fd, 0, e->log);
		_exit(0);
	}
	ASSERT_LT(0, child);
	EXPECT_EQ(0, wait_exit(child));
	EXPECT_EQ(-EBUSY, ret);
	EXPECT_TRUE(log_says(e, "shares its memory with another task"));
	close(fd);
	EXPECT_EQ(0, read_progress(e->pfd));
}

/*
 * The image cut short.  Before the TASK record restart() fails with
 * EBADMSG and the caller carries on; from the TASK record on, the caller
 * is no longer itself and is killed.  Either way nothing of the image
 * ever runs: the progress file stays untouched.
 */
TEST_F_TIMEOUT(cr, truncated, 120)
{
	struct env *e = &self->e;
	struct {
		size_t cut;
		bool killed;
		const char *what;
	} cuts[20];
	int n = 0, i, task, cpu, mm, pages, file, sighand, code;
	size_t tail, largest = 0;
	char want[64];

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	env_kill(e);
	task = image_find(&e->im, CKPT_REC_TASK, 0);
	cpu = image_find(&e->im, CKPT_REC_CPU_X86_64, 0);
	mm = image_find(&e->im, CKPT_REC_MM, 0);
	file = image_find(&e->im, CKPT_REC_FILE, 0);
	sighand = image_find(&e->im, CKPT_REC_SIGHAND, 0);
	ASSERT_EQ(2, task);
	ASSERT_LT(0, cpu);
	ASSERT_LT(0, mm);
	ASSERT_LT(0, file);
	ASSERT_LT(0, sighand);
	pages = -1;
	for (i = 0; i < (int)e->im.nr; i++) {
		if (e->im.recs[i].h->type == CKPT_REC_PAGES &&
		    e->im.recs[i].h->len > largest) {
			largest = e->im.recs[i].h->len;
			pages = i;
		}
	}
	ASSERT_LT(0, pages);
	tail = e->im.recs[e->im.nr - 1].off;

#define CUT(at, k, w) do {						\
	cuts[n].cut = (at);						\
	cuts[n].killed = (k);						\
	cuts[n++].what = (w);						\
} while (0)
	CUT(0, false, "empty");
	CUT(8, false, "in the header");
	CUT(e->im.recs[1].off, false, "after the header");
	CUT(e->im.recs[1].off + 16, false, "in the tree");
	CUT(e->im.recs[task].off, false, "before the task");
	CUT(e->im.recs[task].off + 16, false, "in the task");
	CUT(e->im.recs[task + 1].off, true, "after the task");
	CUT(e->im.recs[cpu].off + 100, true, "in the CPU state");
	CUT(e->im.recs[mm].off + 8, true, "in the mm");
	CUT(e->im.recs[pages].off + largest / 2, true, "in the largest PAGES");
	CUT(e->im.recs[file].off, true, "before the files");
	CUT(e->im.recs[sighand].off + 8, true, "in the signal handlers");
	CUT(tail, true, "before the tail");
	CUT(tail + 16, true, "in the tail");
#undef CUT

	for (i = 0; i < n; i++) {
		clear_log(e);
		ASSERT_EQ(0, reset_progress(e->pfd));
		code = restore(e, e->im.buf, cuts[i].cut, false, 0, 0);
		snprintf(want, sizeof(want), "image truncated at offset %zu ",
			 cuts[i].cut);
		if (cuts[i].killed) {
			EXPECT_EQ(128 + SIGKILL, code)
				TH_LOG("cut at %zu (%s)", cuts[i].cut, cuts[i].what);
			EXPECT_TRUE(log_says(e, "the restarting task is killed"))
				TH_LOG("cut at %zu (%s)", cuts[i].cut, cuts[i].what);
		} else {
			EXPECT_EQ(EBADMSG, code)
				TH_LOG("cut at %zu (%s)", cuts[i].cut, cuts[i].what);
			EXPECT_EQ(NULL, strstr(read_logfd(e), "killed"))
				TH_LOG("cut at %zu (%s)", cuts[i].cut, cuts[i].what);
		}
		EXPECT_TRUE(log_says(e, want))
			TH_LOG("cut at %zu (%s)", cuts[i].cut, cuts[i].what);
		EXPECT_EQ(0, read_progress(e->pfd))
			TH_LOG("cut at %zu (%s): the image ran", cuts[i].cut,
			       cuts[i].what);
	}
}

/*
 * A bit flipped in saved page contents: only the checksum in the tail
 * notices it, and the restoring process is killed before it runs.
 */
TEST_F_TIMEOUT(cr, flipped_page_bit, 120)
{
	struct env *e = &self->e;
	size_t off, i, flips[2] = { 0, 0 };
	const struct ckpt_rec_pages *p;
	int code, n;

	CHECKPOINT_OK(CHECKPOINT_SUBTREE);
	env_kill(e);
	for (i = 0; i < e->im.nr; i++) {
		if (e->im.recs[i].h->type != CKPT_REC_PAGES)
			continue;
		p = rec_at(&e->im, i);
		off = e->im.recs[i].off + sizeof(*p) +
		      (size_t)p->nr_pages * getpagesize() / 2 + 123;
		if (!flips[0])
			flips[0] = off;
		flips[1] = off;
	}
	ASSERT_NE(0, flips[0]);

	for (n = 0; n < 2; n++) {
		clear_log(e);
		ASSERT_EQ(0, reset_progress(e->pfd));
		e->im.buf[flips[n]] ^= 0x10;
		code = restore(e, e->im.buf, e->im.len, false, 0, 0);
		e->im.buf[flips[n]] ^= 0x10;
		EXPECT_EQ(128 + SIGKILL, code)
			TH_LOG("bit flipped at offset %zu", flips[n]);
		EXPECT_TRUE(log_says(e, "image damaged: checksum"));
		EXPECT_TRUE(log_says(e, "the restarting task is killed"));
		EXPECT_EQ(0, read_progress(e->pfd));
	}
}

/* A target that spins in user mode */
FIXTURE(spin) {
	struct env e;
};

FIXTURE_SETUP(spin)
{
	const char *why = cannot_run();

	if (why)
		SKIP(return, "%s", why);
	env_setup(_metadata, &self->e, TARGET_SPIN);
}

FIXTURE_TEARDOWN(spin)
{
	env_teardown(&self->e);
}

/* Is the saved ip in the spin loop?  Then the registers hold its values. */
static bool check_spin_regs(struct __test_metadata *_metadata,
			    const struct env *e, long long counter)
{
	const struct ckpt_rec_cpu_x86_64 *cpu;
	struct user_regs_struct r;
	__u64 saved[SPIN_REGS];
	int i, k;

	k = image_find(&e->im, CKPT_REC_CPU_X86_64, 0);
	if (k < 0)
		return false;
	cpu = rec_at(&e->im, k);
	memcpy(&r, cpu->regs, sizeof(r));
	if (r.rip < (unsigned long)ckst_spin_begin ||
	    r.rip > (unsigned long)ckst_spin_end)
		return false;
	saved[0] = r.rbx;
	saved[1] = r.rcx;
	saved[2] = r.rdx;
	saved[3] = r.rsi;
	saved[4] = r.r8;
	saved[5] = r.r9;
	saved[6] = r.r10;
	saved[7] = r.r11;
	saved[8] = r.r12;
	saved[9] = r.r13;
	saved[10] = r.r14;
	saved[11] = r.r15;
	for (i = 0; i < SPIN_REGS; i++) {
		EXPECT_EQ(spin_pattern(counter, i), saved[i])
			TH_LOG("register %d of the spin loop", i);
	}
	EXPECT_EQ(-1, (long long)r.orig_rax);
	return true;
}

/*
 * Frozen in user mode, in the middle of a loop that checks its
 * registers: the image holds them, and the restored process finds them
 * all in place (restart() must not return through SYSRET, which would
 * lose rcx and r11).
 */
TEST_F_TIMEOUT(spin, restore, 120)
{
	struct env *e = &self->e;
	long long saved = -1;
	bool in_loop = false;
	int tries;
	pid_t pid;

	/* the loop is most of the target's time: try until it is there */
	for (tries = 0; tries < 10 && !in_loop; tries++) {
		if (tries) {
			ASSERT_TRUE(target_runs_on(_metadata, e));
			image_free(&e->im);
			ASSERT_EQ(0, ftruncate(e->img, 0));
			ASSERT_EQ(0, lseek(e->img, 0, SEEK_SET));
		}
		ASSERT_EQ(0, env_checkpoint(_metadata, e, CHECKPOINT_SUBTREE))
			TH_LOG("log: \"%s\"", read_logfd(e));
		saved = image_state(&e->im);
		ASSERT_LE(3, saved);
		in_loop = check_spin_regs(_metadata, e, saved);
	}
	EXPECT_TRUE(in_loop)
		TH_LOG("never frozen in the spin loop in %d tries", tries);
	check_image(_metadata, e);

	pid = restore_running(_metadata, e, false);
	ASSERT_LT(0, pid);
	stop_restored(_metadata, e, pid);
}

/* Targets with what the image cannot hold yet */
FIXTURE(refused) {
	struct env e;
};

FIXTURE_VARIANT(refused) {
	unsigned int extra;
	const char *why[2];	/* in the log */
	int err;		/* the errno, EOPNOTSUPP if 0 */
};

FIXTURE_VARIANT_ADD(refused, socket) {
	.extra = TARGET_PIPE,
	.why = { "(socket:[", "a netlink socket of a protocol other than NETLINK_ROUTE" },
};

FIXTURE_VARIANT_ADD(refused, thread_own_files) {
	.extra = TARGET_THREAD,
	.why = { "its file descriptor table of its own", "not supported yet" },
};

/* shared with a process outside the tree: restart could not share it again */
FIXTURE_VARIANT_ADD(refused, clone_files) {
	.extra = TARGET_CHILD,
	.why = { "its file descriptor table (CLONE_FILES)",
		 "outside the checkpointed tree" },
	.err = EBUSY,
};

/* shared with a process outside the tree: restart could not share it again */
FIXTURE_VARIANT_ADD(refused, shared_anon) {
	.extra = TARGET_SHARED,
	.why = { "mapping 0x",
		 "shared memory also used outside the checkpointed tree" },
	.err = EBUSY,
};

FIXTURE_SETUP(refused)
{
	const char *why = cannot_run();

	if (why)
		SKIP(return, "%s", why);
	env_setup(_metadata, &self->e, variant->extra);
}

FIXTURE_TEARDOWN(refused)
{
	env_teardown(&self->e);
}

/*
 * EOPNOTSUPP naming the object, an image that ends with the error, a
 * target that keeps running, CHECKPOINT_KILL or not.  Restoring such an
 * image fails: by the time the error record shows up, the restoring
 * process may already have started to become the image's and is killed.
 */
TEST_F_TIMEOUT(refused, checkpoint, 120)
{
	int want = -(variant->err ?: EOPNOTSUPP);
	const struct ckpt_rec_error *err;
	struct env *e = &self->e;
	int i, code;
	long ret;

	ret = env_checkpoint(_metadata, e, CHECKPOINT_SUBTREE | CHECKPOINT_KILL);
	EXPECT_EQ(want, ret);
	for (i = 0; i < 2; i++)
		EXPECT_TRUE(log_says(e, variant->why[i]));
	ASSERT_LE(3, e->im.nr);
	err = rec_at(&e->im, e->im.nr - 2);
	ASSERT_EQ(CKPT_REC_ERROR, err->h.type);
	EXPECT_EQ(want, err->error);
	EXPECT_NE(NULL, memmem(err + 1, err->msg_len, variant->why[1],
			       strlen(variant->why[1])));
	EXPECT_EQ(ckpt_crc32(e->im.buf, e->im.recs[e->im.nr - 1].off),
		  ((const struct ckpt_rec_tail *)rec_at(&e->im, e->im.nr - 1))->csum);
	EXPECT_TRUE(target_runs_on(_metadata, e));

	/* without CHECKPOINT_KILL */
	ASSERT_EQ(0, ftruncate(e->img, 0));
	ASSERT_EQ(0, lseek(e->img, 0, SEEK_SET));
	image_free(&e->im);
	clear_log(e);
	EXPECT_EQ(want, env_checkpoint(_metadata, e, CHECKPOINT_SUBTREE));
	EXPECT_TRUE(target_runs_on(_metadata, e));

	env_kill(e);
	clear_log(e);
	ASSERT_EQ(0, reset_progress(e->pfd));
	code = restore(e, e->im.buf, e->im.len, false, 0, 0);
	if (image_find(&e->im, CKPT_REC_TASK, 0) >= 0) {
		EXPECT_EQ(128 + SIGKILL, code);
	} else {
		EXPECT_EQ(EINVAL, code);
	}
	EXPECT_TRUE(log_says(e, "the checkpoint failed"));
	EXPECT_EQ(0, read_progress(e->pfd));
}

TEST_HARNESS_MAIN

#else /* !__x86_64__ */

int main(void)
{
	ksft_print_header();
	ksft_exit_skip("the CPU state and register checks are for x86_64\n");
}

#endif /* __x86_64__ */
