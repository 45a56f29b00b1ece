/* idmap.h — an open-addressing hash map from vertex id to a 32-bit index, for the graph build. */
#ifndef RV_IDMAP_H
#define RV_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "partitioner/partitioner.h"

/* Ids are below 2^63, so the all-ones key can mark an empty cell. */
#define RV__IDMAP_EMPTY UINT64_MAX
#define RV__IDMAP_NONE UINT32_MAX

typedef struct rv__idmap {
    uint64_t *keys;
    uint32_t *values;
    size_t mask; /* capacity - 1; capacity is a power of two */
    size_t n;
} rv__idmap;

/* Prepares a map for about @p expected keys (it grows as needed). RV_ENOMEM on failure. */
int rv__idmap_init(rv__idmap *map, size_t expected);
void rv__idmap_destroy(rv__idmap *map);
/* Inserts @p key with @p value unless present. RV_OK or RV_ENOMEM. */
int rv__idmap_insert(rv__idmap *map, uint64_t key, uint32_t value);
/* Sets the value of a present key. */
void rv__idmap_set(rv__idmap *map, uint64_t key, uint32_t value);
/* Copies the keys (in table order) into @p out[map->n]. */
void rv__idmap_keys(const rv__idmap *map, uint64_t *out);

/* The value of @p key, or RV__IDMAP_NONE. Linear probing from the mixed key. */
static inline uint32_t rv__idmap_find(const rv__idmap *map, uint64_t key)
{
    size_t i = rv__mix64(key) & map->mask;
    for (;;) {
        uint64_t k = map->keys[i];
        if (k == key)
            return map->values[i];
        if (k == RV__IDMAP_EMPTY)
            return RV__IDMAP_NONE;
        i = (i + 1) & map->mask;
    }
}

/* Looks up @p n keys, overlapping their cache misses by prefetching a batch of cells
 * before probing them: this is what keeps the graph build from stalling on memory. */
void rv__idmap_find_many(const rv__idmap *map, const uint64_t *keys, size_t n, uint32_t *values);

#endif /* RV_IDMAP_H */
