/* wcc.c — weakly connected components, labelled by their smallest vertex id (Graphalytics semantics).
 *
 * Computes: for every vertex, the smallest id of the vertices it is connected to
 * when edge direction is ignored; an isolated vertex is its own component.
 * Graph: the undirected view (rv_algorithm.undirected_view), so a vertex's edges
 * are its in- and out-neighbours.
 * Message: an int64_t, a candidate label. Combiner: minimum.
 * Supersteps: in superstep 0 each vertex takes the smallest of its own id and its
 * neighbours' ids (it can read them off its edges, which saves one round) and sends
 * it to its neighbours; afterwards a vertex that receives a smaller label adopts and
 * forwards it. Every vertex votes to halt each time, so the run ends when no label
 * changes: after about as many supersteps as the largest component's diameter.
 * Reference: Kang, Tsourakakis, Faloutsos, "PEGASUS: a peta-scale graph mining
 * system" (ICDM 2009), HCC; LDBC Graphalytics specification, section "WCC".
 *
 * Stream version (`rivulet stream wcc`, configure_stream): the same labels, kept
 * exact as edges and vertices come and go. Each vertex also remembers its parent,
 * the neighbour whose label it adopted (none while its label is its own id), so the
 * parents form a tree in each component, rooted at its smallest vertex. Messages
 * carry their sender, without a combiner: OFFER (a label), INVALIDATE (the sender's
 * label is gone) and REQUEST (the sender asks its neighbours for their labels).
 * Repair in two phases, as in stream_paths.c and with the same bookkeeping (trim.c;
 * KickStarter: Vora, Gupta, Xu, ASPLOS 2017): first the trim, while vertices keep
 * resetting (an aggregator the master hook reads): a vertex that lost its last edge
 * to its parent takes its own id again and invalidates its neighbours, and its
 * children do the same, so exactly the subtree that hung on the removed edges
 * resets (a component that splits off is such a subtree). Then the reset vertices ask their neighbours for labels, the
 * ends of every added edge offer theirs along it, and labels spread as usual.
 */
#include <stdlib.h>

#include "rivulet.h"
#include "trim.h"

static void init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(int64_t *)value = (int64_t)rv_vertex_id(ctx);
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    (void)user;
    int64_t *label = value;
    if (rv_superstep(ctx) == 0) {
        uint64_t degree = rv_out_degree(ctx);
        for (uint64_t i = 0; i < degree; i++) {
            int64_t neighbour = (int64_t)rv_edge_target(ctx, i);
            if (neighbour < *label)
                *label = neighbour;
        }
        if (degree > 0)
            rv_send_all(ctx, label);
    } else if (n_messages && *(const int64_t *)messages < *label) {
        *label = *(const int64_t *)messages;
        rv_send_all(ctx, label);
    }
    rv_vote_to_halt(ctx);
}

static int configure(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    (void)params;
    (void)error;
    (void)error_capacity;
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = "wcc",
        .value_size = sizeof(int64_t),
        .message_size = sizeof(int64_t),
        .init = init,
        .compute = compute,
        .combiner = RV_COMBINE_MIN_INT64,
        .format = rv_format_int64_value,
    };
    return RV_OK;
}

/* ---- The stream version ------------------------------------------------------------ */

typedef struct wcc_stream_params {
    bool trimming; /* set by the master hook: some vertex reset in the last superstep */
} wcc_stream_params;

typedef struct wcc_state {
    int64_t label;
    rv__trim_state trim; /* no parent while the label is the vertex's own id */
} wcc_state;

typedef struct wcc_message {
    rv__trim_header head;
    int64_t label; /* OFFER only */
} wcc_message;

enum { AGG_RESETS };

static const rv_aggregator_spec stream_aggregators[] = {
    {"resets", RV_AGG_SUM_INT64},
};

static void stream_init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(wcc_state *)value =
        (wcc_state){.label = (int64_t)rv_vertex_id(ctx), .trim = {.parent = RV__NO_PARENT, .offer_from = RV__NO_OFFER}};
}

static bool stream_master(rv_master *master, void *user)
{
    wcc_stream_params *params = user;
    params->trimming = rv__trim_in_progress(master, AGG_RESETS);
    return true;
}

/* Offers the vertex's label along its edges from @p first on. */
static void offer(rv_context *ctx, const wcc_state *st, uint64_t first)
{
    wcc_message m = {.head = {.kind = RV__TRIM_OFFER, .sender = rv_vertex_id(ctx)}, .label = st->label};
    uint64_t degree = rv_out_degree(ctx);
    for (uint64_t i = first; i < degree; i++)
        rv_send_edge(ctx, i, &m);
}

/* The vertex lost the edge its label came through: it starts again from its own id,
 * its children learn it, and once the trim is over it asks its neighbours. */
static void reset(rv_context *ctx, wcc_state *st)
{
    st->label = (int64_t)rv_vertex_id(ctx);
    rv__trim_reset(ctx, &st->trim, AGG_RESETS);
    wcc_message invalidate = {.head = {.kind = RV__TRIM_INVALIDATE, .sender = rv_vertex_id(ctx)}};
    rv_send_all(ctx, &invalidate);
}

