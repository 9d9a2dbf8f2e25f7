// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * imgpatch: tamper with checkpoint images the way an attacker would, and
 * run commands as another user.
 *
 *   imgpatch file-nopath [--strip] [--fd N] IN OUT
 *	Copy image IN to OUT with the first FILE record that has a path
 *	(of fd N with --fd) claiming a path of 0 bytes.  The path bytes stay
 *	in the record as padding (its length unchanged), or with --strip
 *	they are removed and the record's length is made to match.  The
 *	tail record is fixed up (bytes before it, CRC-32 of them), so that
 *	nothing but the kernel's own checks of the record can refuse it.
 *	Says which record it changed.
 *
 *   imgpatch runas UID GID -- COMMAND [ARG]...
 *	Run COMMAND as UID/GID, no supplementary groups, no capabilities
 *	(no setuid bit needed: the VM runs the scenarios as root).
 *
 * Exit status 0, 1 on error (said on stderr), 2 on bad usage.  The
 * record layouts are those of include/uapi/linux/checkpoint_hdr.h,
 * repeated here: the test programs build with musl, which has no
 * linux/ headers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REC_HEADER	0x0001
#define REC_TAIL	0x0002
#define REC_FILE	0x0400
#define REC_ALIGN	8
#define MAGIC		"LXCKPT\r\n"
#define TAIL_MAGIC	"LXCKEND\n"
#define CSUM_CRC32	1

struct hdr {
	uint32_t type;
	uint32_t len;
};

struct rec_file {
	struct hdr h;
	int32_t fd;
	uint32_t kind;
	uint32_t f_flags;
	uint32_t fd_flags;
	int64_t pos;
	uint32_t rdev;
	uint32_t path_len;
	uint32_t objref;
	uint32_t pipe;
	/* path_len bytes of path, padding */
};

struct rec_tail {
	struct hdr h;
	uint8_t magic[8];
	uint64_t records;
	uint64_t length;
	uint32_t csum_type;
	uint32_t csum;
};

static const char *const kinds[] = { "?", "reg", "dir", "chr", "tty", "pipe" };

static int usage(void)
{
	fprintf(stderr, "usage: imgpatch file-nopath [--strip] [--fd N] IN OUT\n"
			"       imgpatch runas UID GID -- COMMAND [ARG]...\n");
	return 2;
}

