#!/bin/sh
# Programs as people write and ship them, unmodified, across a
# checkpoint, a kill and a restart:
# - a libevent program (Debian's libevent 2.1, dynamic): a persistent
#   timer, a signal event and a pipe reader in an epoll event_base, the
#   writer a child; every line comes once and in order, the signal sent
#   after the restart is handled once, the loop goes on;
# - a libuv program (Debian's libuv 1.44, dynamic): the same with a
#   repeating timer, a signal handle, an async handle (an eventfd) and a
#   pipe read through a uv_pipe_t;
# - Debian's sqlite3 holding a write transaction (BEGIN EXCLUSIVE: POSIX
#   locks on the database): another sqlite3 finds the database locked
#   before the checkpoint and after the restart, and the transaction
#   commits afterwards with both rows;
# - GNU tail -f (coreutils, dynamic), which follows a file through
#   inotify: a line written while the tree is down and one written after
#   the restart come out once each, in order;
# - busybox httpd, a forking web server: its listening socket comes back
#   and serves a page again;
# - Debian's redis-server (7.0, with its default THP opt-out), keys set by
#   redis-cli, and a redis-cli client outside the tree that stays
#   connected through checkpoint --kill --tcp-established and restart: the
#   same connection (CLIENT ID) finds every key, and the server accepts
#   new clients.
. /tests/vm/lib.sh

# event_loop PROGRAM: run it, checkpoint --kill, restart; SIGUSR1 after
# the restart must be handled once and the loop end intact.
event_loop() {
	d=/tmp/real-$1
	start "$d" "$BIN/dynamic/$1" "$d"
	still_running "$d" "$pid"
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	(restored "$pid"; sleep 1; kill -USR1 "$pid"
		i=0
		until grep -q "SIGUSR1 1" "$d/out" || [ $i -ge 100 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		touch "$d/stop") &
	expect 0 "" restart -i "$d/img"
}

event_loop evloop
said "$d" "libevent loop intact: .* 1 signals"
echo "libevent: the event loop goes on, its signal event too"

event_loop uvloop
said "$d" "libuv loop intact: .* 1 signals"
echo "libuv: the event loop goes on, its async and signal handles too"

d=/tmp/real-sqlite
rm -rf "$d"
mkdir -p "$d"
show_on_fail "$d/out"
sq=$BIN/dynamic/sqlite3
expect 0 "" "$sq" "$d/db" "CREATE TABLE t(x);"
sh -c "(echo 'BEGIN EXCLUSIVE; INSERT INTO t VALUES(1);'; echo '.print began'
	while [ ! -e $d/stop ]; do sleep 0.1; done
	echo 'INSERT INTO t VALUES(2); COMMIT;') | $sq $d/db >$d/out 2>&1" &
pid=$!
i=0
until grep -q began "$d/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "sqlite3 did not begin its transaction"
	sleep 0.1
done
expect 5 "database is locked" "$sq" "$d/db" "INSERT INTO t VALUES(9);"
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
expect 0 "FILE_LOCK" ckptinfo "$d/img"
(restored "$pid"
	"$sq" "$d/db" "INSERT INTO t VALUES(9);" >"$d/during" 2>&1
	echo "status $?" >>"$d/during"
	touch "$d/stop") &
expect 0 "" restart -i "$d/img"
sed 's/^/  during: /' "$d/during"
grep -q "database is locked" "$d/during" && grep -q "status 5" "$d/during" ||
	fail "another writer was not locked out after the restart"
expect 0 "^1,2$" "$sq" "$d/db" "SELECT group_concat(x) FROM t;"
echo "sqlite3: the transaction held its locks across the restart and committed"

d=/tmp/real-tail
rm -rf "$d"
mkdir -p "$d"
show_on_fail "$d/out"
printf 'line 1\n' >"$d/log"
"$BIN/dynamic/tail" -n +1 -f "$d/log" >"$d/out" 2>&1 &
pid=$!
printf 'line 2\n' >>"$d/log"
i=0
until grep -q "line 2" "$d/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "tail -f did not follow the file"
	sleep 0.1
done
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
expect 0 "INOTIFY_WATCH" ckptinfo "$d/img"
printf 'line 3\n' >>"$d/log"
restart -i "$d/img" >"$d/restart.out" 2>&1 &
rpid=$!
restored "$pid"
printf 'line 4\n' >>"$d/log"
i=0
until grep -q "line 4" "$d/out"; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "tail -f did not follow the file after the restart"
	sleep 0.1
done
kill "$pid"
wait "$rpid"
[ "$(cat "$d/out")" = "$(printf 'line %s\n' 1 2 3 4)" ] ||
	fail "tail -f printed something else than lines 1 to 4, once each"
echo "tail -f: follows its file across the restart through its inotify watch"

