// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of the pseudo-terminals a tree holds.
 *
 * A pty whose master (/dev/ptmx) a task of the tree holds is the tree's
 * own terminal (script, tmux, screen, expect, an ssh server): it is
 * saved as an object, once, in a PTY record right before the FILE record
 * that first names one of its ends.  The record holds its index, the
 * slave's termios (a master's cannot change), the window size, the slave's lock, packet mode and
 * flow control, the slave's owner and mode, and the input that each
 * end's line discipline holds and its reader did not read yet (copied:
 * a checkpoint that leaves the tree running takes nothing).  A pty whose
 * master the tree does not hold is a terminal outside the tree (the
 * user's own): that one stays a CKPT_FILE_TTY, which restart replaces by
 * its own terminal.
 *
 * Restart opens the master's path again for a new pty with the same
 * index in the devpts instance that path leads to, and refuses when that
 * index is taken there.  It keeps an open file of the slave of its own
 * until the restart ends: descriptors of the slave are opened again on
 * it, and a slave that no descriptor holds any more is closed again.
 * A session whose controlling terminal the pty was gets it back, with
 * its foreground process group, when the restart commits.
 *
 * Refused by name: a master open more than once, a slave never opened,
 * a hung-up pty, a line discipline other than N_TTY, input the line
 * discipline has not taken yet, echoes not written yet.
 */
#include <linux/bitmap.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/devpts_fs.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/tty_flip.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>
#include "tty.h"

/* ckpt_obj_pty() state */
#define CKPT_PTY_KNOWN		BIT(0)	/* CKPT_PTY_INSIDE is decided */
#define CKPT_PTY_INSIDE		BIT(1)	/* the tree holds the master */
#define CKPT_PTY_WRITTEN	BIT(2)	/* its PTY record is written */

/* The image's device number of /dev/ptmx (major << 20 | minor) */
#define CKPT_RDEV_PTMX		(TTYAUX_MAJOR << 20 | 2)

#define CKPT_PTY_WORDS		(CKPT_PTY_INPUT_MAX / 32)

/* What restart keeps of a pty until the restart ends. */
struct rst_pty {
	struct file *master;	/* the master's open file */
	struct file *slave;	/* restart's own open file of the slave */
	bool master_taken;	/* a descriptor of the image has the master */
};

/* The input of one end of a pty, as saved. */
struct ckpt_pty_input {
	u8 buf[CKPT_PTY_INPUT_MAX];
	DECLARE_BITMAP(lines, CKPT_PTY_INPUT_MAX);
	u32 words[CKPT_PTY_WORDS];
	u32 len;
	u32 canon;
};

/* The terminal of an open file of a tty (tty_io.c has the same). */
static struct tty_struct *file_tty(struct file *file)
{
	return ((struct tty_file_private *)file->private_data)->tty;
}

/* The end of a Unix 98 pty that @file is open on, or NULL. */
static struct tty_struct *ckpt_file_pty(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct tty_struct *tty;

	if (!S_ISCHR(inode->i_mode) || file->f_op->unlocked_ioctl != tty_ioctl)
		return NULL;
	tty = file_tty(file);
	if (tty->driver->type != TTY_DRIVER_TYPE_PTY ||
	    !(tty->driver->flags & TTY_DRIVER_DEVPTS_MEM))
		return NULL;
	return tty;
}

static struct tty_struct *pty_master(struct tty_struct *tty)
{
	return tty->driver->subtype == PTY_TYPE_MASTER ? tty : tty->link;
}

/* Is @file an open file of the pty master @arg? */
static bool ckpt_file_of_master(struct file *file, const void *arg)
{
	return ckpt_file_pty(file) == arg;
}

/*
 * The objhash state of the pty of @master, with whether the tree holds
 * the master decided; an ERR_PTR(-ENOMEM).
 */
static u32 *ckpt_pty_state(struct ckpt_ctx *ctx, struct tty_struct *master,
			   u32 *ref)
{
	u32 *state = ckpt_obj_pty(ctx, master, ref);

	if (!IS_ERR(state) && !(*state & CKPT_PTY_KNOWN))
		*state |= CKPT_PTY_KNOWN |
			  (ckpt_tree_holds(ctx, ckpt_file_of_master, master) ?
			   CKPT_PTY_INSIDE : 0);
	return state;
}

/* A pty the tree holds the master of?  (Out of memory: say yes, and fail later.) */
static bool ckpt_is_pty(struct ckpt_ctx *ctx, struct file *file)
{
	struct tty_struct *tty = ckpt_file_pty(file);
	u32 ref, *state;

	if (!tty)
		return false;
	state = ckpt_pty_state(ctx, pty_master(tty), &ref);
	return IS_ERR(state) || (*state & CKPT_PTY_INSIDE);
}

/**
 * ckpt_pty_ctty - is a controlling terminal a pty of the tree?
 * @ctx: the checkpoint
 * @tty: a task's controlling terminal
 * @ref: set to the pty's number if it is
 *
 * Return: true if the tree holds the master of @tty (or memory ran out:
 * writing the pty fails then).
 */
bool ckpt_pty_ctty(struct ckpt_ctx *ctx, struct tty_struct *tty, u32 *ref)
{
	u32 *state, nr = 0;

	if (tty->driver->type != TTY_DRIVER_TYPE_PTY ||
	    !(tty->driver->flags & TTY_DRIVER_DEVPTS_MEM))
		return false;
	state = ckpt_pty_state(ctx, pty_master(tty), &nr);
	if (!IS_ERR(state) && !(*state & CKPT_PTY_INSIDE))
		return false;
	*ref = nr;
	return true;
}

static void ckpt_termios(struct tty_struct *tty, struct ckpt_termios *t)
{
	BUILD_BUG_ON(NCCS != CKPT_PTY_NCCS);
	down_read(&tty->termios_rwsem);
	t->c_iflag = tty->termios.c_iflag;
	t->c_oflag = tty->termios.c_oflag;
	t->c_cflag = tty->termios.c_cflag;
	t->c_lflag = tty->termios.c_lflag;
	t->c_ispeed = tty->termios.c_ispeed;
	t->c_ospeed = tty->termios.c_ospeed;
	t->c_line = tty->termios.c_line;
	memcpy(t->c_cc, tty->termios.c_cc, NCCS);
	up_read(&tty->termios_rwsem);
}

/* Nothing waits in @tty's flip buffer for the line discipline? */
static bool ckpt_pty_flip_empty(struct tty_struct *tty)
{
	struct tty_buffer *head = READ_ONCE(tty->port->buf.head);

	if (READ_ONCE(head->next))
		return false;
	/* commit is published with smp_store_release() by tty_flip_buffer_commit() */
	return READ_ONCE(head->read) == smp_load_acquire(&head->commit);
}

static bool ckpt_pty_n_tty(struct tty_struct *tty)
{
	struct tty_ldisc *ld = tty_ldisc_ref(tty);
	bool ok = ld && ld->ops->num == N_TTY;

	if (ld)
		tty_ldisc_deref(ld);
	return ok;
}

/* The input the line discipline of @tty holds, or a refusal naming @end. */
static int ckpt_pty_input(struct ckpt_ctx *ctx, const struct ckpt_fd *f,
			  struct tty_struct *tty, const char *end,
			  struct ckpt_pty_input *in)
{
	size_t canon;
	ssize_t len;

	tty_buffer_flush_work(tty->port);
	if (!ckpt_pty_flip_empty(tty))
		return ckpt_err(ctx, -EBUSY,
				"pid %d fd %u (%s): the pty's %s has more input than its line discipline takes; retry once it is read",
				f->pid, f->fd, f->path, end);
	len = n_tty_save_input(tty, in->buf, in->lines, &canon);
	if (len < 0)
		return ckpt_err(ctx, len,
				"pid %d fd %u (%s): the pty's %s is in the middle of processing input (echoes not written, or a literal-next character); retry",
				f->pid, f->fd, f->path, end);
	in->len = len;
	in->canon = canon;
	bitmap_to_arr32(in->words, in->lines, CKPT_PTY_INPUT_MAX);
	return 0;
}

/* What the image cannot hold of the pty of @master, or NULL. */
static const char *ckpt_pty_unsupported(struct tty_struct *master)
{
	struct tty_struct *slave = master->link;

	if (master->count != 1)
		return "a pty master open more than once (opened again through /proc)";
	/* the master holds one count of its slave (pty_common_install()) */
	if (slave->count <= 1 && !test_bit(TTY_OTHER_CLOSED, &master->flags))
		return "a pty whose slave was never opened";
	if (test_bit(TTY_HUPPED, &slave->flags) ||
	    test_bit(TTY_HUPPING, &slave->flags))
		return "a hung-up pty";
	if (!ckpt_pty_n_tty(master) || !ckpt_pty_n_tty(slave))
		return "a pty with a line discipline other than N_TTY";
	if (master->flow.stopped || master->flow.tco_stopped ||
	    slave->flow.tco_stopped)
		return "a pty whose master's output is stopped";
	return NULL;
}

/* The path of the master's only open file (checked by the caller). */
static char *ckpt_pty_master_path(struct tty_struct *master, char *buf,
				  struct file **filep)
{
	struct tty_file_private *priv;
	struct file *file = NULL;

	spin_lock(&master->files_lock);
	priv = list_first_entry_or_null(&master->tty_files,
					struct tty_file_private, list);
	if (priv)
		file = get_file(priv->file);
	spin_unlock(&master->files_lock);
	*filep = file;
	if (!file)
		return ERR_PTR(-ENOENT);
	return file_path(file, buf, PATH_MAX);
}

/* Everything of the PTY record but the input. */
static int ckpt_pty_fill(struct ckpt_ctx *ctx, const struct ckpt_fd *f,
			 struct tty_struct *master, struct ckpt_rec_pty *rec)
{
	struct user_namespace *ns = task_cred_xxx(ctx->root, user_ns);
	struct tty_struct *slave = master->link;
	struct dentry *dentry = slave->driver_data;
	struct inode *inode = d_inode(dentry);

	rec->index = master->index;
	if (test_bit(TTY_PTY_LOCK, &master->flags))
		rec->flags |= CKPT_PTY_LOCKED;
	if (master->ctrl.packet)
		rec->flags |= CKPT_PTY_PACKET;
	if (test_bit(TTY_OTHER_CLOSED, &master->flags))
		rec->flags |= CKPT_PTY_SLAVE_CLOSED;
	if (slave->flow.stopped)
		rec->flags |= CKPT_PTY_STOPPED;
	rec->pktstatus = slave->ctrl.pktstatus;
	rec->uid = from_kuid_munged(ns, inode->i_uid);
	rec->gid = from_kgid_munged(ns, inode->i_gid);
	rec->mode = inode->i_mode & 07777;
	ckpt_termios(slave, &rec->termios);
	mutex_lock(&slave->winsize_mutex);
	rec->winsize.ws_row = slave->winsize.ws_row;
	rec->winsize.ws_col = slave->winsize.ws_col;
	rec->winsize.ws_xpixel = slave->winsize.ws_xpixel;
	rec->winsize.ws_ypixel = slave->winsize.ws_ypixel;
	mutex_unlock(&slave->winsize_mutex);
	return 0;
}

/* Append @in's bytes at @data; its line words go at @words. */
static u32 ckpt_pty_pack(const struct ckpt_pty_input *in, u8 *data)
{
	memcpy(data, in->buf, in->len);
	return in->len;
}

static u32 ckpt_pty_pack_words(const struct ckpt_pty_input *in, u8 *data)
{
	u32 n = DIV_ROUND_UP(in->len, 32) * sizeof(u32);

	memcpy(data, in->words, n);
	return n;
}

/* Restart can open the master @mfile of @f's pty again by @path. */
static int ckpt_pty_master_reopens(struct ckpt_ctx *ctx,
				   const struct ckpt_fd *f,
				   struct file *mfile, const char *path)
{
	int ret = ckpt_path_reopens(mfile, path);

	if (ret < 0)
		return ckpt_err(ctx, ret,
				"pid %d fd %u (%s): cannot look the pty's master %s up: error %d",
				f->pid, f->fd, f->path, path, ret);
	if (!ret)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u (%s): the pty's master %s: its path does not lead to it any more",
				f->pid, f->fd, f->path, path);
	return 0;
}

