#!/bin/bash
# examples.sh — the user programs in examples/ and the engine's message tests, run at every process count (TAP).
#
# examples/max_value is built by `make check` the way a user builds a program
# (only rivulet.h and the library). On an undirected graph every vertex must end
# with the largest id of its connected component; the components come from
# Debian's python3-igraph, an independent oracle. tests/unit/test_messages runs
# its CUnit suite under mpirun so that messages cross ranks.
#
# examples/kcore.c and examples/triangles.c are each built twice by `make check`:
# as a program (examples/NAME, whose main() is rv_main) and as a plug-in
# (examples/plugins/.libs/NAME.so, run by `rivulet run ./NAME.so`). At every np,
# both forms must print exactly what python3-igraph computes
# (tests/tools/examples_oracle.py: Graph.coreness() and Graph.list_triangles() on
# the simple undirected graph) on the Graphalytics example graphs, a hand-made
# graph with reciprocal pairs, parallel edges and self-loops, and random graphs
# from rv-oracle gen (directed inputs read as undirected; uniform and skewed
# degrees; isolated vertices; sparse 64-bit ids). Also: kcore --k K against
# igraph's K-core membership, and triangles --expect-total (a right total passes,
# a wrong one fails the run with the counted total).
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

MAX_VALUE=${MAX_VALUE:-$RV_BUILDDIR/examples/max_value}
TEST_MESSAGES=${TEST_MESSAGES:-$RV_BUILDDIR/tests/unit/test_messages}
PYTHON=/usr/bin/python3 # Debian's, which can import python3-igraph
ORACLE="$RV_TOP_SRCDIR/tests/tools/examples_oracle.py"

rv_require_rivulet
[ -x "$MAX_VALUE" ] || rv_bail "missing $MAX_VALUE (run make check)"
for example in kcore triangles; do
    [ -x "$RV_BUILDDIR/examples/$example" ] || rv_bail "missing $RV_BUILDDIR/examples/$example (run make check)"
    [ -f "$RV_BUILDDIR/examples/plugins/.libs/$example.so" ] ||
        rv_bail "missing $RV_BUILDDIR/examples/plugins/.libs/$example.so (run make check)"
done
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

# ---- kcore and triangles, as programs and as plug-ins ---------------------------

# check_example EXAMPLE ORACLE_COMMAND NAME EDGES VERTICES PLUGIN_INPUT [OPTIONS...]:
# at every np, `examples/EXAMPLE EDGES --vertices VERTICES OPTIONS` and `rivulet run
# EXAMPLE.so PLUGIN_INPUT OPTIONS` (OPTIONS as --param KEY=VALUE) must both print
# what the oracle prints. VERTICES may be "" (no vertex file).
check_example() {
    local example=$1 command=$2 name=$3 edges=$4 vertices=$5 input=$6
    shift 6
    local -a program_options=() plugin_options=() vertex_option=()
    local option
    for option in "$@"; do
        program_options+=("--${option%%=*}" "${option#*=}")
        plugin_options+=(--param "$option")
    done
    [ -n "$vertices" ] && vertex_option=(--vertices "$vertices")
    local tag="$example${*:+ $*} $name"
    local expected="$RV_TMP/$name.$example.$command.expected"
    # shellcheck disable=SC2086 # command may be two words ("kcore-member K")
    if ! "$PYTHON" "$ORACLE" $command "$edges" ${vertices:+"$vertices"} > "$expected" 2> "$expected.err"; then
        rv_not_ok "$tag: the igraph oracle runs" "examples_oracle.py $command failed:"
        rv_diag_file "$expected.err"
        return
    fi
    local np out status
    for np in $RV_NPS; do
        out="$RV_TMP/$name.$example.program.np$np"
        status=0
        rv_mpirun "$np" "$RV_BUILDDIR/examples/$example" "$edges" ${vertex_option[@]+"${vertex_option[@]}"} \
            ${program_options[@]+"${program_options[@]}"} > "$out" 2> "$out.err" || status=$?
        if [ "$status" = 0 ]; then
            rv_identical_check "$tag np=$np: the program prints igraph's answer" "$expected" "$out"
        else
            rv_not_ok "$tag np=$np: the program prints igraph's answer" "examples/$example exited $status"
            rv_diag_file "$out.err"
        fi
        out="$RV_TMP/$name.$example.plugin.np$np"
        if rv_run_check "$tag np=$np: the plug-in prints igraph's answer" "$np" "$out" \
            "$RV_BUILDDIR/examples/plugins/.libs/$example.so" "$input" ${plugin_options[@]+"${plugin_options[@]}"}; then
            rv_identical_check "$tag np=$np: the plug-in prints igraph's answer" "$expected" "$out"
        fi
    done
}

# write_properties DIR NAME DIRECTED: a Graphalytics dataset for DIR/NAME.{e,v}, so
# that the plug-in, too, sees the isolated vertices.
write_properties() {
    {
        echo "graph.$2.vertex-file = $2.v"
        echo "graph.$2.edge-file = $2.e"
        echo "graph.$2.directed = $3"
    } > "$1/$2.properties"
}

