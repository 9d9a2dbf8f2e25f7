#!/bin/sh
# Runs inside the VM (make bench, from bench-in-vm.sh): our checkpoint
# and restart against Debian's criu, side by side on the same kernel in
# the same boot.  For each case (16, 64 and 256 MiB of touched anonymous
# memory; a process of 1 MiB, the fixed cost; trees of 10 and 100
# processes; a process of 100 threads) it alternates runs, ours then
# CRIU's, $RUNS times each, and prints the medians and the ratio
# ours / CRIU on one "bench: vs CRIU:" line.
# usage: criu-vs-ours.sh [CASE...] (see the end; RUNS=N: runs of each;
# VERBOSE=1: every run's figures too)
#
# Both measure the same thing:
#   checkpoint: wall time of `checkpoint --subtree --kill PID -o IMG`
#     against `criu dump -t PID -D DIR` (which kills the tree after the
#     dump by default);
#   restart: from the start of `restart -i IMG` against `criu restore -d
#     -D DIR` until the restored root runs again (it writes a timestamp
#     to DIR/progress every 5 ms).
# Every benchmark process runs in a session of its own with its stdio on
# /dev/null (criu refuses a tree whose session leader is outside it), for
# both tools alike.  The image (file or folder) is on tmpfs, as the
# process's DIR is, and deleted after each run.  criu's log is its
# default (level 2: errors and warnings); `criu check` runs once first,
# so that criu's kernel-feature cache (/run/criu.kdat) is warm, as on
# any machine where criu ran once since boot.
B=/tests/bench
RUNS=${RUNS:-5}
CRIU=${CRIU:-/usr/sbin/criu}
ms() { echo $((($2 - $1) / 1000000)); }

if [ ! -x "$CRIU" ]; then
	echo "bench: vs CRIU: $CRIU missing, skipped"
	exit 0
fi
ip link set lo up 2>/dev/null
chk=$($CRIU check 2>&1)
echo "bench: vs CRIU: criu $($CRIU --version | sed -n 's/^Version: *//p'), criu check: $(echo "$chk" | tail -n 1)"
[ "$(echo "$chk" | tail -n 1)" = "Looks good." ] ||
	echo "$chk" | tail -n 10 | sed 's/^/bench: vs CRIU: criu check: /'

# gone PID: PID no longer exists or is a zombie.
gone() {
	s=$(cut -d' ' -f3 /proc/$1/stat 2>/dev/null)
	[ -z "$s" ] || [ "$s" = Z ]
}

# start DIR PROG ARGS...: starts the benchmark program (whose arguments
# name DIR) in a session of its own and waits until it is ready; sets
# $pid.
start() {
	d=$1
	shift
	rm -rf $d
	mkdir -p $d
	setsid "$@" </dev/null >/dev/null 2>&1 &
	pid=$!
	while [ ! -s $d/progress ]; do
		if gone $pid; then
			echo "bench: vs CRIU: $* did not start"
			return 1
		fi
		sleep 0.05
	done
}

# restored DIR T RCFILE: spins until the restored root wrote a timestamp
# at or after T to DIR/progress; fails if the restoring tool exited
# with an error first (its status is written to RCFILE).
restored() {
	while [ "$(cat $1/progress)" -lt "$2" ]; do
		if [ -s $3 ] && [ "$(cat $3)" != 0 ]; then
			return 1
		fi
	done
}

# stop DIR PID: makes the (restored) tree exit and waits until its root
# is gone.
stop() {
	touch $1/stop
	while ! gone $2; do sleep 0.05; done
}

# run_ours DIR: checkpoint --kill and restart of the tree rooted at $pid;
# sets $ckpt and $rst (ms), or fails.
run_ours() {
	t0=$($B/now)
	if ! checkpoint --subtree --kill $pid -o $1/img 2>$1/ckpt.log; then
		tail -n 5 $1/ckpt.log | sed 's/^/bench: vs CRIU: checkpoint: /'
		kill -9 $pid
		wait $pid 2>/dev/null
		return 1
	fi
	t1=$($B/now)
	wait $pid 2>/dev/null
	sleep 0.5 # killed children go away
	t2=$($B/now)
	{ restart -i $1/img 2>$1/rst.log; echo $? >$1/rst.rc; } &
	rpid=$!
	if ! restored $1 $t2 $1/rst.rc; then
		tail -n 5 $1/rst.log | sed 's/^/bench: vs CRIU: restart: /'
		wait $rpid
		return 1
	fi
	t3=$($B/now)
	stop $1 $pid
	wait $rpid
	ckpt=$(ms $t0 $t1)
	rst=$(ms $t2 $t3)
}

