/* params.c — the option values of an algorithm: parsing them from text, checking their
 * types, filling defaults (rv_params_*). Local, no MPI and no printing: every problem
 * is a status code plus one line in the caller's error buffer. */
#include "rivulet.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One parameter's value. has_value and set differ because rv_params_finish() fills
 * defaults without making them count as set: rv_params_is_set() must keep telling
 * "the user (or a dataset) chose this" from "the algorithm's default applies". */
typedef struct param_value {
    bool has_value;
    bool set;
    union {
        int64_t i64;
        double f64;
        rv_id id;
    } as;
} param_value;

struct rv_params {
    const rv_algorithm *algorithm;
    param_value *values; /* one per algorithm->params[i], same index */
};

/* Writes one line into the caller's buffer, which may be NULL or tiny (the text is
 * then cut short, never overrun). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void set_error(char *error, size_t capacity, const char *format, ...)
{
    if (error == NULL || capacity == 0)
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(error, capacity, format, args);
    va_end(args);
}

/* The index of the spec called @p name, or n_params when there is none. */
static size_t find_spec(const rv_algorithm *algorithm, const char *name)
{
    for (size_t i = 0; i < algorithm->n_params; i++)
        if (strcmp(algorithm->params[i].name, name) == 0)
            return i;
    return algorithm->n_params;
}

typedef enum { PARSE_OK, PARSE_SYNTAX, PARSE_RANGE } parse_result;

/* Decimal integer with an optional sign and nothing else: no blanks, no base prefix,
 * no trailing text. strtoll() is not used because it skips leading white space and
 * so would accept text this function is meant to refuse. */
static parse_result parse_int64(const char *text, int64_t *out)
{
    const char *p = text;
    bool negative = false;
    if (*p == '+' || *p == '-') {
        negative = (*p == '-');
        p++;
    }
    if (*p == '\0')
        return PARSE_SYNTAX;
    /* Check the syntax of the whole token first, so "99999999999999999999x" is
     * reported as not a number rather than as out of range. */
    for (const char *q = p; *q != '\0'; q++)
        if (*q < '0' || *q > '9')
            return PARSE_SYNTAX;

    /* Accumulate the magnitude unsigned; a negative number may reach 2^63. */
    const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t magnitude = 0;
    for (; *p != '\0'; p++) {
        const unsigned digit = (unsigned)(*p - '0');
        if (magnitude > (limit - digit) / 10u)
            return PARSE_RANGE;
        magnitude = magnitude * 10u + digit;
    }
    if (!negative)
        *out = (int64_t)magnitude;
    else if (magnitude == (uint64_t)INT64_MAX + 1u)
        *out = INT64_MIN;
    else
        *out = -(int64_t)magnitude;
    return PARSE_OK;
}

/* A finite double that consumes the whole token. Leading blanks are refused for the
 * same reason as in parse_int64(); strtod() itself would skip them. */
static parse_result parse_double(const char *text, double *out)
{
    if (*text == '\0' || *text == ' ' || *text == '\t' || *text == '\n' || *text == '\r' ||
        *text == '\v' || *text == '\f')
        return PARSE_SYNTAX;
    char *end = NULL;
    errno = 0;
    const double x = strtod(text, &end);
    if (end == text || *end != '\0')
        return PARSE_SYNTAX;
    /* ERANGE on underflow still yields a finite (tiny or zero) value, which is fine;
     * on overflow strtod returns HUGE_VAL, which the finiteness test refuses. "inf"
     * and "nan" parse but are refused the same way. */
    if (!isfinite(x))
        return PARSE_RANGE;
    *out = x;
    return PARSE_OK;
}

/* Parses @p text as a value of @p spec's type into @p value. Leaves @p value
 * untouched on error, so a failed rv_params_set() keeps the previous value. */
static int parse_value(const rv_param_spec *spec, const char *text, param_value *value, char *error,
                       size_t error_capacity)
{
    switch (spec->type) {
    case RV_PARAM_INT64: {
        int64_t x = 0;
        const parse_result r = parse_int64(text, &x);
        if (r == PARSE_SYNTAX) {
            set_error(error, error_capacity, "--%s: not an integer: '%s'", spec->name, text);
            return RV_EINVAL;
        }
        if (r == PARSE_RANGE) {
            set_error(error, error_capacity, "--%s: integer out of range (64 bits): '%s'", spec->name, text);
            return RV_EINVAL;
        }
        value->as.i64 = x;
        return RV_OK;
    }
    case RV_PARAM_DOUBLE: {
        double x = 0.0;
        const parse_result r = parse_double(text, &x);
        if (r == PARSE_SYNTAX) {
            set_error(error, error_capacity, "--%s: not a number: '%s'", spec->name, text);
            return RV_EINVAL;
        }
        if (r == PARSE_RANGE) {
            set_error(error, error_capacity, "--%s: not a finite number: '%s'", spec->name, text);
            return RV_EINVAL;
        }
        value->as.f64 = x;
        return RV_OK;
    }
    case RV_PARAM_ID: {
        int64_t x = 0;
        const parse_result r = parse_int64(text, &x);
        if (r == PARSE_SYNTAX) {
            set_error(error, error_capacity, "--%s: not a vertex id: '%s'", spec->name, text);
            return RV_EINVAL;
        }
        if (r == PARSE_RANGE || x < 0) {
            set_error(error, error_capacity, "--%s: vertex id out of range [0, 2^63-1]: '%s'", spec->name,
                      text);
            return RV_EINVAL;
        }
        value->as.id = (rv_id)x;
        return RV_OK;
    }
    }
    set_error(error, error_capacity, "--%s: unknown parameter type %d", spec->name, (int)spec->type);
    return RV_EINVAL;
}

