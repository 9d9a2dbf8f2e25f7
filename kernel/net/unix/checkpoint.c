// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of UNIX sockets.
 *
 * A pair of connected UNIX sockets (stream, datagram or seqpacket: from
 * socketpair(), or a connection and the socket accept() made for it)
 * whose ends the tree holds, or whose other end was closed, is saved
 * once, in a UNIX_PAIR record right before the FILE record that first
 * names one of its ends: both ends with their open files' objrefs,
 * options (SO_PASSCRED, SO_SNDBUF, SO_RCVBUF, SO_SNDTIMEO, SO_RCVTIMEO,
 * SO_PEEK_OFF), O_NONBLOCK and shutdown state, addresses (an abstract
 * name an end is bound to; the listener's address an accepted socket
 * carries), and what each end's receive queue holds, message by message,
 * copied (a checkpoint that leaves the tree running takes nothing).
 *
 * Restart makes a new pair, gives the ends their addresses, sends each
 * queue again from the other end (so that datagram and seqpacket
 * boundaries stay), shuts down what was shut down, and notes both open
 * files under their objrefs; an end that was closed is closed again, so
 * that the other reads what is left, then EOF, as before.
 *
 * A socket that is not connected is saved alone, in a UNIX_SOCK record:
 * unbound, bound (a path or an abstract name) or listening, with its
 * options.  Restart binds a path socket again to the socket file the
 * checkpointed socket left behind when no socket is bound to it (inode,
 * owner and mode stay), or makes that file again; see
 * unix_ckpt_bind_inode().
 *
 * Refused by name: connections waiting to be accepted and a connection
 * not accepted yet, datagrams queued on a socket that is not connected, a
 * connected socket bound to a path, a socket file removed or out of
 * reach, a peer that something outside the tree holds, descriptors in
 * flight (SCM_RIGHTS), out-of-band data, and data queued for a reader
 * that asked for credentials (SO_PASSCRED: restart would send them as
 * its own).
 */
#include <linux/checkpoint.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/security.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/af_unix.h>
#include <net/sock.h>

/* ckpt_obj_state() of a pair */
#define CKPT_UNIX_WRITTEN	BIT(0)

/* One end's receive queue and address, as saved */
struct ckpt_unix_queue {
	u32 *lens;
	u8 *data;
	u8 addr[CKPT_UNIX_ADDR_MAX];
};

static bool ckpt_is_unix(struct ckpt_ctx *ctx, struct file *file)
{
	return ckpt_file_sock(file, AF_UNIX);
}

/*
 * The address of @sk in @addr, as a UNIX_PAIR or UNIX_SOCK record holds
 * it: sun_path's bytes, a path name without its NUL; its length.
 */
static u32 ckpt_unix_addr(struct sock *sk, u8 *addr)
{
	/* pairs with bind()'s release: the address is whole */
	struct unix_address *a = smp_load_acquire(&unix_sk(sk)->addr);
	u32 len;

	if (!a)
		return 0;
	len = a->len - offsetof(struct sockaddr_un, sun_path);
	if (a->name->sun_path[0])
		len = strnlen(a->name->sun_path, len);
	len = min_t(u32, len, CKPT_UNIX_ADDR_MAX);
	memcpy(addr, a->name->sun_path, len);
	return len;
}

/* Why @sk, an end of the pair, cannot be saved; NULL if it can. */
static const char *ckpt_unix_unsupported(struct sock *sk, bool data_queued)
{
	struct unix_sock *u = unix_sk(sk);
	/* pairs with bind()'s release: the address is whole */
	struct unix_address *addr = smp_load_acquire(&u->addr);

	const char *why = ckpt_sock_unsupported(sk, false);

	if (why)
		return why;
	if (sk->sk_state == TCP_LISTEN)
		return "a listening UNIX socket that is connected";
	if (!u->peer)
		return "a UNIX socket that is not connected";
	if (addr && addr->name->sun_path[0] && unix_ckpt_owns_addr(sk))
		return "a connected UNIX socket bound to a path";
	if (!sock_flag(u->peer, SOCK_DEAD) && unix_sk(u->peer)->peer != sk)
		return "a UNIX socket connected to a socket that is not connected back";
	if (sk->sk_type != SOCK_STREAM && sk->sk_type != SOCK_DGRAM &&
	    sk->sk_type != SOCK_SEQPACKET)
		return "this type of UNIX socket";
#if IS_ENABLED(CONFIG_AF_UNIX_OOB)
	if (READ_ONCE(u->oob_skb))
		return "out-of-band data on a UNIX socket";
#endif
	if (data_queued && test_bit(SOCK_PASSCRED, &sk->sk_socket->flags))
		return "data queued for a UNIX socket with SO_PASSCRED";
	return NULL;
}

/* Copy @sk's receive queue: one length per message, the bytes after. */
static int ckpt_unix_queue(struct sock *sk, struct ckpt_unix_end *end,
			   struct ckpt_unix_queue *q, const char **why)
{
	struct sk_buff_head *queue = &sk->sk_receive_queue;
	bool stream = sk->sk_type == SOCK_STREAM;
	u32 nr = 0, len = 0, off = 0, skip, n;
	struct sk_buff *skb;
	int ret = 0;

