// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: IPC namespaces.
 *
 * A tree living in an IPC namespace of its own (kernel/checkpoint_ns.c)
 * takes with it what the namespace holds: its limits (the sysctls
 * kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*) and its System V
 * shared memory segments (ipc/checkpoint_shm.c) and semaphore sets
 * (ipc/checkpoint_sem.c).  Restart restores them into the new namespace
 * the first task of the tree in it was created in.  Message queues and
 * POSIX message queues are not saved yet: a namespace holding any is
 * refused by name.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/ipc.h>
#include <linux/ipc_namespace.h>
#include <linux/msg.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/idr.h>
#include <linux/nsproxy.h>
#include <linux/rwsem.h>
#include <linux/user_namespace.h>

#include "util.h"

/**
 * ckpt_ipc_pid - a pid an IPC object keeps, for the image
 * @ctx: the checkpoint
 * @pid: the pid (of a creator, of the last operation), or NULL
 *
 * Return: its number in the tree's pid namespace if it is a task of the
 * tree, else 0 (restart could not give it back).
 */
pid_t ckpt_ipc_pid(struct ckpt_ctx *ctx, struct pid *pid)
{
	struct task_struct *t;
	pid_t nr = 0;

	rcu_read_lock();
	t = pid_task(pid, PIDTYPE_PID);
	if (t && ckpt_task_in_tree(ctx, t))
		nr = pid_nr_ns(pid, task_active_pid_ns(ctx->root));
	rcu_read_unlock();
	return nr;
}

/**
 * rst_tree_has_pid - is @pid a task of the tree being restored?
 * @ctx: the restart
 * @pid: a pid in the tree's pid namespace
 *
 * Return: true if the tree has it.
 */
bool rst_tree_has_pid(struct ckpt_ctx *ctx, pid_t pid)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	int i;

	for (i = 0; i < owner->nr_tree; i++)
		if (owner->tree[i].pid == pid)
			return true;
	return false;
}

/**
 * rst_ipc_pid - the struct pid of a pid an IPC object keeps
 * @ctx: the restart
 * @nr: a pid of the tree in its pid namespace, or 0
 *
 * Return: the pid, referenced, or NULL.
 */
struct pid *rst_ipc_pid(struct ckpt_ctx *ctx, pid_t nr)
{
	struct pid_namespace *ns = ctx->pid_ns ?: task_active_pid_ns(current);
	struct pid *pid;

	if (!nr)
		return NULL;
	rcu_read_lock();
	pid = get_pid(find_pid_ns(nr, ns));
	rcu_read_unlock();
	return pid;
}

/**
 * ckpt_ipc_collect - note every object of one kind of an IPC namespace
 * @ctx: the checkpoint
 * @ids: the objects, @nr of them by the namespace's record
 * @nr: how many
 * @what: what they are, for messages ("shared memory segment")
 * @note: notes the object @perm as the @n-th of @arg; sets *@why to
 *	  refuse it
 * @arg: the caller's array of notes
 *
 * Under the rwsem of @ids, which is not held while the image is written
 * (a pipe's lock nests outside mmap_lock, which nests outside it).
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_ipc_collect(struct ckpt_ctx *ctx, struct ipc_ids *ids, u32 nr,
		     const char *what,
		     int (*note)(struct ckpt_ctx *ctx, struct kern_ipc_perm *perm,
				 u32 n, void *arg, const char **why),
		     void *arg)
{
	struct kern_ipc_perm *perm;
	const char *why = NULL;
	int id, bad = 0, ret = 0;
	u32 n = 0;

	down_read(&ids->rwsem);
	idr_for_each_entry(&ids->ipcs_idr, perm, id) {
		if (n == nr) {
			ret = -EAGAIN;
			break;
		}
		ret = note(ctx, perm, n, arg, &why);
		if (ret || why) {
			bad = perm->id;
			break;
		}
		n++;
	}
	up_read(&ids->rwsem);
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"System V %s %d: %s: not supported yet",
				what, bad, why);
	if (!ret && n != nr)
		ret = -EAGAIN;
	if (ret == -EAGAIN)
		return ckpt_err(ctx, ret,
				"the System V %ss of an IPC namespace changed during the checkpoint",
				what);
	return ret;
}

/* What the objects of @ids are, for messages. */
static const char *rst_ipc_kind(struct ckpt_ctx *ctx, struct ipc_ids *ids)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;

	if (ids == &ns->ids[IPC_SHM_IDS])
		return "segment";
	if (ids == &ns->ids[IPC_SEM_IDS])
		return "semaphore set";
	return "message queue";
}

