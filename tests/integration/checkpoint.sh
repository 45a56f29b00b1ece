#!/bin/bash
# checkpoint.sh — checkpoints and --resume at every process count: a run killed by fault injection and resumed gives the uninterrupted output (TAP).
#
# On a random skewed graph (rv-oracle gen), for PageRank and SSSP at each np:
#   * a run with checkpoints (small chunks, so every rank has several) gives exactly
#     the output of a run without, which agrees with igraph (the oracle);
#   * it keeps only the newest --keep checkpoints, and `store fsck` finds them whole;
#   * a run killed at superstep 7 (RV_FAULT, SIGKILL) fails and writes no output;
#   * --resume continues from superstep 6 and writes byte for byte the uninterrupted
#     output (PageRank included: same ranks, same order of sums).
# Then BFS, WCC, CDLP, LCC and PageRank with a tolerance, killed and resumed at np = 3
# and on np = 2; refusing another program, other parameters, another input and other load
# options; a fresh run into a directory that holds checkpoints; --resume without any
# checkpoint; --max-supersteps across a resume; usage errors.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/checkpoint_lib.sh
. "$(dirname "$0")/checkpoint_lib.sh"

rv_require_rivulet
rv_require_validate
rv_require_oracle

G=$RV_TMP/graph
ck_make_graph "$G" g 7 2000 10000
INPUT=$G/g

for np in $RV_NPS; do
    last=$((np - 1))
    for algo in pagerank sssp; do
        case $algo in
        pagerank) rule=(--sorted --epsilon 1e-10 epsilon "$G/g-PR") ;;
        sssp) rule=(--sorted --epsilon 0 epsilon "$G/g-SSSP") ;;
        esac
        plain=$RV_TMP/$algo.np$np.plain
        rv_run_check "$algo np=$np without checkpoints" "$np" "$plain" "$algo" "$INPUT" || continue
        rv_validate_check "$algo np=$np without checkpoints agrees with igraph" "${rule[@]}" "$plain"

        dir=$RV_TMP/ck-$algo-$np
        out=$RV_TMP/$algo.np$np.ckpt
        ckpt=(--checkpoint-dir "$dir" --checkpoint-every 3 --chunk-size 16K --keep 2)
        if rv_run_check "$algo np=$np with checkpoints" "$np" "$out" "$algo" "$INPUT" "${ckpt[@]}"; then
            rv_identical_check "$algo np=$np: checkpoints change nothing in the output" "$plain" "$out"
            ck_store ls "$dir" || true
            n=$(awk '$1 ~ /^[0-9]+$/' "$RV_TMP/store.out" | wc -l)
            if [ "$n" = 2 ]; then
                rv_ok "$algo np=$np: --keep 2 leaves 2 committed checkpoints"
            else
                rv_not_ok "$algo np=$np: --keep 2 leaves 2 committed checkpoints" "store ls lists $n:"
                rv_diag_file "$RV_TMP/store.out"
            fi
            ck_store_check "$algo np=$np: store fsck verifies every replica" 0 fsck "$dir"
        fi

        # Killed at superstep 7; the newest checkpoint is 6.
        dir=$RV_TMP/ck-$algo-$np-fault
        ckpt=(--checkpoint-dir "$dir" --checkpoint-every 3 --chunk-size 16K)
        out=$RV_TMP/$algo.np$np.resumed
        status=0
        RV_FAULT=$last:7 ck_run "$np" "$out" "$out.killed.err" "$algo" "$INPUT" "${ckpt[@]}" || status=$?
        ck_expect_failure "$algo np=$np: rank $last killed at superstep 7 fails the job, no output" \
            "$status" "$out" "$out.killed.err" "fault injection"
        status=0
        ck_run "$np" "$out" "$out.err" "$algo" "$INPUT" "${ckpt[@]}" --resume || status=$?
        if [ "$status" != 0 ]; then
            rv_not_ok "$algo np=$np: --resume succeeds" "exit status $status:"
            rv_diag_file "$out.err"
            continue
        fi
        ck_grep_check "$algo np=$np: --resume continues from superstep 6" \
            "resumed from the checkpoint at superstep 6 (written by $np rank" "$out.err"
        rv_identical_check "$algo np=$np: the resumed output equals the uninterrupted one" "$plain" "$out"
    done
done