	spin_lock(&queue->lock);
	skb_queue_walk(queue, skb) {
		if (UNIXCB(skb).fp)
			*why = "descriptors in flight (SCM_RIGHTS) on a UNIX socket";
		nr++;
		len += skb->len - (stream ? UNIXCB(skb).consumed : 0);
	}
	spin_unlock(&queue->lock);
	if (*why)
		return -EOPNOTSUPP;
	if (len > CKPT_UNIX_QUEUE_MAX || nr > CKPT_UNIX_MSGS_MAX) {
		*why = "a UNIX socket queue larger than an image holds";
		return -EOPNOTSUPP;
	}
	if (stream)
		nr = len ? 1 : 0;
	q->lens = kvcalloc(max_t(u32, nr, 1), sizeof(u32), GFP_KERNEL | __GFP_NOWARN);
	q->data = kvmalloc(max_t(u32, len, 1), GFP_KERNEL | __GFP_NOWARN);
	if (!q->lens || !q->data)
		return -ENOMEM;
	/* the tree is frozen and holds the other end: the queue stays */
	spin_lock(&queue->lock);
	nr = 0;
	skb_queue_walk(queue, skb) {
		skip = stream ? UNIXCB(skb).consumed : 0;
		n = skb->len - skip;
		if (off + n > len) {
			ret = -EAGAIN;
			break;
		}
		ret = skb_copy_bits(skb, skip, q->data + off, n);
		if (ret)
			break;
		if (!stream)
			q->lens[nr++] = n;
		off += n;
	}
	spin_unlock(&queue->lock);
	if (stream && off)
		q->lens[nr++] = off;
	end->nr_msgs = nr;
	end->len = off;
	return ret;
}

/* The options, flags and address of @sk in @end, @q */
static void ckpt_unix_options(struct sock *sk, struct ckpt_unix_end *end,
			      struct ckpt_unix_queue *q)
{
	struct socket *sock = sk->sk_socket;

	end->addr_len = ckpt_unix_addr(sk, q->addr);
	if (end->addr_len && unix_ckpt_owns_addr(sk))
		end->flags |= CKPT_UNIX_BOUND;
	if (sock && sock->file && (sock->file->f_flags & O_NONBLOCK))
		end->flags |= CKPT_UNIX_NONBLOCK;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
		end->flags |= CKPT_UNIX_SHUT_RD;
	if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
		end->flags |= CKPT_UNIX_SHUT_WR;
	if (sock && test_bit(SOCK_PASSCRED, &sock->flags))
		end->flags |= CKPT_UNIX_PASSCRED;
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		end->flags |= CKPT_UNIX_SNDBUF;
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		end->flags |= CKPT_UNIX_RCVBUF;
	end->sndbuf = READ_ONCE(sk->sk_sndbuf);
	end->rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	end->sndtimeo_ns = ckpt_sock_timeo_ns(READ_ONCE(sk->sk_sndtimeo));
	end->rcvtimeo_ns = ckpt_sock_timeo_ns(READ_ONCE(sk->sk_rcvtimeo));
	end->peek_off = READ_ONCE(sk->sk_peek_off);
}

/* Fill @end for @sk, whose open file has objref @objref (0: closed). */
static int ckpt_unix_end(struct sock *sk, u32 objref, struct ckpt_unix_end *end,
			 struct ckpt_unix_queue *q, const char **why)
{
	int ret;

	*end = (struct ckpt_unix_end) { .objref = objref };
	ret = ckpt_unix_queue(sk, end, q, why);
	if (ret)
		return ret;
	if (objref) {
		*why = ckpt_unix_unsupported(sk, end->len || end->nr_msgs);
		if (*why)
			return -EOPNOTSUPP;
	}
	ckpt_unix_options(sk, end, q);
	return 0;
}

/*
 * The objref of the open file of @peer, the other end: 0 if it was
 * closed; -EBUSY if something outside the tree holds it, -EAGAIN if it
 * waits in a listener's queue to be accepted.
 */
static int ckpt_unix_peer_ref(struct ckpt_ctx *ctx, struct sock *peer,
			      u32 *ref)
{
	struct socket *sock = peer->sk_socket;
	struct file *file = sock ? sock->file : NULL;

	*ref = 0;
	if (sock_flag(peer, SOCK_DEAD))
		return 0;
	if (!sock)
		return -EAGAIN;
	if (!file)
		return 0;
	if (!ckpt_tree_holds_file(ctx, file))
		return -EBUSY;
	return ckpt_obj_file_ref(ctx, file, ref);
}

static int ckpt_unix_write(struct ckpt_ctx *ctx, struct ckpt_fd *f,
			   struct sock *sk, struct sock *peer, u32 objref)
{
	struct ckpt_unix_queue q[2] = {};
	struct ckpt_rec_unix_pair rec = { .type = sk->sk_type };
	const char *why = NULL;
	u32 peer_ref, off, i;
	u8 *data = NULL;
	int ret;

