# Shared helpers of the VM scenarios (busybox sh).  Source it.
BIN=${BIN:-/tests/bin}

# fail MESSAGE: say why the scenario fails, show what helps to see why
# (the last 40 lines of every file registered with show_on_fail, which
# start does for each program's DIR/out; /tmp/expect.out unless expect
# showed it as it is), and exit 1.
fail() {
	echo "FAIL: $*"
	for _fail_f in $on_fail_files; do
		[ -s "$_fail_f" ] || continue
		echo "last lines of $_fail_f:"
		tail -n 40 "$_fail_f" | tr -d '\r' | sed 's/^/  > /'
	done
	if [ "$(expect_sum)" != "$expect_shown" ]; then
		echo "/tmp/expect.out, not shown yet:"
		sed 's/^/  | /' /tmp/expect.out
	fi
	exit 1
}

# show_on_fail FILE...: fail() shows the last 40 lines of FILE, the
# output of a program the scenario started (paths without spaces).
on_fail_files=
show_on_fail() {
	for _fail_f in "$@"; do
		case " $on_fail_files " in
		*" $_fail_f "*) ;;
		*) on_fail_files="$on_fail_files $_fail_f" ;;
		esac
	done
}

# The checksum of /tmp/expect.out (empty if there is none), and that of
# the contents that were last shown (or there when the scenario began).
expect_sum() {
	[ -f /tmp/expect.out ] && md5sum </tmp/expect.out
}
expect_shown=$(expect_sum)

# expect STATUS PATTERN COMMAND...: run, show the output, check both.
expect() {
	want=$1 pattern=$2
	shift 2
	"$@" >/tmp/expect.out 2>&1
	rc=$?
	sed 's/^/  | /' /tmp/expect.out
	expect_shown=$(expect_sum)
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want"
	[ -z "$pattern" ] || grep -q -- "$pattern" /tmp/expect.out ||
		fail "'$*' did not say '$pattern'"
}

# start DIR PROGRAM ARGS...: run a test program in the background, its
# output appended to DIR/out (a restored process keeps writing there),
# wait until it created DIR/ready; sets $pid.
start() {
	d=$1
	shift
	rm -rf "$d"
	mkdir -p "$d"
	chmod 777 "$d"
	show_on_fail "$d/out"
	"$@" >>"$d/out" 2>&1 &
	pid=$!
	wait_ready "$d" "$*"
}

# wait_ready DIR WHAT: wait (30 s at most) until WHAT created DIR/ready.
wait_ready() {
	i=0
	while [ ! -e "$1/ready" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || fail "$2 did not get ready"
		sleep 0.1
	done
}

progress() {
	cat "$1/progress"
}

# retry_transient CMD...: CMD, run again (five times at most) while it
# fails saying "try again": the kernel refuses so a state that passes
# (a timer's signal on its way to a thread), and a user would try again.
retry_transient() {
	_n=1
	while :; do
		"$@" >/tmp/retry.out 2>&1
		_rc=$?
		cat /tmp/retry.out
		[ "$_rc" != 0 ] && [ "$_n" -lt 5 ] && grep -q "try again" /tmp/retry.out ||
			return "$_rc"
		_n=$((_n + 1))
		sleep 0.2
	done
}

# procs PROGRAM: the pids of every PROGRAM and restart process, on one line
procs() {
	for _p in /proc/[0-9]*; do
		case "$(readlink "$_p/exe" 2>/dev/null)" in
		*/"$1"|*/restart) echo "${_p#/proc/}" ;;
		esac
	done | sort -n | tr '\n' ' '
}

