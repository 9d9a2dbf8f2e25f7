#!/bin/sh
# Processes stopped by job control stay stopped across a checkpoint and
# restart, their parent's wait() view intact.  stopper's parent P has
# three children: C1 stopped by SIGSTOP, its stop taken by P's
# waitpid(WUNTRACED); C2 stopped by SIGTSTP, its stop not waited for;
# C3, of 3 threads, stopped by SIGSTOP and waited for.  A checkpoint
# without --kill leaves them stopped and P running; ckptinfo shows the
# three STOPPED, C1 and C3 STOP_WAITED, C2 "stopped by TSTP".  After
# a restart, P finds them stopped (state T, every thread), waitpid()
# reports C2's stop and nothing for C1 and C3, SIGCONT resumes each
# (waitpid(WCONTINUED) says so) and their counters move again.  For a
# glibc static, a musl static and a dynamically linked build.  Then a
# lone process stopped by `kill -STOP` (its parent, this shell, did not
# wait for the stop) comes back stopped from restart --detach and runs
# again after SIGCONT.
. /tests/vm/lib.sh

# pids_of ROOT: the pids of ROOT's tree, sorted, on one line
pids_of() {
	tree_of "$1" | sort -n | tr '\n' ' '
}

# state_of STATFILE: the state letter in a /proc/.../stat file
state_of() {
	sed 's/.*) //' "$1" 2>/dev/null | cut -d' ' -f1
}

# thread_states PID...: "tid:state" of every thread of each PID, on one line
thread_states() {
	for p in "$@"; do
		for t in /proc/"$p"/task/*; do
			echo "${t##*/}:$(state_of "$t/stat")"
		done
	done | tr '\n' ' '
}

# all_stopped WHEN PID...: every thread of each PID is in state T
all_stopped() {
	when=$1
	shift
	s=$(thread_states "$@")
	for ts in $s; do
		[ "${ts#*:}" = T ] || fail "$when: not every thread is stopped (tid:state): $s"
	done
	[ "$(echo $s | wc -w)" = 5 ] || fail "$when: not the 5 threads of C1, C2, C3: $s"
}

# tree_line INFO PID: ckptinfo's tree line of the process PID
tree_line() {
	grep -E "(^|[^p])pid $2  ppid " "$1" | head -n 1
}

# has INFO PID WHAT PATTERN: the tree line of PID matches PATTERN (ERE)
has() {
	tree_line "$1" "$2" | grep -Eq -- "$4" ||
		fail "ckptinfo's tree line of $3 ($2) lacks '$4': $(tree_line "$1" "$2")"
}

# lacks INFO PID WHAT PATTERN: the tree line of PID does not match PATTERN (ERE)
lacks() {
	tree_line "$1" "$2" | grep -Eq -- "$4" &&
		fail "ckptinfo's tree line of $3 ($2) has '$4': $(tree_line "$1" "$2")"
	return 0
}

# tree_of_image IMAGE: ckptinfo IMAGE to IMAGE.info; show its tree lines
tree_of_image() {
	ckptinfo "$1" >"$1.info" 2>&1 || { cat "$1.info"; fail "ckptinfo $1 failed"; }
	grep -E "(^|[^p])pid [0-9]+  (tgid [0-9]+  )?ppid " "$1.info" | sed 's/^ */  | /'
}

# stops_shown IMAGE: ckptinfo shows the stops of C1, C2, C3, none for P
stops_shown() {
	tree_of_image "$1"
	info=$1.info
	[ -n "$(tree_line "$info" "$pid")" ] || fail "ckptinfo shows no tree line for P ($pid)"
	lacks "$info" "$pid" P STOPPED
	has "$info" "$c1" C1 "STOPPED[|]STOP_WAITED"
	has "$info" "$c1" C1 "stopped by (SIG)?STOP, its parent waited for it"
	has "$info" "$c2" C2 "STOPPED"
	lacks "$info" "$c2" C2 "STOP_WAITED"
	has "$info" "$c2" C2 "stopped by (SIG)?TSTP"
	lacks "$info" "$c2" C2 "waited"
	has "$info" "$c3" C3 "STOPPED[|]STOP_WAITED"
	has "$info" "$c3" C3 "stopped by (SIG)?STOP, its parent waited for it"
}

