// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of address spaces.
 *
 * Checkpoint writes the mm fields, then for every VMA a VMA record
 * followed by the contents of its touched pages: every present page of
 * an anonymous mapping, and the copy-on-write copies of a private file
 * mapping.  Pages never touched are not written; a file mapping's
 * untouched pages come back from the file.  Shared anonymous memory is
 * an object of its own (a SHMEM record, objhash.c numbers it): written
 * once with its contents, before the first VMA that maps it, whichever
 * process of the tree that is; every VMA mapping it refers to it.  A
 * shared file mapping has no pages in the image: the file holds them,
 * and checkpoint writes its dirty pages back first (msync(MS_SYNC)), so
 * that the image and the file system describe the same instant even if
 * the machine goes down after the checkpoint.  A memfd is an object too
 * (checkpoint_memfd.c): a mapping of it refers to it, and a private one
 * has its copied pages, as a private file mapping.
 *
 * Restart replaces the caller's address space with the image's: it
 * unmaps everything, recreates each VMA at its address, writes the saved
 * pages and sets the mm fields, vdso included.  A shared memory object
 * is created once and mapped again by every VMA that refers to it.
 */
#include <linux/bvec.h>
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagewalk.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "internal.h"

/* Pages per CKPT_REC_PAGES record, and per copy. */
#define CKPT_PAGES_CHUNK	64

/*
 * What checkpoint keeps of a VMA between mmap_lock sections: taken under
 * the lock (ckpt_snapshot_vma()), described after it, so that path
 * lookups and the log's writes never nest in mmap_lock.
 */
struct ckpt_vma {
	unsigned long start, end, pgoff;
	vm_flags_t vm_flags;
	const char *special;	/* the name of a special mapping, or NULL */
	bool anon_shared;	/* shared anonymous memory (a SHMEM object) */
	u32 kind, prot, flags;
	char *path;		/* kmalloc'ed, or NULL */
	struct file *file;	/* the mapped file, referenced, or NULL */
	u32 objref;		/* CKPT_VMA_SHMEM, _MEMFD: the object's number */
	bool obj_new;		/* CKPT_VMA_SHMEM: the object is met first here */
	loff_t size;		/* CKPT_VMA_FILE: the file's size */
	struct timespec64 mtime; /* CKPT_VMA_FILE: its modification time */
};

/* What madvise() sets on a VMA, and is set again the same way. */
static const struct {
	vm_flags_t vm;
	u32 ckpt;
	int advice;
} ckpt_vma_advice[] = {
	{ VM_DONTCOPY, CKPT_VMA_DONTFORK, MADV_DONTFORK },
	{ VM_DONTDUMP, CKPT_VMA_DONTDUMP, MADV_DONTDUMP },
	{ VM_HUGEPAGE, CKPT_VMA_HUGEPAGE, MADV_HUGEPAGE },
	{ VM_NOHUGEPAGE, CKPT_VMA_NOHUGEPAGE, MADV_NOHUGEPAGE },
	{ VM_MERGEABLE, CKPT_VMA_MERGEABLE, MADV_MERGEABLE },
	{ VM_WIPEONFORK, CKPT_VMA_WIPEONFORK, MADV_WIPEONFORK },
	{ VM_SEQ_READ, CKPT_VMA_SEQ_READ, MADV_SEQUENTIAL },
	{ VM_RAND_READ, CKPT_VMA_RAND_READ, MADV_RANDOM },
};

static const char *ckpt_vma_special(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->name)
		return vma->vm_ops->name(vma);
	return NULL;
}

static u32 ckpt_vma_prot(vm_flags_t flags)
{
	return ((flags & VM_READ) ? PROT_READ : 0) |
	       ((flags & VM_WRITE) ? PROT_WRITE : 0) |
	       ((flags & VM_EXEC) ? PROT_EXEC : 0);
}

static u32 ckpt_vma_flags(vm_flags_t flags)
{
	u32 ret = (flags & VM_GROWSDOWN) ? CKPT_VMA_GROWSDOWN : 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_vma_advice); i++)
		if (flags & ckpt_vma_advice[i].vm)
			ret |= ckpt_vma_advice[i].ckpt;
	if (flags & VM_LOCKED)
		ret |= CKPT_VMA_LOCKED;
	if (flags & VM_LOCKONFAULT)
		ret |= CKPT_VMA_LOCKONFAULT;
	if (flags & VM_NORESERVE)
		ret |= CKPT_VMA_NORESERVE;
	if (flags & VM_DROPPABLE)
		ret |= CKPT_VMA_DROPPABLE;
	return ret;
}

/*
 * The path restart opens @file by; an ERR_PTR and *@err when there is
 * none (see ckpt_path_reopens()).
 */
static char *ckpt_file_path(struct file *file, const char **err)
{
	char *buf, *p, *path;
	int ret;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	p = file_path(file, buf, PATH_MAX);
	if (IS_ERR(p)) {
		kfree(buf);
		*err = "its path is too long";
		return p;
	}
	ret = ckpt_path_reopens(file, p);
	if (ret <= 0) {
		kfree(buf);
		if (ret < 0)
			return ERR_PTR(ret);
		*err = ckpt_unreachable_why(file);
		return ERR_PTR(-EOPNOTSUPP);
	}
	path = kstrdup(p, GFP_KERNEL);
	kfree(buf);
	return path ?: ERR_PTR(-ENOMEM);
}

/*
 * Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, or a shared mapping
 * of /dev/zero): the "dev/zero" file of shmem_zero_setup().  shmem_mmap()
 * gives every unlinked shmem file the same operations, a memfd or a tmpfs
 * file deleted before mmap(): those are files, refused by their path.
 */
static bool ckpt_vma_anon_shared(struct vm_area_struct *vma)
{
	return vma_is_anon_shmem(vma) &&
	       !strcmp(vma->vm_file->f_path.dentry->d_name.name, "dev/zero");
}

/* What ckpt_describe_vma() needs of @vma, under mmap_lock. */
static void ckpt_snapshot_vma(struct vm_area_struct *vma, struct ckpt_vma *cv)
{
	cv->start = vma->vm_start;
	cv->end = vma->vm_end;
	cv->pgoff = vma->vm_pgoff;
	cv->vm_flags = vma->vm_flags;
	cv->special = ckpt_vma_special(vma);
	cv->anon_shared = ckpt_vma_anon_shared(vma);
	if (vma->vm_file)
		cv->file = get_file(vma->vm_file);
}

/* Describe one VMA, or refuse it with a message naming it. */
static int ckpt_describe_vma(struct ckpt_ctx *ctx, pid_t pid,
			     struct ckpt_vma *cv)
{
	const char *special = cv->special;
	vm_flags_t flags = cv->vm_flags;
	struct file *file = cv->file;
	const char *why = NULL;
	int ret;

	cv->prot = ckpt_vma_prot(flags);
	cv->flags = ckpt_vma_flags(flags);

