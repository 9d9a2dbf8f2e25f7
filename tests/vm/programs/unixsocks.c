// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unixsocks DIR [MODE]: UNIX sockets that are not socket pairs across a
 * checkpoint: lone sockets (unbound, bound to a path or an abstract name,
 * autobound, listening) and connections accepted from listeners.
 *
 * The parent works in DIR (its cwd) and holds:
 *  - a stream listener bound to the relative path "srv.sock" (the socket
 *    file chmod 0600), backlog 5;
 *  - a seqpacket listener on the abstract name "unixsocks-seq:DIR",
 *    backlog 2, O_NONBLOCK;
 *  - a datagram socket bound to the absolute path DIR/dgram.sock (chmod
 *    0640), SO_RCVBUF set, nothing queued;
 *  - an autobound datagram socket (an abstract name the kernel chose);
 *  - an unbound datagram socket with SO_RCVTIMEO 2.5 s, SO_SNDTIMEO
 *    1.25 s, SO_PASSCRED, SO_PEEK_OFF 3 and SO_SNDBUF, shut down for
 *    reading;
 *  - an unbound stream socket, O_NONBLOCK;
 *  - a datagram socket bound to the abstract name "unixsocks-log:DIR"
 *    (a logger's), nothing queued;
 *  - the ends it accepted from both listeners (the seqpacket one with
 *    O_NONBLOCK).
 * Its child connects to both listeners: an unbound stream socket to
 * "srv.sock", a seqpacket socket bound to the abstract name
 * "unixsocks-cli:DIR" to the seqpacket listener.  It also holds two
 * datagram sockets connected one way, as syslog() keeps one to /dev/log:
 * an unbound one connect()ed to "dgram.sock" (a relative path: restart
 * connects it again by the socket file's absolute path, DIR/dgram.sock,
 * which getpeername() gives before and after), and one bound to the
 * abstract name "unixsocks-dcli:DIR" connected to "unixsocks-log:DIR".
 * Nothing is sent on them before the checkpoint.  Left queued: the
 * child's "hello-stream" and records "rec-one", "rec-2" for the parent,
 * the rest of "from-parent" (the child read "fr") and the record "seq-bb"
 * (the child read "seq-a") for the child.
 *
 * Before DIR/ready each records what it checks afterwards:
 * getsockname() of every socket, getpeername() of the connected ones,
 * SO_TYPE, SO_ACCEPTCONN, SO_PASSCRED, SO_SNDBUF, SO_RCVBUF, SO_RCVTIMEO,
 * SO_SNDTIMEO, SO_PEEK_OFF, O_NONBLOCK, and the inode, mode and owner of
 * both socket files.  Both count in DIR/progress until DIR/stop appears.
 *
 * Then all of that must be what it was (with DIR/new-inode present, the
 * socket files' inodes may have changed, not their mode or owner), the
 * unbound datagram socket still reads EOF at once (shut down), every
 * queued byte and record arrives exactly (the child says so in
 * DIR/child-read), then new bytes go both ways, the
 * autobound and the bound datagram sockets receive datagrams (the
 * autobound one's name as the source), the child's datagrams sent with
 * send() (no address) on its sockets connected one way arrive at the
 * bound datagram socket (from no name: that socket is still unbound) and
 * at the logger's socket (from "unixsocks-dcli:DIR"), the stream
 * listener accepts three
 * new connections (from a child forked now, from "unixsocks DIR client"
 * which the scenario runs outside the tree, and from the unbound stream
 * socket) and the seqpacket listener one, each accepted end named as its
 * listener, and both listeners take as many connections as listeners
 * made now with their backlogs.  Prints "unix sockets intact" and exits
 * 0, or says what differs and exits 1.
 *
 * MODE "client": connect to DIR/srv.sock, say "outside", read "welcome"
 * (and check the peer is named "srv.sock"), print "unixsocks client:
 * welcomed".  The other modes add what checkpoint must refuse; after
 * DIR/stop the program exits 0 without checking:
 *  - "pending": a process outside the tree (a grandchild, orphaned)
 *    connects to the stream listener, which never accepts it;
 *  - "unaccepted": a process outside the tree listens on DIR/hold.sock
 *    and never accepts; the parent connects to it;
 *  - "dgramq": a datagram from the autobound socket waits on the bound
 *    datagram socket, which is not connected;
 *  - "connpath": the child's stream socket is bound to DIR/cli.sock
 *    before it connects;
 *  - "removed": DIR/dgram.sock is removed after the bind;
 *  - "extlog": a process outside the tree (a grandchild, orphaned) binds
 *    a datagram socket to the abstract name "unixsocks-ext:DIR", a
 *    system logger of sorts; the child connects a third datagram socket
 *    to it;
 *  - "onewayq": the logger's socket sends a datagram to the child's
 *    socket connected to it, which leaves it queued there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "testdir.h"

enum mode {
	NORMAL, CLIENT, PENDING, UNACCEPTED, DGRAMQ, CONNPATH, REMOVED, EXTLOG,
	ONEWAYQ,
};

static const char *const mode_names[] = {
	"", "client", "pending", "unaccepted", "dgramq", "connpath", "removed",
	"extlog", "onewayq",
};

static enum mode mode;
static int bad;

static void fail(const char *who, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(const char *who, const char *fmt, ...)
{
	va_list ap;

	printf("unixsocks %s: ", who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	bad = 1;
}

/* A UNIX socket address and its length */
struct addr {
	struct sockaddr_un sa;
	socklen_t len;
};

static struct addr path_addr(const char *path)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	a.sa.sun_family = AF_UNIX;
	snprintf(a.sa.sun_path, sizeof(a.sa.sun_path), "%s", path);
	a.len = offsetof(struct sockaddr_un, sun_path) + strlen(a.sa.sun_path) + 1;
	return a;
}

/* The abstract name "@PREFIX:DIR" */
static struct addr abstract_addr(const char *prefix)
{
	char name[512];
	struct addr a;
	size_t n;

	snprintf(name, sizeof(name), "%s:%s", prefix, dir);
	n = strlen(name);
	if (n > sizeof(a.sa.sun_path) - 1)
		n = sizeof(a.sa.sun_path) - 1;
	memset(&a, 0, sizeof(a));
	a.sa.sun_family = AF_UNIX;
	memcpy(a.sa.sun_path + 1, name, n);
	a.len = offsetof(struct sockaddr_un, sun_path) + 1 + n;
	return a;
}

/* @a as text: "(unnamed)", "@abstract" or the path, with its length */
static const char *show(const struct addr *a, char *buf, size_t size)
{
	size_t base = offsetof(struct sockaddr_un, sun_path), n, i, o;

	if (a->len <= base) {
		snprintf(buf, size, "(unnamed, length %u)", (unsigned)a->len);
		return buf;
	}
	n = a->len - base;
	if (n > sizeof(a->sa.sun_path))
		n = sizeof(a->sa.sun_path);
	o = 0;
	buf[o++] = '\'';
	for (i = 0; i < n && o + 8 < size; i++) {
		unsigned char c = a->sa.sun_path[i];

		if (i == 0 && c == 0)
			buf[o++] = '@';
		else if (c >= 0x20 && c < 0x7f)
			buf[o++] = c;
		else
			o += snprintf(buf + o, size - o, "\\x%02x", c);
	}
	snprintf(buf + o, size - o, "' (length %u)", (unsigned)a->len);
	return buf;
}

static int same_addr(const struct addr *a, const struct addr *b)
{
	return a->len == b->len && !memcmp(&a->sa, &b->sa, a->len);
}

/* What a socket looks like: compared before and after the restart */
struct look {
	struct addr name, peer;
	int peer_errno;
	int type, acceptconn, passcred, sndbuf, rcvbuf, peek_off, flags;
	struct timeval rcvtimeo, sndtimeo;
};

static int intopt(int fd, int opt)
{
	socklen_t len = sizeof(int);
	int v = 0;

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len))
		return -1000 - errno;
	return v;
}

static struct timeval tvopt(int fd, int opt)
{
	struct timeval tv = { -1, -1 };
	socklen_t len = sizeof(tv);

	getsockopt(fd, SOL_SOCKET, opt, &tv, &len);
	return tv;
}

static void look_at(int fd, struct look *l)
{
	memset(l, 0, sizeof(*l));
	l->name.len = sizeof(l->name.sa);
	if (getsockname(fd, (struct sockaddr *)&l->name.sa, &l->name.len))
		l->name.len = 0;
	l->peer.len = sizeof(l->peer.sa);
	if (getpeername(fd, (struct sockaddr *)&l->peer.sa, &l->peer.len)) {
		l->peer_errno = errno;
		l->peer.len = 0;
		memset(&l->peer.sa, 0, sizeof(l->peer.sa));
	}
	l->type = intopt(fd, SO_TYPE);
	l->acceptconn = intopt(fd, SO_ACCEPTCONN);
	l->passcred = intopt(fd, SO_PASSCRED);
	l->sndbuf = intopt(fd, SO_SNDBUF);
	l->rcvbuf = intopt(fd, SO_RCVBUF);
	l->peek_off = intopt(fd, SO_PEEK_OFF);
	l->flags = fcntl(fd, F_GETFL);
	l->rcvtimeo = tvopt(fd, SO_RCVTIMEO);
	l->sndtimeo = tvopt(fd, SO_SNDTIMEO);
}

static void same_int(const char *who, const char *what, int before, int now)
{
	if (before != now)
		fail(who, "%s was %d, now %d", what, before, now);
}

static void same_tv(const char *who, const char *what, struct timeval before,
		    struct timeval now)
{
	if (before.tv_sec != now.tv_sec || before.tv_usec != now.tv_usec)
		fail(who, "%s was %ld.%06ld s, now %ld.%06ld s", what,
		     (long)before.tv_sec, (long)before.tv_usec,
		     (long)now.tv_sec, (long)now.tv_usec);
}

/* @fd looks as @before did */
static void same(const char *who, int fd, const struct look *before)
{
	char b1[512], b2[512];
	struct look now;

	look_at(fd, &now);
	if (!same_addr(&now.name, &before->name))
		fail(who, "getsockname() gave %s, now %s",
		     show(&before->name, b1, sizeof(b1)), show(&now.name, b2, sizeof(b2)));
	if (now.peer_errno != before->peer_errno)
		fail(who, "getpeername() failed with errno %d, now %d",
		     before->peer_errno, now.peer_errno);
	else if (!same_addr(&now.peer, &before->peer))
		fail(who, "getpeername() gave %s, now %s",
		     show(&before->peer, b1, sizeof(b1)), show(&now.peer, b2, sizeof(b2)));
	same_int(who, "SO_TYPE", before->type, now.type);
	same_int(who, "SO_ACCEPTCONN", before->acceptconn, now.acceptconn);
	same_int(who, "SO_PASSCRED", before->passcred, now.passcred);
	same_int(who, "SO_SNDBUF", before->sndbuf, now.sndbuf);
	same_int(who, "SO_RCVBUF", before->rcvbuf, now.rcvbuf);
	same_int(who, "SO_PEEK_OFF", before->peek_off, now.peek_off);
	same_int(who, "the file status flags (F_GETFL: O_NONBLOCK)", before->flags, now.flags);
	same_tv(who, "SO_RCVTIMEO", before->rcvtimeo, now.rcvtimeo);
	same_tv(who, "SO_SNDTIMEO", before->sndtimeo, now.sndtimeo);
}

/* A socket file: inode, mode, owner */
struct finfo {
	int err;
	ino_t ino;
	mode_t mode;
	uid_t uid;
};

static struct finfo file_at(const char *path)
{
	struct finfo f;
	struct stat st;

	memset(&f, 0, sizeof(f));
	if (stat(path, &st)) {
		f.err = errno;
		return f;
	}
	f.ino = st.st_ino;
	f.mode = st.st_mode;
	f.uid = st.st_uid;
	return f;
}

static void same_file(const char *path, const struct finfo *before)
{
	struct finfo now = file_at(path);

	if (now.err) {
		fail("parent", "stat(%s): errno %d", path, now.err);
		return;
	}
	if (!S_ISSOCK(now.mode))
		fail("parent", "%s is no socket file now (mode %o)", path, (unsigned)now.mode);
	if (now.mode != before->mode)
		fail("parent", "%s: mode was %o, now %o", path, (unsigned)before->mode,
		     (unsigned)now.mode);
	if (now.uid != before->uid)
		fail("parent", "%s: owner was %u, now %u", path, (unsigned)before->uid,
		     (unsigned)now.uid);
	if (now.ino != before->ino && !exists("new-inode"))
		fail("parent", "%s: inode was %lu, now %lu", path,
		     (unsigned long)before->ino, (unsigned long)now.ino);
}

/* Wait (30 s at most) until @fd is readable */
static int readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 30000) == 1;
}

