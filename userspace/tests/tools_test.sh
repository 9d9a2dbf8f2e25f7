#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools_test.sh CASE: runs the tools on images from mkimage.  The binaries
# come from the environment: MKIMAGE, CKPTINFO, CHECKPOINT, RESTART.
# Output goes to a private directory under /tmp, removed on exit.
set -u

tmp=$(mktemp -d /tmp/cr-tools-test.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	echo "--- stdout:"; cat "$tmp/out"
	echo "--- stderr:"; cat "$tmp/err"
	exit 1
}

# run EXPECTED_STATUS COMMAND...: runs COMMAND, output in $tmp/out and $tmp/err.
run() {
	want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want"
}

# image KIND: an image file from mkimage.
image() {
	"$MKIMAGE" "$1" >"$tmp/$1.img" || fail "mkimage $1"
	echo "$tmp/$1.img"
}

expect_out() { grep -q -e "$1" "$tmp/out" || fail "stdout lacks '$1'"; }
expect_err() { grep -q -e "$1" "$tmp/err" || fail "stderr lacks '$1'"; }
expect_out_fixed() { grep -q -F -e "$1" "$tmp/out" || fail "stdout lacks '$1'"; }
# expect_record TYPE NOTE: a line of ckptinfo's record list.
expect_record() {
	grep -F -e "  $2" "$tmp/out" | grep -q -e "^ *[0-9]*  $1  *[0-9]*  " ||
		fail "no $1 record line with '$2'"
}

# A failed restore of a sample image: on a kernel without the system
# calls (the host) the task's restart() says so; on one with them, the
# sample image is refused.  Either way: one sentence, exit 1.
expect_restore_refused() {
	expect_err "^restart: "
	if grep -q "no checkpoint support" "$tmp/err"; then
		expect_err "^restart: this kernel has no checkpoint support: boot a kernel built with CONFIG_CHECKPOINT$"
	fi
}

case "$1" in
ckptinfo_valid)
	img=$(image valid)
	run 0 "$CKPTINFO" "$img"
	expect_out "format version  1.11"
	expect_out "HEADER"
	expect_out "tail: valid: 1 records and 120 bytes before it, crc32"
	run 0 "$CKPTINFO" --verify - <"$img"
	expect_out "valid image: 2 records, 160 bytes"
	;;
ckptinfo_pipe)
	"$MKIMAGE" failed | "$CKPTINFO" >"$tmp/out" 2>"$tmp/err" || fail "ckptinfo on a pipe"
	expect_out "ERROR .*EOPNOTSUPP (-95): checkpoint of pid 1 is not supported yet"
	;;
ckptinfo_failed)
	img=$(image failed)
	run 0 "$CKPTINFO" "$img"
	expect_out "EOPNOTSUPP (-95): checkpoint of pid 1 is not supported yet"
	run 1 "$CKPTINFO" --verify "$img"
	expect_err "at byte offset 120: the image is incomplete: the checkpoint failed: EOPNOTSUPP"
	;;
ckptinfo_optional)
	run 0 "$CKPTINFO" --verify "$(image optional)"
	run 0 "$CKPTINFO" "$(image optional)"
	expect_out "0x800001f0 .*unknown optional type, skipped"
	;;
ckptinfo_mandatory)
	run 1 "$CKPTINFO" "$(image mandatory)"
	expect_err "at byte offset 120: unknown record type 0x000001f0"
	run 1 "$CKPTINFO" --verify "$(image mandatory)"
	expect_err "at byte offset 120: unknown record type 0x000001f0"
	;;
ckptinfo_truncated)
	run 1 "$CKPTINFO" "$(image truncated)"
	expect_err "at byte offset 120: end of file inside the TAIL record .*truncated"
	expect_out "tail: missing"
	;;
ckptinfo_corrupt)
	run 1 "$CKPTINFO" --verify "$(image corrupt)"
	expect_err "checksum error"
	;;
ckptinfo_trailing)
	run 0 "$CKPTINFO" --verify "$(image trailing)"
	expect_err "warning: 8 bytes of trailing data"
	;;
ckptinfo_not_an_image)
	printf 'hello, world\n' >"$tmp/text"
	run 1 "$CKPTINFO" "$tmp/text"
	expect_err "at byte offset 0: "
	run 1 "$CKPTINFO" /dev/null
	expect_err "at byte offset 0: the image is empty"
	run 1 "$CKPTINFO" "$tmp/does-not-exist"
	expect_err "does-not-exist: No such file or directory"
	run 1 "$CKPTINFO" "$tmp"
	expect_err "at byte offset 0: read: Is a directory"
	;;
ckptinfo_json)
	run 0 "$CKPTINFO" --json "$(image failed)"
	expect_out '"complete": true'
	expect_out '"valid": false'
	expect_out '"errno_name": "EOPNOTSUPP"'
	python3 -m json.tool "$tmp/out" >/dev/null || fail "invalid JSON"
	run 1 "$CKPTINFO" --json --verify "$(image failed)"
	run 1 "$CKPTINFO" --json "$(image truncated)"
	expect_out '"problem": {'
	expect_err "truncated"
	;;
ckptinfo_usage)
	run 2 "$CKPTINFO" --no-such-option
	run 2 "$CKPTINFO" a b
	run 0 "$CKPTINFO" --help
	expect_out "verify"
	;;
