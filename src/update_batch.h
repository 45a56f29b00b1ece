/* update_batch.h — a micro-batch of updates in arrival order, rewritten as topology requests that Pregel's order applies to the same graph.
 *
 * A batch is applied at one barrier, where the engine takes requests in Pregel's
 * order (edge removals, vertex removals, vertex additions, edge additions), not in
 * the order they arrived. The two orders differ only when a later update undoes an
 * earlier one of another kind: `+ 1 2` then `- 1 2`, or `+v 5` (or `+ 5 6`) then
 * `-v 5`. Such an earlier update leaves only one trace in the sequential result: the
 * endpoints an added edge created. So it is rewritten into vertex additions for
 * those endpoints (none for the vertex being removed), and the batch becomes
 * order-independent: applying the result in Pregel's order gives exactly the graph,
 * and the fresh or kept state of every vertex, that applying the lines one by one
 * would. The unit test checks this against a sequential model on random batches.
 */
#ifndef RV_UPDATE_BATCH_H
#define RV_UPDATE_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "io/updates.h"
#include "mutation.h"

/* Rewrites @p n updates (arrival order) into *out[*n_out] requests (rv__mutation
 * records with RV__MUTATION_REPORT set on removals that may find nothing to remove:
 * those no earlier update of the batch made sure of). With @p undirected, `u v` and
 * `v u` name the same edge. The requests name logical edges; expanding them into the
 * stored copies of the graph is the caller's job. RV_OK or RV_ENOMEM. */
int rv__update_batch_requests(const rv__update *updates, size_t n, bool undirected, rv__mutation **out,
                              size_t *n_out);

#endif /* RV_UPDATE_BATCH_H */
