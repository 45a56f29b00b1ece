/* hash.c — the hash placement: owner = mix64(id) scaled onto [0, P). */
#include "partitioner.h"

void rv__placement_init(rv__placement *placement, rv_partition_kind kind, int n_parts)
{
    placement->kind = kind;
    placement->n_parts = n_parts;
}

int rv__placement_owners(rv_session *session, const rv__placement *placement, const uint64_t *ids,
                         size_t n, int *owners)
{
    (void)session;
    for (size_t i = 0; i < n; i++)
        owners[i] = rv__hash_owner(ids[i], placement->n_parts);
    return RV_OK;
}
