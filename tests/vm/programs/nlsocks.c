// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlsocks DIR [MODE]: netlink sockets of NETLINK_ROUTE across a
 * checkpoint (run as root: it adds an address to lo).
 *
 * The parent holds:
 *  - "unbound": a raw route socket, not bound;
 *  - "watcher": a raw route socket bound with nl_pid 0 (autobind) to the
 *    groups RTMGRP_LINK | RTMGRP_IPV4_IFADDR, joined to RTNLGRP_STATS
 *    (group 36, above 32) by NETLINK_ADD_MEMBERSHIP, NETLINK_NO_ENOBUFS,
 *    O_NONBLOCK, SO_RCVBUF;
 *  - "querier": a datagram route socket bound to the port id
 *    getpid() + 1000000 and connect()ed to the kernel (nl_pid 0),
 *    NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_PKTINFO,
 *    SO_RCVTIMEO 1.5 s.
 * Its child holds "child's socket": raw, bound with nl_pid 0 (autobind)
 * to the group RTMGRP_IPV6_IFADDR, NETLINK_CAP_ACK,
 * NETLINK_BROADCAST_ERROR, SO_PASSCRED, SO_SNDBUF, SO_SNDTIMEO 1.25 s.
 *
 * Before DIR/ready each records what it checks afterwards, for every
 * socket: getsockname(), getpeername(), NETLINK_LIST_MEMBERSHIPS, each
 * netlink flag (getsockopt() at SOL_NETLINK), SO_TYPE, SO_PROTOCOL,
 * SO_PASSCRED, SO_SNDBUF, SO_RCVBUF, SO_RCVTIMEO, SO_SNDTIMEO and
 * O_NONBLOCK (and checks that the setup gave what it asked for).  Both
 * count in DIR/progress until DIR/stop appears.
 *
 * Then all of that must be what it was, and the sockets must work as
 * their state says: the querier, connected to the kernel, refuses a
 * message from another socket (ECONNREFUSED; checked before the
 * checkpoint too); nothing is queued on the watcher, whose read does
 * not wait (O_NONBLOCK); a read of the querier waits SO_RCVTIMEO, then
 * EAGAIN; the querier dumps the links (RTM_GETLINK) to NLMSG_DONE, every
 * message of its sequence number and for its port id, every datagram
 * with a NETLINK_PKTINFO message; a link dump filtered by index is
 * refused (NETLINK_GET_STRICT_CHK) with the kernel's extended ack text
 * (NETLINK_EXT_ACK); the unbound socket adds 127.0.0.77/8 to lo
 * (RTM_NEWADDR), acknowledged, the watcher receives the notification
 * naming that request, then the same for removing it (RTM_DELADDR).  The
 * child gets lo (RTM_GETLINK of its index) with its acknowledgement,
 * with credentials (SO_PASSCRED), and for an index that does not exist
 * an error capped to the request's header (NETLINK_CAP_ACK).  Prints
 * "netlink sockets intact" and exits 0, or says what differs and exits 1.
 *
 * The other modes add what checkpoint must refuse; after DIR/stop the
 * program exits 0 without checking:
 *  - "generic": the parent also holds a NETLINK_GENERIC socket;
 *  - "queued": the watcher has the notifications of an address added to
 *    lo and removed (127.0.0.78/8, by a socket closed since) queued,
 *    unread;
 *  - "listen-all-nsid": NETLINK_LISTEN_ALL_NSID on the unbound socket;
 *  - "dump": a link dump requested on the querier, none of it read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include "testdir.h"

/*
 * What <linux/netlink.h> and <linux/rtnetlink.h> define (musl has no
 * kernel headers): the structures under names of our own.
 */
#ifndef SOL_NETLINK
#define SOL_NETLINK		270
#endif
#ifndef NETLINK_ROUTE
#define NETLINK_ROUTE		0
#define NETLINK_GENERIC		16
#define NETLINK_ADD_MEMBERSHIP	1
#define NETLINK_PKTINFO		3
#define NETLINK_BROADCAST_ERROR	4
#define NETLINK_NO_ENOBUFS	5
#define NETLINK_LISTEN_ALL_NSID	8
#define NETLINK_LIST_MEMBERSHIPS 9
#define NETLINK_CAP_ACK		10
#define NETLINK_EXT_ACK		11
#define NETLINK_GET_STRICT_CHK	12
#define NLM_F_REQUEST		0x01
#define NLM_F_ACK		0x04
#define NLM_F_DUMP		0x300
#define NLM_F_EXCL		0x200
#define NLM_F_CREATE		0x400
#define NLM_F_CAPPED		0x100
#define NLM_F_ACK_TLVS		0x200
#define NLMSG_ERROR		2
#define NLMSG_DONE		3
#define NLMSGERR_ATTR_MSG	1
#endif
#ifndef RTM_NEWLINK
#define RTM_NEWLINK		16
#define RTM_GETLINK		18
#define RTM_NEWADDR		20
#define RTM_DELADDR		21
#define RTMGRP_LINK		0x1
#define RTMGRP_IPV4_IFADDR	0x10
#define RTMGRP_IPV6_IFADDR	0x100
#define IFA_ADDRESS		1
#define IFA_LOCAL		2
#define RT_SCOPE_HOST		254
#endif
/* RTNLGRP_STATS: the last group of Linux 6.12, above the 32 of bind() */
#define GROUP_ABOVE_32		36