/* zlib's crc32(): polynomial 0xedb88320, initial and final inversion */
static uint32_t crc32(const unsigned char *p, size_t len)
{
	static uint32_t table[256];
	uint32_t crc = ~0U, c;
	int i, j;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			c = i;
			for (j = 0; j < 8; j++)
				c = (c >> 1) ^ (0xedb88320U & -(c & 1));
			table[i] = c;
		}
	}
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static unsigned char *read_file(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	size_t size = 0, n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	for (;;) {
		if (n == size) {
			size = size ? size * 2 : 1 << 20;
			buf = realloc(buf, size);
			if (!buf)
				break;
		}
		r = read(fd, buf + n, size - n);
		if (r < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (!r)
			break;
		n += r;
	}
	close(fd);
	*len = n;
	return buf;
}

static int write_file(const char *path, const unsigned char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t r;

	if (fd < 0)
		return -1;
	while (len) {
		r = write(fd, buf, len);
		if (r <= 0) {
			close(fd);
			return -1;
		}
		buf += r;
		len -= r;
	}
	return close(fd);
}

static int file_nopath(int argc, char **argv)
{
	const char *in, *out;
	unsigned char *img, *res;
	size_t len, off = 0, file_off = 0, tail_off = 0, cut = 0, at;
	uint64_t records = 0;
	struct rec_file f;
	struct rec_tail t;
	struct hdr h;
	int strip = 0, want_fd = -1, found = 0, i;
	char path[4096];

	for (i = 2; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--strip"))
			strip = 1;
		else if (!strcmp(argv[i], "--fd") && i + 1 < argc)
			want_fd = atoi(argv[++i]);
		else
			return usage();
	}
	if (argc - i != 2)
		return usage();
	in = argv[i];
	out = argv[i + 1];

	img = read_file(in, &len);
	if (!img) {
		fprintf(stderr, "imgpatch: %s: %s\n", in, strerror(errno));
		return 1;
	}
	if (len < sizeof(h) + 8 || memcmp(img + sizeof(h), MAGIC, 8)) {
		fprintf(stderr, "imgpatch: %s is not a checkpoint image\n", in);
		return 1;
	}
	/* find the FILE record and the tail */
	while (off + sizeof(h) <= len) {
		memcpy(&h, img + off, sizeof(h));
		if (h.len < sizeof(h) || h.len % REC_ALIGN || h.len > len - off) {
			fprintf(stderr, "imgpatch: bad record at offset %zu\n", off);
			return 1;
		}
		if (h.type == REC_TAIL) {
			tail_off = off;
			break;
		}
		if (h.type == REC_FILE && !found && h.len >= sizeof(f)) {
			memcpy(&f, img + off, sizeof(f));
			if (f.path_len && (want_fd < 0 || f.fd == want_fd)) {
				found = 1;
				file_off = off;
			}
		}
		records++;
		off += h.len;
	}
	if (!tail_off || len - tail_off < sizeof(t)) {
		fprintf(stderr, "imgpatch: %s has no tail record\n", in);
		return 1;
	}
	if (!found) {
		fprintf(stderr, "imgpatch: %s has no FILE record with a path%s\n", in,
			want_fd < 0 ? "" : " for that fd");
		return 1;
	}

	memcpy(&f, img + file_off, sizeof(f));
	if (f.path_len > f.h.len - sizeof(f) || f.path_len >= sizeof(path)) {
		fprintf(stderr, "imgpatch: the FILE record at offset %zu is malformed\n",
			file_off);
		return 1;
	}
	memcpy(path, img + file_off + sizeof(f), f.path_len);
	path[f.path_len] = '\0';
	printf("imgpatch: FILE record %zu bytes at offset %zu: fd %d, kind %s, path %s (%u bytes) -> path_len 0, ",
	       (size_t)f.h.len, file_off, f.fd, f.kind < 6 ? kinds[f.kind] : "?", path,
	       f.path_len);
	if (strip) {
		/* the record ends after its fixed part, padded */
		cut = f.h.len - ((sizeof(f) + REC_ALIGN - 1) & ~(size_t)(REC_ALIGN - 1));
		printf("path bytes removed, record length %u -> %zu\n", f.h.len,
		       (size_t)f.h.len - cut);
		f.h.len -= cut;
	} else {
		printf("path bytes left as padding, record length %u\n", f.h.len);
	}
	f.path_len = 0;

	res = malloc(len);
	if (!res)
		return 1;
	memcpy(res, img, file_off);
	memcpy(res + file_off, &f, sizeof(f));
	/* the rest of the record (path and padding, or zero padding) */
	at = file_off + sizeof(f);
	memcpy(res + at, img + at, f.h.len - sizeof(f));
	if (strip)
		memset(res + at, 0, f.h.len - sizeof(f));
	memcpy(res + file_off + f.h.len, img + file_off + f.h.len + cut,
	       len - (file_off + f.h.len + cut));
	tail_off -= cut;
	len -= cut;

	memcpy(&t, res + tail_off, sizeof(t));
	if (memcmp(t.magic, TAIL_MAGIC, 8) || t.csum_type != CSUM_CRC32 ||
	    t.records != records) {
		fprintf(stderr, "imgpatch: unexpected tail record in %s\n", in);
		return 1;
	}
	t.length = tail_off;
	t.csum = crc32(res, tail_off);
	memcpy(res + tail_off, &t, sizeof(t));
	printf("imgpatch: tail fixed: %llu records in %llu bytes, crc32 %#010x\n",
	       (unsigned long long)t.records, (unsigned long long)t.length, t.csum);
	if (write_file(out, res, len)) {
		fprintf(stderr, "imgpatch: %s: %s\n", out, strerror(errno));
		return 1;
	}
	free(res);
	free(img);
	return 0;
}

static int runas(int argc, char **argv)
{
	uid_t uid;
	gid_t gid;

	if (argc < 6 || strcmp(argv[4], "--"))
		return usage();
	uid = strtoul(argv[2], NULL, 10);
	gid = strtoul(argv[3], NULL, 10);
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) {
		fprintf(stderr, "imgpatch: cannot become %u/%u: %s\n", uid, gid,
			strerror(errno));
		return 1;
	}
	execvp(argv[5], argv + 5);
	fprintf(stderr, "imgpatch: %s: %s\n", argv[5], strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "file-nopath"))
		return file_nopath(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "runas"))
		return runas(argc, argv);
	return usage();
}
