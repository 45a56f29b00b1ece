# stream_lib.sh — helpers shared by the stream tests (stream.sh, stream_incremental.sh, stream_io.sh, stream_durability.sh); sourced after lib.sh, not run.

# st_check DESC COMMAND...: one test, passing when COMMAND succeeds.
st_check() {
    local desc=$1
    shift
    if "$@" > "$RV_TMP/check.out" 2>&1; then
        rv_ok "$desc"
    else
        rv_not_ok "$desc" "failed: $*"
        rv_diag_file "$RV_TMP/check.out"
    fi
}

# st_recompute DIR N ALGO [OPTION...]: the recomputation from scratch after every
# batch: `rivulet run ALGO OPTION...` at np = 1 on each batch's model graph
# DIR/expected-K, K = 0..N, into DIR/expected-K.ALGO. Prints the first failure and
# returns 1 if any.
st_recompute() {
    local dir=$1 n=$2 algo=$3 k
    shift 3
    for ((k = 0; k <= n; k++)); do
        if ! rv_mpirun 1 "$RIVULET" run "$algo" "$dir/expected-$k" "$@" \
            --output "$dir/expected-$k.$algo" --quiet > /dev/null 2> "$dir/run.err"; then
            echo "rivulet run $algo expected-$k: $(head -n 2 "$dir/run.err")"
            return 1
        fi
    done
}

# st_batches_equal DIR PREFIX N ALGO: compares DIR/batch-K.snapshot with PREFIX-K.ALGO
# for K = 0..N: byte for byte, or for PageRank within 1e-9 relative (with
# rv-validate: call rv_require_validate first). Prints the first difference and
# returns 1 if any.
st_batches_equal() {
    local dir=$1 prefix=$2 n=$3 algo=$4 k actual expected
    for ((k = 0; k <= n; k++)); do
        actual=$(printf '%s/batch-%06d.snapshot' "$dir" "$k")
        expected="$prefix-$k.$algo"
        if [ "$algo" = pagerank ]; then
            if ! "$RV_VALIDATE" --sorted --epsilon 1e-9 epsilon "$expected" "$actual" > "$dir/validate.$k" 2>&1; then
                echo "batch $k: $(head -n 3 "$dir/validate.$k" | tr '\n' ' ')"
                return 1
            fi
        elif ! cmp -s "$expected" "$actual"; then
            echo "batch $k: $(diff "$expected" "$actual" 2>&1 | head -n 4 | tr '\n' ' ')"
            return 1
        fi
    done
}

# st_modes ERRFILE: the mode of every batch after batch 0, one a line, from the
# metrics lines.
st_modes() {
    sed -n 's/^rivulet: batch=[1-9][0-9]* mode=\([a-z]*\) .*/\1/p' "$1"
}

# st_all_repaired ERRFILE N: whether the batches after batch 0 are exactly N, each
# repaired (mode=repair) rather than recomputed.
st_all_repaired() {
    [ "$(st_modes "$1" | grep -cx repair)" = "$2" ] && [ "$(st_modes "$1" | grep -c .)" = "$2" ]
}
