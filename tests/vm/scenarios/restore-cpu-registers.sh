#!/bin/sh
# A process spinning with known values in general purpose, SSE and AVX
# registers and in TLS is checkpointed mid-loop and restarted; it checks
# on every iteration that no register changed.
. /tests/vm/lib.sh

for p in cpuregs cpuregs-avx; do
	for v in glibc-static musl-static dynamic; do
		d=/tmp/$p-$v
		start "$d" "$BIN/$v/$p" "$d"
		sleep 1
		expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
		wait "$pid"
		(sleep 2; touch "$d/stop") &
		expect 0 "" restart -i "$d/img"
		said "$d" "registers intact"
	done
done
