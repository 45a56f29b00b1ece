#!/bin/bash
# examples.sh — the user programs in examples/ and the engine's message tests, run at every process count (TAP).
#
# examples/max_value is built by `make check` the way a user builds a program
# (only rivulet.h and the library). On an undirected graph every vertex must end
# with the largest id of its connected component; the components come from
# Debian's python3-igraph, an independent oracle. tests/unit/test_messages runs
# its CUnit suite under mpirun so that messages cross ranks.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

MAX_VALUE=${MAX_VALUE:-$RV_BUILDDIR/examples/max_value}
TEST_MESSAGES=${TEST_MESSAGES:-$RV_BUILDDIR/tests/unit/test_messages}
PYTHON=/usr/bin/python3 # Debian's, which can import python3-igraph

[ -x "$MAX_VALUE" ] || rv_bail "missing $MAX_VALUE (run make check)"
"$PYTHON" -c 'import igraph' 2>/dev/null || rv_bail "python3-igraph is not installed for $PYTHON"

# expected_max_value EDGES OUT: the largest id of each vertex's component, by igraph.
expected_max_value() {
    "$PYTHON" - "$1" > "$2" <<'PY'
import sys, igraph
pairs = [tuple(map(int, l.split()[:2])) for l in open(sys.argv[1]) if l.strip() and l[0] not in "#%"]
ids = sorted({v for p in pairs for v in p})
index = {v: i for i, v in enumerate(ids)}
g = igraph.Graph(n=len(ids), edges=[(index[a], index[b]) for a, b in pairs], directed=False)
best = {}
for component in g.connected_components():
    top = max(ids[i] for i in component)
    for i in component:
        best[ids[i]] = top
for v in ids:
    print(v, best[v])
PY
}

graphs=()
graphs+=("$RV_GRAPHALYTICS/example/example-undirected.e")
graphs+=("$RV_GRAPHALYTICS/test/test-wcc-undirected.e")
# A larger graph with several components and sparse 64-bit ids, when the oracle tool is built.
if [ -x "$RV_ORACLE" ]; then
    "$RV_ORACLE" gen --vertices 400 --edges 420 --seed 11 --undirected --sparse-ids \
        --edges-out "$RV_TMP/sparse.e" --vertices-out "$RV_TMP/sparse.v" >/dev/null 2>&1 &&
        graphs+=("$RV_TMP/sparse.e")
fi

for edges in "${graphs[@]}"; do
    name=$(basename "$edges" .e)
    expected="$RV_TMP/$name.max.expected"
    expected_max_value "$edges" "$expected" || rv_bail "the igraph oracle failed on $edges"
    for np in $RV_NPS; do
        out="$RV_TMP/$name.max.np$np"
        desc="max_value $name np=$np equals the largest id of each igraph component"
        if rv_mpirun "$np" "$MAX_VALUE" "$edges" --undirected > "$out" 2> "$out.err"; then
            rv_validate_check "$desc" --sorted exact "$expected" "$out"
        else
            rv_not_ok "$desc" "max_value exited with status $?"
            rv_diag_file "$out.err"
        fi
    done
done

# A bad file gives the example's one-line error and a non-zero exit.
printf '1 2\n3 oops\n' > "$RV_TMP/bad.e"
if rv_mpirun 2 "$MAX_VALUE" "$RV_TMP/bad.e" > /dev/null 2> "$RV_TMP/bad.err"; then
    rv_not_ok "max_value refuses a bad line" "it exited 0"
elif grep -q "bad.e:2:" "$RV_TMP/bad.err" && [ "$(wc -l < "$RV_TMP/bad.err")" -eq 1 ]; then
    rv_ok "max_value refuses a bad line with one line naming file and line"
else
    rv_not_ok "max_value refuses a bad line with one line naming file and line"
    rv_diag_file "$RV_TMP/bad.err"
fi

for np in $RV_NPS; do
    if rv_mpirun "$np" "$TEST_MESSAGES" > "$RV_TMP/messages.np$np" 2>&1; then
        rv_ok "message, combiner and aggregator unit tests pass at np=$np"
    else
        rv_not_ok "message, combiner and aggregator unit tests pass at np=$np"
        rv_diag_file "$RV_TMP/messages.np$np" 30
    fi
done

rv_done
