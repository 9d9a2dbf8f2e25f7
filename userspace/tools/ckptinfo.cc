// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ckptinfo [--verify] [--json] [FILE|-]
 *
 * Shows what a checkpoint image holds: the header, every record (offset,
 * type, length), ERROR records with their errno and message, what the
 * records of a process say (task tree, task, CPU, memory map, VMAs, open
 * files, signal handlers; a run of PAGES records as one line), the tail
 * status and the totals.  It checks the same stream rules restart()
 * checks, so it rejects what the kernel rejects; a malformed image is
 * reported with the byte offset of the problem.
 *
 * Exit status: 0 if the image was read to a valid tail (with --verify:
 * and it holds no ERROR record), 1 if not, 2 for usage errors.
 * --verify alone prints only the verdict; --json prints the whole
 * summary as JSON whatever the verdict.
 */
#include "ckptinfo_json.h"
#include "ckptinfo_text.h"
#include "cli.h"
#include "errno_sentence.h"
#include "fd.h"
#include "image_verify.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace {

/* Prints why the image is not acceptable; returns the exit code. */
int report_verdict(const cr::ImageSummary &sum, const std::string &name, bool verify)
{
	if (sum.problem) {
		fmt::print(stderr, "ckptinfo: {}: {}\n", name, sum.problem->what());
		return crtool::exit_failure;
	}
	if (sum.trailing_bytes)
		fmt::print(stderr,
			   "ckptinfo: {}: warning: {} bytes of trailing data after the TAIL "
			   "record\n",
			   name, sum.trailing_bytes);
	if (!verify)
		return crtool::exit_ok;
	if (!sum.errors.empty()) {
		const cr::ErrorInfo &e = sum.errors.front();
		fmt::print(
			stderr,
			"ckptinfo: {}: at byte offset {}: the image is incomplete: the checkpoint "
			"failed: {}: {}\n",
			name, e.offset, cr::errno_name(e.error), crtool::printable(e.message));
		return crtool::exit_failure;
	}
	return crtool::exit_ok;
}

int run(int argc, char **argv)
{
	CLI::App app{"Show and check the contents of a checkpoint image.", "ckptinfo"};
	bool verify = false;
	bool json = false;
	std::string file = "-";
	app.add_flag(
		"--verify", verify,
		"Only check: exit 0 if the image is complete, valid and holds no ERROR record");
	app.add_flag("--json", json, "Print the summary as JSON");
	app.add_option("FILE", file, "The image, - for standard input (default)");
	if (std::optional<int> rc = crtool::parse_args(app, argc, argv))
		return *rc;

	cr::Fd image;
	int image_fd = STDIN_FILENO;
	std::string name = "standard input";
	if (!crtool::is_std_stream(file)) {
		image = cr::open_file(file, O_RDONLY);
		image_fd = image.get();
		name = crtool::printable(file);
	} else if (::isatty(STDIN_FILENO)) {
		fmt::print(stderr, "ckptinfo: no image: name a FILE or redirect standard input\n");
		return crtool::exit_usage;
	}

	cr::ImageSummary sum = cr::verify_image(image_fd);

	if (json) {
		fmt::print("{}\n", crtool::summary_to_json(sum, name).dump(2));
	} else if (!verify) {
		crtool::print_summary_text(stdout, sum);
	}
	std::fflush(stdout);

	int rc = report_verdict(sum, name, verify);
	if (verify && !json && rc == crtool::exit_ok)
		fmt::print("{}: valid image: {} records, {} bytes\n", name, sum.records.size(),
			   sum.length);
	return rc;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		return run(argc, argv);
	} catch (const std::exception &e) {
		fmt::print(stderr, "ckptinfo: {}\n", e.what());
		return crtool::exit_failure;
	}
}
