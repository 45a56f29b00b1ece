#!/bin/bash
# checkpoint_np.sh — the checkpoint unit tests (tests/unit/test_checkpoint) under mpirun at every process count, and their checkpoints resumed on other counts (TAP).
#
# At each np the suite checkpoints and resumes programs that use every part of the
# state: a list inbox, per-edge state, a master hook that folds every superstep's
# aggregators into the program's data, a custom combiner, and topology changes
# before the checkpoint. Then checkpoints written at one np are resumed at others
# (RV_TEST_CHECKPOINT_CROSS), under hash and METIS placement and across the two: the
# graph that topology changes rebuilt, the values, edge states and inboxes must find
# their new owners, and the results equal runs that were never interrupted.
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

# FROM TO PARTITION-WHEN-WRITTEN PARTITION-WHEN-RESUMED: METIS keeps the owners in a
# directory spread over the ranks, and vertices that topology changes added live at
# their hash owner; a job may also resume under another partitioner.
for case in "4 1 hash hash" "4 2 hash hash" "4 3 hash hash" "2 3 hash hash" "1 4 hash hash" \
    "4 3 metis metis" "2 4 metis metis" "4 2 metis hash" "3 4 hash metis"; do
    read -r from to written resumed <<< "$case"
    dir=$RV_TMP/cross-$from-$written
    log=$RV_TMP/cross-$from-$to-$written-$resumed
    if [ ! -d "$dir" ] && ! RV_TEST_CHECKPOINT_PARTITION=$written RV_TEST_CHECKPOINT_CROSS=write:$dir \
        rv_mpirun "$from" "$TEST_CHECKPOINT" > "$log.write" 2>&1; then
        rv_not_ok "checkpoints written at np=$from ($written)" "exit status $?:"
        rv_diag_file "$log.write" 30
        continue
    fi
    desc="checkpoints of np=$from ($written, after topology changes) resumed at np=$to ($resumed) equal uninterrupted runs"
    if RV_TEST_CHECKPOINT_PARTITION=$resumed RV_TEST_CHECKPOINT_CROSS=resume:$dir \
        rv_mpirun "$to" "$TEST_CHECKPOINT" > "$log" 2>&1; then
        rv_ok "$desc"
    else
        rv_not_ok "$desc"
        rv_diag_file "$log" 30
    fi
done

rv_done
