#!/bin/bash
# partition.sh — the partitioners (hash, METIS, auto, a partition file) at every process count: the same results whichever placed the vertices, the partition file round trip, METIS's edge cut, bad partition files refused, and auto's fallback (TAP).
#
# Graphs, each with answers from an independent source:
#   example-directed   LDBC Graphalytics (directed, weighted): the SSSP file
#   p2p-31             libgrape-lite (read undirected, weighted): SSSP and PageRank files
#   power-dimacs10     the US power grid (undirected, a mesh-like sparse graph): igraph
#                      through rv-oracle
#   random             rv-oracle gen: directed, power-law degrees, sparse 64-bit ids,
#                      isolated vertices (which must survive being moved), weights: igraph
# At each np, `rivulet partition` (one process, no mpirun) writes a partition file
# into np parts; then hash, METIS and that file each place the graph for SSSP (and
# PageRank on two graphs), which must match the independent answer (SSSP exactly,
# PageRank within 1e-10 relative; LDBC's rule for the LDBC file), and match the np=1
# hash run (the first one): SSSP byte-identical, PageRank within 1e-12 relative. The fourth
# partitioner, auto (METIS at np > 1), runs here on p2p-31; it is also the default
# of every other integration script, which run the same comparisons at np = 1..4.
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rv_require_rivulet
rv_require_validate
rv_require_oracle
PYTHON=/usr/bin/python3

data=$RV_TMP/data
mkdir -p "$data"

# ---- The graphs ----------------------------------------------------------------------

cp "$RV_GRAPHALYTICS"/example/example-directed{.v,.e,.properties,-SSSP} "$data/" ||
    rv_bail "missing the Graphalytics example graph under $RV_GRAPHALYTICS"
for file in p2p-31.e p2p-31.v p2p-31-PR p2p-31-SSSP; do
    rv_unpack "$RV_P2P31" "$file" "$data/$file" || rv_bail "missing $RV_P2P31/$file.gz"
done
cp "$RV_P2P31/p2p-31.properties" "$data/" || rv_bail "missing $RV_P2P31/p2p-31.properties"
for file in power-dimacs10.e power-dimacs10.v; do
    rv_unpack "$RV_EVLP" "$file" "$data/$file" || rv_bail "missing $RV_EVLP/$file.gz"
done
cp "$RV_EVLP/power-dimacs10.properties" "$data/" || rv_bail "missing $RV_EVLP/power-dimacs10.properties"

"$RV_ORACLE" gen --model powerlaw --vertices 2000 --edges 8000 --sparse-ids --isolated 30 --weights --seed 41 \
    --edges-out "$data/random.e" --vertices-out "$data/random.v" > /dev/null 2>&1 ||
    rv_bail "rv-oracle gen failed"
random_source=$(awk 'NF >= 2 && $1 !~ /^#/ { print $1; exit }' "$data/random.e")
cat > "$data/random.properties" <<EOF
graph.random.vertex-file = random.v
graph.random.edge-file = random.e
graph.random.directed = true
graph.random.edge-properties.names = weight
graph.random.sssp.weight-property = weight
graph.random.sssp.source-vertex = $random_source
graph.random.pr.num-iterations = 15
graph.random.pr.damping-factor = 0.85
EOF

# igraph's answers where no file has them.
"$RV_ORACLE" sssp --source 1 --undirected --output "$data/power-dimacs10-SSSP" \
    "$data/power-dimacs10.e" "$data/power-dimacs10.v" 2> /dev/null &&
    "$RV_ORACLE" sssp --source "$random_source" --output "$data/random-SSSP" "$data/random.e" "$data/random.v" \
        2> /dev/null &&
    "$RV_ORACLE" pagerank --iterations 15 --damping 0.85 --output "$data/random-PR" "$data/random.e" \
        "$data/random.v" 2> /dev/null ||
    rv_bail "rv-oracle failed on the oracle answers"

# ---- Every partitioner, every np --------------------------------------------------------

# json_get FILE EXPRESSION: a value of a --stats JSON file, e.g. '["partition"]["kind"]'.
json_get() {
    "$PYTHON" -c 'import json, sys; print(eval("json.load(open(sys.argv[1]))" + sys.argv[2]))' "$1" "$2"
}

# The first output of each graph and algorithm (np=1, hash): what the others must equal.
declare -A references=()
# The partitioners check_graph runs (auto, the default elsewhere, is added for p2p-31).
partitioners="hash metis file"

