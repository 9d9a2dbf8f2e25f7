// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of credentials.
 *
 * Restart never grants more than the restarting caller has: the saved
 * credentials are applied with the checks of the system calls a process
 * would make to get them, in this order: prctl(PR_SET_SECUREBITS),
 * setresuid()/setresgid() (which drop capabilities as they do),
 * setgroups(), capset() against what the id change left,
 * prctl(PR_CAPBSET_DROP) and prctl(PR_CAP_AMBIENT_RAISE).  They are
 * committed only once the whole image has been read, so that files are
 * reopened with the caller's own rights.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/user.h>
#include <linux/security.h>
#include <linux/securebits.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

static u64 ckpt_cap(kernel_cap_t c)
{
	return c.val;
}

int ckpt_write_creds(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct user_namespace *ns = task_cred_xxx(ctx->root, user_ns);
	const struct cred *cred = get_task_cred(t);
	struct group_info *gi = cred->group_info;
	struct ckpt_rec_creds rec = {};
	u32 *groups;
	int i, ret;

	if (task_no_new_privs(t))
		rec.flags |= CKPT_CREDS_NO_NEW_PRIVS;
	ret = ckpt_obj_creds(ctx, cred, &rec.objref);
	if (ret <= 0) {
		put_cred(cred);
		if (ret < 0)
			return ret;
		/* met before: the number only */
		rec.flags |= CKPT_CREDS_SHARED;
		return ckpt_write_record(ctx, CKPT_REC_CREDS, &rec.h,
					 sizeof(rec), NULL, 0);
	}
	rec.uid = from_kuid_munged(ns, cred->uid);
	rec.euid = from_kuid_munged(ns, cred->euid);
	rec.suid = from_kuid_munged(ns, cred->suid);
	rec.fsuid = from_kuid_munged(ns, cred->fsuid);
	rec.gid = from_kgid_munged(ns, cred->gid);
	rec.egid = from_kgid_munged(ns, cred->egid);
	rec.sgid = from_kgid_munged(ns, cred->sgid);
	rec.fsgid = from_kgid_munged(ns, cred->fsgid);
	rec.cap_inheritable = ckpt_cap(cred->cap_inheritable);
	rec.cap_permitted = ckpt_cap(cred->cap_permitted);
	rec.cap_effective = ckpt_cap(cred->cap_effective);
	rec.cap_bset = ckpt_cap(cred->cap_bset);
	rec.cap_ambient = ckpt_cap(cred->cap_ambient);
	rec.securebits = cred->securebits;
	rec.ngroups = gi->ngroups;

	groups = kmalloc_array(gi->ngroups ?: 1, sizeof(*groups), GFP_KERNEL);
	if (!groups) {
		put_cred(cred);
		return -ENOMEM;
	}
	for (i = 0; i < gi->ngroups; i++)
		groups[i] = from_kgid_munged(ns, gi->gid[i]);
	put_cred(cred);

	ret = ckpt_write_record(ctx, CKPT_REC_CREDS, &rec.h, sizeof(rec),
				groups, rec.ngroups * sizeof(*groups));
	kfree(groups);
	return ret;
}

/* What setresuid() would allow the caller. */
static bool rst_uid_ok(const struct cred *old, kuid_t uid)
{
	return uid_eq(uid, old->uid) || uid_eq(uid, old->euid) ||
	       uid_eq(uid, old->suid) ||
	       ns_capable_setid(old->user_ns, CAP_SETUID);
}

static bool rst_gid_ok(const struct cred *old, kgid_t gid)
{
	return gid_eq(gid, old->gid) || gid_eq(gid, old->egid) ||
	       gid_eq(gid, old->sgid) ||
	       ns_capable_setid(old->user_ns, CAP_SETGID);
}

/*
 * The user and the ucounts of the real uid, as setresuid() makes them
 * (set_user(), set_cred_ucounts()): the restored task's processes and
 * other per-user resources are counted to its own user, not to the
 * restarter's, and taken back from the same one when it exits.
 */