ckptinfo_process)
	img=$(image process)
	run 0 "$CKPTINFO" "$img"
	expect_record TREE "1 task"
	expect_out_fixed "pid 4242  ppid 0  pgid 4242  sid 4242  flags SESSION_LEADER|GROUP_LEADER"
	expect_record TASK 'pid 4242  comm "sleep"'
	expect_record CREDS "uid 1000/0/1000/1000  gid 1000  groups 4,24,27  cap_eff 0x1ff  no_new_privs"
	expect_record CPU_X86_64 "ip 0x401000  sp 0x7ffc0000fff0  xfeatures 0x7  xsave 832 bytes"
	expect_record MM "brk 0x600000-0x625000  code 0x400000-0x402000  exe /usr/bin/sleep  vdso 0x7fff00000000"
	expect_record MAPPED_FILE "file of the next mapping: 35336 bytes, modified at 1700000000.123456789"
	expect_record VMA "0x400000-0x402000 r-x file  flags none  pgoff 0  /usr/bin/sleep"
	expect_record VMA "0x7ffc00000000-0x7ffc00021000 rw- anon  flags GROWSDOWN  pgoff 0"
	expect_record PAGES "pages: 2 in 1 record"
	expect_record PAGES "pages: 37 in 3 records, from 0x600000"
	expect_record FS "cwd /home/user  root /srv/jail"
	expect_record FILE "fd 1 chr  flags O_WRONLY  pos 0  dev 1:3  /dev/null"
	expect_record FILE "fd 3 reg  flags O_RDONLY  pos 1234  cloexec  /etc/passwd"
	expect_record INOTIFY "inotify obj 7: next wd 4, 2 watches, 1 queued event  nonblock"
	expect_record INOTIFY_WATCH "wd 1: /tmp/x (IN_CREATE|IN_DELETE)"
	expect_record INOTIFY_WATCH "wd 3: /home/user/notes.txt (IN_MODIFY|IN_CLOSE_WRITE|IN_ONESHOT)"
	expect_record INOTIFY_EVENT 'event wd 1 IN_CREATE name "a" cookie 0'
	expect_record FILE "fd 4 inotify  flags O_RDONLY|O_NONBLOCK  pos 0  obj 7  anon_inode:inotify"
	expect_record SIGHAND "2 non-default handlers (INT PIPE), blocked 0x0000000000010000"
	expect_record POSIX_TIMERS "2 timers, next id 3"
	expect_out_fixed "   timer 0: CLOCK_MONOTONIC SIGEV_SIGNAL SIGRTMIN+1 value 0x2a, next expiry in 1.500000000 s, every 0.250000000 s, overrun 0 (last 0), armed"
	expect_out_fixed "   timer 2: CLOCK_REALTIME SIGEV_THREAD_ID SIGUSR1 value 0x7f0000001000 to thread 4242, deadline 1795873207.000000000 (CLOCK_REALTIME), every 1.000000000 s, overrun 3 (last 1), signal pending (overrun 2)"
	expect_out "^totals: 1 task, 4 VMAs, 40 pages (0\\.16 MiB) of page data$"
	# Five PAGES records, one line per VMA that has pages.
	[ "$(grep -c ' PAGES ' "$tmp/out")" -eq 3 ] || fail "not one PAGES line per VMA"
	run 0 "$CKPTINFO" --verify "$img"
	expect_out "valid image: 28 records"
	"$MKIMAGE" process | "$CKPTINFO" >"$tmp/out" 2>"$tmp/err" || fail "ckptinfo on a pipe"
	expect_record PAGES "pages: 37 in 3 records"
	;;
ckptinfo_process_json)
	run 0 "$CKPTINFO" --json "$(image process)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	pages = [r for r in j["records"] if r["type_name"] == "PAGES"]
	assert [(r["records"], r["pages"]) for r in pages] == [(1, 2), (3, 37), (1, 1)], pages
	assert pages[1]["addr"] == 0x600000
	t = j["totals"]
	assert (t["tasks"], t["vmas"], t["pages"]) == (1, 4, 40), t
	assert j["contents"]["tree"][0]["pid"] == 4242
	task = j["contents"]["tasks"][0]
	assert task["comm"] == "sleep" and task["cpu"]["ip"] == 0x401000
	assert task["creds"]["groups"] == [4, 24, 27] and task["creds"]["no_new_privs"]
	assert task["cwd"] == "/home/user"
	assert task["root"] == "/srv/jail"
	assert task["mm"]["exe"] == "/usr/bin/sleep"
	f = task["vmas"][0]["file"]
	assert (f["size"], f["mtime_sec"], f["mtime_nsec"]) == (35336, 1700000000, 123456789), f
	assert task["vmas"][1]["file"] is None
	assert task["vmas"][1]["prot_rwx"] == "rw-" and task["vmas"][1]["pages"] == 37
	assert task["files"][2]["cloexec"] and task["files"][2]["path"] == "/etc/passwd"
	assert task["files"][3]["kind_name"] == "inotify" and task["files"][3]["objref"] == 7
	[ino] = task["inotifies"]
	assert (ino["objref"], ino["nonblock"], ino["next_wd"]) == (7, True, 4), ino
	assert [(w["wd"], w["path"], w["mask_names"]) for w in ino["watches"]] == [
	    (1, "/tmp/x", "IN_CREATE|IN_DELETE"),
	    (3, "/home/user/notes.txt", "IN_MODIFY|IN_CLOSE_WRITE|IN_ONESHOT")], ino
	assert ino["watches"][0]["mask"] == 0x300
	assert [(e["wd"], e["mask"], e["cookie"], e["name"]) for e in ino["events"]] == [
	    (1, 0x100, 0, "a")], ino
	assert [h["name"] for h in task["sighand"]["handlers"]] == ["INT", "PIPE"]
	pt = task["posix_timers"]
	assert pt["next_id"] == 3 and pt["offset"] > task["sighand"]["offset"], pt
	t0, t2 = pt["timers"]
	assert (t0["id"], t0["clockid"], t0["clock"], t0["notify"], t0["notify_name"]) == (
	    0, 1, "CLOCK_MONOTONIC", 0, "SIGEV_SIGNAL"), t0
	assert (t0["signo"], t0["signal"], t0["sigval"], t0["tid"]) == (35, "SIGRTMIN+1", 0x2a, 0), t0
	assert (t0["flags"], t0["flag_names"], t0["armed"], t0["abstime"], t0["sigpending"]) == (
	    2, "ARMED", True, False, False), t0
	assert (t0["value_ns"], t0["interval_ns"], t0["overrun"], t0["overrun_last"]) == (
	    1500000000, 250000000, 0, 0), t0
	assert (t2["id"], t2["clock"], t2["notify"], t2["notify_name"]) == (
	    2, "CLOCK_REALTIME", 4, "SIGEV_THREAD_ID"), t2
	assert (t2["signo"], t2["signal"], t2["tid"]) == (10, "SIGUSR1", 4242), t2
	assert (t2["flag_names"], t2["armed"], t2["abstime"], t2["sigpending"]) == (
	    "ABSTIME|SIGPENDING", False, True, True), t2
	assert (t2["value_ns"], t2["interval_ns"]) == (1795873207000000000, 1000000000), t2
	assert (t2["overrun"], t2["overrun_last"], t2["sig_overrun"]) == (3, 1, 2), t2
	assert (t2["requeue"], t2["sig_private"]) == (9, 9), t2
	EOF
	;;
