/* context.c — what a vertex program can ask and do inside compute(): its vertex, edges, messages and aggregators. */
#include <inttypes.h>
#include <math.h>

#include "job.h"

rv_id rv_vertex_id(const rv_context *ctx) { return ctx->job->graph->gid[ctx->vertex]; }

uint64_t rv_out_degree(const rv_context *ctx)
{
    const rv_graph *g = ctx->job->graph;
    return rv__graph_edges_end(g, ctx->vertex) - g->offsets[ctx->vertex];
}

rv_id rv_edge_target(const rv_context *ctx, uint64_t i)
{
    const rv_graph *g = ctx->job->graph;
    uint32_t slot = g->targets[g->offsets[ctx->vertex] + i];
    return slot < g->n_local ? g->gid[slot] : g->ghost_gid[slot - g->n_local];
}

double rv_edge_weight(const rv_context *ctx, uint64_t i)
{
    const rv_graph *g = ctx->job->graph;
    return g->weights ? g->weights[g->offsets[ctx->vertex] + i] : 1.0;
}

rv_edge_direction_kind rv_edge_direction(const rv_context *ctx, uint64_t i)
{
    const rv_graph *g = ctx->job->graph;
    if (g->reverse)
        return g->reverse[g->offsets[ctx->vertex] + i] ? RV_EDGE_IN : RV_EDGE_OUT;
    return g->undirected ? RV_EDGE_BOTH : RV_EDGE_OUT;
}

void *rv_edge_value(rv_context *ctx, uint64_t i)
{
    const rv_job *job = ctx->job;
    if (!job->edge_values)
        return NULL;
    return job->edge_values + (job->graph->offsets[ctx->vertex] + i) * job->program.edge_value_size;
}

uint64_t rv_superstep(const rv_context *ctx) { return ctx->job->superstep; }
uint64_t rv_n_vertices(const rv_context *ctx) { return ctx->job->graph->n_vertices; }

/* Fails the run for a programming error in how compute() sends. */
static bool refuse_send(rv_context *ctx, const char *why)
{
    rv_job *job = ctx->job;
    rv__session_fail(job->session, RV_EINVAL, "program '%s' %s", job->program.name ? job->program.name : "?", why);
    if (job->messages.status == RV_OK)
        job->messages.status = RV_EINVAL;
    return false;
}

/* Sending during init() is a programming error; it fails the run rather than
 * delivering a message to a superstep that has not begun. */
static bool may_send(rv_context *ctx)
{
    if (ctx->in_init)
        return refuse_send(ctx, "sent a message during init()");
    if (ctx->job->messages.variable)
        return refuse_send(ctx, "has variable-size messages: send them with rv_send_*_bytes()");
    return true;
}

/* A variable-size send: allowed for variable-size programs, and for fixed-size ones
 * when the size is theirs (then it takes the fixed-size path). */
static bool may_send_bytes(rv_context *ctx, size_t size, bool *fixed)
{
    const rv__messages *m = &ctx->job->messages;
    *fixed = !m->variable;
    if (ctx->in_init)
        return refuse_send(ctx, "sent a message during init()");
    if (!m->variable && size != m->size)
        return refuse_send(ctx, "sent a message whose size differs from its message_size");
    if (size > RV__MESSAGE_MAX_BYTES)
        return refuse_send(ctx, "sent a message of 4 GiB or more");
    return true;
}

void rv_send_edge(rv_context *ctx, uint64_t i, const void *message)
{
    if (!may_send(ctx))
        return;
    const rv_graph *g = ctx->job->graph;
    rv__messages_send_slot(&ctx->job->messages, g->targets[g->offsets[ctx->vertex] + i], message);
}

void rv_send_all(rv_context *ctx, const void *message)
{
    if (!may_send(ctx))
        return;
    rv__messages_broadcast(&ctx->job->messages, ctx->vertex, message);
}

void rv_send(rv_context *ctx, rv_id target, const void *message)
{
    if (may_send(ctx))
        rv__messages_send_id(&ctx->job->messages, target, message);
}

void rv_send_edge_bytes(rv_context *ctx, uint64_t i, const void *data, size_t size)
{
    bool fixed;
    if (!may_send_bytes(ctx, size, &fixed))
        return;
    const rv_graph *g = ctx->job->graph;
    uint32_t slot = g->targets[g->offsets[ctx->vertex] + i];
    if (fixed)
        rv__messages_send_slot(&ctx->job->messages, slot, data);
    else
        rv__messages_send_slot_bytes(&ctx->job->messages, slot, data, size);
}

void rv_send_all_bytes(rv_context *ctx, const void *data, size_t size)
{
    bool fixed;
    if (!may_send_bytes(ctx, size, &fixed))
        return;
    if (fixed) {
        rv__messages_broadcast(&ctx->job->messages, ctx->vertex, data);
        return;
    }
    const rv_graph *g = ctx->job->graph;
    for (uint64_t e = g->offsets[ctx->vertex], end = rv__graph_edges_end(g, ctx->vertex); e < end; e++)
        rv__messages_send_slot_bytes(&ctx->job->messages, g->targets[e], data, size);
}