struct nl_addr {		/* struct sockaddr_nl */
	unsigned short family;
	unsigned short pad;
	uint32_t pid;
	uint32_t groups;
};

struct nl_hdr {			/* struct nlmsghdr */
	uint32_t len;
	uint16_t type;
	uint16_t flags;
	uint32_t seq;
	uint32_t pid;
};

struct nl_err {			/* struct nlmsgerr */
	int error;
	struct nl_hdr msg;
};

struct link_msg {		/* struct ifinfomsg */
	unsigned char family;
	unsigned char pad;
	unsigned short type;
	int index;
	unsigned int flags;
	unsigned int change;
};

struct addr_msg {		/* struct ifaddrmsg */
	unsigned char family;
	unsigned char prefixlen;
	unsigned char flags;
	unsigned char scope;
	uint32_t index;
};

struct nl_attr {		/* struct rtattr, struct nlattr */
	unsigned short len;
	unsigned short type;
};

#define NL_ALIGN(n)	(((n) + 3) & ~(size_t)3)
#define NL_HDRLEN	NL_ALIGN(sizeof(struct nl_hdr))

enum mode { NORMAL, GENERIC, QUEUED, LISTEN_ALL, DUMP };

static const char *const mode_names[] = {
	"", "generic", "queued", "listen-all-nsid", "dump",
};

static enum mode mode;
static int bad;

