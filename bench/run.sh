#!/usr/bin/env bash
# run.sh — rivulet's PageRank benchmark: an R-MAT graph, rivulet at np = 1 and 2, the OpenMP yardstick, a table with PASS/FAIL; then the other algorithms' time and memory on the same graph.
#
# Usage: bench/run.sh [SCALE [EDGEFACTOR]]        (defaults: 20 16; run from the build directory)
#
# Environment (all optional):
#   RIVULET          rivulet binary                    (default ./rivulet)
#   RV_RMAT          graph generator                   (default ./bench/rv-rmat)
#   RV_PR_YARDSTICK  OpenMP yardstick                  (default ./bench/rv-pr-yardstick)
#   NPS              rank counts to run                (default "1 2"; the yardstick gets as many threads)
#   ITERATIONS       PageRank iterations               (default 20)
#   ALGORITHMS       other algorithms timed on the graph, each at every np, without
#                    targets                           (default "bfs wcc cdlp"; "" for none)
#   CDLP_ITERATIONS  CDLP rounds                       (default 10)
#   SEED             R-MAT seed                        (default 1)
#   YARDSTICK_RUNS   yardstick runs, fastest kept      (default 3; taken in turns with
#                    rivulet's runs, one process each)
#   RIVULET_RUNS     rivulet PageRank repeats per np   (default: YARDSTICK_RUNS). The
#                    s/iter compared is the fastest run's, as for the yardstick; load
#                    MB/s is the median run's, memory the largest
#   RV_BENCH_CACHE   where generated graphs are kept   (default ${TMPDIR:-/tmp}/rivulet-bench)
#   RESULTS_DIR      where LAST.md goes                (default: results/ next to this script)
#   MPIRUN, MPIRUN_FLAGS   launcher and extra flags    (default mpirun, none)
#   PARTITION        rivulet's --partition             (default hash: the table measures the
#                                                       engine; METIS on this graph costs its
#                                                       own 25-50 s on rank 0, see partition.sh)
#   PYTHON           python3 for the report (stdlib only)
#   KEEP_WORK=1      keep the temporary directory (stats, outputs, logs)
#
# Exit status: 0 all targets met and outputs agree; 1 a target missed; 2 a run failed
# or rivulet's PageRank disagrees with the yardstick's.
set -euo pipefail

SCALE=${1:-20}
EDGE_FACTOR=${2:-16}
RIVULET=${RIVULET:-./rivulet}
RV_RMAT=${RV_RMAT:-./bench/rv-rmat}
RV_PR_YARDSTICK=${RV_PR_YARDSTICK:-./bench/rv-pr-yardstick}
NPS=${NPS:-"1 2"}
ITERATIONS=${ITERATIONS:-20}
ALGORITHMS=${ALGORITHMS-"bfs wcc cdlp"}
CDLP_ITERATIONS=${CDLP_ITERATIONS:-10}
SEED=${SEED:-1}
YARDSTICK_RUNS=${YARDSTICK_RUNS:-3}
RIVULET_RUNS=${RIVULET_RUNS:-$YARDSTICK_RUNS}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RV_BENCH_CACHE=${RV_BENCH_CACHE:-${TMPDIR:-/tmp}/rivulet-bench}
RESULTS_DIR=${RESULTS_DIR:-$SCRIPT_DIR/results}
MPIRUN=${MPIRUN:-mpirun}
MPIRUN_FLAGS=${MPIRUN_FLAGS:-}
PARTITION=${PARTITION:-hash}
PYTHON=${PYTHON:-python3}
# rivulet's outputs must match the yardstick's to this relative difference.
TOLERANCE=1e-9

die() { echo "run.sh: $*" >&2; exit 2; }

[[ $SCALE =~ ^[0-9]+$ && $EDGE_FACTOR =~ ^[0-9]+$ ]] || die "usage: run.sh [SCALE [EDGEFACTOR]] (integers)"
[[ $RIVULET_RUNS =~ ^[1-9][0-9]*$ ]] || die "RIVULET_RUNS must be a positive integer, not '$RIVULET_RUNS'"
for tool in "$RIVULET" "$RV_RMAT" "$RV_PR_YARDSTICK"; do
    [[ -x $tool ]] || die "$tool not found or not executable (run from the build directory after 'make bench', or set RIVULET / RV_RMAT / RV_PR_YARDSTICK)"
