// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inotify [--no-wait | --deleted] DIR: inotify instances across a
 * checkpoint.
 *
 * Under DIR/w: "file" (held open O_RDWR since before any watch, so that
 * a restart reopening it before the watches are back would queue an
 * IN_OPEN), "once", "removed" and "later".  Instance A (IN_CLOEXEC)
 * watches
 *   wd 1  DIR/w       IN_CREATE|IN_DELETE|IN_MOVED_FROM|IN_MOVED_TO|
 *                     IN_CLOSE_WRITE|IN_OPEN (0x3e8)
 *   wd 2  DIR/w/file  IN_MODIFY|IN_ATTRIB (0x6)
 *   wd 3  DIR/w/once  IN_ATTRIB|IN_ONESHOT (0x80000004)
 *   wd 4  DIR/w/removed, removed at once (inotify_rm_watch): a gap
 * and holds, unread, in this order:
 *   wd 4 IN_IGNORED (the removal, kept on purpose)
 *   wd 1 IN_CREATE "a", IN_OPEN "a", IN_CLOSE_WRITE "a" (created)
 *   wd 1 IN_MOVED_FROM "a", IN_MOVED_TO "b", one non-zero cookie
 *        (renamed; a short-lived second instance reads the cookie)
 *   wd 2 IN_MODIFY (a byte written through the held fd)
 * An epoll instance watches A for EPOLLIN.  Instance B (IN_NONBLOCK,
 * wd 1 on DIR/wb, IN_CREATE) holds IN_CREATE "b1" and "b2" and is shared
 * with a child; instance C (wd 1 on DIR/wc, IN_CREATE, empty) too, and
 * the child blocks in read() on C.  The program creates DIR/ready and
 * counts in DIR/progress until DIR/stop appears.  Then it checks: the
 * fdinfo lines of A are the same, the file status and descriptor flags
 * of A, B and C are the same (B O_NONBLOCK, A FD_CLOEXEC), epoll says A
 * is readable, A's queue is exactly the events above and nothing else
 * (no IN_OPEN or IN_CLOSE from the restart), the oneshot watch fires
 * once (IN_ATTRIB then IN_IGNORED on wd 3, then nothing), a new watch
 * on DIR/w/later is wd 5 (the gap is not reused), new events come on
 * wd 1, 2 and 5; it reads one event of B ("b1") and creates DIR/wc/c-new:
 * the child's read() on C returns IN_CREATE "c-new" and the child finds
 * "b2" alone left in B.  Prints "inotify intact" and exits 0, or says
 * what differs and exits 1.
 *
 * --no-wait: the same without waiting for DIR/stop (no checkpoint in
 * between; to try the program itself).
 *
 * --deleted: an outsider (a grandchild re-parented away, which ends once
 * the program is gone; its pid in DIR/outsider) holds DIR/doomed open;
 * the program watches it (wd 1, IN_MODIFY|IN_DELETE_SELF) and unlinks
 * it: the watched inode has no path any more.  Creates DIR/ready and
 * counts in DIR/progress until DIR/stop appears, then checks the watch
 * is still there, prints "inotify deleted watch kept" and exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DIR_MASK (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
		  IN_CLOSE_WRITE | IN_OPEN)
#define FILE_MASK (IN_MODIFY | IN_ATTRIB)
#define ONCE_MASK (IN_ATTRIB | IN_ONESHOT)
#define MAX_EVENTS 16

struct ev {
	int wd;
	uint32_t mask, cookie;
	char name[64];
};

static char dir[256];
static const char *who = "inotify";
static int bad;

static void fail(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	bad = 1;
}

static void path_of(char *path, size_t size, const char *name)
{
	snprintf(path, size, "%s/%s", dir, name);
}

static int exists(const char *name)
{
	char path[512];

	path_of(path, sizeof(path), name);
	return access(path, F_OK) == 0;
}

/* Opens and closes DIR/NAME, creating it. */
static int create(const char *name)
{
	char path[512];
	int fd;

	path_of(path, sizeof(path), name);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return -1;
	return close(fd);
}

