#!/usr/bin/env bash
# stream.sh — rivulet stream on the R-MAT graph: per-batch latency and sustained ingestion rate for batches of 1, 100 and 10,000 random updates, against a full recomputation.
#
# Usage: bench/stream.sh [GRAPH]     (run from the build directory; default GRAPH: the
#                                     scale-20 R-MAT graph of bench/run.sh, generated if missing)
#        SCALE=16 ALGORITHMS="cdlp lcc" bench/stream.sh   (the incremental CDLP and LCC:
#                                     at scale 16 LCC from scratch takes seconds, not minutes)
#
# For each algorithm and rank count: the compute time of `rivulet run` (the full
# recomputation), then one `rivulet stream` per batch size over a file of random
# updates, half insertions between existing vertices, half deletions of existing
# edges, read with --batch-ms 0 so that batches close by count. A batch's time is
# apply + compute + emit from its metrics line (with the whole file there from the
# start, its latency from arrival would also count the batches queued before it);
# the speed-up is recompute time / median batch time; the ingestion rate is the
# updates over the summed batch times. Nothing is checked here: tests/integration/
# stream.sh checks the results.
#
# Environment (all optional):
#   RIVULET, RV_RMAT      binaries                   (default ./rivulet, ./bench/rv-rmat)
#   NPS                   rank counts                (default "1 2")
#   ALGORITHMS            algorithms                 (default "sssp wcc")
#   SCALE                 R-MAT scale of the default graph (default 20)
#   BATCHES               size:count pairs           (default "1:30 100:10 10000:3")
#   EMIT                  --emit of the streams      (default none)
#   SEED                  update sampling seed       (default 1)
#   RV_BENCH_CACHE        generated graphs           (default ${TMPDIR:-/tmp}/rivulet-bench)
#   RESULTS_DIR           where stream-LAST.md goes  (default results/ next to this script)
#   MPIRUN, MPIRUN_FLAGS  launcher and extra flags   (default mpirun, none)
#   KEEP_WORK=1           keep the temporary directory
set -euo pipefail

RIVULET=${RIVULET:-./rivulet}
RV_RMAT=${RV_RMAT:-./bench/rv-rmat}
NPS=${NPS:-"1 2"}
ALGORITHMS=${ALGORITHMS:-"sssp wcc"}
BATCHES=${BATCHES:-"1:30 100:10 10000:3"}
EMIT=${EMIT:-none}
SEED=${SEED:-1}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RV_BENCH_CACHE=${RV_BENCH_CACHE:-${TMPDIR:-/tmp}/rivulet-bench}
RESULTS_DIR=${RESULTS_DIR:-$SCRIPT_DIR/results}
MPIRUN=${MPIRUN:-mpirun}
MPIRUN_FLAGS=${MPIRUN_FLAGS:-}

die() { echo "stream.sh: $*" >&2; exit 2; }
[[ -x $RIVULET ]] || die "$RIVULET not found (run from the build directory, or set RIVULET)"
if [[ $(id -u) == 0 ]]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

SCALE=${SCALE:-20}
GRAPH=${1:-$RV_BENCH_CACHE/rmat-s$SCALE-ef16-seed1.el}
if [[ ! -s $GRAPH ]]; then
    [[ -x $RV_RMAT ]] || die "no graph at $GRAPH and no $RV_RMAT to make one (make bench/rv-rmat)"
    mkdir -p "$(dirname "$GRAPH")"
    "$RV_RMAT" "$SCALE" 16 --seed 1 --output "$GRAPH"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rivulet-stream-bench.XXXXXX")
if [[ ${KEEP_WORK:-0} == 1 ]]; then
    echo "work directory: $WORK" >&2
else
    trap 'rm -rf "$WORK"' EXIT
fi

run() { # NP ARGS...
    local np=$1
    shift
    # shellcheck disable=SC2086 # MPIRUN_FLAGS is a list of words
    "$MPIRUN" -np "$np" --oversubscribe -q $MPIRUN_FLAGS "$RIVULET" "$@"
}

