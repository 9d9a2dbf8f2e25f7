// SPDX-License-Identifier: LGPL-2.1-or-later
#include "frozen_cgroup.h"

#include "error.h"
#include "io.h"

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace cr {

namespace {

std::string read_text(const std::string &path)
{
	Fd fd = open_file(path, O_RDONLY);
	std::vector<std::byte> data = read_all(fd.get());
	return std::string(reinterpret_cast<const char *>(data.data()), data.size());
}

bool has_dotdot(std::string_view path)
{
	while (!path.empty()) {
		std::size_t slash = path.find('/');
		if (path.substr(0, slash) == "..")
			return true;
		if (slash == std::string_view::npos)
			break;
		path.remove_prefix(slash + 1);
	}
	return false;
}

void check_cgroup2_mount()
{
	std::string root(cgroup2_mount);
	struct ::statfs st {};
	if (::statfs(root.c_str(), &st) < 0)
		throw Error::from_errno(root);
	if (st.f_type != CGROUP2_SUPER_MAGIC)
		throw Error(EOPNOTSUPP,
			    fmt::format("{}: not a cgroup2 file system: a frozen restore needs the "
					"cgroup v2 hierarchy there",
					root));
}

} // namespace

std::string cgroup2_path(std::string_view text, std::string_view file)
{
	while (!text.empty()) {
		std::size_t eol = text.find('\n');
		std::string_view line = text.substr(0, eol);
		text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
		if (!line.starts_with("0::"))
			continue;
		std::string_view path = line.substr(3);
		if (!path.starts_with('/') || has_dotdot(path))
			throw Error(EINVAL, fmt::format("{}: cgroup \"{}\" is not below the cgroup "
							"namespace's root",
							file, path));
		return std::string(path);
	}
	throw Error(EOPNOTSUPP, fmt::format("{}: no cgroup v2 line (\"0::/path\")", file));
}

FrozenCgroup::FrozenCgroup(std::string_view name)
{
	std::string own = cgroup2_path(read_text("/proc/self/cgroup"), "/proc/self/cgroup");
	check_cgroup2_mount();
	path_ = fmt::format("{}{}/{}", cgroup2_mount, own == "/" ? "" : own, name);
	if (::mkdir(path_.c_str(), 0755) < 0)
		throw Error::from_errno(path_);
	dir_ = open_file(path_, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

namespace {

/* Whether thread @tid is inside system call @nr (/proc/TID/syscall). */
bool in_syscall(pid_t tid, long nr)
{
	try {
		std::string text = read_text(fmt::format("/proc/{}/syscall", tid));
		return text.starts_with(fmt::format("{} ", nr));
	} catch (const Error &) {
		return false; /* gone, or not readable yet */
	}
}

} // namespace

void FrozenCgroup::freeze_when_in(std::size_t tasks, long nr, int timeout_ms)
{
	for (int waited = 0;; waited += 10) {
		std::string list = read_text(path_ + "/cgroup.threads");
		std::size_t n = 0, ready = 0;
		for (std::size_t pos = 0; pos < list.size();) {
			std::size_t eol = list.find('\n', pos);
			if (eol == std::string::npos)
				eol = list.size();
			if (eol > pos) {
				n++;
				ready += in_syscall(std::stoi(list.substr(pos, eol - pos)), nr);
			}
			pos = eol + 1;
		}
		if (n == tasks && ready == tasks)
			break;
		if (waited >= timeout_ms)
			throw Error(ETIMEDOUT,
				    fmt::format("{}: {} of {} tasks waiting in restart()", path_,
						ready, tasks));
		::usleep(10000);
	}
	freeze();
}

void FrozenCgroup::freeze()
{
	std::string file = path_ + "/cgroup.freeze";
	Fd fd = open_file(file, O_WRONLY);
	ssize_t n;
	do
		n = ::write(fd.get(), "1", 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		throw Error::from_errno(file);
}

void FrozenCgroup::remove() noexcept
{
	::rmdir(path_.c_str());
}

} // namespace cr
