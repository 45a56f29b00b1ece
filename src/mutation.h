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

/* One request as it travels: a vertex (a) or an edge (a -> b, weight). */
typedef struct rv__mutation {
    uint64_t kind;
    uint64_t a, b;
    double weight;
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

/* Applies every rank's requests: exchanges them, rebuilds the graph and carries the
 * job's state over. Collective; called when the superstep's reduction says some rank
 * has requests. Leaves in *n_unresolved the messages by id that still have no vertex. */
int rv__mutations_apply(rv_job *job, uint64_t *n_unresolved);

#endif /* RV_MUTATION_H */
