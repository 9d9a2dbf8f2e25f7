// SPDX-License-Identifier: GPL-2.0-or-later
#include "ckptinfo_text.h"

#include "bytes.h"
#include "ckptinfo_notes.h"
#include "cli.h"
#include "errno_sentence.h"
#include "machine.h"
#include "record_names.h"

#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <linux/checkpoint_hdr.h>

namespace crtool {

std::string format_time(std::int64_t sec, std::uint32_t nsec)
{
	std::time_t t = static_cast<std::time_t>(sec);
	std::tm tm{};
	if (::gmtime_r(&t, &tm) == nullptr)
		return fmt::format("{}.{:09} (out of range)", sec, nsec);
	return fmt::format("{:%Y-%m-%d %H:%M:%S}.{:09} UTC", tm, nsec);
}

namespace {

void print_header(std::FILE *out, const ckpt_rec_header &h)
{
	fmt::print(out, "header:\n");
	fmt::print(out, "  format version  {}.{}\n", h.major, h.minor);
	fmt::print(out, "  architecture    {}\n", cr::arch_name(h.arch));
	fmt::print(out, "  page size       {} (shift {})\n",
		   std::uint64_t{1} << (h.page_shift & 63), h.page_shift);
	fmt::print(out, "  kernel release  {}\n", printable(cr::c_string_view(h.release)));
	fmt::print(out, "  time            {}\n", format_time(h.time_sec, h.time_nsec));
	fmt::print(out, "  root pid        {}\n", h.root_pid);
	fmt::print(out, "  flags           {:#010x} ({})\n", h.flags,
		   cr::image_flags_names(h.flags));
	fmt::print(out, "  cpu state size  {} bytes\n", h.cpu_state_size);
	fmt::print(out, "  cpu features    {:#018x}\n", h.cpu_features);

	std::vector<std::string> problems = cr::restore_problems(h, cr::this_machine());
	if (problems.empty())
		fmt::print(out, "  this machine    can restore it\n");
	for (const std::string &p : problems)
		fmt::print(out, "  this machine    cannot restore it: {}\n", p);
}

/* The extra column of a record line, for the records without a RecordNote. */
std::string record_note(const cr::ImageSummary &sum, const cr::RecordInfo &rec)
{
	if (rec.skipped)
		return "unknown optional type, skipped";
	if (rec.type == CKPT_REC_ERROR) {
		for (const cr::ErrorInfo &e : sum.errors)
			if (e.offset == rec.offset)
				return fmt::format("{} ({}): {}", cr::errno_name(e.error), e.error,
						   printable(e.message));
	}
	return {};
}

void print_record(std::FILE *out, std::uint64_t offset, std::uint32_t type, std::uint64_t len,
		  const std::string &note)
{
	fmt::print(out, "  {:>10}  {:<10}  {:>8}{}{}\n", offset, cr::record_type_name(type), len,
		   note.empty() ? "" : "  ", note);
}

void print_tail(std::FILE *out, const cr::ImageSummary &sum)
{
	if (sum.tail)
		fmt::print(out, "tail: valid: {} records and {} bytes before it, {} {:#010x}\n",
			   sum.tail->records, sum.tail->length,
			   cr::csum_type_name(sum.tail->csum_type), sum.tail->csum);
	else
		fmt::print(out, "tail: missing: the image is not valid\n");
	if (sum.trailing_bytes)
		fmt::print(out,
			   "trailing data: {} bytes after the TAIL record (restart ignores them)\n",
			   sum.trailing_bytes);
}

} // namespace

void print_summary_text(std::FILE *out, const cr::ImageSummary &sum)
{
	if (sum.header)
		print_header(out, *sum.header);

	std::map<std::uint64_t, RecordNote> notes = record_notes(sum.contents);
	fmt::print(out, "records:\n");
	fmt::print(out, "  {:>10}  {:<10}  {:>8}\n", "offset", "type", "length");
	for (const cr::RecordInfo &rec : sum.records) {
		auto it = notes.find(rec.offset);
		if (it == notes.end()) {
			/* PAGES records after the first of a run are in its line. */
			if (rec.type != CKPT_REC_PAGES)
				print_record(out, rec.offset, rec.type, rec.len,
					     record_note(sum, rec));
			continue;
		}
		const RecordNote &note = it->second;
		print_record(out, rec.offset, rec.type, note.pages ? note.pages->bytes : rec.len,
			     note.text);
		for (const std::string &line : note.more)
			fmt::print(out, "{:36}{}\n", "", line); /* under the note */
	}
	print_tail(out, sum);
	fmt::print(out, "totals: {}\n", totals_text(sum.contents));
}

} // namespace crtool
