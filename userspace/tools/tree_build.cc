// SPDX-License-Identifier: GPL-2.0-or-later
#include "tree_build.h"

#include "controlling_terminal.h"
#include "error.h"
#include "fd.h"
#include "syscalls.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace crtool {

namespace {

/* What the tasks share while the plan runs; MAP_SHARED, all inherit it. */
struct PlanState {
	std::uint32_t next;	   /* steps done: the futex */
	std::int32_t error;	   /* errno of the step that failed, 0 */
	std::uint32_t failed_step; /* its index */
	std::int32_t created[];	   /* per step: the pid a Create step made */
};

/* Everything a task needs to take its turns; read-only after the fork. */
struct Agent {
	const cr::TreePlan &plan;
	std::span<const ckpt_task_ids> tasks;
	PlanState *state;
	int log_fd;
	TreeOptions options; /* for the root's Create step */
};

std::atomic_ref<std::uint32_t> next_of(PlanState *s)
{
	return std::atomic_ref<std::uint32_t>(s->next);
}

void futex_wait(std::uint32_t *addr, std::uint32_t value,
		const struct timespec *timeout = nullptr) noexcept
{
	::syscall(SYS_futex, addr, FUTEX_WAIT, value, timeout, nullptr, 0);
}

/* How long restart waits for the tasks to take their next step. */
constexpr int step_timeout_ms = 10000;

void futex_wake_all(std::uint32_t *addr) noexcept
{
	::syscall(SYS_futex, addr, FUTEX_WAKE, INT32_MAX, nullptr, nullptr, 0);
}

/* Who performs @s. */
pid_t performer(const cr::PlanStep &s) noexcept
{
	using K = cr::PlanStep::Kind;
	return s.kind == K::Create || s.kind == K::Reap ? s.actor : s.pid;
}

const ckpt_task_ids *ids_of(const Agent &a, pid_t pid) noexcept
{
	for (const ckpt_task_ids &t : a.tasks)
		if (t.pid == pid)
			return &t;
	return nullptr;
}

/* Ends the calling task as the zombie @ids describes.  Async-signal-safe. */
[[noreturn]] void exit_as_zombie(const ckpt_task_ids &ids) noexcept
{
	int status = ids.exit_code;
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		struct sigaction dfl {};
		dfl.sa_handler = SIG_DFL;
		::sigaction(sig, &dfl, nullptr);
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, sig);
		::sigprocmask(SIG_UNBLOCK, &set, nullptr);
		::prctl(PR_SET_DUMPABLE, 0);
		::kill(::getpid(), sig);
	}
	::_exit(WEXITSTATUS(status));
}

[[noreturn]] void run_agent(const Agent &a) noexcept;

/* How much stack a thread runs its turns on, until restart() takes it. */
constexpr std::size_t thread_stack_size = 256 * 1024;

void thread_main(void *agent) noexcept
{
	run_agent(*static_cast<const Agent *>(agent));
}

/*
 * clone3() for a thread, which shares the caller's memory: it starts on
 * the stack of @args and runs @fn(@arg), never returning (it has no frame
 * of this function to return to).  Returns its id, or -errno.
 */
[[gnu::noinline]] long clone3_thread(clone_args *args, void (*fn)(void *), void *arg) noexcept
{
#ifdef __x86_64__
	long ret;
	register void (*f)(void *) asm("r12") = fn;
	register void *p asm("r13") = arg;
	asm volatile("syscall\n\t"
		     "test %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     "xor %%ebp, %%ebp\n\t"
		     "mov %%r13, %%rdi\n\t"
		     "and $-16, %%rsp\n\t"
		     "call *%%r12\n\t"
		     "ud2\n"
		     "1:\n"
		     : "=a"(ret)
		     : "0"(SYS_clone3), "D"(args), "S"(sizeof(*args)), "r"(f), "r"(p)
		     : "rcx", "r11", "memory");
	return ret;
#else
	(void)args;
	(void)fn;
	(void)arg;
	return -ENOSYS;
#endif
}

/*
 * clone3() of @s's task with its pid: the pid, 0 in a new process,
 * -errno.  The plan's flags go as they are: CLONE_PARENT, the thread
 * flags, and CLONE_NEWUTS and CLONE_NEWIPC for a task where a namespace
 * of the image is new (set_tid concerns the pid namespace alone).
 */