static int rst_set_user(struct cred *new)
{
	struct user_struct *user;

	if (!uid_eq(new->user->uid, new->uid)) {
		user = alloc_uid(new->uid);
		if (!user)
			return -ENOMEM;
		free_uid(new->user);
		new->user = user;
	}
	if (set_cred_ucounts(new))
		return -ENOMEM;
	return 0;
}

static int rst_set_ids(struct ckpt_ctx *ctx, struct cred *new,
		       const struct ckpt_rec_creds *rec)
{
	int ret;

	struct user_namespace *ns = current_user_ns();
	const struct cred *old = current_cred();

	new->uid = make_kuid(ns, rec->uid);
	new->euid = make_kuid(ns, rec->euid);
	new->suid = make_kuid(ns, rec->suid);
	new->fsuid = make_kuid(ns, rec->fsuid);
	new->gid = make_kgid(ns, rec->gid);
	new->egid = make_kgid(ns, rec->egid);
	new->sgid = make_kgid(ns, rec->sgid);
	new->fsgid = make_kgid(ns, rec->fsgid);
	if (!uid_valid(new->uid) || !uid_valid(new->euid) ||
	    !uid_valid(new->suid) || !uid_valid(new->fsuid) ||
	    !gid_valid(new->gid) || !gid_valid(new->egid) ||
	    !gid_valid(new->sgid) || !gid_valid(new->fsgid))
		return ckpt_err(ctx, -EINVAL,
				"the saved user or group ids are not mapped in this user namespace");
	if (!rst_uid_ok(old, new->uid) || !rst_uid_ok(old, new->euid) ||
	    !rst_uid_ok(old, new->suid) || !rst_uid_ok(old, new->fsuid))
		return ckpt_err(ctx, -EPERM,
				"the caller may not take the saved user ids %u/%u/%u",
				rec->uid, rec->euid, rec->suid);
	if (!rst_gid_ok(old, new->gid) || !rst_gid_ok(old, new->egid) ||
	    !rst_gid_ok(old, new->sgid) || !rst_gid_ok(old, new->fsgid))
		return ckpt_err(ctx, -EPERM,
				"the caller may not take the saved group ids %u/%u/%u",
				rec->gid, rec->egid, rec->sgid);
	ret = rst_set_user(new);
	if (ret)
		return ret;
	return security_task_fix_setuid(new, old, LSM_SETID_RES);
}

static bool rst_groups_equal(const struct group_info *a,
			     const struct group_info *b)
{
	int i;

	if (a->ngroups != b->ngroups)
		return false;
	for (i = 0; i < a->ngroups; i++)
		if (!gid_eq(a->gid[i], b->gid[i]))
			return false;
	return true;
}

static int rst_set_groups(struct ckpt_ctx *ctx, struct cred *new,
			  const u32 *ids, u32 n)
{
	struct user_namespace *ns = current_user_ns();
	struct group_info *gi;
	u32 i;

	gi = groups_alloc(n);
	if (!gi)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		gi->gid[i] = make_kgid(ns, ids[i]);
		if (!gid_valid(gi->gid[i])) {
			put_group_info(gi);
			return ckpt_err(ctx, -EINVAL,
					"saved group %u is not mapped here", ids[i]);
		}
	}
	groups_sort(gi);
	if (!rst_groups_equal(gi, current_cred()->group_info) &&
	    !may_setgroups()) {
		put_group_info(gi);
		return ckpt_err(ctx, -EPERM,
				"the caller may not set the saved supplementary groups");
	}
	set_groups(new, gi);
	put_group_info(gi);
	return 0;
}

/* What prctl(PR_SET_SECUREBITS) would allow the caller. */
static int rst_set_securebits(struct ckpt_ctx *ctx, struct cred *new,
			      const struct ckpt_rec_creds *rec)
{
	const struct cred *old = current_cred();
	unsigned int bits = rec->securebits;

	if (bits == old->securebits)
		return 0;
	if ((((old->securebits & SECURE_ALL_LOCKS) >> 1) &
	     (old->securebits ^ bits)) ||
	    (old->securebits & SECURE_ALL_LOCKS & ~bits))
		return ckpt_err(ctx, -EPERM,
				"the saved securebits %#x change the caller's locked ones (%#x)",
				bits, old->securebits);
	if (bits & ~(SECURE_ALL_LOCKS | SECURE_ALL_BITS))
		return ckpt_err(ctx, -EPERM, "unknown securebits %#x", bits);
	if (!ns_capable(old->user_ns, CAP_SETPCAP))
		return ckpt_err(ctx, -EPERM,
				"changing securebits needs CAP_SETPCAP");
	new->securebits = bits;
	return 0;
}

