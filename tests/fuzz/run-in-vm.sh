#!/bin/sh
# Runs inside the test VM (scripts/fuzz.sh): makes seed images from real
# process trees, then runs ckptfuzz on them.
#
# usage: run-in-vm.sh COUNT SEED DURATION [START [CKPTFUZZ OPTION...]]
#        run-in-vm.sh --replay [CKPTFUZZ OPTION...] IMAGE...
#   COUNT images at most (0: no limit), DURATION seconds at most (0: no
#   limit), iterations numbered from START (default 0), --seed SEED; the
#   options that follow go to ckptfuzz (e.g. --timeout 30).  --replay
#   makes the seeds (the files and directories the images name exist
#   again) and runs each IMAGE once as it is (ckptfuzz --replay).
#
# Seeds (the VM test programs, checkpointed with the checkpoint tool and
# killed): one process (counter glibc-static and dynamic, sigstate,
# pipereopen), a tree with a zombie, sessions and groups (forktree),
# threads (threads), shared anonymous memory (shmtree), shared fd tables
# and fs (sharetables), a pseudo-terminal of the tree's own with input in
# both directions and a session on it (ptytree), eventfds and a signalfd
# (eventfds), timerfds of every kind (timerfds), an epoll event loop
# (eventloop), POSIX, OFD and flock() locks (locks), UNIX socket pairs
# (unixpairs), bound, listening and accepted UNIX sockets (unixsocks), inotify instances with watches and queued events
# (inotify), POSIX timers of four clocks, one aimed at a thread, one with
# its signal pending (ptimers), TCP and UDP sockets of IPv4 and IPv6 with
# two established connections and 1.3 MB in flight (inetsocks), seven
# memfds with seals, shared and private mappings (memfds), seven deleted
# files, an O_TMPFILE one among them (deleted), a tree in UTS and IPC
# namespaces of its own, a child in another UTS namespace, six System V
# shared memory segments (namespaces, format 1.11), System V semaphore
# sets in an IPC namespace of the tree's own, with SEM_UNDO adjustments
# and a child blocked in semop() (sysvsem, format 1.11), a shell pipeline with
# bytes in its pipe,
# and a container (forktree as the init of a pid namespace).  A seed that
# cannot be made is skipped, said so.
#
# Prints ckptfuzz's lines (one per image, then its summary).  The
# mutants that hung or preceded a kernel problem are printed after
# "CKPTFUZZ-KEPT name", gzip'ed and base64-encoded, up to
# "CKPTFUZZ-KEPT-END", for scripts/fuzz.sh to save.  On a kernel with
# kmemleak, a scan at the end reports the leaks.  Exit status: 0, 1 when
# a mutant hung, the kernel reported a problem or leaked, 2 when no seed
# could be made or ckptfuzz could not run.  The host scans the console.
REPLAY=0
if [ "${1:-}" = --replay ]; then
	REPLAY=1
	shift
else
	COUNT=${1:-300}
	SEED=${2:-1}
	DURATION=${3:-0}
	START=${4:-0}
	if [ $# -gt 4 ]; then shift 4; else set --; fi
fi
BIN=${BIN:-/tests/bin}
FUZZ=${FUZZ:-/fuzz}
S=/tmp/fuzz-seeds
W=/tmp/fuzz-work
OUT=/tmp/fuzz-out
rm -rf "$S" "$W" "$OUT"
mkdir -p "$S" "$W" "$OUT"

# wait_file FILE: wait (30 s at most) until FILE exists.
wait_file() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
		sleep 0.1
	done
}

