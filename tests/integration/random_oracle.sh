#!/bin/bash
# random_oracle.sh — SSSP and PageRank on random igraph graphs (rv-oracle gen) against rv-oracle's answers, at every process count (TAP).
#
# The graphs cover: directed and undirected; uniform (G(n,m)), power-law and
# preferential-attachment (skewed) degrees; isolated vertices; sparse 64-bit ids
# up to 2^63-1; zero and inexact weights; an unweighted graph; a sparse graph of many
# small components; tiny graphs with fewer vertices than ranks. Some are given to
# rivulet as a plain edge list (options on the command line), the others as a
# Graphalytics dataset (NAME.properties written here, parameters from the file).
#
# First, the oracle itself must reproduce LDBC's expected PR and SSSP files on the
# Graphalytics example and test graphs (PR within 1e-4 as LDBC checks; note that
# test-pr-* hold converged values, which is why nothing tighter is asked there).
# Checks per random graph:
#   * rv-oracle's own iteration agrees with igraph's PRPACK at convergence
#     (rv-oracle pagerank --check-converged);
#   * at each np: SSSP equals the oracle's Dijkstra exactly (both take the minimum
#     over paths of the same left-to-right double sums, so no tolerance is
#     needed), and PageRank is within 1e-10 relative of the oracle's exactly-K
#     iterations (much tighter than Graphalytics' 1e-4, so that a wrong iteration
#     count or sink rule cannot pass);
#   * SSSP byte-identical and PageRank within 1e-12 across np;
#   * on graphs with isolated vertices: SSSP from an isolated source (np=3), with
#     --source overriding the dataset's source-vertex.
# Environment: see lib.sh, plus
#   RV_RANDOM_SEEDS  seed offsets to run every graph with (default "0"; e.g. "0 1 2")
#   RV_RANDOM_ONLY   an extended regular expression: run only the graphs whose
#                    names match (default: all)

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rv_require_rivulet
rv_require_validate
rv_require_oracle

RV_RANDOM_SEEDS=${RV_RANDOM_SEEDS:-0}
RV_RANDOM_ONLY=${RV_RANDOM_ONLY:-}

