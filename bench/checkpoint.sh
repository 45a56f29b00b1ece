#!/usr/bin/env bash
# checkpoint.sh — rivulet's checkpoint benchmark: write throughput per rank, the cost of one checkpoint against a PageRank superstep, and resume time, on an R-MAT graph.
#
# Usage: bench/checkpoint.sh [SCALE [EDGEFACTOR]]   (defaults: 20 16; run from the build directory)
#
# For every P in NPS it runs PageRank three times on the same graph:
#   1. without checkpoints: the time of a superstep (mean of supersteps 1..K);
#   2. with --checkpoint-every EVERY: the time of one checkpoint, the state per rank,
#      and the write throughput per rank (every replica counted, fsync included);
#   3. killed (RV_FAULT) after the first checkpoints, then resumed: the resume time,
#      and a check that the resumed output equals run 1's.
#
# Environment (all optional):
#   RIVULET, RV_RMAT        binaries                         (default ./rivulet, ./bench/rv-rmat)
#   NPS                     rank counts                      (default "1 2")
#   ITERATIONS              PageRank iterations              (default 20)
#   EVERY                   supersteps between checkpoints   (default 5)
#   CHECKPOINT_DIR          where checkpoints go             (default: a temporary directory)
#   RV_BENCH_CACHE, SEED    as in run.sh
#   RESULTS_DIR             where CHECKPOINT.md goes         (default: results/ next to this script)
#   MPIRUN, MPIRUN_FLAGS, PYTHON, KEEP_WORK=1                 as in run.sh
#
# Exit status: 0 done; 2 a run failed or the resumed output differs.
set -euo pipefail

SCALE=${1:-20}
EDGE_FACTOR=${2:-16}
RIVULET=${RIVULET:-./rivulet}
RV_RMAT=${RV_RMAT:-./bench/rv-rmat}
NPS=${NPS:-"1 2"}
ITERATIONS=${ITERATIONS:-20}
EVERY=${EVERY:-5}
SEED=${SEED:-1}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RV_BENCH_CACHE=${RV_BENCH_CACHE:-${TMPDIR:-/tmp}/rivulet-bench}
RESULTS_DIR=${RESULTS_DIR:-$SCRIPT_DIR/results}
MPIRUN=${MPIRUN:-mpirun}
MPIRUN_FLAGS=${MPIRUN_FLAGS:-}
PYTHON=${PYTHON:-python3}

die() { echo "checkpoint.sh: $*" >&2; exit 2; }

[[ $SCALE =~ ^[0-9]+$ && $EDGE_FACTOR =~ ^[0-9]+$ ]] || die "usage: checkpoint.sh [SCALE [EDGEFACTOR]]"
for tool in "$RIVULET" "$RV_RMAT"; do
    [[ -x $tool ]] || die "$tool not found (run from the build directory after 'make bench/rv-rmat', or set RIVULET / RV_RMAT)"
done
if [[ $(id -u) == 0 ]]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rivulet-bench-checkpoint.XXXXXX")
if [[ ${KEEP_WORK:-0} == 1 ]]; then
    echo "checkpoint.sh: keeping $WORK" >&2
else
    trap 'rm -rf "$WORK"' EXIT
fi
CHECKPOINT_DIR=${CHECKPOINT_DIR:-$WORK/checkpoints}

mkdir -p "$RV_BENCH_CACHE"
GRAPH=$RV_BENCH_CACHE/rmat-s$SCALE-ef$EDGE_FACTOR-seed$SEED.el
if [[ ! -s $GRAPH || $RV_RMAT -nt $GRAPH ]]; then
    echo "generating $GRAPH ..." >&2
    "$RV_RMAT" "$SCALE" "$EDGE_FACTOR" --seed "$SEED" --output "$GRAPH.tmp.$$"
    mv -f "$GRAPH.tmp.$$" "$GRAPH"
fi

run() { # P NAME ARGS...: rivulet pagerank on P ranks, stats into $WORK/NAME.json
    local p=$1 name=$2
    shift 2
    # shellcheck disable=SC2086  # MPIRUN_FLAGS is a list of words
    "$MPIRUN" -np "$p" --oversubscribe $MPIRUN_FLAGS "$RIVULET" run pagerank "$GRAPH" --iterations "$ITERATIONS" \
        --quiet --stats "$WORK/$name.json" --output "$WORK/$name.out" "$@" > "$WORK/$name.log" 2>&1
}

