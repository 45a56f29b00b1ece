#!/bin/bash
# matching.sh — tests rv-validate itself: LDBC's matching/ fixtures (actual1 must pass, actual2 must fail) and the stricter checks we added (TAP).
#
# Needs only rv-validate (no MPI, no rivulet). Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rv_require_validate

matching="$RV_GRAPHALYTICS/matching"
[ -d "$matching" ] || rv_bail "missing $matching (set RV_SHARED_DATASETS)"

# expect_status DESC WANTED_STATUS VALIDATOR_ARGS...
expect_status() {
    local desc=$1 wanted=$2
    shift 2
    local report="$RV_TMP/report.$RV_TAP_N" status=0
    "$RV_VALIDATE" "$@" > "$report" 2>&1 || status=$?
    if [ "$status" = "$wanted" ]; then
        rv_ok "$desc"
    else
        rv_not_ok "$desc" "rv-validate $*: exit $status, wanted $wanted"
        rv_diag_file "$report"
    fi
}

# LDBC's fixtures for the three rules.
for rule in exact epsilon equivalence; do
    expect_status "$rule: ${rule}_actual1.csv passes" 0 "$rule" "$matching/${rule}_expected.csv" "$matching/${rule}_actual1.csv"
    expect_status "$rule: ${rule}_actual2.csv fails" 1 "$rule" "$matching/${rule}_expected.csv" "$matching/${rule}_actual2.csv"
done

# Our stricter rules, on small hand-made files.
t="$RV_TMP"
printf '1 0\n2 0.3\n3 infinity\n4 1e-05\n' > "$t/expected"

printf '1 0\n2 0.30002\n3 Infinity\n4 1.00009e-05\n' > "$t/within"
expect_status "epsilon: relative error <= 1e-4, zero exact, Infinity for infinity passes" 0 epsilon "$t/expected" "$t/within"
printf '1 0\n2 0.30004\n3 inf\n4 1e-05\n' > "$t/outside"
expect_status "epsilon: relative error 1.3e-4 fails" 1 epsilon "$t/expected" "$t/outside"
printf '1 1e-300\n2 0.3\n3 INF\n4 1e-05\n' > "$t/nonzero"
expect_status "epsilon: expected 0 needs exactly 0" 1 epsilon "$t/expected" "$t/nonzero"
printf '1 0\n2 0.3\n3 1.7976931348623157e308\n4 1e-05\n' > "$t/finite"
expect_status "epsilon: expected infinity needs infinity" 1 epsilon "$t/expected" "$t/finite"
printf '1 0\n2 0.3\n3 infinity\n4 1.0000000001e-05\n' > "$t/tiny"
expect_status "epsilon: 1e-10 relative error passes the default rule" 0 epsilon "$t/expected" "$t/tiny"
expect_status "epsilon: 1e-10 relative error fails --epsilon 1e-12" 1 --epsilon 1e-12 epsilon "$t/expected" "$t/tiny"
expect_status "epsilon: --epsilon 0 accepts identical values" 0 --epsilon 0 epsilon "$t/expected" "$t/expected"
printf '1 0\n2 nan\n3 infinity\n4 1e-05\n' > "$t/nan"
expect_status "epsilon: NaN never matches" 1 epsilon "$t/expected" "$t/nan"

printf '1 0\n1 0\n3 infinity\n4 1e-05\n' > "$t/dup-replaces-missing"
expect_status "a duplicated vertex that replaces a missing one fails (LDBC's validator misses this)" 1 \
    epsilon "$t/expected" "$t/dup-replaces-missing"
printf '1 0\n2 0.3\n3 infinity\n' > "$t/missing"
expect_status "a missing vertex fails" 1 epsilon "$t/expected" "$t/missing"
printf '1 0\n2 0.3\n3 infinity\n4 1e-05\n5 1\n' > "$t/extra"
expect_status "an extra vertex fails" 1 epsilon "$t/expected" "$t/extra"
printf '2 0.3\n1 0\n3 infinity\n4 1e-05\n' > "$t/unsorted"
expect_status "ids out of order pass without --sorted" 0 epsilon "$t/expected" "$t/unsorted"
expect_status "ids out of order fail with --sorted" 1 --sorted epsilon "$t/expected" "$t/unsorted"

printf '1 0\n2  0.3\n3 infinity\n4 1e-05\n' > "$t/two-spaces"
expect_status "two spaces between id and value is a format error (exit 2)" 2 epsilon "$t/expected" "$t/two-spaces"
printf '1 0\n2 0.3 7\n3 infinity\n4 1e-05\n' > "$t/three-columns"
expect_status "a third column is a format error (exit 2)" 2 epsilon "$t/expected" "$t/three-columns"
expect_status "an unreadable file is exit 2" 2 epsilon "$t/expected" "$t/does-not-exist"
expect_status "an unknown rule is exit 2" 2 nearly "$t/expected" "$t/expected"
printf '1 0\n2 0.3\n2 0.3\n' > "$t/dup-expected"
expect_status "a duplicate in EXPECTED is exit 2" 2 epsilon "$t/dup-expected" "$t/expected"

printf '1 5\n2 5\n3 7\n4 9\n' > "$t/labels"
printf '1 70\n2 70\n3 -1\n4 9223372036854775807\n' > "$t/relabelled"
expect_status "equivalence: same partition under other labels passes" 0 equivalence "$t/labels" "$t/relabelled"
printf '1 70\n2 70\n3 70\n4 9\n' > "$t/merged"
expect_status "equivalence: two components merged fails" 1 equivalence "$t/labels" "$t/merged"
printf '1 70\n2 71\n3 7\n4 9\n' > "$t/split"
expect_status "equivalence: one component split fails" 1 equivalence "$t/labels" "$t/split"
printf '1 5\n2 5\n3 7\n4 9223372036854775807\n' > "$t/exact-max"
printf '1 5\n2 5\n3 7\n4 9223372036854775806\n' > "$t/exact-max-1"
expect_status "exact: INT64_MAX matches itself" 0 exact "$t/exact-max" "$t/exact-max"
expect_status "exact: INT64_MAX - 1 does not match INT64_MAX" 1 exact "$t/exact-max" "$t/exact-max-1"

rv_done
