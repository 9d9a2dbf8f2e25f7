#!/bin/sh
# usage: console-scan.sh CONSOLE_LOG
# Fails (exit 1) and prints the offending lines when the kernel console
# shows a warning, a BUG, an oops, a panic, a lockup or a sanitizer
# report.  The call trace of an allocation failure report (warn_alloc():
# "page allocation failure:" or "vmalloc error:" with its gfp mode),
# which the debug lane's fault injection provokes on purpose, is not
# one; any other line of the patterns in the same report still is.
set -eu
pattern='WARNING:|BUG:|kernel BUG at|Oops|general protection fault|Kernel panic|Call Trace:|UBSAN:|KASAN:|KFENCE:|kmemleak: [0-9]+ new suspected|unreferenced object|INFO: task .* blocked|soft lockup|hard LOCKUP|detected stall'
if awk -v pat="$pattern" '
	/(page allocation failure|vmalloc error): .*mode:0x/ { alloc = NR }
	$0 ~ pat {
		if ($0 ~ /Call Trace:/ && alloc && NR - alloc <= 3)
			next
		printf "%d:%s\n", NR, $0
		bad = 1
	}
	END { exit !bad }
' "$1"; then
	echo "kernel console of $1 is not clean (lines above)" >&2
	exit 1
fi
