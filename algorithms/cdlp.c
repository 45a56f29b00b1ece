/* cdlp.c — community detection by synchronous label propagation (Graphalytics semantics).
 *
 * Computes: exactly K rounds of label propagation from label(v) = id(v). In each
 * round every vertex takes the label that is most frequent among its in- and
 * out-neighbours' labels of the previous round (a neighbour linked both ways counts
 * twice), the smallest such label on a tie; a vertex without neighbours keeps its
 * label.
 * Graph: the undirected view (rv_algorithm.undirected_view): a vertex's edges are
 * its out-neighbours plus its in-neighbours, and a pair linked both ways is two
 * edges, which is exactly the counting rule above.
 * Message: an int64_t label, one per edge. No combiner: a vertex needs every label
 * to find the most frequent one. It copies them into a scratch array, sorts it and
 * takes the longest run; the array lives in the program's user data and only grows,
 * so the hot loop allocates nothing once it has seen the largest degree.
 * Supersteps: superstep 0 sends the initial labels; supersteps 1..K each compute
 * one round, and all but the last send the new label on; every vertex votes to
 * halt after round K. Synchronous label propagation can oscillate, so the round
 * count is never cut short.
 * Stream version (`rivulet stream cdlp`, configure_stream): every vertex keeps its
 * label after each round (K + 1 labels and a flag, 8(K + 2) bytes), so that after a
 * batch only what can have changed is recomputed: round i at a vertex whose edges
 * changed, or one of whose neighbours' labels after round i - 1 changed. Such a
 * vertex asks all its neighbours for their labels of round i - 1 (three supersteps
 * a round, see stream_compute()), and the region grows only where labels really
 * change. Above STREAM_MAX_ITERATIONS rounds it recomputes instead.
 * Reference: Raghavan, Albert, Kumara, "Near linear time algorithm to detect
 * community structures in large-scale networks" (Phys. Rev. E 76, 2007); LDBC
 * Graphalytics specification, section "CDLP".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct cdlp_params {
    int64_t iterations;
    /* Scratch for one vertex's received labels. compute() runs one vertex at a time
     * on a rank, so one array serves them all. */
    int64_t *labels;
    size_t capacity;
} cdlp_params;

enum { AGG_OUT_OF_MEMORY };

static const rv_aggregator_spec aggregators[] = {
    {"out_of_memory", RV_AGG_MAX_INT64},
};

static void init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(int64_t *)value = (int64_t)rv_vertex_id(ctx);
}

static void insertion_sort(int64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int64_t x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

/* Sorts @p a ascending: quicksort with a three-way partition, because after a few
 * rounds most of a vertex's labels are equal, and a two-way partition would go
 * quadratic on them. Recurses into the smaller side only, so the stack stays
 * O(log n) deep. */
static void sort_labels(int64_t *a, size_t n)
{
    while (n > 16) {
        int64_t x = a[0], y = a[n / 2], z = a[n - 1];
        int64_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        /* a[0, lt) < pivot, a[lt, i) == pivot, a[gt, n) > pivot. */
        size_t lt = 0, i = 0, gt = n;
        while (i < gt) {
            int64_t v = a[i];
            if (v < pivot) {
                a[i++] = a[lt];
                a[lt++] = v;
            } else if (v > pivot) {
                a[i] = a[--gt];
                a[gt] = v;
            } else {
                i++;
            }
        }
        if (lt < n - gt) {
            sort_labels(a, lt);
            a += gt;
            n -= gt;
        } else {
            sort_labels(a + gt, n - gt);
            n = lt;
        }
    }
    insertion_sort(a, n);
}

/* The most frequent value of @p a (sorted), the smallest one on a tie: scanning
 * ascending and replacing the winner only on a strictly longer run keeps the first,
 * smallest, of equally long runs. */
static int64_t most_frequent(const int64_t *a, size_t n)
{
    int64_t best = a[0];
    size_t best_count = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && a[j] == a[i])
            j++;
        if (j - i > best_count) {
            best_count = j - i;
            best = a[i];
        }
        i = j;
    }
    return best;
}

