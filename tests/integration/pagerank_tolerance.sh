#!/bin/bash
# pagerank_tolerance.sh — `pagerank --tolerance EPS` stops early, at the right iteration, within the bound it promises of igraph's PageRank (TAP).
#
# --tolerance EPS ends the run after the first iteration whose L1 change, summed
# over all vertices, is below EPS. PageRank's iteration is a contraction by d in
# the L1 norm, so the ranks are then within EPS * d / (1 - d) of the fixed point.
# Checks, on random graphs (rv-oracle gen; one directed with sinks, one undirected
# with isolated vertices) at every np:
#   * the run summary reports the supersteps, fewer than the --iterations cap
#     allows: it stopped early;
#   * exactly as many as rv-oracle's iteration with the same EPS takes, plus the
#     superstep that sends the initial ranks;
#   * the ranks are within EPS * d / (1 - d) (+ 1e-9 for PRPACK's own error) in L1
#     of igraph_pagerank (PRPACK), and within 1e-10 relative of rv-oracle's ranks
#     after the same iterations;
# and once per graph: without --tolerance (and with --tolerance 0) the run goes
# to the cap, as Graphalytics asks.
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rv_require_rivulet
rv_require_validate
rv_require_oracle

CAP=500

# summary_supersteps FILE: the superstep count of the run summary in FILE.
summary_supersteps() {
    sed -n 's/^ *compute .*(\([0-9][0-9]*\) supersteps\{0,1\},.*/\1/p' "$1" | tail -n 1
}

# name | seed | rv-oracle gen options | damping | tolerance
graphs=(
    "gnm-directed-sinks|51|--model gnm --vertices 2000 --edges 5000|0.85|1e-6"
    "gnm-undirected-isolated|52|--model gnm --vertices 1500 --edges 4000 --undirected --isolated 20|0.5|1e-9"
)

for spec in "${graphs[@]}"; do
    IFS='|' read -r name seed gen_options damping tolerance <<< "$spec"
    dir="$RV_TMP/$name"
    mkdir -p "$dir"
    flags=()
    directed=true
    case " $gen_options " in *" --undirected "*)
        flags=(--undirected)
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
    # rivulet reads the graph as a dataset, so that isolated vertices (sinks that
    # only the vertex file names) take part.
    edges="$dir/$name.e"
    vertices="$dir/$name.v"
    {
        echo "graph.$name.vertex-file = $name.v"
        echo "graph.$name.edge-file = $name.e"
        echo "graph.$name.directed = $directed"
    } > "$dir/$name.properties"
    input="$dir/$name"

    if ! oracle=$("$RV_ORACLE" pagerank --iterations "$CAP" --damping "$damping" --tolerance "$tolerance" \
        ${flags[@]+"${flags[@]}"} --output "$dir/expected-PR" "$edges" "$vertices" 2> "$dir/oracle.err"); then
        rv_not_ok "oracle $name: iterations to tolerance $tolerance" "rv-oracle failed:"
        rv_diag_file "$dir/oracle.err"
        continue
    fi
    iterations=${oracle#iterations }
    expected_supersteps=$((iterations + 1))
    bound=$(awk -v e="$tolerance" -v d="$damping" 'BEGIN { printf "%.17g", e * d / (1 - d) + 1e-9 }')
    echo "# $name: the oracle stops after $iterations iterations (cap $CAP); L1 bound $bound"
    if [ "$iterations" -lt "$CAP" ]; then
        rv_ok "oracle $name: tolerance $tolerance is reached before the cap"
    else
        rv_not_ok "oracle $name: tolerance $tolerance is reached before the cap" "$oracle"
    fi

    for np in $RV_NPS; do
        out="$dir/pr.np$np"
        log="$dir/pr.np$np.log"
        desc="pagerank $name --tolerance $tolerance np=$np"
        rm -f -- "$out"
        status=0
        rv_mpirun "$np" "$RIVULET" run pagerank "$input" --damping "$damping" \
            --iterations "$CAP" --tolerance "$tolerance" --output "$out" > "$log.stdout" 2> "$log" || status=$?
        if [ "$status" != 0 ] || [ ! -f "$out" ]; then
            rv_not_ok "$desc runs" "exit status $status; stderr:"
            rv_diag_file "$log"
            continue
        fi
        supersteps=$(summary_supersteps "$log")
        if [ -z "$supersteps" ]; then
            rv_not_ok "$desc: the run summary reports the supersteps" "no 'compute ... (N supersteps' line:"
            rv_diag_file "$log"
            continue
        fi
        if [ "$supersteps" -le "$CAP" ]; then
            rv_ok "$desc stops early ($supersteps supersteps, the cap allows $((CAP + 1)))"
        else
            rv_not_ok "$desc stops early" "$supersteps supersteps with --iterations $CAP"
        fi
        if [ "$supersteps" = "$expected_supersteps" ]; then
            rv_ok "$desc runs $supersteps supersteps, as the oracle's $iterations iterations predict"
        else
            rv_not_ok "$desc runs as many supersteps as the oracle predicts" \
                "$supersteps supersteps; the oracle stopped after $iterations iterations"
        fi
        report="$dir/prpack.np$np.txt"
        desc_l1="$desc within $bound in L1 of igraph PRPACK"
        if "$RV_ORACLE" pagerank --compare-prpack "$out" --max-l1 "$bound" --damping "$damping" \
            ${flags[@]+"${flags[@]}"} "$edges" "$vertices" > "$report" 2>&1; then
            rv_ok "$desc_l1"
            sed 's/^/# /' "$report"
        else
            rv_not_ok "$desc_l1"
            rv_diag_file "$report"
        fi
        rv_validate_check "$desc within 1e-10 of the oracle's ranks after $iterations iterations" \
            --sorted --epsilon 1e-10 epsilon "$dir/expected-PR" "$out"
    done

    # Off by default, and 0 is off: the cap is run in full.
    for extra in "" "--tolerance 0"; do
        log="$dir/default${extra:+-zero}.log"
        desc="pagerank $name np=2 ${extra:-without --tolerance} runs all --iterations 40"
        status=0
        # shellcheck disable=SC2086 # extra is zero or two words
        rv_mpirun 2 "$RIVULET" run pagerank "$input" --damping "$damping" \
            --iterations 40 $extra --output "$dir/default.out" > "$log.stdout" 2> "$log" || status=$?
        supersteps=$(summary_supersteps "$log")
        if [ "$status" = 0 ] && [ "$supersteps" = 41 ]; then
            rv_ok "$desc"
        else
            rv_not_ok "$desc" "exit status $status, ${supersteps:-no} supersteps (41 expected); stderr:"
            rv_diag_file "$log"
        fi
    done
done

rv_done
