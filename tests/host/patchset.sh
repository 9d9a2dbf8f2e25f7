#!/bin/sh
# Tests of the generated patch series (make patchset):
#   1. it applies with `git am` to the pristine 6.12 source, and the
#      files it produces are byte for byte those of the prepared tree;
#   2. every patch passes the kernel's checkpatch.pl --strict without
#      errors.
# Prints TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/scripts/lib.sh"

pristine=${KERNEL_SRC:-$BUILD/linux-pristine}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }

"$ROOT/scripts/mkpatchset.sh" "$work/series" >/dev/null || {
	notok "patchset: make patchset"
	echo "1..$n"
	exit 0
}

# A git tree holding the pristine versions of the files the series
# changes (git am touches nothing else).
repo=$work/tree
mkdir -p "$repo"
files=$(sed -n 's|^--- a/||p' "$work"/series/0*.patch | sort -u)
for f in $files; do
	mkdir -p "$repo/$(dirname "$f")"
	cp "$pristine/$f" "$repo/$f"
done
git -C "$repo" init -q
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@t commit -qm pristine
if git -C "$repo" -c user.name=t -c user.email=t@t am -q --whitespace=error-all \
	$(ls "$work"/series/0*.patch | grep -v cover-letter) >"$work/am.log" 2>&1; then
	ok "patchset: git am applies every patch to pristine $(basename "$pristine")"
else
	sed 's/^/# /' "$work/am.log"
	notok "patchset: git am applies every patch to pristine $(basename "$pristine")"
fi

count=$(git -C "$repo" rev-list --count HEAD)
total=$(ls "$work"/series/0*.patch | grep -vc cover-letter)
if [ "$count" = $((total + 1)) ]; then
	ok "patchset: $total commits, one per patch"
else
	notok "patchset: $total commits, one per patch (got $((count - 1)))"
fi

diffs=0
for f in $(git -C "$repo" ls-files); do
	cmp -s "$repo/$f" "$KTREE/$f" || { echo "# differs from the prepared tree: $f"; diffs=1; }
done
if [ "$diffs" = 0 ]; then
	ok "patchset: result equals the prepared tree"
else
	notok "patchset: result equals the prepared tree"
fi

for p in "$work"/series/0*.patch; do
	case "$p" in *cover-letter*) continue ;; esac
	name=$(basename "$p")
	out=$( (cd "$pristine" && ./scripts/checkpatch.pl --strict --terse "$p") 2>&1)
	echo "$out" | sed 's/^/# /'
	if echo "$out" | grep -q "total: 0 errors"; then
		ok "checkpatch --strict: $name"
	else
		notok "checkpatch --strict: $name"
	fi
done
echo "1..$n"
