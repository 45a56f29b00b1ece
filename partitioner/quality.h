/* quality.h — how good a partition is: edge cut, and vertices, edges and ghosts per part. */
#ifndef RV_PARTITIONER_QUALITY_H
#define RV_PARTITIONER_QUALITY_H

#include <stdint.h>

#include "rivulet.h"

/* Fills the quality fields of @p stats (edge cut, vertices, edges and ghosts per
 * part; max and mean) from what this rank counted: vertices[k] and edges[k] of its
 * vertices that are in part k (n_parts entries), the edges it holds whose ends are
 * in different parts, and its ghosts. Collective; returns an agreed status. */
int rv__partition_quality(rv_session *session, int n_parts, const uint64_t *vertices, const uint64_t *edges,
                          uint64_t cut, uint64_t ghosts, rv_partition_stats *stats);

#endif /* RV_PARTITIONER_QUALITY_H */
