#!/bin/sh
# Prepare the patched kernel tree in build/linux:
#   pristine 6.12 source (Debian's linux-source-6.12, or KERNEL_SRC=/path
#   to any 6.12.y tree) + the new files of kernel/ + the Kbuild-overlay
#   patch series.
# Idempotent and fast: unchanged files keep their timestamps, so the
# next kernel build only recompiles what changed.
set -eu
. "$(dirname "$0")/lib.sh"

SERIES=$ROOT/Kbuild-overlay/series
PATCHES=$ROOT/Kbuild-overlay/patches
STATE=$KTREE/.ckpt		# what this script last put into the tree

# The pristine tree: a user's tree, or Debian's tarball unpacked once.
pristine_tree() {
	if [ -n "${KERNEL_SRC:-}" ]; then
		[ -f "$KERNEL_SRC/Makefile" ] || die "KERNEL_SRC=$KERNEL_SRC is not a kernel tree"
		echo "$KERNEL_SRC"
		return
	fi
	dir=$BUILD/linux-pristine
	if [ ! -f "$dir/.unpacked" ]; then
		[ -f "$DEBIAN_SRC_TARBALL" ] || die "$DEBIAN_SRC_TARBALL missing: run scripts/install-deps.sh"
		log "unpacking $DEBIAN_SRC_TARBALL"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -C "$dir" --strip-components=1 -xf "$DEBIAN_SRC_TARBALL"
		touch "$dir/.unpacked"
	fi
	echo "$dir"
}

check_version() {
	v=$(make -s -C "$1" kernelversion 2>/dev/null) || die "$1: cannot read the kernel version"
	case "$v" in
	6.12|6.12.*) ;;
	*) die "$1 is Linux $v; this patch series is for 6.12.y" ;;
	esac
	echo "$v"
}

# Start over from the pristine tree when the base changed.
sync_base() {
	base=$1
	id="$base $(check_version "$base")"
	if [ -f "$STATE/base" ] && [ "$(cat "$STATE/base")" = "$id" ]; then
		return
	fi
	log "copying $base to $KTREE"
	rm -rf "$KTREE"
	mkdir -p "$KTREE"
	(cd "$base" && tar --exclude=./.git --exclude=./.unpacked -cf - .) |
		tar -C "$KTREE" -xf -
	mkdir -p "$STATE"
	echo "$id" >"$STATE/base"
}

series_patches() {
	grep -v '^[[:space:]]*\(#\|$\)' "$SERIES" | awk '{print $1}'
}

# Apply the series; if an older series is applied, take it out first.
apply_series() {
	base=$1
	# only the diffs count: a reworded description changes nothing
	want=$(series_patches | while read -r p; do
		sed -n '/^--- a\//,$p' "$PATCHES/$p"
	done | sha256sum | cut -d' ' -f1)
	have=$(cat "$STATE/series.sum" 2>/dev/null || true)
	[ "$want" = "$have" ] && return

	if [ -d "$STATE/applied" ]; then
		log "reverting the previously applied series"
		for p in $(ls -r "$STATE/applied"); do
			grep -q '^--- a/' "$STATE/applied/$p" || continue
			patch -s -p1 -R -d "$KTREE" <"$STATE/applied/$p" ||
				die "cannot revert $p: remove $KTREE and rerun"
		done
		rm -rf "$STATE/applied"
	fi
	mkdir -p "$STATE/applied"
	for p in $(series_patches); do
		[ -f "$PATCHES/$p" ] || die "series names $p, which is missing"
		if grep -q '^--- a/' "$PATCHES/$p"; then
			log "applying $p"
			# all or nothing: a patch half applied could not be reverted
			patch -s -p1 -N --dry-run -d "$KTREE" <"$PATCHES/$p" >/dev/null ||
				die "$p does not apply to $base (the tree keeps the patches before it)"
			patch -s -p1 -N --no-backup-if-mismatch -d "$KTREE" <"$PATCHES/$p" ||
				die "$p does not apply to $base"
		fi
		cp "$PATCHES/$p" "$STATE/applied/"
	done
	echo "$want" >"$STATE/series.sum"
}

# Copy the new files of kernel/, rewriting only those whose content
# changed, and delete files that left kernel/.
copy_new_files() {
	base=$1
	(cd "$ROOT/kernel" && find . -type f | sed 's|^\./||' | sort) >"$STATE/files.new"
	while read -r f; do
		[ -e "$base/$f" ] && die "kernel/$f exists in the pristine tree: change it with a patch in Kbuild-overlay/ instead"
		if ! cmp -s "$ROOT/kernel/$f" "$KTREE/$f"; then
			mkdir -p "$(dirname "$KTREE/$f")"
			cp "$ROOT/kernel/$f" "$KTREE/$f"
		fi
	done <"$STATE/files.new"
	if [ -f "$STATE/files" ]; then
		comm -23 "$STATE/files" "$STATE/files.new" | while read -r f; do
			rm -f "$KTREE/$f"
		done
	fi
	mv "$STATE/files.new" "$STATE/files"
}

base=$(pristine_tree)
sync_base "$base"
apply_series "$base"
copy_new_files "$base"
echo "$KTREE"
