// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of TCP connections.
 *
 * Checkpoint saves an established connection together with its peer,
 * which the tree must hold too (a connection over loopback or another
 * local address): both sockets are locked while their state is copied,
 * so that the two records describe the same instant (nothing one end
 * sends after that is lost: the sender's image still has it in its send
 * queue).  Each record holds the sequence numbers, windows, negotiated
 * options and both queues: the send queue from snd_una (the retransmit
 * queue, then what was not sent yet) and the receive queue from
 * copied_seq, copied: a checkpoint that leaves the tree running takes
 * nothing.  Data received out of order is not saved: the peer, which
 * the receiver never acknowledged it to cumulatively, still has it.
 * With CHECKPOINT_KILL the saved connections are put in repair mode
 * before the tree is killed, so that closing them sends nothing.
 *
 * Restart makes each socket when its record is read and rebuilds the
 * connection with TCP repair once the whole image is read, so that
 * listening sockets own their ports first and both ends exist: bind and
 * connect in repair mode (no handshake), the negotiated options, the
 * receive queue, the windows and the timestamp; then, once every
 * connection is built, each leaves repair mode (a window probe) and
 * sends its send queue again from snd_una, which the peer takes as a
 * retransmission.  TCP repair needs CAP_NET_ADMIN in the restarter's
 * network namespace, as the socket option does: a connection's sequence
 * numbers are what keeps others from injecting data into it.
 *
 * A connection whose peer is outside the tree is saved alone when the
 * caller locked the network (CHECKPOINT_NET_LOCKED: its rule drops the
 * connection's packets from before the checkpoint until the restart, so
 * that the peer's bytes are neither acknowledged after the copy nor
 * answered with a reset while the tree is down); without it, refused.
 *
 * A connection its peer closed (CLOSE_WAIT) is saved as an established
 * one whose FIN follows the receive queue; restart adds the FIN back.
 *
 * Refused by name: connections being opened or closed (SYN_SENT,
 * FIN_WAIT1, LAST_ACK, ...), connections not accepted yet, urgent
 * data, TCP-MD5 and TCP-AO keys, upper-layer protocols (kTLS), TCP fast
 * open, TCP_DEFER_ACCEPT, a socket in repair mode, queues larger than an
 * image holds.
 */
#include <linux/checkpoint.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <linux/xarray.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "checkpoint_inet.h"

/* Bytes of queues restart() keeps until the connections are built */
#define RST_TCP_PENDING_MAX	(256U << 20)

/* An established connection to build once the whole image is read */
struct rst_tcp {
	struct rst_tcp *next;
	struct file *file;		/* referenced */
	struct ckpt_rec_inet_sock rec;
	u8 *data;			/* the send queue, then the receive queue */
};

static const char * const ckpt_tcp_states[TCP_MAX_STATES] = {
	[TCP_SYN_SENT] = "a TCP connection being opened (SYN_SENT)",
	[TCP_SYN_RECV] = "a TCP connection being opened (SYN_RECV)",
	[TCP_FIN_WAIT1] = "a TCP connection being closed (FIN_WAIT1)",
	[TCP_FIN_WAIT2] = "a TCP connection being closed (FIN_WAIT2)",
	[TCP_TIME_WAIT] = "a TCP connection being closed (TIME_WAIT)",
	[TCP_LAST_ACK] = "a TCP connection being closed (LAST_ACK)",
	[TCP_CLOSING] = "a TCP connection being closed (CLOSING)",
};

static const char *ckpt_tcp_listen_unsupported(struct sock *sk)
{
	struct request_sock_queue *q = &inet_csk(sk)->icsk_accept_queue;

	if (reqsk_queue_len(q) || !reqsk_queue_empty(q))
		return "connections waiting to be accepted on a listening TCP socket";
	if (READ_ONCE(q->fastopenq.max_qlen))
		return "TCP fast open on a listening socket";
	if (READ_ONCE(q->rskq_defer_accept))
		return "TCP_DEFER_ACCEPT on a listening socket";
	return NULL;
}

