// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: System V shared memory segments.
 *
 * Included by ipc/shm.c, whose segment structure and helpers it uses.
 *
 * The segments of an IPC namespace of the tree are written with the
 * namespace (ipc/checkpoint.c): one SYSV_SHM record each, with its
 * contents as PAGES records.  A mapping of a segment (attached with
 * shmat()) refers to it by objref, and restart attaches it again there
 * with do_shmat(), so that the segment counts its attachments as before.
 * Only whole attachments with the protection shmat() gave them are
 * taken; a segment attached by a task outside the tree is refused (the
 * namespace is the tree's alone, but a task may attach a segment and
 * then leave the namespace).  Owners, times and pids are set once every
 * task is restored (rst_sysv_shm_commit()), then a segment that was
 * removed (IPC_RMID) while attached is removed again.
 */
#include <linux/checkpoint.h>

/* The objhash state word of a segment: written, and how often the tree attaches it. */
#define CKPT_SHM_WRITTEN	BIT(31)

/* A segment that restart made. */
struct rst_sysv_shm {
	struct ipc_namespace *ns;		/* referenced */
	struct ckpt_rec_sysv_shm rec;
};

/**
 * ckpt_is_sysv_shm - is @file the file of a System V segment's mapping?
 * @file: a mapped file
 *
 * Return: true for a mapping that shmat() made.
 */
bool ckpt_is_sysv_shm(struct file *file)
{
	return file->f_op == &shm_file_operations ||
	       file->f_op == &shm_file_operations_huge;
}

/* What a segment's record says, or why it cannot be saved. */
static const char *ckpt_shm_fill(struct ckpt_ctx *ctx, struct shmid_kernel *shp,
				 struct ckpt_rec_sysv_shm *rec)
{
	struct user_namespace *uns = current_user_ns();
	struct kern_ipc_perm *perm = &shp->shm_perm;

	if (perm->mode & SHM_LOCKED)
		return "locked (SHM_LOCK)";
	if (is_file_hugepages(shp->shm_file))
		return "of huge pages (SHM_HUGETLB)";
	rec->flags = CKPT_SYSV_SHM_NEW;
	if (perm->mode & SHM_DEST)
		rec->flags |= CKPT_SYSV_SHM_RMID;
	rec->key = perm->key;
	rec->id = perm->id;
	rec->uid = from_kuid(uns, perm->uid);
	rec->gid = from_kgid(uns, perm->gid);
	rec->cuid = from_kuid(uns, perm->cuid);
	rec->cgid = from_kgid(uns, perm->cgid);
	if (rec->uid == (u32)-1 || rec->gid == (u32)-1 ||
	    rec->cuid == (u32)-1 || rec->cgid == (u32)-1)
		return "owned by a user or group outside the checkpointer's user namespace";
	rec->mode = perm->mode & 0777;
	rec->size = shp->shm_segsz;
	rec->atime = shp->shm_atim;
	rec->dtime = shp->shm_dtim;
	rec->ctime = shp->shm_ctim;
	return NULL;
}

/* One segment of @ns, noted under the rwsem: its record, its file. */
struct ckpt_shm_seg {
	struct ckpt_rec_sysv_shm rec;
	struct file *file;
	struct pid *cpid, *lpid;
};

/* Note segment @perm as the @n-th of @arg, a struct ckpt_shm_seg array. */
static int ckpt_shm_note(struct ckpt_ctx *ctx, struct kern_ipc_perm *perm,
			 u32 n, void *arg, const char **why)
{
	struct shmid_kernel *shp = container_of(perm, struct shmid_kernel,
						shm_perm);
	struct ckpt_shm_seg *seg = (struct ckpt_shm_seg *)arg + n;
	u32 *state;

	state = ckpt_obj_state(ctx, shp, &seg->rec.objref);
	if (IS_ERR(state))
		return PTR_ERR(state);
	*state |= CKPT_SHM_WRITTEN;
	ipc_lock_object(&shp->shm_perm);
	*why = ckpt_shm_fill(ctx, shp, &seg->rec);
	if (!*why) {
		seg->file = get_file(shp->shm_file);
		seg->cpid = get_pid(shp->shm_cprid);
		seg->lpid = get_pid(shp->shm_lprid);
	}
	ipc_unlock_object(&shp->shm_perm);
	return 0;
}

