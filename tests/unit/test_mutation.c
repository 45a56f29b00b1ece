/* test_mutation.c — unit tests of topology changes requested in compute() and applied at the barrier (singleton MPI, and under mpirun via tests/integration/mutation.sh). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "job.h"

static rv_session *session;
static char tmpdir[] = "/tmp/rv-test-mutation-XXXXXX";
static char edges[256], vertices[256], weighted_edges[256];
/* The suite runs twice: on hash-placed graphs, and under a METIS partition, whose
 * owners only the directory knows (new vertices then live at their hash owner). */
static rv_partition_kind placement = RV_PARTITION_HASH;

/* What every vertex records in superstep 1, after the changes of superstep 0. */
typedef struct seen {
    int64_t marker;        /* id * 100 from superstep 0, or -1 from init() */
    int64_t out_degree;
    int64_t neighbour_sum; /* of the out-neighbours' ids */
    int64_t message_sum;   /* of the payloads received in superstep 1 */
    double weight_sum;
    int64_t bad_edge_state; /* edges whose state is not 7 * target */
} seen;

static void seen_init(rv_context *ctx, void *value, void *user)
{
    (void)ctx;
    (void)user;
    *(seen *)value = (seen){.marker = -1};
}

static void seen_init_edge(rv_context *ctx, uint64_t i, void *edge_value, void *user)
{
    (void)user;
    int64_t state = 7 * (int64_t)rv_edge_target(ctx, i);
    memcpy(edge_value, &state, 8);
}

static void record(rv_context *ctx, seen *v, const void *messages, size_t n)
{
    v->out_degree = (int64_t)rv_out_degree(ctx);
    for (uint64_t i = 0; i < rv_out_degree(ctx); i++) {
        v->neighbour_sum += (int64_t)rv_edge_target(ctx, i);
        v->weight_sum += rv_edge_weight(ctx, i);
        int64_t state;
        memcpy(&state, rv_edge_value(ctx, i), 8);
        v->bad_edge_state += state != 7 * (int64_t)rv_edge_target(ctx, i);
    }
    for (size_t i = 0; i < n; i++)
        v->message_sum += ((const int64_t *)messages)[i];
}

/* On the graph 1->2, 1->3, 2->3, 3->1, 4 isolated, in superstep 0:
 *   vertex 1 removes 1->3, adds 1->5 (5 is new), removes vertex 4, adds 2->1 (an
 *     edge of another vertex) and vertex 6;
 *   vertex 2 sends 42 by id to 5, which only exists from the barrier on;
 *   vertex 3 sends 9 by id to 4, which the barrier removes (the message goes too).
 * Every vertex records what it sees in superstep 1. */
static void basic_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)user;
    seen *v = value;
    rv_id id = rv_vertex_id(ctx);
    if (rv_superstep(ctx) == 0) {
        v->marker = (int64_t)id * 100;
        if (id == 1) {
            rv_remove_edge(ctx, 1, 3);
            rv_add_edge(ctx, 1, 5, 2.5);
            rv_remove_vertex(ctx, 4);
            rv_add_edge(ctx, 2, 1, 1.0);
            rv_add_vertex(ctx, 6);
        }
        int64_t x = 42, y = 9;
        if (id == 2)
            rv_send(ctx, 5, &x);
        if (id == 3)
            rv_send(ctx, 4, &y);
    } else {
        record(ctx, v, messages, n);
        rv_vote_to_halt(ctx); /* only now: every vertex must run superstep 1 */
    }
}

/* On the same graph, conflicting requests in superstep 0:
 *   vertex 1 removes vertex 2 and adds it back (it starts afresh, without edges,
 *     and 1->2 and 2->3 are gone with it);
 *   vertex 3 adds 3->4 twice (two edges), removes 3->4 (an edge that did not exist
 *     before: removals come first, so both added edges stay), adds vertex 1 (exists:
 *     nothing changes) and removes vertex 77 (not a vertex: nothing). */
