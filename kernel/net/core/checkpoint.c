// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: the socket-level state every kind of socket has.
 *
 * Each kind's record holds its buffers, timeouts and the options restart
 * sets again; a socket that would come back without another socket-level
 * setting is refused, naming it.  The helpers below are what the kinds'
 * code (net/unix, net/ipv4, net/netlink) shares.
 */
#include <linux/checkpoint.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <net/net_namespace.h>
#include <net/sock.h>

/* Options a TCP or UDP socket's record holds, that other kinds lose */
static const char *ckpt_sock_ip_option(struct sock *sk)
{
	if (sock_flag(sk, SOCK_KEEPOPEN))
		return "SO_KEEPALIVE";
	if (sock_flag(sk, SOCK_LINGER))
		return "SO_LINGER";
	if (sock_flag(sk, SOCK_BROADCAST))
		return "SO_BROADCAST";
	if (READ_ONCE(sk->sk_priority))
		return "SO_PRIORITY";
	if (sk->sk_reuse || sk->sk_reuseport)
		return "SO_REUSEADDR or SO_REUSEPORT";
	return NULL;
}

/**
 * ckpt_sock_unsupported - why checkpoint cannot save @sk's socket-level state
 * @sk: a socket of a kind that checkpoint saves
 * @ip_options: the kind's record holds SO_KEEPALIVE, SO_LINGER,
 *	SO_BROADCAST, SO_PRIORITY, SO_REUSEADDR and SO_REUSEPORT
 *
 * Return: what restart would not set again, or NULL.
 */
const char *ckpt_sock_unsupported(struct sock *sk, bool ip_options)
{
	static const struct { int flag; const char *name; } sock_flags[] = {
		{ SOCK_RCVTSTAMP, "receive timestamps (SO_TIMESTAMP)" },
		{ SOCK_RCVTSTAMPNS, "receive timestamps (SO_TIMESTAMPNS)" },
		{ SOCK_URGINLINE, "SO_OOBINLINE" },
		{ SOCK_LOCALROUTE, "SO_DONTROUTE" },
		{ SOCK_ZEROCOPY, "SO_ZEROCOPY" },
		{ SOCK_RXQ_OVFL, "SO_RXQ_OVFL" },
		{ SOCK_WIFI_STATUS, "SO_WIFI_STATUS" },
		{ SOCK_SELECT_ERR_QUEUE, "SO_SELECT_ERR_QUEUE" },
		{ SOCK_TXTIME, "SO_TXTIME" },
	};
	int i;

	if (!net_eq(sock_net(sk), current->nsproxy->net_ns))
		return "a socket of another network namespace";
	if (sk->sk_bound_dev_if)
		return "a socket bound to a device (SO_BINDTODEVICE or an IPv6 scope)";
	if (rcu_access_pointer(sk->sk_filter))
		return "a socket filter (SO_ATTACH_FILTER)";
	if (READ_ONCE(sk->sk_mark))
		return "a socket mark (SO_MARK)";
	for (i = 0; i < ARRAY_SIZE(sock_flags); i++)
		if (sock_flag(sk, sock_flags[i].flag))
			return sock_flags[i].name;
	if (READ_ONCE(sk->sk_tsflags))
		return "SO_TIMESTAMPING";
	if (READ_ONCE(sk->sk_rcvlowat) != 1)
		return "SO_RCVLOWAT";
	if (READ_ONCE(sk->sk_max_pacing_rate) != ~0UL)
		return "SO_MAX_PACING_RATE";
	return ip_options ? NULL : ckpt_sock_ip_option(sk);
}

/**
 * ckpt_file_sock - the socket of @file, if it is one of @family
 * @file: an open file
 * @family: AF_UNIX, AF_INET, ...; AF_INET stands for AF_INET6 too
 *
 * Return: its sock, or NULL.
 */
struct sock *ckpt_file_sock(struct file *file, int family)
{
	struct socket *sock = S_ISSOCK(file_inode(file)->i_mode) ?
			      sock_from_file(file) : NULL;
	struct sock *sk = sock ? sock->sk : NULL;
	int f = sk ? sk->sk_family : AF_UNSPEC;

	return f == family || (family == AF_INET && f == AF_INET6) ? sk : NULL;
}

/**
 * ckpt_sock_timeo_ns - a socket timeout as a record holds it
 * @timeo: sk_sndtimeo or sk_rcvtimeo
 *
 * Return: nanoseconds, 0 for none.
 */
s64 ckpt_sock_timeo_ns(long timeo)
{
	return timeo == MAX_SCHEDULE_TIMEOUT ? 0 : jiffies_to_nsecs(timeo);
}

/**
 * rst_sock_timeouts - set @sk's SO_SNDTIMEO and SO_RCVTIMEO from a record
 * @sk: a socket, under its lock
 * @sndtimeo_ns: nanoseconds, 0 for none; checked not negative
 * @rcvtimeo_ns: likewise
 */
void rst_sock_timeouts(struct sock *sk, s64 sndtimeo_ns, s64 rcvtimeo_ns)
{
	WRITE_ONCE(sk->sk_sndtimeo, sndtimeo_ns ?
		   nsecs_to_jiffies(sndtimeo_ns) : MAX_SCHEDULE_TIMEOUT);
	WRITE_ONCE(sk->sk_rcvtimeo, rcvtimeo_ns ?
		   nsecs_to_jiffies(rcvtimeo_ns) : MAX_SCHEDULE_TIMEOUT);
}
