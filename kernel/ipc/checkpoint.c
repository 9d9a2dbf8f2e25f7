// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: IPC namespaces.
 *
 * A tree living in an IPC namespace of its own (kernel/checkpoint_ns.c)
 * takes with it what the namespace holds: its limits (the sysctls
 * kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*) and its System V
 * shared memory segments (ipc/checkpoint_shm.c).  Restart restores them
 * into the new namespace the first task of the tree in it was created
 * in.  Message queues, semaphore sets and POSIX message queues are not
 * saved yet: a namespace holding any is refused by name.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/ipc.h>
#include <linux/ipc_namespace.h>
#include <linux/msg.h>
#include <linux/rwsem.h>
#include <linux/user_namespace.h>

#include "util.h"

/* What a namespace holds that the image cannot carry yet, or NULL. */
static const char *ckpt_ipc_ns_unsupported(struct ipc_namespace *ns)
{
	if (READ_ONCE(ns->ids[IPC_MSG_IDS].in_use))
		return "System V message queues";
	if (READ_ONCE(ns->ids[IPC_SEM_IDS].in_use))
		return "System V semaphore sets";
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
	int ret;

	what = ckpt_ipc_ns_unsupported(ipc);
	if (what)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: its IPC namespace holds %s: not supported yet",
				e->pid, what);
	rec.objref = e->ref;
	ckpt_ipc_ns_limits(ipc, &rec);
	rec.nr_shm = READ_ONCE(ipc->ids[IPC_SHM_IDS].in_use);
	ret = ckpt_write_record(ctx, CKPT_REC_IPC_NS, &rec.h, sizeof(rec),
				NULL, 0);
	if (!ret)
		ret = ckpt_write_sysv_shms(ctx, ipc, rec.nr_shm);
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
	return ckpt_ipc_ns_unsupported(ipc);
}

/* The limits of @rec, each in the range its sysctl takes. */
static bool rst_ipc_ns_limits_ok(const struct ckpt_rec_ipc_ns *rec)
{
	int i;

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
	if (!rst_ipc_ns_limits_ok(&rec) || rec.nr_shm > rec.shm_ctlmni)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: IPC namespace %u: a limit out of its range, or %u segments",
				ctx->rec_pos, rec.objref, rec.nr_shm);
	ns = rst_ns_new(ctx, CKPT_NS_IPC, rec.objref);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	if (!ns_capable(ns->user_ns, CAP_SYS_ADMIN))
		return ckpt_err(ctx, -EPERM,
				"setting the limits of an IPC namespace needs CAP_SYS_ADMIN over it");
	rst_ipc_ns_limits(ns, &rec);
	ctx->sysv_shm_left = rec.nr_shm;
	return 0;
}