/**
 * rst_ipc_reserve - make the next object of @ids take the id @id
 * @ctx: the restart
 * @ids: the objects of one kind of a new IPC namespace
 * @id: the id the image gives the object
 *
 * As the kernel.shm_next_id sysctl (and its siblings) would.
 *
 * Return: 0, or -EEXIST if an object has that id's slot.
 */
int rst_ipc_reserve(struct ckpt_ctx *ctx, struct ipc_ids *ids, int id)
{
	bool taken;

	rcu_read_lock();
	taken = !IS_ERR(ipc_obtain_object_idr(ids, id));
	rcu_read_unlock();
	if (taken)
		return ckpt_err(ctx, -EEXIST,
				"offset %lld: System V %s id %d is taken",
				ctx->rec_pos, rst_ipc_kind(ctx, ids), id);
	down_write(&ids->rwsem);
	ids->next_id = id;
	up_write(&ids->rwsem);
	return 0;
}

/**
 * rst_ipc_made - check the id an object was made with
 * @ctx: the restart
 * @ids: as for rst_ipc_reserve()
 * @id: the id the image gives the object
 * @got: what the *get() call returned
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_ipc_made(struct ckpt_ctx *ctx, struct ipc_ids *ids, int id, long got)
{
	down_write(&ids->rwsem);
	ids->next_id = -1;
	up_write(&ids->rwsem);
	if (got < 0)
		return ckpt_err(ctx, got, "cannot make System V %s %d: error %ld",
				rst_ipc_kind(ctx, ids), id, got);
	if (got != id)
		return ckpt_err(ctx, -EEXIST, "System V %s %d was made as %ld",
				rst_ipc_kind(ctx, ids), id, got);
	return 0;
}

/* What a namespace holds that the image cannot carry yet, or NULL. */
static const char *ckpt_ipc_ns_unsupported(struct ipc_namespace *ns)
{
	if (READ_ONCE(ns->ids[IPC_MSG_IDS].in_use))
		return "System V message queues";
#ifdef CONFIG_POSIX_MQUEUE
	if (READ_ONCE(ns->mq_queues_count))
		return "POSIX message queues";
#endif
	return NULL;
}

static void ckpt_ipc_ns_limits(struct ipc_namespace *ns,
			       struct ckpt_rec_ipc_ns *rec)
{
	int i;

	rec->shm_ctlmax = ns->shm_ctlmax;
	rec->shm_ctlall = ns->shm_ctlall;
	rec->shm_ctlmni = ns->shm_ctlmni;
	rec->shm_rmid_forced = ns->shm_rmid_forced;
	rec->msg_ctlmax = ns->msg_ctlmax;
	rec->msg_ctlmnb = ns->msg_ctlmnb;
	rec->msg_ctlmni = ns->msg_ctlmni;
	for (i = 0; i < ARRAY_SIZE(rec->sem_ctls); i++)
		rec->sem_ctls[i] = ns->sem_ctls[i];
#ifdef CONFIG_POSIX_MQUEUE
	rec->mq_queues_max = ns->mq_queues_max;
	rec->mq_msg_max = ns->mq_msg_max;
	rec->mq_msgsize_max = ns->mq_msgsize_max;
	rec->mq_msg_default = ns->mq_msg_default;
	rec->mq_msgsize_default = ns->mq_msgsize_default;
#endif
}

/* How @ids numbers its next object. */
static void ckpt_ipc_ids(struct ipc_ids *ids, struct ckpt_ipc_ids *rec)
{
	down_read(&ids->rwsem);
	rec->seq = ids->seq;
	rec->last_idx = ids->last_idx;
	rec->cursor = idr_get_cursor(&ids->ipcs_idr);
	up_read(&ids->rwsem);
}

