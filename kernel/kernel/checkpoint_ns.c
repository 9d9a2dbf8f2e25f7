// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: the namespaces of a tree, and UTS namespaces.
 *
 * A tree may live in UTS and IPC namespaces of its own.  Each is new at
 * the first task in tree order living in it (its parent lives in
 * another), and every later task in it has its parent in it too: restart
 * then makes it with the clone() of that first task, and the tasks
 * created after inherit it.  The image says so before the tree (the
 * container section: one NAMESPACE record each), and the tree's entries
 * name each task's namespaces; what a namespace holds is restored by its
 * first task, from the record that starts that task's records.
 *
 * A namespace also used by a task outside the tree is refused: restart
 * would split it in two.  What varies per kind of namespace goes
 * through the table ckpt_ns_ops[].
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/ipc_namespace.h>
#include <linux/log2.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/rwsem.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>

/**
 * struct ckpt_ns_ops - a kind of namespace
 * @kind:	CKPT_NS_*
 * @name:	for messages
 * @of:		the namespace of this kind of a set of namespaces
 * @owner:	its user namespace
 * @get:	take a reference
 * @put:	drop it
 * @write:	checkpoint: the records of what the namespace @e holds
 * @finish:	checkpoint: once every task is written, refuse what the
 *		tree did not account for, or NULL
 * @in_use:	restart: why a namespace made for the image is not a new
 *		one, or NULL
 */
struct ckpt_ns_ops {
	u32 kind;
	const char *name;
	void *(*of)(struct nsproxy *nsp);
	struct user_namespace *(*owner)(void *ns);
	void (*get)(void *ns);
	void (*put)(void *ns);
	int (*write)(struct ckpt_ctx *ctx, const struct ckpt_ns *e);
	int (*finish)(struct ckpt_ctx *ctx, void *ns);
	const char *(*in_use)(void *ns);
};

static void *ckpt_uts_of(struct nsproxy *nsp)
{
	return nsp->uts_ns;
}

static struct user_namespace *ckpt_uts_owner(void *ns)
{
	return ((struct uts_namespace *)ns)->user_ns;
}

static void ckpt_uts_get(void *ns)
{
	get_uts_ns(ns);
}

static void ckpt_uts_put(void *ns)
{
	put_uts_ns(ns);
}

static int ckpt_write_uts_ns(struct ckpt_ctx *ctx, const struct ckpt_ns *e)
{
	struct uts_namespace *uts = e->ns;
	struct ckpt_rec_uts_ns rec = {};

	BUILD_BUG_ON(sizeof(rec.nodename) != sizeof(uts->name.nodename) ||
		     sizeof(rec.domainname) != sizeof(uts->name.domainname));
	rec.objref = e->ref;
	down_read(&uts_sem);
	strscpy_pad(rec.nodename, uts->name.nodename);
	strscpy_pad(rec.domainname, uts->name.domainname);
	up_read(&uts_sem);
	return ckpt_write_record(ctx, CKPT_REC_UTS_NS, &rec.h, sizeof(rec),
				 NULL, 0);
}

#ifdef CONFIG_SYSVIPC
static void *ckpt_ipc_of(struct nsproxy *nsp)
{
	return nsp->ipc_ns;
}

static struct user_namespace *ckpt_ipc_owner(void *ns)
{
	return ((struct ipc_namespace *)ns)->user_ns;
}

static void ckpt_ipc_get(void *ns)
{
	get_ipc_ns(ns);
}

static void ckpt_ipc_put(void *ns)
{
	put_ipc_ns(ns);
}
#endif

static const struct ckpt_ns_ops ckpt_ns_ops[] = {
	{
		.kind = CKPT_NS_UTS,
		.name = "UTS",
		.of = ckpt_uts_of,
		.owner = ckpt_uts_owner,
		.get = ckpt_uts_get,
		.put = ckpt_uts_put,
		.write = ckpt_write_uts_ns,
	},
#ifdef CONFIG_SYSVIPC
	{
		.kind = CKPT_NS_IPC,
		.name = "IPC",
		.of = ckpt_ipc_of,
		.owner = ckpt_ipc_owner,
		.get = ckpt_ipc_get,
		.put = ckpt_ipc_put,
		.write = ckpt_write_ipc_ns,
		.finish = ckpt_ipc_ns_finish,
		.in_use = rst_ipc_ns_in_use,
	},
#endif
};

