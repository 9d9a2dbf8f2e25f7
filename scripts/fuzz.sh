#!/bin/sh
# A fuzzing campaign on restart(): mutated images (tests/fuzz/ckptfuzz.c)
# fed to the kernel in the test VM; then the VM console is scanned for
# kernel problems.
#
# usage: scripts/fuzz.sh [--count N] [--seed S] [--duration SECONDS] [--start I]
#                        [--timeout SECONDS] [--only NAMES] [--faults PCT]
#        scripts/fuzz.sh --replay IMAGE...
#   --count N        images at most (default: no limit but the duration)
#   --duration SECS  seconds of fuzzing at most (default 600 when no --count)
#   --seed S         the campaign's random seed (default 1): a campaign is
#                    reproducible from it, image I alone with --start I --count 1
#   --start I        number of the first image (default 0)
#   --only NAMES     make only these seeds (names as run-in-vm.sh's, e.g.
#                    "inetsocks unixpairs"), to aim a campaign at the
#                    record kinds they hold
#   --faults PCT     on a kernel with fault injection (the debug one), the
#                    share of the images restarted unmutated with a kernel
#                    allocation failing instead (default 10, 0: none)
#   --timeout SECS   an image restarted by restart(0) that is still in
#                    restart() after SECS is a hang (default 10, 60 on a
#                    debug kernel); through the restart tool, after SECS + 15
#   --replay IMAGE   run kept mutants again, each once, as the campaign did
#                    (after making the seeds, whose files the images name)
# environment:
#   KERNEL_IMAGE     the kernel to boot (default: $KOUT/$KIMAGE of
#                    scripts/lib.sh, the test kernel, or with KFLAVOR=debug
#                    the debug one); an image of build/kbuild-$ARCH-FLAVOR
#                    is booted with KFLAVOR=FLAVOR, any other is handed to
#                    vm-run.sh as VM_KERNEL
#   VMDIR            where the VM's files go (default build/vm-fuzz-$ARCH);
#                    its console.log is the whole console
#   FUZZ_OUT         where the fuzzer, the VM's output and kept mutants go
#                    (default build/fuzz-$ARCH); two campaigns run side by
#                    side need a VMDIR and a FUZZ_OUT each
#
# Prints the campaign's progress, then one line
#   fuzz: N images in T s (R/s), E distinct errnos [..], A accepted, H hangs, crashes C
# and appends the figures to build/fuzz-results.txt.  Mutants that hung
# or preceded a kernel problem are saved in $FUZZ_OUT/kept-DATE/;
# a kernel that died is named with the image it died on.  Exit status 0
# when there was neither a crash nor a hang, 1 otherwise, 2 when the
# campaign could not run.
set -eu
. "$(dirname "$0")/lib.sh"

count=0
seed=1
duration=0
start=0
timeout=
replay=
only=
faults=10
while [ $# -gt 0 ]; do
	case "$1" in
	--count) count=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--start) start=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--faults) faults=$2; shift 2 ;;
	--replay) shift; replay="$*"; break ;;
	-h|--help) sed -n '2,40p' "$0"; exit 0 ;;
	*) echo "fuzz.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
[ "$count" != 0 ] || [ "$duration" != 0 ] || duration=600
fuzz_opts=
[ -z "$timeout" ] || fuzz_opts="--timeout $timeout --tool-timeout $((${timeout%.*} + 15))"

