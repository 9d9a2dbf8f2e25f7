// SPDX-License-Identifier: LGPL-2.1-or-later
#include "net_lock.h"

#include "error.h"

#include <arpa/inet.h>
#include <cerrno>
#include <fmt/format.h>
#include <netinet/in.h>
#include <nftables/libnftables.h>

namespace cr {

namespace {

/* One libnftables context; its output and errors are kept, not printed. */
class Nft {
public:
	Nft() : ctx_(::nft_ctx_new(NFT_CTX_DEFAULT))
	{
		if (!ctx_)
			throw Error(ENOMEM, "nftables: cannot create a context");
		::nft_ctx_buffer_output(ctx_);
		::nft_ctx_buffer_error(ctx_);
	}
	~Nft() { ::nft_ctx_free(ctx_); }
	Nft(const Nft &) = delete;
	Nft &operator=(const Nft &) = delete;

	/* Run @cmds as one transaction; false if nftables refused them. */
	bool try_run(const std::string &cmds)
	{
		return ::nft_run_cmd_from_buffer(ctx_, cmds.c_str()) == 0;
	}

	void run(const std::string &cmds)
	{
		if (!try_run(cmds))
			throw Error(EPERM, fmt::format("nftables: {}", error()));
	}

	std::string output() const { return ::nft_ctx_get_output_buffer(ctx_); }

	std::string error() const
	{
		std::string e = ::nft_ctx_get_error_buffer(ctx_);
		while (!e.empty() && (e.back() == '\n' || e.back() == ' '))
			e.pop_back();
		return e;
	}

private:
	::nft_ctx *ctx_;
};

std::string address(int family, const std::array<std::uint8_t, 16> &addr)
{
	char buf[INET6_ADDRSTRLEN] = {};
	::inet_ntop(family, addr.data(), buf, sizeof(buf));
	return buf;
}

const char *set_of(const TcpConnection &c)
{
	return c.family == AF_INET6 ? "conns6" : "conns4";
}

std::string element(const TcpConnection &c)
{
	return fmt::format("{} . {} . {} . {}", address(c.family, c.local), c.local_port,
			   address(c.family, c.remote), c.remote_port);
}

bool set_has_elements(Nft &nft, const char *set)
{
	return nft.try_run(fmt::format("list set {} {}", net_lock_table, set)) &&
	       nft.output().find("elements") != std::string::npos;
}

} // namespace

std::string lock_commands(std::span<const TcpConnection> conns)
{
	const char *t = net_lock_table;
	std::string cmds = fmt::format(
		"add table {0}\n"
		"add set {0} conns4 {{ type ipv4_addr . inet_service . ipv4_addr . inet_service; "
		"}}\n"
		"add set {0} conns6 {{ type ipv6_addr . inet_service . ipv6_addr . inet_service; "
		"}}\n"
		"add chain {0} input {{ type filter hook input priority -300; }}\n"
		"add chain {0} output {{ type filter hook output priority -300; }}\n"
		"flush chain {0} input\n"
		"flush chain {0} output\n"
		"add rule {0} input ip daddr . tcp dport . ip saddr . tcp sport @conns4 drop\n"
		"add rule {0} input ip6 daddr . tcp dport . ip6 saddr . tcp sport @conns6 drop\n"
		"add rule {0} output ip saddr . tcp sport . ip daddr . tcp dport @conns4 drop\n"
		"add rule {0} output ip6 saddr . tcp sport . ip6 daddr . tcp dport @conns6 drop\n",
		t);
	for (const TcpConnection &c : conns)
		cmds += fmt::format("add element {} {} {{ {} }}\n", t, set_of(c), element(c));
	return cmds;
}

void lock_tcp_connections(std::span<const TcpConnection> conns)
{
	if (conns.empty())
		return;
	Nft nft;
	nft.run(lock_commands(conns));
}

std::size_t unlock_tcp_connections(std::span<const TcpConnection> conns)
{
	Nft nft;
	std::size_t unlocked = 0;
	if (!nft.try_run(fmt::format("list table {}", net_lock_table)))
		return 0; /* nothing is locked */
	for (const TcpConnection &c : conns)
		if (nft.try_run(fmt::format("delete element {} {} {{ {} }}", net_lock_table,
					    set_of(c), element(c))))
			unlocked++;
	if (!set_has_elements(nft, "conns4") && !set_has_elements(nft, "conns6"))
		nft.try_run(fmt::format("delete table {}", net_lock_table));
	return unlocked;
}

} // namespace cr
