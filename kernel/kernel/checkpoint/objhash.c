// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: objects shared between tasks.
 *
 * An open file that several descriptors or tasks reference (inherited by
 * fork(), or dup()ed) gets one number, its objref, the first time the
 * checkpoint meets it; every FILE record of it carries that number, and
 * restart() makes them all one open file again.  A pipe gets a number
 * too, shared by its two ends, and so do credentials that several tasks
 * share (the threads of a process): written once, referenced after.
 *
 * Shared anonymous memory is numbered the same way, by the file behind
 * its mappings.  A memfd or a deleted file is numbered by its dentry,
 * which every open file of it shares: the tree may hold several.
 *
 * The hash also counts every reference the tree holds to each file it
 * met: descriptors, mappings, executables.  A container checkpoint then
 * finds a file that something outside the container holds too (a leak):
 * its reference count is higher than the tree's references.  Shared
 * anonymous memory is checked that way in a subtree checkpoint too:
 * restart could not share it with a process outside the tree again; so
 * is a memfd or deleted file, whose open files the tree must hold every
 * one of.
 * The hash holds a reference to each file until the checkpoint ends.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/tty.h>

#define CKPT_OBJ_HASH_BITS	8

enum ckpt_obj_kind {
	CKPT_OBJ_FILE,		/* an open file, referenced */
	CKPT_OBJ_PIPE,
	CKPT_OBJ_CRED,		/* referenced */
	CKPT_OBJ_TABLE,		/* a files_struct or fs_struct (frozen tasks hold it) */
	CKPT_OBJ_PTY,		/* a pseudo-terminal, by its master: referenced */
	CKPT_OBJ_STATE,		/* anything else a kind numbers (a socket pair) */
	CKPT_OBJ_UNLINKED,	/* a memfd or deleted file, by its dentry */
};

struct ckpt_obj {
	struct hlist_node node;
	enum ckpt_obj_kind kind;
	const void *key;
	/* CKPT_OBJ_UNLINKED: @file is one of its open files, not held */
	struct file *file;	/* or NULL for a pipe or credentials */
	struct file *reader;	/* CKPT_OBJ_UNLINKED: a file of ours, or NULL */
	struct pipe_inode_info *pipe;
	const struct cred *cred;
	struct tty_struct *tty;
	u32 readers, writers;	/* a pipe's ends met */
	u32 state;		/* the kind's own (ckpt_obj_pty()) */
	u32 ref;		/* objref, from 1 */
	u32 users;		/* references from the tree */
	bool inside;		/* must not be used outside, even in a subtree */
	pid_t pid;		/* the first task met holding it */
	int fd;			/* its fd there, or -1 for a mapping */
	unsigned long addr;	/* the mapping's start */
};

/* The object of @kind for @key; *@new says whether it was just made. */
static struct ckpt_obj *ckpt_obj_find(struct ckpt_ctx *ctx,
				      enum ckpt_obj_kind kind, const void *key,
				      bool *new)
{
	struct hlist_head *head;
	struct ckpt_obj *obj;

	*new = false;
	if (!ctx->objs) {
		ctx->objs = kcalloc(1U << CKPT_OBJ_HASH_BITS, sizeof(*head),
				    GFP_KERNEL);
		if (!ctx->objs)
			return NULL;
	}
	head = &ctx->objs[hash_ptr(key, CKPT_OBJ_HASH_BITS)];
	hlist_for_each_entry(obj, head, node)
		if (obj->kind == kind && obj->key == key)
			return obj;
	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return NULL;
	obj->kind = kind;
	obj->key = key;
	if (kind == CKPT_OBJ_FILE)
		obj->file = get_file((struct file *)key);
	else if (kind == CKPT_OBJ_PIPE)
		obj->pipe = (struct pipe_inode_info *)key;
	else if (kind == CKPT_OBJ_CRED)
		obj->cred = get_cred(key);
	else if (kind == CKPT_OBJ_PTY)
		obj->tty = tty_kref_get((struct tty_struct *)key);
	obj->ref = ++ctx->nr_objs;
	hlist_add_head(&obj->node, head);
	*new = true;
	return obj;
}

static struct ckpt_obj *ckpt_obj_get(struct ckpt_ctx *ctx, struct file *file,
				     pid_t pid, int fd, unsigned long addr,
				     bool *new)
{
	struct ckpt_obj *obj = ckpt_obj_find(ctx, CKPT_OBJ_FILE, file, new);

	if (!obj)
		return NULL;
	/* new to the tree's holders, even if an epoll's watch numbered it */
	*new = !obj->users;
	if (*new) {
		obj->pid = pid;
		obj->fd = fd;
		obj->addr = addr;
	}
	obj->users++;
	return obj;
}

