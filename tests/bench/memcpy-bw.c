// SPDX-License-Identifier: GPL-2.0-or-later
/* memcpy-bw MIB: memcpy() bandwidth over a MIB MiB buffer, in MB/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t size = (size_t)(argc > 1 ? atoi(argv[1]) : 64) << 20;
	char *a = malloc(size), *b = malloc(size);
	double t0, t;
	int rounds = 4;

	if (!a || !b)
		return 2;
	memset(a, 1, size);
	memset(b, 2, size);
	t0 = secs();
	for (int i = 0; i < rounds; i++) {
		memcpy(i & 1 ? a : b, i & 1 ? b : a, size);
		asm volatile("" : : "r"(a), "r"(b) : "memory");
	}
	t = secs() - t0;
	printf("%.0f\n", rounds * (size / 1e6) / t);
	return 0;
}
