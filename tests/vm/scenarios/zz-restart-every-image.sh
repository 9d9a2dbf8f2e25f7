#!/bin/sh
# Every image that checkpoint accepted restarts.  Run last (run-in-vm.sh
# runs the kselftests, then the scenarios in name order), this walks
# /tmp for every checkpoint image the kselftests (kept in
# /tmp/selftest-images: CKPT_KEEP_IMAGES) and the other scenarios left:
# a regular file that starts with a HEADER record, whose 8 bytes of
# magic "LXCKPT\r\n" follow the record's type and length.  Each one that
# `ckptinfo --verify` accepts is restarted with restart --frozen (with
# --pidns for a container image; without --detach, see below), and the
# tree, frozen in the cgroup restart names, is killed: SIGKILL to every
# process of the cgroup, the cgroup thawed and removed, the pids gone.
# One line per image:
#
#   restarted       restart restored the tree: frozen in its cgroup, its
#                   root with the image's pid (pid 1 of a new pid
#                   namespace for a container); restart exited 137 once
#                   the tree was killed
#   FAILED          accepted, but restart failed or the tree could not be
#                   removed; or a pid restart needs (a task's, or that of
#                   a session or group whose leader exited) is taken by a
#                   live process, which the test that made the image
#                   should have ended; or ckptinfo rejects an image that
#                   holds no ERROR record and is not named as damaged
#   refused         the checkpoint failed: the image holds an ERROR
#                   record, ckptinfo --verify calls it incomplete
#   damaged         named *.cut or *.bad: a test cut or altered it on
#                   purpose and named it so (the rule for such images);
#                   not read
#   stale           accepted, but it cannot work here any more: a file it
#                   reopens by path (open file, mapped file, executable,
#                   working or root directory) no longer exists, or a pid
#                   it needs is now the test harness's own (pid reuse)
#   not tried       the walk ran out of time (20 s before the scenario
#                   timeout of run-in-vm.sh)
#
# then a summary.  Fails if any image FAILED or was not tried, or if fewer
# than 10 images were found or tried (the walk must not pass vacuously).
. /tests/vm/lib.sh

W=/tmp/zz-restart-every-image
rm -rf "$W"
mkdir -p "$W"
printf 'LXCKPT\r\n' >"$W/magic"
read -r t0 _ </proc/uptime
# Stop trying 20 s before run-in-vm.sh's timeout would end this scenario
# (CKPT_TEST_TIMEOUT: three times the other scenarios', 540 s by
# default), so that the summary is printed.
deadline=$((${t0%.*} + ${CKPT_TEST_TIMEOUT:-180} - 20))

