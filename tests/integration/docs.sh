#!/bin/bash
# docs.sh — docs/writing-programs.md's C code, extracted, compiled as plug-ins and programs, and run against independent answers (TAP).
#
# Every fenced block that opens with "```c file=NAME.c" is appended, in order, to
# NAME.c; a C block without file= fails the test, so no snippet goes unchecked.
# Each file is compiled with the system compiler through pkg-config (as the
# tutorial says, against rivulet-uninstalled.pc), with -Wall -Wextra -Werror, both
# as a program and with -shared -fPIC as a plug-in, and both forms run at every np:
#   * nearest_max: the largest id within --hops hops, against python3-igraph's
#     Graph.neighborhood(order=K, mode="in"); configure() refuses --hops -1;
#   * smooth: the neighbourhood average, against a direct Python iteration of the
#     same definition (within 1e-9 relative), with the default stopping rule and
#     with --rounds;
#   * follow: who-to-follow counts on directed graphs, against Python sets.
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rv_require_rivulet
rv_require_validate
PYTHON=/usr/bin/python3
DOC=$RV_TOP_SRCDIR/docs/writing-programs.md
[ -f "$DOC" ] || rv_bail "missing $DOC"
cc=${CC_FOR_USER:-cc}
sanitize=${RV_SANITIZE_FLAGS:-}
export PKG_CONFIG_PATH=$RV_BUILDDIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
src=$RV_TMP/docs
mkdir -p "$src"

# ---- extraction --------------------------------------------------------------------

if awk -v dir="$src" '
    /^```/ && inside { inside = 0; next }
    /^```c( |$)/ {
        if (match($0, /file=[A-Za-z0-9_.-]+\.c/)) {
            file = dir "/" substr($0, RSTART + 5, RLENGTH - 5)
            inside = 1
            printf "#line %d \"writing-programs.md\"\n", NR + 1 >> file
        } else {
            printf "line %d: a C block without file=NAME.c\n", NR > "/dev/stderr"
            unmarked = 1
        }
        next
    }
    /^```[cC]/ { printf "line %d: a block tagged %s; tag C as ```c file=NAME.c\n", NR, $1 > "/dev/stderr"; unmarked = 1 }
    inside { print >> file }
    END { exit unmarked }' "$DOC" 2> "$RV_TMP/extract.err"; then
    rv_ok "every C block of writing-programs.md names the file it belongs to"
else
    rv_not_ok "every C block of writing-programs.md names the file it belongs to"
    rv_diag_file "$RV_TMP/extract.err"
fi
files=$(cd "$src" && ls -- *.c 2> /dev/null | tr '\n' ' ')
if [ "$files" = "follow.c nearest_max.c smooth.c " ]; then
    rv_ok "writing-programs.md holds the three tutorial programs"
else
    rv_not_ok "writing-programs.md holds the three tutorial programs" "found: $files"
fi

# ---- building ----------------------------------------------------------------------

built=()
for file in nearest_max smooth follow; do
    [ -f "$src/$file.c" ] || continue
    ok=1
    for form in program plug-in; do
        flags=() output=$src/$file
        [ $form = plug-in ] && flags=(-shared -fPIC) output=$src/$file.so
        # shellcheck disable=SC2046,SC2086 # pkg-config and the sanitizer flags are word lists
        if $cc -std=c11 -Wall -Wextra -Werror ${flags[@]+"${flags[@]}"} $sanitize "$src/$file.c" \
            $(pkg-config --cflags --libs rivulet-uninstalled) -o "$output" 2> "$src/$file.$form.cc.err"; then
            rv_ok "the tutorial's $file.c builds as a $form with $cc -Werror and pkg-config"
        else
            rv_not_ok "the tutorial's $file.c builds as a $form with $cc -Werror and pkg-config"
            rv_diag_file "$src/$file.$form.cc.err" 20
            ok=0
        fi
    done
    [ $ok = 1 ] && built+=("$file")
done

# ---- running ------------------------------------------------------------------------

