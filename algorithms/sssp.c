/* sssp.c — single-source shortest paths over non-negative edge weights (Graphalytics semantics).
 *
 * Computes: the weight of the lightest path from the source to every vertex;
 * `infinity` where there is none. Weights must be non-negative (the loader refuses
 * others, naming the line).
 * Message: a double, a tentative distance. Combiner: minimum.
 * Supersteps: the source starts at 0 and relaxes its out-edges; a vertex that
 * learns a shorter distance relaxes its own; every vertex votes to halt, so the run
 * ends when no distance improves (Bellman-Ford in BSP form).
 * Reference: Malewicz et al., "Pregel: a system for large-scale graph processing"
 * (SIGMOD 2010), section 5.2; LDBC Graphalytics specification, section "SSSP".
 */
#include <math.h>

#include "rivulet.h"
#include "source.h"
#include "stream_paths.h"

enum { AGG_SOURCE_FOUND };

static const rv_aggregator_spec aggregators[] = {
    {"source_found", RV_AGG_SUM_INT64},
};

static void init(rv_context *ctx, void *value, void *user)
{
    const rv__source_params *params = user;
    *(double *)value = rv_vertex_id(ctx) == params->source ? 0.0 : INFINITY;
}

static bool master(rv_master *master, void *user)
{
    const rv__source_params *params = user;
    return rv__source_is_vertex(master, AGG_SOURCE_FOUND, "sssp", params->source);
}

static void relax_out_edges(rv_context *ctx, double distance)
{
    uint64_t degree = rv_out_degree(ctx);
    for (uint64_t i = 0; i < degree; i++) {
        double candidate = distance + rv_edge_weight(ctx, i);
        rv_send_edge(ctx, i, &candidate);
    }
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    (void)user;
    double *distance = value;
    if (rv_superstep(ctx) == 0) {
        if (*distance == 0.0) {
            rv_aggregate_int64(ctx, AGG_SOURCE_FOUND, 1);
            relax_out_edges(ctx, *distance);
        }
    } else if (n_messages && *(const double *)messages < *distance) {
        *distance = *(const double *)messages;
        relax_out_edges(ctx, *distance);
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
        .name = "sssp",
        .value_size = sizeof(double),
        .message_size = sizeof(double),
        .uses_weights = true,
        .needs_nonnegative_weights = true,
        .init = init,
        .compute = compute,
        .combiner = RV_COMBINE_MIN_DOUBLE,
        .master = master,
        .format = rv_format_double_value,
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
    return rv__stream_paths_configure(params, true, program);
}

static const rv_param_spec params[] = {
    {"source", RV_PARAM_ID, NULL, "sssp.source-vertex", "the source vertex id"},
};

const rv_algorithm rv_algorithm_sssp = {
    .name = "sssp",
    .alias = NULL,
    .summary = "single-source shortest paths over non-negative weights (Graphalytics semantics)",
    .params = params,
    .n_params = sizeof params / sizeof params[0],
    .uses_weights = true,
    .needs_nonnegative_weights = true,
    .weight_property_key = "sssp.weight-property",
    .configure = configure,
    .release = rv__source_release,
    .configure_stream = configure_stream,
    .stream_needs_in_edges = true,
};
