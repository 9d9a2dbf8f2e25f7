// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: System V semaphore sets and SEM_UNDO adjustments.
 *
 * Included by ipc/sem.c, whose set and undo structures and helpers it
 * uses.
 *
 * The sets of an IPC namespace of the tree are written with the
 * namespace (ipc/checkpoint.c), after its segments: one SYSV_SEM record
 * each, with every semaphore's value and last pid.  A frozen task is not
 * waiting in semop(): the freeze made it leave the call, which it makes
 * again once thawed or restored.  The adjustments a process's
 * semop(SEM_UNDO) calls left (what its exit undoes) come with its leader
 * as SEM_UNDO records, one per set, and are given to the restored
 * process again.
 */
#include <linux/checkpoint.h>

/* One set, noted under the ids' rwsem. */
struct ckpt_sem_set {
	struct ckpt_rec_sysv_sem rec;
	struct ckpt_sem *vals;
	struct pid **pids;
};

static void ckpt_sem_sets_free(struct ckpt_sem_set *sets, u32 nr)
{
	u32 i, k;

	for (i = 0; i < nr; i++) {
		for (k = 0; sets[i].pids && k < sets[i].rec.nsems; k++)
			put_pid(sets[i].pids[k]);
		kvfree(sets[i].pids);
		kvfree(sets[i].vals);
	}
	kvfree(sets);
}

/* Copy what the record of @sma says, its values and pids into @set. */
static const char *ckpt_sem_fill(struct sem_array *sma,
				 struct ckpt_sem_set *set)
{
	struct user_namespace *uns = current_user_ns();
	struct ckpt_rec_sysv_sem *rec = &set->rec;
	int i;

	rec->key = sma->sem_perm.key;
	rec->id = sma->sem_perm.id;
	rec->uid = from_kuid(uns, sma->sem_perm.uid);
	rec->gid = from_kgid(uns, sma->sem_perm.gid);
	rec->cuid = from_kuid(uns, sma->sem_perm.cuid);
	rec->cgid = from_kgid(uns, sma->sem_perm.cgid);
	if (rec->uid == (u32)-1 || rec->gid == (u32)-1 ||
	    rec->cuid == (u32)-1 || rec->cgid == (u32)-1)
		return "owned by a user or group outside the checkpointer's user namespace";
	rec->mode = sma->sem_perm.mode & 0777;
	rec->otime = get_semotime(sma);
	rec->ctime = sma->sem_ctime;
	for (i = 0; i < sma->sem_nsems; i++) {
		set->vals[i].semval = sma->sems[i].semval;
		set->pids[i] = get_pid(sma->sems[i].sempid);
	}
	return NULL;
}

/* Note set @perm as the @n-th of @arg, a struct ckpt_sem_set array. */
static int ckpt_sem_note(struct ckpt_ctx *ctx, struct kern_ipc_perm *perm,
			 u32 n, void *arg, const char **why)
{
	struct sem_array *sma = container_of(perm, struct sem_array, sem_perm);
	struct ckpt_sem_set *set = (struct ckpt_sem_set *)arg + n;
	int nsems = sma->sem_nsems;

	set->rec.nsems = nsems;
	set->vals = kvcalloc(nsems, sizeof(*set->vals), GFP_KERNEL);
	set->pids = kvcalloc(nsems, sizeof(*set->pids), GFP_KERNEL);
	if (!set->vals || !set->pids)
		return -ENOMEM;
	rcu_read_lock();
	sem_lock(sma, NULL, -1);
	*why = ckpt_sem_fill(sma, set);
	sem_unlock(sma, -1);
	rcu_read_unlock();
	return 0;
}

