#!/bin/sh
# Debian's nginx (1.22, dynamic, unmodified), a pre-forking server: a
# master (root) and two workers (user nobody) that accept on the
# master's listening socket (127.0.0.1:8080, in each worker's epoll with
# EPOLLEXCLUSIVE), talk to the master over socketpairs (whose ends have
# O_ASYNC and the master as F_SETOWN owner), and count
# connections and requests for stub_status in memory the master mapped
# MAP_SHARED|MAP_ANONYMOUS before fork().  checkpoint --kill --subtree on
# the master takes the three; after restart the same master and workers
# (same pids, the workers still nobody and named "nginx: worker
# process") serve again, every answer comes from one of them, the
# stub_status totals go on from where they were (the shared memory is
# the same one, not reset nor split), nginx logs no alert, and
# kill -QUIT ends it cleanly: the master tells the workers over the
# socketpairs, they exit with code 0, then the master.
. /tests/vm/lib.sh

d=/tmp/nginx
rm -rf "$d"
mkdir -p "$d"
show_on_fail "$d/out" "$d/error.log" "$d/restart.out"
cat >"$d/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 2;
user nobody nogroup;
pid $d/nginx.pid;
error_log $d/error.log info;
events {
	worker_connections 64;
}
http {
	access_log $d/access.log;
	client_body_temp_path $d/client_body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server {
		listen 127.0.0.1:8080;
		location / {
			return 200 "hello \$pid\n";
		}
		location /status {
			stub_status;
		}
	}
}
EOF
url=http://127.0.0.1:8080
grep -q '^nobody:' /etc/passwd && grep -q '^nogroup:' /etc/group ||
	fail "the VM has no user nobody or no group nogroup"

"$BIN/dynamic/nginx" -p "$d" -c "$d/nginx.conf" >"$d/out" 2>&1 &
pid=$!
# Whatever happens, no nginx (nor its restart) is left to hold port 8080
# for the next scenarios.
trap 'for p in $(procs nginx); do kill -KILL "$p" 2>/dev/null; done' EXIT

# serving WHAT: wait (20 s at most) until nginx answers a page
serving() {
	i=0
	until timeout 5 wget -q -O - "$url/" 2>/dev/null | grep -q '^hello '; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "nginx does not serve $1"
		kill -0 "$pid" 2>/dev/null || fail "the nginx master ($pid) is gone $1"
		sleep 0.1
	done
}

# requests N FILE: N requests (N a multiple of 5), five at a time, their
# bodies appended to FILE, one line each; every one must succeed.
requests() {
	: >"$2"
	b=0
	while [ $b -lt $(($1 / 5)) ]; do
		b=$((b + 1))
		wp=
		for j in 1 2 3 4 5; do
			timeout 10 wget -q -O "$d/body.$j" "$url/" 2>"$d/wget.$j" &
			wp="$wp $!"
		done
		j=0
		for p in $wp; do
			j=$((j + 1))
			wait "$p" || fail "request $j of batch $b failed: $(cat "$d/wget.$j")"
			cat "$d/body.$j" >>"$2"
		done
	done
	[ "$(wc -l <"$2")" = "$1" ] || fail "$1 requests gave $(wc -l <"$2") answers: $(cat "$2")"
}

# served_by FILE: fails unless every answer is "hello PID" with PID one
# of $workers; sets $served to the pids that answered, with how often
served_by() {
	while read -r w p; do
		[ "$w" = hello ] || fail "nginx answered '$w $p'"
		case " $workers " in
		*" $p "*) ;;
		*) fail "the answer 'hello $p' comes from no worker of $pid ($workers)" ;;
		esac
	done <"$1"
	served=$(awk '{ print $2 }' "$1" | sort -n | uniq -c | awk '{ printf "%s(%s) ", $2, $1 }')
}

