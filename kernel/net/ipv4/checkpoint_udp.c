// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of UDP sockets: what is particular to them, the
 * datagrams queued and not read yet.
 *
 * Checkpoint copies them, oldest first (the reader's queue, then the
 * receive queue), each with its source address and port: a checkpoint
 * that leaves the tree running takes nothing.  A datagram whose checksum
 * turns out wrong is left out, as recvmsg() would drop it; datagrams
 * arriving while the queues are copied are not in the image, as if the
 * receive buffer had been full.
 *
 * Restart queues them again on the new socket, each as the payload of a
 * packet from its source, so that recvmsg() returns the same bytes with
 * the same source, in the same order, boundaries kept.
 *
 * Refused by name: corked data, UDP_GRO, UDP_SEGMENT, encapsulation
 * sockets, and queues larger than an image holds.
 */
#include <linux/checkpoint.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <net/udp.h>
#include "checkpoint_inet.h"

/* Why the UDP socket @sk cannot be saved; NULL if it can.  Locked. */
const char *ckpt_udp_unsupported(struct sock *sk)
{
	if (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_CLOSE)
		return "a UDP socket in this state";
	if (READ_ONCE(udp_sk(sk)->pending) || udp_test_bit(CORK, sk))
		return "corked data (UDP_CORK, MSG_MORE) on a UDP socket";
	if (READ_ONCE(udp_sk(sk)->encap_type))
		return "a UDP encapsulation socket";
	if (udp_test_bit(GRO_ENABLED, sk) || READ_ONCE(udp_sk(sk)->gso_size))
		return "UDP_GRO or UDP_SEGMENT";
	return NULL;
}

/* The source of @skb, queued on @sk */
static void ckpt_udp_from(struct sock *sk, struct sk_buff *skb,
			  struct ckpt_inet_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->port = ntohs(udp_hdr(skb)->source);
	if (skb->protocol == htons(ETH_P_IP)) {
		if (sk->sk_family == AF_INET6) {	/* v4-mapped */
			a->addr[10] = 0xff;
			a->addr[11] = 0xff;
			memcpy(a->addr + 12, &ip_hdr(skb)->saddr, 4);
		} else {
			memcpy(a->addr, &ip_hdr(skb)->saddr, 4);
		}
	} else {
		memcpy(a->addr, &ipv6_hdr(skb)->saddr, 16);
	}
}

/* A datagram recvmsg() would return (its checksum right) */
static bool ckpt_udp_good(struct sk_buff *skb)
{
	return udp_skb_csum_unnecessary(skb) ||
	       !__udp_lib_checksum_complete(skb);
}

/* Copy up to @nr datagrams, @len bytes, of @q into @d and @bytes. */
static void ckpt_udp_copy(struct sock *sk, struct sk_buff_head *q,
			  struct ckpt_rec_inet_sock *rec,
			  struct ckpt_inet_dgram *d, u8 *bytes, u32 nr, u32 len)
{
	struct sk_buff *skb;

	spin_lock_bh(&q->lock);
	skb_queue_walk(q, skb) {
		if (rec->nr_dgrams == nr || skb->len > len - rec->dgrams_len)
			break;
		if (!ckpt_udp_good(skb) ||
		    skb_copy_bits(skb, 0, bytes + rec->dgrams_len, skb->len))
			continue;
		ckpt_udp_from(sk, skb, &d[rec->nr_dgrams].from);
		d[rec->nr_dgrams++].len = skb->len;
		rec->dgrams_len += skb->len;
	}
	spin_unlock_bh(&q->lock);
}

/**
 * ckpt_udp_queue - copy the datagrams queued on @sk
 * @sk: a UDP socket, locked
 * @rec: its record, which gets the count and bytes
 * @data: set to the ckpt_inet_dgram entries, then the bytes
 * @why: set when the queue is more than an image holds
 *
 * Return: 0 or a negative errno.
 */
int ckpt_udp_queue(struct sock *sk, struct ckpt_rec_inet_sock *rec,
		   u8 **data, const char **why)
{
	struct sk_buff_head *q[2] = { &udp_sk(sk)->reader_queue,
				      &sk->sk_receive_queue };
	struct sk_buff *skb;
	u32 nr = 0, len = 0;
	u64 bytes = 0;
	int i;

	for (i = 0; i < 2; i++) {
		spin_lock_bh(&q[i]->lock);
		skb_queue_walk(q[i], skb) {
			nr++;
			bytes += skb->len;
		}
		spin_unlock_bh(&q[i]->lock);
	}
	if (nr > CKPT_INET_DGRAMS_MAX || bytes > CKPT_INET_QUEUE_MAX) {
		*why = "a UDP queue larger than an image holds";
		return -EOPNOTSUPP;
	}
	len = bytes;
	*data = kvzalloc(nr * sizeof(struct ckpt_inet_dgram) + len + 1,
			 GFP_KERNEL | __GFP_NOWARN);
	if (!*data)
		return -ENOMEM;
	for (i = 0; i < 2; i++)
		ckpt_udp_copy(sk, q[i], rec, (struct ckpt_inet_dgram *)*data,
			      *data + nr * sizeof(struct ckpt_inet_dgram),
			      nr, len);
	/* fewer than counted (a bad checksum): the bytes follow the entries */
	if (rec->nr_dgrams < nr)
		memmove(*data + rec->nr_dgrams * sizeof(struct ckpt_inet_dgram),
			*data + nr * sizeof(struct ckpt_inet_dgram),
			rec->dgrams_len);
	return 0;
}