/* DIR/progress, replaced whole: a reader never sees it empty */
static void progress(long n)
{
	char path[512], tmp[512];
	FILE *f;

	path_of(path, sizeof(path), "progress");
	path_of(tmp, sizeof(tmp), "progress.tmp");
	f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "%ld\n", n);
		fclose(f);
		rename(tmp, path);
	}
}

static void wait_for_stop(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	long n = 0;

	while (!exists("stop")) {
		progress(++n);
		nanosleep(&ts, NULL);
	}
}

static int watch(int fd, const char *name, uint32_t mask)
{
	char path[512];

	path_of(path, sizeof(path), name);
	return inotify_add_watch(fd, path, mask);
}

static void add(struct ev *list, int *n, int wd, uint32_t mask, uint32_t cookie,
		const char *name)
{
	list[*n].wd = wd;
	list[*n].mask = mask;
	list[*n].cookie = cookie;
	snprintf(list[*n].name, sizeof(list[*n].name), "%s", name);
	(*n)++;
}

/* What read() gives for @n events: names padded as the kernel does. */
static int bytes_of(const struct ev *list, int n)
{
	int i, bytes = 0;
	int sz = sizeof(struct inotify_event);

	for (i = 0; i < n; i++) {
		bytes += sz;
		if (list[i].name[0])
			bytes += (strlen(list[i].name) + 1 + sz - 1) / sz * sz;
	}
	return bytes;
}

static const char *describe(const struct ev *e)
{
	static const struct { uint32_t bit; const char *name; } bits[] = {
		{ IN_ACCESS, "IN_ACCESS" }, { IN_MODIFY, "IN_MODIFY" },
		{ IN_ATTRIB, "IN_ATTRIB" }, { IN_CLOSE_WRITE, "IN_CLOSE_WRITE" },
		{ IN_CLOSE_NOWRITE, "IN_CLOSE_NOWRITE" }, { IN_OPEN, "IN_OPEN" },
		{ IN_MOVED_FROM, "IN_MOVED_FROM" }, { IN_MOVED_TO, "IN_MOVED_TO" },
		{ IN_CREATE, "IN_CREATE" }, { IN_DELETE, "IN_DELETE" },
		{ IN_DELETE_SELF, "IN_DELETE_SELF" }, { IN_MOVE_SELF, "IN_MOVE_SELF" },
		{ IN_UNMOUNT, "IN_UNMOUNT" }, { IN_Q_OVERFLOW, "IN_Q_OVERFLOW" },
		{ IN_IGNORED, "IN_IGNORED" }, { IN_ISDIR, "IN_ISDIR" },
	};
	static char text[256];
	uint32_t rest = e->mask;
	size_t i, len;

	len = snprintf(text, sizeof(text), "wd %d ", e->wd);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (!(rest & bits[i].bit))
			continue;
		rest &= ~bits[i].bit;
		len += snprintf(text + len, sizeof(text) - len, "%s|", bits[i].name);
	}
	if (rest)
		len += snprintf(text + len, sizeof(text) - len, "%#x|", rest);
	if (len && text[len - 1] == '|')
		text[--len] = 0;
	snprintf(text + len, sizeof(text) - len, " cookie %u \"%s\"", e->cookie, e->name);
	return text;
}

/* The events of @len bytes read from an inotify fd, into @out. */
static int parse(const char *buf, ssize_t len, struct ev *out, int max)
{
	const struct inotify_event *ie;
	ssize_t off = 0;
	int n = 0;

	while (off + (ssize_t)sizeof(*ie) <= len && n < max) {
		ie = (const struct inotify_event *)(buf + off);
		out[n].wd = ie->wd;
		out[n].mask = ie->mask;
		out[n].cookie = ie->cookie;
		snprintf(out[n].name, sizeof(out[n].name), "%.*s", (int)ie->len,
			 ie->len ? ie->name : "");
		n++;
		off += sizeof(*ie) + ie->len;
	}
	return n;
}

