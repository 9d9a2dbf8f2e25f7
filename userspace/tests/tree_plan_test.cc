// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan_tree(): each plan is executed on an in-memory model of the Linux
 * rules for clone3(), setsid(), setpgid(), exit() and wait(), which must
 * end with the tree of the image: every task with its parent, process
 * group and session, zombies zombies, ghosts gone, and tasks sharing a
 * UTS or IPC namespace exactly where the image's do.  Trees are written
 * by hand (sessions whose leader exited, orphaned process groups,
 * zombies, threads, a job-control shell, containers, namespaces new at
 * the root or below) and made by random histories of the same calls and
 * unshare(); malformed trees are refused naming the pid, namespaces that
 * would have to be joined as not supported.
 */
#include "error.h"
#include "tree_plan.h"

#include <algorithm>
#include <cerrno>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <sched.h>
#include <string>
#include <vector>

using cr::PlanStep;
using testing::HasSubstr;

namespace {

using Kind = PlanStep::Kind;

ckpt_task_ids task(pid_t pid, pid_t ppid, pid_t pgid, pid_t sid, bool zombie = false)
{
	ckpt_task_ids t{};
	t.pid = t.tgid = pid;
	t.ppid = ppid;
	t.pgid = pgid;
	t.sid = sid;
	t.flags = (sid == pid ? CKPT_TASK_SESSION_LEADER : 0) |
		  (pgid == pid ? CKPT_TASK_GROUP_LEADER : 0) | (zombie ? CKPT_TASK_ZOMBIE : 0);
	return t;
}

/* @t, living in UTS namespace @uts and IPC namespace @ipc. */
ckpt_task_ids in_ns(ckpt_task_ids t, std::uint32_t uts, std::uint32_t ipc)
{
	t.uts_ns = uts;
	t.ipc_ns = ipc;
	return t;
}

ckpt_task_ids thread(pid_t pid, const ckpt_task_ids &leader)
{
	ckpt_task_ids t = leader;
	t.pid = pid;
	t.flags = 0;
	return t;
}

/* What a task ends up as. */
struct Outcome {
	pid_t ppid = 0;
	pid_t pgid = 0;
	pid_t sid = 0;
	bool zombie = false;

	bool operator==(const Outcome &) const = default;
};

std::ostream &operator<<(std::ostream &os, const Outcome &o)
{
	return os << fmt::format("{{ppid {}, pgid {}, sid {}{}}}", o.ppid, o.pgid, o.sid,
				 o.zombie ? ", zombie" : "");
}

/*
 * The Linux rules the plan relies on, on a model of the tasks: restart
 * (pid 0) runs in session @outer_sid and group @outer_pgid; with
 * @container, the first task is the init of a pid namespace.
 */
class Model {
public:
	Model(bool container, pid_t outer_sid, pid_t outer_pgid)
	    : container_(container), outer_sid_(outer_sid), outer_pgid_(outer_pgid)
	{
	}

	/* Applies @s; on failure returns why and changes nothing. */
	std::string apply(const PlanStep &s)
	{
		Model before = *this;
		std::string err = apply_or_leave(s);
		if (!err.empty())
			*this = before;
		return err;
	}

	std::map<pid_t, Outcome> outcome() const
	{
		std::map<pid_t, Outcome> out;
		for (const auto &[pid, t] : tasks_)
			out[pid] = {t.ppid, t.pgid, t.sid, t.exited};
		return out;
	}

	/* The tree as checkpoint would see it: by pid (the creation order here). */
	std::vector<ckpt_task_ids> tree() const
	{
		std::vector<ckpt_task_ids> out;
		for (const auto &[pid, t] : tasks_) {
			ckpt_task_ids ids = task(pid, t.ppid, t.pgid, t.sid, t.exited);
			ids.tgid = t.tgid;
			if (t.tgid != pid)
				ids.flags = 0;
			const Task &ns = namespaces_of(pid, t);
			ids.uts_ns = ns.uts;
			ids.ipc_ns = ns.ipc;
			out.push_back(ids);
		}
		return out;
	}

	std::vector<pid_t> live() const
	{
		std::vector<pid_t> out;
		for (const auto &[pid, t] : tasks_)
			if (!t.exited)
				out.push_back(pid);
		return out;
	}

	std::vector<pid_t> groups() const
	{
		std::vector<pid_t> out;
		for (const auto &[pid, t] : tasks_)
			out.push_back(t.pgid);
		return out;
	}

	/* Every task's UTS and IPC namespaces, 0: restart's. */
	std::map<pid_t, std::pair<std::uint32_t, std::uint32_t>> namespaces() const
	{
		std::map<pid_t, std::pair<std::uint32_t, std::uint32_t>> out;
		for (const auto &[pid, t] : tasks_)
			out[pid] = {t.uts, t.ipc};
		return out;
	}

	/* unshare(@flags) by @pid, alone in its thread group. */
	bool unshare(pid_t pid, std::uint64_t flags)
	{
		Task &t = tasks_.at(pid);
		for (const auto &[other, o] : tasks_)
			if (o.tgid == t.tgid && other != pid)
				return false;
		clone_namespaces(t, flags, t.uts, t.ipc);
		return true;
	}

	bool exited(pid_t pid) const { return tasks_.at(pid).exited; }
	pid_t ppid(pid_t pid) const { return tasks_.at(pid).ppid; }
	pid_t tgid(pid_t pid) const { return tasks_.at(pid).tgid; }

private:
	struct Task {
		pid_t tgid, ppid, pgid, sid;
		bool ghost;
		bool exited = false;
		std::uint32_t uts = 0; /* namespaces, 0: restart's */
		std::uint32_t ipc = 0;
	};

	/*
	 * The task whose namespaces checkpoint writes for @t: a zombie has
	 * none left, its parent's are written; a thread group leader that
	 * exited before its threads has those of its threads.
	 */
	const Task &namespaces_of(pid_t pid, const Task &t) const
	{
		if (!t.exited)
			return t;
		for (const auto &[other, o] : tasks_)
			if (o.tgid == pid && other != pid && !o.exited)
				return o;
		auto parent = tasks_.find(t.ppid);
		return parent != tasks_.end() ? parent->second : t;
	}

