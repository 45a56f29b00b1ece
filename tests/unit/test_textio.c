/* test_textio.c — unit tests of io/textio.h: range reader, scanners, edge and vertex parsers. */
#define _POSIX_C_SOURCE 200809L

#include "io/textio.h"

#include "rivulet.h"
#include "suite.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- Helpers ------------------------------------------------------------------- */

/* xorshift64*: each test owns its generator, seeded explicitly, so failures replay. */
typedef struct rng {
    uint64_t state;
} rng;

static uint64_t rng_next(rng *r)
{
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * UINT64_C(2685821657736338717);
}

static size_t rng_below(rng *r, size_t n)
{
    return (size_t)(rng_next(r) % n);
}

typedef struct temp_dir {
    char path[64];
} temp_dir;

static void temp_dir_make(temp_dir *dir)
{
    snprintf(dir->path, sizeof dir->path, "/tmp/rv_test_textio_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir->path) != NULL);
}

/* Removes the files this test wrote (named f0, f1, ... by temp_file_write) and the directory. */
static void temp_dir_remove(temp_dir *dir, int n_files)
{
    char path[128];
    for (int i = 0; i < n_files; i++) {
        snprintf(path, sizeof path, "%s/f%d", dir->path, i);
        unlink(path);
    }
    CU_ASSERT(rmdir(dir->path) == 0);
}

static void temp_file_write(const temp_dir *dir, int index, const char *data, size_t length, char *path,
                            size_t capacity)
{
    snprintf(path, capacity, "%s/f%d", dir->path, index);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_FATAL(length == 0 || fwrite(data, 1, length, f) == length);
    CU_ASSERT_FATAL(fclose(f) == 0);
}

/* Reads all blocks of a part into one malloc'ed buffer, checking block invariants. */
static char *read_part(const char *path, int part, int n_parts, size_t block_bytes, size_t *length,
                       uint64_t *part_bytes)
{
    rv__range_reader *reader = NULL;
    char error[256] = "";
    int status = rv__range_reader_open(path, part, n_parts, block_bytes, &reader, error, sizeof error);
    CU_ASSERT_EQUAL_FATAL(status, RV_OK);
    *part_bytes = rv__range_reader_part_bytes(reader);

    size_t used = 0, capacity = 64;
    char *all = malloc(capacity);
    CU_ASSERT_FATAL(all != NULL);
    for (;;) {
        const char *text;
        size_t n;
        status = rv__range_reader_next(reader, &text, &n, error, sizeof error);
        CU_ASSERT_EQUAL_FATAL(status, RV_OK);
        if (n == 0)
            break;
        CU_ASSERT(text[n - 1] == '\n');
        /* A block holds at most block_bytes (plus a supplied '\n'), unless its first
         * line is longer than that; then at most twice that line. */
        if (n > block_bytes + 1) {
            const char *nl = memchr(text, '\n', n);
            CU_ASSERT((size_t)(nl - text) >= block_bytes);
            CU_ASSERT(n <= 2 * (size_t)(nl - text + 1) + 1);
        }
        while (used + n > capacity)
            capacity *= 2;
        all = realloc(all, capacity);
        CU_ASSERT_FATAL(all != NULL);
        memcpy(all + used, text, n);
        used += n;
    }
    /* The end is sticky. */
    const char *text;
    size_t n = 1;
    CU_ASSERT_EQUAL(rv__range_reader_next(reader, &text, &n, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(n, 0);
    rv__range_reader_close(&reader);
    CU_ASSERT(reader == NULL);
    *length = used;
    return all;
}

/* The lines of part k of n by the definition, straight from the whole file: lines
 * starting in [k*size/n, (k+1)*size/n), with a '\n' supplied on the last line. */
static char *expected_part(const char *data, size_t size, int k, int n, size_t *length)
{
    size_t lo = (size_t)k * size / (size_t)n, hi = (size_t)(k + 1) * size / (size_t)n;
    char *out = malloc(size + 2);
    size_t used = 0;
    CU_ASSERT_FATAL(out != NULL);
    for (size_t start = 0; start < size;) {
        const char *nl = memchr(data + start, '\n', size - start);
        size_t stop = nl == NULL ? size : (size_t)(nl - data) + 1;
        if (start >= lo && start < hi) {
            memcpy(out + used, data + start, stop - start);
            used += stop - start;
            if (nl == NULL)
                out[used++] = '\n';
        }
        start = stop;
    }
    *length = used;
    return out;
}

static uint64_t count_lines(const char *text, size_t length)
{
    uint64_t n = 0;
    for (size_t i = 0; i < length; i++)
        n += text[i] == '\n';
    return n;
}

/* Random file contents: short and long lines, blank lines, '\r', maybe no final newline. */
static char *random_file(rng *r, size_t *size)
{
    size_t n_lines = rng_below(r, 8) == 0 ? rng_below(r, 4) : rng_below(r, 60);
    size_t capacity = 64, used = 0;
    char *data = malloc(capacity);
    CU_ASSERT_FATAL(data != NULL);
    for (size_t i = 0; i < n_lines; i++) {
        size_t kind = rng_below(r, 20);
        size_t len = kind == 0 ? 0 : kind == 1 ? 200 + rng_below(r, 3000) : rng_below(r, 30);
        while (used + len + 2 > capacity)
            capacity *= 2;
        data = realloc(data, capacity);
        CU_ASSERT_FATAL(data != NULL);
        for (size_t j = 0; j < len; j++)
            data[used++] = rng_below(r, 16) == 0 ? '\r' : (char)('a' + rng_below(r, 26));
        data[used++] = '\n';
    }
    if (used > 0 && rng_below(r, 3) == 0)
        used--; /* no final newline; the line before may be empty, leaving "...\n" + "" */
    if (rng_below(r, 10) == 0) {
        /* a last line without '\n' that is not empty */
        while (used + 10 > capacity)
            capacity *= 2;
        data = realloc(data, capacity);
        CU_ASSERT_FATAL(data != NULL);
        memcpy(data + used, "tail", 4);
        used += 4;
    }
    *size = used;
    return data;
}

/* ---- Range reader -------------------------------------------------------------- */

/* Every part holds exactly the lines the definition gives it, for n = 1..7 and
 * block sizes from 1 byte (every line "too long") to larger than the file. */
static void check_file_split(const temp_dir *dir, int index, const char *data, size_t size)
{
    static const size_t block_sizes[] = {1, 2, 3, 7, 64, 1000, 1 << 20};
    char path[128];
    temp_file_write(dir, index, data, size, path, sizeof path);
    for (int n = 1; n <= 7; n++) {
        for (size_t b = 0; b < sizeof block_sizes / sizeof *block_sizes; b++) {
            uint64_t total_bytes = 0;
            for (int k = 0; k < n; k++) {
                size_t got_length, want_length;
                uint64_t part_bytes;
                char *got = read_part(path, k, n, block_sizes[b], &got_length, &part_bytes);
                char *want = expected_part(data, size, k, n, &want_length);
                CU_ASSERT_EQUAL(got_length, want_length);
                CU_ASSERT(got_length == want_length && memcmp(got, want, got_length) == 0);
                /* part_bytes is file bytes: the supplied final '\n' is not among them. */
                CU_ASSERT(part_bytes == got_length || part_bytes + 1 == got_length);
                total_bytes += part_bytes;
                free(got);
                free(want);
            }
            CU_ASSERT_EQUAL(total_bytes, size);
        }
    }
}

static void test_range_reader_fixed_files(void)
{
    static const char *const files[] = {
        "",         "\n",         "\n\n\n",         "a",           "ab\n",     "a\nb",
        "a\nb\n",   "\n\nx",      "x\n\n",          "one line\r\n", "1 2\n3 4\n5 6\n7 8\n9 10\n",
        "abcdefghijklmnopqrstuvwxyz\nshort\n" /* longer than several blocks */,
    };
    temp_dir dir;
    int n_files = (int)(sizeof files / sizeof *files);
    temp_dir_make(&dir);
    for (int i = 0; i < n_files; i++)
        check_file_split(&dir, i, files[i], strlen(files[i]));
    temp_dir_remove(&dir, n_files);
}

static void test_range_reader_random_files(void)
{
    rng r = {UINT64_C(0x9e3779b97f4a7c15)};
    temp_dir dir;
    const int n_files = 150;
    temp_dir_make(&dir);
    for (int i = 0; i < n_files; i++) {
        size_t size;
        char *data = random_file(&r, &size);
        check_file_split(&dir, i, data, size);
        free(data);
    }
    temp_dir_remove(&dir, n_files);
}

/* A part whose range falls inside one long line is empty, and the line goes to the
 * part where it starts. */
static void test_range_reader_small_file_many_parts(void)
{
    temp_dir dir;
    char path[128];
    temp_dir_make(&dir);
    temp_file_write(&dir, 0, "ab\n", 3, path, sizeof path);
    int non_empty = 0;
    for (int k = 0; k < 7; k++) {
        size_t length;
        uint64_t part_bytes;
        char *text = read_part(path, k, 7, 16, &length, &part_bytes);
        if (length > 0) {
            /* The ranges [k*3/7, (k+1)*3/7) put byte 0 in part 2 (parts 0 and 1 are empty). */
            non_empty++;
            CU_ASSERT_EQUAL(k, 2);
            CU_ASSERT(length == 3 && memcmp(text, "ab\n", 3) == 0);
        }
        free(text);
    }
    CU_ASSERT_EQUAL(non_empty, 1);

    /* "a\nb\n" in 4 parts: offsets 0,1,2,3. Part 2 starts at byte 2, just after '\n'. */
    temp_file_write(&dir, 1, "a\nb\n", 4, path, sizeof path);
    for (int k = 0; k < 4; k++) {
        size_t length;
        uint64_t part_bytes;
        char *text = read_part(path, k, 4, 16, &length, &part_bytes);
        const char *want = k == 0 ? "a\n" : k == 2 ? "b\n" : "";
        CU_ASSERT(length == strlen(want) && memcmp(text, want, length) == 0);
        free(text);
    }
    temp_dir_remove(&dir, 2);
}

static void test_range_reader_count_remaining(void)
{
    rng r = {12345};
    temp_dir dir;
    const int n_files = 40;
    char path[128], error[256];
    temp_dir_make(&dir);
    for (int i = 0; i < n_files; i++) {
        size_t size;
        char *data = random_file(&r, &size);
        temp_file_write(&dir, i, data, size, path, sizeof path);
        for (int n = 1; n <= 4; n++) {
            for (int k = 0; k < n; k++) {
                size_t want_length;
                char *want = expected_part(data, size, k, n, &want_length);
                uint64_t want_lines = count_lines(want, want_length);
                free(want);
                /* Stop after j blocks (j = 0, 1, 2, 3), then count the rest. */
                for (int j = 0; j < 4; j++) {
                    rv__range_reader *reader;
                    uint64_t seen = 0, rest = 99;
                    size_t block = 1 + rng_below(&r, 40);
                    CU_ASSERT_EQUAL_FATAL(rv__range_reader_open(path, k, n, block, &reader, error, sizeof error),
                                          RV_OK);
                    for (int b = 0; b < j; b++) {
                        const char *text;
                        size_t length;
                        CU_ASSERT_EQUAL(rv__range_reader_next(reader, &text, &length, error, sizeof error), RV_OK);
                        seen += count_lines(text, length);
                    }
                    CU_ASSERT_EQUAL(rv__range_reader_count_remaining_lines(reader, &rest, error, sizeof error),
                                    RV_OK);
                    CU_ASSERT_EQUAL(seen + rest, want_lines);
                    /* Counting uses the part up. */
                    const char *text;
                    size_t length = 1;
                    CU_ASSERT_EQUAL(rv__range_reader_next(reader, &text, &length, error, sizeof error), RV_OK);
                    CU_ASSERT_EQUAL(length, 0);
                    CU_ASSERT_EQUAL(rv__range_reader_count_remaining_lines(reader, &rest, error, sizeof error),
                                    RV_OK);
                    CU_ASSERT_EQUAL(rest, 0);
                    rv__range_reader_close(&reader);
                }
            }
        }
        free(data);
    }
    temp_dir_remove(&dir, n_files);
}

static void test_range_reader_errors(void)
{
    temp_dir dir;
    char path[128], error[256], want[256];
    rv__range_reader *reader = (rv__range_reader *)&reader; /* must be set to NULL */
    temp_dir_make(&dir);

    snprintf(path, sizeof path, "%s/missing", dir.path);
    CU_ASSERT_EQUAL(rv__range_reader_open(path, 0, 1, 64, &reader, error, sizeof error), RV_EIO);
    CU_ASSERT_PTR_NULL(reader);
    snprintf(want, sizeof want, "cannot open '%s': %s", path, strerror(ENOENT));
    CU_ASSERT_STRING_EQUAL(error, want);

    CU_ASSERT_EQUAL(rv__range_reader_open(dir.path, 0, 1, 64, &reader, error, sizeof error), RV_EIO);
    snprintf(want, sizeof want, "cannot open '%s': %s", dir.path, strerror(EISDIR));
    CU_ASSERT_STRING_EQUAL(error, want);

    temp_file_write(&dir, 0, "1 2\n", 4, path, sizeof path);
    CU_ASSERT(chmod(path, 0) == 0);
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        close(fd); /* running as root: permissions do not apply, nothing to test */
    } else {
        CU_ASSERT_EQUAL(rv__range_reader_open(path, 0, 1, 64, &reader, error, sizeof error), RV_EIO);
        snprintf(want, sizeof want, "cannot open '%s': %s", path, strerror(EACCES));
        CU_ASSERT_STRING_EQUAL(error, want);
    }
    CU_ASSERT(chmod(path, 0600) == 0);

    /* Bad arguments; and a NULL error buffer is allowed. */
    CU_ASSERT_EQUAL(rv__range_reader_open(path, 1, 1, 64, &reader, error, sizeof error), RV_EINVAL);
    CU_ASSERT_EQUAL(rv__range_reader_open(path, -1, 2, 64, &reader, NULL, 0), RV_EINVAL);
    CU_ASSERT_EQUAL(rv__range_reader_open(path, 0, 0, 64, &reader, NULL, 0), RV_EINVAL);
    CU_ASSERT_EQUAL(rv__range_reader_open(path, 0, 1, 0, &reader, NULL, 0), RV_EINVAL);
    CU_ASSERT_PTR_NULL(reader);

    rv__range_reader_close(&reader); /* NULL is fine */
    rv__range_reader_close(NULL);
    temp_dir_remove(&dir, 1);
}

/* ---- Scanners ------------------------------------------------------------------ */

static void test_scan_id(void)
{
    static const struct {
        const char *text;
        bool ok;
        uint64_t value;
        size_t used;
    } cases[] = {
        {"0", true, 0, 1},
        {"7 8", true, 7, 1},
        {"1234567\n", true, 1234567, 7},
        {"9223372036854775807", true, UINT64_C(9223372036854775807), 19},
        {"9223372036854775808", false, 0, 0},
        {"9223372036854775810", false, 0, 0},
        {"18446744073709551615", false, 0, 0},
        {"18446744073709551616", false, 0, 0},
        {"99999999999999999999999999", false, 0, 0},
        {"0000000000000000000000000042", true, 42, 28},
        {"000009223372036854775807", true, UINT64_C(9223372036854775807), 24},
        {"000009223372036854775808", false, 0, 0},
        {"999999999999999999", true, UINT64_C(999999999999999999), 18},
        {"1000000000000000000", true, UINT64_C(1000000000000000000), 19},
        {"", false, 0, 0},
        {"-1", false, 0, 0},
        {"+1", false, 0, 0},
        {" 1", false, 0, 0},
        {"x1", false, 0, 0},
        {"12ab", true, 12, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *p = cases[i].text;
        uint64_t v = 12345;
        bool ok = rv__scan_id(&p, p + strlen(p), &v);
        CU_ASSERT_EQUAL(ok, cases[i].ok);
        CU_ASSERT_EQUAL((size_t)(p - cases[i].text), cases[i].used);
        if (cases[i].ok)
            CU_ASSERT_EQUAL(v, cases[i].value);
    }
    /* The end bound is respected. */
    const char *text = "123456", *p = text;
    uint64_t v;
    CU_ASSERT(rv__scan_id(&p, text + 3, &v));
    CU_ASSERT_EQUAL(v, 123);
    CU_ASSERT_EQUAL(p, text + 3);
}

static bool same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b) && !signbit(a) == !signbit(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

/* scan_double consumes exactly what strtod consumes and gives the same bits. */
static void check_like_strtod(const char *text)
{
    size_t length = strlen(text);
    char *end_strtod;
    double want = strtod(text, &end_strtod), got = -12345;
    const char *p = text;
    bool ok = rv__scan_double(&p, text + length, &got);
    if (end_strtod == text) {
        CU_ASSERT(!ok);
        CU_ASSERT_EQUAL(p, text);
    } else {
        CU_ASSERT(ok);
        CU_ASSERT_EQUAL(p, end_strtod);
        CU_ASSERT(same_double(got, want));
        if (!ok || p != end_strtod || !same_double(got, want))
            fprintf(stderr, "\nscan_double('%s'): %.17g, strtod %.17g\n", text, got, want);
    }
}

static void test_scan_double_cases(void)
{
    static const char *const cases[] = {
        "0", "-0", "+0", "1", "7", "-1", "0.5", "1.5e3", "1e-3", ".25", "5.", "-.5", "1e", "1e+", "1e-",
        "1.e5", ".e5", ".", "-", "+", "e5", "0.1", "0.2", "0.3", "123456789012345", "9007199254740992",
        "9007199254740993", "9007199254740993.0", "18446744073709551615", "18446744073709551616",
        "123456789012345678901234567890", "1e22", "1e23", "1e-22", "1e-23", "4.9e-324", "2.4e-324",
        "2.5e-324", "1e-400", "1e400", "-1e400", "1.7976931348623157e308", "1.7976931348623159e308",
        "2.2250738585072014e-308", "2.2250738585072011e-308", "0.000000000000000000000000000001",
        "0e999999999999", "1e-999999999999", "1E5", "3.14159265358979323846264338327950288",
        "inf", "INF", "-inf", "+Inf", "infinity", "-Infinity", "INFINITY", "infin", "infinityx", "nan",
        "NaN", "-nan", "NAN", "nanx", "na", "in", "i", "n", "1.5abc", "7 8", "1.0e+10x",
        "0.1000000000000000055511151231257827021181583404541015625",
        "00000000000000000000000000000000000001.5",
        "123.456e-7", "-987654321.123456789e+12",
        "4503599627370496.5", "4503599627370497.5", /* ties at 2^52 */
        "0.30000000000000004", "100000000000000000000000", "99999999999999999999e-20",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_like_strtod(cases[i]);

    /* A hex number stops at the 'x' (strtod would read it as hex), and so does "nan(". */
    const char *text = "0x10", *p = text;
    double v;
    CU_ASSERT(rv__scan_double(&p, text + 4, &v));
    CU_ASSERT_EQUAL(p, text + 1);
    CU_ASSERT(v == 0.0);
    text = "nan(123)";
    p = text;
    CU_ASSERT(rv__scan_double(&p, text + strlen(text), &v));
    CU_ASSERT_EQUAL(p, text + 3);
    CU_ASSERT(isnan(v));

    /* The end bound is respected: "1.5e3" seen as "1.5e". */
    text = "1.5e3";
    p = text;
    CU_ASSERT(rv__scan_double(&p, text + 4, &v));
    CU_ASSERT_EQUAL(p, text + 3);
    CU_ASSERT(v == 1.5);
    text = "infinity";
    p = text;
    CU_ASSERT(rv__scan_double(&p, text + 5, &v));
    CU_ASSERT_EQUAL(p, text + 3);
    CU_ASSERT(isinf(v));

    /* A token longer than the scanner's stack copy (the malloc path). */
    char long_number[400];
    memset(long_number, '3', sizeof long_number - 1);
    long_number[1] = '.';
    long_number[sizeof long_number - 1] = '\0';
    check_like_strtod(long_number);
}

/* A program may set a locale whose decimal point is ','; numbers in files keep '.'.
 * Skipped when no such locale is installed. */
static void test_scan_double_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8", "fr_FR.utf8"};
    static const char *const cases[] = {"2.5", "0.1", "1.5e300", "3.14159265358979323846264338327950288",
                                        "123456789012345678901234.5", "1e-320", "nan", "-inf", "7"};
    double want[sizeof cases / sizeof *cases];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        want[i] = strtod(cases[i], NULL);

    const char *name = NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names && name == NULL; i++)
        if (setlocale(LC_NUMERIC, names[i]) != NULL)
            name = names[i];
    if (name == NULL || strcmp(localeconv()->decimal_point, ".") == 0) {
        setlocale(LC_NUMERIC, "C");
        return;
    }
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *p = cases[i];
        double got;
        CU_ASSERT(rv__scan_double(&p, cases[i] + strlen(cases[i]), &got));
        CU_ASSERT_EQUAL(p, cases[i] + strlen(cases[i]));
        CU_ASSERT(same_double(got, want[i]));
    }
    rv__edge_list list;
    rv__parse_summary summary = {0};
    rv__parse_error error;
    rv__edge_list_init(&list, true);
    const char *line = "1 2 1.5e300\n";
    CU_ASSERT_EQUAL(rv__parse_edges(line, strlen(line), &(rv__edge_format){0, 1, false, true}, &list, &summary, &error),
                    RV_OK);
    CU_ASSERT(list.n == 1 && list.weight[0] == 1.5e300);
    rv__edge_list_destroy(&list);
    setlocale(LC_NUMERIC, "C");
}

/* Random numbers in every shape, and random strings from the characters numbers are
 * made of: scan_double must agree with strtod on extent and bits. */
static void test_scan_double_random(void)
{
    rng r = {777};
    char text[128];
    for (int i = 0; i < 400000; i++) {
        size_t n = 0;
        if (rng_below(&r, 3) == 0) {
            static const char alphabet[] = "0123456789.eE+-infatyINFAN";
            size_t len = 1 + rng_below(&r, 12);
            for (size_t j = 0; j < len; j++)
                text[n++] = alphabet[rng_below(&r, sizeof alphabet - 1)];
        } else {
            if (rng_below(&r, 4) == 0)
                text[n++] = rng_below(&r, 2) ? '-' : '+';
            size_t int_digits = rng_below(&r, 4) == 0 ? rng_below(&r, 25) : rng_below(&r, 8);
            for (size_t j = 0; j < int_digits; j++)
                text[n++] = (char)('0' + rng_below(&r, 10));
            if (rng_below(&r, 2)) {
                text[n++] = '.';
                size_t frac_digits = rng_below(&r, 4) == 0 ? rng_below(&r, 30) : rng_below(&r, 8);
                for (size_t j = 0; j < frac_digits; j++)
                    text[n++] = (char)('0' + rng_below(&r, 10));
            }
            if (rng_below(&r, 3) == 0) {
                n += (size_t)snprintf(text + n, sizeof text - n, "e%d", (int)rng_below(&r, 700) - 350);
            }
        }
        text[n] = '\0';
        check_like_strtod(text);
    }
    /* Every 2^53-bounded integer with a power-of-ten exponent: the fast path's edges. */
    for (int e = -25; e <= 25; e++) {
        uint64_t mantissas[] = {1, 3, 7, UINT64_C(9007199254740991), UINT64_C(9007199254740992),
                                UINT64_C(9007199254740993), rng_next(&r) >> 11};
        for (size_t j = 0; j < sizeof mantissas / sizeof *mantissas; j++) {
            snprintf(text, sizeof text, "%llue%d", (unsigned long long)mantissas[j], e);
            check_like_strtod(text);
        }
    }
}

/* ---- Edge parser --------------------------------------------------------------- */

static const rv__edge_format plain_format = {0, 1, false, true};

/* Parses text (with its length from strlen) and checks the status and, on error, the
 * line and message. */
static int parse(const char *text, const rv__edge_format *format, rv__edge_list *list, rv__parse_summary *summary,
                 rv__parse_error *error)
{
    memset(error, 0, sizeof *error);
    return rv__parse_edges(text, strlen(text), format, list, summary, error);
}

static void check_edge_error(const char *text, const rv__edge_format *format, uint64_t line, const char *message)
{
    rv__edge_list list;
    rv__parse_summary summary = {0};
    rv__parse_error error;
    rv__edge_list_init(&list, format->keep_weights);
    CU_ASSERT_EQUAL(parse(text, format, &list, &summary, &error), RV_EPARSE);
    CU_ASSERT_EQUAL(error.line, line);
    CU_ASSERT_STRING_EQUAL(error.message, message);
    if (strcmp(error.message, message) != 0 || error.line != line)
        fprintf(stderr, "\nfor input '%s': line %llu, '%s'\n", text, (unsigned long long)error.line, error.message);
    /* n_lines counts the whole text, the bad line and those after it included. */
    uint64_t lines = 0;
    for (const char *c = text; *c != '\0'; c++)
        lines += *c == '\n';
    lines += text[0] != '\0' && text[strlen(text) - 1] != '\n';
    CU_ASSERT_EQUAL(summary.n_lines, lines);
    rv__edge_list_destroy(&list);
}

static void test_parse_edges_basic(void)
{
    rv__edge_list list;
    rv__parse_summary summary = {0};
    rv__parse_error error;
    rv__edge_list_init(&list, true);
    const char *text = "# comment\n"
                       "% also a comment\n"
                       "   \t# indented comment\n"
                       "\n"
                       " \t \n"
                       "1 2\n"
                       "\t3\t4 \r\n"
                       "\r\n"
                       "0 9223372036854775807\n"
                       "5  6  2.5\n"
                       "7 8"; /* no final newline */
    CU_ASSERT_EQUAL(parse(text, &plain_format, &list, &summary, &error), RV_OK);
    CU_ASSERT_EQUAL(summary.n_lines, 11);
    CU_ASSERT_EQUAL_FATAL(list.n, 5);
    uint64_t src[] = {1, 3, 0, 5, 7}, dst[] = {2, 4, UINT64_C(9223372036854775807), 6, 8};
    double weight[] = {1, 1, 1, 2.5, 1};
    for (size_t i = 0; i < 5; i++) {
        CU_ASSERT_EQUAL(list.src[i], src[i]);
        CU_ASSERT_EQUAL(list.dst[i], dst[i]);
        CU_ASSERT_EQUAL(list.weight[i], weight[i]);
    }
    CU_ASSERT_EQUAL(summary.first_line_without_weight, 6);
    CU_ASSERT_EQUAL(summary.first_line_with_weight, 10);

    /* A second call appends, and numbers summary lines on from summary.n_lines. */
    CU_ASSERT_EQUAL(parse("\n9 9 1\n", &plain_format, &list, &summary, &error), RV_OK);
    CU_ASSERT_EQUAL(list.n, 6);
    CU_ASSERT_EQUAL(summary.n_lines, 13);
    rv__edge_list_destroy(&list);
    CU_ASSERT_EQUAL(list.n, 0);
    CU_ASSERT_PTR_NULL(list.src);

    /* Empty text, and a lone "\r" at the very end. */
    rv__parse_summary fresh = {0};
    rv__edge_list_init(&list, false);
    CU_ASSERT_EQUAL(rv__parse_edges("", 0, &(rv__edge_format){0, 1, false, false}, &list, &fresh, &error), RV_OK);
    CU_ASSERT_EQUAL(fresh.n_lines, 0);
    CU_ASSERT_EQUAL(parse("1 2\r", &(rv__edge_format){0, 1, false, false}, &list, &fresh, &error), RV_OK);
    CU_ASSERT_EQUAL(list.n, 1);
    CU_ASSERT_PTR_NULL(list.weight);
    CU_ASSERT_EQUAL(fresh.first_line_without_weight, 1);
    CU_ASSERT_EQUAL(fresh.first_line_with_weight, 0);
    rv__edge_list_destroy(&list);
}

static void test_parse_edges_errors(void)
{
    const rv__edge_format nonneg = {0, 1, true, false};
    check_edge_error("abc 1\n", &plain_format, 1, "field 1 (source id): not a non-negative integer: 'abc'");
    check_edge_error("1 2\n\n# x\n3 q\n", &plain_format, 4, "field 2 (target id): not a non-negative integer: 'q'");
    check_edge_error("1 2\nx 1\n3 4\n\n5 6", &plain_format, 2, "field 1 (source id): not a non-negative integer: 'x'");
    check_edge_error("1 9223372036854775808\n", &plain_format, 1,
                     "field 2 (target id): id 9223372036854775808 is 2^63 or more");
    check_edge_error("18446744073709551616 1\n", &plain_format, 1,
                     "field 1 (source id): id 18446744073709551616 is 2^63 or more");
    check_edge_error("-5 1\n", &plain_format, 1, "field 1 (source id): negative id: '-5'");
    check_edge_error("1 -0\n", &plain_format, 1, "field 2 (target id): negative id: '-0'");
    check_edge_error("+5 1\n", &plain_format, 1, "field 1 (source id): not a non-negative integer: '+5'");
    check_edge_error("- 1\n", &plain_format, 1, "field 1 (source id): not a non-negative integer: '-'");
    check_edge_error("12abc 3\n", &plain_format, 1, "field 1 (source id): not a non-negative integer: '12abc'");
    check_edge_error("1.0 3\n", &plain_format, 1, "field 1 (source id): not a non-negative integer: '1.0'");
    check_edge_error("1\n", &plain_format, 1, "missing target id");
    check_edge_error("1   \r\n", &plain_format, 1, "missing target id");
    check_edge_error("1", &plain_format, 1, "missing target id");
    check_edge_error("1 2 3 4\n", &plain_format, 1, "too many fields (at most 3): field 4 is '4'");
    check_edge_error("1 2 -1\n", &nonneg, 1, "field 3 (weight): weight is negative: '-1'");
    check_edge_error("1 2 -1e-300\n", &nonneg, 1, "field 3 (weight): weight is negative: '-1e-300'");
    check_edge_error("1 2 nan\n", &plain_format, 1, "field 3 (weight): weight is not a finite number: 'nan'");
    check_edge_error("1 2 -NaN\n", &plain_format, 1, "field 3 (weight): weight is not a finite number: '-NaN'");
    check_edge_error("1 2 inf\n", &plain_format, 1, "field 3 (weight): weight is not a finite number: 'inf'");
    check_edge_error("1 2 -Infinity\n", &plain_format, 1,
                     "field 3 (weight): weight is not a finite number: '-Infinity'");
    check_edge_error("1 2 1e400\n", &plain_format, 1, "field 3 (weight): weight is not a finite number: '1e400'");
    check_edge_error("1 2 x\n", &plain_format, 1, "field 3 (weight): not a number: 'x'");
    check_edge_error("1 2 1.5x\n", &plain_format, 1, "field 3 (weight): not a number: '1.5x'");
    check_edge_error("1 2 0x10\n", &plain_format, 1, "field 3 (weight): not a number: '0x10'");
    check_edge_error("1 2 nan(1)\n", &plain_format, 1, "field 3 (weight): not a number: 'nan(1)'");
    check_edge_error("1 2 .\n", &plain_format, 1, "field 3 (weight): not a number: '.'");
    /* A '\r' that does not end the line belongs to the token and shows escaped. */
    check_edge_error("1 2\r3\n", &plain_format, 1, "field 2 (target id): not a non-negative integer: '2\\x0d3'");
    /* Binary garbage: NUL and high bytes, shown as \xNN. */
    check_edge_error((const char[]){'1', ' ', '\x01', '\xff', '\n', '\0'}, &plain_format, 1,
                     "field 2 (target id): not a non-negative integer: '\\x01\\xff'");
    /* Long tokens are cut to 32 characters. */
    check_edge_error("1 abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n", &plain_format, 1,
                     "field 2 (target id): not a non-negative integer: 'abcdefghijklmnopqrstuvwxyzABCDEF...'");
    check_edge_error("1 2 3\x01\x01\x01\x01\x01\x01\x01\x01\x01\n", &plain_format, 1,
                     "field 3 (weight): not a number: '3\\x01\\x01\\x01\\x01\\x01\\x01\\x01...'");
    check_edge_error("1 123456789012345678901234567890123456789012345678901234567890\n", &plain_format, 1,
                     "field 2 (target id): id 12345678901234567890123456789012... is 2^63 or more");

    /* NUL bytes inside the text need the explicit length. */
    const char with_nul[] = {'1', ' ', '2', '\n', '3', '\0', '4', '\n'};
    rv__edge_list list;
    rv__parse_summary summary = {0};
    rv__parse_error error;
    rv__edge_list_init(&list, true);
    CU_ASSERT_EQUAL(rv__parse_edges(with_nul, sizeof with_nul, &plain_format, &list, &summary, &error), RV_EPARSE);
    CU_ASSERT_EQUAL(error.line, 2);
    CU_ASSERT_STRING_EQUAL(error.message, "field 1 (source id): not a non-negative integer: '3\\x004'");
    CU_ASSERT_EQUAL(summary.n_lines, 2);
    CU_ASSERT_EQUAL(list.n, 1);
    rv__edge_list_destroy(&list);
}

static void test_parse_edges_weights(void)
{
    static const struct {
        const char *text;
        double weight;
    } cases[] = {
        {"1 2 7\n", 7},           {"1 2 0\n", 0},          {"1 2 -0\n", -0.0},     {"1 2 0.5\n", 0.5},
        {"1 2 .25\n", 0.25},      {"1 2 1e-3\n", 1e-3},    {"1 2 1.5E3\n", 1500},  {"1 2 -2.5\n", -2.5},
        {"1 2 +4\n", 4},          {"1 2 0.1\n", 0.1},      {"1 2 1e308\n", 1e308}, {"1 2 4.9e-324\n", 4.9e-324},
        {"1 2 123456789.125\n", 123456789.125},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rv__edge_list list;
        rv__parse_summary summary = {0};
        rv__parse_error error;
        rv__edge_list_init(&list, true);
        CU_ASSERT_EQUAL(parse(cases[i].text, &plain_format, &list, &summary, &error), RV_OK);
        CU_ASSERT_EQUAL_FATAL(list.n, 1);
        CU_ASSERT(same_double(list.weight[0], cases[i].weight));
        CU_ASSERT_EQUAL(summary.first_line_with_weight, 1);
        CU_ASSERT_EQUAL(summary.first_line_without_weight, 0);
        rv__edge_list_destroy(&list);
    }
    /* Non-negative weights: zero and -0 pass. */
    rv__edge_list list;
    rv__parse_summary summary = {0};
    rv__parse_error error;
    const rv__edge_format nonneg = {0, 1, true, true};
    rv__edge_list_init(&list, true);
    CU_ASSERT_EQUAL(parse("1 2 0\n1 2 -0\n1 2 3.5\n", &nonneg, &list, &summary, &error), RV_OK);
    CU_ASSERT_EQUAL(list.n, 3);
    rv__edge_list_destroy(&list);

    /* Weights are validated even when not kept. */
    rv__edge_list_init(&list, false);
    CU_ASSERT_EQUAL(parse("1 2 nan\n", &(rv__edge_format){0, 1, false, false}, &list, &summary, &error),
                    RV_EPARSE);
    rv__edge_list_destroy(&list);
}

static void test_parse_edges_property_columns(void)
{
    rv__edge_list list;
    rv__parse_summary summary = {0};
    rv__parse_error error;

    /* The weight is property column 2 of at most 3. */
    const rv__edge_format second = {2, 3, true, true};
    rv__edge_list_init(&list, true);
    CU_ASSERT_EQUAL(parse("1 2 a 3.5\n3 4 b 0.25 c\n", &second, &list, &summary, &error), RV_OK);
    CU_ASSERT_EQUAL_FATAL(list.n, 2);
    CU_ASSERT_EQUAL(list.weight[0], 3.5);
    CU_ASSERT_EQUAL(list.weight[1], 0.25);
    CU_ASSERT_EQUAL(summary.first_line_with_weight, 0); /* plain format only */
    rv__edge_list_destroy(&list);
    check_edge_error("1 2 a\n", &second, 1, "missing weight (field 4)");
    check_edge_error("1 2\n", &second, 1, "missing weight (field 4)");
    check_edge_error("1 2 a -1\n", &second, 1, "field 4 (weight): weight is negative: '-1'");
    check_edge_error("1 2 a 1 b c\n", &second, 1, "too many fields (at most 5): field 6 is 'c'");

    /* A weight column past max_property_columns raises the limit to it. */
    const rv__edge_format third = {3, 1, false, true};
    rv__edge_list_init(&list, true);
    CU_ASSERT_EQUAL(parse("1 2 a b 9\n", &third, &list, &summary, &error), RV_OK);
    CU_ASSERT_EQUAL(list.weight[0], 9);
    rv__edge_list_destroy(&list);

    /* Weights not read: the third column may hold anything, but the count is checked. */
    const rv__edge_format ignore = {-1, 0, false, false};
    rv__edge_list_init(&list, false);
    CU_ASSERT_EQUAL(parse("1 2 zzz\n3 4\n", &ignore, &list, &summary, &error), RV_OK);
    CU_ASSERT_EQUAL(list.n, 2);
    rv__edge_list_destroy(&list);
    check_edge_error("1 2 a b\n", &ignore, 1, "too many fields (at most 3): field 4 is 'b'");

    /* Plain format with more property columns: the first one is the weight. */
    const rv__edge_format plain_wide = {0, 2, false, true};
    rv__edge_list_init(&list, true);
    CU_ASSERT_EQUAL(parse("1 2 0.5 label\n", &plain_wide, &list, &summary, &error), RV_OK);
    CU_ASSERT_EQUAL(list.weight[0], 0.5);
    rv__edge_list_destroy(&list);
}

/* Random bytes, biased towards the characters that matter: the parser returns OK or
 * EPARSE with a sane message, and never reads out of bounds (run under ASan). */
static void test_parse_edges_fuzz(void)
{
    static const char alphabet[] = "0123456789  \t\t\n\n\r#%-+.eEinfa\0\x01\x7f\x80\xff";
    rng r = {4242};
    for (int i = 0; i < 20000; i++) {
        size_t length = rng_below(&r, 64);
        char *text = malloc(length + 1); /* exact size, so ASan sees overreads */
        CU_ASSERT_FATAL(text != NULL);
        for (size_t j = 0; j < length; j++)
            text[j] = rng_below(&r, 4) == 0 ? (char)rng_next(&r) : alphabet[rng_below(&r, sizeof alphabet - 1)];
        rv__edge_format format = {(int)rng_below(&r, 4) - 1, (int)rng_below(&r, 3), rng_below(&r, 2) == 0, false};
        format.keep_weights = rng_below(&r, 2) == 0;
        rv__edge_list list;
        rv__parse_summary summary = {0};
        rv__parse_error error = {0, ""};
        rv__edge_list_init(&list, format.keep_weights);
        int status = rv__parse_edges(text, length, &format, &list, &summary, &error);
        CU_ASSERT(status == RV_OK || status == RV_EPARSE);
        uint64_t lines = 0;
        for (size_t j = 0; j < length; j++)
            lines += text[j] == '\n';
        lines += length > 0 && text[length - 1] != '\n';
        CU_ASSERT_EQUAL(summary.n_lines, lines);
        if (status != RV_OK) {
            CU_ASSERT(error.line >= 1 && error.line <= lines);
            CU_ASSERT(error.message[0] != '\0');
            for (const char *c = error.message; *c != '\0'; c++)
                CU_ASSERT(*c >= 0x20 && *c < 0x7f);
        }

        rv__id_list ids;
        rv__parse_summary vsummary = {0};
        rv__id_list_init(&ids);
        status = rv__parse_vertices(text, length, &ids, &vsummary, &error);
        CU_ASSERT(status == RV_OK || status == RV_EPARSE);
        CU_ASSERT_EQUAL(vsummary.n_lines, lines);
        rv__id_list_destroy(&ids);
        rv__edge_list_destroy(&list);
        free(text);
    }
}

/* Many lines: the list grows through several reallocations and keeps every edge. */
static void test_parse_edges_many(void)
{
    const size_t n = 100000;
    char *text = malloc(n * 48);
    size_t length = 0;
    rng r = {99};
    uint64_t *want = malloc(2 * n * sizeof *want);
    CU_ASSERT_FATAL(text != NULL && want != NULL);
    for (size_t i = 0; i < n; i++) {
        want[2 * i] = rng_next(&r) >> (1 + rng_below(&r, 63));
        want[2 * i + 1] = rng_next(&r) >> 1;
        length += (size_t)sprintf(text + length, "%llu %llu\n", (unsigned long long)want[2 * i],
                                  (unsigned long long)want[2 * i + 1]);
    }
    rv__edge_list list;
    rv__parse_summary summary = {0};
    rv__parse_error error;
    rv__edge_list_init(&list, false);
    CU_ASSERT_EQUAL(rv__parse_edges(text, length, &(rv__edge_format){0, 1, false, false}, &list, &summary, &error),
                    RV_OK);
    CU_ASSERT_EQUAL_FATAL(list.n, n);
    bool all = true;
    for (size_t i = 0; i < n; i++)
        all = all && list.src[i] == want[2 * i] && list.dst[i] == want[2 * i + 1];
    CU_ASSERT(all);
    CU_ASSERT(list.capacity >= n);
    CU_ASSERT_EQUAL(rv__edge_list_reserve(&list, 10 * n), RV_OK);
    CU_ASSERT(list.capacity >= 11 * n);
    CU_ASSERT_EQUAL(rv__edge_list_reserve(&list, SIZE_MAX), RV_ENOMEM);
    CU_ASSERT_EQUAL(list.n, n);
    rv__edge_list_destroy(&list);
    free(text);
    free(want);
}

/* ---- Vertex parser ------------------------------------------------------------- */

static void test_parse_vertices(void)
{
    rv__id_list ids;
    rv__parse_summary summary = {0};
    rv__parse_error error;
    rv__id_list_init(&ids);
    const char *text = "# vertices\n1\n  2 extra fields 3.5\n\n%c\n9223372036854775807\r\n0";
    CU_ASSERT_EQUAL(rv__parse_vertices(text, strlen(text), &ids, &summary, &error), RV_OK);
    CU_ASSERT_EQUAL(summary.n_lines, 7);
    CU_ASSERT_EQUAL_FATAL(ids.n, 4);
    CU_ASSERT_EQUAL(ids.id[0], 1);
    CU_ASSERT_EQUAL(ids.id[1], 2);
    CU_ASSERT_EQUAL(ids.id[2], UINT64_C(9223372036854775807));
    CU_ASSERT_EQUAL(ids.id[3], 0);

    static const struct {
        const char *text;
        uint64_t line;
        const char *message;
    } bad[] = {
        {"1\n-1\n", 2, "field 1 (id): negative id: '-1'"},
        {"x\n", 1, "field 1 (id): not a non-negative integer: 'x'"},
        {"5x 1\n", 1, "field 1 (id): not a non-negative integer: '5x'"},
        {"9223372036854775808\n", 1, "field 1 (id): id 9223372036854775808 is 2^63 or more"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rv__parse_summary s = {0};
        CU_ASSERT_EQUAL(rv__parse_vertices(bad[i].text, strlen(bad[i].text), &ids, &s, &error), RV_EPARSE);
        CU_ASSERT_EQUAL(error.line, bad[i].line);
        CU_ASSERT_STRING_EQUAL(error.message, bad[i].message);
        CU_ASSERT_EQUAL(s.n_lines, bad[i].line); /* each bad line is the last */
    }
    rv__id_list_destroy(&ids);
    CU_ASSERT_EQUAL(ids.n, 0);

    for (uint64_t i = 0; i < 5000; i++)
        CU_ASSERT_EQUAL_FATAL(rv__id_list_push(&ids, i * 3), RV_OK);
    CU_ASSERT_EQUAL(ids.n, 5000);
    CU_ASSERT_EQUAL(ids.id[4999], 4999 * 3);
    rv__id_list_destroy(&ids);
}

/* ---- Partition parser ---------------------------------------------------------- */

static void test_parse_parts(void)
{
    rv__part_list parts = {0};
    rv__parse_summary summary = {0};
    rv__parse_error error;
    const char *text = "# id part\n1 0\n  2\t3  \n\n%c\n9223372036854775807 1\r\n0 2";
    CU_ASSERT_EQUAL(rv__parse_parts(text, strlen(text), 4, &parts, &summary, &error), RV_OK);
    CU_ASSERT_EQUAL(summary.n_lines, 7);
    CU_ASSERT_EQUAL_FATAL(parts.n, 4);
    CU_ASSERT_EQUAL(parts.id[1], 2);
    CU_ASSERT_EQUAL(parts.part[1], 3);
    CU_ASSERT_EQUAL(parts.line[1], 3);
    CU_ASSERT_EQUAL(parts.id[2], UINT64_C(9223372036854775807));
    CU_ASSERT_EQUAL(parts.line[2], 6);
    CU_ASSERT_EQUAL(parts.part[3], 2);
    CU_ASSERT_EQUAL(parts.line[3], 7);

    /* Lines of later blocks are numbered on from the summary. */
    CU_ASSERT_EQUAL(rv__parse_parts("5 1\n", 4, 4, &parts, &summary, &error), RV_OK);
    CU_ASSERT_EQUAL(parts.line[4], 8);

    static const struct {
        const char *text;
        uint64_t line;
        const char *message;
    } bad[] = {
        {"1 0\n2\n", 2, "missing part (field 2)"},
        {"1 4\n", 1, "field 2 (part): part 4 is outside [0, 4), one part per rank"},
        {"1 -1\n", 1, "field 2 (part): negative id: '-1'"},
        {"1 0\nx 1\n", 2, "field 1 (vertex id): not a non-negative integer: 'x'"},
        {"1 0 2\n", 1, "too many fields (a line is `id part`): field 3 is '2'"},
        {"1 1.5\n", 1, "field 2 (part): not a non-negative integer: '1.5'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rv__parse_summary s = {0};
        CU_ASSERT_EQUAL(rv__parse_parts(bad[i].text, strlen(bad[i].text), 4, &parts, &s, &error), RV_EPARSE);
        CU_ASSERT_EQUAL(error.line, bad[i].line);
        CU_ASSERT_STRING_EQUAL(error.message, bad[i].message);
    }
    rv__part_list_destroy(&parts);
    CU_ASSERT_EQUAL(parts.n, 0);
}

/* ---- Runner -------------------------------------------------------------------- */

int main(void)
{
    static const rv_test_case tests[] = {
        {"range reader: fixed files", test_range_reader_fixed_files},
        {"range reader: random files, n = 1..7", test_range_reader_random_files},
        {"range reader: small file, many parts", test_range_reader_small_file_many_parts},
        {"range reader: count remaining lines", test_range_reader_count_remaining},
        {"range reader: errors", test_range_reader_errors},
        {"scan_id", test_scan_id},
        {"scan_double: cases", test_scan_double_cases},
        {"scan_double: random, like strtod", test_scan_double_random},
        {"scan_double: decimal point of another locale", test_scan_double_locale},
        {"parse_edges: basics, comments, CRLF", test_parse_edges_basic},
        {"parse_edges: errors", test_parse_edges_errors},
        {"parse_edges: weights", test_parse_edges_weights},
        {"parse_edges: property columns", test_parse_edges_property_columns},
        {"parse_edges: fuzz", test_parse_edges_fuzz},
        {"parse_edges: many lines", test_parse_edges_many},
        {"parse_vertices", test_parse_vertices},
        {"parse_parts", test_parse_parts},
    };
    return rv_test_run_table("textio", tests, sizeof tests / sizeof *tests);
}
