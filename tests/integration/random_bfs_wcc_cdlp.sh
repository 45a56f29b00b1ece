#!/bin/bash
# random_bfs_wcc_cdlp.sh — BFS and WCC against igraph (rv-oracle) and CDLP against a serial Python reference, on random graphs at every process count (TAP).
#
# The oracles: `rv-oracle bfs` (igraph_distances) and `rv-oracle wcc`
# (igraph_connected_components, weak), each component labelled by its smallest
# id as rivulet labels it; tests/tools/cdlp_reference.py, a plain serial CDLP
# written from the Graphalytics rules, run with Debian's /usr/bin/python3. First,
# all three must reproduce LDBC's expected BFS, WCC and CDLP files on the
# Graphalytics example and test graphs.
#
# The graphs (rv-oracle gen) cover: directed and undirected; uniform, power-law
# and preferential-attachment degrees; a dense directed graph with many pairs
# linked both ways (which CDLP counts twice); many small components, directed and
# undirected; isolated vertices; sparse 64-bit ids up to 2^63-1; graphs with fewer
# vertices than ranks. Some are given as a plain edge list (options on the command
# line), the others as a Graphalytics dataset (NAME.properties written here).
# Checks per graph:
#   * at each np: BFS, WCC and CDLP equal the oracle's output exactly (for WCC,
#     the labels too, not only the partition);
#   * every output byte-identical to the np=1 one;
#   * on graphs with isolated vertices: BFS from an isolated vertex at np=3
#     (--source overriding the dataset's), and every isolated vertex keeps its own
#     id under CDLP (the spec's rule, checked without the reference).
# Environment: see lib.sh, plus
#   RV_RANDOM_SEEDS  seed offsets to run every graph with (default "0"; e.g. "0 1 2")
#   RV_RANDOM_ONLY   an extended regular expression: run only the graphs whose
#                    names match (default: all)

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rv_require_rivulet
rv_require_validate
rv_require_oracle

PYTHON=/usr/bin/python3 # Debian's
CDLP_REFERENCE=$RV_TOP_SRCDIR/tests/tools/cdlp_reference.py
[ -x "$PYTHON" ] || rv_skip_all "$PYTHON not found (the CDLP reference needs it)"
[ -f "$CDLP_REFERENCE" ] || rv_bail "missing $CDLP_REFERENCE"

RV_RANDOM_SEEDS=${RV_RANDOM_SEEDS:-0}
RV_RANDOM_ONLY=${RV_RANDOM_ONLY:-}

# oracle_check DESC LDBC_FILE RULE OUT COMMAND...: runs `COMMAND... --output OUT`,
# then one test: OUT passes RULE against LDBC_FILE.
oracle_check() {
    local desc=$1 ldbc=$2 rule=$3 out=$4
    shift 4
    if "$@" --output "$out" 2> "$out.err"; then
        rv_validate_check "$desc" --sorted "$rule" "$ldbc" "$out"
    else
        rv_not_ok "$desc" "$* failed:"
        rv_diag_file "$out.err"
    fi
}

