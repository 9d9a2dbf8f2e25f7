#!/bin/sh
# Write the kernel side as a numbered, `git am`-able patch series with
# a cover letter: Kbuild-overlay/series says which patch carries which
# changes to existing files (Kbuild-overlay/patches/) and which new
# files (kernel/).
#
# usage: mkpatchset.sh [OUTPUT_DIR]     (default build/patchset)
set -eu
. "$(dirname "$0")/lib.sh"

out=${1:-$BUILD/patchset}
SERIES=$ROOT/Kbuild-overlay/series
PATCHES=$ROOT/Kbuild-overlay/patches

name=$(git -C "$ROOT" config user.name 2>/dev/null || true)
email=$(git -C "$ROOT" config user.email 2>/dev/null || true)
author="${name:-Checkpoint/Restart Developers} <${email:-ckpt@localhost}>"
date=$(git -C "$ROOT" log -1 --format=%aD 2>/dev/null || date -R)

entries=$(grep -v '^[[:space:]]*\(#\|$\)' "$SERIES")
total=$(echo "$entries" | wc -l)

rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every file under kernel/ must belong to exactly one patch.
(cd "$ROOT/kernel" && find . -type f | sed 's|^\./||' | sort) >"$tmp/all"
: >"$tmp/claimed"

# The diff of one patch: its changes to existing files, then its new files.
patch_diff() {
	sed -n '/^--- a\//,$p' "$PATCHES/$1"
	shift
	for glob in "$@"; do
		found=0
		for f in $(cd "$ROOT/kernel" && eval "ls -d $glob" 2>/dev/null); do
			[ -f "$ROOT/kernel/$f" ] || continue
			found=1
			echo "$f" >>"$tmp/claimed"
			(cd "$ROOT/kernel" && git diff --no-index --no-color --full-index /dev/null "$f") || true
		done
		[ "$found" = 1 ] || die "series: '$glob' matches no file under kernel/"
	done
}

mail_header() { # number subject
	cat <<EOM
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: $author
Date: $date
Subject: [PATCH $1/$total] $2

EOM
}

n=0
echo "$entries" | while read -r patch globs; do
	n=$((n + 1))
	num=$(printf %04d "$n")
	# shellcheck disable=SC2086
	patch_diff "$patch" $globs >"$tmp/$num.diff"
	subject=$(sed -n 's/^Subject: //p;/^$/q' "$PATCHES/$patch")
	file=$out/$num-$(echo "$patch" | sed 's/^[0-9]*-//')
	{
		mail_header "$n" "$subject"
		sed -n '/^$/,/^---$/p' "$PATCHES/$patch" | sed '1d;$d'
		echo
		echo "Signed-off-by: $author"
		echo "---"
		git apply --stat "$tmp/$num.diff"
		echo
		cat "$tmp/$num.diff"
		echo "-- "
		echo "checkpoint-restart"
		echo
	} >"$file"
	echo "$num $subject" >>"$tmp/shortlog"
	cat "$tmp/$num.diff" >>"$tmp/all.diff"
done

sort "$tmp/claimed" | uniq -d | grep . >&2 && die "series: files above belong to more than one patch"
sort -u "$tmp/claimed" | comm -23 "$tmp/all" - | grep . >&2 && die "series: files above under kernel/ belong to no patch"

{
	mail_header 0 "$(sed -n 's/^Subject: //p;/^$/q' "$ROOT/Kbuild-overlay/cover-letter")"
	sed '1,/^$/d' "$ROOT/Kbuild-overlay/cover-letter"
	echo
	sed 's/^[0-9]* /  /' "$tmp/shortlog"
	echo
	git apply --stat "$tmp/all.diff"
	echo
	echo "-- "
	echo "checkpoint-restart"
	echo
} >"$out/0000-cover-letter.patch"
ls "$out"/*.patch