/* Makes the scratch array hold at least @p n labels; false when memory runs out. */
static bool reserve(cdlp_params *params, size_t n)
{
    if (n <= params->capacity)
        return true;
    size_t capacity = params->capacity ? params->capacity : 64;
    while (capacity < n)
        capacity *= 2;
    int64_t *bigger = realloc(params->labels, capacity * sizeof *bigger);
    if (!bigger)
        return false;
    params->labels = bigger;
    params->capacity = capacity;
    return true;
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    cdlp_params *params = user;
    int64_t *label = value;
    uint64_t step = rv_superstep(ctx);
    if (step > 0 && n_messages > 0) {
        if (n_messages == 1) {
            memcpy(label, messages, sizeof *label);
        } else if (reserve(params, n_messages)) {
            /* The engine's messages are read-only: sort a copy. */
            memcpy(params->labels, messages, n_messages * sizeof *params->labels);
            sort_labels(params->labels, n_messages);
            *label = most_frequent(params->labels, n_messages);
        } else {
            /* compute() cannot fail the run itself: it raises the flag, and the
             * master hook fails the run on every rank at once. */
            rv_aggregate_int64(ctx, AGG_OUT_OF_MEMORY, 1);
        }
    }
    if (step < (uint64_t)params->iterations)
        rv_send_all(ctx, label);
    else
        rv_vote_to_halt(ctx);
}

/* Sees the same reduced flag on every rank, so all of them stop with the same error. */
static bool master(rv_master *master, void *user)
{
    (void)user;
    if (rv_master_aggregated_int64(master, AGG_OUT_OF_MEMORY) > 0) {
        rv_master_fail(master, "cdlp: out of memory for a vertex's labels");
        return false;
    }
    return true;
}

static int configure(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    cdlp_params *p = calloc(1, sizeof *p);
    if (!p)
        return RV_ENOMEM;
    if (rv_params_get_int64(params, "iterations", &p->iterations) != RV_OK) {
        free(p);
        return RV_EINVAL;
    }
    if (p->iterations < 0) {
        snprintf(error, error_capacity, "cdlp needs --iterations >= 0");
        free(p);
        return RV_EINVAL;
    }
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = "cdlp",
        .value_size = sizeof(int64_t),
        .message_size = sizeof(int64_t),
        .init = init,
        .compute = compute,
        .master = master,
        .format = rv_format_int64_value,
        .aggregators = aggregators,
        .n_aggregators = sizeof aggregators / sizeof aggregators[0],
        .user = p,
    };
    return RV_OK;
}

/* ---- The stream version ------------------------------------------------------------ */

/* Label histories cost 8 bytes per round per vertex: above this many rounds the
 * stream recomputes from scratch after every batch instead (configure_stream()
 * returns the batch program, which has no repair()). */
#define STREAM_MAX_ITERATIONS 128

typedef struct cdlp_stream_params {
    cdlp_params batch; /* iterations and the scratch array, as for the batch program */
    uint64_t base;     /* the first superstep of the current run: 0, or the one after a batch */
    bool repairing;    /* false for the initial computation (batch 0, or a batch recomputed) */
    double repair_limit; /* a batch of more updates than this fraction of the edges is recomputed */
} cdlp_stream_params;

/* A vertex's value: a flag, then its label after every round 0..K (label[0] is its id). */
enum { STATE_TOUCHED = 0, STATE_LABELS = 1 };

static void stream_init(rv_context *ctx, void *value, void *user)
{
    const cdlp_stream_params *params = user;
    int64_t *state = value;
    state[STATE_TOUCHED] = 0;
    for (int64_t i = 0; i <= params->batch.iterations; i++)
        state[STATE_LABELS + i] = (int64_t)rv_vertex_id(ctx);
}

/* The most frequent of @p n labels, which compute() copies into the scratch array
 * (already there when @p labels is the scratch). False when memory runs out. */
static bool mode_of(cdlp_params *params, const int64_t *labels, size_t n, int64_t *out)
{
    if (!reserve(params, n))
        return false;
    if (labels != params->labels)
        memcpy(params->labels, labels, n * sizeof *params->labels);
    sort_labels(params->labels, n);
    *out = most_frequent(params->labels, n);
    return true;
}

