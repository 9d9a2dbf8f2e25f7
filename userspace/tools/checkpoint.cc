// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * checkpoint [--kill] [--subtree] [--tcp-established] [-o FILE] [--log FILE] PID
 *
 * Writes an image of the process tree rooted at PID to FILE or standard
 * output (never to a terminal).  The kernel freezes the tree for the
 * duration of the system call and thaws it after it whatever the result
 * (with --kill, it has killed it by then).  The kernel's log goes to
 * standard error or to the --log file.
 *
 * With --tcp-established, the tree's TCP connections are locked first
 * (cr/net_lock.h: their packets are dropped), so that the kernel may save
 * those whose peer is outside the tree; they stay locked after --kill,
 * until restart brings them back, and are unlocked otherwise.
 */
#include "cli.h"
#include "errno_sentence.h"
#include "error.h"
#include "fd.h"
#include "net_lock.h"
#include "syscalls.h"
#include "tcp_connections.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/checkpoint_hdr.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace {

/* After a failed checkpoint into a file: say what the file holds now. */
void report_kept_file(int fd, const std::string &path)
{
	struct ::stat st {};
	if (::fstat(fd, &st) == 0 && st.st_size == 0)
		fmt::print(stderr, "checkpoint: {} was left empty\n", path);
	else
		fmt::print(stderr,
			   "checkpoint: the incomplete image was kept in {}: it holds the error "
			   "record (inspect it with: ckptinfo {})\n",
			   path, path);
}

int run(int argc, char **argv)
{
	CLI::App app{"Checkpoint the process tree rooted at PID into an image.", "checkpoint"};
	bool kill = false;
	bool subtree = false;
	bool tcp_established = false;
	std::string output;
	std::string log;
	pid_t pid = 0;
	app.add_flag("--kill", kill, "Kill the tree once the image is complete");
	app.add_flag("--subtree", subtree,
		     "Allow a PID that is not the init of its pid namespace (no leak detection)");
	app.add_flag("--tcp-established", tcp_established,
		     "Save TCP connections to peers outside the tree: their packets are dropped "
		     "(nftables table inet checkpoint_lock) until restart brings them back");
	app.add_option("-o,--output", output, "Write the image to FILE (default: standard output)")
		->option_text("FILE");
	app.add_option("--log", log, "Write the kernel's log to FILE (default: standard error)")
		->option_text("FILE");
	app.add_option("PID", pid, "Root of the process tree")
		->required()
		->check(CLI::PositiveNumber);
	if (std::optional<int> rc = crtool::parse_args(app, argc, argv))
		return *rc;

	cr::Fd image;
	int image_fd = STDOUT_FILENO;
	bool to_file = !crtool::is_std_stream(output);
	if (to_file) {
		image = cr::open_file(output, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		image_fd = image.get();
	} else if (::isatty(STDOUT_FILENO)) {
		fmt::print(stderr,
			   "checkpoint: refusing to write an image to a terminal: use -o FILE "
			   "or redirect standard output\n");
		return crtool::exit_usage;
	}

	cr::Fd log_file;
	int log_fd = STDERR_FILENO;
	if (!log.empty()) {
		log_file = crtool::open_log(log);
		log_fd = log_file.get();
	}

	unsigned int flags = 0;
	if (kill)
		flags |= CHECKPOINT_KILL;
	if (subtree)
		flags |= CHECKPOINT_SUBTREE;

	/* A reader that goes away must give EPIPE and a sentence, not kill us. */
	std::signal(SIGPIPE, SIG_IGN);

	std::vector<cr::TcpConnection> locked;
	if (tcp_established) {
		locked = cr::tree_tcp_connections(pid);
		cr::lock_tcp_connections(locked);
		flags |= CHECKPOINT_NET_LOCKED;
	}

	long rc = -ENOSYS;
	if (cr::have_checkpoint_syscalls())
		rc = cr::checkpoint(pid, image_fd, flags, log_fd);
	if (rc < 0 || !kill) {
		/* the tree runs on */
		cr::unlock_tcp_connections(locked);
	} else if (!locked.empty()) {
		fmt::print(
			stderr,
			"checkpoint: {} TCP connection{} of the tree stay locked (nftables table "
			"{}) until restart brings them back\n",
			locked.size(), locked.size() == 1 ? "" : "s", cr::net_lock_table);
	}
	if (rc < 0) {
		fmt::print(stderr, "checkpoint: {}\n",
			   cr::errno_sentence(cr::Syscall::checkpoint, static_cast<int>(rc)));
		if (to_file)
			report_kept_file(image_fd, output);
		return crtool::exit_failure;
	}
	if (to_file)
		image.close(output);
	return crtool::exit_ok;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		return run(argc, argv);
	} catch (const std::exception &e) {
		fmt::print(stderr, "checkpoint: {}\n", e.what());
		return crtool::exit_failure;
	}
}
