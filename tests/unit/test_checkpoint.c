/* test_checkpoint.c — unit tests of checkpoints and resume through small vertex programs: list and combining inboxes, per-edge state, halted vertices, aggregators and a master hook (singleton MPI). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "harness.h"
#include "job.h"

static rv_session *session;
static char tmpdir[] = "/tmp/rv-test-checkpoint-XXXXXX";
static rv_graph *graph;

/* ---- A program that exercises every part of the state ----------------------------- *
 * No combiner (list inbox), per-edge state, messages by id, an aggregator, a master
 * hook whose result the program keeps in its user data, and vertices that halt and
 * are woken by messages. Every value depends on everything before it, so a state
 * restored wrongly shows in the output. */

typedef struct walker_value {
    uint64_t sum; /* unsigned: it wraps, as a hash does */
    int64_t received;
} walker_value;

typedef struct walker_params {
    int64_t factor; /* set by the master hook from last superstep's aggregator */
} walker_params;

static const rv_aggregator_spec walker_aggregators[] = {{"received", RV_AGG_SUM_INT64}};

static void walker_init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(walker_value *)value = (walker_value){.sum = rv_vertex_id(ctx)};
}

static void walker_init_edge(rv_context *ctx, uint64_t i, void *edge_value, void *user)
{
    (void)user;
    *(int64_t *)edge_value = (int64_t)(rv_edge_target(ctx, i) * 3 + i);
}

static void walker_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    const walker_params *params = user;
    walker_value *v = value;
    uint64_t step = rv_superstep(ctx);
    for (size_t i = 0; i < n; i++)
        v->sum = v->sum * 31 + (uint64_t)((const int64_t *)messages)[i] * (uint64_t)params->factor; /* order matters */
    v->received += (int64_t)n;
    rv_aggregate_int64(ctx, 0, (int64_t)n);
    if (step >= 9) {
        rv_vote_to_halt(ctx);
        return;
    }
    for (uint64_t i = 0; i < rv_out_degree(ctx); i++) {
        int64_t *state = rv_edge_value(ctx, i);
        *state += (int64_t)step + (int64_t)(v->sum % 5);
        int64_t message = *state + (int64_t)rv_vertex_id(ctx);
        rv_send_edge(ctx, i, &message);
    }
    if (rv_vertex_id(ctx) % 3 == 0) {
        int64_t far = 1000 + (int64_t)step;
        rv_send(ctx, 1, &far);
    }
    /* Odd vertices sleep until a message wakes them. */
    if (rv_vertex_id(ctx) % 2 == 1 && step > 2)
        rv_vote_to_halt(ctx);
}

static bool walker_master(rv_master *master, void *user)
{
    walker_params *params = user;
    params->factor = rv_master_aggregated_int64(master, 0) % 7 + 1;
    return true;
}

static size_t walker_format(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    const walker_value *v = value;
    return (size_t)snprintf(buffer, capacity, "%llu/%lld", (unsigned long long)v->sum, (long long)v->received);
}

static rv_program walker_program(walker_params *params)
{
    *params = (walker_params){.factor = 1};
    return (rv_program){
        .api_version = RV_API_VERSION, .name = "walker",
        .value_size = sizeof(walker_value), .message_size = sizeof(int64_t), .edge_value_size = sizeof(int64_t),
        .init = walker_init, .init_edge = walker_init_edge, .compute = walker_compute, .master = walker_master,
        .format = walker_format, .aggregators = walker_aggregators, .n_aggregators = 1, .user = params,
    };
}

/* ---- A program with its own combiner (combining inbox) ----------------------------- */

static void label_init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(int64_t *)value = (int64_t)rv_vertex_id(ctx) * 7 % 23;
}

static void label_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    (void)user;
    int64_t *label = value;
    if (n && *(const int64_t *)messages < *label)
        *label = *(const int64_t *)messages;
    else if (rv_superstep(ctx) > 0) {
        rv_vote_to_halt(ctx);
        return;
    }
    rv_send_all(ctx, label);
    rv_vote_to_halt(ctx);
}

