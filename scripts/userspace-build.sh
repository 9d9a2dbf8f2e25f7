#!/bin/sh
# Configure (once) and build the userspace tools, library and unit
# tests into build/userspace.
set -eu
. "$(dirname "$0")/lib.sh"

out=$BUILD/userspace
if [ ! -f "$out/CMakeCache.txt" ]; then
	cmake -S "$ROOT/userspace" -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
cmake --build "$out" -j"$(nproc)" >&2
echo "$out"