static void fail(const char *who, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(const char *who, const char *fmt, ...)
{
	va_list ap;

	printf("nlsocks %s: ", who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	bad = 1;
}

/* The netlink flags, read with getsockopt() at SOL_NETLINK */
static const struct {
	int opt;
	const char *name;
} nl_flags[] = {
	{ NETLINK_PKTINFO, "NETLINK_PKTINFO" },
	{ NETLINK_BROADCAST_ERROR, "NETLINK_BROADCAST_ERROR" },
	{ NETLINK_NO_ENOBUFS, "NETLINK_NO_ENOBUFS" },
	{ NETLINK_LISTEN_ALL_NSID, "NETLINK_LISTEN_ALL_NSID" },
	{ NETLINK_CAP_ACK, "NETLINK_CAP_ACK" },
	{ NETLINK_EXT_ACK, "NETLINK_EXT_ACK" },
	{ NETLINK_GET_STRICT_CHK, "NETLINK_GET_STRICT_CHK" },
};

#define NR_FLAGS	(sizeof(nl_flags) / sizeof(nl_flags[0]))

/* What a socket looks like: compared before and after the restart */
struct look {
	struct nl_addr name, peer;
	socklen_t name_len, peer_len;
	int name_errno, peer_errno;
	uint32_t groups[8];
	socklen_t groups_len;
	int groups_errno;
	int flag[NR_FLAGS];
	int type, protocol, passcred, sndbuf, rcvbuf, fl;
	struct timeval rcvtimeo, sndtimeo;
};

static int intopt(int fd, int level, int opt)
{
	socklen_t len = sizeof(int);
	int v = 0;

	if (getsockopt(fd, level, opt, &v, &len))
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
	unsigned i;

	memset(l, 0, sizeof(*l));
	l->name_len = sizeof(l->name);
	if (getsockname(fd, (struct sockaddr *)&l->name, &l->name_len))
		l->name_errno = errno;
	l->peer_len = sizeof(l->peer);
	if (getpeername(fd, (struct sockaddr *)&l->peer, &l->peer_len))
		l->peer_errno = errno;
	l->groups_len = sizeof(l->groups);
	if (getsockopt(fd, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, l->groups,
		       &l->groups_len))
		l->groups_errno = errno;
	for (i = 0; i < NR_FLAGS; i++)
		l->flag[i] = intopt(fd, SOL_NETLINK, nl_flags[i].opt);
	l->type = intopt(fd, SOL_SOCKET, SO_TYPE);
	l->protocol = intopt(fd, SOL_SOCKET, SO_PROTOCOL);
	l->passcred = intopt(fd, SOL_SOCKET, SO_PASSCRED);
	l->sndbuf = intopt(fd, SOL_SOCKET, SO_SNDBUF);
	l->rcvbuf = intopt(fd, SOL_SOCKET, SO_RCVBUF);
	l->fl = fcntl(fd, F_GETFL);
	l->rcvtimeo = tvopt(fd, SO_RCVTIMEO);
	l->sndtimeo = tvopt(fd, SO_SNDTIMEO);
}

/* A netlink address as text: "port id P, groups 0x..." (with its length) */
static const char *show_addr(const struct nl_addr *a, socklen_t len, int err,
			     char *buf, size_t size)
{
	if (err)
		snprintf(buf, size, "errno %d", err);
	else
		snprintf(buf, size, "family %u, port id %u, groups %#x (length %u)",
			 a->family, a->pid, a->groups, (unsigned)len);
	return buf;
}

/* NETLINK_LIST_MEMBERSHIPS as text: the words in hex and the length */
static const char *show_groups(const struct look *l, char *buf, size_t size)
{
	size_t o = 0, i;

	if (l->groups_errno) {
		snprintf(buf, size, "errno %d", l->groups_errno);
		return buf;
	}
	buf[0] = 0;
	for (i = 0; i * 4 < l->groups_len && i < 8 && o + 12 < size; i++)
		o += snprintf(buf + o, size - o, "%#010x ", l->groups[i]);
	snprintf(buf + o, size - o, "(%u bytes)", (unsigned)l->groups_len);
	return buf;
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
	char b1[256], b2[256];
	struct look now;
	unsigned i;

	look_at(fd, &now);
	if (now.name_errno != before->name_errno || now.name_len != before->name_len ||
	    (!now.name_errno && memcmp(&now.name, &before->name, sizeof(now.name))))
		fail(who, "getsockname() gave %s, now %s",
		     show_addr(&before->name, before->name_len, before->name_errno, b1,
			       sizeof(b1)),
		     show_addr(&now.name, now.name_len, now.name_errno, b2, sizeof(b2)));
	if (now.peer_errno != before->peer_errno || now.peer_len != before->peer_len ||
	    (!now.peer_errno && memcmp(&now.peer, &before->peer, sizeof(now.peer))))
		fail(who, "getpeername() gave %s, now %s",
		     show_addr(&before->peer, before->peer_len, before->peer_errno, b1,
			       sizeof(b1)),
		     show_addr(&now.peer, now.peer_len, now.peer_errno, b2, sizeof(b2)));
	if (now.groups_errno != before->groups_errno ||
	    now.groups_len != before->groups_len ||
	    memcmp(now.groups, before->groups, sizeof(now.groups)))
		fail(who, "NETLINK_LIST_MEMBERSHIPS gave %s, now %s",
		     show_groups(before, b1, sizeof(b1)), show_groups(&now, b2, sizeof(b2)));
	for (i = 0; i < NR_FLAGS; i++)
		same_int(who, nl_flags[i].name, before->flag[i], now.flag[i]);
	same_int(who, "SO_TYPE", before->type, now.type);
	same_int(who, "SO_PROTOCOL", before->protocol, now.protocol);
	same_int(who, "SO_PASSCRED", before->passcred, now.passcred);
	same_int(who, "SO_SNDBUF", before->sndbuf, now.sndbuf);
	same_int(who, "SO_RCVBUF", before->rcvbuf, now.rcvbuf);
	same_int(who, "the file status flags (F_GETFL: O_NONBLOCK)", before->fl, now.fl);
	same_tv(who, "SO_RCVTIMEO", before->rcvtimeo, now.rcvtimeo);
	same_tv(who, "SO_SNDTIMEO", before->sndtimeo, now.sndtimeo);
}

/* The flag named @name is @want on the look @l (the setup's own check) */
static void flag_is(const char *who, const struct look *l, const char *name, int want)
{
	unsigned i;

	for (i = 0; i < NR_FLAGS; i++)
		if (!strcmp(nl_flags[i].name, name) && l->flag[i] != want)
			fail(who, "%s is %d before the checkpoint, set to %d", name,
			     l->flag[i], want);
}

/* The port id @fd is bound to (0: none) */
static uint32_t port_of(int fd)
{
	struct nl_addr a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &len);
	return a.pid;
}

static int route_sock(const char *who, int type)
{
	int fd = socket(AF_NETLINK, type, NETLINK_ROUTE);

	if (fd < 0)
		fail(who, "socket(AF_NETLINK, %d, NETLINK_ROUTE): errno %d", type, errno);
	return fd;
}

static void bind_to(const char *who, int fd, uint32_t pid, uint32_t groups)
{
	struct nl_addr a = { .family = AF_NETLINK, .pid = pid, .groups = groups };

	if (bind(fd, (const struct sockaddr *)&a, sizeof(a)))
		fail(who, "bind(port id %u, groups %#x): errno %d", pid, groups, errno);
}

static void setopt(const char *who, int fd, int level, int opt, const char *name, int v)
{
	if (setsockopt(fd, level, opt, &v, sizeof(v)))
		fail(who, "setsockopt(%s, %d): errno %d", name, v, errno);
}

static void settv(const char *who, int fd, int opt, long sec, long usec)
{
	struct timeval tv = { .tv_sec = sec, .tv_usec = usec };

	if (setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)))
		fail(who, "setsockopt(%d, timeout): errno %d", opt, errno);
}

