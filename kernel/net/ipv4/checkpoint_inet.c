// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of TCP and UDP sockets, IPv4 and IPv6.
 *
 * A socket is saved once, in an INET_SOCK record right before the FILE
 * record that first names it: family, protocol, state, addresses, the
 * options programs set (SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE,
 * SO_BROADCAST, SO_LINGER, SO_PRIORITY, SO_SNDBUF, SO_RCVBUF, SO_SNDTIMEO,
 * SO_RCVTIMEO, SO_PEEK_OFF, IP_TOS, IP_TTL, IPV6_TCLASS,
 * IPV6_UNICAST_HOPS, IPV6_V6ONLY and the TCP ones of checkpoint_tcp.c)
 * and O_NONBLOCK.
 *
 * Supported: TCP and UDP sockets not connected (bound or not), listening
 * TCP sockets with no connection waiting to be accepted, connected UDP
 * sockets, the datagrams queued on a UDP socket (checkpoint_udp.c),
 * established TCP connections (checkpoint_tcp.c).  Everything else is refused by name: other
 * protocols, other network namespaces, sockets bound to a device, socket
 * filters, marks, multicast memberships, options restart would not set
 * again, and what checkpoint_udp.c and checkpoint_tcp.c refuse.
 *
 * Restart makes the socket again in the restarter's network namespace,
 * with the restarter's rights: binding the same address and port is
 * bind()'s business, with bind()'s checks.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "checkpoint_inet.h"

static bool ckpt_is_inet(struct ckpt_ctx *ctx, struct file *file)
{
	return ckpt_file_sock(file, AF_INET);
}

static bool ckpt_is_tcp(const struct sock *sk)
{
	return sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP;
}

static bool ckpt_is_udp(const struct sock *sk)
{
	return sk->sk_type == SOCK_DGRAM && sk->sk_protocol == IPPROTO_UDP;
}

static bool ckpt_inet_multicast(struct sock *sk)
{
	if (rcu_access_pointer(inet_sk(sk)->mc_list))
		return true;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    rcu_access_pointer(inet6_sk(sk)->ipv6_mc_list))
		return true;
#endif
	return false;
}

/*
 * The first IP option set on @sk that restart would not set again, or
 * NULL: a socket that would come back without it is refused.
 */
static const char *ckpt_inet_lost_option(struct sock *sk)
{
	/* (an accepted TCP socket has the SYN's; they only matter to UDP) */
	if (sk->sk_protocol == IPPROTO_UDP &&
	    (READ_ONCE(inet_sk(sk)->mc_ttl) != 1 ||
	     !inet_test_bit(MC_LOOP, sk) || READ_ONCE(inet_sk(sk)->mc_index) ||
	     inet_sk(sk)->mc_addr))
		return "IP_MULTICAST_TTL, IP_MULTICAST_LOOP or IP_MULTICAST_IF";
	if (inet_cmsg_flags(inet_sk(sk)))
		return "IP control messages (IP_PKTINFO, IP_RECVTOS, ...)";
	if (inet_test_bit(RECVERR, sk) || inet_test_bit(FREEBIND, sk) ||
	    inet_test_bit(TRANSPARENT, sk) ||
	    inet_test_bit(BIND_ADDRESS_NO_PORT, sk) ||
	    inet_test_bit(NODEFRAG, sk))
		return "IP_RECVERR, IP_FREEBIND, IP_TRANSPARENT, IP_BIND_ADDRESS_NO_PORT or IP_NODEFRAG";
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    (inet6_sk(sk)->rxopt.all || inet_test_bit(RECVERR6, sk)))
		return "IPv6 control messages (IPV6_RECVPKTINFO, ...)";
#endif
	return NULL;
}