	if (special && !strcmp(special, "[vdso]")) {
		cv->kind = CKPT_VMA_VDSO;
		return 0;
	}
	if (special && !strcmp(special, "[vvar]")) {
		cv->kind = CKPT_VMA_VVAR;
		return 0;
	}
	if (special)
		why = special;
	else if (flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP))
		why = "a device mapping";
	else if (flags & VM_HUGETLB)
		why = "a hugetlb mapping";
	else if (flags & VM_SEALED)
		why = "an mseal()ed mapping";
	else if (flags & (VM_UFFD_MISSING | VM_UFFD_WP | VM_UFFD_MINOR))
		why = "a mapping registered with a userfaultfd";
	else if (flags & VM_SYNC)
		why = "a MAP_SYNC mapping";
	else if ((flags & VM_MAYSHARE) && file && !cv->anon_shared &&
		 !ckpt_is_memfd(file) && !S_ISREG(file_inode(file)->i_mode))
		why = "a shared mapping of a file that is not a regular file";
	if (why && file)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d mapping %#lx-%#lx (%pD): %s is not supported yet",
				pid, cv->start, cv->end, file, why);
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d mapping %#lx-%#lx: %s is not supported yet",
				pid, cv->start, cv->end, why);

	if (!file) {
		cv->kind = CKPT_VMA_ANON;
		cv->pgoff = 0;
		return 0;
	}
	if (cv->anon_shared) {
		ret = ckpt_obj_shmem(ctx, file, pid, cv->start, &cv->objref);
		if (ret < 0)
			return ret;
		cv->obj_new = ret;
		cv->kind = CKPT_VMA_SHMEM;
		/* restart accounts the object as shmem_zero_setup() does */
		cv->flags &= ~CKPT_VMA_NORESERVE;
		return 0;
	}
	if (ckpt_is_sysv_shm(file)) {
		ret = ckpt_sysv_shm_mapping(ctx, pid, file, cv->start, cv->end,
					    cv->pgoff, flags, &cv->objref);
		if (ret)
			return ret;
		cv->kind = CKPT_VMA_SYSV_SHM;
		cv->flags |= CKPT_VMA_SHARED;
		if (flags & VM_MAYWRITE)
			cv->flags |= CKPT_VMA_MAYWRITE;
		cv->flags &= ~CKPT_VMA_NORESERVE;
		return 0;
	}
	/* counted for leak detection (kernel/checkpoint/objhash.c) */
	if (ckpt_obj_mapped(ctx, file, pid, cv->start))
		return -ENOMEM;
	cv->kind = CKPT_VMA_FILE;
	if (ckpt_is_memfd(file))
		cv->kind = CKPT_VMA_MEMFD;
	else if (ckpt_is_deleted(file))
		cv->kind = CKPT_VMA_DELETED;
	if (flags & VM_MAYSHARE) {
		cv->flags |= CKPT_VMA_SHARED;
		if (flags & VM_MAYWRITE)
			cv->flags |= CKPT_VMA_MAYWRITE;
	}
	if (cv->kind == CKPT_VMA_MEMFD || cv->kind == CKPT_VMA_DELETED)
		return 0;
	cv->size = i_size_read(file_inode(file));
	cv->mtime = inode_get_mtime(file_inode(file));
	cv->path = ckpt_file_path(file, &why);
	if (IS_ERR(cv->path)) {
		ret = PTR_ERR(cv->path);
		cv->path = NULL;
		if (why)
			return ckpt_err(ctx, ret,
					"pid %d mapping %#lx-%#lx (%pD): %s",
					pid, cv->start, cv->end, file, why);
		return ret;
	}
	return 0;
}

static void ckpt_free_vmas(struct ckpt_vma *cv, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		kfree(cv[i].path);
		if (cv[i].file)
			fput(cv[i].file);
	}
	kvfree(cv);
}

/* Snapshot the VMA list (the task is frozen: it does not change). */
static int ckpt_collect_vmas(struct ckpt_ctx *ctx, pid_t pid,
			     struct mm_struct *mm, struct ckpt_vma **out,
			     int *nr)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	struct ckpt_vma *cv;
	int i = 0, n, ret = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	cv = kvcalloc(mm->map_count, sizeof(*cv), GFP_KERNEL | __GFP_NOWARN);
	if (!cv) {
		mmap_read_unlock(mm);
		return -ENOMEM;
	}
	for_each_vma(vmi, vma) {
		if (i == mm->map_count) {
			ret = -EAGAIN;
			break;
		}
		ckpt_snapshot_vma(vma, &cv[i++]);
	}
	mmap_read_unlock(mm);
	for (n = 0; !ret && n < i; n++)
		ret = ckpt_describe_vma(ctx, pid, &cv[n]);
	if (ret) {
		ckpt_free_vmas(cv, i);
		return ret;
	}
	*out = cv;
	*nr = i;
	return 0;
}

static int ckpt_write_mm_rec(struct ckpt_ctx *ctx, pid_t pid,
			     struct mm_struct *mm, int nr_vmas)
{
	struct ckpt_rec_mm *rec;
	const char *why = NULL;
	struct file *exe;
	char *path = NULL;
	int ret;

	BUILD_BUG_ON(AT_VECTOR_SIZE > CKPT_AUXV_WORDS);
	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;

	spin_lock(&mm->arg_lock);
	rec->start_code = mm->start_code;
	rec->end_code = mm->end_code;
	rec->start_data = mm->start_data;
	rec->end_data = mm->end_data;
	rec->start_brk = mm->start_brk;
	rec->brk = mm->brk;
	rec->start_stack = mm->start_stack;
	rec->arg_start = mm->arg_start;
	rec->arg_end = mm->arg_end;
	rec->env_start = mm->env_start;
	rec->env_end = mm->env_end;
	spin_unlock(&mm->arg_lock);
	memcpy(rec->auxv, mm->saved_auxv, sizeof(mm->saved_auxv));
	rec->vdso = ckpt_arch_vdso_base(mm);
	rec->nr_vmas = nr_vmas;

	exe = get_mm_exe_file(mm);
	if (exe) {
		ret = ckpt_obj_mapped(ctx, exe, pid, 0);
		path = ret ? ERR_PTR(ret) : ckpt_file_path(exe, &why);
		if (IS_ERR(path) && why)
			ckpt_err(ctx, PTR_ERR(path), "pid %d: executable %pD: %s",
				 pid, exe, why);
		fput(exe);
		if (IS_ERR(path)) {
			ret = PTR_ERR(path);
			goto out;
		}
		rec->exe_len = strlen(path);
	}
	ret = ckpt_write_record(ctx, CKPT_REC_MM, &rec->h, sizeof(*rec),
				path, rec->exe_len);
	kfree(path);
out:
	kfree(rec);
	return ret;
}

/* Page walk: mark the pages of a VMA whose contents must be saved. */
struct ckpt_walk {
	unsigned long start;
	unsigned long *bitmap;
};

static int ckpt_pte_entry(pte_t *ptep, unsigned long addr,
			  unsigned long next, struct mm_walk *walk)
{
	struct ckpt_walk *cw = walk->private;
	pte_t pte = ptep_get(ptep);
	struct page *page;

	if (pte_none(pte))
		return 0;
	if (pte_present(pte)) {
		page = vm_normal_page(walk->vma, addr, pte);
		if (!page || !PageAnon(page))
			return 0;
	}
	/* present anonymous, or swapped out */
	__set_bit((addr - cw->start) >> PAGE_SHIFT, cw->bitmap);
	return 0;
}