static void conflict_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)user;
    seen *v = value;
    rv_id id = rv_vertex_id(ctx);
    if (rv_superstep(ctx) == 0) {
        v->marker = (int64_t)id * 100;
        if (id == 1) {
            rv_remove_vertex(ctx, 2);
            rv_add_vertex(ctx, 2);
        }
        if (id == 3) {
            rv_add_edge(ctx, 3, 4, 1.0);
            rv_add_edge(ctx, 3, 4, 1.0);
            rv_remove_edge(ctx, 3, 4);
            rv_add_vertex(ctx, 1);
            rv_remove_vertex(ctx, 77);
        }
    } else {
        record(ctx, v, messages, n);
        rv_vote_to_halt(ctx); /* only now: every vertex must run superstep 1 */
    }
}

static rv_program seen_program(void (*compute)(rv_context *, void *, const void *, size_t, void *))
{
    return (rv_program){
        .api_version = RV_API_VERSION, .name = "mutator",
        .value_size = sizeof(seen), .message_size = sizeof(int64_t), .edge_value_size = 8,
        .init = seen_init, .init_edge = seen_init_edge, .compute = compute, .format = rv_format_int64_value,
    };
}

typedef struct expected_vertex {
    rv_id id;
    seen value;
} expected_vertex;

typedef struct check {
    const expected_vertex *expected;
    size_t n;
    size_t visited;
} check;

static void check_vertex(rv_id id, const void *value, void *arg)
{
    check *c = arg;
    const seen *v = value;
    c->visited++;
    for (size_t k = 0; k < c->n; k++) {
        if (c->expected[k].id != id)
            continue;
        const seen *e = &c->expected[k].value;
        CU_ASSERT_EQUAL(v->marker, e->marker);
        CU_ASSERT_EQUAL(v->out_degree, e->out_degree);
        CU_ASSERT_EQUAL(v->neighbour_sum, e->neighbour_sum);
        CU_ASSERT_EQUAL(v->message_sum, e->message_sum);
        CU_ASSERT_DOUBLE_EQUAL(v->weight_sum, e->weight_sum, 1e-12);
        CU_ASSERT_EQUAL(v->bad_edge_state, 0);
        if (v->marker != e->marker || v->out_degree != e->out_degree || v->neighbour_sum != e->neighbour_sum ||
            v->message_sum != e->message_sum)
            fprintf(stderr, "vertex %llu: marker %lld degree %lld neighbours %lld messages %lld\n",
                    (unsigned long long)id, (long long)v->marker, (long long)v->out_degree,
                    (long long)v->neighbour_sum, (long long)v->message_sum);
        return;
    }
    CU_FAIL("a vertex that should not exist");
    fprintf(stderr, "unexpected vertex %llu\n", (unsigned long long)id);
}

/* Runs @p program on the graph in @p edge_file and checks every vertex this rank
 * owns against @p expected, and the graph's totals. */
static void run_and_check(const char *edge_file, bool weighted, rv_program program, const expected_vertex *expected,
                          size_t n_expected, uint64_t n_edges)
{
    rv_load_options o = {.edge_file = edge_file, .vertex_file = vertices, .weight_column = weighted ? 0 : -1,
                         .keep_weights = weighted, .partition = placement};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    program.uses_weights = weighted;
    rv_job *job = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(g, &program, &job), RV_OK);
    rv_run_stats stats;
    CU_ASSERT_EQUAL(rv_job_run(job, NULL, &stats), RV_OK);
    CU_ASSERT_EQUAL(stats.supersteps, 2);
    CU_ASSERT_EQUAL(rv_graph_n_vertices(g), n_expected);
    CU_ASSERT_EQUAL(rv_graph_n_edges(g), n_edges);
    check c = {.expected = expected, .n = n_expected};
    rv_job_foreach_local(job, check_vertex, &c);
    uint64_t visited = c.visited;
    CU_ASSERT_EQUAL(rv__comm_allreduce_u64(session, &visited, 1, RV__REDUCE_SUM), RV_OK);
    CU_ASSERT_EQUAL(visited, n_expected);
    rv_job_free(&job);
    rv_graph_free(&g);
}