/**
 * ckpt_write_ipc_ns - the IPC_NS record of a namespace and its objects
 * @ctx: the checkpoint
 * @e: the namespace, new at the task whose records are written
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_ipc_ns(struct ckpt_ctx *ctx, const struct ckpt_ns *e)
{
	struct ipc_namespace *ipc = e->ns;
	struct ckpt_rec_ipc_ns rec = {};
	const char *what;
	int i, ret;

	what = ckpt_ipc_ns_unsupported(ipc);
	if (what)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: its IPC namespace holds %s: not supported yet",
				e->pid, what);
	rec.objref = e->ref;
	ckpt_ipc_ns_limits(ipc, &rec);
	rec.nr_shm = READ_ONCE(ipc->ids[IPC_SHM_IDS].in_use);
	rec.nr_sem = READ_ONCE(ipc->ids[IPC_SEM_IDS].in_use);
	for (i = 0; i < ARRAY_SIZE(rec.ids); i++)
		ckpt_ipc_ids(&ipc->ids[i], &rec.ids[i]);
	ret = ckpt_write_record(ctx, CKPT_REC_IPC_NS, &rec.h, sizeof(rec),
				NULL, 0);
	if (!ret)
		ret = ckpt_write_sysv_shms(ctx, ipc, rec.nr_shm);
	if (!ret)
		ret = ckpt_write_sysv_sems(ctx, ipc, rec.nr_sem);
	return ret;
}

/**
 * ckpt_ipc_ns_finish - refuse what an IPC namespace of the tree holds for others
 * @ctx: the checkpoint, with every task written
 * @ns: the namespace
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_ipc_ns_finish(struct ckpt_ctx *ctx, void *ns)
{
	return ckpt_check_sysv_shms(ctx, ns);
}

/**
 * rst_ipc_ns_in_use - why a namespace is not a new one
 * @ns: the IPC namespace a task to restore lives in
 *
 * Return: what it holds already, or NULL if it holds nothing.
 */
const char *rst_ipc_ns_in_use(void *ns)
{
	struct ipc_namespace *ipc = ns;

	if (READ_ONCE(ipc->ids[IPC_SHM_IDS].in_use))
		return "System V shared memory segments";
	if (READ_ONCE(ipc->ids[IPC_SEM_IDS].in_use))
		return "System V semaphore sets";
	return ckpt_ipc_ns_unsupported(ipc);
}

/* The limits of @rec, each in the range its sysctl takes; ids as the kernel makes them. */
static bool rst_ipc_ns_limits_ok(const struct ckpt_rec_ipc_ns *rec)
{
	int i;

	BUILD_BUG_ON(ARRAY_SIZE(rec->ids) != IPC_SHM_IDS + 1);
	for (i = 0; i < ARRAY_SIZE(rec->ids); i++)
		if (rec->ids[i].seq > ipcid_seq_max() ||
		    rec->ids[i].last_idx < -1 ||
		    rec->ids[i].last_idx >= ipc_mni ||
		    rec->ids[i].cursor > ipc_mni || rec->ids[i].pad)
			return false;

	if (rec->shm_ctlmax > ULONG_MAX || rec->shm_ctlall > ULONG_MAX ||
	    rec->shm_ctlmni > ipc_mni || rec->shm_rmid_forced > 1 ||
	    rec->msg_ctlmax > INT_MAX || rec->msg_ctlmnb > INT_MAX ||
	    rec->msg_ctlmni > ipc_mni || rec->sem_ctls[3] > ipc_mni)
		return false;
	for (i = 0; i < ARRAY_SIZE(rec->sem_ctls); i++)
		if (rec->sem_ctls[i] > INT_MAX)
			return false;
#ifdef CONFIG_POSIX_MQUEUE
	if (rec->mq_queues_max > INT_MAX ||
	    rec->mq_msg_max < MIN_MSGMAX || rec->mq_msg_max > HARD_MSGMAX ||
	    rec->mq_msgsize_max < MIN_MSGSIZEMAX ||
	    rec->mq_msgsize_max > HARD_MSGSIZEMAX ||
	    rec->mq_msg_default < MIN_MSGMAX ||
	    rec->mq_msg_default > HARD_MSGMAX ||
	    rec->mq_msgsize_default < MIN_MSGSIZEMAX ||
	    rec->mq_msgsize_default > HARD_MSGSIZEMAX)
		return false;
#endif
	return true;
}