static int ckpt_pmd_entry(pmd_t *pmd, unsigned long addr,
			  unsigned long next, struct mm_walk *walk)
{
	struct ckpt_walk *cw = walk->private;

	if (pmd_trans_huge(*pmd)) {
		bitmap_set(cw->bitmap, (addr - cw->start) >> PAGE_SHIFT,
			   (next - addr) >> PAGE_SHIFT);
		walk->action = ACTION_CONTINUE;
	}
	return 0;
}

static const struct mm_walk_ops ckpt_walk_ops = {
	.pmd_entry = ckpt_pmd_entry,
	.pte_entry = ckpt_pte_entry,
	.walk_lock = PGWALK_RDLOCK,
};

/* The pages of one PAGES record, as ckpt_write_page_run() holds them. */
struct ckpt_page_batch {
	struct page *pages[CKPT_PAGES_CHUNK];
	struct bio_vec bvec[CKPT_PAGES_CHUNK];
};

/*
 * @nr pages of @mm from @addr, as one PAGES record: written from the
 * target's pages straight into the image (the write's copy alone).
 */
static int ckpt_write_page_run(struct ckpt_ctx *ctx, pid_t pid,
			       struct mm_struct *mm, unsigned long addr,
			       unsigned long nr, struct ckpt_page_batch *b)
{
	struct ckpt_rec_pages rec = {};
	int locked = 1, ret;
	long got, i;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	got = get_user_pages_remote(mm, addr, nr, FOLL_FORCE, b->pages, &locked);
	if (locked)
		mmap_read_unlock(mm);
	if (got != nr) {
		ret = ckpt_err(ctx, -EFAULT, "pid %d: cannot read memory at %#lx",
			       pid, addr + (got > 0 ? got << PAGE_SHIFT : 0));
		goto out;
	}
	for (i = 0; i < nr; i++)
		bvec_set_page(&b->bvec[i], b->pages[i], PAGE_SIZE, 0);
	rec.addr = addr;
	rec.nr_pages = nr;
	ret = ckpt_write_record_pages(ctx, CKPT_REC_PAGES, &rec.h, sizeof(rec),
				      b->bvec, nr);
out:
	for (i = 0; i < got; i++)
		put_page(b->pages[i]);
	return ret;
}

static int ckpt_write_pages(struct ckpt_ctx *ctx, pid_t pid,
			    struct mm_struct *mm, struct ckpt_vma *cv,
			    struct ckpt_page_batch *buf)
{
	unsigned long nr = (cv->end - cv->start) >> PAGE_SHIFT;
	struct ckpt_walk cw = { .start = cv->start };
	unsigned long first, last;
	int ret;

	cw.bitmap = bitmap_zalloc(nr, GFP_KERNEL);
	if (!cw.bitmap)
		return -ENOMEM;
	if (mmap_read_lock_killable(mm)) {
		bitmap_free(cw.bitmap);
		return -EINTR;
	}
	ret = walk_page_range(mm, cv->start, cv->end, &ckpt_walk_ops, &cw);
	mmap_read_unlock(mm);

	for_each_set_bitrange(first, last, cw.bitmap, nr) {
		while (!ret && first < last) {
			unsigned long n = min(last - first,
					      (unsigned long)CKPT_PAGES_CHUNK);

			ret = ckpt_write_page_run(ctx, pid, mm,
						  cv->start + (first << PAGE_SHIFT),
						  n, buf);
			first += n;
		}
		if (ret)
			break;
	}
	bitmap_free(cw.bitmap);
	return ret;
}

/*
 * Copy page @index of the shmem @inode to @dst, from its page cache or
 * swap as read() would, but without touching its access time or
 * allocating a page for a hole.  Return: 1, 0 for a hole, or an errno.
 */
static int ckpt_shmem_page(struct inode *inode, pgoff_t index, void *dst)
{
	struct folio *folio;
	int ret;

	ret = shmem_get_folio(inode, index, 0, &folio, SGP_READ);
	if (ret || !folio)
		return ret;
	folio_unlock(folio);
	if (PageHWPoison(folio_file_page(folio, index)))
		ret = -EIO;
	else
		memcpy_from_folio(dst, folio,
				  offset_in_folio(folio, (loff_t)index << PAGE_SHIFT),
				  PAGE_SIZE);
	folio_put(folio);
	return ret ?: 1;
}

/* Copy page @index of a file of @size bytes to @dst through @reader. */
static int ckpt_file_page(struct file *reader, pgoff_t index, loff_t size,
			  void *dst)
{
	loff_t pos = (loff_t)index << PAGE_SHIFT;
	size_t want = min_t(loff_t, PAGE_SIZE, size - pos);
	ssize_t got = kernel_read(reader, dst, want, &pos);

	if (got != want)
		return got < 0 ? got : -EIO;
	return 1;
}

/**
 * ckpt_write_object_contents - the pages of an object that are not zero
 * @ctx: the checkpoint
 * @file: a file of the object (shared anonymous memory, a memfd, a
 *	  deleted file)
 * @reader: a file to read it through, or NULL for a shmem object: read
 *	    from its page cache
 * @size: its size in bytes
 *
 * As PAGES records whose addr is the offset in the object; the last
 * page of an object whose size is not a multiple of the page size is
 * written whole, zero past the size.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_object_contents(struct ckpt_ctx *ctx, struct file *file,
			       struct file *reader, loff_t size)
{
	unsigned long nr = DIV_ROUND_UP_ULL(size, PAGE_SIZE);
	struct ckpt_rec_pages rec = {};
	unsigned long i, first = 0, run = 0;
	void *buf, *page;
	int ret = 0;

	buf = kvmalloc(CKPT_PAGES_CHUNK << PAGE_SHIFT, GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < nr && ret >= 0; i++) {
		page = buf + (run << PAGE_SHIFT);
		if (reader)
			ret = ckpt_file_page(reader, i, size, page);
		else
			ret = ckpt_shmem_page(file_inode(file), i, page);
		if (ret < 0) {
			ckpt_err(ctx, ret, "%pD: cannot read it at offset %#lx",
				 file, i << PAGE_SHIFT);
			break;
		}
		if (ret && i == nr - 1 && size % PAGE_SIZE)
			memset(page + size % PAGE_SIZE, 0,
			       PAGE_SIZE - size % PAGE_SIZE);
		if (ret && memchr_inv(page, 0, PAGE_SIZE)) {
			if (!run)
				first = i;
			run++;
			if (run < CKPT_PAGES_CHUNK && i + 1 < nr)
				continue;
		}
		if (!run)
			continue;
		rec.addr = first << PAGE_SHIFT;
		rec.nr_pages = run;
		ret = ckpt_write_record(ctx, CKPT_REC_PAGES, &rec.h, sizeof(rec),
					buf, run << PAGE_SHIFT);
		run = 0;
	}
	kvfree(buf);
	return ret < 0 ? ret : 0;
}

/*
 * The SHMEM record of a shared mapping's object: with the object's
 * contents the first time the tree meets it, its number alone after.
 */