# children PID: the children of PID, on one line.
children() {
	echo $(cat /proc/"$1"/task/*/children 2>/dev/null)
}

# kill_tree PID: kills PID and the processes below it.
kill_tree() {
	for c in $(children "$1"); do
		kill_tree "$c"
	done
	kill -KILL "$1" 2>/dev/null
}

# snap NAME PID [--subtree]: checkpoint PID's tree (killing it) into NAME.img;
# a tree the checkpoint refuses is killed too.
snap() {
	name=$1 target=$2
	shift 2
	if checkpoint --kill "$@" "$target" -o "$S/$name.img" >"$W/$name.ckpt.out" 2>&1; then
		echo "seed $name: $(wc -c <"$S/$name.img") bytes"
	else
		echo "seed $name: checkpoint failed:"
		sed 's/^/  /' "$W/$name.ckpt.out"
		rm -f "$S/$name.img"
		kill_tree "$target"
	fi
}

# seed NAME PROGRAM [ARG...]: run a test program (PROGRAM DIR ARG...)
# until it is ready, then snap it.
# wanted NAME: the seed is to be made (CKPT_FUZZ_ONLY, when set, names
# the only ones: scripts/fuzz.sh --only)
wanted() {
	[ -z "${CKPT_FUZZ_ONLY:-}" ] && return 0
	case " $CKPT_FUZZ_ONLY " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

seed() {
	name=$1 prog=$2
	shift 2
	wanted "$name" || return 0
	d=$W/$name
	mkdir -p "$d"
	chmod 777 "$d"
	if [ ! -x "$prog" ]; then
		echo "seed $name: $prog missing, skipped"
		return
	fi
	"$prog" "$d" "$@" >>"$d/out" 2>&1 &
	p=$!
	if wait_file "$d/ready"; then
		snap "$name" "$p" --subtree
	else
		echo "seed $name: $prog did not get ready, skipped"
		kill -KILL "$p"
	fi
	wait "$p" 2>/dev/null
}

# A pipeline of shells, with unread lines in its pipe.
seed_pipeline() {
	wanted pipeline || return 0
	d=$W/pipeline
	mkdir -p "$d"
	sh -c "while :; do echo line; sleep 0.05; done |
		(while read x; do echo \"\$x\" >>$d/out; sleep 0.15; done)" </dev/null >/dev/null 2>&1 &
	p=$!
	sleep 1.5
	snap pipeline "$p" --subtree
	wait "$p" 2>/dev/null
}

# A container: forktree as the init of a pid namespace, its files its own.
seed_container() {
	wanted container || return 0
	d=$W/container
	mkdir -p "$d"
	chmod 777 "$d"
	unshare -p -f sh -c "exec $BIN/glibc-static/forktree $d </dev/null >>$d/out 2>&1" &
	u=$!
	if wait_file "$d/ready"; then
		snap container "$(children "$u")"
	else
		echo "seed container: forktree did not get ready, skipped"
		kill -KILL "$u"
	fi
	wait "$u" 2>/dev/null
}

seed counter "$BIN/glibc-static/counter"
seed counter-dynamic "$BIN/dynamic/counter"
seed sigstate "$BIN/glibc-static/sigstate"
seed pipereopen "$BIN/glibc-static/pipereopen"
seed forktree "$BIN/glibc-static/forktree"
seed threads "$BIN/glibc-static/threads"
seed shmtree "$BIN/glibc-static/shmtree"
seed sharetables "$BIN/glibc-static/sharetables"
seed ptytree "$BIN/glibc-static/ptytree"
seed eventfds "$BIN/glibc-static/eventfds"
seed timerfds "$BIN/glibc-static/timerfds"
seed eventloop "$BIN/glibc-static/eventloop"
seed locks "$BIN/glibc-static/locks"
seed unixpairs "$BIN/glibc-static/unixpairs"
seed unixsocks "$BIN/glibc-static/unixsocks"
seed inotify "$BIN/glibc-static/inotify"
seed ptimers "$BIN/glibc-static/ptimers"
seed inetsocks "$BIN/glibc-static/inetsocks"
seed memfds "$BIN/glibc-static/memfds"
mkdir -p "$W/deleted-disk" && chmod 777 "$W/deleted-disk"
seed deleted "$BIN/glibc-static/deleted" "$W/deleted-disk"
seed namespaces "$BIN/glibc-static/namespaces"
seed sysvsem "$BIN/glibc-static/sysvsem"
seed_pipeline
seed_container

if [ "$REPLAY" = 1 ]; then
	"$FUZZ/ckptfuzz" --replay --work "$W/ckptfuzz" "$@"
	exit $?
fi
if [ -z "$(ls "$S")" ]; then
	echo "fuzz: no seed image could be made"
	exit 2
fi

# On a kernel with fault injection (the debug kernel), a share of the
# iterations (CKPT_FUZZ_FAULTS percent, default 10) restarts a seed with a
# kernel allocation failing instead of a mutation (ckptfuzz --faults):
# failslab and fail_page_alloc for sleeping allocations too, only in the
# tasks that ask for it (fail-nth, make-it-fail), silently.
faults=
dbg=/sys/kernel/debug
[ -d $dbg/failslab ] || mount -t debugfs none $dbg 2>/dev/null
if [ -e /proc/self/fail-nth ] && [ -d $dbg/failslab ] && [ -d $dbg/fail_page_alloc ] &&
	[ "${CKPT_FUZZ_FAULTS:-10}" != 0 ]; then
	for f in failslab fail_page_alloc; do
		echo N >$dbg/$f/ignore-gfp-wait
		echo Y >$dbg/$f/task-filter
		echo 0 >$dbg/$f/probability
		echo 0 >$dbg/$f/verbose
	done
	faults="--faults ${CKPT_FUZZ_FAULTS:-10}"
	echo "fuzz: ${CKPT_FUZZ_FAULTS:-10}% of the images restarted with a failing allocation"
fi

# shellcheck disable=SC2086
"$FUZZ/ckptfuzz" --seeds "$S" --count "$COUNT" --seed "$SEED" --duration "$DURATION" \
	--start "$START" --out "$OUT" --work "$W/ckptfuzz" $faults "$@"
rc=$?

# On a kernel with kmemleak (the debug kernel): did the campaign leak
# kernel memory?  Objects younger than 5 s are not reported: scan twice.
k=/sys/kernel/debug/kmemleak
[ -e $k ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ -e $k ]; then
	echo scan >$k
	sleep 6
	echo scan >$k
	if [ -s $k ]; then
		echo "fuzz: kmemleak: $(grep -c '^unreferenced object' $k) suspected leaks of kernel memory:"
		head -200 $k
		rc=1
	else
		echo "fuzz: the kernel's leak detector found no leak"
	fi
fi

# What hung or preceded a kernel problem, for the host to keep.
for txt in "$OUT"/hang-*.txt "$OUT"/problem-*.txt "$OUT"/toolcrash-*.txt; do
	[ -f "$txt" ] || continue
	img=${txt%.txt}.img
	echo "CKPTFUZZ-KEPT $(basename "$txt")"
	base64 <"$txt"
	echo "CKPTFUZZ-KEPT-END"
	if [ -f "$img" ]; then
		echo "CKPTFUZZ-KEPT $(basename "$img").gz"
		gzip -c <"$img" | base64
		echo "CKPTFUZZ-KEPT-END"
	fi
done
exit "$rc"
