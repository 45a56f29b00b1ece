/* job.h — the state of one vertex program running on one graph, and the context handed to compute(). */
#ifndef RV_JOB_H
#define RV_JOB_H

#include "comm.h"
#include "graph.h"
#include "messages.h"
#include "mutation.h"

struct rv_job {
    rv_graph *graph;
    rv_session *session;
    rv_program program;
    unsigned char *values; /* [n_local * value_size] */
    unsigned char *edge_values; /* [m_local * edge_value_size], or NULL */
    uint64_t *halted;      /* bitmap: vertices that voted to halt */
    rv__messages messages;
    rv__mutations mutations; /* topology changes requested this superstep */
    uint64_t topology_changes; /* supersteps whose topology changes were applied */
    uint64_t superstep;    /* the next superstep to run */
    bool finished;         /* no active vertex and no message in flight */
    /* Aggregators: this superstep's local contributions, and what vertices read. */
    rv__reduce_slot *aggregate_local;
    rv__reduce_slot *aggregate_visible;
    /* Checkpoints and resume (checkpoint.h); NULL when the job does not checkpoint. */
    struct rv__checkpointer *checkpointer;
    /* A stream batch just applied: its touched vertices run repair() instead of
     * compute() in the next superstep (every vertex when repair_everyone). */
    rv__batch_changes *changes;
    bool repair_everyone;
    uint64_t repaired; /* vertices that ran repair() after the last batch, here */
    uint8_t *dirty;    /* when not NULL, [n_local]: set for every vertex that runs (the stream's) */
    /* The vertices that did not vote to halt in the last superstep, ascending, when
     * known (list-mode messages only, and only while they are few): with the
     * sparse inbox's list of vertices that have messages, the next superstep visits
     * just those two lists instead of every vertex. */
    bool awake_known;
    uint32_t *awake, *awake_next;
    size_t n_awake, awake_capacity;
};

/* What compute() sees of the engine. Lives on the stack of the superstep loop. */
struct rv_context {
    rv_job *job;
    uint32_t vertex;
    bool voted_to_halt;
    bool in_init; /* sending is not allowed during init() */
};

struct rv_master {
    rv_job *job;
    const rv__reduce_slot *reduced;
    bool failed;
    bool between_runs; /* on_batch(): the last superstep run is superstep - 1 */
    uint64_t batch_updates; /* on_batch(): the updates of the batch */
    bool recompute;         /* on_batch() asked for rv_master_recompute() */
};

/* Sets a slot to the identity of an aggregator kind. */
void rv__aggregate_reset(rv__reduce_slot *slot, rv_aggregator_kind kind);

/* Hands a stream batch's changes (heap-allocated, taken over) to the job: the next
 * run starts with repair() on the vertices it touched. Local. */
void rv__job_set_changes(rv_job *job, rv__batch_changes *changes, bool everyone);
/* Starts the job over on its graph as it is now, as rv_job_new() would: init() on
 * every vertex, no messages, superstep 0. Collective. */
int rv__job_restart(rv_job *job);
/* Packs the graph's edge lists (and the job's edge values) again after stream
 * batches left slack in them, for code that walks the CSR as one block. */
void rv__job_pack_edges(rv_job *job);

#endif /* RV_JOB_H */
