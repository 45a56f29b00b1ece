/* rv_validate.c — rv-validate: compares an algorithm output with an expected output under the Graphalytics validation rules.
 *
 * Usage: rv-validate [--epsilon E] [--sorted] RULE EXPECTED ACTUAL
 *
 * Both files hold one `id value` line per vertex (one space, no other columns; a
 * final line without '\n' and a '\r' before '\n' are accepted; blank lines are
 * skipped). Ids are signed 64-bit integers, as the Graphalytics validator reads them.
 *
 * Rules (Graphalytics, SPEC.md section 4), applied per vertex:
 *   exact        the two values are equal 64-bit integers (BFS, CDLP).
 *   epsilon      doubles r (expected) and s (actual) match when |r - s| <= E * |r|,
 *                E = 1e-4 unless --epsilon is given (PR, LCC, SSSP). So r = 0 needs
 *                s = 0 exactly, r = +inf needs s = +inf, and NaN matches nothing.
 *                inf, infinity, Infinity (any case, optional sign) are read as
 *                infinities. For the r >= 0 values Graphalytics produces, |r| is r.
 *                --epsilon 0 means exact equality of the doubles.
 *   equivalence  the values are labels (64-bit integers) and the two outputs must
 *                partition the vertices the same way: a vertex fails when some other
 *                vertex shares its expected label but not its actual label, or the
 *                reverse (WCC).
 *
 * Stricter than the Graphalytics validator: every vertex of EXPECTED must appear
 * exactly once in ACTUAL, so duplicated, missing and extra ids each fail (the LDBC
 * validator can miss a duplicate that replaces a missing vertex). With --sorted,
 * ACTUAL must also list its ids in strictly ascending order, as rivulet promises.
 * A duplicated id in EXPECTED is an error in the oracle, not in the output (exit 2).
 *
 * Prints one summary line (PASS or FAIL) and, on failure, up to 10 offending
 * vertices of each kind. Exit status: 0 pass, 1 fail, 2 usage, I/O or format error
 * (a malformed line is reported with file and line number).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_PASS = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };
enum { MAX_REPORTED = 10 };

typedef enum { RULE_EXACT, RULE_EPSILON, RULE_EQUIVALENCE } rule_kind;

/* One parsed line. The value text is kept (as a slice of the file buffer) so that
 * reports show exactly what the file says. */
typedef struct entry {
    int64_t id;
    union {
        int64_t i;
        double d;
    } value;
    const char *text; /* the value token, not NUL-terminated */
    int text_length;
    uint64_t line;
} entry;

/* A whole output file in memory. */
typedef struct output_file {
    const char *path;
    char *buffer;
    entry *entries;
    size_t n;
    bool ascending; /* ids strictly ascending in file order */
    uint64_t first_unordered_line;
} output_file;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rv-validate [--epsilon E] [--sorted] RULE EXPECTED ACTUAL\n"
            "  RULE       exact | epsilon | equivalence (Graphalytics validation rules)\n"
            "  --epsilon  relative tolerance of the epsilon rule (default 1e-4; 0 = equal)\n"
            "  --sorted   also require ACTUAL's ids to be strictly ascending\n"
            "exit status: 0 pass, 1 fail, 2 usage, I/O or format error\n");
}

