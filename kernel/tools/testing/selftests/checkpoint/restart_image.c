// SPDX-License-Identifier: GPL-2.0
/*
 * How restart() reads and validates an image.  Every test builds a stream
 * and feeds it once through a memfd and once through a pipe (restart()
 * never seeks).  The header record comes from an image the kernel wrote,
 * so that its arch and CPU fields match this machine.
 *
 * A sound stream without a TREE record is read to its end (tail and
 * checksum included) and then refused with EINVAL, "image holds no task
 * tree": that message proves that the whole stream was accepted.  Every
 * failure is logged as "restart: ...".
 *
 * restart(0, ...) replaces the caller once it has read a TASK record, and
 * kills it if the image then turns out bad.  The images here either have
 * no TASK record or are refused at it (RESTART_FROZEN, a bad record);
 * restoring real images is tested by checkpoint_restart, but for shared
 * file mappings and locked mappings: a child of the test maps them, is
 * checkpointed and restored, and checks what it got back itself
 * (restore_target()); likewise signal-driven I/O (restore_sigio(), the
 * child restored with its pid), mappings without reserve and droppable
 * ones (restore_vmf()), memfds and deleted files (memfd_records,
 * deleted_file_records: obj_records(), whose child's image is then
 * changed record by record: restart_coord_image()), and UTS and IPC
 * namespaces with System V shared memory (namespace_records: a child in
 * namespaces of its own, restored by a coordinator whose waiting child
 * is made with CLONE_NEWUTS | CLONE_NEWIPC, restart_coord_image_ns()).
 * Records past the TASK record are refused in a child that dies with a
 * message, or, for the errno, in a child that a coordinator restores
 * (restart(child) returns the errno; the child dies).
 *
 * Must run as root.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/userfaultfd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <dirent.h>
#include <grp.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/vfs.h>
#include <time.h>

#include "ckpt_helpers.h"

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif
#ifndef __NR_mseal
#define __NR_mseal 462
#endif
#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif

FIXTURE(restart) {
	struct ckpt_rec_header hdr;	/* the kernel's header record */
	unsigned char *kimg;		/* an image the kernel wrote */
	ssize_t klen;
	struct img img;			/* the image under test */
	int log[2];			/* log pipe, read end non-blocking */
	char log_buf[16384];		/* a message may quote a long path */
	bool raw_log;			/* the log may quote random bytes */
};

FIXTURE_VARIANT(restart) {
	bool pipe;
};

FIXTURE_VARIANT_ADD(restart, memfd) {
	.pipe = false,
};

FIXTURE_VARIANT_ADD(restart, pipe) {
	.pipe = true,
};

FIXTURE_SETUP(restart)
{
	struct ckpt_parsed p;
	int fd;

	if (!ckpt_supported())
		SKIP(return, "checkpoint() and restart() are not supported");
	if (getuid())
		SKIP(return, "must run as root");

	ASSERT_EQ(0, pipe(self->log));
	ASSERT_EQ(0, set_nonblock(self->log[0]));
	fd = memfd_create("kernel", 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(-EOPNOTSUPP, sys_checkpoint(0, fd, CHECKPOINT_SUBTREE, -1));
	self->klen = read_all(fd, &self->kimg);
	close(fd);
	ASSERT_GT(self->klen, 0);
	ASSERT_EQ(0, ckpt_parse(self->kimg, self->klen, &p));
	ASSERT_EQ(sizeof(self->hdr), p.hdr->h.len);
	memcpy(&self->hdr, p.hdr, sizeof(self->hdr));
}

static void shmap_remove(void);

FIXTURE_TEARDOWN(restart)
{
	img_free(&self->img);
	free(self->kimg);
	shmap_remove();
}

static int write_all(int fd, const unsigned char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* An fd to read @buf from: a memfd, or a pipe with a writer child if needed */
static int feed(bool use_pipe, const unsigned char *buf, size_t len, pid_t *writer)
{
	int fd, p[2];

	*writer = 0;
	if (!use_pipe) {
		fd = memfd_create("image", 0);
		if (fd < 0 || write_all(fd, buf, len) || lseek(fd, 0, SEEK_SET))
			return -1;
		return fd;
	}
	if (pipe(p))
		return -1;
	if (len <= fcntl(p[1], F_GETPIPE_SZ)) {
		if (write_all(p[1], buf, len))
			return -1;
	} else {
		*writer = fork_flushed();
		if (*writer == 0) {
			close(p[0]);
			_exit(write_all(p[1], buf, len));
		}
	}
	close(p[1]);
	return p[0];
}

/* restart(@pid, fd, @flags, log) reading @buf; returns 0 or -errno. */
static long restart_pid_buf(struct __test_metadata *_metadata,
			    FIXTURE_DATA(restart) *self, bool use_pipe, pid_t pid,
			    const void *buf, size_t len, unsigned int flags)
{
	pid_t writer;
	long ret;
	int fd;

	fd = feed(use_pipe, buf, len, &writer);
	if (fd < 0) {
		TH_LOG("cannot feed the image: %s", strerror(errno));
		return LONG_MIN;
	}
	ret = sys_restart(pid, fd, flags, self->log[1]);
	close(fd);
	reap(writer);

	read_log(self->log[0], self->log_buf, sizeof(self->log_buf));
	if (self->raw_log) {
		EXPECT_EQ(0, strncmp(self->log_buf, "restart: ", 9))
			TH_LOG("log: \"%s\"", self->log_buf);
	} else {
		EXPECT_TRUE(log_lines_ok(self->log_buf, "restart: "))
			TH_LOG("log: \"%s\"", self->log_buf);
	}
	if (ret < 0) {
		EXPECT_NE(0, self->log_buf[0])
			TH_LOG("restart() failed without a log message");
	}
	return ret;
}

/* restart(0, fd, @flags, log) reading @buf; returns 0 or -errno. */
static long restart_buf(struct __test_metadata *_metadata,
			FIXTURE_DATA(restart) *self, bool use_pipe,
			const void *buf, size_t len, unsigned int flags)
{
	return restart_pid_buf(_metadata, self, use_pipe, 0, buf, len, flags);
}

#define RESTART_BUF(buf, len) restart_buf(_metadata, self, variant->pipe, buf, len, 0)
#define RESTART() RESTART_BUF(self->img.buf, self->img.len)
#define RESTART_FLAGS(flags) restart_buf(_metadata, self, variant->pipe, \
					 self->img.buf, self->img.len, flags)

/* The log names @needle. */
#define EXPECT_LOG(needle) do {					\
	EXPECT_NE(NULL, strstr(self->log_buf, needle))			\
		TH_LOG("log: \"%s\"", self->log_buf);			\
} while (0)

/*
 * @ret is what restart() returned for a stream that it read to its end
 * and found sound, but without a task tree.
 */
#define EXPECT_SOUND(ret) do {						\
	EXPECT_EQ(-EINVAL, (ret));					\
	EXPECT_LOG("restart: image holds no task tree");		\
} while (0)

#define ASSERT_SOUND(ret) do {						\
	ASSERT_EQ(-EINVAL, (ret));					\
	ASSERT_NE(NULL, strstr(self->log_buf, "holds no task tree"))	\
		TH_LOG("log: \"%s\"", self->log_buf);			\
} while (0)

/* Start self->img over with the header record @hdr, the kernel's if NULL. */
static struct img *new_img(FIXTURE_DATA(restart) *self, const struct ckpt_rec_header *hdr)
{
	img_free(&self->img);
	img_raw_rec(&self->img, hdr ?: &self->hdr, sizeof(*hdr));
	return &self->img;
}

/* A header record with a changed field, then the right tail */
#define BAD_HEADER(field, value) ({					\
	struct ckpt_rec_header __h = self->hdr;				\
									\
	__h.field = (value);						\
	img_tail(new_img(self, &__h));					\
	RESTART();							\
})

TEST(crc32)
{
	EXPECT_EQ(0, ckpt_crc32("", 0));
	EXPECT_EQ(0xCBF43926, ckpt_crc32("123456789", 9));
}

/* The kernel's own image holds an ERROR record. */
TEST_F(restart, kernel_image)
{
	EXPECT_EQ(-EINVAL, RESTART_BUF(self->kimg, self->klen));
	EXPECT_NE(NULL, strstr(self->log_buf, "incomplete"))
		TH_LOG("log: \"%s\"", self->log_buf);
}

TEST_F(restart, valid)
{
	img_tail(new_img(self, NULL));
	EXPECT_SOUND(RESTART());
	/* RESTART_FROZEN would be refused at the TASK record */
	EXPECT_SOUND(RESTART_FLAGS(RESTART_FROZEN));
}

/* Unknown optional records are skipped. */
TEST_F(restart, optional_records)
{
	struct img *img = new_img(self, NULL);
	unsigned char data[20] = "optional payload";

	img_rec(img, CKPT_REC_PADDING, NULL, 16);
	img_rec(img, CKPT_REC_OPTIONAL | 0x1234, data, sizeof(data));
	img_rec(img, CKPT_REC_OPTIONAL | 0x7fffffff, NULL, 0);
	img_tail(img);
	EXPECT_SOUND(RESTART());
}

/* Only the major version must match. */
TEST_F(restart, newer_minor)
{
	EXPECT_SOUND(BAD_HEADER(minor, CKPT_VERSION_MINOR + 1));
	EXPECT_SOUND(BAD_HEADER(minor, 0xffff));
}

/* A header from a newer minor version may have trailing fields. */
TEST_F(restart, longer_header)
{
	unsigned char rec[sizeof(self->hdr) + 8] = { 0 };
	struct ckpt_rec_header *h = (void *)rec;

	*h = self->hdr;
	h->h.len = sizeof(rec);
	img_free(&self->img);
	img_raw_rec(&self->img, rec, sizeof(rec));
	img_tail(&self->img);
	EXPECT_SOUND(RESTART());
}

TEST_F(restart, bad_magic)
{
	EXPECT_EQ(-EINVAL, BAD_HEADER(magic[0], self->hdr.magic[0] ^ 1));
	EXPECT_EQ(-EINVAL, BAD_HEADER(magic[7], 0));
}

/* Image flags no format defines: refused before the caller is touched */
TEST_F(restart, bad_header_flags)
{
	EXPECT_EQ(-EINVAL, BAD_HEADER(flags, 1U << 7));
	EXPECT_LOG("image flags 0x80");
}

TEST_F(restart, bad_major)
{
	EXPECT_EQ(-EINVAL, BAD_HEADER(major, CKPT_VERSION_MAJOR + 1));
	EXPECT_EQ(-EINVAL, BAD_HEADER(major, CKPT_VERSION_MAJOR - 1));
	EXPECT_EQ(-EINVAL, BAD_HEADER(major, 0xffff));
}

/* A header record shorter than struct ckpt_rec_header */
TEST_F(restart, short_header)
{
	struct ckpt_rec_header h = self->hdr;

	h.h.len = sizeof(h) - 8;
	img_free(&self->img);
	img_raw_rec(&self->img, &h, h.h.len);
	img_tail(&self->img);
	EXPECT_EQ(-EINVAL, RESTART());

	h.h.len = sizeof(h.h);
	img_free(&self->img);
	img_raw_rec(&self->img, &h, h.h.len);
	img_tail(&self->img);
	EXPECT_EQ(-EINVAL, RESTART());
}

TEST_F(restart, first_not_header)
{
	img_free(&self->img);
	img_rec(&self->img, CKPT_REC_PADDING, NULL, 8);
	img_raw_rec(&self->img, &self->hdr, sizeof(self->hdr));
	img_tail(&self->img);
	EXPECT_EQ(-EINVAL, RESTART());

	img_free(&self->img);
	img_tail(&self->img);
	EXPECT_EQ(-EINVAL, RESTART());
}

TEST_F(restart, wrong_arch)
{
	EXPECT_EQ(-ENOEXEC, BAD_HEADER(arch, CKPT_ARCH_OTHER));
	EXPECT_EQ(-ENOEXEC, BAD_HEADER(arch, 0));
	EXPECT_EQ(-ENOEXEC, BAD_HEADER(arch, 0xffff));
}

TEST_F(restart, wrong_page_shift)
{
	EXPECT_EQ(-ENOEXEC, BAD_HEADER(page_shift, self->hdr.page_shift + 1));
	EXPECT_EQ(-ENOEXEC, BAD_HEADER(page_shift, self->hdr.page_shift - 1));
	EXPECT_EQ(-ENOEXEC, BAD_HEADER(page_shift, 0));
}

/* Bit 63 of XCR0 is reserved: no CPU has that feature. */
TEST_F(restart, unsupported_cpu_features)
{
	EXPECT_EQ(-ENOEXEC, BAD_HEADER(cpu_features, self->hdr.cpu_features | 1ULL << 63));
	EXPECT_EQ(-ENOEXEC, BAD_HEADER(cpu_features, ~0ULL));
}

/* End of file anywhere before the end of the tail record */
TEST_F(restart, truncated)
{
	struct img *img = new_img(self, NULL);
	size_t cut;

	img_rec(img, CKPT_REC_OPTIONAL | 0x1234, "some data", 9);
	img_tail(img);
	for (cut = 0; cut < img->len; cut++) {
		EXPECT_EQ(-EBADMSG, RESTART_BUF(img->buf, cut))
			TH_LOG("image cut at %zu of %zu bytes", cut, img->len);
	}
}

TEST_F(restart, empty)
{
	struct img *img;

	EXPECT_EQ(-EBADMSG, RESTART_BUF("", 0));
	img = new_img(self, NULL);
	EXPECT_EQ(-EBADMSG, RESTART());
	img_rec(img, CKPT_REC_PADDING, NULL, 8);
	EXPECT_EQ(-EBADMSG, RESTART());
}

/* A flipped bit where nothing but the checksum notices it */
TEST_F(restart, flipped_bit)
{
	const size_t opt = sizeof(self->hdr) + sizeof(struct ckpt_hdr);
	struct img *img = new_img(self, NULL);
	const size_t ranges[][2] = {
		{ offsetof(struct ckpt_rec_header, time_sec),
		  offsetof(struct ckpt_rec_header, root_pid) },
		{ offsetof(struct ckpt_rec_header, release), sizeof(self->hdr) },
		{ opt, opt + 32 },
		{ opt + 32 + offsetof(struct ckpt_rec_tail, csum),
		  opt + 32 + sizeof(struct ckpt_rec_tail) },
	};
	unsigned char data[32];
	size_t i, off;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i;
	img_rec(img, CKPT_REC_OPTIONAL | 0x1234, data, sizeof(data));
	img_tail(img);
	ASSERT_SOUND(RESTART());

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		for (off = ranges[i][0]; off < ranges[i][1]; off++) {
			img->buf[off] ^= 1 << (off % 8);
			EXPECT_EQ(-EBADMSG, RESTART())
				TH_LOG("bit %zu of byte %zu flipped", off % 8, off);
			img->buf[off] ^= 1 << (off % 8);
		}
	}
}

TEST_F(restart, bad_record_len)
{
	const __u32 lens[] = { 0, 4, 12, 20, CKPT_REC_MAX_LEN + 8, 0xfffffff8 };
	unsigned char zero[24] = { 0 };
	struct ckpt_hdr h;
	struct img *img;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		h.type = CKPT_REC_PADDING;
		h.len = lens[i];
		img = new_img(self, NULL);
		img_put(img, &h, sizeof(h));
		img_put(img, zero, sizeof(zero));
		img_tail(img);
		EXPECT_EQ(-EINVAL, RESTART())
			TH_LOG("record len %u", lens[i]);

		/* the tail record too */
		h.type = CKPT_REC_TAIL;
		img = new_img(self, NULL);
		img_put(img, &h, sizeof(h));
		img_put(img, zero, sizeof(zero));
		EXPECT_EQ(-EINVAL, RESTART())
			TH_LOG("tail record len %u", lens[i]);
	}
}

/* The longest record allowed */
TEST_F(restart, max_record_len)
{
	struct img *img = new_img(self, NULL);

	img_rec(img, CKPT_REC_PADDING, NULL, CKPT_REC_MAX_LEN - sizeof(struct ckpt_hdr));
	img_tail(img);
	EXPECT_SOUND(RESTART());
}

TEST_F(restart, second_header)
{
	struct img *img = new_img(self, NULL);

	img_raw_rec(img, &self->hdr, sizeof(self->hdr));
	img_tail(img);
	EXPECT_EQ(-EINVAL, RESTART());
}

TEST_F(restart, unknown_mandatory)
{
	const __u32 types[] = { 0, 0x00ff, 0x1234, 0x7fffffff };
	struct img *img;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		img = new_img(self, NULL);
		img_rec(img, types[i], "data", 4);
		img_tail(img);
		EXPECT_EQ(-EINVAL, RESTART())
			TH_LOG("record type %#x", types[i]);
	}
}

/* An image with an ERROR record is sound but incomplete. */
TEST_F(restart, error_record)
{
	struct {
		struct ckpt_rec_error e;
		char msg[8];
	} rec = {
		.e.h.type = CKPT_REC_ERROR,
		.e.h.len = sizeof(rec),
		.e.error = -EIO,
		.e.msg_len = 5,
		.msg = "boom!",
	};
	struct img *img = new_img(self, NULL);

	img_raw_rec(img, &rec, sizeof(rec));
	img_tail(img);
	EXPECT_EQ(-EINVAL, RESTART());
	EXPECT_NE(NULL, strstr(self->log_buf, "incomplete"))
		TH_LOG("log: \"%s\"", self->log_buf);
	EXPECT_NE(NULL, strstr(self->log_buf, "boom!"))
		TH_LOG("log: \"%s\"", self->log_buf);

	/*
	 * The message must fit in the record.  No tail: had the record been
	 * accepted, the end of the image would fail with EBADMSG.
	 */
	rec.e.msg_len = sizeof(rec.msg) + 1;
	img = new_img(self, NULL);
	img_raw_rec(img, &rec, sizeof(rec));
	EXPECT_EQ(-EINVAL, RESTART());

	rec.e.msg_len = UINT_MAX;
	img = new_img(self, NULL);
	img_raw_rec(img, &rec, sizeof(rec));
	EXPECT_EQ(-EINVAL, RESTART());
}

/* A sound image with a PADDING record; returns its tail record, to change. */
static struct ckpt_rec_tail *tail_img(FIXTURE_DATA(restart) *self)
{
	new_img(self, NULL);
	img_rec(&self->img, CKPT_REC_PADDING, NULL, 8);
	img_tail(&self->img);
	return (void *)(self->img.buf + self->img.len - sizeof(struct ckpt_rec_tail));
}

TEST_F(restart, tail_mismatch)
{
	tail_img(self)->records++;
	EXPECT_EQ(-EBADMSG, RESTART());
	tail_img(self)->records--;
	EXPECT_EQ(-EBADMSG, RESTART());
	tail_img(self)->records = 0;
	EXPECT_EQ(-EBADMSG, RESTART());
	tail_img(self)->length += 8;
	EXPECT_EQ(-EBADMSG, RESTART());
	tail_img(self)->length -= 8;
	EXPECT_EQ(-EBADMSG, RESTART());
	tail_img(self)->csum ^= 1;
	EXPECT_EQ(-EBADMSG, RESTART());
	tail_img(self)->csum ^= 0x80000000;
	EXPECT_EQ(-EBADMSG, RESTART());
}

TEST_F(restart, tail_invalid)
{
	struct ckpt_rec_tail *t;

	tail_img(self)->magic[0] ^= 1;
	EXPECT_EQ(-EINVAL, RESTART());
	tail_img(self)->csum_type = 0;
	EXPECT_EQ(-EINVAL, RESTART());
	tail_img(self)->csum_type = CKPT_CSUM_CRC32 + 1;
	EXPECT_EQ(-EINVAL, RESTART());

	/* shorter than struct ckpt_rec_tail */
	t = tail_img(self);
	t->h.len = sizeof(*t) - 8;
	self->img.len -= 8;
	EXPECT_EQ(-EINVAL, RESTART());
}

/* A tail from a newer minor version may have trailing fields. */
TEST_F(restart, longer_tail)
{
	tail_img(self)->h.len += 8;
	img_put(&self->img, NULL, 8);
	EXPECT_SOUND(RESTART());
}

/* A task tree without the state of its task: incomplete. */
TEST_F(restart, tree_only)
{
	struct img *img = new_img(self, NULL);
	size_t cut;

	img_tree(img, getpid());
	img_tail(img);
	EXPECT_EQ(-EINVAL, RESTART());
	EXPECT_LOG("image is incomplete: the state of a task is missing");

	/* cut anywhere, it is truncated */
	for (cut = sizeof(self->hdr); cut < img->len; cut++) {
		EXPECT_EQ(-EBADMSG, RESTART_BUF(img->buf, cut))
			TH_LOG("image cut at %zu of %zu bytes", cut, img->len);
	}
}

/* Task state records come after the tree and a task, each once. */
TEST_F(restart, record_order)
{
	static const __u32 types[] = {
		CKPT_REC_TASK, CKPT_REC_CPU_X86_64, CKPT_REC_MM, CKPT_REC_VMA,
		CKPT_REC_PAGES, CKPT_REC_FILE, CKPT_REC_SIGHAND,
	};
	unsigned char zero[1024] = { 0 };
	struct img *img;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		/* before the tree */
		img = new_img(self, NULL);
		img_rec(img, types[i], zero, sizeof(zero));
		img_tail(img);
		EXPECT_EQ(-EINVAL, RESTART())
			TH_LOG("record type %#x first", types[i]);
		EXPECT_LOG("out of order");
		if (types[i] == CKPT_REC_TASK)
			continue;

		/* after the tree, without a task */
		img = new_img(self, NULL);
		img_tree(img, getpid());
		img_rec(img, types[i], zero, sizeof(zero));
		img_tail(img);
		EXPECT_EQ(-EINVAL, RESTART())
			TH_LOG("record type %#x without a task", types[i]);
		EXPECT_LOG("out of order");
	}

	img = new_img(self, NULL);
	img_tree(img, getpid());
	img_tree(img, getpid());
	img_tail(img);
	EXPECT_EQ(-EINVAL, RESTART());
	EXPECT_LOG("out of order");
}

/*
 * The sound tree of two tasks 10 and 11 with entries of @size bytes,
 * task_size saying @task_size; parsed, it cannot be restored by a task
 * alone.
 */
static void bad_tree_sized(struct __test_metadata *_metadata,
			   FIXTURE_DATA(restart) *self, bool use_pipe,
			   size_t size, __u32 task_size)
{
	struct ckpt_task_ids ids = { .pid = 10, .tgid = 10 };
	struct {
		struct ckpt_rec_tree t;
		__u8 entries[2][64];
	} rec;
	struct img *img;

	memset(&rec, 0xff, sizeof(rec));	/* unknown trailing fields */
	memset(&rec.t, 0, sizeof(rec.t));
	rec.t.h.type = CKPT_REC_TREE;
	rec.t.h.len = sizeof(rec.t) + 2 * size;
	rec.t.nr_tasks = 2;
	rec.t.task_size = task_size;
	memcpy(rec.entries[0], &ids, CKPT_TASK_IDS_SIZE_1_0);
	ids.pid = ids.tgid = 11;
	ids.ppid = 10;
	memcpy((__u8 *)rec.entries + size, &ids, CKPT_TASK_IDS_SIZE_1_0);
	if (size > CKPT_TASK_IDS_SIZE_1_0) {
		/* the fields of formats 1.1 to this one: known and sound */
		memset((__u8 *)rec.entries + CKPT_TASK_IDS_SIZE_1_0, 0,
		       sizeof(ids) - CKPT_TASK_IDS_SIZE_1_0);
		memset((__u8 *)rec.entries + size + CKPT_TASK_IDS_SIZE_1_0, 0,
		       sizeof(ids) - CKPT_TASK_IDS_SIZE_1_0);
	}
	img = new_img(self, NULL);
	img_raw_rec(img, &rec, rec.t.h.len);
	img_tail(img);
	EXPECT_EQ(-EINVAL, restart_buf(_metadata, self, use_pipe,
				       self->img.buf, self->img.len, 0))
		TH_LOG("entries of %zu bytes", size);
	EXPECT_LOG("restore it with a coordinator");
}

TEST_F(restart, bad_tree)
{
	struct {
		struct ckpt_rec_tree t;
		struct ckpt_task_ids ids[2];
	} rec;
	const struct {
		__u32 nr_tasks;
		__s32 pid, tgid;
		__u32 flags, task_size;
		__s32 tty_pgrp;
		int error;
		const char *log;
	} cases[] = {
		{ 2, 10, 10, 0, 0, 0, -EINVAL, "bad ids" },	/* the same pid twice */
		{ 0, 10, 10, 0, 0, 0, -EINVAL, "a tree of 0 tasks" },
		{ 1, 0, 0, 0, 0, 0, -EINVAL, "bad ids" },
		{ 1, -5, -5, 0, 0, 0, -EINVAL, "bad ids" },
		{ 1, 10, 11, 0, 0, 0, -EINVAL, "its process 11 is not before it" },
		{ 1, 10, 10, 0, 24, 0, -EINVAL, "tree entries of 24 bytes" },
		{ 1, 10, 10, 0, 36, 0, -EINVAL, "tree entries of 36 bytes" },
		{ 1, 10, 10, 0, 264, 0, -EINVAL, "tree entries of 264 bytes" },
		{ 1, 10, 10, 0, 0x80000000, 0, -EINVAL, "tree entries of" },
		/* a foreground group without a terminal, or for a non-leader */
		{ 1, 10, 10, CKPT_TASK_SESSION_LEADER, 0, 10, -EINVAL, "a terminal's foreground group" },
		{ 1, 10, 10, CKPT_TASK_CTTY, 0, 10, -EINVAL, "a terminal's foreground group" },
		{ 1, 10, 10, CKPT_TASK_CTTY | CKPT_TASK_ZOMBIE, 0, 0, -EINVAL, "controlling terminal it cannot have" },
		/* a flag no format defines */
		{ 1, 10, 10, 1U << 8, 0, 0, -EINVAL, "bad ids" },
		/* a pty as controlling terminal: with its number, alive, not both kinds */
		{ 1, 10, 10, CKPT_TASK_CTTY_PTY, 0, 0, -EINVAL, "controlling terminal it cannot have" },
		{ 1, 10, 10, CKPT_TASK_CTTY_PTY | CKPT_TASK_CTTY, 0, 0, -EINVAL, "controlling terminal it cannot have" },
		/* stopped without a stop signal, or waited without a stop */
		{ 1, 10, 10, CKPT_TASK_STOPPED, 0, 0, -EINVAL, "a stop it cannot have" },
		{ 1, 10, 10, CKPT_TASK_STOP_WAITED, 0, 0, -EINVAL, "a stop it cannot have" },
		{ 1, 10, 10, CKPT_TASK_STOPPED | CKPT_TASK_ZOMBIE, 0, 0, -EINVAL, "a stop it cannot have" },
	};
	struct img *img;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&rec, 0, sizeof(rec));
		rec.t.h.type = CKPT_REC_TREE;
		rec.t.h.len = sizeof(rec);
		rec.t.nr_tasks = cases[i].nr_tasks;
		rec.t.task_size = cases[i].task_size ?: sizeof(rec.ids[0]);
		rec.ids[0].pid = cases[i].pid;
		rec.ids[0].tgid = cases[i].tgid;
		rec.ids[0].flags = cases[i].flags;
		rec.ids[0].tty_pgrp = cases[i].tty_pgrp;
		if (cases[i].flags & CKPT_TASK_CTTY)
			rec.ids[0].ctty_pty = 3;	/* a pty number without CTTY_PTY */
		rec.ids[1] = rec.ids[0];
		img = new_img(self, NULL);
		img_raw_rec(img, &rec, sizeof(rec));
		img_tail(img);
		EXPECT_EQ(cases[i].error, RESTART())
			TH_LOG("tree case %zu", i);
		EXPECT_LOG(cases[i].log);
	}

	/* a sound tree of two: a task cannot restore it alone */
	memset(&rec, 0, sizeof(rec));
	rec.t.h.type = CKPT_REC_TREE;
	rec.t.h.len = sizeof(rec);
	rec.t.nr_tasks = 2;
	rec.t.task_size = sizeof(rec.ids[0]);
	rec.ids[0].pid = rec.ids[0].tgid = 10;
	rec.ids[1].pid = rec.ids[1].tgid = 11;
	rec.ids[1].ppid = 10;
	img = new_img(self, NULL);
	img_raw_rec(img, &rec, sizeof(rec));
	img_tail(img);
	EXPECT_EQ(-EINVAL, RESTART());
	EXPECT_LOG("restore it with a coordinator");

	/*
	 * The same tree in format 1.0: task_size 0, entries of 32 bytes,
	 * and in a newer one, entries with fields this kernel ignores.
	 */
	bad_tree_sized(_metadata, self, variant->pipe, CKPT_TASK_IDS_SIZE_1_0, 0);
	bad_tree_sized(_metadata, self, variant->pipe, 64, 64);

	/* one task announced, its ids missing */
	memset(&rec, 0, sizeof(rec));
	rec.t.h.type = CKPT_REC_TREE;
	rec.t.h.len = sizeof(rec.t);
	rec.t.nr_tasks = 1;
	img = new_img(self, NULL);
	img_raw_rec(img, &rec, sizeof(rec.t));
	img_tail(img);
	EXPECT_EQ(-EINVAL, RESTART());
}

/*
 * The TASK record is checked before anything else happens, and
 * RESTART_FROZEN is refused right after: either way, before restart()
 * touches the caller.
 */
TEST_F(restart, task_record)
{
	struct ckpt_rec_task good = {
		.h.type = CKPT_REC_TASK,
		.h.len = sizeof(good),
		.pid = getpid(),
		.comm = "ckpt-test",
		.exit_signal = SIGCHLD,
	}, rec;
	struct img *img;
	int i;

	img = new_img(self, NULL);
	img_tree(img, getpid());
	img_task(img, getpid());
	img_tail(img);
	EXPECT_EQ(-EOPNOTSUPP, RESTART_FLAGS(RESTART_FROZEN));
	EXPECT_LOG("RESTART_FROZEN is not supported");

	/* a record of format 1.6, without mm_flags, is read too */
	rec = good;
	rec.h.len = CKPT_REC_TASK_SIZE_1_6;
	img = new_img(self, NULL);
	img_tree(img, getpid());
	img_raw_rec(img, &rec, rec.h.len);
	img_tail(img);
	EXPECT_EQ(-EOPNOTSUPP, RESTART_FLAGS(RESTART_FROZEN));
	EXPECT_LOG("RESTART_FROZEN is not supported");

	for (i = 0; i < 8; i++) {
		rec = good;
		switch (i) {
		case 0:		/* no NUL in comm */
			memset(rec.comm, 'x', sizeof(rec.comm));
			break;
		case 1:
			rec.personality = 0xffffffff;
			break;
		case 2:
			rec.pdeath_signal = 1000;
			break;
		case 3:		/* too short for struct rseq */
			rec.rseq_len = 16;
			rec.rseq = 0x10000;
			break;
		case 4:
			rec.robust_list = 0x10000;
			rec.robust_list_len = 1;
			break;
		case 5:
			rec.clear_child_tid = ~0ULL;
			break;
		case 6:		/* shorter than a record of format 1.6 */
			rec.h.len = CKPT_REC_TASK_SIZE_1_6 - 8;
			break;
		case 7:		/* a memory setting this kernel does not know */
			rec.mm_flags = 1U << 31;
			break;
		}
		img = new_img(self, NULL);
		img_tree(img, getpid());
		img_raw_rec(img, &rec, rec.h.len);
		img_tail(img);
		EXPECT_EQ(-EINVAL, RESTART_FLAGS(RESTART_FROZEN))
			TH_LOG("bad task record %d", i);
	}
	/* the caller was not touched */
	EXPECT_EQ(0, fcntl(self->log[1], F_GETFD));
}

/*
 * restart(0) in a child, from an image that @build writes for the child's
 * pid after a TREE and a TASK record: the child commits to the image and
 * must then die of SIGKILL, having logged @needle.
 */
static void restart_dies(struct __test_metadata *_metadata,
			 FIXTURE_DATA(restart) *self, bool use_pipe,
			 void (*build)(struct img *img, int i), int i,
			 const char *needle)
{
	pid_t child, writer;
	int status, fd;

	child = fork_flushed();
	ASSERT_LE(0, child);
	if (!child) {
		struct img *img = new_img(self, NULL);

		img_tree(img, getpid());
		img_task(img, getpid());
		build(img, i);
		img_tail(img);
		fd = feed(use_pipe, img->buf, img->len, &writer);
		if (fd >= 0)
			sys_restart(0, fd, 0, self->log[1]);
		_exit(100);	/* not reached: restart() kills the caller */
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("case %d: status %#x", i, status);
	read_log(self->log[0], self->log_buf, sizeof(self->log_buf));
	EXPECT_NE(NULL, strstr(self->log_buf, needle))
		TH_LOG("case %d: log \"%s\", expected \"%s\"", i, self->log_buf, needle);
}

static void img_file(struct img *img, __u32 kind, __u32 objref, const char *path)
{
	size_t plen = path ? strlen(path) : 0;
	struct {
		struct ckpt_rec_file f;
		char path[64];
	} rec = {
		.f.h.type = CKPT_REC_FILE,
		.f.h.len = CKPT_ALIGN(sizeof(rec.f) + plen),
		.f.fd = 3,
		.f.kind = kind,
		.f.f_flags = O_RDONLY,
		.f.objref = objref,
		.f.path_len = plen,
	};

	memcpy(rec.path, path ?: "", plen);
	img_raw_rec(img, &rec, sizeof(rec.f) + plen);
}

/* A FILE record that names no path, for a kind reopened by path. */
static void build_no_path(struct img *img, int i)
{
	static const __u32 kinds[] = { CKPT_FILE_REG, CKPT_FILE_DIR, CKPT_FILE_CHR };

	img_file(img, kinds[i], 0, NULL);
}

/* An empty MM record announcing @nr_vmas mappings. */
static void img_mm(struct img *img, __u32 nr_vmas)
{
	struct ckpt_rec_mm *mm = calloc(1, sizeof(*mm));

	mm->h.type = CKPT_REC_MM;
	mm->h.len = sizeof(*mm);
	mm->nr_vmas = nr_vmas;
	img_raw_rec(img, mm, sizeof(*mm));
	free(mm);
}

/* An empty MM record, then a SHMEM record. */
static void img_shmem(struct img *img, __u32 nr_vmas, __u32 objref,
		      __u32 flags, __u64 size)
{
	struct ckpt_rec_shmem shm = {
		.h.type = CKPT_REC_SHMEM,
		.h.len = sizeof(shm),
		.objref = objref,
		.flags = flags,
		.size = size,
	};

	img_mm(img, nr_vmas);
	img_raw_rec(img, &shm, sizeof(shm));
}

static void img_vma(struct img *img, __u32 kind, __u64 pages, __u64 pgoff)
{
	struct ckpt_rec_vma vma = {
		.h.type = CKPT_REC_VMA,
		.h.len = sizeof(vma),
		.start = 0x10000000,
		.end = 0x10000000 + pages * getpagesize(),
		.pgoff = pgoff,
		.kind = kind,
		.prot = PROT_READ | PROT_WRITE,
	};

	img_raw_rec(img, &vma, sizeof(vma));
}

/* Shared memory objects that do not add up. */
static void build_bad_shmem(struct img *img, int i)
{
	struct ckpt_rec_shmem shm = {
		.h.type = CKPT_REC_SHMEM,
		.h.len = sizeof(shm),
		.objref = 5,
		.flags = CKPT_SHMEM_NEW,
		.size = 4096,
	};
	struct {
		struct ckpt_rec_pages p;
		char page[4096];
	} pages = {
		.p.h.type = CKPT_REC_PAGES,
		.p.h.len = sizeof(pages),
		.p.addr = 4096,
		.p.nr_pages = 1,
	};

	switch (i) {
	case 0:
		img_shmem(img, 0, 0, CKPT_SHMEM_NEW, 4096);
		break;
	case 1:
		img_shmem(img, 0, 5, CKPT_SHMEM_NEW, 4097);
		break;
	case 2:
		img_shmem(img, 0, 5, 0, 4096);
		break;
	case 3:
		img_shmem(img, 0, 5, CKPT_SHMEM_NEW, 4096);
		img_raw_rec(img, &pages, sizeof(pages));
		break;
	case 4:
		img_shmem(img, 0, 5, CKPT_SHMEM_NEW, 4096);
		img_raw_rec(img, &shm, sizeof(shm));
		break;
	case 5:		/* a file of the object's number, after its mapping */
		img_shmem(img, 1, 5, CKPT_SHMEM_NEW, 4096);
		img_vma(img, CKPT_VMA_SHMEM, 1, 0);
		img_file(img, CKPT_FILE_REG, 5, "/dev/null");
		break;
	case 6:
		img_shmem(img, 1, 5, CKPT_SHMEM_NEW, 4096);
		img_vma(img, CKPT_VMA_SHMEM, 2, 0);
		break;
	case 7:
		img_shmem(img, 1, 5, CKPT_SHMEM_NEW, 8192);
		img_vma(img, CKPT_VMA_SHMEM, 1, 2);
		break;
	case 8:
		img_shmem(img, 1, 5, CKPT_SHMEM_NEW, 4096);
		img_vma(img, CKPT_VMA_ANON, 1, 0);
		break;
	case 9:
		img_shmem(img, 0, 5, 0x80, 4096);
		break;
	case 10:	/* a file where its mapping belongs */
		img_shmem(img, 0, 5, CKPT_SHMEM_NEW, 4096);
		img_file(img, CKPT_FILE_REG, 6, "/dev/null");
		break;
	}
}

/* A MAPPED_FILE record, then a one-page mapping of @path. */
static void img_mapped_file(struct img *img, const struct stat *st,
			    const char *path)
{
	struct ckpt_rec_mapped_file mf = {
		.h.type = CKPT_REC_MAPPED_FILE,
		.h.len = sizeof(mf),
		.size = st->st_size,
		.mtime_sec = st->st_mtim.tv_sec,
		.mtime_nsec = st->st_mtim.tv_nsec,
	};
	struct {
		struct ckpt_rec_vma v;
		char path[PATH_MAX];
	} vma = {
		.v.h.type = CKPT_REC_VMA,
		.v.start = 0x10000000,
		.v.end = 0x10000000 + getpagesize(),
		.v.kind = CKPT_VMA_FILE,
		.v.prot = PROT_READ,
		.v.path_len = strlen(path),
	};

	vma.v.h.len = CKPT_ALIGN(sizeof(vma.v) + vma.v.path_len);
	memcpy(vma.path, path, vma.v.path_len);
	img_raw_rec(img, &mf, sizeof(mf));
	img_raw_rec(img, &vma, sizeof(vma.v) + vma.v.path_len);
}

/*
 * MAPPED_FILE records out of bounds or out of place (@i picks which),
 * and a mapped file that is not what the record says: this test's own
 * executable, one byte longer or modified a second later.
 */
static void build_bad_mapped_file(struct img *img, int i)
{
	struct ckpt_rec_mapped_file mf = {
		.h.type = CKPT_REC_MAPPED_FILE,
		.h.len = sizeof(mf),
	};
	struct ckpt_rec_shmem shm = {
		.h.type = CKPT_REC_SHMEM,
		.h.len = sizeof(shm),
		.objref = 5,
		.flags = CKPT_SHMEM_NEW,
		.size = 4096,
	};
	struct stat st;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0 || stat("/proc/self/exe", &st))
		return;		/* the log then lacks the expected line */
	exe[n] = 0;
	img_mm(img, 1);
	switch (i) {
	case 0:
		mf.mtime_nsec = 1000000000;
		img_raw_rec(img, &mf, sizeof(mf));
		break;
	case 1:
		mf.pad = 1;
		img_raw_rec(img, &mf, sizeof(mf));
		break;
	case 2:
		img_raw_rec(img, &mf, sizeof(mf));
		img_vma(img, CKPT_VMA_ANON, 1, 0);
		break;
	case 3:
		img_raw_rec(img, &mf, sizeof(mf));
		img_raw_rec(img, &mf, sizeof(mf));
		break;
	case 4:
		img_raw_rec(img, &mf, sizeof(mf));
		img_raw_rec(img, &shm, sizeof(shm));
		break;
	case 5:
		st.st_size++;
		img_mapped_file(img, &st, exe);
		break;
	case 6:
		st.st_mtim.tv_sec++;
		img_mapped_file(img, &st, exe);
		break;
	}
}

