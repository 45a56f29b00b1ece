/* pull.c — the in-edge index grouped by in-degree, and the pull of broadcast values along it (see pull.h). */
#include "pull.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "combine.h"

/* The value an edge PULL_AHEAD places further on reads is asked for now: the reads
 * are random, so no hardware prefetcher can guess them. The sources array has that
 * many zeros after its end, so the request needs no bounds test. */
enum { PULL_AHEAD = 64, LONG_RUN = RV__PULL_SHORT_MAX };

void rv__pull_index_destroy(rv__pull_index *x)
{
    free(x->run_slot);
    free(x->run_edge);
    free(x->run_long);
    free(x->slots);
    free(x->sources);
    free(x->long_degree);
    *x = (rv__pull_index){0};
}

/* The run of slot @p t, whose in-degree is @p d > 0. */
static uint64_t run_of(size_t t, uint64_t d)
{
    return (uint64_t)(t / RV__PULL_BLOCK) * RV__PULL_RUNS + (d <= RV__PULL_SHORT_MAX ? d - 1 : LONG_RUN);
}

int rv__pull_index_build(rv__pull_index *x, const rv_graph *g)
{
    size_t n_slots = (size_t)g->n_local + g->n_ghost;
    *x = (rv__pull_index){.n_slots = n_slots};
    x->n_runs = (uint64_t)(n_slots + RV__PULL_BLOCK - 1) / RV__PULL_BLOCK * RV__PULL_RUNS;
    /* at[t]: first the in-degree of slot t, then where its next source goes. */
    uint64_t *at = calloc(n_slots + 1, sizeof *at);
    uint64_t *next_slot = calloc(x->n_runs + 1, sizeof *next_slot);
    uint64_t *next_edge = calloc(x->n_runs + 1, sizeof *next_edge);
    x->run_slot = calloc(x->n_runs + 1, sizeof *x->run_slot);
    x->run_edge = calloc(x->n_runs + 1, sizeof *x->run_edge);
    x->run_long = calloc(x->n_runs + 1, sizeof *x->run_long);
    int status = at && next_slot && next_edge && x->run_slot && x->run_edge && x->run_long ? RV_OK : RV_ENOMEM;
    uint64_t n_edges = 0;
    for (uint32_t v = 0; status == RV_OK && v < g->n_local; v++)
        for (uint64_t e = g->offsets[v], end = rv__graph_edges_end(g, v); e < end; e++, n_edges++)
            at[g->targets[e]]++;
    if (status == RV_OK) {
        /* Sizes of the runs (in next_*), then where each begins. */
        for (size_t t = 0; t < n_slots; t++) {
            if (at[t] == 0)
                continue;
            uint64_t r = run_of(t, at[t]);
            next_slot[r]++;
            next_edge[r] += at[t];
        }
        for (uint64_t r = 0; r < x->n_runs; r++) {
            bool is_long = r % RV__PULL_RUNS == LONG_RUN;
            x->run_slot[r + 1] = x->run_slot[r] + next_slot[r];
            x->run_edge[r + 1] = x->run_edge[r] + next_edge[r];
            x->run_long[r + 1] = x->run_long[r] + (is_long ? next_slot[r] : 0);
            next_slot[r] = x->run_slot[r];
            next_edge[r] = x->run_edge[r];
        }
        x->slots = malloc((x->run_slot[x->n_runs] + 1) * sizeof *x->slots);
        x->sources = calloc(n_edges + PULL_AHEAD, sizeof *x->sources);
        x->long_degree = malloc((x->run_long[x->n_runs] + 1) * sizeof *x->long_degree);
        if (!x->slots || !x->sources || !x->long_degree)
            status = RV_ENOMEM;
    }
    if (status == RV_OK) {
        for (size_t t = 0; t < n_slots; t++) {
            uint64_t d = at[t];
            if (d == 0)
                continue;
            uint64_t r = run_of(t, d);
            uint64_t i = next_slot[r]++;
            x->slots[i] = (uint32_t)t;
            if (r % RV__PULL_RUNS == LONG_RUN)
                x->long_degree[x->run_long[r] + (i - x->run_slot[r])] = (uint32_t)d;
            at[t] = next_edge[r];
            next_edge[r] += d;
        }
        /* Sources in local order, so each list comes out ascending. Local vertices
         * are numbered hubs first (graph.h), so most reads land in a small, cached
         * prefix. */
        for (uint32_t v = 0; v < g->n_local; v++)
            for (uint64_t e = g->offsets[v], end = rv__graph_edges_end(g, v); e < end; e++)
                x->sources[at[g->targets[e]]++] = v;
        x->built = true;
    }
    free(at);
    free(next_slot);
    free(next_edge);
    if (status != RV_OK)
        rv__pull_index_destroy(x);
    return status;
}