static void ckpt_shm_segs_free(struct ckpt_shm_seg *segs, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		if (segs[i].file)
			fput(segs[i].file);
		put_pid(segs[i].cpid);
		put_pid(segs[i].lpid);
	}
	kvfree(segs);
}

/**
 * ckpt_write_sysv_shms - the SYSV_SHM records of the segments of @ns
 * @ctx: the checkpoint
 * @ns: the namespace, whose IPC_NS record said @nr segments
 * @nr: how many
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_sysv_shms(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			 u32 nr)
{
	struct ckpt_shm_seg *segs;
	u32 i;
	int ret;

	if (!nr)
		return 0;
	segs = kvcalloc(nr, sizeof(*segs), GFP_KERNEL);
	if (!segs)
		return -ENOMEM;
	ret = ckpt_ipc_collect(ctx, &shm_ids(ns), nr, "shared memory segment",
			       ckpt_shm_note, segs);
	for (i = 0; i < nr && !ret; i++) {
		segs[i].rec.cpid = ckpt_ipc_pid(ctx, segs[i].cpid);
		segs[i].rec.lpid = ckpt_ipc_pid(ctx, segs[i].lpid);
		ret = ckpt_write_record(ctx, CKPT_REC_SYSV_SHM, &segs[i].rec.h,
					sizeof(segs[i].rec), NULL, 0);
		if (!ret)
			ret = ckpt_write_object_contents(ctx, segs[i].file, NULL,
							 segs[i].rec.size);
	}
	ckpt_shm_segs_free(segs, nr);
	return ret;
}

/**
 * ckpt_check_sysv_shms - every attachment of the segments of @ns is the tree's
 * @ctx: the checkpoint, with every task written
 * @ns: an IPC namespace of the tree
 *
 * Return: 0 or -EBUSY, explained on the log.
 */
int ckpt_check_sysv_shms(struct ckpt_ctx *ctx, struct ipc_namespace *ns)
{
	struct kern_ipc_perm *perm;
	struct shmid_kernel *shp;
	unsigned long nattch = 0;
	u32 *state, ref, mine = 0;
	int id, bad = -1, ret = 0;

	down_read(&shm_ids(ns).rwsem);
	idr_for_each_entry(&shm_ids(ns).ipcs_idr, perm, id) {
		shp = container_of(perm, struct shmid_kernel, shm_perm);
		state = ckpt_obj_state(ctx, shp, &ref);
		if (IS_ERR(state)) {
			ret = PTR_ERR(state);
			break;
		}
		mine = *state & ~CKPT_SHM_WRITTEN;
		nattch = READ_ONCE(shp->shm_nattch);
		if (nattch != mine) {
			bad = perm->id;
			break;
		}
	}
	up_read(&shm_ids(ns).rwsem);
	if (!ret && bad >= 0)
		ret = ckpt_err(ctx, -EBUSY,
			       "System V shared memory segment %d is attached %lu times, %u of them by the checkpointed tree",
			       bad, nattch, mine);
	return ret;
}

/* Does the task of @pid (in the checkpointer's pid namespace) live in @ns? */
static bool ckpt_task_in_ipc_ns(pid_t pid, struct ipc_namespace *ns)
{
	struct task_struct *t;
	bool in = false;

	rcu_read_lock();
	t = find_task_by_vpid(pid);
	if (t) {
		task_lock(t);
		in = t->nsproxy && t->nsproxy->ipc_ns == ns;
		task_unlock(t);
	}
	rcu_read_unlock();
	return in;
}

/*
 * The segment of an attachment, and its objref, counting the
 * attachment; NULL if the namespace of @sfd no longer has it.
 */
static struct shmid_kernel *ckpt_shm_attached(struct ckpt_ctx *ctx,
					      struct shm_file_data *sfd,
					      u32 **state, u32 *ref)
{
	struct shmid_kernel *shp;

	down_read(&shm_ids(sfd->ns).rwsem);
	shp = shm_obtain_object_check(sfd->ns, sfd->id);
	if (IS_ERR(shp) || shp->shm_file != sfd->file) {
		shp = NULL;
	} else {
		*state = ckpt_obj_state(ctx, shp, ref);
		if (IS_ERR(*state))
			shp = ERR_CAST(*state);
		else if (*state && (**state & CKPT_SHM_WRITTEN))
			++**state;
	}
	up_read(&shm_ids(sfd->ns).rwsem);
	return shp;
}

