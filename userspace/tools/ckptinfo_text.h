/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "image_verify.h"

#include <cstdio>
#include <string>

namespace crtool {

/*
 * Prints the header, every record (a run of PAGES records as one line),
 * the tail status and the totals of @sum to @out.
 */
void print_summary_text(std::FILE *out, const cr::ImageSummary &sum);

/* "2025-01-31 12:00:00.000000001 UTC" for a header time. */
std::string format_time(std::int64_t sec, std::uint32_t nsec);

} // namespace crtool