/* Reads all of @p path into a NUL-terminated buffer. */
static char *read_all(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "rv-validate: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t capacity = 1 << 16, n = 0;
    char *buffer = malloc(capacity);
    while (buffer != NULL) {
        if (n + 1 >= capacity) {
            char *bigger = realloc(buffer, capacity * 2);
            if (bigger == NULL) {
                free(buffer);
                buffer = NULL;
                break;
            }
            buffer = bigger;
            capacity *= 2;
        }
        size_t got = fread(buffer + n, 1, capacity - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (buffer == NULL)
        fprintf(stderr, "rv-validate: %s: out of memory\n", path);
    else if (ferror(f)) {
        fprintf(stderr, "rv-validate: %s: read error\n", path);
        free(buffer);
        buffer = NULL;
    }
    fclose(f);
    if (buffer != NULL) {
        buffer[n] = '\0';
        *length = n;
    }
    return buffer;
}

/* Parses a whole token as a signed 64-bit decimal integer. */
static bool parse_int64(const char *text, int length, int64_t *out)
{
    char tmp[32];
    if (length <= 0 || length >= (int)sizeof tmp)
        return false;
    memcpy(tmp, text, (size_t)length);
    tmp[length] = '\0';
    for (int k = 0; k < length; k++)
        if (!((tmp[k] >= '0' && tmp[k] <= '9') || (k == 0 && (tmp[k] == '-' || tmp[k] == '+'))))
            return false;
    if (length == 1 && (tmp[0] == '-' || tmp[0] == '+'))
        return false;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(tmp, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = (int64_t)v;
    return true;
}

/* Parses a whole token as a double: anything strtod() reads, which includes
 * inf, infinity and nan in any case, with an optional sign. */
static bool parse_double(const char *text, int length, double *out)
{
    char tmp[512];
    if (length <= 0 || length >= (int)sizeof tmp)
        return false;
    memcpy(tmp, text, (size_t)length);
    tmp[length] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(tmp, &end);
    /* ERANGE on underflow still yields the nearest value, which is what a
     * subnormal in a file means; overflow to +-inf from a finite-looking token is
     * a format problem worth refusing. */
    if (end == tmp || *end != '\0')
        return false;
    if (errno == ERANGE && isinf(v))
        return false;
    *out = v;
    return true;
}

static int compare_entry_id(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    /* Keep file order among duplicates so reports name the first line first. */
    return x->line < y->line ? -1 : (x->line > y->line);
}

/* Loads and parses one output file. Returns false (after printing the reason) on an
 * I/O or format error. */
static bool load_output(const char *path, rule_kind rule, output_file *out)
{
    memset(out, 0, sizeof *out);
    out->path = path;
    out->ascending = true;
    size_t length = 0;
    out->buffer = read_all(path, &length);
    if (out->buffer == NULL)
        return false;
    size_t capacity = 1024;
    out->entries = malloc(capacity * sizeof *out->entries);
    if (out->entries == NULL) {
        fprintf(stderr, "rv-validate: %s: out of memory\n", path);
        return false;
    }
    const char *p = out->buffer, *end = out->buffer + length;
    uint64_t line = 0;
    while (p < end) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol != NULL ? eol + 1 : end;
        if (eol == NULL)
            eol = end;
        if (eol > p && eol[-1] == '\r')
            eol--;
        if (eol == p) { /* blank line */
            p = next;
            continue;
        }
        if (memchr(p, '\0', (size_t)(eol - p)) != NULL) {
            fprintf(stderr, "rv-validate: %s:%" PRIu64 ": NUL byte in line\n", path, line);
            return false;
        }
        const char *space = memchr(p, ' ', (size_t)(eol - p));
        if (space == NULL || space == p || space + 1 >= eol || memchr(space + 1, ' ', (size_t)(eol - space - 1)) != NULL ||
            memchr(p, '\t', (size_t)(eol - p)) != NULL) {
            fprintf(stderr, "rv-validate: %s:%" PRIu64 ": expected 'id value' separated by one space: '%.*s'\n", path,
                    line, (int)(eol - p > 80 ? 80 : eol - p), p);
            return false;
        }
        entry e;
        memset(&e, 0, sizeof e);
        e.line = line;
        e.text = space + 1;
        e.text_length = (int)(eol - space - 1);
        if (!parse_int64(p, (int)(space - p), &e.id)) {
            fprintf(stderr, "rv-validate: %s:%" PRIu64 ": vertex id is not a 64-bit integer: '%.*s'\n", path, line,
                    (int)(space - p > 40 ? 40 : space - p), p);
            return false;
        }
        bool ok = rule == RULE_EPSILON ? parse_double(e.text, e.text_length, &e.value.d)
                                       : parse_int64(e.text, e.text_length, &e.value.i);
        if (!ok) {
            fprintf(stderr, "rv-validate: %s:%" PRIu64 ": value is not %s: '%.*s'\n", path, line,
                    rule == RULE_EPSILON ? "a number" : "a 64-bit integer", e.text_length > 40 ? 40 : e.text_length,
                    e.text);
            return false;
        }
        if (out->n > 0 && out->ascending && e.id <= out->entries[out->n - 1].id) {
            out->ascending = false;
            out->first_unordered_line = line;
        }
        if (out->n == capacity) {
            entry *bigger = realloc(out->entries, 2 * capacity * sizeof *bigger);
            if (bigger == NULL) {
                fprintf(stderr, "rv-validate: %s: out of memory\n", path);
                return false;
            }
            out->entries = bigger;
            capacity *= 2;
        }
        out->entries[out->n++] = e;
        p = next;
    }
    qsort(out->entries, out->n, sizeof *out->entries, compare_entry_id);
    return true;
}

static void free_output(output_file *f)
{
    free(f->entries);
    free(f->buffer);
    f->entries = NULL;
    f->buffer = NULL;
}

/* Whether one vertex passes the exact or epsilon rule; *relative receives the
 * relative error for finite, non-zero r (else 0). */
static bool value_matches(rule_kind rule, double epsilon, const entry *expected, const entry *actual, double *relative)
{
    *relative = 0;
    if (rule == RULE_EXACT)
        return expected->value.i == actual->value.i;
    double r = expected->value.d, s = actual->value.d;
    if (isnan(r) || isnan(s))
        return false;
    if (isinf(r) || isinf(s))
        return r == s;
    double diff = fabs(r - s);
    if (r != 0)
        *relative = diff / fabs(r);
    return diff <= epsilon * fabs(r);
}

/* A pair of labels of one vertex, for the equivalence rule. */
typedef struct label_pair {
    int64_t key;   /* the label being grouped by */
    int64_t other; /* the label in the other file */
    size_t vertex; /* index into the matched-vertex arrays */
} label_pair;

static int compare_label_pair(const void *a, const void *b)
{
    const label_pair *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->other != y->other)
        return x->other < y->other ? -1 : 1;
    return x->vertex < y->vertex ? -1 : (x->vertex > y->vertex);
}

/* Marks in @p bad every vertex whose group (same key) has more than one distinct
 * "other" label. */
static void mark_split_groups(label_pair *pairs, size_t n, bool *bad)
{
    qsort(pairs, n, sizeof *pairs, compare_label_pair);
    size_t start = 0;
    while (start < n) {
        size_t stop = start + 1;
        while (stop < n && pairs[stop].key == pairs[start].key)
            stop++;
        if (pairs[stop - 1].other != pairs[start].other)
            for (size_t k = start; k < stop; k++)
                bad[pairs[k].vertex] = true;
        start = stop;
    }
}

static const char *rule_name(rule_kind rule)
{
    return rule == RULE_EXACT ? "exact" : rule == RULE_EPSILON ? "epsilon" : "equivalence";
}

int main(int argc, char **argv)
{
    double epsilon = 1e-4;
    bool want_sorted = false;
    const char *positional[3];
    int n_positional = 0;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--epsilon") == 0) {
            if (k + 1 >= argc) {
                fprintf(stderr, "rv-validate: --epsilon needs a value\n");
                return EXIT_USAGE;
            }
            char *end = NULL;
            errno = 0;
            epsilon = strtod(argv[++k], &end);
            if (errno != 0 || end == argv[k] || *end != '\0' || !(epsilon >= 0) || isinf(epsilon)) {
                fprintf(stderr, "rv-validate: --epsilon: not a finite non-negative number: '%s'\n", argv[k]);
                return EXIT_USAGE;
            }
        } else if (strcmp(argv[k], "--sorted") == 0) {
            want_sorted = true;
        } else if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
            usage(stdout);
            return EXIT_PASS;
        } else if (argv[k][0] == '-' && argv[k][1] != '\0') {
            fprintf(stderr, "rv-validate: unknown option '%s'\n", argv[k]);
            usage(stderr);
            return EXIT_USAGE;
        } else if (n_positional < 3) {
            positional[n_positional++] = argv[k];
        } else {
            fprintf(stderr, "rv-validate: too many arguments\n");
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (n_positional != 3) {
        usage(stderr);
        return EXIT_USAGE;
    }
    rule_kind rule;
    if (strcmp(positional[0], "exact") == 0)
        rule = RULE_EXACT;
    else if (strcmp(positional[0], "epsilon") == 0)
        rule = RULE_EPSILON;
    else if (strcmp(positional[0], "equivalence") == 0)
        rule = RULE_EQUIVALENCE;
    else {
        fprintf(stderr, "rv-validate: unknown rule '%s' (exact, epsilon or equivalence)\n", positional[0]);
        return EXIT_USAGE;
    }

    int status = EXIT_USAGE;
    output_file expected, actual;
    memset(&expected, 0, sizeof expected);
    memset(&actual, 0, sizeof actual);
    size_t *matched_e = NULL, *matched_a = NULL; /* indices of vertices present in both */
    entry **missing = NULL, **extra = NULL, **duplicate = NULL;
    bool *bad = NULL;
    label_pair *pairs = NULL;

    if (!load_output(positional[1], rule, &expected) || !load_output(positional[2], rule, &actual))
        goto done;
    for (size_t k = 1; k < expected.n; k++)
        if (expected.entries[k].id == expected.entries[k - 1].id) {
            fprintf(stderr, "rv-validate: %s:%" PRIu64 ": vertex %" PRId64 " listed again (first at line %" PRIu64 ")\n",
                    expected.path, expected.entries[k].line, expected.entries[k].id, expected.entries[k - 1].line);
            goto done;
        }

    size_t cap = expected.n + actual.n + 1;
    matched_e = malloc(cap * sizeof *matched_e);
    matched_a = malloc(cap * sizeof *matched_a);
    missing = malloc(cap * sizeof *missing);
    extra = malloc(cap * sizeof *extra);
    duplicate = malloc(cap * sizeof *duplicate);
    bad = calloc(cap, sizeof *bad);
    pairs = malloc(cap * sizeof *pairs);
    if (!matched_e || !matched_a || !missing || !extra || !duplicate || !bad || !pairs) {
        fprintf(stderr, "rv-validate: out of memory\n");
        goto done;
    }

    /* Merge the two id-sorted lists. */
    size_t n_matched = 0, n_missing = 0, n_extra = 0, n_duplicate = 0;
    size_t i = 0, j = 0;
    while (i < expected.n || j < actual.n) {
        if (j < actual.n && j > 0 && actual.entries[j].id == actual.entries[j - 1].id) {
            duplicate[n_duplicate++] = &actual.entries[j++];
        } else if (j >= actual.n || (i < expected.n && expected.entries[i].id < actual.entries[j].id)) {
            missing[n_missing++] = &expected.entries[i++];
        } else if (i >= expected.n || actual.entries[j].id < expected.entries[i].id) {
            extra[n_extra++] = &actual.entries[j++];
        } else {
            matched_e[n_matched] = i++;
            matched_a[n_matched] = j++;
            n_matched++;
        }
    }

    /* Judge the values of the vertices present in both. */
    size_t n_differ = 0;
    double max_relative = 0;
    if (rule == RULE_EQUIVALENCE) {
        for (size_t k = 0; k < n_matched; k++)
            pairs[k] = (label_pair){expected.entries[matched_e[k]].value.i, actual.entries[matched_a[k]].value.i, k};
        mark_split_groups(pairs, n_matched, bad);
        for (size_t k = 0; k < n_matched; k++)
            pairs[k] = (label_pair){actual.entries[matched_a[k]].value.i, expected.entries[matched_e[k]].value.i, k};
        mark_split_groups(pairs, n_matched, bad);
        for (size_t k = 0; k < n_matched; k++)
            n_differ += bad[k];
    } else {
        for (size_t k = 0; k < n_matched; k++) {
            double relative = 0;
            bad[k] = !value_matches(rule, epsilon, &expected.entries[matched_e[k]], &actual.entries[matched_a[k]],
                                    &relative);
            n_differ += bad[k];
            if (!bad[k] && relative > max_relative)
                max_relative = relative;
        }
    }

    bool unordered = want_sorted && !actual.ascending;
    bool pass = n_differ == 0 && n_missing == 0 && n_extra == 0 && n_duplicate == 0 && !unordered;
    printf("%s %s: %zu expected vertices, %zu in actual; %zu differ, %zu missing, %zu extra, %zu duplicated",
           pass ? "PASS" : "FAIL", rule_name(rule), expected.n, actual.n, n_differ, n_missing, n_extra, n_duplicate);
    if (rule == RULE_EPSILON)
        printf(" (epsilon %g, largest passing relative error %.3g)", epsilon, max_relative);
    if (want_sorted)
        printf("; ids %s", actual.ascending ? "ascending" : "NOT ascending");
    printf(" [%s vs %s]\n", expected.path, actual.path);

    size_t shown = 0;
    for (size_t k = 0; k < n_matched && shown < MAX_REPORTED; k++) {
        if (!bad[k])
            continue;
        const entry *e = &expected.entries[matched_e[k]], *a = &actual.entries[matched_a[k]];
        printf("  vertex %" PRId64 ": expected %.*s, actual %.*s (%s line %" PRIu64 ")", e->id, e->text_length, e->text,
               a->text_length, a->text, actual.path, a->line);
        if (rule == RULE_EPSILON && isfinite(e->value.d) && isfinite(a->value.d) && e->value.d != 0)
            printf(", relative error %.3g", fabs(e->value.d - a->value.d) / fabs(e->value.d));
        if (rule == RULE_EQUIVALENCE)
            printf(", partition differs");
        printf("\n");
        shown++;
    }
    for (size_t k = 0; k < n_missing && k < MAX_REPORTED; k++)
        printf("  vertex %" PRId64 ": missing from %s (expected %.*s)\n", missing[k]->id, actual.path,
               missing[k]->text_length, missing[k]->text);
    for (size_t k = 0; k < n_extra && k < MAX_REPORTED; k++)
        printf("  vertex %" PRId64 ": not expected, but %s line %" PRIu64 " lists it\n", extra[k]->id, actual.path,
               extra[k]->line);
    for (size_t k = 0; k < n_duplicate && k < MAX_REPORTED; k++)
        printf("  vertex %" PRId64 ": listed again at %s line %" PRIu64 "\n", duplicate[k]->id, actual.path,
               duplicate[k]->line);
    if (unordered)
        printf("  ids not strictly ascending from %s line %" PRIu64 "\n", actual.path, actual.first_unordered_line);
    status = pass ? EXIT_PASS : EXIT_FAILED;

done:
    free(pairs);
    free(bad);
    free(duplicate);
    free(extra);
    free(missing);
    free(matched_a);
    free(matched_e);
    free_output(&actual);
    free_output(&expected);
    return status;
}