# check_both NAME EXPECTED INPUT RULE [KEY=VALUE...]: at every np, the program
# (INPUT.e --vertices INPUT.v --KEY VALUE) and the plug-in (rivulet run NAME.so INPUT,
# the dataset INPUT.properties, --param KEY=VALUE) must match EXPECTED by rv-validate
# RULE (exact, or epsilon within 1e-9 relative).
check_both() {
    local name=$1 expected=$2 input=$3 rule=$4
    shift 4
    local -a program_options=() plugin_options=() rule_options=(--sorted "$rule")
    [ "$rule" = epsilon ] && rule_options=(--sorted --epsilon 1e-9 epsilon)
    local option np out status
    for option in "$@"; do
        program_options+=("--${option%%=*}" "${option#*=}")
        plugin_options+=(--param "$option")
    done
    local tag="$name${*:+ $*} on $(basename "$input")"
    for np in $RV_NPS; do
        out="$RV_TMP/$name.$np.program"
        status=0
        rv_mpirun "$np" "$src/$name" "$input.e" --vertices "$input.v" ${program_options[@]+"${program_options[@]}"} \
            > "$out" 2> "$out.err" || status=$?
        if [ "$status" = 0 ]; then
            rv_validate_check "$tag, program, np=$np" "${rule_options[@]}" "$expected" "$out"
        else
            rv_not_ok "$tag, program, np=$np" "exit status $status"
            rv_diag_file "$out.err"
        fi
        out="$RV_TMP/$name.$np.plugin"
        rv_run_check "$tag, plug-in, np=$np" "$np" "$out" "$src/$name.so" "$input" \
            ${plugin_options[@]+"${plugin_options[@]}"} &&
            rv_validate_check "$tag, plug-in, np=$np" "${rule_options[@]}" "$expected" "$out"
    done
}

# built NAME: whether NAME.c built both ways (a skipped test otherwise).
built() {
    case " ${built[*]} " in *" $1 "*) return 0 ;; esac
    rv_skip "$1 runs" "$1.c did not build"
    return 1
}

# The Python below reads INPUT.e and INPUT.v and prints `id value` per vertex.
read_graph='
import sys
edges = [tuple(map(int, l.split()[:2])) for l in open(sys.argv[1] + ".e") if l.strip()]
ids = sorted({int(l.split()[0]) for l in open(sys.argv[1] + ".v") if l.strip()} | {v for e in edges for v in e})
'

# nearest_max: the largest id among the vertices within K hops upstream, by igraph.
expected_nearest_max() {
    "$PYTHON" -c "$read_graph"'
import igraph
index = {v: i for i, v in enumerate(ids)}
g = igraph.Graph(n=len(ids), edges=[(index[a], index[b]) for a, b in edges], directed=True)
for v, reach in zip(ids, g.neighborhood(order=int(sys.argv[2]), mode="in")):
    print(v, max(ids[i] for i in reach))
' "$@"
}

# smooth: the definition, iterated: ROUNDS at most, until no value moves TOLERANCE.
expected_smooth() {
    "$PYTHON" -c "$read_graph"'
rounds, tolerance = int(sys.argv[2]), float(sys.argv[3])
x = {v: float(v) for v in ids}
for r in range(1, rounds + 1):
    total, count = {}, {}
    for a, b in edges:
        total[b] = total.get(b, 0.0) + x[a]
        count[b] = count.get(b, 0) + 1
    nxt = dict(x)
    for v in count:
        nxt[v] = (x[v] + total[v]) / (1 + count[v])
    change = max((abs(nxt[v] - x[v]) for v in count), default=float("-inf"))
    x = nxt
    if change < tolerance:
        break
for v in ids:
    print(v, repr(x[v]))
' "$@"
}

# follow: the followees of followees, minus the vertex and its own followees.
expected_follow() {
    "$PYTHON" -c "$read_graph"'
follows = {v: set() for v in ids}
for a, b in edges:
    follows[a].add(b)
for v in ids:
    heard = set().union(*(follows[u] for u in follows[v]))
    print(v, len(heard - follows[v] - {v}))
' "$@"
}

