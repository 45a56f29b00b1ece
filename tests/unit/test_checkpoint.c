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
static char edges_file[256];
static rv_graph *graph;

/* Topology changes rebuild the graph a job runs on, so each job that may change it
 * gets the input graph afresh. */
/* RV_TEST_CHECKPOINT_PARTITION=metis places vertices with METIS (a placement with a
 * directory) instead of by hash. */
static bool load_input_graph(void)
{
    rv_graph_free(&graph);
    const char *partition = getenv("RV_TEST_CHECKPOINT_PARTITION");
    rv_load_options o = {.edge_file = edges_file, .weight_column = 0, .keep_weights = true,
                         .partition = partition && strcmp(partition, "metis") == 0 ? RV_PARTITION_METIS
                                                                                 : RV_PARTITION_HASH};
    return rv_graph_load(session, &o, &graph) == RV_OK;
}

static void restore_input_graph(void)
{
    CU_ASSERT_FATAL(load_input_graph());
}

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
    /* Set by the master hook from every superstep's aggregator so far: only a
     * replay of the whole history gives it back. */
    int64_t factor;
    bool ordered; /* the value depends on the order of messages (same-P tests only) */
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
    for (size_t i = 0; i < n; i++) {
        uint64_t x = (uint64_t)((const int64_t *)messages)[i] * (uint64_t)params->factor;
        v->sum = params->ordered ? v->sum * 31 + x : v->sum + x;
    }
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
    params->factor = (params->factor * 5 + rv_master_aggregated_int64(master, 0)) % 13 + 1;
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
    *params = (walker_params){.factor = 1, .ordered = true};
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

/* ---- A program that changes the topology ----------------------------------------- *
 * In supersteps 1 to 4 some vertices add a vertex and an edge to it, vertex 7
 * removes itself, and some remove their edge to their smallest neighbour; every edge
 * keeps a state, and the master hook folds every superstep's aggregator into the
 * program's data. A checkpoint after these changes must carry the changed graph.
 * Everything is independent of the order of messages and edges, so the result is
 * the same at any number of ranks. */

typedef struct grower_params {
    uint64_t folded; /* every superstep's message count, folded by the master hook */
} grower_params;

static const rv_aggregator_spec grower_aggregators[] = {{"messages", RV_AGG_SUM_INT64}};

static void grower_init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(walker_value *)value = (walker_value){.sum = rv_vertex_id(ctx) * 7};
}

static void grower_init_edge(rv_context *ctx, uint64_t i, void *edge_value, void *user)
{
    (void)user;
    *(int64_t *)edge_value = (int64_t)(rv_edge_target(ctx, i) % 1000) * 3 + (int64_t)rv_edge_weight(ctx, i);
}

static void grower_compute(rv_context *ctx, void *value, const void *messages, size_t n, void *user)
{
    const grower_params *params = user;
    walker_value *v = value;
    rv_id id = rv_vertex_id(ctx);
    uint64_t step = rv_superstep(ctx);
    for (size_t i = 0; i < n; i++)
        v->sum += (uint64_t)((const int64_t *)messages)[i];
    v->received = (int64_t)(v->received * 3 + (int64_t)rv_out_degree(ctx)) % 1000003;
    rv_aggregate_int64(ctx, 0, (int64_t)n);
    if (step > 4) {
        rv_vote_to_halt(ctx);
        return;
    }
    rv_id smallest = UINT64_MAX;
    for (uint64_t i = 0; i < rv_out_degree(ctx); i++) {
        int64_t *state = rv_edge_value(ctx, i);
        *state += (int64_t)(step + params->folded % 11);
        int64_t message = *state + (int64_t)id;
        rv_send_edge(ctx, i, &message);
        if (rv_edge_target(ctx, i) < smallest)
            smallest = rv_edge_target(ctx, i);
    }
    if (step >= 1 && id < 1000 && id % 5 == step) {
        rv_add_vertex(ctx, 1000 + id * 10 + step);
        rv_add_edge(ctx, id, 1000 + id * 10 + step, 0.5 * (double)step);
        rv_add_edge(ctx, 1000 + id * 10 + step, id, 2.0);
    }
    if (id == 7 && step == 2)
        rv_remove_vertex(ctx, 7);
    if (id % 7 == 3 && step == 3 && smallest != UINT64_MAX)
        rv_remove_edge(ctx, id, smallest);
}

static bool grower_master(rv_master *master, void *user)
{
    grower_params *params = user;
    params->folded = params->folded * 3 + (uint64_t)rv_master_aggregated_int64(master, 0) +
                     rv_master_n_vertices(master);
    return true;
}

