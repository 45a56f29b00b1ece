/* idmap.c — the id → index hash map: growth, insertion, interning and batched lookups. */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

/* How many keys ahead a batched loop prefetches: enough lookups in flight to hide a
 * miss to memory, few enough that the prefetched lines are still in L1 when used. */
enum { PREFETCH_DISTANCE = 32 };

static int allocate(rv__idmap *map, size_t capacity)
{
    if (capacity > SIZE_MAX / sizeof *map->cells)
        return RV_ENOMEM;
    map->cells = malloc(capacity * sizeof *map->cells);
    if (!map->cells)
        return RV_ENOMEM;
    /* All-ones keys are empty cells. */
    memset(map->cells, 0xff, capacity * sizeof *map->cells);
    map->mask = capacity - 1;
    map->n = 0;
    return RV_OK;
}

/* Whether @p extra more keys keep the load factor at or below three quarters. With
 * four cells to a cache line, linear probes at that load still end within one or two
 * lines, and the table is half the size it would be at a load of one half. */
static bool has_room(const rv__idmap *map, size_t extra)
{
    size_t capacity = map->mask + 1;
    return map->n + extra <= capacity / 4 * 3;
}

int rv__idmap_init(rv__idmap *map, size_t expected)
{
    size_t capacity = 64;
    while (capacity / 4 * 3 < expected)
        capacity *= 2;
    return allocate(map, capacity);
}

void rv__idmap_destroy(rv__idmap *map)
{
    free(map->cells);
    *map = (rv__idmap){0};
}

static void put(rv__idmap *map, uint64_t key, uint32_t value)
{
    size_t i = rv__mix64(key) & map->mask;
    while (map->cells[i].key != RV__IDMAP_EMPTY && map->cells[i].key != key)
        i = (i + 1) & map->mask;
    if (map->cells[i].key == RV__IDMAP_EMPTY) {
        map->cells[i].key = key;
        map->n++;
    }
    map->cells[i].value = value;
}

/* Doubles the capacity until @p extra more keys fit. */
static int grow(rv__idmap *map, size_t extra)
{
    size_t capacity = map->mask + 1;
    while (map->n + extra > capacity / 4 * 3)
        capacity *= 2;
    rv__idmap bigger;
    if (allocate(&bigger, capacity) != RV_OK)
        return RV_ENOMEM;
    for (size_t i = 0; i <= map->mask; i++)
        if (map->cells[i].key != RV__IDMAP_EMPTY)
            put(&bigger, map->cells[i].key, map->cells[i].value);
    rv__idmap_destroy(map);
    *map = bigger;
    return RV_OK;
}

int rv__idmap_intern_many(rv__idmap *map, const uint64_t *keys, size_t n, uint32_t *values)
{
    /* The table only grows between chunks, so the mask stays fixed while prefetches
     * for the current chunk are in flight; a chunk is small next to a grown table. */
    enum { CHUNK = 4096 };
    int status = RV_OK;
    /* Edge lists are often sorted by source: a run of one key costs one probe. */
    uint64_t last_key = RV__IDMAP_EMPTY;
    uint32_t last_value = RV__IDMAP_NONE;
    for (size_t base = 0; base < n; base += CHUNK) {
        size_t end = n - base < CHUNK ? n : base + CHUNK;
        if (!has_room(map, end - base) && (status = grow(map, end - base)) != RV_OK)
            goto done;
        rv__idmap_cell *cells = map->cells;
        const size_t mask = map->mask;
        for (size_t i = base; i < end && i < base + PREFETCH_DISTANCE; i++)
            __builtin_prefetch(&cells[rv__mix64(keys[i]) & mask]);
        for (size_t i = base; i < end; i++) {
            if (i + PREFETCH_DISTANCE < end)
                __builtin_prefetch(&cells[rv__mix64(keys[i + PREFETCH_DISTANCE]) & mask]);
            const uint64_t key = keys[i];
            if (key != last_key) {
                size_t at = rv__mix64(key) & mask;
                while (cells[at].key != key && cells[at].key != RV__IDMAP_EMPTY)
                    at = (at + 1) & mask;
                if (cells[at].key == RV__IDMAP_EMPTY) {
                    if (map->n == RV__IDMAP_NONE) {
                        status = RV_ELIMIT;
                        goto done;
                    }
                    cells[at].key = key;
                    cells[at].value = (uint32_t)map->n++;
                }
                last_key = key;
                last_value = cells[at].value;
            }
            if (values)
                values[i] = last_value;
        }
    }
done:
    return status;
}
