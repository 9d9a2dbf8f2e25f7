#!/bin/sh
# Install every Debian 12 package the build, the VM and the tests need.
# Idempotent: packages already present are skipped by apt.
set -eu

PKGS="
build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils rsync git perl
ccache linux-source-6.12
qemu-system-x86 busybox-static criu
cmake g++ pkg-config libgtest-dev libgmock-dev
libcap-dev libnl-3-dev libnl-route-3-dev libnftables-dev python3 libcli11-dev libfmt-dev nlohmann-json3-dev zlib1g-dev
musl-tools
libevent-dev libuv1-dev sqlite3 redis-tools
"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
