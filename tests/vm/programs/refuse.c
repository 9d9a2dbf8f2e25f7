// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * refuse KIND DIR: a process holding something checkpoint does not
 * support yet, or kernel state that an image would not carry, creating
 * DIR/ready and counting in DIR/progress until DIR/stop appears; exits 0.
 *
 * KIND:
 *   fifo        a named FIFO (DIR/fifo) open, then unlinked
 *   thread      a thread with its own fd table
 *   clonefiles  its fd table shared (CLONE_FILES) with a process outside
 *               the tree: a CLONE_FILES child clones a CLONE_FILES
 *               grandchild and exits, the grandchild is re-parented
 *   clonefs     the same with its cwd, root and umask (CLONE_FS)
 *   shared      a shared anonymous mapping
 *   memfdout    a memfd_create("ckpt-test") fd, its number in DIR/memfd, for
 *               a process outside the tree (the scenario's shell, through
 *               /proc/PID/fd/N) to open too
 *   mapfiles    an fd opened through /proc/self/map_files/START-END of a
 *               MAP_SHARED|MAP_ANONYMOUS mapping
 *   lease       a read lease (F_SETLEASE) on DIR/lease
 *   aio         an AIO context (io_setup)
 *   iouring     an io_uring instance (io_uring_setup) fd
 *   deletedlinked  DIR/first open, linked as DIR/second too, then
 *               DIR/first unlinked: deleted, but linked under another name
 *   deletedbig  DIR/big made 300 MiB by ftruncate() (sparse: no block
 *               written), open, then unlinked: more than an image keeps
 *   deletedout  DIR/outfile open, then unlinked; its descriptor's number
 *               in DIR/deleted, for a process outside the tree (the
 *               scenario's shell, through /proc/PID/fd/N) to open too
 *   setown      a pipe's read end with O_ASYNC and F_SETOWN to its parent
 *               (the scenario's shell, outside the checkpointed tree)
 *   owner       DIR/owned open with F_SETOWN to its parent (no O_ASYNC)
 *   pty         a pseudo-terminal of its own whose slave was never opened
 *   timerslack  a timer slack of its own (PR_SET_TIMERSLACK)
 *   stalewatch  an epoll watch whose descriptor was closed, its file
 *               held only by a process outside the tree (as clonefiles)
 *   ioprio      an I/O priority (ioprio_set)
 *
 * System V IPC and namespaces (format 1.11); "a new IPC namespace" is
 * one the program made with unshare(CLONE_NEWIPC) (it runs as root):
 *   shmhome     a System V segment of the IPC namespace it was started in
 *               (the checkpointer's) attached; removed when it exits
 *   shmpart     a segment of 3 pages of a new IPC namespace attached, its
 *               last page unmapped (munmap())
 *   shmprot     a segment of a new IPC namespace attached read-write,
 *               then mprotect(PROT_READ)
 *   shmlock     a segment of a new IPC namespace locked (SHM_LOCK)
 *   msgq        a System V message queue in a new IPC namespace
 *   sem         a System V semaphore set in a new IPC namespace (saved
 *               since 1.11: the checkpoint succeeds)
 *   mqueue      a POSIX message queue (mq_open()) in a new IPC namespace
 *   semundohome a semaphore set of the IPC namespace it was started in
 *               (the checkpointer's), with an adjustment (semop() with
 *               SEM_UNDO); removed when it exits
 *   sysvsem     a semaphore set of a new IPC namespace with an adjustment
 *               (semop() with SEM_UNDO) in the undo list it shares with
 *               its child (clone(CLONE_SYSVSEM), not a thread)
 *   nsout       a new IPC namespace, also used by a process outside the
 *               tree (a grandchild re-parented, as clonefiles)
 *   nsoututs    the same with a new UTS namespace
 *   nsjoin      a new UTS namespace; its child went back to the one the
 *               program was started in (setns() with /proc/1/ns/uts,
 *               opened before unshare(), then closed by both)
 *   nsjoinipc   a new IPC namespace I1; its child opens /proc/self/ns/ipc
 *               (I1), unshares a new one (I2) and forks a grandchild
 *               that goes back to I1 with setns() (the descriptor
 *               closed): a task in the namespace of the program, its
 *               parent in another
 * The children of nsjoin, nsjoinipc and sysvsem wait, and are killed with
 * their parent (PR_SET_PDEATHSIG).
 *
 * For clonefiles, clonefs, stalewatch, nsout and nsoututs, DIR/outsider
 * holds the grandchild's pid;
 * it ends within 100 ms once the program is gone (reaped).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dir;

static void *idle(void *arg)
{
	if (arg)
		unshare(CLONE_FILES);	/* a thread with its own fd table */
	for (;;)
		pause();
	return NULL;
}

/* DIR/NAME opened read-write, created when missing. */
static int open_in_dir(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, O_RDWR | O_CREAT, 0600);
}

static int hold_fifo(void)
{
	char path[512];

	/* open, then unlinked: restart could not open it again */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	return mkfifo(path, 0600) || open(path, O_RDWR) < 0 || unlink(path) ? -1 : 0;
}

static int hold_shared(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	p[0] = 1;
	return 0;
}

/* The mapping stays; the fd is the same shmem object, by another way. */
static int hold_map_files(void)
{
	char path[128];
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	p[0] = 1;
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)p, (unsigned long)p + 4096);
	return open(path, O_RDWR) < 0 ? -1 : 0;
}

