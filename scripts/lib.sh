# Shared settings of the build scripts.  Source it; do not run it.
# Every script takes the target architecture from $ARCH (default x86_64).

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
ARCH=${ARCH:-x86_64}

case "$ARCH" in
x86_64)
	KARCH=x86
	KIMAGE=arch/x86/boot/bzImage
	QEMU=qemu-system-x86_64
	QEMU_MACHINE="-cpu max"
	CONSOLE=ttyS0
	;;
*)
	echo "$(basename "$0"): architecture '$ARCH' is not supported yet (supported: x86_64)" >&2
	exit 2
	;;
esac

DEBIAN_SRC_TARBALL=${DEBIAN_SRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
KTREE=$BUILD/linux		# the patched source tree
# KFLAVOR=debug selects the debug kernel: the test VM's configuration
# plus Kbuild-overlay/configs/vm-$ARCH-debug.config (sanitizers,
# lockdep, kmemleak, fault injection), built and booted on its own.
KFLAVOR=${KFLAVOR:-}
KOUT=$BUILD/kbuild-$ARCH${KFLAVOR:+-$KFLAVOR}	# kernel build output (O=)
KCONFIG_FRAGMENT=$ROOT/Kbuild-overlay/configs/vm-$ARCH.config
KCONFIG_FLAVOR=${KFLAVOR:+$ROOT/Kbuild-overlay/configs/vm-$ARCH-$KFLAVOR.config}

die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

log() {
	echo "== $*" >&2
}

# make with ccache when present, and a fixed build identity so that
# rebuilds of unchanged files hit the cache.
kmake() {
	cc=gcc
	command -v ccache >/dev/null && cc="ccache gcc"
	KBUILD_BUILD_TIMESTAMP="2024-01-01" KBUILD_BUILD_USER=ckpt \
	KBUILD_BUILD_HOST=vm \
		make -C "$KTREE" O="$KOUT" ARCH="$KARCH" CC="$cc" \
		HOSTCC="$cc" -j"$(nproc)" "$@"
}
