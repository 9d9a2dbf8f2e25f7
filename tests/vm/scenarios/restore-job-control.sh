#!/bin/sh
# A job-control shell: an interactive busybox sh on a terminal (the
# session leader), with two background jobs, each in a process group of
# its own.  The shell and its jobs are checkpointed and restarted by a
# restart running on another terminal: the shell goes on reading
# commands there, its jobs run on in their groups, `jobs` lists both,
# `kill %1 %2` ends them and the shell reports it, `exit` ends it.  (The
# restored shell has no controlling terminal: a foreground job would
# fail to get the terminal, see coverage.md.)
. /tests/vm/lib.sh

# groups SHELL: "pid:pgid:sid" of the shell and its children
groups() {
	for p in $1 $(child_of "$1"); do
		cut -d' ' -f1,5,6 "/proc/$p/stat" | tr ' ' ':'
	done | sort -n | tr '\n' ' '
}

d=/tmp/jobctl
rm -rf "$d"
mkdir -p "$d"
mkfifo "$d/in1" "$d/in2"
: >"$d/out1"
: >"$d/out2"
T=$BIN/glibc-static/ticker
PS1='$ ' "$BIN/glibc-static/ptyrun" "$d/in1" "$d/out1" -- sh -i &
prun=$!
sleep 1
type_line "$d" in1 "$T 100000 a >$d/a & $T 100000 b >$d/b & echo \$\$ >$d/shell"
i=0
while [ ! -s "$d/shell" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the shell did not start the jobs"
	sleep 0.1
done
sleep 1
sh_pid=$(cat "$d/shell")
before=$(groups "$sh_pid")
echo "shell and jobs (pid:pgid:sid): $before"
set -- $before
[ $# = 3 ] || fail "the setup did not work: $before"

expect 0 "" checkpoint --kill --subtree "$sh_pid" -o "$d/img"
wait "$prun"

"$BIN/glibc-static/ptyrun" "$d/in2" "$d/out2" -- restart -i "$d/img" &
prun=$!
restored "$sh_pid"
after=$(groups "$sh_pid")
echo "restored (pid:pgid:sid): $after"
[ "$after" = "$before" ] || fail "the shell's groups and session differ after restart"
a=$(wc -l <"$d/a")
sleep 1
[ "$(wc -l <"$d/a")" -gt "$a" ] || fail "background job a does not run"
type_line "$d" in2 "jobs"
shown "$d" out2 "ticker 100000 a"
shown "$d" out2 "ticker 100000 b"
type_line "$d" in2 "kill %1 %2"
# the shell reports the end of a job at a prompt or `jobs` after it
# reaped it: wait until the jobs ended, then ask
for p in $(child_of "$sh_pid"); do
	i=0
	while grep -q '^State:.*[RS]' "/proc/$p/status" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "job $p did not end"
		sleep 0.1
	done
done
type_line "$d" in2 "jobs"
shown "$d" out2 "Terminated.*ticker 100000 a"
type_line "$d" in2 "exit"
wait "$prun"
rc=$?
tr -d '\r' <"$d/out2" | sed 's/^/  > /'
[ "$rc" = 0 ] || fail "the restored shell exited $rc"
echo "the job-control shell and its jobs came back on the new terminal"
