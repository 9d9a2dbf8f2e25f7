// SPDX-License-Identifier: GPL-2.0-or-later
#include "ckptinfo_json.h"

#include "bytes.h"
#include "ckptinfo_text.h"
#include "cli.h"
#include "errno_sentence.h"
#include "machine.h"
#include "record_names.h"

#include <fmt/format.h>

namespace crtool {

using json = nlohmann::ordered_json;

namespace {

json header_json(const ckpt_rec_header &h)
{
	json j;
	j["major"] = h.major;
	j["minor"] = h.minor;
	j["arch"] = h.arch;
	j["arch_name"] = cr::arch_name(h.arch);
	j["page_shift"] = h.page_shift;
	j["release"] = printable(cr::c_string_view(h.release));
	j["time_sec"] = h.time_sec;
	j["time_nsec"] = h.time_nsec;
	j["time"] = format_time(h.time_sec, h.time_nsec);
	j["root_pid"] = h.root_pid;
	j["flags"] = h.flags;
	j["flag_names"] = cr::image_flags_names(h.flags);
	j["cpu_state_size"] = h.cpu_state_size;
	/* Also as hex text: JSON readers often lose 64-bit integer precision. */
	j["cpu_features"] = h.cpu_features;
	j["cpu_features_hex"] = fmt::format("{:#018x}", h.cpu_features);
	std::vector<std::string> problems = cr::restore_problems(h, cr::this_machine());
	j["restorable_here"] = problems.empty();
	j["restore_problems"] = problems;
	return j;
}

json tail_json(const ckpt_rec_tail &t)
{
	json j;
	j["records"] = t.records;
	j["length"] = t.length;
	j["csum_type"] = t.csum_type;
	j["csum_type_name"] = cr::csum_type_name(t.csum_type);
	j["csum"] = t.csum;
	j["csum_hex"] = fmt::format("{:#010x}", t.csum);
	return j;
}

} // namespace

json summary_to_json(const cr::ImageSummary &sum, std::string_view file)
{
	json j;
	j["file"] = printable(file);
	j["header"] = sum.header ? header_json(*sum.header) : json(nullptr);

	json records = json::array();
	for (const cr::RecordInfo &rec : sum.records)
		records.push_back(json{{"offset", rec.offset},
				       {"type", rec.type},
				       {"type_name", cr::record_type_name(rec.type)},
				       {"len", rec.len},
				       {"skipped", rec.skipped}});
	j["records"] = records;

	json errors = json::array();
	for (const cr::ErrorInfo &e : sum.errors)
		errors.push_back(json{{"offset", e.offset},
				      {"error", e.error},
				      {"errno_name", cr::errno_name(e.error)},
				      {"message", printable(e.message)}});
	j["errors"] = errors;

	j["tail"] = sum.tail ? tail_json(*sum.tail) : json(nullptr);
	j["length"] = sum.length;
	j["trailing_bytes"] = sum.trailing_bytes;
	j["complete"] = sum.complete();
	j["valid"] = sum.valid();
	if (sum.problem) {
		json p;
		p["offset"] = sum.problem->offset() ? json(*sum.problem->offset()) : json(nullptr);
		p["errno_name"] = cr::errno_name(sum.problem->err());
		p["message"] = sum.problem->message();
		j["problem"] = p;
	} else {
		j["problem"] = nullptr;
	}
	return j;
}

} // namespace crtool
