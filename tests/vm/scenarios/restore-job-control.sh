#!/bin/sh
# A job-control shell: an interactive busybox sh on a terminal (the
# session leader), with two background jobs and one in the foreground,
# each in a process group of its own.  The shell and its jobs are
# checkpointed and restarted by a restart running on another terminal:
# that terminal becomes the session's controlling terminal, with the
# foreground job's group in the foreground; ^C typed there ends the
# foreground job and the shell takes the terminal back; its background
# jobs run on, `jobs` lists both, `kill %1 %2` ends them and the shell
# reports it, `exit` ends it.
. /tests/vm/lib.sh

# groups SHELL: "pid:pgid:sid:tpgid" of the shell and its children, the
# tpgid being the foreground group of the controlling terminal
groups() {
	for p in $1 $(child_of "$1"); do
		cut -d' ' -f1,5,6,8 "/proc/$p/stat" | tr ' ' ':'
	done | sort -n | tr '\n' ' '
}

# terminals SHELL: the tty_nr of the shell and its children, once each
terminals() {
	for p in $1 $(child_of "$1"); do
		cut -d' ' -f7 "/proc/$p/stat"
	done | sort -u | tr '\n' ' '
}

# lines_grow FILE WHAT: FILE gets new lines within 2 s
lines_grow() {
	a=$(wc -l <"$1")
	i=0
	while [ "$(wc -l <"$1")" -le "$a" ]; do
		i=$((i + 1))
		[ $i -lt 20 ] || fail "$2 does not run"
		sleep 0.1
	done
}

d=/tmp/jobctl
rm -rf "$d"
mkdir -p "$d"
mkfifo "$d/in1" "$d/in2"
: >"$d/out1"
: >"$d/out2"
: >"$d/f"
show_on_fail "$d/out1" "$d/out2"
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
type_line "$d" in1 "$T 100000 f >$d/f"
lines_grow "$d/f" "the foreground job"
sh_pid=$(cat "$d/shell")
before=$(groups "$sh_pid")
echo "shell and jobs (pid:pgid:sid:tpgid): $before"
set -- $before
[ $# = 4 ] || fail "the setup did not work: $before"
fg_pgid=$(echo "$before" | tr ' ' '\n' | awk -F: -v s="$sh_pid" '$1 != s { print $4; exit }')
[ "$fg_pgid" != "$sh_pid" ] && [ "$fg_pgid" -gt 0 ] ||
	fail "the setup did not work: the foreground group is $fg_pgid"

expect 0 "" checkpoint --kill --subtree "$sh_pid" -o "$d/img"
wait "$prun"
expect 0 "terminal's foreground group $fg_pgid" ckptinfo "$d/img"

"$BIN/glibc-static/ptyrun" "$d/in2" "$d/out2" -- restart -i "$d/img" &
prun=$!
restored "$sh_pid"
after=$(groups "$sh_pid")
echo "restored (pid:pgid:sid:tpgid): $after"
[ "$after" = "$before" ] || fail "the shell's groups, session or foreground group differ after restart"
ttys=$(terminals "$sh_pid")
echo "tty_nr of the shell and its jobs: $ttys"
case "$ttys" in
"0 " | *" "*" "*) fail "the shell and its jobs do not share one controlling terminal: $ttys" ;;
esac
lines_grow "$d/a" "background job a"
lines_grow "$d/f" "the foreground job"

# ^C on the new terminal: SIGINT to its foreground group
printf '\003' >"$d/in2"
i=0
until [ "$(cut -d' ' -f8 "/proc/$sh_pid/stat")" = "$sh_pid" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the shell did not take the terminal back after ^C: $(groups "$sh_pid")"
	sleep 0.1
done
[ -d "/proc/$fg_pgid" ] && fail "^C did not end the foreground job $fg_pgid"
echo "^C ended the foreground job; the shell has the terminal again"

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
echo "the job-control shell and its jobs came back on the new terminal, which controls them"
