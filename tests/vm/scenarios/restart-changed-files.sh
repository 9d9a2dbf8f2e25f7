#!/bin/sh
# Files that changed between checkpoint and restart.  A dynamic program
# runs from a copy of its executable, with a copy of libm; it is
# checkpointed with --kill.  Restart refuses the image (naming the
# file, and leaving no task) when the executable was replaced by
# another program, when the library was truncated, and when the
# executable was rewritten with the same bytes (a new modification
# time: the rule is size and mtime, see coverage.md).  With the
# original files back (renamed, so size and mtime are the ones saved),
# the restart works and the program counts on with its state intact.
. /tests/vm/lib.sh

d=/tmp/changed
w=/tmp/changed-files
rm -rf "$w"
mkdir -p "$w/lib"
cp "$BIN/dynamic/counter" "$w/counter"
start "$d" env LD_LIBRARY_PATH="$w/lib" "$w/counter" "$d"
libm=$(grep -o '/[^ ]*/libm\.so[^ ]*' "/proc/$pid/maps" | head -1)
kill -9 "$pid"
wait "$pid" 2>/dev/null
[ -n "$libm" ] || fail "the counter maps no libm"
cp "$libm" "$w/lib/$(basename "$libm")"
libm=$w/lib/$(basename "$libm")

start "$d" env LD_LIBRARY_PATH="$w/lib" "$w/counter" "$d"
grep -q " $w/counter\$" "/proc/$pid/maps" || fail "the counter does not run from $w/counter"
grep -q " $libm\$" "/proc/$pid/maps" || fail "the counter does not map $libm"
sleep 0.5
expect 0 "" checkpoint --kill --subtree "$pid" -o "$d/img"
wait "$pid"
saved=$(progress "$d")
expect 0 "MAPPED_FILE" ckptinfo "$d/img"

# refused: restart "CASE" FILE, then put the original FILE back
refused() {
	expect 1 "$2 changed since the checkpoint" restart -i "$d/img"
	gone "$pid"
	mv "$2.orig" "$2"
	echo "$1: refused"
}

mv "$w/counter" "$w/counter.orig"
cp "$BIN/dynamic/sleeper" "$w/counter"
refused "executable replaced" "$w/counter"

mv "$libm" "$libm.orig"
head -c 8192 "$libm.orig" >"$libm"
refused "library truncated" "$libm"

mv "$w/counter" "$w/counter.orig"
sleep 0.1
cat "$w/counter.orig" >"$w/counter"
chmod 755 "$w/counter"
refused "executable rewritten with the same bytes" "$w/counter"

# stop it once it counted on (a debug kernel takes a while to restore)
(i=0; while [ "$(progress "$d")" -le "$saved" ] && [ $i -lt 600 ]; do
	i=$((i + 1)); sleep 0.1; done; touch "$d/stop") &
expect 0 "" restart -i "$d/img"
said "$d" "state intact"
final=$(progress "$d")
[ "$final" -gt "$saved" ] || fail "no progress after restart ($saved, then $final)"
echo "original files back: restored at step $saved, stopped at $final"