/**
 * ckpt_obj_ref - note a descriptor's open file, and get its objref
 * @ctx: the checkpoint
 * @file: the file
 * @pid: the task holding it
 * @fd: the descriptor
 * @ref: set to its objref
 *
 * Return: 1 if the file was met for the first time, 0 if not, -ENOMEM.
 */
int ckpt_obj_ref(struct ckpt_ctx *ctx, struct file *file, pid_t pid, int fd,
		 u32 *ref)
{
	bool new;
	struct ckpt_obj *obj = ckpt_obj_get(ctx, file, pid, fd, 0, &new);

	if (!obj)
		return -ENOMEM;
	*ref = obj->ref;
	return new;
}

/**
 * ckpt_obj_file_ref - the objref of an open file, not counting a user
 * @ctx: the checkpoint
 * @file: the file, which something the tree holds refers to without a
 *	  reference of its own (an epoll's watch)
 * @ref: set to its objref
 *
 * Return: 0 or -ENOMEM.
 */
int ckpt_obj_file_ref(struct ckpt_ctx *ctx, struct file *file, u32 *ref)
{
	bool new;
	struct ckpt_obj *obj = ckpt_obj_find(ctx, CKPT_OBJ_FILE, file, &new);

	if (!obj)
		return -ENOMEM;
	if (new)
		obj->fd = -1;
	*ref = obj->ref;
	return 0;
}

/**
 * ckpt_obj_pipe - the number of a pipe, counting its open files
 * @ctx: the checkpoint
 * @pipe: the pipe
 * @mode: the f_mode of the open file met: reading, writing or both
 * @new_end: that open file is met for the first time
 * @inside: no one outside the tree may have it open, even in a subtree
 *	    checkpoint (a named FIFO: restart could not share it again)
 * @ref: set to the pipe's number
 *
 * Return: 1 if the pipe was met for the first time, 0 if not, -ENOMEM.
 */
int ckpt_obj_pipe(struct ckpt_ctx *ctx, struct pipe_inode_info *pipe,
		  fmode_t mode, bool new_end, bool inside, u32 *ref)
{
	bool new;
	struct ckpt_obj *obj = ckpt_obj_find(ctx, CKPT_OBJ_PIPE, pipe, &new);

	if (!obj)
		return -ENOMEM;
	obj->inside |= inside;
	if (new_end && (mode & FMODE_READ))
		obj->readers++;
	if (new_end && (mode & FMODE_WRITE))
		obj->writers++;
	*ref = obj->ref;
	return new;
}

/**
 * ckpt_obj_creds - the objref of a task's credentials
 * @ctx: the checkpoint
 * @cred: the credentials
 * @ref: set to their objref
 *
 * Return: 1 if they were met for the first time, 0 if not, -ENOMEM.
 */
int ckpt_obj_creds(struct ckpt_ctx *ctx, const struct cred *cred, u32 *ref)
{
	bool new;
	struct ckpt_obj *obj = ckpt_obj_find(ctx, CKPT_OBJ_CRED, cred, &new);

	if (!obj)
		return -ENOMEM;
	*ref = obj->ref;
	return new;
}

/**
 * ckpt_obj_table - the objref of a descriptor table or fs information
 * @ctx: the checkpoint
 * @table: the files_struct or fs_struct, which frozen tasks hold
 * @ref: set to its objref
 *
 * Return: 1 if it was met for the first time, 0 if not, -ENOMEM.
 */
int ckpt_obj_table(struct ckpt_ctx *ctx, const void *table, u32 *ref)
{
	bool new;
	struct ckpt_obj *obj = ckpt_obj_find(ctx, CKPT_OBJ_TABLE, table, &new);

	if (!obj)
		return -ENOMEM;
	*ref = obj->ref;
	return new;
}

/**
 * ckpt_obj_pty - the number of a pseudo-terminal
 * @ctx: the checkpoint
 * @master: its master
 * @ref: set to its number
 *
 * Return: a word of state that the pty code keeps with the object (0 when
 * it is new), or an ERR_PTR(-ENOMEM).
 */
u32 *ckpt_obj_pty(struct ckpt_ctx *ctx, struct tty_struct *master, u32 *ref)
{
	bool new;
	struct ckpt_obj *obj = ckpt_obj_find(ctx, CKPT_OBJ_PTY, master, &new);

	if (!obj)
		return ERR_PTR(-ENOMEM);
	*ref = obj->ref;
	return &obj->state;
}

