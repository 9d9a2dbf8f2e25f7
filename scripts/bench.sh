#!/bin/sh
# make bench: boots the VM and runs tests/bench/bench-in-vm.sh; prints its
# "bench:" lines.  A benchmark, not a test: nothing passes or fails on
# the figures.
set -eu
. "$(dirname "$0")/lib.sh"

out=$BUILD/bench-$ARCH
mkdir -p "$out"
for c in "$ROOT"/tests/bench/*.c; do
	gcc -O2 -Wall -Wextra -Werror -pthread -static -o "$out/$(basename "$c" .c)" "$c"
done
cp "$ROOT/tests/bench/bench-in-vm.sh" "$ROOT/tests/bench/criu-vs-ours.sh" "$out/"
# Debian's criu runs beside our tools (scripts/install-deps.sh installs
# it); its shared libraries come with it (mkinitramfs.sh), it loads no
# other by dlopen() (no plugin in /usr/lib/criu).
criu=""
if [ -x /usr/sbin/criu ]; then
	criu="--add /usr/sbin/criu:/usr/sbin/criu"
else
	echo "bench: vs CRIU: /usr/sbin/criu missing on the host (scripts/install-deps.sh installs it), skipped"
fi
# shellcheck disable=SC2086
"$ROOT/scripts/vm-run.sh" --mem 2048 --timeout 1500 --add "$out:/tests/bench" $criu \
	-- /tests/bench/bench-in-vm.sh | grep '^bench:'