/*
 * What @fd has queued (within a second), as one read() of up to @size
 * bytes gives it; none when nothing comes, -1 when read() fails.
 */
static int read_events(int fd, const char *what, size_t size, struct ev *out)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t len;

	if (size > sizeof(buf))
		size = sizeof(buf);
	if (poll(&p, 1, 1000) != 1)
		return 0;
	len = read(fd, buf, size);
	if (len < 0) {
		fail("read() on %s: %s", what, strerror(errno));
		return -1;
	}
	return parse(buf, len, out, MAX_EVENTS);
}

static int same_events(const char *what, const struct ev *got, int ngot,
		       const struct ev *want, int nwant)
{
	int i, differ = ngot != nwant;

	for (i = 0; !differ && i < nwant; i++)
		differ = got[i].wd != want[i].wd || got[i].mask != want[i].mask ||
			 got[i].cookie != want[i].cookie ||
			 strcmp(got[i].name, want[i].name);
	if (!differ)
		return 1;
	fail("%s: %d event(s) where %d were expected, or other ones:", what,
	     ngot < 0 ? 0 : ngot, nwant);
	for (i = 0; i < ngot; i++)
		printf("  got      %s\n", describe(&got[i]));
	for (i = 0; i < nwant; i++)
		printf("  expected %s\n", describe(&want[i]));
	fflush(stdout);
	return 0;
}

static int queued(int fd)
{
	int n = -1;

	return ioctl(fd, FIONREAD, &n) ? -1 : n;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The "inotify wd:..." lines of /proc/self/fdinfo/FD, sorted, in @out. */
static int fdinfo(int fd, char *out, size_t size)
{
	char path[64], line[512], *lines[MAX_EVENTS];
	size_t len = 0;
	int i, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (n < MAX_EVENTS && fgets(line, sizeof(line), f))
		if (!strncmp(line, "inotify ", 8))
			lines[n++] = strdup(line);
	fclose(f);
	qsort(lines, n, sizeof(lines[0]), cmp_lines);
	out[0] = 0;
	for (i = 0; i < n; i++) {
		len += snprintf(out + len, len < size ? size - len : 0, "%s", lines[i]);
		free(lines[i]);
	}
	return n;
}

/* "wd:mask" of each fdinfo line, in the order of @lines. */
static void wd_masks(const char *lines, char *out, size_t size)
{
	const char *p = lines;
	unsigned int wd, mask;
	unsigned long ino;
	size_t len = 0;

	out[0] = 0;
	while ((p = strstr(p, "inotify wd:"))) {
		if (sscanf(p, "inotify wd:%x ino:%lx sdev:%*x mask:%x", &wd, &ino, &mask) == 3)
			len += snprintf(out + len, len < size ? size - len : 0, "%s%x:%x",
					len ? " " : "", wd, mask);
		p++;
	}
}

/* The child: blocked in read() on C across the checkpoint, then B. */
static int child_main(int b, int c)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct ev got[MAX_EVENTS], want[2];
	ssize_t len;
	int n, nw = 0;

	who = "inotify: child";
	if (create("child-reading"))
		return 1;
	/* blocked here across the checkpoint */
	len = read(c, buf, sizeof(buf));
	if (len < 0) {
		fail("the read() on instance C blocked across the checkpoint failed: %s",
		     strerror(errno));
		return 1;
	}
	add(want, &nw, 1, IN_CREATE, 0, "c-new");
	n = parse(buf, len, got, MAX_EVENTS);
	same_events("the read() on instance C blocked across the checkpoint",
		    got, n, want, nw);
	if (!(fcntl(b, F_GETFL) & O_NONBLOCK))
		fail("instance B lost O_NONBLOCK in the child");
	/* the parent read "b1" from the same instance: "b2" is left */
	nw = 0;
	add(want, &nw, 1, IN_CREATE, 0, "b2");
	len = read(b, buf, sizeof(buf));
	if (len < 0)
		fail("instance B, shared with the parent, is empty in the child: %s",
		     strerror(errno));
	else
		same_events("instance B, shared with the parent, as the child reads it",
			    got, parse(buf, len, got, MAX_EVENTS), want, nw);
	if (read(b, buf, sizeof(buf)) != -1 || errno != EAGAIN)
		fail("instance B has more events, or does not say EAGAIN");
	return bad;
}

