/* partitioner.h — which rank owns each vertex: the interface the engine places vertices through.
 *
 * Only the hash placement exists so far; it needs no state and no communication.
 * Placements that keep a map (a METIS partition spread over the ranks as a
 * directory) answer rv__placement_owners() collectively, which is why the engine
 * always asks for owners in batches and on every rank at the same time.
 */
#ifndef RV_PARTITIONER_H
#define RV_PARTITIONER_H

#include <stddef.h>
#include <stdint.h>

#include "rivulet.h"

typedef struct rv__placement {
    rv_partition_kind kind;
    int n_parts;
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

/* Initialises a placement over @p n_parts ranks. */
void rv__placement_init(rv__placement *placement, rv_partition_kind kind, int n_parts);

/* Writes the owner rank of each of @p n ids to @p owners. Collective for placements
 * with a directory; local (and cheap) for the hash placement. */
int rv__placement_owners(rv_session *session, const rv__placement *placement, const uint64_t *ids,
                         size_t n, int *owners);

/* The owner of one id, for placements that can answer locally (hash). */
static inline int rv__placement_owner_local(const rv__placement *placement, uint64_t id)
{
    return rv__hash_owner(id, placement->n_parts);
}

#endif /* RV_PARTITIONER_H */