# The kernel: KERNEL_IMAGE, or the one scripts/lib.sh names (KFLAVOR=debug:
# the debug build).  vm-run.sh boots $KOUT/$KIMAGE of its KFLAVOR, so a
# build/kbuild-$ARCH[-FLAVOR] image is booted through KFLAVOR; any other
# needs VM_KERNEL support in vm-run.sh.
kernel=${KERNEL_IMAGE:-$KOUT/$KIMAGE}
[ -f "$kernel" ] || { echo "fuzz.sh: $kernel missing: build the kernel first (make kernel)" >&2; exit 2; }
kernel=$(realpath "$kernel")
build=$(realpath "$BUILD")
vm_flavor=${KFLAVOR:-}
case "$kernel" in
"$build/kbuild-$ARCH/$KIMAGE") vm_flavor= ;;
"$build/kbuild-$ARCH-"*"/$KIMAGE")
	vm_flavor=${kernel#"$build/kbuild-$ARCH-"}
	vm_flavor=${vm_flavor%%/*}
	;;
*)
	if ! grep -q VM_KERNEL "$ROOT/scripts/vm-run.sh"; then
		echo "fuzz.sh: scripts/vm-run.sh cannot boot $kernel (no VM_KERNEL support yet)" >&2
		exit 2
	fi
	;;
esac
# a debug kernel (KASAN, lockdep...) restores about 10 times slower
per_image=3
if [ -n "$vm_flavor" ]; then
	per_image=10
	[ -n "$timeout" ] || fuzz_opts="--timeout 60 --tool-timeout 75"
fi
# the installed UAPI headers of that build, or of the test kernel's
uapi=${kernel%/"$KIMAGE"}/usr/include
[ -f "$uapi/linux/checkpoint_hdr.h" ] || uapi=$BUILD/kbuild-$ARCH/usr/include

out=${FUZZ_OUT:-$BUILD/fuzz-$ARCH}
vmdir=${VMDIR:-$BUILD/vm-fuzz-$ARCH}
mkdir -p "$out/vm" "$vmdir"
console=$vmdir/console.log

# The fuzzer, against the UAPI header as installed by the kernel build.
[ -f "$uapi/linux/checkpoint_hdr.h" ] ||
	{ echo "fuzz.sh: no installed UAPI headers in $uapi: build the kernel first" >&2; exit 2; }
gcc -O2 -Wall -Wextra -Werror -static -isystem "$uapi" \
	-o "$out/vm/ckptfuzz" "$ROOT/tests/fuzz/ckptfuzz.c" || exit 2
cp "$ROOT/tests/fuzz/run-in-vm.sh" "$out/vm/run-in-vm.sh"
chmod 755 "$out/vm/run-in-vm.sh"
[ -x "$BUILD/vm-tests-$ARCH/glibc-static/counter" ] || "$ROOT/scripts/vm-tests-build.sh" >/dev/null ||
	exit 2

# --replay: the images as they are, in a VM of their own.
if [ -n "$replay" ]; then
	rm -rf "$out/replay"
	mkdir -p "$out/replay"
	names=
	for f in $replay; do
		cp "$f" "$out/replay/" || exit 2
		names="$names /replay/$(basename "$f")"
	done
	rc=0
	KFLAVOR=$vm_flavor VM_KERNEL=$kernel VMDIR=$vmdir "$ROOT/scripts/vm-run.sh" --timeout 600 --mem 2048 \
		--console "$console" \
		--add "$BUILD/vm-tests-$ARCH:/tests/bin" --add "$ROOT/tests/vm:/tests/vm" \
		--add "$out/vm:/fuzz" --add "$out/replay:/replay" \
		-- /fuzz/run-in-vm.sh --replay $fuzz_opts $names >"$out/replay.out" 2>&1 || rc=$?
	grep -vE '^seed ' "$out/replay.out" || true
	crashes=0
	"$ROOT/tests/host/console-scan.sh" "$console" || crashes=1
	echo "fuzz: replay exit status $rc, kernel problems: $crashes (console: $console)"
	[ "$rc" = 0 ] && [ "$crashes" = 0 ]
	exit
fi

# VM time: making the seeds, the campaign (an image takes well under
# $per_image s), the report.
if [ "$duration" != 0 ]; then
	budget=$duration
	[ "$count" = 0 ] || [ $((count * per_image)) -ge "$budget" ] || budget=$((count * per_image))
else
	budget=$((count * per_image))
fi
vm_timeout=$((budget + 300))

stamp=$(date +%Y%m%d-%H%M%S)
log "fuzzing restart() on $kernel: seed $seed, ${count} images at most (0: no limit)," \
	"${duration} s at most (0: no limit); console: $console"
# progress lines as the console fills (tr and the console buffer them a little)
: >"$console"
tail -n +1 -F --pid=$$ "$console" 2>/dev/null | grep --line-buffered '^ckptfuzz: progress:' &
watcher=$!
rc=0
KFLAVOR=$vm_flavor VM_KERNEL=$kernel VMDIR=$vmdir "$ROOT/scripts/vm-run.sh" --timeout "$vm_timeout" --mem 2048 \
	--console "$console" \
	--add "$BUILD/vm-tests-$ARCH:/tests/bin" --add "$ROOT/tests/vm:/tests/vm" \
	--add "$out/vm:/fuzz" \
	-- "CKPT_FUZZ_ONLY='$only' CKPT_FUZZ_FAULTS='$faults' /fuzz/run-in-vm.sh $count $seed $duration $start $fuzz_opts" \
	>"$out/vm.out" 2>&1 || rc=$?
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true

grep -E '^(seed |ckptfuzz: seed |fuzz: )' "$out/vm.out" || true
# each image that hung or preceded a kernel problem: its mutation, its outcome, the report
for n in $(sed -nE 's/^ckptfuzz: #([0-9]+)(: the kernel reported| hung:).*/\1/p' "$out/vm.out" | sort -un); do
	grep -E "^ckptfuzz: #$n[ :]" "$out/vm.out"
done

# The mutants the VM printed (gzip | base64), into kept-DATE/.
kept=$out/kept-$stamp
mkdir -p "$kept"
awk -v dir="$kept" '
	/^CKPTFUZZ-KEPT-END$/ { if (f) close(f); f = ""; next }
	/^CKPTFUZZ-KEPT / { f = dir "/" $2 ".b64"; next }
	f { print > f }
 ' "$out/vm.out"
if [ -d "$kept" ]; then
	for b in "$kept"/*.b64; do
		[ -f "$b" ] || continue
		case "$b" in
		*.gz.b64) base64 -d <"$b" | gunzip >"${b%.gz.b64}" 2>/dev/null || true ;;
		*) base64 -d <"$b" >"${b%.b64}" 2>/dev/null || true ;;
		esac
		rm -f "$b"
	done
	rmdir "$kept" 2>/dev/null || echo "fuzz: mutants that hung or preceded a kernel problem: $kept"
fi

# The figures: the final summary, or what the lines of a VM that died say.
summary=$(grep -E '^ckptfuzz: [0-9]+ images in ' "$out/vm.out" | tail -1 || true)
grep -E '^ckptfuzz: outcomes: ' "$out/vm.out" | tail -1 || true
if [ -n "$summary" ]; then
	images=$(echo "$summary" | sed -E 's/^ckptfuzz: ([0-9]+) images in ([0-9.]+) s \(([0-9.]+)\/s\).*/\1/')
	secs=$(echo "$summary" | sed -E 's/^ckptfuzz: ([0-9]+) images in ([0-9.]+) s \(([0-9.]+)\/s\).*/\2/')
	rate=$(echo "$summary" | sed -E 's/^ckptfuzz: ([0-9]+) images in ([0-9.]+) s \(([0-9.]+)\/s\).*/\3/')
	errnos=$(echo "$summary" | sed -E 's/.*, ([0-9]+ distinct errnos \[[^]]*\]),.*/\1/')
	accepted=$(echo "$summary" | sed -E 's/.*\], ([0-9]+) accepted, .*/\1/')
	hangs=$(echo "$summary" | sed -E 's/.* ([0-9]+) hangs$/\1/')
else
	# the VM died or timed out before ckptfuzz ended
	images=$(grep -cE '^ckptfuzz: #[0-9]+ [^ ]+\.img: ' "$out/vm.out" || true)
	progress=$(grep -E '^ckptfuzz: progress: ' "$out/vm.out" | tail -1 || true)
	secs=$(echo "$progress" | sed -nE 's/.* images in ([0-9.]+) s .*/\1/p')
	rate=$(echo "$progress" | sed -nE 's/.* s \(([0-9.]+)\/s\).*/\1/p')
	errnos=$(echo "$progress" | sed -nE 's/.*, ([0-9]+ distinct errnos \[[^]]*\]),.*/\1/p')
	accepted=$(echo "$progress" | sed -nE 's/.*\], ([0-9]+) accepted, .*/\1/p')
	hangs=$(grep -cE '^ckptfuzz: #[0-9]+ hung: ' "$out/vm.out" || true)
	: "${secs:=?}" "${rate:=?}" "${errnos:=errnos unknown}" "${accepted:=?}"
fi

# Crashes: the kernel reports on the console (one per report, not per line).
crashes=0
if ! "$ROOT/tests/host/console-scan.sh" "$console" >"$out/console-scan.txt" 2>&1; then
	crashes=$(grep -cE 'WARNING:|BUG:|kernel BUG at|general protection fault|UBSAN:|KASAN:|KFENCE:|kmemleak|INFO: task .* blocked|soft lockup|hard LOCKUP|detected stall|possible (circular|recursive) locking|inconsistent lock state' \
		"$console" || true)
	[ "$crashes" -gt 0 ] || crashes=1
	echo "fuzz: the kernel reported problems (first lines; all in $out/console-scan.txt):"
	head -20 "$out/console-scan.txt" | sed 's/^/  /'
fi
if [ "$rc" = 125 ] || [ "$rc" = 124 ]; then
	[ "$rc" = 125 ] && [ "$crashes" = 0 ] && crashes=1
	last=$(grep -E '^ckptfuzz: #[0-9]+ [^ ]+\.img: ' "$console" | tail -1)
	if [ "$rc" = 125 ]; then
		echo "fuzz: the VM died (status $rc); the last image it ran:"
	else
		echo "fuzz: the VM did not finish in ${vm_timeout} s; the last image it ran:"
	fi
	echo "  ${last:-none}"
	echo "  replay: scripts/fuzz.sh --seed $seed --start $(echo "$last" | sed -nE 's/^ckptfuzz: #([0-9]+) .*/\1/p') --count 1"
elif [ "$rc" = 2 ]; then
	echo "fuzz: the campaign could not run (see $out/vm.out)"
fi

line="fuzz: $images images in $secs s ($rate/s), $errnos, $accepted accepted, $hangs hangs, crashes $crashes"
echo "$line"
printf '%s kernel=%s seed=%s images=%s time=%s rate=%s errnos="%s" accepted=%s hangs=%s crashes=%s\n' \
	"$(date '+%Y-%m-%d %H:%M:%S')" "$kernel" "$seed" "$images" "$secs" "$rate" "$errnos" \
	"$accepted" "$hangs" "$crashes" >>"$BUILD/fuzz-results.txt"
echo "fuzz: whole output in $out/vm.out, console in $console"

[ "$rc" != 2 ] || exit 2
[ "$crashes" = 0 ] && [ "$hangs" = 0 ] && [ "$rc" = 0 ]