	ret = ckpt_unix_peer_ref(ctx, peer, &peer_ref);
	if (ret == -EBUSY)
		return ckpt_err(ctx, -EBUSY,
				"pid %d fd %u (%s): a UNIX socket whose peer is held outside the checkpointed tree is not supported yet",
				f->pid, f->fd, f->path);
	if (ret == -EAGAIN)
		return ckpt_err(ctx, -EAGAIN,
				"pid %d fd %u (%s): a UNIX socket whose connection is not accepted yet is not supported",
				f->pid, f->fd, f->path);
	if (!ret)
		ret = ckpt_unix_end(sk, objref, &rec.end[0], &q[0], &why);
	if (!ret)
		ret = ckpt_unix_end(peer, peer_ref, &rec.end[1], &q[1], &why);
	if (why) {
		ret = ckpt_err(ctx, ret, "pid %d fd %u (%s): %s is not supported yet",
			       f->pid, f->fd, f->path, why);
		goto out;
	}
	if (ret)
		goto out;
	off = (rec.end[0].nr_msgs + rec.end[1].nr_msgs) * sizeof(u32);
	data = kvmalloc(off + rec.end[0].len + rec.end[1].len +
			2 * CKPT_UNIX_ADDR_MAX, GFP_KERNEL | __GFP_NOWARN);
	ret = -ENOMEM;
	if (!data)
		goto out;
	memcpy(data, q[0].lens, rec.end[0].nr_msgs * sizeof(u32));
	memcpy(data + rec.end[0].nr_msgs * sizeof(u32), q[1].lens,
	       rec.end[1].nr_msgs * sizeof(u32));
	for (i = 0; i < 2; i++) {
		memcpy(data + off, q[i].data, rec.end[i].len);
		off += rec.end[i].len;
	}
	for (i = 0; i < 2; i++) {
		memcpy(data + off, q[i].addr, rec.end[i].addr_len);
		off += rec.end[i].addr_len;
	}
	ret = ckpt_write_record(ctx, CKPT_REC_UNIX_PAIR, &rec.h, sizeof(rec),
				data, off);
out:
	kvfree(data);
	for (i = 0; i < 2; i++) {
		kvfree(q[i].lens);
		kvfree(q[i].data);
	}
	return ret;
}

/* Is @sk a datagram socket connected one way, to @peer? */
static bool ckpt_unix_one_way(struct sock *sk, struct sock *peer)
{
	return sk->sk_type == SOCK_DGRAM && !sock_flag(peer, SOCK_DEAD) &&
	       unix_sk(peer)->peer != sk;
}

/* Why @sk, not a pair's end, cannot be saved; NULL if it can. */
static const char *ckpt_unix_lone_unsupported(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);
	struct dentry *dentry = u->path.dentry;
	const char *why = ckpt_sock_unsupported(sk, false);

	if (why)
		return why;
	if (sk->sk_type != SOCK_STREAM && sk->sk_type != SOCK_DGRAM &&
	    sk->sk_type != SOCK_SEQPACKET)
		return "this type of UNIX socket";
	if (skb_queue_len_lockless(&sk->sk_receive_queue))
		return sk->sk_state == TCP_LISTEN ?
		       "connections waiting to be accepted on a listening UNIX socket" :
		       (u->peer ? "datagrams queued on a UNIX socket connected one way" :
			"datagrams queued on a UNIX socket that is not connected");
	if (!READ_ONCE(u->addr))
		return NULL;
	if (!unix_ckpt_owns_addr(sk))
		return "a UNIX socket with an address it is not bound to";
	if (dentry && d_unlinked(dentry))
		return "a UNIX socket whose socket file was removed";
	return NULL;
}

/*
 * The path of the socket file @sk is bound to, seen from the caller's
 * root, in @buf (PATH_MAX bytes); NULL if it has none; an ERR_PTR if no
 * path leads to it.
 */
static char *ckpt_unix_file_path(struct sock *sk, char *buf)
{
	const struct path *bound = &unix_sk(sk)->path;
	struct path found;
	char *path;
	int ret;

	if (!bound->dentry)
		return NULL;
	path = d_path(bound, buf, PATH_MAX);
	if (IS_ERR(path))
		return path;
	/* a mount over it, or over a directory on the way, hides it */
	ret = kern_path(path, 0, &found);
	if (ret)
		return ERR_PTR(ret);
	if (found.dentry != bound->dentry || found.mnt != bound->mnt)
		path = ERR_PTR(-ENOENT);
	path_put(&found);
	return path;
}

/*
 * The name of @peer, the socket a datagram socket is connected to, in
 * @buf (PATH_MAX bytes): the path of its socket file, or its abstract
 * name; its length, or 0 and @why.  The tree must hold @peer: restart
 * connects to its name, which must lead to the same socket.
 */
static u32 ckpt_unix_peer_name(struct ckpt_ctx *ctx, struct sock *peer,
			       char *buf, const char **why)
{
	/* pairs with bind()'s release: the address is whole */
	struct unix_address *a = smp_load_acquire(&unix_sk(peer)->addr);
	struct socket *sock = peer->sk_socket;
	char *path;
	u32 len;

	*why = "a datagram UNIX socket connected to a socket outside the checkpointed tree (a system logger?)";
	if (!sock || !sock->file || !ckpt_tree_holds_file(ctx, sock->file))
		return 0;
	*why = "a datagram UNIX socket connected to a socket without a name";
	if (!a)
		return 0;
	if (!a->name->sun_path[0]) {
		len = a->len - offsetof(struct sockaddr_un, sun_path);
		memcpy(buf, a->name->sun_path, len);
		return len;
	}
	*why = "a datagram UNIX socket connected to a socket file removed, out of reach or of too long a path";
	path = ckpt_unix_file_path(peer, buf);
	if (IS_ERR_OR_NULL(path) || strlen(path) > CKPT_UNIX_ADDR_MAX)
		return 0;
	len = strlen(path);
	memmove(buf, path, len);
	return len;
}

