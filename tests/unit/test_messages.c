/* test_messages.c — unit tests of messages, combiners, aggregators and the superstep loop, through small vertex programs (singleton MPI). */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "job.h"

static rv_session *session;
static char tmpdir[] = "/tmp/rv-test-messages-XXXXXX";
static rv_graph *graph; /* 1->2, 1->3, 2->3, 3->1, 4 isolated */

/* ---- A program that records every message it receives (list mode) ---------- */

typedef struct inbox_value {
    int64_t sum;      /* sum of message payloads received */
    int64_t count;    /* number of messages received */
} inbox_value;

static void inbox_init(rv_context *ctx, void *value, void *user)
{
    (void)ctx;
    (void)user;
    memset(value, 0, sizeof(inbox_value));
}

/* Adds the @p n int64 messages to the value's sum, and their number to its count. */
static void record_messages(inbox_value *v, const void *messages, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v->sum += ((const int64_t *)messages)[i];
    v->count += (int64_t)n;
}

/* Superstep 0: every vertex sends its id along each edge, and 1000 + id to vertex 4
 * by id. Superstep 1: record. */
static void inbox_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)user;
    inbox_value *v = value;
    if (rv_superstep(ctx) == 0) {
        int64_t id = (int64_t)rv_vertex_id(ctx);
        rv_send_all(ctx, &id);
        int64_t far = 1000 + id;
        rv_send(ctx, 4, &far);
    } else {
        record_messages(v, messages, n);
    }
    rv_vote_to_halt(ctx);
}

static void sum_combine(void *acc, const void *msg, void *user)
{
    (void)user;
    *(int64_t *)acc += *(const int64_t *)msg;
}

static size_t inbox_format(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    const inbox_value *v = value;
    return (size_t)snprintf(buffer, capacity, "%lld/%lld", (long long)v->sum, (long long)v->count);
}

static rv_program inbox_program(bool with_combiner)
{
    return (rv_program){
        .api_version = RV_API_VERSION, .name = "inbox",
        .value_size = sizeof(inbox_value), .message_size = sizeof(int64_t),
        .init = inbox_init, .compute = inbox_compute, .format = inbox_format,
        .combine = with_combiner ? sum_combine : NULL,
    };
}

typedef struct expectation {
    uint64_t id;
    int64_t sum, count;
} expectation;

static void check_value(rv_id id, const void *value, void *arg)
{
    const expectation *e = arg;
    const inbox_value *v = value;
    for (; e->id; e++)
        if (e->id == id) {
            CU_ASSERT_EQUAL(v->sum, e->sum);
            CU_ASSERT_EQUAL(v->count, e->count);
            return;
        }
    CU_FAIL("unexpected vertex");
}

/* Runs @p p on @p g until every vertex has halted, hands each vertex of this rank
 * and its value to @p check with @p expected, and frees the job. The run's
 * statistics go to @p stats unless it is NULL. */
static void run_and_check_values(rv_graph *g, const rv_program *p, rv_run_stats *stats,
                                 void (*check)(rv_id id, const void *value, void *arg), void *expected)
{
    rv_job *job = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(g, p, &job), RV_OK);
    CU_ASSERT_EQUAL(rv_job_run(job, NULL, stats), RV_OK);
    rv_job_foreach_local(job, check, expected);
    rv_job_free(&job);
}

static void test_list_mode_delivers_every_message(void)
{
    rv_program p = inbox_program(false);
    rv_run_stats stats;
    /* In-neighbours: 1<-3, 2<-1, 3<-1,2; vertex 4 gets 1001..1004. */
    expectation e[] = {{1, 3, 1}, {2, 1, 1}, {3, 3, 2}, {4, 1001 + 1002 + 1003 + 1004, 4}, {0, 0, 0}};
    run_and_check_values(graph, &p, &stats, check_value, e);
    CU_ASSERT_EQUAL(stats.supersteps, 2);
    CU_ASSERT_EQUAL(stats.messages_sent, 4 + 4); /* four edges, four by-id sends */
}

