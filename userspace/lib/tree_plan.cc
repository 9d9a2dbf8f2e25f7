// SPDX-License-Identifier: LGPL-2.1-or-later
#include "tree_plan.h"

#include "error.h"
#include "image_format.h"
#include "record_names.h"

#include <algorithm>
#include <cerrno>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <optional>
#include <sched.h>
#include <unordered_map>

namespace cr {

namespace {

constexpr std::uint64_t thread_flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
constexpr std::size_t none = static_cast<std::size_t>(-1);

/* A task of the tree or a ghost, with what the planner decided about it. */
struct Node {
	/* What the image says (for a ghost: what it must be; ppid once chosen). */
	pid_t pid = 0;
	pid_t tgid = 0;
	pid_t ppid = -1;
	pid_t pgid = 0;
	pid_t sid = 0;
	bool ghost = false;
	bool zombie = false;
	bool live_threads = false; /* a leader with threads that are not zombies */
	bool temp_group = false;   /* leads a group it has left: creates it first */
	/* NAMESPACE objrefs, 0: restart's (a ghost: its creator's, once created) */
	std::uint32_t uts_ns = 0;
	std::uint32_t ipc_ns = 0;

	/* Who creates it. */
	bool assigned = false;
	std::size_t creator = none; /* none: restart itself */
	std::uint64_t clone_flags = 0;
	std::optional<pid_t> need_sid;	       /* the session its creator must be in then */
	std::optional<pid_t> inh_sid;	       /* a session leader's session before setsid() */
	std::vector<std::size_t> pre_children; /* created before its setsid() */

	/* Where the plan is. */
	bool created = false;
	bool temp_done = false;
	pid_t cur_pgid = 0;
	pid_t cur_sid = 0;

	bool thread() const { return tgid != pid; }
	bool session_leader() const { return sid == pid; }
	std::uint32_t &ns(std::uint32_t kind) { return kind == CKPT_NS_UTS ? uts_ns : ipc_ns; }
	std::uint32_t ns(std::uint32_t kind) const { return kind == CKPT_NS_UTS ? uts_ns : ipc_ns; }
};

class Planner {
public:
	explicit Planner(std::span<const ckpt_task_ids> tasks);
	TreePlan plan();

private:
	void check();
	void add_ghosts();
	void assign(std::size_t t);
	bool can_create_in(std::size_t t, pid_t x, int depth) const;
	void assign_ghost(std::size_t g);
	bool creates_cycle(std::size_t c, std::size_t t) const;
	void set_creator(std::size_t t, std::size_t c, std::uint64_t flags);
	std::vector<std::size_t> creation_order() const;
	bool advance(std::size_t n, bool strict);
	bool settled(std::size_t n) const;
	bool may_leave(std::size_t i) const;
	bool group_exists(pid_t pgid, pid_t sid) const;
	void move_group(std::optional<pid_t> from, pid_t to, pid_t sid);
	void emit(PlanStep::Kind kind, std::size_t n, std::size_t actor = none);
	bool ns_compatible(std::size_t c, std::size_t t) const;
	void add_namespace_flags();
	std::string who(std::size_t n) const;

	Node &at(pid_t pid) { return nodes_[index_.at(pid)]; }
	std::size_t find(pid_t pid) const
	{
		auto it = index_.find(pid);
		return it == index_.end() ? none : it->second;
	}
	pid_t pid_of(std::size_t n) const { return n == none ? 0 : nodes_[n].pid; }

	std::span<const ckpt_task_ids> tasks_;
	std::vector<Node> nodes_; /* the tree's tasks in order, then the ghosts */
	std::unordered_map<pid_t, std::size_t> index_;
	std::unordered_map<pid_t, std::vector<std::size_t>> children_; /* processes by ppid */
	std::unordered_map<pid_t, std::vector<std::size_t>> members_;  /* processes by pgid */
	bool container_ = false;
	/* The session and group restart runs in, when the root is in them. */
	std::optional<pid_t> outer_sid_;
	std::optional<pid_t> outer_pgid_;

