# checkpoint_lib.sh — helpers shared by the checkpoint tests (checkpoint.sh, checkpoint_faults.sh); sourced after lib.sh, not run.

# ck_make_graph DIR NAME SEED VERTICES EDGES: a random skewed weighted graph with
# sparse 64-bit ids and isolated vertices, as a Graphalytics dataset DIR/NAME (12
# PageRank iterations; SSSP from the first edge's source), plus the oracle's
# answers DIR/NAME-PR and DIR/NAME-SSSP. Sets CK_SOURCE.
ck_make_graph() {
    local dir=$1 name=$2 seed=$3 vertices=$4 edges=$5 summary
    mkdir -p "$dir"
    if ! summary=$("$RV_ORACLE" gen --model powerlaw --vertices "$vertices" --edges "$edges" --isolated 12 \
        --sparse-ids --weights --seed "$seed" --edges-out "$dir/$name.e" --vertices-out "$dir/$name.v" 2>&1); then
        rv_bail "rv-oracle gen failed: $summary"
    fi
    echo "# $name: $summary"
    CK_SOURCE=$(awk 'NF >= 2 && $1 !~ /^#/ { print $1; exit }' "$dir/$name.e")
    cat > "$dir/$name.properties" <<EOF
graph.$name.vertex-file = $name.v
graph.$name.edge-file = $name.e
graph.$name.directed = true
graph.$name.edge-properties.names = weight
graph.$name.pr.num-iterations = 12
graph.$name.pr.damping-factor = 0.85
graph.$name.sssp.weight-property = weight
graph.$name.sssp.source-vertex = $CK_SOURCE
EOF
    "$RV_ORACLE" pagerank --iterations 12 --damping 0.85 --output "$dir/$name-PR" "$dir/$name.e" "$dir/$name.v" ||
        rv_bail "rv-oracle pagerank failed"
    "$RV_ORACLE" sssp --source "$CK_SOURCE" --output "$dir/$name-SSSP" "$dir/$name.e" "$dir/$name.v" ||
        rv_bail "rv-oracle sssp failed"
}

# ck_run NP OUTPUT ERRFILE ARGS...: `rivulet run ARGS... --output OUTPUT` on NP ranks
# without --quiet (the resume line and the library's warnings are what the tests
# read), stderr into ERRFILE. Returns rivulet's status.
ck_run() {
    local np=$1 output=$2 errfile=$3
    shift 3
    rm -f -- "$output"
    rv_mpirun "$np" "$RIVULET" run "$@" --output "$output" > "$errfile.stdout" 2> "$errfile"
}

# ck_expect_failure DESC STATUS OUTPUT ERRFILE [PATTERN]: one test that passes when a
# run failed (without timing out), wrote no OUTPUT and, with PATTERN, said it on stderr.
# Status 137 is not taken for a timeout here: it is also what mpirun returns when a
# rank dies of SIGKILL, which is what these tests do; the pattern tells them apart.
ck_expect_failure() {
    local desc=$1 status=$2 output=$3 errfile=$4 pattern=${5:-}
    if [ "$status" = 0 ] || [ "$status" = 124 ]; then
        rv_not_ok "$desc" "exit status $status (expected a failure, not a success or a timeout)"
        rv_diag_file "$errfile"
    elif [ -e "$output" ]; then
        rv_not_ok "$desc" "exit status $status, but $output was written"
    elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$errfile"; then
        rv_not_ok "$desc" "exit status $status, but stderr lacks '$pattern':"
        rv_diag_file "$errfile"
    else
        rv_ok "$desc"
    fi
}

# ck_grep_check DESC PATTERN FILE: one test that passes when FILE contains PATTERN.
ck_grep_check() {
    local desc=$1 pattern=$2 file=$3
    if grep -q -- "$pattern" "$file"; then
        rv_ok "$desc"
    else
        rv_not_ok "$desc" "'$pattern' not found in $file:"
        rv_diag_file "$file"
    fi
}

# ck_store ACTION DIR [ARGS...]: `rivulet store ACTION DIR ARGS`, output to
# $RV_TMP/store.out; returns its status.
ck_store() {
    local action=$1 dir=$2
    shift 2
    timeout -k 5 "$RV_TIMEOUT" "$RIVULET" store "$action" "$dir" "$@" > "$RV_TMP/store.out" 2>&1
}

# ck_store_check DESC EXPECTED_STATUS ACTION DIR [ARGS...]: one test on the exit
# status of `rivulet store`.
ck_store_check() {
    local desc=$1 expected=$2 status=0
    shift 2
    ck_store "$@" || status=$?
    if [ "$status" = "$expected" ]; then
        rv_ok "$desc"
    else
        rv_not_ok "$desc" "rivulet store $* exited $status, expected $expected:"
        rv_diag_file "$RV_TMP/store.out" 20
    fi
}

# ck_newest DIR: the superstep of the newest committed checkpoint (`store ls`), or
# nothing.
ck_newest() {
    ck_store ls "$1" >/dev/null 2>&1 || true
    awk '$1 ~ /^[0-9]+$/ { print $1; exit }' "$RV_TMP/store.out"
}