static rv_program grower_program(grower_params *params)
{
    *params = (grower_params){0};
    return (rv_program){
        .api_version = RV_API_VERSION, .name = "grower",
        .value_size = sizeof(walker_value), .message_size = sizeof(int64_t), .edge_value_size = sizeof(int64_t),
        .init = grower_init, .init_edge = grower_init_edge, .compute = grower_compute, .master = grower_master,
        .format = walker_format, .aggregators = grower_aggregators, .n_aggregators = 1, .user = params,
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

/* What a run to the end leaves: every value, the superstep it ended at and the size
 * of the graph, which topology changes alter. */
typedef struct outcome {
    snapshot values;
    uint64_t superstep, n_vertices, n_edges;
} outcome;

/* Runs @p p to the end in a job of its own and keeps what it leaves in @p out. */
static void run_uninterrupted(const rv_program *p, outcome *out)
{
    rv_job *job = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, p, &job), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_run(job, NULL, NULL), RV_OK);
    take(job, &out->values, p->value_size);
    out->superstep = job->superstep;
    out->n_vertices = job->graph->n_vertices;
    out->n_edges = job->graph->n_edges;
    rv_job_free(&job);
    restore_input_graph();
}

/* Checks that @p job, resumed and run to the end, left the graph and the values
 * that the uninterrupted run left in @p expected. */
static void check_same_outcome(const rv_job *job, const outcome *expected)
{
    CU_ASSERT_EQUAL(job->graph->n_vertices, expected->n_vertices);
    CU_ASSERT_EQUAL(job->graph->n_edges, expected->n_edges);
    snapshot resumed;
    take(job, &resumed, expected->values.value_size);
    CU_ASSERT_EQUAL(resumed.size, expected->values.size);
    CU_ASSERT_EQUAL(memcmp(resumed.bytes, expected->values.bytes, expected->values.size), 0);
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
    outcome uninterrupted;
    rv_program p = make(params);
    run_uninterrupted(&p, &uninterrupted);

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
    restore_input_graph();

    /* A fresh program state too: the master hook's result must come back by replay. */
    p = make(params);
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_set_checkpoints(job, &o), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_resume(job), RV_OK);
    rv_job_checkpoint_stats(job, &stats);
    CU_ASSERT(stats.resumed);
    CU_ASSERT_EQUAL(stats.resumed_superstep, expect_superstep);
    CU_ASSERT_EQUAL(rv_job_superstep(job), expect_superstep);
    CU_ASSERT_EQUAL(stats.resumed_ranks, rv_session_size(session));
    CU_ASSERT_EQUAL(stats.replicas_bad, 0);
    CU_ASSERT_EQUAL_FATAL(rv_job_run(job, NULL, NULL), RV_OK);
    CU_ASSERT_EQUAL(job->superstep, uninterrupted.superstep);
    check_same_outcome(job, &uninterrupted);
    rv_job_free(&job);
    restore_input_graph();
}

static rv_program make_walker(void *params) { return walker_program(params); }
static rv_program make_label(void *params) { (void)params; return label_program(); }
static rv_program make_grower(void *params) { return grower_program(params); }
static rv_program make_commutative_walker(void *params)
{
    rv_program p = walker_program(params);
    ((walker_params *)params)->ordered = false;
    return p;
}

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

static void test_topology_changes(void)
{
    grower_params params;
    /* Checkpoints at 2 and 4: both after changes (supersteps 1 and 3 made some). */
    check_resume_matches(make_grower, &params, "grower", 2, 5, 4);
}

/* Runs @p p for @p supersteps in the job @p stopped, and makes a fresh job of @p p,
 * @p fresh, to carry the stopped job's state over into. */
static void stop_and_start_afresh(const rv_program *p, uint64_t supersteps, rv_job **stopped, rv_job **fresh)
{
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, p, stopped), RV_OK);
    rv_run_options stop = {.max_supersteps = supersteps};
    CU_ASSERT_EQUAL_FATAL(rv_job_run(*stopped, &stop, NULL), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, p, fresh), RV_OK);
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
    stop_and_start_afresh(&p, 1, &a, &b);
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

    /* Checkpoints must be set up before the first superstep: the master hook's
     * history starts there. */
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    rv_run_options one = {.max_supersteps = 1};
    CU_ASSERT_EQUAL(rv_job_run(job, &one, NULL), RV_OK);
    rv_checkpoint_options late = options_for("late", 1);
    CU_ASSERT_EQUAL(rv_job_set_checkpoints(job, &late), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "before rv_job_run"));
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
    stop_and_start_afresh(&p, 4, &a, &b);
    rv__buffer blob = {0};
    CU_ASSERT_EQUAL_FATAL(rv__state_save(a, NULL, &blob), RV_OK);
    uint8_t *seen = calloc(graph->n_local, 1);
    collected c = {.into = b, .seen = seen};
    rv__state_sections sections;
    CU_ASSERT_EQUAL_FATAL(rv__state_open(b, blob.data, blob.size, "test", &sections), RV_OK);
    CU_ASSERT_EQUAL(sections.n_topology_vertices, 0);
    CU_ASSERT_EQUAL(sections.history_bytes, 0);
    CU_ASSERT_EQUAL(rv__state_records(b, &sections, "test", apply_one, &c), RV_OK);
    CU_ASSERT_EQUAL(rv__state_apply_done(b, seen), RV_OK);
    CU_ASSERT_EQUAL(memcmp(a->values, b->values, graph->n_local * p.value_size), 0);
    CU_ASSERT_EQUAL(memcmp(a->edge_values, b->edge_values, graph->m_local * p.edge_value_size), 0);
    CU_ASSERT_EQUAL(memcmp(a->halted, b->halted, (graph->n_local / 64 + 1) * 8), 0);
    /* A second application of the same record is refused. */
    c.status = rv__state_records(b, &sections, "test", apply_one, &c);
    CU_ASSERT_EQUAL(c.status, RV_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "twice"));
    /* A truncated blob is refused, not misread. */
    CU_ASSERT_EQUAL(rv__state_open(b, blob.data, blob.size / 2, "half", &sections), RV_EPARSE);
    free(seen);
    rv__buffer_destroy(&blob);
    rv_job_free(&a);
    rv_job_free(&b);
}