static void test_combiner_folds_to_one_message(void)
{
    rv_program p = inbox_program(true);
    /* Same sums, but each receiver sees a single combined message. */
    expectation e[] = {{1, 3, 1}, {2, 1, 1}, {3, 3, 1}, {4, 1001 + 1002 + 1003 + 1004, 1}, {0, 0, 0}};
    run_and_check_values(graph, &p, NULL, check_value, e);
}

static void test_builtin_combiner_folds_to_one_message(void)
{
    rv_program p = inbox_program(false);
    p.combiner = RV_COMBINE_SUM_INT64;
    expectation e[] = {{1, 3, 1}, {2, 1, 1}, {3, 3, 1}, {4, 1001 + 1002 + 1003 + 1004, 1}, {0, 0, 0}};
    run_and_check_values(graph, &p, NULL, check_value, e);
    /* Built-in combiners work on 8-byte messages only. */
    p.message_size = 4;
    rv_job *job = NULL;
    CU_ASSERT_EQUAL(rv_job_new(graph, &p, &job), RV_EINVAL);
}

/* Superstep 0: every vertex broadcasts its id, vertex 4 too, though it has no
 * out-edge. Superstep 1: each records what came (in sum); all but vertex 3 broadcast
 * ten times their id. Superstep 2: each records what came (in count, here a second
 * sum). In superstep 1 as many vertices broadcast as have out-edges, but one of
 * them (4) has none: not every edge carries a value, and the pull must skip the
 * stale one of vertex 3. */
static void sink_broadcast_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)user;
    inbox_value *v = value;
    int64_t id = (int64_t)rv_vertex_id(ctx), got = n ? *(const int64_t *)messages : 0;
    if (rv_superstep(ctx) == 0) {
        rv_send_all(ctx, &id);
    } else if (rv_superstep(ctx) == 1) {
        v->sum = got;
        int64_t ten = 10 * id;
        if (id != 3)
            rv_send_all(ctx, &ten);
    } else {
        v->count = got;
        rv_vote_to_halt(ctx);
    }
}

static void test_broadcasts_from_vertices_without_edges(void)
{
    rv_program p = inbox_program(false);
    p.compute = sink_broadcast_compute;
    p.combiner = RV_COMBINE_SUM_INT64;
    rv_run_stats stats;
    expectation e[] = {{1, 3, 0}, {2, 1, 10}, {3, 1 + 2, 10 + 20}, {4, 0, 0}, {0, 0, 0}};
    run_and_check_values(graph, &p, &stats, check_value, e);
    /* Superstep 0: the 4 edges; superstep 1: those of vertices 1 and 2 (4 has none). */
    CU_ASSERT_EQUAL(stats.messages_sent, 4 + 3);
    CU_ASSERT_EQUAL(stats.supersteps, 3);
}

/* Superstep 0: nobody broadcasts (all stay awake). Superstep 1: every vertex
 * broadcasts its id. Superstep 2: each records what came. The message count of
 * superstep 1 must not be the one of superstep 0, which had none. */
static void late_broadcast_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)user;
    inbox_value *v = value;
    int64_t id = (int64_t)rv_vertex_id(ctx);
    if (rv_superstep(ctx) == 1)
        rv_send_all(ctx, &id);
    if (rv_superstep(ctx) == 2) {
        v->sum = n ? *(const int64_t *)messages : 0;
        rv_vote_to_halt(ctx);
    }
}

static void test_broadcasts_after_a_superstep_without(void)
{
    rv_program p = inbox_program(false);
    p.compute = late_broadcast_compute;
    p.combiner = RV_COMBINE_SUM_INT64;
    rv_run_stats stats;
    expectation e[] = {{1, 3, 0}, {2, 1, 0}, {3, 1 + 2, 0}, {4, 0, 0}, {0, 0, 0}};
    run_and_check_values(graph, &p, &stats, check_value, e);
    CU_ASSERT_EQUAL(stats.messages_sent, 4); /* the 4 edges, in superstep 1 */
    CU_ASSERT_EQUAL(stats.supersteps, 3);
}

