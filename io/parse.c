/* parse.c — the id and number scanners, the edge, vertex and partition line parsers, and their growable lists. */
#include "textio.h"

#include "rivulet.h"

#include <assert.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An id may take one more digit d while v*10 + d <= 2^63 - 1. */
#define ID_MAX_DIV10 (UINT64_C(9223372036854775807) / 10)
#define ID_MAX_MOD10 (UINT64_C(9223372036854775807) % 10)

/* Error messages show at most this many characters of the offending token. */
#define TOKEN_SHOWN_CHARS 32

/* ---- Growable lists ------------------------------------------------------------ */

void rv__edge_list_init(rv__edge_list *list, bool with_weights)
{
    memset(list, 0, sizeof *list);
    list->with_weights = with_weights;
}

void rv__edge_list_destroy(rv__edge_list *list)
{
    free(list->src);
    free(list->dst);
    free(list->weight);
    rv__edge_list_init(list, list->with_weights);
}

/* Grows *array to @p capacity elements of @p size bytes; leaves it untouched on failure. */
static int grow_array(void **array, size_t capacity, size_t size)
{
    if (capacity > SIZE_MAX / size)
        return RV_ENOMEM;
    void *grown = realloc(*array, capacity * size);
    if (grown == NULL)
        return RV_ENOMEM;
    *array = grown;
    return RV_OK;
}

/* The capacity to grow to for @p needed elements: doubling keeps appending amortised O(1). */
static size_t next_capacity(size_t capacity, size_t needed)
{
    size_t grown = capacity < 1024 ? 1024 : capacity;
    while (grown < needed && grown <= SIZE_MAX / 2)
        grown *= 2;
    return grown < needed ? needed : grown;
}

int rv__edge_list_reserve(rv__edge_list *list, size_t extra)
{
    int status = RV_OK;
    if (extra > SIZE_MAX - list->n) {
        status = RV_ENOMEM;
        goto done;
    }
    if (list->n + extra <= list->capacity)
        goto done;
    size_t capacity = next_capacity(list->capacity, list->n + extra);
    /* The arrays grow one by one, and capacity only moves once all three have grown,
     * so a failure leaves a list that is still consistent. */
    status = grow_array((void **)&list->src, capacity, sizeof *list->src);
    if (status == RV_OK)
        status = grow_array((void **)&list->dst, capacity, sizeof *list->dst);
    if (status == RV_OK && list->with_weights)
        status = grow_array((void **)&list->weight, capacity, sizeof *list->weight);
    if (status == RV_OK)
        list->capacity = capacity;
done:
    return status;
}

void rv__id_list_init(rv__id_list *list)
{
    memset(list, 0, sizeof *list);
}

void rv__id_list_destroy(rv__id_list *list)
{
    free(list->id);
    rv__id_list_init(list);
}

int rv__id_list_push(rv__id_list *list, uint64_t id)
{
    if (list->n == list->capacity) {
        size_t capacity = next_capacity(list->capacity, list->n + 1);
        if (grow_array((void **)&list->id, capacity, sizeof *list->id) != RV_OK)
            return RV_ENOMEM;
        list->capacity = capacity;
    }
    list->id[list->n++] = id;
    return RV_OK;
}

/* ---- Scanners ------------------------------------------------------------------ */

enum { SCAN_OK, SCAN_NO_DIGIT, SCAN_OVERFLOW };

/* Decimal digits at *p into *out, advancing *p; *p is left alone on failure.
 * The digit loop has no overflow test: 18 digits always fit, and only a longer
 * run (rare: ids near 2^63, or leading zeros) is scanned again with the test. */
static inline int scan_id(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    while (s < end) {
        unsigned d = (unsigned)(unsigned char)*s - '0';
        if (d > 9)
            break;
        v = v * 10 + d; /* may wrap for 20+ digits; unsigned, so defined, and redone below */
        s++;
    }
    if (s == *p)
        return SCAN_NO_DIGIT;
    if (s - *p > 18) {
        v = 0;
        for (const char *q = *p; q < s; q++) {
            unsigned d = (unsigned)(unsigned char)*q - '0';
            if (v > ID_MAX_DIV10 || (v == ID_MAX_DIV10 && d > ID_MAX_MOD10))
                return SCAN_OVERFLOW;
            v = v * 10 + d;
        }
    }
    *p = s;
    *out = v;
    return SCAN_OK;
}

