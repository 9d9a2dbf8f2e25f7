/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The controlling terminal of a restored tree.  A terminal is not in the
 * image: the restored tasks get restart's own (the kernel gives them
 * restart's standard streams for their terminal fds), and so does a
 * session that had one.  Its leader takes it right after setsid(),
 * before it creates the rest of its session, which inherits it; then it
 * makes the image's foreground process group the terminal's.  A process
 * that had no controlling terminal drops the one it inherited.
 *
 * restart gives its terminal only when it leads the terminal's session
 * (it was started as the terminal's first process, or with setsid -c):
 * taking it from the session of an interactive shell would leave the
 * shell without one.
 */
#pragma once

#include <linux/checkpoint_hdr.h>
#include <span>
#include <string>
#include <sys/types.h>
#include <vector>

namespace crtool {

/* restart's fd (0, 1 or 2) of the terminal it may give, or -1. */
int terminal_to_give() noexcept;

/* What restart says when a session of @tasks gets no terminal (@tty_fd -1). */
std::vector<std::string> terminal_notes(std::span<const ckpt_task_ids> tasks, int tty_fd);

/*
 * In the restored tasks, which run only async-signal-safe code: the
 * calling session leader takes the terminal of @tty_fd (0 or an errno);
 * the calling process drops its controlling terminal; the calling
 * session leader makes @pgrp the foreground group of its terminal
 * @tty_fd (0 or an errno).
 */
int take_terminal(int tty_fd) noexcept;
void drop_terminal() noexcept;
int set_foreground(int tty_fd, pid_t pgrp) noexcept;

} // namespace crtool
