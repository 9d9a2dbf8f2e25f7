// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of file descriptor tables and fs information that
 * processes share (clone() with CLONE_FILES or CLONE_FS, without
 * CLONE_THREAD).
 *
 * A process whose table is shared with another process of the tree
 * writes a SHARE record before it: the first process met has
 * CKPT_SHARE_NEW and writes the table after it as usual (its FILE
 * records, or its FS record); every other one writes the SHARE record
 * alone and takes the same table again on restart.  The threads of a
 * process follow their leader.  A table also used by a task outside the
 * tree is refused (EBUSY): restart could not share it with that task.
 */
#include <linux/checkpoint.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/xarray.h>

static const char *const ckpt_share_names[] = {
	[CKPT_SHARE_FILES] = "file descriptor table (CLONE_FILES)",
	[CKPT_SHARE_FS] = "working directory, root and umask (CLONE_FS)",
};

/* The table of @kind that @t uses; task_lock(@t) held. */
static void *ckpt_share_table(struct task_struct *t, u32 kind)
{
	return kind == CKPT_SHARE_FILES ? (void *)t->files : (void *)t->fs;
}

/* How many tasks use @table of @kind. */
static int ckpt_share_users(u32 kind, void *table)
{
	struct fs_struct *fs = table;
	int users;

	if (kind == CKPT_SHARE_FILES)
		return atomic_read(&((struct files_struct *)table)->count);
	spin_lock(&fs->lock);
	users = fs->users;
	spin_unlock(&fs->lock);
	return users;
}

/* How many tasks of the tree use @table of @kind. */
static int ckpt_share_tree_users(struct ckpt_ctx *ctx, u32 kind, void *table)
{
	int i, n = 0;

	for (i = 0; i < ctx->nr_tasks; i++) {
		task_lock(ctx->tasks[i]);
		if (ckpt_share_table(ctx->tasks[i], kind) == table)
			n++;
		task_unlock(ctx->tasks[i]);
	}
	return n;
}

/**
 * ckpt_write_share - the SHARE record of a process's table, if shared
 * @ctx: the checkpoint
 * @t: a frozen process leader
 * @kind: CKPT_SHARE_FILES or CKPT_SHARE_FS
 *
 * Return: 1 if the table was written before (skip it), 0 if it is to be
 * written now, or a negative errno, explained on the log.
 */
int ckpt_write_share(struct ckpt_ctx *ctx, struct task_struct *t, u32 kind)
{
	struct ckpt_rec_share rec = { .kind = kind };
	int all, tree, ret;
	void *table;

	task_lock(t);
	table = ckpt_share_table(t, kind);
	task_unlock(t);
	if (!table)
		return -ESRCH;
	all = ckpt_share_users(kind, table);
	if (all == get_nr_threads(t))
		return 0;	/* its own: no record, and no walk of the tree */
	tree = ckpt_share_tree_users(ctx, kind, table);
	if (all > tree)
		return ckpt_err(ctx, -EBUSY,
				"pid %d: its %s is also used by %d task(s) outside the checkpointed tree",
				task_pid_vnr(t), ckpt_share_names[kind],
				all - tree);
	ret = ckpt_obj_table(ctx, table, &rec.objref);
	if (ret < 0)
		return ret;
	rec.flags = ret ? CKPT_SHARE_NEW : 0;
	ret = ckpt_write_record(ctx, CKPT_REC_SHARE, &rec.h, sizeof(rec),
				NULL, 0);
	if (ret)
		return ret;
	return !(rec.flags & CKPT_SHARE_NEW);
}

/* Use @files from now on, as the threads of a process share it. */
static void rst_use_files(struct files_struct *files)
{
	struct files_struct *old;

	atomic_inc(&files->count);
	task_lock(current);
	old = current->files;
	current->files = files;
	task_unlock(current);
	put_files_struct(old);
}

/* The same for @fs, as exit_fs() lets go of the old one. */
static void rst_use_fs(struct fs_struct *fs)
{
	struct fs_struct *old;
	bool last;

	spin_lock(&fs->lock);
	fs->users++;
	spin_unlock(&fs->lock);
	task_lock(current);
	old = current->fs;
	current->fs = fs;
	task_unlock(current);
	spin_lock(&old->lock);
	last = !--old->users;
	spin_unlock(&old->lock);
	if (last)
		free_fs_struct(old);
}