/*
 * Records past the TASK record that used to reach the kernel unchecked:
 * a FILE record without a path (a NULL dereference in filp_open() once),
 * and shared memory objects out of bounds, undefined, defined twice, or
 * used as another kind of object.  Each kills the committed caller with
 * a message, and nothing else.
 */
/*
 * A PTY record whose fields are out of their bounds (@i picks which),
 * or whose data runs past its end; case 0 is sound but names a master
 * path that is not a ptmx.
 */
static void build_bad_pty(struct img *img, int i)
{
	static const char path[] = "/dev/null";
	struct {
		struct ckpt_rec_pty p;
		char data[64];
	} rec = {
		.p.h.type = CKPT_REC_PTY,
		.p.pty = 5,
		.p.index = 0,
		.p.mode = 0620,
		.p.path_len = sizeof(path) - 1,
	};
	size_t len = sizeof(rec.p) + rec.p.path_len;

	memcpy(rec.data, path, rec.p.path_len);
	switch (i) {
	case 1:
		rec.p.pty = 0;
		break;
	case 2:
		rec.p.flags = 1U << 4;
		break;
	case 3:
		rec.p.index = 0x80000000;
		break;
	case 4:
		rec.p.mode = 010000;
		break;
	case 5:
		rec.p.termios.c_line = 1;
		break;
	case 6:
		rec.p.path_len = 0;
		break;
	case 7:
		rec.p.to_slave = 4097;
		break;
	case 8:
		rec.p.to_master = 8;
		rec.p.to_master_lines = 9;
		break;
	case 9:		/* input announced, not there */
		rec.p.to_slave = 40;
		break;
	case 10:
		rec.p.pktstatus = 0x100;
		break;
	}
	rec.p.h.len = CKPT_ALIGN(len);
	img_raw_rec(img, &rec, len);
}

static void img_share(struct img *img, __u32 kind, __u32 flags, __u32 objref)
{
	struct ckpt_rec_share rec = {
		.h.type = CKPT_REC_SHARE,
		.h.len = sizeof(rec),
		.kind = kind,
		.flags = flags,
		.objref = objref,
	};

	img_raw_rec(img, &rec, sizeof(rec));
}

/*
 * Fields that the fuzzing campaign found unchecked, and malformed SHARE
 * records: each case @i of them, after a TREE and a TASK record.
 */
static void build_hostile_field(struct img *img, int i)
{
	struct ckpt_rec_sched sched = {
		.h.type = CKPT_REC_SCHED,
		.h.len = sizeof(sched),
		.reset_on_fork = 2,
	};
	struct {
		struct ckpt_rec_fs fs;
		char cwd[8];
	} fs = {
		.fs.h.type = CKPT_REC_FS,
		.fs.h.len = CKPT_ALIGN(sizeof(fs.fs) + 1),
		.fs.cwd_len = 1,
		.cwd = "/",
	};
	struct ckpt_rec_sighand *sh;
	struct ckpt_rec_file *file;

	switch (i) {
	case 0:		/* an alternate stack sigaltstack() refuses */
		sh = calloc(1, sizeof(*sh));
		sh->h.type = CKPT_REC_SIGHAND;
		sh->h.len = sizeof(*sh);
		sh->altstack_sp = 0x10000;
		sh->altstack_size = 100;
		img_raw_rec(img, sh, sizeof(*sh));
		free(sh);
		break;
	case 1:		/* fd flags no format defines */
	case 2:		/* a pipe number on a regular file */
		img_file(img, CKPT_FILE_REG, 0, "/dev/null");
		file = (void *)(img->buf + img->len - CKPT_ALIGN(sizeof(*file) + 9));
		if (i == 1)
			file->fd_flags = 2;
		else
			file->pipe = 7;
		break;
	case 3:
		img_raw_rec(img, &sched, sizeof(sched));
		break;
	case 4:
		img_share(img, 3, CKPT_SHARE_NEW, 5);
		break;
	case 5:
		img_share(img, CKPT_SHARE_FILES, 1U << 1, 5);
		break;
	case 6:
		img_share(img, CKPT_SHARE_FILES, 0, 9);
		break;
	case 7:		/* a table of another kind under that number */
		img_share(img, CKPT_SHARE_FS, CKPT_SHARE_NEW, 5);
		img_raw_rec(img, &fs, sizeof(fs.fs) + 1);
		img_share(img, CKPT_SHARE_FILES, 0, 5);
		break;
	case 8:
		img_raw_rec(img, &fs, sizeof(fs.fs) + 1);
		img_share(img, CKPT_SHARE_FS, CKPT_SHARE_NEW, 5);
		break;
	case 9:
		img_share(img, CKPT_SHARE_FILES, CKPT_SHARE_NEW, 0);
		break;
	}
}

TEST_F(restart, hostile_fields)
{
	static const char *const logs[] = {
		"bad sigaltstack (0x10000, 100 bytes, flags 0x0)",
		"fd 3: fd flags 0x2",
		"object 7 for a file of kind 1",
		"bad scheduling parameters",
		"bad SHARE record (kind 3",
		"bad SHARE record (kind 1, flags 0x2",
		"file descriptor table (CLONE_FILES) 9 was not written before",
		"file descriptor table (CLONE_FILES) 5 was not written before",
		"a SHARE record after the FS record",
		"bad SHARE record (kind 1, flags 0x1, objref 0)",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(logs); i++)
		restart_dies(_metadata, self, variant->pipe, build_hostile_field,
			     i, logs[i]);
}

/* Drop CAP_BLOCK_SUSPEND from the caller's effective set. */
/* The caller loses @cap from its effective set */
static void drop_effective_cap(int cap)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return;
	data[cap / 32].effective &= ~(1U << (cap % 32));
	syscall(SYS_capset, &hdr, data);
}

/* An eventfd at fd 3 and an epoll at fd 4 watching it with EPOLLWAKEUP. */
static void img_epoll_wakeup(struct img *img)
{
	struct ckpt_rec_eventfd efd = {
		.h.type = CKPT_REC_EVENTFD,
		.h.len = sizeof(efd),
		.objref = 5,
	};
	struct {
		struct ckpt_rec_epoll e;
		struct ckpt_epoll_watch w;
	} ep = {
		.e.h.type = CKPT_REC_EPOLL,
		.e.h.len = sizeof(ep),
		.e.objref = 8,
		.e.nr_watches = 1,
		.w = { .fd = 3, .events = EPOLLIN | EPOLLWAKEUP, .target = 5 },
	};
	struct ckpt_rec_file f = {
		.h.type = CKPT_REC_FILE,
		.h.len = sizeof(f),
		.fd = 3,
		.kind = CKPT_FILE_EVENTFD,
		.f_flags = O_RDWR,
		.objref = 5,
	};

	img_raw_rec(img, &efd, sizeof(efd));
	img_raw_rec(img, &f, sizeof(f));
	img_raw_rec(img, &ep, sizeof(ep));
	f.fd = 4;
	f.kind = CKPT_FILE_EPOLL;
	f.objref = 8;
	img_raw_rec(img, &f, sizeof(f));
}

/* EVENTFD and SIGNALFD records out of bounds, or missing (case @i) */
static void build_bad_event_file(struct img *img, int i)
{
	struct ckpt_rec_eventfd efd = {
		.h.type = CKPT_REC_EVENTFD,
		.h.len = sizeof(efd),
		.objref = 5,
		.count = 3,
	};
	struct ckpt_rec_signalfd sfd = {
		.h.type = CKPT_REC_SIGNALFD,
		.h.len = sizeof(sfd),
		.objref = 6,
		.mask = 1U << (SIGUSR1 - 1),
	};

	switch (i) {
	case 0:
		efd.flags = 1U << 2;
		img_raw_rec(img, &efd, sizeof(efd));
		break;
	case 1:
		efd.objref = 0;
		img_raw_rec(img, &efd, sizeof(efd));
		break;
	case 2:		/* the same object twice */
		img_raw_rec(img, &efd, sizeof(efd));
		img_raw_rec(img, &efd, sizeof(efd));
		break;
	case 3:
		sfd.flags = 1U << 1;
		img_raw_rec(img, &sfd, sizeof(sfd));
		break;
	case 4:		/* an eventfd's number for a signalfd */
		img_raw_rec(img, &efd, sizeof(efd));
		sfd.objref = 5;
		img_raw_rec(img, &sfd, sizeof(sfd));
		break;
	case 5:		/* a FILE of an eventfd no record made */
		img_file(img, CKPT_FILE_EVENTFD, 9, NULL);
		break;
	case 6:		/* a FILE of a signalfd no record made */
		img_file(img, CKPT_FILE_SIGNALFD, 9, NULL);
		break;
	case 7 ... 11: {
		struct ckpt_rec_timerfd tfd = {
			.h.type = CKPT_REC_TIMERFD,
			.h.len = sizeof(tfd),
			.objref = 7,
			.clockid = CLOCK_MONOTONIC,
			.value_ns = 1000000000,
		};

		if (i == 7)
			tfd.flags = 1U << 4;
		else if (i == 8)
			tfd.value_ns = -1;
		else if (i == 9)
			tfd.interval_ns = -5;
		else if (i == 10)
			tfd.clockid = CLOCK_PROCESS_CPUTIME_ID;
		else		/* canceled, but not cancel-on-set */
			tfd.flags = CKPT_TIMERFD_CANCELED;
		img_raw_rec(img, &tfd, sizeof(tfd));
		break;
	}
	case 12 ... 17: {
		struct {
			struct ckpt_rec_epoll e;
			struct ckpt_epoll_watch w;
		} ep = {
			.e.h.type = CKPT_REC_EPOLL,
			.e.h.len = sizeof(ep),
			.e.objref = 8,
			.e.nr_watches = 1,
			.w = { .fd = 50, .events = EPOLLIN, .target = 9 },
		};

		if (i == 12)
			ep.e.flags = 1U << 1;
		else if (i == 13)
			ep.e.nr_watches = CKPT_EPOLL_WATCHES_MAX + 1;
		else if (i == 14)	/* a watch announced, not there */
			ep.e.h.len = sizeof(ep.e);
		else if (i == 16)
			ep.w.flags = 1U << 2;
		else if (i == 17) {	/* an epoll that watches itself */
			ep.w.fd = 3;
			ep.w.target = 8;
		}
		img_raw_rec(img, &ep, ep.e.h.len);
		if (i == 17)
			img_file(img, CKPT_FILE_EPOLL, 8, NULL);
		break;
	}
	case 18 ... 23: {
		struct ckpt_rec_file_lock lk = {
			.h.type = CKPT_REC_FILE_LOCK,
			.h.len = sizeof(lk),
			.objref = 4,
			.fd = 3,
			.kind = CKPT_LOCK_POSIX,
			.type = F_WRLCK,
			.start = 0,
			.end = 99,
		};

		img_file(img, CKPT_FILE_REG, 4, "/dev/null");
		if (i == 18)
			lk.kind = 4;
		else if (i == 19)
			lk.type = F_UNLCK;
		else if (i == 20)
			lk.end = -1;	/* past the end of the file's range */
		else if (i == 21)
			lk.start = -5;
		else if (i == 22)	/* a flock() lock is on the whole file */
			lk.kind = CKPT_LOCK_FLOCK;
		else
			lk.fd = 7;	/* not the file's descriptor */
		img_raw_rec(img, &lk, sizeof(lk));
		break;
	}
	case 24 ... 29: {
		struct {
			struct ckpt_rec_unix_pair p;
			__u32 lens[1];
			char data[8];
		} up = {
			.p.h.type = CKPT_REC_UNIX_PAIR,
			.p.type = SOCK_STREAM,
			.p.end[0] = { .objref = 5, .peek_off = -1, .nr_msgs = 1, .len = 3 },
			.p.end[1] = { .objref = 6, .peek_off = -1 },
			.lens = { 3 },
			.data = "abc",
		};
		size_t len = sizeof(up);

		if (i == 24)
			up.p.type = 7;
		else if (i == 25)
			up.p.end[0].objref = 0;
		else if (i == 26)	/* a flag no format defines */
			up.p.end[0].flags = 1U << 8;
		else if (i == 27)
			up.p.end[1].nr_msgs = 2;
		else if (i == 28)
			up.lens[0] = 5;
		else		/* the lengths and bytes announced are not there */
			len = sizeof(up.p);
		up.p.h.len = CKPT_ALIGN(len);
		img_raw_rec(img, &up, len);
		break;
	}
	case 30:	/* EPOLLWAKEUP for a restarter without CAP_BLOCK_SUSPEND */
		img_epoll_wakeup(img);
		drop_effective_cap(CAP_BLOCK_SUSPEND);
		break;
	case 31: {	/* a stale watch of a file no record restored */
		struct {
			struct ckpt_rec_epoll e;
			struct ckpt_epoll_watch w;
		} ep = {
			.e.h.type = CKPT_REC_EPOLL,
			.e.h.len = sizeof(ep),
			.e.objref = 8,
			.e.nr_watches = 1,
			.w = { .fd = 50, .events = EPOLLIN, .target = 9,
			       .flags = CKPT_EPOLL_WATCH_STALE },
		};

		img_raw_rec(img, &ep, sizeof(ep));
		break;
	}
	}
}

TEST_F(restart, event_file_records)
{
	static const char *const logs[] = {
		"eventfd 5: unknown flags 0x4",
		"object 0 is 0 or was defined before",
		"object 5 is 0 or was defined before",
		"signalfd 6: unknown flags 0x2",
		"object 5 is 0 or was defined before",
		"no record before it made its file (kind 7, object 9)",
		"no record before it made its file (kind 8, object 9)",
		"timerfd 7: flags 0x10",
		"time left -1 ns",
		"interval -5 ns",
		"timerfd 7: cannot make it (clock 2): error -22",
		"timerfd 7: cannot make it (clock 1): error -22",
		"epoll 8: flags 0x2, 1 watches",
		"epoll 8: flags 0x0, 65537 watches",
		"runs past the end of the record",
		"epoll 8 watches fd 50, which is not the restored object 9",
		"epoll 8: watch of fd 50: unknown flags 0x4",
		"epoll 8: cannot watch fd 3 (events 0x1): error -22",
		"bad file lock (kind 4, type 1, fd 3, bytes 0-99)",
		"bad file lock (kind 1, type 2, fd 3, bytes 0-99)",
		"bad file lock (kind 1, type 1, fd 3, bytes 0--1)",
		"bad file lock (kind 1, type 1, fd 3, bytes -5-99)",
		"bad file lock (kind 3, type 1, fd 3, bytes 0-99)",
		"a file lock on fd 7, which is not the restored object 4",
		"bad UNIX socket pair (type 7, objects 5 and 6)",
		"bad UNIX socket pair (type 1, objects 0 and 6)",
		"bad end 0 of a UNIX socket pair (flags 0x100, 1 messages, 3 bytes",
		"bad end 1 of a UNIX socket pair (flags 0x0, 2 messages, 0 bytes",
		"UNIX socket end 0: messages of 5 bytes, 3 announced",
		"runs past the end of the record",
		"the watch of fd 3 has EPOLLWAKEUP, which needs CAP_BLOCK_SUSPEND",
		"epoll 8 watches fd 50, which is not the restored object 9",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(logs); i++)
		restart_dies(_metadata, self, variant->pipe, build_bad_event_file,
			     i, logs[i]);
}

/* An inotify instance, object 5, whose descriptor @next_wd comes next. */
static void img_inotify(struct img *img, __u32 flags, __s32 next_wd, __u32 pad)
{
	struct ckpt_rec_inotify rec = {
		.h.type = CKPT_REC_INOTIFY,
		.h.len = sizeof(rec),
		.objref = 5,
		.flags = flags,
		.next_wd = next_wd,
		.pad = pad,
	};

	img_raw_rec(img, &rec, sizeof(rec));
}

/* A watch of object @objref; @path_len past strlen(@path) runs past the record. */
static void img_inotify_watch(struct img *img, __u32 objref, __s32 wd,
			      __u32 mask, const char *path, __u32 path_len)
{
	struct {
		struct ckpt_rec_inotify_watch w;
		char path[64];
	} rec = {
		.w.h.type = CKPT_REC_INOTIFY_WATCH,
		.w.objref = objref,
		.w.wd = wd,
		.w.mask = mask,
		.w.path_len = path_len,
	};
	size_t plen = strlen(path);

	rec.w.h.len = CKPT_ALIGN(sizeof(rec.w) + plen);
	memcpy(rec.path, path, plen);
	img_raw_rec(img, &rec, sizeof(rec.w) + plen);
}

/* A queued event of object @objref, @nlen bytes of its name of @name_len. */
static void img_inotify_event(struct img *img, __u32 objref, __s32 wd,
			      __u32 mask, const char *name, __u32 name_len,
			      size_t nlen)
{
	struct {
		struct ckpt_rec_inotify_event e;
		char name[NAME_MAX + 8];
	} rec = {
		.e.h.type = CKPT_REC_INOTIFY_EVENT,
		.e.objref = objref,
		.e.wd = wd,
		.e.mask = mask,
		.e.name_len = name_len,
	};
	memcpy(rec.name, name, nlen);
	rec.e.h.len = CKPT_ALIGN(sizeof(rec.e) + nlen);
	img_raw_rec(img, &rec, sizeof(rec.e) + nlen);
}

static void build_bad_inotify(struct img *img, int i)
{
	struct ckpt_rec_eventfd efd = {
		.h.type = CKPT_REC_EVENTFD,
		.h.len = sizeof(efd),
		.objref = 6,
	};
	char name[NAME_MAX + 2];

	memset(name, 'n', sizeof(name));
	switch (i) {
	case 0:
		img_inotify(img, 1U << 1, 1, 0);
		return;
	case 1:
		img_inotify(img, 0, 0, 0);
		return;
	case 2:
		img_inotify(img, 0, 1, 1);
		return;
	case 3:		/* a watch of no object */
		img_inotify_watch(img, 9, 1, IN_CREATE, "/", 1);
		return;
	case 4:		/* a watch of an eventfd */
		img_raw_rec(img, &efd, sizeof(efd));
		img_inotify_watch(img, 6, 1, IN_CREATE, "/", 1);
		return;
	case 21:	/* a FILE of an inotify instance no record made */
		img_file(img, CKPT_FILE_INOTIFY, 9, NULL);
		return;
	}
	img_inotify(img, 0, 4, 0);
	switch (i) {
	case 5:
		img_inotify_watch(img, 5, 0, IN_CREATE, "/", 1);
		break;
	case 6:
		img_inotify_watch(img, 5, 1, 0, "/", 1);
		break;
	case 7:
		img_inotify_watch(img, 5, 1, IN_CREATE | IN_MASK_ADD, "/", 1);
		break;
	case 8:
		img_inotify_watch(img, 5, 1, IN_CREATE, "tmp", 3);
		break;
	case 9:
		img_inotify_watch(img, 5, 1, IN_CREATE, "", 0);
		break;
	case 10:
		img_inotify_watch(img, 5, 1, IN_CREATE, "/nonexistent-ckpt", 17);
		break;
	case 11:
		img_inotify_watch(img, 5, 1, IN_CREATE, "/", 9);
		break;
	case 12:	/* one number for two watches */
		img_inotify_watch(img, 5, 1, IN_CREATE, "/", 1);
		img_inotify_watch(img, 5, 1, IN_CREATE, "/tmp", 4);
		break;
	case 13: {	/* a watch after another instance's record */
		struct ckpt_rec_inotify other = {
			.h.type = CKPT_REC_INOTIFY,
			.h.len = sizeof(other),
			.objref = 7,
			.next_wd = 1,
		};

		img_raw_rec(img, &other, sizeof(other));
		img_inotify_watch(img, 5, 1, IN_CREATE, "/", 1);
		break;
	}
	case 14:
		img_inotify_event(img, 5, 1, IN_CREATE, name, NAME_MAX + 1, NAME_MAX + 1);
		break;
	case 15:
		img_inotify_event(img, 5, 0, IN_CREATE, "a", 1, 1);
		break;
	case 16:
		img_inotify_event(img, 5, 1, IN_CREATE | IN_MASK_ADD, "a", 1, 1);
		break;
	case 17:
		img_inotify_event(img, 5, 1, 0, "a", 1, 1);
		break;
	case 18:	/* an overflow of a watch */
		img_inotify_event(img, 5, 1, IN_Q_OVERFLOW, "", 0, 0);
		break;
	case 19:	/* two overflows */
		img_inotify_event(img, 5, -1, IN_Q_OVERFLOW, "", 0, 0);
		img_inotify_event(img, 5, -1, IN_Q_OVERFLOW, "", 0, 0);
		break;
	case 20:
		img_inotify_event(img, 5, 1, IN_CREATE, "a\0b", 3, 3);
		break;
	case 22:
		img_inotify_event(img, 9, 1, IN_CREATE, "a", 1, 1);
		break;
	case 23:	/* the name announced is not there */
		img_inotify_event(img, 5, 1, IN_CREATE, "a", 20, 1);
		break;
	}
}

TEST_F(restart, inotify_records)
{
	static const char *const logs[] = {
		"inotify 5: flags 0x2, next watch 1, pad 0x0",
		"inotify 5: flags 0x0, next watch 0, pad 0x0",
		"inotify 5: flags 0x0, next watch 1, pad 0x1",
		"object 9 is not an inotify instance",
		"object 6 is not an inotify instance",
		"inotify 5: watch 0, mask 0x100, path /",
		"inotify 5: watch 1, mask 0x0, path /",
		"inotify 5: watch 1, mask 0x20000100, path /",
		"inotify 5: watch 1, mask 0x100, path tmp",
		"inotify 5: watch 1, mask 0x100, path (none)",
		"inotify watch on /nonexistent-ckpt: cannot look it up or watch it: error -2",
		"runs past the end of the record",
		"inotify 5: watch 1 twice",
		"inotify 5: a watch or event away from its instance's record",
		"event of watch 1, name of 256 bytes",
		"event of watch 0, name of 1 bytes",
		"cannot queue event of watch 1, mask 0x20000100: error -22",
		"cannot queue event of watch 1, mask 0x0: error -22",
		"cannot queue event of watch 1, mask 0x4000: error -22",
		"cannot queue event of watch -1, mask 0x4000: error -22",
		"event name with a NUL byte inside",
		"no record before it made its file (kind 13, object 9)",
		"object 9 is not an inotify instance",
		"runs past the end of the record",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(logs); i++)
		restart_dies(_metadata, self, variant->pipe, build_bad_inotify,
			     i, logs[i]);
}

/* SIGHAND and ITIMERS records, which a POSIX_TIMERS record follows. */
static void img_signals(struct img *img)
{
	struct ckpt_rec_sighand *sh = calloc(1, sizeof(*sh));
	struct ckpt_rec_itimers it = {
		.h.type = CKPT_REC_ITIMERS,
		.h.len = sizeof(it),
	};

	sh->h.type = CKPT_REC_SIGHAND;
	sh->h.len = sizeof(*sh);
	img_raw_rec(img, sh, sizeof(*sh));
	free(sh);
	img_raw_rec(img, &it, sizeof(it));
}

/* A POSIX_TIMERS record of @nr timers, @have of them present. */
static void img_ptimers(struct img *img, __s32 next_id, __u32 nr, __u32 have,
			const struct ckpt_posix_timer *pt)
{
	struct {
		struct ckpt_rec_posix_timers r;
		struct ckpt_posix_timer t[2];
	} rec = {
		.r.h.type = CKPT_REC_POSIX_TIMERS,
		.r.h.len = sizeof(rec.r) + have * sizeof(rec.t[0]),
		.r.next_id = next_id,
		.r.nr_timers = nr,
	};

	memcpy(rec.t, pt, have * sizeof(rec.t[0]));
	img_raw_rec(img, &rec, rec.r.h.len);
}

static void build_bad_ptimers(struct img *img, int i)
{
	struct ckpt_posix_timer pt[2] = {
		{
			.clockid = CLOCK_MONOTONIC,
			.notify = SIGEV_SIGNAL,
			.signo = SIGUSR1,
			.flags = CKPT_PTIMER_ARMED,
			.value_ns = 1000000000,
			.overrun = -1,
		},
	};

	if (i == 16) {		/* before the interval timers */
		img_ptimers(img, 1, 1, 1, pt);
		return;
	}
	img_signals(img);
	switch (i) {
	case 0:
		img_ptimers(img, -1, 1, 1, pt);
		return;
	case 1:
		img_ptimers(img, 0, CKPT_POSIX_TIMERS_MAX + 1, 1, pt);
		return;
	case 2:
		img_ptimers(img, 0, 2, 1, pt);
		return;
	case 3:
		pt[0].id = -1;
		break;
	case 4:
		pt[0].clockid = CLOCK_PROCESS_CPUTIME_ID;
		break;
	case 5:
		pt[0].notify = SIGEV_THREAD;
		break;
	case 6:
		pt[0].signo = 0;
		break;
	case 7:
		pt[0].signo = 65;
		break;
	case 8:
		pt[0].tid = 5;
		break;
	case 9:
		pt[0].flags |= CKPT_PTIMER_ABSTIME;
		break;
	case 10:
		pt[0].notify = SIGEV_NONE;
		pt[0].signo = 0;
		pt[0].flags = CKPT_PTIMER_SIGPENDING;
		break;
	case 11:
		pt[0].interval_ns = -1;
		break;
	case 12:
		pt[0].flags = 1U << 3;
		break;
	case 13:
		pt[0].overrun = -2;
		break;
	case 14:	/* one id twice */
		pt[1] = pt[0];
		img_ptimers(img, 1, 2, 2, pt);
		return;
	case 15:	/* a thread the process does not have */
		pt[0].notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
		pt[0].tid = 99999;
		break;
	case 17:	/* two records */
		img_ptimers(img, 1, 1, 1, pt);
		pt[0].id = 1;
		break;
	}
	img_ptimers(img, 1, 1, 1, pt);
}

TEST_F(restart, posix_timer_records)
{
	static const char *const logs[] = {
		"POSIX timers: next id -1, 1 timers",
		"POSIX timers: next id 0, 65537 timers",
		"POSIX timers: 2 timers in a record of 96 bytes",
		"bad POSIX timer -1 (clock 1",
		"bad POSIX timer 0 (clock 2, notification 0",
		"bad POSIX timer 0 (clock 1, notification 2",
		"bad POSIX timer 0 (clock 1, notification 0, signal 0,",
		"bad POSIX timer 0 (clock 1, notification 0, signal 65,",
		"signal 10, thread 5, flags 0x2",
		"signal 10, thread 0, flags 0x3",
		"bad POSIX timer 0 (clock 1, notification 1, signal 0, thread 0, flags 0x4",
		"interval -1 ns",
		"thread 0, flags 0x8",
		"bad POSIX timer 0 (clock 1, notification 0, signal 10, thread 0, flags 0x2, time 1000000000 ns, interval 0 ns)",
		"POSIX timer 0 twice",
		"POSIX timer 0: cannot make it (clock 1, notification 4, signal 10, thread 99999): error -22",
		"record type 0x503 out of order",
		"record type 0x503 out of order",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(logs); i++)
		restart_dies(_metadata, self, variant->pipe, build_bad_ptimers,
			     i, logs[i]);
}

/* An established TCP connection over loopback that restart() takes */
static struct ckpt_rec_inet_sock inet_conn(void)
{
	struct ckpt_rec_inet_sock r = {
		.h.type = CKPT_REC_INET_SOCK,
		.h.len = sizeof(r),
		.objref = 5,
		.family = AF_INET,
		.type = SOCK_STREAM,
		.protocol = IPPROTO_TCP,
		.state = 1,	/* TCP_ESTABLISHED */
		.local = { .addr = { 127, 0, 0, 1 }, .port = 4200 },
		.remote = { .addr = { 127, 0, 0, 1 }, .port = 4201 },
		.peek_off = -1,
		.tcp = { .send_seq = 5000, .recv_seq = 1000, .snd_wl1 = 1000,
			 .snd_wnd = 65535, .max_window = 65535,
			 .rcv_wnd = 65535, .rcv_wup = 1000,
			 .mss_clamp = 1460 },
	};

	return r;
}

/* A listening socket on 127.0.0.1:@port, left open */
static void hold_port(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1))
		_exit(101);
}

/* A TCP or UDP socket record with a field out of bounds (@i picks it). */
static void build_bad_inet(struct img *img, int i)
{
	struct ckpt_rec_inet_sock s = inet_conn(), *r = &s;

	switch (i) {
	case 0:
		r->family = 3;
		break;
	case 1:
		r->type = SOCK_RAW;
		break;
	case 2:	/* SYN_SENT */
		r->state = 2;
		break;
	case 3:	/* a listening UDP socket */
		r->type = SOCK_DGRAM;
		r->protocol = IPPROTO_UDP;
		r->state = 10;
		break;
	case 4:
		r->objref = 0;
		break;
	case 5:
		r->flags = 1U << 20;
		break;
	case 6:
		r->type = SOCK_DGRAM;
		r->protocol = IPPROTO_UDP;
		memset(&r->tcp, 0, sizeof(r->tcp));
		r->flags = CKPT_INET_NODELAY;
		break;
	case 7:
		r->flags = CKPT_INET_V6ONLY;
		break;
	case 8:	/* IPv4 uses 4 bytes */
		r->local.addr[9] = 1;
		break;
	case 9:
		r->remote.port = 0;
		break;
	case 10:
		r->state = 10;
		r->local.port = 0;
		r->remote = (struct ckpt_inet_addr){};
		break;
	case 11:
		r->backlog = 5;
		break;
	case 12:
		r->sndtimeo_ns = -1;
		break;
	case 13:
		r->peek_off = -2;
		break;
	case 14:	/* without CKPT_INET_LINGER */
		r->linger_sec = 3;
		break;
	case 15:
		r->type = SOCK_DGRAM;
		r->protocol = IPPROTO_UDP;
		r->keepidle = 5;
		break;
	case 16:
		memset(r->congestion, 'x', sizeof(r->congestion));
		break;
	case 17:	/* TCP_CLOSE */
		r->state = 7;
		r->remote = (struct ckpt_inet_addr){};
		r->tcp.send_len = 3;
		break;
	case 18:
		r->tcp.send_len = CKPT_INET_QUEUE_MAX + 1;
		break;
	case 19:
		r->tcp.opts = CKPT_TCP_OPT_WSCALE;
		r->tcp.snd_wscale = 15;
		break;
	case 20:
		r->tcp.mss_clamp = 10;
		break;
	case 21:
		r->tcp.max_window = 100;
		break;
	case 22:	/* past what was received */
		r->tcp.rcv_wup = 2000;
		break;
	case 23:
		r->tcp.opts = 1U << 5;
		break;
	case 24:	/* without window scaling */
		r->tcp.snd_wscale = 2;
		break;
	case 25:	/* announced, not there */
		r->tcp.recv_len = 3;
		break;
	case 26:
		drop_effective_cap(CAP_NET_ADMIN);
		break;
	case 27:	/* the port is taken */
		r->state = 10;
		r->remote = (struct ckpt_inet_addr){};
		memset(&r->tcp, 0, sizeof(r->tcp));
		r->backlog = 4;
		hold_port(4200);
		break;
	case 28:	/* CLOSE_WAIT is a TCP state */
		r->type = SOCK_DGRAM;
		r->protocol = IPPROTO_UDP;
		r->state = 8;
		memset(&r->tcp, 0, sizeof(r->tcp));
		break;
	}
	img_raw_rec(img, &s, sizeof(s));
}

/* A UDP socket's queued datagrams, out of bounds (@i picks how). */
static void build_bad_udp(struct img *img, int i)
{
	struct {
		struct ckpt_rec_inet_sock r;
		struct ckpt_inet_dgram d;
		char bytes[8];
	} u = {
		.r = {
			.h.type = CKPT_REC_INET_SOCK,
			.objref = 5,
			.family = AF_INET,
			.type = SOCK_DGRAM,
			.protocol = IPPROTO_UDP,
			.state = 7,	/* TCP_CLOSE: bound */
			.local = { .addr = { 127, 0, 0, 1 }, .port = 4202 },
			.peek_off = -1,
			.nr_dgrams = 1,
			.dgrams_len = 5,
		},
		.d = { .from = { .addr = { 127, 0, 0, 1 }, .port = 9 }, .len = 5 },
		.bytes = "hello",
	};
	size_t len = sizeof(u.r) + sizeof(u.d) + 5;

	switch (i) {
	case 0:
		u.r.nr_dgrams = CKPT_INET_DGRAMS_MAX + 1;
		break;
	case 1:
		u.r.dgrams_len = CKPT_INET_QUEUE_MAX + 1;
		break;
	case 2:		/* lengths that do not add up */
		u.d.len = 4;
		break;
	case 3:
		u.d.len = CKPT_INET_DGRAM_MAX + 1;
		break;
	case 4:		/* an IPv4 source uses 4 bytes */
		u.d.from.addr[8] = 1;
		break;
	case 5:
		u.d.pad = 1;
		break;
	case 6:		/* the bytes announced are not there */
		len = sizeof(u.r) + sizeof(u.d);
		break;
	case 7:		/* datagrams on a TCP socket */
		u.r.type = SOCK_STREAM;
		u.r.protocol = IPPROTO_TCP;
		break;
	}
	u.r.h.len = CKPT_ALIGN(len);
	img_raw_rec(img, &u, len);
}

TEST_F(restart, udp_queue_records)
{
	static const char *const logs[] = {
		"IP socket 5: 65537 datagrams of 5 bytes",
		"IP socket 5: 1 datagrams of 6291457 bytes",
		"UDP socket 5: datagrams of 4 bytes, 5 announced",
		"UDP socket 5: bad datagram 0 (65536 bytes from port 9)",
		"UDP socket 5: bad datagram 0 (5 bytes from port 9)",
		"UDP socket 5: bad datagram 0 (5 bytes from port 9)",
		"record data runs past the end of the record",
		"IP socket 5: 1 datagrams of 5 bytes",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(logs); i++)
		restart_dies(_metadata, self, variant->pipe, build_bad_udp,
			     i, logs[i]);
}

TEST_F(restart, inet_sock_records)
{
	static const char *const logs[] = {
		"bad IP socket (family 3, type 1, protocol 6, state 1)",
		"bad IP socket (family 2, type 3, protocol 6, state 1)",
		"bad IP socket (family 2, type 1, protocol 6, state 2)",
		"bad IP socket (family 2, type 2, protocol 17, state 10)",
		"bad IP socket of object 0",
		"bad IP socket of object 5 (flags 0x100000",
		"bad IP socket of object 5 (flags 0x2000",
		"bad IP socket of object 5 (flags 0x400",
		"bad IP socket of object 5 (flags 0x0, ports 4200 and 4201)",
		"bad IP socket of object 5 (flags 0x0, ports 4200 and 0)",
		"bad IP socket of object 5 (flags 0x0, ports 0 and 0)",
		"bad IP socket of object 5",
		"bad IP socket of object 5",
		"bad IP socket of object 5",
		"bad IP socket of object 5",
		"TCP fields in the record of UDP socket 5",
		"bad TCP socket of object 5",
		"connection state in the record of TCP socket 5, which is not connected",
		"bad TCP connection of object 5 (queues of 6291457 and 0 bytes",
		"bad TCP connection of object 5 (queues of 0 and 0 bytes, options 0x4, MSS 1460)",
		"MSS 10)",
		"bad TCP connection of object 5",
		"bad TCP connection of object 5",
		"options 0x20",
		"bad TCP connection of object 5",
		"record data runs past the end of the record",
		"needs CAP_NET_ADMIN in the network namespace",
		"TCP socket of object 5 (port 4200): cannot make it again: error -98",
		"bad IP socket (family 2, type 2, protocol 17, state 8)",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(logs); i++)
		restart_dies(_metadata, self, variant->pipe, build_bad_inet,
			     i, logs[i]);
}

/*
 * restart(child) as the coordinator of a tree of one task, a child that
 * waits in restart(RESTART_TASK), from an image that @build writes for
 * that child after a TREE and a TASK record.  Unlike restart(0), which
 * kills the caller that committed to the image, the coordinator comes
 * back with the errno.  The child must die of SIGKILL.  Returns what
 * restart() returned.
 */
static long restart_coord(struct __test_metadata *_metadata,
			  FIXTURE_DATA(restart) *self, bool use_pipe,
			  void (*build)(struct img *img, int i), int i)
{
	struct img *img;
	int status = 0, n;
	pid_t child;
	long ret;

	child = fork_flushed();
	if (child < 0) {
		TH_LOG("fork: %s", strerror(errno));
		return LONG_MIN;
	}
	if (!child) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* its own group and session, without a terminal: the tree's */
		setsid();
		sys_restart(0, -1, RESTART_TASK, self->log[1]);
		_exit(100);	/* not reached: restart() kills it */
	}
	img = new_img(self, NULL);
	img_tree(img, child);
	img_task(img, child);
	build(img, i);
	img_tail(img);
	ret = restart_pid_buf(_metadata, self, use_pipe, child, img->buf,
			      img->len, 0);
	/* the child was told before restart() returned: it dies right away */
	for (n = 0; n < 200; n++) {
		if (waitpid(child, &status, WNOHANG) == child)
			break;
		usleep(10000);
	}
	if (n == 200)
		reap(child);
	EXPECT_TRUE(n < 200 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("case %d: the child %s (status %#x)", i,
		       n < 200 ? "ended" : "lives on", status);
	return ret;
}

/* What restart_coord() returns for a case, and what its log names */
struct coord_case {
	int error;
	const char *log;
};

/* Case @i of @build: restart_coord() returns @error, the log names @log */
static void expect_coord_case(struct __test_metadata *_metadata,
			      FIXTURE_DATA(restart) *self, bool use_pipe,
			      void (*build)(struct img *img, int i), int i,
			      int error, const char *log)
{
	EXPECT_EQ(error, restart_coord(_metadata, self, use_pipe, build, i))
		TH_LOG("case %d", i);
	EXPECT_NE(NULL, strstr(self->log_buf, log))
		TH_LOG("case %d: log \"%s\", expected \"%s\"", i,
		       self->log_buf, log);
}

/* The UNIX socket tests' directory, and a socket a case holds meanwhile */
static char unix_dir[64];
static int unix_held = -1;

/* Abstract name @n of this process, leading NUL included: its length */
static size_t abstract_name(char *buf, int n)
{
	buf[0] = '\0';
	return 1 + sprintf(buf + 1, "ckpt-restart-image-%d-%d", getpid(), n);
}