/* ---- Variable-size messages ------------------------------------------------ */

/* Superstep 0: vertex v sends along its edges a message of v words, each v, and to
 * vertex 4 by id a message of (v % 3) words (so vertex 3 sends an empty one).
 * Superstep 1: each receiver checks every message is whole and records the sum of
 * the senders (read from the payloads) and the number of messages. */
static void variable_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)user;
    inbox_value *v = value;
    if (rv_superstep(ctx) == 0) {
        int64_t id = (int64_t)rv_vertex_id(ctx);
        int64_t words[8];
        for (int k = 0; k < 8; k++)
            words[k] = id;
        rv_send_all_bytes(ctx, words, (size_t)id * 8);
        rv_send_bytes(ctx, 4, words, (size_t)(id % 3) * 8);
    } else {
        const rv_message *list = messages;
        for (size_t i = 0; i < n; i++) {
            CU_ASSERT_EQUAL((uintptr_t)list[i].data % 8, 0);
            CU_ASSERT_EQUAL(list[i].size % 8, 0);
            const int64_t *w = list[i].data;
            size_t n_words = list[i].size / 8;
            for (size_t k = 0; k < n_words; k++)
                CU_ASSERT_EQUAL(w[k], w[0]);
            /* An edge message has v words; a by-id message to 4 has v % 3. */
            v->sum += n_words ? (rv_vertex_id(ctx) == 4 ? w[0] * 1000 : w[0]) : 0;
            CU_ASSERT(rv_vertex_id(ctx) == 4 || (int64_t)n_words == w[0]);
        }
        v->count += (int64_t)n;
    }
    rv_vote_to_halt(ctx);
}

static void fixed_send_from_variable(rv_context *ctx, void *value, const void *m, size_t n, void *user)
{
    (void)m;
    (void)n;
    (void)user;
    rv_send_all(ctx, value);
    rv_vote_to_halt(ctx);
}

static void test_variable_size_messages(void)
{
    rv_program p = inbox_program(false);
    p.message_size = RV_MESSAGE_VARIABLE;
    p.compute = variable_compute;
    rv_run_stats stats;
    /* In-neighbours: 1<-3, 2<-1, 3<-1,2. Vertex 4 hears from all four; the
     * messages of 1, 2 and 4 carry their ids (x1000), vertex 3's is empty. */
    expectation e[] = {{1, 3, 1}, {2, 1, 1}, {3, 3, 2}, {4, 1000 * (1 + 2 + 4), 4}, {0, 0, 0}};
    run_and_check_values(graph, &p, &stats, check_value, e);
    CU_ASSERT_EQUAL(stats.messages_sent, 4 + 4);

    /* A fixed-size send from a variable-size program is a programming error. */
    p.compute = fixed_send_from_variable;
    rv_job *job = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL(rv_job_run(job, NULL, NULL), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "rv_send_*_bytes"));
    rv_job_free(&job);

    /* Combiners need a fixed size. */
    p.combine = sum_combine;
    CU_ASSERT_EQUAL(rv_job_new(graph, &p, &job), RV_EINVAL);
    p.combine = NULL;
    p.combiner = RV_COMBINE_SUM_INT64;
    CU_ASSERT_EQUAL(rv_job_new(graph, &p, &job), RV_EINVAL);
}

/* A fixed-size program may use the byte sends with its own size, not another. */
static void bytes_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)user;
    inbox_value *v = value;
    int64_t id = (int64_t)rv_vertex_id(ctx);
    if (rv_superstep(ctx) == 0) {
        rv_send_all_bytes(ctx, &id, sizeof id);
        int64_t far = 1000 + id;
        rv_send_bytes(ctx, 4, &far, sizeof far);
    } else {
        record_messages(v, messages, n);
    }
    rv_vote_to_halt(ctx);
}

