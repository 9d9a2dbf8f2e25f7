// SPDX-License-Identifier: LGPL-2.1-or-later
#include "freezer.h"

#include "error.h"
#include "fd.h"
#include "io.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/magic.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace cr {

namespace {

using Clock = std::chrono::steady_clock;

/* The contents of a small file. */
std::string read_text(const std::string &path)
{
	Fd fd = open_file(path, O_RDONLY);
	std::vector<std::byte> data;
	try {
		data = read_all(fd.get());
	} catch (const Error &e) {
		throw Error(e.err(), path + ": " + e.message());
	}
	return std::string(reinterpret_cast<const char *>(data.data()), data.size());
}

/* Writes @text to the cgroup file @path in one write(), as cgroup files want. */
void write_text(const std::string &path, std::string_view text)
{
	Fd fd = open_file(path, O_WRONLY);
	ssize_t n;
	do
		n = ::write(fd.get(), text.data(), text.size());
	while (n < 0 && errno == EINTR);
	if (n < 0)
		throw Error::from_errno(fmt::format("writing \"{}\" to {}", text, path));
}

void check_cgroup2_mount()
{
	std::string root(cgroup2_mount);
	struct ::statfs st {};
	if (::statfs(root.c_str(), &st) < 0)
		throw Error::from_errno(root);
	if (st.f_type != CGROUP2_SUPER_MAGIC)
		throw Error(EOPNOTSUPP, fmt::format("{}: not a cgroup2 file system: freezing a "
						    "process needs the cgroup v2 hierarchy there",
						    root));
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
	throw Error(EOPNOTSUPP, fmt::format("{}: no cgroup v2 line (\"0::/path\"): freezing a "
					    "process needs the cgroup v2 hierarchy",
					    file));
}

std::optional<std::string_view> cgroup_events_value(std::string_view text, std::string_view key)
{
	while (!text.empty()) {
		std::size_t eol = text.find('\n');
		std::string_view line = text.substr(0, eol);
		text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
		if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ' ')
			return line.substr(key.size() + 1);
	}
	return std::nullopt;
}

Freezer::Freezer(pid_t pid, std::chrono::milliseconds timeout) : pid_(pid), timeout_(timeout)
{
	if (pid <= 0)
		throw Error(EINVAL, fmt::format("cannot freeze pid {}: not a process", pid));
	if (pid == ::getpid())
		throw Error(EINVAL, "a process cannot freeze itself");

	std::string file = fmt::format("/proc/{}/cgroup", pid);
	std::string text;
	try {
		text = read_text(file);
	} catch (const Error &e) {
		if (e.err() != ENOENT)
			throw;
		throw Error(ESRCH, fmt::format("{}: there is no process {}", e.what(), pid));
	}
	std::string path = cgroup2_path(text, file);
	check_cgroup2_mount();
	original_ = std::string(cgroup2_mount) + (path == "/" ? "" : path);
	cgroup_ = fmt::format("{}/ckpt-{}", original_, pid);

	try {
		freeze();
	} catch (const Error &) {
		try {
			thaw();
		} catch (const Error &) {
			/* The first error is the one that matters. */
		}
		throw;
	}
}

Freezer::~Freezer()
{
	try {
		thaw();
	} catch (const Error &) {
		/* Nobody to tell: thaw() reports to those who call it. */
	}
}

void Freezer::freeze()
{
	if (::mkdir(cgroup_.c_str(), 0755) < 0) {
		if (errno != EEXIST)
			throw Error::from_errno("mkdir " + cgroup_);
		throw Error(EEXIST, fmt::format("mkdir {}: {}: another checkpoint of process {} is "
						"running, or one that crashed left it behind",
						cgroup_, std::strerror(EEXIST), pid_));
	}
	created_ = true;
	try {
		write_text(cgroup_ + "/cgroup.procs", std::to_string(pid_));
	} catch (const Error &e) {
		if (e.err() != ESRCH)
			throw;
		throw Error(ESRCH, fmt::format("{}: process {} exited", e.what(), pid_));
	}
	moved_ = true;
	write_text(cgroup_ + "/cgroup.freeze", "1");
	frozen_ = true;
	wait_events("frozen", "1");
}

void Freezer::thaw()
{
	std::optional<Error> first;
	auto attempt = [&first](auto &&step) {
		try {
			step();
		} catch (const Error &e) {
			if (!first)
				first = e;
		}
	};
	if (frozen_)
		attempt([this] {
			write_text(cgroup_ + "/cgroup.freeze", "0");
			frozen_ = false;
		});
	if (moved_)
		attempt([this] {
			move_back();
			moved_ = false;
			frozen_ = false; /* out of the frozen cgroup is thawed */
		});
	/* A process still inside would keep the cgroup busy. */
	if (created_ && !moved_)
		attempt([this] {
			remove_cgroup();
			created_ = false;
		});
	if (first)
		throw *first;
}

void Freezer::move_back()
{
	std::string procs = original_ + "/cgroup.procs";
	try {
		write_text(procs, std::to_string(pid_));
	} catch (const Error &e) {
		/* ESRCH: the process is gone; ENOENT: so is its cgroup. */
		if (e.err() != ESRCH && e.err() != ENOENT)
			throw;
	}
}

void Freezer::remove_cgroup()
{
	if (::rmdir(cgroup_.c_str()) == 0 || errno == ENOENT)
		return;
	if (errno != EBUSY)
		throw Error::from_errno("rmdir " + cgroup_);
	/* A killed process leaves the cgroup only once it has finished exiting. */
	wait_events("populated", "0");
	if (::rmdir(cgroup_.c_str()) < 0 && errno != ENOENT)
		throw Error::from_errno("rmdir " + cgroup_);
}

void Freezer::wait_events(std::string_view key, std::string_view value)
{
	std::string file = cgroup_ + "/cgroup.events";
	Fd fd = open_file(file, O_RDONLY);
	Clock::time_point deadline = Clock::now() + timeout_;
	for (;;) {
		/* Each change is signalled with POLLPRI; reading rearms it. */
		std::array<std::byte, 512> buf;
		std::size_t n;
		try {
			n = pread_full(fd.get(), buf, 0);
		} catch (const Error &e) {
			throw Error(e.err(), file + ": " + e.message());
		}
		std::string_view text(reinterpret_cast<const char *>(buf.data()), n);
		if (cgroup_events_value(text, key) == value)
			return;

		auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
		if (left.count() <= 0)
			throw Error(
				ETIMEDOUT,
				fmt::format("{}: no \"{} {}\" after {} ms ({}): process {} did not "
					    "{} in time",
					    file, key, value, timeout_.count(),
					    std::strerror(ETIMEDOUT), pid_,
					    key == "frozen" ? "freeze" : "leave its cgroup"));
		pollfd pfd{fd.get(), POLLPRI, 0};
		if (::poll(&pfd, 1, static_cast<int>(left.count())) < 0 && errno != EINTR)
			throw Error::from_errno("poll of " + file);
	}
}

} // namespace cr
