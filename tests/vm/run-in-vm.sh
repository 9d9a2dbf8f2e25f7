#!/bin/sh
# Runs inside the test VM: every kselftest program in /tests/selftests
# and every scenario in /tests/vm/scenarios, each under a timeout.
# Prints TAP: one line per kselftest case, one per program's exit
# status, one per scenario.  A skipped case counts as not ok: the VM
# kernel has everything the tests need.
T=${CKPT_TEST_TIMEOUT:-180}
# CKPT_SCENARIOS: the scenarios to run (names without .sh), default all
# of /tests/vm/scenarios;
# CKPT_SELFTEST_ARGS: kselftest harness options for every kselftest
# (e.g. -T FIXTURE.TEST to leave a case out).  The debug kernel lane
# sets both (tests/run.sh).
SCENARIOS=${CKPT_SCENARIOS:-}
n=0

emit() {
	n=$((n + 1))
	echo "$1 $n - $2"
}

run_selftest() {
	bin=$1
	name=selftest/$(basename "$bin")
	# shellcheck disable=SC2086
	timeout "$T" "$bin" ${CKPT_SELFTEST_ARGS:-} >/tmp/out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/out
	grep -E '^(not )?ok [0-9]+ ' /tmp/out >/tmp/tap
	while read -r line; do
		case "$line" in
		"not ok "*) res="not ok" ;;
		*) res=ok ;;
		esac
		case "$line" in
		*"# SKIP"*) res="not ok" ;;
		esac
		case_name=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ //')
		emit "$res" "$name: $case_name"
	done </tmp/tap
	case $rc in
	0) emit ok "$name: exit status 0" ;;
	124|143) emit "not ok" "$name: timed out after ${T}s" ;;
	*) emit "not ok" "$name: exit status $rc" ;;
	esac
}

run_scenario() {
	s=$1
	name=scenario/$(basename "$s")
	# the last one restarts every image the others left: three times as long
	t=$T
	case "$name" in scenario/zz-*) t=$((T * 3)) ;; esac
	(cd /tmp && CKPT_TEST_TIMEOUT=$t timeout "$t" "$s") >/tmp/out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/out
	case $rc in
	0) emit ok "$name" ;;
	124|143) emit "not ok" "$name (timed out after ${t}s)" ;;
	*) emit "not ok" "$name (exit status $rc)" ;;
	esac
}

# On a kernel with kmemleak (the debug kernel): one result saying
# whether the run leaked kernel memory.  Objects younger than 5 s are
# not reported, so scan twice, a little apart.
kmemleak_scan() {
	k=/sys/kernel/debug/kmemleak
	[ -e $k ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	[ -e $k ] || return 0
	echo scan >$k
	sleep 6
	echo scan >$k
	if [ -s $k ]; then
		sed 's/^/# /' $k | head -200
		emit "not ok" "leak scan: the run leaked kernel memory (objects above)"
	else
		emit ok "leak scan: the run leaked no kernel memory"
	fi
}

echo "TAP version 13"
# Every image a kselftest's successful checkpoint() writes to a file or
# memfd is also kept there (ckpt_helpers.h), for the last scenario,
# zz-restart-every-image, which restarts every image left in /tmp.
export CKPT_KEEP_IMAGES=/tmp/selftest-images
mkdir -p "$CKPT_KEEP_IMAGES"
chmod 1777 "$CKPT_KEEP_IMAGES"
for bin in /tests/selftests/*; do
	[ -f "$bin" ] && [ -x "$bin" ] && run_selftest "$bin"
done
# The scenarios of /tests/vm/debug-scenarios need the debug kernel (fault
# injection): they run when CKPT_SCENARIOS names them, as the debug lane
# does, and never by default.
for s in /tests/vm/scenarios/* /tests/vm/debug-scenarios/*; do
	[ -f "$s" ] && [ -x "$s" ] || continue
	case "$s:$SCENARIOS" in
	/tests/vm/debug-scenarios/*:) continue ;;
	esac
	if [ -n "$SCENARIOS" ]; then
		case " $SCENARIOS " in
		*" $(basename "$s" .sh) "*) ;;
		*) continue ;;
		esac
	fi
	run_scenario "$s"
done
kmemleak_scan
echo "1..$n"
