/* idmap.c — the id → index hash map: growth, insertion and batched lookups. */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>

static int allocate(rv__idmap *map, size_t capacity)
{
    map->keys = malloc(capacity * sizeof *map->keys);
    map->values = malloc(capacity * sizeof *map->values);
    if (!map->keys || !map->values) {
        free(map->keys);
        free(map->values);
        map->keys = NULL;
        map->values = NULL;
        return RV_ENOMEM;
    }
    memset(map->keys, 0xff, capacity * sizeof *map->keys);
    map->mask = capacity - 1;
    map->n = 0;
    return RV_OK;
}

int rv__idmap_init(rv__idmap *map, size_t expected)
{
    size_t capacity = 64;
    /* Keep the load factor at or below one half: probes stay short. */
    while (capacity < 2 * expected)
        capacity *= 2;
    return allocate(map, capacity);
}

void rv__idmap_destroy(rv__idmap *map)
{
    free(map->keys);
    free(map->values);
    *map = (rv__idmap){0};
}

static void put(rv__idmap *map, uint64_t key, uint32_t value)
{
    size_t i = rv__mix64(key) & map->mask;
    while (map->keys[i] != RV__IDMAP_EMPTY && map->keys[i] != key)
        i = (i + 1) & map->mask;
    if (map->keys[i] == RV__IDMAP_EMPTY) {
        map->keys[i] = key;
        map->n++;
    }
    map->values[i] = value;
}

static int grow(rv__idmap *map)
{
    rv__idmap bigger;
    if (allocate(&bigger, 2 * (map->mask + 1)) != RV_OK)
        return RV_ENOMEM;
    for (size_t i = 0; i <= map->mask; i++)
        if (map->keys[i] != RV__IDMAP_EMPTY)
            put(&bigger, map->keys[i], map->values[i]);
    rv__idmap_destroy(map);
    *map = bigger;
    return RV_OK;
}

int rv__idmap_insert(rv__idmap *map, uint64_t key, uint32_t value)
{
    if (2 * (map->n + 1) > map->mask + 1 && grow(map) != RV_OK)
        return RV_ENOMEM;
    size_t i = rv__mix64(key) & map->mask;
    for (;;) {
        uint64_t k = map->keys[i];
        if (k == key)
            return RV_OK;
        if (k == RV__IDMAP_EMPTY) {
            map->keys[i] = key;
            map->values[i] = value;
            map->n++;
            return RV_OK;
        }
        i = (i + 1) & map->mask;
    }
}

void rv__idmap_set(rv__idmap *map, uint64_t key, uint32_t value)
{
    size_t i = rv__mix64(key) & map->mask;
    while (map->keys[i] != key)
        i = (i + 1) & map->mask;
    map->values[i] = value;
}

void rv__idmap_keys(const rv__idmap *map, uint64_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i <= map->mask; i++)
        if (map->keys[i] != RV__IDMAP_EMPTY)
            out[n++] = map->keys[i];
}

void rv__idmap_find_many(const rv__idmap *map, const uint64_t *keys, size_t n, uint32_t *values)
{
    enum { BATCH = 16 };
    size_t slot[BATCH];
    for (size_t base = 0; base < n; base += BATCH) {
        size_t count = n - base < BATCH ? n - base : BATCH;
        for (size_t j = 0; j < count; j++) {
            slot[j] = rv__mix64(keys[base + j]) & map->mask;
            __builtin_prefetch(&map->keys[slot[j]]);
        }
        for (size_t j = 0; j < count; j++) {
            size_t i = slot[j];
            uint64_t key = keys[base + j];
            for (;;) {
                uint64_t k = map->keys[i];
                if (k == key) {
                    values[base + j] = map->values[i];
                    break;
                }
                if (k == RV__IDMAP_EMPTY) {
                    values[base + j] = RV__IDMAP_NONE;
                    break;
                }
                i = (i + 1) & map->mask;
            }
        }
    }
}
