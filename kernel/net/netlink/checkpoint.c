// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of netlink sockets of the routing family.
 *
 * A NETLINK_ROUTE socket (what programs keep to watch addresses, links
 * and routes, or to query them) is saved in a NETLINK_SOCK record right
 * before its FILE record: its port id when bound, the multicast groups it
 * listens to, its destination when connected, its netlink flags
 * (NETLINK_PKTINFO, NETLINK_EXT_ACK, ...) and socket options.
 *
 * Restart makes a socket in the restarter's network namespace, binds it
 * to the same port id and joins the groups with the restarter's rights,
 * as bind() and NETLINK_ADD_MEMBERSHIP would.
 *
 * Refused by name: other netlink protocols, messages waiting in the
 * queue (a reply or a notification the program has not read), a dump
 * running, an error pending, NETLINK_LISTEN_ALL_NSID.
 */
#include <linux/checkpoint.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/socket.h>
#include <net/sock.h>

#include "af_netlink.h"

/* The netlink flags a record holds, and the options that set them */
static const struct {
	int nr;
	u32 flag;
	int optname;
} ckpt_netlink_flags[] = {
	{ NETLINK_F_RECV_PKTINFO, CKPT_NETLINK_PKTINFO, NETLINK_PKTINFO },
	{ NETLINK_F_BROADCAST_SEND_ERROR, CKPT_NETLINK_BROADCAST_ERROR,
	  NETLINK_BROADCAST_ERROR },
	{ NETLINK_F_RECV_NO_ENOBUFS, CKPT_NETLINK_NO_ENOBUFS, NETLINK_NO_ENOBUFS },
	{ NETLINK_F_CAP_ACK, CKPT_NETLINK_CAP_ACK, NETLINK_CAP_ACK },
	{ NETLINK_F_EXT_ACK, CKPT_NETLINK_EXT_ACK, NETLINK_EXT_ACK },
	{ NETLINK_F_STRICT_CHK, CKPT_NETLINK_STRICT_CHK, NETLINK_GET_STRICT_CHK },
};

#define CKPT_NETLINK_WORDS	DIV_ROUND_UP(CKPT_NETLINK_GROUPS_MAX, 64)

static bool ckpt_is_netlink(struct ckpt_ctx *ctx, struct file *file)
{
	return ckpt_file_sock(file, AF_NETLINK);
}

/* Why @sk cannot be saved; NULL if it can. */
static const char *ckpt_netlink_unsupported(struct sock *sk)
{
	struct netlink_sock *nlk = nlk_sk(sk);
	const char *why = ckpt_sock_unsupported(sk, false);

	if (why)
		return why;
	if (sk->sk_protocol != NETLINK_ROUTE)
		return "a netlink socket of a protocol other than NETLINK_ROUTE";
	if (sk->sk_type != SOCK_RAW && sk->sk_type != SOCK_DGRAM)
		return "this type of netlink socket";
	if (READ_ONCE(nlk->cb_running))
		return "a netlink socket with a dump running";
	if (skb_queue_len_lockless(&sk->sk_receive_queue))
		return "messages queued on a netlink socket";
	if (READ_ONCE(sk->sk_err))
		return "a netlink socket with an error pending (ENOBUFS)";
	if (nlk_test_bit(LISTEN_ALL_NSID, sk))
		return "NETLINK_LISTEN_ALL_NSID";
	if (READ_ONCE(nlk->ngroups) > CKPT_NETLINK_GROUPS_MAX)
		return "a netlink socket of more multicast groups than an image holds";
	return NULL;
}