static const char *ckpt_tcp_established_unsupported(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->repair)
		return "a TCP socket in repair mode";
	if (READ_ONCE(tp->urg_data))
		return "urgent data (MSG_OOB) on a TCP connection";
	if (rcu_access_pointer(tp->fastopen_rsk))
		return "a TCP fast open connection not acknowledged yet";
	return NULL;
}

/* The first TCP option set on @sk that restart would not set again */
static const char *ckpt_tcp_lost_option(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (READ_ONCE(tp->rx_opt.user_mss))
		return "TCP_MAXSEG";
	if (tp->thin_lto || tp->fastopen_connect || tp->save_syn ||
	    READ_ONCE(tp->tcp_tx_delay) || tp->recvmsg_inq)
		return "TCP_THIN_LINEAR_TIMEOUTS, TCP_FASTOPEN_CONNECT, TCP_SAVE_SYN, TCP_TX_DELAY or TCP_INQ";
	if (READ_ONCE(inet_csk(sk)->icsk_syn_retries))
		return "TCP_SYNCNT";
	if (READ_ONCE(tp->linger2))
		return "TCP_LINGER2";
	return NULL;
}

/* Why the TCP socket @sk cannot be saved; NULL if it can.  Locked. */
const char *ckpt_tcp_unsupported(struct sock *sk)
{
	const char *why = ckpt_tcp_lost_option(sk);

	if (why)
		return why;
	if (inet_csk(sk)->icsk_ulp_ops)
		return "an upper-layer protocol on a TCP socket (kTLS, ...)";
#ifdef CONFIG_TCP_MD5SIG
	if (rcu_access_pointer(tcp_sk(sk)->md5sig_info))
		return "TCP-MD5 keys (TCP_MD5SIG)";
#endif
#ifdef CONFIG_TCP_AO
	if (rcu_access_pointer(tcp_sk(sk)->ao_info))
		return "TCP-AO keys";
#endif
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		return ckpt_tcp_established_unsupported(sk);
	case TCP_LISTEN:
		return ckpt_tcp_listen_unsupported(sk);
	case TCP_CLOSE:
		if (READ_ONCE(sk->sk_err) || READ_ONCE(sk->sk_shutdown) ||
		    !skb_queue_empty_lockless(&sk->sk_receive_queue))
			return "a TCP socket whose connection ended";
		return NULL;
	}
	if (sk->sk_state < TCP_MAX_STATES && ckpt_tcp_states[sk->sk_state])
		return ckpt_tcp_states[sk->sk_state];
	return "a TCP socket in this state";
}

/* The TCP-level options programs set. */
void ckpt_tcp_options(struct sock *sk, struct ckpt_rec_inet_sock *rec)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->nonagle & TCP_NAGLE_OFF)
		rec->flags |= CKPT_INET_NODELAY;
	if (tp->nonagle & TCP_NAGLE_CORK)
		rec->flags |= CKPT_INET_CORK;
	rec->keepidle = READ_ONCE(tp->keepalive_time) / HZ;
	rec->keepintvl = READ_ONCE(tp->keepalive_intvl) / HZ;
	rec->keepcnt = READ_ONCE(tp->keepalive_probes);
	rec->user_timeout = READ_ONCE(icsk->icsk_user_timeout);
	rec->notsent_lowat = READ_ONCE(tp->notsent_lowat);
	if (icsk->icsk_ca_setsockopt && icsk->icsk_ca_ops)
		strscpy(rec->congestion, icsk->icsk_ca_ops->name,
			sizeof(rec->congestion));
}