# check_graph GRAPH INPUT ALGO EXPECTED RULE [RUN ARGS...]: INPUT is the dataset or
# edge list; RULE is "ldbc" (Graphalytics' epsilon rule) or "tight" (SSSP exact,
# PageRank 1e-10 relative).
check_graph() {
    local graph=$1 input=$2 algo=$3 expected=$4 rule=$5 np how out desc reference=""
    shift 5
    # --undirected and --directed are for `rivulet partition` too; the rest is the run's.
    local -a run_args=("$@") partition_args=()
    local arg
    for arg in "$@"; do
        case $arg in --undirected | --directed) partition_args+=("$arg") ;; esac
    done
    set -- ${partition_args[@]+"${partition_args[@]}"}
    local -a validate=(--sorted epsilon)
    if [ "$rule" = tight ] && [ "$algo" = sssp ]; then
        validate=(--sorted --epsilon 0 epsilon)
    elif [ "$rule" = tight ]; then
        validate=(--sorted --epsilon 1e-10 epsilon)
    fi
    for np in $RV_NPS; do
        local part_file="$data/$graph.$np.part"
        if [ ! -f "$part_file" ] && ! "$RIVULET" partition "$input" --parts "$np" --output "$part_file" \
            --quiet "$@" 2> "$part_file.err"; then
            rv_not_ok "rivulet partition $graph --parts $np (no mpirun)" "exit status $?"
            rv_diag_file "$part_file.err"
        fi
        for how in $partitioners; do
            local partition=$how
            [ "$how" = file ] && partition=$part_file
            out="$data/$graph-$algo.$how.np$np"
            desc="$algo $graph --partition $how np=$np"
            rv_run_check "$desc" "$np" "$out" "$algo" "$input" --partition "$partition" "${run_args[@]}" || continue
            rv_validate_check "$desc matches the independent answer" "${validate[@]}" "$expected" "$out"
            if [ -z "$reference" ]; then
                reference=$out
                references[$graph-$algo]=$out
            elif [ "$algo" = sssp ]; then
                rv_identical_check "$desc output identical to the first run's" "$reference" "$out"
            else
                rv_validate_check "$desc within 1e-12 of the first run's" --sorted --epsilon 1e-12 epsilon "$reference" "$out"
            fi
        done
    done
}

# The power grid goes in as an edge list: its dataset names no weight column, which
# SSSP on a dataset needs.
power=$data/power-dimacs10.e
check_graph example-directed "$data/example-directed" sssp "$data/example-directed-SSSP" ldbc
partitioners="hash metis auto file" check_graph p2p-31 "$data/p2p-31" sssp "$data/p2p-31-SSSP" tight
check_graph p2p-31 "$data/p2p-31" pagerank "$data/p2p-31-PR" tight
check_graph power-dimacs10 "$power" sssp "$data/power-dimacs10-SSSP" tight --undirected --source 1
check_graph random "$data/random" sssp "$data/random-SSSP" tight
check_graph random "$data/random" pagerank "$data/random-PR" tight

# ---- The partition file ---------------------------------------------------------------------

# A partition file lists every vertex once, ascending, with a part in [0, K).
for graph in p2p-31 power-dimacs10 random; do
    file="$data/$graph.4.part"
    vertices=$(grep -cv '^[#%]' "$data/$graph.v")
    # sort compares the ids exactly (awk's doubles would not, near 2^63).
    if awk -v n="$vertices" 'NF != 2 || $2 !~ /^[0-3]$/ { bad = 1 } END { exit bad || NR != n }' "$file" &&
        cut -d ' ' -f 1 "$file" | LC_ALL=C sort -c -n -u 2> /dev/null; then
        rv_ok "partition file of $graph: $vertices lines, ids ascending, parts in [0, 4)"
    else
        rv_not_ok "partition file of $graph: $vertices lines, ids ascending, parts in [0, 4)"
        rv_diag_file "$file" 5
    fi
done