done
command -v "$MPIRUN" >/dev/null || die "$MPIRUN not found (set MPIRUN)"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"

# Open MPI refuses to run as root unless told twice; only this script's children see it.
if [[ $(id -u) == 0 ]]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rivulet-bench-run.XXXXXX")
if [[ ${KEEP_WORK:-0} == 1 ]]; then
    echo "run.sh: keeping $WORK" >&2
else
    trap 'rm -rf "$WORK"' EXIT
fi

now() { date +%s.%N; }

# ---- The graph: generated once per (scale, edge factor, seed), regenerated when rv-rmat is newer.
mkdir -p "$RV_BENCH_CACHE"
GRAPH=$RV_BENCH_CACHE/rmat-s$SCALE-ef$EDGE_FACTOR-seed$SEED.el
if [[ ! -s $GRAPH || $RV_RMAT -nt $GRAPH ]]; then
    echo "generating $GRAPH ..." >&2
    # Write under a temporary name so an interrupted run never leaves a truncated cache.
    "$RV_RMAT" "$SCALE" "$EDGE_FACTOR" --seed "$SEED" --output "$GRAPH.tmp.$$"
    mv -f "$GRAPH.tmp.$$" "$GRAPH"
fi
echo "graph: $GRAPH ($(stat -c %s "$GRAPH") bytes)" >&2

# ---- Compare two `id value` files in ascending id order: same ids, values within TOLERANCE.
# Ids are compared as text (awk's doubles cannot hold every 63-bit id); prints "ok MAXREL"
# or "bad REASON".
compare_outputs() {
    # After the first problem awk keeps reading (without exiting early) so that paste
    # never dies of SIGPIPE, which pipefail would turn into a failure of the script.
    paste -d ' ' "$1" "$2" | awk -v tol="$TOLERANCE" '
        bad { next }
        NF != 4 { print "bad line " NR ": different number of lines or malformed"; bad = 1; next }
        $1 != $3 { print "bad line " NR ": id " $1 " vs " $3; bad = 1; next }
        {
            a = $2 + 0; b = $4 + 0
            d = a - b; if (d < 0) d = -d
            s = (a < 0 ? -a : a); t = (b < 0 ? -b : b); if (t > s) s = t
            r = (s > 0 ? d / s : 0)
            if (r > worst) worst = r
            if (r > tol) { printf "bad line %d: id %s: %s vs %s (relative %.3g)\n", NR, $1, $2, $4, r; bad = 1 }
        }
        END { if (!bad) { if (NR == 0) print "bad empty output"; else printf "ok (max rel. diff %.2g)\n", worst } }'
}

# ---- Runs. For each P, rounds of one yardstick run (P threads) and one rivulet run (P
# ranks), so that both sides sample the same minutes of a machine whose speed drifts;
# each side keeps its fastest run. Every rivulet output is checked against the
# yardstick's.
run_yardstick() { # P ROUND [--output FILE]
    local P=$1 k=$2
    shift 2
    echo "np=$P: yardstick with $P thread(s) (run $k of $YARDSTICK_RUNS) ..." >&2
    if ! OMP_NUM_THREADS=$P "$RV_PR_YARDSTICK" "$GRAPH" --iterations "$ITERATIONS" --runs 1 "$@" \
            >"$WORK/yardstick-$P-$k.txt" 2>"$WORK/yardstick-$P.err"; then
        cat "$WORK/yardstick-$P.err" >&2
        die "the yardstick failed"
    fi
}