/**
 * ckpt_obj_state - a word of state that a kind keeps for an object
 * @ctx: the checkpoint
 * @key: the object, which something the hash holds keeps alive (an open
 *	 file of it)
 * @ref: set to its number
 *
 * Return: the word (0 when the object is new), or an ERR_PTR(-ENOMEM).
 */
u32 *ckpt_obj_state(struct ckpt_ctx *ctx, const void *key, u32 *ref)
{
	bool new;
	struct ckpt_obj *obj = ckpt_obj_find(ctx, CKPT_OBJ_STATE, key, &new);

	if (!obj)
		return ERR_PTR(-ENOMEM);
	*ref = obj->ref;
	return &obj->state;
}

/**
 * ckpt_obj_unlinked - the number of the memfd or deleted file @file is open on
 * @ctx: the checkpoint
 * @file: an open file of it, which ckpt_obj_ref() or ckpt_obj_mapped()
 *	  noted
 * @ref: set to its number
 *
 * No one outside the tree may have it open, even in a subtree
 * checkpoint: restart could not share it with them again.
 *
 * Return: a word of state that the kind keeps with the object (0 when
 * it is new), or an ERR_PTR(-ENOMEM).
 */
u32 *ckpt_obj_unlinked(struct ckpt_ctx *ctx, struct file *file, u32 *ref)
{
	struct ckpt_obj *obj;
	bool new;

	ckpt_obj_keep_inside(ctx, file);
	obj = ckpt_obj_find(ctx, CKPT_OBJ_UNLINKED, file->f_path.dentry, &new);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	/* the file's own object holds it until the checkpoint ends */
	if (new)
		obj->file = file;
	obj->inside = true;
	*ref = obj->ref;
	return &obj->state;
}

/**
 * ckpt_obj_keep_reader - hold an open file of our own until the end
 * @ctx: the checkpoint
 * @file: an open file of a memfd or deleted file that ckpt_obj_unlinked()
 *	  numbered
 * @reader: a file the checkpoint opened on it to read it; the reference
 *	    goes to the hash
 *
 * Closed when the checkpoint ends, and not counted as open outside the
 * tree before.
 */
void ckpt_obj_keep_reader(struct ckpt_ctx *ctx, struct file *file,
			  struct file *reader)
{
	struct ckpt_obj *obj;
	bool new;

	obj = ckpt_obj_find(ctx, CKPT_OBJ_UNLINKED, file->f_path.dentry, &new);
	if (!obj || new || obj->reader) {
		fput(reader);
		return;
	}
	obj->reader = reader;
}

/**
 * ckpt_obj_keep_inside - no one outside the tree may use @file
 * @ctx: the checkpoint
 * @file: an open file that ckpt_obj_ref() numbered
 *
 * Even a subtree checkpoint then refuses it if something outside holds
 * it: restart could not share it with them again.
 */
void ckpt_obj_keep_inside(struct ckpt_ctx *ctx, struct file *file)
{
	bool new;
	struct ckpt_obj *obj = ckpt_obj_find(ctx, CKPT_OBJ_FILE, file, &new);

	if (obj && !new)
		obj->inside = true;
}

/**
 * ckpt_obj_shmem - note the file of a shared anonymous mapping
 * @ctx: the checkpoint
 * @file: the shmem file behind the mapping
 * @pid: the task mapping it
 * @addr: the mapping's start
 * @ref: set to the shared memory object's objref
 *
 * Return: 1 if the object was met for the first time, 0 if not, -ENOMEM.
 */
int ckpt_obj_shmem(struct ckpt_ctx *ctx, struct file *file, pid_t pid,
		   unsigned long addr, u32 *ref)
{
	bool new;
	struct ckpt_obj *obj = ckpt_obj_get(ctx, file, pid, -1, addr, &new);

	if (!obj)
		return -ENOMEM;
	obj->inside = true;
	*ref = obj->ref;
	return new;
}

/**
 * ckpt_obj_mapped - note a file that a mapping or an mm holds
 * @ctx: the checkpoint
 * @file: the file
 * @pid: the task holding it
 * @addr: the mapping's start, or 0 for the mm's executable
 *
 * Return: 0 or -ENOMEM.
 */
int ckpt_obj_mapped(struct ckpt_ctx *ctx, struct file *file, pid_t pid,
		    unsigned long addr)
{
	bool new;

	return ckpt_obj_get(ctx, file, pid, -1, addr, &new) ? 0 : -ENOMEM;
}