	/* The plan so far. */
	TreePlan plan_;
	std::map<pid_t, std::pair<pid_t, int>> groups_; /* pgid -> session, processes */
	std::vector<std::size_t> created_;		/* in creation order */
};

Error invalid(const std::string &message)
{
	return Error(EINVAL, "invalid task tree: " + message);
}

Planner::Planner(std::span<const ckpt_task_ids> tasks) : tasks_(tasks) {}

void Planner::check()
{
	if (tasks_.empty())
		throw invalid("it lists no task");
	for (std::size_t i = 0; i < tasks_.size(); i++) {
		const ckpt_task_ids &t = tasks_[i];
		if (t.pid <= 0 || t.tgid <= 0)
			throw invalid(fmt::format("invalid pid {} (tgid {})", t.pid, t.tgid));
		if (t.pgid < 0 || t.sid < 0)
			throw invalid(
				fmt::format("pid {} has invalid process group {} or session {}",
					    t.pid, t.pgid, t.sid));
		if (!index_.emplace(t.pid, i).second)
			throw invalid(fmt::format("pid {} is listed twice", t.pid));
		Node n;
		n.pid = t.pid;
		n.tgid = t.tgid;
		n.ppid = t.ppid;
		n.pgid = t.pgid;
		n.sid = t.sid;
		n.zombie = t.flags & CKPT_TASK_ZOMBIE;
		n.uts_ns = t.uts_ns;
		n.ipc_ns = t.ipc_ns;
		nodes_.push_back(n);
	}

	const ckpt_task_ids &root = tasks_[0];
	container_ = root.pid == 1;
	/*
	 * The session and process group the root was created in are
	 * restart's.  In a container they are outside the pid namespace and
	 * read as 0; else they are the root's unless it left them (for its
	 * own, or a group of a task below it).
	 */
	if (container_) {
		outer_sid_ = 0;
		outer_pgid_ = 0;
	} else {
		if (root.sid != root.pid)
			outer_sid_ = root.sid;
		if (root.pgid != root.pid && find(root.pgid) == none)
			outer_pgid_ = root.pgid;
	}

	for (std::size_t i = 0; i < tasks_.size(); i++) {
		const ckpt_task_ids &t = tasks_[i];
		if (t.tgid != t.pid) {
			std::size_t l = find(t.tgid);
			if (l == none)
				throw invalid(
					fmt::format("thread {}: its leader {} is not in the tree",
						    t.pid, t.tgid));
			if (l > i)
				throw invalid(fmt::format(
					"thread {} is listed before its leader {}", t.pid, t.tgid));
			const ckpt_task_ids &leader = tasks_[l];
			if (leader.tgid != leader.pid)
				throw invalid(
					fmt::format("thread {}: its leader {} is a thread of {}",
						    t.pid, t.tgid, leader.tgid));
			if (t.ppid != leader.ppid || t.pgid != leader.pgid || t.sid != leader.sid)
				throw invalid(fmt::format("thread {} has parent {}, process group "
							  "{}, session {}; its "
							  "leader {} has {}, {}, {}",
							  t.pid, t.ppid, t.pgid, t.sid, leader.pid,
							  leader.ppid, leader.pgid, leader.sid));
			if (t.flags & CKPT_TASK_ZOMBIE)
				throw invalid(fmt::format(
					"thread {} is a zombie: only a thread group leader can be",
					t.pid));
			if (t.uts_ns != leader.uts_ns || t.ipc_ns != leader.ipc_ns)
				throw invalid(
					fmt::format("thread {} lives in UTS namespace {} and IPC "
						    "namespace {}; its leader {} in {} and {}",
						    t.pid, t.uts_ns, t.ipc_ns, leader.pid,
						    leader.uts_ns, leader.ipc_ns));
			nodes_[l].live_threads = true;
		} else if (t.ppid == 0) {
			if (i != 0)
				throw invalid(fmt::format("pid {} has no parent in the tree: only "
							  "the root, pid {}, can",
							  t.pid, root.pid));
		} else {
			std::size_t p = find(t.ppid);
			if (p == none)
				throw invalid(fmt::format(
					"pid {}: its parent {} is not in the tree", t.pid, t.ppid));
			if (p >= i)
				throw invalid(fmt::format("pid {} is listed before its parent {}",
							  t.pid, t.ppid));
			if (tasks_[p].tgid != tasks_[p].pid)
				throw invalid(fmt::format("pid {}: its parent {} is a thread of {}",
							  t.pid, t.ppid, tasks_[p].tgid));
			children_[t.ppid].push_back(i);
		}
		if (((t.flags & CKPT_TASK_SESSION_LEADER) != 0) != (t.sid == t.pid))
			throw invalid(fmt::format(
				"pid {}: its session leader flag contradicts its session {}", t.pid,
				t.sid));
		if (((t.flags & CKPT_TASK_GROUP_LEADER) != 0) != (t.pgid == t.pid))
			throw invalid(fmt::format(
				"pid {}: its group leader flag contradicts its process group {}",
				t.pid, t.pgid));
		if (t.sid == t.pid && t.pgid != t.pid)
			throw invalid(
				fmt::format("pid {} leads its session but is in process group {}",
					    t.pid, t.pgid));
		if ((t.sid == 0 && outer_sid_ != 0) || (t.pgid == 0 && outer_pgid_ != 0))
			throw invalid(fmt::format(
				"pid {} is in a session or process group outside the pid namespace",
				t.pid));
	}
	if (tasks_[0].ppid != 0)
		throw invalid(
			fmt::format("the first task, pid {}, has a parent {}: it is not a root",
				    root.pid, root.ppid));
	if (tasks_[0].tgid != tasks_[0].pid)
		throw invalid(fmt::format("the first task, pid {}, is a thread", root.pid));
	if (root.sid != root.pid && (find(root.sid) != none || (container_ && root.sid != 0)))
		throw invalid(fmt::format("the root, pid {}, is in session {}, created after it",
					  root.pid, root.sid));

	/* Zombies have no children: they went to init when it exited. */
	for (std::size_t i = 1; i < nodes_.size(); i++) {
		const Node &n = nodes_[i];
		if (n.thread())
			continue;
		const Node &p = at(n.ppid);
		if (p.zombie && !p.live_threads)
			throw invalid(fmt::format("pid {} has parent {}, a zombie", n.pid, p.pid));
	}

	/* Each process group is in one session, its leader's if there is one. */
	std::map<pid_t, std::size_t> group_of; /* pgid -> a member */
	std::map<pid_t, std::size_t> session_of;
	for (std::size_t i = 0; i < nodes_.size(); i++) {
		const Node &n = nodes_[i];
		if (n.thread())
			continue;
		auto [g, fresh] = group_of.emplace(n.pgid, i);
		if (!fresh && nodes_[g->second].sid != n.sid)
			throw invalid(fmt::format(
				"process group {} spans two sessions: pid {} is in session {}, "
				"pid {} in session {}",
				n.pgid, nodes_[g->second].pid, nodes_[g->second].sid, n.pid,
				n.sid));
		session_of.emplace(n.sid, i);
	}
	for (auto [sid, member] : session_of) {
		std::size_t l = find(sid);
		if (l != none && !nodes_[l].session_leader())
			throw invalid(
				fmt::format("pid {} is in session {}, but {} is in session {}",
					    nodes_[member].pid, sid, sid, nodes_[l].sid));
	}
	for (auto [pgid, member] : group_of) {
		const Node &m = nodes_[member];
		std::size_t l = find(pgid);
		if (l != none) {
			const Node &leader = nodes_[l];
			if (leader.thread())
				throw invalid(fmt::format("pid {} is in process group {}, a thread",
							  m.pid, pgid));
			if (leader.sid != m.sid)
				throw invalid(fmt::format(
					"pid {} is in process group {} of session {}, but its "
					"leader {} is in session {}",
					m.pid, pgid, m.sid, pgid, leader.sid));
			if (leader.pgid != pgid)
				at(pgid).temp_group = true;
		}
		if (session_of.count(pgid) && m.sid != pgid)
			throw invalid(fmt::format(
				"pid {} is in process group {} of session {}, but {} is a session",
				m.pid, pgid, m.sid, pgid));
		if (outer_sid_ == pgid && outer_pgid_ != pgid)
			throw invalid(fmt::format(
				"pid {} is in process group {}, led by the leader of the session "
				"outside the tree",
				m.pid, pgid));
	}
}

/* A ghost for each session and process group whose leader is missing. */
void Planner::add_ghosts()
{
	std::size_t tree = nodes_.size();
	auto add = [&](pid_t id, pid_t sid) {
		Node g;
		g.pid = g.tgid = g.pgid = id;
		g.sid = sid;
		g.ghost = true;
		index_.emplace(id, nodes_.size());
		nodes_.push_back(g);
	};
	for (std::size_t i = 0; i < tree; i++) {
		const Node &n = nodes_[i];
		if (!n.thread() && find(n.sid) == none && outer_sid_ != n.sid)
			add(n.sid, n.sid);
	}
	for (std::size_t i = 0; i < tree; i++) {
		const Node &n = nodes_[i];
		if (!n.thread() && find(n.pgid) == none && outer_pgid_ != n.pgid)
			add(n.pgid, n.sid);
	}
}

/* Whether @t is among the creators of @c, @c included. */
bool Planner::creates_cycle(std::size_t c, std::size_t t) const
{
	for (std::size_t steps = 0; c != none && steps <= nodes_.size(); steps++) {
		if (c == t)
			return true;
		if (!nodes_[c].assigned)
			return false;
		c = nodes_[c].creator;
	}
	return c != none;
}

void Planner::set_creator(std::size_t t, std::size_t c, std::uint64_t flags)
{
	Node &n = nodes_[t];
	n.creator = c;
	n.clone_flags = flags;
	n.assigned = true;
}

/*
 * Whether process @t could be created by a task then in session @x: the
 * choices of assign(), without making them.
 */
bool Planner::can_create_in(std::size_t t, pid_t x, int depth) const
{
	if (t == 0)
		return outer_sid_ == x;
	const Node &n = nodes_[t];
	std::size_t p = find(n.ppid);
	const Node &parent = nodes_[p];
	if (parent.sid == x)
		return true;
	auto siblings = children_.find(n.ppid);
	for (std::size_t c : siblings->second)
		if (c != t && nodes_[c].sid == x)
			return true;
	std::size_t g = find(x);
	if (g != none && nodes_[g].ghost && (nodes_[g].ppid == -1 || nodes_[g].ppid == n.ppid))
		return true;
	if (depth < 32 && parent.session_leader() && !parent.assigned &&
	    (!parent.inh_sid || parent.inh_sid == x) && can_create_in(p, x, depth + 1))
		return true;
	if (container_ && p == 0)
		for (std::size_t c = 1; c < nodes_.size(); c++)
			if ((nodes_[c].ghost || (nodes_[c].zombie && !nodes_[c].live_threads)) &&
			    nodes_[c].sid == x)
				return true;
	return false;
}

/*
 * Chooses the creator of process @t, not the root: a task that is then
 * in the session @t must inherit, and that is its parent or, with
 * CLONE_PARENT, a child of its parent.  Or, in a container, for a child
 * of init: a ghost or zombie of the session, whose exit gives @t to init.
 */
void Planner::assign(std::size_t t)
{
	Node &n = nodes_[t];
	std::size_t p = find(n.ppid);
	Node &parent = nodes_[p];
	std::optional<pid_t> need = n.session_leader() ? n.inh_sid : std::optional(n.sid);
	n.need_sid = need;
	if (!need || parent.sid == *need) {
		set_creator(t, p, 0);
		return;
	}
	pid_t x = *need;
	const std::vector<std::size_t> &siblings = children_[n.ppid];

	/*
	 * A sibling in the session: its leader, else one in the group, else
	 * any; one that lives in the namespaces @t inherits first.
	 */
	std::size_t best = none;
	int best_rank = 0;
	for (std::size_t c : siblings) {
		const Node &s = nodes_[c];
		if (c == t || s.sid != x || creates_cycle(c, t))
			continue;
		int rank = s.pid == x ? 3 : s.pgid == n.pgid ? 2 : 1;
		if (ns_compatible(c, t))
			rank += 3;
		if (rank > best_rank) {
			best = c;
			best_rank = rank;
		}
	}
	if (best_rank >= 5) { /* the leader or one in the group, in those namespaces */
		set_creator(t, best, CLONE_PARENT);
		return;
	}

	/* The session's ghost, made a child of the parent. */
	std::size_t g = find(x);
	bool ghost = g != none && nodes_[g].ghost && nodes_[g].session_leader();
	if (ghost && !creates_cycle(g, t) && !creates_cycle(p, g) &&
	    (nodes_[g].ppid == -1 || nodes_[g].ppid == n.ppid)) {
		nodes_[g].ppid = n.ppid;
		set_creator(g, p, 0);
		set_creator(t, g, CLONE_PARENT);
		return;
	}
	if (best != none) {
		set_creator(t, best, CLONE_PARENT);
		return;
	}

	/* In a container, a ghost or zombie of the session, whose exit gives it to init. */
	if (container_ && p == 0)
		for (std::size_t c = 1; c < nodes_.size(); c++) {
			const Node &z = nodes_[c];
			if ((z.ghost || (z.zombie && !z.live_threads)) && z.sid == x &&
			    !creates_cycle(c, t)) {
				set_creator(t, c, 0);
				return;
			}
		}

	/* The parent, before it calls setsid(). */
	if (parent.session_leader() && !parent.assigned &&
	    (!parent.inh_sid || parent.inh_sid == x) && can_create_in(p, x, 0)) {
		parent.inh_sid = x;
		set_creator(t, p, 0);
		return;
	}

	/* A sibling, before it calls setsid(): one in the namespaces @t inherits first. */
	for (bool any_ns : {false, true})
		for (std::size_t c : siblings) {
			Node &s = nodes_[c];
			if (c == t || !s.session_leader() || creates_cycle(c, t) ||
			    (!any_ns && !ns_compatible(c, t)))
				continue;
			if (s.inh_sid == x ||
			    (!s.inh_sid && !s.assigned && can_create_in(c, x, 0))) {
				s.inh_sid = x;
				set_creator(t, c, CLONE_PARENT);
				return;
			}
		}

	throw invalid(fmt::format(
		"cannot recreate pid {}: no task can create it in session {} with parent {}", n.pid,
		x, n.ppid));
}

/* A session ghost is made by its parent, a group ghost by a task of its session. */
void Planner::assign_ghost(std::size_t g)
{
	Node &n = nodes_[g];
	if (n.assigned)
		return;
	if (n.session_leader()) {
		if (n.ppid == -1)
			n.ppid = nodes_[0].pid;
		set_creator(g, find(n.ppid), 0);
		return;
	}
	std::size_t c = find(n.sid);
	if (c == none) /* the session restart runs in */
		c = 0;
	n.need_sid = n.sid;
	n.ppid = nodes_[c].pid;
	set_creator(g, c, 0);
}

/* The tree's tasks, each followed by the ghosts it creates. */
std::vector<std::size_t> Planner::creation_order() const
{
	std::vector<std::size_t> order;
	std::function<void(std::size_t)> add = [&](std::size_t i) {
		order.push_back(i);
		for (std::size_t g = tasks_.size(); g < nodes_.size(); g++)
			if (nodes_[g].creator == i)
				add(g);
	};
	for (std::size_t i = 0; i < tasks_.size(); i++)
		add(i);
	return order;
}

bool Planner::settled(std::size_t n) const
{
	if (n == none)
		return true;
	const Node &t = nodes_[n];
	if (t.thread())
		return t.created && settled(find(t.tgid));
	return t.created && t.cur_sid == t.sid && t.cur_pgid == t.pgid &&
	       (!t.temp_group || t.temp_done);
}

bool Planner::group_exists(pid_t pgid, pid_t sid) const
{
	auto it = groups_.find(pgid);
	return it != groups_.end() && it->second.second > 0 && it->second.first == sid;
}

void Planner::move_group(std::optional<pid_t> from, pid_t to, pid_t sid)
{
	if (from)
		groups_.at(*from).second--;
	auto &g = groups_[to];
	if (g.second == 0)
		g.first = sid;
	g.second++;
}

void Planner::emit(PlanStep::Kind kind, std::size_t n, std::size_t actor)
{
	const Node &t = nodes_[n];
	PlanStep s;
	s.kind = kind;
	s.pid = t.pid;
	s.actor = kind == PlanStep::Kind::Create || kind == PlanStep::Kind::Reap ? pid_of(actor)
										 : t.pid;
	s.clone_flags = kind == PlanStep::Kind::Create ? t.clone_flags : 0;
	s.pgid = kind == PlanStep::Kind::Setpgid ? t.cur_pgid : 0;
	s.ghost = t.ghost;
	plan_.steps.push_back(s);
}

/* "pid 5", "ghost 5", "restart": who a message names. */
std::string Planner::who(std::size_t n) const
{
	if (n == none)
		return "restart";
	return fmt::format("{} {}", nodes_[n].ghost ? "ghost" : "pid", nodes_[n].pid);
}

/*
 * Whether @c, a task of the tree, can create @t, a process of the tree,
 * as far as namespaces go: @c lives in each namespace @t lives in, or @t
 * is where a namespace (not restart's) is new, its parent living in
 * another.
 */
bool Planner::ns_compatible(std::size_t c, std::size_t t) const
{
	const Node &n = nodes_[t];
	const Node &parent = nodes_[find(n.ppid)];
	for (std::uint32_t kind : namespace_kinds)
		if (nodes_[c].ns(kind) != n.ns(kind) &&
		    (n.ns(kind) == 0 || n.ns(kind) == parent.ns(kind)))
			return false;
	return true;
}

/*
 * The namespaces the Create steps make, in the order of the plan: a
 * task created by a task that lives in another namespace than its own
 * is where that namespace is new (CLONE_NEWUTS, CLONE_NEWIPC); restart
 * itself lives in namespace 0 of both kinds, a ghost in its creator's.
 * A namespace that an earlier step made (or restart's) cannot be joined.
 */
void Planner::add_namespace_flags()
{
	std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> made; /* by kind, objref */
	for (PlanStep &s : plan_.steps) {
		if (s.kind != PlanStep::Kind::Create)
			continue;
		std::size_t t = find(s.pid);
		std::size_t c = s.actor == 0 ? none : find(s.actor);
		Node &n = nodes_[t];
		for (std::uint32_t kind : namespace_kinds) {
			std::uint32_t theirs = c == none ? 0 : nodes_[c].ns(kind);
			if (n.ghost)
				n.ns(kind) = theirs;
			std::uint32_t mine = n.ns(kind);
			if (mine == theirs)
				continue;
			auto it = made.find({kind, mine});
			if (mine == 0)
				throw Error(
					EOPNOTSUPP,
					fmt::format("pid {} lives in restart's {} namespace, but "
						    "is created by {} of {} namespace {}: not "
						    "supported",
						    n.pid, namespace_kind_name(kind), who(c),
						    namespace_kind_name(kind), theirs));
			if (it != made.end())
				throw Error(
					EOPNOTSUPP,
					fmt::format("pid {} lives in {} namespace {}, made by {}, "
						    "but is created by {} of another: not "
						    "supported",
						    n.pid, namespace_kind_name(kind), mine,
						    who(it->second), who(c)));
			made.emplace(std::pair(kind, mine), t);
			s.clone_flags |= kind == CKPT_NS_UTS ? CLONE_NEWUTS : CLONE_NEWIPC;
			n.clone_flags = s.clone_flags;
		}
	}
}

/*
 * Whether process @i may leave its group: not if the group would be left
 * empty while a task still has to join it or be created in it.
 */
bool Planner::may_leave(std::size_t i) const
{
	pid_t pgid = nodes_[i].cur_pgid;
	auto g = groups_.find(pgid);
	auto members = members_.find(pgid);
	if ((g != groups_.end() && g->second.second > 1) || members == members_.end())
		return true;
	for (std::size_t m : members->second)
		if (m != i && (!nodes_[m].created || nodes_[m].cur_pgid != pgid))
			return false;
	return true;
}

/*
 * Takes the steps of @n that can be taken now: its creation, then its
 * setsid() or setpgid().  When @strict, a task is only created by a
 * creator that is settled in its group and session (or must create it
 * before its setsid()).  Returns whether a step was taken.
 */
bool Planner::advance(std::size_t i, bool strict)
{
	Node &n = nodes_[i];
	bool took = false;
	if (!n.created) {
		std::size_t c = n.creator;
		if (c != none) {
			const Node &creator = nodes_[c];
			const Node &cp = creator.thread() ? at(creator.tgid) : creator;
			if (!creator.created)
				return false;
			if (n.need_sid && cp.cur_sid != *n.need_sid)
				return false;
			bool pre = n.need_sid && *n.need_sid != cp.sid;
			if (strict && !pre && !settled(c))
				return false;
			n.cur_sid = cp.cur_sid;
			n.cur_pgid = cp.cur_pgid;
		} else {
			n.cur_sid = outer_sid_.value_or(-1);
			n.cur_pgid = outer_pgid_.value_or(-1);
		}
		n.created = true;
		created_.push_back(i);
		if (!n.thread())
			move_group(std::nullopt, n.cur_pgid, n.cur_sid);
		emit(PlanStep::Kind::Create, i, c);
		took = true;
	}
	if (n.thread())
		return took;

	if (n.session_leader()) {
		if (n.cur_sid == n.pid || !may_leave(i))
			return took;
		for (std::size_t c : n.pre_children)
			if (!nodes_[c].created)
				return took;
		if (auto g = groups_.find(n.pid); g != groups_.end() && g->second.second > 0)
			return took;
		move_group(n.cur_pgid, n.pid, n.pid);
		n.cur_sid = n.cur_pgid = n.pid;
		emit(PlanStep::Kind::Setsid, i);
		return true;
	}
	if (n.temp_group && !n.temp_done) {
		if (n.cur_pgid != n.pid) {
			if (!may_leave(i))
				return took;
			move_group(n.cur_pgid, n.pid, n.cur_sid);
			n.cur_pgid = n.pid;
			emit(PlanStep::Kind::Setpgid, i);
			took = true;
		}
		n.temp_done = true;
	}
	if (n.cur_pgid == n.pgid)
		return took;
	if ((n.pgid != n.pid && !group_exists(n.pgid, n.cur_sid)) || !may_leave(i))
		return took;
	move_group(n.cur_pgid, n.pgid, n.cur_sid);
	n.cur_pgid = n.pgid;
	emit(PlanStep::Kind::Setpgid, i);
	return true;
}

TreePlan Planner::plan()
{
	check();
	add_ghosts();
	plan_.container = container_;

	/* Children first: a session leader learns which session it must be created in. */
	for (std::size_t t = tasks_.size(); t-- > 1;) {
		Node &n = nodes_[t];
		if (n.thread()) {
			n.need_sid.reset();
			set_creator(t, find(n.tgid), thread_flags);
		} else {
			assign(t);
		}
	}
	nodes_[0].assigned = true;
	for (std::size_t g = tasks_.size(); g < nodes_.size(); g++)
		assign_ghost(g);
	for (std::size_t t = 0; t < nodes_.size(); t++) {
		const Node &n = nodes_[t];
		if (n.creator != none && n.need_sid && *n.need_sid != nodes_[n.creator].sid)
			nodes_[n.creator].pre_children.push_back(t);
		if (!n.thread())
			members_[n.pgid].push_back(t);
	}

	std::vector<std::size_t> order = creation_order();
	for (;;) {
		bool progress = false;
		for (std::size_t i : order)
			progress |= advance(i, true);
		if (!progress)
			for (std::size_t i : order)
				if (advance(i, false)) {
					progress = true;
					break;
				}
		if (!progress)
			break;
	}
	for (std::size_t i : order)
		if (!settled(i))
			throw invalid(
				fmt::format("cannot recreate pid {}: no order of the steps puts it "
					    "in process group {} of session {}",
					    nodes_[i].pid, nodes_[i].pgid, nodes_[i].sid));

	for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
		if (!nodes_[*it].ghost)
			continue;
		plan_.ghosts.insert(plan_.ghosts.begin(), nodes_[*it].pid);
		emit(PlanStep::Kind::ExitGhost, *it);
		emit(PlanStep::Kind::Reap, *it, find(nodes_[*it].ppid));
	}
	for (auto it = created_.rbegin(); it != created_.rend(); ++it)
		if (nodes_[*it].zombie)
			emit(PlanStep::Kind::ExitZombie, *it);
	add_namespace_flags();
	return std::move(plan_);
}

std::string flag_names(std::uint64_t flags)
{
	static const std::pair<std::uint64_t, const char *> names[] = {
		{CLONE_PARENT, "CLONE_PARENT"},	  {CLONE_VM, "CLONE_VM"},
		{CLONE_SIGHAND, "CLONE_SIGHAND"}, {CLONE_THREAD, "CLONE_THREAD"},
		{CLONE_NEWUTS, "CLONE_NEWUTS"},	  {CLONE_NEWIPC, "CLONE_NEWIPC"},
	};
	std::string out;
	for (auto [bit, name] : names)
		if (flags & bit) {
			out += out.empty() ? "" : "|";
			out += name;
			flags &= ~bit;
		}
	if (flags)
		out += fmt::format("{}{:#x}", out.empty() ? "" : "|", flags);
	return out;
}

} // namespace

