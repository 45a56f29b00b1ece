/* source.h — what the single-source algorithms share (bfs, sssp, and their stream version in stream_paths.c): the check that the source is a vertex. */
#ifndef RV_ALGORITHMS_SOURCE_H
#define RV_ALGORITHMS_SOURCE_H

#include "rivulet.h"

/* For the master hook, after every superstep: when superstep 0 ends and no vertex
 * added itself to the int64 sum aggregator @p aggregator (the source does, in its
 * compute() of superstep 0), fails the run with "ALGORITHM: the source vertex ID is
 * not in the graph" and returns false. A source that is not a vertex would otherwise
 * leave every vertex unreached, a silently useless answer. */
bool rv__source_is_vertex(rv_master *master, size_t aggregator, const char *algorithm, rv_id source);

#endif /* RV_ALGORITHMS_SOURCE_H */