/*
 * Could the caller keep its permitted capabilities across setresuid()?
 * With prctl(PR_SET_KEEPCAPS), unless its securebits lock that off, or
 * without any fixup at all.
 */
static bool rst_may_keep_caps(const struct cred *old)
{
	unsigned int bits = old->securebits;

	return (bits & (SECBIT_KEEP_CAPS | SECBIT_NO_SETUID_FIXUP)) ||
	       !(bits & SECBIT_KEEP_CAPS_LOCKED);
}

/*
 * The capability sets, as capset() allows them after the id change: the
 * caller's permitted set if it may keep it across setresuid(), else what
 * security_task_fix_setuid() left in @new; then the bounding set as
 * PR_CAPBSET_DROP and the ambient set as PR_CAP_AMBIENT_RAISE allow.
 */
static int rst_set_caps(struct ckpt_ctx *ctx, struct cred *new,
			const struct ckpt_rec_creds *rec)
{
	const struct cred *old = current_cred();
	kernel_cap_t eff = { rec->cap_effective & CAP_VALID_MASK };
	kernel_cap_t inh = { rec->cap_inheritable & CAP_VALID_MASK };
	kernel_cap_t perm = { rec->cap_permitted & CAP_VALID_MASK };
	kernel_cap_t bset = { rec->cap_bset & CAP_VALID_MASK };
	kernel_cap_t amb = { rec->cap_ambient & CAP_VALID_MASK };
	kernel_cap_t had_amb = new->cap_ambient;
	int ret;

	ret = security_capset(new, rst_may_keep_caps(old) ? old : new,
			      &eff, &inh, &perm);
	if (ret)
		return ckpt_err(ctx, ret,
				"the caller may not grant the saved capabilities");
	if (!cap_issubset(bset, old->cap_bset))
		return ckpt_err(ctx, -EPERM,
				"the saved bounding set is larger than the caller's");
	if (!cap_isidentical(bset, old->cap_bset) &&
	    !ns_capable(old->user_ns, CAP_SETPCAP))
		return ckpt_err(ctx, -EPERM,
				"dropping from the bounding set needs CAP_SETPCAP");
	new->cap_bset = bset;
	if (!cap_issubset(amb, cap_intersect(perm, inh)))
		return ckpt_err(ctx, -EPERM,
				"ambient capabilities %#llx that are not both permitted and inheritable",
				rec->cap_ambient);
	if (!cap_issubset(amb, had_amb) &&
	    (old->securebits & issecure_mask(SECURE_NO_CAP_AMBIENT_RAISE)))
		return ckpt_err(ctx, -EPERM,
				"the caller's securebits forbid raising ambient capabilities");
	new->cap_ambient = amb;
	return 0;
}

/* The credentials that tasks of a tree share, by objref, in the coordinator. */
static struct xarray *rst_creds_table(struct ckpt_ctx *ctx)
{
	return ctx->coord ? &ctx->coord->shared_creds : NULL;
}

/* Keep @new, prepared from a CREDS record, for the tasks sharing @objref. */
static int rst_share_creds(struct ckpt_ctx *ctx, struct cred *new, u32 objref)
{
	struct xarray *table = rst_creds_table(ctx);
	int ret;

	if (!table)
		return 0;	/* a task alone: nobody to share with */
	ret = xa_insert(table, objref, get_new_cred(new), GFP_KERNEL);
	if (!ret)
		return 0;
	put_cred(new);
	if (ret == -EBUSY)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: credentials %u are written twice",
				ctx->rec_pos, objref);
	return ret;
}