/* What vertex @p s broadcast, or the combiner's identity when it did not (its
 * value is then stale). */
static inline __attribute__((always_inline)) const unsigned char *
broadcast_of(const unsigned char *value, const uint8_t *flag, const unsigned char *identity, bool everyone, uint32_t s)
{
    return everyone || flag[s] ? value + 8 * (size_t)s : identity;
}

/* Pulls the slots of in-degree @p d, a constant once inlined: the inner loop unrolls
 * and no branch depends on the list's length. */
static inline __attribute__((always_inline)) void pull_short(const rv__pull_index *x, uint64_t r, rv_combiner kind,
                                                             bool everyone, unsigned d, const unsigned char *value,
                                                             const uint8_t *flag, unsigned char *box, uint8_t *has)
{
    const uint32_t *restrict slots = x->slots;
    const uint32_t *restrict sources = x->sources;
    uint64_t e = x->run_edge[r];
    unsigned char identity[8];
    rv__fill_identity(identity, 1, kind);
    for (uint64_t i = x->run_slot[r]; i < x->run_slot[r + 1]; i++, e += d) {
        uint32_t t = slots[i];
        uint8_t any = has[t];
        for (unsigned j = 0; j < d; j++) {
            __builtin_prefetch(value + 8 * (size_t)sources[e + j + PULL_AHEAD]);
            any |= everyone ? 1 : flag[sources[e + j]];
        }
        /* A typed accumulator stays in a register (see DEFINE_PULL_LONG). */
        if (kind <= RV_COMBINE_MAX_DOUBLE) {
            double acc, in;
            memcpy(&acc, box + 8 * (size_t)t, 8);
            for (unsigned j = 0; j < d; j++) {
                memcpy(&in, broadcast_of(value, flag, identity, everyone, sources[e + j]), 8);
                acc = rv__combine_double(kind, acc, in);
            }
            memcpy(box + 8 * (size_t)t, &acc, 8);
        } else {
            int64_t acc, in;
            memcpy(&acc, box + 8 * (size_t)t, 8);
            for (unsigned j = 0; j < d; j++) {
                memcpy(&in, broadcast_of(value, flag, identity, everyone, sources[e + j]), 8);
                acc = rv__combine_int64(kind, acc, in);
            }
            memcpy(box + 8 * (size_t)t, &acc, 8);
        }
        has[t] = any;
    }
}

/* The long lists of run @p r, with four accumulators of type T folded by COMBINE:
 * edge i of a list into accumulator i mod 4, so that four folds are in flight
 * instead of one. Defined once per cell type (double, int64_t): with typed
 * accumulators the compiler keeps all four in registers, which it does not for
 * byte cells. */