/* The datagrams of a UDP record, checked against the record. */
int rst_udp_check(struct ckpt_ctx *ctx, const struct ckpt_rec_inet_sock *rec,
		  const u8 *data)
{
	const struct ckpt_inet_dgram *d = (const void *)data;
	u64 sum = 0;
	u32 i;

	for (i = 0; i < rec->nr_dgrams; i++) {
		if (d[i].len > CKPT_INET_DGRAM_MAX || d[i].pad ||
		    d[i].from.pad || d[i].from.pad2 ||
		    (rec->family == AF_INET &&
		     memchr_inv(d[i].from.addr + 4, 0, 12)))
			return ckpt_err(ctx, -EINVAL,
					"offset %lld: UDP socket %u: bad datagram %u (%u bytes from port %u)",
					ctx->rec_pos, rec->objref, i, d[i].len,
					d[i].from.port);
		sum += d[i].len;
	}
	if (sum != rec->dgrams_len)
		return ckpt_err(ctx, -EINVAL,
				"offset %lld: UDP socket %u: datagrams of %llu bytes, %u announced",
				ctx->rec_pos, rec->objref, sum, rec->dgrams_len);
	return 0;
}

/* A packet from @d's source carrying @payload, ready for the UDP queue */
static struct sk_buff *rst_udp_skb(const struct ckpt_rec_inet_sock *rec,
				   const struct ckpt_inet_dgram *d,
				   const u8 *payload)
{
	bool v4 = rec->family == AF_INET ||
		  ipv6_addr_v4mapped((const struct in6_addr *)d->from.addr);
	int nh = v4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	struct sk_buff *skb;
	struct udphdr *uh;

	skb = alloc_skb(nh + sizeof(*uh) + d->len, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reset_network_header(skb);
	if (v4) {
		struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

		iph->version = 4;
		iph->ihl = 5;
		memcpy(&iph->saddr, rec->family == AF_INET ? d->from.addr :
		       d->from.addr + 12, 4);
		skb->protocol = htons(ETH_P_IP);
	} else {
		struct ipv6hdr *ip6h = skb_put_zero(skb, sizeof(*ip6h));

		ip6h->version = 6;
		memcpy(&ip6h->saddr, d->from.addr, 16);
		skb->protocol = htons(ETH_P_IPV6);
	}
	skb_set_transport_header(skb, nh);
	uh = skb_put_zero(skb, sizeof(*uh));
	uh->source = htons(d->from.port);
	uh->len = htons(sizeof(*uh) + d->len);
	skb_put_data(skb, payload, d->len);
	skb_pull(skb, nh + sizeof(*uh));
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	UDP_SKB_CB(skb)->cscov = d->len;
	__net_timestamp(skb);
	return skb;
}

/**
 * rst_udp_queue - queue a UDP record's datagrams on its new socket
 * @sock: the socket, bound or connected as it was
 * @rec: its record, checked by rst_udp_check()
 * @data: the datagram entries, then their bytes
 *
 * Return: 0 or a negative errno.
 */
int rst_udp_queue(struct socket *sock, const struct ckpt_rec_inet_sock *rec,
		  const u8 *data)
{
	const struct ckpt_inet_dgram *d = (const void *)data;
	const u8 *bytes = data + rec->nr_dgrams * sizeof(*d);
	struct sock *sk = sock->sk;
	int rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	struct sk_buff *skb;
	int ret = 0;
	u32 i;

	/* what the queue held fits, whatever the buffer's size now */
	WRITE_ONCE(sk->sk_rcvbuf, INT_MAX / 2);
	for (i = 0; i < rec->nr_dgrams && !ret; i++) {
		skb = rst_udp_skb(rec, &d[i], bytes);
		if (!skb) {
			ret = -ENOMEM;
			break;
		}
		bytes += d[i].len;
		local_bh_disable();
		ret = __udp_enqueue_schedule_skb(sk, skb);
		local_bh_enable();
		if (ret)
			kfree_skb(skb);
	}
	WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
	return ret;
}
