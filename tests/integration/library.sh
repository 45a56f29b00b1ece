#!/bin/bash
# library.sh — the library as a user meets it: only rv_ symbols exported, and a program built with plain cc through pkg-config (TAP).
#
# The example is compiled with the system C compiler, not mpicc, against
# rivulet-uninstalled.pc: that proves rivulet.h needs no MPI headers and that
# `cc prog.c $(pkg-config --cflags --libs rivulet)` is all a user needs.

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

rv_done
