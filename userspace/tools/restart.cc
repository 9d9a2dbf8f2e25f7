// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * restart [-i FILE] [--pidns] [--frozen] [--detach] [--log FILE]
 *
 * Restores the process tree of the image read from FILE or standard input
 * (never from a terminal).  It reads the image's HEADER and TREE record,
 * plans the tree (tree_plan.h) and creates every task with the pid it had
 * (tree_build.h; with --pidns in a new pid namespace, the root as its
 * pid 1).  The tasks wait in restart(RESTART_TASK) while restart, as
 * their coordinator, hands the image to the kernel: restart(root, ...).
 * A regular file is read with pread() and handed over at its offset; an
 * image on a pipe or socket reaches the kernel through a new pipe, the
 * prefix already read first.  The kernel's log goes to standard error or
 * to the --log file.
 *
 * Without --detach, restart waits for the restored root, forwarding
 * SIGINT and SIGTERM to it, and exits with its exit status (128 + N if
 * signal N killed it).  With --detach, a helper process creates the tree
 * and exits once the restore took over, so that the restored root is
 * re-parented to init; restart prints its pid and exits 0.  A restore
 * that fails: the reason, exit 1, and no task of the tree left.
 */
#include "bytes.h"
#include "cli.h"
#include "errno_sentence.h"
#include "error.h"
#include "fd.h"
#include "image_prefix.h"
#include "io.h"
#include "machine.h"
#include "restore_task.h"
#include "signals.h"

#include <csignal>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/checkpoint_hdr.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

/* Prints why restart() failed in the task. */
int report_restart_error(int err)
{
	if (err == 0)
		fmt::print(stderr, "restart: the kernel returned from restart() without restoring "
				   "the process\n");
	else
		fmt::print(stderr, "restart: {}\n", cr::errno_sentence(cr::Syscall::restart, err));
	return crtool::exit_failure;
}

/* Restores the process as a child of this one and waits for it. */
int restore_and_wait(const crtool::RestoreRequest &req)
{
	crtool::SignalForwarder forwarder;
	crtool::RestoreStart start = crtool::start_restore(req, forwarder);
	if (start.error)
		return report_restart_error(*start.error);
	return crtool::wait_restored(start.pid);
}

/* What the helper of --detach tells restart. */
struct DetachReport {
	int failed = 1; /* the helper failed, and said why */
	pid_t pid = 0;
	int error = -1;	 /* restart()'s errno in the task; -1: it took over */
	int status = -1; /* wait status if the restored process ended already, else -1 */
};

/* The helper of --detach: creates the task, reports, exits.  Never returns. */
[[noreturn]] void detach_helper(const crtool::RestoreRequest &req,
				crtool::SignalForwarder &forwarder, int report_fd)
{
	DetachReport report;
	try {
		crtool::RestoreStart start = crtool::start_restore(req, forwarder);
		report.pid = start.pid;
		report.error = start.error.value_or(-1);
		int status;
		if (!start.error && ::waitpid(start.pid, &status, WNOHANG) == start.pid)
			report.status = status;
		report.failed = 0;
	} catch (const std::exception &e) {
		fmt::print(stderr, "restart: {}\n", e.what());
	}
	try {
		cr::write_all(report_fd, cr::bytes_of(report));
	} catch (const cr::Error &) {
		/* restart is gone: nobody to report to. */
	}
	::_exit(0);
}

/* --detach: restores the process as a grandchild, orphaned once it took over. */
int restore_detached(const crtool::RestoreRequest &req)
{
	crtool::SignalForwarder forwarder;
	cr::Pipe report_pipe = cr::make_pipe();
	std::fflush(stdout);
	forwarder.hold();
	pid_t helper = ::fork();
	if (helper < 0)
		throw cr::Error::from_errno("fork");
	if (helper == 0) {
		report_pipe.read.reset();
		detach_helper(req, forwarder, report_pipe.write.get());
	}
	report_pipe.write.reset();
	forwarder.forward_to(helper);

	DetachReport report;
	std::size_t n = cr::read_full(report_pipe.read.get(),
				      std::as_writable_bytes(std::span(&report, 1)));
	int status;
	while (::waitpid(helper, &status, 0) < 0 && errno == EINTR)
		;
	if (n < sizeof(report)) {
		fmt::print(stderr, "restart: the helper process died before it could report\n");
		return crtool::exit_failure;
	}
	if (report.failed)
		return crtool::exit_failure;
	if (report.error >= 0)
		return report_restart_error(report.error);

	fmt::print("{}\n", report.pid);
	std::fflush(stdout);
	if (report.status == -1)
		return crtool::exit_ok;
	/* It ended before the helper left it. */
	int code = crtool::exit_code_of(report.pid, report.status);
	if (WIFEXITED(report.status))
		fmt::print(stderr, "restart: restored process {} already exited with status {}\n",
			   report.pid, code);
	return code;
}

int run(int argc, char **argv)
{
	CLI::App app{"Restore the process tree of a checkpoint image.", "restart"};
	std::string input;
	std::string log;
	bool frozen = false;
	bool detach = false;
	bool pidns = false;
	app.add_option("-i,--input", input, "Read the image from FILE (default: standard input)")
		->option_text("FILE");
	app.add_flag("--frozen", frozen,
		     "Leave the restored tree frozen in a new cgroup v2 cgroup (printed): write 0 "
		     "to its cgroup.freeze to thaw it");
	app.add_flag("--pidns", pidns,
		     "Restore into a new pid namespace, the root becoming its pid 1 (for the "
		     "image of a container)");
	app.add_flag("--detach", detach,
		     "Do not wait for the restored root: print its pid and exit");
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

	/* The restore going away while the image is relayed to it must give EPIPE. */
	std::signal(SIGPIPE, SIG_IGN);

	cr::ImagePrefix prefix = cr::read_image_prefix(image_fd);
	std::vector<std::string> problems = cr::restore_problems(prefix.header, cr::this_machine());
	if (!problems.empty()) {
		for (const std::string &p : problems)
			fmt::print(stderr, "restart: {}: {}\n",
				   cr::errno_sentence(cr::Syscall::restart, ENOEXEC), p);
		return crtool::exit_failure;
	}

	if (pidns && prefix.tree.tasks.at(0).pid != 1) {
		fmt::print(stderr,
			   "restart: --pidns needs the image of a container (its root is pid "
			   "{}, not 1)\n",
			   prefix.tree.tasks.at(0).pid);
		return crtool::exit_usage;
	}
	/* --frozen: the tree goes into a cgroup of its own, frozen (not RESTART_FROZEN) */
	std::optional<cr::FrozenCgroup> cgroup;
	if (frozen)
		cgroup.emplace(fmt::format("restart-{}", ::getpid()));
	crtool::RestoreRequest req{prefix, image_fd, 0U,
				   log_fd, pidns,    cgroup ? &*cgroup : nullptr};
	int rc;
	try {
		rc = detach ? restore_detached(req) : restore_and_wait(req);
	} catch (...) {
		if (cgroup)
			cgroup->remove();
		throw;
	}
	/* empty once the tree ended or after a failure; a detached tree keeps it */
	if (cgroup && (!detach || rc == crtool::exit_failure))
		cgroup->remove();
	return rc;
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