static const struct ckpt_ns_ops *ckpt_ns_kind(u32 kind)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_ns_ops); i++)
		if (ckpt_ns_ops[i].kind == kind)
			return &ckpt_ns_ops[i];
	return NULL;
}

static struct ckpt_ns *ckpt_ns_find(struct ckpt_ctx *ctx, u32 kind,
				    const void *ns)
{
	int i;

	for (i = 0; i < ctx->nr_nss; i++)
		if (ctx->nss[i].kind == kind && ctx->nss[i].ns == ns)
			return &ctx->nss[i];
	return NULL;
}

static struct ckpt_ns *ckpt_ns_add(struct ckpt_ctx *ctx)
{
	struct ckpt_ns *nss;

	if (ctx->nr_nss >= 2 * CKPT_MAX_TASKS)
		return NULL;
	/* room for 4, then doubled whenever full */
	if (!ctx->nr_nss || (ctx->nr_nss >= 4 && is_power_of_2(ctx->nr_nss))) {
		nss = krealloc_array(ctx->nss, ctx->nr_nss ? 2 * ctx->nr_nss : 4,
				     sizeof(*nss), GFP_KERNEL);
		if (!nss)
			return NULL;
		ctx->nss = nss;
	}
	memset(&ctx->nss[ctx->nr_nss], 0, sizeof(*ctx->nss));
	return &ctx->nss[ctx->nr_nss++];
}

/* The parent of @t, referenced: its thread group leader for a thread. */
static struct task_struct *ckpt_parent(struct task_struct *t)
{
	struct task_struct *parent;

	rcu_read_lock();
	parent = thread_group_leader(t) ? rcu_dereference(t->real_parent) :
		 t->group_leader;
	get_task_struct(parent);
	rcu_read_unlock();
	return parent;
}

/*
 * The namespace of @ops's kind that @t lives in.  A zombie has dropped
 * its namespaces: it is restored as a child of its parent, in the
 * parent's (the tree holds the parent).
 */
static void *ckpt_task_ns(struct task_struct *t, const struct ckpt_ns_ops *ops)
{
	void *ns = NULL;

	task_lock(t);
	if (t->nsproxy)
		ns = ops->of(t->nsproxy);
	task_unlock(t);
	if (!ns && t->exit_state && thread_group_leader(t)) {
		t = ckpt_parent(t);
		ns = ckpt_task_ns(t, ops);
		put_task_struct(t);
	}
	return ns;
}

/**
 * ckpt_task_in_tree - is @t a task of the checkpointed tree?
 * @ctx: the checkpoint
 * @t: any task
 *
 * Return: true if it is.
 */
bool ckpt_task_in_tree(struct ckpt_ctx *ctx, struct task_struct *t)
{
	int i;

	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->tasks[i] == t)
			return true;
	return false;
}

static bool ckpt_task_lives_in(struct task_struct *t,
			       const struct ckpt_ns_ops *ops, void *ns)
{
	bool in;

	task_lock(t);
	in = t->nsproxy && ops->of(t->nsproxy) == ns;
	task_unlock(t);
	return in;
}

/*
 * A task outside the tree living in @ns: its pid here, or 0.  The tasks
 * living in it are counted, and only when the system has more than the
 * tree is each one looked up in the tree, to name one.
 */
static pid_t ckpt_ns_outsider(struct ckpt_ctx *ctx,
			      const struct ckpt_ns_ops *ops, void *ns)
{
	struct task_struct *g, *p;
	int i, tree = 0, all = 0;
	pid_t pid = 0;

	for (i = 0; i < ctx->nr_tasks; i++)
		tree += ckpt_task_lives_in(ctx->tasks[i], ops, ns);
	rcu_read_lock();
	for_each_process_thread(g, p)
		all += ckpt_task_lives_in(p, ops, ns);
	if (all > tree) {
		for_each_process_thread(g, p) {
			if (ckpt_task_lives_in(p, ops, ns) &&
			    !ckpt_task_in_tree(ctx, p)) {
				pid = task_pid_vnr(p) ?: -1;
				break;
			}
		}
	}
	rcu_read_unlock();
	return pid;
}