/* Write the PTY record of @master, numbered @ref. */
static int ckpt_write_pty(struct ckpt_ctx *ctx, const struct ckpt_fd *f,
			  struct tty_struct *master, u32 ref)
{
	struct ckpt_pty_input *in;
	struct ckpt_rec_pty rec = { .pty = ref };
	struct file *mfile = NULL;
	const char *why;
	char *path;
	u8 *data;
	u32 len;
	int ret;

	why = ckpt_pty_unsupported(master);
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u (%s): %s is not supported yet",
				f->pid, f->fd, f->path, why);
	in = kvzalloc(2 * sizeof(*in), GFP_KERNEL | __GFP_NOWARN);
	data = kvmalloc(PATH_MAX + 2 * (CKPT_PTY_INPUT_MAX + CKPT_PTY_WORDS * 4),
			GFP_KERNEL | __GFP_NOWARN);
	ret = -ENOMEM;
	if (!in || !data)
		goto out;
	path = ckpt_pty_master_path(master, (char *)data, &mfile);
	ret = IS_ERR(path) ? PTR_ERR(path) : 0;
	if (!ret && (!(mfile->f_mode & FMODE_READ) ||
		     !(mfile->f_mode & FMODE_WRITE)))
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "pid %d fd %u (%s): a pty master not open for reading and writing is not supported yet",
			       f->pid, f->fd, f->path);
	else if (!ret)
		ret = ckpt_pty_master_reopens(ctx, f, mfile, path);
	if (ret)
		goto out;
	rec.path_len = strlen(path);
	memmove(data, path, rec.path_len);
	ret = ckpt_pty_fill(ctx, f, master, &rec);
	if (!ret)
		ret = ckpt_pty_input(ctx, f, master->link, "slave", &in[0]);
	if (!ret)
		ret = ckpt_pty_input(ctx, f, master, "master", &in[1]);
	if (ret)
		goto out;
	rec.to_slave = in[0].len;
	rec.to_slave_lines = in[0].canon;
	rec.to_master = in[1].len;
	rec.to_master_lines = in[1].canon;
	len = rec.path_len;
	len += ckpt_pty_pack(&in[0], data + len);
	len += ckpt_pty_pack(&in[1], data + len);
	len += ckpt_pty_pack_words(&in[0], data + len);
	len += ckpt_pty_pack_words(&in[1], data + len);
	ret = ckpt_write_record(ctx, CKPT_REC_PTY, &rec.h, sizeof(rec), data,
				len);