	/* A task's namespaces after clone3() with @flags by one in @uts and @ipc. */
	void clone_namespaces(Task &t, std::uint64_t flags, std::uint32_t uts, std::uint32_t ipc)
	{
		t.uts = flags & CLONE_NEWUTS ? next_ns_++ : uts;
		t.ipc = flags & CLONE_NEWIPC ? next_ns_++ : ipc;
	}

	bool in_use(pid_t id) const
	{
		if (id == outer_sid_ || id == outer_pgid_)
			return true;
		for (const auto &[pid, t] : tasks_)
			if (pid == id || t.pgid == id || t.sid == id)
				return true;
		return false;
	}

	bool process_alive(pid_t tgid) const
	{
		for (const auto &[pid, t] : tasks_)
			if (t.tgid == tgid && !t.exited)
				return true;
		return false;
	}

	/* Sets the process group and session of every thread of @tgid. */
	void set_ids(pid_t tgid, pid_t pgid, pid_t sid)
	{
		for (auto &[pid, t] : tasks_)
			if (t.tgid == tgid) {
				t.pgid = pgid;
				t.sid = sid;
			}
	}

	std::string apply_or_leave(const PlanStep &s)
	{
		auto it = tasks_.find(s.pid);
		switch (s.kind) {
		case Kind::Create: {
			if (s.pid <= 0 || in_use(s.pid))
				return fmt::format("clone3(set_tid {}): EEXIST", s.pid);
			if (s.actor == 0) {
				if (!tasks_.empty())
					return "restart creates a second root";
				if (s.clone_flags & ~ns_flags)
					return "restart creates the root with clone flags";
				Task root{s.pid, 0, outer_pgid_, outer_sid_, s.ghost};
				clone_namespaces(root, s.clone_flags, 0, 0);
				tasks_[s.pid] = root;
				init_ = container_ ? s.pid : -1;
				return "";
			}
			auto c = tasks_.find(s.actor);
			if (c == tasks_.end() || c->second.exited)
				return fmt::format("creator {} of {} is not alive", s.actor, s.pid);
			const Task &creator = c->second;
			Task t{s.pid, creator.tgid, creator.pgid, creator.sid, s.ghost};
			std::uint64_t threads = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
			if ((s.clone_flags & ~(threads | CLONE_PARENT | ns_flags)) ||
			    ((s.clone_flags & threads) && (s.clone_flags & threads) != threads) ||
			    ((s.clone_flags & CLONE_THREAD) && (s.clone_flags & ns_flags)))
				return fmt::format("bad clone flags {:#x}", s.clone_flags);
			clone_namespaces(t, s.clone_flags, creator.uts, creator.ipc);
			if (s.clone_flags & CLONE_PARENT && creator.tgid == init_)
				return "clone3(CLONE_PARENT) by the init of the pid namespace: "
				       "EINVAL";
			if (s.clone_flags & (CLONE_THREAD | CLONE_PARENT))
				t.ppid = creator.ppid;
			if (s.clone_flags & CLONE_THREAD)
				t.tgid = creator.tgid;
			else
				t.tgid = s.pid;
			tasks_[s.pid] = t;
			return "";
		}
		default:
			break;
		}
		if (it == tasks_.end())
			return fmt::format("{} does not exist", s.pid);
		Task &t = it->second;
		switch (s.kind) {
		case Kind::Setsid:
			if (t.exited)
				return fmt::format("{} calls setsid() but has exited", s.pid);
			for (const auto &[pid, o] : tasks_)
				if (o.pgid == t.tgid)
					return fmt::format(
						"setsid() by {}: EPERM, {} is in group {}", s.pid,
						pid, t.tgid);
			set_ids(t.tgid, t.tgid, t.tgid);
			return "";
		case Kind::Setpgid: {
			if (t.exited)
				return fmt::format("{} calls setpgid() but has exited", s.pid);
			if (t.sid == t.tgid)
				return fmt::format("setpgid() by session leader {}: EPERM", s.pid);
			if (s.pgid != t.tgid) {
				bool found = false;
				for (const auto &[pid, o] : tasks_)
					found |= o.pgid == s.pgid && o.sid == t.sid;
				if (!found)
					return fmt::format(
						"setpgid({}) by {}: EPERM, no such group "
						"in session {}",
						s.pgid, s.pid, t.sid);
			}
			set_ids(t.tgid, s.pgid, t.sid);
			return "";
		}
		case Kind::ExitGhost:
		case Kind::ExitZombie: {
			if (t.exited)
				return fmt::format("{} exits twice", s.pid);
			if (t.ghost != (s.kind == Kind::ExitGhost))
				return fmt::format("{}: ghost exit of a task or the reverse",
						   s.pid);
			if (t.tgid == init_ && s.pid == init_)
				return "the init of the pid namespace exits";
			t.exited = true;
			pid_t tgid = t.tgid;
			if (tgid != s.pid)
				tasks_.erase(it); /* a thread is released at once */
			if (process_alive(tgid))
				return "";
			for (auto &[pid, o] : tasks_)
				if (o.ppid == tgid && o.tgid != tgid)
					o.ppid = init_ > 0 ? init_ : -1;
			return "";
		}
		case Kind::Reap: {
			auto r = tasks_.find(s.actor);
			if (r == tasks_.end() || r->second.exited)
				return fmt::format("reaper {} of {} is not alive", s.actor, s.pid);
			if (!t.exited || process_alive(t.tgid) || t.tgid != s.pid)
				return fmt::format("{} reaps {}, which has not exited", s.actor,
						   s.pid);
			if (r->second.tgid != t.ppid)
				return fmt::format("{} reaps {}, the child of {}", s.actor, s.pid,
						   t.ppid);
			tasks_.erase(it);
			return "";
		}
		default:
			return "unknown step";
		}
	}

	static constexpr std::uint64_t ns_flags = CLONE_NEWUTS | CLONE_NEWIPC;