void rv_send_bytes(rv_context *ctx, rv_id target, const void *data, size_t size)
{
    bool fixed;
    if (!may_send_bytes(ctx, size, &fixed))
        return;
    if (fixed)
        rv__messages_send_id(&ctx->job->messages, target, data);
    else
        rv__messages_send_id_bytes(&ctx->job->messages, target, data, size);
}

void rv_vote_to_halt(rv_context *ctx) { ctx->voted_to_halt = true; }

/* Topology changes: requests, applied at the barrier (see mutation.h). */
static bool may_mutate(rv_context *ctx)
{
    return !ctx->in_init || refuse_send(ctx, "changed the topology during init()");
}

void rv_add_vertex(rv_context *ctx, rv_id id)
{
    if (may_mutate(ctx))
        rv__mutations_request(ctx->job, RV__ADD_VERTEX, id, 0, 0.0);
}

void rv_remove_vertex(rv_context *ctx, rv_id id)
{
    if (may_mutate(ctx))
        rv__mutations_request(ctx->job, RV__REMOVE_VERTEX, id, 0, 0.0);
}

void rv_add_edge(rv_context *ctx, rv_id source, rv_id target, double weight)
{
    if (may_mutate(ctx))
        rv__mutations_request(ctx->job, RV__ADD_EDGE, source, target, weight);
}

void rv_remove_edge(rv_context *ctx, rv_id source, rv_id target)
{
    if (may_mutate(ctx))
        rv__mutations_request(ctx->job, RV__REMOVE_EDGE, source, target, 0.0);
}

/* Folds x into an aggregator slot; a bad index is a programming error that fails the run. */
static rv__reduce_slot *aggregator(rv_context *ctx, size_t index, bool want_double)
{
    rv_job *job = ctx->job;
    if (index >= job->program.n_aggregators) {
        rv__session_fail(job->session, RV_EINVAL, "program '%s' used aggregator %zu; it declares %zu",
                         job->program.name ? job->program.name : "?", index, job->program.n_aggregators);
        if (job->messages.status == RV_OK)
            job->messages.status = RV_EINVAL;
        return NULL;
    }
    rv__reduce_slot *slot = &job->aggregate_local[index];
    if ((slot->type == RV__SLOT_F64) != want_double) {
        rv__session_fail(job->session, RV_EINVAL, "aggregator %zu of program '%s' has another type",
                         index, job->program.name ? job->program.name : "?");
        if (job->messages.status == RV_OK)
            job->messages.status = RV_EINVAL;
        return NULL;
    }
    return slot;
}

void rv_aggregate_double(rv_context *ctx, size_t index, double x)
{
    rv__reduce_slot *slot = aggregator(ctx, index, true);
    if (!slot)
        return;
    if (slot->op == RV__REDUCE_SUM)
        slot->value.d += x;
    else if (slot->op == RV__REDUCE_MIN)
        slot->value.d = fmin(slot->value.d, x);
    else
        slot->value.d = fmax(slot->value.d, x);
}

void rv_aggregate_int64(rv_context *ctx, size_t index, int64_t x)
{
    rv__reduce_slot *slot = aggregator(ctx, index, false);
    if (!slot)
        return;
    if (slot->op == RV__REDUCE_SUM)
        slot->value.i += x;
    else if (slot->op == RV__REDUCE_MIN)
        slot->value.i = x < slot->value.i ? x : slot->value.i;
    else
        slot->value.i = x > slot->value.i ? x : slot->value.i;
}

double rv_aggregated_double(const rv_context *ctx, size_t index)
{
    const rv_job *job = ctx->job;
    return index < job->program.n_aggregators ? job->aggregate_visible[index].value.d : NAN;
}

int64_t rv_aggregated_int64(const rv_context *ctx, size_t index)
{
    const rv_job *job = ctx->job;
    return index < job->program.n_aggregators ? job->aggregate_visible[index].value.i : 0;
}

uint64_t rv_master_superstep(const rv_master *master)
{
    const rv_job *job = master->job;
    return job->superstep - (master->between_runs && job->superstep > 0);
}
uint64_t rv_master_n_vertices(const rv_master *master) { return master->job->graph->n_vertices; }
uint64_t rv_master_n_edges(const rv_master *master) { return master->job->graph->n_edges; }
uint64_t rv_master_batch_updates(const rv_master *master) { return master->batch_updates; }

void rv_master_recompute(rv_master *master)
{
    /* Only between runs, where stream.c reads it; elsewhere it would be ignored. */
    if (master->between_runs)
        master->recompute = true;
}

double rv_master_aggregated_double(const rv_master *master, size_t index)
{
    return index < master->job->program.n_aggregators ? master->reduced[index].value.d : NAN;
}

int64_t rv_master_aggregated_int64(const rv_master *master, size_t index)
{
    return index < master->job->program.n_aggregators ? master->reduced[index].value.i : 0;
}

void rv_master_set_double(rv_master *master, size_t index, double x)
{
    if (index < master->job->program.n_aggregators)
        master->job->aggregate_visible[index].value.d = x;
}

void rv_master_set_int64(rv_master *master, size_t index, int64_t x)
{
    if (index < master->job->program.n_aggregators)
        master->job->aggregate_visible[index].value.i = x;
}

void rv_master_fail(rv_master *master, const char *message)
{
    rv__session_fail(master->job->session, RV_EINVAL, "%s", message);
    master->failed = true;
}