out:
	if (mfile)
		fput(mfile);
	kvfree(data);
	kvfree(in);
	return ret;
}

static int ckpt_pty_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
			       struct ckpt_rec_file *rec)
{
	struct tty_struct *tty = ckpt_file_pty(f->file);
	struct tty_struct *master = pty_master(tty);
	u32 *state = ckpt_pty_state(ctx, master, &rec->pty);
	int ret;

	if (IS_ERR(state))
		return PTR_ERR(state);
	/* restart could not share the master with anyone outside */
	if (tty == master)
		ckpt_obj_keep_inside(ctx, f->file);
	if (*state & CKPT_PTY_WRITTEN)
		return 0;
	ret = ckpt_write_pty(ctx, f, master, rec->pty);
	if (!ret)
		*state |= CKPT_PTY_WRITTEN;
	return ret;
}

static struct xarray *rst_ptys(struct ckpt_ctx *ctx)
{
	return &(ctx->coord ?: ctx)->ptys;
}

/* The FILE record of an end of a restored pty. */
static struct file *rst_pty_file(struct ckpt_ctx *ctx,
				 const struct ckpt_rec_file *rec,
				 const char *path)
{
	const int known = O_ACCMODE | O_NONBLOCK | O_APPEND | O_LARGEFILE |
			  O_NOCTTY | O_CLOEXEC;
	struct rst_pty *p = xa_load(rst_ptys(ctx), rec->pty);
	struct tty_struct *master;
	struct file *file;
	bool locked;

	if (!p || (rec->f_flags & ~known) ||
	    (rec->f_flags & O_ACCMODE) == O_ACCMODE)
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"fd %d: bad pty end (pty %u, flags %#x)",
					rec->fd, rec->pty, rec->f_flags));
	if (rec->rdev == CKPT_RDEV_PTMX) {
		if (p->master_taken)
			return ERR_PTR(ckpt_err(ctx, -EINVAL,
						"fd %d: a second open file of the master of pty %u",
						rec->fd, rec->pty));
		p->master_taken = true;
		file = get_file(p->master);
		spin_lock(&file->f_lock);
		file->f_flags = (file->f_flags & ~O_NONBLOCK) |
				(rec->f_flags & O_NONBLOCK);
		spin_unlock(&file->f_lock);
		return file;
	}
	/* the slave again, past its lock, as restart's own file is */
	master = file_tty(p->master);
	locked = test_and_clear_bit(TTY_PTY_LOCK, &master->flags);
	file = dentry_open(&p->slave->f_path, rec->f_flags | O_NOCTTY,
			   current_cred());
	if (locked)
		set_bit(TTY_PTY_LOCK, &master->flags);
	if (IS_ERR(file))
		ckpt_err(ctx, PTR_ERR(file),
			 "fd %d: cannot open the slave of pty %u again: error %ld",
			 rec->fd, rec->pty, PTR_ERR(file));
	return file;
}

