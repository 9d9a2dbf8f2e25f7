#!/bin/sh
# The whole test suite: builds what is missing, then runs the userspace
# unit tests, the patch series checks, and, in a QEMU VM booting the
# freshly built kernel, the kselftests and the VM scenarios; then the
# same VM run again on the debug kernel (KASAN, UBSAN, KFENCE, lockdep,
# kmemleak: Kbuild-overlay/configs/vm-$ARCH-debug.config), whose results
# are named "debug: ...", and a short fuzzing campaign of restart() there.  Every result is one line; the last line is
# "N passed, N failed".
#
# usage: tests/run.sh          (ARCH=x86_64 by default)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"

mkdir -p "$BUILD"
results=$BUILD/test-results-$ARCH.txt
logs=$BUILD/test-logs-$ARCH
rm -rf "$logs"
mkdir -p "$logs"
: >"$results"

lane=""	# "debug: " while the debug kernel's results come in

record() { # PASS|FAIL name
	echo "$1 $lane$2" >>"$results"
	echo "$1 $lane$2"
}

# Read TAP from stdin; comment lines go to the log file $1.  The block
# of comment lines before a result line is that test's output (a
# kselftest prints its whole output, then one line per case): for a
# "not ok", its last 40 lines are kept in $details, shown at the end.
details=$logs/failure-details.txt
: >"$details"
tap() {
	block=$logs/block.out
	: >"$block"
	fresh=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*)
			record PASS "$(echo "$line" | sed -E 's/^ok [0-9]+ (- )?//')"
			fresh=1
			;;
		"not ok "*)
			name=$(echo "$line" | sed -E 's/^not ok [0-9]+ (- )?//')
			record FAIL "$name"
			{
				echo "--- output of $name (last 40 lines)"
				tail -40 "$block"
			} >>"$details"
			fresh=1
			;;
		*)
			echo "$line" >>"$1"
			[ "$fresh" = 1 ] && : >"$block"
			fresh=0
			echo "$line" >>"$block"
			;;
		esac
	done
	rm -f "$block"
}

# A build step: its output goes to a log, shown when it fails.
step() { # name command...
	name=$1
	shift
	if "$@" >"$logs/$name.log" 2>&1; then
		record PASS "build: $name"
		return 0
	fi
	tail -40 "$logs/$name.log"
	record FAIL "build: $name (log: $logs/$name.log)"
	return 1
}

# ctest prints "  3/72 Test  #3: Suite.Case ......   Passed    0.01 sec".
unit_tests() {
	ctest --test-dir "$BUILD/userspace" --timeout 120 >"$logs/unit.log" 2>&1
	sed -nE 's/^ *[0-9]+\/[0-9]+ +Test +#[0-9]+: ([^ ]+) \.+ *(\*\*\*)?([A-Za-z]+).*/\3 \1/p' \
		"$logs/unit.log" | while read -r status name; do
		if [ "$status" = Passed ]; then
			record PASS "unit: $name"
		else
			record FAIL "unit: $name ($status)"
		fi
	done
	grep -q "tests passed" "$logs/unit.log" || record FAIL "unit: ctest did not finish (log: $logs/unit.log)"
}

# The debug kernel runs every kselftest (but the one case that needs the
# target to spend most of its time in a user-mode loop, which a KASAN
# kernel's slower system calls make unlikely) and these scenarios: the
# objects of this wave (shared memory, shared tables, stopped tasks,
# reopened pipes), every refusal, and hostile images from an
# unprivileged user.  The whole suite takes over 40 minutes there.
DEBUG_SCENARIOS="refuse-unsupported restore-namespaces restore-sysv-sem restore-shared-memory restore-shared-files restore-memfd restore-deleted-files restore-sigio restore-shared-tables restore-stopped restore-pipe-reopened restore-pty restore-eventfds restore-timerfds restore-inotify restore-posix-timers restore-eventloop restore-locks restore-fifos restore-unix-pairs restore-unix-sockets restore-netlink restore-inet-sockets restore-tcp-outside-peer restart-changed-files hostile-image-unprivileged checkpoint-faults restart-faults"
DEBUG_SELFTEST_ARGS="-T spin.restore"

