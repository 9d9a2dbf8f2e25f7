#!/bin/sh
# Memory as a distribution kernel leaves it: transparent huge pages
# ("always"), a huge page mapped partly (a page unmapped in it, a part
# made read-only), pages swapped out to zram, pages merged by KSM.
# memcases sets each case up, is checkpointed with --kill and restarted,
# and finds every page as it was (and the KSM copies apart again when
# one is written).  For a glibc static, a musl static and a dynamically
# linked build.  The VM has its 2 CPUs up.
. /tests/vm/lib.sh

thp=/sys/kernel/mm/transparent_hugepage/enabled
ksm=/sys/kernel/mm/ksm
zram=/sys/block/zram0

[ -e "$thp" ] || fail "no $thp: the kernel has no transparent huge pages"
grep -q '\[always\]' "$thp" || fail "transparent huge pages are not 'always': $(cat "$thp")"
[ -d "$ksm" ] || fail "no $ksm: the kernel has no KSM"
[ -d "$zram" ] || fail "no $zram: the kernel has no zram device (CONFIG_ZRAM), so no swap"
[ -b /dev/zram0 ] || fail "no /dev/zram0 block device"

swap_on() {
	echo 1 >"$zram/reset" 2>/dev/null
	echo 64M >"$zram/disksize" || fail "cannot size $zram (disksize)"
	mkswap /dev/zram0 >/dev/null || fail "mkswap /dev/zram0 failed"
	swapon /dev/zram0 || fail "swapon /dev/zram0 failed"
	grep -q '^/dev/zram0 ' /proc/swaps || fail "/dev/zram0 is not in /proc/swaps"
}

swap_off() {
	swapoff /dev/zram0
	echo 1 >"$zram/reset"
}

ksm_run=$(cat "$ksm/run")
trap 'swap_off; echo "$ksm_run" >"$ksm/run"' EXIT
swap_on
echo 20 >"$ksm/sleep_millisecs"
echo 1000 >"$ksm/pages_to_scan"
echo 1 >"$ksm/run"

for v in glibc-static musl-static dynamic; do
	d=/tmp/memcases-$v
	start "$d" "$BIN/$v/memcases" "$d"
	if grep -q "setup failed" "$d/out"; then
		sed 's/^/  > /' "$d/out"
		fail "$v: memcases could not set its cases up"
	fi
	sleep 0.5
	expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
	wait "$pid"
	saved=$(progress "$d")
	expect 0 "valid" ckptinfo --verify "$d/img"
	# stop it once it made progress
	stop_after_progress "$d" "$pid" "$saved"
	expect 0 "" restart -i "$d/img"
	said "$d" "memory cases intact"
	final=$(progress "$d")
	[ "$final" -gt "$saved" ] || fail "$v: no progress after restart ($saved, then $final)"
	echo "$v: restored at step $saved, stopped at $final"
done

swap_off
trap 'echo "$ksm_run" >"$ksm/run"' EXIT
echo "zram swap is off again"

cpus=$(grep -c ^processor /proc/cpuinfo)
[ "$cpus" = 2 ] || fail "the VM has $cpus CPUs up, not 2"
echo "2 CPUs"
