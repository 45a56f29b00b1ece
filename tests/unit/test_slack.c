/* test_slack.c — unit tests of the slack in a streamed graph's CSR (graph_slack.c): spreading, making room, compaction, against a model of the lists. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_slack.h"
#include "harness.h"

static rv_session *session;
static char tmpdir[] = "/tmp/rv-test-slack-XXXXXX";

enum { N = 40, MAX_DEGREE = 300 };

/* The model: each vertex's list of edges, an edge being (target, weight, reverse,
 * edge value), all derived from one number so that any mix-up shows. */
typedef struct model {
    uint32_t degree[N];
    uint32_t edge[N][MAX_DEGREE];
} model;

static double weight_of(uint32_t x) { return x * 0.5; }
static uint8_t reverse_of(uint32_t x) { return x % 3 == 0; }
static uint64_t value_of(uint32_t x) { return (uint64_t)x * 1000003; }

/* A packed graph holding the model's lists, with edge values. */
static void make_graph(const model *md, rv_graph *g, unsigned char **values)
{
    memset(g, 0, sizeof *g);
    g->n_local = N;
    g->offsets = malloc((N + 1) * sizeof *g->offsets);
    uint64_t m = 0;
    for (int v = 0; v < N; v++) {
        g->offsets[v] = m;
        m += md->degree[v];
    }
    g->offsets[N] = m;
    g->m_local = m;
    g->targets = malloc((m + 1) * sizeof *g->targets);
    g->weights = malloc((m + 1) * sizeof *g->weights);
    g->reverse = malloc(m + 1);
    *values = malloc((m + 1) * 8);
    for (int v = 0; v < N; v++)
        for (uint32_t i = 0; i < md->degree[v]; i++) {
            uint64_t e = g->offsets[v] + i;
            uint32_t x = md->edge[v][i];
            g->targets[e] = x;
            g->weights[e] = weight_of(x);
            g->reverse[e] = reverse_of(x);
            uint64_t value = value_of(x);
            memcpy(*values + e * 8, &value, 8);
        }
}

/* Whether the graph holds exactly the model's lists, in order, inside its span. */
static bool graph_matches(const model *md, const rv_graph *g, const unsigned char *values)
{
    for (int v = 0; v < N; v++) {
        uint64_t begin = g->offsets[v], end = rv__graph_edges_end(g, v);
        if (end - begin != md->degree[v] || end > g->offsets[v + 1] || g->offsets[v + 1] < g->offsets[v])
            return false;
        for (uint32_t i = 0; i < md->degree[v]; i++) {
            uint64_t e = begin + i, value;
            uint32_t x = md->edge[v][i];
            memcpy(&value, values + e * 8, 8);
            if (g->targets[e] != x || g->weights[e] != weight_of(x) || g->reverse[e] != reverse_of(x) ||
                value != value_of(x))
                return false;
        }
    }
    return true;
}

static void free_graph(rv_graph *g, unsigned char *values)
{
    free(g->offsets);
    free(g->ends);
    free(g->targets);
    free(g->weights);
    free(g->reverse);
    free(values);
}

/* Appends edge @p x to vertex @p v in the graph, as a patch does after making room. */
static void append(rv_graph *g, unsigned char *values, uint32_t v, uint32_t x)
{
    uint64_t e = g->ends[v]++;
    g->targets[e] = x;
    g->weights[e] = weight_of(x);
    g->reverse[e] = reverse_of(x);
    uint64_t value = value_of(x);
    memcpy(values + e * 8, &value, 8);
    g->m_local++;
}

static void test_spread_and_compact(void)
{
    model md = {0};
    uint32_t next = 1;
    for (int v = 0; v < N; v++) {
        md.degree[v] = (uint32_t)(v % 7 == 0 ? 40 : v % 4); /* hubs, small lists, empty ones */
        for (uint32_t i = 0; i < md.degree[v]; i++)
            md.edge[v][i] = next++;
    }
    rv_graph g;
    unsigned char *values;
    make_graph(&md, &g, &values);
    rv__edge_arrays e = rv__edge_arrays_of(&g, &values, 8);
    CU_ASSERT_EQUAL_FATAL(rv__graph_spread(&g, &e), RV_OK);
    CU_ASSERT_PTR_NOT_NULL(g.ends);
    CU_ASSERT_TRUE(graph_matches(&md, &g, values));
    for (int v = 0; v < N; v++)
        CU_ASSERT_TRUE(g.offsets[v + 1] - g.ends[v] >= 1); /* every list has slack */
    rv__graph_compact(&g, &e);
    CU_ASSERT_PTR_NULL(g.ends);
    CU_ASSERT_EQUAL(g.offsets[N], g.m_local);
    CU_ASSERT_TRUE(graph_matches(&md, &g, values));
    free_graph(&g, values);
}

/* Random growth, including lists that outgrow their slack many times over, the last
 * vertex (the arrays grow) and removals (lists shrink in place), checked against the
 * model after every step and after compaction. */
static void test_random_growth(void)
{
    srand(7);
    model md = {0};
    uint32_t next = 1;
    for (int v = 0; v < N; v++) {
        md.degree[v] = (uint32_t)(rand() % 5);
        for (uint32_t i = 0; i < md.degree[v]; i++)
            md.edge[v][i] = next++;
    }
    rv_graph g;
    unsigned char *values;
    make_graph(&md, &g, &values);
    rv__edge_arrays e = rv__edge_arrays_of(&g, &values, 8);
    CU_ASSERT_EQUAL_FATAL(rv__graph_spread(&g, &e), RV_OK);
    bool all_match = true;
    for (int step = 0; step < 2000; step++) {
        uint32_t v = step % 10 == 0 ? N - 1 : (uint32_t)(rand() % N);
        if (rand() % 4 == 0 && md.degree[v] > 0) {
            /* A removal: the last edge goes (the list closes up in place). */
            md.degree[v]--;
            g.ends[v]--;
            g.m_local--;
        } else {
            uint32_t k = (uint32_t)(rand() % 6 + 1);
            if (md.degree[v] + k > MAX_DEGREE)
                continue;
            CU_ASSERT_EQUAL_FATAL(rv__graph_make_room(&g, &e, N, v, md.degree[v] + k), RV_OK);
            for (uint32_t i = 0; i < k; i++) {
                md.edge[v][md.degree[v]++] = next;
                append(&g, values, v, next++);
            }
        }
        all_match = all_match && graph_matches(&md, &g, values);
    }
    CU_ASSERT_TRUE(all_match);
    uint64_t m = 0;
    for (int v = 0; v < N; v++)
        m += md.degree[v];
    CU_ASSERT_EQUAL(g.m_local, m);
    rv__graph_compact(&g, &e);
    CU_ASSERT_EQUAL(g.offsets[N], m);
    CU_ASSERT_TRUE(graph_matches(&md, &g, values));
    free_graph(&g, values);
}

int main(int argc, char **argv)
{
    if (!rv_test_open(&session, tmpdir, &argc, &argv))
        return 2;
    CU_initialize_registry();
    CU_pSuite suite = CU_add_suite("slack in the CSR", NULL, NULL);
    CU_add_test(suite, "spreading and compaction keep every list", test_spread_and_compact);
    CU_add_test(suite, "random growth and removals match a model", test_random_growth);
    bool failed = rv_test_run_all();
    return rv_test_close(&session, tmpdir, failed);
}
