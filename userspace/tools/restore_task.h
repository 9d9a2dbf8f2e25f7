/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the restart tool does with an image whose prefix it has read:
 * create the task the kernel restores the process into, feed it the
 * image, learn whether the restore took over, and wait for the restored
 * process.
 */
#pragma once

#include "image_prefix.h"
#include "signals.h"

#include <optional>
#include <sys/types.h>

namespace crtool {

struct RestoreRequest {
	const cr::ImagePrefix &prefix; /* read from image_fd */
	int image_fd;
	unsigned int flags; /* RESTART_* */
	int log_fd;	    /* the kernel's log */
};

struct RestoreStart {
	pid_t pid = 0;
	/*
	 * Set when restart() returned in the task: its errno (0 if it
	 * returned without an error and without restoring anything).  Unset
	 * when the restored process took over.
	 */
	std::optional<int> error;
};

/*
 * Creates the task with the pid of the image's process (or another one,
 * with a notice on standard error, when that one cannot be had), from
 * then on forwards signals to it with @forwarder, feeds it the image
 * (the prefix first, when it was consumed from a pipe or socket), and
 * returns once restart() returned in the task (which is then reaped) or
 * the restored process took over: the task's status pipe reaches end of
 * file when the kernel replaces its file descriptors with the image's.
 *
 * Throws cr::Error when the task cannot be created, or the image cannot
 * be read to feed a restart that then failed.
 */
RestoreStart start_restore(const RestoreRequest &req, SignalForwarder &forwarder);

/*
 * Waits for the child @pid to end.  Returns its exit status, or 128 + N
 * after saying on standard error that signal N killed it.
 */
int wait_restored(pid_t pid);

/* The same, for a wait status already collected. */
int exit_code_of(pid_t pid, int wait_status);

} // namespace crtool