/* Fill @rec with @sk's state; its groups in @groups. */
static void ckpt_netlink_fill(struct sock *sk, struct ckpt_rec_netlink_sock *rec,
			      u64 *groups)
{
	struct netlink_sock *nlk = nlk_sk(sk);
	struct socket *sock = sk->sk_socket;
	unsigned long flags;
	int i;

	rec->type = sk->sk_type;
	rec->protocol = sk->sk_protocol;
	/* pairs with netlink_insert()'s release: the port id is set */
	if (smp_load_acquire(&nlk->bound)) {
		rec->flags |= CKPT_NETLINK_BOUND;
		rec->portid = nlk->portid;
	}
	if (READ_ONCE(sk->sk_state) == NETLINK_CONNECTED) {
		rec->flags |= CKPT_NETLINK_CONNECTED;
		rec->dst_portid = READ_ONCE(nlk->dst_portid);
		rec->dst_group = READ_ONCE(nlk->dst_group);
	}
	if (sock->file && (sock->file->f_flags & O_NONBLOCK))
		rec->flags |= CKPT_NETLINK_NONBLOCK;
	for (i = 0; i < ARRAY_SIZE(ckpt_netlink_flags); i++)
		if (test_bit(ckpt_netlink_flags[i].nr, &nlk->flags))
			rec->flags |= ckpt_netlink_flags[i].flag;
	if (test_bit(SOCK_PASSCRED, &sock->flags))
		rec->flags |= CKPT_NETLINK_PASSCRED;
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		rec->flags |= CKPT_NETLINK_SNDBUF;
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		rec->flags |= CKPT_NETLINK_RCVBUF;
	rec->sndbuf = READ_ONCE(sk->sk_sndbuf);
	rec->rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	rec->sndtimeo_ns = ckpt_sock_timeo_ns(READ_ONCE(sk->sk_sndtimeo));
	rec->rcvtimeo_ns = ckpt_sock_timeo_ns(READ_ONCE(sk->sk_rcvtimeo));
	/* the groups change under the table lock (netlink_table_grab()) */
	read_lock_irqsave(&nl_table_lock, flags);
	if (nlk->groups && nlk->subscriptions) {
		rec->ngroups = nlk->ngroups;
		bitmap_to_arr64(groups, nlk->groups, rec->ngroups);
	}
	read_unlock_irqrestore(&nl_table_lock, flags);
}

static int ckpt_netlink_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				   struct ckpt_rec_file *file_rec)
{
	struct ckpt_rec_netlink_sock rec = { .objref = file_rec->objref };
	struct sock *sk = ckpt_file_sock(f->file, AF_NETLINK);
	u64 groups[CKPT_NETLINK_WORDS] = {};
	const char *why;

	/* restart could not share it with anyone outside */
	ckpt_obj_keep_inside(ctx, f->file);
	if (!f->new_file)
		return 0;
	why = ckpt_netlink_unsupported(sk);
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d fd %u (%s): %s is not supported yet",
				f->pid, f->fd, f->path, why);
	ckpt_netlink_fill(sk, &rec, groups);
	return ckpt_write_record(ctx, CKPT_REC_NETLINK_SOCK, &rec.h, sizeof(rec),
				 groups, DIV_ROUND_UP(rec.ngroups, 64) * sizeof(u64));
}

const struct ckpt_file_ops ckpt_netlink_file_ops = {
	.kind = CKPT_FILE_NETLINK,
	.numbered = true,
	.is = ckpt_is_netlink,
	.checkpoint = ckpt_netlink_checkpoint,
	.restart = rst_file_missing,
};

/* Check a NETLINK_SOCK record; read its groups into @groups. */
static int rst_netlink_read(struct ckpt_ctx *ctx,
			    const struct ckpt_rec_netlink_sock *rec, u64 *groups)
{
	u32 known = CKPT_NETLINK_BOUND | CKPT_NETLINK_CONNECTED |
		    CKPT_NETLINK_NONBLOCK | CKPT_NETLINK_PASSCRED |
		    CKPT_NETLINK_SNDBUF | CKPT_NETLINK_RCVBUF;
	bool bound = rec->flags & CKPT_NETLINK_BOUND;
	bool connected = rec->flags & CKPT_NETLINK_CONNECTED;
	u32 words = DIV_ROUND_UP(rec->ngroups, 64);
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_netlink_flags); i++)
		known |= ckpt_netlink_flags[i].flag;
	/* the kernel's port id is 0; connect() binds */
	if ((rec->type != SOCK_RAW && rec->type != SOCK_DGRAM) ||
	    rec->protocol != NETLINK_ROUTE || !rec->objref ||
	    (rec->flags & ~known) || bound != !!rec->portid ||
	    (connected && !bound) ||
	    (!connected && (rec->dst_portid || rec->dst_group)) ||
	    rec->dst_group > 32 || rec->ngroups > CKPT_NETLINK_GROUPS_MAX ||
	    rec->sndtimeo_ns < 0 || rec->rcvtimeo_ns < 0)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad netlink socket (type %u, protocol %u, object %u, flags %#x, port %u, groups %u)",
				ctx->rec_pos, rec->type, rec->protocol,
				rec->objref, rec->flags, rec->portid,
				rec->ngroups);
	ret = ckpt_read_bytes(ctx, groups, words * sizeof(u64));
	if (ret)
		return ret;
	if (rec->ngroups % 64 && (groups[words - 1] >> (rec->ngroups % 64)))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: netlink socket of object %u: a group past its %u",
				ctx->rec_pos, rec->objref, rec->ngroups);
	return 0;
}

static int rst_netlink_setopt(struct socket *sock, int level, int name, int val)
{
	sockptr_t p = KERNEL_SOCKPTR(&val);

	if (level == SOL_SOCKET)
		return sock_setsockopt(sock, level, name, p, sizeof(val));
	return sock->ops->setsockopt(sock, level, name, p, sizeof(val));
}