/* Why @sk cannot be saved; NULL if it can.  Under the socket lock. */
const char *ckpt_inet_unsupported(struct sock *sk)
{
	const char *why;

	if (sk->sk_type == SOCK_RAW)
		return "a raw IP socket";
	if (!ckpt_is_tcp(sk) && !ckpt_is_udp(sk))
		return "an IP socket of a protocol other than TCP and UDP";
	why = ckpt_sock_unsupported(sk, true);
	if (why)
		return why;
	if (ckpt_inet_multicast(sk))
		return "multicast group memberships";
	if (sk->sk_family == AF_INET6 &&
	    (READ_ONCE(inet_sk(sk)->tos) || inet_sk(sk)->uc_ttl != -1))
		return "IP_TOS or IP_TTL on an IPv6 socket";
	why = ckpt_inet_lost_option(sk);
	if (why)
		return why;
	return ckpt_is_tcp(sk) ? ckpt_tcp_unsupported(sk) :
				 ckpt_udp_unsupported(sk);
}

static void ckpt_inet_addrs(struct sock *sk, struct ckpt_rec_inet_sock *rec)
{
	struct inet_sock *inet = inet_sk(sk);

	if (sk->sk_family == AF_INET) {
		memcpy(rec->local.addr, &inet->inet_rcv_saddr, 4);
		memcpy(rec->remote.addr, &inet->inet_daddr, 4);
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		memcpy(rec->local.addr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(rec->remote.addr, &sk->sk_v6_daddr, 16);
	}
#endif
	rec->local.port = inet->inet_num;
	rec->remote.port = ntohs(inet->inet_dport);
}

/* The IP-level options: TOS and TTL of IPv4, traffic class, hops of IPv6 */
static void ckpt_inet_ip_options(struct sock *sk,
				 struct ckpt_rec_inet_sock *rec)
{
	int ttl = inet_sk(sk)->uc_ttl;

	rec->tos = READ_ONCE(inet_sk(sk)->tos);
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		rec->tos = READ_ONCE(inet6_sk(sk)->tclass);
		ttl = READ_ONCE(inet6_sk(sk)->hop_limit);
	}
#endif
	rec->ttl = ttl > 0 ? ttl : 0;
}

/* The sk_userlocks bits, and the record flags that say them */
static const struct {
	u8 lock;
	u32 flag;
} ckpt_inet_locks[] = {
	{ SOCK_SNDBUF_LOCK, CKPT_INET_SNDBUF },
	{ SOCK_RCVBUF_LOCK, CKPT_INET_RCVBUF },
	{ SOCK_BINDADDR_LOCK, CKPT_INET_BOUND_ADDR },
	{ SOCK_BINDPORT_LOCK, CKPT_INET_BOUND_PORT },
};

static void ckpt_inet_options(struct sock *sk,
			      struct ckpt_rec_inet_sock *rec)
{
	struct socket *sock = sk->sk_socket;
	u32 f = 0;
	int i;

	if (sock && sock->file && (sock->file->f_flags & O_NONBLOCK))
		f |= CKPT_INET_NONBLOCK;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
		f |= CKPT_INET_SHUT_RD;
	if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
		f |= CKPT_INET_SHUT_WR;
	for (i = 0; i < ARRAY_SIZE(ckpt_inet_locks); i++)
		if (sk->sk_userlocks & ckpt_inet_locks[i].lock)
			f |= ckpt_inet_locks[i].flag;
	if (sk->sk_reuse)
		f |= CKPT_INET_REUSEADDR;
	if (sk->sk_reuseport)
		f |= CKPT_INET_REUSEPORT;
	if (sock_flag(sk, SOCK_KEEPOPEN))
		f |= CKPT_INET_KEEPALIVE;
	if (sock_flag(sk, SOCK_BROADCAST))
		f |= CKPT_INET_BROADCAST;
	if (sock_flag(sk, SOCK_LINGER)) {
		f |= CKPT_INET_LINGER;
		rec->linger_sec = READ_ONCE(sk->sk_lingertime) / HZ;
	}
	if (sk->sk_family == AF_INET6 && sk->sk_ipv6only)
		f |= CKPT_INET_V6ONLY;
	rec->flags = f;
	rec->sndbuf = READ_ONCE(sk->sk_sndbuf);
	rec->rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	rec->sndtimeo_ns = ckpt_sock_timeo_ns(READ_ONCE(sk->sk_sndtimeo));
	rec->rcvtimeo_ns = ckpt_sock_timeo_ns(READ_ONCE(sk->sk_rcvtimeo));
	rec->peek_off = READ_ONCE(sk->sk_peek_off);
	rec->priority = READ_ONCE(sk->sk_priority);
	ckpt_inet_ip_options(sk, rec);
}

