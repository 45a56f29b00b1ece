/* stream_paths.h — the `rivulet stream` version of sssp and bfs, shared by both (see stream_paths.c). */
#ifndef RV_ALGORITHMS_STREAM_PATHS_H
#define RV_ALGORITHMS_STREAM_PATHS_H

#include "rivulet.h"

/* Fills @p program with shortest paths from the "source" parameter in @p params that
 * repair themselves after each batch of updates: over edge weights (@p weighted,
 * sssp's output) or hop counts (bfs's output). The program's user data is one
 * malloc'ed block: rv__source_release() releases it. RV_OK, RV_EINVAL (no valid
 * source) or RV_ENOMEM. */
int rv__stream_paths_configure(const rv_params *params, bool weighted, rv_program *program);

#endif /* RV_ALGORITHMS_STREAM_PATHS_H */