REPORT_ARGS=()
ROUNDS=$(( YARDSTICK_RUNS > RIVULET_RUNS ? YARDSTICK_RUNS : RIVULET_RUNS ))
for P in $NPS; do
    stats_list=""
    yardstick_list=""
    check=""
    wall=""
    for ((k = 1; k <= ROUNDS; k++)); do
        if ((k <= YARDSTICK_RUNS)); then
            # The first run also writes the ranks every rivulet run is checked against.
            if ((k == 1)); then run_yardstick "$P" "$k" --output "$WORK/yardstick-$P.out"; else run_yardstick "$P" "$k"; fi
            yardstick_list=${yardstick_list:+$yardstick_list:}$WORK/yardstick-$P-$k.txt
        fi
        ((k <= RIVULET_RUNS)) || continue
        [[ -z $check || $check == ok* ]] || continue # a failed run ends rivulet's rounds
        echo "np=$P: rivulet (run $k of $RIVULET_RUNS) ..." >&2
        start=$(now)
        status=0
        # shellcheck disable=SC2086  # MPIRUN_FLAGS is a list of words
        "$MPIRUN" -np "$P" --oversubscribe $MPIRUN_FLAGS "$RIVULET" run pagerank "$GRAPH" \
            --iterations "$ITERATIONS" --partition "$PARTITION" --quiet --stats "$WORK/stats-$P-$k.json" \
            --output "$WORK/rivulet-$P.out" \
            >"$WORK/rivulet-$P.log" 2>&1 || status=$?
        wall=${wall:+$wall,}$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
        if [[ $status != 0 || ! -s $WORK/stats-$P-$k.json ]]; then
            echo "np=$P: rivulet failed (exit $status); its output:" >&2
            tail -n 20 "$WORK/rivulet-$P.log" >&2
            check="bad rivulet failed (exit $status)"
            continue
        elif [[ ! -s $WORK/rivulet-$P.out ]]; then
            check="bad rivulet wrote no output"
            continue
        fi
        check=$(compare_outputs "$WORK/rivulet-$P.out" "$WORK/yardstick-$P.out")
        [[ $check == ok* ]] || continue
        stats_list=${stats_list:+$stats_list:}$WORK/stats-$P-$k.json
    done
    echo "np=$P: rivulet ${wall}s wall; PageRank vs yardstick: $check" >&2
    REPORT_ARGS+=("$P" "${stats_list:-$WORK/stats-$P-1.json}" "$yardstick_list" "$wall" "$check")
done

# ---- The other algorithms: time and memory only (no yardstick, no targets); the
# outputs must be identical at every np, as rivulet promises. BFS starts from the
# first source in the file, which is always a vertex.
: > "$WORK/algorithms.txt"
for algo in $ALGORITHMS; do
    case $algo in
    bfs) args=(--source "$(awk '{ print $1; exit }' "$GRAPH")") ;;
    cdlp) args=(--iterations "$CDLP_ITERATIONS") ;;
    *) args=() ;;
    esac
    first=""
    for P in $NPS; do
        echo "np=$P: rivulet $algo ${args[*]} ..." >&2
        status=0
        # shellcheck disable=SC2086  # MPIRUN_FLAGS is a list of words
        "$MPIRUN" -np "$P" --oversubscribe $MPIRUN_FLAGS "$RIVULET" run "$algo" "$GRAPH" "${args[@]}" --quiet \
            --stats "$WORK/stats-$algo-$P.json" --output "$WORK/$algo-$P.out" >"$WORK/$algo-$P.log" 2>&1 || status=$?
        check=ok
        if [[ $status != 0 || ! -s $WORK/stats-$algo-$P.json ]]; then
            tail -n 20 "$WORK/$algo-$P.log" >&2
            check="bad rivulet failed (exit $status)"
        elif [[ -z $first ]]; then
            first=$P
        elif ! cmp -s "$WORK/$algo-$first.out" "$WORK/$algo-$P.out"; then
            check="bad output differs from np=$first"
        fi
        [[ -z $first || $first == "$P" ]] || rm -f "$WORK/$algo-$P.out"
        echo "$algo $P $WORK/stats-$algo-$P.json $check" >> "$WORK/algorithms.txt"
    done
done

# ---- The report: a table on stdout and the same as markdown in $RESULTS_DIR/LAST.md.
mkdir -p "$RESULTS_DIR"
status=0
SCALE=$SCALE EDGE_FACTOR=$EDGE_FACTOR ITERATIONS=$ITERATIONS SEED=$SEED GRAPH=$GRAPH TOLERANCE=$TOLERANCE \
CDLP_ITERATIONS=$CDLP_ITERATIONS \
YARDSTICK_RUNS=$YARDSTICK_RUNS RIVULET_RUNS=$RIVULET_RUNS LAST_MD=$RESULTS_DIR/LAST.md ALGORITHM_RUNS=$WORK/algorithms.txt \
    "$PYTHON" - "${REPORT_ARGS[@]}" <<'PYTHON' || status=$?