/**
 * ckpt_inet_fill - the record of @sk, but for a connection's queues
 * @sk: a socket that ckpt_inet_unsupported() accepts, locked
 * @rec: its record, objref already set
 */
void ckpt_inet_fill(struct sock *sk, struct ckpt_rec_inet_sock *rec)
{
	rec->family = sk->sk_family;
	rec->type = sk->sk_type;
	rec->protocol = sk->sk_protocol;
	rec->state = sk->sk_state;
	ckpt_inet_addrs(sk, rec);
	ckpt_inet_options(sk, rec);
	if (ckpt_is_tcp(sk))
		ckpt_tcp_options(sk, rec);
}

static int ckpt_inet_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				struct ckpt_rec_file *file_rec)
{
	struct sock *sk = ckpt_file_sock(f->file, AF_INET);
	struct ckpt_rec_inet_sock rec = { .objref = file_rec->objref };
	const char *why;
	u32 ref, *state;
	u8 *data = NULL;
	int ret = 0;

	lock_sock(sk);
	why = ckpt_inet_unsupported(sk);
	if (!why)
		ckpt_inet_fill(sk, &rec);
	if (!why && ckpt_is_udp(sk) && f->new_file)
		ret = ckpt_udp_queue(sk, &rec, &data, &why);
	release_sock(sk);
	if (why)
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "pid %d fd %u (%s): %s is not supported yet",
			       f->pid, f->fd, f->path, why);
	if (ret)
		goto out;
	/* restart could not share it with anyone outside */
	ckpt_obj_keep_inside(ctx, f->file);
	state = ckpt_obj_state(ctx, sk, &ref);
	ret = PTR_ERR_OR_ZERO(state);
	if (ret || (*state & CKPT_INET_WRITTEN))
		goto out;
	if (ckpt_is_tcp(sk) && ckpt_tcp_connected(rec.state))
		ret = ckpt_tcp_connection(ctx, f, sk, file_rec->objref);
	else
		ret = ckpt_write_record(ctx, CKPT_REC_INET_SOCK, &rec.h,
					sizeof(rec), data, rec.nr_dgrams *
					sizeof(struct ckpt_inet_dgram) +
					rec.dgrams_len);
	if (!ret)
		*state |= CKPT_INET_WRITTEN;
out:
	kvfree(data);
	return ret;
}

const struct ckpt_file_ops ckpt_inet_file_ops = {
	.kind = CKPT_FILE_INET,
	.numbered = true,
	.is = ckpt_is_inet,
	.checkpoint = ckpt_inet_checkpoint,
	.restart = rst_file_missing,
};

/**
 * ckpt_inet_sockaddr - a socket address of @rec's family
 * @rec: the socket's record
 * @a: an address and port of it
 * @ss: filled with the address
 *
 * Return: the address's length.
 */