/* Why a mapping of a segment is refused. */
enum ckpt_shm_refusal {
	SHM_OK,
	SHM_HOME,
	SHM_NO_TASK,
	SHM_OTHER_NS,
	SHM_NOT_HELD,
	SHM_PART,
	SHM_PROT,
};

static const char *const ckpt_shm_refusals[] = {
	[SHM_HOME] =
	"a System V shared memory segment of the checkpointer's IPC namespace (shared with the outside) is not supported",
	[SHM_NO_TASK] =
	"a System V shared memory segment of an IPC namespace no task of the tree lives in is not supported yet",
	[SHM_OTHER_NS] =
	"a System V shared memory segment of another IPC namespace than its task's is not supported yet",
	[SHM_NOT_HELD] =
	"a System V shared memory segment the image does not hold is not supported",
	[SHM_PART] =
	"a System V shared memory segment mapped in part (after munmap() or mremap()) is not supported yet",
	[SHM_PROT] =
	"a System V shared memory segment whose protection changed after shmat() is not supported yet",
};

/**
 * ckpt_sysv_shm_mapping - check a mapping of a segment, and number it
 * @ctx: the checkpoint
 * @pid: the task mapping it
 * @file: the mapping's file (ckpt_is_sysv_shm())
 * @start: the mapping's start
 * @end: its end
 * @pgoff: its offset in the segment, in pages
 * @vm_flags: its flags
 * @ref: set to the segment's objref
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_sysv_shm_mapping(struct ckpt_ctx *ctx, pid_t pid, struct file *file,
			  unsigned long start, unsigned long end,
			  unsigned long pgoff, unsigned long vm_flags, u32 *ref)
{
	struct shm_file_data *sfd = shm_file_data(file);
	enum ckpt_shm_refusal why = SHM_OK;
	struct shmid_kernel *shp;
	u32 *state = NULL;
	size_t size;

	if (sfd->ns == current->nsproxy->ipc_ns)
		why = SHM_HOME;
	else if (!ckpt_ns_lookup(ctx, CKPT_NS_IPC, sfd->ns))
		why = SHM_NO_TASK;
	else if (!ckpt_task_in_ipc_ns(pid, sfd->ns))
		why = SHM_OTHER_NS;
	if (why != SHM_OK)
		goto refuse;
	shp = ckpt_shm_attached(ctx, sfd, &state, ref);
	if (IS_ERR(shp))
		return PTR_ERR(shp);
	size = shp ? i_size_read(file_inode(sfd->file)) : 0;
	if (!shp || !(*state & CKPT_SHM_WRITTEN))
		why = SHM_NOT_HELD;
	else if (pgoff || end - start != PAGE_ALIGN(size))
		why = SHM_PART;
	else if (!(vm_flags & VM_READ) ||
		 !(vm_flags & VM_WRITE) != !(vm_flags & VM_MAYWRITE))
		why = SHM_PROT;
	if (why == SHM_OK)
		return 0;
refuse:
	return ckpt_err(ctx, -EOPNOTSUPP, "pid %d mapping %#lx-%#lx: %s",
			pid, start, end, ckpt_shm_refusals[why]);
}

static bool rst_shm_rec_ok(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			   const struct ckpt_rec_sysv_shm *rec)
{
	struct user_namespace *uns = current_user_ns();

	return rec->objref &&
	       !(rec->flags & ~(CKPT_SYSV_SHM_NEW | CKPT_SYSV_SHM_RMID)) &&
	       !(rec->mode & ~0777) && rec->id >= 0 &&
	       ipcid_to_idx(rec->id) < ipc_mni && !rec->pad &&
	       (!(rec->flags & CKPT_SYSV_SHM_RMID) || rec->key == IPC_PRIVATE) &&
	       (!rec->cpid || rst_tree_has_pid(ctx, rec->cpid)) &&
	       (!rec->lpid || rst_tree_has_pid(ctx, rec->lpid)) &&
	       rec->atime >= 0 && rec->dtime >= 0 && rec->ctime >= 0 &&
	       uid_valid(make_kuid(uns, rec->uid)) &&
	       uid_valid(make_kuid(uns, rec->cuid)) &&
	       gid_valid(make_kgid(uns, rec->gid)) &&
	       gid_valid(make_kgid(uns, rec->cgid)) &&
	       rec->size >= SHMMIN && rec->size <= ns->shm_ctlmax;
}

/* Owners as the record says, and the segment's file for its pages. */
static struct file *rst_shm_own(struct ipc_namespace *ns,
				const struct ckpt_rec_sysv_shm *rec)
{
	struct user_namespace *uns = current_user_ns();
	struct shmid_kernel *shp;
	struct file *file;

	shp = shm_lock(ns, rec->id);
	if (IS_ERR(shp))
		return ERR_CAST(shp);
	shp->shm_perm.uid = make_kuid(uns, rec->uid);
	shp->shm_perm.gid = make_kgid(uns, rec->gid);
	shp->shm_perm.cuid = make_kuid(uns, rec->cuid);
	shp->shm_perm.cgid = make_kgid(uns, rec->cgid);
	file = get_file(shp->shm_file);
	shm_unlock(shp);
	return file;
}

