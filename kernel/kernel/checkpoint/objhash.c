// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: objects shared between tasks.
 *
 * An object that several tasks or descriptors reference (an open file
 * inherited by fork(), or dup()ed) gets one number, its objref, the first
 * time the checkpoint meets it; every record of it carries that number,
 * and restart() makes them all one object again.  The hash holds a
 * reference to each file it numbers until the checkpoint ends.
 */
#include <linux/checkpoint.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/slab.h>

#define CKPT_OBJ_HASH_BITS	8

struct ckpt_obj {
	struct hlist_node node;
	struct file *file;
	u32 ref;
};

/**
 * ckpt_obj_ref - the objref of an open file
 * @ctx: the checkpoint
 * @file: the file
 * @ref: set to its objref, 1 for the first file met
 *
 * Return: 1 if the file was met for the first time, 0 if it was met
 * before, -ENOMEM.
 */
int ckpt_obj_ref(struct ckpt_ctx *ctx, struct file *file, u32 *ref)
{
	struct hlist_head *head;
	struct ckpt_obj *obj;

	if (!ctx->objs) {
		ctx->objs = kcalloc(1U << CKPT_OBJ_HASH_BITS, sizeof(*head),
				    GFP_KERNEL);
		if (!ctx->objs)
			return -ENOMEM;
	}
	head = &ctx->objs[hash_ptr(file, CKPT_OBJ_HASH_BITS)];
	hlist_for_each_entry(obj, head, node) {
		if (obj->file == file) {
			*ref = obj->ref;
			return 0;
		}
	}
	obj = kmalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	obj->file = get_file(file);
	obj->ref = ++ctx->nr_objs;
	hlist_add_head(&obj->node, head);
	*ref = obj->ref;
	return 1;
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
			fput(obj->file);
			kfree(obj);
		}
	}
	kfree(ctx->objs);
	ctx->objs = NULL;
}
