/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What an errno from checkpoint() or restart() means, as a sentence a
 * user can act on (see the system call contract for where each comes
 * from).  Errors without a specific meaning fall back to strerror().
 */
#pragma once

#include <string>

namespace cr {

enum class Syscall { checkpoint, restart };

/* @err may be positive or negative (as returned by cr::checkpoint()). */
std::string errno_sentence(Syscall call, int err);

/* "EINVAL" etc.; an unknown value as its number. @err may be negative. */
std::string errno_name(int err);

} // namespace cr
