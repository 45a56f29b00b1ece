/* stream_paths.c — shortest paths from one source kept exact while edges come and go: the `rivulet stream` version of sssp and bfs.
 *
 * Computes: what sssp (weighted) or bfs (every edge 1) computes, after every batch
 * of updates, without starting over.
 * Graph: the undirected view with directions (rv_algorithm.stream_needs_in_edges):
 * the algorithm follows RV_EDGE_OUT edges; RV_EDGE_IN edges lead to in-neighbours.
 * Value: the distance, and the parent: the in-neighbour whose offer set it (none for
 * the source and for unreached vertices). The parents form a tree rooted at the
 * source: a vertex adopts an offer only when it is strictly shorter, so no cycle
 * can close.
 * Messages (no combiner: a vertex must see who sent what):
 *  - OFFER d from u: "through me you are at distance d" (d = dist(u) + weight);
 *  - INVALIDATE from u: "my distance is gone"; only u's children care;
 *  - REQUEST w from u, along u's in-edge of weight w: "offer me what you have".
 * Repair, in two phases (KickStarter's trimming, then the usual propagation; Vora,
 * Gupta, Xu, "KickStarter: fast and accurate computations on streaming graphs via
 * trimmed approximations", ASPLOS 2017):
 *  1. Trim. A vertex whose distance hung on a removed edge (it lost its in-edge
 *     from its parent, or the parent itself) resets to unreached and sends
 *     INVALIDATE along its out-edges; a child of a reset vertex does the same. While
 *     any vertex reset in the last superstep (an aggregator the master hook reads),
 *     only invalidations travel, so exactly the subtree that hung on the removed
 *     edges resets, and what remains is exact for the graph after the batch.
 *  2. Propagate. Every vertex reset in the trim asks its in-neighbours (REQUEST),
 *     the source of every added edge offers along it, and offers spread as in
 *     Bellman-Ford until no distance improves.
 * Trimming first matters: a vertex that took an offer from one whose distance was
 * about to be invalidated could pass that stale distance round a cycle for ever
 * (routing's count to infinity). The suite compares the result with a
 * recomputation after every batch. The trim's bookkeeping is shared with wcc's
 * repair (trim.c).
 */
#include "stream_paths.h"

#include <math.h>
#include <stdlib.h>

#include "source.h"
#include "trim.h"

typedef struct path_params {
    rv_id source;
    bool weighted;
    bool trimming; /* set by the master hook: some vertex reset in the last superstep */
} path_params;

typedef struct path_state {
    double distance;     /* INFINITY: unreached */
    rv__trim_state trim; /* the parent is an in-neighbour; offers go along out-edges */
} path_state;

typedef struct path_message {
    rv__trim_header head;
    double value; /* OFFER: a distance; REQUEST: the weight of the edge */
} path_message;

enum { AGG_SOURCE_FOUND, AGG_RESETS };

static const rv_aggregator_spec aggregators[] = {
    {"source_found", RV_AGG_SUM_INT64},
    {"resets", RV_AGG_SUM_INT64},
};

static void init(rv_context *ctx, void *value, void *user)
{
    const path_params *params = user;
    path_state *st = value;
    *st = (path_state){.distance = rv_vertex_id(ctx) == params->source ? 0.0 : INFINITY,
                       .trim = {.parent = RV__NO_PARENT, .offer_from = RV__NO_OFFER}};
}

static bool master(rv_master *master, void *user)
{
    path_params *params = user;
    params->trimming = rv__trim_in_progress(master, AGG_RESETS);
    return rv__source_is_vertex(master, AGG_SOURCE_FOUND, params->weighted ? "sssp" : "bfs", params->source);
}

/* Offers the vertex's distance along its out-edges from @p first on. */
static void offer_out(rv_context *ctx, const path_state *st, uint64_t first)
{
    uint64_t degree = rv_out_degree(ctx);
    path_message m = {.head = {.kind = RV__TRIM_OFFER, .sender = rv_vertex_id(ctx)}};
    for (uint64_t i = first; i < degree; i++) {
        if (!(rv_edge_direction(ctx, i) & RV_EDGE_OUT))
            continue;
        m.value = st->distance + rv_edge_weight(ctx, i);
        rv_send_edge(ctx, i, &m);
    }
}

/* The vertex lost what its distance hung on: it becomes unreached, its children
 * learn it, and once the trim is over it asks its in-neighbours for offers. */