/* Write the UNIX_SOCK record of @sk, not a pair's end; @peer: its peer or NULL. */
static int ckpt_unix_lone(struct ckpt_ctx *ctx, struct ckpt_fd *f,
			  struct sock *sk, struct sock *peer, u32 objref)
{
	struct ckpt_rec_unix_sock rec = {
		.type = sk->sk_type,
		.end.objref = objref,
	};
	const char *why = ckpt_unix_lone_unsupported(sk);
	struct ckpt_unix_queue q;
	char *buf, *path;
	int ret;

	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d fd %u (%s): %s is not supported yet",
				f->pid, f->fd, f->path, why);
	buf = kmalloc(2 * PATH_MAX + CKPT_UNIX_ADDR_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (peer) {
		rec.peer_len = ckpt_unix_peer_name(ctx, peer,
						   buf + CKPT_UNIX_ADDR_MAX + PATH_MAX,
						   &why);
		if (!rec.peer_len) {
			ret = ckpt_err(ctx, -EOPNOTSUPP,
				       "pid %d fd %u (%s): %s is not supported yet",
				       f->pid, f->fd, f->path, why);
			goto out;
		}
	}
	ckpt_unix_options(sk, &rec.end, &q);
	if (sk->sk_state == TCP_LISTEN) {
		rec.end.flags |= CKPT_UNIX_LISTENING;
		rec.backlog = READ_ONCE(sk->sk_max_ack_backlog);
	}
	path = ckpt_unix_file_path(sk, buf + CKPT_UNIX_ADDR_MAX);
	if (IS_ERR(path)) {
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "pid %d fd %u (%s): a UNIX socket whose socket file no path leads to is not supported",
			       f->pid, f->fd, f->path);
		goto out;
	}
	if (path) {
		rec.path_len = strlen(path);
		rec.mode = d_backing_inode(unix_sk(sk)->path.dentry)->i_mode & S_IALLUGO;
	}
	/* the address, the path, then the peer's name, in one run */
	memcpy(buf, q.addr, rec.end.addr_len);
	if (path)
		memmove(buf + rec.end.addr_len, path, rec.path_len);
	memmove(buf + rec.end.addr_len + rec.path_len,
		buf + CKPT_UNIX_ADDR_MAX + PATH_MAX, rec.peer_len);
	ret = ckpt_write_record(ctx, CKPT_REC_UNIX_SOCK, &rec.h, sizeof(rec), buf,
				rec.end.addr_len + rec.path_len + rec.peer_len);
out:
	kfree(buf);
	return ret;
}

static int ckpt_unix_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				struct ckpt_rec_file *rec)
{
	struct sock *sk = ckpt_file_sock(f->file, AF_UNIX);
	struct sock *peer = unix_sk(sk)->peer;
	const char *why;
	u32 pair, *state;
	int ret;

	/* restart could not share it with anyone outside */
	ckpt_obj_keep_inside(ctx, f->file);
	if (!peer || ckpt_unix_one_way(sk, peer)) {
		if (!f->new_file)
			return 0;
		/* the tree is frozen: the peer stays, unless held outside */
		peer = unix_peer_get(sk);
		ret = ckpt_unix_lone(ctx, f, sk, peer, rec->objref);
		if (peer)
			sock_put(peer);
		return ret;
	}
	why = ckpt_unix_unsupported(sk, false);
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u (%s): %s is not supported yet",
				f->pid, f->fd, f->path, why);
	state = ckpt_obj_state(ctx, min(sk, peer), &pair);
	if (IS_ERR(state))
		return PTR_ERR(state);
	if (*state & CKPT_UNIX_WRITTEN)
		return 0;
	ret = ckpt_unix_write(ctx, f, sk, peer, rec->objref);
	if (!ret)
		*state |= CKPT_UNIX_WRITTEN;
	return ret;
}

const struct ckpt_file_ops ckpt_unix_file_ops = {
	.kind = CKPT_FILE_UNIX,
	.numbered = true,
	.is = ckpt_is_unix,
	.checkpoint = ckpt_unix_checkpoint,
	.restart = rst_file_missing,
};

/* Is @type a socket type that restart makes? */
static bool rst_unix_type_ok(u32 type)
{
	return type == SOCK_STREAM || type == SOCK_DGRAM || type == SOCK_SEQPACKET;
}

/* Are the options and the address length of @e ones restart sets? */
static bool rst_unix_end_ok(const struct ckpt_unix_end *e)
{
	const u32 known = CKPT_UNIX_NONBLOCK | CKPT_UNIX_SHUT_RD |
			  CKPT_UNIX_SHUT_WR | CKPT_UNIX_PASSCRED |
			  CKPT_UNIX_SNDBUF | CKPT_UNIX_RCVBUF |
			  CKPT_UNIX_BOUND | CKPT_UNIX_LISTENING;

	return !(e->flags & ~known) && e->sndtimeo_ns >= 0 &&
	       e->rcvtimeo_ns >= 0 && e->peek_off >= -1 &&
	       e->addr_len <= CKPT_UNIX_ADDR_MAX &&
	       (!(e->flags & CKPT_UNIX_BOUND) || e->addr_len);
}

/* Is @addr (@len bytes, as a record holds it) an address bind() takes? */
static bool rst_unix_addr_ok(const u8 *addr, u32 len)
{
	/* an abstract name may hold any byte; a path name no NUL */
	return !len || !addr[0] || !memchr(addr, 0, len);
}

/* Check the record; read the message lengths and bytes of both queues. */
static int rst_unix_read(struct ckpt_ctx *ctx, struct ckpt_rec_unix_pair *rec,
			 struct ckpt_unix_queue *q)
{
	u64 sum;
	u32 i, m;
	int ret = 0;

