// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * restart [-i FILE] [--frozen] [--log FILE]
 *
 * Restores the image read from FILE or standard input (never from a
 * terminal).  For now the caller restores itself: restart(0, ...).  The
 * kernel's log goes to standard error or to the --log file.
 */
#include "cli.h"
#include "errno_sentence.h"
#include "error.h"
#include "fd.h"
#include "syscalls.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/checkpoint_hdr.h>
#include <unistd.h>

namespace {

int run(int argc, char **argv)
{
	CLI::App app{"Restore the processes of a checkpoint image.", "restart"};
	std::string input;
	std::string log;
	bool frozen = false;
	app.add_option("-i,--input", input, "Read the image from FILE (default: standard input)")
		->option_text("FILE");
	app.add_flag("--frozen", frozen, "Leave the restored tasks frozen");
	app.add_option("--log", log, "Write the kernel's log to FILE (default: standard error)")
		->option_text("FILE");
	if (std::optional<int> rc = crtool::parse_args(app, argc, argv))
		return *rc;

	cr::Fd image;
	int image_fd = STDIN_FILENO;
	if (!crtool::is_std_stream(input)) {
		image = cr::open_file(input, O_RDONLY);
		image_fd = image.get();
	} else if (::isatty(STDIN_FILENO)) {
		fmt::print(stderr,
			   "restart: refusing to read an image from a terminal: use -i FILE "
			   "or redirect standard input\n");
		return crtool::exit_usage;
	}

	cr::Fd log_file;
	int log_fd = STDERR_FILENO;
	if (!log.empty()) {
		log_file = crtool::open_log(log);
		log_fd = log_file.get();
	}

	unsigned int flags = frozen ? RESTART_FROZEN : 0;
	long rc = cr::restart(0, image_fd, flags, log_fd);
	if (rc < 0) {
		fmt::print(stderr, "restart: {}\n",
			   cr::errno_sentence(cr::Syscall::restart, static_cast<int>(rc)));
		return crtool::exit_failure;
	}
	return crtool::exit_ok;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		return run(argc, argv);
	} catch (const std::exception &e) {
		fmt::print(stderr, "restart: {}\n", e.what());
		return crtool::exit_failure;
	}
}