static void test_additions_and_removals(void)
{
    /* Edges after the barrier: 1->2, 1->5, 2->3, 2->1, 3->1. */
    const expected_vertex expected[] = {
        {1, {.marker = 100, .out_degree = 2, .neighbour_sum = 2 + 5, .weight_sum = 2}},
        {2, {.marker = 200, .out_degree = 2, .neighbour_sum = 3 + 1, .weight_sum = 2}},
        {3, {.marker = 300, .out_degree = 1, .neighbour_sum = 1, .weight_sum = 1}},
        {5, {.marker = -1, .message_sum = 42}},
        {6, {.marker = -1}},
    };
    run_and_check(edges, false, seen_program(basic_compute), expected, 5, 5);
    /* With weights: the added edge keeps its 2.5 (the file's weights are 1). */
    const expected_vertex weighted[] = {
        {1, {.marker = 100, .out_degree = 2, .neighbour_sum = 2 + 5, .weight_sum = 1 + 2.5}},
        {2, {.marker = 200, .out_degree = 2, .neighbour_sum = 3 + 1, .weight_sum = 2}},
        {3, {.marker = 300, .out_degree = 1, .neighbour_sum = 1, .weight_sum = 1}},
        {5, {.marker = -1, .message_sum = 42}},
        {6, {.marker = -1}},
    };
    run_and_check(weighted_edges, true, seen_program(basic_compute), weighted, 5, 5);
}

static void test_conflicting_requests(void)
{
    /* Edges after the barrier: 1->3, 3->1, 3->4, 3->4; vertex 2 is fresh. */
    const expected_vertex expected[] = {
        {1, {.marker = 100, .out_degree = 1, .neighbour_sum = 3, .weight_sum = 1}},
        {2, {.marker = -1}},
        {3, {.marker = 300, .out_degree = 3, .neighbour_sum = 1 + 4 + 4, .weight_sum = 3}},
        {4, {.marker = 400}},
    };
    run_and_check(edges, false, seen_program(conflict_compute), expected, 4, 4);
}

static void mutate_in_init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(seen *)value = (seen){0};
    rv_add_vertex(ctx, 99);
}

static void bad_id_compute(rv_context *ctx, void *value, const void *m, size_t n, void *user)
{
    (void)value;
    (void)m;
    (void)n;
    (void)user;
    if (rv_vertex_id(ctx) == 1)
        rv_add_edge(ctx, 1, UINT64_MAX, 1.0);
    rv_vote_to_halt(ctx);
}

static void test_refusals(void)
{
    rv_load_options o = {.edge_file = edges, .vertex_file = vertices, .weight_column = -1, .partition = placement};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    rv_program p = seen_program(basic_compute);
    p.init = mutate_in_init;
    rv_job *job = NULL;
    CU_ASSERT_EQUAL(rv_job_new(g, &p, &job), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "init()"));
    p = seen_program(bad_id_compute);
    CU_ASSERT_EQUAL_FATAL(rv_job_new(g, &p, &job), RV_OK);
    CU_ASSERT_EQUAL(rv_job_run(job, NULL, NULL), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "2^63-1"));
    rv_job_free(&job);
    rv_graph_free(&g);
}

/* A long chain of changes: every superstep, each vertex v < 64 adds the vertex v+64k
 * and an edge to it, and vertices added two supersteps ago are removed again. The
 * totals are known at every step; this exercises repeated rebuilds with messages,
 * halting and edge state in flight. */
