// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * refuse KIND DIR: a process holding something checkpoint does not
 * support yet (KIND: fifo, thread (with its own fd table), clonefiles,
 * shared), creating DIR/ready
 * and counting in DIR/progress until DIR/stop appears; exits 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void *idle(void *arg)
{
	if (arg)
		unshare(CLONE_FILES);	/* a thread with its own fd table */
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	char path[512], line[32];
	int fd, n;
	struct stat st;
	pthread_t th;
	long i;

	if (argc != 3)
		return 2;
	if (!strcmp(argv[1], "fifo")) {
		snprintf(path, sizeof(path), "%s/fifo", argv[2]);
		if (mkfifo(path, 0600) || open(path, O_RDWR) < 0)
			return 2;
	} else if (!strcmp(argv[1], "thread")) {
		if (pthread_create(&th, NULL, idle, argv[1]))
			return 2;
	} else if (!strcmp(argv[1], "clonefiles")) {
		/* a child sharing the fd table */
		if (syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, NULL, NULL, 0) == 0)
			idle(NULL);
	} else if (!strcmp(argv[1], "shared")) {
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 2;
		p[0] = 1;
	} else {
		return 2;
	}
	snprintf(path, sizeof(path), "%s/progress", argv[2]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	snprintf(path, sizeof(path), "%s/ready", argv[2]);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	snprintf(path, sizeof(path), "%s/stop", argv[2]);
	for (i = 1; stat(path, &st); i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		n = snprintf(line, sizeof(line), "%ld\n", i);
		pwrite(fd, line, n, 0);
		nanosleep(&ts, NULL);
	}
	return 0;
}
