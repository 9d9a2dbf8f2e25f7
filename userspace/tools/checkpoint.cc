// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * checkpoint [--kill] [--subtree] [-o FILE] [--log FILE] PID
 *
 * Writes an image of the process tree rooted at PID to FILE or standard
 * output (never to a terminal).  The process is frozen with the cgroup v2
 * freezer for the duration of the system call, and thawed after it
 * whatever the result (with --kill, the kernel has killed it by then).
 * The kernel's log goes to standard error or to the --log file.
 */
#include "cli.h"
#include "errno_sentence.h"
#include "error.h"
#include "fd.h"
#include "freezer.h"
#include "signals.h"
#include "syscalls.h"

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

/* Says why PID could not be frozen, in the kernel's words where they fit. */
void report_freeze_error(pid_t pid, const cr::Error &e)
{
	switch (e.err()) {
	case EPERM:
	case EACCES:
		fmt::print(stderr, "checkpoint: {} (freezing process {}: {})\n",
			   cr::errno_sentence(cr::Syscall::checkpoint, EPERM), pid, e.what());
		break;
	case ESRCH:
		fmt::print(stderr, "checkpoint: {} ({})\n",
			   cr::errno_sentence(cr::Syscall::checkpoint, ESRCH), e.what());
		break;
	default:
		fmt::print(stderr, "checkpoint: cannot freeze process {}: {}\n", pid, e.what());
		break;
	}
}

/* Thaws PID; false, after saying so, if it may still be frozen. */
bool thaw(cr::Freezer &freezer)
{
	try {
		freezer.thaw();
		return true;
	} catch (const cr::Error &e) {
		fmt::print(stderr,
			   "checkpoint: thawing process {}: {}: it may still be frozen in {}\n",
			   freezer.pid(), e.what(), freezer.cgroup());
		return false;
	}
}

int run(int argc, char **argv)
{
	CLI::App app{"Checkpoint the process tree rooted at PID into an image.", "checkpoint"};
	bool kill = false;
	bool subtree = false;
	std::string output;
	std::string log;
	pid_t pid = 0;
	app.add_flag("--kill", kill, "Kill the tree once the image is complete");
	app.add_flag("--subtree", subtree,
		     "Allow a PID that is not the init of its pid namespace (no leak detection)");
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

	long rc = -ENOSYS;
	bool thawed = true;
	/* Without the system calls, say so rather than freeze for nothing. */
	if (cr::have_checkpoint_syscalls()) {
		/* Interrupted or not, thaw before dying of SIGINT, SIGTERM or SIGHUP. */
		crtool::SignalDeferrer deferrer;
		std::optional<cr::Freezer> freezer;
		try {
			freezer.emplace(pid);
		} catch (const cr::Error &e) {
			deferrer.raise_held();
			report_freeze_error(pid, e);
			if (to_file)
				report_kept_file(image_fd, output);
			return crtool::exit_failure;
		}
		rc = cr::checkpoint(pid, image_fd, flags, log_fd);
		thawed = thaw(*freezer);
		freezer.reset();
		deferrer.raise_held();
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
	return thawed ? crtool::exit_ok : crtool::exit_failure;
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