static void rst_ipc_ns_limits(struct ipc_namespace *ns,
			      const struct ckpt_rec_ipc_ns *rec)
{
	int i;

	ns->shm_ctlmax = rec->shm_ctlmax;
	ns->shm_ctlall = rec->shm_ctlall;
	ns->shm_ctlmni = rec->shm_ctlmni;
	ns->shm_rmid_forced = rec->shm_rmid_forced;
	ns->msg_ctlmax = rec->msg_ctlmax;
	ns->msg_ctlmnb = rec->msg_ctlmnb;
	ns->msg_ctlmni = rec->msg_ctlmni;
	for (i = 0; i < ARRAY_SIZE(rec->sem_ctls); i++)
		ns->sem_ctls[i] = rec->sem_ctls[i];
#ifdef CONFIG_POSIX_MQUEUE
	ns->mq_queues_max = rec->mq_queues_max;
	ns->mq_msg_max = rec->mq_msg_max;
	ns->mq_msgsize_max = rec->mq_msgsize_max;
	ns->mq_msg_default = rec->mq_msg_default;
	ns->mq_msgsize_default = rec->mq_msgsize_default;
#endif
}

/**
 * rst_ipc_ns - the limits of a new IPC namespace; its segments follow
 * @ctx: the restart
 * @h: header of a CKPT_REC_IPC_NS record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_ipc_ns(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_ipc_ns rec = { .h = *h };
	struct ipc_namespace *ns;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (!rst_ipc_ns_limits_ok(&rec) || rec.nr_shm > rec.shm_ctlmni ||
	    rec.nr_sem > rec.sem_ctls[3] || rec.pad)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: IPC namespace %u: a limit out of its range, or %u segments, %u semaphore sets",
				ctx->rec_pos, rec.objref, rec.nr_shm, rec.nr_sem);
	ns = rst_ns_new(ctx, CKPT_NS_IPC, rec.objref);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	if (!ns_capable(ns->user_ns, CAP_SYS_ADMIN))
		return ckpt_err(ctx, -EPERM,
				"setting the limits of an IPC namespace needs CAP_SYS_ADMIN over it");
	rst_ipc_ns_limits(ns, &rec);
	ctx->sysv_shm_left = rec.nr_shm;
	ctx->sysv_sem_left = rec.nr_sem;
	memcpy(ctx->ipc_ids, rec.ids, sizeof(ctx->ipc_ids));
	ctx->ipc_ids_ns = ns;
	rst_ipc_ids_done(ctx);
	return 0;
}

/**
 * rst_ipc_ids_done - once every object of a new IPC namespace is made
 * @ctx: the restart, of the namespace's first task
 *
 * The namespace numbers its next objects as it did: the ids made for the
 * image's objects did not move its counters.
 */
void rst_ipc_ids_done(struct ckpt_ctx *ctx)
{
	struct ipc_namespace *ns = ctx->ipc_ids_ns;
	struct ipc_ids *ids;
	int i;

	if (!ns || ctx->sysv_shm_left || ctx->sysv_sem_left)
		return;
	for (i = 0; i < ARRAY_SIZE(ctx->ipc_ids); i++) {
		ids = &ns->ids[i];
		down_write(&ids->rwsem);
		ids->seq = ctx->ipc_ids[i].seq;
		ids->last_idx = ctx->ipc_ids[i].last_idx;
		idr_set_cursor(&ids->ipcs_idr, ctx->ipc_ids[i].cursor);
		up_write(&ids->rwsem);
	}
	ctx->ipc_ids_ns = NULL;
}