/*
 * A memfd of a page; its descriptor's number in DIR/memfd, so that a
 * process outside the tree can open it through /proc/PID/fd: restart
 * could not give that process the memfd again.
 */
static int hold_memfd_out(void)
{
	char line[32];
	int m = memfd_create("ckpt-test", 0), f, n;

	if (m < 0 || ftruncate(m, 4096))
		return -1;
	f = open_in_dir("memfd");
	n = snprintf(line, sizeof(line), "%d\n", m);
	if (f < 0 || write(f, line, n) != n)
		return -1;
	return close(f);
}

/* A read lease on DIR/lease (opened read-only, no writer) */
static int hold_lease(void)
{
	char path[512];
	int fd;

	close(open_in_dir("lease"));
	snprintf(path, sizeof(path), "%s/lease", dir);
	fd = open(path, O_RDONLY);
	return fd < 0 || fcntl(fd, F_SETLEASE, F_RDLCK) ? -1 : 0;
}

static int hold_aio(void)
{
	unsigned long ctx = 0;	/* aio_context_t */

	return syscall(SYS_io_setup, 8, &ctx) ? -1 : 0;
}

static int hold_io_uring(void)
{
	/* struct io_uring_params: 120 bytes, zero asks for the defaults */
	unsigned long long params[15] = { 0 };

	return syscall(SYS_io_uring_setup, 4, params) < 0 ? -1 : 0;
}

/* DIR/@name, unlinked; its descriptor, or -1 */
static int open_unlinked(const char *name)
{
	char path[512];
	int fd = open_in_dir(name);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fd < 0 || unlink(path) ? -1 : fd;
}

/* A deleted file that another name still links: restart could not link it again */
static int hold_deleted_linked(void)
{
	char first[512], second[512];
	int fd = open_in_dir("first");

	snprintf(first, sizeof(first), "%s/first", dir);
	snprintf(second, sizeof(second), "%s/second", dir);
	if (fd < 0 || write(fd, "linked twice\n", 13) != 13 || link(first, second))
		return -1;
	return unlink(first);
}

/* A deleted file of 300 MiB (a hole): more than CKPT_DELETED_MAX_SIZE */
static int hold_deleted_big(void)
{
	int fd = open_unlinked("big");

	return fd < 0 || ftruncate(fd, 300L << 20) ? -1 : 0;
}

/*
 * A deleted file; its descriptor's number in DIR/deleted, so that a
 * process outside the tree can open it through /proc/PID/fd: restart
 * could not give that process the file again.
 */
static int hold_deleted_out(void)
{
	char line[32];
	int d = open_unlinked("outfile"), f, n;

	if (d < 0 || write(d, "deleted\n", 8) != 8)
		return -1;
	f = open_in_dir("deleted");
	n = snprintf(line, sizeof(line), "%d\n", d);
	if (f < 0 || write(f, line, n) != n)
		return -1;
	return close(f);
}

/*
 * SIGIO to its parent, outside the tree, when the pipe has data or its
 * last writer goes (a regular file drops O_ASYNC): restart could not
 * point the pipe at that process again.  The write end is closed first:
 * the signal would kill the parent (the scenario's shell).
 */
static int hold_async(void)
{
	int p[2];

	if (pipe(p) || close(p[1]) || fcntl(p[0], F_SETOWN, getppid()))
		return -1;
	return fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_ASYNC) ? -1 : 0;
}

/* An owner for I/O signals alone, without O_ASYNC: its parent, outside the tree */
static int hold_owner(void)
{
	int fd = open_in_dir("owned");

	return fd < 0 || fcntl(fd, F_SETOWN, getppid()) || fcntl(fd, F_GETOWN) != getppid() ?
	       -1 : 0;
}


/* A pseudo-terminal of its own whose slave nobody opened yet */
static int hold_pty(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);

	return master < 0 || grantpt(master) || unlockpt(master) ? -1 : 0;
}