static int deleted_main(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	pid_t program = getpid(), child, grandchild;
	char path[512], lines[4096], masks[256], line[32];
	int a, fd, i, n, status;

	if (create("doomed"))
		return 2;
	path_of(path, sizeof(path), "doomed");
	/* before the instance: the outsider must not hold it */
	child = fork();
	if (child < 0)
		return 2;
	if (child == 0) {
		grandchild = fork();
		if (grandchild == 0) {
			if (open(path, O_RDONLY) < 0)
				_exit(1);
			/* DIR/outsider, whole: a reader never sees it empty */
			n = snprintf(line, sizeof(line), "%d\n", (int)getpid());
			path_of(path, sizeof(path), "outsider.tmp");
			path_of(lines, sizeof(lines), "outsider");
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write(fd, line, n) != n || close(fd) ||
			    rename(path, lines))
				_exit(1);
			while (kill(program, 0) == 0)
				nanosleep(&ts, NULL);
			_exit(0);
		}
		_exit(grandchild < 0);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return 2;
	for (i = 0; !exists("outsider"); i++) {
		if (i == 100) {
			fail("the outsider did not open DIR/doomed");
			return 1;
		}
		nanosleep(&ts, NULL);
	}
	a = inotify_init1(0);
	if (a < 0 || inotify_add_watch(a, path, IN_MODIFY | IN_DELETE_SELF) != 1 ||
	    unlink(path)) {
		fail("cannot watch DIR/doomed, then unlink it: %s", strerror(errno));
		return 1;
	}
	fdinfo(a, lines, sizeof(lines));
	wd_masks(lines, masks, sizeof(masks));
	if (strcmp(masks, "1:402")) {
		fail("the watch on the unlinked file is not there: \"%s\"", masks);
		return 1;
	}
	create("ready");

	wait_for_stop();

	fdinfo(a, lines, sizeof(lines));
	wd_masks(lines, masks, sizeof(masks));
	if (strcmp(masks, "1:402"))
		fail("the watch on the unlinked file is gone: \"%s\"", masks);
	if (!bad)
		printf("inotify deleted watch kept\n");
	return bad;
}