# Where to look: /tmp and every tmpfs mounted below it (find -xdev stays
# on one file system; a bind mount of /tmp below it shows the same files
# again: they count once, under their shortest path).  Other mounts below
# /tmp (bind mounts of /proc or /dev) are not searched, and said so.
roots=/tmp
while read -r _ mnt fstype _; do
	case "$mnt" in
	/tmp/*) ;;
	*) continue ;;
	esac
	if [ "$fstype" = tmpfs ]; then
		roots="$roots $mnt"
	else
		echo "not searched: $mnt ($fstype)"
	fi
done </proc/mounts
# (grep reads each file up to its first line with the magic; cmp then
# checks bytes 8 to 15 of those)
for r in $roots; do
	find "$r" -xdev -type f -size +15c -exec grep -l -m 1 'LXCKPT' {} + 2>/dev/null
done | while read -r f; do
	cmp -s -n 8 "$f" "$W/magic" 8 0 && echo "$(stat -c %d:%i "$f") $f"
done | awk -v w="$W/" '{
	key = $1
	sub(/^[^ ]* /, "")
	if (!(key in best) || length($0) < length(best[key]))
		best[key] = $0
} END {
	for (k in best)
		if (index(best[k], w) != 1)
			print best[k]
}' | sort >"$W/images"

# The test harness: this shell and its ancestors, up to pid 1.
harness=
p=$$
while [ -n "$p" ] && [ "$p" != 0 ]; do
	harness="$harness $p "
	p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
done

# The cgroup restart makes its cgroups in: this shell's.
cgparent=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
cgparent=${cgparent%/}

# who PID: what process has PID now.
who() {
	printf '%s (pid %s, parent %s: %s)' "$(cat "/proc/$1/comm" 2>/dev/null)" "$1" \
		"$(awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" \
		"$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | cut -c1-120)"
}

# restart_cgroups: the cgroups restart --frozen made and left, one a line.
restart_cgroups() {
	for c in "$cgparent"/restart-*; do
		[ -d "$c" ] && echo "$c"
	done
}

# remove_cgroup CG: SIGKILL every process in CG, thaw it (so that they
# die), remove it (unless restart did, once the root ended); adds the
# pids it had to $had.  1 if it stays.
remove_cgroup() {
	i=0
	until rmdir "$1" 2>/dev/null || [ ! -d "$1" ]; do
		procs=$(cat "$1/cgroup.procs" 2>/dev/null)
		had="$had $procs"
		[ -z "$procs" ] || kill -KILL $procs 2>/dev/null
		echo 0 2>/dev/null >"$1/cgroup.freeze"
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.1
	done
}

# left PID...: those of the pids that still exist after 10 s at most.
left() {
	i=0
	for p in "$@"; do
		while [ -d "/proc/$p" ] && [ $i -lt 100 ]; do
			i=$((i + 1))
			sleep 0.1
		done
	done
	for p in "$@"; do
		[ -d "/proc/$p" ] && echo "$p"
	done
}

found=0 restarted=0 failed=0 refused=0 damaged=0 stale=0 tried=0 late=0

image_failed() {
	failed=$((failed + 1))
	echo "$img: FAILED: $*"
}

image_stale() {
	stale=$((stale + 1))
	echo "$img: stale: $*"
}

# what_restart_needs: from the image's ckptinfo ($W/info), "container"
# if it is a container image, "pid N" for each task of its tree (threads
# too; the root first), "ghost N" for each session or group id that
# restart gives a placeholder task (an id of a task's session or group
# that is no task's pid, other than the root's, for which restart's own
# stand: userspace/lib/tree_plan.h), "path P" for each path restart
# reopens (open files, mapped files, executables, working and root
# directories, the directories deleted files are made again in).
what_restart_needs() {
	awk '
	$1 == "flags" && $3 ~ /CONTAINER/ {
		print "container"
	}
	$1 == "pid" && $2 ~ /^[0-9]+$/ {
		print "pid " $2
		task[$2] = 1
		for (k = 3; k < NF; k++)
			if ($k == "pgid" || $k == "sid") {
				if (!root)
					rootid[$(k + 1)] = 1
				id[$(k + 1)] = 1
			}
		root = $2
	}
	END {
		for (g in id)
			if (g != 0 && !(g in task) && !(g in rootid))
				print "ghost " g
	}
	$2 == "FILE" && ($6 == "reg" || $6 == "dir" || $6 == "chr") ||
	$2 == "VMA" && $6 == "file" {
		i = index($0, "  /")
		if (i)
			print "path " substr($0, i + 2)
	}
	$2 == "DELETED_FILE" && match($0, /  path "[^"]*"/) {
		p = substr($0, RSTART + 8, RLENGTH - 9)
		sub(/\/[^\/]*$/, "", p)
		print "path " (p == "" ? "/" : p)
	}
	$2 == "MM" && match($0, /  exe \/.*  vdso /) {
		print "path " substr($0, RSTART + 6, RLENGTH - 13)
	}
	$2 == "FS" && (i = index($0, "  cwd /")) {
		s = substr($0, i + 6)
		j = index(s, "  root ")
		if (j) {
			print "path " substr(s, 1, j - 1)
			print "path " substr(s, j + 7)
		} else {
			print "path " s
		}
	}' "$W/info" >"$W/needs"
}

# running PID: PID exists and is not a zombie.
running() {
	read -r _ _ st _ 2>/dev/null <"/proc/$1/stat" && [ "$st" != Z ]
}

# says FILE PATTERN: a line of FILE matches the shell pattern PATTERN.
says() {
	while read -r l; do
		case "$l" in
		$2) return 0 ;;
		esac
	done 2>/dev/null <"$1"
	return 1
}

# has_line FILE LINE: FILE has the line LINE.
has_line() {
	while read -r l; do
		[ "$l" = "$2" ] && return 0
	done 2>/dev/null <"$1"
	return 1
}

# frozen CG: CG is frozen, or gets so within 5 s (the cgroup freezer
# freezes the tasks one by one after restart wrote cgroup.freeze).
frozen() {
	i=0
	until has_line "$1/cgroup.events" "frozen 1"; do
		i=$((i + 1))
		[ $i -lt 50 ] || return 1
		sleep 0.1
	done
}

# try: restart the image $img (its ckptinfo in $W/info), check the tree,
# remove it.
try() {
	what_restart_needs
	container= pids= ghosts= root= gone_files=
	while read -r kind what; do
		case "$kind" in
		container) container=yes ;;
		pid) pids="$pids $what" root=${root:-$what} ;;
		ghost) ghosts="$ghosts $what" ;;
		path) [ -e "$what" ] || case "$gone_files" in
			*" $what;"*) ;;
			*) gone_files="$gone_files $what;" ;;
			esac ;;
		esac
	done <"$W/needs"
	[ -n "$root" ] || { image_failed "ckptinfo shows no task in its TREE record"; return; }
	[ -z "$gone_files" ] || { image_stale "no longer there:${gone_files%;}"; return; }

	# (a container's pids are those of a new pid namespace)
	[ -n "$container" ] || for p in $pids $ghosts; do
		[ -e "/proc/$p" ] || continue
		case " $ghosts " in
		*" $p "*) as="pid $p, that of a session or group of its tree whose leader exited," ;;
		*) as="pid $p of its tree" ;;
		esac
		case "$harness" in
		*" $p "*)
			image_stale "$as is now the test harness's: $(who "$p")"
			return ;;
		esac
		image_failed "$as is taken by a live process, which the test that made" \
			"the image should have ended: $(who "$p")"
		return
	done

	tried=$((tried + 1))
	before=$(restart_cgroups)
	# Not --detach: a restored process with a parent-death signal (the
	# counter test program, the kselftests' targets) would get it when
	# the detaching helper exits.  restart stays the root's parent, and
	# says where the tree is frozen once restart() succeeded.
	cmd="restart ${container:+--pidns }--frozen -i $img"
	: >"$W/out"
	: >"$W/err"
	restart ${container:+--pidns} --frozen -i "$img" </dev/null >>"$W/out" 2>>"$W/err" &
	rs=$!
	i=0
	until says "$W/err" "* is frozen in *"; do
		running "$rs" || break
		i=$((i + 1))
		[ $i -lt 600 ] || break
		sleep 0.1
	done
	set -- $(sed -n 's/.*(root pid \([0-9]*\)) is frozen in \([^:]*\): thaw it.*/\1 \2/p' "$W/err")
	rpid=$1 cg=$2

	why=
	if [ -z "$cg" ]; then
		if running "$rs"; then
			why="'$cmd' restored no tree within 60 s"
			kill -KILL "$rs"
		fi
		wait "$rs"
		rc=$?
		why=${why:-"'$cmd' exited $rc and restored no tree"}
		rs=
	elif [ ! -d "$cg" ]; then
		why="$cg, where restart says the tree is frozen, does not exist"
	elif ! frozen "$cg"; then
		why="$cg is not frozen after 5 s"
	elif ! has_line "$cg/cgroup.procs" "$rpid"; then
		why="the restored root $rpid is not in $cg"
	elif [ -z "$container" ] && [ "$rpid" != "$root" ]; then
		why="the restored root is $rpid, not the image's root $root"
	elif [ -n "$container" ] &&
		[ "$(awk '/^NSpid:/ { print $NF }' "/proc/$rpid/status" 2>/dev/null)" != 1 ]; then
		why="the restored root $rpid is not pid 1 in its pid namespace"
	fi
	n=0
	[ -n "$cg" ] && [ -d "$cg" ] && n=$(wc -l <"$cg/cgroup.procs")

	# remove what restart made: the cgroup it named, any other it left
	had=
	for c in $(restart_cgroups); do
		case "
