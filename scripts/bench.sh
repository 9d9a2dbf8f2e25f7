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
cp "$ROOT/tests/bench/bench-in-vm.sh" "$out/"
"$ROOT/scripts/vm-run.sh" --mem 2048 --timeout 1200 --add "$out:/tests/bench" \
	-- /tests/bench/bench-in-vm.sh | grep '^bench:'