/* A request: header and body, attributes appended */
struct request {
	struct nl_hdr h;
	unsigned char body[128];
};

static void request_init(struct request *r, uint16_t type, uint16_t flags, uint32_t seq,
			 const void *body, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->h.len = NL_HDRLEN + NL_ALIGN(len);
	r->h.type = type;
	r->h.flags = NLM_F_REQUEST | flags;
	r->h.seq = seq;
	memcpy(r->body, body, len);
}

static void request_attr(struct request *r, uint16_t type, const void *data, size_t len)
{
	struct nl_attr a = { .len = sizeof(a) + len, .type = type };
	unsigned char *p = (unsigned char *)r + r->h.len;

	memcpy(p, &a, sizeof(a));
	memcpy(p + sizeof(a), data, len);
	r->h.len += NL_ALIGN(sizeof(a) + len);
}

static void send_request(const char *who, int fd, const struct request *r)
{
	if (send(fd, r, r->h.len, 0) != (ssize_t)r->h.len)
		fail(who, "send() of a request of type %u: errno %d", r->h.type, errno);
}

/* RTM_GETLINK: a dump (@index 0, or filtered by it) or a get of @index */
static void link_request(struct request *r, uint16_t flags, uint32_t seq, int index)
{
	struct link_msg m = { .family = AF_UNSPEC, .index = index };

	request_init(r, RTM_GETLINK, flags, seq, &m, sizeof(m));
}

/* RTM_NEWADDR or RTM_DELADDR of @ip/8 on lo, acknowledged */
static void addr_request(struct request *r, uint16_t type, uint32_t seq,
			 const unsigned char ip[4])
{
	struct addr_msg m = {
		.family = AF_INET, .prefixlen = 8, .scope = RT_SCOPE_HOST,
		.index = if_nametoindex("lo"),
	};

	request_init(r, type, NLM_F_ACK | (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0),
		     seq, &m, sizeof(m));
	request_attr(r, IFA_LOCAL, ip, 4);
	request_attr(r, IFA_ADDRESS, ip, 4);
}

/* What answered a request, read by answer() */
struct answer {
	int msgs;		/* messages of the type asked for */
	int end;		/* NLMSG_DONE or NLMSG_ERROR; 0: none came */
	int error;		/* the end's error (0: done, acknowledged) */
	unsigned flags;		/* the end's flags */
	unsigned len;		/* the end's length */
	char text[160];		/* its extended ack's text (NLMSGERR_ATTR_MSG) */
	int dgrams;		/* datagrams read */
	int pktinfo;		/* of them with a NETLINK_PKTINFO message */
	int creds;		/* of them with SCM_CREDENTIALS */
};

static unsigned char rbuf[65536] __attribute__((aligned(8)));

/* The next datagram on @fd (waiting 10 s at most) into rbuf: its length,
 * or -1; its control messages counted in @a */
static ssize_t next_dgram(const char *who, int fd, struct answer *a)
{
	char cbuf[512] __attribute__((aligned(8)));
	struct iovec iov = { .iov_base = rbuf, .iov_len = sizeof(rbuf) };
	struct msghdr m;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct cmsghdr *c;
	ssize_t n;

	if (poll(&p, 1, 10000) != 1) {
		fail(who, "nothing came within 10 s");
		return -1;
	}
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n < 0) {
		fail(who, "recvmsg(): errno %d", errno);
		return -1;
	}
	if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		fail(who, "a datagram of %zd bytes was truncated (flags %#x)", n, m.msg_flags);
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_PKTINFO)
			a->pktinfo++;
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
			a->creds++;
	}
	a->dgrams++;
	return n;
}