/* Make the segment of @rec in the caller's new IPC namespace, with its id. */
static int rst_shm_make(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			const struct ckpt_rec_sysv_shm *rec)
{
	int ret = rst_ipc_reserve(ctx, &shm_ids(ns), rec->id);

	if (ret)
		return ret;
	return rst_ipc_made(ctx, &shm_ids(ns), rec->id,
			    ksys_shmget(rec->key, rec->size,
					IPC_CREAT | IPC_EXCL | rec->mode));
}

static int rst_new_sysv_shm(struct ckpt_ctx *ctx,
			    const struct ckpt_rec_sysv_shm *rec)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	struct rst_sysv_shm *s;
	struct file *file;
	int ret;

	if (!ctx->sysv_shm_left)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: a System V segment beyond the count of its IPC namespace record",
				ctx->rec_pos);
	ctx->sysv_shm_left--;
	if (!rst_shm_rec_ok(ctx, ns, rec))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad System V segment %d (key %#x, %llu bytes, mode %#o, flags %#x)",
				ctx->rec_pos, rec->id, rec->key, rec->size,
				rec->mode, rec->flags);
	/* objrefs are one numbering: a namespace's is not a segment's */
	if (rst_ns_ref_used(ctx, rec->objref))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: segment %u was defined before, as a namespace",
				ctx->rec_pos, rec->objref);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->rec = *rec;
	ret = xa_insert(&owner->sysv_shms, rec->objref, s, GFP_KERNEL);
	if (ret) {
		kfree(s);
		return ckpt_err(ctx, ret == -EBUSY ? -EINVAL : ret,
				"offset %lld: segment %u was defined before",
				ctx->rec_pos, rec->objref);
	}
	s->ns = get_ipc_ns(ns);
	ret = rst_shm_make(ctx, ns, rec);
	if (ret)
		return ret;
	file = rst_shm_own(ns, rec);
	if (IS_ERR(file))
		return ckpt_err(ctx, PTR_ERR(file),
				"System V segment %d is gone", rec->id);
	ctx->shmem = file;
	ctx->shmem_pages = true;
	ctx->shmem_kind = CKPT_VMA_SYSV_SHM;
	ctx->shmem_ref = rec->objref;
	rst_ipc_ids_done(ctx);
	return 0;
}

/**
 * rst_sysv_shm - a segment, new, or named for the mapping that follows
 * @ctx: the restart
 * @h: header of a CKPT_REC_SYSV_SHM record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_sysv_shm(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_sysv_shm rec = { .h = *h };
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.flags & CKPT_SYSV_SHM_NEW)
		return rst_new_sysv_shm(ctx, &rec);
	if (!rec.objref || memchr_inv(&rec.flags, 0,
				      sizeof(rec) - offsetof(typeof(rec), flags)))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: a mapping's System V segment record with fields",
				ctx->rec_pos);
	if (!xa_load(&owner->sysv_shms, rec.objref))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: System V segment %u was not written before",
				ctx->rec_pos, rec.objref);
	ctx->sysv_shm_ref = rec.objref;
	return 0;
}

/**
 * rst_sysv_shm_next - end what a segment record began, before the next record
 * @ctx: the restart
 * @type: the next record's type
 *
 * A new segment's pages end at the first record that is not PAGES; the
 * record naming a mapping's segment must come right before that mapping.
 *
 * Return: 0 or -EINVAL, explained on the log.
 */