# inspect ROOT: once restored, the children's thread states to
# DIR/states; the pids of ROOT's tree
inspect() {
	thread_states $c1 $c2 $c3 >"$d/states"
	pids_of "$1"
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/stopped-$v
	start "$d" "$BIN/$v/stopper" "$d"
	read -r c1 c2 c3 <"$d/pids"
	before=$(pids_of "$pid")
	echo "tree of $pid: $before (C1 $c1, C2 $c2, C3 $c3)"
	[ "$before" = "$(echo "$pid $c1 $c2 $c3" | tr ' ' '\n' | sort -n | tr '\n' ' ')" ] ||
		fail "$v: the tree is not P and its 3 children"
	all_stopped "$v, before the checkpoint" "$c1" "$c2" "$c3"

	expect 0 "" checkpoint --subtree "$pid" -o "$d/img0"
	still=$(pids_of "$pid")
	[ "$still" = "$before" ] || fail "$v: the tree changed after a checkpoint: $still"
	all_stopped "$v, after a checkpoint without --kill" "$c1" "$c2" "$c3"
	still_running "$d" "$pid"
	all_stopped "$v, 0.5 s after a checkpoint without --kill" "$c1" "$c2" "$c3"
	stops_shown "$d/img0"

	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	stops_shown "$d/img"

	restart_inspect "$d/img" "$d" "$pid" inspect "$pid"
	said "$d" "stopped tasks intact"
	same "$before" "$after" "$v: the pids"
	states=$(cat "$d/states")
	echo "restored, before SIGCONT (tid:state): $states"
	for ts in $states; do
		[ "${ts#*:}" = T ] || fail "$v: a restored child is not stopped (tid:state): $states"
	done
	[ "$(echo $states | wc -w)" = 5 ] || fail "$v: the restored children have not 5 threads: $states"
	echo "$v: the stopped children came back stopped, the wait reports as they were"
done

# A lone process stopped by kill -STOP, its parent (this shell) not
# having waited for the stop; restart --detach.
d=/tmp/stopped-lone
rm -rf "$d"
mkdir -p "$d"
show_on_fail "$d/out"
"$BIN/glibc-static/ticker" 100000 >>"$d/out" 2>&1 &
tpid=$!
sleep 1
kill -STOP "$tpid"
i=0
until [ "$(state_of "/proc/$tpid/stat")" = T ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "ticker $tpid did not stop on SIGSTOP"
	sleep 0.1
done
expect 0 "" checkpoint --kill --subtree "$tpid" -o "$d/img"
wait "$tpid"
tree_of_image "$d/img"
has "$d/img.info" "$tpid" ticker STOPPED
has "$d/img.info" "$tpid" ticker "stopped by (SIG)?STOP"
lines=$(wc -l <"$d/out")

restart --detach -i "$d/img" >"$d/pid" 2>"$d/err" || {
	cat "$d/err"
	fail "restart --detach of the stopped ticker failed"
}
cat "$d/err"
[ "$(cat "$d/pid")" = "$tpid" ] || fail "restart --detach printed '$(cat "$d/pid")', not $tpid"
st=$(state_of "/proc/$tpid/stat")
[ "$st" = T ] || fail "the restored ticker is in state '$st', not T"
sleep 1
st=$(state_of "/proc/$tpid/stat")
[ "$st" = T ] || fail "the restored ticker is in state '$st' a second later, not T"
[ "$(wc -l <"$d/out")" = "$lines" ] || fail "the restored ticker ticked while stopped"
echo "restored ticker $tpid: state T, no tick in a second"

kill -CONT "$tpid"
i=0
while [ "$(wc -l <"$d/out")" -le "$lines" ]; do
	i=$((i + 1))
	[ $i -lt 30 ] || fail "the ticker does not tick 3 s after SIGCONT (state $(state_of "/proc/$tpid/stat"))"
	sleep 0.1
done
st=$(state_of "/proc/$tpid/stat")
[ "$st" != T ] || fail "the ticker ticks but is in state T after SIGCONT"
tail -n 2 "$d/out" | sed 's/^/  > /'
kill "$tpid"
gone "$tpid"
echo "the lone stopped process came back stopped and went on after SIGCONT"
