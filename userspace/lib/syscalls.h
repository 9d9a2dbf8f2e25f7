/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The checkpoint() and restart() system calls (see <linux/checkpoint_hdr.h>
 * for the flags).
 *
 * Both return the kernel's non-negative result on success and -errno on
 * failure; they never throw and leave errno unspecified.  On an
 * architecture without system call numbers for them they return -ENOSYS.
 */
#pragma once

#include <sys/types.h>

namespace cr {

/* Writes an image of the tree rooted at @pid to @fd; progress to @logfd (-1: none). */
long checkpoint(pid_t pid, int fd, unsigned int flags, int logfd) noexcept;

/* Restores the image read from @fd into the tree rooted at @pid (0: the caller). */
long restart(pid_t pid, int fd, unsigned int flags, int logfd) noexcept;

/*
 * Whether this kernel has the two system calls.  Asks checkpoint() with
 * invalid flags, which it refuses with EINVAL before looking at anything
 * else; a kernel without it answers ENOSYS.
 */
bool have_checkpoint_syscalls() noexcept;

} // namespace cr