/**
 * ckpt_write_sysv_sems - the SYSV_SEM records of the sets of @ns
 * @ctx: the checkpoint
 * @ns: the namespace, whose IPC_NS record said @nr sets
 * @nr: how many
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_sysv_sems(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			 u32 nr)
{
	struct ckpt_sem_set *sets, *s;
	u32 i, k;
	int ret;

	if (!nr)
		return 0;
	sets = kvcalloc(nr, sizeof(*sets), GFP_KERNEL);
	if (!sets)
		return -ENOMEM;
	ret = ckpt_ipc_collect(ctx, &sem_ids(ns), nr, "semaphore set",
			       ckpt_sem_note, sets);
	for (i = 0; i < nr && !ret; i++) {
		s = &sets[i];
		for (k = 0; k < s->rec.nsems; k++)
			s->vals[k].sempid = ckpt_ipc_pid(ctx, s->pids[k]);
		ret = ckpt_write_record(ctx, CKPT_REC_SYSV_SEM, &s->rec.h,
					sizeof(s->rec), s->vals,
					s->rec.nsems * sizeof(*s->vals));
	}
	ckpt_sem_sets_free(sets, nr);
	return ret;
}

/* The adjustments of @ulp, for the sets of @ns: counted, then copied. */
struct ckpt_sem_undos {
	u32 nr;
	int max_nsems;
	struct ckpt_rec_sem_undo *recs;
	s16 *adj;			/* nr runs of max_nsems */
};

static void ckpt_sem_undos_scan(struct sem_undo_list *ulp,
				struct ipc_namespace *ns,
				struct ckpt_sem_undos *u, bool copy)
{
	struct sem_array *sma;
	struct sem_undo *un;
	u32 n = 0;

	rcu_read_lock();
	spin_lock(&ulp->lock);
	list_for_each_entry(un, &ulp->list_proc, list_proc) {
		if (un->semid < 0)
			continue;
		sma = sem_obtain_object_check(ns, un->semid);
		if (IS_ERR(sma))
			continue;
		if (!copy) {
			u->max_nsems = max(u->max_nsems, sma->sem_nsems);
		} else if (n < u->nr && sma->sem_nsems <= u->max_nsems) {
			u->recs[n].id = un->semid;
			u->recs[n].nsems = sma->sem_nsems;
			memcpy(u->adj + n * u->max_nsems, un->semadj,
			       sma->sem_nsems * sizeof(*un->semadj));
		}
		n++;
	}
	spin_unlock(&ulp->lock);
	rcu_read_unlock();
	if (!copy)
		u->nr = n;
}

static int ckpt_write_undos(struct ckpt_ctx *ctx, struct sem_undo_list *ulp,
			    struct ipc_namespace *ns)
{
	struct ckpt_sem_undos u = {};
	u32 i;
	int ret = 0;

	ckpt_sem_undos_scan(ulp, ns, &u, false);
	if (!u.nr)
		return 0;
	u.recs = kvcalloc(u.nr, sizeof(*u.recs), GFP_KERNEL);
	u.adj = kvcalloc(u.nr, u.max_nsems * sizeof(*u.adj), GFP_KERNEL);
	if (!u.recs || !u.adj)
		ret = -ENOMEM;
	if (!ret)
		ckpt_sem_undos_scan(ulp, ns, &u, true);
	for (i = 0; i < u.nr && !ret; i++)
		ret = ckpt_write_record(ctx, CKPT_REC_SEM_UNDO, &u.recs[i].h,
					sizeof(u.recs[i]),
					u.adj + i * u.max_nsems,
					u.recs[i].nsems * sizeof(*u.adj));
	kvfree(u.adj);
	kvfree(u.recs);
	return ret;
}

