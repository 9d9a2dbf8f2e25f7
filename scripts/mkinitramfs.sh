#!/bin/sh
# Build an initramfs (uncompressed newc cpio) for the test VM:
#   busybox-static, the VM /init, the checkpoint tools when built, and
#   every extra file or folder given as HOST_PATH[:VM_PATH], with the
#   shared libraries of every ELF program resolved automatically.
#
# usage: mkinitramfs.sh OUTPUT.cpio [HOST_PATH[:VM_PATH]]...
#   A folder is copied with its content; VM_PATH defaults to
#   /extra/<basename of HOST_PATH>.
set -eu
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: mkinitramfs.sh OUTPUT.cpio [HOST_PATH[:VM_PATH]]..."
out=$1
shift

stage=$(mktemp -d "$BUILD/initramfs.XXXXXX")
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" \
	"$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" "$stage/run" \
	"$stage/etc" "$stage/root" "$stage/vm"
[ -x /bin/busybox ] || die "/bin/busybox missing: run scripts/install-deps.sh"
file -L /bin/busybox 2>/dev/null | grep -q dynamic && die "/bin/busybox is not static: install busybox-static"
cp /bin/busybox "$stage/bin/busybox"
cp "$ROOT/scripts/vm-init.sh" "$stage/init"
chmod 755 "$stage/init"
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/false" >>"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"
echo "nogroup:x:65534:" >>"$stage/etc/group"

# The project's tools, when they are built.
for t in checkpoint restart ckptinfo; do
	f=$BUILD/userspace/tools/$t
	[ -x "$f" ] && cp "$f" "$stage/usr/bin/$t"
done

for spec in "$@"; do
	src=${spec%%:*}
	dst=${spec#*:}
	[ "$dst" = "$spec" ] && dst=/extra/$(basename "$src")
	[ -e "$src" ] || die "$src: no such file or folder"
	mkdir -p "$stage$(dirname "$dst")"
	cp -a "$src" "$stage$dst"
done

# Shared libraries (and the dynamic loader) of every ELF program.
find "$stage" -type f -perm -u+x | while read -r f; do
	head -c4 "$f" | grep -q 'ELF' || continue
	ldd "$f" 2>/dev/null | awk '/=> \// {print $3} /^[[:space:]]*\/[^ ]*ld-linux/ {print $1}'
done | sort -u | while read -r lib; do
	[ -e "$stage$lib" ] && continue
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$lib"
done
# glibc programs look for the loader in /lib64 and libraries in /lib.
[ -d "$stage/lib/x86_64-linux-gnu" ] && [ ! -e "$stage/lib64" ] && ln -s lib "$stage/lib64"
if [ -e "$stage/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ] && [ ! -e "$stage/lib/ld-linux-x86-64.so.2" ]; then
	ln -s x86_64-linux-gnu/ld-linux-x86-64.so.2 "$stage/lib/ld-linux-x86-64.so.2"
fi

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