/* The path of @name in unix_dir: its length */
static size_t unix_dir_path(char *buf, const char *name)
{
	return sprintf(buf, "%s/%s", unix_dir, name);
}

/* A socket of @type bound to the @len bytes of sun_path @addr, or -1 */
static int unix_bind(int type, const char *addr, size_t len)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type, 0);

	if (fd < 0 || len > sizeof(a.sun_path))
		return -1;
	memcpy(a.sun_path, addr, len);
	if (bind(fd, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Remove unix_dir and what the cases left in it. */
static void unix_dir_remove(void)
{
	struct dirent *d;
	DIR *dir = opendir(unix_dir);

	if (!dir)
		return;
	while ((d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			unlinkat(dirfd(dir), d->d_name, 0);
	closedir(dir);
	rmdir(unix_dir);
}

/* The FILE record of descriptor @fd on the object @objref, without a path */
static void img_obj_file(struct img *img, int fd, __u32 kind, __u32 objref,
			 __u32 f_flags)
{
	struct ckpt_rec_file f = {
		.h.type = CKPT_REC_FILE,
		.h.len = sizeof(f),
		.fd = fd,
		.kind = kind,
		.f_flags = f_flags,
		.objref = objref,
	};

	img_raw_rec(img, &f, sizeof(f));
}

/*
 * After records that restart() is to accept: a FILE record of an eventfd
 * that no record made, which it refuses with a message of its own.
 */
#define UNIX_ACCEPTED "no record before it made its file (kind 7, object 9)"

static void img_accepted(struct img *img, int fd)
{
	img_obj_file(img, fd, CKPT_FILE_EVENTFD, 9, O_RDWR);
}

/* A UNIX_SOCK record's address, socket file path or peer's name refused */
#define UNIX_BAD_NAMES "UNIX socket of object 5: bad address, socket file path or peer"

/*
 * A UNIX_SOCK record with @s's fields, then @alen bytes of address, @plen
 * of path and @rlen of the peer's name, the last @cut of them missing.
 */
static void img_unix_sock(struct img *img, struct ckpt_rec_unix_sock *s,
			  const char *addr, size_t alen, const char *path,
			  size_t plen, const char *peer, size_t rlen, size_t cut)
{
	size_t len = sizeof(*s) + alen + plen + rlen - cut;
	unsigned char *rec = malloc(sizeof(*s) + alen + plen + rlen);

	if (!rec)
		abort();
	s->h.type = CKPT_REC_UNIX_SOCK;
	s->h.len = CKPT_ALIGN(len);
	s->end.addr_len = alen;
	s->path_len = plen;
	s->peer_len = rlen;
	memcpy(rec, s, sizeof(*s));
	memcpy(rec + sizeof(*s), addr, alen);
	memcpy(rec + sizeof(*s) + alen, path, plen);
	if (rlen)
		memcpy(rec + sizeof(*s) + alen + plen, peer, rlen);
	img_raw_rec(img, rec, len);
	free(rec);
}

/*
 * A lone UNIX socket, object 5 at fd 3 (@i picks the case): fields out
 * of bounds (0-23), an address that cannot be bound again (24-26), and
 * sound ones (27-30) that restart() must accept, up to a FILE record
 * after them.  Every socket that it is to bind has its own name.
 */
static void build_unix_sock(struct img *img, int i)
{
	struct ckpt_rec_unix_sock s = {
		.type = SOCK_STREAM,
		.backlog = 5,
		.end = {
			.objref = 5,
			.flags = CKPT_UNIX_BOUND | CKPT_UNIX_LISTENING,
			.peek_off = -1,
		},
	};
	char addr[CKPT_UNIX_ADDR_MAX + 8], path[PATH_MAX + 8];
	size_t alen = abstract_name(addr, i), plen = 0, cut = 0;
	__u32 f_flags = O_RDWR;
	int fd;

	/* a path name, whose socket file's directory does not exist */
	if ((i >= 12 && i <= 17) || i == 23 || i == 26) {
		s.mode = 0600;
		alen = sprintf(addr, "/nonexistent-ckpt/s");
		plen = sprintf(path, "/nonexistent-ckpt/s");
	}
	switch (i) {
	case 0:
		s.type = SOCK_RAW;
		break;
	case 1:
		s.end.objref = 0;
		break;
	case 2:		/* a flag no format defines */
		s.end.flags |= 1U << 8;
		break;
	case 3:		/* a listening datagram socket */
		s.type = SOCK_DGRAM;
		break;
	case 4:		/* listening, not bound */
		s.end.flags = CKPT_UNIX_LISTENING;
		alen = 0;
		break;
	case 5:		/* a backlog, not listening */
		s.end.flags = CKPT_UNIX_BOUND;
		break;
	case 6:		/* a queue */
		s.end.nr_msgs = 1;
		break;
	case 7:
		s.end.len = 3;
		break;
	case 8:		/* longer than sun_path */
		memset(addr + 1, 'n', CKPT_UNIX_ADDR_MAX);
		alen = CKPT_UNIX_ADDR_MAX + 1;
		break;
	case 9:		/* bound, without an address */
		s.end.flags = CKPT_UNIX_BOUND;
		s.backlog = 0;
		alen = 0;
		break;
	case 10:	/* an address, not bound */
		s.end.flags = 0;
		s.backlog = 0;
		break;
	case 11:	/* a socket file for an abstract name */
		plen = sprintf(path, "/nonexistent-ckpt/s");
		break;
	case 12:	/* no socket file for a path name */
		s.mode = 0;
		plen = 0;
		break;
	case 13:	/* a NUL inside the address */
		addr[3] = '\0';
		break;
	case 14:	/* a relative socket file */
		plen = sprintf(path, "nonexistent-ckpt/s");
		break;
	case 15:	/* a NUL inside the socket file's path */
		path[3] = '\0';
		break;
	case 16:	/* a socket file's path of PATH_MAX bytes */
		memset(path + 1, 'p', PATH_MAX - 1);
		plen = PATH_MAX;
		break;
	case 17:	/* the file type in the mode */
		s.mode = S_IFSOCK | 0600;
		break;
	case 18:	/* a mode without a socket file */
		s.mode = 0600;
		break;
	case 19:
		s.end.sndtimeo_ns = -1;
		break;
	case 20:
		s.end.rcvtimeo_ns = -1;
		break;
	case 21:
		s.end.peek_off = -2;
		break;
	case 22:	/* the address announced is not there */
		cut = alen;
		break;
	case 23:	/* the socket file's path announced is not there */
		cut = plen;
		break;
	case 24:	/* the name is taken */
		unix_held = unix_bind(SOCK_STREAM, addr, alen);
		break;
	case 25:	/* a regular file where the socket file was */
		s.mode = 0600;
		alen = unix_dir_path(addr, "file");
		plen = unix_dir_path(path, "file");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd >= 0)
			close(fd);
		break;
	case 26:	/* no directory where the socket file was */
		break;
	case 27:	/* listening on an abstract name */
		s.end.flags |= CKPT_UNIX_NONBLOCK;
		f_flags |= O_NONBLOCK;
		break;
	case 28:	/* not bound */
		s.type = SOCK_DGRAM;
		s.end.flags = 0;
		s.backlog = 0;
		alen = 0;
		break;
	case 29:	/* listening on a path as the program gave it: no file there */
		s.type = SOCK_SEQPACKET;
		s.mode = 0640;
		alen = sprintf(addr, "new");
		plen = unix_dir_path(path, "new");
		break;
	case 30:	/* bound to the socket file its socket left there */
		s.type = SOCK_DGRAM;
		s.end.flags = CKPT_UNIX_BOUND;
		s.backlog = 0;
		s.mode = 0600;
		alen = unix_dir_path(addr, "left");
		plen = unix_dir_path(path, "left");
		fd = unix_bind(SOCK_DGRAM, path, plen);
		if (fd >= 0)
			close(fd);
		break;
	}
	img_unix_sock(img, &s, addr, alen, path, plen, NULL, 0, cut);
	img_obj_file(img, 3, CKPT_FILE_UNIX, 5, f_flags);
	if (i >= 27)
		img_accepted(img, 4);
}

/*
 * A datagram UNIX socket connected one way to its peer's name, object 5
 * at fd 3 (@i picks the case): a peer's name out of bounds (0-6), a
 * record of the layout before peer_len (7), and sound ones (8-11) that
 * restart() must accept, up to a FILE record after them.  It connects
 * such a socket again only once the whole image is read (the peer may
 * come after it), which these images, whose task has no state, never
 * reach: a name that no socket is bound to is accepted too (10).
 */
static void build_unix_peer(struct img *img, int i)
{
	struct ckpt_rec_unix_sock s = {
		.type = SOCK_DGRAM,
		.end = { .objref = 5, .peek_off = -1 },
	};
	char addr[CKPT_UNIX_ADDR_MAX + 8], path[PATH_MAX + 8];
	char peer[CKPT_UNIX_ADDR_MAX + 8];
	size_t alen = 0, plen = 0, rlen = abstract_name(peer, 200 + i), cut = 0;
	unsigned char old[sizeof(s)];
	size_t at = offsetof(struct ckpt_rec_unix_sock, peer_len);

	switch (i) {
	case 0:		/* longer than sun_path */
		memset(peer + 1, 'n', CKPT_UNIX_ADDR_MAX);
		rlen = CKPT_UNIX_ADDR_MAX + 1;
		break;
	case 1:		/* only a datagram socket is connected one way */
		s.type = SOCK_STREAM;
		break;
	case 2:
		s.type = SOCK_SEQPACKET;
		break;
	case 3:		/* not 0 */
		s.pad = 1;
		break;
	case 4:		/* a relative path */
		rlen = sprintf(peer, "log.sock");
		break;
	case 5:		/* a NUL inside the path */
		rlen = unix_dir_path(peer, "peer");
		peer[3] = '\0';
		break;
	case 6:		/* the peer's name announced is not there */
		cut = rlen;
		break;
	case 7:		/* end right after path_len: 8 bytes short */
		s.h.type = CKPT_REC_UNIX_SOCK;
		s.h.len = at + sizeof(s.end);
		memcpy(old, &s, at);
		memcpy(old + at, &s.end, sizeof(s.end));
		img_raw_rec(img, old, s.h.len);
		break;
	case 8:		/* an abstract name that a socket of the test holds */
		unix_held = unix_bind(SOCK_DGRAM, peer, rlen);
		break;
	case 9:		/* the path of a socket file that one holds */
		rlen = unix_dir_path(peer, "peer");
		unix_held = unix_bind(SOCK_DGRAM, peer, rlen);
		break;
	case 10:	/* no socket bound to it yet */
		break;
	case 11:	/* bound to a path: the address, the path, then the peer */
		s.end.flags = CKPT_UNIX_BOUND;
		s.mode = 0600;
		alen = unix_dir_path(addr, "client");
		plen = unix_dir_path(path, "client");
		unix_held = unix_bind(SOCK_DGRAM, peer, rlen);
		break;
	}
	if (i != 7)
		img_unix_sock(img, &s, addr, alen, path, plen, peer, rlen, cut);
	img_obj_file(img, 3, CKPT_FILE_UNIX, 5, O_RDWR);
	if (i >= 8)
		img_accepted(img, 4);
}

/*
 * A UNIX socket pair of format 1.8 (@i picks the case): end 0 with a
 * queue and bound to an abstract name, end 1 accepted from a listening
 * socket on a path, which is its address; sound (0), or with addresses
 * out of bounds or missing.  Objects 5 and 6, at fds 3 and 4.
 */
static void build_unix_pair_addr(struct img *img, int i)
{
	struct {
		struct ckpt_rec_unix_pair p;
		__u32 lens[1];
		char data[3 + 2 * (CKPT_UNIX_ADDR_MAX + 8)];
	} up = {
		.p.h.type = CKPT_REC_UNIX_PAIR,
		.p.type = SOCK_STREAM,
		.p.end[0] = { .objref = 5, .flags = CKPT_UNIX_BOUND,
			      .peek_off = -1, .nr_msgs = 1, .len = 3 },
		.p.end[1] = { .objref = 6, .peek_off = -1 },
		.lens = { 3 },
		.data = "abc",
	};
	char a0[CKPT_UNIX_ADDR_MAX + 8], a1[CKPT_UNIX_ADDR_MAX + 8];
	size_t l0 = abstract_name(a0, 100 + i), l1, cut = 0, len;

	l1 = unix_dir_path(a1, "listening");
	switch (i) {
	case 1:		/* longer than sun_path */
		a1[0] = '\0';
		memset(a1 + 1, 'n', CKPT_UNIX_ADDR_MAX);
		l1 = CKPT_UNIX_ADDR_MAX + 1;
		break;
	case 2:		/* a path name bound again */
		up.p.end[1].flags = CKPT_UNIX_BOUND;
		break;
	case 3:		/* bound, without an address */
		up.p.end[1].flags = CKPT_UNIX_BOUND;
		l1 = 0;
		break;
	case 4:		/* a listening end */
		up.p.end[0].flags |= CKPT_UNIX_LISTENING;
		break;
	case 5:		/* a NUL inside a path name */
		a1[3] = '\0';
		break;
	case 6:		/* the addresses announced are not there */
		cut = l0 + l1;
		break;
	case 7:		/* end 1's address announced is not there */
		cut = l1;
		break;
	}
	up.p.end[0].addr_len = l0;
	up.p.end[1].addr_len = l1;
	memcpy(up.data + 3, a0, l0);
	memcpy(up.data + 3 + l0, a1, l1);
	len = sizeof(up.p) + sizeof(up.lens) + 3 + l0 + l1 - cut;
	up.p.h.len = CKPT_ALIGN(len);
	img_raw_rec(img, &up, len);
	img_obj_file(img, 3, CKPT_FILE_UNIX, 5, O_RDWR);
	img_obj_file(img, 4, CKPT_FILE_UNIX, 6, O_RDWR);
	if (!i)
		img_accepted(img, 5);
}

/*
 * Each case @i of @build refused with @errors[i] and the message
 * @logs[i]; where that is UNIX_ACCEPTED, read past its sockets' records
 * up to the FILE record after them.
 */
static void unix_cases(struct __test_metadata *_metadata,
		       FIXTURE_DATA(restart) *self, bool use_pipe,
		       void (*build)(struct img *img, int i),
		       const int *errors, const char *const *logs, int n)
{
	int i;

	snprintf(unix_dir, sizeof(unix_dir), "/tmp/ckpt-sock-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(unix_dir));
	for (i = 0; i < n; i++) {
		expect_coord_case(_metadata, self, use_pipe, build, i,
				  errors[i], logs[i]);
		if (unix_held >= 0)
			close(unix_held);
		unix_held = -1;
	}
	unix_dir_remove();
}

TEST_F(restart, unix_sock_records)
{
	static const int errors[] = {
		[0 ... 23] = -EINVAL,
		[24 ... 25] = -EADDRINUSE,
		[26] = -ENOENT,
		[27 ... 30] = -EINVAL,
	};
	static const char *const logs[] = {
		[0] = "bad UNIX socket (type 3,",
		[1] = "bad UNIX socket (type 1, object 0,",
		[2] = "flags 0x1c0,",
		[3] = "bad UNIX socket (type 2,",
		[4] = "flags 0x80, backlog 5,",
		[5] = "flags 0x40, backlog 5,",
		[6 ... 7] = "bad UNIX socket (type 1, object 5, flags 0xc0, backlog 5, mode 0,",
		[8] = "address of 109 bytes",
		[9] = "flags 0x40, backlog 0, mode 0, address of 0 bytes",
		[10] = "flags 0x0, backlog 0,",
		[11 ... 15] = UNIX_BAD_NAMES,
		[16] = "path of 4096, peer of 0)",
		[17] = "mode 0140600,",
		[18] = "mode 0600, address of",
		[19 ... 21] = "bad UNIX socket (type 1, object 5, flags 0xc0, backlog 5, mode 0,",
		[22 ... 23] = "runs past the end of the record",
		[24] = "its abstract name is taken: error -98",
		[25] = "is not a socket file: error -98",
		[26] = "cannot make its socket file /nonexistent-ckpt/s: error -2",
		[27 ... 30] = UNIX_ACCEPTED,
	};
	char name[CKPT_UNIX_ADDR_MAX];
	int fd;

	unix_cases(_metadata, self, variant->pipe, build_unix_sock, errors,
		   logs, ARRAY_SIZE(errors));
	/* the name the socket of the killed task had is free again */
	fd = unix_bind(SOCK_STREAM, name, abstract_name(name, 27));
	EXPECT_LE(0, fd);
	close(fd);
}

/*
 * A bad UNIX_SOCK record of a socket of @type connected to a peer, not
 * bound; the message up to the peer's length
 */
#define UNIX_PEER_BAD(type) "bad UNIX socket (type " #type ", object 5, flags 0x0, " \
	"backlog 0, mode 0, address of 0 bytes, path of 0, peer of "

/*
 * Connecting again, at the end of the restart, to a name that no socket
 * is bound to (ECONNREFUSED for an abstract name, ENOENT for a path not
 * there) needs an image whose task has its whole state: not tested here.
 */
TEST_F(restart, unix_sock_peer_records)
{
	static const int errors[] = {
		[0 ... 11] = -EINVAL,
	};
	static const char *const logs[] = {
		[0] = UNIX_PEER_BAD(2) "109)",
		[1] = UNIX_PEER_BAD(1),
		[2] = UNIX_PEER_BAD(5),
		[3] = UNIX_PEER_BAD(2),
		[4 ... 5] = UNIX_BAD_NAMES,
		[6] = "record data runs past the end of the record",
		[7] = "record type 0x702 is 72 bytes, expected at least 80",
		[8 ... 11] = UNIX_ACCEPTED,
	};

	unix_cases(_metadata, self, variant->pipe, build_unix_peer, errors,
		   logs, ARRAY_SIZE(errors));
}

TEST_F(restart, unix_pair_addr_records)
{
	static const int errors[] = {
		[0 ... 7] = -EINVAL,
	};
	static const char *const logs[] = {
		[0] = UNIX_ACCEPTED,
		[1] = "bad end 1 of a UNIX socket pair (flags 0x0,",
		[2] = "UNIX socket end 1: bad address (flags 0x40)",
		[3] = "bad end 1 of a UNIX socket pair (flags 0x40,",
		[4] = "bad end 0 of a UNIX socket pair (flags 0xc0,",
		[5] = "UNIX socket end 1: bad address (flags 0x0)",
		[6 ... 7] = "runs past the end of the record",
	};
	char name[CKPT_UNIX_ADDR_MAX];
	int fd;

	unix_cases(_metadata, self, variant->pipe, build_unix_pair_addr,
		   errors, logs, ARRAY_SIZE(errors));
	/* the name end 0 of the killed task's pair had is free again */
	fd = unix_bind(SOCK_STREAM, name, abstract_name(name, 100));
	EXPECT_LE(0, fd);
	close(fd);
}

/*
 * The netlink port ids of the cases: NL_PORT + the case, above any pid
 * (PID_MAX_LIMIT) and below the negative ones that autobind picks.
 */
#define NL_PORT		5000000U

/* A NETLINK_ROUTE socket bound to port id @portid, or -1 */
static int netlink_bind_port(__u32 portid)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_pid = portid };
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Bit of multicast group @g in the group words of a netlink socket */
#define NL_GROUP(g)	(1ULL << ((g) - 1))

/*
 * A lone NETLINK_ROUTE socket, object 5 at fd 3 (@i picks the case):
 * fields out of bounds (0-13), a port id taken (14), sound ones (15-17)
 * that restart() must accept, up to a FILE record after them, and a
 * group that the restarter may not join (18).
 */
static void build_netlink_sock(struct img *img, int i)
{
	struct {
		struct ckpt_rec_netlink_sock s;
		__u64 groups[2];
	} r = {
		.s = {
			.h.type = CKPT_REC_NETLINK_SOCK,
			.objref = 5,
			.type = SOCK_RAW,
			.protocol = NETLINK_ROUTE,
		},
	};
	__u32 f_flags = O_RDWR;
	size_t words = 0;	/* the group words that the record holds */

	switch (i) {
	case 0:
		r.s.type = SOCK_STREAM;
		break;
	case 1:
		r.s.protocol = NETLINK_GENERIC;
		break;
	case 2:
		r.s.objref = 0;
		break;
	case 3:		/* a flag no format defines */
		r.s.flags = 1U << 20;
		break;
	case 4:		/* bound to the kernel's port id */
		r.s.flags = CKPT_NETLINK_BOUND;
		break;
	case 5:		/* a port id, not bound */
		r.s.portid = NL_PORT + i;
		break;
	case 6:		/* connected, not bound */
		r.s.flags = CKPT_NETLINK_CONNECTED;
		break;
	case 7:		/* a destination, not connected */
		r.s.dst_portid = NL_PORT + i;
		break;
	case 8:		/* connect() takes groups 1 to 32 */
		r.s.flags = CKPT_NETLINK_BOUND | CKPT_NETLINK_CONNECTED;
		r.s.portid = NL_PORT + i;
		r.s.dst_group = 33;
		break;
	case 9:
		r.s.ngroups = CKPT_NETLINK_GROUPS_MAX + 1;
		break;
	case 10:
		r.s.sndtimeo_ns = -1;
		break;
	case 11:
		r.s.rcvtimeo_ns = -1;
		break;
	case 12:	/* group 8 of 5 */
		r.s.ngroups = 5;
		r.groups[0] = NL_GROUP(8);
		words = 1;
		break;
	case 13:	/* one of the two group words announced */
		r.s.ngroups = 100;
		r.groups[0] = NL_GROUP(RTNLGRP_LINK);
		words = 1;
		break;
	case 14:	/* the port id is taken */
		r.s.flags = CKPT_NETLINK_BOUND;
		r.s.portid = NL_PORT + i;
		unix_held = netlink_bind_port(r.s.portid);
		break;
	case 15:	/* not bound */
		break;
	case 16:	/* bound, in groups past the 32 that bind() takes */
		r.s.flags = CKPT_NETLINK_BOUND | CKPT_NETLINK_EXT_ACK |
			    CKPT_NETLINK_STRICT_CHK | CKPT_NETLINK_NONBLOCK;
		r.s.portid = NL_PORT + i;
		r.s.rcvtimeo_ns = 1500000000;
		r.s.ngroups = RTNLGRP_MCTP_IFADDR;
		r.groups[0] = NL_GROUP(RTNLGRP_LINK) |
			      NL_GROUP(RTNLGRP_IPV4_IFADDR) |
			      NL_GROUP(RTNLGRP_MCTP_IFADDR);
		words = 1;
		f_flags |= O_NONBLOCK;
		break;
	case 17:	/* connected to the kernel */
		r.s.flags = CKPT_NETLINK_BOUND | CKPT_NETLINK_CONNECTED;
		r.s.portid = NL_PORT + i;
		break;
	case 18:	/* the restarter lacks CAP_NET_ADMIN for this group */
		r.s.ngroups = RTNLGRP_IPV4_MROUTE_R;
		r.groups[0] = NL_GROUP(RTNLGRP_IPV4_MROUTE_R);
		words = 1;
		drop_effective_cap(CAP_NET_ADMIN);
		break;
	}
	r.s.h.len = CKPT_ALIGN(sizeof(r.s) + words * sizeof(__u64));
	img_raw_rec(img, &r, sizeof(r.s) + words * sizeof(__u64));
	img_obj_file(img, 3, CKPT_FILE_NETLINK, 5, f_flags);
	if (i >= 15 && i <= 17)
		img_accepted(img, 4);
}

/* The end of the message on a netlink socket record that restart() refuses */
#define NL_PLAIN	"protocol 0, object 5, flags 0x0, port 0, groups 0)"

TEST_F(restart, netlink_sock_records)
{
	static const int errors[] = {
		[0 ... 13] = -EINVAL,
		[14] = -EADDRINUSE,
		[15 ... 17] = -EINVAL,
	};
	static const char *const logs[] = {
		[0] = "bad netlink socket (type 1, " NL_PLAIN,
		[1] = "bad netlink socket (type 3, protocol 16, object 5,",
		[2] = "bad netlink socket (type 3, protocol 0, object 0,",
		[3] = "object 5, flags 0x100000, port 0,",
		[4] = "object 5, flags 0x1, port 0, groups 0)",
		[5] = "object 5, flags 0x0, port 5000005, groups 0)",
		[6] = "object 5, flags 0x2, port 0, groups 0)",
		[7] = "bad netlink socket (type 3, " NL_PLAIN,
		[8] = "object 5, flags 0x3, port 5000008, groups 0)",
		[9] = "object 5, flags 0x0, port 0, groups 1025)",
		[10 ... 11] = "bad netlink socket (type 3, " NL_PLAIN,
		[12] = "netlink socket of object 5: a group past its 5",
		[13] = "record data runs past the end of the record",
		[14] = "(port id 5000014): cannot bind it to its port id again: error -98",
		[15 ... 17] = UNIX_ACCEPTED,
	};
	static const int bound[] = { 14, 16, 17 };
	int i, fd;

	/* unix_cases() closes the socket that holds the port id of case 14 */
	unix_cases(_metadata, self, variant->pipe, build_netlink_sock, errors,
		   logs, ARRAY_SIZE(errors));
	restart_dies(_metadata, self, variant->pipe, build_netlink_sock, 18,
		     "(port id 0): cannot join its multicast groups again: error -1");
	/* the port ids of the killed tasks' sockets, and the one held, are free */
	for (i = 0; i < ARRAY_SIZE(bound); i++) {
		fd = netlink_bind_port(NL_PORT + bound[i]);
		EXPECT_LE(0, fd)
			TH_LOG("port id %u: %s", NL_PORT + bound[i], strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

/* An interrupted epoll_wait() with out-of-bounds fields (@i picks which). */
static void build_bad_epoll_wait(struct img *img, int i)
{
	struct ckpt_rec_restart_block rb = {
		.h.type = CKPT_REC_RESTART_BLOCK,
		.h.len = sizeof(rb),
		.kind = CKPT_RESTART_EPOLL,
		.clockid = CLOCK_MONOTONIC,
		.remaining_ns = 1000000000,
		.uaddr = 0x10000,
		.nr = 1,
		.bitset = 3,
		.flags = CKPT_RB_TIMEOUT,
	};

	switch (i) {
	case 0:
		rb.nr = 0;
		break;
	case 1:
		rb.nr = INT_MAX;
		break;
	case 2:
		rb.bitset = 1U << 31;
		break;
	case 3:
		rb.flags |= CKPT_RB_SHARED;
		break;
	case 4:
		rb.clockid = CLOCK_REALTIME;
		break;
	case 5:
		rb.remaining_ns = -1;
		break;
	}
	img_raw_rec(img, &rb, sizeof(rb));
}

TEST_F(restart, epoll_wait_records)
{
	int i;

	for (i = 0; i < 6; i++)
		restart_dies(_metadata, self, variant->pipe,
			     build_bad_epoll_wait, i, "bad interrupted wait");
}

TEST_F(restart, pty_records)
{
	static const char *const logs[] = {
		"/dev/null is not a ptmx",
		"bad pty 0",
		"bad pty 5 (index 0, flags 0x10)",
		"bad pty 5 (index 2147483648",
		"bad pty 5",
		"bad pty 5",
		"bad pty 5",
		"pty input of 4097 bytes",
		"pty input of 8 bytes, 9 in lines",
		"runs past the end of the record",
		"bad pty 5",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(logs); i++)
		restart_dies(_metadata, self, variant->pipe, build_bad_pty, i,
			     logs[i]);
}

TEST_F(restart, file_and_shmem_records)
{
	static const char *const shmem_logs[] = {
		"bad shared memory object 0",
		"bad shared memory object 5 of 4097 bytes",
		"was not written before",
		"run past their shared memory object",
		"object 5 was defined before",
		"fd 3: object 5 is shared memory, a memfd or a deleted file, not an open file",
		"runs past its shared memory object",
		"runs past its shared memory object",
		"a memory object's record, then a mapping of another kind",
		"bad shared memory object 5",
		"fd 3: a memory object's record, then a file of another object",
	};
	int i;

	for (i = 0; i < 3; i++)
		restart_dies(_metadata, self, variant->pipe, build_no_path, i,
			     "has no path");
	for (i = 0; i < ARRAY_SIZE(shmem_logs); i++)
		restart_dies(_metadata, self, variant->pipe, build_bad_shmem, i,
			     shmem_logs[i]);
}

TEST_F(restart, mapped_file_records)
{
	static const char *const logs[] = {
		"modified at 0.1000000000: invalid",
		"modified at 0.0: invalid",
		"a mapped file's record, then a mapping of another kind",
		"a mapped file's record not followed by its mapping",
		"a mapped file's record, then a shared memory object",
		"changed since the checkpoint",
		"changed since the checkpoint",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(logs); i++)
		restart_dies(_metadata, self, variant->pipe, build_bad_mapped_file, i,
			     logs[i]);
}

/* The caller gets @cap back in its effective set */
static void raise_effective_cap(int cap)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return;
	data[cap / 32].effective |= 1U << (cap % 32);
	syscall(SYS_capset, &hdr, data);
}

/*
 * Children of the test that set state up, are checkpointed, killed and
 * restored by restart(0) in another child, and check themselves: each
 * exits with the check that failed, @checks[code] (exit_why()).
 */

/* The exit code of a restarter whose restart(0) returned */
#define RESTART_RETURNED	125

static const char *exit_why(int code, const char *const *checks, int nr)
{
	if (code == RESTART_RETURNED)
		return "restart() returned: the image was refused";
	if (code == 128 + SIGKILL)
		return "killed: restart() failed after the TASK record";
	if (code < 0)
		return "it does not end";
	if (code >= nr)
		return "unexpected exit code";
	return checks[code];
}

/*
 * The harness shares memory with its tests, a mapping per test: the
 * image cannot hold that.  Unmap them, 16 at a time.
 */
static int unmap_shared(void)
{
	unsigned long start[16], end[16];
	char line[512], perm[8];
	int n, i;
	FILE *f;

	do {
		f = fopen("/proc/self/maps", "r");
		if (!f)
			return -1;
		for (n = 0; n < 16 && fgets(line, sizeof(line), f);) {
			if (sscanf(line, "%lx-%lx %4s", &start[n], &end[n], perm) == 3 &&
			    perm[3] == 's')
				n++;
		}
		fclose(f);
		for (i = 0; i < n; i++)
			if (munmap((void *)start[i], end[i] - start[i]))
				return -1;
	} while (n);
	return 0;
}

/*
 * In a child of start_child(): killed with the test, and only what the
 * image can hold: /dev/null at fds 0 to 2, @ready at fd 10, no other
 * descriptor and no memory shared with the harness.  0, or -1.
 */
static int child_bare(int ready)
{
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open("/dev/null", O_RDWR);
	if (unmap_shared() || fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 ||
	    dup2(fd, 2) < 0 || dup2(ready, 10) != 10 || close_range(3, 9, 0) ||
	    close_range(11, ~0U, 0))
		return -1;
	return 0;
}

/*
 * In a child of start_child(): tell the test that it is set (@code 0)
 * or what failed, and close fd 10; exit with @code (@fail if that did
 * not go through) unless it is set.
 */
static void child_ready(int code, int fail)
{
	unsigned char c = code;

	if (write(10, &c, 1) != 1 || close(10) || code)
		_exit(code ?: fail);
}

/*
 * A child of the test, *@pidp, that runs @fn(@ready, @arg): it sets its
 * state up and says how that went (child_ready()).  Returns what it said,
 * or @fail if it said nothing; a child that is not set is reaped.
 */
static int start_child(struct __test_metadata *_metadata,
		       void (*fn)(int ready, int arg), int arg, int fail,
		       pid_t *pidp)
{
	int ready[2], code;
	unsigned char c;

	ASSERT_EQ(0, pipe(ready));
	*pidp = fork_flushed();
	ASSERT_LE(0, *pidp);
	if (!*pidp) {
		close(ready[0]);
		fn(ready[1], arg);
		_exit(fail);
	}
	close(ready[1]);
	/* what it says, then EOF: it closed fd 10 */
	code = read(ready[0], &c, 1) == 1 ? c : fail;
	if (read(ready[0], &c, 1) != 0)
		code = fail;
	close(ready[0]);
	if (code)
		reap(*pidp);
	return code;
}

/*
 * Exit code of our child @pid (128 + signal), or -1 if it lives on for
 * @secs, or until @poke(@arg), run every 10 ms meanwhile, gives up: then
 * it is killed.
 */
static int wait_exit_secs(pid_t pid, int secs, bool (*poke)(void *arg),
			  void *arg)
{
	int i, status;

	for (i = 0; i < secs * 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
						     WEXITSTATUS(status);
		if (poke && !poke(arg))
			break;
		usleep(10000);
	}
	reap(pid);
	return -1;
}

/*
 * A child of the caller with the pid @pid (clone3() with set_tid and
 * the clone flags @flags: CLONE_NEWUTS, CLONE_NEWIPC), or -1
 */
static pid_t fork_as_flags(pid_t pid, __u64 flags)
{
	struct {
		__u64 flags, pidfd, child_tid, parent_tid, exit_signal;
		__u64 stack, stack_size, tls, set_tid, set_tid_size;
	} args = {
		.flags = flags,
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&pid,
		.set_tid_size = 1,
	};

	fflush(stdout);
	fflush(stderr);
	return syscall(__NR_clone3, &args, sizeof(args));
}

/* A child of the caller with the pid @pid (clone3() with set_tid), or -1 */
static pid_t fork_as(pid_t pid)
{
	return fork_as_flags(pid, 0);
}

/* checkpoint() our child @pid into *@bufp, and kill it: the image's length */
static size_t checkpoint_child(struct __test_metadata *_metadata,
			       FIXTURE_DATA(restart) *self, pid_t pid,
			       unsigned char **bufp)
{
	ssize_t len;
	long ret;
	int fd;

	fd = memfd_create("child", 0);
	ASSERT_LE(0, fd);
	ret = sys_checkpoint(pid, fd, CHECKPOINT_SUBTREE, self->log[1]);
	read_log(self->log[0], self->log_buf, sizeof(self->log_buf));
	reap(pid);
	ASSERT_EQ(0, ret)
		TH_LOG("checkpoint: log \"%s\"", self->log_buf);
	len = read_all(fd, bufp);
	close(fd);
	ASSERT_LT(0, len);
	return len;
}

/*
 * Restore the image @buf, @len of a child of the test with restart(0) in
 * another child, from a memfd or a pipe (@use_pipe): one with the pid
 * @pid (fork_as()), or any pid if 0, and the test's signal mask.  It has
 * nothing at fds 0 to 19 when the test goes on, the image at fd 20, the
 * log at fd 21.  Returns the exit code of the restored child
 * (wait_exit_secs(), 20 s, @poke and @arg), the log in self->log_buf.
 */
static int restore_child(struct __test_metadata *_metadata,
			 FIXTURE_DATA(restart) *self, bool use_pipe,
			 const unsigned char *buf, size_t len, pid_t pid,
			 bool (*poke)(void *arg), void *arg)
{
	int ready[2], imgfd, code;
	pid_t child, writer;
	bool made;
	char c;

	imgfd = feed(use_pipe, buf, len, &writer);
	ASSERT_LE(0, imgfd);
	ASSERT_EQ(0, pipe(ready));
	child = pid ? fork_as(pid) : fork_flushed();
	if (!child) {
		if (dup2(imgfd, 20) == 20 && dup2(self->log[1], 21) == 21 &&
		    dup2(ready[1], 22) == 22 && !close_range(0, 19, 0) &&
		    !close_range(23, ~0U, 0) && write(22, "", 1) == 1 && !close(22))
			sys_restart(0, 20, 0, 21);
		_exit(RESTART_RETURNED);
	}
	close(imgfd);
	close(ready[1]);
	made = pid ? child == pid : child > 0;
	if (made && read(ready[0], &c, 1) != 1)
		TH_LOG("the restarter did not get ready");
	close(ready[0]);
	if (!made)
		reap(writer);
	ASSERT_TRUE(made)
		TH_LOG("clone3() with set_tid %d: %s", pid, strerror(errno));

	code = wait_exit_secs(child, 20, poke, arg);
	reap(writer);
	read_log(self->log[0], self->log_buf, sizeof(self->log_buf));
	return code;
}

/* The record at @off of the image @buf, @len, or NULL if none is whole there */
static const struct ckpt_hdr *rec_at(const unsigned char *buf, size_t len,
				     size_t off)
{
	const struct ckpt_hdr *h;

	if (len < sizeof(*h) || off > len - sizeof(*h))
		return NULL;
	h = (const void *)(buf + off);
	if (h->len < sizeof(*h) || h->len > len - off)
		return NULL;
	return h;
}

/*
 * Shared file mappings and locked mappings (format 1.9).  The files the
 * cases map are in shmap_dir: "data", two pages of 'd'; "ro444", a page
 * of 'r' of mode 0444; "rofs", a page of 'f' under a read-only bind
 * mount (in a mount namespace of the test's own).  restore_target()
 * adds the files of its target: "t-data", "t-ro", "t-late".
 * deleted_file_records has its deleted files there (dl_dir_make()).
 */
static char shmap_dir[64];
static char shmap_data[96], shmap_ro444[96], shmap_rofs[96];
static char tgt_data[96], tgt_ro[96], tgt_late[96];
static bool shmap_rofs_mounted;
static int shmap_mnt_ns = -1, shmap_cwd = -1;	/* the test's own */

/* A new file at @path: @pages pages of byte @c, mode @mode; 0 or -1 */
static int make_file(const char *path, mode_t mode, int pages, int c)
{
	size_t len = (size_t)pages * getpagesize();
	char *buf = malloc(len);
	int fd, ret = -1;

	if (!buf)
		return -1;
	memset(buf, c, len);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, buf, len) == (ssize_t)len && !fchmod(fd, mode))
			ret = 0;
		close(fd);
	}
	free(buf);
	return ret;
}

/* The file at @path holds @pages pages of byte @c, and nothing else. */
static bool file_holds(const char *path, int pages, int c)
{
	size_t len = (size_t)pages * getpagesize();
	char *buf = malloc(len + 1);
	bool ret = false;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (buf && fd >= 0 && pread(fd, buf, len + 1, 0) == (ssize_t)len) {
		while (len && buf[len - 1] == c)
			len--;
		ret = !len;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

static void shmap_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", shmap_dir, name);
}

/*
 * Make shmap_dir and its files; with @rofs, the read-only mount too, in
 * a mount namespace that shmap_rofs_end() leaves.
 */
static void shmap_setup(struct __test_metadata *_metadata, bool rofs)
{
	snprintf(shmap_dir, sizeof(shmap_dir), "/tmp/ckpt-shmap-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(shmap_dir));
	shmap_path(shmap_data, sizeof(shmap_data), "data");
	shmap_path(shmap_ro444, sizeof(shmap_ro444), "ro444");
	shmap_path(shmap_rofs, sizeof(shmap_rofs), "rofs");
	shmap_path(tgt_data, sizeof(tgt_data), "t-data");
	shmap_path(tgt_ro, sizeof(tgt_ro), "t-ro");
	shmap_path(tgt_late, sizeof(tgt_late), "t-late");
	ASSERT_EQ(0, make_file(shmap_data, 0600, 2, 'd'));
	ASSERT_EQ(0, make_file(shmap_ro444, 0444, 1, 'r'));
	ASSERT_EQ(0, make_file(shmap_rofs, 0644, 1, 'f'));
	if (!rofs)
		return;
	/* seen by this process and its children only, gone with them */
	shmap_mnt_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, shmap_mnt_ns);
	shmap_cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, shmap_cwd);
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount(shmap_rofs, shmap_rofs, NULL, MS_BIND, NULL));
	shmap_rofs_mounted = true;
	ASSERT_EQ(0, mount(NULL, shmap_rofs, NULL,
			   MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
}

/*
 * Back to the test's mount namespace, and working directory (which
 * setns() changes), without the read-only mount: the files of its
 * mappings must be those of the namespace of the test's executable,
 * which a checkpoint() of a child of the test looks them up in.
 */
static int shmap_rofs_end(void)
{
	int ret = 0;

	if (shmap_rofs_mounted)
		umount2(shmap_rofs, MNT_DETACH);
	shmap_rofs_mounted = false;
	if (shmap_mnt_ns >= 0 &&
	    (setns(shmap_mnt_ns, CLONE_NEWNS) || fchdir(shmap_cwd)))
		ret = -1;
	if (shmap_mnt_ns >= 0)
		close(shmap_mnt_ns);
	if (shmap_cwd >= 0)
		close(shmap_cwd);
	shmap_mnt_ns = -1;
	shmap_cwd = -1;
	return ret;
}

/* Remove shmap_dir and its files, if a test made them (the teardown). */
static void shmap_remove(void)
{
	struct dirent *d;
	DIR *dir;

	if (!shmap_dir[0])
		return;
	shmap_rofs_end();
	dir = opendir(shmap_dir);
	if (dir) {
		while ((d = readdir(dir)))
			if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
				unlinkat(dirfd(dir), d->d_name, 0);
		closedir(dir);
	}
	rmdir(shmap_dir);
	shmap_dir[0] = '\0';
}

/* A mapping record of @pages pages at 0x10000000, of @path if not NULL */
static void img_map(struct img *img, __u32 kind, __u32 prot, __u32 flags,
		    __u64 pages, const char *path)
{
	struct {
		struct ckpt_rec_vma v;
		char path[PATH_MAX];
	} vma = {
		.v.h.type = CKPT_REC_VMA,
		.v.start = 0x10000000,
		.v.end = 0x10000000 + pages * getpagesize(),
		.v.kind = kind,
		.v.prot = prot,
		.v.flags = flags,
		.v.path_len = path ? strlen(path) : 0,
	};

	vma.v.h.len = CKPT_ALIGN(sizeof(vma.v) + vma.v.path_len);
	memcpy(vma.path, path ?: "", vma.v.path_len);
	img_raw_rec(img, &vma, sizeof(vma.v) + vma.v.path_len);
}

/* The MAPPED_FILE record of the file at @path as it is */
static void img_mapped_file_of(struct img *img, const char *path)
{
	struct ckpt_rec_mapped_file mf = {
		.h.type = CKPT_REC_MAPPED_FILE,
		.h.len = sizeof(mf),
	};
	struct stat st;

	if (stat(path, &st))
		return;		/* the log then lacks the expected line */
	mf.size = st.st_size;
	mf.mtime_sec = st.st_mtim.tv_sec;
	mf.mtime_nsec = st.st_mtim.tv_nsec;
	img_raw_rec(img, &mf, sizeof(mf));
}

/* A PAGES record of one page of 'p' at 0x10000000 */
static void img_page(struct img *img)
{
	struct {
		struct ckpt_rec_pages p;
		char page[4096];
	} pages = {
		.p.h.type = CKPT_REC_PAGES,
		.p.h.len = sizeof(pages),
		.p.addr = 0x10000000,
		.p.nr_pages = 1,
	};

	memset(pages.page, 'p', sizeof(pages.page));
	img_raw_rec(img, &pages, sizeof(pages));
}

/* The memory settings of the TASK record, right after it is written */
static void img_task_mm_flags(struct img *img, __u32 mm_flags)
{
	struct ckpt_rec_task *t = (void *)(img->buf + img->len - sizeof(*t));

	if (t->h.type == CKPT_REC_TASK)
		t->mm_flags = mm_flags;
}

/* What restart() says of an image whose records it took, but which ends */
#define MAP_ACCEPTED "image is incomplete: the state of a task is missing"

/* The mappings that img_map() makes, of one or two pages, as logged */
#define MAPPING_1P "mapping 0x10000000-0x10001000"
#define MAPPING_2P "mapping 0x10000000-0x10002000"
#define BAD_VMA_FIELDS "bad protection, flags or offset of " MAPPING_1P

/*
 * A shared file mapping where it cannot be, or with flags that do not go
 * together, or after a MAPPED_FILE record, or before PAGES (the file
 * holds its pages); shared and writable, of a file that the restarter
 * cannot open for writing: one it may not write (case 9, without
 * CAP_DAC_OVERRIDE), one on a read-only mount (case 10).  Cases 11 to 15
 * are sound: restart() takes the mapping, then finds the image ends.
 */
static void build_shared_file(struct img *img, int i)
{
	const __u32 rw = PROT_READ | PROT_WRITE;
	const __u32 shw = CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE;

	img_mm(img, 1);
	switch (i) {
	case 0:		/* shared, and not a file */
		img_map(img, CKPT_VMA_ANON, rw, CKPT_VMA_SHARED, 1, NULL);
		break;
	case 1:
		img_map(img, CKPT_VMA_SHMEM, rw, CKPT_VMA_SHARED, 1, NULL);
		break;
	case 2:
		img_map(img, CKPT_VMA_VDSO, PROT_READ | PROT_EXEC,
			CKPT_VMA_SHARED, 1, NULL);
		break;
	case 3:		/* its file open for writing, and not shared */
		img_map(img, CKPT_VMA_FILE, PROT_READ, CKPT_VMA_MAYWRITE, 1,
			shmap_data);
		break;
	case 4:
		img_map(img, CKPT_VMA_ANON, rw, CKPT_VMA_MAYWRITE, 1, NULL);
		break;
	case 5:		/* writable, its file read-only */
		img_map(img, CKPT_VMA_FILE, rw, CKPT_VMA_SHARED, 1, shmap_data);
		break;
	case 6:
		img_mapped_file_of(img, shmap_data);
		img_map(img, CKPT_VMA_FILE, rw, shw, 1, shmap_data);
		break;
	case 7:
		img_map(img, CKPT_VMA_FILE, rw, shw, 1, shmap_data);
		img_page(img);
		break;
	case 8:		/* a flag no format defines */
		img_map(img, CKPT_VMA_FILE, PROT_READ, CKPT_VMA_SHARED | 1U << 31,
			1, shmap_data);
		break;
	case 9:
		img_map(img, CKPT_VMA_FILE, rw, shw, 1, shmap_ro444);
		break;
	case 10:
		img_map(img, CKPT_VMA_FILE, PROT_READ, shw, 1, shmap_rofs);
		break;
	case 11:
		img_map(img, CKPT_VMA_FILE, rw, shw, 2, shmap_data);
		break;
	case 12:	/* writable once mprotect()ed */
		img_map(img, CKPT_VMA_FILE, PROT_READ, shw, 1, shmap_data);
		break;
	case 13:	/* read-only: opened so, without CAP_DAC_OVERRIDE */
		img_map(img, CKPT_VMA_FILE, PROT_READ, CKPT_VMA_SHARED, 1,
			shmap_ro444);
		break;
	case 14:
		img_map(img, CKPT_VMA_FILE, PROT_READ, CKPT_VMA_SHARED, 1,
			shmap_rofs);
		break;
	case 15:	/* locked too */
		img_map(img, CKPT_VMA_FILE, rw, shw | CKPT_VMA_LOCKED, 2,
			shmap_data);
		break;
	}
}

/*
 * Locked mappings and mlockall(MCL_FUTURE) where they cannot be, with
 * flags that do not go together, or beyond what the restarter may lock:
 * without CAP_IPC_LOCK, with an RLIMIT_MEMLOCK of 0 (EPERM) or below the
 * mapping's size (ENOMEM).  Cases 10 to 14 are sound: restart() takes
 * them, then finds the image ends; case 14 fits the restarter's limit.
 */
static void build_locked(struct img *img, int i)
{
	const __u32 rw = PROT_READ | PROT_WRITE;
	const __u32 rx = PROT_READ | PROT_EXEC;
	const __u32 future = CKPT_MM_LOCK_FUTURE;

	switch (i) {
	case 4:		/* on fault, and not mlockall(MCL_FUTURE) */
		img_task_mm_flags(img, CKPT_MM_LOCK_ONFAULT);
		return;
	case 5:		/* a setting no format defines */
		img_task_mm_flags(img, 1U << 3);
		return;
	case 9:
		img_task_mm_flags(img, future);
		img_mm(img, 0);
		return;
	case 13:
		img_task_mm_flags(img, future | CKPT_MM_LOCK_ONFAULT);
		break;
	}
	img_mm(img, 1);
	switch (i) {
	case 0:		/* locked on fault, and not locked */
		img_map(img, CKPT_VMA_ANON, rw, CKPT_VMA_LOCKONFAULT, 1, NULL);
		break;
	case 1:		/* the vdso cannot be locked */
		img_map(img, CKPT_VMA_VDSO, rx, CKPT_VMA_LOCKED, 1, NULL);
		break;
	case 2:
		img_map(img, CKPT_VMA_VVAR, PROT_READ, CKPT_VMA_LOCKED, 1, NULL);
		break;
	case 3:
		img_map(img, CKPT_VMA_VDSO, rx,
			CKPT_VMA_LOCKED | CKPT_VMA_LOCKONFAULT, 1, NULL);
		break;
	case 6:		/* a flag no format defines */
		img_map(img, CKPT_VMA_ANON, rw, CKPT_VMA_LOCKED | 1U << 31, 1, NULL);
		break;
	case 7:
	case 8:
	case 10:
	case 14:
		img_map(img, CKPT_VMA_ANON, rw, CKPT_VMA_LOCKED, 2, NULL);
		break;
	case 11:
		img_map(img, CKPT_VMA_ANON, rw,
			CKPT_VMA_LOCKED | CKPT_VMA_LOCKONFAULT, 2, NULL);
		break;
	case 12:
		img_map(img, CKPT_VMA_FILE, PROT_READ,
			CKPT_VMA_SHARED | CKPT_VMA_LOCKED, 1, shmap_data);
		break;
	case 13:
		img_map(img, CKPT_VMA_ANON, rw, 0, 1, NULL);
		break;
	}
}

/*
 * restore_target(): a child of the test that maps files shared
 * (TGT_SHARED) or locks memory (TGT_LOCKED), is checkpointed, killed and
 * restored by restart(0) in another child.  Restored, it hears from the
 * test through the start of its file "t-data", which it maps shared and
 * writable: the test says when to go on with pwrite(), the target
 * answers through its mapping.  It checks its mappings once before the
 * checkpoint (so that a failure there is not the restore's) and once
 * restored, and exits with the first check that failed.
 */
#define TGT_SHARED	0x1
#define TGT_LOCKED	0x2

/* The target's mappings, by their index in tgt_page.addr */
enum {
	TM_DATA,	/* "t-data": a page, shared, writable (and locked) */
	TM_RO,		/* "t-ro": a page, shared, the file read-only */
	TM_LATE,	/* "t-late": a page, shared, read-only, the file writable */
	TM_LOCKED,	/* anonymous, mlock()ed */
	TM_ONFAULT,	/* anonymous, mlock2(MLOCK_ONFAULT)ed, one page touched */
	TM_UNLOCKED,	/* anonymous */
	TM_NR,
};

#define TGT_PAGES	4	/* of each anonymous mapping */
#define TGT_NOTE	"written through the restored mapping"
#define TGT_LATE	"written after mprotect(PROT_WRITE)"

/* The start of "t-data" */
struct tgt_page {
	__u32 state;		/* TS_* */
	__u64 addr[TM_NR];	/* where the mappings are, 0: not made */
	char note[64];		/* TGT_NOTE, by the restored target */
};

enum { TS_SETUP, TS_GO, TS_DONE };

/* Exit codes of the target: the check that failed */
enum {
	TC_OK,
	TC_DATA_FLAGS = 1,
	TC_RO_FLAGS,
	TC_RO_DATA,
	TC_RO_MPROTECT,
	TC_LATE_FLAGS,
	TC_LATE_MPROTECT,
	TC_DATA_LOCKED,
	TC_LOCKED_FLAGS,
	TC_LOCKED_DATA,
	TC_LOCKED_RESIDENT,
	TC_ONFAULT_FLAGS,
	TC_ONFAULT_DATA,
	TC_ONFAULT_RESIDENT,
	TC_UNLOCKED_FLAGS,
	TC_UNLOCKED_DATA,
	TC_FUTURE_FLAGS,
	TC_SETUP,
	TC_NO_GO,
	TC_NR,
};

static const char *const tgt_checks[TC_NR] = {
	[TC_OK] = "all well",
	[TC_DATA_FLAGS] = "t-data is not shared and writable (VmFlags sh, mw)",
	[TC_RO_FLAGS] = "t-ro is not shared, its file read-only (VmFlags ms, not sh, mw)",
	[TC_RO_DATA] = "t-ro does not read as its file",
	[TC_RO_MPROTECT] = "mprotect(PROT_WRITE) of t-ro did not fail with EACCES",
	[TC_LATE_FLAGS] = "t-late is not read-only, its file writable (VmFlags mw, not wr)",
	[TC_LATE_MPROTECT] = "mprotect(PROT_WRITE) of t-late failed",
	[TC_DATA_LOCKED] = "t-data is not locked (VmFlags lo)",
	[TC_LOCKED_FLAGS] = "the locked mapping is not (VmFlags lo, not lf)",
	[TC_LOCKED_DATA] = "the locked mapping lost its contents",
	[TC_LOCKED_RESIDENT] = "the locked mapping is not all in memory (mincore())",
	[TC_ONFAULT_FLAGS] = "the mapping locked on fault is not (VmFlags lo, lf)",
	[TC_ONFAULT_DATA] = "the mapping locked on fault lost its contents",
	[TC_ONFAULT_RESIDENT] = "the mapping locked on fault has pages never touched in memory",
	[TC_UNLOCKED_FLAGS] = "the mapping never locked is locked",
	[TC_UNLOCKED_DATA] = "the mapping never locked lost its contents",
	[TC_FUTURE_FLAGS] = "a new mapping is not locked on fault (mlockall(MCL_FUTURE))",
	[TC_SETUP] = "it could not make its mappings",
	[TC_NO_GO] = "it was never told to go on",
};

/*
 * The VmFlags line of the caller's mapping that holds @addr, from
 * /proc/self/smaps, into @line: 0, or -1 if there is none.  Each flag
 * has a space on either side.
 */
static int vmflags(const void *addr, char *line, size_t size)
{
	static char buf[1 << 16];
	unsigned long a = (unsigned long)addr, start, end;
	bool in = false;
	size_t len = 0;
	char *p, *nl;
	ssize_t n;
	int fd;

	fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	for (p = buf; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		if (sscanf(p, "%lx-%lx ", &start, &end) == 2) {
			in = start <= a && a < end;
		} else if (in && !strncmp(p, "VmFlags:", 8)) {
			len = strnlen(p, size - 1);
			memcpy(line, p, len);
			line[len] = '\0';
			return 0;
		}
	}
	return -1;
}

/* Mapping @k has (@on) or has not the VmFlags flag @flag (" lo ") */
static bool tgt_flag(void *const *m, int k, const char *flag, bool on)
{
	char line[256];

	return !vmflags(m[k], line, sizeof(line)) && !strstr(line, flag) == !on;
}

/* The byte at @i of the target's anonymous mapping @k */
static unsigned char tgt_byte(int k, size_t i)
{
	return k * 37 + i * 7 + 1;
}

static bool tgt_bytes_ok(void *const *m, int k, size_t len)
{
	const unsigned char *p = m[k];
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != tgt_byte(k, i))
			return false;
	return true;
}

/* Pages of mapping @k in memory (mincore()): a bit each, or -1 */
static int tgt_resident(void *const *m, int k)
{
	unsigned char vec[TGT_PAGES];
	int i, ret = 0;

	if (mincore(m[k], TGT_PAGES * getpagesize(), vec))
		return -1;
	for (i = 0; i < TGT_PAGES; i++)
		ret |= (vec[i] & 1) << i;
	return ret;
}

/* The target checks its mappings @m: TC_OK or the first check that failed */
static int tgt_check(unsigned int mode, void *const *m, bool restored)
{
	const size_t psz = getpagesize();
	const char *ro;
	size_t i;
	void *p;

	if (mode & TGT_SHARED) {
		if (!tgt_flag(m, TM_DATA, " sh ", true) ||
		    !tgt_flag(m, TM_DATA, " mw ", true))
			return TC_DATA_FLAGS;
		/* a read-only file: no VM_SHARED, no VM_MAYWRITE */
		if (!tgt_flag(m, TM_RO, " ms ", true) ||
		    !tgt_flag(m, TM_RO, " sh ", false) ||
		    !tgt_flag(m, TM_RO, " mw ", false))
			return TC_RO_FLAGS;
		for (ro = m[TM_RO], i = 0; i < psz; i++)
			if (ro[i] != 'o')
				return TC_RO_DATA;
		if (!mprotect(m[TM_RO], psz, PROT_READ | PROT_WRITE) ||
		    errno != EACCES)
			return TC_RO_MPROTECT;
		if (!tgt_flag(m, TM_LATE, " mw ", true) ||
		    !tgt_flag(m, TM_LATE, " wr ", false))
			return TC_LATE_FLAGS;
		if (restored) {
			if (mprotect(m[TM_LATE], psz, PROT_READ | PROT_WRITE))
				return TC_LATE_MPROTECT;
			memcpy(m[TM_LATE], TGT_LATE, sizeof(TGT_LATE));
		}
	}
	if (mode & TGT_LOCKED) {
		if (!tgt_flag(m, TM_DATA, " lo ", true))
			return TC_DATA_LOCKED;
		if (!tgt_flag(m, TM_LOCKED, " lo ", true) ||
		    !tgt_flag(m, TM_LOCKED, " lf ", false))
			return TC_LOCKED_FLAGS;
		if (!tgt_bytes_ok(m, TM_LOCKED, TGT_PAGES * psz))
			return TC_LOCKED_DATA;
		if (tgt_resident(m, TM_LOCKED) != (1 << TGT_PAGES) - 1)
			return TC_LOCKED_RESIDENT;
		if (!tgt_flag(m, TM_ONFAULT, " lo ", true) ||
		    !tgt_flag(m, TM_ONFAULT, " lf ", true))
			return TC_ONFAULT_FLAGS;
		if (!tgt_bytes_ok(m, TM_ONFAULT, psz))
			return TC_ONFAULT_DATA;
		if (tgt_resident(m, TM_ONFAULT) != 1)
			return TC_ONFAULT_RESIDENT;
		if (!tgt_flag(m, TM_UNLOCKED, " lo ", false))
			return TC_UNLOCKED_FLAGS;
		if (!tgt_bytes_ok(m, TM_UNLOCKED, TGT_PAGES * psz))
			return TC_UNLOCKED_DATA;
		if (restored) {
			p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED ||
			    !tgt_flag(&p, 0, " lo ", true) ||
			    !tgt_flag(&p, 0, " lf ", true))
				return TC_FUTURE_FLAGS;
			munmap(p, psz);
		}
	}
	return TC_OK;
}

/* Map a page of the file at @path, opened with @flags, shared */
static void *tgt_map(const char *path, int flags, int prot)
{
	int fd = open(path, flags | O_CLOEXEC);
	void *p;

	if (fd < 0)
		return MAP_FAILED;
	p = mmap(NULL, getpagesize(), prot, MAP_SHARED, fd, 0);
	close(fd);
	return p;
}

static __noreturn void tgt_main(int ready, int mode)
{
	const struct timespec ms = { .tv_nsec = 1000000 };
	const size_t psz = getpagesize();
	void *m[TM_NR] = { NULL };
	struct tgt_page *tp;
	unsigned char *a;
	int k, code;
	size_t i;

	if (child_bare(ready))
		_exit(TC_SETUP);
	m[TM_DATA] = tgt_map(tgt_data, O_RDWR, PROT_READ | PROT_WRITE);
	if (m[TM_DATA] == MAP_FAILED)
		_exit(TC_SETUP);
	tp = m[TM_DATA];
	if (mode & TGT_SHARED) {
		m[TM_RO] = tgt_map(tgt_ro, O_RDONLY, PROT_READ);
		m[TM_LATE] = tgt_map(tgt_late, O_RDWR, PROT_READ);
		if (m[TM_RO] == MAP_FAILED || m[TM_LATE] == MAP_FAILED)
			_exit(TC_SETUP);
	}
	if (mode & TGT_LOCKED) {
		for (k = TM_LOCKED; k <= TM_UNLOCKED; k++) {
			m[k] = mmap(NULL, TGT_PAGES * psz, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m[k] == MAP_FAILED)
				_exit(TC_SETUP);
		}
		if (mlock(m[TM_DATA], psz) ||
		    mlock(m[TM_LOCKED], TGT_PAGES * psz) ||
		    mlock2(m[TM_ONFAULT], TGT_PAGES * psz, MLOCK_ONFAULT))
			_exit(TC_SETUP);
		for (k = TM_LOCKED; k <= TM_UNLOCKED; k++)
			for (a = m[k], i = 0; i < TGT_PAGES * psz; i++)
				if (k != TM_ONFAULT || i < psz)
					a[i] = tgt_byte(k, i);
	}
	for (k = 0; k < TM_NR; k++)
		tp->addr[k] = (unsigned long)m[k];
	code = tgt_check(mode, m, false);
	if (!code && (mode & TGT_LOCKED) && mlockall(MCL_FUTURE | MCL_ONFAULT))
		code = TC_SETUP;
	child_ready(code, TC_SETUP);

	for (i = 0; __atomic_load_n(&tp->state, __ATOMIC_SEQ_CST) != TS_GO; i++) {
		if (i == 20000)
			_exit(TC_NO_GO);
		nanosleep(&ms, NULL);
	}
	/* restored: only the test's pwrite() to the file says go */
	code = tgt_check(mode, m, true);
	memcpy(tp->note, TGT_NOTE, sizeof(TGT_NOTE));
	__atomic_store_n(&tp->state, TS_DONE, __ATOMIC_SEQ_CST);
	_exit(code);
}

/*
 * The kernel's image of the target: its shared mappings with their new
 * flags, without MAPPED_FILE or PAGES records; its locked ones too, and
 * mlockall(MCL_FUTURE | MCL_ONFAULT) in the TASK record.
 */
static void check_target_image(struct __test_metadata *_metadata,
			       const unsigned char *buf, size_t len,
			       const struct tgt_page *tp, unsigned int mode)
{
	const __u32 bits = CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE |
			   CKPT_VMA_LOCKED | CKPT_VMA_LOCKONFAULT;
	const __u32 shw = CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE;
	const __u32 want[TM_NR] = {
		[TM_DATA] = shw | (mode & TGT_LOCKED ? CKPT_VMA_LOCKED : 0),
		[TM_RO] = CKPT_VMA_SHARED,
		[TM_LATE] = shw,
		[TM_LOCKED] = CKPT_VMA_LOCKED,
		[TM_ONFAULT] = CKPT_VMA_LOCKED | CKPT_VMA_LOCKONFAULT,
		[TM_UNLOCKED] = 0,
	};
	const __u32 prot[TM_NR] = {
		[TM_DATA] = PROT_READ | PROT_WRITE,
		[TM_RO] = PROT_READ,
		[TM_LATE] = PROT_READ,
		[TM_LOCKED ... TM_UNLOCKED] = PROT_READ | PROT_WRITE,
	};
	const __u32 lock_future = CKPT_MM_LOCK_FUTURE | CKPT_MM_LOCK_ONFAULT;
	const struct ckpt_rec_task *task;
	const struct ckpt_rec_vma *v;
	bool seen[TM_NR] = { false }, after_shared = false;
	const struct ckpt_hdr *h;
	__u32 prev = 0;
	int tasks = 0, k;
	size_t off;

	for (off = 0; (h = rec_at(buf, len, off)); off += h->len) {
		switch (h->type) {
		case CKPT_REC_TASK:
			task = (const void *)h;
			tasks++;
			EXPECT_EQ(mode & TGT_LOCKED ? lock_future : 0,
				  task->mm_flags & lock_future);
			break;
		case CKPT_REC_PAGES:
			EXPECT_FALSE(after_shared)
				TH_LOG("PAGES at offset %zu, after a shared mapping", off);
			break;
		case CKPT_REC_SHMEM:
			after_shared = false;
			break;
		case CKPT_REC_VMA:
			v = (const void *)h;
			after_shared = v->flags & CKPT_VMA_SHARED;
			if (after_shared) {
				EXPECT_NE(CKPT_REC_MAPPED_FILE, prev)
					TH_LOG("MAPPED_FILE before shared mapping %#llx",
					       (unsigned long long)v->start);
			}
			for (k = 0; k < TM_NR; k++) {
				if (!tp->addr[k] || tp->addr[k] < v->start ||
				    tp->addr[k] >= v->end)
					continue;
				seen[k] = true;
				EXPECT_EQ(want[k], v->flags & bits)
					TH_LOG("mapping %d at %#llx: flags %#x", k,
					       (unsigned long long)v->start, v->flags);
				EXPECT_EQ(prot[k], v->prot)
					TH_LOG("mapping %d at %#llx", k,
					       (unsigned long long)v->start);
			}
			break;
		}
		prev = h->type;
	}
	EXPECT_EQ(1, tasks);
	for (k = 0; k < TM_NR; k++) {
		EXPECT_TRUE(!tp->addr[k] || seen[k])
			TH_LOG("no VMA record of mapping %d at %#llx", k,
			       (unsigned long long)tp->addr[k]);
	}
}

/*
 * Start a target that maps what @mode says, checkpoint it, kill it,
 * restore it with restart(0) in another child from a memfd or a pipe
 * (@use_pipe), tell it to go on, and check what it reports: it found
 * its mappings as they were, and what it wrote through them reached
 * the files.
 */
static void restore_target(struct __test_metadata *_metadata,
			   FIXTURE_DATA(restart) *self, bool use_pipe,
			   unsigned int mode)
{
	char late[sizeof(TGT_LATE)];
	struct tgt_page tp;
	unsigned char *buf;
	int fd, code;
	size_t len;
	pid_t pid;

	ASSERT_EQ(0, make_file(tgt_data, 0600, 2, 0));
	ASSERT_EQ(0, make_file(tgt_ro, 0644, 1, 'o'));
	ASSERT_EQ(0, make_file(tgt_late, 0600, 1, 0));
	fd = open(tgt_data, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);

	code = start_child(_metadata, tgt_main, mode, TC_SETUP, &pid);
	ASSERT_EQ(TC_OK, code)
		TH_LOG("the target is not ready: %s",
		       exit_why(code, tgt_checks, TC_NR));
	len = checkpoint_child(_metadata, self, pid, &buf);
	ASSERT_EQ(sizeof(tp), pread(fd, &tp, sizeof(tp), 0));
	check_target_image(_metadata, buf, len, &tp, mode);

	/* the target is gone: only the restored one sees this */
	tp.state = TS_GO;
	ASSERT_EQ(sizeof(tp.state), pwrite(fd, &tp.state, sizeof(tp.state),
					   offsetof(struct tgt_page, state)));
	code = restore_child(_metadata, self, use_pipe, buf, len, 0, NULL, NULL);
	free(buf);
	EXPECT_EQ(TC_OK, code)
		TH_LOG("the restored target: %s (%d); log \"%s\"",
		       exit_why(code, tgt_checks, TC_NR), code, self->log_buf);

	/* what it wrote through its mappings is in the files */
	ASSERT_EQ(sizeof(tp), pread(fd, &tp, sizeof(tp), 0));
	close(fd);
	EXPECT_EQ(TS_DONE, tp.state);
	EXPECT_EQ(0, memcmp(tp.note, TGT_NOTE, sizeof(TGT_NOTE)))
		TH_LOG("t-data holds \"%.*s\"", (int)sizeof(tp.note), tp.note);
	if (mode & TGT_SHARED) {
		fd = open(tgt_late, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		EXPECT_EQ(sizeof(late), pread(fd, late, sizeof(late), 0));
		EXPECT_EQ(0, memcmp(late, TGT_LATE, sizeof(late)))
			TH_LOG("t-late holds \"%.*s\"", (int)sizeof(late), late);
		close(fd);
	}
}

/*
 * Each case of build_shared_file() refused with its errno and message,
 * the child that restart(child) restored dead (restart_coord()), and the
 * files as they were: a refused PAGES record did not reach its file.
 * Then a real shared mapping of each kind restored (restore_target()).
 */
TEST_F(restart, shared_file_mapping_records)
{
	static const struct {
		int error;
		const char *log;
		bool no_dac;	/* the restarter without CAP_DAC_OVERRIDE */
	} cases[] = {
		[0 ... 2] = { -EINVAL, MAPPING_1P " shared, and not a file mapping" },
		[3 ... 4] = { -EINVAL, MAPPING_1P " writable file, and not shared" },
		[5] = { -EINVAL, MAPPING_1P " writable, shared, and its file read-only" },
		[6] = { -EINVAL, "a mapped file's record before a shared file mapping" },
		[7] = { -EINVAL, "1 pages at 0x10000000 do not fit the mapping before them" },
		[8] = { -EINVAL, BAD_VMA_FIELDS },
		[9] = { -EACCES, "/ro444: error -13", true },
		[10] = { -EROFS, "/rofs: error -30" },
		[11 ... 12] = { -EINVAL, MAP_ACCEPTED },
		[13] = { -EINVAL, MAP_ACCEPTED, true },
		[14 ... 15] = { -EINVAL, MAP_ACCEPTED },
	};
	int i;

	shmap_setup(_metadata, true);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].no_dac)
			drop_effective_cap(CAP_DAC_OVERRIDE);
		expect_coord_case(_metadata, self, variant->pipe,
				  build_shared_file, i, cases[i].error,
				  cases[i].log);
		if (cases[i].no_dac)
			raise_effective_cap(CAP_DAC_OVERRIDE);
	}
	EXPECT_TRUE(file_holds(shmap_data, 2, 'd'));
	EXPECT_TRUE(file_holds(shmap_ro444, 1, 'r'));
	EXPECT_TRUE(file_holds(shmap_rofs, 1, 'f'));

	ASSERT_EQ(0, shmap_rofs_end());
	restore_target(_metadata, self, variant->pipe, TGT_SHARED);
}

