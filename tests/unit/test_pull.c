/* test_pull.c — unit tests of the in-edge index and the pull of broadcast values (src/pull.c) against a plain fold along each in-list. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "combine.h"
#include "graph.h"
#include "pull.h"
#include "suite.h"

/* A rank's out-edges without an MPI session: only what the index reads. */
typedef struct test_graph {
    rv_graph g;
    uint64_t *offsets, *ends;
    uint32_t *targets;
} test_graph;

static uint64_t rng_state;
static uint64_t next_random(void)
{
    /* splitmix64: reproducible, and good enough to draw a graph. */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* @p n_local vertices and @p n_ghost ghosts; vertex v has up to @p max_degree
 * out-edges, to targets drawn so that in-degrees are skewed: a few slots get many
 * in-edges (long lists), most get a few, some none. With @p slack, every list has
 * spare room after it (a stream-patched graph). */
static void make_graph(test_graph *t, uint32_t n_local, uint32_t n_ghost, unsigned max_degree, bool slack)
{
    memset(t, 0, sizeof *t);
    uint32_t n_slots = n_local + n_ghost;
    t->offsets = calloc((size_t)n_local + 1, sizeof *t->offsets);
    t->ends = slack ? calloc(n_local, sizeof *t->ends) : NULL;
    uint64_t capacity = (uint64_t)n_local * (max_degree + 2) + 1;
    t->targets = calloc(capacity, sizeof *t->targets);
    uint64_t at = 0, m = 0;
    for (uint32_t v = 0; v < n_local; v++) {
        t->offsets[v] = at;
        unsigned degree = (unsigned)(next_random() % (max_degree + 1));
        for (unsigned i = 0; i < degree; i++) {
            uint64_t r = next_random();
            /* One edge in four goes to one of 16 hubs; the rest anywhere. */
            uint32_t target = (r & 3) == 0 ? (uint32_t)((r >> 2) % 16) * (n_slots / 16) : (uint32_t)((r >> 2) % n_slots);
            t->targets[at++] = target;
            m++;
        }
        if (slack) {
            t->ends[v] = at;
            at += 2; /* room the pull must not read */
            t->targets[at - 1] = t->targets[at - 2] = UINT32_MAX;
        }
    }
    t->offsets[n_local] = at;
    t->g.n_local = n_local;
    t->g.n_ghost = n_ghost;
    t->g.offsets = t->offsets;
    t->g.ends = t->ends;
    t->g.targets = t->targets;
    t->g.m_local = m;
}

static void free_graph(test_graph *t)
{
    free(t->offsets);
    free(t->ends);
    free(t->targets);
}

/* The documented order: a short list folds its sources one after another onto the
 * cell; a long one folds edge i into accumulator i mod 4, then (0+1)+(2+3) onto the
 * cell. Sources of a list come in ascending local order. Written plainly: the
 * in-lists are counted out slot by slot, without runs or blocks. */
static void reference_pull(const test_graph *t, rv_combiner kind, const unsigned char *value, const uint8_t *flag,
                           unsigned char *box, uint8_t *has)
{
    const rv_graph *g = &t->g;
    size_t n_slots = (size_t)g->n_local + g->n_ghost;
    uint64_t *begin = calloc(n_slots + 1, sizeof *begin), *fill = calloc(n_slots + 1, sizeof *fill);
    uint32_t *source = calloc(g->m_local + 1, sizeof *source);
    for (uint32_t v = 0; v < g->n_local; v++)
        for (uint64_t e = g->offsets[v]; e < rv__graph_edges_end(g, v); e++)
            begin[g->targets[e] + 1]++;
    for (size_t s = 0; s < n_slots; s++)
        begin[s + 1] += begin[s];
    memcpy(fill, begin, (n_slots + 1) * sizeof *fill);
    for (uint32_t v = 0; v < g->n_local; v++)
        for (uint64_t e = g->offsets[v]; e < rv__graph_edges_end(g, v); e++)
            source[fill[g->targets[e]]++] = v;
    unsigned char identity[8];
    rv__fill_identity(identity, 1, kind);
    for (size_t s = 0; s < n_slots; s++) {
        uint64_t degree = begin[s + 1] - begin[s];
        unsigned char part[4][8];
        for (int j = 0; j < 4; j++)
            memcpy(part[j], identity, 8);
        for (uint64_t i = 0; i < degree; i++) {
            uint32_t v = source[begin[s] + i];
            const unsigned char *x = flag[v] ? value + 8 * (size_t)v : identity;
            rv__fold_cell(degree <= RV__PULL_SHORT_MAX ? box + 8 * s : part[i % 4], kind, x);
            has[s] |= flag[v];
        }
        if (degree > RV__PULL_SHORT_MAX) {
            rv__fold_cell(part[0], kind, part[1]);
            rv__fold_cell(part[2], kind, part[3]);
            rv__fold_cell(part[0], kind, part[2]);
            rv__fold_cell(box + 8 * s, kind, part[0]);
        }
    }
    free(begin);
    free(fill);
    free(source);
}

/* Builds the index of a random graph and pulls with every built-in combiner, every
 * vertex broadcasting or one in three, onto a box that already holds some pushed
 * messages, and (reset mode) onto a box of garbage that the pull must empty first;
 * the box and the presence flags must equal the reference bit for bit. */
static void check_pull(uint32_t n_local, uint32_t n_ghost, unsigned max_degree, bool slack)
{
    test_graph t;
    make_graph(&t, n_local, n_ghost, max_degree, slack);
    rv__pull_index x;
    CU_ASSERT_EQUAL_FATAL(rv__pull_index_build(&x, &t.g), RV_OK);
    CU_ASSERT_TRUE(x.built);
    size_t n_slots = (size_t)n_local + n_ghost;
    unsigned char *value = malloc(8 * (size_t)n_local + 8), *box = malloc(8 * n_slots + 8),
                  *expected_box = malloc(8 * n_slots + 8);
    uint8_t *flag = calloc(n_local + 1, 1), *has = calloc(n_slots + 1, 1), *expected_has = calloc(n_slots + 1, 1);
    for (rv_combiner kind = RV_COMBINE_SUM_DOUBLE; kind <= RV_COMBINE_MAX_INT64; kind++) {
        for (int mode = 0; mode < 4; mode++) {
            bool everyone = mode & 1, reset = mode & 2;
            for (uint32_t v = 0; v < n_local; v++) {
                flag[v] = everyone || next_random() % 3 == 0;
                uint64_t r = next_random();
                if (kind <= RV_COMBINE_MAX_DOUBLE) {
                    /* Values of mixed magnitude, so that the order of a sum shows;
                     * a stale value is NaN, which would poison any fold that read it. */
                    double d = flag[v] ? ldexp((double)(r % 1000003), (int)(r >> 40) % 40 - 20) : NAN;
                    memcpy(value + 8 * (size_t)v, &d, 8);
                } else {
                    int64_t i = flag[v] ? (int64_t)(r % 2000001) - 1000000 : INT64_MIN / 3;
                    memcpy(value + 8 * (size_t)v, &i, 8);
                }
            }
            /* A few slots already hold a pushed message. */
            rv__fill_identity(box, n_slots, kind);
            memset(has, 0, n_slots);
            for (size_t s = 0; !reset && s < n_slots; s += 7) {
                int64_t i = (int64_t)s;
                double d = (double)s * 0.5;
                memcpy(box + 8 * s, kind <= RV_COMBINE_MAX_DOUBLE ? (const void *)&d : (const void *)&i, 8);
                has[s] = 1;
            }
            memcpy(expected_box, box, 8 * n_slots);
            memcpy(expected_has, has, n_slots);
            reference_pull(&t, kind, value, flag, expected_box, expected_has);
            if (reset) {
                /* Old messages: NaN cells (0xff bytes) and set flags, which the pull must not fold onto. */
                memset(box, 0xff, 8 * n_slots);
                memset(has, 1, n_slots);
            }
            rv__pull(&x, kind, everyone, reset, value, flag, box, has);
            CU_ASSERT_EQUAL(memcmp(box, expected_box, 8 * n_slots), 0);
            CU_ASSERT_EQUAL(memcmp(has, expected_has, n_slots), 0);
        }
    }
    free(value);
    free(box);
    free(expected_box);
    free(flag);
    free(has);
    free(expected_has);
    rv__pull_index_destroy(&x);
    free_graph(&t);
}

static void test_one_block(void)
{
    rng_state = 1;
    check_pull(300, 120, 12, false);
}

/* Several blocks of RV__PULL_BLOCK slots, the last one partial. */
static void test_several_blocks(void)
{
    rng_state = 2;
    check_pull(2 * RV__PULL_BLOCK + 77, RV__PULL_BLOCK / 2 + 5, 6, false);
}

/* Lists with slack after them: the pull reads edges only, never the spare room. */
static void test_lists_with_slack(void)
{
    rng_state = 3;
    check_pull(500, 0, 20, true);
}

/* A long list that is not a multiple of four, and a sum whose order shows: the four
 * accumulators give (a+c)+(b+d)-style results that a sequential sum would not. */
static void test_long_list_order(void)
{
    /* Slot 0 has 11 in-edges, from vertices 1..11 (one out-edge each); vertex 0 has
     * none. */
    uint64_t offsets[13];
    uint32_t targets[11] = {0};
    offsets[0] = 0;
    for (int v = 1; v <= 12; v++)
        offsets[v] = (uint64_t)(v - 1);
    rv_graph g = {.n_local = 12, .offsets = offsets, .targets = targets, .m_local = 11};
    rv__pull_index x;
    CU_ASSERT_EQUAL_FATAL(rv__pull_index_build(&x, &g), RV_OK);
    double value[12] = {0}, box[12];
    uint8_t flag[12] = {0}, has[12] = {0};
    for (int v = 1; v <= 11; v++) {
        value[v] = v == 1 ? 1e16 : 1.0; /* 1e16 + 1 rounds back to 1e16 */
        flag[v] = 1;
    }
    rv__fill_identity((unsigned char *)box, 12, RV_COMBINE_SUM_DOUBLE);
    rv__pull(&x, RV_COMBINE_SUM_DOUBLE, true, false, (const unsigned char *)value, flag, (unsigned char *)box, has);
    /* Edges 0..10 carry sources 1..11: accumulator 0 gets sources 1, 5, 9, 1 gets
     * 2, 6, 10, 2 gets 3, 7, 11, and 3 gets 4, 8. A sequential sum loses every 1.0
     * to the 1e16 before it; the accumulators add them up first. */
    double a0 = 1e16 + 1.0 + 1.0, a1 = 1.0 + 1.0 + 1.0, a2 = 1.0 + 1.0 + 1.0, a3 = 1.0 + 1.0;
    double expected = -0.0 + ((a0 + a1) + (a2 + a3)), sequential = -0.0;
    for (int v = 1; v <= 11; v++)
        sequential += value[v];
    CU_ASSERT_EQUAL(box[0], expected);
    CU_ASSERT_NOT_EQUAL(expected, sequential); /* the order shows in this sum */
    CU_ASSERT_EQUAL(has[0], 1);
    for (int s = 1; s < 12; s++)
        CU_ASSERT_EQUAL(has[s], 0);
    rv__pull_index_destroy(&x);
}

/* No edges at all: an empty index, and a pull that changes nothing, or only empties the box. */
static void test_no_edges(void)
{
    uint64_t offsets[4] = {0};
    uint32_t targets[1] = {0};
    rv_graph g = {.n_local = 3, .n_ghost = 2, .offsets = offsets, .targets = targets};
    rv__pull_index x;
    CU_ASSERT_EQUAL_FATAL(rv__pull_index_build(&x, &g), RV_OK);
    int64_t value[3] = {1, 2, 3}, box[5] = {7, 7, 7, 7, 7};
    uint8_t flag[3] = {1, 1, 1}, has[5] = {0};
    rv__pull(&x, RV_COMBINE_SUM_INT64, true, false, (const unsigned char *)value, flag, (unsigned char *)box, has);
    for (int s = 0; s < 5; s++) {
        CU_ASSERT_EQUAL(box[s], 7);
        CU_ASSERT_EQUAL(has[s], 0);
    }
    /* Reset mode still empties every slot, those without in-edges included. */
    memset(has, 1, sizeof has);
    rv__pull(&x, RV_COMBINE_SUM_INT64, true, true, (const unsigned char *)value, flag, (unsigned char *)box, has);
    for (int s = 0; s < 5; s++) {
        CU_ASSERT_EQUAL(box[s], 0);
        CU_ASSERT_EQUAL(has[s], 0);
    }
    rv__pull_index_destroy(&x);
}

int main(void)
{
    static const rv_test_case tests[] = {
        {"one block, every combiner", test_one_block},
        {"several blocks, every combiner", test_several_blocks},
        {"lists with slack", test_lists_with_slack},
        {"long list: four accumulators", test_long_list_order},
        {"no edges", test_no_edges},
    };
    return rv_test_run_table("pull", tests, sizeof tests / sizeof *tests);
}