	bool container_;
	pid_t outer_sid_;
	pid_t outer_pgid_;
	pid_t init_ = -1;
	std::map<pid_t, Task> tasks_;
	std::uint32_t next_ns_ = 1;
};

/* Restart's session and group stand in for the root's ones outside the tree. */
constexpr pid_t restart_sid = 99999;
constexpr pid_t restart_pgid = 99998;

/* Executes @plan on the model; returns the tasks, or the first step that fails. */
using Namespaces = std::map<pid_t, std::pair<std::uint32_t, std::uint32_t>>;

/*
 * Executes @plan on the model; returns the tasks, or the first step that
 * fails.  With @namespaces, also where each task lives then.
 */
std::map<pid_t, Outcome> simulate(const cr::TreePlan &plan, std::span<const ckpt_task_ids> tasks,
				  std::string &error, Namespaces *namespaces = nullptr)
{
	const ckpt_task_ids &root = tasks[0];
	/* In a container, the session and group outside the pid namespace read as 0. */
	bool container = root.pid == 1;
	bool outer_group = root.pgid != root.pid &&
			   std::none_of(tasks.begin(), tasks.end(),
					[&](const ckpt_task_ids &t) { return t.pid == root.pgid; });
	Model m(container,
		container	       ? 0
		: root.sid != root.pid ? root.sid
				       : restart_sid,
		container     ? 0
		: outer_group ? root.pgid
			      : restart_pgid);
	for (std::size_t i = 0; i < plan.steps.size(); i++) {
		error = m.apply(plan.steps[i]);
		if (!error.empty()) {
			error = fmt::format("step {} \"{}\": {}", i,
					    cr::describe(plan.steps[i], plan), error);
			break;
		}
	}
	if (namespaces)
		*namespaces = m.namespaces();
	return m.outcome();
}

/*
 * Whether the tasks of @tasks share namespaces in @got as they do in the
 * image: the same objref, the same namespace; 0, restart's.
 */
std::string namespaces_differ(std::span<const ckpt_task_ids> tasks, const Namespaces &got)
{
	for (int kind = 0; kind < 2; kind++) {
		std::map<std::uint32_t, std::uint32_t> to_model{{0, 0}};
		std::map<std::uint32_t, std::uint32_t> to_image{{0, 0}};
		for (const ckpt_task_ids &t : tasks) {
			auto it = got.find(t.pid);
			if (it == got.end())
				return fmt::format("pid {} is gone", t.pid);
			std::uint32_t image = kind ? t.ipc_ns : t.uts_ns;
			std::uint32_t model = kind ? it->second.second : it->second.first;
			auto [m, fresh_m] = to_model.emplace(image, model);
			auto [i, fresh_i] = to_image.emplace(model, image);
			if (m->second != model || i->second != image)
				return fmt::format("pid {} lives in {} namespace {} of the image, "
						   "restored as {}",
						   t.pid, kind ? "IPC" : "UTS", image, model);
		}
	}
	return "";
}

std::string show(std::span<const ckpt_task_ids> tasks)
{
	std::string out;
	for (const ckpt_task_ids &t : tasks)
		out += fmt::format("pid {} tgid {} ppid {} pgid {} sid {} flags {} uts {} ipc {}\n",
				   t.pid, t.tgid, t.ppid, t.pgid, t.sid, t.flags, t.uts_ns,
				   t.ipc_ns);
	return out;
}

/* Plans @tasks and checks that the plan recreates them. */
cr::TreePlan expect_restores(std::span<const ckpt_task_ids> tasks)
{
	cr::TreePlan plan;
	try {
		plan = cr::plan_tree(tasks);
	} catch (const cr::Error &e) {
		ADD_FAILURE() << e.what() << "\n" << show(tasks);
		return plan;
	}
	std::string error;
	Namespaces namespaces;
	std::map<pid_t, Outcome> got = simulate(plan, tasks, error, &namespaces);
	EXPECT_EQ(error, "") << cr::describe(plan);
	EXPECT_EQ(namespaces_differ(tasks, namespaces), "") << show(tasks) << cr::describe(plan);
	std::map<pid_t, Outcome> want;
	for (const ckpt_task_ids &t : tasks)
		want[t.pid] = {t.ppid, t.pgid, t.sid, (t.flags & CKPT_TASK_ZOMBIE) != 0};
	EXPECT_EQ(got, want) << show(tasks) << cr::describe(plan);
	EXPECT_EQ(plan.container, tasks[0].pid == 1);
	for (pid_t g : plan.ghosts)
		EXPECT_TRUE(std::none_of(tasks.begin(), tasks.end(),
					 [g](const ckpt_task_ids &t) { return t.pid == g; }));
	return plan;
}

std::size_t count(const cr::TreePlan &plan, Kind kind)
{
	return std::count_if(plan.steps.begin(), plan.steps.end(),
			     [kind](const PlanStep &s) { return s.kind == kind; });
}

bool has_line(const cr::TreePlan &plan, const std::string &line)
{
	std::string all = "\n" + cr::describe(plan);
	return all.find("\n" + line + "\n") != std::string::npos;
}

void expect_invalid(std::span<const ckpt_task_ids> tasks, const std::string &what)
{
	try {
		cr::plan_tree(tasks);
		ADD_FAILURE() << "accepted:\n" << show(tasks);
	} catch (const cr::Error &e) {
		EXPECT_EQ(e.err(), EINVAL) << e.what();
		EXPECT_THAT(e.message(), HasSubstr(what));
	}
}

} // namespace

TEST(TreePlan, SingleTask)
{
	/* A process started from a shell: its own group in the shell's session. */
	std::vector<ckpt_task_ids> tasks = {task(4242, 0, 4242, 4000)};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(cr::describe(plan), "restart creates 4242\n4242 setpgid 4242\n");
	EXPECT_TRUE(plan.ghosts.empty());
	EXPECT_FALSE(plan.container);

	/* Or left in the shell's group. */
	tasks = {task(4242, 0, 4100, 4000)};
	EXPECT_EQ(cr::describe(expect_restores(tasks)), "restart creates 4242\n");
}

TEST(TreePlan, SingleSessionLeader)
{
	std::vector<ckpt_task_ids> tasks = {task(500, 0, 500, 500)};
	EXPECT_EQ(cr::describe(expect_restores(tasks)), "restart creates 500\n500 setsid\n");
}

