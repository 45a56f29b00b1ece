#!/bin/bash
# bad_input.sh — malformed inputs and bad command lines make rivulet fail cleanly: non-zero exit, one error line naming file and line, no hang, no output (TAP).
#
# Each case runs at np=1 and np=3. A bad line sits deep in a 20,000-line edge file,
# either in the middle (in rank 1's byte range at np=3) or near the end (rank 2's),
# so the rank that finds it is not the rank that prints. Checks per case and np:
#   * the exit status is non-zero (exactly 2 for usage errors) and not a timeout;
#   * stderr holds exactly one non-empty line (so only one rank reported), which
#     names the file and, for a bad line, its line number;
#   * the file given to --output was not created.
# mpirun runs with -q (see lib.sh), so Open MPI adds no banner of its own.
# Controls: the same files without the bad line run fine.
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rv_require_rivulet

N_LINES=20000
LINE_MID=10007  # about 50% into the file: rank 1 of 3
LINE_LATE=17011 # about 85% into the file: rank 2 of 3

# A valid weighted edge list: 4000 sources with 5 out-edges each, no self-loops,
# no duplicates, weights 0 .. 9.6.
good="$RV_TMP/good.e"
awk -v n="$N_LINES" 'BEGIN {
    for (i = 0; i < n; i++) {
        src = int(i / 5) + 1
        dst = (src + 1 + (i % 5) * 13) % 4000 + 1
        if (dst == src) dst = src % 4000 + 1
        printf "%d %d %.1f\n", src, dst, (i % 97) / 10
    }
}' > "$good"

# which_rank FILE LINE NP: the rank whose byte range holds the start of LINE, by the
# loader's rule (part k covers lines starting in [k*size/n, (k+1)*size/n)).
which_rank() {
    local file=$1 line=$2 np=$3 offset size
    offset=$(head -n $((line - 1)) "$file" | wc -c)
    size=$(wc -c < "$file")
    echo $((offset * np / size))
}

# with_bad_line LINE TEXT OUT: a copy of the good file with line LINE replaced.
with_bad_line() {
    awk -v at="$1" -v text="$2" 'NR == at { print text; next } { print }' "$good" > "$3"
}

# check_failure DESC EXPECT_STATUS FILE LINE NP ALGO [INPUT [OPTIONS...]]: runs
# `rivulet run ALGO INPUT --output OUT OPTIONS...` (OUT comes before the options so
# that an option missing its value can be last) and judges it. EXPECT_STATUS is
# "2" or "nonzero"; FILE is the name that must appear in the message ("" = none
# required); LINE the line number that must appear ("" = none).
check_failure() {
    local desc=$1 expect=$2 file=$3 line=$4 np=$5
    shift 5
    local out="$RV_TMP/case.$RV_TAP_N.out" err="$RV_TMP/case.$RV_TAP_N.err" status=0
    local -a args=("$@")
    if [ $# -ge 2 ]; then
        args=("$1" "$2" --output "$out" "${@:3}")
    fi
    rm -f -- "$out"
    rv_mpirun "$np" "$RIVULET" run "${args[@]}" > "$err.stdout" 2> "$err" || status=$?
    local problems=()
    if rv_timed_out "$status"; then
        problems+=("timed out after ${RV_TIMEOUT}s (status $status): a rank hung")
    elif [ "$status" = 0 ]; then
        problems+=("exit status 0, expected failure")
    elif [ "$expect" = 2 ] && [ "$status" != 2 ]; then
        problems+=("exit status $status, expected 2 (usage error)")
    elif [ "$status" -gt 128 ]; then
        problems+=("exit status $status: killed by signal $((status - 128))")
    fi
    local n_lines message
    n_lines=$(grep -c . "$err" || true)
    message=$(grep . "$err" | head -n 1)
    if [ "$n_lines" != 1 ]; then
        problems+=("stderr has $n_lines non-empty lines, expected exactly 1")
    fi
    if [ -n "$file" ] && ! grep -qF -- "$(basename -- "$file")" "$err"; then
        problems+=("the message does not name the file $(basename -- "$file")")
    fi
    if [ -n "$line" ] && ! grep -qE -- "(^|[^0-9])$line([^0-9]|\$)" "$err"; then
        problems+=("the message does not give line number $line")
    fi
    if [ -e "$out" ]; then
        problems+=("the output file $out was created")
    fi
    if [ "${#problems[@]}" = 0 ]; then
        rv_ok "$desc: status $status, \"$(printf '%s' "$message" | cut -c1-160)\""
    else
        rv_not_ok "$desc" "rivulet run ${args[*]}" "${problems[@]}" "stderr:"
        rv_diag_file "$err" 10
    fi
}

# Controls: the good file works for both algorithms.
for np in 1 3; do
    for algo_args in "pagerank" "sssp --source 1"; do
        # shellcheck disable=SC2086 # algo_args is a list of words
        set -- $algo_args
        out="$RV_TMP/control.$np.$1"
        desc="control: $algo_args on the valid 20,000-line file np=$np succeeds"
        rv_run_check "$desc" "$np" "$out" "$1" "$good" "${@:2}" && rv_ok "$desc"
    done
done

# Bad lines: description | algorithm and options | line | replacement text.
# The line number alternates between rank 1's and rank 2's range at np=3.
cases=(
    "non-numeric field|pagerank|$LINE_MID|17 abc 1.0"
    "non-numeric weight|sssp --source 1|$LINE_LATE|17 18 1.0x"
    "missing field|pagerank|$LINE_LATE|17"
    "too many fields|sssp --source 1|$LINE_MID|17 18 1.0 4"
    "negative source id|pagerank|$LINE_MID|-17 18 1.0"
    "negative target id|pagerank|$LINE_LATE|17 -18 1.0"
    "id 2^63 (one past the largest)|pagerank|$LINE_LATE|9223372036854775808 18 1.0"
    "id 2^64|pagerank|$LINE_MID|17 18446744073709551616 1.0"
    "negative weight for sssp|sssp --source 1|$LINE_MID|17 18 -0.5"
    "NaN weight for sssp|sssp --source 1|$LINE_LATE|17 18 nan"
    "infinite weight for sssp|sssp --source 1|$LINE_MID|17 18 inf"
    "infinite weight, long spelling, for sssp|sssp --source 1|$LINE_LATE|17 18 -Infinity"
)
for spec in "${cases[@]}"; do
    IFS='|' read -r what algo_args line text <<< "$spec"
    file="$RV_TMP/bad-line-$line-$(echo "$what" | tr -c 'a-zA-Z0-9\n' '-').e"
    with_bad_line "$line" "$text" "$file"
    for np in 1 3; do
        # shellcheck disable=SC2086
        set -- $algo_args
        where=""
        [ "$np" -gt 1 ] && where=", in rank $(which_rank "$file" "$line" "$np")'s range"
        check_failure "$what ('$text' at line $line$where) np=$np" nonzero "$file" "$line" "$np" \
            "$1" "$file" "${@:2}"
    done
done

# A bad line in the vertex file of a Graphalytics dataset.
dataset="$RV_TMP/dataset"
mkdir -p "$dataset"
cp "$good" "$dataset/bad-vertices.e"
awk 'BEGIN { for (i = 1; i <= 20000; i++) print i }' |
    awk -v at="$LINE_LATE" 'NR == at { print "12x"; next } { print }' > "$dataset/bad-vertices.v"
cat > "$dataset/bad-vertices.properties" << 'EOF'
# A dataset whose vertex file has a malformed line, for bad_input.sh.
graph.bad-vertices.vertex-file = bad-vertices.v
graph.bad-vertices.edge-file = bad-vertices.e
graph.bad-vertices.directed = true
graph.bad-vertices.edge-properties.names = weight
graph.bad-vertices.edge-properties.types = real
graph.bad-vertices.pr.damping-factor = 0.85
graph.bad-vertices.pr.num-iterations = 3
graph.bad-vertices.sssp.weight-property = weight
graph.bad-vertices.sssp.source-vertex = 1
EOF
for np in 1 3; do
    check_failure "dataset vertex file with '12x' at line $LINE_LATE np=$np" nonzero \
        "$dataset/bad-vertices.v" "$LINE_LATE" "$np" pagerank "$dataset/bad-vertices"
done

# Whole-file problems.
garbage="$RV_TMP/garbage.e"
if [ -x /usr/bin/python3 ]; then
    /usr/bin/python3 -c 'import random, sys
r = random.Random(20240601)
sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(65536)))' > "$garbage"
else
    head -c 65536 /dev/urandom > "$garbage"
