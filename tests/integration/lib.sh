# lib.sh — shared helpers for rivulet's integration tests (TAP output); sourced by the test scripts, not run.
#
# Environment (all optional):
#   RIVULET             the rivulet binary          (default $RV_BUILDDIR/rivulet)
#   RV_VALIDATE         the rv-validate binary      (default $RV_BUILDDIR/tests/tools/rv-validate)
#   RV_ORACLE           the rv-oracle binary        (default $RV_BUILDDIR/tests/tools/rv-oracle)
#   RV_BUILDDIR         top build directory         (default $top_builddir, else the current
#                                                    directory, where `make check` runs tests)
#   RV_TOP_SRCDIR       top source directory        (default $top_srcdir, else found from
#                                                    this file's location)
#   RV_SHARED_DATASETS  datasets directory          (default $RV_DATASETS, else
#                       $RV_TOP_SRCDIR/datasets); holds
#                       graphalytics/{example,test,matching}/, p2p-31/ and evlp/ (or
#                       real/p2p-31/ and real/evlp/, the layout of the team's shared copy)
#   RV_MPIRUN           mpirun command              (default $MPIRUN, else mpirun)
#   RV_MPIRUN_QUIET     1 (default) passes -q so Open MPI's multi-line banners about
#                       non-zero exits do not mix with rivulet's own stderr; 0 keeps them
#   RV_MPIRUN_FLAGS     extra mpirun flags, e.g. "--mca btl self,vader"
#   RV_TIMEOUT          seconds before one mpirun is killed (default 120)
#   RV_NPS              process counts to test      (default "1 2 3 4")
#   RV_KEEP_TMP         1 keeps the temporary directory and prints its path
#
# TAP: every check prints `ok N - ...` or `not ok N - ...` (with `# ` diagnostics
# under a failure); rv_done prints the plan `1..N` last, which automake's
# tap-driver.sh accepts.

set -u

# Makefile.am's AM_TESTS_ENVIRONMENT exports top_srcdir, top_builddir, RV_DATASETS
# and MPIRUN; the RV_* names below win when both are set.
RV_TOP_SRCDIR=${RV_TOP_SRCDIR:-${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}}
RV_BUILDDIR=${RV_BUILDDIR:-${top_builddir:-$PWD}}
RV_SHARED_DATASETS=${RV_SHARED_DATASETS:-${RV_DATASETS:-$RV_TOP_SRCDIR/datasets}}
RV_MPIRUN=${RV_MPIRUN:-${MPIRUN:-mpirun}}
RV_MPIRUN_QUIET=${RV_MPIRUN_QUIET:-1}
RV_MPIRUN_FLAGS=${RV_MPIRUN_FLAGS:-}
RV_TIMEOUT=${RV_TIMEOUT:-120}
RV_NPS=${RV_NPS:-1 2 3 4}

# Finds a tool: the environment variable's value if set, else the first of the
# candidate paths that is executable, else the first candidate (so the error names
# the expected place).
rv_find_tool() {
    local value=$1
    shift
    if [ -n "$value" ]; then
        printf '%s\n' "$value"
        return
    fi
    local candidate
    for candidate in "$@"; do
        if [ -x "$candidate" ]; then
            printf '%s\n' "$candidate"
            return
        fi
    done
    printf '%s\n' "$1"
}

RIVULET=$(rv_find_tool "${RIVULET:-}" "$RV_BUILDDIR/rivulet" "$RV_BUILDDIR/src/rivulet")
RV_VALIDATE=$(rv_find_tool "${RV_VALIDATE:-}" "$RV_BUILDDIR/tests/tools/rv-validate" "$RV_BUILDDIR/rv-validate")
RV_ORACLE=$(rv_find_tool "${RV_ORACLE:-}" "$RV_BUILDDIR/tests/tools/rv-oracle" "$RV_BUILDDIR/rv-oracle")

# The Graphalytics data, p2p-31 and the EVLP graphs, in the repository layout or the shared layout
# (used by the scripts that source this file).
# shellcheck disable=SC2034
RV_GRAPHALYTICS=$RV_SHARED_DATASETS/graphalytics
if [ -d "$RV_SHARED_DATASETS/p2p-31" ]; then
    RV_P2P31=$RV_SHARED_DATASETS/p2p-31