# The cut `rivulet partition` reports is the cut of the run that reuses its file.
file="$data/p2p-31.3.part"
"$RIVULET" partition "$data/p2p-31" --parts 3 --output "$file" 2> "$file.summary" || true
stats="$RV_TMP/reuse.json"
if rv_run_check "p2p-31 reuses its partition file at np=3" 3 "$RV_TMP/reuse.out" sssp "$data/p2p-31" \
    --partition "$file" --stats "$stats"; then
    written=$(sed -n 's/.*edge cut \([0-9]*\) of.*/\1/p' "$file.summary")
    used=$(json_get "$stats" '["partition"]["edge_cut"]')
    kind=$(json_get "$stats" '["partition"]["kind"]')
    if [ -n "$written" ] && [ "$written" = "$used" ] && [ "$kind" = file ]; then
        rv_ok "the run placed by the file cuts what rivulet partition reported ($used edges)"
    else
        rv_not_ok "the run placed by the file cuts what rivulet partition reported" \
            "partition said '$written', the run's --stats say '$used' (kind '$kind')"
    fi
fi

# Under mpirun, `rivulet partition` works too; its file serves a run at that many ranks.
file="$data/power.mpirun.part"
if rv_mpirun 2 "$RIVULET" partition "$power" --undirected --parts 2 --output "$file" --quiet 2> "$file.err" &&
    [ "$(wc -l < "$file")" -eq 4941 ]; then
    rv_ok "rivulet partition under mpirun -np 2 writes all 4941 lines"
    if rv_run_check "power-dimacs10 at np=2 with the file written under mpirun" 2 "$RV_TMP/mp.out" sssp \
        "$power" --undirected --source 1 --partition "$file"; then
        rv_identical_check "power-dimacs10 with the file written under mpirun: same SSSP" \
            "${references[power-dimacs10-sssp]}" "$RV_TMP/mp.out"
    fi
else
    rv_not_ok "rivulet partition under mpirun -np 2 writes all 4941 lines"
    rv_diag_file "$file.err"
fi

# Without --output, the partition goes to standard output.
if "$RIVULET" partition "$data/example-directed" --parts 2 --quiet > "$RV_TMP/stdout.part" 2> "$RV_TMP/stdout.err" &&
    [ "$(wc -l < "$RV_TMP/stdout.part")" -eq 10 ] && [ ! -s "$RV_TMP/stdout.err" ]; then
    rv_ok "rivulet partition without --output writes the 10 lines to standard output"
else
    rv_not_ok "rivulet partition without --output writes the 10 lines to standard output"
    rv_diag_file "$RV_TMP/stdout.err"
fi

# ---- METIS's edge cut against hash's -------------------------------------------------------

# cut_ratio NAME INPUT NP ARGS...: runs hash and METIS at NP with --stats, and checks
# that METIS cuts at least 5x fewer edges.
cut_ratio() {
    local name=$1 input=$2 np=$3 how
    shift 3
    local -A cut=()
    for how in hash metis; do
        local stats="$RV_TMP/cut-$name-$how.json"
        rv_run_check "$name np=$np --partition $how --stats" "$np" "$RV_TMP/cut.out" sssp "$input" \
            --partition "$how" --stats "$stats" "$@" || return
        cut[$how]=$(json_get "$stats" '["partition"]["edge_cut"]')
    done
    if [ "${cut[metis]}" -gt 0 ] && [ $((5 * cut[metis])) -le "${cut[hash]}" ]; then
        rv_ok "METIS cuts at least 5x fewer edges than hash on $name at P=$np (${cut[metis]} vs ${cut[hash]})"
    else
        rv_not_ok "METIS cuts at least 5x fewer edges than hash on $name at P=$np" \
            "METIS ${cut[metis]}, hash ${cut[hash]}"
    fi
}
cut_ratio power-dimacs10 "$power" 4 --undirected --source 1
# The finite-element mesh 4elt, when the team's shared copy of the data is reachable.
if rv_unpack "$RV_EVLP" 4elt.e "$data/4elt.e"; then
    cut_ratio 4elt "$data/4elt.e" 4 --undirected --source 1
else
    rv_skip "METIS cuts at least 5x fewer edges than hash on 4elt at P=4" "4elt is not in $RV_EVLP"
fi

# ---- The quality report --------------------------------------------------------------------