ckptinfo_inet)
	img=$(image inet)
	run 0 "$CKPTINFO" "$img"
	expect_record INET_SOCK "TCP socket obj 5: IPv4 ESTABLISHED 127.0.0.1:4000 -> 127.0.0.1:38122, send queue 10 bytes from seq 123, receive queue 3 bytes from seq 456, flags nonblock reuseaddr keepalive nodelay"
	expect_out_fixed "   tcp: snd_wl1 450 snd_wnd 65483 max_window 65483 rcv_wnd 65536 rcv_wup 456, mss_clamp 1460, wscale 7/6, options sack wscale, timestamp 987654"
	expect_out_fixed "   socket options: keepidle 60 s, congestion cubic"
	expect_record INET_SOCK "TCP socket obj 6: IPv6 LISTEN [::]:8080, backlog 128, flags reuseaddr v6only"
	expect_record INET_SOCK "UDP socket obj 8: IPv4 ESTABLISHED 10.0.0.1:5353 -> 10.0.0.2:53, 1 datagram queued (5 bytes)"
	expect_record FILE "fd 3 inet  flags O_RDWR|O_NONBLOCK  pos 0  obj 5"
	expect_record FILE "fd 4 inet  flags O_RDWR  pos 0  obj 6"
	# the connection's record holds its 13 queued bytes, padded to 16
	expect_out "^ *288  INET_SOCK  *224  "
	# the UDP socket's: one datagram entry (32 bytes) and its 5 bytes, padded
	expect_out "^ *816  INET_SOCK  *248  "
	[ "$(grep -c ' INET_SOCK ' "$tmp/out")" -eq 3 ] || fail "not one line per INET_SOCK record"
	run 0 "$CKPTINFO" --verify "$img"
	expect_out "valid image: 10 records, 1152 bytes"
	;;
ckptinfo_inet_json)
	run 0 "$CKPTINFO" --json "$(image inet)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert [r["type_name"] for r in j["records"]].count("INET_SOCK") == 3
	task = j["contents"]["tasks"][0]
	assert [(f["fd"], f["kind"], f["kind_name"], f["objref"]) for f in task["files"]] == [
	    (3, 14, "inet", 5), (4, 14, "inet", 6), (5, 14, "inet", 8)], task["files"]
	tcp4, tcp6, udp = task["inet_socks"]
	assert tcp4["offset"] == 288 and task["files"][0]["offset"] == 288 + 224, tcp4
	assert (tcp4["objref"], tcp4["family"], tcp4["type"], tcp4["protocol"], tcp4["state"]) == (
	    5, 2, 1, 6, 1), tcp4
	assert (tcp4["family_name"], tcp4["protocol_name"], tcp4["state_name"]) == (
	    "IPv4", "TCP", "ESTABLISHED"), tcp4
	assert tcp4["flags"] == 0x1 | 0x20 | 0x80 | 0x2000, tcp4
	assert tcp4["flag_names"] == "nonblock reuseaddr keepalive nodelay", tcp4
	assert tcp4["local"] == {"addr": "127.0.0.1", "port": 4000}, tcp4
	assert tcp4["remote"] == {"addr": "127.0.0.1", "port": 38122}, tcp4
	assert (tcp4["backlog"], tcp4["peek_off"], tcp4["keepidle"], tcp4["congestion"]) == (
	    0, -1, 60, "cubic"), tcp4
	t = tcp4["tcp"]
	assert (t["send_seq"], t["send_len"], t["recv_seq"], t["recv_len"]) == (123, 10, 456, 3), t
	assert (t["opts"], t["opt_names"], t["mss_clamp"], t["snd_wscale"], t["rcv_wscale"]) == (
	    5, "sack wscale", 1460, 7, 6), t
	assert (t["snd_wl1"], t["snd_wnd"], t["max_window"], t["rcv_wnd"], t["rcv_wup"]) == (
	    450, 65483, 65483, 65536, 456), t
	assert (tcp6["objref"], tcp6["family"], tcp6["family_name"], tcp6["state"]) == (
	    6, 10, "IPv6", 10), tcp6
	assert (tcp6["state_name"], tcp6["backlog"], tcp6["flag_names"]) == (
	    "LISTEN", 128, "reuseaddr v6only"), tcp6
	assert tcp6["local"] == {"addr": "::", "port": 8080}, tcp6
	assert tcp6["remote"] == {"addr": "::", "port": 0}, tcp6
	assert tcp6["tcp"] is None, tcp6
	assert (udp["objref"], udp["type"], udp["protocol"], udp["protocol_name"]) == (
	    8, 2, 17, "UDP"), udp
	assert udp["local"] == {"addr": "10.0.0.1", "port": 5353}, udp
	assert udp["remote"] == {"addr": "10.0.0.2", "port": 53}, udp
	assert udp["tcp"] is None and udp["flag_names"] == "none", udp
	assert (udp["nr_dgrams"], udp["dgrams_len"]) == (1, 5), udp
	EOF
	;;
ckptinfo_unix)
	img=$(image unix)
	run 0 "$CKPTINFO" "$img"
	expect_record UNIX_SOCK "UNIX socket obj 9, type 1: address srv.sock, file /run/app/srv.sock mode 0755, backlog 16, flags nonblock bound listening"
	# an abstract name: "@", its NUL bytes as "@" too
	expect_record UNIX_SOCK "UNIX socket obj 10, type 2: address @app@log, flags passcred bound"
	# a datagram socket connected one way: its peer's name
	expect_record UNIX_SOCK "UNIX socket obj 13, type 2: no address, connected to /run/app/log.sock, flags none"
	expect_record UNIX_PAIR "UNIX socket pair, type 1"
	expect_out_fixed "   end obj 11: 3 bytes queued in 1 message, flags none, address srv.sock"
	expect_out_fixed "   end obj 12: 0 bytes queued in 0 messages, flags bound, address @cli"
	expect_record FILE "fd 3 unix  flags O_RDWR|O_NONBLOCK  pos 0  obj 9"
	expect_record FILE "fd 4 unix  flags O_RDWR  pos 0  obj 10"
	expect_record FILE "fd 7 unix  flags O_RDWR  pos 0  obj 13"
	# the listener's record holds its address and path (8 + 17 bytes), padded to 32
	expect_out "^ *288  UNIX_SOCK  *112  "
	expect_out "^ *448  UNIX_SOCK  *88  "
	# the pair's: a message length, 3 bytes, addresses of 8 + 4 bytes, padded to 24
	expect_out "^ *584  UNIX_PAIR  *136  "
	# the client's: its peer's name (17 bytes), padded to 24
	expect_out "^ *816  UNIX_SOCK  *104  "
	run 0 "$CKPTINFO" --verify "$img"
	expect_out "valid image: 13 records, 1008 bytes"
	;;
