// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of anonymous pipes.
 *
 * Each end of a pipe is an open file like any other (one objref, shared
 * by the descriptors and tasks that share it); the pipe gets a number of
 * its own, the same for both ends, and its capacity and the bytes it
 * holds are saved once, in a PIPE_DATA record right after the FILE record
 * of the first end that names it.  The bytes are copied, not consumed:
 * the target reads them after a checkpoint that leaves it running.
 *
 * A pipe may have more open files than its two ends: one opened again
 * through /proc/PID/fd (for reading, writing or both) is another open
 * file of the same pipe, with an objref of its own.
 *
 * Restart creates the pipe at its first end and keeps the other end
 * until a descriptor of the image wants it; an end that no descriptor
 * wants is closed once the restart ends, as it was closed before.  Any
 * further open file of the pipe is opened again on it, as /proc does.
 * A named FIFO is a pipe too, reached by a path: its open files are
 * reopened by path on the same FIFO, which restart keeps open for reading
 * and writing meanwhile (so that no open waits for the other end), its
 * bytes saved as a pipe's.  Nothing outside the tree may have it open,
 * even in a subtree checkpoint: restart could not share it again.  An
 * unlinked FIFO, packet-mode pipes and notification pipes are refused.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>
#include <linux/xarray.h>

/* What restart keeps of a pipe: its two ends, until the restart ends. */
struct rst_pipe {
	struct file *end[2];	/* read end, write end */
	bool taken[2];		/* a descriptor of the image has it */
};

/* Is @file an end of an anonymous pipe? */
static bool ckpt_is_pipe(struct ckpt_ctx *ctx, struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISFIFO(inode->i_mode) && inode->i_sb->s_magic == PIPEFS_MAGIC;
}

/**
 * ckpt_pipe_ends - how many open files the ends of @pipe have
 * @pipe: the pipe
 */
unsigned int ckpt_pipe_ends(struct pipe_inode_info *pipe)
{
	return READ_ONCE(pipe->readers) + READ_ONCE(pipe->writers);
}

/* Refuse a pipe the image cannot hold: 0, or -EOPNOTSUPP and a message. */
static int ckpt_check_pipe(struct ckpt_ctx *ctx, struct file *file, pid_t pid,
			   unsigned int fd)
{
	struct pipe_inode_info *pipe = get_pipe_info(file, false);
	const char *why = NULL;

	if (!pipe || !(file->f_mode & (FMODE_READ | FMODE_WRITE)))
		why = "an open file that neither reads nor writes the pipe";
	else if (file->f_flags & O_DIRECT)
		why = "a packet-mode pipe (O_DIRECT)";
#ifdef CONFIG_WATCH_QUEUE
	else if (pipe->watch_queue)
		why = "a notification pipe";
#endif
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u: %s is not supported yet",
				pid, fd, why);
	return 0;
}

/* The bytes @pipe holds, copied into a new buffer; the count in *@len. */
static void *ckpt_pipe_bytes(struct ckpt_ctx *ctx, struct pipe_inode_info *pipe,
			     u32 *len)
{
	unsigned int mask = pipe->ring_size - 1, i;
	struct pipe_buffer *buf;
	u32 n = 0, off = 0;
	void *data, *p;
	int ret = 0;

	for (i = pipe->tail; i != pipe->head; i++)
		n += pipe->bufs[i & mask].len;
	data = kvmalloc(max_t(u32, n, 1), GFP_KERNEL | __GFP_NOWARN);
	if (!data)
		return ERR_PTR(-ENOMEM);
	for (i = pipe->tail; i != pipe->head && !ret; i++) {
		buf = &pipe->bufs[i & mask];
		ret = pipe_buf_confirm(pipe, buf);
		if (ret)
			break;
		p = kmap_local_page(buf->page);
		memcpy(data + off, p + buf->offset, buf->len);
		kunmap_local(p);
		off += buf->len;
	}
	if (ret) {
		kvfree(data);
		return ERR_PTR(ckpt_err(ctx, ret,
					"a pipe's buffered data cannot be read: error %d",
					ret));
	}
	*len = n;
	return data;
}

