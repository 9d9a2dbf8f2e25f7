// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli.h"

#include <fcntl.h>
#include <fmt/format.h>

namespace crtool {

std::optional<int> parse_args(CLI::App &app, int argc, char **argv)
{
	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		/* Prints help, or the error and a hint to stderr. */
		int rc = app.exit(e);
		return rc == 0 ? exit_ok : exit_usage;
	}
	return std::nullopt;
}

cr::Fd open_log(const std::string &path)
{
	return cr::open_file(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
}

std::string printable(std::string_view text)
{
	std::string out;
	out.reserve(text.size());
	for (char c : text) {
		auto u = static_cast<unsigned char>(c);
		if (u < 0x20 || u >= 0x7f || c == '\\')
			out += fmt::format("\\x{:02x}", u);
		else
			out += c;
	}
	return out;
}

} // namespace crtool
