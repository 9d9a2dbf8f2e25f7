/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Human-readable names for the numbers of the image format.
 */
#pragma once

#include <cstdint>
#include <string>

namespace cr {

/* "HEADER", "TAIL", "ERROR", "PADDING"; an unknown type as "0x%08x". */
std::string record_type_name(std::uint32_t type);

/* True for the record types this library knows. */
bool is_known_record_type(std::uint32_t type) noexcept;

/* "x86_64", "arm64"; an unknown architecture as "unknown (N)". */
std::string arch_name(std::uint16_t arch);

/* "CONTAINER" etc. joined with '|', "none" for 0, unknown bits in hex. */
std::string image_flags_names(std::uint32_t flags);

/* "crc32"; an unknown checksum type as "unknown (N)". */
std::string csum_type_name(std::uint32_t csum_type);

} // namespace cr