	if (!rst_unix_type_ok(rec->type) || !rec->end[0].objref ||
	    rec->end[0].objref == rec->end[1].objref)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad UNIX socket pair (type %u, objects %u and %u)",
				ctx->rec_pos, rec->type, rec->end[0].objref,
				rec->end[1].objref);
	for (i = 0; i < 2; i++) {
		struct ckpt_unix_end *e = &rec->end[i];

		/* in a pair, only an abstract name is bound again */
		if (!rst_unix_end_ok(e) || (e->flags & CKPT_UNIX_LISTENING) ||
		    e->len > CKPT_UNIX_QUEUE_MAX ||
		    e->nr_msgs > CKPT_UNIX_MSGS_MAX ||
		    (rec->type == SOCK_STREAM && e->nr_msgs > 1))
			return ckpt_err(ctx, -EINVAL,
					"offset %lld: bad end %u of a UNIX socket pair (flags %#x, %u messages, %u bytes, address of %u bytes)",
					ctx->rec_pos, i, e->flags, e->nr_msgs,
					e->len, e->addr_len);
		q[i].lens = kvcalloc(max_t(u32, e->nr_msgs, 1), sizeof(u32),
				     GFP_KERNEL | __GFP_NOWARN);
		q[i].data = kvmalloc(max_t(u32, e->len, 1), GFP_KERNEL | __GFP_NOWARN);
		if (!q[i].lens || !q[i].data)
			return -ENOMEM;
	}
	for (i = 0; i < 2 && !ret; i++)
		ret = ckpt_read_bytes(ctx, q[i].lens,
				      rec->end[i].nr_msgs * sizeof(u32));
	for (i = 0; i < 2 && !ret; i++) {
		for (sum = 0, m = 0; m < rec->end[i].nr_msgs; m++)
			sum += q[i].lens[m];
		if (sum != rec->end[i].len)
			ret = ckpt_err(ctx, -EINVAL,
				       "offset %lld: UNIX socket end %u: messages of %llu bytes, %u announced",
				       ctx->rec_pos, i, sum, rec->end[i].len);
	}
	for (i = 0; i < 2 && !ret; i++)
		ret = ckpt_read_bytes(ctx, q[i].data, rec->end[i].len);
	for (i = 0; i < 2 && !ret; i++)
		ret = ckpt_read_bytes(ctx, q[i].addr, rec->end[i].addr_len);
	for (i = 0; i < 2 && !ret; i++) {
		const struct ckpt_unix_end *e = &rec->end[i];

		if (!rst_unix_addr_ok(q[i].addr, e->addr_len) ||
		    ((e->flags & CKPT_UNIX_BOUND) && q[i].addr[0]))
			ret = ckpt_err(ctx, -EINVAL,
				       "offset %lld: UNIX socket end %u: bad address (flags %#x)",
				       ctx->rec_pos, i, e->flags);
	}
	return ret;
}

/* Options of an end, as setsockopt() would set them. */
static int rst_unix_options(struct socket *sock, const struct ckpt_unix_end *e)
{
	struct sock *sk = sock->sk;
	int val, ret = 0;

	if (e->flags & CKPT_UNIX_PASSCRED) {
		val = 1;
		ret = sock_setsockopt(sock, SOL_SOCKET, SO_PASSCRED,
				      KERNEL_SOCKPTR(&val), sizeof(val));
	}
	if (!ret && (e->flags & CKPT_UNIX_SNDBUF)) {
		val = e->sndbuf / 2;
		ret = sock_setsockopt(sock, SOL_SOCKET, SO_SNDBUF,
				      KERNEL_SOCKPTR(&val), sizeof(val));
	}
	if (!ret && (e->flags & CKPT_UNIX_RCVBUF)) {
		val = e->rcvbuf / 2;
		ret = sock_setsockopt(sock, SOL_SOCKET, SO_RCVBUF,
				      KERNEL_SOCKPTR(&val), sizeof(val));
	}
	if (!ret && e->peek_off >= 0) {
		val = e->peek_off;
		ret = sock_setsockopt(sock, SOL_SOCKET, SO_PEEK_OFF,
				      KERNEL_SOCKPTR(&val), sizeof(val));
	}
	if (ret)
		return ret;
	lock_sock(sk);
	rst_sock_timeouts(sk, e->sndtimeo_ns, e->rcvtimeo_ns);
	release_sock(sk);
	return 0;
}

/*
 * A sockaddr_un of the address @addr of @e in @ss; its length as bind()
 * counts it (a path name's NUL included).
 */
static int rst_unix_sockaddr(const struct ckpt_unix_end *e, const u8 *addr,
			     struct sockaddr_storage *ss)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;
	int len = offsetof(struct sockaddr_un, sun_path) + e->addr_len;

	BUILD_BUG_ON(offsetof(struct sockaddr_un, sun_path) + CKPT_UNIX_ADDR_MAX >=
		     sizeof(*ss));
	memset(ss, 0, sizeof(*ss));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, addr, e->addr_len);
	return addr[0] ? len + 1 : len;
}

/*
 * Give @sock the address of @e: bind it to its abstract name, or let it
 * carry it, as accept() lets a socket carry its listener's.
 */