$before
" in
		*"
$c
"*) [ "$c" = "$cg" ] || continue ;;
		esac
		remove_cgroup "$c" || why="${why:+$why; }cannot remove $c: $(tr '\n' ' ' <"$c/cgroup.procs")"
	done
	# restart ends (10 s at most) with the root's status: killed by SIGKILL
	if [ -n "$rs" ]; then
		i=0
		while running "$rs" && [ $i -lt 100 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		if running "$rs"; then
			why="${why:+$why; }'$cmd' did not end once the tree was killed"
			kill -KILL "$rs"
		fi
		wait "$rs"
		rc=$?
		[ "$rc" = 137 ] ||
			why="${why:+$why; }'$cmd' exited $rc once the tree was killed, not 137"
	fi
	[ -n "$container" ] || had="$had $pids $ghosts"
	still=$(left $rpid $had)
	[ -z "$still" ] ||
		why="${why:+$why; }pids left after SIGKILL: $(for p in $still; do who "$p"; echo; done)"

	if [ -n "$why" ]; then
		image_failed "$why"
		sed 's/^/  | /' "$W/err" | tail -n 20
	else
		restarted=$((restarted + 1))
		[ "$n" = 1 ] && n="1 process" || n="$n processes"
		echo "$img: restarted${container:+ (container)}: root $rpid, $n frozen in $cg"
	fi
}