const struct ckpt_file_ops ckpt_pty_file_ops = {
	.kind = CKPT_FILE_PTY,
	.numbered = true,
	.object = true,
	.is = ckpt_is_pty,
	.checkpoint = ckpt_pty_checkpoint,
	.restart = rst_pty_file,
};

static void rst_termios(const struct ckpt_termios *t, struct ktermios *kt)
{
	*kt = (struct ktermios) {
		.c_iflag = t->c_iflag,
		.c_oflag = t->c_oflag,
		.c_cflag = t->c_cflag,
		.c_lflag = t->c_lflag,
		.c_line = N_TTY,
		.c_ispeed = t->c_ispeed,
		.c_ospeed = t->c_ospeed,
	};
	memcpy(kt->c_cc, t->c_cc, NCCS);
}

/* Read the input of one end: @len bytes; its line words come later. */
static int rst_pty_read_input(struct ckpt_ctx *ctx, u32 len, u32 canon,
			      struct ckpt_pty_input *in)
{
	if (len > CKPT_PTY_INPUT_MAX || canon > len)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: pty input of %u bytes, %u in lines",
				ctx->rec_pos, len, canon);
	in->len = len;
	in->canon = canon;
	return ckpt_read_bytes(ctx, in->buf, len);
}

static int rst_pty_read_lines(struct ckpt_ctx *ctx, struct ckpt_pty_input *in)
{
	int ret = ckpt_read_bytes(ctx, in->words,
				  DIV_ROUND_UP(in->len, 32) * sizeof(u32));

	if (!ret)
		bitmap_from_arr32(in->lines, in->words, in->len);
	return ret;
}