fi
# Binary bytes in place of line LINE_LATE of the good file: a NUL and a 0xff first
# (so the bad line is LINE_LATE whatever follows), then 300 random bytes.
spliced="$RV_TMP/binary-inside.e"
{
    head -n $((LINE_LATE - 1)) "$good"
    printf '\001\000\377'
    head -c 300 "$garbage"
    printf '\n'
    tail -n +$((LINE_LATE + 1)) "$good"
} > "$spliced"
missing="$RV_TMP/no-such-file.e"
sed 's/bad-vertices/missing-edges/g; s/a malformed line/a good vertex file but no edge file/' \
    "$dataset/bad-vertices.properties" > "$dataset/missing-edges.properties"
awk 'BEGIN { for (i = 1; i <= 4000; i++) print i }' > "$dataset/missing-edges.v"
for np in 1 3; do
    check_failure "missing input file np=$np" nonzero "$missing" "" "$np" pagerank "$missing"
    check_failure "dataset whose .properties names a missing edge file np=$np" nonzero "missing-edges.e" "" "$np" \
        pagerank "$dataset/missing-edges"
    check_failure "binary garbage (64 KiB of random bytes) np=$np" nonzero "$garbage" "" "$np" pagerank "$garbage"
    check_failure "binary bytes (NUL included) at line $LINE_LATE of a valid file np=$np" nonzero "$spliced" "$LINE_LATE" "$np" \
        pagerank "$spliced"
    check_failure "sssp source that is not a vertex np=$np" nonzero "" "" "$np" sssp "$good" --source 999999
    check_failure "bfs source that is not a vertex np=$np" nonzero "" "" "$np" bfs "$good" --source 999999
done

# Usage errors: exit status 2, one line.
for np in 1 3; do
    check_failure "unknown algorithm np=$np" 2 "" "" "$np" no-such-algorithm "$good"
    check_failure "unknown option np=$np" 2 "" "" "$np" pagerank "$good" --no-such-option
    check_failure "missing option value (--source at the end) np=$np" 2 "" "" "$np" sssp "$good" --source
    check_failure "bad option value (--iterations abc) np=$np" 2 "" "" "$np" pagerank "$good" --iterations abc
    check_failure "bad option value (--source -1) np=$np" 2 "" "" "$np" sssp "$good" --source -1
    check_failure "bfs without --source np=$np" 2 "" "" "$np" bfs "$good"
    check_failure "negative --tolerance np=$np" 2 "" "" "$np" pagerank "$good" --tolerance -1e-6
    check_failure "negative cdlp --iterations np=$np" 2 "" "" "$np" cdlp "$good" --iterations -1
    check_failure "missing input argument np=$np" 2 "" "" "$np" pagerank
done

rv_done
