// SPDX-License-Identifier: LGPL-2.1-or-later
#include "record_names.h"

#include <fmt/format.h>
#include <linux/checkpoint_hdr.h>

namespace cr {

std::string record_type_name(std::uint32_t type)
{
	switch (type) {
	case CKPT_REC_HEADER:
		return "HEADER";
	case CKPT_REC_TAIL:
		return "TAIL";
	case CKPT_REC_ERROR:
		return "ERROR";
	case CKPT_REC_PADDING:
		return "PADDING";
	default:
		return fmt::format("{:#010x}", type);
	}
}

bool is_known_record_type(std::uint32_t type) noexcept
{
	switch (type) {
	case CKPT_REC_HEADER:
	case CKPT_REC_TAIL:
	case CKPT_REC_ERROR:
	case CKPT_REC_PADDING:
		return true;
	default:
		return false;
	}
}

std::string arch_name(std::uint16_t arch)
{
	switch (arch) {
	case CKPT_ARCH_X86_64:
		return "x86_64";
	case CKPT_ARCH_ARM64:
		return "arm64";
	default:
		return fmt::format("unknown ({})", arch);
	}
}

std::string image_flags_names(std::uint32_t flags)
{
	if (flags == 0)
		return "none";
	std::string names;
	if (flags & CKPT_IMAGE_CONTAINER) {
		names = "CONTAINER";
		flags &= ~CKPT_IMAGE_CONTAINER;
	}
	if (flags)
		names += fmt::format("{}{:#x}", names.empty() ? "" : "|", flags);
	return names;
}

std::string csum_type_name(std::uint32_t csum_type)
{
	if (csum_type == CKPT_CSUM_CRC32)
		return "crc32";
	return fmt::format("unknown ({})", csum_type);
}

} // namespace cr