ckptinfo_unix_json)
	run 0 "$CKPTINFO" --json "$(image unix)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert [r["type_name"] for r in j["records"]].count("UNIX_SOCK") == 3
	task = j["contents"]["tasks"][0]
	assert [(f["fd"], f["kind"], f["kind_name"], f["objref"]) for f in task["files"]] == [
	    (3, 12, "unix", 9), (4, 12, "unix", 10), (5, 12, "unix", 11), (6, 12, "unix", 12),
	    (7, 12, "unix", 13)
	], task["files"]
	listener, dgram, client = task["unix_socks"]
	assert listener["offset"] == 288 and task["files"][0]["offset"] == 288 + 112, listener
	assert (listener["objref"], listener["type"], listener["backlog"], listener["mode"]) == (
	    9, 1, 16, 0o755), listener
	assert (listener["flags"], listener["flag_names"]) == (
	    0x1 | 0x40 | 0x80, "nonblock bound listening"), listener
	assert (listener["addr_len"], listener["addr"], listener["path"]) == (
	    8, "srv.sock", "/run/app/srv.sock"), listener
	assert (listener["peer_len"], listener["peer"]) == (0, None), listener
	assert listener["peek_off"] == -1, listener
	assert (dgram["objref"], dgram["type"], dgram["flag_names"]) == (
	    10, 2, "passcred bound"), dgram
	assert (dgram["addr_len"], dgram["addr"], dgram["path"], dgram["mode"]) == (
	    8, "@app@log", None, 0), dgram
	assert (dgram["peer_len"], dgram["peer"]) == (0, None), dgram
	assert client["offset"] == 816 and task["files"][4]["offset"] == 816 + 104, client
	assert (client["objref"], client["type"], client["flags"], client["flag_names"]) == (
	    13, 2, 0, "none"), client
	assert (client["addr_len"], client["addr"], client["path"]) == (0, None, None), client
	assert (client["peer_len"], client["peer"]) == (17, "/run/app/log.sock"), client
	[pair] = task["unix_pairs"]
	assert (pair["offset"], pair["type"]) == (584, 1), pair
	assert [(e["objref"], e["flag_names"], e["messages"], e["bytes"], e["addr_len"], e["addr"])
	        for e in pair["ends"]] == [
	    (11, "none", 1, 3, 8, "srv.sock"), (12, "bound", 0, 0, 4, "@cli")], pair
	assert pair["ends"][1]["flags"] == 0x40, pair
	EOF
	;;
ckptinfo_netlink)
	img=$(image netlink)
	run 0 "$CKPTINFO" "$img"
	expect_record NETLINK_SOCK "netlink socket obj 7, type raw, protocol route: port 4242, groups 1 5 65, flags bound nonblock ext_ack strict_chk rcvbuf"
	expect_out_fixed "   socket options: rcvbuf 1048576"
	expect_record NETLINK_SOCK "netlink socket obj 8, type dgram, protocol route: port 4243 -> port 0 group 3, no groups, flags bound connected pktinfo passcred sndbuf"
	expect_out_fixed "   socket options: sndbuf 65536, sndtimeo 250000000 ns, rcvtimeo 2000000000 ns"
	expect_record NETLINK_SOCK "netlink socket obj 9, type raw, protocol route: not bound, no groups, flags none"
	expect_record FILE "fd 3 netlink  flags O_RDWR|O_NONBLOCK  pos 0  obj 7"
	expect_record FILE "fd 5 netlink  flags O_RDWR  pos 0  obj 9"
	# the raw socket's record holds two words of groups
	expect_out "^ *288  NETLINK_SOCK  *80  "
	expect_out "^ *416  NETLINK_SOCK  *64  "
	expect_out "^ *528  NETLINK_SOCK  *64  "
	run 0 "$CKPTINFO" --verify "$img"
	expect_out "valid image: 10 records, 680 bytes"
	;;
ckptinfo_netlink_json)
	run 0 "$CKPTINFO" --json "$(image netlink)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert [r["type_name"] for r in j["records"]].count("NETLINK_SOCK") == 3
	task = j["contents"]["tasks"][0]
	assert [(f["fd"], f["kind"], f["kind_name"], f["objref"]) for f in task["files"]] == [
	    (3, 15, "netlink", 7), (4, 15, "netlink", 8), (5, 15, "netlink", 9)
	], task["files"]
	raw, dgram, unbound = task["netlink_socks"]
	assert raw["offset"] == 288 and task["files"][0]["offset"] == 288 + 80, raw
	assert (raw["objref"], raw["type"], raw["type_name"], raw["protocol"],
	        raw["protocol_name"]) == (7, 3, "raw", 0, "route"), raw
	assert (raw["flags"], raw["flag_names"]) == (
	    0x1 | 0x4 | 0x80 | 0x100 | 0x800, "bound nonblock ext_ack strict_chk rcvbuf"), raw
	assert (raw["portid"], raw["destination"]) == (4242, None), raw
	assert (raw["ngroups"], raw["groups"]) == (72, [1, 5, 65]), raw
	assert (raw["sndbuf"], raw["rcvbuf"], raw["sndtimeo_ns"], raw["rcvtimeo_ns"]) == (
	    212992, 1048576, 0, 0), raw
	assert (dgram["objref"], dgram["type_name"], dgram["flag_names"]) == (
	    8, "dgram", "bound connected pktinfo passcred sndbuf"), dgram
	assert (dgram["portid"], dgram["destination"]) == (
	    4243, {"portid": 0, "group": 3}), dgram
	assert (dgram["ngroups"], dgram["groups"]) == (0, []), dgram
	assert (dgram["sndbuf"], dgram["sndtimeo_ns"], dgram["rcvtimeo_ns"]) == (
	    65536, 250000000, 2000000000), dgram
	assert (unbound["objref"], unbound["flags"], unbound["flag_names"]) == (
	    9, 0, "none"), unbound
	assert (unbound["portid"], unbound["destination"], unbound["groups"]) == (
	    0, None, []), unbound
	assert task["unix_socks"] == [] and task["inet_socks"] == [], task
	EOF
	;;
ckptinfo_mlock)
	img=$(image mlock)
	run 0 "$CKPTINFO" "$img"
	expect_record TASK 'pid 4242  comm "db"  transparent huge pages disabled  future mappings locked (mlockall MCL_FUTURE), on fault'
	expect_out '  TASK  .*  pid 4243  comm "db"  future mappings locked (mlockall MCL_FUTURE)$'
	expect_record VMA "0x7f0000000000-0x7f0000004000 rw- file  flags SHARED|MAYWRITE  pgoff 0  /var/lib/db/data"
	expect_record VMA "0x7f0000010000-0x7f0000011000 r-- file  flags SHARED  pgoff 0  /etc/db.conf"
	expect_record VMA "0x7f0000020000-0x7f0000022000 rw- anon  flags LOCKED|LOCKONFAULT  pgoff 0"
	expect_out "^totals: 2 tasks, 3 VMAs, 1 page "
	run 0 "$CKPTINFO" --verify "$img"
	expect_out "valid image: 10 records"
	;;
ckptinfo_mlock_json)
	run 0 "$CKPTINFO" --json "$(image mlock)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	t0, t1 = j["contents"]["tasks"]
	assert (t0["pid"], t0["thp_disabled"], t0["lock_future"], t0["lock_onfault"]) == (
	    4242, True, True, True), t0
	assert (t1["pid"], t1["thp_disabled"], t1["lock_future"], t1["lock_onfault"]) == (
	    4243, False, True, False), t1
	assert [(v["kind_name"], v["flags"], v["flag_names"], v["file"], v["pages"])
	        for v in t0["vmas"]] == [
	    ("file", 0x600, "SHARED|MAYWRITE", None, 0),
	    ("file", 0x200, "SHARED", None, 0),
	    ("anon", 0x1800, "LOCKED|LOCKONFAULT", None, 1)], t0["vmas"]
	assert t0["vmas"][0]["path"] == "/var/lib/db/data", t0["vmas"][0]
	EOF
	;;
