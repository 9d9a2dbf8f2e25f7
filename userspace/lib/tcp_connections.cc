// SPDX-License-Identifier: LGPL-2.1-or-later
#include "tcp_connections.h"

#include "error.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fmt/format.h>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <unistd.h>

namespace cr {

namespace {

/* The states of a connection: ESTABLISHED and CLOSE_WAIT (its peer closed it) */
constexpr std::string_view tcp_established = "01";
constexpr std::string_view tcp_close_wait = "08";

std::string read_all(const std::string &path)
{
	std::ifstream in(path);
	if (!in)
		throw Error::from_errno(path);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

/* The names in directory @path that are numbers */
std::vector<std::uint64_t> numbers_in(const std::string &path)
{
	std::vector<std::uint64_t> out;
	DIR *d = ::opendir(path.c_str());
	if (!d)
		return out;
	while (const dirent *e = ::readdir(d)) {
		std::uint64_t n = 0;
		std::string_view name = e->d_name;
		auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
		if (ec == std::errc() && end == name.data() + name.size())
			out.push_back(n);
	}
	::closedir(d);
	return out;
}

/* @root and its descendants: /proc/PID/task/TID/children */
std::vector<pid_t> tree_pids(pid_t root)
{
	std::vector<pid_t> pids{root};
	for (std::size_t i = 0; i < pids.size(); i++) {
		std::string task_dir = fmt::format("/proc/{}/task", pids[i]);
		for (std::uint64_t tid : numbers_in(task_dir)) {
			std::ifstream in(fmt::format("{}/{}/children", task_dir, tid));
			pid_t child = 0;
			while (in >> child)
				pids.push_back(child);
		}
	}
	return pids;
}

/* The inodes of the sockets @pid holds open */
void socket_inodes(pid_t pid, std::vector<std::uint64_t> &inodes)
{
	std::string fd_dir = fmt::format("/proc/{}/fd", pid);
	for (std::uint64_t fd : numbers_in(fd_dir)) {
		char target[64] = {};
		std::string link = fmt::format("{}/{}", fd_dir, fd);
		ssize_t n = ::readlink(link.c_str(), target, sizeof(target) - 1);
		std::string_view t(target, n > 0 ? static_cast<std::size_t>(n) : 0);
		constexpr std::string_view prefix = "socket:[";
		if (!t.starts_with(prefix) || !t.ends_with("]"))
			continue;
		t = t.substr(prefix.size(), t.size() - prefix.size() - 1);
		std::uint64_t ino = 0;
		if (std::from_chars(t.data(), t.data() + t.size(), ino).ec == std::errc())
			inodes.push_back(ino);
	}
}

std::uint32_t hex32(std::string_view s)
{
	std::uint32_t v = 0;
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
	if (ec != std::errc() || end != s.data() + s.size())
		throw Error(EINVAL, fmt::format("/proc/net/tcp: bad hex number '{}'", s));
	return v;
}

/* "0100007F:1004" (IPv4) or 32 hex digits then ":PORT" (IPv6) */
void parse_endpoint(std::string_view s, int family, std::array<std::uint8_t, 16> &addr,
		    std::uint16_t &port)
{
	std::size_t colon = s.find(':');
	std::size_t words = family == AF_INET ? 1 : 4;
	if (colon != words * 8)
		throw Error(EINVAL, fmt::format("/proc/net/tcp: bad address '{}'", s));
	for (std::size_t w = 0; w < words; w++) {
		/* the kernel prints each 32-bit word as the CPU holds it */
		std::uint32_t v = hex32(s.substr(w * 8, 8));
		std::memcpy(addr.data() + w * 4, &v, 4);
	}
	port = static_cast<std::uint16_t>(hex32(s.substr(colon + 1)));
}

std::string address_string(int family, const std::array<std::uint8_t, 16> &addr)
{
	char buf[INET6_ADDRSTRLEN] = {};
	::inet_ntop(family, addr.data(), buf, sizeof(buf));
	return family == AF_INET6 ? fmt::format("[{}]", buf) : std::string(buf);
}

} // namespace

std::string to_string(const TcpConnection &c)
{
	return fmt::format("{}:{} -> {}:{}", address_string(c.family, c.local), c.local_port,
			   address_string(c.family, c.remote), c.remote_port);
}

std::vector<TcpConnection> parse_proc_net_tcp(std::string_view table, int family,
					      const std::vector<std::uint64_t> &inodes)
{
	std::vector<TcpConnection> out;
	std::istringstream lines{std::string(table)};
	std::string line;
	std::getline(lines, line); /* the column names */
	while (std::getline(lines, line)) {
		std::istringstream f(line);
		std::string sl, local, remote, st, queues, timer, retr, uid, timeout;
		std::uint64_t inode = 0;
		if (!(f >> sl >> local >> remote >> st >> queues >> timer >> retr >> uid >>
		      timeout >> inode))
			throw Error(EINVAL, fmt::format("/proc/net/tcp: bad line '{}'", line));
		if ((st != tcp_established && st != tcp_close_wait) ||
		    std::find(inodes.begin(), inodes.end(), inode) == inodes.end())
			continue;
		TcpConnection c;
		c.family = family;
		parse_endpoint(local, family, c.local, c.local_port);
		parse_endpoint(remote, family, c.remote, c.remote_port);
		out.push_back(c);
	}
	return out;
}

std::vector<TcpConnection> tree_tcp_connections(pid_t root)
{
	std::vector<std::uint64_t> inodes;
	for (pid_t pid : tree_pids(root))
		socket_inodes(pid, inodes);
	std::vector<TcpConnection> out = parse_proc_net_tcp(
		read_all(fmt::format("/proc/{}/net/tcp", root)), AF_INET, inodes);
	std::string tcp6 = fmt::format("/proc/{}/net/tcp6", root);
	if (::access(tcp6.c_str(), F_OK) == 0)
		for (const TcpConnection &c : parse_proc_net_tcp(read_all(tcp6), AF_INET6, inodes))
			out.push_back(c);
	return out;
}

} // namespace cr