stats="$RV_TMP/report.json"
out="$RV_TMP/report.out"
if rv_mpirun 3 "$RIVULET" run pagerank "$data/p2p-31" --stats "$stats" --output "$out" \
    > /dev/null 2> "$RV_TMP/report.err"; then
    if grep -q '^  partition .*(metis, chosen by auto: structure' "$RV_TMP/report.err" &&
        grep -q 'edge cut [0-9]* of 295784 edges' "$RV_TMP/report.err" &&
        grep -q 'per rank max/mean: vertices [0-9]*/20862.0, edges [0-9]*/98594.7, ghosts' "$RV_TMP/report.err" &&
        grep -q 'exchanged between ranks per superstep: .* mean, .* max' "$RV_TMP/report.err"; then
        rv_ok "the run summary reports the partitioner, edge cut, balance, ghosts and bytes per superstep"
    else
        rv_not_ok "the run summary reports the partitioner, edge cut, balance, ghosts and bytes per superstep"
        rv_diag_file "$RV_TMP/report.err" 20
    fi
    if "$PYTHON" - "$stats" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
p = s["partition"]
assert p["requested"] == "auto" and p["kind"] == "metis" and p["parts"] == 3 and p["notice"] == ""
assert 0 < p["edge_cut"] < s["edges"] and abs(p["edge_cut_fraction"] - p["edge_cut"] / s["edges"]) < 1e-6
for key in ("structure", "metis", "directory", "move", "rebuild"):
    assert p["seconds"][key] >= 0
close = lambda a, b: abs(a - b) <= 1e-6 * abs(b)
assert close(p["vertices_per_rank"]["mean"], s["vertices"] / 3) and p["vertices_per_rank"]["max"] >= s["vertices"] / 3
assert close(p["edges_per_rank"]["mean"], s["edges"] / 3)
assert p["ghosts_per_rank"]["max"] >= p["ghosts_per_rank"]["mean"] > 0
steps = [x["bytes"] for x in s["superstep_log"]]
assert p["bytes_per_superstep"]["max"] == max(steps)
assert close(p["bytes_per_superstep"]["mean"], sum(steps) / len(steps))
PY
    then
        rv_ok "the --stats JSON holds the partition's kind, times and quality"
    else
        rv_not_ok "the --stats JSON holds the partition's kind, times and quality"
        rv_diag_file "$stats" 20
    fi
else
    rv_not_ok "pagerank p2p-31 np=3 with --stats"
    rv_diag_file "$RV_TMP/report.err"
fi

# ---- Auto falls back to hash, METIS refuses ----------------------------------------------------

# With a memory budget METIS cannot meet, auto uses hash and says why in one line.
stats="$RV_TMP/fallback.json"
out="$RV_TMP/fallback.out"
if rv_run_check "auto with --metis-memory 1K at np=2" 2 "$out" sssp "$data/p2p-31" --metis-memory 1K --stats "$stats"; then
    notice=$(grep -c '^rivulet: notice: hash partitioning instead of METIS: METIS would need about .* MB on rank 0, which has 0.0 MB allowed$' "$out.stderr")
    if [ "$notice" = 1 ] && [ "$(wc -l < "$out.stderr")" -eq 1 ] &&
        [ "$(json_get "$stats" '["partition"]["kind"]')" = hash ]; then
        rv_ok "auto falls back to hash with a one-line notice saying why"
    else
        rv_not_ok "auto falls back to hash with a one-line notice saying why"
        rv_diag_file "$out.stderr"
    fi
    rv_identical_check "the fallback's SSSP is the first run's" "${references[p2p-31-sssp]}" "$out"
fi
# METIS asked for by name: refused, suggesting hash.
out="$RV_TMP/refused.out"
status=0
rv_run 2 "$out" "$out.stderr" sssp "$data/p2p-31" --partition metis --metis-memory 1K || status=$?
if [ "$status" = 1 ] && [ "$(wc -l < "$out.stderr")" -eq 1 ] &&
    grep -q '^rivulet: error: METIS partitioning: METIS would need about .*; partition by hash instead (--partition hash)$' \
        "$out.stderr"; then
    rv_ok "--partition metis beyond METIS's memory fails with one line suggesting hash"
else
    rv_not_ok "--partition metis beyond METIS's memory fails with one line suggesting hash" "exit status $status"
    rv_diag_file "$out.stderr"
fi

# ---- Bad partition files ----------------------------------------------------------------------