/*
 * A child sharing @flags clones a grandchild sharing them too and exits:
 * the grandchild, re-parented outside the program's tree, shares the
 * program's table.  It polls the program every 100 ms and ends once it
 * is gone; its pid is in DIR/outsider.
 */
static int share_outside(unsigned long flags)
{
	pid_t program = getpid(), child, grandchild;
	char line[32];
	int status, fd, n;

	child = syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);
	if (child < 0)
		return -1;
	if (child == 0) {
		grandchild = syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);
		if (grandchild == 0) {
			while (kill(program, 0) == 0) {
				struct timespec ts = { 0, 100 * 1000 * 1000 };

				nanosleep(&ts, NULL);
			}
			_exit(0);
		}
		fd = open_in_dir("outsider");
		n = snprintf(line, sizeof(line), "%d\n", (int)grandchild);
		if (grandchild < 0 || fd < 0 || write(fd, line, n) != n)
			_exit(1);
		close(fd);
		_exit(0);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -1;
	return 0;
}

/* An epoll watch whose descriptor was closed: an outsider holds the file */
static int hold_stale_watch(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(0), p[2];

	if (ep < 0 || pipe(p) || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) ||
	    share_outside(0))
		return -1;
	return close(p[0]);
}

/* What the program removes when it exits: a segment, a semaphore set */
static int home_shm = -1, home_sem = -1;

static void remove_home_objects(void)
{
	if (home_shm >= 0)
		shmctl(home_shm, IPC_RMID, NULL);
	if (home_sem >= 0)
		semctl(home_sem, 0, IPC_RMID);
}

/* A segment of @pages attached read-write, in a new IPC namespace if @new_ns */
static void *attach_new_segment(int new_ns, int pages, int *id)
{
	void *p;

	if (new_ns && unshare(CLONE_NEWIPC))
		return NULL;
	*id = shmget(IPC_PRIVATE, pages * 4096, IPC_CREAT | 0600);
	if (*id < 0)
		return NULL;
	p = shmat(*id, NULL, 0);
	if (p == (void *)-1)
		return NULL;
	memset(p, 's', pages * 4096);
	return p;
}

static int hold_shm(const char *kind)
{
	int id;
	char *p;

	if (!strcmp(kind, "shmhome")) {
		p = attach_new_segment(0, 1, &home_shm);
		return p ? 0 : -1;
	}
	if (!strcmp(kind, "shmlock"))
		return unshare(CLONE_NEWIPC) || (id = shmget(IPC_PRIVATE, 4096, 0600)) < 0 ||
		       shmctl(id, SHM_LOCK, NULL) ? -1 : 0;
	p = attach_new_segment(1, 3, &id);
	if (!p)
		return -1;
	if (!strcmp(kind, "shmpart"))
		return munmap(p + 2 * 4096, 4096);
	return mprotect(p, 3 * 4096, PROT_READ);	/* shmprot */
}

/* System V IPC objects, or a POSIX message queue, in a new IPC namespace */
static int hold_ipc_object(const char *kind)
{
	if (unshare(CLONE_NEWIPC))
		return -1;
	if (!strcmp(kind, "msgq"))
		return msgget(IPC_PRIVATE, IPC_CREAT | 0600) < 0 ? -1 : 0;
	if (!strcmp(kind, "sem"))
		return semget(IPC_PRIVATE, 2, IPC_CREAT | 0600) < 0 ? -1 : 0;
	/* mqueue: the system call takes the name without its leading '/' */
	return syscall(SYS_mq_open, "ckpt-test", O_CREAT | O_RDWR, 0600, NULL) < 0 ? -1 : 0;
}

/* A semaphore set of the program's first IPC namespace with an adjustment */
static int hold_sem_undo(void)
{
	struct sembuf op = { .sem_num = 0, .sem_op = 1, .sem_flg = SEM_UNDO };

	home_sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	return home_sem < 0 || semop(home_sem, &op, 1) ? -1 : 0;
}

/*
 * An adjustment on a set of a new IPC namespace, in the undo list the
 * program shares with its child: clone(CLONE_SYSVSEM) without
 * CLONE_THREAD (and without CLONE_VM: the child goes on as after fork())
 */
static int hold_shared_undo(void)
{
	struct sembuf op = { .sem_num = 0, .sem_op = 1, .sem_flg = SEM_UNDO };
	long child;
	int id;

	if (unshare(CLONE_NEWIPC))
		return -1;
	id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	if (id < 0)
		return -1;
	child = syscall(SYS_clone, CLONE_SYSVSEM | SIGCHLD, 0, 0, 0, 0);
	if (child < 0)
		return -1;
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	return semop(id, &op, 1);
}

/*
 * A child that runs @fn(@arg), says on a pipe that it went through,
 * then waits to be killed with its parent; 0 once it said so, or -1.
 */