import json, os, sys, time, platform, traceback

# A bug here, or stats JSON of an unexpected shape, must not look like a missed target (1).
def crash(kind, value, tb):
    traceback.print_exception(kind, value, tb)
    sys.exit(2)
sys.excepthook = crash

# Targets (from the issue), checked on the np = 2 row.
TARGET_NP = 2
MAX_ITER_RATIO = 1.5          # rivulet s/iter over yardstick s/iter (same thread count)
MIN_LOAD_MB_S = 150.0         # whole load (read, parse, shuffle, build), MB = 1e6 bytes of text
MAX_BYTES_PER_EDGE_AFTER = 16.0   # RSS growth over the load, summed over ranks
MAX_BYTES_PER_EDGE_PEAK = 48.0    # peak RSS (summed over ranks) above the pre-load RSS

env = os.environ
scale, ef, iterations = int(env["SCALE"]), int(env["EDGE_FACTOR"]), int(env["ITERATIONS"])
args = sys.argv[1:]
runs = [args[i:i + 5] for i in range(0, len(args), 5)]

def read_keyvalues(path):
    out = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.strip().split("=", 1)
                out[k] = v
    return out

def fmt(x, spec):
    return "-" if x is None else format(x, spec)

rows, notes, failures, errors = [], [], [], []
def measure(s):
    """The figures of one rivulet run, from its stats JSON."""
    edges = s["edges"]
    sec, mem = s["seconds"], s["memory"]
    # Seconds per iteration: the mean of supersteps 1..K (superstep 0 only distributes
    # the initial ranks); without a superstep log, compute seconds / K.
    log = [e for e in s.get("superstep_log", [])
           if 1 <= e["superstep"] <= iterations and e.get("seconds") is not None]
    s_iter = sum(e["seconds"] for e in log) / len(log) if log else sec["compute"] / iterations
    per_rank = mem.get("peak_rss_bytes_per_rank") or []
    before = mem["rss_before_load_bytes_sum"]
    return {
        "ranks": s.get("ranks"), "vertices": s["vertices"], "edges": edges,
        "load": sec["load"], "mb_s": s["input_bytes"] / 1e6 / sec["load"] if sec["load"] > 0 else None,
        "s_iter": s_iter, "edges_s": edges / s_iter if s_iter > 0 else None,
        "peak_rank_mib": max(per_rank) / 2**20 if per_rank else mem["peak_rss_bytes_max"] / 2**20,
        "per_rank": per_rank,
        "bpe_after": (mem["rss_after_load_bytes_sum"] - before) / edges,
        "bpe_graph": mem["graph_bytes_sum"] / edges,
        "bpe_peak": (sum(per_rank) - before) / edges if per_rank else None,
        "phases": sec, "supersteps": s.get("supersteps"), "messages": s.get("messages"),
        "bytes_exchanged": s.get("bytes_exchanged"),
    }