static int ckpt_write_shmem(struct ckpt_ctx *ctx, struct ckpt_vma *cv)
{
	loff_t size = i_size_read(file_inode(cv->file));
	struct ckpt_rec_shmem rec = {};
	int ret;

	rec.objref = cv->objref;
	rec.flags = cv->obj_new ? CKPT_SHMEM_NEW : 0;
	rec.size = size;
	ret = ckpt_write_record(ctx, CKPT_REC_SHMEM, &rec.h, sizeof(rec),
				NULL, 0);
	if (!ret && cv->obj_new)
		ret = ckpt_write_object_contents(ctx, cv->file, NULL, size);
	return ret;
}

/* The SYSV_SHM record naming the segment of the mapping that follows. */
static int ckpt_write_sysv_shm_ref(struct ckpt_ctx *ctx, struct ckpt_vma *cv)
{
	struct ckpt_rec_sysv_shm rec = {};

	rec.objref = cv->objref;
	return ckpt_write_record(ctx, CKPT_REC_SYSV_SHM, &rec.h, sizeof(rec),
				 NULL, 0);
}

/*
 * A shared file mapping's pages are the file's: write the dirty ones
 * back, as msync(MS_SYNC) would, before the image says the mapping is
 * saved.  The tree is frozen: no page is dirtied meanwhile.
 */
static int ckpt_sync_shared_file(struct ckpt_ctx *ctx, pid_t pid,
				 struct ckpt_vma *cv)
{
	loff_t start = (loff_t)cv->pgoff << PAGE_SHIFT;
	int ret;

	ret = vfs_fsync_range(cv->file, start,
			      start + (cv->end - cv->start) - 1, 1);
	if (ret)
		return ckpt_err(ctx, ret,
				"pid %d mapping %#lx-%#lx (%pD): cannot write its dirty pages back: error %d",
				pid, cv->start, cv->end, cv->file, ret);
	return 0;
}

/* The MAPPED_FILE record: the file restart must find under the path. */
static int ckpt_write_mapped_file(struct ckpt_ctx *ctx, struct ckpt_vma *cv)
{
	struct ckpt_rec_mapped_file rec = {};

	rec.size = cv->size;
	rec.mtime_sec = cv->mtime.tv_sec;
	rec.mtime_nsec = cv->mtime.tv_nsec;
	return ckpt_write_record(ctx, CKPT_REC_MAPPED_FILE, &rec.h, sizeof(rec),
				 NULL, 0);
}

static int ckpt_write_vma(struct ckpt_ctx *ctx, pid_t pid,
			  struct mm_struct *mm, struct ckpt_vma *cv,
			  struct ckpt_page_batch *buf)
{
	struct ckpt_rec_vma rec = {};
	int ret = 0;

	if (cv->kind == CKPT_VMA_SHMEM)
		ret = ckpt_write_shmem(ctx, cv);
	else if (cv->kind == CKPT_VMA_MEMFD)
		ret = ckpt_write_memfd(ctx, cv->file, true, &cv->objref);
	else if (cv->kind == CKPT_VMA_DELETED)
		ret = ckpt_write_deleted(ctx, cv->file, true, &cv->objref);
	else if (cv->kind == CKPT_VMA_SYSV_SHM)
		ret = ckpt_write_sysv_shm_ref(ctx, cv);
	else if (cv->flags & CKPT_VMA_SHARED)
		ret = ckpt_sync_shared_file(ctx, pid, cv);
	else if (cv->kind == CKPT_VMA_FILE)
		ret = ckpt_write_mapped_file(ctx, cv);
	if (ret)
		return ret;
	rec.start = cv->start;
	rec.end = cv->end;
	rec.pgoff = cv->pgoff;
	rec.kind = cv->kind;
	rec.prot = cv->prot;
	rec.flags = cv->flags;
	rec.path_len = cv->path ? strlen(cv->path) : 0;
	ret = ckpt_write_record(ctx, CKPT_REC_VMA, &rec.h, sizeof(rec),
				cv->path, rec.path_len);
	if (ret || cv->kind == CKPT_VMA_VDSO || cv->kind == CKPT_VMA_VVAR ||
	    cv->kind == CKPT_VMA_SHMEM || (cv->flags & CKPT_VMA_SHARED))
		return ret;
	return ckpt_write_pages(ctx, pid, mm, cv, buf);
}

/**
 * ckpt_write_mm - write the address space of @t
 * @ctx: the checkpoint
 * @t: a frozen task
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_write_mm(struct ckpt_ctx *ctx, struct task_struct *t)
{
	pid_t pid = task_pid_vnr(t);
	struct ckpt_page_batch *buf;
	struct ckpt_vma *cv = NULL;
	struct mm_struct *mm;
	int i, nr = 0, ret;

	mm = get_task_mm(t);
	if (!mm)
		return ckpt_err(ctx, -EINVAL, "pid %d has no memory", pid);
	buf = kmalloc(sizeof(*buf), GFP_KERNEL);
	ret = buf ? ckpt_collect_vmas(ctx, pid, mm, &cv, &nr) : -ENOMEM;
	if (!ret)
		ret = ckpt_write_mm_rec(ctx, pid, mm, nr);
	for (i = 0; !ret && i < nr; i++)
		ret = ckpt_write_vma(ctx, pid, mm, &cv[i], buf);
	if (cv)
		ckpt_free_vmas(cv, nr);
	kfree(buf);
	mmput(mm);
	return ret;
}

static bool rst_range_ok(u64 start, u64 end)
{
	return start <= end && end <= TASK_SIZE;
}

static int rst_check_mm_rec(struct ckpt_ctx *ctx, struct ckpt_rec_mm *rec)
{
	if (!rst_range_ok(rec->start_code, rec->end_code) ||
	    !rst_range_ok(rec->start_data, rec->end_data) ||
	    !rst_range_ok(rec->start_brk, rec->brk) ||
	    !rst_range_ok(rec->arg_start, rec->arg_end) ||
	    !rst_range_ok(rec->env_start, rec->env_end) ||
	    rec->start_stack >= TASK_SIZE || rec->vdso >= TASK_SIZE)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: memory layout fields out of range",
				ctx->rec_pos);
	if (rec->nr_vmas > sysctl_max_map_count)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: %u mappings, more than vm.max_map_count",
				ctx->rec_pos, rec->nr_vmas);
	return 0;
}

static int rst_set_exe(struct ckpt_ctx *ctx, const char *path)
{
	struct file *exe;
	int ret;

	exe = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(exe))
		return ckpt_err(ctx, PTR_ERR(exe),
				"cannot open the executable %s: error %ld",
				path, PTR_ERR(exe));
	ret = -EACCES;
	if (S_ISREG(file_inode(exe)->i_mode) && !path_noexec(&exe->f_path))
		ret = file_permission(exe, MAY_EXEC);
	if (!ret)
		ret = replace_mm_exe_file(current->mm, exe);
	fput(exe);
	if (ret)
		return ckpt_err(ctx, ret, "cannot use %s as the executable: error %d",
				path, ret);
	return 0;
}

static void rst_set_mm_fields(struct mm_struct *mm, struct ckpt_rec_mm *rec)
{
	mmap_read_lock(mm);
	spin_lock(&mm->arg_lock);
	mm->start_code = rec->start_code;
	mm->end_code = rec->end_code;
	mm->start_data = rec->start_data;
	mm->end_data = rec->end_data;
	mm->start_brk = rec->start_brk;
	mm->brk = rec->brk;
	mm->start_stack = rec->start_stack;
	mm->arg_start = rec->arg_start;
	mm->arg_end = rec->arg_end;
	mm->env_start = rec->env_start;
	mm->env_end = rec->env_end;
	spin_unlock(&mm->arg_lock);
	memcpy(mm->saved_auxv, rec->auxv, sizeof(mm->saved_auxv));
	mm->saved_auxv[AT_VECTOR_SIZE - 2] = AT_NULL;
	mm->saved_auxv[AT_VECTOR_SIZE - 1] = AT_NULL;
	mmap_read_unlock(mm);
}

/*
 * The image's prctl() settings of the memory, not the restarter's; no
 * mlockall(MCL_FUTURE) until every mapping is back (rst_mm_lock_future()).
 */