# run_criu DIR: criu dump and criu restore -d of the tree rooted at $pid;
# sets $ckpt and $rst (ms), or fails.
run_criu() {
	mkdir -p $1/img
	t0=$($B/now)
	if ! $CRIU dump -t $pid -D $1/img -o dump.log; then
		tail -n 5 $1/img/dump.log | sed 's/^/bench: vs CRIU: criu dump: /'
		kill -9 $pid
		wait $pid 2>/dev/null
		return 1
	fi
	t1=$($B/now)
	wait $pid 2>/dev/null
	sleep 0.5 # killed children go away
	t2=$($B/now)
	{ $CRIU restore -d -D $1/img -o restore.log; echo $? >$1/rst.rc; } &
	rpid=$!
	if ! restored $1 $t2 $1/rst.rc; then
		tail -n 5 $1/img/restore.log | sed 's/^/bench: vs CRIU: criu restore: /'
		wait $rpid
		return 1
	fi
	t3=$($B/now)
	wait $rpid
	stop $1 $pid
	ckpt=$(ms $t0 $t1)
	rst=$(ms $t2 $t3)
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
# ratio A B: A / B with two decimals
ratio() {
	b=$2
	[ "$b" -gt 0 ] || b=1
	r=$((($1 * 100 + b / 2) / b))
	printf '%d.%02d' $((r / 100)) $((r % 100))
}

# bench WHAT PROG ARGS...: $RUNS alternating runs of ours and CRIU's on
# fresh copies of the program (its arguments name $d); one bench line.
bench() {
	what=$1
	shift
	oc='' orr='' cc='' cr='' ofail='' cfail=''
	i=0
	while [ $i -lt $RUNS ]; do
		i=$((i + 1))
		if start $d "$@" && run_ours $d; then
			oc="$oc $ckpt" orr="$orr $rst"
		else
			ofail=1
			stop $d $pid
			sleep 0.5 # the children see DIR/stop
		fi
		rm -rf $d
		if start $d "$@" && run_criu $d; then
			cc="$cc $ckpt" cr="$cr $rst"
		else
			cfail=1
			stop $d $pid
			sleep 0.5
		fi
		rm -rf $d
	done
	if [ -n "$ofail" ]; then
		echo "bench: vs CRIU: $what: ours failed"
	elif [ -n "$cfail" ]; then
		echo "bench: vs CRIU: $what: criu failed"
	else
		[ -n "${VERBOSE:-}" ] &&
			echo "bench: vs CRIU: $what: runs: checkpoint$oc /$cc ms, restart$orr /$cr ms"
		# shellcheck disable=SC2086
		oc=$(median $oc) orr=$(median $orr) cc=$(median $cc) cr=$(median $cr)
		echo "bench: vs CRIU: $what: checkpoint $oc / $cc ms = $(ratio $oc $cc), restart $orr / $cr ms = $(ratio $orr $cr) (medians of $RUNS)"
	fi
}

# criu-vs-ours.sh [CASE...]: the cases (default: all) among 16 64 256
# (MiB), 1 10 100 (processes) and 100t (threads).
[ $# -gt 0 ] || set -- 16 64 256 1 10 100 100t
for c in "$@"; do
	case $c in
	100t)
		d=/tmp/vs-criu-threads
		bench "process of 100 threads" $B/forkn 100 $d threads ;;
	1)
		d=/tmp/vs-criu-tree-1
		bench "1 process of 1 MiB" $B/forkn 1 $d ;;
	10 | 100)
		d=/tmp/vs-criu-tree-$c
		bench "tree of $c" $B/forkn $c $d ;;
	*)
		d=/tmp/vs-criu-$c
		bench "$c MiB" $B/memhog $c $d ;;
	esac
done