int main(int argc, char **argv)
{
	char path[512], before[4096], after[4096], masks[256];
	struct ev want[MAX_EVENTS], got[MAX_EVENTS];
	int a, b, c, e, probe, held, wd, nw = 0, n, i, status;
	int fl_a, fl_b, fl_c, fd_a, fd_b, fd_c, bytes;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	struct epoll_event ee = { .events = EPOLLIN };
	int no_wait = 0;
	uint32_t cookie;
	pid_t child;

	if (argc == 3 && !strcmp(argv[1], "--deleted")) {
		snprintf(dir, sizeof(dir), "%s", argv[2]);
		return deleted_main();
	}
	if (argc == 3 && !strcmp(argv[1], "--no-wait"))
		no_wait = 1;
	else if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[argc - 1]);

	path_of(path, sizeof(path), "w");
	if (mkdir(path, 0755))
		return 2;
	path_of(path, sizeof(path), "wb");
	if (mkdir(path, 0755))
		return 2;
	path_of(path, sizeof(path), "wc");
	if (mkdir(path, 0755))
		return 2;
	if (create("w/file") || create("w/once") || create("w/removed") ||
	    create("w/later"))
		return 2;
	/* open before any watch: no IN_OPEN for it, and restart reopens it */
	path_of(path, sizeof(path), "w/file");
	held = open(path, O_RDWR);
	a = inotify_init1(IN_CLOEXEC);
	b = inotify_init1(IN_NONBLOCK);
	c = inotify_init1(0);
	probe = inotify_init1(0);
	e = epoll_create1(0);
	if (held < 0 || a < 0 || b < 0 || c < 0 || probe < 0 || e < 0) {
		fail("cannot make the files: %s", strerror(errno));
		return 1;
	}
	ee.data.fd = a;
	if (epoll_ctl(e, EPOLL_CTL_ADD, a, &ee)) {
		fail("cannot watch instance A with epoll: %s", strerror(errno));
		return 1;
	}
	if ((wd = watch(a, "w", DIR_MASK)) != 1 ||
	    (wd = watch(a, "w/file", FILE_MASK)) != 2 ||
	    (wd = watch(a, "w/once", ONCE_MASK)) != 3 ||
	    (wd = watch(a, "w/removed", IN_ATTRIB)) != 4 ||
	    (wd = inotify_rm_watch(a, 4)) != 0 ||
	    (wd = watch(b, "wb", IN_CREATE)) != 1 ||
	    (wd = watch(c, "wc", IN_CREATE)) != 1 ||
	    (wd = watch(probe, "w", IN_MOVED_FROM | IN_MOVED_TO)) != 1) {
		fail("a watch is %d, not the one expected (%s)", wd, strerror(errno));
		return 1;
	}

	/* the events left unread in A */
	path_of(path, sizeof(path), "w/a");
	path_of(after, sizeof(after), "w/b");
	if (create("w/a") || rename(path, after) || write(held, "x", 1) != 1 ||
	    create("wb/b1") || create("wb/b2")) {
		fail("cannot make the events: %s", strerror(errno));
		return 1;
	}
	/* the rename's cookie, as the probe saw it */
	n = read_events(probe, "the probe instance", 4096, got);
	if (n != 2 || got[0].mask != IN_MOVED_FROM || got[1].mask != IN_MOVED_TO ||
	    !got[0].cookie || got[0].cookie != got[1].cookie) {
		fail("the probe instance did not see the rename as a pair with a cookie");
		return 1;
	}
	cookie = got[0].cookie;
	close(probe);
	add(want, &nw, 4, IN_IGNORED, 0, "");
	add(want, &nw, 1, IN_CREATE, 0, "a");
	add(want, &nw, 1, IN_OPEN, 0, "a");
	add(want, &nw, 1, IN_CLOSE_WRITE, 0, "a");
	add(want, &nw, 1, IN_MOVED_FROM, cookie, "a");
	add(want, &nw, 1, IN_MOVED_TO, cookie, "b");
	add(want, &nw, 2, IN_MODIFY, 0, "");
	bytes = queued(a);
	if (bytes != bytes_of(want, nw)) {
		fail("instance A holds %d bytes of events, not the %d of the %d expected",
		     bytes, bytes_of(want, nw), nw);
		return 1;
	}
	if (queued(b) != 64 || queued(c) != 0) {
		fail("instances B and C hold %d and %d bytes, not 64 and 0", queued(b),
		     queued(c));
		return 1;
	}
	if (fdinfo(a, before, sizeof(before)) != 3) {
		fail("the fdinfo of instance A does not list 3 watches:\n%s", before);
		return 1;
	}
	wd_masks(before, masks, sizeof(masks));
	if (strcmp(masks, "1:3e8 2:6 3:80000004")) {
		fail("the fdinfo of instance A says \"%s\", not \"1:3e8 2:6 3:80000004\"",
		     masks);
		return 1;
	}
	fl_a = fcntl(a, F_GETFL);
	fl_b = fcntl(b, F_GETFL);
	fl_c = fcntl(c, F_GETFL);
	fd_a = fcntl(a, F_GETFD);
	fd_b = fcntl(b, F_GETFD);
	fd_c = fcntl(c, F_GETFD);

	child = fork();
	if (child == 0)
		_exit(child_main(b, c));
	while (!exists("child-reading"))
		nanosleep(&ts, NULL);
	if (!no_wait) {
		create("ready");
		wait_for_stop();
	}

	/* what A, B and C are after the restart */
	if (fdinfo(a, after, sizeof(after)) < 0 || strcmp(before, after))
		fail("the watches of instance A differ in fdinfo:\nbefore:\n%safter:\n%s",
		     before, after);
	if (fcntl(a, F_GETFL) != fl_a || fcntl(b, F_GETFL) != fl_b ||
	    fcntl(c, F_GETFL) != fl_c)
		fail("F_GETFL of A, B, C: %#x %#x %#x, before %#x %#x %#x",
		     fcntl(a, F_GETFL), fcntl(b, F_GETFL), fcntl(c, F_GETFL),
		     fl_a, fl_b, fl_c);
	if ((fl_a & O_NONBLOCK) || !(fl_b & O_NONBLOCK) || (fl_c & O_NONBLOCK))
		fail("O_NONBLOCK is not on B alone");
	if (fcntl(a, F_GETFD) != fd_a || fcntl(b, F_GETFD) != fd_b ||
	    fcntl(c, F_GETFD) != fd_c || fd_a != FD_CLOEXEC || fd_b || fd_c)
		fail("FD_CLOEXEC is not on A alone");
	n = epoll_wait(e, &ee, 1, 0);
	if (n != 1 || ee.data.fd != a || !(ee.events & EPOLLIN))
		fail("epoll does not say instance A is readable (%d)", n);

	/* A's queue, whole, and nothing else */
	if (queued(a) != bytes)
		fail("instance A holds %d bytes of events, it held %d", queued(a), bytes);
	n = read_events(a, "instance A", 4096, got);
	same_events("instance A's queue", got, n, want, nw);
	if (queued(a) != 0)
		fail("instance A holds %d more bytes of events", queued(a));
	if (epoll_wait(e, &ee, 1, 0) != 0)
		fail("epoll says the empty instance A is readable");

	/* the oneshot watch fires once */
	nw = 0;
	add(want, &nw, 3, IN_ATTRIB, 0, "");
	add(want, &nw, 3, IN_IGNORED, 0, "");
	path_of(path, sizeof(path), "w/once");
	chmod(path, 0600);
	n = read_events(a, "instance A", 4096, got);
	same_events("the oneshot watch", got, n, want, nw);
	chmod(path, 0644);
	if (queued(a) != 0)
		fail("the oneshot watch fired twice");

	/* the next wd, and new events on every watch */
	wd = watch(a, "w/later", IN_ATTRIB);
	if (wd != 5)
		fail("a new watch is wd %d, not 5", wd);
	nw = 0;
	add(want, &nw, 1, IN_CREATE, 0, "c");
	add(want, &nw, 1, IN_OPEN, 0, "c");
	add(want, &nw, 1, IN_CLOSE_WRITE, 0, "c");
	add(want, &nw, 2, IN_MODIFY, 0, "");
	add(want, &nw, 5, IN_ATTRIB, 0, "");
	create("w/c");
	if (write(held, "y", 1) != 1)
		fail("cannot write the held file");
	path_of(path, sizeof(path), "w/later");
	chmod(path, 0600);
	n = read_events(a, "instance A", 4096, got);
	same_events("the events after the restart", got, n, want, nw);

	/* B: one event here, the other one in the child */
	nw = 0;
	add(want, &nw, 1, IN_CREATE, 0, "b1");
	n = read_events(b, "instance B", sizeof(struct inotify_event) + 16, got);
	same_events("instance B's first event", got, n, want, nw);

	/* wakes the child, blocked in read() on C */
	if (create("wc/c-new"))
		fail("cannot create DIR/wc/c-new");
	for (i = 0; waitpid(child, &status, WNOHANG) == 0; i++) {
		if (i == 200) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			fail("the child blocked in read() on instance C got nothing in 10 s");
			break;
		}
		nanosleep(&ts, NULL);
	}
	if (i < 200 && (!WIFEXITED(status) || WEXITSTATUS(status)))
		fail("the child sharing instances B and C failed (status %#x)", status);
	if (!bad)
		printf("inotify intact\n");
	return bad;
}
