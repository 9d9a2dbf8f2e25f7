/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running CRC-32 of the image bytes (CKPT_CSUM_CRC32): zlib's crc32(),
 * IEEE 802.3 polynomial, the same value the kernel's crc32_le() based
 * checksum produces.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace cr {

class Crc32 {
public:
	void update(std::span<const std::byte> data) noexcept;
	std::uint32_t value() const noexcept { return crc_; }

private:
	std::uint32_t crc_ = 0; /* crc32(0, NULL, 0) */
};

/* CRC-32 of one buffer. */
std::uint32_t crc32_of(std::span<const std::byte> data) noexcept;

} // namespace cr
