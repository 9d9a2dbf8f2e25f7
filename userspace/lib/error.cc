// SPDX-License-Identifier: LGPL-2.1-or-later
#include "error.h"

#include <cerrno>
#include <cstring>

namespace cr {

Error::Error(int err, const std::string &message)
    : std::runtime_error(message), err_(err), message_(message)
{
}

Error::Error(int err, std::uint64_t offset, const std::string &message)
    : std::runtime_error("at byte offset " + std::to_string(offset) + ": " + message), err_(err),
      offset_(offset), message_(message)
{
}

Error Error::from_errno(const std::string &context)
{
	int err = errno;
	return Error(err, context + ": " + std::strerror(err));
}

} // namespace cr
