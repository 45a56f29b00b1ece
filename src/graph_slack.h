/* graph_slack.h — room to grow in a streamed graph's CSR: per-vertex slack, making room by shifting neighbours, compaction. */
#ifndef RV_GRAPH_SLACK_H
#define RV_GRAPH_SLACK_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"

/* The arrays indexed by edge position that move together: the graph's targets,
 * weights and reverse marks and a job's edge values. A NULL entry (or one whose
 * array is NULL) is skipped; the pointers are to the owners' fields, so growing an
 * array updates its owner. */
typedef struct rv__edge_arrays {
    void **array[4];
    size_t size[4];
} rv__edge_arrays;

rv__edge_arrays rv__edge_arrays_of(rv_graph *g, unsigned char **edge_values, size_t edge_value_size);

/* Gives every list of @p g some slack after its edges (g->ends appears): one O(E)
 * pass, the first time a stream batch patches the graph. RV_OK or RV_ENOMEM. */
int rv__graph_spread(rv_graph *g, const rv__edge_arrays *e);

/* Makes local vertex @p v (of the @p n in g->offsets) able to hold @p capacity
 * edges: the lists after it shift right into their own slack, as few as needed,
 * or into new room at the end of the arrays. Needs g->ends. RV_OK or RV_ENOMEM. */
int rv__graph_make_room(rv_graph *g, const rv__edge_arrays *e, uint32_t n, uint32_t v, uint64_t capacity);

/* Packs the lists again (g->ends goes): for the code that walks the CSR as one
 * block (a rebuild, a checkpoint). Nothing to do for a packed graph. */
void rv__graph_compact(rv_graph *g, const rv__edge_arrays *e);

#endif /* RV_GRAPH_SLACK_H */
