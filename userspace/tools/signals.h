/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The restart tool's signal handling while the process it restored runs:
 * SIGINT and SIGTERM are forwarded to it.
 *
 * The class changes process-wide signal dispositions: one object at a
 * time.
 */
#pragma once

#include <csignal>
#include <sys/types.h>

namespace crtool {

/*
 * Forwards SIGINT and SIGTERM to a process for as long as it lives.
 * Until forward_to() names the process, they are held back, then
 * forwarded; one still held at the end is raised again.  Signals that
 * were ignored stay ignored (for this class and the next).
 */
class SignalForwarder {
public:
	SignalForwarder();
	~SignalForwarder();
	SignalForwarder(const SignalForwarder &) = delete;
	SignalForwarder &operator=(const SignalForwarder &) = delete;

	/*
	 * Blocks the forwarded signals, before forking the process they are
	 * for: one that arrives before the child has reset its dispositions
	 * would otherwise run the inherited handler in it.
	 */
	void hold() noexcept;
	/* Forwards the held signals and those to come to @pid; unblocks them. */
	void forward_to(pid_t pid);

	/*
	 * For a child forked while a SignalForwarder lives: the default
	 * dispositions for the forwarded signals and SIGPIPE, and the
	 * forwarded signals unblocked.  Async-signal-safe.
	 */
	static void reset_in_child() noexcept;

private:
	struct sigaction old_int_ {};
	struct sigaction old_term_ {};
};

} // namespace crtool
