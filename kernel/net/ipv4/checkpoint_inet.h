/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint/restart of TCP and UDP sockets: what the socket-level code
 * (checkpoint_inet.c) and the TCP connection code (checkpoint_tcp.c)
 * share.
 */
#ifndef _NET_IPV4_CHECKPOINT_INET_H
#define _NET_IPV4_CHECKPOINT_INET_H

#include <linux/checkpoint.h>
#include <linux/socket.h>
#include <net/tcp_states.h>

struct sock;
struct socket;

/*
 * A TCP state whose record holds a connection: established, or its peer
 * closed it (CLOSE_WAIT: the FIN is after the receive queue)
 */
static inline bool ckpt_tcp_connected(u16 state)
{
	return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT;
}

/* ckpt_obj_state() of a socket */
#define CKPT_INET_WRITTEN	BIT(0)

/* checkpoint_inet.c */
const char *ckpt_inet_unsupported(struct sock *sk);
void ckpt_inet_fill(struct sock *sk, struct ckpt_rec_inet_sock *rec);
int ckpt_inet_sockaddr(const struct ckpt_rec_inet_sock *rec,
		       const struct ckpt_inet_addr *a,
		       struct sockaddr_storage *ss);
int rst_inet_setopt(struct socket *sock, int level, int name, int val);
int rst_inet_finish(struct socket *sock, const struct ckpt_rec_inet_sock *rec);

/* checkpoint_tcp.c */
const char *ckpt_tcp_unsupported(struct sock *sk);
void ckpt_tcp_options(struct sock *sk, struct ckpt_rec_inet_sock *rec);
int ckpt_tcp_connection(struct ckpt_ctx *ctx, struct ckpt_fd *f,
			struct sock *sk, u32 objref);
int rst_tcp_check(struct ckpt_ctx *ctx, const struct ckpt_rec_inet_sock *rec);
int rst_tcp_options(struct socket *sock, const struct ckpt_rec_inet_sock *rec);
int rst_tcp_established(struct ckpt_ctx *ctx, struct file *file,
			const struct ckpt_rec_inet_sock *rec, u8 **data);

/* checkpoint_udp.c */
const char *ckpt_udp_unsupported(struct sock *sk);
int ckpt_udp_queue(struct sock *sk, struct ckpt_rec_inet_sock *rec,
		   u8 **data, const char **why);
int rst_udp_check(struct ckpt_ctx *ctx, const struct ckpt_rec_inet_sock *rec,
		  const u8 *data);
int rst_udp_queue(struct socket *sock, const struct ckpt_rec_inet_sock *rec,
		  const u8 *data);

#endif /* _NET_IPV4_CHECKPOINT_INET_H */
