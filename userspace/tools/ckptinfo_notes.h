/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What ckptinfo says about each process record in its record list: one
 * line, and for the TREE record one more line per task.  A run of PAGES
 * records is listed as one line.
 */
#pragma once

#include "image_contents.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace crtool {

struct RecordNote {
	std::string text;
	std::vector<std::string> more; /* further lines */
	/* For the first record of a PAGES run: the run, listed in its place. */
	const cr::PagesRun *pages = nullptr;
};

/* The notes for the records of @contents, by record offset. */
std::map<std::uint64_t, RecordNote> record_notes(const cr::ImageContents &contents);

/* "pages: 37 in 3 records, from 0x600000" */
std::string pages_run_text(const cr::PagesRun &run);

/* "1 task, 12 VMAs, 37 pages (0.14 MiB) of page data" */
std::string totals_text(const cr::ImageContents &contents);

/* Bytes as MiB, for the totals. */
inline double mib(std::uint64_t bytes)
{
	return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

} // namespace crtool