/* A namespace new at @t: refuse it if restart could not make it alone. */
static int ckpt_ns_check_new(struct ckpt_ctx *ctx,
			     const struct ckpt_ns_ops *ops, void *ns, pid_t pid)
{
	pid_t outsider;

	if (ops->owner(ns) != current_user_ns())
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d lives in a %s namespace of another user namespace: not supported yet",
				pid, ops->name);
	outsider = ckpt_ns_outsider(ctx, ops, ns);
	if (outsider)
		return ckpt_err(ctx, -EBUSY,
				"the %s namespace of pid %d is also used by pid %d outside the checkpointed tree",
				ops->name, pid, outsider);
	return 0;
}

/*
 * Note the namespace of @ops's kind that @t lives in: the checkpointer's,
 * its parent's, or a new one.
 */
static int ckpt_ns_note(struct ckpt_ctx *ctx, const struct ckpt_ns_ops *ops,
			struct task_struct *t)
{
	struct pid_namespace *pidns = task_active_pid_ns(ctx->root);
	void *home = ops->of(current->nsproxy);
	pid_t pid = task_pid_nr_ns(t, pidns);
	struct task_struct *parent;
	pid_t ppid = 0;
	void *ns, *pns;
	struct ckpt_ns *e;
	u32 ref;
	int ret;

	ns = ckpt_task_ns(t, ops);
	if (!ns)
		return ckpt_err(ctx, -EBUSY, "pid %d is exiting", pid);
	if (t == ctx->root) {
		pns = home;
	} else {
		parent = ckpt_parent(t);
		pns = ckpt_task_ns(parent, ops);
		ppid = task_pid_nr_ns(parent, pidns);
		put_task_struct(parent);
	}
	if (ns == pns)
		return 0;
	e = ckpt_ns_find(ctx, ops->kind, ns);
	if (ns == home)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d lives in the checkpointer's %s namespace, its parent pid %d in another: not supported",
				pid, ops->name, ppid);
	if (e)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d lives in the %s namespace of pid %d, its parent pid %d in another: not supported",
				pid, ops->name, e->pid, ppid);
	if (!thread_group_leader(t))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d is a thread with a %s namespace of its own (unshare()): not supported",
				pid, ops->name);
	ret = ckpt_ns_check_new(ctx, ops, ns, pid);
	if (ret)
		return ret;
	if (IS_ERR(ckpt_obj_state(ctx, ns, &ref)))
		return -ENOMEM;
	e = ckpt_ns_add(ctx);
	if (!e)
		return -ENOMEM;
	e->ref = ref;
	e->kind = ops->kind;
	e->pid = pid;
	e->ns = ns;
	e->first = t;
	return 0;
}

/**
 * ckpt_write_namespaces - the container section: the tree's namespaces
 * @ctx: the checkpoint, with the tree frozen
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_namespaces(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_namespace rec = {};
	int i, k, ret = 0;

	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		for (k = 0; k < ARRAY_SIZE(ckpt_ns_ops) && !ret; k++)
			ret = ckpt_ns_note(ctx, &ckpt_ns_ops[k], ctx->tasks[i]);
	for (i = 0; i < ctx->nr_nss && !ret; i++) {
		rec.objref = ctx->nss[i].ref;
		rec.kind = ctx->nss[i].kind;
		rec.pid = ctx->nss[i].pid;
		ret = ckpt_write_record(ctx, CKPT_REC_NAMESPACE, &rec.h,
					sizeof(rec), NULL, 0);
	}
	return ret;
}

/**
 * ckpt_ns_lookup - the objref of a namespace of the tree
 * @ctx: the checkpoint
 * @kind: CKPT_NS_*
 * @ns: the namespace
 *
 * Return: its objref, or 0 for a namespace the image does not hold (the
 * checkpointer's).
 */
