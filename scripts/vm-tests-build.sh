#!/bin/sh
# Build the VM scenario programs (tests/vm/programs/*.c) in three
# variants each: glibc static, musl static and glibc dynamic, into
# build/vm-tests-$ARCH/<variant>/; tests/vm/real/*.c (against Debian's
# libraries) and Debian's sqlite3, tail, Redis and nginx go to dynamic/
# only, tests/vm/tools/*.c to glibc-static/ only.
set -eu
. "$(dirname "$0")/lib.sh"

out=$BUILD/vm-tests-$ARCH
src=$ROOT/tests/vm/programs
mkdir -p "$out/glibc-static" "$out/musl-static" "$out/dynamic"
command -v musl-gcc >/dev/null || die "musl-gcc missing: run scripts/install-deps.sh"
flags="-O2 -Wall -Wextra -Werror -pthread"
for c in "$src"/*.c; do
	p=$(basename "$c" .c)
	gcc $flags -static -o "$out/glibc-static/$p" "$c" -lm
	musl-gcc $flags -static -o "$out/musl-static/$p" "$c" -lm
	gcc $flags -o "$out/dynamic/$p" "$c" -lm
done
# cpuregs also in an AVX build, so that ymm state must survive
for v in glibc-static:gcc musl-static:musl-gcc; do
	${v#*:} $flags -mavx -static -o "$out/${v%%:*}/cpuregs-avx" "$src/cpuregs.c"
done
gcc $flags -mavx -o "$out/dynamic/cpuregs-avx" "$src/cpuregs.c"
# Programs written against Debian's libraries as anyone would (linked
# dynamically), and Debian's own programs, for the real-programs scenario
gcc $flags -o "$out/dynamic/evloop" "$ROOT/tests/vm/real/evloop.c" -levent
gcc $flags -o "$out/dynamic/uvloop" "$ROOT/tests/vm/real/uvloop.c" -luv
cp /usr/bin/sqlite3 "$out/dynamic/sqlite3"
cp /usr/bin/tail "$out/dynamic/tail"
# Debian ships the Redis server as redis-check-rdb (redis-tools; the
# redis-server package adds only the name and a service): by that name
# the same binary is the server
cp /usr/bin/redis-check-rdb "$out/dynamic/redis-server"
cp /usr/bin/redis-cli "$out/dynamic/redis-cli"
# Debian's nginx (bookworm: the package nginx holds /usr/sbin/nginx),
# taken out of its .deb: installing it would start a server on port 80
# here.  Its libraries (libcrypt, libpcre2-8, libssl3, zlib) are there
# through scripts/install-deps.sh.
debs=$BUILD/debs
mkdir -p "$debs"
set -- "$debs"/nginx_*.deb
if [ ! -e "$1" ]; then
	# stale package lists (a machine where install-deps.sh had nothing
	# to install) are refreshed once
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	(cd "$debs" && apt-get download nginx) ||
		{ $SUDO apt-get update -qq && (cd "$debs" && apt-get download nginx); } ||
		die "apt-get download nginx failed"
	set -- "$debs"/nginx_*.deb
fi
rm -rf "$debs/nginx"
dpkg-deb -x "$1" "$debs/nginx"
cp "$debs/nginx/usr/sbin/nginx" "$out/dynamic/nginx"
# Test tools that call the system calls themselves, against the UAPI
# header (glibc static only: musl has no <linux/types.h>)
for c in "$ROOT"/tests/vm/tools/*.c; do
	gcc $flags -static -isystem "$ROOT/kernel/include/uapi" \
		-o "$out/glibc-static/$(basename "$c" .c)" "$c"
done
echo "$out"
