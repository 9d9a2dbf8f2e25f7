/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network lock: nftables rules that drop every packet of chosen TCP
 * connections, both ways, while their process tree is down.  checkpoint
 * --tcp-established locks the tree's connections before the kernel
 * copies them (so that the kernel acknowledges no byte the image lacks)
 * and restart unlocks them once the restored tree runs (until then, a
 * peer's packets would meet no socket and get a reset).
 *
 * Everything lives in the table "inet checkpoint_lock": two sets of
 * connections (address . port . address . port, local first; IPv4 and
 * IPv6) and one rule per hook and family that drops what they match.
 * The table goes away when its sets are empty.
 */
#pragma once

#include "tcp_connections.h"

#include <span>
#include <string>

namespace cr {

inline constexpr const char *net_lock_table = "inet checkpoint_lock";

/* Drop the packets of @conns from now on.  Throws cr::Error. */
void lock_tcp_connections(std::span<const TcpConnection> conns);

/*
 * Let the packets of @conns through again (those not locked are left
 * alone).  Returns how many were locked.  Throws cr::Error when nftables
 * cannot be used at all.
 */
std::size_t unlock_tcp_connections(std::span<const TcpConnection> conns);

/* The nftables commands that lock @conns, as lock_tcp_connections() runs them */
std::string lock_commands(std::span<const TcpConnection> conns);

} // namespace cr
