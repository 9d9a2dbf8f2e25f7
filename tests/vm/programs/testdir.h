/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the VM test programs share: the directory a scenario gave them
 * (DIR), files in it that say where a program is (DIR/ready, DIR/stop,
 * ...), and DIR/progress, a counter the scenario reads to see that a
 * program runs.  Include once, from the program's only source file.
 */
#ifndef TESTDIR_H
#define TESTDIR_H

#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static char dir[256];

/* DIR/@name exists */
static inline int exists(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Create DIR/@name, empty */
static inline void create(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	close(open(path, O_WRONLY | O_CREAT, 0644));
}

/* DIR/progress, replaced whole: a reader never sees it empty */
static inline void progress(long n)
{
	char path[512], tmp[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/progress", dir);
	snprintf(tmp, sizeof(tmp), "%s/progress.tmp", dir);
	f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "%ld\n", n);
		fclose(f);
		rename(tmp, path);
	}
}

/* 50 ms */
static inline void nap(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Wait until DIR/@name exists */
static inline void wait_for(const char *name)
{
	while (!exists(name))
		nap();
}

#endif /* TESTDIR_H */