static void wrong_size_compute(rv_context *ctx, void *value, const void *m, size_t n, void *user)
{
    (void)m;
    (void)n;
    (void)user;
    rv_send_all_bytes(ctx, value, 3);
    rv_vote_to_halt(ctx);
}

static void test_byte_sends_with_fixed_size(void)
{
    rv_program p = inbox_program(false);
    p.compute = bytes_compute;
    expectation e[] = {{1, 3, 1}, {2, 1, 1}, {3, 3, 2}, {4, 1001 + 1002 + 1003 + 1004, 4}, {0, 0, 0}};
    run_and_check_values(graph, &p, NULL, check_value, e);
    p.compute = wrong_size_compute;
    rv_job *job = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL(rv_job_run(job, NULL, NULL), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "message_size"));
    rv_job_free(&job);
}

/* ---- Broadcasts: push for few broadcasters, pull (with presence flags) for many ---- */

static rv_graph *cycle; /* v -> v+1 mod 64 */

typedef struct ping_params {
    int every; /* vertices with id % every == 0 broadcast */
} ping_params;

static void ping_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    const ping_params *params = user;
    inbox_value *v = value;
    if (rv_superstep(ctx) == 0) {
        int64_t id = (int64_t)rv_vertex_id(ctx);
        if (id % params->every == 0)
            rv_send_all(ctx, &id);
    } else {
        v->sum += n ? *(const int64_t *)messages : 0;
        v->count += (int64_t)n;
    }
    rv_vote_to_halt(ctx);
}

static void check_ping(rv_id id, const void *value, void *arg)
{
    const ping_params *params = arg;
    const inbox_value *v = value;
    int64_t from = ((int64_t)id + 63) % 64;
    bool expected = from % params->every == 0;
    CU_ASSERT_EQUAL(v->count, expected ? 1 : 0);
    CU_ASSERT_EQUAL(v->sum, expected ? from : 0);
}

static void test_broadcast_push_and_pull(void)
{
    /* every = 64: one broadcaster covers 1 edge of 64, so it is pushed; every = 2
     * covers half the edges: a pull that must read presence flags; every = 1: a
     * pull where every edge carries a value. */
    int cases[] = {64, 2, 1};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ping_params params = {.every = cases[k]};
        rv_program p = inbox_program(false);
        p.compute = ping_compute;
        p.combiner = RV_COMBINE_SUM_INT64;
        p.user = &params;
        rv_run_stats stats;
        run_and_check_values(cycle, &p, &stats, check_ping, &params);
        CU_ASSERT_EQUAL(stats.messages_sent, (uint64_t)(64 / cases[k]));
        /* Only the vertices that got a message ran in superstep 1, then all halted. */
        CU_ASSERT_EQUAL(stats.supersteps, 2);
    }
}

/* Superstep 0: every vertex of the cycle sends its id by id to (7 id + 3) mod 64, a
 * permutation that takes most messages to vertices that are no neighbours, and under
 * a partition mostly to vertices whose directory entry is kept on another rank than
 * their owner. Superstep 1: record. */
static void scatter_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)user;
    inbox_value *v = value;
    if (rv_superstep(ctx) == 0) {
        int64_t id = (int64_t)rv_vertex_id(ctx);
        rv_send(ctx, (rv_id)((7 * id + 3) % 64), &id);
    } else {
        record_messages(v, messages, n);
    }
    rv_vote_to_halt(ctx);
}

static void check_scatter(rv_id id, const void *value, void *arg)
{
    (void)arg;
    const inbox_value *v = value;
    /* 55 is the inverse of 7 modulo 64: the sender of v is 55 (v - 3) mod 64. */
    CU_ASSERT_EQUAL(v->count, 1);
    CU_ASSERT_EQUAL(v->sum, (55 * ((int64_t)id - 3 + 64)) % 64);
}