/* What restart() says of a mapping it cannot lock again */
#define LOCK_AGAIN ": cannot lock it again (mlock2()): error "
#define MEMLOCK_WHY " (RLIMIT_MEMLOCK, CAP_IPC_LOCK)"

/*
 * Each case of build_locked() refused with its errno and message, the
 * child that restart(child) restored dead (restart_coord()).  Then real
 * locked mappings restored (restore_target()).
 */
TEST_F(restart, locked_mapping_records)
{
	static const struct {
		int error;
		const char *log;
		int memlock;	/* >= 0: RLIMIT_MEMLOCK in pages, no CAP_IPC_LOCK */
	} cases[] = {
		[0] = { -EINVAL, MAPPING_1P " locked on fault, and not locked", -1 },
		[1 ... 3] = { -EINVAL, MAPPING_1P " locked, and the vdso", -1 },
		[4 ... 5] = { -EINVAL, "bad task record", -1 },
		[6] = { -EINVAL, BAD_VMA_FIELDS, -1 },
		[7] = { -EPERM, MAPPING_2P LOCK_AGAIN "-1" MEMLOCK_WHY, 0 },
		[8] = { -ENOMEM, MAPPING_2P LOCK_AGAIN "-12" MEMLOCK_WHY, 1 },
		[9] = { -EPERM, "cannot lock future mappings again (mlockall(MCL_FUTURE))", 0 },
		[10 ... 13] = { -EINVAL, MAP_ACCEPTED, -1 },
		[14] = { -EINVAL, MAP_ACCEPTED, 2 },
	};
	struct rlimit old, rl;
	int i;

	shmap_setup(_metadata, false);
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &old));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].memlock >= 0) {
			rl = old;
			rl.rlim_cur = (rlim_t)cases[i].memlock * getpagesize();
			ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
			drop_effective_cap(CAP_IPC_LOCK);
		}
		expect_coord_case(_metadata, self, variant->pipe, build_locked,
				  i, cases[i].error, cases[i].log);
		if (cases[i].memlock >= 0) {
			raise_effective_cap(CAP_IPC_LOCK);
			ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &old));
		}
	}
	EXPECT_TRUE(file_holds(shmap_data, 2, 'd'));

	restore_target(_metadata, self, variant->pipe, TGT_LOCKED);
}

/*
 * Signal-driven I/O (format 1.9).  FILE_OWNER records out of bounds, or
 * not of the file restored under that number at that descriptor, after
 * the FILE record of /dev/null, object 4, at fd 3 (case @i); owners that
 * do not exist (cases 12 to 14, NO_PID).  Cases 15 to 19 are sound:
 * restart() takes the owner (the test process or its group) and signal,
 * O_ASYNC in case 19, then finds the image ends.
 */
#define NO_PID	99999	/* above the VM's pid_max: no task, no group */

static void build_file_owner(struct img *img, int i)
{
	struct ckpt_rec_file_owner own = {
		.h.type = CKPT_REC_FILE_OWNER,
		.h.len = sizeof(own),
		.objref = 4,
		.fd = 3,
		.pid = 1,
		.type = CKPT_OWNER_PID,
	};
	struct ckpt_rec_file *file;

	if (i == 8) {		/* shared memory, object 5, and its mapping */
		img_shmem(img, 1, 5, CKPT_SHMEM_NEW, 4096);
		img_vma(img, CKPT_VMA_SHMEM, 1, 0);
	}
	img_file(img, CKPT_FILE_REG, 4, "/dev/null");
	file = (void *)(img->buf + img->len - CKPT_ALIGN(sizeof(*file) + 9));
	switch (i) {
	case 0:
		own.pid = -1;
		break;
	case 1:
		own.type = 3;
		break;
	case 2:
		own.signum = -1;
		break;
	case 3:		/* past the kernel's _NSIG, 64 */
		own.signum = 65;
		break;
	case 4:
		own.pad = 1;
		break;
	case 5:		/* neither an owner nor a signal */
		own.pid = 0;
		break;
	case 6:		/* no file has that number */
		own.objref = 9;
		break;
	case 7:
		own.objref = 0;
		break;
	case 8:
		own.objref = 5;
		break;
	case 9:		/* nothing at that descriptor */
		own.fd = 7;
		break;
	case 10:
		own.fd = -1;
		break;
	case 11:	/* another file, object 6, at that descriptor */
		img_file(img, CKPT_FILE_REG, 6, "/dev/null");
		file = (void *)(img->buf + img->len - CKPT_ALIGN(sizeof(*file) + 9));
		file->fd = 4;
		own.fd = 4;
		break;
	case 12 ... 14:
		own.pid = NO_PID;
		own.type = i - 12;	/* CKPT_OWNER_TID, _PID, _PGRP */
		break;
	case 15:	/* a signal of its own, no owner */
		own.pid = 0;
		own.signum = 64;
		break;
	case 16:
		own.pid = getpid();
		own.signum = SIGRTMIN + 1;
		break;
	case 17:
		own.pid = getpid();	/* the test is single-threaded */
		own.type = CKPT_OWNER_TID;
		break;
	case 18:
		own.pid = getpgrp();
		own.type = CKPT_OWNER_PGRP;
		own.signum = SIGIO;
		break;
	case 19:	/* O_ASYNC on a file without fasync(): only the flag */
		file->f_flags |= O_ASYNC;
		own.pid = getpid();
		break;
	}
	img_raw_rec(img, &own, sizeof(own));
}

/*
 * sigio_main(): a child of the test with signal-driven I/O on the read
 * end of a pipe, fd 3 (O_ASYNC, F_SETOWN(its pid), F_SETSIG(SIGRTMIN +
 * 1)), and on an end of a socket pair, fd 6 (O_ASYNC, F_SETOWN_EX(
 * F_OWNER_TID, its tid), SIGIO); fds 4 and 5 are the other ends, plain.
 * It blocks both signals, checks its descriptors, tells the test on fd
 * 10 how that went and closes it, then waits for a signal of each
 * descriptor, which only the restored child gets (the test writes to
 * fds 4 and 5 of that one), checks what they say and its descriptors
 * again, and exits with the first check that failed.
 */
enum {
	SC_OK,
	SC_ASYNC,
	SC_PIPE_OWNER,
	SC_SOCK_OWNER,
	SC_PLAIN_OWNER,
	SC_PIPE_SIGINFO,
	SC_SOCK_SIGINFO,
	SC_NO_SIGNAL,
	SC_SETUP,
	SC_NR,
};

static const char *const sigio_checks[SC_NR] = {
	[SC_OK] = "all well",
	[SC_ASYNC] = "O_ASYNC is not on fds 3 and 6 alone",
	[SC_PIPE_OWNER] = "fd 3 has not its owner (F_OWNER_PID, itself) and signal (SIGRTMIN + 1)",
	[SC_SOCK_OWNER] = "fd 6 has not its owner (F_OWNER_TID, its thread) and signal (0)",
	[SC_PLAIN_OWNER] = "fd 4 or 5 has an owner or a signal",
	[SC_PIPE_SIGINFO] = "SIGRTMIN + 1 came without si_fd 3, POLL_IN and POLLIN",
	[SC_SOCK_SIGINFO] = "SIGIO came, but not as the kernel's plain SIGIO",
	[SC_NO_SIGNAL] = "a signal of fd 3 or 6 never came",
	[SC_SETUP] = "it could not set its descriptors up",
};

/* @fd has the owner @type, @pid (F_GETOWN_EX) and the signal @sig */
static bool owner_is(int fd, int type, pid_t pid, int sig)
{
	struct f_owner_ex ex;

	return !fcntl(fd, F_GETOWN_EX, &ex) && (int)ex.type == type &&
	       ex.pid == pid && fcntl(fd, F_GETSIG) == sig;
}

static int sigio_check_fds(void)
{
	pid_t pid = getpid(), tid = syscall(SYS_gettid);
	bool async;
	int fd;

	for (fd = 3; fd <= 6; fd++) {
		async = fcntl(fd, F_GETFL) & O_ASYNC;
		if (async != (fd == 3 || fd == 6))
			return SC_ASYNC;
	}
	if (!owner_is(3, F_OWNER_PID, pid, SIGRTMIN + 1) ||
	    fcntl(3, F_GETOWN) != pid)
		return SC_PIPE_OWNER;
	if (!owner_is(6, F_OWNER_TID, tid, 0))
		return SC_SOCK_OWNER;
	if (fcntl(4, F_GETOWN) || fcntl(4, F_GETSIG) ||
	    fcntl(5, F_GETOWN) || fcntl(5, F_GETSIG))
		return SC_PLAIN_OWNER;
	return SC_OK;
}

/* The signals of sigio_main(), blocked */
static void sigio_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGIO);
	sigaddset(set, SIGRTMIN + 1);
}