static void ckpt_tcp_state(struct sock *sk, struct ckpt_inet_tcp *t)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 ts = tcp_clock_ts(tp->tcp_usec_ts) + READ_ONCE(tp->tsoffset);

	t->send_seq = tp->snd_una;
	t->send_len = tp->write_seq - tp->snd_una;
	t->recv_seq = tp->copied_seq;
	/* (in CLOSE_WAIT, the peer's FIN takes a sequence number too) */
	t->recv_len = tp->rcv_nxt - tp->copied_seq -
		      (sk->sk_state == TCP_CLOSE_WAIT);
	t->snd_wl1 = tp->snd_wl1;
	t->snd_wnd = tp->snd_wnd;
	t->max_window = tp->max_window;
	t->rcv_wnd = tp->rcv_wnd;
	t->rcv_wup = tp->rcv_wup;
	t->mss_clamp = tp->rx_opt.mss_clamp;
	/* as getsockopt(TCP_TIMESTAMP) reads it */
	t->timestamp = tp->tcp_usec_ts ? ts | 1 : ts & ~1;
	if (tp->rx_opt.sack_ok)
		t->opts |= CKPT_TCP_OPT_SACK;
	if (tp->rx_opt.tstamp_ok)
		t->opts |= CKPT_TCP_OPT_TSTAMP;
	if (tp->rx_opt.wscale_ok) {
		t->opts |= CKPT_TCP_OPT_WSCALE;
		t->snd_wscale = tp->rx_opt.snd_wscale;
		t->rcv_wscale = tp->rx_opt.rcv_wscale;
	}
}

/* Copy what @skb holds from sequence number *@seq on, up to @len bytes. */
static int ckpt_tcp_copy_skb(const struct sk_buff *skb, u32 *seq, u8 *buf,
			     u32 *done, u32 len)
{
	u32 start = TCP_SKB_CB(skb)->seq, off, n;

	if (*done == len)
		return 0;
	if (before(*seq, start))
		return -EAGAIN;		/* a hole: the queue is not whole */
	off = *seq - start;
	if (off >= skb->len)
		return 0;
	n = min(skb->len - off, len - *done);
	if (skb_copy_bits(skb, off, buf + *done, n))
		return -EFAULT;
	*done += n;
	*seq += n;
	return 0;
}

static int ckpt_tcp_copy_queues(struct sock *sk, const struct ckpt_inet_tcp *t,
				u8 *buf)
{
	u32 seq = t->send_seq, done = 0;
	struct sk_buff *skb;
	int ret = 0;

	for (skb = skb_rb_first(&sk->tcp_rtx_queue); skb && !ret;
	     skb = skb_rb_next(skb))
		ret = ckpt_tcp_copy_skb(skb, &seq, buf, &done, t->send_len);
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (ret)
			break;
		ret = ckpt_tcp_copy_skb(skb, &seq, buf, &done, t->send_len);
	}
	if (!ret && done != t->send_len)
		ret = -EAGAIN;
	buf += t->send_len;
	seq = t->recv_seq;
	done = 0;
	skb_queue_walk(&sk->sk_receive_queue, skb) {
		if (ret)
			break;
		ret = ckpt_tcp_copy_skb(skb, &seq, buf, &done, t->recv_len);
	}
	if (!ret && done != t->recv_len)
		ret = -EAGAIN;
	return ret;
}

/* Fill @rec for the locked connection @sk and copy its queues. */
static int ckpt_tcp_save(struct sock *sk, struct ckpt_rec_inet_sock *rec,
			 u8 **data, const char **why)
{
	*why = ckpt_inet_unsupported(sk);
	if (*why)
		return -EOPNOTSUPP;
	ckpt_inet_fill(sk, rec);
	ckpt_tcp_state(sk, &rec->tcp);
	if (rec->tcp.send_len > CKPT_INET_QUEUE_MAX ||
	    rec->tcp.recv_len > CKPT_INET_QUEUE_MAX) {
		*why = "a TCP queue larger than an image holds";
		return -EOPNOTSUPP;
	}
	*data = kvmalloc(rec->tcp.send_len + rec->tcp.recv_len + 1,
			 GFP_KERNEL | __GFP_NOWARN);
	if (!*data)
		return -ENOMEM;
	return ckpt_tcp_copy_queues(sk, &rec->tcp, *data);
}

/* The other end of @sk's connection, if this host has it; referenced. */
static struct sock *ckpt_tcp_peer(struct sock *sk)
{
	struct net *net = sock_net(sk);
	struct inet_hashinfo *hash = net->ipv4.tcp_death_row.hashinfo;
	struct inet_sock *inet = inet_sk(sk);

#if IS_BUILTIN(CONFIG_IPV6)
	/* (a v4-mapped connection has its IPv4 addresses too) */
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr))
		return __inet6_lookup_established(net, hash,
						  &sk->sk_v6_rcv_saddr,
						  inet->inet_sport,
						  &sk->sk_v6_daddr,
						  ntohs(inet->inet_dport), 0, 0);