static void test_messages_by_id_reach_their_vertex(void)
{
    for (int with_combiner = 0; with_combiner < 2; with_combiner++) {
        rv_program p = inbox_program(with_combiner);
        p.compute = scatter_compute;
        rv_run_stats stats;
        run_and_check_values(cycle, &p, &stats, check_scatter, NULL);
        CU_ASSERT_EQUAL(stats.messages_sent, 64);
    }
}

/* ---- Per-edge program state --------------------------------------------------- */

static void edge_state_init(rv_context *ctx, uint64_t i, void *edge_value, void *user)
{
    (void)user;
    *(int64_t *)edge_value = 10 * (int64_t)rv_edge_target(ctx, i);
}

/* Superstep 0: send each edge's state along it, then bump the state. Superstep 1:
 * record what arrived, and check that the bumps stayed. */
static void edge_state_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)user;
    inbox_value *v = value;
    for (uint64_t i = 0; i < rv_out_degree(ctx); i++) {
        int64_t *state = rv_edge_value(ctx, i);
        CU_ASSERT_FATAL(state != NULL);
        if (rv_superstep(ctx) == 0) {
            rv_send_edge(ctx, i, state);
            *state += 1;
        } else {
            CU_ASSERT_EQUAL(*state, 10 * (int64_t)rv_edge_target(ctx, i) + 1);
        }
    }
    record_messages(v, messages, n);
    rv_vote_to_halt(ctx);
}

static void test_edge_values(void)
{
    rv_program p = inbox_program(false);
    p.compute = edge_state_compute;
    p.edge_value_size = sizeof(int64_t);
    p.init_edge = edge_state_init;
    /* Each vertex hears its own id times ten from each in-neighbour. */
    expectation e[] = {{1, 10, 1}, {2, 20, 1}, {3, 60, 2}, {4, 0, 0}, {0, 0, 0}};
    run_and_check_values(graph, &p, NULL, check_value, e);
    /* An edge initialiser needs room for edge state. */
    p.edge_value_size = 0;
    rv_job *job = NULL;
    CU_ASSERT_EQUAL(rv_job_new(graph, &p, &job), RV_EINVAL);
}

/* ---- Aggregators, the master hook and limits --------------------------------- */

static const rv_aggregator_spec counting_aggregators[] = {
    {"sum", RV_AGG_SUM_INT64}, {"min", RV_AGG_MIN_DOUBLE}, {"max", RV_AGG_MAX_INT64},
};

typedef struct counting_state {
    int64_t seen_sum[8];
    double seen_min[8];
    bool seen[8]; /* whether a vertex of this rank ran in that superstep */
    int stop_after;
} counting_state;

static void counting_init(rv_context *ctx, void *value, void *user)
{
    (void)ctx;
    (void)user;
    *(int64_t *)value = 0;
}

/* Never halts: the run only ends through the master hook or the superstep limit. */
static void counting_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)messages;
    (void)n;
    counting_state *st = user;
    uint64_t step = rv_superstep(ctx);
    if (step < 8) {
        st->seen_sum[step] = rv_aggregated_int64(ctx, 0);
        st->seen_min[step] = rv_aggregated_double(ctx, 1);
        st->seen[step] = true;
    }
    rv_aggregate_int64(ctx, 0, (int64_t)rv_vertex_id(ctx));
    rv_aggregate_double(ctx, 1, (double)rv_vertex_id(ctx) + (double)step);
    rv_aggregate_int64(ctx, 2, (int64_t)rv_vertex_id(ctx));
    *(int64_t *)value += 1;
}

static bool counting_master(rv_master *master, void *user)
{
    counting_state *st = user;
    CU_ASSERT_EQUAL(rv_master_aggregated_int64(master, 0), 1 + 2 + 3 + 4);
    CU_ASSERT_EQUAL(rv_master_aggregated_int64(master, 2), 4);
    if (rv_master_superstep(master) == 1)
        rv_master_set_int64(master, 0, -5); /* vertices read this in superstep 2 */
    return (int)rv_master_superstep(master) + 1 < st->stop_after;
}

