// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of UNIX socket pairs.
 *
 * A pair of connected, unbound UNIX sockets (socketpair(): stream,
 * datagram or seqpacket) whose ends the tree holds, or whose other end
 * was closed, is saved once, in a UNIX_PAIR record right before the FILE
 * record that first names one of its ends: both ends with their open
 * files' objrefs, options (SO_PASSCRED, SO_SNDBUF, SO_RCVBUF, SO_SNDTIMEO,
 * SO_RCVTIMEO, SO_PEEK_OFF), O_NONBLOCK and shutdown state, and what each
 * end's receive queue holds, message by message, copied (a checkpoint
 * that leaves the tree running takes nothing).
 *
 * Restart makes a new pair, sends each queue again from the other end
 * (so that datagram and seqpacket boundaries stay), shuts down what was
 * shut down, and notes both open files under their objrefs; an end that
 * was closed is closed again, so that the other reads what is left, then
 * EOF, as before.
 *
 * Refused by name: bound (named or abstract) and listening sockets,
 * sockets not connected, a peer that something outside the tree holds,
 * descriptors in flight (SCM_RIGHTS), out-of-band data, and data queued
 * for a reader that asked for credentials (SO_PASSCRED: restart would
 * send them as its own).
 */
#include <linux/checkpoint.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/af_unix.h>
#include <net/sock.h>

/* ckpt_obj_state() of a pair */
#define CKPT_UNIX_WRITTEN	BIT(0)

/* One end's receive queue, as saved */
struct ckpt_unix_queue {
	u32 *lens;
	u8 *data;
};

static struct sock *ckpt_file_unix(struct file *file)
{
	struct socket *sock = S_ISSOCK(file_inode(file)->i_mode) ?
			      sock_from_file(file) : NULL;

	return sock && sock->sk && sock->sk->sk_family == AF_UNIX ?
	       sock->sk : NULL;
}

static bool ckpt_is_unix(struct ckpt_ctx *ctx, struct file *file)
{
	return ckpt_file_unix(file);
}

/* Why @sk, an end of the pair, cannot be saved; NULL if it can. */
static const char *ckpt_unix_unsupported(struct sock *sk, bool data_queued)
{
	struct unix_sock *u = unix_sk(sk);

	if (sk->sk_state == TCP_LISTEN)
		return "a listening UNIX socket";
	if (u->addr)
		return "a bound UNIX socket (named or abstract)";
	if (!u->peer)
		return "a UNIX socket that is not connected";
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

static s64 ckpt_unix_timeo(long timeo)
{
	return timeo == MAX_SCHEDULE_TIMEOUT ? 0 : jiffies_to_nsecs(timeo);
}

/* Fill @end for @sk, whose open file has objref @objref (0: closed). */
static int ckpt_unix_end(struct sock *sk, u32 objref, struct ckpt_unix_end *end,
			 struct ckpt_unix_queue *q, const char **why)
{
	struct socket *sock = sk->sk_socket;
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
	end->sndtimeo_ns = ckpt_unix_timeo(READ_ONCE(sk->sk_sndtimeo));
	end->rcvtimeo_ns = ckpt_unix_timeo(READ_ONCE(sk->sk_rcvtimeo));
	end->peek_off = READ_ONCE(sk->sk_peek_off);
	return 0;
}

/*
 * The objref of the open file of @peer, the other end: 0 if it was
 * closed; -EBUSY if something outside the tree holds it.
 */
static int ckpt_unix_peer_ref(struct ckpt_ctx *ctx, struct sock *peer,
			      u32 *ref)
{
	struct socket *sock = peer->sk_socket;
	struct file *file = sock ? sock->file : NULL;

	*ref = 0;
	if (sock_flag(peer, SOCK_DEAD) || !file)
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
	data = kvmalloc(off + rec.end[0].len + rec.end[1].len + 1, GFP_KERNEL | __GFP_NOWARN);
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

static int ckpt_unix_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd *f,
				struct ckpt_rec_file *rec)
{
	struct sock *sk = ckpt_file_unix(f->file);
	struct sock *peer = unix_sk(sk)->peer;
	const char *why = ckpt_unix_unsupported(sk, false);
	u32 pair, *state;
	int ret;

	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u (%s): %s is not supported yet",
				f->pid, f->fd, f->path, why);
	/* restart could not share it with anyone outside */
	ckpt_obj_keep_inside(ctx, f->file);
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

/* Check the record; read the message lengths and bytes of both queues. */
static int rst_unix_read(struct ckpt_ctx *ctx, struct ckpt_rec_unix_pair *rec,
			 struct ckpt_unix_queue *q)
{
	const u32 known = CKPT_UNIX_NONBLOCK | CKPT_UNIX_SHUT_RD |
			  CKPT_UNIX_SHUT_WR | CKPT_UNIX_PASSCRED |
			  CKPT_UNIX_SNDBUF | CKPT_UNIX_RCVBUF;
	u64 sum;
	u32 i, m;
	int ret = 0;

	if ((rec->type != SOCK_STREAM && rec->type != SOCK_DGRAM &&
	     rec->type != SOCK_SEQPACKET) || !rec->end[0].objref ||
	    rec->end[0].objref == rec->end[1].objref)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: bad UNIX socket pair (type %u, objects %u and %u)",
				ctx->rec_pos, rec->type, rec->end[0].objref,
				rec->end[1].objref);
	for (i = 0; i < 2; i++) {
		struct ckpt_unix_end *e = &rec->end[i];

		if ((e->flags & ~known) || e->len > CKPT_UNIX_QUEUE_MAX ||
		    e->nr_msgs > CKPT_UNIX_MSGS_MAX || e->sndtimeo_ns < 0 ||
		    e->rcvtimeo_ns < 0 || e->peek_off < -1 ||
		    (rec->type == SOCK_STREAM && e->nr_msgs > 1))
			return ckpt_err(ctx, -EINVAL,
					"offset %lld: bad end %u of a UNIX socket pair (flags %#x, %u messages, %u bytes)",
					ctx->rec_pos, i, e->flags, e->nr_msgs,
					e->len);
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
	WRITE_ONCE(sk->sk_sndtimeo, e->sndtimeo_ns ?
		   nsecs_to_jiffies(e->sndtimeo_ns) : MAX_SCHEDULE_TIMEOUT);
	WRITE_ONCE(sk->sk_rcvtimeo, e->rcvtimeo_ns ?
		   nsecs_to_jiffies(e->rcvtimeo_ns) : MAX_SCHEDULE_TIMEOUT);
	release_sock(sk);
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
