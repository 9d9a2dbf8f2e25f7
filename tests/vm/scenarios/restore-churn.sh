#!/bin/sh
# Tasks exit while the checkpoint runs: a shell forks a subshell that
# exits at once, over and over.  Ten checkpoints in a row (the tree left running)
# all succeed, whatever task is halfway through exiting: such a task is
# saved as the zombie it becomes.  Then one with --kill, and the restart:
# the loops go on and end when told.
. /tests/vm/lib.sh

d=/tmp/churn
rm -rf "$d"
mkdir -p "$d"
show_on_fail "$d/out"
sh -c "n=0; while [ ! -e $d/stop ]; do (exit 3); n=\$((n + 1)); done; echo \"loop 1: \$n rounds\" >>$d/out" </dev/null >/dev/null 2>&1 &
pid=$!
sleep 1
i=0
while [ $i -lt 10 ]; do
	i=$((i + 1))
	checkpoint --subtree "$pid" -o "$d/img" 2>"$d/err" || {
		cat "$d/err"
		fail "checkpoint $i of the churning tree failed"
	}
	ckptinfo "$d/img" | grep -q "ZOMBIE" && echo "checkpoint $i caught an exiting task as a zombie"
done
echo "10 checkpoints of the churning tree succeeded"
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
(sleep 1; touch "$d/stop") &
expect 0 "" restart -i "$d/img"
said "$d" "loop 1: [0-9]* rounds"
