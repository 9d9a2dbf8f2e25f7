// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysvsem DIR: System V semaphore sets and their SEM_UNDO adjustments
 * (image format 1.11), for the VM scenarios.  Run as root.
 * sysvsem --outside DIR PID: the scenario's helper, outside the tree (see
 * below).
 *
 * The root process R unshare()s CLONE_NEWIPC (an IPC namespace new at
 * it) and makes four semaphore sets:
 *
 *   counter  key 0x53454d01, mode 0660, 3 semaphores: SETALL 5 0 32767
 *            by R, then semop() by three processes: child A +2 on
 *            semaphore 1, child B -7 on semaphore 2, R +1 on semaphore
 *            0: values 6 2 32760, each semaphore's last pid another
 *            process of the tree (R, A, B)
 *   private  IPC_PRIVATE, mode 0600, 1 semaphore: +42 by a child C that
 *            exits (reaped: its last pid is gone), then IPC_SET to uid
 *            1234, gid 5678, mode 0604
 *   undo     key 0x53454d03, mode 0600, 2 semaphores: SETALL 10 0, then
 *            A +3 on semaphore 0 with SEM_UNDO (its adjustment -3), R +2
 *            on semaphore 1 and -1 with SEM_UNDO (its adjustment +1):
 *            values 13 1
 *   lock     key 0x53454d04, mode 0600, 1 semaphore, value 0 (never
 *            changed: last pid 0): a lock R holds; child K waits in
 *            semop(-1, SEM_UNDO) for it (semncnt 1)
 *
 * Once every process is set up, R takes a snapshot of what IPC_STAT says
 * of every set (key, owner, creator, mode, semaphores, otime, ctime),
 * GETALL, GETPID, GETNCNT and GETZCNT of every semaphore, SEM_INFO
 * (sets and semaphores in use), checks them against the above ("setup
 * failed: ..." if they differ), says "set up: ..." and creates
 * DIR/ready.  Then it counts in DIR/progress every 20 ms.
 *
 * When DIR/stop appears (after a restart: the checks are those of a
 * restored tree), R checks: its IPC namespace is not init's; K waits in
 * semop() again (lock's semncnt 1 within 10 s); every set's IPC_STAT,
 * values, last pids (private's 0: C is gone), semncnt and semzcnt as in
 * the snapshot, SEM_INFO as in the snapshot, semget() of every key
 * gives its id.  Then what changes things: A exits, and its +3 is undone
 * (undo's semaphore 0 back to 10); R releases the lock, K's semop() goes
 * through (the lock 0, its last pid K's), K exits and its adjustment is
 * undone (the lock 1 again); B exits; a new set gets an id none of the
 * others has.  R writes "10 2" to DIR/root-exit, what undo's values must
 * be once its own adjustment (+1 on semaphore 1) is undone at its exit,
 * says "N steps; semaphores intact" and exits 0, or says what differs
 * (FAIL: lines) and exits 1.
 *
 * The helper (--outside DIR PID), started by the scenario once the tree
 * is restored, joins PID's IPC namespace (setns()) and creates
 * DIR/watching; once R wrote DIR/root-exit and exited, it checks undo's
 * values against DIR/root-exit ("sysvsem outside: the root's adjustment
 * undone: undo 10 2", or a FAIL: line) and creates DIR/outside-done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testdir.h"

#define OWNER_UID	1234
#define OWNER_GID	5678
#define MAX_SEMS	3

enum { P_ROOT, P_A, P_B, P_K, NPROC };

static const char *const proc_name[NPROC] = { "root", "child A", "child B", "child K" };

enum { S_COUNTER, S_PRIVATE, S_UNDO, S_LOCK, NSETS };

static const char *const set_name[NSETS] = { "counter", "private", "undo", "lock" };
static const key_t set_key[NSETS] = { 0x53454d01, IPC_PRIVATE, 0x53454d03, 0x53454d04 };
static const int set_nsems[NSETS] = { 3, 1, 2, 1 };
static const int set_mode[NSETS] = { 0660, 0600, 0600, 0600 };

/* What each set holds once set up */
static const unsigned short want_vals[NSETS][MAX_SEMS] = {
	[S_COUNTER] = { 6, 2, 32760 },
	[S_PRIVATE] = { 42 },
	[S_UNDO] = { 13, 1 },
	[S_LOCK] = { 0 },
};

/* undo's values once A's adjustment is undone, and once R's is too */
#define UNDO_AFTER_A0	10
#define UNDO_AFTER_R1	2

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

struct slot {
	unsigned long ready;	/* 1 set up, 2 failed */
	unsigned long go;	/* R to the child: exit now */
	unsigned long acquired;	/* K: its semop() went through */
};

static struct slot *slots;
static int id[NSETS];
static pid_t child_pid[NPROC];
static pid_t private_pid;	/* C, which changed private last and is gone */
static const char *me_name = "root";
static unsigned long steps;
static int bad;

/* R's snapshot once every process is set up */
static struct semid_ds snap[NSETS];
static unsigned short snap_vals[NSETS][MAX_SEMS];
static int snap_pid[NSETS][MAX_SEMS], snap_ncnt[NSETS][MAX_SEMS], snap_zcnt[NSETS][MAX_SEMS];
static struct seminfo snap_info;

static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	static char line[4096];
	int n;

	n = snprintf(line, sizeof(line), "%ssysvsem %s: ", prefix, me_name);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, n) != n)
		bad = 1;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

/* Say what is wrong (a FAIL: line); -1. */
static int complain(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("FAIL: ", fmt, ap);
	va_end(ap);
	bad = 1;
	return -1;
}

/* Setup went wrong: "setup failed: ..."; -1. */
static int setup_failed(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return complain("setup failed: %s", buf);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static unsigned long load(const unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(unsigned long *p, unsigned long v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

/* semop() of @op on semaphore @num of set @s, with @flg: 0 or -1 (errno kept) */
static int sem_op(int s, int num, int op, int flg)
{
	struct sembuf b = { .sem_num = num, .sem_op = op, .sem_flg = flg };
	int r;

	while ((r = semop(id[s], &b, 1)) < 0 && errno == EINTR)
		;
	return r;
}

/* GETPID, GETNCNT, GETZCNT or GETVAL of semaphore @num of set @s */
static int sem_get(int s, int num, int cmd)
{
	return semctl(id[s], num, cmd);
}

static int get_all(int s, unsigned short *vals)
{
	union semun arg = { .array = vals };

	return semctl(id[s], 0, GETALL, arg);
}

static int stat_set(int s, struct semid_ds *ds)
{
	union semun arg = { .buf = ds };

	return semctl(id[s], 0, IPC_STAT, arg);
}

static int sem_info(struct seminfo *info)
{
	union semun arg = { .__buf = info };

	return semctl(0, 0, SEM_INFO, arg);
}

/* "6 2 32760" */
static const char *vals_text(const unsigned short *vals, int n)
{
	static char buf[4][64];
	static int k;
	char *b = buf[k++ % 4];
	int i, len = 0;

	b[0] = 0;
	for (i = 0; i < n; i++)
		len += snprintf(b + len, 64 - len, "%s%u", i ? " " : "", vals[i]);
	return b;
}

/* Wait (@ms at most) until semaphore @num of @s has @cmd (GETNCNT, GETVAL) @want: 0 or -1 */
static int wait_for_value(int s, int num, int cmd, int want, long ms)
{
	long i;

	for (i = 0; i < ms / 10; i++) {
		if (sem_get(s, num, cmd) == want)
			return 0;
		sleep_ms(10);
	}
	return sem_get(s, num, cmd) == want ? 0 : -1;
}

/* The children's common start: killed with R */
static void child_start(int who)
{
	me_name = proc_name[who];
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* A child: wait until R says go, then exit 0 */
static int child_wait_go(int who)
{
	while (!load(&slots[who].go))
		sleep_ms(20);
	return 0;
}

static int child_main(int who)
{
	int ok = 0;

	child_start(who);
	if (who == P_A)
		ok = !sem_op(S_COUNTER, 1, 2, 0) && !sem_op(S_UNDO, 0, 3, SEM_UNDO);
	else if (who == P_B)
		ok = !sem_op(S_COUNTER, 2, -7, 0);
	else if (who == P_K) {
		/* ready before it blocks: R waits until it waits */
		store(&slots[who].ready, 1);
		if (sem_op(S_LOCK, 0, -1, SEM_UNDO)) {
			complain("semop(lock, -1): %s", strerror(errno));
			return 1;
		}
		store(&slots[who].acquired, 1);
		return child_wait_go(who);
	}
	if (!ok)
		setup_failed("semop: %s", strerror(errno));
	store(&slots[who].ready, ok ? 1 : 2);
	if (!ok)
		return 1;
	return child_wait_go(who);
}

static pid_t fork_child(int who)
{
	pid_t c = fork();

	if (c == 0)
		exit(child_main(who));
	if (c < 0)
		setup_failed("fork: %s", strerror(errno));
	return c;
}

/* Wait (10 s at most) until @who's slot says ready; 0 or -1 */
static int child_ready(int who)
{
	unsigned long v = 0;
	int i;

	for (i = 0; i < 1000 && !(v = load(&slots[who].ready)); i++)
		sleep_ms(10);
	if (v == 1)
		return 0;
	return setup_failed("%s %s", proc_name[who], v ? "could not set up" : "is not set up after 10 s");
}

/* Reap @who (10 s at most), which must exit 0: 0 or -1 */
static int reap(int who)
{
	int status, i;
	pid_t r;

	for (i = 0; i < 1000; i++) {
		r = waitpid(child_pid[who], &status, WNOHANG);
		if (r == child_pid[who])
			break;
		if (r < 0)
			return complain("waitpid %s: %s", proc_name[who], strerror(errno));
		sleep_ms(10);
	}
	if (i == 1000)
		return complain("%s did not exit within 10 s", proc_name[who]);
	child_pid[who] = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return complain("%s ended with status %#x", proc_name[who], status);
	return 0;
}

static int make_set(int s)
{
	id[s] = semget(set_key[s], set_nsems[s], IPC_CREAT | IPC_EXCL | set_mode[s]);
	if (id[s] < 0)
		return setup_failed("semget(%s): %s", set_name[s], strerror(errno));
	return 0;
}

/* private: +42 by a child C that exits, then IPC_SET by R */
static int make_private(void)
{
	struct semid_ds ds;
	int status;

	if (make_set(S_PRIVATE))
		return -1;
	private_pid = fork();
	if (private_pid < 0)
		return setup_failed("fork: %s", strerror(errno));
	if (!private_pid)
		_exit(sem_op(S_PRIVATE, 0, 42, 0) ? 1 : 0);
	if (waitpid(private_pid, &status, 0) != private_pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return setup_failed("the child changing private failed (status %#x)", status);
	if (stat_set(S_PRIVATE, &ds))
		return setup_failed("IPC_STAT private: %s", strerror(errno));
	ds.sem_perm.uid = OWNER_UID;
	ds.sem_perm.gid = OWNER_GID;
	ds.sem_perm.mode = 0604;
	{
		union semun arg = { .buf = &ds };

		if (semctl(id[S_PRIVATE], 0, IPC_SET, arg))
			return setup_failed("IPC_SET private: %s", strerror(errno));
	}
	return 0;
}

/* R's sets, and the children that change them */
static int setup(void)
{
	static unsigned short counter_init[] = { 5, 0, 32767 }, undo_init[] = { 10, 0 };
	union semun arg;

	if (unshare(CLONE_NEWIPC))
		return setup_failed("unshare(CLONE_NEWIPC): %s", strerror(errno));
	if (make_set(S_COUNTER) || make_private() || make_set(S_UNDO) || make_set(S_LOCK))
		return -1;
	arg.array = counter_init;
	if (semctl(id[S_COUNTER], 0, SETALL, arg))
		return setup_failed("SETALL counter: %s", strerror(errno));
	arg.array = undo_init;
	if (semctl(id[S_UNDO], 0, SETALL, arg))
		return setup_failed("SETALL undo: %s", strerror(errno));
	child_pid[P_A] = fork_child(P_A);
	if (child_pid[P_A] < 0 || child_ready(P_A))
		return -1;
	child_pid[P_B] = fork_child(P_B);
	if (child_pid[P_B] < 0 || child_ready(P_B))
		return -1;
	if (sem_op(S_COUNTER, 0, 1, 0) || sem_op(S_UNDO, 1, 2, 0) ||
	    sem_op(S_UNDO, 1, -1, SEM_UNDO))
		return setup_failed("semop: %s", strerror(errno));
	child_pid[P_K] = fork_child(P_K);
	if (child_pid[P_K] < 0 || child_ready(P_K))
		return -1;
	if (wait_for_value(S_LOCK, 0, GETNCNT, 1, 10000))
		return setup_failed("child K does not wait for the lock (semncnt %d)",
				    sem_get(S_LOCK, 0, GETNCNT));
	return 0;
}

/* The last pid of each semaphore as set up */
static pid_t want_pid(int s, int num)
{
	static const int counter_who[] = { P_ROOT, P_A, P_B };

	switch (s) {
	case S_COUNTER:
		return counter_who[num] == P_ROOT ? getpid() : child_pid[counter_who[num]];
	case S_PRIVATE:
		return private_pid;
	case S_UNDO:
		return num == 0 ? child_pid[P_A] : getpid();
	default:
		return 0;
	}
}

static int snapshot(void)
{
	int s, i;

	for (s = 0; s < NSETS; s++) {
		struct semid_ds *ds = &snap[s];
		unsigned int mode = s == S_PRIVATE ? 0604 : set_mode[s];

		if (stat_set(s, ds) || get_all(s, snap_vals[s]))
			return setup_failed("IPC_STAT/GETALL %s: %s", set_name[s], strerror(errno));
		if (ds->sem_perm.__key != set_key[s] || (ds->sem_perm.mode & 0777) != mode ||
		    (int)ds->sem_nsems != set_nsems[s])
			return setup_failed("%s: key %#x, mode %#o, %lu semaphores; expected %#x, %#o, %d",
					    set_name[s], (unsigned int)ds->sem_perm.__key,
					    (unsigned int)ds->sem_perm.mode,
					    (unsigned long)ds->sem_nsems, (unsigned int)set_key[s], mode,
					    set_nsems[s]);
		if (s == S_PRIVATE && (ds->sem_perm.uid != OWNER_UID || ds->sem_perm.gid != OWNER_GID ||
				       ds->sem_perm.cuid != 0 || ds->sem_perm.cgid != 0))
			return setup_failed("private: owner %u:%u, creator %u:%u", ds->sem_perm.uid,
					    ds->sem_perm.gid, ds->sem_perm.cuid, ds->sem_perm.cgid);
		if (!ds->sem_ctime || (s == S_LOCK) != !ds->sem_otime)
			return setup_failed("%s: otime %ld, ctime %ld", set_name[s],
					    (long)ds->sem_otime, (long)ds->sem_ctime);
		if (memcmp(snap_vals[s], want_vals[s], set_nsems[s] * sizeof(unsigned short)))
			return setup_failed("%s: values %s, not %s", set_name[s],
					    vals_text(snap_vals[s], set_nsems[s]),
					    vals_text(want_vals[s], set_nsems[s]));
		for (i = 0; i < set_nsems[s]; i++) {
			snap_pid[s][i] = sem_get(s, i, GETPID);
			snap_ncnt[s][i] = sem_get(s, i, GETNCNT);
			snap_zcnt[s][i] = sem_get(s, i, GETZCNT);
			if (snap_pid[s][i] != want_pid(s, i))
				return setup_failed("%s: semaphore %d last changed by %d, not %d",
						    set_name[s], i, snap_pid[s][i],
						    (int)want_pid(s, i));
			if (snap_ncnt[s][i] != (s == S_LOCK) || snap_zcnt[s][i])
				return setup_failed("%s: semaphore %d: semncnt %d, semzcnt %d",
						    set_name[s], i, snap_ncnt[s][i],
						    snap_zcnt[s][i]);
		}
	}
	if (sem_info(&snap_info) < 0)
		return setup_failed("SEM_INFO: %s", strerror(errno));
	if (snap_info.semusz != NSETS || snap_info.semaem != 7)
		return setup_failed("SEM_INFO: %d sets, %d semaphores; not %d, 7", snap_info.semusz,
				    snap_info.semaem, NSETS);
	return 0;
}

/* Take a step every 20 ms until DIR/stop; written to @progress_fd. */
static void run(int progress_fd)
{
	char line[32];
	int n;

	while (!exists("stop")) {
		steps++;
		n = snprintf(line, sizeof(line), "%lu\n", steps);
		if (pwrite(progress_fd, line, n, 0) != n)
			bad = 1;
		sleep_ms(20);
	}
}

/* The inode of /proc/@who/ns/ipc, or 0 */
static unsigned long ipc_ns_ino(const char *who)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/ipc", who);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* Every set as in the snapshot (private's last pid gone) */
static void check_sets(void)
{
	struct semid_ds ds;
	struct seminfo info;
	unsigned short vals[MAX_SEMS];
	int s, i, v, want;

	for (s = 0; s < NSETS; s++) {
		const struct semid_ds *w = &snap[s];
		const char *n = set_name[s];

		if (set_key[s] != IPC_PRIVATE && (v = semget(set_key[s], 0, 0)) != id[s])
			complain("%s: semget(%#x) gives %d (%s), not its id %d", n,
				 (unsigned int)set_key[s], v, v < 0 ? strerror(errno) : "", id[s]);
		if (stat_set(s, &ds)) {
			complain("%s: IPC_STAT: %s", n, strerror(errno));
			continue;
		}
		if (ds.sem_perm.__key != w->sem_perm.__key)
			complain("%s: key %#x, not %#x", n, (unsigned int)ds.sem_perm.__key,
				 (unsigned int)w->sem_perm.__key);
		if (ds.sem_perm.mode != w->sem_perm.mode)
			complain("%s: mode %#o, not %#o", n, (unsigned int)ds.sem_perm.mode,
				 (unsigned int)w->sem_perm.mode);
		if (ds.sem_perm.uid != w->sem_perm.uid || ds.sem_perm.gid != w->sem_perm.gid ||
		    ds.sem_perm.cuid != w->sem_perm.cuid || ds.sem_perm.cgid != w->sem_perm.cgid)
			complain("%s: owner %u:%u, creator %u:%u; not %u:%u, %u:%u", n,
				 ds.sem_perm.uid, ds.sem_perm.gid, ds.sem_perm.cuid, ds.sem_perm.cgid,
				 w->sem_perm.uid, w->sem_perm.gid, w->sem_perm.cuid, w->sem_perm.cgid);
		if (ds.sem_nsems != w->sem_nsems)
			complain("%s: %lu semaphores, not %lu", n, (unsigned long)ds.sem_nsems,
				 (unsigned long)w->sem_nsems);
		if (ds.sem_otime != w->sem_otime || ds.sem_ctime != w->sem_ctime)
			complain("%s: otime %ld, ctime %ld; not %ld, %ld", n, (long)ds.sem_otime,
				 (long)ds.sem_ctime, (long)w->sem_otime, (long)w->sem_ctime);
		if (get_all(s, vals))
			complain("%s: GETALL: %s", n, strerror(errno));
		else if (memcmp(vals, snap_vals[s], set_nsems[s] * sizeof(unsigned short)))
			complain("%s: values %s, not %s", n, vals_text(vals, set_nsems[s]),
				 vals_text(snap_vals[s], set_nsems[s]));
		for (i = 0; i < set_nsems[s]; i++) {
			/* C, gone, was not a task of the checkpointed tree */
			want = s == S_PRIVATE ? 0 : snap_pid[s][i];
			if ((v = sem_get(s, i, GETPID)) != want)
				complain("%s: semaphore %d last changed by %d, not %d", n, i, v,
					 want);
			if ((v = sem_get(s, i, GETNCNT)) != snap_ncnt[s][i])
				complain("%s: semaphore %d: semncnt %d, not %d", n, i, v,
					 snap_ncnt[s][i]);
			if ((v = sem_get(s, i, GETZCNT)) != snap_zcnt[s][i])
				complain("%s: semaphore %d: semzcnt %d, not %d", n, i, v,
					 snap_zcnt[s][i]);
		}
	}
	if (sem_info(&info) < 0)
		complain("SEM_INFO: %s", strerror(errno));
	else if (info.semusz != snap_info.semusz || info.semaem != snap_info.semaem)
		complain("SEM_INFO: %d sets, %d semaphores; not %d, %d", info.semusz, info.semaem,
			 snap_info.semusz, snap_info.semaem);
}

/* A's exit undoes its +3 on undo's semaphore 0 */
static void check_a_undone(void)
{
	int v;

	store(&slots[P_A].go, 1);
	if (reap(P_A))
		return;
	if ((v = sem_get(S_UNDO, 0, GETVAL)) != UNDO_AFTER_A0)
		complain("undo: semaphore 0 is %d once child A exited, not %d (its +3 not undone)",
			 v, UNDO_AFTER_A0);
	if ((v = sem_get(S_UNDO, 1, GETVAL)) != want_vals[S_UNDO][1])
		complain("undo: semaphore 1 is %d once child A exited, not %d", v,
			 want_vals[S_UNDO][1]);
	say("child A exited: its adjustment undone");
}

/* R releases the lock: K's semop() goes through; K's exit gives it back */
static void check_lock(void)
{
	int v, i;

	if (sem_op(S_LOCK, 0, 1, 0)) {
		complain("lock: semop(+1): %s", strerror(errno));
		return;
	}
	for (i = 0; i < 1000 && !load(&slots[P_K].acquired); i++)
		sleep_ms(10);
	if (!load(&slots[P_K].acquired)) {
		complain("lock: child K did not get the lock within 10 s of its release (value %d, semncnt %d)",
			 sem_get(S_LOCK, 0, GETVAL), sem_get(S_LOCK, 0, GETNCNT));
		return;
	}
	if ((v = sem_get(S_LOCK, 0, GETVAL)) != 0)
		complain("lock: %d once child K took it, not 0", v);
	if ((v = sem_get(S_LOCK, 0, GETPID)) != child_pid[P_K])
		complain("lock: last changed by %d once child K took it, not %d", v,
			 (int)child_pid[P_K]);
	store(&slots[P_K].go, 1);
	if (reap(P_K))
		return;
	if ((v = sem_get(S_LOCK, 0, GETVAL)) != 1)
		complain("lock: %d once child K exited, not 1 (its adjustment not undone)", v);
	say("child K took the lock and exited: its adjustment undone");
}

/* A new set's id is none of the others' */
static void check_new_set(void)
{
	int fresh = semget(IPC_PRIVATE, 1, 0600), s;

	if (fresh < 0) {
		complain("a new set: semget: %s", strerror(errno));
		return;
	}
	for (s = 0; s < NSETS; s++)
		if (fresh == id[s])
			complain("a new set has the id %d of %s", fresh, set_name[s]);
	semctl(fresh, 0, IPC_RMID);
}

static void check_restored(void)
{
	unsigned long mine = ipc_ns_ino("self"), init = ipc_ns_ino("1");

	if (!mine || mine == init)
		complain("its IPC namespace is init's (%lu, %lu)", mine, init);
	if (wait_for_value(S_LOCK, 0, GETNCNT, 1, 10000))
		complain("lock: child K does not wait for it again (semncnt %d)",
			 sem_get(S_LOCK, 0, GETNCNT));
	if (load(&slots[P_K].acquired))
		complain("lock: child K got it while R holds it");
	check_sets();
	check_a_undone();
	check_lock();
	store(&slots[P_B].go, 1);
	reap(P_B);
	check_new_set();
}

/* DIR/@name holds @text */
static void write_file(const char *name, const char *text)
{
	char path[512];
	int f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f < 0 || write(f, text, strlen(text)) != (ssize_t)strlen(text))
		complain("cannot write %s: %s", path, strerror(errno));
	if (f >= 0)
		close(f);
}

/* Is @pid gone, or a zombie (its exit's undo done)? */
static int pid_ended(pid_t pid)
{
	char path[64], buf[512], *p;
	int f;
	ssize_t n;

	if (kill(pid, 0) && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = open(path, O_RDONLY);
	if (f < 0)
		return 1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return 1;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* --outside DIR PID: undo's values once R exited, from its namespace */
static int outside_main(pid_t pid)
{
	char path[512], want[64] = "", text[64];
	unsigned short vals[2];
	int f, i;
	ssize_t n;

	me_name = "outside";
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pid);
	f = open(path, O_RDONLY);
	if (f < 0 || setns(f, CLONE_NEWIPC)) {
		complain("cannot join the IPC namespace of %d: %s", (int)pid, strerror(errno));
		create("outside-done");
		return 1;
	}
	close(f);
	create("watching");
	for (i = 0; i < 6000 && !(exists("root-exit") && pid_ended(pid)); i++)
		sleep_ms(10);
	if (i == 6000) {
		complain("the root did not end within 60 s (or did not write root-exit)");
		create("outside-done");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/root-exit", dir);
	f = open(path, O_RDONLY);
	n = f < 0 ? -1 : read(f, want, sizeof(want) - 1);
	if (f >= 0)
		close(f);
	want[n > 0 ? n : 0] = 0;
	id[S_UNDO] = semget(set_key[S_UNDO], 0, 0);
	if (id[S_UNDO] < 0 || get_all(S_UNDO, vals))
		complain("undo: semget/GETALL once the root exited: %s", strerror(errno));
	else if (snprintf(text, sizeof(text), "%s", vals_text(vals, 2)), strcmp(text, want))
		complain("undo: %s once the root exited, not %s (its adjustment +1 on semaphore 1 not undone)",
			 text, want);
	else
		say("the root's adjustment undone: undo %s", text);
	create("outside-done");
	return bad;
}

int main(int argc, char **argv)
{
	char path[512], text[64];
	int pfd, k;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 4 && !strcmp(argv[1], "--outside")) {
		snprintf(dir, sizeof(dir), "%s", argv[2]);
		return outside_main(atoi(argv[3]));
	}
	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	snprintf(path, sizeof(path), "%s/progress", dir);
	pfd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (pfd < 0)
		return 2;
	slots = mmap(NULL, NPROC * sizeof(*slots), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED)
		return 2;
	for (k = 0; k < NSETS; k++)
		id[k] = -1;
	if (setup() || snapshot())
		goto failed;
	say("set up: ids counter %d, private %d, undo %d, lock %d; pids A %d, B %d, K %d, C %d (gone)",
	    id[S_COUNTER], id[S_PRIVATE], id[S_UNDO], id[S_LOCK], (int)child_pid[P_A],
	    (int)child_pid[P_B], (int)child_pid[P_K], (int)private_pid);
	create("ready");

	run(pfd);
	check_restored();
	snprintf(text, sizeof(text), "%d %d", UNDO_AFTER_A0, UNDO_AFTER_R1);
	write_file("root-exit", text);
	say("%lu steps; semaphores %s", steps, bad ? "DAMAGED" : "intact");
	return bad;

failed:
	for (k = 0; k < NPROC; k++)
		if (child_pid[k] > 0)
			kill(child_pid[k], SIGKILL);
	for (k = 0; k < NSETS; k++)
		if (id[k] >= 0)
			semctl(id[k], 0, IPC_RMID);
	create("ready");
	return 1;
}