/* ---- Across numbers of ranks (driven by tests/integration/checkpoint_np.sh) -------- *
 * RV_TEST_CHECKPOINT_CROSS=write:DIR leaves checkpoints of the grower and of an
 * order-independent walker in DIR, stopping after 5 supersteps; =resume:DIR, run
 * with another number of ranks, resumes them and compares with runs of its own
 * that were never interrupted. */
static const char *cross_dir;
static bool cross_write;

static void cross_one(rv_program (*make)(void *), void *params, const char *name)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/%s", cross_dir, name);
    rv_checkpoint_options o = {.dir = dir, .every = 2, .chunk_bytes = 4096, .parameters = "cross", .input = "test"};
    rv_job *job = NULL;
    rv_program p = make(params);
    if (cross_write) {
        CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
        CU_ASSERT_EQUAL_FATAL(rv_job_set_checkpoints(job, &o), RV_OK);
        rv_run_options stop = {.max_supersteps = 5};
        CU_ASSERT_EQUAL(rv_job_run(job, &stop, NULL), RV_OK);
        rv_job_free(&job);
        restore_input_graph();
        return;
    }
    outcome uninterrupted;
    run_uninterrupted(&p, &uninterrupted);
    p = make(params);
    o.every = 0;
    CU_ASSERT_EQUAL_FATAL(rv_job_new(graph, &p, &job), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_set_checkpoints(job, &o), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_job_resume(job), RV_OK);
    rv_checkpoint_stats stats;
    rv_job_checkpoint_stats(job, &stats);
    CU_ASSERT(stats.resumed && stats.resumed_superstep == 4);
    CU_ASSERT_NOT_EQUAL(stats.resumed_ranks, rv_session_size(session));
    CU_ASSERT_EQUAL_FATAL(rv_job_run(job, NULL, NULL), RV_OK);
    check_same_outcome(job, &uninterrupted);
    rv_job_free(&job);
    restore_input_graph();
}

static void test_cross(void)
{
    walker_params walker;
    grower_params grower;
    cross_one(make_commutative_walker, &walker, "walker");
    cross_one(make_grower, &grower, "grower");
}

int main(int argc, char **argv)
{
    if (!rv_test_open(&session, tmpdir, &argc, &argv))
        return 2;
    snprintf(edges_file, sizeof edges_file, "%s/g.e", tmpdir);
    /* 40 vertices, parallel edges and a self-loop, so that the edge order matters.
     * Every rank writes the same file in its own directory. */
    FILE *f = fopen(edges_file, "w");
    for (int v = 0; v < 40; v++) {
        fprintf(f, "%d %d %d\n%d %d %d\n", v, (v * 7 + 3) % 40, v % 3, v, (v + 1) % 40, 1 + v % 2);
        if (v % 5 == 0)
            fprintf(f, "%d %d 1\n", v, (v + 1) % 40);
    }
    fputs("4 4 2\n", f);
    fclose(f);
    if (!load_input_graph())
        return 2;

    const char *cross = getenv("RV_TEST_CHECKPOINT_CROSS");
    CU_initialize_registry();
    CU_pSuite suite = CU_add_suite("checkpoint", NULL, NULL);
    if (cross && (strncmp(cross, "write:", 6) == 0 || strncmp(cross, "resume:", 7) == 0)) {
        cross_write = cross[0] == 'w';
        cross_dir = strchr(cross, ':') + 1;
        CU_add_test(suite, cross_write ? "across rank counts: write" : "across rank counts: resume", test_cross);
    } else {
        CU_add_test(suite, "resume: list inbox, edge state, accumulating master hook",
                    test_list_inbox_edge_state_master);
        CU_add_test(suite, "resume: combining inbox with a custom combiner", test_combining_inbox);
        CU_add_test(suite, "resume: topology changes before the checkpoint", test_topology_changes);
        CU_add_test(suite, "inbox: visit and restore pending messages", test_messages_visit_and_restore);
        CU_add_test(suite, "state: save and apply by vertex id", test_state_round_trip);
        CU_add_test(suite, "refusals and bad options", test_refusals);
    }
    bool failed = rv_test_run_all();
    rv_graph_free(&graph);
    return rv_test_close(&session, tmpdir, failed);
}