static void rst_set_mm_flags(struct mm_struct *mm, u32 flags)
{
	mmap_write_lock(mm);
	if (flags & CKPT_MM_THP_DISABLE)
		set_bit(MMF_DISABLE_THP, &mm->flags);
	else
		clear_bit(MMF_DISABLE_THP, &mm->flags);
	mm->def_flags &= ~VM_LOCKED_MASK;
	mmap_write_unlock(mm);
}

/*
 * mlockall(MCL_FUTURE) again once the last mapping is back, as that call
 * would for the restarting task: the mappings it makes from now on are
 * locked.
 */
static int rst_mm_lock_future(struct ckpt_ctx *ctx)
{
	struct mm_struct *mm = current->mm;

	if (!(ctx->mm_flags & CKPT_MM_LOCK_FUTURE))
		return 0;
	if (!can_do_mlock())
		return ckpt_err(ctx, -EPERM,
				"cannot lock future mappings again (mlockall(MCL_FUTURE)): RLIMIT_MEMLOCK is 0 and no CAP_IPC_LOCK");
	mmap_write_lock(mm);
	mm->def_flags |= VM_LOCKED;
	if (ctx->mm_flags & CKPT_MM_LOCK_ONFAULT)
		mm->def_flags |= VM_LOCKONFAULT;
	mmap_write_unlock(mm);
	return 0;
}

/**
 * rst_mm - replace the caller's address space by the image's
 * @ctx: the restart
 * @h: header of a CKPT_REC_MM record
 *
 * Unmaps every mapping of the caller, sets the executable and the mm
 * fields; the CKPT_REC_VMA records that follow recreate the mappings.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_mm(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_mm *rec;
	char *exe = NULL;
	int ret;

	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	rec->h = *h;
	ret = ckpt_read_body(ctx, &rec->h, sizeof(*rec));
	if (!ret)
		ret = rst_check_mm_rec(ctx, rec);
	if (!ret)
		ret = ckpt_read_string(ctx, rec->exe_len, &exe);
	if (ret)
		goto out;

	ret = vm_munmap(0, TASK_SIZE);
	if (ret) {
		ret = ckpt_err(ctx, ret, "cannot unmap the caller's memory");
		goto out;
	}
	if (exe) {
		ret = rst_set_exe(ctx, exe);
		if (ret)
			goto out;
	}
	rst_set_mm_fields(current->mm, rec);
	rst_set_mm_flags(current->mm, ctx->mm_flags);
	ctx->vmas_left = rec->nr_vmas;
	ctx->vma_start = 0;
	ctx->vma_end = 0;
	if (!rec->nr_vmas)
		ret = rst_mm_lock_future(ctx);
out:
	kfree(exe);
	kfree(rec);
	return ret;
}

/* Flags that only go with others, or with a kind of mapping. */
static int rst_check_vma_flags(struct ckpt_ctx *ctx, struct ckpt_rec_vma *rec)
{
	u32 f = rec->flags;
	const char *why = NULL;

	if ((f & CKPT_VMA_SHARED) && rec->kind != CKPT_VMA_FILE &&
	    rec->kind != CKPT_VMA_MEMFD && rec->kind != CKPT_VMA_DELETED &&
	    rec->kind != CKPT_VMA_SYSV_SHM)
		why = "shared, and not a file mapping";
	else if (rec->kind == CKPT_VMA_SYSV_SHM && !(f & CKPT_VMA_SHARED))
		why = "of a System V segment, and not shared";
	else if ((f & CKPT_VMA_MAYWRITE) && !(f & CKPT_VMA_SHARED))
		why = "writable file, and not shared";
	else if ((f & CKPT_VMA_SHARED) && (rec->prot & PROT_WRITE) &&
		 !(f & CKPT_VMA_MAYWRITE))
		why = "writable, shared, and its file read-only";
	else if ((f & CKPT_VMA_LOCKONFAULT) && !(f & CKPT_VMA_LOCKED))
		why = "locked on fault, and not locked";
	else if ((f & CKPT_VMA_LOCKED) &&
		 (rec->kind == CKPT_VMA_VDSO || rec->kind == CKPT_VMA_VVAR))
		why = "locked, and the vdso";
	else if ((f & CKPT_VMA_NORESERVE) && rec->kind != CKPT_VMA_ANON &&
		 rec->kind != CKPT_VMA_FILE && rec->kind != CKPT_VMA_MEMFD &&
		 rec->kind != CKPT_VMA_DELETED)
		why = "without reserve, and not an anonymous or file mapping";
	else if ((f & CKPT_VMA_DROPPABLE) &&
		 (rec->kind != CKPT_VMA_ANON || (f & (CKPT_VMA_LOCKED |
						       CKPT_VMA_GROWSDOWN))))
		why = "droppable, and not anonymous, or locked, or a stack";
	if (why)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: mapping %#llx-%#llx %s",
				ctx->rec_pos, rec->start, rec->end, why);
	return 0;
}

static int rst_check_vma_rec(struct ckpt_ctx *ctx, struct ckpt_rec_vma *rec)
{
	if (!ctx->vmas_left)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: mapping record beyond the count of the mm record",
				ctx->rec_pos);
	if (rec->start >= rec->end || rec->end > TASK_SIZE ||
	    !PAGE_ALIGNED(rec->start) || !PAGE_ALIGNED(rec->end) ||
	    rec->start < ctx->vma_end)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad or unordered mapping %#llx-%#llx",
				ctx->rec_pos, rec->start, rec->end);
	if (rec->prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC) ||
	    rec->flags & ~(CKPT_VMA_GROWSDOWN | CKPT_VMA_DONTFORK |
			   CKPT_VMA_DONTDUMP | CKPT_VMA_HUGEPAGE |
			   CKPT_VMA_NOHUGEPAGE | CKPT_VMA_MERGEABLE |
			   CKPT_VMA_WIPEONFORK | CKPT_VMA_SEQ_READ |
			   CKPT_VMA_RAND_READ | CKPT_VMA_SHARED |
			   CKPT_VMA_MAYWRITE | CKPT_VMA_LOCKED |
			   CKPT_VMA_LOCKONFAULT | CKPT_VMA_NORESERVE |
			   CKPT_VMA_DROPPABLE) ||
	    rec->pgoff > (ULONG_MAX >> PAGE_SHIFT) -
			 ((rec->end - rec->start) >> PAGE_SHIFT))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad protection, flags or offset of mapping %#llx-%#llx",
				ctx->rec_pos, rec->start, rec->end);
	return rst_check_vma_flags(ctx, rec);
}

