// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ttyreader DIR: reads lines from its terminal (standard input), so that
 * a checkpoint freezes it inside read() on a tty.  Refuses to start (exit
 * 2) when standard input is not a terminal.  Writes its pid to DIR/pid,
 * creates DIR/ready, then prints "got: LINE" for every line that one
 * read() returns.  Any failed read() (EINTR included) prints "read
 * failed: ERROR" and exits 1, as does a read() that returns 0 (end of
 * file); the line "quit" ends it with exit 0 and "N reads, none
 * interrupted", N counting every read() that returned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	char buf[256], pid[32];
	long reads = 0;
	ssize_t n;

	if (argc != 2)
		return 2;
	if (!isatty(STDIN_FILENO)) {
		printf("ttyreader: standard input is not a terminal\n");
		return 2;
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	write_file(argv[1], "pid", pid);
	write_file(argv[1], "ready", "");
	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf) - 1);
		if (n < 0) {
			printf("ttyreader: read failed: %s\n", strerror(errno));
			return 1;
		}
		reads++;
		if (n == 0) {
			printf("ttyreader: read returned 0 (end of file)\n");
			return 1;
		}
		buf[n] = 0;
		buf[strcspn(buf, "\n")] = 0;
		if (!strcmp(buf, "quit"))
			break;
		printf("got: %s\n", buf);
		fflush(stdout);
	}
	printf("ttyreader: %ld reads, none interrupted\n", reads);
	return 0;
}
