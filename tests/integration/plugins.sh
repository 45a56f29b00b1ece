#!/bin/bash
# plugins.sh — `rivulet run ./prog.so`: help, parameters, the refusals of bad plug-ins and bad parameters, and two jobs of one plug-in in one process (TAP).
#
# Every refusal must be one line on standard error, naming the problem, with exit
# status 2 (a usage error), at np=2 so that a rank that spoke twice would show:
#   * a plug-in file that does not exist, and a file that is not a shared object;
#   * a shared object without rivulet_plugin() (tests/plugins/no_entry.c);
#   * a plug-in built for another API version (tests/plugins/wrong_version.c, whose
#     entry claims RV_API_VERSION + 1 and returns a pointer that would crash if read);
#   * a plug-in whose entry returns no algorithm (tests/plugins/no_algorithm.c);
#   * --param with an unknown key, without '=', with an empty key, and with values
#     of the wrong type; a value the plug-in's configure() refuses;
#   * the same parameter mistakes given to the examples built as programs (rv_main).
# `rivulet run ./x.so --help` lists the plug-in's options. rv-plugin-jobs runs two
# jobs of the kcore plug-in at once, configured with different --k values, and both
# must match igraph: parameters travel in each program's user data, not in globals.
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rv_require_rivulet
PYTHON=/usr/bin/python3
ORACLE="$RV_TOP_SRCDIR/tests/tools/examples_oracle.py"
KCORE_SO=$RV_BUILDDIR/examples/plugins/.libs/kcore.so
TRIANGLES_SO=$RV_BUILDDIR/examples/plugins/.libs/triangles.so
BAD=$RV_BUILDDIR/tests/plugins/.libs
JOBS=$RV_BUILDDIR/tests/tools/rv-plugin-jobs
for file in "$KCORE_SO" "$TRIANGLES_SO" "$BAD/no_entry.so" "$BAD/wrong_version.so" "$BAD/no_algorithm.so" "$JOBS"; do
    [ -f "$file" ] || rv_bail "missing $file (run make check)"
done
GRAPH=$RV_GRAPHALYTICS/example/example-undirected

# check_refusal DESC EXPECTED_TEXT COMMAND...: COMMAND at np=2 must exit 2 with one
# line on standard error that contains EXPECTED_TEXT.
check_refusal() {
    local desc=$1 expected=$2
    shift 2
    local err="$RV_TMP/refusal.$RV_TAP_N.err" status=0
    rv_mpirun 2 "$@" > "$err.stdout" 2> "$err" || status=$?
    if [ "$status" = 2 ] && [ "$(wc -l < "$err")" -eq 1 ] && grep -qF -- "$expected" "$err"; then
        rv_ok "$desc"
    else
        rv_not_ok "$desc" "$* (np=2): exit status $status (wanted 2), stderr (wanted one line with: $expected):"
        rv_diag_file "$err"
    fi
}

# ---- help ------------------------------------------------------------------------

for plugin in "$KCORE_SO" "$TRIANGLES_SO"; do
    name=$(basename "$plugin" .so)
    option=k
    [ "$name" = triangles ] && option=expect-total
    help="$RV_TMP/$name.help"
    if rv_mpirun 2 "$RIVULET" run "$plugin" --help > "$help" 2>&1 && grep -q "^$name: " "$help" &&
        grep -q -- "--$option INT .*(default " "$help" && [ "$(grep -c "^usage: " "$help")" -eq 1 ]; then
        rv_ok "rivulet run $name.so --help lists its option --$option, once at np=2"
    else
        rv_not_ok "rivulet run $name.so --help lists its option --$option, once at np=2"
        rv_diag_file "$help"
    fi
done

# ---- shared objects that are not (usable) plug-ins ------------------------------------

check_refusal "a plug-in file that does not exist" \
    "cannot load plug-in '$RV_TMP/no-such.so': $RV_TMP/no-such.so: cannot open shared object file" \
    "$RIVULET" run "$RV_TMP/no-such.so" "$GRAPH"
printf 'not a shared object\n' > "$RV_TMP/text.so"
check_refusal "a plug-in file that is not a shared object" "cannot load plug-in '$RV_TMP/text.so'" \
    "$RIVULET" run "$RV_TMP/text.so" "$GRAPH"
check_refusal "a shared object without rivulet_plugin()" \
    "plug-in '$BAD/no_entry.so' exports no rivulet_plugin() (add RV_PLUGIN(your_algorithm) to it)" \
    "$RIVULET" run "$BAD/no_entry.so" "$GRAPH"
version=$(sed -n 's/^#define RV_API_VERSION \([0-9]*\).*/\1/p' "$RV_TOP_SRCDIR/src/rivulet.h")
check_refusal "a plug-in built for another API version" \
    "plug-in '$BAD/wrong_version.so' was built for API version $((version + 1)); this rivulet has API version $version" \
    "$RIVULET" run "$BAD/wrong_version.so" "$GRAPH"
check_refusal "a plug-in built for another API version, even with --help" "built for API version $((version + 1))" \
    "$RIVULET" run "$BAD/wrong_version.so" --help
check_refusal "a plug-in whose entry returns no algorithm" "plug-in '$BAD/no_algorithm.so' returned no algorithm" \
    "$RIVULET" run "$BAD/no_algorithm.so" "$GRAPH"

# ---- parameters --------------------------------------------------------------------

check_refusal "--param with an unknown key" "--param: kcore has no option 'depth' (see 'rivulet run kcore --help')" \
    "$RIVULET" run "$KCORE_SO" "$GRAPH" --param depth=3
check_refusal "--param without '='" "--param: expected KEY=VALUE, not 'k'" \
    "$RIVULET" run "$KCORE_SO" "$GRAPH" --param k