# vm_tests [FLAVOR]: the VM run on the test kernel, or on the FLAVOR one.
vm_tests() {
	suffix=${1:+-$1}
	console=$logs/console$suffix.log
	cmd=/tests/vm/run-in-vm.sh
	[ "${1:-}" = debug ] &&
		cmd="CKPT_TEST_TIMEOUT=900 CKPT_SCENARIOS='$DEBUG_SCENARIOS' CKPT_SELFTEST_ARGS='$DEBUG_SELFTEST_ARGS' $cmd"
	KFLAVOR=${1:-} VMDIR=$BUILD/vm-$ARCH$suffix "$ROOT/scripts/vm-run.sh" \
		--timeout 3000 --console "$console" \
		--add "$BUILD/selftests-$ARCH:/tests/selftests" \
		--add "$BUILD/vm-tests-$ARCH:/tests/bin" \
		--add "$ROOT/tests/vm:/tests/vm" \
		-- "$cmd" >"$logs/vm$suffix.out" 2>&1
	rc=$?
	tap "$logs/vm$suffix.log" <"$logs/vm$suffix.out"
	if [ "$rc" = 0 ]; then
		record PASS "vm: test run finished"
	else
		tail -20 "$logs/vm$suffix.out"
		record FAIL "vm: test run finished (status $rc, console: $console)"
	fi
	if "$ROOT/tests/host/console-scan.sh" "$console"; then
		record PASS "vm: kernel console has no warning, BUG, oops, panic or sanitizer report"
	else
		record FAIL "vm: kernel console has no warning, BUG, oops, panic or sanitizer report"
	fi
}

"$ROOT/scripts/install-deps.sh" || { echo "installing the dependencies failed" >&2; exit 2; }

kernel_ok=0
step kernel-prepare "$ROOT/scripts/kernel-prepare.sh" &&
	step kernel "$ROOT/scripts/kernel-build.sh" &&
	step selftests "$ROOT/scripts/selftests-build.sh" &&
	step vm-programs "$ROOT/scripts/vm-tests-build.sh" && kernel_ok=1
user_ok=0
step userspace "$ROOT/scripts/userspace-build.sh" && user_ok=1

[ "$user_ok" = 1 ] && unit_tests
[ -f "$KTREE/.ckpt/base" ] && "$ROOT/tests/host/patchset.sh" | tap "$logs/patchset.log"
if [ "$kernel_ok" = 1 ] && [ "$user_ok" = 1 ]; then
	vm_tests
else
	record FAIL "vm: not run, a build failed"
fi

# fuzz_ci: a short fuzzing campaign of fixed seed on the debug kernel
# (about a thousand images, at most 25 minutes; a tenth of them restarted
# with a kernel allocation failing): no kernel problem, hang or leak.
fuzz_ci() {
	KFLAVOR=debug VMDIR=$BUILD/vm-fuzz-ci-$ARCH FUZZ_OUT=$BUILD/fuzz-ci-$ARCH \
		"$ROOT/scripts/fuzz.sh" --count 1000 --duration 1500 --seed 1 >"$logs/fuzz.out" 2>&1
	rc=$?
	summary=$(grep '^fuzz: [0-9]* images' "$logs/fuzz.out" | tail -1)
	if [ "$rc" = 0 ]; then
		record PASS "fuzz: restart() of mutated images, seed 1: no kernel problem, hang or leak (${summary#fuzz: })"
	else
		{
			grep -E '^ckptfuzz: #[0-9]+[ :]' "$logs/fuzz.out"
			tail -30 "$logs/fuzz.out"
		} >>"$details"
		record FAIL "fuzz: restart() of mutated images, seed 1 (status $rc: ${summary:-no summary}; see $logs/fuzz.out)"
	fi
}

# The same on the debug kernel, and the fuzzing campaign.
lane="debug: "
if step kernel-debug env KFLAVOR=debug "$ROOT/scripts/kernel-build.sh" &&
	[ "$kernel_ok" = 1 ] && [ "$user_ok" = 1 ]; then
	vm_tests debug
	fuzz_ci
else
	record FAIL "vm: not run, a build failed"
fi
lane=""

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
if [ "$failed" -gt 0 ]; then
	echo
	cat "$details"
	echo
	echo "failed:"
	grep '^FAIL ' "$results" | sed 's/^FAIL /  /'
fi
echo "logs: $logs"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