/* Bind, join the groups, connect, as the saved socket had. */
static int rst_netlink_state(struct socket *sock,
			     const struct ckpt_rec_netlink_sock *rec,
			     const u64 *groups, const char **what)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	u32 g;
	int ret = 0;

	*what = "bind it to its port id";
	if (rec->flags & CKPT_NETLINK_BOUND) {
		sa.nl_pid = rec->portid;
		ret = kernel_bind(sock, (struct sockaddr *)&sa, sizeof(sa));
		if (ret)
			return ret;
	}
	*what = "join its multicast groups";
	for (g = 0; g < rec->ngroups && !ret; g++)
		if (groups[g / 64] & BIT_ULL(g % 64))
			ret = rst_netlink_setopt(sock, SOL_NETLINK,
						 NETLINK_ADD_MEMBERSHIP, g + 1);
	if (ret || !(rec->flags & CKPT_NETLINK_CONNECTED))
		return ret;
	*what = "connect it";
	sa.nl_pid = rec->dst_portid;
	sa.nl_groups = rec->dst_group ? BIT(rec->dst_group - 1) : 0;
	return kernel_connect(sock, (struct sockaddr *)&sa, sizeof(sa), 0);
}

/* Flags and options, as setsockopt() would set them. */
static int rst_netlink_options(struct socket *sock,
			       const struct ckpt_rec_netlink_sock *rec)
{
	struct sock *sk = sock->sk;
	int i, ret = 0;

	for (i = 0; i < ARRAY_SIZE(ckpt_netlink_flags) && !ret; i++)
		if (rec->flags & ckpt_netlink_flags[i].flag)
			ret = rst_netlink_setopt(sock, SOL_NETLINK,
						 ckpt_netlink_flags[i].optname, 1);
	if (!ret && (rec->flags & CKPT_NETLINK_PASSCRED))
		ret = rst_netlink_setopt(sock, SOL_SOCKET, SO_PASSCRED, 1);
	/* setsockopt() doubles what it is given, within the sysctl's bound */
	if (!ret && (rec->flags & CKPT_NETLINK_SNDBUF))
		ret = rst_netlink_setopt(sock, SOL_SOCKET, SO_SNDBUF,
					 min_t(u32, rec->sndbuf / 2, INT_MAX));
	if (!ret && (rec->flags & CKPT_NETLINK_RCVBUF))
		ret = rst_netlink_setopt(sock, SOL_SOCKET, SO_RCVBUF,
					 min_t(u32, rec->rcvbuf / 2, INT_MAX));
	if (ret)
		return ret;
	lock_sock(sk);
	rst_sock_timeouts(sk, rec->sndtimeo_ns, rec->rcvtimeo_ns);
	release_sock(sk);
	return 0;
}

/* Make the socket of @rec, its open file in @file. */
static int rst_netlink_make(struct ckpt_ctx *ctx,
			    const struct ckpt_rec_netlink_sock *rec,
			    const u64 *groups, struct file **file)
{
	const char *what = "make it";
	struct socket *sock;
	int ret;

	ret = sock_create(AF_NETLINK, rec->type, rec->protocol, &sock);
	if (ret)
		goto fail;
	*file = sock_alloc_file(sock, O_RDWR | ((rec->flags & CKPT_NETLINK_NONBLOCK) ?
						O_NONBLOCK : 0), NULL);
	if (IS_ERR(*file)) {
		/* sock_alloc_file() released the socket */
		ret = PTR_ERR(*file);
		*file = NULL;
		goto fail;
	}
	ret = rst_netlink_state(sock, rec, groups, &what);
	if (!ret) {
		what = "set its options";
		ret = rst_netlink_options(sock, rec);
	}
	if (!ret)
		return 0;
	fput(*file);
	*file = NULL;
fail:
	return ckpt_err(ctx, ret,
			"netlink socket of object %u (port id %u): cannot %s again: error %d",
			rec->objref, rec->portid, what, ret);
}

/**
 * rst_netlink_sock - make the netlink socket of a NETLINK_SOCK record
 * @ctx: the restart
 * @h: header of a CKPT_REC_NETLINK_SOCK record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_netlink_sock(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_netlink_sock rec = { .h = *h };
	u64 groups[CKPT_NETLINK_WORDS] = {};
	struct file *file = NULL;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_netlink_read(ctx, &rec, groups);
	if (!ret)
		ret = rst_netlink_make(ctx, &rec, groups, &file);
	if (!ret)
		ret = rst_new_file(ctx, rec.objref, file);
	return ret;
}