# ---- The other built-in algorithms (np = 3, then on np = 2) ----------------------------
# BFS, WCC (the undirected view), CDLP (list messages), LCC (variable-size messages,
# per-edge state, a master hook that decides its waves at superstep 1) and PageRank
# with a tolerance (a master hook that can stop the run): killed at superstep 4,
# resumed on 3 ranks (byte-identical) and on 2 (equal to an uninterrupted np=2 run).
for spec in "bfs --source $CK_SOURCE" "wcc" "cdlp --iterations 8" "lcc" "pagerank --tolerance 1e-9 --iterations 60"; do
    read -r -a run_args <<< "$spec"
    name=${run_args[0]}${run_args[1]:+-tolerance}
    [ "${run_args[0]}" = pagerank ] || name=${run_args[0]}
    dir=$RV_TMP/ck-other-$name
    ckpt=(--checkpoint-dir "$dir" --checkpoint-every 3)
    rv_run_check "$name np=3 uninterrupted" 3 "$RV_TMP/$name.np3" "${run_args[@]}" "$INPUT" || continue
    rv_run_check "$name np=2 uninterrupted" 2 "$RV_TMP/$name.np2" "${run_args[@]}" "$INPUT" || continue
    out=$RV_TMP/$name.resumed
    status=0
    RV_FAULT=2:4 ck_run 3 "$out" "$out.err" "${run_args[@]}" "$INPUT" "${ckpt[@]}" || status=$?
    ck_expect_failure "$name np=3 killed at superstep 4" "$status" "$out" "$out.err" "fault injection"
    if rv_run_check "$name np=3 resumed" 3 "$out" "${run_args[@]}" "$INPUT" "${ckpt[@]}" --resume; then
        rv_identical_check "$name: resumed at np=3, the output equals the uninterrupted one" "$RV_TMP/$name.np3" "$out"
    fi
    if rv_run_check "$name: the np=3 checkpoint resumed at np=2" 2 "$out" "${run_args[@]}" "$INPUT" \
        --checkpoint-dir "$dir" --resume; then
        if [ "$name" = pagerank-tolerance ]; then
            rv_validate_check "$name: resumed at np=2, within 1e-12 of an np=2 run" --sorted --epsilon 1e-12 epsilon \
                "$RV_TMP/$name.np2" "$out"
        else
            rv_identical_check "$name: resumed at np=2, the output equals an np=2 run" "$RV_TMP/$name.np2" "$out"
        fi
    fi
done

# ---- Refusals (np = 2) ---------------------------------------------------------------
np=2
dir=$RV_TMP/ck-refusals
out=$RV_TMP/refusals.out
status=0
RV_FAULT=1:7 ck_run $np "$out" "$out.err" pagerank "$INPUT" --checkpoint-dir "$dir" --checkpoint-every 3 || status=$?
ck_expect_failure "refusals: a pagerank job killed at superstep 7" "$status" "$out" "$out.err"

status=0
ck_run $np "$out" "$out.err" pagerank "$INPUT" --iterations 13 --checkpoint-dir "$dir" --resume || status=$?
ck_expect_failure "resume refuses other parameters (--iterations 13), naming them" "$status" "$out" "$out.err" \
    "with other parameters (checkpoint: 'iterations=12 damping=0.84999999999999998 tolerance=0'; this run: 'iterations=13"
status=0
ck_run $np "$out" "$out.err" sssp "$INPUT" --checkpoint-dir "$dir" --resume || status=$?
ck_expect_failure "resume refuses another program" "$status" "$out" "$out.err" \
    "written by another program (checkpoint: 'pagerank'; this run: 'sssp')"
status=0
ck_run $np "$out" "$out.err" pagerank "$INPUT" --undirected --checkpoint-dir "$dir" --resume || status=$?
ck_expect_failure "resume refuses other load options (--undirected)" "$status" "$out" "$out.err" \
    "for another input or load options"
# The same file names, one more edge: only the content tells them apart.
mkdir -p "$RV_TMP/changed"
cp "$G/g.properties" "$G/g.v" "$RV_TMP/changed/"
{ cat "$G/g.e"; awk 'NF >= 2 { print $2, $1, 0.5; exit }' "$G/g.e"; } > "$RV_TMP/changed/g.e"
status=0
ck_run $np "$out" "$out.err" pagerank "$RV_TMP/changed/g" --checkpoint-dir "$dir" --resume || status=$?
ck_expect_failure "resume refuses an input whose content changed" "$status" "$out" "$out.err" \
    "for another input graph"
