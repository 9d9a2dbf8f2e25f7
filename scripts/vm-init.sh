#!/bin/busybox sh
# /init of the test VM.  Runs /vm/cmd when present, prints its exit
# status between markers that scripts/vm-run.sh looks for, and powers
# off; otherwise starts an interactive shell on the console.
/bin/busybox --install -s /bin
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /sys/fs/cgroup
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup
hostname vm
# the loopback interface is up, as on any machine
ip link set lo up
cd /root

if [ -x /vm/cmd ]; then
	echo "CKPT-VM-BEGIN"
	/vm/cmd </dev/null
	status=$?
	echo "CKPT-VM-EXIT=$status"
else
	echo "checkpoint/restart test VM: 'reboot -f' leaves"
	setsid cttyhack sh -l
fi
sync
reboot -f
