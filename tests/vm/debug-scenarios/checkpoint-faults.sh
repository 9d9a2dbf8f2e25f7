#!/bin/sh
# Checkpoint aborted at every allocation it makes (debug kernel only: it
# needs CONFIG_FAULT_INJECTION, FAILSLAB and FAIL_PAGE_ALLOC).  ckptfail
# checkpoints a counter and a tree of processes with the N-th allocation of the call failing, for every N until a
# checkpoint runs through: each failed checkpoint returns ENOMEM with a
# message on the log (not a refusal of the tree), and the target runs
# on, neither frozen nor stopped.  Then the counter is
# checkpointed for real and restarted: its state is intact.
. /tests/vm/lib.sh

fault_injection_on

c=/tmp/faults
start "$c" "$BIN/glibc-static/counter" "$c"
counter=$pid
expect 0 "ckptfail: .* fault sites" "$BIN/glibc-static/ckptfail" "$counter" "$c"
still_running "$c" "$counter"

# The same on a tree of 16 processes, which checks itself: once told to
# stop, every process must see it and exit (none is left frozen), and
# the root says so.  Its checkpoint makes about 1200 allocations: every
# fourth is made to fail (from a first one picked at random), to keep
# the debug lane short.
t=/tmp/faults-tree
start "$t" "$BIN/glibc-static/forktree" "$t"
tree=$pid
expect 0 "ckptfail: .* fault sites" "$BIN/glibc-static/ckptfail" "$tree" "$t" 4
touch "$t/stop"
gone $(tree_of "$tree" | grep -v "^$tree\$")
wait "$tree" || fail "the tree exited $? after the aborted checkpoints"
said "$t" "tree intact"

expect 0 "" checkpoint --kill --subtree "$counter" -o "$c/img"
wait "$counter"
(sleep 1; touch "$c/stop") &
expect 0 "" restart -i "$c/img"
said "$c" "state intact"