TEST(TreePlan, ChainOfDepthFour)
{
	std::vector<ckpt_task_ids> tasks = {
		task(100, 0, 100, 100),
		task(101, 100, 100, 100),
		task(102, 101, 102, 100),
		task(103, 102, 102, 100),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(cr::describe(plan), "restart creates 100\n"
				      "100 setsid\n"
				      "100 creates 101\n"
				      "101 creates 102\n"
				      "102 setpgid 102\n"
				      "102 creates 103\n");
}

TEST(TreePlan, FanOutOfTwelveAtDepthThree)
{
	std::vector<ckpt_task_ids> tasks = {
		task(200, 0, 200, 150),
		task(201, 200, 200, 150),
		task(202, 201, 202, 202),
	};
	for (pid_t pid = 210; pid < 222; pid++)
		tasks.push_back(task(pid, 202, pid % 3 == 0 ? pid : 202, 202));
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(count(plan, Kind::Create), tasks.size());
	EXPECT_EQ(count(plan, Kind::Setpgid), 1u + 4u); /* 200, and 210 213 216 219 */
	EXPECT_TRUE(has_line(plan, "202 creates 221"));
}

TEST(TreePlan, SessionLeaderExited)
{
	/* In a container: 10 called setsid(), forked 11 and 12 and exited. */
	std::vector<ckpt_task_ids> tasks = {
		task(1, 0, 1, 1),
		task(11, 1, 10, 10),
		task(12, 1, 12, 10),
		task(13, 11, 10, 10),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(plan.ghosts, std::vector<pid_t>{10});
	EXPECT_EQ(cr::describe(plan), "restart creates 1\n"
				      "1 setsid\n"
				      "1 creates ghost 10\n"
				      "ghost 10 setsid\n"
				      "ghost 10 creates 11 (CLONE_PARENT)\n"
				      "ghost 10 creates 12 (CLONE_PARENT)\n"
				      "12 setpgid 12\n"
				      "11 creates 13\n"
				      "ghost 10 exits\n"
				      "1 reaps ghost 10\n");
}

TEST(TreePlan, SessionLeaderExitedBelowASubreaper)
{
	/* 501 and 502 were re-parented to 500, a subreaper, when 510 exited. */
	std::vector<ckpt_task_ids> tasks = {
		task(500, 0, 500, 400),
		task(501, 500, 510, 510),
		task(502, 500, 502, 510),
		task(503, 502, 510, 510),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(plan.ghosts, std::vector<pid_t>{510});
	EXPECT_TRUE(has_line(plan, "500 reaps ghost 510"));
}

TEST(TreePlan, SessionLeaderAndGroupLeaderExited)
{
	/* Group 21's leader exited too: a second ghost, made in session 20. */
	std::vector<ckpt_task_ids> tasks = {
		task(1, 0, 1, 1),
		task(22, 1, 21, 20),
		task(23, 1, 20, 20),
		task(24, 22, 21, 20),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(plan.ghosts, (std::vector<pid_t>{20, 21}));
	EXPECT_TRUE(has_line(plan, "ghost 20 creates ghost 21"));
	EXPECT_TRUE(has_line(plan, "ghost 21 setpgid 21"));
	EXPECT_TRUE(has_line(plan, "ghost 20 reaps ghost 21"));
}

TEST(TreePlan, ProcessGroupSpanningGenerations)
{
	std::vector<ckpt_task_ids> tasks = {
		task(300, 0, 300, 300),	  task(301, 300, 301, 300),
		task(302, 301, 302, 300), task(303, 302, 301, 300), /* in its grandparent's group */
		task(304, 303, 300, 300),			    /* in the root's */
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(has_line(plan, "303 setpgid 301"));
	EXPECT_TRUE(has_line(plan, "304 setpgid 300"));
}

TEST(TreePlan, GroupLeaderMovedToAnotherGroup)
{
	/* 201 made group 201, then joined 202's: 203 is still in 201. */
	std::vector<ckpt_task_ids> tasks = {
		task(200, 0, 200, 200),
		task(201, 200, 202, 200),
		task(202, 200, 202, 200),
		task(203, 201, 201, 200),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(has_line(plan, "201 setpgid 201"));
	EXPECT_TRUE(has_line(plan, "201 setpgid 202"));
	EXPECT_TRUE(plan.ghosts.empty());
}

TEST(TreePlan, ChildCreatedBeforeItsParentsSetsid)
{
	/* 101 forked 102 in the shell's session, then called setsid(). */
	std::vector<ckpt_task_ids> tasks = {
		task(100, 0, 100, 50),
		task(101, 100, 101, 101),
		task(102, 101, 100, 50),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(cr::describe(plan), "restart creates 100\n"
				      "100 setpgid 100\n"
				      "100 creates 101\n"
				      "101 creates 102\n"
				      "101 setsid\n");
}

TEST(TreePlan, OrphanedProcessGroup)
{
	/*
	 * In a container, shell 5 ran the job 6 | 7; 6 exited: 7 went to
	 * init, group 6 is left without its leader, still in session 5.
	 */
	std::vector<ckpt_task_ids> tasks = {
		task(1, 0, 1, 1),
		task(5, 1, 5, 5),
		task(7, 1, 6, 5),
		task(8, 7, 6, 5),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(plan.ghosts, std::vector<pid_t>{6});
	EXPECT_TRUE(has_line(plan, "5 creates ghost 6"));
	EXPECT_TRUE(has_line(plan, "5 creates 7 (CLONE_PARENT)"));
	EXPECT_TRUE(has_line(plan, "7 setpgid 6"));
	EXPECT_TRUE(has_line(plan, "5 reaps ghost 6"));
}

TEST(TreePlan, ZombieWithChildren)
{
	/* Zombie 20 led a session; its children went to init. */
	std::vector<ckpt_task_ids> tasks = {
		task(1, 0, 1, 1),    task(20, 1, 20, 20, true), task(21, 1, 20, 20),
		task(22, 1, 22, 20), task(23, 21, 22, 20),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(plan.ghosts.empty());
	EXPECT_TRUE(has_line(plan, "20 creates 21 (CLONE_PARENT)"));
	EXPECT_EQ(plan.steps.back(), (PlanStep{Kind::ExitZombie, 20, 20, 0, 0, false}));
}

TEST(TreePlan, ZombieWithChildrenBelowAnotherSession)
{
	/*
	 * 41 (child of 40) leads a session; its child 42 forked 43 and
	 * exited, unreaped: 43 went to init.  No child of init is in
	 * session 41: 43 is created by 42 and given to init by its exit.
	 */
	std::vector<ckpt_task_ids> tasks = {
		task(1, 0, 1, 1),	    task(40, 1, 1, 1),	 task(41, 40, 41, 41),
		task(42, 41, 42, 41, true), task(43, 1, 42, 41),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(has_line(plan, "42 creates 43"));
	EXPECT_TRUE(has_line(plan, "42 exits (zombie)"));
}

TEST(TreePlan, ZombieLeaderWithLiveThreads)
{
	/* 801's main thread exited; thread 802 and child 803 live on. */
	ckpt_task_ids leader = task(801, 800, 800, 800, true);
	std::vector<ckpt_task_ids> tasks = {
		task(800, 0, 800, 800),
		leader,
		thread(802, leader),
		task(803, 801, 800, 800),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(has_line(plan, "801 creates 802 (CLONE_VM|CLONE_SIGHAND|CLONE_THREAD)"));
	EXPECT_TRUE(has_line(plan, "801 exits (zombie)"));
}

TEST(TreePlan, JobControlShell)
{
	/*
	 * Shell 1000 leads its session; "a | b | c &" is group 1001,
	 * "d | e &" group 1004; c forked 1006, which stays in the job.
	 */
	std::vector<ckpt_task_ids> tasks = {
		task(1000, 0, 1000, 1000),    task(1001, 1000, 1001, 1000),
		task(1002, 1000, 1001, 1000), task(1003, 1000, 1001, 1000),
		task(1004, 1000, 1004, 1000), task(1005, 1000, 1004, 1000),
		task(1006, 1003, 1001, 1000),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(cr::describe(plan), "restart creates 1000\n"
				      "1000 setsid\n"
				      "1000 creates 1001\n"
				      "1001 setpgid 1001\n"
				      "1000 creates 1002\n"
				      "1002 setpgid 1001\n"
				      "1000 creates 1003\n"
				      "1003 setpgid 1001\n"
				      "1000 creates 1004\n"
				      "1004 setpgid 1004\n"
				      "1000 creates 1005\n"
				      "1005 setpgid 1004\n"
				      "1003 creates 1006\n");
}

TEST(TreePlan, ThreadsInAProcessWithChildren)
{
	ckpt_task_ids root = task(700, 0, 700, 600);
	ckpt_task_ids child = task(703, 700, 700, 600);
	std::vector<ckpt_task_ids> tasks = {
		root,  thread(701, root),  thread(702, root),
		child, thread(704, child), task(705, 703, 705, 600),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(has_line(plan, "700 creates 701 (CLONE_VM|CLONE_SIGHAND|CLONE_THREAD)"));
	EXPECT_TRUE(has_line(plan, "703 creates 704 (CLONE_VM|CLONE_SIGHAND|CLONE_THREAD)"));
	EXPECT_EQ(count(plan, Kind::Setpgid), 2u);
}

TEST(TreePlan, ContainerImage)
{
	/*
	 * init with a thread; a daemon 10 with a login session 11 whose
	 * job 12 forked 13 and exited (13 went to init, group 12 leaderless);
	 * a session 30 whose leader exited, its member under the daemon.
	 */
	ckpt_task_ids init = task(1, 0, 1, 1);
	std::vector<ckpt_task_ids> tasks = {
		init,
		thread(2, init),
		task(10, 1, 10, 10),
		task(11, 10, 11, 11),
		task(13, 1, 12, 11),
		task(14, 13, 12, 11),
		task(31, 10, 31, 30),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(plan.container);
	EXPECT_EQ(plan.ghosts, (std::vector<pid_t>{30, 12}));
	for (const PlanStep &s : plan.steps)
		if (s.kind == Kind::Create && s.actor == 1) {
			EXPECT_EQ(s.clone_flags & CLONE_PARENT, 0u) << cr::describe(s, plan);
		}
}

TEST(TreePlan, ContainerInitInSessionOutsideTheNamespace)
{
	/* pid 1 never called setsid(): its session and group are 0 in its namespace. */
	std::vector<ckpt_task_ids> tasks = {
		task(1, 0, 0, 0),
		task(2, 1, 0, 0),
		task(3, 1, 3, 3),
		task(4, 3, 4, 3),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(plan.ghosts.empty());
}

TEST(TreePlan, RootInNewNamespaces)
{
	/* The whole tree in a UTS and an IPC namespace of its own: new at the root. */
	std::vector<ckpt_task_ids> tasks = {
		in_ns(task(100, 0, 100, 100), 1, 2),
		in_ns(task(101, 100, 100, 100), 1, 2),
		in_ns(task(102, 101, 102, 100), 1, 2),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(cr::describe(plan), "restart creates 100 (CLONE_NEWUTS|CLONE_NEWIPC)\n"
				      "100 setsid\n"
				      "100 creates 101\n"
				      "101 creates 102\n"
				      "102 setpgid 102\n");
	EXPECT_EQ(plan.steps[0].clone_flags,
		  static_cast<std::uint64_t>(CLONE_NEWUTS | CLONE_NEWIPC));

	/* one kind only */
	tasks = {in_ns(task(100, 0, 100, 100), 0, 7), in_ns(task(101, 100, 100, 100), 0, 7)};
	EXPECT_EQ(cr::describe(expect_restores(tasks)), "restart creates 100 (CLONE_NEWIPC)\n"
							"100 setsid\n"
							"100 creates 101\n");
}

TEST(TreePlan, ChildThatUnshared)
{
	/*
	 * 201 called unshare(CLONE_NEWUTS) then forked 203: the namespace is
	 * new at 201; 202, forked before, stays in restart's.
	 */
	std::vector<ckpt_task_ids> tasks = {
		task(200, 0, 200, 200),
		in_ns(task(201, 200, 200, 200), 3, 0),
		task(202, 201, 200, 200),
		in_ns(task(203, 201, 200, 200), 3, 0),
		in_ns(task(204, 203, 200, 200), 3, 0),
	};
	/* 202 lives in restart's namespace, its parent in another: not recreatable */
	try {
		cr::plan_tree(tasks);
		ADD_FAILURE() << "planned";
	} catch (const cr::Error &e) {
		EXPECT_EQ(e.err(), EOPNOTSUPP);
		EXPECT_EQ(e.message(),
			  "pid 202 lives in restart's UTS namespace, but is created by "
			  "pid 201 of UTS namespace 3: not supported");
	}
	tasks.erase(tasks.begin() + 2);
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(cr::describe(plan), "restart creates 200\n"
				      "200 setsid\n"
				      "200 creates 201 (CLONE_NEWUTS)\n"
				      "201 creates 203\n"
				      "203 creates 204\n");
}

TEST(TreePlan, ChildrenInheritTheirNamespaces)
{
	/*
	 * A job-control shell in namespaces of its own, its jobs in them
	 * (created by the shell, group leaders after setpgid), one job's
	 * process in an IPC namespace it made, its child in it too.
	 */
	std::vector<ckpt_task_ids> tasks = {
		in_ns(task(1000, 0, 1000, 1000), 5, 6),
		in_ns(task(1001, 1000, 1001, 1000), 5, 6),
		in_ns(task(1002, 1000, 1001, 1000), 5, 6),
		in_ns(task(1003, 1000, 1003, 1000), 5, 9),
		in_ns(task(1004, 1003, 1003, 1000), 5, 9),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(has_line(plan, "restart creates 1000 (CLONE_NEWUTS|CLONE_NEWIPC)"));
	EXPECT_TRUE(has_line(plan, "1000 creates 1001"));
	EXPECT_TRUE(has_line(plan, "1000 creates 1002"));
	EXPECT_TRUE(has_line(plan, "1000 creates 1003 (CLONE_NEWIPC)"));
	EXPECT_TRUE(has_line(plan, "1003 creates 1004"));
	for (const PlanStep &s : plan.steps)
		if (s.kind == Kind::Create && s.pid != 1000 && s.pid != 1003) {
			EXPECT_EQ(s.clone_flags & (CLONE_NEWUTS | CLONE_NEWIPC), 0u)
				<< cr::describe(s, plan);
		}
}

TEST(TreePlan, JoiningANamespaceIsNotSupported)
{
	auto expect_unsupported = [](std::span<const ckpt_task_ids> tasks,
				     const std::string &what) {
		try {
			cr::TreePlan plan = cr::plan_tree(tasks);
			ADD_FAILURE() << "planned:\n" << cr::describe(plan);
		} catch (const cr::Error &e) {
			EXPECT_EQ(e.err(), EOPNOTSUPP) << e.what();
			EXPECT_EQ(e.message(), what);
		}
	};
	/* 7 went into 5's IPC namespace with setns(): it would have to join it */
	std::vector<ckpt_task_ids> tasks = {
		task(1, 0, 1, 1),
		in_ns(task(5, 1, 1, 1), 0, 3),
		in_ns(task(7, 1, 1, 1), 0, 3),
	};
	expect_unsupported(tasks, "pid 7 lives in IPC namespace 3, made by pid 5, but is created "
				  "by pid 1 of another: not supported");

	/*
	 * 6, in session 5 with parent 1, can only be made by 5, session 5's
	 * only other process, of another namespace
	 */
	tasks = {
		task(1, 0, 1, 1),
		in_ns(task(5, 1, 5, 5), 0, 3),
		task(6, 1, 5, 5),
		in_ns(task(7, 5, 5, 5), 0, 3),
	};
	expect_unsupported(tasks, "pid 6 lives in restart's IPC namespace, but is created by pid 5 "
				  "of IPC namespace 3: not supported");
	/* 8, in session 6 with parent 1, is made by 6, of restart's namespace */
	tasks = {
		task(1, 0, 1, 1),
		task(2, 1, 1, 1),
		in_ns(task(5, 2, 1, 1), 0, 3),
		task(6, 1, 6, 6),
		in_ns(task(8, 1, 6, 6), 0, 3),
	};
	expect_unsupported(tasks, "pid 8 lives in IPC namespace 3, made by pid 5, but is created "
				  "by pid 6 of another: not supported");
	/* made by 5 but created by 5 too (CLONE_PARENT): that works */
	tasks = {
		task(1, 0, 1, 1),
		in_ns(task(5, 1, 5, 5), 0, 3),
		in_ns(task(8, 1, 5, 5), 0, 3),
	};
	EXPECT_TRUE(has_line(expect_restores(tasks), "5 creates 8 (CLONE_PARENT)"));

	/* a task in restart's namespace below the root of a namespace of its own */
	tasks = {in_ns(task(10, 0, 10, 10), 1, 0), task(11, 10, 10, 10)};
	expect_unsupported(tasks, "pid 11 lives in restart's UTS namespace, but is created by pid "
				  "10 of UTS namespace 1: not supported");
}

TEST(TreePlan, SiblingCreatorInTheNamespacesItInherits)
{
	/*
	 * In a container, 11, 12 and 13 are children of init in session 10
	 * whose leader exited; 11 leads group 11, where 12 is too, and lives
	 * in an IPC namespace it made.  12 is not created by 11 (of its
	 * group, but of another namespace) but by session 10's ghost, of
	 * init's namespace.
	 */
	std::vector<ckpt_task_ids> tasks = {
		task(1, 0, 1, 1),    in_ns(task(11, 1, 11, 10), 0, 3),	task(12, 1, 11, 10),
		task(13, 1, 13, 10), in_ns(task(14, 11, 11, 10), 0, 3),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(plan.ghosts, std::vector<pid_t>{10});
	EXPECT_TRUE(has_line(plan, "ghost 10 creates 12 (CLONE_PARENT)"));
	EXPECT_TRUE(has_line(plan, "ghost 10 creates 13 (CLONE_PARENT)"));
	EXPECT_TRUE(has_line(plan, "11 creates 14"));
	auto creates_11 = std::find_if(plan.steps.begin(), plan.steps.end(), [](const PlanStep &s) {
		return s.kind == Kind::Create && s.pid == 11;
	});
	ASSERT_NE(creates_11, plan.steps.end());
	EXPECT_EQ(creates_11->clone_flags, static_cast<std::uint64_t>(CLONE_PARENT | CLONE_NEWIPC));
}

TEST(TreePlan, ThreadsShareTheirLeadersNamespaces)
{
	ckpt_task_ids leader = in_ns(task(701, 700, 700, 700), 3, 4);
	std::vector<ckpt_task_ids> tasks = {task(700, 0, 700, 700), leader, thread(702, leader)};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(has_line(plan, "700 creates 701 (CLONE_NEWUTS|CLONE_NEWIPC)"));
	EXPECT_TRUE(has_line(plan, "701 creates 702 (CLONE_VM|CLONE_SIGHAND|CLONE_THREAD)"));

	tasks[2].uts_ns = 0;
	expect_invalid(tasks, "thread 702 lives in UTS namespace 0 and IPC namespace 4; its leader "
			      "701 in 3 and 4");
	tasks[2] = in_ns(thread(702, leader), 3, 9);
	expect_invalid(tasks, "thread 702 lives in UTS namespace 3 and IPC namespace 9");
}

TEST(TreePlan, GhostsLiveInTheirCreatorsNamespaces)
{
	/*
	 * A container in namespaces of its own: session 10's leader exited;
	 * its ghost, made by init, lives in init's namespaces and creates 11
	 * and 12 in them.  Group 21's leader exited too: its ghost, made in
	 * session 20's ghost, creates nobody; 22 made an IPC namespace.
	 */
	std::vector<ckpt_task_ids> tasks = {
		in_ns(task(1, 0, 1, 1), 2, 3),	  in_ns(task(11, 1, 10, 10), 2, 3),
		in_ns(task(12, 1, 12, 10), 2, 3), in_ns(task(22, 1, 21, 20), 2, 8),
		in_ns(task(23, 1, 20, 20), 2, 3), in_ns(task(24, 22, 21, 20), 2, 8),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_EQ(plan.ghosts, (std::vector<pid_t>{10, 20, 21}));
	EXPECT_TRUE(has_line(plan, "restart creates 1 (CLONE_NEWUTS|CLONE_NEWIPC)"));
	EXPECT_TRUE(has_line(plan, "1 creates ghost 10"));
	EXPECT_TRUE(has_line(plan, "ghost 10 creates 11 (CLONE_PARENT)"));
	EXPECT_TRUE(has_line(plan, "ghost 20 creates 22 (CLONE_PARENT|CLONE_NEWIPC)"));
	EXPECT_TRUE(has_line(plan, "22 creates 24"));
	for (const PlanStep &s : plan.steps)
		if (s.kind == Kind::Create && s.ghost) {
			EXPECT_EQ(s.clone_flags & (CLONE_NEWUTS | CLONE_NEWIPC), 0u)
				<< cr::describe(s, plan);
		}
}

TEST(TreePlan, ZombiesInTheirParentsNamespaces)
{
	/*
	 * Zombie 20 led a session; its children went to init.  Checkpoint
	 * writes a zombie's namespaces as its parent's: 20 is created in
	 * init's, and creates 21 and 22 there; 23 made a UTS namespace.
	 */
	std::vector<ckpt_task_ids> tasks = {
		in_ns(task(1, 0, 1, 1), 0, 5),	   in_ns(task(20, 1, 20, 20, true), 0, 5),
		in_ns(task(21, 1, 20, 20), 0, 5),  in_ns(task(22, 1, 22, 20), 0, 5),
		in_ns(task(23, 21, 22, 20), 6, 5),
	};
	cr::TreePlan plan = expect_restores(tasks);
	EXPECT_TRUE(has_line(plan, "restart creates 1 (CLONE_NEWIPC)"));
	EXPECT_TRUE(has_line(plan, "1 creates 20"));
	EXPECT_TRUE(has_line(plan, "20 creates 21 (CLONE_PARENT)"));
	EXPECT_TRUE(has_line(plan, "21 creates 23 (CLONE_NEWUTS)"));
	EXPECT_TRUE(has_line(plan, "20 exits (zombie)"));
}

namespace {

/*
 * A random history of forks, setsid(), setpgid(), exits and waits in a
 * container; with @unshare, of unshare(CLONE_NEWUTS, CLONE_NEWIPC or
 * both) too, the root's first among them half of the time.
 */
std::vector<ckpt_task_ids> random_tree(unsigned seed, bool unshare = false)
{
	std::mt19937 rng(seed);
	auto pick = [&](const std::vector<pid_t> &v) {
		return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
	};
	constexpr std::uint64_t unshare_flags[] = {CLONE_NEWUTS, CLONE_NEWIPC,
						   CLONE_NEWUTS | CLONE_NEWIPC};
	Model m(true, 0, 0);
	m.apply({Kind::Create, 1, 0, 0, 0, false});
	if (unshare && rng() % 2)
		m.unshare(1, unshare_flags[rng() % 3]);
	pid_t next = 2;
	int ops = std::uniform_int_distribution<int>(5, 60)(rng);
	for (int i = 0; i < ops; i++) {
		std::vector<pid_t> live = m.live();
		pid_t who = pick(live);
		PlanStep s;
		s.pid = who;
		s.actor = who;
		int op = std::uniform_int_distribution<int>(0, unshare ? 10 : 9)(rng);
		if (op == 10) {
			m.unshare(who, unshare_flags[rng() % 3]);
			continue;
		}
		switch (op) {
		case 0:
		case 1:
		case 2:
			s = {Kind::Create, next, who, 0, 0, false};
			break;
		case 3:
			s = {Kind::Create, next, who, CLONE_PARENT, 0, false};
			break;
		case 4:
			s = {Kind::Create, next, who, CLONE_THREAD | CLONE_SIGHAND | CLONE_VM, 0,
			     false};
			break;
		case 5:
			s.kind = Kind::Setsid;
			break;
		case 6:
			s.kind = Kind::Setpgid;
			s.pgid = pick(m.groups());
			break;
		case 7:
			s.kind = Kind::Setpgid;
			s.pgid = m.tgid(who);
			break;
		case 8:
			s.kind = Kind::ExitZombie;
			break;
		case 9: {
			std::vector<pid_t> zombies;
			for (auto [pid, o] : m.outcome())
				if (o.zombie && pid != 1 && m.tgid(pid) == pid && o.ppid > 0 &&
				    !m.exited(o.ppid))
					zombies.push_back(pid);
			if (zombies.empty())
				continue;
			pid_t z = pick(zombies);
			s = {Kind::Reap, z, m.ppid(z), 0, 0, false};
			break;
		}
		}
		if (m.apply(s).empty() && s.kind == Kind::Create)
			next++;
	}
	return m.tree();
}

} // namespace

TEST(TreePlan, RandomHistories)
{
	/*
	 * Some histories cannot be replayed without a helper task of a pid
	 * the tree does not name (a child of init in a session, made by a
	 * task that exited and was reaped): those must be refused as such.
	 */
	int planned = 0;
	constexpr int histories = 3000;
	for (unsigned seed = 0; seed < histories; seed++) {
		std::vector<ckpt_task_ids> tasks = random_tree(seed);
		SCOPED_TRACE(fmt::format("seed {}\n{}", seed, show(tasks)));
		try {
			cr::plan_tree(tasks);
		} catch (const cr::Error &e) {
			EXPECT_THAT(e.message(), HasSubstr("no task can create it in session"));
			continue;
		}
		expect_restores(tasks);
		planned++;
		if (testing::Test::HasFailure())
			break;
	}
	RecordProperty("planned", planned);
	EXPECT_GT(planned, histories * 95 / 100);
}

TEST(TreePlan, RandomHistoriesWithNamespaces)
{
	/*
	 * unshare() leaves the tasks forked before in the namespace it left:
	 * a tree whose namespace would have to be joined, or left for
	 * restart's, cannot be recreated and is refused as not supported.
	 */
	int planned = 0, with_namespaces = 0;
	constexpr int histories = 3000;
	for (unsigned seed = 0; seed < histories; seed++) {
		std::vector<ckpt_task_ids> tasks = random_tree(seed, true);
		SCOPED_TRACE(fmt::format("seed {}\n{}", seed, show(tasks)));
		try {
			cr::plan_tree(tasks);
		} catch (const cr::Error &e) {
			if (e.err() == EOPNOTSUPP) {
				EXPECT_THAT(e.message(), HasSubstr(": not supported"));
				continue;
			}
			/* a tree refused for its sessions is, whatever its namespaces */
			EXPECT_EQ(e.err(), EINVAL) << e.what();
			for (ckpt_task_ids &t : tasks)
				t.uts_ns = t.ipc_ns = 0;
			try {
				cr::plan_tree(tasks);
				ADD_FAILURE() << "planned without namespaces: " << e.what();
			} catch (const cr::Error &again) {
				EXPECT_EQ(again.message(), e.message());
			}
			continue;
		}
		cr::TreePlan plan = expect_restores(tasks);
		planned++;
		with_namespaces +=
			std::any_of(tasks.begin(), tasks.end(),
				    [](const ckpt_task_ids &t) { return t.uts_ns || t.ipc_ns; });
		if (testing::Test::HasFailure())
			break;
	}
	RecordProperty("planned", planned);
	RecordProperty("with_namespaces", with_namespaces);
	EXPECT_GT(planned, histories / 2);
	EXPECT_GT(with_namespaces, histories / 4);
}

TEST(TreePlan, Malformed)
{
	expect_invalid({}, "no task");
	std::vector<ckpt_task_ids> tasks = {task(0, 0, 0, 0)};
	expect_invalid(tasks, "invalid pid 0");
	tasks = {task(10, 0, 10, 10), task(-3, 10, 10, 10)};
	expect_invalid(tasks, "invalid pid -3");
	tasks = {task(10, 0, 10, 10), task(11, 10, 10, 10), task(11, 10, 10, 10)};
	expect_invalid(tasks, "pid 11 is listed twice");
	tasks = {task(10, 0, 10, 10), task(11, 12, 10, 10)};
	expect_invalid(tasks, "pid 11: its parent 12 is not in the tree");
	tasks = {task(10, 0, 10, 10), task(12, 11, 10, 10), task(11, 10, 10, 10)};
	expect_invalid(tasks, "pid 12 is listed before its parent 11");
	tasks = {task(10, 0, 10, 10), task(11, 0, 11, 11)};
	expect_invalid(tasks, "pid 11 has no parent in the tree");
	tasks = {task(11, 10, 10, 10), task(10, 0, 10, 10)};
	expect_invalid(tasks, "pid 11 is listed before its parent 10");

	ckpt_task_ids t = thread(12, task(11, 10, 10, 10));
	tasks = {task(10, 0, 10, 10), t};
	expect_invalid(tasks, "thread 12: its leader 11 is not in the tree");
	tasks = {task(10, 0, 10, 10), t, task(11, 10, 10, 10)};
	expect_invalid(tasks, "thread 12 is listed before its leader 11");
	t.pgid = 12;
	tasks = {task(10, 0, 10, 10), task(11, 10, 10, 10), t};
	expect_invalid(tasks, "thread 12 has parent 10, process group 12");
	t = thread(12, task(11, 10, 10, 10));
	t.flags = CKPT_TASK_ZOMBIE;
	tasks = {task(10, 0, 10, 10), task(11, 10, 10, 10), t};
	expect_invalid(tasks, "thread 12 is a zombie");

	tasks = {task(10, 0, 10, 10), task(11, 10, 11, 10), task(12, 10, 12, 12),
		 task(13, 12, 11, 12)};
	expect_invalid(tasks, "process group 11 spans two sessions: pid 11 is in session 10, "
			      "pid 13 in session 12");
	tasks = {task(10, 0, 10, 10), task(11, 10, 10, 10)};
	tasks[1].flags = CKPT_TASK_GROUP_LEADER;
	expect_invalid(tasks, "pid 11: its group leader flag");
	tasks = {task(10, 0, 10, 10), task(11, 10, 10, 11)};
	expect_invalid(tasks, "pid 11 leads its session but is in process group 10");
	tasks = {task(10, 0, 10, 10), task(11, 10, 11, 10, true), task(12, 11, 11, 10)};
	expect_invalid(tasks, "pid 12 has parent 11, a zombie");
	tasks = {task(10, 0, 10, 10), task(11, 10, 11, 10), task(12, 11, 12, 11)};
	expect_invalid(tasks, "pid 12 is in session 11, but 11 is in session 10");
	tasks = {task(10, 0, 10, 11), task(11, 10, 11, 11)};
	expect_invalid(tasks, "the root, pid 10, is in session 11, created after it");
	tasks = {task(10, 0, 10, 10), task(11, 10, 0, 0)};
	expect_invalid(tasks, "pid 11 is in a session or process group outside");
	tasks = {task(10, 0, 10, 10), task(11, 10, 11, 10), task(12, 10, 11, 12)};
	expect_invalid(tasks, "pid 12 leads its session but is in process group 11");
}