/* Give the mapping of @rec what madvise() had set, through madvise(). */
static int rst_vma_advice(struct ckpt_ctx *ctx, struct ckpt_rec_vma *rec)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_vma_advice); i++) {
		if (!(rec->flags & ckpt_vma_advice[i].ckpt))
			continue;
		ret = do_madvise(current->mm, rec->start, rec->end - rec->start,
				 ckpt_vma_advice[i].advice);
		if (ret)
			return ckpt_err(ctx, ret,
					"mapping %#llx-%#llx: madvise(%d) failed: error %d",
					rec->start, rec->end,
					ckpt_vma_advice[i].advice, ret);
	}
	return 0;
}

/*
 * The shared memory object of the SHMEM record before a CKPT_VMA_SHMEM
 * mapping record, to map at @rec's offset; NULL for a 1.1 image.
 */
static struct file *rst_vma_shmem(struct ckpt_ctx *ctx, struct ckpt_rec_vma *rec)
{
	struct file *file = ctx->shmem;
	u64 pages;

	if (!file)
		return NULL;
	ctx->shmem = NULL;
	rst_mm_end(ctx);
	pages = i_size_read(file_inode(file)) >> PAGE_SHIFT;
	if (rec->pgoff > pages ||
	    (rec->end - rec->start) >> PAGE_SHIFT > pages - rec->pgoff) {
		fput(file);
		ckpt_err(ctx, -EINVAL,
			 "offset %lld: mapping %#llx-%#llx at page %llu runs past its shared memory object",
			 ctx->rec_pos, rec->start, rec->end, rec->pgoff);
		return ERR_PTR(-EINVAL);
	}
	return file;
}

/*
 * The memfd or deleted file of the MEMFD or DELETED_FILE record before a
 * CKPT_VMA_MEMFD or _DELETED mapping record, through an open file of the
 * mapping's access: a read-only one when the mapping could not be made
 * writable (as mmap() of such a file, so that a memfd's write seal finds
 * no writable mapping).
 */
static struct file *rst_vma_object(struct ckpt_ctx *ctx, struct ckpt_rec_vma *rec)
{
	struct file *file = ctx->shmem;
	struct file *ro;

	if (!file) {
		ckpt_err(ctx, -EINVAL,
			 "offset %lld: mapping %#llx-%#llx of a memfd or deleted file without its record before it",
			 ctx->rec_pos, rec->start, rec->end);
		return ERR_PTR(-EINVAL);
	}
	ctx->shmem = NULL;
	rst_mm_end(ctx);
	if (rec->flags & CKPT_VMA_MAYWRITE)
		return file;
	ro = dentry_open(&file->f_path, O_RDONLY | O_LARGEFILE, current_cred());
	fput(file);
	if (IS_ERR(ro))
		ckpt_err(ctx, PTR_ERR(ro),
			 "mapping %#llx-%#llx: cannot open its file read-only: error %ld",
			 rec->start, rec->end, PTR_ERR(ro));
	return ro;
}

/*
 * The file of a CKPT_VMA_FILE mapping, opened by @path: the one the
 * MAPPED_FILE record before describes, if there was one (a 1.3 image has
 * none).
 */
static struct file *rst_vma_file(struct ckpt_ctx *ctx,
				 struct ckpt_rec_vma *rec, const char *path)
{
	int mode = (rec->flags & CKPT_VMA_MAYWRITE) ? O_RDWR : O_RDONLY;
	struct timespec64 mtime;
	struct file *file;
	loff_t size;

	if (!path) {
		ckpt_err(ctx, -EINVAL, "offset %lld: file mapping without a path",
			 ctx->rec_pos);
		return ERR_PTR(-EINVAL);
	}
	if ((rec->flags & CKPT_VMA_SHARED) && ctx->mapped_file_set) {
		ckpt_err(ctx, -EINVAL,
			 "offset %lld: a mapped file's record before a shared file mapping",
			 ctx->rec_pos);
		return ERR_PTR(-EINVAL);
	}
	file = filp_open(path, mode, 0);
	if (IS_ERR(file)) {
		ckpt_err(ctx, PTR_ERR(file),
			 "mapping %#llx-%#llx: cannot open %s: error %ld",
			 rec->start, rec->end, path, PTR_ERR(file));
		return file;
	}
	if (!ctx->mapped_file_set)
		return file;
	ctx->mapped_file_set = false;
	size = i_size_read(file_inode(file));
	mtime = inode_get_mtime(file_inode(file));
	if (size == ctx->mapped_file.size &&
	    mtime.tv_sec == ctx->mapped_file.mtime_sec &&
	    mtime.tv_nsec == ctx->mapped_file.mtime_nsec)
		return file;
	fput(file);
	ckpt_err(ctx, -ESTALE,
		 "mapping %#llx-%#llx: %s changed since the checkpoint: %lld bytes modified at %lld.%09ld, the image has %llu bytes modified at %lld.%09u",
		 rec->start, rec->end, path, size, (s64)mtime.tv_sec,
		 mtime.tv_nsec, ctx->mapped_file.size,
		 ctx->mapped_file.mtime_sec, ctx->mapped_file.mtime_nsec);
	return ERR_PTR(-ESTALE);
}

/*
 * Lock the mapping of @rec again as mlock2() would, with the limits
 * (RLIMIT_MEMLOCK, CAP_IPC_LOCK) of the restarting task: its pages are
 * faulted in now, the saved ones written over them after.
 */
static int rst_vma_lock(struct ckpt_ctx *ctx, struct ckpt_rec_vma *rec)
{
	vm_flags_t flags = VM_LOCKED;
	int ret;

	if (rec->flags & CKPT_VMA_LOCKONFAULT)
		flags |= VM_LOCKONFAULT;
	ret = mlock_ckpt_range(rec->start, rec->end - rec->start, flags);
	if (ret)
		return ckpt_err(ctx, ret,
				"mapping %#llx-%#llx: cannot lock it again (mlock2()): error %d%s",
				rec->start, rec->end, ret,
				ret == -EPERM || ret == -ENOMEM ?
				" (RLIMIT_MEMLOCK, CAP_IPC_LOCK)" : "");
	return 0;
}