static rv_program counting_program(counting_state *st, bool with_master)
{
    return (rv_program){
        .api_version = RV_API_VERSION, .name = "counting",
        .value_size = sizeof(int64_t), .message_size = sizeof(int64_t),
        .init = counting_init, .compute = counting_compute, .format = rv_format_int64_value,
        .master = with_master ? counting_master : NULL,
        .aggregators = counting_aggregators, .n_aggregators = 3, .user = st,
    };
}

static void test_aggregators_are_visible_next_superstep(void)
{
    counting_state st = {.stop_after = 4};
    rv_program p = counting_program(&st, true);
    rv_job *job = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    rv_run_stats stats;
    CU_ASSERT_EQUAL(rv_job_run(job, NULL, &stats), RV_OK);
    CU_ASSERT_EQUAL(stats.supersteps, 4); /* the master stopped it */
    /* Under mpirun a rank may own no vertex; it then has nothing to check. */
    if (st.seen[0]) {
        CU_ASSERT_EQUAL(st.seen_sum[0], 0); /* identity at superstep 0 */
        CU_ASSERT(isinf(st.seen_min[0]) && st.seen_min[0] > 0);
        CU_ASSERT_EQUAL(st.seen_sum[1], 10);
        CU_ASSERT_EQUAL(st.seen_min[1], 1.0);
        CU_ASSERT_EQUAL(st.seen_sum[2], -5); /* the master's override */
        CU_ASSERT_EQUAL(st.seen_min[2], 2.0);
        CU_ASSERT_EQUAL(st.seen_sum[3], 10);
    }
    rv_job_free(&job);
}

static void test_superstep_limit_and_resume(void)
{
    counting_state st = {0};
    rv_program p = counting_program(&st, false);
    rv_job *job = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    rv_run_options o = {.max_supersteps = 3};
    rv_run_stats stats;
    CU_ASSERT_EQUAL(rv_job_run(job, &o, &stats), RV_OK);
    CU_ASSERT_EQUAL(stats.supersteps, 3);
    /* A second run continues where the first stopped. */
    o.max_supersteps = 2;
    CU_ASSERT_EQUAL(rv_job_run(job, &o, &stats), RV_OK);
    CU_ASSERT_EQUAL(stats.supersteps, 2);
    if (st.seen[4])
        CU_ASSERT_EQUAL(st.seen_sum[4], 10);
    rv_job_free(&job);
}

/* ---- Programming errors fail the run cleanly --------------------------------- */

static void send_to_missing_compute(rv_context *ctx, void *value, const void *m, size_t n, void *user)
{
    (void)value;
    (void)m;
    (void)n;
    (void)user;
    int64_t x = 1;
    if (rv_vertex_id(ctx) == 1)
        rv_send(ctx, 424242, &x);
    rv_vote_to_halt(ctx);
}

static void send_in_init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(int64_t *)value = 0;
    rv_send_all(ctx, value);
}

static void test_errors_fail_the_run(void)
{
    counting_state st = {0};
    rv_program p = counting_program(&st, false);
    rv_job *job = NULL;

    p.compute = send_to_missing_compute;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL(rv_job_run(job, NULL, NULL), RV_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "424242"));
    rv_job_free(&job);

    p = counting_program(&st, false);
    p.init = send_in_init;
    CU_ASSERT_EQUAL(rv_job_new(graph, &p, &job), RV_EINVAL);
    CU_ASSERT_PTR_NULL(job);

    p = counting_program(&st, false);
    p.api_version = RV_API_VERSION + 1;
    CU_ASSERT_EQUAL(rv_job_new(graph, &p, &job), RV_EVERSION);

    p = counting_program(&st, false);
    p.uses_weights = true; /* the graph has none */
    CU_ASSERT_EQUAL(rv_job_new(graph, &p, &job), RV_EINVAL);

    p = counting_program(&st, false);
    p.value_size = 0;
    CU_ASSERT_EQUAL(rv_job_new(graph, &p, &job), RV_EINVAL);
}

