// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of epoll instances.
 *
 * An epoll is saved once, in an EPOLL record right before the FILE record
 * that first names it, with its interest list: for each watch, the
 * descriptor it was added with, its events and flags, its data and the
 * objref of the watched open file.  A watch is on a descriptor that the
 * process writing the record holds on that same file, or it outlived its
 * descriptor (closed, or dup2()ed over: a "stale" watch, which lives as
 * long as its file) and a task of the tree holds the file under another
 * descriptor; a stale watch on a file held only outside the tree is
 * refused by name.  The watched files are saved by their own FILE
 * records, as any other.
 *
 * Restart makes an empty epoll under the file's objref and keeps the
 * interest list until every descriptor of the process is restored; it
 * then adds each watch as epoll_ctl(EPOLL_CTL_ADD) does, on the restored
 * file under the watch's own descriptor number (a stale watch whose file a
 * process restored later holds waits for the end of the image), which
 * polls the file: what is ready is reported again, but an edge-triggered
 * watch that was not on the ready list at checkpoint time is taken off it
 * (the edge was consumed: not reported twice; one that was pending is
 * reported once), and an EPOLLONESHOT watch that fired stays disarmed.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
/* after fs.h and uaccess.h, which it uses */
#include <linux/eventpoll.h>

/* An epoll's interest list, until the process's descriptors are back. */
struct rst_epoll {
	struct rst_epoll *next;
	struct file *file;		/* referenced */
	u32 objref;
	u32 nr;
	struct ckpt_epoll_watch watch[];
};

/* The interest list of an epoll, as ckpt_epoll_watch() collects it. */
struct ckpt_epoll_list {
	struct ckpt_ctx *ctx;
	const struct ckpt_fd *f;
	struct ckpt_epoll_watch *watch;
	u32 nr, max;
	int stale_fd;		/* a watch whose descriptor is gone, or -1 */
};

static bool ckpt_is_epoll(struct ckpt_ctx *ctx, struct file *file)
{
	return !ep_ckpt_watches(file, NULL, NULL);
}

static int ckpt_epoll_watch(void *arg, struct file *target, int fd,
			    __poll_t events, u64 data, bool ready)
{
	struct ckpt_epoll_list *l = arg;
	struct ckpt_epoll_watch *w;
	struct file *held;
	bool stale;
	int ret;

	/* (the epoll's mutex is held: what goes wrong is logged after) */
	held = fget_task(l->f->task, fd);
	if (held)
		fput(held);
	stale = held != target;
	/* the FILE record of another descriptor restores a stale one's file */
	if (stale && !(ckpt_tree_holds_file(l->ctx, target) &&
		       ckpt_file_numbered(l->ctx, target))) {
		l->stale_fd = fd;
		return -EOPNOTSUPP;
	}
	if (l->nr == l->max) {
		if (l->max == CKPT_EPOLL_WATCHES_MAX)
			return -E2BIG;
		l->max = min(2 * l->max + 16, CKPT_EPOLL_WATCHES_MAX);
		w = kvrealloc(l->watch, l->max * sizeof(*w), GFP_KERNEL);
		if (!w)
			return -ENOMEM;
		l->watch = w;
	}
	w = &l->watch[l->nr++];
	*w = (struct ckpt_epoll_watch) {
		.fd = fd,
		.events = (__force u32)events,
		.data = data,
		.flags = (ready ? CKPT_EPOLL_WATCH_READY : 0) |
			 (stale ? CKPT_EPOLL_WATCH_STALE : 0),
	};
	ret = ckpt_obj_file_ref(l->ctx, target, &w->target);
	return ret;
}

