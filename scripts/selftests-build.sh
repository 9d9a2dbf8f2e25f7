#!/bin/sh
# Build the checkpoint kselftests from the prepared tree, statically
# linked, against the installed UAPI headers of the built kernel, into
# build/selftests-$ARCH.
set -eu
. "$(dirname "$0")/lib.sh"

out=$BUILD/selftests-$ARCH
[ -d "$KOUT/usr/include/linux" ] || die "no installed headers in $KOUT: run scripts/kernel-build.sh"
mkdir -p "$out"
# The programs depend on the UAPI header too, which their Makefile does
# not know: rebuild them when it is newer.
for p in "$out"/checkpoint_* "$out"/restart_*; do
	[ -f "$p" ] && [ "$KOUT/usr/include/linux/checkpoint_hdr.h" -nt "$p" ] && rm -f "$p"
done
make -s -C "$KTREE/tools/testing/selftests/checkpoint" \
	KHDR_INCLUDES="-isystem $KOUT/usr/include" OUTPUT="$out" \
	USERCFLAGS="-static -Werror" >&2
echo "$out"