while read -r img <&3; do
	found=$((found + 1))
	read -r now _ </proc/uptime
	if [ "${now%.*}" -ge "$deadline" ]; then
		late=$((late + 1))
		echo "$img: not tried: out of time"
		continue
	fi
	case "$img" in
	*.cut | *.bad)
		damaged=$((damaged + 1))
		echo "$img: damaged: named *.${img##*.}, not read"
		continue ;;
	esac
	if ! ckptinfo --verify "$img" >"$W/verify" 2>&1; then
		why=$(sed -n 's/.*the image is incomplete: the checkpoint failed: //p' "$W/verify")
		if [ -n "$why" ]; then
			refused=$((refused + 1))
			echo "$img: refused: the checkpoint failed: $why"
		else
			image_failed "ckptinfo --verify rejects it, it holds no ERROR record and is" \
				"not named *.cut or *.bad: $(tail -n 1 "$W/verify")"
		fi
		continue
	fi
	if ! ckptinfo "$img" >"$W/info" 2>&1; then
		image_failed "ckptinfo --verify accepts it but ckptinfo fails: $(tail -n 1 "$W/info")"
		continue
	fi
	try
done 3<"$W/images"

read -r t1 _ </proc/uptime
echo "summary: $found images: $restarted restarted, $failed FAILED, $refused refused" \
	"(the checkpoint failed), $damaged damaged (*.cut, *.bad), $stale stale," \
	"$late not tried (out of time), in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
[ "$failed" = 0 ] || fail "$failed of the images did not restart or were not told apart"
[ "$late" = 0 ] || fail "$late images were not tried: the walk ran out of time"
[ "$found" -ge 10 ] || fail "only $found images found under /tmp: fewer than 10"
[ "$tried" -ge 10 ] || fail "only $tried images could be restarted: fewer than 10"
rm -rf "$W"
