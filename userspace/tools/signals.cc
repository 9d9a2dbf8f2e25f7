// SPDX-License-Identifier: GPL-2.0-or-later
#include "signals.h"

#include "error.h"

#include <cerrno>
#include <unistd.h>

namespace crtool {

namespace {

volatile sig_atomic_t forward_target = 0; /* 0: not known yet */
volatile sig_atomic_t held_signal = 0;

/* Blocks (SIG_BLOCK) or unblocks (SIG_UNBLOCK) the forwarded signals. */
void mask_forwarded(int how) noexcept
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	::sigprocmask(how, &set, nullptr);
}

void on_forwarded_signal(int sig)
{
	int saved = errno;
	if (forward_target > 0)
		::kill(forward_target, sig);
	else
		held_signal = sig;
	errno = saved;
}

/*
 * Installs @handler for @sig, unless @sig is ignored (as for a job a
 * shell starts in the background, or under nohup): it stays ignored.
 * Returns the old disposition.
 */
struct sigaction install(int sig, void (*handler)(int), int flags)
{
	struct sigaction old {};
	if (::sigaction(sig, nullptr, &old) < 0)
		throw cr::Error::from_errno("sigaction");
	if (old.sa_handler == SIG_IGN)
		return old;
	struct sigaction sa {};
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (::sigaction(sig, &sa, nullptr) < 0)
		throw cr::Error::from_errno("sigaction");
	return old;
}

} // namespace

SignalForwarder::SignalForwarder()
{
	forward_target = 0;
	held_signal = 0;
	old_int_ = install(SIGINT, on_forwarded_signal, SA_RESTART);
	old_term_ = install(SIGTERM, on_forwarded_signal, SA_RESTART);
}

SignalForwarder::~SignalForwarder()
{
	::sigaction(SIGINT, &old_int_, nullptr);
	::sigaction(SIGTERM, &old_term_, nullptr);
	mask_forwarded(SIG_UNBLOCK);
	forward_target = 0;
	/* Nobody to forward it to: it is ours. */
	if (int sig = held_signal) {
		held_signal = 0;
		::raise(sig);
	}
}

void SignalForwarder::hold() noexcept
{
	mask_forwarded(SIG_BLOCK);
}

void SignalForwarder::forward_to(pid_t pid)
{
	mask_forwarded(SIG_BLOCK);
	forward_target = pid;
	if (held_signal != 0) {
		::kill(pid, held_signal);
		held_signal = 0;
	}
	mask_forwarded(SIG_UNBLOCK);
}

void SignalForwarder::reset_in_child() noexcept
{
	::signal(SIGINT, SIG_DFL);
	::signal(SIGTERM, SIG_DFL);
	::signal(SIGPIPE, SIG_DFL);
	/* What was forwarded meanwhile is pending: its default action now. */
	mask_forwarded(SIG_UNBLOCK);
}

} // namespace crtool
