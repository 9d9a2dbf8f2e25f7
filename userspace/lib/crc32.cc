// SPDX-License-Identifier: LGPL-2.1-or-later
#include "crc32.h"

#include <zlib.h>

namespace cr {

void Crc32::update(std::span<const std::byte> data) noexcept
{
	/* crc32_z() takes a size_t length: no need to split large buffers. */
	crc_ = static_cast<std::uint32_t>(
		::crc32_z(crc_, reinterpret_cast<const Bytef *>(data.data()), data.size()));
}

std::uint32_t crc32_of(std::span<const std::byte> data) noexcept
{
	Crc32 crc;
	crc.update(data);
	return crc.value();
}

} // namespace cr
