/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tools' signal handling while another process depends on them: a
 * restart forwards SIGINT and SIGTERM to the process it restored, a
 * checkpoint thaws its frozen target before it dies of one.
 *
 * Both classes change process-wide signal dispositions: one object of
 * either at a time.
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

/*
 * Holds back SIGINT, SIGTERM and SIGHUP for as long as it lives: the
 * first one received interrupts the system call in progress (no
 * SA_RESTART) and is remembered; raise_held() restores the dispositions
 * and raises it again, once the work that must not be skipped is done.
 */
class SignalDeferrer {
public:
	SignalDeferrer();
	~SignalDeferrer();
	SignalDeferrer(const SignalDeferrer &) = delete;
	SignalDeferrer &operator=(const SignalDeferrer &) = delete;

	/* The signal received, 0 if none. */
	int held() const noexcept;
	/* Restores the dispositions, then raises the held signal, if any. */
	void raise_held();

private:
	void restore() noexcept;

	bool restored_ = false;
	struct sigaction old_[3]{};
};

} // namespace crtool