static __noreturn void sigio_main(int ready, int arg)
{
	const struct timespec ms = { .tv_nsec = 1000000 }, zero = { 0 };
	struct f_owner_ex thread = { .type = F_OWNER_TID };
	int p[2], sv[2], got = 0, code, sig, i;
	siginfo_t si;
	sigset_t set;

	sigio_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) || child_bare(ready))
		_exit(SC_SETUP);
	thread.pid = syscall(SYS_gettid);
	if (pipe(p) || p[0] != 3 || p[1] != 4 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || sv[0] != 5 || sv[1] != 6 ||
	    fcntl(3, F_SETOWN, getpid()) || fcntl(3, F_SETSIG, SIGRTMIN + 1) ||
	    fcntl(3, F_SETFL, O_ASYNC) || fcntl(6, F_SETOWN_EX, &thread) ||
	    fcntl(6, F_SETFL, O_ASYNC))
		code = SC_SETUP;
	else
		code = sigio_check_fds();
	child_ready(code, SC_SETUP);

	/* checkpointed here, then restored */
	for (i = 0; i < 30000 && got != 3; i++) {
		sig = sigtimedwait(&set, &si, &zero);
		if (sig == SIGRTMIN + 1) {
			if (si.si_fd != 3 || si.si_code != POLL_IN ||
			    !(si.si_band & POLLIN))
				_exit(SC_PIPE_SIGINFO);
			got |= 1;
		} else if (sig == SIGIO) {
			/* no F_SETSIG: no siginfo of the descriptor */
			if (si.si_code != SI_KERNEL)
				_exit(SC_SOCK_SIGINFO);
			got |= 2;
		} else {
			nanosleep(&ms, NULL);
		}
	}
	_exit(got == 3 ? sigio_check_fds() : SC_NO_SIGNAL);
}

/*
 * The kernel's image of sigio_main(): FASYNC in the f_flags of the FILE
 * records of fds 3 and 6 alone, and after each (and the pipe's data) the
 * FILE_OWNER record of its file with the owner and signal it had.
 */
static void check_sigio_image(struct __test_metadata *_metadata,
			      const unsigned char *buf, size_t len, pid_t pid)
{
	const struct ckpt_rec_file *f = NULL;
	const struct ckpt_rec_file_owner *o;
	const struct ckpt_hdr *h;
	int files = 0, owners = 0;
	__u32 prev = 0;
	size_t off;

	for (off = 0; (h = rec_at(buf, len, off)); off += h->len) {
		switch (h->type) {
		case CKPT_REC_FILE:
			f = (const void *)h;
			files += f->fd >= 3 && f->fd <= 6;
			EXPECT_EQ(f->fd == 3 || f->fd == 6, !!(f->f_flags & O_ASYNC))
				TH_LOG("fd %d: f_flags %#o", f->fd, f->f_flags);
			break;
		case CKPT_REC_FILE_OWNER:
			o = (const void *)h;
			owners++;
			ASSERT_NE(NULL, f)
				TH_LOG("FILE_OWNER at offset %zu before any FILE", off);
			EXPECT_TRUE(prev == CKPT_REC_FILE ||
				    (o->fd == 3 && prev == CKPT_REC_PIPE_DATA))
				TH_LOG("FILE_OWNER of fd %d after a record of type %#x",
				       o->fd, prev);
			EXPECT_EQ(f->fd, o->fd);
			EXPECT_EQ(f->objref, o->objref);
			EXPECT_EQ(pid, o->pid);
			EXPECT_EQ(0U, o->pad);
			if (o->fd == 3) {
				EXPECT_EQ((__u32)CKPT_OWNER_PID, o->type);
				EXPECT_EQ(SIGRTMIN + 1, o->signum);
			} else {
				EXPECT_EQ(6, o->fd);
				EXPECT_EQ((__u32)CKPT_OWNER_TID, o->type);
				EXPECT_EQ(0, o->signum);
			}
			break;
		}
		prev = h->type;
	}
	EXPECT_EQ(4, files);
	EXPECT_EQ(2, owners);
}

/* The restored sigio_main(), as restore_sigio() pokes it */
struct sigio_poke {
	struct __test_metadata *_metadata;
	pid_t pid;
	int pidfd;
	int ends[2];	/* its fds 4 and 5: -1 not yet, -2 not the pipe or socket */
};

/*
 * Once the restored child has fds 4 and 5 (the restarter has nothing
 * there), take them (pidfd_getfd()) and write to them: the owner of fd
 * 6 comes after fd 5, and restart() may drop the signals pending before
 * it is done.  False if there is no pidfd of the child.
 */
static bool sigio_poke(void *arg)
{
	struct sigio_poke *p = arg;
	struct __test_metadata *_metadata = p->_metadata;
	struct stat st;
	int k;

	if (p->pidfd < 0) {
		p->pidfd = syscall(__NR_pidfd_open, p->pid, 0);
		EXPECT_LE(0, p->pidfd)
			TH_LOG("pidfd_open(): %s", strerror(errno));
		if (p->pidfd < 0)
			return false;
	}
	for (k = 0; k < 2; k++) {
		if (p->ends[k] != -1)
			continue;
		p->ends[k] = syscall(__NR_pidfd_getfd, p->pidfd, 4 + k, 0);
		if (p->ends[k] >= 0 &&
		    (fstat(p->ends[k], &st) ||
		     (st.st_mode & S_IFMT) != (k ? S_IFSOCK : S_IFIFO))) {
			TH_LOG("its fd %d is not the %s", 4 + k,
			       k ? "socket" : "pipe");
			close(p->ends[k]);
			p->ends[k] = -2;
		}
	}
	if (p->ends[0] >= 0 && write(p->ends[0], "x", 1) < 0 && errno != EPIPE)
		TH_LOG("write to its fd 4: %s", strerror(errno));
	if (p->ends[1] >= 0 &&
	    send(p->ends[1], "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno != EPIPE && errno != EAGAIN)
		TH_LOG("send to its fd 5: %s", strerror(errno));
	return true;
}

/*
 * sigio_main() checkpointed, killed, and restored with its pid
 * (restore_child()) from a memfd or a pipe (@use_pipe), then poked
 * (sigio_poke()) until it exits.  The restarter has the signals
 * blocked already, as in the image: one sent before restart() is done
 * must not kill it.
 */
static void restore_sigio(struct __test_metadata *_metadata,
			  FIXTURE_DATA(restart) *self, bool use_pipe)
{
	struct sigio_poke p = { _metadata, 0, -1, { -1, -1 } };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigset_t set, mask;
	unsigned char *buf;
	int code, k;
	size_t len;

	code = start_child(_metadata, sigio_main, 0, SC_SETUP, &p.pid);
	ASSERT_EQ(SC_OK, code)
		TH_LOG("the child is not ready: %s",
		       exit_why(code, sigio_checks, SC_NR));
	len = checkpoint_child(_metadata, self, p.pid, &buf);
	check_sigio_image(_metadata, buf, len, p.pid);

	sigio_set(&set);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, &mask));
	/* the restored child may exit between a check and a write */
	sigaction(SIGPIPE, &ign, &old);
	code = restore_child(_metadata, self, use_pipe, buf, len, p.pid,
			     sigio_poke, &p);
	sigaction(SIGPIPE, &old, NULL);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	free(buf);
	EXPECT_EQ(SC_OK, code)
		TH_LOG("the restored child: %s (%d); log \"%s\"",
		       exit_why(code, sigio_checks, SC_NR), code, self->log_buf);
	EXPECT_LE(0, p.ends[0]);
	EXPECT_LE(0, p.ends[1]);
	for (k = 0; k < 2; k++)
		if (p.ends[k] >= 0)
			close(p.ends[k]);
	if (p.pidfd >= 0)
		close(p.pidfd);
}

static void sigusr1_exit(int sig)
{
	_exit(42);
}

/*
 * In a child that checkpoint() is to refuse: tell the test how its
 * setup went (@code, child_ready()), then wait: SIGUSR1 ends it with
 * 42 (sigusr1_exit()).
 */
static __noreturn void refused_child_wait(int code)
{
	signal(SIGUSR1, sigusr1_exit);
	child_ready(code, 1);
	for (;;)
		pause();
}

/*
 * checkpoint() of our child @pid, set up by refused_child_wait(), fails
 * with @error, naming @want in the log, and leaves the child running:
 * its SIGUSR1 handler ends it.  @what names the case.  If @first is not
 * NULL and the log names it but not @want, checkpoint() refused the
 * child for its descriptor of @first before it came to @want: that is
 * only said.
 */
static void expect_checkpoint_refused(struct __test_metadata *_metadata,
				      FIXTURE_DATA(restart) *self, pid_t pid,
				      int error, const char *want,
				      const char *what, const char *first)
{
	long ret;
	int fd;

	fd = memfd_create("refused", 0);
	ASSERT_LE(0, fd);
	ret = sys_checkpoint(pid, fd, CHECKPOINT_SUBTREE, self->log[1]);
	close(fd);
	read_log(self->log[0], self->log_buf, sizeof(self->log_buf));
	EXPECT_EQ(error, ret)
		TH_LOG("%s", what);
	if (first && !strstr(self->log_buf, want) &&
	    strstr(self->log_buf, first))
		TH_LOG("refused for the %s's descriptor first: log \"%s\"",
		       first, self->log_buf);
	else
		EXPECT_LOG(want);
	EXPECT_TRUE(child_alive(pid));
	EXPECT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(42, wait_exit_secs(pid, 5, NULL, NULL))
		TH_LOG("it does not run on after the refusal");
}

/*
 * A child whose pipe has an owner for I/O signals outside the tree: the
 * test process, its parent, or (@group) the test's process group, whose
 * leader it is not.  It tells the test on @ready that it is set, then
 * waits: SIGUSR1 ends it.
 */
static __noreturn void setown_main(int ready, int group)
{
	pid_t owner = group ? -getpgrp() : getppid();
	int p[2];

	/* nothing else the checkpoint could refuse */
	refused_child_wait(child_bare(ready) || pipe(p) ||
			   fcntl(p[0], F_SETOWN, owner));
}

/*
 * checkpoint() of setown_main() fails with EBUSY, naming the owner, and
 * leaves the child running: its SIGUSR1 handler ends it.
 */
static void refuse_setown(struct __test_metadata *_metadata,
			  FIXTURE_DATA(restart) *self, bool group)
{
	char want[128];
	pid_t pid;

	snprintf(want, sizeof(want),
		 "its owner for I/O signals (F_SETOWN), %s %d, is not in the checkpointed tree",
		 group ? "process group" : "process", group ? getpgrp() : getpid());
	ASSERT_EQ(0, start_child(_metadata, setown_main, group, 1, &pid))
		TH_LOG("the child could not set its owner");
	expect_checkpoint_refused(_metadata, self, pid, -EBUSY, want,
				  group ? "owner group" : "owner process", NULL);
}

#define OWNER_BAD "bad owner for I/O signals "
#define OWNER_NOT "an owner for I/O signals of fd "
#define OWNER_NONE " 99999 for its owner for I/O signals"

/*
 * FILE_OWNER records: out of order, each case of build_file_owner()
 * refused with its errno and message (or accepted), in a child that
 * restart(child) restored (restart_coord()); an owner outside the tree
 * refused by checkpoint(); and a real child with signal-driven I/O on a
 * pipe and a socket restored (restore_sigio()).
 */
TEST_F(restart, file_owner_records)
{
	static const struct coord_case cases[] = {
		[0] = { -EINVAL, OWNER_BAD "(pid -1, type 1, signal 0)" },
		[1] = { -EINVAL, OWNER_BAD "(pid 1, type 3, signal 0)" },
		[2] = { -EINVAL, OWNER_BAD "(pid 1, type 1, signal -1)" },
		[3] = { -EINVAL, OWNER_BAD "(pid 1, type 1, signal 65)" },
		[4] = { -EINVAL, OWNER_BAD "(pid 1, type 1, signal 0)" },
		[5] = { -EINVAL, OWNER_BAD "(pid 0, type 1, signal 0)" },
		[6] = { -EINVAL, OWNER_NOT "3, which is not the restored object 9" },
		[7] = { -EINVAL, OWNER_NOT "3, which is not the restored object 0" },
		[8] = { -EINVAL, OWNER_NOT "3, which is not the restored object 5" },
		[9] = { -EINVAL, OWNER_NOT "7, which is not the restored object 4" },
		[10] = { -EINVAL, OWNER_NOT "-1, which is not the restored object 4" },
		[11] = { -EINVAL, OWNER_NOT "4, which is not the restored object 4" },
		[12] = { -ESRCH, "fd 3: no thread" OWNER_NONE },
		[13] = { -ESRCH, "fd 3: no process" OWNER_NONE },
		[14] = { -ESRCH, "fd 3: no process group" OWNER_NONE },
		[15 ... 19] = { -EINVAL, MAP_ACCEPTED },
	};
	const size_t body = sizeof(struct ckpt_rec_file_owner) - sizeof(struct ckpt_hdr);
	unsigned char zero[sizeof(struct ckpt_rec_file_owner)] = { 0 };
	struct img *img;
	int i;

	/* before the tree, and after it without a task */
	img = new_img(self, NULL);
	img_rec(img, CKPT_REC_FILE_OWNER, zero, body);
	img_tail(img);
	EXPECT_EQ(-EINVAL, RESTART());
	EXPECT_LOG("record type 0x40c out of order");
	img = new_img(self, NULL);
	img_tree(img, getpid());
	img_rec(img, CKPT_REC_FILE_OWNER, zero, body);
	img_tail(img);
	EXPECT_EQ(-EINVAL, RESTART());
	EXPECT_LOG("record type 0x40c out of order");

	ASSERT_TRUE(kill(NO_PID, 0) && errno == ESRCH &&
		    kill(-NO_PID, 0) && errno == ESRCH);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		expect_coord_case(_metadata, self, variant->pipe, build_file_owner,
				  i, cases[i].error, cases[i].log);

	refuse_setown(_metadata, self, false);
	refuse_setown(_metadata, self, true);
	restore_sigio(_metadata, self, variant->pipe);
}

/*
 * Mappings without reserve and droppable ones (format 1.9), of one page
 * at 0x10000000 unless said: without reserve, and neither anonymous nor
 * a file mapping (cases 0 to 2); droppable, and not anonymous, or locked,
 * or a stack (cases 3 to 6); with a flag no format defines (case 7).
 * Cases 8 to 14 are sound: restart() takes the mapping (and the page of
 * case 12), then finds the image ends.
 */
static void build_vma_flags(struct img *img, int i)
{
	const __u32 rw = PROT_READ | PROT_WRITE;
	const __u32 nr = CKPT_VMA_NORESERVE, dp = CKPT_VMA_DROPPABLE;
	/* what do_mmap() gives a MAP_DROPPABLE mapping */
	const __u32 dp_all = dp | nr | CKPT_VMA_WIPEONFORK | CKPT_VMA_DONTDUMP;

	if (i == 13)
		img_task_mm_flags(img, CKPT_MM_LOCK_FUTURE);
	img_mm(img, 1);
	switch (i) {
	case 0:
		img_map(img, CKPT_VMA_SHMEM, rw, nr, 1, NULL);
		break;
	case 1:
		img_map(img, CKPT_VMA_VDSO, PROT_READ | PROT_EXEC, nr, 1, NULL);
		break;
	case 2:
		img_map(img, CKPT_VMA_VVAR, PROT_READ, nr, 1, NULL);
		break;
	case 3:
		img_map(img, CKPT_VMA_FILE, PROT_READ, dp, 1, shmap_data);
		break;
	case 4:
		img_map(img, CKPT_VMA_SHMEM, rw, dp, 1, NULL);
		break;
	case 5:
		img_map(img, CKPT_VMA_ANON, rw, dp_all | CKPT_VMA_LOCKED, 1, NULL);
		break;
	case 6:
		img_map(img, CKPT_VMA_ANON, rw, dp_all | CKPT_VMA_GROWSDOWN, 1,
			NULL);
		break;
	case 7:
		img_map(img, CKPT_VMA_ANON, rw, dp_all | 1U << 15, 1, NULL);
		break;
	case 8:
		img_map(img, CKPT_VMA_ANON, rw, nr, 2, NULL);
		break;
	case 9:		/* private */
		img_map(img, CKPT_VMA_FILE, PROT_READ, nr, 1, shmap_data);
		break;
	case 10:
		img_map(img, CKPT_VMA_FILE, rw,
			CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE | nr, 2, shmap_data);
		break;
	case 11:
		img_map(img, CKPT_VMA_ANON, rw, dp_all, 2, NULL);
		break;
	case 12:	/* the droppable flag alone, and a page in it */
		img_map(img, CKPT_VMA_ANON, rw, dp, 1, NULL);
		img_page(img);
		break;
	case 13:	/* mlockall(MCL_FUTURE) locks no droppable mapping */
		img_map(img, CKPT_VMA_ANON, rw, dp_all, 1, NULL);
		break;
	case 14:
		img_map(img, CKPT_VMA_ANON, rw, nr | CKPT_VMA_LOCKED, 2, NULL);
		break;
	}
}

/*
 * vmf_main(): a child of the test with an anonymous mapping made with
 * MAP_NORESERVE and, if the kernel has them, a MAP_DROPPABLE one, of
 * VMF_PAGES pages each, all written, at vmf_addr[]: the test keeps the
 * span vmf_res, which the child unmaps before it maps them.  It checks
 * them before the checkpoint and again when SIGUSR1 comes (only the
 * restored child gets it), and exits with the first check that failed.
 * A droppable page may be gone (all zero): the kernel may drop it.
 */
enum { VMF_NORES, VMF_DROP, VMF_MAPS };

#define VMF_PAGES	4
#define VMF_SPAN	16	/* pages: a page before, and between, each */

static void *vmf_res;
static unsigned long vmf_addr[VMF_MAPS];

enum {
	VC_OK,
	VC_DROPPED,
	VC_NORES_FLAGS,
	VC_NORES_DATA,
	VC_DROP_FLAGS,
	VC_DROP_DATA,
	VC_SETUP,
	VC_NO_SIGNAL,
	VC_NR,
};

static const char *const vmf_checks[VC_NR] = {
	[VC_OK] = "all well",
	[VC_DROPPED] = "all well, some droppable pages dropped",
	[VC_NORES_FLAGS] = "the mapping without reserve is not (VmFlags nr, not ac, dp)",
	[VC_NORES_DATA] = "the mapping without reserve lost its contents",
	[VC_DROP_FLAGS] = "the droppable mapping is not (VmFlags dp, nr, wf, dd)",
	[VC_DROP_DATA] = "a page of the droppable mapping is neither its contents nor zero",
	[VC_SETUP] = "it could not make its mappings",
	[VC_NO_SIGNAL] = "SIGUSR1 never came",
};

/* The span vmf_res for the mappings of a child, in the test */
static void vmf_reserve(struct __test_metadata *_metadata)
{
	const size_t psz = getpagesize();

	vmf_res = mmap(NULL, VMF_SPAN * psz, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, vmf_res);
	vmf_addr[VMF_NORES] = (unsigned long)vmf_res + psz;
	vmf_addr[VMF_DROP] = (unsigned long)vmf_res + (VMF_PAGES + 2) * psz;
}

static void vmf_release(void)
{
	if (vmf_res)
		munmap(vmf_res, VMF_SPAN * getpagesize());
	vmf_res = NULL;
}

/* In the child: its mapping @k, made with @flags, at vmf_addr[k]; 0 or -1 */
static int vmf_map(int k, int flags)
{
	void *p = (void *)vmf_addr[k];

	return mmap(p, VMF_PAGES * getpagesize(), PROT_READ | PROT_WRITE,
		    flags | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == p ?
	       0 : -1;
}

static int vmf_check(bool droppable)
{
	void *const m[VMF_MAPS] = { (void *)vmf_addr[0], (void *)vmf_addr[1] };
	const size_t psz = getpagesize();
	const unsigned char *p;
	bool whole, zero, dropped = false;
	size_t n, i;

	if (!tgt_flag(m, VMF_NORES, " nr ", true) ||
	    !tgt_flag(m, VMF_NORES, " ac ", false) ||
	    !tgt_flag(m, VMF_NORES, " dp ", false))
		return VC_NORES_FLAGS;
	if (!tgt_bytes_ok(m, VMF_NORES, VMF_PAGES * psz))
		return VC_NORES_DATA;
	if (!droppable)
		return VC_OK;
	if (!tgt_flag(m, VMF_DROP, " dp ", true) ||
	    !tgt_flag(m, VMF_DROP, " nr ", true) ||
	    !tgt_flag(m, VMF_DROP, " wf ", true) ||
	    !tgt_flag(m, VMF_DROP, " dd ", true))
		return VC_DROP_FLAGS;
	for (p = m[VMF_DROP], n = 0; n < VMF_PAGES; n++, p += psz) {
		whole = true;
		zero = true;
		for (i = 0; i < psz; i++) {
			whole = whole && p[i] == tgt_byte(VMF_DROP, n * psz + i);
			zero = zero && !p[i];
		}
		if (!whole && !zero)
			return VC_DROP_DATA;
		dropped = dropped || !whole;
	}
	return dropped ? VC_DROPPED : VC_OK;
}

static __noreturn void vmf_main(int ready, int droppable)
{
	const struct timespec ms = { .tv_nsec = 1000000 }, zero = { 0 };
	const size_t len = VMF_PAGES * getpagesize();
	unsigned char *p;
	sigset_t set;
	int code, k;
	size_t i;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) || child_bare(ready) ||
	    munmap(vmf_res, VMF_SPAN * getpagesize()) ||
	    vmf_map(VMF_NORES, MAP_PRIVATE | MAP_NORESERVE) ||
	    (droppable && vmf_map(VMF_DROP, MAP_DROPPABLE)))
		_exit(VC_SETUP);
	for (k = 0; k < (droppable ? VMF_MAPS : 1); k++)
		for (p = (void *)vmf_addr[k], i = 0; i < len; i++)
			p[i] = tgt_byte(k, i);
	code = vmf_check(droppable);
	child_ready(code == VC_DROPPED ? VC_OK : code, VC_SETUP);

	/* checkpointed here, then restored */
	for (i = 0; i < 30000; i++) {
		if (sigtimedwait(&set, NULL, &zero) == SIGUSR1)
			_exit(vmf_check(droppable));
		nanosleep(&ms, NULL);
	}
	_exit(VC_NO_SIGNAL);
}

/*
 * The kernel's image of vmf_main(): a record of each mapping as it was
 * made, with what do_mmap() set (a droppable mapping is also without
 * reserve, wiped on fork and left out of core dumps), no other droppable
 * one, and the pages of the mapping without reserve.
 */
static void check_vmf_image(struct __test_metadata *_metadata,
			    const unsigned char *buf, size_t len, bool droppable)
{
	const __u32 bits = CKPT_VMA_NORESERVE | CKPT_VMA_DROPPABLE |
			   CKPT_VMA_WIPEONFORK | CKPT_VMA_DONTDUMP |
			   CKPT_VMA_LOCKED | CKPT_VMA_GROWSDOWN;
	const __u32 want[VMF_MAPS] = {
		[VMF_NORES] = CKPT_VMA_NORESERVE,
		[VMF_DROP] = CKPT_VMA_NORESERVE | CKPT_VMA_DROPPABLE |
			     CKPT_VMA_WIPEONFORK | CKPT_VMA_DONTDUMP,
	};
	const unsigned long psz = getpagesize(), span = VMF_PAGES * psz;
	int seen[VMF_MAPS] = { 0 }, pages[VMF_MAPS] = { 0 }, drops = 0, k;
	const struct ckpt_rec_pages *pg;
	const struct ckpt_rec_vma *v;
	const struct ckpt_hdr *h;
	unsigned long lo, hi;
	size_t off;

	for (off = 0; (h = rec_at(buf, len, off)); off += h->len) {
		if (h->type == CKPT_REC_VMA) {
			v = (const void *)h;
			drops += !!(v->flags & CKPT_VMA_DROPPABLE);
			for (k = 0; k < VMF_MAPS; k++) {
				if (vmf_addr[k] < v->start || vmf_addr[k] >= v->end)
					continue;
				seen[k]++;
				EXPECT_EQ(vmf_addr[k], v->start);
				EXPECT_EQ(vmf_addr[k] + span, v->end);
				EXPECT_EQ(CKPT_VMA_ANON, v->kind);
				EXPECT_EQ(PROT_READ | PROT_WRITE, v->prot);
				EXPECT_EQ(want[k], v->flags & bits)
					TH_LOG("mapping %d at %#llx: flags %#x", k,
					       (unsigned long long)v->start, v->flags);
			}
		} else if (h->type == CKPT_REC_PAGES) {
			pg = (const void *)h;
			for (k = 0; k < VMF_MAPS; k++) {
				lo = pg->addr > vmf_addr[k] ? pg->addr : vmf_addr[k];
				hi = pg->addr + pg->nr_pages * psz;
				if (hi > vmf_addr[k] + span)
					hi = vmf_addr[k] + span;
				if (hi > lo)
					pages[k] += (hi - lo) / psz;
			}
		}
	}
	EXPECT_EQ(1, seen[VMF_NORES]);
	EXPECT_EQ(VMF_PAGES, pages[VMF_NORES]);
	EXPECT_EQ((int)droppable, seen[VMF_DROP]);
	EXPECT_EQ((int)droppable, drops);
	if (droppable && pages[VMF_DROP] != VMF_PAGES)
		TH_LOG("%d of the %d droppable pages saved (dropped meanwhile)",
		       pages[VMF_DROP], VMF_PAGES);
}

static bool vmf_poke(void *arg)
{
	kill(*(pid_t *)arg, SIGUSR1);
	return true;
}

/*
 * vmf_main() checkpointed, killed, and restored with its pid
 * (restore_child()) from a memfd or a pipe (@use_pipe), then sent
 * SIGUSR1 (vmf_poke()) until it exits, the test with the signal blocked
 * as in the image: one sent before restart() is done must not kill the
 * restarter.
 */
static void restore_vmf(struct __test_metadata *_metadata,
			FIXTURE_DATA(restart) *self, bool use_pipe)
{
	const size_t psz = getpagesize();
	sigset_t set, mask;
	unsigned char *buf;
	bool droppable;
	size_t len;
	int code;
	pid_t pid;
	void *p;

	p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		 MAP_DROPPABLE | MAP_ANONYMOUS, -1, 0);
	droppable = p != MAP_FAILED;
	if (droppable) {
		munmap(p, psz);
	} else {
		ASSERT_TRUE(errno == EOPNOTSUPP || errno == EINVAL)
			TH_LOG("mmap(MAP_DROPPABLE): %s", strerror(errno));
		TH_LOG("no MAP_DROPPABLE (%s): the droppable mapping is left out",
		       strerror(errno));
	}
	vmf_reserve(_metadata);
	code = start_child(_metadata, vmf_main, droppable, VC_SETUP, &pid);
	ASSERT_EQ(VC_OK, code)
		TH_LOG("the child is not ready: %s",
		       exit_why(code, vmf_checks, VC_NR));
	len = checkpoint_child(_metadata, self, pid, &buf);
	check_vmf_image(_metadata, buf, len, droppable);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, &mask));
	code = restore_child(_metadata, self, use_pipe, buf, len, pid,
			     vmf_poke, &pid);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	free(buf);
	EXPECT_TRUE(code == VC_OK || code == VC_DROPPED)
		TH_LOG("the restored child: %s (%d); log \"%s\"",
		       exit_why(code, vmf_checks, VC_NR), code, self->log_buf);
	if (code == VC_DROPPED)
		TH_LOG("restored, some droppable pages were dropped");
}

/* Mappings that checkpoint() refuses, made by refused_main() */
enum { VR_SEALED, VR_UFFD };

static const char *const vr_names[] = {
	[VR_SEALED] = "an mseal()ed mapping",
	[VR_UFFD] = "a mapping registered with a userfaultfd",
};

/*
 * A child with an anonymous mapping at vmf_addr[VMF_NORES] that @what
 * says: mseal()ed, or registered with a userfaultfd (for missing pages),
 * whose descriptor it keeps (closing it would unregister the mapping).
 * It tells the test on @ready that it is set, then waits: SIGUSR1 ends
 * it.
 */
static __noreturn void refused_main(int ready, int what)
{
	const size_t len = VMF_PAGES * getpagesize();
	struct uffdio_register reg = {
		.range.start = vmf_addr[VMF_NORES],
		.range.len = len,
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	struct uffdio_api api = { .api = UFFD_API };
	int code, fd;

	code = child_bare(ready) || munmap(vmf_res, VMF_SPAN * getpagesize()) ||
	       vmf_map(VMF_NORES, MAP_PRIVATE);
	if (!code && what == VR_SEALED)
		code = !!syscall(__NR_mseal, vmf_addr[VMF_NORES], len, 0);
	if (!code && what == VR_UFFD) {
		fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		code = fd < 0 || ioctl(fd, UFFDIO_API, &api) ||
		       ioctl(fd, UFFDIO_REGISTER, &reg);
	}
	refused_child_wait(code);
}

/*
 * The kernel has the system call that makes the mapping @what (an
 * mseal() of nothing does nothing); else say so.  The test runs as root:
 * it may make a userfaultfd.
 */
static bool refused_probe(struct __test_metadata *_metadata, int what)
{
	int fd, err;

	if (what == VR_SEALED && !syscall(__NR_mseal, 0, 0, 0))
		return true;
	if (what == VR_UFFD) {
		fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0) {
			close(fd);
			return true;
		}
	}
	err = errno;
	EXPECT_FALSE(what == VR_UFFD && err == EPERM)
		TH_LOG("userfaultfd() is not permitted");
	TH_LOG("%s: %s: %s not tried", what == VR_SEALED ? "mseal()" : "userfaultfd()",
	       strerror(err), vr_names[what]);
	return false;
}

/*
 * checkpoint() of refused_main() fails with EOPNOTSUPP, naming the
 * mapping, and leaves the child running: its SIGUSR1 handler ends it.
 * The mappings are described before the descriptors are: the child's
 * userfaultfd is not what the log names.
 */
static void refuse_vma(struct __test_metadata *_metadata,
		       FIXTURE_DATA(restart) *self, int what)
{
	const unsigned long end = vmf_addr[VMF_NORES] + VMF_PAGES * getpagesize();
	char want[160];
	pid_t pid;
	int code;

	if (!refused_probe(_metadata, what))
		return;
	code = start_child(_metadata, refused_main, what, 1, &pid);
	ASSERT_EQ(0, code)
		TH_LOG("the child could not make %s", vr_names[what]);
	snprintf(want, sizeof(want),
		 "pid %d mapping %#lx-%#lx: %s is not supported yet", pid,
		 vmf_addr[VMF_NORES], end, vr_names[what]);
	expect_checkpoint_refused(_metadata, self, pid, -EOPNOTSUPP, want,
				  vr_names[what],
				  what == VR_UFFD ? "userfaultfd" : NULL);
}

/* What restart() says of those flags where they cannot be */
#define NORES_WHY " without reserve, and not an anonymous or file mapping"
#define DROP_WHY " droppable, and not anonymous, or locked, or a stack"

/*
 * Each case of build_vma_flags() refused with its errno and message, or
 * accepted, the child that restart(child) restored dead (restart_coord()).
 * Then a real child with a mapping without reserve and a droppable one
 * restored (restore_vmf()), and children with an mseal()ed mapping and a
 * mapping registered with a userfaultfd that checkpoint() refuses
 * (refuse_vma()).
 */
TEST_F(restart, vma_flag_records)
{
	static const struct coord_case cases[] = {
		[0 ... 2] = { -EINVAL, MAPPING_1P NORES_WHY },
		[3 ... 6] = { -EINVAL, MAPPING_1P DROP_WHY },
		[7] = { -EINVAL, BAD_VMA_FIELDS },
		[8 ... 14] = { -EINVAL, MAP_ACCEPTED },
	};
	int i;

	shmap_setup(_metadata, false);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		expect_coord_case(_metadata, self, variant->pipe, build_vma_flags,
				  i, cases[i].error, cases[i].log);
	EXPECT_TRUE(file_holds(shmap_data, 2, 'd'));

	restore_vmf(_metadata, self, variant->pipe);
	refuse_vma(_metadata, self, VR_SEALED);
	refuse_vma(_metadata, self, VR_UFFD);
	vmf_release();
}

/*
 * A child that dropped to uid and gid 65534, checkpointed, killed and
 * restored by root with its pid: the restored process is counted to the
 * user 65534, as setresuid() counts it, not to the restarter's.  With
 * RLIMIT_NPROC 1 its fork() fails with EAGAIN (counted to root's user,
 * the limit did not apply); then it execve()s true, whose exit takes
 * the process back from that same user (counted to root's, execve()
 * moved it to 65534's ucounts and the count went negative: a WARNING in
 * dec_rlimit_ucounts()).
 */
#define UC_UID	65534

enum {
	UC_OK,		/* true's exit */
	UC_SETUP,
	UC_NO_SIGNAL,
	UC_RLIMIT,
	UC_FORKED,
	UC_FORK_ERRNO,
	UC_EXEC,
	UC_NR,
};

static const char *const uc_checks[UC_NR] = {
	[UC_OK] = "all well",
	[UC_SETUP] = "it could not drop to uid and gid 65534",
	[UC_NO_SIGNAL] = "it was never sent SIGUSR1",
	[UC_RLIMIT] = "setrlimit(RLIMIT_NPROC) failed",
	[UC_FORKED] = "fork() went past RLIMIT_NPROC 1: not counted to uid 65534",
	[UC_FORK_ERRNO] = "fork() failed, not with EAGAIN",
	[UC_EXEC] = "execve() of true failed",
};

static __noreturn void uc_main(int ready, int unused)
{
	const struct timespec ms = { .tv_nsec = 1000000 }, zero = { 0 };
	const struct rlimit one = { 1, 1 };
	char *const argv[] = { "true", NULL }, *const envp[] = { NULL };
	sigset_t set;
	pid_t pid;
	int i;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	/* the new ids clear the parent-death signal: bare after them */
	if (sigprocmask(SIG_BLOCK, &set, NULL) || setgroups(0, NULL) ||
	    setresgid(UC_UID, UC_UID, UC_UID) ||
	    setresuid(UC_UID, UC_UID, UC_UID) || child_bare(ready))
		_exit(UC_SETUP);
	child_ready(0, UC_SETUP);

	/* checkpointed here, then restored */
	for (i = 0; sigtimedwait(&set, NULL, &zero) != SIGUSR1; i++) {
		if (i == 30000)
			_exit(UC_NO_SIGNAL);
		nanosleep(&ms, NULL);
	}
	if (setrlimit(RLIMIT_NPROC, &one))
		_exit(UC_RLIMIT);
	pid = fork();
	if (!pid)
		_exit(0);
	if (pid > 0) {
		waitpid(pid, NULL, 0);
		_exit(UC_FORKED);
	}
	if (errno != EAGAIN)
		_exit(UC_FORK_ERRNO);
	execve("/bin/true", argv, envp);
	execve("/bin/busybox", argv, envp);
	_exit(UC_EXEC);
}

/* The real, effective, saved and fs uids of @pid (/proc/<pid>/status) */
static int status_uids(pid_t pid, unsigned int uid[4])
{
	char path[64], line[256];
	int ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (ret && fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %u %u %u %u", &uid[0], &uid[1], &uid[2],
			   &uid[3]) == 4)
			ret = 0;
	fclose(f);
	return ret;
}

struct uc_poke {
	pid_t pid;
	bool seen;		/* the four uids 65534 */
	unsigned int uid[4];	/* the last ones read */
};

/* Once the restored child shows uid 65534, send it SIGUSR1 */
static bool uc_poke(void *arg)
{
	struct uc_poke *p = arg;
	unsigned int *u = p->uid;

	if (!p->seen && !status_uids(p->pid, u))
		p->seen = u[0] == UC_UID && u[1] == UC_UID &&
			  u[2] == UC_UID && u[3] == UC_UID;
	if (p->seen)
		kill(p->pid, SIGUSR1);
	return true;
}

/* Log the processes of uid 65534 other than @self */
static void uc_others(struct __test_metadata *_metadata, pid_t self)
{
	unsigned int uid[4];
	struct dirent *d;
	DIR *dir;
	pid_t pid;

	dir = opendir("/proc");
	ASSERT_NE(NULL, dir);
	while ((d = readdir(dir))) {
		pid = atoi(d->d_name);
		if (pid > 0 && pid != self && !status_uids(pid, uid) &&
		    uid[0] == UC_UID)
			TH_LOG("process %d of uid %d too: fork() fails all the same",
			       pid, UC_UID);
	}
	closedir(dir);
}

/*
 * uc_main() checkpointed, killed and restored with its pid by root
 * (restore_child()) from a memfd or a pipe, the test with SIGUSR1
 * blocked as in the image; it is told to go on once its status shows
 * the four uids 65534.
 */
TEST_F(restart, restored_user_counted)
{
	struct uc_poke p = { 0 };
	sigset_t set, mask;
	unsigned char *buf;
	size_t len;
	int code;

	code = start_child(_metadata, uc_main, 0, UC_SETUP, &p.pid);
	ASSERT_EQ(UC_OK, code)
		TH_LOG("the child is not ready: %s",
		       exit_why(code, uc_checks, UC_NR));
	uc_others(_metadata, p.pid);
	len = checkpoint_child(_metadata, self, p.pid, &buf);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, &mask));
	code = restore_child(_metadata, self, variant->pipe, buf, len, p.pid,
			     uc_poke, &p);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	free(buf);
	EXPECT_TRUE(p.seen)
		TH_LOG("the restored child's uids: %u %u %u %u, not %d",
		       p.uid[0], p.uid[1], p.uid[2], p.uid[3], UC_UID);
	EXPECT_EQ(UC_OK, code)
		TH_LOG("the restored child: %s (%d); log \"%s\"",
		       exit_why(code, uc_checks, UC_NR), code, self->log_buf);
}

/*
 * Memfds and deleted files (format 1.10), objects whose contents the
 * image holds.  obj_main() is a child of the test with such a file at
 * fd 3, a memfd (mfd_setup()) or a deleted file (dl_setup()), of
 * obj_size() bytes, not a multiple of the page size, its second page a
 * hole, of mode OBJ_MODE: read-write and close-on-exec, at offset
 * OBJ_POS3; opened again read-only at fd 4 (through /proc/self/fd/3),
 * at offset OBJ_POS4; mapped shared and writable; mapped privately at
 * its second page, through a third open file (read-only) that only the
 * mapping holds, its first page copied on write (obj_setup()).  A page
 * of shared anonymous memory gives the image a SHMEM object.  The
 * mappings are in the span obj_span, a page of nothing around each.  It
 * checks all that before the checkpoint and again when SIGUSR1 comes
 * (only the restored child gets it), then that a write through the
 * shared mapping reaches fd 4 and the page the private mapping did not
 * copy, and exits with the first check that failed (obj_check()).
 *
 * The memfd is sealed with MFD_SEALS, which must hold once restored.
 */
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE	0x0010
#endif

#define MFD_NAME	"ckpt-memfd"
#define MFD_SEALS	(F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE | \
			 F_SEAL_SEAL)
#define OBJ_MODE	0640
#define OBJ_POS3	1234
#define OBJ_POS4	77
#define OBJ_TAIL	100	/* bytes of its third page */

/* Pages of obj_span where the mappings are (OBP_OTHER: dl_setup()'s memfd) */
enum { OBP_SHMEM = 1, OBP_SHARED = 3, OBP_OTHER = 7, OBP_PRIVATE = 9,
	OBP_SPAN = 12 };

static size_t obj_size(void)
{
	return 2 * getpagesize() + OBJ_TAIL;
}

/* The byte at @i of the file: none is 0 but in its hole and past its end */
static unsigned char obj_byte(size_t i)
{
	if (i >= obj_size() || i / getpagesize() == 1)
		return 0;
	return (i * 13 + 5) | 1;
}

