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
 */
#include <stdlib.h>

#include "rivulet.h"

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

const rv_algorithm rv_algorithm_wcc = {
    .name = "wcc",
    .alias = NULL,
    .summary = "weakly connected components, labelled by their smallest vertex id (Graphalytics semantics)",
    .params = NULL,
    .n_params = 0,
    .configure = configure,
    .release = NULL,
    .undirected_view = true,
};
