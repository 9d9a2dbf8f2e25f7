// SPDX-License-Identifier: GPL-2.0-or-later
/* now: prints CLOCK_MONOTONIC in nanoseconds (busybox date has no %N). */
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	printf("%lld\n", t.tv_sec * 1000000000LL + t.tv_nsec);
	return 0;
}
