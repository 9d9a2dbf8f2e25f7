/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copying the UAPI structures in and out of raw record bytes.  Records
 * are read into byte buffers, and the structures are copied out with
 * memcpy: no casts of buffer pointers, no alignment assumptions.
 */
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

namespace cr {

/* The bytes of a UAPI structure. */
template <typename T>
std::span<const std::byte> bytes_of(const T &value) noexcept
{
	static_assert(std::is_trivially_copyable_v<T>);
	return std::as_bytes(std::span(&value, 1));
}

/*
 * Copies the leading sizeof(T) bytes of @bytes into a T.  A shorter
 * buffer leaves the missing trailing fields zero; callers that need the
 * whole structure check the length first.
 */
template <typename T>
T load(std::span<const std::byte> bytes) noexcept
{
	static_assert(std::is_trivially_copyable_v<T>);
	T value{};
	std::memcpy(&value, bytes.data(), std::min(sizeof(T), bytes.size()));
	return value;
}

/* A fixed-size byte array field (magic, release) as text. */
template <std::size_t N>
std::string_view field_view(const unsigned char (&field)[N]) noexcept
{
	return std::string_view(reinterpret_cast<const char *>(field), N);
}

/* A NUL-padded char array field, up to the first NUL. */
template <std::size_t N>
std::string_view c_string_view(const char (&field)[N]) noexcept
{
	const char *end = static_cast<const char *>(std::memchr(field, '\0', N));
	return std::string_view(field, end ? static_cast<std::size_t>(end - field) : N);
}

} // namespace cr
