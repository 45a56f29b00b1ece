#!/bin/bash
# library.sh — the library as a user meets it: only rv_ symbols exported, and a program built with plain cc through pkg-config (TAP).
#
# The examples are compiled with the system C compiler, not mpicc, against
# rivulet-uninstalled.pc: that proves rivulet.h needs no MPI headers and that
# `cc prog.c $(pkg-config --cflags --libs rivulet)` is all a user needs.
# examples/kcore.c and examples/triangles.c are built both ways a user builds them,
# as a program and with `cc -shared -fPIC` as a plug-in, and both must print
# python3-igraph's answer (tests/tools/examples_oracle.py).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

library=$RV_BUILDDIR/.libs/librivulet.so
if [ -f "$library" ]; then
    others=$(nm -D --defined-only "$library" | awk '{print $3}' | grep -v '^rv_[a-z]' || true)
    if [ -z "$others" ]; then
        rv_ok "librivulet.so exports only rv_ symbols"
    else
        rv_not_ok "librivulet.so exports only rv_ symbols" "also exported: $(echo "$others" | head -5 | tr '\n' ' ')"
    fi
    internal=$(nm -D --defined-only "$library" | awk '{print $3}' | grep '^rv__' || true)
    if [ -z "$internal" ]; then
        rv_ok "librivulet.so hides the internal rv__ symbols"
    else
        rv_not_ok "librivulet.so hides the internal rv__ symbols" "exported: $(echo "$internal" | head -5 | tr '\n' ' ')"
    fi
else
    rv_skip "librivulet.so exports only rv_ symbols" "no shared library was built"
fi

cc=${CC_FOR_USER:-cc}
# A library built with sanitizers needs their runtime in the program as well.
sanitize=${RV_SANITIZE_FLAGS:-}
export PKG_CONFIG_PATH=$RV_BUILDDIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
program=$RV_TMP/max_value_cc
# shellcheck disable=SC2046 # pkg-config prints a list of words on purpose
# shellcheck disable=SC2086 # the sanitizer flags are a list of words
if $cc -std=c11 -Wall -Wextra -Werror $sanitize "$RV_TOP_SRCDIR/examples/max_value.c" \
        $(pkg-config --cflags --libs rivulet-uninstalled) -o "$program" 2> "$RV_TMP/cc.err"; then
    rv_ok "examples/max_value.c builds with plain $cc and pkg-config"
    if rv_mpirun 2 "$program" "$RV_GRAPHALYTICS/example/example-undirected.e" --undirected > "$RV_TMP/out" 2> "$RV_TMP/err" &&
        [ "$(awk '$2 != 10' "$RV_TMP/out" | wc -l)" -eq 0 ] && [ "$(wc -l < "$RV_TMP/out")" -eq 9 ]; then
        rv_ok "the pkg-config build runs at np=2 (every vertex of the connected example reaches 10)"
    else
        rv_not_ok "the pkg-config build runs at np=2"
        rv_diag_file "$RV_TMP/err"
    fi
else
    rv_not_ok "examples/max_value.c builds with plain $cc and pkg-config"
    rv_diag_file "$RV_TMP/cc.err"
fi

# kcore and triangles, from one source each: a program, and a plug-in for rivulet run.
PYTHON=/usr/bin/python3
ORACLE="$RV_TOP_SRCDIR/tests/tools/examples_oracle.py"
graph=$RV_GRAPHALYTICS/example/example-directed
for spec in kcore:coreness triangles:triangles; do
    example=${spec%%:*}
    expected="$RV_TMP/$example.expected"
    "$PYTHON" "$ORACLE" "${spec#*:}" "$graph.e" "$graph.v" > "$expected" || rv_bail "the igraph oracle failed"
    # shellcheck disable=SC2046,SC2086 # word lists on purpose, as above
    for form in program plugin; do
        case $form in
        program) output=$RV_TMP/$example flags= ;;
        plugin) output=$RV_TMP/$example.so flags="-shared -fPIC" ;;
        esac
        desc="examples/$example.c builds as a ${form/plugin/plug-in} with plain $cc and pkg-config"
        if $cc -std=c11 -Wall -Wextra -Werror $flags $sanitize "$RV_TOP_SRCDIR/examples/$example.c" \
            $(pkg-config --cflags --libs rivulet-uninstalled) -o "$output" 2> "$RV_TMP/cc.err"; then
            rv_ok "$desc"
        else
            rv_not_ok "$desc"
            rv_diag_file "$RV_TMP/cc.err"
            continue
        fi
        out="$RV_TMP/$example.$form.out"
        desc="the $cc-built $example ${form/plugin/plug-in} prints igraph's answer at np=2"
        if [ $form = plugin ]; then
            rv_run_check "$desc" 2 "$out" "$output" "$graph" && rv_identical_check "$desc" "$expected" "$out"
        elif rv_mpirun 2 "$output" "$graph.e" --vertices "$graph.v" > "$out" 2> "$out.err"; then
            rv_identical_check "$desc" "$expected" "$out"
        else
            rv_not_ok "$desc" "$output exited with status $?"
            rv_diag_file "$out.err"
        fi
    done
done

rv_done
