/* source.h — what the single-source algorithms share (bfs, sssp, and their stream version in stream_paths.c): the source parameter, the release of the user data, and the check that the source is a vertex. */
#ifndef RV_ALGORITHMS_SOURCE_H
#define RV_ALGORITHMS_SOURCE_H

#include "rivulet.h"

/* The user data of the batch programs of bfs and sssp. */
typedef struct rv__source_params {
    rv_id source;
} rv__source_params;

/* Reads the "source" parameter into a new malloc'ed rv__source_params (*@p out).
 * RV_OK, RV_EINVAL (no valid source) or RV_ENOMEM. */
int rv__source_params_read(const rv_params *params, rv__source_params **out);

/* rv_algorithm.release of bfs and sssp: the user data of both their programs, the
 * batch one (rv__source_params) and the stream one (rv__stream_paths_configure()),
 * is one malloc'ed block. */
void rv__source_release(rv_program *program);

/* For the master hook, after every superstep: when superstep 0 ends and no vertex
 * added itself to the int64 sum aggregator @p aggregator (the source does, in its
 * compute() of superstep 0), fails the run with "ALGORITHM: the source vertex ID is
 * not in the graph" and returns false. A source that is not a vertex would otherwise
 * leave every vertex unreached, a silently useless answer. */
bool rv__source_is_vertex(rv_master *master, size_t aggregator, const char *algorithm, rv_id source);

#endif /* RV_ALGORITHMS_SOURCE_H */
