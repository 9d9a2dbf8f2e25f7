#!/bin/sh
# Boot the test kernel in QEMU (TCG, -smp 2) and run a command in it.
#
# usage: vm-run.sh [--add HOST_PATH[:VM_PATH]]... [--timeout SECONDS]
#                  [--mem MiB] [--console FILE] [--interactive]
#                  [--script FILE | -- COMMAND...]
#
# --add puts a file or folder into the VM (shared libraries of the
# programs in it are added automatically; VM_PATH defaults to
# /extra/NAME).  The command (or script) runs as root in the VM; what it
# prints appears here and its exit status becomes ours.  The checkpoint
# tools are in the VM's PATH.  --interactive gives a shell instead.
#
# Exit status: the command's, or 124 on timeout, or 125 when the VM
# died (kernel panic) before the command finished.  The whole console
# goes to --console FILE (default build/vm-$ARCH/console.log).
# VM_KERNEL=path boots that kernel image instead of the one built
# (KFLAVOR=debug: the debug build's).
set -eu
. "$(dirname "$0")/lib.sh"

adds=""
timeout=600
mem=1024
interactive=0
script=""
console=""
while [ $# -gt 0 ]; do
	case "$1" in
	--add) adds="$adds $2"; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--console) console=$2; shift 2 ;;
	--interactive) interactive=1; shift ;;
	--script) script=$2; shift 2 ;;
	--) shift; break ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done

kernel=${VM_KERNEL:-$KOUT/$KIMAGE}
[ -f "$kernel" ] || die "$kernel missing: run make kernel"
vmdir=${VMDIR:-$BUILD/vm-$ARCH}	# VMDIR: separate VMs may run side by side
mkdir -p "$vmdir"
console=${console:-$vmdir/console.log}

cmdfile=$vmdir/cmd
if [ "$interactive" = 0 ]; then
	if [ -n "$script" ]; then
		cp "$script" "$cmdfile"
	elif [ $# -gt 0 ]; then
		printf '#!/bin/sh\n%s\n' "$*" >"$cmdfile"
	else
		die "give a command, --script FILE or --interactive"
	fi
	chmod 755 "$cmdfile"
	adds="$adds $cmdfile:/vm/cmd"
fi

initrd=$vmdir/initramfs.cpio
# shellcheck disable=SC2086
"$ROOT/scripts/mkinitramfs.sh" "$initrd" $adds

# The debug kernel boots without 5-level paging: with it, KASAN reported a
# wild access in rcu_is_watching() from an interrupt during identify_cpu()
# at boot, before any test ran (not in checkpoint code).  Its soft
# lockup detector waits 60 s (the hung-task one 240 s, in its config):
# under TCG on a busy host a vCPU may not run for seconds, which is no
# kernel bug.
append="console=$CONSOLE loglevel=5 panic=-1 oops=panic"
if [ "${KFLAVOR:-}" = debug ]; then
	QEMU_MACHINE="$QEMU_MACHINE,la57=off"
	append="$append watchdog_thresh=30"
fi
set -- "$QEMU" $QEMU_MACHINE -smp 2 -m "$mem" -nographic -no-reboot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "$append"
if [ "$interactive" = 1 ]; then
	exec "$@"
fi

rc=0
timeout -k 5 "$timeout" "$@" </dev/null 2>&1 | tr -d '\r' >"$console" || true
if grep -q '^CKPT-VM-EXIT=' "$console"; then
	sed -n '/CKPT-VM-BEGIN$/,/^CKPT-VM-EXIT=/p' "$console" | sed '1d;$d'
	rc=$(sed -n 's/^CKPT-VM-EXIT=//p' "$console" | tail -1)
elif grep -q 'CKPT-VM-BEGIN$' "$console"; then
	sed -n '/CKPT-VM-BEGIN$/,$p' "$console" | sed '1d'
	if grep -q 'Kernel panic' "$console"; then
		echo "vm-run: the kernel panicked (see $console)" >&2
		rc=125
	else
		echo "vm-run: timed out after ${timeout}s (see $console)" >&2
		rc=124
	fi
else
	echo "vm-run: the VM did not reach /init (see $console)" >&2
	tail -20 "$console" >&2
	rc=125
fi
exit "$rc"