# bad_file NAME NP CONTENT EXPECTED: the file is refused with exit 1 and one line.
bad_file() {
    local name=$1 np=$2 content=$3 expected=$4 status=0
    local file="$RV_TMP/$name.part" out="$RV_TMP/$name.out"
    printf '%s' "$content" > "$file"
    rv_run "$np" "$out" "$out.stderr" sssp "$data/example-directed" --partition "$file" || status=$?
    local line
    line=$(head -n 1 "$out.stderr")
    if [ "$status" = 1 ] && [ "$(wc -l < "$out.stderr")" -eq 1 ] && [ "$line" = "rivulet: error: $file$expected" ] &&
        [ ! -s "$out" ]; then
        rv_ok "partition file with $name refused at np=$np: $expected"
    else
        rv_not_ok "partition file with $name refused at np=$np" "exit status $status; expected: $file$expected"
        rv_diag_file "$out.stderr"
    fi
}
# parts_of: a valid partition of example-directed (ids 1..10) into $np parts.
parts_of() { printf '%s\n' 1 2 3 4 5 6 7 8 9 10 | awk -v np="$np" '{ print $1, $1 % np }'; }
for np in 1 3; do
    bad_file "a malformed line" "$np" "$(parts_of | sed '4s/.*/4 x/')
" ":4: field 2 (part): not a non-negative integer: 'x'"
    bad_file "a missing part" "$np" "$(parts_of | sed '2s/.*/2/')
" ":2: missing part (field 2)"
    bad_file "an extra field" "$np" "$(parts_of | sed '9s/.*/9 0 1/')
" ":9: too many fields (a line is \`id part\`): field 3 is '1'"
    bad_file "a part out of range" "$np" "$(parts_of | sed "6s/.*/6 $np/")
" ":6: field 2 (part): part $np is outside [0, $np), one part per rank"
    bad_file "an unknown vertex" "$np" "$(parts_of)
11 0
" ":11: vertex 11 is not in the graph"
    bad_file "a missing vertex" "$np" "$(parts_of | sed '/^7 /d')
" ": vertex 7 has no line (a partition file lists every vertex of the graph)"
    bad_file "a repeated vertex" "$np" "# comment
$(parts_of)
3 0
" ":12: vertex 3 is listed again (first on line 4)"
done
status=0
rv_run 2 "$RV_TMP/none.out" "$RV_TMP/none.err" sssp "$data/example-directed" --partition "$RV_TMP/no-such.part" ||
    status=$?
if [ "$status" = 1 ] && grep -q "^rivulet: error: cannot open '$RV_TMP/no-such.part'" "$RV_TMP/none.err"; then
    rv_ok "a missing partition file is refused with its name"
else
    rv_not_ok "a missing partition file is refused with its name" "exit status $status"
    rv_diag_file "$RV_TMP/none.err"
fi

# ---- Usage ---------------------------------------------------------------------------------------

# usage_error DESC EXPECTED ARGS...: exit 2 and one line containing EXPECTED.
usage_error() {
    local desc=$1 expected=$2 status=0
    shift 2
    "$RIVULET" "$@" > "$RV_TMP/usage.out" 2> "$RV_TMP/usage.err" || status=$?
    if [ "$status" = 2 ] && [ "$(wc -l < "$RV_TMP/usage.err")" -eq 1 ] && grep -qF -- "$expected" "$RV_TMP/usage.err"; then
        rv_ok "$desc"
    else
        rv_not_ok "$desc" "exit status $status, expected 2 and '$expected'"
        rv_diag_file "$RV_TMP/usage.err"
    fi
}
usage_error "partition without --parts is a usage error" "missing --parts K" partition "$data/example-directed"
usage_error "--parts 0 is a usage error" "--parts: expected a positive integer: '0'" \
    partition "$data/example-directed" --parts 0
usage_error "--imbalance below 1 is a usage error" "--imbalance: expected a number of at least 1" \
    run sssp "$data/example-directed" --imbalance 0.9
usage_error "--partition '' is a usage error" "--partition: expected auto, metis, hash or a partition file" \
    run sssp "$data/example-directed" --partition ''
usage_error "--metis-memory needs a size" "--metis-memory: expected a positive number of bytes" \
    run sssp "$data/example-directed" --metis-memory lots
usage_error "partition takes no algorithm options" "unknown option '--source'" \
    partition "$data/example-directed" --parts 2 --source 1
if "$RIVULET" partition --help > "$RV_TMP/help.out" 2>&1 && grep -q -- '--parts K' "$RV_TMP/help.out" &&
    "$RIVULET" run --help | grep -q -- '--partition HOW'; then
    rv_ok "partition --help and run --help describe the partition options"
else
    rv_not_ok "partition --help and run --help describe the partition options"
    rv_diag_file "$RV_TMP/help.out"
fi

rv_done
