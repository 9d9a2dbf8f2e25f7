#!/bin/sh
# Runs inside the VM (make bench): for 16, 64 and 256 MiB of touched
# anonymous memory, checkpoint time and image size, restart time (until
# the restored process runs again); in the same run the VM's memcpy and
# tmpfs write and read bandwidth; then for trees of 1, 10 and 100 processes (1 MiB
# touched each) and a process of 100 threads, checkpoint and restart
# time, in total and per task; then 256 MiB of shared anonymous memory in
# one process and shared by a tree of 10; then a process with 1000 TCP connections
# over loopback against the same process with none, per connection;
# last, ours against Debian's criu (tests/bench/criu-vs-ours.sh).
# Prints one "bench:" line per figure.
B=/tests/bench
ms() { echo $((($2 - $1) / 1000000)); }

# measure DIR PID: once PID (which writes timestamps to DIR/progress)
# created DIR/ready, checkpoint --kill it and restart it; sets $ckpt and
# $rst (ms, restart until the restored PID runs again) and $size (bytes).
measure() {
	while [ ! -e $1/ready ]; do sleep 0.05; done
	t0=$($B/now)
	checkpoint --subtree --kill $2 -o $1/img || exit 1
	t1=$($B/now)
	wait $2 2>/dev/null
	sleep 0.5 # killed children go away
	size=$(stat -c %s $1/img)
	t2=$($B/now)
	restart -i $1/img &
	rpid=$!
	while [ "$(cat $1/progress)" -lt "$t2" ]; do :; done
	t3=$($B/now)
	touch $1/stop
	wait $rpid || exit 1
	ckpt=$(ms $t0 $t1)
	rst=$(ms $t2 $t3)
	rm -f $1/img
}

memcpy=$($B/memcpy-bw 64)
t0=$($B/now)
dd if=/dev/zero of=/tmp/dd bs=1M count=256 2>/dev/null
t1=$($B/now)
dd if=/tmp/dd of=/dev/null bs=1M 2>/dev/null
t2=$($B/now)
rm -f /tmp/dd
tmpfs=$((256 * 1048576 * 1000 / ($(ms $t0 $t1) + 1) / 1000000))
tmpfs_read=$((256 * 1048576 * 1000 / ($(ms $t1 $t2) + 1) / 1000000))
echo "bench: memcpy ${memcpy} MB/s, tmpfs write ${tmpfs} MB/s, tmpfs read ${tmpfs_read} MB/s"

for mb in 16 64 256; do
	d=/tmp/bench-$mb
	mkdir -p $d
	$B/memhog $mb $d &
	measure $d $!
	thr=$((size * 1000 / (ckpt + 1) / 1000000))
	rthr=$((size * 1000 / (rst + 1) / 1000000))
	echo "bench: ${mb} MiB: checkpoint ${ckpt} ms, image $((size / 1048576)) MiB, restart ${rst} ms, dump ${thr} MB/s = $((thr * 100 / memcpy))% of memcpy, $((thr * 100 / tmpfs))% of tmpfs write; restore ${rthr} MB/s = $((rthr * 100 / tmpfs_read))% of tmpfs read"
done

for n in 1 10 100 100t; do
	d=/tmp/bench-tree-$n
	mkdir -p $d
	what="tree of ${n%t}" mode=
	[ "$n" = 100t ] && what="process of 100 threads" mode=threads
	$B/forkn ${n%t} $d $mode &
	measure $d $!
	n=${n%t}
	echo "bench: $what: checkpoint ${ckpt} ms ($((ckpt * 1000 / n)) us per task), image $((size / 1048576)) MiB, restart ${rst} ms ($((rst * 1000 / n)) us per task)"
done

# Shared memory: one process with 256 MiB of MAP_SHARED|MAP_ANONYMOUS
# memory, and a tree of 10 processes sharing those 256 MiB (forked after
# the mapping): the object is written and made once, so the tree costs
# about what one process costs, not 10 times.
for n in 1 10; do
	d=/tmp/bench-shared-$n
	mkdir -p $d
	$B/forkn $n $d shared 256 &
	measure $d $!
	eval "ckpt_$n=$ckpt rst_$n=$rst size_$n=$size"
done
echo "bench: 256 MiB shared: 1 process: checkpoint ${ckpt_1} ms, image $((size_1 / 1048576)) MiB, restart ${rst_1} ms; 10 processes sharing it: checkpoint ${ckpt_10} ms ($((ckpt_10 * 100 / (ckpt_1 + 1)))% of one), image $((size_10 / 1048576)) MiB, restart ${rst_10} ms ($((rst_10 * 100 / (rst_1 + 1)))% of one)"

# TCP connections: the difference to the same process without any,
# divided by the number of connections (both ends are in the process).
for n in 0 1000; do
	d=/tmp/bench-tcp-$n
	mkdir -p $d
	$B/tcpconns $n $d &
	measure $d $!
	eval "ckpt_$n=$ckpt rst_$n=$rst size_$n=$size"
done
echo "bench: process with 1000 TCP connections: checkpoint ${ckpt_1000} ms (none: ${ckpt_0} ms; $(((ckpt_1000 - ckpt_0) * 1000 / 1000)) us per connection), image $((size_1000 / 1024)) KiB, restart ${rst_1000} ms (none: ${rst_0} ms; $(((rst_1000 - rst_0) * 1000 / 1000)) us per connection)"

# Ours against CRIU, same kernel, same boot: the ratios ours / CRIU.
sh $B/criu-vs-ours.sh
