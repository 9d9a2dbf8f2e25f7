// SPDX-License-Identifier: LGPL-2.1-or-later
#include "errno_sentence.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>

namespace cr {

namespace {

std::string checkpoint_sentence(int err)
{
	switch (err) {
	case EPERM:
		return "permission denied: checkpointing a process needs CAP_CHECKPOINT_RESTORE "
		       "(or CAP_SYS_ADMIN) in its user namespace and the right to ptrace it";
	case ESRCH:
		return "no such process in this pid namespace";
	case EBADF:
		return "the image or the log file descriptor is not open for writing";
	case EINVAL:
		return "invalid argument: the process is not the init of its pid namespace (use "
		       "--subtree to checkpoint a subtree), or the flags or pid are invalid "
		       "(see the log)";
	default:
		return {};
	}
}

std::string restart_sentence(int err)
{
	switch (err) {
	case EPERM:
		return "permission denied: restarting needs CAP_CHECKPOINT_RESTORE (or "
		       "CAP_SYS_ADMIN) in the target's user namespace and the right to ptrace "
		       "it";
	case ESRCH:
		return "no such process: the root of the task tree for the image does not exist";
	case EBADF:
		return "the image file descriptor is not open for reading, or the log file "
		       "descriptor is not open for writing";
	case EINVAL:
		return "the image is not valid (bad magic, unsupported format version, "
		       "malformed record) or is incomplete because its checkpoint failed (see "
		       "the log)";
	case ESTALE:
		return "a file the image maps changed since the checkpoint (see the log for "
		       "which)";
	default:
		return {};
	}
}

} // namespace

std::string errno_sentence(Syscall call, int err)
{
	err = std::abs(err);
	switch (err) {
	case ENOSYS:
		return "this kernel has no checkpoint support: boot a kernel built with "
		       "CONFIG_CHECKPOINT";
	case EBADMSG:
		return "the image is corrupted or truncated";
	case ENOEXEC:
		return "the image was made on an incompatible machine (architecture, page size "
		       "or CPU features)";
	case EOPNOTSUPP:
		return "not supported by this kernel yet (see the log for what)";
	default:
		break;
	}
	std::string s =
		call == Syscall::checkpoint ? checkpoint_sentence(err) : restart_sentence(err);
	if (s.empty())
		s = fmt::format("{} ({})", std::strerror(err), errno_name(err));
	return s;
}

std::string errno_name(int err)
{
	err = std::abs(err);
	if (const char *name = ::strerrorname_np(err))
		return name;
	return std::to_string(err);
}

} // namespace cr