# write_dataset INPUT: INPUT.properties for the directed graph INPUT.{e,v}.
write_dataset() {
    local name
    name=$(basename "$1")
    printf 'graph.%s.vertex-file = %s.v\ngraph.%s.edge-file = %s.e\ngraph.%s.directed = true\n' \
        "$name" "$name" "$name" "$name" "$name" > "$1.properties"
}

example=$RV_GRAPHALYTICS/example/example-directed
# A directed graph with reciprocal lines, a parallel line, a self-loop and an
# isolated vertex.
hand=$RV_TMP/hand
printf '1 2\n2 1\n2 3\n2 3\n3 4\n4 4\n4 1\n5 2\n5 3\n3 6\n6 7\n' > "$hand.e"
printf '1\n2\n3\n4\n5\n6\n7\n8\n' > "$hand.v"
write_dataset "$hand"
random=$RV_TMP/random
"$RV_ORACLE" gen --model powerlaw --vertices 400 --edges 2400 --seed 51 --isolated 3 \
    --edges-out "$random.e" --vertices-out "$random.v" > /dev/null 2>&1 || rv_bail "rv-oracle gen failed"
write_dataset "$random"

if built nearest_max; then
    for hops in 0 1 2; do
        expected_nearest_max "$example" "$hops" > "$RV_TMP/nearest_max.$hops" || rv_bail "the igraph oracle failed"
    done
    RV_NPS="1 3" check_both nearest_max "$RV_TMP/nearest_max.0" "$example" exact hops=0
    RV_NPS="2" check_both nearest_max "$RV_TMP/nearest_max.1" "$example" exact hops=1
    check_both nearest_max "$RV_TMP/nearest_max.2" "$example" exact hops=2
    status=0
    rv_mpirun 2 "$RIVULET" run "$src/nearest_max.so" "$example" --param hops=-1 > /dev/null 2> "$RV_TMP/hops.err" ||
        status=$?
    if [ "$status" = 2 ] && [ "$(cat "$RV_TMP/hops.err")" = "rivulet: error: --hops: must be 0 or more, not -1" ]; then
        rv_ok "nearest_max's configure() refuses --hops -1 in one line, exit status 2"
    else
        rv_not_ok "nearest_max's configure() refuses --hops -1 in one line, exit status 2" "exit status $status"
        rv_diag_file "$RV_TMP/hops.err"
    fi
fi

if built smooth; then
    # The defaults (100 rounds, tolerance 1e-6) stop on the tolerance, after 78 rounds.
    expected_smooth "$example" 100 1e-6 > "$RV_TMP/smooth.converged" || rv_bail "the Python reference failed"
    expected_smooth "$example" 100 0 > "$RV_TMP/smooth.100" || rv_bail "the Python reference failed"
    expected_smooth "$example" 3 0 > "$RV_TMP/smooth.3" || rv_bail "the Python reference failed"
    if ! cmp -s "$RV_TMP/smooth.converged" "$RV_TMP/smooth.100" && ! cmp -s "$RV_TMP/smooth.converged" "$RV_TMP/smooth.3"; then
        rv_ok "smooth: the tolerance and the round limit each change the answer (so both are tested)"
    else
        rv_not_ok "smooth: the tolerance and the round limit each change the answer (so both are tested)"
    fi
    check_both smooth "$RV_TMP/smooth.converged" "$example" epsilon
    RV_NPS="1 3" check_both smooth "$RV_TMP/smooth.3" "$example" epsilon rounds=3 tolerance=0
fi

if built follow; then
    for input in "$example" "$hand" "$random"; do
        expected="$RV_TMP/$(basename "$input").follow"
        expected_follow "$input" > "$expected" || rv_bail "the Python reference failed on $input"
        check_both follow "$expected" "$input" exact
    done
fi

rv_done
