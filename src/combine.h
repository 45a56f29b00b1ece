/* combine.h — the built-in combiners as inline folds, and the one dispatch that turns a combiner kind into a compile-time constant. */
#ifndef RV_COMBINE_H
#define RV_COMBINE_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "rivulet.h"

/* Fills @p n 8-byte cells of @p box with the identity of built-in combiner @p kind. */
static inline void rv__fill_identity(unsigned char *box, size_t n, rv_combiner kind)
{
    /* -0.0, not +0.0, is the exact identity of a sum: x + -0.0 == x for every x,
     * including -0.0 itself. */
    double d = kind == RV_COMBINE_MIN_DOUBLE ? INFINITY : kind == RV_COMBINE_MAX_DOUBLE ? -INFINITY : -0.0;
    int64_t i = kind == RV_COMBINE_MIN_INT64 ? INT64_MAX : kind == RV_COMBINE_MAX_INT64 ? INT64_MIN : 0;
    const void *identity = kind <= RV_COMBINE_MAX_DOUBLE ? (const void *)&d : (const void *)&i;
    for (size_t k = 0; k < n; k++)
        memcpy(box + 8 * k, identity, 8);
}

/* Built-in combiner @p kind (a double one) applied to @p a and @p x. */
static inline __attribute__((always_inline)) double rv__combine_double(rv_combiner kind, double a, double x)
{
    return kind == RV_COMBINE_SUM_DOUBLE ? a + x : kind == RV_COMBINE_MIN_DOUBLE ? (x < a ? x : a) : (x > a ? x : a);
}

/* Built-in combiner @p kind (an int64 one) applied to @p a and @p x. Sums wrap like
 * the two's-complement hardware; the casts avoid signed overflow. */
static inline __attribute__((always_inline)) int64_t rv__combine_int64(rv_combiner kind, int64_t a, int64_t x)
{
    return kind == RV_COMBINE_SUM_INT64 ? (int64_t)((uint64_t)a + (uint64_t)x)
         : kind == RV_COMBINE_MIN_INT64 ? (x < a ? x : a) : (x > a ? x : a);
}

/* Folds the 8-byte @p message into the 8-byte @p cell with built-in combiner @p kind.
 * Inlined with a constant @p kind, this is one load, one operation and one store. */
static inline __attribute__((always_inline)) void rv__fold_cell(unsigned char *restrict cell, rv_combiner kind,
                                                                const void *message)
{
    if (kind <= RV_COMBINE_MAX_DOUBLE) {
        double a, x;
        memcpy(&a, cell, 8);
        memcpy(&x, message, 8);
        a = rv__combine_double(kind, a, x);
        memcpy(cell, &a, 8);
    } else {
        int64_t a, x;
        memcpy(&a, cell, 8);
        memcpy(&x, message, 8);
        a = rv__combine_int64(kind, a, x);
        memcpy(cell, &a, 8);
    }
}

/* Folds @p message into cell @p s of @p box and marks the slot in @p has. */
static inline __attribute__((always_inline)) void rv__fold_builtin(unsigned char *restrict box, uint8_t *restrict has,
                                                                   rv_combiner kind, uint32_t s, const void *message)
{
    rv__fold_cell(box + (size_t)s * 8, kind, message);
    has[s] = 1;
}

/* Runs STATEMENT with K bound, as a compile-time constant, to the built-in combiner
 * @p kind, so that the always-inline helpers it calls become one tight loop per
 * combiner; runs CUSTOM for a program's own combiner. One dispatch, written once,
 * for every place that folds messages. */
#define RV__WITH_BUILTIN_COMBINER(kind, K, STATEMENT, CUSTOM)                                              \
    switch (kind) {                                                                                      \
    case RV_COMBINE_SUM_DOUBLE: { const rv_combiner K = RV_COMBINE_SUM_DOUBLE; STATEMENT; } break;        \
    case RV_COMBINE_MIN_DOUBLE: { const rv_combiner K = RV_COMBINE_MIN_DOUBLE; STATEMENT; } break;        \
    case RV_COMBINE_MAX_DOUBLE: { const rv_combiner K = RV_COMBINE_MAX_DOUBLE; STATEMENT; } break;        \
    case RV_COMBINE_SUM_INT64: { const rv_combiner K = RV_COMBINE_SUM_INT64; STATEMENT; } break;          \
    case RV_COMBINE_MIN_INT64: { const rv_combiner K = RV_COMBINE_MIN_INT64; STATEMENT; } break;          \
    case RV_COMBINE_MAX_INT64: { const rv_combiner K = RV_COMBINE_MAX_INT64; STATEMENT; } break;          \
    default: CUSTOM; break;                                                                              \
    }

#endif
