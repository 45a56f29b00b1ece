#!/bin/bash
# cli.sh — the `rivulet` command line: help, list and version, usage errors (exit 2, one line), runtime errors (exit 1, one line), option forms, dataset resolution and --stats (TAP).
#
# The algorithms are not named here: they are read from `rivulet list` and
# `rivulet run ALGO --help`, so this script keeps working as built-ins come and go.
# Help, list, version and usage errors run without mpirun (they must not need MPI)
# and again under mpirun at np=3, where exactly one rank may speak.
# Environment: see lib.sh.

. "$(dirname "$0")/lib.sh"

rv_require_rivulet

OUT=$RV_TMP/out
ERR=$RV_TMP/err

# cli ARGS...: runs rivulet directly, stdout to $OUT, stderr to $ERR; sets STATUS.
cli() {
    STATUS=0
    timeout -k 5 "$RV_TIMEOUT" "$RIVULET" "$@" > "$OUT" 2> "$ERR" || STATUS=$?
}

# cli_np NP ARGS...: the same under mpirun on NP ranks.
cli_np() {
    local np=$1
    shift
    STATUS=0
    rv_mpirun "$np" "$RIVULET" "$@" > "$OUT" 2> "$ERR" || STATUS=$?
}

n_lines() {
    wc -l < "$1" | tr -d ' '
}

# expect_success DESC PATTERN: the last command exited 0, printed nothing on stderr,
# and its stdout matches the extended regular expression PATTERN.
expect_success() {
    local desc=$1 pattern=$2
    if [ "$STATUS" = 0 ] && [ ! -s "$ERR" ] && grep -Eq -- "$pattern" "$OUT"; then
        rv_ok "$desc"
    else
        rv_not_ok "$desc" "exit status $STATUS, expected 0; stdout should match /$pattern/" "stdout:"
        rv_diag_file "$OUT" 5
        printf '#   stderr:\n'
        rv_diag_file "$ERR" 5
    fi
}