static bool obj_deleted;		/* the child's file is a deleted file */
static unsigned char *obj_span;		/* the child's mappings */
static unsigned char *obj_buf;		/* three pages to read the file into */
static char obj_link[128];		/* /proc/self/fd/3 before the checkpoint */

enum {
	OBC_OK,
	OBC_FDS,
	OBC_NAME,
	OBC_STAT,
	OBC_SEALS,
	OBC_OFFSETS,
	OBC_DATA,
	OBC_SHARED,
	OBC_PRIVATE,
	OBC_SHMEM,
	OBC_TMPFILE,
	OBC_MEMFD,
	OBC_SEALED,
	OBC_WRITE,
	OBC_SETUP,
	OBC_NO_SIGNAL,
	OBC_NR,
};

static const char *const obj_checks[OBC_NR] = {
	[OBC_OK] = "all well",
	[OBC_FDS] = "fds 3 and 4 are not one file, read-write and close-on-exec, and read-only",
	[OBC_NAME] = "/proc/self/fd/3 names neither the memfd as before nor a deleted file",
	[OBC_STAT] = "the file has not its size and mode, or a deleted file has a link",
	[OBC_SEALS] = "the file has not its seals (F_GET_SEALS)",
	[OBC_OFFSETS] = "fd 3 or 4 is not at its offset",
	[OBC_DATA] = "the file does not read as it did",
	[OBC_SHARED] = "the shared mapping is not the file, shared and writable (sh, mw)",
	[OBC_PRIVATE] = "the private mapping lost its page, or is shared, or is not the file",
	[OBC_SHMEM] = "the shared anonymous page lost its contents",
	[OBC_TMPFILE] = "the O_TMPFILE file at fd 5 is not as it was",
	[OBC_MEMFD] = "the memfd at fd 6, or its shared mapping, is not as it was",
	[OBC_SEALED] = "a resize, write() or new writable shared mapping went through a seal",
	[OBC_WRITE] = "a write through the shared mapping is not in fd 4 and the private one",
	[OBC_SETUP] = "it could not set its file up",
	[OBC_NO_SIGNAL] = "SIGUSR1 never came",
};

/* The file at fd 3 made as obj_main() has it, but for its seals: 0 or -1 */
static int obj_setup(void)
{
	const size_t psz = getpagesize(), size = obj_size();
	unsigned char *p;
	ssize_t n;
	size_t i;
	int ro;

	obj_buf = malloc(3 * psz);
	obj_span = mmap(NULL, OBP_SPAN * psz, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!obj_buf || obj_span == MAP_FAILED || ftruncate(3, size) ||
	    fchmod(3, OBJ_MODE))
		return -1;
	for (i = 0; i < size; i++)
		obj_buf[i] = obj_byte(i);
	/* the second page is left a hole */
	if (pwrite(3, obj_buf, psz, 0) != (ssize_t)psz ||
	    pwrite(3, obj_buf + 2 * psz, OBJ_TAIL, 2 * psz) != OBJ_TAIL ||
	    open("/proc/self/fd/3", O_RDONLY) != 4)
		return -1;
	p = mmap(obj_span + OBP_SHMEM * psz, psz, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 'S', psz);
	p = mmap(obj_span + OBP_SHARED * psz, 3 * psz, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, 3, 0);
	if (p == MAP_FAILED)
		return -1;
	/* an open file that only the mapping holds */
	ro = open("/proc/self/fd/3", O_RDONLY);
	p = mmap(obj_span + OBP_PRIVATE * psz, 2 * psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_FIXED, ro, psz);
	if (ro < 0 || p == MAP_FAILED || close(ro))
		return -1;
	memset(p, 'P', psz);
	n = readlink("/proc/self/fd/3", obj_link, sizeof(obj_link) - 1);
	if (n <= 0 || lseek(3, OBJ_POS3, SEEK_SET) != OBJ_POS3 ||
	    lseek(4, OBJ_POS4, SEEK_SET) != OBJ_POS4)
		return -1;
	obj_link[n] = '\0';
	return 0;
}

static int mfd_setup(void)
{
	if (memfd_create(MFD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING) != 3 ||
	    obj_setup() || fcntl(3, F_ADD_SEALS, MFD_SEALS))
		return -1;
	return 0;
}

/* F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_FUTURE_WRITE and F_SEAL_SEAL hold */
static bool mfd_sealed(void)
{
	const size_t psz = getpagesize(), size = obj_size();

	return ftruncate(3, size + 1) == -1 && errno == EPERM &&
	       ftruncate(3, size - 1) == -1 && errno == EPERM &&
	       pwrite(3, "x", 1, 0) == -1 && errno == EPERM &&
	       mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_SHARED, 3, 0) ==
	       MAP_FAILED && errno == EPERM &&
	       fcntl(3, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EPERM;
}

/*
 * The deleted file of obj_main(): DL_NAME in the test's directory
 * (shmap_dir, on tmpfs: dl_dir_make()), unlinked right after it is
 * made.  The child also has an O_TMPFILE file of that directory at fd
 * 5, read-write at offset DL_TMP_POS, of mode DL_TMP_MODE, holding
 * DL_TMP_DATA; and a memfd of a page of 'M' at fd 6, mapped shared at
 * OBP_OTHER: between the deleted file's mappings, so that the memfd is
 * restored after the deleted file and before the record that the
 * private mapping takes it from (dl_case_image()).
 */
#define DL_NAME		"ckpt-deleted"
#define DL_TMP_DATA	"an O_TMPFILE file, never linked"
#define DL_TMP_MODE	0604
#define DL_TMP_POS	5
#define DL_MFD_NAME	"ckpt-deleted-memfd"
#define DL_SUFFIX	" (deleted)"

static int dl_tmp_flags;	/* of fd 5 (F_GETFL) before the checkpoint */

static int dl_setup(void)
{
	const size_t psz = getpagesize(), len = strlen(DL_TMP_DATA);
	char path[96];
	void *p;

	shmap_path(path, sizeof(path), DL_NAME);
	if (open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600) != 3 ||
	    unlink(path) || obj_setup() ||
	    open(shmap_dir, O_TMPFILE | O_RDWR, 0600) != 5 ||
	    write(5, DL_TMP_DATA, len) != (ssize_t)len ||
	    fchmod(5, DL_TMP_MODE) ||
	    lseek(5, DL_TMP_POS, SEEK_SET) != DL_TMP_POS ||
	    memfd_create(DL_MFD_NAME, 0) != 6 || ftruncate(6, psz))
		return -1;
	dl_tmp_flags = fcntl(5, F_GETFL);
	p = mmap(obj_span + OBP_OTHER * psz, psz, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, 6, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 'M', psz);
	return 0;
}

/* /proc/self/fd/@fd names a deleted file of shmap_dir */
static bool dl_link_ok(int fd)
{
	size_t n = strlen(shmap_dir), s = strlen(DL_SUFFIX);
	char path[32], link[sizeof(obj_link)];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, link, sizeof(link) - 1);
	if (len <= 0)
		return false;
	link[len] = '\0';
	return !strncmp(link, shmap_dir, n) && link[n] == '/' &&
	       !strchr(link + n + 1, '/') && (size_t)len > n + 1 + s &&
	       !strcmp(link + len - s, DL_SUFFIX);
}

/* The O_TMPFILE file at fd 5 and the memfd at fd 6 of dl_setup() */
static int dl_check_others(bool restored)
{
	const size_t psz = getpagesize(), len = strlen(DL_TMP_DATA);
	unsigned char *mp = obj_span + OBP_OTHER * psz;
	const char *mlink = "/memfd:" DL_MFD_NAME DL_SUFFIX;
	char link[sizeof(obj_link)];
	struct stat st, st3;
	void *p = mp;
	ssize_t n;
	size_t i;

	if (!dl_link_ok(5) || fstat(5, &st) || fstat(3, &st3) ||
	    !S_ISREG(st.st_mode) || st.st_size != (off_t)len ||
	    (st.st_mode & 07777) != DL_TMP_MODE || st.st_nlink ||
	    st.st_dev != st3.st_dev || st.st_ino == st3.st_ino ||
	    fcntl(5, F_GETFL) != dl_tmp_flags || fcntl(5, F_GETFD) != 0 ||
	    lseek(5, 0, SEEK_CUR) != DL_TMP_POS ||
	    pread(5, obj_buf, len + 1, 0) != (ssize_t)len ||
	    memcmp(obj_buf, DL_TMP_DATA, len))
		return OBC_TMPFILE;
	n = readlink("/proc/self/fd/6", link, sizeof(link) - 1);
	if (n <= 0 || (size_t)n != strlen(mlink) || memcmp(link, mlink, n) ||
	    fstat(6, &st) || st.st_size != (off_t)psz ||
	    pread(6, obj_buf, psz, 0) != (ssize_t)psz ||
	    !tgt_flag(&p, 0, " sh ", true))
		return OBC_MEMFD;
	for (i = 0; i < psz; i++)
		if (obj_buf[i] != 'M' || mp[i] != 'M')
			return OBC_MEMFD;
	if (restored) {
		mp[0] = 'N';
		if (pread(6, obj_buf, 1, 0) != 1 || obj_buf[0] != 'N')
			return OBC_MEMFD;
	}
	return OBC_OK;
}

/* The child checks its file: OBC_OK or the first check that failed */
static int obj_check(bool restored)
{
	const size_t psz = getpagesize(), size = obj_size();
	unsigned char *sh = obj_span + OBP_SHARED * psz;
	unsigned char *pr = obj_span + OBP_PRIVATE * psz;
	unsigned char *shm = obj_span + OBP_SHMEM * psz;
	/* a file of tmpfs that is not a memfd has F_SEAL_SEAL alone */
	const int seals = obj_deleted ? F_SEAL_SEAL : MFD_SEALS;
	char link[sizeof(obj_link)];
	struct stat st3, st4;
	ssize_t n;
	size_t i;
	void *p;
	int code;

	if ((fcntl(3, F_GETFL) & O_ACCMODE) != O_RDWR ||
	    (fcntl(4, F_GETFL) & O_ACCMODE) != O_RDONLY ||
	    fcntl(3, F_GETFD) != FD_CLOEXEC || fcntl(4, F_GETFD) != 0 ||
	    fstat(3, &st3) || fstat(4, &st4) || st3.st_dev != st4.st_dev ||
	    st3.st_ino != st4.st_ino)
		return OBC_FDS;
	if (obj_deleted && !dl_link_ok(3))
		return OBC_NAME;
	n = readlink("/proc/self/fd/3", link, sizeof(link) - 1);
	if (n < 0)
		return OBC_NAME;
	link[n] = '\0';
	if (!obj_deleted && strcmp(link, obj_link))
		return OBC_NAME;
	if (!S_ISREG(st3.st_mode) || st3.st_size != (off_t)size ||
	    (st3.st_mode & 07777) != OBJ_MODE || (obj_deleted && st3.st_nlink))
		return OBC_STAT;
	if (fcntl(3, F_GET_SEALS) != seals)
		return OBC_SEALS;
	if (lseek(3, 0, SEEK_CUR) != OBJ_POS3 ||
	    lseek(4, 0, SEEK_CUR) != OBJ_POS4)
		return OBC_OFFSETS;
	if (pread(4, obj_buf, 3 * psz, 0) != (ssize_t)size)
		return OBC_DATA;
	for (i = 0; i < size; i++)
		if (obj_buf[i] != obj_byte(i))
			return OBC_DATA;
	for (i = 0; i < 3 * psz; i++)
		if (sh[i] != obj_byte(i))
			return OBC_SHARED;
	p = sh;
	if (!tgt_flag(&p, 0, " sh ", true) || !tgt_flag(&p, 0, " mw ", true))
		return OBC_SHARED;
	for (i = 0; i < 2 * psz; i++)
		if (pr[i] != (i < psz ? 'P' : obj_byte(psz + i)))
			return OBC_PRIVATE;
	p = pr;
	if (!tgt_flag(&p, 0, " sh ", false))
		return OBC_PRIVATE;
	for (i = 0; i < psz; i++)
		if (shm[i] != 'S')
			return OBC_SHMEM;
	code = obj_deleted ? dl_check_others(restored) : OBC_OK;
	if (code || !restored)
		return code;

	if (!obj_deleted && !mfd_sealed())
		return OBC_SEALED;
	/* the file's third page is the private mapping's second */
	sh[0] = 'Z';
	sh[2 * psz] = 0xab;
	if (pread(4, obj_buf, 1, 2 * psz) != 1 || obj_buf[0] != 0xab ||
	    pr[psz] != 0xab || pr[0] != 'P')
		return OBC_WRITE;
	return OBC_OK;
}

/* @deleted: a deleted file (dl_setup()), else a memfd (mfd_setup()) */
static __noreturn void obj_main(int ready, int deleted)
{
	const struct timespec ms = { .tv_nsec = 1000000 }, zero = { 0 };
	sigset_t set;
	int code, i;

	obj_deleted = deleted;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) || child_bare(ready) ||
	    (deleted ? dl_setup() : mfd_setup()))
		_exit(OBC_SETUP);
	code = obj_check(false);
	child_ready(code, OBC_SETUP);

	/* checkpointed here, then restored */
	for (i = 0; i < 30000; i++) {
		if (sigtimedwait(&set, NULL, &zero) == SIGUSR1)
			_exit(obj_check(true));
		nanosleep(&ms, NULL);
	}
	_exit(OBC_NO_SIGNAL);
}

/*
 * The records of obj_main()'s image, and those that the cases change.
 * The object is the file at fd 3, whose records are of @type
 * (CKPT_REC_MEMFD or CKPT_REC_DELETED_FILE), its mappings of
 * @vma_kind.
 */
struct obj_image {
	const unsigned char *buf;
	size_t len;
	size_t *off;		/* of each record, the tail last */
	int nr;
	__u32 type;		/* of the object's records */
	__u32 vma_kind;		/* of its mappings */
	int new;		/* its record with CKPT_*_NEW */
	int nr_new;		/* records of its type with CKPT_*_NEW */
	int pages;		/* the last PAGES record after new */
	int map_sh, map_pr;	/* its mappings, shared and private */
	int ref;		/* its record before map_pr */
	int after;		/* the first mapping after map_pr */
	int map_other;		/* the first mapping of another such object */
	int file[7];		/* the FILE records of fds 0 to 6 */
	__u32 obj;		/* the object's objref */
	__u32 memfd;		/* the first memfd's */
	__u32 shmem;		/* the SHMEM object's */
};

/* Record @i of @m */
static const void *obj_rec(const struct obj_image *m, int i)
{
	return m->buf + m->off[i];
}

static __u32 obj_type(const struct obj_image *m, int i)
{
	return ((const struct ckpt_hdr *)obj_rec(m, i))->type;
}

/* The objref of the MEMFD or DELETED_FILE record @h; *@new: its NEW flag */
static __u32 obj_ref_of(const struct ckpt_hdr *h, bool *new)
{
	const struct ckpt_rec_memfd *mr = (const void *)h;
	const struct ckpt_rec_deleted_file *dr = (const void *)h;

	if (h->type == CKPT_REC_MEMFD) {
		*new = mr->flags & CKPT_MEMFD_NEW;
		return mr->objref;
	}
	*new = dr->flags & CKPT_DELETED_NEW;
	return dr->objref;
}

static void obj_index(struct __test_metadata *_metadata, struct obj_image *m,
		      __u32 type, __u32 vma_kind, const unsigned char *buf,
		      size_t len)
{
	const struct ckpt_rec_shmem *shm;
	const struct ckpt_rec_file *f;
	const struct ckpt_rec_vma *v;
	const struct ckpt_hdr *h;
	__u32 ref;
	size_t off;
	bool new;
	int i;

	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->len = len;
	m->type = type;
	m->vma_kind = vma_kind;
	m->new = -1;
	m->pages = -1;
	m->map_sh = -1;
	m->map_pr = -1;
	m->ref = -1;
	m->after = -1;
	m->map_other = -1;
	for (i = 0; i < 7; i++)
		m->file[i] = -1;
	for (off = 0; (h = rec_at(buf, len, off)); off += h->len) {
		m->off = realloc(m->off, (m->nr + 1) * sizeof(*m->off));
		ASSERT_NE(NULL, m->off);
		m->off[m->nr++] = off;
		if (h->type == CKPT_REC_TAIL)
			break;
	}
	ASSERT_TRUE(h && h->type == CKPT_REC_TAIL && off + h->len == len)
		TH_LOG("the image does not end with its tail");

	for (i = 0; i < m->nr; i++) {
		h = obj_rec(m, i);
		switch (h->type) {
		case CKPT_REC_MEMFD:
		case CKPT_REC_DELETED_FILE:
			ref = obj_ref_of(h, &new);
			if (new && h->type == CKPT_REC_MEMFD && !m->memfd)
				m->memfd = ref;
			if (!new || h->type != type)
				break;
			m->nr_new++;
			if (m->new < 0) {
				m->new = i;
				m->obj = ref;
			}
			break;
		case CKPT_REC_SHMEM:
			shm = (const void *)h;
			if (!m->shmem)
				m->shmem = shm->objref;
			break;
		case CKPT_REC_VMA:
			v = (const void *)h;
			if (v->kind == vma_kind && (v->flags & CKPT_VMA_SHARED))
				m->map_sh = i;
			else if (v->kind == vma_kind)
				m->map_pr = i;
			else if ((v->kind == CKPT_VMA_MEMFD ||
				  v->kind == CKPT_VMA_DELETED) && m->map_other < 0)
				m->map_other = i;
			else if (m->map_pr >= 0 && m->after < 0)
				m->after = i;
			break;
		case CKPT_REC_FILE:
			f = (const void *)h;
			if (f->fd >= 0 && f->fd < 7)
				m->file[f->fd] = i;
			break;
		}
	}
	ASSERT_LE(0, m->new) TH_LOG("no record of type %#x with its NEW flag", type);
	for (i = m->new + 1; obj_type(m, i) == CKPT_REC_PAGES; i++)
		m->pages = i;
	ASSERT_LE(0, m->pages) TH_LOG("no PAGES record after the object's");
	ASSERT_LE(0, m->map_sh) TH_LOG("no record of the shared mapping");
	ASSERT_LE(1, m->map_pr) TH_LOG("no record of the private mapping");
	ASSERT_LE(0, m->after) TH_LOG("no mapping after the private mapping");
	for (i = 0; i < 5; i++)
		ASSERT_LE(0, m->file[i]) TH_LOG("no FILE record of fd %d", i);
	ASSERT_NE(0, m->shmem) TH_LOG("no SHMEM record");
	m->ref = m->map_pr - 1;
	ASSERT_EQ(type, obj_type(m, m->ref))
		TH_LOG("record type %#x before the private mapping",
		       obj_type(m, m->ref));
}

/*
 * What the kernel's image of obj_main() has, whatever the object: its
 * two pages that are not a hole (the last one whole, zero past its
 * end) after its NEW record, right before the first record that uses
 * it; the shared mapping without PAGES, the private one with the page
 * it copied; the FILE records of fds 3 and 4, two open files of it.
 */
static void check_obj_image(struct __test_metadata *_metadata,
			    const struct obj_image *m)
{
	const struct ckpt_rec_vma *sh = obj_rec(m, m->map_sh);
	const struct ckpt_rec_vma *pr = obj_rec(m, m->map_pr);
	const struct ckpt_rec_file *f3 = obj_rec(m, m->file[3]);
	const struct ckpt_rec_file *f4 = obj_rec(m, m->file[4]);
	const __u32 shw = CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE;
	const __u32 kind = m->type == CKPT_REC_MEMFD ? CKPT_FILE_MEMFD :
			   CKPT_FILE_DELETED;
	const size_t psz = getpagesize();
	const struct ckpt_rec_pages *pg;
	const unsigned char *data;
	unsigned long long addr;
	int i, pages = 0;
	size_t j, k;

	for (i = m->new + 1; i <= m->pages; i++) {
		pg = obj_rec(m, i);
		data = (const void *)(pg + 1);
		for (k = 0; k < pg->nr_pages; k++, pages++) {
			addr = pg->addr + k * psz;
			EXPECT_TRUE(addr == 0 || addr == 2 * psz)
				TH_LOG("a page at offset %#llx of the file", addr);
			for (j = 0; j < psz; j++)
				if (data[k * psz + j] != obj_byte(addr + j))
					break;
			EXPECT_EQ(psz, j)
				TH_LOG("the page at offset %#llx differs at byte %zu",
				       addr, j);
		}
	}
	EXPECT_EQ(2, pages);
	EXPECT_TRUE(m->pages + 1 == m->map_sh || m->pages + 1 == m->file[3])
		TH_LOG("the object's records are not right before its first user");

	EXPECT_EQ(shw, sh->flags & shw);
	EXPECT_EQ(PROT_READ | PROT_WRITE, sh->prot);
	EXPECT_EQ(0U, sh->pgoff);
	EXPECT_EQ(3 * psz, sh->end - sh->start);
	EXPECT_NE(CKPT_REC_PAGES, obj_type(m, m->map_sh + 1));
	EXPECT_EQ(0U, pr->flags & shw);
	EXPECT_EQ(PROT_READ | PROT_WRITE, pr->prot);
	EXPECT_EQ(1U, pr->pgoff);
	EXPECT_EQ(2 * psz, pr->end - pr->start);
	pg = obj_rec(m, m->map_pr + 1);
	ASSERT_EQ(CKPT_REC_PAGES, pg->h.type);
	EXPECT_EQ(pr->start, pg->addr);
	EXPECT_EQ(1U, pg->nr_pages);
	data = (const void *)(pg + 1);
	for (j = 0; j < psz && data[j] == 'P'; j++)
		;
	EXPECT_EQ(psz, j);
	EXPECT_NE(CKPT_REC_PAGES, obj_type(m, m->map_pr + 2));

	EXPECT_EQ(kind, f3->kind);
	EXPECT_EQ(m->obj, f3->memfd);	/* the deleted field too */
	EXPECT_EQ(OBJ_POS3, f3->pos);
	EXPECT_EQ(O_RDWR, f3->f_flags & O_ACCMODE);
	EXPECT_EQ(CKPT_FD_CLOEXEC, f3->fd_flags);
	EXPECT_EQ(kind, f4->kind);
	EXPECT_EQ(m->obj, f4->memfd);
	EXPECT_EQ(OBJ_POS4, f4->pos);
	EXPECT_EQ(O_RDONLY, f4->f_flags & O_ACCMODE);
	EXPECT_EQ(0U, f4->fd_flags);
	EXPECT_NE(f3->objref, f4->objref);
	EXPECT_NE(m->obj, f3->objref);
}

/*
 * The kernel's image of obj_main() with a memfd: its MEMFD record with
 * every field; the other mapping's MEMFD record with its number alone;
 * and what check_obj_image() checks.
 */
static void check_memfd_image(struct __test_metadata *_metadata,
			      const struct obj_image *m)
{
	const struct ckpt_rec_memfd *mr = obj_rec(m, m->new);
	const struct ckpt_rec_memfd *ref = obj_rec(m, m->ref);
	int i, memfds = 0;

	EXPECT_EQ(CKPT_MEMFD_NEW, mr->flags);
	EXPECT_EQ(obj_size(), mr->size);
	EXPECT_EQ(MFD_SEALS, mr->seals);
	EXPECT_EQ(OBJ_MODE, mr->mode);
	EXPECT_EQ(strlen(MFD_NAME), mr->name_len);
	EXPECT_EQ(0U, mr->pad);
	EXPECT_EQ(CKPT_ALIGN(sizeof(*mr) + strlen(MFD_NAME)), mr->h.len);
	EXPECT_EQ(0, memcmp(mr + 1, MFD_NAME, strlen(MFD_NAME)));

	EXPECT_EQ(0U, ref->flags);
	EXPECT_EQ(m->obj, ref->objref);
	EXPECT_EQ(0U, ref->size);
	EXPECT_EQ(0U, ref->seals);
	EXPECT_EQ(0U, ref->mode);
	EXPECT_EQ(0U, ref->name_len);
	EXPECT_EQ(sizeof(*ref), ref->h.len);

	for (i = 0; i < m->nr; i++)
		memfds += obj_type(m, i) == CKPT_REC_MEMFD;
	EXPECT_EQ(2, memfds);
	check_obj_image(_metadata, m);
}

/*
 * The kernel's image of obj_main() with a deleted file: its
 * DELETED_FILE record with every field, the path it had; the private
 * mapping's with its number alone; the memfd's mapping between the two
 * mappings; the O_TMPFILE file's DELETED_FILE record, with the path of
 * the name that O_TMPFILE gave it ("#" and its inode number), and its
 * page right before the FILE record of fd 5; the memfd's FILE record
 * at fd 6; and what check_obj_image() checks.
 */
static void check_deleted_image(struct __test_metadata *_metadata,
				const struct obj_image *m)
{
	const struct ckpt_rec_deleted_file *dr = obj_rec(m, m->new);
	const struct ckpt_rec_deleted_file *ref = obj_rec(m, m->ref);
	const size_t dlen = strlen(shmap_dir), tlen = strlen(DL_TMP_DATA);
	const struct ckpt_rec_deleted_file *tr;
	const struct ckpt_rec_file *f5, *f6;
	const struct ckpt_rec_pages *pg;
	const struct ckpt_rec_vma *v;
	const char *tpath;
	int i, recs = 0;
	char path[96];

	shmap_path(path, sizeof(path), DL_NAME);
	EXPECT_EQ(CKPT_DELETED_NEW, dr->flags);
	EXPECT_EQ(obj_size(), dr->size);
	EXPECT_EQ(OBJ_MODE, dr->mode);
	EXPECT_EQ(strlen(path), dr->path_len);
	EXPECT_EQ(CKPT_ALIGN(sizeof(*dr) + dr->path_len), dr->h.len);
	EXPECT_TRUE(dr->path_len == strlen(path) &&
		    !memcmp(dr + 1, path, dr->path_len))
		TH_LOG("the path is \"%.*s\", not \"%s\"", (int)dr->path_len,
		       (const char *)(dr + 1), path);

	EXPECT_EQ(0U, ref->flags);
	EXPECT_EQ(m->obj, ref->objref);
	EXPECT_EQ(0U, ref->size);
	EXPECT_EQ(0U, ref->mode);
	EXPECT_EQ(0U, ref->path_len);
	EXPECT_EQ(sizeof(*ref), ref->h.len);

	ASSERT_LT(m->map_sh, m->map_other);
	ASSERT_LT(m->map_other, m->map_pr);
	v = obj_rec(m, m->map_other);
	EXPECT_EQ(CKPT_VMA_MEMFD, v->kind);
	ASSERT_NE(0U, m->memfd);

	EXPECT_EQ(2, m->nr_new);
	for (i = 0; i < m->nr; i++)
		recs += obj_type(m, i) == CKPT_REC_DELETED_FILE;
	EXPECT_EQ(3, recs);
	ASSERT_LE(2, m->file[5]) TH_LOG("no FILE record of fd 5");
	ASSERT_LE(0, m->file[6]) TH_LOG("no FILE record of fd 6");
	tr = obj_rec(m, m->file[5] - 2);
	pg = obj_rec(m, m->file[5] - 1);
	f5 = obj_rec(m, m->file[5]);
	f6 = obj_rec(m, m->file[6]);
	ASSERT_EQ(CKPT_REC_DELETED_FILE, tr->h.type);
	ASSERT_EQ(CKPT_REC_PAGES, pg->h.type);
	tpath = (const char *)(tr + 1);
	/* O_TMPFILE without O_EXCL: linkat() may link it */
	EXPECT_EQ(CKPT_DELETED_NEW | CKPT_DELETED_LINKABLE, tr->flags);
	EXPECT_NE(m->obj, tr->objref);
	EXPECT_EQ(tlen, tr->size);
	EXPECT_EQ(DL_TMP_MODE, tr->mode);
	EXPECT_TRUE(tr->path_len > dlen + 2 && !memcmp(tpath, shmap_dir, dlen) &&
		    tpath[dlen] == '/' && tpath[dlen + 1] == '#' &&
		    !memchr(tpath + dlen + 1, '/', tr->path_len - dlen - 1))
		TH_LOG("the O_TMPFILE file's path is \"%.*s\"",
		       (int)tr->path_len, tpath);
	EXPECT_EQ(0U, pg->addr);
	EXPECT_EQ(1U, pg->nr_pages);
	EXPECT_EQ(0, memcmp(pg + 1, DL_TMP_DATA, tlen));
	EXPECT_EQ(CKPT_FILE_DELETED, f5->kind);
	EXPECT_EQ(tr->objref, f5->deleted);
	EXPECT_EQ(DL_TMP_POS, f5->pos);
	EXPECT_EQ(O_RDWR, f5->f_flags & O_ACCMODE);
	EXPECT_EQ(CKPT_FILE_MEMFD, f6->kind);
	EXPECT_EQ(m->memfd, f6->memfd);
	check_obj_image(_metadata, m);
}

/* Take back the record at @at, the last one of @img */
static void img_drop(struct img *img, size_t at)
{
	img->len = at;
	img->records--;
}

/* Changes the record @i of an obj_image, copied at @at in @img, for case @c */
typedef void (*obj_edit_fn)(struct img *img, const struct obj_image *m,
			    int c, int i, size_t at);

/*
 * Case @c of the image of @m in @img: its records but its tail, each
 * given to @edit once copied, which may change it, take it back
 * (img_drop()) or put others in its place; a copy of the record @m->ref
 * before the record @before; then the tail made right.
 */
static void obj_case_image(struct img *img, const struct obj_image *m,
			   int c, int before, obj_edit_fn edit)
{
	const struct ckpt_hdr *ref = obj_rec(m, m->ref);
	const struct ckpt_hdr *h;
	size_t at;
	int i;

	img_free(img);
	for (i = 0; i < m->nr - 1; i++) {
		h = obj_rec(m, i);
		if (i == before)
			img_raw_rec(img, ref, ref->len);
		at = img->len;
		img_raw_rec(img, h, h->len);
		edit(img, m, c, i, at);
	}
	img_tail(img);
}

/* What restart() logs alike for a memfd and a deleted file */
enum {
	OBL_NO_REF,		/* the private mapping without its record */
	OBL_THEN_MAP,		/* the object's record, then another mapping */
	OBL_THEN_FILE,		/* ... then a FILE record of another */
	OBL_ACCMODE,		/* fd 3 with O_ACCMODE flags */
	OBL_OBJREF,		/* fd 3 with the object's number for its file */
	OBL_PAGES_PAST,		/* the last PAGES record 3 pages in */
};

/* What restart() logs for @what of the image @m (@fd: the FILE record's) */
static void obj_log(const struct obj_image *m, int what, int fd, char *buf,
		    size_t size)
{
	const struct ckpt_rec_vma *pr = obj_rec(m, m->map_pr);
	const struct ckpt_rec_file *f3 = obj_rec(m, m->file[3]);
	const struct ckpt_rec_pages *pg = obj_rec(m, m->pages);

	switch (what) {
	case OBL_NO_REF:
		snprintf(buf, size,
			 "mapping %#llx-%#llx of a memfd or deleted file without its record before it",
			 (unsigned long long)pr->start,
			 (unsigned long long)pr->end);
		break;
	case OBL_THEN_MAP:
		snprintf(buf, size, "%s",
			 "a memory object's record, then a mapping of another kind");
		break;
	case OBL_THEN_FILE:
		snprintf(buf, size,
			 "fd %d: a memory object's record, then a file of another object",
			 fd);
		break;
	case OBL_ACCMODE:
		snprintf(buf, size, "fd 3: flags %#x",
			 (f3->f_flags | O_ACCMODE) & ~O_ASYNC);
		break;
	case OBL_OBJREF:
		snprintf(buf, size,
			 "fd 3: object %u is shared memory, a memfd or a deleted file, not an open file",
			 m->obj);
		break;
	case OBL_PAGES_PAST:
		snprintf(buf, size,
			 "%u pages at %#zx run past their shared memory object",
			 pg->nr_pages, (size_t)3 * getpagesize());
		break;
	}
}

struct obj_case {
	int error;
	const char *what;
};

/* A test of obj_main()'s image: memfd_records, deleted_file_records */
struct obj_test {
	bool deleted;			/* obj_main()'s argument */
	__u32 type, vma_kind;		/* of the object's records (obj_index()) */
	const struct obj_case *cases;
	int nr_cases;
	void (*check)(struct __test_metadata *_metadata,
		      const struct obj_image *m);
	void (*image)(struct img *img, const struct obj_image *m, int c);
	void (*log)(const struct obj_image *m, int c, char *buf, size_t size);
};

/*
 * The memfd cases: obj_main()'s image unchanged; its MEMFD record with
 * every field changed so (MFM_HUGE to MFM_FLAGS, and MFM_SEAL_WRITE,
 * which restart() finds at the end, sealing the memfd once every task
 * is back); the MEMFD record of the private mapping, which has its
 * number alone, with a size, a name, the number of no object, or that
 * of the SHMEM object; that record left out, or a copy of it before a
 * mapping of another kind, the FILE record of /dev/null at fd 0, or
 * that of fd 3 naming another memfd (MFD_NO_OBJ); fd 3 naming a memfd
 * that no record made, with the flags O_ACCMODE, or with the memfd's
 * number for its open file; the memfd's last PAGES record past its size
 * rounded up to a page.
 */
enum {
	MFM_NONE,
	MFM_HUGE,
	MFM_SEAL_BITS,
	MFM_MODE,
	MFM_NAME_LEN,
	MFM_PAD,
	MFM_OBJREF0,
	MFM_FLAGS,
	MFM_REF_SIZE,
	MFM_REF_NAME,
	MFM_REF_UNKNOWN,
	MFM_REF_SHMEM,
	MFM_NO_REF,
	MFM_THEN_ANON,
	MFM_THEN_CHR,
	MFM_THEN_OTHER,
	MFM_FILE_UNKNOWN,
	MFM_FILE_ACCMODE,
	MFM_PAGES_PAST,
	MFM_FILE_OBJREF,
	MFM_SEAL_WRITE,
	MFM_NR,
};

static const struct obj_case mfd_cases[MFM_NR] = {
	[MFM_NONE] = { 0, "the image as checkpoint() wrote it" },
	[MFM_HUGE] = { -EINVAL, "a memfd larger than MAX_LFS_FILESIZE" },
	[MFM_SEAL_BITS] = { -EINVAL, "a seal no kernel has" },
	[MFM_MODE] = { -EINVAL, "mode 01777" },
	[MFM_NAME_LEN] = { -EINVAL, "a name of 250 bytes" },
	[MFM_PAD] = { -EINVAL, "padding not zero" },
	[MFM_OBJREF0] = { -EINVAL, "objref 0" },
	[MFM_FLAGS] = { -EINVAL, "a flag no format defines" },
	[MFM_REF_SIZE] = { -EINVAL, "a later MEMFD record with a size" },
	[MFM_REF_NAME] = { -EINVAL, "a later MEMFD record with a name" },
	[MFM_REF_UNKNOWN] = { -EINVAL, "a later MEMFD record of an object no record made" },
	[MFM_REF_SHMEM] = { -EINVAL, "a later MEMFD record of the SHMEM object" },
	[MFM_NO_REF] = { -EINVAL, "a memfd mapping without a MEMFD record before it" },
	[MFM_THEN_ANON] = { -EINVAL, "a MEMFD record, then an anonymous mapping" },
	[MFM_THEN_CHR] = { -EINVAL, "a MEMFD record, then a FILE record of /dev/null" },
	[MFM_THEN_OTHER] = { -EINVAL, "a MEMFD record, then a FILE record of another memfd" },
	[MFM_FILE_UNKNOWN] = { -EINVAL, "a memfd's FILE record naming a memfd not restored" },
	[MFM_FILE_ACCMODE] = { -EINVAL, "a memfd's FILE record with O_ACCMODE flags 3" },
	[MFM_PAGES_PAST] = { -EINVAL, "the memfd's PAGES past its size rounded up to a page" },
	[MFM_FILE_OBJREF] = { -EINVAL, "a FILE record whose open file is the memfd's number" },
	[MFM_SEAL_WRITE] = { -EBUSY, "F_SEAL_WRITE over a writable shared mapping" },
};

#define OBJ_NO_OBJ	9999	/* no record of the image makes that object */

static void mfd_edit(struct img *img, const struct obj_image *m, int c, int i,
		     size_t at)
{
	struct ckpt_rec_memfd *mr = (void *)(img->buf + at);
	struct ckpt_rec_pages *pg = (void *)(img->buf + at);
	struct ckpt_rec_file *f = (void *)(img->buf + at);

	if (i == m->new) {
		if (c == MFM_HUGE)
			mr->size = (__u64)LLONG_MAX + 1;
		else if (c == MFM_SEAL_BITS)
			mr->seals |= 1U << 6;
		else if (c == MFM_MODE)
			mr->mode = 01777;
		else if (c == MFM_NAME_LEN)
			mr->name_len = 250;
		else if (c == MFM_PAD)
			mr->pad = 1;
		else if (c == MFM_OBJREF0)
			mr->objref = 0;
		else if (c == MFM_FLAGS)
			mr->flags |= 1U << 1;
		else if (c == MFM_SEAL_WRITE)
			mr->seals |= F_SEAL_WRITE;
	} else if (i == m->ref) {
		if (c == MFM_NO_REF)
			img_drop(img, at);
		else if (c == MFM_REF_SIZE)
			mr->size = getpagesize();
		else if (c == MFM_REF_NAME)
			mr->name_len = 4;
		else if (c == MFM_REF_UNKNOWN)
			mr->objref = OBJ_NO_OBJ;
		else if (c == MFM_REF_SHMEM)
			mr->objref = m->shmem;
	} else if (i == m->file[3]) {
		if (c == MFM_THEN_OTHER || c == MFM_FILE_UNKNOWN)
			f->memfd = OBJ_NO_OBJ;
		else if (c == MFM_FILE_ACCMODE)
			f->f_flags |= O_ACCMODE;
		else if (c == MFM_FILE_OBJREF)
			f->objref = m->obj;
	} else if (i == m->pages && c == MFM_PAGES_PAST) {
		pg->addr = 3 * getpagesize();
	}
}

/* Memfd case @c: the image of @m, changed, in @img, with its tail made right */
static void mfd_case_image(struct img *img, const struct obj_image *m, int c)
{
	int before = -1;

	if (c == MFM_THEN_ANON)
		before = m->after;
	else if (c == MFM_THEN_CHR)
		before = m->file[0];
	else if (c == MFM_THEN_OTHER)
		before = m->file[3];
	obj_case_image(img, m, c, before, mfd_edit);
}

/* What restart() logs of a bad MEMFD record, with the mode in octal */
static void mfd_bad_log(char *buf, size_t size, __u32 ref, __u32 flags,
			unsigned long long bytes, __u32 seals, const char *mode,
			unsigned int name_len)
{
	snprintf(buf, size,
		 "bad memfd %u: flags 0x%x, %llu bytes, seals 0x%x, mode %s, name of %u bytes",
		 ref, flags, bytes, seals, mode, name_len);
}

