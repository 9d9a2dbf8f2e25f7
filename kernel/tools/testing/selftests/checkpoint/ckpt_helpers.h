/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the checkpoint/restart selftests: system call
 * wrappers, process helpers, a CRC-32, an image writer and a checker for
 * the images the kernel writes.
 */
#ifndef __CKPT_HELPERS_H
#define __CKPT_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/checkpoint_hdr.h>
#ifdef __x86_64__
#include <cpuid.h>
#endif

#include "../kselftest_harness.h"

#if defined(__x86_64__)
#define CKPT_ARCH_NATIVE	CKPT_ARCH_X86_64
#define CKPT_ARCH_OTHER		CKPT_ARCH_ARM64
#else
#define CKPT_ARCH_NATIVE	CKPT_ARCH_ARM64
#define CKPT_ARCH_OTHER		CKPT_ARCH_X86_64
#endif

#define CKPT_ALIGN(x)	(((x) + CKPT_REC_ALIGN - 1) & ~(size_t)(CKPT_REC_ALIGN - 1))

/*
 * When the environment variable CKPT_KEEP_IMAGES names a directory, every
 * image that a successful checkpoint() wrote to a regular file or memfd
 * is copied there as selftest-<pid>-<n>.img, for the VM scenario that
 * restarts every image left at the end of a run
 * (tests/vm/scenarios/zz-restart-every-image.sh).  The copy is read with
 * pread() from offset 0: the offset of @fd does not move.
 */
static inline void ckpt_keep_image(int fd)
{
	static unsigned int counter;
	const char *dir = getenv("CKPT_KEEP_IMAGES");
	char path[512], buf[8192];
	off_t off = 0;
	struct stat st;
	ssize_t n;
	int out, saved_errno = errno;

	if (!dir || !*dir || fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	if (snprintf(path, sizeof(path), "%s/selftest-%d-%u.img", dir,
		     (int)getpid(), ++counter) >= (int)sizeof(path))
		goto out;
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ksft_print_msg("CKPT_KEEP_IMAGES: %s: %s\n", path, strerror(errno));
		goto out;
	}
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		if (write(out, buf, n) != n) {
			n = -1;
			break;
		}
		off += n;
	}
	if (n < 0) {
		ksft_print_msg("CKPT_KEEP_IMAGES: %s: cannot copy the image: %s\n",
			       path, strerror(errno));
		unlink(path);
	}
	close(out);
out:
	errno = saved_errno;
}

/* Both wrappers return the system call's result, or -errno. */
static inline long sys_checkpoint(pid_t pid, int fd, unsigned int flags, int logfd)
{
#ifdef __NR_checkpoint
	long ret = syscall(__NR_checkpoint, pid, fd, flags, logfd);

	if (ret < 0)
		return -errno;
	ckpt_keep_image(fd);
	return ret;
#else
	return -ENOSYS;
#endif
}

static inline long sys_restart(pid_t pid, int fd, unsigned int flags, int logfd)
{
#ifdef __NR_restart
	long ret = syscall(__NR_restart, pid, fd, flags, logfd);

	return ret < 0 ? -errno : ret;
#else
	return -ENOSYS;
#endif
}

/* An unknown flag fails before anything else: a harmless probe. */
static inline bool ckpt_supported(void)
{
	return sys_checkpoint(0, -1, ~0U, -1) != -ENOSYS &&
	       sys_restart(0, -1, ~0U, -1) != -ENOSYS;
}

/* zlib crc32(): polynomial 0xEDB88320, initial value ~0, final inversion */
static inline __u32 ckpt_crc32(const void *data, size_t len)
{
	const unsigned char *p = data;
	__u32 crc = ~0U;
	int i;

	while (len--) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xEDB88320U & -(crc & 1));
	}
	return ~crc;
}

/*
 * For child processes, which cannot use the harness assertions: report a
 * mismatch and return 1, or return 0.
 */
static inline int expect_ret(const char *what, long ret, long want)
{
	if (ret == want)
		return 0;
	ksft_print_msg("%s: returned %ld (%s), expected %ld (%s)\n", what,
		       ret, strerror(ret < 0 ? -ret : 0), want,
		       strerror(want < 0 ? -want : 0));
	return 1;
}

static inline pid_t fork_flushed(void)
{
	fflush(stdout);
	fflush(stderr);
	return fork();
}

static inline __noreturn void child_exit(int code)
{
	fflush(stdout);
	fflush(stderr);
	_exit(code);
}

/*
 * A child that sleeps until it is killed, optionally not dumpable.  It is
 * ready (and has its final state) when this returns.
 */