u32 ckpt_ns_lookup(struct ckpt_ctx *ctx, u32 kind, const void *ns)
{
	struct ckpt_ns *e = ckpt_ns_find(ctx, kind, ns);

	return e ? e->ref : 0;
}

/**
 * ckpt_ns_ref - the objref of the namespace of @kind @t lives in, for the tree
 * @ctx: the checkpoint, after ckpt_write_namespaces()
 * @t: a task of the tree
 * @kind: CKPT_NS_*
 *
 * Return: the objref, or 0 for the checkpointer's.
 */
u32 ckpt_ns_ref(struct ckpt_ctx *ctx, struct task_struct *t, u32 kind)
{
	const struct ckpt_ns_ops *ops = ckpt_ns_kind(kind);

	return ops ? ckpt_ns_lookup(ctx, kind, ckpt_task_ns(t, ops)) : 0;
}

/**
 * ckpt_write_task_ns - what the namespaces new at @t hold
 * @ctx: the checkpoint
 * @t: a live task of the tree, whose TASK record was just written
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_task_ns(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_ns *e;
	int ret = 0;

	for (e = ctx->nss; e < ctx->nss + ctx->nr_nss && !ret; e++)
		if (e->first == t)
			ret = ckpt_ns_kind(e->kind)->write(ctx, e);
	return ret;
}

/**
 * ckpt_namespaces_finish - refuse what the tree's namespaces hold for others
 * @ctx: the checkpoint, with every task written
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_namespaces_finish(struct ckpt_ctx *ctx)
{
	const struct ckpt_ns_ops *ops;
	int i, ret = 0;

	for (i = 0; i < ctx->nr_nss && !ret; i++) {
		ops = ckpt_ns_kind(ctx->nss[i].kind);
		if (ops->finish)
			ret = ops->finish(ctx, ctx->nss[i].ns);
	}
	return ret;
}

/**
 * ckpt_ns_free - forget the namespaces, at the end of a checkpoint
 * @ctx: the checkpoint
 */
void ckpt_ns_free(struct ckpt_ctx *ctx)
{
	kfree(ctx->nss);
	ctx->nss = NULL;
	ctx->nr_nss = 0;
}

/**
 * rst_ns_begin - note the restarter's namespaces
 * @ctx: the restart, of the coordinator or of a task restoring itself
 *
 * A task of the image whose entry names no namespace of the image must
 * live in these.
 */
void rst_ns_begin(struct ckpt_ctx *ctx)
{
	int k;

	for (k = 0; k < ARRAY_SIZE(ckpt_ns_ops); k++)
		ctx->home_ns[ckpt_ns_ops[k].kind] =
			ckpt_ns_ops[k].of(current->nsproxy);
}

static struct ckpt_ns *rst_ns_by_ref(struct ckpt_ctx *owner, u32 ref)
{
	int i;

	for (i = 0; i < owner->nr_nss; i++)
		if (owner->nss[i].ref == ref)
			return &owner->nss[i];
	return NULL;
}

/**
 * rst_ns_ref_used - is @ref the objref of a namespace of the image?
 * @ctx: the restart
 * @ref: an objref another kind of object is given
 *
 * Return: true if a NAMESPACE record took it.
 */
bool rst_ns_ref_used(struct ckpt_ctx *ctx, u32 ref)
{
	return rst_ns_by_ref(ctx->coord ?: ctx, ref);
}

/**
 * rst_namespace - a namespace of the container section
 * @ctx: the restart
 * @h: header of a CKPT_REC_NAMESPACE record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_namespace(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_namespace rec = { .h = *h };
	struct ckpt_ns *e;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (ctx->coord || (ctx->seen & RST_SEEN_TREE))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: a namespace record after the tree",
				ctx->rec_pos);
	if (!rec.objref || !ckpt_ns_kind(rec.kind) || rec.pid <= 0 || rec.pad)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad namespace %u of kind %u, first pid %d",
				ctx->rec_pos, rec.objref, rec.kind, rec.pid);
	if (rst_ns_by_ref(ctx, rec.objref))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: namespace %u was defined before",
				ctx->rec_pos, rec.objref);
	e = ckpt_ns_add(ctx);
	if (!e)
		return ckpt_err(ctx, -ENOMEM, "offset %lld: too many namespaces",
				ctx->rec_pos);
	e->ref = rec.objref;
	e->kind = rec.kind;
	e->pid = rec.pid;
	return 0;
}

/* The objref of the namespace of @kind that the tree entry @ids names. */
static u32 rst_ids_ns(const struct ckpt_task_ids *ids, u32 kind)
{
	return kind == CKPT_NS_UTS ? ids->uts_ns : ids->ipc_ns;
}