/**
 * ckpt_write_sem_undos - the SEM_UNDO records of the process of @t
 * @ctx: the checkpoint
 * @t: a live thread group leader of the tree
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_sem_undos(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct sem_undo_list *ulp = t->sysvsem.undo_list;
	pid_t pid = task_pid_vnr(t);
	struct ipc_namespace *ns;

	if (!sem_undo_pending(t))
		return 0;
	if (refcount_read(&ulp->refcnt) > get_nr_threads(t))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d shares its System V semaphore adjustments (CLONE_SYSVSEM) with another process: not supported yet",
				pid);
	task_lock(t);
	ns = t->nsproxy ? t->nsproxy->ipc_ns : NULL;
	task_unlock(t);
	if (!ns || !ckpt_ns_lookup(ctx, CKPT_NS_IPC, ns))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: System V semaphore adjustments (SEM_UNDO) in the checkpointer's IPC namespace (shared with the outside) are not supported",
				pid);
	return ckpt_write_undos(ctx, ulp, ns);
}

static bool rst_sem_rec_ok(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			   const struct ckpt_rec_sysv_sem *rec)
{
	struct user_namespace *uns = current_user_ns();

	return !(rec->mode & ~0777) && rec->id >= 0 &&
	       ipcid_to_idx(rec->id) < ipc_mni && rec->nsems >= 1 &&
	       rec->nsems <= ns->sc_semmsl &&
	       rec->h.len == ALIGN(sizeof(*rec) +
				   (u64)rec->nsems * sizeof(struct ckpt_sem),
				   CKPT_REC_ALIGN) &&
	       rec->otime >= 0 && rec->ctime >= 0 &&
	       uid_valid(make_kuid(uns, rec->uid)) &&
	       uid_valid(make_kuid(uns, rec->cuid)) &&
	       gid_valid(make_kgid(uns, rec->gid)) &&
	       gid_valid(make_kgid(uns, rec->cgid));
}

static bool rst_sem_vals_ok(struct ckpt_ctx *ctx, const struct ckpt_sem *vals,
			    u32 nsems)
{
	u32 i;

	for (i = 0; i < nsems; i++)
		if (vals[i].semval < 0 || vals[i].semval > SEMVMX ||
		    vals[i].sempid < 0 ||
		    (vals[i].sempid && !rst_tree_has_pid(ctx, vals[i].sempid)))
			return false;
	return true;
}

/* Make the set of @rec with its id; set owners, values, pids and times. */
static int rst_sem_make(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			const struct ckpt_rec_sysv_sem *rec,
			const struct ckpt_sem *vals)
{
	struct user_namespace *uns = current_user_ns();
	struct sem_array *sma;
	struct pid *pid;
	int ret;
	u32 i;

	ret = rst_ipc_reserve(ctx, &sem_ids(ns), rec->id);
	if (!ret)
		ret = rst_ipc_made(ctx, &sem_ids(ns), rec->id,
				   ksys_semget(rec->key, rec->nsems,
					       IPC_CREAT | IPC_EXCL | rec->mode));
	if (ret)
		return ret;
	rcu_read_lock();
	sma = sem_obtain_object_check(ns, rec->id);
	if (IS_ERR(sma)) {
		rcu_read_unlock();
		return ckpt_err(ctx, PTR_ERR(sma), "System V semaphore set %d is gone",
				rec->id);
	}
	sem_lock(sma, NULL, -1);
	sma->sem_perm.uid = make_kuid(uns, rec->uid);
	sma->sem_perm.gid = make_kgid(uns, rec->gid);
	sma->sem_perm.cuid = make_kuid(uns, rec->cuid);
	sma->sem_perm.cgid = make_kgid(uns, rec->cgid);
	for (i = 0; i < rec->nsems; i++) {
		sma->sems[i].semval = vals[i].semval;
		pid = rst_ipc_pid(ctx, vals[i].sempid);
		swap(sma->sems[i].sempid, pid);
		put_pid(pid);
		sma->sems[i].sem_otime = 0;
	}
	sma->sems[0].sem_otime = rec->otime;
	sma->sem_ctime = rec->ctime;
	sem_unlock(sma, -1);
	rcu_read_unlock();
	return 0;
}