/*
 * Check an end and number its pipe: a pipe met for the first time gets
 * its PIPE_DATA record after the end's FILE record.
 */
static int ckpt_pipe_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				struct ckpt_rec_file *rec)
{
	int ret = ckpt_check_pipe(ctx, f->file, f->pid, f->fd);

	if (!ret)
		ret = ckpt_obj_pipe(ctx, get_pipe_info(f->file, false),
				    f->file->f_mode, f->new_file, false,
				    &rec->pipe);
	if (ret < 0)
		return ret;
	f->data = ret;
	return 0;
}

/* Write the PIPE_DATA record of the pipe of @f, an end of it. */
static int ckpt_write_pipe_data(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				const struct ckpt_rec_file *file_rec)
{
	struct pipe_inode_info *pipe = get_pipe_info(f->file, false);
	struct ckpt_rec_pipe_data rec = { .pipe = file_rec->pipe };
	void *data;
	int ret;

	pipe_lock(pipe);
	data = ckpt_pipe_bytes(ctx, pipe, &rec.len);
	rec.size = pipe->max_usage << PAGE_SHIFT;
	pipe_unlock(pipe);
	if (IS_ERR(data))
		return PTR_ERR(data);
	ret = ckpt_write_record(ctx, CKPT_REC_PIPE_DATA, &rec.h, sizeof(rec),
				data, rec.len);
	kvfree(data);
	return ret;
}

/* The pipe numbered @id, made at its first end; NULL if unknown. */
static struct rst_pipe *rst_pipe(struct ckpt_ctx *ctx, u32 id, bool create)
{
	struct xarray *pipes = &(ctx->coord ?: ctx)->pipes;
	struct rst_pipe *p = xa_load(pipes, id);
	struct file *res[2];
	int ret;

	if (p || !create)
		return p;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	ret = create_pipe_files(res, 0);
	if (!ret) {
		p->end[0] = res[0];
		p->end[1] = res[1];
		ret = xa_insert(pipes, id, p, GFP_KERNEL);
		if (ret) {
			fput(res[0]);
			fput(res[1]);
		}
	}
	if (ret) {
		kfree(p);
		return ERR_PTR(ret);
	}
	return p;
}

/*
 * Another open file of pipe @p, as opening /proc/PID/fd/N makes: the
 * ends that restart holds keep a reader and a writer, so it does not
 * wait for one.
 */
static struct file *rst_pipe_reopen(struct ckpt_ctx *ctx, struct rst_pipe *p,
				    const struct ckpt_rec_file *rec)
{
	struct file *file;

	file = dentry_open(&p->end[0]->f_path,
			   rec->f_flags & (O_ACCMODE | O_NONBLOCK),
			   current_cred());
	if (IS_ERR(file))
		ckpt_err(ctx, PTR_ERR(file),
			 "fd %d: cannot open pipe %u again: error %ld",
			 rec->fd, rec->pipe, PTR_ERR(file));
	return file;
}

/*
 * The open file of a pipe that a FILE record names: the first reading
 * and the first writing open file of a pipe are the ends that made it;
 * any other is opened again on it.  A reference to the file, with the
 * record's O_NONBLOCK, or an ERR_PTR with a log message.
 */
static struct file *rst_pipe_end(struct ckpt_ctx *ctx,
				 const struct ckpt_rec_file *rec,
				 const char *path)
{
	int acc = rec->f_flags & O_ACCMODE;
	struct rst_pipe *p;
	struct file *file;
	int end;

	if (!rec->pipe || acc == (O_WRONLY | O_RDWR) ||
	    (rec->f_flags & ~(O_ACCMODE | O_NONBLOCK | O_LARGEFILE)))
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"fd %d: bad pipe end (pipe %u, flags %#x)",
					rec->fd, rec->pipe, rec->f_flags));
	p = rst_pipe(ctx, rec->pipe, true);
	if (IS_ERR(p))
		return ERR_CAST(p);
	end = acc == O_WRONLY;
	if (acc == O_RDWR || p->taken[end])
		return rst_pipe_reopen(ctx, p, rec);
	p->taken[end] = true;
	file = get_file(p->end[end]);
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~O_NONBLOCK) |
			(rec->f_flags & O_NONBLOCK);
	spin_unlock(&file->f_lock);
	return file;
}