static int ckpt_epoll_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				 struct ckpt_rec_file *file_rec)
{
	struct ckpt_rec_epoll rec = { .objref = file_rec->objref };
	struct ckpt_epoll_list l = { .ctx = ctx, .f = f, .stale_fd = -1 };
	int ret;

	if (!f->new_file)
		return 0;
	ret = ep_ckpt_watches(f->file, ckpt_epoll_watch, &l);
	if (ret == -EOPNOTSUPP)
		ckpt_err(ctx, ret,
			 "pid %d fd %u (%s): a watch on fd %d, which no longer refers to the watched file (closed or replaced), on a file no task of the tree holds under a descriptor, is not supported",
			 f->pid, f->fd, f->path, l.stale_fd);
	else if (ret == -E2BIG)
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "pid %d fd %u (%s): more than %u watches are not supported",
			       f->pid, f->fd, f->path, CKPT_EPOLL_WATCHES_MAX);
	if (!ret) {
		rec.nr_watches = l.nr;
		if (f->file->f_flags & O_NONBLOCK)
			rec.flags |= CKPT_EPOLL_NONBLOCK;
		ret = ckpt_write_record(ctx, CKPT_REC_EPOLL, &rec.h,
					sizeof(rec), l.watch,
					l.nr * sizeof(*l.watch));
	}
	kvfree(l.watch);
	return ret;
}

const struct ckpt_file_ops ckpt_epoll_file_ops = {
	.kind = CKPT_FILE_EPOLL,
	.numbered = true,
	.is = ckpt_is_epoll,
	.checkpoint = ckpt_epoll_checkpoint,
	.restart = rst_file_missing,
};

/**
 * rst_epoll - make the epoll of an EPOLL record, keep its interest list
 * @ctx: the restart
 * @h: header of a CKPT_REC_EPOLL record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_epoll(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_epoll rec = { .h = *h };
	struct rst_epoll *ep;
	struct file *file;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if ((rec.flags & ~CKPT_EPOLL_NONBLOCK) ||
	    rec.nr_watches > CKPT_EPOLL_WATCHES_MAX)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: epoll %u: flags %#x, %u watches",
				ctx->rec_pos, rec.objref, rec.flags,
				rec.nr_watches);
	ep = kvzalloc(struct_size(ep, watch, rec.nr_watches), GFP_KERNEL | __GFP_NOWARN);
	if (!ep)
		return -ENOMEM;
	ep->objref = rec.objref;
	ep->nr = rec.nr_watches;
	ret = ckpt_read_bytes(ctx, ep->watch, ep->nr * sizeof(*ep->watch));
	if (ret)
		goto out;
	file = ep_ckpt_file();
	if (IS_ERR(file)) {
		ret = ckpt_err(ctx, PTR_ERR(file),
			       "epoll %u: cannot make it: error %ld",
			       rec.objref, PTR_ERR(file));
		goto out;
	}
	if (rec.flags & CKPT_EPOLL_NONBLOCK)
		file->f_flags |= O_NONBLOCK;
	ep->file = get_file(file);
	ret = rst_new_file(ctx, rec.objref, file);
	if (ret) {
		fput(ep->file);
		goto out;
	}
	ep->next = ctx->epolls;
	ctx->epolls = ep;
	return 0;
out:
	kvfree(ep);
	return ret;
}

/* Keep stale watch @w of @ep until its file is restored: the image's end. */
static int rst_epoll_defer(struct ckpt_ctx *ctx, struct rst_epoll *ep,
			   const struct ckpt_epoll_watch *w)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	struct rst_epoll *later;

	later = kzalloc(struct_size(later, watch, 1), GFP_KERNEL);
	if (!later)
		return -ENOMEM;
	later->file = get_file(ep->file);
	later->objref = ep->objref;
	later->nr = 1;
	later->watch[0] = *w;
	later->next = owner->epolls_stale;
	owner->epolls_stale = later;
	return 0;
}

