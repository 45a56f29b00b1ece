#!/bin/bash
# mutation.sh — the topology-change unit tests (tests/unit/test_mutation) under mpirun at every process count (TAP).
#
# The CUnit suite checks each vertex it owns and the graph's totals, so it passes
# only if requests reach the right owners, edges into removed vertices vanish on
# every rank, and values, edge state and waiting messages follow their vertices
# whatever the partition.
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

TEST_MUTATION=${TEST_MUTATION:-$RV_BUILDDIR/tests/unit/test_mutation}
[ -x "$TEST_MUTATION" ] || rv_bail "missing $TEST_MUTATION (run make check)"

for np in $RV_NPS; do
    if rv_mpirun "$np" "$TEST_MUTATION" > "$RV_TMP/mutation.np$np" 2>&1; then
        rv_ok "topology change unit tests pass at np=$np"
    else
        rv_not_ok "topology change unit tests pass at np=$np"
        rv_diag_file "$RV_TMP/mutation.np$np" 30
    fi
done

rv_done