ckptinfo_sigio)
	img=$(image sigio)
	run 0 "$CKPTINFO" "$img"
	expect_record FILE "fd 3 pipe  flags O_RDONLY|O_ASYNC  pos 0  pipe 1  obj 5"
	expect_record FILE_OWNER "owner of obj 5 (fd 3): process 4242, signal SIGRTMIN+1"
	expect_record FILE "fd 4 unix  flags O_RDWR|O_NONBLOCK|O_ASYNC  pos 0  obj 6"
	expect_record FILE_OWNER "owner of obj 6 (fd 4): thread 4243, signal SIGIO"
	expect_record FILE_OWNER "owner of obj 7 (fd 5): none, signal SIGUSR2"
	expect_record FILE_OWNER "owner of obj 8 (fd 6): process group 4242, signal SIGIO"
	# each right after its FILE record, 32 bytes
	expect_out "^ *392  FILE_OWNER  *32  "
	expect_out "^ *472  FILE_OWNER  *32  "
	expect_out "^ *568  FILE_OWNER  *32  "
	expect_out "^ *664  FILE_OWNER  *32  "
	run 0 "$CKPTINFO" --verify "$img"
	expect_out "valid image: 13 records, 832 bytes"
	;;
ckptinfo_sigio_json)
	run 0 "$CKPTINFO" --json "$(image sigio)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert [r["type_name"] for r in j["records"]].count("FILE_OWNER") == 4
	t0, t1 = j["contents"]["tasks"]
	assert [(f["fd"], f["flags"] & 0o20000 != 0, "O_ASYNC" in f["flag_names"])
	        for f in t0["files"]] == [
	    (3, True, True), (4, True, True), (5, False, False), (6, False, False)], t0["files"]
	assert [(o["offset"], o["objref"], o["fd"], o["pid"], o["type"], o["type_name"],
	         o["signal"]) for o in t0["file_owners"]] == [
	    (392, 5, 3, 4242, 1, "process", "SIGRTMIN+1"),
	    (472, 6, 4, 4243, 0, "thread", "SIGIO"),
	    (568, 7, 5, 0, 0, "thread", "SIGUSR2"),
	    (664, 8, 6, 4242, 2, "process group", "SIGIO")], t0["file_owners"]
	assert [o["signum"] for o in t0["file_owners"]][1:] == [0, 12, 0], t0["file_owners"]
	assert t0["file_owners"][0]["signum"] > 32, t0["file_owners"]
	assert t1["file_owners"] == [], t1
	EOF
	;;
ckptinfo_memfd)
	img=$(image memfd)
	run 0 "$CKPTINFO" "$img"
	expect_record MEMFD 'memfd obj 5: flags NEW  size 10000  seals F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW  mode 0600  name "ring"  2 pages written'
	expect_record VMA "0x7f0000000000-0x7f0000003000 rw- memfd  flags SHARED|MAYWRITE  pgoff 0"
	expect_record MEMFD "memfd obj 5: mapped again"
	expect_record VMA "0x7f0000010000-0x7f0000012000 rw- memfd  flags none  pgoff 0"
	expect_record FILE "fd 3 memfd  flags O_RDWR  pos 0  memfd 5  obj 6"
	expect_record MEMFD 'memfd obj 7: flags NEW  size 4096  seals F_SEAL_WRITE|F_SEAL_FUTURE_WRITE|F_SEAL_EXEC  mode 0700  name "jit code"  0 pages written'
	expect_record FILE "fd 4 memfd  flags O_RDONLY  pos 0  memfd 7  obj 8  cloexec"
	# the memfd's pages, right after its record, then the private mapping's own page
	expect_out "^ *1032  PAGES  *[0-9]*  pages: 2 in 1 record, from 0x0$"
	expect_record PAGES "pages: 1 in 1 record, from 0x7f0000010000"
	# the child's FILE of the same open file, without a MEMFD record
	[ "$(grep -c '  FILE  .*  fd 3 memfd  flags O_RDWR  pos 0  memfd 5  obj 6$' "$tmp/out")" -eq 2 ] ||
		fail "not two FILE records of obj 6"
	[ "$(grep -c '  MEMFD  ' "$tmp/out")" -eq 3 ] || fail "not three MEMFD records"
	expect_out "^totals: 2 tasks, 2 VMAs, 3 pages "
	run 0 "$CKPTINFO" --verify "$img"
	expect_out "valid image: 16 records, "
	;;
ckptinfo_memfd_json)
	run 0 "$CKPTINFO" --json "$(image memfd)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert j["header"]["minor"] >= 10, j["header"]
	assert [r["type_name"] for r in j["records"]].count("MEMFD") == 3
	assert j["totals"]["memfd_records"] == 3, j["totals"]
	t0, t1 = j["contents"]["tasks"]
	assert [m["offset"] for m in t0["memfds"]] == [
	    r["offset"] for r in j["records"] if r["type_name"] == "MEMFD"], t0["memfds"]
	assert t0["memfds"][0]["offset"] == 984, t0["memfds"]
	assert [(m["objref"], m["flags"], m["flag_names"], m["new"], m["size"],
	         m["seals"], m["seal_names"], m["mode"], m["mode_octal"], m["name"], m["pages"])
	        for m in t0["memfds"]] == [
	    (5, 1, "NEW", True, 10000, 7, "F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW",
	     0o600, "0600", "ring", 2),
	    (5, 0, "none", False, 0, 0, "none", 0, "0", "", 0),
	    (7, 1, "NEW", True, 4096, 0x38,
	     "F_SEAL_WRITE|F_SEAL_FUTURE_WRITE|F_SEAL_EXEC", 0o700, "0700", "jit code", 0),
	], t0["memfds"]
	assert [(v["kind"], v["kind_name"], v["flag_names"], v["pages"]) for v in t0["vmas"]] == [
	    (6, "memfd", "SHARED|MAYWRITE", 0), (6, "memfd", "none", 1)], t0["vmas"]
	assert [(f["fd"], f["kind"], f["kind_name"], f["objref"], f["memfd"], f["cloexec"])
	        for f in t0["files"]] == [
	    (3, 16, "memfd", 6, 5, False), (4, 16, "memfd", 8, 7, True)], t0["files"]
	assert t1["memfds"] == [], t1
	assert [(f["fd"], f["objref"], f["memfd"]) for f in t1["files"]] == [(3, 6, 5)], t1
	assert t0["shared_memory"] == [], t0
	EOF
	# a file of another kind has no memfd
	run 0 "$CKPTINFO" --json "$(image sigio)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	t0 = j["contents"]["tasks"][0]
	assert [f["memfd"] for f in t0["files"]] == [None] * 4, t0["files"]
	assert t0["memfds"] == [] and j["totals"]["memfd_records"] == 0, j["totals"]
	EOF
	;;
