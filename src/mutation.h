/* mutation.h — topology changes that compute() requests, applied to the graph at the superstep barrier.
 *
 * Requests travel to the owner of the vertex they concern (the source, for an
 * edge; a vertex a partition's directory does not know lives at its hash owner)
 * and are applied after the superstep's messages were delivered, in Pregel's
 * order: edge removals, vertex removals, vertex additions, edge additions. The rules
 * (stated for users in rivulet.h):
 *  - removing the edge u->v removes every u->v edge that existed at the barrier;
 *  - removing a vertex removes its out-edges, every edge that points to it, and the
 *    messages waiting for it;
 *  - adding a vertex that exists changes nothing; a vertex removed and added in one
 *    superstep starts afresh from init();
 *  - adding an edge adds one edge (repeats add repeats, as in an edge list) and
 *    creates its missing endpoints;
 *  - new vertices run init() (and their new edges init_edge()) and are active in the
 *    next superstep. Survivors keep their value, halted state, edge state and inbox.
 * The rank's graph is rebuilt through the loader's build (rv__graph_build), so the
 * hot loop keeps its slot-addressed CSR; a mutation superstep costs a rebuild.
 */
#ifndef RV_MUTATION_H
#define RV_MUTATION_H

#include <stdint.h>

#include "comm.h"

typedef struct rv_job rv_job;

/* Kinds, in the order they are applied. */
typedef enum {
    RV__REMOVE_EDGE = 0,
    RV__REMOVE_VERTEX = 1,
    RV__ADD_VERTEX = 2,
    RV__ADD_EDGE = 3
} rv__mutation_kind;

/* Flags beside the kind, for the requests of a stream batch (src/stream.c), whose
 * lines arrive in a graph that may hold reverse copies of its edges (the undirected
 * view of a directed graph, with marks):
 *  - REVERSE: an added edge is the reverse copy of a line (marked); a removal takes
 *    only reverse copies;
 *  - FORWARD: a removal takes only the copies that are not reverse ones;
 *  - REPORT: the request comes from an update line that may change nothing (an
 *    unknown vertex, a missing edge); the owner reports it with its line.
 * Requests from compute() carry none: a removal there takes every copy. */
#define RV__MUTATION_KIND_MASK UINT64_C(0xff)
#define RV__MUTATION_REVERSE (UINT64_C(1) << 8)
#define RV__MUTATION_FORWARD (UINT64_C(1) << 9)
#define RV__MUTATION_REPORT (UINT64_C(1) << 10)

/* One request as it travels: a vertex (a) or an edge (a -> b, weight). */
typedef struct rv__mutation {
    uint64_t kind; /* rv__mutation_kind | RV__MUTATION_* flags */
    uint64_t a, b;
    double weight;
    uint64_t line; /* a stream update's line number (for reports), 0 from compute() */
} rv__mutation;

/* This superstep's requests, in the order they were made. They learn their owners
 * at the barrier: under a partition, owners are asked of the directory, which is a
 * collective call. */
typedef struct rv__mutations {
    rv__buffer pending; /* rv__mutation records */
    uint64_t n;
    int status;         /* RV_ENOMEM when a request could not be kept */
} rv__mutations;

void rv__mutations_destroy(rv__mutations *m);

/* Records a request from compute() (checked: ids at most RV_ID_MAX). */
void rv__mutations_request(rv_job *job, rv__mutation_kind kind, uint64_t a, uint64_t b, double weight);
/* Records a request from outside compute() (a stream batch), with its flags and line;
 * ids must already be checked. RV_ENOMEM when it cannot be kept. Local. */
int rv__mutations_request_tagged(rv_job *job, const rv__mutation *request);

/* Applies every rank's requests: exchanges them, rebuilds the graph and carries the
 * job's state over. Collective; called when the superstep's reduction says some rank
 * has requests. Leaves in *n_unresolved the messages by id that still have no vertex. */
int rv__mutations_apply(rv_job *job, uint64_t *n_unresolved);

/* One removed edge as the vertex that held it sees it (for rv_change). */
typedef struct rv__removed_edge_at {
    uint32_t vertex; /* its local index after the batch */
    rv_removed_edge edge;
} rv__removed_edge_at;

/* A request that changed nothing, for the report: an update naming an unknown vertex,
 * or removing an edge that does not exist. */
typedef struct rv__mutation_notice {
    uint64_t line;
    uint64_t kind; /* RV__REMOVE_EDGE or RV__REMOVE_VERTEX */
    uint64_t a, b;
    uint64_t unknown_vertex; /* 1: vertex a does not exist; 0: the edge a -> b does not */
} rv__mutation_notice;

/* What a batch applied from outside compute() did on this rank, after the rebuild:
 * which vertices it touched and how (see rv_change in rivulet.h). */
typedef struct rv__batch_changes {
    uint8_t *is_new;          /* [n_local] 1 for a vertex the batch added */
    uint64_t *n_added_edges;  /* [n_local] its new out-edges, the last ones of its list */
    rv__removed_edge_at *removed; /* sorted by vertex */
    size_t n_removed;
    rv__mutation_notice *notices; /* requests flagged REPORT that changed nothing */
    size_t n_notices;
    bool renumbered; /* the graph was rebuilt: local indices changed (else old ones stay) */
} rv__batch_changes;

void rv__batch_changes_destroy(rv__batch_changes *changes);

/* A removal as a plan keeps it: the edges src -> dst among the copies named
 * (RV__COPIES_FORWARD: not marked reverse; RV__COPIES_REVERSE: marked; both). */
enum { RV__COPIES_FORWARD = 1, RV__COPIES_REVERSE = 2, RV__COPIES_ALL = 3 };
typedef struct rv__edge_removal {
    uint64_t src, dst;
    uint64_t copies;
} rv__edge_removal;

/* What a batch that removes no vertex does on this rank (graph_patch.c). */
typedef struct rv__graph_delta {
    const uint64_t *added_vertices; /* owned here, sorted, unique; some may exist */
    size_t n_added_vertices;
    const rv__mutation *added_edges; /* sources owned here, sorted by source (then target, weight, kind) */
    size_t n_added_edges;
    const rv__edge_removal *removals; /* sources owned here, sorted by (src, dst), one per edge */
    size_t n_removals;
} rv__graph_delta;

/* Applies @p delta to the job's graph in place of a rebuild: one pass copies the
 * edges that stay and appends the new ones, new vertices and ghosts go after the old
 * ones (ghost groups stay sorted by id, mirrors follow), and the job's values and
 * edge state move with them; no id is hashed. Fills @p changes as
 * rv__mutations_apply_batch() does (except its notices) and leaves every vertex
 * asleep; the caller re-creates the message store. Collective. */
int rv__graph_patch(rv_job *job, const rv__graph_delta *delta, rv__batch_changes *changes);

/* Applies a stream batch: like rv__mutations_apply, but the inbox is dropped (a batch
 * starts from rest), and @p changes receives what the batch did on this rank.
 * Collective. */
int rv__mutations_apply_batch(rv_job *job, rv__batch_changes *changes);

#endif /* RV_MUTATION_H */