/**
 * rst_check_tree_ns - the tree's entries and the namespaces agree
 * @ctx: the restart, with the tree and the container section read
 *
 * Return: 0 or -EINVAL, explained on the log.
 */
int rst_check_tree_ns(struct ckpt_ctx *ctx)
{
	const struct ckpt_task_ids *ids;
	struct ckpt_ns *e;
	int i, k;
	u32 ref;

	for (i = 0; i < ctx->nr_tree; i++) {
		ids = &ctx->tree[i];
		for (k = CKPT_NS_UTS; k < CKPT_NS_KINDS; k++) {
			ref = rst_ids_ns(ids, k);
			e = ref ? rst_ns_by_ref(ctx, ref) : NULL;
			if (ref && (!e || e->kind != k))
				return ckpt_err(ctx, -EINVAL,
						"pid %d names namespace %u of kind %d, which the image does not define",
						ids->pid, ref, k);
		}
	}
	for (i = 0; i < ctx->nr_nss; i++) {
		e = &ctx->nss[i];
		for (k = 0; k < ctx->nr_tree; k++)
			if (ctx->tree[k].pid == e->pid)
				break;
		if (k == ctx->nr_tree || rst_ids_ns(&ctx->tree[k], e->kind) != e->ref)
			return ckpt_err(ctx, -EINVAL,
					"namespace %u: its first pid %d does not live in it",
					e->ref, e->pid);
	}
	return 0;
}

/*
 * The caller's namespace of @ops's kind, against the one its entry names
 * by @ref: the restarter's for 0; the first task in a namespace must be
 * in a new one, which the tasks after it share.
 */
static int rst_task_ns_kind(struct ckpt_ctx *ctx, struct ckpt_ctx *owner,
			    const struct ckpt_ns_ops *ops, u32 ref, pid_t pid)
{
	void *mine = ops->of(current->nsproxy);
	void *home = owner->home_ns[ops->kind];
	const char *busy;
	struct ckpt_ns *e;

	if (!ref) {
		if (mine != home)
			return ckpt_err(ctx, -EINVAL,
					"pid %d lives in another %s namespace than the restarter's",
					pid, ops->name);
		return 0;
	}
	e = rst_ns_by_ref(owner, ref);
	if (e && e->ns) {
		if (mine != e->ns)
			return ckpt_err(ctx, -EINVAL,
					"pid %d does not live in the %s namespace of pid %d",
					pid, ops->name, e->pid);
		return 0;
	}
	if (!e || e->pid != pid)
		return ckpt_err(ctx, -EINVAL,
				"pid %d: %s namespace %u is not new at it",
				pid, ops->name, ref);
	if (mine == home || ckpt_ns_find(owner, ops->kind, mine))
		return ckpt_err(ctx, -EINVAL,
				"pid %d does not live in a new %s namespace",
				pid, ops->name);
	busy = ops->in_use ? ops->in_use(mine) : NULL;
	if (busy)
		return ckpt_err(ctx, -EBUSY,
				"pid %d: its new %s namespace already holds %s",
				pid, ops->name, busy);
	ops->get(mine);
	e->ns = mine;
	return 0;
}

