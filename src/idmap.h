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

/* A key and its value share a cell, so that a lookup that hits touches one cache
 * line, not one in a key array and another in a value array. */
typedef struct rv__idmap_cell {
    uint64_t key;
    uint32_t value;
} rv__idmap_cell;

typedef struct rv__idmap {
    rv__idmap_cell *cells;
    size_t mask; /* capacity - 1; capacity is a power of two */
    size_t n;
} rv__idmap;

/* Prepares a map for about @p expected keys (it grows as needed). RV_ENOMEM on failure. */
int rv__idmap_init(rv__idmap *map, size_t expected);
void rv__idmap_destroy(rv__idmap *map);

/* Numbers keys in the order they are first seen: each of @p keys[n] that is new gets
 * the value map->n (then the count grows), and @p values[i] receives the value of
 * keys[i], old or new. @p values may be NULL when only the insertion matters. Lookups
 * are batched with prefetches, which is what keeps this from stalling on memory when
 * the table outgrows the caches. Meant for maps that only this function fills, whose
 * values are then exactly 0 .. map->n - 1. RV_OK, RV_ENOMEM (growing failed), or
 * RV_ELIMIT when a value would reach RV__IDMAP_NONE; after an error, the keys before
 * the failing one are in the map. */
int rv__idmap_intern_many(rv__idmap *map, const uint64_t *keys, size_t n, uint32_t *values);

/* The value of @p key, or RV__IDMAP_NONE. Linear probing from the mixed key. */
static inline uint32_t rv__idmap_find(const rv__idmap *map, uint64_t key)
{
    size_t i = rv__mix64(key) & map->mask;
    for (;;) {
        uint64_t k = map->cells[i].key;
        if (k == key)
            return map->cells[i].value;
        if (k == RV__IDMAP_EMPTY)
            return RV__IDMAP_NONE;
        i = (i + 1) & map->mask;
    }
}

#endif /* RV_IDMAP_H */
