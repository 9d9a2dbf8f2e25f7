#!/bin/sh
# usage: console-scan.sh CONSOLE_LOG
# Fails (exit 1) and prints the offending lines when the kernel console
# shows a warning, a BUG, an oops, a panic, a lockup or a sanitizer
# report.
set -eu
pattern='WARNING:|BUG:|kernel BUG at|Oops|general protection fault|Kernel panic|Call Trace:|UBSAN:|KASAN:|KFENCE:|kmemleak: [0-9]+ new suspected|unreferenced object|INFO: task .* blocked|soft lockup|hard LOCKUP|RCU stall'
if grep -nE "$pattern" "$1"; then
	echo "kernel console of $1 is not clean (lines above)" >&2
	exit 1
fi
