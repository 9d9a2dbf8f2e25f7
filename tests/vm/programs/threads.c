// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * threads DIR: a process with 22 threads that checks itself across a
 * checkpoint and restart.
 *
 *   16 workers add to one atomic counter and to their own, and keep a
 *      pattern on their stack;
 *   1 thread waits in pthread_cond_timedwait() (60 s), 1 in a futex wait
 *      without timeout, 1 in a futex wait with a 60 s timeout;
 *   1 thread holds a robust mutex and exits without unlocking it;
 *   1 thread holds a priority-inheritance mutex, 1 waits for it in
 *      pthread_mutex_lock() (FUTEX_LOCK_PI).
 *
 * DIR/ready appears when all are in place; DIR/stop ends it: the waits
 * are woken, the threads joined, and the process checks that the
 * counters add up, that every wait returned as woken (no EINTR, no
 * timeout), that every thread kept its id and pattern, that the robust
 * mutex comes back with EOWNERDEAD, and that the PI mutex waiter gets it
 * once its holder unlocks it, after the holder.  It says "threads intact" or
 * what is wrong, and exits 0 or 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* musl has no linux/ headers */
#define FUTEX_WAIT_PRIVATE	128	/* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#define FUTEX_WAKE_PRIVATE	129	/* FUTEX_WAKE | FUTEX_PRIVATE_FLAG */

#define WORKERS 16

static const char *dir;
static atomic_long total;
static atomic_int stop, in_place;
static long counts[WORKERS];
static int bad;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;
static int cond_ret = -1, futex_ret = -1, futex_timed_ret = -1;
static int futex_word, futex_timed_word;
static pthread_mutex_t robust;
static pthread_mutex_t pi;
static atomic_int pi_held, pi_released, pi_ret = -1, pi_order = -1;

static void fail(const char *what)
{
	printf("threads: %s\n", what);
	bad = 1;
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void *worker(void *arg)
{
	long i = (long)arg;
	pid_t tid = gettid_();
	unsigned int pattern[256];
	int k;

	for (k = 0; k < 256; k++)
		pattern[k] = (unsigned int)(tid * 2654435761u + k);
	atomic_fetch_add(&in_place, 1);
	while (!atomic_load(&stop)) {
		struct timespec ts = { 0, 2 * 1000 * 1000 };

		for (k = 0; k < 100; k++) {
			atomic_fetch_add(&total, 1);
			counts[i]++;
		}
		nanosleep(&ts, NULL);
	}
	for (k = 0; k < 256; k++)
		if (pattern[k] != (unsigned int)(tid * 2654435761u + k))
			fail("a worker's stack changed");
	if (gettid_() != tid)
		fail("a worker's thread id changed");
	return NULL;
}

static void *cond_waiter(void *arg)
{
	struct timespec until;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	pthread_mutex_lock(&mu);
	atomic_fetch_add(&in_place, 1);
	while (!go) {
		cond_ret = pthread_cond_timedwait(&cv, &mu, &until);
		if (cond_ret)
			break;
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *futex_waiter(void *arg)
{
	struct timespec timeout = { 60, 0 };
	int *word = arg;
	long r;

	atomic_fetch_add(&in_place, 1);
	do
		r = syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0,
			    word == &futex_timed_word ? &timeout : NULL, NULL, 0);
	while (r == 0 && !*(volatile int *)word);	/* woken for nothing */
	*(word == &futex_timed_word ? &futex_timed_ret : &futex_ret) =
		r ? errno : 0;
	return NULL;
}

static void *robust_holder(void *arg)
{
	(void)arg;
	if (pthread_mutex_lock(&robust))
		fail("cannot lock the robust mutex");
	atomic_fetch_add(&in_place, 1);
	while (!atomic_load(&stop)) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	return NULL;	/* still holding it */
}

static void *pi_holder(void *arg)
{
	(void)arg;
	if (pthread_mutex_lock(&pi))
		fail("cannot lock the PI mutex");
	atomic_store(&pi_held, 1);
	atomic_fetch_add(&in_place, 1);
	while (!atomic_load(&stop)) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	atomic_store(&pi_released, 1);
	if (pthread_mutex_unlock(&pi))
		fail("cannot unlock the PI mutex");
	return NULL;
}

/* Blocks in FUTEX_LOCK_PI until the holder lets go. */
static void *pi_waiter(void *arg)
{
	(void)arg;
	while (!atomic_load(&pi_held)) {
		struct timespec ts = { 0, 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	atomic_fetch_add(&in_place, 1);
	atomic_store(&pi_ret, pthread_mutex_lock(&pi));
	atomic_store(&pi_order, atomic_load(&pi_released));
	pthread_mutex_unlock(&pi);
	return NULL;
}

static void wake_futex(int *word)
{
	*(volatile int *)word = 1;
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

int main(int argc, char **argv)
{
	pthread_t th[WORKERS + 6];
	pthread_mutexattr_t attr;
	char path[512];
	struct stat st;
	long sum = 0, i;
	int n = 0, r;

	if (argc != 2)
		return 2;
	dir = argv[1];
	setvbuf(stdout, NULL, _IONBF, 0);
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &attr);
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&pi, &attr);

	for (i = 0; i < WORKERS; i++)
		pthread_create(&th[n++], NULL, worker, (void *)i);
	pthread_create(&th[n++], NULL, cond_waiter, NULL);
	pthread_create(&th[n++], NULL, futex_waiter, &futex_word);
	pthread_create(&th[n++], NULL, futex_waiter, &futex_timed_word);
	pthread_create(&th[n++], NULL, robust_holder, NULL);
	pthread_create(&th[n++], NULL, pi_holder, NULL);
	pthread_create(&th[n++], NULL, pi_waiter, NULL);
	while (atomic_load(&in_place) < n) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	usleep(100000);	/* let the waiters block */
	snprintf(path, sizeof(path), "%s/ready", dir);
	close(open(path, O_WRONLY | O_CREAT, 0644));

	snprintf(path, sizeof(path), "%s/stop", dir);
	while (stat(path, &st)) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	atomic_store(&stop, 1);
	pthread_mutex_lock(&mu);
	go = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	wake_futex(&futex_word);
	wake_futex(&futex_timed_word);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);

	for (i = 0; i < WORKERS; i++)
		sum += counts[i];
	if (sum != atomic_load(&total))
		fail("the counters do not add up");
	if (cond_ret)
		fail(cond_ret == ETIMEDOUT ? "pthread_cond_timedwait() timed out" :
					     "pthread_cond_timedwait() failed");
	if (futex_ret || futex_timed_ret) {
		printf("threads: futex waits returned errno %d and %d\n",
		       futex_ret, futex_timed_ret);
		bad = 1;
	}
	if (pi_ret || pi_order != 1) {
		printf("threads: the PI mutex waiter got %d, %s its holder let go\n",
		       pi_ret, pi_order == 1 ? "after" : "before");
		bad = 1;
	}
	r = pthread_mutex_lock(&robust);
	if (r != EOWNERDEAD) {
		printf("threads: locking the robust mutex gave %d, not EOWNERDEAD\n", r);
		bad = 1;
	}
	printf("%s: %d threads, %ld additions\n",
	       bad ? "threads damaged" : "threads intact", n, sum);
	return bad;
}
