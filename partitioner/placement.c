/* placement.c — the owner rank of each vertex: hash by default, or the directory a partition (METIS or a file) filled. */
#include "partitioner.h"

#include <stdlib.h>

void rv__placement_init(rv__placement *placement, int n_parts)
{
    *placement = (rv__placement){.kind = RV_PARTITION_HASH, .n_parts = n_parts};
}

void rv__placement_set_directory(rv__placement *placement, rv_partition_kind kind, rv__directory *directory)
{
    rv__placement_destroy(placement);
    placement->kind = kind;
    placement->directory = directory;
}

void rv__placement_destroy(rv__placement *placement)
{
    if (placement->directory) {
        rv__directory_destroy(placement->directory);
        free(placement->directory);
    }
    placement->directory = NULL;
    placement->kind = RV_PARTITION_HASH;
}

int rv__placement_owners(rv_session *session, const rv__placement *placement, const uint64_t *ids, size_t n,
                         int *owners)
{
    if (!placement->directory) {
        for (size_t i = 0; i < n; i++)
            owners[i] = rv__hash_owner(ids[i], placement->n_parts);
        return RV_OK;
    }
    /* The directory answers in int32; owners are ints, the same on every platform we build for. */
    _Static_assert(sizeof(int) == sizeof(int32_t), "owners are looked up as int32_t");
    int status = rv__directory_lookup(session, placement->directory, ids, n, (int32_t *)owners);
    /* A vertex the directory does not know (one a topology change added after the
     * partition was made) lives at its hash owner, the keeper of its entry: that is
     * where a message by id for it ends up too. */
    for (size_t i = 0; status == RV_OK && i < n; i++)
        if (owners[i] < 0)
            owners[i] = rv__hash_owner(ids[i], placement->n_parts);
    return status;
}