static void send_str(const char *who, int fd, const char *s)
{
	if (send(fd, s, strlen(s), MSG_NOSIGNAL) != (ssize_t)strlen(s))
		fail(who, "send(\"%s\"): errno %d", s, errno);
}

static void sendto_str(const char *who, int fd, const char *s, const struct addr *to)
{
	char b[512];

	if (sendto(fd, s, strlen(s), MSG_NOSIGNAL, (const struct sockaddr *)&to->sa,
		   to->len) != (ssize_t)strlen(s))
		fail(who, "sendto(\"%s\", %s): errno %d", s, show(to, b, sizeof(b)), errno);
}

/* One read of @fd, without waiting, must give exactly @want. */
static void expect_now(const char *who, int fd, const char *want, const char *what)
{
	char buf[128] = "";
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n < 0)
		fail(who, "%s: nothing queued (errno %d), expected \"%s\"", what, errno, want);
	else if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail(who, "%s: read \"%.*s\" (%zd bytes), expected \"%s\"", what, (int)n,
		     buf, n, want);
}

/* Nothing more is queued on @fd */
static void nothing_more(const char *who, int fd, const char *what)
{
	char buf[128];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n >= 0)
		fail(who, "%s: more was queued: \"%.*s\" (%zd bytes)", what, (int)n, buf, n);
	else if (errno != EAGAIN)
		fail(who, "%s: reading what is left failed with errno %d", what, errno);
}

