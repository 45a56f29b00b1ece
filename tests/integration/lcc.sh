#!/bin/bash
# lcc.sh — the local clustering coefficient against LDBC's expected outputs, p2p-31, and serial oracles on random graphs, at every process count (TAP).
#
# Checks:
#   * the serial oracle (tests/tools/lcc_reference.py, written from the
#     Graphalytics definition) reproduces LDBC's expected LCC files, so that it can
#     be trusted on the random graphs;
#   * at each np: rivulet's output passes the Graphalytics epsilon rule against
#     LDBC's expected files and libgrape-lite's p2p-31 output, and equals the np=1
#     output byte for byte (the values are integer ratios, so no rank count may
#     change a digit);
#   * on random graphs (directed and undirected; uniform and skewed degrees;
#     isolated vertices; sparse 64-bit ids) and a hand-made graph with reciprocal
#     pairs, duplicate edges and self-loops: within 1e-12 of the serial oracle, and
#     for undirected graphs of python3-igraph's transitivity_local_undirected.
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rv_require_rivulet
rv_require_validate
rv_require_oracle

reference="$RV_TOP_SRCDIR/tests/tools/lcc_reference.py"
python=/usr/bin/python3
[ -x "$python" ] || python=python3

# check_at_every_np NAME INPUT EXPECTED [RIVULET_OPTIONS...]: rivulet lcc at each
# np against EXPECTED (epsilon rule, with the given tolerance), and across np.
check_at_every_np() {
    local name=$1 input=$2 expected=$3 epsilon=$4 np out first="" first_np=""
    shift 4
    for np in $RV_NPS; do
        out="$RV_TMP/$name-LCC.np$np"
        rv_run_check "lcc $name np=$np runs" "$np" "$out" lcc "$input" "$@" || continue
        rv_validate_check "lcc $name np=$np matches $(basename "$expected")" \
            --sorted --epsilon "$epsilon" epsilon "$expected" "$out"
        if [ -z "$first" ]; then
            first=$out
            first_np=$np
        else
            rv_identical_check "lcc $name np=$np output identical to np=$first_np" "$first" "$out"
        fi
    done
}

# The oracle, and rivulet, against LDBC's answers.
for properties in "$RV_GRAPHALYTICS"/example/*.properties "$RV_GRAPHALYTICS"/test/*.properties; do
    [ -f "$properties" ] || rv_bail "no Graphalytics graphs under $RV_GRAPHALYTICS (set RV_SHARED_DATASETS)"
    dir=$(dirname "$properties")
    name=$(basename "$properties" .properties)
    [ -f "$dir/$name-LCC" ] || continue
    flags=()
    [ "$(rv_prop "$properties" "graph.$name.directed")" = false ] && flags=(--undirected)
    out="$RV_TMP/oracle-$name-LCC"
    if "$python" "$reference" ${flags[@]+"${flags[@]}"} "$dir/$(rv_prop "$properties" "graph.$name.edge-file")" \
        "$dir/$(rv_prop "$properties" "graph.$name.vertex-file")" > "$out" 2> "$out.err"; then
        rv_validate_check "oracle lcc $name reproduces LDBC's expected output" --sorted epsilon "$dir/$name-LCC" "$out"
    else
        rv_not_ok "oracle lcc $name reproduces LDBC's expected output" "lcc_reference.py failed:"
        rv_diag_file "$out.err"
    fi
    check_at_every_np "$name" "$dir/$name" "$dir/$name-LCC" 1e-4
done

# p2p-31, read undirected, against libgrape-lite's output.
[ -d "$RV_P2P31" ] || rv_bail "missing $RV_P2P31 (set RV_SHARED_DATASETS)"
mkdir -p "$RV_TMP/p2p-31"
for file in p2p-31.e p2p-31.v p2p-31-LCC; do
    gzip -dc "$RV_P2P31/$file.gz" > "$RV_TMP/p2p-31/$file" || rv_bail "cannot unpack $RV_P2P31/$file.gz"
done
cp "$RV_P2P31/p2p-31.properties" "$RV_TMP/p2p-31/" || rv_bail "missing $RV_P2P31/p2p-31.properties"
check_at_every_np p2p-31 "$RV_TMP/p2p-31/p2p-31" "$RV_TMP/p2p-31/p2p-31-LCC" 1e-4

# A hand-made directed graph: reciprocal pairs (1 2, 2 1), a duplicate edge (2 3
# twice), a self-loop (3 3), a triangle closed both ways, and an isolated vertex.
mkdir -p "$RV_TMP/hand"
printf '1 2\n2 1\n2 3\n2 3\n3 3\n3 1\n1 4\n4 3\n3 4\n5 1\n' > "$RV_TMP/hand/hand.e"
printf '1\n2\n3\n4\n5\n6\n' > "$RV_TMP/hand/hand.v"

# name | seed | rv-oracle gen options
graphs=(
    "gnm-directed|31|--model gnm --vertices 300 --edges 2400"
    "powerlaw-directed-sparse-ids|32|--model powerlaw --vertices 600 --edges 4000 --sparse-ids --isolated 5"
    "ba-directed|33|--model ba --vertices 500 --edges 3000"
    "gnm-undirected-isolated|34|--model gnm --vertices 300 --edges 1500 --undirected --isolated 7"
    "powerlaw-undirected-sparse-ids|35|--model powerlaw --vertices 600 --edges 4000 --undirected --sparse-ids"
)
for spec in "hand|0|" "${graphs[@]}"; do
    IFS='|' read -r name seed gen_options <<< "$spec"
    dir="$RV_TMP/$name"
    mkdir -p "$dir"
    if [ "$name" != hand ]; then
        # shellcheck disable=SC2086 # gen_options is a list of words
        if ! summary=$("$RV_ORACLE" gen $gen_options --seed "$seed" \
            --edges-out "$dir/$name.e" --vertices-out "$dir/$name.v" 2>&1); then
            rv_not_ok "generate $name" "rv-oracle gen $gen_options --seed $seed: $summary"
            continue
        fi
    fi
    flags=()
    case " $gen_options " in *" --undirected "*) flags=(--undirected) ;; esac
    {
        echo "graph.$name.vertex-file = $name.v"
        echo "graph.$name.edge-file = $name.e"
        echo "graph.$name.directed = $([ ${#flags[@]} = 0 ] && echo true || echo false)"
    } > "$dir/$name.properties"
    expected="$dir/$name-LCC.reference"
    if ! "$python" "$reference" ${flags[@]+"${flags[@]}"} "$dir/$name.e" "$dir/$name.v" > "$expected" 2> "$expected.err"; then
        rv_not_ok "oracle lcc $name" "lcc_reference.py failed:"
        rv_diag_file "$expected.err"
        continue
    fi
    if [ ${#flags[@]} != 0 ]; then
        # Two independent oracles must agree before either judges rivulet.
        if "$python" "$reference" --undirected --igraph "$dir/$name.e" "$dir/$name.v" > "$expected.igraph" 2> "$expected.err"; then
            rv_validate_check "lcc $name: the serial oracle agrees with python3-igraph" \
                --sorted --epsilon 1e-12 epsilon "$expected.igraph" "$expected"
        else
            rv_not_ok "lcc $name: python3-igraph oracle" "lcc_reference.py --igraph failed:"
            rv_diag_file "$expected.err"
        fi
    fi
    check_at_every_np "$name" "$dir/$name" "$expected" 1e-12
done

rv_done
