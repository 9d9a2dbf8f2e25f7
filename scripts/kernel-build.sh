#!/bin/sh
# Configure and build the test kernel from build/linux into
# build/kbuild-$ARCH: tinyconfig + Kbuild-overlay/configs/vm-$ARCH.config.
# Also installs the UAPI headers (for the selftests) into
# build/kbuild-$ARCH/usr/include.  Incremental: reruns rebuild only
# what changed.
set -eu
. "$(dirname "$0")/lib.sh"

[ -f "$KCONFIG_FRAGMENT" ] || die "no VM config for $ARCH: $KCONFIG_FRAGMENT"
[ -z "$KCONFIG_FLAVOR" ] || [ -f "$KCONFIG_FLAVOR" ] ||
	die "no $KFLAVOR config for $ARCH: $KCONFIG_FLAVOR"
[ -f "$KTREE/.ckpt/base" ] || die "$KTREE is not prepared: run scripts/kernel-prepare.sh"
mkdir -p "$KOUT"

# Fail when an option of the fragment did not stick (a missing
# dependency would otherwise silently drop it).
check_config() {
	bad=0
	while read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qx "$line" "$KOUT/.config" || {
				echo "config: wanted $line, got: $(grep "^${line%%=*}=\|^# ${line%%=*} " "$KOUT/.config" || echo unset)" >&2
				bad=1
			}
			;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			if grep -q "^$opt=" "$KOUT/.config"; then
				echo "config: wanted $opt unset" >&2
				bad=1
			fi
			;;
		esac
	done
	[ "$bad" = 0 ] || die "the kernel config does not match $KCONFIG_FRAGMENT $KCONFIG_FLAVOR"
}

stamp=$KOUT/.ckpt-config.sum
# shellcheck disable=SC2086
sum=$(cat "$KCONFIG_FRAGMENT" $KCONFIG_FLAVOR "$KTREE/.ckpt/series.sum" | sha256sum | cut -d' ' -f1)
if [ ! -f "$KOUT/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
	log "configuring ($ARCH): tinyconfig + $(basename "$KCONFIG_FRAGMENT") ${KCONFIG_FLAVOR:++ $(basename "$KCONFIG_FLAVOR")}"
	kmake -s tinyconfig >/dev/null
	# shellcheck disable=SC2086
	KCONFIG_CONFIG=$KOUT/.config "$KTREE/scripts/kconfig/merge_config.sh" \
		-m -O "$KOUT" "$KOUT/.config" "$KCONFIG_FRAGMENT" $KCONFIG_FLAVOR >/dev/null
	kmake -s olddefconfig >/dev/null
	# shellcheck disable=SC2086
	cat "$KCONFIG_FRAGMENT" $KCONFIG_FLAVOR | check_config
	echo "$sum" >"$stamp"
fi

log "building the ${KFLAVOR:+$KFLAVOR }kernel ($ARCH)"
kmake -s "$(basename "$KIMAGE")"
kmake -s headers_install >/dev/null
echo "$KOUT/$KIMAGE"