static int rst_unix_set_addr(struct socket *sock, const struct ckpt_unix_end *e,
			     const u8 *addr)
{
	struct unix_sock *u = unix_sk(sock->sk);
	struct sockaddr_storage ss;
	struct unix_address *a;
	int len;

	if (!e->addr_len)
		return 0;
	len = rst_unix_sockaddr(e, addr, &ss);
	if (e->flags & CKPT_UNIX_BOUND)
		return kernel_bind(sock, (struct sockaddr *)&ss, len);
	a = kmalloc(sizeof(*a) + len, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	refcount_set(&a->refcnt, 1);
	a->len = len;
	memcpy(a->name, &ss, len);
	mutex_lock(&u->bindlock);
	if (u->addr) {
		mutex_unlock(&u->bindlock);
		kfree(a);
		return -EINVAL;
	}
	/* as bind() does: readers see the address whole */
	smp_store_release(&u->addr, a);
	mutex_unlock(&u->bindlock);
	return 0;
}

/* Send @q's messages from @from, for its peer's receive queue. */
static int rst_unix_send(struct socket *from, const struct ckpt_unix_end *e,
			 const struct ckpt_unix_queue *q)
{
	struct sock *sk = from->sk;
	int sndbuf = READ_ONCE(sk->sk_sndbuf);
	u32 m, off = 0;
	int ret = 0;

	/* what the queue held fits, whatever the sender's own limit */
	WRITE_ONCE(sk->sk_sndbuf, INT_MAX / 2);
	for (m = 0; m < e->nr_msgs && ret >= 0; m++) {
		struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
		struct kvec iov = { q->data + off, q->lens[m] };

		ret = kernel_sendmsg(from, &msg, &iov, 1, q->lens[m]);
		if (ret >= 0 && ret != q->lens[m])
			ret = -EAGAIN;
		off += q->lens[m];
	}
	WRITE_ONCE(sk->sk_sndbuf, sndbuf);
	return ret < 0 ? ret : 0;
}

static int rst_unix_shutdown(struct socket *sock, u32 flags)
{
	int how = (flags & CKPT_UNIX_SHUT_RD) ?
		  ((flags & CKPT_UNIX_SHUT_WR) ? SHUT_RDWR : SHUT_RD) :
		  ((flags & CKPT_UNIX_SHUT_WR) ? SHUT_WR : -1);

	return how < 0 ? 0 : kernel_sock_shutdown(sock, how);
}

/* Make the pair of @rec with the queues @q, its files in @files. */
static int rst_unix_make(struct ckpt_ctx *ctx,
			 const struct ckpt_rec_unix_pair *rec,
			 const struct ckpt_unix_queue *q, struct file **files)
{
	struct socket *sock[2] = {};
	int ret, i;

	for (i = 0; i < 2; i++) {
		ret = sock_create(AF_UNIX, rec->type, 0, &sock[i]);
		if (ret)
			goto fail;
	}
	ret = sock[0]->ops->socketpair(sock[0], sock[1]);
	for (i = 0; i < 2 && !ret; i++) {
		files[i] = sock_alloc_file(sock[i], O_RDWR |
					   ((rec->end[i].flags & CKPT_UNIX_NONBLOCK) ?
					    O_NONBLOCK : 0), NULL);
		if (IS_ERR(files[i])) {
			/* sock_alloc_file() released the socket */
			ret = PTR_ERR(files[i]);
			files[i] = NULL;
			sock[i] = NULL;
		}
	}
	/* before the queues: a datagram's sender address is read at recvmsg() */
	for (i = 0; i < 2 && !ret; i++)
		ret = rst_unix_set_addr(sock[i], &rec->end[i], q[i].addr);
	for (i = 0; i < 2 && !ret; i++)
		ret = rst_unix_options(sock[i], &rec->end[i]);
	for (i = 0; i < 2 && !ret; i++)
		ret = rst_unix_send(sock[1 - i], &rec->end[i], &q[i]);
	for (i = 0; i < 2 && !ret; i++)
		ret = rst_unix_shutdown(sock[i], rec->end[i].flags);
	if (!ret)
		return 0;
fail:
	for (i = 0; i < 2; i++) {
		if (files[i])
			fput(files[i]);
		else if (sock[i])
			sock_release(sock[i]);
		files[i] = NULL;
	}
	return ckpt_err(ctx, ret,
			"UNIX socket pair of objects %u and %u: cannot make it again: error %d",
			rec->end[0].objref, rec->end[1].objref, ret);
}

/**
 * rst_unix_pair - make the UNIX socket pair of a UNIX_PAIR record
 * @ctx: the restart
 * @h: header of a CKPT_REC_UNIX_PAIR record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_unix_pair(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_unix_pair rec = { .h = *h };
	struct ckpt_unix_queue q[2] = {};
	struct file *files[2] = {};
	int ret, i;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_unix_read(ctx, &rec, q);
	if (!ret)
		ret = rst_unix_make(ctx, &rec, q, files);
	for (i = 0; i < 2 && !ret; i++) {
		if (rec.end[i].objref)
			ret = rst_new_file(ctx, rec.end[i].objref, files[i]);
		else
			fput(files[i]);	/* closed, as it was */
		files[i] = NULL;
	}
	for (i = 0; i < 2; i++) {
		if (files[i])
			fput(files[i]);
		kvfree(q[i].lens);
		kvfree(q[i].data);
	}
	return ret;
}

/* Check a UNIX_SOCK record's fixed part. */
static int rst_unix_sock_check(struct ckpt_ctx *ctx,
			       const struct ckpt_rec_unix_sock *rec)
{
	const struct ckpt_unix_end *e = &rec->end;
	bool listening = e->flags & CKPT_UNIX_LISTENING;

	if (!rst_unix_type_ok(rec->type) || !e->objref || !rst_unix_end_ok(e) ||
	    e->nr_msgs || e->len || !(e->flags & CKPT_UNIX_BOUND) != !e->addr_len ||
	    (listening && (rec->type == SOCK_DGRAM || !e->addr_len)) ||
	    (!listening && rec->backlog) || rec->path_len >= PATH_MAX ||
	    (rec->mode & ~S_IALLUGO) || (!rec->path_len && rec->mode) ||
	    rec->peer_len > CKPT_UNIX_ADDR_MAX ||
	    (rec->peer_len && rec->type != SOCK_DGRAM) || rec->pad)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad UNIX socket (type %u, object %u, flags %#x, backlog %u, mode %#o, address of %u bytes, path of %u, peer of %u)",
				ctx->rec_pos, rec->type, e->objref, e->flags,
				rec->backlog, rec->mode, e->addr_len, rec->path_len,
				rec->peer_len);
	return 0;
}