/* The graphs every test runs on, loaded once per suite with the suite's placement:
 * hash, or a METIS partition (whose owners only the directory knows, so messages
 * by id take the relay through the directory's keeper). */
static char edges_path[256], vertices_path[256], cycle_path[256];

static int load_graphs(rv_partition_kind kind)
{
    rv_load_options o = {.edge_file = edges_path, .vertex_file = vertices_path, .weight_column = -1,
                         .partition = kind};
    rv_load_options cycle_options = {.edge_file = cycle_path, .weight_column = -1, .partition = kind};
    if (rv_graph_load(session, &o, &graph) != RV_OK || rv_graph_load(session, &cycle_options, &cycle) != RV_OK)
        return 1;
    rv_partition_stats stats;
    rv_graph_partition_stats(graph, &stats);
    return stats.kind != kind;
}

static int load_hash(void) { return load_graphs(RV_PARTITION_HASH); }
static int load_metis(void) { return load_graphs(RV_PARTITION_METIS); }

static int free_graphs(void)
{
    rv_graph_free(&graph);
    rv_graph_free(&cycle);
    return 0;
}

static void add_suite(const char *name, int (*load)(void))
{
    CU_pSuite suite = CU_add_suite(name, load, free_graphs);
    CU_add_test(suite, "list mode delivers every message", test_list_mode_delivers_every_message);
    CU_add_test(suite, "combiner folds to one message", test_combiner_folds_to_one_message);
    CU_add_test(suite, "built-in combiner folds to one message", test_builtin_combiner_folds_to_one_message);
    CU_add_test(suite, "variable-size messages", test_variable_size_messages);
    CU_add_test(suite, "byte sends with a fixed size", test_byte_sends_with_fixed_size);
    CU_add_test(suite, "per-edge program state", test_edge_values);
    CU_add_test(suite, "broadcasts pushed and pulled", test_broadcast_push_and_pull);
    CU_add_test(suite, "broadcasts from vertices without edges", test_broadcasts_from_vertices_without_edges);
    CU_add_test(suite, "broadcasts after a superstep without", test_broadcasts_after_a_superstep_without);
    CU_add_test(suite, "messages by id reach their vertex", test_messages_by_id_reach_their_vertex);
    CU_add_test(suite, "aggregators visible next superstep", test_aggregators_are_visible_next_superstep);
    CU_add_test(suite, "superstep limit and continuing", test_superstep_limit_and_resume);
    CU_add_test(suite, "programming errors fail the run", test_errors_fail_the_run);
}

int main(int argc, char **argv)
{
    if (!rv_test_open(&session, tmpdir, &argc, &argv))
        return 2;
    snprintf(edges_path, sizeof edges_path, "%s/g.e", tmpdir);
    snprintf(vertices_path, sizeof vertices_path, "%s/g.v", tmpdir);
    FILE *f = fopen(edges_path, "w");
    fputs("1 2\n1 3\n2 3\n3 1\n", f);
    fclose(f);
    f = fopen(vertices_path, "w");
    fputs("1\n2\n3\n4\n", f);
    fclose(f);
    snprintf(cycle_path, sizeof cycle_path, "%s/cycle.e", tmpdir);
    f = fopen(cycle_path, "w");
    for (int v = 0; v < 64; v++)
        fprintf(f, "%d %d\n", v, (v + 1) % 64);
    fclose(f);

    CU_initialize_registry();
    add_suite("messages", load_hash);
    add_suite("messages under a METIS partition", load_metis);
    bool failed = rv_test_run_all();
    return rv_test_close(&session, tmpdir, failed);
}
