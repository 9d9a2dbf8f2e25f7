#!/bin/sh
# A process blocked in read() on its terminal (a session leader with
# the pty as controlling terminal) is checkpointed and restarted by a
# restart that runs on another terminal: its read() goes on as if
# nothing happened (no EINTR, no end of file, no spurious return) and
# gets the next line typed on the restart's terminal, which is its
# controlling terminal again.  A restart that does not lead its
# terminal's session (run by a shell there) keeps its terminal: the
# restored session gets none, restart says so, and read() goes on.
. /tests/vm/lib.sh

# in_read PID: the process sleeps in read() (system call 0 on x86_64)
in_read() {
	grep -q '^State:.*S' "/proc/$1/status" 2>/dev/null &&
		[ "$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)" = 0 ]
}

# back_in_read PID DIR OUT: once restart restored PID, it gets back into
# read() within 10 s; else show the terminal's output DIR/OUT and fail.
back_in_read() {
	restored "$1"
	i=0
	until in_read "$1"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { show "$2" "$3"; fail "the restored ttyreader ($v) is not blocked in read()"; }
		sleep 0.1
	done
}

# session and tty_nr of a process
ctty() {
	cut -d' ' -f6,7 "/proc/$1/stat"
}

for v in glibc-static musl-static dynamic; do
	d=/tmp/ttyread-$v
	rm -rf "$d"
	mkdir -p "$d"
	mkfifo "$d/in1" "$d/in2"
	: >"$d/out1"
	: >"$d/out2"
	show_on_fail "$d/out1" "$d/out2"

	"$BIN/$v/ptyrun" "$d/in1" "$d/out1" -- "$BIN/$v/ttyreader" "$d" &
	prun=$!
	wait_ready "$d" "ttyreader ($v)"
	pid=$(cat "$d/pid")
	type_line "$d" in1 one
	shown "$d" out1 "^got: one"
	before=$(ctty "$pid")
	case "$before" in
	"$pid 0" | "${before#"$pid "}") # (no terminal, or not the session leader)
		fail "the setup did not work: ttyreader is not a session leader with a terminal ($before)" ;;
	esac
	echo "  ttyreader pid $pid: session, tty_nr $before"
	sleep 0.3 # back in read()
	in_read "$pid" || fail "ttyreader is not blocked in read(): $(cat "/proc/$pid/syscall")"

	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$prun"
	echo "  the first terminal's ptyrun exited $? (ttyreader was killed)"
	show "$d" out1

	"$BIN/$v/ptyrun" "$d/in2" "$d/out2" -- restart -i "$d/img" &
	prun=$!
	back_in_read "$pid" "$d" out2
	after=$(ctty "$pid")
	echo "  restored as pid $pid: session, tty_nr $after"
	[ "${after% *}" = "$pid" ] && [ "${after#* }" != 0 ] ||
		fail "$v: the restored ttyreader does not lead a session with restart's terminal as its controlling terminal"
	type_line "$d" in2 two
	shown "$d" out2 "^got: two"
	type_line "$d" in2 quit
	wait "$prun"
	rc=$?
	show "$d" out2
	tr -d '\r' <"$d/out2" | grep -q "read failed\|read returned" &&
		fail "$v: the restored read() did not go on"
	grep -q "ttyreader: 3 reads, none interrupted" "$d/out2" ||
		fail "$v: the restored ttyreader did not end as expected"
	[ "$rc" = 0 ] || fail "$v: restart on the terminal exited $rc"
	echo "$v: the read() resumed on the restart's terminal"
done

v=glibc-static
d=/tmp/ttyread-$v
pid=$(cat "$d/pid")
mkfifo "$d/in3"
: >"$d/out3"
show_on_fail "$d/out3"
"$BIN/$v/ptyrun" "$d/in3" "$d/out3" -- sh -c "restart -i $d/img; echo restart exited \$?" &
prun=$!
back_in_read "$pid" "$d" out3
shown "$d" out3 "note: session $pid had a controlling terminal; it gets none"
after=$(ctty "$pid")
[ "${after#* }" = 0 ] || fail "the ttyreader restored under a shell has a controlling terminal: $after"
type_line "$d" in3 two
shown "$d" out3 "^got: two"
type_line "$d" in3 quit
wait "$prun"
show "$d" out3
shown "$d" out3 "ttyreader: 3 reads, none interrupted"
shown "$d" out3 "restart exited 0"
echo "restarted under a shell, the ttyreader has no controlling terminal and its read() goes on"
