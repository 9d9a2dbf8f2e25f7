/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the tools share: exit codes, command line parsing, opening the
 * files named on the command line, making text safe to print.
 */
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "fd.h"

namespace crtool {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

/*
 * Parses the command line.  Returns std::nullopt to go on, or the code
 * to exit with: exit_ok after --help, exit_usage after a usage error
 * (CLI11 has printed the message).
 */
std::optional<int> parse_args(CLI::App &app, int argc, char **argv);

/* True for "" and "-", which name standard input or output. */
inline bool is_std_stream(std::string_view path)
{
	return path.empty() || path == "-";
}

/* A log file named by --log: created if missing, appended to. */
cr::Fd open_log(const std::string &path);

/* @text with control and non-ASCII bytes as \xNN, safe for a terminal and for JSON. */
std::string printable(std::string_view text);

} // namespace crtool