const struct ckpt_file_ops ckpt_pipe_file_ops = {
	.kind = CKPT_FILE_PIPE,
	.numbered = true,
	.object = true,
	.is = ckpt_is_pipe,
	.checkpoint = ckpt_pipe_checkpoint,
	.write_data = ckpt_write_pipe_data,
	.restart = rst_pipe_end,
};

/* Write @len bytes of the current record into the pipe's write end. */
static int rst_pipe_fill(struct ckpt_ctx *ctx, struct file *wr, u32 len)
{
	u32 chunk = min_t(u32, len, PAGE_SIZE * 16);
	loff_t pos = 0;
	ssize_t n;
	void *buf;
	int ret = 0;

	buf = kvmalloc(max_t(u32, chunk, 1), GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	while (len && !ret) {
		chunk = min_t(u32, len, PAGE_SIZE * 16);
		ret = ckpt_read_bytes(ctx, buf, chunk);
		if (ret)
			break;
		n = kernel_write(wr, buf, chunk, &pos);
		if (n != chunk)
			ret = ckpt_err(ctx, n < 0 ? n : -EIO,
				       "cannot refill a pipe: error %zd", n);
		len -= chunk;
	}
	kvfree(buf);
	return ret;
}

/**
 * rst_pipe_data - give a pipe its capacity and the bytes it held
 * @ctx: the restart
 * @h: header of a CKPT_REC_PIPE_DATA record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_pipe_data(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_pipe_data rec = { .h = *h };
	struct rst_pipe *p;
	struct file *wr;
	long ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	p = rst_pipe(ctx, rec.pipe, false);
	if (!p || rec.len > rec.size || rec.len > rec.h.len - sizeof(rec))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: data of pipe %u (%u of %u bytes) without its pipe or room",
				ctx->rec_pos, rec.pipe, rec.len, rec.size);
	wr = p->end[1];
	ret = pipe_fcntl(wr, F_SETPIPE_SZ, rec.size);
	if (ret < 0)
		return ckpt_err(ctx, ret,
				"pipe %u: cannot set its capacity to %u bytes: error %ld",
				rec.pipe, rec.size, ret);
	if (ret < rec.len)
		return ckpt_err(ctx, -EINVAL, "pipe %u: %u bytes do not fit",
				rec.pipe, rec.len);
	return rst_pipe_fill(ctx, wr, rec.len);
}

/**
 * rst_pipes_end - close the pipe ends that no descriptor took
 * @ctx: the restart
 */
void rst_pipes_end(struct ckpt_ctx *ctx)
{
	struct rst_pipe *p;
	unsigned long id;

	xa_for_each(&ctx->pipes, id, p) {
		fput(p->end[0]);
		fput(p->end[1]);
		kfree(p);
	}
	xa_destroy(&ctx->pipes);
}

/* Is @file a named FIFO (a pipe reached by a path)? */
static bool ckpt_is_fifo(struct ckpt_ctx *ctx, struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISFIFO(inode->i_mode) && inode->i_sb->s_magic != PIPEFS_MAGIC;
}

static int ckpt_fifo_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				struct ckpt_rec_file *rec)
{
	int ret;

	ret = ckpt_check_reopens(ctx, f);
	if (!ret)
		ret = ckpt_check_pipe(ctx, f->file, f->pid, f->fd);
	if (!ret)
		ret = ckpt_obj_pipe(ctx, get_pipe_info(f->file, false),
				    f->file->f_mode, f->new_file, true,
				    &rec->pipe);
	if (ret < 0)
		return ret;
	f->data = ret;
	return 0;
}