static int rst_pty_check(struct ckpt_ctx *ctx, const struct ckpt_rec_pty *rec)
{
	const u32 known = CKPT_PTY_LOCKED | CKPT_PTY_PACKET |
			  CKPT_PTY_SLAVE_CLOSED | CKPT_PTY_STOPPED;

	if (!rec->pty || (rec->flags & ~known) || rec->index > INT_MAX ||
	    (rec->mode & ~07777) || rec->pktstatus > 0xff ||
	    rec->termios.c_line != N_TTY ||
	    !rec->path_len)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad pty %u (index %u, flags %#x)",
				ctx->rec_pos, rec->pty, rec->index, rec->flags);
	if (xa_load(rst_ptys(ctx), rec->pty))
		return ckpt_err(ctx, -EINVAL, "offset %lld: pty %u twice",
				ctx->rec_pos, rec->pty);
	return 0;
}

/* Open the slave of @p's master as ptm_open_peer() does. */
static int rst_pty_open_slave(struct ckpt_ctx *ctx, struct rst_pty *p)
{
	struct tty_struct *master = file_tty(p->master);
	struct path path;

	path.mnt = devpts_mntget(p->master, master->driver_data);
	if (IS_ERR(path.mnt))
		return PTR_ERR(path.mnt);
	path.dentry = master->link->driver_data;
	/* a new master locks its slave: rst_pty_state() locks it again */
	clear_bit(TTY_PTY_LOCK, &master->flags);
	p->slave = dentry_open(&path, O_RDWR | O_NOCTTY, current_cred());
	mntput(path.mnt);
	if (IS_ERR(p->slave)) {
		int ret = PTR_ERR(p->slave);

		p->slave = NULL;
		return ret;
	}
	return 0;
}