/* Wait for @want, exactly (one record, or that many stream bytes) */
static void expect_wait(const char *who, int fd, const char *want, const char *what)
{
	char buf[128] = "";
	size_t len = strlen(want);
	ssize_t n = -1;
	int type = intopt(fd, SO_TYPE);

	if (!readable(fd)) {
		fail(who, "%s: nothing came within 30 s, expected \"%s\"", what, want);
		return;
	}
	if (type == SOCK_STREAM) {
		size_t got = 0;

		while (got < len && readable(fd)) {
			n = recv(fd, buf + got, len - got, MSG_DONTWAIT);
			if (n <= 0)
				break;
			got += n;
		}
		n = got;
	} else {
		n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	}
	if (n != (ssize_t)len || memcmp(buf, want, len))
		fail(who, "%s: read \"%.*s\" (%zd bytes), expected \"%s\"", what,
		     n > 0 ? (int)n : 0, buf, n, want);
}

/* The next datagram on @fd (waiting for it): into @buf, source in @from */
static ssize_t next_dgram(int fd, char *buf, size_t size, struct addr *from)
{
	ssize_t n;

	memset(from, 0, sizeof(*from));
	from->len = sizeof(from->sa);
	if (!readable(fd))
		return -1;
	n = recvfrom(fd, buf, size - 1, MSG_DONTWAIT, (struct sockaddr *)&from->sa,
		     &from->len);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static int sock(int type)
{
	int fd = socket(AF_UNIX, type, 0);

	if (fd < 0)
		fail("both", "socket(): errno %d", errno);
	return fd;
}

static int bound(int type, const struct addr *a)
{
	int fd = sock(type);
	char b[512];

	if (bind(fd, (const struct sockaddr *)&a->sa, a->len))
		fail("parent", "bind(%s): errno %d", show(a, b, sizeof(b)), errno);
	return fd;
}

static int connected(const char *who, int type, const struct addr *a)
{
	int fd = sock(type);
	char b[512];

	if (connect(fd, (const struct sockaddr *)&a->sa, a->len))
		fail(who, "connect(%s): errno %d", show(a, b, sizeof(b)), errno);
	return fd;
}

static void setint(int fd, int opt, int v)
{
	if (setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v)))
		fail("parent", "setsockopt(%d): errno %d", opt, errno);
}

