/* partitioner.h — which rank owns each vertex: the interface the engine places vertices through.
 *
 * Two kinds of placement. Hash needs no state and no communication. A partition
 * (METIS, or a partition file) is kept as a directory spread over the ranks by hash
 * (directory.h); asking it is collective, which is why the engine always asks for
 * owners in batches and on every rank at the same time. METIS itself is in metis.h,
 * partition files in partition_file.h, the quality report in quality.h.
 */
#ifndef RV_PARTITIONER_H
#define RV_PARTITIONER_H

#include <stddef.h>
#include <stdint.h>

#include "directory.h"
#include "rivulet.h"

typedef struct rv__placement {
    rv_partition_kind kind; /* HASH, METIS or FILE: what chose the owners */
    int n_parts;
    rv__directory *directory; /* NULL: owner = hash of the id */
} rv__placement;

/* A 64-bit mixing function (the splitmix64 finaliser): ids that are close together,
 * or that share low bits, land on unrelated ranks. */
static inline uint64_t rv__mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

/* The hash owner of @p id among @p n_parts ranks. Multiplying the mixed id by P and
 * keeping the high word maps it uniformly onto [0, P) without a division. */
static inline int rv__hash_owner(uint64_t id, int n_parts)
{
    return (int)(((unsigned __int128)rv__mix64(id) * (unsigned)n_parts) >> 64);
}

/* Initialises a hash placement over @p n_parts ranks. */
void rv__placement_init(rv__placement *placement, int n_parts);
/* Makes @p placement answer from @p directory (a heap object it takes over, and frees
 * in rv__placement_destroy()); @p kind says what filled it (METIS or FILE). */
void rv__placement_set_directory(rv__placement *placement, rv_partition_kind kind, rv__directory *directory);
/* Frees the directory, if any; the placement is hash again. */
void rv__placement_destroy(rv__placement *placement);

/* Writes the owner rank of each of @p n ids to @p owners (the hash owner for an id a
 * directory does not know: a vertex added by a topology change). Collective (with an agreed status) for placements with a
 * directory; local and cheap for the hash placement. */
int rv__placement_owners(rv_session *session, const rv__placement *placement, const uint64_t *ids, size_t n,
                         int *owners);

/* The owner of one id when it can be known without asking anyone (hash placement),
 * else -1: the id's entry is then with the directory on rank rv__hash_owner(id, P). */
static inline int rv__placement_owner_local(const rv__placement *placement, uint64_t id)
{
    return placement->directory ? -1 : rv__hash_owner(id, placement->n_parts);
}

#endif /* RV_PARTITIONER_H */