static int rst_map_vma(struct ckpt_ctx *ctx, struct ckpt_rec_vma *rec,
		       const char *path)
{
	unsigned long len = rec->end - rec->start;
	unsigned long flags = MAP_PRIVATE | MAP_FIXED_NOREPLACE;
	struct file *file = NULL;
	unsigned long addr;
	int ret;

	if (rec->flags & CKPT_VMA_GROWSDOWN)
		flags |= MAP_GROWSDOWN;
	if (rec->flags & CKPT_VMA_NORESERVE)
		flags |= MAP_NORESERVE;
	if (rec->flags & CKPT_VMA_DROPPABLE)
		flags = (flags & ~MAP_PRIVATE) | MAP_DROPPABLE;
	switch (rec->kind) {
	case CKPT_VMA_VDSO:
		return ckpt_arch_map_vdso(ctx, rec->start, len);
	case CKPT_VMA_VVAR:
		return 0;	/* mapped together with the vdso */
	case CKPT_VMA_SYSV_SHM:
		ret = rst_sysv_shm_attach(ctx, rec);
		if (ret)
			return ret;
		goto mapped;
	case CKPT_VMA_ANON:
		flags |= MAP_ANONYMOUS;
		break;
	case CKPT_VMA_SHMEM:
		flags = MAP_SHARED | MAP_FIXED_NOREPLACE;
		file = rst_vma_shmem(ctx, rec);
		if (IS_ERR(file))
			return PTR_ERR(file);
		if (!file)
			flags |= MAP_ANONYMOUS;
		break;
	case CKPT_VMA_FILE:
	case CKPT_VMA_MEMFD:
	case CKPT_VMA_DELETED:
		if (rec->kind == CKPT_VMA_FILE)
			file = rst_vma_file(ctx, rec, path);
		else
			file = rst_vma_object(ctx, rec);
		if (IS_ERR(file))
			return PTR_ERR(file);
		if (rec->flags & CKPT_VMA_SHARED)
			flags = (flags & ~MAP_PRIVATE) | MAP_SHARED;
		break;
	default:
		return ckpt_err(ctx, -EINVAL, "offset %lld: unknown mapping kind %u",
				ctx->rec_pos, rec->kind);
	}

	/* a shmem object's file is unlinked: shmem_mmap() makes it anonymous */
	addr = vm_mmap(file, rec->start, len, rec->prot, flags,
		       file ? rec->pgoff << PAGE_SHIFT : 0);
	if (file)
		fput(file);
	if (IS_ERR_VALUE(addr))
		return ckpt_err(ctx, (long)addr,
				"cannot map %#llx-%#llx: error %ld",
				rec->start, rec->end, (long)addr);
mapped:
	if ((rec->kind == CKPT_VMA_SHMEM && file) ||
	    (rec->flags & CKPT_VMA_SHARED))
		ctx->vma_kind = RST_VMA_NO_PAGES;
	ret = rst_vma_advice(ctx, rec);
	if (!ret && (rec->flags & CKPT_VMA_LOCKED))
		ret = rst_vma_lock(ctx, rec);
	return ret;
}

/**
 * rst_vma - recreate one mapping of the caller
 * @ctx: the restart
 * @h: header of a CKPT_REC_VMA record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_vma(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_vma rec = { .h = *h };
	char *path = NULL;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_check_vma_rec(ctx, &rec);
	if (!ret)
		ret = ckpt_read_string(ctx, rec.path_len, &path);
	if (!ret && ctx->shmem && rec.kind != ctx->shmem_kind)
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: a memory object's record, then a mapping of another kind",
				ctx->rec_pos);
	if (!ret && ctx->mapped_file_set && rec.kind != CKPT_VMA_FILE)
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: a mapped file's record, then a mapping of another kind",
				ctx->rec_pos);
	if (!ret && ctx->sysv_shm_ref && rec.kind != CKPT_VMA_SYSV_SHM)
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: a System V segment's record, then a mapping of another kind",
				ctx->rec_pos);
	if (ret)
		goto out;
	ctx->vma_kind = rec.kind;
	ret = rst_map_vma(ctx, &rec, path);
	if (ret)
		goto out;
	ctx->vmas_left--;
	ctx->vma_start = rec.start;
	ctx->vma_end = rec.end;
	if (!ctx->vmas_left)
		ret = rst_mm_lock_future(ctx);
out:
	kfree(path);
	return ret;
}

/**
 * rst_mapped_file - what the file of the next mapping must look like
 * @ctx: the restart
 * @h: header of a CKPT_REC_MAPPED_FILE record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_mapped_file(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_mapped_file rec = { .h = *h };
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (ctx->mapped_file_set || ctx->shmem)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: a mapped file's record not followed by its mapping",
				ctx->rec_pos);
	if (rec.size > MAX_LFS_FILESIZE || rec.mtime_nsec >= NSEC_PER_SEC ||
	    rec.pad)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: mapped file of %llu bytes modified at %lld.%u: invalid",
				ctx->rec_pos, rec.size, rec.mtime_sec,
				rec.mtime_nsec);
	ctx->mapped_file = rec;
	ctx->mapped_file_set = true;
	return 0;
}

/* Drop the shared memory object no mapping took, at the end. */
void rst_mm_end(struct ckpt_ctx *ctx)
{
	ctx->mapped_file_set = false;
	if (ctx->shmem)
		fput(ctx->shmem);
	ctx->shmem = NULL;
	ctx->shmem_pages = false;
	ctx->shmem_kind = 0;
	ctx->shmem_ref = 0;
}

static int rst_check_shmem_rec(struct ckpt_ctx *ctx, struct ckpt_rec_shmem *rec)
{
	if (!rec->objref || rec->flags & ~CKPT_SHMEM_NEW || !rec->size ||
	    !PAGE_ALIGNED(rec->size) || rec->size > MAX_LFS_FILESIZE)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad shared memory object %u of %llu bytes",
				ctx->rec_pos, rec->objref, rec->size);
	return 0;
}

/* A new shared memory object, noted under its objref. */
static struct file *rst_new_shmem(struct ckpt_ctx *ctx, struct xarray *objs,
				  struct ckpt_rec_shmem *rec)
{
	struct file *file;
	int ret;

	file = shmem_kernel_file_setup("dev/zero", rec->size, 0);
	if (IS_ERR(file)) {
		ckpt_err(ctx, PTR_ERR(file),
			 "cannot create shared memory of %llu bytes: error %ld",
			 rec->size, PTR_ERR(file));
		return file;
	}
	ret = xa_insert(objs, rec->objref, file, GFP_KERNEL);
	if (ret) {
		fput(file);
		if (ret == -EBUSY)
			ret = -EINVAL;
		ckpt_err(ctx, ret, "offset %lld: object %u was defined before",
			 ctx->rec_pos, rec->objref);
		return ERR_PTR(ret);
	}
	xa_set_mark(objs, rec->objref, RST_MARK_SHMEM);
	return file;
}