static void label_min(void *accumulator, const void *message, void *user)
{
    (void)user;
    if (*(const int64_t *)message < *(int64_t *)accumulator)
        *(int64_t *)accumulator = *(const int64_t *)message;
}

static rv_program label_program(void)
{
    return (rv_program){
        .api_version = RV_API_VERSION, .name = "label", .value_size = 8, .message_size = 8,
        .init = label_init, .compute = label_compute, .combine = label_min, .format = rv_format_int64_value,
    };
}

/* ---- Helpers ----------------------------------------------------------------------- */

/* Every vertex's value, in id order. */
typedef struct snapshot {
    unsigned char bytes[4096];
    size_t size;
    size_t value_size;
} snapshot;

static void append_value(rv_id id, const void *value, void *arg)
{
    snapshot *s = arg;
    (void)id;
    if (s->size + s->value_size <= sizeof s->bytes) {
        memcpy(s->bytes + s->size, value, s->value_size);
        s->size += s->value_size;
    }
}

static void take(const rv_job *job, snapshot *out, size_t value_size)
{
    *out = (snapshot){.value_size = value_size};
    rv_job_foreach_local(job, append_value, out);
}

static rv_checkpoint_options options_for(const char *name, uint64_t every)
{
    static char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, name);
    return (rv_checkpoint_options){.dir = dir, .every = every, .chunk_bytes = 4096, .parameters = "p=1",
                                   .input = "test graph"};
}

/* Runs @p program to completion; then runs it with checkpoints and stops after
 * @p stop_after supersteps; then resumes a fresh job and runs it to completion. The
 * resumed run must end in exactly the uninterrupted run's values. */
static void check_resume_matches(rv_program (*make)(void *), void *params, const char *name, uint64_t every,
                                 uint64_t stop_after, uint64_t expect_superstep)
{
    rv_job *job = NULL;
    snapshot uninterrupted, resumed;
    rv_program p = make(params);
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_run(job, NULL, NULL), RV_OK);
    take(job, &uninterrupted, p.value_size);
    uint64_t total_supersteps = job->superstep;
    rv_job_free(&job);

    rv_checkpoint_options o = options_for(name, every);
    p = make(params);
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_set_checkpoints(job, &o), RV_OK);
    rv_run_options stop = {.max_supersteps = stop_after};
    CU_ASSERT_EQUAL_FATAL(rv_job_run(job, &stop, NULL), RV_OK);
    rv_checkpoint_stats stats;
    rv_job_checkpoint_stats(job, &stats);
    CU_ASSERT_EQUAL(stats.checkpoints, stop_after / every);
    CU_ASSERT(stats.bytes_written > 0);
    rv_job_free(&job);

    /* A fresh program state too: the master hook's result must come back by replay. */
    p = make(params);
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_set_checkpoints(job, &o), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_resume(job), RV_OK);
    rv_job_checkpoint_stats(job, &stats);
    CU_ASSERT(stats.resumed);
    CU_ASSERT_EQUAL(stats.resumed_superstep, expect_superstep);
    CU_ASSERT_EQUAL(rv_job_superstep(job), expect_superstep);
    CU_ASSERT_EQUAL(stats.resumed_ranks, 1);
    CU_ASSERT_EQUAL(stats.replicas_bad, 0);
    CU_ASSERT_EQUAL_FATAL(rv_job_run(job, NULL, NULL), RV_OK);
    CU_ASSERT_EQUAL(job->superstep, total_supersteps);
    take(job, &resumed, p.value_size);
    CU_ASSERT_EQUAL(resumed.size, uninterrupted.size);
    CU_ASSERT_EQUAL(memcmp(resumed.bytes, uninterrupted.bytes, uninterrupted.size), 0);
    rv_job_free(&job);
}

static rv_program make_walker(void *params) { return walker_program(params); }
static rv_program make_label(void *params) { (void)params; return label_program(); }

/* ---- Tests ------------------------------------------------------------------------- */

static void test_list_inbox_edge_state_master(void)
{
    walker_params params;
    check_resume_matches(make_walker, &params, "walker", 2, 5, 4);
}