static void churn_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)messages;
    (void)user;
    seen *v = value;
    rv_id id = rv_vertex_id(ctx);
    uint64_t step = rv_superstep(ctx);
    v->message_sum += (int64_t)n;
    if (id >= 1 && id <= 4 && step < 6) {
        rv_id fresh = id + 1000 * (step + 1);
        rv_add_edge(ctx, id, fresh, 1.0);
        int64_t one = 1;
        rv_send(ctx, fresh, &one); /* reaches the vertex the barrier creates */
        if (step >= 2)
            rv_remove_vertex(ctx, id + 1000 * (step - 1));
        return; /* stays active */
    }
    rv_vote_to_halt(ctx);
}

static void count_churn(rv_id id, const void *value, void *arg)
{
    const seen *v = value;
    int64_t *totals = arg;
    totals[0]++;
    if (id > 1000)
        totals[1] += v->message_sum;
    if (id <= 4)
        totals[2] += v->marker; /* untouched: init's -1 */
}

static void test_repeated_changes(void)
{
    rv_load_options o = {.edge_file = edges, .vertex_file = vertices, .weight_column = -1, .partition = placement};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    rv_program p = seen_program(churn_compute);
    rv_job *job = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(g, &p, &job), RV_OK);
    CU_ASSERT_EQUAL(rv_job_run(job, NULL, NULL), RV_OK);
    /* Steps 0-5 each add 4 vertices (and edges); steps 2-5 remove those of two steps
     * before: 4 originals + 24 added - 16 removed = 12 vertices; edges: the 4
     * originals plus the 8 edges to the survivors. */
    CU_ASSERT_EQUAL(rv_graph_n_vertices(g), 4 + 8);
    CU_ASSERT_EQUAL(rv_graph_n_edges(g), 4 + 8);
    int64_t totals[3] = {0};
    rv_job_foreach_local(job, count_churn, totals);
    CU_ASSERT_EQUAL(rv__comm_allreduce_u64(session, (uint64_t *)totals, 3, RV__REDUCE_SUM), RV_OK);
    CU_ASSERT_EQUAL(totals[0], 12);
    CU_ASSERT_EQUAL(totals[1], 8); /* each surviving new vertex got its one message */
    CU_ASSERT_EQUAL(totals[2], -4);
    rv_job_free(&job);
    rv_graph_free(&g);
}

static int use_hash(void)
{
    placement = RV_PARTITION_HASH;
    return 0;
}

static int use_metis(void)
{
    placement = RV_PARTITION_METIS;
    return 0;
}

static void add_suite(const char *name, int (*setup)(void))
{
    CU_pSuite suite = CU_add_suite(name, setup, NULL);
    CU_add_test(suite, "additions and removals", test_additions_and_removals);
    CU_add_test(suite, "conflicting requests follow the documented order", test_conflicting_requests);
    CU_add_test(suite, "refusals", test_refusals);
    CU_add_test(suite, "repeated changes", test_repeated_changes);
}

int main(int argc, char **argv)
{
    if (!rv_test_open(&session, tmpdir, &argc, &argv))
        return 2;
    snprintf(edges, sizeof edges, "%s/g.e", tmpdir);
    snprintf(weighted_edges, sizeof weighted_edges, "%s/w.e", tmpdir);
    snprintf(vertices, sizeof vertices, "%s/g.v", tmpdir);
    FILE *f = fopen(edges, "w");
    fputs("1 2\n1 3\n2 3\n3 1\n", f);
    fclose(f);
    f = fopen(weighted_edges, "w");
    fputs("1 2 1\n1 3 1\n2 3 1\n3 1 1\n", f);
    fclose(f);
    f = fopen(vertices, "w");
    fputs("1\n2\n3\n4\n", f);
    fclose(f);

    CU_initialize_registry();
    add_suite("mutation", use_hash);
    add_suite("mutation under a METIS partition", use_metis);
    bool failed = rv_test_run_all();
    return rv_test_close(&session, tmpdir, failed);
}
