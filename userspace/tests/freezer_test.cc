// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The freezer's parsing of /proc/PID/cgroup and cgroup.events, and its
 * refusals that need no cgroup access.  Freezing itself needs write
 * access to a cgroup v2 hierarchy: the VM tests cover it.
 */
#include "error.h"
#include "freezer.h"

#include <cerrno>
#include <climits>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

using testing::HasSubstr;

namespace {

cr::Error expect_path_error(std::string_view text, int err)
{
	try {
		cr::cgroup2_path(text, "/proc/7/cgroup");
	} catch (const cr::Error &e) {
		EXPECT_EQ(e.err(), err) << e.what();
		EXPECT_THAT(e.what(), HasSubstr("/proc/7/cgroup: "));
		return e;
	}
	ADD_FAILURE() << "accepted: " << text;
	return cr::Error(0, "");
}

} // namespace

TEST(Freezer, Cgroup2Path)
{
	EXPECT_EQ(cr::cgroup2_path("0::/\n", "f"), "/");
	EXPECT_EQ(cr::cgroup2_path("0::/user.slice/user-0.slice/session-1.scope\n", "f"),
		  "/user.slice/user-0.slice/session-1.scope");
	/* No final newline; spaces are part of the path. */
	EXPECT_EQ(cr::cgroup2_path("0::/a b/c", "f"), "/a b/c");
	/* Hybrid hierarchy: the v1 lines come first. */
	EXPECT_EQ(cr::cgroup2_path("12:pids:/x\n1:name=systemd:/init.scope\n0::/init.scope\n", "f"),
		  "/init.scope");
	/* A name with dots is not "..". */
	EXPECT_EQ(cr::cgroup2_path("0::/..x/y..\n", "f"), "/..x/y..");
}

TEST(Freezer, Cgroup2PathErrors)
{
	cr::Error e = expect_path_error("4:freezer:/\n1:name=systemd:/\n", EOPNOTSUPP);
	EXPECT_THAT(e.what(), HasSubstr("no cgroup v2 line"));
	expect_path_error("", EOPNOTSUPP);
	expect_path_error("10::/x\n", EOPNOTSUPP);
	/* Outside this cgroup namespace. */
	e = expect_path_error("0::/../../other\n", EINVAL);
	EXPECT_THAT(e.what(), HasSubstr("not below the cgroup namespace's root"));
	expect_path_error("0::/a/..\n", EINVAL);
	expect_path_error("0::\n", EINVAL);
	expect_path_error("0::relative\n", EINVAL);
}

TEST(Freezer, CgroupEvents)
{
	std::string_view events = "populated 1\nfrozen 0\n";
	EXPECT_EQ(cr::cgroup_events_value(events, "frozen"), "0");
	EXPECT_EQ(cr::cgroup_events_value(events, "populated"), "1");
	EXPECT_EQ(cr::cgroup_events_value("populated 0\nfrozen 1", "frozen"), "1");
	EXPECT_EQ(cr::cgroup_events_value(events, "froze"), std::nullopt);
	EXPECT_EQ(cr::cgroup_events_value(events, "zen"), std::nullopt);
	EXPECT_EQ(cr::cgroup_events_value("", "frozen"), std::nullopt);
}

TEST(Freezer, NoSuchProcess)
{
	/* Above any pid_max: never a process. */
	try {
		cr::Freezer f(INT_MAX);
		FAIL() << "froze pid INT_MAX";
	} catch (const cr::Error &e) {
		EXPECT_EQ(e.err(), ESRCH);
		EXPECT_THAT(e.what(),
			    HasSubstr("/proc/2147483647/cgroup: No such file or directory"));
		EXPECT_THAT(e.what(), HasSubstr("there is no process 2147483647"));
	}
}

TEST(Freezer, RefusesItselfAndNonPids)
{
	for (pid_t pid : {::getpid(), 0, -1}) {
		try {
			cr::Freezer f(pid);
			FAIL() << "froze pid " << pid;
		} catch (const cr::Error &e) {
			EXPECT_EQ(e.err(), EINVAL) << e.what();
		}
	}
}