# The oracle against LDBC's answers.
for properties in "$RV_GRAPHALYTICS"/example/*.properties "$RV_GRAPHALYTICS"/test/*.properties; do
    [ -f "$properties" ] || rv_bail "no Graphalytics graphs under $RV_GRAPHALYTICS (set RV_SHARED_DATASETS)"
    dir=$(dirname "$properties")
    name=$(basename "$properties" .properties)
    flags=()
    [ "$(rv_prop "$properties" "graph.$name.directed")" = false ] && flags=(--undirected)
    edges="$dir/$(rv_prop "$properties" "graph.$name.edge-file")"
    vertices="$dir/$(rv_prop "$properties" "graph.$name.vertex-file")"
    if [ -f "$dir/$name-PR" ]; then
        out="$RV_TMP/oracle-$name-PR"
        if "$RV_ORACLE" pagerank ${flags[@]+"${flags[@]}"} \
            --iterations "$(rv_prop "$properties" "graph.$name.pr.num-iterations")" \
            --damping "$(rv_prop "$properties" "graph.$name.pr.damping-factor")" \
            --output "$out" "$edges" "$vertices" 2> "$out.err"; then
            rv_validate_check "oracle pagerank $name reproduces LDBC's expected output" \
                --sorted epsilon "$dir/$name-PR" "$out"
        else
            rv_not_ok "oracle pagerank $name reproduces LDBC's expected output" "rv-oracle failed:"
            rv_diag_file "$out.err"
        fi
    fi
    if [ -f "$dir/$name-SSSP" ]; then
        out="$RV_TMP/oracle-$name-SSSP"
        if "$RV_ORACLE" sssp ${flags[@]+"${flags[@]}"} \
            --source "$(rv_prop "$properties" "graph.$name.sssp.source-vertex")" \
            --output "$out" "$edges" "$vertices" 2> "$out.err"; then
            rv_validate_check "oracle sssp $name reproduces LDBC's expected output" \
                --sorted epsilon "$dir/$name-SSSP" "$out"
        else
            rv_not_ok "oracle sssp $name reproduces LDBC's expected output" "rv-oracle failed:"
            rv_diag_file "$out.err"
        fi
    fi
done

# name | seed | rv-oracle gen options | input form | PageRank iterations and damping
graphs=(
    "gnm-directed|11|--model gnm --vertices 1500 --edges 6000 --weights|plain|10 0.85"
    "gnm-undirected-isolated|12|--model gnm --vertices 1500 --edges 4000 --undirected --isolated 25 --weights|dataset|10 0.85"
    "gnm-directed-sparse-ids|13|--model gnm --vertices 2000 --edges 8000 --sparse-ids --isolated 10 --weights|dataset|20 0.85"
    "powerlaw-directed-sparse-ids|14|--model powerlaw --vertices 3000 --edges 12000 --sparse-ids --weights|dataset|10 0.85"
    "powerlaw-undirected|15|--model powerlaw --vertices 2000 --edges 8000 --undirected --weights|plain|10 0.85"
    "ba-directed-isolated|16|--model ba --vertices 3000 --edges 9000 --isolated 5 --weights|dataset|25 0.5"
    "gnm-directed-unweighted|17|--model gnm --vertices 500 --edges 2000|plain|10 0.85"
    "many-components-undirected-sparse-ids|18|--model gnm --vertices 200 --edges 150 --undirected --sparse-ids --isolated 3 --weights|plain|7 0.85"
    "tiny-directed-sparse-ids|19|--model gnm --vertices 6 --edges 5 --sparse-ids --weights|plain|5 0.85"
    "single-edge|21|--model gnm --vertices 2 --edges 1 --weights|plain|3 0.85"
    "tiny-undirected-isolated|20|--model gnm --vertices 4 --edges 3 --undirected --isolated 2 --weights|dataset|5 0.85"
)

# write_properties DIR NAME DIRECTED WEIGHTED ITERATIONS DAMPING SOURCE
write_properties() {
    local dir=$1 name=$2 directed=$3 weighted=$4 iterations=$5 damping=$6 source=$7
    {
        echo "# $name: a random graph made by rv-oracle gen for random_oracle.sh"
        echo "graph.$name.vertex-file = $name.v"
        echo "graph.$name.edge-file = $name.e"
        echo "graph.$name.meta.vertices = $(wc -l < "$dir/$name.v")"
        echo "graph.$name.meta.edges = $(wc -l < "$dir/$name.e")"
        echo "graph.$name.directed = $directed"
        if [ "$weighted" = true ]; then
            echo "graph.$name.edge-properties.names = weight"
            echo "graph.$name.edge-properties.types = real"
        fi
        echo "graph.$name.algorithms = pr, sssp"
        echo "graph.$name.pr.damping-factor = $damping"
        echo "graph.$name.pr.num-iterations = $iterations"
        if [ "$weighted" = true ]; then
            echo "graph.$name.sssp.weight-property = weight"
        fi
        echo "graph.$name.sssp.source-vertex = $source"
    } > "$dir/$name.properties"
}

for offset in $RV_RANDOM_SEEDS; do
    for spec in "${graphs[@]}"; do
        IFS='|' read -r base seed gen_options form pr_params <<< "$spec"
        if [ -n "$RV_RANDOM_ONLY" ] && ! printf '%s\n' "$base" | grep -qE -- "$RV_RANDOM_ONLY"; then
            continue
        fi
        seed=$((seed + 1000 * offset))
        name="$base-s$seed"
        dir="$RV_TMP/$name"
        mkdir -p "$dir"
        read -r iterations damping <<< "$pr_params"
        undirected_flag=()
        directed=true
        case " $gen_options " in *" --undirected "*)
            undirected_flag=(--undirected)
            directed=false
            ;;
        esac
        weighted=false
        case " $gen_options " in *" --weights "*) weighted=true ;; esac

        # shellcheck disable=SC2086 # gen_options is a list of words
        if ! summary=$("$RV_ORACLE" gen $gen_options --seed "$seed" \
            --edges-out "$dir/$name.e" --vertices-out "$dir/$name.v" 2>&1); then
            rv_not_ok "generate $name" "rv-oracle gen $gen_options --seed $seed: $summary"
            continue
        fi
        echo "# $name: $summary"

        # The source: the first endpoint of the first (shuffled) edge line.
        source=$(awk 'NF >= 2 && $1 !~ /^#/ { print $1; exit }' "$dir/$name.e")
        # An isolated vertex, if any: in the vertex file but in no edge line.
        isolated=$(awk 'NR == FNR { seen[$1] = 1; seen[$2] = 1; next } !($1 in seen) { print $1; exit }' \
            "$dir/$name.e" "$dir/$name.v")

        # What rivulet reads: the plain edge list (vertices are the edge endpoints,
        # options on the command line) or the dataset (every vertex, parameters from
        # the .properties file).
        if [ "$form" = plain ]; then
            oracle_vertices=-
            input="$dir/$name.e"
            sssp_args=(sssp "$input" --source "$source" ${undirected_flag[@]+"${undirected_flag[@]}"})
            pr_args=(pagerank "$input" --iterations "$iterations" --damping "$damping"
                ${undirected_flag[@]+"${undirected_flag[@]}"})
        else
            oracle_vertices="$dir/$name.v"
            write_properties "$dir" "$name" "$directed" "$weighted" "$iterations" "$damping" "$source"
            input="$dir/$name"
            sssp_args=(sssp "$input")
            pr_args=(pagerank "$input")
        fi

        # The oracle's answers.
        report="$dir/check-converged.txt"
        if "$RV_ORACLE" pagerank --check-converged --damping "$damping" ${undirected_flag[@]+"${undirected_flag[@]}"} \
            "$dir/$name.e" "$oracle_vertices" > "$report" 2>&1; then
            rv_ok "oracle $name: converged iteration agrees with igraph PRPACK"
        else
            rv_not_ok "oracle $name: converged iteration agrees with igraph PRPACK"
            rv_diag_file "$report"
        fi
        if ! "$RV_ORACLE" sssp --source "$source" ${undirected_flag[@]+"${undirected_flag[@]}"} \
            --output "$dir/expected-SSSP" "$dir/$name.e" "$oracle_vertices" 2> "$dir/oracle.err" ||
            ! "$RV_ORACLE" pagerank --iterations "$iterations" --damping "$damping" \
                ${undirected_flag[@]+"${undirected_flag[@]}"} --output "$dir/expected-PR" \
                "$dir/$name.e" "$oracle_vertices" 2>> "$dir/oracle.err"; then
            rv_not_ok "oracle $name: expected outputs" "rv-oracle failed:"
            rv_diag_file "$dir/oracle.err"
            continue
        fi

        first_sssp=""
        first_pr=""
        for np in $RV_NPS; do
            out="$dir/sssp.np$np"
            desc="sssp $name ($form, source $source) np=$np equals igraph Dijkstra"
            if rv_run_check "$desc" "$np" "$out" "${sssp_args[@]}"; then
                rv_validate_check "$desc" --sorted --epsilon 0 epsilon "$dir/expected-SSSP" "$out"
                if [ -z "$first_sssp" ]; then
                    first_sssp=$out
                    first_sssp_np=$np
                else
                    rv_identical_check "sssp $name np=$np output identical to np=$first_sssp_np" "$first_sssp" "$out"
                fi
            fi

            out="$dir/pr.np$np"
            desc="pagerank $name ($form, $iterations iterations, d=$damping) np=$np within 1e-10 of oracle"
            if rv_run_check "$desc" "$np" "$out" "${pr_args[@]}"; then
                rv_validate_check "$desc" --sorted --epsilon 1e-10 epsilon "$dir/expected-PR" "$out"
                if [ -z "$first_pr" ]; then
                    first_pr=$out
                    first_pr_np=$np
                else
                    rv_validate_check "pagerank $name np=$np within 1e-12 of np=$first_pr_np" \
                        --sorted --epsilon 1e-12 epsilon "$first_pr" "$out"
                fi
            fi
        done

        # SSSP from an isolated vertex: everything else is unreachable. On a dataset
        # this also checks that --source overrides sssp.source-vertex.
        if [ -n "$isolated" ] && [ "$form" = dataset ]; then
            "$RV_ORACLE" sssp --source "$isolated" ${undirected_flag[@]+"${undirected_flag[@]}"} \
                --output "$dir/expected-SSSP-isolated" "$dir/$name.e" "$oracle_vertices" 2> "$dir/oracle.err"
            out="$dir/sssp-isolated.np3"
            desc="sssp $name np=3 from isolated vertex $isolated (--source overrides the dataset's source)"
            if rv_run_check "$desc" 3 "$out" sssp "$input" --source "$isolated"; then
                rv_validate_check "$desc" --sorted --epsilon 0 epsilon "$dir/expected-SSSP-isolated" "$out"
            fi
        fi
    done
done

rv_done