#define DEFINE_PULL_LONG(NAME, T, COMBINE)                                                                      \
    static inline __attribute__((always_inline)) void NAME(const rv__pull_index *x, uint64_t r, rv_combiner kind, \
                                                           bool everyone, const unsigned char *value,             \
                                                           const uint8_t *flag, unsigned char *box, uint8_t *has) \
    {                                                                                                           \
        const uint32_t *restrict sources = x->sources;                                                          \
        const uint32_t *restrict degree = x->long_degree + x->run_long[r];                                      \
        unsigned char identity[8];                                                                              \
        rv__fill_identity(identity, 1, kind);                                                                   \
        T zero, a0, a1, a2, a3, in;                                                                             \
        memcpy(&zero, identity, 8);                                                                             \
        uint64_t e = x->run_edge[r], first = x->run_slot[r];                                                    \
        for (uint64_t i = first; i < x->run_slot[r + 1]; i++) {                                                 \
            uint32_t t = x->slots[i];                                                                           \
            uint64_t end = e + degree[i - first];                                                               \
            uint8_t any = has[t];                                                                               \
            a0 = a1 = a2 = a3 = zero;                                                                           \
            for (; e + 4 <= end; e += 4) {                                                                      \
                __builtin_prefetch(value + 8 * (size_t)sources[e + PULL_AHEAD]);                                \
                __builtin_prefetch(value + 8 * (size_t)sources[e + PULL_AHEAD + 1]);                            \
                __builtin_prefetch(value + 8 * (size_t)sources[e + PULL_AHEAD + 2]);                            \
                __builtin_prefetch(value + 8 * (size_t)sources[e + PULL_AHEAD + 3]);                            \
                uint32_t s0 = sources[e], s1 = sources[e + 1], s2 = sources[e + 2], s3 = sources[e + 3];        \
                memcpy(&in, broadcast_of(value, flag, identity, everyone, s0), 8);                              \
                a0 = COMBINE(kind, a0, in);                                                                     \
                memcpy(&in, broadcast_of(value, flag, identity, everyone, s1), 8);                              \
                a1 = COMBINE(kind, a1, in);                                                                     \
                memcpy(&in, broadcast_of(value, flag, identity, everyone, s2), 8);                              \
                a2 = COMBINE(kind, a2, in);                                                                     \
                memcpy(&in, broadcast_of(value, flag, identity, everyone, s3), 8);                              \
                a3 = COMBINE(kind, a3, in);                                                                     \
                any |= everyone ? 1 : flag[s0] | flag[s1] | flag[s2] | flag[s3];                                \
            }                                                                                                   \
            /* The last one to three edges go to accumulators 0, 1 and 2, in turn. */                           \
            for (unsigned j = 0; e < end; e++, j++) {                                                           \
                memcpy(&in, broadcast_of(value, flag, identity, everyone, sources[e]), 8);                      \
                if (j == 0)                                                                                     \
                    a0 = COMBINE(kind, a0, in);                                                                 \
                else if (j == 1)                                                                                \
                    a1 = COMBINE(kind, a1, in);                                                                 \
                else                                                                                            \
                    a2 = COMBINE(kind, a2, in);                                                                 \
                any |= everyone ? 1 : flag[sources[e]];                                                         \
            }                                                                                                   \
            T cell;                                                                                             \
            memcpy(&cell, box + 8 * (size_t)t, 8);                                                              \
            cell = COMBINE(kind, cell, COMBINE(kind, COMBINE(kind, a0, a1), COMBINE(kind, a2, a3)));            \
            memcpy(box + 8 * (size_t)t, &cell, 8);                                                              \
            has[t] = any;                                                                                       \
        }                                                                                                       \
    }

DEFINE_PULL_LONG(pull_long_double, double, rv__combine_double)
DEFINE_PULL_LONG(pull_long_int64, int64_t, rv__combine_int64)

static inline __attribute__((always_inline)) void pull_all(const rv__pull_index *x, rv_combiner kind, bool everyone,
                                                           bool reset, const unsigned char *value,
                                                           const uint8_t *flag, unsigned char *box, uint8_t *has)
{
    _Static_assert(RV__PULL_SHORT_MAX == 8, "pull_all() has one pull_short() per short in-degree");
    for (uint64_t r = 0, first = 0; r < x->n_runs; r += RV__PULL_RUNS, first += RV__PULL_BLOCK) {
        if (reset) {
            size_t n = x->n_slots - first < RV__PULL_BLOCK ? x->n_slots - first : RV__PULL_BLOCK;
            rv__fill_identity(box + 8 * first, n, kind);
            memset(has + first, 0, n);
        }
        pull_short(x, r + 0, kind, everyone, 1, value, flag, box, has);
        pull_short(x, r + 1, kind, everyone, 2, value, flag, box, has);
        pull_short(x, r + 2, kind, everyone, 3, value, flag, box, has);
        pull_short(x, r + 3, kind, everyone, 4, value, flag, box, has);
        pull_short(x, r + 4, kind, everyone, 5, value, flag, box, has);
        pull_short(x, r + 5, kind, everyone, 6, value, flag, box, has);
        pull_short(x, r + 6, kind, everyone, 7, value, flag, box, has);
        pull_short(x, r + 7, kind, everyone, 8, value, flag, box, has);
        if (kind <= RV_COMBINE_MAX_DOUBLE)
            pull_long_double(x, r + LONG_RUN, kind, everyone, value, flag, box, has);
        else
            pull_long_int64(x, r + LONG_RUN, kind, everyone, value, flag, box, has);
    }
}

void rv__pull(const rv__pull_index *x, rv_combiner kind, bool everyone, bool reset, const unsigned char *value,
              const uint8_t *flag, unsigned char *box, uint8_t *has)
{
    /* Both the combiner and everyone become constants, so their tests leave the loops. */
    if (everyone)
        RV__WITH_BUILTIN_COMBINER(kind, K, pull_all(x, K, true, reset, value, flag, box, has), (void)0)
    else
        RV__WITH_BUILTIN_COMBINER(kind, K, pull_all(x, K, false, reset, value, flag, box, has), (void)0)
}