#else
	if (sk->sk_family == AF_INET6)
		return NULL;
#endif
	return inet_lookup_established(net, hash, inet->inet_saddr,
				       inet->inet_sport, inet->inet_daddr,
				       inet->inet_dport, 0);
}

/*
 * The objref of @peer's open file, which the tree must hold; 0 if the
 * peer is outside the tree and the caller locked the network for it.
 */
static int ckpt_tcp_peer_ref(struct ckpt_ctx *ctx, struct sock *sk,
			     struct sock *peer, u32 *ref, const char **why)
{
	bool locked = ctx->flags & CHECKPOINT_NET_LOCKED;
	struct file *file;
	int ret;

	*ref = 0;
	*why = "a TCP connection to a peer outside the checkpointed tree, the network not locked,";
	if (peer == sk) {
		*why = "a TCP socket connected to itself";
		return -EOPNOTSUPP;
	}
	/* a peer no file holds (closed, or not accepted yet) is outside */
	file = peer && sk_fullsock(peer) && peer->sk_socket ?
	       peer->sk_socket->file : NULL;
	if (!file || !ckpt_tree_holds_file(ctx, file)) {
		if (!locked)
			return -EOPNOTSUPP;
		*why = NULL;
		return 0;
	}
	*why = NULL;
	ret = ckpt_obj_file_ref(ctx, file, ref);
	if (!ret)
		ckpt_obj_keep_inside(ctx, file);
	return ret;
}

/*
 * Both ends, locked together: their records describe one instant.  Just
 * @socks[0] when @socks[1] is NULL.
 */
static int ckpt_tcp_save_both(struct sock **socks,
			      struct ckpt_rec_inet_sock *rec, u8 **data,
			      const char **why)
{
	bool swap = socks[1] && socks[1] < socks[0];
	int ret;

	if (!socks[1]) {
		lock_sock(socks[0]);
		ret = ckpt_tcp_save(socks[0], &rec[0], &data[0], why);
		release_sock(socks[0]);
		return ret;
	}
	lock_sock(socks[swap]);
	lock_sock_nested(socks[!swap], SINGLE_DEPTH_NESTING);
	ret = ckpt_tcp_save(socks[0], &rec[0], &data[0], why);
	if (!ret)
		ret = ckpt_tcp_save(socks[1], &rec[1], &data[1], why);
	release_sock(socks[!swap]);
	release_sock(socks[swap]);
	return ret;
}

/* Remember @sk for ckpt_tcp_end(). */
static int ckpt_tcp_note(struct ckpt_ctx *ctx, struct sock *sk)
{
	u32 id;
	int ret = xa_alloc(&ctx->tcp_socks, &id, sk, xa_limit_32b,
			   GFP_KERNEL);

	if (!ret)
		sock_hold(sk);
	return ret;
}

static int ckpt_tcp_write(struct ckpt_ctx *ctx, struct sock **socks,
			  struct ckpt_rec_inet_sock *rec, u8 **data)
{
	int i, n = socks[1] ? 2 : 1, ret = 0;
	u32 ref, *state;

	for (i = 0; i < n && !ret; i++)
		ret = ckpt_write_record(ctx, CKPT_REC_INET_SOCK, &rec[i].h,
					sizeof(rec[i]), data[i],
					rec[i].tcp.send_len +
					rec[i].tcp.recv_len);
	for (i = 0; i < n && !ret; i++)
		ret = ckpt_tcp_note(ctx, socks[i]);
	if (ret || n == 1)
		return ret;
	state = ckpt_obj_state(ctx, socks[1], &ref);
	if (IS_ERR(state))
		return PTR_ERR(state);
	*state |= CKPT_INET_WRITTEN;
	return 0;
}

