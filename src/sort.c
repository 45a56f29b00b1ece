/* sort.c — radix sort, unique and binary search over arrays of 64-bit keys. */
#include "sort.h"

#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

/* The LSD radix sort behind both entry points: sorts @p keys[n] ascending and, when
 * @p values is not NULL, moves values[i] along with keys[i] (stably). */
static int radix_sort(uint64_t *keys, uint32_t *values, size_t n)
{
    if (n < 2)
        return RV_OK;
    /* One pass over the data counts all eight digit histograms at once. */
    size_t (*count)[256] = calloc(8, sizeof *count);
    uint64_t *scratch = malloc(n * sizeof *scratch);
    uint32_t *value_scratch = values ? malloc(n * sizeof *value_scratch) : NULL;
    if (!count || !scratch || (values && !value_scratch)) {
        free(count);
        free(scratch);
        free(value_scratch);
        return RV_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 8; d++)
            count[d][(keys[i] >> (8 * d)) & 0xff]++;
    uint64_t *from = keys, *to = scratch;
    uint32_t *value_from = values, *value_to = value_scratch;
    for (int d = 0; d < 8; d++) {
        /* A digit shared by every key would move nothing: skip the pass. */
        if (count[d][(keys[0] >> (8 * d)) & 0xff] == n)
            continue;
        size_t offset = 0;
        for (int b = 0; b < 256; b++) {
            size_t c = count[d][b];
            count[d][b] = offset;
            offset += c;
        }
        if (values) {
            for (size_t i = 0; i < n; i++) {
                size_t at = count[d][(from[i] >> (8 * d)) & 0xff]++;
                to[at] = from[i];
                value_to[at] = value_from[i];
            }
            uint32_t *t = value_from;
            value_from = value_to;
            value_to = t;
        } else {
            for (size_t i = 0; i < n; i++)
                to[count[d][(from[i] >> (8 * d)) & 0xff]++] = from[i];
        }
        uint64_t *t = from;
        from = to;
        to = t;
    }
    if (from != keys)
        memcpy(keys, from, n * sizeof *keys);
    if (values && value_from != values)
        memcpy(values, value_from, n * sizeof *values);
    free(count);
    free(scratch);
    free(value_scratch);
    return RV_OK;
}

int rv__sort_u64(uint64_t *keys, size_t n) { return radix_sort(keys, NULL, n); }

int rv__sort_u64_u32(uint64_t *keys, uint32_t *values, size_t n) { return radix_sort(keys, values, n); }

int rv__compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

size_t rv__sort_unique_u64(uint64_t *a, size_t n)
{
    if (n == 0)
        return 0; /* a may be NULL then, which qsort() must not see */
    qsort(a, n, sizeof *a, rv__compare_u64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || a[k - 1] != a[i])
            a[k++] = a[i];
    return k;
}