/* Make the socket file of @rec at @path, and bind @sock to it. */
static int rst_unix_mknod(struct ckpt_ctx *ctx, struct socket *sock,
			  const struct ckpt_rec_unix_sock *rec,
			  struct sockaddr_un *sun, int len, const char *path)
{
	struct iattr ia = {
		.ia_valid = ATTR_MODE | ATTR_CTIME,
		.ia_mode = S_IFSOCK | rec->mode,
	};
	struct path parent, file;
	struct mnt_idmap *idmap;
	struct dentry *dentry;
	int ret;

	dentry = kern_path_create(AT_FDCWD, path, &parent, 0);
	if (IS_ERR(dentry)) {
		ret = PTR_ERR(dentry);
		return ckpt_err(ctx, ret == -EEXIST ? -EADDRINUSE : ret,
				"UNIX socket of object %u: cannot make its socket file %s: error %d",
				rec->end.objref, path, ret);
	}
	idmap = mnt_idmap(parent.mnt);
	ret = security_path_mknod(&parent, dentry, ia.ia_mode, 0);
	if (!ret)
		ret = vfs_mknod(idmap, d_inode(parent.dentry), dentry, ia.ia_mode, 0);
	if (ret)
		goto out;
	/* mknod() took the restarter's umask away */
	inode_lock(d_inode(dentry));
	ret = notify_change(idmap, dentry, &ia, NULL);
	inode_unlock(d_inode(dentry));
	file = (struct path) { .mnt = parent.mnt, .dentry = dentry };
	if (!ret)
		ret = unix_ckpt_bind_inode(sock->sk, &file, sun, len);
	if (ret)
		vfs_unlink(idmap, d_inode(parent.dentry), dentry, NULL);
out:
	done_path_create(&parent, dentry);
	if (ret)
		ckpt_err(ctx, ret, "UNIX socket of object %u: cannot make its socket file %s: error %d",
			 rec->end.objref, path, ret);
	return ret;
}

/*
 * Bind @sock to its path name again: to the socket file at @path, which
 * the checkpointed socket left behind, or to a new one.
 */
static int rst_unix_bind_path(struct ckpt_ctx *ctx, struct socket *sock,
			      const struct ckpt_rec_unix_sock *rec,
			      const u8 *addr, const char *path)
{
	struct sockaddr_storage ss;
	int len = rst_unix_sockaddr(&rec->end, addr, &ss);
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	const char *why = NULL;
	struct inode *inode;
	struct path found;
	int ret;

	ret = kern_path(path, 0, &found);
	if (ret == -ENOENT)
		return rst_unix_mknod(ctx, sock, rec, sun, len, path);
	if (ret)
		return ckpt_err(ctx, ret,
				"UNIX socket of object %u: cannot look up its socket file %s: error %d",
				rec->end.objref, path, ret);
	inode = d_backing_inode(found.dentry);
	if (!S_ISSOCK(inode->i_mode)) {
		ret = -EADDRINUSE;
		why = "is not a socket file";
	} else if (!inode_owner_or_capable(mnt_idmap(found.mnt), inode)) {
		ret = -EPERM;
		why = "is not the restarter's";
	} else {
		ret = unix_ckpt_bind_inode(sock->sk, &found, sun, len);
		why = ret == -EADDRINUSE ? "has a socket bound to it" : "cannot be bound";
	}
	path_put(&found);
	if (ret)
		ckpt_err(ctx, ret, "UNIX socket of object %u: its socket file %s %s: error %d",
			 rec->end.objref, path, why, ret);
	return ret;
}

/* Bind @sock to the address of @rec, as it was. */
static int rst_unix_bind(struct ckpt_ctx *ctx, struct socket *sock,
			 const struct ckpt_rec_unix_sock *rec, const u8 *addr,
			 const char *path)
{
	int ret;

	if (rec->path_len)
		return rst_unix_bind_path(ctx, sock, rec, addr, path);
	ret = rst_unix_set_addr(sock, &rec->end, addr);
	if (ret)
		ckpt_err(ctx, ret, "UNIX socket of object %u: %s: error %d",
			 rec->end.objref, ret == -EADDRINUSE ?
			 "its abstract name is taken" :
			 "cannot bind it to its abstract name", ret);
	return ret;
}

