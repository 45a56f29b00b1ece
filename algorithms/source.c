/* source.c — the check that a single-source algorithm's source is a vertex (see source.h). */
#include "source.h"

#include <stdio.h>

bool rv__source_is_vertex(rv_master *master, size_t aggregator, const char *algorithm, rv_id source)
{
    if (rv_master_superstep(master) != 0 || rv_master_aggregated_int64(master, aggregator) != 0)
        return true;
    char message[128];
    snprintf(message, sizeof message, "%s: the source vertex %llu is not in the graph", algorithm,
             (unsigned long long)source);
    rv_master_fail(master, message);
    return false;
}
