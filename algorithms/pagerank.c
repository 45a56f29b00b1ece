/* pagerank.c — PageRank with the exact semantics of LDBC Graphalytics.
 *
 * Computes: exactly K iterations of
 *     rank'(v) = (1 - d) / |V| + d * sum_{u -> v} rank(u) / outdeg(u) + d * S / |V|
 * from rank = 1/|V|, where S is the total rank of the sinks (out-degree 0): a sink's
 * rank is spread evenly over every vertex, so the ranks always sum to 1.
 * Value: the rank, and the out-degree (see rank_value).
 * Message: a double, rank(u) / outdeg(u). Combiner: sum.
 * Aggregator 0: sum of the sinks' ranks. Master hook: after each superstep it
 * turns that sum into the part of every vertex's new rank that does not depend on
 * its in-edges, (1 - d) / |V| + d * S / |V|. The hook runs on every rank with the
 * same inputs, so it keeps that number, and the superstep, in the program's own
 * state: compute() then does one multiply-add per vertex and asks the engine
 * nothing it already knows.
 * Supersteps: superstep 0 sends the initial ranks; supersteps 1..K each apply one
 * iteration; every vertex votes to halt after iteration K.
 * Early stop (--tolerance EPS, beyond Graphalytics, off by default): aggregator 1
 * sums |new - old| over all vertices, and the master hook ends the run after the
 * first iteration whose L1 change is below EPS. The map is a contraction by d in
 * the L1 norm, so the ranks are then within EPS * d / (1 - d) of the fixed point.
 * Stream (`rivulet stream pagerank`): after each batch of updates the iterations
 * start again from the current ranks instead of 1/|V| (new vertices start at 1/|V|):
 * on_batch() wakes every vertex and restarts the count, repair() plays superstep 0.
 * PageRank is a contraction, so with --tolerance EPS each batch ends within
 * EPS * d / (1 - d) of the new fixed point, like a recomputation; with a plain
 * iteration count the two differ by what K iterations leave of their starts.
 * Reference: Page, Brin, Motwani, Winograd, "The PageRank citation ranking" (1999);
 * LDBC Graphalytics specification, section "PageRank".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rivulet.h"

typedef struct pagerank_params {
    int64_t iterations;
    double damping;
    double tolerance; /* 0: run exactly `iterations` */
    /* Kept by the master hook for the coming superstep. */
    uint64_t superstep;  /* iterations count from the run's superstep first_superstep */
    uint64_t first_superstep;
    double base_rank;
} pagerank_params;

enum { AGG_SINK_RANK, AGG_L1_CHANGE };

static const rv_aggregator_spec aggregators[] = {
    {"sink_rank", RV_AGG_SUM_DOUBLE},
    {"l1_change", RV_AGG_SUM_DOUBLE},
};

/* A vertex's value. The out-degree is read from the engine when the vertex starts
 * and when a stream batch repairs it (its edges may have changed), not in every
 * superstep: on a dense superstep that call costs PageRank more than its arithmetic.
 * format() prints the rank, the first field. */
typedef struct rank_value {
    double rank;
    double degree;
} rank_value;

static void init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(rank_value *)value = (rank_value){.rank = 1.0 / (double)rv_n_vertices(ctx), .degree = (double)rv_out_degree(ctx)};
}

/* Shares the vertex's rank among its out-neighbours, or with everyone if it is a sink. */
static void spread(rv_context *ctx, const rank_value *v)
{
    if (v->degree == 0) {
        rv_aggregate_double(ctx, AGG_SINK_RANK, v->rank);
        return;
    }
    double share = v->rank / v->degree;
    rv_send_all(ctx, &share);
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    const pagerank_params *params = user;
    rank_value *v = value;
    uint64_t step = params->superstep;
    if (step > 0) {
        double incoming = n_messages ? *(const double *)messages : 0.0;
        double next = params->base_rank + params->damping * incoming;
        if (params->tolerance > 0.0)
            rv_aggregate_double(ctx, AGG_L1_CHANGE, fabs(next - v->rank));
        v->rank = next;
    }
    if (step < (uint64_t)params->iterations)
        spread(ctx, v);
    else
        rv_vote_to_halt(ctx);
}

