/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The established TCP connections a process tree holds, as /proc shows
 * them: what checkpoint --tcp-established locks and restart unlocks.
 */
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace cr {

struct TcpConnection {
	int family = 0;			      /* AF_INET or AF_INET6 */
	std::array<std::uint8_t, 16> local{}; /* network byte order; IPv4 in the first 4 */
	std::uint16_t local_port = 0;
	std::array<std::uint8_t, 16> remote{};
	std::uint16_t remote_port = 0;

	bool operator==(const TcpConnection &) const = default;
};

/* "127.0.0.1:4100 -> 127.0.0.1:38122", "[::1]:4106 -> [::1]:41000" */
std::string to_string(const TcpConnection &c);

/*
 * The connections (ESTABLISHED or CLOSE_WAIT) of a /proc/net/tcp or tcp6 table (@family)
 * whose socket inode is in @inodes.  Throws cr::Error on a malformed line.
 */
std::vector<TcpConnection> parse_proc_net_tcp(std::string_view table, int family,
					      const std::vector<std::uint64_t> &inodes);

/*
 * The TCP connections (ESTABLISHED or CLOSE_WAIT), IPv4 and IPv6, that the processes of
 * the tree rooted at @root hold open (in @root's network namespace).
 */
std::vector<TcpConnection> tree_tcp_connections(pid_t root);

} // namespace cr