/**
 * rst_sysv_sem - a semaphore set of the caller's new IPC namespace
 * @ctx: the restart
 * @h: header of a CKPT_REC_SYSV_SEM record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_sysv_sem(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct ckpt_rec_sysv_sem rec = { .h = *h };
	struct ckpt_sem *vals;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (ctx->sysv_shm_left || !ctx->sysv_sem_left)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: a semaphore set before the segments of its IPC namespace, or beyond its count",
				ctx->rec_pos);
	ctx->sysv_sem_left--;
	if (!rst_sem_rec_ok(ctx, ns, &rec))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad System V semaphore set %d (key %#x, %u semaphores, mode %#o)",
				ctx->rec_pos, rec.id, rec.key, rec.nsems,
				rec.mode);
	vals = kvcalloc(rec.nsems, sizeof(*vals), GFP_KERNEL);
	if (!vals)
		return -ENOMEM;
	ret = ckpt_read_bytes(ctx, vals, rec.nsems * sizeof(*vals));
	if (!ret && !rst_sem_vals_ok(ctx, vals, rec.nsems))
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: System V semaphore set %d: a value past %d or a pid not in the tree",
			       ctx->rec_pos, rec.id, SEMVMX);
	if (!ret)
		ret = rst_sem_make(ctx, ns, &rec, vals);
	if (!ret)
		rst_ipc_ids_done(ctx);
	kvfree(vals);
	return ret;
}

/* Give the caller's undo structure for set @id the adjustments @adj. */
static int rst_sem_adjust(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			  int id, u32 nsems, const s16 *adj)
{
	struct sem_array *sma;
	struct sem_undo *un;
	int ret = 0, has;

	un = find_alloc_undo(ns, id);	/* with the RCU read lock on success */
	if (IS_ERR(un))
		return ckpt_err(ctx, PTR_ERR(un),
				"System V semaphore set %d: no adjustments: error %ld",
				id, PTR_ERR(un));
	sma = sem_obtain_object_check(ns, id);
	if (IS_ERR(sma)) {
		rcu_read_unlock();
		return ckpt_err(ctx, PTR_ERR(sma), "System V semaphore set %d is gone",
				id);
	}
	sem_lock(sma, NULL, -1);
	has = sma->sem_nsems;
	if (has != nsems || un->semid != id)
		ret = -EINVAL;
	else
		memcpy(un->semadj, adj, nsems * sizeof(*adj));
	sem_unlock(sma, -1);
	rcu_read_unlock();
	if (ret)
		return ckpt_err(ctx, ret,
				"offset %lld: adjustments of %u semaphores for System V semaphore set %d of %d",
				ctx->rec_pos, nsems, id, has);
	return 0;
}

/**
 * rst_sem_undo - the caller's adjustments for one semaphore set
 * @ctx: the restart
 * @h: header of a CKPT_REC_SEM_UNDO record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_sem_undo(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_sem_undo rec = { .h = *h };
	s16 *adj;
	u32 i;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.id < 0 || !rec.nsems || rec.nsems > SEMMSL ||
	    rec.h.len != ALIGN(sizeof(rec) + rec.nsems * sizeof(*adj),
			       CKPT_REC_ALIGN))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad adjustments of %u semaphores for set %d",
				ctx->rec_pos, rec.nsems, rec.id);
	adj = kvcalloc(rec.nsems, sizeof(*adj), GFP_KERNEL);
	if (!adj)
		return -ENOMEM;
	ret = ckpt_read_bytes(ctx, adj, rec.nsems * sizeof(*adj));
	for (i = 0; !ret && i < rec.nsems; i++)
		if (adj[i] < -SEMAEM || adj[i] > SEMAEM)
			ret = ckpt_err(ctx, -EINVAL,
				       "offset %lld: adjustment %d of set %d past %d",
				       ctx->rec_pos, adj[i], rec.id, SEMAEM);
	if (!ret)
		ret = rst_sem_adjust(ctx, current->nsproxy->ipc_ns, rec.id,
				     rec.nsems, adj);
	kvfree(adj);
	return ret;
}