/**
 * rst_task_ns - the caller lives in the namespaces its entry names
 * @ctx: the restart, of the caller's task
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_task_ns(struct ckpt_ctx *ctx)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	const struct ckpt_task_ids *ids = ctx->coord ? &ctx->ids : &ctx->tree[0];
	int k, ret = 0;

	for (k = 0; k < ARRAY_SIZE(ckpt_ns_ops) && !ret; k++)
		ret = rst_task_ns_kind(ctx, owner, &ckpt_ns_ops[k],
				       rst_ids_ns(ids, ckpt_ns_ops[k].kind),
				       ids->pid);
	return ret;
}

/**
 * rst_ns_new - the namespace whose record is read, new at the caller
 * @ctx: the restart, of the caller's task
 * @kind: CKPT_NS_*
 * @ref: the record's objref
 *
 * Return: the namespace, or an ERR_PTR explained on the log.
 */
void *rst_ns_new(struct ckpt_ctx *ctx, u32 kind, u32 ref)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	pid_t pid = ctx->coord ? ctx->ids.pid : ctx->tree[0].pid;
	struct ckpt_ns *e = rst_ns_by_ref(owner, ref);

	if (!e || e->kind != kind || e->pid != pid || !e->ns || e->restored) {
		ckpt_err(ctx, -EINVAL,
			 "offset %lld: the record of namespace %u, which is not new at pid %d",
			 ctx->rec_pos, ref, pid);
		return ERR_PTR(-EINVAL);
	}
	e->restored = true;
	return e->ns;
}

/**
 * rst_check_ns_restored - the namespaces new at the caller got their record
 * @ctx: the restart, of the caller's task, whose records are read
 *
 * Return: 0 or -EINVAL, explained on the log.
 */
int rst_check_ns_restored(struct ckpt_ctx *ctx)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	pid_t pid = ctx->coord ? ctx->ids.pid : ctx->tree[0].pid;
	int i;

	for (i = 0; i < owner->nr_nss; i++)
		if (owner->nss[i].pid == pid && !owner->nss[i].restored)
			return ckpt_err(ctx, -EINVAL,
					"image is incomplete: namespace %u of pid %d has no record",
					owner->nss[i].ref, pid);
	if (ctx->sysv_shm_left || ctx->sysv_sem_left)
		return ckpt_err(ctx, -EINVAL,
				"image is incomplete: %u segments and %u semaphore sets of pid %d's IPC namespace are missing",
				ctx->sysv_shm_left, ctx->sysv_sem_left, pid);
	return 0;
}

/**
 * rst_uts_ns - the host and domain names of a new UTS namespace
 * @ctx: the restart
 * @h: header of a CKPT_REC_UTS_NS record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_uts_ns(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_uts_ns rec = { .h = *h };
	struct uts_namespace *uts;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.pad || memchr_inv(rec.pad2, 0, sizeof(rec.pad2)) ||
	    !memchr(rec.nodename, 0, sizeof(rec.nodename)) ||
	    !memchr(rec.domainname, 0, sizeof(rec.domainname)))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad UTS namespace record",
				ctx->rec_pos);
	uts = rst_ns_new(ctx, CKPT_NS_UTS, rec.objref);
	if (IS_ERR(uts))
		return PTR_ERR(uts);
	if (!ns_capable(uts->user_ns, CAP_SYS_ADMIN))
		return ckpt_err(ctx, -EPERM,
				"setting the host name of a UTS namespace needs CAP_SYS_ADMIN over it");
	down_write(&uts_sem);
	memset(uts->name.nodename, 0, sizeof(uts->name.nodename));
	strscpy(uts->name.nodename, rec.nodename);
	memset(uts->name.domainname, 0, sizeof(uts->name.domainname));
	strscpy(uts->name.domainname, rec.domainname);
	up_write(&uts_sem);
	uts_proc_notify(UTS_PROC_HOSTNAME);
	uts_proc_notify(UTS_PROC_DOMAINNAME);
	return 0;
}

/**
 * rst_ns_end - drop the namespaces, at the end of a restart
 * @ctx: the restart
 */
void rst_ns_end(struct ckpt_ctx *ctx)
{
	int i;

	rst_sysv_shms_end(ctx);
	for (i = 0; i < ctx->nr_nss; i++)
		if (ctx->nss[i].ns)
			ckpt_ns_kind(ctx->nss[i].kind)->put(ctx->nss[i].ns);
	ckpt_ns_free(ctx);
}