/* The restored file that watch @w of @ep is on, or NULL. */
static struct file *rst_epoll_target(struct ckpt_ctx *ctx,
				     const struct ckpt_epoll_watch *w)
{
	struct xarray *files = &(ctx->coord ?: ctx)->files;
	struct file *target = w->target ? xa_load(files, w->target) : NULL;
	struct file *held;

	if (!target || xa_get_mark(files, w->target, RST_MARK_SHMEM))
		return NULL;
	/* a stale watch's descriptor was closed or replaced: anything goes */
	if (w->flags & CKPT_EPOLL_WATCH_STALE)
		return target;
	held = w->fd >= 0 ? fget(w->fd) : NULL;
	if (held)
		fput(held);
	return held == target ? target : NULL;
}

/*
 * Add watch @w of @ep, on the restored file of its objref; one that may
 * be restored later (@last is false) waits, if the watch is stale.
 */
static int rst_epoll_add(struct ckpt_ctx *ctx, struct rst_epoll *ep,
			 const struct ckpt_epoll_watch *w, bool last)
{
	const u32 known = CKPT_EPOLL_WATCH_READY | CKPT_EPOLL_WATCH_STALE;
	struct epoll_event ev = { .events = w->events, .data = w->data };
	struct file *target;
	int ret;

	if (w->flags & ~known)
		return ckpt_err(ctx, -EINVAL,
				"epoll %u: watch of fd %d: unknown flags %#x",
				ep->objref, w->fd, w->flags);
	target = rst_epoll_target(ctx, w);
	if (!target && !last && (w->flags & CKPT_EPOLL_WATCH_STALE))
		return rst_epoll_defer(ctx, ep, w);
	if (!target || w->fd < 0)
		return ckpt_err(ctx, -EINVAL,
				"epoll %u watches fd %d, which is not the restored object %u",
				ep->objref, w->fd, w->target);
	/* epoll_ctl() would drop EPOLLWAKEUP silently: refuse instead */
	if ((w->events & EPOLLWAKEUP) && !capable(CAP_BLOCK_SUSPEND))
		return ckpt_err(ctx, -EPERM,
				"epoll %u: the watch of fd %d has EPOLLWAKEUP, which needs CAP_BLOCK_SUSPEND",
				ep->objref, w->fd);
	ret = ep_ckpt_add(ep->file, target, w->fd, &ev);
	if (ret)
		return ckpt_err(ctx, ret,
				"epoll %u: cannot watch fd %d (events %#x): error %d",
				ep->objref, w->fd, w->events, ret);
	/* an edge-triggered event taken before is not reported again */
	if ((w->events & EPOLLET) && !(w->flags & CKPT_EPOLL_WATCH_READY))
		ret = ep_ckpt_unready(ep->file, target, w->fd);
	return ret;
}

/**
 * rst_epoll_watches - add the watches of the epolls the process restored
 * @ctx: the restart of a process whose descriptors are all restored
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_epoll_watches(struct ckpt_ctx *ctx)
{
	struct rst_epoll *ep;
	int ret = 0;
	u32 i;

	for (ep = ctx->epolls; ep && !ret; ep = ep->next)
		for (i = 0; i < ep->nr && !ret; i++)
			ret = rst_epoll_add(ctx, ep, &ep->watch[i],
					    !ctx->coord);
	return ret;
}

/**
 * rst_epoll_commit - add the stale watches that waited for their files
 * @ctx: the restart, once the whole image is read
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_epoll_commit(struct ckpt_ctx *ctx)
{
	struct rst_epoll *ep;
	int ret = 0;

	for (ep = ctx->epolls_stale; ep && !ret; ep = ep->next)
		ret = rst_epoll_add(ctx, ep, &ep->watch[0], true);
	return ret;
}

/**
 * rst_epolls_end - forget the interest lists kept
 * @ctx: the restart
 */
void rst_epolls_end(struct ckpt_ctx *ctx)
{
	struct rst_epoll *ep;

	while ((ep = ctx->epolls)) {
		ctx->epolls = ep->next;
		fput(ep->file);
		kvfree(ep);
	}
	while ((ep = ctx->epolls_stale)) {
		ctx->epolls_stale = ep->next;
		fput(ep->file);
		kfree(ep);
	}
}