# The oracles against LDBC's answers.
for properties in "$RV_GRAPHALYTICS"/example/*.properties "$RV_GRAPHALYTICS"/test/*.properties; do
    [ -f "$properties" ] || rv_bail "no Graphalytics graphs under $RV_GRAPHALYTICS (set RV_SHARED_DATASETS)"
    dir=$(dirname "$properties")
    name=$(basename "$properties" .properties)
    flags=()
    [ "$(rv_prop "$properties" "graph.$name.directed")" = false ] && flags=(--undirected)
    edges="$dir/$(rv_prop "$properties" "graph.$name.edge-file")"
    vertices="$dir/$(rv_prop "$properties" "graph.$name.vertex-file")"
    if [ -f "$dir/$name-BFS" ]; then
        oracle_check "oracle bfs $name reproduces LDBC's expected output" "$dir/$name-BFS" exact \
            "$RV_TMP/oracle-$name-BFS" "$RV_ORACLE" bfs ${flags[@]+"${flags[@]}"} \
            --source "$(rv_prop "$properties" "graph.$name.bfs.source-vertex")" "$edges" "$vertices"
    fi
    if [ -f "$dir/$name-WCC" ]; then
        oracle_check "oracle wcc $name reproduces LDBC's expected output" "$dir/$name-WCC" equivalence \
            "$RV_TMP/oracle-$name-WCC" "$RV_ORACLE" wcc ${flags[@]+"${flags[@]}"} "$edges" "$vertices"
    fi
    if [ -f "$dir/$name-CDLP" ]; then
        oracle_check "CDLP reference $name reproduces LDBC's expected output" "$dir/$name-CDLP" exact \
            "$RV_TMP/reference-$name-CDLP" "$PYTHON" "$CDLP_REFERENCE" ${flags[@]+"${flags[@]}"} \
            --iterations "$(rv_prop "$properties" "graph.$name.cdlp.max-iterations")" "$edges" "$vertices"
    fi
done

# name | seed | rv-oracle gen options | input form | CDLP rounds
graphs=(
    "gnm-directed|31|--model gnm --vertices 1500 --edges 6000|plain|10"
    "gnm-undirected-isolated|32|--model gnm --vertices 1500 --edges 4000 --undirected --isolated 25|dataset|10"
    "dense-directed-reciprocal|33|--model gnm --vertices 300 --edges 3000|plain|3"
    "powerlaw-directed-sparse-ids|34|--model powerlaw --vertices 3000 --edges 12000 --sparse-ids|dataset|5"
    "powerlaw-undirected|35|--model powerlaw --vertices 2000 --edges 8000 --undirected|plain|4"
    "ba-directed-isolated|36|--model ba --vertices 3000 --edges 9000 --isolated 5|dataset|10"
    "many-components-directed-isolated|37|--model gnm --vertices 300 --edges 200 --isolated 4|dataset|3"
    "many-components-undirected-sparse-ids|38|--model gnm --vertices 200 --edges 150 --undirected --sparse-ids --isolated 3|plain|6"
    "tiny-directed-sparse-ids|39|--model gnm --vertices 6 --edges 5 --sparse-ids|plain|1"
    "tiny-undirected-isolated|40|--model gnm --vertices 4 --edges 3 --undirected --isolated 2|dataset|0"
)

# write_properties DIR NAME DIRECTED SOURCE ROUNDS
write_properties() {
    local dir=$1 name=$2 directed=$3 source=$4 rounds=$5
    {
        echo "# $name: a random graph made by rv-oracle gen for random_bfs_wcc_cdlp.sh"
        echo "graph.$name.vertex-file = $name.v"
        echo "graph.$name.edge-file = $name.e"
        echo "graph.$name.meta.vertices = $(wc -l < "$dir/$name.v")"
        echo "graph.$name.meta.edges = $(wc -l < "$dir/$name.e")"
        echo "graph.$name.directed = $directed"
        echo "graph.$name.algorithms = bfs, cdlp, wcc"
        echo "graph.$name.bfs.source-vertex = $source"
        echo "graph.$name.cdlp.max-iterations = $rounds"
    } > "$dir/$name.properties"
}

for offset in $RV_RANDOM_SEEDS; do
    for spec in "${graphs[@]}"; do
        IFS='|' read -r base seed gen_options form rounds <<< "$spec"
        if [ -n "$RV_RANDOM_ONLY" ] && ! printf '%s\n' "$base" | grep -qE -- "$RV_RANDOM_ONLY"; then
            continue
        fi
        seed=$((seed + 1000 * offset))
        name="$base-s$seed"
        dir="$RV_TMP/$name"
        mkdir -p "$dir"
        undirected_flag=()
        direction_flag=(--directed)
        directed=true
        case " $gen_options " in *" --undirected "*)
            undirected_flag=(--undirected)
            direction_flag=(--undirected)
            directed=false
            ;;
        esac

        # shellcheck disable=SC2086 # gen_options is a list of words
        if ! summary=$("$RV_ORACLE" gen $gen_options --seed "$seed" \
            --edges-out "$dir/$name.e" --vertices-out "$dir/$name.v" 2>&1); then
            rv_not_ok "generate $name" "rv-oracle gen $gen_options --seed $seed: $summary"
            continue
        fi
        echo "# $name: $summary"

        # The BFS source: the first endpoint of the first (shuffled) edge line.
        source=$(awk 'NF >= 2 && $1 !~ /^#/ { print $1; exit }' "$dir/$name.e")
        # The isolated vertices: in the vertex file but in no edge line.
        awk 'NR == FNR { seen[$1] = 1; seen[$2] = 1; next } !($1 in seen) { print $1 }' \
            "$dir/$name.e" "$dir/$name.v" > "$dir/isolated"

        # What rivulet reads: the plain edge list (vertices are the edge endpoints,
        # options on the command line; WCC and CDLP are told the direction too, which
        # must change nothing) or the dataset (every vertex, parameters from the file).
        if [ "$form" = plain ]; then
            oracle_vertices=-
            input="$dir/$name.e"
            bfs_args=(bfs "$input" --source "$source" ${undirected_flag[@]+"${undirected_flag[@]}"})
            wcc_args=(wcc "$input" "${direction_flag[@]}")
            cdlp_args=(cdlp "$input" --iterations "$rounds" "${direction_flag[@]}")
        else
            oracle_vertices="$dir/$name.v"
            write_properties "$dir" "$name" "$directed" "$source" "$rounds"
            input="$dir/$name"
            bfs_args=(bfs "$input")
            wcc_args=(wcc "$input")
            cdlp_args=(cdlp "$input")
        fi

        # The oracles' answers.
        if ! "$RV_ORACLE" bfs --source "$source" ${undirected_flag[@]+"${undirected_flag[@]}"} \
            --output "$dir/expected-BFS" "$dir/$name.e" "$oracle_vertices" 2> "$dir/oracle.err" ||
            ! "$RV_ORACLE" wcc ${undirected_flag[@]+"${undirected_flag[@]}"} \
                --output "$dir/expected-WCC" "$dir/$name.e" "$oracle_vertices" 2>> "$dir/oracle.err" ||
            ! "$PYTHON" "$CDLP_REFERENCE" --iterations "$rounds" ${undirected_flag[@]+"${undirected_flag[@]}"} \
                --output "$dir/expected-CDLP" "$dir/$name.e" "$oracle_vertices" 2>> "$dir/oracle.err"; then
            rv_not_ok "oracles $name: expected outputs" "an oracle failed:"
            rv_diag_file "$dir/oracle.err"
            continue
        fi

        for algo in bfs wcc cdlp; do
            case $algo in
            bfs) args=("${bfs_args[@]}") what="igraph BFS (source $source)" ;;
            wcc) args=("${wcc_args[@]}") what="igraph's weak components" ;;
            cdlp) args=("${cdlp_args[@]}") what="the serial reference ($rounds rounds)" ;;
            esac
            expected="$dir/expected-${algo^^}"
            first=""
            for np in $RV_NPS; do
                out="$dir/$algo.np$np"
                desc="$algo $name ($form) np=$np equals $what"
                if rv_run_check "$desc" "$np" "$out" "${args[@]}"; then
                    rv_validate_check "$desc" --sorted exact "$expected" "$out"
                    if [ -z "$first" ]; then
                        first=$out
                        first_np=$np
                    else
                        rv_identical_check "$algo $name np=$np output identical to np=$first_np" "$first" "$out"
                    fi
                fi
            done
        done

        if [ -s "$dir/isolated" ] && [ "$form" = dataset ]; then
            # BFS from an isolated vertex: only it has a finite depth. This also checks that
            # --source overrides bfs.source-vertex.
            isolated=$(head -n 1 "$dir/isolated")
            "$RV_ORACLE" bfs --source "$isolated" ${undirected_flag[@]+"${undirected_flag[@]}"} \
                --output "$dir/expected-BFS-isolated" "$dir/$name.e" "$oracle_vertices" 2> "$dir/oracle.err"
            out="$dir/bfs-isolated.np3"
            desc="bfs $name np=3 from isolated vertex $isolated (--source overrides the dataset's source)"
            if rv_run_check "$desc" 3 "$out" bfs "$input" --source "$isolated"; then
                rv_validate_check "$desc" --sorted exact "$dir/expected-BFS-isolated" "$out"
            fi
        fi
        if [ -s "$dir/isolated" ] && [ "$form" = dataset ] && [ -f "$dir/cdlp.np1" ]; then
            desc="cdlp $name: the $(wc -l < "$dir/isolated") isolated vertices keep their own ids"
            wrong=$(awk 'NR == FNR { isolated[$1] = 1; next } ($1 in isolated) && ($1 "") != ($2 "") { print $1 " got " $2 }' \
                "$dir/isolated" "$dir/cdlp.np1" | head -n 5)
            n_found=$(awk 'NR == FNR { isolated[$1] = 1; next } ($1 in isolated) { n++ } END { print n + 0 }' \
                "$dir/isolated" "$dir/cdlp.np1")
            if [ -n "$wrong" ]; then
                rv_not_ok "$desc" "$wrong"
            elif [ "$n_found" != "$(wc -l < "$dir/isolated")" ]; then
                rv_not_ok "$desc" "only $n_found of them are in the output"
            else
                rv_ok "$desc"
            fi
        fi
    done
done

rv_done
