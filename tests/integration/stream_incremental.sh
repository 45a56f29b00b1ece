#!/bin/bash
# stream_incremental.sh — `rivulet stream cdlp|lcc` repair only what a batch affected, and still equal a recomputation from scratch after every batch, at np = 1..4 under METIS and hash placement (TAP).
#
# tests/tools/stream_cases.py writes update streams shaped against the affected-set
# logic of the repairs (algorithms/cdlp.c, algorithms/lcc.c): long chains, where
# one update changes CDLP labels many hops away (the test checks, on the
# recomputations, that some label changed at least 3 hops from every touched
# vertex), and overlapping cliques, where removals break triangles, vertices are
# removed, and a hub gains and loses more edges in one batch than a touched vertex
# lists (the test checks that some LCC value changed at a vertex the batch did not
# touch: a common neighbour, which the repair corrects by the announced changes or,
# next to the hub, recounts). tests/tools/stream_reference.py applies the stream independently of
# rivulet. For every case, algorithm, np and placement: every batch's result equals
# `rivulet run` on that batch's graph (snapshots at odd np, changes added up at even
# np), and every batch after the first was repaired (mode=repair in its metrics
# line); on the sparse chains, where a batch affects a small part of the graph, the
# repairs together also ran fewer vertex computations than half of what as many
# recomputations would (a count, not a time).
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/stream_lib.sh
. "$(dirname "$0")/stream_lib.sh"

rv_require_rivulet
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" > /dev/null || rv_skip_all "no python3"
REF="$RV_TOP_SRCDIR/tests/tools/stream_reference.py"
CASES="$RV_TOP_SRCDIR/tests/tools/stream_cases.py"

# computed ERRFILE: "initial repairs": the vertex computations of batch 0, and of the
# other batches summed.
computed() {
    sed -n 's/^rivulet: batch=\([0-9]*\) .* computed=\([0-9]*\) .*/\1 \2/p' "$1" |
        awk '$1 == 0 { first = $2 } $1 > 0 { rest += $2 } END { print first + 0, rest + 0 }'
}

# name | stream_cases.py gen options | batch size | apply flag | algorithms (name:options) | algorithm and
# the hop distance from the touched vertices some change of its results must reach | check locality
# CDLP's --repair-limit=1 keeps it repairing these small graphs' batches, which its
# default (a thousandth of the edges) would recompute; the last section tests that.
cases=(
    "chains|chains|1||cdlp:--iterations=10:--repair-limit=1 lcc|cdlp 3|yes"
    "chains-undirected|chains --undirected|2|--undirected|cdlp:--iterations=6:--repair-limit=1|cdlp 3|yes"
    "cliques|cliques --seed 3|3||lcc cdlp:--iterations=5:--repair-limit=1|lcc 1|no"
    "cliques-undirected|cliques --seed 4 --undirected|3|--undirected|lcc|lcc 1|no"
    "cliques-large-batches|cliques --seed 5|40||lcc cdlp:--repair-limit=1|lcc 1|no"
)