/**
 * ckpt_tcp_connection - save an established connection and its peer
 * @ctx: the checkpoint
 * @f: the descriptor of @sk
 * @sk: the connection
 * @objref: the objref of its open file
 *
 * Writes the INET_SOCK records of both ends, or of @sk alone when its
 * peer is outside the tree and the caller locked the network
 * (CHECKPOINT_NET_LOCKED); the caller notes that @sk's is written.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int ckpt_tcp_connection(struct ckpt_ctx *ctx, struct ckpt_fd *f,
			struct sock *sk, u32 objref)
{
	struct ckpt_rec_inet_sock rec[2] = { { .objref = objref } };
	struct sock *socks[2] = { sk, ckpt_tcp_peer(sk) };
	const char *why = NULL;
	u8 *data[2] = {};
	int ret;

	ret = ckpt_tcp_peer_ref(ctx, sk, socks[1], &rec[1].objref, &why);
	if (!ret && !rec[1].objref && socks[1]) {
		sock_gen_put(socks[1]);	/* outside the tree */
		socks[1] = NULL;
	}
	if (!ret)
		ret = ckpt_tcp_save_both(socks, rec, data, &why);
	if (why)
		ret = ckpt_err(ctx, ret,
			       "pid %d fd %u (%s): %s is not supported yet",
			       f->pid, f->fd, f->path, why);
	else if (ret)
		ret = ckpt_err(ctx, ret,
			       "pid %d fd %u (%s): cannot save the TCP connection: error %d",
			       f->pid, f->fd, f->path, ret);
	else
		ret = ckpt_tcp_write(ctx, socks, rec, data);
	kvfree(data[0]);
	kvfree(data[1]);
	if (socks[1])
		sock_gen_put(socks[1]);
	return ret;
}

/**
 * ckpt_tcp_end - let go of the connections checkpoint saved
 * @ctx: the checkpoint
 * @quiet: the tree is killed: close them without a word to their peers
 */
void ckpt_tcp_end(struct ckpt_ctx *ctx, bool quiet)
{
	unsigned long i;
	struct sock *sk;

	xa_for_each(&ctx->tcp_socks, i, sk) {
		if (quiet) {
			/* tcp_close() of a socket in repair sends nothing */
			lock_sock(sk);
			tcp_sk(sk)->repair = 1;
			tcp_sk(sk)->repair_queue = TCP_NO_QUEUE;
			release_sock(sk);
		}
		sock_put(sk);
	}
	xa_destroy(&ctx->tcp_socks);
}

/* The TCP part of an INET_SOCK record, checked */
int rst_tcp_check(struct ckpt_ctx *ctx, const struct ckpt_rec_inet_sock *rec)
{
	const struct ckpt_inet_tcp *t = &rec->tcp;
	const u16 opts = CKPT_TCP_OPT_SACK | CKPT_TCP_OPT_TSTAMP |
			 CKPT_TCP_OPT_WSCALE;
	u32 rcv_nxt = t->recv_seq + t->recv_len +
		      (rec->state == TCP_CLOSE_WAIT);

	if (strnlen(rec->congestion, sizeof(rec->congestion)) ==
	    sizeof(rec->congestion) || (rec->flags & CKPT_INET_SHUT_WR))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad TCP socket of object %u",
				ctx->rec_pos, rec->objref);
	if (!ckpt_tcp_connected(rec->state)) {
		if (memchr_inv(t, 0, sizeof(*t)))
			return ckpt_err(ctx, -EINVAL,
					"offset %lld: connection state in the record of TCP socket %u, which is not connected",
					ctx->rec_pos, rec->objref);
		return 0;
	}
	if (t->send_len > CKPT_INET_QUEUE_MAX ||
	    t->recv_len > CKPT_INET_QUEUE_MAX || (t->opts & ~opts) ||
	    t->snd_wscale > TCP_MAX_WSCALE || t->rcv_wscale > TCP_MAX_WSCALE ||
	    (!(t->opts & CKPT_TCP_OPT_WSCALE) &&
	     (t->snd_wscale || t->rcv_wscale)) ||
	    t->mss_clamp < TCP_MIN_MSS || t->mss_clamp > U16_MAX ||
	    t->max_window < t->snd_wnd ||
	    after(t->rcv_wup, rcv_nxt) ||
	    after(t->snd_wl1, rcv_nxt + t->rcv_wnd))
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad TCP connection of object %u (queues of %u and %u bytes, options %#x, MSS %u)",
				ctx->rec_pos, rec->objref, t->send_len,
				t->recv_len, t->opts, t->mss_clamp);
	return 0;
}