static void settv(int fd, int opt, long sec, long usec)
{
	struct timeval tv = { .tv_sec = sec, .tv_usec = usec };

	if (setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)))
		fail("parent", "setsockopt(%d): errno %d", opt, errno);
}

/* The addresses */
static struct addr srv, seq, cli, dgp, autoname, logn, dcli, ext;
static char dgpath[512];

/* The parent's sockets */
static int ls, lq, dg, da, un, us, dl, a1 = -1, a2 = -1;
static struct look lls, llq, ldg, lda, lun, lus, ldl, la1, la2;
static struct finfo fsrv, fdg;

static void close_parents(void)
{
	close(ls);
	close(lq);
	close(dg);
	close(da);
	close(un);
	close(us);
	close(dl);
}

/* What a process outside the tree holds */
enum held { HOLD_CONNECTION, HOLD_LISTENER, HOLD_LOGGER };

/*
 * A process outside the tree: a grandchild, orphaned at once, that holds
 * a connection to the stream listener, a listener on DIR/hold.sock or a
 * datagram socket bound to the abstract name "unixsocks-ext:DIR", until
 * DIR/stop.
 */
static void outsider(enum held what)
{
	struct addr hold = path_addr("hold.sock");
	pid_t p;
	int fd;

	fflush(stdout);
	p = fork();
	if (p == 0) {
		if (fork() == 0) {
			close_parents();
			close(a1);
			close(a2);
			if (what == HOLD_LISTENER) {
				fd = bound(SOCK_STREAM, &hold);
				if (listen(fd, 4))
					fail("outsider", "listen: errno %d", errno);
			} else if (what == HOLD_LOGGER) {
				fd = bound(SOCK_DGRAM, &ext);
			} else {
				fd = connected("outsider", SOCK_STREAM, &srv);
			}
			create("held");
			while (!exists("stop"))
				nap();
			close(fd);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(p, NULL, 0);
	wait_for("held");
}

/* @fd's peer is named @want (before the checkpoint) */
static void peer_is(const char *who, const struct look *l, const struct addr *want)
{
	char b1[512], b2[512];

	if (l->peer_errno)
		fail(who, "getpeername(): errno %d", l->peer_errno);
	else if (!same_addr(&l->peer, want))
		fail(who, "getpeername() gave %s, not %s", show(&l->peer, b1, sizeof(b1)),
		     show(want, b2, sizeof(b2)));
}

/* The child: connects to both listeners, and one way to two datagram sockets */
static int child_main(void)
{
	struct addr clipath = path_addr("cli.sock"), dgrel = path_addr("dgram.sock");
	struct look l1, l2, l3, l4;
	char buf[16];
	int c1, c2, d1, d2, d3 = -1, s;

	close_parents();
	c1 = sock(SOCK_STREAM);
	if (mode == CONNPATH &&
	    bind(c1, (const struct sockaddr *)&clipath.sa, clipath.len))
		fail("child", "bind(cli.sock): errno %d", errno);
	if (connect(c1, (const struct sockaddr *)&srv.sa, srv.len))
		fail("child", "connect(srv.sock): errno %d", errno);
	c2 = sock(SOCK_SEQPACKET);
	if (bind(c2, (const struct sockaddr *)&cli.sa, cli.len) ||
	    connect(c2, (const struct sockaddr *)&seq.sa, seq.len))
		fail("child", "the seqpacket connection: errno %d", errno);
	send_str("child", c1, "hello-stream");
	send_str("child", c2, "rec-one");
	send_str("child", c2, "rec-2");
	if (recv(c1, buf, 2, MSG_WAITALL) != 2 || memcmp(buf, "fr", 2))
		fail("child", "the parent's first stream bytes");
	if (recv(c2, buf, sizeof(buf), 0) != 5 || memcmp(buf, "seq-a", 5))
		fail("child", "the parent's first record");
	/* a client of datagram servers, as syslog() keeps one to /dev/log */
	d1 = connected("child", SOCK_DGRAM, &dgrel);
	d2 = sock(SOCK_DGRAM);
	if (bind(d2, (const struct sockaddr *)&dcli.sa, dcli.len) ||
	    connect(d2, (const struct sockaddr *)&logn.sa, logn.len))
		fail("child", "the datagram socket connected to the logger's: errno %d", errno);
	if (mode == EXTLOG)
		d3 = connected("child", SOCK_DGRAM, &ext);
	look_at(c1, &l1);
	look_at(c2, &l2);
	look_at(d1, &l3);
	look_at(d2, &l4);
	/* connected by a relative path, the peer is named as it bound itself */
	peer_is("child's datagram socket connected to dgram.sock", &l3, &dgp);
	peer_is("child's datagram socket connected to the logger's", &l4, &logn);
	create("child-set");
	while (!exists("stop"))
		nap();
	if (mode != NORMAL) {
		if (d3 >= 0)
			close(d3);
		return bad;
	}

	same("child's stream end", c1, &l1);
	same("child's seqpacket end", c2, &l2);
	same("child's datagram socket connected to dgram.sock", d1, &l3);
	same("child's datagram socket connected to the logger's", d2, &l4);
	expect_now("child", c1, "om-parent", "the stream bytes queued for the child");
	nothing_more("child", c1, "the child's stream end");
	expect_now("child", c2, "seq-bb", "the record queued for the child");
	nothing_more("child", c2, "the child's seqpacket end");
	/* the parent's new bytes come after the old ones are read */
	create("child-read");
	expect_wait("child", c1, "new-p1", "new stream bytes from the parent");
	expect_wait("child", c2, "new-p2", "a new record from the parent");
	send_str("child", c1, "new-c1");
	send_str("child", c2, "new-c2");
	s = sock(SOCK_DGRAM);
	sendto_str("child", s, "to-auto", &autoname);
	/* by the relative path, from the same cwd */
	sendto_str("child", s, "to-path", &dgrel);
	close(s);
	/* to their peers, without an address */
	send_str("child", d1, "one-way-path");
	send_str("child", d2, "one-way-log");
	close(d1);
	close(d2);
	close(c1);
	close(c2);
	return bad;
}

/* Outside the tree: a new connection to DIR/srv.sock */
static int client_main(void)
{
	struct addr abs, peer;
	char path[512], b[512];
	int fd;

	snprintf(path, sizeof(path), "%s/srv.sock", dir);
	abs = path_addr(path);
	fd = connected("client", SOCK_STREAM, &abs);
	peer.len = sizeof(peer.sa);
	memset(&peer.sa, 0, sizeof(peer.sa));
	if (getpeername(fd, (struct sockaddr *)&peer.sa, &peer.len) || !same_addr(&peer, &srv))
		fail("client", "the listener's name is %s, not 'srv.sock'",
		     show(&peer, b, sizeof(b)));
	send_str("client", fd, "outside");
	expect_wait("client", fd, "welcome", "the listener's answer");
	if (!bad)
		printf("unixsocks client: welcomed\n");
	fflush(stdout);
	close(fd);
	return bad;
}

/* After the restart: a new child connects to both listeners */
static int inside_client(void)
{
	int fd, q;

	close_parents();
	close(a1);
	close(a2);
	fd = connected("new child", SOCK_STREAM, &srv);
	send_str("new child", fd, "inside");
	expect_wait("new child", fd, "welcome", "the stream listener's answer");
	close(fd);
	q = connected("new child", SOCK_SEQPACKET, &seq);
	send_str("new child", q, "inside-seq");
	expect_wait("new child", q, "welcome-seq", "the seqpacket listener's answer");
	close(q);
	return bad;
}

/* Accept one connection from @l, named @name: returns it, or -1 */
static int accept_one(const char *who, int l, const struct addr *name)
{
	char b1[512], b2[512];
	struct addr a;
	int fd;

	if (!readable(l)) {
		fail(who, "no connection to accept within 30 s");
		return -1;
	}
	fd = accept(l, NULL, NULL);
	if (fd < 0) {
		fail(who, "accept: errno %d", errno);
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.len = sizeof(a.sa);
	getsockname(fd, (struct sockaddr *)&a.sa, &a.len);
	if (!same_addr(&a, name))
		fail(who, "an accepted end is named %s, not %s", show(&a, b1, sizeof(b1)),
		     show(name, b2, sizeof(b2)));
	return fd;
}

/* Three new connections to the stream listener: new child, outside, us */
static void serve_stream(void)
{
	int seen_inside = 0, seen_outside = 0, seen_self = 0, i, fd;
	char buf[32];
	ssize_t n;

	if (connect(us, (const struct sockaddr *)&srv.sa, srv.len))
		fail("parent", "the unbound stream socket does not connect: errno %d", errno);
	send_str("parent", us, "self");
	for (i = 0; i < 3; i++) {
		fd = accept_one("stream listener", ls, &srv);
		if (fd < 0)
			return;
		memset(buf, 0, sizeof(buf));
		n = readable(fd) ? recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT) : -1;
		if (n == 6 && !memcmp(buf, "inside", 6))
			seen_inside++;
		else if (n == 7 && !memcmp(buf, "outside", 7))
			seen_outside++;
		else if (n == 4 && !memcmp(buf, "self", 4))
			seen_self++;
		else
			fail("parent", "a new connection said \"%s\" (%zd bytes)", buf, n);
		send_str("parent", fd, "welcome");
		/* the clients close once they read it (us: not yet) */
		if (!(n == 4 && !memcmp(buf, "self", 4)) && readable(fd) &&
		    recv(fd, buf, sizeof(buf), MSG_DONTWAIT) != 0)
			fail("parent", "a new connection does not end");
		close(fd);
	}
	if (seen_inside != 1 || seen_outside != 1 || seen_self != 1)
		fail("parent", "new connections: %d from the new child, %d from outside, %d from the unbound socket",
		     seen_inside, seen_outside, seen_self);
	expect_wait("parent", us, "welcome", "the unbound stream socket's answer");
	close(us);
}

/* How many connections @a (a listener) takes, none accepted */
static int backlog_room(const struct addr *a, int type)
{
	int fds[64], n, i;

	for (n = 0; n < 64; n++) {
		fds[n] = socket(AF_UNIX, type | SOCK_NONBLOCK, 0);
		if (connect(fds[n], (const struct sockaddr *)&a->sa, a->len)) {
			if (errno != EAGAIN)
				fail("parent", "connect to a full listener: errno %d, not EAGAIN",
				     errno);
			close(fds[n]);
			break;
		}
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	return n;
}

/* @a takes as many connections as a listener made now with @backlog */
static void same_backlog(const char *who, const struct addr *a, int type, int backlog)
{
	struct addr ref = { .sa = { .sun_family = AF_UNIX } };
	int fd = sock(type), got, want;

	/* autobind */
	if (bind(fd, (const struct sockaddr *)&ref.sa, sizeof(sa_family_t)) ||
	    listen(fd, backlog))
		fail("parent", "a reference listener: errno %d", errno);
	ref.len = sizeof(ref.sa);
	getsockname(fd, (struct sockaddr *)&ref.sa, &ref.len);
	want = backlog_room(&ref, type);
	got = backlog_room(a, type);
	if (got != want)
		fail(who, "takes %d connections before it is full, a listener with backlog %d takes %d",
		     got, backlog, want);
	else
		printf("unixsocks: the %s takes %d connections, as one with backlog %d\n",
		       who, got, backlog);
	close(fd);
}

static void setup(void)
{
	char cwd[400];

	if (chdir(dir) || !getcwd(cwd, sizeof(cwd))) {
		fail("parent", "chdir(%s): errno %d", dir, errno);
		exit(1);
	}
	snprintf(dgpath, sizeof(dgpath), "%s/dgram.sock", cwd);
	srv = path_addr("srv.sock");
	dgp = path_addr(dgpath);
	seq = abstract_addr("unixsocks-seq");
	cli = abstract_addr("unixsocks-cli");
	logn = abstract_addr("unixsocks-log");
	dcli = abstract_addr("unixsocks-dcli");
	ext = abstract_addr("unixsocks-ext");

	ls = bound(SOCK_STREAM, &srv);
	if (chmod("srv.sock", 0600) || listen(ls, 5))
		fail("parent", "the stream listener: errno %d", errno);
	lq = bound(SOCK_SEQPACKET, &seq);
	if (listen(lq, 2))
		fail("parent", "the seqpacket listener: errno %d", errno);
	dg = bound(SOCK_DGRAM, &dgp);
	if (chmod(dgpath, 0640))
		fail("parent", "chmod(%s): errno %d", dgpath, errno);
	setint(dg, SO_RCVBUF, 60000);
	da = sock(SOCK_DGRAM);
	autoname.sa.sun_family = AF_UNIX;
	if (bind(da, (const struct sockaddr *)&autoname.sa, sizeof(sa_family_t)))
		fail("parent", "autobind: errno %d", errno);
	autoname.len = sizeof(autoname.sa);
	getsockname(da, (struct sockaddr *)&autoname.sa, &autoname.len);
	un = sock(SOCK_DGRAM);
	settv(un, SO_RCVTIMEO, 2, 500000);
	settv(un, SO_SNDTIMEO, 1, 250000);
	setint(un, SO_PASSCRED, 1);
	setint(un, SO_PEEK_OFF, 3);
	setint(un, SO_SNDBUF, 50000);
	if (shutdown(un, SHUT_RD))
		fail("parent", "shutdown: errno %d", errno);
	us = sock(SOCK_STREAM);
	fcntl(us, F_SETFL, O_NONBLOCK);
	dl = bound(SOCK_DGRAM, &logn);
}

/* The unbound datagram socket, shut down for reading, reads EOF at once
 * (else it would wait SO_RCVTIMEO, 2.5 s, for EAGAIN) */
static void shut_down_reads_eof(const char *when)
{
	struct timespec t0, t1;
	char c;
	ssize_t n;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = recv(un, &c, 1, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (n != 0)
		fail("parent", "%s: the unbound socket shut down for reading gave %zd (errno %d) after %ld ms, not EOF",
		     when, n, n < 0 ? errno : 0, ms);
}

/* @child exited (left to waitpid()) */
static int child_ended(pid_t child)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, child, &si, WEXITED | WNOHANG | WNOWAIT) || si.si_pid == child;
}

static void check_after(pid_t child)
{
	struct addr from;
	char buf[64], b[512];
	int got_path = 0, got_auto = 0, got_oneway = 0, i, q;
	pid_t inside;
	ssize_t n;

	same("stream listener", ls, &lls);
	same("seqpacket listener", lq, &llq);
	same("bound datagram socket", dg, &ldg);
	same("autobound datagram socket", da, &lda);
	same("unbound datagram socket", un, &lun);
	same("unbound stream socket", us, &lus);
	same("logger's datagram socket", dl, &ldl);
	same("accepted stream end", a1, &la1);
	same("accepted seqpacket end", a2, &la2);
	same_file("srv.sock", &fsrv);
	same_file(dgpath, &fdg);
	shut_down_reads_eof("after the restart");

	expect_now("parent", a1, "hello-stream", "the stream bytes queued for the parent");
	nothing_more("parent", a1, "the accepted stream end");
	expect_now("parent", a2, "rec-one", "record 1 queued for the parent");
	expect_now("parent", a2, "rec-2", "record 2 queued for the parent");
	nothing_more("parent", a2, "the accepted seqpacket end");
	while (!exists("child-read") && !child_ended(child))
		nap();
	send_str("parent", a1, "new-p1");
	send_str("parent", a2, "new-p2");
	expect_wait("parent", a1, "new-c1", "new stream bytes from the child");
	expect_wait("parent", a2, "new-c2", "a new record from the child");

	/* datagrams: the child's to both, the autobound socket's to the path */
	sendto_str("parent", da, "from-auto", &dgp);
	n = next_dgram(da, buf, sizeof(buf), &from);
	if (n != 7 || memcmp(buf, "to-auto", 7))
		fail("parent", "the autobound socket received %zd bytes (\"%s\"), not \"to-auto\"",
		     n, n > 0 ? buf : "");
	for (i = 0; i < 3; i++) {
		n = next_dgram(dg, buf, sizeof(buf), &from);
		if (n == 7 && !memcmp(buf, "to-path", 7)) {
			got_path++;
		} else if (n == 12 && !memcmp(buf, "one-way-path", 12)) {
			got_oneway++;
			/* the child's socket is still unbound */
			if (from.len)
				fail("parent", "the datagram the child sent one way by path came from %s, not from an unnamed socket",
				     show(&from, b, sizeof(b)));
		} else if (n == 9 && !memcmp(buf, "from-auto", 9)) {
			got_auto++;
			if (!same_addr(&from, &autoname))
				fail("parent", "the datagram of the autobound socket came from %s",
				     show(&from, b, sizeof(b)));
		} else {
			fail("parent", "the bound datagram socket received %zd bytes (\"%s\")",
			     n, n > 0 ? buf : "");
		}
	}
	if (got_path != 1 || got_auto != 1 || got_oneway != 1)
		fail("parent", "the bound datagram socket got %d datagrams from the child's unbound socket, %d from its socket connected one way, %d from the autobound socket",
		     got_path, got_oneway, got_auto);
	nothing_more("parent", dg, "the bound datagram socket");
	n = next_dgram(dl, buf, sizeof(buf), &from);
	if (n != 11 || memcmp(buf, "one-way-log", 11))
		fail("parent", "the logger's socket received %zd bytes (\"%s\"), not \"one-way-log\"",
		     n, n > 0 ? buf : "");
	else if (!same_addr(&from, &dcli))
		fail("parent", "the child's datagram to the logger's socket came from %s",
		     show(&from, b, sizeof(b)));
	nothing_more("parent", dl, "the logger's datagram socket");

	/* new connections */
	fflush(stdout);
	inside = fork();
	if (inside == 0)
		_exit(inside_client());
	serve_stream();
	q = accept_one("seqpacket listener", lq, &seq);
	if (q >= 0) {
		expect_wait("parent", q, "inside-seq", "the new seqpacket connection's record");
		send_str("parent", q, "welcome-seq");
		close(q);
	}
	if (waitpid(inside, &i, 0) != inside || !WIFEXITED(i) || WEXITSTATUS(i))
		fail("parent", "the new child found a difference");

	same_backlog("stream listener", &srv, SOCK_STREAM, 5);
	same_backlog("seqpacket listener", &seq, SOCK_SEQPACKET, 2);
}

int main(int argc, char **argv)
{
	struct addr hold = path_addr("hold.sock");
	int status, held = -1;
	char b[512];
	pid_t child;
	long n = 0;
	unsigned i;

	if (argc < 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	mode = NORMAL;
	if (argc > 2) {
		for (i = 1; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
			if (!strcmp(argv[2], mode_names[i]))
				mode = i;
		if (mode == NORMAL) {
			fprintf(stderr, "unixsocks: unknown mode %s\n", argv[2]);
			return 2;
		}
	}
	if (mode == CLIENT) {
		srv = path_addr("srv.sock");
		return client_main();
	}
	setup();
	/* the outside logger is there before the child connects to it */
	if (mode == EXTLOG)
		outsider(HOLD_LOGGER);
	fflush(stdout);
	child = fork();
	if (child == 0)
		_exit(child_main());
	a1 = accept(ls, NULL, NULL);
	a2 = accept4(lq, NULL, NULL, SOCK_NONBLOCK);
	if (a1 < 0 || a2 < 0)
		fail("parent", "accept: errno %d", errno);
	fcntl(lq, F_SETFL, O_NONBLOCK);
	send_str("parent", a1, "from-parent");
	send_str("parent", a2, "seq-a");
	send_str("parent", a2, "seq-bb");
	wait_for("child-set");
	/* what checkpoint refuses, in the other modes */
	if (mode == REMOVED && unlink(dgpath))
		fail("parent", "unlink(%s): errno %d", dgpath, errno);
	if (mode == DGRAMQ)
		sendto_str("parent", da, "queued", &dgp);
	if (mode == ONEWAYQ)
		sendto_str("parent", dl, "queued-one-way", &dcli);
	if (mode == PENDING)
		outsider(HOLD_CONNECTION);
	if (mode == UNACCEPTED) {
		outsider(HOLD_LISTENER);
		held = connected("parent", SOCK_STREAM, &hold);
	}
	shut_down_reads_eof("before the checkpoint");

	look_at(ls, &lls);
	look_at(lq, &llq);
	look_at(dg, &ldg);
	look_at(da, &lda);
	look_at(un, &lun);
	look_at(us, &lus);
	look_at(dl, &ldl);
	look_at(a1, &la1);
	look_at(a2, &la2);
	fsrv = file_at("srv.sock");
	fdg = file_at(dgpath);
	if (mode == NORMAL && (fsrv.err || fdg.err))
		fail("parent", "the socket files are missing");
	printf("unixsocks: mode '%s', autobound as %s\n", mode_names[mode],
	       show(&autoname, b, sizeof(b)));
	fflush(stdout);
	progress(0);
	create("ready");
	while (!exists("stop")) {
		progress(++n);
		nap();
	}

	if (mode == NORMAL)
		check_after(child);
	if (held >= 0)
		close(held);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fail("parent", "the child found a difference");
	if (mode != NORMAL) {
		printf("unixsocks: mode '%s' ends\n", mode_names[mode]);
		return bad;
	}
	if (!bad)
		printf("unix sockets intact\n");
	return bad;
}