ckptinfo_deleted)
	img=$(image deleted)
	run 0 "$CKPTINFO" "$img"
	expect_record VMA "0x600000-0x602000 rw- anon  flags none  pgoff 0"
	expect_record DELETED_FILE 'deleted file obj 5: flags NEW  size 10000  mode 0640  path "/var/log/app.log"  2 pages written'
	expect_record VMA "0x7f0000000000-0x7f0000003000 rw- deleted  flags SHARED|MAYWRITE  pgoff 0"
	expect_record DELETED_FILE "deleted file obj 5: mapped again"
	expect_record VMA "0x7f0000010000-0x7f0000012000 r-- deleted  flags none  pgoff 0"
	expect_record FILE "fd 3 deleted  flags O_RDWR|O_APPEND  pos 0  deleted 5  obj 6"
	expect_record DELETED_FILE 'deleted file obj 7: flags NEW  size 4096  mode 0600  path "/tmp/scratch"  0 pages written'
	expect_record FILE "fd 4 deleted  flags O_RDONLY  pos 0  deleted 7  obj 8  cloexec"
	# the anonymous mapping's page, the file's pages right after its record,
	# then the private mapping's own page
	expect_record PAGES "pages: 1 in 1 record, from 0x600000"
	expect_out "^ *5200  PAGES  *[0-9]*  pages: 2 in 1 record, from 0x0$"
	expect_record PAGES "pages: 1 in 1 record, from 0x7f0000010000"
	# the child's FILE of the same open file, without a DELETED_FILE record
	[ "$(grep -c '  FILE  .*  fd 3 deleted  flags O_RDWR|O_APPEND  pos 0  deleted 5  obj 6$' "$tmp/out")" -eq 2 ] ||
		fail "not two FILE records of obj 6"
	[ "$(grep -c '  DELETED_FILE  ' "$tmp/out")" -eq 3 ] || fail "not three DELETED_FILE records"
	expect_out "^totals: 2 tasks, 3 VMAs, 4 pages "
	run 0 "$CKPTINFO" --verify "$img"
	expect_out "valid image: 18 records, "
	;;
ckptinfo_deleted_json)
	run 0 "$CKPTINFO" --json "$(image deleted)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert j["header"]["minor"] >= 10, j["header"]
	assert [r["type_name"] for r in j["records"]].count("DELETED_FILE") == 3
	assert j["totals"]["deleted_file_records"] == 3, j["totals"]
	assert j["totals"]["memfd_records"] == 0, j["totals"]
	t0, t1 = j["contents"]["tasks"]
	assert [d["offset"] for d in t0["deleted_files"]] == [
	    r["offset"] for r in j["records"] if r["type_name"] == "DELETED_FILE"], t0["deleted_files"]
	assert t0["deleted_files"][0]["offset"] == 5152, t0["deleted_files"]
	assert [(d["objref"], d["flags"], d["flag_names"], d["new"], d["size"],
	         d["mode"], d["mode_octal"], d["path"], d["pages"])
	        for d in t0["deleted_files"]] == [
	    (5, 1, "NEW", True, 10000, 0o640, "0640", "/var/log/app.log", 2),
	    (5, 0, "none", False, 0, 0, "0", "", 0),
	    (7, 1, "NEW", True, 4096, 0o600, "0600", "/tmp/scratch", 0),
	], t0["deleted_files"]
	assert [(v["kind"], v["kind_name"], v["flag_names"], v["pages"]) for v in t0["vmas"]] == [
	    (1, "anon", "none", 1), (7, "deleted", "SHARED|MAYWRITE", 0),
	    (7, "deleted", "none", 1)], t0["vmas"]
	assert [(f["fd"], f["kind"], f["kind_name"], f["objref"], f["deleted"], f["memfd"],
	         f["cloexec"]) for f in t0["files"]] == [
	    (3, 17, "deleted", 6, 5, None, False), (4, 17, "deleted", 8, 7, None, True)], t0["files"]
	assert t1["deleted_files"] == [], t1
	assert [(f["fd"], f["objref"], f["deleted"]) for f in t1["files"]] == [(3, 6, 5)], t1
	assert t0["memfds"] == [] and t0["shared_memory"] == [], t0
	EOF
	# a file of another kind has no deleted file, a memfd's neither
	run 0 "$CKPTINFO" --json "$(image memfd)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	t0 = j["contents"]["tasks"][0]
	assert [f["deleted"] for f in t0["files"]] == [None] * 2, t0["files"]
	assert t0["deleted_files"] == [] and j["totals"]["deleted_file_records"] == 0, j["totals"]
	EOF
	;;