for name in example-directed example-undirected; do
    dir="$RV_GRAPHALYTICS/example"
    check_example kcore coreness "$name" "$dir/$name.e" "$dir/$name.v" "$dir/$name"
    check_example triangles triangles "$name" "$dir/$name.e" "$dir/$name.v" "$dir/$name"
done

# Reciprocal pairs (1 2, 2 1), a parallel edge (2 3 twice), self-loops, a 4-clique
# closed in mixed directions, and a pendant vertex.
printf '1 2\n2 1\n2 3\n2 3\n3 3\n3 1\n1 4\n4 3\n3 4\n4 2\n5 1\n6 6\n' > "$RV_TMP/hand.e"
check_example kcore coreness hand "$RV_TMP/hand.e" "" "$RV_TMP/hand.e"
check_example triangles triangles hand "$RV_TMP/hand.e" "" "$RV_TMP/hand.e"

# name | seed | rv-oracle gen options
random_graphs=(
    "gnm-directed-sparse-ids|31|--model gnm --vertices 2000 --edges 12000 --sparse-ids --isolated 7"
    "powerlaw-undirected|32|--model powerlaw --vertices 2000 --edges 12000 --undirected --isolated 3"
    "ba-directed|33|--model ba --vertices 1500 --edges 9000"
)
for spec in "${random_graphs[@]}"; do
    IFS='|' read -r name seed gen_options <<< "$spec"
    directed=true
    case " $gen_options " in *" --undirected "*) directed=false ;; esac
    # shellcheck disable=SC2086 # gen_options is a list of words
    if ! summary=$("$RV_ORACLE" gen $gen_options --seed "$seed" \
        --edges-out "$RV_TMP/$name.e" --vertices-out "$RV_TMP/$name.v" 2>&1); then
        rv_not_ok "generate $name" "rv-oracle gen $gen_options: $summary"
        continue
    fi
    write_properties "$RV_TMP" "$name" "$directed"
    check_example kcore coreness "$name" "$RV_TMP/$name.e" "$RV_TMP/$name.v" "$RV_TMP/$name"
    check_example triangles triangles "$name" "$RV_TMP/$name.e" "$RV_TMP/$name.v" "$RV_TMP/$name"
done

# --k K: membership of the K-core, at one K that splits the graph.
RV_NPS="2 3" check_example kcore "kcore-member 6" powerlaw-undirected "$RV_TMP/powerlaw-undirected.e" \
    "$RV_TMP/powerlaw-undirected.v" "$RV_TMP/powerlaw-undirected" k=6
if [ "$(awk '{ n[$2]++ } END { print (n[0] > 0 && n[1] > 0) }' "$RV_TMP/powerlaw-undirected.kcore.kcore-member 6.expected")" = 1 ]; then
    rv_ok "kcore k=6 powerlaw-undirected: the 6-core holds some vertices but not all"
else
    rv_not_ok "kcore k=6 powerlaw-undirected: the 6-core holds some vertices but not all" \
        "pick another K: the test would not tell membership from a constant"
fi

# --expect-total: the master hook checks the aggregated total.
edges="$RV_TMP/ba-directed.e"
total=$("$PYTHON" "$ORACLE" triangle-total "$edges")
for np in 1 3; do
    out="$RV_TMP/expect-right.np$np"
    if rv_mpirun "$np" "$RV_BUILDDIR/examples/triangles" "$edges" --expect-total "$total" > "$out" 2> "$out.err"; then
        rv_ok "triangles --expect-total $total (igraph's total) passes at np=$np"
    else
        rv_not_ok "triangles --expect-total $total (igraph's total) passes at np=$np"
        rv_diag_file "$out.err"
    fi
    out="$RV_TMP/expect-wrong.np$np"
    status=0
    rv_run "$np" "$out" "$out.err" "$RV_BUILDDIR/examples/plugins/.libs/triangles.so" "$edges" \
        --param expect-total=$((total + 1)) || status=$?
    wanted="rivulet: error: triangles: counted $total triangles, expected $((total + 1))"
    if [ "$status" = 1 ] && [ "$(cat "$out.err")" = "$wanted" ]; then
        rv_ok "a wrong --expect-total fails the plug-in's run with the counted total at np=$np"
    else
        rv_not_ok "a wrong --expect-total fails the plug-in's run with the counted total at np=$np" \
            "exit status $status (wanted 1), stderr (wanted: $wanted):"
        rv_diag_file "$out.err"
    fi
done

# ---- the engine's message tests ------------------------------------------------

for np in $RV_NPS; do
    if rv_mpirun "$np" "$TEST_MESSAGES" > "$RV_TMP/messages.np$np" 2>&1; then
        rv_ok "message, combiner and aggregator unit tests pass at np=$np"
    else
        rv_not_ok "message, combiner and aggregator unit tests pass at np=$np"
        rv_diag_file "$RV_TMP/messages.np$np" 30
    fi
done

rv_done
