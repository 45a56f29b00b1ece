/* bfs.c — breadth-first search depths from one source (Graphalytics semantics).
 *
 * Computes: the number of hops on a shortest path from the source to every vertex
 * (the source has depth 0), following out-edges; 9223372036854775807 (INT64_MAX)
 * where there is no path. An undirected graph has every edge both ways.
 * Message: an int64_t, a tentative depth. Combiner: minimum.
 * Supersteps: the source starts at 0 and tells its out-neighbours "1"; a vertex
 * that learns a smaller depth keeps it and tells its own out-neighbours one more.
 * In superstep s exactly the vertices at depth s change, so the run takes one
 * superstep per level plus one, and every vertex votes to halt each time.
 * Reference: LDBC Graphalytics specification, section "BFS"; Malewicz et al.,
 * "Pregel" (SIGMOD 2010) for the BSP form.
 */
#include "rivulet.h"
#include "source.h"
#include "stream_paths.h"

/* The depth of a vertex the search has not reached. */
static const int64_t unreached = INT64_MAX;

enum { AGG_SOURCE_FOUND };

static const rv_aggregator_spec aggregators[] = {
    {"source_found", RV_AGG_SUM_INT64},
};

static void init(rv_context *ctx, void *value, void *user)
{
    const rv__source_params *params = user;
    *(int64_t *)value = rv_vertex_id(ctx) == params->source ? 0 : unreached;
}

static bool master(rv_master *master, void *user)
{
    const rv__source_params *params = user;
    return rv__source_is_vertex(master, AGG_SOURCE_FOUND, "bfs", params->source);
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    (void)user;
    int64_t *depth = value;
    if (rv_superstep(ctx) == 0) {
        if (*depth == 0) {
            rv_aggregate_int64(ctx, AGG_SOURCE_FOUND, 1);
            const int64_t next = 1;
            rv_send_all(ctx, &next);
        }
    } else if (n_messages && *(const int64_t *)messages < *depth) {
        /* The first message that reaches a vertex carries its depth: every message of
         * superstep s says s, and a depth never improves twice. */
        *depth = *(const int64_t *)messages;
        const int64_t next = *depth + 1;
        rv_send_all(ctx, &next);
    }
    rv_vote_to_halt(ctx);
}

static int configure(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    (void)error;
    (void)error_capacity;
    rv__source_params *p;
    int status = rv__source_params_read(params, &p);
    if (status != RV_OK)
        return status;
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = "bfs",
        .value_size = sizeof(int64_t),
        .message_size = sizeof(int64_t),
        .init = init,
        .compute = compute,
        .combiner = RV_COMBINE_MIN_INT64,
        .master = master,
        .format = rv_format_int64_value,
        .aggregators = aggregators,
        .n_aggregators = sizeof aggregators / sizeof aggregators[0],
        .user = p,
    };
    return RV_OK;
}

/* `rivulet stream`: the same distances, repaired after each batch of updates. */
static int configure_stream(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    (void)error;
    (void)error_capacity;
    return rv__stream_paths_configure(params, false, program);
}

static const rv_param_spec params[] = {
    {"source", RV_PARAM_ID, NULL, "bfs.source-vertex", "the source vertex id"},
};

const rv_algorithm rv_algorithm_bfs = {
    .name = "bfs",
    .alias = NULL,
    .summary = "breadth-first search: hop depth from a source, INT64_MAX if unreachable (Graphalytics semantics)",
    .params = params,
    .n_params = sizeof params / sizeof params[0],
    .configure = configure,
    .release = rv__source_release,
    .configure_stream = configure_stream,
    .stream_needs_in_edges = true,
};