int rv_params_new(const rv_algorithm *algorithm, rv_params **out)
{
    if (out == NULL)
        return RV_EINVAL;
    *out = NULL;
    if (algorithm == NULL || (algorithm->n_params > 0 && algorithm->params == NULL))
        return RV_EINVAL;

    rv_params *params = malloc(sizeof *params);
    if (params == NULL)
        return RV_ENOMEM;
    params->algorithm = algorithm;
    params->values = NULL;
    /* calloc(0, ...) may return NULL legitimately, so only allocate when there is
     * something to hold. */
    if (algorithm->n_params > 0) {
        params->values = calloc(algorithm->n_params, sizeof *params->values);
        if (params->values == NULL) {
            free(params);
            return RV_ENOMEM;
        }
    }
    *out = params;
    return RV_OK;
}

int rv_params_set(rv_params *params, const char *name, const char *text, char *error, size_t error_capacity)
{
    if (params == NULL || name == NULL || text == NULL) {
        set_error(error, error_capacity, "rv_params_set: NULL argument");
        return RV_EINVAL;
    }
    const rv_algorithm *algorithm = params->algorithm;
    const size_t i = find_spec(algorithm, name);
    if (i == algorithm->n_params) {
        set_error(error, error_capacity, "unknown option '--%s' for %s", name,
                  algorithm->name != NULL ? algorithm->name : "this algorithm");
        return RV_ENOTFOUND;
    }
    param_value parsed = params->values[i];
    const int status = parse_value(&algorithm->params[i], text, &parsed, error, error_capacity);
    if (status != RV_OK)
        return status;
    parsed.has_value = true;
    parsed.set = true;
    params->values[i] = parsed;
    return RV_OK;
}

bool rv_params_is_set(const rv_params *params, const char *name)
{
    if (params == NULL || name == NULL)
        return false;
    const size_t i = find_spec(params->algorithm, name);
    return i < params->algorithm->n_params && params->values[i].set;
}

int rv_params_finish(rv_params *params, char *error, size_t error_capacity)
{
    if (params == NULL) {
        set_error(error, error_capacity, "rv_params_finish: NULL argument");
        return RV_EINVAL;
    }
    const rv_algorithm *algorithm = params->algorithm;
    for (size_t i = 0; i < algorithm->n_params; i++) {
        param_value *value = &params->values[i];
        if (value->has_value)
            continue;
        const rv_param_spec *spec = &algorithm->params[i];
        if (spec->default_value == NULL) {
            set_error(error, error_capacity, "missing required option --%s", spec->name);
            return RV_EINVAL;
        }
        /* A default that does not parse is a bug in the algorithm's table, but it is
         * still reported rather than asserted: plug-ins are not ours to trust. */
        char reason[256];
        param_value parsed = *value;
        if (parse_value(spec, spec->default_value, &parsed, reason, sizeof reason) != RV_OK) {
            set_error(error, error_capacity, "invalid default value of %s: %s",
                      algorithm->name != NULL ? algorithm->name : "algorithm", reason);
            return RV_EINVAL;
        }
        parsed.has_value = true;
        *value = parsed;
    }
    return RV_OK;
}

void rv_params_free(rv_params **params)
{
    if (params == NULL || *params == NULL)
        return;
    free((*params)->values);
    free(*params);
    *params = NULL;
}

/* Looks up @p name for a getter: RV_EINVAL when declared with another type (a bug in
 * the caller), RV_ENOTFOUND when unknown or without a value yet. */
static int lookup(const rv_params *params, const char *name, rv_param_type type, const param_value **out)
{
    if (params == NULL || name == NULL)
        return RV_EINVAL;
    const size_t i = find_spec(params->algorithm, name);
    if (i == params->algorithm->n_params)
        return RV_ENOTFOUND;
    if (params->algorithm->params[i].type != type)
        return RV_EINVAL;
    if (!params->values[i].has_value)
        return RV_ENOTFOUND;
    *out = &params->values[i];
    return RV_OK;
}

int rv_params_get_int64(const rv_params *params, const char *name, int64_t *out)
{
    const param_value *value = NULL;
    if (out == NULL)
        return RV_EINVAL;
    const int status = lookup(params, name, RV_PARAM_INT64, &value);
    if (status == RV_OK)
        *out = value->as.i64;
    return status;
}

int rv_params_get_double(const rv_params *params, const char *name, double *out)
{
    const param_value *value = NULL;
    if (out == NULL)
        return RV_EINVAL;
    const int status = lookup(params, name, RV_PARAM_DOUBLE, &value);
    if (status == RV_OK)
        *out = value->as.f64;
    return status;
}

int rv_params_get_id(const rv_params *params, const char *name, rv_id *out)
{
    const param_value *value = NULL;
    if (out == NULL)
        return RV_EINVAL;
    const int status = lookup(params, name, RV_PARAM_ID, &value);
    if (status == RV_OK)
        *out = value->as.id;
    return status;
}