int ckpt_inet_sockaddr(const struct ckpt_rec_inet_sock *rec,
		       const struct ckpt_inet_addr *a,
		       struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (rec->family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(a->port);
		memcpy(&sin->sin_addr, a->addr, 4);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(a->port);
	memcpy(&sin6->sin6_addr, a->addr, 16);
	return sizeof(*sin6);
}

int rst_inet_setopt(struct socket *sock, int level, int name, int val)
{
	if (level == SOL_SOCKET)
		return sock_setsockopt(sock, level, name, KERNEL_SOCKPTR(&val),
				       sizeof(val));
	return sock->ops->setsockopt(sock, level, name, KERNEL_SOCKPTR(&val),
				     sizeof(val));
}

static bool rst_inet_addr_ok(const struct ckpt_rec_inet_sock *rec,
			     const struct ckpt_inet_addr *a)
{
	return !a->pad && !a->pad2 &&
	       (rec->family == AF_INET6 || !memchr_inv(a->addr + 4, 0, 12));
}

/* Is @rec a socket that restart() makes?  Its TCP part is checked apart. */
static int rst_inet_check(struct ckpt_ctx *ctx,
			  const struct ckpt_rec_inet_sock *rec)
{
	const u32 known = CKPT_INET_NONBLOCK | CKPT_INET_SHUT_RD |
			  CKPT_INET_SHUT_WR | CKPT_INET_SNDBUF |
			  CKPT_INET_RCVBUF | CKPT_INET_REUSEADDR |
			  CKPT_INET_REUSEPORT | CKPT_INET_KEEPALIVE |
			  CKPT_INET_BROADCAST | CKPT_INET_LINGER |
			  CKPT_INET_V6ONLY | CKPT_INET_BOUND_ADDR |
			  CKPT_INET_BOUND_PORT | CKPT_INET_NODELAY |
			  CKPT_INET_CORK;
	bool tcp = rec->type == SOCK_STREAM && rec->protocol == IPPROTO_TCP;
	bool udp = rec->type == SOCK_DGRAM && rec->protocol == IPPROTO_UDP;
	bool connected = rec->state == TCP_ESTABLISHED ||
			 (tcp && rec->state == TCP_CLOSE_WAIT);

	if ((rec->family != AF_INET && rec->family != AF_INET6) ||
	    (!tcp && !udp) ||
	    (!connected && rec->state != TCP_CLOSE &&
	     (!tcp || rec->state != TCP_LISTEN)))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad IP socket (family %u, type %u, protocol %u, state %u)",
				ctx->rec_pos, rec->family, rec->type,
				rec->protocol, rec->state);
	if (!rec->objref || (rec->flags & ~known) || rec->pad ||
	    (!tcp && (rec->flags & (CKPT_INET_NODELAY | CKPT_INET_CORK))) ||
	    (rec->family != AF_INET6 && (rec->flags & CKPT_INET_V6ONLY)) ||
	    !rst_inet_addr_ok(rec, &rec->local) ||
	    !rst_inet_addr_ok(rec, &rec->remote) ||
	    (connected != !!rec->remote.port) ||
	    (connected && !rec->local.port) ||
	    (rec->state == TCP_LISTEN && !rec->local.port) ||
	    (!connected && memchr_inv(rec->remote.addr, 0, 16)) ||
	    (rec->state != TCP_LISTEN && rec->backlog) ||
	    rec->sndtimeo_ns < 0 || rec->rcvtimeo_ns < 0 ||
	    rec->peek_off < -1 || rec->linger_sec > INT_MAX / HZ ||
	    (!(rec->flags & CKPT_INET_LINGER) && rec->linger_sec) ||
	    rec->sndbuf > INT_MAX || rec->rcvbuf > INT_MAX)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad IP socket of object %u (flags %#x, ports %u and %u)",
				ctx->rec_pos, rec->objref, rec->flags,
				rec->local.port, rec->remote.port);
	if ((tcp && (rec->nr_dgrams || rec->dgrams_len)) ||
	    rec->nr_dgrams > CKPT_INET_DGRAMS_MAX ||
	    rec->dgrams_len > CKPT_INET_QUEUE_MAX)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: IP socket %u: %u datagrams of %u bytes",
				ctx->rec_pos, rec->objref, rec->nr_dgrams,
				rec->dgrams_len);
	if (!tcp && (rec->keepidle || rec->keepintvl || rec->keepcnt ||
		     rec->user_timeout || rec->notsent_lowat ||
		     rec->congestion[0] ||
		     memchr_inv(&rec->tcp, 0, sizeof(rec->tcp))))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: TCP fields in the record of UDP socket %u",
				ctx->rec_pos, rec->objref);
	return tcp ? rst_tcp_check(ctx, rec) : 0;
}