/* A CREDS record naming credentials an earlier task's record holds. */
static int rst_shared_creds(struct ckpt_ctx *ctx,
			    const struct ckpt_rec_creds *rec)
{
	struct xarray *table = rst_creds_table(ctx);
	struct cred *cred = table ? xa_load(table, rec->objref) : NULL;

	if (!cred)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: credentials %u shared before they were written",
				ctx->rec_pos, rec->objref);
	ctx->creds = get_new_cred(cred);
	return 0;
}

/**
 * rst_creds_end - drop the credentials kept for sharing
 * @ctx: the restart, of the coordinator
 */
void rst_creds_end(struct ckpt_ctx *ctx)
{
	unsigned long ref;
	struct cred *cred;

	xa_for_each(&ctx->shared_creds, ref, cred)
		put_cred(cred);
	xa_destroy(&ctx->shared_creds);
}

/**
 * rst_creds - prepare the caller's credentials from the image
 * @ctx: the restart
 * @h: header of a CKPT_REC_CREDS record
 *
 * The credentials are checked now and committed by rst_creds_commit()
 * when the whole image has been restored.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_creds(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_creds rec = { .h = *h };
	u32 *groups = NULL;
	struct cred *new;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (rec.flags & ~(CKPT_CREDS_NO_NEW_PRIVS | CKPT_CREDS_SHARED))
		return ckpt_err(ctx, -EINVAL, "offset %lld: credential flags %#x",
				ctx->rec_pos, rec.flags);
	ctx->no_new_privs = rec.flags & CKPT_CREDS_NO_NEW_PRIVS;
	if (rec.flags & CKPT_CREDS_SHARED)
		return rst_shared_creds(ctx, &rec);
	if (rec.ngroups > NGROUPS_MAX)
		return ckpt_err(ctx, -EINVAL, "offset %lld: %u groups",
				ctx->rec_pos, rec.ngroups);
	groups = kvmalloc_array(rec.ngroups ?: 1, sizeof(*groups), GFP_KERNEL | __GFP_NOWARN);
	if (!groups)
		return -ENOMEM;
	ret = ckpt_read_bytes(ctx, groups, rec.ngroups * sizeof(*groups));
	if (ret)
		goto out;

	new = prepare_creds();
	if (!new) {
		ret = -ENOMEM;
		goto out;
	}
	ret = rst_set_securebits(ctx, new, &rec);
	if (!ret)
		ret = rst_set_ids(ctx, new, &rec);
	if (!ret)
		ret = rst_set_groups(ctx, new, groups, rec.ngroups);
	if (!ret)
		ret = rst_set_caps(ctx, new, &rec);
	if (!ret && rec.objref)
		ret = rst_share_creds(ctx, new, rec.objref);
	if (ret) {
		abort_creds(new);
		goto out;
	}
	ctx->creds = new;
out:
	kvfree(groups);
	return ret;
}

/*
 * As setresuid() does for a new real uid: past its RLIMIT_NPROC, the
 * task's next execve() fails with EAGAIN.
 */
static void rst_flag_nproc(const struct cred *new)
{
	if (new->ucounts == current_ucounts())
		return;
	if (is_rlimit_overlimit(new->ucounts, UCOUNT_RLIMIT_NPROC,
				rlimit(RLIMIT_NPROC)) && new->user != INIT_USER)
		current->flags |= PF_NPROC_EXCEEDED;
	else
		current->flags &= ~PF_NPROC_EXCEEDED;
}

/* Apply, or drop on failure, what rst_creds() prepared. */
void rst_creds_commit(struct ckpt_ctx *ctx, bool ok)
{
	if (ctx->creds && ok) {
		rst_flag_nproc(ctx->creds);
		commit_creds(ctx->creds);
		if (ctx->no_new_privs)
			task_set_no_new_privs(current);
	} else if (ctx->creds) {
		abort_creds(ctx->creds);
	}
	ctx->creds = NULL;
	/* commit_creds() resets these when the ids change: the image's win */
	if (ok) {
		set_dumpable(current->mm, ctx->dumpable);
		current->pdeath_signal = ctx->pdeath_signal;
	}
}