# busybox httpd (a forking web server, its listening socket bound to
# 127.0.0.1:8080) serves a page before the checkpoint and after the
# restart; while it is down, the port refuses connections.
d=/tmp/real-httpd
rm -rf "$d"
mkdir -p "$d/www"
show_on_fail "$d/out"
echo "page one" >"$d/www/index.html"
busybox httpd -f -p 127.0.0.1:8080 -h "$d/www" >"$d/out" 2>&1 &
pid=$!
i=0
until [ "$(wget -q -O - http://127.0.0.1:8080/index.html 2>/dev/null)" = "page one" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "httpd does not serve its page"
	sleep 0.1
done
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
expect 0 "LISTEN 127.0.0.1:8080" ckptinfo "$d/img"
wget -q -O - http://127.0.0.1:8080/index.html >/dev/null 2>&1 &&
	fail "something answers on port 8080 while httpd is down"
echo "page two" >"$d/www/index.html"
restart -i "$d/img" >"$d/restart.out" 2>&1 &
rpid=$!
restored "$pid"
page=$(wget -q -O - http://127.0.0.1:8080/index.html) ||
	fail "httpd does not answer after the restart"
[ "$page" = "page two" ] || fail "httpd served '$page'"
kill "$pid"
wait "$rpid"
echo "busybox httpd: serves from its listening socket again after the restart"

# Redis: an unmodified redis-server (it disables transparent huge pages
# for itself with PR_SET_THP_DISABLE), 50 keys written by redis-cli, one
# redis-cli kept connected from outside the tree through a FIFO.
d=/tmp/real-redis
rm -rf "$d"
mkdir -p "$d"
show_on_fail "$d/log"
cli() { "$BIN/dynamic/redis-cli" -p 6380 "$@"; }
"$BIN/dynamic/redis-server" --port 6380 --bind 127.0.0.1 --save "" \
	--appendonly no --dir "$d" --logfile "$d/log" &
pid=$!
i=0
until [ "$(cli ping 2>/dev/null)" = PONG ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "redis-server does not answer"
	sleep 0.1
done
grep -q '^THP_enabled:[[:space:]]*0' "/proc/$pid/status" ||
	fail "redis-server did not disable transparent huge pages for itself"
for k in $(seq 1 50); do echo "SET key$k value$k"; done | cli >"$d/set.out"
[ "$(grep -c '^OK$' "$d/set.out")" = 50 ] || fail "redis-cli did not set 50 keys"
mkfifo "$d/cmd"
cli <"$d/cmd" >"$d/client.out" 2>&1 &
client=$!
exec 3>"$d/cmd"
# ask: CMD ANSWERS: send a command on the kept connection, wait for the
# client's output to have ANSWERS lines
ask() {
	echo "$1" >&3
	i=0
	until [ "$(wc -l <"$d/client.out")" -ge "$2" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "redis-cli got no answer to $1: $(cat "$d/client.out")"
		sleep 0.1
	done
}
ask "CLIENT ID" 1
id=$(sed -n 1p "$d/client.out")
expect 0 "" checkpoint --kill --tcp-established --subtree "$pid" -o "$d/img"
wait "$pid" 2>/dev/null || true
! cli ping >/dev/null 2>&1 || fail "something answers on port 6380 while redis is down"
kill -0 "$client" 2>/dev/null || fail "the redis-cli client died while the server was down"
restart -i "$d/img" >"$d/restart.out" 2>&1 3>&- &
rpid=$!
i=0
until [ "$(cli ping 2>/dev/null)" = PONG ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "redis-server does not answer after the restart: $(cat "$d/restart.out")"
	sleep 0.1
done
grep -q '^THP_enabled:[[:space:]]*0' "/proc/$pid/status" ||
	fail "the restored redis-server has transparent huge pages enabled again"
ask "CLIENT ID" 2
ask "GET key37" 3
ask "DBSIZE" 4
[ "$(sed -n 2p "$d/client.out")" = "$id" ] ||
	fail "the kept client is connection $(sed -n 2p "$d/client.out"), not $id: $(cat "$d/client.out")"
[ "$(sed -n 3p "$d/client.out")" = value37 ] || fail "GET key37 on the kept connection: $(cat "$d/client.out")"
[ "$(sed -n 4p "$d/client.out")" = 50 ] || fail "DBSIZE on the kept connection: $(cat "$d/client.out")"
[ "$(cli SET newkey newvalue)" = OK ] && [ "$(cli GET newkey)" = newvalue ] ||
	fail "a new client cannot set and get a key after the restart"
[ "$(cli DBSIZE)" = 51 ] || fail "DBSIZE from a new client: $(cli DBSIZE)"
exec 3>&-
wait "$client" || fail "the kept redis-cli client failed: $(cat "$d/client.out")"
cli SHUTDOWN NOSAVE >/dev/null 2>&1 || true
wait "$rpid" || fail "restart of redis-server ended with status $?: $(cat "$d/restart.out")"
echo "redis-server: every key and the connected client (id $id) kept, new clients served after the restart"