/* The slave's owner and mode, as far as the caller may chown and chmod. */
static int rst_pty_owner(struct ckpt_ctx *ctx, struct rst_pty *p,
			 const struct ckpt_rec_pty *rec)
{
	struct inode *inode = file_inode(p->slave);
	kuid_t uid = make_kuid(current_user_ns(), rec->uid);
	kgid_t gid = make_kgid(current_user_ns(), rec->gid);
	int ret = 0;

	if (!uid_eq(uid, inode->i_uid) || !gid_eq(gid, inode->i_gid))
		ret = vfs_fchown(p->slave, rec->uid, rec->gid);
	if (!ret && (inode->i_mode & 07777) != rec->mode)
		ret = vfs_fchmod(p->slave, rec->mode);
	if (ret)
		ckpt_err(ctx, ret,
			 "pty %u: cannot give its slave owner %u:%u and mode %#o: error %d",
			 rec->pty, rec->uid, rec->gid, rec->mode, ret);
	return ret;
}

/* Give the new pty of @p the state of @rec and its input @in. */
static int rst_pty_state(struct ckpt_ctx *ctx, struct rst_pty *p,
			 const struct ckpt_rec_pty *rec,
			 const struct ckpt_pty_input *in)
{
	struct tty_struct *master = file_tty(p->master);
	struct tty_struct *slave = master->link;
	struct winsize ws = {
		.ws_row = rec->winsize.ws_row,
		.ws_col = rec->winsize.ws_col,
		.ws_xpixel = rec->winsize.ws_xpixel,
		.ws_ypixel = rec->winsize.ws_ypixel,
	};
	struct ktermios kt;
	int ret;

	rst_termios(&rec->termios, &kt);
	tty_set_termios(slave, &kt);
	if (slave->ops->resize)
		slave->ops->resize(slave, &ws);
	else
		tty_do_resize(slave, &ws);
	ret = n_tty_restore_input(slave, in[0].buf, in[0].lines, in[0].len,
				  in[0].canon);
	if (!ret)
		ret = n_tty_restore_input(master, in[1].buf, in[1].lines,
					  in[1].len, in[1].canon);
	if (ret)
		return ckpt_err(ctx, ret,
				"pty %u: its input does not fit its termios (lines outside canonical mode)",
				rec->pty);
	spin_lock_irq(&master->ctrl.lock);
	master->ctrl.packet = rec->flags & CKPT_PTY_PACKET;
	spin_unlock_irq(&master->ctrl.lock);
	spin_lock_irq(&slave->ctrl.lock);
	slave->ctrl.pktstatus = rec->pktstatus;
	spin_unlock_irq(&slave->ctrl.lock);
	if (rec->flags & CKPT_PTY_STOPPED)
		stop_tty(slave);
	if (rec->flags & CKPT_PTY_LOCKED)
		set_bit(TTY_PTY_LOCK, &master->flags);
	return 0;
}