static bool master(rv_master *master, void *user)
{
    pagerank_params *params = user;
    double n = (double)rv_master_n_vertices(master);
    double sinks = rv_master_aggregated_double(master, AGG_SINK_RANK);
    uint64_t finished = rv_master_superstep(master) - params->first_superstep;
    params->superstep = finished + 1;
    params->base_rank = (1.0 - params->damping) / n + params->damping * sinks / n;
    /* Superstep 0 changed nothing; from superstep 1 on, superstep s applied
     * iteration s. Stopping here leaves its ranks as the result, even though the
     * vertices have already sent the shares of the next one. */
    return !(params->tolerance > 0.0 && finished > 0 &&
             rv_master_aggregated_double(master, AGG_L1_CHANGE) < params->tolerance);
}

/* A batch of updates came: iterate again from the current ranks. */
static bool on_batch(rv_master *master, void *user)
{
    pagerank_params *params = user;
    params->first_superstep = rv_master_superstep(master) + 1;
    params->superstep = 0;
    return true; /* every vertex */
}

/* Superstep 0 of the new iterations, for every vertex. */
static void repair(rv_context *ctx, void *value, const rv_change *change, void *user)
{
    (void)change;
    const pagerank_params *params = user;
    rank_value *v = value;
    v->degree = (double)rv_out_degree(ctx);
    if (params->iterations > 0)
        spread(ctx, v);
    else
        rv_vote_to_halt(ctx);
}

static int configure(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    pagerank_params *p = calloc(1, sizeof *p);
    if (!p)
        return RV_ENOMEM;
    if (rv_params_get_int64(params, "iterations", &p->iterations) != RV_OK ||
        rv_params_get_double(params, "damping", &p->damping) != RV_OK ||
        rv_params_get_double(params, "tolerance", &p->tolerance) != RV_OK) {
        free(p);
        return RV_EINVAL;
    }
    if (p->iterations < 0 || !(p->damping >= 0.0 && p->damping <= 1.0) || !(p->tolerance >= 0.0)) {
        snprintf(error, error_capacity, "pagerank needs --iterations >= 0, --damping in [0, 1] and --tolerance >= 0");
        free(p);
        return RV_EINVAL;
    }
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = "pagerank",
        .value_size = sizeof(rank_value),
        .message_size = sizeof(double),
        .init = init,
        .compute = compute,
        .combiner = RV_COMBINE_SUM_DOUBLE,
        .master = master,
        .format = rv_format_double_value,
        .aggregators = aggregators,
        .n_aggregators = sizeof aggregators / sizeof aggregators[0],
        .user = p,
        .repair = repair,
        .on_batch = on_batch,
    };
    return RV_OK;
}

static void release(rv_program *program)
{
    free(program->user);
    program->user = NULL;
}

static const rv_param_spec params[] = {
    {"iterations", RV_PARAM_INT64, "20", "pr.num-iterations",
     "number of iterations, run exactly unless --tolerance stops earlier"},
    {"damping", RV_PARAM_DOUBLE, "0.85", "pr.damping-factor", "damping factor d"},
    {"tolerance", RV_PARAM_DOUBLE, "0", NULL,
     "stop after an iteration that changes the ranks by less than this in L1 (0: off)"},
};

const rv_algorithm rv_algorithm_pagerank = {
    .name = "pagerank",
    .alias = "pr",
    .summary = "PageRank, a fixed number of iterations (Graphalytics semantics)",
    .params = params,
    .n_params = sizeof params / sizeof params[0],
    .configure = configure,
    .release = release,
};