static void test_combining_inbox(void)
{
    check_resume_matches(make_label, NULL, "label", 1, 2, 2);
}

/* The inbox survives a save and a restore, message by message and in order. */
typedef struct message_log {
    int64_t values[64];
    size_t n;
} message_log;

static void log_message(const void *message, size_t bytes, void *arg)
{
    message_log *l = arg;
    CU_ASSERT_EQUAL(bytes, 8);
    if (l->n < 64)
        memcpy(&l->values[l->n++], message, 8);
}

static void test_messages_visit_and_restore(void)
{
    walker_params params;
    rv_program p = walker_program(&params);
    rv_job *a = NULL, *b = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &a), RV_OK);
    rv_run_options one = {.max_supersteps = 1};
    CU_ASSERT_EQUAL_FATAL(rv_job_run(a, &one, NULL), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &b), RV_OK);
    size_t total = 0;
    for (uint32_t v = 0; v < graph->n_local; v++) {
        message_log l = {0};
        total += rv__messages_visit_pending(&a->messages, v, log_message, &l);
        for (size_t i = 0; i < l.n; i++)
            CU_ASSERT_EQUAL(rv__messages_restore_pending(&b->messages, v, &l.values[i], 8), RV_OK);
    }
    CU_ASSERT(total > 0);
    CU_ASSERT_EQUAL(rv__messages_restore_pending(&b->messages, 0, "x", 1), RV_EINVAL);
    CU_ASSERT_EQUAL(rv__messages_restore_done(&b->messages), RV_OK);
    for (uint32_t v = 0; v < graph->n_local; v++) {
        message_log la = {0}, lb = {0};
        rv__messages_visit_pending(&a->messages, v, log_message, &la);
        rv__messages_visit_pending(&b->messages, v, log_message, &lb);
        CU_ASSERT_EQUAL(la.n, lb.n);
        CU_ASSERT_EQUAL(memcmp(la.values, lb.values, la.n * 8), 0);
    }
    rv_job_free(&a);
    rv_job_free(&b);
}

static void test_refusals(void)
{
    walker_params params;
    rv_program p = walker_program(&params);
    rv_job *job = NULL;
    rv_checkpoint_options o = options_for("refusals", 2);
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_set_checkpoints(job, &o), RV_OK);
    /* No checkpoint yet: resuming starts from the beginning. */
    CU_ASSERT_EQUAL(rv_job_resume(job), RV_OK);
    rv_checkpoint_stats stats;
    rv_job_checkpoint_stats(job, &stats);
    CU_ASSERT_FALSE(stats.resumed);
    CU_ASSERT_EQUAL(rv_job_superstep(job), 0);
    rv_run_options stop = {.max_supersteps = 3};
    CU_ASSERT_EQUAL(rv_job_run(job, &stop, NULL), RV_OK);
    rv_job_free(&job);

    /* Another job's checkpoint is refused, saying what differs. */
    rv_checkpoint_options other = o;
    other.parameters = "p=2";
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_set_checkpoints(job, &other), RV_OK);
    CU_ASSERT_EQUAL(rv_job_resume(job), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "other parameters"));
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "p=2"));
    rv_job_free(&job);

    rv_program q = label_program();
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &q, &job), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_set_checkpoints(job, &o), RV_OK);
    CU_ASSERT_EQUAL(rv_job_resume(job), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "another program"));
    rv_job_free(&job);

    /* A job that does not resume may not write among another job's checkpoints. */
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_set_checkpoints(job, &o), RV_OK);
    CU_ASSERT_EQUAL(rv_job_run(job, NULL, NULL), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "already holds checkpoints"));
    rv_job_free(&job);

    /* Bad options. */
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    rv_checkpoint_options bad = {.dir = "/tmp/%q", .every = 1};
    CU_ASSERT_EQUAL(rv_job_set_checkpoints(job, &bad), RV_EINVAL);
    bad = (rv_checkpoint_options){.every = 1};
    CU_ASSERT_EQUAL(rv_job_set_checkpoints(job, &bad), RV_EINVAL);
    bad = (rv_checkpoint_options){.dir = "/proc/no-such-place/ck", .every = 1};
    CU_ASSERT_EQUAL(rv_job_set_checkpoints(job, &bad), RV_EIO);
    CU_ASSERT_EQUAL(rv_job_resume(job), RV_EINVAL); /* not set up */
    rv_job_free(&job);
}