# A copy of the input elsewhere is the same input.
mkdir -p "$RV_TMP/copy"
cp "$G/g.properties" "$G/g.v" "$G/g.e" "$RV_TMP/copy/"
if rv_run_check "resume accepts the same input under another path" $np "$out" pagerank "$RV_TMP/copy/g" \
    --checkpoint-dir "$dir" --resume; then
    rv_identical_check "resume from a copied input equals the uninterrupted output" "$RV_TMP/pagerank.np$np.plain" "$out"
fi

status=0
ck_run $np "$out" "$out.err" pagerank "$INPUT" --checkpoint-dir "$dir" --checkpoint-every 3 || status=$?
ck_expect_failure "a fresh run refuses a directory that holds checkpoints" "$status" "$out" "$out.err" \
    "already holds checkpoints (the newest at superstep"

status=0
ck_run $np "$out" "$out.err" sssp "$INPUT" --checkpoint-dir "$RV_TMP/ck-empty" --checkpoint-every 4 --resume ||
    status=$?
if [ "$status" = 0 ] && grep -q "no checkpoint in" "$out.err"; then
    rv_identical_check "--resume without a checkpoint starts from superstep 0 and says so" "$RV_TMP/sssp.np$np.plain" "$out"
else
    rv_not_ok "--resume without a checkpoint starts from superstep 0 and says so" "exit status $status:"
    rv_diag_file "$out.err"
fi

# --max-supersteps counts from the start of the job, across a resume.
dir=$RV_TMP/ck-max
status=0
rv_run_check "pagerank --max-supersteps 9 without checkpoints" $np "$RV_TMP/max.plain" pagerank "$INPUT" \
    --max-supersteps 9
RV_FAULT=0:7 ck_run $np "$out" "$out.err" pagerank "$INPUT" --max-supersteps 9 --checkpoint-dir "$dir" \
    --checkpoint-every 3 || status=$?
ck_expect_failure "pagerank --max-supersteps 9 killed at superstep 7" "$status" "$out" "$out.err"
if rv_run_check "pagerank --max-supersteps 9 resumed" $np "$out" pagerank "$INPUT" --max-supersteps 9 \
    --checkpoint-dir "$dir" --resume; then
    rv_identical_check "--max-supersteps 9 across a resume runs 9 supersteps in all" "$RV_TMP/max.plain" "$out"
fi

# ---- Usage errors: refused before MPI starts, exit status 2 ------------------------------
usage_case() {
    local desc=$1 pattern=$2 status=0
    shift 2
    timeout -k 5 "$RV_TIMEOUT" "$RIVULET" run pagerank "$INPUT" "$@" > "$RV_TMP/usage.out" 2>&1 || status=$?
    if [ "$status" = 2 ] && grep -q -- "$pattern" "$RV_TMP/usage.out"; then
        rv_ok "usage: $desc"
    else
        rv_not_ok "usage: $desc" "exit status $status (expected 2 and '$pattern'):"
        rv_diag_file "$RV_TMP/usage.out"
    fi
}
usage_case "--checkpoint-every needs --checkpoint-dir" "--checkpoint-every needs --checkpoint-dir" --checkpoint-every 3
usage_case "--resume needs --checkpoint-dir" "--resume needs --checkpoint-dir" --resume
usage_case "--checkpoint-dir needs --checkpoint-every or --resume" "needs --checkpoint-every N" --checkpoint-dir x
usage_case "--checkpoint-every 0" "not a positive integer" --checkpoint-dir x --checkpoint-every 0
usage_case "--chunk-size below 4K" "expected a size from 4K to 1G" --checkpoint-dir x --checkpoint-every 1 \
    --chunk-size 100
usage_case "--chunk-size with a bad suffix" "expected a size from 4K to 1G" --checkpoint-dir x --checkpoint-every 1 \
    --chunk-size 4T
usage_case "--replicas 0" "expected an integer from 1 to 16" --checkpoint-dir x --checkpoint-every 1 --replicas 0
usage_case "--keep 0" "expected an integer from 1 to" --checkpoint-dir x --checkpoint-every 1 --keep 0
status=0
rv_run 2 "$out" "$out.err" pagerank "$INPUT" --checkpoint-dir "$RV_TMP/bad-%x" --checkpoint-every 1 || status=$?
ck_expect_failure "an unknown escape in --checkpoint-dir is refused, naming it" "$status" "$out" "$out.err" \
    "unknown escape '%x'"

rv_done