ckptinfo_namespaces)
	img=$(image namespaces)
	run 0 "$CKPTINFO" "$img"
	expect_out "^ *120  NAMESPACE  *24  namespace obj 3: UTS, first task 4243$"
	expect_out "^ *144  NAMESPACE  *24  namespace obj 4: IPC, first task 4243$"
	expect_out "^ *168  TREE  *184  3 tasks$"
	expect_out_fixed "pid 4242  ppid 0  pgid 4242  sid 4242  flags SESSION_LEADER|GROUP_LEADER"
	expect_out_fixed "pid 4243  ppid 4242  pgid 4242  sid 4242  flags none  UTS namespace 3  IPC namespace 4"
	expect_record UTS_NS 'UTS namespace obj 3: nodename "box"  domainname "example.org"'
	expect_record IPC_NS "IPC namespace obj 4: 2 System V segments, 2 semaphore sets"
	expect_out_fixed "   shmmax 4294967296  shmall 2097152  shmmni 4096  shm_rmid_forced 1"
	expect_out_fixed "   msgmax 8192  msgmnb 16384  msgmni 32000"
	expect_out_fixed "   sem 32000 1024000000 500 32000"
	expect_out_fixed "   mqueue queues_max 256  msg_max 10  msgsize_max 8192  msg_default 9  msgsize_default 4096"
	expect_out_fixed "   next ids: semaphore sets seq 3 last 1 cursor 2  message queues seq 0 last -1 cursor 0  segments seq 1 last 1 cursor 2"
	expect_record SYSV_SHM "System V segment obj 5: flags NEW  key 0x0000abcd  id 32768  size 10000  mode 0640  owner 1000:1000  creator 1000:100  cpid 4243  lpid 4244  2 pages written"
	expect_out_fixed "   atime 1700000100  dtime 1700000050  ctime 1700000000"
	expect_record SYSV_SHM "System V segment obj 6: flags NEW|RMID  key 0x00000000 (IPC_PRIVATE)  id 65537  size 4096  mode 0600  owner 0:0  creator 0:0  cpid 0  lpid 4243  0 pages written"
	expect_record VMA "0x7f0000000000-0x7f0000003000 rw- sysv shm  flags none  pgoff 0"
	expect_record VMA "0x7f0000000000-0x7f0000003000 r-- sysv shm  flags none  pgoff 0"
	# the segment's pages, right after its record
	expect_out "^ *928  PAGES  *[0-9]*  pages: 2 in 1 record, from 0x0$"
	[ "$(grep -c '  SYSV_SHM  .*  System V segment obj 5: attached again$' "$tmp/out")" -eq 2 ] ||
		fail "not two SYSV_SHM records naming segment 5 again"
	# the semaphore sets after the segments: 3 semaphores, and 20 shown in part
	expect_out "^ *9232  SYSV_SEM  *80  System V semaphore set: key 0x0000abce  id 0  3 semaphores  mode 0660  owner 1000:1000  creator 1000:100$"
	expect_out_fixed "   otime 1700000200  ctime 1700000000"
	expect_out_fixed "   values 1 0 5"
	expect_out_fixed "   pids 4243 0 4244"
	expect_record SYSV_SEM "System V semaphore set: key 0x00000000 (IPC_PRIVATE)  id 32769  20 semaphores  mode 0604  owner 1234:5678  creator 0:0"
	expect_out_fixed "   otime 0  ctime 1700000300"
	expect_out_fixed "   values 0 100 200 300 400 500 600 700 800 900 1000 1100 1200 1300 1400 1500 ... (16 of 20)"
	expect_out_fixed "   pids 4244 4244 0 0 0 0 0 0 0 0 0 0 0 0 0 0 ... (16 of 20)"
	# each process's adjustments, after its namespaces' records
	expect_out "^ *9528  SEM_UNDO  *24  adjustments of semaphore set 0 (3 semaphores): 0 -1 3$"
	expect_out "^ *10424  SEM_UNDO  *56  adjustments of semaphore set 32769 (20 semaphores): 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 ... (16 of 20)$"
	# a task in the checkpointer's namespaces says nothing of them
	grep -q "pid 4242  ppid 0 .*namespace" "$tmp/out" && fail "namespaces of pid 4242 shown"
	expect_out "^totals: 3 tasks, 2 VMAs, 2 pages "
	run 0 "$CKPTINFO" --verify "$img"
	expect_out "valid image: 22 records, "
	# a task in a namespace no NAMESPACE record describes
	run 1 "$CKPTINFO" --verify "$(image badns)"
	expect_err "at byte offset 144: pid 4242 lives in UTS namespace 9, which no NAMESPACE record describes"
	;;
ckptinfo_namespaces_json)
	run 0 "$CKPTINFO" --json "$(image namespaces)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert j["header"]["minor"] >= 11, j["header"]
	c = j["contents"]
	assert c["namespaces"] == [
	    {"offset": 120, "objref": 3, "kind": 1, "kind_name": "UTS", "pid": 4243},
	    {"offset": 144, "objref": 4, "kind": 2, "kind_name": "IPC", "pid": 4243}], c["namespaces"]
	assert [(t["pid"], t["uts_ns"], t["ipc_ns"]) for t in c["tree"]] == [
	    (4242, None, None), (4243, 3, 4), (4244, 3, 4)], c["tree"]
	t0, t1, t2 = c["tasks"]
	assert t0["uts_namespaces"] == [] and t0["ipc_namespaces"] == [] and t0["sysv_shms"] == []
	assert t1["uts_namespaces"] == [
	    {"offset": 544, "objref": 3, "nodename": "box", "domainname": "example.org"}], t1
	[ipc] = t1["ipc_namespaces"]
	assert (ipc["offset"], ipc["objref"], ipc["nr_shm"], ipc["nr_sem"]) == (696, 4, 2, 2), ipc
	assert (ipc["shmmax"], ipc["shmall"], ipc["shmmni"], ipc["shm_rmid_forced"]) == (
	    1 << 32, 2097152, 4096, 1), ipc
	assert (ipc["msgmax"], ipc["msgmnb"], ipc["msgmni"]) == (8192, 16384, 32000), ipc
	assert ipc["sem"] == [32000, 1024000000, 500, 32000], ipc
	assert ipc["mqueue"] == {"queues_max": 256, "msg_max": 10, "msgsize_max": 8192,
	                         "msg_default": 9, "msgsize_default": 4096}, ipc
	assert ipc["next_ids"] == {
	    "semaphore_sets": {"seq": 3, "last_idx": 1, "cursor": 2},
	    "message_queues": {"seq": 0, "last_idx": -1, "cursor": 0},
	    "segments": {"seq": 1, "last_idx": 1, "cursor": 2}}, ipc
	s5, s6, again = t1["sysv_shms"]
	assert (s5["offset"], s5["objref"], s5["flags"], s5["flag_names"], s5["new"], s5["rmid"]) == (
	    840, 5, 1, "NEW", True, False), s5
	assert (s5["key"], s5["key_hex"], s5["id"], s5["size"], s5["pages"]) == (
	    0xabcd, "0x0000abcd", 32768, 10000, 2), s5
	assert (s5["uid"], s5["gid"], s5["cuid"], s5["cgid"], s5["mode"], s5["mode_octal"]) == (
	    1000, 1000, 1000, 100, 0o640, "0640"), s5
	assert (s5["cpid"], s5["lpid"], s5["atime"], s5["dtime"], s5["ctime"]) == (
	    4243, 4244, 1700000100, 1700000050, 1700000000), s5
	assert (s6["objref"], s6["flag_names"], s6["rmid"], s6["key"], s6["key_hex"], s6["id"]) == (
	    6, "NEW|RMID", True, 0, "0x00000000", 65537), s6
	assert (again["objref"], again["new"], again["size"], again["pages"]) == (5, False, 0, 0)
	assert [(v["kind"], v["kind_name"], v["prot_rwx"]) for v in t1["vmas"] + t2["vmas"]] == [
	    (8, "sysv shm", "rw-"), (8, "sysv shm", "r--")], t1["vmas"]
	assert [s["objref"] for s in t2["sysv_shms"]] == [5], t2
	assert t2["uts_namespaces"] == [] and t2["ipc_namespaces"] == [], t2
	assert j["totals"]["sysv_shm_records"] == 4, j["totals"]
	sem0, sem1 = t1["sysv_sems"]
	assert sem0 == {"offset": 9232, "key": 0xabce, "key_hex": "0x0000abce", "id": 0,
	                "uid": 1000, "gid": 1000, "cuid": 1000, "cgid": 100, "mode": 0o660,
	                "mode_octal": "0660", "nsems": 3, "otime": 1700000200,
	                "ctime": 1700000000, "values": [1, 0, 5], "pids": [4243, 0, 4244]}, sem0
	assert (sem1["key"], sem1["key_hex"], sem1["id"], sem1["nsems"], sem1["mode_octal"]) == (
	    0, "0x00000000", 32769, 20, "0604"), sem1
	assert (sem1["uid"], sem1["gid"], sem1["otime"], sem1["ctime"]) == (
	    1234, 5678, 0, 1700000300), sem1
	# JSON has every value, not the first 16
	assert sem1["values"] == [i * 100 for i in range(20)], sem1
	assert sem1["pids"] == [4244, 4244] + [0] * 18, sem1
	assert t1["sem_undos"] == [
	    {"offset": 9528, "id": 0, "nsems": 3, "adjustments": [0, -1, 3]}], t1["sem_undos"]
	assert t2["sysv_sems"] == [] and t0["sysv_sems"] == [] and t0["sem_undos"] == [], t2
	[undo] = t2["sem_undos"]
	assert (undo["id"], undo["nsems"], undo["adjustments"]) == (
	    32769, 20, [2] + [0] * 18 + [-2]), undo
	assert (j["totals"]["sysv_sem_records"], j["totals"]["sem_undo_records"]) == (2, 2), j["totals"]
	EOF
	# an image without a container section
	run 0 "$CKPTINFO" --json "$(image process)"
	python3 - "$tmp/out" <<-'EOF' || fail "unexpected JSON"
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert j["contents"]["namespaces"] == [], j["contents"]
	t = j["contents"]["tree"][0]
	assert (t["uts_ns"], t["ipc_ns"]) == (None, None), t
	assert j["totals"]["sysv_shm_records"] == 0, j["totals"]
	assert (j["totals"]["sysv_sem_records"], j["totals"]["sem_undo_records"]) == (0, 0), j["totals"]
	assert j["contents"]["tasks"][0]["sysv_sems"] == [], j["contents"]["tasks"][0]
	EOF
	;;