static void rst_put_table(u32 kind, void *table)
{
	struct fs_struct *fs = table;
	bool last;

	if (kind == CKPT_SHARE_FILES) {
		put_files_struct(table);
		return;
	}
	spin_lock(&fs->lock);
	last = !--fs->users;
	spin_unlock(&fs->lock);
	if (last)
		free_fs_struct(fs);
}

/*
 * Note the caller's table of @kind under @objref, referenced, for the
 * processes that share it after.
 */
static int rst_note_table(struct ckpt_ctx *ctx, struct xarray *tables,
			  u32 kind, u32 objref)
{
	void *table;
	int ret;

	task_lock(current);
	table = ckpt_share_table(current, kind);
	if (kind == CKPT_SHARE_FILES) {
		atomic_inc(&current->files->count);
	} else {
		spin_lock(&current->fs->lock);
		current->fs->users++;
		spin_unlock(&current->fs->lock);
	}
	task_unlock(current);
	ret = xa_insert(tables, objref, table, GFP_KERNEL);
	if (!ret) {
		if (kind == CKPT_SHARE_FS)
			xa_set_mark(tables, objref, RST_MARK_FS);
		return 0;
	}
	rst_put_table(kind, table);
	if (ret == -EBUSY)
		ret = -EINVAL;
	return ckpt_err(ctx, ret, "offset %lld: table %u was defined before",
			ctx->rec_pos, objref);
}

/**
 * rst_share - share a table with a process restored before, or note one
 * @ctx: the restart
 * @h: header of a CKPT_REC_SHARE record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_share(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct xarray *tables = &(ctx->coord ?: ctx)->tables;
	struct ckpt_rec_share rec = { .h = *h };
	void *table;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if ((rec.kind != CKPT_SHARE_FILES && rec.kind != CKPT_SHARE_FS) ||
	    (rec.flags & ~CKPT_SHARE_NEW) || !rec.objref)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad SHARE record (kind %u, flags %#x, objref %u)",
				ctx->rec_pos, rec.kind, rec.flags, rec.objref);
	if ((ctx->seen & RST_SEEN_FS) && rec.kind == CKPT_SHARE_FS)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: a SHARE record after the FS record",
				ctx->rec_pos);
	if (rec.flags & CKPT_SHARE_NEW)
		return rst_note_table(ctx, tables, rec.kind, rec.objref);

	table = xa_load(tables, rec.objref);
	if (!table ||
	    xa_get_mark(tables, rec.objref, RST_MARK_FS) != (rec.kind == CKPT_SHARE_FS))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: %s %u was not written before",
				ctx->rec_pos, ckpt_share_names[rec.kind],
				rec.objref);
	if (rec.kind == CKPT_SHARE_FILES) {
		rst_use_files(table);
	} else {
		rst_use_fs(table);
		ctx->seen |= RST_SEEN_FS;
	}
	return 0;
}

/**
 * rst_share_thread - a restored thread takes its leader's tables
 * @ctx: the restart, of a thread
 *
 * Its leader, restored before it, may have taken another process's.
 */
void rst_share_thread(struct ckpt_ctx *ctx)
{
	struct task_struct *leader = current->group_leader;
	struct files_struct *files;
	struct fs_struct *fs;

	task_lock(leader);
	files = leader->files;
	fs = leader->fs;
	task_unlock(leader);
	/* the leader waits for the verdict: its tables stay */
	if (files && files != current->files)
		rst_use_files(files);
	if (fs && fs != current->fs)
		rst_use_fs(fs);
}

/**
 * rst_share_end - drop the tables kept for sharing
 * @ctx: the restart, at its end
 */
void rst_share_end(struct ckpt_ctx *ctx)
{
	unsigned long ref;
	void *table;

	xa_for_each(&ctx->tables, ref, table)
		rst_put_table(xa_get_mark(&ctx->tables, ref, RST_MARK_FS) ?
			      CKPT_SHARE_FS : CKPT_SHARE_FILES, table);
	xa_destroy(&ctx->tables);
}
