#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools_test.sh CASE: runs the tools on images from mkimage.  The binaries
# come from the environment: MKIMAGE, CKPTINFO, CHECKPOINT, RESTART.
# Output goes to a private directory under /tmp, removed on exit.
set -u

tmp=$(mktemp -d /tmp/cr-tools-test.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	echo "--- stdout:"; cat "$tmp/out"
	echo "--- stderr:"; cat "$tmp/err"
	exit 1
}

# run EXPECTED_STATUS COMMAND...: runs COMMAND, output in $tmp/out and $tmp/err.
run() {
	want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want"
}

# image KIND: an image file from mkimage.
image() {
	"$MKIMAGE" "$1" >"$tmp/$1.img" || fail "mkimage $1"
	echo "$tmp/$1.img"
}

expect_out() { grep -q -e "$1" "$tmp/out" || fail "stdout lacks '$1'"; }
expect_err() { grep -q -e "$1" "$tmp/err" || fail "stderr lacks '$1'"; }

case "$1" in
ckptinfo_valid)
	img=$(image valid)
	run 0 "$CKPTINFO" "$img"
	expect_out "format version  1.0"
	expect_out "HEADER"
	expect_out "tail: valid: 1 records and 120 bytes before it, crc32"
	run 0 "$CKPTINFO" --verify - <"$img"
	expect_out "valid image: 2 records, 160 bytes"
	;;
ckptinfo_pipe)
	"$MKIMAGE" failed | "$CKPTINFO" >"$tmp/out" 2>"$tmp/err" || fail "ckptinfo on a pipe"
	expect_out "ERROR .*EOPNOTSUPP (-95): checkpoint of pid 1 is not supported yet"
	;;
ckptinfo_failed)
	img=$(image failed)
	run 0 "$CKPTINFO" "$img"
	expect_out "EOPNOTSUPP (-95): checkpoint of pid 1 is not supported yet"
	run 1 "$CKPTINFO" --verify "$img"
	expect_err "at byte offset 120: the image is incomplete: the checkpoint failed: EOPNOTSUPP"
	;;
ckptinfo_optional)
	run 0 "$CKPTINFO" --verify "$(image optional)"
	run 0 "$CKPTINFO" "$(image optional)"
	expect_out "0x80000105 .*unknown optional type, skipped"
	;;
ckptinfo_mandatory)
	run 1 "$CKPTINFO" "$(image mandatory)"
	expect_err "at byte offset 120: unknown record type 0x00000105"
	run 1 "$CKPTINFO" --verify "$(image mandatory)"
	expect_err "at byte offset 120: unknown record type 0x00000105"
	;;
ckptinfo_truncated)
	run 1 "$CKPTINFO" "$(image truncated)"
	expect_err "at byte offset 120: end of file inside the TAIL record .*truncated"
	expect_out "tail: missing"
	;;
ckptinfo_corrupt)
	run 1 "$CKPTINFO" --verify "$(image corrupt)"
	expect_err "checksum error"
	;;
ckptinfo_trailing)
	run 0 "$CKPTINFO" --verify "$(image trailing)"
	expect_err "warning: 8 bytes of trailing data"
	;;
ckptinfo_not_an_image)
	printf 'hello, world\n' >"$tmp/text"
	run 1 "$CKPTINFO" "$tmp/text"
	expect_err "at byte offset 0: "
	run 1 "$CKPTINFO" /dev/null
	expect_err "at byte offset 0: the image is empty"
	run 1 "$CKPTINFO" "$tmp/does-not-exist"
	expect_err "does-not-exist: No such file or directory"
	run 1 "$CKPTINFO" "$tmp"
	expect_err "at byte offset 0: read: Is a directory"
	;;
ckptinfo_json)
	run 0 "$CKPTINFO" --json "$(image failed)"
	expect_out '"complete": true'
	expect_out '"valid": false'
	expect_out '"errno_name": "EOPNOTSUPP"'
	python3 -m json.tool "$tmp/out" >/dev/null || fail "invalid JSON"
	run 1 "$CKPTINFO" --json --verify "$(image failed)"
	run 1 "$CKPTINFO" --json "$(image truncated)"
	expect_out '"problem": {'
	expect_err "truncated"
	;;
ckptinfo_usage)
	run 2 "$CKPTINFO" --no-such-option
	run 2 "$CKPTINFO" a b
	run 0 "$CKPTINFO" --help
	expect_out "verify"
	;;
checkpoint_fails_cleanly)
	# No kernel here implements a complete checkpoint yet: without
	# support it fails with ENOSYS, with it (not root) EPERM, (root)
	# EOPNOTSUPP.  Either way: one sentence, exit 1.
	run 1 "$CHECKPOINT" -o "$tmp/img" 1
	expect_err "^checkpoint: "
	[ -e "$tmp/img" ] || fail "the output file was removed"
	expect_err "checkpoint: $tmp/img was left empty\|checkpoint: the incomplete image was kept in $tmp/img"
	run 2 "$CHECKPOINT"
	run 2 "$CHECKPOINT" -- -5
	;;
checkpoint_enosys)
	# The host kernel normally lacks the system calls (ENOSYS); on one
	# that has them, the refusal must still be a sentence.
	"$CHECKPOINT" 1 >/dev/null 2>"$tmp/err" && fail "checkpoint 1 succeeded"
	: >"$tmp/out"
	if grep -q "no checkpoint support" "$tmp/err"; then
		expect_err "^checkpoint: this kernel has no checkpoint support: boot a kernel built with CONFIG_CHECKPOINT$"
	else
		expect_err "^checkpoint: "
	fi
	;;
refuses_terminal)
	# stdout (checkpoint) or stdin (restart, ckptinfo) on a terminal.
	run 2 script -qec "'$CHECKPOINT' 1" /dev/null
	expect_out "checkpoint: refusing to write an image to a terminal"
	run 2 script -qec "'$RESTART'" /dev/null
	expect_out "restart: refusing to read an image from a terminal"
	run 2 script -qec "'$CKPTINFO'" /dev/null
	expect_out "ckptinfo: no image"
	;;
restart_fails_cleanly)
	run 1 "$RESTART" -i "$(image valid)"
	expect_err "^restart: "
	run 1 "$RESTART" -i "$tmp/does-not-exist"
	expect_err "does-not-exist: No such file or directory"
	;;
*)
	echo "unknown case $1"
	exit 1
	;;
esac
exit 0
