#!/bin/bash
# checkpoint_np.sh — the checkpoint unit tests (tests/unit/test_checkpoint) under mpirun at every process count, and their checkpoints resumed on other counts (TAP).
#
# At each np the suite checkpoints and resumes programs that use every part of the
# state: a list inbox, per-edge state, a master hook that folds every superstep's
# aggregators into the program's data, a custom combiner, and topology changes
# before the checkpoint. Then checkpoints written at one np are resumed at others
# (RV_TEST_CHECKPOINT_CROSS): the graph that topology changes rebuilt, the values,
# edge states and inboxes must find their new owners, and the results equal runs
# that were never interrupted.
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

TEST_CHECKPOINT=${TEST_CHECKPOINT:-$RV_BUILDDIR/tests/unit/test_checkpoint}
[ -x "$TEST_CHECKPOINT" ] || rv_bail "missing $TEST_CHECKPOINT (run make check)"

for np in $RV_NPS; do
    if rv_mpirun "$np" "$TEST_CHECKPOINT" > "$RV_TMP/checkpoint.np$np" 2>&1; then
        rv_ok "checkpoint unit tests pass at np=$np"
    else
        rv_not_ok "checkpoint unit tests pass at np=$np"
        rv_diag_file "$RV_TMP/checkpoint.np$np" 30
    fi
done

for pair in "4 1" "4 2" "4 3" "2 3" "1 4"; do
    from=${pair% *}
    to=${pair#* }
    dir=$RV_TMP/cross-$from
    log=$RV_TMP/cross-$from-$to
    if [ ! -d "$dir" ] &&
        ! RV_TEST_CHECKPOINT_CROSS=write:$dir rv_mpirun "$from" "$TEST_CHECKPOINT" > "$log.write" 2>&1; then
        rv_not_ok "checkpoints written at np=$from" "exit status $?:"
        rv_diag_file "$log.write" 30
        continue
    fi
    if RV_TEST_CHECKPOINT_CROSS=resume:$dir rv_mpirun "$to" "$TEST_CHECKPOINT" > "$log" 2>&1; then
        rv_ok "checkpoints of np=$from (after topology changes) resumed at np=$to equal uninterrupted runs"
    else
        rv_not_ok "checkpoints of np=$from (after topology changes) resumed at np=$to equal uninterrupted runs"
        rv_diag_file "$log" 30
    fi
done

rv_done