TreePlan plan_tree(std::span<const ckpt_task_ids> tasks)
{
	return Planner(tasks).plan();
}

std::string describe(const PlanStep &step, const TreePlan &plan)
{
	auto name = [&](pid_t pid) {
		if (pid == 0)
			return std::string("restart");
		bool ghost =
			std::find(plan.ghosts.begin(), plan.ghosts.end(), pid) != plan.ghosts.end();
		return fmt::format("{}{}", ghost ? "ghost " : "", pid);
	};
	switch (step.kind) {
	case PlanStep::Kind::Create:
		if (step.clone_flags)
			return fmt::format("{} creates {} ({})", name(step.actor), name(step.pid),
					   flag_names(step.clone_flags));
		return fmt::format("{} creates {}", name(step.actor), name(step.pid));
	case PlanStep::Kind::Setsid:
		return fmt::format("{} setsid", name(step.pid));
	case PlanStep::Kind::Setpgid:
		return fmt::format("{} setpgid {}", name(step.pid), step.pgid);
	case PlanStep::Kind::ExitGhost:
		return fmt::format("{} exits", name(step.pid));
	case PlanStep::Kind::Reap:
		return fmt::format("{} reaps {}", name(step.actor), name(step.pid));
	case PlanStep::Kind::ExitZombie:
		return fmt::format("{} exits (zombie)", name(step.pid));
	}
	return fmt::format("step {} on {}", static_cast<int>(step.kind), step.pid);
}

std::string describe(const TreePlan &plan)
{
	std::string out;
	for (const PlanStep &step : plan.steps)
		out += describe(step, plan) + "\n";
	return out;
}

} // namespace cr