else
    # shellcheck disable=SC2034
    RV_P2P31=$RV_SHARED_DATASETS/real/p2p-31
fi
if [ -d "$RV_SHARED_DATASETS/evlp" ]; then
    RV_EVLP=$RV_SHARED_DATASETS/evlp
else
    # shellcheck disable=SC2034
    RV_EVLP=$RV_SHARED_DATASETS/real/evlp
fi

# rv_unpack DIR NAME DEST: copies DIR/NAME (or unpacks DIR/NAME.gz) to DEST; fails
# when neither exists.
rv_unpack() {
    if [ -f "$1/$2.gz" ]; then
        gzip -dc "$1/$2.gz" > "$3"
    elif [ -f "$1/$2" ]; then
        cp "$1/$2" "$3"
    else
        return 1
    fi
}

# ---- TAP ------------------------------------------------------------------------

RV_TAP_N=0
RV_TAP_FAILED=0

# rv_ok DESC: one passing test.
rv_ok() {
    RV_TAP_N=$((RV_TAP_N + 1))
    printf 'ok %d - %s\n' "$RV_TAP_N" "$1"
}

# rv_not_ok DESC [DIAGNOSTIC...]: one failing test; each further argument is
# printed as a `# ` diagnostic line.
rv_not_ok() {
    RV_TAP_N=$((RV_TAP_N + 1))
    RV_TAP_FAILED=$((RV_TAP_FAILED + 1))
    printf 'not ok %d - %s\n' "$RV_TAP_N" "$1"
    shift
    local line
    for line in "$@"; do
        printf '#   %s\n' "$line"
    done
}

# rv_skip DESC REASON
rv_skip() {
    RV_TAP_N=$((RV_TAP_N + 1))
    printf 'ok %d - %s # SKIP %s\n' "$RV_TAP_N" "$1" "$2"
}

# rv_diag_file FILE [MAX_LINES]: prints up to MAX_LINES (default 15) lines of FILE
# as TAP diagnostics.
rv_diag_file() {
    local file=$1 max=${2:-15}
    [ -s "$file" ] || return 0
    head -n "$max" -- "$file" | cut -c1-300 | sed 's/^/#     /'
    local total
    total=$(wc -l < "$file")
    if [ "$total" -gt "$max" ]; then
        printf '#     ... (%d lines in all)\n' "$total"
    fi
}

# rv_done: prints the plan and exits; the exit status is 0 because the TAP
# lines carry the verdict.
rv_done() {
    printf '1..%d\n' "$RV_TAP_N"
    if [ "$RV_TAP_FAILED" -gt 0 ]; then
        printf '# %d of %d failed\n' "$RV_TAP_FAILED" "$RV_TAP_N"
    fi
    exit 0
}

# rv_bail REASON: stops the whole script (tap-driver reports an error).
rv_bail() {
    printf 'Bail out! %s\n' "$1"
    exit 1
}

# rv_skip_all REASON: the script cannot run here; report it as skipped.
rv_skip_all() {
    printf '1..0 # SKIP %s\n' "$1"
    exit 0
}

# rv_require_rivulet / rv_require_validate / rv_require_oracle: bail out (or skip)
# when a binary is missing. A missing rivulet or rv-validate is an error; a
# missing rv-oracle (igraph not installed) skips.
rv_require_rivulet() {
    [ -x "$RIVULET" ] || rv_bail "rivulet binary not found at '$RIVULET' (set RIVULET)"
}
rv_require_validate() {
    [ -x "$RV_VALIDATE" ] || rv_bail "rv-validate not found at '$RV_VALIDATE' (set RV_VALIDATE)"
}
rv_require_oracle() {
    [ -x "$RV_ORACLE" ] || rv_skip_all "rv-oracle not built (needs igraph >= 0.10; set RV_ORACLE)"
}

# ---- Temporary directory ----------------------------------------------------------

RV_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rivulet-test.XXXXXX") || rv_bail "cannot create a temporary directory"
rv_cleanup() {
    if [ "${RV_KEEP_TMP:-0}" = 1 ]; then
        printf '# temporary files kept in %s\n' "$RV_TMP"
    else
        rm -rf -- "$RV_TMP"
    fi
}
trap rv_cleanup EXIT
trap 'exit 130' INT TERM

