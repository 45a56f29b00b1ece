/* source.c — the source parameter, the release and the check that the source is a vertex of the single-source algorithms (see source.h). */
#include "source.h"

#include <stdio.h>
#include <stdlib.h>

int rv__source_params_read(const rv_params *params, rv__source_params **out)
{
    rv__source_params *p = malloc(sizeof *p);
    if (!p)
        return RV_ENOMEM;
    if (rv_params_get_id(params, "source", &p->source) != RV_OK) {
        free(p);
        return RV_EINVAL;
    }
    *out = p;
    return RV_OK;
}

void rv__source_release(rv_program *program)
{
    free(program->user);
    program->user = NULL;
}

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