/* The options of SOL_SOCKET and IP level, as setsockopt() sets them */
static int rst_inet_options(struct socket *sock,
			    const struct ckpt_rec_inet_sock *rec)
{
	const struct { u32 flag; int name; } bools[] = {
		{ CKPT_INET_REUSEADDR, SO_REUSEADDR },
		{ CKPT_INET_REUSEPORT, SO_REUSEPORT },
		{ CKPT_INET_BROADCAST, SO_BROADCAST },
	};
	bool v6 = rec->family == AF_INET6;
	struct sock *sk = sock->sk;
	int i, ret = 0;

	for (i = 0; i < ARRAY_SIZE(bools) && !ret; i++)
		if (rec->flags & bools[i].flag)
			ret = rst_inet_setopt(sock, SOL_SOCKET, bools[i].name, 1);
	if (!ret && v6)
		ret = rst_inet_setopt(sock, SOL_IPV6, IPV6_V6ONLY,
				      !!(rec->flags & CKPT_INET_V6ONLY));
	if (!ret && rec->priority)
		ret = rst_inet_setopt(sock, SOL_SOCKET, SO_PRIORITY,
				      rec->priority);
	if (!ret && rec->peek_off >= 0)
		ret = rst_inet_setopt(sock, SOL_SOCKET, SO_PEEK_OFF,
				      rec->peek_off);
	if (!ret && rec->tos)
		ret = rst_inet_setopt(sock, v6 ? SOL_IPV6 : SOL_IP,
				      v6 ? IPV6_TCLASS : IP_TOS, rec->tos);
	if (!ret && rec->ttl)
		ret = rst_inet_setopt(sock, v6 ? SOL_IPV6 : SOL_IP,
				      v6 ? IPV6_UNICAST_HOPS : IP_TTL, rec->ttl);
	if (ret)
		return ret;
	lock_sock(sk);
	if (rec->flags & CKPT_INET_LINGER) {
		sock_set_flag(sk, SOCK_LINGER);
		WRITE_ONCE(sk->sk_lingertime, rec->linger_sec * HZ);
	}
	rst_sock_timeouts(sk, rec->sndtimeo_ns, rec->rcvtimeo_ns);
	release_sock(sk);
	return 0;
}

/*
 * A buffer size from the image, as the restarter may set it: without
 * CAP_NET_ADMIN in the network namespace, at most what SO_SNDBUF or
 * SO_RCVBUF would give it (twice the sysctl's maximum), as
 * SO_SNDBUFFORCE would refuse more.
 */
static int rst_inet_bufsize(struct sock *sk, u32 want, u32 min, u32 sysctl_max)
{
	u32 max = INT_MAX;

	if (!ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN))
		max = min_t(u32, 2 * sysctl_max, INT_MAX);
	return clamp(want, min, max);
}

/* Buffer sizes, bind locks, shutdown: the last touches of any socket */
int rst_inet_finish(struct socket *sock, const struct ckpt_rec_inet_sock *rec)
{
	int how = (rec->flags & CKPT_INET_SHUT_RD) ?
		  ((rec->flags & CKPT_INET_SHUT_WR) ? SHUT_RDWR : SHUT_RD) :
		  ((rec->flags & CKPT_INET_SHUT_WR) ? SHUT_WR : -1);
	struct sock *sk = sock->sk;
	u8 locks = sk->sk_userlocks;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_inet_locks); i++) {
		locks &= ~ckpt_inet_locks[i].lock;
		if (rec->flags & ckpt_inet_locks[i].flag)
			locks |= ckpt_inet_locks[i].lock;
	}
	lock_sock(sk);
	WRITE_ONCE(sk->sk_sndbuf,
		   rst_inet_bufsize(sk, rec->sndbuf, SOCK_MIN_SNDBUF,
				    READ_ONCE(sysctl_wmem_max)));
	WRITE_ONCE(sk->sk_rcvbuf,
		   rst_inet_bufsize(sk, rec->rcvbuf, SOCK_MIN_RCVBUF,
				    READ_ONCE(sysctl_rmem_max)));
	sk->sk_userlocks = locks;
	release_sock(sk);
	if (how < 0)
		return 0;
	ret = kernel_sock_shutdown(sock, how);
	/* a socket not connected is shut down all the same, as it was */
	return ret == -ENOTCONN ? 0 : ret;
}