static inline pid_t spawn_sleeper(bool dumpable)
{
	int sync[2];
	pid_t pid;
	char c = 0;

	if (pipe(sync))
		return -1;
	pid = fork_flushed();
	if (pid == 0) {
		close(sync[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!dumpable)
			prctl(PR_SET_DUMPABLE, 0);
		if (write(sync[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(sync[1]);
	if (pid > 0 && read(sync[0], &c, 1) != 1)
		pid = -1;
	close(sync[0]);
	return pid;
}

/*
 * Is our child @pid still running (not exited, not a zombie) 100 ms from
 * now?  A signal sent to it just before may take a moment to finish it.
 */
static inline bool child_alive(pid_t pid)
{
	int i, status;

	for (i = 0; i < 10; i++) {
		if (waitpid(pid, &status, WNOHANG))
			return false;
		usleep(10000);
	}
	return true;
}

static inline void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* Exit code of our child @pid, 128 + signal if it was killed. */
static inline int wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* A pid that no task has: the pid of a child that was reaped. */
static inline pid_t reaped_pid(void)
{
	pid_t pid = fork_flushed();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

static inline int set_nonblock(int fd)
{
	return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static inline off_t file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : st.st_size;
}

/*
 * Read all of @fd into a new buffer: a regular file (memfd) from offset 0,
 * anything else (a pipe with a non-blocking read end) until it is empty.
 */
static inline ssize_t read_all(int fd, unsigned char **bufp)
{
	size_t len = 0, size = 4096;
	unsigned char *buf;
	struct stat st;
	bool regular;
	ssize_t n;

	if (fstat(fd, &st))
		return -1;
	regular = S_ISREG(st.st_mode);
	buf = malloc(size);

	for (;;) {
		if (!buf)
			return -1;
		if (regular)
			n = pread(fd, buf + len, size - len, len);
		else
			n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += n;
		if (len == size) {
			size *= 2;
			buf = realloc(buf, size);
		}
	}
	*bufp = buf;
	return len;
}

/* Read the log lines waiting in the non-blocking @fd into @buf. */
static inline size_t read_log(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	return len;
}

/* Every line of @log is complete and starts with @prefix; @log may be empty. */
static inline bool log_lines_ok(const char *log, const char *prefix)
{
	const char *nl;

	while (*log) {
		if (strncmp(log, prefix, strlen(prefix)))
			return false;
		nl = strchr(log, '\n');
		if (!nl)
			return false;
		log = nl + 1;
	}
	return true;
}

/* Image writer */
struct img {
	unsigned char *buf;
	size_t len;
	size_t size;
	__u64 records;		/* records before the tail */
};

/* Append @len bytes of @data, or zero bytes if @data is NULL. */
static inline void img_put(struct img *img, const void *data, size_t len)
{
	if (img->len + len > img->size) {
		img->size = (img->len + len) * 2 + 256;
		img->buf = realloc(img->buf, img->size);
		if (!img->buf)
			abort();
	}
	if (data)
		memcpy(img->buf + img->len, data, len);
	else
		memset(img->buf + img->len, 0, len);
	img->len += len;
}

static inline void img_pad(struct img *img)
{
	img_put(img, NULL, CKPT_ALIGN(img->len) - img->len);
}

/* Append a record with @type and @plen bytes of @payload (NULL: zeros). */
static inline void img_rec(struct img *img, __u32 type, const void *payload, size_t plen)
{
	struct ckpt_hdr h = {
		.type = type,
		.len = CKPT_ALIGN(sizeof(h) + plen),
	};

	img_put(img, &h, sizeof(h));
	img_put(img, payload, plen);
	img_pad(img);
	img->records++;
}

/* Append a whole record, header included, as is (and zero-padded). */
static inline void img_raw_rec(struct img *img, const void *rec, size_t len)
{
	img_put(img, rec, len);
	img_pad(img);
	img->records++;
}

/* The tail record that matches what was written so far. */
static inline struct ckpt_rec_tail img_make_tail(const struct img *img)
{
	struct ckpt_rec_tail t = {
		.h.type = CKPT_REC_TAIL,
		.h.len = sizeof(t),
		.records = img->records,
		.length = img->len,
		.csum_type = CKPT_CSUM_CRC32,
		.csum = ckpt_crc32(img->buf, img->len),
	};

	memcpy(t.magic, CKPT_TAIL_MAGIC, CKPT_MAGIC_LEN);
	return t;
}

static inline void img_tail(struct img *img)
{
	struct ckpt_rec_tail t = img_make_tail(img);

	img_put(img, &t, sizeof(t));
}

static inline void img_free(struct img *img)
{
	free(img->buf);
	memset(img, 0, sizeof(*img));
}

/* Whether the caller, and the children it forks, have a controlling terminal. */
static inline bool has_ctty(void)
{
	int fd = open("/dev/tty", O_RDONLY | O_NOCTTY);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* A TREE record of the single task @pid (the tgid, pgid and sid too). */
static inline void img_tree(struct img *img, pid_t pid)
{
	struct {
		struct ckpt_rec_tree t;
		struct ckpt_task_ids ids;
	} rec = {
		.t.h.type = CKPT_REC_TREE,
		.t.h.len = sizeof(rec),
		.t.nr_tasks = 1,
		.t.task_size = sizeof(struct ckpt_task_ids),
		.ids = {
			.pid = pid,
			.tgid = pid,
			.pgid = pid,
			.sid = pid,
			.flags = CKPT_TASK_SESSION_LEADER | CKPT_TASK_GROUP_LEADER,
		},
	};

	img_raw_rec(img, &rec, sizeof(rec));
}

/*
 * A valid TASK record for @pid.  restart(0, ...) commits to replacing the
 * caller when it has read one: only a caller that may die feeds it so.
 */
static inline void img_task(struct img *img, pid_t pid)
{
	struct ckpt_rec_task rec = {
		.h.type = CKPT_REC_TASK,
		.h.len = sizeof(rec),
		.pid = pid,
		.comm = "ckpt-test",
		.exit_signal = SIGCHLD,
		.umask = 022,
	};

	img_raw_rec(img, &rec, sizeof(rec));
}

/*
 * The header record of the images this kernel writes here (that of a
 * refused checkpoint of the caller): 0, or -1 if it cannot be had.
 */
static inline int kernel_header(struct ckpt_rec_header *hdr)
{
	const struct ckpt_hdr *h;
	unsigned char *buf = NULL;
	ssize_t len = -1;
	int fd, ret = -1;

	fd = memfd_create("kernel", 0);
	if (fd < 0)
		return -1;
	if (sys_checkpoint(0, fd, CHECKPOINT_SUBTREE, -1) == -EOPNOTSUPP)
		len = read_all(fd, &buf);
	close(fd);
	h = (const struct ckpt_hdr *)buf;
	if (len >= (ssize_t)sizeof(*hdr) && h->type == CKPT_REC_HEADER &&
	    h->len == sizeof(*hdr)) {
		memcpy(hdr, buf, sizeof(*hdr));
		ret = 0;
	}
	free(buf);
	return ret;
}

/* A memfd holding @img, at offset 0; -1 on failure. */
static inline int img_memfd(const struct img *img)
{
	int fd = memfd_create("image", 0);

	if (fd < 0)
		return -1;
	if (write(fd, img->buf, img->len) != (ssize_t)img->len ||
	    lseek(fd, 0, SEEK_SET)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Image reader */
struct ckpt_parsed {
	const struct ckpt_rec_header *hdr;
	const struct ckpt_rec_error *err;
	const char *msg;
	const struct ckpt_rec_tail *tail;
	size_t tail_off;	/* offset of the tail record */
	size_t end;		/* offset after the tail record */
	unsigned int records;	/* records before the tail */
	bool pad_ok;		/* all padding bytes are zero */
};

/*
 * Split the image at the start of @buf into records, up to its tail record;
 * 0 if its structure is sound, -1 if not.
 */
static inline int ckpt_parse(const unsigned char *buf, size_t len, struct ckpt_parsed *p)
{
	const struct ckpt_hdr *h;
	size_t off = 0, end;

	memset(p, 0, sizeof(*p));
	p->pad_ok = true;
	while (off < len) {
		h = (const struct ckpt_hdr *)(buf + off);
		if (len - off < sizeof(*h) || h->len < sizeof(*h) ||
		    h->len % CKPT_REC_ALIGN || h->len > len - off) {
			ksft_print_msg("bad record at offset %zu\n", off);
			return -1;
		}
		switch (h->type) {
		case CKPT_REC_HEADER:
			if (off || h->len < sizeof(*p->hdr))
				goto bad;
			p->hdr = (const void *)h;
			break;
		case CKPT_REC_ERROR:
			if (p->err || h->len < sizeof(*p->err))
				goto bad;
			p->err = (const void *)h;
			p->msg = (const char *)(p->err + 1);
			end = sizeof(*p->err) + p->err->msg_len;
			if (end > h->len)
				goto bad;
			while (end < h->len)
				p->pad_ok &= !((const char *)h)[end++];
			break;
		case CKPT_REC_TAIL:
			if (h->len < sizeof(*p->tail))
				goto bad;
			p->tail = (const void *)h;
			p->tail_off = off;
			p->end = off + h->len;
			return p->hdr ? 0 : -1;
		default:
			goto bad;
		}
		p->records++;
		off += h->len;
	}
	ksft_print_msg("no tail record\n");
	return -1;
bad:
	ksft_print_msg("unexpected record type %#x len %u at offset %zu\n",
		       h->type, h->len, off);
	return -1;
}

#define IMG_CHECK(cond) do {						\
	if (!(cond)) {							\
		ksft_print_msg("image check failed: %s\n", #cond);	\
		bad++;							\
	}								\
} while (0)

static inline int check_cpu_fields(const struct ckpt_rec_header *hdr)
{
	int bad = 0;
#ifdef __x86_64__
	unsigned int eax, ebx, ecx, edx, lo, hi;

	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE))
		return 0;
	__asm__ volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	__cpuid_count(0xd, 0, eax, ebx, ecx, edx);
	/* x87 and SSE state are always there; nothing outside XCR0 */
	IMG_CHECK((hdr->cpu_features & 3) == 3);
	IMG_CHECK(!(hdr->cpu_features & ~(((__u64)hi << 32) | lo)));
	/* legacy area + xsave header <= size <= size of the XCR0 features */
	IMG_CHECK(hdr->cpu_state_size >= 576 && hdr->cpu_state_size <= ebx);
#endif
	return bad;
}

/*
 * Check an image written by checkpoint() for the task @root_pid that
 * failed with @error (negative) before it wrote any task state: HEADER,
 * ERROR, TAIL.  Returns the number of mismatches, each of them reported.
 */
static inline int check_kernel_image(const unsigned char *buf, size_t len,
				     pid_t root_pid, __u32 flags, int error)
{
	const struct ckpt_rec_header *hdr;
	const struct ckpt_rec_tail *tail;
	struct ckpt_parsed p;
	struct utsname uts;
	int bad = 0;

	if (ckpt_parse(buf, len, &p))
		return 1;
	hdr = p.hdr;
	tail = p.tail;
	uname(&uts);

	IMG_CHECK(!memcmp(hdr->magic, CKPT_MAGIC, CKPT_MAGIC_LEN));
	IMG_CHECK(hdr->h.len == sizeof(*hdr));
	IMG_CHECK(hdr->major == CKPT_VERSION_MAJOR);
	IMG_CHECK(hdr->minor == CKPT_VERSION_MINOR);
	IMG_CHECK(hdr->arch == CKPT_ARCH_NATIVE);
	IMG_CHECK(1UL << hdr->page_shift == (unsigned long)getpagesize());
	IMG_CHECK(hdr->flags == flags);
	IMG_CHECK(hdr->time_nsec < 1000000000);
	IMG_CHECK(hdr->root_pid == (__u32)root_pid);
	IMG_CHECK(!strncmp(hdr->release, uts.release, CKPT_RELEASE_LEN));
	bad += check_cpu_fields(hdr);

	IMG_CHECK(p.err);
	if (p.err) {
		IMG_CHECK(p.err->error == error);
		IMG_CHECK(p.err->msg_len > 0);
		IMG_CHECK(p.err->h.len == CKPT_ALIGN(sizeof(*p.err) + p.err->msg_len));
		IMG_CHECK(!memchr(p.msg, '\0', p.err->msg_len));
		IMG_CHECK(p.pad_ok);
	}

	IMG_CHECK(p.end == len);
	IMG_CHECK(p.records == 2);
	IMG_CHECK(!memcmp(tail->magic, CKPT_TAIL_MAGIC, CKPT_MAGIC_LEN));
	IMG_CHECK(tail->h.len == sizeof(*tail));
	IMG_CHECK(tail->records == 2);
	IMG_CHECK(tail->length == p.tail_off);
	IMG_CHECK(tail->csum_type == CKPT_CSUM_CRC32);
	IMG_CHECK(tail->csum == ckpt_crc32(buf, p.tail_off));
	return bad;
}

/* check_kernel_image() on what @fd holds */
static inline int check_kernel_image_fd(int fd, pid_t root_pid, __u32 flags,
					int error)
{
	unsigned char *buf;
	ssize_t len = read_all(fd, &buf);
	int bad;

	if (len < 0)
		return 1;
	bad = check_kernel_image(buf, len, root_pid, flags, error);
	free(buf);
	return bad;
}

#endif /* __CKPT_HELPERS_H */