static int ckpt_obj_leak(struct ckpt_ctx *ctx, struct ckpt_obj *obj,
			 long outside)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	char *path = buf ? file_path(obj->file, buf, PATH_MAX) : ERR_PTR(-ENOMEM);
	const char *name = IS_ERR(path) ? "?" : path;
	int ret;

	if (obj->fd >= 0)
		ret = ckpt_err(ctx, -EBUSY,
			       "pid %d fd %d (%s): the open file is also used outside the container (%ld more references)",
			       obj->pid, obj->fd, name, outside);
	else if (obj->inside)
		ret = ckpt_err(ctx, -EBUSY,
			       "pid %d mapping %#lx (%s): shared memory also used outside the checkpointed tree (%ld more references)",
			       obj->pid, obj->addr, name, outside);
	else
		ret = ckpt_err(ctx, -EBUSY,
			       "pid %d mapping %#lx (%s): the file is also used outside the container (%ld more references)",
			       obj->pid, obj->addr, name, outside);
	kfree(buf);
	return ret;
}

/*
 * The open files of the memfd or deleted file @u that the tree does not
 * hold: each open file holds a reference to its dentry.
 */
static int ckpt_unlinked_leak(struct ckpt_ctx *ctx, struct ckpt_obj *u)
{
	const struct dentry *dentry = u->key;
	long outside = d_count(dentry) - (u->reader ? 1 : 0);
	struct ckpt_obj *obj;
	int i;

	for (i = 0; i < 1U << CKPT_OBJ_HASH_BITS; i++)
		hlist_for_each_entry(obj, &ctx->objs[i], node)
			if (obj->kind == CKPT_OBJ_FILE && obj->users &&
			    obj->file->f_path.dentry == dentry)
				outside--;
	if (outside <= 0)
		return 0;
	return ckpt_err(ctx, -EBUSY,
			"%pD: the %s is also open outside the checkpointed tree (%ld more open files)",
			u->file, ckpt_is_memfd(u->file) ? "memfd" : "deleted file",
			outside);
}

/**
 * ckpt_obj_check_leaks - refuse files the tree shares with the outside
 * @ctx: the checkpoint, with every task written
 * @container: check every object, not only those that must stay inside
 *
 * Return: 0, or -EBUSY with a log message naming the first such file.
 */
int ckpt_obj_check_leaks(struct ckpt_ctx *ctx, bool container)
{
	struct ckpt_obj *obj;
	long outside;
	int i, ret;

	if (!ctx->objs)
		return 0;
	for (i = 0; i < 1U << CKPT_OBJ_HASH_BITS; i++) {
		hlist_for_each_entry(obj, &ctx->objs[i], node) {
			/*
			 * credentials are copied on restart; tables checked
			 * when written; a pty by its master's open file
			 */
			if (obj->kind == CKPT_OBJ_CRED || obj->kind == CKPT_OBJ_TABLE ||
			    obj->kind == CKPT_OBJ_PTY || obj->kind == CKPT_OBJ_STATE ||
			    (!container && !obj->inside))
				continue;
			if (obj->kind == CKPT_OBJ_UNLINKED) {
				ret = ckpt_unlinked_leak(ctx, obj);
				if (ret)
					return ret;
				continue;
			}
			if (obj->pipe) {
				if (ckpt_pipe_ends(obj->pipe) >
				    obj->readers + obj->writers)
					return ckpt_err(ctx, -EBUSY,
							"pipe %u has an end open outside the %s",
							obj->ref, container ? "container" :
							"checkpointed tree (a named FIFO)");
				continue;
			}
			/* the hash holds one reference itself */
			outside = file_count(obj->file) - 1 - obj->users;
			if (outside > 0)
				return ckpt_obj_leak(ctx, obj, outside);
		}
	}
	return 0;
}

/**
 * ckpt_obj_free - forget every object, at the end of a checkpoint
 * @ctx: the checkpoint
 */
void ckpt_obj_free(struct ckpt_ctx *ctx)
{
	struct hlist_node *next;
	struct ckpt_obj *obj;
	int i;

	if (!ctx->objs)
		return;
	for (i = 0; i < 1U << CKPT_OBJ_HASH_BITS; i++) {
		hlist_for_each_entry_safe(obj, next, &ctx->objs[i], node) {
			if (obj->file && obj->kind != CKPT_OBJ_UNLINKED)
				fput(obj->file);
			if (obj->reader)
				fput(obj->reader);
			if (obj->cred)
				put_cred(obj->cred);
			tty_kref_put(obj->tty);
			kfree(obj);
		}
	}
	kfree(ctx->objs);
	ctx->objs = NULL;
}