static void rst_pty_free(struct rst_pty *p)
{
	if (p->slave)
		fput(p->slave);
	if (p->master)
		fput(p->master);
	kfree(p);
}

/* Is @path a ptmx (/dev/ptmx, or a devpts instance's)? */
static bool rst_is_ptmx(const char *path)
{
	struct path found;
	struct inode *inode;
	bool ptmx;

	if (kern_path(path, LOOKUP_FOLLOW, &found))
		return false;
	inode = d_inode(found.dentry);
	ptmx = S_ISCHR(inode->i_mode) &&
	       inode->i_rdev == MKDEV(TTYAUX_MAJOR, 2);
	path_put(&found);
	return ptmx;
}

/* Make the pty of @rec, named by @path, with the input @in. */
static int rst_pty_make(struct ckpt_ctx *ctx, const struct ckpt_rec_pty *rec,
			const char *path, const struct ckpt_pty_input *in)
{
	struct rst_pty *p = kzalloc(sizeof(*p), GFP_KERNEL);
	int ret;

	if (!p)
		return -ENOMEM;
	if (!rst_is_ptmx(path)) {
		ret = ckpt_err(ctx, -EINVAL, "pty %u: %s is not a ptmx",
			       rec->pty, path);
		goto out;
	}
	p->master = ptmx_open_at(path, O_RDWR | O_NOCTTY, rec->index);
	if (IS_ERR(p->master)) {
		ret = PTR_ERR(p->master);
		p->master = NULL;
		if (ret == -ENOSPC)
			ckpt_err(ctx, ret,
				 "pty %u: index %u is taken (or out of range) in the devpts instance of %s",
				 rec->pty, rec->index, path);
		else
			ckpt_err(ctx, ret,
				 "pty %u: cannot open %s for a pty master: error %d",
				 rec->pty, path, ret);
		goto out;
	}
	ret = rst_pty_open_slave(ctx, p);
	if (ret) {
		ckpt_err(ctx, ret, "pty %u: cannot open its slave: error %d",
			 rec->pty, ret);
		goto out;
	}
	ret = rst_pty_owner(ctx, p, rec);
	if (!ret)
		ret = rst_pty_state(ctx, p, rec, in);
	if (!ret)
		ret = xa_insert(rst_ptys(ctx), rec->pty, p, GFP_KERNEL);
out:
	if (ret)
		rst_pty_free(p);
	return ret;
}

/**
 * rst_pty - restore a pseudo-terminal from its PTY record
 * @ctx: the restart
 * @h: header of a CKPT_REC_PTY record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_pty(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_pty rec = { .h = *h };
	struct ckpt_pty_input *in;
	char *path = NULL;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_pty_check(ctx, &rec);
	if (!ret)
		ret = ckpt_read_string(ctx, rec.path_len, &path);
	if (ret)
		return ret;
	in = kvzalloc(2 * sizeof(*in), GFP_KERNEL | __GFP_NOWARN);
	ret = in ? 0 : -ENOMEM;
	if (!ret)
		ret = rst_pty_read_input(ctx, rec.to_slave, rec.to_slave_lines,
					 &in[0]);
	if (!ret)
		ret = rst_pty_read_input(ctx, rec.to_master,
					 rec.to_master_lines, &in[1]);
	if (!ret)
		ret = rst_pty_read_lines(ctx, &in[0]);
	if (!ret)
		ret = rst_pty_read_lines(ctx, &in[1]);
	if (!ret)
		ret = rst_pty_make(ctx, &rec, path, in);
	kvfree(in);
	kfree(path);
	return ret;
}

/**
 * rst_pty_check_ctty - was the controlling terminal of @ids restored?
 * @ctx: the restart (the coordinator's, or restart(0)'s) with every
 *	 record read
 * @ids: a tree entry flagged CKPT_TASK_CTTY_PTY
 *
 * Return: 0, or -EINVAL with a log message.
 */