/* The state is keyed by vertex id, and the edge state by (target, weight): a state
 * saved and applied to a second job of the same graph is the same state. */
typedef struct collected {
    rv_job *into;
    uint8_t *seen;
    size_t hint;
    int status;
} collected;

static int apply_one(const rv__state_record *record, void *arg)
{
    collected *c = arg;
    return rv__state_apply(c->into, record->data, record->bytes, c->seen, &c->hint);
}

static void test_state_round_trip(void)
{
    walker_params params;
    rv_program p = walker_program(&params);
    rv_job *a = NULL, *b = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &a), RV_OK);
    rv_run_options some = {.max_supersteps = 4};
    CU_ASSERT_EQUAL_FATAL(rv_job_run(a, &some, NULL), RV_OK);
    rv__buffer blob = {0};
    CU_ASSERT_EQUAL_FATAL(rv__state_save(a, &blob), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &b), RV_OK);
    uint8_t *seen = calloc(graph->n_local, 1);
    collected c = {.into = b, .seen = seen};
    CU_ASSERT_EQUAL(rv__state_records(b, blob.data, blob.size, "test", apply_one, &c), RV_OK);
    CU_ASSERT_EQUAL(rv__state_apply_done(b, seen), RV_OK);
    CU_ASSERT_EQUAL(memcmp(a->values, b->values, graph->n_local * p.value_size), 0);
    CU_ASSERT_EQUAL(memcmp(a->edge_values, b->edge_values, graph->m_local * p.edge_value_size), 0);
    CU_ASSERT_EQUAL(memcmp(a->halted, b->halted, (graph->n_local / 64 + 1) * 8), 0);
    /* A second application of the same record is refused. */
    c.status = rv__state_records(b, blob.data, blob.size, "test", apply_one, &c);
    CU_ASSERT_EQUAL(c.status, RV_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "twice"));
    /* A truncated blob is refused, not misread. */
    CU_ASSERT_EQUAL(rv__state_records(b, blob.data, blob.size / 2, "half", apply_one, &c), RV_EPARSE);
    free(seen);
    rv__buffer_destroy(&blob);
    rv_job_free(&a);
    rv_job_free(&b);
}

int main(int argc, char **argv)
{
    if (!rv_test_open(&session, tmpdir, &argc, &argv))
        return 2;
    char edges[256];
    snprintf(edges, sizeof edges, "%s/g.e", tmpdir);
    FILE *f = fopen(edges, "w");
    /* 40 vertices, parallel edges and a self-loop, so that the edge order matters. */
    for (int v = 0; v < 40; v++) {
        fprintf(f, "%d %d\n%d %d\n", v, (v * 7 + 3) % 40, v, (v + 1) % 40);
        if (v % 5 == 0)
            fprintf(f, "%d %d\n", v, (v + 1) % 40);
    }
    fputs("4 4\n", f);
    fclose(f);
    rv_load_options o = {.edge_file = edges, .weight_column = -1};
    if (rv_graph_load(session, &o, &graph) != RV_OK)
        return 2;

    CU_initialize_registry();
    CU_pSuite suite = CU_add_suite("checkpoint", NULL, NULL);
    CU_add_test(suite, "resume: list inbox, edge state, master hook", test_list_inbox_edge_state_master);
    CU_add_test(suite, "resume: combining inbox with a custom combiner", test_combining_inbox);
    CU_add_test(suite, "inbox: visit and restore pending messages", test_messages_visit_and_restore);
    CU_add_test(suite, "state: save and apply by vertex id", test_state_round_trip);
    CU_add_test(suite, "refusals and bad options", test_refusals);
    bool failed = rv_test_run_all();
    rv_graph_free(&graph);
    return rv_test_close(&session, tmpdir, failed);
}