/* Make the socket of @rec, bound and listening as it was. */
static int rst_unix_make_lone(struct ckpt_ctx *ctx,
			      const struct ckpt_rec_unix_sock *rec,
			      const u8 *addr, const char *path, struct file **file)
{
	const struct ckpt_unix_end *e = &rec->end;
	struct socket *sock;
	u32 somaxconn;
	int ret;

	ret = sock_create(AF_UNIX, rec->type, 0, &sock);
	if (ret)
		goto fail;
	*file = sock_alloc_file(sock, O_RDWR | ((e->flags & CKPT_UNIX_NONBLOCK) ?
						O_NONBLOCK : 0), NULL);
	if (IS_ERR(*file)) {
		/* sock_alloc_file() released the socket */
		ret = PTR_ERR(*file);
		*file = NULL;
		goto fail;
	}
	ret = rst_unix_bind(ctx, sock, rec, addr, path);
	if (ret) {
		fput(*file);
		*file = NULL;
		return ret;
	}
	ret = rst_unix_options(sock, e);
	/* listen()'s bound on the backlog */
	somaxconn = READ_ONCE(sock_net(sock->sk)->core.sysctl_somaxconn);
	if (!ret && (e->flags & CKPT_UNIX_LISTENING))
		ret = kernel_listen(sock, min_t(u32, rec->backlog, somaxconn));
	if (!ret)
		ret = rst_unix_shutdown(sock, e->flags);
	if (!ret)
		return 0;
	fput(*file);
	*file = NULL;
fail:
	return ckpt_err(ctx, ret, "UNIX socket of object %u: cannot make it again: error %d",
			e->objref, ret);
}

/* A datagram socket to connect once the whole image is read */
struct rst_unix_connect {
	struct rst_unix_connect *next;
	struct file *file;		/* referenced */
	u32 objref;
	int len;
	struct sockaddr_storage name;	/* its peer's */
};

/* Note that @file's socket connects to @peer (@len bytes) at the end. */
static int rst_unix_connect_later(struct ckpt_ctx *ctx, struct file *file,
				  u32 objref, const u8 *peer, u32 len)
{
	struct ckpt_ctx *owner = ctx->coord ?: ctx;
	struct ckpt_unix_end e = { .addr_len = len };
	struct rst_unix_connect *c, **tail;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->file = get_file(file);
	c->objref = objref;
	/* as connect() is given it: a path of 108 bytes has no room for a NUL */
	c->len = rst_unix_sockaddr(&e, peer, &c->name) - !!peer[0];
	for (tail = &owner->unix_pending; *tail; tail = &(*tail)->next)
		;
	*tail = c;
	return 0;
}

/**
 * rst_unix_commit - connect the datagram sockets of the image again
 * @ctx: the restart, its whole image read
 *
 * Their peers may come after them in the image.
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_unix_commit(struct ckpt_ctx *ctx)
{
	struct rst_unix_connect *c;
	struct sockaddr_un *sun;
	int ret;

	for (c = ctx->unix_pending; c; c = c->next) {
		ret = kernel_connect(sock_from_file(c->file),
				     (struct sockaddr *)&c->name, c->len, 0);
		if (!ret)
			continue;
		sun = (struct sockaddr_un *)&c->name;
		return ckpt_err(ctx, ret,
				"UNIX socket of object %u: cannot connect it again to %s%.*s: error %d",
				c->objref, sun->sun_path[0] ? "" : "@",
				sun->sun_path[0] ? (int)sizeof(sun->sun_path) :
				(int)strnlen(sun->sun_path + 1, sizeof(sun->sun_path) - 1),
				sun->sun_path + !sun->sun_path[0], ret);
	}
	return 0;
}

/* Free what rst_unix_commit() was to connect. */
void rst_unix_end(struct ckpt_ctx *ctx)
{
	struct rst_unix_connect *c;

	while ((c = ctx->unix_pending)) {
		ctx->unix_pending = c->next;
		fput(c->file);
		kfree(c);
	}
}

/**
 * rst_unix_sock - make the UNIX socket of a UNIX_SOCK record
 * @ctx: the restart
 * @h: header of a CKPT_REC_UNIX_SOCK record
 *
 * Return: 0 or a negative errno, explained on the log.
 */
int rst_unix_sock(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	struct ckpt_rec_unix_sock rec = { .h = *h };
	u8 addr[CKPT_UNIX_ADDR_MAX], peer[CKPT_UNIX_ADDR_MAX];
	struct file *file = NULL;
	char *path = NULL;
	int ret;

	ret = ckpt_read_body(ctx, &rec.h, sizeof(rec));
	if (!ret)
		ret = rst_unix_sock_check(ctx, &rec);
	if (ret)
		return ret;
	path = kmalloc(rec.path_len + 1, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	ret = ckpt_read_bytes(ctx, addr, rec.end.addr_len);
	if (!ret)
		ret = ckpt_read_bytes(ctx, path, rec.path_len);
	if (!ret)
		ret = ckpt_read_bytes(ctx, peer, rec.peer_len);
	if (ret)
		goto out;
	path[rec.path_len] = 0;
	/*
	 * A path name comes with where its socket file is, an abstract one
	 * not; a peer's name is an abstract one or an absolute path.
	 */
	if (!rst_unix_addr_ok(addr, rec.end.addr_len) ||
	    !rec.path_len != (!rec.end.addr_len || !addr[0]) ||
	    (rec.path_len && (path[0] != '/' || strlen(path) != rec.path_len)) ||
	    !rst_unix_addr_ok(peer, rec.peer_len) ||
	    (rec.peer_len && peer[0] && peer[0] != '/')) {
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %lld: UNIX socket of object %u: bad address, socket file path or peer",
			       ctx->rec_pos, rec.end.objref);
		goto out;
	}
	ret = rst_unix_make_lone(ctx, &rec, addr, path, &file);
	if (!ret && rec.peer_len)
		ret = rst_unix_connect_later(ctx, file, rec.end.objref, peer,
					     rec.peer_len);
	if (!ret)
		ret = rst_new_file(ctx, rec.end.objref, file);
	else if (file)
		fput(file);
out:
	kfree(path);
	return ret;
}