/* What restart() logs for memfd case @c, into @buf */
static void mfd_case_log(const struct obj_image *m, int c, char *buf,
			 size_t size)
{
	const unsigned long long sz = obj_size(), huge = (__u64)LLONG_MAX + 1;
	const unsigned int nl = strlen(MFD_NAME);
	const size_t psz = getpagesize();
	const __u32 ref = m->obj;

	buf[0] = '\0';
	switch (c) {
	case MFM_HUGE:
		mfd_bad_log(buf, size, ref, 1, huge, MFD_SEALS, "0640", nl);
		break;
	case MFM_SEAL_BITS:
		mfd_bad_log(buf, size, ref, 1, sz, MFD_SEALS | 1U << 6, "0640", nl);
		break;
	case MFM_MODE:
		mfd_bad_log(buf, size, ref, 1, sz, MFD_SEALS, "01777", nl);
		break;
	case MFM_NAME_LEN:
		mfd_bad_log(buf, size, ref, 1, sz, MFD_SEALS, "0640", 250);
		break;
	case MFM_PAD:
		mfd_bad_log(buf, size, ref, 1, sz, MFD_SEALS, "0640", nl);
		break;
	case MFM_OBJREF0:
		mfd_bad_log(buf, size, 0, 1, sz, MFD_SEALS, "0640", nl);
		break;
	case MFM_FLAGS:
		mfd_bad_log(buf, size, ref, 3, sz, MFD_SEALS, "0640", nl);
		break;
	case MFM_REF_SIZE:
		mfd_bad_log(buf, size, ref, 0, psz, 0, "0", 0);
		break;
	case MFM_REF_NAME:
		mfd_bad_log(buf, size, ref, 0, 0, 0, "0", 4);
		break;
	case MFM_REF_UNKNOWN:
	case MFM_REF_SHMEM:
		snprintf(buf, size, "memfd %u was not written before",
			 c == MFM_REF_SHMEM ? m->shmem : OBJ_NO_OBJ);
		break;
	case MFM_NO_REF:
		obj_log(m, OBL_NO_REF, 0, buf, size);
		break;
	case MFM_THEN_ANON:
		obj_log(m, OBL_THEN_MAP, 0, buf, size);
		break;
	case MFM_THEN_CHR:
	case MFM_THEN_OTHER:
		obj_log(m, OBL_THEN_FILE, c == MFM_THEN_CHR ? 0 : 3, buf, size);
		break;
	case MFM_FILE_UNKNOWN:
		snprintf(buf, size, "fd 3: memfd %u not restored before",
			 OBJ_NO_OBJ);
		break;
	case MFM_FILE_ACCMODE:
		obj_log(m, OBL_ACCMODE, 3, buf, size);
		break;
	case MFM_PAGES_PAST:
		obj_log(m, OBL_PAGES_PAST, 0, buf, size);
		break;
	case MFM_FILE_OBJREF:
		obj_log(m, OBL_OBJREF, 3, buf, size);
		break;
	case MFM_SEAL_WRITE:
		snprintf(buf, size,
			 "memfd:" MFD_NAME ": cannot seal it again with seals %#x: error -16",
			 MFD_SEALS | F_SEAL_WRITE);
		break;
	}
}

static const struct obj_test mfd_test = {
	.deleted = false,
	.type = CKPT_REC_MEMFD,
	.vma_kind = CKPT_VMA_MEMFD,
	.cases = mfd_cases,
	.nr_cases = MFM_NR,
	.check = check_memfd_image,
	.image = mfd_case_image,
	.log = mfd_case_log,
};

/*
 * The deleted file cases: obj_main()'s image unchanged; the deleted
 * file's DELETED_FILE record with every field changed so (DLM_HUGE to
 * DLM_OBJREF0), with the number of the SHMEM object, which is restored
 * before it, with a path that has no directory, or whose directory does
 * not exist (ENOENT, from the O_TMPFILE open); the DELETED_FILE record
 * of the private mapping, which has its number alone, with a size, a
 * path, LINKABLE (only with NEW), the number of no object, of the
 * memfd, or of the SHMEM object
 * (rst_objfile() must not take a memfd or shared memory for a deleted
 * file); or a MEMFD record of the deleted file instead, the mapping a
 * memfd's (nor a deleted file for a memfd); that record left out, or a
 * copy of it before a mapping of another kind (anonymous, the memfd's),
 * the FILE record of /dev/null at fd 0, that of fd 3 naming another
 * deleted file (OBJ_NO_OBJ), or that of the memfd at fd 6 naming the
 * deleted file; fd 3 naming a deleted file that no record made, or the
 * memfd; fd 6 (the memfd's) naming the deleted file; fd 3 with the
 * flags O_ACCMODE, or with the deleted file's number for its open file;
 * the deleted file's last PAGES record past its size rounded up to a
 * page.
 */
enum {
	DLM_NONE,
	DLM_HUGE,
	DLM_MODE,
	DLM_PATH_LEN0,
	DLM_FLAGS,
	DLM_OBJREF0,
	DLM_DEFINED,
	DLM_NO_DIR,
	DLM_DIR_GONE,
	DLM_REF_SIZE,
	DLM_REF_PATH,
	DLM_REF_LINKABLE,
	DLM_REF_UNKNOWN,
	DLM_REF_MEMFD,
	DLM_REF_SHMEM,
	DLM_MEMFD_REF,
	DLM_NO_REF,
	DLM_THEN_ANON,
	DLM_THEN_MEMFD,
	DLM_THEN_CHR,
	DLM_THEN_OTHER,
	DLM_THEN_MEMFD_FILE,
	DLM_FILE_UNKNOWN,
	DLM_FILE_MEMFD,
	DLM_MEMFD_FILE,
	DLM_FILE_ACCMODE,
	DLM_FILE_OBJREF,
	DLM_PAGES_PAST,
	DLM_NR,
};

static const struct obj_case dl_cases[DLM_NR] = {
	[DLM_NONE] = { 0, "the image as checkpoint() wrote it" },
	[DLM_HUGE] = { -EINVAL, "a deleted file larger than CKPT_DELETED_MAX_SIZE" },
	[DLM_MODE] = { -EINVAL, "mode 01777" },
	[DLM_PATH_LEN0] = { -EINVAL, "a new deleted file without a path" },
	[DLM_FLAGS] = { -EINVAL, "a flag no format defines" },
	[DLM_OBJREF0] = { -EINVAL, "objref 0" },
	[DLM_DEFINED] = { -EINVAL, "the number of the SHMEM object" },
	[DLM_NO_DIR] = { -EINVAL, "a path without a directory" },
	[DLM_DIR_GONE] = { -ENOENT, "a path whose directory does not exist" },
	[DLM_REF_SIZE] = { -EINVAL, "a later DELETED_FILE record with a size" },
	[DLM_REF_PATH] = { -EINVAL, "a later DELETED_FILE record with a path" },
	[DLM_REF_LINKABLE] = { -EINVAL, "a later DELETED_FILE record with LINKABLE" },
	[DLM_REF_UNKNOWN] = { -EINVAL, "a later DELETED_FILE record of an object no record made" },
	[DLM_REF_MEMFD] = { -EINVAL, "a later DELETED_FILE record of the memfd" },
	[DLM_REF_SHMEM] = { -EINVAL, "a later DELETED_FILE record of the SHMEM object" },
	[DLM_MEMFD_REF] = { -EINVAL, "a later MEMFD record of the deleted file" },
	[DLM_NO_REF] = { -EINVAL, "a deleted file's mapping without its record before it" },
	[DLM_THEN_ANON] = { -EINVAL, "a DELETED_FILE record, then an anonymous mapping" },
	[DLM_THEN_MEMFD] = { -EINVAL, "a DELETED_FILE record, then a memfd mapping" },
	[DLM_THEN_CHR] = { -EINVAL, "a DELETED_FILE record, then a FILE record of /dev/null" },
	[DLM_THEN_OTHER] = { -EINVAL, "a DELETED_FILE record, then another deleted file's" },
	[DLM_THEN_MEMFD_FILE] = { -EINVAL, "a DELETED_FILE record, then a memfd's FILE record" },
	[DLM_FILE_UNKNOWN] = { -EINVAL, "a deleted file's FILE record naming a file not restored" },
	[DLM_FILE_MEMFD] = { -EINVAL, "a deleted file's FILE record naming the memfd" },
	[DLM_MEMFD_FILE] = { -EINVAL, "a memfd's FILE record naming the deleted file" },
	[DLM_FILE_ACCMODE] = { -EINVAL, "a deleted file's FILE record with O_ACCMODE flags 3" },
	[DLM_FILE_OBJREF] = { -EINVAL, "the deleted file's number for an open file" },
	[DLM_PAGES_PAST] = { -EINVAL, "PAGES past the size rounded up to a page" },
};

/* In place of the last record of @img, @r with the path @path */
static void img_deleted_path(struct img *img, size_t at,
			     const struct ckpt_rec_deleted_file *r,
			     const char *path)
{
	struct {
		struct ckpt_rec_deleted_file d;
		char path[PATH_MAX];
	} rec = { .d = *r };

	rec.d.path_len = strlen(path);
	rec.d.h.len = CKPT_ALIGN(sizeof(rec.d) + rec.d.path_len);
	memcpy(rec.path, path, rec.d.path_len);
	img_drop(img, at);
	img_raw_rec(img, &rec, sizeof(rec.d) + rec.d.path_len);
}

/* The path that deleted file case @c gives the DELETED_FILE record, or NULL */
static const char *dl_case_path(int c, char *buf, size_t size)
{
	switch (c) {
	case DLM_PATH_LEN0:
		return "";
	case DLM_NO_DIR:
		return DL_NAME;
	case DLM_DIR_GONE:
		snprintf(buf, size, "%s/nodir/%s", shmap_dir, DL_NAME);
		return buf;
	case DLM_REF_PATH:
		return "/tmp";
	}
	return NULL;
}

static void dl_edit(struct img *img, const struct obj_image *m, int c, int i,
		    size_t at)
{
	struct ckpt_rec_deleted_file *dr = (void *)(img->buf + at);
	struct ckpt_rec_memfd mr = {
		.h.type = CKPT_REC_MEMFD,
		.h.len = sizeof(mr),
		.objref = m->obj,
	};
	struct ckpt_rec_pages *pg = (void *)(img->buf + at);
	struct ckpt_rec_file *f = (void *)(img->buf + at);
	struct ckpt_rec_vma *v = (void *)(img->buf + at);
	const char *path;
	char buf[96];

	/* the ref's case DLM_REF_PATH, the others the new record's */
	path = dl_case_path(c, buf, sizeof(buf));
	if (path && i == (c == DLM_REF_PATH ? m->ref : m->new)) {
		img_deleted_path(img, at, dr, path);
		return;
	}
	if (i == m->new) {
		if (c == DLM_HUGE)
			dr->size = CKPT_DELETED_MAX_SIZE + 1;
		else if (c == DLM_MODE)
			dr->mode = 01777;
		else if (c == DLM_FLAGS)
			dr->flags |= 1U << 2;
		else if (c == DLM_OBJREF0)
			dr->objref = 0;
		else if (c == DLM_DEFINED)
			dr->objref = m->shmem;
	} else if (i == m->ref) {
		if (c == DLM_NO_REF)
			img_drop(img, at);
		else if (c == DLM_REF_SIZE)
			dr->size = getpagesize();
		else if (c == DLM_REF_LINKABLE)
			dr->flags = CKPT_DELETED_LINKABLE;
		else if (c == DLM_REF_UNKNOWN)
			dr->objref = OBJ_NO_OBJ;
		else if (c == DLM_REF_MEMFD)
			dr->objref = m->memfd;
		else if (c == DLM_REF_SHMEM)
			dr->objref = m->shmem;
		if (c == DLM_MEMFD_REF) {
			img_drop(img, at);
			img_raw_rec(img, &mr, sizeof(mr));
		}
	} else if (i == m->map_pr && c == DLM_MEMFD_REF) {
		v->kind = CKPT_VMA_MEMFD;
	} else if (i == m->file[3]) {
		if (c == DLM_THEN_OTHER || c == DLM_FILE_UNKNOWN)
			f->deleted = OBJ_NO_OBJ;
		else if (c == DLM_FILE_MEMFD)
			f->deleted = m->memfd;
		else if (c == DLM_FILE_ACCMODE)
			f->f_flags |= O_ACCMODE;
		else if (c == DLM_FILE_OBJREF)
			f->objref = m->obj;
	} else if (i == m->file[6]) {
		if (c == DLM_THEN_MEMFD_FILE || c == DLM_MEMFD_FILE)
			f->memfd = m->obj;
	} else if (i == m->pages && c == DLM_PAGES_PAST) {
		pg->addr = 3 * getpagesize();
	}
}

/* Deleted file case @c: the image of @m, changed, in @img, its tail made right */
static void dl_case_image(struct img *img, const struct obj_image *m, int c)
{
	int before = -1;

	if (c == DLM_THEN_ANON)
		before = m->after;
	else if (c == DLM_THEN_MEMFD)
		before = m->map_other;
	else if (c == DLM_THEN_CHR)
		before = m->file[0];
	else if (c == DLM_THEN_OTHER)
		before = m->file[3];
	else if (c == DLM_THEN_MEMFD_FILE)
		before = m->file[6];
	obj_case_image(img, m, c, before, dl_edit);
}

/* What restart() logs of a bad DELETED_FILE record, with the mode in octal */
static void dl_bad_log(char *buf, size_t size, __u32 ref, __u32 flags,
		       unsigned long long bytes, const char *mode,
		       unsigned int path_len)
{
	snprintf(buf, size,
		 "bad deleted file %u: flags 0x%x, %llu bytes, mode %s, path of %u bytes",
		 ref, flags, bytes, mode, path_len);
}

/* What restart() logs for deleted file case @c, into @buf */
static void dl_case_log(const struct obj_image *m, int c, char *buf,
			size_t size)
{
	const unsigned long long sz = obj_size();
	const size_t psz = getpagesize();
	const __u32 ref = m->obj;
	unsigned int pl;
	char path[96];

	shmap_path(path, sizeof(path), DL_NAME);
	pl = strlen(path);
	buf[0] = '\0';
	switch (c) {
	case DLM_HUGE:
		dl_bad_log(buf, size, ref, 1, CKPT_DELETED_MAX_SIZE + 1, "0640", pl);
		break;
	case DLM_MODE:
		dl_bad_log(buf, size, ref, 1, sz, "01777", pl);
		break;
	case DLM_PATH_LEN0:
		dl_bad_log(buf, size, ref, 1, sz, "0640", 0);
		break;
	case DLM_FLAGS:
		dl_bad_log(buf, size, ref, 5, sz, "0640", pl);
		break;
	case DLM_OBJREF0:
		dl_bad_log(buf, size, 0, 1, sz, "0640", pl);
		break;
	case DLM_DEFINED:
		snprintf(buf, size, "object %u was defined before", m->shmem);
		break;
	case DLM_NO_DIR:
		snprintf(buf, size, "deleted file %u: path %s has no directory",
			 ref, DL_NAME);
		break;
	case DLM_DIR_GONE:
		snprintf(buf, size,
			 "cannot make the deleted file %s/nodir/%s again (O_TMPFILE in its directory): error -2",
			 shmap_dir, DL_NAME);
		break;
	case DLM_REF_SIZE:
		dl_bad_log(buf, size, ref, 0, psz, "0", 0);
		break;
	case DLM_REF_PATH:
		dl_bad_log(buf, size, ref, 0, 0, "0", 4);
		break;
	case DLM_REF_LINKABLE:
		dl_bad_log(buf, size, ref, CKPT_DELETED_LINKABLE, 0, "0", 0);
		break;
	case DLM_REF_UNKNOWN:
	case DLM_REF_MEMFD:
	case DLM_REF_SHMEM:
		snprintf(buf, size, "deleted file %u was not written before",
			 c == DLM_REF_UNKNOWN ? OBJ_NO_OBJ :
			 c == DLM_REF_MEMFD ? m->memfd : m->shmem);
		break;
	case DLM_MEMFD_REF:
		snprintf(buf, size, "memfd %u was not written before", ref);
		break;
	case DLM_NO_REF:
		obj_log(m, OBL_NO_REF, 0, buf, size);
		break;
	case DLM_THEN_ANON:
	case DLM_THEN_MEMFD:
		obj_log(m, OBL_THEN_MAP, 0, buf, size);
		break;
	case DLM_THEN_CHR:
	case DLM_THEN_OTHER:
	case DLM_THEN_MEMFD_FILE:
		obj_log(m, OBL_THEN_FILE, c == DLM_THEN_CHR ? 0 :
			c == DLM_THEN_OTHER ? 3 : 6, buf, size);
		break;
	case DLM_FILE_UNKNOWN:
	case DLM_FILE_MEMFD:
		snprintf(buf, size, "fd 3: deleted file %u not restored before",
			 c == DLM_FILE_UNKNOWN ? OBJ_NO_OBJ : m->memfd);
		break;
	case DLM_MEMFD_FILE:
		snprintf(buf, size, "fd 6: memfd %u not restored before", ref);
		break;
	case DLM_FILE_ACCMODE:
		obj_log(m, OBL_ACCMODE, 3, buf, size);
		break;
	case DLM_FILE_OBJREF:
		obj_log(m, OBL_OBJREF, 3, buf, size);
		break;
	case DLM_PAGES_PAST:
		obj_log(m, OBL_PAGES_PAST, 0, buf, size);
		break;
	}
}

static const struct obj_test dl_test = {
	.deleted = true,
	.type = CKPT_REC_DELETED_FILE,
	.vma_kind = CKPT_VMA_DELETED,
	.cases = dl_cases,
	.nr_cases = DLM_NR,
	.check = check_deleted_image,
	.image = dl_case_image,
	.log = dl_case_log,
};

/* Our child @pid waits in restart() (5 s at most): true, or false */
static bool waits_in_restart(pid_t pid)
{
	char path[64], buf[64];
	ssize_t n;
	long nr;
	int i, fd;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	for (i = 0; i < 500; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			return false;
		buf[n] = '\0';
		nr = strtol(buf, NULL, 10);
		if (nr == __NR_restart)
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * restart(@pid) of the image @buf, @len of our child @pid, as the
 * coordinator of its tree: our new child with that pid (fork_as())
 * waits in restart(RESTART_TASK), from a memfd or a pipe (@use_pipe).
 * A child the image is refused for must die of SIGKILL; one restored is
 * sent SIGUSR1 (vmf_poke()) until it exits, its exit code in *@code
 * (wait_exit_secs(), 20 s).  Returns what restart() returned, the log
 * in self->log_buf.  The coordinator starts once the child waits.  The
 * child is made with the clone flags
 * @clone_flags (CLONE_NEWUTS, CLONE_NEWIPC: the new namespaces of an
 * image whose namespaces are new at it), and runs @prep() (if not NULL)
 * before it waits in restart().
 */
static long restart_coord_image_ns(struct __test_metadata *_metadata,
				   FIXTURE_DATA(restart) *self, bool use_pipe,
				   pid_t pid, const unsigned char *buf,
				   size_t len, int *code, __u64 clone_flags,
				   void (*prep)(void))
{
	int status = 0, n;
	pid_t child;
	long ret;

	*code = -1;
	child = fork_as_flags(pid, clone_flags);
	if (!child) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (prep)
			prep();
		sys_restart(0, -1, RESTART_TASK, self->log[1]);
		_exit(100);	/* not reached: restored, or killed */
	}
	ASSERT_EQ(pid, child)
		TH_LOG("clone3() with set_tid %d: %s", pid, strerror(errno));
	/* a coordinator that fails early tells the tasks that wait already */
	EXPECT_TRUE(waits_in_restart(pid))
		TH_LOG("the child does not wait in restart()");
	ret = restart_pid_buf(_metadata, self, use_pipe, pid, buf, len, 0);
	if (ret >= 0) {
		*code = wait_exit_secs(pid, 20, vmf_poke, &pid);
		return ret;
	}
	/* the child was told before restart() returned: it dies right away */
	for (n = 0; n < 200; n++) {
		if (waitpid(child, &status, WNOHANG) == child)
			break;
		usleep(10000);
	}
	if (n == 200)
		reap(child);
	EXPECT_TRUE(n < 200 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("the child %s (status %#x); log \"%s\"",
		       n < 200 ? "ended" : "lives on", status, self->log_buf);
	return ret;
}

/* restart_coord_image_ns() of a child made without new namespaces */
static long restart_coord_image(struct __test_metadata *_metadata,
				FIXTURE_DATA(restart) *self, bool use_pipe,
				pid_t pid, const unsigned char *buf, size_t len,
				int *code)
{
	return restart_coord_image_ns(_metadata, self, use_pipe, pid, buf, len,
				      code, 0, NULL);
}

/*
 * obj_main() of @t checkpointed (its image checked: @t->check), killed,
 * and restored with its pid by restart(0) (restore_child()) from a
 * memfd or a pipe (@use_pipe), the test with SIGUSR1 blocked as in the
 * image, then sent SIGUSR1 until it exits.  Then each case of
 * @t->image(), that image changed and its tail made right, restarted by
 * a coordinator (restart_coord_image()): refused with its errno and the
 * message @t->log() names the problem with, the child dead; the image
 * unchanged restores the child again.
 */
static void obj_records(struct __test_metadata *_metadata,
			FIXTURE_DATA(restart) *self, bool use_pipe,
			const struct obj_test *t)
{
	struct obj_image m;
	sigset_t set, mask;
	unsigned char *buf;
	char want[512];
	int code, c;
	size_t len;
	pid_t pid;
	long ret;

	code = start_child(_metadata, obj_main, t->deleted, OBC_SETUP, &pid);
	ASSERT_EQ(OBC_OK, code)
		TH_LOG("the child is not ready: %s",
		       exit_why(code, obj_checks, OBC_NR));
	len = checkpoint_child(_metadata, self, pid, &buf);
	obj_index(_metadata, &m, t->type, t->vma_kind, buf, len);
	t->check(_metadata, &m);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, &mask));
	code = restore_child(_metadata, self, use_pipe, buf, len, pid,
			     vmf_poke, &pid);
	EXPECT_EQ(OBC_OK, code)
		TH_LOG("the restored child: %s (%d); log \"%s\"",
		       exit_why(code, obj_checks, OBC_NR), code, self->log_buf);

	for (c = 0; c < t->nr_cases; c++) {
		t->image(&self->img, &m, c);
		t->log(&m, c, want, sizeof(want));
		ret = restart_coord_image(_metadata, self, use_pipe, pid,
					  self->img.buf, self->img.len, &code);
		EXPECT_EQ(t->cases[c].error, ret)
			TH_LOG("case %d, %s: log \"%s\"", c, t->cases[c].what,
			       self->log_buf);
		if (!t->cases[c].error) {
			EXPECT_EQ(OBC_OK, code)
				TH_LOG("case %d, %s: the restored child: %s (%d)",
				       c, t->cases[c].what,
				       exit_why(code, obj_checks, OBC_NR), code);
		} else {
			EXPECT_NE(NULL, strstr(self->log_buf, want))
				TH_LOG("case %d, %s: log \"%s\", expected \"%s\"",
				       c, t->cases[c].what, self->log_buf, want);
		}
	}
	sigprocmask(SIG_SETMASK, &mask, NULL);
	free(m.off);
	free(buf);
}

/*
 * checkpoint() of a child of the test that runs @fn(@ready, @arg) and
 * waits (refused_child_wait()) fails with @error, @want in the log, and
 * leaves the child running (expect_checkpoint_refused()); with @hold,
 * while the test has the child's fd 3 open too, through /proc/PID/fd/3.
 * @what names the case.
 */
static void refuse_obj_child(struct __test_metadata *_metadata,
			     FIXTURE_DATA(restart) *self,
			     void (*fn)(int ready, int arg), int arg, bool hold,
			     int error, const char *want, const char *what)
{
	char path[64];
	int fd = -1;
	pid_t pid;

	ASSERT_EQ(0, start_child(_metadata, fn, arg, 1, &pid))
		TH_LOG("%s: the child could not set itself up", what);
	if (hold) {
		snprintf(path, sizeof(path), "/proc/%d/fd/3", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		EXPECT_LE(0, fd)
			TH_LOG("%s: %s", path, strerror(errno));
	}
	expect_checkpoint_refused(_metadata, self, pid, error, want, what, NULL);
	if (fd >= 0)
		close(fd);
}

/* A child with a memfd at fd 3 that the test opens too: EBUSY */
#define MFD_OUT_NAME	"ckpt-memfd-out"
#define MFD_OUT_WHY	"memfd:" MFD_OUT_NAME \
			": the memfd is also open outside the checkpointed tree (1 more open files)"

static __noreturn void mfd_out_main(int ready, int arg)
{
	refused_child_wait(child_bare(ready) ||
			   memfd_create(MFD_OUT_NAME, 0) != 3);
}

/*
 * A memfd that the test has open too refused by checkpoint()
 * (refuse_obj_child()), then obj_records() of a memfd.
 */
TEST_F_TIMEOUT(restart, memfd_records, 120)
{
	refuse_obj_child(_metadata, self, mfd_out_main, 0, true, -EBUSY,
			 MFD_OUT_WHY, "a memfd the test has open too");
	obj_records(_metadata, self, variant->pipe, &mfd_test);
}

/*
 * Deleted files that checkpoint() refuses, at fd 3 of dl_refused_main():
 * one that the test opens too (EBUSY); one deleted under the name it
 * was opened by but linked under another, DL_LINK_NAME (EOPNOTSUPP:
 * restart could not link it again); a sparse one of DL_BIG_SIZE bytes,
 * more than CKPT_DELETED_MAX_SIZE (EFBIG).
 */
enum { DLR_OUT, DLR_LINKED, DLR_BIG, DLR_NR };

#define DL_LINK_NAME	"ckpt-deleted-link"
#define DL_BIG_SIZE	(300ULL << 20)

static const struct {
	const char *name;
	int error;
	const char *what;
} dl_refusals[DLR_NR] = {
	[DLR_OUT] = { "ckpt-deleted-out", -EBUSY,
		      "a deleted file the test has open too" },
	[DLR_LINKED] = { "ckpt-deleted-linked", -EOPNOTSUPP,
			 "a file deleted, but linked under another name" },
	[DLR_BIG] = { "ckpt-deleted-big", -EFBIG,
		      "a deleted file of 300 MiB, a sparse one" },
};

static __noreturn void dl_refused_main(int ready, int what)
{
	char path[96], link_path[96];
	int bad = child_bare(ready);

	shmap_path(path, sizeof(path), dl_refusals[what].name);
	shmap_path(link_path, sizeof(link_path), DL_LINK_NAME);
	bad = bad || open(path, O_RDWR | O_CREAT | O_EXCL, 0600) != 3 ||
	      (what == DLR_LINKED && link(path, link_path)) ||
	      (what == DLR_BIG && ftruncate(3, DL_BIG_SIZE)) || unlink(path);
	refused_child_wait(bad);
}

/* What checkpoint() logs when it refuses the deleted file of @what */
static void dl_refused_log(int what, char *buf, size_t size)
{
	const char *name = dl_refusals[what].name;

	switch (what) {
	case DLR_OUT:
		snprintf(buf, size,
			 "%s: the deleted file is also open outside the checkpointed tree (1 more open files)",
			 name);
		break;
	case DLR_LINKED:
		snprintf(buf, size,
			 "fd 3 (%s/%s (deleted)): deleted, but linked under another name: restart could not link it again",
			 shmap_dir, name);
		break;
	case DLR_BIG:
		snprintf(buf, size,
			 "%s: a deleted file of %llu bytes, more than the %llu an image keeps",
			 name, DL_BIG_SIZE, CKPT_DELETED_MAX_SIZE);
		break;
	}
}

/*
 * The test's directory of deleted files: shmap_dir (the teardown
 * removes it), on tmpfs.
 */
static void dl_dir_make(struct __test_metadata *_metadata)
{
	struct statfs sf;

	snprintf(shmap_dir, sizeof(shmap_dir), "/tmp/ckpt-deleted-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(shmap_dir));
	ASSERT_EQ(0, statfs(shmap_dir, &sf));
	ASSERT_EQ(TMPFS_MAGIC, sf.f_type)
		TH_LOG("%s is not on tmpfs", shmap_dir);
}

/*
 * The deleted files of dl_refused_main() refused by checkpoint()
 * (refuse_obj_child()), then obj_records() of a deleted file.
 */
TEST_F_TIMEOUT(restart, deleted_file_records, 120)
{
	char want[256];
	int what;

	dl_dir_make(_metadata);
	for (what = 0; what < DLR_NR; what++) {
		dl_refused_log(what, want, sizeof(want));
		refuse_obj_child(_metadata, self, dl_refused_main, what,
				 what == DLR_OUT, dl_refusals[what].error, want,
				 dl_refusals[what].what);
	}
	obj_records(_metadata, self, variant->pipe, &dl_test);
}

/*
 * UTS and IPC namespaces and System V shared memory (format 1.11).
 * ns_main() is a child that unshare()s CLONE_NEWUTS | CLONE_NEWIPC (both
 * new at it), sets its host name NS_HOST and domain name NS_DOMAIN, the
 * limits kernel.shmmax (NS_SHMMAX), kernel.shmmni (NS_SHMMNI) and
 * fs.mqueue.msg_max (NS_MQ_MSG_MAX) of its IPC namespace, and makes two
 * segments: "A", key NS_KEY_A, 2 pages and NS_A_TAIL bytes, mode 0640,
 * attached read-write at page NSP_A of the span ns_span (a page of
 * nothing around it), its first page and its tail written, its second
 * page left untouched (it reads as zeroes: not in the image); "B",
 * IPC_PRIVATE, a page of 'B', mode 0600, attached, written and detached.
 * It notes what IPC_STAT says of both, checks all that before the
 * checkpoint and again when SIGUSR1 comes (ns_check()): the names, the
 * limits, namespaces other than its parent's, IPC_STAT of both segments
 * as noted (pids, times, owner, mode, size, nattch), A's key giving its
 * id, A's bytes and its attachment (shared, may write, at its address);
 * restored, B's bytes (attached read-only), and A gone once detached
 * and removed.  It exits with the first check that failed.
 */
#define NS_HOST		"ckpt-kselftest-host"
#define NS_DOMAIN	"ckpt-kselftest.example"
#define NS_SHMMAX	1048576
#define NS_SHMMNI	100
#define NS_MQ_MSG_MAX	20
#define NS_KEY_A	0x4e5300a1
#define NS_A_TAIL	100
#define NS_A_MODE	0640

enum { NSP_A = 1, NSP_SPAN = 5 };

enum {
	NSC_OK,
	NSC_UTS,
	NSC_LIMITS,
	NSC_NS,
	NSC_STAT_A,
	NSC_KEY,
	NSC_DATA_A,
	NSC_MAP,
	NSC_STAT_B,
	NSC_DATA_B,
	NSC_REMOVE,
	NSC_SETUP,
	NSC_NO_SIGNAL,
	NSC_NR,
};

static const char *const ns_checks[NSC_NR] = {
	[NSC_OK] = "all well",
	[NSC_UTS] = "uname() does not give its host and domain names",
	[NSC_LIMITS] = "kernel.shmmax, kernel.shmmni or fs.mqueue.msg_max is not as it set it",
	[NSC_NS] = "its UTS or IPC namespace is its parent's",
	[NSC_STAT_A] = "IPC_STAT of A does not say what it said (owner, mode, times, pids...)",
	[NSC_KEY] = "shmget() of A's key does not give A's id",
	[NSC_DATA_A] = "A's attachment does not read as it did",
	[NSC_MAP] = "A's attachment is not shared and writable at its address",
	[NSC_STAT_B] = "IPC_STAT of B does not say what it said",
	[NSC_DATA_B] = "B does not read as it did",
	[NSC_REMOVE] = "A is not gone once detached and removed",
	[NSC_SETUP] = "it could not set its namespaces and segments up",
	[NSC_NO_SIGNAL] = "SIGUSR1 never came",
};

static unsigned char *ns_span;
static int ns_id[2];			/* A's and B's ids */
static struct shmid_ds ns_saved[2];	/* what IPC_STAT said of them at setup */

static size_t ns_a_size(void)
{
	return 2 * getpagesize() + NS_A_TAIL;
}

/* The byte at @i of A: zero in its second page and past its size */
static unsigned char ns_a_byte(size_t i)
{
	if (i >= ns_a_size() || i / getpagesize() == 1)
		return 0;
	return (i * 29 + 3) | 1;
}

static unsigned char *ns_a_map(void)
{
	return ns_span + NSP_A * getpagesize();
}

/* /proc/sys/@path: its number, or -1 */
static long ns_sysctl(const char *path)
{
	char p[96], buf[64];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "/proc/sys/%s", path);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static int ns_set_sysctl(const char *path, long value)
{
	char p[96], buf[32];
	int fd, n, ret = -1;

	snprintf(p, sizeof(p), "/proc/sys/%s", path);
	n = snprintf(buf, sizeof(buf), "%ld", value);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, buf, n) == n)
		ret = 0;
	if (fd >= 0)
		close(fd);
	return ret;
}

/* The inode of /proc/@who/ns/@ns, or 0 */
static unsigned long ns_inode(const char *who, const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", who, ns);
	return stat(path, &st) ? 0 : st.st_ino;
}

static bool ns_same_stat(const struct shmid_ds *a, const struct shmid_ds *b)
{
	return a->shm_perm.__key == b->shm_perm.__key &&
	       a->shm_perm.uid == b->shm_perm.uid &&
	       a->shm_perm.gid == b->shm_perm.gid &&
	       a->shm_perm.cuid == b->shm_perm.cuid &&
	       a->shm_perm.cgid == b->shm_perm.cgid &&
	       a->shm_perm.mode == b->shm_perm.mode &&
	       a->shm_segsz == b->shm_segsz && a->shm_atime == b->shm_atime &&
	       a->shm_dtime == b->shm_dtime && a->shm_ctime == b->shm_ctime &&
	       a->shm_cpid == b->shm_cpid && a->shm_lpid == b->shm_lpid &&
	       a->shm_nattch == b->shm_nattch;
}

static int ns_setup(void)
{
	const size_t psz = getpagesize();
	unsigned char *p;
	size_t i;

	if (unshare(CLONE_NEWUTS | CLONE_NEWIPC) ||
	    sethostname(NS_HOST, strlen(NS_HOST)) ||
	    setdomainname(NS_DOMAIN, strlen(NS_DOMAIN)) ||
	    ns_set_sysctl("kernel/shmmax", NS_SHMMAX) ||
	    ns_set_sysctl("kernel/shmmni", NS_SHMMNI) ||
	    ns_set_sysctl("fs/mqueue/msg_max", NS_MQ_MSG_MAX))
		return -1;
	ns_span = mmap(NULL, NSP_SPAN * psz, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ns_span == MAP_FAILED)
		return -1;
	ns_id[0] = shmget(NS_KEY_A, ns_a_size(), IPC_CREAT | IPC_EXCL | NS_A_MODE);
	if (ns_id[0] < 0 || shmat(ns_id[0], ns_a_map(), SHM_REMAP) != ns_a_map())
		return -1;
	for (i = 0; i < ns_a_size(); i++)
		if (ns_a_byte(i))
			ns_a_map()[i] = ns_a_byte(i);
	ns_id[1] = shmget(IPC_PRIVATE, psz, IPC_CREAT | 0600);
	if (ns_id[1] < 0)
		return -1;
	p = shmat(ns_id[1], NULL, 0);
	if (p == (void *)-1)
		return -1;
	memset(p, 'B', psz);
	if (shmdt(p) || shmctl(ns_id[0], IPC_STAT, &ns_saved[0]) ||
	    shmctl(ns_id[1], IPC_STAT, &ns_saved[1]) ||
	    ns_saved[0].shm_nattch != 1 || ns_saved[1].shm_nattch != 0 ||
	    ns_saved[0].shm_cpid != getpid() || ns_saved[0].shm_lpid != getpid())
		return -1;
	return 0;
}

/* The child checks itself: NSC_OK or the first check that failed */
static int ns_check(bool restored)
{
	const size_t psz = getpagesize();
	unsigned char *a = ns_a_map(), *p;
	struct shmid_ds ds;
	struct utsname u;
	char parent[16];
	void *m = a;
	size_t i;

	if (uname(&u) || strcmp(u.nodename, NS_HOST) ||
	    strcmp(u.domainname, NS_DOMAIN))
		return NSC_UTS;
	if (ns_sysctl("kernel/shmmax") != NS_SHMMAX ||
	    ns_sysctl("kernel/shmmni") != NS_SHMMNI ||
	    ns_sysctl("fs/mqueue/msg_max") != NS_MQ_MSG_MAX)
		return NSC_LIMITS;
	snprintf(parent, sizeof(parent), "%d", (int)getppid());
	if (!ns_inode("self", "uts") || !ns_inode("self", "ipc") ||
	    ns_inode("self", "uts") == ns_inode(parent, "uts") ||
	    ns_inode("self", "ipc") == ns_inode(parent, "ipc"))
		return NSC_NS;
	if (shmctl(ns_id[0], IPC_STAT, &ds) || !ns_same_stat(&ds, &ns_saved[0]))
		return NSC_STAT_A;
	if (shmget(NS_KEY_A, 0, 0) != ns_id[0])
		return NSC_KEY;
	for (i = 0; i < 3 * psz; i++)
		if (a[i] != ns_a_byte(i))
			return NSC_DATA_A;
	if (!tgt_flag(&m, 0, " sh ", true) || !tgt_flag(&m, 0, " mw ", true) ||
	    !tgt_flag(&m, 0, " wr ", true))
		return NSC_MAP;
	if (shmctl(ns_id[1], IPC_STAT, &ds) || !ns_same_stat(&ds, &ns_saved[1]))
		return NSC_STAT_B;
	if (!restored)
		return NSC_OK;

	p = shmat(ns_id[1], NULL, SHM_RDONLY);
	if (p == (void *)-1)
		return NSC_DATA_B;
	for (i = 0; i < psz; i++)
		if (p[i] != 'B')
			return NSC_DATA_B;
	if (shmdt(p) || shmdt(a) || shmctl(ns_id[0], IPC_RMID, NULL) ||
	    shmctl(ns_id[0], IPC_STAT, &ds) != -1 || shmget(NS_KEY_A, 0, 0) != -1)
		return NSC_REMOVE;
	return NSC_OK;
}

static __noreturn void ns_main(int ready, int arg)
{
	const struct timespec ms = { .tv_nsec = 1000000 }, zero = { 0 };
	sigset_t set;
	int code, i;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) || child_bare(ready) || ns_setup())
		_exit(NSC_SETUP);
	code = ns_check(false);
	child_ready(code, NSC_SETUP);

	/* checkpointed here, then restored */
	for (i = 0; i < 30000; i++) {
		if (sigtimedwait(&set, NULL, &zero) == SIGUSR1)
			_exit(ns_check(true));
		nanosleep(&ms, NULL);
	}
	_exit(NSC_NO_SIGNAL);
}

/*
 * The records of ns_main()'s image that the cases change, by index;
 * the NAMESPACE records and the SYSV_SHM records with NEW in image
 * order.
 */
struct ns_image {
	const unsigned char *buf;
	size_t len;
	size_t *off;		/* of each record, the tail last */
	int nr;
	pid_t pid;		/* the child */
	int ns[2];		/* the NAMESPACE records */
	int tree, task;
	int uts, ipc;		/* the UTS_NS and IPC_NS records */
	int shm[2];		/* the SYSV_SHM records with NEW */
	int a, b;		/* of them, A's and B's */
	int a_pages;		/* the last PAGES record after A's */
	int map;		/* A's mapping */
	int ref;		/* its SYSV_SHM record, right before it */
	int other_map;		/* the first other mapping of the task */
	__u32 uts_ref, ipc_ref;	/* the namespaces' objrefs */
	__u32 a_obj, b_obj;	/* the segments' */
	int a_id;		/* A's id, from the child's /proc/PID/maps */
	unsigned long a_addr;	/* and where it is attached */
};

