// SPDX-License-Identifier: GPL-2.0-or-later
/* The connections checkpoint --tcp-established locks, and how. */
#include "net_lock.h"
#include "tcp_connections.h"

#include "error.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

namespace {

/* Two lines of a real /proc/net/tcp: a listener and an established connection */
constexpr const char *tcp4 =
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
	"timeout inode\n"
	"   0: 0100007F:1004 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
	"0 1081 1 0000000000000000 100 0 0 10 0\n"
	"   1: 0100007F:1004 0100007F:94CA 01 00000000:00000006 00:00000000 00000000     0        "
	"0 1090 1 0000000000000000 20 4 30 10 -1\n"
	"   2: 0100007F:94CA 0100007F:1004 01 00000000:00000000 00:00000000 00000000     0        "
	"0 1091 1 0000000000000000 20 4 30 10 -1\n"
	"   3: 0100007F:1004 0100007F:94CC 08 00000000:00000004 00:00000000 00000000     0        "
	"0 1092 1 0000000000000000 20 4 30 10 -1\n"
	"   4: 0100007F:94CC 0100007F:1004 05 00000000:00000000 00:00000000 00000000     0        "
	"0 0 1 0000000000000000 20 4 30 10 -1\n";

constexpr const char *tcp6 =
	"  sl  local_address                         remote_address                        st "
	"tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	"   0: 00000000000000000000000001000000:100A 00000000000000000000000001000000:A1B2 01 "
	"00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 20 4 "
	"30 10 -1\n";

TEST(TcpConnections, ParsesTheEstablishedConnectionsOfTheTree)
{
	std::vector<cr::TcpConnection> c = cr::parse_proc_net_tcp(tcp4, AF_INET, {1081, 1090});
	ASSERT_EQ(c.size(), 1u); /* the listener is not a connection, 1091 not in the tree */
	EXPECT_EQ(c[0].family, AF_INET);
	EXPECT_EQ(c[0].local_port, 4100);
	EXPECT_EQ(c[0].remote_port, 38090);
	EXPECT_EQ(cr::to_string(c[0]), "127.0.0.1:4100 -> 127.0.0.1:38090");
}

TEST(TcpConnections, TakesAConnectionItsPeerClosed)
{
	/* CLOSE_WAIT (08) is a connection; FIN_WAIT2 (05) of an orphan is not the tree's */
	std::vector<cr::TcpConnection> c = cr::parse_proc_net_tcp(tcp4, AF_INET, {1092, 0});
	ASSERT_EQ(c.size(), 1u);
	EXPECT_EQ(cr::to_string(c[0]), "127.0.0.1:4100 -> 127.0.0.1:38092");
}

TEST(TcpConnections, ParsesIPv6Addresses)
{
	std::vector<cr::TcpConnection> c = cr::parse_proc_net_tcp(tcp6, AF_INET6, {2001});
	ASSERT_EQ(c.size(), 1u);
	EXPECT_EQ(cr::to_string(c[0]), "[::1]:4106 -> [::1]:41394");
}

TEST(TcpConnections, RefusesAMalformedTable)
{
	EXPECT_THROW(cr::parse_proc_net_tcp("header\n 0: 0100007F:1004\n", AF_INET, {}), cr::Error);
	EXPECT_THROW(cr::parse_proc_net_tcp(std::string(tcp6), AF_INET, {2001}), cr::Error);
}

TEST(NetLock, DropsBothDirectionsOfEachConnection)
{
	std::vector<cr::TcpConnection> c = cr::parse_proc_net_tcp(tcp4, AF_INET, {1090});
	std::string cmds = cr::lock_commands(c);
	EXPECT_NE(cmds.find("add table inet checkpoint_lock\n"), std::string::npos);
	EXPECT_NE(cmds.find("input ip daddr . tcp dport . ip saddr . tcp sport @conns4 drop"),
		  std::string::npos);
	EXPECT_NE(cmds.find("output ip saddr . tcp sport . ip daddr . tcp dport @conns4 drop"),
		  std::string::npos);
	EXPECT_NE(cmds.find("add element inet checkpoint_lock conns4 { 127.0.0.1 . 4100 . "
			    "127.0.0.1 . 38090 }"),
		  std::string::npos);
}

} // namespace