long create(const Agent &a, const cr::PlanStep &s) noexcept
{
	const ckpt_task_ids *ids = ids_of(a, s.pid);
	pid_t tid[1] = {s.pid};
	clone_args args{};
	args.flags = s.clone_flags;
	if (a.options.new_pidns && s.actor == 0)
		args.flags |= CLONE_NEWPID;
	if (a.options.cgroup_fd >= 0 && s.actor == 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = static_cast<std::uint64_t>(a.options.cgroup_fd);
	}
	args.set_tid = reinterpret_cast<std::uintptr_t>(tid);
	args.set_tid_size = 1;
	if (s.clone_flags & CLONE_THREAD) {
		/*
		 * the checkpoint refused threads that did not share all this;
		 * a thread lives in its leader's namespaces (the plan never
		 * gives it CLONE_NEWIPC, which CLONE_SYSVSEM excludes)
		 */
		args.flags |= CLONE_FILES | CLONE_FS | CLONE_SYSVSEM;
		void *stack = ::mmap(nullptr, thread_stack_size, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (stack == MAP_FAILED)
			return -errno;
		args.stack = reinterpret_cast<std::uintptr_t>(stack);
		args.stack_size = thread_stack_size;
		return clone3_thread(&args, thread_main, const_cast<Agent *>(&a));
	}
	/* with CLONE_PARENT it is the creator's; the kernel restores the image's */
	if (!(s.clone_flags & CLONE_PARENT))
		args.exit_signal = ids && ids->exit_signal ? ids->exit_signal : SIGCHLD;
	long rc = ::syscall(SYS_clone3, &args, sizeof(args));
	return rc < 0 ? -errno : rc;
}

/* Performs step @i, in its performer; returns 0 or an errno. */
int perform(const Agent &a, std::uint32_t i) noexcept
{
	using K = cr::PlanStep::Kind;
	const cr::PlanStep &s = a.plan.steps[i];
	switch (s.kind) {
	case K::Create: {
		long rc = create(a, s);
		if (rc == 0) /* a new process: a thread went to thread_main() */
			run_agent(a);
		if (rc < 0)
			return static_cast<int>(-rc);
		a.state->created[i] = static_cast<std::int32_t>(rc);
		return 0;
	}
	case K::Setsid: {
		if (::setsid() < 0)
			return errno;
		/* before it creates the rest of its session, which inherits it */
		const ckpt_task_ids *me = ids_of(a, s.pid);
		if (a.options.tty_fd >= 0 && me && (me->flags & CKPT_TASK_CTTY))
			return take_terminal(a.options.tty_fd);
		return 0;
	}
	case K::Setpgid:
		return ::setpgid(0, s.pgid) < 0 ? errno : 0;
	case K::Reap: {
		int status;
		while (::waitpid(s.pid, &status, __WALL) < 0)
			if (errno != EINTR)
				return errno;
		return 0;
	}
	case K::ExitGhost:
	case K::ExitZombie:
		return 0; /* after the turn is passed on */
	}
	return EINVAL;
}

/* Marks step @i done (or failed with @err) and wakes every task. */
void pass_turn(PlanState *state, std::uint32_t i, int err) noexcept
{
	if (err) {
		state->failed_step = i;
		std::atomic_ref<std::int32_t>(state->error).store(err);
	}
	next_of(state).store(i + 1);
	futex_wake_all(&state->next);
}

/*
 * Once every step is done: a process that had no controlling terminal
 * drops the one it inherited; a session leader that took restart's makes
 * the image's foreground group the terminal's (the kernel checks both).
 */
void finish_terminal(const Agent &a, const ckpt_task_ids &me) noexcept
{
	if (!(me.flags & CKPT_TASK_CTTY)) {
		drop_terminal();
		return;
	}
	if (!(me.flags & CKPT_TASK_SESSION_LEADER) || !me.tty_pgrp || a.options.tty_fd < 0)
		return;
	for (const ckpt_task_ids &t : a.tasks)
		if (t.pgid == me.tty_pgrp) {
			set_foreground(a.options.tty_fd, me.tty_pgrp);
			return;
		}
}

/* The loop of every created task; never returns. */
[[noreturn]] void run_agent(const Agent &a) noexcept
{
	using K = cr::PlanStep::Kind;
	SignalForwarder::reset_in_child();
	int keep[] = {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO, a.log_fd};
	/* the cgroup's fd goes too: only restart itself uses it */
	cr::close_fds_except(keep);
	/* a thread's own id: the plan names threads too */
	pid_t self = static_cast<pid_t>(::syscall(SYS_gettid));
	/* before it has children: orphans below it come to it */
	const ckpt_task_ids *me = ids_of(a, self);
	if (me && (me->flags & CKPT_TASK_SUBREAPER))
		::prctl(PR_SET_CHILD_SUBREAPER, 1);
	const std::uint32_t n = static_cast<std::uint32_t>(a.plan.steps.size());
	for (;;) {
		std::uint32_t i = next_of(a.state).load();
		if (std::atomic_ref<std::int32_t>(a.state->error).load())
			::_exit(1);
		if (i >= n)
			break;
		const cr::PlanStep &s = a.plan.steps[i];
		if (performer(s) != self) {
			futex_wait(&a.state->next, i);
			continue;
		}
		pass_turn(a.state, i, perform(a, i));
		if (s.kind == K::ExitGhost)
			::_exit(0);
		if (s.kind == K::ExitZombie)
			exit_as_zombie(*ids_of(a, self));
	}
	if (me && me->tgid == self)
		finish_terminal(a, *me);
	cr::restart(0, -1, RESTART_TASK, a.log_fd);
	::_exit(127); /* the kernel kills a task whose restore failed */
}

/* "UTS namespace", "UTS and IPC namespace": the namespaces @flags make; empty if none. */
std::string namespaces_of(std::uint64_t flags)
{
	if ((flags & CLONE_NEWUTS) && (flags & CLONE_NEWIPC))
		return "UTS and IPC namespace";
	if (flags & CLONE_NEWUTS)
		return "UTS namespace";
	if (flags & CLONE_NEWIPC)
		return "IPC namespace";
	return "";
}

std::string step_error(const cr::TreePlan &plan, std::uint32_t i, int err)
{
	const cr::PlanStep &s = plan.steps.at(i);
	if (s.kind == cr::PlanStep::Kind::Create && err == EEXIST)
		return fmt::format("cannot create pid {}: it is taken", s.pid);
	std::string ns = namespaces_of(s.clone_flags);
	if (s.kind == cr::PlanStep::Kind::Create && err == EPERM && !ns.empty())
		return fmt::format("cannot create pid {} in a new {}: that needs CAP_SYS_ADMIN, "
				   "and choosing its pid CAP_CHECKPOINT_RESTORE",
				   s.pid, ns);
	if (s.kind == cr::PlanStep::Kind::Create && err == EPERM)
		return fmt::format("cannot create pid {}: choosing it needs CAP_CHECKPOINT_RESTORE",
				   s.pid);
	if (s.kind == cr::PlanStep::Kind::Create && err == EINVAL && !ns.empty())
		return fmt::format("cannot create pid {} in a new {}: this kernel has none "
				   "(CONFIG_UTS_NS, CONFIG_IPC_NS)?",
				   s.pid, ns);
	if (s.kind == cr::PlanStep::Kind::Setsid)
		return fmt::format("{}, then taking restart's terminal: {}", cr::describe(s, plan),
				   std::strerror(err));
	if (err == ETIMEDOUT)
		return fmt::format("{}: not done within {} s (did a task of the tree die?)",
				   cr::describe(s, plan), step_timeout_ms / 1000);
	return fmt::format("{}: {}", cr::describe(s, plan), std::strerror(err));
}

/*
 * Kills what the steps created, and reaps what is restart's child.  In a
 * pid namespace of its own the pids are not restart's: killing its init,
 * the root, kills the rest.
 */
void kill_created(const cr::TreePlan &plan, PlanState *state, bool new_pidns) noexcept
{
	for (std::size_t i = 0; i < plan.steps.size(); i++) {
		if (new_pidns && plan.steps[i].actor != 0)
			continue;
		if (state->created[i] > 0)
			::kill(state->created[i], SIGKILL);
	}
	for (std::size_t i = 0; i < plan.steps.size(); i++) {
		if (state->created[i] > 0 && plan.steps[i].actor == 0)
			::waitpid(state->created[i], nullptr, __WALL);
	}
}

} // namespace