/**
 * rst_shmem - a shared memory object, for the mapping record that follows
 * @ctx: the restart
 * @h: header of a CKPT_REC_SHMEM record
 *
 * Creates the object the first time (its PAGES records follow), finds it
 * in the coordinator's objects after.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_shmem(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct xarray *objs = &(ctx->coord ?: ctx)->files;
	struct ckpt_rec_shmem rec = { .h = *h };
	struct file *file;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_check_shmem_rec(ctx, &rec);
	if (!ret && ctx->mapped_file_set)
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: a mapped file's record, then a shared memory object",
			       ctx->rec_pos);
	if (ret)
		return ret;
	rst_mm_end(ctx);
	if (rec.flags & CKPT_SHMEM_NEW) {
		file = rst_new_shmem(ctx, objs, &rec);
		if (IS_ERR(file))
			return PTR_ERR(file);
	} else {
		file = xa_load(objs, rec.objref);
		if (!file || !xa_get_mark(objs, rec.objref, RST_MARK_SHMEM) ||
		    i_size_read(file_inode(file)) != rec.size)
			return ckpt_err(ctx, -EINVAL,
					"offset %lld: shared memory object %u of %llu bytes was not written before",
					ctx->rec_pos, rec.objref, rec.size);
	}
	ctx->shmem = get_file(file);
	ctx->shmem_pages = rec.flags & CKPT_SHMEM_NEW;
	ctx->shmem_kind = CKPT_VMA_SHMEM;
	ctx->shmem_ref = rec.objref;
	return 0;
}

/*
 * Shared anonymous memory is written through its shmem file: that works
 * for read-only mappings too, where a forced write through the page
 * tables would not.
 */
static int rst_shmem_write(struct ckpt_ctx *ctx, unsigned long addr,
			   const void *buf, size_t len)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct file *file = NULL;
	loff_t pos = 0;
	ssize_t done;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma && vma_is_anon_shmem(vma)) {
		file = get_file(vma->vm_file);
		pos = addr - vma->vm_start + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
	}
	mmap_read_unlock(mm);
	if (!file)
		return ckpt_err(ctx, -EFAULT, "no shared mapping at %#lx", addr);
	done = ckpt_kwrite(file, buf, len, &pos);
	fput(file);
	if (done != len)
		return ckpt_err(ctx, done < 0 ? done : -EIO,
				"cannot write shared memory at %#lx", addr);
	return 0;
}

/* The pages of @rec, into the shared memory object of the last SHMEM record. */
static int rst_shmem_pages(struct ckpt_ctx *ctx, struct ckpt_rec_pages *rec)
{
	u64 size = i_size_read(file_inode(ctx->shmem));
	u64 len = (u64)rec->nr_pages << PAGE_SHIFT;
	loff_t pos = rec->addr;
	void *buf;
	int ret = 0;

	/* a memfd's last page is written up to its size */
	if (len > PAGE_ALIGN(size) || rec->addr > PAGE_ALIGN(size) - len)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: %u pages at %#llx run past their shared memory object",
				ctx->rec_pos, rec->nr_pages, rec->addr);
	buf = kvmalloc(CKPT_PAGES_CHUNK << PAGE_SHIFT, GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	while (len && !ret) {
		size_t n = min_t(u64, len, CKPT_PAGES_CHUNK << PAGE_SHIFT);

		size_t in = min_t(u64, n, size - pos);

		ret = ckpt_read_bytes(ctx, buf, n);
		if (!ret && ckpt_kwrite(ctx->shmem, buf, in, &pos) != in)
			ret = ckpt_err(ctx, -EIO,
				       "cannot write shared memory at offset %#llx",
				       pos);
		len -= n;
	}
	kvfree(buf);
	return ret;
}

/* The pages of @rec, through the shared anonymous mapping at its address. */
static int rst_shmem_mapping_pages(struct ckpt_ctx *ctx,
				   struct ckpt_rec_pages *rec)
{
	unsigned long addr = rec->addr;
	u64 left = (u64)rec->nr_pages << PAGE_SHIFT;
	void *buf;
	int ret = 0;

	buf = kvmalloc(CKPT_PAGES_CHUNK << PAGE_SHIFT, GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	while (left && !ret) {
		size_t n = min_t(u64, left, CKPT_PAGES_CHUNK << PAGE_SHIFT);

		ret = ckpt_read_bytes(ctx, buf, n);
		if (!ret)
			ret = rst_shmem_write(ctx, addr, buf, n);
		addr += n;
		left -= n;
	}
	kvfree(buf);
	return ret;
}

/*
 * @nr pages at @addr of the mapping restored last, read from the image
 * straight into the new pages: the read's copy is the only one.  The
 * pages are faulted in (or copied on write) as a forced write would, so
 * that read-only private mappings get their contents too.
 */
static int rst_page_run(struct ckpt_ctx *ctx, unsigned long addr,
			unsigned long nr, struct ckpt_page_batch *b)
{
	struct mm_struct *mm = current->mm;
	int locked = 1, ret;
	long got, i;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	got = pin_user_pages_remote(mm, addr, nr, FOLL_WRITE | FOLL_FORCE,
				    b->pages, &locked);
	if (locked)
		mmap_read_unlock(mm);
	if (got != nr) {
		ret = ckpt_err(ctx, -EFAULT,
			       "cannot write the page contents at %#lx",
			       addr + (got > 0 ? got << PAGE_SHIFT : 0));
		goto out;
	}
	for (i = 0; i < nr; i++)
		bvec_set_page(&b->bvec[i], b->pages[i], PAGE_SIZE, 0);
	ret = ckpt_read_pages(ctx, b->bvec, nr);
	for (i = 0; i < nr; i++)
		flush_dcache_page(b->pages[i]);
out:
	if (got > 0)
		unpin_user_pages_dirty_lock(b->pages, got, true);
	return ret;
}

/**
 * rst_pages - fill pages of the mapping restored last
 * @ctx: the restart
 * @h: header of a CKPT_REC_PAGES record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_pages(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_pages rec = { .h = *h };
	struct ckpt_page_batch *batch;
	unsigned long addr, left;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (ret)
		return ret;
	if (!rec.nr_pages || rec.nr_pages > CKPT_REC_MAX_LEN >> PAGE_SHIFT ||
	    rec.h.len != ALIGN(sizeof(rec) + ((u64)rec.nr_pages << PAGE_SHIFT),
			       CKPT_REC_ALIGN) || !PAGE_ALIGNED(rec.addr))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad record of %u pages at %#llx",
				ctx->rec_pos, rec.nr_pages, rec.addr);
	if (ctx->shmem_pages)
		return rst_shmem_pages(ctx, &rec);
	if (ctx->shmem)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: pages after a record of a memory object written before",
				ctx->rec_pos);
	if (rec.addr < ctx->vma_start ||
	    rec.addr + ((u64)rec.nr_pages << PAGE_SHIFT) > ctx->vma_end ||
	    (ctx->vma_kind != CKPT_VMA_ANON && ctx->vma_kind != CKPT_VMA_FILE &&
	     ctx->vma_kind != CKPT_VMA_SHMEM && ctx->vma_kind != CKPT_VMA_MEMFD &&
	     ctx->vma_kind != CKPT_VMA_DELETED))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: %u pages at %#llx do not fit the mapping before them",
				ctx->rec_pos, rec.nr_pages, rec.addr);

	if (ctx->vma_kind == CKPT_VMA_SHMEM)
		return rst_shmem_mapping_pages(ctx, &rec);

	batch = kmalloc(sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;
	addr = rec.addr;
	left = rec.nr_pages;
	while (left && !ret) {
		unsigned long n = min_t(unsigned long, left, CKPT_PAGES_CHUNK);

		ret = rst_page_run(ctx, addr, n, batch);
		addr += n << PAGE_SHIFT;
		left -= n;
	}
	kfree(batch);
	return ret;
}