/* @h is an NLMSG_DONE or NLMSG_ERROR: into @a */
static void end_of(const struct nl_hdr *h, struct answer *a)
{
	const unsigned char *p = (const unsigned char *)h;
	struct nl_attr at;
	struct nl_err e;
	size_t off;

	a->end = h->type;
	a->flags = h->flags;
	a->len = h->len;
	a->error = 1;
	if (h->len < NL_HDRLEN + (h->type == NLMSG_DONE ? sizeof(int) : sizeof(e)))
		return;
	memcpy(&a->error, p + NL_HDRLEN, sizeof(int));
	if (!(h->flags & NLM_F_ACK_TLVS))
		return;
	if (h->type == NLMSG_DONE) {
		off = NL_HDRLEN + NL_ALIGN(sizeof(int));
	} else if (h->flags & NLM_F_CAPPED) {
		off = NL_HDRLEN + NL_ALIGN(sizeof(e));
	} else {
		memcpy(&e, p + NL_HDRLEN, sizeof(e));
		off = NL_HDRLEN + NL_ALIGN(sizeof(int) + e.msg.len);
	}
	while (off + sizeof(at) <= h->len) {
		memcpy(&at, p + off, sizeof(at));
		if (at.len < sizeof(at) || off + at.len > h->len)
			break;
		if (at.type == NLMSGERR_ATTR_MSG)
			snprintf(a->text, sizeof(a->text), "%.*s",
				 (int)(at.len - sizeof(at)), (const char *)p + off + sizeof(at));
		off += NL_ALIGN(at.len);
	}
}

/*
 * Read the answer to the request @seq on @fd up to its end (NLMSG_DONE
 * or NLMSG_ERROR) into @a: messages of @type count, every message must
 * carry @seq and @portid; notifications (sequence and port id 0) are
 * passed over.
 */
static void answer(const char *who, int fd, uint32_t seq, uint32_t portid, uint16_t type,
		   struct answer *a)
{
	const struct nl_hdr *h;
	size_t off;
	ssize_t n;

	memset(a, 0, sizeof(*a));
	while (!a->end) {
		n = next_dgram(who, fd, a);
		if (n < 0)
			return;
		for (off = 0; off + sizeof(*h) <= (size_t)n; off += NL_ALIGN(h->len)) {
			h = (const struct nl_hdr *)(rbuf + off);
			if (h->len < sizeof(*h) || off + h->len > (size_t)n) {
				fail(who, "a message of %u bytes at %zu in a datagram of %zd",
				     h->len, off, n);
				return;
			}
			if (!h->seq && !h->pid)
				continue;
			if (h->seq != seq || h->pid != portid)
				fail(who, "a message of type %u for sequence %u and port id %u, expected %u and %u",
				     h->type, h->seq, h->pid, seq, portid);
			else if (a->end)
				fail(who, "a message of type %u after the end", h->type);
			else if (h->type == NLMSG_DONE || h->type == NLMSG_ERROR)
				end_of(h, a);
			else if (h->type == type)
				a->msgs++;
			else
				fail(who, "a message of type %u, expected %u", h->type, type);
		}
	}
}

static const char *end_name(int end)
{
	return end == NLMSG_DONE ? "NLMSG_DONE" : end == NLMSG_ERROR ? "NLMSG_ERROR" : "none";
}

/* The address request @seq on @fd is acknowledged */
static void acknowledged(const char *who, int fd, uint32_t seq, const char *what)
{
	struct answer a;

	answer(who, fd, seq, port_of(fd), 0, &a);
	if (a.end != NLMSG_ERROR || a.error)
		fail(who, "%s: the answer ended with %s, error %d", what, end_name(a.end),
		     a.error);
}

/*
 * The watcher receives @type for @ip on lo, the notification naming the
 * request @seq of @portid; other messages are passed over.
 */
static void notified(int fd, uint16_t type, uint32_t seq, uint32_t portid,
		     const unsigned char ip[4], const char *what)
{
	unsigned int lo = if_nametoindex("lo"), passed = 0;
	const struct nl_hdr *h;
	struct answer a;
	struct addr_msg m;
	struct nl_attr at;
	size_t off, o;
	ssize_t n;
	int i;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < 64; i++) {
		n = next_dgram("watcher", fd, &a);
		if (n < 0)
			break;
		for (off = 0; off + sizeof(*h) <= (size_t)n; off += NL_ALIGN(h->len)) {
			h = (const struct nl_hdr *)(rbuf + off);
			if (h->len < sizeof(*h) || off + h->len > (size_t)n)
				break;
			if (h->type != type || h->len < NL_HDRLEN + sizeof(m)) {
				passed++;
				continue;
			}
			memcpy(&m, rbuf + off + NL_HDRLEN, sizeof(m));
			for (o = NL_HDRLEN + NL_ALIGN(sizeof(m)); o + sizeof(at) <= h->len;
			     o += NL_ALIGN(at.len)) {
				memcpy(&at, rbuf + off + o, sizeof(at));
				if (at.len < sizeof(at))
					break;
				if (at.type == IFA_LOCAL && at.len == sizeof(at) + 4 &&
				    m.family == AF_INET && m.index == lo &&
				    !memcmp(rbuf + off + o + sizeof(at), ip, 4)) {
					if (h->seq != seq || h->pid != portid)
						fail("watcher", "%s: the notification names sequence %u and port id %u, not %u and %u",
						     what, h->seq, h->pid, seq, portid);
					if (passed)
						printf("nlsocks: the watcher passed over %u other messages\n",
						       passed);
					return;
				}
			}
			passed++;
		}
	}
	fail("watcher", "%s: no notification (%u other messages)", what, passed);
}