static int child_waiting(int (*fn)(int arg), int arg)
{
	int p[2], ok;
	char c = 0;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		c = fn(arg) ? 0 : 1;
		if (write(p[1], &c, 1) != 1 || !c)
			_exit(1);
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	ok = read(p[0], &c, 1) == 1 && c == 1;
	close(p[0]);
	return ok ? 0 : -1;
}

/* In a child: back to the namespace of @fd (its type), which is closed */
static int join_ns(int fd)
{
	int ret = setns(fd, 0);

	close(fd);
	return ret;
}

/* The child of nsjoinipc: a new IPC namespace, and a grandchild back in the first */
static int nsjoinipc_child(int unused)
{
	int fd = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);

	(void)unused;
	if (fd < 0 || unshare(CLONE_NEWIPC) || child_waiting(join_ns, fd))
		return -1;
	return close(fd);
}

static int hold_ns(const char *kind)
{
	int fd;

	if (!strcmp(kind, "nsout"))
		return unshare(CLONE_NEWIPC) || share_outside(0) ? -1 : 0;
	if (!strcmp(kind, "nsoututs"))
		return unshare(CLONE_NEWUTS) || share_outside(0) ? -1 : 0;
	if (!strcmp(kind, "nsjoin")) {
		fd = open("/proc/1/ns/uts", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || unshare(CLONE_NEWUTS) || child_waiting(join_ns, fd))
			return -1;
		return close(fd);
	}
	/* nsjoinipc */
	if (unshare(CLONE_NEWIPC))
		return -1;
	return child_waiting(nsjoinipc_child, 0);
}

static int hold(const char *kind)
{
	pthread_t th;

	if (!strcmp(kind, "fifo"))
		return hold_fifo();
	if (!strcmp(kind, "thread"))
		return pthread_create(&th, NULL, idle, (void *)kind) ? -1 : 0;
	if (!strcmp(kind, "clonefiles"))
		return share_outside(CLONE_FILES);
	if (!strcmp(kind, "clonefs"))
		return share_outside(CLONE_FS);
	if (!strcmp(kind, "shared"))
		return hold_shared();
	if (!strcmp(kind, "memfdout"))
		return hold_memfd_out();
	if (!strcmp(kind, "mapfiles"))
		return hold_map_files();
	if (!strcmp(kind, "lease"))
		return hold_lease();
	if (!strcmp(kind, "aio"))
		return hold_aio();
	if (!strcmp(kind, "iouring"))
		return hold_io_uring();
	if (!strcmp(kind, "deletedlinked"))
		return hold_deleted_linked();
	if (!strcmp(kind, "deletedbig"))
		return hold_deleted_big();
	if (!strcmp(kind, "deletedout"))
		return hold_deleted_out();
	if (!strcmp(kind, "setown"))
		return hold_async();
	if (!strcmp(kind, "owner"))
		return hold_owner();
	if (!strcmp(kind, "pty"))
		return hold_pty();
	if (!strcmp(kind, "stalewatch"))
		return hold_stale_watch();
	if (!strcmp(kind, "timerslack"))
		return prctl(PR_SET_TIMERSLACK, 1000000UL, 0, 0, 0);
	/* IOPRIO_WHO_PROCESS, the best-effort class, level 3 */
	if (!strcmp(kind, "ioprio"))
		return syscall(SYS_ioprio_set, 1, 0, 2 << 13 | 3) ? -1 : 0;
	if (!strncmp(kind, "shm", 3))
		return hold_shm(kind);
	if (!strcmp(kind, "msgq") || !strcmp(kind, "sem") || !strcmp(kind, "mqueue"))
		return hold_ipc_object(kind);
	if (!strcmp(kind, "semundohome"))
		return hold_sem_undo();
	if (!strcmp(kind, "sysvsem"))
		return hold_shared_undo();
	if (!strncmp(kind, "ns", 2))
		return hold_ns(kind);
	return -1;
}

int main(int argc, char **argv)
{
	char path[512], line[32];
	int fd, n;
	struct stat st;
	long i;

	if (argc != 3)
		return 2;
	dir = argv[2];
	if (hold(argv[1])) {
		perror(argv[1]);
		remove_home_objects();
		return 2;
	}
	snprintf(path, sizeof(path), "%s/progress", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	snprintf(path, sizeof(path), "%s/ready", dir);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	snprintf(path, sizeof(path), "%s/stop", dir);
	for (i = 1; stat(path, &st); i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		n = snprintf(line, sizeof(line), "%ld\n", i);
		pwrite(fd, line, n, 0);
		nanosleep(&ts, NULL);
	}
	remove_home_objects();
	return 0;
}