for spec in "${cases[@]}"; do
    IFS='|' read -r name gen_options batch_size apply_flag algorithms reach_spec locality <<< "$spec"
    dir="$RV_TMP/$name"
    mkdir -p "$dir"
    # shellcheck disable=SC2086 # option lists
    if ! "$PYTHON" "$CASES" gen $gen_options "$dir/g" "$dir/updates.txt" > "$dir/gen.log" 2>&1 ||
        ! "$PYTHON" "$REF" apply $apply_flag --batch-size "$batch_size" "$dir/g" "$dir/updates.txt" \
            "$dir/expected" > "$dir/model.txt" 2> "$dir/apply.log"; then
        rv_not_ok "$name: generate the stream and its model" "$(cat "$dir/gen.log" "$dir/apply.log")"
        continue
    fi
    n_batches=$(head -n 1 "$dir/model.txt")
    echo "# $name: $(grep -c . "$dir/updates.txt") updates, $n_batches batches of up to $batch_size"

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
        if [ "${reach_spec% *}" = "$algo" ]; then
            # The stream must exercise the repair beyond the touched vertices.
            reach=$("$PYTHON" "$CASES" reach "$dir/expected" "$n_batches" "$algo" 2>&1)
            if [ "$reach" -ge "${reach_spec#* }" ] 2> /dev/null; then
                rv_ok "$name: some $algo result changes $reach hops from the touched vertices (>= ${reach_spec#* })"
            else
                rv_not_ok "$name: some $algo result changes ${reach_spec#* } hops from the touched vertices" \
                    "the farthest change is at: $reach"
            fi
        fi
        for np in $RV_NPS; do
            placements="auto"
            [ "$np" -gt 1 ] && placements="auto hash"
            for placement in $placements; do
                out="$dir/$algo.np$np.$placement"
                emit=snapshot
                [ $((np % 2)) = 0 ] && emit=changes
                desc="$name: $algo at np=$np, --partition $placement, repairs $n_batches batches to a recomputation ($emit)"
                if ! rv_mpirun "$np" "$RIVULET" stream "$algo" "$dir/g" "${options[@]}" --partition "$placement" \
                    --updates "$dir/updates.txt" --batch-size "$batch_size" --batch-ms 0 --emit "$emit" \
                    --output-dir "$out" > "$out.stdout" 2> "$out.err"; then
                    rv_not_ok "$desc" "rivulet stream failed:"
                    rv_diag_file "$out.err"
                    continue
                fi
                if [ "$emit" = changes ] && ! "$PYTHON" "$REF" changes "$out" "$n_batches" > "$out.replay" 2>&1; then
                    rv_not_ok "$desc" "cannot add up the changes:"
                    rv_diag_file "$out.replay"
                    continue
                fi
                read -r initial repairs <<< "$(computed "$out.err")"
                if ! why=$(st_batches_equal "$out" "$dir/expected" "$n_batches" "$algo"); then
                    rv_not_ok "$desc" "$why"
                elif ! st_all_repaired "$out.err" "$n_batches"; then
                    rv_not_ok "$desc" "not every batch was repaired: $(st_modes "$out.err" | sort | uniq -c | tr '\n' ' ')"
                elif [ "$locality" = yes ] && [ $((2 * repairs)) -ge $((n_batches * initial)) ]; then
                    rv_not_ok "$desc" "the repairs ran $repairs computations, $n_batches recomputations would run $((n_batches * initial))"
                else
                    rv_ok "$desc"
                    [ "$np" = 1 ] && echo "# $name $algo: $repairs computations in $n_batches repairs, $initial in the initial run"
                fi
            done
        done
    done
done

# A batch of more updates than --repair-limit times the edges is recomputed from
# scratch (mode=recompute) and still equals the model: with the limit at 0, every
# batch of the large-batch cliques stream, and at the default, every batch of the
# chains stream (one update is more than a thousandth of its few hundred edges).
for spec in "cliques-large-batches|40|--repair-limit=0" "chains|1|"; do
    IFS='|' read -r name batch_size limit <<< "$spec"
    dir="$RV_TMP/$name"
    n_batches=$(head -n 1 "$dir/model.txt" 2> /dev/null)
    limit_options=()
    [ -n "$limit" ] && limit_options=("$limit")
    for np in $RV_NPS; do
        out="$dir/cdlp-recompute${limit}.np$np"
        desc="$name: cdlp ${limit:-with the default --repair-limit} at np=$np recomputes each of its $n_batches batches to the model"
        if ! rv_mpirun "$np" "$RIVULET" stream cdlp "$dir/g" "${limit_options[@]}" --partition hash \
            --updates "$dir/updates.txt" --batch-size "$batch_size" --batch-ms 0 --emit snapshot \
            --output-dir "$out" > "$out.stdout" 2> "$out.err"; then
            rv_not_ok "$desc" "rivulet stream failed:"
            rv_diag_file "$out.err"
        elif ! why=$(st_batches_equal "$out" "$dir/expected" "$n_batches" cdlp); then
            rv_not_ok "$desc" "$why"
        elif [ "$(st_modes "$out.err" | grep -cx recompute)" != "$n_batches" ]; then
            rv_not_ok "$desc" "not every batch was recomputed: $(st_modes "$out.err" | sort | uniq -c | tr '\n' ' ')"
        else
            rv_ok "$desc"
        fi
    done
done

rv_done