ckptinfo_short_record)
	run 1 "$CKPTINFO" "$(image short)"
	expect_err "at byte offset 192: invalid record length 24: a VMA record is at least 48 bytes"
	run 1 "$CKPTINFO" --verify "$(image short)"
	expect_err "at byte offset 192: invalid record length 24"
	;;
restart_process)
	img=$(image process)
	run 1 "$RESTART" -i "$img"
	expect_restore_refused
	run 1 "$RESTART" <"$img"
	expect_restore_refused
	# Through a pipe: the prefix is read, then relayed with the rest.
	"$MKIMAGE" process | "$RESTART" >"$tmp/out" 2>"$tmp/err" && fail "restart succeeded"
	expect_restore_refused
	run 1 "$RESTART" --detach -i "$img"
	expect_restore_refused
	[ -s "$tmp/out" ] && fail "--detach printed a pid for a failed restore"
	"$MKIMAGE" process | "$RESTART" --detach >"$tmp/out" 2>"$tmp/err" && fail "restart succeeded"
	expect_restore_refused
	;;
restart_pid_taken)
	sleep 30 &
	busy=$!
	"$MKIMAGE" process "$busy" >"$tmp/busy.img" || fail "mkimage"
	run 1 "$RESTART" -i "$tmp/busy.img"
	kill "$busy"
	expect_err "^restart: cannot create pid $busy: \(it is taken\|choosing it needs CAP_CHECKPOINT_RESTORE\)$"
	;;
restart_refuses_early)
	run 1 "$RESTART" -i "$(image valid)"
	expect_err "^restart: at byte offset 120: no TREE record after the HEADER: the image holds no process$"
	"$MKIMAGE" failed | "$RESTART" >"$tmp/out" 2>"$tmp/err" && fail "restart succeeded"
	expect_err "^restart: at byte offset 120: the image is incomplete: the checkpoint failed: EOPNOTSUPP: checkpoint of pid 1 is not supported yet$"
	run 1 "$RESTART" -i "$(image truncated)"
	expect_err "truncated"
	run 1 "$RESTART" -i "$(image badns)"
	expect_err "^restart: at byte offset 144: pid 4242 lives in UTS namespace 9, which no NAMESPACE record describes$"
	# a namespace that would have to be joined: refused before any task is created
	run 1 "$RESTART" -i "$(image nsjoin)"
	expect_err "^restart: pid 4244 lives in UTS namespace 3, made by pid 4243, but is created by pid 4242 of another: not supported$"
	run 0 "$CKPTINFO" --verify "$(image nsjoin)"
	;;
checkpoint_fails_cleanly)
	# A process of our own, not the init of a pid namespace: without
	# support the checkpoint fails with ENOSYS (nothing is frozen), with
	# it EPERM or a freezer problem (not root) or EINVAL (root, after
	# freezing and thawing it).  Either way: one sentence, exit 1.
	sleep 30 &
	target=$!
	run 1 "$CHECKPOINT" -o "$tmp/img" "$target"
	kill -0 "$target" || fail "the target died"
	kill "$target"
	expect_err "^checkpoint: "
	[ -e "$tmp/img" ] || fail "the output file was removed"
	expect_err "checkpoint: $tmp/img was left empty\|checkpoint: the incomplete image was kept in $tmp/img"
	run 2 "$CHECKPOINT"
	run 2 "$CHECKPOINT" -- -5
	;;
checkpoint_enosys)
	# The host kernel normally lacks the system calls (ENOSYS); on one
	# that has them, the refusal must still be a sentence.
	sleep 30 &
	target=$!
	"$CHECKPOINT" "$target" >/dev/null 2>"$tmp/err" && fail "checkpoint $target succeeded"
	kill "$target"
	: >"$tmp/out"
	if grep -q "no checkpoint support" "$tmp/err"; then
		expect_err "^checkpoint: this kernel has no checkpoint support: boot a kernel built with CONFIG_CHECKPOINT$"
	else
		expect_err "^checkpoint: "
	fi
	;;
refuses_terminal)
	# stdout (checkpoint) or stdin (restart, ckptinfo) on a terminal.
	run 2 script -qec "'$CHECKPOINT' 1" /dev/null
	expect_out "checkpoint: refusing to write an image to a terminal"
	run 2 script -qec "'$RESTART'" /dev/null
	expect_out "restart: refusing to read an image from a terminal"
	run 2 script -qec "'$CKPTINFO'" /dev/null
	expect_out "ckptinfo: no image"
	;;
restart_fails_cleanly)
	run 1 "$RESTART" -i "$(image valid)"
	expect_err "^restart: "
	run 1 "$RESTART" -i "$tmp/does-not-exist"
	expect_err "does-not-exist: No such file or directory"
	;;
*)
	echo "unknown case $1"
	exit 1
	;;
esac
exit 0