/* Stores @p label as the vertex's label after round @p i; true if it differs from the
 * label stored there (the previous batch's). */
static bool store_label(int64_t *state, int64_t i, int64_t label)
{
    bool changed = state[STATE_LABELS + i] != label;
    state[STATE_LABELS + i] = label;
    return changed;
}

/* The initial computation, as compute() but keeping every round's label. */
static void compute_history(rv_context *ctx, int64_t *state, const void *messages, size_t n_messages,
                            cdlp_stream_params *params)
{
    int64_t rounds = params->batch.iterations, r = (int64_t)(rv_superstep(ctx) - params->base);
    if (r == 0 && rv_out_degree(ctx) > 0 && rounds > 0)
        rv_send_all(ctx, &state[STATE_LABELS]);
    if (r > 0) {
        /* A vertex with edges hears from every neighbour in every round; one without
         * keeps its id, which init() stored in every round already. */
        int64_t label = state[STATE_LABELS + r - 1];
        if (n_messages > 0 && !mode_of(&params->batch, messages, n_messages, &label))
            rv_aggregate_int64(ctx, AGG_OUT_OF_MEMORY, 1);
        store_label(state, r, label);
        if (r < rounds)
            rv_send_all(ctx, &label);
    }
    rv_vote_to_halt(ctx);
}

/* Repair messages: NOTIFY (no payload: "my label after the last round changed"),
 * REQUEST (the sender's id: "send me your label after the last round") and REPLY
 * (that label). Which kind arrives follows from the superstep, so a message is just
 * one int64_t. Round i >= 2 takes three supersteps after the batch, from r = 3(i-2)+1:
 *   r % 3 == 1: the vertices round i must recompute ask all their neighbours;
 *   r % 3 == 2: the neighbours reply with their label after round i-1;
 *   r % 3 == 0: the askers recompute round i, and those whose label changed notify
 *               their neighbours, which must then recompute round i+1.
 * A vertex the batch touched (its edges changed) recomputes every round; round 1
 * needs only the neighbours' ids and is done in repair() itself. */
static void stream_compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    cdlp_stream_params *params = user;
    int64_t *state = value;
    if (!params->repairing) {
        compute_history(ctx, state, messages, n_messages, params);
        return;
    }
    int64_t rounds = params->batch.iterations;
    uint64_t r = rv_superstep(ctx) - params->base;
    bool touched = state[STATE_TOUCHED] != 0;
    if (r % 3 == 1) {
        int64_t i = (int64_t)(r - 1) / 3 + 2;
        if (i <= rounds && (touched || n_messages > 0)) {
            int64_t me = (int64_t)rv_vertex_id(ctx);
            rv_send_all(ctx, &me);
        }
    } else if (r % 3 == 2) {
        /* One reply per request, so a neighbour linked twice hears twice. */
        int64_t label = state[STATE_LABELS + (int64_t)(r + 1) / 3];
        const int64_t *requesters = messages;
        for (size_t k = 0; k < n_messages; k++)
            rv_send(ctx, (rv_id)requesters[k], &label);
    } else if (n_messages > 0) {
        int64_t i = (int64_t)r / 3 + 1, label;
        if (!mode_of(&params->batch, messages, n_messages, &label)) {
            rv_aggregate_int64(ctx, AGG_OUT_OF_MEMORY, 1);
        } else if (store_label(state, i, label) && i < rounds) {
            int64_t notify = 0;
            rv_send_all(ctx, &notify);
        }
        if (i >= rounds)
            state[STATE_TOUCHED] = touched = false;
    }
    if (!touched)
        rv_vote_to_halt(ctx);
}

/* A vertex whose edges changed: round 1 from its neighbours' ids (their labels after
 * round 0), and it recomputes every later round too. */