static void reset(rv_context *ctx, path_state *st)
{
    st->distance = INFINITY;
    rv__trim_reset(ctx, &st->trim, AGG_RESETS);
    uint64_t degree = rv_out_degree(ctx);
    path_message invalidate = {.head = {.kind = RV__TRIM_INVALIDATE, .sender = rv_vertex_id(ctx)}};
    for (uint64_t i = 0; i < degree; i++)
        if (rv_edge_direction(ctx, i) & RV_EDGE_OUT)
            rv_send_edge(ctx, i, &invalidate);
}

/* After the trim: the requests of a reset vertex, the offers along added edges. */
static void do_pending(rv_context *ctx, path_state *st)
{
    if (st->trim.request) {
        uint64_t degree = rv_out_degree(ctx);
        rv_id me = rv_vertex_id(ctx);
        for (uint64_t i = 0; i < degree; i++)
            if (rv_edge_direction(ctx, i) & RV_EDGE_IN) {
                path_message request = {.head = {.kind = RV__TRIM_REQUEST, .sender = me},
                                        .value = rv_edge_weight(ctx, i)};
                rv_send_edge(ctx, i, &request);
            }
        st->trim.request = 0;
    }
    if (st->trim.offer_from != RV__NO_OFFER) {
        if (isfinite(st->distance))
            offer_out(ctx, st, st->trim.offer_from);
        st->trim.offer_from = RV__NO_OFFER;
    }
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    const path_params *params = user;
    path_state *st = value;
    const path_message *m = messages;
    if (rv_superstep(ctx) == 0) {
        if (st->distance == 0.0) {
            rv_aggregate_int64(ctx, AGG_SOURCE_FOUND, 1);
            offer_out(ctx, st, 0);
        }
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
    do_pending(ctx, st);
    double best = INFINITY;
    rv_id best_sender = RV__NO_PARENT;
    for (size_t k = 0; k < n_messages; k++)
        if (m[k].head.kind == RV__TRIM_OFFER &&
            (m[k].value < best || (m[k].value == best && m[k].head.sender < best_sender))) {
            best = m[k].value;
            best_sender = m[k].head.sender;
        }
    bool improved = best < st->distance;
    if (improved) {
        st->distance = best;
        st->trim.parent = best_sender;
        offer_out(ctx, st, 0); /* this reaches every requester too */
    } else if (isfinite(st->distance)) {
        rv_id me = rv_vertex_id(ctx);
        for (size_t k = 0; k < n_messages; k++)
            if (m[k].head.kind == RV__TRIM_REQUEST) {
                path_message offer = {.head = {.kind = RV__TRIM_OFFER, .sender = me},
                                      .value = st->distance + m[k].value};
                rv_send(ctx, m[k].head.sender, &offer);
            }
    }
    rv_vote_to_halt(ctx);
}

static void repair(rv_context *ctx, void *value, const rv_change *change, void *user)
{
    (void)user;
    path_state *st = value;
    bool lost_parent = false;
    for (size_t k = 0; k < change->n_removed && st->trim.parent != RV__NO_PARENT; k++)
        lost_parent = lost_parent ||
                      (change->removed[k].target == st->trim.parent && (change->removed[k].direction & RV_EDGE_IN));
    if (change->new_vertex || change->n_added_edges > 0)
        st->trim.offer_from = change->new_vertex ? 0 : rv_out_degree(ctx) - change->n_added_edges;
    if (lost_parent)
        reset(ctx, st);
    /* Awake until the trim is over when there is work left for then. */
    rv__trim_vote_to_halt(ctx, &st->trim);
}

static size_t format_distance(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    return rv_format_double(((const path_state *)value)->distance, buffer, capacity);
}

static size_t format_depth(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    double depth = ((const path_state *)value)->distance;
    return rv_format_int64(isfinite(depth) ? (int64_t)depth : INT64_MAX, buffer, capacity);
}

int rv__stream_paths_configure(const rv_params *params, bool weighted, rv_program *program)
{
    rv_id source;
    if (rv_params_get_id(params, "source", &source) != RV_OK)
        return RV_EINVAL;
    path_params *p = malloc(sizeof *p);
    if (!p)
        return RV_ENOMEM;
    *p = (path_params){.source = source, .weighted = weighted};
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = weighted ? "sssp (stream)" : "bfs (stream)",
        .value_size = sizeof(path_state),
        .message_size = sizeof(path_message),
        .uses_weights = weighted,
        .needs_nonnegative_weights = weighted,
        .init = init,
        .compute = compute,
        .master = master,
        .format = weighted ? format_distance : format_depth,
        .aggregators = aggregators,
        .n_aggregators = sizeof aggregators / sizeof aggregators[0],
        .user = p,
        .repair = repair,
    };
    return RV_OK;
}