static void stream_compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    const wcc_stream_params *params = user;
    wcc_state *st = value;
    const wcc_message *m = messages;
    if (rv_superstep(ctx) == 0) {
        /* As in compute(): the smallest of its own id and its neighbours' ids, which
         * the neighbour itself vouches for. */
        uint64_t degree = rv_out_degree(ctx);
        for (uint64_t i = 0; i < degree; i++) {
            rv_id neighbour = rv_edge_target(ctx, i);
            if ((int64_t)neighbour < st->label) {
                st->label = (int64_t)neighbour;
                st->trim.parent = neighbour;
            }
        }
        offer(ctx, st, 0);
        rv_vote_to_halt(ctx);
        return;
    }
    if (params->trimming) {
        /* Only invalidations travel now; pending work stays awake for later. */
        if (rv__trim_parent_invalidated(&st->trim, messages, n_messages, sizeof *m))
            reset(ctx, st);
        rv__trim_vote_to_halt(ctx, &st->trim);
        return;
    }
    if (st->trim.request) {
        wcc_message request = {.head = {.kind = RV__TRIM_REQUEST, .sender = rv_vertex_id(ctx)}};
        rv_send_all(ctx, &request);
        st->trim.request = 0;
    }
    if (st->trim.offer_from != RV__NO_OFFER) {
        offer(ctx, st, st->trim.offer_from);
        st->trim.offer_from = RV__NO_OFFER;
    }
    int64_t best = st->label;
    rv_id best_sender = RV__NO_PARENT;
    for (size_t k = 0; k < n_messages; k++)
        if (m[k].head.kind == RV__TRIM_OFFER &&
            (m[k].label < best ||
             (m[k].label == best && best_sender != RV__NO_PARENT && m[k].head.sender < best_sender))) {
            best = m[k].label;
            best_sender = m[k].head.sender;
        }
    if (best_sender != RV__NO_PARENT) {
        st->label = best;
        st->trim.parent = best_sender;
        offer(ctx, st, 0); /* this reaches every requester too */
    } else {
        rv_id me = rv_vertex_id(ctx);
        for (size_t k = 0; k < n_messages; k++)
            /* A requester starts from its own id: only a smaller label helps it. */
            if (m[k].head.kind == RV__TRIM_REQUEST && st->label < (int64_t)m[k].head.sender) {
                wcc_message answer = {.head = {.kind = RV__TRIM_OFFER, .sender = me}, .label = st->label};
                rv_send(ctx, m[k].head.sender, &answer);
            }
    }
    rv_vote_to_halt(ctx);
}

/* Whether the vertex still has an edge to @p id. */
static bool has_edge_to(const rv_context *ctx, rv_id id)
{
    uint64_t degree = rv_out_degree(ctx);
    for (uint64_t i = 0; i < degree; i++)
        if (rv_edge_target(ctx, i) == id)
            return true;
    return false;
}

static void stream_repair(rv_context *ctx, void *value, const rv_change *change, void *user)
{
    (void)user;
    wcc_state *st = value;
    bool lost_parent = false;
    for (size_t k = 0; k < change->n_removed && st->trim.parent != RV__NO_PARENT && !lost_parent; k++)
        lost_parent = change->removed[k].target == st->trim.parent && !has_edge_to(ctx, st->trim.parent);
    if (change->n_added_edges > 0)
        st->trim.offer_from = rv_out_degree(ctx) - change->n_added_edges;
    if (lost_parent)
        reset(ctx, st);
    /* Awake until the trim is over when there is work left for then. */
    rv__trim_vote_to_halt(ctx, &st->trim);
}

static size_t format_label(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    return rv_format_int64(((const wcc_state *)value)->label, buffer, capacity);
}

static int configure_stream(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    (void)params;
    (void)error;
    (void)error_capacity;
    wcc_stream_params *p = calloc(1, sizeof *p);
    if (!p)
        return RV_ENOMEM;
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = "wcc (stream)",
        .value_size = sizeof(wcc_state),
        .message_size = sizeof(wcc_message),
        .init = stream_init,
        .compute = stream_compute,
        .master = stream_master,
        .format = format_label,
        .aggregators = stream_aggregators,
        .n_aggregators = sizeof stream_aggregators / sizeof stream_aggregators[0],
        .user = p,
        .repair = stream_repair,
    };
    return RV_OK;
}

/* The batch program has no user data; the stream program's is one block. */
static void release(rv_program *program)
{
    free(program->user);
    program->user = NULL;
}

const rv_algorithm rv_algorithm_wcc = {
    .name = "wcc",
    .alias = NULL,
    .summary = "weakly connected components, labelled by their smallest vertex id (Graphalytics semantics)",
    .params = NULL,
    .n_params = 0,
    .configure = configure,
    .release = release,
    .undirected_view = true,
    .configure_stream = configure_stream,
};