int rst_sysv_shm_next(struct ckpt_ctx *ctx, u32 type)
{
	if (type != CKPT_REC_PAGES && ctx->shmem_kind == CKPT_VMA_SYSV_SHM)
		rst_mm_end(ctx);
	if (ctx->sysv_shm_ref && type != CKPT_REC_VMA)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: a System V segment's record not followed by its mapping",
				ctx->rec_pos);
	return 0;
}

/**
 * rst_sysv_shm_attach - attach the segment the record before names
 * @ctx: the restart
 * @rec: the mapping, of kind CKPT_VMA_SYSV_SHM
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_sysv_shm_attach(struct ckpt_ctx *ctx, const struct ckpt_rec_vma *rec)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	struct rst_sysv_shm *s = NULL;
	unsigned long addr;
	int shmflg = 0;
	long err;

	if (ctx->sysv_shm_ref)
		s = xa_load(&owner->sysv_shms, ctx->sysv_shm_ref);
	ctx->sysv_shm_ref = 0;
	if (!s)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: mapping %#llx-%#llx of a System V segment without its record before it",
				ctx->rec_pos, rec->start, rec->end);
	if (s->ns != current->nsproxy->ipc_ns || rec->pgoff ||
	    rec->end - rec->start != PAGE_ALIGN(s->rec.size) ||
	    !(rec->flags & CKPT_VMA_SHARED) || !(rec->prot & PROT_READ) ||
	    !(rec->prot & PROT_WRITE) != !(rec->flags & CKPT_VMA_MAYWRITE))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: mapping %#llx-%#llx is not a whole attachment of System V segment %d",
				ctx->rec_pos, rec->start, rec->end, s->rec.id);
	if (!(rec->flags & CKPT_VMA_MAYWRITE))
		shmflg |= SHM_RDONLY;
	if (rec->prot & PROT_EXEC)
		shmflg |= SHM_EXEC;
	err = do_shmat(s->rec.id, (char __user *)(unsigned long)rec->start,
		       shmflg, &addr, SHMLBA);
	if (err)
		return ckpt_err(ctx, err,
				"cannot attach System V segment %d at %#llx: error %ld",
				s->rec.id, rec->start, err);
	return 0;
}

/* Times and pids as they were, then IPC_RMID again if it was removed. */
static void rst_shm_finish(struct ckpt_ctx *ctx, struct rst_sysv_shm *s)
{
	struct pid *cpid = rst_ipc_pid(ctx, s->rec.cpid);
	struct pid *lpid = rst_ipc_pid(ctx, s->rec.lpid);
	struct ipc_namespace *ns = s->ns;
	struct shmid_kernel *shp;

	down_write(&shm_ids(ns).rwsem);
	shp = shm_lock(ns, s->rec.id);
	if (!IS_ERR(shp)) {
		shp->shm_atim = s->rec.atime;
		shp->shm_dtim = s->rec.dtime;
		shp->shm_ctim = s->rec.ctime;
		swap(shp->shm_cprid, cpid);
		swap(shp->shm_lprid, lpid);
		if (s->rec.flags & CKPT_SYSV_SHM_RMID)
			do_shm_rmid(ns, &shp->shm_perm);	/* unlocks */
		else
			shm_unlock(shp);
	}
	up_write(&shm_ids(ns).rwsem);
	put_pid(cpid);
	put_pid(lpid);
}

/**
 * rst_sysv_shm_commit - finish the segments, once every task is restored
 * @ctx: the restart, of the coordinator or of a task restoring itself
 *
 * Return: 0.
 */
int rst_sysv_shm_commit(struct ckpt_ctx *ctx)
{
	struct rst_sysv_shm *s;
	unsigned long ref;

	xa_for_each(&ctx->sysv_shms, ref, s)
		rst_shm_finish(ctx, s);
	return 0;
}

/**
 * rst_sysv_shms_end - forget the segments made, at the end of a restart
 * @ctx: the restart
 */
void rst_sysv_shms_end(struct ckpt_ctx *ctx)
{
	struct rst_sysv_shm *s;
	unsigned long ref;

	xa_for_each(&ctx->sysv_shms, ref, s) {
		if (s->ns)
			put_ipc_ns(s->ns);
		kfree(s);
	}
	xa_destroy(&ctx->sysv_shms);
}
