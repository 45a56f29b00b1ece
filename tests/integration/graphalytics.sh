#!/bin/bash
# graphalytics.sh — PageRank, SSSP, BFS, WCC and CDLP on every LDBC Graphalytics example/test graph with an expected output, at every process count (TAP).
#
# Each graph is run as a Graphalytics dataset (`rivulet run ALGO DIR/NAME`), so the
# parameters (iterations, damping, source, weight column, directedness) come from
# NAME.properties. Checks per graph and algorithm:
#   * at each np in RV_NPS: the output passes the Graphalytics rule of the
#     algorithm against LDBC's expected file (epsilon for PR and SSSP, exact for
#     BFS and CDLP, equivalence for WCC; every vertex exactly once, ids ascending);
#   * for np > 1: the output equals the np=1 output byte for byte (every algorithm
#     but PageRank) or within 1e-12 relative (PageRank, whose sums may be added in
#     another order).
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rv_require_rivulet
rv_require_validate

# ALGO:SUFFIX:RULE: the CLI name, the Graphalytics output suffix and validation rule
# of each algorithm.
algorithms="pagerank:PR:epsilon sssp:SSSP:epsilon bfs:BFS:exact wcc:WCC:equivalence cdlp:CDLP:exact"

n_graphs=0
for dir in "$RV_GRAPHALYTICS/example" "$RV_GRAPHALYTICS/test"; do
    [ -d "$dir" ] || rv_bail "missing dataset directory $dir (set RV_SHARED_DATASETS)"
    for properties in "$dir"/*.properties; do
        name=$(basename "$properties" .properties)
        for pair in $algorithms; do
            IFS=: read -r algo suffix rule <<< "$pair"
            expected="$dir/$name-$suffix"
            [ -f "$expected" ] || continue
            n_graphs=$((n_graphs + 1))
            first=""
            for np in $RV_NPS; do
                out="$RV_TMP/$name-$suffix.np$np"
                desc="$algo $name np=$np matches LDBC expected output"
                if rv_run_check "$desc" "$np" "$out" "$algo" "$dir/$name"; then
                    rv_validate_check "$desc" --sorted "$rule" "$expected" "$out"
                else
                    continue
                fi
                if [ -z "$first" ]; then
                    first=$out
                    first_np=$np
                elif [ "$algo" != pagerank ]; then
                    rv_identical_check "$algo $name np=$np output identical to np=$first_np" "$first" "$out"
                else
                    rv_validate_check "pagerank $name np=$np within 1e-12 of np=$first_np" \
                        --sorted --epsilon 1e-12 epsilon "$first" "$out"
                fi
            done
        done
    done
done
[ "$n_graphs" -gt 0 ] || rv_bail "no expected outputs found under $RV_GRAPHALYTICS"

# Without --output the result goes to standard output (from rank 0 only): it must
# equal what --output wrote.
for algo in pagerank sssp; do
    name=example-directed
    suffix=PR
    [ "$algo" = sssp ] && suffix=SSSP
    reference="$RV_TMP/$name-$suffix.np3"
    stdout="$RV_TMP/$name-$suffix.stdout.np3"
    desc="$algo $name np=3 without --output prints the same lines on stdout"
    status=0
    rv_mpirun 3 "$RIVULET" run "$algo" "$RV_GRAPHALYTICS/example/$name" --quiet > "$stdout" 2> "$stdout.err" || status=$?
    if [ "$status" != 0 ]; then
        rv_not_ok "$desc" "exit status $status; stderr:"
        rv_diag_file "$stdout.err"
    elif [ ! -f "$reference" ]; then
        rv_skip "$desc" "the np=3 run with --output failed"
    else
        rv_identical_check "$desc" "$reference" "$stdout"
    fi
done

rv_done
