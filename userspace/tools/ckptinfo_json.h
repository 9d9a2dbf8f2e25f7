/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "image_verify.h"

#include <nlohmann/json.hpp>
#include <string_view>

namespace crtool {

/*
 * The same information print_summary_text() prints, as JSON: a run of
 * PAGES records is one entry of "records", with the "addr" of its first
 * page and its "records" and "pages" counts; "contents" holds the
 * decoded process records, "totals" the totals.
 */
nlohmann::ordered_json summary_to_json(const cr::ImageSummary &sum, std::string_view file);

} // namespace crtool