# procs_back PROGRAM BEFORE: wait (10 s at most) until procs PROGRAM is BEFORE again
procs_back() {
	_i=0
	while [ "$(procs "$1")" != "$2" ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "tasks left: $(procs "$1"), before: $2"
		sleep 0.1
	done
}

# still_running DIR PID: the process is alive and makes progress.
still_running() {
	kill -0 "$2" 2>/dev/null || fail "pid $2 died"
	a=$(progress "$1")
	sleep 0.5
	b=$(progress "$1")
	[ "$b" -gt "$a" ] || fail "pid $2 makes no progress ($a, then $b)"
}

# said DIR PATTERN: the program's output (DIR/out) contains PATTERN.
said() {
	sed 's/^/  > /' "$1/out"
	grep -q -- "$2" "$1/out" || fail "the program did not say '$2'"
}

# tree_of PID: PID and its descendants (zombies included), one per line.
tree_of() {
	echo "$1"
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		tree_of "$c"
	done
}

# child_of PID: the children of PID, on one line.
child_of() {
	echo $(cat /proc/"$1"/task/*/children 2>/dev/null)
}

# Terminals (ptyrun): type_line DIR FIFO LINE types LINE on the terminal
# that ptyrun (pid $prun) relays from DIR/FIFO; shown DIR FILE PATTERN
# waits (10 s at most) until the terminal's output DIR/FILE shows
# PATTERN; show DIR FILE prints that output.
type_line() {
	kill -0 "$prun" 2>/dev/null || fail "ptyrun ($2) is gone"
	echo "$3" >"$1/$2"
}

shown() {
	i=0
	until tr -d '\r' <"$1/$2" | grep -q -- "$3"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { show "$1" "$2"; fail "the terminal did not show '$3'"; }
		sleep 0.1
	done
}

show() {
	tr -d '\r' <"$1/$2" | sed 's/^/  > /'
}

# ns_ids ROOT: "pid:ppid:pgid:sid" as seen inside ROOT's pid namespace,
# for every task of ROOT's tree (ROOT's parent, outside, as 0), sorted.
ns_ids() {
	for p in $(tree_of "$1"); do
		pp=0
		[ "$p" = "$1" ] || pp=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status")
		[ "$pp" = 0 ] || pp=$(awk '/^NSpid:/ { print $NF }' "/proc/$pp/status")
		awk -v pp="$pp" '
			/^NSpid:/ { pid = $NF }
			/^NSpgid:/ { pgid = $NF }
			/^NSsid:/ { sid = $NF }
			END { print pid ":" pp ":" pgid ":" sid }
		' "/proc/$p/status"
	done | sort -n | tr '\n' ' '
}

# restart_pidns IMAGE: restart --pidns in the background; sets $rpid
# (restart) and, once restart created it and a second passed, $root.
restart_pidns() {
	restart --pidns -i "$1" &
	rpid=$!
	i=0
	while [ -z "$(child_of "$rpid")" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "restart --pidns created no task"
		sleep 0.1
	done
	root=$(child_of "$rpid")
	restored "$root"
}

# restored PID: wait (20 s at most) until restart restored PID, its
# child: restart() returns once every task of the tree committed its
# state, and then restart waits for PID in wait4(), system call 61 on
# x86_64.
restored() {
	i=0
	until restored_now "$1"; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "pid $1 was not restored within 20 s"
		sleep 0.1
	done
}

# stop_after_progress DIR PID SAVED: in the background, once PID is
# restored and DIR/progress went past SAVED (30 s at most: restoring may
# take over a second), half a second more, then DIR/stop
stop_after_progress() {
	(restored "$2"
	 _i=0
	 while [ "$(progress "$1")" -le "$3" ] && [ $_i -lt 300 ]; do
		_i=$((_i + 1))
		sleep 0.1
	 done
	 sleep 0.5
	 touch "$1/stop") &
}

restored_now() {
	pp=$(awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$pp" ] && [ "$pp" != 0 ] || return 1
	read -r nr rest <"/proc/$pp/syscall" 2>/dev/null || return 1
	[ "$nr" = 61 ]
}

# restart_inspect IMAGE DIR PID COMMAND...: restart IMAGE (expecting
# status 0); once PID is restored, COMMAND's output goes to DIR/after and
# DIR/stop tells the program to end.  Sets $after.
restart_inspect() {
	ri_img=$1 ri_dir=$2 ri_pid=$3
	shift 3
	(restored "$ri_pid"; "$@" >"$ri_dir/after"; touch "$ri_dir/stop") &
	expect 0 "" restart -i "$ri_img"
	after=$(cat "$ri_dir/after")
}

# same BEFORE AFTER WHAT: fail, showing both, unless they are equal.
same() {
	[ "$1" = "$2" ] && return
	echo "before:"; echo "$1"
	echo "after:"; echo "$2"
	fail "$3 differ after restart"
}

# gone PID...: wait (10 s at most) until none of the pids exists.
gone() {
	i=0
	for p in "$@"; do
		while [ -d "/proc/$p" ]; do
			i=$((i + 1))
			[ $i -lt 100 ] || fail "pid $p is left: $(cat "/proc/$p/stat")"
			sleep 0.1
		done
	done
}

# fault_injection_on: FAILSLAB and FAIL_PAGE_ALLOC (debug kernel) armed
# for sleeping allocations too, silently, for the tasks that ask for a
# fault (/proc/thread-self/fail-nth); set back when the scenario exits.
fault_injection_on() {
	_dbg=/sys/kernel/debug
	[ -d $_dbg/failslab ] || mount -t debugfs none $_dbg 2>/dev/null
	[ -d $_dbg/failslab ] || fail "no $_dbg/failslab: this kernel has no FAILSLAB"
	[ -e /proc/self/fail-nth ] || fail "no /proc/self/fail-nth: this kernel has no fault injection"
	for _f in failslab fail_page_alloc; do
		echo N >$_dbg/$_f/ignore-gfp-wait || fail "cannot set $_f/ignore-gfp-wait"
		echo 0 >$_dbg/$_f/verbose
	done
	trap 'for _f in failslab fail_page_alloc; do echo Y >$_dbg/$_f/ignore-gfp-wait; done' EXIT
}
