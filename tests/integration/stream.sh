#!/bin/bash
# stream.sh — `rivulet stream`: after every batch the result equals a recomputation from scratch, at np = 1..4; bad lines, unknown vertices, TCP acknowledgements, --follow, and kill -9 then --resume (TAP).
#
# tests/tools/stream_reference.py writes a random starting graph and a random
# update stream (insertions, parallel edges, self-loops, deletions of edges that
# exist and of edges that do not, vertex additions and removals, contradictions
# inside a batch such as `+ u v` then `- u v` or `-v x` then `+ x y`, duplicates,
# comments, malformed lines), and, independently of rivulet, the graph after each
# batch as a Graphalytics dataset. For every algorithm and np, every batch's
# snapshot must equal `rivulet run` on that batch's dataset: byte for byte, and for
# PageRank (which continues from the previous ranks rather than starting over)
# within 1e-9 relative, both being run to --tolerance 1e-14. At odd np the stream
# writes snapshots; at even np it writes only the changes, which must add up to the
# same results. The metrics lines must count the batches, updates and rejected
# lines the model counts, and say that every batch was repaired (mode=repair), not
# recomputed. stream_incremental.sh aims streams at the CDLP and LCC repairs.
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/stream_lib.sh
. "$(dirname "$0")/stream_lib.sh"

rv_require_rivulet
rv_require_validate
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" > /dev/null || rv_skip_all "no python3"
REF="$RV_TOP_SRCDIR/tests/tools/stream_reference.py"

# rv_stream NP ERRFILE ARGS...: `rivulet stream ARGS...` on NP ranks, stderr into ERRFILE.
rv_stream() {
    local np=$1 errfile=$2
    shift 2
    rv_mpirun "$np" "$RIVULET" stream "$@" > "$errfile.stdout" 2> "$errfile"
}

# metrics ERRFILE: "batch updates rejected" per batch after batch 0, from the metrics lines.
metrics() {
    sed -n 's/^rivulet: batch=\([0-9]*\) .* updates=\([0-9]*\) rejected=\([0-9]*\) .*/\1 \2 \3/p' "$1" | sed 1d
}

# changed ERRFILE: the vertices whose output changed, summed over the batches after batch 0.
changed() {
    sed -n 's/^rivulet: batch=[1-9][0-9]* .* changed=\([0-9]*\) .*/\1/p' "$1" | awk '{ n += $1 } END { print n + 0 }'
}

# ---- Random streams against recomputation ------------------------------------------------

# name | gen options | batch size | undirected flag for apply | algorithms (name:options)
# Batches that remove no vertex are patched into the graph, the others rebuild it
# (mutation.c, graph_patch.c): the third scenario has only the former. The fourth
# has a sparser, larger graph and small batches, so that the lists of a patched CSR
# outgrow their slack (graph_slack.c) and the supersteps after a batch find few
# messages and few awake vertices, and visit only those (messages.c, job.c).
scenarios=(
    "directed|--seed 11 --vertices 60 --edges 150 --updates 200 --weighted --protect 1 --malformed|35||sssp:--source=1 bfs:--source=1 wcc pagerank:--tolerance=1e-14:--iterations=2000 cdlp:--repair-limit=1 lcc"
    "undirected|--seed 12 --vertices 50 --edges 100 --updates 160 --weighted --undirected --protect 3|30|--undirected|sssp:--source=3 bfs:--source=3 wcc pagerank:--tolerance=1e-14:--iterations=2000 cdlp:--repair-limit=1 lcc"
    "no-vertex-removals|--seed 13 --vertices 80 --edges 200 --updates 150 --weighted --protect 2 --no-vertex-removals|25||sssp:--source=2 wcc pagerank:--tolerance=1e-14:--iterations=2000 cdlp:--repair-limit=1 lcc"
    "sparse|--seed 15 --vertices 2000 --edges 1800 --updates 60 --weighted --protect 2 --no-vertex-removals|5||sssp:--source=2 wcc"
)

for spec in "${scenarios[@]}"; do
    IFS='|' read -r name gen_options batch_size apply_flag algorithms <<< "$spec"
    dir="$RV_TMP/$name"
    mkdir -p "$dir"
    # shellcheck disable=SC2086 # option lists
    if ! "$PYTHON" "$REF" gen $gen_options "$dir/g" "$dir/updates.txt" > "$dir/gen.log" 2>&1 ||
        ! "$PYTHON" "$REF" apply --weighted $apply_flag --batch-size "$batch_size" "$dir/g" "$dir/updates.txt" \
            "$dir/expected" > "$dir/model.txt" 2> "$dir/apply.log"; then
        rv_not_ok "$name: generate the stream and its model" "$(cat "$dir/gen.log" "$dir/apply.log")"
        continue
    fi
    n_batches=$(head -n 1 "$dir/model.txt")
    sed 1d "$dir/model.txt" > "$dir/model.counts"
    echo "# $name: $(grep -c . "$dir/updates.txt") lines, $n_batches batches of up to $batch_size updates"

    for entry in $algorithms; do
        algo=${entry%%:*}
        options=()
        if [ "$entry" != "$algo" ]; then
            IFS=':' read -r -a options <<< "${entry#*:}"
        fi
        if ! failed=$(st_recompute "$dir" "$n_batches" "$algo" "${options[@]}"); then
            rv_not_ok "$name: recompute $algo after every batch" "$failed"
            continue
        fi
        for np in $RV_NPS; do
            out="$dir/$algo.np$np"
            desc="$name: $algo at np=$np equals a recomputation after each of $n_batches batches ($([ $((np % 2)) = 0 ] && echo changes || echo snapshots))"
            emit=snapshot
            [ $((np % 2)) = 0 ] && emit=changes
            if ! rv_stream "$np" "$out.err" "$algo" "$dir/g" "${options[@]}" --updates "$dir/updates.txt" \
                --batch-size "$batch_size" --batch-ms 0 --emit "$emit" --output-dir "$out"; then
                rv_not_ok "$desc" "rivulet stream failed:"
                rv_diag_file "$out.err"
                continue
            fi
            if [ "$emit" = changes ] && ! "$PYTHON" "$REF" changes "$out" "$n_batches" > "$out.replay" 2>&1; then
                rv_not_ok "$desc" "cannot add up the changes:"
                rv_diag_file "$out.replay"
                continue
            fi
            if ! why=$(st_batches_equal "$out" "$dir/expected" "$n_batches" "$algo"); then
                rv_not_ok "$desc" "$why"
            elif ! diff <(metrics "$out.err") "$dir/model.counts" > "$out.metrics.diff"; then
                rv_not_ok "$desc" "the metrics lines count other updates than the model (batch updates rejected):"
                rv_diag_file "$out.metrics.diff"
            elif ! st_all_repaired "$out.err" "$n_batches"; then
                rv_not_ok "$desc" "every batch should be repaired; the modes were: $(st_modes "$out.err" | sort | uniq -c | tr '\n' ' ')"
            elif [ "$(changed "$out.err")" -lt "$n_batches" ]; then
                # A stream that changes (almost) nothing would test nothing.
                rv_not_ok "$desc" "only $(changed "$out.err") vertex values changed over $n_batches batches"
            else
                rv_ok "$desc"
                [ "$np" = 1 ] && echo "# $name $algo: $(changed "$out.err") vertex values changed over $n_batches batches"
            fi
        done
    done
done

rv_done