# ---- Running rivulet ---------------------------------------------------------------

# rv_mpirun NP COMMAND ARGS...: runs COMMAND on NP ranks under a timeout, allowing
# more ranks than cores. The run-as-root variables are set only when running as
# root. Returns mpirun's status (124 or 137 after a timeout).
rv_mpirun() {
    local np=$1
    shift
    local -a env_vars=()
    if [ "$(id -u)" = 0 ]; then
        env_vars=(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
    fi
    local -a quiet=()
    if [ "$RV_MPIRUN_QUIET" = 1 ]; then
        quiet=(-q)
    fi
    # shellcheck disable=SC2086 # RV_MPIRUN_FLAGS is a list of words on purpose
    env ${env_vars[@]+"${env_vars[@]}"} timeout -k 10 "$RV_TIMEOUT" \
        $RV_MPIRUN -np "$np" --oversubscribe ${quiet[@]+"${quiet[@]}"} $RV_MPIRUN_FLAGS "$@"
}

# rv_timed_out STATUS: whether an exit status means the timeout fired.
rv_timed_out() {
    [ "$1" = 124 ] || [ "$1" = 137 ]
}

# rv_run NP OUTPUT STDERR_FILE ARGS...: `rivulet run ARGS... --output OUTPUT --quiet`
# on NP ranks, stderr into STDERR_FILE, stdout into STDERR_FILE.stdout.
# Returns rivulet's status.
rv_run() {
    local np=$1 output=$2 errfile=$3
    shift 3
    rm -f -- "$output"
    rv_mpirun "$np" "$RIVULET" run "$@" --output "$output" --quiet > "$errfile.stdout" 2> "$errfile"
}

# rv_run_check DESC NP OUTPUT ARGS...: runs rivulet and records a failing test
# (returning 1) when it does not exit 0 or writes no output; returns 0 otherwise
# without printing anything, so the caller can go on to judge OUTPUT.
rv_run_check() {
    local desc=$1 np=$2 output=$3
    shift 3
    local errfile="$output.stderr" status=0
    rv_run "$np" "$output" "$errfile" "$@" || status=$?
    if [ "$status" != 0 ]; then
        local why="exit status $status"
        rv_timed_out "$status" && why="timed out after ${RV_TIMEOUT}s (status $status)"
        rv_not_ok "$desc" "rivulet run $* --output $output: $why" "stderr:"
        rv_diag_file "$errfile"
        return 1
    fi
    if [ ! -f "$output" ]; then
        rv_not_ok "$desc" "rivulet run $* exited 0 but wrote no $output"
        rv_diag_file "$errfile"
        return 1
    fi
    return 0
}

# rv_validate_check DESC VALIDATOR_ARGS...: one test that passes when rv-validate
# accepts; its report becomes the diagnostics otherwise.
rv_validate_check() {
    local desc=$1
    shift
    local report="$RV_TMP/validate.$RV_TAP_N.txt" status=0
    "$RV_VALIDATE" "$@" > "$report" 2>&1 || status=$?
    if [ "$status" = 0 ]; then
        rv_ok "$desc"
    else
        rv_not_ok "$desc" "rv-validate $* (exit $status):"
        rv_diag_file "$report" 14
    fi
}

# rv_identical_check DESC FILE1 FILE2: one test that passes when the files are
# byte-identical.
rv_identical_check() {
    local desc=$1 a=$2 b=$3
    if cmp -s -- "$a" "$b"; then
        rv_ok "$desc"
    else
        rv_not_ok "$desc" "$(cmp -- "$a" "$b" 2>&1 | head -n 1)" "first differing lines (diff $a $b):"
        diff -- "$a" "$b" | head -n 12 | sed 's/^/#     /'
    fi
}

# rv_prop FILE KEY: the value of `KEY = value` in a .properties file (trimmed),
# or nothing.
rv_prop() {
    sed -n "s/^[[:space:]]*$(printf '%s' "$2" | sed 's/[.[\*^$]/\\&/g')[[:space:]]*[=:][[:space:]]*//p" "$1" |
        sed 's/[[:space:]]*$//' | tail -n 1
}