KILL_AT=$((2 * EVERY + 1))
REPORT_ARGS=()
for P in $NPS; do
    echo "np=$P: without checkpoints ..." >&2
    run "$P" "plain-$P" || { tail "$WORK/plain-$P.log" >&2; die "np=$P: the run without checkpoints failed"; }
    echo "np=$P: checkpoint every $EVERY supersteps ..." >&2
    rm -rf "$CHECKPOINT_DIR"
    run "$P" "ckpt-$P" --checkpoint-dir "$CHECKPOINT_DIR" --checkpoint-every "$EVERY" ||
        { tail "$WORK/ckpt-$P.log" >&2; die "np=$P: the run with checkpoints failed"; }
    echo "np=$P: killed at superstep $KILL_AT, then resumed ..." >&2
    rm -rf "$CHECKPOINT_DIR"
    if RV_FAULT=$((P - 1)):$KILL_AT run "$P" "killed-$P" --checkpoint-dir "$CHECKPOINT_DIR" --checkpoint-every "$EVERY"; then
        die "np=$P: the run with RV_FAULT=$((P - 1)):$KILL_AT did not fail"
    fi
    run "$P" "resumed-$P" --checkpoint-dir "$CHECKPOINT_DIR" --checkpoint-every "$EVERY" --resume ||
        { tail "$WORK/resumed-$P.log" >&2; die "np=$P: the resume failed"; }
    cmp -s "$WORK/plain-$P.out" "$WORK/resumed-$P.out" || die "np=$P: the resumed output differs from the uninterrupted one"
    REPORT_ARGS+=("$P" "$WORK/plain-$P.json" "$WORK/ckpt-$P.json" "$WORK/resumed-$P.json")
done

mkdir -p "$RESULTS_DIR"
SCALE=$SCALE EDGE_FACTOR=$EDGE_FACTOR ITERATIONS=$ITERATIONS EVERY=$EVERY OUT_MD=$RESULTS_DIR/CHECKPOINT.md \
CHECKPOINT_DIR=$CHECKPOINT_DIR "$PYTHON" - "${REPORT_ARGS[@]}" <<'PYTHON'
import json, os, sys, time, platform

env = os.environ
iterations = int(env["ITERATIONS"])
args = sys.argv[1:]
rows = []
for i in range(0, len(args), 4):
    p = int(args[i])
    plain, ckpt, resumed = (json.load(open(path)) for path in args[i + 1:i + 4])
    steps = [e["seconds"] for e in plain["superstep_log"] if 1 <= e["superstep"] <= iterations]
    s_step = sum(steps) / len(steps)
    c = ckpt["checkpoint"]
    per_ckpt = c["write_seconds"] / c["checkpoints"]
    mb_s = c["bytes_written"] / p / c["write_seconds"] / 1e6
    r = resumed["checkpoint"]
    rows.append([str(p), f"{s_step:.3f}", str(c["checkpoints"]), f"{c['state_bytes_max'] / 1e6:.1f}",
                 f"{c['bytes_written'] / c['checkpoints'] / p / 1e6:.1f}", f"{per_ckpt:.3f}",
                 f"{mb_s:.0f}", f"{per_ckpt / s_step:.1f}x",
                 f"{ckpt['seconds']['compute'] / plain['seconds']['compute'] - 1:+.0%}",
                 f"{r['resume_seconds']:.3f}", f"{r['resume_bytes'] / r['resume_seconds'] / 1e6:.0f}",
                 f"{resumed['seconds']['load']:.2f}"])
header = ["np", "s/superstep", "checkpoints", "state MB/rank", "written MB/rank", "s/checkpoint",
          "write MB/s/rank", "1 checkpoint / 1 superstep", "compute time with checkpoints",
          "resume s", "resume MB/s", "load s (before resume)"]
title = (f"R-MAT scale {env['SCALE']}, edge factor {env['EDGE_FACTOR']}: PageRank {iterations} iterations, "
         f"a checkpoint every {env['EVERY']} supersteps, default replicas (min(3, np)) and 64 MiB chunks, "
         f"into {env['CHECKPOINT_DIR']}")
widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(header)]
print(title)
print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
for r in rows:
    print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
md = [f"# rivulet checkpoint benchmark — {time.strftime('%Y-%m-%d %H:%M:%S')}", "", title + ".", "",
      f"Host: {platform.node()}, {os.cpu_count()} CPUs.", "",
      "| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
md += ["| " + " | ".join(r) + " |" for r in rows]
md += ["", "Written MB per rank counts every replica; the write rate includes serialising, sending replicas, "
           "fsync and the manifest commit. The resumed output was checked equal to the uninterrupted one."]
with open(env["OUT_MD"], "w") as f:
    f.write("\n".join(md) + "\n")
print(f"\nwritten to {env['OUT_MD']}")
PYTHON
