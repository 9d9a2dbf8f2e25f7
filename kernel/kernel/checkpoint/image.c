// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: the image stream.
 *
 * Records are written and read strictly in order, so the image can be a
 * pipe or a socket.  Every byte goes through here: the running CRC-32
 * and the byte and record counts that the tail record carries are kept
 * in the context.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/bvec.h>
#include <linux/crc32.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/uio.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

static loff_t *ckpt_ppos(struct file *file)
{
	return (file->f_mode & FMODE_STREAM) ? NULL : &file->f_pos;
}

/**
 * ckpt_kwrite - write a kernel buffer to a file
 * @file: the file, open for writing
 * @buf: the data
 * @len: its size
 * @ppos: file position, or NULL for a stream
 *
 * Unlike kernel_write(), this also takes files that implement both
 * ->write and ->write_iter, such as /dev/null.
 *
 * Return: bytes written or a negative errno.
 */
ssize_t ckpt_kwrite(struct file *file, const void *buf, size_t len,
		    loff_t *ppos)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, len);
	return vfs_iter_write(file, &iter, ppos, 0);
}

static ssize_t ckpt_kread(struct file *file, void *buf, size_t len,
			  loff_t *ppos)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	return vfs_iter_read(file, &iter, ppos, 0);
}

static int ckpt_write(struct ckpt_ctx *ctx, const void *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = ckpt_kwrite(ctx->file, buf, len, ckpt_ppos(ctx->file));
		if (n < 0)
			return n;
		if (!n)
			return -EIO;
		ctx->crc = crc32_le(ctx->crc, buf, n);
		ctx->pos += n;
		buf += n;
		len -= n;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

/**
 * ckpt_write_record - write one record
 * @ctx: the checkpoint
 * @type: CKPT_REC_* type
 * @h: the record's fixed part, which starts with its struct ckpt_hdr
 * @size: size of the fixed part, header included
 * @data: variable part that follows the fixed part, or NULL
 * @data_len: its size
 *
 * Fills in @h, writes the record and pads it to CKPT_REC_ALIGN.
 *
 * Return: 0 or a negative errno, also reported on the log.
 */
int ckpt_write_record(struct ckpt_ctx *ctx, u32 type, struct ckpt_hdr *h,
		      u32 size, const void *data, u32 data_len)
{
	static const u8 zeroes[CKPT_REC_ALIGN];
	u64 total = (u64)size + data_len;
	int ret;

	if (WARN_ON_ONCE(size < sizeof(*h) || total > CKPT_REC_MAX_LEN))
		return -E2BIG;
	h->type = type;
	h->len = ALIGN(total, CKPT_REC_ALIGN);

	ret = ckpt_write(ctx, h, size);
	if (!ret && data_len)
		ret = ckpt_write(ctx, data, data_len);
	if (!ret)
		ret = ckpt_write(ctx, zeroes, h->len - total);
	if (ret)
		return ckpt_err(ctx, ret,
				"writing record %#x at offset %lld failed: error %d",
				type, ctx->pos, ret);
	ctx->records++;
	return 0;
}

/* Write the @nr whole pages of @bvec, with no copy but the write's own. */
static int ckpt_write_bvec(struct ckpt_ctx *ctx, struct bio_vec *bvec,
			   unsigned int nr)
{
	struct iov_iter iter;
	unsigned int i;
	ssize_t n;

	for (i = 0; i < nr; i++) {
		void *p = kmap_local_page(bvec[i].bv_page);

		ctx->crc = crc32_le(ctx->crc, p, PAGE_SIZE);
		kunmap_local(p);
	}
	iov_iter_bvec(&iter, ITER_SOURCE, bvec, nr, (size_t)nr << PAGE_SHIFT);
	while (iov_iter_count(&iter)) {
		n = vfs_iter_write(ctx->file, &iter, ckpt_ppos(ctx->file), 0);
		if (n < 0)
			return n;
		if (!n)
			return -EIO;
		ctx->pos += n;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

/**
 * ckpt_write_record_pages - write one record whose data is whole pages
 * @ctx: the checkpoint
 * @type: CKPT_REC_* type
 * @h: the record's fixed part, which starts with its struct ckpt_hdr
 * @size: size of the fixed part, header included, a multiple of
 *	  CKPT_REC_ALIGN
 * @bvec: the pages, whole, which the caller holds
 * @nr: how many
 *
 * As ckpt_write_record(), but the pages go from where they are to the
 * image: no copy into a buffer of ours first.
 *
 * Return: 0 or a negative errno, also reported on the log.
 */
int ckpt_write_record_pages(struct ckpt_ctx *ctx, u32 type, struct ckpt_hdr *h,
			    u32 size, struct bio_vec *bvec, unsigned int nr)
{
	u64 total = (u64)size + ((u64)nr << PAGE_SHIFT);
	int ret;

	if (WARN_ON_ONCE(size < sizeof(*h) || size % CKPT_REC_ALIGN ||
			 total > CKPT_REC_MAX_LEN))
		return -E2BIG;
	h->type = type;
	h->len = total;
	ret = ckpt_write(ctx, h, size);
	if (!ret)
		ret = ckpt_write_bvec(ctx, bvec, nr);
	if (ret)
		return ckpt_err(ctx, ret,
				"writing record %#x at offset %lld failed: error %d",
				type, ctx->pos, ret);
	ctx->records++;
	return 0;
}

static int ckpt_read(struct ckpt_ctx *ctx, void *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = ckpt_kread(ctx->file, buf, len, ckpt_ppos(ctx->file));
		if (n < 0)
			return ckpt_err(ctx, n,
					"reading the image at offset %lld failed: error %zd",
					ctx->pos, n);
		if (!n)
			return ckpt_err(ctx, -EBADMSG,
					"image truncated at offset %lld (no tail record)",
					ctx->pos);
		ctx->crc = crc32_le(ctx->crc, buf, n);
		ctx->pos += n;
		buf += n;
		len -= n;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

/**
 * ckpt_read_hdr - read and check the header of the next record
 * @ctx: the restart
 * @h: where to store it
 *
 * Return: 0, -EINVAL for a malformed header, or the error of the read.
 */
int ckpt_read_hdr(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	int ret;

	ctx->rec_pos = ctx->pos;
	ctx->rec_crc = ctx->crc;
	ret = ckpt_read(ctx, h, sizeof(*h));
	if (ret)
		return ret;
	if (h->len < sizeof(*h) || h->len % CKPT_REC_ALIGN ||
	    h->len > CKPT_REC_MAX_LEN)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: record type %#x has invalid length %u",
				ctx->rec_pos, h->type, h->len);
	ctx->rec_end = ctx->rec_pos + h->len;
	ctx->records++;
	return 0;
}

/**
 * ckpt_read_body - read the fixed part of the current record
 * @ctx: the restart
 * @h: the record, whose header ckpt_read_hdr() has filled in
 * @size: size of the fixed part, header included
 *
 * Return: 0, -EINVAL if the record is shorter than @size, or the error
 * of the read.
 */
int ckpt_read_body(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 size)
{
	if (h->len < size)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: record type %#x is %u bytes, expected at least %u",
				ctx->rec_pos, h->type, h->len, size);
	return ckpt_read(ctx, h + 1, size - sizeof(*h));
}

/**
 * ckpt_read_bytes - read variable data of the current record
 * @ctx: the restart
 * @buf: destination
 * @len: bytes to read
 *
 * Return: 0, -EINVAL if the record ends before, or the error of the read.
 */
int ckpt_read_bytes(struct ckpt_ctx *ctx, void *buf, u32 len)
{
	if (len > ctx->rec_end - ctx->pos)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: record data runs past the end of the record",
				ctx->rec_pos);
	return ckpt_read(ctx, buf, len);
}

/**
 * ckpt_read_pages - read whole pages of the current record into pages
 * @ctx: the restart
 * @bvec: the destination pages, whole, which the caller holds
 * @nr: how many
 *
 * As ckpt_read_bytes(), but the image is read straight into the pages:
 * the read's copy is the only one.
 *
 * Return: 0, -EINVAL if the record ends before, or the error of the read.
 */
int ckpt_read_pages(struct ckpt_ctx *ctx, struct bio_vec *bvec,
		    unsigned int nr)
{
	size_t len = (size_t)nr << PAGE_SHIFT;
	struct iov_iter iter;
	unsigned int i;
	ssize_t n;

	if (len > ctx->rec_end - ctx->pos)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: record data runs past the end of the record",
				ctx->rec_pos);
	iov_iter_bvec(&iter, ITER_DEST, bvec, nr, len);
	while (iov_iter_count(&iter)) {
		n = vfs_iter_read(ctx->file, &iter, ckpt_ppos(ctx->file), 0);
		if (n < 0)
			return ckpt_err(ctx, n,
					"reading the image at offset %lld failed: error %zd",
					ctx->pos, n);
		if (!n)
			return ckpt_err(ctx, -EBADMSG,
					"image truncated at offset %lld (no tail record)",
					ctx->pos);
		ctx->pos += n;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	for (i = 0; i < nr; i++) {
		void *p = kmap_local_page(bvec[i].bv_page);

		ctx->crc = crc32_le(ctx->crc, p, PAGE_SIZE);
		kunmap_local(p);
	}
	return 0;
}

/**
 * ckpt_skip_record - skip what is left of the current record
 * @ctx: the restart
 *
 * Return: 0 or the error of the read.
 */
int ckpt_skip_record(struct ckpt_ctx *ctx)
{
	u8 buf[256];
	int ret;

	while (ctx->pos < ctx->rec_end) {
		ret = ckpt_read(ctx, buf, min_t(loff_t, sizeof(buf),
						ctx->rec_end - ctx->pos));
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * ckpt_read_string - read a path or name of the current record
 * @ctx: the restart
 * @len: its length in the image, without NUL; 0 for none
 * @str: set to a kmalloc'ed NUL-terminated copy, or NULL when @len is 0
 *
 * Return: 0, -EINVAL for an overlong string or one with a NUL inside,
 * or the error of the read.
 */
int ckpt_read_string(struct ckpt_ctx *ctx, u32 len, char **str)
{
	char *s;
	int ret;

	*str = NULL;
	if (!len)
		return 0;
	if (len >= PATH_MAX)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: string of %u bytes is too long",
				ctx->rec_pos, len);
	s = kmalloc(len + 1, GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = ckpt_read_bytes(ctx, s, len);
	s[len] = 0;
	if (!ret && strlen(s) != len)
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: string with a NUL byte inside",
			       ctx->rec_pos);
	if (ret) {
		kfree(s);
		return ret;
	}
	*str = s;
	return 0;
}