/* The TCP-level options, as setsockopt() sets them */
int rst_tcp_options(struct socket *sock, const struct ckpt_rec_inet_sock *rec)
{
	const struct { u32 val; int name; } opts[] = {
		{ !!(rec->flags & CKPT_INET_NODELAY), TCP_NODELAY },
		{ !!(rec->flags & CKPT_INET_CORK), TCP_CORK },
		{ rec->keepidle, TCP_KEEPIDLE },
		{ rec->keepintvl, TCP_KEEPINTVL },
		{ rec->keepcnt, TCP_KEEPCNT },
		{ rec->user_timeout, TCP_USER_TIMEOUT },
	};
	int i, ret = 0;

	for (i = 0; i < ARRAY_SIZE(opts) && !ret; i++)
		if (opts[i].val)
			ret = rst_inet_setopt(sock, SOL_TCP, opts[i].name,
					      opts[i].val);
	if (!ret && rec->congestion[0]) {
		char name[sizeof(rec->congestion)];

		strscpy(name, rec->congestion, sizeof(name));
		ret = sock->ops->setsockopt(sock, SOL_TCP, TCP_CONGESTION,
					    KERNEL_SOCKPTR(name), strlen(name));
	}
	if (!ret && !ckpt_tcp_connected(rec->state) &&
	    (rec->flags & CKPT_INET_KEEPALIVE))
		ret = rst_inet_setopt(sock, SOL_SOCKET, SO_KEEPALIVE, 1);
	if (!ret && !ckpt_tcp_connected(rec->state) && rec->notsent_lowat)
		ret = rst_inet_setopt(sock, SOL_TCP, TCP_NOTSENT_LOWAT,
				      rec->notsent_lowat);
	return ret;
}

/**
 * rst_tcp_established - note a connection to build at the end
 * @ctx: the restart
 * @file: its new socket's open file
 * @rec: its record, checked
 * @data: its queues, which it takes (NULL then) on success
 *
 * The socket enters repair mode now: the restarter needs CAP_NET_ADMIN
 * in its network namespace.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_tcp_established(struct ckpt_ctx *ctx, struct file *file,
			const struct ckpt_rec_inet_sock *rec, u8 **data)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	u32 len = rec->tcp.send_len + rec->tcp.recv_len;
	struct rst_tcp *t, **tail;
	int ret;

	ret = rst_inet_setopt(sock_from_file(file), SOL_TCP, TCP_REPAIR,
			      TCP_REPAIR_ON);
	if (ret == -EPERM)
		return ckpt_err(ctx, ret,
				"TCP connection of object %u: rebuilding a connection (TCP repair) needs CAP_NET_ADMIN in the network namespace",
				rec->objref);
	if (ret)
		return ret;
	if (len > RST_TCP_PENDING_MAX - owner->tcp_pending_bytes)
		return ckpt_err(ctx, -ENOSPC,
				"TCP connection of object %u: the image's TCP queues hold more than %u MiB",
				rec->objref, RST_TCP_PENDING_MAX >> 20);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->file = get_file(file);
	t->rec = *rec;
	t->data = *data;
	*data = NULL;
	owner->tcp_pending_bytes += len;
	for (tail = &owner->tcp_pending; *tail; tail = &(*tail)->next)
		;
	*tail = t;
	return 0;
}

static int rst_tcp_setopt(struct socket *sock, int name, void *val, int len)
{
	return sock->ops->setsockopt(sock, SOL_TCP, name, KERNEL_SOCKPTR(val),
				     len);
}

/* Send @len bytes of @buf, all of them, without waiting */
static int rst_tcp_send(struct socket *sock, u8 *buf, u32 len)
{
	u32 done = 0;
	int ret = 0;

	while (done < len) {
		struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
		struct kvec iov = { buf + done, len - done };

		ret = kernel_sendmsg(sock, &msg, &iov, 1, len - done);
		if (ret <= 0)
			return ret ?: -ENOBUFS;
		done += ret;
	}
	return 0;
}