# counters: stub_status's "accepts handled requests" totals, in $acc,
# $hand and $req
counters() {
	timeout 10 wget -q -O "$d/status" "$url/status" || fail "no status page"
	sed 's/^/  status: /' "$d/status"
	set -- $(sed -n 3p "$d/status")
	[ $# = 3 ] || fail "stub_status has no 'accepts handled requests' line"
	acc=$1 hand=$2 req=$3
}

# workers_ok: $pid's children are $workers, user nobody, named so
workers_ok() {
	for w in $workers; do
		uid=$(awk '/^Uid:/ { print $2 }' "/proc/$w/status")
		[ "$uid" = 65534 ] || fail "worker $w runs as uid $uid, not nobody"
		tr '\0' ' ' <"/proc/$w/cmdline" | grep -q '^nginx: worker process' ||
			fail "worker $w is named '$(tr '\0' ' ' <"/proc/$w/cmdline")'"
	done
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '^nginx: master process' ||
		fail "the master $pid is named '$(tr '\0' ' ' <"/proc/$pid/cmdline")'"
}

serving "at start"
# both workers up (the master forks them before any serves)
i=0
until [ "$(child_of "$pid" | wc -w)" = 2 ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the nginx master has children '$(child_of "$pid")', not 2 workers"
	sleep 0.1
done
workers=$(child_of "$pid" | tr ' ' '\n' | sort -n | tr '\n' ' ')
tree=$(procs nginx)
workers_ok
echo "nginx: master $pid, workers $workers"
requests 20 "$d/before"
served_by "$d/before"
echo "before: 20 requests served by worker(requests) $served"
counters
acc0=$acc hand0=$hand req0=$req
[ "$acc0" -ge 21 ] && [ "$req0" -ge 21 ] || fail "stub_status counted $acc0 connections, $req0 requests"
echo "before: accepts $acc0 handled $hand0 requests $req0"
log0=$(wc -l <"$d/error.log")

# The master is no pid namespace's init: --subtree
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid" 2>/dev/null
gone $tree
timeout 5 wget -q -O - "$url/" >/dev/null 2>&1 &&
	fail "something answers on port 8080 while nginx is down"
expect 0 "" ckptinfo --verify "$d/img"
ckptinfo "$d/img" >"$d/info" 2>&1 || fail "ckptinfo failed: $(tail -n 5 "$d/info")"
grep -q "LISTEN 127.0.0.1:8080" "$d/info" || fail "the image has no listening socket on 127.0.0.1:8080"
grep "^totals:" "$d/info" | sed 's/^/  | /'
grep -q "^totals: 3 tasks" "$d/info" || fail "the image does not hold 3 tasks"

restart -i "$d/img" >"$d/restart.out" 2>&1 &
rpid=$!
restored "$pid"
serving "after the restart"
[ "$(child_of "$pid" | tr ' ' '\n' | sort -n | tr '\n' ' ')" = "$workers" ] ||
	fail "the restored master has children '$(child_of "$pid")', not $workers"
workers_ok
requests 20 "$d/after"
served_by "$d/after"
echo "after: 20 requests served by worker(requests) $served"
counters
acc1=$acc hand1=$hand req1=$req
echo "after: accepts $acc1 handled $hand1 requests $req1"
[ "$acc1" -ge $((acc0 + 20)) ] && [ "$hand1" -ge $((hand0 + 20)) ] &&
	[ "$req1" -ge $((req0 + 20)) ] ||
	fail "the stub_status totals did not go on from $acc0 $hand0 $req0 (+20): $acc1 $hand1 $req1"
sed -n "$((log0 + 1)),\$p" "$d/error.log" >"$d/error.after"
if grep -E '\[(alert|emerg|crit)\]' "$d/error.after"; then
	fail "nginx logged the lines above after the restart"
fi

kill -QUIT "$pid"
wait "$rpid" || fail "restart (waiting for the master) ended with status $?: $(cat "$d/restart.out")"
gone $tree
for w in $workers; do
	grep -q "worker process $w exited with code 0" "$d/error.log" ||
		fail "worker $w did not exit with code 0"
done
grep -q "\[notice\] $pid#$pid: exit$" "$d/error.log" || fail "the master did not log its exit"
[ ! -e "$d/nginx.pid" ] || fail "the master left its pid file"
if grep -E '\[(alert|emerg|crit)\]' "$d/error.log"; then
	fail "nginx logged the lines above"
fi
echo "nginx: the same master and workers serve after the restart, stub_status totals go on ($req0 -> $req1 requests), QUIT ends them cleanly"