# expect_error DESC CODE [PATTERN]: the last command exited CODE with exactly one
# line `rivulet: error: ...` on stderr (matching PATTERN if given) and nothing on
# stdout.
expect_error() {
    local desc=$1 code=$2 pattern=${3:-}
    local problems=()
    [ "$STATUS" = "$code" ] || problems+=("exit status $STATUS, expected $code")
    [ "$(n_lines "$ERR")" = 1 ] || problems+=("$(n_lines "$ERR") lines on stderr, expected 1")
    grep -q '^rivulet: error: ' "$ERR" || problems+=("stderr does not start with 'rivulet: error: '")
    if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$ERR"; then
        problems+=("stderr does not match /$pattern/")
    fi
    [ ! -s "$OUT" ] || problems+=("unexpected output on stdout")
    if [ ${#problems[@]} = 0 ]; then
        rv_ok "$desc: $(head -c 150 "$ERR")"
    else
        rv_not_ok "$desc" "${problems[@]}" "stderr:"
        rv_diag_file "$ERR" 5
    fi
}

# ---- Help, version, list ----------------------------------------------------------

cli --help
expect_success "--help" '^usage: rivulet'
HELP_LINES=$(n_lines "$OUT")
cli -h
expect_success "-h" '^usage: rivulet'
cli --version
if [ "$STATUS" = 0 ] && [ "$(n_lines "$OUT")" = 1 ] && grep -Eq '^rivulet [0-9]' "$OUT"; then
    rv_ok "--version: $(cat "$OUT")"
else
    rv_not_ok "--version prints one line 'rivulet VERSION'" "exit status $STATUS"
    rv_diag_file "$OUT" 3
fi
cli run --help
expect_success "run --help lists the run options" '--max-supersteps'
for option in output undirected directed max-supersteps quiet stats log-level; do
    grep -q -- "--$option" "$OUT" || rv_not_ok "run --help mentions --$option"
done

cli list
expect_success "list" '^[a-z0-9_.-]+( \(alias [^)]*\))?: '
LIST=$RV_TMP/list
cp "$OUT" "$LIST"
# Algorithm names and aliases, from lines `name (alias a): summary` at column 0.
mapfile -t ALGOS < <(sed -nE 's/^([a-z0-9_.-]+)( \(alias [^)]*\))?: .*/\1/p' "$LIST")
mapfile -t ALIASES < <(sed -nE 's/^[a-z0-9_.-]+ \(alias ([^)]*)\): .*/\1/p' "$LIST")
[ ${#ALGOS[@]} -gt 0 ] || rv_bail "rivulet list shows no algorithm"

for algo in "${ALGOS[@]}" "${ALIASES[@]}"; do
    cli run "$algo" --help
    expect_success "run $algo --help" "^usage: rivulet run [a-z0-9_.-]+ INPUT"
done

# One algorithm whose options all have defaults, so it runs on a bare edge list,
# and its options with their types, from `run ALGO --help` (`  --name TYPE  ...`).
RUNNABLE=
for algo in "${ALGOS[@]}"; do
    cli run "$algo" --help
    if ! grep -q '(required' "$OUT"; then
        RUNNABLE=$algo
        break
    fi
done
ANY=${ALGOS[0]}
cli run "$ANY" --help
mapfile -t ANY_OPTIONS < <(sed -nE 's/^  --([a-z0-9_-]+) (INT|DOUBLE|ID)  .*/\1/p' "$OUT")

# ---- Usage errors: exit 2, one line ------------------------------------------------

usage_errors() {
    local np=$1 run=cli
    local suffix=""
    if [ "$np" != 0 ]; then
        run="cli_np $np"
        suffix=" np=$np"
    fi
    local graph=$RV_TMP/tiny.e
    $run
    expect_error "no command$suffix" 2
    $run frobnicate
    expect_error "unknown command$suffix" 2 "frobnicate"
    $run --frobnicate
    expect_error "unknown top-level option$suffix" 2 "--frobnicate"
    $run list extra
    expect_error "list with an argument$suffix" 2
    $run run
    expect_error "run without ALGO$suffix" 2 "ALGO"
    $run run no-such-algorithm "$graph"
    expect_error "unknown algorithm$suffix" 2 "no-such-algorithm.*rivulet list"
    $run run no-such-algorithm --help
    expect_error "help for an unknown algorithm$suffix" 2 "no-such-algorithm"
    $run run "$ANY"
    expect_error "missing INPUT$suffix" 2 "INPUT"
    $run run "$ANY" "$graph" --no-such-option 1
    expect_error "unknown option$suffix" 2 "--no-such-option"
    $run run "$ANY" "$graph" --output
    expect_error "missing value at the end$suffix" 2 "--output"
    $run run "$ANY" "$graph" --max-supersteps=-1
    expect_error "bad --max-supersteps$suffix" 2 "--max-supersteps"
    $run run "$ANY" "$graph" --quiet=yes
    expect_error "value for a flag$suffix" 2 "--quiet"
    $run run "$ANY" "$graph" --log-level loud
    expect_error "bad --log-level$suffix" 2 "loud"
    $run run "$ANY" "$graph" --directed --undirected
    expect_error "--directed with --undirected$suffix" 2
    $run run "$ANY" "$graph" "$graph"
    expect_error "a second INPUT$suffix" 2 "unexpected"
    $run run "$ANY" "$graph" -x
    expect_error "single-dash option$suffix" 2 "'-x'"
    local option
    for option in "${ANY_OPTIONS[@]}"; do
        $run run "$ANY" "$graph" "--$option" not-a-value
        expect_error "bad value for --$option$suffix" 2 "--$option.*not-a-value"
        $run run "$ANY" "$graph" "--$option=not-a-value"
        expect_error "bad value for --$option=$suffix" 2 "--$option.*not-a-value"
        $run run "--$option" 1 "$ANY" "$graph"
        expect_error "--$option before ALGO$suffix" 2 "--$option"
    done
}

# A tiny weighted graph: a directed 4-cycle and an isolated edge (ids 1..6).
printf '1 2 0.5\n2 3 1.5\n3 4 2\n4 1 1\n5 6 0.25\n' > "$RV_TMP/tiny.e"

usage_errors 0

cli run "$ANY" "$RV_TMP/tiny.e" --no-such-option --help
expect_success "--help wins over an earlier usage error" "^usage: rivulet run"

# ---- Under mpirun: one rank speaks ---------------------------------------------------

if ! command -v "${RV_MPIRUN%% *}" > /dev/null 2>&1; then
    rv_skip "mpirun cases" "'$RV_MPIRUN' not found"
    rv_done
fi

cli_np 3 --help
if [ "$STATUS" = 0 ] && [ "$(n_lines "$OUT")" = "$HELP_LINES" ]; then
    rv_ok "--help at np=3 prints once"
else
    rv_not_ok "--help at np=3 prints once" "exit status $STATUS, $(n_lines "$OUT") lines, expected $HELP_LINES"
fi
cli_np 3 list
if [ "$STATUS" = 0 ] && cmp -s "$OUT" "$LIST"; then
    rv_ok "list at np=3 prints once"
else
    rv_not_ok "list at np=3 prints once" "exit status $STATUS, output differs from np=1"
fi

usage_errors 3

for np in 1 3; do
    cli_np "$np" run "$ANY" "$RV_TMP/missing.e"
    expect_error "missing input file np=$np" 1 "missing.e"
    printf '1 2\n2 x\n' > "$RV_TMP/bad.e"
    cli_np "$np" run "$ANY" "$RV_TMP/bad.e"
    expect_error "malformed edge list np=$np" 1 "bad.e:2"
done

if [ -z "$RUNNABLE" ]; then
    rv_skip "runs" "every algorithm has a required option"
    rv_done
fi

# ---- A real run: progress, summary, --stats ------------------------------------------

STATS=$RV_TMP/stats.json
cli_np 3 run "$RUNNABLE" "$RV_TMP/tiny.e" --output "$RV_TMP/run.out" --stats "$STATS"
if [ "$STATUS" = 0 ] && [ "$(n_lines "$RV_TMP/run.out")" = 6 ] && [ ! -s "$OUT" ]; then
    rv_ok "run $RUNNABLE np=3 writes one line per vertex to --output"
else
    rv_not_ok "run $RUNNABLE np=3 writes one line per vertex to --output" "exit status $STATUS" "stderr:"
    rv_diag_file "$ERR"
fi
progress=$(grep -c '^superstep [0-9]*: ' "$ERR")
if [ "$progress" -ge 1 ] && grep -q 'vertices' "$ERR" && grep -q 'total' "$ERR"; then
    rv_ok "progress lines ($progress) and summary on stderr"
else
    rv_not_ok "progress lines and summary on stderr"
    rv_diag_file "$ERR"
fi

if command -v python3 > /dev/null 2>&1; then
    check=$(python3 - "$STATS" "$progress" << 'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
top = ["algorithm", "ranks", "vertices", "edges", "input_bytes", "seconds", "supersteps",
       "messages", "bytes_exchanged", "memory", "partition", "superstep_log"]
assert list(d) == top, "keys %s" % list(d)
assert list(d["seconds"]) == ["load", "read", "partition", "build", "compute", "output", "total"]
assert list(d["memory"]) == ["peak_rss_bytes_per_rank", "peak_rss_bytes_max", "rss_before_load_bytes_sum",
                             "rss_after_load_bytes_sum", "graph_bytes_sum"]
assert list(d["partition"]) == ["requested", "kind", "parts", "notice", "seconds", "edge_cut", "edge_cut_fraction",
                                "vertices_per_rank", "edges_per_rank", "ghosts_per_rank", "bytes_per_superstep"]
assert list(d["partition"]["seconds"]) == ["structure", "metis", "directory", "move", "rebuild"]
assert d["partition"]["parts"] == 3 and d["partition"]["vertices_per_rank"]["mean"] == 2, "partition"
assert d["ranks"] == 3 and d["vertices"] == 6 and d["edges"] == 5, "counts"
assert len(d["memory"]["peak_rss_bytes_per_rank"]) == 3, "per-rank array"
assert max(d["memory"]["peak_rss_bytes_per_rank"]) == d["memory"]["peak_rss_bytes_max"]
assert len(d["superstep_log"]) == d["supersteps"] == int(sys.argv[2]), "superstep log"
for s in d["superstep_log"]:
    assert list(s) == ["superstep", "active", "messages", "bytes", "seconds"]
assert sum(s["messages"] for s in d["superstep_log"]) == d["messages"]
print("ok")
EOF
    ) || true
    if [ "$check" = ok ]; then
        rv_ok "--stats JSON has the documented shape and consistent counts"
    else
        rv_not_ok "--stats JSON has the documented shape and consistent counts" "$check"
        rv_diag_file "$STATS"
    fi
else
    rv_skip "--stats JSON shape" "python3 not found"
fi

cli_np 2 run "$RUNNABLE" "$RV_TMP/tiny.e" --quiet --max-supersteps 1 --output "$RV_TMP/a.out"
status_a=$STATUS
cli_np 2 run "$RUNNABLE" "$RV_TMP/tiny.e" --quiet --max-supersteps=1 --output="$RV_TMP/b.out"
if [ "$status_a" = 0 ] && [ "$STATUS" = 0 ] && [ ! -s "$ERR" ] && cmp -s "$RV_TMP/a.out" "$RV_TMP/b.out"; then
    rv_ok "--opt VALUE and --opt=VALUE agree; --quiet prints nothing"
else
    rv_not_ok "--opt VALUE and --opt=VALUE agree; --quiet prints nothing" "exit $status_a and $STATUS"
    rv_diag_file "$ERR"
fi

cli_np 1 run "$RUNNABLE" "$RV_TMP/tiny.e" --quiet
if [ "$STATUS" = 0 ] && [ "$(n_lines "$OUT")" = 6 ]; then
    rv_ok "without --output the result goes to stdout"
else
    rv_not_ok "without --output the result goes to stdout" "exit status $STATUS, $(n_lines "$OUT") lines"
fi

# ---- Graphalytics datasets ---------------------------------------------------------

# A dataset over the same graph, in a subdirectory so that relative file names are
# resolved against the properties file's directory, not the working directory.
DS=$RV_TMP/ds
mkdir -p "$DS/data"
cp "$RV_TMP/tiny.e" "$DS/data/tiny.e"
printf '1\n2\n3\n4\n5\n6\n7\n' > "$DS/data/tiny.v" # 7 is isolated
weight_key=$(cli run "$RUNNABLE" --help; sed -nE 's/^  reads edge weights.*dataset key ([^ ;)]+).*/\1/p' "$OUT")
{
    printf 'graph.tiny.vertex-file = data/tiny.v\n'
    printf 'graph.tiny.edge-file = data/tiny.e\n'
    printf 'graph.tiny.directed = true\n'
    printf 'graph.tiny.edge-properties.names = weight\n'
    [ -z "$weight_key" ] || printf 'graph.tiny.%s = weight\n' "$weight_key"
} > "$DS/tiny.properties"

(cd "$RV_TMP" && rv_mpirun 2 "$RIVULET" run "$RUNNABLE" ds/tiny --quiet --output "$RV_TMP/ds1.out" 2> "$ERR") ||
    true
(cd / && rv_mpirun 2 "$RIVULET" run "$RUNNABLE" "$DS/tiny.properties" --quiet --output "$RV_TMP/ds2.out" 2>> "$ERR") ||
    true
if [ -f "$RV_TMP/ds1.out" ] && [ "$(n_lines "$RV_TMP/ds1.out")" = 7 ] && cmp -s "$RV_TMP/ds1.out" "$RV_TMP/ds2.out"; then
    rv_ok "dataset as NAME and as NAME.properties, from two directories, with its vertex file"
else
    rv_not_ok "dataset as NAME and as NAME.properties, from two directories, with its vertex file"
    rv_diag_file "$ERR"
fi

# The dataset's parameter values apply, and the command line overrides them: a
# value the algorithm cannot parse fails the run, naming the properties file, unless
# the same option is given on the command line.
cli run "$RUNNABLE" --help
keyed=$(sed -nE 's/^  --([a-z0-9_-]+) (INT|DOUBLE|ID)  .*dataset key ([^ ;)]+).*/\1 \3/p' "$OUT" | head -n 1)
if [ -n "$keyed" ]; then
    option=${keyed%% *}
    key=${keyed#* }
    default=$(sed -nE "s/^  --$option [A-Z]+  .*\\(default ([^;)]+).*/\\1/p" "$OUT")
    cp "$DS/tiny.properties" "$DS/bad.properties"
    sed -i 's/graph\.tiny\./graph.bad./' "$DS/bad.properties"
    printf 'graph.bad.%s = not-a-value\n' "$key" >> "$DS/bad.properties"
    cli_np 2 run "$RUNNABLE" "$DS/bad" --quiet
    expect_error "bad dataset value for $key" 1 "bad.properties.*$key"
    if [ -n "$default" ]; then
        cli_np 2 run "$RUNNABLE" "$DS/bad" --quiet "--$option" "$default" --output "$RV_TMP/ds3.out"
        if [ "$STATUS" = 0 ] && cmp -s "$RV_TMP/ds1.out" "$RV_TMP/ds3.out"; then
            rv_ok "--$option on the command line overrides the dataset's $key"
        else
            rv_not_ok "--$option on the command line overrides the dataset's $key" "exit status $STATUS"
            rv_diag_file "$ERR"
        fi
    fi
fi

printf 'graph.nofiles.directed = true\n' > "$DS/nofiles.properties"
cli_np 2 run "$RUNNABLE" "$DS/nofiles"
expect_error "dataset without an edge-file key" 1 "nofiles.properties.*edge-file"
printf 'graph.broken.vertex-file = data/tiny.v\ngraph.broken.edge-file = data/none.e\ngraph.broken.directed = true\n' \
    > "$DS/broken.properties"
cli_np 2 run "$RUNNABLE" "$DS/broken"
expect_error "dataset naming a missing edge file" 1 "none.e"

# --output names that MPI-IO cannot take as they are: a one-letter relative name,
# a device, and a FIFO (written through rank 0, in order, like standard output).
cli_np 2 run "$RUNNABLE" "$DS/tiny" --quiet --output "$RV_TMP/ds-reference.out"
reference_status=$STATUS
for target in one-letter /dev/null fifo; do
    case $target in
    one-letter)
        (cd "$RV_TMP" && rm -f a && rv_mpirun 3 "$RIVULET" run "$RUNNABLE" "$DS/tiny" --quiet --output a) > "$OUT" 2> "$ERR"
        STATUS=$?
        written="$RV_TMP/a"
        ;;
    /dev/null)
        cli_np 3 run "$RUNNABLE" "$DS/tiny" --quiet --output /dev/null
        written=""
        ;;
    fifo)
        rm -f "$RV_TMP/out.fifo" "$RV_TMP/fifo.out"
        mkfifo "$RV_TMP/out.fifo"
        cat "$RV_TMP/out.fifo" > "$RV_TMP/fifo.out" &
        reader=$!
        cli_np 3 run "$RUNNABLE" "$DS/tiny" --quiet --output "$RV_TMP/out.fifo"
        wait "$reader"
        written="$RV_TMP/fifo.out"
        ;;
    esac
    desc="--output to a $target np=3 writes the same lines as to a regular file"
    if [ "$STATUS" != 0 ] || [ "$reference_status" != 0 ]; then
        rv_not_ok "$desc" "exit status $STATUS (reference run: $reference_status)"
        rv_diag_file "$ERR"
    elif [ -n "$written" ] && ! cmp -s "$RV_TMP/ds-reference.out" "$written"; then
        rv_not_ok "$desc" "$written differs from $RV_TMP/ds-reference.out"
    else
        rv_ok "$desc"
    fi
done

# An unweighted dataset (no edge properties) gives sssp weight 1 on every edge, as a
# plain edge list without a weight column does; a dataset with edge properties must
# still say which one is the weight.
mkdir -p "$DS/unweighted"
printf '1 2\n2 3\n3 1\n3 4\n' > "$DS/unweighted/u.e"
printf '1\n2\n3\n4\n5\n' > "$DS/unweighted/u.v"
printf 'graph.u.vertex-file = u.v\ngraph.u.edge-file = u.e\ngraph.u.directed = true\ngraph.u.sssp.source-vertex = 1\n' \
    > "$DS/unweighted/u.properties"
cli_np 2 run sssp "$DS/unweighted/u" --quiet --output "$RV_TMP/unweighted.ds.out"
ds_status=$STATUS
cli_np 2 run sssp "$DS/unweighted/u.e" --source 1 --quiet --output "$RV_TMP/unweighted.plain.out"
if [ "$ds_status" = 0 ] && [ "$STATUS" = 0 ] &&
    grep -qx '5 infinity' "$RV_TMP/unweighted.ds.out" &&
    cmp -s <(grep -v '^5 ' "$RV_TMP/unweighted.ds.out") "$RV_TMP/unweighted.plain.out"; then
    rv_ok "sssp on a dataset without edge properties uses weight 1, like a plain edge list"
else
    rv_not_ok "sssp on a dataset without edge properties uses weight 1, like a plain edge list" \
        "exit status $ds_status and $STATUS"
    rv_diag_file "$ERR"
fi
printf 'graph.u.edge-properties.names = cost\n' >> "$DS/unweighted/u.properties"
cli_np 2 run sssp "$DS/unweighted/u" --quiet
expect_error "sssp on a dataset with edge properties but no weight key" 1 "u.properties.*sssp.weight-property"

rv_done