/* The connection's own options, as the handshake had negotiated them */
static int rst_tcp_negotiated(struct socket *sock, const struct ckpt_inet_tcp *t)
{
	struct tcp_repair_opt opts[4];
	int n = 0;

	opts[n++] = (struct tcp_repair_opt) { TCPOPT_MSS, t->mss_clamp };
	if (t->opts & CKPT_TCP_OPT_WSCALE)
		opts[n++] = (struct tcp_repair_opt) {
			TCPOPT_WINDOW, t->snd_wscale | (t->rcv_wscale << 16) };
	if (t->opts & CKPT_TCP_OPT_SACK)
		opts[n++] = (struct tcp_repair_opt) { TCPOPT_SACK_PERM, 0 };
	if (t->opts & CKPT_TCP_OPT_TSTAMP)
		opts[n++] = (struct tcp_repair_opt) { TCPOPT_TIMESTAMP, 0 };
	return rst_tcp_setopt(sock, TCP_REPAIR_OPTIONS, opts, n * sizeof(*opts));
}

/*
 * The peer's FIN, which the connection had received and acknowledged
 * (CLOSE_WAIT): after the receive queue, the program reads EOF; it may
 * still send.  As tcp_fin() does on the FIN's arrival.
 */
static void rst_tcp_fin(struct sock *sk)
{
	lock_sock(sk);
	WRITE_ONCE(tcp_sk(sk)->rcv_nxt, tcp_sk(sk)->rcv_nxt + 1);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);
	tcp_set_state(sk, TCP_CLOSE_WAIT);
	release_sock(sk);
}

/* Connect in repair mode; fill the receive queue, set the windows. */
static int rst_tcp_build(struct rst_tcp *t)
{
	struct socket *sock = sock_from_file(t->file);
	const struct ckpt_rec_inet_sock *rec = &t->rec;
	const struct ckpt_inet_tcp *tcp = &rec->tcp;
	struct tcp_repair_window win = {
		.snd_wl1 = tcp->snd_wl1, .snd_wnd = tcp->snd_wnd,
		.max_window = tcp->max_window, .rcv_wnd = tcp->rcv_wnd,
		.rcv_wup = tcp->rcv_wup,
	};
	struct sockaddr_storage ss;
	int len, ret;

	ret = rst_inet_setopt(sock, SOL_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE);
	if (!ret)
		ret = rst_inet_setopt(sock, SOL_TCP, TCP_QUEUE_SEQ,
				      tcp->send_seq);
	if (!ret)
		ret = rst_inet_setopt(sock, SOL_TCP, TCP_REPAIR_QUEUE,
				      TCP_RECV_QUEUE);
	if (!ret)
		ret = rst_inet_setopt(sock, SOL_TCP, TCP_QUEUE_SEQ,
				      tcp->recv_seq);
	if (ret)
		return ret;
	/* in repair mode: the port is shared, connect() sends nothing */
	len = ckpt_inet_sockaddr(rec, &rec->local, &ss);
	ret = kernel_bind(sock, (struct sockaddr *)&ss, len);
	if (!ret) {
		len = ckpt_inet_sockaddr(rec, &rec->remote, &ss);
		ret = kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
	}
	if (!ret)
		ret = rst_tcp_negotiated(sock, tcp);
	if (ret)
		return ret;
	/* what the receive queue held fits, whatever the buffer's size */
	WRITE_ONCE(sock->sk->sk_rcvbuf, INT_MAX / 2);
	ret = rst_tcp_send(sock, t->data + tcp->send_len, tcp->recv_len);
	if (!ret && rec->state == TCP_CLOSE_WAIT)
		rst_tcp_fin(sock->sk);
	if (!ret)
		ret = rst_tcp_setopt(sock, TCP_REPAIR_WINDOW, &win, sizeof(win));
	if (!ret && (tcp->opts & CKPT_TCP_OPT_TSTAMP))
		ret = rst_inet_setopt(sock, SOL_TCP, TCP_TIMESTAMP,
				      tcp->timestamp);
	if (!ret)
		ret = rst_inet_setopt(sock, SOL_TCP, TCP_REPAIR_QUEUE,
				      TCP_NO_QUEUE);
	return ret;
}