/*
 * Open the FIFO at @path for restart to keep, as pipe @id: it must be
 * a FIFO that no one else has open and that holds nothing, or the image's
 * bytes would mix with others'.
 */
static struct rst_pipe *rst_fifo_keep(struct ckpt_ctx *ctx, u32 id,
				      const char *path)
{
	struct xarray *pipes = &(ctx->coord ?: ctx)->pipes;
	struct pipe_inode_info *pipe;
	struct rst_pipe *p;
	struct file *keep;
	bool alone;
	int ret;

	keep = filp_open(path, O_RDWR | O_NONBLOCK, 0);
	if (IS_ERR(keep)) {
		ckpt_err(ctx, PTR_ERR(keep), "cannot open the FIFO %s: error %ld",
			 path, PTR_ERR(keep));
		return ERR_CAST(keep);
	}
	pipe = get_pipe_info(keep, false);
	if (!pipe || !ckpt_is_fifo(ctx, keep)) {
		fput(keep);
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "%s is not a FIFO", path));
	}
	pipe_lock(pipe);
	alone = pipe->readers == 1 && pipe->writers == 1 &&
		pipe_empty(pipe->head, pipe->tail);
	pipe_unlock(pipe);
	if (!alone) {
		fput(keep);
		return ERR_PTR(ckpt_err(ctx, -EBUSY,
					"the FIFO %s is open outside the restart, or holds bytes",
					path));
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	ret = p ? 0 : -ENOMEM;
	if (p) {
		p->end[0] = keep;
		p->end[1] = get_file(keep);
		p->taken[0] = p->taken[1] = true;
		ret = xa_insert(pipes, id, p, GFP_KERNEL);
	}
	if (ret) {
		if (p)
			fput(keep);
		fput(keep);
		kfree(p);
		return ERR_PTR(ret);
	}
	return p;
}

/* An open file of a named FIFO: opened again by its path. */
static struct file *rst_fifo_open(struct ckpt_ctx *ctx,
				  const struct ckpt_rec_file *rec,
				  const char *path)
{
	const int known = O_ACCMODE | O_NONBLOCK | O_APPEND | O_LARGEFILE |
			  O_NOATIME | O_CLOEXEC;
	struct rst_pipe *p;
	struct file *file;

	if (!rec->pipe || (rec->f_flags & ~known) ||
	    (rec->f_flags & O_ACCMODE) == O_ACCMODE)
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"fd %d: bad FIFO end (pipe %u, flags %#x)",
					rec->fd, rec->pipe, rec->f_flags));
	p = rst_pipe(ctx, rec->pipe, false) ?: rst_fifo_keep(ctx, rec->pipe, path);
	if (IS_ERR(p))
		return ERR_CAST(p);
	/* restart holds both ends: no open waits */
	file = filp_open(path, (rec->f_flags & ~O_CLOEXEC) | O_NONBLOCK, 0);
	if (IS_ERR(file)) {
		ckpt_err(ctx, PTR_ERR(file), "fd %d: cannot open the FIFO %s: error %ld",
			 rec->fd, path, PTR_ERR(file));
		return file;
	}
	if (file_inode(file) != file_inode(p->end[0])) {
		fput(file);
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"fd %d: %s is not the FIFO of pipe %u",
					rec->fd, path, rec->pipe));
	}
	if (!(rec->f_flags & O_NONBLOCK)) {
		spin_lock(&file->f_lock);
		file->f_flags &= ~O_NONBLOCK;
		spin_unlock(&file->f_lock);
	}
	return file;
}

const struct ckpt_file_ops ckpt_fifo_file_ops = {
	.kind = CKPT_FILE_FIFO,
	.by_path = true,
	.numbered = true,
	.object = true,
	.is = ckpt_is_fifo,
	.checkpoint = ckpt_fifo_checkpoint,
	.write_data = ckpt_write_pipe_data,
	.restart = rst_fifo_open,
};
