// SPDX-License-Identifier: GPL-2.0-or-later
/* Finding the caller's cgroup v2 path for restart --frozen. */
#include "error.h"
#include "frozen_cgroup.h"

#include <cerrno>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

using testing::HasSubstr;

TEST(FrozenCgroup, Cgroup2Path)
{
	EXPECT_EQ(cr::cgroup2_path("0::/\n", "f"), "/");
	EXPECT_EQ(cr::cgroup2_path("0::/user.slice/app\n", "f"), "/user.slice/app");
	/* cgroup v1 lines come first on a hybrid system */
	EXPECT_EQ(cr::cgroup2_path("12:pids:/x\n1:name=systemd:/y\n0::/z", "f"), "/z");
}

TEST(FrozenCgroup, Cgroup2PathErrors)
{
	try {
		cr::cgroup2_path("12:pids:/x\n", "/proc/self/cgroup");
		ADD_FAILURE() << "no 0:: line was accepted";
	} catch (const cr::Error &e) {
		EXPECT_EQ(e.err(), EOPNOTSUPP);
		EXPECT_THAT(e.what(), HasSubstr("/proc/self/cgroup"));
	}
	for (const char *text : {"0::/../x\n", "0::relative\n", "0::/a/../../b\n"}) {
		try {
			cr::cgroup2_path(text, "f");
			ADD_FAILURE() << text << " was accepted";
		} catch (const cr::Error &e) {
			EXPECT_EQ(e.err(), EINVAL) << text;
		}
	}
}