/* The parent's sockets and their looks */
static int un = -1, wa = -1, qu = -1, gen = -1;
static struct look lun, lwa, lqu;
static uint32_t qport;

static const unsigned char ip77[4] = { 127, 0, 0, 77 }, ip78[4] = { 127, 0, 0, 78 };

/* The child: its own route socket */
static int child_main(void)
{
	struct request r;
	struct answer a;
	struct look l;
	uint32_t port;
	int fd;

	close(un);
	close(wa);
	close(qu);
	if (gen >= 0)
		close(gen);
	fd = route_sock("child", SOCK_RAW);
	bind_to("child", fd, 0, RTMGRP_IPV6_IFADDR);
	setopt("child", fd, SOL_NETLINK, NETLINK_CAP_ACK, "NETLINK_CAP_ACK", 1);
	setopt("child", fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, "NETLINK_BROADCAST_ERROR", 1);
	setopt("child", fd, SOL_SOCKET, SO_PASSCRED, "SO_PASSCRED", 1);
	setopt("child", fd, SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF", 50000);
	settv("child", fd, SO_SNDTIMEO, 1, 250000);
	look_at(fd, &l);
	if (!l.name.pid || l.name.groups != RTMGRP_IPV6_IFADDR)
		fail("child", "not bound as asked: port id %u, groups %#x", l.name.pid,
		     l.name.groups);
	flag_is("child", &l, "NETLINK_CAP_ACK", 1);
	flag_is("child", &l, "NETLINK_BROADCAST_ERROR", 1);
	port = l.name.pid;
	printf("nlsocks: the child's socket has port id %u\n", port);
	fflush(stdout);
	create("child-set");
	while (!exists("stop"))
		nap();
	if (mode != NORMAL)
		return bad;

	same("child's socket", fd, &l);
	/* lo, then the acknowledgement; credentials with each (SO_PASSCRED) */
	link_request(&r, NLM_F_ACK, 2001, if_nametoindex("lo"));
	send_request("child", fd, &r);
	answer("child", fd, 2001, port, RTM_NEWLINK, &a);
	if (a.msgs != 1 || a.end != NLMSG_ERROR || a.error)
		fail("child", "getting lo: %d RTM_NEWLINK, then %s with error %d", a.msgs,
		     end_name(a.end), a.error);
	if (a.creds != a.dgrams)
		fail("child", "SO_PASSCRED: credentials with %d of %d datagrams", a.creds,
		     a.dgrams);
	/* an error capped to the request's header (NETLINK_CAP_ACK) */
	link_request(&r, NLM_F_ACK, 2002, 0x7ffffff0);
	send_request("child", fd, &r);
	answer("child", fd, 2002, port, RTM_NEWLINK, &a);
	if (a.msgs || a.end != NLMSG_ERROR || a.error != -ENODEV)
		fail("child", "getting a link that does not exist: %d RTM_NEWLINK, then %s with error %d, not -ENODEV",
		     a.msgs, end_name(a.end), a.error);
	else if (!(a.flags & NLM_F_CAPPED) || a.len != NL_HDRLEN + sizeof(struct nl_err))
		fail("child", "NETLINK_CAP_ACK: the error has flags %#x and %u bytes, not NLM_F_CAPPED and %zu",
		     a.flags, a.len, NL_HDRLEN + sizeof(struct nl_err));
	close(fd);
	return bad;
}

static void setup(void)
{
	uint32_t groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR;
	struct nl_addr kernel = { .family = AF_NETLINK };

	un = route_sock("parent", SOCK_RAW);

	wa = route_sock("parent", SOCK_RAW);
	bind_to("parent", wa, 0, groups);
	setopt("parent", wa, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, "NETLINK_ADD_MEMBERSHIP",
	       GROUP_ABOVE_32);
	setopt("parent", wa, SOL_NETLINK, NETLINK_NO_ENOBUFS, "NETLINK_NO_ENOBUFS", 1);
	setopt("parent", wa, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", 100000);
	fcntl(wa, F_SETFL, O_NONBLOCK);

	qu = route_sock("parent", SOCK_DGRAM);
	qport = getpid() + 1000000;
	bind_to("parent", qu, qport, 0);
	if (connect(qu, (const struct sockaddr *)&kernel, sizeof(kernel)))
		fail("parent", "connect() to the kernel: errno %d", errno);
	setopt("parent", qu, SOL_NETLINK, NETLINK_EXT_ACK, "NETLINK_EXT_ACK", 1);
	setopt("parent", qu, SOL_NETLINK, NETLINK_GET_STRICT_CHK, "NETLINK_GET_STRICT_CHK", 1);
	setopt("parent", qu, SOL_NETLINK, NETLINK_PKTINFO, "NETLINK_PKTINFO", 1);
	settv("parent", qu, SO_RCVTIMEO, 1, 500000);

	if (mode == GENERIC) {
		gen = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
		if (gen < 0)
			fail("parent", "socket(NETLINK_GENERIC): errno %d", errno);
		bind_to("parent", gen, 0, 0);
	}
}

/*
 * The querier, connected to the kernel, refuses a message from another
 * socket (ECONNREFUSED), which it would take if it were not connected:
 * getpeername() says the same of both.
 */
static void refuses_others(const char *when)
{
	struct nl_addr to = { .family = AF_NETLINK, .pid = qport };
	struct nl_hdr h = { .len = sizeof(h), .type = RTM_GETLINK, .seq = 1 };
	int fd = route_sock("parent", SOCK_RAW);

	if (sendto(fd, &h, sizeof(h), 0, (const struct sockaddr *)&to, sizeof(to)) >= 0)
		fail("querier", "%s: it took a message from another socket, as if not connected",
		     when);
	else if (errno != ECONNREFUSED)
		fail("querier", "%s: a message from another socket failed with errno %d, not ECONNREFUSED",
		     when, errno);
	close(fd);
}

/* What setup() asked for is what the sockets say, before the checkpoint */
static void check_setup(void)
{
	char b[256];

	if (lun.name.pid || lun.name.groups)
		fail("parent", "the unbound socket is named %s",
		     show_addr(&lun.name, lun.name_len, lun.name_errno, b, sizeof(b)));
	if (!lwa.name.pid || lwa.name.groups != (RTMGRP_LINK | RTMGRP_IPV4_IFADDR) ||
	    lwa.groups_len < 8 || lwa.groups[0] != (RTMGRP_LINK | RTMGRP_IPV4_IFADDR) ||
	    lwa.groups[1] != 1u << (GROUP_ABOVE_32 - 33))
		fail("parent", "the watcher is not bound as asked: %s, NETLINK_LIST_MEMBERSHIPS %s",
		     show_addr(&lwa.name, lwa.name_len, lwa.name_errno, b, sizeof(b)),
		     show_groups(&lwa, b + 128, sizeof(b) - 128));
	flag_is("watcher", &lwa, "NETLINK_NO_ENOBUFS", 1);
	if (!(lwa.fl & O_NONBLOCK))
		fail("parent", "the watcher is not O_NONBLOCK");
	if (lqu.name.pid != qport || lqu.peer_errno || lqu.peer.pid || lqu.peer.groups)
		fail("parent", "the querier is not bound to %u and connected to the kernel: %s",
		     qport, show_addr(&lqu.name, lqu.name_len, lqu.name_errno, b, sizeof(b)));
	flag_is("querier", &lqu, "NETLINK_EXT_ACK", 1);
	flag_is("querier", &lqu, "NETLINK_GET_STRICT_CHK", 1);
	flag_is("querier", &lqu, "NETLINK_PKTINFO", 1);
	if (mode == LISTEN_ALL)
		flag_is("unbound socket", &lun, "NETLINK_LISTEN_ALL_NSID", 1);
	refuses_others("before the checkpoint");
}

/* What checkpoint must refuse, in the other modes */
static void refusable(void)
{
	struct request r;

	if (mode == LISTEN_ALL)
		setopt("parent", un, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID,
		       "NETLINK_LISTEN_ALL_NSID", 1);
	if (mode == QUEUED) {
		struct pollfd p = { .fd = wa, .events = POLLIN };
		int fd = route_sock("parent", SOCK_RAW);

		addr_request(&r, RTM_NEWADDR, 101, ip78);
		send_request("parent", fd, &r);
		acknowledged("parent", fd, 101, "adding 127.0.0.78/8 to lo");
		if (poll(&p, 1, 10000) != 1)
			fail("watcher", "no notification of 127.0.0.78 within 10 s");
		addr_request(&r, RTM_DELADDR, 102, ip78);
		send_request("parent", fd, &r);
		acknowledged("parent", fd, 102, "removing 127.0.0.78/8 from lo");
		close(fd);
	}
	if (mode == DUMP) {
		struct pollfd p = { .fd = qu, .events = POLLIN };

		link_request(&r, NLM_F_DUMP, 103, 0);
		send_request("querier", qu, &r);
		if (poll(&p, 1, 10000) != 1)
			fail("querier", "nothing of the dump came within 10 s");
	}
}

static void check_after(void)
{
	struct timespec t0, t1;
	struct request r;
	struct answer a;
	uint32_t uport;
	char c;
	long ms;

	same("unbound socket", un, &lun);
	same("watcher", wa, &lwa);
	same("querier", qu, &lqu);

	refuses_others("after the restart");

	/* nothing queued on the watcher, whose read does not wait */
	if (recv(wa, &c, 1, 0) >= 0 || errno != EAGAIN)
		fail("watcher", "a read gave no EAGAIN (errno %d): something queued, or not O_NONBLOCK",
		     errno);
	/* a read of the querier waits SO_RCVTIMEO (1.5 s) */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (recv(qu, &c, 1, 0) >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		fail("querier", "a read of nothing gave no EAGAIN (errno %d)", errno);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (ms < 1300 || ms > 5000)
		fail("querier", "a read of nothing returned after %ld ms, SO_RCVTIMEO is 1.5 s", ms);

	/* the links, to NLMSG_DONE, for the querier's port id */
	link_request(&r, NLM_F_DUMP, 1001, 0);
	send_request("querier", qu, &r);
	answer("querier", qu, 1001, qport, RTM_NEWLINK, &a);
	if (a.msgs < 1 || a.end != NLMSG_DONE || a.error)
		fail("querier", "the link dump: %d RTM_NEWLINK, then %s with error %d", a.msgs,
		     end_name(a.end), a.error);
	if (a.pktinfo != a.dgrams)
		fail("querier", "NETLINK_PKTINFO: with %d of %d datagrams", a.pktinfo, a.dgrams);
	printf("nlsocks: the querier's link dump: %d links in %d datagrams\n", a.msgs, a.dgrams);

	/* strict checking refuses a dump filtered by index, with the text */
	link_request(&r, NLM_F_DUMP, 1002, if_nametoindex("lo"));
	send_request("querier", qu, &r);
	answer("querier", qu, 1002, qport, RTM_NEWLINK, &a);
	if (a.msgs || a.end != NLMSG_DONE || a.error != -EINVAL)
		fail("querier", "NETLINK_GET_STRICT_CHK: a link dump filtered by index gave %d RTM_NEWLINK, then %s with error %d, not -EINVAL",
		     a.msgs, end_name(a.end), a.error);
	else if (!(a.flags & NLM_F_ACK_TLVS) || !strstr(a.text, "device index"))
		fail("querier", "NETLINK_EXT_ACK: the refused dump's end has flags %#x and text \"%s\"",
		     a.flags, a.text);
	else
		printf("nlsocks: the querier's filtered dump: \"%s\"\n", a.text);

	/* an address on lo, and its notifications */
	addr_request(&r, RTM_NEWADDR, 1003, ip77);
	send_request("unbound socket", un, &r);
	uport = port_of(un);
	acknowledged("unbound socket", un, 1003, "adding 127.0.0.77/8 to lo");
	notified(wa, RTM_NEWADDR, 1003, uport, ip77, "adding 127.0.0.77/8 to lo");
	addr_request(&r, RTM_DELADDR, 1004, ip77);
	send_request("unbound socket", un, &r);
	acknowledged("unbound socket", un, 1004, "removing 127.0.0.77/8 from lo");
	notified(wa, RTM_DELADDR, 1004, uport, ip77, "removing 127.0.0.77/8 from lo");
	printf("nlsocks: the watcher saw 127.0.0.77 added and removed (by port id %u)\n", uport);
}

int main(int argc, char **argv)
{
	int status;
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
			fprintf(stderr, "nlsocks: unknown mode %s\n", argv[2]);
			return 2;
		}
	}
	setup();
	fflush(stdout);
	child = fork();
	if (child == 0)
		_exit(child_main());
	wait_for("child-set");
	refusable();

	look_at(un, &lun);
	look_at(wa, &lwa);
	look_at(qu, &lqu);
	check_setup();
	printf("nlsocks: mode '%s', the watcher has port id %u, the querier %u\n",
	       mode_names[mode], lwa.name.pid, lqu.name.pid);
	fflush(stdout);
	progress(0);
	create("ready");
	while (!exists("stop")) {
		progress(++n);
		nap();
	}

	if (mode == NORMAL)
		check_after();
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fail("parent", "the child found a difference");
	if (mode != NORMAL) {
		printf("nlsocks: mode '%s' ends\n", mode_names[mode]);
		return bad;
	}
	if (!bad)
		printf("netlink sockets intact\n");
	return bad;
}