/*
 * Did the peer answer the connection with a reset (it is gone, or lost
 * the connection while the tree was down)?  Then the connection is back
 * as it was and ended by its peer: the program sees ECONNRESET, as it
 * would have had the reset come while it ran.
 */
static bool rst_tcp_reset_by_peer(struct sock *sk)
{
	if (READ_ONCE(sk->sk_state) != TCP_CLOSE)
		return false;
	/* (the failed send took the error: the program's call gets it) */
	WRITE_ONCE(sk->sk_err, ECONNRESET);
	return true;
}

/* Leave repair mode, send the send queue again, the last options. */
static int rst_tcp_release(struct rst_tcp *t)
{
	struct socket *sock = sock_from_file(t->file);
	const struct ckpt_rec_inet_sock *rec = &t->rec;
	int ret;

	ret = rst_inet_setopt(sock, SOL_TCP, TCP_REPAIR, TCP_REPAIR_OFF);
	/* leaving repair mode forgot SO_REUSEADDR */
	if (!ret && (rec->flags & CKPT_INET_REUSEADDR))
		ret = rst_inet_setopt(sock, SOL_SOCKET, SO_REUSEADDR, 1);
	if (ret)
		return ret;
	WRITE_ONCE(sock->sk->sk_sndbuf, INT_MAX / 2);
	ret = rst_tcp_send(sock, t->data, rec->tcp.send_len);
	if (ret && rst_tcp_reset_by_peer(sock->sk))
		ret = 0;
	if (!ret && (rec->flags & CKPT_INET_KEEPALIVE))
		ret = rst_inet_setopt(sock, SOL_SOCKET, SO_KEEPALIVE, 1);
	if (!ret && rec->notsent_lowat)
		ret = rst_inet_setopt(sock, SOL_TCP, TCP_NOTSENT_LOWAT,
				      rec->notsent_lowat);
	if (!ret)
		ret = rst_inet_finish(sock, rec);
	return ret;
}

static int rst_tcp_failed(struct ckpt_ctx *ctx, struct rst_tcp *t, int ret)
{
	struct sockaddr_storage local, remote;

	ckpt_inet_sockaddr(&t->rec, &t->rec.local, &local);
	ckpt_inet_sockaddr(&t->rec, &t->rec.remote, &remote);
	return ckpt_err(ctx, ret,
			"TCP connection %pISpc to %pISpc (object %u): cannot rebuild it: error %d",
			&local, &remote, t->rec.objref, ret);
}

/**
 * rst_tcp_commit - build the connections the image holds
 * @ctx: the restart, once the whole image is read
 *
 * Every connection is built in repair mode first, so that both ends of
 * one inside the tree exist before either sends anything.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_tcp_commit(struct ckpt_ctx *ctx)
{
	struct rst_tcp *t;
	int ret;

	for (t = ctx->tcp_pending; t; t = t->next) {
		ret = rst_tcp_build(t);
		if (ret)
			return rst_tcp_failed(ctx, t, ret);
	}
	for (t = ctx->tcp_pending; t; t = t->next) {
		ret = rst_tcp_release(t);
		if (ret)
			return rst_tcp_failed(ctx, t, ret);
	}
	return 0;
}

/* Free the connections noted for rst_tcp_commit(). */
void rst_tcp_end(struct ckpt_ctx *ctx)
{
	struct rst_tcp *t;

	while ((t = ctx->tcp_pending)) {
		ctx->tcp_pending = t->next;
		fput(t->file);
		kvfree(t->data);
		kfree(t);
	}
	ctx->tcp_pending_bytes = 0;
}
