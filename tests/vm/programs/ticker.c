// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ticker [COUNT [LABEL]]: prints a numbered line (after LABEL) with a
 * running square-root sum every 300 ms, COUNT times (default 30), then
 * exits 0.  The demo checkpoints it halfway and restarts it: the
 * numbering and the sum go on where they stopped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 30;
	const char *label = argc > 2 ? argv[2] : "";
	double sum = 0;

	for (int i = 1; i <= count; i++) {
		struct timespec ts = { 0, 300 * 1000 * 1000 };

		sum += sqrt(i);
		printf("%stick %2d  pid %d  sum of square roots %.6f\n", label,
		       i, getpid(), sum);
		fflush(stdout);
		nanosleep(&ts, NULL);
	}
	return 0;
}