static const void *ns_rec(const struct ns_image *m, int i)
{
	return m->buf + m->off[i];
}

static __u32 ns_type(const struct ns_image *m, int i)
{
	return ((const struct ckpt_hdr *)ns_rec(m, i))->type;
}

/* The child's attachment of A in /proc/@pid/maps: its address and inode (the id) */
static int ns_child_map(pid_t pid, unsigned long *addr, int *id)
{
	char path[64], line[512], name[64], want[32];
	unsigned long start, end, ino;
	int found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	snprintf(want, sizeof(want), "/SYSV%08x", NS_KEY_A);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %*s %*x %*x:%*x %lu %63s", &start, &end,
			   &ino, name) == 4 && !strcmp(name, want)) {
			*addr = start;
			*id = ino;
			found = 0;
		}
	fclose(f);
	return found;
}

static void ns_index(struct __test_metadata *_metadata, struct ns_image *m,
		     pid_t pid, const unsigned char *buf, size_t len)
{
	const struct ckpt_rec_namespace *nr;
	const struct ckpt_rec_sysv_shm *sr;
	const struct ckpt_rec_vma *v;
	const struct ckpt_hdr *h;
	int i, nns = 0, nshm = 0;
	size_t off;

	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->len = len;
	m->pid = pid;
	m->tree = -1;
	m->task = -1;
	m->uts = -1;
	m->ipc = -1;
	m->a = -1;
	m->b = -1;
	m->a_pages = -1;
	m->map = -1;
	m->ref = -1;
	m->other_map = -1;
	for (off = 0; (h = rec_at(buf, len, off)); off += h->len) {
		m->off = realloc(m->off, (m->nr + 1) * sizeof(*m->off));
		ASSERT_NE(NULL, m->off);
		m->off[m->nr++] = off;
		if (h->type == CKPT_REC_TAIL)
			break;
	}
	ASSERT_TRUE(h && h->type == CKPT_REC_TAIL && off + h->len == len)
		TH_LOG("the image does not end with its tail");

	for (i = 0; i < m->nr; i++) {
		h = ns_rec(m, i);
		switch (h->type) {
		case CKPT_REC_NAMESPACE:
			nr = (const void *)h;
			ASSERT_GT(2, nns) TH_LOG("more than 2 NAMESPACE records");
			m->ns[nns++] = i;
			if (nr->kind == CKPT_NS_UTS)
				m->uts_ref = nr->objref;
			else if (nr->kind == CKPT_NS_IPC)
				m->ipc_ref = nr->objref;
			break;
		case CKPT_REC_TREE:
			m->tree = i;
			break;
		case CKPT_REC_TASK:
			if (m->task < 0)
				m->task = i;
			break;
		case CKPT_REC_UTS_NS:
			m->uts = i;
			break;
		case CKPT_REC_IPC_NS:
			m->ipc = i;
			break;
		case CKPT_REC_SYSV_SHM:
			sr = (const void *)h;
			if (!(sr->flags & CKPT_SYSV_SHM_NEW))
				break;
			ASSERT_GT(2, nshm) TH_LOG("more than 2 new SYSV_SHM records");
			m->shm[nshm++] = i;
			if (sr->key == NS_KEY_A) {
				m->a = i;
				m->a_obj = sr->objref;
			} else {
				m->b = i;
				m->b_obj = sr->objref;
			}
			break;
		case CKPT_REC_VMA:
			v = (const void *)h;
			if (v->kind == CKPT_VMA_SYSV_SHM)
				m->map = i;
			else if (m->other_map < 0 && v->kind == CKPT_VMA_ANON)
				m->other_map = i;
			break;
		}
	}
	ASSERT_EQ(2, nns) TH_LOG("%d NAMESPACE records", nns);
	ASSERT_NE(0U, m->uts_ref) TH_LOG("no NAMESPACE record of kind UTS");
	ASSERT_NE(0U, m->ipc_ref) TH_LOG("no NAMESPACE record of kind IPC");
	ASSERT_LE(0, m->tree) TH_LOG("no TREE record");
	ASSERT_LE(0, m->task) TH_LOG("no TASK record");
	ASSERT_LE(0, m->uts) TH_LOG("no UTS_NS record");
	ASSERT_LE(0, m->ipc) TH_LOG("no IPC_NS record");
	ASSERT_EQ(2, nshm) TH_LOG("%d new SYSV_SHM records", nshm);
	ASSERT_LE(0, m->a) TH_LOG("no SYSV_SHM record of A's key");
	ASSERT_LE(0, m->b) TH_LOG("no SYSV_SHM record of B");
	for (i = m->a + 1; i < m->nr && ns_type(m, i) == CKPT_REC_PAGES; i++)
		m->a_pages = i;
	ASSERT_LE(0, m->a_pages) TH_LOG("no PAGES record after A's");
	ASSERT_LE(1, m->map) TH_LOG("no mapping of kind CKPT_VMA_SYSV_SHM");
	ASSERT_LE(0, m->other_map) TH_LOG("no anonymous mapping");
	m->ref = m->map - 1;
	ASSERT_EQ(CKPT_REC_SYSV_SHM, ns_type(m, m->ref))
		TH_LOG("record type %#x before A's mapping", ns_type(m, m->ref));
}

/*
 * What the kernel's image of ns_main() has: the container section (two
 * NAMESPACE records, new at the child, before the tree, which names
 * them); the UTS_NS and IPC_NS records right after the TASK record,
 * with the names and limits; A's and B's records right after the IPC_NS
 * record with every field (A's pages but its second, untouched); A's
 * mapping, whole and shared, right after a SYSV_SHM record with its
 * number alone.
 */
static void check_ns_image(struct __test_metadata *_metadata,
			   const struct ns_image *m)
{
	const size_t psz = getpagesize();
	const struct ckpt_rec_tree *t = ns_rec(m, m->tree);
	const struct ckpt_task_ids *ids = (const void *)(t + 1);
	const struct ckpt_rec_uts_ns *u = ns_rec(m, m->uts);
	const struct ckpt_rec_ipc_ns *ipc = ns_rec(m, m->ipc);
	const struct ckpt_rec_sysv_shm *a = ns_rec(m, m->a);
	const struct ckpt_rec_sysv_shm *b = ns_rec(m, m->b);
	const struct ckpt_rec_sysv_shm *ref = ns_rec(m, m->ref);
	const struct ckpt_rec_vma *v = ns_rec(m, m->map);
	const struct ckpt_rec_namespace *nr;
	const struct ckpt_rec_pages *pg;
	const unsigned char *data;
	unsigned long long addr;
	int i, pages = 0;
	size_t j, k;

	for (i = 0; i < 2; i++) {
		nr = ns_rec(m, m->ns[i]);
		EXPECT_LT(m->ns[i], m->tree);
		EXPECT_EQ(sizeof(*nr), nr->h.len);
		EXPECT_EQ(m->pid, nr->pid);
		EXPECT_EQ(0U, nr->pad);
	}
	EXPECT_NE(m->uts_ref, m->ipc_ref);
	ASSERT_EQ(1U, t->nr_tasks);
	ASSERT_LE(sizeof(*ids), t->task_size);
	EXPECT_EQ(m->pid, ids->pid);
	EXPECT_EQ(m->uts_ref, ids->uts_ns);
	EXPECT_EQ(m->ipc_ref, ids->ipc_ns);

	EXPECT_TRUE((m->uts == m->task + 1 && m->ipc == m->task + 2) ||
		    (m->ipc == m->task + 1 && m->uts == m->task + 2))
		TH_LOG("the UTS_NS and IPC_NS records (%d, %d) do not follow the TASK record (%d)",
		       m->uts, m->ipc, m->task);
	EXPECT_EQ(sizeof(*u), u->h.len);
	EXPECT_EQ(m->uts_ref, u->objref);
	EXPECT_EQ(0U, u->pad);
	EXPECT_STREQ(NS_HOST, u->nodename);
	EXPECT_STREQ(NS_DOMAIN, u->domainname);
	for (j = strlen(NS_HOST); j < CKPT_UTS_LEN; j++)
		EXPECT_EQ(0, u->nodename[j]);

	EXPECT_EQ(sizeof(*ipc), ipc->h.len);
	EXPECT_EQ(m->ipc_ref, ipc->objref);
	EXPECT_EQ(2U, ipc->nr_shm);
	EXPECT_EQ(NS_SHMMAX, ipc->shm_ctlmax);
	EXPECT_EQ(NS_SHMMNI, ipc->shm_ctlmni);
	EXPECT_EQ(0U, ipc->shm_rmid_forced);
	EXPECT_EQ(NS_MQ_MSG_MAX, ipc->mq_msg_max);
	EXPECT_EQ(0U, ipc->nr_sem);
	EXPECT_EQ(0U, ipc->pad);
	EXPECT_EQ(m->ipc + 1, m->shm[0])
		TH_LOG("the segments' records are not right after the IPC_NS record");

	EXPECT_EQ(sizeof(*a), a->h.len);
	EXPECT_EQ(CKPT_SYSV_SHM_NEW, a->flags);
	EXPECT_EQ(m->a_id, a->id);
	EXPECT_EQ(0U, a->uid);
	EXPECT_EQ(0U, a->gid);
	EXPECT_EQ(0U, a->cuid);
	EXPECT_EQ(0U, a->cgid);
	EXPECT_EQ(NS_A_MODE, a->mode);
	EXPECT_EQ(m->pid, a->cpid);
	EXPECT_EQ(m->pid, a->lpid);
	EXPECT_EQ(0U, a->pad);
	EXPECT_EQ(ns_a_size(), a->size);
	EXPECT_NE(0, a->atime);
	EXPECT_EQ(0, a->dtime);
	EXPECT_NE(0, a->ctime);
	EXPECT_NE(0U, a->objref);
	for (i = m->a + 1; i <= m->a_pages; i++) {
		pg = ns_rec(m, i);
		data = (const void *)(pg + 1);
		for (k = 0; k < pg->nr_pages; k++, pages++) {
			addr = pg->addr + k * psz;
			EXPECT_TRUE(addr == 0 || addr == 2 * psz)
				TH_LOG("a page at offset %#llx of A", addr);
			for (j = 0; j < psz; j++)
				if (data[k * psz + j] != ns_a_byte(addr + j))
					break;
			EXPECT_EQ(psz, j)
				TH_LOG("A's page at offset %#llx differs at byte %zu",
				       addr, j);
		}
	}
	EXPECT_EQ(2, pages);

	EXPECT_EQ(CKPT_SYSV_SHM_NEW, b->flags);
	EXPECT_EQ(IPC_PRIVATE, b->key);
	EXPECT_NE(m->a_id, b->id);
	EXPECT_EQ(0600U, b->mode);
	EXPECT_EQ(psz, b->size);
	EXPECT_EQ(m->pid, b->cpid);
	EXPECT_EQ(m->pid, b->lpid);
	EXPECT_NE(0, b->dtime);
	EXPECT_NE(m->a_obj, b->objref);
	EXPECT_NE(0U, b->objref);

	EXPECT_EQ(sizeof(*ref), ref->h.len);
	EXPECT_EQ(m->a_obj, ref->objref);
	EXPECT_EQ(0U, ref->flags);
	EXPECT_EQ(0, ref->key);
	EXPECT_EQ(0, ref->id);
	EXPECT_EQ(0U, ref->mode);
	EXPECT_EQ(0U, ref->size);
	EXPECT_EQ(0, ref->atime);

	EXPECT_EQ(m->a_addr, v->start);
	EXPECT_EQ(3 * psz, v->end - v->start);
	EXPECT_EQ(0U, v->pgoff);
	EXPECT_EQ(PROT_READ | PROT_WRITE, v->prot);
	EXPECT_EQ(CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE,
		  v->flags & (CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE));
	EXPECT_EQ(0U, v->path_len);
	EXPECT_NE(CKPT_REC_PAGES, ns_type(m, m->map + 1));
}

/*
 * The cases: ns_main()'s image unchanged; its NAMESPACE records with a
 * kind no format has (0, 3), objref 0, padding, a first pid that is not
 * the tree's, the second with the first's objref, or one again after
 * the tree; the tree's entry naming a UTS namespace no record defines,
 * the IPC namespace, or none (the restarter's); the UTS_NS record with
 * a name without its NUL, padding, the IPC namespace's objref, twice,
 * or left out; the child made without CLONE_NEWUTS, without
 * CLONE_NEWIPC, or with a segment in its new IPC namespace already; the
 * IPC_NS record with limits out of the ranges their sysctls take,
 * announcing one segment less or one more, or a semaphore set (none
 * follows), or with padding; A's SYSV_SHM record with mode
 * 01777, size 0, more bytes than kernel.shmmax, id -1, a flag no format
 * has, RMID with a key, padding, owner uid -1, a creator that is not in
 * the tree, objref 0, that of a namespace (its mapping's record too), or
 * without NEW (its fields kept); the second segment with the first's id or objref; A's last
 * PAGES record past its size rounded up to a page; the record before A's
 * mapping naming no segment, with a size, left out, or a copy of it
 * before an anonymous mapping; A's mapping a page short, at page offset
 * 1, or naming B, a page long.
 */
enum {
	NSM_NONE,
	NSM_NS_KIND0,
	NSM_NS_KIND3,
	NSM_NS_OBJREF0,
	NSM_NS_PAD,
	NSM_NS_PID,
	NSM_NS_DUP,
	NSM_NS_AFTER_TREE,
	NSM_TREE_UNDEF,
	NSM_TREE_KIND,
	NSM_TREE_HOME,
	NSM_UTS_NONUL,
	NSM_UTS_DOMAIN_NONUL,
	NSM_UTS_PAD,
	NSM_UTS_PAD2,
	NSM_UTS_IPC_REF,
	NSM_UTS_TWICE,
	NSM_UTS_NONE,
	NSM_NOT_NEW_UTS,
	NSM_NOT_NEW_IPC,
	NSM_NS_BUSY,
	NSM_IPC_SHMMNI,
	NSM_IPC_RMID_FORCED,
	NSM_IPC_MQ_MSG_MAX0,
	NSM_IPC_MQ_MSG_MAX_BIG,
	NSM_IPC_NR_SHM_LESS,
	NSM_IPC_NR_SHM_MORE,
	NSM_IPC_NR_SEM_MORE,
	NSM_IPC_PAD,
	NSM_SHM_MODE,
	NSM_SHM_SIZE0,
	NSM_SHM_SIZE_BIG,
	NSM_SHM_ID_NEG,
	NSM_SHM_FLAGS,
	NSM_SHM_RMID_KEY,
	NSM_SHM_PAD,
	NSM_SHM_UID,
	NSM_SHM_CPID,
	NSM_SHM_OBJREF0,
	NSM_SHM_OBJREF_NS,
	NSM_SHM_NOT_NEW,
	NSM_SHM_ID_DUP,
	NSM_SHM_OBJREF_DUP,
	NSM_PAGES_PAST,
	NSM_REF_UNDEF,
	NSM_REF_FIELDS,
	NSM_REF_NONE,
	NSM_REF_THEN_ANON,
	NSM_MAP_SIZE,
	NSM_MAP_PGOFF,
	NSM_MAP_OTHER,
	NSM_NR,
};

#define NS_CLONE	(CLONE_NEWUTS | CLONE_NEWIPC)

struct ns_case {
	int error;		/* what restart() returns */
	int alt;		/* or this, if not 0 */
	__u64 clone_flags;	/* of the child that waits in restart() */
	const char *what;
	const char *log;	/* what the log names */
};

#define NS_BAD(what, log)	{ -EINVAL, 0, NS_CLONE, what, log }
#define NS_BAD_NS	"bad namespace"
#define NS_BAD_UTS	"bad UTS namespace record"
#define NS_BAD_LIMIT	"a limit out of its range"
#define NS_BAD_SHM	"bad System V segment"
#define NS_NOT_WHOLE	"is not a whole attachment of System V segment"

static const struct ns_case ns_cases[NSM_NR] = {
	[NSM_NONE] = { 0, 0, NS_CLONE, "the image as checkpoint() wrote it", "" },
	[NSM_NS_KIND0] = NS_BAD("a NAMESPACE record of kind 0", NS_BAD_NS),
	[NSM_NS_KIND3] = NS_BAD("a NAMESPACE record of kind 3", NS_BAD_NS),
	[NSM_NS_OBJREF0] = NS_BAD("a NAMESPACE record with objref 0", "bad namespace 0"),
	[NSM_NS_PAD] = NS_BAD("a NAMESPACE record with padding not zero", NS_BAD_NS),
	[NSM_NS_PID] = NS_BAD("a NAMESPACE record whose first pid is not in the tree",
			      "first pid 99999"),
	[NSM_NS_DUP] = NS_BAD("two NAMESPACE records with one objref", "was defined before"),
	[NSM_NS_AFTER_TREE] = NS_BAD("a NAMESPACE record after the tree",
				     "a namespace record after the tree"),
	[NSM_TREE_UNDEF] = NS_BAD("the tree naming a UTS namespace no record defines",
				  "which the image does not define"),
	[NSM_TREE_KIND] = NS_BAD("the tree naming the IPC namespace as its UTS namespace",
				 "which the image does not define"),
	[NSM_TREE_HOME] = NS_BAD("the tree naming the restarter's UTS namespace at its first task",
				 "does not live in it"),
	[NSM_UTS_NONUL] = NS_BAD("a host name without its NUL", NS_BAD_UTS),
	[NSM_UTS_DOMAIN_NONUL] = NS_BAD("a domain name without its NUL", NS_BAD_UTS),
	[NSM_UTS_PAD] = NS_BAD("a UTS_NS record with pad not zero", NS_BAD_UTS),
	[NSM_UTS_PAD2] = NS_BAD("a UTS_NS record with pad2 not zero", NS_BAD_UTS),
	[NSM_UTS_IPC_REF] = NS_BAD("a UTS_NS record naming the IPC namespace",
				   "which is not new at pid"),
	[NSM_UTS_TWICE] = NS_BAD("the UTS_NS record twice", "which is not new at pid"),
	[NSM_UTS_NONE] = NS_BAD("no UTS_NS record", "has no record"),
	[NSM_NOT_NEW_UTS] = { -EINVAL, 0, CLONE_NEWIPC, "a child made without CLONE_NEWUTS",
			      "does not live in a new UTS namespace" },
	[NSM_NOT_NEW_IPC] = { -EINVAL, 0, CLONE_NEWUTS, "a child made without CLONE_NEWIPC",
			      "does not live in a new IPC namespace" },
	[NSM_NS_BUSY] = { -EBUSY, 0, NS_CLONE,
			  "a child whose new IPC namespace holds a segment already",
			  "its new IPC namespace already holds" },
	[NSM_IPC_SHMMNI] = NS_BAD("kernel.shmmni 32769", NS_BAD_LIMIT),
	[NSM_IPC_RMID_FORCED] = NS_BAD("kernel.shm_rmid_forced 2", NS_BAD_LIMIT),
	[NSM_IPC_MQ_MSG_MAX0] = NS_BAD("fs.mqueue.msg_max 0", NS_BAD_LIMIT),
	[NSM_IPC_MQ_MSG_MAX_BIG] = NS_BAD("fs.mqueue.msg_max 1000000", NS_BAD_LIMIT),
	[NSM_IPC_NR_SHM_LESS] = NS_BAD("an IPC_NS record announcing 1 segment of 2",
				       "beyond the count of its IPC namespace record"),
	[NSM_IPC_NR_SHM_MORE] = NS_BAD("an IPC_NS record announcing 3 segments of 2",
				       "are missing"),
	[NSM_IPC_NR_SEM_MORE] = NS_BAD("an IPC_NS record announcing a semaphore set of none",
				       "semaphore set"),
	[NSM_IPC_PAD] = NS_BAD("an IPC_NS record with padding not zero", NS_BAD_LIMIT),
	[NSM_SHM_MODE] = NS_BAD("a segment of mode 01777", NS_BAD_SHM),
	[NSM_SHM_SIZE0] = NS_BAD("a segment of 0 bytes", NS_BAD_SHM),
	[NSM_SHM_SIZE_BIG] = NS_BAD("a segment larger than kernel.shmmax", NS_BAD_SHM),
	[NSM_SHM_ID_NEG] = NS_BAD("a segment of id -1", NS_BAD_SHM),
	[NSM_SHM_FLAGS] = NS_BAD("a segment with a flag no format defines", NS_BAD_SHM),
	[NSM_SHM_RMID_KEY] = NS_BAD("a segment removed (RMID) with a key", NS_BAD_SHM),
	[NSM_SHM_PAD] = NS_BAD("a segment with padding not zero", NS_BAD_SHM),
	[NSM_SHM_UID] = NS_BAD("a segment owned by uid -1", NS_BAD_SHM),
	[NSM_SHM_CPID] = NS_BAD("a segment whose creator is not in the tree", NS_BAD_SHM),
	[NSM_SHM_OBJREF0] = NS_BAD("a segment of objref 0", NS_BAD_SHM),
	[NSM_SHM_OBJREF_NS] = NS_BAD("a segment with the objref of the UTS namespace",
				     "defined before"),
	[NSM_SHM_NOT_NEW] = NS_BAD("A's record without NEW, with its fields",
				   "record with fields"),
	[NSM_SHM_ID_DUP] = { -EINVAL, -EEXIST, NS_CLONE, "two segments with one id",
			     "is taken" },
	[NSM_SHM_OBJREF_DUP] = NS_BAD("two segments with one objref", "was defined before"),
	[NSM_PAGES_PAST] = NS_BAD("A's PAGES past its size rounded up to a page", "run past"),
	[NSM_REF_UNDEF] = NS_BAD("the mapping's SYSV_SHM record naming no segment",
				 "was not written before"),
	[NSM_REF_FIELDS] = NS_BAD("the mapping's SYSV_SHM record with a size",
				  "record with fields"),
	[NSM_REF_NONE] = NS_BAD("A's mapping without its SYSV_SHM record",
				"without its record before it"),
	[NSM_REF_THEN_ANON] = NS_BAD("a SYSV_SHM record naming A before an anonymous mapping",
				     "then a mapping of another kind"),
	[NSM_MAP_SIZE] = NS_BAD("A's mapping a page short", NS_NOT_WHOLE),
	[NSM_MAP_PGOFF] = NS_BAD("A's mapping at page offset 1", NS_NOT_WHOLE),
	[NSM_MAP_OTHER] = NS_BAD("A's mapping naming B, a page long", NS_NOT_WHOLE),
};

/* Changes the record @i of @m, copied at @at in @img, for case @c */
static void ns_edit(struct img *img, const struct ns_image *m, int c, int i,
		    size_t at)
{
	const struct ckpt_rec_namespace *first = ns_rec(m, m->ns[0]);
	const struct ckpt_rec_sysv_shm *shm0 = ns_rec(m, m->shm[0]);
	struct ckpt_rec_namespace *nr = (void *)(img->buf + at);
	struct ckpt_rec_tree *t = (void *)(img->buf + at);
	struct ckpt_task_ids *ids = (void *)(t + 1);
	struct ckpt_rec_uts_ns *u = (void *)(img->buf + at);
	struct ckpt_rec_ipc_ns *ipc = (void *)(img->buf + at);
	struct ckpt_rec_sysv_shm *sr = (void *)(img->buf + at);
	struct ckpt_rec_pages *pg = (void *)(img->buf + at);
	struct ckpt_rec_vma *v = (void *)(img->buf + at);
	const size_t psz = getpagesize();

	if (i == m->ns[0]) {
		if (c == NSM_NS_KIND0)
			nr->kind = 0;
		else if (c == NSM_NS_KIND3)
			nr->kind = 3;
		else if (c == NSM_NS_OBJREF0)
			nr->objref = 0;
		else if (c == NSM_NS_PAD)
			nr->pad = 1;
		else if (c == NSM_NS_PID)
			nr->pid = NO_PID;
	} else if (i == m->ns[1]) {
		if (c == NSM_NS_DUP)
			nr->objref = first->objref;
	} else if (i == m->tree) {
		if (c == NSM_TREE_UNDEF)
			ids->uts_ns = OBJ_NO_OBJ;
		else if (c == NSM_TREE_KIND)
			ids->uts_ns = m->ipc_ref;
		else if (c == NSM_TREE_HOME)
			ids->uts_ns = 0;
	} else if (i == m->uts) {
		if (c == NSM_UTS_NONUL)
			memset(u->nodename, 'x', sizeof(u->nodename));
		else if (c == NSM_UTS_DOMAIN_NONUL)
			memset(u->domainname, 'x', sizeof(u->domainname));
		else if (c == NSM_UTS_PAD)
			u->pad = 1;
		else if (c == NSM_UTS_PAD2)
			u->pad2[sizeof(u->pad2) - 1] = 1;
		else if (c == NSM_UTS_IPC_REF)
			u->objref = m->ipc_ref;
		else if (c == NSM_UTS_NONE)
			img_drop(img, at);
	} else if (i == m->ipc) {
		if (c == NSM_IPC_SHMMNI)
			ipc->shm_ctlmni = 32769;
		else if (c == NSM_IPC_RMID_FORCED)
			ipc->shm_rmid_forced = 2;
		else if (c == NSM_IPC_MQ_MSG_MAX0)
			ipc->mq_msg_max = 0;
		else if (c == NSM_IPC_MQ_MSG_MAX_BIG)
			ipc->mq_msg_max = 1000000;
		else if (c == NSM_IPC_NR_SHM_LESS)
			ipc->nr_shm = 1;
		else if (c == NSM_IPC_NR_SHM_MORE)
			ipc->nr_shm = 3;
		else if (c == NSM_IPC_NR_SEM_MORE)
			ipc->nr_sem = 1;
		else if (c == NSM_IPC_PAD)
			ipc->pad = 1;
	}
	if (i == m->a) {
		if (c == NSM_SHM_MODE)
			sr->mode = 01777;
		else if (c == NSM_SHM_SIZE0)
			sr->size = 0;
		else if (c == NSM_SHM_SIZE_BIG)
			sr->size = NS_SHMMAX + psz;
		else if (c == NSM_SHM_ID_NEG)
			sr->id = -1;
		else if (c == NSM_SHM_FLAGS)
			sr->flags |= 1U << 2;
		else if (c == NSM_SHM_RMID_KEY)
			sr->flags |= CKPT_SYSV_SHM_RMID;
		else if (c == NSM_SHM_PAD)
			sr->pad = 1;
		else if (c == NSM_SHM_UID)
			sr->uid = (__u32)-1;
		else if (c == NSM_SHM_CPID)
			sr->cpid = NO_PID;
		else if (c == NSM_SHM_OBJREF0)
			sr->objref = 0;
		else if (c == NSM_SHM_OBJREF_NS)
			sr->objref = m->uts_ref;
		else if (c == NSM_SHM_NOT_NEW)
			sr->flags = 0;
	}
	if (i == m->shm[1]) {
		if (c == NSM_SHM_ID_DUP)
			sr->id = shm0->id;
		else if (c == NSM_SHM_OBJREF_DUP)
			sr->objref = shm0->objref;
	}
	if (i == m->a_pages && c == NSM_PAGES_PAST) {
		pg->addr = 3 * psz;
	} else if (i == m->ref) {
		if (c == NSM_REF_UNDEF)
			sr->objref = OBJ_NO_OBJ;
		else if (c == NSM_REF_FIELDS)
			sr->size = psz;
		else if (c == NSM_REF_NONE)
			img_drop(img, at);
		else if (c == NSM_MAP_OTHER)
			sr->objref = m->b_obj;
		else if (c == NSM_SHM_OBJREF_NS)
			sr->objref = m->uts_ref;
	} else if (i == m->map) {
		if (c == NSM_MAP_SIZE)
			v->end -= psz;
		else if (c == NSM_MAP_PGOFF)
			v->pgoff = 1;
	}
}

/* Case @c: the image of @m, changed, in @img, with its tail made right */
static void ns_case_image(struct img *img, const struct ns_image *m, int c)
{
	const struct ckpt_hdr *h;
	size_t at;
	int i;

	img_free(img);
	for (i = 0; i < m->nr - 1; i++) {
		h = ns_rec(m, i);
		if (c == NSM_NS_AFTER_TREE && i == m->tree + 1) {
			h = ns_rec(m, m->ns[1]);
			img_raw_rec(img, h, h->len);
			h = ns_rec(m, i);
		}
		if (c == NSM_REF_THEN_ANON && i == m->other_map) {
			h = ns_rec(m, m->ref);
			img_raw_rec(img, h, h->len);
			h = ns_rec(m, i);
		}
		at = img->len;
		img_raw_rec(img, h, h->len);
		ns_edit(img, m, c, i, at);
		if (c == NSM_UTS_TWICE && i == m->uts)
			img_raw_rec(img, h, h->len);
	}
	img_tail(img);
}

/* In the child that waits in restart(): a segment in its new IPC namespace */
static void ns_prep_busy(void)
{
	shmget(IPC_PRIVATE, getpagesize(), IPC_CREAT | 0600);
}

/*
 * What checkpoint() refuses of a child in an IPC namespace of its own
 * (ns_refused_main()), the test running on: a System V message queue in
 * it; a segment of the test's namespace (the checkpointer's) attached; a
 * segment locked (SHM_LOCK); its namespace also used by a process
 * outside the tree (ns_outsider()); a segment of it attached by such a
 * process that went back to the test's namespace.
 */
enum { NSR_MSGQ, NSR_HOME_SHM, NSR_SHM_LOCK, NSR_OUTSIDER, NSR_ATTACHED, NSR_NR };

static const struct {
	int error;
	const char *what;
} ns_refusals[NSR_NR] = {
	[NSR_MSGQ] = { -EOPNOTSUPP, "a System V message queue in its IPC namespace" },
	[NSR_HOME_SHM] = { -EOPNOTSUPP, "a segment of the checkpointer's IPC namespace attached" },
	[NSR_SHM_LOCK] = { -EOPNOTSUPP, "a segment locked with SHM_LOCK" },
	[NSR_OUTSIDER] = { -EBUSY, "its IPC namespace also used by a process outside the tree" },
	[NSR_ATTACHED] = { -EBUSY, "a segment of its IPC namespace attached outside the tree" },
};

static int ns_home_shm = -1;	/* a segment of the test's IPC namespace */

static __noreturn void ns_refused_main(int ready, int what)
{
	const size_t psz = getpagesize();
	int bad = child_bare(ready), id;

	if (!bad && what == NSR_HOME_SHM) {
		bad = shmat(ns_home_shm, NULL, 0) == (void *)-1;
		refused_child_wait(bad);
	}
	bad = bad || unshare(CLONE_NEWIPC);
	if (!bad && what == NSR_MSGQ)
		bad = msgget(IPC_PRIVATE, IPC_CREAT | 0600) < 0;
	if (!bad && what == NSR_SHM_LOCK) {
		id = shmget(IPC_PRIVATE, psz, IPC_CREAT | 0600);
		bad = id < 0 || shmctl(id, SHM_LOCK, NULL);
	}
	if (!bad && what == NSR_ATTACHED)
		bad = shmget(NS_KEY_A, psz, IPC_CREAT | 0600) < 0;
	refused_child_wait(bad);
}

/*
 * A process outside the tree of @pid that lives in its IPC namespace,
 * or (@attach) attaches its segment NS_KEY_A there and goes back to the
 * test's namespace; it waits, and dies with the test.  Its pid, or -1.
 */
static pid_t ns_outsider(pid_t pid, bool attach)
{
	int sync[2], home, fd, id;
	char path[64], c = 0;
	pid_t o;

	if (pipe(sync))
		return -1;
	o = fork_flushed();
	if (o == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pid);
		home = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (home < 0 || fd < 0 || setns(fd, CLONE_NEWIPC))
			_exit(1);
		id = attach ? shmget(NS_KEY_A, 0, 0) : 0;
		if (id < 0 || (attach && (shmat(id, NULL, 0) == (void *)-1 ||
					  setns(home, CLONE_NEWIPC))))
			_exit(1);
		c = 1;
		if (write(sync[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(sync[1]);
	if (o > 0 && (read(sync[0], &c, 1) != 1 || c != 1)) {
		reap(o);
		o = -1;
	}
	close(sync[0]);
	return o;
}

/* What checkpoint() logs when it refuses @what of our child @pid (@outsider) */
static void ns_refused_log(int what, pid_t pid, pid_t outsider, char *buf,
			   size_t size)
{
	switch (what) {
	case NSR_MSGQ:
		snprintf(buf, size, "holds System V message queues: not supported yet");
		break;
	case NSR_HOME_SHM:
		snprintf(buf, size,
			 "a System V shared memory segment of the checkpointer's IPC namespace (shared with the outside) is not supported");
		break;
	case NSR_SHM_LOCK:
		snprintf(buf, size, "locked (SHM_LOCK): not supported yet");
		break;
	case NSR_OUTSIDER:
		snprintf(buf, size,
			 "the IPC namespace of pid %d is also used by pid %d outside the checkpointed tree",
			 (int)pid, (int)outsider);
		break;
	case NSR_ATTACHED:
		snprintf(buf, size, "is attached 1 times, 0 of them by the checkpointed tree");
		break;
	}
}

static void ns_refuse(struct __test_metadata *_metadata,
		      FIXTURE_DATA(restart) *self, int what)
{
	pid_t pid, outsider = 0;
	char want[256];

	if (what == NSR_HOME_SHM) {
		ns_home_shm = shmget(IPC_PRIVATE, getpagesize(), IPC_CREAT | 0600);
		ASSERT_LE(0, ns_home_shm) TH_LOG("shmget: %s", strerror(errno));
	}
	ASSERT_EQ(0, start_child(_metadata, ns_refused_main, what, 1, &pid))
		TH_LOG("%s: the child could not set itself up", ns_refusals[what].what);
	if (what == NSR_OUTSIDER || what == NSR_ATTACHED) {
		outsider = ns_outsider(pid, what == NSR_ATTACHED);
		EXPECT_LT(0, outsider)
			TH_LOG("%s: no process outside the tree", ns_refusals[what].what);
	}
	ns_refused_log(what, pid, outsider, want, sizeof(want));
	expect_checkpoint_refused(_metadata, self, pid, ns_refusals[what].error, want,
				  ns_refusals[what].what, NULL);
	if (outsider > 0)
		reap(outsider);
	if (ns_home_shm >= 0) {
		shmctl(ns_home_shm, IPC_RMID, NULL);
		ns_home_shm = -1;
	}
}

/*
 * What checkpoint() refuses (ns_refuse()); then ns_main() checkpointed
 * (its image checked: check_ns_image()), and each case of
 * ns_case_image(), that image changed and its tail made right,
 * restarted by a coordinator whose child is made with new namespaces
 * (restart_coord_image_ns()): the unchanged image restores the child,
 * which checks itself; the others are refused with their errno and the
 * message that names the problem, the child dead.
 */
TEST_F_TIMEOUT(restart, namespace_records, 240)
{
	unsigned long addr = 0;
	struct ns_image m;
	sigset_t set, mask;
	unsigned char *buf;
	int code, c, id = -1;
	size_t len;
	pid_t pid;
	long ret;

	for (c = 0; c < NSR_NR; c++)
		ns_refuse(_metadata, self, c);

	code = start_child(_metadata, ns_main, 0, NSC_SETUP, &pid);
	ASSERT_EQ(NSC_OK, code)
		TH_LOG("the child is not ready: %s",
		       exit_why(code, ns_checks, NSC_NR));
	EXPECT_EQ(0, ns_child_map(pid, &addr, &id))
		TH_LOG("no attachment of key %#x in /proc/%d/maps", NS_KEY_A, pid);
	len = checkpoint_child(_metadata, self, pid, &buf);
	ns_index(_metadata, &m, pid, buf, len);
	m.a_addr = addr;
	m.a_id = id;
	check_ns_image(_metadata, &m);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, &mask));
	for (c = 0; c < NSM_NR; c++) {
		ns_case_image(&self->img, &m, c);
		ret = restart_coord_image_ns(_metadata, self, variant->pipe, pid,
					     self->img.buf, self->img.len, &code,
					     ns_cases[c].clone_flags,
					     c == NSM_NS_BUSY ? ns_prep_busy : NULL);
		EXPECT_TRUE(ret == ns_cases[c].error ||
			    (ns_cases[c].alt && ret == ns_cases[c].alt))
			TH_LOG("case %d, %s: restart() returned %ld, not %d; log \"%s\"",
			       c, ns_cases[c].what, ret, ns_cases[c].error,
			       self->log_buf);
		if (!ns_cases[c].error) {
			EXPECT_EQ(NSC_OK, code)
				TH_LOG("case %d, %s: the restored child: %s (%d); log \"%s\"",
				       c, ns_cases[c].what,
				       exit_why(code, ns_checks, NSC_NR), code,
				       self->log_buf);
		} else {
			EXPECT_NE(NULL, strstr(self->log_buf, ns_cases[c].log))
				TH_LOG("case %d, %s: log \"%s\", expected \"%s\"",
				       c, ns_cases[c].what, self->log_buf,
				       ns_cases[c].log);
		}
	}
	sigprocmask(SIG_SETMASK, &mask, NULL);
	free(m.off);
	free(buf);
}

/* Seeded random streams: all rejected, none hangs (the writer is gone). */
static __u64 rng_state = 0x9e3779b97f4a7c15ULL;

static __u32 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state >> 32;
}

static void put_random(struct img *img, size_t len)
{
	unsigned char c;

	while (len--) {
		c = rnd();
		img_put(img, &c, 1);
	}
}

static void put_random_rec(struct img *img)
{
	static const __u32 types[] = {
		CKPT_REC_HEADER, CKPT_REC_TAIL, CKPT_REC_ERROR, CKPT_REC_PADDING,
		CKPT_REC_OPTIONAL | 0x1234, 0x1234,
	};
	size_t plen = rnd() % 64;
	struct ckpt_hdr h = {
		.type = rnd() % 4 ? types[rnd() % ARRAY_SIZE(types)] : rnd(),
		.len = rnd() % 4 ? CKPT_ALIGN(sizeof(h) + plen) : rnd(),
	};

	img_put(img, &h, sizeof(h));
	put_random(img, plen);
	img_pad(img);
}

TEST_F(restart, garbage)
{
	struct ckpt_rec_tail t;
	struct img *img = &self->img;
	long ret;
	int i, n;

	self->raw_log = true;
	for (i = 0; i < 400; i++) {
		switch (i % 4) {
		case 0:		/* random bytes */
			img_free(img);
			put_random(img, rnd() % 512);
			break;
		case 1:		/* a sound image with one byte changed */
			new_img(self, NULL);
			img_rec(img, CKPT_REC_PADDING, NULL, rnd() % 64);
			img_tail(img);
			img->buf[rnd() % img->len] ^= 1 + rnd() % 255;
			break;
		case 2:		/* a sound image cut short, random bytes after */
			img_tail(new_img(self, NULL));
			img->len = rnd() % img->len;
			put_random(img, rnd() % 64);
			break;
		case 3:		/* random records, a wrong checksum */
			new_img(self, NULL);
			for (n = rnd() % 4; n; n--)
				put_random_rec(img);
			t = img_make_tail(img);
			t.csum ^= 1;
			img_put(img, &t, sizeof(t));
			break;
		}
		ret = RESTART();
		EXPECT_TRUE(ret == -EINVAL || ret == -EBADMSG || ret == -ENOEXEC)
			TH_LOG("stream %d (kind %d, %zu bytes): %ld", i, i % 4,
			       img->len, ret);
	}
}

TEST_HARNESS_MAIN