static void stream_repair(rv_context *ctx, void *value, const rv_change *change, void *user)
{
    (void)change;
    cdlp_stream_params *params = user;
    int64_t *state = value;
    int64_t rounds = params->batch.iterations;
    uint64_t degree = rv_out_degree(ctx);
    state[STATE_TOUCHED] = 0;
    if (rounds == 0) {
        rv_vote_to_halt(ctx);
        return;
    }
    if (degree == 0) {
        /* No neighbours left: its id in every round, and nobody to tell. */
        for (int64_t i = 1; i <= rounds; i++)
            state[STATE_LABELS + i] = state[STATE_LABELS];
        rv_vote_to_halt(ctx);
        return;
    }
    int64_t label;
    if (!reserve(&params->batch, degree)) {
        rv_aggregate_int64(ctx, AGG_OUT_OF_MEMORY, 1);
        rv_vote_to_halt(ctx);
        return;
    }
    for (uint64_t e = 0; e < degree; e++)
        params->batch.labels[e] = (int64_t)rv_edge_target(ctx, e);
    mode_of(&params->batch, params->batch.labels, degree, &label);
    if (store_label(state, 1, label) && rounds > 1) {
        int64_t notify = 0;
        rv_send_all(ctx, &notify);
    }
    if (rounds > 1)
        state[STATE_TOUCHED] = 1;
    else
        rv_vote_to_halt(ctx);
}

/* A batch came: repair from the touched vertices on, unless it is so large that
 * starting again is cheaper. A repair redoes every round around each update, and
 * labels changed in early rounds spread: on R-MAT with 1 M edges, batches of 100
 * updates repaired 1.7-2.8x faster than a recomputation and batches of 10,000 3-10x
 * slower (README, stream benchmark), hence the default limit of 1e-3 of the edges. */
static bool stream_on_batch(rv_master *master, void *user)
{
    cdlp_stream_params *params = user;
    if ((double)rv_master_batch_updates(master) > params->repair_limit * (double)rv_master_n_edges(master)) {
        params->base = 0;
        params->repairing = false;
        rv_master_recompute(master);
        return false;
    }
    params->base = rv_master_superstep(master) + 1;
    params->repairing = true;
    return false;
}

static size_t format_history(const void *value, char *buffer, size_t capacity, void *user)
{
    const cdlp_stream_params *params = user;
    return rv_format_int64(((const int64_t *)value)[STATE_LABELS + params->batch.iterations], buffer, capacity);
}

static int configure_stream(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    int status = configure(params, program, error, error_capacity);
    cdlp_params *batch = program->user;
    if (status != RV_OK)
        return status;
    double repair_limit = 0.0;
    if (rv_params_get_double(params, "repair-limit", &repair_limit) != RV_OK || !(repair_limit >= 0.0)) {
        snprintf(error, error_capacity, "cdlp needs --repair-limit >= 0");
        free(batch);
        program->user = NULL;
        return RV_EINVAL;
    }
    if (batch->iterations > STREAM_MAX_ITERATIONS)
        return RV_OK;
    cdlp_stream_params *p = calloc(1, sizeof *p);
    if (!p) {
        free(batch);
        program->user = NULL;
        return RV_ENOMEM;
    }
    p->batch = *batch;
    p->repair_limit = repair_limit;
    free(batch);
    program->name = "cdlp (stream)";
    program->value_size = (size_t)(p->batch.iterations + 2) * sizeof(int64_t);
    program->init = stream_init;
    program->compute = stream_compute;
    program->repair = stream_repair;
    program->on_batch = stream_on_batch;
    program->format = format_history;
    program->user = p;
    return RV_OK;
}

/* The stream program's user data starts with the batch program's. */
static void release(rv_program *program)
{
    cdlp_params *p = program->user;
    if (p)
        free(p->labels);
    free(p);
    program->user = NULL;
}

static const rv_param_spec params[] = {
    {"iterations", RV_PARAM_INT64, "10", "cdlp.max-iterations", "number of rounds, run exactly"},
    {"repair-limit", RV_PARAM_DOUBLE, "0.001", NULL,
     "rivulet stream: recompute a batch of more updates than this fraction of the edges instead of "
     "repairing it"},
};

const rv_algorithm rv_algorithm_cdlp = {
    .name = "cdlp",
    .alias = NULL,
    .summary = "community detection by synchronous label propagation, a fixed number of rounds (Graphalytics "
               "semantics)",
    .params = params,
    .n_params = sizeof params / sizeof params[0],
    .configure = configure,
    .release = release,
    .undirected_view = true,
    .configure_stream = configure_stream,
};