/* Bind, connect or listen as @rec's socket had; TCP connections apart. */
static int rst_inet_state(struct socket *sock,
			  const struct ckpt_rec_inet_sock *rec)
{
	struct sockaddr_storage ss;
	int len, ret = 0;

	if (rec->local.port) {
		len = ckpt_inet_sockaddr(rec, &rec->local, &ss);
		ret = kernel_bind(sock, (struct sockaddr *)&ss, len);
	}
	if (!ret && rec->state == TCP_LISTEN)
		ret = kernel_listen(sock, rec->backlog);
	if (!ret && rec->state == TCP_ESTABLISHED) {
		len = ckpt_inet_sockaddr(rec, &rec->remote, &ss);
		ret = kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
	}
	return ret;
}

static int rst_inet_make(struct ckpt_ctx *ctx,
			 const struct ckpt_rec_inet_sock *rec, u8 **data,
			 struct file **filep)
{
	bool tcp_conn = rec->protocol == IPPROTO_TCP &&
			ckpt_tcp_connected(rec->state);
	struct socket *sock;
	struct file *file;
	int ret;

	ret = sock_create(rec->family, rec->type, rec->protocol, &sock);
	if (ret)
		return ret;
	file = sock_alloc_file(sock, O_RDWR | ((rec->flags & CKPT_INET_NONBLOCK) ?
					       O_NONBLOCK : 0), NULL);
	if (IS_ERR(file))	/* sock_alloc_file() released the socket */
		return PTR_ERR(file);
	ret = rst_inet_options(sock, rec);
	if (!ret && rec->protocol == IPPROTO_TCP)
		ret = rst_tcp_options(sock, rec);
	if (!ret && tcp_conn)
		ret = rst_tcp_established(ctx, file, rec, data);
	if (!ret && !tcp_conn)
		ret = rst_inet_state(sock, rec);
	if (!ret && !tcp_conn)
		ret = rst_inet_finish(sock, rec);
	if (!ret && rec->nr_dgrams)
		ret = rst_udp_queue(sock, rec, *data);
	if (ret) {
		fput(file);
		return ret;
	}
	*filep = file;
	return 0;
}

/**
 * rst_inet_sock - make the socket of an INET_SOCK record
 * @ctx: the restart
 * @h: header of a CKPT_REC_INET_SOCK record
 *
 * An established TCP connection is rebuilt once the whole image is read
 * (rst_tcp_commit()); every other socket is made here.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_inet_sock(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_inet_sock rec = { .h = *h };
	struct file *file = NULL;
	u8 *data = NULL;
	u32 len;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_inet_check(ctx, &rec);
	if (ret)
		return ret;
	/* (bounded by rst_inet_check(): no overflow) */
	len = rec.tcp.send_len + rec.tcp.recv_len + rec.dgrams_len +
	      rec.nr_dgrams * sizeof(struct ckpt_inet_dgram);
	if (len) {
		data = kvmalloc(len, GFP_KERNEL | __GFP_NOWARN);
		if (!data)
			return -ENOMEM;
		ret = ckpt_read_bytes(ctx, data, len);
	}
	if (!ret && rec.nr_dgrams)
		ret = rst_udp_check(ctx, &rec, data);
	if (!ret) {
		/* a TCP connection takes @data until it is committed */
		ret = rst_inet_make(ctx, &rec, &data, &file);
		if (ret)
			ret = ckpt_err(ctx, ret,
				       "%s socket of object %u (port %u): cannot make it again: error %d",
				       rec.protocol == IPPROTO_TCP ? "TCP" : "UDP",
				       rec.objref, rec.local.port, ret);
	}
	kvfree(data);
	if (!ret)
		ret = rst_new_file(ctx, rec.objref, file);
	return ret;
}