int rst_pty_check_ctty(struct ckpt_ctx *ctx, const struct ckpt_task_ids *ids)
{
	if (!xa_load(rst_ptys(ctx), ids->ctty_pty))
		return ckpt_err(ctx, -EINVAL,
				"pid %d: its controlling terminal, pty %u, is not in the image",
				ids->pid, ids->ctty_pty);
	/* restart(0): the caller itself must be able to take it */
	if (ctx->root == current &&
	    (current->signal->tty ||
	     !current->signal->leader != !(ids->flags & CKPT_TASK_SESSION_LEADER)))
		return ckpt_err(ctx, -EINVAL,
				"pid %d: the caller must %sbe a session leader, without a controlling terminal, to take pty %u as its own",
				ids->pid,
				(ids->flags & CKPT_TASK_SESSION_LEADER) ? "" : "not ",
				ids->ctty_pty);
	return 0;
}

/* The pid of process group @nr, referenced, or NULL. */
static struct pid *rst_pgrp(pid_t nr)
{
	struct pid *pgrp;

	rcu_read_lock();
	pgrp = find_pid_ns(nr, task_active_pid_ns(current));
	if (pgrp && !pid_task(pgrp, PIDTYPE_PGID))
		pgrp = NULL;
	pgrp = get_pid(pgrp);
	rcu_read_unlock();
	return pgrp;
}

/**
 * rst_pty_ctty_commit - give the caller its pty as controlling terminal
 * @ctx: the restart of a process flagged CKPT_TASK_CTTY_PTY, which
 *	 succeeded (rst_pty_check_ctty() found the pty)
 *
 * A session leader acquires the terminal, as TIOCSCTTY does, with the
 * image's foreground process group; the other processes of the session
 * had it from their leader (fork() copies it).
 */
void rst_pty_ctty_commit(struct ckpt_ctx *ctx)
{
	const struct ckpt_task_ids *ids = rst_process_ids(ctx);
	struct rst_pty *p;
	struct tty_struct *tty;
	struct pid *pgrp;

	if (!ids || !(ids->flags & CKPT_TASK_CTTY_PTY) || rst_is_thread(ctx))
		return;
	p = xa_load(rst_ptys(ctx), ids->ctty_pty);
	if (!p)
		return;
	tty = file_tty(p->slave);
	if (!(ids->flags & CKPT_TASK_SESSION_LEADER)) {
		spin_lock_irq(&current->sighand->siglock);
		tty_kref_put(current->signal->tty);
		current->signal->tty = tty_kref_get(tty);
		spin_unlock_irq(&current->sighand->siglock);
		return;
	}
	tty_lock(tty);
	tty_open_proc_set_tty(p->slave, tty);
	tty_unlock(tty);
	pgrp = ids->tty_pgrp ? rst_pgrp(ids->tty_pgrp) : NULL;
	if (!pgrp)
		return;
	spin_lock_irq(&tty->ctrl.lock);
	swap(tty->ctrl.pgrp, pgrp);
	spin_unlock_irq(&tty->ctrl.lock);
	put_pid(pgrp);
}

/**
 * rst_ptys_end - close what restart kept of its ptys
 * @ctx: the restart
 *
 * A slave that no descriptor of the image holds is closed again (its
 * master reads EIO then, as before the checkpoint).
 */
void rst_ptys_end(struct ckpt_ctx *ctx)
{
	struct rst_pty *p;
	unsigned long id;

	xa_for_each(&ctx->ptys, id, p)
		rst_pty_free(p);
	xa_destroy(&ctx->ptys);
}