bool rv__scan_id(const char **p, const char *end, uint64_t *out)
{
    return scan_id(p, end, out) == SCAN_OK;
}

static inline bool is_digit(char c)
{
    return (unsigned)(unsigned char)c - '0' <= 9;
}

static inline char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether the letters of @p word (lower case) follow at s, in any case. */
static bool match_word(const char *s, const char *end, const char *word)
{
    for (; *word != '\0'; s++, word++)
        if (s == end || lower(*s) != *word)
            return false;
    return true;
}

/* Exact powers of ten: every 10^k with k <= 22 is a double. */
static const double exact_powers_of_ten[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* strtod() of the token [s, s + length), already checked to be a number with '.' as
 * its decimal point. Returns false only when out of memory for a very long token. */
static bool strtod_token(const char *s, size_t length, double *out)
{
    char small[64];
    const char *radix = NULL;
    size_t radix_length = 1;
    bool ok = false;
    char *copy = length < sizeof small ? small : malloc(length + 1);
    if (copy == NULL)
        goto done;
    memcpy(copy, s, length);
    copy[length] = '\0';

    char *stop;
    *out = strtod(copy, &stop);
    if (stop != copy + length) {
        /* strtod() wants the decimal point of LC_NUMERIC: a program that set a locale
         * with a ',' would see "2.5" read as 2. The token is well formed, so the only
         * possible cause is its '.', which is swapped for the locale's. */
        radix = localeconv()->decimal_point;
        radix_length = strlen(radix);
        const char *dot = memchr(copy, '.', length);
        if (dot == NULL || radix_length == 0)
            goto done;
        char *swapped = malloc(length + radix_length + 1);
        if (swapped == NULL)
            goto done;
        size_t before = (size_t)(dot - copy);
        memcpy(swapped, copy, before);
        memcpy(swapped + before, radix, radix_length);
        memcpy(swapped + before + radix_length, dot + 1, length - before); /* with the NUL */
        *out = strtod(swapped, NULL);
        free(swapped);
    }
    ok = true;
done:
    if (copy != small)
        free(copy);
    return ok;
}

/* Finds the end of the number at *p with the grammar of strtod() without hex:
 *   [+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits]   or   [+-] (inf | infinity | nan)
 * then computes the value. The common short decimals take Clinger's fast path: a
 * mantissa below 2^53 times or divided by an exact power of ten is one correctly
 * rounded IEEE operation, so it equals strtod(). Everything else goes to strtod()
 * on a NUL-terminated copy of exactly the token, which the text need not have. */
static inline bool scan_double(const char **p, const char *end, double *out)
{
    const char *s = *p;
    bool negative = false, fast = true;
    uint64_t mantissa = 0;
    int digits = 0;   /* significant digits in mantissa */
    int exponent = 0; /* of ten, for the digits in mantissa */

    if (s < end && (*s == '+' || *s == '-'))
        negative = *s++ == '-';
    if (s < end && (lower(*s) == 'i' || lower(*s) == 'n')) {
        if (match_word(s, end, "infinity"))
            s += 8;
        else if (match_word(s, end, "inf") || match_word(s, end, "nan"))
            s += 3;
        else
            return false;
        fast = false;
    } else {
        bool any_digit = false;
        for (; s < end && is_digit(*s); s++) {
            any_digit = true;
            if (mantissa == 0 && *s == '0')
                continue; /* leading zeros add nothing */
            if (digits == 19) {
                fast = false; /* more digits than a uint64_t holds: strtod() decides */
            } else {
                digits++;
                mantissa = mantissa * 10 + (uint64_t)(*s - '0');
            }
        }
        if (s < end && *s == '.') {
            const char *dot = s++;
            for (; s < end && is_digit(*s); s++) {
                any_digit = true;
                if (mantissa == 0 && *s == '0') {
                    /* Bounded so that absurd runs of zeros cannot overflow an int;
                     * such numbers take the slow path anyway. */
                    if (exponent > -100000)
                        exponent--;
                    else
                        fast = false;
                    continue;
                }
                if (digits == 19) {
                    fast = false;
                } else {
                    digits++;
                    mantissa = mantissa * 10 + (uint64_t)(*s - '0');
                    exponent--;
                }
            }
            if (!any_digit)
                s = dot; /* a lone '.' is no number */
        }
        if (!any_digit)
            return false;
        if (s < end && (*s == 'e' || *s == 'E')) {
            const char *e = s + 1;
            bool e_negative = false;
            if (e < end && (*e == '+' || *e == '-'))
                e_negative = *e++ == '-';
            if (e < end && is_digit(*e)) {
                int value = 0;
                for (; e < end && is_digit(*e); e++)
                    if (value < 100000)
                        value = value * 10 + (*e - '0');
                exponent += e_negative ? -value : value;
                s = e;
            }
        }
    }

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    if (fast && mantissa <= (UINT64_C(1) << 53) && exponent >= -22 && exponent <= 22) {
        double x = (double)mantissa;
        x = exponent < 0 ? x / exact_powers_of_ten[-exponent] : x * exact_powers_of_ten[exponent];
        *out = negative ? -x : x;
        *p = s;
        return true;
    }
#else
    (void)exact_powers_of_ten;
#endif

    if (!strtod_token(*p, (size_t)(s - *p), out))
        return false;
    *p = s;
    return true;
}

bool rv__scan_double(const char **p, const char *end, double *out)
{
    return scan_double(p, end, out);
}

/* ---- Line structure ------------------------------------------------------------ */

static inline const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* If p is at the end of a line ("\n", "\r\n", or the end of the text, with a lone
 * '\r' allowed there), the start of the next line; else NULL. */
static inline const char *line_end(const char *p, const char *end)
{
    if (p == end)
        return p;
    if (*p == '\n')
        return p + 1;
    if (*p == '\r' && (p + 1 == end || p[1] == '\n'))
        return p + 1 == end ? p + 1 : p + 2;
    return NULL;
}

static inline bool is_field_end(const char *p, const char *end)
{
    return p == end || *p == ' ' || *p == '\t' || line_end(p, end) != NULL;
}

static const char *token_end(const char *p, const char *end)
{
    while (!is_field_end(p, end))
        p++;
    return p;
}

static const char *next_line(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl == NULL ? end : nl + 1;
}

/* If the line at @p p (blanks already skipped) is blank or a comment, the start of
 * the next line; else NULL. Edge and vertex files share these rules. */
static inline const char *skip_empty_line(const char *p, const char *end)
{
    const char *next = line_end(p, end);
    if (next != NULL)
        return next;
    if (*p == '#' || *p == '%')
        return next_line(p, end);
    return NULL;
}

/* The number of lines in [p, end), a last line without '\n' included. */
static uint64_t count_lines(const char *p, const char *end)
{
    uint64_t n = 0;
    while (p < end) {
        p = next_line(p, end);
        n++;
    }
    return n;
}

/* ---- Error messages ------------------------------------------------------------ */

/* Writes the token [s, e) for a message: at most TOKEN_SHOWN_CHARS characters, bytes
 * outside printable ASCII as \xNN, "..." when cut short. */
static void show_token(char *out, size_t capacity, const char *s, const char *e)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0, shown = 0;
    assert(capacity >= TOKEN_SHOWN_CHARS + 4);
    for (; s < e; s++) {
        unsigned char c = (unsigned char)*s;
        size_t width = c >= 0x20 && c < 0x7f ? 1 : 4;
        if (shown + width > TOKEN_SHOWN_CHARS) {
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
        if (width == 1) {
            out[n++] = (char)c;
        } else {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
        shown += width;
    }
    out[n] = '\0';
}

static void set_parse_error(rv__parse_error *error, uint64_t line, const char *format, ...)
{
    va_list args;
    error->line = line;
    va_start(args, format);
    vsnprintf(error->message, sizeof error->message, format, args);
    va_end(args);
}

/* Explains why the id field @p field starting at @p s was refused. */
static void id_error(rv__parse_error *error, uint64_t line, int field, const char *name, const char *s,
                     const char *end)
{
    char shown[TOKEN_SHOWN_CHARS + 4];
    const char *e = token_end(s, end);
    const char *d = s < e && *s == '-' ? s + 1 : s;
    bool digits_only = d < e;
    for (const char *q = d; q < e; q++)
        digits_only = digits_only && is_digit(*q);

    show_token(shown, sizeof shown, s, e);
    if (digits_only && d > s)
        set_parse_error(error, line, "field %d (%s): negative id: '%s'", field, name, shown);
    else if (digits_only)
        set_parse_error(error, line, "field %d (%s): id %s is 2^63 or more", field, name, shown);
    else
        set_parse_error(error, line, "field %d (%s): not a non-negative integer: '%s'", field, name, shown);
}

/* ---- Parsers ------------------------------------------------------------------- */

/* Reads the id field at *p, which must end at a blank or the end of the line. */
static inline bool read_id(const char **p, const char *end, uint64_t *out)
{
    return scan_id(p, end, out) == SCAN_OK && is_field_end(*p, end);
}

/* read_id() for field number @p field of line @p line, called @p name in messages:
 * on failure the error says why the field was refused. */
static inline __attribute__((always_inline)) bool read_id_field(const char **p, const char *end, uint64_t line,
                                                                int field, const char *name, uint64_t *out,
                                                                rv__parse_error *error)
{
    const char *start = *p;
    if (read_id(p, end, out))
        return true;
    id_error(error, line, field, name, start, end);
    return false;
}

/* Reads the two id fields that start an edge or a part line, and the blanks after
 * them; @p missing is the error when the line ends after the first. */
static inline __attribute__((always_inline)) bool read_id_pair(const char **p, const char *end, uint64_t line,
                                                               const char *first_name, const char *missing,
                                                               const char *second_name, uint64_t *first,
                                                               uint64_t *second, rv__parse_error *error)
{
    if (!read_id_field(p, end, line, 1, first_name, first, error))
        return false;
    *p = skip_blanks(*p, end);
    if (line_end(*p, end) != NULL) {
        set_parse_error(error, line, "%s", missing);
        return false;
    }
    if (!read_id_field(p, end, line, 2, second_name, second, error))
        return false;
    *p = skip_blanks(*p, end);
    return true;
}

int rv__parse_edges(const char *text, size_t length, const rv__edge_format *format, rv__edge_list *out,
                    rv__parse_summary *summary, rv__parse_error *error)
{
    const char *p = text, *end = text + length, *next;
    const uint64_t line_base = summary->n_lines;
    const bool plain = format->weight_column == 0;
    /* The property column holding the weight, 1-based; 0 when weights are not read. */
    const int weight_property = plain ? 1 : format->weight_column > 0 ? format->weight_column : 0;
    int max_properties = format->max_property_columns > 0 ? format->max_property_columns : 1;
    const char *line_begin = text;
    uint64_t line = 0;
    int status = RV_OK;
    char shown[TOKEN_SHOWN_CHARS + 4];

    assert(format->keep_weights == out->with_weights);
    if (max_properties < weight_property)
        max_properties = weight_property;

    while (p < end) {
        uint64_t src, dst;
        double weight = 1.0;
        int n_properties = 0;

        line_begin = p;
        line++;
        p = skip_blanks(p, end);
        if ((next = skip_empty_line(p, end)) != NULL) {
            p = next;
            continue;
        }

        if (!read_id_pair(&p, end, line, "source id", "missing target id", "target id", &src, &dst, error)) {
            status = RV_EPARSE;
            goto done;
        }

        /* The usual line ends here; property columns take the loop. */
        while ((next = line_end(p, end)) == NULL) {
            const char *field = p;
            n_properties++;
            if (n_properties > max_properties) {
                show_token(shown, sizeof shown, field, token_end(field, end));
                set_parse_error(error, line, "too many fields (at most %d): field %d is '%s'",
                                2 + max_properties, 2 + n_properties, shown);
                status = RV_EPARSE;
                goto done;
            }
            if (n_properties == weight_property) {
                bool ok = scan_double(&p, end, &weight) && is_field_end(p, end);
                const char *problem = NULL;
                if (!ok)
                    problem = "not a number";
                else if (!isfinite(weight))
                    problem = "weight is not a finite number";
                else if (format->nonnegative_weights && weight < 0)
                    problem = "weight is negative";
                if (problem != NULL) {
                    show_token(shown, sizeof shown, field, token_end(field, end));
                    set_parse_error(error, line, "field %d (weight): %s: '%s'", 2 + n_properties, problem,
                                    shown);
                    status = RV_EPARSE;
                    goto done;
                }
            } else {
                p = token_end(p, end);
            }
            p = skip_blanks(p, end);
        }
        p = next;

        if (weight_property > 0 && n_properties < weight_property) {
            if (!plain) {
                set_parse_error(error, line, "missing weight (field %d)", 2 + weight_property);
                status = RV_EPARSE;
                goto done;
            }
            if (summary->first_line_without_weight == 0)
                summary->first_line_without_weight = line_base + line;
        } else if (plain && summary->first_line_with_weight == 0) {
            summary->first_line_with_weight = line_base + line;
        }

        if (out->n == out->capacity && (status = rv__edge_list_reserve(out, 1)) != RV_OK) {
            set_parse_error(error, line, "out of memory for %zu edges", out->n + 1);
            goto done;
        }
        out->src[out->n] = src;
        out->dst[out->n] = dst;
        if (out->with_weights)
            out->weight[out->n] = weight;
        out->n++;
    }
done:
    /* Even after a failure, n_lines counts every line of the text, so that the caller
     * can number the lines of later blocks and parts without reading them again. */
    summary->n_lines = line_base + (status == RV_OK ? line : line - 1 + count_lines(line_begin, end));
    return status;
}

int rv__parse_vertices(const char *text, size_t length, rv__id_list *out, rv__parse_summary *summary,
                       rv__parse_error *error)
{
    const char *p = text, *end = text + length, *next;
    const uint64_t line_base = summary->n_lines;
    const char *line_begin = text;
    uint64_t line = 0;
    int status = RV_OK;

    while (p < end) {
        uint64_t id;
        line_begin = p;
        line++;
        p = skip_blanks(p, end);
        if ((next = skip_empty_line(p, end)) != NULL) {
            p = next;
            continue;
        }
        if (!read_id_field(&p, end, line, 1, "id", &id, error)) {
            status = RV_EPARSE;
            goto done;
        }
        p = next_line(p, end);
        if ((status = rv__id_list_push(out, id)) != RV_OK) {
            set_parse_error(error, line, "out of memory for %zu ids", out->n + 1);
            goto done;
        }
    }
done:
    summary->n_lines = line_base + (status == RV_OK ? line : line - 1 + count_lines(line_begin, end));
    return status;
}

void rv__part_list_destroy(rv__part_list *list)
{
    free(list->id);
    free(list->part);
    free(list->line);
    *list = (rv__part_list){0};
}

/* Makes room for one more line; the list is left as it was on failure. */
static int part_list_reserve_one(rv__part_list *list)
{
    if (list->n < list->capacity)
        return RV_OK;
    size_t capacity = next_capacity(list->capacity, list->n + 1);
    int status = grow_array((void **)&list->id, capacity, sizeof *list->id);
    if (status == RV_OK)
        status = grow_array((void **)&list->part, capacity, sizeof *list->part);
    if (status == RV_OK)
        status = grow_array((void **)&list->line, capacity, sizeof *list->line);
    if (status == RV_OK)
        list->capacity = capacity;
    return status;
}

int rv__parse_parts(const char *text, size_t length, uint64_t n_parts, rv__part_list *out,
                    rv__parse_summary *summary, rv__parse_error *error)
{
    const char *p = text, *end = text + length, *next;
    const uint64_t line_base = summary->n_lines;
    const char *line_begin = text;
    uint64_t line = 0;
    int status = RV_OK;
    char shown[TOKEN_SHOWN_CHARS + 4];

    while (p < end) {
        uint64_t id, part;
        line_begin = p;
        line++;
        p = skip_blanks(p, end);
        if ((next = skip_empty_line(p, end)) != NULL) {
            p = next;
            continue;
        }
        if (!read_id_pair(&p, end, line, "vertex id", "missing part (field 2)", "part", &id, &part, error)) {
            status = RV_EPARSE;
            goto done;
        }
        if (part >= n_parts) {
            set_parse_error(error, line, "field 2 (part): part %llu is outside [0, %llu), one part per rank", (unsigned long long)part,
                            (unsigned long long)n_parts);
            status = RV_EPARSE;
            goto done;
        }
        if ((next = line_end(p, end)) == NULL) {
            show_token(shown, sizeof shown, p, token_end(p, end));
            set_parse_error(error, line, "too many fields (a line is `id part`): field 3 is '%s'", shown);
            status = RV_EPARSE;
            goto done;
        }
        p = next;
        if ((status = part_list_reserve_one(out)) != RV_OK) {
            set_parse_error(error, line, "out of memory for %zu lines", out->n + 1);
            goto done;
        }
        out->id[out->n] = id;
        out->part[out->n] = (int32_t)part;
        out->line[out->n] = line_base + line;
        out->n++;
    }
done:
    summary->n_lines = line_base + (status == RV_OK ? line : line - 1 + count_lines(line_begin, end));
    return status;
}