# The source of sssp: the vertex with the most out-edges, which reaches most of the graph.
SOURCE=$(awk '{ n[$1]++ } END { for (v in n) if (n[v] > best) { best = n[v]; id = v }; print id }' "$GRAPH")
echo "graph $GRAPH, sssp source $SOURCE" >&2

# Updates: insertions between vertices that have edges, deletions of edges that exist.
max_updates=0
for spec in $BATCHES; do
    n=$((${spec%%:*} * ${spec##*:}))
    ((n > max_updates)) && max_updates=$n
done
shuf -n $((2 * max_updates)) --random-source=<(yes "$SEED") "$GRAPH" > "$WORK/sample"
for spec in $BATCHES; do
    size=${spec%%:*} count=${spec##*:}
    awk -v n=$((size * count)) '
        { src[NR] = $1; dst[NR] = $2 }
        END {
            for (i = 1; i <= n; i++) {
                if (i % 2) print "+", src[i], dst[NR + 1 - i]   # a new edge between existing vertices
                else print "-", src[i], dst[i]                  # an edge that exists
            }
        }' "$WORK/sample" > "$WORK/updates-$size"
done

# stream_times ERRFILE: "median_ms sum_ms updates batches" over the batches after batch 0.
stream_times() {
    sed -n 's/^rivulet: batch=[1-9][0-9]* .* updates=\([0-9]*\) .* apply_ms=\([0-9.]*\) compute_ms=\([0-9.]*\) emit_ms=\([0-9.]*\)$/\1 \2 \3 \4/p' "$1" |
        awk '{ print $2 + $3 + $4, $1 }' | sort -g |
        awk '{ t[NR] = $1; sum += $1; updates += $2 }
             END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
                   printf "%.1f %.1f %d %d\n", m, sum, updates, NR }'
}

table="$WORK/table.md"
{
    echo "| algorithm | np | recompute | batch size | batches | median batch (apply + compute + emit) | speed-up | updates/s | initial stream run |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$table"
for algo in $ALGORITHMS; do
    args=()
    [[ $algo == sssp || $algo == bfs ]] && args=(--source "$SOURCE")
    for np in $NPS; do
        run "$np" run "$algo" "$GRAPH" "${args[@]}" --output /dev/null --quiet --stats "$WORK/run.json" \
            > /dev/null 2> "$WORK/run.err" || die "rivulet run $algo at np=$np failed: $(head -n 3 "$WORK/run.err")"
        recompute=$(sed -n 's/.*"compute": *\([0-9.eE+-]*\).*/\1/p' "$WORK/run.json" | head -n 1)
        for spec in $BATCHES; do
            size=${spec%%:*}
            err="$WORK/$algo-np$np-b$size.err"
            run "$np" stream "$algo" "$GRAPH" "${args[@]}" --updates "$WORK/updates-$size" --batch-size "$size" \
                --batch-ms 0 --emit "$EMIT" > /dev/null 2> "$err" || die "rivulet stream $algo failed: $(tail -n 3 "$err")"
            read -r median sum updates batches <<< "$(stream_times "$err")"
            initial=$(sed -n 's/^rivulet: batch=0 .* compute_ms=\([0-9.]*\) .*/\1/p' "$err")
            awk -v a="$algo" -v np="$np" -v r="$recompute" -v s="$size" -v b="$batches" -v m="$median" \
                -v sum="$sum" -v u="$updates" -v i="$initial" 'BEGIN {
                printf "| %s | %d | %.2f s | %d | %d | %.1f ms | %.1fx | %.0f | %.2f s |\n",
                    a, np, r, s, b, m, r * 1000 / m, u / (sum / 1000), i / 1000 }' >> "$table"
            echo "$algo np=$np batch $size: median $median ms, recompute $recompute s" >&2
        done
    done
done
cat "$table"
mkdir -p "$RESULTS_DIR"
{
    echo "# rivulet stream on $(basename "$GRAPH") ($(date -u +%Y-%m-%d), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo
    cat "$table"
} > "$RESULTS_DIR/stream-LAST.md"