for p, stats_paths, yard_paths, wall, check in runs:
    p = int(p)
    # The yardstick's fastest run, as for rivulet; its largest memory.
    yard = [read_keyvalues(path) for path in yard_paths.split(":")]
    y = min(yard, key=lambda r: float(r["seconds_per_iteration"]))
    y_iter = float(y["seconds_per_iteration"])
    row = {"np": p, "wall": wall, "check": check, "y_iter": y_iter,
           "y_iter_runs": [float(r["seconds_per_iteration"]) for r in yard],
           "y_load": float(y["load_seconds"]), "y_rss": max(int(r["peak_rss_bytes"]) for r in yard),
           "y_edges": int(y["edges"])}
    if check.startswith("bad"):
        errors.append(f"np={p}: PageRank check: {check}")
    try:
        measured = []
        for path in stats_paths.split(":"):
            with open(path) as f:
                measured.append(measure(json.load(f)))
    except (OSError, ValueError) as e:
        errors.append(f"np={p}: no usable stats ({e})")
        rows.append(row)
        continue
    # The iteration time of the fastest run, as the yardstick reports its fastest;
    # the memory figures of the least favourable run.
    fastest = min(measured, key=lambda m: m["s_iter"])
    row.update(fastest)
    row["s_iter_runs"] = [m["s_iter"] for m in measured]
    # The load of the median run: one run's load swings with whatever else the
    # disk and the VM do, in both directions.
    median_load = sorted(measured, key=lambda m: m["load"])[len(measured) // 2]
    row["load"], row["mb_s"] = median_load["load"], median_load["mb_s"]
    row["mb_s_runs"] = [m["mb_s"] for m in measured]
    for key in ("peak_rank_mib", "bpe_after", "bpe_graph"):
        row[key] = max(m[key] for m in measured)
    if all(m["bpe_peak"] is not None for m in measured):
        row["bpe_peak"] = max(m["bpe_peak"] for m in measured)
    row["ratio"] = row["s_iter"] / y_iter if y_iter > 0 else None
    edges = row["edges"]
    if edges != row["y_edges"]:
        errors.append(f"np={p}: rivulet counted {edges} edges, the yardstick {row['y_edges']}")
    rows.append(row)

# Target verdicts, on the np = TARGET_NP row.
verdicts = []
target_row = next((r for r in rows if r["np"] == TARGET_NP and "s_iter" in r), None)
if target_row is None:
    notes.append(f"no successful np={TARGET_NP} run: targets not checked")
else:
    r = target_row
    def verdict(name, value, ok, goal):
        verdicts.append((name, value, goal, "PASS" if ok else "FAIL"))
        if not ok:
            failures.append(name)
    verdict("s/iter vs yardstick (2 threads)", f"{r['ratio']:.2f}x", r["ratio"] <= MAX_ITER_RATIO, f"<= {MAX_ITER_RATIO}x")
    verdict("load throughput", f"{r['mb_s']:.0f} MB/s", r["mb_s"] >= MIN_LOAD_MB_S, f">= {MIN_LOAD_MB_S:.0f} MB/s")
    verdict("memory after load", f"{r['bpe_after']:.1f} B/edge", r["bpe_after"] <= MAX_BYTES_PER_EDGE_AFTER,
            f"<= {MAX_BYTES_PER_EDGE_AFTER:.0f} B/edge")
    if r["bpe_peak"] is None:
        notes.append("no per-rank peak RSS in the stats: peak target not checked")
    else:
        verdict("peak memory", f"{r['bpe_peak']:.1f} B/edge", r["bpe_peak"] <= MAX_BYTES_PER_EDGE_PEAK,
                f"<= {MAX_BYTES_PER_EDGE_PEAK:.0f} B/edge")
    if (scale, ef) != (20, 16):
        notes.append("the targets are defined at scale 20, edge factor 16: verdicts at this size are indicative only")

# The other algorithms: one row per (algorithm, np), read before anything is printed
# so that their errors are reported with the others.
algo_header = ["algorithm", "np", "load s", "compute s", "supersteps", "messages", "peak RSS/rank MiB", "check"]
algo_table = []
with open(env["ALGORITHM_RUNS"]) as f:
    for line in f:
        algo, p, stats_path, check = line.rstrip("\n").split(" ", 3)
        if check.startswith("bad"):
            errors.append(f"{algo} np={p}: {check}")
        try:
            with open(stats_path) as g:
                s = json.load(g)
        except (OSError, ValueError):
            algo_table.append([algo, p, "ERROR"] + ["-"] * 4 + [check])
            continue
        per_rank = s["memory"].get("peak_rss_bytes_per_rank") or [s["memory"]["peak_rss_bytes_max"]]
        algo_table.append([algo, p, f"{s['seconds']['load']:.2f}", f"{s['seconds']['compute']:.2f}",
                           str(s["supersteps"]), str(s["messages"]), f"{max(per_rank) / 2**20:.0f}", check])
algo_title = f"Other algorithms on the same graph (CDLP {env['CDLP_ITERATIONS']} rounds; no targets)"

header = ["np", "load s", "MB/s text", "s/iter", "edges/s", "peak RSS/rank MiB", "B/edge after load",
          "B/edge graph", "peak B/edge", "yardstick s/iter", "rivulet/yardstick", "PageRank check"]
table = []
for r in rows:
    if "s_iter" not in r:
        table.append([str(r["np"]), "ERROR"] + ["-"] * 7 + [f"{r['y_iter']:.3g}", "-", r["check"]])
        continue
    table.append([str(r["np"]), f"{r['load']:.2f}", fmt(r["mb_s"], ".0f"), f"{r['s_iter']:.3g}",
                  fmt(r["edges_s"], ".3g"), f"{r['peak_rank_mib']:.0f}", f"{r['bpe_after']:.1f}",
                  f"{r['bpe_graph']:.1f}", fmt(r["bpe_peak"], ".1f"), f"{r['y_iter']:.3g}",
                  fmt(r["ratio"], ".2f") + "x", r["check"]])

first = next((r for r in rows if "edges" in r), None)
title = (f"R-MAT scale {scale}, edge factor {ef}, seed {env['SEED']}: "
         + (f"{first['vertices']} vertices, {first['edges']} edges, " if first else "")
         + f"PageRank {iterations} iterations")

# Plain-text table for the terminal.
widths = [max(len(header[i]), *(len(t[i]) for t in table)) for i in range(len(header))]
print(title)
print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
for t in table:
    print("  ".join(c.rjust(w) for c, w in zip(t, widths)))
print()
for name, value, goal, v in verdicts:
    print(f"{v}  {name}: {value} (target {goal}, np={TARGET_NP})")
for n in notes:
    print(f"note: {n}")
for e in errors:
    print(f"ERROR: {e}")
if algo_table:
    widths = [max(len(algo_header[i]), *(len(t[i]) for t in algo_table)) for i in range(len(algo_header))]
    print()
    print(algo_title + ":")
    print("  ".join(h.rjust(w) for h, w in zip(algo_header, widths)))
    for t in algo_table:
        print("  ".join(c.rjust(w) for c, w in zip(t, widths)))

# Markdown for bench/results/LAST.md.
md = [f"# rivulet benchmark — {time.strftime('%Y-%m-%d %H:%M:%S')}", "", title + ".", "",
      f"Host: {platform.node()}, {os.cpu_count()} CPUs; yardstick: fastest of {env['YARDSTICK_RUNS']} runs, "
      f"as many OpenMP threads as ranks; rivulet: s/iter of the fastest of {env['RIVULET_RUNS']} runs, the "
      f"two sides' runs taken in turns; load "
      f"of the median run, memory of the largest; every run's output compared to a relative {env['TOLERANCE']}.", "",
      "| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
md += ["| " + " | ".join(t) + " |" for t in table]
md += ["", f"Targets (np = {TARGET_NP}):", "", "| target | measured | goal | verdict |", "|---|---:|---:|---|"]
md += [f"| {n} | {v} | {g} | **{x}** |" for n, v, g, x in verdicts]
remarks = [f"- note: {n}" for n in notes] + [f"- ERROR: {e}" for e in errors]
md += ([""] + remarks if remarks else []) + ["", "Details:", ""]
for r in rows:
    if "phases" not in r:
        continue
    ph = r["phases"]
    md.append(f"- np={r['np']}: wall {r['wall']} s; s/iter of each run "
              f"{[round(x, 4) for x in r['s_iter_runs']]}, load MB/s of each run "
              f"{[round(x) for x in r['mb_s_runs'] if x is not None]}; phases of the fastest " +
              ", ".join(f"{k} {v:.3f}" for k, v in ph.items()) +
              f"; supersteps {r['supersteps']}, messages {r['messages']}, bytes exchanged {r['bytes_exchanged']}; "
              f"peak RSS per rank (MiB) {[round(b / 2**20) for b in r['per_rank']]}; "
              f"yardstick s/iter of each run {[round(x, 4) for x in r['y_iter_runs']]}, "
              f"load {r['y_load']:.2f} s, peak RSS {r['y_rss'] / 2**20:.0f} MiB")

if algo_table:
    md += ["", algo_title + ":", "", "| " + " | ".join(algo_header) + " |",
           "|" + "|".join("---:" for _ in algo_header) + "|"]
    md += ["| " + " | ".join(t) + " |" for t in algo_table]
with open(env["LAST_MD"], "w") as f:
    f.write("\n".join(md) + "\n")
print(f"\nwritten to {env['LAST_MD']}")

sys.exit(2 if errors else 1 if failures else 0)
PYTHON
exit $status