check_refusal "--param with an empty key" "--param: expected KEY=VALUE, not '=3'" \
    "$RIVULET" run "$KCORE_SO" "$GRAPH" --param =3
check_refusal "--param with a value of the wrong type (a fraction for an INT)" "--k: not an integer: '1.5'" \
    "$RIVULET" run "$KCORE_SO" "$GRAPH" --param k=1.5
check_refusal "--param with a value of the wrong type (a word for an INT)" "--expect-total: not an integer: 'many'" \
    "$RIVULET" run "$TRIANGLES_SO" "$GRAPH" --param expect-total=many
check_refusal "--param with an empty value" "--k: not an integer: ''" \
    "$RIVULET" run "$KCORE_SO" "$GRAPH" --param k=
check_refusal "a value the plug-in's configure() refuses" "--k: must be 0 or more, not -2" \
    "$RIVULET" run "$KCORE_SO" "$GRAPH" --param k=-2
check_refusal "a plug-in option given as --KEY VALUE is checked the same way" "--k: not an integer: 'x'" \
    "$RIVULET" run "$KCORE_SO" "$GRAPH" --k x

# The same mistakes made to the examples built as programs (rv_main).
check_refusal "program: an unknown option" "kcore: error: unknown option '--depth' for kcore (see --help)" \
    "$RV_BUILDDIR/examples/kcore" "$GRAPH.e" --depth 3
check_refusal "program: --param with an unknown key" "kcore: error: unknown option '--depth' for kcore" \
    "$RV_BUILDDIR/examples/kcore" "$GRAPH.e" --param depth=3
check_refusal "program: a malformed --param" "kcore: error: --param: expected KEY=VALUE, not 'k'" \
    "$RV_BUILDDIR/examples/kcore" "$GRAPH.e" --param k
check_refusal "program: a value of the wrong type" "triangles: error: --expect-total: not an integer: '2.5'" \
    "$RV_BUILDDIR/examples/triangles" "$GRAPH.e" --param expect-total=2.5
check_refusal "program: a value configure() refuses" "triangles: error: --expect-total: must be -1 or a count, not -5" \
    "$RV_BUILDDIR/examples/triangles" "$GRAPH.e" --expect-total -5
check_refusal "program: no edge file" "kcore: error: missing EDGE_FILE (see --help)" "$RV_BUILDDIR/examples/kcore"
check_refusal "program: a flag given a value" "kcore: error: option '--undirected' takes no value" \
    "$RV_BUILDDIR/examples/kcore" "$GRAPH.e" --undirected=yes

# --NAME=VALUE and --param=KEY=VALUE mean what --NAME VALUE does.
spelled="$RV_TMP/spelled"
if rv_mpirun 2 "$RV_BUILDDIR/examples/kcore" "$GRAPH.e" --k 1 --output "$spelled.a" > /dev/null 2>&1 &&
    rv_mpirun 2 "$RV_BUILDDIR/examples/kcore" "$GRAPH.e" --k=1 --output="$spelled.b" > /dev/null 2>&1 &&
    rv_mpirun 2 "$RV_BUILDDIR/examples/kcore" "$GRAPH.e" --param=k=1 --output "$spelled.c" > /dev/null 2>&1 &&
    cmp -s "$spelled.a" "$spelled.b" && cmp -s "$spelled.a" "$spelled.c"; then
    rv_ok "program: --k=1 and --param=k=1 give what --k 1 gives"
else
    rv_not_ok "program: --k=1 and --param=k=1 give what --k 1 gives"
fi

# A program's --help lists its options, once.
help="$RV_TMP/program.help"
if rv_mpirun 2 "$RV_BUILDDIR/examples/triangles" --help > "$help" 2>&1 && grep -q -- "--expect-total .*(default -1)" "$help" &&
    [ "$(grep -c "^usage: " "$help")" -eq 1 ]; then
    rv_ok "examples/triangles --help lists --expect-total, once at np=2"
else
    rv_not_ok "examples/triangles --help lists --expect-total, once at np=2"
    rv_diag_file "$help"
fi

# ---- two jobs of one plug-in, with different parameters, in one process --------------

"$RV_ORACLE" gen --model powerlaw --vertices 1500 --edges 9000 --undirected --seed 41 \
    --edges-out "$RV_TMP/two.e" --vertices-out "$RV_TMP/two.v" > /dev/null 2>&1 || rv_bail "rv-oracle gen failed"
"$PYTHON" "$ORACLE" coreness "$RV_TMP/two.e" > "$RV_TMP/two.coreness" || rv_bail "the igraph oracle failed"
"$PYTHON" "$ORACLE" kcore-member 5 "$RV_TMP/two.e" > "$RV_TMP/two.member5" || rv_bail "the igraph oracle failed"
for np in $RV_NPS; do
    status=0
    rv_mpirun "$np" "$JOBS" "$KCORE_SO" "$RV_TMP/two.e" "$RV_TMP/two.a.np$np" k=0 "$RV_TMP/two.b.np$np" k=5 \
        > /dev/null 2> "$RV_TMP/two.np$np.err" || status=$?
    if [ "$status" = 0 ]; then
        rv_identical_check "two kcore jobs at once, np=$np: the one with k=0 prints igraph's coreness" \
            "$RV_TMP/two.coreness" "$RV_TMP/two.a.np$np"
        rv_identical_check "two kcore jobs at once, np=$np: the one with k=5 prints igraph's 5-core membership" \
            "$RV_TMP/two.member5" "$RV_TMP/two.b.np$np"
    else
        rv_not_ok "two kcore jobs at once, np=$np" "rv-plugin-jobs exited $status:"
        rv_diag_file "$RV_TMP/two.np$np.err"
    fi
done

rv_done