pid_t build_tree(const cr::TreePlan &plan, std::span<const ckpt_task_ids> tasks, int log_fd,
		 TreeOptions options, SignalForwarder &forwarder)
{
	std::size_t size = sizeof(PlanState) + plan.steps.size() * sizeof(std::int32_t);
	void *mem =
		::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		throw cr::Error::from_errno("mmap");
	auto *state = static_cast<PlanState *>(mem);
	Agent agent{plan, tasks, state, log_fd, options};

	forwarder.hold();
	const std::uint32_t n = static_cast<std::uint32_t>(plan.steps.size());
	pid_t root = 0;
	int stalled_ms = 0;
	for (;;) {
		std::uint32_t i = next_of(state).load();
		if (state->error || i >= n)
			break;
		const cr::PlanStep &s = plan.steps[i];
		if (performer(s) != 0) {
			/* a task that died (killed) would leave us waiting forever */
			struct timespec tick = {0, 100 * 1000 * 1000};
			futex_wait(&state->next, i, &tick);
			stalled_ms = next_of(state).load() == i ? stalled_ms + 100 : 0;
			if (stalled_ms >= step_timeout_ms)
				pass_turn(state, i, ETIMEDOUT);
			continue;
		}
		stalled_ms = 0;
		pass_turn(state, i, perform(agent, i));
		if (s.kind == cr::PlanStep::Kind::Create && !root)
			root = state->created[i];
	}
	if (root > 0)
		forwarder.forward_to(root);
	if (int err = state->error) {
		std::string msg = step_error(plan, state->failed_step, err);
		kill_created(plan, state, options.new_pidns);
		::munmap(mem, size);
		throw cr::Error(err, msg);
	}
	::munmap(mem, size);
	return root;
}

void kill_tree(std::span<const ckpt_task_ids> tasks, pid_t root, bool new_pidns) noexcept
{
	::kill(root, SIGKILL);
	for (const ckpt_task_ids &t : tasks)
		if (!new_pidns && !(t.flags & CKPT_TASK_ZOMBIE))
			::kill(t.pid, SIGKILL);
	::waitpid(root, nullptr, __WALL);
}

} // namespace crtool
